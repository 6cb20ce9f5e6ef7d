/* test_cgview.c — the cgroup view (ui/view_cgroups.c) over a cgroup table
 * built by hand: what it draws (read back from the curses screen), its sort
 * keys, filter, selection, Enter's limit of the process list, help, a tiny
 * terminal and hostile labels. ncurses draws to /dev/null, so every frame
 * also runs under AddressSanitizer. */
#include "fixture.h"

#include "model/listmodel.h"
#include "model/monitor.h"
#include "ui/screen.h"
#include "ui/view_cgroups.h"
#include "ui/view_help.h"

#define MIB 1024u
#define GIB (1024u * 1024u)

struct rig {
	double cgroup_every_s;          // what the view last asked the source for
	struct monitor m;
	struct ui ui;
	struct screen_ctx c;
	struct cgroup_screen *v;
	FILE *out, *in;
	SCREEN *term;
};

// A live source whose one call is the pace of its cgroup readings, which
// it remembers (impl points at a double).
static void fake_set_cgroup_every(void *impl, double every_s)
{
	*(double *)impl = every_s;
}

static const struct source_ops no_ops = { .set_cgroup_every = fake_set_cgroup_every };

// A recording's time line, for the replay test.
static bool fake_timeline(const void *impl, struct source_timeline *out)
{
	(void)impl;
	*out = (struct source_timeline){ .first_t = 1.7e9, .last_t = 1.7e9 + 600, .at_t = 1.7e9 + 60,
					 .count = 10, .index = 1, .this_boot = true, .host = "here" };
	return true;
}

static const struct source_ops replay_ops = { .timeline = fake_timeline };

// One row as the source and the detector would have left it; the table is
// kept in path order as cgtable keeps it.
static struct cgroup_row *add_row(struct cgtable *t, const char *path, const char *label, size_t nprocs,
				  uint64_t anon_kb)
{
	struct cgroup_row *r;
	size_t at = 0;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 8;
		t->v = realloc(t->v, t->cap * sizeof *t->v);
		t->order = realloc(t->order, t->cap * sizeof *t->order);
		assert_non_null(t->v);
		assert_non_null(t->order);
	}
	while (at < t->n && strcmp(t->v[at].path, path) < 0)
		at++;
	memmove(&t->v[at + 1], &t->v[at], (t->n - at) * sizeof *t->v);
	t->n++;
	r = &t->v[at];
	*r = (struct cgroup_row){ .path = strdup(path), .nprocs = nprocs, .anon_kb = anon_kb, .read_t = -1,
				  .eta_s = -1 };
	snprintf(r->label, sizeof r->label, "%s", label);
	return r;
}

static void set_usage(struct cgroup_row *r, uint64_t usage_kb, uint64_t limit_kb, bool unlimited)
{
	r->read_t = 1000;
	r->have_usage = r->have_limit = true;
	r->usage_kb = usage_kb;
	r->limit_kb = limit_kb;
	r->unlimited = unlimited;
}

static void set_pressure(struct cgroup_row *r, double avg10)
{
	r->have_pressure = true;
	r->pressure.some = (struct psi_line){ .valid = true, .avg10 = avg10 };
}

static void set_growth(struct cgroup_row *r, double rate_kb_per_min, bool suspected, double score)
{
	r->verdict = (struct leak_verdict){ .have_rate = true, .rate_kb_per_min = rate_kb_per_min,
					    .suspected = suspected, .score = score };
}

// The table of the tests, by path:
//   /docker/3f2a…          "docker 3f2a9c1b7e2d"  2 procs  50M of 256M  anon 40M  PSI 0.5  -10K/min
//   /system.slice/db…      "db.service"           1 proc   2G, max      anon 1.5G PSI 20   +2M/min, a leak
//   /system.slice/web…     "web.service"          3 procs  500M of 1G   anon 300M PSI 5    +100K/min
//   /user.slice/user-1000… "user-1000.slice"     12 procs  not read     anon 100M
static void build_table(struct cgtable *t)
{
	struct cgroup_row *r;

	r = add_row(t, "/system.slice/web.service", "web.service", 3, 300 * MIB);
	set_usage(r, 500 * MIB, 1 * GIB, false);
	set_pressure(r, 5.0);
	set_growth(r, 100, false, 0.2);
	r->delta_kb = 64;
	r->have_delta = true;
	r = add_row(t, "/system.slice/db.service", "db.service", 1, 1536 * MIB);
	set_usage(r, 2 * GIB, 0, true);
	set_pressure(r, 20.0);
	set_growth(r, 2048, true, 0.8);
	r->eta_s = 1800;
	r->have_oom_kill = true;
	r->oom_kill = 2;
	add_row(t, "/user.slice/user-1000.slice", "user-1000.slice", 12, 100 * MIB);
	r = add_row(t, "/docker/3f2a9c1b7e2d5a6b7c8d9e0f", "docker 3f2a9c1b7e2d", 2, 40 * MIB);
	set_usage(r, 50 * MIB, 256 * MIB, false);
	set_pressure(r, 0.5);
	set_growth(r, -10, false, 0);
}

