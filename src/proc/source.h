/* source.h — where the model's data comes from: the interface every source
 * implements (the live /proc sampler today, proc/sampler.h; a recording
 * next), and the plain structs they hand up.
 *
 * Contract: a source fills one snapshot per tick (valid until the next);
 * the optional calls (the screen's wanted rows, idle-time filling, the
 * cgroup watch, one process's details, signals, the PSI trigger, the
 * cgroups' reading pace) may be NULL in a source that has nothing to do for them:
 * the monitor's wrappers (model/monitor.h) then do nothing or return
 * -ENOTSUP. Strings in what a source hands up are already sanitised, except
 * the smaps mapping names (raw: the mapping table sanitises them as it
 * interns them). What a source reads beyond what the screen needs is
 * switched on in struct source_config.
 */
#ifndef MEMTOP_SOURCE_H
#define MEMTOP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proc/allocsnap.h"
#include "proc/smaps.h"
#include "proc/snapshot.h"

struct source_config {
	const int *pids;        // only these processes; NULL = all
	size_t npids;
	bool listed_detail;     // the listed pids start out wanted (see below)
	bool kernel_threads;    // include kernel threads in snapshots
	bool lazy_start;        // list a burst of new processes from stat and statm
	                        // alone; names and details follow (see below)
	// Readings the screen and batch mode do not need: off there, where
	// they then cost nothing (no file opened, no read):
	bool system_counters;   // sys_sample.oom_kill: /proc/vmstat every tick
	bool read_exe;          // proc_sample.exe: /proc/PID/exe with the names
	bool oom_log;           // snapshot.oom_kills: the kernel log (/dev/kmsg, root)
	// The memory cgroups that hold listed processes: their usage, limit,
	// own anonymous memory and pressure (snapshot.cgroups), read at the
	// first tick and then once this many seconds have passed; 0: never.
	double cgroup_every_s;
	// The memory breakdown (snapshot.breakdown): its meminfo parts every
	// tick and its lists (tmpfs mounts, SysV segments, slab caches) once
	// this many seconds have passed; 0: none (snapshot.breakdown NULL).
	double breakdown_every_s;
};

/* A process's memory cgroup, as far as this machine's layout shows it. */
struct cgroup_detail {
	char v2_path[256], v1_path[256];   // raw, relative to each hierarchy's root
	bool have_pressure;                // v2 memory.pressure
	struct psi pressure;
	bool have_current, have_max, max_unlimited, have_high, high_unlimited, have_swap;
	uint64_t current, max, high, swap_current;   // bytes (v2)
	bool have_v1;                      // v1 memory.usage_in_bytes / limit_in_bytes
	bool v1_unlimited;
	uint64_t v1_usage, v1_limit;       // bytes
};

/* What the detail view (and memtop --smaps) reads of one process. */
struct proc_detail {
	int pid;
	int err;                 // 0, or -errno of reading smaps (-EACCES: not allowed)
	bool exited;             // gone, or the pid now names another process
	char state;              // from stat; '?' when unknown
	struct smaps maps;       // its mappings (names raw, not sanitised)
	// Set by the caller to stream the mappings: smaps is then read and
	// parsed a piece at a time, each piece's mappings go to maps_sink, and
	// maps holds one piece, never the whole process. NULL: maps gets all.
	int (*maps_sink)(void *ctx, const struct smaps *piece);   // 0 or -ENOMEM
	void *maps_ctx;
	struct smaps rollup;     // smaps_rollup: one mapping, when have_rollup
	bool have_rollup;
	struct cgroup_detail cg;
};
void proc_detail_free(struct proc_detail *d);

/* Where a recorded source (replay) stands in its recording. Times are wall
 * seconds since the epoch, as recorded. */
struct source_timeline {
	double first_t, last_t;      // the first and the newest sample
	double at_t;                 // the sample the next tick gives: the one the
	                             // last tick gave, unless moved since
	size_t count, index;         // samples in the recording; that one's (0-based)
	bool follow;                 // each tick goes to the newest sample (End)
	bool writing;                // another memtop is still writing the file
	bool this_boot;              // the sample was recorded in the running boot
	const char *host;            // the machine it was recorded on (sanitised); never NULL
};

/* How source_ops.move moves (see there). */
enum source_move {
	SOURCE_MOVE_STEP,            // arg samples on (negative: back)
	SOURCE_MOVE_TIME,            // to the last sample at or before wall time arg
	SOURCE_MOVE_FIRST,
	SOURCE_MOVE_LAST,            // and follow the newest from then on
};

/* A request for the recorded past of some processes (source_ops.series),
 * in monotonic seconds (the monitor's clock), up to but not including to_t.
 * The detector keeps less of the past the older it is: from level[k].from_t
 * on (oldest level first), a source may give one point per
 * level[k].bucket_s bucket (floor(t / bucket_s)), the bucket's smallest
 * value at the bucket's start; bucket_s 0 (the newest level): every value.
 * Nothing before level[0].from_t is needed. */
#define SOURCE_SERIES_LEVELS 6
struct source_series_req {
	const int *pids;                 // sorted ascending
	const uint64_t *start_ticks;     // with pids[i], the process's identity
	const char *const *paths;        // cgroup_series: the cgroups instead (pids NULL)
	size_t n;
	double to_t;
	struct { double from_t, bucket_s; } level[SOURCE_SERIES_LEVELS];
	size_t nlevels;
};

