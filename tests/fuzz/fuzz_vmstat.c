/* fuzz_vmstat.c — procparse_vmstat_oom_kill (the oom_kill line of
 * /proc/vmstat) on arbitrary bytes. */
#include <errno.h>

#include "fuzz.h"
#include "proc/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	const char *last_nl = size ? memrchr(buf, '\n', size) : NULL;
	size_t whole = last_nl ? (size_t)(last_nl - buf) + 1 : 0;
	uint64_t v = 0, again = 0;
	int rc = procparse_vmstat_oom_kill(buf, size, &v);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOENT);
	// A value comes from a line with the key, its separator and a newline.
	FUZZ_CHECK(rc != 0 || (size >= 11 && fuzz_is_substring(buf, size, "oom_kill ")));
	// Only complete lines count: the text up to its last newline (what a
	// read cut short keeps) gives the same value.
	if (rc == 0) {
		FUZZ_CHECK(procparse_vmstat_oom_kill(buf, whole, &again) == 0);
		FUZZ_CHECK(again == v);
	}
	free(buf);
	return 0;
}
