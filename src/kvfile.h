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
 * (by kvfile and by on_pair together).
 */
#ifndef MEMTOP_KVFILE_H
#define MEMTOP_KVFILE_H

#include <stddef.h>

#define KVFILE_LINE_MAX 512

/* Handles one setting; returns NULL when it was taken, else the reason it
 * was not (a static or caller-owned string, reported through on_error). */
typedef const char *(*kvfile_pair_fn)(void *ctx, unsigned line, const char *key, const char *value);
/* Receives one problem: the 1-based line and the reason. */
typedef void (*kvfile_error_fn)(void *ctx, unsigned line, const char *reason);

unsigned kvfile_parse(const char *buf, size_t len, kvfile_pair_fn on_pair, void *pair_ctx,
		      kvfile_error_fn on_error, void *err_ctx);

#endif
