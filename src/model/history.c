/* history.c — bucketed ring buffers of a process's memory; pure code. */
#include "model/history.h"
#include "util/mathutil.h"

#include <math.h>
#include <string.h>

const double history_bucket_s[HISTORY_TIERS] = { 2.0, 15.0, 150.0 };

void history_init(struct history *h)
{
	memset(h, 0, sizeof *h);
}

// The leak signal of the i-th completed bucket of a tier, oldest first (i < count).
static uint32_t history_sig(const struct history_ring *r, size_t i)
{
	return r->sig[(r->head + i) % HISTORY_LEN];
}

size_t history_values(const struct history_ring *r, bool with_open, uint32_t *out, size_t cap)
{
	size_t total = r->count + (with_open && r->have_open ? 1u : 0u);
	size_t skip = total > cap ? total - cap : 0, n = 0;

	for (size_t i = skip; i < r->count; i++)
		out[n++] = history_sig(r, i);
	if (total > r->count && n < cap)
		out[n++] = r->open_sig;
	return n;
}

// Appends a completed bucket to a ring, dropping the oldest when full.
static void ring_append(struct history_ring *r, uint32_t sig)
{
	size_t slot;

	if (r->count < HISTORY_LEN) {
		slot = (r->head + r->count) % HISTORY_LEN;
		r->count++;
	} else {
		slot = r->head;
		r->head = (uint16_t)((r->head + 1) % HISTORY_LEN);
	}
	r->sig[slot] = sig;
}

// Adds a sample to tier k; returns true when a bucket was completed.
static bool ring_push(struct history *h, int k, double t, uint32_t sig)
{
	struct history_ring *r = &h->tier[k];
	int64_t index = floor_i64(t / history_bucket_s[k]);
	bool completed = false;

	if (r->have_open && index > r->index) {
		// Close the open bucket; buckets nobody sampled repeat its last
		// values (at most a ring's worth: older ones would fall out anyway).
		int64_t missing = index - r->index - 1;

		if (missing > HISTORY_LEN)
			missing = HISTORY_LEN;
		for (int64_t i = 0; i <= missing; i++)
			ring_append(r, r->open_sig);
		r->have_open = false;
		completed = true;
	}
	if (!r->have_open) {
		r->open_sig = sig;
		r->index = index;
		r->have_open = true;
		return completed;
	}
	if (sig < r->open_sig)
		r->open_sig = sig;
	return completed;
}

unsigned history_push(struct history *h, double t, uint32_t sig)
{
	unsigned done = 0;

	for (int k = 0; k < HISTORY_TIERS; k++)
		if (ring_push(h, k, t, sig))
			done |= 1u << k;
	return done;
}
