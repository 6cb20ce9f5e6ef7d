/* view_memory.c — where the memory went: the parts of MemTotal, their
 * sub-rows and items, with SIZE, GROWTH, TREND and LEAK (ui/view_memory.h). */
#include "ui/view_memory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/listmodel.h"
#include "model/trend.h"
#include "ui/draw.h"
#include "ui/view_help.h"
#include "util/mathutil.h"
#include "util/text.h"

#define NONE action_of(ACTION_NONE)
#define SIZE_W 7
#define GROWTH_W 8
#define TREND_W 16
#define LEAK_W 5
#define NAME_MIN 16               // the PART column's least width before TREND, then GROWTH drop

// Lines: status, titles, rows, the total, a note, the footer.
static size_t page_rows(void)
{
	return LINES > 5 ? (size_t)(LINES - 5) : 1;
}

// Rebuilds the rows from the model (keeps the selection's index, clamped).
static void memory_screen_rebuild(struct memory_screen *v, const struct memmodel *m)
{
	if (!v->rows && !(v->rows = malloc(MEMMODEL_ROWS_MAX * sizeof *v->rows)))
		ui_fatal("out of memory");
	v->nrows = memmodel_rows(m, v->rows, MEMMODEL_ROWS_MAX);
	if (v->sel >= v->nrows)
		v->sel = v->nrows ? v->nrows - 1 : 0;
}

/* ---- drawing ------------------------------------------------------------- */

// Which optional columns fit beside a PART column of at least NAME_MIN.
struct layout {
	bool trend, growth;
	int name_w, x_size, x_growth, x_trend, x_leak;
};

static struct layout layout_of(int cols)
{
	struct layout l = { .trend = true, .growth = true };
	int fixed;

	for (;;) {
		fixed = 1 + SIZE_W + (l.growth ? 1 + GROWTH_W : 0) + (l.trend ? 1 + TREND_W : 0) + 1 + LEAK_W;
		if (cols - fixed >= NAME_MIN || (!l.trend && !l.growth))
			break;
		if (l.trend)
			l.trend = false;
		else
			l.growth = false;
	}
	l.name_w = cols - fixed > 1 ? cols - fixed : 1;
	l.x_size = l.name_w + 1;
	l.x_growth = l.x_size + SIZE_W + 1;
	l.x_trend = l.x_growth + (l.growth ? GROWTH_W + 1 : 0);
	l.x_leak = l.x_trend + (l.trend ? TREND_W + 1 : 0);
	return l;
}

// Text right-aligned in a column of width w at x.
static void put_right(const struct ui *u, int y, int x, int w, const char *s, attr_t attr)
{
	char fitted[64];
	int used = text_fit(s, w, u->utf8, fitted, sizeof fitted);

	view_put(u, y, x + w - used, w, fitted, attr);
}

// A size that may be below 0 (unaccounted).
static void signed_size(int64_t kb, char *buf, size_t cap)
{
	if (kb < 0) {
		buf[0] = '-';
		text_human_kb((uint64_t)-kb, buf + 1, cap - 1);
	} else {
		text_human_kb((uint64_t)kb, buf, cap);
	}
}

static void draw_row(const struct ui *u, const struct layout *l, int y, const struct mem_row *r, bool selected)
{
	const struct mem_track *k = r->track;
	attr_t base = selected ? ui_attr(u, ROLE_SELECTION) : ui_attr(u, r->depth ? ROLE_NORMAL : ROLE_LABEL);
	char name[MEMMODEL_NAME_MAX + 16], fitted[1024], size[24], growth[24] = "-", spark[256];

	if (selected) {
		attrset(base);
		mvhline(y, 0, ' ', COLS);
		attrset(A_NORMAL);
	}
	snprintf(name, sizeof name, "%*s%s", 2 * r->depth, "", r->name);
	text_fit(name, l->name_w, u->utf8, fitted, sizeof fitted);
	view_put(u, y, 0, l->name_w, fitted, base);
	signed_size(r->kb, size, sizeof size);
	put_right(u, y, l->x_size, SIZE_W, size, base);
	if (l->growth) {
		bool have = k->leak && k->verdict.have_rate;

		if (have)
			text_human_delta_kb((int64_t)round_l(k->verdict.rate_kb_per_min), growth, sizeof growth);
		put_right(u, y, l->x_growth, GROWTH_W, growth, selected ? base :
			  ui_attr(u, have && k->verdict.suspected ? ROLE_GROWTH_UP : ROLE_DIM));
	}
	if (l->trend && k->leak) {
		trend_sparkline(&k->leak->hist, (uint64_t)(r->kb > 0 ? r->kb : 0), TREND_W, u->utf8, spark,
				sizeof spark);
		if (selected)
			view_put(u, y, l->x_trend, TREND_W, spark, base);
		else
			view_put_spark(u, y, l->x_trend, TREND_W, spark);
	}
	if (k->leak && k->verdict.suspected) {
		char leak[16];

		snprintf(leak, sizeof leak, "%s%.0f%%", u->utf8 ? "\u25b2" : "^", k->verdict.score * 100);
		put_right(u, y, l->x_leak, LEAK_W, leak, selected ? base : ui_attr(u, ROLE_LEAK));
	}
}

