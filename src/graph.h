/* graph.h — values to rows of terminal cells: sparklines from Unicode block
 * elements, or ASCII in a non-UTF-8 locale. Pure; no ncurses.
 */
#ifndef MEMTOP_GRAPH_H
#define MEMTOP_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Draws the last `width` of n values as one cell each, scaled between their
 * minimum and maximum (all equal: the lowest level), right-aligned with
 * spaces when there are fewer values than cells. Writes a NUL-terminated
 * string of exactly `width` cells into out; returns its length in bytes, or
 * 0 when it does not fit in cap. */
size_t graph_sparkline(const uint32_t *v, size_t n, int width, bool utf8, char *out, size_t cap);

#endif
