/* view_detail.c — one process in depth: identity, memory breakdown, OOM and
 * leak verdict, history graphs, and its mappings from smaps (which one grows).
 * Draws a struct detail (ui/detail.h) and reads nothing itself. */
#include "ui/view_detail.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/pace.h"
#include "model/trend.h"
#include "ui/draw.h"
#include "ui/view_alloc.h"
#include "util/graph.h"
#include "util/mathutil.h"
#include "util/text.h"

// What every drawing function here reads: the view's state and the screen.
struct dview {
	struct detail *detail;
	const struct ui *ui;
	double interval_s;
};

// "S (sleeping)" for a stat state letter.
static const char *state_name(char st)
{
	switch (st) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "disk sleep";
	case 'Z': return "zombie";
	case 'T': return "stopped";
	case 't': return "tracing stop";
	case 'X': return "dead";
	case 'I': return "idle";
	default: return "unknown";
	}
}

// "3d 4h", "1h 02m", "5m 09s", "42s".
static void format_age(double s, char *buf, size_t cap)
{
	long t = s > 0 ? (long)s : 0;

	if (t >= 86400)
		snprintf(buf, cap, "%ldd %ldh", t / 86400, t % 86400 / 3600);
	else if (t >= 3600)
		snprintf(buf, cap, "%ldh %02ldm", t / 3600, t % 3600 / 60);
	else if (t >= 60)
		snprintf(buf, cap, "%ldm %02lds", t / 60, t % 60);
	else
		snprintf(buf, cap, "%lds", t);
}

// Seconds since boot (CLOCK_BOOTTIME), to turn a start time into an age.
static double uptime_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Line 0: who it is, its state and age.
static int draw_identity(const struct dview *v, int y)
{
	const struct detail *dt = v->detail;
	const struct proc_sample *s = &dt->last;
	char age[32], buf[512];
	int x;

	format_age((dt->exited ? dt->exit_uptime : uptime_s()) - s->start_time_s, age, sizeof age);
	snprintf(buf, sizeof buf, "PID %d  %s", s->pid, s->comm);
	x = view_put(v->ui, y, 0, COLS, buf, ui_attr(v->ui, ROLE_LABEL));
	if (dt->replay)       // no state recorded, and this boot's clock says nothing of its age
		snprintf(buf, sizeof buf, "  user %s  ppid %d", s->user, s->ppid);
	else if (dt->exited)
		snprintf(buf, sizeof buf, "  user %s  ppid %d  lived %s", s->user, s->ppid, age);
	else
		snprintf(buf, sizeof buf, "  state %c (%s)  user %s  ppid %d  age %s", dt->d.state,
			 state_name(dt->d.state), s->user, s->ppid, age);
	x += view_put(v->ui, y, x, COLS - x, buf, A_NORMAL);
	if (dt->exited)
		view_put(v->ui, y, x + 2, COLS - x - 2, dt->replay ? "NOT RUNNING at this sample (its last "
			 "data shown)" : "EXITED", ui_attr(v->ui, ROLE_PAUSED));
	view_put(v->ui, y + 1, 0, 8, "cgroup ", ui_attr(v->ui, ROLE_DIM));
	view_put(v->ui, y + 1, 7, COLS - 7, s->cgroup[0] ? s->cgroup : "n/a", A_NORMAL);
	return y + 2;
}

/* ---- command line ------------------------------------------------------- */

#define CMD_X 8                  // its left margin, after "command "
#define CMD_LINE_CAP 1024        // bytes of one screen line: view_put's buffer

// What the command section shows: the command line, or the name without one.
static const char *command_text(const struct detail *dt)
{
	return dt->last.cmdline[0] ? dt->last.cmdline : dt->last.comm;
}

