/* view_list.c — the main screen: memory meters and PSI, status line, the
 * process table, the footer; its keys (one table, which the help screen and
 * the footer are generated from); the help screen and the sort pick list. */
#include "ui/view.h"
#include "ui/view_table.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/columns.h"
#include "util/graph.h"
#include "util/text.h"
#include "model/trend.h"
#include "util/mathutil.h"

#define KEY_ESC 27
#define KEY_CTRL(c) ((c) & 0x1f)

/* ---- header ------------------------------------------------------------- */

// One part of a meter's bar: a share of its total, drawn in a role.
struct meter_part {
	uint64_t kb;
	enum ui_role role;
	char glyph;
};

// "Mem[|||||::::     1.2G/7.6G]": the bar's parts in turn, each in its
// glyph and role, the numbers — the first part of the total — over its
// right end.
static void draw_meter(struct app *a, int y, int width, const char *label, uint64_t total,
		       const struct meter_part *parts, int nparts)
{
	char u[16], t[16], text[40];
	int lw = (int)strlen(label), inner = width - lw - 2, x = lw + 1, tlen;
	uint64_t sum = 0;

	if (inner < 1)
		return;
	snprintf(text, sizeof text, "%s/%s", text_human_kb(parts[0].kb, u, sizeof u),
		 text_human_kb(total, t, sizeof t));
	tlen = (int)strlen(text);
	view_put(&a->ui, y, 0, lw, label, ui_attr(&a->ui, ROLE_LABEL));
	mvaddch(y, lw, '[');
	for (int p = 0; p < nparts; p++) {
		// Each part ends where the running sum ends, so rounding never
		// makes the parts overflow the bar.
		int end;

		sum += parts[p].kb;
		end = total ? (int)((double)inner * (double)sum / (double)total + 0.5) : 0;
		end = end > inner ? inner : end;
		attrset(ui_attr(&a->ui, parts[p].role));
		for (; x < lw + 1 + end; x++)
			mvaddch(y, x, (chtype)(unsigned char)parts[p].glyph);
	}
	attrset(A_NORMAL);
	if (tlen <= inner)
		view_put(&a->ui, y, lw + 1 + inner - tlen, tlen, text, ui_attr(&a->ui, ROLE_METER_TEXT));
	mvaddch(y, lw + 1 + inner, ']');
}

// One PSI line: "PSI some  1.20  0.50  0.10" (avg10, avg60, avg300; on a
// narrow screen without avg300), coloured by its level.
static void draw_psi_line(struct app *a, int y, int x, const char *name,
			  const struct psi_line *l, enum psi_level level, bool narrow)
{
	static const enum ui_role roles[] = { ROLE_PSI_OK, ROLE_PSI_WARN, ROLE_PSI_CRIT };
	char buf[64];

	view_put(&a->ui, y, x, 4, "PSI", ui_attr(&a->ui, ROLE_LABEL));
	if (!l->valid) {
		snprintf(buf, sizeof buf, "%s n/a", name);
		view_put(&a->ui, y, x + 4, COLS - x - 4, buf, ui_attr(&a->ui, ROLE_DIM));
		return;
	}
	if (narrow)
		snprintf(buf, sizeof buf, "%s %5.2f %5.2f", name, l->avg10, l->avg60);
	else
		snprintf(buf, sizeof buf, "%s %5.2f %5.2f %5.2f", name, l->avg10, l->avg60, l->avg300);
	view_put(&a->ui, y, x + 4, COLS - x - 4, buf, ui_attr(&a->ui, roles[level]));
}

// A sparkline of the per-interval stall share, after a PSI line: scaled to
// at least 10 % so an idle machine's noise stays flat.
static void draw_psi_spark(struct app *a, int y, int x, const float *hist, unsigned n, int width)
{
	uint32_t v[SYSMODEL_PSI_LEN];
	char buf[3 * SYSMODEL_PSI_LEN + 1];

	for (unsigned i = 0; i < n; i++)
		v[i] = (uint32_t)(hist[i] * 100.0f);       // hundredths of a percent
	if (n && graph_sparkline(v, n, 1000, width, a->ui.utf8, buf, sizeof buf))
		view_put_spark(&a->ui, y, x, width, buf);
}

