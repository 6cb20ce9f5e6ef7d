/* view_list.c — the main screen: its keys (one table, from which the help
 * screen and the footer are generated), the mouse, and the frame: header,
 * table, footer or prompt, and the sort pick list over it. */
#include "ui/view_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/columns.h"
#include "ui/draw.h"
#include "ui/view_cgroups.h"
#include "ui/view_oom.h"
#include "ui/view_check.h"
#include "ui/view_detail.h"
#include "ui/view_header.h"
#include "ui/view_help.h"
#include "ui/view_memory.h"
#include "ui/view_sort.h"

void list_screen_init(struct list_screen *ls, enum sort_key key, int order, unsigned columns)
{
	*ls = (struct list_screen){ .table.columns = columns };
	listmodel_set_sort(&ls->list, key);
	if (order)
		ls->list.descending = order > 0;
}

void list_screen_free(struct list_screen *ls)
{
	listmodel_free(&ls->list);
	free(ls->visible);
	ls->visible = NULL;
	ls->nvisible = ls->visible_cap = 0;
}

void list_screen_relist(struct list_screen *ls, const struct monitor *mon)
{
	if (listmodel_rebuild(&ls->list, &mon->table) < 0)
		ui_fatal("out of memory");
}

void list_screen_remember(struct list_screen *ls, size_t first, size_t count)
{
	if (count > ls->visible_cap) {
		int *p = realloc(ls->visible, count * sizeof *p);

		if (!p)
			return;
		ls->visible = p;
		ls->visible_cap = count;
	}
	for (size_t i = 0; i < count; i++)
		ls->visible[i] = ls->list.rows[first + i]->pid;
	ls->nvisible = count;
}

/* ---- keys --------------------------------------------------------------- */

// The table's rows on screen: below the header and the column titles,
// above the footer.
static size_t page_rows(const struct screen_ctx *c)
{
	int rows = LINES - header_lines(c) - 2;

	return rows > 0 ? (size_t)rows : 1;
}

#define NONE action_of(ACTION_NONE)

static struct action move_by(void *st, long rows)
{
	listmodel_move(&((struct list_screen *)st)->list, rows);
	return NONE;
}

static struct action act_up(void *st, const struct screen_ctx *c) { (void)c; return move_by(st, -1); }
static struct action act_down(void *st, const struct screen_ctx *c) { (void)c; return move_by(st, 1); }
static struct action act_pgup(void *st, const struct screen_ctx *c) { return move_by(st, -(long)page_rows(c)); }
static struct action act_pgdn(void *st, const struct screen_ctx *c) { return move_by(st, (long)page_rows(c)); }

static struct action act_home(void *st, const struct screen_ctx *c)
{
	(void)c;
	listmodel_select(&((struct list_screen *)st)->list, 0);
	return NONE;
}

static struct action act_end(void *st, const struct screen_ctx *c)
{
	struct listmodel *l = &((struct list_screen *)st)->list;

	(void)c;
	listmodel_select(l, l->nrows ? l->nrows - 1 : 0);
	return NONE;
}

static struct action sort_by(struct list_screen *ls, const struct screen_ctx *c, enum sort_key key)
{
	listmodel_set_sort(&ls->list, key);
	list_screen_relist(ls, c->mon);
	return NONE;
}

static struct action act_sort_rss(void *st, const struct screen_ctx *c) { return sort_by(st, c, SORT_RSS); }
static struct action act_sort_anon(void *st, const struct screen_ctx *c) { return sort_by(st, c, SORT_ANON); }
static struct action act_sort_oom(void *st, const struct screen_ctx *c) { return sort_by(st, c, SORT_OOM); }
static struct action act_sort_pid(void *st, const struct screen_ctx *c) { return sort_by(st, c, SORT_PID); }
static struct action act_sort_growth(void *st, const struct screen_ctx *c) { return sort_by(st, c, SORT_GROWTH); }
static struct action act_sort_eta(void *st, const struct screen_ctx *c) { return sort_by(st, c, SORT_ETA); }

