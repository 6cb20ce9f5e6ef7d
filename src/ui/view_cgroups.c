/* view_cgroups.c — the cgroup view: its rows (sort, filter, selection over
 * the monitor's cgroup table), its columns, keys, mouse and frame. */
#include "ui/view_cgroups.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/fields.h"
#include "model/listmodel.h"
#include "model/trend.h"
#include "ui/draw.h"
#include "ui/view_help.h"
#include "util/mathutil.h"
#include "util/text.h"
#include "util/timeexpr.h"

// How often the source reads the cgroups' own files while the view is
// shown (the numbers change under the user's eyes), and otherwise: the
// screen's pace from its start (app.c opens the source at it).
#define CGVIEW_READ_SHOWN_S MONITOR_CGROUP_VIEW_S
#define CGVIEW_READ_HIDDEN_S MONITOR_CGROUP_EVERY_S
#define PATH_MIN 10               // the PATH column's least width before others drop

#define NONE action_of(ACTION_NONE)

/* ---- the rows ------------------------------------------------------------ */

static bool row_matches(const struct cgroup_screen *v, const struct cgroup_row *r)
{
	if (v->suspects_only && !r->verdict.suspected)
		return false;
	return !v->filter[0] || strcasestr(r->label, v->filter) || strcasestr(r->path, v->filter);
}

// Remembers which cgroup the selected row holds.
static void remember_selection(struct cgroup_screen *v)
{
	const char *path = cgroup_screen_selected(v);

	if (path && v->sel_path && strcmp(path, v->sel_path) == 0)
		return;
	free(v->sel_path);
	v->sel_path = path ? strdup(path) : NULL;   // out of memory: the row index holds
}

// Moves the selection to a row (clamped) and remembers its cgroup.
static void select_row(struct cgroup_screen *v, size_t row)
{
	v->sel = v->nrows == 0 ? 0 : row < v->nrows ? row : v->nrows - 1;
	remember_selection(v);
}

// The row of the remembered cgroup, or the one at the selection's index.
static void find_selection(struct cgroup_screen *v)
{
	for (size_t i = 0; v->sel_path && i < v->nrows; i++)
		if (strcmp(v->rows[i]->path, v->sel_path) == 0) {
			v->sel = i;
			return;
		}
	select_row(v, v->sel);
}

void cgroup_screen_rebuild(struct cgroup_screen *v, struct cgtable *t)
{
	if (!v->sort_set) {
		v->key = CG_SORT_USAGE;
		v->descending = cg_sort_key_descending(v->key);
		v->sort_set = true;
	}
	if (t->n > v->cap) {
		const struct cgroup_row **rows = realloc(v->rows, t->n * sizeof *rows);

		if (!rows)
			ui_fatal("out of memory");
		v->rows = rows;
		v->cap = t->n;
	}
	cgtable_sort(t, v->key, v->descending);
	v->nrows = 0;
	for (size_t i = 0; i < t->n; i++)
		if (row_matches(v, t->order[i]))
			v->rows[v->nrows++] = t->order[i];
	find_selection(v);
}

const char *cgroup_screen_selected(const struct cgroup_screen *v)
{
	return v->nrows ? v->rows[v->sel]->path : NULL;
}

// The rows on screen: below the status line and the column titles, above
// the footer.
static size_t page_rows(void)
{
	return LINES > 3 ? (size_t)(LINES - 3) : 1;
}

/* ---- cells --------------------------------------------------------------- */

// A cell writes its text into buf and returns its colour role: the roles
// the process list's cells map to, so that a cgroup row reads as a
// process row does.
typedef enum ui_role cg_cell_fn(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf,
				size_t cap);

