/* listmodel.h — what the process list shows: the filter, the sort order,
 * the selection (which follows its process, not its row) and the scroll
 * position. Pure: it orders pointers into a proctable and draws nothing.
 * In tree mode (tree) the rows are the filtered ones in tree order
 * (model/treemodel.h), without those inside collapsed subtrees, and each
 * row has its tree_row (listmodel_tree_row).
 *
 * Contract: rows point into the proctable given to listmodel_rebuild and are
 * valid until that table's next update. All functions keep sel < nrows (or
 * sel == 0 when empty) and sel within [top, top + page).
 */
#ifndef MEMTOP_LISTMODEL_H
#define MEMTOP_LISTMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/proctable.h"
#include "model/treemodel.h"

#define LISTMODEL_FILTER_MAX 128
#define LISTMODEL_CGROUP_MAX 1024    // a kubepods path under a v1 prefix passes 256

struct listmodel {
	enum sort_key key;
	bool descending;
	char filter[LISTMODEL_FILTER_MAX];   // case-insensitive substring; "" = all
	bool suspects_only;                  // only suspected leaks
	// Only the processes of this memory cgroup (an exact path, as
	// proc_sample.cgroup names it: the cgroup view's Enter); "" = all.
	char cgroup[LISTMODEL_CGROUP_MAX];
	struct proc **rows;
	size_t nrows, cap;
	size_t sel, top;                     // selected row, first row on screen
	int sel_pid;                         // the selected process's identity,
	uint64_t sel_start;                  // so the selection can follow it
	bool have_sel;
	bool tree;                           // processes under their parents
	struct treemodel forest;             // the tree of the last rebuild, and
	                                     // the collapsed subtrees
};

/* Rebuilds rows from the table: filter, sort, then find the selected process
 * again (or keep the selection's row index when it is gone). 0 or -ENOMEM. */
int listmodel_rebuild(struct listmodel *m, const struct proctable *t);
/* The tree row of a row in tree mode, or NULL (not in tree mode). */
const struct tree_row *listmodel_tree_row(const struct listmodel *m, size_t row);
/* Collapses (collapsed true) or expands the selected process's subtree, at
 * the next rebuild: 1, or 0 when it has no children (nothing changes), or
 * -ENOMEM. */
int listmodel_collapse(struct listmodel *m, bool collapsed);
/* Sets the sort key with the key's natural direction. */
void listmodel_set_sort(struct listmodel *m, enum sort_key key);
/* Moves the selection by delta rows (clamped) and remembers its process. */
void listmodel_move(struct listmodel *m, long delta);
/* Moves the selection to a row (clamped). */
void listmodel_select(struct listmodel *m, size_t row);
/* Scrolls so that the selection is visible in a page of page rows. */
void listmodel_scroll(struct listmodel *m, size_t page);
/* The same for any list: the first row shown (*top) so that row sel of
 * nrows is on a page of page rows, with no empty rows at the bottom when
 * the list got shorter (the cgroup view's list uses it too). */
void list_scroll(size_t *top, size_t sel, size_t nrows, size_t page);
/* True when a process matches the filter (comm, command line or user), is
 * in the cgroup when one is set and, with suspects_only, is a suspected leak. */
bool listmodel_matches(const struct listmodel *m, const struct proc *p);
void listmodel_free(struct listmodel *m);

#endif