// Lines 0 and 1: memory and swap meters, PSI beside them (with the stall
// share of each recent interval as a sparkline on wide screens).
static void draw_header(struct app *a)
{
	const struct sys_sample *sys = &a->mon.snap.sys;
	bool narrow = COLS < 70;
	int spark_w = COLS >= 110 ? 12 : 0;
	int psi_w = (narrow ? 21 : 27) + (spark_w ? spark_w + 1 : 0), meter_w = COLS - psi_w - 1;

	if (sys->have_meminfo) {
		// Used is what MemAvailable does not cover; the cache part is what
		// is available but not free (reclaimable cache), the rest is free.
		uint64_t used = sys->total_kb - sys->available_kb;
		uint64_t cache = sys->available_kb > sys->free_kb ? sys->available_kb - sys->free_kb : 0;
		const struct meter_part mem[] = {
			{ used, ROLE_METER_USED, '|' }, { cache, ROLE_METER_CACHE, ':' },
			{ sys->total_kb - used - cache, ROLE_METER_FREE, ' ' },
		};
		const struct meter_part swp[] = {
			{ sys->swap_total_kb - sys->swap_free_kb, ROLE_METER_SWAP, '|' },
			{ sys->swap_free_kb, ROLE_METER_FREE, ' ' },
		};

		draw_meter(a, 0, meter_w, "Mem", sys->total_kb, mem, 3);
		draw_meter(a, 1, meter_w, "Swp", sys->swap_total_kb, swp, 2);
	} else {
		view_put(&a->ui, 0, 0, meter_w, "Mem n/a", ui_attr(&a->ui, ROLE_DIM));
	}
	if (!sys->have_psi) {
		view_put(&a->ui, 0, meter_w + 1, psi_w, "PSI n/a", ui_attr(&a->ui, ROLE_DIM));
		return;
	}
	draw_psi_line(a, 0, meter_w + 1, "some", &sys->psi.some, psi_level_some(&sys->psi.some), narrow);
	draw_psi_line(a, 1, meter_w + 1, "full", &sys->psi.full, psi_level_full(&sys->psi.full), narrow);
	if (spark_w) {
		draw_psi_spark(a, 0, COLS - spark_w, a->mon.sys.psi_some_hist, a->mon.sys.psi_count, spark_w);
		draw_psi_spark(a, 1, COLS - spark_w, a->mon.sys.psi_full_hist, a->mon.sys.psi_count, spark_w);
	}
}

// Line 2: counts, interval, sort, filter, pause and any message.
static void draw_status(struct app *a)
{
	char buf[512];
	int x;
	const char *arrow = a->list.descending ? (a->ui.utf8 ? "\u25bc" : "v") : (a->ui.utf8 ? "\u25b2" : "^");

	if (COLS >= 60)
		snprintf(buf, sizeof buf, "Processes: %zu  Refresh: %gs  Sort: %s %s", a->mon.table.n,
			 a->interval_s, sort_key_name(a->list.key), arrow);
	else
		snprintf(buf, sizeof buf, "%zu procs  %gs  %s %s", a->mon.table.n, a->interval_s,
			 sort_key_name(a->list.key), arrow);
	x = view_put(&a->ui, 2, 0, COLS, buf, ui_attr(&a->ui, ROLE_STATUS));
	if (a->list.filter[0]) {
		snprintf(buf, sizeof buf, "  Filter: \"%s\" (%zu shown)", a->list.filter, a->list.nrows);
		x += view_put(&a->ui, 2, x, COLS - x, buf, ui_attr(&a->ui, ROLE_PROMPT));
	}
	if (a->list.suspects_only)
		x += view_put(&a->ui, 2, x + 2, COLS - x - 2, "Leaks only", ui_attr(&a->ui, ROLE_PROMPT)) + 2;
	if (a->paused)
		x += view_put(&a->ui, 2, x + 2, COLS - x - 2, "PAUSED", ui_attr(&a->ui, ROLE_PAUSED)) + 2;
	if (a->message[0])
		view_put(&a->ui, 2, x + 2, COLS - x - 2, a->message, ui_attr(&a->ui, ROLE_MESSAGE));
}

