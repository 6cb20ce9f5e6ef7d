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
#include "ui/view_cgroups.h"
#include "ui/view_detail.h"
#include "ui/view_help.h"
#include "ui/view_list.h"
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

// Whether some line of the screen holds s.
static bool screen_has(const char *s)
{
	char line[256];

	for (int y = 0; y < LINES; y++) {
		mvinnstr(y, 0, line, COLS < 255 ? COLS : 255);
		if (strstr(line, s))
			return true;
	}
	return false;
}

// m opens the memory view; it shows the parts, their total (MemTotal), a
// line on why the slab caches are missing (not root), fits a long mount
// point to its column on a wide and on the smallest terminal, and its keys
// go back.
static void test_memory_view(void **state)
{
	struct rig *r = *state;
	static struct mem_breakdown b;
	struct memory_screen *v = screen_memory.state;
	struct snapshot snap = r->m.snap;
	struct action a = press(r, 'm');
	char line[256];

	assert_int_equal(a.kind, ACTION_OPEN);
	assert_ptr_equal(a.screen, &screen_memory);
	screen_memory.enter(v, &r->c, &a);
	draw(r, &screen_memory);
	assert_true(screen_has("no breakdown yet"));
	b = (struct mem_breakdown){ .have_meminfo = true, .parts_read = true, .slab_err = -EACCES };
	b.mi = (struct meminfo_parts){ .total_kb = 8 << 20, .free_kb = 6 << 20, .anon_kb = 1 << 20,
				       .cached_kb = 512 << 10, .shmem_kb = 256 << 10 };
	b.tmpfs[0] = (struct tmpfs_part){ .minor = 40, .used_kb = 100 << 10 };
	memset(b.tmpfs[0].mount, 'x', sizeof b.tmpfs[0].mount - 1);
	b.tmpfs[0].mount[0] = '/';
	b.ntmpfs = b.tmpfs_seen = 1;
	b.tmpfs_used_kb = 100 << 10;
	snap.breakdown = &b;
	assert_int_equal(memmodel_update(&r->m.mem, &snap, &r->m.table), 0);
	screen_memory.tick(v, &r->c);
	draw(r, &screen_memory);
	assert_true(screen_has("Shmem"));
	assert_true(screen_has("  tmpfs mounts"));
	assert_true(screen_has("TREND"));
	assert_true(screen_has("Total (MemTotal)"));
	assert_true(screen_has("8.0G"));
	assert_true(screen_has("slab caches not shown: /proc/slabinfo is root's only"));
	// The mount point's row: cut in its column, its size still there.
	for (int y = 0; y < LINES; y++) {
		mvinnstr(y, 0, line, 80);
		if (strstr(line, "    /xxx"))
			assert_non_null(strstr(line, "100M"));
	}
	// The smallest terminal: TREND and GROWTH give way, SIZE and LEAK stay.
	resizeterm(SCREEN_MIN_LINES, SCREEN_MIN_COLS);
	draw(r, &screen_memory);
	mvinnstr(1, 0, line, SCREEN_MIN_COLS);
	assert_non_null(strstr(line, "SIZE"));
	assert_non_null(strstr(line, "LEAK"));
	assert_null(strstr(line, "TREND"));
	assert_true(screen_has("Total (MemTotal)"));
	resizeterm(24, 80);
	// Keys: moving, and back.
	assert_int_equal(screen_memory.key(v, &r->c, KEY_END).kind, ACTION_NONE);
	assert_int_equal(v->sel, v->nrows - 1);
	assert_int_equal(screen_memory.key(v, &r->c, KEY_HOME).kind, ACTION_NONE);
	assert_int_equal(v->sel, 0);
	screen_memory.key(v, &r->c, KEY_DOWN);
	assert_int_equal(v->sel, 1);
	draw(r, &screen_memory);
	assert_int_equal(screen_memory.key(v, &r->c, 'q').kind, ACTION_BACK);
	assert_int_equal(screen_memory.key(v, &r->c, 'm').kind, ACTION_BACK);
	assert_int_equal(screen_memory.key(v, &r->c, KEY_F(10)).kind, ACTION_QUIT);
	a = screen_memory.key(v, &r->c, 'h');
	assert_ptr_equal(a.screen, &screen_help);
	screen_memory.leave(v);
	screen_memory.free(v);
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
		cmocka_unit_test_setup_teardown(test_memory_view, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_tiny_terminal_gets_a_notice, rig_setup, rig_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
