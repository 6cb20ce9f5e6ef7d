/* test_replay_ui.c — the screen over a recording: the loop's own parts
 * (app_start, app_key, app_timer) on a fake recorded source, with ncurses
 * drawing to /dev/null at 80x24 under AddressSanitizer, and what the
 * screen shows read back from its window.
 *
 * The fake is a recording of 25 samples on 2026-12-05 (TZ=UTC), ten
 * minutes apart from 10:00 to 13:10, then an hour's gap, then 14:10 to
 * 14:50; it opens at 12:00. A leaker's RSS says which sample is shown
 * (20000 + 1000 x index KiB); a second process starts at sample 5. Tests
 * append samples to play a file still being written. */
#include "fixture.h"

#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "model/columns.h"
#include "ui/app.h"
#include "ui/view_detail.h"
#include "ui/view_help.h"
#include "ui/view_list.h"

#define NMAX 40
#define T0 1796464800.0          // 2026-12-05 10:00:00 UTC
#define LEAKER 100
#define LATE 200                 // runs from sample 5 on

struct rec {
	double t[NMAX];
	size_t count, pos;
	bool follow, writing, this_boot;
	const char *host;
	int closed;
	struct proc_sample s[2];
	const struct proc_sample *p[2];
};

static char empty[] = "";

// Sample i's wall time: every ten minutes, with an hour's gap after 13:10.
static double rec_time(size_t i)
{
	return T0 + 600.0 * (double)i + (i >= 20 ? 3000.0 : 0);
}

static uint64_t leaker_rss(size_t i)
{
	return 20000 + 1000 * (uint64_t)i;
}

static int rec_tick(void *impl, struct snapshot *out)
{
	struct rec *r = impl;
	size_t i = r->pos, n = 0;

	r->s[0] = (struct proc_sample){ .pid = LEAKER, .start_ticks = 5, .rss_kb = leaker_rss(i),
					.anon_kb = 10000 + 1000 * (uint64_t)i, .comm = "leaker", .user = "u", .oom_score = 600, .have_detail = true,
					.cmdline = "leaker --grow", .cgroup = empty, .exe = empty };
	r->s[1] = (struct proc_sample){ .pid = LATE, .start_ticks = 9, .rss_kb = 5000, .anon_kb = 1000,
					.comm = "late", .user = "u", .cmdline = empty, .cgroup = empty,
					.exe = empty };
	r->p[n++] = &r->s[0];
	if (i >= 5)
		r->p[n++] = &r->s[1];
	*out = (struct snapshot){ .procs = r->p, .nprocs = n };
	out->sys = (struct sys_sample){ .wall_time = r->t[i], .mono_time = r->t[i] - T0 + 1000,
					.have_meminfo = true, .total_kb = 8u << 20, .free_kb = 4u << 20,
					.available_kb = 6u << 20 };
	return 0;
}

static bool rec_timeline(const void *impl, struct source_timeline *out)
{
	const struct rec *r = impl;

	*out = (struct source_timeline){ .first_t = r->t[0], .last_t = r->t[r->count - 1],
					 .at_t = r->t[r->pos], .count = r->count, .index = r->pos,
					 .follow = r->follow, .writing = r->writing,
					 .this_boot = r->this_boot, .host = r->host };
	return true;
}

// As proc/source.h says: moving clears follow unless to the last; 1 when
// already there, -ERANGE for a time outside the recording.
static int rec_move(void *impl, enum source_move how, double arg)
{
	struct rec *r = impl;
	size_t to = r->pos;

	r->follow = how == SOURCE_MOVE_LAST;
	switch (how) {
	case SOURCE_MOVE_STEP: {
		long i = (long)r->pos + (long)arg;

		to = i < 0 ? 0 : (size_t)i >= r->count ? r->count - 1 : (size_t)i;
		break;
	}
	case SOURCE_MOVE_TIME:
		if (arg < r->t[0] || arg > r->t[r->count - 1])
			return -ERANGE;
		for (to = 0; to + 1 < r->count && r->t[to + 1] <= arg; to++)
			;
		break;
	case SOURCE_MOVE_FIRST:
		to = 0;
		break;
	case SOURCE_MOVE_LAST:
		to = r->count - 1;
		break;
	}
	if (to == r->pos)
		return 1;
	r->pos = to;
	return 0;
}

