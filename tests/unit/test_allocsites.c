/* test_allocsites.c — the allocation-sites model (model/allocsites.h) on
 * hand-made readings with an injected clock: empty, partly full, exactly
 * ALLOCSITES_MAX_ROWS and ALLOCSITES_MAX_JUDGED, 16384 stacks, hours of
 * readings (the detectors' rings wrap many times) in which a steady
 * 64 KiB/s stack is flagged within a minute and stays on top while a
 * balanced churn stack and a one-off big allocation never are, stacks
 * appearing and disappearing, the session's end states, and sampling. */
#include "fixture.h"

#include "model/allocsites.h"

#define KIB 1024ull
#define MIB (1024ull * 1024)
#define NMAX 16400

// A source's reading, built by hand: stack i has id i (frames of its own).
static struct alloc_stack stacks[NMAX];
static struct alloc_frame frames[NMAX];
static struct alloc_site sites[NMAX];
static struct alloc_snapshot snap;

static void setup_stacks(void)
{
	for (int i = 0; i < NMAX; i++) {
		frames[i] = (struct alloc_frame){ .ip = 0x1000u + (uint64_t)i, .offset = 4, .func = "work",
						  .file = "/usr/bin/prog" };
		stacks[i] = (struct alloc_stack){ .id = i, .depth = 1, .frames = &frames[i] };
	}
}

// Starts a reading at time t.
static void reading(double t)
{
	memset(&snap, 0, sizeof snap);
	snap.pid = 42;
	snap.t = t;
	snap.sites = sites;
	snap.sample_every = 1;
}

// Adds stack id's site with bytes (count: one allocation per KiB).
static void site(int id, uint64_t bytes)
{
	sites[snap.nsites++] = (struct alloc_site){ .stack = &stacks[id], .bytes = bytes,
						    .count = bytes / KIB + 1, .oldest_age_s = 1.5 };
}

static const struct allocsite_row *row_of(const struct allocsites *a, int id)
{
	for (size_t i = 0; i < a->nrows; i++)
		if (a->rows[i].stack && a->rows[i].stack->id == id)
			return &a->rows[i];
	return NULL;
}

static size_t judged_rows(const struct allocsites *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->nrows; i++)
		n += a->rows[i].judged;
	return n;
}

static void test_empty(void **st)
{
	struct allocsites a;

	(void)st;
	allocsites_init(&a);
	assert_int_equal(a.state, ALLOCSITES_OFF);
	reading(1);
	assert_int_equal(allocsites_update(&a, &snap, LEAK_SENS_NORMAL), 0);   // off: ignored
	assert_int_equal(a.nrows, 0);
	allocsites_start(&a, 42, 7, 100, 0);
	reading(101);
	assert_int_equal(allocsites_update(&a, &snap, LEAK_SENS_NORMAL), 0);
	assert_int_equal(a.state, ALLOCSITES_ON);
	assert_int_equal(a.nrows, 0);
	assert_int_equal(a.nsites, 0);
	assert_true(a.total_bytes == 0 && a.total_count == 0);
	assert_true(a.t == 101 && a.attached_t == 100);
	assert_false(allocsites_over_limit(&a, 1e9));      // no limit
	allocsites_free(&a);
	assert_int_equal(a.state, ALLOCSITES_OFF);
}

static void test_partly_full_sorted_with_growth(void **st)
{
	struct allocsites a;

	(void)st;
	allocsites_init(&a);
	allocsites_start(&a, 42, 7, 0, 300);
	reading(1);
	site(3, 10 * KIB);
	site(1, 30 * KIB);
	site(2, 20 * KIB);
	assert_int_equal(allocsites_update(&a, &snap, LEAK_SENS_NORMAL), 0);
	reading(11);
	site(2, 20 * KIB);
	site(3, 50 * KIB);
	site(1, 30 * KIB);
	site(4, 5 * KIB);          // first seen now: grew from 0
	assert_int_equal(allocsites_update(&a, &snap, LEAK_SENS_NORMAL), 0);
	assert_int_equal(a.nrows, 4);
	assert_int_equal(a.nsites, 4);
	assert_int_equal(a.rows[0].stack->id, 3);
	assert_int_equal(a.rows[1].stack->id, 1);
	assert_int_equal(a.rows[2].stack->id, 2);
	assert_int_equal(a.rows[3].stack->id, 4);
	assert_true(a.total_bytes == 105 * KIB);
	assert_true(a.total_count == 10 + 50 + 30 + 20 + 5 - 10 + 4);
	assert_true(row_of(&a, 3)->growth_bytes == (int64_t)(40 * KIB));
	assert_true(row_of(&a, 1)->growth_bytes == 0);
	assert_true(row_of(&a, 4)->growth_bytes == (int64_t)(5 * KIB));
	assert_true(row_of(&a, 3)->oldest_age_s == 1.5);
	assert_int_equal(judged_rows(&a), 4);
	for (size_t i = 0; i < a.nrows; i++)
		assert_false(a.rows[i].suspect);
	assert_false(allocsites_over_limit(&a, 299.9));
	assert_true(allocsites_over_limit(&a, 300));
	allocsites_free(&a);
}

