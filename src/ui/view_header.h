/* view_header.h — the list screen's header: lines 0 to 4 (5 in a replay),
 * one more when an OOM kill is known.
 *
 * Contract: draws the monitor's model and the list's sort and filter from
 * the context into stdscr; reads nothing else.
 */
#ifndef MEMTOP_VIEW_HEADER_H
#define MEMTOP_VIEW_HEADER_H

#include "model/listmodel.h"
#include "ui/screen.h"

#define HEADER_LINES 5           // live; a replay has one more

/* Memory and swap meters with PSI (lines 0-1), the status line (2), the
 * suspected leaks or the pressure banner (3), the OOM line (4). A replay
 * puts its own line (the recorded time, the sample, following, the host)
 * at 2 and the others one lower. Below them, when the kernel log reported
 * an OOM kill (or cannot be read and the counter says there were some),
 * the last kill: how long ago, the victim, its anon RSS, global or the
 * cgroup, and whether memtop had predicted it. */
void header_draw(const struct screen_ctx *c, const struct listmodel *list);
/* The lines header_draw draws. */
int header_lines(const struct screen_ctx *c);

#endif
