/* test_cli.c — cli_parse: defaults, every option in short and long form,
 * and the errors, each of which must name what was wrong. */
#include "fixture.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>

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
	ASSERT_ERROR("--cgroups works in batch mode", "--cgroups");
	ASSERT_ERROR("--cgroups works in batch mode", "-r", "x.db", "--cgroups");
	ASSERT_ERROR("--cgroups works in batch mode", "--smaps", "1", "-b", "--cgroups");
}

// --breakdown: batch mode of this machine, table, json or csv; with
// --cgroups only in json.
static void test_breakdown_option(void **state)
{
	struct options o;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "-b", "--breakdown"), CLI_RUN);
	assert_true(o.breakdown);
	assert_false(o.cgroups);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-b", "--breakdown", "--cgroups", "-f", "json"), CLI_RUN);
	assert_true(o.breakdown && o.cgroups);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-b"), CLI_RUN);
	assert_false(o.breakdown);
	cli_free(&o);
	ASSERT_ERROR("--breakdown works in batch mode", "--breakdown");
	ASSERT_ERROR("--breakdown works in batch mode", "-b", "-r", "x.db", "--breakdown");
	ASSERT_ERROR("--breakdown works in batch mode", "--smaps", "1", "-b", "--breakdown");
	ASSERT_ERROR("--breakdown prints table, json or csv", "-b", "-f", "prometheus", "--breakdown");
	ASSERT_ERROR("--breakdown and --cgroups together need --format json", "-b", "--breakdown", "--cgroups");
	ASSERT_ERROR("--breakdown and --cgroups together need --format json", "-b", "-f", "csv", "--breakdown",
		     "--cgroups");
}

