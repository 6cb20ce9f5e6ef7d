/* graph.c — sparklines; pure code. */
#include "util/graph.h"

#include <string.h>

static const char *const blocks[8] = {
	"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
};
static const char ascii_levels[8] = { '_', '.', ',', '-', '=', '+', '*', '#' };

size_t graph_sparkline(const uint32_t *v, size_t n, uint32_t min_range, int width, bool utf8,
		       char *out, size_t cap)
{
	size_t first = n > (size_t)width ? n - (size_t)width : 0, o = 0;
	size_t pad = (size_t)width > n ? (size_t)width - n : 0;
	uint32_t lo = UINT32_MAX, hi = 0;

	if (width <= 0 || cap < (size_t)width * (utf8 ? 3 : 1) + 1) {
		if (cap)
			out[0] = '\0';
		return 0;
	}
	for (size_t i = first; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	uint64_t range = hi > lo ? hi - lo : 0;

	if (range < min_range)
		range = min_range;
	for (size_t i = 0; i < pad; i++)
		out[o++] = ' ';
	for (size_t i = first; i < n; i++) {
		unsigned level = range ? (unsigned)((uint64_t)(v[i] - lo) * 7 / range) : 0;

		if (utf8) {
			memcpy(out + o, blocks[level], 3);
			o += 3;
		} else {
			out[o++] = ascii_levels[level];
		}
	}
	out[o] = '\0';
	return o;
}

int graph_bars(const uint32_t *v, size_t n, uint32_t min_range, int width, int height, bool utf8,
	       char *const rows[], size_t cap)
{
	size_t first = n > (size_t)width ? n - (size_t)width : 0;
	size_t pad = (size_t)width > n ? (size_t)width - n : 0;
	uint32_t lo = UINT32_MAX, hi = 0;
	uint64_t range;

	if (width <= 0 || height <= 0 || cap < (size_t)width * (utf8 ? 3 : 1) + 1)
		return -1;
	for (size_t i = first; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	range = hi > lo ? hi - lo : 0;
	if (range < min_range)
		range = min_range;
	for (int r = 0; r < height; r++) {
		// Row r (0 = top) covers eighths [(height-1-r)*8, (height-r)*8).
		int base = (height - 1 - r) * 8;
		size_t o = 0;

		for (size_t i = 0; i < pad; i++)
			rows[r][o++] = ' ';
		for (size_t i = first; i < n; i++) {
			// Height of this column in eighths of a row; at least one eighth.
			int h = range ? (int)((uint64_t)(v[i] - lo) * (uint64_t)(height * 8 - 1) / range) + 1 : 1;
			int fill = h - base;

			if (fill <= 0) {
				rows[r][o++] = ' ';
			} else if (!utf8) {
				rows[r][o++] = fill >= 4 ? '#' : '.';
			} else {
				memcpy(rows[r] + o, blocks[fill >= 8 ? 7 : fill - 1], 3);
				o += 3;
			}
		}
		rows[r][o] = '\0';
	}
	return 0;
}

int graph_cell_level(const char *s, size_t *len)
{
	const char *hit;

	*len = s[0] ? 1 : 0;
	for (int i = 0; i < 8; i++)
		if (strncmp(s, blocks[i], 3) == 0) {
			*len = 3;
			return i;
		}
	if (s[0] && (hit = memchr(ascii_levels, s[0], sizeof ascii_levels)))
		return (int)(hit - ascii_levels);
	// Skip the rest of any other UTF-8 character whole.
	while (s[0] && (s[*len] & 0xc0) == 0x80)
		(*len)++;
	return -1;
}
