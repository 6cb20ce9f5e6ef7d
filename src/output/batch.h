/* batch.h — memtop -b and memtop -w: sample, update the model, print
 * and/or record, repeat.
 *
 * Contract: returns the process exit status (0 done, 1 nothing to watch,
 * /proc unusable or a recording that cannot be written any more, 2 a
 * recording refused at the start (store/recorder.h says when), 3 with
 * --fail-on-leak when a watched process is a suspected leak at the end of
 * the run), or -errno when a tick could not be written to stdout: the run
 * stops at that tick, and output_close reports it. SIGINT and SIGTERM end
 * the run after the current tick; with -w, SIGHUP reopens the recording.
 */
#ifndef MEMTOP_BATCH_H
#define MEMTOP_BATCH_H

#include <stdbool.h>

#include "conf/cli.h"
#include "output/sources.h"

/* The exit status of --fail-on-leak finding a suspect (batch and --report). */
#define EXIT_LEAK_SUSPECTED 3

/* Takes src's sources over (a recording to print, or a live run's history;
 * either may be absent) and closes them; publishes each tick to exp (the
 * metrics endpoint, --listen) when it is not NULL. */
struct exporter;
int batch_run(const struct options *opts, struct run_sources *src, struct exporter *exp);

/* SIGINT and SIGTERM (and, recording, SIGHUP: reopen the file) set flags
 * instead of ending memtop, so that a loop of batch mode (or
 * --alloc-sites, output/allocrun.h) ends after the step it is in; an
 * absolute sleep on the monotonic clock is cut short. batch_stopping: one
 * of them came. */
void batch_catch_signals(bool recording);
bool batch_stopping(void);

#endif
