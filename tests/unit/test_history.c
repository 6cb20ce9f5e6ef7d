/* test_history.c — every reader of the history rings, at every fill level a
 * long run reaches: empty, partly filled, exactly full (with and without the
 * open bucket), and wrapped many times, on an injected clock. The rings'
 * readers are history_values, the list's TREND cell and the detail view's
 * series (trend.c), the leak detector and the system model. Built with
 * AddressSanitizer, so a reader that copies one bucket too many fails here.
 * The screen crashed ~100 s after start when the 2 s ring filled
 * (issue 15): test_trend_cell_at_every_fill_level is that bug. */
#include "fixture.h"

#include <math.h>

#include "util/graph.h"
#include "model/history.h"
#include "model/leak.h"
#include "model/sysmodel.h"
#include "model/trend.h"

// Sample times that fill exactly `buckets` completed buckets of tier k and
// leave the next one open: one sample a second.
static double seconds_for(int k, size_t buckets)
{
	return history_bucket_s[k] * (double)buckets;
}

// Pushes one sample a second from t0 up to (not including) t1, the value
// growing by one KiB a second from base; returns the next time.
static double feed(struct history *h, double t0, double t1, uint32_t base)
{
	double t;

	for (t = t0; t < t1; t += 1.0)
		history_push(h, t, base + (uint32_t)t);
	return t;
}

// The fill levels every reader is tested at, as completed buckets of tier 0
// (the wrapped ones are many ring-lengths long).
static const size_t fills[] = { 0, 1, 5, HISTORY_LEN - 1, HISTORY_LEN, HISTORY_LEN + 1,
				3 * HISTORY_LEN + 7, 40 * HISTORY_LEN };
#define NFILLS (sizeof fills / sizeof fills[0])

// A history whose tier 0 has `buckets` completed buckets (capped at the ring)
// and an open bucket unless buckets is 0 and nothing was pushed.
static void history_filled(struct history *h, size_t buckets, bool any)
{
	history_init(h);
	if (any)
		feed(h, 0, seconds_for(0, buckets) + 1.0, 1000);
}

static void test_empty_ring_gives_nothing(void **state)
{
	struct history h;
	uint32_t v[HISTORY_VALUES_MAX];

	(void)state;
	history_init(&h);
	for (int k = 0; k < HISTORY_TIERS; k++) {
		assert_int_equal(h.tier[k].count, 0);
		assert_int_equal(history_values(&h.tier[k], true, v, HISTORY_VALUES_MAX), 0);
		assert_int_equal(history_values(&h.tier[k], false, v, HISTORY_VALUES_MAX), 0);
	}
}

static void test_values_at_every_fill_level(void **state)
{
	(void)state;
	for (size_t f = 0; f < NFILLS; f++) {
		struct history h;
		// Guard cells either side: a reader writing past its capacity
		// changes them (ASan catches it too, for the stack buffer).
		uint32_t buf[HISTORY_VALUES_MAX + 2];
		size_t want = fills[f] < HISTORY_LEN ? fills[f] : HISTORY_LEN, n;

		history_filled(&h, fills[f], true);
		assert_int_equal(h.tier[0].count, want);
		assert_true(h.tier[0].have_open);

		buf[0] = buf[HISTORY_VALUES_MAX + 1] = 0xdeadbeef;
		n = history_values(&h.tier[0], true, buf + 1, HISTORY_VALUES_MAX);
		assert_int_equal(n, want + 1);
		assert_int_equal(buf[n], h.tier[0].open_sig);           // newest last
		for (size_t i = 1; i < n; i++)
			assert_true(buf[i] <= buf[i + 1]);                // oldest first: growing
		assert_int_equal(buf[0], 0xdeadbeef);
		assert_int_equal(buf[HISTORY_VALUES_MAX + 1], 0xdeadbeef);

		// A buffer sized for the ring alone gets the newest HISTORY_LEN.
		buf[HISTORY_LEN + 1] = 0xdeadbeef;
		n = history_values(&h.tier[0], true, buf + 1, HISTORY_LEN);
		assert_int_equal(n, want + 1 < HISTORY_LEN ? want + 1 : HISTORY_LEN);
		assert_int_equal(buf[n], h.tier[0].open_sig);
		assert_int_equal(buf[HISTORY_LEN + 1], 0xdeadbeef);

		// Without the open bucket: the completed ones, the newest last.
		n = history_values(&h.tier[0], false, buf + 1, HISTORY_VALUES_MAX);
		assert_int_equal(n, want);
		// (Growing 1 KiB a second, each bucket's minimum is its first.)
		if (n)
			assert_true(buf[n] < h.tier[0].open_sig);
		// A tiny capacity: the newest values only, never more.
		assert_int_equal(history_values(&h.tier[0], true, buf + 1, 1), 1);
		assert_int_equal(buf[1], h.tier[0].open_sig);
		assert_int_equal(history_values(&h.tier[0], true, buf + 1, 0), 0);
	}
}

