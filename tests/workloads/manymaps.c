/* manymaps — a test process with a huge number of small mappings.
 *
 *   manymaps COUNT
 *
 * Reserves COUNT pages of anonymous memory in one mmap, then makes every
 * other page writable (touching none of them: the process stays small), so
 * the kernel keeps COUNT separate mappings: neighbours with different
 * protections never merge. Prints
 * "ready PID" and waits until stdin reaches end of file. COUNT above
 * /proc/sys/vm/max_map_count (65530 by default) fails with "mprotect: Cannot
 * allocate memory" and exit status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long count;
	char *end, buf[64], *base;

	if (argc != 2 || (count = strtoul(argv[1], &end, 10)) == 0 || *end || count > 10000000) {
		fprintf(stderr, "usage: manymaps COUNT (1 to 10000000)\n");
		return 2;
	}
	base = mmap(NULL, count * (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		    -1, 0);
	if (base == MAP_FAILED) {
		fprintf(stderr, "manymaps: mmap: %s\n", strerror(errno));
		return 1;
	}
	for (unsigned long i = 1; i < count; i += 2) {
		char *p = base + i * (size_t)page;

		if (mprotect(p, (size_t)page, PROT_READ | PROT_WRITE) < 0) {
			fprintf(stderr, "manymaps: mprotect (mapping %lu): %s\n", i, strerror(errno));
			return 1;
		}
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	while (read(0, buf, sizeof buf) > 0)
		;
	return 0;
}
