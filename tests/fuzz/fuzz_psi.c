/* fuzz_psi.c — psi_parse (/proc/pressure/memory and cpu, a cgroup's
 * memory.pressure) and the pressure levels on arbitrary bytes. */
#include <errno.h>
#include <math.h>

#include "fuzz.h"
#include "proc/psi.h"

// The averages scan_double can produce: finite and never negative.
static void check_line(const struct psi_line *l)
{
	if (!l->valid)
		return;
	FUZZ_CHECK(isfinite(l->avg10) && l->avg10 >= 0);
	FUZZ_CHECK(isfinite(l->avg60) && l->avg60 >= 0);
	FUZZ_CHECK(isfinite(l->avg300) && l->avg300 >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	struct psi psi;
	int rc = psi_parse(buf, size, &psi);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	FUZZ_CHECK((rc == 0) == psi.some.valid);   // the contract: 0 exactly when "some" parsed
	check_line(&psi.some);
	check_line(&psi.full);
	(void)psi_level_some(&psi.some);
	(void)psi_level_full(&psi.full);
	free(buf);
	return 0;
}
