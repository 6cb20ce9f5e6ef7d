/* test_rc.c — the memtoprc settings: rc_parse on good and malformed files,
 * rc_format → rc_parse round trips, rc_update keeping a hand-edited file's
 * lines, and rc_apply under the command line. */
#include "fixture.h"

#include "conf/cli.h"
#include "model/columns.h"
#include "model/proctable.h"
#include "conf/rc.h"

#define RC_HAVE_ALL (RC_HAVE_INTERVAL | RC_HAVE_SORT | RC_HAVE_ORDER | RC_HAVE_THEME | \
		     RC_HAVE_COLUMNS | RC_HAVE_SENSITIVITY)

// The problems one parse reported.
// Parses text from an exact-size heap copy.
static unsigned parse_text(const char *text, struct rc_settings *s, struct errors *errs)
{
	size_t len = strlen(text);
	char *buf = test_bytes(text, len);
	unsigned n;

	memset(errs, 0, sizeof *errs);
	n = rc_parse(buf, len, s, on_error, errs);
	free(buf);
	return n;
}

static unsigned parse_file(const char *rel, struct rc_settings *s, struct errors *errs)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	unsigned n;

	memset(errs, 0, sizeof *errs);
	n = rc_parse(buf, len, s, on_error, errs);
	free(buf);
	return n;
}

#define GOOD_COLUMNS (COLUMN_BIT(COL_PID) | COLUMN_BIT(COL_RSS) | COLUMN_BIT(COL_DELTA) | \
		      COLUMN_BIT(COL_COMMAND))

// Fails unless s holds rc/good.memtoprc's settings, except those in the
// missing bits, which must be unset and at their defaults.
static void assert_good_settings(const struct rc_settings *s, unsigned missing)
{
	assert_int_equal(s->have, RC_HAVE_ALL & ~missing);
	if (missing & RC_HAVE_INTERVAL)
		assert_true(s->interval_s == 0);
	else
		assert_float_equal(s->interval_s, 2.5, 0);
	assert_int_equal(s->sort_key, missing & RC_HAVE_SORT ? SORT_RSS : SORT_GROWTH);
	assert_false(s->descending);
	assert_string_equal(s->theme, missing & RC_HAVE_THEME ? "" : "solarized-dark");
	assert_int_equal(s->columns, missing & RC_HAVE_COLUMNS ? COLUMNS_DEFAULT : GOOD_COLUMNS);
	assert_int_equal(s->sensitivity,
			 missing & RC_HAVE_SENSITIVITY ? LEAK_SENS_NORMAL : LEAK_SENS_HIGH);
}

static bool settings_equal(const struct rc_settings *a, const struct rc_settings *b)
{
	return a->have == b->have && a->interval_s == b->interval_s &&
	       a->sort_key == b->sort_key && a->descending == b->descending &&
	       strcmp(a->theme, b->theme) == 0 && a->columns == b->columns &&
	       a->sensitivity == b->sensitivity && a->readonly == b->readonly;
}

/* ---- rc_parse ------------------------------------------------------------ */

