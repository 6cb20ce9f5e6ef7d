/* view.h — the screens: the process list, help and the sort pick list.
 *
 * Contract: view_draw paints the active screen from struct app into stdscr
 * and refreshes (ncurses sends only what changed); view_key acts on one key.
 * Neither reads /proc.
 */
#ifndef MEMTOP_VIEW_H
#define MEMTOP_VIEW_H

#include "ui/app.h"
#include "ui/draw.h"

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

#endif
