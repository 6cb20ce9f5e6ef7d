/* report_html.c — the report as one self-contained HTML page: inline CSS,
 * inline SVG charts (available memory, memory pressure, each suspect), no
 * script, no font, no reference to anything outside the file. Every string
 * from a process or the recording is HTML-escaped. */
#include "output/report_int.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "util/text.h"

#define CHART_W 880
#define CHART_H 220
#define PLOT_L 64                  // the plot area inside the chart
#define PLOT_R 16
#define PLOT_T 14
#define PLOT_B 30
#define POINTS_MAX (2 * REPORT_SERIES_MAX)

// Writes s with &, <, >, " and ' as entities: safe in text and attributes.
static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

static const char css[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:940px;color:#1d2127;"
	"background:#fff;padding:0 12px}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d5d9de}\n"
	"h3{font-size:14px;margin:18px 0 4px}.meta{color:#5b636d}\n"
	"table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:3px 8px;"
	"border-bottom:1px solid #e6e9ec;vertical-align:top}th{background:#f3f5f7}\n"
	"td{overflow-wrap:anywhere}td.n,td.t{white-space:nowrap}td.n{text-align:right;"
	"font-variant-numeric:tabular-nums}code{font-size:12px;word-break:break-all}\n"
	"td.cmd{max-width:320px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\n"
	".none{color:#5b636d;font-style:italic}.bad{color:#b3261e;font-weight:600}\n"
	".summary{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0;padding:0;list-style:none}\n"
	".summary li{border:1px solid #d5d9de;border-radius:6px;padding:6px 12px}\n"
	".summary b{display:block;font-size:18px}\n"
	"svg.chart{display:block;max-width:100%;height:auto;background:#fbfcfd;border:1px solid #e6e9ec}\n"
	"svg .grid{stroke:#e3e6ea;stroke-width:1}svg .axis{stroke:#8a929b;stroke-width:1}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#4a525b}\n"
	"svg .avail{fill:none;stroke:#2f6fd0;stroke-width:1.5}svg .some{fill:none;stroke:#d08a00;stroke-width:1.5}\n"
	"svg .full{fill:none;stroke:#b3261e;stroke-width:1.5}svg .anon{fill:none;stroke:#7b3fb5;stroke-width:1.5}\n"
	"svg .level{stroke-dasharray:4 3;stroke-width:1}svg .level.some{stroke:#d08a00}svg .level.full{stroke:#b3261e}\n"
	"svg .episode{fill:#f5a623;fill-opacity:.18}svg .flagged{fill:#7b3fb5;fill-opacity:.10}\n"
	"svg .victim{stroke:#7a0d0d;stroke-width:2;stroke-dasharray:5 2}svg text.victim{fill:#7a0d0d;stroke:none}\n"
	"svg .oom{stroke:#b3261e;stroke-width:2}svg .reboot{stroke:#333;stroke-width:1.5;stroke-dasharray:2 2}\n"
	".legend span{margin-right:14px}.legend i{display:inline-block;width:14px;height:3px;"
	"vertical-align:middle;margin-right:4px}\n";

// ---- axes ------------------------------------------------------------------------

struct chart {
	double t0, t1, y0, y1;
	bool percent;                  // y in percent; otherwise KiB
};

static double xpos(const struct chart *c, double t)
{
	double w = CHART_W - PLOT_L - PLOT_R;

	return PLOT_L + (c->t1 > c->t0 ? (t - c->t0) / (c->t1 - c->t0) * w : w / 2);
}

static double ypos(const struct chart *c, double v)
{
	double h = CHART_H - PLOT_T - PLOT_B;

	if (c->y1 <= c->y0)
		return PLOT_T + h;
	return PLOT_T + h - (fmin(fmax(v, c->y0), c->y1) - c->y0) / (c->y1 - c->y0) * h;
}

// A tick step for a span: about six labels, at steps a clock reads well.
static double time_step(double span)
{
	static const double steps[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
					 10800, 21600, 43200, 86400, 172800, 604800, 2592000 };

	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (span / steps[i] <= 7)
			return steps[i];
	return 2592000 * ceil(span / 2592000 / 7);
}

// A tick's label: seconds for short steps, the date for long spans.
static void time_label(char *out, size_t cap, const struct tm *tm, double step, double span)
{
	if (step < 60)
		strftime(out, cap, "%H:%M:%S", tm);
	else if (step >= 86400)
		strftime(out, cap, "%b %d", tm);
	else if (span > 86400)
		strftime(out, cap, "%b %d %H:%M", tm);
	else
		strftime(out, cap, "%H:%M", tm);
}

// The time axis: ticks on local-time boundaries, labelled in local time.
static void time_axis(FILE *f, const struct chart *c)
{
	double span = c->t1 - c->t0, step = time_step(span > 0 ? span : 1);
	time_t t0 = (time_t)floor(c->t0);
	struct tm tm;
	long off = localtime_r(&t0, &tm) ? tm.tm_gmtoff : 0;

	for (double t = ceil((c->t0 + (double)off) / step) * step - (double)off; t <= c->t1 + 1e-6; t += step) {
		time_t s = (time_t)floor(t + 0.5);
		char label[32] = "";
		double x = xpos(c, t);

		if (localtime_r(&s, &tm))
			time_label(label, sizeof label, &tm, step, span);
		fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", x, PLOT_T, x,
			CHART_H - PLOT_B);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, CHART_H - PLOT_B + 16,
			label);
	}
}