static void test_wrapped_ring_keeps_the_newest_in_order(void **state)
{
	struct history h;
	uint32_t v[HISTORY_VALUES_MAX];
	size_t n;

	(void)state;
	history_init(&h);
	// 100 ring-lengths of the 2 s tier; value = 1000 + t, and a bucket holds
	// its smallest, so bucket b holds 1000 + 2b.
	feed(&h, 0, seconds_for(0, 100 * HISTORY_LEN) + 1.0, 1000);
	n = history_values(&h.tier[0], false, v, HISTORY_VALUES_MAX);
	assert_int_equal(n, HISTORY_LEN);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i], 1000 + 2 * (100 * HISTORY_LEN - HISTORY_LEN + i));
	assert_true(h.tier[0].head < HISTORY_LEN);
}

static void test_gaps_repeat_at_most_a_ring(void **state)
{
	struct history h;
	uint32_t v[HISTORY_VALUES_MAX];

	(void)state;
	history_init(&h);
	history_push(&h, 0, 500);
	// A pause of a day (a suspended laptop, SIGSTOP): one ring of repeats.
	history_push(&h, 86400, 900);
	for (int k = 0; k < HISTORY_TIERS; k++) {
		assert_int_equal(h.tier[k].count, HISTORY_LEN);
		assert_int_equal(history_values(&h.tier[k], true, v, HISTORY_VALUES_MAX), HISTORY_VALUES_MAX);
		assert_int_equal(v[0], 500);
		assert_int_equal(v[HISTORY_LEN], 900);
	}
}

static void test_trend_cell_at_every_fill_level(void **state)
{
	(void)state;
	for (size_t f = 0; f < NFILLS; f++) {
		for (int utf8 = 0; utf8 <= 1; utf8++) {
			struct history h;
			char cell[64];
			int width = 10;

			history_filled(&h, fills[f], true);
			size_t len = trend_sparkline(&h, 0, width, utf8, cell, sizeof cell), at = 0;
			int cells = 0, levels = 0;

			// The list's TREND column: exactly 10 cells, a level for each
			// value (the open bucket included), blank padding before them.
			assert_int_equal(len, strlen(cell));
			while (at < len) {
				size_t step;

				levels += graph_cell_level(cell + at, &step) >= 0;
				at += step;
				cells++;
			}
			assert_int_equal(cells, width);
			assert_int_equal(levels, fills[f] + 1 < (size_t)width ? fills[f] + 1 : (size_t)width);
		}
	}
}

static void test_trend_cell_flat_and_too_small(void **state)
{
	char cell[64], tiny[4];

	(void)state;
	assert_int_equal(trend_sparkline(NULL, 4096, 10, false, cell, sizeof cell), 10);
	assert_string_equal(cell, "         _");             // one level, right-aligned
	// A process above 4 TiB still draws (clamped, not wrapped to 0).
	assert_int_equal(trend_sparkline(NULL, (uint64_t)1 << 45, 10, false, cell, sizeof cell), 10);
	// No room: "-", within cap.
	assert_int_equal(trend_sparkline(NULL, 4096, 10, true, tiny, sizeof tiny), 1);
	assert_string_equal(tiny, "-");
}

