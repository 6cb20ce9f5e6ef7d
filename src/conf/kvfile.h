/* kvfile.h — the "key = value" text format shared by theme files and the rc
 * file: one setting per line; a line whose first non-blank character is '#'
 * is a comment (values may hold '#', as in "#rrggbb"); blank lines are
 * ignored.
 * Pure: walks a buffer, calls back for each setting, no I/O.
 *
 * Contract: kvfile_parse reads exactly len bytes (no NUL needed) and calls
 * on_pair (with pair_ctx) with the key and value trimmed of spaces and tabs, each a
 * NUL-terminated copy that lives only for the call. A line without '=', with
 * an empty key, or longer than KVFILE_LINE_MAX is reported through on_error
 * (with err_ctx) and skipped. Text that is not text (a NUL byte or invalid UTF-8) is
 * reported once, at its line, and ends the walk: the rest of a binary file
 * would only repeat the complaint. Returns the number of problems reported
 * (by kvfile and by on_pair together). kvfile_value_span and kvfile_is_text
 * expose the same rules for code that rewrites a file line by line.
 */
#ifndef MEMTOP_KVFILE_H
#define MEMTOP_KVFILE_H

#include <stdbool.h>
#include <stddef.h>

#define KVFILE_LINE_MAX 512

#define KVFILE_WHY_MAX 160

/* Handles one setting; returns NULL when it was taken, else the reason it
 * was not, reported through on_error: a constant string, or one written
 * into why (whylen bytes, kvfile_parse's, valid until on_error returns). */
typedef const char *(*kvfile_pair_fn)(void *ctx, unsigned line, const char *key, const char *value,
				      char *why, size_t whylen);
/* Receives one problem: the 1-based line and the reason. */
typedef void (*kvfile_error_fn)(void *ctx, unsigned line, const char *reason);

unsigned kvfile_parse(const char *buf, size_t len, kvfile_pair_fn on_pair, void *pair_ctx,
		      kvfile_error_fn on_error, void *err_ctx);
/* Finds the value in one line of n bytes (without its newline): true with
 * its offset and length when the line is a setting kvfile_parse would pass
 * on (a comment, a blank line, a line without '=', an empty key or value:
 * false). What lies around the value is the key, the '=' and blanks. */
bool kvfile_value_span(const char *s, size_t n, size_t *off, size_t *vlen);
/* True when the n bytes at s are text kvfile_parse reads on: valid UTF-8
 * without NUL bytes. */
bool kvfile_is_text(const char *s, size_t n);

#endif
