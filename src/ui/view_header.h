/* view_header.h — the list screen's header: lines 0 to 4.
 *
 * Contract: draws the monitor's model and the list's sort and filter from
 * the context into stdscr; reads nothing else.
 */
#ifndef MEMTOP_VIEW_HEADER_H
#define MEMTOP_VIEW_HEADER_H

#include "model/listmodel.h"
#include "ui/screen.h"

#define HEADER_LINES 5

/* Memory and swap meters with PSI (lines 0-1), the status line (2), the
 * suspected leaks or the pressure banner (3), the OOM line (4). */
void header_draw(const struct screen_ctx *c, const struct listmodel *list);

#endif
