/* fuzz_smaps.c — smaps_parse (/proc/PID/smaps and smaps_rollup) on arbitrary
 * bytes, the same text streamed in pieces (as the detail view reads it), and
 * the mapping table (maptable.c) built from what it parsed. */
#include <errno.h>

#include "fuzz.h"
#include "model/maptable.h"
#include "proc/smaps.h"

// Every mapping is well formed and its name is a NUL-terminated run of the
// input's bytes inside s->names.
static void check_maps(const struct smaps *s, const char *buf, size_t len)
{
	FUZZ_CHECK(s->n <= s->cap || (s->n == 0 && s->cap == 0));
	for (size_t i = 0; i < s->n; i++) {
		const struct smaps_map *m = &s->maps[i];

		FUZZ_CHECK(m->start <= m->end);
		FUZZ_CHECK(strlen(m->perms) == 4);
		FUZZ_CHECK(m->name_off + m->name_len < s->names_len);
		FUZZ_CHECK(s->names[m->name_off + m->name_len] == '\0');
		FUZZ_CHECK(m->name_len == 0 ||
			   memmem(buf, len, smaps_name(s, m), m->name_len) != NULL);
	}
}

// Whether two parses hold the same mappings (padding aside).
static bool smaps_same(const struct smaps *a, const struct smaps *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct smaps_map *x = &a->maps[i], *y = &b->maps[i];

		if (x->start != y->start || x->end != y->end || strcmp(x->perms, y->perms) != 0 ||
		    x->offset != y->offset || x->inode != y->inode || x->name_len != y->name_len ||
		    memcmp(smaps_name(a, x), smaps_name(b, y), x->name_len) != 0 ||
		    x->size_kb != y->size_kb || x->rss_kb != y->rss_kb || x->pss_kb != y->pss_kb ||
		    x->shared_clean_kb != y->shared_clean_kb ||
		    x->shared_dirty_kb != y->shared_dirty_kb ||
		    x->private_clean_kb != y->private_clean_kb ||
		    x->private_dirty_kb != y->private_dirty_kb ||
		    x->anonymous_kb != y->anonymous_kb || x->swap_kb != y->swap_kb ||
		    x->swap_pss_kb != y->swap_pss_kb)
			return false;
	}
	return true;
}

// Whether mapping i of a and mapping j of b are the same.
static bool map_same(const struct smaps *a, size_t i, const struct smaps *b, size_t j)
{
	struct smaps one_a = *a, one_b = *b;

	one_a.maps = &a->maps[i];
	one_a.n = 1;
	one_b.maps = &b->maps[j];
	one_b.n = 1;
	return smaps_same(&one_a, &one_b);
}

// Streams buf in pieces of piece bytes (after what each feed left unparsed),
// draining after each feed as the detail view does: the same mappings, in
// the same order, and the same result as the whole parse.
static void fuzz_stream(const char *buf, size_t len, size_t piece, const struct smaps *whole, int rc)
{
	struct smaps out = { 0 };
	struct smaps_stream st;
	char *copy = malloc(len + 1);
	size_t have = 0, pos = 0, used, seen = 0;
	int got;

	FUZZ_CHECK(copy != NULL);
	smaps_stream_begin(&st, &out);
	for (;;) {
		size_t n = len - pos < piece ? len - pos : piece;

		memcpy(copy + have, buf + pos, n);
		have += n;
		pos += n;
		got = smaps_stream_feed(&st, copy, have, n == 0, &out, &used);
		FUZZ_CHECK(used <= have);
		for (size_t i = 0; i < out.n; i++)
			FUZZ_CHECK(seen < whole->n && map_same(&out, i, whole, seen++));
		smaps_stream_drain(&st, &out);
		if (got < 0 || n == 0)
			break;
		memmove(copy, copy + used, have - used);
		have -= used;
	}
	FUZZ_CHECK(got == rc && seen == whole->n);
	smaps_free(&out);
	free(copy);
}

// The table's rows: sanitised names, a valid "grew most" row, no lost mapping.
static void check_table(const struct maptable *t, size_t nmaps)
{
	unsigned counted = 0;

	FUZZ_CHECK(t->nmaps == nmaps);
	FUZZ_CHECK(t->grew_most == SIZE_MAX || t->grew_most < t->n);
	for (size_t i = 0; i < t->n; i++) {
		const char *name = maptable_name(t, &t->rows[i]);

		for (const char *c = name; *c; c++)
			FUZZ_CHECK((unsigned char)*c >= 0x20 && *c != 0x7f);
		FUZZ_CHECK(fuzz_utf8_walk(name, strlen(name), NULL, NULL));
		counted += t->rows[i].count;
	}
	FUZZ_CHECK(counted == nmaps);
}

// Opens a table on base, updates it from now in every grouping and order.
static void fuzz_table(const struct smaps *base, const struct smaps *now)
{
	struct maptable t = { 0 };

	FUZZ_CHECK(maptable_open(&t, base) == 0);
	for (int grouped = 0; grouped <= 1; grouped++) {
		t.grouped = grouped;
		for (int sort = MAPSORT_RSS; sort <= MAPSORT_ADDR; sort++) {
			t.sort = (enum map_sort)sort;
			FUZZ_CHECK(maptable_update(&t, now) == 0);
			check_table(&t, now->n);
		}
	}
	maptable_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	struct smaps fresh = { 0 }, reused = { 0 };
	int rc = smaps_parse(buf, size, &fresh), rc2;

	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	check_maps(&fresh, buf, size);
	// The contract: a parse replaces what a struct held, reusing its memory.
	// Parse the first half into it first, so stale mappings and names are there.
	(void)smaps_parse(buf, size / 2, &reused);
	check_maps(&reused, buf, size / 2);
	rc2 = smaps_parse(buf, size, &reused);
	FUZZ_CHECK(rc2 == rc && smaps_same(&fresh, &reused));
	// Streamed in pieces of a size the input picks, and byte by byte.
	fuzz_stream(buf, size, size ? 1 + (unsigned char)buf[0] % 97 : 1, &fresh, rc);
	if (size <= 1024)
		fuzz_stream(buf, size, 1, &fresh, rc);
	// The view's table, with the half parse as its baseline for the deltas.
	(void)smaps_parse(buf, size / 2, &reused);
	fuzz_table(&reused, &fresh);
	smaps_free(&fresh);
	smaps_free(&reused);
	free(buf);
	return 0;
}
