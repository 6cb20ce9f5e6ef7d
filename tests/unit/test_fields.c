/* test_fields.c — the per-process field table (model/fields.c): that it is
 * consistent with the names, columns and sort keys the rest of memtop uses,
 * and what its cells say of hand-built processes. */
#include "fixture.h"

#include <stdbool.h>

#include "model/columns.h"
#include "model/fields.h"
#include "model/treemodel.h"
#include "model/proctable.h"
#include "ui/view_table.h"

/* ---- the table is consistent ---- */

static void test_names_are_unique(void **state)
{
	size_t n;
	const struct field *f = fields_all(&n);

	(void)state;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			if (f[i].name && f[j].name)
				assert_string_not_equal(f[i].name, f[j].name);
			if (f[i].csv && f[j].csv)
				assert_string_not_equal(f[i].csv, f[j].csv);
			// JSON members are unique within their object.
			if (f[i].json && f[j].json && !f[i].json_object == !f[j].json_object &&
			    (!f[i].json_object || strcmp(f[i].json_object, f[j].json_object) == 0))
				assert_string_not_equal(f[i].json, f[j].json);
		}
}

// Every column id and sort key has exactly one row, with what it needs.
static void test_every_column_and_key_has_one_row(void **state)
{
	size_t n;
	const struct field *f = fields_all(&n);
	int columns[COL_COUNT] = { 0 }, keys[SORT_KEY_COUNT] = { 0 };

	(void)state;
	assert_true(COL_COUNT <= TABLE_MAX_COLUMNS);
	assert_true(COL_COUNT <= 32);                  // a column is a bit of an unsigned
	for (size_t i = 0; i < n; i++) {
		assert_true(f[i].column >= -1 && f[i].column < COL_COUNT);
		assert_true(f[i].sort >= -1 && f[i].sort < SORT_KEY_COUNT);
		if (f[i].column >= 0 || f[i].sort >= 0)
			assert_non_null(f[i].name);
		if (f[i].column >= 0) {
			columns[f[i].column]++;
			assert_non_null(f[i].title);
			assert_non_null(f[i].title_ascii);
			assert_non_null(f[i].cell);
			assert_true(f[i].width >= 0 && f[i].drop >= 0);
		}
		if (f[i].sort >= 0) {
			keys[f[i].sort]++;
			assert_true(!f[i].text != !f[i].sort_value);    // one way to compare
		}
		if (f[i].json || f[i].csv)
			assert_non_null(f[i].value);
		if (f[i].table_title)
			assert_true(f[i].column >= 0);       // the table format shows screen columns
	}
	for (int c = 0; c < COL_COUNT; c++)
		assert_int_equal(columns[c], 1);
	for (int k = 0; k < SORT_KEY_COUNT; k++)
		assert_int_equal(keys[k], 1);
}

// Only the last column takes the rest of the line, on screen and in -b.
static void test_only_the_command_is_unbounded(void **state)
{
	(void)state;
	for (int c = 0; c < COL_COUNT; c++) {
		const struct field *f = field_of_column((enum column_id)c);

		assert_true((f->width == 0) == (c == COL_COMMAND));
		if (f->table_title)
			assert_true((f->table_width == 0) == (c == COL_COMMAND));
	}
}

// The names parse back: each sort row with sort_key_parse, each column in a
// "columns =" list, and the default list names every column but CGROUP.
static void test_names_parse(void **state)
{
	size_t n;
	const struct field *f = fields_all(&n);
	char list[256], why[80];
	unsigned mask;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		if (f[i].sort >= 0)
			assert_int_equal(sort_key_parse(f[i].name), f[i].sort);
		else if (f[i].name)
			assert_int_equal(sort_key_parse(f[i].name), -1);
		if (f[i].column >= 0) {
			assert_null(columns_parse(f[i].name, &mask, why, sizeof why));
			assert_int_equal(mask, COLUMN_BIT(f[i].column) | COLUMN_BIT(COL_COMMAND));
			assert_string_equal(column_key((enum column_id)f[i].column), f[i].name);
		}
	}
	assert_true(columns_format(COLUMNS_DEFAULT, list, sizeof list) > 0);
	assert_string_equal(list, "pid,user,rss,anon,heap,swap,delta,growth,trend,leak,oom,adj,command");
	assert_null(columns_parse(list, &mask, why, sizeof why));
	assert_int_equal(mask, COLUMNS_DEFAULT);
	assert_non_null(columns_parse("eta", &mask, why, sizeof why));   // sorts, but no column
	assert_string_equal(column_key(COL_COUNT), "?");
	assert_null(field_of_sort(-1));
	assert_null(field_of_sort(SORT_KEY_COUNT));
}

