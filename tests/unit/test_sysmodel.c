/* test_sysmodel.c — time to exhaustion from the trend of available memory
 * (falling, flat, rising, noisy), a process's own estimate, and the OOM
 * killer's pick with ties and immune processes. */
#include "fixture.h"

#include <math.h>

#include "model/sysmodel.h"
#include "../common/shapes.h"

static char none[] = "";

// Feeds the model `seconds` of 1 s samples of headroom(t) = available.
static void feed(struct sysmodel *m, double seconds, double start_kb, double rate_kb_s, double noise_kb)
{
	struct proctable t = { 0 };
	struct snapshot snap = { 0 };

	for (double s = 0; s <= seconds; s += 1.0) {
		snap.sys.have_meminfo = true;
		snap.sys.mono_time = s;
		snap.sys.available_kb = (uint64_t)(start_kb + rate_kb_s * s +
						   noise_kb * shape_noise_unit(7, (uint64_t)s));
		snap.sys.swap_free_kb = 0;
		sysmodel_update(m, &snap, &t);
	}
}

static void test_falling_gives_eta(void **state)
{
	static struct sysmodel m;

	(void)state;
	// 10 GiB available, falling 10 MiB/s.
	feed(&m, 300, 10.0 * 1024 * 1024, -10.0 * 1024, 0);
	assert_true(m.falling);
	assert_true(fabs(m.slope_kb_s + 10240) < 10240 * 0.02);
	// What is left / 10 MiB/s, within the bucket granularity.
	double left = 10.0 * 1024 * 1024 - 10240.0 * 300;
	assert_true(fabs(m.eta_s - left / 10240) < 15);
}

static void test_flat_rising_and_noisy_are_stable(void **state)
{
	static struct sysmodel flat, rising, noisy;

	(void)state;
	feed(&flat, 300, 8.0 * 1024 * 1024, 0, 0);
	assert_false(flat.falling);
	assert_true(flat.eta_s < 0);
	feed(&rising, 300, 8.0 * 1024 * 1024, 5000, 0);
	assert_false(rising.falling);
	feed(&noisy, 300, 8.0 * 1024 * 1024, 0, 200 * 1024);       // ±200 MiB of noise
	assert_false(noisy.falling);
}

static void test_noisy_fall_is_still_found(void **state)
{
	static struct sysmodel m;

	(void)state;
	feed(&m, 300, 8.0 * 1024 * 1024, -20 * 1024, 100 * 1024);  // -20 MiB/s under ±100 MiB
	assert_true(m.falling);
	assert_true(m.eta_s > 0);
}

static void test_too_little_history(void **state)
{
	static struct sysmodel m;

	(void)state;
	feed(&m, 20, 8.0 * 1024 * 1024, -50 * 1024, 0);           // 4 buckets < 6
	assert_false(m.falling);
}

static void test_process_eta(void **state)
{
	(void)state;
	assert_true(fabs(leak_time_to_fill(60 * 1024, 1024) - 3600) < 1e-9);   // 1 MiB/min
	assert_true(leak_time_to_fill(1024, 0) < 0);
	assert_true(leak_time_to_fill(1024, -5) < 0);
	assert_true(leak_time_to_fill(0, 100) == 0);
}

static void test_trend_helper(void **state)
{
	const double up[] = { 1, 2, 3, 4, 5, 6 }, down[] = { 6, 5, 4, 3, 2, 1 };
	double slope, z;

	(void)state;
	sysmodel_trend(up, 6, &slope, &z);
	assert_true(fabs(slope - 1) < 1e-9 && z > 2);
	sysmodel_trend(down, 6, &slope, &z);
	assert_true(fabs(slope + 1) < 1e-9 && z < -2);
	sysmodel_trend(up, 2, &slope, &z);                         // too short
	assert_true(slope == 0 && z == 0);
}

static void test_oom_pick(void **state)
{
	static struct proc_sample s[4];
	const struct proc_sample *p[4] = { &s[0], &s[1], &s[2], &s[3] };
	struct snapshot snap = { .procs = p, .nprocs = 4 };
	struct proctable t = { 0 };
	static struct sysmodel m;
	// pid, score, adj, rss, swap
	const int spec[4][5] = {
		{ 10, 700, 0, 100, 0 }, { 20, 900, 0, 500, 0 }, { 30, 900, 0, 400, 200 },
		{ 40, 2000, -1000, 9000, 0 },      // immune: never picked
	};

	(void)state;
	for (int i = 0; i < 4; i++)
		s[i] = (struct proc_sample){ .pid = spec[i][0], .start_ticks = 1, .have_detail = true,
					     .oom_score = spec[i][1], .oom_score_adj = spec[i][2],
					     .rss_kb = (uint64_t)spec[i][3], .swap_kb = (uint64_t)spec[i][4],
					     .cmdline = none, .cgroup = none };
	assert_int_equal(proctable_update(&t, &snap), 0);
	sysmodel_update(&m, &snap, &t);
	assert_true(m.oom.valid);
	assert_int_equal(m.oom.score, 900);
	assert_int_equal(m.oom.pid, 30);             // tie at 900: more RSS + swap (600 > 500)
	assert_int_equal(m.oom.tied, 1);
	proctable_free(&t);
}

