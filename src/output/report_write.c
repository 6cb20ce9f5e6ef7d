/* report_write.c — the report as plain text, one JSON object and CSV
 * sections (the HTML page is report_html.c). docs/recording.md "Reports"
 * documents each; strings get each format's escaping (output.h). */
#include "output/report_int.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/output.h"
#include "util/text.h"

char *report_fmt_time(double t, char *out, size_t cap)
{
	time_t s = (time_t)floor(t);
	struct tm tm;

	if (!isfinite(t) || !localtime_r(&s, &tm) || !strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(out, cap, "?");
	return out;
}

char *report_fmt_duration(double s, char *out, size_t cap)
{
	long m = lround(s / 60);

	if (s < 90)
		snprintf(out, cap, "%.0f s", s);
	else if (s < 5400)
		snprintf(out, cap, "%ld min", m);
	else if (s < 172800)
		snprintf(out, cap, "%ld h %02ld min", m / 60, m % 60);
	else
		snprintf(out, cap, "%ld d %02ld h", m / 1440, m / 60 % 24);
	return out;
}

char *report_fmt_rate(double kb_per_min, char *out, size_t cap)
{
	char mag[16];

	text_human_kb((uint64_t)llround(fabs(kb_per_min)), mag, sizeof mag);
	snprintf(out, cap, "%c%s/min", kb_per_min < 0 ? '-' : '+', mag);
	return out;
}

const char *report_oom_log(const struct report *r)
{
	return r->log_samples ? "read" : r->log_denied ? "not_permitted" : "not_recorded";
}

// When a suspect's flagged growth started: its last verdict's age.
static double growing_since(const struct rflag *f)
{
	return f->last_t - f->verdict.since_s;
}

// ---- plain text ------------------------------------------------------------------

static void text_flag(FILE *f, const struct rflag *fl)
{
	char a[24], b[24], c[24], d[24];

	fprintf(f, "      %s, confidence %.0f%% (highest %.0f%%), growing since %s;"
		" flagged %s to %s (%zu samples)\n", report_fmt_rate(fl->verdict.rate_kb_per_min, d, sizeof d),
		fl->verdict.score * 100,
		fl->max_score * 100, report_fmt_time(growing_since(fl), a, sizeof a),
		report_fmt_time(fl->first_t, b, sizeof b), report_fmt_time(fl->last_t, c, sizeof c), fl->ticks);
}

static void text_suspects(const struct report *r, FILE *f, struct rproc **v, size_t n,
			  struct rcgroup **cg, size_t ncg)
{
	char a[16], b[16];

	fprintf(f, "\nSuspected leaks: %zu process%s, %zu cgroup%s\n", n + r->suspects_dropped,
		n + r->suspects_dropped == 1 ? "" : "es", ncg, ncg == 1 ? "" : "s");
	if (n + ncg == 0)
		fputs("  none\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct rproc *p = v[i];

		fprintf(f, "  pid %d %s, user %s, cgroup %s: anonymous %s -> %s%s\n", p->pid, p->comm, p->user,
			*p->cgroup ? p->cgroup : "?", text_human_kb(p->first_anon, a, sizeof a),
			text_human_kb(p->last_anon, b, sizeof b), p->ended ? " (ended)" : "");
		text_flag(f, &p->flag);
		if (p->cmdline)
			fprintf(f, "      command: %s%s\n", *p->cmdline ? p->cmdline : "?", p->cmdline_cut ? "..." : "");
	}
	if (r->suspects_dropped)
		fprintf(f, "  (%zu more not kept)\n", r->suspects_dropped);
	for (size_t i = 0; i < ncg; i++) {
		fprintf(f, "  cgroup %s: usage %s -> %s", cg[i]->path, text_human_kb(cg[i]->first_kb, a, sizeof a),
			text_human_kb(cg[i]->last_kb, b, sizeof b));
		if (cg[i]->have_limit)
			fprintf(f, " of %s", text_human_kb(cg[i]->limit_kb, a, sizeof a));
		fputc('\n', f);
		text_flag(f, &cg[i]->flag);
	}
}

static void text_top(const struct report *r, FILE *f, struct rproc **v, size_t n)
{
	char a[16], b[16], c[16];

	fprintf(f, "\nTop growers of anonymous memory (first to last sample, %zu at most): %zu\n",
		r->cfg.top_n, n);
	if (n == 0)
		fputs("  none\n", f);
	else
		fprintf(f, "  %7s %-16s %10s %10s %10s  %s\n", "PID", "COMMAND", "FIRST", "LAST", "GROWTH", "USER");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %7d %-16s %10s %10s %10s  %s%s%s\n", v[i]->pid, v[i]->comm,
			text_human_kb(v[i]->first_anon, a, sizeof a), text_human_kb(v[i]->last_anon, b, sizeof b),
			text_human_delta_kb(rproc_growth(v[i]), c, sizeof c), v[i]->user,
			v[i]->flag.suspect ? "  suspected" : "", v[i]->ended ? "  ended" : "");
}

