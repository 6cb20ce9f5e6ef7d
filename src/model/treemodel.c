/* treemodel.c — the process tree: parents, depth-first order, subtree
 * totals and collapsed subtrees (see treemodel.h); pure code. */
#include "model/treemodel.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define NONE SIZE_MAX          // no row: no parent, child or sibling

/* ---- work arrays ------------------------------------------------------------ */

// Makes *p hold n elements of size bytes; false when out of memory (*p kept).
static bool grow_array(void *p, size_t n, size_t size)
{
	void **arr = p;
	void *q = realloc(*arr, n * size);

	if (!q)
		return false;
	*arr = q;
	return true;
}

// Sizes the arrays indexed by row for n rows and row_of for the table.
static int grow_work(struct treemodel *tm, size_t n, size_t table_n)
{
	if (n > tm->cap) {
		if (!grow_array(&tm->parent, n, sizeof *tm->parent) ||
		    !grow_array(&tm->first_child, n, sizeof *tm->first_child) ||
		    !grow_array(&tm->last_child, n, sizeof *tm->last_child) ||
		    !grow_array(&tm->next_sibling, n, sizeof *tm->next_sibling) ||
		    !grow_array(&tm->order, n, sizeof *tm->order) ||
		    !grow_array(&tm->mark, n, sizeof *tm->mark) ||
		    !grow_array(&tm->depth, n, sizeof *tm->depth) ||
		    !grow_array(&tm->full, n, sizeof *tm->full) ||
		    !grow_array(&tm->info, n, sizeof *tm->info) ||
		    !grow_array(&tm->given, n, sizeof *tm->given))
			return -ENOMEM;
		tm->cap = n;
	}
	if (table_n > tm->table_cap) {
		if (!grow_array(&tm->row_of, table_n, sizeof *tm->row_of))
			return -ENOMEM;
		tm->table_cap = table_n;
	}
	return 0;
}

/* ---- collapsed subtrees ----------------------------------------------------- */

static int cmp_key(const void *a, const void *b)
{
	const struct tree_key *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->start_ticks < y->start_ticks ? -1 : x->start_ticks > y->start_ticks;
}

bool treemodel_is_collapsed(const struct treemodel *tm, int pid, uint64_t start_ticks)
{
	struct tree_key k = { pid, start_ticks };

	return tm->ncollapsed && bsearch(&k, tm->collapsed, tm->ncollapsed, sizeof k, cmp_key);
}

int treemodel_set_collapsed(struct treemodel *tm, int pid, uint64_t start_ticks, bool collapsed)
{
	struct tree_key k = { pid, start_ticks };
	size_t at = 0;
	bool present;

	// The list is short (what the user collapsed): a linear place is enough.
	while (at < tm->ncollapsed && cmp_key(&tm->collapsed[at], &k) < 0)
		at++;
	present = at < tm->ncollapsed && cmp_key(&tm->collapsed[at], &k) == 0;
	if (collapsed == present)
		return 0;
	if (!collapsed) {
		memmove(&tm->collapsed[at], &tm->collapsed[at + 1],
			(tm->ncollapsed - at - 1) * sizeof k);
		tm->ncollapsed--;
		return 0;
	}
	if (tm->ncollapsed == tm->collapsed_cap) {
		size_t cap = tm->collapsed_cap ? 2 * tm->collapsed_cap : 16;

		if (!grow_array(&tm->collapsed, cap, sizeof k))
			return -ENOMEM;
		tm->collapsed_cap = cap;
	}
	memmove(&tm->collapsed[at + 1], &tm->collapsed[at], (tm->ncollapsed - at) * sizeof k);
	tm->collapsed[at] = k;
	tm->ncollapsed++;
	return 0;
}

void treemodel_expand_all(struct treemodel *tm)
{
	tm->ncollapsed = 0;
}

