/* view_header.c — the list screen's top five lines: memory and swap meters
 * with PSI beside them, the status line, the suspected leaks (or the
 * pressure banner), the OOM line, and the last OOM kill when there is one. */
#include "ui/view_header.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ui/draw.h"
#include "util/graph.h"
#include "util/mathutil.h"
#include "util/text.h"
#include "util/timeexpr.h"

// One part of a meter's bar: a share of its total, drawn in a role.
struct meter_part {
	uint64_t kb;
	enum ui_role role;
	char glyph;
};

// "Mem[|||||::::     1.2G/7.6G]": the bar's parts in turn, each in its
// glyph and role, the numbers — the first part of the total — over its
// right end.
static void draw_meter(const struct screen_ctx *c, int y, int width, const char *label, uint64_t total,
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
	view_put(c->ui, y, 0, lw, label, ui_attr(c->ui, ROLE_LABEL));
	mvaddch(y, lw, '[');
	for (int p = 0; p < nparts; p++) {
		// Each part ends where the running sum ends, so rounding never
		// makes the parts overflow the bar.
		int end;

		sum += parts[p].kb;
		end = total ? (int)((double)inner * (double)sum / (double)total + 0.5) : 0;
		end = end > inner ? inner : end;
		attrset(ui_attr(c->ui, parts[p].role));
		for (; x < lw + 1 + end; x++)
			mvaddch(y, x, (chtype)(unsigned char)parts[p].glyph);
	}
	attrset(A_NORMAL);
	if (tlen <= inner)
		view_put(c->ui, y, lw + 1 + inner - tlen, tlen, text, ui_attr(c->ui, ROLE_METER_TEXT));
	mvaddch(y, lw + 1 + inner, ']');
}

// One PSI line: "PSI some  1.20  0.50  0.10" (avg10, avg60, avg300; on a
// narrow screen without avg300), coloured by its level.
static void draw_psi_line(const struct screen_ctx *c, int y, int x, const char *name,
			  const struct psi_line *l, enum psi_level level, bool narrow)
{
	static const enum ui_role roles[] = { ROLE_PSI_OK, ROLE_PSI_WARN, ROLE_PSI_CRIT };
	char buf[64];

	view_put(c->ui, y, x, 4, "PSI", ui_attr(c->ui, ROLE_LABEL));
	if (!l->valid) {
		snprintf(buf, sizeof buf, "%s n/a", name);
		view_put(c->ui, y, x + 4, COLS - x - 4, buf, ui_attr(c->ui, ROLE_DIM));
		return;
	}
	if (narrow)
		snprintf(buf, sizeof buf, "%s %5.2f %5.2f", name, l->avg10, l->avg60);
	else
		snprintf(buf, sizeof buf, "%s %5.2f %5.2f %5.2f", name, l->avg10, l->avg60, l->avg300);
	view_put(c->ui, y, x + 4, COLS - x - 4, buf, ui_attr(c->ui, roles[level]));
}

// A sparkline of the per-interval stall share, after a PSI line: scaled to
// at least 10 % so an idle machine's noise stays flat.
static void draw_psi_spark(const struct screen_ctx *c, int y, int x, const float *hist, unsigned n, int width)
{
	uint32_t v[SYSMODEL_PSI_LEN];
	char buf[3 * SYSMODEL_PSI_LEN + 1];

	for (unsigned i = 0; i < n; i++)
		v[i] = (uint32_t)(hist[i] * 100.0f);       // hundredths of a percent
	if (n && graph_sparkline(v, n, 1000, width, c->ui->utf8, buf, sizeof buf))
		view_put_spark(c->ui, y, x, width, buf);
}

// Lines 0 and 1: memory and swap meters, PSI beside them (with the stall
// share of each recent interval as a sparkline on wide screens).
static void draw_header(const struct screen_ctx *c)
{
	const struct sys_sample *sys = &c->mon->snap.sys;
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

		draw_meter(c, 0, meter_w, "Mem", sys->total_kb, mem, 3);
		draw_meter(c, 1, meter_w, "Swp", sys->swap_total_kb, swp, 2);
	} else {
		view_put(c->ui, 0, 0, meter_w, "Mem n/a", ui_attr(c->ui, ROLE_DIM));
	}
	if (!sys->have_psi) {
		view_put(c->ui, 0, meter_w + 1, psi_w, "PSI n/a", ui_attr(c->ui, ROLE_DIM));
		return;
	}
	draw_psi_line(c, 0, meter_w + 1, "some", &sys->psi.some, psi_level_some(&sys->psi.some), narrow);
	draw_psi_line(c, 1, meter_w + 1, "full", &sys->psi.full, psi_level_full(&sys->psi.full), narrow);
	if (spark_w) {
		draw_psi_spark(c, 0, COLS - spark_w, c->mon->sys.psi_some_hist, c->mon->sys.psi_count, spark_w);
		draw_psi_spark(c, 1, COLS - spark_w, c->mon->sys.psi_full_hist, c->mon->sys.psi_count, spark_w);
	}
}

