/* test_sampler_oom.c — the live sampler's kernel log (source_config.oom_log):
 * kills handed up in the snapshot at the tick that read them, backlog then
 * new, their times on the sampler's clocks, the log's errors, and nothing
 * read or opened without the switch. The log comes from one end of a
 * socketpair (sampler_set_kmsg_fd); /dev/kmsg itself when root. */
#include "fixture.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc/sampler.h"
#include "sampler_test.h"

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Sends a whole memcg report stamped usec after boot, its kill numbered seq.
static void send_report(int fd, unsigned long long seq, unsigned long long usec, int pid, const char *comm)
{
	char rec[512];
	int n;

	n = snprintf(rec, sizeof rec, "4,%llu,%llu,-;%s invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n",
		     seq - 2, usec, comm);
	assert_int_equal(send(fd, rec, (size_t)n, 0), n);
	n = snprintf(rec, sizeof rec, "6,%llu,%llu,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/t,task_memcg=/t,task=%s,pid=%d,uid=0\n",
		     seq - 1, usec, comm, pid);
	assert_int_equal(send(fd, rec, (size_t)n, 0), n);
	n = snprintf(rec, sizeof rec, "3,%llu,%llu,-;Memory cgroup out of memory: Killed process %d (%s) total-vm:9000kB, anon-rss:8000kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n",
		     seq, usec, pid, comm);
	assert_int_equal(send(fd, rec, (size_t)n, 0), n);
}

static void test_kills_in_snapshots(void **state)
{
	int self = getpid(), sv[2];
	struct source_config cfg = { .pids = &self, .npids = 1, .oom_log = true };
	struct sampler *s = sampler_for(&cfg);
	struct snapshot snap;
	double ten_ago = mono_now() - 10.0;
	unsigned long long usec = (unsigned long long)(ten_ago * 1e6);

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), 0);
	sampler_set_kmsg_fd(s, sv[0]);
	// The backlog: two kills already in the log.
	send_report(sv[1], 12, usec, 700, "old1");
	send_report(sv[1], 15, usec + 1000000, 701, "old2");
	assert_int_equal(sampler_tick(s, &snap), 0);
	assert_int_equal(snap.sys.oom_log_err, 0);
	assert_int_equal(snap.noom_kills, 2);
	assert_int_equal(snap.oom_kills[0].pid, 700);
	assert_string_equal(snap.oom_kills[1].comm, "old2");
	assert_false(snap.oom_kills[0].since_start);
	assert_false(snap.oom_kills[1].since_start);
	// Ten seconds before now on the sampler's clocks (within the tick's ms).
	assert_true(fabs(snap.oom_kills[0].mono_time - (snap.sys.mono_time - 10.0)) < 0.1);
	assert_true(fabs(snap.oom_kills[1].mono_time - snap.oom_kills[0].mono_time - 1.0) < 1e-3);
	assert_true(fabs(snap.oom_kills[0].wall_time - (snap.sys.wall_time - 10.0)) < 0.1);
	assert_true(fabs(snap.oom_kills[0].boot_s - usec / 1e6) < 1e-6);
	// Nothing new: none at the next tick.
	assert_int_equal(sampler_tick(s, &snap), 0);
	assert_int_equal(snap.noom_kills, 0);
	assert_null(snap.oom_kills);
	// A new kill, and records lost before it (seq 16..99).
	send_report(sv[1], 102, (unsigned long long)(mono_now() * 1e6), 702, "new");
	assert_int_equal(sampler_tick(s, &snap), 0);
	assert_int_equal(snap.noom_kills, 1);
	assert_true(snap.oom_kills[0].since_start);
	assert_int_equal(snap.oom_kills[0].pid, 702);
	assert_string_equal(snap.oom_kills[0].oom_memcg, "/t");
	assert_int_equal(snap.oom_kills[0].anon_rss_kb, 8000);
	assert_true(fabs(snap.oom_kills[0].mono_time - snap.sys.mono_time) < 0.1);
	assert_int_equal(snap.sys.oom_log_lost, 100 - 16);
	assert_int_equal(snap.sys.oom_log_dropped, 0);
	close(sv[1]);
	sampler_free(s);
}

// Without the switch: -ENOTSUP, no kills, /dev/kmsg never opened.
static void test_off_costs_nothing(void **state)
{
	int self = getpid();
	struct source_config cfg = { .pids = &self, .npids = 1 };
	struct sampler *s = sampler_for(&cfg);
	struct snapshot snap = { .noom_kills = 3 };

	(void)state;
	assert_false(fd_open_on("/dev/kmsg"));
	assert_int_equal(sampler_tick(s, &snap), 0);
	assert_int_equal(snap.sys.oom_log_err, -ENOTSUP);
	assert_int_equal(snap.noom_kills, 0);
	sampler_free(s);
}

// As root, the real log is opened once and kept; as nobody, refused and
// said at every tick (-EPERM), never opened again.
static void test_real_log(void **state)
{
	int self = getpid(), status;
	struct source_config cfg = { .pids = &self, .npids = 1, .oom_log = true };
	struct sampler *s;
	struct snapshot snap;
	pid_t pid;

	(void)state;
	if (geteuid() != 0 || access("/dev/kmsg", R_OK) != 0) {
		skip();
		return;
	}
	s = sampler_for(&cfg);
	assert_true(fd_open_on("/dev/kmsg"));
	assert_int_equal(sampler_tick(s, &snap), 0);
	assert_int_equal(snap.sys.oom_log_err, 0);
	for (size_t i = 0; i < snap.noom_kills; i++)
		assert_false(snap.oom_kills[i].since_start);
	sampler_free(s);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct passwd *pw = getpwnam("nobody");

		if (!pw || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
			_exit(10);
		s = sampler_for(&cfg);
		for (int i = 0; i < 2; i++) {
			if (sampler_tick(s, &snap) != 0 || snap.noom_kills != 0 ||
			    (snap.sys.oom_log_err != -EPERM && snap.sys.oom_log_err != -EACCES))
				_exit(11);
			if (fd_open_on("/dev/kmsg"))
				_exit(12);
		}
		sampler_free(s);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kills_in_snapshots),
		cmocka_unit_test(test_off_costs_nothing),
		cmocka_unit_test(test_real_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
