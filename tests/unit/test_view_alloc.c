/* test_view_alloc.c — the allocation-sites screen (a in the detail view,
 * issue 22): attaching on enter, reading on each tick, detaching on
 * leaving (not for its help); what it draws of a session that is on,
 * failed or ended; the table's selection across readings and at its
 * bounds; terminals from 20x5 to 200x50. Driven over the script source
 * (script_source.h) with scripted alloc_attach/read/detach calls, ncurses
 * drawing to /dev/null, the screen read back with mvinnstr. */
#include "fixture.h"

#include <inttypes.h>

#include "model/monitor.h"
#include "script_source.h"
#include "ui/screen.h"
#include "ui/view_alloc.h"
#include "ui/view_detail.h"
#include "ui/view_help.h"

#define NSTACKS 600                 // more than ALLOCSITES_MAX_ROWS

// The scripted allocation-sites side of the source.
struct alloc_script {
	int attaches, reads, detaches;
	bool attached;
	int attach_rc;                  // < 0: attaching fails with why
	const char *why;
	struct alloc_snapshot snap;     // what the next read hands up
	struct alloc_site sites[NSTACKS];
	struct alloc_stack stacks[NSTACKS];
	struct alloc_frame frames[NSTACKS][3];
	char funcs[NSTACKS][32];
	struct alloc_options opt;       // as attached
};

static struct alloc_script as;

static int fake_attach(void *impl, int pid, uint64_t start_ticks, const struct alloc_options *opt, char *why,
		       size_t whylen)
{
	(void)impl, (void)start_ticks;
	as.attaches++;
	as.opt = *opt;
	if (as.attach_rc < 0) {
		snprintf(why, whylen, "%s", as.why);
		return as.attach_rc;
	}
	as.attached = true;
	as.snap.pid = pid;
	as.snap.sample_every = opt->sample_every;
	as.snap.min_size = opt->min_size;
	return 0;
}

static int fake_read(void *impl, struct alloc_snapshot *out)
{
	(void)impl;
	if (!as.attached)
		return -ENODEV;
	as.reads++;
	*out = as.snap;
	return 0;
}

static void fake_detach(void *impl)
{
	(void)impl;
	if (as.attached)
		as.detaches++;
	as.attached = false;
}

static struct source_ops alloc_ops;

