/* smapsdump.h — memtop --smaps PID: one process's mapping table, once, as a
 * table, JSON or CSV; the same rows the detail view shows.
 *
 * Contract: returns the exit status: 0, or 1 (with a message on stderr) when
 * the process does not exist or its smaps cannot be read, or -errno (and no
 * message: output_close reports it) when stdout could not be written.
 */
#ifndef MEMTOP_SMAPSDUMP_H
#define MEMTOP_SMAPSDUMP_H

#include <stdio.h>

#include "conf/cli.h"
#include "model/maptable.h"

int smapsdump_run(const struct options *opts);

/* The formats, for tests: pid and comm (sanitised) head the output; rollup
 * may be NULL. */
struct cgroup_detail;
void smapsdump_json(FILE *f, int pid, const char *comm, const struct maptable *t,
		    const struct smaps_map *rollup, const struct cgroup_detail *cg);
void smapsdump_csv(FILE *f, const struct maptable *t);
void smapsdump_table(FILE *f, int pid, const char *comm, const struct maptable *t,
		     const struct smaps_map *rollup);

#endif
