/* test_kvfile.c — kvfile_parse: the "key = value" line format under comments,
 * blank lines, CRLF, odd spacing, malformed lines, over-long lines and text
 * that is not text (NUL bytes, invalid UTF-8); kvfile_value_span on the same
 * lines. */
#include "fixture.h"

#include "conf/kvfile.h"

#define MAX_SEEN 16

// What one parse produced: the pairs taken and the problems reported.
struct seen {
	unsigned npairs, nerrors;
	struct {
		unsigned line;
		char key[KVFILE_LINE_MAX + 1], value[KVFILE_LINE_MAX + 1];
	} pair[MAX_SEEN];
	struct {
		unsigned line;
		char reason[256];
	} error[MAX_SEEN];
};

// Records a pair; rejects the key "reject" to test on_pair's own reasons.
static const char *on_pair(void *ctx, unsigned line, const char *key, const char *value, char *why,
			   size_t whylen)
{
	struct seen *s = ctx;

	assert_true(s->npairs < MAX_SEEN);
	assert_true(strlen(key) <= KVFILE_LINE_MAX);
	assert_true(strlen(value) <= KVFILE_LINE_MAX);
	s->pair[s->npairs].line = line;
	strcpy(s->pair[s->npairs].key, key);
	strcpy(s->pair[s->npairs].value, value);
	s->npairs++;
	if (strcmp(key, "reject") == 0)
		return "rejected by the caller";
	// A reason written into kvfile_parse's buffer, not a static one.
	assert_true(whylen >= 64);
	snprintf(why, whylen, "caller says no to %.20s", value);
	return strcmp(key, "refuse") == 0 ? why : NULL;
}

static void record_error(void *ctx, unsigned line, const char *reason)
{
	struct seen *s = ctx;

	assert_true(s->nerrors < MAX_SEEN);
	s->error[s->nerrors].line = line;
	snprintf(s->error[s->nerrors].reason, sizeof s->error[0].reason, "%s", reason);
	s->nerrors++;
}

// Parses the first n bytes of text from an exact-size heap copy.
static unsigned parse_n(const char *text, size_t n, struct seen *s)
{
	char *buf = test_bytes(text, n);
	unsigned problems;

	memset(s, 0, sizeof *s);
	problems = kvfile_parse(buf, n, on_pair, s, record_error, s);
	free(buf);
	return problems;
}

static unsigned parse(const char *text, struct seen *s)
{
	return parse_n(text, strlen(text), s);
}

static void assert_pair(const struct seen *s, unsigned i, unsigned line, const char *key,
			const char *value)
{
	assert_true(i < s->npairs);
	assert_int_equal(s->pair[i].line, line);
	assert_string_equal(s->pair[i].key, key);
	assert_string_equal(s->pair[i].value, value);
}

static void assert_seen_error(const struct seen *s, unsigned i, unsigned line, const char *reason_part)
{
	assert_true(i < s->nerrors);
	assert_int_equal(s->error[i].line, line);
	if (!strstr(s->error[i].reason, reason_part))
		fail_msg("reason '%s' lacks '%s'", s->error[i].reason, reason_part);
}

// Keys and values come trimmed of spaces and tabs, in order, with their line.
static void test_pairs_trimmed(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("a = 1\n  b\t=\t two  words \t\nc=3\n", &s), 0);
	assert_int_equal(s.npairs, 3);
	assert_int_equal(s.nerrors, 0);
	assert_pair(&s, 0, 1, "a", "1");
	assert_pair(&s, 1, 2, "b", "two  words");
	assert_pair(&s, 2, 3, "c", "3");
}

// Only the first '=' splits: the value keeps the rest, '=' included; a key keeps inner spaces.
static void test_value_with_equals(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("k = a=b = c\nmy key = v\n", &s), 0);
	assert_pair(&s, 0, 1, "k", "a=b = c");
	assert_pair(&s, 1, 2, "my key", "v");
}

// A comment is a whole line (indented or not); a '#' inside a value is kept.
static void test_comments_whole_line_only(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("# a comment = not a pair\n"
			       "   \t# indented comment\n"
			       "colour = #ff0000\n"
			       "k = v # not a comment\n"
			       "#\n", &s), 0);
	assert_int_equal(s.nerrors, 0);
	assert_int_equal(s.npairs, 2);
	assert_pair(&s, 0, 3, "colour", "#ff0000");
	assert_pair(&s, 1, 4, "k", "v # not a comment");
}