// Line 3: the suspected leaks, fastest first, so the answer is on screen
// whatever the sort order.
static void draw_suspects(struct app *a)
{
	const struct proc *top[3];
	size_t n = 0, shown = 0;
	char buf[512];
	int x;

	for (size_t i = 0; i < a->mon.table.n; i++) {
		const struct proc *p = &a->mon.table.v[i];

		if (!p->verdict.suspected)
			continue;
		n++;
		// Keep the three fastest growers, in order (insertion).
		size_t j = shown < 3 ? shown++ : 3;
		while (j > 0 && top[j - 1]->verdict.rate_kb_per_min < p->verdict.rate_kb_per_min) {
			if (j < 3)
				top[j] = top[j - 1];
			j--;
		}
		if (j < 3)
			top[j] = p;
	}
	if (n == 0) {
		view_put(&a->ui, 3, 0, COLS, "No suspected leaks", ui_attr(&a->ui, ROLE_DIM));
		return;
	}
	snprintf(buf, sizeof buf, "%zu suspected leak%s:", n, n == 1 ? "" : "s");
	x = view_put(&a->ui, 3, 0, COLS, buf, ui_attr(&a->ui, ROLE_LEAK));
	for (size_t i = 0; i < shown && x < COLS; i++) {
		char rate[16];

		text_human_delta_kb((int64_t)round_l(top[i]->verdict.rate_kb_per_min), rate, sizeof rate);
		snprintf(buf, sizeof buf, " %d %s %s/min %.0f%%%s", top[i]->pid, top[i]->s->comm, rate,
			 top[i]->verdict.score * 100, i + 1 < shown ? "," : n > shown ? " ..." : "");
		x += view_put(&a->ui, 3, x, COLS - x, buf, ui_attr(&a->ui, ROLE_GROWTH_UP));
	}
}

// "12 min", "3 h 05 min", "2 d": a coarse duration for estimates.
static void format_eta(double s, char *buf, size_t cap)
{
	if (s < 90)
		snprintf(buf, cap, "%.0f s", s);
	else if (s < 5400)
		snprintf(buf, cap, "%.0f min", s / 60);
	else if (s < 172800) {
		long minutes = (long)(s / 60 + 0.5);

		snprintf(buf, cap, "%ld h %02ld min", minutes / 60, minutes % 60);
	}
	else
		snprintf(buf, cap, "%.0f d", s / 86400);
}

// Line 4: who the OOM killer would pick now, and when memory runs out at the
// current rate.
static void draw_oom_line(struct app *a)
{
	const struct sysmodel *m = &a->mon.sys;
	const struct proc *p = m->oom.valid ? proctable_find(&a->mon.table, m->oom.pid) : NULL;
	char buf[512], rss[16], eta[32];
	int x = 0;

	if (p) {
		snprintf(buf, sizeof buf, "OOM victim now: %d %s (score %d, RSS %s%s)  ", p->pid, p->s->comm,
			 m->oom.score, text_human_kb(p->s->rss_kb, rss, sizeof rss),
			 m->oom.tied ? ", the largest of a tie" : "");
		x = view_put(&a->ui, 4, 0, COLS, buf, A_NORMAL);
	}
	if (m->falling) {
		format_eta(m->eta_s, eta, sizeof eta);
		snprintf(buf, sizeof buf, "Memory exhausted in ~%s at the current rate", eta);
		view_put(&a->ui, 4, x, COLS - x, buf, ui_attr(&a->ui, ROLE_PSI_WARN));
	} else {
		view_put(&a->ui, 4, x, COLS - x, "Memory: stable", ui_attr(&a->ui, ROLE_DIM));
	}
}

/* ---- keys --------------------------------------------------------------- */

struct binding {
	int keys[4];               // 0-terminated when shorter
	const char *label, *help;
	void (*act)(struct app *a);
	const char *footer;        // short footer text, NULL when not in the footer
};

static size_t page_rows(void)
{
	return LINES > 7 ? (size_t)(LINES - 7) : 1;
}