// The screen lines of the command line at cols columns, with one more for
// the mark when it was cut; wrapped again only when the text or the width
// changed (dt->cmd_wrap holds where each line starts, and its end).
static size_t command_lines(const struct dview *v, int cols)
{
	struct detail *dt = v->detail;
	const char *s = command_text(dt);
	size_t len = strlen(s), n, *starts;

	if (dt->cmd_wrap_cols != cols) {
		n = text_wrap(s, len, cols, v->ui->utf8, CMD_LINE_CAP, NULL, 0);
		if (!(starts = realloc(dt->cmd_wrap, (n + 1) * sizeof *starts)))
			ui_fatal("out of memory");
		text_wrap(s, len, cols, v->ui->utf8, CMD_LINE_CAP, starts, n);
		starts[n] = len;
		dt->cmd_wrap = starts;
		dt->cmd_nwrap = n;
		dt->cmd_wrap_cols = cols;
	}
	return dt->cmd_nwrap + (dt->cmdline_cut ? 1 : 0);
}

// Draws screen line k of the command line, or the mark after its last line
// when memtop cut it.
static void command_line_draw(const struct dview *v, int y, size_t k)
{
	const struct detail *dt = v->detail;
	char seg[4 * CMD_LINE_CAP], mark[128];
	size_t from, len;

	if (k >= dt->cmd_nwrap) {
		snprintf(mark, sizeof mark, "%s cut: memtop reads at most %d KiB of a command line",
			 v->ui->utf8 ? "\u2026" : "...", SOURCE_CMDLINE_FULL_MAX / 1024);
		view_put(v->ui, y, CMD_X, COLS - CMD_X, mark, ui_attr(v->ui, ROLE_MESSAGE));
		return;
	}
	// A line is at most CMD_LINE_CAP bytes out, from at most 4 bytes in each.
	from = dt->cmd_wrap[k];
	len = dt->cmd_wrap[k + 1] - from < sizeof seg ? dt->cmd_wrap[k + 1] - from : sizeof seg - 1;
	memcpy(seg, command_text(dt) + from, len);
	seg[len] = '\0';
	view_put(v->ui, y, CMD_X, COLS - CMD_X, seg, A_NORMAL);
}

// The command line's first `lines` screen lines (c shows them all).
static int draw_command(const struct dview *v, int y, int lines)
{
	size_t n = command_lines(v, COLS - CMD_X);

	view_put(v->ui, y, 0, CMD_X, "command ", ui_attr(v->ui, ROLE_DIM));
	for (int l = 0; l < lines && (size_t)l < n; l++)
		command_line_draw(v, y + l, (size_t)l);
	return y + lines;
}

// The screen lines the whole command line (c) has below the identity lines.
static size_t command_page(void)
{
	return LINES > 4 ? (size_t)(LINES - 3) : 1;
}

// The last first line that still fills the page.
static size_t command_max_top(const struct detail *dt)
{
	size_t n = dt->cmd_nwrap + (dt->cmdline_cut ? 1 : 0);

	return n > command_page() ? n - command_page() : 0;
}

// c: the whole command line over the rest of the screen, from cmd_top.
static void draw_command_page(const struct dview *v, int y)
{
	struct detail *dt = v->detail;
	size_t n = command_lines(v, COLS - CMD_X), page = command_page();
	char buf[256];

	if (dt->cmd_top > command_max_top(dt))
		dt->cmd_top = command_max_top(dt);
	view_put(v->ui, y, 0, CMD_X, "command ", ui_attr(v->ui, ROLE_DIM));
	for (size_t k = dt->cmd_top; k < n && k < dt->cmd_top + page; k++)
		command_line_draw(v, y + (int)(k - dt->cmd_top), k);
	snprintf(buf, sizeof buf, "Esc/q back  c mappings  Up/Down PgUp/PgDn Home/End scroll  "
		 "lines %zu-%zu of %zu", n ? dt->cmd_top + 1 : 0,
		 dt->cmd_top + page < n ? dt->cmd_top + page : n, n);
	view_put(v->ui, LINES - 1, 0, COLS, buf, ui_attr(v->ui, ROLE_FOOTER_TEXT));
}

