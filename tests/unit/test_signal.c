/* test_signal.c — sampler_send_signal: a signal reaches the process memtop
 * knows (pid and start time) and no other. Uses real child processes. */
#include "fixture.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc/sampler.h"

// A child that waits to be signalled.
static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

// The start time the sampler sees for pid.
static uint64_t start_of(struct sampler *s, int pid)
{
	struct snapshot snap;

	assert_int_equal(sampler_tick(s, &snap), 0);
	for (size_t i = 0; i < snap.nprocs; i++)
		if (snap.procs[i]->pid == pid)
			return snap.procs[i]->start_ticks;
	fail_msg("pid %d not sampled", pid);
	return 0;
}

static bool alive(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

// The right identity: the signal arrives. A wrong start time (the pid now
// naming another process): refused with -ESRCH, and nothing arrives.
static void test_signal_reaches_only_the_known_process(void **state)
{
	pid_t child = spawn_sleeper();
	struct source_config cfg = { .pids = &child, .npids = 1 };
	char err[256];
	struct sampler *s = sampler_new(&cfg, err, sizeof err);
	uint64_t start;
	int status;

	(void)state;
	assert_non_null(s);
	start = start_of(s, child);
	assert_int_equal(sampler_send_signal(s, child, start + 1, SIGTERM), -ESRCH);
	usleep(20000);
	assert_true(alive(child));
	assert_int_equal(sampler_send_signal(s, child, start, SIGTERM), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	// Gone and reaped: nothing to signal.
	assert_int_equal(sampler_send_signal(s, child, start, SIGTERM), -ESRCH);
	sampler_free(s);
}

// A process memtop may not signal: -EPERM, and it lives. The test drops to
// nobody when run as root (so the child is not its own); otherwise it tries
// pid 1.
static void test_signal_permission_denied(void **state)
{
	pid_t child = spawn_sleeper(), tester;
	int status;

	(void)state;
	tester = fork();
	assert_true(tester >= 0);
	if (tester == 0) {
		// nobody (65534) may not signal a root process; a non-root test
		// run may not signal pid 1.
		pid_t target = getuid() == 0 ? child : 1;
		struct source_config cfg = { .pids = &target, .npids = 1 };
		char err[256];
		struct sampler *s;
		struct snapshot snap;

		if (getuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(10);
		s = sampler_new(&cfg, err, sizeof err);
		if (!s || sampler_tick(s, &snap) < 0 || snap.nprocs != 1)
			_exit(11);
		_exit(sampler_send_signal(s, target, snap.procs[0]->start_ticks, SIGTERM) == -EPERM ? 0 : 12);
	}
	assert_int_equal(waitpid(tester, &status, 0), tester);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(alive(child));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signal_reaches_only_the_known_process),
		cmocka_unit_test(test_signal_permission_denied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
