/* sampler.h — the only code that reads /proc: one tick fills a snapshot
 * (sampler.c); one process's costly files are read on demand
 * (sampler_detail.c).
 *
 * What each tick costs (see docs/performance.md, "What memtop reads"):
 *   every tick, every process: /proc/PID/statm through a kept fd (pread), which
 *     gives RSS and anonymous RSS (resident - shared);
 *   every tick: /proc/meminfo (libproc2) and /proc/pressure/memory; with
 *     source_config.system_counters only, /proc/vmstat too (a kept fd, read
 *     whole with pread: the oom_kill counter); with source_config.oom_log
 *     only, the kernel log's new records (/dev/kmsg, kept open, root only:
 *     one read per record, at most KMSGREAD_TICK_RECORDS a tick, the whole
 *     backlog since boot at the first; each record's first bytes looked at,
 *     only OOM report lines parsed further, proc/kmsgread.h);
 *   once per new process: stat, status, oom_score, oom_score_adj (libproc2),
 *     comm, cmdline and cgroup (read raw here, because libproc2 rewrites
 *     control bytes and we want them shown escaped), and the exe link with
 *     source_config.read_exe only;
 *   every tick, for wanted processes (on screen, -p): stat, for an exec (its
 *     code and stack addresses) or a new comm;
 *   when due: status, oom_score and oom_score_adj again (libproc2), with
 *     comm, cmdline, cgroup and exe (kept when unchanged: no allocation) — at least
 *     once a second for wanted processes (sampler_set_wanted), otherwise
 *     when statm moved markedly (SAMPLER_DETAIL_MOVE_PAGES or an eighth)
 *     and the last read is SAMPLER_DETAIL_MIN_AGE old, and at the latest
 *     every SAMPLER_DETAIL_MAX_AGE (spread over ticks);
 *   maps (for [heap]): only for wanted processes, and only when their virtual
 *     size (statm) changed since the last read.
 * A new code size in statm, or new code and stack addresses in stat, is an
 * exec: the names and details are read at once and the sample's exec_gen
 * moves (the model then starts a new record of the process).
 *
 * Contract: sampler_new returns NULL with a message in err when libproc2 or
 * /proc is unusable. A snapshot from sampler_tick is valid until the next
 * tick. Processes that vanish mid-tick are dropped silently.
 */
#ifndef MEMTOP_SAMPLER_H
#define MEMTOP_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>

#include "proc/smaps.h"
#include "proc/snapshot.h"
#include "proc/source.h"

#define SAMPLER_DETAIL_MIN_AGE 10.0   // seconds
#define SAMPLER_WANTED_MAX_AGE 1.0    // seconds, for wanted processes
#define SAMPLER_DETAIL_MAX_AGE 60.0   // seconds, plus up to 30 s of per-pid spread
#define SAMPLER_DETAIL_MOVE_PAGES 256 // 1 MiB of 4 KiB pages


struct sampler;

struct sampler *sampler_new(const struct source_config *cfg, char *err, size_t errlen);
/* The sampler as a source (proc/source.h): opens one into src. Returns 0, or
 * -1 with a message in err. */
int sampler_source_open(struct source *src, const struct source_config *cfg, char *err, size_t errlen);
/* Samples the system and processes. Returns 0, or -errno when /proc itself
 * could not be listed (the snapshot then holds no processes). */
int sampler_tick(struct sampler *s, struct snapshot *out);
void sampler_free(struct sampler *s);

/* Sets the processes whose status/OOM fields are read every tick and whose
 * heap size is kept (the rows on screen, or those named with -p). Others have
 * no heap size. Returns 0 or -ENOMEM. */
int sampler_set_wanted(struct sampler *s, const int *pids, size_t n);
/* With lazy_start, a tick that finds more than a few new processes (memtop's
 * own start, above all) lists them from stat (comm, ppid, start time) and
 * statm only: their command line, cgroup, user, status and OOM fields are
 * read over the next ticks, the wanted ones first, at most
 * SAMPLER_PENDING_PER_TICK others a tick. This reads them now for the
 * wanted processes (the first screen's rows). */
void sampler_fill_pending(struct sampler *s);
#define SAMPLER_PENDING_PER_TICK 256
/* Reads up to max pending entries after a burst, for the caller's idle time
 * between ticks (so that they are complete well before the per-tick budget
 * would get to them). Returns true while some may remain. */
bool sampler_fill_idle(struct sampler *s, size_t max);
bool sampler_idle_work(const struct sampler *s);   // is there any?

/* Sets the processes whose memory cgroup limit and usage are read every tick
 * (the suspected leaks, for their time to exhaustion). Others have none.
 * Returns 0 or -ENOMEM. */
int sampler_set_cgroup_watch(struct sampler *s, const int *pids, size_t n);

/* For tests: reads the kernel log (source_config.oom_log) from fd instead
 * of /dev/kmsg, which it takes over: one end of a non-blocking
 * socketpair(AF_UNIX, SOCK_SEQPACKET), one record a read, as /dev/kmsg. */
void sampler_set_kmsg_fd(struct sampler *s, int fd);

/* Registers a PSI trigger on the memory pressure file: the returned fd
 * signals POLLPRI when tasks stall for stall_us within window_us. Returns
 * the fd, or -errno (no PSI, no permission, or a window the kernel refuses:
 * unprivileged triggers need a multiple of 2 s). */
int sampler_psi_trigger(unsigned stall_us, unsigned window_us);



/* Reads smaps, smaps_rollup and the state of one process. This is costly
 * (the kernel walks the page tables), so it is only for the process in the
 * detail view, at a pace set by what a read costs, or for memtop --smaps;
 * the every-tick sampling never does it. start_ticks (0: do not check)
 * guards against a reused pid. d keeps its memory between calls; smaps is
 * read in pieces of SAMPLER_SMAPS_PIECE bytes, never whole. Returns 0, or
 * -errno when smaps could not be read (d->err, d->exited say why). */
int sampler_read_detail(struct sampler *s, int pid, uint64_t start_ticks, struct proc_detail *d);
#define SAMPLER_SMAPS_PIECE (64 * 1024)
/* The cheap part of sampler_read_detail: the state and the cgroup, not
 * smaps. Returns 0 or -errno (d->exited: the process is gone). */
int sampler_read_detail_state(struct sampler *s, int pid, uint64_t start_ticks, struct proc_detail *d);

/* Reads the whole command line of the process (pid, start_ticks) for the
 * detail view, where the every-tick copy (cut at 32 KiB) is not enough: up
 * to SOURCE_CMDLINE_FULL_MAX raw bytes, sanitised (text_sanitize_cmdline),
 * into *out, a new allocation the caller frees; *cut is true when the
 * command line was longer. Once per refresh of that view, never per tick.
 * Returns 0, -ESRCH when the process is gone or the pid now names another
 * one, or another -errno (*out is then NULL). */
int sampler_read_cmdline(struct sampler *s, int pid, uint64_t start_ticks, char **out, bool *cut);

/* Sends sig to the process (pid, start_ticks) and to no other: through a
 * pidfd (pidfd_open, then the start time read again, then
 * pidfd_send_signal), so a pid reused meanwhile is refused, not signalled.
 * Without pidfds (ENOSYS) it checks the start time and uses kill(2).
 * Returns 0, -ESRCH when the process is gone or the pid now names another
 * one, or another -errno (-EPERM: not allowed). */
int sampler_send_signal(struct sampler *s, int pid, uint64_t start_ticks, int sig);

#endif