static int rig_setup(void **state)
{
	struct rig *r = calloc(1, sizeof *r);

	assert_non_null(r);
	r->m.source.ops = &no_ops;
	r->m.source.impl = &r->cgroup_every_s;
	build_table(&r->m.cgroups);
	r->out = fopen("/dev/null", "w");
	r->in = fopen("/dev/null", "r");
	assert_non_null(r->out);
	assert_non_null(r->in);
	use_env(FALSE);
	r->term = newterm("xterm", r->out, r->in);
	assert_non_null(r->term);
	resizeterm(24, 140);            // every column fits
	r->c = (struct screen_ctx){ .ui = &r->ui, .mon = &r->m, .interval_s = 1, .message = "",
				    .trigger_desc = "PSI trigger off" };
	r->v = screen_cgroups.state;
	screen_cgroups.enter(r->v, &r->c, &(struct action){ .kind = ACTION_OPEN, .screen = &screen_cgroups });
	*state = r;
	return 0;
}

static int rig_teardown(void **state)
{
	struct rig *r = *state;

	screen_cgroups.leave(r->v);
	screen_cgroups.free(r->v);
	endwin();
	delscreen(r->term);
	fclose(r->out);
	fclose(r->in);
	cgtable_free(&r->m.cgroups);
	free(r);
	return 0;
}

static struct action press(struct rig *r, int ch)
{
	return screen_cgroups.key(r->v, &r->c, ch);
}

static void type(struct rig *r, const char *s)
{
	for (; *s; s++)
		assert_int_equal(press(r, (unsigned char)*s).kind, ACTION_NONE);
}

static void draw(struct rig *r)
{
	screen_draw(&screen_cgroups, r->v, &r->c);
}

// Screen line y as text (COLS wide at most).
static const char *line_at(int y)
{
	static char line[256];

	mvinnstr(y, 0, line, COLS < (int)sizeof line ? COLS : (int)sizeof line - 1);
	return line;
}

// The screen line a label is drawn on, or -1.
static int line_of(const char *label)
{
	for (int y = 2; y < LINES - 1; y++)
		if (strstr(line_at(y), label))
			return y;
	return -1;
}

// The labels in the order the screen shows them must be the given ones
// (NULL-terminated), one per line from the first row.
static void assert_drawn_order(struct rig *r, const char *const *labels)
{
	size_t n = 0;

	draw(r);
	for (; labels[n]; n++) {
		assert_int_equal(line_of(labels[n]), 2 + (int)n);
		assert_string_equal(r->v->rows[n]->label, labels[n]);
	}
	assert_int_equal(r->v->nrows, n);
}

// The text of a cell: the word of line y under the column whose title ends
// at or after the word (right-aligned columns).
static const char *cell_under(int y, const char *title)
{
	static char word[64];
	char head[256], row[256];
	const char *t;
	int end, start;

	snprintf(head, sizeof head, "%s", line_at(1));
	snprintf(row, sizeof row, "%s", line_at(y));
	t = strstr(head, title);
	assert_non_null(t);
	end = (int)(t - head) + (int)strlen(title);
	start = end;
	while (start > 0 && row[start - 1] != ' ')
		start--;
	snprintf(word, sizeof word, "%.*s", end - start, row + start);
	return word;
}

