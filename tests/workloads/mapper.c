/* mapper — a test process with a known address space.
 *
 *   mapper FILE_MIB ANON_MIB GROW_MIB
 *
 * Writes FILE_MIB MiB to a new file /tmp/memtop-mapper-XXXXXX, maps it
 * shared and read-only and reads every page, so all of it is resident and
 * file-backed; maps ANON_MIB MiB of private anonymous memory and writes every
 * page. Prints "ready PID FILEADDR ANONADDR" (the two mappings' start
 * addresses in hex, as /proc/PID/smaps writes them) and waits until stdin
 * reaches end of file, then removes the file. Each SIGUSR1 grows the
 * anonymous mapping in place by GROW_MIB MiB (its start address stays, so a
 * per-mapping change shows on one row) and prints "grown TOTAL_MIB". SIGTERM,
 * SIGINT and SIGHUP also remove the file before exiting.
 *
 * The anonymous mapping lives inside a PROT_NONE reservation: a guard page,
 * then the readable and writable part, then room for MAX_GROWS growths. The
 * guard keeps the kernel from merging it with a neighbour below; growing
 * is mprotect() of the next GROW_MIB, which the kernel merges into it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_GROWS 64

static volatile sig_atomic_t grow_requests, stop_requested;
static char file_path[] = "/tmp/memtop-mapper-XXXXXX";
static int file_made;

static void on_usr1(int sig)
{
	(void)sig;
	grow_requests++;
}

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

// Prints what failed, removes the file and exits 1.
static void die(const char *what)
{
	fprintf(stderr, "mapper: %s: %s\n", what, strerror(errno));
	if (file_made)
		unlink(file_path);
	exit(1);
}

// Parses a non-negative size in MiB; exits 2 on anything else.
static size_t parse_mib(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > 65536) {
		fprintf(stderr, "mapper: invalid size '%s'\n", s);
		exit(2);
	}
	return (size_t)v;
}

// Creates the file with mib MiB of non-zero bytes, maps it shared read-only
// and reads every page; returns the mapping (NULL for 0 MiB).
static const char *map_file(size_t mib, long page)
{
	size_t len = mib << 20;
	char block[65536];
	const char *p;
	volatile char sink = 0;
	int fd = mkstemp(file_path);

	if (fd < 0)
		die("mkstemp");
	file_made = 1;
	if (len == 0) {
		close(fd);
		return NULL;
	}
	memset(block, 'm', sizeof block);
	for (size_t done = 0; done < len; done += sizeof block)
		if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
			die("write");
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap file");
	close(fd);
	for (size_t off = 0; off < len; off += (size_t)page)
		sink += p[off];
	(void)sink;
	return p;
}

// Makes [p, p + len) readable and writable and dirties every page.
static void commit(char *p, size_t len, long page)
{
	if (len == 0)
		return;
	if (mprotect(p, len, PROT_READ | PROT_WRITE) < 0)
		die("mprotect");
	for (size_t off = 0; off < len; off += (size_t)page)
		p[off] = 1;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t file_mib, anon_mib, grow_mib, used, room;
	struct sigaction sa;
	sigset_t block, during_wait;
	const char *file;
	char *reserve, *anon;

	if (argc != 4) {
		fprintf(stderr, "usage: mapper FILE_MIB ANON_MIB GROW_MIB\n");
		return 2;
	}
	file_mib = parse_mib(argv[1]);
	anon_mib = parse_mib(argv[2]);
	grow_mib = parse_mib(argv[3]);
	// Every signal stays blocked except inside ppoll, so a request that
	// arrives between the check and the wait is not lost.
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &during_wait);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	file = map_file(file_mib, page);
	room = (anon_mib + grow_mib * MAX_GROWS) << 20;
	reserve = mmap(NULL, (size_t)page + (room ? room : (size_t)page), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (reserve == MAP_FAILED)
		die("mmap reserve");
	anon = reserve + page;
	used = anon_mib << 20;
	commit(anon, used, page);
	printf("ready %d %" PRIxPTR " %" PRIxPTR "\n", (int)getpid(), (uintptr_t)file, (uintptr_t)anon);
	fflush(stdout);
	while (!stop_requested) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		char buf[64];

		while (grow_requests > 0) {
			grow_requests--;
			if (used + (grow_mib << 20) > room) {
				fprintf(stderr, "mapper: grown %d times, the reservation is full\n", MAX_GROWS);
			} else {
				commit(anon + used, grow_mib << 20, page);
				used += grow_mib << 20;
			}
			printf("grown %zu\n", used >> 20);
			fflush(stdout);
		}
		if (ppoll(&pfd, 1, NULL, &during_wait) > 0 && read(0, buf, sizeof buf) <= 0)
			break;
	}
	if (file_made)
		unlink(file_path);
	return 0;
}
