/* proctable.h — the model: every watched process keyed by (pid, start time),
 * with its change since the previous tick. Pure: fed snapshots, does no I/O.
 *
 * Contract: proctable_update merges one snapshot (procs sorted by pid); a
 * process whose pid is unchanged but whose start time differs is a new
 * process and starts with no delta, and so does one that exec'd (its
 * sample's exec_gen moved): a new program's memory is not growth of the old
 * one's. Processes absent from the snapshot are dropped and their detectors freed. Pointers into the table (and each
 * entry's sample pointer) are valid until the next update. Allocation
 * happens when the table grows and once per process whose memory changes
 * (its leak detector, sizeof(struct leak_state)).
 */
#ifndef MEMTOP_PROCTABLE_H
#define MEMTOP_PROCTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/fields.h"
#include "model/process.h"
#include "proc/snapshot.h"

struct proctable {
	enum leak_sensitivity sensitivity;   // for every detector the table starts
	struct proc *v;                // entries sorted by pid
	size_t n, cap;
	struct proc **order;           // v in the last requested sort order
};

/* Returns 0, or -ENOMEM (the table is then unchanged). */
int proctable_update(struct proctable *t, const struct snapshot *snap);
/* Gives the process at p (started by the last update, without a detector
 * of its own yet, or one that saw only this sample) the detector seeded
 * has been fed with its recorded past (all before this sample, from
 * first_t on); the table then owns it and feeds it this sample. A past
 * that never differs from this sample's signal is no evidence: the process
 * stays on the flat path, known since first_t. sys: this sample's machine,
 * for its time to exhaustion. */
void proctable_adopt(struct proctable *t, struct proc *p, struct leak_state *seeded, double first_t,
		     bool varied, const struct sys_sample *sys);
/* Copies the pids of up to max suspected leaks into pids; returns how many. */
size_t proctable_suspect_pids(const struct proctable *t, int *pids, size_t max);
/* The leak signal of a sample: anonymous RSS plus swap, KiB. */
uint64_t proctable_signal_kb(const struct proc_sample *s);
/* Fills t->order sorted by key (ties by pid ascending). */
void proctable_sort(struct proctable *t, enum sort_key key, bool descending);
/* The same order for any array of entries (e.g. a filtered view). */
void proctable_sort_rows(struct proc **rows, size_t n, enum sort_key key, bool descending);
struct proc *proctable_find(const struct proctable *t, int pid);

/* The key's name for -s and the status line ("rss", "pid", ...). */
const char *sort_key_name(enum sort_key key);
/* True when the key reads best largest first (sizes, scores). */
bool sort_key_descending(enum sort_key key);
/* Every key's name, for messages and --help: "rss, anon, ... user or
 * command" (cut to cap). */
void sort_key_list(char *out, size_t cap);
/* The key for a name, or -1. */
int sort_key_parse(const char *name);
void proctable_free(struct proctable *t);

#endif
