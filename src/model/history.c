/* history.c — bucketed ring buffers of a process's memory; pure code. */
#include "model/history.h"
#include "util/mathutil.h"

#include <math.h>
#include <string.h>

// The day tier's 1800 s is fixed: recordings keep a 30-minute rollup
// aligned to floor(t / 1800), which seeds it bucket for bucket.
const double history_bucket_s[HISTORY_TIERS] = { 2.0, 15.0, 150.0, 1800.0 };

size_t history_tier_len(int k)
{
	return k == HISTORY_DAY ? HISTORY_DAY_LEN : HISTORY_LEN;
}

size_t history_tier_count(const struct history *h, int k)
{
	return h->tier[k].count + (k == HISTORY_DAY ? h->day_older.count : 0u);
}

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

size_t history_tier_values(const struct history *h, int k, bool with_open, uint32_t *out, size_t cap)
{
	const struct history_ring *r = &h->tier[k];
	size_t older = k == HISTORY_DAY ? h->day_older.count : 0;
	size_t total = older + r->count + (with_open && r->have_open ? 1u : 0u);
	size_t skip = total > cap ? total - cap : 0, n = 0;

	if (skip < older)
		n = history_values(&h->day_older, false, out, older - skip);
	return n + history_values(r, with_open, out + n, cap - n);
}

// Appends a completed bucket to a ring, dropping the oldest when full.
// Returns true, with the dropped value in *dropped, when one was dropped.
static bool ring_append(struct history_ring *r, uint32_t sig, uint32_t *dropped)
{
	size_t slot;
	bool full = r->count >= HISTORY_LEN;

	if (!full) {
		slot = (r->head + r->count) % HISTORY_LEN;
		r->count++;
	} else {
		*dropped = history_sig(r, 0);
		slot = r->head;
		r->head = (uint16_t)((r->head + 1) % HISTORY_LEN);
	}
	r->sig[slot] = sig;
	return full;
}

// Appends a completed bucket to tier k; the day tier's newer ring hands the
// bucket it drops on to the older one.
static void tier_append(struct history *h, int k, uint32_t sig)
{
	uint32_t dropped, gone;

	if (ring_append(&h->tier[k], sig, &dropped) && k == HISTORY_DAY)
		ring_append(&h->day_older, dropped, &gone);
}

// Adds a sample to tier k; returns true when a bucket was completed.
static bool ring_push(struct history *h, int k, double t, uint32_t sig)
{
	struct history_ring *r = &h->tier[k];
	int64_t index = floor_i64(t / history_bucket_s[k]);
	bool completed = false;

	if (r->have_open && index > r->index) {
		// Close the open bucket; buckets nobody sampled repeat its last
		// values (at most a tier's worth: older ones would fall out anyway).
		int64_t missing = index - r->index - 1, len = (int64_t)history_tier_len(k);

		if (missing > len)
			missing = len;
		for (int64_t i = 0; i <= missing; i++)
			tier_append(h, k, r->open_sig);
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
