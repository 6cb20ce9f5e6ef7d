/* process.h — one watched process as the model keeps it: this tick's
 * sample, its change since the last one and its leak verdict. Plain data,
 * apart from proctable.h so that the field table (fields.c) can read a
 * process without including the table that holds them.
 *
 * Contract: filled and owned by proctable.c; readers only read.
 */
#ifndef MEMTOP_PROCESS_H
#define MEMTOP_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "model/leak.h"
#include "proc/snapshot.h"

struct proc {
	const struct proc_sample *s;   // this tick's sample
	int pid;
	bool have_delta;               // false on a process's first sample
	uint64_t start_ticks;
	uint16_t exec_gen;             // the sample's exec count when this record began
	unsigned long ticks;           // samples seen of this process, >= 1 (since its last exec)
	int64_t delta_rss_kb, delta_anon_kb;
	uint64_t last_rss_kb, last_anon_kb;

	// Leak detection. A process whose memory never changed has no detector
	// (the fast path: most processes); the first change allocates one and
	// replays the flat stretch into it.
	struct leak_state *leak;
	uint64_t flat_sig_kb;          // anonymous + swap while flat
	double first_seen, last_seen;  // monotonic seconds
	struct leak_verdict verdict;
	double eta_s;                  // a suspected leak: seconds until it alone would use up
	                               // MemAvailable, or its cgroup's limit when that leaves
	                               // less, at its rate; < 0 otherwise
	int64_t sort_value;            // the last sort's key, read once per sort (proctable.c)
};

#endif
