/* fuzz_tmpfs.c — memparts_parse_tmpfs_mounts (the tmpfs mounts of
 * /proc/self/mountinfo, through cgfiles_mountinfo_next) on arbitrary bytes. */
#include <errno.h>

#include "fuzz.h"
#include "proc/memparts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	struct tmpfs_mount out[4];
	size_t n = 0, seen = 0;
	int rc = memparts_parse_tmpfs_mounts(buf, size, out, 4, &n, &seen);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	FUZZ_CHECK(n <= 4 && n <= seen);
	FUZZ_CHECK(n == 0 || fuzz_is_substring(buf, size, " tmpfs "));
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(strnlen(out[i].path, sizeof out[i].path) < sizeof out[i].path);
		// One per device.
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(out[j].major != out[i].major || out[j].minor != out[i].minor);
	}
	free(buf);
	return 0;
}