// A good rc sets every setting, with its spacing trimmed.
static void test_parse_good(void **state)
{
	struct rc_settings s;
	struct errors errs;

	(void)state;
	assert_int_equal(parse_file("rc/good.memtoprc", &s, &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_good_settings(&s, 0);
}

// Nothing given: nothing set, and the defaults in place (not left-over values).
static void test_parse_empty(void **state)
{
	struct rc_settings s;
	struct errors errs;

	(void)state;
	memset(&s, 0xa5, sizeof s);
	assert_int_equal(parse_text("# nothing but a comment\n\n", &s, &errs), 0);
	assert_int_equal(s.have, 0);
	assert_int_equal(s.sort_key, SORT_RSS);
	assert_int_equal(s.columns, COLUMNS_DEFAULT);
	assert_string_equal(s.theme, "");
	assert_false(s.descending);
}

// Every value each setting takes: both orders, every sort key, every sensitivity.
static void test_parse_every_value(void **state)
{
	static const struct {
		const char *name;
		enum leak_sensitivity sens;
	} sens[] = { { "low", LEAK_SENS_LOW }, { "normal", LEAK_SENS_NORMAL },
		     { "high", LEAK_SENS_HIGH } };
	struct rc_settings s;
	struct errors errs;
	char text[128];

	(void)state;
	assert_int_equal(parse_text("order = descending\n", &s, &errs), 0);
	assert_true(s.descending);
	assert_int_equal(s.have, RC_HAVE_ORDER);
	for (int k = 0; k < SORT_KEY_COUNT; k++) {
		snprintf(text, sizeof text, "sort = %s\n", sort_key_name((enum sort_key)k));
		assert_int_equal(parse_text(text, &s, &errs), 0);
		assert_int_equal(s.sort_key, k);
	}
	for (size_t i = 0; i < sizeof sens / sizeof sens[0]; i++) {
		snprintf(text, sizeof text, "leak_sensitivity = %s\n", sens[i].name);
		assert_int_equal(parse_text(text, &s, &errs), 0);
		assert_int_equal(s.sensitivity, sens[i].sens);
	}
	assert_int_equal(parse_text("interval = 0.1\n", &s, &errs), 0);
	assert_float_equal(s.interval_s, 0.1, 0);
	assert_int_equal(parse_text("interval = 86400\n", &s, &errs), 0);
	assert_float_equal(s.interval_s, 86400, 0);
	assert_int_equal(parse_text("theme = ./my themes/dark #2.theme\n", &s, &errs), 0);
	assert_string_equal(s.theme, "./my themes/dark #2.theme");
	// COMMAND is always shown, named or not.
	assert_int_equal(parse_text("columns = cgroup\n", &s, &errs), 0);
	assert_int_equal(s.columns, COLUMN_BIT(COL_CGROUP) | COLUMN_BIT(COL_COMMAND));
}

// Checks a malformed fixture: one problem at line with reason, every other setting applied.
static void check_bad_fixture(const char *rel, unsigned line, const char *reason, unsigned missing)
{
	struct rc_settings s;
	struct errors errs;

	assert_int_equal(parse_file(rel, &s, &errs), 1);
	assert_int_equal(errs.n, 1);
	assert_error(&errs, 0, line, reason);
	assert_good_settings(&s, missing);
}

// An unknown setting is reported at its line; the others apply.
static void test_bad_unknown_key(void **state)
{
	(void)state;
	check_bad_fixture("rc/unknown_key.memtoprc", 8, "unknown setting 'colour'", 0);
}

// An interval of 0 is out of range.
static void test_bad_interval_zero(void **state)
{
	(void)state;
	check_bad_fixture("rc/interval_zero.memtoprc", 2, "out of range", RC_HAVE_INTERVAL);
}

// An interval that is not a number.
static void test_bad_interval_abc(void **state)
{
	(void)state;
	check_bad_fixture("rc/interval_abc.memtoprc", 2, "invalid interval 'abc'", RC_HAVE_INTERVAL);
}

// An interval above the maximum.
static void test_bad_interval_range(void **state)
{
	(void)state;
	check_bad_fixture("rc/interval_range.memtoprc", 2, "interval 100000 out of range",
			  RC_HAVE_INTERVAL);
}

// A sort key that does not exist.
static void test_bad_sort_key(void **state)
{
	(void)state;
	check_bad_fixture("rc/unknown_sort.memtoprc", 3, "unknown sort key", RC_HAVE_SORT);
}

// An order other than descending or ascending.
static void test_bad_order(void **state)
{
	(void)state;
	check_bad_fixture("rc/bad_order.memtoprc", 4, "order is descending or ascending",
			  RC_HAVE_ORDER);
}

// A theme with no name.
static void test_bad_empty_theme(void **state)
{
	(void)state;
	check_bad_fixture("rc/empty_theme.memtoprc", 5, "missing value", RC_HAVE_THEME);
}

// A column that does not exist.
static void test_bad_unknown_column(void **state)
{
	(void)state;
	check_bad_fixture("rc/unknown_column.memtoprc", 6, "unknown column 'size'",
			  RC_HAVE_COLUMNS);
}

// "pid,,rss": an empty name in the list.
static void test_bad_empty_column(void **state)
{
	(void)state;
	check_bad_fixture("rc/empty_column.memtoprc", 6, "empty column name", RC_HAVE_COLUMNS);
}

// A leak sensitivity other than low, normal or high.
static void test_bad_sensitivity(void **state)
{
	(void)state;
	check_bad_fixture("rc/bad_sensitivity.memtoprc", 7,
			  "leak_sensitivity is low, normal or high", RC_HAVE_SENSITIVITY);
}

// A setting given twice: reported at the second line, the first kept.
static void test_bad_duplicate_key(void **state)
{
	(void)state;
	check_bad_fixture("rc/duplicate_key.memtoprc", 8, "setting given twice", 0);
}

// Other malformed column lists are refused with a reason.
static void test_bad_column_lists(void **state)
{
	static const struct {
		const char *value, *reason;
	} bad[] = {
		{ "pid rss", "separated by commas" },
		{ "pid,", "empty column name" },
		{ ",pid", "empty column name" },
		{ "pid;rss", "unknown column 'pid;rss'" },
		{ "PID", "unknown column 'PID'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rc_settings s;
		struct errors errs;
		char text[128];

		snprintf(text, sizeof text, "columns = %s\nsort = pid\n", bad[i].value);
		assert_int_equal(parse_text(text, &s, &errs), 1);
		if (!strstr(errs.e[0].reason, bad[i].reason))
			fail_msg("'%s': reason '%s' lacks '%s'", bad[i].value, errs.e[0].reason,
				 bad[i].reason);
		assert_int_equal(errs.e[0].line, 1);
		assert_int_equal(s.have, RC_HAVE_SORT);
		assert_int_equal(s.columns, COLUMNS_DEFAULT);
	}
}

// Every problem in one file is reported at its line, and the good lines still apply.
static void test_parse_many_problems(void **state)
{
	struct rc_settings s;
	struct errors errs;

	(void)state;
	assert_int_equal(parse_text("interval = -1\n"
				    "sort = pid\n"
				    "sort = rss\n"
				    "\n"
				    "order\n"
				    "leak_sensitivity = high\n"
				    "bogus = 1\n", &s, &errs), 4);
	assert_int_equal(errs.n, 4);
	assert_error(&errs, 0, 1, "out of range");
	assert_error(&errs, 1, 3, "setting given twice");
	assert_error(&errs, 2, 5, "expected 'key = value'");
	assert_error(&errs, 3, 7, "unknown setting 'bogus'");
	assert_int_equal(s.have, RC_HAVE_SORT | RC_HAVE_SENSITIVITY);
	assert_int_equal(s.sort_key, SORT_PID);
	assert_int_equal(s.sensitivity, LEAK_SENS_HIGH);
}

/* ---- rc_format ----------------------------------------------------------- */

// Formats s and parses the text back; fails unless that gives s again.
static void assert_round_trip(const struct rc_settings *s)
{
	char text[2048];
	size_t len = rc_format(s, text, sizeof text);
	struct rc_settings back;
	struct errors errs;

	assert_true(len > 0);
	assert_int_equal(len, strlen(text));
	if (parse_text(text, &back, &errs) != 0)
		fail_msg("formatted text has problems (line %u: %s):\n%s", errs.e[0].line,
			 errs.e[0].reason, text);
	if (!settings_equal(s, &back))
		fail_msg("round trip changed the settings:\n%s", text);
}

// Every setting written is read back the same, for each value it can take.
static void test_format_round_trip(void **state)
{
	static const double intervals[] = { 0.1, 0.25, 1, 1.5, 3600, 86400 };
	struct rc_settings s = {
		.have = RC_HAVE_ALL | RC_HAVE_READONLY, .interval_s = 2.5, .sort_key = SORT_LEAK, .descending = true,
		.theme = "/home/someone/my themes/dark.theme", .columns = GOOD_COLUMNS,
		.sensitivity = LEAK_SENS_LOW,
	};

	(void)state;
	assert_round_trip(&s);
	for (int k = 0; k < SORT_KEY_COUNT; k++) {
		s.sort_key = k;
		s.descending = k % 2;
		assert_round_trip(&s);
	}
	for (int c = 0; c < COL_COUNT; c++) {
		s.columns = COLUMN_BIT(c) | COLUMN_BIT(COL_COMMAND);
		assert_round_trip(&s);
	}
	s.columns = COLUMN_BIT(COL_COUNT) - 1;
	assert_round_trip(&s);
	s.columns = COLUMNS_DEFAULT;
	for (int v = LEAK_SENS_NORMAL; v <= LEAK_SENS_HIGH; v++) {
		s.sensitivity = (enum leak_sensitivity)v;
		assert_round_trip(&s);
	}
	for (size_t i = 0; i < sizeof intervals / sizeof intervals[0]; i++) {
		s.interval_s = intervals[i];
		assert_round_trip(&s);
	}
	snprintf(s.theme, sizeof s.theme, "dracula");
	assert_round_trip(&s);
}

// Any interval the -d option and the interval prompt accept survives a round
// trip, not just those with six significant digits or fewer.
static void test_format_round_trip_keeps_interval_precision(void **state)
{
	static const char *const typed[] = { "0.1234567", "2.0000001", "123456.5", "1.3333333333" };
	struct rc_settings s = {
		.have = RC_HAVE_ALL | RC_HAVE_READONLY, .sort_key = SORT_RSS, .theme = "default",
		.columns = COLUMNS_DEFAULT,
	};

	(void)state;
	for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
		char err[160];

		if (cli_parse_interval(typed[i], &s.interval_s, err, sizeof err) < 0)
			continue;       // out of range: not a setting memtop can hold
		assert_round_trip(&s);
	}
}

// The text names every setting, with the documented keys; too small a buffer gives 0.
static void test_format_text(void **state)
{
	struct rc_settings s = {
		.have = RC_HAVE_ALL | RC_HAVE_READONLY, .interval_s = 0.5, .sort_key = SORT_GROWTH, .descending = false,
		.theme = "light", .columns = GOOD_COLUMNS, .sensitivity = LEAK_SENS_HIGH,
	};
	char text[2048], tiny[64];
	size_t len;

	(void)state;
	len = rc_format(&s, text, sizeof text);
	assert_true(len > 0);
	assert_non_null(strstr(text, "\ninterval = 0.5\n"));
	assert_non_null(strstr(text, "\nsort = growth\n"));
	assert_non_null(strstr(text, "\norder = ascending\n"));
	assert_non_null(strstr(text, "\ntheme = light\n"));
	assert_non_null(strstr(text, "\ncolumns = pid,rss,delta,command\n"));
	assert_non_null(strstr(text, "\nleak_sensitivity = high\n"));
	assert_int_equal(text[len - 1], '\n');
	assert_int_equal(rc_format(&s, tiny, sizeof tiny), 0);
	assert_int_equal(rc_format(&s, text, len), 0);          // no room for the NUL
	assert_int_equal(rc_format(&s, text, len + 1), len);
	// No theme is written as the default one.
	s.theme[0] = '\0';
	assert_true(rc_format(&s, text, sizeof text) > 0);
	assert_non_null(strstr(text, "\ntheme = default\n"));
}

/* ---- rc_update ------------------------------------------------------------ */

// The settings rc/hand_edited.written holds.
static const struct rc_settings edited = {
	.have = RC_HAVE_ALL | RC_HAVE_READONLY, .interval_s = 2.5, .sort_key = SORT_GROWTH,
	.descending = true, .theme = "dracula", .columns = GOOD_COLUMNS,
	.sensitivity = LEAK_SENS_HIGH,
};

// rc_update on an exact-size copy of old; the new text (NUL-terminated) goes
// to out, or the reason to *why.
static size_t update_text(const char *old, size_t oldlen, const struct rc_settings *s, char *out,
			  size_t cap, const char **why)
{
	char *buf = test_bytes(old, oldlen);
	size_t len = 0;

	*why = rc_update(buf, oldlen, s, out, cap, &len);
	free(buf);
	return len;
}

// Fails unless updating old with s gives exactly want.
static void assert_update(const char *old, const struct rc_settings *s, const char *want)
{
	char out[4096];
	const char *why;
	size_t len = update_text(old, strlen(old), s, out, sizeof out, &why);

	if (why)
		fail_msg("rc_update: %s", why);
	assert_int_equal(len, strlen(out));
	assert_string_equal(out, want);
}

// A hand-edited file keeps every byte but the values W writes: comments,
// blank lines, spacing, unknown keys, bad lines and the repeated key stay
// where they were; missing keys are added at the end; the file reads back
// as the settings, with the same problems as before.
static void test_update_keeps_hand_edits(void **state)
{
	size_t oldlen, wantlen, len;
	char *old = fixture_read("rc/hand_edited.memtoprc", &oldlen);
	char *want = fixture_read("rc/hand_edited.written", &wantlen);
	char out[4096], again[4096];
	struct rc_settings back;
	struct errors before, after;
	const char *why;

	(void)state;
	len = update_text(old, oldlen, &edited, out, sizeof out, &why);
	if (why)
		fail_msg("rc_update: %s", why);
	if (len != wantlen || memcmp(out, want, len) != 0)
		fail_msg("rc/hand_edited.memtoprc updated:\n%s\nwant (hand_edited.written):\n%.*s", out,
			 (int)wantlen, want);
	memset(&before, 0, sizeof before);
	rc_parse(old, oldlen, &back, on_error, &before);
	assert_int_equal(parse_text(out, &back, &after), before.n);
	for (unsigned i = 0; i < before.n; i++) {
		assert_int_equal(after.e[i].line, before.e[i].line);
		assert_string_equal(after.e[i].reason, before.e[i].reason);
	}
	assert_true(settings_equal(&back, &edited));
	// Writing the same settings again changes nothing.
	assert_int_equal(update_text(out, len, &edited, again, sizeof again, &why), len);
	assert_null(why);
	assert_memory_equal(again, out, len);
	free(old);
	free(want);
}

// A key given twice: the first good line is the one loading takes, so that
// is the one updated; the repeat stays as it was.
static void test_update_effective_line(void **state)
{
	struct rc_settings s = edited;

	(void)state;
	s.have = RC_HAVE_SORT;
	assert_update("sort = pid\nsort = rss\n", &s,
		      "sort = growth\nsort = rss\n"
		      "interval = 2.5\norder = descending\ntheme = dracula\n"
		      "columns = pid,rss,delta,command\nleak_sensitivity = high\nreadonly = no\n");
	// A bad value is not a setting: the good line after it is updated.
	assert_update("sort = size\nsort = rss\nsort = pid\ninterval = 1\norder = ascending\n"
		      "theme = x\ncolumns = pid\nleak_sensitivity = low\nreadonly = yes\n", &s,
		      "sort = size\nsort = growth\nsort = pid\ninterval = 2.5\norder = descending\n"
		      "theme = dracula\ncolumns = pid,rss,delta,command\nleak_sensitivity = high\n"
		      "readonly = no\n");
}

// No file yet (or an empty one): rc_format's text, its comments first.
static void test_update_empty_is_format(void **state)
{
	char want[2048];

	(void)state;
	assert_true(rc_format(&edited, want, sizeof want) > 0);
	assert_non_null(strstr(want, "# memtop settings"));
	assert_update("", &edited, want);
}

// CRLF lines stay CRLF and added lines follow them; a last line without a
// newline gets one before keys are added after it, and none when not.
static void test_update_line_ends(void **state)
{
	static const char all[] = "interval = 1\nsort = pid\norder = ascending\ntheme = x\n"
				  "columns = pid\nleak_sensitivity = low\nreadonly = yes";

	(void)state;
	assert_update("# dos\r\nsort = pid\r\n\r\ncolour = no\r\n", &edited,
		      "# dos\r\nsort = growth\r\n\r\ncolour = no\r\ninterval = 2.5\r\n"
		      "order = descending\r\ntheme = dracula\r\ncolumns = pid,rss,delta,command\r\n"
		      "leak_sensitivity = high\r\nreadonly = no\r\n");
	assert_update("# no newline at the end\nsort = pid", &edited,
		      "# no newline at the end\nsort = growth\ninterval = 2.5\norder = descending\n"
		      "theme = dracula\ncolumns = pid,rss,delta,command\nleak_sensitivity = high\n"
		      "readonly = no\n");
	assert_update(all, &edited,
		      "interval = 2.5\nsort = growth\norder = descending\ntheme = dracula\n"
		      "columns = pid,rss,delta,command\nleak_sensitivity = high\nreadonly = no");
}

// A value that would make its line too long for kvfile: that line is written
// plainly, "key = value"; a line already too long is kept (loading skips it).
static void test_update_long_lines(void **state)
{
	struct rc_settings s = edited;
	char old[2048], want[4096], spaces[401];

	(void)state;
	memset(spaces, ' ', 400);
	spaces[400] = '\0';
	memset(s.theme, 't', 200);
	s.theme[200] = '\0';
	snprintf(old, sizeof old, "#%s%s\n%stheme = x\ninterval = 2.5\nsort = growth\n"
		 "order = descending\ncolumns = pid,rss,delta,command\nleak_sensitivity = high\n"
		 "readonly = no\n", spaces, spaces, spaces);
	snprintf(want, sizeof want, "#%s%s\ntheme = %s\ninterval = 2.5\nsort = growth\n"
		 "order = descending\ncolumns = pid,rss,delta,command\nleak_sensitivity = high\n"
		 "readonly = no\n", spaces, spaces, s.theme);
	assert_update(old, &s, want);
}

// What cannot be written is refused with a reason, not written wrong: a theme
// name on two lines or with blanks at its ends, old text that is not text
// (kvfile would stop there and never read the keys added after), too small a
// buffer.
static void test_update_refuses(void **state)
{
	static const char *const themes[] = { "two\nlines", "cr\r", " lead", "trail\t", "bad\xff" };
	struct rc_settings s = edited;
	char out[4096];
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof themes / sizeof themes[0]; i++) {
		snprintf(s.theme, sizeof s.theme, "%s", themes[i]);
		update_text("", 0, &s, out, sizeof out, &why);
		if (!why || !strstr(why, "theme"))
			fail_msg("theme '%s' written (%s)", themes[i], why ? why : "no reason");
		assert_int_equal(rc_format(&s, out, sizeof out), 0);
	}
	update_text("sort = pid\n\0\0\n", 14, &edited, out, sizeof out, &why);
	assert_non_null(why);
	assert_non_null(strstr(why, "not a text file"));
	update_text("sort = pid\n", 11, &edited, out, 40, &why);
	assert_non_null(why);
	assert_non_null(strstr(why, "too long"));
}

/* ---- rc_apply ------------------------------------------------------------ */

// Runs cli_parse on a NULL-terminated argument list (argv[0] added).
static void parse_args(struct options *opts, ...)
{
	char *argv[16], err[256];
	int argc = 0;
	va_list ap;
	const char *a;

	argv[argc++] = strdup("memtop");
	va_start(ap, opts);
	while ((a = va_arg(ap, const char *)) && argc < 15)
		argv[argc++] = strdup(a);
	va_end(ap);
	argv[argc] = NULL;
	if (cli_parse(argc, argv, opts, err, sizeof err) != CLI_RUN)
		fail_msg("cli_parse: %s", err);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
}

// An rc that sets everything, to differ from both the defaults and the command lines below.
static struct rc_settings full_rc(void)
{
	struct rc_settings s;
	struct errors errs;

	assert_int_equal(parse_text("interval = 7\nsort = heap\norder = ascending\n"
				    "theme = light\ncolumns = pid,swap\n"
				    "leak_sensitivity = low\n", &s, &errs), 0);
	return s;
}

// Without command-line options the rc sets everything.
static void test_apply_without_command_line(void **state)
{
	struct rc_settings s = full_rc();
	struct options opts;

	(void)state;
	parse_args(&opts, (const char *)NULL);
	rc_apply(&s, &opts);
	assert_float_equal(opts.interval_s, 7, 0);
	assert_int_equal(opts.sort_key, SORT_HEAP);
	assert_int_equal(opts.order, ORDER_ASCENDING);
	assert_string_equal(opts.theme, "light");
	assert_int_equal(opts.columns, COLUMN_BIT(COL_PID) | COLUMN_BIT(COL_SWAP) |
			 COLUMN_BIT(COL_COMMAND));
	assert_int_equal(opts.sensitivity, LEAK_SENS_LOW);
	cli_free(&opts);
}

// Interval, sort, theme and sensitivity from the command line win; the rc's
// order does not apply to a command-line sort key; columns come from the rc.
static void test_apply_command_line_wins(void **state)
{
	struct rc_settings s = full_rc();
	struct options opts;

	(void)state;
	parse_args(&opts, "-d", "3", "-s", "pid", "--theme", "dracula", "--leak-sensitivity",
		   "high", (const char *)NULL);
	rc_apply(&s, &opts);
	assert_float_equal(opts.interval_s, 3, 0);
	assert_int_equal(opts.sort_key, SORT_PID);
	assert_int_equal(opts.order, ORDER_NATURAL);
	assert_string_equal(opts.theme, "dracula");
	assert_int_equal(opts.sensitivity, LEAK_SENS_HIGH);
	assert_int_equal(opts.columns, COLUMN_BIT(COL_PID) | COLUMN_BIT(COL_SWAP) |
			 COLUMN_BIT(COL_COMMAND));
	cli_free(&opts);
}

// Each command-line setting wins alone; the rc fills in the rest.
static void test_apply_each_option_alone(void **state)
{
	struct rc_settings s = full_rc();
	struct options opts;

	(void)state;
	parse_args(&opts, "--delay", "0.5", (const char *)NULL);
	rc_apply(&s, &opts);
	assert_float_equal(opts.interval_s, 0.5, 0);
	assert_int_equal(opts.sort_key, SORT_HEAP);
	assert_int_equal(opts.order, ORDER_ASCENDING);
	assert_string_equal(opts.theme, "light");
	assert_int_equal(opts.sensitivity, LEAK_SENS_LOW);
	cli_free(&opts);

	parse_args(&opts, "-t", "./x.theme", (const char *)NULL);
	rc_apply(&s, &opts);
	assert_string_equal(opts.theme, "./x.theme");
	assert_float_equal(opts.interval_s, 7, 0);
	assert_int_equal(opts.sort_key, SORT_HEAP);
	cli_free(&opts);

	parse_args(&opts, "--leak-sensitivity", "normal", (const char *)NULL);
	rc_apply(&s, &opts);
	assert_int_equal(opts.sensitivity, LEAK_SENS_NORMAL);   // the default, but given
	assert_string_equal(opts.theme, "light");
	cli_free(&opts);

	// -s rss is the default key, but given: the rc's key and order stay out.
	parse_args(&opts, "--sort", "rss", (const char *)NULL);
	rc_apply(&s, &opts);
	assert_int_equal(opts.sort_key, SORT_RSS);
	assert_int_equal(opts.order, ORDER_NATURAL);
	assert_float_equal(opts.interval_s, 7, 0);
	cli_free(&opts);
}

// An rc order without an rc sort key applies to the default key, unless -s was given.
static void test_apply_order_alone(void **state)
{
	struct rc_settings s;
	struct errors errs;
	struct options opts;

	(void)state;
	assert_int_equal(parse_text("order = descending\n", &s, &errs), 0);
	parse_args(&opts, (const char *)NULL);
	rc_apply(&s, &opts);
	assert_int_equal(opts.sort_key, SORT_RSS);
	assert_int_equal(opts.order, ORDER_DESCENDING);
	cli_free(&opts);

	parse_args(&opts, "-s", "command", (const char *)NULL);
	rc_apply(&s, &opts);
	assert_int_equal(opts.sort_key, SORT_COMMAND);
	assert_int_equal(opts.order, ORDER_NATURAL);
	cli_free(&opts);
}

// An rc that sets nothing (or only bad lines) changes nothing.
static void test_apply_nothing(void **state)
{
	struct rc_settings s;
	struct errors errs;
	struct options opts, before;

	(void)state;
	assert_int_equal(parse_text("interval = 0\nsort = size\ntheme =\ncolumns = x\n", &s, &errs),
			 4);
	parse_args(&opts, (const char *)NULL);
	before = opts;
	rc_apply(&s, &opts);
	assert_float_equal(opts.interval_s, before.interval_s, 0);
	assert_int_equal(opts.sort_key, before.sort_key);
	assert_int_equal(opts.order, before.order);
	assert_string_equal(opts.theme, before.theme);
	assert_int_equal(opts.columns, before.columns);
	assert_int_equal(opts.sensitivity, before.sensitivity);
	cli_free(&opts);
}

// readonly = yes|no: parsed, reported when bad; the file can turn it on
// but a --readonly on the command line stays on whatever the file says.
static void test_readonly_setting(void **state)
{
	struct rc_settings s;
	struct errors errs;
	struct options o;
	char err[160];
	char *argv[] = { "memtop", "--readonly", NULL };

	(void)state;
	assert_int_equal(parse_text("readonly = yes\n", &s, &errs), 0);
	assert_true((s.have & RC_HAVE_READONLY) && s.readonly);
	assert_int_equal(parse_text("readonly = no\n", &s, &errs), 0);
	assert_true((s.have & RC_HAVE_READONLY) && !s.readonly);
	assert_int_equal(parse_text("readonly = maybe\n", &s, &errs), 1);
	assert_false(s.have & RC_HAVE_READONLY);
	cli_defaults(&o);
	assert_int_equal(parse_text("readonly = yes\n", &s, &errs), 0);
	rc_apply(&s, &o);
	assert_true(o.readonly);
	assert_int_equal(cli_parse(2, argv, &o, err, sizeof err), CLI_RUN);
	assert_int_equal(parse_text("readonly = no\n", &s, &errs), 0);
	rc_apply(&s, &o);
	assert_true(o.readonly);
	cli_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readonly_setting),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_every_value),
		cmocka_unit_test(test_bad_unknown_key),
		cmocka_unit_test(test_bad_interval_zero),
		cmocka_unit_test(test_bad_interval_abc),
		cmocka_unit_test(test_bad_interval_range),
		cmocka_unit_test(test_bad_sort_key),
		cmocka_unit_test(test_bad_order),
		cmocka_unit_test(test_bad_empty_theme),
		cmocka_unit_test(test_bad_unknown_column),
		cmocka_unit_test(test_bad_empty_column),
		cmocka_unit_test(test_bad_sensitivity),
		cmocka_unit_test(test_bad_duplicate_key),
		cmocka_unit_test(test_bad_column_lists),
		cmocka_unit_test(test_parse_many_problems),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_round_trip_keeps_interval_precision),
		cmocka_unit_test(test_format_text),
		cmocka_unit_test(test_update_keeps_hand_edits),
		cmocka_unit_test(test_update_effective_line),
		cmocka_unit_test(test_update_empty_is_format),
		cmocka_unit_test(test_update_line_ends),
		cmocka_unit_test(test_update_long_lines),
		cmocka_unit_test(test_update_refuses),
		cmocka_unit_test(test_apply_without_command_line),
		cmocka_unit_test(test_apply_command_line_wins),
		cmocka_unit_test(test_apply_each_option_alone),
		cmocka_unit_test(test_apply_order_alone),
		cmocka_unit_test(test_apply_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
