/* sysmodel.h — the machine-wide model: the trend of available memory and
 * time to exhaustion, and the process the OOM killer would pick now.
 * Pure: fed snapshots and the proctable, no I/O.
 *
 * Contract: sysmodel_update keeps a ring of SYSMODEL_LEN buckets of
 * SYSMODEL_BUCKET_S seconds, each holding the smallest MemAvailable +
 * SwapFree seen in it. The estimate is given only when that headroom falls
 * with a significant trend (Mann-Kendall Z >= 2.33, one-sided p ~ 0.01) over
 * at least SYSMODEL_MIN_BUCKETS buckets.
 */
#ifndef MEMTOP_SYSMODEL_H
#define MEMTOP_SYSMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/proctable.h"
#include "proc/snapshot.h"

#define SYSMODEL_BUCKET_S 5.0
#define SYSMODEL_LEN 60              // 5 minutes
#define SYSMODEL_MIN_BUCKETS 6
#define SYSMODEL_PSI_LEN 64              // per-tick PSI history for the header sparkline

struct oom_pick {
	bool valid;
	int pid;
	int score;
	uint64_t rss_kb, swap_kb;
	unsigned tied;                   // other processes with the same score
	char comm[SNAPSHOT_COMM_MAX];    // its name (a copy: the pick outlives the tick)
};

struct sysmodel {
	double headroom[SYSMODEL_LEN];   // KiB, oldest at head
	unsigned head, count;
	int64_t index;                   // bucket being filled
	double open_min;
	bool have_open;
	bool falling;                    // headroom falls with a significant trend
	double slope_kb_s;               // robust slope of the headroom (negative: falling)
	double eta_s;                    // seconds to exhaustion when falling, else < 0
	struct oom_pick oom;

	// PSI at the refresh interval's resolution, from the total counters
	// (the kernel's avg10 is an average updated every 2 s).
	bool have_psi_now;
	double psi_some_now, psi_full_now;   // percent of the last interval stalled
	float psi_some_hist[SYSMODEL_PSI_LEN], psi_full_hist[SYSMODEL_PSI_LEN];
	unsigned psi_count;                  // values in the history, newest last
	uint64_t last_some_us, last_full_us;
	double last_psi_time;
	bool have_last_psi;
};

void sysmodel_update(struct sysmodel *m, const struct snapshot *snap, const struct proctable *t);

/* Percent of the interval [t0, t1] stalled, from two PSI total counters
 * (microseconds); 0 when the counter did not move or went back. */
double sysmodel_stall_pct(uint64_t total0_us, uint64_t total1_us, double t0, double t1);

/* The evaluation on its own, for tests: robust slope (per step) and
 * Mann-Kendall Z of n values. */
void sysmodel_trend(const double *v, size_t n, double *slope, double *z);

#endif
