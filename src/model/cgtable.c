/* cgtable.c — the cgroup table: rows by path, the sums of their processes,
 * the readings the source made of each cgroup, and a detector per cgroup. */
#include "model/cgtable.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cgname.h"

static int cmp_row_path(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const struct cgroup_row *)elem)->path);
}

const struct cgroup_row *cgtable_find(const struct cgtable *t, const char *path)
{
	return t->n ? bsearch(path, t->v, t->n, sizeof *t->v, cmp_row_path) : NULL;
}

static void row_free(struct cgroup_row *r)
{
	free(r->path);
	free(r->leak);
	r->path = NULL;
	r->leak = NULL;
}

// The row of path, inserted in path order when new; NULL when out of
// memory. Inserting moves rows: pointers into v are stale afterwards.
static struct cgroup_row *row_for(struct cgtable *t, const char *path, double now)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, t->v[mid].path);

		if (c == 0)
			return &t->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		struct cgroup_row *v = realloc(t->v, cap * sizeof *v);
		struct cgroup_row **o;

		if (!v)
			return NULL;
		t->v = v;
		if (!(o = realloc(t->order, cap * sizeof *o)))
			return NULL;
		t->order = o;
		t->cap = cap;
	}
	char *copy = strdup(path);

	if (!copy)
		return NULL;
	memmove(&t->v[lo + 1], &t->v[lo], (t->n - lo) * sizeof *t->v);
	t->v[lo] = (struct cgroup_row){ .path = copy, .read_t = -1, .first_seen = now, .eta_s = -1 };
	cgname_describe(copy, t->v[lo].label, sizeof t->v[lo].label);
	t->n++;
	return &t->v[lo];
}

// Whether process s is the cgroup's new pick. The kernel's badness
// (oom_badness) is rss + swap + page tables, in pages, plus oom_score_adj
// * the pages the cgroup may use / 1000. /proc's oom_score is that
// normalised to the whole machine, so inside one cgroup it orders the same
// only while every adj is 0; memtop therefore computes it here in KiB, with
// the cgroup's limit (the machine's memory without one), and leaves page
// tables out (not read). oom_score_adj -1000 is never killed; a process
// whose details are not read yet counts as adj 0 and no swap.
static void pick_consider(struct cgroup_row *r, const struct proc_sample *s, uint64_t total_kb)
{
	uint64_t limit = r->have_limit && !r->unlimited && r->limit_kb ? r->limit_kb : total_kb;
	int adj = s->have_detail ? s->oom_score_adj : 0;
	int64_t badness;

	if (s->kthread || adj <= -1000)
		return;
	badness = (int64_t)(s->rss_kb + (s->have_detail ? s->swap_kb : 0)) +
		  (int64_t)adj * (int64_t)(limit / 1000);
	if (r->have_pick && badness <= r->pick_badness)
		return;
	r->have_pick = true;
	r->pick_pid = s->pid;
	r->pick_badness = badness;
	snprintf(r->pick_comm, sizeof r->pick_comm, "%s", s->comm);
}

// Counts every process of the table in its cgroup's row. Processes of no
// known cgroup (not yet read, or unreadable) are in no row.
static int count_processes(struct cgtable *t, const struct proctable *pt, double now,
			   uint64_t total_kb)
{
	struct cgroup_row *last = NULL;
	int rc = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct cgroup_row *r = &t->v[i];

		r->nprocs = 0;
		r->rss_kb = r->anon_kb = r->swap_kb = 0;
		r->have_pick = false;
	}
	for (size_t i = 0; i < pt->n; i++) {
		const struct proc_sample *s = pt->v[i].s;
		struct cgroup_row *r = last;

		if (!s->cgroup[0])
			continue;
		// Neighbours in pid order often share a cgroup: one strcmp then.
		if (!r || strcmp(r->path, s->cgroup) != 0) {
			size_t before = t->n;

			if (!(r = row_for(t, s->cgroup, now))) {
				rc = -ENOMEM;
				last = NULL;
				continue;
			}
			if (t->n != before)
				last = NULL;   // rows moved: the shortcut's pointer is stale
		}
		r->nprocs++;
		r->rss_kb += s->rss_kb;
		r->anon_kb += s->anon_kb;
		r->swap_kb += s->have_detail ? s->swap_kb : 0;
		pick_consider(r, s, total_kb);
		last = r;
	}
	return rc;
}

