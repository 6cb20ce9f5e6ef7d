/* test_daytier.c — the leak detector's day tier (30-min buckets over 48 h)
 * on days of synthetic series (tests/common/shapes.h) sampled every 60 or
 * 300 s on an injected clock: a 1 MiB/h leak is flagged within 6 hours in a
 * small and a big process, a daily cycle is never flagged once a night is in
 * the window (and vetoes the faster tiers' flags on its later days), a leak
 * on top of a cycle is flagged on day 2, a warm-up, flat noise, a sawtooth
 * and a leak that stopped are not. Days replay in milliseconds because the
 * detector is pure. */
#include "fixture.h"

#include <math.h>

#include "model/history.h"
#include "model/leak.h"
#include "../common/shapes.h"

#define MIB 1024.0
#define HOUR 3600.0
#define DAY 86400.0
#define MIB_PER_HOUR (MIB / HOUR)    // KiB/s
#define LEAK_RATE_MIN (MIB / 60.0)   // 1 MiB/h in KiB/min: 17.07

// What a replay saw: when the verdict was first and last suspected, and
// whether the day tier's flag was up at some point after `watch_from`.
struct day_run {
	double first, last;           // < 0: never
	double first_after;           // first suspected at or after watch_from (< 0: never)
	double gap_after;             // first time not suspected at or after watch_from (< 0: never)
	bool day_flag_after;          // the day tier flagged at or after watch_from
	bool fast_flag_after;         // a faster tier flagged (vetoed or not) after watch_from
	double rate_end;              // KiB/min at the end
};

// Replays sh from t = phase to phase + hours, one sample every dt seconds,
// through a detector started at time 0 (the process's start).
static struct day_run replay_days(const struct shape *sh, double dt, double hours, double phase,
				  double watch_from)
{
	static struct leak_state st;
	struct day_run r = { -1, -1, -1, -1, false, false, 0 };

	leak_init(&st, 0, LEAK_SENS_NORMAL);
	for (double t = 0; t <= hours * HOUR; t += dt) {
		leak_push(&st, t, (uint64_t)shape_value(sh, t + phase));
		if (st.verdict.suspected) {
			if (r.first < 0)
				r.first = t;
			r.last = t;
			assert_true(st.verdict.score >= 0.5 && st.verdict.since_s > 0);
		}
		if (t < watch_from)
			continue;
		if (st.verdict.suspected && r.first_after < 0)
			r.first_after = t;
		if (!st.verdict.suspected && r.gap_after < 0)
			r.gap_after = t;
		r.day_flag_after |= st.tier[HISTORY_DAY].flagged;
		for (int k = 0; k < HISTORY_DAY; k++)
			r.fast_flag_after |= st.tier[k].flagged;
	}
	r.rate_end = st.verdict.rate_kb_per_min;
	return r;
}

// The seconds from t = phase to the cycle's first night (the first drop).
static double first_night(const struct shape *sh, double phase)
{
	double night = sh->period * 2 / 3;
	double in = fmod(phase, sh->period);

	return in < night ? night - in : sh->period - in + night;
}

// 1 MiB an hour, the day-scale leak, in a 64 MiB daemon and a
// 512 MiB one (0.2 % of it an hour), at 60 s and 300 s: flagged within 6
// hours and from then on without a break, at 17 KiB/min within 20 %.
static void test_slow_leak_flagged_within_6_hours(void **state)
{
	const struct shape shapes[] = {
		{ SHAPE_LINEAR, 64 * MIB, MIB_PER_HOUR, 0, 0, 512, 0, "1 MiB/h on 64 MiB" },
		{ SHAPE_LINEAR, 512 * MIB, MIB_PER_HOUR, 0, 0, 1024, 0, "1 MiB/h on 512 MiB" },
	};
	const double steps[] = { 60, 300 };

	(void)state;
	for (size_t i = 0; i < 2; i++)
		for (size_t d = 0; d < 2; d++)
			for (uint64_t seed = 1; seed <= 3; seed++) {
				struct shape sh = shapes[i];
				struct day_run r;

				sh.seed = seed;
				r = replay_days(&sh, steps[d], 24, 0, 6 * HOUR);
				if (r.first < 0 || r.first > 6 * HOUR)
					fail_msg("%s at %.0f s (seed %d): first flag at %.2f h", sh.name, steps[d],
						 (int)seed, r.first / HOUR);
				if (r.gap_after >= 0)
					fail_msg("%s at %.0f s (seed %d): not suspected at %.2f h", sh.name, steps[d],
						 (int)seed, r.gap_after / HOUR);
				if (fabs(r.rate_end - LEAK_RATE_MIN) > 0.2 * LEAK_RATE_MIN)
					fail_msg("%s: rate %.1f KiB/min", sh.name, r.rate_end);
			}
}

