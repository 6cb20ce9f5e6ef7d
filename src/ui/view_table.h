/* view_table.h — the process table on screen: which columns fit, their
 * titles and cells, and where each one is (for mouse hits).
 *
 * Contract: draws a listmodel it is given into stdscr; reads nothing else.
 * table_draw_header lays the columns out and must come first in a frame;
 * the hit-testing functions then answer for what that frame shows.
 */
#ifndef MEMTOP_VIEW_TABLE_H
#define MEMTOP_VIEW_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/listmodel.h"
#include "model/proctable.h"
#include "ui/ui.h"

#define TABLE_MAX_COLUMNS 20

struct table_view {
	unsigned columns;               // the columns wanted (COLUMN_BITs)
	bool tree;                      // the tree view: its columns (FIELD_TREE) too
	int header_y, rows_y;           // screen lines of the title row and the first row
	int col_x[TABLE_MAX_COLUMNS];   // x of each column (table order), -1 when not shown
};

/* Lays the wanted columns out in the screen's width (dropping the most
 * droppable while the command would get less than its minimum) and draws
 * the title row on header_y, the column list is sorted by marked. */
void table_draw_header(const struct ui *u, struct table_view *tv, enum sort_key key);
/* Draws the list's rows from rows_y down to the line above the footer,
 * scrolling the list to keep its selection in sight. Returns how many rows
 * are on screen (from list->top). */
size_t table_draw_rows(const struct ui *u, const struct table_view *tv, struct listmodel *list);
/* What a click at x on the title row sorts by: a key, or -1 (no column
 * there, or one that does not sort). */
int table_key_at(const struct table_view *tv, int x);
/* The key of the next (dir 1) or previous (-1) column on screen that sorts,
 * after the one sorted by key; -1 when there is none. */
int table_key_step(const struct table_view *tv, enum sort_key key, int dir);

#endif
