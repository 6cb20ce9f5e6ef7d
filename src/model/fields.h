/* fields.h — the one table of per-process fields: for each, its name (the
 * rc file's "columns =", -s and the sort keys), its screen column (titles,
 * width, alignment, drop priority, the cell's text and colour hint), how it
 * sorts, its JSON member, CSV column and table-format column, and what the
 * sampler reads for it. The screen (ui/view_table.c), the batch formats
 * (output/output.c), the rc file and the command line all read this table.
 *
 * Order: the table's own order is the batch record's (JSON members; CSV
 * columns the same, FIELD_CSV_LAST ones moved to the end). The screen's
 * column order is enum column_id's, the sort menu's enum sort_key's; the
 * table format shows the screen's columns that have a table_title, in the
 * screen's order.
 *
 * Contract: pure. Cell and value functions read the process only and
 * write at most cap bytes (always terminated); a value's text points into
 * the process's sample, valid as long as the sample is.
 */
#ifndef MEMTOP_FIELDS_H
#define MEMTOP_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct proc;

/* The screen's columns, in on-screen order. */
enum column_id {
	COL_PID, COL_USER, COL_RSS, COL_ANON, COL_HEAP, COL_SWAP, COL_DELTA, COL_GROWTH,
	COL_TREND, COL_LEAK, COL_OOM, COL_ADJ, COL_TREE_RSS, COL_TREE_ANON, COL_TREE_GROWTH,
	COL_CGROUP, COL_COMMAND,
	COL_COUNT
};

/* Sort keys, in the sort menu's order (the screen's, with eta after leak). */
enum sort_key {
	SORT_PID, SORT_USER, SORT_RSS, SORT_ANON, SORT_HEAP, SORT_SWAP, SORT_DELTA,
	SORT_GROWTH, SORT_LEAK, SORT_ETA, SORT_OOM, SORT_ADJ, SORT_COMMAND, SORT_KEY_COUNT
};

/* What a screen cell means, for its colour; the ui maps these to its roles. */
enum cell_hint {
	CELL_PLAIN,
	CELL_DIM,          // nothing happening (no change, no suspicion)
	CELL_UP,           // growing
	CELL_DOWN,         // shrinking
	CELL_LEAK,         // a suspected leak
	CELL_SPARK,        // a sparkline (drawn with the spark colours)
	CELL_CUT,          // text the sampler cut at its limit: a mark follows it
};

/* What the sampler must read for a field (informational: the sampler reads
 * the same files whichever columns are shown). See proc/sampler.h. */
enum field_read {
	READ_STAT = 1u << 0,       // the listing: pid, ppid, start time (every process)
	READ_STATM = 1u << 1,      // statm through a kept fd, every tick, every process
	READ_NAMES = 1u << 2,      // status (user), comm, cmdline, cgroup: on start and when due
	READ_DETAIL = 1u << 3,     // status sizes, oom_score, oom_score_adj: when due (have_detail)
	READ_HEAP = 1u << 4,       // maps, for [heap]: wanted processes only (have_heap)
	READ_CG_LIMIT = 1u << 5,   // the memory cgroup's headroom: suspected leaks only
	READ_HISTORY = 1u << 6,    // earlier ticks: computed by the model, not read
};

enum field_flag {
	FIELD_CSV_LAST = 1u << 0,  // after every other CSV column (long free text)
	FIELD_IDENTITY = 1u << 1,  // names a process rather than measures it: listed
	                           // after the measures in sort_key_list
	FIELD_TREE = 1u << 2,      // a subtree total: on screen in the tree view only, and
	                           // there whatever the column list says
};

/* A batch value: its kind picks JSON's and CSV's spelling. */
struct field_value {
	enum { VALUE_NULL, VALUE_INT, VALUE_UINT, VALUE_REAL, VALUE_BOOL, VALUE_TEXT } kind;
	int64_t i;
	uint64_t u;
	double real;               // written with the field's decimals
	bool b;
	const char *text;
};

struct tree_row;

/* How a cell is being drawn: the screen's charset and the column's width;
 * in the tree view, the row's place in the tree and its subtree's totals
 * (model/treemodel.h), NULL otherwise. */
struct cell_ctx {
	bool utf8;
	int width;
	const struct tree_row *tree;
};

typedef enum cell_hint field_cell_fn(const struct proc *p, const struct cell_ctx *ctx,
				      char *buf, size_t cap);
typedef void field_value_fn(const struct proc *p, double now, struct field_value *v);

struct field {
	const char *name;            // rc, -s and sort name; NULL for a batch-only field
	int column;                  // enum column_id, or -1: not on screen
	int sort;                    // enum sort_key, or -1: does not sort
	unsigned reads;              // enum field_read bits
	unsigned flags;              // enum field_flag bits

	// The screen (column >= 0).
	const char *title, *title_ascii;
	int width;                   // 0: takes the rest of the line
	bool left;                   // left-aligned
	int drop;                    // dropped first when narrow (higher = earlier); 0 never
	field_cell_fn *cell;         // the cell's text and hint

	// A text field's text as it is (a string of the sample, any length):
	// what it sorts by (strcmp) and what the table format prints whole.
	const char *(*text)(const struct proc *p);

	// Sorting (sort >= 0): by text when set, else by sort_value.
	bool descending;             // reads best largest first
	int64_t (*sort_value)(const struct proc *p);   // unknown values as INT64_MIN

	// The table format (memtop -b): a column when table_title is set, its
	// text that of the screen cell in ASCII unless table_cell says otherwise.
	const char *table_title;
	int table_width;             // 0: takes the rest of the line
	bool table_left;
	field_cell_fn *table_cell;

	// JSON Lines and CSV, when json or csv is set.
	const char *json;            // member name
	const char *json_object;     // set: a member of this object ("leak": {...})
	const char *csv;             // column name
	int decimals;                // for VALUE_REAL
	field_value_fn *value;
};

/* The table, in batch record order; *n is set to its length. */
const struct field *fields_all(size_t *n);
/* The row of a screen column, or NULL (an id the table lacks). */
const struct field *field_of_column(enum column_id id);
/* The row of a sort key, or NULL. */
const struct field *field_of_sort(int key);
/* The text of the field's cell in the table format (memtop -b): text's
 * when the row has one (then buf holds what the cell shows, for its hint
 * only), else the cell's into buf. Sets *hint to the cell's hint. */
const char *field_table_text(const struct field *f, const struct proc *p, char *buf, size_t cap,
			     enum cell_hint *hint);

#endif
