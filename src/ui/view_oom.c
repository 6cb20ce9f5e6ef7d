/* view_oom.c — the OOM kill screen (o): every kill the kernel log reported
 * since boot, newest first, those since memtop started marked, whether
 * memtop had predicted each; the selected kill's parsed report below. */
#include "ui/view_oom.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ui/draw.h"
#include "ui/view_help.h"
#include "util/text.h"

static struct oom_screen oom_state;

static void oom_enter(void *state, const struct screen_ctx *c, const struct action *why)
{
	struct oom_screen *v = state;

	(void)why;
	v->sel = 0;
	v->top = 0;
	v->seen_serial = c->mon->oom.serial;
}

// The list's rows: the top half of the screen, the report below it.
static int list_rows(const struct oomlog *l)
{
	int avail = LINES - 4;         // title, summary, column titles, footer
	int rows = l->count ? avail / 2 : avail;

	return rows < 1 ? 1 : rows;
}

// Keeps the selection on the same kill as new ones arrive above it, and
// within the list.
static void oom_follow(struct oom_screen *v, const struct oomlog *l)
{
	if (l->serial > v->seen_serial && v->sel > 0)
		v->sel += (size_t)(l->serial - v->seen_serial);
	v->seen_serial = l->serial;
	if (v->sel >= l->count)
		v->sel = l->count ? l->count - 1 : 0;
}

static void oom_tick(void *state, const struct screen_ctx *c)
{
	oom_follow(state, &c->mon->oom);
}

// "42s", "12m", "5h", "3d": how long ago, coarse (a narrow column).
static void format_ago(double s, char *buf, size_t cap)
{
	if (s < 0)
		s = 0;
	if (s < 90)
		snprintf(buf, cap, "%.0fs", s);
	else if (s < 5400)
		snprintf(buf, cap, "%.0fm", s / 60);
	else if (s < 172800)
		snprintf(buf, cap, "%.0fh", s / 3600);
	else
		snprintf(buf, cap, "%.0fd", s / 86400);
}

// The summary line: the counters, the log's state, the predictions' record.
static void draw_summary(const struct screen_ctx *c, int y)
{
	const struct oomlog *l = &c->mon->oom;
	char buf[256], boot[32] = "n/a";

	if (l->have_counter)
		snprintf(boot, sizeof boot, "%" PRIu64, l->counter);
	snprintf(buf, sizeof buf, "Since boot: %s (counter)  since start: %" PRIu64 "  log: %s  predicted "
		 "right: %" PRIu64 " of %" PRIu64 "%s", boot, l->have_counter ? oomlog_counter_since_start(l) :
		 l->since_start, oomlog_state(l), l->predicted_right, l->predicted,
		 l->log_lost ? "  (records lost)" : "");
	view_put(c->ui, y, 0, COLS, buf, A_NORMAL);
}

// Why there is no list: the kernel log's state.
static void draw_why(const struct screen_ctx *c, int y)
{
	const struct oomlog *l = &c->mon->oom;
	char buf[256];

	if (l->log_err == -EPERM || l->log_err == -EACCES)
		snprintf(buf, sizeof buf, "The kills' details need root: the kernel log (/dev/kmsg) is "
			 "root's only (dmesg_restrict); the counters above are all memtop knows.");
	else if (l->log_err == -ENOTSUP)
		snprintf(buf, sizeof buf, "The kernel log is not read by this source (a recording does not keep "
			 "it); the counters above are all memtop knows.");
	else if (l->log_err != 0)
		snprintf(buf, sizeof buf, "The kernel log cannot be read: %s.", oomlog_state(l));
	else
		snprintf(buf, sizeof buf, "No OOM kill in the kernel log since boot%s.",
			 l->dropped ? " (older ones dropped)" : "");
	view_put(c->ui, y, 1, COLS - 1, buf, ui_attr(c->ui, ROLE_DIM));
}

// Narrower than this, the list leaves out FILE, SHMEM and TRIGGER (the
// report below the list has them) so that PREDICTED stays on screen.
#define OOM_WIDE_COLS 104