static void test_detail_series_at_every_fill_level(void **state)
{
	(void)state;
	for (size_t f = 0; f < NFILLS; f++) {
		struct history h;
		struct trend_series ser;
		size_t tier1;

		// Fill tier 0 by `fills[f]` buckets; tier 1 gets a seventh of that.
		history_filled(&h, fills[f], fills[f] > 0);
		tier1 = h.tier[1].count;
		trend_detail_series(&h, 777, &ser);
		assert_true(ser.n >= 1 && ser.n <= HISTORY_VALUES_MAX);
		assert_int_equal(ser.tier, tier1 >= 12 ? 1 : 0);
		if (h.tier[ser.tier].count == 0) {
			assert_int_equal(ser.n, 1);
			assert_int_equal(ser.v[0], 777);
		} else {
			assert_int_equal(ser.n, h.tier[ser.tier].count);
		}
		assert_true(ser.lo <= ser.hi);
	}
	// Every tier wrapped many times (more than the 150 s tier's 2 hours).
	{
		struct history h;
		struct trend_series ser;

		history_init(&h);
		feed(&h, 0, seconds_for(2, 3 * HISTORY_LEN) + 1.0, 0);
		for (int k = 0; k < HISTORY_DAY; k++)      // the day tier: 12 of 96
			assert_int_equal(h.tier[k].count, HISTORY_LEN);
		trend_detail_series(&h, 0, &ser);
		assert_int_equal(ser.tier, 1);
		assert_int_equal(ser.n, HISTORY_LEN);
		trend_detail_series(NULL, 5, &ser);
		assert_int_equal(ser.n, 1);
		assert_int_equal(ser.lo, 5);
	}
}

static void test_leak_detector_over_many_wraps(void **state)
{
	static struct leak_state st;

	(void)state;
	// Five hours of a steady 1 MiB a minute: every tier wraps; the verdict
	// stays a leak and the rate stays right at every fill level.
	leak_init(&st, 0, LEAK_SENS_NORMAL);
	for (double t = 0; t <= 5 * 3600; t += 1.0) {
		leak_push(&st, t, 10000 + (uint64_t)(t * 1024 / 60));
		if ((long)t % 600 == 0 && t >= 600) {
			if (!st.verdict.suspected)
				print_message("t=%.0f rate %.1f\n", t, st.verdict.rate_kb_per_min);
			assert_true(st.verdict.suspected);
			assert_true(st.verdict.rate_kb_per_min > 900 && st.verdict.rate_kb_per_min < 1150);
		}
	}
	for (int k = 0; k < HISTORY_DAY; k++)
		assert_int_equal(st.hist.tier[k].count, HISTORY_LEN);
	assert_int_equal(history_tier_count(&st.hist, HISTORY_DAY), 10);
}

// The day tier's two rings read as one by history_tier_values, at every
// fill level in day-tier buckets: empty, one, the first ring exactly full
// and one more (the first bucket handed to the older ring), both full, and
// wrapped many times; a buffer of any capacity gets the newest values, in
// order, and nothing is written past it.
static void test_day_tier_at_every_fill_level(void **state)
{
	static const size_t day_fills[] = { 0, 1, HISTORY_LEN - 1, HISTORY_LEN, HISTORY_LEN + 1,
					    HISTORY_DAY_LEN - 1, HISTORY_DAY_LEN, HISTORY_DAY_LEN + 1,
					    7 * HISTORY_DAY_LEN + 5 };
	const double w = history_bucket_s[HISTORY_DAY];

	(void)state;
	for (size_t f = 0; f < sizeof day_fills / sizeof day_fills[0]; f++) {
		static struct history h;
		uint32_t buf[HISTORY_TIER_VALUES_MAX + 2];
		size_t want = day_fills[f] < HISTORY_DAY_LEN ? day_fills[f] : HISTORY_DAY_LEN, n;

		// One sample a bucket, the value its bucket number: the values
		// read back are consecutive and end at the newest completed one.
		history_init(&h);
		for (size_t b = 0; b <= day_fills[f]; b++)
			history_push(&h, (double)b * w, (uint32_t)b + 1);
		assert_int_equal(history_tier_count(&h, HISTORY_DAY), want);
		assert_true(h.tier[HISTORY_DAY].count <= HISTORY_LEN && h.day_older.count <= HISTORY_LEN);
		for (size_t cap = 0; cap <= HISTORY_TIER_VALUES_MAX; cap += cap < 3 ? 1 : 47) {
			buf[0] = buf[cap + 1] = 0xdeadbeef;
			n = history_tier_values(&h, HISTORY_DAY, true, buf + 1, cap);
			assert_int_equal(n, want + 1 < cap ? want + 1 : cap);
			assert_int_equal(buf[0], 0xdeadbeef);
			assert_int_equal(buf[cap + 1], 0xdeadbeef);
			for (size_t i = 0; i < n; i++)
				assert_int_equal(buf[1 + i], day_fills[f] + 1 - (n - 1 - i));
		}
		n = history_tier_values(&h, HISTORY_DAY, false, buf, HISTORY_TIER_VALUES_MAX);
		assert_int_equal(n, want);
		if (n)
			assert_int_equal(buf[n - 1], day_fills[f]);
	}
}

