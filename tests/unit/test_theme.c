/* test_theme.c — theme styles, theme files (good, malformed and every shipped
 * one), the built-in themes, and matching a colour to the nearest one an 8-,
 * 16-, 88- or 256-colour terminal has. */
#include "fixture.h"

#include <dirent.h>

#include "conf/config.h"
#include "conf/theme.h"

#ifndef THEMES
#error "THEMES must name the themes directory"
#endif


// The problems one parse reported.
static struct theme_color idx(uint32_t i)
{
	return (struct theme_color){ THEME_COLOR_INDEX, i };
}

static struct theme_color rgb(uint32_t v)
{
	return (struct theme_color){ THEME_COLOR_RGB, v };
}

static const struct theme_color dflt = { THEME_COLOR_DEFAULT, 0 };

static bool color_equal(struct theme_color a, struct theme_color b)
{
	return a.kind == b.kind && (a.kind == THEME_COLOR_DEFAULT || a.value == b.value);
}

static bool style_equal(const struct theme_style *a, const struct theme_style *b)
{
	return color_equal(a->fg, b->fg) && color_equal(a->bg, b->bg) && a->attrs == b->attrs;
}

// Fails, naming the role, unless the style is fg on bg with attrs.
static void assert_style(const struct theme_style *s, struct theme_color fg, struct theme_color bg,
			 unsigned attrs, const char *what)
{
	struct theme_style want = { fg, bg, attrs };

	if (!style_equal(s, &want))
		fail_msg("%s: got fg %d/%#x bg %d/%#x attrs %#x, want fg %d/%#x bg %d/%#x attrs %#x",
			 what, s->fg.kind, s->fg.value, s->bg.kind, s->bg.value, s->attrs,
			 fg.kind, fg.value, bg.kind, bg.value, attrs);
}

static void assert_themes_equal(const struct theme *a, const struct theme *b, const char *what)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if (!style_equal(&a->role[r], &b->role[r]))
			fail_msg("%s: role %s differs", what, theme_role_key((enum ui_role)r));
}

// Every role set to s.
static void theme_fill(struct theme *t, struct theme_style s)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		t->role[r] = s;
}

// Parses a style that must be good.
static struct theme_style style_of(const char *value)
{
	struct theme_style s;
	char buf[KVFILE_WHY_MAX];
	const char *why = theme_parse_style(value, &s, buf, sizeof buf);

	if (why)
		fail_msg("'%s' rejected: %s", value, why);
	return s;
}

// Parses text (an exact-size copy) over *t; returns the problem count.
static unsigned parse_text(const char *text, size_t len, struct theme *t, struct errors *errs)
{
	char *buf = test_bytes(text, len);
	unsigned n;

	memset(errs, 0, sizeof *errs);
	n = theme_parse(buf, len, t, on_error, errs);
	free(buf);
	return n;
}

// Parses a fixture file (relative to FIXTURES, or absolute) over *t.
static unsigned parse_file(const char *rel, struct theme *t, struct errors *errs)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	unsigned n;

	memset(errs, 0, sizeof *errs);
	n = theme_parse(buf, len, t, on_error, errs);
	free(buf);
	return n;
}

/* ---- roles and styles ---------------------------------------------------- */

// Each role has its own key, and "KEY = red" sets that role and no other.
static void test_role_keys_round_trip(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE_COUNT; r++) {
		const char *key = theme_role_key((enum ui_role)r);
		struct theme t = { 0 };
		struct errors errs;
		char text[128];
		int n;

		assert_non_null(key);
		assert_string_not_equal(key, "?");
		for (int o = 0; o < r; o++)
			assert_string_not_equal(key, theme_role_key((enum ui_role)o));
		n = snprintf(text, sizeof text, "%s = red\n", key);
		assert_int_equal(parse_text(text, (size_t)n, &t, &errs), 0);
		for (int o = 0; o < ROLE_COUNT; o++)
			assert_style(&t.role[o], o == r ? idx(1) : dflt, dflt, 0,
				     theme_role_key((enum ui_role)o));
	}
	assert_string_equal(theme_role_key(ROLE_COUNT), "?");
	assert_string_equal(theme_role_key(ROLE_NORMAL), "text");
	assert_string_equal(theme_role_key(ROLE_METER_USED), "meter.used");
	assert_string_equal(theme_role_key(ROLE_PSI_CRIT), "psi.critical");
}

