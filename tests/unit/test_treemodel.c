/* test_treemodel.c — the process tree: depth-first order with siblings in
 * the sort order, depths and branch lines, subtree totals, orphans, ppid
 * cycles, a 5,000-deep chain, collapsed subtrees kept by (pid, start time),
 * the selection following its process, and the filter; through the list
 * model, fed a proctable built from hand-made samples. */
#include "fixture.h"

#include "model/listmodel.h"
#include "model/treemodel.h"

struct world {
	size_t n;
	struct proc_sample *s;
	const struct proc_sample **p;
	struct snapshot snap;
	struct proctable table;
	struct listmodel list;
};

static char empty[] = "", user[] = "u", keep[] = "keep";

// A world of n processes with no parents yet; pids as given (ascending).
static struct world *world_new(size_t n)
{
	struct world *w = calloc(1, sizeof *w);

	assert_non_null(w);
	w->n = n;
	w->s = calloc(n, sizeof *w->s);
	w->p = calloc(n, sizeof *w->p);
	assert_true(w->s && w->p);
	for (size_t i = 0; i < n; i++) {
		w->s[i] = (struct proc_sample){ .start_ticks = 100, .cmdline = empty, .comm = empty,
						.cgroup = empty, .exe = empty, .user = user };
		w->p[i] = &w->s[i];
	}
	w->snap.procs = w->p;
	w->snap.nprocs = n;
	w->list.tree = true;
	listmodel_set_sort(&w->list, SORT_RSS);
	return w;
}

// Sets process i: pid, parent, RSS (anonymous: half of it).
static void set_proc(struct world *w, size_t i, int pid, int ppid, uint64_t rss)
{
	w->s[i].pid = pid;
	w->s[i].ppid = ppid;
	w->s[i].rss_kb = rss;
	w->s[i].anon_kb = rss / 2;
}

// Feeds the samples to the table and rebuilds the list.
static void world_tick(struct world *w)
{
	assert_int_equal(proctable_update(&w->table, &w->snap), 0);
	assert_int_equal(listmodel_rebuild(&w->list, &w->table), 0);
}

static void world_free(struct world *w)
{
	listmodel_free(&w->list);
	proctable_free(&w->table);
	free(w->s);
	free(w->p);
	free(w);
}

/* The family most tests use:
 *   1 (10)          9 (1000)
 *   |- 5 (100)
 *   |  `- 7 (5)
 *   `- 3 (50)
 */
static struct world *family_new(void)
{
	struct world *w = world_new(5);

	set_proc(w, 0, 1, 0, 10);
	set_proc(w, 1, 3, 1, 50);
	set_proc(w, 2, 5, 1, 100);
	set_proc(w, 3, 7, 5, 5);
	set_proc(w, 4, 9, 0, 1000);
	world_tick(w);
	return w;
}

static int row_pid(const struct world *w, size_t row)
{
	assert_true(row < w->list.nrows);
	return w->list.rows[row]->pid;
}

static const struct tree_row *row_info(const struct world *w, size_t row)
{
	const struct tree_row *tr = listmodel_tree_row(&w->list, row);

	assert_non_null(tr);
	return tr;
}

// The list's pids, top first, as "9 1 5 7 3".
static const char *pids_text(const struct world *w)
{
	static char buf[256];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < w->list.nrows && o < sizeof buf; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%d", i ? " " : "", row_pid(w, i));
	return buf;
}

static size_t row_of_pid(const struct world *w, int pid)
{
	for (size_t i = 0; i < w->list.nrows; i++)
		if (row_pid(w, i) == pid)
			return i;
	fail_msg("pid %d is not in the list", pid);
	return 0;
}