static struct action act_cgroup(void *st, const struct screen_ctx *c)
{
	(void)c;
	((struct list_screen *)st)->table.columns ^= COLUMN_BIT(COL_CGROUP);
	return NONE;
}

static struct action act_cgroups(void *st, const struct screen_ctx *c)
{
	(void)st, (void)c;
	return (struct action){ .kind = ACTION_OPEN, .screen = &screen_cgroups };
}

static struct action act_oom(void *st, const struct screen_ctx *c)
{
	(void)st, (void)c;
	return (struct action){ .kind = ACTION_OPEN, .screen = &screen_oom };
}

static struct action act_checkup(void *st, const struct screen_ctx *c)
{
	(void)st, (void)c;
	return (struct action){ .kind = ACTION_OPEN, .screen = &screen_check };
}

static struct action act_memory(void *st, const struct screen_ctx *c)
{
	(void)st, (void)c;
	return (struct action){ .kind = ACTION_OPEN, .screen = &screen_memory };
}

static struct action act_suspects(void *st, const struct screen_ctx *c)
{
	struct list_screen *ls = st;

	ls->list.suspects_only = !ls->list.suspects_only;
	list_screen_relist(ls, c->mon);
	return NONE;
}

// Steps the sort key through the columns on screen, in screen order.
static struct action sort_step(struct list_screen *ls, const struct screen_ctx *c, int dir)
{
	int key = table_key_step(&ls->table, ls->list.key, dir);

	return key >= 0 ? sort_by(ls, c, (enum sort_key)key) : NONE;
}

static struct action act_sort_prev(void *st, const struct screen_ctx *c) { return sort_step(st, c, -1); }
static struct action act_sort_next(void *st, const struct screen_ctx *c) { return sort_step(st, c, 1); }

static struct action act_sort_pick(void *st, const struct screen_ctx *c)
{
	struct list_screen *ls = st;

	(void)c;
	ls->pick = ls->list.key;
	ls->picking = true;
	return NONE;
}

static struct action act_invert(void *st, const struct screen_ctx *c)
{
	struct list_screen *ls = st;

	ls->list.descending = !ls->list.descending;
	list_screen_relist(ls, c->mon);
	return NONE;
}

static struct action act_filter(void *st, const struct screen_ctx *c)
{
	struct list_screen *ls = st;

	(void)c;
	prompt_open_filter(&ls->prompt, &ls->list);
	return NONE;
}

static struct action act_delay(void *st, const struct screen_ctx *c)
{
	prompt_open_delay(&((struct list_screen *)st)->prompt, c->interval_s);
	return NONE;
}

static struct action act_pause(void *st, const struct screen_ctx *c)
{
	(void)st, (void)c;
	return action_of(ACTION_PAUSE);
}

static struct action act_detail(void *st, const struct screen_ctx *c)
{
	const struct listmodel *l = &((struct list_screen *)st)->list;
	const struct proc *p;

	(void)c;
	if (!l->nrows)
		return NONE;
	p = l->rows[l->sel];
	return (struct action){ .kind = ACTION_OPEN, .screen = &screen_detail, .pid = p->pid,
				.start_ticks = p->start_ticks };
}

// k / F9: asks which signal to send to the selected process, naming it.
static struct action act_signal(void *st, const struct screen_ctx *c)
{
	struct list_screen *ls = st;
	const struct proc *p;

	if (c->readonly)
		return action_message("read-only: sending signals is off (--readonly)");
	if (!ls->list.nrows)
		return NONE;
	p = ls->list.rows[ls->list.sel];
	prompt_open_signal(&ls->prompt, p->pid, p->start_ticks, p->s->comm);
	return NONE;
}

/* ---- replay: moving in the recording ------------------------------------ */

#define KEY_LBRACE '{'            // (named: the docs check reads the table)
#define KEY_RBRACE '}'

