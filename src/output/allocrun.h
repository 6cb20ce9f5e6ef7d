/* allocrun.h — memtop --alloc-sites PID: attach to one process's allocator
 * (model/monitor.h's monitor_alloc_*), read its allocation sites every -d
 * seconds for --duration seconds, then print them once, as a table, one
 * JSON object or CSV, and detach.
 *
 * Contract: returns the exit status: 0 done (also when SIGINT or SIGTERM
 * ended the run early, or the process exited or ran exec before the end:
 * what was read is printed, and a line on stderr says so); 1 when the
 * session could not attach or its reading failed (the line on stderr,
 * "memtop: allocation sites of PID: REASON"; what was read before a failed
 * reading is printed); 3 with --fail-on-leak when a stack is a suspected
 * leak at the end (each named on stderr); or -errno when stdout could not
 * be written (output_close reports it). The writers take an ended session
 * (its stacks are the model's own copies) or a running one.
 */
#ifndef MEMTOP_ALLOCRUN_H
#define MEMTOP_ALLOCRUN_H

#include <stdio.h>

#include "conf/cli.h"
#include "model/allocsites.h"

int allocrun_main(const struct options *opts);

/* The formats, for tests. */
void allocrun_table(FILE *f, const struct allocsites *a);
void allocrun_json(FILE *f, const struct allocsites *a);
void allocrun_csv(FILE *f, const struct allocsites *a);

#endif
