/* pace.c — the detail view's smaps re-read pace (see pace.h). */
#include "model/pace.h"

#include <stdio.h>

#include "util/mathutil.h"

double pace_period(double cost_s, double interval_s)
{
	// A hair under a whole number of intervals is that number: 10 x 0.1 s
	// is 1.0000000000000002 s in doubles, not a reason to wait another tick.
	int64_t k = -floor_i64(-(PACE_COST_FACTOR * dmax(cost_s, 0.0) / interval_s - 1e-9));

	return (double)(k > 1 ? k : 1) * interval_s;
}

double pace_next_due(double started_s, double cost_s, double interval_s)
{
	return started_s + pace_period(cost_s, interval_s);
}

bool pace_due(double now_s, double due_s, double interval_s)
{
	return now_s >= due_s - interval_s / 2;
}

// Seconds as the screen shows them: "0.8 s", "8 s", "12 s".
static void pace_seconds(double s, char *buf, size_t cap)
{
	snprintf(buf, cap, s < 9.95 && s != (double)floor_i64(s) ? "%.1f s" : "%.0f s", s);
}

const char *pace_describe(double cost_s, double interval_s, char *buf, size_t cap)
{
	double period = pace_period(cost_s, interval_s);
	char every[32], takes[32];

	if (period <= interval_s) {
		snprintf(buf, cap, "%s", "");
		return buf;
	}
	pace_seconds(period, every, sizeof every);
	pace_seconds(cost_s, takes, sizeof takes);
	snprintf(buf, cap, "smaps re-read every %s (a read takes %s)", every, takes);
	return buf;
}