// Forgets the collapsed subtrees whose process is no longer in the table
// (its pid may come back as another process, which starts expanded).
static void forget_gone(struct treemodel *tm, const struct proctable *t)
{
	size_t kept = 0;

	for (size_t i = 0; i < tm->ncollapsed; i++) {
		const struct proc *p = proctable_find(t, tm->collapsed[i].pid);

		if (p && p->start_ticks == tm->collapsed[i].start_ticks)
			tm->collapsed[kept++] = tm->collapsed[i];
	}
	tm->ncollapsed = kept;
}

/* ---- building the tree ------------------------------------------------------ */

// The row of row i's parent, or NONE: a parent that is not among the rows,
// or one that started after the child (its pid was reused), is no parent.
static size_t parent_row(const struct treemodel *tm, const struct proctable *t, const struct proc *p)
{
	const struct proc *q = proctable_find(t, p->s->ppid);

	if (!q || q == p || q->start_ticks > p->start_ticks)
		return NONE;
	return tm->row_of[q - t->v];
}

// Fills parent[] for the given rows.
static void link_parents(struct treemodel *tm, const struct proctable *t, size_t n)
{
	for (size_t e = 0; e < t->n; e++)
		tm->row_of[e] = NONE;
	for (size_t i = 0; i < n; i++) {
		assert(tm->given[i] >= t->v && tm->given[i] < t->v + t->n);
		tm->row_of[tm->given[i] - t->v] = i;
	}
	for (size_t i = 0; i < n; i++)
		tm->parent[i] = parent_row(tm, t, tm->given[i]);
}

// Cuts every ppid cycle at one of its rows, which becomes a root. Each row
// is walked up from once, marked with the walk's number: meeting a mark of
// the same walk is a cycle, of an earlier walk a path already checked.
static void cut_cycles(struct treemodel *tm, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tm->mark[i] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t walk = i + 1, j = i;

		while (j != NONE && tm->mark[j] == 0) {
			tm->mark[j] = walk;
			j = tm->parent[j];
		}
		if (j != NONE && tm->mark[j] == walk)
			tm->parent[j] = NONE;
	}
}

// Links each row into its parent's list of children, in the rows' order
// (the sort order, so siblings come sorted).
static void link_children(struct treemodel *tm, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tm->first_child[i] = tm->last_child[i] = tm->next_sibling[i] = NONE;
	for (size_t i = 0; i < n; i++) {
		size_t p = tm->parent[i];

		if (p == NONE)
			continue;
		if (tm->first_child[p] == NONE)
			tm->first_child[p] = i;
		else
			tm->next_sibling[tm->last_child[p]] = i;
		tm->last_child[p] = i;
	}
}

// Appends root's subtree to order[] from *k on, depth first, setting each
// row's depth. A loop over the child and sibling links, not recursion: a
// chain thousands deep needs no stack.
static void walk_subtree(struct treemodel *tm, size_t root, size_t *k)
{
	size_t v = root;

	tm->depth[root] = 0;
	for (;;) {
		tm->order[(*k)++] = v;
		if (tm->first_child[v] != NONE) {
			v = tm->first_child[v];
			tm->depth[v] = tm->depth[tm->parent[v]] + 1;
			continue;
		}
		while (v != root && tm->next_sibling[v] == NONE)
			v = tm->parent[v];
		if (v == root)
			return;
		v = tm->next_sibling[v];
		tm->depth[v] = tm->depth[tm->parent[v]] + 1;
	}
}

// Puts every row in order[], roots in the rows' order, each followed by its
// subtree; returns the last root (NONE when there are no rows).
static size_t order_rows(struct treemodel *tm, size_t n)
{
	size_t k = 0, last_root = NONE;

	for (size_t i = 0; i < n; i++)
		if (tm->parent[i] == NONE) {
			walk_subtree(tm, i, &k);
			last_root = i;
		}
	assert(k == n);    // no cycles are left, so every row hangs off a root
	return last_root;
}