// Labels and paths arrive sanitised (\xNN escapes, drawn as they are);
// should a control byte slip through anyway, it is drawn as '?' rather than
// handed to curses (which would widen it to ^X past its column).
static void scrub_controls(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static enum ui_role size_cell(bool have, uint64_t kb, char *buf, size_t cap)
{
	if (have)
		text_human_kb(kb, buf, cap);
	else
		snprintf(buf, cap, "-");
	return ROLE_NORMAL;
}

static enum ui_role cell_name(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	snprintf(buf, cap, "%s", r->label);
	scrub_controls(buf);
	return ROLE_NORMAL;
}

static enum ui_role cell_procs(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	snprintf(buf, cap, "%zu", r->nprocs);
	return ROLE_NORMAL;
}

static enum ui_role cell_usage(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	return size_cell(r->have_usage, r->usage_kb, buf, cap);
}

// "max" where the cgroup has no limit, "-" where none was read.
static enum ui_role cell_limit(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	if (r->have_limit && r->unlimited) {
		snprintf(buf, cap, "max");
		return ROLE_DIM;
	}
	return size_cell(r->have_limit, r->limit_kb, buf, cap);
}

static enum ui_role cell_anon(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	return size_cell(true, r->anon_kb, buf, cap);
}

// The leak signal's change between the last two readings.
static enum ui_role cell_delta(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	if (!r->have_delta) {
		snprintf(buf, cap, "-");
		return ROLE_NORMAL;
	}
	text_human_delta_kb(r->delta_kb, buf, cap);
	return r->delta_kb > 0 ? ROLE_GROWTH_UP : r->delta_kb < 0 ? ROLE_GROWTH_DOWN : ROLE_DIM;
}

// As a process's GROWTH: the detector's rate per minute.
static enum ui_role cell_growth(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	if (!r->verdict.have_rate) {
		snprintf(buf, cap, "-");
		return ROLE_NORMAL;
	}
	text_human_delta_kb((int64_t)round_l(r->verdict.rate_kb_per_min), buf, cap);
	return r->verdict.suspected ? ROLE_GROWTH_UP : ROLE_DIM;
}

// As a process's TREND: the detector's recent history as a sparkline;
// blank before the cgroup's first reading (no detector yet).
static enum ui_role cell_trend(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	if (!r->leak) {
		buf[0] = '\0';
		return ROLE_NORMAL;
	}
	trend_sparkline(&r->leak->hist, r->sig_kb, ctx->width, ctx->utf8, buf, cap);
	return ROLE_SPARK_LOW;
}

// As a process's LEAK: the mark and the confidence, suspects only.
static enum ui_role cell_leak(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	if (!r->verdict.suspected) {
		buf[0] = '\0';
		return ROLE_NORMAL;
	}
	snprintf(buf, cap, "%s%.0f%%", ctx->utf8 ? "\u25b2" : "^", r->verdict.score * 100);
	return ROLE_LEAK;
}

// The cgroup's memory pressure (some, avg10) where the kernel gives it,
// coloured at the header's PSI levels.
// The cgroup's OOM kills (its own counter: memory.events or v1
// memory.oom_control), flagged once there is one.
static enum ui_role cell_oom(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	if (!r->have_oom_kill) {
		snprintf(buf, cap, "-");
		return ROLE_NORMAL;
	}
	snprintf(buf, cap, "%" PRIu64, r->oom_kill);
	return r->oom_kill ? ROLE_PSI_WARN : ROLE_NORMAL;
}

static enum ui_role cell_psi(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	static const enum ui_role roles[] = { ROLE_PSI_OK, ROLE_PSI_WARN, ROLE_PSI_CRIT };
	double v = r->pressure.some.avg10;

	(void)ctx;
	if (!r->have_pressure || !r->pressure.some.valid) {
		snprintf(buf, cap, "-");
		return ROLE_NORMAL;
	}
	snprintf(buf, cap, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f", v);
	return roles[psi_level_some(&r->pressure.some)];
}

// A suspect's time until its limit (or MemAvailable) fills, in one unit.
static enum ui_role cell_eta(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	double s = r->eta_s;

	(void)ctx;
	if (s < 0)
		buf[0] = '\0';
	else if (s < 90)
		snprintf(buf, cap, "%.0fs", s);
	else if (s < 5400)
		snprintf(buf, cap, "%.0fm", s / 60);
	else if (s < 172800)
		snprintf(buf, cap, "%.0fh", s / 3600);
	else
		snprintf(buf, cap, "%.0fd", s / 86400);
	return ROLE_PSI_WARN;
}

static enum ui_role cell_path(const struct cgroup_row *r, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	snprintf(buf, cap, "%s", r->path);
	scrub_controls(buf);
	return ROLE_DIM;
}

/* ---- the columns --------------------------------------------------------- */

struct cg_column {
	const char *title, *title_ascii;
	int width;                  // 0: the rest of the line
	bool left;
	int drop;                   // dropped first when narrow (higher = earlier); 0 never
	int sort;                   // enum cg_sort_key, or -1
	bool spark;                 // a sparkline, drawn in the spark colours
	cg_cell_fn *cell;
};

// Narrow screens drop the OOM kills first, then the ETA, the sparkline, the delta, the
// pressure, the count, the limit, the growth and the verdict, in that order.
static const struct cg_column columns[] = {
	{ "NAME", "NAME", 24, true, 0, CG_SORT_NAME, false, cell_name },
	{ "PROCS", "PROCS", 5, false, 5, CG_SORT_PROCS, false, cell_procs },
	{ "USAGE", "USAGE", 6, false, 0, CG_SORT_USAGE, false, cell_usage },
	{ "LIMIT", "LIMIT", 6, false, 4, CG_SORT_LIMIT, false, cell_limit },
	{ "ANON", "ANON", 6, false, 0, CG_SORT_ANON, false, cell_anon },
	{ "\u0394", "d", 7, false, 7, -1, false, cell_delta },
	{ "GROWTH", "GROWTH", 7, false, 3, CG_SORT_GROWTH, false, cell_growth },
	{ "TREND", "TREND", 10, true, 8, -1, true, cell_trend },
	{ "LEAK", "LEAK", 5, true, 2, CG_SORT_LEAK, false, cell_leak },
	{ "PSI", "PSI", 5, false, 6, CG_SORT_PRESSURE, false, cell_psi },
	{ "ETA", "ETA", 5, false, 9, -1, false, cell_eta },
	{ "OOM", "OOM", 4, false, 10, -1, false, cell_oom },
	{ "PATH", "PATH", 0, true, 0, -1, false, cell_path },
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])
_Static_assert(sizeof columns / sizeof columns[0] == CGVIEW_COLUMNS, "col_x has one slot a column");

// Which columns fit in cols: drops the most droppable first until the
// fixed ones leave PATH_MIN for the path (or nothing more can drop).
static void columns_layout(int cols, bool shown[NCOLUMNS])
{
	int need = 0;

	for (size_t i = 0; i < NCOLUMNS; i++) {
		shown[i] = true;
		need += columns[i].width ? columns[i].width + 1 : 0;
	}
	while (need + PATH_MIN > cols) {
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

// A column's width at x: its own, or the rest of the line.
static int column_width(size_t c, int x)
{
	return columns[c].width ? columns[c].width : COLS - x;
}

// Writes one cell aligned in its column at x (clipped to the screen).
static void put_cell(const struct ui *u, int y, int x, size_t c, const char *text, attr_t attr)
{
	int w = column_width(c, x);
	char fitted[1024];
	int used;

	if (w <= 0)
		return;
	used = text_fit(text, w, u->utf8, fitted, sizeof fitted);
	view_put(u, y, columns[c].left ? x : x + w - used, w, fitted, attr);
}

// The title row, which also lays the columns out (col_x, for the rows and
// for mouse hits).
static void draw_titles(const struct ui *u, struct cgroup_screen *v)
{
	bool shown[NCOLUMNS];
	int x = 0;

	columns_layout(COLS, shown);
	attrset(ui_attr(u, ROLE_TABLE_HEADER));
	mvhline(v->header_y, 0, ' ', COLS);
	for (size_t c = 0; c < NCOLUMNS; c++) {
		bool sorted = columns[c].sort == (int)v->key;

		v->col_x[c] = shown[c] && x < COLS ? x : -1;
		if (v->col_x[c] < 0)
			continue;
		put_cell(u, v->header_y, x, c, u->utf8 ? columns[c].title : columns[c].title_ascii,
			 ui_attr(u, sorted ? ROLE_TABLE_SORTED : ROLE_TABLE_HEADER));
		x += column_width(c, x) + 1;
	}
	attrset(A_NORMAL);
}

static void draw_row(const struct ui *u, const struct cgroup_screen *v, int y, const struct cgroup_row *r,
		     bool selected)
{
	attr_t sel_attr = ui_attr(u, ROLE_SELECTION);

	if (selected) {
		attrset(sel_attr);
		mvhline(y, 0, ' ', COLS);
	}
	for (size_t c = 0; c < NCOLUMNS; c++) {
		int x = v->col_x[c];
		struct cell_ctx ctx = { .utf8 = u->utf8, .width = column_width(c, x) };
		char cell[1024];
		enum ui_role role;

		if (x < 0)
			continue;
		role = columns[c].cell(r, &ctx, cell, sizeof cell);
		if (columns[c].spark && !selected && cell[0])
			view_put_spark(u, y, x, ctx.width, cell);
		else
			put_cell(u, y, x, c, cell, selected ? sel_attr : ui_attr(u, role));
	}
}

static void draw_rows(const struct ui *u, struct cgroup_screen *v)
{
	size_t page = page_rows(), count;

	list_scroll(&v->top, v->sel, v->nrows, page);
	count = v->nrows - v->top < page ? v->nrows - v->top : page;
	for (size_t i = 0; i < count; i++)
		draw_row(u, v, v->rows_y + (int)i, v->rows[v->top + i], v->top + i == v->sel);
	if (v->nrows == 0)
		view_put(u, v->rows_y, 1, COLS - 1, v->suspects_only ? "no suspected leaks" :
			 v->filter[0] ? "no cgroup matches the filter" : "no cgroups (no process "
			 "of a known memory cgroup yet)", ui_attr(u, ROLE_DIM));
}

/* ---- keys ---------------------------------------------------------------- */

static struct action sort_by(struct cgroup_screen *v, const struct screen_ctx *c, enum cg_sort_key key)
{
	v->key = key;
	v->descending = cg_sort_key_descending(key);
	cgroup_screen_rebuild(v, &c->mon->cgroups);
	return NONE;
}

static struct action act_sort_usage(void *st, const struct screen_ctx *c) { return sort_by(st, c, CG_SORT_USAGE); }
static struct action act_sort_anon(void *st, const struct screen_ctx *c) { return sort_by(st, c, CG_SORT_ANON); }
static struct action act_sort_procs(void *st, const struct screen_ctx *c) { return sort_by(st, c, CG_SORT_PROCS); }
static struct action act_sort_growth(void *st, const struct screen_ctx *c) { return sort_by(st, c, CG_SORT_GROWTH); }
static struct action act_sort_name(void *st, const struct screen_ctx *c) { return sort_by(st, c, CG_SORT_NAME); }

// < and >: the previous or next of every sort key, in the sort menu's order.
static struct action sort_step(struct cgroup_screen *v, const struct screen_ctx *c, int dir)
{
	int n = CG_SORT_KEY_COUNT;

	return sort_by(v, c, (enum cg_sort_key)((((int)v->key + dir) % n + n) % n));
}

static struct action act_sort_prev(void *st, const struct screen_ctx *c) { return sort_step(st, c, -1); }
static struct action act_sort_next(void *st, const struct screen_ctx *c) { return sort_step(st, c, 1); }

static struct action act_invert(void *st, const struct screen_ctx *c)
{
	struct cgroup_screen *v = st;

	v->descending = !v->descending;
	cgroup_screen_rebuild(v, &c->mon->cgroups);
	return NONE;
}

static struct action act_suspects(void *st, const struct screen_ctx *c)
{
	struct cgroup_screen *v = st;

	v->suspects_only = !v->suspects_only;
	cgroup_screen_rebuild(v, &c->mon->cgroups);
	return NONE;
}

static struct action move_by(struct cgroup_screen *v, long rows)
{
	long row = (long)v->sel + rows;

	select_row(v, row < 0 ? 0 : (size_t)row);
	return NONE;
}

static struct action act_up(void *st, const struct screen_ctx *c) { (void)c; return move_by(st, -1); }
static struct action act_down(void *st, const struct screen_ctx *c) { (void)c; return move_by(st, 1); }
static struct action act_pgup(void *st, const struct screen_ctx *c) { (void)c; return move_by(st, -(long)page_rows()); }
static struct action act_pgdn(void *st, const struct screen_ctx *c) { (void)c; return move_by(st, (long)page_rows()); }

static struct action act_home(void *st, const struct screen_ctx *c)
{
	(void)c;
	select_row(st, 0);
	return NONE;
}

static struct action act_end(void *st, const struct screen_ctx *c)
{
	struct cgroup_screen *v = st;

	(void)c;
	select_row(v, v->nrows ? v->nrows - 1 : 0);
	return NONE;
}

static struct action act_filter(void *st, const struct screen_ctx *c)
{
	struct cgroup_screen *v = st;
	struct listmodel opened = { 0 };

	(void)c;
	snprintf(opened.filter, sizeof opened.filter, "%s", v->filter);
	prompt_open_filter(&v->prompt, &opened);
	return NONE;
}

// Esc clears the filter and the leaks-only limit; with neither, it returns.
static struct action act_escape(void *st, const struct screen_ctx *c)
{
	struct cgroup_screen *v = st;

	if (!v->filter[0] && !v->suspects_only)
		return screen_act_back(st, c);
	v->filter[0] = '\0';
	v->suspects_only = false;
	cgroup_screen_rebuild(v, &c->mon->cgroups);
	return NONE;
}

// Enter: back to the process list, limited to the selected cgroup.
static struct action act_processes(void *st, const struct screen_ctx *c)
{
	const char *path = cgroup_screen_selected(st);
	struct action a = { .kind = ACTION_BACK };

	(void)c;
	if (!path)
		return NONE;
	if (strlen(path) >= sizeof a.cgroup)
		return action_message("cannot list that cgroup's processes: its path is longer than %zu bytes",
				      sizeof a.cgroup - 1);
	snprintf(a.cgroup, sizeof a.cgroup, "%s", path);
	return a;
}

// q returns here (it quits on the list only), as in the detail view.
static const struct binding bindings[] = {
	{ { 'q', KEY_BACKSPACE, 127, 8 }, "q Backspace", "back to the process list", screen_act_back, "Back", BIND_BOTH },
	{ { 'S', KEY_LEFT }, NULL, NULL, screen_act_back, NULL, BIND_BOTH },
	{ { KEY_ESC }, "Esc", "clear the filter and Leaks only; without them, back to the process list",
	  act_escape, NULL, BIND_BOTH },
	{ { KEY_F(10) }, "F10", "quit", screen_act_quit, NULL, BIND_BOTH },
	{ { 'h', '?', KEY_F(1) }, "h ? F1", "this help", screen_act_help, "Help", BIND_BOTH },
	{ { '\r', '\n', KEY_ENTER }, "Enter", "the selected cgroup's processes: the process list limited "
	  "to them (Esc there shows all again)", act_processes, "Procs", BIND_BOTH },
	{ { KEY_UP }, "Up", "select the previous cgroup", act_up, NULL, BIND_BOTH },
	{ { KEY_DOWN }, "Down", "select the next cgroup", act_down, NULL, BIND_BOTH },
	{ { KEY_PPAGE, KEY_CTRL('b') }, "PgUp", "up one page", act_pgup, NULL, BIND_BOTH },
	{ { KEY_NPAGE, KEY_CTRL('f') }, "PgDn", "down one page", act_pgdn, NULL, BIND_BOTH },
	{ { KEY_HOME, 'g' }, "Home g", "first cgroup", act_home, NULL, BIND_BOTH },
	{ { KEY_END }, "End", "last cgroup", act_end, NULL, BIND_BOTH },
	{ { '[' }, "[ ]", "previous / next recorded sample", screen_act_sample_prev, NULL, BIND_REPLAY },
	{ { ']' }, NULL, NULL, screen_act_sample_next, NULL, BIND_REPLAY },
	{ { 'M' }, "M", "sort by memory usage (the cgroup's own)", act_sort_usage, NULL, BIND_BOTH },
	{ { 'A' }, "A", "sort by the processes' anonymous memory", act_sort_anon, NULL, BIND_BOTH },
	{ { 'P' }, "P", "sort by the number of processes", act_sort_procs, NULL, BIND_BOTH },
	{ { 'G' }, "G", "sort by growth rate (fastest growers first)", act_sort_growth, "Growth", BIND_BOTH },
	{ { 'N' }, "N", "sort by name", act_sort_name, NULL, BIND_BOTH },
	{ { 'L' }, "L", "show only suspected leaks (again: everything)", act_suspects, "Leaks", BIND_BOTH },
	{ { '<', ',' }, "< >", "previous / next sort key (usage, anon, procs, growth, leak, limit, "
	  "pressure, name)", act_sort_prev, NULL, BIND_BOTH },
	{ { '>', '.' }, NULL, NULL, act_sort_next, NULL, BIND_BOTH },
	{ { 'I' }, "I", "invert the sort order", act_invert, "Invert", BIND_BOTH },
	{ { '/' }, "/", "filter by name or path (Enter keeps, Esc clears)", act_filter, "Filter", BIND_BOTH },
};
#define NBINDINGS (sizeof bindings / sizeof bindings[0])

// The filter prompt's keys: the list's line editing, applied as typed.
static struct action filter_key(struct cgroup_screen *v, const struct screen_ctx *c, int ch)
{
	struct listmodel scratch = { 0 };     // the prompt writes a list's filter: ours is copied
	bool relist;
	struct action a = prompt_key(&v->prompt, &scratch, ch, &relist);

	snprintf(v->filter, sizeof v->filter, "%s", ch == KEY_ESC ? "" : v->prompt.text);
	cgroup_screen_rebuild(v, &c->mon->cgroups);
	return a;
}

// A click on a column title sorts by it (again: inverts); on a row selects it.
static struct action mouse_key(struct cgroup_screen *v, const struct screen_ctx *c)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return NONE;
	if (ev.y == v->header_y) {
		for (size_t i = NCOLUMNS; i-- > 0;)
			if (v->col_x[i] >= 0 && ev.x >= v->col_x[i]) {
				if (columns[i].sort < 0)
					return NONE;
				if (columns[i].sort == (int)v->key)
					return act_invert(v, c);
				return sort_by(v, c, (enum cg_sort_key)columns[i].sort);
			}
		return NONE;
	}
	if (ev.y >= v->rows_y && ev.y < LINES - 1 && v->top + (size_t)(ev.y - v->rows_y) < v->nrows)
		select_row(v, v->top + (size_t)(ev.y - v->rows_y));
	return NONE;
}

static struct action cgroups_key(void *st, const struct screen_ctx *c, int ch)
{
	struct cgroup_screen *v = st;

	if (v->prompt.kind != PROMPT_NONE)
		return filter_key(v, c, ch);
	if (ch == KEY_MOUSE)
		return mouse_key(v, c);
	return screen_bound_key(&screen_cgroups, v, c, ch);
}

/* ---- the frame ----------------------------------------------------------- */

// The status line: how many cgroups, the sort, the filter, what limits the
// rows, pause, the recorded time in a replay, and any message.
static void draw_status(const struct screen_ctx *c, const struct cgroup_screen *v, int y)
{
	const char *arrow = v->descending ? (c->ui->utf8 ? "\u25bc" : "v") : (c->ui->utf8 ? "\u25b2" : "^");
	struct source_timeline tl;
	char buf[512], at[32];
	int x;

	snprintf(buf, sizeof buf, "Cgroups: %zu  Sort: %s %s", c->mon->cgroups.n, cg_sort_key_name(v->key),
		 arrow);
	x = view_put(c->ui, y, 0, COLS, buf, ui_attr(c->ui, ROLE_STATUS));
	if (v->filter[0]) {
		snprintf(buf, sizeof buf, "  Filter: \"%s\" (%zu shown)", v->filter, v->nrows);
		x += view_put(c->ui, y, x, COLS - x, buf, ui_attr(c->ui, ROLE_PROMPT));
	}
	if (v->suspects_only)
		x += view_put(c->ui, y, x + 2, COLS - x - 2, "Leaks only", ui_attr(c->ui, ROLE_PROMPT)) + 2;
	if (monitor_timeline(c->mon, &tl)) {
		snprintf(buf, sizeof buf, "Recorded %s", timeexpr_format(tl.at_t, at, sizeof at));
		x += view_put(c->ui, y, x + 2, COLS - x - 2, buf, ui_attr(c->ui, ROLE_LABEL)) + 2;
	}
	if (c->paused)
		x += view_put(c->ui, y, x + 2, COLS - x - 2, "PAUSED", ui_attr(c->ui, ROLE_PAUSED)) + 2;
	if (c->message[0])
		view_put(c->ui, y, x + 2, COLS - x - 2, c->message, ui_attr(c->ui, ROLE_MESSAGE));
}

static void cgroups_draw(void *st, const struct screen_ctx *c)
{
	struct cgroup_screen *v = st;

	v->header_y = 1;
	v->rows_y = 2;
	draw_status(c, v, 0);
	draw_titles(c->ui, v);
	draw_rows(c->ui, v);
	if (v->prompt.kind != PROMPT_NONE)
		prompt_draw(&v->prompt, c);
	else
		screen_draw_footer(&screen_cgroups, c);
}

// Entering (from the list, or back from help) keeps the sort, filter and
// selection; the table may have moved on meanwhile.
static void cgroups_enter(void *st, const struct screen_ctx *c, const struct action *why)
{
	struct cgroup_screen *v = st;

	(void)why;
	v->mon = c->mon;
	monitor_set_cgroup_every(v->mon, CGVIEW_READ_SHOWN_S);
	cgroup_screen_rebuild(v, &c->mon->cgroups);
}

static void cgroups_tick(void *st, const struct screen_ctx *c)
{
	cgroup_screen_rebuild(st, &c->mon->cgroups);
}

static void cgroups_leave(void *st)
{
	struct cgroup_screen *v = st;

	if (v->mon)
		monitor_set_cgroup_every(v->mon, CGVIEW_READ_HIDDEN_S);
}

static void cgroups_free(void *st)
{
	struct cgroup_screen *v = st;

	free(v->rows);
	free(v->sel_path);
	*v = (struct cgroup_screen){ 0 };
}

static struct cgroup_screen cgroups_state;

const struct screen screen_cgroups = {
	.name = "cgroups",
	.state = &cgroups_state,
	.enter = cgroups_enter,
	.draw = cgroups_draw,
	.key = cgroups_key,
	.tick = cgroups_tick,
	.leave = cgroups_leave,
	.free = cgroups_free,
	.bindings = bindings,
	.nbindings = NBINDINGS,
};
