/* view_alloc.c — the allocation-sites screen: the session's state and
 * counters above, one row per stack with outstanding allocations (suspects
 * first, as model/allocsites.c sorts them), the selected row's whole stack
 * below. Draws m->alloc; attaches on enter, reads on each tick, detaches
 * on leaving. */
#include "ui/view_alloc.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/view_help.h"
#include "util/text.h"

static struct alloc_screen alloc_state;

#define HEAD_LINES 4               // title, mode, totals, the state or losses line

/* ---- the site of a stack ------------------------------------------------ */

// The libraries whose own frames stand between an allocation and its site:
// the allocators and the C++ runtime (strdup, fopen, std::string...).
static const char *const wrapper_libs[] = { "libc.so", "libc-", "libstdc++.so", "libjemalloc.so",
					    "libtcmalloc", "libmimalloc.so" };
// Wrappers that live in the program or in other libraries.
static const char *const wrapper_funcs[] = { "xmalloc", "xcalloc", "xrealloc", "xstrdup", "xzalloc",
					     "g_malloc", "g_malloc0", "g_realloc", "g_try_malloc",
					     "g_try_malloc0", "g_strdup", "g_memdup", "g_memdup2",
					     "g_slice_alloc", "g_slice_alloc0" };

static bool is_wrapper(const struct alloc_frame *f)
{
	const char *file = text_base_name(f->file);

	for (size_t i = 0; i < sizeof wrapper_libs / sizeof *wrapper_libs; i++)
		if (strncmp(file, wrapper_libs[i], strlen(wrapper_libs[i])) == 0)
			return true;
	if (!f->func)
		return false;
	if (strncmp(f->func, "_Znw", 4) == 0 || strncmp(f->func, "_Zna", 4) == 0 ||
	    strncmp(f->func, "operator new", 12) == 0)
		return true;
	for (size_t i = 0; i < sizeof wrapper_funcs / sizeof *wrapper_funcs; i++)
		if (strcmp(f->func, wrapper_funcs[i]) == 0)
			return true;
	return false;
}

const struct alloc_frame *alloc_screen_site(const struct alloc_stack *st)
{
	if (!st || !st->frames || st->depth == 0)
		return NULL;
	for (uint32_t i = 0; i < st->depth && i < ALLOC_STACK_MAX; i++)
		if (!is_wrapper(&st->frames[i]))
			return &st->frames[i];
	return &st->frames[0];
}

// A frame of the stack pane: "func+0x1a  /path/of/file", or
// "/path/of/file+0x1a" without a symbol.
static void pane_frame(const struct alloc_frame *f, char *buf, size_t cap)
{
	if (f->func && f->ip)
		snprintf(buf, cap, "%s+0x%" PRIx64 "  %s", f->func, f->offset, f->file ? f->file : "[unknown]");
	else
		allocsites_frame_text(f, true, buf, cap);
}

/* ---- numbers ------------------------------------------------------------ */

// "999", "12.3k", "4.5M": a count in at most 6 characters.
static char *human_count(uint64_t n, char *buf, size_t cap)
{
	static const char units[] = "kMGTPE";
	double v = (double)n;
	int u = -1;

	if (n < 100000) {
		snprintf(buf, cap, "%" PRIu64, n);
		return buf;
	}
	while (v >= 999.5 && u < 5) {
		v /= 1000.0;
		u++;
	}
	snprintf(buf, cap, v < 9.95 ? "%.1f%c" : "%.0f%c", v, units[u]);
	return buf;
}

// "42s", "5m09s", "1h02m", "3d04h", "365d"; "?" unknown. At most 6 characters.
static char *human_age(double s, char *buf, size_t cap)
{
	long t;

	if (s < 0 || isnan(s)) {
		snprintf(buf, cap, "?");
		return buf;
	}
	t = s > 1e9 ? 1000000000L : (long)s;
	if (t >= 100 * 86400)
		snprintf(buf, cap, "%ldd", t / 86400);
	else if (t >= 86400)
		snprintf(buf, cap, "%ldd%02ldh", t / 86400, t % 86400 / 3600);
	else if (t >= 3600)
		snprintf(buf, cap, "%ldh%02ldm", t / 3600, t % 3600 / 60);
	else if (t >= 60)
		snprintf(buf, cap, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, cap, "%lds", t);
	return buf;
}