// Drops the rows no process holds any more.
static void drop_empty(struct cgtable *t)
{
	size_t m = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].nprocs == 0)
			row_free(&t->v[i]);
		else
			t->v[m++] = t->v[i];
	}
	t->n = m;
}

// A suspected cgroup's time until it fills what it may use: its limit, or
// the machine's available memory when that is nearer.
static double row_eta(const struct cgroup_row *r, const struct sys_sample *sys)
{
	double headroom = -1;

	if (!r->verdict.suspected || !r->verdict.have_rate || r->verdict.rate_kb_per_min <= 0)
		return -1;
	if (r->have_limit && !r->unlimited && r->have_usage)
		headroom = r->limit_kb > r->usage_kb ? (double)(r->limit_kb - r->usage_kb) : 0;
	if (sys->have_meminfo && (headroom < 0 || (double)sys->available_kb < headroom))
		headroom = (double)sys->available_kb;
	return headroom < 0 ? -1 : leak_time_to_fill(headroom, r->verdict.rate_kb_per_min);
}

// Takes one reading: the cgroup's own values, then one sample of its
// leak signal into its detector.
static int apply_reading(struct cgtable *t, struct cgroup_row *r, const struct cgroup_reading *g,
			 const struct sys_sample *sys)
{
	double now = sys->mono_time;
	uint64_t sig;

	r->read_t = now;
	r->have_usage = g->have_usage;
	r->have_limit = g->have_limit;
	r->unlimited = g->unlimited;
	r->usage_kb = g->usage_kb;
	r->limit_kb = g->limit_kb;
	r->have_own_anon = g->have_anon;
	r->own_anon_kb = g->anon_kb;
	r->have_pressure = g->have_pressure;
	r->pressure = g->pressure;
	r->have_oom_kill = g->have_oom_kill;
	r->oom_kill = g->oom_kill;
	r->own_signal = g->have_anon;
	sig = g->have_anon ? g->anon_kb : r->anon_kb + r->swap_kb;
	if (!r->leak) {
		if (!(r->leak = malloc(sizeof *r->leak)))
			return -ENOMEM;
		leak_init(r->leak, now, t->sensitivity);
		r->have_delta = false;
	} else {
		r->delta_kb = (int64_t)sig - (int64_t)r->sig_kb;
		r->have_delta = true;
	}
	r->sig_kb = sig;
	leak_push(r->leak, now, sig);
	r->verdict = r->leak->verdict;
	r->eta_s = row_eta(r, sys);
	return 0;
}

void cgtable_adopt(struct cgtable *t, struct cgroup_row *r, struct leak_state *seeded, double first_t,
		   const struct sys_sample *sys)
{
	(void)t;
	if (first_t < r->first_seen)
		r->first_seen = first_t;
	free(r->leak);
	r->leak = seeded;
	if (r->read_t == sys->mono_time)
		leak_push(r->leak, r->read_t, r->sig_kb);
	r->verdict = r->leak->verdict;
	r->eta_s = row_eta(r, sys);
}

int cgtable_update(struct cgtable *t, const struct snapshot *snap, const struct proctable *pt)
{
	int rc = count_processes(t, pt, snap->sys.mono_time, snap->sys.total_kb);

	drop_empty(t);
	if (!snap->cgroups_read)
		return rc;
	for (size_t i = 0; i < snap->ncgroups; i++) {
		const struct cgroup_reading *g = &snap->cgroups[i];
		struct cgroup_row *r = (struct cgroup_row *)cgtable_find(t, g->path);

		if (r && !g->gone && apply_reading(t, r, g, &snap->sys) < 0)
			rc = -ENOMEM;
	}
	return rc;
}

