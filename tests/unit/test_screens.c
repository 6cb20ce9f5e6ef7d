/* test_screens.c — the screens as values: keys change the screen's own
 * state or return an action for the loop, never call it. Driven on a
 * scripted model (script_source.h) with ncurses drawing to /dev/null at
 * 80x24, so every frame also runs under AddressSanitizer. */
#include "fixture.h"

#include <signal.h>

#include "model/columns.h"
#include "model/monitor.h"
#include "script_source.h"
#include "ui/screen.h"
#include "proc/sysfacts.h"
#include "ui/view_cgroups.h"
#include "ui/view_check.h"
#include "ui/view_detail.h"
#include "ui/view_help.h"
#include "ui/view_list.h"
#include "ui/view_oom.h"
#include "ui/view_memory.h"

struct rig {
	struct script sc;
	struct monitor m;
	struct ui ui;
	struct screen_ctx c;
	struct list_screen *ls;
	FILE *out, *in;
	SCREEN *term;
};

// 20 simulated minutes of the script (the leaker is suspected by then), an
// 80x24 terminal on /dev/null, and the list screen entered.
static int rig_setup(void **state)
{
	struct rig *r = calloc(1, sizeof *r);

	assert_non_null(r);
	monitor_open_source(&r->m, (struct source){ .ops = &script_ops, .impl = &r->sc }, LEAK_SENS_NORMAL);
	for (int i = 0; i < 600; i++)
		assert_int_equal(monitor_tick(&r->m), 0);
	r->out = fopen("/dev/null", "w");
	r->in = fopen("/dev/null", "r");
	assert_non_null(r->out);
	assert_non_null(r->in);
	use_env(FALSE);                 // the terminfo size, not the test runner's
	r->term = newterm("xterm", r->out, r->in);
	assert_non_null(r->term);
	assert_int_equal(LINES, 24);
	assert_int_equal(COLS, 80);
	r->c = (struct screen_ctx){ .ui = &r->ui, .mon = &r->m, .interval_s = 1, .message = "",
				    .trigger_desc = "PSI trigger off" };
	r->ls = screen_list.state;
	list_screen_init(r->ls, SORT_RSS, 0, COLUMNS_DEFAULT);
	screen_list.enter(r->ls, &r->c, NULL);
	*state = r;
	return 0;
}

static int rig_teardown(void **state)
{
	struct rig *r = *state;

	screen_list.free(r->ls);
	endwin();
	delscreen(r->term);
	fclose(r->out);
	fclose(r->in);
	monitor_close(&r->m);
	free(r);
	return 0;
}

static struct action press(struct rig *r, int ch)
{
	return screen_list.key(r->ls, &r->c, ch);
}

static void draw(struct rig *r, const struct screen *s)
{
	screen_draw(s, s->state, &r->c);
}

static void test_keys_for_the_loop_are_actions(void **state)
{
	struct rig *r = *state;
	struct action a;

	assert_int_equal(press(r, 'q').kind, ACTION_QUIT);
	assert_int_equal(press(r, KEY_F(10)).kind, ACTION_QUIT);
	assert_int_equal(press(r, ' ').kind, ACTION_PAUSE);
	assert_int_equal(press(r, 't').kind, ACTION_NEXT_THEME);
	assert_int_equal(press(r, 'W').kind, ACTION_WRITE_SETTINGS);
	a = press(r, 'h');
	assert_int_equal(a.kind, ACTION_OPEN);
	assert_ptr_equal(a.screen, &screen_help);
	assert_int_equal(press(r, 'x').kind, ACTION_NONE);         // not bound
}