// Stack i: leaf_i+0x10 in /usr/bin/app under strdup in libc and operator
// new in libstdc++ (the wrappers the site column skips), id 100 + i.
static void make_stacks(void)
{
	for (int i = 0; i < NSTACKS; i++) {
		snprintf(as.funcs[i], sizeof as.funcs[i], "leaf_%d", i);
		as.frames[i][0] = (struct alloc_frame){ .ip = 0x7f0001, .offset = 0x21, .func = "__strdup",
							.file = "/usr/lib/x86_64-linux-gnu/libc.so.6" };
		as.frames[i][1] = (struct alloc_frame){ .ip = 0x7f0002, .offset = 0x1c, .func = "_Znwm",
							.file = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6" };
		as.frames[i][2] = (struct alloc_frame){ .ip = 0x5500 + (uint64_t)i, .offset = 0x10,
							.func = as.funcs[i], .file = "/usr/bin/app" };
		as.stacks[i] = (struct alloc_stack){ .id = 100 + i, .depth = 3, .frames = as.frames[i] };
	}
}

// n sites, site i with (n - i) KiB outstanding in (i + 1) allocations, at t.
static void give_sites(size_t n, double t)
{
	for (size_t i = 0; i < n; i++)
		as.sites[i] = (struct alloc_site){ .stack = &as.stacks[i], .bytes = (n - i) * 1024,
						   .count = i + 1, .oldest_age_s = 30 };
	as.snap.sites = as.sites;
	as.snap.nsites = n;
	as.snap.t = t;
}

struct rig {
	struct script sc;
	struct monitor m;
	struct ui ui;
	struct screen_ctx c;
	struct alloc_options opt;
	struct alloc_screen *v;
	FILE *out, *in;
	SCREEN *term;
};

static int rig_setup(void **state)
{
	struct rig *r = calloc(1, sizeof *r);

	assert_non_null(r);
	memset(&as, 0, sizeof as);
	make_stacks();
	as.snap = (struct alloc_snapshot){ .attached_t = 1000, .t = 1000, .sample_every = 1,
					   .allocator = "glibc malloc (libc.so.6)" };
	alloc_ops = script_ops;
	alloc_ops.alloc_attach = fake_attach;
	alloc_ops.alloc_read = fake_read;
	alloc_ops.alloc_detach = fake_detach;
	monitor_open_source(&r->m, (struct source){ .ops = &alloc_ops, .impl = &r->sc }, LEAK_SENS_NORMAL);
	for (int i = 0; i < 3; i++)
		assert_int_equal(monitor_tick(&r->m), 0);
	r->out = fopen("/dev/null", "w");
	r->in = fopen("/dev/null", "r");
	assert_non_null(r->out);
	assert_non_null(r->in);
	use_env(FALSE);
	r->term = newterm("xterm", r->out, r->in);
	assert_non_null(r->term);
	r->opt = (struct alloc_options){ .sample_every = 1 };
	r->c = (struct screen_ctx){ .ui = &r->ui, .mon = &r->m, .interval_s = 1, .message = "",
				    .trigger_desc = "PSI trigger off", .alloc_opts = &r->opt, .alloc_limit_s = 300 };
	r->v = screen_alloc.state;
	*state = r;
	return 0;
}

static int rig_teardown(void **state)
{
	struct rig *r = *state;

	endwin();
	delscreen(r->term);
	fclose(r->out);
	fclose(r->in);
	monitor_close(&r->m);
	assert_false(as.attached);          // closing the monitor detaches too
	free(r);
	return 0;
}

static void draw(struct rig *r)
{
	screen_draw(&screen_alloc, r->v, &r->c);
}

static struct action press(struct rig *r, int ch)
{
	return screen_alloc.key(r->v, &r->c, ch);
}

// The loop's part: enter from the detail view of the leaker.
static void open_from_detail(struct rig *r)
{
	struct action a = { .kind = ACTION_OPEN, .screen = &screen_alloc, .from = &screen_detail, .pid = LEAKER,
			    .start_ticks = 5 };

	screen_alloc.enter(r->v, &r->c, &a);
}

// Screen line y (up to 200 columns).
static const char *line_at(int y)
{
	static char line[201];

	mvinnstr(y, 0, line, COLS < 200 ? COLS : 200);
	return line;
}

// Prints the screen (on a failure, to see it).
static void dump(void)
{
	for (int y = 0; y < LINES; y++)
		print_message("%2d|%s|\n", y, line_at(y));
}

// Fails with the screen shown unless line y holds needle.
#define assert_line(y, needle) do { if (!strstr(line_at(y), needle)) { dump(); fail_msg("line %d lacks \"%s\"", \
	(int)(y), needle); } } while (0)

static bool screen_has(const char *needle)
{
	for (int y = 0; y < LINES; y++)
		if (strstr(line_at(y), needle))
			return true;
	return false;
}

// The screen row that shows site leaf_i, or -1.
static int row_of(int i)
{
	char want[48];

	snprintf(want, sizeof want, "leaf_%d+0x10 (app)", i);
	for (int y = 0; y < LINES; y++)
		if (strstr(line_at(y), want))
			return y;
	return -1;
}

