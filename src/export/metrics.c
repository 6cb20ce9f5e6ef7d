/* metrics.c — the model as a Prometheus or OpenMetrics scrape (metrics.h). */
#include "export/metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#ifndef MEMTOP_VERSION
#define MEMTOP_VERSION "0.1.0"
#endif

enum metric_type { GAUGE, COUNTER, INFO };

struct writer {
	FILE *f;
	enum metrics_format fmt;
	const struct metrics_options *o;
};

// A family's HELP and TYPE lines. Counters and infos are named without
// their suffix (OpenMetrics names the family so; the text format names the
// samples: name_total, name_info as a gauge).
static void family(const struct writer *w, const char *name, enum metric_type type, const char *help)
{
	static const char *const suffix[] = { [GAUGE] = "", [COUNTER] = "_total", [INFO] = "_info" };

	if (w->fmt == METRICS_OPENMETRICS) {
		static const char *const om_type[] = { [GAUGE] = "gauge", [COUNTER] = "counter", [INFO] = "info" };

		fprintf(w->f, "# TYPE %s %s\n# HELP %s %s\n", name, om_type[type], name, help);
	} else {
		static const char *const text_type[] = { [GAUGE] = "gauge", [COUNTER] = "counter", [INFO] = "gauge" };

		fprintf(w->f, "# HELP %s%s %s\n# TYPE %s%s %s\n", name, suffix[type], help, name, suffix[type],
			text_type[type]);
	}
}

static void value_u64(FILE *f, uint64_t v)
{
	fprintf(f, " %" PRIu64 "\n", v);
}

static void value_real(FILE *f, double v)
{
	fprintf(f, " %.6g\n", v);
}

static void sample_u64(FILE *f, const char *name, uint64_t v)
{
	fputs(name, f);
	value_u64(f, v);
}

static void sample_real(FILE *f, const char *name, double v)
{
	fputs(name, f);
	value_real(f, v);
}

// FNV-1a, for the tag of a cut label value.
static uint32_t hash32(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void escaped(FILE *f, const char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		const char *esc = s[i] == '\\' ? "\\\\" : s[i] == '"' ? "\\\"" : s[i] == '\n' ? "\\n" : NULL;

		if (!esc)
			continue;
		fwrite_unlocked(s + run, 1, i - run, f);
		fputs_unlocked(esc, f);
		run = i + 1;
	}
	fwrite_unlocked(s + run, 1, n - run, f);
}

void metrics_label_value(FILE *f, const char *s)
{
	size_t len = strlen(s), keep;

	if (len <= METRICS_LABEL_MAX) {
		escaped(f, s, len);
		return;
	}
	// Cut at a character boundary (never inside a UTF-8 sequence), then tag
	// with the whole value's hash: two long paths with one start stay two.
	keep = METRICS_LABEL_MAX - 3 - 8;
	while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
		keep--;
	escaped(f, s, keep);
	fprintf(f, "...%08" PRIx32, hash32(s));
}

static void label(FILE *f, const char *name, const char *value, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	metrics_label_value(f, value);
	fputc('"', f);
}

static void proc_labels(const struct writer *w, const char *name, const struct proc *p)
{
	fprintf(w->f, "%s{pid=\"%d\"", name, p->pid);
	label(w->f, "comm", p->s->comm, false);
	label(w->f, "cgroup", p->s->cgroup, false);
	if (w->o->cmdline)
		label(w->f, "cmdline", p->s->cmdline, false);
	fputc('}', w->f);
}

static void cgroup_labels(const struct writer *w, const char *name, const struct cgroup_row *r)
{
	fprintf(w->f, "%s{", name);
	label(w->f, "cgroup", r->path, true);
	fputc('}', w->f);
}

static double kb_per_min_to_bytes_s(double kb_per_min)
{
	return kb_per_min * 1024.0 / 60.0;
}