static void test_sorting_and_filtering_stay_in_the_screen(void **state)
{
	struct rig *r = *state;
	struct listmodel *l = &r->ls->list;

	assert_int_equal(l->nrows, 2);
	assert_int_equal(press(r, 'N').kind, ACTION_NONE);
	assert_int_equal(l->key, SORT_PID);
	assert_int_equal(l->rows[0]->pid, LEAKER);
	press(r, 'I');
	assert_int_equal(l->rows[0]->pid, FLAT);
	press(r, 'L');                                          // suspects only
	assert_int_equal(l->nrows, 1);
	assert_int_equal(l->rows[0]->pid, LEAKER);
	press(r, 'L');
	assert_int_equal(l->nrows, 2);
	press(r, '/');
	for (const char *s = "fla"; *s; s++)
		assert_int_equal(press(r, *s).kind, ACTION_NONE);
	assert_int_equal(l->nrows, 1);                          // applied as typed
	assert_int_equal(l->rows[0]->pid, FLAT);
	draw(r, &screen_list);
	press(r, KEY_ESC);                                      // cancels: cleared
	assert_string_equal(l->filter, "");
	assert_int_equal(l->nrows, 2);
	// F6 opens the pick list over the list; Enter applies the key.
	press(r, KEY_F(6));
	assert_true(r->ls->picking);
	draw(r, &screen_list);
	press(r, KEY_DOWN);
	assert_int_equal(press(r, '\n').kind, ACTION_NONE);
	assert_false(r->ls->picking);
	assert_int_equal(l->key, SORT_PID + 1);
}

static void test_prompts_return_the_interval_and_the_signal(void **state)
{
	struct rig *r = *state;
	struct listmodel *l = &r->ls->list;
	struct action a;

	press(r, 'd');                          // "1" from the context's interval
	press(r, KEY_BACKSPACE);
	press(r, '2');
	press(r, '.');
	press(r, '5');
	draw(r, &screen_list);
	a = press(r, '\n');
	assert_int_equal(a.kind, ACTION_SET_INTERVAL);
	assert_true(a.interval_s == 2.5);
	press(r, 'd');
	press(r, 'x');
	a = press(r, '\n');
	assert_int_equal(a.kind, ACTION_MESSAGE);               // the parser's reason
	assert_true(a.message[0] != '\0');
	// k: the signal prompt names the selected process; Right picks KILL.
	r->c.readonly = true;
	a = press(r, 'k');
	assert_int_equal(a.kind, ACTION_MESSAGE);
	assert_non_null(strstr(a.message, "read-only"));
	r->c.readonly = false;
	assert_int_equal(press(r, 'k').kind, ACTION_NONE);
	draw(r, &screen_list);
	press(r, KEY_RIGHT);
	a = press(r, '\n');
	assert_int_equal(a.kind, ACTION_SEND_SIGNAL);
	assert_int_equal(a.sig, SIGKILL);
	assert_string_equal(a.sig_name, "KILL");
	assert_int_equal(a.pid, l->rows[l->sel]->pid);
	assert_int_equal(a.start_ticks, l->rows[l->sel]->start_ticks);
	press(r, 'k');
	assert_int_equal(press(r, KEY_ESC).kind, ACTION_NONE);  // cancelled: nothing sent
}

static void test_enter_opens_the_detail_view_of_the_row(void **state)
{
	struct rig *r = *state;
	struct listmodel *l = &r->ls->list;
	struct action a;
	struct detail *dt = screen_detail.state;

	press(r, KEY_DOWN);
	a = press(r, '\r');
	assert_int_equal(a.kind, ACTION_OPEN);
	assert_ptr_equal(a.screen, &screen_detail);
	assert_int_equal(a.pid, l->rows[1]->pid);
	assert_int_equal(a.start_ticks, l->rows[1]->start_ticks);
	// What the loop then does: enter, draw, keys, tick, leave.
	a.from = &screen_list;
	screen_detail.enter(dt, &r->c, &a);
	assert_int_equal(dt->pid, l->rows[1]->pid);
	draw(r, &screen_detail);
	assert_int_equal(screen_detail.key(dt, &r->c, 'g').kind, ACTION_NONE);
	assert_int_equal(screen_detail.key(dt, &r->c, 'c').kind, ACTION_NONE);
	draw(r, &screen_detail);
	assert_int_equal(monitor_tick(&r->m), 0);
	screen_detail.tick(dt, &r->c);
	draw(r, &screen_detail);
	assert_int_equal(screen_detail.key(dt, &r->c, 'c').kind, ACTION_NONE);
	assert_int_equal(screen_detail.key(dt, &r->c, KEY_ESC).kind, ACTION_BACK);
	screen_detail.leave(dt);
	screen_detail.free(dt);
}

