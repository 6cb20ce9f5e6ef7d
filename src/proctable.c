/* proctable.c — per-process model keyed by (pid, start time); pure code. */
#include "proctable.h"

#include <errno.h>
#include <stdlib.h>

// Grows the entry and order arrays to hold want entries.
static int proctable_reserve(struct proctable *t, size_t want)
{
	size_t cap = t->cap ? t->cap : 256;
	void *p;

	if (want <= t->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	if (!(p = realloc(t->v, cap * sizeof *t->v)))
		return -ENOMEM;
	t->v = p;
	if (!(p = realloc(t->spare, cap * sizeof *t->spare)))
		return -ENOMEM;
	t->spare = p;
	if (!(p = realloc(t->order, cap * sizeof *t->order)))
		return -ENOMEM;
	t->order = p;
	t->cap = cap;
	return 0;
}

// Starts the record of a process seen for the first time.
static void proc_start(struct proc *p, const struct proc_sample *s)
{
	*p = (struct proc){ .s = s, .pid = s->pid, .start_ticks = s->start_ticks, .ticks = 1 };
	p->last_rss_kb = s->rss_kb;
	p->last_anon_kb = s->anon_kb;
}

// Moves a known process on by one sample.
static void proc_advance(struct proc *p, const struct proc_sample *s)
{
	p->s = s;
	p->ticks++;
	p->have_delta = true;
	p->delta_rss_kb = (int64_t)s->rss_kb - (int64_t)p->last_rss_kb;
	p->delta_anon_kb = (int64_t)s->anon_kb - (int64_t)p->last_anon_kb;
	p->last_rss_kb = s->rss_kb;
	p->last_anon_kb = s->anon_kb;
}

int proctable_update(struct proctable *t, const struct snapshot *snap)
{
	size_t i = 0, n = 0;
	struct proc *swap;

	if (proctable_reserve(t, snap->nprocs) < 0)
		return -ENOMEM;
	for (size_t k = 0; k < snap->nprocs; k++) {
		const struct proc_sample *s = snap->procs[k];

		while (i < t->n && t->v[i].pid < s->pid)
			i++;                                    // exited: dropped
		if (i < t->n && t->v[i].pid == s->pid && t->v[i].start_ticks == s->start_ticks) {
			t->spare[n] = t->v[i++];
			proc_advance(&t->spare[n], s);
		} else {
			proc_start(&t->spare[n], s);            // new, or a reused pid
		}
		n++;
	}
	swap = t->v;
	t->v = t->spare;
	t->spare = swap;
	t->n = n;
	for (size_t k = 0; k < n; k++)
		t->order[k] = &t->v[k];
	return 0;
}

// The value a process is ordered by, for each sort key.
static int64_t sort_value(const struct proc *p, enum sort_key key)
{
	switch (key) {
	case SORT_RSS: return (int64_t)p->s->rss_kb;
	case SORT_ANON: return (int64_t)p->s->anon_kb;
	case SORT_OOM: return p->s->oom_score;
	case SORT_PID: return p->pid;
	}
	return 0;
}

struct sort_spec {
	enum sort_key key;
	int sign;              // -1 for descending
};

static int cmp_proc(const void *a, const void *b, void *ctx)
{
	const struct sort_spec *spec = ctx;
	const struct proc *x = *(struct proc *const *)a, *y = *(struct proc *const *)b;
	int64_t vx = sort_value(x, spec->key), vy = sort_value(y, spec->key);

	if (vx != vy)
		return vx < vy ? -spec->sign : spec->sign;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

void proctable_sort(struct proctable *t, enum sort_key key, bool descending)
{
	struct sort_spec spec = { key, descending ? -1 : 1 };

	qsort_r(t->order, t->n, sizeof *t->order, cmp_proc, &spec);
}

static int cmp_find(const void *key, const void *elem)
{
	int pid = *(const int *)key, other = ((const struct proc *)elem)->pid;

	return (pid > other) - (pid < other);
}

struct proc *proctable_find(const struct proctable *t, int pid)
{
	return t->n ? bsearch(&pid, t->v, t->n, sizeof *t->v, cmp_find) : NULL;
}

void proctable_free(struct proctable *t)
{
	free(t->v);
	free(t->spare);
	free(t->order);
	*t = (struct proctable){ 0 };
}