// n sites of distinct sizes (stack i holds (i + 1) KiB).
static void fill(int n, double t)
{
	reading(t);
	for (int i = 0; i < n; i++)
		site(i, (uint64_t)(i + 1) * KIB);
}

static void test_bounds_exactly_full_and_past(void **st)
{
	struct allocsites a;
	const int counts[] = { ALLOCSITES_MAX_JUDGED, ALLOCSITES_MAX_JUDGED + 1, ALLOCSITES_MAX_ROWS,
			       ALLOCSITES_MAX_ROWS + 1, 16384 };

	(void)st;
	for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
		int n = counts[c];
		uint64_t total = (uint64_t)n * (n + 1) / 2 * KIB;

		allocsites_init(&a);
		allocsites_start(&a, 42, 7, 0, 0);
		for (int k = 1; k <= 3; k++) {
			fill(n, k);
			assert_int_equal(allocsites_update(&a, &snap, LEAK_SENS_NORMAL), 0);
		}
		assert_int_equal(a.nsites, (size_t)n);
		assert_int_equal(a.nrows, (size_t)(n < ALLOCSITES_MAX_ROWS ? n : ALLOCSITES_MAX_ROWS));
		assert_int_equal(judged_rows(&a), (size_t)ALLOCSITES_MAX_JUDGED);
		assert_true(a.total_bytes == total);
		// The largest kept, largest first; the judged ones are the largest.
		assert_int_equal(a.rows[0].stack->id, n - 1);
		assert_int_equal(a.rows[a.nrows - 1].stack->id, n - (int)a.nrows);
		for (size_t i = 0; i < a.nrows; i++)
			assert_int_equal(a.rows[i].judged, i < ALLOCSITES_MAX_JUDGED);
		allocsites_free(&a);
	}
}

// A pseudo-random number in [0, n) (a fixed sequence).
static uint64_t rnd(uint64_t n)
{
	static uint64_t x = 88172645463325252ull;

	x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	return x % n;
}

static void test_hours_leak_flagged_churn_and_oneoff_not(void **st)
{
	static struct allocsites a;
	double first_flag = -1;

	(void)st;
	allocsites_init(&a);
	allocsites_start(&a, 42, 7, 1000, 0);
	// Three hours at one reading a second: the detectors' 2 s, 15 s and
	// 150 s rings wrap 112, 15 and 1.5 times.
	for (int s = 1; s <= 3 * 3600; s++) {
		const struct allocsite_row *leak, *churn, *big;

		reading(1000 + s);
		site(1, (uint64_t)s * 64 * KIB);                           // the leak
		site(2, 4 * MIB + rnd(512) * 4 * KIB);                     // balanced churn
		site(3, s < 300 ? MIB : 51 * MIB);                         // a one-off
		site(4, 2 * MIB);                                          // steady
		site(5, (uint64_t)s * 2 * KIB + (s < 300 ? 0 : 50 * MIB));  // a one-off on a creep
		for (int i = 6; i < 45; i++)                               // small ones
			site(i, (uint64_t)i * KIB);
		assert_int_equal(allocsites_update(&a, &snap, LEAK_SENS_NORMAL), 0);
		leak = row_of(&a, 1), churn = row_of(&a, 2), big = row_of(&a, 3);
		assert_non_null(leak);
		assert_true(leak->judged && churn->judged && big->judged);
		assert_false(churn->suspect);
		assert_false(big->suspect);
		assert_false(row_of(&a, 4)->suspect);
		if (s < 600)    // (a 2 KiB/s creep is a slow leak the detector may judge later)
			assert_false(row_of(&a, 5)->suspect);
		if (leak->suspect && first_flag < 0)
			first_flag = s;
		if (s >= 60) {
			assert_true(leak->suspect);             // from a minute on, always
			assert_ptr_equal(leak, &a.rows[0]);     // and on top
			assert_true(leak->score >= 0.5);
		}
		if (s >= 30 && s % 600 == 0)                    // 64 KiB/s within 10 %
			assert_true(leak->rate_bytes_s > 0.9 * 64 * KIB && leak->rate_bytes_s < 1.1 * 64 * KIB);
	}
	assert_true(first_flag > 0 && first_flag <= 30);
	assert_true(row_of(&a, 1)->growth_bytes == (int64_t)((3 * 3600 - 1) * 64 * KIB));
	allocsites_free(&a);
}