// A value step: powers of two KiB for memory (8M, 256M, 2G), 1-2-5 for
// percent; about four labels.
static double value_step(double range, bool percent)
{
	double raw = range / 4, s;

	if (raw <= 0)
		return 1;
	if (!percent)
		return exp2(ceil(log2(raw)));
	s = pow(10, floor(log10(raw)));
	return raw <= s ? s : raw <= 2 * s ? 2 * s : raw <= 5 * s ? 5 * s : 10 * s;
}

static void value_axis(FILE *f, const struct chart *c)
{
	double step = value_step(c->y1 - c->y0, c->percent);

	for (double v = ceil(c->y0 / step) * step; v <= c->y1 + 1e-9; v += step) {
		char label[24];
		double y = ypos(c, v);

		if (c->percent)
			snprintf(label, sizeof label, "%g%%", v);
		else
			text_human_kb((uint64_t)llround(v), label, sizeof label);
		fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", PLOT_L, y,
			CHART_W - PLOT_R, y);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", PLOT_L - 6, y + 4, label);
	}
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", PLOT_L, CHART_H - PLOT_B,
		CHART_W - PLOT_R, CHART_H - PLOT_B);
}

// Bounds that hold lo..hi on the value axis's steps: from 0 to exactly hi
// (a scale with a natural top: MemTotal), or with a margin around lo..hi.
static void value_bounds(struct chart *c, double lo, double hi, bool from_zero)
{
	double pad = from_zero ? 0 : (hi - lo) * 0.08, step;

	if (hi <= lo)
		pad = hi > 0 ? hi * 0.1 : 1;
	c->y0 = from_zero ? 0 : fmax(0, lo - pad);
	c->y1 = hi + pad;
	step = value_step(c->y1 - c->y0, c->percent);
	c->y0 = floor(c->y0 / step) * step;
	c->y1 = ceil(c->y1 / step) * step;
}

static void chart_begin(FILE *f, struct chart *c, const char *id, const char *title)
{
	fprintf(f, "<svg class=\"chart\" id=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">"
		"<title>", id, CHART_W, CHART_H, CHART_W, CHART_H);
	esc(f, title);
	fputs("</title>\n", f);
	value_axis(f, c);
	time_axis(f, c);
}

static void chart_line(FILE *f, const struct chart *c, const struct rseries *s, const char *cls)
{
	double t[POINTS_MAX], v[POINTS_MAX];      // 8 KiB
	size_t n = rseries_points(s, t, v, POINTS_MAX);

	if (n == 0)
		return;
	fprintf(f, "<polyline class=\"%s\" points=\"", cls);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", xpos(c, t[i]), ypos(c, v[i]));
	fputs("\"/>\n", f);
}