static void test_stall_share_from_totals(void **state)
{
	static struct sysmodel m;
	struct proctable t = { 0 };
	struct snapshot snap = { 0 };

	(void)state;
	assert_true(fabs(sysmodel_stall_pct(1000000, 1250000, 10.0, 11.0) - 25.0) < 1e-9);
	assert_true(sysmodel_stall_pct(5, 5, 0, 1) == 0);          // no stall
	assert_true(sysmodel_stall_pct(9, 5, 0, 1) == 0);          // a counter that went back
	assert_true(sysmodel_stall_pct(0, 5000000, 0, 1) == 100);  // clamped
	assert_true(sysmodel_stall_pct(0, 5, 2, 2) == 0);          // no time passed
	// Fed snapshots: 0.5 s of 'some' stall in each 1 s tick is 50 %.
	snap.sys.have_psi = true;
	snap.sys.psi.some.valid = snap.sys.psi.full.valid = true;
	for (int i = 0; i < 5; i++) {
		snap.sys.mono_time = i;
		snap.sys.psi.some.total_us = (uint64_t)i * 500000;
		snap.sys.psi.full.total_us = (uint64_t)i * 100000;
		sysmodel_update(&m, &snap, &t);
	}
	assert_true(m.have_psi_now);
	assert_int_equal(m.psi_count, 4);
	assert_true(fabs(m.psi_some_now - 50.0) < 1e-6);
	assert_true(fabs(m.psi_full_now - 10.0) < 1e-6);
	assert_true(fabs(m.psi_some_hist[3] - 50.0f) < 1e-3);
	snap.sys.have_psi = false;                                  // PSI gone: no value
	sysmodel_update(&m, &snap, &t);
	assert_false(m.have_psi_now);
}

static void test_leak_eta_uses_the_smaller_room(void **state)
{
	static struct proc_sample s;
	const struct proc_sample *p[1] = { &s };
	struct snapshot snap = { .procs = p, .nprocs = 1 };
	struct proctable t = { 0 };
	int pids[4];

	(void)state;
	s = (struct proc_sample){ .pid = 42, .start_ticks = 1, .have_detail = true,
				  .cmdline = none, .cgroup = none };
	snap.sys.have_meminfo = true;
	snap.sys.available_kb = 10 * 1024 * 1024;           // 10 GiB free
	for (int i = 0; i <= 120; i++) {                    // a steady 1 MiB/s leak for 2 min
		snap.sys.mono_time = i;
		s.anon_kb = s.rss_kb = 100 * 1024 + (uint64_t)i * 1024;
		assert_int_equal(proctable_update(&t, &snap), 0);
	}
	assert_true(t.v[0].verdict.suspected);
	assert_int_equal(proctable_suspect_pids(&t, pids, 4), 1);
	assert_int_equal(pids[0], 42);
	double rate_s = t.v[0].verdict.rate_kb_per_min / 60.0;
	assert_true(fabs(t.v[0].eta_s - 10.0 * 1024 * 1024 / rate_s) < 1);
	// Its cgroup leaves only 60 MiB: that is what runs out first.
	s.have_cg_headroom = true;
	s.cg_headroom_kb = 60 * 1024;
	snap.sys.mono_time = 121;
	s.anon_kb = s.rss_kb += 1024;
	assert_int_equal(proctable_update(&t, &snap), 0);
	assert_true(fabs(t.v[0].eta_s - 60.0 * 1024 / (t.v[0].verdict.rate_kb_per_min / 60.0)) < 1);
	// A limit with more room than the machine has changes nothing.
	s.cg_headroom_kb = 100ULL * 1024 * 1024;
	snap.sys.mono_time = 122;
	s.anon_kb = s.rss_kb += 1024;
	assert_int_equal(proctable_update(&t, &snap), 0);
	assert_true(fabs(t.v[0].eta_s - 10.0 * 1024 * 1024 / (t.v[0].verdict.rate_kb_per_min / 60.0)) < 1);
	proctable_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_falling_gives_eta),
		cmocka_unit_test(test_flat_rising_and_noisy_are_stable),
		cmocka_unit_test(test_noisy_fall_is_still_found),
		cmocka_unit_test(test_too_little_history),
		cmocka_unit_test(test_process_eta),
		cmocka_unit_test(test_trend_helper),
		cmocka_unit_test(test_oom_pick),
		cmocka_unit_test(test_stall_share_from_totals),
		cmocka_unit_test(test_leak_eta_uses_the_smaller_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
