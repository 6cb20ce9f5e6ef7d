/* sampler_alloc.c — the live sampler's allocation-sites session
 * (source_ops alloc_attach/read/detach, proc/source.h): the uprobes'
 * counters (proc/allocprobe.h) turned into an alloc_snapshot, each stack
 * symbolised once (proc/symbolize.h) and kept for the session.
 *
 * Bounded: at most max_stacks stacks are cached (the probe's stack ids; a
 * reading's rows of any other id add up with the lost ones, id -1, in one
 * "[stack lost]" site), their frames in one arena of at most
 * ARENA_MAX frames (past it a new stack keeps its id but no frames); the
 * readings' buffers are reused. Everything goes at the detach.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/allocprobe.h"
#include "proc/sampler_int.h"
#include "proc/symbolize.h"

#define ARENA_CHUNK 4096                    // frames a chunk
#define ARENA_MAX (64 * ARENA_CHUNK)        // frames a session (8 MiB)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used;
	struct alloc_frame f[ARENA_CHUNK];
};

struct stack_ent {
	bool used;
	struct alloc_stack st;
};

struct alloc_session {
	int pid;
	uint64_t start_ticks;
	struct alloc_probe *probe;
	struct symbolizer *sym;
	struct alloc_options limits;        // in force
	double attached_t;                  // the sampler's clock
	struct alloc_probe_reading rd;      // its rows reused
	struct alloc_site *sites;
	size_t sites_cap;
	struct stack_ent *cache;            // by stack id, open addressing
	size_t cache_cap, cache_n;
	struct arena_chunk *chunks;
	size_t arena_frames;
	bool refreshed;                     // the symboliser re-read the maps this reading
	char allocator[96];
	bool exe_stripped;
	enum alloc_end end;
	char end_why[160];
};

// The stack of the allocations whose stack was lost (id -1).
static const struct alloc_frame lost_frame = { .func = "[stack lost]", .file = "[unknown]" };
static const struct alloc_stack lost_stack = { .id = -1, .depth = 1, .frames = &lost_frame };

// n frames from the arena, or NULL when it is spent.
static struct alloc_frame *arena_take(struct alloc_session *a, size_t n)
{
	struct arena_chunk *c = a->chunks;

	if (a->arena_frames + n > ARENA_MAX)
		return NULL;
	if (!c || c->used + n > ARENA_CHUNK) {
		if (!(c = malloc(sizeof *c)))
			return NULL;
		c->next = a->chunks;
		c->used = 0;
		a->chunks = c;
	}
	c->used += n;
	a->arena_frames += n;
	return &c->f[c->used - n];
}

// Resolves one return address; the symboliser re-reads the process's maps
// once a reading when an address falls outside them (a library loaded since).
static void resolve(struct alloc_session *a, uint64_t ip, struct alloc_frame *out)
{
	if (symbolizer_resolve(a->sym, ip, out))
		return;
	// Only an address outside every mapping read is worth a re-read: one in
	// anonymous memory (JIT code) would make every reading read the maps.
	if (!a->refreshed && !symbolizer_covers(a->sym, ip)) {
		a->refreshed = true;
		if (symbolizer_refresh(a->sym) == 0)
			symbolizer_resolve(a->sym, ip, out);
	}
}

// Fills a new cache entry for stack id: its addresses from the probe, each
// resolved. A stack the probe no longer has, or past the arena, has no frames.
static void stack_fill(struct alloc_session *a, int32_t id, struct alloc_stack *st)
{
	uint64_t ips[ALLOC_STACK_MAX];
	struct alloc_frame *f;
	int depth = alloc_probe_stack(a->probe, id, ips, ALLOC_STACK_MAX);

	*st = (struct alloc_stack){ .id = id };
	if (depth <= 0 || !(f = arena_take(a, (size_t)depth)))
		return;
	for (int i = 0; i < depth; i++)
		resolve(a, ips[i], &f[i]);
	st->frames = f;
	st->depth = (uint32_t)depth;
}

static size_t cache_slot(const struct stack_ent *c, size_t cap, int32_t id)
{
	size_t i = ((uint32_t)id * 2654435761u) & (cap - 1);

	while (c[i].used && c[i].st.id != id)
		i = (i + 1) & (cap - 1);
	return i;
}

// The cached stack of id (made on first sight), or NULL when the cache is
// full (max_stacks ids) or out of memory.
static const struct alloc_stack *stack_get(struct alloc_session *a, int32_t id)
{
	size_t i;

	if (id < 0)
		return &lost_stack;
	if (!a->cache) {
		size_t cap = 64;

		while (cap < 2 * ((size_t)a->limits.max_stacks + 1))
			cap *= 2;
		if (!(a->cache = calloc(cap, sizeof *a->cache)))
			return NULL;
		a->cache_cap = cap;
	}
	i = cache_slot(a->cache, a->cache_cap, id);
	if (a->cache[i].used)
		return &a->cache[i].st;
	if (a->cache_n >= a->limits.max_stacks)
		return NULL;
	a->cache[i].used = true;
	a->cache_n++;
	stack_fill(a, id, &a->cache[i].st);
	return &a->cache[i].st;
}

static void session_free(struct alloc_session *a)
{
	if (!a)
		return;
	alloc_probe_detach(a->probe);
	symbolizer_close(a->sym);
	while (a->chunks) {
		struct arena_chunk *next = a->chunks->next;

		free(a->chunks);
		a->chunks = next;
	}
	free(a->cache);
	free(a->rd.rows);
	free(a->sites);
	free(a);
}

void sampler_alloc_detach(struct sampler *s)
{
	session_free(s->alloc);
	s->alloc = NULL;
}

// why = "allocation sites of PID: " and the reason (unless it says so itself).
static void say_why(char *why, size_t whylen, int pid, const char *reason)
{
	if (strncmp(reason, "allocation sites", 16) == 0)
		snprintf(why, whylen, "%s", reason);
	else
		snprintf(why, whylen, "allocation sites of %d: %s", pid, reason);
}

int sampler_alloc_attach(struct sampler *s, int pid, uint64_t start_ticks, const struct alloc_options *opt,
			 char *why, size_t whylen)
{
	struct alloc_session *a;
	char reason[160] = "";
	uint64_t began;
	int rc;

	sampler_alloc_detach(s);
	rc = sampler_start_ticks(s, pid, &began);
	if (rc == 0 && start_ticks && began != start_ticks)
		rc = -ESRCH;
	if (rc < 0) {
		say_why(why, whylen, pid, rc == -ESRCH ? "no such process" : strerror(-rc));
		return rc;
	}
	if (!(a = calloc(1, sizeof *a))) {
		say_why(why, whylen, pid, "out of memory");
		return -ENOMEM;
	}
	a->pid = pid;
	a->start_ticks = began;
	rc = alloc_probe_attach(&a->probe, pid, began, opt, reason, sizeof reason);
	if (rc < 0) {
		if (!reason[0])
			snprintf(reason, sizeof reason, "%s",
				 rc == -EPERM ? "needs root (CAP_BPF and CAP_PERFMON)" : strerror(-rc));
		say_why(why, whylen, pid, reason);
		a->probe = NULL;
		session_free(a);
		return rc;
	}
	if (!(a->sym = symbolizer_open(pid))) {
		say_why(why, whylen, pid, "out of memory");
		session_free(a);
		return -ENOMEM;
	}
	alloc_probe_limits(a->probe, &a->limits);
	if (!a->limits.sample_every)
		a->limits.sample_every = 1;
	if (!a->limits.max_stacks)
		a->limits.max_stacks = ALLOC_DEFAULT_MAX_STACKS;
	snprintf(a->allocator, sizeof a->allocator, "%s", alloc_probe_allocator(a->probe));
	a->exe_stripped = symbolizer_exe_stripped(a->sym);
	a->attached_t = sampler_clock(s);
	s->alloc = a;
	return 0;
}

// Whether the reading says the process ended; fills the end and its line.
// The probe tells an exit or an exec; the pid's start time, read here too,
// tells an exit the probe missed.
static void check_end(struct sampler *s, struct alloc_session *a)
{
	uint64_t began = 0;

	if (a->rd.target_execed) {
		a->end = ALLOC_END_EXECED;
		snprintf(a->end_why, sizeof a->end_why, "process %d ran exec: another program now", a->pid);
	} else if (a->rd.target_gone ||
		   (sampler_start_ticks(s, a->pid, &began) == -ESRCH || (began && began != a->start_ticks))) {
		a->end = ALLOC_END_EXITED;
		snprintf(a->end_why, sizeof a->end_why, "process %d exited", a->pid);
	}
}

// Makes room for n sites. 0 or -ENOMEM.
static int sites_reserve(struct alloc_session *a, size_t n)
{
	struct alloc_site *p;
	size_t cap = a->sites_cap ? a->sites_cap : 64;

	if (n <= a->sites_cap)
		return 0;
	while (cap < n)
		cap *= 2;
	if (!(p = realloc(a->sites, cap * sizeof *p)))
		return -ENOMEM;
	a->sites = p;
	a->sites_cap = cap;
	return 0;
}

int sampler_alloc_read(struct sampler *s, struct alloc_snapshot *out)
{
	struct alloc_session *a = s->alloc;
	size_t n = 0, lost = SIZE_MAX;
	uint64_t every;
	int rc;

	if (!a)
		return -ENODEV;
	rc = alloc_probe_read(a->probe, &a->rd);
	if (rc < 0)
		return rc;
	if (sites_reserve(a, a->rd.nrows) < 0)
		return -ENOMEM;
	every = a->limits.sample_every;
	a->refreshed = false;
	for (size_t i = 0; i < a->rd.nrows; i++) {
		const struct alloc_probe_row *r = &a->rd.rows[i];
		const struct alloc_stack *st = stack_get(a, r->stack_id);

		struct alloc_site site = {
			.stack = st ? st : &lost_stack,   // past the limit: counted as lost
			.bytes = r->bytes * every, .count = r->count * every,
			.oldest_age_s = r->oldest_ns && r->oldest_ns <= a->rd.now_ns ?
					(double)(a->rd.now_ns - r->oldest_ns) / 1e9 : -1,
		};

		// One site a stack: the lost ones (and the uncached) add up.
		if (site.stack == &lost_stack && lost != SIZE_MAX) {
			a->sites[lost].bytes += site.bytes;
			a->sites[lost].count += site.count;
			if (site.oldest_age_s > a->sites[lost].oldest_age_s)
				a->sites[lost].oldest_age_s = site.oldest_age_s;
			continue;
		}
		if (site.stack == &lost_stack)
			lost = n;
		a->sites[n++] = site;
	}
	if (a->end == ALLOC_RUNNING)
		check_end(s, a);
	*out = (struct alloc_snapshot){
		.pid = a->pid, .start_ticks = a->start_ticks, .t = sampler_clock(s), .attached_t = a->attached_t,
		.sites = a->sites, .nsites = n, .allocs = a->rd.allocs, .frees = a->rd.frees,
		.tracked = a->rd.tracked, .untracked_full = a->rd.untracked_full,
		.stacks_lost = a->rd.stacks_lost, .sample_every = a->limits.sample_every,
		.min_size = a->limits.min_size, .max_live = a->limits.max_live,
		.max_stacks = a->limits.max_stacks, .exe_stripped = a->exe_stripped, .end = a->end,
	};
	snprintf(out->allocator, sizeof out->allocator, "%s", a->allocator);
	snprintf(out->end_why, sizeof out->end_why, "%s", a->end_why);
	return 0;
}