static void test_rows_show_labels_sizes_and_limits(void **state)
{
	struct rig *r = *state;
	int db, web, user, docker;

	draw(r);
	assert_non_null(strstr(line_at(0), "Cgroups: 4"));
	assert_non_null(strstr(line_at(0), "Sort: usage v"));        // the default: usage, largest first
	for (const char *const *t = (const char *const[]){ "NAME", "PROCS", "USAGE", "LIMIT", "ANON", "GROWTH",
							   "TREND", "LEAK", "PSI", "ETA", "OOM", "PATH", NULL }; *t; t++)
		assert_non_null(strstr(line_at(1), *t));
	db = line_of("db.service");
	web = line_of("web.service");
	user = line_of("user-1000.slice");
	docker = line_of("docker 3f2a9c1b7e2d");
	assert_string_equal(cell_under(web, "PROCS"), "3");
	assert_string_equal(cell_under(web, "USAGE"), "500M");
	assert_string_equal(cell_under(web, "LIMIT"), "1.0G");
	assert_string_equal(cell_under(web, "ANON"), "300M");
	assert_string_equal(cell_under(web, "PSI"), "5.00");
	assert_string_equal(cell_under(web, "GROWTH"), "+100K");
	assert_string_equal(cell_under(web, " d"), "+64K");          // the delta at the last reading
	assert_string_equal(cell_under(db, "USAGE"), "2.0G");
	assert_string_equal(cell_under(db, "LIMIT"), "max");        // unlimited
	assert_string_equal(cell_under(db, "PSI"), "20.0");
	assert_string_equal(cell_under(db, "ETA"), "30m");
	assert_string_equal(cell_under(db, "OOM"), "2");             // its own kill counter
	assert_string_equal(cell_under(web, "OOM"), "-");            // not read
	assert_non_null(strstr(line_at(db), "^80%"));               // the LEAK mark and score
	assert_string_equal(cell_under(user, "PROCS"), "12");
	assert_string_equal(cell_under(user, "USAGE"), "-");         // not read yet
	assert_string_equal(cell_under(user, "LIMIT"), "-");
	assert_string_equal(cell_under(user, "PSI"), "-");
	assert_string_equal(cell_under(user, "GROWTH"), "-");        // no detector: nothing judged
	assert_string_equal(cell_under(user, " d"), "-");
	assert_null(strstr(line_at(user), "^"));
	assert_string_equal(cell_under(docker, "LIMIT"), "256M");
	assert_string_equal(cell_under(docker, "GROWTH"), "-10K");
	assert_non_null(strstr(line_at(docker), "/docker/3f2a9c1b7e2d5a6b7c8d9e0f"));   // PATH
}

// TREND is blank without a detector and a sparkline with one.
static void test_trend_needs_a_detector(void **state)
{
	struct rig *r = *state;
	struct cgroup_row *user = (struct cgroup_row *)cgtable_find(&r->m.cgroups, "/user.slice/user-1000.slice");
	int x, y;

	draw(r);
	x = (int)(strstr(line_at(1), "TREND") - line_at(1));
	y = line_of("user-1000.slice");
	assert_string_equal(cell_under(y, "GROWTH"), "-");
	assert_true(strspn(line_at(y) + x, " ") >= 10);             // blank under TREND
	user->leak = malloc(sizeof *user->leak);
	assert_non_null(user->leak);
	leak_init(user->leak, 1000, LEAK_SENS_NORMAL);
	for (int i = 0; i < 30; i++)
		leak_push(user->leak, 1000 + 2.0 * i, 100 * MIB + 4096u * (uint64_t)i);
	user->sig_kb = 100 * MIB + 4096u * 29;
	draw(r);
	assert_true(strspn(line_at(y) + x, " ") < 10);              // something drawn there now
}