// Scrolls the whole command line (c); false for a key that does not.
static bool command_key(const struct dview *v, int ch)
{
	struct detail *dt = v->detail;
	size_t page = command_page(), max = command_max_top(dt);

	switch (ch) {
	case KEY_UP: case 'k': dt->cmd_top = dt->cmd_top ? dt->cmd_top - 1 : 0; break;
	case KEY_DOWN: case 'j': dt->cmd_top = dt->cmd_top < max ? dt->cmd_top + 1 : max; break;
	case KEY_PPAGE: dt->cmd_top = dt->cmd_top > page ? dt->cmd_top - page : 0; break;
	case KEY_NPAGE: dt->cmd_top = max - dt->cmd_top > page ? dt->cmd_top + page : max; break;
	case KEY_HOME: dt->cmd_top = 0; break;
	case KEY_END: dt->cmd_top = max; break;
	default: return false;
	}
	return true;
}

// RSS, PSS, USS, anonymous, swap, heap: one line.
static int draw_memory(const struct dview *v, int y)
{
	const struct detail *dt = v->detail;
	const struct proc_sample *s = &dt->last;
	char rss[16], pss[16] = "n/a", uss[16] = "n/a", anon[16], swap[16] = "-", heap[16] = "-", buf[256];

	text_human_kb(s->rss_kb, rss, sizeof rss);
	text_human_kb(s->anon_kb, anon, sizeof anon);
	if (s->have_detail)
		text_human_kb(s->swap_kb, swap, sizeof swap);
	if (s->have_heap)
		text_human_kb(s->heap_kb, heap, sizeof heap);
	if (dt->have_maps && dt->d.have_rollup) {
		const struct smaps_map *r = &dt->d.rollup.maps[0];

		text_human_kb(r->pss_kb, pss, sizeof pss);
		text_human_kb(r->private_clean_kb + r->private_dirty_kb, uss, sizeof uss);
	}
	snprintf(buf, sizeof buf, "RSS %s  PSS %s  USS %s  anonymous %s  swap %s  heap %s", rss, pss,
		 uss, anon, swap, heap);
	view_put(v->ui, y, 0, COLS, buf, A_NORMAL);
	return y + 1;
}

// The OOM score with what it means, in one line.
static int draw_oom(const struct dview *v, int y)
{
	const struct proc_sample *s = &v->detail->last;
	char buf[256];

	if (!s->have_detail)
		snprintf(buf, sizeof buf, "OOM score n/a");
	else if (s->oom_score_adj == -1000)
		snprintf(buf, sizeof buf, "OOM score %d, adj -1000: the OOM killer never picks it",
			 s->oom_score);
	else
		// oom_score = 667 x (1 + share), share = (rss + swap + page tables) / (RAM + swap)
		// plus adj/1000; so the share the kernel charges is 1.5 x score / 1000 - 1.
		snprintf(buf, sizeof buf, "OOM score %d, adj %d: charged as %.0f%% of RAM+swap%s; "
			 "the highest score is killed first", s->oom_score, s->oom_score_adj,
			 dmax(0.0, 150.0 * s->oom_score / 1000.0 - 100.0),
			 s->oom_score_adj ? " (adj included)" : "");
	view_put(v->ui, y, 0, COLS, buf, A_NORMAL);
	return y + 1;
}

// The memory cgroup's pressure and usage against its limit (v2 or v1).
static int draw_cgroup(const struct dview *v, int y)
{
	const struct cgroup_detail *cg = &v->detail->d.cg;
	char buf[512], u[16], l[16];
	size_t o = 0;

	o += (size_t)snprintf(buf + o, sizeof buf - o, "cgroup memory: ");
	if (cg->have_pressure)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "pressure some %.2f %.2f %.2f full %.2f %.2f %.2f",
				      cg->pressure.some.avg10, cg->pressure.some.avg60, cg->pressure.some.avg300,
				      cg->pressure.full.avg10, cg->pressure.full.avg60, cg->pressure.full.avg300);
	else
		o += (size_t)snprintf(buf + o, sizeof buf - o, "pressure n/a");
	if (cg->have_current && o < sizeof buf)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "; current %s of max %s",
				      text_human_kb(cg->current / 1024, u, sizeof u),
				      !cg->have_max ? "n/a" : cg->max_unlimited ? "unlimited"
				      : text_human_kb(cg->max / 1024, l, sizeof l));
	else if (cg->have_v1 && o < sizeof buf)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "; usage %s of limit %s (v1)",
				      text_human_kb(cg->v1_usage / 1024, u, sizeof u),
				      cg->v1_unlimited ? "unlimited" : text_human_kb(cg->v1_limit / 1024, l, sizeof l));
	else if (o < sizeof buf)
		snprintf(buf + o, sizeof buf - o, "; usage and limit n/a");
	view_put(v->ui, y, 0, COLS, buf, A_NORMAL);
	return y + 1;
}

