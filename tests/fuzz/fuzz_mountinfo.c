/* fuzz_mountinfo.c — cgfiles_parse_mountinfo (/proc/self/mountinfo) on
 * arbitrary bytes. */
#include <errno.h>

#include "proc/cgfiles.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	struct cg_mounts m;
	int rc = cgfiles_parse_mountinfo(buf, size, &m);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	if (rc == 0) {
		// Both paths are NUL-terminated inside their arrays.
		FUZZ_CHECK(strnlen(m.v2, sizeof m.v2) < sizeof m.v2);
		FUZZ_CHECK(strnlen(m.v1_memory, sizeof m.v1_memory) < sizeof m.v1_memory);
		// A mount found means a cgroup line was there.
		FUZZ_CHECK(m.v2[0] == '\0' || fuzz_is_substring(buf, size, "cgroup2 "));
		FUZZ_CHECK(m.v1_memory[0] == '\0' || fuzz_is_substring(buf, size, "memory"));
	}
	free(buf);
	return 0;
}
