/* metrics.h — the model as a Prometheus scrape: the text format 0.0.4 or
 * OpenMetrics 1.0.0, for the --listen endpoint and for -b -f prometheus /
 * -f openmetrics (node_exporter's textfile collector).
 *
 * What it writes (docs/prometheus.md has the table): the machine's memory,
 * swap, memory pressure (the kernel's stall counters as _seconds_total, its
 * averages as ratios), OOM kills and time to exhaustion; per process, for a
 * bounded set (every suspected leak, then the top `top` by RSS, at most
 * METRICS_TOP_MAX + the suspects), RSS, anonymous memory, swap, growth,
 * the leak verdict and the OOM score, labelled pid, comm and cgroup (and
 * the command line only when options.cmdline: it can carry secrets); per
 * memory cgroup, when the monitor reads them, the same bounded way by
 * usage. Values are in base units (bytes, seconds, ratios 0-1). A value
 * memtop does not have is left out, never written as 0.
 *
 * Label values are the model's sanitised text, escaped for the format
 * (backslash, double quote, line feed) and capped at METRICS_LABEL_MAX
 * bytes: a longer one keeps its start, then "...", then 8 hex digits of a
 * hash of the whole, so two long cgroup paths never become one series.
 *
 * Contract: pure but for writing to f; returns 0, or the errno of a failed
 * write (as output_flush). The input is only read.
 */
#ifndef MEMTOP_METRICS_H
#define MEMTOP_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/cgtable.h"
#include "model/proctable.h"
#include "model/sysmodel.h"
#include "proc/snapshot.h"

#define METRICS_TOP_MAX 1000      // the renderer's own bound (--export-top takes no more)
#define METRICS_LABEL_MAX 256

enum metrics_format { METRICS_PROMETHEUS, METRICS_OPENMETRICS };

struct metrics_options {
	size_t top;                    // processes (and cgroups) by size besides the suspects
	bool cmdline;                  // label processes with their command lines too
};

struct metrics_input {
	const struct snapshot *snap;
	const struct proctable *table;
	const struct sysmodel *sys;    // may be NULL: no exhaustion estimate
	const struct cgtable *cgroups; // NULL or empty: no cgroup series
	bool cgroups_read;             // the monitor reads the cgroups (else their series are left out)
};

int metrics_write(FILE *f, enum metrics_format fmt, const struct metrics_input *in,
		  const struct metrics_options *o);

/* Writes s as a label value (without the quotes) as described above; for
 * tests. */
void metrics_label_value(FILE *f, const char *s);

#endif
