/* test_oomlog.c — the OOM kill log: empty, partly full, exactly full and
 * wrapped many times (the kills stamped by an injected clock), the
 * counters, the log's state; and the prediction checked against the kill,
 * through the monitor fed by a scripted source: the global pick and the
 * memory cgroup's (its subtree, oom_score_adj weighed by its limit), both
 * from the tick BEFORE the kill was reported (or the one before that when
 * the kill came before that tick's sample), none for the backlog. */
#include "fixture.h"

#include <errno.h>

#include "model/monitor.h"
#include "model/oomlog.h"

static char none[] = "";

// A kill of pid at boot second t (also its monotonic time: the clock is
// injected, nothing here waits).
static struct oom_kill kill_at(int pid, double t, bool since_start)
{
	struct oom_kill k = { .pid = pid, .boot_s = t, .mono_time = t, .wall_time = 1.7e9 + t,
			      .since_start = since_start, .scope = OOM_SCOPE_GLOBAL, .uid = 0 };

	snprintf(k.comm, sizeof k.comm, "victim%d", pid);
	return k;
}

// Hands the log one tick holding n kills from pid first on, at time t.
static size_t feed(struct oomlog *l, int first, size_t n, double t)
{
	struct oom_kill k[300];
	struct snapshot snap = { .sys = { .mono_time = t, .have_oom_kill = true, .oom_kill = 7 } };

	assert_true(n <= 300);
	for (size_t i = 0; i < n; i++)
		k[i] = kill_at(first + (int)i, t, true);
	snap.oom_kills = k;
	snap.noom_kills = n;
	return oomlog_update(l, &snap, NULL, NULL);
}

// The kept kills are the newest, newest first, with consecutive serials.
static void assert_newest(const struct oomlog *l, int last_pid, uint64_t last_serial, size_t kept)
{
	assert_int_equal(l->count, kept);
	for (size_t i = 0; i < kept; i++) {
		const struct oomlog_entry *e = oomlog_get(l, i);

		assert_non_null(e);
		assert_int_equal(e->kill.pid, last_pid - (int)i);
		assert_int_equal(e->serial, last_serial - i);
	}
	assert_null(oomlog_get(l, kept));
}

static void test_log_fills_and_wraps(void **state)
{
	struct oomlog l = { 0 };

	(void)state;
	// Empty: nothing kept, nothing allocated.
	assert_int_equal(feed(&l, 1, 0, 10), 0);
	assert_null(l.ring);
	assert_null(oomlog_get(&l, 0));
	assert_int_equal(l.serial, 0);
	assert_string_equal(oomlog_state(&l), "read");
	// Partly full.
	assert_int_equal(feed(&l, 1, 3, 20), 3);
	assert_newest(&l, 3, 3, 3);
	assert_int_equal(l.new_from, 0);
	assert_int_equal(l.dropped, 0);
	// Exactly full.
	assert_int_equal(feed(&l, 4, OOMLOG_MAX - 3, 30), OOMLOG_MAX - 3);
	assert_newest(&l, OOMLOG_MAX, OOMLOG_MAX, OOMLOG_MAX);
	assert_int_equal(l.new_from, 3);
	assert_int_equal(l.dropped, 0);
	assert_int_equal(oomlog_get(&l, OOMLOG_MAX - 1)->kill.pid, 1);
	// One more: the oldest goes.
	assert_int_equal(feed(&l, OOMLOG_MAX + 1, 1, 40), 1);
	assert_newest(&l, OOMLOG_MAX + 1, OOMLOG_MAX + 1, OOMLOG_MAX);
	assert_int_equal(l.dropped, 1);
	// The same kill handed up again (a recording after a move): kept once.
	assert_int_equal(feed(&l, OOMLOG_MAX + 1, 1, 40), 0);
	assert_int_equal(l.serial, OOMLOG_MAX + 1);
	// Wrapped many times, in ticks of different sizes, the clock moving on.
	int pid = OOMLOG_MAX + 2;
	double t = 50;

	for (int round = 0; round < 40; round++) {
		size_t n = (size_t)(round % 7) * 13 + 1;

		assert_int_equal(feed(&l, pid, n, t), n);
		pid += (int)n;
		t += 0.2;
	}
	assert_newest(&l, pid - 1, (uint64_t)(pid - 1), OOMLOG_MAX);
	assert_int_equal(l.dropped, l.serial - OOMLOG_MAX);
	assert_int_equal(l.since_start, l.serial);
	// The newest kept has the last tick's stamp.
	assert_true(oomlog_get(&l, 0)->kill.mono_time > 50 + 38 * 0.2);
	oomlog_free(&l);
	assert_null(l.ring);
	assert_int_equal(l.count, 0);
	oomlog_free(&l);                         // a freed log frees again, harmlessly
}

