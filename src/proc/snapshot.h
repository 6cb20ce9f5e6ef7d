/* snapshot.h — what one sampler tick saw: plain structs, no behaviour.
 *
 * Contract: a snapshot and every string it points to are owned by the sampler
 * that filled it and stay valid until that sampler's next tick or its
 * destruction. Strings are already sanitised (see text.h). Sizes are KiB.
 */
#ifndef MEMTOP_SNAPSHOT_H
#define MEMTOP_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proc/procparse.h"
#include "proc/psi.h"

#define SNAPSHOT_USER_MAX 64
#define SNAPSHOT_COMM_MAX 80     // a 15-byte comm escaped grows up to 4x
// Raw bytes of a command line the sampler keeps (cmdline_cut beyond), and
// the most they grow to escaped (4x: a byte may become \xNN), with the NUL.
#define SNAPSHOT_CMDLINE_RAW_MAX (32 * 1024)
#define SNAPSHOT_CMDLINE_TEXT_MAX (4 * SNAPSHOT_CMDLINE_RAW_MAX + 1)

struct sys_sample {
	double wall_time;            // seconds since the epoch (CLOCK_REALTIME)
	double mono_time;            // seconds (CLOCK_MONOTONIC), for intervals
	bool have_meminfo;
	uint64_t total_kb, available_kb, free_kb, buffers_kb, cached_kb, shmem_kb;
	uint64_t swap_total_kb, swap_free_kb;
	bool have_psi;               // false when the kernel has no PSI
	struct psi psi;
	// Only with source_config.system_counters: OOM kills since boot
	// (/proc/vmstat oom_kill, Linux 4.13+); have_oom_kill false otherwise.
	bool have_oom_kill;
	uint64_t oom_kill;
};

/* The sampler's bookkeeping for one process; nobody else reads it. */
struct sample_private {
	int statm_fd;                // kept open and re-read with pread, or -1
	bool pending;                // listed from stat alone: names and details to read
	bool refresh_now;            // exec'd or renamed: details and names due this tick
	uint32_t text_pages;         // statm text size: another program's differs
	uint32_t exec_sig;           // stat's code and stack start folded; 0 unknown
	uint64_t detail_resident, detail_shared;   // statm pages when the detail fields were read
	double detail_due;           // monotonic time the next detail read is due
	uint64_t vm_pages;           // statm size now
	uint64_t heap_vm_pages;      // statm size when the heap was read
};

struct proc_sample {
	int pid, ppid;
	uint64_t start_ticks;        // with pid, the process's identity
	double start_time_s;         // seconds after boot
	bool kthread;
	// (The flags are together, so the struct has no padding holes.)
	bool have_detail, have_heap, have_cg_headroom;
	bool cmdline_cut;            // the command line was longer than the sampler keeps
	bool recorded;               // from a recording: file, shmem and data were not kept
	uint16_t exec_gen;           // counts the execs seen: a new program, a new history
	const char *user;            // never NULL; shared by all its processes
	char *comm;                  // never NULL; one allocation with the three below
	char *cmdline;               // never NULL
	char *cgroup;                // never NULL; "" when unknown
	// The executable's path (/proc/PID/exe, with the kernel's " (deleted)"
	// when it was removed), read with the names and only with
	// source_config.read_exe. Never NULL; "" when unknown: not asked for,
	// not yet read (pending), not allowed (another user's process, when
	// not root), a kernel thread or a zombie.
	char *exe;

	// Read every tick (statm).
	uint64_t rss_kb, anon_kb, shared_kb;   // shared = file + shmem

	// Read when due (status, oom_score, oom_score_adj): see sampler.h.
	uint64_t file_kb, shmem_kb, swap_kb, data_kb;
	int oom_score, oom_score_adj;
	double detail_time;          // monotonic time of that read

	// Read only for processes whose heap was asked for (maps).
	uint64_t heap_kb;

	// Read only for processes whose cgroup limit was asked for (suspected
	// leaks): what the memory cgroup still allows, when it has a limit.
	uint64_t cg_headroom_kb;

	struct sample_private priv;
};

/* A memory cgroup that holds processes, as the source read it at a tick
 * (source_config.cgroup_every_s). Sizes in KiB. */
struct cgroup_reading {
	const char *path;            // as proc_sample.cgroup names it; never NULL
	bool gone;                   // removed before it could be read: nothing else is set
	bool have_usage, have_limit, unlimited;   // unlimited: "max" or v1's huge value
	                             // (limit_kb 0)
	uint64_t usage_kb, limit_kb;
	bool have_anon;              // its own anonymous memory + swap (memory.stat:
	uint64_t anon_kb;            // v2 anon + swap.current, v1 rss + swap; not
	                             // for the root, whose file is the machine's)
	bool have_pressure;          // v2 memory.pressure (none on v1)
	struct psi pressure;
};

struct snapshot {
	struct sys_sample sys;
	const struct proc_sample *const *procs;   // sorted by pid
	size_t nprocs;
	// The cgroups read at this tick, sorted by path (strcmp); none (0)
	// at most ticks: they are read every source_config.cgroup_every_s.
	const struct cgroup_reading *cgroups;
	size_t ncgroups;
	bool cgroups_read;           // this tick read them (ncgroups may still be 0)
};

#endif
