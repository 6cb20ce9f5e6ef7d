/* mapsline.c — one line of /proc/PID/maps (see mapsline.h); pure code. */
#include "proc/mapsline.h"

#include <string.h>

#include "util/scan.h"

// Skips one or more blanks; NULL when there is none.
static const char *skip_sep(const char *p, const char *end)
{
	const char *q = scan_skip_spaces(p, end);

	return q == p ? NULL : q;
}

// True when the four bytes at p are a permission field such as "r-xp".
static bool perms_ok(const char *p)
{
	return (p[0] == 'r' || p[0] == '-') && (p[1] == 'w' || p[1] == '-') &&
	       (p[2] == 'x' || p[2] == '-') && (p[3] == 'p' || p[3] == 's');
}

bool mapsline_parse(const char *p, const char *end, struct mapsline *m)
{
	uint64_t major, minor;

	*m = (struct mapsline){ 0 };
	if (!(p = scan_hex_u64(p, end, &m->start)) || p == end || *p != '-' ||
	    !(p = scan_hex_u64(p + 1, end, &m->end)) || m->end < m->start || !(p = skip_sep(p, end)))
		return false;
	if (end - p < 5 || !perms_ok(p))
		return false;
	memcpy(m->perms, p, 4);
	m->exec = p[2] == 'x';
	if (!(p = skip_sep(p + 4, end)) || !(p = scan_hex_u64(p, end, &m->offset)) ||
	    !(p = skip_sep(p, end)) || !(p = scan_hex_u64(p, end, &major)) || p == end || *p != ':' ||
	    !(p = scan_hex_u64(p + 1, end, &minor)) || !(p = skip_sep(p, end)) ||
	    !(p = scan_u64(p, end, &m->inode)) || (p < end && *p != ' ' && *p != '\t'))
		return false;
	if (major > UINT32_MAX || minor > UINT32_MAX)
		return false;
	m->major = (uint32_t)major, m->minor = (uint32_t)minor;
	// The kernel pads to a column before the path, and leaves a trailing
	// space when there is none: the path is everything after the gap.
	m->path = scan_skip_spaces(p, end);
	m->path_len = (size_t)(end - m->path);
	return true;
}

bool mapsline_is_file(const struct mapsline *m)
{
	return m->inode != 0 && m->path_len > 0 && m->path[0] == '/';
}

bool mapsline_deleted(const struct mapsline *m, size_t *len)
{
	static const char del[] = " (deleted)";
	const size_t dl = sizeof del - 1;
	bool deleted = m->path_len >= dl && memcmp(m->path + m->path_len - dl, del, dl) == 0;

	*len = deleted ? m->path_len - dl : m->path_len;
	return deleted;
}

size_t mapsline_path(const struct mapsline *m, char *out, size_t cap, bool *deleted)
{
	size_t n, k = 0;

	*deleted = mapsline_deleted(m, &n);
	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n && k + 1 < cap; i++) {
		if (m->path[i] == '\\' && n - i >= 4 && memcmp(m->path + i, "\\012", 4) == 0) {
			out[k++] = '\n';
			i += 3;
		} else {
			out[k++] = m->path[i];
		}
	}
	out[k] = '\0';
	return k;
}
