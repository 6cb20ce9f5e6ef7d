/* batch.h — memtop -b: sample, update the model, print, repeat.
 *
 * Contract: returns the process exit status (0 done, 1 nothing to watch or
 * /proc unusable, 3 with --fail-on-leak when a watched process is a
 * suspected leak at the end of the run), or -errno when a tick could not be
 * written to stdout: the run stops at that tick, and output_close reports it.
 * SIGINT and SIGTERM end the run after the current tick.
 */
#ifndef MEMTOP_BATCH_H
#define MEMTOP_BATCH_H

#include "conf/cli.h"

int batch_run(const struct options *opts);

#endif
