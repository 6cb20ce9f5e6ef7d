/* procfs.c — raw reads of /proc files (the sampler's I/O layer). */
#include "proc/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

ssize_t procfs_pread(int fd, char *buf, size_t cap)
{
	ssize_t n;

	do
		n = pread(fd, buf, cap, 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

ssize_t procfs_pread_all(int fd, char *buf, size_t cap)
{
	size_t have = 0;

	while (have < cap) {
		ssize_t n;

		// Each pread starts where the last stopped, which is where the
		// seq_file left off: no walk from the start again.
		do
			n = pread(fd, buf + have, cap - have, (off_t)have);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	return (ssize_t)have;
}

ssize_t procfs_read_fd(int fd, char *buf, size_t cap)
{
	ssize_t n;

	do
		n = read(fd, buf, cap);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

int procfs_open_at(int dirfd, const char *path)
{
	int fd;

	do
		fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : fd;
}

ssize_t procfs_read_at(int dirfd, const char *path, char *buf, size_t cap)
{
	int fd = procfs_open_at(dirfd, path);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = procfs_pread(fd, buf, cap);
	close(fd);
	return n;
}

// Makes room for at least want more bytes; returns 0 or -ENOMEM.
static int buf_reserve(struct procfs_buf *b, size_t want)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->len + want <= b->cap)
		return 0;
	while (cap < b->len + want)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

ssize_t procfs_read_all_at(int dirfd, const char *path, struct procfs_buf *b, size_t max)
{
	int fd = procfs_open_at(dirfd, path);
	ssize_t n;

	b->len = 0;
	if (fd < 0)
		return fd;
	for (;;) {
		size_t room;

		if (buf_reserve(b, 4096) < 0) {
			close(fd);
			return -ENOMEM;
		}
		room = b->cap - b->len;
		if (b->len + room > max)
			room = max - b->len;
		if (room == 0)
			break;
		n = read(fd, b->data + b->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	close(fd);
	return (ssize_t)b->len;
}

ssize_t procfs_readlink_at(int dirfd, const char *path, char *buf, size_t cap)
{
	ssize_t n = readlinkat(dirfd, path, buf, cap);

	return n < 0 ? -errno : n;
}

void procfs_buf_free(struct procfs_buf *b)
{
	free(b->data);
	*b = (struct procfs_buf){ 0 };
}

ssize_t procfs_self_exe(char *out, size_t cap)
{
	ssize_t n = cap ? readlink("/proc/self/exe", out, cap - 1) : -1;

	if (n < 0)
		return cap ? -errno : -ENAMETOOLONG;
	if ((size_t)n >= cap - 1)
		return -ENAMETOOLONG;       // readlink cut it: not a path to use
	out[n] = '\0';
	return n;
}

ssize_t procfs_boot_id(char *out, size_t cap)
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (cap == 0)
		return -ENAMETOOLONG;
	out[0] = '\0';
	if (fd < 0)
		return -errno;
	n = procfs_pread(fd, out, cap - 1);
	close(fd);
	if (n < 0)
		return n;
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		n--;
	out[n] = '\0';
	return n;
}
