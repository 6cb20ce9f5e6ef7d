/* test_maptable.c — the detail view's mapping table from hand-made smaps
 * text: rows, sanitised names, Δ RSS since the view opened (new mappings
 * count whole), grouping by name, the sort keys and the row that grew most. */
#include "fixture.h"

#include "model/maptable.h"

// Three mappings of a file, the heap and two unnamed anonymous regions.
static const char smaps_then[] =
	"55d0c0000000-55d0c0001000 r--p 00000000 08:01 100 /usr/bin/x\n"
	"Size: 4 kB\nRss: 4 kB\nPss: 4 kB\nPrivate_Dirty: 0 kB\nAnonymous: 0 kB\nSwap: 0 kB\nVmFlags: rd\n"
	"55d0c0001000-55d0c0003000 r-xp 00001000 08:01 100 /usr/bin/x\n"
	"Size: 8 kB\nRss: 8 kB\nPss: 8 kB\nPrivate_Dirty: 0 kB\nAnonymous: 0 kB\nSwap: 0 kB\nVmFlags: rd ex\n"
	"55d0c1000000-55d0c1100000 rw-p 00000000 00:00 0 [heap]\n"
	"Size: 1024 kB\nRss: 100 kB\nPss: 100 kB\nPrivate_Dirty: 100 kB\nAnonymous: 100 kB\nSwap: 0 kB\nVmFlags: rd wr\n"
	"7f0000000000-7f0000100000 rw-p 00000000 00:00 0 \n"
	"Size: 1024 kB\nRss: 500 kB\nPss: 500 kB\nPrivate_Dirty: 500 kB\nAnonymous: 500 kB\nSwap: 8 kB\nVmFlags: rd wr\n"
	"7f1000000000-7f1000010000 rw-p 00000000 00:00 0 \n"
	"Size: 64 kB\nRss: 64 kB\nPss: 64 kB\nPrivate_Dirty: 64 kB\nAnonymous: 64 kB\nSwap: 0 kB\nVmFlags: rd wr\n";

// Later: the heap grew by 50 KiB, the first anonymous region by 900 KiB, and
// a new mapping with an escape sequence in its name appeared.
static const char smaps_now[] =
	"55d0c0000000-55d0c0001000 r--p 00000000 08:01 100 /usr/bin/x\n"
	"Size: 4 kB\nRss: 4 kB\nPss: 4 kB\nPrivate_Dirty: 0 kB\nAnonymous: 0 kB\nSwap: 0 kB\nVmFlags: rd\n"
	"55d0c0001000-55d0c0003000 r-xp 00001000 08:01 100 /usr/bin/x\n"
	"Size: 8 kB\nRss: 8 kB\nPss: 8 kB\nPrivate_Dirty: 0 kB\nAnonymous: 0 kB\nSwap: 0 kB\nVmFlags: rd ex\n"
	"55d0c1000000-55d0c1100000 rw-p 00000000 00:00 0 [heap]\n"
	"Size: 1024 kB\nRss: 150 kB\nPss: 150 kB\nPrivate_Dirty: 150 kB\nAnonymous: 150 kB\nSwap: 0 kB\nVmFlags: rd wr\n"
	"7f0000000000-7f0000200000 rw-p 00000000 00:00 0 \n"
	"Size: 2048 kB\nRss: 1400 kB\nPss: 1400 kB\nPrivate_Dirty: 1400 kB\nAnonymous: 1400 kB\nSwap: 8 kB\nVmFlags: rd wr\n"
	"7f1000000000-7f1000010000 rw-p 00000000 00:00 0 \n"
	"Size: 64 kB\nRss: 64 kB\nPss: 64 kB\nPrivate_Dirty: 64 kB\nAnonymous: 64 kB\nSwap: 0 kB\nVmFlags: rd wr\n"
	"7f2000000000-7f2000001000 r--s 00000000 08:01 200 /tmp/\x1b[31mevil\n"
	"Size: 4 kB\nRss: 4 kB\nPss: 2 kB\nPrivate_Dirty: 0 kB\nAnonymous: 0 kB\nSwap: 0 kB\nVmFlags: rd sh\n";

struct fixture {
	struct smaps then, now;
	struct maptable t;
};