static struct action act_stride_back(void *st, const struct screen_ctx *c)
{
	(void)st;
	return action_move_by_time(c, -SCREEN_STRIDE_S);
}

static struct action act_stride_on(void *st, const struct screen_ctx *c)
{
	(void)st;
	return action_move_by_time(c, SCREEN_STRIDE_S);
}

static struct action act_first_sample(void *st, const struct screen_ctx *c)
{
	(void)st, (void)c;
	return action_move(SOURCE_MOVE_FIRST, 0, 0);
}

static struct action act_last_sample(void *st, const struct screen_ctx *c)
{
	(void)st, (void)c;
	return action_move(SOURCE_MOVE_LAST, 0, 0);
}

// b: asks for a time, relative to the sample shown.
static struct action act_goto_time(void *st, const struct screen_ctx *c)
{
	struct source_timeline tl;

	if (monitor_timeline(c->mon, &tl))
		prompt_open_time(&((struct list_screen *)st)->prompt, tl.at_t);
	return NONE;
}

// Space in a replay: pauses or resumes End's following; when not
// following, it starts (End).
static struct action act_follow(void *st, const struct screen_ctx *c)
{
	struct source_timeline tl;

	(void)st;
	if (monitor_timeline(c->mon, &tl) && tl.follow)
		return action_of(ACTION_PAUSE);
	return action_move(SOURCE_MOVE_LAST, 0, 0);
}

static struct action act_no_signal(void *st, const struct screen_ctx *c)
{
	(void)st, (void)c;
	return action_message("no signals in a recording: it shows processes as they were");
}

static struct action act_clear_filter(void *st, const struct screen_ctx *c)
{
	struct list_screen *ls = st;

	ls->list.filter[0] = '\0';
	ls->list.cgroup[0] = '\0';
	list_screen_relist(ls, c->mon);
	return NONE;
}

/* ---- the tree view ------------------------------------------------------ */

static struct action act_tree(void *st, const struct screen_ctx *c)
{
	struct list_screen *ls = st;

	ls->list.tree = !ls->list.tree;
	list_screen_relist(ls, c->mon);
	return NONE;
}

// - and +: collapses or expands the selected process's subtree.
static struct action set_collapsed(struct list_screen *ls, const struct screen_ctx *c, bool collapsed)
{
	int r;

	if (!ls->list.tree)
		return action_message("the tree view is off: F5 or T shows it");
	r = listmodel_collapse(&ls->list, collapsed);
	if (r < 0)
		ui_fatal("out of memory");
	if (r == 0)
		return action_message("the selected process has no children");
	list_screen_relist(ls, c->mon);
	return NONE;
}

static struct action act_collapse(void *st, const struct screen_ctx *c) { return set_collapsed(st, c, true); }
static struct action act_expand(void *st, const struct screen_ctx *c) { return set_collapsed(st, c, false); }

static struct action act_expand_all(void *st, const struct screen_ctx *c)
{
	struct list_screen *ls = st;

	if (!ls->list.tree)
		return action_message("the tree view is off: F5 or T shows it");
	treemodel_expand_all(&ls->list.forest);
	list_screen_relist(ls, c->mon);
	return NONE;
}

static struct action act_theme(void *st, const struct screen_ctx *c)
{
	(void)st, (void)c;
	return action_of(ACTION_NEXT_THEME);
}

static struct action act_write(void *st, const struct screen_ctx *c)
{
	(void)st, (void)c;
	return action_of(ACTION_WRITE_SETTINGS);
}