static void text_pressure(const struct report *r, FILE *f, const struct repisode *e, size_t n)
{
	char a[24], b[24], c[24];

	fprintf(f, "\nMemory pressure episodes (PSI avg10: some >= %.0f%% or full >= %.0f%%): ",
		REPORT_PSI_SOME_WARN, REPORT_PSI_FULL_WARN);
	if (r->psi_samples == 0) {
		fputs("not recorded\n", f);
		return;
	}
	fprintf(f, "%zu\n", r->episodes_total + r->in_episode);
	if (n == 0)
		fputs("  none\n", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %s  for %s%s%s, peak some %.1f%%, full %.1f%% at %s%s\n",
			report_fmt_time(e[i].start_t, a, sizeof a),
			report_fmt_duration(e[i].end_t - e[i].start_t, b, sizeof b),
			e[i].from_start ? " (on at the start)" : "", e[i].ongoing ? " (still on)" : "",
			e[i].peak_some, e[i].peak_full, report_fmt_time(e[i].peak_t, c, sizeof c),
			e[i].critical ? ", critical" : "");
	if (r->episodes_total > r->nepisodes)
		fprintf(f, "  (%zu more not listed)\n", r->episodes_total - r->nepisodes);
}

static void text_oom(const struct report *r, FILE *f)
{
	char a[24];

	fputs("\nOOM kills: ", f);
	if (r->oom_samples == 0) {
		fputs("not recorded\n", f);
		return;
	}
	fprintf(f, "%" PRIu64 "\n", r->kills_total);
	for (size_t i = 0; i < r->nkills; i++)
		fprintf(f, "  %s  %" PRIu64 " killed\n", report_fmt_time(r->kills[i].t, a, sizeof a), r->kills[i].n);
	if (r->kill_steps > r->nkills)
		fprintf(f, "  (%zu more steps not listed)\n", r->kill_steps - r->nkills);
	for (size_t i = 0; i < r->nreboots; i++)
		fprintf(f, "  %s  reboot (the counter went back)\n", report_fmt_time(r->reboots[i].t, a, sizeof a));
}

// "memcg /a (limit of /b)", "global", ...: where a kill's memory ran out.
static void text_scope(FILE *f, const struct rvictim *v)
{
	fputs(oomlog_scope_name(v->scope), f);
	if (*v->task_memcg)
		fprintf(f, ", in %s", v->task_memcg);
	if (v->scope == OOM_SCOPE_MEMCG && *v->oom_memcg && strcmp(v->oom_memcg, v->task_memcg) != 0)
		fprintf(f, " (limit of %s)", v->oom_memcg);
}

static void text_victims(const struct report *r, FILE *f)
{
	char a[24], b[16], c[16], d[16];

	fputs("\nOOM kills the kernel log reported: ", f);
	if (!r->log_samples) {
		fputs(r->log_denied ? "unknown (the recorder was not allowed to read the kernel log)\n"
		      : "not recorded\n", f);
		if (r->nvictims == 0)
			return;
	} else {
		fprintf(f, "%zu\n", r->victims_total);
	}
	for (size_t i = 0; i < r->nvictims; i++) {
		const struct rvictim *v = &r->victims[i];

		fprintf(f, "  %s  %s (pid %d", report_fmt_time(v->t, a, sizeof a), v->comm, v->pid);
		if (v->uid >= 0)
			fprintf(f, ", uid %d", v->uid);
		fprintf(f, "): anon %s, file %s, shmem %s; ", text_human_kb(v->anon_rss_kb, b, sizeof b),
			text_human_kb(v->file_rss_kb, c, sizeof c), text_human_kb(v->shmem_rss_kb, d, sizeof d));
		text_scope(f, v);
		if (v->have_trigger)
			fprintf(f, "; asked for by %s", v->trigger_comm);
		fputs(v->since_start ? "\n" : " (before the recording started)\n", f);
	}
	if (r->victims_total > r->nvictims)
		fprintf(f, "  (%zu more not listed)\n", r->victims_total - r->nvictims);
}

