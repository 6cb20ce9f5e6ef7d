/* cgreader.c — the memory cgroups' files, kept open between readings. */
#include "proc/cgreader.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/cgfiles.h"
#include "proc/procfs.h"
#include "proc/psi.h"

enum cg_file { CGF_USAGE, CGF_LIMIT, CGF_STAT, CGF_SWAP, CGF_PRESSURE, CGF_EVENTS, CGF_COUNT };

static const char *const v2_names[CGF_COUNT] = {
	"memory.current", "memory.max", "memory.stat", "memory.swap.current", "memory.pressure",
	"memory.events",
};
static const char *const v1_names[CGF_COUNT] = {
	"memory.usage_in_bytes", "memory.limit_in_bytes", "memory.stat", NULL, NULL,
	"memory.oom_control",
};

// One cgroup, while it holds processes.
struct cg_entry {
	char *path;
	int fd[CGF_COUNT];           // kept open; -1: not (yet) open
	bool absent[CGF_COUNT];      // the cgroup has no such file: not asked again
	bool have_stat;              // own anon read at stat_usage_kb
	uint64_t stat_usage_kb, anon_kb;
	unsigned readings;           // since it was first read: the limit every CG_LIMIT_EVERY
	bool have_limit, unlimited;
	uint64_t limit_kb;
};

// The limit is an administrator's setting: read at the first reading and
// then every tenth (ten seconds while the cgroup view is shown).
#define CG_LIMIT_EVERY 10

struct cgreader {
	char mount[PATH_MAX];
	bool v2;
	struct cg_entry *v;          // sorted by path
	size_t n, cap;
	char buf[8192];              // one file's text (memory.stat is ~1.5 KB)
};

struct cgreader *cgreader_new(const char *mount, bool v2)
{
	struct cgreader *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	snprintf(r->mount, sizeof r->mount, "%s", mount);
	r->v2 = v2;
	return r;
}

static void entry_close(struct cg_entry *e, long *kept)
{
	for (int k = 0; k < CGF_COUNT; k++)
		if (e->fd[k] >= 0) {
			close(e->fd[k]);
			e->fd[k] = -1;
			(*kept)--;
		}
	free(e->path);
	e->path = NULL;
}

void cgreader_free(struct cgreader *r, long *kept)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		entry_close(&r->v[i], kept);
	free(r->v);
	free(r);
}

// True when the cgroup's directory is not there (removed, or never was).
static bool dir_gone(const struct cgreader *r, const char *rel)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof path, "%s%s", r->mount, rel[0] ? rel : "/") >= (int)sizeof path)
		return false;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return fd < 0 && (errno == ENOENT || errno == ENOTDIR);
}

// Reads file k of e into r->buf: through its kept fd, or opened now (and
// kept while the budget lasts). The length, 0 when the cgroup has no such
// file (or it cannot be read), -ENOENT when the cgroup is gone.
static ssize_t read_file(struct cgreader *r, struct cg_entry *e, const char *rel, enum cg_file k, long *kept,
			 long budget)
{
	const char *name = (r->v2 ? v2_names : v1_names)[k];
	char path[PATH_MAX];
	ssize_t n;

	if (!name || e->absent[k])
		return 0;
	if (e->fd[k] < 0) {
		if (snprintf(path, sizeof path, "%s%s/%s", r->mount, rel, name) >= (int)sizeof path)
			return 0;
		e->fd[k] = open(path, O_RDONLY | O_CLOEXEC);
		if (e->fd[k] < 0) {
			if (errno != ENOENT && errno != ENOTDIR)
				return 0;                   // not allowed, or the like: nothing read
			if (dir_gone(r, rel))
				return -ENOENT;
			e->absent[k] = true;        // a file this layout or cgroup lacks
			return 0;
		}
		(*kept)++;
	}
	n = procfs_pread(e->fd[k], r->buf, sizeof r->buf);
	// Kept only within the budget; a removed cgroup's files say ENODEV.
	if (*kept > budget || n < 0) {
		close(e->fd[k]);
		e->fd[k] = -1;
		(*kept)--;
	}
	if (n == -ENODEV || n == -ENOENT)
		return -ENOENT;
	return n > 0 ? n : 0;
}

static bool read_u64(struct cgreader *r, struct cg_entry *e, const char *rel, enum cg_file k, long *kept,
		     long budget, int *gone, uint64_t *v)
{
	ssize_t n = read_file(r, e, rel, k, kept, budget);

	if (n < 0)
		*gone = 1;
	return n > 0 && cgfiles_parse_u64(r->buf, (size_t)n, v) == 0;
}

