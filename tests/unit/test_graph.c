/* test_graph.c — sparklines and bar charts: scaling, the minimum range,
 * right alignment, ASCII fallback, and capacity checks. */
#include "fixture.h"

#include "util/graph.h"

#define B1 "\u2581"
#define B8 "\u2588"

static void test_sparkline_scales_min_to_max(void **state)
{
	const uint32_t v[] = { 100, 150, 200 };
	char out[64];

	(void)state;
	assert_int_equal(graph_sparkline(v, 3, 0, 3, true, out, sizeof out), 9);
	assert_string_equal(out, B1 "\u2584" B8);                  // levels 0, 3, 7
	assert_int_equal(graph_sparkline(v, 3, 0, 3, false, out, sizeof out), 3);
	assert_string_equal(out, "_-#");
}

static void test_sparkline_min_range_keeps_wobbles_low(void **state)
{
	const uint32_t v[] = { 1000, 1004, 1000, 1008 };
	char out[64];

	(void)state;
	graph_sparkline(v, 4, 1024, 4, false, out, sizeof out);
	assert_string_equal(out, "____");
	graph_sparkline(v, 4, 0, 4, false, out, sizeof out);      // no floor: full swing
	assert_string_equal(out, "_-_#");                         // (4 of 8) x 7 = level 3
}

static void test_sparkline_pads_and_keeps_the_latest(void **state)
{
	const uint32_t v[] = { 5, 5, 1, 2, 3 };
	char out[64];

	(void)state;
	graph_sparkline(v, 2, 0, 4, false, out, sizeof out);      // flat, right-aligned
	assert_string_equal(out, "  __");
	graph_sparkline(v, 5, 0, 3, false, out, sizeof out);      // only the last 3
	assert_string_equal(out, "_-#");
	assert_int_equal(graph_sparkline(v, 5, 0, 3, true, out, 9), 0);   // 3 cells need 10 bytes
	assert_string_equal(out, "");
	assert_int_equal(graph_sparkline(v, 5, 0, 0, true, out, sizeof out), 0);
}

static void test_bars_fill_from_the_bottom(void **state)
{
	const uint32_t v[] = { 0, 50, 100 };
	char r0[32], r1[32], *rows[] = { r0, r1 };

	(void)state;
	assert_int_equal(graph_bars(v, 3, 0, 3, 2, false, rows, sizeof r0), 0);
	assert_string_equal(r0, "  #");                            // top row: only the highest
	assert_string_equal(r1, ".##");                            // bottom: every column shows
	assert_int_equal(graph_bars(v, 3, 0, 3, 2, true, rows, sizeof r0), 0);
	assert_string_equal(r0, "  " B8);
	assert_int_equal(graph_bars(v, 1, 0, 3, 2, false, rows, sizeof r0), 0);
	assert_string_equal(r1, "  .");                            // one value: right-aligned, lowest
	assert_int_equal(graph_bars(v, 3, 0, 3, 2, true, rows, 9), -1);   // too small
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sparkline_scales_min_to_max),
		cmocka_unit_test(test_sparkline_min_range_keeps_wobbles_low),
		cmocka_unit_test(test_sparkline_pads_and_keeps_the_latest),
		cmocka_unit_test(test_bars_fill_from_the_bottom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
