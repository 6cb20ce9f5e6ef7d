/* report.c — the report's collector: the period's machine, processes and
 * cgroups, sample by sample, in bounded memory (report.h says how). */
#include "output/report_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/proctable.h"
#include "proc/psi.h"

// ---- series -------------------------------------------------------------

int rseries_reserve(struct rseries *s, uint32_t cap)
{
	struct rbucket *b;

	if (s->cap >= cap)
		return 0;
	if (!(b = realloc(s->b, cap * sizeof *b)))
		return -ENOMEM;
	s->b = b;
	s->cap = cap;
	s->width = 1;
	return 0;
}

static void rbucket_merge(struct rbucket *into, const struct rbucket *b)
{
	if (b->v_min < into->v_min) {
		into->v_min = b->v_min;
		into->t_min = b->t_min;
	}
	if (b->v_max >= into->v_max) {
		into->v_max = b->v_max;
		into->t_max = b->t_max;
	}
	into->n += b->n;
}

void rseries_push(struct rseries *s, double t, double v)
{
	struct rbucket *last = s->n ? &s->b[s->n - 1] : NULL;

	if (last && last->n < s->width) {
		rbucket_merge(last, &(struct rbucket){ .t_min = t, .t_max = t, .v_min = v, .v_max = v, .n = 1 });
		return;
	}
	if (s->n == s->cap) {
		uint32_t k = 0;

		// Full: neighbours merge in pairs, and new buckets hold twice
		// as many samples.
		for (uint32_t i = 0; i < s->n; i += 2) {
			s->b[k] = s->b[i];
			if (i + 1 < s->n)
				rbucket_merge(&s->b[k], &s->b[i + 1]);
			k++;
		}
		s->n = k;
		s->width *= 2;
		if (s->b[k - 1].n < s->width) {
			rseries_push(s, t, v);
			return;
		}
	}
	s->b[s->n++] = (struct rbucket){ .t_min = t, .t_max = t, .v_min = v, .v_max = v, .n = 1 };
}

size_t rseries_points(const struct rseries *s, double *t, double *v, size_t cap)
{
	size_t k = 0;

	for (uint32_t i = 0; i < s->n && k + 2 <= cap; i++) {
		const struct rbucket *b = &s->b[i];
		bool min_first = b->t_min <= b->t_max;

		t[k] = min_first ? b->t_min : b->t_max;
		v[k++] = min_first ? b->v_min : b->v_max;
		if (b->t_min != b->t_max || b->v_min != b->v_max) {
			t[k] = min_first ? b->t_max : b->t_min;
			v[k++] = min_first ? b->v_max : b->v_min;
		}
	}
	return k;
}

void rseries_free(struct rseries *s)
{
	free(s->b);
	*s = (struct rseries){ 0 };
}

// ---- the report -----------------------------------------------------------

struct report *report_new(const struct report_config *cfg)
{
	struct report *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->cfg = *cfg;
	if (!r->cfg.top_n)
		r->cfg.top_n = REPORT_TOP_DEFAULT;
	r->source_name = strdup(cfg->source_name ? cfg->source_name : "");
	r->top = calloc(r->cfg.top_n, sizeof *r->top);
	if (!r->source_name || !r->top ||
	    rseries_reserve(&r->avail, REPORT_SERIES_MAX) < 0 ||
	    rseries_reserve(&r->psi_some, REPORT_SERIES_MAX) < 0 ||
	    rseries_reserve(&r->psi_full, REPORT_SERIES_MAX) < 0) {
		report_free(r);
		return NULL;
	}
	r->cfg.source_name = r->source_name;
	return r;
}

