/* oomlog.c — the OOM kills seen, in a bounded ring, with memtop's
 * prediction for each; pure. */
#include "model/oomlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cgname.h"

const char *oomlog_scope_name(enum oom_scope scope)
{
	switch (scope) {
	case OOM_SCOPE_GLOBAL: return "global";
	case OOM_SCOPE_MEMCG: return "memcg";
	case OOM_SCOPE_CPUSET: return "cpuset";
	case OOM_SCOPE_MEMPOLICY: return "mempolicy";
	case OOM_SCOPE_UNKNOWN: break;
	}
	return "unknown";
}

// Whether cgroup path lies in (or is) the cgroup under.
static bool path_within(const char *path, const char *under)
{
	size_t n = strlen(under);

	if (strcmp(under, "/") == 0)
		return path[0] == '/';
	return strncmp(path, under, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

// The pick of the memory cgroup that hit its limit: the highest badness of
// the cgroups in it or below it (the kernel looks at the whole subtree).
static void predict_memcg(struct oom_prediction *p, const char *memcg, const struct oomlog_picks *ps)
{
	const struct oomlog_cgpick *best = NULL;

	for (size_t i = 0; memcg[0] && i < ps->n; i++) {
		const struct oomlog_cgpick *c = &ps->v[i];

		if (path_within(c->path, memcg) && (!best || c->badness > best->badness))
			best = c;
	}
	if (!best)
		return;
	p->valid = true;
	p->pid = best->pid;
	snprintf(p->comm, sizeof p->comm, "%s", best->comm);
}

// The picks of the last tick sampled before kill k: the last tick's, or,
// when the kill came before its sample (whose scan may have missed the
// victim already), the tick's before. NULL: none kept.
static const struct oomlog_picks *picks_before(const struct oomlog *l, const struct oom_kill *k)
{
	const struct oomlog_picks *last = &l->picks[l->last], *prev = &l->picks[!l->last];

	if (!last->valid)
		return NULL;
	if (k->mono_time > 0 && k->mono_time < last->t && prev->valid)
		return prev;
	return last;
}

// What memtop predicted for kill k before it.
static void predict(const struct oomlog *l, struct oom_prediction *p, const struct oom_kill *k)
{
	const struct oomlog_picks *ps = picks_before(l, k);

	*p = (struct oom_prediction){ 0 };
	if (!k->since_start || !ps)
		return;                   // memtop was not looking (backlog, first tick)
	switch (k->scope) {
	case OOM_SCOPE_MEMCG:
		predict_memcg(p, k->oom_memcg, ps);
		break;
	case OOM_SCOPE_GLOBAL:
	case OOM_SCOPE_UNKNOWN:           // no constraint line: most likely global
		if (ps->have_global) {
			p->valid = true;
			p->pid = ps->global_pid;
			snprintf(p->comm, sizeof p->comm, "%s", ps->global_comm);
		}
		break;
	case OOM_SCOPE_CPUSET:
	case OOM_SCOPE_MEMPOLICY:
		break;                    // not modelled
	}
	p->right = p->valid && p->pid == k->pid;
}

// Keeps this tick's picks in the older slot, which becomes the last.
static void keep_picks(struct oomlog *l, double t, const struct cgtable *cg, const struct sysmodel *sys)
{
	struct oomlog_picks *ps = &l->picks[!l->last];
	size_t n = 0;

	l->last = !l->last;
	ps->valid = sys != NULL;
	ps->t = t;
	ps->have_global = sys && sys->oom.valid;
	ps->global_pid = ps->have_global ? sys->oom.pid : 0;
	snprintf(ps->global_comm, sizeof ps->global_comm, "%s", ps->have_global ? sys->oom.comm : "");
	for (size_t i = 0; cg && i < cg->n; i++) {
		const struct cgroup_row *r = &cg->v[i];
		struct oomlog_cgpick *c;

		if (!r->have_pick)
			continue;
		if (n == ps->cap) {
			size_t cap = ps->cap ? 2 * ps->cap : 16;
			struct oomlog_cgpick *v = realloc(ps->v, cap * sizeof *v);

			if (!v)
				break;
			memset(v + ps->cap, 0, (cap - ps->cap) * sizeof *v);
			ps->v = v;
			ps->cap = cap;
		}
		c = &ps->v[n];
		if (!c->path || strcmp(c->path, r->path) != 0) {
			free(c->path);
			if (!(c->path = strdup(r->path)))
				break;
		}
		c->pid = r->pick_pid;
		c->badness = r->pick_badness;
		snprintf(c->comm, sizeof c->comm, "%s", r->pick_comm);
		n++;
	}
	ps->n = n;
}

// The kill's scope as a label: "global", the cgroup's label (cgname), or
// the scope's name.
static void scope_label(const struct oom_kill *k, char *out, size_t cap)
{
	if (k->scope == OOM_SCOPE_MEMCG && k->oom_memcg[0])
		cgname_describe(k->oom_memcg, out, cap);
	else
		snprintf(out, cap, "%s", oomlog_scope_name(k->scope));
}

// Whether kill k is kept already: a recording's source hands a kill up
// again after a move in it (the same record: sequence number, time, pid).
static bool kept(const struct oomlog *l, const struct oom_kill *k)
{
	for (size_t i = 0; i < l->count; i++) {
		const struct oom_kill *o = &oomlog_get(l, i)->kill;

		if (o->seq == k->seq && o->pid == k->pid && o->wall_time == k->wall_time)
			return true;
	}
	return false;
}

// Adds one kill; its slot is the oldest's when the ring is full.
static void push(struct oomlog *l, const struct oom_kill *k)
{
	struct oomlog_entry *e;

	if (kept(l, k))
		return;
	l->serial++;
	if (k->since_start)
		l->since_start++;
	if (!l->ring && !(l->ring = malloc(OOMLOG_MAX * sizeof *l->ring))) {
		l->dropped++;
		return;
	}
	if (l->count < OOMLOG_MAX) {
		e = &l->ring[(l->head + l->count) % OOMLOG_MAX];
		l->count++;
	} else {
		e = &l->ring[l->head];
		l->head = (l->head + 1) % OOMLOG_MAX;
		l->dropped++;
	}
	e->serial = l->serial;
	e->kill = *k;
	scope_label(k, e->scope_label, sizeof e->scope_label);
	predict(l, &e->predicted, k);
	if (e->predicted.valid) {
		l->predicted++;
		l->predicted_right += e->predicted.right;
	}
}

size_t oomlog_update(struct oomlog *l, const struct snapshot *snap, const struct cgtable *cg,
		     const struct sysmodel *sys)
{
	const struct sys_sample *s = &snap->sys;

	l->new_from = l->serial;
	l->log_err = s->oom_log_err;
	l->log_lost = s->oom_log_lost;
	l->log_dropped = s->oom_log_dropped;
	l->have_counter = s->have_oom_kill;
	if (s->have_oom_kill) {
		l->counter = s->oom_kill;
		if (!l->have_start) {
			l->counter_at_start = s->oom_kill;
			l->have_start = true;
		}
	}
	for (size_t i = 0; s->oom_log_err == 0 && i < snap->noom_kills; i++)
		push(l, &snap->oom_kills[i]);
	keep_picks(l, s->mono_time, cg, sys);
	return (size_t)(l->serial - l->new_from);
}

const struct oomlog_entry *oomlog_get(const struct oomlog *l, size_t i)
{
	if (i >= l->count)
		return NULL;
	return &l->ring[(l->head + l->count - 1 - i) % OOMLOG_MAX];
}

uint64_t oomlog_counter_since_start(const struct oomlog *l)
{
	if (!l->have_counter || !l->have_start || l->counter < l->counter_at_start)
		return 0;
	return l->counter - l->counter_at_start;
}

const char *oomlog_state(const struct oomlog *l)
{
	switch (l->log_err) {
	case 0: return "read";
	case -EPERM:
	case -EACCES: return "needs root";
	case -ENOTSUP: return "not read";
	default: return strerror(-l->log_err);
	}
}

void oomlog_free(struct oomlog *l)
{
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < l->picks[k].cap; i++)
			free(l->picks[k].v[i].path);
		free(l->picks[k].v);
	}
	free(l->ring);
	*l = (struct oomlog){ 0 };
}
