/* test_mathutil.c — the inline stand-ins for libm (src/util/mathutil.h) agree
 * with libm itself, which the tests may link. */
#include "fixture.h"

#include <math.h>

#include "util/mathutil.h"

static const double samples[] = {
	0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
	1e-300, -1e-300, 3599.9, 86399.5, -86399.5, 1e15 + 0.5, -1e15 - 0.5, 4503599627370497.0,
	1763000000.25, 123456.789, -123456.789,
};

static void test_floor_i64_matches_floor(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++)
		assert_int_equal(floor_i64(samples[i]), (int64_t)floor(samples[i]));
}

static void test_round_l_matches_lround(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++)
		assert_int_equal(round_l(samples[i]), lround(samples[i]));
}

static void test_min_max(void **state)
{
	(void)state;
	assert_true(dmin(1.0, 2.0) == 1.0 && dmin(2.0, 1.0) == 1.0 && dmin(-3.0, -3.0) == -3.0);
	assert_true(dmax(1.0, 2.0) == 2.0 && dmax(2.0, 1.0) == 2.0 && dmax(-1.0, -2.0) == -1.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_floor_i64_matches_floor),
		cmocka_unit_test(test_round_l_matches_lround),
		cmocka_unit_test(test_min_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
