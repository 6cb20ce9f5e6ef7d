/* timeexpr.c — what a user types for a moment in time, parsed over a
 * NUL-terminated string into wall seconds (see timeexpr.h for the forms). */
#include "util/timeexpr.h"

#include <math.h>             // isfinite (a macro: no libm)
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/mathutil.h"

#define DIGITS_MAX 9             // of one number (a relative amount, a date part)

struct date {
	int year, mon, mday;     // 1-based month and day
};

// Puts one line in err and returns -1.
__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

// Reads a run of 1 to max digits; returns the position after it (and the
// count in *n), or NULL when there is none or it is longer.
static const char *read_number(const char *p, int max, long *v, int *n)
{
	long x = 0;
	int k = 0;

	while (is_digit(p[k])) {
		if (k == max)
			return NULL;
		x = x * 10 + (p[k] - '0');
		k++;
	}
	if (k == 0)
		return NULL;
	*v = x;
	if (n)
		*n = k;
	return p + k;
}

// p matches word (ASCII, any case) and no letter follows it.
static const char *match_word(const char *p, const char *word)
{
	size_t n = strlen(word);

	if (strncasecmp(p, word, n) != 0)
		return NULL;
	if ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z'))
		return NULL;
	return p + n;
}

static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

// The local date of t (days before it: back).
static int local_date(double ref, int back, struct date *d, char *err, size_t errlen)
{
	time_t t = (time_t)floor_i64(ref);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return fail(err, errlen, "the reference time has no local date");
	if (back) {
		// Noon, so that a 23- or 25-hour day cannot land on the wrong date.
		tm.tm_mday -= back;
		tm.tm_hour = 12;
		tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		if (mktime(&tm) == (time_t)-1)
			return fail(err, errlen, "the reference time has no local date");
	}
	*d = (struct date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
	return 0;
}

// The wall time of a local date and clock time: of the two readings the
// clocks may give it (daylight saving or not), those that really show it,
// the earlier when both do; none when the clocks skip it.
static int local_time(const struct date *d, int h, int m, int s, double *out, char *err, size_t errlen)
{
	bool found = false;
	time_t best = 0;

	for (int dst = 0; dst <= 1; dst++) {
		struct tm tm = { .tm_year = d->year - 1900, .tm_mon = d->mon - 1, .tm_mday = d->mday,
				 .tm_hour = h, .tm_min = m, .tm_sec = s, .tm_isdst = dst };
		struct tm back;
		time_t t = mktime(&tm);

		if (!localtime_r(&t, &back))
			continue;
		if (back.tm_year != d->year - 1900 || back.tm_mon != d->mon - 1 || back.tm_mday != d->mday ||
		    back.tm_hour != h || back.tm_min != m || back.tm_sec != s)
			continue;
		if (!found || t < best)
			best = t;
		found = true;
	}
	if (!found)
		return fail(err, errlen, "%04d-%02d-%02d %02d:%02d does not exist in the local time zone "
			    "(the clocks skip it)", d->year, d->mon, d->mday, h, m);
	*out = (double)best;
	return 0;
}

// "HH:MM[:SS]" at p; the position after it, or NULL with err set.
static const char *read_clock(const char *p, int *h, int *m, int *s, char *err, size_t errlen)
{
	long v;
	int n;

	*s = 0;
	if (!(p = read_number(p, 2, &v, NULL)) || *p != ':') {
		fail(err, errlen, "expected a clock time HH:MM or HH:MM:SS");
		return NULL;
	}
	if (v > 23) {
		fail(err, errlen, "hour %ld: expected 0 to 23", v);
		return NULL;
	}
	*h = (int)v;
	if (!(p = read_number(p + 1, 2, &v, &n)) || n != 2) {
		fail(err, errlen, "expected two digits of minutes after the hour (HH:MM)");
		return NULL;
	}
	if (v > 59) {
		fail(err, errlen, "minute %ld: expected 00 to 59", v);
		return NULL;
	}
	*m = (int)v;
	if (*p != ':')
		return p;
	if (!(p = read_number(p + 1, 2, &v, &n)) || n != 2) {
		fail(err, errlen, "expected two digits of seconds after the minutes (HH:MM:SS)");
		return NULL;
	}
	if (v > 59) {
		fail(err, errlen, "second %ld: expected 00 to 59", v);
		return NULL;
	}
	*s = (int)v;
	return p;
}

// The end of the text: nothing but blanks may follow.
static int expect_end(const char *p, char *err, size_t errlen)
{
	if (*skip_spaces(p))
		return fail(err, errlen, "unexpected text after the time: expected %s", TIMEEXPR_FORMS);
	return 0;
}

// "[date] [clock]" after the date was found: midnight, or a clock time
// after blanks (or a T after a YYYY-MM-DD).
static int parse_on_date(const char *p, const struct date *d, bool t_allowed, double *out, char *err,
			 size_t errlen)
{
	int h = 0, m = 0, s = 0;
	const char *q = skip_spaces(p);

	if (t_allowed && (*p == 'T' || *p == 't')) {
		q = p + 1;
	} else if (!*q) {
		return local_time(d, 0, 0, 0, out, err, errlen);
	} else if (q == p) {
		return fail(err, errlen, "expected a blank or T between the date and the clock time");
	}
	if (!(q = read_clock(q, &h, &m, &s, err, errlen)) || expect_end(q, err, errlen) < 0)
		return -1;
	return local_time(d, h, m, s, out, err, errlen);
}

// "YYYY-MM-DD[( |T)HH:MM[:SS]]".
static int parse_date(const char *p, double *out, char *err, size_t errlen)
{
	long y, mo, d;
	int n;

	if (!(p = read_number(p, 4, &y, &n)) || n != 4 || *p != '-')
		return fail(err, errlen, "expected a date YYYY-MM-DD");
	if (!(p = read_number(p + 1, 2, &mo, &n)) || n != 2 || *p != '-')
		return fail(err, errlen, "expected a date YYYY-MM-DD (two digits of month)");
	if (!(p = read_number(p + 1, 2, &d, &n)) || n != 2)
		return fail(err, errlen, "expected a date YYYY-MM-DD (two digits of day)");
	if (y < 1970)
		return fail(err, errlen, "year %ld: expected 1970 or later", y);
	if (mo < 1 || mo > 12)
		return fail(err, errlen, "month %ld: expected 01 to 12", mo);
	if (d < 1 || d > days_in_month((int)y, (int)mo))
		return fail(err, errlen, "day %ld: %04ld-%02ld has %d days", d, y, mo,
			    days_in_month((int)y, (int)mo));
	return parse_on_date(p, &(struct date){ (int)y, (int)mo, (int)d }, true, out, err, errlen);
}

// "+1h30m", "-90s", "-1d": amounts with units s, m, h, d, w, from ref.
static int parse_relative(const char *p, double ref, double *out, char *err, size_t errlen)
{
	double sign = *p == '-' ? -1.0 : 1.0, total = 0;
	bool any = false;

	p = skip_spaces(p + 1);
	while (*p) {
		long v;
		double unit;

		if (!(p = read_number(p, DIGITS_MAX, &v, NULL)))
			return fail(err, errlen, any ? "unexpected text after the time: expected more "
				    "amounts such as 30m, or nothing" : "expected an amount after the sign, "
				    "such as -2h, +30m, -90s, -1d or -1h30m");
		switch (*p) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		default:
			return fail(err, errlen, "expected a unit after %ld: s, m, h, d or w", v);
		}
		total += (double)v * unit;
		any = true;
		p = skip_spaces(p + 1);
	}
	if (!any)
		return fail(err, errlen, "expected an amount after the sign, such as -2h, +30m, -90s, "
			    "-1d or -1h30m");
	*out = ref + sign * total;
	return 0;
}

