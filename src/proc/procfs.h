/* procfs.h — raw reads of /proc files into caller buffers; no parsing.
 *
 * Contract: functions return the number of bytes read (>= 0) or -errno. A
 * process that vanished shows up as -ENOENT or -ESRCH, which callers treat as
 * normal. Only the sampler includes this header, config.c for
 * procfs_self_exe and batch.c for procfs_boot_id (a recording's boot): nothing else names a /proc path (tests/docs/check_layers.py).
 */
#ifndef MEMTOP_PROCFS_H
#define MEMTOP_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

/* A growable byte buffer for files of unknown size (maps, cmdline). */
struct procfs_buf {
	char *data;
	size_t len, cap;
};

/* Reads up to cap bytes of an already open file from offset 0. */
ssize_t procfs_pread(int fd, char *buf, size_t cap);

/* Reads an already open file from offset 0 until its end or until cap bytes
 * are in: a /proc seq_file hands out about a page a read, so one pread of a
 * bigger file (vmstat on a large machine) would stop short. */
ssize_t procfs_pread_all(int fd, char *buf, size_t cap);

/* Reads the next up to cap bytes of an open file (0 at its end). */
ssize_t procfs_read_fd(int fd, char *buf, size_t cap);

/* Opens dirfd/path, reads up to cap bytes, closes it. */
ssize_t procfs_read_at(int dirfd, const char *path, char *buf, size_t cap);

/* Reads the whole of dirfd/path into b, growing it as needed (up to max
 * bytes; the rest is cut). Returns the length or -errno. */
ssize_t procfs_read_all_at(int dirfd, const char *path, struct procfs_buf *b, size_t max);

/* Reads the target of the symbolic link dirfd/path (/proc/PID/exe) into buf,
 * not NUL-terminated; its length (cut to cap), or -errno. */
ssize_t procfs_readlink_at(int dirfd, const char *path, char *buf, size_t cap);

/* Opens dirfd/path read-only and close-on-exec; returns the fd or -errno. */
int procfs_open_at(int dirfd, const char *path);

void procfs_buf_free(struct procfs_buf *b);
/* The path of the running executable (/proc/self/exe) into out; its length,
 * or -errno (-ENAMETOOLONG when it does not fit in cap). */
ssize_t procfs_self_exe(char *out, size_t cap);
/* This boot's id (/proc/sys/kernel/random/boot_id, a UUID) into out without
 * its newline; its length, or -errno. */
ssize_t procfs_boot_id(char *out, size_t cap);

#endif
