/* sampler_int.h — the sampler's state, shared by its two halves and by
 * nothing else: sampler.c (the tick: every process's statm, new processes,
 * their names and details when due) and sampler_detail.c (what is read on
 * demand for one process: smaps, the cgroup's files, the whole command line,
 * a signal through a pidfd).
 */
#ifndef MEMTOP_SAMPLER_INT_H
#define MEMTOP_SAMPLER_INT_H

#include <dirent.h>
#include <limits.h>
#include <libproc2/meminfo.h>
#include <libproc2/pids.h>

#include "proc/cgfiles.h"
#include "proc/cgreader.h"
#include "proc/kmsgread.h"
#include "proc/procfs.h"
#include "proc/sampler.h"
#include "util/strset.h"

#define CMDLINE_MAX SNAPSHOT_CMDLINE_RAW_MAX    // raw bytes of a command line kept (cmdline_cut beyond)
#define SCRATCH_HALF SNAPSHOT_CMDLINE_TEXT_MAX // a sanitised command line at most
#define SMAPS_MAX (512 * 1024 * 1024)       // a huge process's smaps; the rest is cut
// /proc/vmstat: ~4 KB here, some 8 KB with many NUMA nodes' counters and
// 20-digit values; a cut one still gives the lines before the cut.
#define VMSTAT_MAX (16 * 1024)
#define EXE_MAX PATH_MAX                    // the kernel hands out at most PATH_MAX - 1 bytes
#define EXE_TEXT_MAX (4 * EXE_MAX + 1)      // an exe path sanitised

struct sampler {
	struct source_config cfg;
	int *listed;                         // cfg.pids, sorted, no duplicates
	size_t nlisted;
	int *wanted;                         // heap and detail every tick; sorted
	size_t nwanted, wanted_cap;
	int *cg_watch;                       // cgroup headroom every tick; sorted
	size_t ncg_watch, cg_watch_cap;
	int proc_fd;
	DIR *proc_dir;
	int psi_fd;
	int vmstat_fd;                       // cfg.system_counters: kept, read with pread; else -1
	struct kmsgread *kmsg;               // cfg.oom_log: the kernel log; NULL when not
	int kmsg_err;                        // or why it could not be opened (-errno)
	struct pids_info *pids_info;
	struct meminfo_info *mem_info;
	long hertz;
	long page_kb;
	long fd_budget, fds_kept;            // statm fds we may keep, and do
	double now;                          // monotonic time of this tick
	double clock_scale, clock_origin;    // MEMTOP_CLOCK_SCALE (tests): see sampler_clock
	double wall_origin;                  // and sampler_wall_clock
	struct cg_mounts cg_mounts;          // where the cgroup hierarchies are
	bool memory_on_v2;                   // the memory controller is on cgroup2

	// Live processes, sorted by pid: each sample is allocated once, when
	// its process is first seen, and moves between the two arrays by
	// pointer (8 bytes a tick, not the whole sample).
	struct proc_sample **ents, **next;
	size_t nents, cap;
	bool burst;                          // this tick listed a burst lazily
	size_t idle_pos;                     // next entry sampler_fill_idle looks at
	bool idle_fill;                      // entries may be pending since a burst
	char **users;                        // user names, each kept once
	size_t nusers, users_cap;
	int *listing;                        // pids found this tick
	size_t nlisting, listing_cap;
	unsigned *todo;                      // pids for the next libproc2 select
	size_t ntodo;
	const struct proc_sample **view;
	struct procfs_buf buf;
	char *scratch;                       // sanitiser output: 2 x SCRATCH_HALF
	char *exe_raw, *exe_text;            // cfg.read_exe: EXE_MAX and EXE_TEXT_MAX; else NULL
	// The cgroups of the snapshot (sampler_cgroups.c): paths point into
	// the processes' samples; both arrays hold one per listed process.
	const char **cg_paths;
	struct cgroup_reading *cg_readings;
	struct strset_key *cg_keys;          // for finding the distinct ones
	struct cgreader *cg_reader;          // their files, kept open; NULL until read
	size_t cg_cap;
	double cg_last_read;                 // monotonic; 0: never
	// The memory breakdown (sampler_memparts.c): NULL until the first tick
	// with cfg.breakdown_every_s; its lists read every that many seconds.
	struct mem_breakdown *breakdown;
	double bd_last_read;                 // monotonic; 0: never
	// The allocation-sites session (sampler_alloc.c): NULL when none.
	struct alloc_session *alloc;
};

/* The sampler's monotonic clock (seconds; MEMTOP_CLOCK_SCALE scales it). */
double sampler_clock(struct sampler *s);
/* The start time of pid now, from /proc/PID/stat: 0, -ESRCH when gone, or
 * -errno when unreadable. */
int sampler_start_ticks(struct sampler *s, int pid, uint64_t *start);

/* Allocation sites (source_ops alloc_attach/read/detach, proc/source.h):
 * one session of uprobes (proc/allocprobe.h) and a symboliser
 * (proc/symbolize.h) for one process; sampler_free detaches it. */
int sampler_alloc_attach(struct sampler *s, int pid, uint64_t start_ticks, const struct alloc_options *opt,
			 char *why, size_t whylen);
int sampler_alloc_read(struct sampler *s, struct alloc_snapshot *out);
void sampler_alloc_detach(struct sampler *s);

/* Reads the cgroups of out's processes into out->cgroups when
 * cfg.cgroup_every_s has passed since the last reading; else none. */
void sampler_read_cgroups(struct sampler *s, struct snapshot *out);
/* Changes how often they are read (0: never). */
void sampler_set_cgroup_every(struct sampler *s, double every_s);

/* Hands up the memory breakdown in out->breakdown when
 * cfg.breakdown_every_s is set (else NULL): the meminfo parts of this tick,
 * and the lists read again when that many seconds have passed. */
void sampler_read_breakdown(struct sampler *s, struct snapshot *out);
/* Changes how often the lists are read (0: no breakdown at all). */
void sampler_set_breakdown_every(struct sampler *s, double every_s);
/* Allocates the breakdown when cfg asks for one (the meminfo parts are
 * filled before the lists are read in a tick). */
void sampler_breakdown_alloc(struct sampler *s);

/* Fills the cgroup section of a detail read: pressure (when asked for) and
 * (v2) the memory files, or (v1) usage and limit; whatever the layout has. */
void sampler_read_cgroup(struct sampler *s, int pid, bool with_pressure, struct cgroup_detail *cg);

#endif