// The status line: counts, interval, sort, filter, pause and any message.
// A replay has no refresh but the poll of End's following, shown while it
// follows.
static void draw_status(const struct screen_ctx *c, int y, const struct listmodel *list,
			const struct source_timeline *tl)
{
	char buf[512], every[48] = "";
	int x;
	const char *arrow = list->descending ? (c->ui->utf8 ? "\u25bc" : "v") : (c->ui->utf8 ? "\u25b2" : "^");
	bool wide = COLS >= 60;

	if (!tl)
		snprintf(every, sizeof every, wide ? "  Refresh: %gs" : "  %gs", c->interval_s);
	else if (tl->follow && !c->paused)
		snprintf(every, sizeof every, wide ? "  Follow: %gs" : "  %gs", c->interval_s);
	if (wide)
		snprintf(buf, sizeof buf, "Processes: %zu%s  Sort: %s %s", c->mon->table.n, every,
			 sort_key_name(list->key), arrow);
	else
		snprintf(buf, sizeof buf, "%zu procs%s  %s %s", c->mon->table.n, every,
			 sort_key_name(list->key), arrow);
	x = view_put(c->ui, y, 0, COLS, buf, ui_attr(c->ui, ROLE_STATUS));
	if (list->filter[0]) {
		snprintf(buf, sizeof buf, "  Filter: \"%s\" (%zu shown)", list->filter, list->nrows);
		x += view_put(c->ui, y, x, COLS - x, buf, ui_attr(c->ui, ROLE_PROMPT));
	}
	if (list->cgroup[0]) {
		char cg[LISTMODEL_CGROUP_MAX + 48];   // the screen's width cuts it

		snprintf(cg, sizeof cg, "  Cgroup: %s (%zu shown)", list->cgroup, list->nrows);
		x += view_put(c->ui, y, x, COLS - x, cg, ui_attr(c->ui, ROLE_PROMPT));
	}
	if (list->suspects_only)
		x += view_put(c->ui, y, x + 2, COLS - x - 2, "Leaks only", ui_attr(c->ui, ROLE_PROMPT)) + 2;
	if (c->paused)
		x += view_put(c->ui, y, x + 2, COLS - x - 2, "PAUSED", ui_attr(c->ui, ROLE_PAUSED)) + 2;
	if (c->message[0])
		view_put(c->ui, y, x + 2, COLS - x - 2, c->message, ui_attr(c->ui, ROLE_MESSAGE));
}

// Whether host names this machine.
static bool same_host(const char *host)
{
	char here[256];

	if (gethostname(here, sizeof here) < 0)
		return false;
	here[sizeof here - 1] = '\0';
	return strcmp(here, host) == 0;
}

// A replay's own line: the recorded time of the sample shown, where it is
// in the recording, whether End's following is on, and where it was
// recorded when that was not this boot of this machine.
static void draw_replay(const struct screen_ctx *c, int y, const struct source_timeline *tl)
{
	char at[32], first[32], last[32], buf[512];
	int x;

	snprintf(buf, sizeof buf, "Recorded %s", timeexpr_format(tl->at_t, at, sizeof at));
	x = view_put(c->ui, y, 0, COLS, buf, ui_attr(c->ui, ROLE_LABEL));
	snprintf(buf, sizeof buf, "  sample %zu/%zu", tl->count ? tl->index + 1 : 0, tl->count);
	x += view_put(c->ui, y, x, COLS - x, buf, ui_attr(c->ui, ROLE_STATUS));
	if (tl->follow && !c->paused)
		x += view_put(c->ui, y, x + 2, COLS - x - 2, "following", ui_attr(c->ui, ROLE_PROMPT)) + 2;
	if (!tl->this_boot) {
		snprintf(buf, sizeof buf, same_host(tl->host) ? "%s, an earlier boot" :
			 "on %s, another machine", tl->host);
		x += view_put(c->ui, y, x + 2, COLS - x - 2, buf, ui_attr(c->ui, ROLE_PAUSED)) + 2;
	}
	if (COLS - x >= 50) {
		snprintf(buf, sizeof buf, "  (recording %s to %s)", timeexpr_format(tl->first_t, first, sizeof first),
			 timeexpr_format(tl->last_t, last, sizeof last));
		view_put(c->ui, y, x, COLS - x, buf, ui_attr(c->ui, ROLE_DIM));
	}
}