// A band across the plot from t0 to t1 (at least 2 px wide), with a tooltip.
static void band(FILE *f, const struct chart *c, double t0, double t1, const char *cls, const char *tip)
{
	double x0 = xpos(c, t0), x1 = fmax(xpos(c, t1), x0 + 2);

	fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>", cls, x0, PLOT_T,
		x1 - x0, CHART_H - PLOT_T - PLOT_B);
	esc(f, tip);
	fputs("</title></rect>\n", f);
}

static void mark(FILE *f, const struct chart *c, double t, const char *cls, const char *tip)
{
	double x = xpos(c, t);

	fprintf(f, "<line class=\"%s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"><title>", cls, x, PLOT_T, x,
		CHART_H - PLOT_B);
	esc(f, tip);
	fputs("</title></line>\n", f);
}

// The kills the kernel log reported, on the chart's time axis: a marker
// with the victim's name (escaped) as its tooltip and label. Those before
// the chart's span (the log's backlog) are in the table only.
static void chart_victims(FILE *f, const struct chart *c, const struct report *r)
{
	char tip[512], a[24], b[16];

	for (size_t i = 0; i < r->nvictims; i++) {
		const struct rvictim *v = &r->victims[i];

		if (v->t < c->t0 || v->t > c->t1)
			continue;
		snprintf(tip, sizeof tip, "OOM kill of %s (pid %d) at %s, anon %s, %s%s%s", v->comm, v->pid,
			 report_fmt_time(v->t, a, sizeof a), text_human_kb(v->anon_rss_kb, b, sizeof b),
			 oomlog_scope_name(v->scope), *v->task_memcg ? " in " : "", v->task_memcg);
		mark(f, c, v->t, "victim", tip);
		fprintf(f, "<text class=\"victim\" x=\"%.1f\" y=\"%d\">", xpos(c, v->t) + 3, PLOT_T + 10);
		esc(f, v->comm);
		fputs("</text>\n", f);
	}
}

// The pressure episodes, OOM kills and reboots on a chart's time axis.
static void chart_events(FILE *f, const struct chart *c, const struct report *r, const struct report_lists *l)
{
	char tip[160], a[24], b[24];

	for (size_t i = 0; i < l->nep; i++) {
		snprintf(tip, sizeof tip, "memory pressure from %s for %s, peak some %.1f%% full %.1f%%",
			 report_fmt_time(l->ep[i].start_t, a, sizeof a),
			 report_fmt_duration(l->ep[i].end_t - l->ep[i].start_t, b, sizeof b), l->ep[i].peak_some,
			 l->ep[i].peak_full);
		band(f, c, l->ep[i].start_t, l->ep[i].end_t, "episode", tip);
	}
	for (size_t i = 0; i < r->nkills; i++) {
		snprintf(tip, sizeof tip, "OOM kill%s: %" PRIu64 " at %s", r->kills[i].n == 1 ? "" : "s",
			 r->kills[i].n, report_fmt_time(r->kills[i].t, a, sizeof a));
		mark(f, c, r->kills[i].t, "oom", tip);
	}
	for (size_t i = 0; i < r->nreboots; i++) {
		snprintf(tip, sizeof tip, "reboot before %s", report_fmt_time(r->reboots[i].t, a, sizeof a));
		mark(f, c, r->reboots[i].t, "reboot", tip);
	}
	chart_victims(f, c, r);
}

static void legend(FILE *f, const char *items)
{
	fprintf(f, "<p class=\"legend meta\">%s</p>\n", items);
}

// ---- the charts -------------------------------------------------------------------

static void chart_available(FILE *f, const struct report *r, const struct report_lists *l)
{
	struct chart c = { .t0 = r->first_t, .t1 = r->last_t };

	fputs("<h2>Available memory</h2>\n", f);
	if (!r->have_mem) {
		fputs("<p class=\"none\">Not recorded.</p>\n", f);
		return;
	}
	value_bounds(&c, 0, (double)(r->total_kb ? r->total_kb : r->avail_min_kb), true);
	chart_begin(f, &c, "chart-available", "Available memory over the period");
	chart_events(f, &c, r, l);
	chart_line(f, &c, &r->avail, "avail");
	fputs("</svg>\n", f);
	legend(f, "<span><i style=\"background:#2f6fd0\"></i>MemAvailable (0 to MemTotal)</span>"
		  "<span><i style=\"background:#f5a623\"></i>pressure episode</span>"
		  "<span><i style=\"background:#b3261e\"></i>OOM kill</span>"
		  "<span><i style=\"background:#7a0d0d\"></i>OOM kill the kernel log reported (its victim)</span>");
}

