/* test_scan.c — bounded number scanners. Inputs are exact-size heap copies
 * without a NUL, so ASan reports any read at or past end. */
#include "fixture.h"

#include <stdbool.h>

#include "util/scan.h"

// Scans an unsigned decimal from a copy of s; returns the number of bytes
// consumed, or -1 when scan_u64 returned NULL. *v is left alone on failure.
static long u64_of(const char *s, uint64_t *v)
{
	size_t n = strlen(s);
	char *b = test_bytes(s, n);
	const char *r = scan_u64(b, b + n, v);
	long used = r ? (long)(r - b) : -1;

	assert_true(r == NULL || (r >= b && r <= b + n));
	free(b);
	return used;
}

static long hex_of(const char *s, uint64_t *v)
{
	size_t n = strlen(s);
	char *b = test_bytes(s, n);
	const char *r = scan_hex_u64(b, b + n, v);
	long used = r ? (long)(r - b) : -1;

	assert_true(r == NULL || (r >= b && r <= b + n));
	free(b);
	return used;
}

static long double_of(const char *s, double *v)
{
	size_t n = strlen(s);
	char *b = test_bytes(s, n);
	const char *r = scan_double(b, b + n, v);
	long used = r ? (long)(r - b) : -1;

	assert_true(r == NULL || (r >= b && r <= b + n));
	free(b);
	return used;
}

static void test_skip_spaces(void **state)
{
	static const char s[] = " \t x";
	char *b = test_bytes(s, 4);

	(void)state;
	assert_ptr_equal(scan_skip_spaces(b, b + 4), b + 3);
	assert_ptr_equal(scan_skip_spaces(b + 3, b + 4), b + 3);     // nothing to skip
	assert_ptr_equal(scan_skip_spaces(b, b + 2), b + 2);         // stops at end
	assert_ptr_equal(scan_skip_spaces(b, b), b);                 // empty range
	free(b);
	b = test_bytes("\n 1", 3);
	assert_ptr_equal(scan_skip_spaces(b, b + 3), b);             // newline is not skipped
	free(b);
}

static void test_u64_plain(void **state)
{
	uint64_t v = 99;

	(void)state;
	assert_int_equal(u64_of("0", &v), 1);
	assert_int_equal(v, 0);
	assert_int_equal(u64_of("123", &v), 3);
	assert_int_equal(v, 123);
	assert_int_equal(u64_of("42 rest", &v), 2);
	assert_int_equal(v, 42);
	assert_int_equal(u64_of("7abc", &v), 1);
	assert_int_equal(v, 7);
	assert_int_equal(u64_of("0000000000000000000000000000042", &v), 31);   // zeros do not overflow
	assert_int_equal(v, 42);
}

static void test_u64_limits(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(u64_of("18446744073709551615", &v), 20);
	assert_true(v == UINT64_MAX);
	assert_int_equal(u64_of("18446744073709551616", &v), -1);   // UINT64_MAX + 1
	assert_int_equal(u64_of("18446744073709551620", &v), -1);
	assert_int_equal(u64_of("99999999999999999999", &v), -1);
	assert_int_equal(u64_of("184467440737095516150", &v), -1);
}

static void test_u64_rejects_non_numbers(void **state)
{
	uint64_t v = 5;

	(void)state;
	assert_int_equal(u64_of("", &v), -1);
	assert_int_equal(u64_of("-1", &v), -1);      // no sign accepted
	assert_int_equal(u64_of("+1", &v), -1);
	assert_int_equal(u64_of(" 1", &v), -1);      // no implicit space skipping
	assert_int_equal(u64_of("x1", &v), -1);
	assert_int_equal(v, 5);
}

static void test_u64_stops_at_end(void **state)
{
	char *b = test_bytes("12345", 5);
	uint64_t v = 0;

	(void)state;
	assert_ptr_equal(scan_u64(b, b + 3, &v), b + 3);
	assert_int_equal(v, 123);
	assert_null(scan_u64(b, b, &v));
	free(b);
}