static struct fixture *fixture_new(void)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *a = test_bytes(smaps_then, sizeof smaps_then - 1), *b = test_bytes(smaps_now, sizeof smaps_now - 1);

	assert_non_null(f);
	assert_int_equal(smaps_parse(a, sizeof smaps_then - 1, &f->then), 0);
	assert_int_equal(smaps_parse(b, sizeof smaps_now - 1, &f->now), 0);
	assert_int_equal(f->then.n, 5);
	assert_int_equal(f->now.n, 6);
	free(a);
	free(b);
	assert_int_equal(maptable_open(&f->t, &f->then), 0);
	return f;
}

static void fixture_free(struct fixture *f)
{
	smaps_free(&f->then);
	smaps_free(&f->now);
	maptable_free(&f->t);
	free(f);
}

static const struct maprow *row_at(const struct maptable *t, uint64_t start)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].start == start)
			return &t->rows[i];
	fail_msg("no row at %llx", (unsigned long long)start);
	return NULL;
}

static void test_rows_deltas_and_grew_most(void **state)
{
	struct fixture *f = fixture_new();
	const struct maprow *r;

	(void)state;
	f->t.sort = MAPSORT_RSS;
	assert_int_equal(maptable_update(&f->t, &f->now), 0);
	assert_int_equal(f->t.n, 6);
	assert_int_equal(f->t.nmaps, 6);
	r = &f->t.rows[0];                                      // the largest RSS first
	assert_int_equal(r->start, 0x7f0000000000ULL);
	assert_string_equal(maptable_name(&f->t, r), "[anon]");
	assert_int_equal(r->delta_rss_kb, 900);
	assert_int_equal(f->t.grew_most, 0);
	assert_int_equal(row_at(&f->t, 0x55d0c1000000ULL)->delta_rss_kb, 50);
	assert_int_equal(row_at(&f->t, 0x55d0c0000000ULL)->delta_rss_kb, 0);
	r = row_at(&f->t, 0x7f2000000000ULL);                   // new: counts whole
	assert_int_equal(r->delta_rss_kb, 4);
	assert_string_equal(maptable_name(&f->t, r), "/tmp/\\e[31mevil");   // sanitised
	assert_string_equal(r->perms, "r--s");
	// Totals over every mapping.
	assert_int_equal(f->t.total.rss_kb, 4 + 8 + 150 + 1400 + 64 + 4);
	assert_int_equal(f->t.total.swap_kb, 8);
	fixture_free(f);
}

static void test_sort_keys(void **state)
{
	struct fixture *f = fixture_new();

	(void)state;
	f->t.sort = MAPSORT_ADDR;
	maptable_update(&f->t, &f->now);
	for (size_t i = 1; i < f->t.n; i++)
		assert_true(f->t.rows[i - 1].start < f->t.rows[i].start);
	f->t.sort = MAPSORT_SIZE;
	maptable_update(&f->t, &f->now);
	assert_int_equal(f->t.rows[0].size_kb, 2048);
	f->t.sort = MAPSORT_DELTA;
	maptable_update(&f->t, &f->now);
	assert_int_equal(f->t.rows[0].delta_rss_kb, 900);
	assert_int_equal(f->t.rows[1].delta_rss_kb, 50);
	assert_int_equal(f->t.grew_most, 0);                    // follows the order
	fixture_free(f);
}

static void test_grouping_by_name(void **state)
{
	struct fixture *f = fixture_new();
	const struct maprow *file = NULL, *anon = NULL;

	(void)state;
	f->t.grouped = true;
	f->t.sort = MAPSORT_RSS;
	assert_int_equal(maptable_update(&f->t, &f->now), 0);
	assert_int_equal(f->t.n, 4);                             // file, heap, [anon], evil
	assert_int_equal(f->t.nmaps, 6);
	for (size_t i = 0; i < f->t.n; i++) {
		if (strcmp(maptable_name(&f->t, &f->t.rows[i]), "/usr/bin/x") == 0)
			file = &f->t.rows[i];
		if (strcmp(maptable_name(&f->t, &f->t.rows[i]), "[anon]") == 0)
			anon = &f->t.rows[i];
	}
	assert_non_null(file);
	assert_non_null(anon);
	assert_int_equal(file->count, 2);
	assert_int_equal(file->size_kb, 12);
	assert_int_equal(file->start, 0x55d0c0000000ULL);         // the first mapping's address
	assert_int_equal(anon->count, 2);
	assert_int_equal(anon->rss_kb, 1464);
	assert_int_equal(anon->delta_rss_kb, 900);
	assert_string_equal(maptable_name(&f->t, &f->t.rows[f->t.grew_most]), "[anon]");
	// Ungrouping again restores every row.
	f->t.grouped = false;
	maptable_update(&f->t, &f->now);
	assert_int_equal(f->t.n, 6);
	fixture_free(f);
}

