/* test_cgtable.c — the cgroup table fed hand-built ticks through the
 * process table: rows per memory cgroup, their sums, readings, the leak
 * signal and its detector, moves, vanishing cgroups, churn over many
 * ticks, sorting, and hostile or deep paths. */
#include "fixture.h"

#include <math.h>

#include "model/cgtable.h"
#include "model/proctable.h"

#define MAX_PROCS 64
#define PATH_MAX_TEST 1024

// One hand-built tick: processes (pid order) with their cgroups, and the
// readings of the cgroups when the tick read them.
struct tick {
	struct proc_sample s[MAX_PROCS];
	const struct proc_sample *p[MAX_PROCS];
	char cg[MAX_PROCS][PATH_MAX_TEST];
	struct cgroup_reading r[MAX_PROCS];
	struct snapshot snap;
};

static char empty[] = "";

static void tick_reset(struct tick *t, double now)
{
	memset(&t->snap, 0, sizeof t->snap);
	t->snap.procs = t->p;
	t->snap.sys = (struct sys_sample){ .mono_time = now, .wall_time = 1.7e9 + now, .have_meminfo = true,
					   .total_kb = 8u << 20, .available_kb = 4u << 20 };
}

// Adds a process (ascending pids) in cgroup cg.
static void add(struct tick *t, int pid, const char *cg, uint64_t anon)
{
	size_t i = t->snap.nprocs++;

	assert_true(i < MAX_PROCS);
	snprintf(t->cg[i], sizeof t->cg[i], "%s", cg);
	t->s[i] = (struct proc_sample){ .pid = pid, .start_ticks = (uint64_t)pid * 7, .rss_kb = anon + 100,
					.anon_kb = anon, .swap_kb = 10, .have_detail = true, .comm = empty,
					.cmdline = empty, .exe = empty, .cgroup = t->cg[i], .user = "u" };
	t->p[i] = &t->s[i];
}

// Makes the tick read cgroup path with its own anon (0: memory.stat
// unreadable) and usage.
static void reading(struct tick *t, const char *path, uint64_t own_anon, uint64_t usage)
{
	struct cgroup_reading *g = &t->r[t->snap.ncgroups++];

	*g = (struct cgroup_reading){ .path = path, .have_usage = true, .usage_kb = usage, .have_limit = true,
				      .limit_kb = 1u << 20, .have_anon = own_anon != 0, .anon_kb = own_anon };
	t->snap.cgroups = t->r;
	t->snap.cgroups_read = true;
}

static int cmp_reading(const void *a, const void *b)
{
	return strcmp(((const struct cgroup_reading *)a)->path, ((const struct cgroup_reading *)b)->path);
}

struct bench {
	struct tick t;
	struct proctable pt;
	struct cgtable ct;
};

static struct bench *bench_new(void)
{
	struct bench *b = calloc(1, sizeof *b);

	assert_non_null(b);
	return b;
}

static void update(struct bench *b)
{
	assert_int_equal(proctable_update(&b->pt, &b->t.snap), 0);
	assert_int_equal(cgtable_update(&b->ct, &b->t.snap, &b->pt), 0);
	// Invariants: rows sorted by path, each held by a process.
	for (size_t i = 0; i < b->ct.n; i++) {
		assert_true(b->ct.v[i].nprocs > 0);
		if (i)
			assert_true(strcmp(b->ct.v[i - 1].path, b->ct.v[i].path) < 0);
	}
}

static void bench_free(struct bench *b)
{
	cgtable_free(&b->ct);
	proctable_free(&b->pt);
	free(b);
}

// Rows per cgroup with their processes' sums; processes of no known
// cgroup in none; a cgroup that no process holds any more is gone.
static void test_rows_and_sums(void **state)
{
	struct bench *b = bench_new();
	const struct cgroup_row *r;

	(void)state;
	tick_reset(&b->t, 100);
	add(&b->t, 10, "/system.slice/a.service", 1000);
	add(&b->t, 11, "/system.slice/b.service", 500);
	add(&b->t, 12, "/system.slice/a.service", 3000);
	add(&b->t, 13, "", 99999);                        // not read yet
	update(b);
	assert_int_equal(b->ct.n, 2);
	r = cgtable_find(&b->ct, "/system.slice/a.service");
	assert_non_null(r);
	assert_int_equal(r->nprocs, 2);
	assert_int_equal(r->anon_kb, 4000);
	assert_int_equal(r->rss_kb, 4200);
	assert_int_equal(r->swap_kb, 20);
	assert_true(r->read_t < 0);                       // never read: no values, no detector
	assert_false(r->have_usage);
	assert_null(r->leak);
	assert_string_equal(r->label, "a.service");
	// b's process moves into a; b is gone at once, a counts it.
	tick_reset(&b->t, 101);
	add(&b->t, 10, "/system.slice/a.service", 1000);
	add(&b->t, 11, "/system.slice/a.service", 500);
	add(&b->t, 12, "/system.slice/a.service", 3000);
	update(b);
	assert_int_equal(b->ct.n, 1);
	assert_null(cgtable_find(&b->ct, "/system.slice/b.service"));
	assert_int_equal(cgtable_find(&b->ct, "/system.slice/a.service")->nprocs, 3);
	assert_int_equal(cgtable_find(&b->ct, "/system.slice/a.service")->anon_kb, 4500);
	// No processes: no rows.
	tick_reset(&b->t, 102);
	update(b);
	assert_int_equal(b->ct.n, 0);
	bench_free(b);
}

