/* fuzz_statm.c — procparse_statm (/proc/PID/statm) on arbitrary bytes. */
#include <errno.h>

#include "fuzz.h"
#include "proc/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	struct statm m;
	int rc = procparse_statm(buf, size, &m);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	// Seven numbers need at least seven digits.
	FUZZ_CHECK(rc != 0 || size >= 13);
	free(buf);
	return 0;
}