// The cgroup's own anonymous memory + swap (KiB), read again only when its
// usage moved since the last time (or was never read).
static void own_anon(struct cgreader *r, struct cg_entry *e, const char *rel, struct cgroup_reading *g,
		     long *kept, long budget, int *gone)
{
	uint64_t anon, swap = 0;
	ssize_t n;

	if (!rel[0])
		return;                           // the root's memory.stat is the machine's
	if (e->have_stat && g->have_usage && e->stat_usage_kb == g->usage_kb) {
		g->have_anon = true;
		g->anon_kb = e->anon_kb;
		return;
	}
	e->have_stat = false;
	n = read_file(r, e, rel, CGF_STAT, kept, budget);
	if (n < 0)
		*gone = 1;
	if (n <= 0 || cgfiles_parse_stat(r->buf, (size_t)n, r->v2 ? "anon" : "rss", &anon) < 0)
		return;
	if (r->v2) {
		if (!read_u64(r, e, rel, CGF_SWAP, kept, budget, gone, &swap))
			swap = 0;
	} else if (cgfiles_parse_stat(r->buf, (size_t)n, "swap", &swap) < 0) {
		swap = 0;                         // no swap accounting
	}
	g->have_anon = true;
	g->anon_kb = (anon + swap) / 1024;
	e->have_stat = g->have_usage;             // without a usage, read it every time
	e->stat_usage_kb = g->usage_kb;
	e->anon_kb = g->anon_kb;
}

static void read_entry(struct cgreader *r, struct cg_entry *e, struct cgroup_reading *g, long *kept, long budget)
{
	const char *rel = strcmp(e->path, "/") ? e->path : "";
	uint64_t v;
	int gone = 0;
	ssize_t n;

	if (!r->mount[0] || cgfiles_check_path(e->path) < 0)
		return;                           // no controller, or not a path to open
	if ((g->have_usage = read_u64(r, e, rel, CGF_USAGE, kept, budget, &gone, &v)))
		g->usage_kb = v / 1024;
	if (e->readings++ % CG_LIMIT_EVERY == 0) {
		n = read_file(r, e, rel, CGF_LIMIT, kept, budget);
		if (n < 0)
			gone = 1;
		e->have_limit = n > 0 && cgfiles_parse_limit(r->buf, (size_t)n, &e->unlimited, &v) == 0;
		e->limit_kb = e->have_limit && !e->unlimited ? v / 1024 : 0;
	}
	g->have_limit = e->have_limit;
	g->unlimited = e->have_limit && e->unlimited;
	g->limit_kb = e->limit_kb;
	own_anon(r, e, rel, g, kept, budget, &gone);
	n = read_file(r, e, rel, CGF_PRESSURE, kept, budget);
	if (n < 0)
		gone = 1;
	g->have_pressure = n > 0 && psi_parse(r->buf, (size_t)n, &g->pressure) == 0;
	// Read every time: a kill need not move the usage the reading sees.
	n = read_file(r, e, rel, CGF_EVENTS, kept, budget);
	if (n < 0)
		gone = 1;
	g->have_oom_kill = n > 0 && cgfiles_parse_oom_kill(r->buf, (size_t)n, &g->oom_kill) == 0;
	if (gone)
		*g = (struct cgroup_reading){ .path = g->path, .gone = true };
}

// Makes r->v the entries of paths (sorted, distinct), in their order:
// those kept, new ones made, the others closed. -ENOMEM: some new ones
// are missing (their paths get no entry).
static int match_entries(struct cgreader *r, const char *const *paths, size_t n, long *kept)
{
	struct cg_entry *v = malloc((n ? n : 1) * sizeof *v);
	size_t i = 0, m = 0;
	int rc = 0;

	if (!v)
		return -ENOMEM;
	for (size_t p = 0; p < n; p++) {
		int c = 1;

		while (i < r->n && (c = strcmp(r->v[i].path, paths[p])) < 0)
			entry_close(&r->v[i++], kept);   // no process holds it any more
		if (i < r->n && c == 0) {
			v[m++] = r->v[i++];
			continue;
		}
		v[m] = (struct cg_entry){ .path = strdup(paths[p]) };
		for (int k = 0; k < CGF_COUNT; k++)
			v[m].fd[k] = -1;
		if (v[m].path)
			m++;
		else
			rc = -ENOMEM;
	}
	while (i < r->n)
		entry_close(&r->v[i++], kept);
	free(r->v);
	r->v = v;
	r->n = r->cap = m;
	return rc;
}

int cgreader_read(struct cgreader *r, const char *const *paths, size_t n, struct cgroup_reading *out,
		  long *kept, long budget)
{
	int rc = match_entries(r, paths, n, kept);
	size_t e = 0;

	for (size_t i = 0; i < n; i++) {
		out[i] = (struct cgroup_reading){ .path = paths[i] };
		// Entries are in the paths' order; one missing (no memory) is skipped.
		while (e < r->n && strcmp(r->v[e].path, paths[i]) < 0)
			e++;
		if (e < r->n && strcmp(r->v[e].path, paths[i]) == 0)
			read_entry(r, &r->v[e++], &out[i], kept, budget);
	}
	return rc;
}
