/* leak.h — the leak detector: per-process trend statistics over the history
 * tiers and a verdict with hysteresis. Pure: fed samples (live or replayed
 * from a recorded series), it does no I/O and never allocates.
 *
 * The signal is anonymous memory plus swap (KiB). Each tier tests the lower
 * envelope of its buckets with a Mann-Kendall trend test (corrected for
 * lag-1 autocorrelation), a robust slope, and shape vetoes: the rise must be
 * large in absolute and relative terms, the recent slope must not have
 * collapsed (warm-up, plateau), and no single jump may explain most of the
 * rise (one large allocation). A tier raises its flag after two passing
 * evaluations in a row and drops it after two that fail even looser
 * thresholds (LEAK_HOLD_FACTOR), so a borderline shape does not flicker. A slower tier
 * that has seen the growth level off vetoes the faster tiers' flags (a long
 * warm-up looks linear over a minute). The process is suspected while some
 * tier holds an unvetoed flag and the envelope reached a new high within
 * the last LEAK_RECENT_S seconds, or within the time the flagged rate takes
 * to beat the old high by its margin (a slow leak in a big process). See
 * docs/leak-detection.md.
 *
 * The day tier (30-min buckets over 48 h) tests the same way, with a lower
 * relative gate; a window in which the process gave much of a rise back
 * within a day (a daily cycle) is judged day over day instead (each bucket
 * against the one 24 h before, and the rise of the daily minimum), and a
 * cycle it has not outgrown vetoes the faster tiers. Its flag also counts as
 * growing while its own buckets make new highs.
 */
#ifndef MEMTOP_LEAK_H
#define MEMTOP_LEAK_H

#include <stdbool.h>
#include <stdint.h>

#include "model/history.h"

/* How readily the detector flags: high lowers the evidence needed (Mann-
 * Kendall Z and the minimum rise), low raises it. Each detector gets it at
 * leak_init (from the monitor's settings), so nothing global holds it. */
enum leak_sensitivity { LEAK_SENS_NORMAL, LEAK_SENS_LOW, LEAK_SENS_HIGH };

#define LEAK_RECENT_S 60.0
#define LEAK_HOLD_FACTOR 0.7

struct leak_verdict {
	double score;              // 0..1; below 0.5 unless suspected
	double since_s;            // how long the growth has gone on (suspected only)
	double rate_kb_per_min;    // robust slope of the signal
	bool suspected;
	bool have_rate;
};

struct leak_tier {
	double score;
	double slope_kb_s;
	double span_s;             // time covered by its last evaluation
	int passes, fails;         // consecutive evaluations
	bool flagged;
	bool bent;                 // the last evaluation saw a plateau or a bend, or
				   // (day tier) a cycle whose days do not rise
	bool cyclic;               // (day tier) judged day over day
	bool rising;               // (day tier) its newest buckets made a new high
	bool have_slope;
};

struct leak_state {
	struct history hist;
	struct leak_tier tier[HISTORY_TIERS];
	uint32_t peak;             // high-water mark of the envelope
	uint32_t level;            // the envelope now
	double cycle_limit;        // the day tier's cycle vetoes while level <= this
	uint8_t sensitivity;       // an enum leak_sensitivity, set by leak_init
	double peak_time;          // when it last rose
	double below_since;        // since when the envelope sits well below it; < 0 if not
	double growth_start;       // start of the flagged growth; < 0 when not suspected
	double now;
	struct leak_verdict verdict;
};

const char *leak_sensitivity_name(enum leak_sensitivity s);

/* Starts a detector at time t, flagging as readily as sens says; the
 * process's memory is known from then. */
void leak_init(struct leak_state *s, double t, enum leak_sensitivity sens);
/* Feeds one sample (sizes in KiB) and updates the verdict. */
void leak_push(struct leak_state *s, double t, uint64_t sig_kb);

/* The statistics of one evaluation, exposed for tests and the bench. */
struct leak_eval {
	unsigned n;                // envelope points
	double z;                  // Mann-Kendall Z, autocorrelation-corrected
	double slope;              // robust slope, KiB per bucket
	double rise_kb, rel;       // rise over the window, and relative to its start
	double recent;             // slope of the last third / whole
	double bend;               // slope of the last third / first third (1 if first <= 0)
	double step;               // largest single rise / whole rise
	unsigned width;            // buckets in the rolling minimum the points come from
	bool shape_known;          // got past the size gates, so the shape was measured
	bool bent;                 // ... and it flattens (recent or bend below the minimum);
				   // or a cycle that the day-over-day test does not flag
	bool cyclic;               // (day tier) the window gave back much of a rise:
				   // n counts day-over-day differences, slope is
				   // their median / 48 (per bucket), rise their median
	double cycle_limit;        // ... and the level (KiB) past which it outgrows the
				   // cycle: the high it fell from, plus a margin
	bool rising;               // (day tier) the newest hour (a cyclic window: the
				   // newest day) beat every bucket before it
	bool pass;
	bool hold;                 // passes the looser tests that keep a raised flag
	double score;
};

/* Evaluates tier's completed buckets in h (for tests; leak_push calls it). */
void leak_evaluate(const struct history *h, int tier, enum leak_sensitivity sens, struct leak_eval *out);

/* The trend test's core on any evenly spaced series y[0..n) (6 <= n <=
 * HISTORY_DAY_LEN, else 0): Mann-Kendall Z corrected for the lag-1
 * autocorrelation of the residuals, and the robust slope per step in
 * *slope. The tiers' judge uses the same; model/allocsites.c runs it on a
 * stack's own readings, which the tiers' 2 s buckets take too long to fill. */
double leak_series_z(const double *y, unsigned n, double *slope);

/* How far back tier k looks: its ring's span (seconds). A detector seeded
 * from a recording needs no more of the past than the slowest tier's span,
 * and, older than tier k-1's span, one value per tier k bucket (struct
 * source_series_req). */
double leak_tier_span_s(int k);

/* Seconds until a process growing at rate_kb_per_min alone would use up
 * headroom_kb, or < 0 when it does not grow. */
double leak_time_to_fill(double headroom_kb, double rate_kb_per_min);

#endif
