/* replay.h — a recording as a source (proc/source.h): memtop -r, the
 * report, and the history a live start finds in a recording.
 *
 * replay_open gives a source whose ticks hand up what the recording holds
 * at its position, as the live sampler handed it up then (processes sorted
 * by pid, names, rss, anonymous, swap, OOM score; the machine's meminfo,
 * PSI and OOM kill counter; the OOM kills the kernel log reported, as
 * source.h's move says), so that the monitor, its leak detectors and
 * every screen run on it unchanged. Its position moves only by
 * source_ops.move (or, while following, to the newest sample at each
 * tick). Its series call hands over a process's recorded leak signal,
 * coarse where the request allows it (the recording's rollups), so a
 * detector is seeded with days of past in a few rows.
 *
 * history_open gives a source with only the series call, over the
 * recording's samples of the running boot (matched by boot id): what a live
 * monitor seeds its detectors with (monitor_set_history).
 *
 * Contract: both return 0, or -errno with one line in err: the file is
 * missing or unreadable, not a memtop recording, of a newer schema (one
 * whose meta compat_version does not say this memtop reads it),
 * truncated or corrupt, holds no sample (-ENODATA), or (history_open) no
 * sample of this boot (-ENOENT: nothing to preload, not an error for the
 * caller to stop on). Strings read from the file are made safe for a
 * terminal again (a file can be crafted). Times are wall seconds.
 */
#ifndef MEMTOP_REPLAY_H
#define MEMTOP_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proc/source.h"

struct replay_options {
	const char *boot_id;       // the running boot's id, or NULL: timeline.this_boot
	double start_t;            // open at the last sample at or before this wall
	                           // time; < 0: at the newest (and follow a file
	                           // still being written)
	FILE *progress;            // "loading" lines while reading a long recording
	                           // (a terminal); NULL: quiet
};

int replay_open(struct source *out, const char *path, const struct replay_options *o, char *err,
		size_t errlen);
/* now: the wall time the live monitor starts at (what it reads is the
 * recent past before it). */
int history_open(struct source *out, const char *path, const char *boot_id, double now, char *err,
		 size_t errlen);

/* The wall-time span of a recording's samples, for messages and --since
 * (a source from replay_open). */
bool replay_span(const struct source *src, double *first_t, double *last_t);

/* The recorded usage of each memory cgroup over [from_t, to_t] (wall
 * seconds): every row (a change, or every 10 s the first time), oldest
 * first, handed to push with the cgroup's path (escaped again, as names
 * are). have_limit false: no limit. 0, or -errno (a source from
 * replay_open only). */
typedef void replay_cgroup_fn(void *ctx, const char *path, double t, uint64_t usage_kb, bool have_limit,
			      uint64_t limit_kb);
int replay_cgroup_series(const struct source *src, double from_t, double to_t, replay_cgroup_fn *push,
			 void *ctx);

#endif
