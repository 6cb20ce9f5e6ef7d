/* test_proctable.c — the model fed with hand-built snapshots: identity by
 * (pid, start time), deltas, exits, growth, sorting and lookup. */
#include "fixture.h"

#include <stdbool.h>

#include "model/proctable.h"

#define MAX_PROCS 1200

// One hand-built tick: samples and the pid-sorted pointer array.
struct tick {
	struct proc_sample s[MAX_PROCS];
	char comm[MAX_PROCS][16];
	const struct proc_sample *p[MAX_PROCS];
	struct snapshot snap;
};

static char empty_string[] = "";

// Adds a process to a tick; calls must come in ascending pid order.
static struct proc_sample *add(struct tick *t, int pid, uint64_t start, uint64_t rss, uint64_t anon)
{
	size_t i = t->snap.nprocs++;
	struct proc_sample *s = &t->s[i];

	assert_true(i < MAX_PROCS);
	assert_true(i == 0 || t->s[i - 1].pid < pid);
	*s = (struct proc_sample){ .pid = pid, .start_ticks = start, .rss_kb = rss, .anon_kb = anon,
				   .cmdline = empty_string, .cgroup = empty_string };
	snprintf(t->comm[i], sizeof t->comm[i], "p%d", pid);
	s->comm = t->comm[i];
	s->user = "u";
	t->p[i] = s;
	t->snap.procs = t->p;
	return s;
}

static struct tick *tick_new(void)
{
	struct tick *t = calloc(1, sizeof *t);

	assert_non_null(t);
	t->snap.procs = t->p;
	return t;
}

// Checks the invariants every update must leave: v sorted by pid, order
// pointing at each entry once, and each entry's sample from this tick.
static void check_table(const struct proctable *pt, const struct tick *t)
{
	assert_int_equal(pt->n, t->snap.nprocs);
	for (size_t k = 0; k < pt->n; k++) {
		assert_ptr_equal(pt->v[k].s, t->p[k]);
		assert_int_equal(pt->v[k].pid, t->p[k]->pid);
		assert_int_equal(pt->v[k].start_ticks, t->p[k]->start_ticks);
		assert_true(pt->v[k].ticks >= 1);
		assert_ptr_equal(pt->order[k], &pt->v[k]);
		assert_ptr_equal(proctable_find(pt, t->p[k]->pid), &pt->v[k]);
	}
}

static void test_first_sample_has_no_delta(void **state)
{
	struct proctable pt = { 0 };
	struct tick *t = tick_new();

	(void)state;
	add(t, 1, 10, 1000, 100);
	add(t, 42, 20, 2000, 200);
	add(t, 300, 30, 3000, 300);
	assert_int_equal(proctable_update(&pt, &t->snap), 0);
	check_table(&pt, t);
	for (size_t k = 0; k < pt.n; k++) {
		assert_false(pt.v[k].have_delta);
		assert_int_equal(pt.v[k].ticks, 1);
		assert_int_equal(pt.v[k].delta_rss_kb, 0);
		assert_int_equal(pt.v[k].last_rss_kb, t->p[k]->rss_kb);
		assert_int_equal(pt.v[k].last_anon_kb, t->p[k]->anon_kb);
	}
	assert_null(proctable_find(&pt, 2));
	assert_null(proctable_find(&pt, 0));
	assert_null(proctable_find(&pt, 301));
	proctable_free(&pt);
	free(t);
}

