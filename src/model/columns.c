/* columns.c — column names; pure code. */
#include "model/columns.h"

#include <stdio.h>
#include <string.h>

static const char *const keys[COL_COUNT] = {
	[COL_PID] = "pid", [COL_USER] = "user", [COL_RSS] = "rss", [COL_ANON] = "anon",
	[COL_HEAP] = "heap", [COL_SWAP] = "swap", [COL_DELTA] = "delta", [COL_GROWTH] = "growth",
	[COL_TREND] = "trend", [COL_LEAK] = "leak", [COL_OOM] = "oom", [COL_ADJ] = "adj",
	[COL_CGROUP] = "cgroup", [COL_COMMAND] = "command",
};

const char *column_key(enum column_id id)
{
	return id < COL_COUNT ? keys[id] : "?";
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
		for (int c = 0; c < COL_COUNT && n; c++)
			if (strlen(keys[c]) == n && strncmp(p, keys[c], n) == 0)
				found = c;
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
		w = snprintf(out + len, cap - len, "%s%s", len ? "," : "", keys[c]);
		if (w < 0 || (size_t)w >= cap - len)
			return 0;
		len += (size_t)w;
	}
	return len;
}
