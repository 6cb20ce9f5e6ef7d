/* fuzz_timeexpr.c — timeexpr_parse on arbitrary text, in a zone with
 * daylight saving (Europe/Berlin), at two reference times: a winter day and
 * the day the clocks go back. */
#include <math.h>
#include <time.h>

#include "fuzz.h"
#include "util/timeexpr.h"

static const double refs[] = {
	1796475600.0,            // 2026-12-05 14:00 CET
	1792926000.0,            // 2026-10-25 12:00 CET: 02:00-03:00 came twice
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	return 0;
}

// A success is a finite time; a failure leaves *out alone and says why in
// one line.
static int parse(const char *s, double ref, double *out)
{
	char err[256] = "";
	double t = -12345;
	int rc = timeexpr_parse(s, ref, &t, err, sizeof err);

	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		FUZZ_CHECK(isfinite(t));
	} else {
		FUZZ_CHECK(t == -12345);
		FUZZ_CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
	}
	*out = t;
	return rc;
}

// A local date and clock time is its own answer: written back as
// "YYYY-MM-DD HH:MM:SS", it parses to the same time (the first of two
// when the clocks pass it twice, which is what the parser gives).
static void check_round_trip(double t, double ref)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char text[64];
	double again;

	if ((double)tt != t || !localtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999)
		return;
	strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
	FUZZ_CHECK(parse(text, ref, &again) == 0 && again == t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_copy(data, size, true);
	char *padded = malloc(size + 3);
	const char *p = s + strspn(s, " \t");
	double t[2], u;

	if (!padded)
		abort();
	// Blanks around the text change nothing.
	snprintf(padded, size + 3, " %s ", s);
	for (int i = 0; i < 2; i++) {
		int rc = parse(s, refs[i], &t[i]);

		FUZZ_CHECK(parse(padded, refs[i], &u) == rc && (rc != 0 || u == t[i]));
		if (rc != 0)
			continue;
		// Relative times are whole seconds from the reference.
		if (*p == '+' || *p == '-')
			FUZZ_CHECK(t[i] - refs[i] == (double)(long long)(t[i] - refs[i]));
		else if (*p != '@')
			check_round_trip(t[i], refs[i]);
	}
	// A date written out ("YYYY-") does not depend on the reference.
	if (strspn(p, "0123456789") == 4 && p[4] == '-' && parse(s, refs[0], &t[0]) == 0)
		FUZZ_CHECK(parse(s, refs[1], &u) == 0 && u == t[0]);
	free(padded);
	free(s);
	return 0;
}
