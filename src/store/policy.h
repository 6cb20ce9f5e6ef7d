/* policy.h — what a recording keeps: its limits, its tiers, how often the
 * recorder does what. Plain data, shared by the recorder (recorder.h) and
 * its maintenance (maintain.h).
 */
#ifndef MEMTOP_POLICY_H
#define MEMTOP_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define RECORD_DEFAULT_INTERVAL_S 5.0
#define RECORD_DEFAULT_KEEP_DAYS 30
#define RECORD_DEFAULT_MAX_BYTES (UINT64_C(1) << 30)
#define RECORD_TIERS 2                 // thinned resolutions after the raw one

struct record_policy {
	double keep_s;                 // data older than this is dropped
	uint64_t max_bytes;            // the file (with its WAL) stays under this
	uint64_t min_free_bytes;       // the free-space floor; 0: min(5 % of the file system, 256 MiB)
	bool no_cmdline;               // names without command lines
	double full_every_s;           // a full tick this often
	double maintain_every_s;       // thinning and retention this often
	double thin_after_s[RECORD_TIERS];    // age at which data moves to each tier
	double thin_bucket_s[RECORD_TIERS];   // each tier's bucket (15 s, 150 s)
	FILE *log;                     // where it says what it does (stderr)
};

/* How often a recording run reads the cgroups (source_config.cgroup_every_s). */
#define RECORD_CGROUP_EVERY_S 10.0

/* The defaults: 30 days, 1 GiB, full ticks hourly,
 * raw data for a day, 15-s buckets to three days, 150-s buckets after. */
void record_policy_defaults(struct record_policy *p);    // in recorder.c

#endif
