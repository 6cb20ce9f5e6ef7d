/* maptable.h — the detail view's mapping table: one process's smaps as rows
 * (or grouped by name), with each row's change in RSS since the view opened,
 * sorted, and the row that grew most. Pure: smaps in, rows out.
 *
 * Contract: a read of smaps is added in pieces: maptable_begin, then
 * maptable_add for each piece of mappings (the first add replaces the rows
 * of the read before), then maptable_end, which sums, groups and sorts. Until
 * the first add the table keeps the last read's rows: a read that fails
 * before it leaves them on screen. maptable_take_base records the baseline
 * (RSS per mapping start address) from the rows of the last read;
 * maptable_open does so from a whole parse. maptable_update is begin, one add
 * and end. Row names are sanitised and kept once per distinct name (a
 * process's 200,000 anonymous regions share one "[anon]"), owned by the
 * table, valid until the next add. Memory is reused across reads: about 100
 * bytes a mapping (its row and its baseline). A zeroed struct is an empty
 * table; maptable_free releases everything.
 */
#ifndef MEMTOP_MAPTABLE_H
#define MEMTOP_MAPTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proc/smaps.h"

enum map_sort { MAPSORT_RSS, MAPSORT_SIZE, MAPSORT_DELTA, MAPSORT_ADDR };

/* A mapping, or a group of them: only what the view and --smaps show. */
struct maprow {
	uint64_t start, end;         // of the first mapping in a group
	uint64_t size_kb, rss_kb, pss_kb, private_dirty_kb, anonymous_kb, swap_kb;
	int64_t delta_rss_kb;        // since the view opened (a new mapping: all of it)
	uint32_t name;               // its number in the name pool (maptable_name)
	unsigned count;              // mappings in the row (1 unless grouped)
	char perms[5];
};

struct maptable {
	struct map_base { uint64_t start, rss_kb; } *base;   // sorted by start
	size_t nbase, base_cap;
	struct maprow *maps;         // one row per mapping of the last read
	size_t nmaps, maps_cap;      // nmaps: the mappings (rows when not grouped)
	struct maprow *groups;       // one row per name, when grouped
	size_t groups_cap;
	struct maprow *rows;         // what is shown: maps, or groups
	size_t n;
	char *names;                 // each distinct sanitised name once, NUL-terminated
	size_t names_len, names_cap;
	uint32_t *name_off;          // a name's number -> its offset in names
	size_t nnames, name_cap;
	uint32_t *slots;             // hash of the names: 1 + number, 0 when free
	size_t nslots;
	bool adding;                 // maptable_add has replaced the rows since begin
	bool grouped;
	enum map_sort sort;
	size_t grew_most;            // row with the largest growth > 0, or SIZE_MAX
	struct smaps_map total;      // sums over every mapping
};

/* Sets the baseline for the Δ column from a whole parse. 0 or -ENOMEM. */
int maptable_open(struct maptable *t, const struct smaps *s);
/* Sets the baseline from the last read's rows (deltas become 0). 0 or -ENOMEM. */
int maptable_take_base(struct maptable *t);
/* Starts a new read; the rows stay until the first maptable_add. */
void maptable_begin(struct maptable *t);
/* Adds the mappings of one piece of the read. 0 or -ENOMEM. */
int maptable_add(struct maptable *t, const struct smaps *piece);
/* Ends the read: totals, deltas, grouping and sort. 0 or -ENOMEM. */
int maptable_end(struct maptable *t);
/* Rebuilds the rows from s with the current grouping and sort. 0 or -ENOMEM. */
int maptable_update(struct maptable *t, const struct smaps *s);
/* Groups or ungroups and sorts the last read's rows again (a key). 0 or -ENOMEM. */
int maptable_reorder(struct maptable *t);
static inline const char *maptable_name(const struct maptable *t, const struct maprow *r)
{
	return t->names + t->name_off[r->name];
}
void maptable_free(struct maptable *t);

#endif
