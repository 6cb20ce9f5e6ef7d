/* cgname.c — labels for cgroup paths (first cut: the last component). */
#include "util/cgname.h"

#include <stdio.h>
#include <string.h>

size_t cgname_describe(const char *path, char *out, size_t cap)
{
	const char *slash = strrchr(path, '/');
	const char *name = !path[0] ? "(unknown)" : strcmp(path, "/") == 0 ? "(root)" : slash ? slash + 1 : path;
	int n = snprintf(out, cap, "%s", name);

	return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}
