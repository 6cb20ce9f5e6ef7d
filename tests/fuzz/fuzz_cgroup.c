/* fuzz_cgroup.c — procparse_cgroup and procparse_cgroup_paths (the lines of
 * /proc/PID/cgroup) on arbitrary bytes, into exact-size output buffers of a
 * few capacities so that ASan sees any write past them. */
#include <errno.h>

#include "fuzz.h"
#include "proc/procparse.h"

// The output fits its capacity and is a copy of bytes of the input.
static void check_path(const char *out, size_t cap, const char *buf, size_t len)
{
	size_t n = strnlen(out, cap);

	FUZZ_CHECK(n < cap);
	FUZZ_CHECK(fuzz_is_substring(buf, len, out));
}

// Runs both parsers with outputs of cap bytes.
static void fuzz_cap(const char *buf, size_t len, size_t cap)
{
	char *one = malloc(cap), *v2 = malloc(cap), *v1 = malloc(cap);
	int rc, rc2;

	FUZZ_CHECK(one && v2 && v1);
	rc = procparse_cgroup(buf, len, one, cap);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	check_path(one, cap, buf, len);
	rc2 = procparse_cgroup_paths(buf, len, v2, cap, v1, cap);
	FUZZ_CHECK(rc2 == rc);     // both walk the same lines and accept the same text
	check_path(v2, cap, buf, len);
	check_path(v1, cap, buf, len);
	free(one);
	free(v2);
	free(v1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 1, 2, 16, 4096 };
	char *buf = fuzz_copy(data, size, false);

	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
		fuzz_cap(buf, size, caps[i]);
	free(buf);
	return 0;
}
