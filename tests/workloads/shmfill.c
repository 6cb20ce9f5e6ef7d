/* shmfill — a SysV shared memory segment filled step by step, for the
 * memory breakdown's tests: the segment grows, no process's RSS does.
 *
 *   shmfill [--size-kib N] [--rate-kib R] [--step-kib S]
 *
 * Creates a private segment of N KiB (default 65536), prints "ready PID
 * SHMID", then every S/R seconds attaches it, writes the next S KiB (default
 * 64) and detaches again, so that the filled pages belong to the segment
 * (its rss in /proc/sysvipc/shm, Shmem in meminfo) and not to this process
 * between steps. Stops filling when the segment is full; runs until stdin
 * reaches end of file, then removes the segment.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

static long arg_long(int argc, char **argv, const char *name, long def)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return strtol(argv[i + 1], NULL, 10);
	return def;
}

int main(int argc, char **argv)
{
	long size_kib = arg_long(argc, argv, "--size-kib", 65536);
	long rate_kib = arg_long(argc, argv, "--rate-kib", 256);
	long step_kib = arg_long(argc, argv, "--step-kib", 64);
	int every_ms = rate_kib > 0 ? (int)(1000 * step_kib / rate_kib) : -1;
	long filled = 0;
	int id;

	if (size_kib <= 0 || step_kib <= 0) {
		fprintf(stderr, "shmfill: bad sizes\n");
		return 2;
	}
	id = shmget(IPC_PRIVATE, (size_t)size_kib << 10, IPC_CREAT | 0600);
	if (id < 0) {
		perror("shmfill: shmget");
		return 1;
	}
	printf("ready %d %d\n", (int)getpid(), id);
	fflush(stdout);
	for (;;) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		char buf[64];

		if (poll(&pfd, 1, filled < size_kib ? every_ms : -1) > 0 && read(0, buf, sizeof buf) <= 0)
			break;
		if (filled < size_kib) {
			char *p = shmat(id, NULL, 0);

			if (p == (void *)-1) {
				perror("shmfill: shmat");
				break;
			}
			memset(p + ((size_t)filled << 10), 0xa5, (size_t)step_kib << 10);
			filled += step_kib;
			shmdt(p);
		}
	}
	shmctl(id, IPC_RMID, NULL);
	return 0;
}
