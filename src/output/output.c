/* output.c — batch formats: JSON Lines, CSV and a top-like table. */
#include "output/output.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio_ext.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model/fields.h"
#include "util/text.h"

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

// Whole numbers are most of a batch record: written by hand, not through
// printf's format parsing (a third of the batch formats' cost at 2,000
// processes; make bench-peers). The same digits as %PRIu64 / %PRId64.
static void put_u64(FILE *f, uint64_t v)
{
	char buf[24], *p = buf + sizeof buf;

	*--p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	fputs(p, f);
}

static void put_i64(FILE *f, int64_t v)
{
	if (v < 0) {
		fputc('-', f);
		put_u64(f, (uint64_t)0 - (uint64_t)v);    // INT64_MIN too
	} else {
		put_u64(f, (uint64_t)v);
	}
}

// A batch value as JSON: null, a number, true/false or a string.
static void json_value(FILE *f, const struct field *fd, const struct field_value *v)
{
	switch (v->kind) {
	case VALUE_NULL: fputs("null", f); break;
	case VALUE_INT: put_i64(f, v->i); break;
	case VALUE_UINT: put_u64(f, v->u); break;
	case VALUE_REAL: fprintf(f, "%.*f", fd->decimals, v->real); break;
	case VALUE_BOOL: fputs(v->b ? "true" : "false", f); break;
	case VALUE_TEXT: output_json_string(f, v->text); break;
	}
}

// One process object of a JSON tick: the field table's JSON members in its
// order, consecutive members of one json_object gathered into that object.
static void json_process(FILE *f, const struct proc *p, double now)
{
	size_t n;
	const struct field *fields = fields_all(&n);
	const char *object = NULL;           // the object open, if any
	const char *sep = "";

	fputc('{', f);
	for (size_t i = 0; i < n; i++) {
		const struct field *fd = &fields[i];
		struct field_value v;

		if (!fd->json)
			continue;
		if (object && (!fd->json_object || strcmp(fd->json_object, object) != 0)) {
			fputc('}', f);
			object = NULL;
		}
		if (fd->json_object && !object) {
			object = fd->json_object;
			fputs(sep, f);
			fputc('"', f);
			fputs(object, f);
			fputs("\": {", f);
			sep = "";
		}
		fputs(sep, f);
		fputc('"', f);
		fputs(fd->json, f);
		fputs("\": ", f);
		sep = ", ";
		fd->value(p, now, &v);
		json_value(f, fd, &v);
	}
	fputs(object ? "}}" : "}", f);
}

// A number, or null when the value is not known.
static void put_u64_or_null(FILE *f, bool have, uint64_t v)
{
	if (have)
		put_u64(f, v);
	else
		fputs("null", f);
}

// One row of a kill report's task table.
static void json_oom_task(FILE *f, const struct oom_task_row *r)
{
	fprintf(f, "{\"pid\": %d, \"uid\": %d, \"comm\": ", r->pid, r->uid);
	output_json_string(f, r->comm);
	fprintf(f, ", \"total_vm_kb\": %" PRIu64 ", \"rss_kb\": %" PRIu64 ", \"rss_anon_kb\": ",
		r->total_vm_kb, r->rss_kb);
	put_u64_or_null(f, r->have_split, r->rss_anon_kb);
	fputs(", \"rss_file_kb\": ", f);
	put_u64_or_null(f, r->have_split, r->rss_file_kb);
	fputs(", \"rss_shmem_kb\": ", f);
	put_u64_or_null(f, r->have_split, r->rss_shmem_kb);
	fprintf(f, ", \"pgtables_kb\": %" PRIu64 ", \"swap_kb\": %" PRIu64 ", \"oom_score_adj\": %d}",
		r->pgtables_kb, r->swap_kb, r->oom_score_adj);
}

// A string member, null when empty (the kernel's wording did not give it).
static void json_text_or_null(FILE *f, const char *name, const char *s)
{
	fprintf(f, ", \"%s\": ", name);
	if (s[0])
		output_json_string(f, s);
	else
		fputs("null", f);
}