static void test_counters_and_state(void **state)
{
	struct oomlog l = { 0 };
	struct snapshot snap = { .sys = { .have_oom_kill = true, .oom_kill = 5, .oom_log_err = -EPERM } };
	struct oom_kill k = kill_at(9, 1, true);

	(void)state;
	snap.oom_kills = &k;               // a source that errs hands up none;
	snap.noom_kills = 1;               // the log ignores any anyway
	oomlog_update(&l, &snap, NULL, NULL);
	assert_int_equal(l.count, 0);
	assert_string_equal(oomlog_state(&l), "needs root");
	assert_int_equal(oomlog_counter_since_start(&l), 0);
	snap.sys.oom_kill = 8;
	oomlog_update(&l, &snap, NULL, NULL);
	assert_int_equal(l.counter, 8);
	assert_int_equal(oomlog_counter_since_start(&l), 3);
	snap.sys.oom_log_err = -ENOTSUP;
	oomlog_update(&l, &snap, NULL, NULL);
	assert_string_equal(oomlog_state(&l), "not read");
	snap.sys.oom_log_err = -EACCES;
	oomlog_update(&l, &snap, NULL, NULL);
	assert_string_equal(oomlog_state(&l), "needs root");
	// No counter: nothing since start.
	snap.sys.have_oom_kill = false;
	oomlog_update(&l, &snap, NULL, NULL);
	assert_int_equal(oomlog_counter_since_start(&l), 0);
	oomlog_free(&l);
}

/* ---- the prediction, through the monitor ---- */

#define NP 5

// Processes: pid 10 big in /a/b, 11 small in /a, 12 in /c with adj 500,
// 13 in /c larger, 14 the machine's largest in /.
struct osrc {
	int ticks;
	struct proc_sample s[NP];
	const struct proc_sample *p[NP];
	struct cgroup_reading r[4];
	struct oom_kill kills[4];
	size_t nkills;
	int kill_tick;               // the tick whose snapshot reports the kills
	int drop_from;               // the victim is gone from this tick on (0: never)
};

static void osrc_proc(struct osrc *o, int i, int pid, const char *comm, const char *cg, uint64_t rss,
		      int score, int adj)
{
	o->s[i] = (struct proc_sample){ .pid = pid, .start_ticks = 1, .rss_kb = rss, .anon_kb = rss,
					.comm = (char *)comm, .cgroup = (char *)cg, .user = "u",
					.cmdline = none, .exe = none, .have_detail = true,
					.oom_score = score, .oom_score_adj = adj };
}

static int osrc_tick(void *impl, struct snapshot *out)
{
	struct osrc *o = impl;
	double t = 100.0 + 0.2 * o->ticks;
	size_t n = 0;

	osrc_proc(o, 0, 10, "big", "/a/b", 60000, 300, 0);
	osrc_proc(o, 1, 11, "small", "/a", 20000, 100, 0);
	osrc_proc(o, 2, 12, "favoured", "/c", 30000, 800, 500);
	osrc_proc(o, 3, 13, "larger", "/c", 50000, 200, 0);
	osrc_proc(o, 4, 14, "huge", "/", 900000, 900, 0);
	for (int i = 0; i < NP; i++)
		if (!(o->drop_from && o->ticks >= o->drop_from && o->nkills &&
		      o->s[i].pid == o->kills[0].pid))
			o->p[n++] = &o->s[i];
	*out = (struct snapshot){ .procs = o->p, .nprocs = n };
	out->sys = (struct sys_sample){ .wall_time = 1.7e9 + t, .mono_time = t, .have_meminfo = true,
					.total_kb = 4u << 20, .available_kb = 2u << 20,
					.have_oom_kill = true, .oom_kill = 2 + (uint64_t)o->ticks };
	// /c has a 100 MiB limit: favoured's adj 500 weighs 500 * 102400 / 1000.
	o->r[0] = (struct cgroup_reading){ .path = "/a", .have_limit = true, .limit_kb = 102400 };
	o->r[1] = (struct cgroup_reading){ .path = "/a/b", .have_limit = true, .limit_kb = 102400 };
	o->r[2] = (struct cgroup_reading){ .path = "/c", .have_limit = true, .limit_kb = 102400,
					   .have_oom_kill = true, .oom_kill = 1 };
	out->cgroups = o->r;
	out->ncgroups = 3;
	out->cgroups_read = true;
	if (o->ticks == o->kill_tick) {
		out->oom_kills = o->kills;
		out->noom_kills = o->nkills;
	}
	o->ticks++;
	return 0;
}

static void osrc_close(void *impl)
{
	(void)impl;
}

static const struct source_ops osrc_ops = { .name = "oom script", .tick = osrc_tick, .close = osrc_close };

// Runs the monitor to the tick that reports the kills and returns the log.
static void run(struct monitor *m, struct osrc *o, int ticks)
{
	monitor_open_source(m, (struct source){ .ops = &osrc_ops, .impl = o }, LEAK_SENS_NORMAL);
	for (int i = 0; i < ticks; i++)
		assert_int_equal(monitor_tick(m), 0);
}

static struct oom_kill memcg_kill(int pid, const char *memcg)
{
	struct oom_kill k = kill_at(pid, 100.5, true);

	k.scope = OOM_SCOPE_MEMCG;
	snprintf(k.oom_memcg, sizeof k.oom_memcg, "%s", memcg);
	snprintf(k.task_memcg, sizeof k.task_memcg, "%s", memcg);
	return k;
}

