/* cgfiles.c — cgroup interface files and mountinfo's cgroup mounts; pure code. */
#include "proc/cgfiles.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/scan.h"

int cgfiles_parse_u64(const char *buf, size_t len, uint64_t *v)
{
	const char *end = buf + len, *p;
	uint64_t n;

	p = scan_u64(buf, end, &n);   // into a local: *v stays unchanged on failure
	if (!p || end - p != 1 || *p != '\n')
		return -EINVAL;
	*v = n;
	return 0;
}

int cgfiles_parse_limit(const char *buf, size_t len, bool *unlimited, uint64_t *bytes)
{
	uint64_t n;

	if (len == 4 && memcmp(buf, "max\n", 4) == 0) {
		*unlimited = true;
		*bytes = UINT64_MAX;
		return 0;
	}
	if (cgfiles_parse_u64(buf, len, &n) < 0)
		return -EINVAL;
	*unlimited = n >= CGFILES_UNLIMITED_MIN;
	*bytes = *unlimited ? UINT64_MAX : n;
	return 0;
}

int cgfiles_parse_stat(const char *buf, size_t len, const char *key, uint64_t *v)
{
	const char *p = buf, *end = buf + len;
	size_t klen = strlen(key);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		uint64_t n;

		if (!eol)
			return -ENOENT;                // a cut last line holds no value
		if ((size_t)(eol - p) > klen && memcmp(p, key, klen) == 0 && p[klen] == ' ') {
			const char *q = scan_u64(p + klen + 1, eol, &n);

			if (!q || q != eol)
				return -EINVAL;
			*v = n;
			return 0;
		}
		p = eol + 1;
	}
	return -ENOENT;
}

int cgfiles_parse_oom_kill(const char *buf, size_t len, uint64_t *v)
{
	// The same "key value" lines as memory.stat; "oom_kill_disable" (v1)
	// and "oom_group_kill" (v2) are other keys.
	return cgfiles_parse_stat(buf, len, "oom_kill", v);
}

/* One space-separated field of a mountinfo line, still escaped. */
struct mi_field {
	const char *s;
	size_t len;
};

// Takes the next field of [*p, eol) into f and advances *p past it; false at
// the end of the line.
static bool mi_next_field(const char **p, const char *eol, struct mi_field *f)
{
	const char *s = *p, *e;

	while (s < eol && *s == ' ')
		s++;
	if (s == eol)
		return false;
	e = memchr(s, ' ', (size_t)(eol - s));
	if (!e)
		e = eol;
	f->s = s;
	f->len = (size_t)(e - s);
	*p = e;
	return true;
}

static bool mi_field_is(const struct mi_field *f, const char *word)
{
	size_t n = strlen(word);

	return f->len == n && memcmp(f->s, word, n) == 0;
}

// Whether a comma-separated option list holds the option word exactly.
static bool mi_options_have(const struct mi_field *f, const char *word)
{
	const char *p = f->s, *end = f->s + f->len;
	size_t n = strlen(word);

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma ? comma : end;

		if ((size_t)(e - p) == n && memcmp(p, word, n) == 0)
			return true;
		p = comma ? comma + 1 : end;
	}
	return false;
}

static bool mi_is_octal(char c)
{
	return c >= '0' && c <= '7';
}

// Copies a field into dst (cap bytes, NUL-terminated), decoding the
// kernel's "\ooo" escapes; a backslash not followed by three octal digits
// of a byte from 1 to 255 stays as it is. Returns false when it does not fit.
static bool mi_unescape(const struct mi_field *f, char *dst, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < f->len;) {
		char c = f->s[i++];

		if (c == '\\' && f->len - i >= 3 && mi_is_octal(f->s[i]) &&
		    mi_is_octal(f->s[i + 1]) && mi_is_octal(f->s[i + 2])) {
			unsigned v = (unsigned)(f->s[i] - '0') * 64 +
				     (unsigned)(f->s[i + 1] - '0') * 8 + (unsigned)(f->s[i + 2] - '0');

			if (v >= 1 && v <= 255) {
				c = (char)v;
				i += 3;
			}
		}
		if (o + 1 >= cap)
			return false;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return true;
}

// Offers a mount point for one slot: taken when the slot is empty, or when
// this mount is of the hierarchy's root and the one held is not.
static void mi_offer(char *slot, size_t cap, bool *slot_is_root, const struct mi_field *root,
		     const struct mi_field *mountpoint)
{
	bool is_root = mi_field_is(root, "/");
	char path[sizeof ((struct cg_mounts *)0)->v2];

	assert(cap <= sizeof path);
	if (slot[0] != '\0' && (*slot_is_root || !is_root))
		return;
	if (!mi_unescape(mountpoint, path, cap))
		return;   // too long to hold: as if it were not there
	memcpy(slot, path, strlen(path) + 1);
	*slot_is_root = is_root;
}

