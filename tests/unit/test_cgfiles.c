/* test_cgfiles.c — cgroup limit and counter files, mountinfo's cgroup mounts,
 * cgroup.controllers, and psi_parse on memory.pressure; captured, hand-written,
 * truncated, empty and malformed text; the check of a cgroup path. */
#include "fixture.h"

#include "proc/cgfiles.h"
#include "proc/psi.h"

#define DIR "cgroup-files/"
#define SENTINEL UINT64_C(0xdeadbeef)

// Each helper parses a fixture (exact-size buffer) or the first len bytes of
// a string (exact-size copy) and returns the parser's result.
static int u64_fixture(const char *rel, uint64_t *v)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = cgfiles_parse_u64(buf, len, v);

	free(buf);
	return rc;
}

static int u64_bytes(const char *s, size_t len, uint64_t *v)
{
	char *buf = test_bytes(s, len);
	int rc = cgfiles_parse_u64(buf, len, v);

	free(buf);
	return rc;
}

static int limit_fixture(const char *rel, bool *unlimited, uint64_t *bytes)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = cgfiles_parse_limit(buf, len, unlimited, bytes);

	free(buf);
	return rc;
}

static int limit_bytes(const char *s, size_t len, bool *unlimited, uint64_t *bytes)
{
	char *buf = test_bytes(s, len);
	int rc = cgfiles_parse_limit(buf, len, unlimited, bytes);

	free(buf);
	return rc;
}

static int mounts_fixture(const char *rel, struct cg_mounts *m)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = cgfiles_parse_mountinfo(buf, len, m);

	free(buf);
	return rc;
}

static int mounts_bytes(const char *s, size_t len, struct cg_mounts *m)
{
	char *buf = test_bytes(s, len);
	int rc = cgfiles_parse_mountinfo(buf, len, m);

	free(buf);
	return rc;
}

static bool controllers_fixture(const char *rel, const char *name)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	bool have = cgfiles_controllers_have(buf, len, name);

	free(buf);
	return have;
}

static int psi_fixture(const char *rel, struct psi *p)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = psi_parse(buf, len, p);

	free(buf);
	return rc;
}

// Asserts that a limit fixture is a finite limit of want bytes.
static void assert_limit(const char *rel, uint64_t want)
{
	bool unlimited = true;
	uint64_t bytes = 0;

	assert_int_equal(limit_fixture(rel, &unlimited, &bytes), 0);
	assert_false(unlimited);
	assert_int_equal(bytes, want);
}

static void assert_unlimited(const char *rel)
{
	bool unlimited = false;
	uint64_t bytes = 0;

	assert_int_equal(limit_fixture(rel, &unlimited, &bytes), 0);
	assert_true(unlimited);
	assert_int_equal(bytes, UINT64_MAX);
}

// Asserts that a fixture fails both number parsers and changes no output.
static void assert_rejected(const char *rel)
{
	uint64_t v = SENTINEL, bytes = SENTINEL;
	bool unlimited = true;

	assert_int_equal(u64_fixture(rel, &v), -EINVAL);
	assert_int_equal(v, SENTINEL);
	assert_int_equal(limit_fixture(rel, &unlimited, &bytes), -EINVAL);
	assert_int_equal(bytes, SENTINEL);
	assert_true(unlimited);
}

static void test_u64_real_v1_counters(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(u64_fixture(DIR "v1_usage_root_real.txt", &v), 0);
	assert_int_equal(v, 371900416);
	assert_int_equal(u64_fixture(DIR "v1_usage_limited_real.txt", &v), 0);
	assert_int_equal(v, 33419264);
	assert_int_equal(u64_fixture(DIR "v1_memsw_usage_real.txt", &v), 0);
	assert_int_equal(v, 4759552);
	assert_int_equal(u64_fixture(DIR "zero.txt", &v), 0);
	assert_int_equal(v, 0);
}

