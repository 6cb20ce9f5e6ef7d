/* test_sampler_alloc.c — the live sampler's allocation-sites glue
 * (proc/sampler_alloc.c) over a fake probe and symboliser, linked in place
 * of proc/allocprobe.o and proc/symbolize.o (see the Makefile's rule for
 * this test): the attach's checks and lines, rows to sites (sampling scale,
 * ages, the lost stacks merged, stacks past max_stacks counted as lost),
 * each stack fetched and symbolised once, the maps re-read at most once a
 * reading, the end (exit, exec), one session at a time, and everything
 * freed (ASan's leak check). The target is this process. */
#include "fixture.h"

#include <unistd.h>

#include "proc/allocprobe.h"
#include "proc/sampler_int.h"
#include "proc/symbolize.h"
#include "sampler_test.h"

/* ---- the fakes ----------------------------------------------------------- */

static struct {
	int attach_rc;                      // what attach returns
	const char *attach_why;
	int attaches, detaches, stack_calls, refreshes, opens, closes;
	bool refreshed_maps;                // ips >= 0x2000 resolve after a refresh
	struct alloc_probe_row rows[16];
	size_t nrows;
	uint64_t now_ns;
	bool gone, execed;
	struct alloc_options limits;
} fk;

struct alloc_probe { int dummy; };
struct symbolizer { int dummy; };

bool alloc_probe_built(void) { return true; }

int alloc_probe_attach(struct alloc_probe **out, int pid, uint64_t start_ticks,
		       const struct alloc_options *opt, char *why, size_t whylen)
{
	(void)pid; (void)start_ticks;
	*out = NULL;
	fk.attaches++;
	if (fk.attach_rc < 0) {
		snprintf(why, whylen, "%s", fk.attach_why ? fk.attach_why : "");
		return fk.attach_rc;
	}
	fk.limits = *opt;
	if (!fk.limits.max_stacks)
		fk.limits.max_stacks = ALLOC_DEFAULT_MAX_STACKS;
	*out = calloc(1, sizeof **out);
	return *out ? 0 : -ENOMEM;
}

const char *alloc_probe_allocator(const struct alloc_probe *p)
{
	(void)p;
	return "glibc malloc (libc.so.6)";
}

void alloc_probe_limits(const struct alloc_probe *p, struct alloc_options *out)
{
	(void)p;
	*out = fk.limits;
}

int alloc_probe_read(struct alloc_probe *p, struct alloc_probe_reading *r)
{
	(void)p;
	if (r->caprows < fk.nrows) {
		struct alloc_probe_row *rows = realloc(r->rows, 16 * sizeof *rows);

		if (!rows)
			return -ENOMEM;
		r->rows = rows;
		r->caprows = 16;
	}
	if (fk.nrows)
		memcpy(r->rows, fk.rows, fk.nrows * sizeof *fk.rows);
	r->nrows = fk.nrows;
	r->now_ns = fk.now_ns;
	r->allocs = 100, r->frees = 60, r->tracked = 40, r->untracked_full = 1, r->stacks_lost = 2;
	r->target_gone = fk.gone;
	r->target_execed = fk.execed;
	return 0;
}

// Stack id k: k frames at 0x1000 * i + k (i = 1..k); 1: one frame in JIT
// code (0x8001: covered by the maps, in no file); 99: none (-ENOENT).
int alloc_probe_stack(struct alloc_probe *p, int32_t stack_id, uint64_t *ips, size_t max)
{
	(void)p;
	fk.stack_calls++;
	if (stack_id == 99)
		return -ENOENT;
	for (int i = 0; i < stack_id && (size_t)i < max; i++)
		ips[i] = 0x1000u * (uint64_t)(i + 1) + (uint64_t)stack_id;
	if (stack_id == 1)
		ips[0] = 0x8001;
	return stack_id < (int)max ? stack_id : (int)max;
}

void alloc_probe_detach(struct alloc_probe *p)
{
	if (p)
		fk.detaches++;
	free(p);
}

struct symbolizer *symbolizer_open(int pid)
{
	(void)pid;
	fk.opens++;
	return calloc(1, sizeof(struct symbolizer));
}

int symbolizer_refresh(struct symbolizer *s)
{
	(void)s;
	fk.refreshes++;
	fk.refreshed_maps = true;
	return 0;
}

// Addresses below 0x2000 are "first" in "/lib/one.so"; up to 0x3000 "second"
// in "/lib/two.so" once the maps were re-read; the rest nowhere.
bool symbolizer_resolve(struct symbolizer *s, uint64_t ip, struct alloc_frame *out)
{
	(void)s;
	if (ip < 0x2000) {
		*out = (struct alloc_frame){ .ip = ip, .offset = ip - 0x1000, .func = "first", .file = "/lib/one.so" };
		return true;
	}
	if (ip < 0x3000 && fk.refreshed_maps) {
		*out = (struct alloc_frame){ .ip = ip, .offset = ip - 0x2000, .func = "second", .file = "/lib/two.so" };
		return true;
	}
	*out = (struct alloc_frame){ .ip = ip, .offset = ip, .func = NULL, .file = "[unknown]" };
	return false;
}