static void act_quit(struct app *a) { a->quit = true; }
static void act_help(struct app *a) { a->screen = SCREEN_HELP; }
static void act_up(struct app *a) { listmodel_move(&a->list, -1); }
static void act_down(struct app *a) { listmodel_move(&a->list, 1); }
static void act_pgup(struct app *a) { listmodel_move(&a->list, -(long)page_rows()); }
static void act_pgdn(struct app *a) { listmodel_move(&a->list, (long)page_rows()); }
static void act_home(struct app *a) { listmodel_select(&a->list, 0); }
static void act_end(struct app *a) { listmodel_select(&a->list, a->list.nrows ? a->list.nrows - 1 : 0); }

static void sort_by(struct app *a, enum sort_key key)
{
	listmodel_set_sort(&a->list, key);
	app_relist(a);
}

static void act_sort_rss(struct app *a) { sort_by(a, SORT_RSS); }
static void act_sort_anon(struct app *a) { sort_by(a, SORT_ANON); }
static void act_sort_oom(struct app *a) { sort_by(a, SORT_OOM); }
static void act_sort_pid(struct app *a) { sort_by(a, SORT_PID); }
static void act_sort_growth(struct app *a) { sort_by(a, SORT_GROWTH); }
static void act_sort_eta(struct app *a) { sort_by(a, SORT_ETA); }
static void act_cgroup(struct app *a) { a->table.columns ^= COLUMN_BIT(COL_CGROUP); }

static void act_suspects(struct app *a)
{
	a->list.suspects_only = !a->list.suspects_only;
	app_relist(a);
}

// Steps the sort key through the columns on screen, in screen order.
static void sort_step(struct app *a, int dir)
{
	int key = table_key_step(&a->table, a->list.key, dir);

	if (key >= 0)
		sort_by(a, (enum sort_key)key);
}

static void act_sort_prev(struct app *a) { sort_step(a, -1); }
static void act_sort_next(struct app *a) { sort_step(a, 1); }

static void act_sort_pick(struct app *a)
{
	a->sort_pick = a->list.key;
	a->screen = SCREEN_SORT_PICK;
}

static void act_invert(struct app *a)
{
	a->list.descending = !a->list.descending;
	app_relist(a);
}

static void act_filter(struct app *a)
{
	a->prompt.kind = PROMPT_FILTER;
	snprintf(a->prompt.text, sizeof a->prompt.text, "%s", a->list.filter);
	a->prompt.len = strlen(a->prompt.text);
}

static void act_delay(struct app *a)
{
	a->prompt.kind = PROMPT_DELAY;
	snprintf(a->prompt.text, sizeof a->prompt.text, "%g", a->interval_s);
	a->prompt.len = strlen(a->prompt.text);
}

static void act_pause(struct app *a)
{
	a->paused = !a->paused;
}

static void act_detail(struct app *a)
{
	if (a->list.nrows)
		app_open_detail(a, a->list.rows[a->list.sel]);
}

// k / F9: asks which signal to send to the selected process, naming it.
static void act_signal(struct app *a)
{
	const struct proc *p;

	if (a->readonly) {
		snprintf(a->message, sizeof a->message, "read-only: sending signals is off (--readonly)");
		return;
	}
	if (!a->list.nrows)
		return;
	p = a->list.rows[a->list.sel];
	a->prompt.kind = PROMPT_SIGNAL;
	a->prompt.pid = p->pid;
	a->prompt.start_ticks = p->start_ticks;
	a->prompt.signal = 0;               // TERM
	snprintf(a->prompt.text, sizeof a->prompt.text, "%s", p->s->comm);
	a->prompt.len = strlen(a->prompt.text);
}

static void act_clear_filter(struct app *a)
{
	a->list.filter[0] = '\0';
	app_relist(a);
}

