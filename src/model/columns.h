/* columns.h — the process table's columns by name, for the rc file's
 * "columns =" list and the screen. The columns themselves (enum column_id
 * and what each one shows) are rows of the field table, fields.h. Pure.
 */
#ifndef MEMTOP_COLUMNS_H
#define MEMTOP_COLUMNS_H

#include <stddef.h>

#include "model/fields.h"

#define COLUMN_BIT(id) (1u << (id))
/* Shown unless the user says otherwise: all but CGROUP (and the tree view's
 * totals, which that view shows whatever the list says: FIELD_TREE). */
#define COLUMNS_TREE (COLUMN_BIT(COL_TREE_RSS) | COLUMN_BIT(COL_TREE_ANON) | \
		      COLUMN_BIT(COL_TREE_GROWTH))
#define COLUMNS_DEFAULT (((1u << COL_COUNT) - 1) & ~COLUMN_BIT(COL_CGROUP) & ~COLUMNS_TREE)

/* The column's name in the rc file ("pid", "delta"). */
const char *column_key(enum column_id id);
/* Parses "pid,rss,command" into a mask of COLUMN_BITs; NULL, or the reason
 * the list is bad. COMMAND is always added: it takes the rest of the line. */
const char *columns_parse(const char *list, unsigned *mask, char *why, size_t whylen);
/* Writes the mask as a comma-separated list; returns its length, or 0 when
 * it does not fit in cap. */
size_t columns_format(unsigned mask, char *out, size_t cap);

#endif
