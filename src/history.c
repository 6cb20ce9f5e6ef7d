/* history.c — bucketed ring buffers of a process's memory; pure code. */
#include "history.h"

#include <math.h>
#include <string.h>

const double history_bucket_s[HISTORY_TIERS] = { 2.0, 15.0, 150.0 };

void history_init(struct history *h)
{
	memset(h, 0, sizeof *h);
}

const struct history_bucket *history_at(const struct history_ring *r, size_t i)
{
	return &r->b[(r->head + i) % HISTORY_LEN];
}

// Appends a completed bucket, dropping the oldest when full.
static void ring_append(struct history_ring *r, const struct history_bucket *b)
{
	if (r->count < HISTORY_LEN) {
		r->b[(r->head + r->count) % HISTORY_LEN] = *b;
		r->count++;
	} else {
		r->b[r->head] = *b;
		r->head = (uint16_t)((r->head + 1) % HISTORY_LEN);
	}
}

// Adds a sample to one tier; returns true when a bucket was completed.
static bool ring_push(struct history_ring *r, double bucket_s, double t,
		      uint32_t sig, uint32_t rss, uint32_t heap)
{
	int64_t index = (int64_t)floor(t / bucket_s);
	bool completed = false;

	if (r->have_open && index > r->index) {
		// Close the open bucket; buckets nobody sampled repeat its last
		// values (at most a ring's worth: older ones would fall out anyway).
		struct history_bucket gap = { r->open.sig, r->open.rss, r->open.heap };
		int64_t missing = index - r->index - 1;

		ring_append(r, &r->open);
		if (missing > HISTORY_LEN)
			missing = HISTORY_LEN;
		for (int64_t i = 0; i < missing; i++)
			ring_append(r, &gap);
		r->have_open = false;
		completed = true;
	}
	if (!r->have_open) {
		r->open = (struct history_bucket){ sig, rss, heap };
		r->index = index;
		r->have_open = true;
		return completed;
	}
	if (sig < r->open.sig)
		r->open.sig = sig;
	r->open.rss = rss;
	r->open.heap = heap;
	return completed;
}

unsigned history_push(struct history *h, double t, uint32_t sig, uint32_t rss, uint32_t heap)
{
	unsigned done = 0;

	for (int k = 0; k < HISTORY_TIERS; k++)
		if (ring_push(&h->tier[k], history_bucket_s[k], t, sig, rss, heap))
			done |= 1u << k;
	return done;
}
