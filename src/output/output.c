/* output.c — batch formats: JSON Lines, CSV and a top-like table. */
#include "output/output.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "util/text.h"
#include "util/mathutil.h"

void output_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void output_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\" \t\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

// One "key": number pair of a PSI line, or nulls when the line is missing.
static void json_psi_line(FILE *f, const char *name, bool have, const struct psi_line *l)
{
	if (!have || !l->valid) {
		fprintf(f, "\"%s\": null", name);
		return;
	}
	fprintf(f, "\"%s\": {\"avg10\": %.2f, \"avg60\": %.2f, \"avg300\": %.2f, \"total_us\": %" PRIu64 "}",
		name, l->avg10, l->avg60, l->avg300, l->total_us);
}

// The system part of a JSON tick: memory and PSI.
static void json_system(FILE *f, const struct sys_sample *sys)
{
	if (sys->have_meminfo)
		fprintf(f, "\"memory\": {\"total_kb\": %" PRIu64 ", \"available_kb\": %" PRIu64
			", \"free_kb\": %" PRIu64 ", \"buffers_kb\": %" PRIu64 ", \"cached_kb\": %" PRIu64
			", \"shmem_kb\": %" PRIu64 ", \"swap_total_kb\": %" PRIu64 ", \"swap_free_kb\": %" PRIu64 "}",
			sys->total_kb, sys->available_kb, sys->free_kb, sys->buffers_kb, sys->cached_kb,
			sys->shmem_kb, sys->swap_total_kb, sys->swap_free_kb);
	else
		fputs("\"memory\": null", f);
	if (sys->have_psi) {
		fputs(", \"psi\": {", f);
		json_psi_line(f, "some", true, &sys->psi.some);
		fputs(", ", f);
		json_psi_line(f, "full", true, &sys->psi.full);
		fputs("}", f);
	} else {
		fputs(", \"psi\": null", f);
	}
}

// A JSON key with an unsigned value, or null when the value is unknown.
static void json_u64_or_null(FILE *f, const char *key, bool have, uint64_t v)
{
	if (have)
		fprintf(f, ", \"%s\": %" PRIu64, key, v);
	else
		fprintf(f, ", \"%s\": null", key);
}

static void json_i64_or_null(FILE *f, const char *key, bool have, int64_t v)
{
	if (have)
		fprintf(f, ", \"%s\": %" PRId64, key, v);
	else
		fprintf(f, ", \"%s\": null", key);
}

// One process object of a JSON tick.
static void json_process(FILE *f, const struct proc *p, double now)
{
	const struct proc_sample *s = p->s;
	bool d = s->have_detail;

	fprintf(f, "{\"pid\": %d, \"ppid\": %d, \"user\": ", s->pid, s->ppid);
	output_json_string(f, s->user);
	fputs(", \"comm\": ", f);
	output_json_string(f, s->comm);
	fputs(", \"cmdline\": ", f);
	output_json_string(f, s->cmdline);
	fprintf(f, ", \"cmdline_truncated\": %s", s->cmdline_cut ? "true" : "false");
	fprintf(f, ", \"start_time\": %.2f, \"rss_kb\": %" PRIu64 ", \"anon_kb\": %" PRIu64,
		s->start_time_s, s->rss_kb, s->anon_kb);
	json_u64_or_null(f, "file_kb", d, s->file_kb);
	json_u64_or_null(f, "shmem_kb", d, s->shmem_kb);
	json_u64_or_null(f, "swap_kb", d, s->swap_kb);
	json_u64_or_null(f, "data_kb", d, s->data_kb);
	json_u64_or_null(f, "heap_kb", s->have_heap, s->heap_kb);
	json_i64_or_null(f, "oom_score", d, s->oom_score);
	json_i64_or_null(f, "oom_score_adj", d, s->oom_score_adj);
	fputs(", \"cgroup\": ", f);
	if (s->cgroup[0])
		output_json_string(f, s->cgroup);
	else
		fputs("null", f);
	json_i64_or_null(f, "delta_rss_kb", p->have_delta, p->delta_rss_kb);
	json_i64_or_null(f, "delta_anon_kb", p->have_delta, p->delta_anon_kb);
	if (d)
		fprintf(f, ", \"detail_age_s\": %.1f", now - s->detail_time);
	else
		fputs(", \"detail_age_s\": null", f);
	if (p->verdict.have_rate)
		fprintf(f, ", \"growth_kb_per_min\": %.1f", p->verdict.rate_kb_per_min);
	else
		fputs(", \"growth_kb_per_min\": null", f);
	fprintf(f, ", \"leak\": {\"suspected\": %s, \"score\": %.2f, \"since_s\": %.0f}",
		p->verdict.suspected ? "true" : "false", p->verdict.score, p->verdict.since_s);
	if (p->eta_s >= 0)
		fprintf(f, ", \"exhaustion_eta_s\": %.0f}", p->eta_s);
	else
		fputs(", \"exhaustion_eta_s\": null}", f);
}