// The leaker's recorded signal (anonymous + swap) over the span asked.
static int rec_series(void *impl, const struct source_series_req *req, source_series_fn *push, void *ctx)
{
	const struct rec *r = impl;

	for (size_t k = 0; k < req->n; k++)
		for (size_t i = 0; req->pids[k] == LEAKER && i < r->count; i++) {
			double mono = r->t[i] - T0 + 1000;

			if (mono >= req->level[0].from_t && mono < req->to_t)
				push(ctx, k, mono, 10000 + 1000 * (uint64_t)i);
		}
	return 0;
}

static void rec_close(void *impl)
{
	((struct rec *)impl)->closed++;
}

// A recording has no mappings, command lines or signals: those calls are left out.
static const struct source_ops rec_ops = {
	.name = "fake recording", .tick = rec_tick, .close = rec_close, .timeline = rec_timeline,
	.move = rec_move, .series = rec_series,
};

struct rig {
	struct rec rec;
	FILE *out, *in;
	SCREEN *term;
};

static struct app app;           // large: not on the stack (app_run does the same)

// The recording opened at 12:00, the model ticked there, an 80x24 terminal
// on /dev/null, and the loop's list screen started.
static int rig_setup(void **state)
{
	struct rig *r = calloc(1, sizeof *r);

	assert_non_null(r);
	setenv("TZ", "UTC", 1);
	tzset();
	r->rec.count = 25;
	for (size_t i = 0; i < NMAX; i++)
		r->rec.t[i] = rec_time(i);
	r->rec.pos = 12;
	r->rec.this_boot = true;
	r->rec.host = "db1";
	r->out = fopen("/dev/null", "w");
	r->in = fopen("/dev/null", "r");
	assert_non_null(r->out);
	assert_non_null(r->in);
	use_env(FALSE);
	r->term = newterm("xterm", r->out, r->in);
	assert_non_null(r->term);
	app = (struct app){ .interval_s = 1, .trigger_fd = -1, .list = screen_list.state };
	app.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	assert_true(app.timer_fd >= 0);
	snprintf(app.trigger_desc, sizeof app.trigger_desc, "PSI trigger: none in a recording");
	monitor_open_source(&app.mon, (struct source){ .ops = &rec_ops, .impl = &r->rec }, LEAK_SENS_NORMAL);
	list_screen_init(app.list, SORT_RSS, 0, COLUMNS_DEFAULT);
	assert_int_equal(monitor_tick(&app.mon), 0);
	app_start(&app);
	*state = r;
	return 0;
}

static int rig_teardown(void **state)
{
	struct rig *r = *state;

	app_end(&app);
	monitor_close(&app.mon);
	assert_int_equal(r->rec.closed, 1);
	close(app.timer_fd);
	endwin();
	delscreen(r->term);
	fclose(r->out);
	fclose(r->in);
	free(r);
	return 0;
}

static void keys(const char *s)
{
	for (; *s; s++)
		app_key(&app, (unsigned char)*s);
}

// Whether any line of the drawn screen holds text.
static bool on_screen(const char *text)
{
	char line[81];

	app_draw(&app);
	for (int y = 0; y < LINES; y++) {
		mvinnstr(y, 0, line, 80);
		if (strstr(line, text))
			return true;
	}
	return false;
}

// Line y of the drawn screen.
static const char *screen_line(int y)
{
	static char line[81];

	app_draw(&app);
	mvinnstr(y, 0, line, 80);
	return line;
}

static void check_shown(size_t index, const char *clock)
{
	char want[64];
	const struct proc *p = proctable_find(&app.mon.table, LEAKER);

	assert_int_equal(app.mon.snap.sys.wall_time, rec_time(index));
	assert_non_null(p);
	assert_int_equal(p->s->rss_kb, leaker_rss(index));
	snprintf(want, sizeof want, "Recorded 2026-12-05 %s", clock);
	if (!strstr(screen_line(2), want))
		fail_msg("line 2 is \"%s\", expected \"%s\"", screen_line(2), want);
	snprintf(want, sizeof want, "sample %zu/", index + 1);
	assert_non_null(strstr(screen_line(2), want));
}

// Whether the refresh timer is armed.
static bool timer_armed(void)
{
	struct itimerspec its;

	assert_int_equal(timerfd_gettime(app.timer_fd, &its), 0);
	return its.it_value.tv_sec || its.it_value.tv_nsec;
}