/* Receives process req->pids[i]'s leak signal (anonymous + swap, KiB) at
 * monotonic time t. Each process's points come oldest first; different
 * processes' points may interleave. */
typedef void source_series_fn(void *ctx, size_t i, double t, uint64_t sig_kb);

#define SOURCE_FILL_IDLE_CHUNK 64              // pending processes read per idle moment
#define SOURCE_CMDLINE_FULL_MAX (256 * 1024)   // two MAX_ARG_STRLEN arguments

struct sysfacts;

/* What a source does; impl is its own state. See proc/sampler.h for what
 * each call means for the live sampler. */
struct source_ops {
	const char *name;                       // "live"
	int (*tick)(void *impl, struct snapshot *out);      // 0, or -errno: no processes listed
	void (*close)(void *impl);
	int (*set_wanted)(void *impl, const int *pids, size_t n);
	void (*fill_pending)(void *impl);
	bool (*fill_idle)(void *impl, size_t max);
	bool (*idle_work)(const void *impl);
	int (*set_cgroup_watch)(void *impl, const int *pids, size_t n);
	int (*read_detail)(void *impl, int pid, uint64_t start_ticks, struct proc_detail *d);
	int (*read_detail_state)(void *impl, int pid, uint64_t start_ticks, struct proc_detail *d);
	int (*read_cmdline)(void *impl, int pid, uint64_t start_ticks, char **out, bool *cut);
	int (*send_signal)(void *impl, int pid, uint64_t start_ticks, int sig);
	int (*psi_trigger)(void *impl, unsigned stall_us, unsigned window_us);
	// How often the cgroups are read for the snapshot from now on
	// (source_config.cgroup_every_s; 0: never). NULL: a recording, whose
	// readings are those recorded.
	void (*set_cgroup_every)(void *impl, double every_s);
	// A recording's time line; false for a live source (NULL: live).
	bool (*timeline)(const void *impl, struct source_timeline *out);
	// Where the next tick reads (a recording). Moving clears follow
	// unless how is SOURCE_MOVE_LAST. 0; 1 when already there (nothing
	// moved); -ERANGE: a time outside the recording (nothing moved).
	// A recording's OOM kills (snapshot.oom_kills) follow the moves: a
	// tick one step on from the sample the last tick gave (or, while
	// following, on to the newest) hands up the kills first recorded
	// after that sample, as the live source hands up those since its
	// last tick; a tick at the same sample again hands up none; after
	// any other move (a move that is not a step, a step back or by more
	// than one, a sample of another boot) it hands up every kill of the
	// sample's boot up to it, with since_start as recorded, as the live
	// source's first tick hands up the log's backlog: a model keeps each
	// kill once (by seq within a boot). At most the newest 32 a tick.
	// sys.oom_log_err is as recorded (-ENOTSUP: not recorded).
	int (*move)(void *impl, enum source_move how, double arg);
	// The recorded leak signal of the processes req names, over its span
	// (struct source_series_req): what the monitor seeds its detectors with
	// (a jump in a replay; the history a live start finds in a recording).
	// 0 (nothing recorded is not an error), or -errno.
	int (*series)(void *impl, const struct source_series_req *req, source_series_fn *push, void *ctx);
	// The same for cgroups (req->paths): each one's recorded leak signal
	// (its own anonymous memory + swap) as the readings gave it. A cgroup
	// whose signal was not recorded gets no point.
	int (*cgroup_series)(void *impl, const struct source_series_req *req, source_series_fn *push, void *ctx);
	// The machine's settings that decide what a leak turns into (proc/
	// sysfacts.h), read now, for the checkup panel. 0 or -errno; NULL: a
	// recording, which has no machine to ask.
	int (*read_sysfacts)(void *impl, struct sysfacts *out);
	// How often the breakdown's lists are read from now on
	// (source_config.breakdown_every_s; 0: no breakdown). NULL: none.
	void (*set_breakdown_every)(void *impl, double every_s);
	// Allocation sites (proc/allocsnap.h): attaches uprobes to the
	// allocator of process (pid, start_ticks), one session per source
	// at a time (a second attach detaches the first). 0, or -errno with
	// why filled (one line). NULL: a recording (-ENOTSUP).
	int (*alloc_attach)(void *impl, int pid, uint64_t start_ticks, const struct alloc_options *opt,
			    char *why, size_t whylen);
	// One reading of the session, valid until the next read or the
	// detach. 0, or -errno (-ENODEV: no session).
	int (*alloc_read)(void *impl, struct alloc_snapshot *out);
	// Removes every probe of the session; nothing when none.
	void (*alloc_detach)(void *impl);
};

struct source {
	const struct source_ops *ops;
	void *impl;
};

/* The sources a run reads (main opens them; output/sources.h): a recording
 * to show, or for a live run the recording its detectors are seeded from.
 * Either may be absent (ops NULL). A mode takes them over and zeroes them. */
struct monitor;
struct run_sources {
	struct source recorded;      // -r FILE
	struct source history;       // a live run's past (monitor_set_history)
	// What a live screen does with each tick besides showing it (memtop
	// -w FILE --screen: the recorder). Returns 0, or -1 when it cannot go
	// on (it is then not called again); msg gets a line to show, or "".
	int (*after_tick)(void *ctx, struct monitor *m, char *msg, size_t msglen);
	void *after_tick_ctx;
};

#endif