static void test_stacks_appear_and_disappear(void **st)
{
	struct allocsites a;

	(void)st;
	allocsites_init(&a);
	allocsites_start(&a, 42, 7, 0, 0);
	reading(1);
	site(1, MIB);
	allocsites_update(&a, &snap, LEAK_SENS_NORMAL);
	reading(2);                      // 1 gone (all freed), 2 appears
	site(2, 2 * MIB);
	allocsites_update(&a, &snap, LEAK_SENS_NORMAL);
	assert_null(row_of(&a, 1));
	assert_true(row_of(&a, 2)->growth_bytes == (int64_t)(2 * MIB));
	reading(3);                      // 1 comes back: it keeps its origin
	site(1, 3 * MIB);
	site(2, 2 * MIB);
	allocsites_update(&a, &snap, LEAK_SENS_NORMAL);
	assert_true(row_of(&a, 1)->growth_bytes == (int64_t)(2 * MIB));
	assert_true(row_of(&a, 2)->growth_bytes == (int64_t)(2 * MIB));
	assert_int_equal(a.rows[0].stack->id, 1);
	allocsites_free(&a);

	// A place among the judged: earned mid-session, lost when overtaken.
	allocsites_init(&a);
	allocsites_start(&a, 42, 7, 0, 0);
	fill(ALLOCSITES_MAX_JUDGED + 1, 1);             // stack 0 is the smallest
	allocsites_update(&a, &snap, LEAK_SENS_NORMAL);
	assert_false(row_of(&a, 0)->judged);
	assert_true(row_of(&a, 1)->judged);
	fill(ALLOCSITES_MAX_JUDGED + 1, 2);
	sites[0].bytes = 100 * MIB;                      // stack 0 overtakes them all
	allocsites_update(&a, &snap, LEAK_SENS_NORMAL);
	assert_true(row_of(&a, 0)->judged);
	assert_ptr_equal(row_of(&a, 0), &a.rows[0]);
	assert_false(row_of(&a, 1)->judged);             // now the smallest
	allocsites_free(&a);
}

