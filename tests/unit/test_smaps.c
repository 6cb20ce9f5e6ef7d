/* test_smaps.c — the smaps / smaps_rollup parser on real captures from this
 * machine, hand-made mappings (names with spaces, "(deleted)", "[anon:…]",
 * THP, unknown keys), a generated 10,000-mapping file, every truncation of
 * small files, malformed text, and reuse of one struct across parses. */
#include "fixture.h"

#include "proc/smaps.h"

// Parses a fixture (exact-size buffer) into *s, which the caller frees.
static int parse_fixture(const char *rel, struct smaps *s)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = smaps_parse(buf, len, s);

	free(buf);
	return rc;
}

// Parses the first len bytes of text, copied to a buffer of exactly len.
static int parse_bytes(const char *text, size_t len, struct smaps *s)
{
	char *buf = test_bytes(text, len);
	int rc = smaps_parse(buf, len, s);

	free(buf);
	return rc;
}

static int parse_str(const char *text, struct smaps *s)
{
	return parse_bytes(text, strlen(text), s);
}

// Checks the mapping's header fields.
static void assert_header(const struct smaps *s, size_t i, uint64_t start, uint64_t end,
			  const char *perms, uint64_t offset, uint64_t inode, const char *name)
{
	const struct smaps_map *m;

	assert_true(i < s->n);
	m = &s->maps[i];
	assert_int_equal(m->start, start);
	assert_int_equal(m->end, end);
	assert_string_equal(m->perms, perms);
	assert_int_equal(m->offset, offset);
	assert_int_equal(m->inode, inode);
	assert_string_equal(smaps_name(s, m), name);
	assert_int_equal(m->name_len, strlen(name));
}

// Checks every KiB field, in struct order.
static void assert_kb(const struct smaps_map *m, uint64_t size, uint64_t rss, uint64_t pss,
		      uint64_t shared_clean, uint64_t shared_dirty, uint64_t private_clean,
		      uint64_t private_dirty, uint64_t anonymous, uint64_t swap, uint64_t swap_pss)
{
	assert_int_equal(m->size_kb, size);
	assert_int_equal(m->rss_kb, rss);
	assert_int_equal(m->pss_kb, pss);
	assert_int_equal(m->shared_clean_kb, shared_clean);
	assert_int_equal(m->shared_dirty_kb, shared_dirty);
	assert_int_equal(m->private_clean_kb, private_clean);
	assert_int_equal(m->private_dirty_kb, private_dirty);
	assert_int_equal(m->anonymous_kb, anonymous);
	assert_int_equal(m->swap_kb, swap);
	assert_int_equal(m->swap_pss_kb, swap_pss);
}

// Checks that names holds exactly the n names back to back, each ended by a
// NUL, in mapping order: nothing of a dropped mapping is left behind.
static void assert_names_consistent(const struct smaps *s)
{
	size_t off = 0;

	for (size_t i = 0; i < s->n; i++) {
		assert_int_equal(s->maps[i].name_off, off);
		assert_int_equal(s->names[off + s->maps[i].name_len], '\0');
		assert_int_equal(strlen(s->names + off), s->maps[i].name_len);
		off += s->maps[i].name_len + 1;
	}
	assert_int_equal(s->names_len, off);
	assert_true(s->names_len <= s->names_cap);
	assert_true(s->n <= s->cap);
}

// Checks that mapping i of a equals mapping j of b, field by field.
static void assert_same_map(const struct smaps *a, size_t i, const struct smaps *b, size_t j)
{
	const struct smaps_map *x = &a->maps[i], *y = &b->maps[j];

	assert_header(a, i, y->start, y->end, y->perms, y->offset, y->inode, smaps_name(b, y));
	assert_kb(x, y->size_kb, y->rss_kb, y->pss_kb, y->shared_clean_kb, y->shared_dirty_kb,
		  y->private_clean_kb, y->private_dirty_kb, y->anonymous_kb, y->swap_kb,
		  y->swap_pss_kb);
}

/* ---- real captures ---- */

