/* idlers — COUNT idle processes, for benchmarks that need a busy /proc.
 *
 *   idlers [-w SECONDS] COUNT
 *
 * Forks COUNT children that sleep until they are killed, then prints one line,
 * "ready PID CHILD...": its own pid and every child's, so the caller can check
 * by pid that they are gone. It runs until its stdin reaches end of file or it
 * gets SIGTERM, SIGINT or SIGHUP; then it kills every child by pid, reaps them
 * and exits 0. Each child also gets SIGKILL from the kernel the moment this
 * process dies (PR_SET_PDEATHSIG), so even `kill -9` of the parent leaves no
 * stray process behind; the parent itself gets SIGTERM when its own parent
 * dies.
 *
 * With -w SECONDS each child, instead of only sleeping, alternately dirties
 * and releases one page of anonymous memory every SECONDS (each child at its
 * own phase), so its RSS moves by 4 KiB and back: a monitor then keeps a
 * history for every process, while nothing ever grows.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IDLERS_MAX 30000

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

// Sleeps for the given number of seconds, resuming after interruptions.
static void sleep_seconds(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

// A child's life: detached from the parent's pipes, killed with the parent.
static void child_run(pid_t parent, double wiggle, double phase)
{
	long pagesize = sysconf(_SC_PAGESIZE);
	char *page;
	int dirty = 0;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(0);                       // the parent is already gone
	if (!freopen("/dev/null", "r", stdin) || !freopen("/dev/null", "w", stdout))
		_exit(1);
	if (wiggle <= 0) {
		for (;;)
			pause();
	}
	page = mmap(NULL, (size_t)pagesize, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		_exit(1);
	sleep_seconds(phase);
	for (;;) {
		if (dirty)
			madvise(page, (size_t)pagesize, MADV_DONTNEED);
		else
			memset(page, 1, (size_t)pagesize);
		dirty = !dirty;
		sleep_seconds(wiggle);
	}
}

// Kills every child by pid and reaps it.
static void children_kill(const pid_t *pids, int count)
{
	for (int i = 0; i < count; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < count; i++)
		while (waitpid(pids[i], NULL, 0) == -1 && errno == EINTR)
			;
}

// Waits until stdin reaches end of file or a stop signal arrives.
static void wait_for_stop(void)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	char buf[256];

	while (!stop_requested) {
		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
			return;
		if ((pfd.revents & POLLIN) && read(STDIN_FILENO, buf, sizeof buf) <= 0)
			return;
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: idlers [-w SECONDS] COUNT   (COUNT 0..%d)\n", IDLERS_MAX);
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	double wiggle = 0;
	pid_t self = getpid(), parent, *pids;
	char *end;
	long count;
	int opt, made = 0;

	while ((opt = getopt(argc, argv, "w:")) != -1) {
		if (opt != 'w')
			usage();
		wiggle = strtod(optarg, &end);
		if (*end || wiggle <= 0)
			usage();
	}
	if (optind != argc - 1)
		usage();
	count = strtol(argv[optind], &end, 10);
	if (*end || count < 0 || count > IDLERS_MAX)
		usage();
	// Our own parent (the benchmark) going away ends us, and so our children.
	parent = getppid();
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		return 0;                       // it went before the request took effect
	pids = calloc((size_t)count + 1, sizeof *pids);
	if (!pids) {
		perror("idlers: calloc");
		return 1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	for (; made < count && !stop_requested; made++) {
		pid_t pid = fork();

		if (pid == -1) {
			perror("idlers: fork");
			children_kill(pids, made);
			return 1;
		}
		if (pid == 0)
			child_run(self, wiggle, wiggle * (double)made / (double)count);
		pids[made] = pid;
	}
	if (!stop_requested) {
		printf("ready %d", (int)self);
		for (int i = 0; i < made; i++)
			printf(" %d", (int)pids[i]);
		printf("\n");
		fflush(stdout);
		wait_for_stop();
	}
	children_kill(pids, made);
	free(pids);
	return 0;
}
