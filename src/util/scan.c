/* scan.c — bounded number scanning; pure code. */
#include "util/scan.h"

#include <stddef.h>

const char *scan_skip_spaces(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

const char *scan_u64(const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	const char *start = p;

	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return NULL;
		v = v * 10 + d;
	}
	if (p == start)
		return NULL;
	*out = v;
	return p;
}

// Value of one hex digit, or -1.
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *scan_hex_u64(const char *p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	const char *start = p;
	int d;

	for (; p < end && (d = hex_value(*p)) >= 0; p++) {
		if (v >> 60)
			return NULL;
		v = (v << 4) | (uint64_t)d;
	}
	if (p == start)
		return NULL;
	*out = v;
	return p;
}

const char *scan_double(const char *p, const char *end, double *out)
{
	uint64_t ip;
	double v, scale = 0.1;

	p = scan_u64(p, end, &ip);
	if (!p)
		return NULL;
	v = (double)ip;
	if (p < end && *p == '.') {
		const char *frac = ++p;

		for (; p < end && *p >= '0' && *p <= '9'; p++, scale /= 10)
			v += (*p - '0') * scale;
		if (p == frac)
			return NULL;
	}
	*out = v;
	return p;
}