// One OOM kill as the kernel log reported it, and memtop's prediction.
static void json_oom_kill(FILE *f, const struct oomlog_entry *e)
{
	const struct oom_kill *k = &e->kill;

	fprintf(f, "{\"seq\": %" PRIu64 ", \"time\": %.3f, \"since_start\": %s, \"scope\": \"%s\", "
		"\"scope_label\": ", k->seq, k->wall_time, k->since_start ? "true" : "false",
		oomlog_scope_name(k->scope));
	output_json_string(f, e->scope_label);
	json_text_or_null(f, "constraint", k->constraint);
	json_text_or_null(f, "oom_memcg", k->oom_memcg);
	json_text_or_null(f, "task_memcg", k->task_memcg);
	fputs(", \"memcg_usage_kb\": ", f);
	put_u64_or_null(f, k->have_memcg_usage, k->memcg_usage_kb);
	fputs(", \"memcg_limit_kb\": ", f);
	put_u64_or_null(f, k->have_memcg_usage, k->memcg_limit_kb);
	fprintf(f, ", \"pid\": %d, \"comm\": ", k->pid);
	output_json_string(f, k->comm);
	fputs(", \"uid\": ", f);
	put_u64_or_null(f, k->uid >= 0, (uint64_t)(k->uid >= 0 ? k->uid : 0));
	fprintf(f, ", \"total_vm_kb\": %" PRIu64 ", \"anon_rss_kb\": %" PRIu64 ", \"file_rss_kb\": %" PRIu64
		", \"shmem_rss_kb\": %" PRIu64 ", \"pgtables_kb\": ", k->total_vm_kb, k->anon_rss_kb,
		k->file_rss_kb, k->shmem_rss_kb);
	put_u64_or_null(f, k->have_pgtables, k->pgtables_kb);
	fputs(", \"oom_score_adj\": ", f);
	if (k->have_oom_score_adj)
		fprintf(f, "%d", k->oom_score_adj);
	else
		fputs("null", f);
	fputs(", \"trigger\": ", f);
	if (k->have_trigger) {
		fputs("{\"comm\": ", f);
		output_json_string(f, k->trigger_comm);
		fputs(", \"gfp_mask\": ", f);
		output_json_string(f, k->gfp_mask);
		fprintf(f, ", \"order\": %d, \"oom_score_adj\": %d}", k->order, k->trigger_oom_score_adj);
	} else {
		fputs("null", f);
	}
	fputs(", \"tasks\": [", f);
	for (unsigned i = 0; i < k->ntasks && i < OOM_TASKS_MAX; i++) {
		if (i)
			fputs(", ", f);
		json_oom_task(f, &k->tasks[i]);
	}
	fprintf(f, "], \"tasks_listed\": %u, \"predicted\": ", k->tasks_listed);
	if (e->predicted.valid) {
		fprintf(f, "{\"pid\": %d, \"comm\": ", e->predicted.pid);
		output_json_string(f, e->predicted.comm);
		fprintf(f, ", \"right\": %s}}", e->predicted.right ? "true" : "false");
	} else {
		fputs("null}", f);
	}
}

// The OOM part of a JSON tick: the log's state, the counters and the kills
// new since the previous record, oldest first.
static void json_oom(FILE *f, const struct oomlog *l)
{
	bool first = true;

	fputs(", \"oom_log\": ", f);
	output_json_string(f, oomlog_state(l));
	fprintf(f, ", \"oom_log_lost\": %" PRIu64 ", \"oom_log_dropped\": %" PRIu64
		", \"oom_kill_count\": {\"since_boot\": ", l->log_lost, l->log_dropped);
	put_u64_or_null(f, l->have_counter, l->counter);
	fputs(", \"since_start\": ", f);
	put_u64_or_null(f, l->have_counter, oomlog_counter_since_start(l));
	fputs("}, \"oom_kills\": [", f);
	for (size_t i = l->count; i-- > 0;) {
		const struct oomlog_entry *e = oomlog_get(l, i);

		if (e->serial <= l->new_from)
			continue;
		if (!first)
			fputs(", ", f);
		first = false;
		json_oom_kill(f, e);
	}
	fputc(']', f);
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
	if (t->oom)
		json_oom(f, t->oom);
	if (t->cgroups)
		output_json_cgroups(f, t->cgroups);
	if (t->breakdown)
		output_json_breakdown(f, t->breakdown);
	fputs("}\n", f);
	fflush(f);
}

// Calls fn on every CSV column of the field table in CSV order: the table's
// order, FIELD_CSV_LAST ones after the others.
static void csv_each(void (*fn)(FILE *, const struct field *, const void *), FILE *f,
		     const void *arg)
{
	size_t n;
	const struct field *fields = fields_all(&n);

	for (int last = 0; last < 2; last++)
		for (size_t i = 0; i < n; i++)
			if (fields[i].csv && !(fields[i].flags & FIELD_CSV_LAST) == !last)
				fn(f, &fields[i], arg);
}

static void csv_name(FILE *f, const struct field *fd, const void *arg)
{
	(void)arg;
	fprintf(f, ",%s", fd->csv);
}

