/* sampler_memparts.c — the live reading of the memory breakdown's lists
 * (proc/memparts.h): the tmpfs mounts (mountinfo, then statfs of each
 * device's first mount), /proc/sysvipc/shm and /proc/slabinfo. */
#include "proc/memparts.h"
#include "proc/sampler_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "proc/procfs.h"
#include "util/text.h"

#define MOUNTINFO_MAX (16 << 20)  // thousands of mounts
#define SHM_MAX (16 << 20)        // a line a segment: thousands of segments
#define SLABINFO_MAX (1 << 20)

// The tmpfs mounts, each statfs'd; a mount that cannot be is skipped.
static void read_tmpfs(struct mem_breakdown *b, struct procfs_buf *buf)
{
	ssize_t len = procfs_read_all_at(AT_FDCWD, "/proc/self/mountinfo", buf, MOUNTINFO_MAX);
	struct tmpfs_mount *mounts;
	size_t n = 0, seen = 0;

	b->ntmpfs = b->tmpfs_seen = 0;
	b->tmpfs_used_kb = 0;
	if (len < 0) {
		b->tmpfs_err = (int)len;
		return;
	}
	mounts = malloc(MEMPARTS_STATFS_MAX * sizeof *mounts);
	if (!mounts) {
		b->tmpfs_err = -ENOMEM;
		return;
	}
	b->tmpfs_err = memparts_parse_tmpfs_mounts(buf->data, (size_t)len, mounts, MEMPARTS_STATFS_MAX, &n, &seen);
	b->tmpfs_seen = seen;
	for (size_t i = 0; i < n; i++) {
		struct tmpfs_part p = { .major = mounts[i].major, .minor = mounts[i].minor };
		struct statfs st;

		if (statfs(mounts[i].path, &st) != 0 || st.f_bsize <= 0)
			continue;             // gone, or not ours to see: skipped
		p.size_kb = (uint64_t)st.f_blocks * (uint64_t)st.f_bsize / 1024;
		p.used_kb = (uint64_t)(st.f_blocks - st.f_bfree) * (uint64_t)st.f_bsize / 1024;
		text_sanitize(mounts[i].path, strlen(mounts[i].path), p.mount, sizeof p.mount);
		b->tmpfs_used_kb += p.used_kb;
		memparts_keep_tmpfs(b->tmpfs, MEMPARTS_TMPFS_MAX, &b->ntmpfs, &p);
	}
	free(mounts);
}

static void read_shm(struct mem_breakdown *b, struct procfs_buf *buf)
{
	ssize_t len = procfs_read_all_at(AT_FDCWD, "/proc/sysvipc/shm", buf, SHM_MAX);

	b->nshm = b->shm_seen = 0;
	b->shm_rss_kb = 0;
	b->shm_err = len < 0 ? (int)len :
		     memparts_parse_sysvipc_shm(buf->data, (size_t)len, b->shm, MEMPARTS_SHM_MAX, &b->nshm,
						&b->shm_seen, &b->shm_rss_kb);
}

static void read_slab(struct mem_breakdown *b, struct procfs_buf *buf)
{
	ssize_t len = procfs_read_all_at(AT_FDCWD, "/proc/slabinfo", buf, SLABINFO_MAX);
	long page = sysconf(_SC_PAGESIZE);

	b->nslab = b->slab_seen = 0;
	b->slab_err = len < 0 ? (int)len :
		      memparts_parse_slabinfo(buf->data, (size_t)len, page > 0 ? (uint64_t)page / 1024 : 4,
					      b->slab, MEMPARTS_SLAB_MAX, &b->nslab, &b->slab_seen);
}

void sampler_read_breakdown(struct sampler *s, struct snapshot *out)
{
	double every = s->cfg.breakdown_every_s;
	struct mem_breakdown *b = s->breakdown;

	out->breakdown = NULL;
	if (every <= 0 || !b)
		return;                     // not asked for, or out of memory
	b->parts_read = false;
	// Due once the interval has passed, within a twentieth of it (as the
	// cgroups' reading: ticks one interval apart must not skip one).
	if (s->bd_last_read <= 0 || s->now - s->bd_last_read >= every * 0.95) {
		read_tmpfs(b, &s->buf);
		read_shm(b, &s->buf);
		read_slab(b, &s->buf);
		b->parts_read = true;
		b->parts_t = s->now;
		s->bd_last_read = s->now;
	}
	out->breakdown = b;
}

void sampler_set_breakdown_every(struct sampler *s, double every_s)
{
	s->cfg.breakdown_every_s = every_s > 0 ? every_s : 0;
	sampler_breakdown_alloc(s);
}

void sampler_breakdown_alloc(struct sampler *s)
{
	if (s->cfg.breakdown_every_s <= 0 || s->breakdown)
		return;
	s->breakdown = calloc(1, sizeof *s->breakdown);
	if (s->breakdown)
		s->breakdown->parts_t = -1;
}