// A rate in bytes, clamped to what int64_t holds.
static int64_t clamp_i64(double d)
{
	if (d >= 9.2e18)
		return INT64_MAX;
	if (d <= -9.2e18)
		return -INT64_MAX;
	return (int64_t)d;
}

// "+1.5M/s" from 1 KiB a second up, "+300K/min" below (the model's rate:
// the trend's slope when judged, else growth over the time attached).
static char *human_rate(const struct allocsite_row *r, char *buf, size_t cap)
{
	char mag[24];

	if (isnan(r->rate_bytes_s))
		snprintf(buf, cap, "-");
	else if (fabs(r->rate_bytes_s) >= 1024.0)
		snprintf(buf, cap, "%s/s", text_human_delta_bytes(clamp_i64(r->rate_bytes_s), mag, sizeof mag));
	else
		snprintf(buf, cap, "%s/min", text_human_delta_bytes(clamp_i64(r->rate_bytes_s * 60.0), mag, sizeof mag));
	return buf;
}

/* ---- the selection ------------------------------------------------------ */

static bool row_is_selected_stack(const struct alloc_screen *v, const struct allocsite_row *r)
{
	if (!r->stack)
		return false;
	return v->sel_id >= 0 ? r->stack->id == v->sel_id : r->stack == v->sel_stack;
}

// Remembers the selected row's stack, to find it again after a reading.
static void remember_sel(struct alloc_screen *v, const struct allocsites *a)
{
	const struct allocsite_row *r = v->sel < a->nrows ? &a->rows[v->sel] : NULL;

	v->sel_stack = r ? r->stack : NULL;
	v->sel_id = r && r->stack ? r->stack->id : -1;
}

// Puts the selection back on its stack (rows are sorted again at each
// reading) once the user chose one (until then, and after Home, it stays on
// the top row: the worst suspect), and within the rows.
static void follow_sel(struct alloc_screen *v, const struct allocsites *a)
{
	if (v->chosen && (v->sel_stack || v->sel_id >= 0))
		for (size_t i = 0; i < a->nrows; i++)
			if (row_is_selected_stack(v, &a->rows[i])) {
				v->sel = i;
				break;
			}
	if (v->sel >= a->nrows)
		v->sel = a->nrows ? a->nrows - 1 : 0;
	remember_sel(v, a);
}

/* ---- layout ------------------------------------------------------------- */

// The screen's parts: the table from table_y (its title, then rows lines)
// and, a blank line below, the stack pane from pane_y (its title, then
// frames: pane lines in all; 0 none).
struct alloc_layout {
	int table_y, rows, pane_y, pane;
};

static struct alloc_layout layout_of(const struct allocsites *a, const struct alloc_screen *v)
{
	struct alloc_layout l = { .table_y = HEAD_LINES };
	const struct allocsite_row *r = v->sel < a->nrows ? &a->rows[v->sel] : NULL;
	int room = LINES - HEAD_LINES - 2;       // below the table's title, above the footer
	int want = a->nrows ? (int)(a->nrows < (size_t)room ? a->nrows : (size_t)room) : 1;

	l.pane = !r ? 0 : r->stack && r->stack->depth ? (int)r->stack->depth + 1 : 1;   // 1: why no stack
	l.rows = want;
	if (want + (l.pane ? l.pane + 1 : 0) > room) {
		// Not both whole: the pane gets at most half, the table the rest.
		if (l.pane + 1 > room / 2)
			l.pane = room / 2 - 1;
		if (l.pane < 2)                  // its title and a frame at least
			l.pane = 0;
		l.rows = room - (l.pane ? l.pane + 1 : 0);
	}
	if (l.rows < 1)
		l.rows = 1;
	l.pane_y = l.table_y + 1 + l.rows + 1;
	return l;
}

static int page_rows(const struct alloc_screen *v)
{
	return layout_of(&v->mon->alloc, v).rows;
}

/* ---- drawing ------------------------------------------------------------ */