static void test_hex(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(hex_of("0", &v), 1);
	assert_int_equal(v, 0);
	assert_int_equal(hex_of("ff", &v), 2);
	assert_int_equal(v, 0xff);
	assert_int_equal(hex_of("DEADbeef", &v), 8);
	assert_int_equal(v, 0xdeadbeef);
	assert_int_equal(hex_of("55eac7f2a000-55eac7f4b000", &v), 12);
	assert_int_equal(v, 0x55eac7f2a000);
	assert_int_equal(hex_of("0x10", &v), 1);     // no prefix: "0" then stop at 'x'
	assert_int_equal(v, 0);
	assert_int_equal(hex_of("000000000000000000000000ff", &v), 26);
	assert_int_equal(v, 0xff);
}

static void test_hex_limits(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(hex_of("ffffffffffffffff", &v), 16);
	assert_true(v == UINT64_MAX);
	assert_int_equal(hex_of("ffffffffff600000", &v), 16);   // [vsyscall] start
	assert_true(v == 0xffffffffff600000ull);
	assert_int_equal(hex_of("10000000000000000", &v), -1);  // 2^64
	assert_int_equal(hex_of("fffffffffffffffff", &v), -1);
}

static void test_hex_rejects_non_numbers(void **state)
{
	uint64_t v = 0;
	char *b;

	(void)state;
	assert_int_equal(hex_of("", &v), -1);
	assert_int_equal(hex_of("g", &v), -1);
	assert_int_equal(hex_of("-1", &v), -1);
	assert_int_equal(hex_of(" a", &v), -1);
	b = test_bytes("abcd", 4);
	assert_ptr_equal(scan_hex_u64(b, b + 2, &v), b + 2);
	assert_int_equal(v, 0xab);
	free(b);
}

static void test_double(void **state)
{
	double v = -1;

	(void)state;
	assert_int_equal(double_of("12", &v), 2);
	assert_true(v == 12.0);
	assert_int_equal(double_of("0.25", &v), 4);
	assert_true(v == 0.25);
	assert_int_equal(double_of("0.00", &v), 4);
	assert_true(v == 0.0);
	assert_int_equal(double_of("12.34 avg60", &v), 5);
	assert_float_equal(v, 12.34, 1e-12);
	assert_int_equal(double_of("99.99", &v), 5);
	assert_float_equal(v, 99.99, 1e-12);
	assert_int_equal(double_of("1e5", &v), 1);     // no exponents
	assert_true(v == 1.0);
	assert_int_equal(double_of("0.123456789012345678901234567890", &v), 32);
	assert_float_equal(v, 0.1234567890123456789, 1e-12);
}

static void test_double_rejects(void **state)
{
	double v = 7;
	char *b;

	(void)state;
	assert_int_equal(double_of("", &v), -1);
	assert_int_equal(double_of(".5", &v), -1);
	assert_int_equal(double_of("1.", &v), -1);            // a dot needs digits
	assert_int_equal(double_of("1.x", &v), -1);
	assert_int_equal(double_of("-1.0", &v), -1);
	assert_int_equal(double_of("nan", &v), -1);
	assert_int_equal(double_of("99999999999999999999.5", &v), -1);   // integer part overflows
	assert_true(v == 7);
	// The range ends right after the dot: truncated text, not "1".
	b = test_bytes("1.5", 3);
	assert_null(scan_double(b, b + 2, &v));
	assert_ptr_equal(scan_double(b, b + 1, &v), b + 1);
	assert_true(v == 1.0);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skip_spaces),
		cmocka_unit_test(test_u64_plain),
		cmocka_unit_test(test_u64_limits),
		cmocka_unit_test(test_u64_rejects_non_numbers),
		cmocka_unit_test(test_u64_stops_at_end),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_hex_limits),
		cmocka_unit_test(test_hex_rejects_non_numbers),
		cmocka_unit_test(test_double),
		cmocka_unit_test(test_double_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