static void test_nothing_grew_and_empty(void **state)
{
	struct fixture *f = fixture_new();
	struct smaps none = { 0 };
	struct maptable empty = { 0 };

	(void)state;
	maptable_update(&f->t, &f->then);                       // the baseline itself
	assert_int_equal(f->t.grew_most, (size_t)-1);
	assert_int_equal(maptable_update(&empty, &none), 0);
	assert_int_equal(empty.n, 0);
	assert_int_equal(empty.grew_most, (size_t)-1);
	maptable_free(&empty);
	fixture_free(f);
}

// Found with tests/fuzz/fuzz_smaps.c, which tables its input's first half as
// the baseline and the whole as now: Rss values of 2^63 KiB and more made
// the Δ arithmetic overflow int64_t (undefined behaviour). The deltas now
// clamp to the int64_t range.
static void test_absurd_rss_deltas_clamp(void **state)
{
	size_t len;
	char *buf = fixture_read("smaps/fuzz-delta-overflow.txt", &len);
	struct smaps then = { 0 }, now = { 0 };
	struct maptable t = { 0 };
	const struct maprow *g = NULL;

	(void)state;
	assert_int_equal(smaps_parse(buf, len / 2, &then), 0);
	assert_int_equal(smaps_parse(buf, len, &now), 0);
	assert_int_equal(then.n, 1);                 // Rss 2^64 - 1 at 0x400000
	assert_int_equal(now.n, 4);
	assert_int_equal(maptable_open(&t, &then), 0);
	t.sort = MAPSORT_ADDR;
	assert_int_equal(maptable_update(&t, &now), 0);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.rows[0].delta_rss_kb, 0);           // 2^64 - 1 then and now
	assert_true(t.rows[1].delta_rss_kb == INT64_MIN);      // 2^63 - 1 now: exactly -2^63
	assert_true(t.rows[2].delta_rss_kb == INT64_MAX);      // new, 2^63 - 1
	assert_true(t.rows[3].delta_rss_kb == INT64_MAX);      // new, 2^63: clamped
	assert_int_equal(t.grew_most, 2);
	// Grouped, the two "/g" mappings sum to more than INT64_MAX.
	t.grouped = true;
	assert_int_equal(maptable_update(&t, &now), 0);
	assert_int_equal(t.n, 3);
	for (size_t i = 0; i < t.n; i++)
		if (strcmp(maptable_name(&t, &t.rows[i]), "/g") == 0)
			g = &t.rows[i];
	assert_non_null(g);
	assert_int_equal(g->count, 2);
	assert_true(g->delta_rss_kb == INT64_MAX);
	maptable_free(&t);
	smaps_free(&then);
	smaps_free(&now);
	free(buf);
}