// The sixteen colour names are indices 0-15; "default" is the terminal's colour.
static void test_style_color_names(void **state)
{
	static const char *const names[16] = {
		"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
		"bright-black", "bright-red", "bright-green", "bright-yellow",
		"bright-blue", "bright-magenta", "bright-cyan", "bright-white",
	};
	struct theme_style s;

	(void)state;
	for (unsigned i = 0; i < 16; i++) {
		char on[64];

		s = style_of(names[i]);
		assert_style(&s, idx(i), dflt, 0, names[i]);
		snprintf(on, sizeof on, "on %s", names[i]);
		s = style_of(on);
		assert_style(&s, dflt, idx(i), 0, on);
	}
	s = style_of("default");
	assert_style(&s, dflt, dflt, 0, "default");
	s = style_of("default on default");
	assert_style(&s, dflt, dflt, 0, "default on default");
}

// Palette indices 0-255 are taken as they are.
static void test_style_palette_index(void **state)
{
	struct theme_style s;

	(void)state;
	s = style_of("0");
	assert_style(&s, idx(0), dflt, 0, "0");
	s = style_of("255");
	assert_style(&s, idx(255), dflt, 0, "255");
	s = style_of("196 on 17");
	assert_style(&s, idx(196), idx(17), 0, "196 on 17");
}

// #rrggbb in any case is an RGB colour.
static void test_style_hex(void **state)
{
	struct theme_style s;

	(void)state;
	s = style_of("#ff8000");
	assert_style(&s, rgb(0xff8000), dflt, 0, "#ff8000");
	s = style_of("#FF8000");
	assert_style(&s, rgb(0xff8000), dflt, 0, "#FF8000");
	s = style_of("#AbCdEf on #000000");
	assert_style(&s, rgb(0xabcdef), rgb(0), 0, "#AbCdEf on #000000");
	s = style_of("#ffffff");
	assert_style(&s, rgb(0xffffff), dflt, 0, "#ffffff");
}

// FG, "on BG" and attributes combine; tabs and repeated spaces separate words.
static void test_style_on_and_attributes(void **state)
{
	static const struct {
		const char *name;
		unsigned bit;
	} attrs[] = {
		{ "bold", THEME_BOLD }, { "dim", THEME_DIM }, { "underline", THEME_UNDERLINE },
		{ "reverse", THEME_REVERSE }, { "italic", THEME_ITALIC }, { "blink", THEME_BLINK },
		{ "standout", THEME_STANDOUT },
	};
	struct theme_style s;
	unsigned all = 0;
	char every[128] = "red on blue";

	(void)state;
	for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
		s = style_of(attrs[i].name);
		assert_style(&s, dflt, dflt, attrs[i].bit, attrs[i].name);
		all |= attrs[i].bit;
		strcat(every, " ");
		strcat(every, attrs[i].name);
	}
	s = style_of(every);
	assert_style(&s, idx(1), idx(4), all, every);
	s = style_of("white on #d70000 bold");
	assert_style(&s, idx(7), rgb(0xd70000), THEME_BOLD, "README example");
	s = style_of("black\ton   cyan\tbold bold");
	assert_style(&s, idx(0), idx(6), THEME_BOLD, "tabs and a repeated attribute");
	s = style_of("on red blink");
	assert_style(&s, dflt, idx(1), THEME_BLINK, "on red blink");
}

// "none" is no colour and no attribute.
static void test_style_none(void **state)
{
	struct theme_style s = { idx(3), idx(4), THEME_BOLD };
	char why[KVFILE_WHY_MAX];

	(void)state;
	assert_null(theme_parse_style("none", &s, why, sizeof why));
	assert_style(&s, dflt, dflt, 0, "none");
	assert_false(theme_style_has_color(&s));
}