static void test_the_header_shows_the_recorded_sample(void **state)
{
	struct rig *r = *state;

	assert_true(app.replay);
	check_shown(12, "12:00:00");
	assert_non_null(strstr(screen_line(2), "sample 13/25"));
	assert_null(strstr(screen_line(2), "following"));
	assert_null(strstr(screen_line(3), "Refresh"));           // nothing refreshes
	assert_true(on_screen("OOM victim then"));
	assert_false(on_screen("OOM victim now"));
	// The table moved down a line for the replay's own.
	assert_non_null(strstr(screen_line(6), "PID"));
	// Nothing ticks by itself: no timer, and a timer that fired anyway
	// changes nothing.
	assert_false(timer_armed());
	assert_false(app_timer(&app));
	check_shown(12, "12:00:00");
	// Another machine's recording says so.
	r->rec.this_boot = false;
	assert_true(on_screen("on db1, another machine"));
}

static void test_brackets_step_a_sample(void **state)
{
	(void)state;
	keys("]");
	check_shown(13, "12:10:00");
	keys("[[");
	check_shown(11, "11:50:00");
	assert_string_equal(app.message, "");
	keys("{");                       // ten minutes back
	check_shown(10, "11:40:00");
	keys("}}");
	check_shown(12, "12:00:00");
	keys("b14:50\n]");
	check_shown(24, "14:50:00");
	assert_string_equal(app.message, "already at the newest sample");
	keys("}");                       // within the recording: stays
	check_shown(24, "14:50:00");
}

static void test_home_end_and_following(void **state)
{
	struct rig *r = *state;

	app_key(&app, KEY_HOME);
	check_shown(0, "10:00:00");
	assert_int_equal(app.list->list.nrows, 1);   // the list follows: "late" not yet
	assert_false(on_screen("late"));
	keys("]]]]]");
	assert_int_equal(app.list->list.nrows, 2);
	assert_true(on_screen("late"));
	app_key(&app, KEY_HOME);
	keys("[");
	assert_non_null(strstr(app.message, "already at the first sample"));
	keys("{");                       // before the first: stays
	check_shown(0, "10:00:00");
	app_key(&app, KEY_END);
	check_shown(24, "14:50:00");
	assert_non_null(strstr(screen_line(2), "following"));
	assert_true(timer_armed());
	assert_non_null(strstr(screen_line(3), "Follow: 1s"));
	assert_false(app_timer(&app));   // no newer sample: nothing to draw
	r->rec.count = 26;               // the recorder wrote one more
	r->rec.t[25] = rec_time(25);
	assert_true(app_timer(&app));
	check_shown(25, "15:00:00");
	assert_non_null(strstr(screen_line(2), "sample 26/26"));
	// Space pauses the following: no timer, and a new sample waits ...
	keys(" ");
	assert_true(app.paused);
	assert_false(timer_armed());
	assert_true(on_screen("PAUSED"));
	assert_null(strstr(screen_line(2), "following"));
	r->rec.count = 27;
	assert_false(app_timer(&app));
	check_shown(25, "15:00:00");
	// ... until Space again, which catches up at once.
	keys(" ");
	assert_false(app.paused);
	check_shown(26, "15:10:00");
	assert_true(timer_armed());
	// A move ends the following, and the timer with it.
	keys("[");
	check_shown(25, "15:00:00");
	assert_false(timer_armed());
	assert_null(strstr(screen_line(2), "following"));
	// Space when not following is End.
	keys(" ");
	check_shown(26, "15:10:00");
	assert_true(timer_armed());
	// d sets the poll of the following.
	keys("d");
	app_key(&app, KEY_BACKSPACE);
	keys("5\n");
	assert_true(app.interval_s == 5);
	assert_true(timer_armed());
}

static void test_braces_cross_a_gap(void **state)
{
	(void)state;
	keys("b13:10\n");
	check_shown(19, "13:10:00");
	keys("}");                       // nothing by 13:20: the next sample, an hour on
	check_shown(20, "14:10:00");
	keys("{");                       // 14:00: the last sample before it
	check_shown(19, "13:10:00");
}

static void test_the_time_prompt(void **state)
{
	(void)state;
	keys("b");
	assert_true(on_screen("Go to"));
	keys("-1h\n");
	check_shown(6, "11:00:00");
	keys("b12:30\n");
	check_shown(15, "12:30:00");
	keys("b+25m\n");                 // 12:55: the sample at or before it
	check_shown(17, "12:50:00");
	keys("b09:00\n");
	assert_non_null(strstr(app.message, "no sample at that time: the recording spans "
				  "2026-12-05 10:00:00 - 2026-12-05 14:50:00"));
	assert_true(on_screen("no sample at that time"));
	check_shown(17, "12:50:00");     // not moved
	keys("bnoon\n");
	assert_non_null(strstr(app.message, "expected a time"));
	keys("b");
	app_key(&app, KEY_ESC);          // cancelled: nothing moves
	check_shown(17, "12:50:00");
	assert_int_equal(app.list->prompt.kind, PROMPT_NONE);
}