static void write_machine(const struct writer *w, const struct metrics_input *in)
{
	const struct sys_sample *sys = &in->snap->sys;
	FILE *f = w->f;

	family(w, "memtop_build", INFO, "memtop's version.");
	fputs("memtop_build_info{version=\"" MEMTOP_VERSION "\"} 1\n", f);
	family(w, "memtop_sample_timestamp_seconds", GAUGE, "When the sample these values come from was taken.");
	fprintf(f, "memtop_sample_timestamp_seconds %.3f\n", sys->wall_time);
	family(w, "memtop_processes", GAUGE, "Processes memtop saw at the sample.");
	sample_u64(f, "memtop_processes", in->table->n);
	if (sys->have_meminfo) {
		family(w, "memtop_memory_total_bytes", GAUGE, "Memory the kernel manages (MemTotal).");
		sample_u64(f, "memtop_memory_total_bytes", sys->total_kb * 1024);
		family(w, "memtop_memory_available_bytes", GAUGE,
		       "Memory available for new work without swapping (MemAvailable).");
		sample_u64(f, "memtop_memory_available_bytes", sys->available_kb * 1024);
		family(w, "memtop_swap_total_bytes", GAUGE, "Swap space (SwapTotal).");
		sample_u64(f, "memtop_swap_total_bytes", sys->swap_total_kb * 1024);
		family(w, "memtop_swap_free_bytes", GAUGE, "Unused swap space (SwapFree).");
		sample_u64(f, "memtop_swap_free_bytes", sys->swap_free_kb * 1024);
	}
	if (sys->have_oom_kill) {
		family(w, "memtop_oom_kills", COUNTER, "Processes the OOM killer killed since boot (vmstat oom_kill).");
		sample_u64(f, "memtop_oom_kills_total", sys->oom_kill);
	}
	if (in->sys && in->sys->falling) {
		family(w, "memtop_memory_exhaustion_seconds", GAUGE,
		       "Predicted time until available memory runs out, at its trend (only while it falls).");
		sample_real(f, "memtop_memory_exhaustion_seconds", in->sys->eta_s);
	}
}

static void write_pressure_line(const struct writer *w, const char *which, const struct psi_line *l)
{
	char name[64];

	snprintf(name, sizeof name, "memtop_pressure_memory_%s_seconds", which);
	family(w, name, COUNTER, !strcmp(which, "some") ?
	       "Time some task stalled on memory (PSI memory some total)." :
	       "Time all non-idle tasks stalled on memory at once (PSI memory full total).");
	fprintf(w->f, "%s_total %.6f\n", name, (double)l->total_us / 1e6);
	snprintf(name, sizeof name, "memtop_pressure_memory_%s_ratio", which);
	family(w, name, GAUGE, !strcmp(which, "some") ?
	       "Share of time some task stalled on memory, the kernel's average over the window." :
	       "Share of time all non-idle tasks stalled on memory, the kernel's average over the window.");
	fprintf(w->f, "%s{window=\"10s\"} %.6g\n", name, l->avg10 / 100.0);
	fprintf(w->f, "%s{window=\"60s\"} %.6g\n", name, l->avg60 / 100.0);
	fprintf(w->f, "%s{window=\"300s\"} %.6g\n", name, l->avg300 / 100.0);
}

static void write_pressure(const struct writer *w, const struct sys_sample *sys)
{
	if (!sys->have_psi)
		return;
	if (sys->psi.some.valid)
		write_pressure_line(w, "some", &sys->psi.some);
	if (sys->psi.full.valid)
		write_pressure_line(w, "full", &sys->psi.full);
}

// The processes that get series: every suspect, then the largest by RSS.
static int by_rss_desc(const void *a, const void *b)
{
	const struct proc *x = *(const struct proc *const *)a, *y = *(const struct proc *const *)b;

	if (x->s->rss_kb != y->s->rss_kb)
		return x->s->rss_kb < y->s->rss_kb ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int by_pid(const void *a, const void *b)
{
	const struct proc *x = *(const struct proc *const *)a, *y = *(const struct proc *const *)b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static size_t select_procs(const struct proctable *t, size_t top, const struct proc **sel)
{
	size_t nsus = 0, nrest = 0;

	// Suspects first in sel; the rest from the end, then sorted by size.
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].verdict.suspected)
			sel[nsus++] = &t->v[i];
		else
			sel[t->n - 1 - nrest++] = &t->v[i];
	}
	qsort(sel + nsus, nrest, sizeof *sel, by_rss_desc);
	size_t n = nsus + (top < nrest ? top : nrest);

	qsort(sel, n, sizeof *sel, by_pid);
	return n;
}

enum proc_metric { PM_RSS, PM_ANON, PM_SWAP, PM_GROWTH, PM_SUSPECTED, PM_SCORE, PM_OOM, PM_ETA, PM_COUNT };

static const struct {
	const char *name, *help;
} proc_metric[PM_COUNT] = {
	[PM_RSS] = { "memtop_process_resident_bytes", "Resident memory of the process (RSS)." },
	[PM_ANON] = { "memtop_process_anon_bytes", "Anonymous resident memory of the process (RssAnon)." },
	[PM_SWAP] = { "memtop_process_swap_bytes", "Swapped-out memory of the process (VmSwap)." },
	[PM_GROWTH] = { "memtop_process_growth_bytes_per_second",
			"Growth of the process's anonymous memory and swap, the leak detector's robust slope." },
	[PM_SUSPECTED] = { "memtop_leak_suspected", "1 while memtop suspects the process of leaking memory." },
	[PM_SCORE] = { "memtop_leak_score", "The leak detector's confidence, 0-1 (suspected from 0.5)." },
	[PM_OOM] = { "memtop_process_oom_score", "The kernel's OOM badness score of the process (oom_score)." },
	[PM_ETA] = { "memtop_process_exhaustion_seconds",
		     "A suspected leak: time until it alone would use up available memory or its cgroup's limit." },
};