// The maps read cover up to 0x2000 (0x3000 once re-read); 0x8000-0x9000 is
// anonymous memory (JIT code): covered, never resolved, no reason to re-read.
bool symbolizer_covers(const struct symbolizer *s, uint64_t ip)
{
	(void)s;
	return ip < (fk.refreshed_maps ? 0x3000u : 0x2000u) || (ip >= 0x8000 && ip < 0x9000);
}

bool symbolizer_exe_stripped(struct symbolizer *s)
{
	(void)s;
	return false;
}

void symbolizer_close(struct symbolizer *s)
{
	if (s)
		fk.closes++;
	free(s);
}

/* ---- the tests ----------------------------------------------------------- */

static struct sampler *self_sampler(void)
{
	static int pid;
	struct source_config cfg = { .pids = &pid, .npids = 1 };

	pid = getpid();
	memset(&fk, 0, sizeof fk);
	return sampler_for(&cfg);
}

static const struct alloc_site *site_of(const struct alloc_snapshot *s, int32_t id)
{
	for (size_t i = 0; i < s->nsites; i++)
		if (s->sites[i].stack->id == id)
			return &s->sites[i];
	return NULL;
}

static void test_attach_failures(void **st)
{
	struct sampler *s = self_sampler();
	struct alloc_options opt = { .sample_every = 1 };
	struct alloc_snapshot snap;
	char why[192], want[192];
	uint64_t mine;

	(void)st;
	assert_int_equal(sampler_alloc_read(s, &snap), -ENODEV);
	fk.attach_rc = -EPERM;
	assert_int_equal(sampler_alloc_attach(s, getpid(), 0, &opt, why, sizeof why), -EPERM);
	snprintf(want, sizeof want, "allocation sites of %d: needs root (CAP_BPF and CAP_PERFMON)", getpid());
	assert_string_equal(why, want);
	fk.attach_rc = -ENOENT;
	fk.attach_why = "no allocator found: a static or stripped allocator";
	assert_int_equal(sampler_alloc_attach(s, getpid(), 0, &opt, why, sizeof why), -ENOENT);
	snprintf(want, sizeof want, "allocation sites of %d: no allocator found: a static or stripped allocator",
		 getpid());
	assert_string_equal(why, want);
	fk.attach_why = "allocation sites are not built into this memtop (built with NO_BPF=1)";
	assert_int_equal(sampler_alloc_attach(s, getpid(), 0, &opt, why, sizeof why), -ENOENT);
	assert_string_equal(why, fk.attach_why);           // not said twice
	// Another process than the one named (pid reused): refused before the probe.
	fk.attaches = 0;
	assert_int_equal(sampler_start_ticks(s, getpid(), &mine), 0);
	assert_int_equal(sampler_alloc_attach(s, getpid(), mine + 1, &opt, why, sizeof why), -ESRCH);
	snprintf(want, sizeof want, "allocation sites of %d: no such process", getpid());
	assert_string_equal(why, want);
	assert_int_equal(fk.attaches, 0);
	assert_int_equal(sampler_alloc_read(s, &snap), -ENODEV);
	assert_int_equal(fk.opens, fk.closes);
	sampler_free(s);
}

