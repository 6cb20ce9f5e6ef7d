/* smaps.c — /proc/PID/smaps and smaps_rollup parser; pure code.
 *
 * The text is a header line per mapping ("start-end perms offset dev inode
 * [name]") followed by "Key: value" lines. A line is a header when it starts
 * with hex digits and a '-'; anything else must be "Key:" with a key of
 * letters, digits and '_'. Keys the struct has no room for are skipped
 * unread, so new kernel fields cost nothing.
 *
 * When a mapping counts as complete (an incomplete last one is dropped):
 *   - its "Locked:" or "VmFlags:" line was read up to its '\n'. Locked is the
 *     last line of smaps_rollup (Linux 4.14 on) and follows every field
 *     struct smaps_map stores; VmFlags is the last line of each mapping in
 *     smaps (Linux 3.8 on); or
 *   - the next header line was read up to its '\n'.
 * A line without its '\n' is ignored: the buffer may have been cut inside it.
 * Fed in pieces (smaps_stream_feed), such a line waits for the next piece, so
 * a line is judged only whole or at the text's end: any cut finds the same.
 * A malformed line ends the parse with -EINVAL as the end of the buffer would,
 * keeping the mappings complete by then. A header with no field line before
 * the next header is not smaps (it is /proc/PID/maps) and gives -EINVAL too.
 */
#include "proc/smaps.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "proc/mapsline.h"
#include "util/scan.h"

// What a field line's value means to the parser.
enum smaps_key_kind {
	SMAPS_KEY_KB,       // "N kB", stored at off
	SMAPS_KEY_LAST_KB,  // "N kB", not stored, completes the mapping (Locked)
	SMAPS_KEY_LAST,     // anything, completes the mapping (VmFlags)
};

struct smaps_key {
	const char *name;
	unsigned char len;
	unsigned char kind;
	unsigned short off;  // offsetof(struct smaps_map, …) for SMAPS_KEY_KB
};

#define SMAPS_KB(key, member) \
	{ key, sizeof key - 1, SMAPS_KEY_KB, offsetof(struct smaps_map, member) }
#define SMAPS_LAST(key, kind) { key, sizeof key - 1, kind, 0 }

// In the order the kernel prints them.
static const struct smaps_key smaps_keys[] = {
	SMAPS_KB("Size", size_kb),
	SMAPS_KB("Rss", rss_kb),
	SMAPS_KB("Pss", pss_kb),
	SMAPS_KB("Shared_Clean", shared_clean_kb),
	SMAPS_KB("Shared_Dirty", shared_dirty_kb),
	SMAPS_KB("Private_Clean", private_clean_kb),
	SMAPS_KB("Private_Dirty", private_dirty_kb),
	SMAPS_KB("Anonymous", anonymous_kb),
	SMAPS_KB("Swap", swap_kb),
	SMAPS_KB("SwapPss", swap_pss_kb),
	SMAPS_LAST("Locked", SMAPS_KEY_LAST_KB),
	SMAPS_LAST("VmFlags", SMAPS_KEY_LAST),
};

enum {
	SMAPS_C_KEY = 1,   // a byte a key may hold
	SMAPS_C_HEX = 2,   // a hex digit
};

#define KY SMAPS_C_KEY
#define HX (SMAPS_C_KEY | SMAPS_C_HEX)

// Character classes by byte, spelt out (C11 has no ranges in initialisers).
static const unsigned char smaps_class[256] = {
	['0'] = HX, ['1'] = HX, ['2'] = HX, ['3'] = HX, ['4'] = HX, ['5'] = HX, ['6'] = HX, ['7'] = HX,
	['8'] = HX, ['9'] = HX, ['A'] = HX, ['B'] = HX, ['C'] = HX, ['D'] = HX, ['E'] = HX, ['F'] = HX,
	['a'] = HX, ['b'] = HX, ['c'] = HX, ['d'] = HX, ['e'] = HX, ['f'] = HX, ['G'] = KY, ['H'] = KY,
	['I'] = KY, ['J'] = KY, ['K'] = KY, ['L'] = KY, ['M'] = KY, ['N'] = KY, ['O'] = KY, ['P'] = KY,
	['Q'] = KY, ['R'] = KY, ['S'] = KY, ['T'] = KY, ['U'] = KY, ['V'] = KY, ['W'] = KY, ['X'] = KY,
	['Y'] = KY, ['Z'] = KY, ['g'] = KY, ['h'] = KY, ['i'] = KY, ['j'] = KY, ['k'] = KY, ['l'] = KY,
	['m'] = KY, ['n'] = KY, ['o'] = KY, ['p'] = KY, ['q'] = KY, ['r'] = KY, ['s'] = KY, ['t'] = KY,
	['u'] = KY, ['v'] = KY, ['w'] = KY, ['x'] = KY, ['y'] = KY, ['z'] = KY, ['_'] = KY,
};

#undef KY
#undef HX

static bool smaps_is_hex(char c)
{
	return smaps_class[(unsigned char)c] & SMAPS_C_HEX;
}