// What tests/fuzz/fuzz_smaps.c found (minimised): two unnamed mappings, new
// since the baseline (the input's first half holds no complete mapping), one
// with Rss 2^63 - 1 KiB; grouped as "[anon]", their Δ summed past INT64_MAX.
static void test_fuzz_group_delta_overflow(void **state)
{
	size_t len;
	char *buf = fixture_read("smaps/fuzz-group-delta-overflow.txt", &len);
	struct smaps then = { 0 }, now = { 0 };
	struct maptable t = { 0 };

	(void)state;
	assert_int_equal(smaps_parse(buf, len / 2, &then), 0);
	assert_int_equal(smaps_parse(buf, len, &now), 0);
	assert_int_equal(then.n, 0);
	assert_int_equal(now.n, 2);
	assert_int_equal(maptable_open(&t, &then), 0);
	t.grouped = true;
	assert_int_equal(maptable_update(&t, &now), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(maptable_name(&t, &t.rows[0]), "[anon]");
	assert_int_equal(t.rows[0].count, 2);
	assert_true(t.rows[0].delta_rss_kb == INT64_MAX);
	assert_int_equal(t.grew_most, 0);
	maptable_free(&t);
	smaps_free(&then);
	smaps_free(&now);
	free(buf);
}

// Whether two tables show the same rows in the same order.
static void assert_same_rows(const struct maptable *a, const struct maptable *b)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->nmaps, b->nmaps);
	assert_int_equal(a->grew_most, b->grew_most);
	assert_memory_equal(&a->total, &b->total, sizeof a->total);
	for (size_t i = 0; i < a->n; i++) {
		const struct maprow *x = &a->rows[i], *y = &b->rows[i];

		assert_true(x->start == y->start && x->end == y->end && x->count == y->count &&
			    x->size_kb == y->size_kb && x->rss_kb == y->rss_kb && x->pss_kb == y->pss_kb &&
			    x->private_dirty_kb == y->private_dirty_kb &&
			    x->anonymous_kb == y->anonymous_kb && x->swap_kb == y->swap_kb &&
			    x->delta_rss_kb == y->delta_rss_kb);
		assert_string_equal(x->perms, y->perms);
		assert_string_equal(maptable_name(a, x), maptable_name(b, y));
	}
}

// The view adds a streamed read a piece at a time: one table per piece
// size, each the same as one built from the whole parse, in every grouping
// and order; the baseline taken from the rows equals maptable_open's.
static void test_pieces_equal_whole(void **state)
{
	struct fixture *f = fixture_new();

	(void)state;
	for (size_t piece = 1; piece <= f->now.n; piece++)
		for (int grouped = 0; grouped <= 1; grouped++)
			for (int sort = MAPSORT_RSS; sort <= MAPSORT_ADDR; sort++) {
				struct maptable t = { .grouped = grouped, .sort = (enum map_sort)sort };
				struct smaps part = { 0 };

				assert_int_equal(maptable_update(&t, &f->then), 0);
				assert_int_equal(maptable_take_base(&t), 0);
				for (size_t i = 0; i < t.nmaps; i++)
					assert_int_equal(t.maps[i].delta_rss_kb, 0);
				assert_int_equal(t.grew_most, (size_t)-1);
				maptable_begin(&t);
				for (size_t at = 0; at < f->now.n; at += piece) {
					// A piece as the parser leaves it: its own names.
					part.n = 0;
					part.names_len = 0;
					for (size_t i = at; i < at + piece && i < f->now.n; i++) {
						struct smaps_map m = f->now.maps[i];
						size_t len = m.name_len;

						part.maps = realloc(part.maps, (part.n + 1) * sizeof m);
						part.names = realloc(part.names, part.names_len + len + 1);
						assert_true(part.maps && part.names);
						memcpy(part.names + part.names_len, smaps_name(&f->now, &m), len + 1);
						m.name_off = part.names_len;
						part.names_len += len + 1;
						part.maps[part.n++] = m;
					}
					assert_int_equal(maptable_add(&t, &part), 0);
				}
				assert_int_equal(maptable_end(&t), 0);
				f->t.grouped = grouped;
				f->t.sort = (enum map_sort)sort;
				assert_int_equal(maptable_update(&f->t, &f->now), 0);
				assert_same_rows(&t, &f->t);
				smaps_free(&part);
				maptable_free(&t);
			}
	fixture_free(f);
}

// A read that adds nothing before it fails leaves the last rows; one that
// ends with nothing added has no mappings.
static void test_rows_kept_until_first_add(void **state)
{
	struct fixture *f = fixture_new();

	(void)state;
	assert_int_equal(maptable_update(&f->t, &f->now), 0);
	maptable_begin(&f->t);
	assert_int_equal(f->t.n, 6);
	assert_string_equal(maptable_name(&f->t, &f->t.rows[0]), "[anon]");
	maptable_begin(&f->t);
	assert_int_equal(maptable_end(&f->t), 0);
	assert_int_equal(f->t.n, 0);
	assert_int_equal(f->t.nmaps, 0);
	assert_int_equal(f->t.total.rss_kb, 0);
	fixture_free(f);
}