// "@1733500000[.5]": seconds since the epoch.
static int parse_epoch(const char *p, double *out, char *err, size_t errlen)
{
	long whole, frac = 0;
	int nfrac = 0;
	double scale = 1;
	const char *q;

	if (!(q = read_number(p + 1, 12, &whole, NULL)))
		return fail(err, errlen, "expected seconds since the epoch after @ (at most 12 digits)");
	if (*q == '.' && !(q = read_number(q + 1, DIGITS_MAX, &frac, &nfrac)))
		return fail(err, errlen, "expected digits after the decimal point");
	if (expect_end(q, err, errlen) < 0)
		return -1;
	while (nfrac-- > 0)
		scale *= 10;
	*out = (double)whole + (double)frac / scale;
	return 0;
}

// "today" / "yesterday", then midnight or a clock time.
static int parse_day_word(const char *p, int back, double ref, double *out, char *err, size_t errlen)
{
	struct date d;

	if (local_date(ref, back, &d, err, errlen) < 0)
		return -1;
	return parse_on_date(p, &d, false, out, err, errlen);
}

int timeexpr_parse(const char *s, double ref, double *out, char *err, size_t errlen)
{
	const char *p = skip_spaces(s), *q;
	struct date d;
	int h, m, sec;
	double t;

	if (!isfinite(ref) || ref > 1e15 || ref < -1e15)
		return fail(err, errlen, "no reference time");
	if (!*p)
		return fail(err, errlen, "expected a time: %s", TIMEEXPR_FORMS);
	if (*p == '@')
		return parse_epoch(p, out, err, errlen);
	if (*p == '+' || *p == '-')
		return parse_relative(p, ref, out, err, errlen);
	if ((q = match_word(p, "today")))
		return parse_day_word(q, 0, ref, out, err, errlen);
	if ((q = match_word(p, "yesterday")))
		return parse_day_word(q, 1, ref, out, err, errlen);
	if (!is_digit(*p))
		return fail(err, errlen, "expected a time: %s", TIMEEXPR_FORMS);
	// Four digits and a dash start a date; anything else with digits, a clock.
	if (is_digit(p[1]) && is_digit(p[2]) && is_digit(p[3]) && p[4] == '-')
		return parse_date(p, out, err, errlen);
	if (!(q = read_clock(p, &h, &m, &sec, err, errlen)) || expect_end(q, err, errlen) < 0 ||
	    local_date(ref, 0, &d, err, errlen) < 0 || local_time(&d, h, m, sec, &t, err, errlen) < 0)
		return -1;
	*out = t;
	return 0;
}

char *timeexpr_format(double t, char *buf, size_t cap)
{
	bool ok = isfinite(t) && t < 1e15 && t > -1e15;
	time_t tt = ok ? (time_t)floor_i64(t) : 0;
	struct tm tm;

	if (!cap)
		return buf;
	if (!ok || !localtime_r(&tt, &tm) || !strftime(buf, cap, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, cap, "?");
	return buf;
}
