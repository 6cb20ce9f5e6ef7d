/* output.h — batch output formats (table, JSON Lines, CSV) of the model.
 *
 * Contract: each call writes one tick to f and flushes it; strings in the
 * model are already sanitised, and these writers add only format escaping
 * (JSON string escapes, RFC 4180 quoting). Sizes are KiB; a value memtop
 * does not have is null in JSON and an empty field in CSV.
 *
 * Write errors: output_write and output_flush return 0 or the errno of the
 * failed write, and print nothing; output_close, at the end of the program,
 * prints the one "write error" line and gives the exit status.
 */
#ifndef MEMTOP_OUTPUT_H
#define MEMTOP_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "conf/cli.h"
#include "export/metrics.h"
#include "model/cgtable.h"
#include "model/oomlog.h"
#include "model/memmodel.h"
#include "model/proctable.h"
#include "proc/snapshot.h"
#include "model/sysmodel.h"

struct output_tick {
	const struct snapshot *snap;
	struct proctable *table;
	double interval_s;            // the configured refresh interval
	double elapsed_s;             // since the previous tick; < 0 on the first
	unsigned long index;          // 0 for the first tick
	enum sort_key sort_key;       // the table's row order
	const struct sysmodel *sys;   // OOM pick and exhaustion estimate; may be NULL
	struct cgtable *cgroups;      // --cgroups: the cgroup table (output_cgroups.h); NULL: not asked
	// The OOM kills seen (JSON: oom_log, oom_kill_count, and oom_kills,
	// those new at this tick, i.e. since the previous record; the table:
	// a line for each in the header block); NULL: not printed.
	const struct oomlog *oom;
	struct metrics_options metrics;   // -f prometheus|openmetrics: which processes, which labels
	const struct memmodel *breakdown; // --breakdown: where the memory went; NULL: not asked
};

void output_json(FILE *f, const struct output_tick *t);
void output_csv(FILE *f, const struct output_tick *t);
void output_table(FILE *f, const struct output_tick *t);

/* Dispatches on the format; returns 0, or the errno of a failed write of
 * this tick (f's error flag stays set). */
int output_write(FILE *f, enum output_format fmt, const struct output_tick *t);

/* -o FILE: writes the tick to FILE.tmp and renames it over FILE, so that a
 * reader sees the whole of one sample or the whole of the one before.
 * Returns 0, or the errno of what failed (FILE is then left as it was). */
int output_replace_file(const char *path, enum output_format fmt, const struct output_tick *t);
/* -o FILE at start: refuses (-1, one line in err) a FILE that is there and
 * is not a regular file: replacing /dev/null or a symbolic link's target's
 * name is never what was meant. */
int output_check_replaceable(const char *path, char *err, size_t errlen);

/* Flushes f; returns 0, or the errno of the write that failed (EIO when f
 * failed earlier and that errno is gone). Clear errno before writing. */
int output_flush(FILE *f);

/* Flushes and closes f (stdout) at the end of the program and returns the
 * exit status: status when all went well; 1 after a write error, either
 * status = -errno from a mode that stopped on one or an error found now.
 * A write error is one line on msgs, "memtop: write error: REASON", except
 * EPIPE (the reader has gone), which ends quietly. A closed f with nothing
 * written to it is not an error. */
int output_close(FILE *f, int status, FILE *msgs);

/* The cgroup table (memtop -b --cgroups; output_cgroups.c). JSON:
 * output_json calls output_json_cgroups inside the tick's object when the
 * tick has a cgroup table (members: path, name, procs, rss_kb, anon_kb,
 * swap_kb: its processes' sums; usage_kb, limit_kb ("max": unlimited),
 * own_anon_kb, pressure {some_avg10, full_avg10}: what was last read of
 * the cgroup, null when nothing was; delta_kb, growth_kb_per_min, leak
 * {suspected, score, since_s}, exhaustion_eta_s). CSV and the table format
 * write one row per cgroup instead of one per process. */
void output_json_cgroups(FILE *f, const struct cgtable *t);
void output_csv_cgroups(FILE *f, const struct output_tick *t);
void output_table_cgroups(FILE *f, const struct output_tick *t);

/* Where the memory went (memtop -b --breakdown; output_breakdown.c). JSON:
 * a "breakdown" object inside the tick's (mem_total_kb, sum_kb: the rows
 * counted into it, equal; tmpfs_mounts, sysv_segments, slab_caches: how
 * many the source saw; tmpfs_error, sysv_error, slab_error: null or why the
 * list could not be read; rows: part, parent, kind, depth, name, kb,
 * in_total, the item's own readings, growth_kb_per_min, leak {suspected,
 * score, since_s}). CSV and the table format write one row per part and
 * item instead of one per process. */
void output_json_breakdown(FILE *f, const struct memmodel *m);
void output_csv_breakdown(FILE *f, const struct output_tick *t);
void output_table_breakdown(FILE *f, const struct output_tick *t);

/* Writes s as a JSON string literal (with quotes). */
void output_json_string(FILE *f, const char *s);
/* Writes s as one CSV field, quoted when it holds a comma, quote, space or
 * line break. */
void output_csv_field(FILE *f, const char *s);

#endif
