/* smapsbench — how long smaps_parse takes on one file.
 *
 *   smapsbench FILE
 *
 * Reads FILE, parses it once to warm up and to size the run, then parses it
 * again and again for about a second into the same struct (as memtop's
 * refreshes do) and prints the mapping count and the mean time per parse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proc/smaps.h"

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Reads all of path into a new buffer; *len gets its size. NULL on error.
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			char *p = realloc(buf, cap = cap ? cap * 2 : 1 << 16);

			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	struct smaps s = { 0 };
	double t0, one, elapsed;
	size_t len;
	long runs;
	char *buf;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: smapsbench FILE\n");
		return 2;
	}
	buf = read_file(argv[1], &len);
	if (!buf) {
		fprintf(stderr, "smapsbench: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	t0 = now_seconds();
	rc = smaps_parse(buf, len, &s);
	one = now_seconds() - t0;
	if (rc < 0) {
		fprintf(stderr, "smapsbench: %s: parse failed: %s\n", argv[1], strerror(-rc));
		return 1;
	}
	runs = one > 0 ? (long)(1.0 / one) : 100000;
	if (runs < 10)
		runs = 10;
	t0 = now_seconds();
	for (long i = 0; i < runs; i++)
		if (smaps_parse(buf, len, &s) < 0)
			return 1;
	elapsed = now_seconds() - t0;
	printf("smapsbench: %s: %zu mappings, %zu bytes, %ld parses, mean %.3f ms per parse"
	       " (%.0f MB/s)\n",
	       argv[1], s.n, len, runs, elapsed * 1e3 / (double)runs,
	       (double)len * (double)runs / elapsed / 1e6);
	smaps_free(&s);
	free(buf);
	return 0;
}
