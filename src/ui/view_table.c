/* view_table.c — the process table: its columns (title, width, how each
 * cell reads, what it sorts by), which of them fit, and the rows. */
#include "ui/view_table.h"

#include <stdio.h>
#include <string.h>

#include "model/columns.h"
#include "model/trend.h"
#include "ui/draw.h"
#include "util/mathutil.h"
#include "util/text.h"

struct column {
	enum column_id id;
	const char *title, *title_ascii;
	int width;                 // 0: takes the remaining width
	bool left;                 // left-aligned
	int drop;                  // dropped first when narrow (higher = earlier); 0 never
	int key;                   // its enum sort_key, or -1 when it does not sort
};

// In on-screen order.
static const struct column columns[] = {
	{ COL_PID, "PID", "PID", 7, false, 0, SORT_PID },
	{ COL_USER, "USER", "USER", 8, true, 7, SORT_USER },
	{ COL_RSS, "RSS", "RSS", 6, false, 0, SORT_RSS },
	{ COL_ANON, "ANON", "ANON", 6, false, 3, SORT_ANON },
	{ COL_HEAP, "HEAP", "HEAP", 6, false, 9, SORT_HEAP },
	{ COL_SWAP, "SWAP", "SWAP", 6, false, 8, SORT_SWAP },
	{ COL_DELTA, "\u0394RSS", "dRSS", 7, false, 5, SORT_DELTA },
	{ COL_GROWTH, "GROWTH", "GROWTH", 7, false, 2, SORT_GROWTH },
	{ COL_TREND, "TREND", "TREND", 10, true, 4, -1 },
	{ COL_LEAK, "LEAK", "LEAK", 5, true, 1, SORT_LEAK },
	{ COL_OOM, "OOM", "OOM", 5, false, 6, SORT_OOM },
	{ COL_ADJ, "ADJ", "ADJ", 5, false, 10, SORT_ADJ },
	{ COL_CGROUP, "CGROUP", "CGROUP", 24, true, 1, -1 },       // only with C; dropped last
	{ COL_COMMAND, "COMMAND", "COMMAND", 0, true, 0, SORT_COMMAND },
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])
_Static_assert(NCOLUMNS <= TABLE_MAX_COLUMNS, "table_view.col_x is too small");
_Static_assert(NCOLUMNS == COL_COUNT, "a column without a name in columns.c");
#define COMMAND_MIN 12

// Decides which of the wanted columns (a mask of COLUMN_BITs) fit in cols:
// drops the most droppable first until the fixed columns leave COMMAND_MIN
// for the command.
static void columns_layout(int cols, unsigned wanted, bool shown[NCOLUMNS])
{
	int need = 0;

	for (size_t i = 0; i < NCOLUMNS; i++) {
		shown[i] = (wanted & COLUMN_BIT(columns[i].id)) || columns[i].id == COL_COMMAND;
		need += shown[i] ? columns[i].width + 1 : 0;
	}
	while (need + COMMAND_MIN > cols) {
		size_t victim = NCOLUMNS;

		for (size_t i = 0; i < NCOLUMNS; i++)
			if (shown[i] && columns[i].drop &&
			    (victim == NCOLUMNS || columns[i].drop > columns[victim].drop))
				victim = i;
		if (victim == NCOLUMNS)
			break;
		shown[victim] = false;
		need -= columns[victim].width + 1;
	}
}

// The text of one cell; sets *role for cells with a colour of their own.
static void column_cell(const struct ui *u, size_t c, const struct proc *p, char *buf, size_t cap,
			enum ui_role *role)
{
	const struct proc_sample *s = p->s;

