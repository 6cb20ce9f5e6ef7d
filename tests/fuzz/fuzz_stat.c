/* fuzz_stat.c — procparse_stat_start, procparse_stat_state,
 * procparse_stat_ident and procparse_stat_exec (/proc/PID/stat) on arbitrary bytes. */
#include <errno.h>

#include "fuzz.h"
#include "proc/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	uint64_t start;
	char state = 0;
	int rc = procparse_stat_start(buf, size, &start);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	rc = procparse_stat_state(buf, size, &state);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	// A state is a letter (or one of the few bytes between 'Z' and 'a').
	FUZZ_CHECK(rc != 0 || (state >= 'A' && state <= 'z'));
	{
		struct stat_ident id;
		int ident = procparse_stat_ident(buf, size, &id);

		FUZZ_CHECK(ident == 0 || ident == -EINVAL);
		// It agrees with the single-field readers, and comm fits.
		FUZZ_CHECK(ident != 0 || (procparse_stat_start(buf, size, &start) == 0 &&
					  id.start_ticks == start && id.state == state &&
					  id.comm_len <= sizeof id.comm));
	}
	{
		struct stat_exec ex;
		int rc_exec = procparse_stat_exec(buf, size, &ex);

		FUZZ_CHECK(rc_exec == 0 || rc_exec == -EINVAL);
	}
	free(buf);
	return 0;
}