// Line 0: whose sites, on what, for how long. Where that does not fit, the
// allocator moves to the start of line 1 (allocator_on_line1).
static bool title_line(const struct alloc_screen *v, const struct screen_ctx *c, bool with_allocator, char *buf,
		       size_t cap)
{
	const struct allocsites *a = &c->mon->alloc;
	const char *dash = c->ui->utf8 ? " \u2014 " : " - ";
	char when[96] = "", t1[24], t2[24], fit[1024];
	bool alloc = with_allocator && a->last.allocator[0] && a->state != ALLOCSITES_FAILED;
	size_t o;

	if (a->state == ALLOCSITES_ON || a->state == ALLOCSITES_ENDED) {
		o = (size_t)snprintf(when, sizeof when, "%sattached %s", dash,
				     human_age(a->t - a->attached_t, t1, sizeof t1));
		if (a->state == ALLOCSITES_ON && a->limit_s > 0 && o < sizeof when)
			snprintf(when + o, sizeof when - o, ", detaches in %s",
				 human_age(fmax(0, a->limit_s - (a->t - a->attached_t)), t2, sizeof t2));
		else if (a->state == ALLOCSITES_ENDED && o < sizeof when)
			snprintf(when + o, sizeof when - o, ", detached");
	}
	snprintf(buf, cap, "Allocation sites of %d %s%s%s%s", v->pid, v->comm, alloc ? dash : "",
		 alloc ? a->last.allocator : "", when);
	return text_fit(buf, COLS + 1, c->ui->utf8, fit, sizeof fit) <= COLS;
}

static bool allocator_on_line1(const struct alloc_screen *v, const struct screen_ctx *c)
{
	char buf[512];

	return c->mon->alloc.last.allocator[0] && c->mon->alloc.state != ALLOCSITES_FAILED &&
	       !title_line(v, c, true, buf, sizeof buf);
}

static void draw_title(const struct alloc_screen *v, const struct screen_ctx *c)
{
	char buf[512];

	if (!title_line(v, c, true, buf, sizeof buf))
		title_line(v, c, false, buf, sizeof buf);
	view_put(c->ui, 0, 0, COLS, buf, ui_attr(c->ui, ROLE_LABEL));
}

// Line 1: what is tracked; line 2: the totals (none without a session).
static void draw_counts(const struct alloc_screen *v, const struct screen_ctx *c)
{
	const struct allocsites *a = &c->mon->alloc;
	const struct alloc_snapshot *s = &a->last;
	char buf[512], b1[16], b2[16], b3[16], b4[16], b5[16], min[32] = "", pre[128] = "";

	if (a->state == ALLOCSITES_FAILED || a->state == ALLOCSITES_OFF)
		return;                           // nothing was tracked
	if (s->min_size)
		snprintf(min, sizeof min, " %s %s", c->ui->utf8 ? "\u2265" : ">=", text_human_bytes(s->min_size, b1, sizeof b1));
	if (allocator_on_line1(v, c))
		snprintf(pre, sizeof pre, "%s: ", s->allocator);
	if (s->sample_every > 1)
		snprintf(buf, sizeof buf, "%s%cracking 1 in %" PRIu32 " allocations%s: estimates",
			 pre, pre[0] ? 't' : 'T', s->sample_every, min);
	else
		snprintf(buf, sizeof buf, "%s%cracking every allocation%s", pre, pre[0] ? 't' : 'T', min);
	view_put(c->ui, 1, 0, COLS, buf, A_NORMAL);
	snprintf(buf, sizeof buf, "Outstanding %s in %s allocations over %zu stacks;  seen: %s allocs, %s frees",
		 text_human_bytes(a->total_bytes, b2, sizeof b2), human_count(a->total_count, b3, sizeof b3), a->nsites,
		 human_count(s->allocs, b4, sizeof b4), human_count(s->frees, b5, sizeof b5));
	view_put(c->ui, 2, 0, COLS, buf, A_NORMAL);
}

// Line 3: why it failed or ended, else what was lost, else a stripped
// executable's note.
static void draw_state(const struct screen_ctx *c)
{
	const struct allocsites *a = &c->mon->alloc;
	const struct alloc_snapshot *s = &a->last;
	char buf[512], n1[16], n2[16];
	size_t o = 0;

	if (a->state == ALLOCSITES_FAILED || a->state == ALLOCSITES_OFF) {
		snprintf(buf, sizeof buf, "Not attached: %s", a->why[0] ? a->why : "no session");
		view_put(c->ui, 3, 0, COLS, buf, ui_attr(c->ui, ROLE_MESSAGE));
		return;
	}
	if (a->state == ALLOCSITES_ENDED)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "Ended: %s; the last reading is shown.  ",
				      a->why[0] ? a->why : "detached");
	if (s->untracked_full && o < sizeof buf)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "table full: %s not tracked  ",
				      human_count(s->untracked_full, n1, sizeof n1));
	if (s->stacks_lost && o < sizeof buf)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s without a stack  ",
				      human_count(s->stacks_lost, n2, sizeof n2));
	if (s->exe_stripped && o < sizeof buf)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "executable stripped: its frames are offsets");
	if (o)
		view_put(c->ui, 3, 0, COLS, buf, ui_attr(c->ui, a->state == ALLOCSITES_ENDED ? ROLE_PAUSED :
						       s->untracked_full || s->stacks_lost ? ROLE_MESSAGE : ROLE_DIM));
}

