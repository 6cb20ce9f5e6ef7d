/* maptable.c — rows, groups, deltas and order of a process's mappings. */
#include "model/maptable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

// Grows an array to hold want elements of size sz; 0 or -ENOMEM.
static int grow(void **v, size_t *cap, size_t want, size_t sz)
{
	size_t c = *cap ? *cap : 64;
	void *p;

	if (want <= *cap)
		return 0;
	while (c < want)
		c *= 2;
	p = realloc(*v, c * sz);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

static int cmp_base(const void *a, const void *b)
{
	const struct map_base *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

// Makes room for a baseline of n mappings; 0 or -ENOMEM.
static int base_reserve(struct maptable *t, size_t n)
{
	t->nbase = 0;
	return grow((void **)&t->base, &t->base_cap, n, sizeof *t->base);
}

// Sorts the baseline by start address, for bsearch.
static void base_sort(struct maptable *t)
{
	if (t->nbase > 1)
		qsort(t->base, t->nbase, sizeof *t->base, cmp_base);
}

int maptable_open(struct maptable *t, const struct smaps *s)
{
	if (base_reserve(t, s->n) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		t->base[t->nbase++] = (struct map_base){ s->maps[i].start, s->maps[i].rss_kb };
	base_sort(t);
	return 0;
}

int maptable_take_base(struct maptable *t)
{
	if (base_reserve(t, t->nmaps) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < t->nmaps; i++) {
		t->base[t->nbase++] = (struct map_base){ t->maps[i].start, t->maps[i].rss_kb };
		t->maps[i].delta_rss_kb = 0;
	}
	base_sort(t);
	return maptable_reorder(t);
}

// now - then as a signed change, clamped to the int64_t range. Sizes are
// raw kernel numbers: an absurd one (2^63 KiB or more) must not overflow.
static int64_t delta_sat(uint64_t now, uint64_t then)
{
	if (now >= then)
		return now - then > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)(now - then);
	// -(then - now); 2^63 is INT64_MIN exactly, more is clamped to it
	return then - now > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)(then - now);
}

// a + b, clamped to the int64_t range.
static int64_t add_sat(int64_t a, int64_t b)
{
	int64_t sum;

	if (__builtin_add_overflow(a, b, &sum))
		return a < 0 ? INT64_MIN : INT64_MAX;
	return sum;
}

// A mapping's RSS change since the baseline; a mapping new since then counts whole.
static int64_t delta_of(const struct maptable *t, uint64_t start, uint64_t rss_kb)
{
	struct map_base key = { start, 0 };
	const struct map_base *b = t->nbase ? bsearch(&key, t->base, t->nbase, sizeof key, cmp_base) : NULL;

	return delta_sat(rss_kb, b ? b->rss_kb : 0);
}

// FNV-1a of a NUL-terminated name.
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

// Makes the name hash twice as large and files every name again; 0 or -ENOMEM.
static int names_rehash(struct maptable *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 64;
	uint32_t *slots = calloc(n, sizeof *slots);

	if (!slots)
		return -ENOMEM;
	for (size_t id = 0; id < t->nnames; id++) {
		size_t h = name_hash(t->names + t->name_off[id]) & (n - 1);

		while (slots[h])
			h = (h + 1) & (n - 1);
		slots[h] = (uint32_t)id + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return 0;
}

// Sanitises a raw name and finds its number in the pool, adding it when it
// is new (an unnamed mapping is "[anon]"). 0 or -ENOMEM.
static int name_intern(struct maptable *t, const char *raw, size_t len, uint32_t *id)
{
	size_t need = len * 4 + 16, off = t->names_len, n, h;
	char *name;

	if (len > SIZE_MAX / 8 || grow((void **)&t->names, &t->names_cap, off + need, 1) < 0 ||
	    off + need > UINT32_MAX)
		return -ENOMEM;
	name = t->names + off;
	if (len == 0) {
		memcpy(name, "[anon]", 7);
		n = 6;
	} else {
		n = text_sanitize(raw, len, name, need);
	}
	if ((t->nnames + 1) * 2 > t->nslots && names_rehash(t) < 0)
		return -ENOMEM;
	for (h = name_hash(name) & (t->nslots - 1); t->slots[h]; h = (h + 1) & (t->nslots - 1))
		if (strcmp(t->names + t->name_off[t->slots[h] - 1], name) == 0) {
			*id = t->slots[h] - 1;
			return 0;            // known: the copy at the end is dropped
		}
	if (grow((void **)&t->name_off, &t->name_cap, t->nnames + 1, sizeof *t->name_off) < 0)
		return -ENOMEM;
	t->name_off[t->nnames] = (uint32_t)off;
	t->slots[h] = (uint32_t)t->nnames + 1;
	*id = (uint32_t)t->nnames++;
	t->names_len += n + 1;
	return 0;
}

// Adds a mapping, or a row of a group, into the group row g.
static void row_merge(struct maprow *g, const struct maprow *r)
{
	if (r->start < g->start) {   // a group shows its first mapping
		g->start = r->start;
		g->end = r->end;
		memcpy(g->perms, r->perms, sizeof g->perms);
	}
	g->count += r->count;
	g->size_kb += r->size_kb;
	g->rss_kb += r->rss_kb;
	g->pss_kb += r->pss_kb;
	g->private_dirty_kb += r->private_dirty_kb;
	g->anonymous_kb += r->anonymous_kb;
	g->swap_kb += r->swap_kb;
	g->delta_rss_kb = add_sat(g->delta_rss_kb, r->delta_rss_kb);
}

// Merges the mappings of each name into one row (groups[i] is name i), so a
// file's mappings, or all unnamed anonymous regions, become one row.
static int group_rows(struct maptable *t)
{
	if (grow((void **)&t->groups, &t->groups_cap, t->nnames, sizeof *t->groups) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < t->nnames; i++)
		t->groups[i].count = 0;
	for (size_t i = 0; i < t->nmaps; i++) {
		const struct maprow *m = &t->maps[i];
		struct maprow *g = &t->groups[m->name];

		if (g->count == 0)
			*g = *m;
		else
			row_merge(g, m);
	}
	t->rows = t->groups;
	t->n = t->nnames;
	return 0;
}

static int cmp_rows(const void *a, const void *b, void *ctx)
{
	const struct maprow *x = a, *y = b;
	enum map_sort sort = *(const enum map_sort *)ctx;
	int c = 0;

	switch (sort) {
	case MAPSORT_RSS: c = (x->rss_kb < y->rss_kb) - (x->rss_kb > y->rss_kb); break;
	case MAPSORT_SIZE: c = (x->size_kb < y->size_kb) - (x->size_kb > y->size_kb); break;
	case MAPSORT_DELTA: c = (x->delta_rss_kb < y->delta_rss_kb) - (x->delta_rss_kb > y->delta_rss_kb); break;
	case MAPSORT_ADDR: break;
	}
	return c ? c : (x->start > y->start) - (x->start < y->start);
}

void maptable_begin(struct maptable *t)
{
	t->adding = false;
}

// Empties the rows and the name pool for a new read.
static void maptable_clear(struct maptable *t)
{
	t->nmaps = t->n = 0;
	t->names_len = t->nnames = 0;
	if (t->nslots)
		memset(t->slots, 0, t->nslots * sizeof *t->slots);
	t->adding = true;
}

int maptable_add(struct maptable *t, const struct smaps *piece)
{
	if (!t->adding)
		maptable_clear(t);
	if (grow((void **)&t->maps, &t->maps_cap, t->nmaps + piece->n, sizeof *t->maps) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < piece->n; i++) {
		const struct smaps_map *m = &piece->maps[i];
		struct maprow *r = &t->maps[t->nmaps];

		*r = (struct maprow){ .start = m->start, .end = m->end, .count = 1, .size_kb = m->size_kb,
				      .rss_kb = m->rss_kb, .pss_kb = m->pss_kb,
				      .private_dirty_kb = m->private_dirty_kb,
				      .anonymous_kb = m->anonymous_kb, .swap_kb = m->swap_kb };
		memcpy(r->perms, m->perms, sizeof r->perms);
		if (name_intern(t, smaps_name(piece, m), m->name_len, &r->name) < 0)
			return -ENOMEM;
		t->nmaps++;
	}
	return 0;
}

int maptable_end(struct maptable *t)
{
	struct smaps_map *sum = &t->total;

	if (!t->adding)              // nothing was added: no mappings
		maptable_clear(t);
	t->adding = false;
	memset(sum, 0, sizeof *sum);
	for (size_t i = 0; i < t->nmaps; i++) {
		struct maprow *r = &t->maps[i];

		r->delta_rss_kb = delta_of(t, r->start, r->rss_kb);
		sum->size_kb += r->size_kb;
		sum->rss_kb += r->rss_kb;
		sum->pss_kb += r->pss_kb;
		sum->private_dirty_kb += r->private_dirty_kb;
		sum->anonymous_kb += r->anonymous_kb;
		sum->swap_kb += r->swap_kb;
	}
	return maptable_reorder(t);
}

int maptable_reorder(struct maptable *t)
{
	int64_t best = 0;

	if (t->grouped) {
		if (group_rows(t) < 0)
			return -ENOMEM;
	} else {
		t->rows = t->maps;
		t->n = t->nmaps;
	}
	if (t->n > 1)                // qsort must not be given a NULL array
		qsort_r(t->rows, t->n, sizeof *t->rows, cmp_rows, &t->sort);
	t->grew_most = (size_t)-1;
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].delta_rss_kb > best) {
			best = t->rows[i].delta_rss_kb;
			t->grew_most = i;
		}
	return 0;
}

int maptable_update(struct maptable *t, const struct smaps *s)
{
	maptable_begin(t);
	if (maptable_add(t, s) < 0)
		return -ENOMEM;
	return maptable_end(t);
}

void maptable_free(struct maptable *t)
{
	free(t->base);
	free(t->maps);
	free(t->groups);
	free(t->names);
	free(t->name_off);
	free(t->slots);
	memset(t, 0, sizeof *t);
}
