/* monitor.c — source → snapshot → proctable → cgroup table → sysmodel →
 * cgroup watch. */
#include "model/monitor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/checkup.h"
#include "proc/sampler.h"

int monitor_open(struct monitor *m, const struct source_config *cfg, enum leak_sensitivity sens,
		 char *err, size_t errlen)
{
	struct source src;

	memset(m, 0, sizeof *m);
	if (sampler_source_open(&src, cfg, err, errlen) < 0)
		return -1;
	monitor_open_source(m, src, sens);
	return 0;
}

void monitor_open_source(struct monitor *m, struct source src, enum leak_sensitivity sens)
{
	memset(m, 0, sizeof *m);
	m->table.sensitivity = sens;
	m->cgroups.sensitivity = sens;
	m->mem.sensitivity = sens;
	m->sens = sens;
	m->source = src;
}

// One process's seeding: the detector its recorded past is played into.
struct seed {
	struct leak_state *leak;
	double first_t;
	uint64_t now_sig;         // this sample's signal
	bool varied;              // some recorded value differs from it
	bool failed;              // no memory for its detector
};

struct seeding {
	struct seed *seed;
	enum leak_sensitivity sens;
};

static void seed_push(void *ctx, size_t i, double t, uint64_t sig_kb)
{
	struct seeding *sg = ctx;
	struct seed *sd = &sg->seed[i];

	if (sd->failed)
		return;
	if (!sd->leak) {
		if (!(sd->leak = malloc(sizeof *sd->leak))) {
			sd->failed = true;
			return;
		}
		leak_init(sd->leak, t, sg->sens);
		sd->first_t = t;
	}
	sd->varied |= sig_kb != sd->now_sig;
	leak_push(sd->leak, t, sig_kb);
}

// The levels of the past a detector needs at time now: slowest tier
// first, from its span on one value per its bucket; the fastest tier's
// span, every value.
static void seed_levels(struct source_series_req *req, double now)
{
	req->to_t = now;
	for (int k = HISTORY_TIERS - 1; k >= 0 && req->nlevels < SOURCE_SERIES_LEVELS; k--) {
		req->level[req->nlevels].from_t = now - leak_tier_span_s(k);
		req->level[req->nlevels].bucket_s = k > 0 ? history_bucket_s[k] : 0;
		req->nlevels++;
	}
}

// Seeds every cgroup's detector from what src recorded of its readings,
// before this tick. Returns 0 or -errno (the cgroups are then unseeded).
static int monitor_seed_cgroups(struct monitor *m, struct source *src)
{
	struct cgtable *t = &m->cgroups;
	struct seeding sg = { .sens = t->sensitivity };
	const char **paths;
	int rc;

	if (!src->ops || !src->ops->cgroup_series || t->n == 0)
		return 0;
	paths = malloc(t->n * sizeof *paths);
	sg.seed = calloc(t->n, sizeof *sg.seed);
	if (!paths || !sg.seed) {
		free(paths);
		free(sg.seed);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->n; i++)
		paths[i] = t->v[i].path;
	struct source_series_req req = { .paths = paths, .n = t->n };

	seed_levels(&req, m->snap.sys.mono_time);
	rc = src->ops->cgroup_series(src->impl, &req, seed_push, &sg);
	for (size_t i = 0; i < t->n; i++) {
		struct seed *sd = &sg.seed[i];

		if (sd->leak && rc == 0)
			cgtable_adopt(t, &t->v[i], sd->leak, sd->first_t, &m->snap.sys);
		else
			free(sd->leak);
	}
	free(paths);
	free(sg.seed);
	return rc;
}