// Blank and whitespace-only lines are skipped but still counted.
static void test_blank_lines_counted(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("\n\n \t \n\r\nk = v\n\n", &s), 0);
	assert_int_equal(s.nerrors, 0);
	assert_int_equal(s.npairs, 1);
	assert_pair(&s, 0, 5, "k", "v");
}

// CRLF line ends leave no '\r' in keys or values and do not shift line numbers.
static void test_crlf(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("# c\r\na = 1\r\nb = two \r\n\r\nc=3\r\nnoeq\r\n", &s), 1);
	assert_int_equal(s.npairs, 3);
	assert_pair(&s, 0, 2, "a", "1");
	assert_pair(&s, 1, 3, "b", "two");
	assert_pair(&s, 2, 5, "c", "3");
	assert_int_equal(s.nerrors, 1);
	assert_seen_error(&s, 0, 6, "expected 'key = value'");
}

// A line without '=' is reported at its line and skipped; the next lines still parse.
static void test_missing_equals(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("a = 1\njust words\nb = 2\n", &s), 1);
	assert_int_equal(s.nerrors, 1);
	assert_seen_error(&s, 0, 2, "expected 'key = value'");
	assert_int_equal(s.npairs, 2);
	assert_pair(&s, 0, 1, "a", "1");
	assert_pair(&s, 1, 3, "b", "2");
}

// "= value" and " \t= value" have an empty key.
static void test_empty_key(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("= v\n \t= w\nk = x\n", &s), 2);
	assert_int_equal(s.nerrors, 2);
	assert_seen_error(&s, 0, 1, "missing key");
	assert_seen_error(&s, 1, 2, "missing key");
	assert_int_equal(s.npairs, 1);
	assert_pair(&s, 0, 3, "k", "x");
}

// "key =" and "key =  \t" have an empty value.
static void test_empty_value(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("k =\nj =  \t\r\ni = 1\n", &s), 2);
	assert_int_equal(s.nerrors, 2);
	assert_seen_error(&s, 0, 1, "missing value");
	assert_seen_error(&s, 1, 2, "missing value");
	assert_int_equal(s.npairs, 1);
	assert_pair(&s, 0, 3, "i", "1");
}

// A line of exactly KVFILE_LINE_MAX bytes parses; one byte more is reported and skipped.
static void test_line_length_limit(void **state)
{
	char text[3 * KVFILE_LINE_MAX];
	char value[KVFILE_LINE_MAX];
	struct seen s;
	size_t vlen = KVFILE_LINE_MAX - 4;     // "k = " + value = KVFILE_LINE_MAX

	(void)state;
	memset(value, 'x', vlen);
	value[vlen] = '\0';
	snprintf(text, sizeof text, "k = %s\nl = %sy\nm = 1\n", value, value);
	assert_int_equal(parse(text, &s), 1);
	assert_int_equal(s.npairs, 2);
	assert_pair(&s, 0, 1, "k", value);
	assert_pair(&s, 1, 3, "m", "1");
	assert_int_equal(s.nerrors, 1);
	assert_seen_error(&s, 0, 2, "line too long");
}

// A long comment or a long run of blanks is still a long line.
static void test_long_comment_is_too_long(void **state)
{
	char text[2 * KVFILE_LINE_MAX];
	struct seen s;

	(void)state;
	text[0] = '#';
	memset(text + 1, 'c', KVFILE_LINE_MAX + 10);
	snprintf(text + 1 + KVFILE_LINE_MAX + 10, sizeof text - KVFILE_LINE_MAX - 11, "\nk = v\n");
	assert_int_equal(parse(text, &s), 1);
	assert_seen_error(&s, 0, 1, "line too long");
	assert_pair(&s, 0, 2, "k", "v");
}

// The last line needs no newline, whether it is a pair or a problem.
static void test_last_line_without_newline(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("a = 1\nb = 2", &s), 0);
	assert_int_equal(s.npairs, 2);
	assert_pair(&s, 1, 2, "b", "2");

	assert_int_equal(parse("a = 1\nb =", &s), 1);
	assert_seen_error(&s, 0, 2, "missing value");

	assert_int_equal(parse("a = 1\nnoeq", &s), 1);
	assert_seen_error(&s, 0, 2, "expected 'key = value'");

	assert_int_equal(parse("# only a comment", &s), 0);
	assert_int_equal(s.npairs + s.nerrors, 0);
}