static void test_deltas_follow_the_previous_sample(void **state)
{
	struct proctable pt = { 0 };
	struct tick *a = tick_new(), *b = tick_new(), *c = tick_new();
	struct proc *p;

	(void)state;
	add(a, 5, 50, 1000, 400);
	add(a, 6, 60, 8000, 7000);
	assert_int_equal(proctable_update(&pt, &a->snap), 0);

	add(b, 5, 50, 1500, 300);          // grew RSS, shrank anon
	add(b, 6, 60, 8000, 7000);         // unchanged
	assert_int_equal(proctable_update(&pt, &b->snap), 0);
	check_table(&pt, b);
	p = proctable_find(&pt, 5);
	assert_non_null(p);
	assert_true(p->have_delta);
	assert_int_equal(p->ticks, 2);
	assert_int_equal(p->delta_rss_kb, 500);
	assert_int_equal(p->delta_anon_kb, -100);
	p = proctable_find(&pt, 6);
	assert_true(p->have_delta);
	assert_int_equal(p->delta_rss_kb, 0);
	assert_int_equal(p->delta_anon_kb, 0);

	add(c, 5, 50, 900, 300);           // relative to b, not to a
	add(c, 6, 60, 0, 0);
	assert_int_equal(proctable_update(&pt, &c->snap), 0);
	check_table(&pt, c);
	p = proctable_find(&pt, 5);
	assert_int_equal(p->ticks, 3);
	assert_int_equal(p->delta_rss_kb, -600);
	assert_int_equal(p->delta_anon_kb, 0);
	assert_int_equal(p->last_rss_kb, 900);
	p = proctable_find(&pt, 6);
	assert_int_equal(p->delta_rss_kb, -8000);
	assert_int_equal(p->delta_anon_kb, -7000);
	proctable_free(&pt);
	free(a);
	free(b);
	free(c);
}

static void test_reused_pid_starts_fresh(void **state)
{
	struct proctable pt = { 0 };
	struct tick *a = tick_new(), *b = tick_new(), *c = tick_new();
	struct proc *p;

	(void)state;
	add(a, 7, 100, 5000, 5000);
	add(a, 8, 100, 10, 10);
	assert_int_equal(proctable_update(&pt, &a->snap), 0);
	assert_int_equal(proctable_update(&pt, &a->snap), 0);   // pid 7 now has a delta
	assert_true(proctable_find(&pt, 7)->have_delta);

	add(b, 7, 999, 200, 100);          // same pid, new process
	add(b, 8, 100, 20, 10);
	assert_int_equal(proctable_update(&pt, &b->snap), 0);
	check_table(&pt, b);
	p = proctable_find(&pt, 7);
	assert_false(p->have_delta);
	assert_int_equal(p->ticks, 1);
	assert_int_equal(p->start_ticks, 999);
	assert_int_equal(p->delta_rss_kb, 0);
	assert_int_equal(p->delta_anon_kb, 0);
	assert_int_equal(p->last_rss_kb, 200);
	p = proctable_find(&pt, 8);        // its neighbour is not disturbed
	assert_true(p->have_delta);
	assert_int_equal(p->ticks, 3);
	assert_int_equal(p->delta_rss_kb, 10);

	add(c, 7, 999, 260, 100);          // the new process's own delta
	add(c, 8, 100, 20, 10);
	assert_int_equal(proctable_update(&pt, &c->snap), 0);
	p = proctable_find(&pt, 7);
	assert_true(p->have_delta);
	assert_int_equal(p->ticks, 2);
	assert_int_equal(p->delta_rss_kb, 60);
	proctable_free(&pt);
	free(a);
	free(b);
	free(c);
}

