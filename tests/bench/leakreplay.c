/* leakreplay — replays synthetic series through the leak detector: for each
 * leak shape the time to the first flag, for each non-leak shape the false
 * flags per process-hour and how long a flag outlived the growth.
 *
 *   leakreplay [HOURS] [SEEDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "model/leak.h"
#include "../common/shapes.h"

#define MIB 1024.0

struct outcome {
	double first_flag;       // seconds, < 0 if never
	unsigned episodes;       // separate flag episodes
	double last_flag_end;    // when the last episode ended (or the run's end)
	bool flagged_at_end;
};

// Replays one shape at 1 s for `seconds`.
static struct outcome replay(const struct shape *sh, double seconds)
{
	static struct leak_state st;
	struct outcome o = { -1, 0, -1, false };
	bool was = false;

	leak_init(&st, 0, LEAK_SENS_NORMAL);
	for (double t = 0; t <= seconds; t += 1.0) {
		uint64_t v = (uint64_t)shape_value(sh, t);

		leak_push(&st, t, v);
		if (st.verdict.suspected && !was) {
			o.episodes++;
			if (o.first_flag < 0)
				o.first_flag = t;
		}
		if (!st.verdict.suspected && was)
			o.last_flag_end = t;
		was = st.verdict.suspected;
	}
	o.flagged_at_end = was;
	return o;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// The detector's cost: a push per tick, and an evaluation of a flat and of a
// growing 2 s tier (done once per completed bucket).
static void print_costs(void)
{
	static struct history h;
	static struct leak_state st;
	struct leak_eval e;
	const int n = 200000;
	double t0, flat, growing, push;

	history_init(&h);
	for (double t = 0; t < 200; t += 1)
		history_push(&h, t, 100000);
	t0 = now_s();
	for (int i = 0; i < n; i++)
		leak_evaluate(&h, 0, LEAK_SENS_NORMAL, &e);
	flat = (now_s() - t0) / n * 1e6;
	history_init(&h);
	for (double t = 0; t < 200; t += 1)
		history_push(&h, t, (uint32_t)(100000 + 512 * t));
	t0 = now_s();
	for (int i = 0; i < n; i++)
		leak_evaluate(&h, 0, LEAK_SENS_NORMAL, &e);
	growing = (now_s() - t0) / n * 1e6;
	leak_init(&st, 0, LEAK_SENS_NORMAL);
	t0 = now_s();
	for (int i = 0; i < n; i++)
		leak_push(&st, i, 100000 + (uint64_t)(i % 7));
	push = (now_s() - t0) / n * 1e6;
	printf("detector cost: %.2f us per sample at 1 s (amortised, evaluations included); "
	       "one evaluation %.2f us flat, %.2f us growing; %zu bytes per process with history\n",
	       push, flat, growing, sizeof(struct leak_state));
}

int main(int argc, char **argv)
{
	double hours = argc > 1 ? atof(argv[1]) : 6;
	int seeds = argc > 2 ? atoi(argv[2]) : 10;
	const struct shape leaks[] = {
		{ SHAPE_LINEAR, 50 * MIB, 4096, 0, 0, 256, 0, "steady 4 MiB/s" },
		{ SHAPE_LINEAR, 50 * MIB, 256, 0, 0, 256, 0, "steady 256 KiB/s" },
		{ SHAPE_LINEAR, 50 * MIB, 64, 0, 0, 256, 0, "steady 64 KiB/s" },
		{ SHAPE_LINEAR, 20 * MIB, 16, 0, 0, 64, 0, "steady 16 KiB/s" },
		{ SHAPE_LINEAR, 20 * MIB, 0.2 * MIB / 60, 0, 0, 32, 0, "steady 0.2 MiB/min" },
		{ SHAPE_BURSTY, 50 * MIB, 0, 2 * MIB, 5, 256, 0, "bursty 2 MiB every 5 s" },
		{ SHAPE_BURSTY, 50 * MIB, 0, 4 * MIB, 20, 256, 0, "bursty 4 MiB every 20 s" },
		{ SHAPE_SAWLEAK, 50 * MIB, 64, 20 * MIB, 30, 256, 0, "sawtooth 20 MiB/30 s + 64 KiB/s" },
	};
	const struct shape clean[] = {
		{ SHAPE_NOISY, 100 * MIB, 0, 0, 0, 2 * MIB, 0, "noisy flat (2 MiB)" },
		{ SHAPE_SAWTOOTH, 100 * MIB, 0, 80 * MIB, 30, 256, 0, "flat sawtooth 80 MiB/30 s" },
		{ SHAPE_SAWTOOTH, 100 * MIB, 0, 80 * MIB, 300, 256, 0, "flat sawtooth 80 MiB/300 s" },
		{ SHAPE_WARMUP, 30 * MIB, 4 * MIB, 0, 20, 256, 0, "warm-up 4 MiB/s for 20 s" },
		{ SHAPE_WARMUP, 30 * MIB, 1 * MIB, 0, 120, 256, 0, "warm-up 1 MiB/s for 120 s" },
		{ SHAPE_WARMUP_EXP, 30 * MIB, 0, 200 * MIB, 30, 256, 0, "warm-up 200 MiB, tau 30 s" },
		{ SHAPE_WARMUP_EXP, 30 * MIB, 0, 200 * MIB, 300, 256, 0, "warm-up 200 MiB, tau 300 s" },
		{ SHAPE_HOLD_FREE, 100 * MIB, 0, 300 * MIB, 600, 256, 0, "hold 300 MiB 30 min, free" },
		{ SHAPE_SPIKE, 100 * MIB, 0, 800 * MIB, 1800, 256, 0, "5 s spike 800 MiB / 30 min" },
	};

	print_costs();
	printf("leak shape                         seconds to first flag (median of %d seeds, max)\n", seeds);
	for (size_t i = 0; i < sizeof leaks / sizeof leaks[0]; i++) {
		double worst = 0, firsts[64];
		int missed = 0, n = 0;

		for (int seed = 1; seed <= seeds && seed <= 64; seed++) {
			struct shape sh = leaks[i];
			struct outcome o;

			sh.seed = (uint64_t)seed;
			o = replay(&sh, 3 * 3600);
			if (o.first_flag < 0) {
				missed++;
				continue;
			}
			firsts[n++] = o.first_flag;
			if (o.first_flag > worst)
				worst = o.first_flag;
		}
		for (int a = 1; a < n; a++)        // sort for the median
			for (int b = a; b > 0 && firsts[b - 1] > firsts[b]; b--) {
				double x = firsts[b];
				firsts[b] = firsts[b - 1];
				firsts[b - 1] = x;
			}
		printf("  %-32s %8.0f %8.0f   missed %d\n", leaks[i].name, n ? firsts[n / 2] : -1, worst, missed);
	}
	printf("non-leak shape (%.0f h x %d seeds)     false flags/process-hour  flag after growth stopped (s)\n",
	       hours, seeds);
	for (size_t i = 0; i < sizeof clean / sizeof clean[0]; i++) {
		unsigned episodes = 0;
		double outlived = 0;

		for (int seed = 1; seed <= seeds; seed++) {
			struct shape sh = clean[i];
			struct outcome o;
			double stop = shape_growth_stops(&sh);

			sh.seed = (uint64_t)seed;
			o = replay(&sh, hours * 3600);
			episodes += o.episodes;
			if (stop >= 0 && o.last_flag_end > stop && o.last_flag_end - stop > outlived)
				outlived = o.last_flag_end - stop;
			if (o.flagged_at_end)
				outlived = 1e9;
		}
		printf("  %-32s %10.3f %14.0f\n", clean[i].name, episodes / (hours * seeds), outlived);
	}
	return 0;
}
