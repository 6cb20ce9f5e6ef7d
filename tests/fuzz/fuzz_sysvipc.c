/* fuzz_sysvipc.c — memparts_parse_sysvipc_shm (/proc/sysvipc/shm) on
 * arbitrary bytes. */
#include <errno.h>

#include "fuzz.h"
#include "proc/memparts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	const char *last_nl = size ? memrchr(buf, '\n', size) : NULL;
	size_t whole = last_nl ? (size_t)(last_nl - buf) + 1 : 0;
	struct shm_part out[4], again[4];
	size_t n = 0, seen = 0, n2 = 0, seen2 = 0;
	uint64_t sum = 0, sum2 = 0, kept = 0;
	int rc = memparts_parse_sysvipc_shm(buf, size, out, 4, &n, &seen, &sum);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	if (rc == 0) {
		FUZZ_CHECK(n <= 4 && n <= seen);
		FUZZ_CHECK(fuzz_is_substring(buf, size, "nattch"));
		for (size_t i = 0; i < n; i++) {
			uint64_t kb = out[i].have_rss ? out[i].rss_kb : out[i].size_kb;

			kept += kb;
			FUZZ_CHECK(i == 0 || (out[i - 1].have_rss ? out[i - 1].rss_kb : out[i - 1].size_kb) >= kb);
		}
		// The sum counts every segment, the kept ones among them (unless it
		// wrapped, which 2^64 KiB of segments cannot do on a real machine).
		FUZZ_CHECK(sum >= kept || seen > n);
		FUZZ_CHECK(memparts_parse_sysvipc_shm(buf, whole, again, 4, &n2, &seen2, &sum2) == 0);
		FUZZ_CHECK(n2 == n && seen2 == seen && sum2 == sum);
	}
	free(buf);
	return 0;
}
