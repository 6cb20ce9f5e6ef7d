/* view_sort.h — the sort pick list (F6), drawn over the process list.
 *
 * Contract: draws and moves a highlighted sort key; the list screen applies
 * what is chosen.
 */
#ifndef MEMTOP_VIEW_SORT_H
#define MEMTOP_VIEW_SORT_H

#include "ui/ui.h"

enum sortpick_result { SORTPICK_OPEN, SORTPICK_CANCEL, SORTPICK_CHOSEN };

/* Draws the list from line y, scrolled so that *pick is in sight. */
void sortpick_draw(const struct ui *u, int y, int pick);
/* Up/Down (k/j) move *pick; Enter chooses it; Esc, q or F6 cancel. */
enum sortpick_result sortpick_key(int *pick, int ch);

#endif