// Writes the sample of metric k for p; false when p has no such value.
static bool proc_value(const struct writer *w, enum proc_metric k, const struct proc *p)
{
	const struct proc_sample *s = p->s;

	switch (k) {
	case PM_RSS: proc_labels(w, proc_metric[k].name, p); value_u64(w->f, s->rss_kb * 1024); return true;
	case PM_ANON: proc_labels(w, proc_metric[k].name, p); value_u64(w->f, s->anon_kb * 1024); return true;
	case PM_SWAP:
		if (!s->have_detail)
			return false;
		proc_labels(w, proc_metric[k].name, p);
		value_u64(w->f, s->swap_kb * 1024);
		return true;
	case PM_GROWTH:
		if (!p->verdict.have_rate)
			return false;
		proc_labels(w, proc_metric[k].name, p);
		value_real(w->f, kb_per_min_to_bytes_s(p->verdict.rate_kb_per_min));
		return true;
	case PM_SUSPECTED:
		proc_labels(w, proc_metric[k].name, p);
		value_u64(w->f, p->verdict.suspected);
		return true;
	case PM_SCORE: proc_labels(w, proc_metric[k].name, p); value_real(w->f, p->verdict.score); return true;
	case PM_OOM:
		if (!s->have_detail)
			return false;
		proc_labels(w, proc_metric[k].name, p);
		fprintf(w->f, " %d\n", s->oom_score);
		return true;
	case PM_ETA:
		if (p->eta_s < 0)
			return false;
		proc_labels(w, proc_metric[k].name, p);
		value_real(w->f, p->eta_s);
		return true;
	case PM_COUNT: break;
	}
	return false;
}

static void write_processes(const struct writer *w, const struct proc *const *sel, size_t n)
{
	for (int k = 0; k < PM_COUNT; k++) {
		bool any = false;

		// A family without a sample is left out whole (a HELP with
		// nothing under it says nothing).
		for (size_t i = 0; i < n && !any; i++)
			any = k == PM_SWAP || k == PM_OOM ? sel[i]->s->have_detail :
			      k == PM_GROWTH ? sel[i]->verdict.have_rate : k == PM_ETA ? sel[i]->eta_s >= 0 : true;
		if (!any)
			continue;
		family(w, proc_metric[k].name, GAUGE, proc_metric[k].help);
		for (size_t i = 0; i < n; i++)
			proc_value(w, (enum proc_metric)k, sel[i]);
	}
}

// The cgroups that get series: every suspect, then the largest by usage
// (its processes' RSS before the cgroup is read).
static uint64_t cgroup_size(const struct cgroup_row *r)
{
	return r->have_usage ? r->usage_kb : r->rss_kb;
}

static int cg_by_size_desc(const void *a, const void *b)
{
	const struct cgroup_row *x = *(const struct cgroup_row *const *)a;
	const struct cgroup_row *y = *(const struct cgroup_row *const *)b;

	if (cgroup_size(x) != cgroup_size(y))
		return cgroup_size(x) < cgroup_size(y) ? 1 : -1;
	return strcmp(x->path, y->path);
}

static int cg_by_path(const void *a, const void *b)
{
	return strcmp((*(const struct cgroup_row *const *)a)->path, (*(const struct cgroup_row *const *)b)->path);
}

static size_t select_cgroups(const struct cgtable *t, size_t top, const struct cgroup_row **sel)
{
	size_t nsus = 0, nrest = 0, n;

	for (size_t i = 0; i < t->n; i++) {
		const struct cgroup_row *r = &t->v[i];

		if (!r->path[0])
			continue;                  // processes of no known cgroup: not a cgroup
		if (r->verdict.suspected)
			sel[nsus++] = r;
		else
			sel[t->n - 1 - nrest++] = r;
	}
	memmove(sel + nsus, sel + t->n - nrest, nrest * sizeof *sel);
	qsort(sel + nsus, nrest, sizeof *sel, cg_by_size_desc);
	n = nsus + (top < nrest ? top : nrest);
	qsort(sel, n, sizeof *sel, cg_by_path);
	return n;
}

enum cg_metric { CM_PROCS, CM_USAGE, CM_LIMIT, CM_ANON, CM_GROWTH, CM_SUSPECTED, CM_SCORE, CM_ETA, CM_OOM_KILLS,
		 CM_COUNT };