static void test_end_states_keep_rows_and_stacks(void **st)
{
	struct allocsites a;
	static struct alloc_frame f[2];
	static struct alloc_stack s;
	char func[16] = "grow_cache", file[32] = "/usr/lib/libfoo.so";

	(void)st;
	allocsites_init(&a);
	allocsites_fail(&a, 42, "allocation sites of 42: needs root (CAP_BPF and CAP_PERFMON)");
	assert_int_equal(a.state, ALLOCSITES_FAILED);
	assert_string_equal(a.why, "allocation sites of 42: needs root (CAP_BPF and CAP_PERFMON)");
	reading(1);
	site(1, MIB);
	assert_int_equal(allocsites_update(&a, &snap, LEAK_SENS_NORMAL), 0);
	assert_int_equal(a.nrows, 0);                    // a failed session takes no reading
	allocsites_end(&a, "detached");
	assert_int_equal(a.state, ALLOCSITES_FAILED);    // and does not become ended

	// The target exits: the reading that says so is the last.
	f[0] = (struct alloc_frame){ .ip = 0x10, .offset = 3, .func = func, .file = file };
	f[1] = (struct alloc_frame){ .ip = 0x20, .offset = 0x20, .func = NULL, .file = file };
	s = (struct alloc_stack){ .id = 9, .depth = 2, .frames = f };
	allocsites_start(&a, 42, 7, 0, 0);
	reading(1);
	sites[0] = (struct alloc_site){ .stack = &s, .bytes = 5 * MIB, .count = 3, .oldest_age_s = -1 };
	snap.nsites = 1;
	snap.end = ALLOC_END_EXITED;
	snprintf(snap.end_why, sizeof snap.end_why, "process 42 exited");
	assert_int_equal(allocsites_update(&a, &snap, LEAK_SENS_NORMAL), 0);
	assert_int_equal(a.state, ALLOCSITES_ENDED);
	assert_string_equal(a.why, "process 42 exited");
	// The source's stack goes with the detach: the model kept a copy.
	memset(func, 'X', sizeof func - 1);
	memset(f, 0, sizeof f);
	s.depth = 0;
	assert_int_equal(a.nrows, 1);
	assert_true(a.rows[0].bytes == 5 * MIB && a.rows[0].count == 3);
	assert_non_null(a.rows[0].stack);
	assert_ptr_not_equal(a.rows[0].stack, &s);
	assert_int_equal(a.rows[0].stack->id, 9);
	assert_int_equal(a.rows[0].stack->depth, 2);
	assert_string_equal(a.rows[0].stack->frames[0].func, "grow_cache");
	assert_string_equal(a.rows[0].stack->frames[0].file, "/usr/lib/libfoo.so");
	assert_true(a.rows[0].stack->frames[0].offset == 3);
	assert_null(a.rows[0].stack->frames[1].func);
	assert_true(a.rows[0].stack->frames[1].ip == 0x20);
	assert_true(a.rows[0].oldest_age_s < 0);
	// Readings after the end change nothing.
	reading(2);
	site(1, MIB);
	allocsites_update(&a, &snap, LEAK_SENS_NORMAL);
	assert_int_equal(a.nrows, 1);
	assert_true(a.t == 1);

	// Ended by the user: same, with the user's line.
	allocsites_start(&a, 43, 8, 10, 60);
	assert_true(a.nrows == 0 && a.pid == 43);
	fill(3, 11);
	allocsites_update(&a, &snap, LEAK_SENS_NORMAL);
	assert_true(allocsites_over_limit(&a, 70));
	allocsites_end(&a, "time limit reached: detached");
	assert_false(allocsites_over_limit(&a, 70));
	assert_int_equal(a.state, ALLOCSITES_ENDED);
	assert_string_equal(a.why, "time limit reached: detached");
	assert_int_equal(a.nrows, 3);
	assert_ptr_not_equal(a.rows[0].stack, &stacks[2]);
	assert_int_equal(a.rows[0].stack->id, 2);
	allocsites_free(&a);
}

static void test_sampling_scale_carried(void **st)
{
	struct allocsites a;

	(void)st;
	allocsites_init(&a);
	allocsites_start(&a, 42, 7, 0, 0);
	reading(1);
	snap.sample_every = 100;
	snap.min_size = 64;
	snap.allocs = 1000, snap.frees = 400, snap.tracked = 6;
	snprintf(snap.allocator, sizeof snap.allocator, "glibc malloc (libc.so.6)");
	// The source multiplied the tracked ones: 3 tracked of 1 KiB, x 100.
	sites[0] = (struct alloc_site){ .stack = &stacks[1], .bytes = 300 * KIB, .count = 300, .oldest_age_s = 2 };
	snap.nsites = 1;
	allocsites_update(&a, &snap, LEAK_SENS_NORMAL);
	assert_true(a.rows[0].bytes == 300 * KIB && a.rows[0].count == 300);   // not scaled twice
	assert_true(a.total_bytes == 300 * KIB);
	assert_int_equal(a.last.sample_every, 100);
	assert_true(a.last.min_size == 64 && a.last.allocs == 1000 && a.last.frees == 400);
	assert_string_equal(a.last.allocator, "glibc malloc (libc.so.6)");
	assert_null(a.last.sites);
	allocsites_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_partly_full_sorted_with_growth),
		cmocka_unit_test(test_bounds_exactly_full_and_past),
		cmocka_unit_test(test_hours_leak_flagged_churn_and_oneoff_not),
		cmocka_unit_test(test_stacks_appear_and_disappear),
		cmocka_unit_test(test_end_states_keep_rows_and_stacks),
		cmocka_unit_test(test_sampling_scale_carried),
	};

	setup_stacks();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
