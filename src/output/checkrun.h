/* checkrun.h — memtop --check: reads the machine's facts through the proc
 * layer (proc/sysfacts.h), judges them (model/checkup.h) and writes the
 * findings, each with why it matters to a slow leak and its fix, as text or
 * as one JSON object (the findings, the rules not checked and the facts).
 *
 * Contract: checkrun_main returns the exit status: 0 nothing found, 1
 * findings, 2 the root could not be read (one line on stderr), or -errno
 * of a failed write to stdout (nothing printed: main reports it and exits
 * 2). checkrun_write writes to f and returns 0 or the errno of the write
 * that failed.
 */
#ifndef MEMTOP_CHECKRUN_H
#define MEMTOP_CHECKRUN_H

#include <stdio.h>

#include "conf/cli.h"
#include "model/checkup.h"
#include "proc/sysfacts.h"

int checkrun_main(const struct options *opts);
int checkrun_write(FILE *f, enum output_format fmt, const char *root, const struct sysfacts *sf,
		   const struct checkup *c);

#endif