static void test_order_depth_and_branches(void **state)
{
	struct world *w = family_new();

	(void)state;
	// Roots and siblings by RSS, largest first: 9, then 1 with 5 (and 7) before 3.
	assert_string_equal(pids_text(w), "9 1 5 7 3");
	assert_int_equal(row_info(w, 0)->depth, 0);
	assert_int_equal(row_info(w, 1)->depth, 0);
	assert_int_equal(row_info(w, 2)->depth, 1);
	assert_int_equal(row_info(w, 3)->depth, 2);
	assert_int_equal(row_info(w, 4)->depth, 1);
	assert_true(row_info(w, 1)->has_children);
	assert_false(row_info(w, 4)->has_children);
	assert_false(row_info(w, 2)->last);             // 3 follows 5
	assert_true(row_info(w, 3)->last);
	assert_true(row_info(w, 4)->last);
	assert_true(row_info(w, 1)->last);              // the last root
	// 7's line at depth 1 runs on: its parent 5 has a sibling after it.
	assert_int_equal(row_info(w, 3)->branches, 1u);
	assert_int_equal(row_info(w, 4)->branches, 0u);
	world_free(w);
	// Branch lines are inherited: 4's depth-1 ancestor 2 has a sibling (5)
	// after it, its depth-2 ancestor 3 none.
	w = world_new(5);
	set_proc(w, 0, 1, 0, 100);
	set_proc(w, 1, 2, 1, 50);
	set_proc(w, 2, 3, 2, 40);
	set_proc(w, 3, 4, 3, 30);
	set_proc(w, 4, 5, 1, 20);
	world_tick(w);
	assert_string_equal(pids_text(w), "1 2 3 4 5");
	assert_int_equal(row_info(w, 3)->depth, 3);
	assert_int_equal(row_info(w, 3)->branches, 1u);
	assert_int_equal(row_info(w, 2)->branches, 1u);
	assert_int_equal(row_info(w, 4)->branches, 0u);
	world_free(w);
	w = family_new();
	// By PID ascending the siblings swap.
	listmodel_set_sort(&w->list, SORT_PID);
	listmodel_rebuild(&w->list, &w->table);
	assert_string_equal(pids_text(w), "1 3 5 7 9");
	assert_int_equal(row_info(w, 3)->branches, 0u);  // 5 is the last child now
	// Out of tree mode: the flat sorted list, no tree rows.
	w->list.tree = false;
	listmodel_rebuild(&w->list, &w->table);
	assert_string_equal(pids_text(w), "1 3 5 7 9");
	assert_null(listmodel_tree_row(&w->list, 0));
	world_free(w);
}

// Every row's total is its own value plus its children's totals.
static void check_sums(const struct world *w)
{
	for (size_t i = 0; i < w->list.nrows; i++) {
		const struct tree_row *tr = row_info(w, i);
		const struct proc *p = w->list.rows[i];
		uint64_t rss = p->s->rss_kb, anon = p->s->anon_kb;
		double growth = p->verdict.have_rate ? p->verdict.rate_kb_per_min : 0;

		for (size_t j = i + 1; j < w->list.nrows && row_info(w, j)->depth > tr->depth; j++)
			if (row_info(w, j)->depth == tr->depth + 1) {
				rss += row_info(w, j)->sub_rss_kb;
				anon += row_info(w, j)->sub_anon_kb;
				growth += row_info(w, j)->sub_growth_kb_per_min;
			}
		assert_int_equal(tr->sub_rss_kb, rss);
		assert_int_equal(tr->sub_anon_kb, anon);
		assert_float_equal(tr->sub_growth_kb_per_min, growth, 1e-9);
	}
}

