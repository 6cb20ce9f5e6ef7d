/* allocprobe.h — uprobes on one process's allocator, counting its
 * outstanding allocations by user stack in the kernel (eBPF, CO-RE, a
 * skeleton generated at build time from src/proc/bpf/allocsites.bpf.c).
 *
 * Attaching finds the allocator the process maps (glibc's malloc, calloc,
 * realloc, free, posix_memalign, aligned_alloc, memalign, valloc, pvalloc,
 * mmap, munmap; jemalloc's or tcmalloc's entry points when mapped), through
 * /proc/PID/root so a container's own libc is probed, and attaches every
 * probe for that pid only; any failure detaches what was attached and says
 * why in one line. Probes are bpf links held by file descriptors: they go
 * when memtop closes them, exits, or is killed. Uprobe session links where
 * the kernel has them (6.10), else uprobe_multi links (6.6: detaching takes
 * ~0.1 s), else one perf-event uprobe a function (detaching takes ~2 s);
 * MEMTOP_BPF_NO_SESSION=1 and MEMTOP_BPF_NO_MULTI=1 skip the first, both.
 * docs/alloc-sites.md has the details and the costs.
 *
 * Built without BPF (make NO_BPF=1), alloc_probe_built() is false and
 * alloc_probe_attach fails with -ENOTSUP and a line that says so.
 */
#ifndef MEMTOP_ALLOCPROBE_H
#define MEMTOP_ALLOCPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proc/allocsnap.h"

#define ALLOC_DEFAULT_MAX_LIVE   (1u << 20)    // outstanding allocations tracked
#define ALLOC_DEFAULT_MAX_STACKS 16384u

struct alloc_probe;

/* One stack's outstanding (tracked) allocations as the kernel counts them. */
struct alloc_probe_row {
	int32_t stack_id;           // -1: allocations whose stack was lost
	uint64_t bytes, count;      // tracked (not yet multiplied by sample_every)
	uint64_t oldest_ns;         // CLOCK_MONOTONIC of the oldest outstanding one; 0 unknown
};

struct alloc_probe_reading {
	uint64_t now_ns;            // CLOCK_MONOTONIC at the reading
	struct alloc_probe_row *rows;   // grown by alloc_probe_read; freed by the caller (free)
	size_t nrows, caprows;
	uint64_t allocs, frees, tracked, untracked_full, stacks_lost;
	bool target_gone;           // the process exited (or exec'd: alloc_probe_read says which)
	bool target_execed;
};

bool alloc_probe_built(void);

/* Attaches to process pid (identified by start_ticks: a reused pid fails).
 * 0, or -errno with why (one line, no newline) filled: -EPERM not root,
 * -ENOTSUP no BTF/uprobes/not built, -ENOENT no allocator found (a static
 * or stripped allocator), -ESRCH gone. */
int alloc_probe_attach(struct alloc_probe **out, int pid, uint64_t start_ticks,
		       const struct alloc_options *opt, char *why, size_t whylen);

/* The allocator attached to, for the screen ("glibc malloc (libc.so.6)"). */
const char *alloc_probe_allocator(const struct alloc_probe *p);

/* How the probes are attached: "uprobe sessions" (Linux 6.10: a call left
 * untracked costs no return probe), "uprobe_multi links" (6.6) or
 * "perf-event uprobes" (older; detaching takes ~2 s). */
const char *alloc_probe_mechanism(const struct alloc_probe *p);

/* The limits in force (opt's, defaults filled in). */
void alloc_probe_limits(const struct alloc_probe *p, struct alloc_options *out);

/* Reads the per-stack counters and the call counters. 0 or -errno. */
int alloc_probe_read(struct alloc_probe *p, struct alloc_probe_reading *r);

/* A stack's user-space return addresses, innermost first (the allocator's
 * caller first). Returns the depth (<= max), or -errno (-ENOENT: no such id). */
int alloc_probe_stack(struct alloc_probe *p, int32_t stack_id, uint64_t *ips, size_t max);

/* Removes every probe and frees p. NULL is fine. */
void alloc_probe_detach(struct alloc_probe *p);

/* Which allocator a process uses, from its /proc/PID/maps text (pure; built
 * without BPF too). The executable is the first file mapped; an allocator
 * library is known by its file name: libjemalloc.so*, libtcmalloc*.so*,
 * libc.so.6 (or libc-*.so). jemalloc, then tcmalloc, then glibc is used;
 * none: the executable's own malloc (a static program). A path (raw, not
 * sanitised) that does not fit is not kept; lo..hi spans all its mappings,
 * first_lo..first_hi is its first one (its /proc/PID/map_files entry). A
 * file deleted since it was mapped (" (deleted)", a library upgraded under
 * a running program) has deleted set and the suffix cut from path. */
enum alloc_lib { ALLOC_LIB_NONE, ALLOC_LIB_GLIBC, ALLOC_LIB_JEMALLOC, ALLOC_LIB_TCMALLOC, ALLOC_LIB_N };

struct alloc_lib_map {
	char path[4096];            // "" when not mapped
	uint64_t lo, hi;
	uint64_t first_lo, first_hi;
	bool deleted;
};

struct alloc_maps {
	struct alloc_lib_map exe;
	struct alloc_lib_map lib[ALLOC_LIB_N];
	enum alloc_lib use;
};

/* 0, or -ENOENT when no file is mapped at all (a kernel thread). */
int alloc_probe_find_allocator(const char *maps, size_t len, struct alloc_maps *out);

#endif
