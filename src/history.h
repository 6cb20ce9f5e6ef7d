/* history.h — a process's memory over time: fixed-size ring buffers at three
 * resolutions, so a 1 s refresh still shows growth over minutes and hours.
 * Pure: samples in, buckets out.
 *
 * Each tier keeps HISTORY_LEN buckets of bucket_s seconds. A bucket holds the
 * smallest leak signal (anonymous + swap, KiB) seen in it — the lower
 * envelope, which ignores spikes and allocator breathing — and the last RSS
 * and heap size. A bucket with no sample (a long interval, a pause) repeats
 * the last value. Memory is fixed: sizeof(struct history), no allocation.
 */
#ifndef MEMTOP_HISTORY_H
#define MEMTOP_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HISTORY_TIERS 3
#define HISTORY_LEN 48
#define HISTORY_NONE UINT32_MAX          // a heap size that is not known

struct history_bucket {
	uint32_t sig;                     // min of anonymous + swap, KiB
	uint32_t rss, heap;               // last value in the bucket, KiB
};

struct history_ring {
	struct history_bucket b[HISTORY_LEN];
	uint16_t head, count;             // oldest bucket at b[head]
	int64_t index;                    // floor(t / bucket_s) of the open bucket
	struct history_bucket open;       // the bucket being filled
	bool have_open;
};

struct history {
	struct history_ring tier[HISTORY_TIERS];
};

/* Bucket length of each tier, in seconds. */
extern const double history_bucket_s[HISTORY_TIERS];

void history_init(struct history *h);
/* Adds a sample at monotonic time t (seconds, non-decreasing). Returns a
 * bit mask of the tiers in which a bucket was completed by this sample. */
unsigned history_push(struct history *h, double t, uint32_t sig, uint32_t rss, uint32_t heap);
/* The i-th completed bucket of a tier, oldest first (i < count). */
const struct history_bucket *history_at(const struct history_ring *r, size_t i);

#endif
