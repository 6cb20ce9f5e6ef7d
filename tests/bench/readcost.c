/* readcost — what one read of each /proc file memtop uses costs, per process.
 *
 *   readcost [ROUNDS]
 *
 * For every process on the machine, reads statm (kept fd + pread, and
 * open/read/close), status, stat, oom_score, maps and smaps_rollup ROUNDS
 * times each, and prints the CPU time (user + system) per 1,000 reads.
 * The kernel generating the text is almost all of the cost.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int list_pids(int *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) && n < max)
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			pids[n++] = atoi(e->d_name);
	if (d)
		closedir(d);
	return n;
}

// Reads /proc/PID/name for every pid, rounds times; returns CPU µs per read.
static double cost_open_read(const int *pids, int n, const char *name, int rounds)
{
	static char buf[1 << 20];
	char path[64];
	long reads = 0;
	double t0 = cpu_seconds();

	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < n; i++) {
			int fd;

			snprintf(path, sizeof path, "/proc/%d/%s", pids[i], name);
			fd = open(path, O_RDONLY);
			if (fd < 0)
				continue;
			while (read(fd, buf, sizeof buf) > 0)
				;
			close(fd);
			reads++;
		}
	return reads ? (cpu_seconds() - t0) * 1e6 / (double)reads : 0;
}

// The same for statm through kept descriptors and pread.
static double cost_pread_statm(const int *pids, int n, int rounds)
{
	char path[64], buf[256];
	int *fds = calloc((size_t)n, sizeof *fds);
	long reads = 0;
	double t0;

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "/proc/%d/statm", pids[i]);
		fds[i] = open(path, O_RDONLY);
	}
	t0 = cpu_seconds();
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < n; i++)
			if (fds[i] >= 0 && pread(fds[i], buf, sizeof buf, 0) > 0)
				reads++;
	t0 = reads ? (cpu_seconds() - t0) * 1e6 / (double)reads : 0;
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return t0;
}

int main(int argc, char **argv)
{
	static int pids[65536];
	static const char *const files[] = { "statm", "stat", "status", "oom_score", "cmdline", "maps", "smaps_rollup" };
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	struct rlimit rl;
	int n;

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	n = list_pids(pids, 65536);
	printf("%d processes, %d rounds; CPU time per read (ms per 1,000 processes):\n", n, rounds);
	printf("  %-26s %6.2f\n", "statm (kept fd, pread)", cost_pread_statm(pids, n, rounds));
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++)
		printf("  %-26s %6.2f\n", files[f], cost_open_read(pids, n, files[f], rounds));
	return 0;
}