static void test_memcg_prediction_is_the_subtrees_pick(void **state)
{
	struct osrc o = { .kill_tick = 3, .drop_from = 3 };
	struct monitor m;
	const struct oomlog_entry *e;

	(void)state;
	// /a's subtree holds big (in /a/b) and small: big is the pick; the
	// victim is gone from the snapshot that reports its kill.
	o.kills[0] = memcg_kill(10, "/a");
	// /c: favoured (30000 + 500 * 102) beats larger (50000) by its adj.
	o.kills[1] = memcg_kill(13, "/c");
	// A cgroup memtop never saw: no prediction.
	o.kills[2] = memcg_kill(77, "/gone");
	o.nkills = 3;
	run(&m, &o, 4);
	assert_int_equal(m.oom.count, 3);
	e = oomlog_get(&m.oom, 2);
	assert_int_equal(e->kill.pid, 10);
	assert_true(e->predicted.valid);
	assert_int_equal(e->predicted.pid, 10);
	assert_string_equal(e->predicted.comm, "big");
	assert_true(e->predicted.right);
	assert_string_equal(e->scope_label, "a");
	e = oomlog_get(&m.oom, 1);
	assert_true(e->predicted.valid);
	assert_int_equal(e->predicted.pid, 12);
	assert_string_equal(e->predicted.comm, "favoured");
	assert_false(e->predicted.right);
	e = oomlog_get(&m.oom, 0);
	assert_false(e->predicted.valid);
	assert_false(e->predicted.right);
	assert_int_equal(m.oom.predicted, 2);
	assert_int_equal(m.oom.predicted_right, 1);
	assert_int_equal(m.oom.new_from, 0);
	// The counter moved one a tick: 3 since the first.
	assert_int_equal(oomlog_counter_since_start(&m.oom), 3);
	// The cgroup's own counter is on its row.
	assert_true(cgtable_find(&m.cgroups, "/c")->have_oom_kill);
	assert_int_equal(cgtable_find(&m.cgroups, "/c")->oom_kill, 1);
	monitor_close(&m);
}

static void test_global_prediction_and_backlog(void **state)
{
	struct osrc o = { .kill_tick = 2, .drop_from = 2 };
	struct monitor m;
	const struct oomlog_entry *e;

	(void)state;
	o.kills[0] = kill_at(14, 100.3, true);      // huge: the machine's pick
	o.kills[1] = kill_at(11, 100.35, true);     // small: not
	o.nkills = 2;
	run(&m, &o, 3);
	e = oomlog_get(&m.oom, 1);
	assert_true(e->predicted.valid);
	assert_int_equal(e->predicted.pid, 14);
	assert_string_equal(e->predicted.comm, "huge");
	assert_true(e->predicted.right);
	assert_string_equal(e->scope_label, "global");
	e = oomlog_get(&m.oom, 0);
	assert_int_equal(e->predicted.pid, 14);
	assert_false(e->predicted.right);
	monitor_close(&m);

	// At the first tick (the backlog since boot) nothing was predicted,
	// even for a kill marked since start.
	o = (struct osrc){ .kill_tick = 0 };
	o.kills[0] = kill_at(14, 50, false);
	o.kills[1] = kill_at(14, 99, true);
	o.nkills = 2;
	run(&m, &o, 2);
	assert_int_equal(m.oom.count, 2);
	assert_false(oomlog_get(&m.oom, 0)->predicted.valid);
	assert_false(oomlog_get(&m.oom, 1)->predicted.valid);
	assert_int_equal(m.oom.since_start, 1);
	monitor_close(&m);
}

// The kill came before the last tick's sample, whose scan no longer saw the
// victim: the prediction is the tick's before, which did.
static void test_prediction_from_before_the_kill(void **state)
{
	struct osrc o = { .kill_tick = 3, .drop_from = 2 };
	struct monitor m;
	const struct oomlog_entry *e;

	(void)state;
	o.kills[0] = memcg_kill(10, "/a");
	o.kills[0].mono_time = 100.3;              // ticks: 100.0, 100.2, 100.4 (no victim), 100.6
	o.nkills = 1;
	run(&m, &o, 4);
	e = oomlog_get(&m.oom, 0);
	assert_true(e->predicted.valid);
	assert_int_equal(e->predicted.pid, 10);
	assert_true(e->predicted.right);
	monitor_close(&m);
	// Stamped after the last tick's sample: that tick's picks (which lack
	// the victim, so memtop was wrong there).
	o = (struct osrc){ .kill_tick = 3, .drop_from = 2 };
	o.kills[0] = memcg_kill(10, "/a");
	o.kills[0].mono_time = 100.5;
	o.nkills = 1;
	run(&m, &o, 4);
	e = oomlog_get(&m.oom, 0);
	assert_int_equal(e->predicted.pid, 11);
	assert_false(e->predicted.right);
	monitor_close(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_fills_and_wraps),
		cmocka_unit_test(test_counters_and_state),
		cmocka_unit_test(test_memcg_prediction_is_the_subtrees_pick),
		cmocka_unit_test(test_global_prediction_and_backlog),
		cmocka_unit_test(test_prediction_from_before_the_kill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
