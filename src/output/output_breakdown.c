/* output_breakdown.c — where the memory went in batch output (--breakdown):
 * a "breakdown" object in a JSON tick, and one row per part, mount,
 * segment or cache in CSV and the table format (model/memmodel.h). */
#include "output/output.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/text.h"

// The rows of the model, in an array owned by the caller (free it).
static struct mem_row *rows_of(const struct memmodel *m, size_t *n)
{
	struct mem_row *rows = malloc(MEMMODEL_ROWS_MAX * sizeof *rows);

	*n = rows ? memmodel_rows(m, rows, MEMMODEL_ROWS_MAX) : 0;
	return rows;
}

// A row's growth: its detector's rate, once it has one.
static bool row_rate(const struct mem_row *r, double *rate)
{
	*rate = r->track->verdict.rate_kb_per_min;
	return r->track->leak && r->track->verdict.have_rate;
}

// How many bytes of a name fit width columns' worth of bytes, cut before
// a character rather than inside one (names are sanitised, valid UTF-8).
static int name_cut(const char *name, size_t width)
{
	size_t n = strnlen(name, width + 1);

	if (n > width)
		for (n = width; n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80;)
			n--;
	return (int)n;
}

static const char *row_kind(const struct mem_row *r)
{
	return r->item ? memmodel_item_kind_key(r->item->kind) : "part";
}

static void json_error(FILE *f, const char *name, const struct memmodel *m, enum mem_item_kind k)
{
	fprintf(f, ", \"%s\": ", name);
	if (m->have_lists && m->err[k])
		output_json_string(f, strerror(-m->err[k]));
	else
		fputs("null", f);
}

// An item's own readings beside its size.
static void json_item(FILE *f, const struct mem_item *it)
{
	switch (it->kind) {
	case MI_TMPFS:
		fprintf(f, ", \"dev\": \"%" PRIu32 ":%" PRIu32 "\", \"size_kb\": %" PRIu64, it->u.tmpfs.major,
			it->u.tmpfs.minor, it->u.tmpfs.size_kb);
		break;
	case MI_SYSV:
		fprintf(f, ", \"shmid\": %" PRId64 ", \"key\": %" PRId64 ", \"size_kb\": %" PRIu64, it->u.shm.shmid,
			it->u.shm.key, it->u.shm.size_kb);
		if (it->u.shm.have_rss)
			fprintf(f, ", \"rss_kb\": %" PRIu64 ", \"swap_kb\": %" PRIu64, it->u.shm.rss_kb,
				it->u.shm.swap_kb);
		else
			fputs(", \"rss_kb\": null, \"swap_kb\": null", f);
		fprintf(f, ", \"nattch\": %" PRIu64 ", \"cpid\": %d, \"lpid\": %d", it->u.shm.nattch, it->u.shm.cpid,
			it->u.shm.lpid);
		break;
	default:
		fprintf(f, ", \"objsize\": %" PRIu64 ", \"active_objs\": %" PRIu64 ", \"num_objs\": %" PRIu64,
			it->u.slab.objsize, it->u.slab.active_objs, it->u.slab.num_objs);
		break;
	}
}

static void json_row(FILE *f, const struct mem_row *r)
{
	enum mem_part parent = r->item ? r->part : memmodel_part_parent(r->part);
	double rate;

	fprintf(f, "{\"part\": \"%s\", \"parent\": ", memmodel_part_key(r->part));
	if (parent == MP_COUNT)
		fputs("null", f);
	else
		fprintf(f, "\"%s\"", memmodel_part_key(parent));
	fprintf(f, ", \"kind\": \"%s\", \"depth\": %d, \"name\": ", row_kind(r), r->depth);
	output_json_string(f, r->name);
	fprintf(f, ", \"kb\": %" PRId64 ", \"in_total\": %s", r->kb, r->in_total ? "true" : "false");
	if (r->item)
		json_item(f, r->item);
	if (row_rate(r, &rate))
		fprintf(f, ", \"growth_kb_per_min\": %.1f", rate);
	else
		fputs(", \"growth_kb_per_min\": null", f);
	if (r->track->leak)
		fprintf(f, ", \"leak\": {\"suspected\": %s, \"score\": %.2f, \"since_s\": %.0f}}",
			r->track->verdict.suspected ? "true" : "false", r->track->verdict.score,
			r->track->verdict.suspected ? r->track->verdict.since_s : 0.0);
	else
		fputs(", \"leak\": null}", f);
}

