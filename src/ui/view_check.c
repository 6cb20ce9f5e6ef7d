/* view_check.c — the checkup panel (ui/view_check.h): memtop --check's
 * findings on the screen, read through the monitor when opened. */
#include "ui/view_check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw.h"
#include "util/text.h"

static struct check_screen check;

#define NONE action_of(ACTION_NONE)

// Reads the findings again through the monitor.
static void check_read(struct check_screen *v, struct monitor *m)
{
	if (!v->result && !(v->result = calloc(1, sizeof *v->result))) {
		v->err = -ENOMEM;
		return;
	}
	v->err = monitor_checkup(m, v->result);
	v->reads++;
	v->cols = 0;
}

static void check_enter(void *state, const struct screen_ctx *c, const struct action *why)
{
	struct check_screen *v = state;

	(void)why;
	v->top = 0;
	check_read(v, c->mon);
}

// Appends one line; false when it cannot grow (the panel shows fewer).
static bool push_line(struct check_screen *v, const char *s, size_t len, int indent, int role)
{
	if (v->nlines == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 64;
		struct check_line *l = realloc(v->lines, cap * sizeof *l);

		if (!l)
			return false;
		v->lines = l;
		v->cap = cap;
	}
	v->lines[v->nlines++] = (struct check_line){ s, len, indent, role, false };
	return true;
}

// Wraps s at spaces into lines of at most width columns, each indented;
// with beside, the first goes on the row of the line before.
static void push_wrapped(struct check_screen *v, const char *s, int indent, int width, int role, bool utf8,
			 bool beside)
{
	size_t len = strlen(s), first = v->nlines;

	if (width < 8)
		width = 8;
	while (len > 0) {
		char tmp[1024];
		size_t used = 0;

		text_fit_span(s, width, utf8, tmp, sizeof tmp, &used);
		if (used == 0)
			break;
		if (used < len) {
			size_t cut = used;

			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (cut > 0)
				used = cut;
		}
		if (!push_line(v, s, used, indent, role))
			return;
		v->lines[v->nlines - 1].same_row = beside && v->nlines - 1 == first;
		s += used;
		len -= used;
		while (len > 0 && *s == ' ') {
			s++;
			len--;
		}
	}
}

// The role of a finding's head line by its severity.
static int severity_role(enum checkup_severity s)
{
	return s == CHECKUP_CRITICAL ? ROLE_PSI_CRIT : s == CHECKUP_WARN ? ROLE_PSI_WARN : ROLE_LABEL;
}

void check_screen_layout(struct check_screen *v, int cols, bool utf8)
{
	static const char *const heads[] = { "INFO", "WARN", "CRITICAL" };
	const struct checkup *r = v->result;
	int body = cols - 10;

	v->nlines = 0;
	v->cols = cols;
	if (v->err == -ENOTSUP) {
		push_wrapped(v, "A recording has no machine settings to check: run memtop --check (or this "
			     "panel) on the machine itself.", 1, cols - 2, -1, utf8, false);
		return;
	}
	if (v->err || !r) {
		snprintf(v->errmsg, sizeof v->errmsg, "The settings could not be read: %s.",
			 v->err ? strerror(-v->err) : "out of memory");
		push_wrapped(v, v->errmsg, 1, cols - 2, -1, utf8, false);
		return;
	}
	if (r->nfindings == 0)
		push_wrapped(v, "Nothing found: none of the settings that turn a slow leak into an outage "
			     "is set here.", 1, cols - 2, -1, utf8, false);
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct checkup_finding *f = &r->findings[i];

		push_line(v, heads[f->severity], strlen(heads[f->severity]), 1, severity_role(f->severity));
		push_wrapped(v, f->title, 10, body, ROLE_LABEL, utf8, true);
		push_wrapped(v, f->id, 10, body, ROLE_DIM, utf8, false);
		push_line(v, "Why", 3, 3, ROLE_DIM);
		push_wrapped(v, f->why, 10, body, -1, utf8, true);
		push_line(v, "Fix", 3, 3, ROLE_DIM);
		push_wrapped(v, f->fix, 10, body, -1, utf8, true);
		push_line(v, "Seen", 4, 3, ROLE_DIM);
		push_wrapped(v, f->evidence, 10, body, -1, utf8, true);
		push_line(v, "", 0, 0, -1);
	}
	if (r->nskipped)
		push_line(v, "Not checked", 11, 1, ROLE_LABEL);
	for (size_t i = 0; i < r->nskipped; i++) {
		push_wrapped(v, r->skipped[i].id, 3, cols - 4, ROLE_DIM, utf8, false);
		push_wrapped(v, r->skipped[i].reason, 10, body, -1, utf8, false);
	}
}

