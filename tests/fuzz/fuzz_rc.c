/* fuzz_rc.c — rc_parse (memtoprc) on arbitrary bytes; whatever it accepts
 * must format and read back to the same settings. */
#include <math.h>

#include "fuzz.h"
#include "rc.h"

static void ignore(void *ctx, unsigned line, const char *reason)
{
	(void)ctx;
	FUZZ_CHECK(line >= 1 && reason && reason[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false), text[4096];
	struct rc_settings s, again;
	size_t len;

	rc_parse(buf, size, &s, ignore, NULL);
	FUZZ_CHECK(!(s.have & RC_HAVE_INTERVAL) || (isfinite(s.interval_s) && s.interval_s >= CLI_MIN_INTERVAL
						     && s.interval_s <= CLI_MAX_INTERVAL));
	len = rc_format(&s, text, sizeof text);
	// A theme value can hold any text but a newline; the rest always fits.
	if (len) {
		rc_parse(text, len, &again, ignore, NULL);
		FUZZ_CHECK(again.sort_key == s.sort_key && again.columns == s.columns &&
			   again.sensitivity == s.sensitivity);
		FUZZ_CHECK(!(s.have & RC_HAVE_INTERVAL) || again.interval_s == s.interval_s);
	}
	free(buf);
	return 0;
}
