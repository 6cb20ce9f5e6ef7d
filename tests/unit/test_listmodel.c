/* test_listmodel.c — the process list's filter, order, selection that follows
 * its process, and scrolling; fed a proctable built from hand-made samples. */
#include "fixture.h"

#include "model/listmodel.h"

#define N 6

struct world {
	struct proc_sample s[N];
	char comm[N][16];
	const struct proc_sample *p[N];
	struct snapshot snap;
	struct proctable table;
	struct listmodel list;
};

static char cmd_a[] = "/usr/bin/postgres -D /var/lib/pg", cmd_b[] = "nginx: worker",
	    cmd_c[] = "", cmd_d[] = "sshd: alice", cmd_e[] = "python3 app.py", cmd_f[] = "bash";
static char *cmds[N] = { cmd_a, cmd_b, cmd_c, cmd_d, cmd_e, cmd_f };
static char no_cgroup[] = "";

// Builds a world of N processes with pids 10, 20, ... and distinct RSS.
static struct world *world_new(void)
{
	static const uint64_t rss[N] = { 500, 100, 300, 600, 200, 400 };
	static const char *const users[N] = { "postgres", "www", "root", "alice", "bob", "root" };
	struct world *w = calloc(1, sizeof *w);

	assert_non_null(w);
	for (int i = 0; i < N; i++) {
		w->s[i] = (struct proc_sample){ .pid = 10 * (i + 1), .start_ticks = 1, .rss_kb = rss[i],
						.anon_kb = rss[i] / 2, .cmdline = cmds[i], .cgroup = no_cgroup };
		snprintf(w->comm[i], sizeof w->comm[i], "comm%d", i);
		w->s[i].comm = w->comm[i];
		w->s[i].user = users[i];
		w->p[i] = &w->s[i];
	}
	w->snap.procs = w->p;
	w->snap.nprocs = N;
	assert_int_equal(proctable_update(&w->table, &w->snap), 0);
	listmodel_set_sort(&w->list, SORT_RSS);
	assert_int_equal(listmodel_rebuild(&w->list, &w->table), 0);
	return w;
}

static void world_free(struct world *w)
{
	listmodel_free(&w->list);
	proctable_free(&w->table);
	free(w);
}

static int row_pid(const struct world *w, size_t row)
{
	assert_true(row < w->list.nrows);
	return w->list.rows[row]->pid;
}

static void test_sort_directions(void **state)
{
	struct world *w = world_new();

	(void)state;
	assert_true(w->list.descending);                 // sizes: largest first
	assert_int_equal(row_pid(w, 0), 40);             // rss 600
	assert_int_equal(row_pid(w, N - 1), 20);         // rss 100
	listmodel_set_sort(&w->list, SORT_PID);
	assert_false(w->list.descending);                // pid: ascending
	listmodel_rebuild(&w->list, &w->table);
	assert_int_equal(row_pid(w, 0), 10);
	w->list.descending = true;                       // what 'I' does
	listmodel_rebuild(&w->list, &w->table);
	assert_int_equal(row_pid(w, 0), 60);
	world_free(w);
}

static void test_filter_matches_cmdline_comm_and_user(void **state)
{
	struct world *w = world_new();

	(void)state;
	snprintf(w->list.filter, sizeof w->list.filter, "NGINX");   // case-insensitive
	listmodel_rebuild(&w->list, &w->table);
	assert_int_equal(w->list.nrows, 1);
	assert_int_equal(row_pid(w, 0), 20);
	snprintf(w->list.filter, sizeof w->list.filter, "comm2");   // empty cmdline: comm
	listmodel_rebuild(&w->list, &w->table);
	assert_int_equal(w->list.nrows, 1);
	assert_int_equal(row_pid(w, 0), 30);
	snprintf(w->list.filter, sizeof w->list.filter, "root");    // user
	listmodel_rebuild(&w->list, &w->table);
	assert_int_equal(w->list.nrows, 2);
	snprintf(w->list.filter, sizeof w->list.filter, "no such thing");
	listmodel_rebuild(&w->list, &w->table);
	assert_int_equal(w->list.nrows, 0);
	assert_int_equal(w->list.sel, 0);
	w->list.filter[0] = '\0';
	listmodel_rebuild(&w->list, &w->table);
	assert_int_equal(w->list.nrows, N);
	world_free(w);
}

