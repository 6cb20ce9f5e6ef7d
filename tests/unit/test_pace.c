/* test_pace.c — the detail view's smaps re-read pace (pace.c): the period a
 * read's cost sets, when a tick reads, what the screen says, and a simulated
 * hour of ticks on an injected clock for reads of every cost: the reads never
 * take more than a tenth of the time, never come sooner than the interval,
 * and a cheap read still happens at every tick. */
#include "fixture.h"

#include "model/pace.h"

static void test_period(void **state)
{
	(void)state;
	assert_true(pace_period(0.0, 1.0) == 1.0);          // free: every tick
	assert_true(pace_period(0.05, 1.0) == 1.0);         // 10 x 0.05 = 0.5 s < the interval
	assert_true(pace_period(0.1, 1.0) == 1.0);          // exactly the interval (not 2 by rounding)
	assert_true(pace_period(0.11, 1.0) == 2.0);         // 1.1 s: the next whole tick
	assert_true(pace_period(0.8, 1.0) == 8.0);
	assert_true(pace_period(0.8, 2.0) == 8.0);
	assert_true(pace_period(0.25, 2.0) == 4.0);         // 2.5 s: two ticks of 2 s
	assert_true(pace_period(3.0, 0.5) == 30.0);
	assert_true(pace_period(-1.0, 0.5) == 0.5);         // a clock step back costs nothing
	assert_true(pace_next_due(100.0, 0.8, 1.0) == 108.0);
	assert_true(pace_next_due(100.0, 0.01, 1.0) == 101.0);
}

static void test_due(void **state)
{
	(void)state;
	// Ticks an interval apart may come a little early or late.
	assert_true(pace_due(108.0, 108.0, 1.0));
	assert_true(pace_due(107.6, 108.0, 1.0));
	assert_false(pace_due(107.4, 108.0, 1.0));
	assert_false(pace_due(101.0, 108.0, 1.0));
	assert_true(pace_due(300.0, 108.0, 1.0));
}

static void test_describe(void **state)
{
	char buf[96];

	(void)state;
	assert_string_equal(pace_describe(0.02, 1.0, buf, sizeof buf), "");
	assert_string_equal(pace_describe(0.1, 1.0, buf, sizeof buf), "");
	assert_string_equal(pace_describe(0.8, 1.0, buf, sizeof buf),
			    "smaps re-read every 8 s (a read takes 0.8 s)");
	assert_string_equal(pace_describe(0.25, 2.0, buf, sizeof buf),
			    "smaps re-read every 4 s (a read takes 0.2 s)");
	assert_string_equal(pace_describe(0.33, 0.5, buf, sizeof buf),
			    "smaps re-read every 3.5 s (a read takes 0.3 s)");
	assert_string_equal(pace_describe(1.7, 1.0, buf, sizeof buf),
			    "smaps re-read every 17 s (a read takes 1.7 s)");
	assert_string_equal(pace_describe(0.8, 1.0, buf, 8), "smaps r");   // cut, terminated
}

// Runs the view's rule for an hour of ticks on a made-up clock: a tick every
// interval (each a little late), a read when due that costs cost_s.
// Returns the share of the time spent reading; *reads and *min_gap get how
// many reads there were and the shortest time between two.
static double simulate(double cost_s, double interval_s, int *reads, double *min_gap)
{
	double started = 0, busy = 0, end = 3600;
	bool have = false;

	*reads = 0;
	*min_gap = 1e9;
	for (long k = 0; k * interval_s < end; k++) {
		double now = k * interval_s + (k % 7) * interval_s / 50;   // jitter under half a tick

		if (have && !pace_due(now, pace_next_due(started, cost_s, interval_s), interval_s))
			continue;
		if (have && now - started < *min_gap)
			*min_gap = now - started;
		started = now;
		have = true;
		busy += cost_s;
		(*reads)++;
	}
	return busy / end;
}

static void test_simulated_hour(void **state)
{
	static const double costs[] = { 0.001, 0.05, 0.1, 0.15, 0.4, 0.8, 1.3, 5.0 };
	static const double intervals[] = { 0.5, 1.0, 2.0, 10.0 };

	(void)state;
	for (size_t i = 0; i < sizeof costs / sizeof costs[0]; i++)
		for (size_t j = 0; j < sizeof intervals / sizeof intervals[0]; j++) {
			double gap;
			int reads;
			double share = simulate(costs[i], intervals[j], &reads, &gap);

			// At most a tenth of a core, and the first read.
			assert_true(share <= 0.1 + costs[i] / 3600 + 1e-9);
			// Never more often than the refresh interval (jitter aside).
			assert_true(gap >= intervals[j] * (1 - 6.0 / 50) - 1e-9);
			// A read that costs a tenth of the interval or less: every tick.
			if (costs[i] * PACE_COST_FACTOR <= intervals[j])
				assert_int_equal(reads, (int)(3600 / intervals[j]));
			// A costly one as often as the bound allows: within a tick of it.
			else
				assert_true(share >= 0.1 * costs[i] * PACE_COST_FACTOR /
					    (costs[i] * PACE_COST_FACTOR + intervals[j]) - 1e-9);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_simulated_hour),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
