/* thrash — a test process that stalls on memory inside a small memory cgroup.
 *
 *   thrash DIR FILE_MIB
 *
 * Creates a file of FILE_MIB MiB in DIR (unlinked at once, so nothing is left
 * behind however the process ends), writes it, syncs it and drops it from the
 * page cache. Prints "ready PID" and waits for a line on stdin, the time for
 * the caller to move it into its cgroups; then maps the file shared and
 * read-only and reads random pages of it until stdin reaches end of file.
 *
 * Under a memory limit well below FILE_MIB, every fault charges a page-cache
 * page to the cgroup, which must first reclaim one of its own, and the pages
 * it reads back were often evicted moments ago (workingset refaults): both
 * count as memory stalls in PSI. Clean file pages can always be reclaimed, so
 * the limit never makes the OOM killer act. DIR must be on a disk filesystem:
 * tmpfs pages are shmem, which without swap cannot be reclaimed at all.
 * The process also dies when its parent does (PR_SET_PDEATHSIG).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

// Pages read between two looks at stdin.
#define CHECK_EVERY 64

// Prints what failed and exits 1.
static void die(const char *what)
{
	fprintf(stderr, "thrash: %s: %s\n", what, strerror(errno));
	exit(1);
}

// Parses a size in MiB from 1 to 65536; exits 2 on anything else.
static size_t parse_mib(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v > 65536) {
		fprintf(stderr, "thrash: invalid size '%s'\n", s);
		exit(2);
	}
	return (size_t)v;
}

// Creates, fills, syncs and unlinks a file of len bytes in dir; returns its
// descriptor, with none of its pages left in the page cache.
static int make_file(const char *dir, size_t len)
{
	char path[4096], block[1 << 16];
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/memtop-thrash-XXXXXX", dir) >= sizeof path) {
		errno = ENAMETOOLONG;
		die(dir);
	}
	fd = mkstemp(path);
	if (fd < 0)
		die(path);
	if (unlink(path) < 0)
		die("unlink");
	memset(block, 0x5a, sizeof block);
	for (size_t off = 0; off < len; off += sizeof block)
		if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
			die("write");
	if (fdatasync(fd) < 0)
		die("fdatasync");
	// The pages were charged to the caller's cgroup while written: drop them,
	// so that every read afterwards is charged to the thrashing cgroup.
	errno = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (errno)
		die("posix_fadvise");
	return fd;
}

// True once stdin has reached end of file (or failed); data is discarded.
static int stdin_closed(void)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	char junk[64];

	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	return read(0, junk, sizeof junk) <= 0;
}

int main(int argc, char **argv)
{
	size_t len, pages;
	long page = sysconf(_SC_PAGESIZE);
	uint64_t x = 0x9e3779b97f4a7c15u;   // xorshift64 state
	volatile unsigned char sink = 0;
	const unsigned char *map;
	char line[64];
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: thrash DIR FILE_MIB\n");
		return 2;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	len = parse_mib(argv[2]) << 20;
	pages = len / (size_t)page;
	fd = make_file(argv[1], len);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin))
		return 0;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	for (;;) {
		for (int i = 0; i < CHECK_EVERY; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			sink += map[(x % pages) * (size_t)page];
		}
		if (stdin_closed())
			break;
	}
	(void)sink;
	return 0;
}
