/* test_leak.c — the leak detector on synthetic series (tests/common/shapes.h)
 * replayed at 1 s: every leak shape is flagged within its target time, no
 * non-leak shape holds a flag once its growth stopped, repetitive non-leak
 * shapes never raise one after their first cycle, and the history rings
 * keep fixed-size, gap-filled buckets. Hundreds of process-hours replay in
 * seconds because the detector is pure. */
#include "fixture.h"

#include <math.h>

#include "model/history.h"
#include "model/leak.h"
#include "../common/shapes.h"

#define MIB 1024.0

struct run {
	double first_flag;           // < 0: never flagged
	double last_flag_end;        // when the last episode ended (< 0: none ended)
	double last_episode_start;
	unsigned episodes;
	bool flagged_at_end;
	double final_rate;           // KiB/min at the end
	double final_score;
};

// Replays a shape at 1 s steps for `seconds`, returning what the verdict did.
static struct run replay(const struct shape *sh, double seconds)
{
	static struct leak_state st;
	struct run r = { -1, -1, -1, 0, false, 0, 0 };
	bool was = false;

	leak_init(&st, 0, LEAK_SENS_NORMAL);
	for (double t = 0; t <= seconds; t += 1.0) {
		uint64_t v = (uint64_t)shape_value(sh, t);

		leak_push(&st, t, v);
		if (st.verdict.suspected && !was) {
			r.episodes++;
			r.last_episode_start = t;
			if (r.first_flag < 0)
				r.first_flag = t;
		}
		if (!st.verdict.suspected && was)
			r.last_flag_end = t;
		was = st.verdict.suspected;
		if (was) {
			assert_true(st.verdict.score >= 0.5 && st.verdict.score <= 1.0);
			assert_true(st.verdict.since_s > 0);
		} else {
			assert_true(st.verdict.score < 0.5);
		}
	}
	r.flagged_at_end = was;
	r.final_rate = st.verdict.rate_kb_per_min;
	r.final_score = st.verdict.score;
	return r;
}

// Asserts a leak shape is flagged by `within` seconds for several seeds, and
// still flagged at the end of the run.
static void expect_flagged(struct shape sh, double within, double run_s)
{
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct run r;

		sh.seed = seed;
		r = replay(&sh, run_s);
		if (r.first_flag < 0 || r.first_flag > within)
			fail_msg("%s (seed %d): first flag at %.0f s, want <= %.0f s", sh.name, (int)seed,
				 r.first_flag, within);
		if (!r.flagged_at_end)
			fail_msg("%s (seed %d): not flagged at the end", sh.name, (int)seed);
	}
}

static void test_steady_fast_leaks_flagged_within_60s(void **state)
{
	(void)state;
	expect_flagged((struct shape){ SHAPE_LINEAR, 50 * MIB, 256, 0, 0, 256, 0, "256 KiB/s" }, 60, 300);
	expect_flagged((struct shape){ SHAPE_LINEAR, 50 * MIB, 4096, 0, 0, 1024, 0, "4 MiB/s" }, 60, 300);
	expect_flagged((struct shape){ SHAPE_LINEAR, 500 * MIB, 1024, 0, 0, 1024, 0, "1 MiB/s on 500 MiB" }, 60, 300);
}

static void test_slow_leaks_flagged_within_targets(void **state)
{
	(void)state;
	expect_flagged((struct shape){ SHAPE_LINEAR, 20 * MIB, 16, 0, 0, 64, 0, "16 KiB/s" }, 300, 900);
	expect_flagged((struct shape){ SHAPE_LINEAR, 20 * MIB, 0.2 * MIB / 60, 0, 0, 32, 0, "0.2 MiB/min" },
		       90 * 60, 2 * 3600);
}

static void test_bursty_and_sawtooth_leaks_flagged(void **state)
{
	(void)state;
	expect_flagged((struct shape){ SHAPE_BURSTY, 50 * MIB, 0, 2 * MIB, 5, 256, 0, "2 MiB / 5 s" }, 60, 600);
	expect_flagged((struct shape){ SHAPE_BURSTY, 50 * MIB, 0, 4 * MIB, 20, 256, 0, "4 MiB / 20 s" }, 120, 600);
	expect_flagged((struct shape){ SHAPE_SAWLEAK, 50 * MIB, 64, 20 * MIB, 30, 256, 0, "saw 30 s + 64 KiB/s" },
		       300, 1200);
}

static void test_rate_is_measured(void **state)
{
	struct shape sh = { SHAPE_LINEAR, 50 * MIB, 256, 0, 0, 256, 1, "256 KiB/s" };
	struct run r = replay(&sh, 1800);

	(void)state;
	// 256 KiB/s is 15360 KiB/min; the robust slope sits within 5 %.
	assert_true(fabs(r.final_rate - 15360) < 15360 * 0.05);
	assert_true(r.final_score >= 0.9);
}

