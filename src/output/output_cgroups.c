/* output_cgroups.c — the cgroup table in batch output (--cgroups): a
 * "cgroups" array in a JSON tick, and one row per cgroup in CSV and the
 * table format. */
#include "output/output.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "util/text.h"

// The growth a row shows: its detector's rate, once it has one.
static bool row_rate(const struct cgroup_row *r, double *rate)
{
	*rate = r->verdict.rate_kb_per_min;
	return r->leak && r->verdict.have_rate;
}

static void json_u64_or_null(FILE *f, const char *name, bool have, uint64_t v)
{
	if (have)
		fprintf(f, ", \"%s\": %" PRIu64, name, v);
	else
		fprintf(f, ", \"%s\": null", name);
}

static void json_row(FILE *f, const struct cgroup_row *r)
{
	double rate;

	fputs("{\"path\": ", f);
	output_json_string(f, r->path);
	fputs(", \"name\": ", f);
	output_json_string(f, r->label);
	fprintf(f, ", \"procs\": %zu, \"rss_kb\": %" PRIu64 ", \"anon_kb\": %" PRIu64 ", \"swap_kb\": %" PRIu64,
		r->nprocs, r->rss_kb, r->anon_kb, r->swap_kb);
	json_u64_or_null(f, "usage_kb", r->have_usage, r->usage_kb);
	if (r->have_limit && r->unlimited)
		fputs(", \"limit_kb\": \"max\"", f);
	else
		json_u64_or_null(f, "limit_kb", r->have_limit, r->limit_kb);
	json_u64_or_null(f, "own_anon_kb", r->have_own_anon, r->own_anon_kb);
	if (r->have_pressure)
		fprintf(f, ", \"pressure\": {\"some_avg10\": %.2f, \"full_avg10\": %.2f}", r->pressure.some.avg10,
			r->pressure.full.valid ? r->pressure.full.avg10 : 0.0);
	else
		fputs(", \"pressure\": null", f);
	if (r->have_delta)
		fprintf(f, ", \"delta_kb\": %" PRId64, r->delta_kb);
	else
		fputs(", \"delta_kb\": null", f);
	if (row_rate(r, &rate))
		fprintf(f, ", \"growth_kb_per_min\": %.1f", rate);
	else
		fputs(", \"growth_kb_per_min\": null", f);
	fprintf(f, ", \"leak\": {\"suspected\": %s, \"score\": %.2f, \"since_s\": %.0f}",
		r->verdict.suspected ? "true" : "false", r->verdict.score,
		r->verdict.suspected ? r->verdict.since_s : 0.0);
	if (r->eta_s >= 0)
		fprintf(f, ", \"exhaustion_eta_s\": %.0f", r->eta_s);
	else
		fputs(", \"exhaustion_eta_s\": null", f);
	json_u64_or_null(f, "oom_kills", r->have_oom_kill, r->oom_kill);
	fputc('}', f);
}

void output_json_cgroups(FILE *f, const struct cgtable *t)
{
	fputs(", \"cgroups\": [", f);
	for (size_t i = 0; i < t->n; i++) {
		if (i)
			fputs(", ", f);
		json_row(f, &t->v[i]);
	}
	fputc(']', f);
}

static void csv_u64(FILE *f, bool have, uint64_t v)
{
	if (have)
		fprintf(f, ",%" PRIu64, v);
	else
		fputc(',', f);
}

