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

/* ---- allocation sites through the monitor (monitor_alloc_*) ---- */

// A source with a session: each read is one second later; a stack whose
// bytes grow; the end, a failed read and a failed attach on demand.
static struct {
	int attach_rc, read_rc, attaches, reads, detaches;
	bool on, gone;
	struct alloc_frame frame;
	struct alloc_stack stack;
	struct alloc_site site;
} as;

static int as_attach(void *impl, int pid, uint64_t start_ticks, const struct alloc_options *opt, char *why,
		     size_t whylen)
{
	(void)impl; (void)start_ticks; (void)opt;
	as.attaches++;
	if (as.attach_rc < 0) {
		snprintf(why, whylen, "allocation sites of %d: needs root (CAP_BPF and CAP_PERFMON)", pid);
		return as.attach_rc;
	}
	as.on = true;
	as.reads = 0;
	return 0;
}

static int as_read(void *impl, struct alloc_snapshot *out)
{
	(void)impl;
	if (!as.on)
		return -ENODEV;
	if (as.read_rc < 0 && as.reads > 0)
		return as.read_rc;
	as.frame = (struct alloc_frame){ .ip = 0x10, .offset = 1, .func = "grow", .file = "/bin/app" };
	as.stack = (struct alloc_stack){ .id = 4, .depth = 1, .frames = &as.frame };
	as.site = (struct alloc_site){ .stack = &as.stack, .bytes = 1024u * (uint64_t)(as.reads + 1), .count = 1,
				       .oldest_age_s = as.reads };
	*out = (struct alloc_snapshot){ .pid = LEAKER, .start_ticks = 5, .t = 2000.0 + as.reads, .attached_t = 2000,
					.sites = &as.site, .nsites = 1, .sample_every = 1 };
	if (as.gone) {
		out->end = ALLOC_END_EXITED;
		snprintf(out->end_why, sizeof out->end_why, "process %d exited", LEAKER);
	}
	as.reads++;
	return 0;
}

static void as_detach(void *impl)
{
	(void)impl;
	if (as.on)
		as.detaches++;
	as.on = false;
	memset(&as.frame, 0, sizeof as.frame);      // the source's stacks go with it
	memset(&as.stack, 0, sizeof as.stack);
}

static const struct source_ops alloc_ops = {
	.name = "alloc-script", .tick = script_tick, .close = script_close,
	.alloc_attach = as_attach, .alloc_read = as_read, .alloc_detach = as_detach,
};

static void test_alloc_sessions(void **state)
{
	struct script sc = { 0 };
	struct alloc_options opt = { .sample_every = 1 };
	struct monitor m;

	(void)state;
	// A recording has no sessions.
	monitor_open_source(&m, (struct source){ .ops = &script_ops, .impl = &sc }, LEAK_SENS_NORMAL);
	assert_int_equal(monitor_alloc_start(&m, LEAKER, 5, &opt, 0), -ENOTSUP);
	assert_int_equal(m.alloc.state, ALLOCSITES_FAILED);
	assert_string_equal(m.alloc.why, "allocation sites need a live process, not a recording");
	assert_int_equal(monitor_alloc_poll(&m), -ENODEV);
	monitor_close(&m);

	memset(&as, 0, sizeof as);
	monitor_open_source(&m, (struct source){ .ops = &alloc_ops, .impl = &sc }, LEAK_SENS_NORMAL);
	// Not root: failed with the source's line, nothing to detach.
	as.attach_rc = -EPERM;
	assert_int_equal(monitor_alloc_start(&m, LEAKER, 5, &opt, 0), -EPERM);
	assert_int_equal(m.alloc.state, ALLOCSITES_FAILED);
	assert_string_equal(m.alloc.why, "allocation sites of 100: needs root (CAP_BPF and CAP_PERFMON)");
	assert_int_equal(as.detaches, 0);
	as.attach_rc = 0;

	// The time limit: 5 s on the source's clock, then detached once.
	assert_int_equal(monitor_alloc_start(&m, LEAKER, 5, &opt, 5), 0);
	assert_int_equal(m.alloc.state, ALLOCSITES_ON);
	assert_true(m.alloc.attached_t == 2000 && m.alloc.limit_s == 5);
	for (int i = 1; i < 5; i++) {
		assert_int_equal(monitor_alloc_poll(&m), 0);
		assert_int_equal(m.alloc.state, ALLOCSITES_ON);
	}
	assert_int_equal(monitor_alloc_poll(&m), 0);     // t = 2005
	assert_int_equal(m.alloc.state, ALLOCSITES_ENDED);
	assert_string_equal(m.alloc.why, "time limit reached: detached");
	assert_int_equal(as.detaches, 1);
	assert_true(m.alloc.rows[0].bytes == 6 * 1024 && m.alloc.rows[0].growth_bytes == 5 * 1024);
	assert_string_equal(m.alloc.rows[0].stack->frames[0].func, "grow");   // kept past the detach
	assert_int_equal(monitor_alloc_poll(&m), -ENODEV);
	monitor_alloc_stop(&m, "detached");                // ended already: nothing more
	assert_int_equal(as.detaches, 1);

	// A second start replaces the ended session; the target exits.
	assert_int_equal(monitor_alloc_start(&m, LEAKER, 5, &opt, 0), 0);
	assert_int_equal(monitor_alloc_poll(&m), 0);
	as.gone = true;
	assert_int_equal(monitor_alloc_poll(&m), 0);
	assert_int_equal(m.alloc.state, ALLOCSITES_ENDED);
	assert_string_equal(m.alloc.why, "process 100 exited");
	assert_int_equal(as.detaches, 2);
	assert_string_equal(m.alloc.rows[0].stack->frames[0].file, "/bin/app");
	as.gone = false;

	// A reading that fails ends the session.
	as.read_rc = -EIO;
	assert_int_equal(monitor_alloc_start(&m, LEAKER, 5, &opt, 0), 0);
	assert_int_equal(monitor_alloc_poll(&m), -EIO);
	assert_int_equal(m.alloc.state, ALLOCSITES_ENDED);
	assert_string_equal(m.alloc.why, "reading the probes failed: detached");
	assert_int_equal(as.detaches, 3);
	as.read_rc = 0;

	// Stopped by the user; the close detaches a session still on.
	assert_int_equal(monitor_alloc_start(&m, LEAKER, 5, &opt, 0), 0);
	monitor_alloc_stop(&m, "detached");
	assert_int_equal(m.alloc.state, ALLOCSITES_ENDED);
	assert_int_equal(as.detaches, 4);
	assert_int_equal(monitor_alloc_start(&m, LEAKER, 5, &opt, 0), 0);
	monitor_close(&m);
	assert_int_equal(as.detaches, 5);
	assert_int_equal(as.attaches, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_follows_a_scripted_source),
		cmocka_unit_test(test_missing_calls_answer_enotsup),
		cmocka_unit_test(test_alloc_sessions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
