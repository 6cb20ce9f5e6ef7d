/* smapsdump.c — memtop --smaps: read once, print, exit. */
#include "output/smapsdump.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "model/monitor.h"
#include "output/output.h"
#include "util/text.h"

// The size fields of a mapping, row or total as JSON members.
static void json_sizes(FILE *f, uint64_t size, uint64_t rss, uint64_t pss, uint64_t dirty,
		       uint64_t anon, uint64_t swap)
{
	fprintf(f, "\"size_kb\": %" PRIu64 ", \"rss_kb\": %" PRIu64 ", \"pss_kb\": %" PRIu64
		", \"private_dirty_kb\": %" PRIu64 ", \"anonymous_kb\": %" PRIu64 ", \"swap_kb\": %" PRIu64,
		size, rss, pss, dirty, anon, swap);
}

static void json_total(FILE *f, const struct smaps_map *m)
{
	fputc('{', f);
	json_sizes(f, m->size_kb, m->rss_kb, m->pss_kb, m->private_dirty_kb, m->anonymous_kb, m->swap_kb);
	fputc('}', f);
}

// A KiB number from bytes, or null.
static void json_kb(FILE *f, const char *key, bool have, bool unlimited, uint64_t bytes)
{
	if (!have)
		fprintf(f, ", \"%s\": null", key);
	else if (unlimited)
		fprintf(f, ", \"%s\": \"max\"", key);
	else
		fprintf(f, ", \"%s\": %" PRIu64, key, bytes / 1024);
}

// The process's memory cgroup: paths, pressure and the memory files.
static void json_cgroup(FILE *f, const struct cgroup_detail *cg)
{
	char v2[1024], v1[1024];

	text_sanitize(cg->v2_path, strlen(cg->v2_path), v2, sizeof v2);
	text_sanitize(cg->v1_path, strlen(cg->v1_path), v1, sizeof v1);
	fputs("{\"v2_path\": ", f);
	output_json_string(f, v2);
	fputs(", \"v1_memory_path\": ", f);
	output_json_string(f, v1);
	fputs(", \"pressure\": ", f);
	if (cg->have_pressure)
		fprintf(f, "{\"some\": {\"avg10\": %.2f, \"avg60\": %.2f, \"avg300\": %.2f, \"total_us\": %"
			PRIu64 "}, \"full\": {\"avg10\": %.2f, \"avg60\": %.2f, \"avg300\": %.2f, "
			"\"total_us\": %" PRIu64 "}}", cg->pressure.some.avg10, cg->pressure.some.avg60,
			cg->pressure.some.avg300, cg->pressure.some.total_us, cg->pressure.full.avg10,
			cg->pressure.full.avg60, cg->pressure.full.avg300, cg->pressure.full.total_us);
	else
		fputs("null", f);
	json_kb(f, "current_kb", cg->have_current, false, cg->current);
	json_kb(f, "max_kb", cg->have_max, cg->max_unlimited, cg->max);
	json_kb(f, "high_kb", cg->have_high, cg->high_unlimited, cg->high);
	json_kb(f, "swap_current_kb", cg->have_swap, false, cg->swap_current);
	json_kb(f, "v1_usage_kb", cg->have_v1, false, cg->v1_usage);
	json_kb(f, "v1_limit_kb", cg->have_v1, cg->v1_unlimited, cg->v1_limit);
	fputc('}', f);
}

void smapsdump_json(FILE *f, int pid, const char *comm, const struct maptable *t,
		    const struct smaps_map *rollup, const struct cgroup_detail *cg)
{
	fprintf(f, "{\"pid\": %d, \"comm\": ", pid);
	output_json_string(f, comm);
	fprintf(f, ", \"grouped\": %s, \"mappings\": [", t->grouped ? "true" : "false");
	for (size_t i = 0; i < t->n; i++) {
		const struct maprow *r = &t->rows[i];

		fprintf(f, "%s{\"start\": \"%" PRIx64 "\", \"end\": \"%" PRIx64 "\", \"perms\": \"%s\", "
			"\"name\": ", i ? ", " : "", r->start, r->end, r->perms);
		output_json_string(f, maptable_name(t, r));
		fprintf(f, ", \"count\": %u, ", r->count);
		json_sizes(f, r->size_kb, r->rss_kb, r->pss_kb, r->private_dirty_kb, r->anonymous_kb, r->swap_kb);
		fputc('}', f);
	}
	fputs("], \"totals\": ", f);
	json_total(f, &t->total);
	fputs(", \"rollup\": ", f);
	if (rollup)                 // smaps_rollup has no Size line
		fprintf(f, "{\"rss_kb\": %" PRIu64 ", \"pss_kb\": %" PRIu64 ", \"private_dirty_kb\": %"
			PRIu64 ", \"anonymous_kb\": %" PRIu64 ", \"swap_kb\": %" PRIu64 "}", rollup->rss_kb,
			rollup->pss_kb, rollup->private_dirty_kb, rollup->anonymous_kb, rollup->swap_kb);
	else
		fputs("null", f);
	fputs(", \"cgroup\": ", f);
	if (cg)
		json_cgroup(f, cg);
	else
		fputs("null", f);
	fputs("}\n", f);
	fflush(f);
}