// A replay shows one recorded sample: Home and End move in time there
// (g still selects the first process), Space follows the newest sample,
// and nothing acts on a process (k only says so).
static const struct binding bindings[] = {
	{ { 'q', KEY_F(10) }, "q F10", "quit", screen_act_quit, "Quit", BIND_BOTH },
	{ { 'h', '?', KEY_F(1) }, "h ? F1", "this help", screen_act_help, "Help", BIND_BOTH },
	{ { KEY_UP }, "Up", "select the previous process", act_up, NULL, BIND_BOTH },
	{ { KEY_DOWN }, "Down", "select the next process", act_down, NULL, BIND_BOTH },
	{ { KEY_PPAGE, KEY_CTRL('b') }, "PgUp", "up one page", act_pgup, NULL, BIND_BOTH },
	{ { KEY_NPAGE, KEY_CTRL('f') }, "PgDn", "down one page", act_pgdn, NULL, BIND_BOTH },
	{ { KEY_HOME, 'g' }, "Home g", "first process", act_home, NULL, BIND_LIVE },
	{ { KEY_END }, "End", "last process", act_end, NULL, BIND_LIVE },
	{ { 'g' }, "g", "first process", act_home, NULL, BIND_REPLAY },
	{ { '[' }, "[ ]", "previous / next recorded sample", screen_act_sample_prev, "Sample", BIND_REPLAY },
	{ { ']' }, NULL, NULL, screen_act_sample_next, NULL, BIND_REPLAY },
	{ { KEY_LBRACE }, "{ }", "10 minutes back / on (on across a longer gap: the next sample)",
	  act_stride_back, NULL, BIND_REPLAY },
	{ { KEY_RBRACE }, NULL, NULL, act_stride_on, NULL, BIND_REPLAY },
	{ { KEY_HOME }, "Home", "the first sample of the recording", act_first_sample, NULL, BIND_REPLAY },
	{ { KEY_END }, "End", "the newest sample, then follow it as the file grows", act_last_sample,
	  NULL, BIND_REPLAY },
	{ { 'b' }, "b", "go to a time: 12:30, yesterday 18:00, 2026-12-05 18:00, -1h (from the sample shown)",
	  act_goto_time, "Time", BIND_REPLAY },
	{ { ' ' }, "Space", "pause / resume following the newest sample (not following: as End)",
	  act_follow, "Follow", BIND_REPLAY },
	{ { 'M' }, "M", "sort by resident memory (RSS)", act_sort_rss, NULL, BIND_BOTH },
	{ { 'A' }, "A", "sort by anonymous memory", act_sort_anon, NULL, BIND_BOTH },
	{ { 'O' }, "O", "sort by OOM score", act_sort_oom, NULL, BIND_BOTH },
	{ { 'N' }, "N", "sort by PID", act_sort_pid, NULL, BIND_BOTH },
	{ { 'G' }, "G", "sort by growth rate (fastest growers first)", act_sort_growth, "Growth", BIND_BOTH },
	{ { 'L' }, "L", "show only suspected leaks (again: everything)", act_suspects, "Leaks", BIND_BOTH },
	{ { 'E' }, "E", "sort by time to exhaustion: the leak that fills memory soonest first",
	  act_sort_eta, NULL, BIND_BOTH },
	{ { 'C' }, "C", "show / hide the CGROUP column", act_cgroup, NULL, BIND_BOTH },
	{ { 'S' }, "S", "services: one row per memory cgroup (usage, limit, growth, leak)", act_cgroups,
	  "Cgrp", BIND_BOTH },
	{ { 'o' }, "o", "OOM kills: every kill the kernel log reported since boot, memtop's prediction, "
	  "the kernel's report", act_oom, NULL, BIND_BOTH },
	{ { 'R' }, "R", "checkup: this machine's settings that turn a slow leak into an outage, with "
	  "the fixes (memtop --check)", act_checkup, NULL, BIND_BOTH },
	{ { 'm' }, "m", "where the memory went: MemTotal split into its parts (shmem's tmpfs mounts and "
	  "SysV segments, slab caches, kernel stacks, ...) with growth and a leak verdict each",
	  act_memory, NULL, BIND_BOTH },
	{ { KEY_F(5), 'T' }, "F5 T", "tree view: processes under their parents, with their subtrees' RSS, "
	  "anonymous memory and growth", act_tree, "Tree", BIND_BOTH },
	{ { '-' }, "-", "tree view: collapse the selected process's subtree", act_collapse, NULL,
	  BIND_BOTH },
	{ { '+' }, "+", "tree view: expand the selected process's subtree", act_expand, NULL, BIND_BOTH },
	{ { '*' }, "*", "tree view: expand every subtree", act_expand_all, NULL, BIND_BOTH },
	{ { '<', ',' }, "< >", "previous / next sort column", act_sort_prev, NULL, BIND_BOTH },
	{ { '>', '.' }, NULL, NULL, act_sort_next, NULL, BIND_BOTH },
	{ { KEY_F(6) }, "F6", "choose the sort column from a list", act_sort_pick, "Sort", BIND_BOTH },
	{ { 'I' }, "I", "invert the sort order", act_invert, NULL, BIND_BOTH },
	{ { '/' }, "/", "filter by command or user (Enter keeps, Esc clears)", act_filter, "Filter", BIND_BOTH },
	{ { KEY_ESC }, "Esc", "clear the filter and the cgroup limit", act_clear_filter, NULL, BIND_BOTH },
	{ { '\r', '\n', KEY_ENTER }, "Enter", "details of the selected process: its mappings (smaps)",
	  act_detail, NULL, BIND_LIVE },
	{ { '\r', '\n', KEY_ENTER }, "Enter", "details of the selected process (a recording has no mappings)",
	  act_detail, NULL, BIND_REPLAY },
	{ { 'd' }, "d", "set the refresh interval (seconds, fractions allowed)", act_delay, "Delay",
	  BIND_LIVE },
	{ { 'd' }, "d", "how often following looks for new samples (seconds)", act_delay, NULL,
	  BIND_REPLAY },
	{ { ' ' }, "Space", "pause / resume sampling", act_pause, "Pause", BIND_LIVE },
	{ { 'k', KEY_F(9) }, "k F9", "send a signal to the selected process (asks which; TERM first)",
	  act_signal, "Kill", BIND_LIVE },
	{ { 'k', KEY_F(9) }, "k F9", "off: no signals in a recording", act_no_signal, NULL, BIND_REPLAY },
	{ { 't' }, "t", "next colour theme", act_theme, NULL, BIND_BOTH },
	{ { 'W' }, "W", "write the settings (interval, sort, theme, columns, sensitivity) to memtoprc",
	  act_write, NULL, BIND_BOTH },
};
#define NBINDINGS (sizeof bindings / sizeof bindings[0])