// a in the detail view opens the screen for its process; entering
// attaches with the options given; leaving detaches, help does not.
static void test_attach_and_detach(void **state)
{
	struct rig *r = *state;
	struct detail *dt = screen_detail.state;
	struct action a = { .kind = ACTION_OPEN, .screen = &screen_detail, .from = NULL, .pid = LEAKER,
			    .start_ticks = 5 };

	screen_detail.enter(dt, &r->c, &a);
	a = screen_detail.key(dt, &r->c, 'a');
	assert_int_equal(a.kind, ACTION_OPEN);
	assert_ptr_equal(a.screen, &screen_alloc);
	assert_int_equal(a.pid, LEAKER);
	assert_int_equal(a.start_ticks, 5);
	screen_draw(&screen_detail, dt, &r->c);
	assert_true(screen_has("a alloc sites"));
	screen_detail.leave(dt);
	screen_detail.free(dt);

	r->opt = (struct alloc_options){ .sample_every = 16, .min_size = 4096 };
	a.from = &screen_detail;
	screen_alloc.enter(r->v, &r->c, &a);
	assert_int_equal(as.attaches, 1);
	assert_int_equal(as.opt.sample_every, 16);
	assert_int_equal(as.opt.min_size, 4096);
	assert_int_equal(r->m.alloc.state, ALLOCSITES_ON);
	assert_int_equal(r->m.alloc.limit_s, 300);
	// Empty: on, no rows.
	draw(r);
	assert_line(0, "Allocation sites of 100 leaker - attached 0s, detaches in 5m00s");
	assert_line(1, "glibc malloc (libc.so.6): tracking 1 in 16 allocations >= 4K: estimates");
	resizeterm(24, 120);                                   // wide enough: the allocator in the title
	draw(r);
	assert_line(0, "Allocation sites of 100 leaker - glibc malloc (libc.so.6) - attached 0s, detaches in 5m00s");
	assert_line(1, "Tracking 1 in 16 allocations >= 4K");
	resizeterm(24, 80);
	draw(r);
	assert_true(screen_has("No outstanding allocation tracked yet."));
	assert_true(screen_has("Outstanding 0B in 0 allocations over 0 stacks"));
	// Each tick reads once.
	int reads = as.reads;

	screen_alloc.tick(r->v, &r->c);
	screen_alloc.tick(r->v, &r->c);
	assert_int_equal(as.reads, reads + 2);
	// Help keeps the session: its leave does not detach, its return (no pid)
	// does not attach again.
	a = press(r, 'h');
	assert_int_equal(a.kind, ACTION_OPEN);
	assert_ptr_equal(a.screen, &screen_help);
	screen_alloc.leave(r->v);
	assert_int_equal(as.detaches, 0);
	assert_true(as.attached);
	a.from = &screen_alloc;
	screen_help.enter(screen_help.state, &r->c, &a);
	screen_draw(&screen_help, screen_help.state, &r->c);
	assert_true(screen_has("detach and go back to the detail view"));
	a = screen_help.key(screen_help.state, &r->c, 'x');
	assert_int_equal(a.kind, ACTION_OPEN);
	assert_ptr_equal(a.screen, &screen_alloc);
	a.from = &screen_help;
	screen_alloc.enter(r->v, &r->c, &a);
	assert_int_equal(as.attaches, 1);
	assert_int_equal(r->m.alloc.state, ALLOCSITES_ON);
	// a, q, Esc, Left go back to the detail view of the process; leaving detaches.
	static const int backs[] = { 'a', 'q', KEY_ESC, KEY_LEFT, KEY_BACKSPACE };

	for (size_t i = 0; i < sizeof backs / sizeof *backs; i++) {
		a = press(r, backs[i]);
		assert_int_equal(a.kind, ACTION_OPEN);
		assert_ptr_equal(a.screen, &screen_detail);
		assert_int_equal(a.pid, LEAKER);
		assert_int_equal(a.start_ticks, 5);
	}
	screen_alloc.leave(r->v);
	assert_int_equal(as.detaches, 1);
	assert_false(as.attached);
	assert_int_equal(r->m.alloc.state, ALLOCSITES_ENDED);
	assert_int_equal(press(r, KEY_F(10)).kind, ACTION_QUIT);
}

