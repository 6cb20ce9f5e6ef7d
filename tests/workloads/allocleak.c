/* allocleak.c — a known heap leak among heavy balanced churn, for the
 * allocation-sites probe (issue 22: tests/integration/allocprobe.py and
 * tests/bench/allocbench.py).
 *
 * leak_site() leaks 4 KiB blocks (memset, so they are real) at --rate
 * bytes a second (default 65536); churn_site() mallocs and frees batches of
 * small blocks between the leaks. Prints "ready PID" when set up. Built
 * with frame pointers (the probe walks stacks by them), and stripped as
 * build/workloads/allocleak-stripped.
 *
 *   allocleak [--rate B] [--wait-usr1] [--stats FILE] [--leak-thread] [--api all]
 *             [--exit-after S] [--exec-after S] [--hold N]
 *             [--bare N [--rounds K]] [--work NS]
 *
 * --wait-usr1    leak nothing until SIGUSR1 (churn runs): the leak then
 *                starts after a probe is attached, so all of it is seen
 * --stats FILE   after every leaked block, FILE holds "BYTES BLOCKS\n":
 *                leaked so far (read it while the process is stopped)
 * --leak-thread  leak from a second thread (churn stays in the first)
 * --api all      each block from the next of malloc, calloc, realloc(NULL),
 *                memalign, aligned_alloc, valloc, posix_memalign, mmap and
 *                realloc of a half block, each called from leak_NAME()
 * --exit-after S / --exec-after S   exit, or exec /bin/sleep 60, after S s
 * --hold N       allocate N 32-byte blocks from hold_site() after the start
 *                signal (or at once): one, a second's pause, the rest; keep
 *                them, print "held N"
 * --bare N       no leak: a loop of N malloc/free pairs (each with --work NS
 *                of computing per pair, default 0; cut short at 0.25 s), then
 *                "pairs/s R"; K rounds (default 1; 0: forever), then exit
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096

#ifdef OWN_MALLOC
/* Built as allocleak-ownmalloc: a small allocator of the program's own
 * (16-byte size classes up to 8 KiB, free lists, a bump arena), whose
 * exported malloc, free, calloc and realloc interpose libc's, as a program
 * linking tcmalloc or jemalloc statically does. */
#define ARENA_BYTES ((size_t)1 << 30)
#define CLASSES 513
static char *arena, *bump;
static void *free_lists[CLASSES];
static pthread_mutex_t arena_lock = PTHREAD_MUTEX_INITIALIZER;

