/* rc.h — the memtoprc settings file: parsed from and written to text in the
 * kvfile format, and applied under the command line. Pure.
 *
 * Contract: rc_parse fills only the settings the text names well (their
 * RC_HAVE_* bits in have); a bad line is reported through on_error with its
 * line number and otherwise ignored. rc_format writes text that rc_parse
 * reads back to the same settings; rc_update writes them into an existing
 * file's text, changing only the values memtop writes. rc_apply never overrides what the command
 * line set (options.given).
 */
#ifndef MEMTOP_RC_H
#define MEMTOP_RC_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/cli.h"
#include "conf/kvfile.h"

enum {
	RC_HAVE_INTERVAL = 1, RC_HAVE_SORT = 2, RC_HAVE_ORDER = 4, RC_HAVE_THEME = 8,
	RC_HAVE_COLUMNS = 16, RC_HAVE_SENSITIVITY = 32, RC_HAVE_READONLY = 64,
};

struct rc_settings {
	unsigned have;             // RC_HAVE_* bits
	double interval_s;
	int sort_key;              // enum sort_key
	bool descending;           // order = descending | ascending
	char theme[256];
	unsigned columns;          // COLUMN_BITs
	enum leak_sensitivity sensitivity;
	bool readonly;             // readonly = yes: the screen sends no signals
};

unsigned rc_parse(const char *buf, size_t len, struct rc_settings *out, kvfile_error_fn on_error,
		  void *ctx);
/* Writes every setting in s; returns the length, or 0 when cap is too small
 * or a value cannot be written (the theme's name on two lines, say). */
size_t rc_format(const struct rc_settings *s, char *out, size_t cap);
/* Rewrites old, the len bytes of an rc file (len 0: none), with every
 * setting in s into out (cap bytes, NUL-terminated). Each key's effective
 * line (the one rc_parse takes: the first good one) gets the new value in
 * place, blanks and all; every other byte stays as it was: comments, blank
 * lines, unknown keys, bad lines, repeats, CRLF. Keys not set go at the end
 * (with no old text: rc_format's text, comments first). Returns NULL with
 * the length in *outlen, or the reason it cannot: a value that cannot be
 * written, old text that is not text (kvfile would stop reading there), or
 * too small a cap. */
const char *rc_update(const char *old, size_t len, const struct rc_settings *s, char *out,
		      size_t cap, size_t *outlen);
/* Copies the rc's settings into opts where the command line left them. */
void rc_apply(const struct rc_settings *s, struct options *opts);

#endif