// memory.stat: a cgroup's own anonymous memory (v2 "anon"; v1 "total_rss",
// hierarchical) and v1's swap, by whole key.
static void test_memory_stat(void **state)
{
	size_t len;
	char *v1 = fixture_read(DIR "v1_memory_stat_real.txt", &len), *v2;
	uint64_t v = 7;

	(void)state;
	assert_int_equal(cgfiles_parse_stat(v1, len, "total_rss", &v), 0);
	assert_int_equal(v, 85786624);
	assert_int_equal(cgfiles_parse_stat(v1, len, "rss", &v), 0);      // not rss_huge, not total_rss
	assert_int_equal(v, 85786624);
	assert_int_equal(cgfiles_parse_stat(v1, len, "rss_huge", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cgfiles_parse_stat(v1, len, "total_swap", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cgfiles_parse_stat(v1, len, "anon", &v), -ENOENT);   // v1 has no anon line
	v2 = fixture_read(DIR "v2_memory_stat.txt", &len);
	assert_int_equal(cgfiles_parse_stat(v2, len, "anon", &v), 0);
	assert_int_equal(v, 52445184);
	assert_int_equal(cgfiles_parse_stat(v2, len, "anon_thp", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cgfiles_parse_stat(v2, len, "total_rss", &v), -ENOENT);
	// A line cut before its newline holds no value; a bad value is an error.
	v = 7;
	assert_int_equal(cgfiles_parse_stat("file 4\nanon 12", 14, "anon", &v), -ENOENT);
	assert_int_equal(cgfiles_parse_stat("anon 1x2\n", 9, "anon", &v), -EINVAL);
	assert_int_equal(cgfiles_parse_stat("anon \n", 6, "anon", &v), -EINVAL);
	assert_int_equal(cgfiles_parse_stat("anon\n", 5, "anon", &v), -ENOENT);
	assert_int_equal(v, 7);
	assert_int_equal(cgfiles_parse_stat("", 0, "anon", &v), -ENOENT);
	free(v1);
	free(v2);
}

static void test_u64_edges(void **state)
{
	static const char max[] = "18446744073709551615\n";
	uint64_t v = SENTINEL;

	(void)state;
	assert_int_equal(u64_bytes(max, sizeof max - 1, &v), 0);
	assert_int_equal(v, UINT64_MAX);
	v = SENTINEL;
	assert_int_equal(u64_bytes("max\n", 4, &v), -EINVAL);   // a limit, not a counter
	assert_int_equal(u64_bytes("\n", 1, &v), -EINVAL);
	assert_int_equal(u64_bytes(" 1\n", 3, &v), -EINVAL);
	assert_int_equal(u64_bytes("1\r\n", 3, &v), -EINVAL);
	assert_int_equal(u64_bytes("1\n", 1, &v), -EINVAL);     // "1" cut before its newline
	assert_int_equal(v, SENTINEL);
}

static void test_bad_files_rejected(void **state)
{
	static const char *const bad[] = {
		"empty.txt", "garbage.txt", "limit_cut_number.txt", "limit_overflow.txt",
		"negative.txt", "trailing_junk.txt", "two_lines.txt", "limit_max_no_newline.txt",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char rel[128];

		snprintf(rel, sizeof rel, DIR "%s", bad[i]);
		assert_rejected(rel);
	}
}

static void test_limit_v2(void **state)
{
	(void)state;
	assert_unlimited(DIR "limit_max.txt");
	assert_limit(DIR "limit_512m.txt", 536870912);
	assert_limit(DIR "zero.txt", 0);
}

static void test_limit_v1(void **state)
{
	(void)state;
	assert_unlimited(DIR "v1_limit_unlimited_real.txt");          // 4 KiB pages
	assert_unlimited(DIR "v1_memsw_limit_unlimited_real.txt");
	assert_unlimited(DIR "v1_limit_unlimited_64k_pages.txt");     // arm64, ppc64
	assert_limit(DIR "v1_limit_32m_real.txt", 33554432);
}

static void test_limit_threshold(void **state)
{
	(void)state;
	assert_unlimited(DIR "limit_2pow62.txt");
	assert_limit(DIR "limit_below_2pow62.txt", CGFILES_UNLIMITED_MIN - 1);
}

static void test_limit_max_spellings(void **state)
{
	static const char *const bad[] = { "max", "MAX\n", "maximum\n", "max\n\n", " max\n", "ma\n" };
	bool unlimited = false;
	uint64_t bytes = SENTINEL;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(limit_bytes(bad[i], strlen(bad[i]), &unlimited, &bytes), -EINVAL);
	assert_false(unlimited);
	assert_int_equal(bytes, SENTINEL);
	// Every cut of "max\n" short of the whole is rejected.
	for (size_t cut = 0; cut < 4; cut++)
		assert_int_equal(limit_bytes("max\n", cut, &unlimited, &bytes), -EINVAL);
}

static void assert_mounts(const char *rel, const char *v2, const char *v1)
{
	struct cg_mounts m;

	assert_int_equal(mounts_fixture(rel, &m), 0);
	assert_string_equal(m.v2, v2);
	assert_string_equal(m.v1_memory, v1);
}

static void test_mountinfo_real_hybrid(void **state)
{
	(void)state;
	assert_mounts(DIR "mountinfo_hybrid_real.txt", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/memory");
}

static void test_mountinfo_layouts(void **state)
{
	(void)state;
	assert_mounts(DIR "mountinfo_v2_only.txt", "/sys/fs/cgroup", "");
	assert_mounts(DIR "mountinfo_v1_only.txt", "", "/sys/fs/cgroup/memory");
	assert_mounts(DIR "mountinfo_no_cgroup.txt", "", "");
	// "name=memory" is not the controller; "blkio,memory" is, co-mounted.
	assert_mounts(DIR "mountinfo_hybrid_comounted.txt", "/sys/fs/cgroup/unified",
		      "/sys/fs/cgroup/blkio,memory");
}

static void test_mountinfo_escapes(void **state)
{
	(void)state;
	assert_mounts(DIR "mountinfo_escaped.txt", "/mnt/cg 2\ttab", "/mnt/mem\\ory v1");
}

static void test_mountinfo_bad_escapes_stay(void **state)
{
	static const char text[] = "1 2 0:1 / /a\\0\\09\\400\\000\\8\\ rw - cgroup2 x rw\n";
	struct cg_mounts m;

	(void)state;
	assert_int_equal(mounts_bytes(text, sizeof text - 1, &m), 0);
	assert_string_equal(m.v2, "/a\\0\\09\\400\\000\\8\\");
}

static void test_mountinfo_root_mount_wins(void **state)
{
	static const char root_first[] =
		"1 0 0:1 / /first rw - cgroup2 cgroup2 rw\n"
		"2 0 0:1 /sub /second rw - cgroup2 cgroup2 rw\n"
		"3 0 0:1 / /third rw - cgroup2 cgroup2 rw\n";
	static const char sub_only[] =
		"1 0 0:1 /a /first rw - cgroup2 cgroup2 rw\n"
		"2 0 0:1 /b /second rw - cgroup2 cgroup2 rw\n";
	struct cg_mounts m;

	(void)state;
	assert_mounts(DIR "mountinfo_container.txt", "/host/sys/fs/cgroup", "/sys/fs/cgroup/memory");
	assert_int_equal(mounts_bytes(root_first, sizeof root_first - 1, &m), 0);
	assert_string_equal(m.v2, "/first");
	assert_int_equal(mounts_bytes(sub_only, sizeof sub_only - 1, &m), 0);
	assert_string_equal(m.v2, "/first");
}

static void test_mountinfo_long_paths(void **state)
{
	char text[600];
	struct cg_mounts m;
	int n;

	(void)state;
	// Over 255 bytes: skipped, so a later mount of the same kind is used.
	assert_mounts(DIR "mountinfo_long_path.txt", "/sys/fs/cgroup/unified", "");
	// Exactly 255 bytes fit; 256 do not.
	n = snprintf(text, sizeof text, "1 0 0:1 / /%0254d rw - cgroup2 c rw\n", 0);
	assert_int_equal(mounts_bytes(text, (size_t)n, &m), 0);
	assert_int_equal(strlen(m.v2), 255);
	n = snprintf(text, sizeof text, "1 0 0:1 / /%0255d rw - cgroup2 c rw\n", 0);
	assert_int_equal(mounts_bytes(text, (size_t)n, &m), 0);
	assert_string_equal(m.v2, "");
	// An escape that decodes to one byte counts as one.
	n = snprintf(text, sizeof text, "1 0 0:1 / /%0250d\\040abc rw - cgroup2 c rw\n", 0);
	assert_int_equal(mounts_bytes(text, (size_t)n, &m), 0);
	assert_int_equal(strlen(m.v2), 255);
}

static void test_mountinfo_truncated(void **state)
{
	(void)state;
	// Cut inside the cgroup2 line: that line is ignored, the rest stands.
	assert_mounts(DIR "mountinfo_truncated.txt", "", "/sys/fs/cgroup/memory");
}

static void test_mountinfo_malformed(void **state)
{
	static const char *const bad[] = {
		"mountinfo_no_separator.txt", "mountinfo_short_line.txt", "mountinfo_garbage.txt",
		"empty.txt", "garbage.txt", "limit_max.txt",
	};
	struct cg_mounts m;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char rel[128];

		snprintf(rel, sizeof rel, DIR "%s", bad[i]);
		assert_int_equal(mounts_fixture(rel, &m), -EINVAL);
	}
	assert_int_equal(mounts_bytes("\n", 1, &m), -EINVAL);
	assert_int_equal(mounts_bytes("1 2 3 4 5 6 - a b\n", 18, &m), -EINVAL);   // no super options
	assert_int_equal(mounts_bytes("1 2 3 4 5 - a b c\n", 18, &m), -EINVAL);   // 5 fields before "-"
}

// Every prefix of the real file parses within its bounds, and once the
// cgroup2 line is complete the result is the whole file's.
static void test_mountinfo_every_truncation(void **state)
{
	size_t len, v2_end, v1_end;
	char *full = fixture_read(DIR "mountinfo_hybrid_real.txt", &len);

	(void)state;
	v1_end = (size_t)(strstr(full, "/sys/fs/cgroup/memory ") - full);
	v1_end += (size_t)((char *)memchr(full + v1_end, '\n', len - v1_end) - (full + v1_end)) + 1;
	v2_end = len;   // the cgroup2 line is the last one
	for (size_t cut = 0; cut <= len; cut++) {
		struct cg_mounts m;
		int rc = mounts_bytes(full, cut, &m);

		if (cut < (size_t)((char *)memchr(full, '\n', len) - full) + 1) {
			assert_int_equal(rc, -EINVAL);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(m.v1_memory, cut >= v1_end ? "/sys/fs/cgroup/memory" : "");
		assert_string_equal(m.v2, cut >= v2_end ? "/sys/fs/cgroup/unified" : "");
	}
	free(full);
}

static void test_controllers(void **state)
{
	(void)state;
	// Hybrid: memory is bound to v1, so the cgroup2 root does not offer it.
	assert_false(controllers_fixture(DIR "controllers_hybrid_real.txt", "memory"));
	assert_true(controllers_fixture(DIR "controllers_hybrid_real.txt", "hugetlb"));
	assert_false(controllers_fixture(DIR "controllers_child_empty_real.txt", "memory"));
	assert_true(controllers_fixture(DIR "controllers_v2.txt", "memory"));
	assert_true(controllers_fixture(DIR "controllers_v2.txt", "cpuset"));
	assert_true(controllers_fixture(DIR "controllers_v2.txt", "misc"));
	assert_false(controllers_fixture(DIR "controllers_v2.txt", "mem"));
	assert_false(controllers_fixture(DIR "controllers_v2.txt", ""));
	assert_false(controllers_fixture(DIR "controllers_no_memory.txt", "memory"));
	assert_false(controllers_fixture(DIR "controllers_lookalikes.txt", "memory"));
	// A cut file: whole words still count, the cut one is what is left.
	assert_false(controllers_fixture(DIR "controllers_truncated.txt", "memory"));
	assert_true(controllers_fixture(DIR "controllers_truncated.txt", "io"));
	assert_true(controllers_fixture(DIR "controllers_truncated.txt", "memo"));
}

static void assert_psi_line(const struct psi_line *l, double a10, double a60, double a300, uint64_t total)
{
	assert_true(l->valid);
	assert_float_equal(l->avg10, a10, 1e-9);
	assert_float_equal(l->avg60, a60, 1e-9);
	assert_float_equal(l->avg300, a300, 1e-9);
	assert_int_equal(l->total_us, total);
}

static void test_memory_pressure_real(void **state)
{
	struct psi p;

	(void)state;
	// A v2 cgroup without the memory controller, under a v1 memory limit.
	assert_int_equal(psi_fixture(DIR "v2_child_pressure_loaded_real.txt", &p), 0);
	assert_psi_line(&p.some, 5.66, 1.09, 0.23, 829448);
	assert_psi_line(&p.full, 5.66, 1.09, 0.23, 829448);
	assert_int_equal(psi_fixture(DIR "v2_child_pressure_idle_real.txt", &p), 0);
	assert_psi_line(&p.some, 0, 0, 0, 0);
	assert_psi_line(&p.full, 0, 0, 0, 0);
	assert_int_equal(psi_fixture(DIR "v2_root_pressure_real.txt", &p), 0);
	assert_psi_line(&p.some, 0.22, 3.30, 1.79, 7334595);
	assert_psi_line(&p.full, 0.19, 2.73, 1.43, 5953580);
}

static void test_memory_pressure_handmade(void **state)
{
	struct psi p;

	(void)state;
	assert_int_equal(psi_fixture(DIR "v2_pressure_loaded.txt", &p), 0);
	assert_psi_line(&p.some, 12.50, 4.00, 1.00, 1234567);
	assert_psi_line(&p.full, 10.25, 3.50, 0.75, 1000000);
	assert_int_equal(psi_fixture(DIR "v2_pressure_truncated.txt", &p), 0);
	assert_psi_line(&p.some, 5.66, 1.09, 0.23, 829448);
	assert_false(p.full.valid);
	assert_int_equal(psi_fixture(DIR "empty.txt", &p), -EINVAL);
	assert_int_equal(psi_fixture(DIR "limit_max.txt", &p), -EINVAL);
}

/* ---- cgroup paths ---- */

// Plain absolute paths pass; anything that could leave the hierarchy or is
// a sanitiser's escape rather than the real name does not.
static void test_check_path(void **state)
{
	static const char *const good[] = {
		"/", "/a", "/system.slice/ssh.service", "/user.slice/a b.scope", "/...", "/.a", "/a.",
		"/a..b", "/process_api/81a865c637089d5481ed830196ceffbf", "/\xc3\xa9t\xc3\xa9",
	};
	static const char *const bad[] = {
		"", "a", "./a", "../a", "/..", "/.", "/../a", "/a/..", "/a/../b", "/./a", "/a/./b", "/a/.",
		"//a", "/a//b", "/a/", "/a\\x1b", "/a\\\\b", "\\/a", "/a\nb", "/a\tb", "/a\x7f", "/\x01",
	};

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (cgfiles_check_path(good[i]) != 0)
			fail_msg("refused '%s'", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (cgfiles_check_path(bad[i]) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
}

static int oom_kill_fixture(const char *rel, uint64_t *v)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = cgfiles_parse_oom_kill(buf, len, v);

	free(buf);
	return rc;
}

// v2 memory.events and v1 memory.oom_control: the oom_kill line, not
// oom_kill_disable's or oom_group_kill's; none on old kernels (unknown, not 0).
static void test_oom_kill(void **state)
{
	uint64_t v = SENTINEL;

	(void)state;
	assert_int_equal(oom_kill_fixture(DIR "v1_oom_control_real.txt", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(oom_kill_fixture(DIR "v1_oom_control_killed_real.txt", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(oom_kill_fixture(DIR "v2_memory_events.txt", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(oom_kill_fixture(DIR "v2_memory_events_max.txt", &v), 0);
	assert_int_equal(v, UINT64_MAX);
	v = SENTINEL;
	assert_int_equal(oom_kill_fixture(DIR "v1_oom_control_old.txt", &v), -ENOENT);
	assert_int_equal(oom_kill_fixture(DIR "v2_memory_events_cut.txt", &v), -ENOENT);
	assert_int_equal(oom_kill_fixture(DIR "v1_oom_control_bad.txt", &v), -EINVAL);
	assert_int_equal(oom_kill_fixture(DIR "empty.txt", &v), -ENOENT);
	assert_int_equal(v, SENTINEL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_real_v1_counters),
		cmocka_unit_test(test_u64_edges),
		cmocka_unit_test(test_bad_files_rejected),
		cmocka_unit_test(test_limit_v2),
		cmocka_unit_test(test_limit_v1),
		cmocka_unit_test(test_limit_threshold),
		cmocka_unit_test(test_limit_max_spellings),
		cmocka_unit_test(test_mountinfo_real_hybrid),
		cmocka_unit_test(test_mountinfo_layouts),
		cmocka_unit_test(test_mountinfo_escapes),
		cmocka_unit_test(test_mountinfo_bad_escapes_stay),
		cmocka_unit_test(test_mountinfo_root_mount_wins),
		cmocka_unit_test(test_mountinfo_long_paths),
		cmocka_unit_test(test_mountinfo_truncated),
		cmocka_unit_test(test_mountinfo_malformed),
		cmocka_unit_test(test_mountinfo_every_truncation),
		cmocka_unit_test(test_controllers),
		cmocka_unit_test(test_memory_pressure_real),
		cmocka_unit_test(test_memory_pressure_handmade),
		cmocka_unit_test(test_check_path),
		cmocka_unit_test(test_memory_stat),
		cmocka_unit_test(test_oom_kill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
