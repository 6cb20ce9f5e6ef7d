/* test_timeexpr.c — what a user types for a moment in time, in a zone set
 * here (Europe/Berlin: CET, CEST in summer), including the days the clocks
 * change. Expected times are UTC epochs computed apart from the parser. */
#include "fixture.h"

#include <math.h>
#include <time.h>

#include "util/timeexpr.h"

// 2026-12-05 14:00:00 CET (13:00 UTC): a winter afternoon.
#define REF_DEC 1796475600.0
// 2026-10-25 12:00:00 CET (11:00 UTC): the day daylight saving ends, at
// 03:00 CEST, when the clocks go back to 02:00 CET (01:00 UTC).
#define REF_OCT 1792926000.0

static void set_tz(const char *tz)
{
	assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

static int tz_setup(void **state)
{
	(void)state;
	set_tz("Europe/Berlin");
	return 0;
}

// Parses s at ref and checks that it gave want.
static void check(const char *s, double ref, double want)
{
	char err[256] = "";
	double out = -1;

	if (timeexpr_parse(s, ref, &out, err, sizeof err) != 0)
		fail_msg("\"%s\": %s", s, err);
	if (out != want)
		fail_msg("\"%s\": %.3f, expected %.3f (%+.0f s)", s, out, want, out - want);
}

// Checks that s is refused with one line naming what was wrong (want in
// it), and *out is left alone.
static void refused(const char *s, double ref, const char *want)
{
	char err[256] = "";
	double out = 42;

	assert_int_equal(timeexpr_parse(s, ref, &out, err, sizeof err), -1);
	assert_true(out == 42);
	assert_true(err[0] != '\0');
	assert_null(strchr(err, '\n'));
	if (!strstr(err, want))
		fail_msg("\"%s\": \"%s\" does not say \"%s\"", s, err, want);
}

static void test_clock_times_are_on_the_reference_date(void **state)
{
	(void)state;
	check("12:30", REF_DEC, 1796470200);
	check("12:30:15", REF_DEC, 1796470215);
	check(" 9:05 ", REF_DEC, 1796425200 + 9 * 3600 + 5 * 60);
	check("00:00", REF_DEC, 1796425200);            // midnight CET = 23:00 UTC the day before
	check("23:59:59", REF_DEC, 1796425200 + 86399);
}

static void test_days_dates_and_epochs(void **state)
{
	(void)state;
	check("today 08:00", REF_DEC, 1796454000);
	check("TODAY 08:00", REF_DEC, 1796454000);
	check("today", REF_DEC, 1796425200);
	check("yesterday 18:00", REF_DEC, 1796403600);
	check("yesterday", REF_DEC, 1796425200 - 86400);
	check("2026-12-05 18:00", REF_DEC, 1796490000);
	check("2026-12-05 18:00:30", REF_DEC, 1796490030);
	check("2026-12-05T18:00", REF_DEC, 1796490000);
	check("2026-12-05", REF_DEC, 1796425200);
	check("2028-02-29 00:00", REF_DEC, 1835391600);     // a leap day
	check("@1733500000", REF_DEC, 1733500000);
	check("@1733500000.25", REF_DEC, 1733500000.25);
	// The date forms do not depend on the reference.
	check("2026-12-05 18:00", 0, 1796490000);
}

static void test_relative_times_count_from_the_reference(void **state)
{
	(void)state;
	check("-2h", REF_DEC, REF_DEC - 7200);
	check("+30m", REF_DEC, REF_DEC + 1800);
	check("-90s", REF_DEC, REF_DEC - 90);
	check("-1d", REF_DEC, REF_DEC - 86400);
	check("-1w", REF_DEC, REF_DEC - 7 * 86400);
	check("-1h30m", REF_DEC, REF_DEC - 5400);
	check(" - 1h 30m ", REF_DEC, REF_DEC - 5400);
	check("+0s", REF_DEC, REF_DEC);
	check("-1h30m", 1000.5, 1000.5 - 5400);         // the fraction stays
}

// Europe/Berlin, 2026-10-25: 02:00-03:00 comes twice, the day has 25 hours.
static void test_the_day_daylight_saving_ends(void **state)
{
	(void)state;
	check("today 00:00", REF_OCT, 1792879200);      // still CEST: 22:00 UTC
	check("today 12:00", REF_OCT, REF_OCT);         // CET by then
	check("02:30", REF_OCT, 1792888200);            // twice: the first (CEST) one
	check("2026-10-25 03:30", REF_OCT, 1792888200 + 2 * 3600);
	check("-1d", REF_OCT, REF_OCT - 86400);         // 24 hours: 13:00 CEST
	check("yesterday 12:00", REF_OCT, 1792836000);  // the calendar day: 25 hours back
	check("yesterday 18:00", 1792971000, 1792947600);   // ref 2026-10-26 00:30 CET
	// Late on the 25-hour day, 24 hours back is still the same date.
	check("yesterday 12:00", 1792967400, 1792836000);   // ref 2026-10-25 23:30 CET
	check("2026-10-25", 0, 1792879200);
}

// Europe/Berlin, 2026-03-29: 02:00-03:00 does not exist.
static void test_the_day_daylight_saving_starts(void **state)
{
	(void)state;
	refused("2026-03-29 02:30", REF_DEC, "does not exist");
	check("2026-03-29 03:30", REF_DEC, 1774747800);
	check("2026-03-29 01:59:59", REF_DEC, 1774745999);
	// Early on the next day, 24 hours back is two dates back.
	check("yesterday 12:00", 1774823400, 1774778400);   // ref 2026-03-30 00:30 CEST
}

static void test_other_zones(void **state)
{
	(void)state;
	set_tz("UTC");
	check("12:30", REF_DEC, 1796473800);
	check("today", REF_DEC, 1796428800);
	set_tz("America/New_York");                     // 2026-12-05 08:00 EST at REF_DEC
	check("today 08:00", REF_DEC, REF_DEC);
	check("yesterday 23:00", REF_DEC, REF_DEC - 9 * 3600);
	set_tz("Europe/Berlin");
}

static void test_bad_input_says_what_was_expected(void **state)
{
	(void)state;
	refused("", REF_DEC, "expected a time");
	refused("   ", REF_DEC, "expected a time");
	refused("noon", REF_DEC, "expected a time");
	refused("tomorrow 08:00", REF_DEC, "expected a time");
	refused("todays", REF_DEC, "expected a time");
	refused("25:00", REF_DEC, "hour 25");
	refused("12:60", REF_DEC, "minute 60");
	refused("12:3", REF_DEC, "two digits of minutes");
	refused("12:30:61", REF_DEC, "second 61");
	refused("12:30:1", REF_DEC, "two digits of seconds");
	refused("12", REF_DEC, "HH:MM");
	refused("123:00", REF_DEC, "HH:MM");
	refused("12:30 pm", REF_DEC, "unexpected text");
	refused("today8:00", REF_DEC, "expected a blank");
	refused("today 8", REF_DEC, "HH:MM");
	refused("2026-13-01", REF_DEC, "month 13");
	refused("2026-00-01", REF_DEC, "month 0");
	refused("2026-02-29", REF_DEC, "day 29: 2026-02 has 28 days");
	refused("2026-04-31", REF_DEC, "day 31");
	refused("1969-12-31", REF_DEC, "year 1969");
	refused("2026-1-05", REF_DEC, "two digits of month");
	refused("2026-12-05 18", REF_DEC, "HH:MM");
	refused("2026-12-05X18:00", REF_DEC, "blank or T");
	refused("2026-12-05T", REF_DEC, "HH:MM");
	refused("-", REF_DEC, "amount after the sign");
	refused("-2", REF_DEC, "unit after 2");
	refused("-2x", REF_DEC, "unit after 2");
	refused("-2h!", REF_DEC, "unexpected text");
	refused("-1234567890s", REF_DEC, "amount");
	refused("@", REF_DEC, "after @");
	refused("@12a", REF_DEC, "unexpected text");
	refused("@12.", REF_DEC, "decimal point");
	refused("@1234567890123", REF_DEC, "at most 12 digits");
	refused("12:30", INFINITY, "reference");
}

// A short or absent error buffer is cut, never overrun.
static void test_error_buffer_sizes(void **state)
{
	char small[8];
	double out;

	(void)state;
	assert_int_equal(timeexpr_parse("x", REF_DEC, &out, NULL, 0), -1);
	memset(small, 'z', sizeof small);
	assert_int_equal(timeexpr_parse("x", REF_DEC, &out, small, sizeof small), -1);
	assert_int_equal(strlen(small), sizeof small - 1);
}

// The header's and the messages' form, which the parser reads back.
static void test_format_reads_back(void **state)
{
	char buf[32];
	double t;

	(void)state;
	assert_string_equal(timeexpr_format(REF_DEC, buf, sizeof buf), "2026-12-05 14:00:00");
	assert_string_equal(timeexpr_format(1792888200, buf, sizeof buf), "2026-10-25 02:30:00");
	assert_int_equal(timeexpr_parse(buf, 0, &t, NULL, 0), 0);
	assert_true(t == 1792888200);
	assert_string_equal(timeexpr_format(REF_DEC + 0.9, buf, sizeof buf), "2026-12-05 14:00:00");
	assert_string_equal(timeexpr_format(INFINITY, buf, sizeof buf), "?");
	assert_string_equal(timeexpr_format(REF_DEC, buf, 5), "?");   // too short for it
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_times_are_on_the_reference_date),
		cmocka_unit_test(test_days_dates_and_epochs),
		cmocka_unit_test(test_relative_times_count_from_the_reference),
		cmocka_unit_test(test_the_day_daylight_saving_ends),
		cmocka_unit_test(test_the_day_daylight_saving_starts),
		cmocka_unit_test(test_other_zones),
		cmocka_unit_test(test_bad_input_says_what_was_expected),
		cmocka_unit_test(test_error_buffer_sizes),
		cmocka_unit_test(test_format_reads_back),
	};

	return cmocka_run_group_tests(tests, tz_setup, NULL);
}
