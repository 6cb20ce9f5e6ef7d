/* view_table.c — the process table on screen: which of the field table's
 * columns (model/fields.c) fit, the title row, the rows and their colours. */
#include "ui/view_table.h"

#include <stdio.h>
#include <string.h>

#include "model/columns.h"
#include "ui/draw.h"
#include "util/text.h"

// The screen's columns are the field table's rows with a column id
// (model/fields.c), in column order; col_x and shown[] are indexed by id.
#define NCOLUMNS ((size_t)COL_COUNT)
_Static_assert(COL_COUNT <= TABLE_MAX_COLUMNS, "table_view.col_x is too small");
#define COMMAND_MIN 12
// The tree view indents the command three columns a level: it keeps more.
#define COMMAND_MIN_TREE 32

// The row of column c (every column id has one: test_fields checks it).
static const struct field *column(size_t c)
{
	return field_of_column((enum column_id)c);
}

// Whether column c is on screen before the width is considered: the tree
// view's totals in the tree view only, the others when wanted.
static bool column_wanted(size_t c, unsigned wanted, bool tree)
{
	if (column(c)->flags & FIELD_TREE)
		return tree;
	return (wanted & COLUMN_BIT(c)) || c == COL_COMMAND;
}

// Decides which of the wanted columns (a mask of COLUMN_BITs) fit in cols:
// drops the most droppable first until the fixed columns leave COMMAND_MIN
// for the command.
static void columns_layout(int cols, unsigned wanted, bool tree, bool shown[NCOLUMNS])
{
	int need = 0;

	for (size_t i = 0; i < NCOLUMNS; i++) {
		shown[i] = column_wanted(i, wanted, tree);
		need += shown[i] ? column(i)->width + 1 : 0;
	}
	while (need + (tree ? COMMAND_MIN_TREE : COMMAND_MIN) > cols) {
		size_t victim = NCOLUMNS;

		for (size_t i = 0; i < NCOLUMNS; i++)
			if (shown[i] && column(i)->drop &&
			    (victim == NCOLUMNS || column(i)->drop > column(victim)->drop))
				victim = i;
		if (victim == NCOLUMNS)
			break;
		shown[victim] = false;
		need -= column(victim)->width + 1;
	}
}

// The colour role of a cell's hint.
static enum ui_role hint_role(enum cell_hint hint)
{
	switch (hint) {
	case CELL_DIM: return ROLE_DIM;
	case CELL_UP: return ROLE_GROWTH_UP;
	case CELL_DOWN: return ROLE_GROWTH_DOWN;
	case CELL_LEAK: return ROLE_LEAK;
	case CELL_SPARK: return ROLE_SPARK_LOW;
	case CELL_PLAIN:
	case CELL_CUT:
		break;
	}
	return ROLE_NORMAL;
}

/* ---- drawing ------------------------------------------------------------ */

// Writes one cell aligned in its column; returns the next column's x.
static int put_cell(const struct ui *u, int y, int x, size_t c, const char *text, attr_t attr)
{
	int w = column(c)->width ? column(c)->width : COLS - x;
	char fitted[1024];
	int used = text_fit(text, w, u->utf8, fitted, sizeof fitted);

	view_put(u, y, column(c)->left ? x : x + w - used, w, fitted, attr);
	return x + w + 1;
}

// The COMMAND cell of a command line the sampler cut at its limit: the
// text, then a mark in its own colour right where the cut is, or at the
// column's end when the text does not fit. (A command line that is only
// wider than the column is cut there without a mark.)
static void put_cut_command(const struct ui *u, int y, int x, const char *text, attr_t attr,
			    attr_t mark_attr)
{
	const char *mark = u->utf8 ? "\u2026" : "...";
	int mark_w = u->utf8 ? 1 : 3, w = COLS - x - mark_w;
	char fitted[1024];
	int used = text_fit(text, w, u->utf8, fitted, sizeof fitted);

	view_put(u, y, x, w, fitted, attr);
	view_put(u, y, x + used, mark_w, mark, mark_attr);
}

