/* test_cli.c — cli_parse: defaults, every option in short and long form,
 * and the errors, each of which must name what was wrong. */
#include "fixture.h"

#include <stdbool.h>

#include "conf/cli.h"
#include "model/proctable.h"

#define ERRLEN 256

// Parses "memtop" followed by the NULL-terminated arguments. getopt may
// permute argv, so it is a fresh array each time. err holds the message.
static enum cli_result parse_args(struct options *o, char *err, const char *first, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	enum cli_result r;

	argv[argc++] = (char *)"memtop";
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *)) {
		assert_true(argc < 31);
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	argv[argc] = NULL;
	r = cli_parse(argc, argv, o, err, ERRLEN);
	assert_int_equal(strnlen(err, ERRLEN) < ERRLEN, 1);   // always terminated
	return r;
}

#define PARSE(o, err, ...) parse_args((o), (err), __VA_ARGS__, (const char *)NULL)

// Asserts that the arguments fail with a message holding each needle.
#define ASSERT_ERROR(needle, ...) do {                                          \
		struct options o_;                                              \
		char err_[ERRLEN];                                              \
		assert_int_equal(PARSE(&o_, err_, __VA_ARGS__), CLI_ERROR);     \
		if (!strstr(err_, (needle)))                                    \
			fail_msg("error \"%s\" does not mention \"%s\"", err_, (needle)); \
		cli_free(&o_);                                                  \
	} while (0)

static void test_defaults(void **state)
{
	struct options o;
	char err[ERRLEN] = "stale";

	(void)state;
	assert_int_equal(parse_args(&o, err, NULL), CLI_RUN);
	assert_string_equal(err, "");
	assert_false(o.batch);
	assert_true(o.interval_s == 1.0);
	assert_int_equal(o.count, 0);
	assert_null(o.pids);
	assert_int_equal(o.npids, 0);
	assert_int_equal(o.format, FORMAT_TABLE);
	assert_int_equal(o.sort_key, SORT_RSS);
	assert_false(o.no_color);
	cli_free(&o);
}

static void test_short_options(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(PARSE(&o, err, "-b", "-d", "0.5", "-n", "3", "-p", "1,2,3"), CLI_RUN);
	assert_true(o.batch);
	assert_float_equal(o.interval_s, 0.5, 1e-12);
	assert_int_equal(o.count, 3);
	assert_int_equal(o.npids, 3);
	assert_int_equal(o.pids[0], 1);
	assert_int_equal(o.pids[1], 2);
	assert_int_equal(o.pids[2], 3);
	cli_free(&o);
	assert_null(o.pids);
	assert_int_equal(o.npids, 0);

	assert_int_equal(PARSE(&o, err, "-bn7", "-d2", "-fcsv", "-p42"), CLI_RUN);   // glued forms
	assert_true(o.batch);
	assert_int_equal(o.count, 7);
	assert_true(o.interval_s == 2.0);
	assert_int_equal(o.format, FORMAT_CSV);
	assert_int_equal(o.npids, 1);
	assert_int_equal(o.pids[0], 42);
	cli_free(&o);
}

static void test_long_options(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(PARSE(&o, err, "--batch", "--delay", "0.25", "--iterations", "10",
			       "--pid", "7,8", "--format", "json", "--sort", "pid", "--no-color"), CLI_RUN);
	assert_true(o.batch);
	assert_float_equal(o.interval_s, 0.25, 1e-12);
	assert_int_equal(o.count, 10);
	assert_int_equal(o.npids, 2);
	assert_int_equal(o.pids[0], 7);
	assert_int_equal(o.pids[1], 8);
	assert_int_equal(o.format, FORMAT_JSON);
	assert_int_equal(o.sort_key, SORT_PID);
	assert_true(o.no_color);
	cli_free(&o);

	assert_int_equal(PARSE(&o, err, "--delay=3", "--iterations=1", "--pid=9", "--format=csv"), CLI_RUN);
	assert_true(o.interval_s == 3.0);
	assert_int_equal(o.count, 1);
	assert_int_equal(o.npids, 1);
	assert_int_equal(o.pids[0], 9);
	assert_int_equal(o.format, FORMAT_CSV);
	cli_free(&o);
}

static void test_formats(void **state)
{
	static const struct { const char *name; enum output_format fmt; } cases[] = {
		{ "table", FORMAT_TABLE }, { "json", FORMAT_JSON }, { "csv", FORMAT_CSV },
	};
	struct options o;
	char err[ERRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(PARSE(&o, err, "--format", "csv", "--format", cases[i].name), CLI_RUN);
		assert_int_equal(o.format, cases[i].fmt);   // the last one wins
		cli_free(&o);
		assert_int_equal(PARSE(&o, err, "-f", cases[i].name), CLI_RUN);
		assert_int_equal(o.format, cases[i].fmt);
		cli_free(&o);
	}
}