static void test_subtree_sums(void **state)
{
	struct world *w = family_new();
	struct proc *p5 = proctable_find(&w->table, 5), *p7 = proctable_find(&w->table, 7);

	(void)state;
	// Growth rates as the detector gives them (GROWTH's value).
	p5->verdict.have_rate = p7->verdict.have_rate = true;
	p5->verdict.rate_kb_per_min = 12.5;
	p7->verdict.rate_kb_per_min = 30;
	p7->verdict.suspected = true;
	listmodel_rebuild(&w->list, &w->table);
	check_sums(w);
	assert_int_equal(row_info(w, row_of_pid(w, 1))->sub_rss_kb, 10 + 50 + 100 + 5);
	assert_int_equal(row_info(w, row_of_pid(w, 1))->sub_anon_kb, 5 + 25 + 50 + 2);
	assert_float_equal(row_info(w, row_of_pid(w, 1))->sub_growth_kb_per_min, 42.5, 1e-9);
	assert_true(row_info(w, row_of_pid(w, 1))->sub_have_rate);
	assert_true(row_info(w, row_of_pid(w, 1))->sub_suspected);
	assert_int_equal(row_info(w, row_of_pid(w, 5))->sub_rss_kb, 105);
	assert_int_equal(row_info(w, row_of_pid(w, 9))->sub_rss_kb, 1000);
	assert_false(row_info(w, row_of_pid(w, 9))->sub_have_rate);
	assert_false(row_info(w, row_of_pid(w, 3))->sub_suspected);
	// Collapsed, the totals are the whole subtree's still.
	listmodel_select(&w->list, row_of_pid(w, 1));
	assert_int_equal(listmodel_collapse(&w->list, true), 1);
	listmodel_rebuild(&w->list, &w->table);
	assert_int_equal(row_info(w, row_of_pid(w, 1))->sub_rss_kb, 165);
	world_free(w);
}

static void test_orphans_and_reused_parent_pids_are_roots(void **state)
{
	struct world *w = world_new(4);

	(void)state;
	set_proc(w, 0, 2, 0, 40);
	set_proc(w, 1, 4, 77, 30);        // parent 77 is not in the table
	set_proc(w, 2, 6, 2, 20);
	set_proc(w, 3, 8, 6, 10);
	w->s[2].start_ticks = 500;        // 6 started after 8: its pid is not 8's parent
	world_tick(w);
	assert_string_equal(pids_text(w), "2 6 4 8");
	assert_int_equal(row_info(w, row_of_pid(w, 4))->depth, 0);
	assert_int_equal(row_info(w, row_of_pid(w, 6))->depth, 1);
	assert_int_equal(row_info(w, row_of_pid(w, 8))->depth, 0);
	assert_int_equal(row_info(w, row_of_pid(w, 2))->sub_rss_kb, 60);
	check_sums(w);
	world_free(w);
}

static void test_ppid_cycles_are_cut(void **state)
{
	struct world *w = world_new(6);

	(void)state;
	set_proc(w, 0, 20, 30, 10);       // 20 <-> 30
	set_proc(w, 1, 30, 20, 20);
	set_proc(w, 2, 40, 40, 30);       // its own parent
	set_proc(w, 3, 50, 20, 40);       // hangs off the cycle
	set_proc(w, 4, 60, 70, 50);       // 60 <-> 70
	set_proc(w, 5, 70, 60, 60);
	world_tick(w);
	// Each process once; every cycle has a root; the sums still add up.
	assert_int_equal(w->list.nrows, 6);
	for (int pid = 20; pid <= 70; pid += 10)
		(void)row_of_pid(w, pid);
	assert_int_equal(row_info(w, row_of_pid(w, 40))->depth, 0);
	assert_int_equal(row_info(w, row_of_pid(w, 40))->sub_rss_kb, 30);
	assert_true(row_info(w, row_of_pid(w, 20))->depth == 0 ||
		    row_info(w, row_of_pid(w, 30))->depth == 0);
	assert_true(row_info(w, row_of_pid(w, 60))->depth == 0 ||
		    row_info(w, row_of_pid(w, 70))->depth == 0);
	assert_int_equal(row_info(w, row_of_pid(w, 50))->depth, row_info(w, row_of_pid(w, 20))->depth + 1);
	check_sums(w);
	world_free(w);
}

#define CHAIN 5000