static void test_help_lists_the_screen_it_came_from(void **state)
{
	struct rig *r = *state;
	struct action a = { .kind = ACTION_OPEN, .screen = &screen_help, .from = &screen_list };
	char line[81];

	screen_help.enter(screen_help.state, &r->c, &a);
	draw(r, &screen_help);
	// Line 2 is the list's first binding: "q F10" and what it does.
	mvinnstr(2, 0, line, 80);
	assert_non_null(strstr(line, "q F10"));
	assert_non_null(strstr(line, "quit"));
	assert_int_equal(screen_help.key(screen_help.state, &r->c, 'z').kind, ACTION_BACK);
}

// At 80x24 the list's help is longer than the screen: it says so and
// scrolls; its last line (the PSI trigger) comes into view, and Down
// past the end stays there.
static void test_help_scrolls(void **state)
{
	struct rig *r = *state;
	struct action a = { .kind = ACTION_OPEN, .screen = &screen_help, .from = &screen_list };
	char line[81];
	bool seen = false;

	screen_help.enter(screen_help.state, &r->c, &a);
	draw(r, &screen_help);
	mvinnstr(LINES - 1, 0, line, 80);
	assert_non_null(strstr(line, "scroll"));
	for (int y = 2; y < LINES - 2; y++) {
		mvinnstr(y, 0, line, 80);
		assert_null(strstr(line, "PSI trigger off"));
	}
	for (int i = 0; i < 200; i++)
		assert_int_equal(screen_help.key(screen_help.state, &r->c, KEY_DOWN).kind, ACTION_NONE);
	draw(r, &screen_help);
	for (int y = 2; y < LINES - 1; y++) {
		mvinnstr(y, 0, line, 80);
		seen |= strstr(line, "PSI trigger off") != NULL;
	}
	assert_true(seen);
	assert_int_equal(screen_help.key(screen_help.state, &r->c, KEY_PPAGE).kind, ACTION_NONE);
	assert_int_equal(screen_help.key(screen_help.state, &r->c, KEY_PPAGE).kind, ACTION_NONE);
	draw(r, &screen_help);
	mvinnstr(2, 0, line, 80);
	assert_non_null(strstr(line, "q F10"));           // back at the top
	assert_int_equal(screen_help.key(screen_help.state, &r->c, 'q').kind, ACTION_BACK);
}

// Live, the replay's keys do nothing and neither help nor the footer names
// them; Home and End select processes.
static void test_live_has_no_replay_keys(void **state)
{
	struct rig *r = *state;
	struct action a = { .kind = ACTION_OPEN, .screen = &screen_help, .from = &screen_list };
	char line[81];
	bool last = false;

	for (const char *k = "[]{}b"; *k; k++)
		assert_int_equal(press(r, *k).kind, ACTION_NONE);
	assert_int_equal(r->ls->prompt.kind, PROMPT_NONE);      // b opened no prompt
	press(r, KEY_END);
	assert_int_equal(r->ls->list.sel, r->ls->list.nrows - 1);
	press(r, KEY_HOME);
	assert_int_equal(r->ls->list.sel, 0);
	draw(r, &screen_list);
	mvinnstr(LINES - 1, 0, line, 80);
	assert_null(strstr(line, "Sample"));
	assert_non_null(strstr(line, "Pause"));
	mvinnstr(6, 0, line, 80);                               // no replay line: rows at 6
	assert_null(strstr(line, "PID"));
	screen_help.enter(screen_help.state, &r->c, &a);
	draw(r, &screen_help);
	for (int y = 0; y < LINES; y++) {
		mvinnstr(y, 0, line, 80);
		assert_null(strstr(line, "recorded sample"));
		assert_null(strstr(line, "recording"));
		last = last || strstr(line, "last process");
	}
	assert_true(last);
}