static void test_sort_keys_order_the_rows(void **state)
{
	struct rig *r = *state;

	assert_drawn_order(r, (const char *const[]){ "db.service", "web.service", "docker 3f2a9c1b7e2d",
						     "user-1000.slice", NULL });
	press(r, 'A');
	assert_int_equal(r->v->key, CG_SORT_ANON);
	assert_drawn_order(r, (const char *const[]){ "db.service", "web.service", "user-1000.slice",
						     "docker 3f2a9c1b7e2d", NULL });
	assert_non_null(strstr(line_at(0), "Sort: anon v"));
	press(r, 'P');
	assert_drawn_order(r, (const char *const[]){ "user-1000.slice", "web.service", "docker 3f2a9c1b7e2d",
						     "db.service", NULL });
	press(r, 'G');
	assert_drawn_order(r, (const char *const[]){ "db.service", "web.service", "docker 3f2a9c1b7e2d",
						     "user-1000.slice", NULL });
	press(r, 'N');                                          // by name, A to Z
	assert_drawn_order(r, (const char *const[]){ "db.service", "docker 3f2a9c1b7e2d", "user-1000.slice",
						     "web.service", NULL });
	assert_non_null(strstr(line_at(0), "Sort: name ^"));
	press(r, 'I');
	assert_drawn_order(r, (const char *const[]){ "web.service", "user-1000.slice", "docker 3f2a9c1b7e2d",
						     "db.service", NULL });
	assert_non_null(strstr(line_at(0), "Sort: name v"));
	press(r, '>');                                          // name wraps round to usage
	assert_int_equal(r->v->key, CG_SORT_USAGE);
	press(r, '<');
	press(r, '<');                                          // name, then pressure
	assert_int_equal(r->v->key, CG_SORT_PRESSURE);
	assert_drawn_order(r, (const char *const[]){ "db.service", "web.service", "docker 3f2a9c1b7e2d",
						     "user-1000.slice", NULL });
	press(r, '<');                                          // limit: max first
	assert_int_equal(r->v->key, CG_SORT_LIMIT);
	assert_drawn_order(r, (const char *const[]){ "db.service", "web.service", "docker 3f2a9c1b7e2d",
						     "user-1000.slice", NULL });
	press(r, '<');                                          // leak: the suspect, then by score
	assert_int_equal(r->v->key, CG_SORT_LEAK);
	assert_drawn_order(r, (const char *const[]){ "db.service", "web.service", "docker 3f2a9c1b7e2d",
						     "user-1000.slice", NULL });
	press(r, 'M');
	press(r, 'I');                                          // usage, smallest first: unread first
	assert_drawn_order(r, (const char *const[]){ "user-1000.slice", "docker 3f2a9c1b7e2d", "web.service",
						     "db.service", NULL });
}

static void test_filter_and_leaks_only(void **state)
{
	struct rig *r = *state;

	assert_int_equal(press(r, '/').kind, ACTION_NONE);
	type(r, "SERVICE");                                     // any case; applied as typed
	assert_drawn_order(r, (const char *const[]){ "db.service", "web.service", NULL });
	assert_non_null(strstr(line_at(LINES - 1), "Filter: SERVICE"));
	press(r, '\n');                                         // kept
	draw(r);
	assert_non_null(strstr(line_at(0), "Filter: \"SERVICE\" (2 shown)"));
	press(r, KEY_ESC);                                      // clears, stays
	assert_string_equal(r->v->filter, "");
	assert_int_equal(r->v->nrows, 4);
	press(r, '/');
	type(r, "3f2a9c1b7e2d5a6b");                            // only the path has this much
	assert_drawn_order(r, (const char *const[]){ "docker 3f2a9c1b7e2d", NULL });
	press(r, KEY_ESC);                                      // Esc in the prompt: cleared
	assert_int_equal(r->v->nrows, 4);
	press(r, '/');
	type(r, "nothing-like-it");
	draw(r);
	assert_non_null(strstr(line_at(2), "no cgroup matches the filter"));
	press(r, KEY_ESC);
	press(r, 'L');                                          // suspects only
	assert_drawn_order(r, (const char *const[]){ "db.service", NULL });
	assert_non_null(strstr(line_at(0), "Leaks only"));
	assert_int_equal(press(r, KEY_ESC).kind, ACTION_NONE);  // clears Leaks only first
	assert_int_equal(r->v->nrows, 4);
	assert_int_equal(press(r, KEY_ESC).kind, ACTION_BACK);  // then returns
}

