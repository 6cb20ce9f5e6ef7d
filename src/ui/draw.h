/* draw.h — drawing primitives for the screens (ncurses, stdscr).
 *
 * Contract: nothing here writes outside the screen; text is fitted to its
 * width in display columns (text_fit), never wrapped.
 */
#ifndef MEMTOP_DRAW_H
#define MEMTOP_DRAW_H

#include "ui/ui.h"

/* Draws s at (y, x) clipped to width columns, with attributes. Returns the
 * columns used. */
int view_put(const struct ui *u, int y, int x, int width, const char *s, attr_t attr);

/* Draws a sparkline (graph_sparkline's output) at (y, x), each cell in the
 * sparkline.low or sparkline.high role by its level. */
void view_put_spark(const struct ui *u, int y, int x, int width, const char *s);

#endif