static void test_readings(void **st)
{
	struct sampler *s = self_sampler();
	struct alloc_options opt = { .sample_every = 10, .min_size = 32, .max_stacks = 4 };
	struct alloc_snapshot snap;
	const struct alloc_site *a;
	char why[192];
	uint64_t mine;

	(void)st;
	assert_int_equal(sampler_start_ticks(s, getpid(), &mine), 0);
	assert_int_equal(sampler_alloc_attach(s, getpid(), mine, &opt, why, sizeof why), 0);
	assert_int_equal(fk.opens, 1);
	fk.now_ns = 5000000000ull;
	fk.rows[0] = (struct alloc_probe_row){ .stack_id = 2, .bytes = 100, .count = 2, .oldest_ns = 2000000000ull };
	fk.rows[1] = (struct alloc_probe_row){ .stack_id = -1, .bytes = 50, .count = 1 };
	fk.rows[2] = (struct alloc_probe_row){ .stack_id = 3, .bytes = 7, .count = 1, .oldest_ns = 9000000000ull };
	fk.nrows = 3;
	assert_int_equal(sampler_alloc_read(s, &snap), 0);
	assert_int_equal(snap.pid, getpid());
	assert_true(snap.start_ticks == mine);
	assert_true(snap.t >= snap.attached_t);
	assert_int_equal(snap.nsites, 3);
	assert_true(snap.sample_every == 10 && snap.min_size == 32 && snap.max_stacks == 4);
	assert_true(snap.allocs == 100 && snap.frees == 60 && snap.tracked == 40);
	assert_true(snap.untracked_full == 1 && snap.stacks_lost == 2);
	assert_string_equal(snap.allocator, "glibc malloc (libc.so.6)");
	assert_int_equal(snap.end, ALLOC_RUNNING);
	assert_string_equal(snap.end_why, "");
	a = site_of(&snap, 2);
	assert_true(a->bytes == 1000 && a->count == 20);          // x sample_every
	assert_true(a->oldest_age_s == 3.0);
	assert_int_equal(a->stack->depth, 2);
	assert_string_equal(a->stack->frames[0].func, "first");
	assert_true(a->stack->frames[0].ip == 0x1002 && a->stack->frames[0].offset == 2);
	assert_string_equal(a->stack->frames[1].func, "second");   // after the one refresh
	assert_string_equal(a->stack->frames[1].file, "/lib/two.so");
	a = site_of(&snap, 3);
	assert_true(a->oldest_age_s < 0);                          // a time after now: unknown
	assert_null(a->stack->frames[2].func);                     // 0x3003: nowhere
	assert_string_equal(a->stack->frames[2].file, "[unknown]");
	assert_int_equal(fk.refreshes, 1);                         // once a reading at most
	a = site_of(&snap, -1);
	assert_string_equal(a->stack->frames[0].func, "[stack lost]");
	assert_int_equal(fk.stack_calls, 2);

	// Again: stacks cached (same pointers, no new fetch); stacks past
	// max_stacks (4 + the lost) and the lost ones add up to one site.
	{
		const struct alloc_stack *two = site_of(&snap, 2)->stack;

		fk.rows[3] = (struct alloc_probe_row){ .stack_id = 1, .bytes = 1, .count = 1 };
		fk.rows[4] = (struct alloc_probe_row){ .stack_id = 99, .bytes = 2, .count = 1 };
		fk.rows[5] = (struct alloc_probe_row){ .stack_id = 5, .bytes = 4, .count = 1, .oldest_ns = 1000000000ull };
		fk.rows[6] = (struct alloc_probe_row){ .stack_id = -1, .bytes = 8, .count = 1 };
		fk.nrows = 7;
		assert_int_equal(sampler_alloc_read(s, &snap), 0);
		assert_ptr_equal(site_of(&snap, 2)->stack, two);
	}
	assert_int_equal(fk.stack_calls, 4);                       // 1 and 99 only
	assert_null(site_of(&snap, 1)->stack->frames[0].func);    // JIT code: no symbol, and
	assert_int_equal(fk.refreshes, 1);                         // the maps covered it: no re-read
	assert_int_equal(site_of(&snap, 99)->stack->depth, 0);     // the probe had none
	assert_int_equal(snap.nsites, 5);                          // 2, 3, 1, 99, and lost
	a = site_of(&snap, -1);
	assert_true(a->bytes == (50 + 4 + 8) * 10 && a->count == 3 * 10);
	assert_true(a->oldest_age_s == 4.0);                       // the oldest of them
	assert_null(site_of(&snap, 5));

	// The process exits, then (another session) execs.
	fk.gone = true;
	assert_int_equal(sampler_alloc_read(s, &snap), 0);
	assert_int_equal(snap.end, ALLOC_END_EXITED);
	snprintf(why, sizeof why, "process %d exited", getpid());
	assert_string_equal(snap.end_why, why);
	sampler_alloc_detach(s);
	assert_int_equal(fk.detaches, 1);
	assert_int_equal(fk.closes, 1);
	assert_int_equal(sampler_alloc_read(s, &snap), -ENODEV);
	memset(&fk, 0, sizeof fk);
	assert_int_equal(sampler_alloc_attach(s, getpid(), 0, &opt, why, sizeof why), 0);
	fk.execed = fk.gone = true;
	assert_int_equal(sampler_alloc_read(s, &snap), 0);
	assert_int_equal(snap.end, ALLOC_END_EXECED);
	snprintf(why, sizeof why, "process %d ran exec: another program now", getpid());
	assert_string_equal(snap.end_why, why);
	// A second attach detaches the first; sampler_free the last.
	assert_int_equal(sampler_alloc_attach(s, getpid(), 0, &opt, why, sizeof why), 0);
	assert_int_equal(fk.detaches, 1);
	sampler_free(s);
	assert_int_equal(fk.detaches, 2);
	assert_int_equal(fk.opens, fk.closes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach_failures),
		cmocka_unit_test(test_readings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
