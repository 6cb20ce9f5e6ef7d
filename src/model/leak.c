/* leak.c — trend statistics and the leak verdict; pure code. */
#include "model/leak.h"
#include "util/mathutil.h"

#include <math.h>
#include <string.h>

// What each tier needs before and while it flags. Tier 0 (2 s buckets) is
// the fast tier: strict on shape, for leaks of 256 KiB/s and more within a
// minute. Tier 1 (15 s) catches ~16 KiB/s within minutes and a leak under a
// sawtooth of up to a minute; tier 2 (150 s) slow leaks over an hour or two.
// The day tier (30 min buckets, 48 h) catches ~1 MiB/h within hours: its
// relative gate is low (a 1 MiB/h leak in a 512 MiB daemon rises 0.6 % in
// 5 h) because a bucket is a half-hour minimum, whose noise is small next to
// the rise, and because what guards it is the trend test on many hours.
static const struct tier_params {
	unsigned envelope;         // buckets in the rolling minimum
	unsigned n_min;            // envelope points before the first test
	double z_min;              // corrected Mann-Kendall Z
	double rise_min_kb;        // absolute rise over the window
	double rel_min;            // rise relative to the window's starting level
	double recent_min;         // last-third slope / whole slope
	double bend_min;           // last-third slope / first-third slope
	double step_max;           // largest jump / whole rise
} params[HISTORY_TIERS] = {
	{ 3, 15, 3.0, 4096, 0.05, 0.6, 0.6, 0.4 },
	{ 4, 10, 3.0, 2048, 0.05, 0.5, 0.35, 0.5 },
	{ 4, 10, 3.0, 4096, 0.05, 0.5, 0.35, 0.5 },
	{ 2, 8, 3.0, 2048, 0.005, 0.5, 0.35, 0.5 },
};

// The day tier's cycle test. A window holding a fall of at least 30 % of
// what the process had grown to before it (and at least the tier's
// minimum rise) is cyclic: a daily cycle (work by day, freed at night), a
// leak on top of one, or memory that was really given back. A cyclic window
// is judged day over day (judge_daily): a cycle comes back to the same
// levels a day later, a leak does not.
#define DAY_SEASON 48              // buckets in a day: the cycle's period
#define DAY_DRAWDOWN_MIN 0.3       // fall / the growth before it
#define DAY_OUTGROWN 0.1           // past the cycle's high by this share of its fall

// The sensitivity setting scales the evidence a tier needs: Mann-Kendall Z
// and the minimum rise.
struct sens_factors {
	double z, rise;
};

static struct sens_factors sens_factors(enum leak_sensitivity s)
{
	switch (s) {
	case LEAK_SENS_LOW:
		return (struct sens_factors){ 1.25, 2.0 };
	case LEAK_SENS_HIGH:
		return (struct sens_factors){ 0.8, 0.5 };
	default:
		return (struct sens_factors){ 1.0, 1.0 };
	}
}

const char *leak_sensitivity_name(enum leak_sensitivity s)
{
	return s == LEAK_SENS_LOW ? "low" : s == LEAK_SENS_HIGH ? "high" : "normal";
}

#define PEAK_MARGIN_KB 64.0        // a new high must beat the old by this much,
#define PEAK_MARGIN_REL 0.005      // or by this share of it when that is more
#define PEAK_RESET_S 720.0         // a lower level held this long resets the high

static double clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