// Seeds every process's detector from what src recorded of its past, up to
// this tick's sample. Returns 0 or -errno (the model is then as unseeded).
static int monitor_seed(struct monitor *m, struct source *src)
{
	struct proctable *t = &m->table;
	double now = m->snap.sys.mono_time;
	struct seeding sg = { .sens = t->sensitivity };
	int *pids = NULL, rc = 0;
	uint64_t *starts = NULL;

	if (!src->ops || !src->ops->series || t->n == 0)
		return 0;
	pids = malloc(t->n * sizeof *pids);
	starts = malloc(t->n * sizeof *starts);
	sg.seed = calloc(t->n, sizeof *sg.seed);
	if (!pids || !starts || !sg.seed) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < t->n; i++) {
		pids[i] = t->v[i].pid;
		starts[i] = t->v[i].start_ticks;
		sg.seed[i].now_sig = proctable_signal_kb(t->v[i].s);
	}
	struct source_series_req req = { .pids = pids, .start_ticks = starts, .n = t->n };

	seed_levels(&req, now);
	rc = src->ops->series(src->impl, &req, seed_push, &sg);
	for (size_t i = 0; i < t->n; i++) {
		struct seed *sd = &sg.seed[i];

		if (sd->leak && rc == 0)
			proctable_adopt(t, &t->v[i], sd->leak, sd->first_t, sd->varied, &m->snap.sys);
		else
			free(sd->leak);
	}
out:
	free(pids);
	free(starts);
	free(sg.seed);
	return rc;
}

// Updates the model from the snapshot the source just filled.
static int monitor_update(struct monitor *m)
{
	int suspects[MONITOR_CG_WATCH_MAX], rc;

	bool seed = m->seed_due;
	struct source *past = m->history.ops ? &m->history : &m->source;

	rc = proctable_update(&m->table, &m->snap);
	if (rc < 0)
		return rc;
	// A recording's past, before the model's first look at the processes
	// and cgroups: the history a live start found, or a replay's.
	m->seed_due = false;
	if (seed)
		monitor_seed(m, past);
	// Out of memory for a new cgroup's row: the table goes on with what
	// it has, as the process table does.
	if (cgtable_update(&m->cgroups, &m->snap, &m->table) < 0)
		rc = -ENOMEM;
	if (seed)
		monitor_seed_cgroups(m, past);
	sysmodel_update(&m->sys, &m->snap, &m->table);
	// The kills reported since the last tick, checked against the picks
	// of the ticks before; then this tick's picks are kept for the next.
	oomlog_update(&m->oom, &m->snap, &m->cgroups, &m->sys);
	if (memmodel_update(&m->mem, &m->snap, &m->table) < 0)
		rc = -ENOMEM;
	// Their cgroup headroom is read from the next tick on.
	if (m->source.ops->set_cgroup_watch)
		m->source.ops->set_cgroup_watch(m->source.impl, suspects,
						proctable_suspect_pids(&m->table, suspects,
								       MONITOR_CG_WATCH_MAX));
	m->have_snap = true;
	return rc;
}

// How long before a target a replay starts the model again: the machine
// model's span (its trend of available memory), whose past is not seeded.
#define MONITOR_WARM_S (SYSMODEL_BUCKET_S * SYSMODEL_LEN)
// The most samples a move on is played one by one rather than jumped to.
#define MONITOR_STEP_MAX 120

// Starts the model again at the recorded source's current position: a few
// minutes before it, seeded, then on sample by sample.
static int monitor_jump(struct monitor *m)
{
	const struct source_ops *o = m->source.ops;
	struct source_timeline tl;
	size_t target;
	bool follow;
	int rc;

	if (!o->timeline(m->source.impl, &tl))
		return -ENOTSUP;
	target = tl.index;
	follow = tl.follow;
	if (o->move(m->source.impl, SOURCE_MOVE_TIME, tl.at_t - MONITOR_WARM_S) == -ERANGE)
		o->move(m->source.impl, SOURCE_MOVE_FIRST, 0);
	proctable_free(&m->table);
	m->table.sensitivity = m->sens;
	cgtable_free(&m->cgroups);
	memmodel_free(&m->mem);
	m->sys = (struct sysmodel){ 0 };
	m->have_snap = false;
	m->seed_due = true;
	for (;;) {
		m->source_err = o->tick(m->source.impl, &m->snap);
		if ((rc = monitor_update(m)) < 0)
			return rc;
		if (!o->timeline(m->source.impl, &tl) || tl.index >= target ||
		    o->move(m->source.impl, SOURCE_MOVE_STEP, 1) != 0)
			break;
	}
	// Following the newest sample: on to it again (the moves above
	// stopped it), and to any that came meanwhile.
	if (follow && o->move(m->source.impl, SOURCE_MOVE_LAST, 0) == 0) {
		m->source_err = o->tick(m->source.impl, &m->snap);
		rc = monitor_update(m);
	}
	return rc;
}