// A daily cycle: +16 MiB over the 16 hours of the day, freed at night, with
// noise; in a 64 MiB and a 200 MiB process, first seen at four times of
// day. Its first rise may be flagged (nothing tells it from a leak then);
// from an hour into its first night on, it never is, through 4 days.
static void test_daily_cycle_never_flagged_after_its_first_night(void **state)
{
	const double bases[] = { 64 * MIB, 200 * MIB };

	(void)state;
	for (size_t b = 0; b < 2; b++)
		for (double phase = 0; phase < DAY; phase += 6 * HOUR) {
			struct shape sh = { SHAPE_DAILY, bases[b], 0, 16 * MIB, DAY, 512, 7, "cycle" };
			double night = first_night(&sh, phase);
			struct day_run r = replay_days(&sh, 60, 96, phase, night + HOUR);

			if (r.first_after >= 0 || r.day_flag_after)
				fail_msg("cycle on %.0f MiB, phase %.0f h: suspected at %.2f h (first night %.2f h)",
					 bases[b] / MIB, phase / HOUR, r.first_after / HOUR, night / HOUR);
		}
}

// A faster cycle (+64 MiB by day on 64 MiB, 4 MiB/h) is a leak to the 2-h
// tier every morning; once the day tier has seen a night, its cycle vetoes
// that flag, for as long as the day stays within the cycle's range.
static void test_cycle_vetoes_the_faster_tiers(void **state)
{
	(void)state;
	for (double phase = 0; phase < DAY; phase += 6 * HOUR) {
		struct shape sh = { SHAPE_DAILY, 64 * MIB, 0, 64 * MIB, DAY, 2048, 3, "fast cycle" };
		double night = first_night(&sh, phase);
		struct day_run r = replay_days(&sh, 60, 96, phase, night + HOUR);

		if (r.first_after >= 0)
			fail_msg("fast cycle, phase %.0f h: suspected at %.2f h (first night %.2f h)", phase / HOUR,
				 r.first_after / HOUR, night / HOUR);
		// The veto is what keeps it quiet: the 2-h tier did flag.
		assert_true(r.fast_flag_after);
		assert_false(r.day_flag_after);
	}
}

// A 1 MiB/h leak under the daily cycle (each night's floor 24 MiB higher):
// flagged on day 2 and from 36 h on without a break, at the leak's rate;
// also under the fast cycle (from 40 h on).
static void test_leak_under_a_cycle_flagged_on_day_2(void **state)
{
	const struct shape shapes[] = {
		{ SHAPE_DAILY, 64 * MIB, MIB_PER_HOUR, 16 * MIB, DAY, 512, 4, "leak + cycle on 64 MiB" },
		{ SHAPE_DAILY, 512 * MIB, MIB_PER_HOUR, 16 * MIB, DAY, 1024, 5, "leak + cycle on 512 MiB" },
		{ SHAPE_DAILY, 64 * MIB, MIB_PER_HOUR, 64 * MIB, DAY, 2048, 6, "leak + fast cycle" },
	};
	const double from[] = { 36 * HOUR, 36 * HOUR, 40 * HOUR };

	(void)state;
	for (size_t i = 0; i < 3; i++)
		for (double phase = 0; phase < DAY; phase += 6 * HOUR) {
			struct day_run r = replay_days(&shapes[i], 60, 96, phase, from[i]);

			if (r.gap_after >= 0)
				fail_msg("%s, phase %.0f h: not suspected at %.2f h", shapes[i].name, phase / HOUR,
					 r.gap_after / HOUR);
			if (fabs(r.rate_end - LEAK_RATE_MIN) > 0.2 * LEAK_RATE_MIN)
				fail_msg("%s, phase %.0f h: rate %.1f KiB/min", shapes[i].name, phase / HOUR,
					 r.rate_end);
		}
}

// A daemon that grows 40 MiB in its first hour, then stays flat with noise:
// the faster tiers may flag the growth; from 2 h after it stopped nothing
// is suspected, through 3 days, and the day tier never flags.
static void test_warmup_then_flat_not_flagged(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct shape sh = { SHAPE_WARMUP, 100 * MIB, 40 * MIB / HOUR, 0, HOUR, 1024, seed, "warm-up" };
		struct day_run r = replay_days(&sh, 60, 72, 0, 0);

		if (r.last > 3 * HOUR)
			fail_msg("warm-up (seed %d): suspected at %.2f h", (int)seed, r.last / HOUR);
		assert_false(r.day_flag_after);
	}
}