// The whole report as text; the lists are gathered by the caller.
static void text_report(const struct report *r, FILE *f, struct rproc **susp, size_t nsusp,
			struct rcgroup **cg, size_t ncg, struct rproc **top, size_t ntop,
			const struct repisode *ep, size_t nep)
{
	char a[24], b[24], c[24], d[24], e[24];

	fprintf(f, "memtop report of %s%s%s\n", *r->source_name ? r->source_name : "a recording",
		*r->host ? ", recorded on " : "", r->host);
	if (r->samples == 0) {
		fputs("No samples in the period.\n", f);
		return;
	}
	fprintf(f, "Period: %s to %s (%s), %zu samples\n", report_fmt_time(r->first_t, a, sizeof a),
		report_fmt_time(r->last_t, b, sizeof b), report_fmt_duration(r->last_t - r->first_t, c, sizeof c),
		r->samples);
	if (r->have_mem)
		fprintf(f, "Available memory: lowest %s at %s (of %s; %s at the start, %s at the end)\n",
			text_human_kb(r->avail_min_kb, a, sizeof a), report_fmt_time(r->avail_min_t, b, sizeof b),
			text_human_kb(r->total_kb, c, sizeof c), text_human_kb(r->avail_first_kb, d, sizeof d),
			text_human_kb(r->avail_last_kb, e, sizeof e));
	text_suspects(r, f, susp, nsusp, cg, ncg);
	text_top(r, f, top, ntop);
	text_pressure(r, f, ep, nep);
	text_oom(r, f);
	text_victims(r, f);
}

// ---- JSON ------------------------------------------------------------------------

static void json_time(FILE *f, const char *key, double t, bool have)
{
	if (have && isfinite(t))
		fprintf(f, "\"%s\": %.3f", key, t);
	else
		fprintf(f, "\"%s\": null", key);
}

static void json_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, "\"%s\": ", key);
	if (s)
		output_json_string(f, s);
	else
		fputs("null", f);
}

static void json_flag(FILE *f, const struct rflag *fl)
{
	fprintf(f, "\"score\": %.2f, \"max_score\": %.2f, \"rate_kb_per_min\": %.1f, \"since_s\": %.0f, ",
		fl->verdict.score, fl->max_score, fl->verdict.rate_kb_per_min, fl->verdict.since_s);
	json_time(f, "growing_since", growing_since(fl), true);
	fputs(", ", f);
	json_time(f, "first_flagged", fl->first_t, true);
	fputs(", ", f);
	json_time(f, "last_flagged", fl->last_t, true);
	fprintf(f, ", \"flagged_samples\": %zu", fl->ticks);
}

// The members a suspect and a grower share: identity, names, sizes.
static void json_proc(FILE *f, const struct rproc *p)
{
	fprintf(f, "\"pid\": %d, \"start_ticks\": %" PRIu64 ", ", p->pid, p->start_ticks);
	json_str(f, "comm", p->comm);
	fputs(", ", f);
	json_str(f, "cmdline", p->cmdline);
	fprintf(f, ", \"cmdline_cut\": %s, ", p->cmdline_cut ? "true" : "false");
	json_str(f, "user", p->user);
	fputs(", ", f);
	json_str(f, "cgroup", p->cgroup);
	fprintf(f, ", \"anon_first_kb\": %" PRIu64 ", \"anon_last_kb\": %" PRIu64 ", \"growth_kb\": %" PRId64 ", ",
		p->first_anon, p->last_anon, rproc_growth(p));
	json_time(f, "first_seen", p->first_t, true);
	fputs(", ", f);
	json_time(f, "last_seen", p->last_t, true);
	fprintf(f, ", \"ended\": %s", p->ended ? "true" : "false");
}