static void test_selection_follows_its_process(void **state)
{
	struct world *w = world_new();

	(void)state;
	listmodel_move(&w->list, 2);                     // third largest: pid 60 (400)
	assert_int_equal(row_pid(w, w->list.sel), 60);
	listmodel_set_sort(&w->list, SORT_PID);
	listmodel_rebuild(&w->list, &w->table);
	assert_int_equal(w->list.sel, 5);                // pid 60 is last by pid
	assert_int_equal(row_pid(w, w->list.sel), 60);
	// The process grows to the top by RSS: the selection moves with it.
	w->s[5].rss_kb = 9999;
	proctable_update(&w->table, &w->snap);
	listmodel_set_sort(&w->list, SORT_RSS);
	listmodel_rebuild(&w->list, &w->table);
	assert_int_equal(w->list.sel, 0);
	assert_int_equal(row_pid(w, 0), 60);
	world_free(w);
}

static void test_selection_when_process_exits_or_pid_reused(void **state)
{
	struct world *w = world_new();

	(void)state;
	listmodel_select(&w->list, 1);                   // pid 10 (500)
	assert_int_equal(row_pid(w, 1), 10);
	// pid 10 now names another process: the selection stays on row 1.
	w->s[0].start_ticks = 2;
	w->s[0].rss_kb = 1;
	proctable_update(&w->table, &w->snap);
	listmodel_rebuild(&w->list, &w->table);
	assert_int_equal(w->list.sel, 1);
	assert_int_not_equal(row_pid(w, 1), 10);
	// Everything but one process exits: the selection is clamped.
	listmodel_select(&w->list, N - 1);
	w->snap.nprocs = 1;
	proctable_update(&w->table, &w->snap);
	listmodel_rebuild(&w->list, &w->table);
	assert_int_equal(w->list.nrows, 1);
	assert_int_equal(w->list.sel, 0);
	world_free(w);
}

static void test_move_and_scroll_clamp(void **state)
{
	struct world *w = world_new();

	(void)state;
	listmodel_move(&w->list, -5);
	assert_int_equal(w->list.sel, 0);
	listmodel_move(&w->list, 100);
	assert_int_equal(w->list.sel, N - 1);
	listmodel_scroll(&w->list, 3);                   // a page of 3 rows
	assert_int_equal(w->list.top, N - 3);
	listmodel_select(&w->list, 1);
	listmodel_scroll(&w->list, 3);
	assert_int_equal(w->list.top, 1);
	listmodel_scroll(&w->list, 10);                  // everything fits: from the top
	assert_int_equal(w->list.top, 0);
	listmodel_scroll(&w->list, 0);                   // a zero page is one row
	assert_int_equal(w->list.top, 1);
	world_free(w);
}

static void test_empty_table(void **state)
{
	struct proctable t = { 0 };
	struct listmodel m = { 0 };

	(void)state;
	listmodel_set_sort(&m, SORT_COMMAND);
	assert_int_equal(listmodel_rebuild(&m, &t), 0);
	assert_int_equal(m.nrows, 0);
	listmodel_move(&m, 3);
	listmodel_scroll(&m, 5);
	assert_int_equal(m.sel, 0);
	assert_int_equal(m.top, 0);
	listmodel_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_directions),
		cmocka_unit_test(test_filter_matches_cmdline_comm_and_user),
		cmocka_unit_test(test_selection_follows_its_process),
		cmocka_unit_test(test_selection_when_process_exits_or_pid_reused),
		cmocka_unit_test(test_move_and_scroll_clamp),
		cmocka_unit_test(test_empty_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