	*role = ROLE_NORMAL;
	switch (columns[c].id) {
	case COL_PID: snprintf(buf, cap, "%d", s->pid); break;
	case COL_USER: snprintf(buf, cap, "%s", s->user); break;
	case COL_RSS: text_human_kb(s->rss_kb, buf, cap); break;
	case COL_ANON: text_human_kb(s->anon_kb, buf, cap); break;
	case COL_HEAP:
		if (s->have_heap)
			text_human_kb(s->heap_kb, buf, cap);
		else
			snprintf(buf, cap, "-");
		break;
	case COL_SWAP:
		if (s->have_detail)
			text_human_kb(s->swap_kb, buf, cap);
		else
			snprintf(buf, cap, "-");
		break;
	case COL_DELTA:
		if (!p->have_delta) {
			snprintf(buf, cap, "-");
			break;
		}
		text_human_delta_kb(p->delta_rss_kb, buf, cap);
		*role = p->delta_rss_kb > 0 ? ROLE_GROWTH_UP : p->delta_rss_kb < 0 ? ROLE_GROWTH_DOWN : ROLE_DIM;
		break;
	case COL_GROWTH:
		if (!p->verdict.have_rate) {
			snprintf(buf, cap, "-");
			break;
		}
		text_human_delta_kb((int64_t)round_l(p->verdict.rate_kb_per_min), buf, cap);
		*role = p->verdict.suspected ? ROLE_GROWTH_UP : ROLE_DIM;
		break;
	case COL_TREND:
		// The recent leak signal (2 s buckets) as a sparkline.
		trend_sparkline(p->leak ? &p->leak->hist : NULL, p->flat_sig_kb, columns[c].width,
				u->utf8, buf, cap);
		*role = ROLE_SPARK_LOW;
		break;
	case COL_LEAK:
		if (p->verdict.suspected) {
			snprintf(buf, cap, "%s%.0f%%", u->utf8 ? "\u25b2" : "^", p->verdict.score * 100);
			*role = ROLE_LEAK;
		} else {
			buf[0] = '\0';
		}
		break;
	case COL_OOM:
		snprintf(buf, cap, s->have_detail ? "%d" : "-", s->oom_score);
		break;
	case COL_ADJ:
		snprintf(buf, cap, s->have_detail ? "%d" : "-", s->oom_score_adj);
		break;
	case COL_CGROUP:
		snprintf(buf, cap, "%s", s->cgroup[0] ? s->cgroup : "-");
		break;
	case COL_COMMAND:
		snprintf(buf, cap, "%s", s->cmdline[0] ? s->cmdline : s->comm);
		break;
	case COL_COUNT:
		break;
	}
}

/* ---- drawing ------------------------------------------------------------ */

// Writes one cell aligned in its column; returns the next column's x.
static int put_cell(const struct ui *u, int y, int x, size_t c, const char *text, attr_t attr)
{
	int w = columns[c].width ? columns[c].width : COLS - x;
	char fitted[1024];
	int used = text_fit(text, w, u->utf8, fitted, sizeof fitted);

	view_put(u, y, columns[c].left ? x : x + w - used, w, fitted, attr);
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

	columns_layout(COLS, tv->columns, shown);
	attrset(ui_attr(u, ROLE_TABLE_HEADER));
	mvhline(y, 0, ' ', COLS);
	for (size_t c = 0; c < TABLE_MAX_COLUMNS; c++)
		tv->col_x[c] = -1;
	for (size_t c = 0; c < NCOLUMNS; c++) {
		bool sorted = columns[c].key == (int)key;

		if (!shown[c])
			continue;
		tv->col_x[c] = x;
		x = put_cell(u, y, x, c, u->utf8 ? columns[c].title : columns[c].title_ascii,
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
			char cell[1024];
			enum ui_role role;

			if (tv->col_x[c] < 0)
				continue;
			column_cell(u, c, p, cell, sizeof cell, &role);
			if (columns[c].id == COL_TREND && !selected) {
				view_put_spark(u, y, x, columns[c].width, cell);
				x += columns[c].width + 1;
				continue;
			}
			if (columns[c].id == COL_COMMAND && p->s->cmdline_cut && p->s->cmdline[0]) {
				put_cut_command(u, y, x, cell, selected ? sel_attr : A_NORMAL,
						selected ? sel_attr : ui_attr(u, ROLE_MESSAGE));
				continue;
			}
			x = put_cell(u, y, x, c, cell, selected ? sel_attr : ui_attr(u, role));
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
			return columns[c].key;     // -1: the sparkline does not sort
	}
	return -1;
}

int table_key_step(const struct table_view *tv, enum sort_key key, int dir)
{
	int idx = 0, n = (int)NCOLUMNS;

	for (int c = 0; c < n; c++)
		if (columns[c].key == (int)key)
			idx = c;
	for (int step = 1; step < n; step++) {
		int c = ((idx + dir * step) % n + n) % n;

		if (tv->col_x[c] >= 0 && columns[c].key >= 0)
			return columns[c].key;
	}
	return -1;
}