static void test_deep_chain(void **state)
{
	struct world *w = world_new(CHAIN);
	uint64_t total = 0;

	(void)state;
	for (size_t i = 0; i < CHAIN; i++) {
		set_proc(w, i, (int)i + 1, (int)i, 1 + i % 7);
		total += 1 + i % 7;
	}
	world_tick(w);
	assert_int_equal(w->list.nrows, CHAIN);
	for (size_t i = 0; i < CHAIN; i++) {
		assert_int_equal(row_pid(w, i), (int)i + 1);
		assert_int_equal(row_info(w, i)->depth, i);
	}
	assert_int_equal(row_info(w, 0)->sub_rss_kb, total);
	check_sums(w);
	// The same chain closed into one cycle of 5,000: cut once, all kept.
	w->s[0].ppid = CHAIN;
	world_tick(w);
	assert_int_equal(w->list.nrows, CHAIN);
	assert_int_equal(row_info(w, 0)->depth, 0);
	assert_int_equal(row_info(w, 0)->sub_rss_kb, total);
	for (size_t i = 1; i < CHAIN; i++)
		assert_int_equal(row_info(w, i)->depth, row_info(w, i - 1)->depth + 1);
	world_free(w);
}

static void test_collapse_expand_and_pid_reuse(void **state)
{
	struct world *w = family_new();

	(void)state;
	listmodel_select(&w->list, row_of_pid(w, 5));
	assert_int_equal(listmodel_collapse(&w->list, true), 1);
	listmodel_rebuild(&w->list, &w->table);
	assert_string_equal(pids_text(w), "9 1 5 3");
	assert_true(row_info(w, row_of_pid(w, 5))->collapsed);
	assert_int_equal(row_pid(w, w->list.sel), 5);
	// A leaf has nothing to collapse.
	listmodel_select(&w->list, row_of_pid(w, 3));
	assert_int_equal(listmodel_collapse(&w->list, false), 0);
	listmodel_select(&w->list, row_of_pid(w, 1));
	assert_int_equal(listmodel_collapse(&w->list, true), 1);
	listmodel_rebuild(&w->list, &w->table);
	assert_string_equal(pids_text(w), "9 1");
	assert_int_equal(listmodel_collapse(&w->list, false), 1);
	listmodel_rebuild(&w->list, &w->table);
	assert_string_equal(pids_text(w), "9 1 5 3");      // 5 is still collapsed
	// pid 5 is another process now (a new start time): not collapsed, and
	// the old one's entry is forgotten.
	w->s[2].start_ticks = 200;
	w->s[3].start_ticks = 300;                         // its child is newer still
	world_tick(w);
	assert_string_equal(pids_text(w), "9 1 5 7 3");
	assert_false(row_info(w, row_of_pid(w, 5))->collapsed);
	assert_int_equal(w->list.forest.ncollapsed, 0);
	// Expand all.
	listmodel_select(&w->list, row_of_pid(w, 1));
	listmodel_collapse(&w->list, true);
	listmodel_select(&w->list, row_of_pid(w, 5));
	listmodel_collapse(&w->list, true);
	listmodel_rebuild(&w->list, &w->table);
	treemodel_expand_all(&w->list.forest);
	listmodel_rebuild(&w->list, &w->table);
	assert_string_equal(pids_text(w), "9 1 5 7 3");
	world_free(w);
}

static void test_collapsed_state_is_per_process(void **state)
{
	struct treemodel tm = { 0 };

	(void)state;
	assert_int_equal(treemodel_set_collapsed(&tm, 5, 100, true), 0);
	assert_int_equal(treemodel_set_collapsed(&tm, 3, 100, true), 0);
	assert_int_equal(treemodel_set_collapsed(&tm, 5, 100, true), 0);   // once
	assert_int_equal(tm.ncollapsed, 2);
	assert_true(treemodel_is_collapsed(&tm, 5, 100));
	assert_false(treemodel_is_collapsed(&tm, 5, 101));              // a reused pid
	assert_int_equal(treemodel_set_collapsed(&tm, 5, 100, false), 0);
	assert_false(treemodel_is_collapsed(&tm, 5, 100));
	assert_true(treemodel_is_collapsed(&tm, 3, 100));
	// Many: the list grows past its first allocation.
	for (int pid = 1000; pid < 1100; pid++)
		assert_int_equal(treemodel_set_collapsed(&tm, pid, 1, true), 0);
	for (int pid = 1000; pid < 1100; pid++)
		assert_true(treemodel_is_collapsed(&tm, pid, 1));
	treemodel_free(&tm);
}