static void chart_pressure(FILE *f, const struct report *r, const struct report_lists *l)
{
	struct chart c = { .t0 = r->first_t, .t1 = r->last_t, .percent = true };
	double hi = REPORT_PSI_SOME_WARN * 1.5;

	fputs("<h2>Memory pressure (PSI avg10)</h2>\n", f);
	if (r->psi_samples == 0) {
		fputs("<p class=\"none\">Not recorded (no PSI on this kernel).</p>\n", f);
		return;
	}
	for (uint32_t i = 0; i < r->psi_some.n; i++)
		hi = fmax(hi, r->psi_some.b[i].v_max * 1.1);
	value_bounds(&c, 0, fmin(hi, 100), true);
	chart_begin(f, &c, "chart-psi", "Memory pressure (PSI some and full, avg10) over the period");
	chart_events(f, &c, r, l);
	fprintf(f, "<line class=\"level some\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", PLOT_L,
		ypos(&c, REPORT_PSI_SOME_WARN), CHART_W - PLOT_R, ypos(&c, REPORT_PSI_SOME_WARN));
	fprintf(f, "<line class=\"level full\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", PLOT_L,
		ypos(&c, REPORT_PSI_FULL_WARN), CHART_W - PLOT_R, ypos(&c, REPORT_PSI_FULL_WARN));
	chart_line(f, &c, &r->psi_some, "some");
	chart_line(f, &c, &r->psi_full, "full");
	fputs("</svg>\n", f);
	legend(f, "<span><i style=\"background:#d08a00\"></i>some (dashed: its warning level)</span>"
		  "<span><i style=\"background:#b3261e\"></i>full (dashed: its warning level)</span>"
		  "<span><i style=\"background:#f5a623\"></i>pressure episode</span>");
}

// One suspect's chart: its memory over the period, the flagged stretch shaded.
static void chart_suspect(FILE *f, const struct report *r, const char *id, const char *title,
			  const struct rseries *s, const struct rflag *fl)
{
	struct chart c = { .t0 = r->first_t, .t1 = r->last_t };
	double lo = INFINITY, hi = 0;
	char tip[128], a[24], b[24];

	for (uint32_t i = 0; i < s->n; i++) {
		lo = fmin(lo, s->b[i].v_min);
		hi = fmax(hi, s->b[i].v_max);
	}
	value_bounds(&c, isfinite(lo) ? lo : 0, hi, false);
	chart_begin(f, &c, id, title);
	snprintf(tip, sizeof tip, "flagged from %s to %s", report_fmt_time(fl->first_t, a, sizeof a),
		 report_fmt_time(fl->last_t, b, sizeof b));
	band(f, &c, fl->first_t, fl->last_t, "flagged", tip);
	chart_line(f, &c, s, "anon");
	fputs("</svg>\n", f);
}

// ---- the tables ---------------------------------------------------------------------

// A time in a table: the clock alone when the period is one day (the
// header gives the date), the date too otherwise.
static void cell_time(FILE *f, const struct report *r, double t)
{
	char a[24], b[24], c[24];

	report_fmt_time(r->first_t, a, sizeof a);
	report_fmt_time(r->last_t, b, sizeof b);
	report_fmt_time(t, c, sizeof c);
	fprintf(f, "<td class=\"t\">%s</td>", strncmp(a, b, 10) == 0 && strncmp(a, c, 10) == 0 ? c + 11 : c);
}

static void cell_kb(FILE *f, uint64_t kb)
{
	char a[16];

	fprintf(f, "<td class=\"n\">%s</td>", text_human_kb(kb, a, sizeof a));
}

static void cell_text(FILE *f, const char *s)
{
	fputs("<td>", f);
	esc(f, s);
	fputs("</td>", f);
}