// A reading sets the cgroup's values and feeds its detector: with
// memory.stat, the cgroup's own anon (shared pages counted once), else
// its processes' anon + swap; a gone or unlisted cgroup's reading is
// ignored; ticks without a reading change nothing but the sums.
static void test_readings_and_signal(void **state)
{
	struct bench *b = bench_new();
	const struct cgroup_row *a, *c;

	(void)state;
	tick_reset(&b->t, 10);
	add(&b->t, 1, "/a", 1000);
	add(&b->t, 2, "/a", 1000);
	add(&b->t, 3, "/c", 700);
	reading(&b->t, "/a", 1200, 5000);
	reading(&b->t, "/c", 0, 900);
	reading(&b->t, "/nobody", 1, 1);                  // holds no process: no row
	update(b);
	a = cgtable_find(&b->ct, "/a");
	c = cgtable_find(&b->ct, "/c");
	assert_non_null(a->leak);
	assert_true(a->own_signal);
	assert_int_equal(a->sig_kb, 1200);
	assert_false(a->have_delta);
	assert_false(c->own_signal);
	assert_int_equal(c->sig_kb, 710);                 // 700 anon + 10 swap
	assert_int_equal(c->usage_kb, 900);
	assert_null(cgtable_find(&b->ct, "/nobody"));
	assert_true(fabs(a->read_t - 10) < 1e-9);
	// No reading: the last values stay, the detector is not fed.
	tick_reset(&b->t, 11);
	add(&b->t, 1, "/a", 2000);
	add(&b->t, 2, "/a", 1000);
	add(&b->t, 3, "/c", 700);
	update(b);
	a = cgtable_find(&b->ct, "/a");
	assert_int_equal(a->anon_kb, 3000);
	assert_int_equal(a->sig_kb, 1200);
	assert_true(fabs(a->read_t - 10) < 1e-9);
	// The next reading: a delta.
	tick_reset(&b->t, 12);
	add(&b->t, 1, "/a", 2000);
	add(&b->t, 2, "/a", 1000);
	add(&b->t, 3, "/c", 700);
	reading(&b->t, "/a", 1500, 5100);
	b->t.r[b->t.snap.ncgroups++] = (struct cgroup_reading){ .path = "/c", .gone = true };
	update(b);
	a = cgtable_find(&b->ct, "/a");
	c = cgtable_find(&b->ct, "/c");
	assert_true(a->have_delta);
	assert_int_equal(a->delta_kb, 300);
	assert_int_equal(c->usage_kb, 900);               // gone between the listing and the read
	assert_false(c->have_delta);
	bench_free(b);
}

