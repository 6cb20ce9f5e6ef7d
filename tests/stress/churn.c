/* churn — creates and reaps processes as fast as it can, some with hostile
 * names, for the stress test of memtop (tests/stress/run.py).
 *
 *   churn spawn SECONDS NAMES LINKDIR LOG MAXLONG MARK
 *   churn MARK child MS   (what the exec'd children run: sleep MS ms, exit)
 *
 * NAMES holds one hostile name a line, in hex (none may hold '/' or a NUL
 * byte). LINKDIR holds, for each name, a symlink to this program named with
 * those bytes: a child that execs it gets the name as its comm (the kernel
 * takes the basename of the path) and as argv[0]. The spawner's own argv[0]
 * must be long (64 bytes or so): a child that renames itself overwrites it,
 * as setproctitle() does.
 *
 * Children, in the order the loop makes them:
 *   short   fork, maybe prctl(PR_SET_NAME, name), _exit at once; reaped at
 *           once (most of them: this is the churn);
 *   rename  prctl(PR_SET_NAME, name) and argv[0] overwritten with the name
 *           padded with '_', one byte at a time (a reader can only ever see
 *           a prefix of the new text), then a sleep, then exit;
 *   exec    execv(LINKDIR/name, {name, MARK, "child", MS}).
 * At most MAXLONG rename and exec children are alive at once;
 * each lives 50 to 1,500 ms.
 *
 * LOG gets one line per event, with CLOCK_BOOTTIME nanoseconds (the clock of
 * the start times in /proc/PID/stat):
 *   F pid kind name_index life_ms t_ns     after fork (kind s, r or e)
 *   R pid status t_ns                      after waitpid (status as waitpid)
 * and at the end "E forks seconds" (the seconds of the fork loop). Exits 0
 * when every child exited 0. Every command line this makes holds MARK (the
 * exec children's argv[1]; the test's paths hold it too, for the others), so
 * one filter finds them all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NAMES_MAX 64
#define NAME_MAX_BYTES 48
#define LONG_EVERY 16          // try a long-lived child once per this many forks

struct names {
	char v[NAMES_MAX][NAME_MAX_BYTES + 1];
	size_t len[NAMES_MAX];
	size_t n;
};

// Nanoseconds of CLOCK_BOOTTIME: process start times in /proc/PID/stat count
// from boot on this clock, so a log time and a start time compare directly.
static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// Sleeps ms milliseconds.
static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

// Reads the hex-encoded names, one a line; returns 0 or -1.
static int names_load(const char *path, struct names *nm)
{
	char line[4 * NAME_MAX_BYTES];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	nm->n = 0;
	while (nm->n < NAMES_MAX && fgets(line, sizeof line, f)) {
		size_t n = 0;

		for (const char *h = line; h[0] && h[1] && h[0] != '\n' && n < NAME_MAX_BYTES; h += 2) {
			unsigned v;

			if (sscanf(h, "%2x", &v) != 1)
				break;
			nm->v[nm->n][n++] = (char)v;
		}
		nm->v[nm->n][n] = '\0';
		nm->len[nm->n++] = n;
	}
	fclose(f);
	return nm->n > 0 ? 0 : -1;
}

// The rename child: a new comm, argv[0] overwritten a byte at a time, a nap.
static void child_rename(const char *name, size_t len, char *argv0, long life_ms)
{
	size_t cap = strlen(argv0);
	volatile char *dst = argv0;

	prctl(PR_SET_NAME, name, 0, 0, 0);
	for (size_t i = 0; i < cap; i++)
		dst[i] = i < len ? name[i] : '_';
	sleep_ms(life_ms);
	_exit(0);
}

// The exec child: runs this program through the symlink named name.
static void child_exec(const char *linkdir, const char *name, const char *mark, long life_ms)
{
	char path[4096], ms[24];
	char *args[] = { (char *)name, (char *)mark, "child", ms, NULL };

	snprintf(path, sizeof path, "%s/%s", linkdir, name);
	snprintf(ms, sizeof ms, "%ld", life_ms);
	execv(path, args);
	_exit(127);
}

// Reaps whatever has exited (without waiting); returns how many, and how
// many of them did not exit 0 in *bad.
static int reap_ready(FILE *log, int *bad)
{
	int n = 0, st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		fprintf(log, "R %d %d %lld\n", (int)pid, st, now_ns());
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			(*bad)++;
		n++;
	}
	return n;
}

// The spawner loop; returns the exit status.
static int spawn(double seconds, const struct names *nm, const char *linkdir, const char *mark,
		 FILE *log, char *argv0, int max_long)
{
	long long start = now_ns(), end = start + (long long)(seconds * 1e9), loop_end;
	unsigned long forks = 0;
	unsigned seed = (unsigned)getpid();
	int alive_long = 0, bad = 0, st;

	while (now_ns() < end) {
		size_t idx = (size_t)rand_r(&seed) % nm->n;
		char kind = 's';
		long life = 0;
		pid_t pid;

		if (forks % LONG_EVERY == 0 && alive_long < max_long) {
			kind = rand_r(&seed) % 2 ? 'r' : 'e';
			life = 50 + rand_r(&seed) % 1451;
		}
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "churn: fork: %s\n", strerror(errno));
			sleep_ms(1);
			alive_long -= reap_ready(log, &bad);
			continue;
		}
		if (pid == 0) {
			if (kind == 'r')
				child_rename(nm->v[idx], nm->len[idx], argv0, life);
			if (kind == 'e')
				child_exec(linkdir, nm->v[idx], mark, life);
			if (forks % 3 == 0)
				prctl(PR_SET_NAME, nm->v[idx], 0, 0, 0);
			_exit(0);
		}
		fprintf(log, "F %d %c %zu %ld %lld\n", (int)pid, kind, idx, life, now_ns());
		forks++;
		if (kind == 's') {
			if (waitpid(pid, &st, 0) == pid) {
				fprintf(log, "R %d %d %lld\n", (int)pid, st, now_ns());
				if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
					bad++;
			}
		} else {
			alive_long++;
		}
		alive_long -= reap_ready(log, &bad);
	}
	loop_end = now_ns();
	while (alive_long > 0) {
		pid_t pid = waitpid(-1, &st, 0);

		if (pid < 0)
			break;
		fprintf(log, "R %d %d %lld\n", (int)pid, st, now_ns());
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
		alive_long--;
	}
	fprintf(log, "E %lu %.3f\n", forks, (double)(loop_end - start) / 1e9);
	if (bad)
		fprintf(stderr, "churn: %d children did not exit 0\n", bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct names nm;
	static char logbuf[1 << 20];
	FILE *log;
	int rc;

	if (argc == 4 && strcmp(argv[2], "child") == 0) {     // argv[1] is the mark
		sleep_ms(atol(argv[3]));
		return 0;
	}
	if (argc != 8 || strcmp(argv[1], "spawn") != 0) {
		fprintf(stderr, "usage: churn spawn SECONDS NAMES LINKDIR LOG MAXLONG MARK\n");
		return 2;
	}
	if (names_load(argv[3], &nm) < 0) {
		fprintf(stderr, "churn: cannot read names from %s\n", argv[3]);
		return 2;
	}
	if (!(log = fopen(argv[5], "w"))) {
		fprintf(stderr, "churn: %s: %s\n", argv[5], strerror(errno));
		return 2;
	}
	setvbuf(log, logbuf, _IOFBF, sizeof logbuf);
	rc = spawn(atof(argv[2]), &nm, argv[4], argv[7], log, argv[0], atoi(argv[6]));
	if (fclose(log) != 0)
		rc = 1;
	return rc;
}
