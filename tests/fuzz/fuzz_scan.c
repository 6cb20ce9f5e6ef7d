/* fuzz_scan.c — the bounded number scanners of scan.c on arbitrary bytes,
 * checked against the C library's strtoull and strtod on the same digits. */
#include <errno.h>
#include <math.h>

#include "fuzz.h"
#include "util/scan.h"

// The length of the run at p of bytes that digit() accepts.
static size_t run_of(const char *p, const char *end, int (*digit)(int))
{
	size_t n = 0;

	while (p + n < end && digit((unsigned char)p[n]))
		n++;
	return n;
}

static int is_dec(int c)
{
	return c >= '0' && c <= '9';
}

static int is_hex(int c)
{
	return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// scan_u64 or scan_hex_u64 at p against strtoull on a NUL-terminated copy of
// the digit run: the same value and end, NULL exactly when there is no
// digit or the value overflows.
static void check_integer(const char *p, const char *end, int base)
{
	size_t n = run_of(p, end, base == 10 ? is_dec : is_hex);
	char *copy = fuzz_copy((const uint8_t *)p, n, true);
	uint64_t v = 0;
	const char *q = base == 10 ? scan_u64(p, end, &v) : scan_hex_u64(p, end, &v);
	unsigned long long want;

	errno = 0;
	want = strtoull(copy, NULL, base);
	if (n == 0 || errno == ERANGE) {
		FUZZ_CHECK(q == NULL);
	} else {
		FUZZ_CHECK(q == p + n && v == want);
	}
	free(copy);
}

// scan_double at p against strtod on the same "digits[.digits]" text: the
// same end, and the same value up to the rounding of its summed fraction.
static void check_double(const char *p, const char *end)
{
	size_t ip = run_of(p, end, is_dec), fp = 0, n;
	const char *q;
	double v = -1, want;
	char *copy;

	if (ip > 0 && p + ip < end && p[ip] == '.')
		fp = run_of(p + ip + 1, end, is_dec);
	n = ip + (fp > 0 ? 1 + fp : 0);
	q = scan_double(p, end, &v);
	if (ip == 0 || (p + ip < end && p[ip] == '.' && fp == 0) || ip > 20) {
		// No number, "12." (a cut fraction), or an integer part that
		// may overflow uint64_t: only sanity, not a value, to compare.
		FUZZ_CHECK(q == NULL || (q > p && q <= end && v >= 0));
		return;
	}
	copy = fuzz_copy((const uint8_t *)p, n, true);
	want = strtod(copy, NULL);
	free(copy);
	if (q == NULL) {                      // a 20-digit integer part above 2^64 - 1
		FUZZ_CHECK(ip == 20 && want >= 18446744073709551615.0);
		return;
	}
	FUZZ_CHECK(q == p + n && isfinite(v) && v >= 0);
	FUZZ_CHECK(fabs(v - want) <= 1e-9 * want + 1e-9);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	const char *end = buf + size;

	// Every position: the scanners run wherever the parsers point them.
	for (const char *p = buf; p <= end; p++) {
		const char *s = scan_skip_spaces(p, end);

		FUZZ_CHECK(s >= p && s <= end && (s == end || (*s != ' ' && *s != '\t')));
		check_integer(p, end, 10);
		check_integer(p, end, 16);
		check_double(p, end);
	}
	free(buf);
	return 0;
}
