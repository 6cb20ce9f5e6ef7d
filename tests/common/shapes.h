/* shapes.h — synthetic memory series for replaying the leak detector: the
 * leak shapes memtop must flag and the non-leak shapes it must not, each as
 * a pure function of time with deterministic noise (header-only, shared by
 * the unit tests and the benchmark).
 *
 * All sizes are KiB, times seconds. value(shape, t) is the anonymous + swap
 * level at time t; growth_stops(shape) is when a non-leak shape stops
 * growing (for the "cleared within 60 s" check), or a negative number.
 */
#ifndef MEMTOP_TEST_SHAPES_H
#define MEMTOP_TEST_SHAPES_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

enum shape_kind {
	SHAPE_LINEAR,      // steady leak at rate KiB/s
	SHAPE_BURSTY,      // a chunk of amp KiB every period s, never freed
	SHAPE_SAWLEAK,     // GC sawtooth (amp, period) on a baseline rising at rate
	SHAPE_WARMUP,      // rises at rate for period s, then flat
	SHAPE_WARMUP_EXP,  // amp * (1 - e^(-t/period))
	SHAPE_SAWTOOTH,    // flat GC sawtooth: ramps amp over period, drops back
	SHAPE_HOLD_FREE,   // +amp at t = period, freed at t = 4 * period
	SHAPE_SPIKE,       // a 5 s spike of amp every period s
	SHAPE_NOISY,       // flat with noise only
	SHAPE_DAILY,       // a daily cycle of `period` s: rises amp over its first two
			   // thirds (the day), freed at once for the last third (the
			   // night); plus a leak at rate (0: none)
};

struct shape {
	enum shape_kind kind;
	double base;       // starting level, KiB
	double rate;       // KiB/s
	double amp;        // KiB
	double period;     // s
	double noise;      // standard deviation-like amplitude, KiB
	uint64_t seed;
	const char *name;
};

// A deterministic pseudo-random value in [-1, 1] for (seed, i): splitmix64.
static inline double shape_noise_unit(uint64_t seed, uint64_t i)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + i * 0xbf58476d1ce4e5b9ULL + 0x94d049bb133111ebULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / (double)(1ULL << 52) - 1.0;
}

// The level at time t (sampled once a second or at any other rate).
static inline double shape_value(const struct shape *s, double t)
{
	double v = s->base, phase;

	switch (s->kind) {
	case SHAPE_LINEAR: v += s->rate * t; break;
	case SHAPE_BURSTY: v += s->amp * floor(t / s->period); break;
	case SHAPE_SAWLEAK:
		phase = fmod(t, s->period) / s->period;
		v += s->rate * t + s->amp * phase;
		break;
	case SHAPE_WARMUP: v += s->rate * fmin(t, s->period); break;
	case SHAPE_WARMUP_EXP: v += s->amp * (1 - exp(-t / s->period)); break;
	case SHAPE_SAWTOOTH: v += s->amp * (fmod(t, s->period) / s->period); break;
	case SHAPE_HOLD_FREE: v += (t >= s->period && t < 4 * s->period) ? s->amp : 0; break;
	case SHAPE_SPIKE: v += fmod(t, s->period) < 5.0 && t >= 5.0 ? s->amp : 0; break;
	case SHAPE_NOISY: break;
	case SHAPE_DAILY:
		phase = fmod(t, s->period) / s->period;
		v += s->rate * t + (phase < 2.0 / 3 ? s->amp * phase * 1.5 : 0);
		break;
	}
	v += s->noise * shape_noise_unit(s->seed, (uint64_t)(t * 10.0));
	return v < 0 ? 0 : v;
}

static inline bool shape_is_leak(const struct shape *s)
{
	return s->kind == SHAPE_LINEAR || s->kind == SHAPE_BURSTY || s->kind == SHAPE_SAWLEAK ||
	       (s->kind == SHAPE_DAILY && s->rate > 0);
}

// When a non-leak shape's growth stops for good (< 0: it never grows, or
// keeps cycling). The exponential warm-up counts as stopped once it is
// within 1 % of its plateau.
static inline double shape_growth_stops(const struct shape *s)
{
	switch (s->kind) {
	case SHAPE_WARMUP: return s->period;
	case SHAPE_WARMUP_EXP: return s->period * log(100.0);
	default: return -1;
	}
}

#endif