// A process that exec'd (the sampler bumped its exec_gen) keeps its pid and
// start time but runs a new program: its leak history starts again, with no
// delta, so the new program's memory is not taken for growth of the old's.
static void test_exec_starts_a_new_history(void **state)
{
	struct proctable pt = { 0 };
	struct tick *t = tick_new();
	struct proc *p;
	double now = 0;

	(void)state;
	// Two minutes of steady growth: a detector with history.
	for (int i = 0; i < 120; i++, now += 1.0) {
		t->snap.nprocs = 0;
		t->snap.sys.mono_time = now;
		add(t, 9, 50, 1000 + 64 * (uint64_t)i, 1000 + 64 * (uint64_t)i);
		assert_int_equal(proctable_update(&pt, &t->snap), 0);
	}
	p = proctable_find(&pt, 9);
	assert_non_null(p->leak);
	assert_true(p->leak->hist.tier[0].count > 40);
	assert_int_equal(p->ticks, 120);

	// exec: a much bigger program, same pid and start time.
	t->snap.nprocs = 0;
	t->snap.sys.mono_time = now;
	add(t, 9, 50, 90000, 80000)->exec_gen = 1;
	assert_int_equal(proctable_update(&pt, &t->snap), 0);
	check_table(&pt, t);
	p = proctable_find(&pt, 9);
	assert_false(p->have_delta);
	assert_int_equal(p->ticks, 1);
	assert_null(p->leak);                    // flat so far: no history yet
	assert_int_equal(p->flat_sig_kb, 80000);
	assert_false(p->verdict.suspected);

	// And from there it is tracked as usual.
	t->snap.nprocs = 0;
	t->snap.sys.mono_time = now + 1;
	add(t, 9, 50, 90064, 80064)->exec_gen = 1;
	assert_int_equal(proctable_update(&pt, &t->snap), 0);
	p = proctable_find(&pt, 9);
	assert_true(p->have_delta);
	assert_int_equal(p->delta_rss_kb, 64);
	assert_int_equal(p->ticks, 2);
	proctable_free(&pt);
	free(t);
}

// The table hands its sensitivity to every detector it starts: the same
// borderline growth (3 MiB over 100 s) is flagged by a "high" table's
// detector and not by a "low" one's.
static void test_sensitivity_reaches_the_detectors(void **state)
{
	struct proctable hi = { .sensitivity = LEAK_SENS_HIGH }, lo = { .sensitivity = LEAK_SENS_LOW };
	struct tick *t = tick_new();

	(void)state;
	for (int i = 0; i < 100; i++) {
		t->snap.nprocs = 0;
		t->snap.sys.mono_time = i;
		add(t, 5, 1, 20480 + 32 * (uint64_t)i, 20480 + 32 * (uint64_t)i);
		assert_int_equal(proctable_update(&hi, &t->snap), 0);
		assert_int_equal(proctable_update(&lo, &t->snap), 0);
	}
	assert_true(proctable_find(&hi, 5)->leak->tier[0].flagged);
	assert_false(proctable_find(&lo, 5)->leak->tier[0].flagged);
	proctable_free(&hi);
	proctable_free(&lo);
	free(t);
}

static void test_exited_dropped_and_new_inserted(void **state)
{
	struct proctable pt = { 0 };
	struct tick *a = tick_new(), *b = tick_new(), *c = tick_new();
	struct proc *p;

	(void)state;
	add(a, 10, 1, 100, 10);
	add(a, 20, 1, 200, 20);
	add(a, 30, 1, 300, 30);
	add(a, 40, 1, 400, 40);
	assert_int_equal(proctable_update(&pt, &a->snap), 0);

	add(b, 15, 2, 150, 15);            // new, before an exited one
	add(b, 30, 1, 330, 30);            // 10 and 20 exited
	add(b, 35, 2, 350, 35);            // new, in between
	add(b, 50, 2, 500, 50);            // new, after 40 exited
	assert_int_equal(proctable_update(&pt, &b->snap), 0);
	check_table(&pt, b);
	assert_null(proctable_find(&pt, 10));
	assert_null(proctable_find(&pt, 20));
	assert_null(proctable_find(&pt, 40));
	assert_false(proctable_find(&pt, 15)->have_delta);
	assert_false(proctable_find(&pt, 35)->have_delta);
	assert_false(proctable_find(&pt, 50)->have_delta);
	p = proctable_find(&pt, 30);
	assert_true(p->have_delta);
	assert_int_equal(p->delta_rss_kb, 30);

	// Everything exits.
	assert_int_equal(proctable_update(&pt, &c->snap), 0);
	assert_int_equal(pt.n, 0);
	assert_null(proctable_find(&pt, 30));
	proctable_sort(&pt, SORT_RSS, true);
	// A process that comes back after being dropped has no history.
	add(c, 30, 1, 999, 9);
	assert_int_equal(proctable_update(&pt, &c->snap), 0);
	assert_false(proctable_find(&pt, 30)->have_delta);
	assert_int_equal(proctable_find(&pt, 30)->ticks, 1);
	proctable_free(&pt);
	free(a);
	free(b);
	free(c);
}

