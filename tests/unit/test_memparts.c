/* test_memparts.c — the memory breakdown's parsers (proc/memparts.h) on
 * captured and hand-written /proc/slabinfo, /proc/sysvipc/shm and
 * mountinfo text: values, the largest kept in order, caps, cut and
 * malformed text, and the mountinfo line reader they share with the cgroup
 * mounts (cgfiles_mountinfo_next). */
#include "fixture.h"

#include "proc/cgfiles.h"
#include "proc/memparts.h"

static void test_slabinfo_real(void **state)
{
	struct slab_part out[MEMPARTS_SLAB_MAX];
	size_t len, n, seen;
	char *buf = fixture_read("memparts/slabinfo_real.txt", &len);

	(void)state;
	assert_int_equal(memparts_parse_slabinfo(buf, len, 4, out, MEMPARTS_SLAB_MAX, &n, &seen), 0);
	assert_int_equal(seen, 235);              // 237 lines: the version and the header
	assert_int_equal(n, MEMPARTS_SLAB_MAX);
	// ext4_inode_cache: 4441 slabs of 4 pages; dentry: 7593 of 1.
	assert_string_equal(out[0].name, "ext4_inode_cache");
	assert_int_equal(out[0].kb, 4441 * 4 * 4);
	assert_int_equal(out[0].objsize, 1128);
	assert_int_equal(out[0].active_objs, 62167);
	assert_int_equal(out[0].num_objs, 62174);
	assert_string_equal(out[1].name, "dentry");
	assert_int_equal(out[1].kb, 7593 * 4);
	for (size_t i = 1; i < n; i++)
		assert_true(out[i - 1].kb >= out[i].kb);
	// A smaller cap keeps the same largest ones.
	assert_int_equal(memparts_parse_slabinfo(buf, len, 4, out, 2, &n, &seen), 0);
	assert_int_equal(n, 2);
	assert_int_equal(seen, 235);
	assert_string_equal(out[1].name, "dentry");
	// 64 KiB pages (arm64, ppc64) make every cache 16 times bigger.
	assert_int_equal(memparts_parse_slabinfo(buf, len, 64, out, 1, &n, &seen), 0);
	assert_int_equal(out[0].kb, 4441 * 4 * 64);
	free(buf);
}

static void test_slabinfo_bad(void **state)
{
	static const char v20[] = "slabinfo - version: 2.0\nfoo 1 1 1 1 1 : tunables 0 0 0 : slabdata 1 1 0\n";
	static const char garbage[] = "slabinfo - version: 2.1\nfoo 1 x 1 1 1 : tunables 0 0 0 : slabdata 1 1 0\n";
	static const char nodata[] = "slabinfo - version: 2.1\nfoo 1 1 1 1 1 : tunables 0 0 0\n";
	static const char cut[] = "slabinfo - version: 2.1\n# name\nfoo 1 1 64 1 1 : tunables 0 0 0 : slabdata 1 1 0\n"
				  "bar 1 1 64 1 1 : tunab";
	static const char huge[] = "slabinfo - version: 2.1\n"
				   "big 1 1 64 1 18446744073709551615 : tunables 0 0 0 : slabdata 1 18446744073709551615 0\n";
	struct slab_part out[4];
	size_t n, seen;
	char *b;

	(void)state;
	b = test_bytes(v20, sizeof v20 - 1);
	assert_int_equal(memparts_parse_slabinfo(b, sizeof v20 - 1, 4, out, 4, &n, &seen), -EINVAL);
	free(b);
	b = test_bytes(garbage, sizeof garbage - 1);
	assert_int_equal(memparts_parse_slabinfo(b, sizeof garbage - 1, 4, out, 4, &n, &seen), -EINVAL);
	free(b);
	b = test_bytes(nodata, sizeof nodata - 1);
	assert_int_equal(memparts_parse_slabinfo(b, sizeof nodata - 1, 4, out, 4, &n, &seen), -EINVAL);
	free(b);
	b = test_bytes(cut, sizeof cut - 1);             // the cut last line is not counted
	assert_int_equal(memparts_parse_slabinfo(b, sizeof cut - 1, 4, out, 4, &n, &seen), 0);
	assert_int_equal(n, 1);
	assert_int_equal(seen, 1);
	assert_string_equal(out[0].name, "foo");
	assert_int_equal(out[0].kb, 4);
	free(b);
	b = test_bytes(huge, sizeof huge - 1);           // saturates, never wraps to small
	assert_int_equal(memparts_parse_slabinfo(b, sizeof huge - 1, 4, out, 4, &n, &seen), 0);
	assert_int_equal(out[0].kb, UINT64_MAX);
	free(b);
	assert_int_equal(memparts_parse_slabinfo(NULL, 0, 4, out, 4, &n, &seen), -EINVAL);
}