// Runs a non-leak shape for `hours` and checks: no flag at the end, a flag
// never outlives the end of growth by more than LEAK_RECENT_S (plus one
// evaluation), and no episode starts after `settle` seconds.
static void expect_clean(struct shape sh, double hours, double settle)
{
	for (uint64_t seed = 1; seed <= 5; seed++) {
		double stop = shape_growth_stops(&sh);
		struct run r;

		sh.seed = seed;
		r = replay(&sh, hours * 3600);
		if (r.flagged_at_end)
			fail_msg("%s (seed %d): still flagged at the end", sh.name, (int)seed);
		if (r.episodes && r.last_episode_start > settle)
			fail_msg("%s (seed %d): %u flag episodes, the last starting at %.0f s (after %.0f s)",
				 sh.name, (int)seed, r.episodes, r.last_episode_start, settle);
		if (stop >= 0 && r.last_flag_end > stop + LEAK_RECENT_S + 4)
			fail_msg("%s (seed %d): flag held until %.0f s, growth stopped at %.0f s", sh.name,
				 (int)seed, r.last_flag_end, stop);
	}
}

static void test_noise_and_gc_sawtooth_never_flag(void **state)
{
	(void)state;
	expect_clean((struct shape){ SHAPE_NOISY, 100 * MIB, 0, 0, 0, 2 * MIB, 0, "noisy flat" }, 6, 0);
	expect_clean((struct shape){ SHAPE_NOISY, 2 * MIB, 0, 0, 0, 256, 0, "small noisy" }, 6, 0);
	expect_clean((struct shape){ SHAPE_SAWTOOTH, 100 * MIB, 0, 80 * MIB, 30, 256, 0, "sawtooth 30 s" }, 6, 0);
	expect_clean((struct shape){ SHAPE_SPIKE, 100 * MIB, 0, 800 * MIB, 1800, 256, 0, "spikes" }, 6, 0);
	expect_clean((struct shape){ SHAPE_HOLD_FREE, 100 * MIB, 0, 300 * MIB, 600, 256, 0, "hold, free" }, 6, 0);
}

static void test_long_cycles_flag_at_most_their_first_ramp(void **state)
{
	(void)state;
	// A 5-minute linear ramp is a leak as far as anyone can tell while it
	// rises; once it drops back, later ramps never reach a new high.
	expect_clean((struct shape){ SHAPE_SAWTOOTH, 100 * MIB, 0, 80 * MIB, 300, 256, 0, "sawtooth 300 s" },
		     6, 300);
}

static void test_warmups_clear_within_a_minute(void **state)
{
	(void)state;
	expect_clean((struct shape){ SHAPE_WARMUP, 30 * MIB, 4 * MIB, 0, 20, 256, 0, "ramp 20 s" }, 2, 0);
	expect_clean((struct shape){ SHAPE_WARMUP, 30 * MIB, 1 * MIB, 0, 120, 256, 0, "ramp 120 s" }, 2, 180);
	expect_clean((struct shape){ SHAPE_WARMUP_EXP, 30 * MIB, 0, 200 * MIB, 30, 256, 0, "exp 30 s" }, 2, 0);
	expect_clean((struct shape){ SHAPE_WARMUP_EXP, 30 * MIB, 0, 200 * MIB, 300, 256, 0, "exp 300 s" }, 2,
		     1400);
}

static void test_history_buckets_and_gaps(void **state)
{
	static struct history h;
	uint32_t v[HISTORY_VALUES_MAX];
	unsigned done;

	(void)state;
	history_init(&h);
	assert_int_equal(history_push(&h, 0.0, 100), 0);
	assert_int_equal(history_push(&h, 1.0, 90), 0);       // same 2 s bucket: min 90
	done = history_push(&h, 2.0, 95);                       // closes tier 0's first
	assert_int_equal(done, 1u);
	assert_int_equal(h.tier[0].count, 1);
	assert_int_equal(history_values(&h.tier[0], false, v, HISTORY_VALUES_MAX), 1);
	assert_int_equal(v[0], 90);
	// Nothing sampled for 10 s: the 4 skipped buckets repeat the last values.
	done = history_push(&h, 12.5, 300);
	assert_true(done & 1u);
	assert_int_equal(h.tier[0].count, 6);
	history_values(&h.tier[0], false, v, HISTORY_VALUES_MAX);
	for (size_t i = 1; i < 6; i++)
		assert_int_equal(v[i], 95);
	// A day-long gap fills at most the ring, which stays bounded.
	history_push(&h, 86400.0, 1);
	history_push(&h, 86402.0, 1);
	for (int k = 0; k < HISTORY_TIERS; k++)
		assert_true(h.tier[k].count <= HISTORY_LEN);
	assert_int_equal(h.tier[0].count, HISTORY_LEN);
	assert_int_equal(history_values(&h.tier[0], false, v, HISTORY_VALUES_MAX), HISTORY_LEN);
	assert_int_equal(v[HISTORY_LEN - 1], 1);
}

