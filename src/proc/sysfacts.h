/* sysfacts.h — the machine's settings that decide what a slow memory leak
 * turns into (memtop --check, the R panel): the vm sysctls of the OOM
 * killer, overcommit and watermarks, the console log level and serial
 * consoles, swap, commit accounting, PSI, the processes (userspace OOM
 * handlers, processes shielded with oom_score_adj -1000) and the memory
 * cgroups of services and containers, with or without a limit.
 *
 * Contract: sysfacts_read reads under a root prefix ("/" for this machine; a
 * test points it at a fixture tree holding proc/... and sys/...), never
 * fails on a missing or unreadable file: each fact has a known flag (or an
 * errno) saying whether it was read, and the model treats an unknown fact
 * as "not checked". It returns 0, or -errno when the root itself cannot be
 * opened or has no proc/sys/vm (then nothing is filled but root_err). Every
 * string is sanitised (util/text.h). The parsers below are pure: a buffer
 * and its length (no NUL needed) in, values out; they return 0 or -EINVAL
 * and leave their outputs unchanged on -EINVAL unless stated.
 */
#ifndef MEMTOP_SYSFACTS_H
#define MEMTOP_SYSFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One integer setting (a sysctl): known false when the file was missing
 * or unreadable (err says why: -ENOENT, -EACCES, -EINVAL for bad text). */
struct sysfact_int {
	bool known;
	int err;
	long long v;
};

#define SYSFACTS_NAME_MAX 64
#define SYSFACTS_PROTECTED_MAX 16    // shielded processes kept, largest first
#define SYSFACTS_CGROUPS_MAX 32      // unlimited service/container cgroups kept, largest first
#define SYSFACTS_CGROUP_WALK_MAX 4096   // cgroups visited at most
#define SYSFACTS_CGROUP_DEPTH_MAX 8
#define SYSFACTS_PROCS_MAX 1000000      // processes looked at, at most

/* A process shielded from the OOM killer (oom_score_adj -1000). */
struct sysfact_proc {
	int pid;
	char comm[SYSFACTS_NAME_MAX];   // sanitised
	uint64_t rss_kb;                // VmRSS of /proc/PID/status
};

/* A service's or container's memory cgroup without a limit of its own or
 * of any cgroup above it. */
struct sysfact_cgroup {
	char path[256];                 // sanitised, relative to the hierarchy's root
	bool container;                 // a container or pod (docker, kubepods, ...); else a service
	bool have_usage;
	uint64_t usage_kb;              // memory.current / memory.usage_in_bytes
};

enum sysfacts_cg { SYSFACTS_CG_NONE, SYSFACTS_CG_V1, SYSFACTS_CG_V2 };

struct sysfacts {
	int root_err;                   // 0, or -errno: the root could not be read
	// /proc/sys/vm
	struct sysfact_int panic_on_oom, oom_kill_allocating_task, oom_dump_tasks;
	struct sysfact_int overcommit_memory, overcommit_ratio, overcommit_kbytes;
	struct sysfact_int min_free_kbytes, watermark_scale_factor;
	// /proc/sys/kernel/printk: the console log level (its first field)
	struct sysfact_int console_loglevel;
	// /proc/consoles: enabled consoles, and those that are serial lines
	bool consoles_known;
	int consoles_err;
	unsigned nconsoles, nserial;
	char serial[SYSFACTS_NAME_MAX];     // the first serial console's name ("ttyS0")
	// /proc/swaps
	bool swaps_known;
	int swaps_err;
	unsigned nswaps;
	uint64_t swaps_kb;                  // the sizes summed
	// /proc/meminfo
	bool meminfo_known;
	int meminfo_err;
	uint64_t mem_total_kb, swap_total_kb, commit_limit_kb, committed_as_kb;
	// /proc/pressure/memory: 0 readable, else -errno (-ENOENT: no CONFIG_PSI;
	// -EOPNOTSUPP: psi=0 on the kernel's command line)
	int psi_err;
	// /sys/kernel/mm/transparent_hugepage/enabled: "always", "madvise",
	// "never", or "" when unknown
	char thp[16];
	// The processes
	bool procs_known;                   // /proc could be listed
	int procs_err;
	unsigned nprocs;                    // processes with a VmRSS (user space)
	unsigned procs_unreadable;          // whose oom_score_adj or status could not be read
	bool procs_hidden;                  // processes listed, but not PID 1: /proc is mounted
	                                    // with hidepid, and others' processes are not seen
	unsigned nhandlers;                 // userspace OOM handlers running
	char handler[SYSFACTS_NAME_MAX];    // the first one's name
	unsigned nprotected;                // processes at oom_score_adj -1000 (all)
	struct sysfact_proc protected_procs[SYSFACTS_PROTECTED_MAX];   // the largest, by RSS
	size_t nprotected_kept;
	// The memory cgroups
	enum sysfacts_cg cg;                // which hierarchy has the memory controller
	unsigned cg_checked;                // service and container cgroups with processes
	unsigned cg_unlimited;              // of them, without a limit
	bool cg_cut;                        // the walk stopped at SYSFACTS_CGROUP_WALK_MAX
	struct sysfact_cgroup unlimited[SYSFACTS_CGROUPS_MAX];   // the largest
	size_t nunlimited_kept;
};

/* Reads every fact under root ("/" or a fixture tree) into out. */
int sysfacts_read(const char *root, struct sysfacts *out);

/* Whether comm (a process's name) is a userspace OOM handler: earlyoom,
 * systemd-oomd, oomd, nohang (and nohang-desktop), low-memory-monitor. */
bool sysfacts_is_oom_handler(const char *comm);
/* Whether a console name is a serial line (ttyS0, ttyAMA0, hvc0, ...). */
bool sysfacts_is_serial(const char *name);

/* One integer, optionally signed, then a newline or the end (a sysctl). */
int sysfacts_parse_int(const char *buf, size_t len, long long *out);
/* /proc/sys/kernel/printk: its first field, the console log level. */
int sysfacts_parse_printk(const char *buf, size_t len, int *console_loglevel);
/* /proc/consoles: counts the enabled consoles ('E' among the flags in
 * parentheses) and the serial ones among them; the first serial one's
 * name (sanitised) into serial. Lines that are not console lines make it
 * -EINVAL. */
int sysfacts_parse_consoles(const char *buf, size_t len, unsigned *nconsoles, unsigned *nserial,
			    char *serial, size_t serial_cap);
/* /proc/swaps: the number of swap areas and their sizes summed (KiB), after
 * the header line. */
int sysfacts_parse_swaps(const char *buf, size_t len, unsigned *n, uint64_t *total_kb);
/* A "Key:   N kB" line of /proc/meminfo or /proc/PID/status (key given
 * with its colon, "VmRSS:"): 0 and *kb; -ENOENT when no whole line has the
 * key; -EINVAL when its value is not a number. */
int sysfacts_parse_kb(const char *buf, size_t len, const char *key, uint64_t *kb);
/* transparent_hugepage/enabled ("always [madvise] never"): the bracketed
 * word into out. */
int sysfacts_parse_thp(const char *buf, size_t len, char *out, size_t cap);

#endif
