/* maptable.h — the detail view's mapping table: one process's smaps as rows
 * (or grouped by name), with each row's change in RSS since the view opened,
 * sorted, and the row that grew most. Pure: smaps in, rows out.
 *
 * Contract: maptable_open records the baseline (RSS per mapping start
 * address); maptable_update rebuilds the rows from a newer parse. Row names
 * are sanitised copies owned by the table, valid until the next update.
 * Memory is reused across updates. A zeroed struct is an empty table.
 */
#ifndef MEMTOP_MAPTABLE_H
#define MEMTOP_MAPTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smaps.h"

enum map_sort { MAPSORT_RSS, MAPSORT_SIZE, MAPSORT_DELTA, MAPSORT_ADDR };

struct maprow {
	size_t name_off;             // into maptable.names
	uint64_t start, end;         // of the first mapping in a group
	char perms[5];
	unsigned count;              // mappings in the row (1 unless grouped)
	uint64_t size_kb, rss_kb, pss_kb, private_dirty_kb, anonymous_kb, swap_kb;
	int64_t delta_rss_kb;        // since the view opened (a new mapping: all of it)
};

struct maptable {
	struct map_base { uint64_t start, rss_kb; } *base;   // sorted by start
	size_t nbase, base_cap;
	struct maprow *rows;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
	bool grouped;
	enum map_sort sort;
	size_t grew_most;            // row with the largest growth > 0, or SIZE_MAX
	struct smaps_map total;      // sums over every mapping
	size_t nmaps;                // mappings (rows when not grouped)
};

/* Sets the baseline for the Δ column. 0 or -ENOMEM. */
int maptable_open(struct maptable *t, const struct smaps *s);
/* Rebuilds the rows from s with the current grouping and sort. 0 or -ENOMEM. */
int maptable_update(struct maptable *t, const struct smaps *s);
static inline const char *maptable_name(const struct maptable *t, const struct maprow *r)
{
	return t->names + r->name_off;
}
void maptable_free(struct maptable *t);

#endif
