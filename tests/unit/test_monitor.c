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
	assert_int_equal(d.err, -ENOTSUP);          // what the detail view shows
	d.err = 0;
	assert_int_equal(monitor_read_detail_state(&m, LEAKER, 5, &d), -ENOTSUP);
	assert_int_equal(d.err, -ENOTSUP);
	assert_int_equal(monitor_read_cmdline(&m, LEAKER, 5, &text, &cut), -ENOTSUP);
	assert_null(text);
	assert_int_equal(monitor_send_signal(&m, LEAKER, 5, 15), -ENOTSUP);
	assert_int_equal(monitor_psi_trigger(&m, 100000, 1000000), -ENOTSUP);
	monitor_close(&m);

	// Its cgroups' pace is the recording's: setting it does nothing.
	monitor_open_source(&m, (struct source){ .ops = &script_ops, .impl = &sc }, LEAK_SENS_NORMAL);
	monitor_set_cgroup_every(&m, 1.0);
	assert_int_equal(monitor_tick(&m), 0);
	assert_false(m.snap.cgroups_read);
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