struct csv_row {
	const struct proc *p;
	double now;
};

// ",value": a number, 0 or 1, a quoted-when-needed string; "," alone when
// the value is unknown.
static void csv_value(FILE *f, const struct field *fd, const void *arg)
{
	const struct csv_row *row = arg;
	struct field_value v;

	fd->value(row->p, row->now, &v);
	fputc(',', f);
	switch (v.kind) {
	case VALUE_NULL: break;
	case VALUE_INT: put_i64(f, v.i); break;
	case VALUE_UINT: put_u64(f, v.u); break;
	case VALUE_REAL: fprintf(f, "%.*f", fd->decimals, v.real); break;
	case VALUE_BOOL: fputc(v.b ? '1' : '0', f); break;
	case VALUE_TEXT: output_csv_field(f, v.text); break;
	}
}

void output_csv(FILE *f, const struct output_tick *t)
{
	if (t->index == 0) {
		fputs("time", f);
		csv_each(csv_name, f, NULL);
		fputc('\n', f);
	}
	for (size_t i = 0; i < t->table->n; i++) {
		struct csv_row row = { &t->table->v[i], t->snap->sys.mono_time };

		fprintf(f, "%.3f", t->snap->sys.wall_time);
		csv_each(csv_value, f, &row);
		fputc('\n', f);
	}
	fflush(f);
}

// A kill's time of day as the table writes it.
static void table_clock(double wall_time, char *out, size_t cap)
{
	time_t tt = (time_t)wall_time;
	struct tm tm;

	out[0] = '\0';
	if (localtime_r(&tt, &tm))
		strftime(out, cap, "%H:%M:%S", &tm);
}

// The table's lines about OOM kills: one per kill since memtop started
// that is new at this tick; the backlog since boot (the first tick) in
// one line; when the kernel log cannot be read, the counter and why.
static void table_oom(FILE *f, const struct oomlog *l)
{
	const struct oomlog_entry *backlog_last = NULL;
	size_t backlog = 0;
	char anon[16], when[16];

	for (size_t i = l->count; i-- > 0;) {
		const struct oomlog_entry *e = oomlog_get(l, i);
		const struct oom_kill *k = &e->kill;

		if (e->serial <= l->new_from)
			continue;
		if (!k->since_start) {
			backlog++;
			backlog_last = e;
			continue;
		}
		table_clock(k->wall_time, when, sizeof when);
		fprintf(f, "OOM kill: %s %s (%d), anon %s, %s", when, k->comm, k->pid,
			text_human_kb(k->anon_rss_kb, anon, sizeof anon), e->scope_label);
		if (e->predicted.right)
			fputs(", as memtop predicted\n", f);
		else if (e->predicted.valid)
			fprintf(f, ", memtop predicted %s (%d)\n", e->predicted.comm, e->predicted.pid);
		else
			fputc('\n', f);
	}
	if (backlog_last) {
		table_clock(backlog_last->kill.wall_time, when, sizeof when);
		fprintf(f, "OOM kills before start: %zu in the kernel log, the last %s %s (%d), %s\n", backlog,
			when, backlog_last->kill.comm, backlog_last->kill.pid, backlog_last->scope_label);
	}
	if (l->log_err != 0 && l->log_err != -ENOTSUP && l->have_counter)
		fprintf(f, "OOM kills: %" PRIu64 " since boot (details: kernel log %s)\n", l->counter,
			oomlog_state(l));
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
	if (t->oom)
		table_oom(f, t->oom);
}

// A table-format line, gathered and written with one call rather than a
// printf a cell (which cost as much as the rest of a 2,000-process tick).
struct line {
	FILE *f;
	size_t n;
	char b[512];
};

static void line_put(struct line *l, const char *s, size_t len)
{
	if (l->n + len > sizeof l->b) {
		fwrite(l->b, 1, l->n, l->f);
		l->n = 0;
		if (len > sizeof l->b) {            // a long command line
			fwrite(s, 1, len, l->f);
			return;
		}
	}
	memcpy(l->b + l->n, s, len);
	l->n += len;
}

static void line_pad(struct line *l, size_t n)
{
	static const char blanks[] = "                                ";

	for (size_t k; n > 0; n -= k) {
		k = n < sizeof blanks - 1 ? n : sizeof blanks - 1;
		line_put(l, blanks, k);
	}
}

static void line_end(struct line *l)
{
	line_put(l, "\n", 1);
	fwrite(l->b, 1, l->n, l->f);
	l->n = 0;
}