// One row: when, ago, scope, victim, its RSS split, trigger, prediction.
static void draw_row(const struct screen_ctx *c, int y, const struct oomlog_entry *e, bool selected)
{
	const struct oom_kill *k = &e->kill;
	char when[16] = "", ago[16], anon[16], file[16], shmem[16], pred[96], buf[512];
	time_t tt = (time_t)k->wall_time;
	struct tm tm;

	if (localtime_r(&tt, &tm))
		strftime(when, sizeof when, tt > time(NULL) - 86400 ? "%H:%M:%S" : "%m-%d %H:%M", &tm);
	format_ago(c->mon->snap.sys.mono_time - k->mono_time, ago, sizeof ago);
	if (e->predicted.right)
		snprintf(pred, sizeof pred, "right");
	else if (e->predicted.valid)
		snprintf(pred, sizeof pred, "wrong: %d %s", e->predicted.pid, e->predicted.comm);
	else
		snprintf(pred, sizeof pred, "%s", k->since_start ? "none" : "-");
	if (COLS >= OOM_WIDE_COLS)
		snprintf(buf, sizeof buf, "%c%-11.11s %4s %-14.14s %7d %-15.15s %6s %6s %6s %-12.12s %s",
			 k->since_start ? '*' : ' ', when, ago, e->scope_label, k->pid, k->comm,
			 text_human_kb(k->anon_rss_kb, anon, sizeof anon),
			 text_human_kb(k->file_rss_kb, file, sizeof file),
			 text_human_kb(k->shmem_rss_kb, shmem, sizeof shmem), k->have_trigger ? k->trigger_comm : "?",
			 pred);
	else
		snprintf(buf, sizeof buf, "%c%-11.11s %4s %-14.14s %7d %-15.15s %6s %s", k->since_start ? '*' : ' ',
			 when, ago, e->scope_label, k->pid, k->comm, text_human_kb(k->anon_rss_kb, anon, sizeof anon),
			 pred);
	if (selected) {
		attrset(ui_attr(c->ui, ROLE_SELECTION));
		mvhline(y, 0, ' ', COLS);
		attrset(A_NORMAL);
	}
	view_put(c->ui, y, 0, COLS, buf, selected ? ui_attr(c->ui, ROLE_SELECTION) : A_NORMAL);
}

// Puts one line of the report if it is above the footer; returns the next y.
static int report_line(const struct screen_ctx *c, int y, const char *text, attr_t attr)
{
	if (y < LINES - 1)
		view_put(c->ui, y, 1, COLS - 1, text, attr);
	return y + 1;
}

// The selected kill's report: trigger, constraint, cgroup, victim,
// prediction, the largest rows of the task table.
static void draw_report(const struct screen_ctx *c, int y, const struct oomlog_entry *e)
{
	const struct oom_kill *k = &e->kill;
	char buf[1024], a[16], b[16], d[16], f[16], g[16];
	attr_t label = ui_attr(c->ui, ROLE_LABEL);

	if (k->have_trigger)
		snprintf(buf, sizeof buf, "Trigger: %s invoked the OOM killer: gfp_mask=%s, order=%d, "
			 "oom_score_adj=%d", k->trigger_comm, k->gfp_mask, k->order, k->trigger_oom_score_adj);
	else
		snprintf(buf, sizeof buf, "Trigger: not in the log");
	y = report_line(c, y, buf, A_NORMAL);
	snprintf(buf, sizeof buf, "Scope: %s (%s)%s%s%s%s", oomlog_scope_name(k->scope),
		 k->constraint[0] ? k->constraint : "no constraint given", k->oom_memcg[0] ? "  oom_memcg " : "",
		 k->oom_memcg, k->task_memcg[0] ? "  task_memcg " : "", k->task_memcg);
	y = report_line(c, y, buf, A_NORMAL);
	if (k->have_memcg_usage) {
		snprintf(buf, sizeof buf, "Memory cgroup: usage %s, limit %s",
			 text_human_kb(k->memcg_usage_kb, a, sizeof a), text_human_kb(k->memcg_limit_kb, b, sizeof b));
		y = report_line(c, y, buf, A_NORMAL);
	}
	snprintf(buf, sizeof buf, "Killed: %d %s, uid %d, total-vm %s, anon %s, file %s, shmem %s%s%s",
		 k->pid, k->comm, k->uid, text_human_kb(k->total_vm_kb, a, sizeof a),
		 text_human_kb(k->anon_rss_kb, b, sizeof b), text_human_kb(k->file_rss_kb, d, sizeof d),
		 text_human_kb(k->shmem_rss_kb, f, sizeof f), k->have_pgtables ? ", page tables " : "",
		 k->have_pgtables ? text_human_kb(k->pgtables_kb, g, sizeof g) : "");
	y = report_line(c, y, buf, ui_attr(c->ui, ROLE_LEAK));
	if (e->predicted.valid)
		snprintf(buf, sizeof buf, "memtop predicted %d %s at the tick before: %s", e->predicted.pid,
			 e->predicted.comm, e->predicted.right ? "right" : "wrong");
	else
		snprintf(buf, sizeof buf, "memtop made no prediction: %s", !k->since_start ?
			 "before it started" : k->scope == OOM_SCOPE_CPUSET || k->scope == OOM_SCOPE_MEMPOLICY ?
			 "cpuset and mempolicy OOMs are not modelled" : "no process of that scope was seen");
	y = report_line(c, y, buf, A_NORMAL);
	if (k->ntasks == 0) {
		report_line(c, y, "Task table: not in the log", ui_attr(c->ui, ROLE_DIM));
		return;
	}
	snprintf(buf, sizeof buf, "Largest tasks (%u of %u listed):     PID   UID    RSS   ANON   SWAP   ADJ COMM",
		 k->ntasks, k->tasks_listed);
	y = report_line(c, y, buf, label);
	for (unsigned i = 0; i < k->ntasks && i < OOM_TASKS_MAX; i++) {
		const struct oom_task_row *r = &k->tasks[i];

		snprintf(buf, sizeof buf, "%33s %7d %5d %6s %6s %6s %5d %s", "", r->pid, r->uid,
			 text_human_kb(r->rss_kb, a, sizeof a),
			 r->have_split ? text_human_kb(r->rss_anon_kb, b, sizeof b) : "-",
			 text_human_kb(r->swap_kb, d, sizeof d), r->oom_score_adj, r->comm);
		y = report_line(c, y, buf, A_NORMAL);
	}
}