static void json_lists(const struct report *r, FILE *f, struct rproc **susp, size_t nsusp,
		       struct rcgroup **cg, size_t ncg, struct rproc **top, size_t ntop)
{
	fputs(",\n \"suspects\": [", f);
	for (size_t i = 0; i < nsusp; i++) {
		fputs(i ? ",\n  {" : "\n  {", f);
		json_proc(f, susp[i]);
		fputs(", ", f);
		json_flag(f, &susp[i]->flag);
		fputc('}', f);
	}
	fprintf(f, "],\n \"suspects_not_kept\": %zu,\n \"cgroup_suspects\": [", r->suspects_dropped);
	for (size_t i = 0; i < ncg; i++) {
		fputs(i ? ",\n  {" : "\n  {", f);
		json_str(f, "path", cg[i]->path);
		fprintf(f, ", \"usage_first_kb\": %" PRIu64 ", \"usage_last_kb\": %" PRIu64 ", ", cg[i]->first_kb,
			cg[i]->last_kb);
		if (cg[i]->have_limit)
			fprintf(f, "\"limit_kb\": %" PRIu64 ", ", cg[i]->limit_kb);
		else
			fputs("\"limit_kb\": null, ", f);
		json_flag(f, &cg[i]->flag);
		fputc('}', f);
	}
	fprintf(f, "],\n \"top_growers\": {\"limit\": %zu, \"processes\": [", r->cfg.top_n);
	for (size_t i = 0; i < ntop; i++) {
		fputs(i ? ",\n  {" : "\n  {", f);
		json_proc(f, top[i]);
		fprintf(f, ", \"suspected\": %s}", top[i]->flag.suspect ? "true" : "false");
	}
	fputs("]}", f);
}

static void json_u64_or_null(FILE *f, const char *key, bool have, uint64_t v)
{
	if (have)
		fprintf(f, ", \"%s\": %" PRIu64, key, v);
	else
		fprintf(f, ", \"%s\": null", key);
}

// The kills the kernel log reported, inside "oom_kills".
static void json_victims(const struct report *r, FILE *f)
{
	fprintf(f, ", \"log\": \"%s\", \"victims_total\": %zu, \"victims\": [", report_oom_log(r),
		r->victims_total);
	for (size_t i = 0; i < r->nvictims; i++) {
		const struct rvictim *v = &r->victims[i];

		fputs(i ? ", {" : "{", f);
		json_time(f, "time", v->t, true);
		fprintf(f, ", \"pid\": %d, ", v->pid);
		if (v->uid >= 0)
			fprintf(f, "\"uid\": %d, ", v->uid);
		else
			fputs("\"uid\": null, ", f);
		json_str(f, "comm", v->comm);
		fprintf(f, ", \"scope\": \"%s\", ", oomlog_scope_name(v->scope));
		json_str(f, "constraint", *v->constraint ? v->constraint : NULL);
		fputs(", ", f);
		json_str(f, "oom_memcg", *v->oom_memcg ? v->oom_memcg : NULL);
		fputs(", ", f);
		json_str(f, "task_memcg", *v->task_memcg ? v->task_memcg : NULL);
		fprintf(f, ", \"total_vm_kb\": %" PRIu64 ", \"anon_rss_kb\": %" PRIu64 ", \"file_rss_kb\": %" PRIu64
			", \"shmem_rss_kb\": %" PRIu64, v->total_vm_kb, v->anon_rss_kb, v->file_rss_kb, v->shmem_rss_kb);
		if (v->have_adj)
			fprintf(f, ", \"oom_score_adj\": %d, ", v->oom_score_adj);
		else
			fputs(", \"oom_score_adj\": null, ", f);
		json_str(f, "trigger_comm", v->have_trigger ? v->trigger_comm : NULL);
		json_u64_or_null(f, "memcg_usage_kb", v->have_memcg_usage, v->memcg_usage_kb);
		json_u64_or_null(f, "memcg_limit_kb", v->have_memcg_usage, v->memcg_limit_kb);
		fprintf(f, ", \"since_start\": %s}", v->since_start ? "true" : "false");
	}
	fputc(']', f);
}

