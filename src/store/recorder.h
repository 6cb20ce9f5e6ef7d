/* recorder.h — memtop -w: writes each tick of the monitor into a recording
 * (store/recording.h), one transaction a tick, and keeps the file within
 * its limits (age, size, the file system's free space).
 *
 * What a tick writes: the machine's row; for each process only what changed
 * since its last row (its statm did not move: nothing), keyed by (pid,
 * start time); its names when they change; its exit; and, at the ticks
 * whose snapshot read the cgroups (every MONITOR_CGROUP_EVERY_S in a
 * recording run, every second while the screen shows them), each memory
 * cgroup's reading that changed (usage, limit, own anonymous memory,
 * pressure); and the OOM kills the kernel log reported (snapshot.oom_kills),
 * each once (by boot and sequence number), with the log's state. Every
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
#include "store/policy.h"

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
	unsigned long thin_runs, trimmed_ticks, envelope_rows;
	unsigned long cgroups_known;   // cgroups whose rows it remembers: those of the last reading
	unsigned long oom_kills;       // OOM kills stored (those the file had are not counted)
	unsigned long oom_kills_lost;  // handed up while more than 64 waited for a tick written
};
const struct record_stats *recorder_stats(const struct recorder *r);
/* The recorder's own policy, which takes effect from the next tick (tests
 * change the floor and the tiers as time goes by). */
struct record_policy *recorder_policy(struct recorder *r);

/* Runs thinning and retention now, as of time now (wall seconds), whatever
 * maintain_every_s says (tests). 0, or -errno. */
int recorder_maintain(struct recorder *r, double now);

#endif