#define COLS_FMT "%7s %6s %6s %7s %10s %-5s "
#define SITE_X 47                  // where SITE starts: the columns above, a space each

static void draw_table_header(const struct screen_ctx *c, int y)
{
	char buf[128];

	attrset(ui_attr(c->ui, ROLE_TABLE_HEADER));
	mvhline(y, 0, ' ', COLS);
	snprintf(buf, sizeof buf, COLS_FMT "%s", "BYTES", "COUNT", "OLDEST", "GROWTH", "RATE", "LEAK", "SITE");
	view_put(c->ui, y, 0, COLS, buf, ui_attr(c->ui, ROLE_TABLE_HEADER));
	attrset(A_NORMAL);
}

static void draw_row(const struct screen_ctx *c, int y, const struct allocsite_row *r, bool selected)
{
	char b[16], n[16], age[24], g[24], rate[32], leak[16] = "", site[1024], buf[128];
	const struct alloc_frame *f = alloc_screen_site(r->stack);
	attr_t attr = selected ? ui_attr(c->ui, ROLE_SELECTION) : A_NORMAL;

	if (r->suspect)
		snprintf(leak, sizeof leak, "%s%.0f%%", c->ui->utf8 ? "\u25b2" : "^", r->score * 100);
	if (f)
		allocsites_frame_text(f, false, site, sizeof site);
	else
		snprintf(site, sizeof site, "%s", r->stack || c->mon->alloc.state == ALLOCSITES_ON ?
			 "(no stack: lost)" : "(detached)");
	if (selected) {
		attrset(attr);
		mvhline(y, 0, ' ', COLS);
	}
	snprintf(buf, sizeof buf, "%7.7s %6.6s %6.6s %7.7s %10.10s ", text_human_bytes(r->bytes, b, sizeof b),
		 human_count(r->count, n, sizeof n), human_age(r->oldest_age_s, age, sizeof age),
		 text_human_delta_bytes(r->growth_bytes, g, sizeof g), human_rate(r, rate, sizeof rate));
	view_put(c->ui, y, 0, COLS, buf, attr);
	view_put(c->ui, y, SITE_X - 6, 5, leak, selected ? attr : r->suspect ? ui_attr(c->ui, ROLE_LEAK) : attr);
	view_put(c->ui, y, SITE_X, COLS - SITE_X, site, attr);
}

// The selected row's stack, innermost frame first, from line y for rows lines.
static void draw_stack(const struct alloc_screen *v, const struct screen_ctx *c, int y, int rows)
{
	const struct allocsites *a = &c->mon->alloc;
	const struct allocsite_row *r = v->sel < a->nrows ? &a->rows[v->sel] : NULL;
	const struct alloc_frame *site = r ? alloc_screen_site(r->stack) : NULL;
	char buf[1024], line[1100];

	if (rows < 1)
		return;
	if (!r || !r->stack || !r->stack->depth) {
		view_put(c->ui, y, 0, COLS, !r ? "" : r->stack || a->state == ALLOCSITES_ON ? "Stack: lost (the "
			 "stack table was full or the walk failed)" : "Stack: gone with the session (detached)",
			 ui_attr(c->ui, ROLE_DIM));
		return;
	}
	snprintf(buf, sizeof buf, "Stack of the selected site (%" PRIu32 " frame%s, innermost first; > the site):",
		 r->stack->depth, r->stack->depth == 1 ? "" : "s");
	view_put(c->ui, y++, 0, COLS, buf, ui_attr(c->ui, ROLE_LABEL));
	for (uint32_t i = 0; i < r->stack->depth && i < ALLOC_STACK_MAX && (int)i < rows - 1; i++) {
		const struct alloc_frame *f = &r->stack->frames[i];

		pane_frame(f, buf, sizeof buf);
		snprintf(line, sizeof line, "%c %2" PRIu32 " %s", f == site ? '>' : ' ', i, buf);
		view_put(c->ui, y + (int)i, 0, COLS, line, f == site ? A_BOLD : A_NORMAL);
	}
	if (r->stack->depth > (uint32_t)(rows - 1) && rows > 1 && !v->full_stack)
		view_put(c->ui, y + rows - 2, 0, COLS, "    ... (Enter: the whole stack)", ui_attr(c->ui, ROLE_DIM));
}

