/* leaker — a process whose anonymous memory follows a known shape over time,
 * for testing and benchmarking the leak detector on real processes.
 *
 *   leaker SHAPE [--rate KIB_PER_S] [--amp KIB] [--period S] [--via mmap|heap]
 *          [--duration S]
 *
 * SHAPE is one of linear, bursty, sawleak, warmup, warmup_exp, sawtooth,
 * hold_free, spike, noisy, flat (see tests/common/shapes.h for each
 * formula) or filegrow (page cache of a mapped file grows at --rate: file
 * memory, not anonymous). Memory is allocated in 64 KiB chunks with mmap, or
 * with --via heap as small malloc blocks (the [heap] grows), touched so it is
 * resident, and released newest first when the shape falls. Prints
 * "ready PID" and runs until --duration passes or stdin reaches end of file.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../common/shapes.h"

#define CHUNK_KB 64
#define HEAP_BLOCK 4000     // bytes: below glibc's mmap threshold, so brk grows

static const struct { const char *name; enum shape_kind kind; } shape_names[] = {
	{ "linear", SHAPE_LINEAR }, { "bursty", SHAPE_BURSTY }, { "sawleak", SHAPE_SAWLEAK },
	{ "warmup", SHAPE_WARMUP }, { "warmup_exp", SHAPE_WARMUP_EXP },
	{ "sawtooth", SHAPE_SAWTOOTH }, { "hold_free", SHAPE_HOLD_FREE }, { "spike", SHAPE_SPIKE },
	{ "noisy", SHAPE_NOISY }, { "flat", SHAPE_NOISY },
};

struct chunks {
	void **v;
	size_t n, cap;
	bool heap;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Waits up to 100 ms for stdin; returns the seconds since t0, or a negative
// number when the run is over (duration passed, or stdin reached its end).
static double next_step(double t0, double duration)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	char buf[64];
	double t = now_s() - t0;

	if (t >= duration)
		return -1;
	if (poll(&pfd, 1, 100) > 0 && read(0, buf, sizeof buf) <= 0)
		return -1;
	return now_s() - t0;
}

// Allocates and touches one 64 KiB chunk (mmap, or malloc blocks on the heap).
static void *chunk_new(bool heap)
{
	if (heap) {
		// A chunk is a linked run of small blocks: each block's first word
		// points to the next, so the chunk can be freed later.
		void *first = NULL;

		for (size_t done = 0; done < CHUNK_KB * 1024; done += HEAP_BLOCK) {
			void **b = malloc(HEAP_BLOCK);

			if (!b)
				return first;
			memset(b, 1, HEAP_BLOCK);
			*b = first;
			first = b;
		}
		return first;
	}
	char *p = mmap(NULL, CHUNK_KB * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	for (size_t off = 0; off < CHUNK_KB * 1024; off += 4096)
		p[off] = 1;
	return p;
}

static void chunk_free(void *c, bool heap)
{
	if (!heap) {
		munmap(c, CHUNK_KB * 1024);
		return;
	}
	while (c) {
		void *next = *(void **)c;

		free(c);
		c = next;
	}
}

// Grows or shrinks the chunk list to hold target KiB.
static void chunks_set(struct chunks *c, double target_kb)
{
	size_t want = target_kb > 0 ? (size_t)(target_kb / CHUNK_KB) : 0;

	while (c->n < want) {
		void *p;

		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 256;
			void **v = realloc(c->v, cap * sizeof *v);

			if (!v)
				return;
			c->v = v;
			c->cap = cap;
		}
		if (!(p = chunk_new(c->heap)))
			return;
		c->v[c->n++] = p;
	}
	while (c->n > want)
		chunk_free(c->v[--c->n], c->heap);
}

// filegrow: maps a sparse temporary file and touches it at rate KiB/s.
static int run_filegrow(double rate, double duration)
{
	char path[] = "/tmp/memtop-filegrow-XXXXXX";
	size_t len = (size_t)(rate * duration * 1024) + 4096, touched = 0;
	int fd = mkstemp(path);
	char *p;
	double t0 = now_s();

	if (fd < 0 || ftruncate(fd, (off_t)len) < 0)
		return 1;
	unlink(path);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 1;
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (double t = 0; t >= 0; t = next_step(t0, duration))
		for (; touched < (size_t)(rate * t * 1024) && touched < len; touched += 4096)
			p[touched] = 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct shape sh = { .rate = 256, .amp = 10240, .period = 10, .seed = 1 };
	struct chunks c = { 0 };
	double duration = 3600, t0;
	bool known = false, filegrow = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--rate") == 0 && v)
			sh.rate = atof(v), i++;
		else if (strcmp(a, "--amp") == 0 && v)
			sh.amp = atof(v), i++;
		else if (strcmp(a, "--period") == 0 && v)
			sh.period = atof(v), i++;
		else if (strcmp(a, "--duration") == 0 && v)
			duration = atof(v), i++;
		else if (strcmp(a, "--noise") == 0 && v)
			sh.noise = atof(v), i++;
		else if (strcmp(a, "--via") == 0 && v)
			c.heap = strcmp(v, "heap") == 0, i++;
		else if (strcmp(a, "filegrow") == 0)
			filegrow = known = true;
		else
			for (size_t k = 0; k < sizeof shape_names / sizeof shape_names[0]; k++)
				if (strcmp(a, shape_names[k].name) == 0)
					sh.kind = shape_names[k].kind, known = true;
	}
	if (!known) {
		fprintf(stderr, "usage: leaker SHAPE [--rate KIB_PER_S] [--amp KIB] [--period S] "
			"[--noise KIB] [--via mmap|heap] [--duration S]\n");
		return 2;
	}
	if (filegrow)
		return run_filegrow(sh.rate, duration);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	t0 = now_s();
	for (double t = 0; t >= 0; t = next_step(t0, duration))
		chunks_set(&c, shape_value(&sh, t));
	return 0;
}
