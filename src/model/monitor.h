/* monitor.h — the pipeline every mode shares, in one place: a source's
 * snapshot, then the process table, the cgroup table (the processes by
 * memory cgroup, with what the source read of each), the system model, and the suspected
 * leaks whose cgroup limit the source reads from the next moment on.
 *
 * The source is an interface (proc/source.h): the live /proc sampler today,
 * a recording next. The screen, batch mode and --smaps hold a monitor and
 * read its model, and reach the source only through the calls below; none
 * of them runs the steps itself or names the sampler.
 *
 * Contract: monitor_open returns -1 with a message in err when the source
 * cannot be set up. After monitor_tick, snap, table and sys describe one
 * moment, valid until the next tick; source_err says whether the source
 * could list its processes this time (0 or -errno: the snapshot then holds
 * none, and the model has been updated with that). monitor_close frees
 * everything; a closed or zeroed monitor may be closed again. A source
 * without a call (a recording cannot signal) makes its wrapper return
 * -ENOTSUP, or do nothing.
 */
#ifndef MEMTOP_MONITOR_H
#define MEMTOP_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#include "model/cgtable.h"
#include "model/oomlog.h"
#include "model/allocsites.h"
#include "model/memmodel.h"
#include "model/proctable.h"
#include "model/sysmodel.h"
#include "proc/snapshot.h"
#include "proc/source.h"

#define MONITOR_CG_WATCH_MAX 64   // suspected leaks whose cgroup headroom is read
// How often the cgroups are read (source_config.cgroup_every_s): in the
// background (the screen, a recording run), and while the cgroup view
// shows them or batch prints them (--cgroups).
#define MONITOR_CGROUP_EVERY_S 10.0
#define MONITOR_CGROUP_VIEW_S 1.0
// How often the memory breakdown's lists (tmpfs, SysV, slab) are read: in
// the background of the screen, so its verdicts are ready when the view
// opens, and while the view shows them (or batch prints them): each tick.
#define MONITOR_BREAKDOWN_EVERY_S 10.0
#define MONITOR_BREAKDOWN_VIEW_S 0.001

struct monitor {
	struct source source;
	struct source history;    // a recording's past for a live start (ops NULL: none)
	bool seed_due;            // the next tick seeds every process's detector
	enum leak_sensitivity sens;
	struct snapshot snap;
	struct proctable table;
	struct cgtable cgroups;   // the memory cgroups that hold processes
	struct sysmodel sys;
	struct oomlog oom;        // the OOM kills seen, with memtop's prediction of each
	bool have_snap;           // at least one tick done
	int source_err;           // the last tick's source status: 0 or -errno
	struct memmodel mem;      // where the memory went (snapshot.breakdown)
	struct allocsites alloc;  // one process's allocation sites (issue 22)
};

/* Opens the live /proc source. sens: how readily the leak detectors flag
 * (a setting, passed in). */
int monitor_open(struct monitor *m, const struct source_config *cfg, enum leak_sensitivity sens,
		 char *err, size_t errlen);
/* Takes an open source over (monitor_close closes it). */
void monitor_open_source(struct monitor *m, struct source src, enum leak_sensitivity sens);
/* Samples one moment and updates the model. Returns 0, or -ENOMEM when the
 * model could not grow (it then goes on with what it has). */
int monitor_tick(struct monitor *m);
void monitor_close(struct monitor *m);

/* Gives the monitor a recording to seed its detectors from on the next
 * tick (history on start-up): each process the live source lists is
 * matched by (pid, start time) and its recorded leak signal played into its
 * detector before its first live sample. The monitor owns it from here
 * (monitor_close closes it); NULL ops: none. */
void monitor_set_history(struct monitor *m, struct source hist);

/* A recorded source's time line: false for a live one. */
bool monitor_timeline(const struct monitor *m, struct source_timeline *out);
/* Moves a recorded source (source_ops.move) and ticks there, so that the
 * model shows what memtop showed live at that sample: one step on is an
 * ordinary tick; any other move starts the model again a few minutes
 * before the target (the machine's trend), seeds the detectors with each
 * process's recorded past, and ticks on to the target. 0; 1 when nothing
 * moved (no tick: the model is unchanged); -ERANGE a time outside the
 * recording; -ENOTSUP a live source; -ENOMEM. */
int monitor_move(struct monitor *m, enum source_move how, double arg);

/* The source's calls (proc/source.h says what each does). */
int monitor_set_wanted(struct monitor *m, const int *pids, size_t n);
void monitor_fill_pending(struct monitor *m);
bool monitor_fill_idle(struct monitor *m, size_t max);
bool monitor_idle_work(const struct monitor *m);
int monitor_read_detail(struct monitor *m, int pid, uint64_t start_ticks, struct proc_detail *d);
int monitor_read_detail_state(struct monitor *m, int pid, uint64_t start_ticks, struct proc_detail *d);
int monitor_read_cmdline(struct monitor *m, int pid, uint64_t start_ticks, char **out, bool *cut);
int monitor_send_signal(struct monitor *m, int pid, uint64_t start_ticks, int sig);
int monitor_psi_trigger(struct monitor *m, unsigned stall_us, unsigned window_us);
/* Reads the machine's settings through the source and judges them
 * (model/checkup.h): 0, -ENOTSUP for a source that cannot (a recording),
 * -ENOMEM, or the source's -errno. out is filled whole on 0. */
struct checkup;
int monitor_checkup(struct monitor *m, struct checkup *out);
/* How often the source reads the cgroups (the cgroup view: every second;
 * otherwise as rarely as the recorder needs). A recording: nothing. */
void monitor_set_cgroup_every(struct monitor *m, double every_s);
/* How often the source reads the memory breakdown's lists (the memory view:
 * every tick; otherwise every MONITOR_BREAKDOWN_EVERY_S); 0: no breakdown.
 * A recording: nothing. */
void monitor_set_breakdown_every(struct monitor *m, double every_s);

/* Allocation sites of one process (model/allocsites.h, in m->alloc):
 * attaches through the source (source_ops.alloc_attach) and starts the
 * session with time limit limit_s (0: none); on failure m->alloc is FAILED
 * with the line and the -errno is returned (-ENOTSUP: a recording). */
int monitor_alloc_start(struct monitor *m, int pid, uint64_t start_ticks, const struct alloc_options *opt,
			double limit_s);
/* Reads the session once (every tick while a screen shows it, or batch
 * mode's loop): updates m->alloc; detaches by itself when the target ended
 * or the time limit passed. 0, -ENODEV when no session is on, or -errno. */
int monitor_alloc_poll(struct monitor *m);
/* Detaches (why: the line the session ends with, e.g. "detached"). */
void monitor_alloc_stop(struct monitor *m, const char *why);

#endif
