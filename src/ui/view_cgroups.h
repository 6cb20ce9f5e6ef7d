/* view_cgroups.h — the cgroup view (S on the process list): one row per
 * memory cgroup that holds processes (a systemd unit or slice, a container,
 * a pod), with its usage and limit, its processes' summed anonymous memory
 * and count, its pressure, and GROWTH, TREND and LEAK from the detector on
 * the cgroup's own series (model/cgtable.h). Sort keys, a filter on the
 * label or the path, a selection that follows its cgroup; Enter goes back
 * to the process list limited to the selected cgroup's processes.
 *
 * Contract: the screen draws the monitor's cgroup table (mon->cgroups),
 * which it sorts (cgtable_sort) but otherwise only reads; its rows point
 * into that table and are rebuilt on enter, after each refresh (tick) and
 * after its own keys. A replay shows the recorded model the same way.
 * While shown, it asks the source to read the cgroups every second, and
 * back to every ten seconds when it leaves.
 */
#ifndef MEMTOP_VIEW_CGROUPS_H
#define MEMTOP_VIEW_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/cgtable.h"
#include "model/listmodel.h"
#include "ui/screen.h"
#include "ui/view_prompt.h"

#define CGVIEW_COLUMNS 13

struct cgroup_screen {
	struct monitor *mon;              // the one entered with (leave restores its reading pace)
	enum cg_sort_key key;
	bool descending;
	bool sort_set;                    // key and descending hold a choice (else: usage, largest first)
	bool suspects_only;               // only suspected leaks (L)
	char filter[LISTMODEL_FILTER_MAX];// case-insensitive substring of label or path; "" = all
	struct prompt prompt;             // the filter's prompt while it is typed
	const struct cgroup_row **rows;   // shown, in order: into mon->cgroups, valid until its update
	size_t nrows, cap;
	size_t sel, top;                  // selected row, first row on screen
	char *sel_path;                   // the selected cgroup (owned), so the selection follows it
	int header_y, rows_y;             // screen lines of the title row and the first row
	int col_x[CGVIEW_COLUMNS];        // x of each column on screen, -1 when not shown
};

/* Its state is screen_cgroups.state, a struct cgroup_screen. */
extern const struct screen screen_cgroups;

/* Rebuilds the rows from the table: sort, filter, then finds the selected
 * cgroup again (or keeps the selection's row when it is gone). */
void cgroup_screen_rebuild(struct cgroup_screen *v, struct cgtable *t);
/* The selected row's path, or NULL when there are no rows. */
const char *cgroup_screen_selected(const struct cgroup_screen *v);

#endif