// S opens the cgroup view; coming back from its Enter limits the list to
// one cgroup (the status line says so) until Esc; coming back otherwise
// (help, detail, the view's q) leaves the limit as it is.
static void test_cgroup_view_limits_the_list(void **state)
{
	struct rig *r = *state;
	struct action a = press(r, 'S'), back = { .kind = ACTION_BACK };
	char line[81];

	assert_int_equal(a.kind, ACTION_OPEN);
	assert_ptr_equal(a.screen, &screen_cgroups);
	snprintf(back.cgroup, sizeof back.cgroup, "%s", SCRIPT_CGROUP);
	screen_list.enter(r->ls, &r->c, &back);
	assert_string_equal(r->ls->list.cgroup, SCRIPT_CGROUP);
	assert_int_equal(r->ls->list.nrows, 0);                 // the script's processes are in ""
	draw(r, &screen_list);
	mvinnstr(2, 0, line, 80);
	assert_non_null(strstr(line, "Cgroup: " SCRIPT_CGROUP " (0 shown)"));
	screen_list.enter(r->ls, &r->c, &(struct action){ .kind = ACTION_BACK });
	assert_string_equal(r->ls->list.cgroup, SCRIPT_CGROUP);
	press(r, KEY_ESC);
	assert_string_equal(r->ls->list.cgroup, "");
	assert_int_equal(r->ls->list.nrows, 2);
	draw(r, &screen_list);
	mvinnstr(2, 0, line, 80);
	assert_null(strstr(line, "Cgroup:"));
}

// Hands the monitor's OOM log n kills (pids 500 on, the last a memcg kill
// with a report), as if the source had reported them at this tick.
static void give_kills(struct rig *r, int n, int log_err, uint64_t counter)
{
	static uint64_t seq;              // each kill its own record
	struct oom_kill k[8] = { 0 };
	double now = r->m.snap.sys.mono_time;
	struct snapshot snap = { .sys = { .mono_time = now, .have_oom_kill = true, .oom_kill = counter,
					  .oom_log_err = log_err } };

	for (int i = 0; i < n; i++) {
		k[i] = (struct oom_kill){ .seq = ++seq, .pid = 500 + i, .mono_time = now - 120, .wall_time = 1.7e9,
					  .since_start = i > 0, .scope = OOM_SCOPE_GLOBAL, .anon_rss_kb = 1024 };
		snprintf(k[i].comm, sizeof k[i].comm, "victim%d", i);
	}
	struct oom_kill *m = &k[n - 1];

	m->scope = OOM_SCOPE_MEMCG;
	strcpy(m->oom_memcg, "/system.slice/hog.service");
	strcpy(m->comm, "a\\x1bb");             // as the sanitiser leaves an ESC
	m->have_trigger = true;
	strcpy(m->trigger_comm, "grower");
	strcpy(m->gfp_mask, "0xcc0(GFP_KERNEL)");
	m->have_memcg_usage = true;
	m->memcg_usage_kb = m->memcg_limit_kb = 98304;
	m->ntasks = 1;
	m->tasks_listed = 3;
	m->tasks[0] = (struct oom_task_row){ .pid = 500 + n - 1, .rss_kb = 90000 };
	strcpy(m->tasks[0].comm, "a\\x1bb");
	snap.oom_kills = k;
	snap.noom_kills = (size_t)n;
	oomlog_update(&r->m.oom, &snap, &r->m.cgroups, &r->m.sys);
}

// Whether some line of the screen holds text.
static bool screen_has(const char *text)
{
	char line[256];

	for (int y = 0; y < LINES; y++) {
		mvinnstr(y, 0, line, COLS < 255 ? COLS : 255);
		if (strstr(line, text))
			return true;
	}
	return false;
}

// The checkup panel's source: the script's, reading a fixture tree's facts.
static struct source_ops check_ops;
static unsigned fact_reads;