// A failed attach: its line, no table, nothing attached; the footer
// still says how to go back.
static void test_failed_attach(void **state)
{
	struct rig *r = *state;

	as.attach_rc = -EPERM;
	as.why = "allocation sites need root (uprobes): run memtop as root";
	open_from_detail(r);
	assert_int_equal(r->m.alloc.state, ALLOCSITES_FAILED);
	assert_false(as.attached);
	draw(r);
	assert_line(3, "Not attached: allocation sites need root (uprobes)");
	assert_false(screen_has("BYTES"));
	assert_false(screen_has("racking"));                 // nothing was tracked
	assert_false(screen_has("Outstanding"));
	assert_true(screen_has("back (detaches)"));
	assert_null(strstr(line_at(0), "attached"));
	screen_alloc.tick(r->v, &r->c);
	assert_int_equal(as.reads, 0);
	assert_int_equal(press(r, KEY_DOWN).kind, ACTION_NONE);
	assert_int_equal(r->v->sel, 0);
	draw(r);
	screen_alloc.leave(r->v);
	assert_int_equal(as.detaches, 0);
	// A recording (no alloc_attach): the line that it needs a live process.
	r->m.source.ops = &script_ops;
	open_from_detail(r);
	draw(r);
	assert_line(3, "Not attached: allocation sites need a live process");
	screen_alloc.leave(r->v);
	r->m.source.ops = &alloc_ops;
}

// Sites: the columns, the wrappers skipped, the selected stack below; the
// selection follows its stack as the rows are sorted again, and stays
// within them when they shrink.
static void test_rows_and_selection(void **state)
{
	struct rig *r = *state;

	give_sites(3, 1000);
	open_from_detail(r);
	assert_int_equal(r->m.alloc.nrows, 3);
	draw(r);
	assert_line(4, "  BYTES  COUNT OLDEST  GROWTH       RATE LEAK  SITE");
	assert_int_equal(row_of(0), 5);
	assert_line(5, "     3K      1    30s ");
	assert_int_equal(row_of(2), 7);
	// The stack pane: every frame with its file, the site marked.
	assert_true(screen_has("Stack of the selected site (3 frames"));
	assert_true(screen_has("  0 __strdup+0x21  /usr/lib/x86_64-linux-gnu/libc.so.6"));
	assert_true(screen_has("  1 _Znwm+0x1c  /usr/lib/x86_64-linux-gnu/libstdc++.so.6"));
	assert_true(screen_has(">  2 leaf_0+0x10  /usr/bin/app"));
	// Not moved yet: the top row stays selected whatever comes on top.
	as.sites[0].bytes = 1;
	as.snap.t = 1001;
	screen_alloc.tick(r->v, &r->c);
	assert_ptr_equal(r->m.alloc.rows[0].stack, &as.stacks[1]);
	assert_int_equal(r->v->sel, 0);
	as.sites[0].bytes = 3 * 1024;
	screen_alloc.tick(r->v, &r->c);
	assert_ptr_equal(r->m.alloc.rows[0].stack, &as.stacks[0]);
	assert_int_equal(r->v->sel, 0);
	// Select leaf_1; the next reading puts it last: the selection follows.
	press(r, KEY_DOWN);
	assert_int_equal(r->v->sel, 1);
	as.sites[1].bytes = 10;
	as.snap.t = 1002;
	screen_alloc.tick(r->v, &r->c);
	assert_ptr_equal(r->m.alloc.rows[2].stack, &as.stacks[1]);
	assert_int_equal(r->v->sel, 2);
	draw(r);
	assert_true(screen_has(">  2 leaf_1+0x10  /usr/bin/app"));
	// Down at the end stays; the rows shrink to one (leaf_1 gone): within them.
	press(r, KEY_DOWN);
	assert_int_equal(r->v->sel, 2);
	give_sites(1, 1004);
	screen_alloc.tick(r->v, &r->c);
	assert_int_equal(r->v->sel, 0);
	draw(r);
	assert_true(screen_has(">  2 leaf_0+0x10  /usr/bin/app"));
	// None: the selection at 0, an empty pane.
	give_sites(0, 1006);
	screen_alloc.tick(r->v, &r->c);
	assert_int_equal(r->v->sel, 0);
	draw(r);
	assert_true(screen_has("No outstanding allocation tracked yet."));
	assert_false(screen_has("Stack of"));
	press(r, KEY_END);
	press(r, KEY_NPAGE);
	assert_int_equal(r->v->sel, 0);
	screen_alloc.leave(r->v);
}

