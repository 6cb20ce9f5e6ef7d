/* history.h — a process's memory over time: fixed-size ring buffers at three
 * resolutions, so a 1 s refresh still shows growth over minutes and hours.
 * Pure: samples in, buckets out.
 *
 * Each tier keeps HISTORY_LEN buckets of bucket_s seconds. A bucket holds the
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

#define HISTORY_TIERS 3
#define HISTORY_LEN 48

struct history_ring {
	uint32_t sig[HISTORY_LEN];        // the smallest value in each bucket
	uint16_t head, count;             // oldest bucket at [head]
	bool have_open;
	uint32_t open_sig;                // the bucket being filled
	int64_t index;                    // floor(t / bucket_s) of the open bucket
};

/* 4 bytes a bucket, 648 bytes in all: this is most of a watched process's
 * memory in memtop, so it holds the leak signal only. */
struct history {
	struct history_ring tier[HISTORY_TIERS];
};

/* Bucket length of each tier, in seconds. */
extern const double history_bucket_s[HISTORY_TIERS];

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


#endif