static const struct binding bindings[] = {
	{ { 'q', KEY_F(10) }, "q F10", "quit", act_quit, "Quit" },
	{ { 'h', '?', KEY_F(1) }, "h ? F1", "this help", act_help, "Help" },
	{ { KEY_UP }, "Up", "select the previous process", act_up, NULL },
	{ { KEY_DOWN }, "Down", "select the next process", act_down, NULL },
	{ { KEY_PPAGE, KEY_CTRL('b') }, "PgUp", "up one page", act_pgup, NULL },
	{ { KEY_NPAGE, KEY_CTRL('f') }, "PgDn", "down one page", act_pgdn, NULL },
	{ { KEY_HOME, 'g' }, "Home g", "first process", act_home, NULL },
	{ { KEY_END }, "End", "last process", act_end, NULL },
	{ { 'M' }, "M", "sort by resident memory (RSS)", act_sort_rss, NULL },
	{ { 'A' }, "A", "sort by anonymous memory", act_sort_anon, NULL },
	{ { 'O' }, "O", "sort by OOM score", act_sort_oom, NULL },
	{ { 'N' }, "N", "sort by PID", act_sort_pid, NULL },
	{ { 'G' }, "G", "sort by growth rate (fastest growers first)", act_sort_growth, "Growth" },
	{ { 'L' }, "L", "show only suspected leaks (again: everything)", act_suspects, "Leaks" },
	{ { 'E' }, "E", "sort by time to exhaustion: the leak that fills memory soonest first",
	  act_sort_eta, NULL },
	{ { 'C' }, "C", "show / hide the CGROUP column", act_cgroup, NULL },
	{ { '<', ',' }, "< >", "previous / next sort column", act_sort_prev, NULL },
	{ { '>', '.' }, NULL, NULL, act_sort_next, NULL },
	{ { KEY_F(6) }, "F6", "choose the sort column from a list", act_sort_pick, "Sort" },
	{ { 'I' }, "I", "invert the sort order", act_invert, "Invert" },
	{ { '/' }, "/", "filter by command or user (Enter keeps, Esc clears)", act_filter, "Filter" },
	{ { KEY_ESC }, "Esc", "clear the filter", act_clear_filter, NULL },
	{ { '\r', '\n', KEY_ENTER }, "Enter", "details of the selected process: its mappings (smaps)",
	  act_detail, NULL },
	{ { 'd' }, "d", "set the refresh interval (seconds, fractions allowed)", act_delay, "Delay" },
	{ { ' ' }, "Space", "pause / resume sampling", act_pause, "Pause" },
	{ { 'k', KEY_F(9) }, "k F9", "send a signal to the selected process (asks which; TERM first)",
	  act_signal, "Kill" },
	{ { 't' }, "t", "next colour theme", app_theme_next, NULL },
	{ { 'W' }, "W", "write the settings (interval, sort, theme, columns, sensitivity) to memtoprc",
	  app_settings_write, NULL },
};
#define NBINDINGS (sizeof bindings / sizeof bindings[0])

// The footer: the keys that have a footer text, htop-style.
static void draw_footer(struct app *a)
{
	int x = 0, y = LINES - 1;

	for (size_t i = 0; i < NBINDINGS && x < COLS; i++) {
		const char *label = bindings[i].label;
		char key[16];

		if (!bindings[i].footer)
			continue;
		// The footer shows the first name of the key ("q", "h", "F6").
		snprintf(key, sizeof key, "%.*s", (int)strcspn(label, " "), label);
		x += view_put(&a->ui, y, x, COLS - x, key, ui_attr(&a->ui, ROLE_FOOTER_KEY));
		x += view_put(&a->ui, y, x, COLS - x, bindings[i].footer, ui_attr(&a->ui, ROLE_FOOTER_TEXT));
		x += view_put(&a->ui, y, x, COLS - x, " ", A_NORMAL);
	}
}

// "Send SIGTERM to 1234 (bash)?  <- -> signal  Enter send  Esc cancel"
static void draw_signal_prompt(struct app *a)
{
	char buf[256];
	int x;

	snprintf(buf, sizeof buf, "Send SIG%s to %d (", app_signal_choices[a->prompt.signal].name, a->prompt.pid);
	x = view_put(&a->ui, LINES - 1, 0, COLS, buf, ui_attr(&a->ui, ROLE_PROMPT));
	x += view_put(&a->ui, LINES - 1, x, COLS - x, a->prompt.text, A_NORMAL);   // sanitised comm
	view_put(&a->ui, LINES - 1, x, COLS - x, ")?  Left/Right: signal  Enter: send  Esc: cancel",
		 ui_attr(&a->ui, ROLE_PROMPT));
}