// A full table (more sites than ALLOCSITES_MAX_ROWS): End selects the last
// row kept and shows it; Home, PgUp, PgDn within them; Enter the whole stack.
static void test_full_table(void **state)
{
	struct rig *r = *state;
	int page;

	give_sites(NSTACKS, 1000);
	open_from_detail(r);
	assert_int_equal(r->m.alloc.nrows, ALLOCSITES_MAX_ROWS);
	draw(r);
	assert_true(screen_has("over 600 stacks"));
	press(r, KEY_END);
	assert_int_equal(r->v->sel, ALLOCSITES_MAX_ROWS - 1);
	draw(r);
	int y = row_of(ALLOCSITES_MAX_ROWS - 1);

	assert_true(y > 4 && y < LINES - 1);
	assert_int_equal(row_of(0), -1);
	press(r, KEY_DOWN);
	assert_int_equal(r->v->sel, ALLOCSITES_MAX_ROWS - 1);
	press(r, KEY_NPAGE);
	assert_int_equal(r->v->sel, ALLOCSITES_MAX_ROWS - 1);
	press(r, KEY_PPAGE);
	page = ALLOCSITES_MAX_ROWS - 1 - (int)r->v->sel;
	assert_true(page >= 3 && page < LINES);
	draw(r);
	assert_true(row_of((int)r->v->sel) > 4);
	press(r, KEY_HOME);
	assert_int_equal(r->v->sel, 0);
	press(r, KEY_UP);
	assert_int_equal(r->v->sel, 0);
	draw(r);
	assert_int_equal(row_of(0), 5);
	// Many readings, re-sorted each time: the selection stays on its stack.
	press(r, KEY_DOWN);
	press(r, KEY_DOWN);
	for (int k = 0; k < 20; k++) {
		as.sites[2].bytes = (uint64_t)(k % 2 ? 200 : NSTACKS + 10) * 1024;
		as.snap.t = 1000 + k;
		screen_alloc.tick(r->v, &r->c);
		assert_ptr_equal(r->m.alloc.rows[r->v->sel].stack, &as.stacks[2]);
		draw(r);
	}
	// Enter: the whole stack over the table, and back.
	assert_int_equal(press(r, '\n').kind, ACTION_NONE);
	assert_true(r->v->full_stack);
	draw(r);
	assert_false(screen_has("BYTES"));
	assert_true(screen_has(">  2 leaf_2+0x10  /usr/bin/app"));
	press(r, '\n');
	draw(r);
	assert_true(screen_has("BYTES"));
	screen_alloc.leave(r->v);
}

// The target exits: the session ends with its line, the rows stay (their
// numbers), the probes are gone; so for the time limit.
static void test_ended_keeps_rows(void **state)
{
	struct rig *r = *state;

	give_sites(3, 1000);
	open_from_detail(r);
	as.snap.end = ALLOC_END_EXITED;
	snprintf(as.snap.end_why, sizeof as.snap.end_why, "the process exited");
	as.snap.t = 1010;
	screen_alloc.tick(r->v, &r->c);
	assert_int_equal(r->m.alloc.state, ALLOCSITES_ENDED);
	assert_int_equal(as.detaches, 1);
	draw(r);
	assert_line(3, "Ended: the process exited; the last reading is shown.");
	assert_line(0, "attached 10s, detached");
	assert_line(5, "     3K      1    30s ");
	assert_line(7, "     1K      3    30s ");
	int reads = as.reads;

	screen_alloc.tick(r->v, &r->c);            // no more readings
	assert_int_equal(as.reads, reads);
	press(r, KEY_END);
	assert_int_equal(r->v->sel, 2);
	draw(r);
	screen_alloc.leave(r->v);
	assert_int_equal(as.detaches, 1);

	// The time limit: attached 1000, limit 300, read at 1300.
	memset(&as.snap.end_why, 0, sizeof as.snap.end_why);
	as.snap.end = ALLOC_RUNNING;
	as.snap.t = 1000;
	open_from_detail(r);
	as.snap.t = 1072;
	screen_alloc.tick(r->v, &r->c);
	draw(r);
	assert_line(0, "attached 1m12s, detaches in 3m48s");
	as.snap.t = 1300;
	screen_alloc.tick(r->v, &r->c);
	assert_int_equal(r->m.alloc.state, ALLOCSITES_ENDED);
	assert_int_equal(as.detaches, 2);
	draw(r);
	assert_line(3, "Ended: time limit reached");
	assert_int_equal(r->m.alloc.nrows, 3);
	screen_alloc.leave(r->v);
}