// Flat with noise, and a GC sawtooth with no net growth, over 3 days at
// 10 s: never suspected, the day tier never flagged.
static void test_flat_and_sawtooth_over_days(void **state)
{
	const struct shape shapes[] = {
		{ SHAPE_NOISY, 100 * MIB, 0, 0, 0, 2 * MIB, 1, "noisy flat" },
		{ SHAPE_NOISY, 4 * MIB, 0, 0, 0, 256, 2, "small noisy" },
		{ SHAPE_SAWTOOTH, 100 * MIB, 0, 80 * MIB, 300, 512, 3, "sawtooth 300 s" },
		{ SHAPE_SAWTOOTH, 64 * MIB, 0, 32 * MIB, 3 * HOUR, 512, 4, "sawtooth 3 h" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		// A sawtooth's first ramp is a leak while it rises (test_leak.c).
		double settle = 2 * shapes[i].period;
		struct day_run r = replay_days(&shapes[i], 10, 72, 0, settle);

		if (r.first_after >= 0 || r.day_flag_after)
			fail_msg("%s: suspected at %.2f h", shapes[i].name, r.first_after / HOUR);
	}
}

// A 1 MiB/h leak that stops after 12 hours: flagged while it leaks,
// dropped within 3 hours of its end, and not again through 3 days.
static void test_stopped_leak_dropped(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct shape sh = { SHAPE_WARMUP, 64 * MIB, MIB_PER_HOUR, 0, 12 * HOUR, 512, seed, "stopped" };
		struct day_run r = replay_days(&sh, 300, 72, 0, 24 * HOUR);

		assert_true(r.first >= 0 && r.first <= 6 * HOUR);
		if (r.last > 15 * HOUR)
			fail_msg("stopped leak (seed %d): suspected at %.2f h", (int)seed, r.last / HOUR);
		assert_false(r.day_flag_after);
	}
}

// The cycle veto lifts once the level passes the old high: a process that
// grew 40 MiB over 8 hours and freed it (a cycle, as far as the day tier
// knows) and a day later leaks 256 KiB/s is flagged within 60 s of passing
// that high (40 MiB at 256 KiB/s: 160 s).
static void test_fast_leak_after_a_free_not_vetoed_for_long(void **state)
{
	static struct leak_state st;
	const double start = 30 * HOUR;
	double flagged = -1;

	(void)state;
	leak_init(&st, 0, LEAK_SENS_NORMAL);
	for (double t = 0; t <= start + 1800 && flagged < 0; t += 1) {
		double v = 100 * MIB + 256 * shape_noise_unit(11, (uint64_t)t);

		if (t < 8 * HOUR)
			v += 40 * MIB * t / (8 * HOUR);
		if (t >= start)
			v += 256 * (t - start);
		leak_push(&st, t, (uint64_t)v);
		if (t == start - 1)
			assert_true(st.tier[HISTORY_DAY].cyclic && st.tier[HISTORY_DAY].bent);
		if (t >= start && st.verdict.suspected)
			flagged = t - start;
	}
	if (flagged < 0 || flagged > 160 + 60)
		fail_msg("flagged %.0f s after the leak began", flagged);
}

// What a detector seeded from a recording needs, and the way the monitor
// seeds it: one value (the bucket's minimum) per 30-min bucket from 48 h
// back to 2 h back, every sample after. A 1 MiB/h leak with that past is
// suspected at once, at its rate.
static void test_seeded_from_a_recording(void **state)
{
	static struct leak_state st;
	struct shape sh = { SHAPE_LINEAR, 64 * MIB, MIB_PER_HOUR, 0, 0, 512, 9, "seeded" };
	double now = 50 * HOUR, coarse = history_bucket_s[HISTORY_TIERS - 1];
	double memory = leak_tier_span_s(HISTORY_TIERS - 1), fine_from = now - leak_tier_span_s(HISTORY_TIERS - 2);
	double t;

	(void)state;
	assert_true(memory == 48 * HOUR);
	assert_true(coarse == 1800);
	assert_true(now - fine_from == 2 * HOUR);
	assert_true(leak_tier_span_s(1) == 12 * 60 && leak_tier_span_s(0) == 96);
	leak_init(&st, now - memory, LEAK_SENS_NORMAL);
	for (t = floor((now - memory) / coarse) * coarse; t + coarse <= fine_from; t += coarse) {
		double low = INFINITY;

		for (double s = t; s < t + coarse; s += 60)
			low = fmin(low, shape_value(&sh, s));
		leak_push(&st, t + coarse - 1, (uint64_t)low);
	}
	for (; t <= now; t += 60)
		leak_push(&st, t, (uint64_t)shape_value(&sh, t));
	assert_true(st.verdict.suspected);
	assert_true(fabs(st.verdict.rate_kb_per_min - LEAK_RATE_MIN) < 0.2 * LEAK_RATE_MIN);
	assert_true(st.verdict.since_s >= 24 * HOUR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slow_leak_flagged_within_6_hours),
		cmocka_unit_test(test_daily_cycle_never_flagged_after_its_first_night),
		cmocka_unit_test(test_cycle_vetoes_the_faster_tiers),
		cmocka_unit_test(test_leak_under_a_cycle_flagged_on_day_2),
		cmocka_unit_test(test_warmup_then_flat_not_flagged),
		cmocka_unit_test(test_flat_and_sawtooth_over_days),
		cmocka_unit_test(test_stopped_leak_dropped),
		cmocka_unit_test(test_fast_leak_after_a_free_not_vetoed_for_long),
		cmocka_unit_test(test_seeded_from_a_recording),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