// A control character in a cache name arrives escaped.
static void test_slabinfo_name_sanitised(void **state)
{
	static const char text[] = "slabinfo - version: 2.1\n\x1b[31mevil 1 1 64 1 1 : tunables 0 0 0 : slabdata 1 1 0\n";
	struct slab_part out[1];
	size_t n, seen;
	char *b = test_bytes(text, sizeof text - 1);

	(void)state;
	assert_int_equal(memparts_parse_slabinfo(b, sizeof text - 1, 4, out, 1, &n, &seen), 0);
	assert_null(strchr(out[0].name, '\x1b'));
	assert_non_null(strstr(out[0].name, "evil"));
	free(b);
}

static void test_shm_real_and_rss(void **state)
{
	struct shm_part out[MEMPARTS_SHM_MAX];
	size_t len, n, seen;
	uint64_t sum;
	char *buf = fixture_read("memparts/sysvipc_shm_real.txt", &len);

	(void)state;
	assert_int_equal(memparts_parse_sysvipc_shm(buf, len, out, MEMPARTS_SHM_MAX, &n, &seen, &sum), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].key, -302658716);
	assert_int_equal(out[0].shmid, 0);
	assert_int_equal(out[0].size_kb, 2048);
	assert_true(out[0].have_rss);
	assert_int_equal(out[0].rss_kb, 0);          // created, never touched
	assert_int_equal(out[0].cpid, 28576);
	assert_int_equal(sum, 0);
	free(buf);

	buf = fixture_read("memparts/sysvipc_shm_rss.txt", &len);
	assert_int_equal(memparts_parse_sysvipc_shm(buf, len, out, MEMPARTS_SHM_MAX, &n, &seen, &sum), 0);
	assert_int_equal(n, 3);
	assert_int_equal(seen, 3);
	assert_int_equal(sum, 1024 + 32768 + 8);
	assert_int_equal(out[0].shmid, 2);           // largest rss first
	assert_int_equal(out[0].rss_kb, 32768);
	assert_int_equal(out[0].swap_kb, 4096);
	assert_int_equal(out[1].shmid, 1);
	assert_int_equal(out[2].shmid, 3);
	assert_int_equal(out[2].nattch, 3);
	assert_int_equal(out[2].lpid, 301);
	// A cap of 2: the smallest falls out, the sum still counts it.
	assert_int_equal(memparts_parse_sysvipc_shm(buf, len, out, 2, &n, &seen, &sum), 0);
	assert_int_equal(n, 2);
	assert_int_equal(seen, 3);
	assert_int_equal(sum, 1024 + 32768 + 8);
	assert_int_equal(out[1].shmid, 1);
	free(buf);
}

// Kernels before rss and swap: sizes stand in for them.
static void test_shm_old_kernel(void **state)
{
	struct shm_part out[4];
	size_t len, n, seen;
	uint64_t sum;
	char *buf = fixture_read("memparts/sysvipc_shm_old.txt", &len);

	(void)state;
	assert_int_equal(memparts_parse_sysvipc_shm(buf, len, out, 4, &n, &seen, &sum), 0);
	assert_int_equal(n, 2);
	assert_false(out[0].have_rss);
	assert_int_equal(out[0].shmid, 32769);       // the larger by size
	assert_int_equal(out[0].key, 1234567890);
	assert_int_equal(out[0].size_kb, 10240);
	assert_int_equal(sum, 10240 + 512);
	free(buf);
}

static void test_shm_bad(void **state)
{
	static const char noheader[] = "   0   1   600  4096  1  1  0\n";
	static const char badline[] = "key shmid perms size cpid lpid nattch\n0 1 600 4x96 1 1 0\n";
	static const char cut[] = "key shmid perms size cpid lpid nattch\n0 1 600 4096 1 1 0\n5 2 600 81";
	struct shm_part out[4];
	size_t n, seen;
	uint64_t sum;
	char *b;

	(void)state;
	b = test_bytes(noheader, sizeof noheader - 1);
	assert_int_equal(memparts_parse_sysvipc_shm(b, sizeof noheader - 1, out, 4, &n, &seen, &sum), -EINVAL);
	free(b);
	b = test_bytes(badline, sizeof badline - 1);
	assert_int_equal(memparts_parse_sysvipc_shm(b, sizeof badline - 1, out, 4, &n, &seen, &sum), -EINVAL);
	free(b);
	b = test_bytes(cut, sizeof cut - 1);
	assert_int_equal(memparts_parse_sysvipc_shm(b, sizeof cut - 1, out, 4, &n, &seen, &sum), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].size_kb, 4);
	free(b);
	assert_int_equal(memparts_parse_sysvipc_shm(NULL, 0, out, 4, &n, &seen, &sum), -EINVAL);
}