// A table that never saw a process: update, find and sort must all cope
// (nothing has been allocated yet).
static void test_empty_table(void **state)
{
	struct proctable pt = { 0 };
	struct tick *t = tick_new();

	(void)state;
	assert_null(proctable_find(&pt, 1));
	proctable_sort(&pt, SORT_RSS, true);
	assert_int_equal(proctable_update(&pt, &t->snap), 0);
	assert_int_equal(pt.n, 0);
	assert_null(proctable_find(&pt, 1));
	proctable_sort(&pt, SORT_PID, false);
	proctable_free(&pt);
	proctable_free(&pt);   // freeing twice is harmless: free reset the table
	free(t);
}

// Crossing the initial capacity (256) and its doublings keeps every entry.
static void test_growth_keeps_every_entry(void **state)
{
	struct proctable pt = { 0 };
	struct tick *a = tick_new(), *b = tick_new();

	(void)state;
	for (int pid = 1; pid <= 1100; pid++)
		add(a, pid, (uint64_t)pid, (uint64_t)pid * 10, 0);
	assert_int_equal(proctable_update(&pt, &a->snap), 0);
	assert_true(pt.cap >= 1100);
	check_table(&pt, a);
	for (int pid = 2; pid <= 1100; pid += 2)   // odd pids exit
		add(b, pid, (uint64_t)pid, (uint64_t)pid * 10 + 1, 0);
	assert_int_equal(proctable_update(&pt, &b->snap), 0);
	check_table(&pt, b);
	for (int pid = 1; pid <= 1100; pid++) {
		struct proc *p = proctable_find(&pt, pid);

		if (pid % 2) {
			assert_null(p);
		} else {
			assert_non_null(p);
			assert_int_equal(p->delta_rss_kb, 1);
		}
	}
	proctable_free(&pt);
	assert_null(pt.v);
	assert_int_equal(pt.n, 0);
	assert_int_equal(pt.cap, 0);
	free(a);
	free(b);
}

// The pids in t->order, for comparing against an expected order.
static void assert_order(const struct proctable *pt, const int *want, size_t n)
{
	assert_int_equal(pt->n, n);
	for (size_t k = 0; k < n; k++) {
		if (pt->order[k]->pid != want[k])
			fail_msg("position %zu: pid %d, want %d", k, pt->order[k]->pid, want[k]);
	}
}

#define ORDER(pt, ...) do {                                                     \
		static const int want_[] = { __VA_ARGS__ };                     \
		assert_order((pt), want_, sizeof want_ / sizeof want_[0]);      \
	} while (0)

// A table of five processes with ties and unknown values, for sorting.
static void sort_fixture(struct proctable *pt, struct tick *a, struct tick *b)
{
	struct proc_sample *s;

	add(a, 3, 1, 500, 50);
	add(a, 4, 1, 100, 10);
	add(a, 9, 1, 900, 90);
	add(a, 11, 1, 100, 10);
	add(a, 12, 1, 900, 90);
	assert_int_equal(proctable_update(pt, &a->snap), 0);

	s = add(b, 3, 1, 500, 70);         // delta 0
	s->have_detail = true, s->oom_score = 200, s->oom_score_adj = 0, s->swap_kb = 5;
	s->have_heap = true, s->heap_kb = 64;
	s->user = "root";
	s->cmdline = (char *)"zsh";
	s = add(b, 4, 1, 100, 10);         // delta 0, nothing known
	s->user = "alice";
	s = add(b, 9, 2, 900, 90);         // a new process: no delta
	s->have_detail = true, s->oom_score = 200, s->oom_score_adj = -500, s->swap_kb = 5;
	s->user = "bob";
	s = add(b, 11, 1, 300, 10);        // delta +200
	s->have_detail = true, s->oom_score = 10, s->oom_score_adj = 100, s->swap_kb = 0;
	s->have_heap = true, s->heap_kb = 64;
	s->user = "alice";
	s->cmdline = (char *)"bash -l";
	s = add(b, 12, 1, 900, 90);        // delta 0
	s->user = "bob";
	s->comm = (char *)"awk";
	assert_int_equal(proctable_update(pt, &b->snap), 0);
}