// A pause longer than the day tier's 48 h fills it with repeats, no more.
static void test_day_tier_gap(void **state)
{
	static struct history h;
	uint32_t v[HISTORY_TIER_VALUES_MAX];

	(void)state;
	history_init(&h);
	history_push(&h, 0, 500);
	history_push(&h, 5 * 86400.0, 900);
	assert_int_equal(history_tier_count(&h, HISTORY_DAY), HISTORY_DAY_LEN);
	assert_int_equal(history_tier_values(&h, HISTORY_DAY, true, v, HISTORY_TIER_VALUES_MAX),
			 HISTORY_TIER_VALUES_MAX);
	assert_int_equal(v[0], 500);
	assert_int_equal(v[HISTORY_DAY_LEN - 1], 500);
	assert_int_equal(v[HISTORY_DAY_LEN], 900);
}

static void test_sysmodel_rings_over_many_wraps(void **state)
{
	static struct sysmodel m;
	struct proctable t = { 0 };
	struct snapshot snap = { 0 };

	(void)state;
	// Ten hours at 1 s: the headroom ring (5 min) and the per-tick PSI
	// history (64) wrap hundreds of times; the newest value is last.
	for (double s = 0; s <= 36000; s += 1.0) {
		snap.sys.have_meminfo = true;
		snap.sys.mono_time = s;
		snap.sys.available_kb = 8u << 20;
		snap.sys.have_psi = true;
		snap.sys.psi.some.valid = true;
		snap.sys.psi.some.total_us = (uint64_t)s * 1000;     // 0.1 % stalled
		sysmodel_update(&m, &snap, &t);
		assert_true(m.count <= SYSMODEL_LEN);
		assert_true(m.psi_count <= SYSMODEL_PSI_LEN);
	}
	assert_int_equal(m.count, SYSMODEL_LEN);
	assert_int_equal(m.psi_count, SYSMODEL_PSI_LEN);
	assert_true(fabs(m.psi_some_hist[SYSMODEL_PSI_LEN - 1] - 0.1) < 1e-3);
	assert_false(m.falling);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_ring_gives_nothing),
		cmocka_unit_test(test_values_at_every_fill_level),
		cmocka_unit_test(test_wrapped_ring_keeps_the_newest_in_order),
		cmocka_unit_test(test_gaps_repeat_at_most_a_ring),
		cmocka_unit_test(test_trend_cell_at_every_fill_level),
		cmocka_unit_test(test_trend_cell_flat_and_too_small),
		cmocka_unit_test(test_detail_series_at_every_fill_level),
		cmocka_unit_test(test_leak_detector_over_many_wraps),
		cmocka_unit_test(test_day_tier_at_every_fill_level),
		cmocka_unit_test(test_day_tier_gap),
		cmocka_unit_test(test_sysmodel_rings_over_many_wraps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