static void json_machine(const struct report *r, FILE *f, const struct repisode *ep, size_t nep)
{
	if (r->psi_samples == 0) {
		fputs(",\n \"pressure\": null", f);
	} else {
		fprintf(f, ",\n \"pressure\": {\"warn_some_avg10\": %.1f, \"warn_full_avg10\": %.1f, \"samples\": %zu,"
			" \"episodes_total\": %zu, \"episodes\": [", REPORT_PSI_SOME_WARN, REPORT_PSI_FULL_WARN,
			r->psi_samples, r->episodes_total + r->in_episode);
		for (size_t i = 0; i < nep; i++) {
			fputs(i ? ",\n  {" : "\n  {", f);
			json_time(f, "start", ep[i].start_t, true);
			fputs(", ", f);
			json_time(f, "end", ep[i].end_t, true);
			fprintf(f, ", \"duration_s\": %.1f, \"peak_some_avg10\": %.2f, \"peak_full_avg10\": %.2f, ",
				ep[i].end_t - ep[i].start_t, ep[i].peak_some, ep[i].peak_full);
			json_time(f, "peak_time", ep[i].peak_t, true);
			fprintf(f, ", \"critical\": %s, \"from_start\": %s, \"ongoing\": %s}",
				ep[i].critical ? "true" : "false", ep[i].from_start ? "true" : "false",
				ep[i].ongoing ? "true" : "false");
		}
		fputs("]}", f);
	}
	if (r->oom_samples == 0) {
		fputs(",\n \"oom_kills\": null", f);
	} else {
		fprintf(f, ",\n \"oom_kills\": {\"total\": %" PRIu64 ", \"steps_total\": %zu, \"steps\": [",
			r->kills_total, r->kill_steps);
		for (size_t i = 0; i < r->nkills; i++)
			fprintf(f, "%s{\"time\": %.3f, \"kills\": %" PRIu64 "}", i ? ", " : "", r->kills[i].t,
				r->kills[i].n);
		fputs("], \"reboots\": [", f);
		for (size_t i = 0; i < r->nreboots; i++)
			fprintf(f, "%s%.3f", i ? ", " : "", r->reboots[i].t);
		fputc(']', f);
		json_victims(r, f);
		fputc('}', f);
	}
	if (!r->have_mem) {
		fputs(",\n \"available\": null", f);
		return;
	}
	fprintf(f, ",\n \"available\": {\"lowest_kb\": %" PRIu64 ", ", r->avail_min_kb);
	json_time(f, "lowest_time", r->avail_min_t, true);
	fprintf(f, ", \"first_kb\": %" PRIu64 ", \"last_kb\": %" PRIu64 ", \"total_kb\": %" PRIu64 "}",
		r->avail_first_kb, r->avail_last_kb, r->total_kb);
}

static void json_report(const struct report *r, FILE *f, struct rproc **susp, size_t nsusp,
			struct rcgroup **cg, size_t ncg, struct rproc **top, size_t ntop,
			const struct repisode *ep, size_t nep)
{
	fputs("{", f);
	json_str(f, "source", r->source_name);
	fputs(", ", f);
	json_str(f, "host", r->host);
	fputs(",\n \"period\": {", f);
	json_time(f, "since", r->cfg.since, true);
	fputs(", ", f);
	json_time(f, "until", r->cfg.until, true);
	fputs(", ", f);
	json_time(f, "first_sample", r->first_t, r->samples > 0);
	fputs(", ", f);
	json_time(f, "last_sample", r->last_t, r->samples > 0);
	fprintf(f, ", \"samples\": %zu},\n \"leak_sensitivity\": \"%s\"", r->samples,
		leak_sensitivity_name(r->cfg.sens));
	json_lists(r, f, susp, nsusp, cg, ncg, top, ntop);
	json_machine(r, f, ep, nep);
	fputs("\n}\n", f);
}

// ---- CSV -----------------------------------------------------------------------

// A time as a spreadsheet reads it: local "YYYY-MM-DD HH:MM:SS".
static void csv_time(FILE *f, double t)
{
	char a[24];

	fputc(',', f);
	fputs(report_fmt_time(t, a, sizeof a), f);
}

