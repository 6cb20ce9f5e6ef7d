/* listmodel.c — filter, order, selection and scrolling of the process list. */
#include "model/listmodel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool listmodel_matches(const struct listmodel *m, const struct proc *p)
{
	const struct proc_sample *s = p->s;

	if (m->suspects_only && !p->verdict.suspected)
		return false;
	if (m->cgroup[0] && strcmp(s->cgroup, m->cgroup) != 0)
		return false;
	if (!m->filter[0])
		return true;
	return strcasestr(s->cmdline, m->filter) || strcasestr(s->comm, m->filter) ||
	       strcasestr(s->user, m->filter);
}

// Remembers which process the selected row holds.
static void remember_selection(struct listmodel *m)
{
	m->have_sel = m->nrows > 0;
	if (m->have_sel) {
		m->sel_pid = m->rows[m->sel]->pid;
		m->sel_start = m->rows[m->sel]->start_ticks;
	}
}

int listmodel_rebuild(struct listmodel *m, const struct proctable *t)
{
	size_t n = 0;

	if (t->n > m->cap) {
		struct proc **p = realloc(m->rows, t->n * sizeof *p);

		if (!p)
			return -ENOMEM;
		m->rows = p;
		m->cap = t->n;
	}
	for (size_t i = 0; i < t->n; i++)
		if (listmodel_matches(m, &t->v[i]))
			m->rows[n++] = &t->v[i];
	proctable_sort_rows(m->rows, n, m->key, m->descending);
	m->nrows = n;
	if (m->tree && treemodel_build(&m->forest, t, m->rows, n, &n) < 0)
		return -ENOMEM;    // the rows are the sorted list then
	m->nrows = n;
	if (m->have_sel) {
		for (size_t i = 0; i < n; i++) {
			if (m->rows[i]->pid == m->sel_pid && m->rows[i]->start_ticks == m->sel_start) {
				m->sel = i;
				return 0;
			}
		}
	}
	// The selected process is gone (or filtered out): stay on the same row.
	m->sel = n == 0 ? 0 : m->sel < n ? m->sel : n - 1;
	remember_selection(m);
	return 0;
}

const struct tree_row *listmodel_tree_row(const struct listmodel *m, size_t row)
{
	return m->tree && row < m->nrows ? &m->forest.info[row] : NULL;
}

int listmodel_collapse(struct listmodel *m, bool collapsed)
{
	const struct tree_row *tr = listmodel_tree_row(m, m->sel);
	const struct proc *p;

	if (!tr || !tr->has_children)
		return 0;
	p = m->rows[m->sel];
	return treemodel_set_collapsed(&m->forest, p->pid, p->start_ticks, collapsed) < 0 ? -ENOMEM : 1;
}

void listmodel_set_sort(struct listmodel *m, enum sort_key key)
{
	m->key = key;
	m->descending = sort_key_descending(key);
}

void listmodel_select(struct listmodel *m, size_t row)
{
	m->sel = m->nrows == 0 ? 0 : row < m->nrows ? row : m->nrows - 1;
	remember_selection(m);
}

void listmodel_move(struct listmodel *m, long delta)
{
	long row = (long)m->sel + delta;

	listmodel_select(m, row < 0 ? 0 : (size_t)row);
}

void list_scroll(size_t *top, size_t sel, size_t nrows, size_t page)
{
	if (page == 0)
		page = 1;
	if (sel < *top)
		*top = sel;
	else if (sel >= *top + page)
		*top = sel - page + 1;
	// Do not leave empty rows at the bottom when the list got shorter.
	if (nrows >= page && *top > nrows - page)
		*top = nrows - page;
	else if (nrows < page)
		*top = 0;
}

void listmodel_scroll(struct listmodel *m, size_t page)
{
	list_scroll(&m->top, m->sel, m->nrows, page);
}

void listmodel_free(struct listmodel *m)
{
	free(m->rows);
	m->rows = NULL;
	treemodel_free(&m->forest);
	m->nrows = m->cap = 0;
}
