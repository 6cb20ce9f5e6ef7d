/* pace.h — how often the detail view re-reads smaps: a pure rule.
 *
 * Contract: times are seconds on one clock the caller chooses (memtop:
 * CLOCK_MONOTONIC; the unit tests: numbers they make up). After a read that
 * started at S and cost C seconds, the next is due no sooner than S plus
 * PACE_COST_FACTOR x C, and never sooner than one refresh interval after S.
 * Re-reads happen at ticks, so the period is a whole number of intervals.
 * The reads then take at most 1 / PACE_COST_FACTOR of the time: a tenth of
 * a core however many mappings the process has. No state, no I/O.
 */
#ifndef MEMTOP_PACE_H
#define MEMTOP_PACE_H

#include <stdbool.h>
#include <stddef.h>

#define PACE_COST_FACTOR 10.0

/* Seconds from the start of one read to the next: the interval, or the
 * smallest whole number of intervals not under PACE_COST_FACTOR x cost_s. */
double pace_period(double cost_s, double interval_s);
/* When the read after one that started at started_s and cost cost_s is due. */
double pace_next_due(double started_s, double cost_s, double interval_s);
/* Whether the tick at now_s should read: it is due, give or take half an
 * interval (ticks come an interval apart; jitter must not skip one). */
bool pace_due(double now_s, double due_s, double interval_s);
/* What the screen says of a slowed pace, "smaps re-read every 8 s (a read
 * takes 0.8 s)"; "" when the pace is the interval. Returns buf. */
const char *pace_describe(double cost_s, double interval_s, char *buf, size_t cap);

#endif