static bool smaps_is_key_char(char c)
{
	return smaps_class[(unsigned char)c] & SMAPS_C_KEY;
}

// The key index slot where a search for the key [k, k + len) starts.
static unsigned smaps_key_hash(const char *k, size_t len)
{
	return ((unsigned)len * 7u + (unsigned char)k[0] + 3u * (unsigned char)k[len - 1]) &
	       (SMAPS_STREAM_SLOTS - 1);
}

// Fills st->slot from smaps_keys.
static void smaps_index_keys(struct smaps_stream *st)
{
	for (size_t i = 0; i < sizeof smaps_keys / sizeof smaps_keys[0]; i++) {
		unsigned h = smaps_key_hash(smaps_keys[i].name, smaps_keys[i].len);

		while (st->slot[h])
			h = (h + 1) & (SMAPS_STREAM_SLOTS - 1);
		st->slot[h] = (unsigned char)(i + 1);
	}
}

// True when [p, e) is all hex digits.
static bool smaps_all_hex(const char *p, const char *e)
{
	for (; p < e; p++)
		if (!smaps_is_hex(*p))
			return false;
	return true;
}

// Parses a header line [p, eol) (proc/mapsline.h) into *m; returns the start
// of the name (eol when there is none) or NULL.
static const char *smaps_parse_header(const char *p, const char *eol, struct smaps_map *m)
{
	struct mapsline ml;

	if (!mapsline_parse(p, eol, &ml))
		return NULL;
	m->start = ml.start;
	m->end = ml.end;
	memcpy(m->perms, ml.perms, sizeof m->perms);
	m->offset = ml.offset;
	m->inode = ml.inode;
	return ml.path;
}

// The table entry for the key [k, k + len), or NULL for a key not stored.
static const struct smaps_key *smaps_key_find(const struct smaps_stream *st, const char *k,
					      size_t len)
{
	for (unsigned h = smaps_key_hash(k, len); st->slot[h]; h = (h + 1) & (SMAPS_STREAM_SLOTS - 1)) {
		const struct smaps_key *key = &smaps_keys[st->slot[h] - 1];

		if (key->len == len && key->name[0] == k[0] && memcmp(key->name, k, len) == 0)
			return key;
	}
	return NULL;
}

// Skips the padding after a key: eight spaces at a time, then the rest.
static const char *smaps_skip_pad(const char *p, const char *end)
{
	while (end - p >= 8 && memcmp(p, "        ", 8) == 0)
		p += 8;
	return scan_skip_spaces(p, end);
}

// Makes room for one more mapping after the first s->n; 0 or -ENOMEM.
static int smaps_grow_maps(struct smaps *s)
{
	struct smaps_map *p;
	size_t cap;

	if (s->n < s->cap)
		return 0;
	cap = s->cap ? s->cap * 2 : 64;
	if (cap < s->cap || cap > SIZE_MAX / sizeof *p)
		return -ENOMEM;
	p = realloc(s->maps, cap * sizeof *p);
	if (!p)
		return -ENOMEM;
	s->maps = p;
	s->cap = cap;
	return 0;
}

// Appends [name, name + len) and a NUL to s->names; *off gets where it
// starts. Returns 0 or -ENOMEM.
static int smaps_add_name(struct smaps *s, const char *name, size_t len, size_t *off)
{
	size_t need = s->names_len + len + 1;

	if (need < len)
		return -ENOMEM;
	if (need > s->names_cap) {
		size_t cap = s->names_cap * 2 > need ? s->names_cap * 2 : need;
		char *p;

		if (cap < 4096)
			cap = 4096;
		p = realloc(s->names, cap);
		if (!p)
			return -ENOMEM;
		s->names = p;
		s->names_cap = cap;
	}
	*off = s->names_len;
	if (len > 0)
		memcpy(s->names + s->names_len, name, len);
	s->names[s->names_len + len] = '\0';
	s->names_len = need;
	return 0;
}

// Handles a header line: counts the open mapping and opens a new one.
// Returns 0, -EINVAL or -ENOMEM.
static int smaps_header(struct smaps *s, struct smaps_stream *st, const char *p,
			const char *eol)
{
	struct smaps_map m;
	const char *name;
	int rc;

	memset(&m, 0, sizeof m);
	name = smaps_parse_header(p, eol, &m);
	if (!name)
		return -EINVAL;
	if (st->open) {
		if (!st->fields)
			return -EINVAL;
		s->n++;
		st->open = false;
	}
	rc = smaps_grow_maps(s);
	if (rc == 0)
		rc = smaps_add_name(s, name, (size_t)(eol - name), &m.name_off);
	if (rc < 0)
		return rc;
	m.name_len = (size_t)(eol - name);
	s->maps[s->n] = m;
	st->open = true;
	st->fields = false;
	st->last = false;
	return 0;
}