static int fixture_facts(void *impl, struct sysfacts *out)
{
	(void)impl;
	fact_reads++;
	return sysfacts_read(FIXTURES "/checkup/cgroup-v1", out);
}

static int denied_facts(void *impl, struct sysfacts *out)
{
	(void)impl, (void)out;
	return -EACCES;
}

// Whether any screen line between from and to holds needle.
static bool screen_has_in(int from, int to, const char *needle)
{
	char line[81];

	for (int y = from; y < to; y++) {
		mvinnstr(y, 0, line, 80);
		if (strstr(line, needle))
			return true;
	}
	return false;
}

static void test_oom_screen(void **state)
{
	struct rig *r = *state;
	struct oom_screen *v = screen_oom.state;
	struct action a = press(r, 'o');

	assert_int_equal(a.kind, ACTION_OPEN);
	assert_ptr_equal(a.screen, &screen_oom);
	// None yet: the list says so; the list screen's header has no kill line.
	screen_oom.enter(v, &r->c, &a);
	draw(r, &screen_oom);
	assert_true(screen_has("No OOM kill in the kernel log since boot."));
	draw(r, &screen_list);
	assert_false(screen_has("OOM kill"));
	// Three kills: newest first, the newest selected with its report below.
	give_kills(r, 3, 0, 3);
	draw(r, &screen_oom);
	char line[81];

	mvinnstr(3, 0, line, 80);
	assert_non_null(strstr(line, "*"));
	assert_non_null(strstr(line, "hog.service"));
	assert_non_null(strstr(line, "a\\x1bb"));            // once escaped, not twice
	assert_null(strstr(line, "a\\\\x1bb"));
	assert_non_null(strstr(line, " none"));               // the prediction, kept at 80 columns
	mvinnstr(2, 0, line, 80);
	assert_non_null(strstr(line, "PREDICTED"));
	assert_null(strstr(line, "TRIGGER"));                 // left to the report below
	assert_true(screen_has("Trigger: grower invoked the OOM killer: gfp_mask=0xcc0(GFP_KERNEL)"));
	assert_true(screen_has("Memory cgroup: usage 96M, limit 96M"));
	assert_true(screen_has("Largest tasks (1 of 3 listed)"));
	// memtop saw the script's processes, not this cgroup: no prediction.
	assert_true(screen_has("memtop made no prediction: no process of that scope was seen"));
	// Down selects the older kill; its report replaces the other.
	assert_int_equal(screen_oom.key(v, &r->c, KEY_DOWN).kind, ACTION_NONE);
	assert_int_equal(v->sel, 1);
	draw(r, &screen_oom);
	assert_true(screen_has("Killed: 501 victim1"));
	// A new kill above it: the selection stays on victim1.
	give_kills(r, 1, 0, 4);
	screen_oom.tick(v, &r->c);
	assert_int_equal(v->sel, 2);
	draw(r, &screen_oom);
	assert_true(screen_has("Killed: 501 victim1"));
	// End and Home, within the list.
	screen_oom.key(v, &r->c, KEY_END);
	assert_int_equal(v->sel, 3);
	screen_oom.key(v, &r->c, KEY_NPAGE);
	assert_int_equal(v->sel, 3);
	screen_oom.key(v, &r->c, KEY_HOME);
	assert_int_equal(v->sel, 0);
	// The list's header names the last kill, how long ago, its scope.
	draw(r, &screen_list);
	mvinnstr(5, 0, line, 80);
	assert_non_null(strstr(line, "OOM kill 2 min ago: a\\x1bb (500), anon 1.0M, hog.service"));
	// Tiny terminals: no crash, the notice or what fits.
	resizeterm(10, 40);
	draw(r, &screen_oom);
	resizeterm(12, 60);
	draw(r, &screen_oom);
	resizeterm(24, 80);
	assert_int_equal(screen_oom.key(v, &r->c, 'q').kind, ACTION_BACK);
	assert_int_equal(screen_oom.key(v, &r->c, KEY_ESC).kind, ACTION_BACK);
}