// Sampling, losses, a stripped executable, numbers at their limits, a long
// hostile (already sanitised) frame name: cut to the width, never wrapped.
static void test_hand_filled_session(void **state)
{
	struct rig *r = *state;
	struct allocsites *a = &r->m.alloc;
	static char longname[600];
	struct alloc_frame frames[2];
	struct alloc_stack st[3];

	memset(longname, 'x', sizeof longname - 1);
	memcpy(longname, "evil\\x1b[2J\\u202e", 17);
	frames[0] = (struct alloc_frame){ .offset = 0x42, .func = longname, .file = "/opt/p" };
	frames[1] = (struct alloc_frame){ .offset = 0x1234, .func = NULL, .file = "/opt/stripped" };
	st[0] = (struct alloc_stack){ .id = 1, .depth = 1, .frames = &frames[0] };
	st[1] = (struct alloc_stack){ .id = 2, .depth = 1, .frames = &frames[1] };
	st[2] = (struct alloc_stack){ .id = -1, .depth = 0, .frames = NULL };     // the lost ones
	r->v->pid = 4242;
	snprintf(r->v->comm, sizeof r->v->comm, "svc");
	r->v->back = &screen_detail;
	allocsites_free(a);
	*a = (struct allocsites){ .state = ALLOCSITES_ON, .pid = 4242, .attached_t = 0, .t = 3700, .limit_s = 0,
				  .total_bytes = UINT64_MAX, .total_count = UINT64_MAX, .nsites = 3 };
	a->last = (struct alloc_snapshot){ .sample_every = 100, .min_size = 4096, .allocs = UINT64_MAX,
					   .frees = 12345678, .untracked_full = 77, .stacks_lost = 3,
					   .exe_stripped = true, .allocator = "glibc malloc (libc.so.6)" };
	a->rows = calloc(3, sizeof *a->rows);
	assert_non_null(a->rows);
	a->rows[0] = (struct allocsite_row){ .stack = &st[0], .bytes = UINT64_MAX, .count = UINT64_MAX,
					     .oldest_age_s = 1e12, .growth_bytes = INT64_MIN, .rate_bytes_s = 1e300,
					     .judged = true, .suspect = true, .score = 0.87 };
	a->rows[1] = (struct allocsite_row){ .stack = &st[1], .bytes = 100, .count = 1, .oldest_age_s = -1,
					     .growth_bytes = 100, .rate_bytes_s = 2.0, .judged = true };
	a->rows[2] = (struct allocsite_row){ .stack = &st[2], .bytes = 4096, .count = 3, .oldest_age_s = 5 };
	a->nrows = 3;
	draw(r);
	assert_line(0, "Allocation sites of 4242 svc - glibc malloc (libc.so.6) - attached 1h01m");
	assert_null(strstr(line_at(0), "detaches"));           // no limit
	assert_line(1, "Tracking 1 in 100 allocations >= 4K: estimates");
	assert_line(2, "Outstanding 16E in 18E allocations over 3 stacks;  seen: 18E allocs, 12M frees");
	assert_line(3, "table full: 77 not tracked  3 without a stack  executable stripped");
	// Row 0 at its limits; the LEAK mark as the process list's; the name cut.
	assert_line(5, "    16E    18E");
	assert_line(5, "-8.0E");
	assert_line(5, "^87%");
	assert_line(5, "evil\\x1b[2J\\u202exxx");
	assert_int_equal((int)strlen(line_at(5)), 80);
	assert_line(6, "  100B      1      ? ");
	assert_line(6, "+100B");
	assert_line(6, "+120B/min");
	assert_line(6, "stripped+0x1234");
	assert_false(screen_has("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx+0x42"));   // never wrapped onto a line
	assert_null(strstr(line_at(6), "xxxx"));              // the next row is its own
	assert_line(7, "(no stack: lost)");
	// The pane of a stripped frame: "file+0xoff" with the path.
	press(r, KEY_DOWN);
	draw(r);
	assert_true(screen_has(">  0 /opt/stripped+0x1234"));
	// The lost stacks' row: its pane says so.
	press(r, KEY_DOWN);
	draw(r);
	assert_true(screen_has("Stack: lost (the stack table was full or the walk failed)"));
	press(r, KEY_UP);
	// Wider and narrower terminals, and tiny ones: no crash, the notice.
	static const int sizes[][2] = { { 50, 200 }, { 24, 80 }, { 10, 40 }, { 12, 60 }, { 5, 20 }, { 1, 1 } };

	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		resizeterm(sizes[i][0], sizes[i][1]);
		draw(r);
		press(r, '\n');
		draw(r);
		press(r, '\n');
		if (LINES >= 10 && COLS >= 40)
			assert_true(screen_has("Allocation sites of 4242"));
	}
	resizeterm(5, 20);
	draw(r);
	assert_true(screen_has("terminal too small"));
	resizeterm(50, 200);
	draw(r);
	assert_true(screen_has("table full: 77 not tracked  3 without a stack  executable stripped: its frames are "
			       "offsets"));
	resizeterm(24, 80);
	// An ended session whose stacks could not be kept (the model's copy
	// failed): the rows say so, no pane.
	a->state = ALLOCSITES_ENDED;
	snprintf(a->why, sizeof a->why, "detached");
	a->rows[0].stack = a->rows[1].stack = a->rows[2].stack = NULL;
	draw(r);
	assert_true(screen_has("(detached)"));
	assert_true(screen_has("Stack: gone with the session"));
	allocsites_free(a);
}