void output_json(FILE *f, const struct output_tick *t)
{
	const struct sys_sample *sys = &t->snap->sys;

	fprintf(f, "{\"time\": %.3f, \"interval\": %g, ", sys->wall_time, t->interval_s);
	if (t->elapsed_s >= 0)
		fprintf(f, "\"elapsed\": %.3f, ", t->elapsed_s);
	else
		fputs("\"elapsed\": null, ", f);
	json_system(f, sys);
	fputs(", \"processes\": [", f);
	for (size_t i = 0; i < t->table->n; i++) {
		if (i)
			fputs(", ", f);
		json_process(f, &t->table->v[i], sys->mono_time);
	}
	fputc(']', f);
	if (t->sys) {
		const struct oom_pick *o = &t->sys->oom;

		fputs(", \"oom\": {", f);
		if (o->valid)
			fprintf(f, "\"candidate_pid\": %d, \"candidate_score\": %d, \"candidate_tied\": %u",
				o->pid, o->score, o->tied);
		else
			fputs("\"candidate_pid\": null, \"candidate_score\": null, \"candidate_tied\": 0", f);
		if (t->sys->falling)
			fprintf(f, ", \"exhaustion_eta_s\": %.0f}", t->sys->eta_s);
		else
			fputs(", \"exhaustion_eta_s\": null}", f);
	}
	fputs("}\n", f);
	fflush(f);
}

static const char csv_header[] =
	"time,pid,ppid,user,comm,start_time,rss_kb,anon_kb,file_kb,shmem_kb,swap_kb,data_kb,"
	"heap_kb,oom_score,oom_score_adj,cgroup,delta_rss_kb,delta_anon_kb,"
	"growth_kb_per_min,leak_suspected,leak_score,leak_since_s,cmdline,cmdline_truncated\n";

// ",value" for a CSV number, or "," alone when it is unknown.
static void csv_u64(FILE *f, bool have, uint64_t v)
{
	if (have)
		fprintf(f, ",%" PRIu64, v);
	else
		fputc(',', f);
}

static void csv_i64(FILE *f, bool have, int64_t v)
{
	if (have)
		fprintf(f, ",%" PRId64, v);
	else
		fputc(',', f);
}

void output_csv(FILE *f, const struct output_tick *t)
{
	if (t->index == 0)
		fputs(csv_header, f);
	for (size_t i = 0; i < t->table->n; i++) {
		const struct proc *p = &t->table->v[i];
		const struct proc_sample *s = p->s;
		bool d = s->have_detail;

		fprintf(f, "%.3f,%d,%d,", t->snap->sys.wall_time, s->pid, s->ppid);
		output_csv_field(f, s->user);
		fputc(',', f);
		output_csv_field(f, s->comm);
		fprintf(f, ",%.2f,%" PRIu64 ",%" PRIu64, s->start_time_s, s->rss_kb, s->anon_kb);
		csv_u64(f, d, s->file_kb);
		csv_u64(f, d, s->shmem_kb);
		csv_u64(f, d, s->swap_kb);
		csv_u64(f, d, s->data_kb);
		csv_u64(f, s->have_heap, s->heap_kb);
		csv_i64(f, d, s->oom_score);
		csv_i64(f, d, s->oom_score_adj);
		fputc(',', f);
		output_csv_field(f, s->cgroup);
		csv_i64(f, p->have_delta, p->delta_rss_kb);
		csv_i64(f, p->have_delta, p->delta_anon_kb);
		if (p->verdict.have_rate)
			fprintf(f, ",%.1f", p->verdict.rate_kb_per_min);
		else
			fputc(',', f);
		fprintf(f, ",%d,%.2f,%.0f,", p->verdict.suspected, p->verdict.score, p->verdict.since_s);
		output_csv_field(f, s->cmdline);
		fprintf(f, ",%d\n", s->cmdline_cut);
	}
	fflush(f);
}