static void test_selection_follows_when_order_changes(void **state)
{
	struct world *w = family_new();

	(void)state;
	listmodel_select(&w->list, row_of_pid(w, 7));
	assert_int_equal(w->list.sel, 3);
	// 3 outgrows 5: the siblings swap and 7 moves down with its parent.
	w->s[1].rss_kb = 500;
	world_tick(w);
	assert_string_equal(pids_text(w), "9 1 3 5 7");
	assert_int_equal(row_pid(w, w->list.sel), 7);
	// 1 outgrows 9: the whole family moves up.
	w->s[0].rss_kb = 5000;
	world_tick(w);
	assert_string_equal(pids_text(w), "1 3 5 7 9");
	assert_int_equal(row_pid(w, w->list.sel), 7);
	// A sort change, with 3 selected.
	listmodel_select(&w->list, row_of_pid(w, 3));
	assert_int_equal(w->list.sel, 1);
	listmodel_set_sort(&w->list, SORT_PID);
	w->list.descending = true;
	listmodel_rebuild(&w->list, &w->table);
	assert_string_equal(pids_text(w), "9 1 5 7 3");
	assert_int_equal(row_pid(w, w->list.sel), 3);
	world_free(w);
}

static void test_filter_and_tree(void **state)
{
	struct world *w = family_new();

	(void)state;
	// Only 1, 3 and 7 match: 7's parent 5 is filtered out, so 7 is a root,
	// and 1's totals are those of the rows shown under it.
	w->s[0].cmdline = keep;
	w->s[1].cmdline = keep;
	w->s[3].cmdline = keep;
	world_tick(w);
	snprintf(w->list.filter, sizeof w->list.filter, "keep");
	listmodel_rebuild(&w->list, &w->table);
	assert_string_equal(pids_text(w), "1 3 7");
	assert_int_equal(row_info(w, 0)->sub_rss_kb, 60);
	assert_int_equal(row_info(w, 2)->depth, 0);
	check_sums(w);
	world_free(w);
}

static void test_empty_and_many(void **state)
{
	struct world *w = world_new(0);
	size_t n = 3000;

	(void)state;
	world_tick(w);
	assert_int_equal(w->list.nrows, 0);
	world_free(w);
	// A wide tree (every process a child of 1), twice: the work arrays are
	// kept, and the order is the same.
	w = world_new(n);
	for (size_t i = 0; i < n; i++)
		set_proc(w, i, (int)i + 1, i ? 1 : 0, 1 + (i * 37) % 1000);
	world_tick(w);
	world_tick(w);
	assert_int_equal(w->list.nrows, n);
	assert_int_equal(row_pid(w, 0), 1);
	for (size_t i = 2; i < n; i++)
		assert_true(w->list.rows[i - 1]->s->rss_kb >= w->list.rows[i]->s->rss_kb);
	check_sums(w);
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_depth_and_branches),
		cmocka_unit_test(test_subtree_sums),
		cmocka_unit_test(test_orphans_and_reused_parent_pids_are_roots),
		cmocka_unit_test(test_ppid_cycles_are_cut),
		cmocka_unit_test(test_deep_chain),
		cmocka_unit_test(test_collapse_expand_and_pid_reuse),
		cmocka_unit_test(test_collapsed_state_is_per_process),
		cmocka_unit_test(test_selection_follows_when_order_changes),
		cmocka_unit_test(test_filter_and_tree),
		cmocka_unit_test(test_empty_and_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
