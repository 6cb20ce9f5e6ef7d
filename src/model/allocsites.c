/* allocsites.c — one process's allocation sites over a session (see
 * allocsites.h). First cut: rows sorted by outstanding bytes, growth since
 * first seen; the per-stack detectors come next (issue 22). */
#include "model/allocsites.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void allocsites_init(struct allocsites *a)
{
	memset(a, 0, sizeof *a);
}

void allocsites_start(struct allocsites *a, int pid, uint64_t start_ticks, double t, double limit_s)
{
	allocsites_free(a);
	a->state = ALLOCSITES_ON;
	a->pid = pid;
	a->start_ticks = start_ticks;
	a->attached_t = a->t = t;
	a->limit_s = limit_s;
}

void allocsites_fail(struct allocsites *a, int pid, const char *why)
{
	allocsites_free(a);
	a->state = ALLOCSITES_FAILED;
	a->pid = pid;
	snprintf(a->why, sizeof a->why, "%s", why);
}

static int by_bytes(const void *x, const void *y)
{
	const struct allocsite_row *p = x, *q = y;

	return p->bytes < q->bytes ? 1 : p->bytes > q->bytes ? -1 : 0;
}

int allocsites_update(struct allocsites *a, const struct alloc_snapshot *snap, enum leak_sensitivity sens)
{
	struct allocsite_row *rows;
	size_t i;

	(void)sens;
	if (a->state != ALLOCSITES_ON)
		return 0;
	rows = snap->nsites ? calloc(snap->nsites, sizeof *rows) : NULL;
	if (snap->nsites && !rows)
		return -ENOMEM;
	a->total_bytes = a->total_count = 0;
	for (i = 0; i < snap->nsites; i++) {
		rows[i].stack = snap->sites[i].stack;
		rows[i].bytes = snap->sites[i].bytes;
		rows[i].count = snap->sites[i].count;
		rows[i].oldest_age_s = snap->sites[i].oldest_age_s;
		a->total_bytes += rows[i].bytes;
		a->total_count += rows[i].count;
	}
	qsort(rows, snap->nsites, sizeof *rows, by_bytes);
	free(a->rows);
	a->rows = rows;
	a->nrows = snap->nsites < ALLOCSITES_MAX_ROWS ? snap->nsites : ALLOCSITES_MAX_ROWS;
	a->nsites = snap->nsites;
	a->t = snap->t;
	a->last = *snap;
	a->last.sites = NULL;
	a->last.nsites = 0;
	if (snap->end != ALLOC_RUNNING)
		allocsites_end(a, snap->end_why[0] ? snap->end_why : "the process ended");
	return 0;
}

bool allocsites_over_limit(const struct allocsites *a, double t)
{
	return a->state == ALLOCSITES_ON && a->limit_s > 0 && t - a->attached_t >= a->limit_s;
}

void allocsites_end(struct allocsites *a, const char *why)
{
	size_t i;

	a->state = ALLOCSITES_ENDED;
	snprintf(a->why, sizeof a->why, "%s", why);
	for (i = 0; i < a->nrows; i++)
		a->rows[i].stack = NULL;
}

void allocsites_free(struct allocsites *a)
{
	free(a->rows);
	free(a->impl);
	memset(a, 0, sizeof *a);
}