static void test_sort_orders_with_pid_tie_break(void **state)
{
	struct proctable pt = { 0 };
	struct tick *a = tick_new(), *b = tick_new();

	(void)state;
	sort_fixture(&pt, a, b);
	// rss: 3=500 4=100 9=900 11=300 12=900
	proctable_sort(&pt, SORT_RSS, true);
	ORDER(&pt, 9, 12, 3, 11, 4);
	proctable_sort(&pt, SORT_RSS, false);
	ORDER(&pt, 4, 11, 3, 9, 12);       // ties still by pid ascending
	// anon: 3=70 4=10 9=90 11=10 12=90
	proctable_sort(&pt, SORT_ANON, true);
	ORDER(&pt, 9, 12, 3, 4, 11);
	proctable_sort(&pt, SORT_PID, true);
	ORDER(&pt, 12, 11, 9, 4, 3);
	proctable_sort(&pt, SORT_PID, false);
	ORDER(&pt, 3, 4, 9, 11, 12);
	// oom: 3=200 4=? 9=200 11=10 12=? — unknown sorts as the smallest
	proctable_sort(&pt, SORT_OOM, true);
	ORDER(&pt, 3, 9, 11, 4, 12);
	proctable_sort(&pt, SORT_OOM, false);
	ORDER(&pt, 4, 12, 11, 3, 9);
	// adj: 3=0 4=? 9=-500 11=100 12=?
	proctable_sort(&pt, SORT_ADJ, true);
	ORDER(&pt, 11, 3, 9, 4, 12);
	// swap: 3=5 4=? 9=5 11=0 12=?
	proctable_sort(&pt, SORT_SWAP, true);
	ORDER(&pt, 3, 9, 11, 4, 12);
	// heap: 3=64 11=64, others unknown
	proctable_sort(&pt, SORT_HEAP, true);
	ORDER(&pt, 3, 11, 4, 9, 12);
	// delta: 3=0 4=0 9=? 11=+200 12=0
	proctable_sort(&pt, SORT_DELTA, true);
	ORDER(&pt, 11, 3, 4, 12, 9);
	// user: root alice bob alice bob
	proctable_sort(&pt, SORT_USER, false);
	ORDER(&pt, 4, 11, 9, 12, 3);
	proctable_sort(&pt, SORT_USER, true);
	ORDER(&pt, 3, 9, 12, 4, 11);
	// command: cmdline, else comm: zsh p4 p9 "bash -l" awk
	proctable_sort(&pt, SORT_COMMAND, false);
	ORDER(&pt, 12, 11, 4, 9, 3);
	proctable_free(&pt);
	free(a);
	free(b);
}

// Which of two processes the sort puts first, ascending: -1 when a, 1 when b
// (what a comparison would say), 0 when they are the same process.
static int sorted_first(struct proc *a, struct proc *b, enum sort_key key)
{
	struct proc *rows[2] = { a, b };

	if (a == b)
		return 0;
	proctable_sort_rows(rows, 2, key, false);
	return rows[0] == a ? -1 : 1;
}