// Nothing to parse: no callbacks, no problems, and no byte read past the end.
static void test_empty_input(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse_n("", 0, &s), 0);
	assert_int_equal(s.npairs + s.nerrors, 0);
	assert_int_equal(parse("\n", &s), 0);
	assert_int_equal(s.npairs + s.nerrors, 0);
}

// A NUL byte is reported once at its line and ends the walk.
static void test_nul_byte_stops(void **state)
{
	static const char text[] = "a = 1\nb = x\0y\nc = 3\nnoeq\n";
	struct seen s;

	(void)state;
	assert_int_equal(parse_n(text, sizeof text - 1, &s), 1);
	assert_int_equal(s.nerrors, 1);
	assert_seen_error(&s, 0, 2, "not a text file");
	assert_int_equal(s.npairs, 1);
	assert_pair(&s, 0, 1, "a", "1");

	// On the first line, in a comment, or alone: the same.
	assert_int_equal(parse_n("\0\0\0\0\n", 5, &s), 1);
	assert_seen_error(&s, 0, 1, "not a text file");
	assert_int_equal(parse_n("# c\0mment\nk = v\n", 16, &s), 1);
	assert_seen_error(&s, 0, 1, "not a text file");
	assert_int_equal(s.npairs, 0);
	assert_int_equal(parse_n("k = v\n\0", 7, &s), 1);
	assert_seen_error(&s, 0, 2, "not a text file");
	assert_int_equal(s.npairs, 1);
}

// Every kind of invalid UTF-8 is reported once at its line, and the walk stops there.
static void test_invalid_utf8_stops(void **state)
{
	static const struct {
		const char *what, *bytes;
	} bad[] = {
		{ "overlong 2-byte '/'", "\xc0\xaf" },
		{ "overlong 2-byte, C1 lead", "\xc1\xbf" },
		{ "overlong 3-byte", "\xe0\x80\xaf" },
		{ "overlong 4-byte", "\xf0\x82\x82\xac" },
		{ "high surrogate", "\xed\xa0\x80" },
		{ "low surrogate", "\xed\xbf\xbf" },
		{ "past U+10FFFF", "\xf4\x90\x80\x80" },
		{ "lead byte F5", "\xf5\x80\x80\x80" },
		{ "byte FF", "\xff" },
		{ "lone continuation byte", "\x80" },
		{ "truncated 2-byte", "\xc3 x" },
		{ "truncated 3-byte", "\xe2\x82" },
		{ "truncated 4-byte", "\xf0\x9f\x98" },
		{ "ASCII as a continuation", "\xe2\x82\x41" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[128];
		struct seen s;
		int n = snprintf(text, sizeof text, "a = 1\n# ok\nv = %s\nz = 9\nnoeq\n",
				 bad[i].bytes);
		unsigned problems = parse_n(text, (size_t)n, &s);

		if (problems != 1 || s.nerrors != 1 || s.error[0].line != 3 || s.npairs != 1)
			fail_msg("%s: %u problems, %u errors (first at line %u), %u pairs",
				 bad[i].what, problems, s.nerrors, s.nerrors ? s.error[0].line : 0,
				 s.npairs);
		assert_seen_error(&s, 0, 3, "not a text file");
		assert_pair(&s, 0, 1, "a", "1");
	}
}

// A sequence cut off by the end of the buffer (no newline) is invalid too, and not over-read.
static void test_truncated_utf8_at_end_of_buffer(void **state)
{
	static const char *const tails[] = { "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xf0" };

	(void)state;
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		char text[32];
		struct seen s;
		int n = snprintf(text, sizeof text, "a = 1\nv = x%s", tails[i]);

		assert_int_equal(parse_n(text, (size_t)n, &s), 1);
		assert_int_equal(s.nerrors, 1);
		assert_seen_error(&s, 0, 2, "not a text file");
		assert_int_equal(s.npairs, 1);
	}
}

// Valid UTF-8, up to U+10FFFF and around the surrogates, passes through unchanged.
static void test_valid_utf8_accepted(void **state)
{
	static const char value[] = "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80 \xed\x9f\xbf "
				    "\xee\x80\x80 \xf4\x8f\xbf\xbf \xc2\x80";
	char text[128];
	struct seen s;

	(void)state;
	snprintf(text, sizeof text, "# \xe2\x80\x94 comment\nname = %s\n", value);
	assert_int_equal(parse(text, &s), 0);
	assert_int_equal(s.nerrors, 0);
	assert_pair(&s, 0, 2, "name", value);
}