int monitor_tick(struct monitor *m)
{
	const struct source_ops *o = m->source.ops;

	// A recording starts where it was opened, with its past.
	if (!m->have_snap && o->move && o->timeline)
		return monitor_jump(m);
	m->source_err = o->tick(m->source.impl, &m->snap);
	return monitor_update(m);
}

void monitor_set_history(struct monitor *m, struct source hist)
{
	if (m->history.ops)
		m->history.ops->close(m->history.impl);
	m->history = hist;
	m->seed_due = hist.ops != NULL && !m->have_snap;
}

bool monitor_timeline(const struct monitor *m, struct source_timeline *out)
{
	return m->source.ops->timeline && m->source.ops->timeline(m->source.impl, out);
}

int monitor_move(struct monitor *m, enum source_move how, double arg)
{
	const struct source_ops *o = m->source.ops;
	struct source_timeline before, after;
	int rc;

	if (!o->move || !o->timeline || !o->timeline(m->source.impl, &before))
		return -ENOTSUP;
	if ((rc = o->move(m->source.impl, how, arg)) < 0 || (rc == 1 && m->have_snap))
		return rc;
	if (!o->timeline(m->source.impl, &after))
		return -ENOTSUP;
	// A few samples on from the one shown: ordinary ticks, as live.
	if (m->have_snap && after.index > before.index &&
	    after.index - before.index <= MONITOR_STEP_MAX) {
		size_t steps = after.index - before.index;

		rc = steps > 1 ? o->move(m->source.impl, SOURCE_MOVE_STEP, -(double)(steps - 1)) : 0;
		for (size_t k = 0; rc == 0 && k < steps; k++) {
			if (k > 0 && o->move(m->source.impl, SOURCE_MOVE_STEP, 1) != 0)
				break;
			m->source_err = o->tick(m->source.impl, &m->snap);
			rc = monitor_update(m);
		}
		// The steps stopped following; End follows again.
		if (how == SOURCE_MOVE_LAST && rc == 0 && o->move(m->source.impl, SOURCE_MOVE_LAST, 0) == 0) {
			m->source_err = o->tick(m->source.impl, &m->snap);
			rc = monitor_update(m);
		}
	} else {
		rc = monitor_jump(m);
	}
	return rc;
}

void monitor_close(struct monitor *m)
{
	proctable_free(&m->table);
	cgtable_free(&m->cgroups);
	oomlog_free(&m->oom);
	memmodel_free(&m->mem);
	monitor_alloc_stop(m, "detached");
	allocsites_free(&m->alloc);
	if (m->source.ops)
		m->source.ops->close(m->source.impl);
	if (m->history.ops)
		m->history.ops->close(m->history.impl);
	m->source = (struct source){ 0 };
	m->history = (struct source){ 0 };
}

int monitor_set_wanted(struct monitor *m, const int *pids, size_t n)
{
	return m->source.ops->set_wanted ? m->source.ops->set_wanted(m->source.impl, pids, n) : 0;
}

void monitor_fill_pending(struct monitor *m)
{
	if (m->source.ops->fill_pending)
		m->source.ops->fill_pending(m->source.impl);
}

bool monitor_fill_idle(struct monitor *m, size_t max)
{
	return m->source.ops->fill_idle && m->source.ops->fill_idle(m->source.impl, max);
}

bool monitor_idle_work(const struct monitor *m)
{
	return m->source.ops->idle_work && m->source.ops->idle_work(m->source.impl);
}

int monitor_read_detail(struct monitor *m, int pid, uint64_t start_ticks, struct proc_detail *d)
{
	if (!m->source.ops->read_detail)
		return d->err = -ENOTSUP;      // the detail view says why it has no mappings
	return m->source.ops->read_detail(m->source.impl, pid, start_ticks, d);
}

int monitor_read_detail_state(struct monitor *m, int pid, uint64_t start_ticks, struct proc_detail *d)
{
	if (!m->source.ops->read_detail_state)
		return d->err = -ENOTSUP;
	return m->source.ops->read_detail_state(m->source.impl, pid, start_ticks, d);
}

