/* sources.h — where a run's data comes from, chosen from the command line:
 * this machine now (the live sampler, opened by each mode with its own
 * switches), or a recording (-r FILE); and for a live run, the recording
 * its detectors are seeded from (--history FILE, or the recorder's default
 * file when it is there).
 *
 * Contract: sources_open returns 0, or an exit status (2: the recording
 * named by -r cannot be shown) with one line in err. A --history that
 * cannot be used is not an error: the run starts without a past, and
 * sources_open leaves a one-line note in note (empty when there is
 * nothing to say; the default file missing says nothing). Ops NULL: none.
 * The mode that takes a source over closes it (monitor_close);
 * sources_close closes what no mode took.
 */
#ifndef MEMTOP_SOURCES_H
#define MEMTOP_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "conf/cli.h"
#include "proc/source.h"

struct recorder;
struct exporter;

int sources_open(const struct options *opts, bool batch, struct run_sources *out, char *err, size_t errlen,
		 char *note, size_t notelen);
void sources_close(struct run_sources *s);

/* Opens the -w recording with its policy from the command line, logging to
 * log; NULL (the message said on stderr) when it is refused. */
struct recorder *sources_open_recorder(const struct options *opts, FILE *log);
/* --screen with -w FILE and/or --listen: out->after_tick records what the
 * screen samples (its messages go to the screen's message line) and
 * publishes it to exp (not NULL: --listen; not taken over). A recording
 * that fails ends; the endpoint goes on. 0, or an exit status (2: the
 * file is refused, said on stderr). */
int sources_screen_hooks(const struct options *opts, struct run_sources *out, struct exporter *exp);

/* --listen: the metrics endpoint, listening, its URL said on stderr; NULL
 * when it cannot be (the reason said on stderr). exporter_close ends it. */
struct exporter *sources_open_exporter(const struct options *opts);

#endif
