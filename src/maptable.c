/* maptable.c — rows, groups, deltas and order of a process's mappings. */
#include "maptable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

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

int maptable_open(struct maptable *t, const struct smaps *s)
{
	if (grow((void **)&t->base, &t->base_cap, s->n, sizeof *t->base) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		t->base[i] = (struct map_base){ s->maps[i].start, s->maps[i].rss_kb };
	t->nbase = s->n;
	if (t->nbase > 1)
		qsort(t->base, t->nbase, sizeof *t->base, cmp_base);
	return 0;
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
static int64_t delta_of(const struct maptable *t, const struct smaps_map *m)
{
	struct map_base key = { m->start, 0 };
	const struct map_base *b = t->nbase ? bsearch(&key, t->base, t->nbase, sizeof key, cmp_base) : NULL;

	return delta_sat(m->rss_kb, b ? b->rss_kb : 0);
}

// Appends a sanitised display name; returns its offset or (size_t)-1.
static size_t add_name(struct maptable *t, const char *raw, size_t len)
{
	size_t need = len * 4 + 16, off = t->names_len, n;

	if (grow((void **)&t->names, &t->names_cap, t->names_len + need, 1) < 0)
		return (size_t)-1;
	if (len == 0) {
		memcpy(t->names + off, "[anon]", 7);
		n = 6;
	} else {
		n = text_sanitize(raw, len, t->names + off, need);
	}
	t->names_len += n + 1;
	return off;
}

static void row_add(struct maprow *r, const struct smaps_map *m, int64_t delta)
{
	r->count++;
	r->size_kb += m->size_kb;
	r->rss_kb += m->rss_kb;
	r->pss_kb += m->pss_kb;
	r->private_dirty_kb += m->private_dirty_kb;
	r->anonymous_kb += m->anonymous_kb;
	r->swap_kb += m->swap_kb;
	r->delta_rss_kb = add_sat(r->delta_rss_kb, delta);
}

static int cmp_row_names(const void *a, const void *b, void *ctx)
{
	const struct maprow *x = a, *y = b;
	const char *names = ctx;
	int c = strcmp(names + x->name_off, names + y->name_off);

	return c ? c : (x->start > y->start) - (x->start < y->start);
}

// Merges rows of the same name into one (after sorting them by name), so a
// file's mappings, or all unnamed anonymous regions, become one row.
static void group_rows(struct maptable *t)
{
	size_t out = 0;

	if (t->n > 1)
		qsort_r(t->rows, t->n, sizeof *t->rows, cmp_row_names, t->names);
	for (size_t i = 0; i < t->n; i++) {
		struct maprow *r = &t->rows[i];

		if (out > 0 && strcmp(t->names + t->rows[out - 1].name_off, t->names + r->name_off) == 0) {
			struct maprow *g = &t->rows[out - 1];

			g->count += r->count;
			g->size_kb += r->size_kb;
			g->rss_kb += r->rss_kb;
			g->pss_kb += r->pss_kb;
			g->private_dirty_kb += r->private_dirty_kb;
			g->anonymous_kb += r->anonymous_kb;
			g->swap_kb += r->swap_kb;
			g->delta_rss_kb = add_sat(g->delta_rss_kb, r->delta_rss_kb);
		} else {
			t->rows[out++] = *r;
		}
	}
	t->n = out;
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

int maptable_update(struct maptable *t, const struct smaps *s)
{
	int64_t best = 0;

	t->n = 0;
	t->names_len = 0;
	t->nmaps = s->n;
	smaps_total(s, &t->total);
	if (grow((void **)&t->rows, &t->cap, s->n, sizeof *t->rows) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		const struct smaps_map *m = &s->maps[i];
		size_t off = add_name(t, smaps_name(s, m), m->name_len);
		struct maprow *r = &t->rows[t->n++];

		if (off == (size_t)-1)
			return -ENOMEM;
		*r = (struct maprow){ .name_off = off, .start = m->start, .end = m->end };
		memcpy(r->perms, m->perms, sizeof m->perms);
		row_add(r, m, delta_of(t, m));
	}
	if (t->grouped)
		group_rows(t);
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

void maptable_free(struct maptable *t)
{
	free(t->base);
	free(t->rows);
	free(t->names);
	memset(t, 0, sizeof *t);
}