static int draw_leak(const struct dview *dv, int y)
{
	const struct leak_verdict *v = &dv->detail->verdict;
	char rate[16] = "n/a", since[32], buf[256];

	if (v->have_rate)
		text_human_delta_kb((int64_t)round_l(v->rate_kb_per_min), rate, sizeof rate);
	if (v->suspected) {
		char eta[64] = "";

		format_age(v->since_s, since, sizeof since);
		if (dv->detail->eta_s >= 0) {
			strcpy(eta, "; alone it fills memory in ~");
			format_age(dv->detail->eta_s, eta + strlen(eta), sizeof eta - strlen(eta));
		}
		snprintf(buf, sizeof buf, "LEAK SUSPECTED: growing %s/min for %s, confidence %.0f%%%s", rate,
			 since, v->score * 100, eta);
		view_put(dv->ui, y, 0, COLS, buf, ui_attr(dv->ui, ROLE_LEAK));
	} else {
		snprintf(buf, sizeof buf, "No leak suspected (growth %s%s, confidence %.0f%%)", rate,
			 v->have_rate ? "/min" : "", v->score * 100);
		view_put(dv->ui, y, 0, COLS, buf, A_NORMAL);
	}
	return y + 1;
}

// One history graph: a label line, then `height` rows of bars. The leak
// signal comes from the process's own history; RSS from what the view
// recorded since it opened (memtop keeps no RSS history per process).
static int draw_graph(const struct dview *v, int y, int height, const char *what, bool rss)
{
	const struct detail *dt = v->detail;
	const struct history *h = rss ? &dt->rss_hist : dt->have_hist ? &dt->hist : NULL;
	struct trend_series ser;
	char rowbuf[8][3 * 512 + 1], *rows[8], label[256], a1[16], a2[16];
	int width = COLS - 2 < 512 ? COLS - 2 : 512;

	trend_detail_series(h, rss ? dt->last.rss_kb : dt->flat_sig_kb, &ser);
	snprintf(label, sizeof label, "%s, last %.0f s (%.0f s a column): %s to %s%s", what,
		 (double)ser.n * history_bucket_s[ser.tier], history_bucket_s[ser.tier],
		 text_human_kb(ser.lo, a1, sizeof a1), text_human_kb(ser.hi, a2, sizeof a2),
		 rss ? " (since the view opened)" : dt->have_hist ? "" : " (flat since first seen)");
	view_put(v->ui, y, 0, COLS, label, ui_attr(v->ui, ROLE_DIM));
	if (height > 8)
		height = 8;
	for (int i = 0; i < height; i++)
		rows[i] = rowbuf[i];
	// Columns are 2 cells wide when few, so a short history still reads.
	if (graph_bars(ser.v, ser.n, trend_min_range(ser.hi), (int)ser.n < width ? (int)ser.n : width,
		       height, v->ui->utf8, rows, sizeof rowbuf[0]) == 0)
		for (int i = 0; i < height; i++)
			view_put(v->ui, y + 1 + i, 1, width, rows[i],
				 ui_attr(v->ui, i < height / 2 ? ROLE_SPARK_HIGH : ROLE_SPARK_LOW));
	return y + 1 + height;
}

/* ---- mapping table ------------------------------------------------------ */

static const char *sort_names[] = { "RSS", "size", "growth", "address" };

