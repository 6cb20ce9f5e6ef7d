/* sysmodel.c — available-memory trend, time to exhaustion, OOM pick; pure. */
#include "model/sysmodel.h"
#include "util/mathutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void sysmodel_trend(const double *v, size_t n, double *slope, double *z)
{
	double pairs[SYSMODEL_LEN * (SYSMODEL_LEN - 1) / 2];
	size_t k = 0;
	long s = 0;
	double var;

	*slope = 0;
	*z = 0;
	if (n < 3 || n > SYSMODEL_LEN)
		return;
	// Theil-Sen over every pair (n <= 60: at most 1,770), and MK's S.
	for (size_t i = 0; i + 1 < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			pairs[k++] = (v[j] - v[i]) / (double)(j - i);
			s += (v[j] > v[i]) - (v[j] < v[i]);
		}
	qsort(pairs, k, sizeof *pairs, cmp_double);
	*slope = k % 2 ? pairs[k / 2] : (pairs[k / 2 - 1] + pairs[k / 2]) / 2;
	var = (double)n * (n - 1) * (2.0 * n + 5) / 18.0;
	*z = s > 0 ? (s - 1) / sqrt(var) : s < 0 ? (s + 1) / sqrt(var) : 0;
}

// Adds one headroom sample to the bucket ring.
static bool push_headroom(struct sysmodel *m, double t, double headroom)
{
	int64_t index = floor_i64(t / SYSMODEL_BUCKET_S);
	bool completed = false;

	if (m->have_open && index > m->index) {
		if (m->count < SYSMODEL_LEN) {
			m->headroom[(m->head + m->count) % SYSMODEL_LEN] = m->open_min;
			m->count++;
		} else {
			m->headroom[m->head] = m->open_min;
			m->head = (m->head + 1) % SYSMODEL_LEN;
		}
		m->have_open = false;
		completed = true;
	}
	if (!m->have_open) {
		m->open_min = headroom;
		m->index = index;
		m->have_open = true;
	} else if (headroom < m->open_min) {
		m->open_min = headroom;
	}
	return completed;
}

// Re-estimates the trend and the time to exhaustion from the ring.
static void estimate(struct sysmodel *m)
{
	double v[SYSMODEL_LEN], z;

	for (unsigned i = 0; i < m->count; i++)
		v[i] = m->headroom[(m->head + i) % SYSMODEL_LEN];
	m->falling = false;
	m->eta_s = -1;
	if (m->count < SYSMODEL_MIN_BUCKETS)
		return;
	sysmodel_trend(v, m->count, &m->slope_kb_s, &z);
	m->slope_kb_s /= SYSMODEL_BUCKET_S;
	if (m->slope_kb_s < 0 && z <= -2.33) {
		m->falling = true;
		m->eta_s = v[m->count - 1] / -m->slope_kb_s;
	}
}

// The process the OOM killer would pick now: the highest oom_score; the
// kernel breaks ties by its finer badness (RSS + swap + page tables), so
// memtop does by RSS + swap.
static void pick_oom(struct sysmodel *m, const struct proctable *t)
{
	struct oom_pick best = { 0 };

	for (size_t i = 0; i < t->n; i++) {
		const struct proc_sample *s = t->v[i].s;

		if (!s->have_detail || s->oom_score_adj == -1000 || s->kthread)
			continue;
		if (best.valid && s->oom_score == best.score) {
			best.tied++;
			if (s->rss_kb + s->swap_kb <= best.rss_kb + best.swap_kb)
				continue;
			best.pid = s->pid, best.rss_kb = s->rss_kb, best.swap_kb = s->swap_kb;
			continue;
		}
		if (!best.valid || s->oom_score > best.score)
			best = (struct oom_pick){ .valid = true, .pid = s->pid, .score = s->oom_score,
						   .rss_kb = s->rss_kb, .swap_kb = s->swap_kb };
	}
	if (best.valid) {
		const struct proc *p = proctable_find(t, best.pid);

		snprintf(best.comm, sizeof best.comm, "%s", p ? p->s->comm : "");
	}
	m->oom = best;
}

double sysmodel_stall_pct(uint64_t total0_us, uint64_t total1_us, double t0, double t1)
{
	double pct;

	if (t1 <= t0 || total1_us <= total0_us)
		return 0;
	pct = (double)(total1_us - total0_us) / ((t1 - t0) * 1e6) * 100.0;
	return pct > 100 ? 100 : pct;
}

// Appends one value to a fixed history, dropping the oldest when full.
static void hist_push(float *h, unsigned count, float v)
{
	if (count == SYSMODEL_PSI_LEN)
		memmove(h, h + 1, (SYSMODEL_PSI_LEN - 1) * sizeof *h);
	h[count == SYSMODEL_PSI_LEN ? count - 1 : count] = v;
}

// The stall share of the last interval from PSI's total counters.
static void track_psi(struct sysmodel *m, const struct sys_sample *sys)
{
	if (!sys->have_psi || !sys->psi.some.valid) {
		m->have_psi_now = false;
		return;
	}
	if (m->have_last_psi) {
		m->psi_some_now = sysmodel_stall_pct(m->last_some_us, sys->psi.some.total_us,
						     m->last_psi_time, sys->mono_time);
		m->psi_full_now = sys->psi.full.valid ?
			sysmodel_stall_pct(m->last_full_us, sys->psi.full.total_us, m->last_psi_time,
					   sys->mono_time) : 0;
		hist_push(m->psi_some_hist, m->psi_count, (float)m->psi_some_now);
		hist_push(m->psi_full_hist, m->psi_count, (float)m->psi_full_now);
		if (m->psi_count < SYSMODEL_PSI_LEN)
			m->psi_count++;
		m->have_psi_now = true;
	}
	m->last_some_us = sys->psi.some.total_us;
	m->last_full_us = sys->psi.full.valid ? sys->psi.full.total_us : 0;
	m->last_psi_time = sys->mono_time;
	m->have_last_psi = true;
}

void sysmodel_update(struct sysmodel *m, const struct snapshot *snap, const struct proctable *t)
{
	const struct sys_sample *sys = &snap->sys;

	track_psi(m, sys);
	if (sys->have_meminfo &&
	    push_headroom(m, sys->mono_time, (double)sys->available_kb + (double)sys->swap_free_kb))
		estimate(m);
	pick_oom(m, t);
}