// The header block of a table tick: clock, memory, swap and PSI.
static void table_header(FILE *f, const struct output_tick *t)
{
	const struct sys_sample *sys = &t->snap->sys;
	time_t now = (time_t)sys->wall_time;
	char clock[16] = "", a[16], b[16], c[16];
	struct tm tm;

	if (localtime_r(&now, &tm))
		strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	fprintf(f, "memtop - %s, %zu processes\n", clock, t->table->n);
	if (sys->have_meminfo) {
		fprintf(f, "Mem: %s total, %s available, %s free",
			text_human_kb(sys->total_kb, a, sizeof a),
			text_human_kb(sys->available_kb, b, sizeof b),
			text_human_kb(sys->free_kb, c, sizeof c));
		fprintf(f, "   Swap: %s total, %s free\n",
			text_human_kb(sys->swap_total_kb, a, sizeof a),
			text_human_kb(sys->swap_free_kb, b, sizeof b));
	}
	if (sys->have_psi && sys->psi.full.valid)
		fprintf(f, "PSI memory: some %.2f %.2f %.2f   full %.2f %.2f %.2f\n",
			sys->psi.some.avg10, sys->psi.some.avg60, sys->psi.some.avg300,
			sys->psi.full.avg10, sys->psi.full.avg60, sys->psi.full.avg300);
	else if (sys->have_psi)
		fprintf(f, "PSI memory: some %.2f %.2f %.2f\n",
			sys->psi.some.avg10, sys->psi.some.avg60, sys->psi.some.avg300);
	else
		fputs("PSI n/a\n", f);
}

// A size cell: human-formatted, or "-" when unknown.
static const char *cell_kb(bool have, uint64_t kb, char *buf, size_t cap)
{
	return have ? text_human_kb(kb, buf, cap) : "-";
}

void output_table(FILE *f, const struct output_tick *t)
{
	if (t->index > 0)
		fputc('\n', f);
	table_header(f, t);
	fprintf(f, "\n%7s %-10s %6s %6s %6s %6s %6s %8s %5s %5s %5s %s\n",
		"PID", "USER", "RSS", "ANON", "HEAP", "SWAP", "dRSS", "GROWTH/m", "LEAK", "OOM", "ADJ", "COMMAND");
	proctable_sort(t->table, t->sort_key, sort_key_descending(t->sort_key));
	for (size_t i = 0; i < t->table->n; i++) {
		const struct proc *p = t->table->order[i];
		const struct proc_sample *s = p->s;
		char rss[16], anon[16], heap[16], swap[16], delta[16], oom[12] = "-", adj[12] = "-";
		char growth[16] = "-", leak[8] = "-";

		if (s->have_detail) {
			snprintf(oom, sizeof oom, "%d", s->oom_score);
			snprintf(adj, sizeof adj, "%d", s->oom_score_adj);
		}
		if (p->verdict.have_rate)
			text_human_delta_kb((int64_t)round_l(p->verdict.rate_kb_per_min), growth, sizeof growth);
		if (p->verdict.suspected)
			snprintf(leak, sizeof leak, "%.0f%%", p->verdict.score * 100);
		fprintf(f, "%7d %-10s %6s %6s %6s %6s %6s %8s %5s %5s %5s %s%s\n", s->pid, s->user,
			text_human_kb(s->rss_kb, rss, sizeof rss), text_human_kb(s->anon_kb, anon, sizeof anon),
			cell_kb(s->have_heap, s->heap_kb, heap, sizeof heap),
			cell_kb(s->have_detail, s->swap_kb, swap, sizeof swap),
			p->have_delta ? text_human_delta_kb(p->delta_rss_kb, delta, sizeof delta) : "-",
			growth, leak, oom, adj, s->cmdline[0] ? s->cmdline : s->comm,
			s->cmdline_cut && s->cmdline[0] ? "..." : "");   // cut at the sampler's limit
	}
	fflush(f);
}

int output_write(FILE *f, enum output_format fmt, const struct output_tick *t)
{
	// Sampling leaves errno set (processes vanish); a failure must be named
	// by this tick's write, not by that.
	errno = 0;
	switch (fmt) {
	case FORMAT_JSON: output_json(f, t); break;
	case FORMAT_CSV: output_csv(f, t); break;
	case FORMAT_TABLE: output_table(f, t); break;
	}
	return output_flush(f);
}

int output_flush(FILE *f)
{
	if (fflush(f) != EOF && !ferror(f))
		return 0;
	return errno ? errno : EIO;
}

int output_close(FILE *f, int status, FILE *msgs)
{
	int err = status < 0 ? -status : 0;

	if (!err)
		err = output_flush(f);
	// The flush left nothing pending, so EBADF here means that f was closed
	// before memtop started and nothing was written to it (gnulib's
	// close_stdout lets that pass too).
	if (fclose(f) == EOF && !err && errno != EBADF)
		err = errno;
	if (!err)
		return status;
	if (err != EPIPE)           // the reader has gone: as quiet as SIGPIPE
		fprintf(msgs, "memtop: write error: %s\n", strerror(err));
	return 1;
}
