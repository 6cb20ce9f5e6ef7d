/* trend.h — a process's leak-signal history turned into what the screens
 * draw: the list's TREND sparkline and the detail view's graph series.
 * Pure: a history in, cells or values out; no ncurses.
 *
 * Contract: every function reads its rings through history_values with the
 * capacity of its own buffer, so a full ring (HISTORY_LEN buckets plus the
 * open one) never overruns anything. A NULL history means "flat so far": one
 * value, the flat level.
 */
#ifndef MEMTOP_TREND_H
#define MEMTOP_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/history.h"

/* The values a graph shows and what they span. */
struct trend_series {
	uint32_t v[HISTORY_VALUES_MAX];
	size_t n;                    // >= 1
	int tier;                    // the tier they come from (bucket length: history_bucket_s)
	uint32_t lo, hi;             // their smallest and largest
};

/* The list's TREND cell: the 2 s tier with its open bucket, as a sparkline
 * of width cells (graph_sparkline's format) scaled to at least 1 MiB or 5 %
 * of the level. Writes "-" when it does not fit cap. Returns the bytes
 * written. */
size_t trend_sparkline(const struct history *h, uint64_t flat_kb, int width, bool utf8,
		       char *buf, size_t cap);

/* The detail view's series: the 15 s tier once it holds 12 buckets (three
 * minutes), else the 2 s tier; completed buckets only. An empty history
 * gives the fallback value alone. */
void trend_detail_series(const struct history *h, uint64_t fallback_kb, struct trend_series *out);

/* The smallest range a graph at a level of level_kb is scaled to: 1 MiB or
 * 5 % of the level, so that wobbles stay flat. */
uint32_t trend_min_range(uint32_t level_kb);

#endif