// A reason the callback formats into kvfile_parse's buffer reaches on_error
// whole (no static buffer of the callback's own).
static void test_reason_in_the_callers_buffer(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("refuse = first\nrefuse = second\n", &s), 2);
	assert_seen_error(&s, 0, 1, "caller says no to first");
	assert_seen_error(&s, 1, 2, "caller says no to second");
}

// The count adds on_pair's rejections to kvfile's own problems, each at its line.
static void test_problem_count_and_lines(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("reject = 1\nok = 2\nnoeq\n\n = x\nreject = 3\ny =\n", &s), 5);
	assert_int_equal(s.nerrors, 5);
	assert_seen_error(&s, 0, 1, "rejected by the caller");
	assert_seen_error(&s, 1, 3, "expected 'key = value'");
	assert_seen_error(&s, 2, 5, "missing key");
	assert_seen_error(&s, 3, 6, "rejected by the caller");
	assert_seen_error(&s, 4, 7, "missing value");
	assert_int_equal(s.npairs, 3);
	assert_pair(&s, 1, 2, "ok", "2");
}

// Problems before binary data are counted with it; the binary line is the last reported.
static void test_problems_before_binary(void **state)
{
	static const char text[] = "noeq\nreject = 1\nk = \xff\nnoeq again\n";
	struct seen s;

	(void)state;
	assert_int_equal(parse_n(text, sizeof text - 1, &s), 3);
	assert_int_equal(s.nerrors, 3);
	assert_seen_error(&s, 0, 1, "expected");
	assert_seen_error(&s, 1, 2, "rejected");
	assert_seen_error(&s, 2, 3, "not a text file");
}

// kvfile_value_span finds the value where kvfile_parse takes it from, on
// exactly the lines kvfile_parse passes on: the span is the value it reports.
static void test_value_span(void **state)
{
	static const struct {
		const char *line, *value;        // value NULL: not a setting
	} cases[] = {
		{ "key = value", "value" },
		{ "  key\t=\tsome value  \r", "some value" },
		{ "k=v", "v" },
		{ "theme = #rrggbb # not a comment", "#rrggbb # not a comment" },
		{ "a = b = c", "b = c" },
		{ "# key = value", NULL },
		{ "   ", NULL },
		{ "", NULL },
		{ "no equals", NULL },
		{ " = value", NULL },
		{ "key =  ", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = strlen(cases[i].line), off = 99, vlen = 99;
		char *line = test_bytes(cases[i].line, n);
		bool found = kvfile_value_span(line, n, &off, &vlen);

		if (found != (cases[i].value != NULL))
			fail_msg("'%s': %s", cases[i].line, found ? "a setting" : "not a setting");
		if (found && (vlen != strlen(cases[i].value) ||
			      memcmp(line + off, cases[i].value, vlen) != 0))
			fail_msg("'%s': value '%.*s'", cases[i].line, (int)vlen, line + off);
		free(line);
	}
	assert_true(kvfile_is_text("caf\xc3\xa9", 5));
	assert_false(kvfile_is_text("caf\xc3", 4));
	assert_false(kvfile_is_text("a\0b", 3));
	assert_true(kvfile_is_text("", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_in_the_callers_buffer),
		cmocka_unit_test(test_pairs_trimmed),
		cmocka_unit_test(test_value_with_equals),
		cmocka_unit_test(test_comments_whole_line_only),
		cmocka_unit_test(test_blank_lines_counted),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_missing_equals),
		cmocka_unit_test(test_empty_key),
		cmocka_unit_test(test_empty_value),
		cmocka_unit_test(test_line_length_limit),
		cmocka_unit_test(test_long_comment_is_too_long),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_nul_byte_stops),
		cmocka_unit_test(test_invalid_utf8_stops),
		cmocka_unit_test(test_truncated_utf8_at_end_of_buffer),
		cmocka_unit_test(test_valid_utf8_accepted),
		cmocka_unit_test(test_problem_count_and_lines),
		cmocka_unit_test(test_problems_before_binary),
		cmocka_unit_test(test_value_span),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