// Grouping and order change on a key, from the rows alone (no smaps kept):
// the same rows as a table built again from the text.
static void test_reorder_without_smaps(void **state)
{
	struct fixture *f = fixture_new();
	struct maptable whole = { 0 };
	char *b = test_bytes(smaps_now, sizeof smaps_now - 1);
	struct smaps now = { 0 };

	(void)state;
	assert_int_equal(smaps_parse(b, sizeof smaps_now - 1, &now), 0);
	assert_int_equal(maptable_open(&whole, &f->then), 0);
	assert_int_equal(maptable_update(&f->t, &f->now), 0);
	smaps_free(&f->now);                 // gone: only the table's rows remain
	for (int grouped = 1; grouped >= 0; grouped--)
		for (int sort = MAPSORT_ADDR; sort >= MAPSORT_RSS; sort--) {
			f->t.grouped = whole.grouped = grouped;
			f->t.sort = whole.sort = (enum map_sort)sort;
			assert_int_equal(maptable_reorder(&f->t), 0);
			assert_int_equal(maptable_update(&whole, &now), 0);
			assert_same_rows(&f->t, &whole);
		}
	maptable_free(&whole);
	smaps_free(&now);
	free(b);
	fixture_free(f);
}

// 200,000 mappings cost memory for their rows, not their names: each name
// is kept once, and the rows of a big read are about 100 bytes a mapping.
static void test_names_kept_once(void **state)
{
	enum { N = 20000 };
	struct smaps s = { 0 };
	struct maptable t = { 0 };
	static const char *const names[] = { "", "/usr/lib/libc.so.6", "[heap]", "/tmp/\x1b[2Jx" };

	(void)state;
	s.maps = calloc(N, sizeof *s.maps);
	s.names = calloc(1, 64);
	assert_true(s.maps && s.names);
	for (size_t k = 0; k < 4; k++) {
		memcpy(s.names + s.names_len, names[k], strlen(names[k]) + 1);
		s.names_len += strlen(names[k]) + 1;
	}
	for (size_t i = 0; i < N; i++) {
		size_t k = i % 7 == 0 ? 1 + i % 3 : 0, off = 0;

		for (size_t j = 0; j < k; j++)
			off += strlen(names[j]) + 1;
		s.maps[i] = (struct smaps_map){ .start = 0x10000 + i * 0x2000, .end = 0x11000 + i * 0x2000,
						.perms = "rw-p", .name_off = off, .name_len = strlen(names[k]),
						.size_kb = 4, .rss_kb = i % 2 ? 4 : 0 };
	}
	s.n = N;
	assert_int_equal(maptable_update(&t, &s), 0);
	assert_int_equal(t.nmaps, N);
	assert_int_equal(t.nnames, 4);
	assert_true(t.names_len < 64);
	assert_true(sizeof(struct maprow) + sizeof(struct map_base) <= 104);
	t.grouped = true;
	assert_int_equal(maptable_reorder(&t), 0);
	assert_int_equal(t.n, 4);
	for (size_t i = 0; i < t.n; i++)
		if (strcmp(maptable_name(&t, &t.rows[i]), "[anon]") == 0)
			assert_int_equal(t.rows[i].count, N - (N + 6) / 7);
	// A second read of the same mappings interns the same names again.
	assert_int_equal(maptable_update(&t, &s), 0);
	assert_int_equal(t.nnames, 4);
	assert_true(t.names_len < 64);
	maptable_free(&t);
	smaps_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_deltas_and_grew_most),
		cmocka_unit_test(test_sort_keys),
		cmocka_unit_test(test_grouping_by_name),
		cmocka_unit_test(test_nothing_grew_and_empty),
		cmocka_unit_test(test_absurd_rss_deltas_clamp),
		cmocka_unit_test(test_fuzz_group_delta_overflow),
		cmocka_unit_test(test_pieces_equal_whole),
		cmocka_unit_test(test_rows_kept_until_first_add),
		cmocka_unit_test(test_reorder_without_smaps),
		cmocka_unit_test(test_names_kept_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