// One table-format cell: right- or left-aligned in its width (in bytes, as
// printf's %*s pads), the last column (width 0) as it is; a separating
// blank before all but the first.
static void table_cell(struct line *l, const struct field *fd, const char *text, bool first)
{
	size_t len = strlen(text), width = fd->table_width > 0 ? (size_t)fd->table_width : 0;
	size_t pad = width > len ? width - len : 0;

	if (!first)
		line_put(l, " ", 1);
	if (!fd->table_left)
		line_pad(l, pad);
	line_put(l, text, len);
	if (fd->table_left)
		line_pad(l, pad);
}

// The title row, then one row per process in the tick's sort order: the
// screen's columns that have a table_title, in the screen's order.
void output_table(FILE *f, const struct output_tick *t)
{
	const struct field *cols[COL_COUNT];
	size_t ncols = 0;
	struct line l = { .f = f };

	for (int c = 0; c < COL_COUNT; c++) {
		const struct field *fd = field_of_column((enum column_id)c);

		if (fd && fd->table_title)
			cols[ncols++] = fd;
	}
	if (t->index > 0)
		fputc('\n', f);
	table_header(f, t);
	fputc('\n', f);
	for (size_t c = 0; c < ncols; c++)
		table_cell(&l, cols[c], cols[c]->table_title, c == 0);
	line_end(&l);
	proctable_sort(t->table, t->sort_key, sort_key_descending(t->sort_key));
	for (size_t i = 0; i < t->table->n; i++) {
		const struct proc *p = t->table->order[i];

		for (size_t c = 0; c < ncols; c++) {
			char buf[1024];
			enum cell_hint hint;

			table_cell(&l, cols[c], field_table_text(cols[c], p, buf, sizeof buf, &hint), c == 0);
			if (hint == CELL_CUT)      // cut at the sampler's limit (only the
				line_put(&l, "...", 3);   // last column, the command, is ever cut)
		}
		line_end(&l);
	}
	fflush(f);
}

// A scrape of the tick (export/metrics.h): the cgroups when the table has
// them (--cgroups).
static void output_metrics(FILE *f, enum output_format fmt, const struct output_tick *t)
{
	struct metrics_input in = { .snap = t->snap, .table = t->table, .sys = t->sys, .cgroups = t->cgroups,
				    .cgroups_read = t->cgroups != NULL };

	metrics_write(f, fmt == FORMAT_OPENMETRICS ? METRICS_OPENMETRICS : METRICS_PROMETHEUS, &in, &t->metrics);
}

int output_write(FILE *f, enum output_format fmt, const struct output_tick *t)
{
	// Sampling leaves errno set (processes vanish); a failure must be named
	// by this tick's write, not by that.
	errno = 0;
	// memtop writes a stream from one thread: stdio need not lock it at
	// every one of the thousands of calls a tick makes (a fifth of a
	// 2,000-process JSON tick's cost otherwise).
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	switch (fmt) {
	case FORMAT_JSON: output_json(f, t); break;
	case FORMAT_CSV:
		if (t->breakdown)
			output_csv_breakdown(f, t);
		else if (t->cgroups)
			output_csv_cgroups(f, t);
		else
			output_csv(f, t);
		break;
	case FORMAT_TABLE:
	case FORMAT_HTML:        // --report's own: cli_parse refuses it for batch mode
		if (t->breakdown)
			output_table_breakdown(f, t);
		else if (t->cgroups)
			output_table_cgroups(f, t);
		else
			output_table(f, t);
		break;
	case FORMAT_PROMETHEUS:
	case FORMAT_OPENMETRICS:
		output_metrics(f, fmt, t);
		break;
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

int output_check_replaceable(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "-o %s: not a regular file (each sample replaces the file: a device, "
			 "a folder or a link is not replaced)", path);
		return -1;
	}
	return 0;
}

int output_replace_file(const char *path, enum output_format fmt, const struct output_tick *t)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, rc;

	// A name the textfile collector does not read (it takes *.prom), in
	// the same folder, so that the rename is atomic. Made afresh, never
	// through a link someone left under that name (the folder may be
	// writable by others; memtop may be root).
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return ENAMETOOLONG;
	if (unlink(tmp) < 0 && errno != ENOENT)
		return errno;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0)
		return errno;
	if (!(f = fdopen(fd, "w"))) {
		rc = errno;
		close(fd);
		unlink(tmp);
		return rc;
	}
	rc = output_write(f, fmt, t);
	if (fclose(f) != 0 && !rc)
		rc = errno ? errno : EIO;
	if (!rc && rename(tmp, path) != 0)
		rc = errno;
	if (rc)
		unlink(tmp);
	return rc;
}