// --alloc-sites PID and the allocation-sites settings: values, bounds, and
// the combinations refused.
static void test_alloc_sites_options(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(PARSE(&o, err, "--alloc-sites", "1234"), CLI_RUN);
	assert_int_equal(o.alloc_sites_pid, 1234);
	assert_true(o.alloc_duration_s == CLI_DEFAULT_ALLOC_DURATION);
	assert_int_equal(o.alloc.sample_every, 1);
	assert_true(o.alloc.min_size == 0);
	assert_true(o.alloc_limit_s == ALLOCSITES_DEFAULT_LIMIT_S);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--alloc-sites=7", "--duration", "0.5", "--alloc-every", "1000000",
			       "--alloc-min-size", "4K", "-f", "json", "-d", "0.2", "--fail-on-leak", "-b"), CLI_RUN);
	assert_int_equal(o.alloc_sites_pid, 7);
	assert_true(o.alloc_duration_s == 0.5);
	assert_int_equal(o.alloc.sample_every, 1000000);
	assert_true(o.alloc.min_size == 4096);
	assert_int_equal(o.format, FORMAT_JSON);
	assert_true(o.fail_on_leak);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--alloc-sites", "7", "--duration", "86400", "-f", "csv",
			       "--alloc-min-size", "0"), CLI_RUN);
	assert_true(o.alloc_duration_s == 86400 && o.alloc.min_size == 0);
	cli_free(&o);
	// The screen's settings, without --alloc-sites.
	assert_int_equal(PARSE(&o, err, "--alloc-limit", "0", "--alloc-every", "3"), CLI_RUN);
	assert_true(o.alloc_limit_s == 0 && o.alloc.sample_every == 3 && !o.alloc_sites_pid);
	cli_free(&o);

	ASSERT_ERROR("invalid PID 'x' for --alloc-sites", "--alloc-sites", "x");
	ASSERT_ERROR("invalid PID '0' for --alloc-sites", "--alloc-sites", "0");
	ASSERT_ERROR("invalid PID '-3' for --alloc-sites", "--alloc-sites", "-3");
	ASSERT_ERROR("invalid --duration '0.4'", "--alloc-sites", "1", "--duration", "0.4");
	ASSERT_ERROR("invalid --duration '86401'", "--alloc-sites", "1", "--duration", "86401");
	ASSERT_ERROR("invalid --duration 'nan'", "--alloc-sites", "1", "--duration", "nan");
	ASSERT_ERROR("invalid --duration '5s'", "--alloc-sites", "1", "--duration", "5s");
	ASSERT_ERROR("invalid --alloc-every '0'", "--alloc-every", "0");
	ASSERT_ERROR("invalid --alloc-every '1000001'", "--alloc-every", "1000001");
	ASSERT_ERROR("invalid --alloc-every '2.5'", "--alloc-every", "2.5");
	ASSERT_ERROR("invalid size '12Q'", "--alloc-min-size", "12Q");
	ASSERT_ERROR("invalid size '-1'", "--alloc-min-size", "-1");
	ASSERT_ERROR("invalid --alloc-limit '-1'", "--alloc-limit", "-1");
	ASSERT_ERROR("invalid --alloc-limit 'inf'", "--alloc-limit", "inf");
	ASSERT_ERROR("--duration goes with --alloc-sites PID", "--duration", "5");
	ASSERT_ERROR("--alloc-sites does not go with -p", "--alloc-sites", "1", "-p", "2");
	ASSERT_ERROR("--alloc-sites does not go with -w", "--alloc-sites", "1", "-w", "x.db");
	ASSERT_ERROR("--alloc-sites does not go with -r", "--alloc-sites", "1", "-r", "x.db");
	ASSERT_ERROR("--alloc-sites does not go with --listen", "--alloc-sites", "1", "--listen", "1");
	ASSERT_ERROR("--alloc-sites does not go with --smaps", "--alloc-sites", "1", "--smaps", "1");
	ASSERT_ERROR("--alloc-sites does not go with --report", "--alloc-sites", "1", "--report", "x.db");
	ASSERT_ERROR("--alloc-sites does not go with --check", "--alloc-sites", "1", "--check");
	ASSERT_ERROR("--alloc-sites does not go with --cgroups", "--alloc-sites", "1", "-b", "--cgroups");
	ASSERT_ERROR("--alloc-sites does not go with --breakdown", "--alloc-sites", "1", "-b", "--breakdown");
	ASSERT_ERROR("--alloc-sites does not go with -n", "--alloc-sites", "1", "-n", "3");
	ASSERT_ERROR("--alloc-sites does not go with --alloc-limit", "--alloc-sites", "1", "--alloc-limit", "9");
	ASSERT_ERROR("--alloc-sites prints table, json or csv", "--alloc-sites", "1", "-b", "-f", "prometheus");
	ASSERT_ERROR("--alloc-sites prints table, json or csv", "--alloc-sites", "1", "-f", "html");
	ASSERT_ERROR("is for allocation sites of a live process: not with -r", "-r", "x.db", "--alloc-every", "2");
	ASSERT_ERROR("is for allocation sites of a live process: not with --smaps", "--smaps", "1",
		     "--alloc-min-size", "1K");
	ASSERT_ERROR("--alloc-limit is for allocation sites of a live process: not with --report",
		     "--report", "x.db", "--alloc-limit", "5");
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

// The usage text as cli_usage_write writes it; the caller frees it.
static char *usage_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	cli_usage_write(f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(text);
	return text;
}

