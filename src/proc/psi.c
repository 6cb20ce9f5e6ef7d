/* psi.c — parses "some avg10=… avg60=… avg300=… total=…" lines; pure code. */
#include "proc/psi.h"

#include <errno.h>
#include <string.h>

#include "util/scan.h"

// Parses the fields after "some " or "full " up to the line end. Returns 0 or
// -EINVAL when any of the four fields is missing or malformed.
static int psi_parse_fields(const char *p, const char *end, struct psi_line *l)
{
	static const char *const keys[] = { "avg10=", "avg60=", "avg300=", "total=" };
	double *avgs[] = { &l->avg10, &l->avg60, &l->avg300 };

	for (size_t k = 0; k < 4; k++) {
		size_t klen = strlen(keys[k]);

		p = scan_skip_spaces(p, end);
		if ((size_t)(end - p) < klen || memcmp(p, keys[k], klen) != 0)
			return -EINVAL;
		p += klen;
		if (k < 3)
			p = scan_double(p, end, avgs[k]);
		else
			p = scan_u64(p, end, &l->total_us);
		if (!p)
			return -EINVAL;
	}
	l->valid = true;
	return 0;
}

int psi_parse(const char *buf, size_t len, struct psi *out)
{
	const char *p = buf, *end = buf + len;

	memset(out, 0, sizeof *out);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if (eol - p >= 5 && memcmp(p, "some ", 5) == 0) {
			if (psi_parse_fields(p + 5, eol, &out->some) < 0)
				out->some.valid = false;
		} else if (eol - p >= 5 && memcmp(p, "full ", 5) == 0) {
			if (psi_parse_fields(p + 5, eol, &out->full) < 0)
				out->full.valid = false;
		}
		p = nl ? nl + 1 : end;
	}
	return out->some.valid ? 0 : -EINVAL;
}

// The level of an avg10 against two thresholds.
static enum psi_level psi_level_of(const struct psi_line *l, double warn, double crit)
{
	if (!l->valid || l->avg10 < warn)
		return PSI_OK;
	return l->avg10 < crit ? PSI_WARN : PSI_CRIT;
}

enum psi_level psi_level_some(const struct psi_line *l)
{
	return psi_level_of(l, 10.0, 40.0);
}

enum psi_level psi_level_full(const struct psi_line *l)
{
	return psi_level_of(l, 5.0, 10.0);
}