// Median of n values (n <= HISTORY_DAY_LEN); reorders v.
static double median(double *v, unsigned n)
{
	// Insertion sort: n is at most 96 (the day tier's window).
	for (unsigned i = 1; i < n; i++) {
		double x = v[i];
		unsigned j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Robust slope of y[0..n) per step: the median of the slopes between points
// half the span apart (Sen's estimator restricted to one lag, O(n)).
static double robust_slope(const double *y, unsigned n)
{
	double s[HISTORY_DAY_LEN];
	unsigned h = n / 2, k = 0;

	if (n < 2)
		return 0;
	for (unsigned i = 0; i + h < n; i++)
		s[k++] = (y[i + h] - y[i]) / h;
	return median(s, k);
}

// Mann-Kendall Z of y[0..n) (continuity-corrected; ties make it conservative).
static double mann_kendall_z(const double *y, unsigned n)
{
	double var = (double)n * (n - 1) * (2.0 * n + 5) / 18.0;
	long s = 0;

	for (unsigned i = 0; i + 1 < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			s += (y[j] > y[i]) - (y[j] < y[i]);
	if (s > 0)
		return (s - 1) / sqrt(var);
	if (s < 0)
		return (s + 1) / sqrt(var);
	return 0;
}

// Lag-1 autocorrelation of the residuals around the line of slope b,
// clamped to [0, 0.95]: positive correlation inflates Mann-Kendall's Z.
// 0 when the residuals are negligible next to the rise.
static double residual_autocorrelation(const double *y, unsigned n, double b)
{
	double r[HISTORY_DAY_LEN], tmp[HISTORY_DAY_LEN], a, mean = 0, num = 0, den = 0;

	for (unsigned i = 0; i < n; i++)
		tmp[i] = y[i] - b * i;
	a = median(tmp, n);
	for (unsigned i = 0; i < n; i++) {
		r[i] = y[i] - a - b * i;
		mean += r[i];
	}
	mean /= n;
	for (unsigned i = 0; i < n; i++) {
		den += (r[i] - mean) * (r[i] - mean);
		if (i + 1 < n)
			num += (r[i] - mean) * (r[i + 1] - mean);
	}
	// Residuals far smaller than the rise are rounding (pages, allocation
	// chunks), not noise: their correlation says nothing about the trend
	// and, near 1, would wrongly wipe out an almost perfect line's Z.
	if (den <= 0 || sqrt(den / n) < 0.01 * fabs(y[n - 1] - y[0]))
		return 0.0;
	return dmin(dmax(num / den, 0.0), 0.95);
}

// The median of three values at the start or end of y.
static double median3(const double *y)
{
	double v[3] = { y[0], y[1], y[2] };

	return median(v, 3);
}

// Fills y with the rolling minimum over width of v[0..count); returns its
// length (0 when count < width).
static unsigned envelope(const uint32_t *v, size_t count, unsigned width, double *y)
{
	unsigned n = 0;

	for (size_t i = width - 1; i < count; i++) {
		uint32_t m = UINT32_MAX;

		for (unsigned k = 0; k < width; k++)
			m = v[i - k] < m ? v[i - k] : m;
		y[n++] = m;
	}
	return n;
}

// An evaluation's score: the product of clamped terms for Z, the relative
// rise, the recent slope and the step fraction; at least 0.5 when it
// passes, below when it does not.
static void score_eval(struct leak_eval *e)
{
	e->score = clamp01((e->z - 2) / 3) * clamp01(e->rel / 0.10) *
		   clamp01(e->recent / 0.8) * clamp01((1 - e->step) / 0.6);
	if (!e->pass && e->score >= 0.5)
		e->score = 0.49;
	if (e->pass && e->score < 0.5)
		e->score = 0.5;
}

// The day tier's cycle test on its envelope (y, n points): true, with the
// cycle fields of e filled, when within some day of the window the process
// fell by at least rise_min_kb and DAY_DRAWDOWN_MIN of what it had grown
// to reach the high it fell from (measured within that day, so that a
// leak under the cycle does not water the test down day after day). v
// (count values) are the tier's half-hour minima.
static bool day_cycle(const uint32_t *v, size_t count, const double *y, unsigned n, double rise_min_kb,
		      struct leak_eval *e)
{
	double best = 0, high = 0, lo = y[0], hi = y[0], steepest = 0;

	// No fall can reach rise_min_kb within a smaller range (most processes).
	for (unsigned i = 1; i < n; i++)
		lo = dmin(lo, y[i]), hi = dmax(hi, y[i]);
	if (hi - lo < rise_min_kb)
		return false;
	for (unsigned i = 1; i < n; i++) {
		unsigned from = i >= DAY_SEASON ? i - DAY_SEASON + 1 : 0;
		double top = y[from], low = y[from], low_before = y[from], fall;

		for (unsigned j = from + 1; j <= i; j++) {
			if (y[j] > top)
				top = y[j], low_before = low;
			low = dmin(low, y[j]);
		}
		fall = top - y[i];
		if (fall >= rise_min_kb && fall >= DAY_DRAWDOWN_MIN * (top - low_before))
			best = dmax(best, fall);
	}
	if (best <= 0)
		return false;
	for (size_t i = 0; i < count; i++) {
		high = dmax(high, v[i]);
		if (i > 0)
			steepest = dmax(steepest, (double)v[i] - v[i - 1]);
	}
	e->cyclic = true;
	// Past this level the process outgrows the range it has grown through
	// and given back: its highest half-hour minimum, plus a tenth of the
	// fall, plus what the live level (a few seconds' minimum) can be above
	// a half-hour minimum on a ramp: up to two buckets of its steepest rise.
	e->cycle_limit = high + dmax(PEAK_MARGIN_KB, DAY_OUTGROWN * best) + 2 * steepest;
	return true;
}

// Whether the newest `back` points of y[0..n) beat every older value by
// margin_kb (at least the peak margin): the day tier's own "still growing".
static bool day_rising(const double *y, unsigned n, unsigned back, double margin_kb)
{
	double old = 0, recent = 0;

	if (n <= back)
		return false;
	for (unsigned i = 0; i < n; i++) {
		if (i < n - back)
			old = dmax(old, y[i]);
		else
			recent = dmax(recent, y[i]);
	}
	return recent > old + dmax(PEAK_MARGIN_KB, margin_kb);
}

// Judges a cyclic window day over day, a seasonal Kendall test with a
// 24-hour season: each envelope point is compared with the one a day
// before it (y[i + DAY_SEASON] - y[i]), and Z is the sign test on those
// differences, corrected for their lag-1 autocorrelation. The slope is
// their median (Sen's seasonal slope). Gates: that daily rise, and the
// rise of the daily floor (the rolling minimum over a day, v's lowest
// level in each 24 hours), which must not come from one jump.
static void judge_daily(const uint32_t *v, size_t count, const double *y, unsigned n,
			const struct tier_params *p, struct sens_factors f, struct leak_eval *e)
{
	double d[HISTORY_DAY_LEN], tmp[HISTORY_DAY_LEN], fl[HISTORY_DAY_LEN], start, rise_floor,
		max_step = 0, r1, z_min;
	unsigned nd = n > DAY_SEASON ? n - DAY_SEASON : 0, nf;
	long sign = 0;

	e->n = nd;
	e->width = DAY_SEASON + p->envelope;
	if (nd < 6)
		return;
	for (unsigned i = 0; i < nd; i++) {
		d[i] = tmp[i] = y[i + DAY_SEASON] - y[i];
		sign += (d[i] > 0) - (d[i] < 0);
	}
	e->rise_kb = median(tmp, nd);
	e->slope = e->rise_kb / DAY_SEASON;
	if (nd < p->n_min)
		return;
	start = median3(y);
	e->rel = start > 0 ? e->rise_kb / start : e->rise_kb > 0 ? 1.0 : 0.0;
	nf = envelope(v, count, DAY_SEASON, fl);
	rise_floor = fl[nf - 1] - fl[0];
	if (e->slope <= 0 || e->rise_kb < p->rise_min_kb * f.rise || e->rel < p->rel_min ||
	    rise_floor < p->rise_min_kb * f.rise)
		return;
	for (unsigned i = 1; i < nf; i++)
		max_step = dmax(max_step, fl[i] - fl[i - 1]);
	e->step = max_step / rise_floor;
	e->recent = e->bend = 1.0;       // a floor rises in steps: its thirds say nothing
	e->shape_known = true;
	r1 = residual_autocorrelation(d, nd, 0);
	e->z = (sign > 0 ? (double)(sign - 1) / sqrt(nd) : 0) * sqrt((1 - r1) / (1 + r1));
	z_min = p->z_min * f.z;
	e->pass = e->z >= z_min && e->step <= p->step_max;
	e->hold = e->z >= z_min * LEAK_HOLD_FACTOR && e->step <= p->step_max / LEAK_HOLD_FACTOR;
	score_eval(e);
}

// The trend test proper on y[0..n), a tier's envelope: the gates,
// Mann-Kendall and the shape vetoes.
static void judge(const double *y, unsigned n, const struct tier_params *p, struct sens_factors f,
		  struct leak_eval *e)
{
	double start, end, third_first, third_last, max_step = 0, r1, z_min;
	unsigned t;

	e->n = n;
	if (n < 6)
		return;
	e->slope = robust_slope(y, n);
	if (n < p->n_min)
		return;
	start = median3(y);
	end = median3(y + n - 3);
	e->rise_kb = end - start;
	e->rel = start > 0 ? e->rise_kb / start : e->rise_kb > 0 ? 1.0 : 0.0;
	// Cheap gates first: most processes stop here at O(n) cost.
	if (e->slope <= 0 || e->rise_kb < p->rise_min_kb * f.rise || e->rel < p->rel_min)
		return;
	t = n / 3;
	third_first = robust_slope(y, t);
	third_last = robust_slope(y + n - t, t);
	e->recent = third_last / e->slope;
	e->bend = third_first > 0 ? third_last / third_first : 1.0;
	for (unsigned i = 1; i < n; i++)
		if (y[i] - y[i - 1] > max_step)
			max_step = y[i] - y[i - 1];
	e->step = max_step / e->rise_kb;
	e->shape_known = true;
	e->bent = e->recent < p->recent_min || e->bend < p->bend_min;
	r1 = residual_autocorrelation(y, n, e->slope);
	e->z = mann_kendall_z(y, n) * sqrt((1 - r1) / (1 + r1));
	z_min = p->z_min * f.z;
	e->pass = e->z >= z_min && e->recent >= p->recent_min && e->bend >= p->bend_min &&
		  e->step <= p->step_max;
	e->hold = e->z >= z_min * LEAK_HOLD_FACTOR && e->recent >= p->recent_min * LEAK_HOLD_FACTOR &&
		  e->bend >= p->bend_min * LEAK_HOLD_FACTOR && e->step <= p->step_max / LEAK_HOLD_FACTOR;
	score_eval(e);
}

double leak_series_z(const double *y, unsigned n, double *slope)
{
	double b, r1;

	*slope = 0;
	if (n < 6 || n > HISTORY_DAY_LEN)
		return 0;
	b = robust_slope(y, n);
	*slope = b;
	r1 = residual_autocorrelation(y, n, b);
	return mann_kendall_z(y, n) * sqrt((1 - r1) / (1 + r1));
}

void leak_evaluate(const struct history *h, int tier, enum leak_sensitivity sens, struct leak_eval *e)
{
	const struct tier_params *p = &params[tier];
	struct sens_factors f = sens_factors(sens);
	uint32_t v[HISTORY_TIER_VALUES_MAX];
	double y[HISTORY_DAY_LEN];
	size_t count = history_tier_values(h, tier, false, v, history_tier_len(tier));
	unsigned n;

	y[0] = 0;     // gcc cannot tell that envelope fills what judge reads
	n = envelope(v, count, p->envelope, y);

	memset(e, 0, sizeof *e);
	e->width = p->envelope;
	if (tier != HISTORY_DAY) {
		judge(y, n, p, f, e);
		return;
	}
	if (n >= 6 && day_cycle(v, count, y, n, p->rise_min_kb * f.rise, e)) {
		// Judged day over day once there is a day and n_min points
		// more; until then not at all. A cycle whose days do not rise
		// vetoes the faster tiers while the level stays within it
		// (update_verdict checks the level at every verdict).
		judge_daily(v, count, y, n, p, f, e);
		e->bent = !e->pass;
		// Still growing: the last day's high beat the days before by
		// half a day's rise (noise in half-hour minima is far smaller).
		e->rising = day_rising(y, n, DAY_SEASON, e->rise_kb / 2);
		return;
	}
	judge(y, n, p, f, e);
	// Still growing: the last hour beat all before it by half of what
	// the slope adds in an hour.
	e->rising = day_rising(y, n, 2, e->slope);
}

void leak_init(struct leak_state *s, double t, enum leak_sensitivity sens)
{
	memset(s, 0, sizeof *s);
	history_init(&s->hist);
	s->sensitivity = (uint8_t)sens;
	s->peak_time = t;
	s->below_since = -1;
	s->growth_start = -1;
	s->now = t;
}

// How much a new high must beat the old one by.
static double peak_margin(uint32_t peak)
{
	return dmax(PEAK_MARGIN_KB, peak * PEAK_MARGIN_REL);
}

// Keeps the envelope's high-water mark, which tells growth that goes on from
// growth that stopped. A level held well below it for long enough (memory was
// freed, not a sawtooth's trough) becomes the new reference.
static void track_peak(struct leak_state *s, double t)
{
	uint32_t v[HISTORY_VALUES_MAX], env = UINT32_MAX;
	size_t count = history_values(&s->hist.tier[0], false, v, params[0].envelope);

	for (size_t k = 0; k < count; k++)
		env = v[k] < env ? v[k] : env;
	if (env == UINT32_MAX)
		return;
	s->level = env;
	if (env > s->peak + peak_margin(s->peak)) {
		s->peak = env;
		s->peak_time = t;
	}
	if (env + PEAK_MARGIN_KB < s->peak * 0.9) {
		if (s->below_since < 0)
			s->below_since = t;
		else if (t - s->below_since >= PEAK_RESET_S)
			s->peak = env, s->below_since = -1;
	} else {
		s->below_since = -1;
	}
}

// Runs a tier's evaluation and its hysteresis.
static void update_tier(struct leak_state *s, int k)
{
	struct leak_tier *lt = &s->tier[k];
	struct leak_eval e;

	leak_evaluate(&s->hist, k, (enum leak_sensitivity)s->sensitivity, &e);
	// The day tier's window just turned cyclic: the ramp that raised its
	// flag was a cycle's rise, unless the days themselves rise.
	if (e.cyclic && !lt->cyclic && !e.pass)
		lt->flagged = false, lt->passes = 0;
	lt->have_slope = e.n >= 6;
	lt->slope_kb_s = e.slope / history_bucket_s[k];
	lt->score = e.score;
	lt->bent = e.bent;
	if (k == HISTORY_DAY)
		s->cycle_limit = e.cyclic ? e.cycle_limit : 0;
	lt->cyclic = e.cyclic;
	lt->rising = e.rising;
	lt->span_s = (e.n + e.width - 1) * history_bucket_s[k];
	if (e.pass) {
		lt->fails = 0;
		if (++lt->passes >= 2)
			lt->flagged = true;
	} else if (lt->flagged && e.hold) {
		lt->passes = lt->fails = 0;
	} else {
		lt->passes = 0;
		if (++lt->fails >= 2)
			lt->flagged = false;
	}
}

// Combines the tiers into the verdict.
static void update_verdict(struct leak_state *s, double t)
{
	struct leak_verdict *v = &s->verdict;
	bool flagged = false, growing;
	double best = 0, climb = 0;
	int rate_tier = -1;

	// Growing: a new high within LEAK_RECENT_S, or within the time the
	// flagged rate takes to beat the old high by its margin (half again, for
	// the buckets' granularity). A big process leaking slowly needs longer
	// than LEAK_RECENT_S for that: 0.5 % of 235 MB at 1 MiB a minute is 70 s.
	for (int k = 0; k < HISTORY_TIERS; k++)
		if (s->tier[k].flagged && s->tier[k].slope_kb_s > 0)
			climb = dmax(climb, 1.5 * peak_margin(s->peak) / s->tier[k].slope_kb_s);
	growing = t - s->peak_time <= dmax(LEAK_RECENT_S, climb);

	for (int k = 0; k < HISTORY_TIERS; k++) {
		const struct leak_tier *lt = &s->tier[k];
		bool vetoed = false;

		for (int slower = k + 1; slower < HISTORY_TIERS; slower++)
			vetoed |= s->tier[slower].bent &&
				  (!s->tier[slower].cyclic || s->level <= s->cycle_limit);
		// The day tier also judges "still growing" on its own buckets:
		// half-hour minima beat the noise that hides a slow leak's new
		// highs, and a cycle's new high comes once a day.
		if (lt->flagged && (growing || (k == HISTORY_DAY && lt->rising)) && !vetoed) {
			flagged = true;
			// A held flag keeps at least the flag level of confidence.
			best = dmax(best, dmax(lt->score, 0.5));
			// The growth has gone on at least as long as the window that
			// shows it.
			if (s->growth_start < 0 || t - lt->span_s < s->growth_start)
				s->growth_start = t - lt->span_s;
		}
		// The rate: the longest flagged tier, else the longest with a slope
		// but the day tier (a 48-hour average is not what GROWTH means).
		if (lt->have_slope && (k != HISTORY_DAY || lt->flagged) &&
		    (rate_tier < 0 || !s->tier[rate_tier].flagged || lt->flagged))
			rate_tier = k;
	}
	v->suspected = flagged;
	if (!flagged) {
		s->growth_start = -1;
		for (int k = 0; k < HISTORY_TIERS; k++)
			best = dmax(best, s->tier[k].score);
		best = dmin(best, 0.49);
	}
	v->score = best;
	v->since_s = flagged && s->growth_start >= 0 ? t - s->growth_start : 0;
	v->have_rate = rate_tier >= 0;
	v->rate_kb_per_min = v->have_rate ? s->tier[rate_tier].slope_kb_s * 60.0 : 0;
}

void leak_push(struct leak_state *s, double t, uint64_t sig_kb)
{
	uint32_t sig = sig_kb > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)sig_kb;
	unsigned done = history_push(&s->hist, t, sig);

	s->now = t;
	if (done & 1u)
		track_peak(s, t);
	for (int k = 0; k < HISTORY_TIERS; k++)
		if (done & (1u << k))
			update_tier(s, k);
	if (done)
		update_verdict(s, t);
}

double leak_time_to_fill(double headroom_kb, double rate_kb_per_min)
{
	if (rate_kb_per_min <= 0)
		return -1;
	return headroom_kb > 0 ? headroom_kb / (rate_kb_per_min / 60.0) : 0;
}

double leak_tier_span_s(int k)
{
	return (double)history_tier_len(k) * history_bucket_s[k];
}