// A value each option taking one accepts, and what else it needs on the
// command line to be a valid run; an option missing here fails the test, so
// a new option comes with its case.
static const struct {
	const char *name, *value, *companion;
	enum cli_result result;
} option_cases[] = {
	{ "batch", NULL, NULL, CLI_RUN },
	{ "delay", "0.5", NULL, CLI_RUN },
	{ "iterations", "3", NULL, CLI_RUN },
	{ "pid", "1,2", NULL, CLI_RUN },
	{ "sort", "growth", NULL, CLI_RUN },
	{ "format", "csv", NULL, CLI_RUN },
	{ "theme", "dracula", NULL, CLI_RUN },
	{ "list-themes", NULL, NULL, CLI_RUN },
	{ "no-color", NULL, NULL, CLI_RUN },
	{ "readonly", NULL, NULL, CLI_RUN },
	{ "leak-sensitivity", "high", NULL, CLI_RUN },
	{ "fail-on-leak", NULL, "-b", CLI_RUN },
	{ "cgroups", NULL, "-b", CLI_RUN },
	{ "breakdown", NULL, "-b", CLI_RUN },
	{ "smaps", "1", NULL, CLI_RUN },
	{ "group", NULL, "--smaps=1", CLI_RUN },
	{ "psi-trigger", "off", NULL, CLI_RUN },
	{ "write", "rec.db", NULL, CLI_RUN },
	{ "keep", "7", "-wrec.db", CLI_RUN },
	{ "max-size", "500M", "-wrec.db", CLI_RUN },
	{ "no-cmdline", NULL, "-wrec.db", CLI_RUN },
	{ "screen", NULL, "-wrec.db", CLI_RUN },
	{ "read", "rec.db", NULL, CLI_RUN },
	{ "output", "m.prom", "-bfprometheus", CLI_RUN },
	{ "listen", "19377", NULL, CLI_RUN },
	{ "allow-remote", NULL, "--listen=1", CLI_RUN },
	{ "export-top", "5", "--listen=1", CLI_RUN },
	{ "export-cmdline", NULL, "--listen=1", CLI_RUN },
	{ "history", "rec.db", NULL, CLI_RUN },
	{ "no-history", NULL, NULL, CLI_RUN },
	{ "report", "rec.db", NULL, CLI_RUN },
	{ "since", "-2h", "--report=rec.db", CLI_RUN },
	{ "until", "@1700000000", "--report=rec.db", CLI_RUN },
	{ "check", NULL, NULL, CLI_RUN },
	{ "check-root", "tests/fixtures/checkup/clean", "--check", CLI_RUN },
	{ "alloc-sites", "1", NULL, CLI_RUN },
	{ "duration", "30", "--alloc-sites=1", CLI_RUN },
	{ "alloc-every", "10", NULL, CLI_RUN },
	{ "alloc-min-size", "64", NULL, CLI_RUN },
	{ "alloc-limit", "60", NULL, CLI_RUN },
	{ "help", NULL, NULL, CLI_HELP },
	{ "version", NULL, NULL, CLI_VERSION },
};

// Parses one option spelled as given (with its value, if any, as the next
// argument, or glued after '=' when glue is set) and asserts the result.
static void assert_option_parses(const char *spelling, const char *value, bool glue,
				 const char *companion, enum cli_result want)
{
	char *argv[5], joined[128];
	int argc = 0;
	struct options o;
	char err[ERRLEN];

	argv[argc++] = (char *)"memtop";
	if (value && glue) {
		snprintf(joined, sizeof joined, "%s%s%s", spelling, spelling[1] == '-' ? "=" : "", value);
		argv[argc++] = joined;
	} else {
		argv[argc++] = (char *)spelling;
		if (value)
			argv[argc++] = (char *)value;
	}
	if (companion)
		argv[argc++] = (char *)companion;
	argv[argc] = NULL;
	if (cli_parse(argc, argv, &o, err, sizeof err) != want)
		fail_msg("memtop %s%s%s: not accepted: %s", argv[1], argc > 2 ? " " : "",
			 argc > 2 ? argv[2] : "", err);
	cli_free(&o);
}

