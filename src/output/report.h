/* report.h — memtop --report: what happened in a period of a recording,
 * for a person or a ticket. A collector fed the monitor once per recorded
 * sample (and the recorded cgroups), in bounded memory, and writers of
 * what it gathered as plain text, JSON, CSV and one self-contained HTML
 * page with SVG charts.
 *
 * What it gathers: the suspected leaks (processes: the monitor's verdicts,
 * so exactly what memtop said live; cgroups: a leak detector of their own
 * over the usage fed to report_cgroup_sample), the top growers of anonymous
 * memory, memory-pressure episodes (PSI avg10 at or above the screen's
 * warning level, proc/psi.h), OOM kills (steps of the kill counter) and
 * reboots (the counter going back), available memory's lowest point, and
 * downsampled series for the charts (available memory, PSI, each suspect).
 *
 * Memory: a fixed record per process alive now (its first and last anonymous
 * size in the period, its names, a REPORT_PREROLL-bucket series once its
 * memory changed), plus the ended processes that are suspects (at most
 * REPORT_SUSPECTS_MAX) or among the top growers; every series is at most
 * REPORT_SERIES_MAX min/max buckets, so a month of 2,000 processes costs
 * what a minute does. Episodes and kills past REPORT_EVENTS_MAX are counted,
 * not kept.
 *
 * Contract: report_new returns NULL when out of memory. report_tick and
 * report_cgroup_sample return 0 or -ENOMEM (what was gathered stays valid).
 * Strings are copied (a snapshot's die with the next tick); they come
 * sanitised for a terminal, and each writer escapes them for its format.
 * report_write returns 0 or -errno of a failed write (f's error flag).
 * Times are wall seconds since the epoch.
 */
#ifndef MEMTOP_REPORT_H
#define MEMTOP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf/cli.h"
#include "model/leak.h"
#include "model/monitor.h"
#include "proc/source.h"

#define REPORT_TOP_DEFAULT 10       // top growers listed
#define REPORT_SERIES_MAX 256       // buckets of a chart's series (two points each)
#define REPORT_PREROLL 16           // buckets of a process's series before it is suspected
#define REPORT_SUSPECTS_MAX 256     // suspected processes (and cgroups) kept
#define REPORT_CGROUPS_MAX 4096     // cgroups followed
#define REPORT_EVENTS_MAX 512       // pressure episodes, OOM-kill steps, reboots kept

struct report;

struct report_config {
	double since, until;         // the period (wall seconds); -INFINITY / INFINITY: open
	size_t top_n;                // top growers listed (0: REPORT_TOP_DEFAULT)
	bool no_cmdline;             // leave command lines out
	enum leak_sensitivity sens;  // for the cgroups' detectors (the monitor has its own)
	const char *source_name;     // the recording's file name, for the title; may be NULL
	double cgroup_step_s;        // how often the recorder read the cgroups; their rows
				     // are changes, so each value holds until the next
				     // row (fed to the detector every step). 0: rows only
};

struct report *report_new(const struct report_config *cfg);
void report_free(struct report *r);

/* Takes in the monitor's latest sample: the machine (available memory, PSI,
 * the OOM-kill counter) and every process (growth, verdict, names). A
 * sample outside the period is ignored. */
int report_tick(struct report *r, const struct monitor *m);

/* One recorded usage of a memory cgroup (KiB; limit_kb when have_limit),
 * in time order per cgroup. Samples before the period feed its detector
 * only (its past); samples after it are ignored. With cgroup_step_s, the
 * previous value is carried over a gap, a step at a time (a flat stretch
 * has no rows, and the detector must see it level off). */
int report_cgroup_sample(struct report *r, const char *path, double wall_t, uint64_t usage_kb,
			 bool have_limit, uint64_t limit_kb);

/* Carries every cgroup's last value to the period's last sample (after
 * the feed: a cgroup flat at the end has no rows there). 0 or -ENOMEM. */
int report_cgroups_end(struct report *r);

/* How many samples report_tick took in. */
size_t report_samples(const struct report *r);
/* Whether a process or a cgroup was a suspected leak in the period. */
bool report_has_leak(const struct report *r);

/* Writes the report in fmt (table, json, csv or html). 0 or -errno. */
int report_write(const struct report *r, enum output_format fmt, FILE *f);

/* What feeds the recorded cgroups' usage in [from_t, to_t] into r (the
 * recording's cgroup table); 0 or -errno. NULL feed: none. */
struct report_cgroup_feed {
	int (*feed)(void *ctx, struct report *r, double from_t, double to_t);
	void *ctx;
};

/* memtop --report over a recorded source (taken over: closed here): the
 * period from opts->since/until (util/timeexpr.h, against the newest
 * sample), the samples
 * in it through a monitor (the first one seeded with its past, so that the
 * verdicts are memtop's), the cgroups from feed, the report in
 * opts->format on out. Progress on msgs while it reads, when msgs is a
 * terminal. Returns the exit status: 0; 2 a bad or empty period (one line
 * on msgs); 1 the recording could not be read; 3 with --fail-on-leak when
 * the period has a suspected leak; -errno when out could not be written. */
int report_run(const struct options *opts, struct source recorded, const struct report_cgroup_feed *feed,
	       FILE *out, FILE *msgs);

/* memtop --report FILE: opens the recording (store/replay.h) and runs the
 * report on stdout, with the recording's cgroups. The exit status as
 * report_run's; 2 when the file cannot be opened. */
int report_main(const struct options *opts);

#endif