// /proc/PID/smaps of `sleep 1000`, read by one process right before its
// smaps_rollup (sleep-rollup-real.txt).
static void test_real_sleep(void **state)
{
	struct smaps s = { 0 };

	(void)state;
	assert_int_equal(parse_fixture("smaps/sleep-real.txt", &s), 0);
	assert_int_equal(s.n, 37);
	assert_names_consistent(&s);
	assert_header(&s, 0, 0x5622da2c0000, 0x5622da2c2000, "r--p", 0, 248056, "/usr/bin/sleep");
	assert_kb(&s.maps[0], 8, 8, 2, 8, 0, 0, 0, 0, 0, 0);
	assert_header(&s, 1, 0x5622da2c2000, 0x5622da2c7000, "r-xp", 0x2000, 248056,
		      "/usr/bin/sleep");
	assert_header(&s, 5, 0x5622f4453000, 0x5622f4474000, "rw-p", 0, 0, "[heap]");
	assert_kb(&s.maps[5], 132, 16, 16, 0, 0, 0, 16, 16, 0, 0);
	// Unnamed anonymous: the kernel ends the header with "0 ".
	assert_header(&s, 14, 0x7f91e3b84000, 0x7f91e3b87000, "rw-p", 0, 0, "");
	assert_kb(&s.maps[14], 12, 8, 8, 0, 0, 0, 8, 8, 0, 0);
	assert_header(&s, 15, 0x7f91e3b87000, 0x7f91e3bad000, "r--p", 0, 332835,
		      "/usr/lib/x86_64-linux-gnu/libc.so.6");
	assert_header(&s, 16, 0x7f91e3bad000, 0x7f91e3d03000, "r-xp", 0x26000, 332835,
		      "/usr/lib/x86_64-linux-gnu/libc.so.6");
	assert_header(&s, 24, 0x7f91e3d6c000, 0x7f91e3d73000, "r--s", 0, 332280,
		      "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache");
	assert_header(&s, 29, 0x7f91e3d7c000, 0x7f91e3d7e000, "r-xp", 0, 0, "[vdso]");
	assert_header(&s, 35, 0x7ffd5041c000, 0x7ffd5043d000, "rw-p", 0, 0, "[stack]");
	assert_kb(&s.maps[35], 132, 12, 12, 0, 0, 0, 12, 12, 0, 0);
	assert_header(&s, 36, 0xffffffffff600000, 0xffffffffff601000, "--xp", 0, 0,
		      "[vsyscall]");
	assert_kb(&s.maps[36], 4, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	smaps_free(&s);
}

static void test_real_rollup(void **state)
{
	struct smaps s = { 0 };

	(void)state;
	assert_int_equal(parse_fixture("smaps/sleep-rollup-real.txt", &s), 0);
	assert_int_equal(s.n, 1);
	assert_names_consistent(&s);
	assert_header(&s, 0, 0x5622da2c0000, 0x7ffd5043d000, "---p", 0, 0, "[rollup]");
	// No Size line in a rollup; Pss_Anon, Pss_File, Pss_Shmem are skipped.
	assert_kb(&s.maps[0], 0, 1652, 215, 1544, 0, 0, 108, 108, 0, 0);
	smaps_free(&s);
}

// The rollup is the kernel's own sum of the smaps it came with.
static void test_rollup_equals_smaps_total(void **state)
{
	struct smaps all = { 0 }, roll = { 0 };
	struct smaps_map t, *r;

	(void)state;
	assert_int_equal(parse_fixture("smaps/sleep-real.txt", &all), 0);
	assert_int_equal(parse_fixture("smaps/sleep-rollup-real.txt", &roll), 0);
	smaps_total(&all, &t);
	r = &roll.maps[0];
	assert_int_equal(t.rss_kb, r->rss_kb);
	assert_int_equal(t.private_dirty_kb, r->private_dirty_kb);
	assert_int_equal(t.private_clean_kb, r->private_clean_kb);
	assert_int_equal(t.shared_clean_kb, r->shared_clean_kb);
	assert_int_equal(t.shared_dirty_kb, r->shared_dirty_kb);
	assert_int_equal(t.anonymous_kb, r->anonymous_kb);
	assert_int_equal(t.swap_kb, r->swap_kb);
	assert_int_equal(t.swap_pss_kb, r->swap_pss_kb);
	// Pss is not a plain sum: smaps rounds each mapping down to a KiB, the
	// rollup rounds the exact total once, so it is ahead by less than one
	// KiB per mapping (here 215 against 207).
	assert_int_equal(t.pss_kb, 207);
	assert_true(r->pss_kb >= t.pss_kb && r->pss_kb - t.pss_kb < all.n);
	// The rollup's range runs from the first VMA to the last; [vsyscall]
	// is no VMA and lies outside it.
	assert_int_equal(r->start, all.maps[0].start);
	assert_int_equal(r->end, all.maps[all.n - 2].end);
	assert_string_equal(smaps_name(&all, &all.maps[all.n - 1]), "[vsyscall]");
	smaps_free(&all);
	smaps_free(&roll);
}

// A real process with a THP region, a file whose name has a space, a
// deleted file and a memfd (tests/fixtures/smaps/make-features.c).
static void test_real_features(void **state)
{
	struct smaps s = { 0 };

	(void)state;
	assert_int_equal(parse_fixture("smaps/features-real.txt", &s), 0);
	assert_int_equal(s.n, 30);
	assert_names_consistent(&s);
	assert_header(&s, 0, 0x55ff66cbe000, 0x55ff66cbf000, "r--p", 0, 10953242,
		      "/tmp/smapsfeat/feat");
	assert_header(&s, 5, 0x55ff91429000, 0x55ff9144a000, "rw-p", 0, 0, "[heap]");
	// MADV_HUGEPAGE, touched: two 2 MiB pages (AnonHugePages, not stored).
	assert_header(&s, 6, 0x7f7cfe000000, 0x7f7cfe400000, "rw-p", 0, 0, "");
	assert_kb(&s.maps[6], 4096, 4096, 4096, 0, 0, 0, 4096, 4096, 0, 0);
	assert_header(&s, 15, 0x7f7cfeb2a000, 0x7f7cfeb2b000, "rw-s", 0, 1024,
		      "/memfd:memfd blob (deleted)");
	// A MAP_SHARED page mapped once counts as Private_Dirty.
	assert_kb(&s.maps[15], 4, 4, 4, 0, 0, 0, 4, 0, 0, 0);
	assert_header(&s, 17, 0x7f7cfeb2e000, 0x7f7cfeb2f000, "r--p", 0, 10953217,
		      "/tmp/smapsfeat/gone.bin (deleted)");
	assert_header(&s, 18, 0x7f7cfeb2f000, 0x7f7cfeb31000, "rw-s", 0, 10953201,
		      "/tmp/smapsfeat/my file.bin");
	assert_kb(&s.maps[18], 8, 4, 4, 0, 0, 0, 4, 0, 0, 0);
	smaps_free(&s);
}

/* ---- hand-made ---- */

static void test_handmade_names(void **state)
{
	struct smaps s = { 0 };

	(void)state;
	assert_int_equal(parse_fixture("smaps/handmade.txt", &s), 0);
	assert_int_equal(s.n, 11);
	assert_names_consistent(&s);
	assert_header(&s, 0, 0x55d0c0a00000, 0x55d0c0a02000, "r--p", 0, 1310730,
		      "/opt/My App/bin/my app");
	assert_header(&s, 1, 0x55d0c0a02000, 0x55d0c0a05000, "r-xp", 0x2000, 1310730,
		      "/opt/My App/bin/my app");
	assert_header(&s, 2, 0x55d0c1e3f000, 0x55d0c1e60000, "rw-p", 0, 0, "[heap]");
	assert_header(&s, 3, 0x7f3a1c000000, 0x7f3a1c400000, "rw-p", 0, 0, "");
	assert_header(&s, 4, 0x7f3a1c600000, 0x7f3a1c603000, "rw-p", 0, 0, "[anon:my region]");
	assert_header(&s, 5, 0x7f3a1c700000, 0x7f3a1c701000, "r--p", 0, 1311001,
		      "/tmp/old lib.so (deleted)");
	assert_header(&s, 6, 0x7f3a1c800000, 0x7f3a1c801000, "rw-s", 0, 2048,
		      "/memfd:ring buffer (deleted)");
	// No trailing space after the inode this time.
	assert_header(&s, 7, 0x7f3a1c900000, 0x7f3a1c902000, "rw-p", 0, 0, "");
	assert_header(&s, 8, 0x7ffc2a1b0000, 0x7ffc2a1d1000, "rw-p", 0, 0, "[stack]");
	assert_header(&s, 9, 0x7ffc2a1f4000, 0x7ffc2a1f6000, "r-xp", 0, 0, "[vdso]");
	assert_header(&s, 10, 0xffffffffff600000, 0xffffffffff601000, "--xp", 0, 0,
		      "[vsyscall]");
	smaps_free(&s);
}

static void test_handmade_values(void **state)
{
	struct smaps s = { 0 };
	struct smaps_map t;

	(void)state;
	assert_int_equal(parse_fixture("smaps/handmade.txt", &s), 0);
	assert_kb(&s.maps[0], 8, 8, 5, 6, 0, 2, 0, 0, 0, 0);
	assert_kb(&s.maps[2], 132, 120, 119, 0, 1, 3, 116, 117, 0, 0);
	// THP: AnonHugePages, THPeligible and the "hg" flag are not stored.
	assert_kb(&s.maps[3], 4096, 2060, 2060, 0, 0, 0, 2060, 2060, 0, 0);
	assert_kb(&s.maps[6], 4, 4, 1, 0, 4, 0, 0, 0, 0, 0);
	// Unknown keys ("Futureproof", "Xyz_2" with text) and ProtectionKey.
	assert_kb(&s.maps[7], 8, 4, 4, 0, 0, 0, 4, 4, 3, 3);
	assert_kb(&s.maps[8], 132, 20, 20, 0, 0, 0, 20, 20, 12, 6);
	assert_kb(&s.maps[10], 4, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	smaps_total(&s, &t);
	assert_kb(&t, 4420, 2244, 2222, 27, 5, 8, 2204, 2205, 15, 9);
	assert_int_equal(t.start, 0);
	assert_int_equal(t.end, 0);
	assert_int_equal(t.perms[0], '\0');
	assert_int_equal(t.name_off, 0);
	assert_int_equal(t.name_len, 0);
	smaps_free(&s);
}

static void test_total_of_nothing(void **state)
{
	struct smaps s = { 0 };
	struct smaps_map t;

	(void)state;
	memset(&t, 0xff, sizeof t);
	smaps_total(&s, &t);
	assert_kb(&t, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	assert_int_equal(t.inode, 0);
}

/* ---- the generated 10,000-mapping file ---- */

static void test_large(void **state)
{
	struct smaps s = { 0 };
	struct smaps_map t;

	(void)state;
	assert_int_equal(parse_fixture(LARGE_SMAPS, &s), 0);
	assert_int_equal(s.n, 10000);
	assert_names_consistent(&s);
	assert_header(&s, 0, 0x7f0000000000, 0x7f0000123000, "rw-p", 0, 0, "");
	assert_kb(&s.maps[0], 1164, 1132, 1132, 0, 0, 792, 340, 1132, 0, 0);
	for (size_t i = 1; i < s.n; i++)
		assert_true(s.maps[i].start > s.maps[i - 1].end);
	// The totals make-large.py prints.
	smaps_total(&s, &t);
	assert_kb(&t, 10281208, 5124312, 4671914, 677336, 0, 2214388, 2232588, 3934776, 13368,
		  6684);
	smaps_free(&s);
}

/* ---- truncation ---- */

static void test_truncated_fixtures(void **state)
{
	struct smaps s = { 0 }, full = { 0 };

	(void)state;
	assert_int_equal(parse_fixture("smaps/handmade.txt", &full), 0);
	// Third mapping cut inside "Pss:": two kept.
	assert_int_equal(parse_fixture("smaps/truncated-mid-field.txt", &s), 0);
	assert_int_equal(s.n, 2);
	assert_names_consistent(&s);
	assert_same_map(&s, 0, &full, 0);
	assert_same_map(&s, 1, &full, 1);
	// Fourth header cut: the third mapping ended with VmFlags, kept.
	assert_int_equal(parse_fixture("smaps/truncated-mid-header.txt", &s), 0);
	assert_int_equal(s.n, 3);
	assert_names_consistent(&s);
	assert_same_map(&s, 2, &full, 2);
	// Second mapping cut after its Locked line: it has all its fields.
	assert_int_equal(parse_fixture("smaps/truncated-after-locked.txt", &s), 0);
	assert_int_equal(s.n, 2);
	assert_names_consistent(&s);
	assert_same_map(&s, 1, &full, 1);
	smaps_free(&s);
	smaps_free(&full);
}

// The completeness rule, spelled out on a rollup and on one mapping.
static void test_completeness_rule(void **state)
{
	static const char rollup[] =
		"55acb5863000-7ffcce115000 ---p 00000000 00:00 0                          [rollup]\n"
		"Rss:                1620 kB\n"
		"Swap:                  0 kB\n"
		"SwapPss:               0 kB\n"
		"Locked:                0 kB\n";
	static const char one[] =
		"00400000-00401000 r-xp 00000000 fe:00 12 /bin/x\n"
		"Size:                  4 kB\n"
		"Rss:                   4 kB\n"
		"Locked:                0 kB\n"
		"THPeligible:           0\n"
		"VmFlags: rd ex mr mw me \n";
	size_t rlen = sizeof rollup - 1, olen = sizeof one - 1;
	const char *locked = strstr(one, "Locked");
	struct smaps s = { 0 };

	(void)state;
	assert_int_equal(parse_bytes(rollup, rlen, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.maps[0].rss_kb, 1620);
	assert_int_equal(parse_bytes(rollup, rlen - 1, &s), 0);      // Locked without '\n'
	assert_int_equal(s.n, 0);
	assert_int_equal(s.names_len, 0);
	assert_int_equal(parse_bytes(rollup, (size_t)(strstr(rollup, "Locked") - rollup), &s), 0);
	assert_int_equal(s.n, 0);                                    // up to SwapPss
	assert_int_equal(parse_bytes(one, olen, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(parse_bytes(one, (size_t)(locked - one), &s), 0);   // up to Rss
	assert_int_equal(s.n, 0);
	assert_int_equal(parse_bytes(one, (size_t)(strchr(locked, '\n') - one), &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(parse_bytes(one, (size_t)(strchr(locked, '\n') + 1 - one), &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.maps[0].size_kb, 4);
	assert_int_equal(s.maps[0].rss_kb, 4);
	// Without Locked or VmFlags, only the next header completes a mapping.
	assert_int_equal(parse_str("1000-2000 r--p 0 00:00 0\nRss: 4 kB\n", &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(parse_str("1000-2000 r--p 0 00:00 0\nRss: 4 kB\n"
				   "3000-4000 r--p 0 00:00 0\nRss: 8 kB\n", &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.maps[0].rss_kb, 4);
	assert_int_equal(parse_str("1000-2000 r--p 0 00:00 0\nRss: 4 kB\n3000-4000 r--p", &s), 0);
	assert_int_equal(s.n, 0);                // the next header must be whole
	smaps_free(&s);
}

// Byte offset where each mapping of text becomes complete: the end of its
// first Locked or VmFlags line, or of the next header line.
static size_t completions(const char *text, size_t len, size_t *done, size_t max)
{
	size_t n = 0;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t after = (size_t)(nl - text) + 1;

		assert_non_null(nl);
		if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')) {
			if (n > 0 && done[n - 1] == SIZE_MAX)
				done[n - 1] = after;
			assert_true(n < max);
			done[n++] = SIZE_MAX;
		} else if (n > 0 && done[n - 1] == SIZE_MAX &&
			   (strncmp(p, "Locked:", 7) == 0 || strncmp(p, "VmFlags:", 8) == 0)) {
			done[n - 1] = after;
		}
		p = nl + 1;
	}
	return n;
}

// Every cut of a fixture parses without error into exactly the mappings
// complete by then, each equal to the uncut parse's: never garbage.
static void check_every_truncation(const char *rel)
{
	size_t len, done[64], n;
	char *text = fixture_read(rel, &len);
	struct smaps full = { 0 }, s = { 0 };

	assert_int_equal(smaps_parse(text, len, &full), 0);
	n = completions(text, len, done, 64);
	assert_int_equal(n, full.n);
	for (size_t i = 0; i < n; i++)
		assert_true(done[i] <= len);
	for (size_t cut = 0; cut <= len; cut++) {
		size_t want = 0;

		while (want < n && done[want] <= cut)
			want++;
		assert_int_equal(parse_bytes(text, cut, &s), 0);
		assert_int_equal(s.n, want);
		assert_names_consistent(&s);
		for (size_t i = 0; i < s.n; i++)
			assert_same_map(&s, i, &full, i);
	}
	smaps_free(&s);
	smaps_free(&full);
	free(text);
}

static void test_every_truncation_handmade(void **state)
{
	(void)state;
	check_every_truncation("smaps/handmade.txt");
}

static void test_every_truncation_real(void **state)
{
	(void)state;
	check_every_truncation("smaps/sleep-real.txt");
	check_every_truncation("smaps/sleep-rollup-real.txt");
}

/* ---- not smaps ---- */

static void test_empty(void **state)
{
	struct smaps s = { 0 };

	(void)state;
	assert_int_equal(parse_fixture("smaps/empty.txt", &s), 0);   // kernel threads
	assert_int_equal(s.n, 0);
	assert_int_equal(s.names_len, 0);
	smaps_free(&s);
}

static void test_not_smaps(void **state)
{
	struct smaps s = { 0 };

	(void)state;
	assert_int_equal(parse_fixture("smaps/garbage.txt", &s), -EINVAL);
	assert_int_equal(s.n, 0);
	// /proc/PID/maps: headers with no fields between them.
	assert_int_equal(parse_fixture("smaps/maps-not-smaps.txt", &s), -EINVAL);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.names_len, 0);
	smaps_free(&s);
}

// A bad line keeps the mappings complete before it.
static void test_bad_unit_keeps_earlier_mappings(void **state)
{
	struct smaps s = { 0 }, full = { 0 };

	(void)state;
	assert_int_equal(parse_fixture("smaps/handmade.txt", &full), 0);
	assert_int_equal(parse_fixture("smaps/bad-unit.txt", &s), -EINVAL);   // "120 MB"
	assert_int_equal(s.n, 2);
	assert_names_consistent(&s);
	assert_same_map(&s, 0, &full, 0);
	assert_same_map(&s, 1, &full, 1);
	smaps_free(&s);
	smaps_free(&full);
}

// One whole mapping, then each bad line: -EINVAL, the mapping kept.
static void test_malformed_lines(void **state)
{
	static const char good[] = "00400000-00401000 r-xp 00000000 fe:00 12   /bin/x\n"
				   "Rss:                   4 kB\n"
				   "VmFlags: rd ex \n";
	static const char *const bad[] = {
		"\n",
		" Rss: 4 kB\n",
		"Rss 4 kB\n",
		": 4 kB\n",
		"Bad Key: 4 kB\n",
		"Rss:                   x kB\n",
		"Rss:                  -4 kB\n",
		"Rss:                   4\n",
		"Rss:                   4 MB\n",
		"Rss:                   4 kB extra\n",
		"Rss: 99999999999999999999 kB\n",
		"Locked:                 kB\n",
		"00500000-00501000 r-xq 00000000 fe:00 12 /bin/x\n",   // perms
		"00500000-00501000 r-x 00000000 fe:00 12 /bin/x\n",
		"00500000-00401000 r-xp 00000000 fe:00 12 /bin/x\n",   // end < start
		"00500000- r-xp 00000000 fe:00 12 /bin/x\n",
		"10000000000000000-10000000000000001 r-xp 0 00:00 0\n",   // 65 bits
		"00500000-00501000 r-xp 00000000 fe00 12 /bin/x\n",    // dev
		"00500000-00501000 r-xp 00000000 fe:00 /bin/x\n",      // inode
		"00500000-00501000 r-xp 00000000 fe:00 12x /bin/x\n",
		"00500000-00501000 r-xp zz fe:00 12 /bin/x\n",
		"00500000-00501000\n",
		"xyz-00501000 r-xp 00000000 fe:00 12 /bin/x\n",
	};
	char text[512];
	struct smaps s = { 0 };

	(void)state;
	assert_int_equal(parse_str(good, &s), 0);
	assert_int_equal(s.n, 1);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "%s%s", good, bad[i]);
		if (parse_str(text, &s) != -EINVAL || s.n != 1)
			fail_msg("bad line %zu (%s) gave n=%zu", i, bad[i], s.n);
		assert_header(&s, 0, 0x400000, 0x401000, "r-xp", 0, 12, "/bin/x");
		assert_int_equal(s.maps[0].rss_kb, 4);
		assert_names_consistent(&s);
	}
	// A bad line inside an incomplete mapping drops it.
	assert_int_equal(parse_str("00400000-00401000 r-xp 0 fe:00 12 /bin/x\nRss: 4 kB\n"
				   "Pss: ? kB\nVmFlags: rd\n", &s), -EINVAL);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.names_len, 0);
	// A field before any header.
	assert_int_equal(parse_str("Rss:                   4 kB\n", &s), -EINVAL);
	assert_int_equal(s.n, 0);
	// A bad last line cut short may be a good line cut: not an error.
	assert_int_equal(parse_str("00400000-00401000 r-xp 0 fe:00 12 /bin/x\nVmFlags: rd\nRss: x",
				   &s), 0);
	assert_int_equal(s.n, 1);
	smaps_free(&s);
}

// Spacing and forms the kernel does not print but that are still smaps.
static void test_lenient_forms(void **state)
{
	struct smaps s = { 0 };

	(void)state;
	assert_int_equal(parse_str("1000-3000\trw-p\t0\t00:00\t0\t\t[heap]\n"
				   "Rss:8 kB\n"
				   "Pss:\t6\tkB \t\n"
				   "Swap:               2kB\n"
				   "FUTURE_key2: 12 MB and words\n"
				   "VmFlags:\n"
				   "ABCDEF-ABCDF0 r--s 1F 103:2 7 /a b  \n"
				   "Size: 4 kB\n"
				   "Locked: 0 kB\n", &s), 0);
	assert_int_equal(s.n, 2);
	assert_names_consistent(&s);
	assert_header(&s, 0, 0x1000, 0x3000, "rw-p", 0, 0, "[heap]");
	assert_kb(&s.maps[0], 0, 8, 6, 0, 0, 0, 0, 0, 2, 0);
	// Upper-case hex, a three-digit major, trailing spaces kept in the name.
	assert_header(&s, 1, 0xabcdef, 0xabcdf0, "r--s", 0x1f, 7, "/a b  ");
	assert_int_equal(s.maps[1].size_kb, 4);
	smaps_free(&s);
}

/* ---- memory ---- */

static void test_reuse(void **state)
{
	struct smaps s = { 0 };
	struct smaps_map *maps;
	char *names;
	size_t cap, names_cap;

	(void)state;
	assert_int_equal(parse_fixture(LARGE_SMAPS, &s), 0);
	assert_int_equal(s.n, 10000);
	maps = s.maps;
	names = s.names;
	cap = s.cap;
	names_cap = s.names_cap;
	// Smaller text: nothing reallocated, nothing of the old text left.
	assert_int_equal(parse_fixture("smaps/handmade.txt", &s), 0);
	assert_int_equal(s.n, 11);
	assert_ptr_equal(s.maps, maps);
	assert_ptr_equal(s.names, names);
	assert_int_equal(s.cap, cap);
	assert_int_equal(s.names_cap, names_cap);
	assert_names_consistent(&s);
	assert_header(&s, 4, 0x7f3a1c600000, 0x7f3a1c603000, "rw-p", 0, 0, "[anon:my region]");
	assert_kb(&s.maps[3], 4096, 2060, 2060, 0, 0, 0, 2060, 2060, 0, 0);
	// A failed parse holds only its own mappings.
	assert_int_equal(parse_fixture("smaps/garbage.txt", &s), -EINVAL);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.names_len, 0);
	assert_int_equal(parse_fixture("smaps/empty.txt", &s), 0);
	assert_int_equal(s.n, 0);
	// Same size again: the same memory.
	assert_int_equal(parse_fixture(LARGE_SMAPS, &s), 0);
	assert_int_equal(s.n, 10000);
	assert_ptr_equal(s.maps, maps);
	assert_ptr_equal(s.names, names);
	smaps_free(&s);

	// Growing from small to large keeps every mapping.
	assert_int_equal(parse_fixture("smaps/handmade.txt", &s), 0);
	assert_int_equal(parse_fixture(LARGE_SMAPS, &s), 0);
	assert_int_equal(s.n, 10000);
	assert_names_consistent(&s);
	assert_kb(&s.maps[0], 1164, 1132, 1132, 0, 0, 792, 340, 1132, 0, 0);
	smaps_free(&s);
}

static void test_free_zeroed_and_twice(void **state)
{
	struct smaps s = { 0 };

	(void)state;
	smaps_free(&s);                          // zeroed: empty
	smaps_free(&s);
	assert_int_equal(parse_fixture("smaps/handmade.txt", &s), 0);
	smaps_free(&s);
	assert_null(s.maps);
	assert_null(s.names);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.cap, 0);
	assert_int_equal(s.names_len, 0);
	assert_int_equal(s.names_cap, 0);
	smaps_free(&s);                          // twice is fine
	// After free, the struct parses again like a new one.
	assert_int_equal(parse_fixture("smaps/sleep-rollup-real.txt", &s), 0);
	assert_int_equal(s.n, 1);
	smaps_free(&s);
}

// Feeds text to a stream as the sampler reads a file: piece bytes at a time
// after what the last feed left unparsed, at its end once a read finds no
// more. With drain, each feed's mappings are compared with the whole parse's
// and emptied out (the detail view's way); without, they pile up in out and
// are compared at the end (memtop --smaps). Returns the stream's result.
static int feed_in_pieces(const char *text, size_t len, size_t piece, bool drain,
			  const struct smaps *whole)
{
	struct smaps out = { 0 };
	struct smaps_stream st;
	char *buf = malloc(len + 1);
	size_t have = 0, pos = 0, used, seen = 0;
	int rc;

	assert_non_null(buf);
	smaps_stream_begin(&st, &out);
	for (;;) {
		size_t n = len - pos < piece ? len - pos : piece;

		memcpy(buf + have, text + pos, n);
		have += n;
		pos += n;
		rc = smaps_stream_feed(&st, buf, have, n == 0, &out, &used);
		assert_true(used <= have);
		if (drain) {
			for (size_t i = 0; i < out.n; i++)
				assert_same_map(&out, i, whole, seen++);
			smaps_stream_drain(&st, &out);
			assert_int_equal(out.n, 0);
		}
		if (rc < 0 || n == 0)
			break;
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	if (!drain)
		for (size_t i = 0; i < out.n; i++)
			assert_same_map(&out, i, whole, seen++);
	assert_int_equal(seen, whole->n);
	smaps_free(&out);
	free(buf);
	return rc;
}

// The detail view reads smaps in pieces, never whole: fed in pieces of any
// size (a line cut anywhere, even byte by byte), with or without draining,
// the stream finds what one parse of the whole text finds, errors included.
static void test_stream_pieces_equal_whole(void **state)
{
	static const char *const fixtures[] = {
		"smaps/sleep-real.txt", "smaps/sleep-rollup-real.txt", "smaps/features-real.txt",
		"smaps/handmade.txt", "smaps/truncated-after-locked.txt", "smaps/truncated-mid-field.txt",
		"smaps/truncated-mid-header.txt", "smaps/bad-unit.txt", "smaps/garbage.txt",
		"smaps/maps-not-smaps.txt", "smaps/empty.txt",
	};
	static const size_t pieces[] = { 1, 2, 3, 7, 64, 333, 4096, 1 << 20 };

	(void)state;
	for (size_t f = 0; f < sizeof fixtures / sizeof fixtures[0]; f++) {
		size_t len;
		char *text = fixture_read(fixtures[f], &len);
		struct smaps whole = { 0 };
		int rc = smaps_parse(text, len, &whole);

		for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
			assert_int_equal(feed_in_pieces(text, len, pieces[p], true, &whole), rc);
			assert_int_equal(feed_in_pieces(text, len, pieces[p], false, &whole), rc);
		}
		smaps_free(&whole);
		free(text);
	}
}

// The generated 10,000-mapping file, in the sampler's pieces and odd ones.
static void test_stream_large(void **state)
{
	size_t len;
	char *text = fixture_read(LARGE_SMAPS, &len);
	struct smaps whole = { 0 };

	(void)state;
	assert_int_equal(smaps_parse(text, len, &whole), 0);
	assert_int_equal(whole.n, 10000);
	assert_int_equal(feed_in_pieces(text, len, 64 * 1024, true, &whole), 0);
	assert_int_equal(feed_in_pieces(text, len, 4097, true, &whole), 0);
	assert_int_equal(feed_in_pieces(text, len, 100, false, &whole), 0);
	smaps_free(&whole);
	free(text);
}

// Draining keeps the mapping still open, with its name, for the next feed.
static void test_stream_drain_keeps_open_mapping(void **state)
{
	static const char text[] =
		"00400000-00401000 r-xp 00000000 08:01 7 /bin/first\n"
		"Size: 4 kB\nRss: 4 kB\nVmFlags: rd ex\n"
		"00600000-00602000 rw-p 00000000 08:01 7 /bin/second has spaces\n"
		"Size: 8 kB\n";
	static const char rest[] = "Rss: 8 kB\nVmFlags: rd wr\n";
	struct smaps out = { 0 };
	struct smaps_stream st;
	size_t used;

	(void)state;
	smaps_stream_begin(&st, &out);
	assert_int_equal(smaps_stream_feed(&st, text, sizeof text - 1, false, &out, &used), 0);
	assert_int_equal(used, sizeof text - 1);
	assert_int_equal(out.n, 1);
	assert_string_equal(smaps_name(&out, &out.maps[0]), "/bin/first");
	smaps_stream_drain(&st, &out);
	assert_int_equal(out.n, 0);
	assert_int_equal(out.names_len, sizeof "/bin/second has spaces");
	assert_int_equal(smaps_stream_feed(&st, rest, sizeof rest - 1, false, &out, &used), 0);
	assert_int_equal(out.n, 0);          // complete only at the next header or the end
	assert_int_equal(smaps_stream_feed(&st, rest, 0, true, &out, &used), 0);
	assert_int_equal(out.n, 1);
	assert_header(&out, 0, 0x600000, 0x602000, "rw-p", 0, 7, "/bin/second has spaces");
	assert_true(out.maps[0].rss_kb == 8);
	smaps_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_sleep),
		cmocka_unit_test(test_real_rollup),
		cmocka_unit_test(test_rollup_equals_smaps_total),
		cmocka_unit_test(test_real_features),
		cmocka_unit_test(test_handmade_names),
		cmocka_unit_test(test_handmade_values),
		cmocka_unit_test(test_total_of_nothing),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_truncated_fixtures),
		cmocka_unit_test(test_completeness_rule),
		cmocka_unit_test(test_every_truncation_handmade),
		cmocka_unit_test(test_every_truncation_real),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_not_smaps),
		cmocka_unit_test(test_bad_unit_keeps_earlier_mappings),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_lenient_forms),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_free_zeroed_and_twice),
		cmocka_unit_test(test_stream_pieces_equal_whole),
		cmocka_unit_test(test_stream_large),
		cmocka_unit_test(test_stream_drain_keeps_open_mapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