static void draw_titles(const struct ui *u, const struct layout *l, int y)
{
	attr_t a = ui_attr(u, ROLE_TABLE_HEADER);

	attrset(a);
	mvhline(y, 0, ' ', COLS);
	attrset(A_NORMAL);
	view_put(u, y, 0, l->name_w, "PART", a);
	put_right(u, y, l->x_size, SIZE_W, "SIZE", a);
	if (l->growth)
		put_right(u, y, l->x_growth, GROWTH_W, "GROWTH", a);
	if (l->trend)
		view_put(u, y, l->x_trend, TREND_W, "TREND", a);
	put_right(u, y, l->x_leak, LEAK_W, "LEAK", a);
}

// The status line: what the view shows, pause, and any message.
static void draw_status(const struct screen_ctx *c, const struct memmodel *m, int y)
{
	char buf[256], total[16];
	int x;

	if (m->have)
		snprintf(buf, sizeof buf, "Memory: MemTotal %s, %zu tmpfs, %zu SysV segment%s, %zu slab cache%s",
			 text_human_kb(m->mi.total_kb, total, sizeof total), m->seen[MI_TMPFS], m->seen[MI_SYSV],
			 m->seen[MI_SYSV] == 1 ? "" : "s", m->seen[MI_SLAB], m->seen[MI_SLAB] == 1 ? "" : "s");
	else
		snprintf(buf, sizeof buf, "Memory");
	x = view_put(c->ui, y, 0, COLS, buf, ui_attr(c->ui, ROLE_STATUS));
	if (c->paused)
		x += view_put(c->ui, y, x + 2, COLS - x - 2, "PAUSED", ui_attr(c->ui, ROLE_PAUSED)) + 2;
	if (c->message[0])
		view_put(c->ui, y, x + 2, COLS - x - 2, c->message, ui_attr(c->ui, ROLE_MESSAGE));
}

// The total and the note below it (why the slab caches are not shown).
static void draw_total(const struct screen_ctx *c, const struct layout *l, const struct memmodel *m, int y)
{
	char size[24], note[192] = "";
	attr_t a = ui_attr(c->ui, ROLE_TABLE_HEADER);

	if (!m->have)
		return;
	attrset(a);
	mvhline(y, 0, ' ', COLS);
	attrset(A_NORMAL);
	view_put(c->ui, y, 0, l->name_w, "Total (MemTotal)", a);
	signed_size(memmodel_total_kb(m), size, sizeof size);
	put_right(c->ui, y, l->x_size, SIZE_W, size, a);
	if (m->have_lists && m->err[MI_SLAB] == -EACCES)
		snprintf(note, sizeof note, "slab caches not shown: /proc/slabinfo is root's only");
	else if (m->have_lists && m->err[MI_SLAB])
		snprintf(note, sizeof note, "slab caches not shown: /proc/slabinfo: %s", strerror(-m->err[MI_SLAB]));
	else if (!m->have_lists)
		snprintf(note, sizeof note, "tmpfs, SysV and slab: read from the next refresh on");
	if (note[0])
		view_put(c->ui, y + 1, 0, COLS, note, ui_attr(c->ui, ROLE_DIM));
}


static void memory_draw(void *st, const struct screen_ctx *c)
{
	struct memory_screen *v = st;
	const struct memmodel *m = &c->mon->mem;
	struct layout l = layout_of(COLS);
	size_t page = page_rows(), count;

	v->rows_y = 2;
	draw_status(c, m, 0);
	draw_titles(c->ui, &l, 1);
	if (!m->have) {
		view_put(c->ui, v->rows_y, 1, COLS - 1, screen_replay(c) ? "a recording does not keep the "
			 "memory breakdown" : "no breakdown yet (/proc/meminfo not read)", ui_attr(c->ui, ROLE_DIM));
	}
	list_scroll(&v->top, v->sel, v->nrows, page);
	count = v->nrows - v->top < page ? v->nrows - v->top : page;
	for (size_t i = 0; i < count; i++)
		draw_row(c->ui, &l, v->rows_y + (int)i, &v->rows[v->top + i], v->top + i == v->sel);
	draw_total(c, &l, m, LINES - 3);
	screen_draw_footer(&screen_memory, c);
}