static void draw_prompt(struct app *a)
{
	const char *label = a->prompt.kind == PROMPT_FILTER ? "Filter: " : "Refresh interval (s): ";
	int x = view_put(&a->ui, LINES - 1, 0, COLS, label, ui_attr(&a->ui, ROLE_PROMPT));
	char shown[LISTMODEL_FILTER_MAX * 4 + 1];

	if (a->prompt.kind == PROMPT_SIGNAL) {
		draw_signal_prompt(a);
		return;
	}
	text_sanitize(a->prompt.text, a->prompt.len, shown, sizeof shown);
	x += view_put(&a->ui, LINES - 1, x, COLS - x - 1, shown, A_NORMAL);
	view_put(&a->ui, LINES - 1, x, 1, "_", A_BLINK);
}

// Ends the prompt, applying (enter) or cancelling it.
static void prompt_finish(struct app *a, bool enter)
{
	if (a->prompt.kind == PROMPT_FILTER) {
		if (!enter)
			a->list.filter[0] = '\0';
		app_relist(a);
	} else if (enter) {
		double v;
		char err[160];

		if (cli_parse_interval(a->prompt.text, &v, err, sizeof err) == 0)
			app_set_interval(a, v);
		else
			snprintf(a->message, sizeof a->message, "%s", err);
	}
	a->prompt.kind = PROMPT_NONE;
}

// Line editing in the prompt; the filter applies as it is typed.
static void prompt_key(struct app *a, int ch)
{
	struct prompt *p = &a->prompt;

	if (p->kind == PROMPT_SIGNAL) {
		int n = (int)app_nsignal_choices;

		if (ch == KEY_LEFT || ch == KEY_RIGHT)
			p->signal = (p->signal + (ch == KEY_LEFT ? n - 1 : 1)) % n;
		else if (ch == KEY_ENTER || ch == '\r' || ch == '\n')
			app_send_signal(a);
		if (ch == KEY_ESC || ch == KEY_ENTER || ch == '\r' || ch == '\n')
			p->kind = PROMPT_NONE;
		return;
	}

	if (ch == KEY_ESC || ch == KEY_ENTER || ch == '\r' || ch == '\n') {
		prompt_finish(a, ch != KEY_ESC);
		return;
	}
	if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && p->len > 0) {
		// Remove a whole UTF-8 character: its continuation bytes, then its lead.
		while (p->len > 1 && ((unsigned char)p->text[p->len - 1] & 0xc0) == 0x80)
			p->len--;
		p->text[--p->len] = '\0';
	} else if (((ch >= 0x20 && ch < 0x7f) || (ch >= 0x80 && ch <= 0xff)) &&
		   p->len + 1 < sizeof p->text) {
		// Bytes of a multibyte character arrive one getch() at a time.
		p->text[p->len++] = (char)ch;
		p->text[p->len] = '\0';
	}
	if (p->kind == PROMPT_FILTER) {
		snprintf(a->list.filter, sizeof a->list.filter, "%s", p->text);
		app_relist(a);
	}
}

// A click on the header sorts by that column (again: inverts); on a row
// selects it.
static void mouse_key(struct app *a)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.y == a->table.header_y) {
		int key = table_key_at(&a->table, ev.x);

		if (key < 0)
			return;                     // no column, or the sparkline
		if ((int)a->list.key == key)
			act_invert(a);
		else
			sort_by(a, (enum sort_key)key);
	} else if (ev.y >= a->table.rows_y && ev.y < LINES - 1) {
		size_t row = a->list.top + (size_t)(ev.y - a->table.rows_y);

		if (row < a->list.nrows)
			listmodel_select(&a->list, row);
	}
}

void view_list_key(struct app *a, int ch)
{
	a->message[0] = '\0';
	if (a->prompt.kind != PROMPT_NONE) {
		prompt_key(a, ch);
		return;
	}
	if (ch == KEY_MOUSE) {
		mouse_key(a);
		return;
	}
	for (size_t i = 0; i < NBINDINGS; i++)
		for (size_t k = 0; k < 4 && bindings[i].keys[k]; k++)
			if (bindings[i].keys[k] == ch) {
				bindings[i].act(a);
				return;
			}
}