// The suspected leaks, fastest first, so the answer is on screen whatever
// the sort order.
static void draw_suspects(const struct screen_ctx *c, int y)
{
	const struct proc *top[3];
	size_t n = 0, shown = 0;
	char buf[512];
	int x;

	for (size_t i = 0; i < c->mon->table.n; i++) {
		const struct proc *p = &c->mon->table.v[i];

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
		view_put(c->ui, y, 0, COLS, "No suspected leaks", ui_attr(c->ui, ROLE_DIM));
		return;
	}
	snprintf(buf, sizeof buf, "%zu suspected leak%s:", n, n == 1 ? "" : "s");
	x = view_put(c->ui, y, 0, COLS, buf, ui_attr(c->ui, ROLE_LEAK));
	for (size_t i = 0; i < shown && x < COLS; i++) {
		char rate[16];

		text_human_delta_kb((int64_t)round_l(top[i]->verdict.rate_kb_per_min), rate, sizeof rate);
		snprintf(buf, sizeof buf, " %d %s %s/min %.0f%%%s", top[i]->pid, top[i]->s->comm, rate,
			 top[i]->verdict.score * 100, i + 1 < shown ? "," : n > shown ? " ..." : "");
		x += view_put(c->ui, y, x, COLS - x, buf, ui_attr(c->ui, ROLE_GROWTH_UP));
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

// Who the OOM killer would pick now (in a replay: then), and when memory
// runs out at the current rate (the rate then).
static void draw_oom_line(const struct screen_ctx *c, int y, bool replay)
{
	const struct sysmodel *m = &c->mon->sys;
	const struct proc *p = m->oom.valid ? proctable_find(&c->mon->table, m->oom.pid) : NULL;
	char buf[512], rss[16], eta[32];
	int x = 0;

	if (p) {
		snprintf(buf, sizeof buf, "OOM victim %s: %d %s (score %d, RSS %s%s)  ", replay ? "then" : "now",
			 p->pid, p->s->comm, m->oom.score, text_human_kb(p->s->rss_kb, rss, sizeof rss),
			 m->oom.tied ? ", the largest of a tie" : "");
		x = view_put(c->ui, y, 0, COLS, buf, A_NORMAL);
	}
	if (m->falling) {
		format_eta(m->eta_s, eta, sizeof eta);
		snprintf(buf, sizeof buf, "Memory exhausted in ~%s at the %s", eta,
			 replay ? "rate then" : "current rate");
		view_put(c->ui, y, x, COLS - x, buf, ui_attr(c->ui, ROLE_PSI_WARN));
	} else {
		view_put(c->ui, y, x, COLS - x, "Memory: stable", ui_attr(c->ui, ROLE_DIM));
	}
}

// The kill line's state: whether there is something to say about OOM
// kills (the last one the kernel log reported, or, unreadable, the count).
static bool have_kill_line(const struct screen_ctx *c)
{
	const struct oomlog *l = &c->mon->oom;

	return l->count > 0 || (l->log_err != 0 && l->have_counter && l->counter > 0);
}

// "OOM kill 5 min ago: hog (10100), anon 64M, memtop_oomtest, as memtop
// predicted": the last kill the log reported, most telling part first so
// that a narrow screen cuts the rest; without the log, the count and why.
static void draw_kill_line(const struct screen_ctx *c, int y)
{
	const struct oomlog *l = &c->mon->oom;
	const struct oomlog_entry *e = oomlog_get(l, 0);
	char buf[512], ago[32], anon[16], pred[128] = "";
	double dt;

	if (!e) {
		snprintf(buf, sizeof buf, "%" PRIu64 " OOM kill%s since boot (details: %s)", l->counter,
			 l->counter == 1 ? "" : "s",
			 l->log_err == -EPERM || l->log_err == -EACCES ? "need root" : oomlog_state(l));
		view_put(c->ui, y, 0, COLS, buf, ui_attr(c->ui, ROLE_PSI_WARN));
		return;
	}
	dt = c->mon->snap.sys.mono_time - e->kill.mono_time;
	format_eta(dt > 0 ? dt : 0, ago, sizeof ago);
	if (e->predicted.right)
		snprintf(pred, sizeof pred, ", as memtop predicted");
	else if (e->predicted.valid)
		snprintf(pred, sizeof pred, ", memtop predicted %s (%d)", e->predicted.comm, e->predicted.pid);
	snprintf(buf, sizeof buf, "OOM kill %s ago: %s (%d), anon %s, %s%s%s", ago, e->kill.comm,
		 e->kill.pid, text_human_kb(e->kill.anon_rss_kb, anon, sizeof anon), e->scope_label, pred,
		 l->serial > 1 ? "  [o: all]" : "");
	view_put(c->ui, y, 0, COLS, buf, ui_attr(c->ui, e->kill.since_start ? ROLE_ALERT : ROLE_DIM));
}

int header_lines(const struct screen_ctx *c)
{
	return HEADER_LINES + (screen_replay(c) ? 1 : 0) + (have_kill_line(c) ? 1 : 0);
}

void header_draw(const struct screen_ctx *c, const struct listmodel *list)
{
	struct source_timeline tl;
	bool replay = monitor_timeline(c->mon, &tl);
	int y = 2;

	if (c->mon->have_snap)
		draw_header(c);
	if (replay)
		draw_replay(c, y++, &tl);
	draw_status(c, y++, list, replay ? &tl : NULL);
	if (c->alert) {
		attrset(ui_attr(c->ui, ROLE_ALERT));
		mvhline(y, 0, ' ', COLS);
		view_put(c->ui, y, 0, COLS, c->alert, ui_attr(c->ui, ROLE_ALERT));
	} else {
		draw_suspects(c, y);
	}
	draw_oom_line(c, y + 1, replay);
	if (have_kill_line(c))
		draw_kill_line(c, y + 2);
}
