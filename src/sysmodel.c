/* sysmodel.c — available-memory trend, time to exhaustion, OOM pick; pure. */
#include "sysmodel.h"

#include <math.h>
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

double sysmodel_process_eta(double headroom_kb, double rate_kb_per_min)
{
	if (rate_kb_per_min <= 0)
		return -1;
	return headroom_kb > 0 ? headroom_kb / (rate_kb_per_min / 60.0) : 0;
}

// Adds one headroom sample to the bucket ring.
static bool push_headroom(struct sysmodel *m, double t, double headroom)
{
	int64_t index = (int64_t)floor(t / SYSMODEL_BUCKET_S);
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
			best = (struct oom_pick){ true, s->pid, s->oom_score, s->rss_kb, s->swap_kb, 0 };
	}
	m->oom = best;
}

void sysmodel_update(struct sysmodel *m, const struct snapshot *snap, const struct proctable *t)
{
	const struct sys_sample *sys = &snap->sys;

	if (sys->have_meminfo &&
	    push_headroom(m, sys->mono_time, (double)sys->available_kb + (double)sys->swap_free_kb))
		estimate(m);
	pick_oom(m, t);
}
