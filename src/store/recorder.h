/* recorder.h — memtop -w: writes each tick of the monitor into a recording
 * (store/recording.h), one transaction a tick, and keeps the file within
 * its limits (age, size, the file system's free space).
 *
 * What a tick writes: the machine's row; for each process only what changed
 * since its last row (its statm did not move: nothing), keyed by (pid,
 * start time); its names when they change; its exit; every cgroup_every_s,
 * the usage and limit of each memory cgroup that holds processes. Every
 * full_every_s (and on the first tick after opening) a "full" tick has a
 * row for every process, so a reader can start there.
 *
 * Contract: recorder_open returns NULL with one line in err (the file is
 * refused: not a recording, a newer schema, another writer, an unwritable
 * directory). recorder_write returns RECORD_WRITTEN, RECORD_PAUSED (the tick
 * was not written: the file system is below its free-space floor or full;
 * the recorder says so once on its log stream, keeps its file valid and
 * tries again on the next tick), or -errno when the file cannot be written
 * any more (the message is on the log stream). A failed tick leaves nothing
 * half-written. recorder_reopen (SIGHUP: the file was rotated) closes the
 * file and opens the path again. recorder_close finishes and frees; NULL is
 * fine.
 */
#ifndef MEMTOP_RECORDER_H
#define MEMTOP_RECORDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/monitor.h"

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
	double cgroup_every_s;         // cgroup usage this often
	double maintain_every_s;       // thinning and retention this often
	double thin_after_s[RECORD_TIERS];    // age at which data moves to each tier
	double thin_bucket_s[RECORD_TIERS];   // each tier's bucket (15 s, 150 s)
	FILE *log;                     // where it says what it does (stderr)
};

/* The defaults: 30 days, 1 GiB, full ticks hourly, cgroups every 10 s,
 * raw data for a day, 15-s buckets for a week, 150-s buckets after. */
void record_policy_defaults(struct record_policy *p);

/* The machine the recording is made on. */
struct record_host {
	char boot_id[40];              // /proc/sys/kernel/random/boot_id
	char hostname[256];
	double boot_time;              // wall-clock seconds of the boot
};

enum { RECORD_WRITTEN = 0, RECORD_PAUSED = 1 };

struct recorder;

struct recorder *recorder_open(const char *path, const struct record_policy *p,
			       const struct record_host *host, char *err, size_t errlen);
int recorder_write(struct recorder *r, struct monitor *m);
int recorder_reopen(struct recorder *r, char *err, size_t errlen);
void recorder_close(struct recorder *r);

/* What the recorder did, for tests and the bench. */
struct record_stats {
	unsigned long ticks, paused_ticks, sample_rows, ident_rows, exits, cgroup_rows;
	unsigned long thin_runs, trimmed_ticks;
};
const struct record_stats *recorder_stats(const struct recorder *r);
/* The recorder's own policy, which takes effect from the next tick (tests
 * change the floor and the tiers as time goes by). */
struct record_policy *recorder_policy(struct recorder *r);

/* Runs thinning and retention now, as of time now (wall seconds), whatever
 * maintain_every_s says (tests). 0, or -errno. */
int recorder_maintain(struct recorder *r, double now);

#endif