static void draw_table(struct alloc_screen *v, const struct screen_ctx *c, const struct alloc_layout *l)
{
	const struct allocsites *a = &c->mon->alloc;
	int y = l->table_y + 1;

	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)l->rows)
		v->top = v->sel - (size_t)l->rows + 1;
	draw_table_header(c, l->table_y);
	if (a->nrows == 0) {
		view_put(c->ui, y, 1, COLS - 1, a->state == ALLOCSITES_ON ? "No outstanding allocation tracked yet." :
			 a->state == ALLOCSITES_ENDED ? "No outstanding allocation when it ended." : "",
			 ui_attr(c->ui, ROLE_DIM));
		return;
	}
	for (size_t i = v->top; i < a->nrows && y < l->table_y + 1 + l->rows; i++, y++)
		draw_row(c, y, &a->rows[i], i == v->sel);
}

static void draw_footer(const struct alloc_screen *v, const struct screen_ctx *c)
{
	char buf[256];

	snprintf(buf, sizeof buf, "a/Esc back (detaches)  Up/Down PgUp/PgDn Home/End select  Enter %s  h help",
		 v->full_stack ? "table" : "stack");
	view_put(c->ui, LINES - 1, 0, COLS, buf, ui_attr(c->ui, ROLE_FOOTER_TEXT));
}

static void alloc_draw(void *state, const struct screen_ctx *c)
{
	struct alloc_screen *v = state;
	const struct allocsites *a = &c->mon->alloc;
	struct alloc_layout l;

	v->mon = c->mon;
	follow_sel(v, a);
	draw_title(v, c);
	draw_counts(v, c);
	draw_state(c);
	if (v->full_stack && a->nrows) {
		draw_stack(v, c, HEAD_LINES, LINES - HEAD_LINES - 1);
	} else if (a->state != ALLOCSITES_FAILED && a->state != ALLOCSITES_OFF) {
		l = layout_of(a, v);
		draw_table(v, c, &l);
		if (l.pane)
			draw_stack(v, c, l.pane_y, l.pane);
	}
	draw_footer(v, c);
}

/* ---- life cycle --------------------------------------------------------- */

// Opened from the detail view for (pid, start_ticks): attaches. Back from
// its help (no pid): the same session.
static void alloc_enter(void *state, const struct screen_ctx *c, const struct action *why)
{
	struct alloc_options opt = c->alloc_opts ? *c->alloc_opts : (struct alloc_options){ 0 };
	struct alloc_screen *v = state;
	const struct proc *p;

	v->mon = c->mon;
	v->keep = false;
	if (!why || why->pid <= 0)
		return;
	*v = (struct alloc_screen){ .mon = c->mon, .back = why->from, .pid = why->pid,
				    .start_ticks = why->start_ticks, .sel_id = -1 };
	p = proctable_find(&c->mon->table, why->pid);
	if (p && p->start_ticks == why->start_ticks && p->s && p->s->comm)
		snprintf(v->comm, sizeof v->comm, "%s", p->s->comm);
	if (opt.sample_every == 0)
		opt.sample_every = 1;
	monitor_alloc_start(c->mon, why->pid, why->start_ticks, &opt, c->alloc_limit_s);
	remember_sel(v, &c->mon->alloc);
}

static void alloc_tick(void *state, const struct screen_ctx *c)
{
	struct alloc_screen *v = state;

	if (c->mon->alloc.state == ALLOCSITES_ON)
		monitor_alloc_poll(c->mon);
	follow_sel(v, &c->mon->alloc);
}

// Leaving for anything but its help detaches.
static void alloc_leave(void *state)
{
	struct alloc_screen *v = state;

	if (!v->keep && v->mon)
		monitor_alloc_stop(v->mon, "detached");
	v->keep = false;
}