// One per device (the bind mount of /dev/shm is the same tmpfs), escapes
// decoded, other filesystems left out.
static void test_tmpfs_mounts(void **state)
{
	struct tmpfs_mount out[4];
	size_t len, n, seen;
	char *buf = fixture_read("memparts/mountinfo_tmpfs.txt", &len);

	(void)state;
	assert_int_equal(memparts_parse_tmpfs_mounts(buf, len, out, 4, &n, &seen), 0);
	assert_int_equal(n, 2);
	assert_int_equal(seen, 2);
	assert_string_equal(out[0].path, "/dev/shm");
	assert_int_equal(out[0].major, 0);
	assert_int_equal(out[0].minor, 23);
	assert_string_equal(out[1].path, "/run/user/1000 x");
	assert_int_equal(out[1].minor, 30);
	// A cap of one still counts both.
	assert_int_equal(memparts_parse_tmpfs_mounts(buf, len, out, 1, &n, &seen), 0);
	assert_int_equal(n, 1);
	assert_int_equal(seen, 2);
	free(buf);
}

static void test_mountinfo_next(void **state)
{
	static const char bad[] = "22 1 8:1 / / rw,relatime shared:1 ext4 /dev/sda1 rw\n";
	static const char baddev[] = "22 1 8-1 / / rw - ext4 /dev/sda1 rw\n";
	static const char cut[] = "22 1 8:1 / / rw - ext4 /dev/sda1 rw";
	struct cgfiles_mount m;
	const char *p;
	char *b;

	(void)state;
	b = test_bytes(bad, sizeof bad - 1);
	p = b;
	assert_int_equal(cgfiles_mountinfo_next(&p, b + sizeof bad - 1, &m), -EINVAL);
	free(b);
	b = test_bytes(baddev, sizeof baddev - 1);
	p = b;
	assert_int_equal(cgfiles_mountinfo_next(&p, b + sizeof baddev - 1, &m), -EINVAL);
	free(b);
	b = test_bytes(cut, sizeof cut - 1);
	p = b;
	assert_int_equal(cgfiles_mountinfo_next(&p, b + sizeof cut - 1, &m), 0);
	free(b);
}

// A type with a NUL in it is not "tmpfs" (the fuzzer's find: "tmpfs\0s").
static void test_tmpfs_type_with_nul(void **state)
{
	static const char text[] = "23 22 0:23 / /x rw - tmpfs\0s tmpfs rw\n";
	struct tmpfs_mount out[1];
	size_t n, seen;
	char *b = test_bytes(text, sizeof text - 1);

	(void)state;
	assert_int_equal(memparts_parse_tmpfs_mounts(b, sizeof text - 1, out, 1, &n, &seen), 0);
	assert_int_equal(n, 0);
	assert_int_equal(seen, 0);
	free(b);
}

// The largest kept, in order, whatever order they arrive in; ties keep the
// first.
static void test_keep_tmpfs(void **state)
{
	struct tmpfs_part out[3], p = { 0 };
	static const uint64_t sizes[] = { 5, 1, 9, 7, 3, 9 };
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		p.used_kb = sizes[i];
		p.minor = (uint32_t)i;
		memparts_keep_tmpfs(out, 3, &n, &p);
	}
	assert_int_equal(n, 3);
	assert_int_equal(out[0].used_kb, 9);
	assert_int_equal(out[0].minor, 2);
	assert_int_equal(out[1].used_kb, 9);
	assert_int_equal(out[1].minor, 5);
	assert_int_equal(out[2].used_kb, 7);
	memparts_keep_tmpfs(out, 0, &n, &p);           // cap 0: nothing
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slabinfo_real),
		cmocka_unit_test(test_slabinfo_bad),
		cmocka_unit_test(test_slabinfo_name_sanitised),
		cmocka_unit_test(test_shm_real_and_rss),
		cmocka_unit_test(test_shm_old_kernel),
		cmocka_unit_test(test_shm_bad),
		cmocka_unit_test(test_tmpfs_mounts),
		cmocka_unit_test(test_mountinfo_next),
		cmocka_unit_test(test_tmpfs_type_with_nul),
		cmocka_unit_test(test_keep_tmpfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