// A counter's samples are named NAME_total (cg_metric[k].sample).
static const struct {
	const char *name, *help, *sample;
	bool counter;
} cg_metric[CM_COUNT] = {
	[CM_PROCS] = { "memtop_cgroup_processes", "Processes in the memory cgroup." },
	[CM_USAGE] = { "memtop_cgroup_memory_usage_bytes",
		       "Memory charged to the cgroup (memory.current, v1 memory.usage_in_bytes)." },
	[CM_LIMIT] = { "memtop_cgroup_memory_limit_bytes", "The cgroup's memory limit (memory.max); absent: none." },
	[CM_ANON] = { "memtop_cgroup_anon_bytes", "The cgroup's own anonymous memory and swap (memory.stat)." },
	[CM_GROWTH] = { "memtop_cgroup_growth_bytes_per_second", "Growth of the cgroup's leak signal, robust slope." },
	[CM_SUSPECTED] = { "memtop_cgroup_leak_suspected", "1 while memtop suspects the cgroup of leaking memory." },
	[CM_SCORE] = { "memtop_cgroup_leak_score", "The cgroup's leak detector's confidence, 0-1." },
	[CM_ETA] = { "memtop_cgroup_exhaustion_seconds",
		     "A suspected leak: time until the cgroup reaches its limit (or available memory runs out)." },
	[CM_OOM_KILLS] = { "memtop_cgroup_oom_kills",
			   "Processes the OOM killer killed in the cgroup (memory.events, v1 memory.oom_control oom_kill).",
			   "memtop_cgroup_oom_kills_total", true },
};

static bool cg_has(enum cg_metric k, const struct cgroup_row *r)
{
	switch (k) {
	case CM_USAGE: return r->have_usage;
	case CM_LIMIT: return r->have_limit && !r->unlimited;
	case CM_ANON: return r->have_own_anon;
	case CM_GROWTH: return r->verdict.have_rate;
	case CM_ETA: return r->eta_s >= 0;
	case CM_OOM_KILLS: return r->have_oom_kill;
	default: return true;
	}
}

static void cg_value(const struct writer *w, enum cg_metric k, const struct cgroup_row *r)
{
	cgroup_labels(w, cg_metric[k].sample ? cg_metric[k].sample : cg_metric[k].name, r);
	switch (k) {
	case CM_PROCS: value_u64(w->f, r->nprocs); break;
	case CM_USAGE: value_u64(w->f, r->usage_kb * 1024); break;
	case CM_LIMIT: value_u64(w->f, r->limit_kb * 1024); break;
	case CM_ANON: value_u64(w->f, r->own_anon_kb * 1024); break;
	case CM_GROWTH: value_real(w->f, kb_per_min_to_bytes_s(r->verdict.rate_kb_per_min)); break;
	case CM_SUSPECTED: value_u64(w->f, r->verdict.suspected); break;
	case CM_SCORE: value_real(w->f, r->verdict.score); break;
	case CM_ETA: value_real(w->f, r->eta_s); break;
	case CM_OOM_KILLS: value_u64(w->f, r->oom_kill); break;
	case CM_COUNT: break;
	}
}

static void write_cgroups(const struct writer *w, const struct cgroup_row *const *sel, size_t n)
{
	for (int k = 0; k < CM_COUNT; k++) {
		bool any = false;

		for (size_t i = 0; i < n && !any; i++)
			any = cg_has((enum cg_metric)k, sel[i]);
		if (!any)
			continue;
		family(w, cg_metric[k].name, cg_metric[k].counter ? COUNTER : GAUGE, cg_metric[k].help);
		for (size_t i = 0; i < n; i++)
			if (cg_has((enum cg_metric)k, sel[i]))
				cg_value(w, (enum cg_metric)k, sel[i]);
	}
}

int metrics_write(FILE *f, enum metrics_format fmt, const struct metrics_input *in,
		  const struct metrics_options *o)
{
	struct writer w = { .f = f, .fmt = fmt, .o = o };
	size_t top = o->top < METRICS_TOP_MAX ? o->top : METRICS_TOP_MAX;
	const struct cgtable *cg = in->cgroups_read && in->cgroups && in->cgroups->n ? in->cgroups : NULL;
	const struct proc **procs = malloc((in->table->n ? in->table->n : 1) * sizeof *procs);
	const struct cgroup_row **rows = cg ? malloc(cg->n * sizeof *rows) : NULL;

	// One thread writes f (the sampling one): stdio need not lock it at
	// each of the page's thousands of calls.
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	if (!procs || (cg && !rows)) {
		free(procs);
		free(rows);
		return ENOMEM;
	}
	write_machine(&w, in);
	write_pressure(&w, &in->snap->sys);
	write_processes(&w, procs, select_procs(in->table, top, procs));
	if (cg)
		write_cgroups(&w, rows, select_cgroups(cg, top, rows));
	if (fmt == METRICS_OPENMETRICS)
		fputs("# EOF\n", f);
	free(procs);
	free(rows);
	return ferror(f) ? (errno ? errno : EIO) : 0;
}