/* ---- keys --------------------------------------------------------------- */

static struct action act_back(void *st, const struct screen_ctx *c)
{
	struct alloc_screen *v = st;

	(void)c;
	if (!v->back)
		return action_of(ACTION_BACK);
	return (struct action){ .kind = ACTION_OPEN, .screen = v->back, .pid = v->pid,
				.start_ticks = v->start_ticks };
}

static struct action act_help(void *st, const struct screen_ctx *c)
{
	struct alloc_screen *v = st;

	(void)c;
	v->keep = true;
	return (struct action){ .kind = ACTION_OPEN, .screen = &screen_help };
}

static struct action act_stack(void *st, const struct screen_ctx *c)
{
	struct alloc_screen *v = st;

	(void)c;
	v->full_stack = !v->full_stack;
	return action_of(ACTION_NONE);
}

// Moves the selection by d rows, within the rows.
static struct action move_sel(struct alloc_screen *v, const struct screen_ctx *c, long d)
{
	const struct allocsites *a = &c->mon->alloc;
	long n = (long)a->nrows, s = (long)v->sel + d;

	v->sel = (size_t)(s < 0 || n == 0 ? 0 : s >= n ? n - 1 : s);
	v->chosen = v->sel > 0;
	remember_sel(v, a);
	return action_of(ACTION_NONE);
}

static struct action act_up(void *st, const struct screen_ctx *c) { return move_sel(st, c, -1); }
static struct action act_down(void *st, const struct screen_ctx *c) { return move_sel(st, c, 1); }
static struct action act_pgup(void *st, const struct screen_ctx *c)
{
	((struct alloc_screen *)st)->mon = c->mon;
	return move_sel(st, c, -page_rows(st));
}
static struct action act_pgdn(void *st, const struct screen_ctx *c)
{
	((struct alloc_screen *)st)->mon = c->mon;
	return move_sel(st, c, page_rows(st));
}
static struct action act_home(void *st, const struct screen_ctx *c) { return move_sel(st, c, -ALLOCSITES_MAX_ROWS); }
static struct action act_end(void *st, const struct screen_ctx *c) { return move_sel(st, c, ALLOCSITES_MAX_ROWS); }

static const struct binding bindings[] = {
	{ { 'a', 'q', KEY_BACKSPACE, 127 }, "a q", "detach and go back to the detail view", act_back, "Back",
	  BIND_BOTH },
	{ { KEY_ESC, KEY_LEFT, 8 }, "Esc Left", "detach and go back to the detail view", act_back, NULL, BIND_BOTH },
	{ { KEY_F(10) }, "F10", "quit (detaches)", screen_act_quit, NULL, BIND_BOTH },
	{ { 'h', '?', KEY_F(1) }, "h ? F1", "this help (stays attached)", act_help, "Help", BIND_BOTH },
	{ { '\n', '\r', KEY_ENTER }, "Enter", "the selected site's whole stack, or back to the table", act_stack,
	  "Stack", BIND_BOTH },
	{ { KEY_UP, 'k' }, "Up", "select the site above", act_up, NULL, BIND_BOTH },
	{ { KEY_DOWN, 'j' }, "Down", "select the site below", act_down, NULL, BIND_BOTH },
	{ { KEY_PPAGE, KEY_CTRL('b') }, "PgUp", "up one page", act_pgup, NULL, BIND_BOTH },
	{ { KEY_NPAGE, KEY_CTRL('f') }, "PgDn", "down one page", act_pgdn, NULL, BIND_BOTH },
	{ { KEY_HOME, 'g' }, "Home g", "the first site (suspects come first)", act_home, NULL, BIND_BOTH },
	{ { KEY_END, 'G' }, "End G", "the last site", act_end, NULL, BIND_BOTH },
};

static struct action alloc_key(void *state, const struct screen_ctx *c, int ch)
{
	((struct alloc_screen *)state)->mon = c->mon;
	return screen_bound_key(&screen_alloc, state, c, ch);
}

const struct screen screen_alloc = {
	.name = "alloc",
	.state = &alloc_state,
	.enter = alloc_enter,
	.draw = alloc_draw,
	.key = alloc_key,
	.tick = alloc_tick,
	.leave = alloc_leave,
	.bindings = bindings,
	.nbindings = sizeof bindings / sizeof *bindings,
};