// The selection stays on its cgroup when the rows change order, by sort
// or by new values at a refresh.
static void test_selection_follows_its_cgroup(void **state)
{
	struct rig *r = *state;
	struct cgroup_row *web = (struct cgroup_row *)cgtable_find(&r->m.cgroups, "/system.slice/web.service");

	press(r, KEY_DOWN);
	assert_string_equal(cgroup_screen_selected(r->v), "/system.slice/web.service");
	assert_int_equal(r->v->sel, 1);
	web->usage_kb = 4 * GIB;                                // now the largest
	screen_cgroups.tick(r->v, &r->c);
	assert_int_equal(r->v->sel, 0);
	assert_string_equal(cgroup_screen_selected(r->v), "/system.slice/web.service");
	press(r, 'P');                                          // web has the second most processes
	assert_int_equal(r->v->sel, 1);
	assert_string_equal(cgroup_screen_selected(r->v), "/system.slice/web.service");
	press(r, KEY_END);
	assert_string_equal(cgroup_screen_selected(r->v), "/system.slice/db.service");
	press(r, KEY_HOME);
	assert_string_equal(cgroup_screen_selected(r->v), "/user.slice/user-1000.slice");
	press(r, KEY_NPAGE);                                    // clamped to the last
	assert_int_equal(r->v->sel, 3);
	press(r, KEY_PPAGE);
	assert_int_equal(r->v->sel, 0);
	// Filtered out: the selection stays on the row's index.
	press(r, '/');
	type(r, "docker");
	assert_string_equal(cgroup_screen_selected(r->v), "/docker/3f2a9c1b7e2d5a6b7c8d9e0f");
}

// A long list scrolls to keep the selection on screen.
static void test_scrolling_keeps_the_selection_in_sight(void **state)
{
	struct rig *r = *state;
	char path[64], label[32];

	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof path, "/many/unit-%02d.service", i);
		snprintf(label, sizeof label, "unit-%02d.service", i);
		add_row(&r->m.cgroups, path, label, 1, (uint64_t)(i + 1) * MIB);
	}
	press(r, 'N');
	press(r, KEY_END);
	draw(r);
	assert_int_equal(line_of("web.service"), LINES - 2);       // the last row, above the footer
	press(r, KEY_HOME);
	draw(r);
	assert_int_equal(line_of("db.service"), 2);
	assert_int_equal(line_of("web.service"), -1);
}

// Enter goes back to the list with the selected cgroup's path, which
// limits the process list to exactly that cgroup's processes.
static void test_enter_limits_the_process_list(void **state)
{
	struct rig *r = *state;
	struct action a;
	struct listmodel list = { 0 };
	struct proc_sample in = { .cgroup = (char *)"/system.slice/db.service", .comm = "postgres",
				  .cmdline = (char *)"", .user = "pg" };
	struct proc_sample below = in, other = in;
	struct proc pin = { .s = &in }, pbelow = { .s = &below }, pother = { .s = &other };

	below.cgroup = (char *)"/system.slice/db.service/child";
	other.cgroup = (char *)"/system.slice/web.service";
	a = press(r, '\r');
	assert_int_equal(a.kind, ACTION_BACK);
	assert_string_equal(a.cgroup, "/system.slice/db.service");
	snprintf(list.cgroup, sizeof list.cgroup, "%s", a.cgroup);
	assert_true(listmodel_matches(&list, &pin));
	assert_false(listmodel_matches(&list, &pbelow));        // exact: not a cgroup below it
	assert_false(listmodel_matches(&list, &pother));
	list.cgroup[0] = '\0';
	assert_true(listmodel_matches(&list, &pother));
	// Back with nothing to list: no action.
	press(r, '/');
	type(r, "nothing-like-it");
	press(r, '\r');
	assert_int_equal(press(r, '\r').kind, ACTION_NONE);
}

// Shown, the cgroups are read every second; left, every 10 s again.
static void test_cgroups_read_every_second_while_shown(void **state)
{
	struct rig *r = *state;

	assert_true(r->cgroup_every_s == 1.0);                  // entered in the set-up
	screen_cgroups.leave(r->v);
	assert_true(r->cgroup_every_s == 10.0);
	screen_cgroups.enter(r->v, &r->c, &(struct action){ .kind = ACTION_OPEN });
	assert_true(r->cgroup_every_s == 1.0);
}