static void csv_str(FILE *f, const char *s)
{
	fputc(',', f);
	if (s)
		output_csv_field(f, s);
}

static void csv_flag(FILE *f, const struct rflag *fl)
{
	fprintf(f, ",%.2f,%.1f,%.0f", fl->verdict.score, fl->verdict.rate_kb_per_min, fl->verdict.since_s);
	csv_time(f, growing_since(fl));
	csv_time(f, fl->first_t);
	csv_time(f, fl->last_t);
}

static void csv_lists(const struct report *r, FILE *f, struct rproc **susp, size_t nsusp,
		      struct rcgroup **cg, size_t ncg, struct rproc **top, size_t ntop)
{
	char id[24];

	(void)r;
	fputs("\nsection,kind,id,comm,user,cgroup,score,rate_kb_per_min,since_s,growing_since,first_flagged,"
	      "last_flagged,first_kb,last_kb,limit_kb,cmdline\n", f);
	for (size_t i = 0; i < nsusp; i++) {
		const struct rproc *p = susp[i];

		snprintf(id, sizeof id, "%d", p->pid);
		fprintf(f, "suspect,process,%s", id);
		csv_str(f, p->comm);
		csv_str(f, p->user);
		csv_str(f, p->cgroup);
		csv_flag(f, &p->flag);
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",", p->first_anon, p->last_anon);
		csv_str(f, p->cmdline);
		fputc('\n', f);
	}
	for (size_t i = 0; i < ncg; i++) {
		fputs("suspect,cgroup", f);
		csv_str(f, cg[i]->path);
		fputs(",,", f);                    // no comm, no user
		csv_str(f, cg[i]->path);
		csv_flag(f, &cg[i]->flag);
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",", cg[i]->first_kb, cg[i]->last_kb);
		if (cg[i]->have_limit)
			fprintf(f, "%" PRIu64, cg[i]->limit_kb);
		fputs(",\n", f);
	}
	fputs("\nsection,pid,comm,user,cgroup,anon_first_kb,anon_last_kb,growth_kb,first_seen,last_seen,"
	      "suspected,ended,cmdline\n", f);
	for (size_t i = 0; i < ntop; i++) {
		const struct rproc *p = top[i];

		fprintf(f, "grower,%d", p->pid);
		csv_str(f, p->comm);
		csv_str(f, p->user);
		csv_str(f, p->cgroup);
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRId64, p->first_anon, p->last_anon, rproc_growth(p));
		csv_time(f, p->first_t);
		csv_time(f, p->last_t);
		fprintf(f, ",%d,%d", p->flag.suspect, p->ended);
		csv_str(f, p->cmdline);
		fputc('\n', f);
	}
}

static void csv_machine(const struct report *r, FILE *f, const struct repisode *ep, size_t nep)
{
	fputs("\nsection,start,end,duration_s,peak_some_avg10,peak_full_avg10,peak_time,critical,from_start,"
	      "ongoing\n", f);
	for (size_t i = 0; i < nep; i++) {
		fputs("pressure", f);
		csv_time(f, ep[i].start_t);
		csv_time(f, ep[i].end_t);
		fprintf(f, ",%.1f,%.2f,%.2f", ep[i].end_t - ep[i].start_t, ep[i].peak_some, ep[i].peak_full);
		csv_time(f, ep[i].peak_t);
		fprintf(f, ",%d,%d,%d\n", ep[i].critical, ep[i].from_start, ep[i].ongoing);
	}
	fputs("\nsection,time,kills\n", f);
	for (size_t i = 0; i < r->nkills; i++) {
		fputs("oom_kill", f);
		csv_time(f, r->kills[i].t);
		fprintf(f, ",%" PRIu64 "\n", r->kills[i].n);
	}
	for (size_t i = 0; i < r->nreboots; i++) {
		fputs("reboot", f);
		csv_time(f, r->reboots[i].t);
		fputs(",\n", f);
	}
	fputs("\nsection,time,pid,uid,comm,scope,constraint,oom_memcg,task_memcg,total_vm_kb,anon_rss_kb,"
	      "file_rss_kb,shmem_rss_kb,oom_score_adj,trigger_comm,since_start\n", f);
	for (size_t i = 0; i < r->nvictims; i++) {
		const struct rvictim *v = &r->victims[i];

		fputs("oom_victim", f);
		csv_time(f, v->t);
		fprintf(f, ",%d,", v->pid);
		if (v->uid >= 0)
			fprintf(f, "%d", v->uid);
		csv_str(f, v->comm);
		fprintf(f, ",%s", oomlog_scope_name(v->scope));
		csv_str(f, v->constraint);
		csv_str(f, v->oom_memcg);
		csv_str(f, v->task_memcg);
		fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", v->total_vm_kb, v->anon_rss_kb,
			v->file_rss_kb, v->shmem_rss_kb);
		if (v->have_adj)
			fprintf(f, "%d", v->oom_score_adj);
		csv_str(f, v->have_trigger ? v->trigger_comm : "");
		fprintf(f, ",%d\n", v->since_start);
	}
}