/* ---- cells ---- */

struct fixture {
	struct proc_sample s;
	struct proc p;
};

// A process with every detail read, a heap, growing by 1 MiB this tick.
static void full_proc(struct fixture *x)
{
	memset(x, 0, sizeof *x);
	x->s = (struct proc_sample){ .pid = 42, .rss_kb = 20480, .anon_kb = 10240,
				     .have_detail = true, .swap_kb = 512, .oom_score = 7,
				     .oom_score_adj = -100, .have_heap = true, .heap_kb = 4096 };
	x->s.user = "alice";
	x->s.comm = (char *)"leaky";
	x->s.cmdline = (char *)"./leaky --fast";
	x->s.cgroup = (char *)"/user.slice";
	x->p = (struct proc){ .s = &x->s, .pid = 42, .have_delta = true, .delta_rss_kb = 1024,
			      .eta_s = -1 };
}

// A process seen once, from statm alone: no detail, heap, delta or rate.
static void bare_proc(struct fixture *x)
{
	memset(x, 0, sizeof *x);
	x->s = (struct proc_sample){ .pid = 7, .rss_kb = 300, .anon_kb = 200 };
	x->s.user = "bob";
	x->s.comm = (char *)"kworker";
	x->s.cmdline = (char *)"";
	x->s.cgroup = (char *)"";
	x->p = (struct proc){ .s = &x->s, .pid = 7, .eta_s = -1 };
}

// The cell of column c, in UTF-8 or not; checks the hint.
static void check_cell(const struct proc *p, enum column_id c, bool utf8, const char *want,
		       enum cell_hint want_hint)
{
	const struct field *f = field_of_column(c);
	struct cell_ctx ctx = { .utf8 = utf8, .width = f->width };
	char buf[256];

	memset(buf, 'X', sizeof buf);
	assert_int_equal(f->cell(p, &ctx, buf, sizeof buf), want_hint);
	assert_string_equal(buf, want);
}

static void test_cells_with_detail(void **state)
{
	struct fixture x;

	(void)state;
	full_proc(&x);
	check_cell(&x.p, COL_PID, true, "42", CELL_PLAIN);
	check_cell(&x.p, COL_USER, true, "alice", CELL_PLAIN);
	check_cell(&x.p, COL_RSS, true, "20M", CELL_PLAIN);
	check_cell(&x.p, COL_ANON, true, "10M", CELL_PLAIN);
	check_cell(&x.p, COL_HEAP, true, "4.0M", CELL_PLAIN);
	check_cell(&x.p, COL_SWAP, true, "512K", CELL_PLAIN);
	check_cell(&x.p, COL_DELTA, true, "+1.0M", CELL_UP);
	check_cell(&x.p, COL_GROWTH, true, "-", CELL_PLAIN);
	check_cell(&x.p, COL_LEAK, true, "", CELL_PLAIN);
	check_cell(&x.p, COL_OOM, true, "7", CELL_PLAIN);
	check_cell(&x.p, COL_ADJ, true, "-100", CELL_PLAIN);
	check_cell(&x.p, COL_CGROUP, true, "/user.slice", CELL_PLAIN);
	check_cell(&x.p, COL_COMMAND, true, "./leaky --fast", CELL_PLAIN);
	x.s.cmdline_cut = true;
	check_cell(&x.p, COL_COMMAND, true, "./leaky --fast", CELL_CUT);
}

static void test_cells_without_detail(void **state)
{
	struct fixture x;

	(void)state;
	bare_proc(&x);
	check_cell(&x.p, COL_RSS, false, "300K", CELL_PLAIN);
	check_cell(&x.p, COL_HEAP, false, "-", CELL_PLAIN);
	check_cell(&x.p, COL_SWAP, false, "-", CELL_PLAIN);
	check_cell(&x.p, COL_DELTA, false, "-", CELL_PLAIN);
	check_cell(&x.p, COL_OOM, false, "-", CELL_PLAIN);
	check_cell(&x.p, COL_ADJ, false, "-", CELL_PLAIN);
	check_cell(&x.p, COL_CGROUP, false, "-", CELL_PLAIN);
	check_cell(&x.p, COL_COMMAND, false, "kworker", CELL_PLAIN);   // no command line
	x.s.cmdline_cut = true;                                      // a name is never cut
	check_cell(&x.p, COL_COMMAND, false, "kworker", CELL_PLAIN);
}

