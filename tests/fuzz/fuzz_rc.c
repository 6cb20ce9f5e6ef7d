/* fuzz_rc.c — rc_parse (memtoprc) on arbitrary bytes; whatever it accepts
 * must format and read back to the same settings, and rc_update (W) on the
 * same bytes must give text that reads back to them and that a second
 * rc_update leaves as it is. */
#include <math.h>

#include "fuzz.h"
#include "conf/rc.h"

static void ignore(void *ctx, unsigned line, const char *reason)
{
	(void)ctx;
	FUZZ_CHECK(line >= 1 && reason && reason[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false), text[4096], *upd, *upd2;
	struct rc_settings s, again;
	size_t len, ulen, ulen2;

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
	// W always has an interval; 0 (not set) would be written and refused.
	if (!(s.have & RC_HAVE_INTERVAL))
		s.interval_s = 2;
	upd = malloc(size + 4096);
	upd2 = malloc(size + 4096);
	FUZZ_CHECK(upd && upd2);
	if (!rc_update(buf, size, &s, upd, size + 4096, &ulen)) {
		FUZZ_CHECK(len);          // what rc_update writes, rc_format can
		rc_parse(upd, ulen, &again, ignore, NULL);
		FUZZ_CHECK(again.sort_key == s.sort_key && again.columns == s.columns &&
			   again.sensitivity == s.sensitivity && again.descending == s.descending &&
			   again.readonly == s.readonly);
		FUZZ_CHECK(again.interval_s == s.interval_s);
		FUZZ_CHECK(!rc_update(upd, ulen, &s, upd2, size + 4096, &ulen2));
		FUZZ_CHECK(ulen2 == ulen && memcmp(upd, upd2, ulen) == 0);
	}
	free(upd);
	free(upd2);
	free(buf);
	return 0;
}