static void csv_report(const struct report *r, FILE *f, struct rproc **susp, size_t nsusp,
		       struct rcgroup **cg, size_t ncg, struct rproc **top, size_t ntop,
		       const struct repisode *ep, size_t nep)
{
	fputs("section,source,host,first_sample,last_sample,samples,available_lowest_kb,available_lowest_time,"
	      "total_kb,oom_kills,pressure_episodes\nsummary", f);
	csv_str(f, r->source_name);
	csv_str(f, r->host);
	if (r->samples) {
		csv_time(f, r->first_t);
		csv_time(f, r->last_t);
	} else {
		fputs(",,", f);
	}
	fprintf(f, ",%zu", r->samples);
	if (r->have_mem) {
		fprintf(f, ",%" PRIu64, r->avail_min_kb);
		csv_time(f, r->avail_min_t);
		fprintf(f, ",%" PRIu64, r->total_kb);
	} else {
		fputs(",,,", f);
	}
	if (r->oom_samples)
		fprintf(f, ",%" PRIu64, r->kills_total);
	else
		fputc(',', f);
	if (r->psi_samples)
		fprintf(f, ",%zu\n", r->episodes_total + r->in_episode);
	else
		fputs(",\n", f);
	csv_lists(r, f, susp, nsusp, cg, ncg, top, ntop);
	csv_machine(r, f, ep, nep);
}

// ---- dispatch -------------------------------------------------------------------

static void text_like(const struct report *r, enum output_format fmt, FILE *f, const struct report_lists *l)
{
	switch (fmt) {
	case FORMAT_JSON:
		json_report(r, f, l->susp, l->nsusp, l->cg, l->ncg, l->top, l->ntop, l->ep, l->nep);
		break;
	case FORMAT_CSV:
		csv_report(r, f, l->susp, l->nsusp, l->cg, l->ncg, l->top, l->ntop, l->ep, l->nep);
		break;
	case FORMAT_TABLE:
	case FORMAT_HTML:
	case FORMAT_PROMETHEUS:      // batch output only: cli_parse refuses them with --report
	case FORMAT_OPENMETRICS:
		text_report(r, f, l->susp, l->nsusp, l->cg, l->ncg, l->top, l->ntop, l->ep, l->nep);
		break;
	}
}

int report_write(const struct report *r, enum output_format fmt, FILE *f)
{
	struct report_lists *l = calloc(1, sizeof *l);
	int e1 = 0, e2 = 0, e3 = 0, rc;

	if (!l)
		return -ENOMEM;
	l->susp = report_suspects(r, &l->nsusp, &e1);
	l->top = report_top(r, &l->ntop, &e2);
	l->cg = report_cg_suspects(r, &l->ncg, &e3);
	l->nep = report_episodes(r, l->ep);
	if (e1 || e2 || e3) {
		rc = -ENOMEM;
	} else {
		// Gathering may have left errno set; a failure must be named by
		// this write.
		errno = 0;
		if (fmt == FORMAT_HTML)
			report_write_html(r, l, f);
		else
			text_like(r, fmt, f, l);
		rc = -output_flush(f);
	}
	free(l->susp);
	free(l->top);
	free(l->cg);
	free(l);
	return rc;
}