static int draw_maps_header(const struct dview *v, int y)
{
	const struct maptable *t = &v->detail->mt;
	char buf[256];

	attrset(ui_attr(v->ui, ROLE_TABLE_HEADER));
	mvhline(y, 0, ' ', COLS);
	// "   \u0394RSS" is padded by hand: %7s would count the two bytes of \u0394 as two columns.
	snprintf(buf, sizeof buf, "%-16s %4s %7s %7s %7s %7s %7s %7s %7s %s",
		 t->grouped ? "FIRST AT" : "ADDRESS", t->grouped ? "N" : "PERM", "SIZE", "RSS", "PSS",
		 "DIRTY", "ANON", "SWAP", v->ui->utf8 ? "   \u0394RSS" : "dRSS", "NAME");
	view_put(v->ui, y, 0, COLS, buf, ui_attr(v->ui, ROLE_TABLE_HEADER));
	attrset(A_NORMAL);
	return y + 1;
}

static void draw_map_row(const struct dview *v, int y, const struct maprow *r, attr_t attr)
{
	const struct maptable *t = &v->detail->mt;
	char addr[40], perms[12], s1[16], s2[16], s3[16], s4[16], s5[16], s6[16], d[16], buf[2048];

	// The start alone: SIZE gives the end, and the name gets the room.
	snprintf(addr, sizeof addr, "%016" PRIx64, r->start);
	if (t->grouped)
		snprintf(perms, sizeof perms, "%u", r->count);
	else
		snprintf(perms, sizeof perms, "%s", r->perms);
	snprintf(buf, sizeof buf, "%-16s %4s %7s %7s %7s %7s %7s %7s %7s %s", addr, perms,
		 text_human_kb(r->size_kb, s1, sizeof s1), text_human_kb(r->rss_kb, s2, sizeof s2),
		 text_human_kb(r->pss_kb, s3, sizeof s3), text_human_kb(r->private_dirty_kb, s4, sizeof s4),
		 text_human_kb(r->anonymous_kb, s5, sizeof s5), text_human_kb(r->swap_kb, s6, sizeof s6),
		 text_human_delta_kb(r->delta_rss_kb, d, sizeof d), maptable_name(t, r));
	if (attr != A_NORMAL) {
		attrset(attr);
		mvhline(y, 0, ' ', COLS);
	}
	view_put(v->ui, y, 0, COLS, buf, attr);
}

// The totals line, reconciled with the kernel's own sum (smaps_rollup).
static void draw_totals(const struct dview *v, int y)
{
	const struct detail *dt = v->detail;
	const struct smaps_map *t = &dt->mt.total;
	char s1[16], s2[16], s3[16], s4[16], s5[16], buf[512];

	snprintf(buf, sizeof buf, "Total of %zu mappings: RSS %s  PSS %s  dirty %s  anonymous %s  swap %s",
		 dt->mt.nmaps, text_human_kb(t->rss_kb, s1, sizeof s1), text_human_kb(t->pss_kb, s2, sizeof s2),
		 text_human_kb(t->private_dirty_kb, s3, sizeof s3), text_human_kb(t->anonymous_kb, s4, sizeof s4),
		 text_human_kb(t->swap_kb, s5, sizeof s5));
	if (dt->d.have_rollup) {
		const struct smaps_map *r = &dt->d.rollup.maps[0];
		bool same = r->rss_kb == t->rss_kb && r->private_dirty_kb == t->private_dirty_kb &&
			    r->anonymous_kb == t->anonymous_kb && r->swap_kb == t->swap_kb;

		// PSS is summed from rounded per-mapping values, the rollup from
		// exact ones: it may differ by under 1 KiB a mapping.
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "  %s",
			 same ? "= smaps_rollup" : "(smaps_rollup read a moment later differs)");
	}
	view_put(v->ui, y, 0, COLS, buf, ui_attr(v->ui, ROLE_STATUS) | A_BOLD);
}

