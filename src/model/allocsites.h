/* allocsites.h — one process's allocation sites over a session (issue 22):
 * the readings a source hands up (proc/allocsnap.h) turned into the rows the
 * screen and batch mode show. Pure: no I/O; time comes from the readings.
 *
 * Each stack with outstanding allocations is a row: its bytes and count
 * now, the age of its oldest outstanding allocation, its growth since the
 * session attached (the first reading's size is a stack's origin; a stack
 * first seen later grew from 0, since the probes only see allocations made
 * after attaching; a stack that drops out and comes back keeps its origin
 * for the session), and its trend.
 *
 * The trend: the ALLOCSITES_MAX_JUDGED stacks with the most outstanding
 * bytes each get a leak detector (model/leak.h, the same trend logic as a
 * process's, fed the stack's outstanding KiB at each reading). A stack that
 * enters that top mid-session starts its detector then; one that falls out
 * of it loses its detector (and its verdict: a later return starts afresh).
 * The detector's fastest tier needs ~80 s of 1 s readings of a steady
 * 64 KiB/s stack before it flags, too late for a screen session of a minute,
 * so for its first ALLOCSITES_FAST_SPAN_S a judged stack is also tested on
 * its own last 60 readings with the same test (leak_series_z: corrected
 * Mann-Kendall and robust slope; a rise of 512 KiB at least, no single jump
 * making 40 % of it, a recent slope not collapsed; two passes in a row to
 * flag, two fails to drop): a steady 64 KiB/s stack is flagged after 21
 * readings. A stack either test flags is a leak suspect. Its rate is the
 * detector's slope once it has one, else the fast test's slope, else
 * (not judged) growth / elapsed time.
 *
 * Rows are sorted suspects first (fastest growth first), then by
 * outstanding bytes. Bounded: at most ALLOCSITES_MAX_ROWS rows (the largest)
 * and ALLOCSITES_MAX_JUDGED detectors, whatever the target holds; the
 * origins of up to 65536 stacks; buffers are reused from reading to reading.
 *
 * An ended session keeps its rows and numbers, and copies its rows' stacks
 * (every frame, its strings) into memory of its own: row->stack stays valid
 * after the source detached, until allocsites_free or the next start (NULL
 * only when that copy could not be allocated).
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
#define ALLOCSITES_FAST_SPAN_S 120.0       // a judged stack's fast test counts this long

enum allocsites_state {
	ALLOCSITES_OFF = 0,         // never attached
	ALLOCSITES_ON,              // attached, readings coming
	ALLOCSITES_ENDED,           // detached: by the user, the time limit, the target's exit/exec
	ALLOCSITES_FAILED,          // could not attach (why says why)
};

struct allocsite_row {
	const struct alloc_stack *stack;   // the source's while ON; an ended session's
	                                   // own copy (see above); NULL only if that failed
	uint64_t bytes, count;             // outstanding now (estimates when sampling)
	double oldest_age_s;               // < 0 unknown
	int64_t growth_bytes;              // since attaching (or since first seen)
	double rate_bytes_s;               // the trend's slope (see above), bytes/s
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
/* The session ended (the user, the limit): rows kept, their stacks copied
 * (call it before the source detaches). Nothing unless ON. */
void allocsites_end(struct allocsites *a, const char *why);
void allocsites_free(struct allocsites *a);

/* One frame on a line, as the screen's table and batch mode write it:
 * "func+0x1a (file)"; without a symbol "file+0x1a2b" (the file offset, as
 * addr2line -e FILE takes it); the lost stack's frame (no address) by its
 * name alone. file is the base name unless full_path. */
void allocsites_frame_text(const struct alloc_frame *f, bool full_path, char *out, size_t cap);

#endif
