/* trend.c — history rings to sparkline cells and graph series; pure code. */
#include "model/trend.h"

#include <stdio.h>

#include "util/graph.h"

// A KiB count as a ring value (rings hold 32-bit KiB: 4 TiB).
static uint32_t clamp_kb(uint64_t kb)
{
	return kb < UINT32_MAX ? (uint32_t)kb : UINT32_MAX - 1;
}

uint32_t trend_min_range(uint32_t level_kb)
{
	return level_kb / 20 > 1024 ? level_kb / 20 : 1024;
}

size_t trend_sparkline(const struct history *h, uint64_t flat_kb, int width, bool utf8,
		       char *buf, size_t cap)
{
	uint32_t v[HISTORY_VALUES_MAX];
	size_t n = h ? history_values(&h->tier[0], true, v, HISTORY_VALUES_MAX) : 0, len;

	if (!n)
		v[n++] = clamp_kb(flat_kb);       // flat so far: one level
	len = graph_sparkline(v, n, trend_min_range(v[n - 1]), width, utf8, buf, cap);
	if (!len)
		len = (size_t)snprintf(buf, cap, "-");
	return len < cap ? len : 0;
}

void trend_detail_series(const struct history *h, uint64_t fallback_kb, struct trend_series *out)
{
	out->n = 0;
	out->tier = 0;
	if (h) {
		out->tier = h->tier[1].count >= 12 ? 1 : 0;
		out->n = history_values(&h->tier[out->tier], false, out->v, HISTORY_VALUES_MAX);
	}
	if (!out->n)
		out->v[out->n++] = clamp_kb(fallback_kb);
	out->lo = UINT32_MAX;
	out->hi = 0;
	for (size_t i = 0; i < out->n; i++) {
		out->lo = out->v[i] < out->lo ? out->v[i] : out->lo;
		out->hi = out->v[i] > out->hi ? out->v[i] : out->hi;
	}
}