// Every malformed style is refused with its reason, and the output is left alone.
static void test_style_errors(void **state)
{
	static const struct {
		const char *value, *reason;
	} bad[] = {
		{ "purple", "unknown colour or attribute 'purple'" },
		{ "red purple", "unknown colour or attribute 'purple'" },
		{ "Red", "unknown colour or attribute 'Red'" },
		{ "-1", "unknown colour or attribute '-1'" },
		{ "#12345", "bad colour '#12345'" },
		{ "#1234567", "bad colour '#1234567'" },
		{ "#gggggg", "bad colour '#gggggg'" },
		{ "#abcdefg", "bad colour '#abcdefg'" },
		{ "#", "bad colour '#'" },
		{ "256", "bad colour '256'" },
		{ "1000", "bad colour '1000'" },
		{ "on", "'on' must be followed by a colour" },
		{ "red on", "'on' must be followed by a colour" },
		{ "red on bold", "'on' must be followed by a colour" },
		{ "on none", "'on' must be followed by a colour" },
		{ "on purple", "'on' must be followed by a colour" },
		{ "red on blue on green", "'on' given twice" },
		{ "on on red", "'on' given twice" },
		{ "bold red", "a colour must come first, or after 'on'" },
		{ "red blue", "a colour must come first, or after 'on'" },
		{ "on blue red", "a colour must come first, or after 'on'" },
		{ "red on blue bold green", "a colour must come first, or after 'on'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct theme_style s = { idx(42), rgb(0x123456), THEME_ITALIC };
		char buf[KVFILE_WHY_MAX];
		const char *why = theme_parse_style(bad[i].value, &s, buf, sizeof buf);

		if (!why)
			fail_msg("'%s' accepted", bad[i].value);
		if (!strstr(why, bad[i].reason))
			fail_msg("'%s': reason '%s' lacks '%s'", bad[i].value, why, bad[i].reason);
		assert_style(&s, idx(42), rgb(0x123456), THEME_ITALIC, bad[i].value);
	}
}

// A style has colour when either fg or bg is not the default.
static void test_style_has_color(void **state)
{
	struct theme_style s;

	(void)state;
	s = style_of("none");
	assert_false(theme_style_has_color(&s));
	s = style_of("reverse bold");
	assert_false(theme_style_has_color(&s));
	s = style_of("default on default underline");
	assert_false(theme_style_has_color(&s));
	s = style_of("black");
	assert_true(theme_style_has_color(&s));
	s = style_of("on 0");
	assert_true(theme_style_has_color(&s));
	s = style_of("default on #000000");
	assert_true(theme_style_has_color(&s));
}

/* ---- theme files --------------------------------------------------------- */

// A good file sets the roles it names, exactly; the others keep what *t held.
static void test_parse_good_fixture(void **state)
{
	struct theme t, base;
	struct errors errs;

	(void)state;
	config_builtin_theme(&base, false);
	t = base;
	assert_int_equal(parse_file("theme/good.theme", &t, &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_style(&t.role[ROLE_NORMAL], rgb(0xc0c0c0), rgb(0x101010), 0, "text");
	assert_style(&t.role[ROLE_LABEL], idx(14), dflt, THEME_BOLD, "header.label");
	assert_style(&t.role[ROLE_METER_USED], idx(2), dflt, THEME_BOLD, "meter.used");
	assert_style(&t.role[ROLE_METER_CACHE], idx(178), dflt, 0, "meter.cache");
	assert_style(&t.role[ROLE_LEAK], idx(7), rgb(0xd70000), THEME_BOLD, "leak");
	assert_style(&t.role[ROLE_SELECTION], idx(0), idx(6), 0, "selection");
	assert_style(&t.role[ROLE_STATUS], dflt, dflt, 0, "status");
	assert_style(&t.role[ROLE_TABLE_HEADER], dflt, dflt, THEME_REVERSE | THEME_UNDERLINE,
		     "table.header");
	assert_style(&t.role[ROLE_ALERT], dflt, idx(1), THEME_BLINK, "alert");
	assert_style(&t.role[ROLE_PSI_CRIT], idx(15), idx(124), THEME_BOLD, "psi.critical");
	// Not named in the file: the built-in default's.
	assert_true(style_equal(&t.role[ROLE_PROMPT], &base.role[ROLE_PROMPT]));
	assert_true(style_equal(&t.role[ROLE_METER_SWAP], &base.role[ROLE_METER_SWAP]));
	assert_true(style_equal(&t.role[ROLE_SPARK_HIGH], &base.role[ROLE_SPARK_HIGH]));
}

// Starts every role at a recognisable style, for the malformed-file tests.
static void sentinel_theme(struct theme *t)
{
	theme_fill(t, (struct theme_style){ idx(201), idx(202), THEME_STANDOUT });
}

static void assert_sentinel(const struct theme *t, enum ui_role r)
{
	assert_style(&t->role[r], idx(201), idx(202), THEME_STANDOUT, theme_role_key(r));
}

// An unknown key is reported at its line; the good lines around it apply.
static void test_fixture_unknown_key(void **state)
{
	struct theme t;
	struct errors errs;

	(void)state;
	sentinel_theme(&t);
	assert_int_equal(parse_file("theme/unknown_key.theme", &t, &errs), 1);
	assert_int_equal(errs.n, 1);
	assert_error(&errs, 0, 3, "unknown key 'header.colour'");
	assert_style(&t.role[ROLE_NORMAL], idx(7), dflt, 0, "text");
	assert_style(&t.role[ROLE_SELECTION], idx(0), idx(6), 0, "selection");
	assert_sentinel(&t, ROLE_LABEL);
}

// A bad colour is reported at its line and its role keeps the previous style.
static void test_fixture_bad_colour(void **state)
{
	struct theme t;
	struct errors errs;

	(void)state;
	sentinel_theme(&t);
	assert_int_equal(parse_file("theme/bad_colour.theme", &t, &errs), 1);
	assert_int_equal(errs.n, 1);
	assert_error(&errs, 0, 4, "bad colour '#12345'");
	assert_sentinel(&t, ROLE_METER_USED);
	assert_style(&t.role[ROLE_NORMAL], idx(7), dflt, 0, "text");
	assert_style(&t.role[ROLE_SELECTION], idx(0), idx(6), 0, "selection");
}

// A line without '=' is reported at its line; the role it meant keeps its style.
static void test_fixture_no_equals(void **state)
{
	struct theme t;
	struct errors errs;

	(void)state;
	sentinel_theme(&t);
	assert_int_equal(parse_file("theme/no_equals.theme", &t, &errs), 1);
	assert_int_equal(errs.n, 1);
	assert_error(&errs, 0, 3, "expected 'key = value'");
	assert_sentinel(&t, ROLE_SELECTION);
	assert_style(&t.role[ROLE_NORMAL], idx(7), dflt, 0, "text");
	assert_style(&t.role[ROLE_LEAK], idx(1), dflt, THEME_BOLD, "leak");
}

// A role given twice is reported at the second line; the first one is kept.
static void test_fixture_duplicate_role(void **state)
{
	struct theme t;
	struct errors errs;

	(void)state;
	sentinel_theme(&t);
	assert_int_equal(parse_file("theme/duplicate_role.theme", &t, &errs), 1);
	assert_int_equal(errs.n, 1);
	assert_error(&errs, 0, 5, "role given twice");
	assert_style(&t.role[ROLE_SELECTION], idx(0), idx(6), 0, "selection");
	assert_style(&t.role[ROLE_LEAK], idx(1), dflt, THEME_BOLD, "leak");
}

// NUL bytes are reported once at their line; nothing after them applies.
static void test_fixture_binary(void **state)
{
	struct theme t;
	struct errors errs;
	size_t len;
	char *buf = fixture_read("theme/binary.theme", &len);

	(void)state;
	assert_non_null(memchr(buf, '\0', len));        // the fixture really is binary
	free(buf);
	sentinel_theme(&t);
	assert_int_equal(parse_file("theme/binary.theme", &t, &errs), 1);
	assert_int_equal(errs.n, 1);
	assert_error(&errs, 0, 3, "not a text file");
	assert_style(&t.role[ROLE_NORMAL], idx(7), dflt, 0, "text");
	assert_sentinel(&t, ROLE_SELECTION);
	assert_sentinel(&t, ROLE_LEAK);
}

// Invalid UTF-8 is reported once at its line; nothing after it applies.
static void test_fixture_invalid_utf8(void **state)
{
	struct theme t;
	struct errors errs;

	(void)state;
	sentinel_theme(&t);
	assert_int_equal(parse_file("theme/invalid_utf8.theme", &t, &errs), 1);
	assert_int_equal(errs.n, 1);
	assert_error(&errs, 0, 3, "not a text file");
	assert_style(&t.role[ROLE_NORMAL], idx(7), dflt, 0, "text");
	assert_sentinel(&t, ROLE_LABEL);
	assert_sentinel(&t, ROLE_LEAK);
}

// A line over KVFILE_LINE_MAX is reported at its line; the next lines still apply.
static void test_fixture_long_line(void **state)
{
	struct theme t;
	struct errors errs;

	(void)state;
	sentinel_theme(&t);
	assert_int_equal(parse_file("theme/long_line.theme", &t, &errs), 1);
	assert_int_equal(errs.n, 1);
	assert_error(&errs, 0, 3, "line too long");
	assert_sentinel(&t, ROLE_STATUS);
	assert_style(&t.role[ROLE_NORMAL], idx(7), dflt, 0, "text");
	assert_style(&t.role[ROLE_LEAK], idx(1), dflt, THEME_BOLD, "leak");
}

// An empty value is reported at its line; its role keeps the previous style.
static void test_fixture_empty_value(void **state)
{
	struct theme t;
	struct errors errs;

	(void)state;
	sentinel_theme(&t);
	assert_int_equal(parse_file("theme/empty_value.theme", &t, &errs), 1);
	assert_int_equal(errs.n, 1);
	assert_error(&errs, 0, 4, "missing value");
	assert_sentinel(&t, ROLE_LEAK);
	assert_style(&t.role[ROLE_SELECTION], idx(0), idx(6), 0, "selection");
	assert_style(&t.role[ROLE_ALERT], idx(7), idx(1), 0, "alert");
}

// Several problems in one text: each reported once at its own line, in order.
static void test_parse_counts_every_problem(void **state)
{
	static const char text[] = "text = white\n"
				   "selection = purple\n"
				   "nonsense = red\n"
				   "\n"
				   "leak = red on\n"
				   "text = black\n"
				   "alert = bold red\n"
				   "dim\n"
				   "prompt = yellow\n";
	struct theme t;
	struct errors errs;

	(void)state;
	sentinel_theme(&t);
	assert_int_equal(parse_text(text, sizeof text - 1, &t, &errs), 6);
	assert_int_equal(errs.n, 6);
	assert_error(&errs, 0, 2, "unknown colour or attribute 'purple'");
	assert_error(&errs, 1, 3, "unknown key 'nonsense'");
	assert_error(&errs, 2, 5, "'on' must be followed by a colour");
	assert_error(&errs, 3, 6, "role given twice");
	assert_error(&errs, 4, 7, "a colour must come first");
	assert_error(&errs, 5, 8, "expected 'key = value'");
	assert_style(&t.role[ROLE_NORMAL], idx(7), dflt, 0, "text");
	assert_style(&t.role[ROLE_PROMPT], idx(3), dflt, 0, "prompt");
	assert_sentinel(&t, ROLE_SELECTION);
	assert_sentinel(&t, ROLE_LEAK);
	assert_sentinel(&t, ROLE_ALERT);
	assert_sentinel(&t, ROLE_DIM);
}

/* ---- shipped and built-in themes ------------------------------------------ */

// Every themes/*.theme parses without a problem and sets every role itself:
// parsed over two different starting themes, it gives the same theme.
static void test_every_shipped_theme_loads_cleanly(void **state)
{
	DIR *d = opendir(THEMES);
	struct dirent *e;
	unsigned found = 0;
	size_t readme_len;
	char *readme = fixture_read(THEMES "/README.md", &readme_len);
	char *readme_z = calloc(1, readme_len + 1);

	(void)state;
	assert_non_null(d);
	assert_non_null(readme_z);
	memcpy(readme_z, readme, readme_len);
	free(readme);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char path[4096], quoted[300];
		struct theme a, b;
		struct errors errs;

		if (n <= 6 || strcmp(e->d_name + n - 6, ".theme") != 0)
			continue;
		found++;
		snprintf(path, sizeof path, "%s/%s", THEMES, e->d_name);
		theme_fill(&a, (struct theme_style){ idx(123), idx(45), THEME_STANDOUT });
		theme_fill(&b, (struct theme_style){ rgb(0x010203), rgb(0x040506), THEME_BLINK });
		if (parse_file(path, &a, &errs) != 0 || errs.n)
			fail_msg("%s:%u: %s", e->d_name, errs.n ? errs.e[0].line : 0,
				 errs.n ? errs.e[0].reason : "problems counted but not reported");
		assert_int_equal(parse_file(path, &b, &errs), 0);
		for (int r = 0; r < ROLE_COUNT; r++)
			if (!style_equal(&a.role[r], &b.role[r]))
				fail_msg("%s leaves role %s to the fallback", e->d_name,
					 theme_role_key((enum ui_role)r));
		// The README's table documents each shipped theme.
		snprintf(quoted, sizeof quoted, "| `%.*s` |", (int)(n - 6), e->d_name);
		if (!strstr(readme_z, quoted))
			fail_msg("themes/README.md does not list %s", e->d_name);
	}
	closedir(d);
	free(readme_z);
	if (found < 6)
		fail_msg("only %u themes found in %s", found, THEMES);
}

// The compiled-in default theme is themes/default.theme.
static void test_builtin_default_matches_file(void **state)
{
	struct theme builtin, file = { 0 };
	struct errors errs;

	(void)state;
	config_builtin_theme(&builtin, false);
	assert_int_equal(parse_file(THEMES "/default.theme", &file, &errs), 0);
	assert_themes_equal(&builtin, &file, "built-in default");
	// Not trivially equal: the default theme has colours.
	assert_true(theme_style_has_color(&builtin.role[ROLE_SELECTION]));
}

// The compiled-in mono theme is themes/mono.theme (over the default, as loaded).
static void test_builtin_mono_matches_file(void **state)
{
	struct theme builtin, file = { 0 }, alone = { 0 };
	struct errors errs;

	(void)state;
	config_builtin_theme(&builtin, true);
	assert_int_equal(parse_file(THEMES "/default.theme", &file, &errs), 0);
	assert_int_equal(parse_file(THEMES "/mono.theme", &file, &errs), 0);
	assert_themes_equal(&builtin, &file, "built-in mono");
	assert_int_equal(parse_file(THEMES "/mono.theme", &alone, &errs), 0);
	assert_themes_equal(&builtin, &alone, "mono without the default under it");
}

// The mono theme, file and built-in, uses no colour in any role.
static void test_mono_has_no_colour(void **state)
{
	struct theme builtin, file;
	struct errors errs;

	(void)state;
	config_builtin_theme(&builtin, true);
	config_builtin_theme(&file, false);
	assert_int_equal(parse_file(THEMES "/mono.theme", &file, &errs), 0);
	for (int r = 0; r < ROLE_COUNT; r++) {
		if (theme_style_has_color(&builtin.role[r]))
			fail_msg("built-in mono: role %s has a colour",
				 theme_role_key((enum ui_role)r));
		if (theme_style_has_color(&file.role[r]))
			fail_msg("mono.theme: role %s has a colour", theme_role_key((enum ui_role)r));
	}
	// Still distinguishable: the selection is drawn in reverse.
	assert_true(builtin.role[ROLE_SELECTION].attrs & THEME_REVERSE);
}

// The default theme keeps to the eight basic colours, as its file says.
static void test_default_uses_basic_colours_only(void **state)
{
	struct theme t;

	(void)state;
	config_builtin_theme(&t, false);
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct theme_color *c[2] = { &t.role[r].fg, &t.role[r].bg };

		for (int i = 0; i < 2; i++)
			if (c[i]->kind == THEME_COLOR_RGB ||
			    (c[i]->kind == THEME_COLOR_INDEX && c[i]->value > 7))
				fail_msg("default: role %s uses a colour beyond the basic eight",
					 theme_role_key((enum ui_role)r));
	}
}

/* ---- colour matching ------------------------------------------------------ */

// The default colour is -1 everywhere; so is any colour with fewer than 8 colours.
static void test_color_default_and_no_colours(void **state)
{
	static const int counts[] = { 8, 16, 88, 256, 16777216 };

	(void)state;
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		assert_int_equal(theme_color_index(dflt, counts[i]), -1);
	for (int n = -1; n < 8; n++) {
		assert_int_equal(theme_color_index(idx(1), n), -1);
		assert_int_equal(theme_color_index(idx(0), n), -1);
		assert_int_equal(theme_color_index(rgb(0xff0000), n), -1);
	}
}

// An index the terminal has is drawn as it is.
static void test_color_index_kept(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(theme_color_index(idx(i), 8), (int)i);
	for (uint32_t i = 0; i < 16; i++)
		assert_int_equal(theme_color_index(idx(i), 16), (int)i);
	assert_int_equal(theme_color_index(idx(87), 88), 87);
	for (uint32_t i = 0; i < 256; i++) {
		assert_int_equal(theme_color_index(idx(i), 256), (int)i);
		assert_int_equal(theme_color_index(idx(i), 16777216), (int)i);
	}
}

// On 256 colours an RGB colour is matched in the cube and the grey ramp.
static void test_color_rgb_on_256(void **state)
{
	(void)state;
	assert_int_equal(theme_color_index(rgb(0xff0000), 256), 196);
	assert_int_equal(theme_color_index(rgb(0x00ff00), 256), 46);
	assert_int_equal(theme_color_index(rgb(0x0000ff), 256), 21);
	assert_int_equal(theme_color_index(rgb(0x5f87af), 256), 67);
	assert_int_equal(theme_color_index(rgb(0xd70000), 256), 160);
	assert_int_equal(theme_color_index(rgb(0x808080), 256), 244);
	assert_int_equal(theme_color_index(rgb(0x080808), 256), 232);
	assert_int_equal(theme_color_index(rgb(0xeeeeee), 256), 255);
	assert_int_equal(theme_color_index(rgb(0x818181), 256), 244);   // nearest, not exact
	// Black and white come from the cube, not the user-redefinable 0-15.
	assert_int_equal(theme_color_index(rgb(0x000000), 256), 16);
	assert_int_equal(theme_color_index(rgb(0xffffff), 256), 231);
	// Every cube and ramp entry finds itself (the ramp's 0x080808 steps are distinct).
	for (unsigned i = 16; i < 256; i++)
		assert_int_equal(theme_color_index(rgb(theme_palette_rgb(i)), 256), (int)i);
}

// On 16 and 8 colours (and 88, whose extra entries are not xterm's), the nearest basic colour.
static void test_color_fallback_16_and_8(void **state)
{
	(void)state;
	assert_int_equal(theme_color_index(rgb(0xff0000), 16), 9);
	assert_int_equal(theme_color_index(rgb(0xff0000), 8), 1);
	assert_int_equal(theme_color_index(rgb(0xff0000), 88), 9);
	assert_int_equal(theme_color_index(rgb(0xd70000), 16), 1);
	assert_int_equal(theme_color_index(rgb(0x00ff00), 16), 10);
	assert_int_equal(theme_color_index(rgb(0x00ff00), 8), 2);
	assert_int_equal(theme_color_index(rgb(0xffff00), 8), 3);
	assert_int_equal(theme_color_index(rgb(0x0000ff), 8), 4);
	assert_int_equal(theme_color_index(rgb(0x000000), 8), 0);
	assert_int_equal(theme_color_index(rgb(0xffffff), 16), 15);
	assert_int_equal(theme_color_index(rgb(0xffffff), 8), 7);
	// Indices the terminal lacks go through their RGB.
	assert_int_equal(theme_color_index(idx(196), 16), 9);
	assert_int_equal(theme_color_index(idx(196), 8), 1);
	assert_int_equal(theme_color_index(idx(46), 16), 10);
	assert_int_equal(theme_color_index(idx(226), 16), 11);
	assert_int_equal(theme_color_index(idx(231), 16), 15);
	assert_int_equal(theme_color_index(idx(16), 16), 0);
	assert_int_equal(theme_color_index(idx(200), 88), theme_color_index(idx(200), 16));
	// Bright colours on 8 colours: their normal counterparts.
	for (uint32_t i = 9; i < 16; i++)
		assert_int_equal(theme_color_index(idx(i), 8), (int)i - 8);
}

// On 8 colours a grey stays a grey (black or white), never a hue: bright-black
// (dim text in many themes) and the mid-grey ramp must not turn cyan.
static void test_color_grey_on_8_is_not_a_hue(void **state)
{
	(void)state;
	for (unsigned i = 232; i < 256; i++) {
		int got = theme_color_index(idx(i), 8);

		if (got != 0 && got != 7)
			fail_msg("grey %u (#%06x) drawn as colour %d on 8 colours", i,
				 theme_palette_rgb(i), got);
	}
	assert_in_set(theme_color_index(rgb(0x808080), 8), ((uintmax_t[]){ 0, 7 }), 2);
	assert_in_set(theme_color_index(idx(8), 8), ((uintmax_t[]){ 0, 7 }), 2);
	// On 16 colours greys already stay grey (0, 7, 8 or 15).
	for (unsigned i = 232; i < 256; i++)
		assert_in_set(theme_color_index(idx(i), 16), ((uintmax_t[]){ 0, 7, 8, 15 }), 4);
}

// Whatever the colour, the index is below the terminal's colour count.
static void test_color_always_in_range(void **state)
{
	static const int counts[] = { 8, 16, 88, 256 };

	(void)state;
	for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
		for (uint32_t i = 0; i < 256; i++) {
			int got = theme_color_index(idx(i), counts[k]);

			assert_true(got >= 0 && got < counts[k]);
		}
		for (uint32_t v = 0; v <= 0xffffff; v += 0x0f0f0f / 3 + 1) {
			int got = theme_color_index(rgb(v), counts[k]);

			assert_true(got >= 0 && got < counts[k]);
		}
	}
}