// A row's own values, and its place among its siblings.
static struct tree_row own_row(const struct treemodel *tm, size_t i, size_t last_root)
{
	const struct proc *p = tm->given[i];
	bool has_children = tm->first_child[i] != NONE;

	return (struct tree_row){
		.depth = tm->depth[i],
		.has_children = has_children,
		.collapsed = has_children && treemodel_is_collapsed(tm, p->pid, p->start_ticks),
		.last = tm->parent[i] == NONE ? i == last_root : tm->next_sibling[i] == NONE,
		.sub_rss_kb = p->s->rss_kb,
		.sub_anon_kb = p->s->anon_kb,
		.sub_growth_kb_per_min = p->verdict.have_rate ? p->verdict.rate_kb_per_min : 0,
		.sub_have_rate = p->verdict.have_rate,
		.sub_suspected = p->verdict.suspected,
	};
}

// Fills full[]: each row's own values, its branch lines (parents first, in
// order), then the subtree totals (children first: order backwards).
static void fill_rows(struct treemodel *tm, size_t n, size_t last_root)
{
	for (size_t i = 0; i < n; i++)
		tm->full[i] = own_row(tm, i, last_root);
	for (size_t k = 0; k < n; k++) {
		size_t v = tm->order[k], p = tm->parent[v];
		const struct tree_row *up = p == NONE ? NULL : &tm->full[p];

		if (!up)
			continue;
		tm->full[v].branches = up->branches;
		if (up->depth >= 1 && up->depth <= TREE_BRANCH_LEVELS && !up->last)
			tm->full[v].branches |= UINT32_C(1) << (up->depth - 1);
	}
	for (size_t k = n; k-- > 0;) {
		size_t v = tm->order[k], p = tm->parent[v];
		struct tree_row *up = p == NONE ? NULL : &tm->full[p];

		if (!up)
			continue;
		up->sub_rss_kb += tm->full[v].sub_rss_kb;
		up->sub_anon_kb += tm->full[v].sub_anon_kb;
		up->sub_growth_kb_per_min += tm->full[v].sub_growth_kb_per_min;
		up->sub_have_rate |= tm->full[v].sub_have_rate;
		up->sub_suspected |= tm->full[v].sub_suspected;
	}
}

// Writes the rows in tree order into rows[] and info[], leaving out those
// below a collapsed row (in depth-first order a subtree is the run of
// deeper rows after its root); returns how many are left.
static size_t emit_visible(struct treemodel *tm, struct proc **rows, size_t n)
{
	size_t out = 0;
	unsigned hide_below = UINT_MAX;    // the depth of the collapsed row being skipped

	for (size_t k = 0; k < n; k++) {
		size_t v = tm->order[k];

		if (hide_below != UINT_MAX && tm->depth[v] > hide_below)
			continue;
		hide_below = tm->full[v].collapsed ? tm->depth[v] : UINT_MAX;
		rows[out] = tm->given[v];
		tm->info[out++] = tm->full[v];
	}
	return out;
}

int treemodel_build(struct treemodel *tm, const struct proctable *t, struct proc **rows, size_t n,
		    size_t *nvisible)
{
	size_t last_root;

	if (grow_work(tm, n, t->n) < 0)
		return -ENOMEM;
	forget_gone(tm, t);
	if (n)
		memcpy(tm->given, rows, n * sizeof *rows);
	link_parents(tm, t, n);
	cut_cycles(tm, n);
	link_children(tm, n);
	last_root = order_rows(tm, n);
	fill_rows(tm, n, last_root);
	*nvisible = emit_visible(tm, rows, n);
	return 0;
}

void treemodel_free(struct treemodel *tm)
{
	free(tm->info);
	free(tm->collapsed);
	free(tm->parent);
	free(tm->first_child);
	free(tm->last_child);
	free(tm->next_sibling);
	free(tm->order);
	free(tm->mark);
	free(tm->row_of);
	free(tm->depth);
	free(tm->full);
	free(tm->given);
	*tm = (struct treemodel){ 0 };
}