void *malloc(size_t n)
{
	size_t c = (n + 15) / 16 + 1;       // 16-byte units, the header's one included
	char *p;

	if (c >= CLASSES) {
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_lock(&arena_lock);
	if (!arena) {
		arena = bump = mmap(NULL, ARENA_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				    -1, 0);
		if (arena == MAP_FAILED)
			abort();
	}
	if (free_lists[c]) {
		p = free_lists[c];
		free_lists[c] = *(void **)p;
	} else {
		if (bump + c * 16 > arena + ARENA_BYTES)
			abort();
		p = bump;
		bump += c * 16;
	}
	pthread_mutex_unlock(&arena_lock);
	*(size_t *)p = c;
	return p + 16;
}

void free(void *q)
{
	char *p = (char *)q - 16;

	if (!q)
		return;
	pthread_mutex_lock(&arena_lock);
	*(void **)p = free_lists[*(size_t *)p];
	free_lists[*(size_t *)p] = p;
	pthread_mutex_unlock(&arena_lock);
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *realloc(void *q, size_t n)
{
	void *p = malloc(n);

	if (p && q) {
		size_t old = (*(size_t *)((char *)q - 16) - 1) * 16;

		memcpy(p, q, old < n ? old : n);
		free(q);
	}
	return p;
}
#endif

static double rate = 65536;
static const char *stats_path;
static int stats_fd = -1;
static volatile sig_atomic_t started = 1;
static atomic_ullong leaked_bytes, leaked_blocks;
static void *volatile sink;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_usr1(int sig)
{
	(void)sig;
	started = 1;
}

static void write_stats(void)
{
	char line[64];
	int n;

	if (stats_fd < 0)
		return;
	// One write of a fixed width over the last: a reader never finds it
	// empty or cut (the process is stopped between two writes, not in one).
	n = snprintf(line, sizeof line, "%20llu %20llu\n", (unsigned long long)atomic_load(&leaked_bytes),
		     (unsigned long long)atomic_load(&leaked_blocks));
	if (pwrite(stats_fd, line, (size_t)n, 0) != n) {
		perror("allocleak: stats");
		exit(1);
	}
}

/* --api all: each block from another allocator function, each from a
 * function of its own (its own stack). */
static int api_all;

__attribute__((noinline)) static void *leak_malloc(void) { return malloc(BLOCK); }
__attribute__((noinline)) static void *leak_calloc(void) { return calloc(BLOCK / 16, 16); }
__attribute__((noinline)) static void *leak_realloc(void)
{
	void *volatile none = NULL;     // else the compiler calls malloc

	return realloc(none, BLOCK);
}
__attribute__((noinline)) static void *leak_memalign(void) { return memalign(64, BLOCK); }
__attribute__((noinline)) static void *leak_aligned_alloc(void) { return aligned_alloc(64, BLOCK); }
__attribute__((noinline)) static void *leak_valloc(void) { return valloc(BLOCK); }
__attribute__((noinline)) static void *leak_posix_memalign(void)
{
	void *p = NULL;

	return posix_memalign(&p, 64, BLOCK) == 0 ? p : NULL;
}
__attribute__((noinline)) static void *leak_mmap(void)
{
	void *p = mmap(NULL, BLOCK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}
/* A block grown with realloc from half its size: the first block freed by
 * the realloc, the second one outstanding. */
__attribute__((noinline)) static void *leak_regrow(void)
{
	char *p = malloc(BLOCK / 2);

	if (p)
		memset(p, 1, BLOCK / 2);
	return p ? realloc(p, BLOCK) : NULL;
}

static void *(*const APIS[])(void) = {
	leak_malloc, leak_calloc, leak_realloc, leak_memalign, leak_aligned_alloc, leak_valloc,
	leak_posix_memalign, leak_mmap, leak_regrow,
};

__attribute__((noinline)) static void leak_site(void)
{
	static unsigned turn;
	char *p = api_all ? APIS[turn++ % (sizeof APIS / sizeof APIS[0])]() : malloc(BLOCK);

	if (!p) {
		perror("allocleak: malloc");
		exit(1);
	}
	memset(p, 0x5a, BLOCK);
	sink = p;               // never freed
	atomic_fetch_add(&leaked_bytes, BLOCK);
	atomic_fetch_add(&leaked_blocks, 1);
	write_stats();
}

/* A batch of small blocks, allocated, touched and freed: balanced. */
__attribute__((noinline)) static void churn_site(unsigned n)
{
	void *held[64];

	for (unsigned i = 0; i < n; i++) {
		size_t size = 16 + (i * 37u) % 1000;

		held[i % 64] = malloc(size);
		if (held[i % 64])
			memset(held[i % 64], 1, 16);
		if (i % 64 == 63)
			for (int k = 0; k < 64; k++)
				free(held[k]);
	}
	for (unsigned k = 0; k < n % 64; k++)
		free(held[k]);
}

static void sleep_s(double s);

/* n blocks of 32 bytes kept: the first one, a second's pause, the rest
 * (the oldest is a second older than all the others). */
__attribute__((noinline)) static void hold_site(long n)
{
	for (long i = 0; i < n; i++) {
		if (i == 1)
			sleep_s(1.0);
		void *p = malloc(32);

		if (!p) {
			perror("allocleak: malloc");
			exit(1);
		}
		memset(p, 2, 32);
	}
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void *leak_loop(void *arg)
{
	double next = 0;

	(void)arg;
	for (;;) {
		double t = now();

		if (started && rate > 0) {
			if (next == 0)
				next = t;
			while (t >= next) {
				leak_site();
				next += BLOCK / rate;
			}
		}
		sleep_s(0.002);
	}
	return NULL;
}

/* Computes for about ns nanoseconds (the "real work" around an allocation). */
static uint64_t work(long ns)
{
	uint64_t x = 88172645463325252ull;

	for (long i = 0; i < ns / 2; i++) {     // ~2 ns an xorshift round here
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

/* Rounds of n pairs, cut short at 0.25 s (probed, a pair can take 30 us). */
__attribute__((noinline)) static void bare(long n, long rounds, long work_ns)
{
	for (long r = 0; rounds == 0 || r < rounds; r++) {
		double t0 = now(), t = t0;
		uint64_t acc = 0;
		long done = 0;

		while (done < n && t - t0 < 0.25) {
			for (long i = 0; i < 1000 && done < n; i++, done++) {
				char *p = malloc(64);

				if (!p)
					exit(1);
				p[0] = (char)i;
				sink = p;       // escapes: the compiler may not drop the pair
				if (work_ns)
					acc += work(work_ns);
				acc += (unsigned char)p[0];
				free(p);
			}
			t = now();
		}
		sink = (void *)(uintptr_t)acc;
		printf("pairs/s %.0f\n", done / (t - t0));
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	double exit_after = -1, exec_after = -1;
	long hold = 0, bare_n = 0, rounds = 1, work_ns = 0;
	int leak_thread = 0;
	double t0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v && !strcmp(a, "--api") && !strcmp(v, "all")) {
			api_all = 1, i++;
		} else if (!strcmp(a, "--wait-usr1")) {
			started = 0;
		} else if (!strcmp(a, "--leak-thread")) {
			leak_thread = 1;
		} else if (v && !strcmp(a, "--rate")) {
			rate = atof(v), i++;
		} else if (v && !strcmp(a, "--stats")) {
			stats_path = v, i++;
		} else if (v && !strcmp(a, "--exit-after")) {
			exit_after = atof(v), i++;
		} else if (v && !strcmp(a, "--exec-after")) {
			exec_after = atof(v), i++;
		} else if (v && !strcmp(a, "--hold")) {
			hold = atol(v), i++;
		} else if (v && !strcmp(a, "--bare")) {
			bare_n = atol(v), i++;
		} else if (v && !strcmp(a, "--rounds")) {
			rounds = atol(v), i++;
		} else if (v && !strcmp(a, "--work")) {
			work_ns = atol(v), i++;
		} else {
			fprintf(stderr, "allocleak: unknown argument %s\n", a);
			return 2;
		}
	}
	signal(SIGUSR1, on_usr1);
	if (stats_path) {
		stats_fd = open(stats_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (stats_fd < 0) {
			perror(stats_path);
			return 1;
		}
		write_stats();
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (bare_n) {
		while (!started)
			sleep_s(0.01);
		bare(bare_n, rounds, work_ns);
		return 0;
	}
	if (hold) {
		while (!started)
			sleep_s(0.01);
		hold_site(hold);
		printf("held %ld\n", hold);
		fflush(stdout);
		rate = 0;
	}
	if (leak_thread) {
		pthread_t th;

		if (pthread_create(&th, NULL, leak_loop, NULL) != 0) {
			fprintf(stderr, "allocleak: pthread_create failed\n");
			return 1;
		}
	}
	t0 = now();
	for (double next = 0;;) {
		double t = now();

		if (exit_after >= 0 && t - t0 >= exit_after)
			return 0;
		if (exec_after >= 0 && t - t0 >= exec_after) {
			execl("/bin/sleep", "sleep", "60", (char *)NULL);
			perror("allocleak: exec /bin/sleep");
			return 1;
		}
		if (!leak_thread && started && rate > 0) {
			if (next == 0)
				next = t;
			while (t >= next) {
				leak_site();
				next += BLOCK / rate;
			}
		}
		churn_site(200);
		sleep_s(0.001);
	}
}
