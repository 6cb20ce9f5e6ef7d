/* fuzz_allocmaps.c — alloc_probe_find_allocator (allocprobe.c: which
 * allocator a process uses, from its /proc/PID/maps text) on arbitrary
 * bytes. */
#include <errno.h>

#include "fuzz.h"
#include "proc/allocprobe.h"

static void check_map(const struct alloc_lib_map *m, const char *buf, size_t size)
{
	size_t len = strnlen(m->path, sizeof m->path);

	FUZZ_CHECK(len < sizeof m->path);
	if (!len)
		return;
	// A path as the input spelled it: absolute, one line, its range sane.
	FUZZ_CHECK(m->path[0] == '/' && !memchr(m->path, '\n', len));
	FUZZ_CHECK(memmem(buf, size, m->path, len) != NULL);
	FUZZ_CHECK(m->lo < m->hi && m->lo <= m->first_lo && m->first_lo < m->first_hi && m->first_hi <= m->hi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	struct alloc_maps *m = malloc(sizeof *m);
	int rc;

	FUZZ_CHECK(m != NULL);
	rc = alloc_probe_find_allocator(buf, size, m);
	FUZZ_CHECK(rc == 0 || rc == -ENOENT);
	FUZZ_CHECK((rc == 0) == (m->exe.path[0] != '\0'));
	check_map(&m->exe, buf, size);
	for (int k = 0; k < ALLOC_LIB_N; k++)
		check_map(&m->lib[k], buf, size);
	FUZZ_CHECK(m->use == ALLOC_LIB_NONE || m->lib[m->use].path[0]);
	FUZZ_CHECK(m->lib[ALLOC_LIB_NONE].path[0] == '\0');
	// jemalloc first, then tcmalloc, then glibc.
	if (m->lib[ALLOC_LIB_JEMALLOC].path[0])
		FUZZ_CHECK(m->use == ALLOC_LIB_JEMALLOC);
	else if (m->lib[ALLOC_LIB_TCMALLOC].path[0])
		FUZZ_CHECK(m->use == ALLOC_LIB_TCMALLOC);
	free(m);
	free(buf);
	return 0;
}
