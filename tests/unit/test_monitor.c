/* test_monitor.c — the pipeline fed by a scripted source, not /proc: the
 * source interface is all the model needs (a recording will be such a
 * source). A steady leaker and a flat process over 20 simulated minutes:
 * the table, the leak verdict, the system model and the cgroup watch all
 * follow from what the source handed up; calls a source does not have
 * answer -ENOTSUP. */
#include "fixture.h"

#include <errno.h>

#include "model/monitor.h"

#define LEAKER 100
#define FLAT 200

// A source that plays a script: a leaker growing 512 KiB every 2 s tick
// and a flat process, on a clock that starts at 1000 s.
struct script {
	int ticks, closed;
	struct proc_sample s[2];
	const struct proc_sample *p[2];
	int watched[MONITOR_CG_WATCH_MAX];
	size_t nwatched;
};

static char empty[] = "";

static int script_tick(void *impl, struct snapshot *out)
{
	struct script *sc = impl;
	double t = 1000.0 + 2.0 * sc->ticks;
	uint64_t grown = 512u * (uint64_t)sc->ticks;

	sc->s[0] = (struct proc_sample){ .pid = LEAKER, .start_ticks = 5, .rss_kb = 20000 + grown,
					 .anon_kb = 10000 + grown, .comm = "leaker", .user = "u",
					 .cmdline = empty, .cgroup = empty };
	sc->s[1] = (struct proc_sample){ .pid = FLAT, .start_ticks = 6, .rss_kb = 30000, .anon_kb = 9000,
					 .comm = "flat", .user = "u", .cmdline = empty, .cgroup = empty };
	sc->p[0] = &sc->s[0];
	sc->p[1] = &sc->s[1];
	*out = (struct snapshot){ .procs = sc->p, .nprocs = 2 };
	out->sys = (struct sys_sample){ .wall_time = 1.7e9 + t, .mono_time = t, .have_meminfo = true,
					.total_kb = 8u << 20, .free_kb = 4u << 20,
					.available_kb = (6u << 20) - grown };
	sc->ticks++;
	return 0;
}

static void script_close(void *impl)
{
	((struct script *)impl)->closed++;
}

static int script_watch(void *impl, const int *pids, size_t n)
{
	struct script *sc = impl;

	sc->nwatched = n < MONITOR_CG_WATCH_MAX ? n : MONITOR_CG_WATCH_MAX;
	memcpy(sc->watched, pids, sc->nwatched * sizeof *pids);
	return 0;
}

// Only what a recording could do: ticks, the cgroup watch, closing.
static const struct source_ops script_ops = {
	.name = "script", .tick = script_tick, .close = script_close,
	.set_cgroup_watch = script_watch,
};

static void test_model_follows_a_scripted_source(void **state)
{
	struct script sc = { 0 };
	struct monitor m;
	const struct proc *leaker, *flat;

	(void)state;
	monitor_open_source(&m, (struct source){ .ops = &script_ops, .impl = &sc }, LEAK_SENS_NORMAL);
	for (int i = 0; i < 600; i++)            // 20 minutes at 2 s
		assert_int_equal(monitor_tick(&m), 0);
	assert_true(m.have_snap);
	assert_int_equal(m.source_err, 0);
	assert_int_equal(m.table.n, 2);
	leaker = proctable_find(&m.table, LEAKER);
	flat = proctable_find(&m.table, FLAT);
	assert_non_null(leaker);
	assert_non_null(flat);
	assert_true(leaker->verdict.suspected);
	assert_false(flat->verdict.suspected);
	// 512 KiB per 2 s is 15 MiB per minute.
	assert_true(leaker->verdict.rate_kb_per_min > 14000 && leaker->verdict.rate_kb_per_min < 16500);
	// The suspect's cgroup is watched from the next tick on; the flat one's is not.
	assert_int_equal(sc.nwatched, 1);
	assert_int_equal(sc.watched[0], LEAKER);
	// The system model saw available memory fall.
	assert_true(m.sys.falling);
	monitor_close(&m);
	assert_int_equal(sc.closed, 1);
	monitor_close(&m);                       // a closed monitor closes again, harmlessly
	assert_int_equal(sc.closed, 1);
}

static void test_missing_calls_answer_enotsup(void **state)
{
	struct script sc = { 0 };
	struct monitor m;
	struct proc_detail d = { 0 };
	char *text = (char *)"unset";
	bool cut;

	(void)state;
	monitor_open_source(&m, (struct source){ .ops = &script_ops, .impl = &sc }, LEAK_SENS_NORMAL);
	assert_int_equal(monitor_tick(&m), 0);
	assert_int_equal(monitor_set_wanted(&m, (int[]){ LEAKER }, 1), 0);
	monitor_fill_pending(&m);
	assert_false(monitor_fill_idle(&m, 64));
	assert_false(monitor_idle_work(&m));
	assert_int_equal(monitor_read_detail(&m, LEAKER, 5, &d), -ENOTSUP);
	assert_int_equal(monitor_read_detail_state(&m, LEAKER, 5, &d), -ENOTSUP);
	assert_int_equal(monitor_read_cmdline(&m, LEAKER, 5, &text, &cut), -ENOTSUP);
	assert_null(text);
	assert_int_equal(monitor_send_signal(&m, LEAKER, 5, 15), -ENOTSUP);
	assert_int_equal(monitor_psi_trigger(&m, 100000, 1000000), -ENOTSUP);
	monitor_close(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_follows_a_scripted_source),
		cmocka_unit_test(test_missing_calls_answer_enotsup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