static void rproc_free(struct rproc *p)
{
	if (!p)
		return;
	free(p->comm);
	free(p->cmdline);
	free(p->user);
	free(p->cgroup);
	rseries_free(&p->anon);
	free(p);
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nlive; i++)
		rproc_free(r->live[i]);
	for (size_t i = 0; i < r->nkept; i++)
		rproc_free(r->kept[i]);
	for (size_t i = 0; i < r->ntop; i++)
		rproc_free(r->top[i]);
	for (size_t i = 0; i < r->ncg; i++) {
		free(r->cg[i]->path);
		rseries_free(&r->cg[i]->usage);
		free(r->cg[i]);
	}
	free(r->live);
	free(r->next);
	free(r->kept);
	free(r->top);
	free(r->cg);
	free(r->victims);
	rseries_free(&r->avail);
	rseries_free(&r->psi_some);
	rseries_free(&r->psi_full);
	free(r->source_name);
	free(r);
}

size_t report_samples(const struct report *r)
{
	return r->samples;
}

bool report_has_leak(const struct report *r)
{
	return r->nsuspects + r->suspects_dropped + r->cg_suspects > 0;
}

int64_t rproc_growth(const struct rproc *p)
{
	return (int64_t)p->last_anon - (int64_t)p->first_anon;
}

// ---- the machine ------------------------------------------------------------

// Available memory: its lowest point and its series.
static void tick_memory(struct report *r, const struct sys_sample *sys)
{
	if (!sys->have_meminfo)
		return;
	if (!r->have_mem || sys->available_kb < r->avail_min_kb) {
		r->avail_min_kb = sys->available_kb;
		r->avail_min_t = sys->wall_time;
	}
	if (!r->have_mem)
		r->avail_first_kb = sys->available_kb;
	r->have_mem = true;
	r->avail_last_kb = sys->available_kb;
	r->total_kb = sys->total_kb;
	rseries_push(&r->avail, sys->wall_time, (double)sys->available_kb);
}

static void event_add(struct revent *v, size_t *n, size_t *total, double t, uint64_t count)
{
	if (*n < REPORT_EVENTS_MAX)
		v[(*n)++] = (struct revent){ t, count };
	(*total)++;
}

// Pressure: an episode runs while either line is at or above the screen's
// warning level (psi_level_some, psi_level_full), and ends at the first
// sample below both.
static void tick_pressure(struct report *r, const struct sys_sample *sys)
{
	const struct psi *p = &sys->psi;
	enum psi_level some, full;
	double t = sys->wall_time;

	if (!sys->have_psi || !p->some.valid)
		return;
	some = psi_level_some(&p->some);
	full = psi_level_full(&p->full);
	r->psi_samples++;
	rseries_push(&r->psi_some, t, p->some.avg10);
	rseries_push(&r->psi_full, t, p->full.valid ? p->full.avg10 : 0);
	if (some == PSI_OK && full == PSI_OK) {
		if (r->in_episode) {
			r->cur.end_t = t;
			if (r->nepisodes < REPORT_EVENTS_MAX)
				r->episodes[r->nepisodes++] = r->cur;
			r->episodes_total++;
			r->in_episode = false;
		}
		return;
	}
	if (!r->in_episode) {
		r->cur = (struct repisode){ .start_t = t, .from_start = r->psi_samples == 1, .peak_t = t };
		r->in_episode = true;
	}
	// The peak: the sample furthest over its level, of either line.
	double over = fmax(p->some.avg10 / REPORT_PSI_SOME_WARN,
			   p->full.valid ? p->full.avg10 / REPORT_PSI_FULL_WARN : 0);
	double best = fmax(r->cur.peak_some / REPORT_PSI_SOME_WARN, r->cur.peak_full / REPORT_PSI_FULL_WARN);

	if (over > best)
		r->cur.peak_t = t;
	r->cur.peak_some = fmax(r->cur.peak_some, p->some.avg10);
	if (p->full.valid)
		r->cur.peak_full = fmax(r->cur.peak_full, p->full.avg10);
	r->cur.critical |= some == PSI_CRIT || full == PSI_CRIT;
	r->cur.end_t = t;
}