static void test_keys_back_and_help(void **state)
{
	struct rig *r = *state;
	struct action a;
	bool seen = false;

	assert_int_equal(press(r, 'q').kind, ACTION_BACK);      // q returns here; it quits on the list
	assert_int_equal(press(r, KEY_BACKSPACE).kind, ACTION_BACK);
	assert_int_equal(press(r, KEY_F(10)).kind, ACTION_QUIT);
	assert_int_equal(press(r, '[').kind, ACTION_NONE);      // live: no samples to move in
	a = press(r, 'h');
	assert_int_equal(a.kind, ACTION_OPEN);
	assert_ptr_equal(a.screen, &screen_help);
	a.from = &screen_cgroups;
	screen_help.enter(screen_help.state, &r->c, &a);
	screen_draw(&screen_help, screen_help.state, &r->c);
	for (int y = 0; y < LINES; y++)
		seen = seen || (strstr(line_at(y), "the selected cgroup's processes") != NULL);
	assert_true(seen);                                      // this screen's keys, not the list's
	a = screen_help.key(screen_help.state, &r->c, 'x');
	assert_int_equal(a.kind, ACTION_OPEN);                  // back here, not to the list
	assert_ptr_equal(a.screen, &screen_cgroups);
	draw(r);
	assert_non_null(strstr(line_at(LINES - 1), "Back"));
	assert_non_null(strstr(line_at(LINES - 1), "Filter"));
}

// A replay draws the recorded table the same way, says when it was, and
// [ ] move in the recording.
static void test_replay_shows_the_recorded_table(void **state)
{
	struct rig *r = *state;

	r->m.source.ops = &replay_ops;
	draw(r);
	assert_non_null(strstr(line_at(0), "Recorded"));
	assert_int_equal(line_of("db.service"), 2);
	assert_int_equal(press(r, ']').kind, ACTION_MOVE);
	assert_int_equal(press(r, 'M').kind, ACTION_NONE);
	r->m.source.ops = &no_ops;
}

// 40x10, the smallest screen drawn: the name, usage and anonymous memory
// stay; nothing is written past the edge.
static void test_tiny_terminal(void **state)
{
	struct rig *r = *state;

	resizeterm(10, 40);
	draw(r);
	assert_non_null(strstr(line_at(1), "NAME"));
	assert_non_null(strstr(line_at(1), "USAGE"));
	assert_non_null(strstr(line_at(1), "ANON"));
	assert_null(strstr(line_at(1), "TREND"));
	assert_int_equal(line_of("db.service"), 2);
	assert_string_equal(cell_under(2, "USAGE"), "2.0G");
	for (int i = 0; i < 10; i++)
		press(r, KEY_DOWN);
	draw(r);
	assert_int_equal(r->v->sel, 3);
	resizeterm(8, 30);                                      // below the minimum: the notice
	draw(r);
	assert_non_null(strstr(line_at(4), "terminal too small"));
}

// Labels and paths are sanitised text with \xNN escapes: drawn as they are,
// and a raw control byte that slipped through never reaches the terminal.
static void test_hostile_labels(void **state)
{
	struct rig *r = *state;
	struct cgroup_row *x = add_row(&r->m.cgroups, "/evil\\x1b[2J.service", "evil\\x1b[2J\\e]0;pwn", 1, 0);
	int y;

	(void)x;
	add_row(&r->m.cgroups, "/raw\x1b[2Jcontrol", "raw\x1b[2Jcontrol", 1, 0);
	press(r, 'N');
	draw(r);
	y = line_of("evil");
	assert_true(y >= 2);
	assert_non_null(strstr(line_at(y), "evil\\x1b[2J\\e]0;pwn"));
	assert_non_null(strstr(line_at(y), "/evil\\x1b[2J.service"));
	y = line_of("raw");
	assert_true(y >= 2);
	// curses would show a raw ESC as "^[" (and the terminal never sees it
	// either way); the view draws it as one '?' in its column.
	assert_non_null(strstr(line_at(y), "raw?[2Jcontrol"));
	assert_non_null(strstr(line_at(y), "/raw?[2Jcontrol"));
	assert_null(strstr(line_at(y), "^["));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rows_show_labels_sizes_and_limits, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_trend_needs_a_detector, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_sort_keys_order_the_rows, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_filter_and_leaks_only, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_selection_follows_its_cgroup, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_scrolling_keeps_the_selection_in_sight, rig_setup,
						rig_teardown),
		cmocka_unit_test_setup_teardown(test_enter_limits_the_process_list, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_cgroups_read_every_second_while_shown, rig_setup,
						rig_teardown),
		cmocka_unit_test_setup_teardown(test_keys_back_and_help, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_replay_shows_the_recorded_table, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_tiny_terminal, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(test_hostile_labels, rig_setup, rig_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