static void test_signals_are_refused(void **state)
{
	(void)state;
	keys("k");
	assert_non_null(strstr(app.message, "no signals in a recording"));
	assert_int_equal(app.list->prompt.kind, PROMPT_NONE);
	assert_true(on_screen("no signals in a recording"));
	app_key(&app, KEY_F(9));
	assert_non_null(strstr(app.message, "no signals in a recording"));
	assert_int_equal(app.list->prompt.kind, PROMPT_NONE);
}

static void test_g_selects_the_first_process(void **state)
{
	struct listmodel *l = &app.list->list;

	(void)state;
	assert_int_equal(l->nrows, 2);
	app_key(&app, KEY_DOWN);
	assert_int_equal(l->sel, 1);
	keys("g");
	assert_int_equal(l->sel, 0);
	check_shown(12, "12:00:00");     // g does not move in time
}

static void test_help_lists_the_replay_keys(void **state)
{
	(void)state;
	keys("h");
	assert_ptr_equal(app.screen, &screen_help);
	assert_true(on_screen("replaying a recording"));
	assert_true(on_screen("previous / next recorded sample"));
	assert_true(on_screen("10 minutes back / on"));
	assert_true(on_screen("the first sample of the recording"));
	assert_true(on_screen("the newest sample, then follow it"));
	assert_true(on_screen("go to a time"));
	assert_true(on_screen("pause / resume following"));
	// Not the live meanings of the same keys.
	assert_false(on_screen("last process"));
	assert_false(on_screen("pause / resume sampling"));
	keys("x");
	assert_ptr_equal(app.screen, &screen_list);
	// The footer has the replay's keys, not Pause or Kill.
	assert_non_null(strstr(screen_line(LINES - 1), "[]Sample"));
	assert_non_null(strstr(screen_line(LINES - 1), "bTime"));
	assert_null(strstr(screen_line(LINES - 1), "Kill"));
	assert_null(strstr(screen_line(LINES - 1), "Pause"));
}

static void test_the_detail_view_says_there_are_no_mappings(void **state)
{
	struct detail *dt = screen_detail.state;

	(void)state;
	app_key(&app, '\n');             // the leaker: largest RSS first
	assert_ptr_equal(app.screen, &screen_detail);
	assert_int_equal(dt->pid, LEAKER);
	assert_true(on_screen("no mappings in a recording"));
	assert_true(on_screen("anonymous + swap, last"));   // its history still shows
	assert_true(dt->have_hist);
	assert_true(on_screen("leaker --grow"));            // the recorded command line
	assert_false(on_screen("state"));                   // not recorded
	// It moves in time too, and a move back starts the RSS graph again.
	app_key(&app, ']');
	assert_int_equal(dt->last.rss_kb, leaker_rss(13));
	assert_true(dt->rss_hist.tier[0].count > 0);      // ten minutes of buckets
	app_key(&app, '[');
	assert_int_equal(dt->last.rss_kb, leaker_rss(12));
	assert_int_equal(dt->rss_hist.tier[0].count, 0);    // started again
	assert_int_equal(dt->rss_hist.tier[0].open_sig, leaker_rss(12));
	app_key(&app, KEY_ESC);
	assert_ptr_equal(app.screen, &screen_list);
	// A process not running at the sample shown, then again.
	keys("b11:00\n");
	app_key(&app, KEY_DOWN);
	app_key(&app, '\n');
	assert_int_equal(dt->pid, LATE);
	app_key(&app, '{');               // 10:50: sample 5, still running
	assert_false(dt->exited);
	app_key(&app, '[');               // 10:40: not yet started
	assert_true(dt->exited);
	assert_true(on_screen("NOT RUNNING at this sample"));
	app_key(&app, ']');
	assert_false(dt->exited);
	assert_false(on_screen("NOT RUNNING"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_the_header_shows_the_recorded_sample, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_brackets_step_a_sample, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_home_end_and_following, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_braces_cross_a_gap, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_the_time_prompt, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_signals_are_refused, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_g_selects_the_first_process, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_help_lists_the_replay_keys, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_the_detail_view_says_there_are_no_mappings, rig_setup,
						rig_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
