/* prefork — a pre-fork server in miniature, for tests of per-cgroup
 * ("service") leak detection: no process of it looks like a leak, the
 * service as a whole may.
 *
 *   prefork [--workers N] [--life S] [--grow-kib KIB] [--parent-rate-kib KIB_PER_S]
 *           [--parent-max-mib MIB] [--seed N] [--duration S] [--wait] [--fork-cache]
 *
 * The parent keeps N workers alive (default 8). Each worker lives a time
 * drawn uniformly from [0.5 L, 1.5 L] (L = --life, default 20 s; a PRNG seeded
 * with --seed, default 1) and, over that life, maps and touches --grow-kib
 * KiB (default 1024) of its own anonymous memory, a page or two at a time,
 * then exits; the parent reaps it and forks another. The first generation
 * starts part-way into its lives (a random age below each life, its memory
 * grown to match), so the service is in its steady state from the start:
 * deaths are spread out and the workers' sum holds level.
 *
 * With --parent-rate-kib R (default 0) the parent also grows a
 * "service-wide cache" of touched anonymous memory at R KiB/s, up to
 * --parent-max-mib MiB (default 1024): the leak that only the service shows.
 * That cache is marked MADV_DONTFORK, so a worker forked later does not map
 * it (it would otherwise count, shared copy-on-write, in every worker's
 * RssAnon); --fork-cache leaves it inherited, to measure that overcount.
 *
 * Prints "ready PID" before it forks anything. With --wait it then waits for
 * a line on stdin (the time for the caller to move it into a cgroup, which
 * its workers then inherit). It runs until stdin reaches end of file,
 * SIGTERM, SIGINT or SIGHUP, or --duration passes (default 3600 s); then it
 * kills its workers, reaps them and exits 0. Workers die with the parent
 * (PR_SET_PDEATHSIG), and the parent with its own parent, so a killed test
 * leaves no process behind. Nothing is printed after "ready".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 1024
#define STEP_MS 100          // the parent's and the workers' pace
#define REAP_GRACE_S 5.0     // after SIGTERM, before SIGKILL

struct options {
	int workers;
	double life_s, grow_kib, parent_rate_kib, duration_s;
	size_t parent_max_mib;
	uint64_t seed;
	bool wait, fork_cache;
};

// A region of anonymous memory that is touched a page at a time.
struct region {
	char *p;
	size_t len, touched;     // bytes
};

static volatile sig_atomic_t quit_requested;
static volatile sig_atomic_t child_exited;

static void on_quit(int sig)
{
	(void)sig;
	quit_requested = 1;
}

static void on_child(int sig)
{
	(void)sig;
	child_exited = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// splitmix64: the next number of the sequence state holds.
static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

// A uniform double in [0, 1).
static double rng_unit(uint64_t *state)
{
	return (double)(rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

// Maps len bytes of private anonymous memory, not yet touched; exits on failure.
static void region_map(struct region *r, size_t len, bool dontfork)
{
	r->len = len;
	r->touched = 0;
	r->p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r->p == MAP_FAILED) {
		perror("prefork: mmap");
		exit(1);
	}
	// Small pages only, so the region grows as smoothly as it is touched.
	madvise(r->p, len, MADV_NOHUGEPAGE);
	if (dontfork && madvise(r->p, len, MADV_DONTFORK) != 0) {
		perror("prefork: madvise(MADV_DONTFORK)");
		exit(1);
	}
}

// Writes to every page of r below target bytes (at most r->len).
static void region_grow(struct region *r, double target)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t want = target <= 0 ? 0 : target >= (double)r->len ? r->len : (size_t)target;

	for (; r->touched < want; r->touched += page)
		r->p[r->touched] = 1;
}

// Sleeps ms milliseconds (resumed after a signal).
static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L }, rem;

	while (nanosleep(&ts, &rem) != 0 && errno == EINTR)
		ts = rem;
}

// A worker's whole life, aged age_s seconds at birth: grows grow_kib KiB
// evenly over life_s seconds, then exits. Never returns.
static void worker_run(pid_t parent, double life_s, double age_s, double grow_kib)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;
	struct region r;
	int null = open("/dev/null", O_RDWR);
	double born;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(0);                 // the parent died before the line above
	// The caller's pipes stay the parent's alone: a reader sees end of
	// file when the parent exits, whatever its workers are doing.
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (null > 2)
			close(null);
	}
	region_map(&r, (size_t)(grow_kib * 1024) + 1, false);
	born = now_s() - age_s;
	for (;;) {
		double age = now_s() - born;

		if (age >= life_s)
			_exit(0);
		region_grow(&r, grow_kib * 1024 * age / life_s);
		sleep_ms(STEP_MS);
	}
}

struct server {
	const struct options *o;
	pid_t self;
	pid_t pid[MAX_WORKERS];   // 0: a free slot
	uint64_t rng;
};

// A life drawn from [0.5 L, 1.5 L].
static double draw_life(struct server *s)
{
	return s->o->life_s * (0.5 + rng_unit(&s->rng));
}

// Forks the worker of slot i, aged age_s; leaves the slot free when fork fails
// (the next round tries again).
static void spawn(struct server *s, int i, double life_s, double age_s)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		worker_run(s->self, life_s, age_s, s->o->grow_kib);
	s->pid[i] = pid > 0 ? pid : 0;
}

// Reaps every worker that exited and fills every free slot with a new one.
static void reap_and_respawn(struct server *s)
{
	pid_t pid;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		for (int i = 0; i < s->o->workers; i++)
			if (s->pid[i] == pid)
				s->pid[i] = 0;
	for (int i = 0; i < s->o->workers; i++)
		if (s->pid[i] == 0)
			spawn(s, i, draw_life(s), 0);
}

// Sends SIGTERM to every worker and reaps them all (SIGKILL after a grace).
static void stop_workers(struct server *s)
{
	double deadline = now_s() + REAP_GRACE_S;
	int left = 0;

	for (int i = 0; i < s->o->workers; i++)
		if (s->pid[i] > 0 && kill(s->pid[i], SIGTERM) == 0)
			left++;
	while (left > 0) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);

		if (pid < 0)
			break;                // ECHILD: none left
		if (pid == 0) {
			if (now_s() > deadline) {
				for (int i = 0; i < s->o->workers; i++)
					if (s->pid[i] > 0)
						kill(s->pid[i], SIGKILL);
				deadline = now_s() + REAP_GRACE_S;
			}
			sleep_ms(10);
			continue;
		}
		for (int i = 0; i < s->o->workers; i++)
			if (s->pid[i] == pid)
				s->pid[i] = 0, left--;
	}
}

// Waits up to STEP_MS for stdin or a signal; false when the run is over.
static bool wait_step(const sigset_t *during_wait)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	struct timespec ts = { 0, STEP_MS * 1000000L };
	char buf[64];

	if (ppoll(&pfd, 1, &ts, during_wait) > 0 && read(0, buf, sizeof buf) <= 0)
		return false;
	return !quit_requested;
}

// Reads stdin up to the end of a line; false at end of file or on a signal.
static bool wait_line(const sigset_t *during_wait)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	char c;

	while (!quit_requested) {
		if (ppoll(&pfd, 1, NULL, during_wait) <= 0)
			continue;
		if (read(0, &c, 1) <= 0)
			return false;
		if (c == '\n')
			return true;
	}
	return false;
}

// Parses a number of the options, between lo and hi; exits 2 on anything else.
static double parse_num(const char *name, const char *v, double lo, double hi)
{
	char *end;
	double d;

	errno = 0;
	d = v ? strtod(v, &end) : 0;
	if (!v || errno || end == v || *end || d < lo || d > hi) {
		fprintf(stderr, "prefork: %s wants a number from %g to %g, not '%s'\n", name, lo, hi,
			v ? v : "");
		exit(2);
	}
	return d;
}

static void usage(void)
{
	fprintf(stderr, "usage: prefork [--workers N] [--life S] [--grow-kib KIB] "
		"[--parent-rate-kib KIB_PER_S] [--parent-max-mib MIB] [--seed N] [--duration S] "
		"[--wait] [--fork-cache]\n");
	exit(2);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--wait") == 0)
			o->wait = true;
		else if (strcmp(a, "--fork-cache") == 0)
			o->fork_cache = true;
		else if (strcmp(a, "--workers") == 0)
			o->workers = (int)parse_num(a, v, 0, MAX_WORKERS), i++;
		else if (strcmp(a, "--life") == 0)
			o->life_s = parse_num(a, v, 0.2, 86400), i++;
		else if (strcmp(a, "--grow-kib") == 0)
			o->grow_kib = parse_num(a, v, 0, 1 << 20), i++;
		else if (strcmp(a, "--parent-rate-kib") == 0)
			o->parent_rate_kib = parse_num(a, v, 0, 1 << 20), i++;
		else if (strcmp(a, "--parent-max-mib") == 0)
			o->parent_max_mib = (size_t)parse_num(a, v, 1, 1 << 16), i++;
		else if (strcmp(a, "--seed") == 0)
			o->seed = (uint64_t)parse_num(a, v, 0, 1e15), i++;
		else if (strcmp(a, "--duration") == 0)
			o->duration_s = parse_num(a, v, 0, 1e9), i++;
		else
			usage();
	}
}

int main(int argc, char **argv)
{
	struct options o = { .workers = 8, .life_s = 20, .grow_kib = 1024, .parent_max_mib = 1024,
			     .seed = 1, .duration_s = 3600 };
	struct server s = { .o = &o };
	struct region cache = { 0 };
	struct sigaction sa;
	sigset_t block, during_wait;
	double t0;

	parse_options(argc, argv, &o);
	s.self = getpid();
	s.rng = o.seed;
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_quit;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	// The signals stay blocked except inside ppoll, so one that arrives
	// between a check and the wait is not lost.
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &during_wait);
	sigdelset(&during_wait, SIGTERM);
	sigdelset(&during_wait, SIGINT);
	sigdelset(&during_wait, SIGHUP);
	sigdelset(&during_wait, SIGCHLD);
	if (o.parent_rate_kib > 0)
		region_map(&cache, o.parent_max_mib << 20, !o.fork_cache);
	printf("ready %d\n", (int)s.self);
	fflush(stdout);
	if (o.wait && !wait_line(&during_wait))
		return 0;

	// The first generation, part-way into its lives.
	for (int i = 0; i < o.workers; i++) {
		double life = draw_life(&s);

		spawn(&s, i, life, life * rng_unit(&s.rng));
	}
	t0 = now_s();
	while (wait_step(&during_wait) && now_s() - t0 < o.duration_s) {
		child_exited = 0;
		reap_and_respawn(&s);
		if (cache.len)
			region_grow(&cache, o.parent_rate_kib * 1024 * (now_s() - t0));
	}
	stop_workers(&s);
	return 0;
}
