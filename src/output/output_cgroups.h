/* output_cgroups.h — the cgroup table in batch output (memtop -b --cgroups).
 *
 * Contract: as output.h. JSON: output_json calls output_json_cgroups inside
 * the tick's object when the tick has a cgroup table (members: path, name,
 * procs, rss_kb, anon_kb, swap_kb: its processes' sums; usage_kb, limit_kb
 * ("max": unlimited), own_anon_kb, pressure {some_avg10, full_avg10}: what
 * was last read of the cgroup, null when nothing was; delta_kb,
 * growth_kb_per_min, leak {suspected, score, since_s}, exhaustion_eta_s).
 * CSV and the table format write one row per cgroup instead of one per
 * process. Names and paths are sanitised; only format escaping is added.
 */
#ifndef MEMTOP_OUTPUT_CGROUPS_H
#define MEMTOP_OUTPUT_CGROUPS_H

#include <stdio.h>

#include "model/cgtable.h"
#include "output/output.h"

void output_json_cgroups(FILE *f, const struct cgtable *t);
void output_csv_cgroups(FILE *f, const struct output_tick *t);
void output_table_cgroups(FILE *f, const struct output_tick *t);

#endif