// The site column skips the allocators' own frames and known wrappers; a
// stack of nothing else shows its innermost frame; no stack, none.
static void test_site_skips_wrappers(void **state)
{
	(void)state;
	struct alloc_frame f[4] = {
		{ .func = "g_malloc", .file = "/usr/lib/libglib-2.0.so.0" },
		{ .func = "_ZnwmRKSt9nothrow_t", .file = "/usr/lib/libstdc++.so.6" },
		{ .func = "strdup", .file = "/lib/x86_64-linux-gnu/libc.so.6" },
		{ .func = "make_node", .file = "/usr/bin/prog" },
	};
	struct alloc_stack st = { .id = 1, .depth = 4, .frames = f };

	assert_ptr_equal(alloc_screen_site(&st), &f[3]);
	st.depth = 3;
	assert_ptr_equal(alloc_screen_site(&st), &f[0]);
	f[1].func = NULL;                     // no symbol, not in an allocator library
	f[1].file = "/usr/bin/prog";
	st.depth = 4;
	assert_ptr_equal(alloc_screen_site(&st), &f[1]);
	st.depth = 0;
	assert_null(alloc_screen_site(&st));
	assert_null(alloc_screen_site(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attach_and_detach, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_failed_attach, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_rows_and_selection, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_full_table, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_ended_keeps_rows, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_hand_filled_session, rig_setup, rig_teardown),
		cmocka_unit_test(test_site_skips_wrappers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