// The screen over a log filled past its ring (OOMLOG_MAX) many times: the
// selection follows its kill while it is kept, then stays on the oldest;
// every draw within the list.
static void test_oom_screen_wrapped(void **state)
{
	struct rig *r = *state;
	struct oom_screen *v = screen_oom.state;
	struct action a = press(r, 'o');

	screen_oom.enter(v, &r->c, &a);
	give_kills(r, 8, 0, 8);
	screen_oom.tick(v, &r->c);
	screen_oom.key(v, &r->c, KEY_DOWN);            // the second newest
	uint64_t seq = oomlog_get(&r->m.oom, v->sel)->kill.seq;

	for (int round = 0; round < 15; round++) {      // 120 more: still kept, followed
		give_kills(r, 8, 0, 16 + 8 * (uint64_t)round);
		screen_oom.tick(v, &r->c);
		assert_int_equal(oomlog_get(&r->m.oom, v->sel)->kill.seq, seq);
		draw(r, &screen_oom);
	}
	for (int round = 0; round < 60; round++) {      // far past the ring: the oldest kept
		give_kills(r, 8, 0, 200 + 8 * (uint64_t)round);
		screen_oom.tick(v, &r->c);
		assert_int_equal(r->m.oom.count, OOMLOG_MAX);
		assert_true(v->sel < r->m.oom.count);
		draw(r, &screen_oom);
	}
	assert_int_equal(v->sel, OOMLOG_MAX - 1);
	assert_true(r->m.oom.dropped > 0);
	assert_true(screen_has("(older kills dropped)"));
	screen_oom.key(v, &r->c, KEY_HOME);
	assert_int_equal(v->sel, 0);
	screen_oom.key(v, &r->c, KEY_END);
	assert_int_equal(v->sel, OOMLOG_MAX - 1);
	draw(r, &screen_oom);
}

static void test_oom_screen_not_root(void **state)
{
	struct rig *r = *state;
	struct oom_screen *v = screen_oom.state;
	struct snapshot snap = { .sys = { .have_oom_kill = true, .oom_kill = 3, .oom_log_err = -EPERM } };

	oomlog_update(&r->m.oom, &snap, NULL, NULL);
	screen_oom.enter(v, &r->c, &(struct action){ .kind = ACTION_OPEN });
	draw(r, &screen_oom);
	assert_true(screen_has("Since boot: 3 (counter)"));
	assert_true(screen_has("log: needs root"));
	assert_true(screen_has("The kills' details need root"));
	draw(r, &screen_list);
	char line[81];

	mvinnstr(5, 0, line, 80);
	assert_non_null(strstr(line, "3 OOM kills since boot (details: need root)"));
	// The header grew by the line: the table starts one lower.
	assert_int_equal(r->ls->table.header_y, 6);
}

