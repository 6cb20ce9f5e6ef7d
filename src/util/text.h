/* text.h — pure text helpers: sanitising foreign strings and formatting sizes.
 *
 * Contract: every function here is pure (no I/O, no globals) and never writes
 * past the capacity it is given; outputs are always NUL-terminated when the
 * capacity is at least 1.
 */
#ifndef MEMTOP_TEXT_H
#define MEMTOP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies len bytes of untrusted text (a comm, an argument, a path) into out as
 * valid, printable UTF-8: C0/C1 controls, DEL, bidi overrides and invalid
 * UTF-8 become visible escapes (\e, \n, \t, \xNN, \u202E), and a backslash
 * becomes "\\" so escapes cannot be forged. Returns the length written; the
 * output is cut at a character boundary when it does not fit. */
size_t text_sanitize(const char *in, size_t len, char *out, size_t cap);

/* Sanitises a raw /proc/PID/cmdline buffer: NUL separators become spaces,
 * trailing NULs are dropped, everything else as text_sanitize. */
size_t text_sanitize_cmdline(const char *in, size_t len, char *out, size_t cap);

/* Formats a size given in KiB with a binary unit ("812K", "1.5M", "23G"),
 * at most 6 characters. Returns out. */
char *text_human_kb(uint64_t kb, char *out, size_t cap);

/* As text_human_kb for a signed change, with an explicit sign ("+12M", "-3K",
 * "0"). Returns out. */
char *text_human_delta_kb(int64_t kb, char *out, size_t cap);

/* A size in bytes: "812B" under 1 KiB, else as text_human_kb of the nearest
 * KiB ("1.5K", "23M"). Returns out. */
char *text_human_bytes(uint64_t bytes, char *out, size_t cap);
/* As text_human_bytes for a signed change ("+812B", "-1.5K", "0"). */
char *text_human_delta_bytes(int64_t bytes, char *out, size_t cap);

/* The last component of a path ("" for NULL). */
const char *text_base_name(const char *path);

/* Copies the longest prefix of s (sanitised, valid UTF-8) that fits in cols
 * terminal columns into out. With utf8 false (a non-UTF-8 locale) every
 * non-ASCII character becomes '?'; with utf8 true, characters without a
 * printable width (wcwidth < 0 in the current locale) do too. Never splits
 * a character. Returns the columns used. */
int text_fit(const char *s, int cols, bool utf8, char *out, size_t cap);
/* As text_fit, and stores in *consumed how many bytes of s it used (which
 * differs from strlen(out) when characters were replaced), for wrapping. */
int text_fit_span(const char *s, int cols, bool utf8, char *out, size_t cap, size_t *consumed);
/* Wraps the first len bytes of s into lines of at most cols columns, each as
 * text_fit_span with an output capacity of line_cap would fit it, and stores
 * the byte offset where each line starts in starts (the first max of them).
 * Returns the number of lines, which may exceed max (call with max 0 to
 * count them); 0 for empty text. */
size_t text_wrap(const char *s, size_t len, int cols, bool utf8, size_t line_cap, size_t *starts,
		 size_t max);

#endif
