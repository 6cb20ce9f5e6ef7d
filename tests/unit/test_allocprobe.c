/* test_allocprobe.c — finding a process's allocator in /proc/PID/maps text
 * (alloc_probe_find_allocator: glibc, jemalloc or tcmalloc preloaded, a
 * static program, a deleted library, paths with spaces, cut and malformed
 * lines), and what attaching refuses before it touches the kernel. */
#include "fixture.h"

#include "proc/allocprobe.h"

static int find_fixture(const char *rel, struct alloc_maps *m)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = alloc_probe_find_allocator(buf, len, m);

	free(buf);
	return rc;
}

static int find_bytes(const char *s, struct alloc_maps *m)
{
	size_t len = strlen(s);
	char *buf = test_bytes(s, len);
	int rc = alloc_probe_find_allocator(buf, len, m);

	free(buf);
	return rc;
}

static struct alloc_maps *maps_new(void)
{
	struct alloc_maps *m = malloc(sizeof *m);

	assert_non_null(m);
	return m;
}

static void test_glibc(void **state)
{
	struct alloc_maps *m = maps_new();

	(void)state;
	assert_int_equal(find_fixture("allocprobe/maps-glibc.txt", m), 0);
	assert_int_equal(m->use, ALLOC_LIB_GLIBC);
	assert_string_equal(m->exe.path, "/opt/app/bin/allocleak");
	assert_string_equal(m->lib[ALLOC_LIB_GLIBC].path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	// All five of its mappings: the first's start to the last's end.
	assert_true(m->lib[ALLOC_LIB_GLIBC].lo == 0x7f448334b000ull);
	assert_true(m->lib[ALLOC_LIB_GLIBC].hi == 0x7f4483520000ull);
	assert_true(m->lib[ALLOC_LIB_GLIBC].first_lo == 0x7f448334b000ull);
	assert_true(m->lib[ALLOC_LIB_GLIBC].first_hi == 0x7f4483371000ull);
	assert_false(m->lib[ALLOC_LIB_GLIBC].deleted);
	assert_string_equal(m->lib[ALLOC_LIB_JEMALLOC].path, "");
	assert_string_equal(m->lib[ALLOC_LIB_TCMALLOC].path, "");
	free(m);
}

static void test_jemalloc_wins_over_libc(void **state)
{
	struct alloc_maps *m = maps_new();

	(void)state;
	assert_int_equal(find_fixture("allocprobe/maps-jemalloc.txt", m), 0);
	assert_int_equal(m->use, ALLOC_LIB_JEMALLOC);
	assert_string_equal(m->lib[ALLOC_LIB_JEMALLOC].path, "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");
	assert_true(m->lib[ALLOC_LIB_JEMALLOC].lo == 0x7f0000100000ull);
	assert_true(m->lib[ALLOC_LIB_JEMALLOC].hi == 0x7f00001f0000ull);
	// libc is still found: mmap and munmap are probed there.
	assert_string_equal(m->lib[ALLOC_LIB_GLIBC].path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	free(m);
}

static void test_tcmalloc(void **state)
{
	struct alloc_maps *m = maps_new();

	(void)state;
	assert_int_equal(find_fixture("allocprobe/maps-tcmalloc.txt", m), 0);
	assert_int_equal(m->use, ALLOC_LIB_TCMALLOC);
	assert_string_equal(m->lib[ALLOC_LIB_TCMALLOC].path, "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4");
	free(m);
}

static void test_static_program(void **state)
{
	struct alloc_maps *m = maps_new();

	(void)state;
	assert_int_equal(find_bytes("00400000-00401000 r--p 00000000 fe:00 77 /usr/local/bin/static-thing\n"
				    "00401000-00480000 r-xp 00001000 fe:00 77 /usr/local/bin/static-thing\n"
				    "01234000-01256000 rw-p 00000000 00:00 0 [heap]\n"
				    "7ffd0000-7ffd2000 rw-p 00000000 00:00 0 [stack]\n", m), 0);
	assert_int_equal(m->use, ALLOC_LIB_NONE);
	assert_string_equal(m->exe.path, "/usr/local/bin/static-thing");
	assert_true(m->exe.lo == 0x400000 && m->exe.hi == 0x480000);
	free(m);
}

static void test_deleted_library(void **state)
{
	struct alloc_maps *m = maps_new();

	(void)state;
	assert_int_equal(find_bytes("1000-2000 r-xp 00000000 fe:00 5 /bin/app\n"
				    "7f00-8f00 r--p 00000000 fe:00 9 /tmp/dl/libc.so.6 (deleted)\n"
				    "8f00-9f00 r-xp 00001000 fe:00 9 /tmp/dl/libc.so.6 (deleted)\n", m), 0);
	assert_int_equal(m->use, ALLOC_LIB_GLIBC);
	assert_string_equal(m->lib[ALLOC_LIB_GLIBC].path, "/tmp/dl/libc.so.6");
	assert_true(m->lib[ALLOC_LIB_GLIBC].deleted);
	assert_true(m->lib[ALLOC_LIB_GLIBC].first_lo == 0x7f00 && m->lib[ALLOC_LIB_GLIBC].first_hi == 0x8f00);
	assert_true(m->lib[ALLOC_LIB_GLIBC].hi == 0x9f00);
	free(m);
}

static void test_names_matched_exactly(void **state)
{
	struct alloc_maps *m = maps_new();

	(void)state;
	// Neither libc.so.6.bak, libcrypto, libc.so.6x nor a directory named libc.so.6.
	assert_int_equal(find_bytes("1000-2000 r-xp 00000000 fe:00 5 /bin/app\n"
				    "3000-4000 r-xp 00000000 fe:00 6 /lib/libc.so.6.bak\n"
				    "5000-6000 r-xp 00000000 fe:00 7 /lib/libcrypto.so.3\n"
				    "7000-8000 r-xp 00000000 fe:00 8 /lib/libc.so.6x\n"
				    "9000-a000 r-xp 00000000 fe:00 9 /lib/libc.so.6/other.so\n"
				    "b000-c000 r-xp 00000000 fe:00 10 /lib/libjemalloc_helper.so\n", m), 0);
	assert_int_equal(m->use, ALLOC_LIB_NONE);
	// glibc's older name, libc-2.31.so, is one.
	assert_int_equal(find_bytes("1000-2000 r-xp 00000000 fe:00 5 /bin/app\n"
				    "3000-4000 r-xp 00000000 fe:00 6 /lib/libc-2.31.so\n", m), 0);
	assert_int_equal(m->use, ALLOC_LIB_GLIBC);
	free(m);
}

static void test_path_with_spaces(void **state)
{
	struct alloc_maps *m = maps_new();

	(void)state;
	assert_int_equal(find_bytes("1000-2000 r-xp 00000000 fe:00 5   /opt/my app/bin/x y\n"
				    "3000-4000 r-xp 00000000 fe:00 6 /opt/my app/lib/libc.so.6\n", m), 0);
	assert_string_equal(m->exe.path, "/opt/my app/bin/x y");
	assert_string_equal(m->lib[ALLOC_LIB_GLIBC].path, "/opt/my app/lib/libc.so.6");
	free(m);
}

static void test_second_copy_ignored(void **state)
{
	struct alloc_maps *m = maps_new();

	(void)state;
	// Another libc (a namespace's, dlmopen): the first one's range is kept.
	assert_int_equal(find_bytes("1000-2000 r-xp 00000000 fe:00 5 /bin/app\n"
				    "3000-4000 r-xp 00000000 fe:00 6 /lib/libc.so.6\n"
				    "5000-6000 r-xp 00000000 fe:00 7 /other/libc.so.6\n"
				    "6000-7000 r--p 00001000 fe:00 6 /lib/libc.so.6\n", m), 0);
	assert_string_equal(m->lib[ALLOC_LIB_GLIBC].path, "/lib/libc.so.6");
	assert_true(m->lib[ALLOC_LIB_GLIBC].lo == 0x3000 && m->lib[ALLOC_LIB_GLIBC].hi == 0x7000);
	free(m);
}

static void test_nothing_mapped(void **state)
{
	struct alloc_maps *m = maps_new();

	(void)state;
	assert_int_equal(find_bytes("", m), -ENOENT);               // a kernel thread
	assert_int_equal(find_bytes("01234000-01256000 rw-p 00000000 00:00 0 [heap]\n", m), -ENOENT);
	assert_int_equal(m->use, ALLOC_LIB_NONE);
	free(m);
}

static void test_malformed_lines_skipped(void **state)
{
	struct alloc_maps *m = maps_new();

	(void)state;
	assert_int_equal(find_bytes("garbage\n"
				    "2000-1000 r-xp 00000000 fe:00 5 /bin/backwards\n"
				    "1000-2000 r-xp 00000000 fe:00 0 /bin/inode-zero\n"
				    "1000-2000 r-xp\n"
				    "1000-2000 r-xp 00000000 fe:00 5 relative/path\n"
				    "1000-2000 r-xp 00000000 fe:00 5 /bin/real\n"
				    "3000-4000 r-xp 00000000 fe:00 6 /lib/libc.so.6", m), 0);   // no final newline
	assert_string_equal(m->exe.path, "/bin/real");
	assert_int_equal(m->use, ALLOC_LIB_GLIBC);
	free(m);
}

static void test_every_truncation(void **state)
{
	size_t len;
	char *full = fixture_read("allocprobe/maps-jemalloc.txt", &len);
	struct alloc_maps *m = maps_new();

	(void)state;
	// Any prefix parses without reading past its end (ASan), and finds
	// jemalloc once its whole first line is there.
	for (size_t n = 0; n <= len; n++) {
		char *cut = test_bytes(full, n);
		int rc = alloc_probe_find_allocator(cut, n, m);
		const char *je = strstr(full, "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n");

		assert_true(rc == 0 || rc == -ENOENT);
		if (je && n >= (size_t)(je - full) + strlen("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"))
			assert_int_equal(m->use, ALLOC_LIB_JEMALLOC);
		free(cut);
	}
	free(m);
	free(full);
}

static void test_attach_refuses_before_the_kernel(void **state)
{
	struct alloc_options opt = { .sample_every = 1 };
	struct alloc_probe *p = (struct alloc_probe *)&opt;     // must be set to NULL
	char why[160];

	(void)state;
	assert_int_equal(alloc_probe_attach(&p, 0, 0, &opt, why, sizeof why), alloc_probe_built() ? -ESRCH : -ENOTSUP);
	assert_null(p);
	assert_non_null(strchr(why, ' '));
	assert_null(strchr(why, '\n'));
	assert_int_equal(alloc_probe_attach(&p, -5, 0, &opt, why, sizeof why), alloc_probe_built() ? -ESRCH : -ENOTSUP);
	// A tiny why buffer is cut, still terminated.
	assert_int_equal(alloc_probe_attach(&p, 0, 0, &opt, why, 4), alloc_probe_built() ? -ESRCH : -ENOTSUP);
	assert_true(strlen(why) <= 3);
	alloc_probe_detach(NULL);
	assert_string_equal(alloc_probe_allocator(NULL), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glibc),
		cmocka_unit_test(test_jemalloc_wins_over_libc),
		cmocka_unit_test(test_tcmalloc),
		cmocka_unit_test(test_static_program),
		cmocka_unit_test(test_deleted_library),
		cmocka_unit_test(test_names_matched_exactly),
		cmocka_unit_test(test_path_with_spaces),
		cmocka_unit_test(test_second_copy_ignored),
		cmocka_unit_test(test_nothing_mapped),
		cmocka_unit_test(test_malformed_lines_skipped),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_attach_refuses_before_the_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
