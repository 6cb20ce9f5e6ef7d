/* timeexpr.h — a moment in time as a user types it ("12:30", "yesterday
 * 18:00", "2026-12-05 18:00", "-2h", "@1733500000"), turned into wall
 * seconds since the epoch: the replay's jump prompt, and --since/--until.
 *
 * Contract: pure but for the local time zone (TZ, through localtime_r and
 * mktime). ref is the moment the relative forms count from and whose local
 * date a clock time, "today" and "yesterday" are on: the sample shown in the
 * jump prompt, a recording's newest sample on the command line. Returns 0
 * with the time in *out, or -1 with one line in err (what was wrong, what was
 * expected) and *out untouched. A local time the clocks pass twice (the hour
 * daylight saving ends) is the first of the two; one they skip (the hour it
 * starts) is an error. "-1d" is 24 hours; "yesterday" is the calendar day.
 */
#ifndef MEMTOP_TIMEEXPR_H
#define MEMTOP_TIMEEXPR_H

#include <stddef.h>

/* The forms, for help texts and error messages. */
#define TIMEEXPR_FORMS "12:30[:15], today 08:00, yesterday 18:00, 2026-12-05 [18:00], " \
	"2026-12-05T18:00, -2h, +30m, -1h30m, -1d or @EPOCH"

int timeexpr_parse(const char *s, double ref, double *out, char *err, size_t errlen);
/* Writes wall time t as the local "YYYY-MM-DD HH:MM:SS" (a form the parser
 * reads back) into buf; "?" when it has no local time. Returns buf. */
char *timeexpr_format(double t, char *buf, size_t cap);

#endif
