/* cgtable.h — the model of services: one row per memory cgroup that holds
 * processes (a systemd unit or slice, a container, a pod), with the sums
 * of its processes, what the source last read of the cgroup itself (usage,
 * limit, its own anonymous memory, pressure) and a leak detector on the
 * cgroup's own series. A pre-fork server recycles workers that each grow a
 * little and die: no process shows that leak, the cgroup does.
 *
 * The leak signal is the cgroup's own anonymous memory + swap (memory.stat)
 * when the source read it, else the sum of its processes' anonymous + swap
 * (documented in docs/cgroups.md). It is pushed into the cgroup's detector
 * at each reading only (snapshot.cgroups_read), so the detector's input is
 * the same live and replayed. Pure: fed snapshots and the process table,
 * does no I/O.
 *
 * Contract: cgtable_update takes a snapshot and the process table updated
 * from it. A cgroup no process of the snapshot holds is dropped (its
 * detector freed); a process that moved is counted in its new cgroup from
 * this tick. Rows are sorted by path (strcmp) and valid until the next
 * update. Paths are the processes' (sanitised by the source); labels are
 * made from them (util/cgname.h). Allocation: when a cgroup is new (its
 * path, a row), and its detector at its first reading.
 */
#ifndef MEMTOP_CGTABLE_H
#define MEMTOP_CGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/leak.h"
#include "model/proctable.h"
#include "proc/snapshot.h"

#define CGTABLE_LABEL_MAX 96

struct cgroup_row {
	char *path;                   // owned; "/" the root, "" processes of no known cgroup
	char label[CGTABLE_LABEL_MAX];// what the path names (cgname_describe)
	size_t nprocs;                // its processes this tick
	uint64_t rss_kb, anon_kb, swap_kb;   // their sums this tick

	// The last reading of the cgroup itself (read_t < 0: none yet).
	double read_t;                // monotonic seconds
	bool have_usage, have_limit, unlimited;
	uint64_t usage_kb, limit_kb;
	bool have_own_anon;           // memory.stat's anonymous + swap
	uint64_t own_anon_kb;
	bool have_pressure;
	struct psi pressure;

	// Growth, at readings.
	uint64_t sig_kb;              // the leak signal at the last reading
	bool own_signal;              // sig_kb is own_anon_kb (else the processes' sum)
	int64_t delta_kb;             // since the reading before
	bool have_delta;
	struct leak_state *leak;      // NULL until its first reading
	struct leak_verdict verdict;
	double first_seen;            // monotonic seconds
	double eta_s;                 // a suspected leak: seconds until its limit, or
	                              // MemAvailable when that is nearer; < 0 otherwise
	int64_t sort_value;           // the last sort's key (cgtable_sort)

	// The process the kernel would kill if this cgroup hit its limit, this
	// tick: the highest badness, rss + swap + oom_score_adj * limit / 1000
	// (KiB; see pick_consider). None when every process is unkillable.
	bool have_pick;
	int pick_pid;
	int64_t pick_badness;
	char pick_comm[SNAPSHOT_COMM_MAX];
	// memory.events / memory.oom_control oom_kill at the last reading.
	bool have_oom_kill;
	uint64_t oom_kill;
};

/* Sort keys of the cgroup view, in its sort menu's order. */
enum cg_sort_key {
	CG_SORT_USAGE, CG_SORT_ANON, CG_SORT_PROCS, CG_SORT_GROWTH, CG_SORT_LEAK,
	CG_SORT_LIMIT, CG_SORT_PRESSURE, CG_SORT_NAME, CG_SORT_KEY_COUNT
};

struct cgtable {
	enum leak_sensitivity sensitivity;
	struct cgroup_row *v;         // sorted by path
	size_t n, cap;
	struct cgroup_row **order;    // v in the last requested sort order
};

/* Merges one tick. 0, or -ENOMEM (the table then holds what it could). */
int cgtable_update(struct cgtable *t, const struct snapshot *snap, const struct proctable *pt);
/* Gives row r (of this update) the detector seeded has been fed with its
 * recorded past from first_t on (a replay's jump, a live start's
 * history); the table owns it from here and feeds it this tick's reading,
 * if the tick read the cgroup. */
void cgtable_adopt(struct cgtable *t, struct cgroup_row *r, struct leak_state *seeded, double first_t,
		   const struct sys_sample *sys);
/* The row of a path, or NULL. */
const struct cgroup_row *cgtable_find(const struct cgtable *t, const char *path);
/* Fills t->order by key (ties by path). */
void cgtable_sort(struct cgtable *t, enum cg_sort_key key, bool descending);
/* The key's name ("usage", "anon", "procs", "growth", "leak", "limit",
 * "pressure", "name"), its natural direction, and the key for a name (-1). */
const char *cg_sort_key_name(enum cg_sort_key key);
bool cg_sort_key_descending(enum cg_sort_key key);
int cg_sort_key_parse(const char *name);
/* How many rows are suspected leaks; their paths go to paths (up to max). */
size_t cgtable_suspects(const struct cgtable *t, const char **paths, size_t max);
void cgtable_free(struct cgtable *t);

#endif
