/* memparts.c — the pure parsers of the memory breakdown: tmpfs mounts of
 * mountinfo, /proc/sysvipc/shm and /proc/slabinfo (proc/memparts.h). */
#include "proc/memparts.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "proc/cgfiles.h"
#include "util/scan.h"
#include "util/text.h"

/* ---- keeping the largest ------------------------------------------------- */

// Inserts item (elsize bytes, its key) into arr, kept sorted by key,
// largest first, at most cap long; keys[] holds the kept items' keys.
static void keep_largest(void *arr, uint64_t *keys, size_t elsize, size_t cap, size_t *n, const void *item,
			 uint64_t key)
{
	char *a = arr;
	size_t at = *n;

	if (cap == 0)
		return;
	while (at > 0 && keys[at - 1] < key)
		at--;
	if (at >= cap)
		return;
	if (*n == cap)
		(*n)--;        // the smallest falls out
	memmove(a + (at + 1) * elsize, a + at * elsize, (*n - at) * elsize);
	memmove(keys + at + 1, keys + at, (*n - at) * sizeof *keys);
	memcpy(a + at * elsize, item, elsize);
	keys[at] = key;
	(*n)++;
}

void memparts_keep_tmpfs(struct tmpfs_part *out, size_t cap, size_t *n, const struct tmpfs_part *p)
{
	size_t at = *n;

	if (cap == 0)
		return;
	while (at > 0 && out[at - 1].used_kb < p->used_kb)
		at--;
	if (at >= cap)
		return;
	if (*n == cap)
		(*n)--;
	memmove(out + at + 1, out + at, (*n - at) * sizeof *out);
	out[at] = *p;
	(*n)++;
}

/* ---- lines and fields ---------------------------------------------------- */

// The next whitespace-separated field of [*p, eol): its start and length;
// false at the end of the line.
static bool next_field(const char **p, const char *eol, const char **s, size_t *len)
{
	const char *q = *p, *e;

	while (q < eol && (*q == ' ' || *q == '\t'))
		q++;
	if (q == eol)
		return false;
	e = q;
	while (e < eol && *e != ' ' && *e != '\t')
		e++;
	*s = q;
	*len = (size_t)(e - q);
	*p = e;
	return true;
}

// A whole field as an unsigned decimal.
static bool field_u64(const char *s, size_t len, uint64_t *v)
{
	return len > 0 && scan_u64(s, s + len, v) == s + len;
}

// A whole field as a signed decimal.
static bool field_i64(const char *s, size_t len, int64_t *v)
{
	bool neg = len > 0 && s[0] == '-';
	uint64_t u;

	if (!field_u64(s + neg, len - neg, &u) || u > (uint64_t)INT64_MAX)
		return false;
	*v = neg ? -(int64_t)u : (int64_t)u;
	return true;
}

/* ---- tmpfs mounts -------------------------------------------------------- */

int memparts_parse_tmpfs_mounts(const char *buf, size_t len, struct tmpfs_mount *out, size_t cap, size_t *n,
				size_t *seen)
{
	const char *p = buf, *end = buf + len;
	struct cgfiles_mount m;
	int rc;

	*n = 0;
	*seen = 0;
	while ((rc = cgfiles_mountinfo_next(&p, end, &m)) > 0) {
		bool dup = false;

		if (strcmp(m.fstype, "tmpfs") != 0 || !m.path_fits)
			continue;
		for (size_t i = 0; i < *n && !dup; i++)
			dup = out[i].major == m.major && out[i].minor == m.minor;
		if (dup)
			continue;
		(*seen)++;
		if (*n < cap) {
			memcpy(out[*n].path, m.path, sizeof out[*n].path);
			out[*n].major = m.major;
			out[*n].minor = m.minor;
			(*n)++;
		}
	}
	return rc;
}

/* ---- SysV shared memory -------------------------------------------------- */

enum shm_col { SC_KEY, SC_SHMID, SC_SIZE, SC_CPID, SC_LPID, SC_NATTCH, SC_RSS, SC_SWAP, SC_COUNT };
static const char *const shm_col_names[SC_COUNT] = {
	"key", "shmid", "size", "cpid", "lpid", "nattch", "rss", "swap",
};
#define SHM_FIELDS_MAX 32

// Finds the header's columns: col[c] is column c's position, or -1.
static int shm_header(const char *p, const char *eol, int col[SC_COUNT])
{
	const char *s;
	size_t flen;
	int i = 0;

	for (int c = 0; c < SC_COUNT; c++)
		col[c] = -1;
	for (; next_field(&p, eol, &s, &flen) && i < SHM_FIELDS_MAX; i++)
		for (int c = 0; c < SC_COUNT; c++)
			if (strlen(shm_col_names[c]) == flen && memcmp(shm_col_names[c], s, flen) == 0)
				col[c] = i;
	for (int c = 0; c <= SC_NATTCH; c++)
		if (col[c] < 0)
			return -EINVAL;
	return 0;
}