static void test_sort_keys(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	for (int k = 0; k < SORT_KEY_COUNT; k++) {
		assert_int_equal(PARSE(&o, err, "-s", sort_key_name((enum sort_key)k)), CLI_RUN);
		assert_int_equal(o.sort_key, k);
		cli_free(&o);
	}
	assert_int_equal(PARSE(&o, err, "--sort=heap"), CLI_RUN);
	assert_int_equal(o.sort_key, SORT_HEAP);
	cli_free(&o);
	ASSERT_ERROR("bogus", "-s", "bogus");
	ASSERT_ERROR("RSS", "--sort", "RSS");
}

static void test_help_and_version(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(PARSE(&o, err, "-h"), CLI_HELP);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--help"), CLI_HELP);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-V"), CLI_VERSION);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--version"), CLI_VERSION);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-b", "-p", "1", "--help"), CLI_HELP);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-x", "--help"), CLI_ERROR);   // the first problem wins
	cli_free(&o);
	assert_non_null(strstr(cli_usage, "--format"));
}

static void test_interval_bounds(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(PARSE(&o, err, "-d", "0.1"), CLI_RUN);
	assert_true(o.interval_s == CLI_MIN_INTERVAL);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-d", "86400"), CLI_RUN);
	assert_true(o.interval_s == CLI_MAX_INTERVAL);
	cli_free(&o);
	ASSERT_ERROR("86400.5", "-d", "86400.5");
}

static void test_interval_errors(void **state)
{
	(void)state;
	ASSERT_ERROR("abc", "-d", "abc");
	ASSERT_ERROR("interval 0 ", "-d", "0");
	ASSERT_ERROR("0.05", "-d", "0.05");
	ASSERT_ERROR("-1", "-d", "-1");
	ASSERT_ERROR("nan", "-d", "nan");
	ASSERT_ERROR("inf", "-d", "inf");
	ASSERT_ERROR("1e999", "-d", "1e999");
	ASSERT_ERROR("1s", "-d", "1s");
	ASSERT_ERROR("interval", "-d", "");
	ASSERT_ERROR("abc", "--delay=abc");
}

static void test_interval_helper(void **state)
{
	char err[ERRLEN] = "";
	double v = 0;

	(void)state;
	assert_int_equal(cli_parse_interval("2.5", &v, err, sizeof err), 0);
	assert_true(v == 2.5);
	v = 9;
	assert_int_equal(cli_parse_interval("0", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "0"));
	assert_true(v == 9);           // untouched on error
}

static void test_count_errors(void **state)
{
	(void)state;
	ASSERT_ERROR("-1", "-n", "-1");
	ASSERT_ERROR("'0'", "-n", "0");
	ASSERT_ERROR("abc", "-n", "abc");
	ASSERT_ERROR("1.5", "-n", "1.5");
	ASSERT_ERROR("3x", "-n", "3x");
	ASSERT_ERROR("count", "-n", "");
	ASSERT_ERROR("99999999999999999999", "-n", "99999999999999999999");
	ASSERT_ERROR("+3", "--iterations", "+3");
}

static void test_pid_lists(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	// Several -p options add up.
	assert_int_equal(PARSE(&o, err, "-p", "5", "-p", "6,7", "--pid", "2147483647"), CLI_RUN);
	assert_int_equal(o.npids, 4);
	assert_int_equal(o.pids[0], 5);
	assert_int_equal(o.pids[1], 6);
	assert_int_equal(o.pids[2], 7);
	assert_int_equal(o.pids[3], 2147483647);
	cli_free(&o);
}

static void test_pid_errors(void **state)
{
	(void)state;
	ASSERT_ERROR("'x'", "-p", "x");
	ASSERT_ERROR("1,,2", "-p", "1,,2");
	ASSERT_ERROR("'0'", "-p", "0");
	ASSERT_ERROR("PID", "-p", "");
	ASSERT_ERROR("'1,'", "-p", "1,");
	ASSERT_ERROR("',1'", "-p", ",1");
	ASSERT_ERROR("-5", "-p", "-5");
	ASSERT_ERROR("2147483648", "-p", "2147483648");
	ASSERT_ERROR("12a", "-p", "1,12a");
	// An error after a good -p still leaves the list for cli_free (ASan: no leak).
	ASSERT_ERROR("'y'", "-p", "1", "-p", "y");
}

static void test_format_errors(void **state)
{
	(void)state;
	ASSERT_ERROR("xml", "--format", "xml");
	ASSERT_ERROR("JSON", "--format", "JSON");
	ASSERT_ERROR("format", "-f", "");
}

static void test_unknown_options(void **state)
{
	(void)state;
	ASSERT_ERROR("-x", "-x");
	ASSERT_ERROR("-x", "-b", "-x");
	ASSERT_ERROR("--bogus", "--bogus");
	ASSERT_ERROR("--bogus", "--bogus=1");
}

