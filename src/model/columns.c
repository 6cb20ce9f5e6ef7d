/* columns.c — column lists by name (names from the field table); pure code. */
#include "model/columns.h"

#include <stdio.h>
#include <string.h>

const char *column_key(enum column_id id)
{
	const struct field *f = id < COL_COUNT ? field_of_column(id) : NULL;

	return f ? f->name : "?";
}

const char *columns_parse(const char *list, unsigned *mask, char *why, size_t whylen)
{
	unsigned m = COLUMN_BIT(COL_COMMAND);
	const char *p = list;

	for (;;) {
		size_t n;
		int found = -1;

		p += strspn(p, " \t");
		n = strcspn(p, ", \t");
		for (int c = 0; c < COL_COUNT && n; c++) {
			const char *key = column_key((enum column_id)c);

			if (strlen(key) == n && strncmp(p, key, n) == 0)
				found = c;
		}
		if (found < 0) {
			if (!n)
				return "empty column name in the list";
			snprintf(why, whylen, "unknown column '%.*s'", n > 40 ? 40 : (int)n, p);
			return why;
		}
		m |= COLUMN_BIT(found);
		p += n;
		p += strspn(p, " \t");
		if (!*p)
			break;
		if (*p++ != ',')
			return "columns are separated by commas";
	}
	*mask = m;
	return NULL;
}

size_t columns_format(unsigned mask, char *out, size_t cap)
{
	size_t len = 0;

	if (cap)
		out[0] = '\0';
	for (int c = 0; c < COL_COUNT; c++) {
		int w;

		if (!(mask & COLUMN_BIT(c)))
			continue;
		w = snprintf(out + len, cap - len, "%s%s", len ? "," : "",
			     column_key((enum column_id)c));
		if (w < 0 || (size_t)w >= cap - len)
			return 0;
		len += (size_t)w;
	}
	return len;
}