static void flag_cells(FILE *f, const struct report *r, const struct rflag *fl)
{
	char a[24];

	fprintf(f, "<td class=\"n\">%s</td><td class=\"n\">%.0f%%</td>",
		report_fmt_rate(fl->verdict.rate_kb_per_min, a, sizeof a), fl->verdict.score * 100);
	cell_time(f, r, fl->last_t - fl->verdict.since_s);
	cell_time(f, r, fl->first_t);
	cell_time(f, r, fl->last_t);
}

static void section_suspects(FILE *f, const struct report *r, const struct report_lists *l)
{
	char id[96], title[512];

	fprintf(f, "<h2>Suspected leaks</h2>\n");
	if (l->nsusp + l->ncg == 0) {
		fputs("<p class=\"none\">None: no process or cgroup was a suspected leak in the period.</p>\n", f);
		return;
	}
	fputs("<table><tr><th>PID</th><th>Command</th><th>User</th><th>Cgroup</th><th>Rate</th>"
	      "<th>Confidence</th><th>Growing since</th><th>First flagged</th><th>Last flagged</th></tr>\n", f);
	for (size_t i = 0; i < l->nsusp; i++) {
		const struct rproc *p = l->susp[i];

		fprintf(f, "<tr><td class=\"n\"><a href=\"#suspect-pid-%d-%" PRIu64 "\">%d</a></td>", p->pid,
			p->start_ticks, p->pid);
		cell_text(f, p->comm);
		cell_text(f, p->user);
		cell_text(f, p->cgroup);
		flag_cells(f, r, &p->flag);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	if (r->suspects_dropped)
		fprintf(f, "<p class=\"meta\">%zu more suspects were not kept.</p>\n", r->suspects_dropped);
	for (size_t i = 0; i < l->nsusp; i++) {
		const struct rproc *p = l->susp[i];
		char a[16], b[16];

		snprintf(id, sizeof id, "suspect-pid-%d-%" PRIu64, p->pid, p->start_ticks);
		snprintf(title, sizeof title, "pid %d (%s): anonymous memory", p->pid, p->comm);
		fputs("<h3>", f);
		esc(f, title);
		fprintf(f, ", %s to %s%s</h3>\n", text_human_kb(p->first_anon, a, sizeof a),
			text_human_kb(p->last_anon, b, sizeof b), p->ended ? " (ended)" : "");
		if (p->cmdline) {
			fputs("<p><code>", f);
			esc(f, *p->cmdline ? p->cmdline : "?");
			fputs(p->cmdline_cut ? "...</code></p>\n" : "</code></p>\n", f);
		}
		chart_suspect(f, r, id, title, &p->anon, &p->flag);
	}
	if (l->ncg == 0)
		return;
	fputs("<h3>Cgroups</h3>\n<table><tr><th>Cgroup</th><th>Usage</th><th>Limit</th><th>Rate</th>"
	      "<th>Confidence</th><th>Growing since</th><th>First flagged</th><th>Last flagged</th></tr>\n", f);
	for (size_t i = 0; i < l->ncg; i++) {
		fputs("<tr>", f);
		cell_text(f, l->cg[i]->path);
		cell_kb(f, l->cg[i]->last_kb);
		if (l->cg[i]->have_limit)
			cell_kb(f, l->cg[i]->limit_kb);
		else
			fputs("<td>none</td>", f);
		flag_cells(f, r, &l->cg[i]->flag);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	for (size_t i = 0; i < l->ncg; i++) {
		snprintf(id, sizeof id, "suspect-cgroup-%zu", i + 1);
		snprintf(title, sizeof title, "cgroup %s: memory usage", l->cg[i]->path);
		fputs("<h3>", f);
		esc(f, title);
		fputs("</h3>\n", f);
		chart_suspect(f, r, id, title, &l->cg[i]->usage, &l->cg[i]->flag);
	}
}

static void section_top(FILE *f, const struct report *r, const struct report_lists *l)
{
	char a[16];

	fprintf(f, "<h2>Top growers of anonymous memory</h2>\n<p class=\"meta\">From each process's first to "
		"its last sample in the period; %zu at most.</p>\n", r->cfg.top_n);
	if (l->ntop == 0) {
		fputs("<p class=\"none\">No process grew.</p>\n", f);
		return;
	}
	fputs("<table><tr><th>PID</th><th>Command</th><th>User</th><th>First</th><th>Last</th><th>Growth</th>"
	      "<th>Seen</th><th>Command line</th></tr>\n", f);
	for (size_t i = 0; i < l->ntop; i++) {
		const struct rproc *p = l->top[i];

		fprintf(f, "<tr><td class=\"n\">%d</td>", p->pid);
		cell_text(f, p->comm);
		cell_text(f, p->user);
		cell_kb(f, p->first_anon);
		cell_kb(f, p->last_anon);
		fprintf(f, "<td class=\"n%s\">%s</td>", p->flag.suspect ? " bad" : "",
			text_human_delta_kb(rproc_growth(p), a, sizeof a));
		fprintf(f, "<td>%s%s</td><td class=\"cmd\" title=\"", report_fmt_duration(p->last_t - p->first_t, a,
											 sizeof a), p->ended ? ", ended" : "");
		esc(f, p->cmdline ? p->cmdline : "");
		fputs("\"><code>", f);
		esc(f, p->cmdline ? p->cmdline : "");
		fputs("</code></td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

// The kills the kernel log reported: who was killed, its memory, where.
static void victims_table(FILE *f, const struct report *r)
{
	char where[OOM_CGROUP_MAX * 2 + 64];

	if (!r->log_samples && r->nvictims == 0) {
		fprintf(f, "<p class=\"none\">Victims: %s.</p>\n",
			r->log_denied ? "unknown (the recorder was not allowed to read the kernel log)"
			: "not recorded (the kernel log was not read)");
		return;
	}
	if (r->nvictims == 0) {
		fputs("<p class=\"none\">The kernel log reported no kill.</p>\n", f);
		return;
	}
	fputs("<table><tr><th>Time</th><th>Killed</th><th>PID</th><th>Anon</th><th>File</th><th>Shmem</th>"
	      "<th>Where</th><th>Asked for by</th></tr>\n", f);
	for (size_t i = 0; i < r->nvictims; i++) {
		const struct rvictim *v = &r->victims[i];

		fputs("<tr>", f);
		cell_time(f, r, v->t);
		fputs("<td class=\"bad\">", f);
		esc(f, v->comm);
		fprintf(f, "%s</td><td class=\"n\">%d</td>", v->since_start ? "" : " (before the recording)", v->pid);
		cell_kb(f, v->anon_rss_kb);
		cell_kb(f, v->file_rss_kb);
		cell_kb(f, v->shmem_rss_kb);
		snprintf(where, sizeof where, "%s%s%s%s%s", oomlog_scope_name(v->scope), *v->task_memcg ? " " : "",
			 v->task_memcg, *v->oom_memcg && strcmp(v->oom_memcg, v->task_memcg) != 0 ? ", limit of " : "",
			 *v->oom_memcg && strcmp(v->oom_memcg, v->task_memcg) != 0 ? v->oom_memcg : "");
		cell_text(f, where);
		cell_text(f, v->have_trigger ? v->trigger_comm : "");
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	if (r->victims_total > r->nvictims)
		fprintf(f, "<p class=\"meta\">%zu more not listed.</p>\n", r->victims_total - r->nvictims);
}

static void section_events(FILE *f, const struct report *r, const struct report_lists *l)
{
	char a[24];

	fprintf(f, "<h2>Pressure episodes</h2>\n<p class=\"meta\">PSI avg10 at or above the screen's warning "
		"level: some %.0f%% or full %.0f%%.</p>\n", REPORT_PSI_SOME_WARN, REPORT_PSI_FULL_WARN);
	if (r->psi_samples == 0 || l->nep == 0) {
		fprintf(f, "<p class=\"none\">%s</p>\n", r->psi_samples ? "None." : "Not recorded.");
	} else {
		fputs("<table><tr><th>Start</th><th>Duration</th><th>Peak some</th><th>Peak full</th><th>Peak at</th>"
		      "<th></th></tr>\n", f);
		for (size_t i = 0; i < l->nep; i++) {
			const struct repisode *e = &l->ep[i];

			fputs("<tr>", f);
			cell_time(f, r, e->start_t);
			fprintf(f, "<td>%s</td><td class=\"n\">%.1f%%</td><td class=\"n\">%.1f%%</td>",
				report_fmt_duration(e->end_t - e->start_t, a, sizeof a), e->peak_some, e->peak_full);
			cell_time(f, r, e->peak_t);
			fprintf(f, "<td>%s%s%s</td></tr>\n", e->critical ? "critical " : "",
				e->from_start ? "on at the start " : "", e->ongoing ? "still on" : "");
		}
		fputs("</table>\n", f);
		if (r->episodes_total > r->nepisodes)
			fprintf(f, "<p class=\"meta\">%zu more not listed.</p>\n", r->episodes_total - r->nepisodes);
	}
	fputs("<h2>OOM kills</h2>\n", f);
	victims_table(f, r);
	if (r->oom_samples == 0) {
		fputs("<p class=\"none\">Not recorded.</p>\n", f);
		return;
	}
	if (r->nkills + r->nreboots == 0) {
		fputs("<p class=\"none\">None.</p>\n", f);
		return;
	}
	fputs("<table><tr><th>Time</th><th>Event</th></tr>\n", f);
	for (size_t i = 0; i < r->nkills; i++) {
		fputs("<tr>", f);
		cell_time(f, r, r->kills[i].t);
		fprintf(f, "<td class=\"bad\">%" PRIu64 " process%s killed</td></tr>\n", r->kills[i].n,
			r->kills[i].n == 1 ? "" : "es");
	}
	for (size_t i = 0; i < r->nreboots; i++) {
		fputs("<tr>", f);
		cell_time(f, r, r->reboots[i].t);
		fputs("<td>reboot (the counter went back)</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void header(FILE *f, const struct report *r, const struct report_lists *l)
{
	char a[24], b[24], c[24];

	fputs("<h1>memtop report</h1>\n<p class=\"meta\">", f);
	esc(f, *r->source_name ? r->source_name : "a recording");
	if (*r->host) {
		fputs(", recorded on ", f);
		esc(f, r->host);
	}
	if (r->samples)
		fprintf(f, "<br>%s to %s (%s, local time), %zu samples", report_fmt_time(r->first_t, a, sizeof a),
			report_fmt_time(r->last_t, b, sizeof b), report_fmt_duration(r->last_t - r->first_t, c, sizeof c),
			r->samples);
	fputs("</p>\n<ul class=\"summary\">", f);
	fprintf(f, "<li><b%s>%zu</b>suspected leaks</li>", l->nsusp + l->ncg ? " class=\"bad\"" : "",
		l->nsusp + l->ncg + r->suspects_dropped);
	if (r->psi_samples)
		fprintf(f, "<li><b>%zu</b>pressure episodes</li>", r->episodes_total + r->in_episode);
	if (r->oom_samples)
		fprintf(f, "<li><b%s>%" PRIu64 "</b>OOM kills</li>", r->kills_total ? " class=\"bad\"" : "",
			r->kills_total);
	if (r->have_mem)
		fprintf(f, "<li><b>%s</b>lowest available, at %s</li>", text_human_kb(r->avail_min_kb, a, sizeof a),
			report_fmt_time(r->avail_min_t, b, sizeof b));
	fputs("</ul>\n", f);
}

void report_write_html(const struct report *r, const struct report_lists *l, FILE *f)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>memtop report: ", f);
	esc(f, *r->source_name ? r->source_name : "recording");
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	header(f, r, l);
	if (r->samples == 0) {
		fputs("<p class=\"none\">No samples in the period.</p>\n</body>\n</html>\n", f);
		return;
	}
	chart_available(f, r, l);
	chart_pressure(f, r, l);
	section_suspects(f, r, l);
	section_top(f, r, l);
	section_events(f, r, l);
	fputs("<p class=\"meta\">Made by memtop --report. Times are local; sizes KiB-based (K, M, G).</p>\n"
	      "</body>\n</html>\n", f);
}