static void oom_draw(void *state, const struct screen_ctx *c)
{
	struct oom_screen *v = state;
	const struct oomlog *l = &c->mon->oom;
	int rows = list_rows(l), y = 3;

	oom_follow(v, l);
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)rows)
		v->top = v->sel - (size_t)rows + 1;
	view_put(c->ui, 0, 0, COLS, "memtop - OOM kills (* since memtop started, newest first)",
		 ui_attr(c->ui, ROLE_LABEL));
	draw_summary(c, 1);
	if (l->count == 0) {
		draw_why(c, 3);
	} else {
		view_put(c->ui, 2, 0, COLS, COLS >= OOM_WIDE_COLS ?
			 " WHEN         AGO SCOPE              PID VICTIM            ANON   FILE  SHMEM TRIGGER      "
			 "PREDICTED" : " WHEN         AGO SCOPE              PID VICTIM            ANON PREDICTED",
			 ui_attr(c->ui, ROLE_LABEL));
		for (size_t i = v->top; i < l->count && y < 3 + rows; i++, y++)
			draw_row(c, y, oomlog_get(l, i), i == v->sel);
		if (l->dropped)
			view_put(c->ui, y++, 1, COLS - 1, "(older kills dropped)", ui_attr(c->ui, ROLE_DIM));
		if (y + 1 < LINES - 1)
			draw_report(c, y + 1, oomlog_get(l, v->sel));
	}
	view_put(c->ui, LINES - 1, 0, COLS, "Up Down PgUp PgDn Home End select a kill; q Esc back",
		 ui_attr(c->ui, ROLE_PROMPT));
}

// Moves the selection by d rows, within the list.
static struct action move_sel(struct oom_screen *v, const struct screen_ctx *c, long d)
{
	long n = (long)c->mon->oom.count, s = (long)v->sel + d;

	v->sel = (size_t)(s < 0 || n == 0 ? 0 : s >= n ? n - 1 : s);
	return action_of(ACTION_NONE);
}

static struct action act_up(void *st, const struct screen_ctx *c) { return move_sel(st, c, -1); }
static struct action act_down(void *st, const struct screen_ctx *c) { return move_sel(st, c, 1); }
static struct action act_pgup(void *st, const struct screen_ctx *c)
{
	return move_sel(st, c, -list_rows(&c->mon->oom));
}
static struct action act_pgdn(void *st, const struct screen_ctx *c)
{
	return move_sel(st, c, list_rows(&c->mon->oom));
}
static struct action act_home(void *st, const struct screen_ctx *c) { return move_sel(st, c, -OOMLOG_MAX); }
static struct action act_end(void *st, const struct screen_ctx *c) { return move_sel(st, c, OOMLOG_MAX); }

static const struct binding bindings[] = {
	{ { 'q', KEY_BACKSPACE, 127, 8 }, "q Backspace", "back to the process list", screen_act_back, "Back", BIND_BOTH },
	{ { 'o', KEY_ESC, KEY_LEFT }, "o Esc", "back to the process list", screen_act_back, NULL, BIND_BOTH },
	{ { KEY_F(10) }, "F10", "quit", screen_act_quit, NULL, BIND_BOTH },
	{ { 'h', '?', KEY_F(1) }, "h ? F1", "this help", screen_act_help, "Help", BIND_BOTH },
	{ { KEY_UP }, "Up", "select the newer kill", act_up, NULL, BIND_BOTH },
	{ { KEY_DOWN }, "Down", "select the older kill", act_down, NULL, BIND_BOTH },
	{ { KEY_PPAGE, KEY_CTRL('b') }, "PgUp", "up one page", act_pgup, NULL, BIND_BOTH },
	{ { KEY_NPAGE, KEY_CTRL('f') }, "PgDn", "down one page", act_pgdn, NULL, BIND_BOTH },
	{ { KEY_HOME, 'g' }, "Home g", "the newest kill", act_home, NULL, BIND_BOTH },
	{ { KEY_END }, "End", "the oldest kill", act_end, NULL, BIND_BOTH },
};

static struct action oom_key(void *state, const struct screen_ctx *c, int ch)
{
	return screen_bound_key(&screen_oom, state, c, ch);
}

const struct screen screen_oom = {
	.name = "oom",
	.state = &oom_state,
	.enter = oom_enter,
	.draw = oom_draw,
	.key = oom_key,
	.tick = oom_tick,
	.bindings = bindings,
	.nbindings = sizeof bindings / sizeof *bindings,
};