// A service whose workers come and go (each grows a little and exits)
// while its own memory grows: the cgroup is suspected, and a cgroup whose
// workers recycle the same way without growth is not. Fed for an hour of
// 1-s readings; the table never holds a gone cgroup and stays its size.
static void test_recycling_service(void **state)
{
	struct bench *b = bench_new();
	bool leak_flagged = false, flat_flagged = false;
	size_t max_rows = 0;

	(void)state;
	for (int s = 0; s < 3600; s++) {
		int gen = s / 20;                              // workers live 20 s
		char churn[32];

		tick_reset(&b->t, 1000 + s);
		for (int w = 0; w < 4; w++)
			add(&b->t, 1000 + gen * 10 + w, "/leaky.service", 2000 + (uint64_t)(s % 20) * 50);
		for (int w = 0; w < 4; w++)
			add(&b->t, 500000 + gen * 10 + w, "/steady.service", 2000 + (uint64_t)(s % 20) * 50);
		// A cgroup per minute that lives a minute (containers coming and going).
		snprintf(churn, sizeof churn, "/run-%d.scope", s / 60);
		add(&b->t, 900000 + s / 60, churn, 100);
		reading(&b->t, "/leaky.service", 8000 + (uint64_t)s * 4 + (uint64_t)(s % 20) * 200, 90000);
		reading(&b->t, "/steady.service", 8000 + (uint64_t)(s % 20) * 200, 90000);
		reading(&b->t, "/run-0.scope", 100, 100);     // its reading after it is gone: ignored
		// Readings are sorted by path, as a source hands them up.
		qsort(b->t.r, b->t.snap.ncgroups, sizeof *b->t.r, cmp_reading);
		update(b);
		leak_flagged |= cgtable_find(&b->ct, "/leaky.service")->verdict.suspected;
		flat_flagged |= cgtable_find(&b->ct, "/steady.service")->verdict.suspected;
		if (b->ct.n > max_rows)
			max_rows = b->ct.n;
	}
	assert_true(leak_flagged);
	assert_false(flat_flagged);
	assert_int_equal(max_rows, 3);
	bench_free(b);
}

// Sorting by each key, names sorting by label, ties by path; suspects.
static void test_sort_and_suspects(void **state)
{
	struct bench *b = bench_new();
	const char *paths[4];

	(void)state;
	tick_reset(&b->t, 5);
	add(&b->t, 1, "/z/small", 100);
	add(&b->t, 2, "/a/big", 9000);
	add(&b->t, 3, "/a/big", 9000);
	add(&b->t, 4, "/m/mid", 4000);
	reading(&b->t, "/a/big", 1, 100);
	reading(&b->t, "/m/mid", 1, 300);
	reading(&b->t, "/z/small", 1, 200);
	update(b);
	cgtable_sort(&b->ct, CG_SORT_ANON, true);
	assert_string_equal(b->ct.order[0]->path, "/a/big");
	assert_string_equal(b->ct.order[2]->path, "/z/small");
	cgtable_sort(&b->ct, CG_SORT_USAGE, true);
	assert_string_equal(b->ct.order[0]->path, "/m/mid");
	assert_string_equal(b->ct.order[1]->path, "/z/small");
	cgtable_sort(&b->ct, CG_SORT_PROCS, true);
	assert_string_equal(b->ct.order[0]->path, "/a/big");
	assert_string_equal(b->ct.order[1]->path, "/m/mid");   // a tie of 1: by path
	cgtable_sort(&b->ct, CG_SORT_NAME, false);
	assert_string_equal(b->ct.order[0]->label, "big");
	assert_string_equal(b->ct.order[2]->label, "small");
	for (int k = 0; k < CG_SORT_KEY_COUNT; k++) {
		assert_int_equal(cg_sort_key_parse(cg_sort_key_name((enum cg_sort_key)k)), k);
		cgtable_sort(&b->ct, (enum cg_sort_key)k, cg_sort_key_descending((enum cg_sort_key)k));
	}
	assert_int_equal(cg_sort_key_parse("nonsense"), -1);
	assert_int_equal(cgtable_suspects(&b->ct, paths, 4), 0);
	bench_free(b);
}

// Paths as a hostile process may make them (already escaped by the
// sampler) and a hierarchy 50 levels deep: kept as they are, labelled
// within bounds.
static void test_hostile_and_deep_paths(void **state)
{
	struct bench *b = bench_new();
	char deep[PATH_MAX_TEST] = "";
	const struct cgroup_row *r;

	(void)state;
	for (int i = 0; i < 50; i++)
		snprintf(deep + strlen(deep), sizeof deep - strlen(deep), "/level%02d", i);
	tick_reset(&b->t, 1);
	add(&b->t, 1, "/evil\\x1b[2J\\x07.scope", 10);
	add(&b->t, 2, deep, 10);
	add(&b->t, 3, "/", 10);
	update(b);
	assert_int_equal(b->ct.n, 3);
	r = cgtable_find(&b->ct, "/evil\\x1b[2J\\x07.scope");
	assert_non_null(r);
	assert_null(strchr(r->label, '\x1b'));
	assert_string_equal(cgtable_find(&b->ct, deep)->label, "level49");
	assert_string_equal(cgtable_find(&b->ct, "/")->label, "(root)");
	bench_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_and_sums),
		cmocka_unit_test(test_readings_and_signal),
		cmocka_unit_test(test_recycling_service),
		cmocka_unit_test(test_sort_and_suspects),
		cmocka_unit_test(test_hostile_and_deep_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