// A click on the header sorts by that column (again: inverts); on a row
// selects it.
static struct action mouse_key(struct list_screen *ls, const struct screen_ctx *c)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return NONE;
	if (ev.y == ls->table.header_y) {
		int key = table_key_at(&ls->table, ev.x);

		if (key < 0)
			return NONE;                // no column, or the sparkline
		if ((int)ls->list.key == key)
			return act_invert(ls, c);
		return sort_by(ls, c, (enum sort_key)key);
	}
	if (ev.y >= ls->table.rows_y && ev.y < LINES - 1) {
		size_t row = ls->list.top + (size_t)(ev.y - ls->table.rows_y);

		if (row < ls->list.nrows)
			listmodel_select(&ls->list, row);
	}
	return NONE;
}

static struct action pick_key(struct list_screen *ls, const struct screen_ctx *c, int ch)
{
	switch (sortpick_key(&ls->pick, ch)) {
	case SORTPICK_CHOSEN:
		ls->picking = false;
		return sort_by(ls, c, (enum sort_key)ls->pick);
	case SORTPICK_CANCEL:
		ls->picking = false;
		break;
	case SORTPICK_OPEN:
		break;
	}
	return NONE;
}

static struct action list_key(void *st, const struct screen_ctx *c, int ch)
{
	struct list_screen *ls = st;