int monitor_read_cmdline(struct monitor *m, int pid, uint64_t start_ticks, char **out, bool *cut)
{
	*out = NULL;
	if (!m->source.ops->read_cmdline)
		return -ENOTSUP;
	return m->source.ops->read_cmdline(m->source.impl, pid, start_ticks, out, cut);
}

int monitor_send_signal(struct monitor *m, int pid, uint64_t start_ticks, int sig)
{
	if (!m->source.ops->send_signal)
		return -ENOTSUP;
	return m->source.ops->send_signal(m->source.impl, pid, start_ticks, sig);
}

int monitor_psi_trigger(struct monitor *m, unsigned stall_us, unsigned window_us)
{
	if (!m->source.ops->psi_trigger)
		return -ENOTSUP;
	return m->source.ops->psi_trigger(m->source.impl, stall_us, window_us);
}

void monitor_set_cgroup_every(struct monitor *m, double every_s)
{
	if (m->source.ops->set_cgroup_every)
		m->source.ops->set_cgroup_every(m->source.impl, every_s);
}

int monitor_checkup(struct monitor *m, struct checkup *out)
{
	struct sysfacts *f;
	int rc;

	if (!m->source.ops->read_sysfacts)
		return -ENOTSUP;
	if (!(f = malloc(sizeof *f)))
		return -ENOMEM;
	if ((rc = m->source.ops->read_sysfacts(m->source.impl, f)) == 0)
		checkup_evaluate(f, out);
	free(f);
	return rc;
}

void monitor_set_breakdown_every(struct monitor *m, double every_s)
{
	if (m->source.ops->set_breakdown_every)
		m->source.ops->set_breakdown_every(m->source.impl, every_s);
}

int monitor_alloc_start(struct monitor *m, int pid, uint64_t start_ticks, const struct alloc_options *opt,
			double limit_s)
{
	const struct source_ops *o = m->source.ops;
	char why[sizeof m->alloc.why] = "";
	struct alloc_snapshot first;
	int rc;

	monitor_alloc_stop(m, "detached");
	if (!o->alloc_attach) {
		allocsites_fail(&m->alloc, pid, "allocation sites need a live process, not a recording");
		return -ENOTSUP;
	}
	rc = o->alloc_attach(m->source.impl, pid, start_ticks, opt, why, sizeof why);
	if (rc < 0) {
		allocsites_fail(&m->alloc, pid, why[0] ? why : "could not attach");
		return rc;
	}
	// The first reading says when the session attached, on the source's clock.
	rc = o->alloc_read(m->source.impl, &first);
	if (rc < 0) {
		o->alloc_detach(m->source.impl);
		allocsites_fail(&m->alloc, pid, "could not read the probes' counters");
		return rc;
	}
	allocsites_start(&m->alloc, pid, first.start_ticks ? first.start_ticks : start_ticks, first.attached_t, limit_s);
	return allocsites_update(&m->alloc, &first, m->sens);
}

int monitor_alloc_poll(struct monitor *m)
{
	const struct source_ops *o = m->source.ops;
	struct alloc_snapshot snap;
	int rc;

	if (m->alloc.state != ALLOCSITES_ON || !o->alloc_read)
		return -ENODEV;
	rc = o->alloc_read(m->source.impl, &snap);
	if (rc < 0) {
		monitor_alloc_stop(m, "reading the probes failed: detached");
		return rc;
	}
	rc = allocsites_update(&m->alloc, &snap, m->sens);
	if (m->alloc.state != ALLOCSITES_ON)
		o->alloc_detach(m->source.impl);   // the target ended: its probes go too
	else if (allocsites_over_limit(&m->alloc, snap.t))
		monitor_alloc_stop(m, "time limit reached: detached");
	return rc;
}

void monitor_alloc_stop(struct monitor *m, const char *why)
{
	const struct source_ops *o = m->source.ops;

	if (m->alloc.state != ALLOCSITES_ON)
		return;
	allocsites_end(&m->alloc, why);
	if (o && o->alloc_detach)
		o->alloc_detach(m->source.impl);
}