size_t cgtable_suspects(const struct cgtable *t, const char **paths, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].verdict.suspected) {
			if (n < max)
				paths[n] = t->v[i].path;
			n++;
		}
	return n;
}

/* ---- sorting ---- */

static const char *const key_names[CG_SORT_KEY_COUNT] = {
	[CG_SORT_USAGE] = "usage", [CG_SORT_ANON] = "anon", [CG_SORT_PROCS] = "procs",
	[CG_SORT_GROWTH] = "growth", [CG_SORT_LEAK] = "leak", [CG_SORT_LIMIT] = "limit",
	[CG_SORT_PRESSURE] = "pressure", [CG_SORT_NAME] = "name",
};

const char *cg_sort_key_name(enum cg_sort_key key)
{
	return (unsigned)key < CG_SORT_KEY_COUNT ? key_names[key] : "?";
}

bool cg_sort_key_descending(enum cg_sort_key key)
{
	return key != CG_SORT_NAME;
}

int cg_sort_key_parse(const char *name)
{
	for (int k = 0; k < CG_SORT_KEY_COUNT; k++)
		if (strcmp(name, key_names[k]) == 0)
			return k;
	return -1;
}

// A row's sort key as one integer: unknown values sort below every known
// one (-1), so that they go last largest first.
static int64_t sort_value(const struct cgroup_row *r, enum cg_sort_key key)
{
	switch (key) {
	case CG_SORT_USAGE:
		return r->have_usage ? (int64_t)r->usage_kb : -1;
	case CG_SORT_ANON:
		return (int64_t)r->anon_kb;
	case CG_SORT_PROCS:
		return (int64_t)r->nprocs;
	case CG_SORT_GROWTH:
		return r->verdict.have_rate ? llround(r->verdict.rate_kb_per_min * 1000) : INT64_MIN;
	case CG_SORT_LEAK:
		return llround(r->verdict.score * 1e6) + (r->verdict.suspected ? INT64_C(1) << 40 : 0);
	case CG_SORT_LIMIT:
		return !r->have_limit ? -1 : r->unlimited ? INT64_MAX : (int64_t)r->limit_kb;
	case CG_SORT_PRESSURE:
		return r->have_pressure ? llround(r->pressure.some.avg10 * 100) : -1;
	case CG_SORT_NAME:
	case CG_SORT_KEY_COUNT:
		break;
	}
	return 0;
}

struct sort_spec {
	enum cg_sort_key key;
	bool descending;
};

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct cgroup_row *x = *(const struct cgroup_row *const *)a;
	const struct cgroup_row *y = *(const struct cgroup_row *const *)b;
	const struct sort_spec *spec = arg;
	int c;

	if (spec->key == CG_SORT_NAME)
		c = strcmp(x->label, y->label);
	else
		c = (x->sort_value > y->sort_value) - (x->sort_value < y->sort_value);
	if (spec->descending)
		c = -c;
	return c ? c : strcmp(x->path, y->path);
}

void cgtable_sort(struct cgtable *t, enum cg_sort_key key, bool descending)
{
	for (size_t i = 0; i < t->n; i++) {
		t->v[i].sort_value = sort_value(&t->v[i], key);
		t->order[i] = &t->v[i];
	}
	struct sort_spec spec = { key, descending };

	qsort_r(t->order, t->n, sizeof *t->order, cmp_rows, &spec);
}

void cgtable_free(struct cgtable *t)
{
	for (size_t i = 0; i < t->n; i++)
		row_free(&t->v[i]);
	free(t->v);
	free(t->order);
	*t = (struct cgtable){ .sensitivity = t->sensitivity };
}
