/* detail.h — the detail view of one process: what it shows and how it is
 * kept current (ui/view_detail.c draws it).
 *
 * Contract: detail_open copies what the list knows of the process, then
 * reads it (detail_refresh); detail_refresh follows it each tick, reading
 * smaps through the monitor at the pace the last read's cost allows
 * (model/pace.h), and keeps the last data once it exits; an exec starts
 * its mapping base and RSS graph again. In a replay (a recording, which has
 * no mappings, states or whole command lines) it follows the sample shown:
 * a process not in it is "not running" there until a move finds it again,
 * and a move back in time starts the RSS graph again. detail_close gives the memory back
 * (mapping table, command line) but keeps the grouping and sort for the
 * next view; detail_free frees everything.
 */
#ifndef MEMTOP_DETAIL_H
#define MEMTOP_DETAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/history.h"
#include "model/leak.h"
#include "model/maptable.h"
#include "model/monitor.h"
#include "model/proctable.h"
#include "proc/snapshot.h"
#include "proc/source.h"

/* The detail view of one process: its last known sample (kept when it exits),
 * its smaps and the mapping table. */
struct detail {
	int pid;
	uint64_t start_ticks;
	uint16_t exec_gen;               // the process's exec count when its mappings' base was taken
	struct proc_sample last;         // strings point at the copies below
	char comm[SNAPSHOT_COMM_MAX], cgroup[512];   // the user name is the
	                                 // sampler's, kept for its lifetime
	// The whole command line (monitor_read_cmdline, up to
	// SOURCE_CMDLINE_FULL_MAX; cmdline_cut when even that was cut),
	// allocated while the view is open; c shows it all, scrolled by cmd_top.
	char *cmdline;
	bool cmdline_cut, cmd_expanded;
	size_t cmd_top;                  // its first screen line shown
	size_t *cmd_wrap, cmd_nwrap;     // the byte offset each screen line starts at
	int cmd_wrap_cols;               // the width it was wrapped at; 0: wrap again
	struct leak_verdict verdict;
	double eta_s;                    // its own time to exhaustion, < 0 when none
	struct history hist;             // the process's leak signal
	bool have_hist;
	struct history rss_hist;         // its RSS, recorded while the view is open
	double rss_last_t;               // the time of its last point
	uint64_t flat_sig_kb;
	bool replay;                     // the monitor replays a recording
	bool exited;                     // gone: the last data stays on screen
	                                 // (a replay: not in the sample shown)
	double exit_uptime;              // seconds after boot when it was seen gone
	bool have_maps;                  // smaps was read at least once
	struct proc_detail d;
	struct maptable mt;
	size_t sel, top;                 // selected mapping row, first row on screen
	double maps_started, maps_cost;  // the last smaps read: when (monotonic) and
	                                 // how long it took, for the pace (pace.h)
};

void detail_open(struct detail *dt, struct monitor *mon, const struct proc *p, double interval_s);
void detail_refresh(struct detail *dt, struct monitor *mon, double interval_s);
void detail_close(struct detail *dt);
void detail_free(struct detail *dt);

#endif