// One mountinfo line: the six fields before the optional ones, then the
// type, the source and the super options (has_super false when missing).
struct mi_line {
	struct mi_field f[6], fstype, source, super;
	bool has_super;
};

// Splits the line at *p (before end) and moves *p past it: 1 for a line, 0
// at the end (a last line without a newline is ignored), -EINVAL for a line
// that is not mountinfo.
static int mi_split(const char **p, const char *end, struct mi_line *l)
{
	const char *eol = *p < end ? memchr(*p, '\n', (size_t)(end - *p)) : NULL, *q = *p;
	struct mi_field sep;

	if (!eol)
		return 0;
	*p = eol + 1;
	// ID, parent ID, major:minor, root, mount point, mount options.
	for (size_t i = 0; i < 6; i++)
		if (!mi_next_field(&q, eol, &l->f[i]))
			return -EINVAL;
	// Optional fields ("shared:9", "master:1", ...) up to the "-".
	do {
		if (!mi_next_field(&q, eol, &sep))
			return -EINVAL;
	} while (!mi_field_is(&sep, "-"));
	if (!mi_next_field(&q, eol, &l->fstype) || !mi_next_field(&q, eol, &l->source))
		return -EINVAL;
	l->has_super = mi_next_field(&q, eol, &l->super);
	return 1;
}

int cgfiles_parse_mountinfo(const char *buf, size_t len, struct cg_mounts *out)
{
	const char *p = buf, *end = buf + len;
	bool v2_is_root = false, v1_is_root = false, any = false;
	struct mi_line l;
	int rc;

	memset(out, 0, sizeof *out);
	while ((rc = mi_split(&p, end, &l)) != 0) {
		if (rc < 0 || !l.has_super)
			return -EINVAL;
		any = true;
		if (mi_field_is(&l.fstype, "cgroup2"))
			mi_offer(out->v2, sizeof out->v2, &v2_is_root, &l.f[3], &l.f[4]);
		else if (mi_field_is(&l.fstype, "cgroup") && mi_options_have(&l.super, "memory"))
			mi_offer(out->v1_memory, sizeof out->v1_memory, &v1_is_root, &l.f[3], &l.f[4]);
	}
	return any ? 0 : -EINVAL;
}

int cgfiles_mountinfo_next(const char **p, const char *end, struct cgfiles_mount *m)
{
	const char *q, *dev_end;
	struct mi_line l;
	uint64_t major, minor;
	int rc = mi_split(p, end, &l);

	if (rc <= 0)
		return rc;
	// major:minor
	dev_end = l.f[2].s + l.f[2].len;
	q = scan_u64(l.f[2].s, dev_end, &major);
	if (!q || q >= dev_end || *q != ':' || scan_u64(q + 1, dev_end, &minor) != dev_end ||
	    major > UINT32_MAX || minor > UINT32_MAX)
		return -EINVAL;
	m->major = (uint32_t)major;
	m->minor = (uint32_t)minor;
	m->path_fits = mi_unescape(&l.f[4], m->path, sizeof m->path);
	if (!m->path_fits)
		m->path[0] = '\0';
	// A type that does not fit, or holds a NUL, is none memtop knows.
	if (l.fstype.len < sizeof m->fstype && !memchr(l.fstype.s, '\0', l.fstype.len))
		snprintf(m->fstype, sizeof m->fstype, "%.*s", (int)l.fstype.len, l.fstype.s);
	else
		m->fstype[0] = '\0';
	return 1;
}

// True when the segment [p, e) of a path is "", "." or "..".
static bool segment_is_dots(const char *p, const char *e)
{
	return e == p || (e - p == 1 && p[0] == '.') || (e - p == 2 && p[0] == '.' && p[1] == '.');
}

int cgfiles_check_path(const char *path)
{
	const char *p;

	if (path[0] != '/')
		return -EINVAL;
	if (path[1] == '\0')
		return 0;                        // the root
	for (p = path + 1; *p; p++)
		if (*p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return -EINVAL;
	for (p = path + 1;;) {
		const char *slash = strchr(p, '/'), *e = slash ? slash : p + strlen(p);

		if (segment_is_dots(p, e))
			return -EINVAL;
		if (!slash)
			return 0;
		p = slash + 1;
	}
}

bool cgfiles_controllers_have(const char *buf, size_t len, const char *name)
{
	const char *p = buf, *end = buf + len;
	size_t n;

	assert(name != NULL);
	n = strlen(name);
	if (n == 0)
		return false;
	while (p < end) {
		const char *w;

		while (p < end && (*p == ' ' || *p == '\n'))
			p++;
		w = p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		if ((size_t)(p - w) == n && memcmp(w, name, n) == 0)
			return true;
	}
	return false;
}
