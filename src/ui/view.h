/* view.h — the screens: the process list, help and the sort pick list.
 *
 * Contract: view_draw paints the active screen from struct app into stdscr
 * and refreshes (ncurses sends only what changed); view_key acts on one key.
 * Neither reads /proc.
 */
#ifndef MEMTOP_VIEW_H
#define MEMTOP_VIEW_H

#include "ui/app.h"

void view_draw(struct app *a);
void view_key(struct app *a, int ch);

/* The list screen (view_list.c). */
void view_list_draw(struct app *a);
void view_list_key(struct app *a, int ch);
/* The help screen, generated from the list's key table (view_list.c). */
void view_help_draw(struct app *a);
/* The detail view of one process (view_detail.c). */
void view_detail_draw(struct app *a);
void view_detail_key(struct app *a, int ch);
/* The sort pick list (F6). */
void view_sort_draw(struct app *a);
void view_sort_key(struct app *a, int ch);

/* Draws s at (y, x) clipped to width columns, with attributes. Returns the
 * columns used. */
int view_put(const struct ui *u, int y, int x, int width, const char *s, attr_t attr);

/* Draws a sparkline (graph_sparkline's output) at (y, x), each cell in the
 * sparkline.low or sparkline.high role by its level. */
void view_put_spark(const struct ui *u, int y, int x, int width, const char *s);

#endif