void table_draw_header(const struct ui *u, struct table_view *tv, enum sort_key key)
{
	bool shown[NCOLUMNS];
	int x = 0, y = tv->header_y;

	columns_layout(COLS, tv->columns, tv->tree, shown);
	attrset(ui_attr(u, ROLE_TABLE_HEADER));
	mvhline(y, 0, ' ', COLS);
	for (size_t c = 0; c < TABLE_MAX_COLUMNS; c++)
		tv->col_x[c] = -1;
	for (size_t c = 0; c < NCOLUMNS; c++) {
		bool sorted = column(c)->sort == (int)key;

		if (!shown[c])
			continue;
		tv->col_x[c] = x;
		x = put_cell(u, y, x, c, u->utf8 ? column(c)->title : column(c)->title_ascii,
			     ui_attr(u, sorted ? ROLE_TABLE_SORTED : ROLE_TABLE_HEADER));
	}
	attrset(A_NORMAL);
}

size_t table_draw_rows(const struct ui *u, const struct table_view *tv, struct listmodel *list)
{
	size_t page = LINES - tv->rows_y - 1 > 0 ? (size_t)(LINES - tv->rows_y - 1) : 0, count;

	listmodel_scroll(list, page);
	count = list->nrows - list->top < page ? list->nrows - list->top : page;
	for (size_t i = 0; i < count; i++) {
		const struct proc *p = list->rows[list->top + i];
		bool selected = list->top + i == list->sel;
		int y = tv->rows_y + (int)i, x = 0;
		attr_t sel_attr = ui_attr(u, ROLE_SELECTION);

		if (selected) {
			attrset(sel_attr);
			mvhline(y, 0, ' ', COLS);
		}
		for (size_t c = 0; c < NCOLUMNS; c++) {
			struct cell_ctx ctx = { .utf8 = u->utf8, .width = column(c)->width,
						.tree = listmodel_tree_row(list, list->top + i) };
			char cell[1024];
			enum cell_hint hint;

			if (tv->col_x[c] < 0)
				continue;
			hint = column(c)->cell(p, &ctx, cell, sizeof cell);
			if (hint == CELL_SPARK && !selected) {
				view_put_spark(u, y, x, column(c)->width, cell);
				x += column(c)->width + 1;
				continue;
			}
			if (hint == CELL_CUT) {
				put_cut_command(u, y, x, cell, selected ? sel_attr : A_NORMAL,
						selected ? sel_attr : ui_attr(u, ROLE_MESSAGE));
				continue;
			}
			x = put_cell(u, y, x, c, cell, selected ? sel_attr : ui_attr(u, hint_role(hint)));
		}
	}
	if (list->nrows == 0)
		view_put(u, tv->rows_y, 1, COLS - 1,
			 list->suspects_only ? "no suspected leaks" :
			 list->filter[0] ? "no process matches the filter" : "no processes",
			 ui_attr(u, ROLE_DIM));
	return count;
}

int table_key_at(const struct table_view *tv, int x)
{
	for (size_t c = 0; c < NCOLUMNS; c++) {
		int x0 = tv->col_x[c], x1 = COLS;

		if (x0 < 0 || x < x0)
			continue;
		for (size_t d = c + 1; d < NCOLUMNS; d++)
			if (tv->col_x[d] >= 0) {
				x1 = tv->col_x[d];
				break;
			}
		if (x < x1)
			return column(c)->sort;    // -1: the sparkline does not sort
	}
	return -1;
}

int table_key_step(const struct table_view *tv, enum sort_key key, int dir)
{
	int idx = 0, n = (int)NCOLUMNS;

	for (int c = 0; c < n; c++)
		if (column(c)->sort == (int)key)
			idx = c;
	for (int step = 1; step < n; step++) {
		int c = ((idx + dir * step) % n + n) % n;

		if (tv->col_x[c] >= 0 && column(c)->sort >= 0)
			return column(c)->sort;
	}
	return -1;
}
