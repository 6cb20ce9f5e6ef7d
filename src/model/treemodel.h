/* treemodel.h — the process list as a tree: processes under their parents,
 * depth first (a parent before its children, siblings in the list's sort
 * order), with each process's subtree totals (RSS, anonymous memory, growth
 * rate) and which subtrees the user collapsed. Pure: no I/O, no drawing.
 *
 * The tree is built over the rows it is given (the list's filtered rows): a
 * process whose parent is not among them is a root, and so is one whose
 * "parent" started after it (its ppid names a reused pid). A ppid cycle
 * (pid reuse can make one) is cut at one of its processes, which becomes a
 * root. Nothing recurses: a chain of any depth is walked with loops.
 *
 * Subtree totals are the process's own value plus those of every process
 * below it in this tree, collapsed or not; the growth total sums the rates
 * of the processes that have one (leak_verdict.have_rate), the GROWTH
 * column's value.
 *
 * Collapsed subtrees are remembered by (pid, start_ticks), so a reused pid
 * starts expanded; treemodel_build forgets those whose process left the
 * table.
 *
 * Contract: treemodel_build rewrites the rows array it is given in tree
 * order, leaving out the rows inside collapsed subtrees, and fills
 * tm->info in step with it; info is valid until the next build. Work
 * arrays grow with the table and are kept: a build allocates only when the
 * table is larger than ever before. Errors: -ENOMEM, the rows then as given.
 */
#ifndef MEMTOP_TREEMODEL_H
#define MEMTOP_TREEMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/proctable.h"

// Levels whose branch lines a row remembers (tree_row.branches); deeper
// rows are still ordered and summed, only drawn without more indentation.
#define TREE_BRANCH_LEVELS 32

/* One row of the tree as the screen draws it, and its subtree's totals. */
struct tree_row {
	unsigned depth;              // 0: a root
	bool has_children;           // in the tree (a collapsed row still has them)
	bool collapsed;              // its children are hidden
	bool last;                   // the last of its siblings (or of the roots)
	uint32_t branches;           // bit l-1: the ancestor at depth l (1 <= l < depth)
	                             // has siblings after it, so its line runs on
	uint64_t sub_rss_kb, sub_anon_kb;
	double sub_growth_kb_per_min;
	bool sub_have_rate;          // some process of the subtree has a growth rate
	bool sub_suspected;          // some process of the subtree is a suspected leak
};

/* A process's identity, as collapsed subtrees are remembered. */
struct tree_key {
	int pid;
	uint64_t start_ticks;
};

struct treemodel {
	struct tree_row *info;       // in step with the rows of the last build
	struct tree_key *collapsed;  // sorted by pid, then start
	size_t ncollapsed, collapsed_cap;

	// Work arrays, indexed by the given rows' positions (cap) or by the
	// table's entries (table_cap); kept between builds.
	size_t cap, table_cap;
	size_t *parent, *first_child, *last_child, *next_sibling, *order, *row_of;
	size_t *mark;                // cycle search: the walk that reached each row
	unsigned *depth;
	struct tree_row *full;       // every row's tree_row, in the given rows' order
	struct proc **given;         // a copy of the given rows
};

/* Orders rows (n of them, sorted as siblings should be, pointing into t)
 * into the tree; *nvisible gets how many are left once collapsed subtrees
 * are hidden. 0 or -ENOMEM. */
int treemodel_build(struct treemodel *tm, const struct proctable *t, struct proc **rows, size_t n,
		    size_t *nvisible);
/* Collapses (collapsed true) or expands the subtree of the process; 0 or
 * -ENOMEM. Takes effect at the next build. */
int treemodel_set_collapsed(struct treemodel *tm, int pid, uint64_t start_ticks, bool collapsed);
/* Whether the process's subtree is collapsed. */
bool treemodel_is_collapsed(const struct treemodel *tm, int pid, uint64_t start_ticks);
/* Expands every subtree. */
void treemodel_expand_all(struct treemodel *tm);
void treemodel_free(struct treemodel *tm);

#endif