// OOM kills: the counter's steps between samples; a counter that went back
// is a reboot.
static void tick_oom(struct report *r, const struct sys_sample *sys)
{
	if (!sys->have_oom_kill)
		return;
	r->oom_samples++;
	if (r->have_last_oom && sys->oom_kill > r->last_oom) {
		r->kills_total += sys->oom_kill - r->last_oom;
		event_add(r->kills, &r->nkills, &r->kill_steps, sys->wall_time, sys->oom_kill - r->last_oom);
	} else if (r->have_last_oom && sys->oom_kill < r->last_oom) {
		event_add(r->reboots, &r->nreboots, &r->reboots_total, sys->wall_time, 0);
	}
	r->have_last_oom = true;
	r->last_oom = sys->oom_kill;
}

// Whether the report holds this kill already (a source hands a kill up
// again after a move that is not a step).
static bool victim_known(const struct report *r, const struct oom_kill *k)
{
	for (size_t i = r->nvictims; i-- > 0;)
		if (r->victims[i].seq == k->seq && fabs(r->victims[i].boot_s - k->boot_s) < 0.5)
			return true;
	return false;
}

// The OOM kills the kernel log reported, handed up with this sample: each
// in the period once.
static int tick_victims(struct report *r, const struct snapshot *snap)
{
	int err = snap->sys.oom_log_err;

	r->log_samples += err == 0;
	r->log_denied += err == -EPERM || err == -EACCES;
	for (size_t i = 0; err == 0 && i < snap->noom_kills; i++) {
		const struct oom_kill *k = &snap->oom_kills[i];

		if (k->wall_time < r->cfg.since || k->wall_time > r->cfg.until || victim_known(r, k))
			continue;
		r->victims_total++;
		if (r->nvictims == REPORT_EVENTS_MAX)
			continue;
		if (r->nvictims == r->cap_victims) {
			size_t cap = r->cap_victims ? 2 * r->cap_victims : 8;
			struct rvictim *v = realloc(r->victims, cap * sizeof *v);

			if (!v)
				return -ENOMEM;
			r->victims = v;
			r->cap_victims = cap;
		}
		struct rvictim *v = &r->victims[r->nvictims++];

		*v = (struct rvictim){
			.t = k->wall_time, .seq = k->seq, .boot_s = k->boot_s, .since_start = k->since_start,
			.pid = k->pid, .uid = k->uid, .scope = k->scope, .have_adj = k->have_oom_score_adj,
			.have_trigger = k->have_trigger, .have_memcg_usage = k->have_memcg_usage,
			.oom_score_adj = k->oom_score_adj, .total_vm_kb = k->total_vm_kb,
			.anon_rss_kb = k->anon_rss_kb, .file_rss_kb = k->file_rss_kb,
			.shmem_rss_kb = k->shmem_rss_kb, .memcg_usage_kb = k->memcg_usage_kb,
			.memcg_limit_kb = k->memcg_limit_kb,
		};
		snprintf(v->comm, sizeof v->comm, "%s", k->comm);
		snprintf(v->trigger_comm, sizeof v->trigger_comm, "%s", k->trigger_comm);
		snprintf(v->constraint, sizeof v->constraint, "%s", k->constraint);
		snprintf(v->oom_memcg, sizeof v->oom_memcg, "%s", k->oom_memcg);
		snprintf(v->task_memcg, sizeof v->task_memcg, "%s", k->task_memcg);
	}
	return 0;
}

size_t report_episodes(const struct report *r, struct repisode *out)
{
	size_t n = r->nepisodes;

	memcpy(out, r->episodes, n * sizeof *out);
	if (r->in_episode) {
		out[n] = r->cur;
		out[n++].ongoing = true;
	}
	return n;
}

// ---- processes --------------------------------------------------------------

