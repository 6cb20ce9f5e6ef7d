/* memmodel.h — where the memory went: the machine's memory (MemTotal) split
 * into parts that sum to it, each with a leak detector (model/leak.h, the
 * processes' detector), and below them the tmpfs mounts, SysV segments and
 * slab caches with detectors of their own. Pure: fed snapshots (their
 * breakdown, proc/memparts.h) and the process table; no I/O.
 *
 * The parts, from /proc/meminfo (KiB), each counted once:
 *   MemTotal = MemFree + AnonPages + (Cached - Shmem) + Buffers + SwapCached
 *            + Shmem + Slab + KernelStack + PageTables + VmallocUsed
 *            + Percpu + HugeTLB + unaccounted
 * Shmem is inside Cached (so the page cache row is Cached - Shmem); the
 * tmpfs mounts (statfs: used blocks, which also counts their swapped-out
 * pages) and the SysV segments (their rss) are inside Shmem, and the rest
 * (shared anonymous mappings, memfd, GPU buffers) is Shmem minus both,
 * never below 0. Slab = SReclaimable + SUnreclaim; the caches of slabinfo
 * make it up. The processes' anonymous memory summed (their RssAnon) is
 * shown beside AnonPages but not counted: a page shared after fork counts
 * once per process there. unaccounted is what is left (signed: the
 * counters are not read at one instant): drivers' own pages, mostly.
 *
 * Items: the tmpfs mounts (by mount point and device), the SysV segments
 * (by shmid and key) and the slab caches (by name) the source handed up
 * (already its largest few). Per kind the model keeps a detector for the
 * largest MEMMODEL_TRACK_MAX plus any suspected leak, at most
 * MEMMODEL_KEEP_MAX; an item that drops out (gone, or no longer among
 * them) loses its history, and starts a new one if it comes back.
 * Parts of meminfo are pushed every tick; the lists' parts and items at
 * the source's readings of the lists only (breakdown.parts_read).
 *
 * Contract: memmodel_update takes a snapshot and the process table updated
 * from it; a snapshot without a breakdown leaves the model as it was.
 * memmodel_free frees the detectors; a zeroed model is empty. Allocation:
 * one detector per part at its first sample, one per item while tracked
 * (-ENOMEM: that detector is missing, the rest goes on).
 */
#ifndef MEMTOP_MEMMODEL_H
#define MEMTOP_MEMMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/leak.h"
#include "model/proctable.h"
#include "proc/memparts.h"
#include "proc/snapshot.h"

#define MEMMODEL_TRACK_MAX 32     // the largest items of a kind with a detector
#define MEMMODEL_KEEP_MAX 64      // and with the suspected ones kept, at most
#define MEMMODEL_NAME_MAX MEMPARTS_NAME_MAX

/* The parts, in the screen's order. */
enum mem_part {
	MP_FREE, MP_ANON, MP_PROCS_ANON, MP_PAGECACHE, MP_BUFFERS, MP_SWAPCACHED,
	MP_SHMEM, MP_TMPFS, MP_SYSV, MP_SHMEM_REST,
	MP_SLAB, MP_SLAB_RECL, MP_SLAB_UNRECL,
	MP_KSTACK, MP_PTABLES, MP_VMALLOC, MP_PERCPU, MP_HUGETLB, MP_UNACCOUNTED,
	MP_COUNT
};

enum mem_item_kind { MI_TMPFS, MI_SYSV, MI_SLAB, MI_KINDS };

/* A detector and what it was last fed. */
struct mem_track {
	int64_t kb;                   // now (unaccounted may be < 0)
	bool have;                    // a value was seen
	struct leak_state *leak;      // NULL until its first sample (or out of memory)
	struct leak_verdict verdict;
};

struct mem_item {
	enum mem_item_kind kind;
	char name[MEMMODEL_NAME_MAX]; // the mount point, the cache, "shmid N key 0xK"
	union {
		struct tmpfs_part tmpfs;
		struct shm_part shm;
		struct slab_part slab;
	} u;                          // the last reading
	struct mem_track track;
	double first_t;               // when it was first tracked
};

struct memmodel {
	enum leak_sensitivity sensitivity;
	bool have;                    // a breakdown was seen
	bool have_lists;              // its lists were read at least once
	double t, lists_t;            // the last tick, the lists' last reading
	struct meminfo_parts mi;
	struct mem_track part[MP_COUNT];
	struct mem_item *item[MI_KINDS];   // MEMMODEL_KEEP_MAX each, allocated at the first reading
	size_t nitem[MI_KINDS];
	size_t seen[MI_KINDS];        // how many the source saw (mounts, segments, caches)
	int err[MI_KINDS];            // the source's 0 or -errno for each list
};

/* A part's key in batch output ("page_cache"). */
const char *memmodel_part_key(enum mem_part p);
/* The part a sub-row belongs under, or MP_COUNT for a top-level part. */
enum mem_part memmodel_part_parent(enum mem_part p);
const char *memmodel_item_kind_key(enum mem_item_kind k);

/* One line of the breakdown as the screen and batch output show it: the
 * parts in enum order, each list part followed by its items (the slab
 * caches after "unreclaimable"). */
struct mem_row {
	int depth;                    // 0 a part, 1 a part's sub-part or a slab cache, 2 an item
	enum mem_part part;           // the part, or an item's parent part
	const struct mem_item *item;  // NULL for a part
	const char *name;             // the part's label or the item's name
	int64_t kb;
	bool in_total;                // counts into MemTotal's sum
	const struct mem_track *track;
};
#define MEMMODEL_ROWS_MAX (MP_COUNT + MI_KINDS * MEMMODEL_KEEP_MAX)
/* Fills out (cap rows) with the rows; returns how many (0 before the first
 * breakdown). Valid until the next update. */
size_t memmodel_rows(const struct memmodel *m, struct mem_row *out, size_t cap);

/* Merges one tick. 0, or -ENOMEM (a detector could not be had). */
int memmodel_update(struct memmodel *m, const struct snapshot *snap, const struct proctable *pt);
/* The parts' sum that makes MemTotal (every counted part, unaccounted
 * included): equal to mi.total_kb once a breakdown was seen. */
int64_t memmodel_total_kb(const struct memmodel *m);
void memmodel_free(struct memmodel *m);

#endif