// Every option of the table is accepted by the parser, by its long name
// (value apart and glued) and by its letter when it has one.
static void test_table_options_parse(void **state)
{
	size_t n;
	const struct cli_option *opts = cli_options(&n);

	(void)state;
	assert_true(n >= 17);
	for (size_t i = 0; i < n; i++) {
		const struct cli_option *o = &opts[i];
		size_t c = 0;
		char spelling[64];

		while (c < sizeof option_cases / sizeof option_cases[0] &&
		       strcmp(option_cases[c].name, o->name) != 0)
			c++;
		if (c == sizeof option_cases / sizeof option_cases[0])
			fail_msg("option --%s has no case in option_cases[]", o->name);
		// The table says whether it takes a value; the case must agree.
		assert_int_equal(o->arg != NULL, option_cases[c].value != NULL);
		snprintf(spelling, sizeof spelling, "--%s", o->name);
		for (int glue = 0; glue <= (o->arg != NULL); glue++)
			assert_option_parses(spelling, option_cases[c].value, glue,
					     option_cases[c].companion, option_cases[c].result);
		if (cli_option_has_short(o)) {
			snprintf(spelling, sizeof spelling, "-%c", o->code);
			for (int glue = 0; glue <= (o->arg != NULL); glue++)
				assert_option_parses(spelling, option_cases[c].value, glue,
						     option_cases[c].companion, option_cases[c].result);
		}
		if (o->arg) {       // and without its value, it says so
			char *argv[] = { (char *)"memtop", spelling, NULL };
			struct options opt;
			char err[ERRLEN];

			assert_int_equal(cli_parse(2, argv, &opt, err, sizeof err), CLI_ERROR);
			if (!strstr(err, spelling) || !strstr(err, "needs a value"))
				fail_msg("%s without a value: \"%s\"", spelling, err);
			cli_free(&opt);
		}
	}
}

// The table itself: names and letters unique and well formed, and every
// description present.
static void test_table_shape(void **state)
{
	size_t n;
	const struct cli_option *opts = cli_options(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_true(strlen(opts[i].name) > 1);
		assert_int_equal(strspn(opts[i].name, "abcdefghijklmnopqrstuvwxyz-"), strlen(opts[i].name));
		assert_true(opts[i].help && opts[i].help[0] && !strchr(opts[i].help, '\n'));
		assert_true(!opts[i].arg || (opts[i].arg[0] && !strchr(opts[i].arg, ' ')));
		if (cli_option_has_short(&opts[i]))
			assert_true(isalnum(opts[i].code));
		for (size_t j = 0; j < i; j++) {
			if (strcmp(opts[i].name, opts[j].name) == 0)
				fail_msg("--%s is in the table twice", opts[i].name);
			if (opts[i].code == opts[j].code)
				fail_msg("--%s and --%s share the code %d", opts[i].name, opts[j].name,
					 opts[i].code);
		}
	}
}