static void test_cells_of_a_suspected_leak(void **state)
{
	struct fixture x;
	const struct field *leak = field_of_column(COL_LEAK);
	char buf[32];
	enum cell_hint hint;

	(void)state;
	full_proc(&x);
	x.p.verdict = (struct leak_verdict){ .have_rate = true, .rate_kb_per_min = 2048.4,
					     .suspected = true, .score = 0.876 };
	check_cell(&x.p, COL_GROWTH, true, "+2.0M", CELL_UP);
	check_cell(&x.p, COL_LEAK, true, "\u25b288%", CELL_LEAK);
	check_cell(&x.p, COL_LEAK, false, "^88%", CELL_LEAK);
	// The table format says the confidence alone, and "-" for no suspicion.
	assert_string_equal(field_table_text(leak, &x.p, buf, sizeof buf, &hint), "88%");
	x.p.verdict.suspected = false;
	assert_string_equal(field_table_text(leak, &x.p, buf, sizeof buf, &hint), "-");
	check_cell(&x.p, COL_GROWTH, true, "+2.0M", CELL_DIM);   // growing, not suspected
}

static void test_cells_of_a_shrinking_process(void **state)
{
	struct fixture x;

	(void)state;
	full_proc(&x);
	x.p.delta_rss_kb = -300;
	x.p.verdict = (struct leak_verdict){ .have_rate = true, .rate_kb_per_min = -51.6 };
	check_cell(&x.p, COL_DELTA, true, "-300K", CELL_DOWN);
	check_cell(&x.p, COL_GROWTH, true, "-52K", CELL_DIM);
	x.p.delta_rss_kb = 0;
	check_cell(&x.p, COL_DELTA, true, "0", CELL_DIM);
}

// The cell of column c in the tree view, for a row placed as tr says.
static void check_tree_cell(const struct proc *p, const struct tree_row *tr, enum column_id c,
			    bool utf8, const char *want, enum cell_hint want_hint)
{
	const struct field *f = field_of_column(c);
	struct cell_ctx ctx = { .utf8 = utf8, .width = f->width, .tree = tr };
	char buf[256];

	memset(buf, 'X', sizeof buf);
	assert_int_equal(f->cell(p, &ctx, buf, sizeof buf), want_hint);
	assert_string_equal(buf, want);
}