/* ---- keys ---------------------------------------------------------------- */

static struct action move_by(struct memory_screen *v, long rows)
{
	long row = (long)v->sel + rows;

	v->sel = row < 0 || v->nrows == 0 ? 0 : (size_t)row >= v->nrows ? v->nrows - 1 : (size_t)row;
	return NONE;
}

static struct action act_up(void *st, const struct screen_ctx *c) { (void)c; return move_by(st, -1); }
static struct action act_down(void *st, const struct screen_ctx *c) { (void)c; return move_by(st, 1); }
static struct action act_pgup(void *st, const struct screen_ctx *c) { (void)c; return move_by(st, -(long)page_rows()); }
static struct action act_pgdn(void *st, const struct screen_ctx *c) { (void)c; return move_by(st, (long)page_rows()); }
static struct action act_home(void *st, const struct screen_ctx *c) { (void)c; return move_by(st, -(long)MEMMODEL_ROWS_MAX); }
static struct action act_end(void *st, const struct screen_ctx *c) { (void)c; return move_by(st, (long)MEMMODEL_ROWS_MAX); }

// q returns here (it quits on the list only), as in the cgroup view.
static const struct binding bindings[] = {
	{ { 'q', KEY_BACKSPACE, 127, 8 }, "q Backspace", "back to the process list", screen_act_back, "Back", BIND_BOTH },
	{ { 'm', KEY_LEFT, KEY_ESC }, "m Esc", "back to the process list", screen_act_back, NULL, BIND_BOTH },
	{ { KEY_F(10) }, "F10", "quit", screen_act_quit, NULL, BIND_BOTH },
	{ { 'h', '?', KEY_F(1) }, "h ? F1", "this help", screen_act_help, "Help", BIND_BOTH },
	{ { KEY_UP }, "Up", "select the previous row", act_up, NULL, BIND_BOTH },
	{ { KEY_DOWN }, "Down", "select the next row", act_down, NULL, BIND_BOTH },
	{ { KEY_PPAGE, KEY_CTRL('b') }, "PgUp", "up one page", act_pgup, NULL, BIND_BOTH },
	{ { KEY_NPAGE, KEY_CTRL('f') }, "PgDn", "down one page", act_pgdn, NULL, BIND_BOTH },
	{ { KEY_HOME, 'g' }, "Home g", "first row", act_home, NULL, BIND_BOTH },
	{ { KEY_END }, "End", "last row", act_end, NULL, BIND_BOTH },
	{ { '[' }, "[ ]", "previous / next recorded sample", screen_act_sample_prev, NULL, BIND_REPLAY },
	{ { ']' }, NULL, NULL, screen_act_sample_next, NULL, BIND_REPLAY },
};
#define NBINDINGS (sizeof bindings / sizeof bindings[0])

static struct action memory_key(void *st, const struct screen_ctx *c, int ch)
{
	return screen_bound_key(&screen_memory, st, c, ch);
}

/* ---- the frame ----------------------------------------------------------- */

static void memory_enter(void *st, const struct screen_ctx *c, const struct action *why)
{
	struct memory_screen *v = st;

	(void)why;
	v->mon = c->mon;
	monitor_set_breakdown_every(v->mon, MONITOR_BREAKDOWN_VIEW_S);
	memory_screen_rebuild(v, &c->mon->mem);
}

static void memory_tick(void *st, const struct screen_ctx *c)
{
	memory_screen_rebuild(st, &c->mon->mem);
}

static void memory_leave(void *st)
{
	struct memory_screen *v = st;

	if (v->mon)
		monitor_set_breakdown_every(v->mon, MONITOR_BREAKDOWN_EVERY_S);
}

static void memory_free(void *st)
{
	struct memory_screen *v = st;

	free(v->rows);
	*v = (struct memory_screen){ 0 };
}

static struct memory_screen memory_state;

const struct screen screen_memory = {
	.name = "memory",
	.state = &memory_state,
	.enter = memory_enter,
	.draw = memory_draw,
	.key = memory_key,
	.tick = memory_tick,
	.leave = memory_leave,
	.free = memory_free,
	.bindings = bindings,
	.nbindings = NBINDINGS,
};