static void test_sort_rows_and_compare(void **state)
{
	struct proctable pt = { 0 };
	struct tick *a = tick_new(), *b = tick_new();
	struct proc *rows[3];
	struct proc *p3, *p4, *p9, *p12;

	(void)state;
	sort_fixture(&pt, a, b);
	p3 = proctable_find(&pt, 3);
	p4 = proctable_find(&pt, 4);
	p9 = proctable_find(&pt, 9);
	p12 = proctable_find(&pt, 12);
	rows[0] = p4, rows[1] = p12, rows[2] = p3;
	proctable_sort_rows(rows, 3, SORT_RSS, true);
	assert_ptr_equal(rows[0], p12);
	assert_ptr_equal(rows[1], p3);
	assert_ptr_equal(rows[2], p4);
	proctable_sort_rows(rows, 0, SORT_RSS, true);   // nothing to do
	proctable_sort_rows(NULL, 0, SORT_PID, false);

	assert_int_equal(sorted_first(p4, p3, SORT_RSS), -1);
	assert_int_equal(sorted_first(p3, p4, SORT_RSS), 1);
	assert_int_equal(sorted_first(p9, p12, SORT_RSS), -1);   // tie: pid
	assert_int_equal(sorted_first(p12, p9, SORT_RSS), 1);
	assert_int_equal(sorted_first(p9, p9, SORT_RSS), 0);
	assert_int_equal(sorted_first(p4, p3, SORT_OOM), -1);    // unknown is smallest
	assert_int_equal(sorted_first(p3, p9, SORT_OOM), -1);    // equal 200: pid
	proctable_free(&pt);
	free(a);
	free(b);
}

static void test_sort_key_names(void **state)
{
	(void)state;
	for (int k = 0; k < SORT_KEY_COUNT; k++) {
		const char *name = sort_key_name((enum sort_key)k);

		assert_string_not_equal(name, "?");
		assert_int_equal(sort_key_parse(name), k);
	}
	assert_string_equal(sort_key_name(SORT_RSS), "rss");
	assert_string_equal(sort_key_name(SORT_KEY_COUNT), "?");
	assert_int_equal(sort_key_parse("nope"), -1);
	assert_int_equal(sort_key_parse(""), -1);
	assert_int_equal(sort_key_parse("RSS"), -1);
	assert_true(sort_key_descending(SORT_RSS));
	assert_true(sort_key_descending(SORT_OOM));
	assert_false(sort_key_descending(SORT_PID));
	assert_false(sort_key_descending(SORT_USER));
	assert_false(sort_key_descending(SORT_COMMAND));
	// The list names every key once, "rss" first and "or" before the last.
	char list[160], tiny[8];
	size_t named = 0;

	sort_key_list(list, sizeof list);
	for (int k = 0; k < SORT_KEY_COUNT; k++) {
		char word[24];

		snprintf(word, sizeof word, "%s%s", k == SORT_COMMAND ? "or " : "", sort_key_name((enum sort_key)k));
		named += strstr(list, word) != NULL;
	}
	assert_int_equal(named, SORT_KEY_COUNT);
	assert_int_equal(strncmp(list, "rss, anon,", 10), 0);
	sort_key_list(tiny, sizeof tiny);
	assert_string_equal(tiny, "rss, an");
	assert_false(sort_key_descending(SORT_KEY_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_sample_has_no_delta),
		cmocka_unit_test(test_deltas_follow_the_previous_sample),
		cmocka_unit_test(test_reused_pid_starts_fresh),
		cmocka_unit_test(test_exec_starts_a_new_history),
		cmocka_unit_test(test_sensitivity_reaches_the_detectors),
		cmocka_unit_test(test_exited_dropped_and_new_inserted),
		cmocka_unit_test(test_empty_table),
		cmocka_unit_test(test_growth_keeps_every_entry),
		cmocka_unit_test(test_sort_orders_with_pid_tie_break),
		cmocka_unit_test(test_sort_rows_and_compare),
		cmocka_unit_test(test_sort_key_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
