/* sampler_cgroups.c — the memory cgroups that hold the listed processes,
 * read every cfg.cgroup_every_s for the snapshot (proc/cgreader.h): each
 * cgroup once, however many processes it holds, and only those that hold
 * one. */
#include "proc/sampler_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strset.h"

static int grow_scratch(struct sampler *s, size_t n)
{
	const char **p;
	struct cgroup_reading *g;
	struct strset_key *k;

	if (n <= s->cg_cap)
		return 0;
	if (!(p = realloc(s->cg_paths, n * sizeof *p)))
		return -ENOMEM;
	s->cg_paths = p;
	if (!(g = realloc(s->cg_readings, n * sizeof *g)))
		return -ENOMEM;
	s->cg_readings = g;
	if (!(k = realloc(s->cg_keys, n * sizeof *k)))
		return -ENOMEM;
	s->cg_keys = k;
	s->cg_cap = n;
	return 0;
}

// The distinct cgroup paths of the snapshot's processes, sorted, into
// s->cg_paths; their number, or -ENOMEM.
static long distinct_paths(struct sampler *s, const struct snapshot *snap)
{
	size_t n = 0;

	if (grow_scratch(s, snap->nprocs) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < snap->nprocs; i++)
		if (snap->procs[i]->cgroup[0])
			s->cg_paths[n++] = snap->procs[i]->cgroup;
	return (long)strset_distinct(s->cg_paths, n, s->cg_keys, s->cg_paths);
}

// A cgroup found gone still named by a process: it moved (or is leaving).
// Its names are read again next tick, so that it is counted where it is
// (names otherwise follow every tens of seconds), and the row goes.
static void refresh_gone(struct sampler *s, const struct snapshot *out)
{
	for (size_t i = 0; i < s->nents; i++) {
		struct proc_sample *e = s->ents[i];
		const struct cgroup_reading *g;
		size_t lo = 0, hi = out->ncgroups;

		if (!e->cgroup[0])
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (strcmp(out->cgroups[mid].path, e->cgroup) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		g = lo < out->ncgroups ? &out->cgroups[lo] : NULL;
		if (g && g->gone && strcmp(g->path, e->cgroup) == 0)
			e->priv.refresh_now = true;
	}
}

void sampler_read_cgroups(struct sampler *s, struct snapshot *out)
{
	double every = s->cfg.cgroup_every_s;
	bool any_gone = false;
	long n;

	out->cgroups = NULL;
	out->ncgroups = 0;
	out->cgroups_read = false;
	// Due once the interval has passed, within a twentieth of it: ticks
	// exactly one interval apart must not skip every other reading.
	if (every <= 0 || (s->cg_last_read > 0 && s->now - s->cg_last_read < every * 0.95))
		return;
	if (!s->cg_reader &&
	    !(s->cg_reader = cgreader_new(s->memory_on_v2 ? s->cg_mounts.v2 : s->cg_mounts.v1_memory,
					  s->memory_on_v2)))
		return;                              // out of memory: none this time
	if ((n = distinct_paths(s, out)) < 0)
		return;
	cgreader_read(s->cg_reader, s->cg_paths, (size_t)n, s->cg_readings, &s->fds_kept, s->fd_budget);
	s->cg_last_read = s->now;
	out->cgroups = s->cg_readings;
	out->ncgroups = (size_t)n;
	out->cgroups_read = true;
	for (long i = 0; i < n; i++)
		any_gone |= s->cg_readings[i].gone;
	if (any_gone)
		refresh_gone(s, out);
}

void sampler_set_cgroup_every(struct sampler *s, double every_s)
{
	s->cfg.cgroup_every_s = every_s > 0 ? every_s : 0;
}