// R opens the checkup panel. Over a source that cannot read the machine (the
// script, as a recording) it says so; over one that can, it shows each
// finding with why, fix and evidence, read when entered and on R, never on
// a tick; it scrolls, and Esc, q or Backspace go back.
static void test_checkup_panel(void **state)
{
	struct rig *r = *state;
	struct action a = press(r, 'R');
	struct check_screen *v = screen_check.state;

	assert_int_equal(a.kind, ACTION_OPEN);
	assert_ptr_equal(a.screen, &screen_check);
	screen_check.enter(v, &r->c, &a);
	assert_int_equal(v->err, -ENOTSUP);
	draw(r, &screen_check);
	assert_true(screen_has_in(1, LINES, "A recording has no machine settings to check"));
	assert_int_equal(screen_check.key(v, &r->c, KEY_ESC).kind, ACTION_BACK);

	check_ops = script_ops;
	check_ops.read_sysfacts = fixture_facts;
	r->m.source.ops = &check_ops;
	fact_reads = 0;
	screen_check.enter(v, &r->c, &a);
	assert_int_equal(fact_reads, 1);
	assert_int_equal(v->err, 0);
	assert_int_equal(v->result->nfindings, 2);
	draw(r, &screen_check);
	assert_true(screen_has_in(0, 1, "checkup: 2 findings, 0 not checked"));
	assert_true(screen_has_in(1, 2, " WARN     Containers without a memory limit"));
	assert_true(screen_has_in(2, 3, "unlimited-containers"));
	assert_true(screen_has_in(3, 4, "   Why    A container without a memory limit"));
	assert_true(screen_has_in(4, LINES - 1, "   Fix    Give each container a limit"));
	assert_true(screen_has_in(4, LINES - 1, "   Seen   /docker/fedcba9876543210"));
	// No tick re-reads it (the panel has no tick); R does.
	assert_null(screen_check.tick);
	assert_int_equal(monitor_tick(&r->m), 0);
	assert_int_equal(fact_reads, 1);
	assert_int_equal(screen_check.key(v, &r->c, 'R').kind, ACTION_NONE);
	assert_int_equal(fact_reads, 2);
	// At 80x12 it scrolls: End shows the last finding's evidence, Home the top.
	resizeterm(12, 80);
	draw(r, &screen_check);
	assert_true(screen_has_in(LINES - 1, LINES, "scroll"));
	assert_false(screen_has_in(1, LINES - 1, "leaky.service"));
	assert_int_equal(screen_check.key(v, &r->c, KEY_END).kind, ACTION_NONE);
	draw(r, &screen_check);
	assert_true(screen_has_in(1, LINES - 1, "leaky.service"));
	assert_false(screen_has_in(1, LINES - 1, "WARN"));
	assert_int_equal(screen_check.key(v, &r->c, KEY_HOME).kind, ACTION_NONE);
	draw(r, &screen_check);
	assert_true(screen_has_in(1, 2, "WARN"));
	for (int i = 0; i < 100; i++)
		screen_check.key(v, &r->c, KEY_DOWN);
	draw(r, &screen_check);                                 // kept within the lines
	assert_true(screen_has_in(1, LINES - 1, "leaky.service"));
	resizeterm(24, 80);
	// Wrapped at spaces to the width, every line within it.
	for (int cols = 20; cols <= 120; cols += 7) {
		check_screen_layout(v, cols, false);
		for (size_t i = 0; i < v->nlines; i++)
			assert_true(v->lines[i].indent + (int)v->lines[i].len <= (cols < 18 ? 18 : cols));
	}
	assert_int_equal(screen_check.key(v, &r->c, 'q').kind, ACTION_BACK);
	assert_int_equal(screen_check.key(v, &r->c, 127).kind, ACTION_BACK);
	// A source that fails says why.
	check_ops.read_sysfacts = denied_facts;
	screen_check.enter(v, &r->c, &a);
	draw(r, &screen_check);
	assert_true(screen_has_in(1, LINES, "The settings could not be read: Permission denied."));
	r->m.source.ops = &script_ops;
	screen_check.free(v);
}

static void test_tiny_terminal_gets_a_notice(void **state)
{
	struct rig *r = *state;
	char line[41];

	resizeterm(8, 30);
	draw(r, &screen_list);
	mvinnstr(4, 0, line, 30);
	assert_non_null(strstr(line, "terminal too small"));
	resizeterm(24, 80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keys_for_the_loop_are_actions, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_sorting_and_filtering_stay_in_the_screen, rig_setup,
						rig_teardown),
		cmocka_unit_test_setup_teardown(test_prompts_return_the_interval_and_the_signal, rig_setup,
						rig_teardown),
		cmocka_unit_test_setup_teardown(test_enter_opens_the_detail_view_of_the_row, rig_setup,
						rig_teardown),
		cmocka_unit_test_setup_teardown(test_help_scrolls, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_help_lists_the_screen_it_came_from, rig_setup,
						rig_teardown),
		cmocka_unit_test_setup_teardown(test_live_has_no_replay_keys, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_view_limits_the_list, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_checkup_panel, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_tiny_terminal_gets_a_notice, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_oom_screen, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_oom_screen_not_root, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_oom_screen_wrapped, rig_setup, rig_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
