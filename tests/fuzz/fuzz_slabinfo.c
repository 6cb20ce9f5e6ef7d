/* fuzz_slabinfo.c — memparts_parse_slabinfo (/proc/slabinfo 2.1) on
 * arbitrary bytes. */
#include <errno.h>

#include "fuzz.h"
#include "proc/memparts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	const char *last_nl = size ? memrchr(buf, '\n', size) : NULL;
	size_t whole = last_nl ? (size_t)(last_nl - buf) + 1 : 0;
	struct slab_part out[8], again[8];
	size_t n = 0, seen = 0, n2 = 0, seen2 = 0;
	int rc = memparts_parse_slabinfo(buf, size, 4, out, 8, &n, &seen);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	if (rc == 0) {
		FUZZ_CHECK(n <= 8 && n <= seen);
		FUZZ_CHECK(fuzz_is_substring(buf, size, "slabinfo - version: 2.1\n"));
		for (size_t i = 0; i < n; i++) {
			// Names sanitised, NUL-terminated in their arrays; largest first.
			FUZZ_CHECK(strnlen(out[i].name, sizeof out[i].name) < sizeof out[i].name);
			FUZZ_CHECK(fuzz_utf8_walk(out[i].name, strlen(out[i].name), NULL, NULL));
			for (const char *p = out[i].name; *p; p++)
				FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
			FUZZ_CHECK(i == 0 || out[i - 1].kb >= out[i].kb);
		}
		// A cut last line never counts: the complete lines say the same.
		FUZZ_CHECK(memparts_parse_slabinfo(buf, whole, 4, again, 8, &n2, &seen2) == 0);
		FUZZ_CHECK(n2 == n && seen2 == seen);
	}
	free(buf);
	return 0;
}