static void test_missing_values(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	ASSERT_ERROR("-d", "-d");
	ASSERT_ERROR("-n", "-b", "-n");
	ASSERT_ERROR("-p", "-p");
	ASSERT_ERROR("needs a value", "--delay");
	ASSERT_ERROR("needs a value", "--format");
	// A value that looks like an option is still the value.
	assert_int_equal(PARSE(&o, err, "-d", "-b"), CLI_ERROR);
	assert_non_null(strstr(err, "-b"));
	cli_free(&o);
}

static void test_stray_arguments(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	ASSERT_ERROR("foo", "foo");
	ASSERT_ERROR("foo", "-b", "foo", "-n", "2");
	ASSERT_ERROR("bar", "--", "bar");
	assert_int_equal(PARSE(&o, err, "-b", "--"), CLI_RUN);
	cli_free(&o);
}

// getopt's state is global: a failed parse must not leak into the next.
static void test_parse_twice_starts_fresh(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(PARSE(&o, err, "-b", "-n", "5", "-p", "1", "-f", "json", "-d", "2",
			       "-s", "pid", "--no-color"), CLI_RUN);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-n", "2", "-x", "-b"), CLI_ERROR);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-n", "4"), CLI_RUN);
	assert_string_equal(err, "");
	assert_false(o.batch);
	assert_int_equal(o.count, 4);
	assert_null(o.pids);
	assert_int_equal(o.format, FORMAT_TABLE);
	assert_true(o.interval_s == 1.0);
	assert_int_equal(o.sort_key, SORT_RSS);
	assert_false(o.no_color);
	cli_free(&o);
}

// A small err buffer gets a cut but terminated message.
static void test_small_error_buffer(void **state)
{
	char *argv[] = { (char *)"memtop", (char *)"--format", (char *)"xml", NULL };
	char *err = malloc(8);
	struct options o;

	(void)state;
	assert_int_equal(cli_parse(3, argv, &o, err, 8), CLI_ERROR);
	assert_int_equal(strlen(err), 7);
	cli_free(&o);
	free(err);
}

static void test_smaps_options(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(PARSE(&o, err, "--smaps", "1234"), CLI_RUN);
	assert_int_equal(o.smaps_pid, 1234);
	assert_false(o.group);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--smaps=7", "--group", "--format", "json"), CLI_RUN);
	assert_int_equal(o.smaps_pid, 7);
	assert_true(o.group);
	assert_int_equal(o.format, FORMAT_JSON);
	cli_free(&o);
	ASSERT_ERROR("invalid PID 'x' for --smaps", "--smaps", "x");
	ASSERT_ERROR("invalid PID '0' for --smaps", "--smaps", "0");
	ASSERT_ERROR("--group goes with --smaps", "--group");
	ASSERT_ERROR("--fail-on-leak works in batch mode", "--fail-on-leak");
}

static void test_psi_trigger_option(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(PARSE(&o, err, "-b"), CLI_RUN);
	assert_int_equal(o.trigger_stall_ms, 100);              // the default
	assert_int_equal(o.trigger_window_ms, 1000);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--psi-trigger", "150/2000"), CLI_RUN);
	assert_int_equal(o.trigger_stall_ms, 150);
	assert_int_equal(o.trigger_window_ms, 2000);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--psi-trigger=off"), CLI_RUN);
	assert_int_equal(o.trigger_window_ms, 0);
	cli_free(&o);
	ASSERT_ERROR("invalid --psi-trigger '100'", "--psi-trigger", "100");
	ASSERT_ERROR("the window is 500 to 10000 ms", "--psi-trigger", "10/400");
	ASSERT_ERROR("the window is 500 to 10000 ms", "--psi-trigger", "2000/1000");
	ASSERT_ERROR("invalid --psi-trigger 'x/1000'", "--psi-trigger", "x/1000");
	ASSERT_ERROR("the window is 500 to 10000 ms", "--psi-trigger", "10/1000x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_short_options),
		cmocka_unit_test(test_long_options),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_sort_keys),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_interval_bounds),
		cmocka_unit_test(test_interval_errors),
		cmocka_unit_test(test_interval_helper),
		cmocka_unit_test(test_count_errors),
		cmocka_unit_test(test_pid_lists),
		cmocka_unit_test(test_pid_errors),
		cmocka_unit_test(test_format_errors),
		cmocka_unit_test(test_unknown_options),
		cmocka_unit_test(test_missing_values),
		cmocka_unit_test(test_stray_arguments),
		cmocka_unit_test(test_parse_twice_starts_fresh),
		cmocka_unit_test(test_small_error_buffer),
		cmocka_unit_test(test_smaps_options),
		cmocka_unit_test(test_psi_trigger_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