void output_csv_cgroups(FILE *f, const struct output_tick *t)
{
	const struct cgtable *cg = t->cgroups;

	if (t->index == 0)
		fputs("time,path,name,procs,rss_kb,anon_kb,swap_kb,usage_kb,limit_kb,own_anon_kb,"
		      "psi_some_avg10,psi_full_avg10,delta_kb,growth_kb_per_min,leak_suspected,leak_score,"
		      "leak_since_s,exhaustion_eta_s,oom_kills\n", f);
	for (size_t i = 0; i < cg->n; i++) {
		const struct cgroup_row *r = &cg->v[i];
		double rate;

		fprintf(f, "%.3f,", t->snap->sys.wall_time);
		output_csv_field(f, r->path);
		fputc(',', f);
		output_csv_field(f, r->label);
		fprintf(f, ",%zu,%" PRIu64 ",%" PRIu64 ",%" PRIu64, r->nprocs, r->rss_kb, r->anon_kb, r->swap_kb);
		csv_u64(f, r->have_usage, r->usage_kb);
		if (r->have_limit && r->unlimited)
			fputs(",max", f);
		else
			csv_u64(f, r->have_limit, r->limit_kb);
		csv_u64(f, r->have_own_anon, r->own_anon_kb);
		if (r->have_pressure)
			fprintf(f, ",%.2f,%.2f", r->pressure.some.avg10,
				r->pressure.full.valid ? r->pressure.full.avg10 : 0.0);
		else
			fputs(",,", f);
		if (r->have_delta)
			fprintf(f, ",%" PRId64, r->delta_kb);
		else
			fputc(',', f);
		if (row_rate(r, &rate))
			fprintf(f, ",%.1f", rate);
		else
			fputc(',', f);
		fprintf(f, ",%d,%.2f,%.0f", r->verdict.suspected, r->verdict.score,
			r->verdict.suspected ? r->verdict.since_s : 0.0);
		if (r->eta_s >= 0)
			fprintf(f, ",%.0f", r->eta_s);
		else
			fputc(',', f);
		csv_u64(f, r->have_oom_kill, r->oom_kill);
		fputc('\n', f);
	}
	fflush(f);
}

// A size cell of the table: human units, "-" when unknown.
static const char *size_cell(bool have, uint64_t kb, char *buf, size_t cap)
{
	return have ? text_human_kb(kb, buf, cap) : "-";
}

// How many bytes of a label the NAME cell shows: at most width, cut before a
// character rather than inside one (labels are sanitised, valid UTF-8).
static int label_cut(const char *label, size_t width)
{
	size_t n = strnlen(label, width + 1);

	if (n > width)
		for (n = width; n > 0 && ((unsigned char)label[n] & 0xC0) == 0x80;)
			n--;
	return (int)n;
}

void output_table_cgroups(FILE *f, const struct output_tick *t)
{
	struct cgtable *cg = t->cgroups;
	time_t now = (time_t)t->snap->sys.wall_time;
	char clock[16] = "";
	struct tm tm;

	if (t->index > 0)
		fputc('\n', f);
	if (localtime_r(&now, &tm))
		strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	fprintf(f, "memtop - %s, %zu cgroups, %zu processes\n\n", clock, cg->n, t->table->n);
	fprintf(f, "%-24s %5s %9s %9s %9s %9s %11s %5s %6s  %s\n", "NAME", "PROCS", "USAGE", "LIMIT", "ANON",
		"DELTA", "GROWTH/min", "LEAK", "PSI", "PATH");
	cgtable_sort(cg, CG_SORT_USAGE, true);
	for (size_t i = 0; i < cg->n; i++) {
		const struct cgroup_row *r = cg->order[i];
		char usage[16], limit[16], anon[16], delta[24] = "-", growth[24] = "-", psi[16] = "-";
		double rate;

		if (r->have_delta)
			snprintf(delta, sizeof delta, "%+" PRId64, r->delta_kb);
		if (row_rate(r, &rate))
			snprintf(growth, sizeof growth, "%+.1f", rate);
		if (r->have_pressure)
			snprintf(psi, sizeof psi, "%.2f", r->pressure.some.avg10);
		fprintf(f, "%-24.*s %5zu %9s %9s %9s %9s %11s %5s %6s  %s\n", label_cut(r->label, 24), r->label,
			r->nprocs,
			size_cell(r->have_usage, r->usage_kb, usage, sizeof usage),
			r->have_limit && r->unlimited ? "max" : size_cell(r->have_limit, r->limit_kb, limit,
									  sizeof limit),
			text_human_kb(r->anon_kb, anon, sizeof anon), delta, growth,
			r->verdict.suspected ? "LEAK" : "-", psi, r->path);
	}
	fflush(f);
}