// Parses one segment's line by the header's columns.
static int shm_line(const char *p, const char *eol, const int col[SC_COUNT], struct shm_part *out)
{
	uint64_t v[SC_COUNT] = { 0 };
	int64_t key = 0, shmid = 0;
	const char *s;
	size_t flen;

	memset(out, 0, sizeof *out);
	for (int i = 0; i < SHM_FIELDS_MAX && next_field(&p, eol, &s, &flen); i++)
		for (int c = 0; c < SC_COUNT; c++) {
			if (col[c] != i)
				continue;
			if (c == SC_KEY ? !field_i64(s, flen, &key) :
			    c == SC_SHMID ? !field_i64(s, flen, &shmid) : !field_u64(s, flen, &v[c]))
				return -EINVAL;
		}
	out->key = key;
	out->shmid = shmid;
	out->size_kb = v[SC_SIZE] / 1024;
	out->cpid = (int)(v[SC_CPID] & INT32_MAX);
	out->lpid = (int)(v[SC_LPID] & INT32_MAX);
	out->nattch = v[SC_NATTCH];
	out->have_rss = col[SC_RSS] >= 0;
	out->rss_kb = v[SC_RSS] / 1024;
	out->swap_kb = v[SC_SWAP] / 1024;
	return 0;
}

int memparts_parse_sysvipc_shm(const char *buf, size_t len, struct shm_part *out, size_t cap, size_t *n,
			       size_t *seen, uint64_t *rss_sum_kb)
{
	const char *p = buf, *end = buf + len;
	uint64_t keys[MEMPARTS_SHM_MAX];
	int col[SC_COUNT];
	bool header = false;

	*n = 0;
	*seen = 0;
	*rss_sum_kb = 0;
	if (cap > MEMPARTS_SHM_MAX)
		cap = MEMPARTS_SHM_MAX;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *line = p;
		struct shm_part sp;
		uint64_t kb;

		if (!eol)
			break;
		p = eol + 1;
		if (!header) {
			if (shm_header(line, eol, col) < 0)
				return -EINVAL;
			header = true;
			continue;
		}
		if (shm_line(line, eol, col, &sp) < 0)
			return -EINVAL;
		kb = sp.have_rss ? sp.rss_kb : sp.size_kb;
		(*seen)++;
		*rss_sum_kb += kb;
		keep_largest(out, keys, sizeof *out, cap, n, &sp, kb);
	}
	return header ? 0 : -EINVAL;
}

/* ---- slabinfo ------------------------------------------------------------ */

// Parses one cache's line: name, active_objs, num_objs, objsize,
// objperslab, pagesperslab, then ": tunables a b c : slabdata
// active_slabs num_slabs sharedavail".
static int slab_line(const char *p, const char *eol, uint64_t page_kb, struct slab_part *out)
{
	uint64_t v[5], slabdata[3];
	const char *s;
	size_t flen;

	memset(out, 0, sizeof *out);
	if (!next_field(&p, eol, &s, &flen))
		return -EINVAL;
	text_sanitize(s, flen, out->name, sizeof out->name);
	for (int i = 0; i < 5; i++)
		if (!next_field(&p, eol, &s, &flen) || !field_u64(s, flen, &v[i]))
			return -EINVAL;
	// Up to "slabdata", then its three numbers.
	while (next_field(&p, eol, &s, &flen))
		if (flen == 8 && memcmp(s, "slabdata", 8) == 0)
			break;
	for (int i = 0; i < 3; i++)
		if (!next_field(&p, eol, &s, &flen) || !field_u64(s, flen, &slabdata[i]))
			return -EINVAL;
	out->active_objs = v[0];
	out->num_objs = v[1];
	out->objsize = v[2];
	out->pages_per_slab = v[4];
	out->num_slabs = slabdata[1];
	// Saturating: a hostile text must not wrap around to a small size.
	if (out->pages_per_slab && out->num_slabs > UINT64_MAX / out->pages_per_slab / (page_kb ? page_kb : 1))
		out->kb = UINT64_MAX;
	else
		out->kb = out->num_slabs * out->pages_per_slab * page_kb;
	return 0;
}

int memparts_parse_slabinfo(const char *buf, size_t len, uint64_t page_kb, struct slab_part *out, size_t cap,
			    size_t *n, size_t *seen)
{
	static const char version[] = "slabinfo - version: 2.1\n";
	const char *p = buf, *end = buf + len;
	uint64_t keys[MEMPARTS_SLAB_MAX];

	*n = 0;
	*seen = 0;
	if (cap > MEMPARTS_SLAB_MAX)
		cap = MEMPARTS_SLAB_MAX;
	if (len < sizeof version - 1 || memcmp(buf, version, sizeof version - 1) != 0)
		return -EINVAL;
	p += sizeof version - 1;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *line = p;
		struct slab_part sp;

		if (!eol)
			break;
		p = eol + 1;
		if (*line == '#')
			continue;
		if (slab_line(line, eol, page_kb, &sp) < 0)
			return -EINVAL;
		(*seen)++;
		keep_largest(out, keys, sizeof *out, cap, n, &sp, sp.kb);
	}
	return 0;
}
