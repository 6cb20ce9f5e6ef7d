/* memparts.h — where the machine's memory went: the /proc/meminfo parts the
 * breakdown needs, the tmpfs mounts (mountinfo + statfs), the SysV shared
 * memory segments (/proc/sysvipc/shm) and the slab caches (/proc/slabinfo,
 * root only); the pure parsers of those formats and the struct the live
 * sampler hands up in snapshot.breakdown.
 *
 * Contract: the parsers take a buffer and its length (no NUL needed), never
 * read a file, and keep at most the capacity they are given (the largest
 * entries, by what each says), counting the rest; names they keep are
 * sanitised (text.h). They return 0, or -EINVAL for text that is not of
 * their format (nothing kept is then meaningful). A last line without a
 * newline (a cut read) is ignored. Sizes are KiB unless a name says bytes.
 * The live reading is the sampler's (sampler_memparts.c).
 */
#ifndef MEMTOP_MEMPARTS_H
#define MEMTOP_MEMPARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEMPARTS_NAME_MAX 160      // a mount point, sanitised (cut beyond)
#define MEMPARTS_SLAB_NAME_MAX 64  // a slab cache's name, sanitised
#define MEMPARTS_TMPFS_MAX 64      // tmpfs mounts handed up (the largest)
#define MEMPARTS_SHM_MAX 64        // SysV segments handed up (the largest)
#define MEMPARTS_SLAB_MAX 128      // slab caches handed up (the largest)
#define MEMPARTS_STATFS_MAX 1024   // distinct tmpfs mounts statfs'd per reading

/* The /proc/meminfo fields of the breakdown (KiB), read every tick. */
struct meminfo_parts {
	uint64_t total_kb, free_kb, buffers_kb, cached_kb, swap_cached_kb;
	uint64_t anon_kb;                  // AnonPages
	uint64_t shmem_kb;                 // Shmem (inside Cached)
	uint64_t sreclaimable_kb, sunreclaim_kb;
	uint64_t kernel_stack_kb, page_tables_kb, vmalloc_used_kb, percpu_kb;
	uint64_t hugetlb_kb;               // Hugetlb, else HugePages_Total x Hugepagesize
};

/* One tmpfs mount (one per device: bind mounts are one). */
struct tmpfs_part {
	char mount[MEMPARTS_NAME_MAX];     // its first mount point, sanitised
	uint32_t major, minor;             // its device (with mount: its identity)
	uint64_t used_kb, size_kb;         // statfs: blocks used (swapped pages too), size
};

/* One SysV shared memory segment. */
struct shm_part {
	int64_t key;                       // IPC key (0: IPC_PRIVATE)
	int64_t shmid;                     // with key, its identity
	uint64_t size_kb;                  // its size
	bool have_rss;                     // the kernel gives rss and swap (Linux 4.x+)
	uint64_t rss_kb, swap_kb;          // resident (counted in Shmem) and swapped
	uint64_t nattch;
	int cpid, lpid;
};

/* One slab cache (slabinfo 2.1). */
struct slab_part {
	char name[MEMPARTS_SLAB_NAME_MAX];
	uint64_t active_objs, num_objs, objsize;   // objsize in bytes
	uint64_t pages_per_slab, num_slabs;
	uint64_t kb;                       // num_slabs x pages_per_slab x page size
};

/* What the sampler hands up (snapshot.breakdown). The meminfo parts are
 * fresh every tick; the lists are of the last reading (parts_t), which is
 * this tick's when parts_read. An error is 0 or -errno of its file:
 * slab_err -EACCES when not root (the caches are not shown, the Slab totals
 * of meminfo still are). */
struct mem_breakdown {
	bool have_meminfo;
	struct meminfo_parts mi;
	bool parts_read;                   // the lists below were read this tick
	double parts_t;                    // monotonic seconds of their reading; < 0: never
	int tmpfs_err, shm_err, slab_err;
	struct tmpfs_part tmpfs[MEMPARTS_TMPFS_MAX];   // the largest, by used_kb
	size_t ntmpfs, tmpfs_seen;         // kept; distinct tmpfs mounts seen
	uint64_t tmpfs_used_kb;            // every one's used_kb summed
	struct shm_part shm[MEMPARTS_SHM_MAX];         // the largest, by rss (else size)
	size_t nshm, shm_seen;
	uint64_t shm_rss_kb;               // every segment's rss (size when no rss) summed
	struct slab_part slab[MEMPARTS_SLAB_MAX];      // the largest, by kb
	size_t nslab, slab_seen;
};

/* A mount of /proc/self/mountinfo that is a tmpfs: its decoded mount point
 * (raw, not sanitised: it is what statfs needs) and device. */
struct tmpfs_mount {
	char path[1024];
	uint32_t major, minor;
};

/* Lists the tmpfs mounts of a mountinfo text, one per device (the first
 * mount of each), at most cap into out; *seen counts every distinct one.
 * Mount points longer than the path array are skipped. */
int memparts_parse_tmpfs_mounts(const char *buf, size_t len, struct tmpfs_mount *out, size_t cap,
				size_t *n, size_t *seen);

/* Parses /proc/sysvipc/shm: the header names the columns (rss and swap only
 * on newer kernels). Keeps the largest cap segments by rss (size when the
 * kernel gives no rss) in out, largest first; *seen counts all; *rss_sum_kb
 * sums every segment's rss (size when none). */
int memparts_parse_sysvipc_shm(const char *buf, size_t len, struct shm_part *out, size_t cap, size_t *n,
			       size_t *seen, uint64_t *rss_sum_kb);

/* Parses /proc/slabinfo version 2.1 with pages of page_kb KiB; keeps the
 * largest cap caches by size in out, largest first; *seen counts all.
 * -EINVAL also for another version. */
int memparts_parse_slabinfo(const char *buf, size_t len, uint64_t page_kb, struct slab_part *out, size_t cap,
			    size_t *n, size_t *seen);

/* Keeps a tmpfs mount's reading in out (largest cap by used_kb, largest
 * first), the way the parsers keep theirs. */
void memparts_keep_tmpfs(struct tmpfs_part *out, size_t cap, size_t *n, const struct tmpfs_part *p);

#endif
