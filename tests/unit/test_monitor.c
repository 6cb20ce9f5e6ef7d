/* test_monitor.c — the pipeline fed by a scripted source, not /proc: the
 * source interface is all the model needs (a recording will be such a
 * source). A steady leaker and a flat process over 20 simulated minutes:
 * the table, the leak verdict, the system model and the cgroup watch all
 * follow from what the source handed up; a cgroup's usage is the source's
 * answer; calls a source does not have answer -ENOTSUP. */
#include "fixture.h"

#include <errno.h>

#include "model/monitor.h"
#include "script_source.h"

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

// monitor_read_cgroup_usage hands the source's answer through, errors too.
static void test_cgroup_usage_is_the_sources(void **state)
{
	struct script sc = { 0 };
	struct monitor m;
	struct cgroup_usage u;
	const struct proc *leaker;

	(void)state;
	monitor_open_source(&m, (struct source){ .ops = &script_ops, .impl = &sc }, LEAK_SENS_NORMAL);
	for (int i = 0; i < 3; i++)
		assert_int_equal(monitor_tick(&m), 0);
	leaker = proctable_find(&m.table, LEAKER);
	assert_non_null(leaker);
	assert_int_equal(monitor_read_cgroup_usage(&m, SCRIPT_CGROUP, &u), 0);
	assert_true(u.have_usage && u.have_limit && !u.unlimited);
	assert_int_equal(u.usage_kb, 20000 + 2 * 512);     // the third tick's
	assert_int_equal(u.limit_kb, SCRIPT_CG_LIMIT_KB);
	assert_int_equal(monitor_read_cgroup_usage(&m, "/other.scope", &u), -ENOENT);
	assert_false(u.have_usage || u.have_limit);
	monitor_close(&m);
}

static void test_missing_calls_answer_enotsup(void **state)
{
	struct script sc = { 0 };
	struct monitor m;
	struct proc_detail d = { 0 };
	struct source_ops bare = script_ops;
	struct cgroup_usage u;
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
	assert_int_equal(d.err, -ENOTSUP);          // what the detail view shows
	d.err = 0;
	assert_int_equal(monitor_read_detail_state(&m, LEAKER, 5, &d), -ENOTSUP);
	assert_int_equal(d.err, -ENOTSUP);
	assert_int_equal(monitor_read_cmdline(&m, LEAKER, 5, &text, &cut), -ENOTSUP);
	assert_null(text);
	assert_int_equal(monitor_send_signal(&m, LEAKER, 5, 15), -ENOTSUP);
	assert_int_equal(monitor_psi_trigger(&m, 100000, 1000000), -ENOTSUP);
	monitor_close(&m);

	// A source without the cgroup usage call (the script has it).
	bare.read_cgroup_usage = NULL;
	monitor_open_source(&m, (struct source){ .ops = &bare, .impl = &sc }, LEAK_SENS_NORMAL);
	assert_int_equal(monitor_tick(&m), 0);
	u = (struct cgroup_usage){ true, true, true, 7, 7 };    // left over: must be cleared
	assert_int_equal(monitor_read_cgroup_usage(&m, SCRIPT_CGROUP, &u), -ENOTSUP);
	assert_false(u.have_usage || u.have_limit || u.unlimited);
	assert_int_equal(u.usage_kb, 0);
	monitor_close(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_follows_a_scripted_source),
		cmocka_unit_test(test_cgroup_usage_is_the_sources),
		cmocka_unit_test(test_missing_calls_answer_enotsup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
