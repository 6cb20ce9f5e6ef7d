/* recording.h — a memtop recording: an SQLite file in WAL mode holding what
 * the monitor saw, tick by tick (docs/recording.md is its schema, a
 * documented interface with a version).
 *
 * Contract: recording_open_write takes the file for writing: it creates it
 * (mode 0600: command lines can carry secrets) or continues one, and holds an
 * exclusive lock on it until recording_close, so a second writer is refused
 * (-EBUSY) while readers go on reading. Before it writes anything it checks
 * the file is a memtop recording of a schema it knows: an existing file that
 * is not SQLite, an SQLite database of another program, or a newer schema is
 * refused (-EINVAL) and left untouched. On error it returns -errno with one
 * line in err that names the file, and leaves r closed. recording_close on
 * a closed or zeroed recording does nothing. Reading a recording is
 * store/replay.h's.
 */
#ifndef MEMTOP_RECORDING_H
#define MEMTOP_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define RECORDING_SCHEMA_VERSION 3
// The oldest schema whose readers read a file of this one (meta
// compat_version): version 3 only added tables and columns.
#define RECORDING_COMPAT_VERSION 2
#define RECORDING_APPLICATION_ID 0x4d454d54   // "MEMT", PRAGMA application_id

struct recording {
	sqlite3 *db;
	int lock_fd;                 // the file, flock'ed by the writer; -1 when closed
	char path[4096];
};

int recording_open_write(struct recording *r, const char *path, char *err, size_t errlen);
void recording_close(struct recording *r);

/* Runs SQL that returns no rows (several statements allowed). 0, or an
 * SQLite result code with the message in err. */
int recording_exec(struct recording *r, const char *sql, char *err, size_t errlen);

/* One integer from a query on db (the first column of its first row);
 * fallback when there is no row, it is NULL, or the query fails. */
int64_t recording_query_int(sqlite3 *db, const char *sql, int64_t fallback);

/* Whether a reader of this memtop reads a file of schema version (one
 * of its own or older, or a newer one whose meta compat_version is at
 * most this memtop's). Writing a newer file is refused all the same. */
bool recording_readable(sqlite3 *db, int64_t version);

/* The recording's meta value for key as an integer; fallback when absent. */
int64_t recording_meta_int(struct recording *r, const char *key, int64_t fallback);

#endif