void view_list_draw(struct app *a)
{
	a->table.header_y = 5;
	a->table.rows_y = 6;
	if (a->mon.have_snap)
		draw_header(a);
	draw_status(a);
	if (app_alert_active(a)) {
		attrset(ui_attr(&a->ui, ROLE_ALERT));
		mvhline(3, 0, ' ', COLS);
		view_put(&a->ui, 3, 0, COLS, a->alert, ui_attr(&a->ui, ROLE_ALERT));
	} else {
		draw_suspects(a);
	}
	draw_oom_line(a);
	table_draw_header(&a->ui, &a->table, a->list.key);
	app_remember_visible(a, a->list.top, table_draw_rows(&a->ui, &a->table, &a->list));
	if (a->prompt.kind != PROMPT_NONE)
		draw_prompt(a);
	else
		draw_footer(a);
}

/* ---- help and sort pick ------------------------------------------------- */

void view_help_draw(struct app *a)
{
	int y = 0;

	view_put(&a->ui, y++, 0, COLS, "memtop " MEMTOP_VERSION " - keys", ui_attr(&a->ui, ROLE_LABEL));
	y++;
	for (size_t i = 0; i < NBINDINGS && y < LINES - 2; i++) {
		if (!bindings[i].label)
			continue;
		view_put(&a->ui, y, 1, 10, bindings[i].label, ui_attr(&a->ui, ROLE_FOOTER_KEY));
		view_put(&a->ui, y++, 12, COLS - 12, bindings[i].help, A_NORMAL);
	}
	if (y < LINES - 2)
		view_put(&a->ui, y++, 1, COLS - 1, "Mouse: click a row to select it, a column title to sort by it.", A_NORMAL);
	if (y < LINES - 2)
		view_put(&a->ui, y++, 1, COLS - 1, "Detail view: M S D N sort mappings by RSS, size, growth, "
			 "address; g groups them by name; c shows the whole command line (Up, Down, PgUp, "
			 "PgDn, Home, End scroll it); Esc, q or Backspace return.", A_NORMAL);
	if (y < LINES - 2)
		view_put(&a->ui, y++, 1, COLS - 1, a->trigger_desc, ui_attr(&a->ui, ROLE_DIM));
	view_put(&a->ui, LINES - 1, 0, COLS, "Press any key to return.", ui_attr(&a->ui, ROLE_PROMPT));
}

// The pick list scrolls so the highlighted key is always visible.
void view_sort_draw(struct app *a)
{
	int x = 2, y = a->table.rows_y, w = 16, room = LINES - 2 - y, first = 0;

	if (room < 1)
		room = 1;
	if (a->sort_pick >= room)
		first = a->sort_pick - room + 1;
	view_put(&a->ui, y, x, w, " Sort by:       ", ui_attr(&a->ui, ROLE_LABEL) | A_REVERSE);
	for (int k = first; k < SORT_KEY_COUNT && k - first < room; k++) {
		char line[32];
		attr_t attr = k == a->sort_pick ? ui_attr(&a->ui, ROLE_SELECTION) : ui_attr(&a->ui, ROLE_TABLE_HEADER);
		const char *more = (k == first && first > 0) ? "^" :
				   (k - first == room - 1 && k + 1 < SORT_KEY_COUNT) ? "v" : " ";

		snprintf(line, sizeof line, " %-*s%s", w - 2, sort_key_name((enum sort_key)k), more);
		view_put(&a->ui, y + 1 + k - first, x, w, line, attr);
	}
}

void view_sort_key(struct app *a, int ch)
{
	if (ch == KEY_UP || ch == 'k')
		a->sort_pick = a->sort_pick > 0 ? a->sort_pick - 1 : 0;
	else if (ch == KEY_DOWN || ch == 'j')
		a->sort_pick = a->sort_pick + 1 < SORT_KEY_COUNT ? a->sort_pick + 1 : a->sort_pick;
	else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		sort_by(a, (enum sort_key)a->sort_pick);
		a->screen = SCREEN_LIST;
	} else if (ch == KEY_ESC || ch == 'q' || ch == KEY_F(6)) {
		a->screen = SCREEN_LIST;
	}
}
