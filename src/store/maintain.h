/* maintain.h — keeping a recording within its limits: thinning old data to
 * the per-bucket envelope the leak detector reads, and dropping what is past
 * the retention age or over the size limit.
 *
 * Thinning turns the ticks of a bucket (15 s, then 150 s: the policy's
 * tiers) into one: the bucket's last tick, which keeps the last values and
 * counters, with the bucket's minimum in its *_min columns where it differs
 * (available memory's minimum and PSI avg10's maximum for the machine; for a
 * process rss, anonymous memory and the leak signal, anonymous + swap). A
 * process with no row in a bucket kept the value of its previous row, so a
 * reader takes a bucket's minimum as min(previous row's value, this row's
 * *_min): the envelope loses nothing the detector reads.
 *
 * Contract: maintain_run does a bounded amount of work as of time now_ms,
 * in steps that are transactions of their own: a step drops at most
 * MAINTAIN_MAX_TICKS ticks or thins at most that many and at most
 * MAINTAIN_MAX_BUCKETS buckets (its temporary tables hold a row per bucket
 * and process: that bounds the memory a step takes), and a run takes at
 * most MAINTAIN_MAX_STEPS steps of each kind (enough to keep up with any
 * interval). It must not be called inside a transaction. Returns SQLITE_OK
 * or an SQLite error code (the transaction in progress is then rolled back
 * by the caller).
 */
#ifndef MEMTOP_MAINTAIN_H
#define MEMTOP_MAINTAIN_H

#include <stdint.h>

#include <sqlite3.h>

#include "store/policy.h"

#define MAINTAIN_MAX_TICKS 600
#define MAINTAIN_MAX_BUCKETS 8
#define MAINTAIN_MAX_STEPS 16

struct maintain_result {
	unsigned long thinned_buckets;   // kept ticks that now stand for a bucket
	unsigned long thinned_ticks;     // ticks folded into them
	unsigned long dropped_ticks;     // past the retention age or the size limit
};

int maintain_run(sqlite3 *db, const struct record_policy *p, int64_t now_ms, struct maintain_result *res);

/* One thinning step of tier k (0: raw → thin_bucket_s[0], 1: → [1]) over
 * ticks older than cutoff_ms. *done says there was nothing (more) to do. */
/* The SQL a thinning step and a retention step run (several statements),
 * for tests that check SQLite's plans for them. */
const char *maintain_sql(int which);     // 0: thinning, 1: dropping old ticks

int maintain_thin(sqlite3 *db, int k, int64_t bucket_ms, int64_t cutoff_ms, struct maintain_result *res,
		  int *done);

#endif
