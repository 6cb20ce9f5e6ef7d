/* fuzz_maps.c — procparse_heap_kb (the [heap] mappings of /proc/PID/maps)
 * on arbitrary bytes. */
#include <errno.h>

#include "fuzz.h"
#include "proc/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	const char *last_nl = memrchr(buf, '\n', size);
	uint64_t kb = 0, whole_kb = 0;
	int rc = procparse_heap_kb(buf, size, &kb);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	// The contract: a final line cut short is ignored, so the text up to
	// the last newline gives the same answer.
	if (last_nl) {
		size_t whole = (size_t)(last_nl - buf) + 1;
		char *cut = fuzz_copy(data, whole, false);
		int rc2 = procparse_heap_kb(cut, whole, &whole_kb);

		FUZZ_CHECK(rc2 == rc && (rc != 0 || whole_kb == kb));
		free(cut);
	}
	free(buf);
	return 0;
}