static void test_evaluation_statistics(void **state)
{
	static struct history h;
	struct leak_eval e;

	(void)state;
	history_init(&h);
	for (double t = 0; t < 100; t += 1)                   // 1 MiB per 2 s bucket
		history_push(&h, t, (uint32_t)(100 * MIB + 512 * t));
	leak_evaluate(&h, 0, LEAK_SENS_NORMAL, &e);
	assert_true(e.n >= 40);
	assert_true(fabs(e.slope - 1024) < 1);                // KiB per bucket
	assert_true(e.z > 5);
	assert_true(e.step < 0.1);
	assert_true(e.pass);
	// A single step: one jump is all the rise.
	history_init(&h);
	for (double t = 0; t < 100; t += 1)
		history_push(&h, t, (uint32_t)(t < 50 ? 100 * MIB : 200 * MIB));
	leak_evaluate(&h, 0, LEAK_SENS_NORMAL, &e);
	assert_true(e.step > 0.9);
	assert_false(e.pass);
}

// The sensitivity is each detector's own (passed to leak_init and
// leak_evaluate, no global): a clean rise of 3 MiB over the 2 s tier's
// window is enough for "high" (minimum rise 2 MiB), not for "normal" (4 MiB)
// or "low" (8 MiB); two detectors with different settings disagree on it.
static void test_sensitivity_is_per_detector(void **state)
{
	static struct history h;
	static struct leak_state hi, lo;
	struct leak_eval e;

	(void)state;
	history_init(&h);
	for (double t = 0; t < 100; t += 1)
		history_push(&h, t, (uint32_t)(20 * MIB + 32 * t));     // 3.1 MiB in 100 s
	leak_evaluate(&h, 0, LEAK_SENS_HIGH, &e);
	assert_true(e.pass);
	leak_evaluate(&h, 0, LEAK_SENS_NORMAL, &e);
	assert_false(e.pass);
	leak_evaluate(&h, 0, LEAK_SENS_LOW, &e);
	assert_false(e.pass);
	leak_init(&hi, 0, LEAK_SENS_HIGH);
	leak_init(&lo, 0, LEAK_SENS_LOW);
	for (double t = 0; t < 100; t += 1) {
		leak_push(&hi, t, (uint64_t)(20 * MIB + 32 * t));
		leak_push(&lo, t, (uint64_t)(20 * MIB + 32 * t));
	}
	assert_true(hi.tier[0].flagged);
	assert_false(lo.tier[0].flagged);
}

// A real heap leak (tests/workloads/leaker linear --rate 512 --via heap,
// sampled by memtop -b -d 0.5): almost a perfect line, its residuals only
// rounding. Their autocorrelation must not cut its trend statistic down:
// it did, and a live test missed this leak now and then.
static void test_real_heap_leak_keeps_its_full_trend(void **state)
{
	static struct leak_state st;
	struct leak_eval e;
	size_t len;
	char *buf = fixture_read("leak/heap-512k-real.txt", &len), *p = buf, *end = buf + len;
	double first = -1;

	(void)state;
	leak_init(&st, 0, LEAK_SENS_NORMAL);
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		double t;
		unsigned long v;

		assert_non_null(nl);
		*nl = '\0';
		assert_int_equal(sscanf(p, "%lf %lu", &t, &v), 2);
		leak_push(&st, t, v);
		if (st.verdict.suspected && first < 0)
			first = t;
		p = nl + 1;
	}
	free(buf);
	leak_evaluate(&st.hist, 0, LEAK_SENS_NORMAL, &e);
	assert_true(e.z > 6);                     // 32 rising points: Z ~ 8
	assert_true(first >= 0 && first <= 40);
	assert_true(st.verdict.score >= 0.9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_buckets_and_gaps),
		cmocka_unit_test(test_evaluation_statistics),
		cmocka_unit_test(test_sensitivity_is_per_detector),
		cmocka_unit_test(test_real_heap_leak_keeps_its_full_trend),
		cmocka_unit_test(test_steady_fast_leaks_flagged_within_60s),
		cmocka_unit_test(test_slow_leaks_flagged_within_targets),
		cmocka_unit_test(test_bursty_and_sawtooth_leaks_flagged),
		cmocka_unit_test(test_rate_is_measured),
		cmocka_unit_test(test_noise_and_gc_sawtooth_never_flag),
		cmocka_unit_test(test_long_cycles_flag_at_most_their_first_ramp),
		cmocka_unit_test(test_warmups_clear_within_a_minute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