// The palette is xterm's: the basic 16, the 6x6x6 cube and the grey ramp.
static void test_palette_rgb(void **state)
{
	(void)state;
	assert_int_equal(theme_palette_rgb(0), 0x000000);
	assert_int_equal(theme_palette_rgb(1), 0xcd0000);
	assert_int_equal(theme_palette_rgb(9), 0xff0000);
	assert_int_equal(theme_palette_rgb(15), 0xffffff);
	assert_int_equal(theme_palette_rgb(16), 0x000000);
	assert_int_equal(theme_palette_rgb(67), 0x5f87af);
	assert_int_equal(theme_palette_rgb(196), 0xff0000);
	assert_int_equal(theme_palette_rgb(231), 0xffffff);
	assert_int_equal(theme_palette_rgb(232), 0x080808);
	assert_int_equal(theme_palette_rgb(244), 0x808080);
	assert_int_equal(theme_palette_rgb(255), 0xeeeeee);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_keys_round_trip),
		cmocka_unit_test(test_style_color_names),
		cmocka_unit_test(test_style_palette_index),
		cmocka_unit_test(test_style_hex),
		cmocka_unit_test(test_style_on_and_attributes),
		cmocka_unit_test(test_style_none),
		cmocka_unit_test(test_style_errors),
		cmocka_unit_test(test_style_has_color),
		cmocka_unit_test(test_parse_good_fixture),
		cmocka_unit_test(test_fixture_unknown_key),
		cmocka_unit_test(test_fixture_bad_colour),
		cmocka_unit_test(test_fixture_no_equals),
		cmocka_unit_test(test_fixture_duplicate_role),
		cmocka_unit_test(test_fixture_binary),
		cmocka_unit_test(test_fixture_invalid_utf8),
		cmocka_unit_test(test_fixture_long_line),
		cmocka_unit_test(test_fixture_empty_value),
		cmocka_unit_test(test_parse_counts_every_problem),
		cmocka_unit_test(test_every_shipped_theme_loads_cleanly),
		cmocka_unit_test(test_builtin_default_matches_file),
		cmocka_unit_test(test_builtin_mono_matches_file),
		cmocka_unit_test(test_mono_has_no_colour),
		cmocka_unit_test(test_default_uses_basic_colours_only),
		cmocka_unit_test(test_color_default_and_no_colours),
		cmocka_unit_test(test_color_index_kept),
		cmocka_unit_test(test_color_rgb_on_256),
		cmocka_unit_test(test_color_fallback_16_and_8),
		cmocka_unit_test(test_color_grey_on_8_is_not_a_hue),
		cmocka_unit_test(test_color_always_in_range),
		cmocka_unit_test(test_palette_rgb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
