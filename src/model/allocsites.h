/* allocsites.h — one process's allocation sites over a session (issue 22):
 * the readings a source hands up (proc/allocsnap.h) turned into the rows the
 * screen and batch mode show. Pure: no I/O; time comes from the readings.
 *
 * Each stack with outstanding allocations is a row: its bytes and count
 * now, the age of its oldest outstanding allocation, its growth since the
 * session attached (a stack first seen later grew from 0), and its trend:
 * the stacks with the most outstanding bytes each get a leak detector
 * (model/leak.h, the same trend logic as a process's, fed the stack's
 * outstanding KiB at each reading); a stack it flags is the leak suspect.
 * Rows are sorted suspects first (fastest growth first), then by
 * outstanding bytes. Bounded: at most ALLOCSITES_MAX_ROWS rows (the largest)
 * and ALLOCSITES_MAX_JUDGED detectors, whatever the target holds.
 */
#ifndef MEMTOP_ALLOCSITES_H
#define MEMTOP_ALLOCSITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/leak.h"
#include "proc/allocsnap.h"

#define ALLOCSITES_MAX_ROWS   512
#define ALLOCSITES_MAX_JUDGED 32
#define ALLOCSITES_DEFAULT_LIMIT_S 300.0   // a screen session detaches itself after this

enum allocsites_state {
	ALLOCSITES_OFF = 0,         // never attached
	ALLOCSITES_ON,              // attached, readings coming
	ALLOCSITES_ENDED,           // detached: by the user, the time limit, the target's exit/exec
	ALLOCSITES_FAILED,          // could not attach (why says why)
};

struct allocsite_row {
	const struct alloc_stack *stack;   // the source's; valid while the session's
	                                   // readings are (rows of an ended session
	                                   // keep their numbers, stack NULL after detach)
	uint64_t bytes, count;             // outstanding now (estimates when sampling)
	double oldest_age_s;               // < 0 unknown
	int64_t growth_bytes;              // since attaching (or since first seen)
	double rate_bytes_s;               // the trend's slope; 0 when not judged yet
	bool judged;                       // has a detector
	bool suspect;                      // its detector flags it
	double score;                      // the detector's score (0..1)
};

struct allocsites {
	enum allocsites_state state;
	char why[192];                     // FAILED/ENDED: the one line; else ""
	int pid;
	uint64_t start_ticks;
	double attached_t, t;              // source clock: when attached, the last reading
	double limit_s;                    // the time limit (0: none)
	struct alloc_snapshot last;        // the last reading's counters (sites NULL)
	struct allocsite_row *rows;        // sorted (see above)
	size_t nrows;
	uint64_t total_bytes, total_count; // over every site, not just the rows kept
	size_t nsites;                     // sites in the last reading
	// internals (the detectors, the first-seen sizes) follow in allocsites.c's own allocation
	void *impl;
};

void allocsites_init(struct allocsites *a);
/* A session starts (attached at time t with limit_s, 0: none). */
void allocsites_start(struct allocsites *a, int pid, uint64_t start_ticks, double t, double limit_s);
/* Could not attach. */
void allocsites_fail(struct allocsites *a, int pid, const char *why);
/* One reading. Returns 0, or -ENOMEM (the model keeps what it had). When
 * the reading says the target ended, the state becomes ENDED with its line. */
int allocsites_update(struct allocsites *a, const struct alloc_snapshot *snap, enum leak_sensitivity sens);
/* Whether the time limit has passed at time t (the caller then detaches). */
bool allocsites_over_limit(const struct allocsites *a, double t);
/* The session ended (the user, the limit): rows kept, stacks dropped. */
void allocsites_end(struct allocsites *a, const char *why);
void allocsites_free(struct allocsites *a);

#endif