// Lines between the title and the footer.
static size_t check_rows(void)
{
	return LINES > 3 ? (size_t)(LINES - 3) : 1;
}

static void check_draw(void *state, const struct screen_ctx *c)
{
	struct check_screen *v = state;
	const struct checkup *r = v->result;
	size_t rows = check_rows(), n, row = 0;
	char title[160], buf[1024];
	int y = 1;

	if (v->cols != COLS)
		check_screen_layout(v, COLS, c->ui->utf8);
	// Rows: each line on its own, except a text beside its label.
	n = 0;
	for (size_t i = 0; i < v->nlines; i++)
		n += !v->lines[i].same_row;
	if (v->top + rows > n)
		v->top = n > rows ? n - rows : 0;
	if (v->err == 0 && r)
		snprintf(title, sizeof title, "memtop - checkup: %zu finding%s, %zu not checked (R reads again)",
			 r->nfindings, r->nfindings == 1 ? "" : "s", r->nskipped);
	else
		snprintf(title, sizeof title, "memtop - checkup");
	view_put(c->ui, 0, 0, COLS, title, ui_attr(c->ui, ROLE_LABEL));
	for (size_t i = 0; i < v->nlines; i++) {
		const struct check_line *l = &v->lines[i];
		attr_t attr = l->role < 0 ? A_NORMAL : ui_attr(c->ui, (enum ui_role)l->role);
		bool join = v->lines[i].same_row;

		if (!join && i > 0)
			row++;
		if (row < v->top || row >= v->top + rows)
			continue;
		snprintf(buf, sizeof buf, "%.*s", (int)l->len, l->s);
		view_put(c->ui, y + (int)(row - v->top), l->indent, COLS - l->indent, buf, attr);
	}
	view_put(c->ui, LINES - 1, 0, COLS, n > rows ? "Up, Down, PgUp, PgDn, Home, End scroll; R reads again; "
		 "Esc or q returns." : "R reads again; Esc or q returns.", ui_attr(c->ui, ROLE_PROMPT));
}

static struct action act_reread(void *st, const struct screen_ctx *c)
{
	check_read(st, c->mon);
	return NONE;
}

static struct action check_scroll(void *st, long by)
{
	struct check_screen *v = st;

	if (by < 0)
		v->top = (size_t)-by > v->top ? 0 : v->top - (size_t)-by;
	else
		v->top += (size_t)by;       // draw keeps it within the lines
	return NONE;
}

static struct action act_up(void *st, const struct screen_ctx *c) { (void)c; return check_scroll(st, -1); }
static struct action act_down(void *st, const struct screen_ctx *c) { (void)c; return check_scroll(st, 1); }
static struct action act_pgup(void *st, const struct screen_ctx *c) { (void)c; return check_scroll(st, -(long)check_rows()); }
static struct action act_pgdn(void *st, const struct screen_ctx *c) { (void)c; return check_scroll(st, (long)check_rows()); }
static struct action act_home(void *st, const struct screen_ctx *c) { (void)c; return check_scroll(st, -(long)((struct check_screen *)st)->top); }
static struct action act_end(void *st, const struct screen_ctx *c) { (void)c; return check_scroll(st, 1L << 30); }

static const struct binding bindings[] = {
	{ { KEY_ESC, 'q', KEY_BACKSPACE, KEY_LEFT }, "Esc q", "back to the process list", screen_act_back, "Back",
	  BIND_BOTH },
	{ { 'R' }, "R", "read the settings again and judge them", act_reread, "Again", BIND_BOTH },
	{ { KEY_UP }, "Up", "scroll up", act_up, NULL, BIND_BOTH },
	{ { KEY_DOWN }, "Down", "scroll down", act_down, NULL, BIND_BOTH },
	{ { KEY_PPAGE }, "PgUp", "up one page", act_pgup, NULL, BIND_BOTH },
	{ { KEY_NPAGE }, "PgDn", "down one page", act_pgdn, NULL, BIND_BOTH },
	{ { KEY_HOME }, "Home", "the first finding", act_home, NULL, BIND_BOTH },
	{ { KEY_END }, "End", "the end", act_end, NULL, BIND_BOTH },
};

static struct action check_key(void *state, const struct screen_ctx *c, int ch)
{
	if (ch == 127 || ch == 8)
		return action_of(ACTION_BACK);
	return screen_bound_key(&screen_check, state, c, ch);
}

static void check_free(void *state)
{
	struct check_screen *v = state;

	free(v->result);
	free(v->lines);
	*v = (struct check_screen){ 0 };
}

const struct screen screen_check = {
	.name = "check",
	.state = &check,
	.enter = check_enter,
	.draw = check_draw,
	.key = check_key,
	.free = check_free,
	.bindings = bindings,
	.nbindings = sizeof bindings / sizeof bindings[0],
};
