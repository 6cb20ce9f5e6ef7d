/* mapsline.c — one line of /proc/PID/maps (see mapsline.h); pure code. */
#include "proc/mapsline.h"

#include <string.h>

#include "util/scan.h"

bool mapsline_parse(const char *p, const char *end, struct mapsline *m)
{
	uint64_t major, minor;

	*m = (struct mapsline){ 0 };
	if (!(p = scan_hex_u64(p, end, &m->start)) || p == end || *p++ != '-' ||
	    !(p = scan_hex_u64(p, end, &m->end)) || end - p < 6 || *p != ' ')
		return false;
	m->exec = p[3] == 'x';                      // " rwxp"
	p += 6;
	if (!(p = scan_skip_spaces(p, end)) || !(p = scan_hex_u64(p, end, &m->offset)) ||
	    !(p = scan_skip_spaces(p, end)) || !(p = scan_hex_u64(p, end, &major)) || p == end ||
	    *p++ != ':' || !(p = scan_hex_u64(p, end, &minor)) ||
	    !(p = scan_skip_spaces(p, end)) || !(p = scan_u64(p, end, &m->inode)))
		return false;
	if (major > UINT32_MAX || minor > UINT32_MAX || m->end <= m->start)
		return false;
	m->major = (uint32_t)major, m->minor = (uint32_t)minor;
	p = scan_skip_spaces(p, end);
	m->path = p ? p : end;
	m->path_len = (size_t)(end - m->path);
	return true;
}

bool mapsline_is_file(const struct mapsline *m)
{
	return m->inode != 0 && m->path_len > 0 && m->path[0] == '/';
}

size_t mapsline_path(const struct mapsline *m, char *out, size_t cap, bool *deleted)
{
	static const char del[] = " (deleted)";
	const size_t dl = sizeof del - 1;
	size_t n = m->path_len, k = 0;

	*deleted = n >= dl && memcmp(m->path + n - dl, del, dl) == 0;
	if (*deleted)
		n -= dl;
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
