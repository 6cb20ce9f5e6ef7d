/* graph.h — values to rows of terminal cells: sparklines from Unicode block
 * elements, or ASCII in a non-UTF-8 locale. Pure; no ncurses.
 */
#ifndef MEMTOP_GRAPH_H
#define MEMTOP_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Draws the last `width` of n values as one cell each, scaled from their
 * minimum over max(their range, min_range) — so that small wobbles stay low
 * instead of filling the cell — right-aligned with spaces when there are
 * fewer values than cells. Writes a NUL-terminated string of exactly
 * `width` cells into out; returns its length in bytes, or 0 when it does not
 * fit in cap. */
size_t graph_sparkline(const uint32_t *v, size_t n, uint32_t min_range, int width, bool utf8,
		       char *out, size_t cap);

/* Draws the last `width` of n values as a bar chart `height` rows tall, the
 * same scaling as graph_sparkline, top row first: rows[r] receives a
 * NUL-terminated string of exactly `width` cells (each rows[r] has cap
 * bytes; 3 per cell in UTF-8, 1 in ASCII, plus 1). Returns 0, or -1 when a
 * row does not fit. */
int graph_bars(const uint32_t *v, size_t n, uint32_t min_range, int width, int height, bool utf8,
	       char *const rows[], size_t cap);

/* The level (0 lowest .. 7 highest) of the sparkline cell at s, as drawn by
 * graph_sparkline, or -1 for a blank or any other character; *len gets the
 * cell's length in bytes (at least 1 unless s is empty). */
int graph_cell_level(const char *s, size_t *len);

#endif
