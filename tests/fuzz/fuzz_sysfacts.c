/* fuzz_sysfacts.c — the parsers of memtop --check's facts (proc/sysfacts.h)
 * on arbitrary bytes: the first byte picks the parser (a sysctl integer,
 * kernel.printk, /proc/consoles, /proc/swaps, a meminfo key, THP's mode),
 * the rest is the file. */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "proc/sysfacts.h"

// A name a parser wrote: terminated within its buffer, no control byte.
static void check_name(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	FUZZ_CHECK(n < cap);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, name[SYSFACTS_NAME_MAX] = "", thp[16] = "";
	unsigned nc = 7, ns = 7, n = 7;
	uint64_t kb = 7;
	long long v = 7;
	int lvl = 77, rc;

	if (size == 0)
		return 0;
	buf = fuzz_copy(data + 1, size - 1, false);
	switch (data[0] % 6) {
	case 0:
		rc = sysfacts_parse_int(buf, size - 1, &v);
		FUZZ_CHECK(rc == 0 || (rc == -EINVAL && v == 7));
		break;
	case 1:
		rc = sysfacts_parse_printk(buf, size - 1, &lvl);
		FUZZ_CHECK(rc == 0 ? lvl >= 0 && lvl <= 15 : rc == -EINVAL && lvl == 77);
		break;
	case 2:
		rc = sysfacts_parse_consoles(buf, size - 1, &nc, &ns, name, sizeof name);
		FUZZ_CHECK(rc == 0 || (rc == -EINVAL && nc == 7 && ns == 7));
		if (rc == 0) {
			FUZZ_CHECK(ns <= nc);
			FUZZ_CHECK((ns == 0) == (name[0] == '\0'));
			check_name(name, sizeof name);
		}
		break;
	case 3:
		rc = sysfacts_parse_swaps(buf, size - 1, &n, &kb);
		FUZZ_CHECK(rc == 0 || (rc == -EINVAL && n == 7 && kb == 7));
		break;
	case 4:
		rc = sysfacts_parse_kb(buf, size - 1, "MemTotal:", &kb);
		FUZZ_CHECK(rc == 0 || ((rc == -EINVAL || rc == -ENOENT) && kb == 7));
		break;
	default:
		rc = sysfacts_parse_thp(buf, size - 1, thp, sizeof thp);
		FUZZ_CHECK(rc == 0 || rc == -EINVAL);
		if (rc == 0)
			check_name(thp, sizeof thp);
		break;
	}
	free(buf);
	return 0;
}