// --help has a line for every option of the table, with both spellings and
// its value, and no line wider than 90 columns.
static void test_help_names_every_option(void **state)
{
	size_t n;
	const struct cli_option *opts = cli_options(&n);
	char *text = usage_text();

	(void)state;
	assert_true(strncmp(text, "Usage: memtop ", 14) == 0);
	for (size_t i = 0; i < n; i++) {
		char want[96];

		if (cli_option_has_short(&opts[i]))
			snprintf(want, sizeof want, "\n  -%c, --%s%s%s", opts[i].code, opts[i].name,
				 opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		else
			snprintf(want, sizeof want, "\n      --%s%s%s", opts[i].name,
				 opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		// The spellings are followed by the description's blanks or a new line.
		const char *at = strstr(text, want);

		if (!at || (at[strlen(want)] != ' ' && at[strlen(want)] != '\n'))
			fail_msg("--help has no line \"%s\"", want + 1);
	}
	for (const char *line = text; *line; ) {
		size_t len = strcspn(line, "\n");

		if (len > 90)
			fail_msg("--help line of %zu columns: %.*s", len, (int)len, line);
		line += len + (line[len] == '\n');
	}
	free(text);
}

// Every option --help mentions (the synopsis and the descriptions too) is
// one of the table's, and the --sort line lists every sort key.
static void test_help_mentions_only_real_options(void **state)
{
	size_t n;
	const struct cli_option *opts = cli_options(&n);
	char *text = usage_text();

	(void)state;
	for (const char *p = text; (p = strchr(p, '-')); ) {
		size_t len = strspn(p, "-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		bool starts = p == text || strchr(" [\n", p[-1]), known = false;

		if (starts && len > 1 && p[1] != '-' && len == 2) {
			for (size_t i = 0; i < n; i++)
				known |= cli_option_has_short(&opts[i]) && opts[i].code == p[1];
		} else if (starts && len > 2 && p[1] == '-') {
			for (size_t i = 0; i < n; i++)
				known |= strlen(opts[i].name) == len - 2 && !strncmp(opts[i].name, p + 2, len - 2);
		} else {
			known = true;           // a hyphen inside a word: high-contrast
		}
		if (!known)
			fail_msg("--help names %.*s, which is not in the options table", (int)len, p);
		p += len;
	}
	const char *sort = strstr(text, "--sort KEY");

	assert_non_null(sort);
	for (int k = 0; k < SORT_KEY_COUNT; k++) {
		char word[32];
		const char *end = strstr(sort, "\n  -f");

		snprintf(word, sizeof word, " %s", sort_key_name((enum sort_key)k));
		const char *at = strstr(sort, word);

		if (!at || at > end)
			fail_msg("the --sort entry of --help does not list %s", word + 1);
	}
	free(text);
}

// A long-only option without its value is named as typed: it has no letter.
static void test_long_only_errors(void **state)
{
	(void)state;
	ASSERT_ERROR("option '--smaps' needs a value", "--smaps");
	ASSERT_ERROR("option '--psi-trigger' needs a value", "-b", "--psi-trigger");
	ASSERT_ERROR("'--group=1'", "--group=1");
	ASSERT_ERROR("option '-n' needs a value", "-bn");
}

// Each row: up to three arguments (NULL ends them early) and a part of the
// one-line error cli_parse must give for them.
static void expect_refused(const char *const bad[][4], size_t n)
{
	struct options o;
	char err[256];

	for (size_t i = 0; i < n; i++) {
		char *argv[5] = { (char *)"memtop" };
		int argc = 1;

		for (int k = 0; k < 3 && bad[i][k]; k++)
			argv[argc++] = (char *)bad[i][k];
		argv[argc] = NULL;
		assert_int_equal(cli_parse(argc, argv, &o, err, sizeof err), CLI_ERROR);
		if (!strstr(err, bad[i][3]))
			fail_msg("%s %s: '%s', want '%s'", bad[i][0], bad[i][1] ? bad[i][1] : "", err, bad[i][3]);
		cli_free(&o);
	}
}

// -w and its options: values kept, the sizes' units, what they need.
static void test_record_options(void **state)
{
	struct { const char *size; unsigned long long bytes; } sizes[] = {
		{ "1048576", 1ULL << 20 }, { "1M", 1ULL << 20 }, { "500M", 500ULL << 20 },
		{ "2G", 2ULL << 30 }, { "2GiB", 2ULL << 30 }, { "3gb", 3ULL << 30 }, { "1T", 1ULL << 40 },
		{ "4096k", 4ULL << 20 },
	};
	const char *bad_sizes[] = { "", "M", "1.5G", "10X", "12MM", "1MiBs", "-1G", "100K",
				    "99999999999999999999", "17179869184T" };
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *argv1[] = { (char *)"memtop", (char *)"-w", (char *)"r.db", (char *)"--keep", (char *)"0.5",
			  (char *)"--no-cmdline", NULL };
	assert_int_equal(cli_parse(6, argv1, &o, err, sizeof err), CLI_RUN);
	assert_string_equal(o.write_path, "r.db");
	assert_true(o.keep_days == 0.5 && o.no_cmdline && o.max_size == 0 && !o.batch);
	cli_free(&o);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		unsigned long long v = 0;

		assert_int_equal(cli_parse_size(sizes[i].size, &v, err, sizeof err), 0);
		assert_true(v == sizes[i].bytes);
	}
	for (size_t i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
		unsigned long long v = 7;

		if (cli_parse_size(bad_sizes[i], &v, err, sizeof err) != -1 || v != 7)
			fail_msg("size '%s' accepted", bad_sizes[i]);
	}
	const char *const bad[][4] = {
		{ "--keep", "3", NULL, "--keep goes with -w FILE" },
		{ "--no-cmdline", NULL, NULL, "--no-cmdline goes with -w FILE or --report FILE" },
		{ "-wr.db", "--keep", "0", "invalid --keep '0'" },
		{ "-wr.db", "--keep", "3651", "invalid --keep '3651'" },
		{ "-wr.db", "--keep", "nan", "invalid --keep 'nan'" },
		{ "-wr.db", "--smaps", "1", "-w does not go with --smaps" },
		{ "-w", "", NULL, "-w needs a file name" },
	};
	expect_refused(bad, sizeof bad / sizeof bad[0]);
}

// --listen, its address forms, the metric formats, -o and what goes with
// them.
static void test_listen_options(void **state)
{
	static const struct { const char *arg, *addr; int port; } forms[] = {
		{ "19377", "127.0.0.1", 19377 }, { "127.0.0.1:0", "127.0.0.1", 0 }, { ":9", "127.0.0.1", 9 },
		{ "localhost:80", "127.0.0.1", 80 }, { "[::1]:65535", "::1", 65535 },
		{ "0.0.0.0:1", "0.0.0.0", 1 }, { "[::]:2", "::", 2 },
	};
	static const char *const bad_forms[] = { "", "x", "65536", "-1", "1:2:3", "::1:80", "1.2.3.4:", "[::1]",
						 "12ab", " 80" };
	struct options o;
	char err[ERRLEN], addr[64];
	int port;

	(void)state;
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		assert_int_equal(cli_parse_listen(forms[i].arg, addr, sizeof addr, &port, err, sizeof err), 0);
		assert_string_equal(addr, forms[i].addr);
		assert_int_equal(port, forms[i].port);
	}
	for (size_t i = 0; i < sizeof bad_forms / sizeof bad_forms[0]; i++)
		if (cli_parse_listen(bad_forms[i], addr, sizeof addr, &port, err, sizeof err) != -1)
			fail_msg("--listen '%s' accepted", bad_forms[i]);
	assert_int_equal(PARSE(&o, err, "--listen", "9100", "--export-top", "0", "--export-cmdline", "--cgroups"),
			 CLI_RUN);
	assert_true(o.listen && o.listen_port == 9100 && o.export_top == 0 && o.export_cmdline && o.cgroups);
	assert_string_equal(o.listen_addr, "127.0.0.1");
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-b", "-f", "openmetrics", "-o", "m.prom"), CLI_RUN);
	assert_true(o.format == FORMAT_OPENMETRICS && !strcmp(o.out_path, "m.prom") &&
		    o.export_top == CLI_DEFAULT_EXPORT_TOP);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--listen", "1", "--screen", "-wr.db"), CLI_RUN);
	cli_free(&o);
	const char *const bad[][4] = {
		{ "--listen", "1", "-rr.db", "--listen serves this machine now: it does not go with -r" },
		{ "--allow-remote", NULL, NULL, "--allow-remote goes with --listen" },
		{ "--export-top", "3", NULL, "--export-top goes with --listen" },
		{ "--export-cmdline", NULL, NULL, "--export-cmdline goes with --listen" },
		{ "--listen=1", "--export-top", "x", "invalid count 'x' for --export-top" },
		{ "-fprometheus", NULL, NULL, "--format prometheus is batch output: add -b" },
		{ "-b", "-o", "x", "-o FILE goes with -b -f prometheus or -f openmetrics" },
		{ "--screen", NULL, NULL, "--screen goes with -w FILE or --listen" },
		{ "--listen=1", "--smaps", "1", "--listen serves this machine now: it does not go with --smaps" },
	};
	expect_refused(bad, sizeof bad / sizeof bad[0]);
	ASSERT_ERROR("invalid count '1001' for --export-top", "--listen", "1", "--export-top", "1001");
	ASSERT_ERROR("--format openmetrics is batch output: not with --smaps", "-b", "-fopenmetrics", "--smaps", "1");
}

// --report FILE, its period, -f html and what goes with it.
static void test_report_options(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	char *argv1[] = { (char *)"memtop", (char *)"--report", (char *)"r.db", (char *)"--since", (char *)"-2h",
			  (char *)"--until=@1700000000", (char *)"-f", (char *)"html", (char *)"--no-cmdline",
			  (char *)"--fail-on-leak", NULL };
	assert_int_equal(cli_parse(10, argv1, &o, err, sizeof err), CLI_RUN);
	assert_string_equal(o.report_path, "r.db");
	assert_string_equal(o.since, "-2h");
	assert_string_equal(o.until, "@1700000000");
	assert_int_equal(o.format, FORMAT_HTML);
	assert_true(o.no_cmdline && o.fail_on_leak && !o.write_path);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--report", "r.db"), CLI_RUN);
	assert_null(o.since);
	assert_null(o.until);
	assert_int_equal(o.format, FORMAT_TABLE);
	cli_free(&o);
	const char *const bad[][4] = {
		{ "--since", "-2h", NULL, "--since goes with --report FILE" },
		{ "--until", "-2h", NULL, "--until goes with --report FILE" },
		{ "-f", "html", NULL, "--format html goes with --report FILE" },
		{ "-b", "-fhtml", NULL, "--format html goes with --report FILE" },
		{ "--report=r.db", "-wx.db", NULL, "--report does not go with -w" },
		{ "--report=r.db", "--smaps", "1", "--report does not go with --smaps" },
		{ "--report=r.db", "-p", "1", "--report does not go with -p" },
		{ "--report=r.db", "-rx.db", NULL, "--report does not go with -r" },
		{ "--report=r.db", "--history", "x.db", "--report does not go with --history" },
		{ "--report=r.db", "--no-history", NULL, "--report does not go with --no-history" },
		{ "--report", "", NULL, "--report needs a value" },
		{ "--report=r.db", "--since", "", "--since needs a value" },
		{ "-f", "pdf", NULL, "expected table, json, csv, prometheus, openmetrics or html" },
	};
	expect_refused(bad, sizeof bad / sizeof bad[0]);
}

// --check: a mode of its own, table or json, --check-root only with it.
static void test_check_options(void **state)
{
	struct options o;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(PARSE(&o, err, "--check"), CLI_RUN);
	assert_true(o.check);
	assert_null(o.check_root);
	assert_int_equal(o.format, FORMAT_TABLE);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--check", "-f", "json", "--check-root", "/tmp/t"), CLI_RUN);
	assert_true(o.check);
	assert_string_equal(o.check_root, "/tmp/t");
	assert_int_equal(o.format, FORMAT_JSON);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-b"), CLI_RUN);
	assert_false(o.check);
	cli_free(&o);
	const char *const bad[][4] = {
		{ "--check-root", "/tmp/t", NULL, "--check-root goes with --check" },
		{ "--check", "--check-root", "", "--check-root needs a file name" },
		{ "--check", "-b", NULL, "--check does not go with -b" },
		{ "--check", "-wx.db", NULL, "--check does not go with -w" },
		{ "--check", "-rx.db", NULL, "--check does not go with -r" },
		{ "--check", "--report", "x.db", "--check does not go with --report" },
		{ "--check", "--smaps", "1", "--check does not go with --smaps" },
		{ "--check", "--listen", "1", "--check does not go with --listen" },
		{ "--check", "-p", "1", "--check does not go with -p" },
		{ "--check", "-n", "2", "--check does not go with -n" },
		{ "--check", "--history", "x.db", "--check does not go with --history" },
		{ "--check", "-f", "csv", "--check writes the table format or json" },
		{ "--check", "-f", "html", "--check writes the table format or json" },
	};
	expect_refused(bad, sizeof bad / sizeof bad[0]);
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
		cmocka_unit_test(test_breakdown_option),
		cmocka_unit_test(test_psi_trigger_option),
		cmocka_unit_test(test_alloc_sites_options),
		cmocka_unit_test(test_table_options_parse),
		cmocka_unit_test(test_record_options),
		cmocka_unit_test(test_report_options),
		cmocka_unit_test(test_listen_options),
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_help_names_every_option),
		cmocka_unit_test(test_help_mentions_only_real_options),
		cmocka_unit_test(test_long_only_errors),
		cmocka_unit_test(test_check_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