// Why there are no mappings to show, or "" when there are.
static const char *maps_problem(const struct detail *dt)
{
	if (dt->d.err == -ENOTSUP)
		return "no mappings in a recording: memtop -w keeps each process's totals, not smaps";
	if (dt->d.err == -EACCES || dt->d.err == -EPERM)
		return "smaps: permission denied: run as root or as the process owner";
	if (dt->d.err && !dt->have_maps)
		return "smaps could not be read";
	if (dt->have_maps && dt->mt.nmaps == 0)
		return "no mappings: a kernel thread or a zombie has no address space";
	if (!dt->have_maps)
		return dt->exited ? "the process exited before its mappings were read" : "reading smaps...";
	return "";
}

static size_t maps_page(int y)
{
	int rows = LINES - 2 - y;

	return rows > 0 ? (size_t)rows : 1;
}

static void draw_maps(const struct dview *v, int y)
{
	struct detail *dt = v->detail;
	const char *problem = maps_problem(dt);
	size_t page;

	y = draw_maps_header(v, y);
	if (problem[0]) {
		view_put(v->ui, y, 1, COLS - 1, problem, ui_attr(v->ui, ROLE_MESSAGE));
		return;
	}
	page = maps_page(y);
	if (dt->sel >= dt->mt.n)
		dt->sel = dt->mt.n ? dt->mt.n - 1 : 0;
	if (dt->sel < dt->top)
		dt->top = dt->sel;
	else if (dt->sel >= dt->top + page)
		dt->top = dt->sel - page + 1;
	for (size_t i = dt->top; i < dt->mt.n && i < dt->top + page; i++) {
		attr_t attr = i == dt->sel ? ui_attr(v->ui, ROLE_SELECTION)
			      : i == dt->mt.grew_most && dt->mt.grew_most < dt->mt.n ? ui_attr(v->ui, ROLE_GROWTH_UP) | A_REVERSE : A_NORMAL;

		draw_map_row(v, y + (int)(i - dt->top), &dt->mt.rows[i], attr);
	}
	draw_totals(v, LINES - 2);
}

// The footer with or without a (allocation sites).
static void footer_text(const struct dview *v, bool with_a, char *buf, size_t cap)
{
	char pace[96];

	pace_describe(v->detail->maps_cost, v->interval_s, pace, sizeof pace);
	snprintf(buf, cap, "Esc/q back  %sc command  %sM RSS  S size  D growth  N address  g %s  "
		 "sorted by %s%s%s%s", v->detail->replay ? "[ ] { } time  " : "",
		 with_a ? "a alloc sites  " : "", v->detail->mt.grouped ? "ungroup" : "group",
		 sort_names[v->detail->mt.sort], pace[0] ? "  " : "", pace,
		 v->detail->have_maps && v->detail->mt.grew_most < v->detail->mt.n
		 ? "  (highlighted: grew most since opened)" : "");
}

// The keys, the order, a slowed re-read pace (so the table's age is no
// surprise) and what the highlight means. a (allocation sites, live only)
// is left out where it alone would push the rest past the width.
static void draw_footer(const struct dview *v)
{
	char buf[320], without[320];

	footer_text(v, !v->detail->replay, buf, sizeof buf);
	if ((int)strlen(buf) > COLS && !v->detail->replay) {
		footer_text(v, false, without, sizeof without);
		if ((int)strlen(without) <= COLS)
			memcpy(buf, without, sizeof buf);
	}
	view_put(v->ui, LINES - 1, 0, COLS, buf, ui_attr(v->ui, ROLE_FOOTER_TEXT));
}

static void draw_view(const struct dview *v)
{
	int y = 0, graph_h = LINES >= 40 ? 4 : LINES >= 30 ? 3 : LINES >= 24 ? 2 : 0;

	y = draw_identity(v, y);
	if (v->detail->cmd_expanded) {
		draw_command_page(v, y);
		return;
	}
	y = draw_command(v, y, LINES >= 30 ? 2 : 1);
	y = draw_memory(v, y);
	y = draw_oom(v, y);
	y = draw_cgroup(v, y);
	y = draw_leak(v, y);
	if (graph_h) {
		y = draw_graph(v, y, graph_h, "anonymous + swap", false);
		y = draw_graph(v, y, graph_h > 2 ? graph_h - 1 : graph_h, "RSS", true);
	}
	draw_maps(v, y);
	draw_footer(v);
}