void output_json_breakdown(FILE *f, const struct memmodel *m)
{
	struct mem_row *rows;
	size_t n;

	if (!m->have) {
		fputs(", \"breakdown\": null", f);
		return;
	}
	rows = rows_of(m, &n);
	fprintf(f, ", \"breakdown\": {\"mem_total_kb\": %" PRIu64 ", \"sum_kb\": %" PRId64, m->mi.total_kb,
		memmodel_total_kb(m));
	fprintf(f, ", \"tmpfs_mounts\": %zu, \"sysv_segments\": %zu, \"slab_caches\": %zu", m->seen[MI_TMPFS],
		m->seen[MI_SYSV], m->seen[MI_SLAB]);
	json_error(f, "tmpfs_error", m, MI_TMPFS);
	json_error(f, "sysv_error", m, MI_SYSV);
	json_error(f, "slab_error", m, MI_SLAB);
	fputs(", \"rows\": [", f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		json_row(f, &rows[i]);
	}
	fputs("]}", f);
	free(rows);
}

void output_csv_breakdown(FILE *f, const struct output_tick *t)
{
	struct mem_row *rows;
	size_t n;

	if (t->index == 0)
		fputs("time,part,kind,depth,name,kb,in_total,growth_kb_per_min,leak_suspected,leak_score,"
		      "leak_since_s\n", f);
	rows = rows_of(t->breakdown, &n);
	for (size_t i = 0; i < n; i++) {
		const struct mem_row *r = &rows[i];
		const struct leak_verdict *v = &r->track->verdict;
		double rate;

		fprintf(f, "%.3f,%s,%s,%d,", t->snap->sys.wall_time, memmodel_part_key(r->part), row_kind(r),
			r->depth);
		output_csv_field(f, r->name);
		fprintf(f, ",%" PRId64 ",%d", r->kb, r->in_total);
		if (row_rate(r, &rate))
			fprintf(f, ",%.1f", rate);
		else
			fputc(',', f);
		if (r->track->leak)
			fprintf(f, ",%d,%.2f,%.0f\n", v->suspected, v->score, v->suspected ? v->since_s : 0.0);
		else
			fputs(",,,\n", f);
	}
	free(rows);
	fflush(f);
}

void output_table_breakdown(FILE *f, const struct output_tick *t)
{
	const struct memmodel *m = t->breakdown;
	time_t now = (time_t)t->snap->sys.wall_time;
	char clock[16] = "", total[16];
	struct mem_row *rows;
	struct tm tm;
	size_t n;

	if (t->index > 0)
		fputc('\n', f);
	if (localtime_r(&now, &tm))
		strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	fprintf(f, "memtop - %s, where the memory went (MemTotal %s)\n\n", clock,
		text_human_kb(m->mi.total_kb, total, sizeof total));
	fprintf(f, "%-40s %9s %11s %5s\n", "PART", "SIZE", "GROWTH/min", "LEAK");
	rows = rows_of(m, &n);
	for (size_t i = 0; i < n; i++) {
		const struct mem_row *r = &rows[i];
		char size[24], growth[24] = "-", name[48];
		double rate;

		if (row_rate(r, &rate))
			snprintf(growth, sizeof growth, "%+.1f", rate);
		if (r->kb < 0) {
			size[0] = '-';
			text_human_kb((uint64_t)-r->kb, size + 1, sizeof size - 1);
		} else {
			text_human_kb((uint64_t)r->kb, size, sizeof size);
		}
		snprintf(name, sizeof name, "%*s%.*s", 2 * r->depth, "", name_cut(r->name, 40 - 2 * (size_t)r->depth),
			 r->name);
		fprintf(f, "%-40s %9s %11s %5s\n", name, size, growth,
			r->track->leak && r->track->verdict.suspected ? "LEAK" : "-");
	}
	fprintf(f, "%-40s %9s\n", "Total (MemTotal)", text_human_kb((uint64_t)memmodel_total_kb(m), total,
								   sizeof total));
	if (m->have_lists && m->err[MI_SLAB])
		fprintf(f, "slab caches not shown: /proc/slabinfo: %s%s\n", strerror(-m->err[MI_SLAB]),
			m->err[MI_SLAB] == -EACCES ? " (root only)" : "");
	free(rows);
	fflush(f);
}
