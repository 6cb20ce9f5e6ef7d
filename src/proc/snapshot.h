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

#include "proc/memparts.h"
#include "proc/procparse.h"
#include "proc/psi.h"

#define SNAPSHOT_USER_MAX 64
#define SNAPSHOT_COMM_MAX 80     // a 15-byte comm escaped grows up to 4x
// Raw bytes of a command line the sampler keeps (cmdline_cut beyond), and
// the most they grow to escaped (4x: a byte may become \xNN), with the NUL.
#define SNAPSHOT_CMDLINE_RAW_MAX (32 * 1024)
#define SNAPSHOT_CMDLINE_TEXT_MAX (4 * SNAPSHOT_CMDLINE_RAW_MAX + 1)

/* One OOM kill as the kernel log reported it (/dev/kmsg, root only; parsed
 * by proc/kmsg.h). Strings are sanitised; a field the kernel's wording did
 * not give is left 0 / "" with its have_ flag false. Sizes KiB. */
#define OOM_CGROUP_MAX 256        // a cgroup path as the log gives it, sanitised
#define OOM_TEXT_MAX 96           // gfp mask, constraint name
#define OOM_TASKS_MAX 5           // the largest rows of the task table kept

enum oom_scope {
	OOM_SCOPE_UNKNOWN,        // no constraint line (older kernels), and the kill
	                          // line did not say
	OOM_SCOPE_GLOBAL,         // CONSTRAINT_NONE: the whole machine ran out
	OOM_SCOPE_MEMCG,          // CONSTRAINT_MEMCG: a memory cgroup hit its limit
	OOM_SCOPE_CPUSET,         // CONSTRAINT_CPUSET
	OOM_SCOPE_MEMPOLICY,      // CONSTRAINT_MEMORY_POLICY
};

struct oom_task_row {             // one row of the report's task table
	int pid, uid;
	uint64_t total_vm_kb, rss_kb, rss_anon_kb, rss_file_kb, rss_shmem_kb, pgtables_kb, swap_kb;
	bool have_split;          // rss_anon/file/shmem given (newer kernels)
	int oom_score_adj;
	char comm[SNAPSHOT_COMM_MAX];
};

struct oom_kill {
	uint64_t seq;             // the kill record's sequence number in the log
	double boot_s;            // when, in seconds after boot (the record's stamp)
	double mono_time;         // the same on the monitor's clock (CLOCK_MONOTONIC)
	double wall_time;         // the same in seconds since the epoch
	bool since_start;         // after this memtop started reading (else: backlog)
	// "X invoked oom-killer: gfp_mask=..., order=N, oom_score_adj=N"
	bool have_trigger;
	char trigger_comm[SNAPSHOT_COMM_MAX];
	char gfp_mask[OOM_TEXT_MAX];
	int order, trigger_oom_score_adj;
	// "oom-kill:constraint=...,oom_memcg=...,task_memcg=...,task=...,pid=...,uid=..."
	enum oom_scope scope;
	char constraint[OOM_TEXT_MAX];   // as the kernel named it ("" when not given)
	char oom_memcg[OOM_CGROUP_MAX];  // the cgroup that hit its limit (memcg scope)
	char task_memcg[OOM_CGROUP_MAX]; // the victim's cgroup
	// "memory: usage NkB, limit NkB, failcnt N" (memcg scope)
	bool have_memcg_usage;
	uint64_t memcg_usage_kb, memcg_limit_kb;
	// "...Killed process PID (comm) total-vm:NkB, anon-rss:NkB, ..."
	int pid, uid;             // uid -1 when not given
	char comm[SNAPSHOT_COMM_MAX];
	uint64_t total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb;
	bool have_pgtables, have_oom_score_adj;
	int oom_score_adj;
	// The task table's largest rows by rss (0 when the dump was off or lost).
	struct oom_task_row tasks[OOM_TASKS_MAX];
	unsigned ntasks;          // rows kept
	unsigned tasks_listed;    // rows the kernel printed
};

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
	// The kernel log (source_config.oom_log): 0 while it is read; -errno
	// when it cannot be (-EPERM/-EACCES: not root, dmesg_restrict), so the
	// kills are known from the counters only; -ENOTSUP: not asked for, or
	// a recording that did not keep them.
	int oom_log_err;
	uint64_t oom_log_lost;       // records overwritten before they were read, so far
	// Kills the log reported but no snapshot handed up: more than
	// KMSGREAD_KILLS_MAX (64) completed in one tick (the backlog's
	// oldest, at the first), so far.
	uint64_t oom_log_dropped;
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
	bool have_oom_kill;          // v2 memory.events oom_kill, v1 memory.oom_control
	uint64_t oom_kill;           // oom_kill: kills in this cgroup (v2: and below)
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
	// The OOM kills the kernel log reported since the last tick, oldest
	// first; at the first tick every one still in the log since boot
	// (since_start false). None when sys.oom_log_err is not 0.
	const struct oom_kill *oom_kills;
	size_t noom_kills;
	// Where the memory went (source_config.breakdown_every_s): the meminfo
	// parts every tick, the lists (tmpfs, SysV, slab) when due (its
	// parts_read). NULL when not asked for, and from a recording.
	const struct mem_breakdown *breakdown;
};

#endif