// Re-sorts or regroups the mapping table from the last smaps read.
static void maps_reorder(const struct dview *v)
{
	if (v->detail->have_maps && maptable_reorder(&v->detail->mt) < 0)
		ui_fatal("out of memory");
}

static struct action view_detail_key(void *state, const struct screen_ctx *c, int ch)
{
	struct dview dv = { .detail = state, .ui = c->ui, .interval_s = c->interval_s }, *v = &dv;
	struct detail *dt = v->detail;
	size_t page = LINES > 20 ? (size_t)(LINES - 20) : 1;
	bool reorder = false;

	if (dt->cmd_expanded && command_key(v, ch))
		return action_of(ACTION_NONE);
	switch (ch) {
	case KEY_ESC: case 'q': case KEY_BACKSPACE: case 127: case 8: case KEY_LEFT:
		return action_of(ACTION_BACK);
	case 'c': dt->cmd_expanded = !dt->cmd_expanded; return action_of(ACTION_NONE);
	// Its allocation sites (issue 22): the screen attaches when entered.
	case 'a':
		if (dt->pid <= 0)
			return action_of(ACTION_NONE);
		return (struct action){ .kind = ACTION_OPEN, .screen = &screen_alloc, .pid = dt->pid,
					.start_ticks = dt->start_ticks };
	// A replay moves in time here too, as on the list.
	case '[': return dt->replay ? action_move(SOURCE_MOVE_STEP, -1, 0) : action_of(ACTION_NONE);
	case ']': return dt->replay ? action_move(SOURCE_MOVE_STEP, 1, 0) : action_of(ACTION_NONE);
	case '{': return action_move_by_time(c, -SCREEN_STRIDE_S);
	case '}': return action_move_by_time(c, SCREEN_STRIDE_S);
	case 'M': dt->mt.sort = MAPSORT_RSS; reorder = true; break;
	case 'S': dt->mt.sort = MAPSORT_SIZE; reorder = true; break;
	case 'D': dt->mt.sort = MAPSORT_DELTA; reorder = true; break;
	case 'N': dt->mt.sort = MAPSORT_ADDR; reorder = true; break;
	case 'g': dt->mt.grouped = !dt->mt.grouped; reorder = true; break;
	case KEY_UP: case 'k': dt->sel = dt->sel ? dt->sel - 1 : 0; break;
	case KEY_DOWN: case 'j': dt->sel++; break;
	case KEY_PPAGE: dt->sel = dt->sel > page ? dt->sel - page : 0; break;
	case KEY_NPAGE: dt->sel += page; break;
	case KEY_HOME: dt->sel = 0; break;
	case KEY_END: dt->sel = dt->mt.n ? dt->mt.n - 1 : 0; break;
	default: break;
	}
	if (reorder)
		maps_reorder(v);
	return action_of(ACTION_NONE);
}

static void detail_draw(void *state, const struct screen_ctx *c)
{
	struct dview dv = { .detail = state, .ui = c->ui, .interval_s = c->interval_s };

	draw_view(&dv);
}

// Opened for (pid, start_ticks) from the list's row for it; a process
// that is already gone leaves the view empty until the list returns.
static void detail_enter(void *state, const struct screen_ctx *c, const struct action *why)
{
	const struct proc *p = proctable_find(&c->mon->table, why->pid);

	if (p && p->start_ticks == why->start_ticks)
		detail_open(state, c->mon, p, c->interval_s);
}

static void detail_tick(void *state, const struct screen_ctx *c)
{
	detail_refresh(state, c->mon, c->interval_s);
}

static void detail_leave(void *state)
{
	detail_close(state);
}

static void detail_free_state(void *state)
{
	detail_free(state);
}

static struct detail detail_state;

const struct screen screen_detail = {
	.name = "detail",
	.state = &detail_state,
	.enter = detail_enter,
	.draw = detail_draw,
	.key = view_detail_key,
	.tick = detail_tick,
	.leave = detail_leave,
	.free = detail_free_state,
};
