/* mathutil.h — the few functions of libm that memtop needs, inline.
 *
 * Linking libm maps all of it, and resolving its IFUNCs at start-up makes
 * ~430 KiB of it resident: a tenth of memtop's RSS, for six one-line
 * functions. sqrt is the compiler's own instruction when optimising (the
 * Makefile builds with -fno-math-errno, so no call to libm's sqrt for errno
 * is needed); an unoptimised build still calls it, which is why the Makefile
 * links libm "as needed" rather than not at all.
 */
#ifndef MEMTOP_MATHUTIL_H
#define MEMTOP_MATHUTIL_H

#include <stdint.h>

// The largest integer not above x (x within int64_t's range).
static inline int64_t floor_i64(double x)
{
	int64_t i = (int64_t)x;

	return i - ((double)i > x);
}

// x rounded to the nearest integer, halves away from zero (as lround).
static inline long round_l(double x)
{
	long i = (long)x;
	double frac = x - (double)i;     // exact: no rounding as in x + 0.5

	return i + (frac >= 0.5) - (frac <= -0.5);
}

static inline double dmin(double a, double b)
{
	return a < b ? a : b;
}

static inline double dmax(double a, double b)
{
	return a > b ? a : b;
}

#endif