// Handles the field line whose key is [k, colon) and whose text runs on to
// at most end. Returns 0 with *next after its '\n' (NULL when the line has
// none: it was cut) or -EINVAL.
static int smaps_field(struct smaps *s, struct smaps_stream *st, const char *k,
		       const char *colon, const char *end, const char **next)
{
	const struct smaps_key *key = smaps_key_find(st, k, (size_t)(colon - k));
	const char *p;
	uint64_t v;

	if (!key || key->kind == SMAPS_KEY_LAST) {
		const char *nl = memchr(colon, '\n', (size_t)(end - colon));

		if (nl) {
			st->fields = true;
			if (key)
				st->last = true;
			*next = nl + 1;
		}
		return 0;
	}
	// "Key:   N kB\n", read in place: a line is 28 bytes, a separate
	// search for its end would cost as much as parsing it.
	p = scan_u64(smaps_skip_pad(colon + 1, end), end, &v);
	if (!p)
		return -EINVAL;
	if (end - p >= 4 && memcmp(p, " kB\n", 4) == 0) {
		p += 3;                        // the kernel's spelling
	} else {
		p = scan_skip_spaces(p, end);
		if (end - p < 2 || p[0] != 'k' || p[1] != 'B')
			return -EINVAL;
		p = scan_skip_spaces(p + 2, end);
		if (p == end || *p != '\n')
			return -EINVAL;
	}
	st->fields = true;
	if (key->kind == SMAPS_KEY_LAST_KB)
		st->last = true;
	else
		*(uint64_t *)(void *)((char *)&s->maps[s->n] + key->off) = v;
	*next = p + 1;
	return 0;
}

// Handles the line at p, whose text runs on to at most end. Returns 0 with
// *next at the following line (NULL when this one has no '\n'), -EINVAL or
// -ENOMEM.
static int smaps_line(struct smaps *s, struct smaps_stream *st, const char *p,
		      const char *end, const char **next)
{
	const char *q = p, *nl;
	int rc;

	*next = NULL;
	while (q < end && smaps_is_key_char(*q))
		q++;
	if (q == end)
		return 0;
	if (q > p && *q == ':') {
		if (!st->open)
			return -EINVAL;
		return smaps_field(s, st, p, q, end, next);
	}
	if (q == p || *q != '-' || !smaps_all_hex(p, q))
		return -EINVAL;
	nl = memchr(q, '\n', (size_t)(end - q));
	if (!nl)
		return 0;
	rc = smaps_header(s, st, p, nl);
	if (rc == 0)
		*next = nl + 1;
	return rc;
}

void smaps_stream_begin(struct smaps_stream *st, struct smaps *out)
{
	memset(st, 0, sizeof *st);
	smaps_index_keys(st);
	out->n = 0;
	out->names_len = 0;
}

int smaps_stream_feed(struct smaps_stream *st, const char *buf, size_t len, bool at_end,
		      struct smaps *out, size_t *used)
{
	const char *p = buf, *end = buf + len, *next;
	int rc = 0;

	while (p < end) {
		rc = smaps_line(out, st, p, end, &next);
		// A bad line that the buffer's end cut short may only be cut.
		if (rc == -EINVAL && !memchr(p, '\n', (size_t)(end - p)))
			rc = 0;
		if (rc < 0 || !next)
			break;
		p = next;
	}
	*used = (size_t)(p - buf);
	if (!at_end && rc == 0)
		return 0;
	if (st->open && st->last)
		out->n++;
	else if (st->open)                     // drop it, and its name
		out->names_len = out->maps[out->n].name_off;
	st->open = false;
	return rc;
}

void smaps_stream_drain(const struct smaps_stream *st, struct smaps *out)
{
	if (st->open) {
		struct smaps_map m = out->maps[out->n];

		memmove(out->names, out->names + m.name_off, m.name_len + 1);
		m.name_off = 0;
		out->maps[0] = m;
		out->names_len = m.name_len + 1;
	} else {
		out->names_len = 0;
	}
	out->n = 0;
}

int smaps_parse(const char *buf, size_t len, struct smaps *out)
{
	struct smaps_stream st;
	size_t used;

	smaps_stream_begin(&st, out);
	return smaps_stream_feed(&st, buf, len, true, out, &used);
}

void smaps_free(struct smaps *s)
{
	free(s->maps);
	free(s->names);
	memset(s, 0, sizeof *s);
}

void smaps_total(const struct smaps *s, struct smaps_map *total)
{
	memset(total, 0, sizeof *total);
	for (size_t i = 0; i < s->n; i++) {
		const struct smaps_map *m = &s->maps[i];

		total->size_kb += m->size_kb;
		total->rss_kb += m->rss_kb;
		total->pss_kb += m->pss_kb;
		total->shared_clean_kb += m->shared_clean_kb;
		total->shared_dirty_kb += m->shared_dirty_kb;
		total->private_clean_kb += m->private_clean_kb;
		total->private_dirty_kb += m->private_dirty_kb;
		total->anonymous_kb += m->anonymous_kb;
		total->swap_kb += m->swap_kb;
		total->swap_pss_kb += m->swap_pss_kb;
	}
}