	if (ls->prompt.kind != PROMPT_NONE) {
		bool relist;
		struct action a = prompt_key(&ls->prompt, &ls->list, ch, &relist);

		if (relist)
			list_screen_relist(ls, c->mon);
		return a;
	}
	if (ls->picking)
		return pick_key(ls, c, ch);
	if (ch == KEY_MOUSE)
		return mouse_key(ls, c);
	return screen_bound_key(&screen_list, ls, c, ch);
}

/* ---- drawing ------------------------------------------------------------ */

// The footer's name of a key: the label's first ("q", "h", "F6"), or all
// of a pair of one-character keys ("[]").
static void footer_key(const char *label, char *key, size_t cap)
{
	const char *p = label;
	bool singles = true;
	size_t o = 0;

	while (*p) {
		size_t n = strcspn(p, " ");

		singles = singles && n == 1;
		p += n;
		p += strspn(p, " ");
	}
	if (!singles) {
		snprintf(key, cap, "%.*s", (int)strcspn(label, " "), label);
		return;
	}
	for (p = label; *p && o + 1 < cap; p++)
		if (*p != ' ')
			key[o++] = *p;
	key[o] = '\0';
}

// The footer: the keys that have a footer text, htop-style, for the mode.
static void draw_footer(const struct screen_ctx *c)
{
	int x = 0, y = LINES - 1;
	bool replay = screen_replay(c);

	for (size_t i = 0; i < NBINDINGS && x < COLS; i++) {
		const char *label = bindings[i].label;
		char key[16];

		if (!bindings[i].footer || !binding_in_mode(&bindings[i], replay))
			continue;
		footer_key(label, key, sizeof key);
		x += view_put(c->ui, y, x, COLS - x, key, ui_attr(c->ui, ROLE_FOOTER_KEY));
		x += view_put(c->ui, y, x, COLS - x, bindings[i].footer, ui_attr(c->ui, ROLE_FOOTER_TEXT));
		x += view_put(c->ui, y, x, COLS - x, " ", A_NORMAL);
	}
}

static void list_draw(void *st, const struct screen_ctx *c)
{
	struct list_screen *ls = st;

	ls->table.header_y = header_lines(c);
	ls->table.rows_y = ls->table.header_y + 1;
	ls->table.tree = ls->list.tree;
	header_draw(c, &ls->list);
	table_draw_header(c->ui, &ls->table, ls->list.key);
	list_screen_remember(ls, ls->list.top, table_draw_rows(c->ui, &ls->table, &ls->list));
	if (ls->prompt.kind != PROMPT_NONE)
		prompt_draw(&ls->prompt, c);
	else
		draw_footer(c);
	if (ls->picking)
		sortpick_draw(c->ui, ls->table.rows_y, ls->pick);
}

// Entering (at start, and back from another screen) and after each refresh:
// the list may have moved on meanwhile. Back from the cgroup view's Enter,
// it shows that cgroup's processes only, from the first.
static void list_enter(void *st, const struct screen_ctx *c, const struct action *why)
{
	struct listmodel *l = &((struct list_screen *)st)->list;

	if (why && why->kind == ACTION_BACK && why->cgroup[0]) {
		snprintf(l->cgroup, sizeof l->cgroup, "%s", why->cgroup);
		l->sel = l->top = 0;
		l->have_sel = false;
	}
	list_screen_relist(st, c->mon);
}

static void list_tick(void *st, const struct screen_ctx *c)
{
	list_screen_relist(st, c->mon);
}

static struct list_screen list_state;

static void list_free(void *st)
{
	list_screen_free(st);
}

const struct screen screen_list = {
	.name = "list",
	.state = &list_state,
	.enter = list_enter,
	.draw = list_draw,
	.key = list_key,
	.tick = list_tick,
	.free = list_free,
	.bindings = bindings,
	.nbindings = NBINDINGS,
};
