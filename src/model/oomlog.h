/* oomlog.h — the OOM kills the monitor has seen: every kill the kernel log
 * reported (the backlog since boot at the first tick, then each new one),
 * with what memtop had predicted at the tick before it, and the counters
 * (the machine's since boot, and since memtop started).
 *
 * The prediction is checked against reality: for a global OOM it is the
 * machine-wide pick (sysmodel.oom), for a memcg OOM the pick of the cgroup
 * that hit its limit (cgroup_row.pick, highest badness over that cgroup and
 * the ones below it), both as the model stood at the last tick sampled
 * before the kill: the tick before the one that reports it, or the one
 * before that when the kill came before that tick's sample (its scan may
 * already have missed the victim). It was right when its pid is the
 * victim's (the victim is gone, so the pid is its identity). A kill from
 * the backlog, one at the monitor's first tick, and a cpuset or mempolicy
 * OOM (memtop does not model them) have no prediction.
 *
 * Contract: pure (no I/O). oomlog_update takes the new tick's snapshot and
 * the model updated from it: it checks the snapshot's kills against the
 * picks kept from the two ticks before, then keeps this tick's (copies: a
 * path each, allocated when it changes; out of memory, fewer cgroups are
 * kept and their kills have no prediction). The log holds the newest OOMLOG_MAX
 * kills in a ring allocated at the first kill (-ENOMEM: that kill is only
 * counted, in dropped); older ones are counted in dropped. Entries are
 * numbered from 1 in the order seen (serial), so a reader that remembers
 * the last serial it showed finds the new ones. Strings are copies of the
 * snapshot's, which the source sanitised. A kill kept already (the same
 * sequence number, time and pid: a recording hands its kills up again
 * after a move) is not added again. oomlog_free frees the ring; a
 * freed or zeroed log is empty.
 */
#ifndef MEMTOP_OOMLOG_H
#define MEMTOP_OOMLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/cgtable.h"
#include "model/sysmodel.h"
#include "proc/snapshot.h"

#define OOMLOG_MAX 128

struct oom_prediction {
	bool valid;                   // memtop had a pick for this kill's scope
	int pid;
	char comm[SNAPSHOT_COMM_MAX];
	bool right;                   // the kernel killed that one (same pid)
};

struct oomlog_entry {
	uint64_t serial;              // 1 for the first kill seen, then on
	struct oom_kill kill;
	char scope_label[CGTABLE_LABEL_MAX];   // "global", the cgroup's label, or the scope
	struct oom_prediction predicted;
};

// The picks of one tick, kept for checking the kills the next ticks report.
struct oomlog_cgpick {
	char *path;                   // owned
	int pid;
	int64_t badness;
	char comm[SNAPSHOT_COMM_MAX];
};

struct oomlog_picks {
	bool valid;                   // a tick's picks are here
	double t;                     // its sample's monotonic time
	bool have_global;
	int global_pid;
	char global_comm[SNAPSHOT_COMM_MAX];
	struct oomlog_cgpick *v;      // one per cgroup row with a pick
	size_t n, cap;
};

struct oomlog {
	struct oomlog_entry *ring;    // OOMLOG_MAX entries once a kill came; NULL before
	unsigned head, count;         // oldest at head
	uint64_t serial;              // kills seen (the newest entry's serial)
	uint64_t dropped;             // older kills no longer kept
	uint64_t since_start;         // kills seen that came after memtop started
	uint64_t predicted, predicted_right;   // since-start kills with a prediction, right ones
	uint64_t new_from;            // serials above this came at the last update

	// The kernel log's state (sys_sample.oom_log_err, oom_log_lost).
	int log_err;
	uint64_t log_lost;
	uint64_t log_dropped;         // kills the source could not hand up (too many a tick)

	// /proc/vmstat oom_kill: since boot; at memtop's first reading.
	bool have_counter;
	uint64_t counter, counter_at_start;
	bool have_start;

	struct oomlog_picks picks[2];  // the last tick's (picks[last]) and the one before
	unsigned last;
};

/* Takes the kills of snap (oldest first) and the counters, then keeps the
 * picks of cg and sys (the model updated from snap; NULL: none). Returns
 * the number of kills added. */
size_t oomlog_update(struct oomlog *l, const struct snapshot *snap, const struct cgtable *cg,
		     const struct sysmodel *sys);
/* The i-th kill kept, 0 the newest; NULL past the last. */
const struct oomlog_entry *oomlog_get(const struct oomlog *l, size_t i);
/* Kills since memtop started by the counter (vmstat), or 0 without one. */
uint64_t oomlog_counter_since_start(const struct oomlog *l);
/* The log's state in a word: "read", "needs root", "not read", or the
 * error's name (strerror). */
const char *oomlog_state(const struct oomlog *l);
/* A scope's name: "global", "memcg", "cpuset", "mempolicy", "unknown". */
const char *oomlog_scope_name(enum oom_scope scope);
void oomlog_free(struct oomlog *l);

#endif