static void test_cells_in_the_tree_view(void **state)
{
	struct fixture x;
	// Depth 3: the line of its depth-1 ancestor runs on, its depth-2 one's not.
	struct tree_row tr = { .depth = 3, .branches = 1, .last = false, .sub_rss_kb = 3 * 1024,
			       .sub_anon_kb = 2048, .sub_growth_kb_per_min = 1536.4,
			       .sub_have_rate = true, .sub_suspected = true };

	(void)state;
	full_proc(&x);
	check_tree_cell(&x.p, &tr, COL_COMMAND, true, "\u2502     \u251c\u2500 ./leaky --fast", CELL_PLAIN);
	check_tree_cell(&x.p, &tr, COL_COMMAND, false, "|     |- ./leaky --fast", CELL_PLAIN);
	tr.last = tr.collapsed = tr.has_children = true;
	check_tree_cell(&x.p, &tr, COL_COMMAND, true, "\u2502     \u2514+ ./leaky --fast", CELL_PLAIN);
	check_tree_cell(&x.p, &tr, COL_COMMAND, false, "|     `+ ./leaky --fast", CELL_PLAIN);
	tr.depth = 0;                                    // a root: only the collapsed mark
	check_tree_cell(&x.p, &tr, COL_COMMAND, false, "+ ./leaky --fast", CELL_PLAIN);
	tr.collapsed = false;
	check_tree_cell(&x.p, &tr, COL_COMMAND, true, "./leaky --fast", CELL_PLAIN);
	tr.depth = 100;                                  // indentation stops growing
	{
		const struct field *f = field_of_column(COL_COMMAND);
		struct cell_ctx ctx = { .utf8 = false, .width = 0, .tree = &tr };
		char buf[1024];

		f->cell(&x.p, &ctx, buf, sizeof buf);
		assert_int_equal(strlen(buf), 3 * TREE_BRANCH_LEVELS + 3 + strlen("./leaky --fast"));
	}
	check_tree_cell(&x.p, &tr, COL_TREE_RSS, true, "3.0M", CELL_PLAIN);
	check_tree_cell(&x.p, &tr, COL_TREE_ANON, true, "2.0M", CELL_PLAIN);
	check_tree_cell(&x.p, &tr, COL_TREE_GROWTH, true, "+1.5M", CELL_UP);
	tr.sub_suspected = false;
	check_tree_cell(&x.p, &tr, COL_TREE_GROWTH, true, "+1.5M", CELL_DIM);
	tr.sub_have_rate = false;
	check_tree_cell(&x.p, &tr, COL_TREE_GROWTH, true, "-", CELL_PLAIN);
	// Outside the tree view: no totals, and the command as ever.
	check_cell(&x.p, COL_TREE_RSS, true, "-", CELL_PLAIN);
	check_cell(&x.p, COL_TREE_ANON, true, "-", CELL_PLAIN);
	check_cell(&x.p, COL_TREE_GROWTH, true, "-", CELL_PLAIN);
	assert_true(field_of_column(COL_TREE_RSS)->flags & FIELD_TREE);
	assert_false(field_of_column(COL_RSS)->flags & FIELD_TREE);
}

// A command line longer than any cell buffer reaches the table format whole.
static void test_table_text_of_a_long_command(void **state)
{
	static char longcmd[40000];
	struct fixture x;
	const struct field *cmd = field_of_column(COL_COMMAND);
	char buf[64];
	enum cell_hint hint;

	(void)state;
	full_proc(&x);
	memset(longcmd, 'z', sizeof longcmd - 1);
	x.s.cmdline = longcmd;
	x.s.cmdline_cut = true;
	assert_ptr_equal(field_table_text(cmd, &x.p, buf, sizeof buf, &hint), longcmd);
	assert_int_equal(hint, CELL_CUT);
	assert_int_equal(strlen(buf), sizeof buf - 1);       // the cell itself is cut to buf
}

// Batch values: unknown is null, and the kinds the formats spell.
static void test_values(void **state)
{
	size_t n;
	const struct field *f = fields_all(&n);
	struct fixture x;
	int nulls = 0, checked = 0;

	(void)state;
	bare_proc(&x);
	for (size_t i = 0; i < n; i++) {
		struct field_value v;

		if (!f[i].value)
			continue;
		f[i].value(&x.p, 100.0, &v);
		if (f[i].json && strcmp(f[i].json, "cgroup") == 0) {
			assert_int_equal(v.kind, VALUE_NULL);      // "" is unknown
			checked++;
		}
		if (f[i].json && strcmp(f[i].json, "rss_kb") == 0) {
			assert_int_equal(v.kind, VALUE_UINT);
			assert_int_equal(v.u, 300);
			checked++;
		}
		if (f[i].json && strcmp(f[i].json, "suspected") == 0) {
			assert_int_equal(v.kind, VALUE_BOOL);
			assert_string_equal(f[i].json_object, "leak");
			checked++;
		}
		nulls += v.kind == VALUE_NULL;
	}
	assert_int_equal(checked, 3);
	// file, shmem, swap, data, heap, oom, adj, cgroup, two deltas, detail age,
	// growth, eta: all unknown for a process seen once from statm alone.
	assert_int_equal(nulls, 13);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_are_unique),
		cmocka_unit_test(test_every_column_and_key_has_one_row),
		cmocka_unit_test(test_only_the_command_is_unbounded),
		cmocka_unit_test(test_names_parse),
		cmocka_unit_test(test_cells_with_detail),
		cmocka_unit_test(test_cells_without_detail),
		cmocka_unit_test(test_cells_of_a_suspected_leak),
		cmocka_unit_test(test_cells_of_a_shrinking_process),
		cmocka_unit_test(test_cells_in_the_tree_view),
		cmocka_unit_test(test_table_text_of_a_long_command),
		cmocka_unit_test(test_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
