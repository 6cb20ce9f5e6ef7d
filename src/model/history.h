/* history.h — a process's memory over time: fixed-size ring buffers at four
 * resolutions, so a 1 s refresh still shows growth over minutes, hours and
 * days. Pure: samples in, buckets out.
 *
 * The three fast tiers keep HISTORY_LEN buckets of bucket_s seconds; the day
 * tier (HISTORY_DAY, 30-min buckets) keeps twice that, 48 hours, as two rings
 * of HISTORY_LEN: its newest buckets in tier[HISTORY_DAY] and the ones that
 * fall out of it in day_older (history_tier_values reads both). A bucket holds the
 * smallest value seen in it — for the leak signal (anonymous + swap, KiB) the
 * lower envelope, which ignores spikes and allocator breathing. A bucket with
 * no sample (a long interval, a pause) repeats the last value. Memory is
 * fixed: sizeof(struct history), no allocation.
 */
#ifndef MEMTOP_HISTORY_H
#define MEMTOP_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HISTORY_TIERS 4
#define HISTORY_DAY 3                     // the day tier: the last one
#define HISTORY_LEN 48
#define HISTORY_DAY_LEN (2 * HISTORY_LEN)  // its buckets: 48 h

struct history_ring {
	uint32_t sig[HISTORY_LEN];        // the smallest value in each bucket
	uint16_t head, count;             // oldest bucket at [head]
	bool have_open;
	uint32_t open_sig;                // the bucket being filled
	int64_t index;                    // floor(t / bucket_s) of the open bucket
};

/* 4 bytes a bucket, 1,080 bytes in all: this is most of a watched process's
 * memory in memtop, so it holds the leak signal only. */
struct history {
	struct history_ring tier[HISTORY_TIERS];
	struct history_ring day_older;    // the day tier's older half (no open bucket)
};

/* Bucket length of each tier, in seconds. */
extern const double history_bucket_s[HISTORY_TIERS];

/* How many completed buckets tier k keeps: HISTORY_LEN, HISTORY_DAY_LEN for
 * the day tier. */
size_t history_tier_len(int k);
/* Completed buckets tier k holds now (both rings of the day tier). */
size_t history_tier_count(const struct history *h, int k);

void history_init(struct history *h);
/* Adds a sample at monotonic time t (seconds, non-decreasing). Returns a
 * bit mask of the tiers in which a bucket was completed by this sample. */
unsigned history_push(struct history *h, double t, uint32_t sig);

/* The most values a tier can give: its completed buckets and the open one. */
#define HISTORY_VALUES_MAX (HISTORY_LEN + 1)
/* Copies a tier's values, oldest first, into out: the completed buckets and,
 * when with_open, the bucket being filled as the newest. When there are more
 * than cap, the newest cap are copied. Returns how many were copied (0 for an
 * empty ring). Every reader of a ring goes through this, so no reader can
 * overrun a buffer sized for HISTORY_LEN when the ring is full. */
size_t history_values(const struct history_ring *r, bool with_open, uint32_t *out, size_t cap);

/* The most values a tier can give: the day tier's 96 buckets and the open one. */
#define HISTORY_TIER_VALUES_MAX (HISTORY_DAY_LEN + 1)
/* history_values over the whole of tier k: for the day tier its older ring
 * first, then the newer one (and its open bucket when with_open); the
 * newest cap when there are more. Returns how many were copied. */
size_t history_tier_values(const struct history *h, int k, bool with_open, uint32_t *out, size_t cap);


#endif