void smapsdump_csv(FILE *f, const struct maptable *t)
{
	fputs("start,end,perms,count,size_kb,rss_kb,pss_kb,private_dirty_kb,anonymous_kb,swap_kb,name\n", f);
	for (size_t i = 0; i < t->n; i++) {
		const struct maprow *r = &t->rows[i];

		fprintf(f, "%" PRIx64 ",%" PRIx64 ",%s,%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",", r->start, r->end, r->perms, r->count, r->size_kb,
			r->rss_kb, r->pss_kb, r->private_dirty_kb, r->anonymous_kb, r->swap_kb);
		output_csv_field(f, maptable_name(t, r));
		fputc('\n', f);
	}
	fflush(f);
}


void smapsdump_table(FILE *f, int pid, const char *comm, const struct maptable *t,
		     const struct smaps_map *rollup)
{
	fprintf(f, "memtop --smaps %d (%s): %zu mappings%s, sizes in KiB\n", pid, comm, t->nmaps,
		t->grouped ? ", grouped by name" : "");
	fprintf(f, "%-33s %4s %9s %9s %9s %9s %9s %9s %s\n", t->grouped ? "FIRST MAPPING" : "ADDRESS",
		t->grouped ? "N" : "PERM", "SIZE", "RSS", "PSS", "DIRTY", "ANON", "SWAP", "NAME");
	for (size_t i = 0; i < t->n; i++) {
		const struct maprow *r = &t->rows[i];
		char addr[40], count[12];

		snprintf(addr, sizeof addr, "%016" PRIx64 "-%016" PRIx64, r->start, r->end);
		snprintf(count, sizeof count, "%u", r->count);
		fprintf(f, "%-33s %4s %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64
			" %9" PRIu64 " %s\n", addr, t->grouped ? count : r->perms, r->size_kb, r->rss_kb,
			r->pss_kb, r->private_dirty_kb, r->anonymous_kb, r->swap_kb, maptable_name(t, r));
	}
	fprintf(f, "%-38s %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 "\n",
		"total", t->total.size_kb, t->total.rss_kb, t->total.pss_kb, t->total.private_dirty_kb,
		t->total.anonymous_kb, t->total.swap_kb);
	if (rollup)                 // smaps_rollup has no Size line
		fprintf(f, "%-38s %9s %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 "\n",
			"smaps_rollup", "-", rollup->rss_kb, rollup->pss_kb, rollup->private_dirty_kb,
			rollup->anonymous_kb, rollup->swap_kb);
	fflush(f);
}

// Why smaps could not be read, for the error message.
static const char *detail_error(const struct proc_detail *d)
{
	if (d->exited)
		return "no such process";
	if (d->err == -EACCES || d->err == -EPERM)
		return "permission denied: run as root or as the process owner";
	return strerror(-d->err);
}

int smapsdump_run(const struct options *opts)
{
	int pid = opts->smaps_pid;
	struct source_config cfg = { .pids = &pid, .npids = 1, .kernel_threads = true };
	struct proc_detail d = { 0 };
	struct maptable t = { .grouped = opts->group, .sort = MAPSORT_ADDR };
	static struct monitor m;            // a sysmodel's rings: not on the stack
	const struct snapshot *snap = &m.snap;
	char err[256];
	int status = 1;

	if (monitor_open(&m, &cfg, opts->sensitivity, err, sizeof err) < 0) {
		fprintf(stderr, "memtop: %s\n", err);
		return 1;
	}
	if (monitor_tick(&m) < 0 || m.source_err < 0 || snap->nprocs != 1) {
		fprintf(stderr, "memtop: --smaps %d: no such process\n", pid);
	} else if (monitor_read_detail(&m, pid, snap->procs[0]->start_ticks, &d) < 0) {
		fprintf(stderr, "memtop: --smaps %d: %s\n", pid, detail_error(&d));
	} else if (maptable_update(&t, &d.maps) < 0) {
		fprintf(stderr, "memtop: out of memory\n");
	} else {
		const char *comm = snap->procs[0]->comm;
		const struct smaps_map *rollup = d.have_rollup ? &d.rollup.maps[0] : NULL;

		errno = 0;              // a write error is named by the write's errno
		if (opts->format == FORMAT_JSON)
			smapsdump_json(stdout, pid, comm, &t, rollup, &d.cg);
		else if (opts->format == FORMAT_CSV)
			smapsdump_csv(stdout, &t);
		else
			smapsdump_table(stdout, pid, comm, &t, rollup);
		status = -output_flush(stdout);
	}
	maptable_free(&t);
	proc_detail_free(&d);
	monitor_close(&m);
	return status;
}