static int dup_into(char **dst, const char *s)
{
	char *c = strdup(s ? s : "");

	if (!c)
		return -ENOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

// Copies a sample's names when they are new: a source gives changed names a
// new allocation (the recorder relies on it too), so an unmoved comm pointer
// with the same comm means unchanged names (the comm is compared too: a
// few bytes, against a source that rewrites a buffer in place); a moved
// one is compared in full before copying.
static int rproc_names(struct rproc *p, const struct proc_sample *s, bool no_cmdline)
{
	if (p->names_seen == s->comm && strcmp(p->comm, s->comm) == 0)
		return 0;
	if (!p->comm || strcmp(p->comm, s->comm) != 0 || strcmp(p->user, s->user) != 0 ||
	    strcmp(p->cgroup, s->cgroup) != 0 || (!no_cmdline && strcmp(p->cmdline, s->cmdline) != 0)) {
		if (dup_into(&p->comm, s->comm) < 0 || dup_into(&p->user, s->user) < 0 ||
		    dup_into(&p->cgroup, s->cgroup) < 0 || (!no_cmdline && dup_into(&p->cmdline, s->cmdline) < 0))
			return -ENOMEM;
		p->cmdline_cut = s->cmdline_cut;
	}
	p->names_seen = s->comm;
	return 0;
}

static struct rproc *rproc_new(const struct proc *mp, double t, bool no_cmdline)
{
	struct rproc *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	*p = (struct rproc){ .pid = mp->pid, .start_ticks = mp->start_ticks, .exec_gen = mp->exec_gen,
			     .first_t = t, .last_t = t, .first_anon = mp->s->anon_kb,
			     .last_anon = mp->s->anon_kb };
	if (rproc_names(p, mp->s, no_cmdline) < 0) {
		rproc_free(p);
		return NULL;
	}
	return p;
}

// Starts a series of what is known so far: the first value, and the last
// one when it differs in time (a flat stretch, not a slope, up to it).
static int rseries_start(struct rseries *s, uint32_t cap, double t0, double v0, double t1, double v1)
{
	if (rseries_reserve(s, cap) < 0)
		return -ENOMEM;
	rseries_push(s, t0, v0);
	if (t1 > t0)
		rseries_push(s, t1, v1);
	return 0;
}

// The verdict of this sample into a suspect's flag record. Returns true when
// it is flagged for the first time.
static bool rflag_update(struct rflag *f, const struct leak_verdict *v, double t)
{
	bool first = !f->suspect;

	if (!v->suspected)
		return false;
	if (first)
		f->first_t = t;
	f->suspect = true;
	f->last_t = t;
	f->ticks++;
	f->verdict = *v;
	f->max_score = fmax(f->max_score, v->score);
	return first;
}

// A suspect's series gets fine from its flag on: the coarse pre-roll (its
// growth before) stays in front. Returns 0 or -ENOMEM.
static int promote(struct rseries *s, double first_t, double first_v, double last_t, double last_v)
{
	if (!s->b)
		return rseries_start(s, REPORT_SERIES_MAX, first_t, first_v, last_t, last_v);
	return rseries_reserve(s, REPORT_SERIES_MAX);
}

// This sample of a process the report follows.
static int rproc_update(struct report *r, struct rproc *p, const struct proc *mp, double t)
{
	uint64_t anon = mp->s->anon_kb;
	int rc = rproc_names(p, mp->s, r->cfg.no_cmdline);
	bool flag = mp->verdict.suspected;

	if (anon != p->last_anon && !p->anon.b &&
	    rseries_start(&p->anon, REPORT_PREROLL, p->first_t, (double)p->first_anon, p->last_t,
			  (double)p->last_anon) < 0)
		rc = -ENOMEM;
	if (flag && !p->flag.suspect) {
		if (r->nsuspects >= REPORT_SUSPECTS_MAX) {
			r->suspects_dropped++;      // counted, not kept
			flag = false;
		} else {
			r->nsuspects++;
			if (promote(&p->anon, p->first_t, (double)p->first_anon, p->last_t,
				    (double)p->last_anon) < 0)
				rc = -ENOMEM;
		}
	}
	if (flag)
		rflag_update(&p->flag, &mp->verdict, t);
	if (p->anon.b)
		rseries_push(&p->anon, t, (double)anon);
	p->last_t = t;
	p->last_anon = anon;
	return rc;
}

// A process gone (or the period's end for it): kept when a suspect or one of
// the largest growers among the ended ones; freed otherwise.
static int rproc_end(struct report *r, struct rproc *p)
{
	int64_t g = rproc_growth(p);

	p->ended = true;
	if (p->flag.suspect) {
		if (r->nkept == r->cap_kept) {
			size_t cap = r->cap_kept ? 2 * r->cap_kept : 16;
			struct rproc **v = realloc(r->kept, cap * sizeof *v);

			if (!v) {
				rproc_free(p);
				return -ENOMEM;
			}
			r->kept = v;
			r->cap_kept = cap;
		}
		r->kept[r->nkept++] = p;
		return 0;
	}
	// top[] is sorted by growth, largest first.
	size_t i;

	if (g <= 0 || (r->ntop == r->cfg.top_n && g <= rproc_growth(r->top[r->ntop - 1]))) {
		rproc_free(p);
		return 0;
	}
	if (r->ntop == r->cfg.top_n)
		rproc_free(r->top[--r->ntop]);
	for (i = r->ntop; i > 0 && rproc_growth(r->top[i - 1]) < g; i--)
		r->top[i] = r->top[i - 1];
	r->top[i] = p;
	r->ntop++;
	return 0;
}

static int same_proc(const struct rproc *p, const struct proc *mp)
{
	return p->pid == mp->pid && p->start_ticks == mp->start_ticks && p->exec_gen == mp->exec_gen;
}

// Merges the monitor's table (sorted by pid) into the live records (sorted
// by pid): updates those still there, starts the new ones, ends the rest.
static int tick_processes(struct report *r, const struct proctable *t, double now)
{
	size_t i = 0, j = 0, k = 0;
	int rc = 0;

	if (t->n > r->cap_live) {
		size_t cap = t->n + t->n / 2 + 16;
		struct rproc **a = realloc(r->next, cap * sizeof *a);

		if (!a)
			return -ENOMEM;
		r->next = a;
		if (!(a = realloc(r->live, cap * sizeof *a)))
			return -ENOMEM;
		r->live = a;
		r->cap_live = cap;
	}
	while (i < r->nlive || j < t->n) {
		struct rproc *p = i < r->nlive ? r->live[i] : NULL;
		const struct proc *mp = j < t->n ? &t->v[j] : NULL;

		if (p && mp && same_proc(p, mp)) {
			if (rproc_update(r, p, mp, now) < 0)
				rc = -ENOMEM;
			r->next[k++] = p;
			i++, j++;
		} else if (p && (!mp || p->pid <= mp->pid)) {
			if (rproc_end(r, p) < 0)     // gone, or its pid names another now
				rc = -ENOMEM;
			i++;
		} else {
			struct rproc *q = rproc_new(mp, now, r->cfg.no_cmdline);

			if (q && rproc_update(r, q, mp, now) == 0)
				r->next[k++] = q;
			else {
				rproc_free(q);
				rc = -ENOMEM;
			}
			j++;
		}
	}
	struct rproc **swap = r->live;

	r->live = r->next;
	r->next = swap;
	r->nlive = k;
	return rc;
}

int report_tick(struct report *r, const struct monitor *m)
{
	const struct sys_sample *sys = &m->snap.sys;
	double t = sys->wall_time;
	struct source_timeline tl;

	if (!m->have_snap || t < r->cfg.since || t > r->cfg.until)
		return 0;
	if (r->samples == 0 && monitor_timeline(m, &tl))
		snprintf(r->host, sizeof r->host, "%s", tl.host);
	if (r->samples == 0)
		r->first_t = t;
	r->samples++;
	r->last_t = t;
	tick_memory(r, sys);
	tick_pressure(r, sys);
	tick_oom(r, sys);
	if (tick_victims(r, &m->snap) < 0)
		return -ENOMEM;
	return tick_processes(r, &m->table, t);
}

// ---- cgroups ---------------------------------------------------------------

// The cgroup record for path (created, in path order); NULL when out of
// memory or at REPORT_CGROUPS_MAX (counted).
static struct rcgroup *cgroup_find(struct report *r, const char *path)
{
	size_t lo = 0, hi = r->ncg;
	struct rcgroup *c;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = strcmp(r->cg[mid]->path, path);

		if (cmp == 0)
			return r->cg[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (r->ncg >= REPORT_CGROUPS_MAX) {
		r->cgroups_dropped++;
		return NULL;
	}
	if (r->ncg == r->cap_cg) {
		size_t cap = r->cap_cg ? 2 * r->cap_cg : 16;
		struct rcgroup **v = realloc(r->cg, cap * sizeof *v);

		if (!v)
			return NULL;
		r->cg = v;
		r->cap_cg = cap;
	}
	if (!(c = calloc(1, sizeof *c)) || !(c->path = strdup(path))) {
		free(c);
		return NULL;
	}
	memmove(&r->cg[lo + 1], &r->cg[lo], (r->ncg - lo) * sizeof *r->cg);
	r->cg[lo] = c;
	r->ncg++;
	return c;
}

// One value of a cgroup: into its detector, and into the report when in
// the period.
static int cgroup_push(struct report *r, struct rcgroup *c, double wall_t, uint64_t usage_kb,
		       bool have_limit, uint64_t limit_kb)
{
	if (!c->started)
		leak_init(&c->leak, wall_t, r->cfg.sens);
	c->started = true;
	c->prev_t = wall_t;
	c->prev_kb = usage_kb;
	c->prev_have_limit = have_limit;
	c->prev_limit_kb = limit_kb;
	leak_push(&c->leak, wall_t, usage_kb);
	if (wall_t < r->cfg.since)
		return 0;                 // its past: the detector's only
	if (!c->in_period) {
		c->in_period = true;
		c->first_t = c->last_t = wall_t;
		c->first_kb = c->last_kb = usage_kb;
	}
	if (usage_kb != c->last_kb && !c->usage.b &&
	    rseries_start(&c->usage, REPORT_PREROLL, c->first_t, (double)c->first_kb, c->last_t,
			  (double)c->last_kb) < 0)
		return -ENOMEM;
	if (rflag_update(&c->flag, &c->leak.verdict, wall_t)) {
		r->cg_suspects++;
		if (promote(&c->usage, c->first_t, (double)c->first_kb, c->last_t, (double)c->last_kb) < 0)
			return -ENOMEM;
	}
	if (c->usage.b)
		rseries_push(&c->usage, wall_t, (double)usage_kb);
	c->last_t = wall_t;
	c->last_kb = usage_kb;
	c->have_limit = have_limit;
	c->limit_kb = have_limit ? limit_kb : 0;
	return 0;
}

// The previous value of c, again every step up to (not at) t: it held
// there, as the recording's reading rule says.
static int cgroup_carry(struct report *r, struct rcgroup *c, double t)
{
	double step = r->cfg.cgroup_step_s;
	int rc = 0;

	if (!c->started || step <= 0)
		return 0;
	for (double at = c->prev_t + step; rc == 0 && at < t - step / 2; at = c->prev_t + step)
		rc = cgroup_push(r, c, at, c->prev_kb, c->prev_have_limit, c->prev_limit_kb);
	return rc;
}

int report_cgroup_sample(struct report *r, const char *path, double wall_t, uint64_t usage_kb,
			 bool have_limit, uint64_t limit_kb)
{
	struct rcgroup *c;
	int rc;

	if (wall_t > r->cfg.until)
		return 0;
	if (!(c = cgroup_find(r, path)))
		return r->ncg >= REPORT_CGROUPS_MAX ? 0 : -ENOMEM;
	if ((rc = cgroup_carry(r, c, wall_t)) < 0)
		return rc;
	return cgroup_push(r, c, wall_t, usage_kb, have_limit, limit_kb);
}

int report_cgroups_end(struct report *r)
{
	double end = r->samples ? r->last_t : r->cfg.until;
	int rc = 0;

	if (!isfinite(end) || r->cfg.cgroup_step_s <= 0)
		return 0;
	for (size_t i = 0; i < r->ncg && rc == 0; i++) {
		struct rcgroup *c = r->cg[i];

		if ((rc = cgroup_carry(r, c, end)) == 0 && c->started && c->prev_t < end)
			rc = cgroup_push(r, c, end, c->prev_kb, c->prev_have_limit, c->prev_limit_kb);
	}
	return rc;
}

// ---- the lists the writers read -----------------------------------------------

// Most severe first: the highest verdict score, then the fastest rate.
static int by_severity(const struct rflag *a, const struct rflag *b)
{
	if (a->max_score != b->max_score)
		return a->max_score > b->max_score ? -1 : 1;
	if (a->verdict.rate_kb_per_min != b->verdict.rate_kb_per_min)
		return a->verdict.rate_kb_per_min > b->verdict.rate_kb_per_min ? -1 : 1;
	return 0;
}

static int cmp_suspect(const void *a, const void *b)
{
	const struct rproc *p = *(struct rproc *const *)a, *q = *(struct rproc *const *)b;
	int c = by_severity(&p->flag, &q->flag);

	return c ? c : (p->pid > q->pid) - (p->pid < q->pid);
}

static int cmp_growth(const void *a, const void *b)
{
	const struct rproc *p = *(struct rproc *const *)a, *q = *(struct rproc *const *)b;
	int64_t gp = rproc_growth(p), gq = rproc_growth(q);

	if (gp != gq)
		return gp > gq ? -1 : 1;
	return (p->pid > q->pid) - (p->pid < q->pid);
}

static int cmp_cgroup(const void *a, const void *b)
{
	const struct rcgroup *p = *(struct rcgroup *const *)a, *q = *(struct rcgroup *const *)b;
	int c = by_severity(&p->flag, &q->flag);

	return c ? c : strcmp(p->path, q->path);
}

// Every process record the report holds, filtered by keep, in one new array.
static struct rproc **gather(const struct report *r, bool (*keep)(const struct rproc *), size_t *n,
			     int *err)
{
	size_t cap = r->nlive + r->nkept + r->ntop, k = 0;
	struct rproc **v;
	struct rproc *const *lists[] = { r->live, r->kept, r->top };
	size_t counts[] = { r->nlive, r->nkept, r->ntop };

	*n = 0;
	*err = 0;
	if (cap == 0)
		return NULL;
	if (!(v = malloc(cap * sizeof *v))) {
		*err = -ENOMEM;
		return NULL;
	}
	for (size_t l = 0; l < 3; l++)
		for (size_t i = 0; i < counts[l]; i++)
			if (keep(lists[l][i]))
				v[k++] = lists[l][i];
	*n = k;
	return v;
}

static bool is_suspect(const struct rproc *p)
{
	return p->flag.suspect;
}

static bool grew(const struct rproc *p)
{
	return rproc_growth(p) > 0;
}

struct rproc **report_suspects(const struct report *r, size_t *n, int *err)
{
	struct rproc **v = gather(r, is_suspect, n, err);

	if (v)
		qsort(v, *n, sizeof *v, cmp_suspect);
	return v;
}

struct rproc **report_top(const struct report *r, size_t *n, int *err)
{
	struct rproc **v = gather(r, grew, n, err);

	if (v)
		qsort(v, *n, sizeof *v, cmp_growth);
	if (*n > r->cfg.top_n)
		*n = r->cfg.top_n;
	return v;
}

struct rcgroup **report_cg_suspects(const struct report *r, size_t *n, int *err)
{
	struct rcgroup **v;
	size_t k = 0;

	*n = 0;
	*err = 0;
	if (r->cg_suspects == 0)
		return NULL;
	if (!(v = malloc(r->cg_suspects * sizeof *v))) {
		*err = -ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < r->ncg; i++)
		if (r->cg[i]->flag.suspect)
			v[k++] = r->cg[i];
	qsort(v, k, sizeof *v, cmp_cgroup);
	*n = k;
	return v;
}
