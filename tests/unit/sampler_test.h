/* sampler_test.h — helpers for the tests of the live sampler
 * (test_sampler.c, test_sampler_oom.c): a sampler that fails the test when
 * it cannot be made, and whether this process holds a file open.
 * Include after fixture.h (cmocka).
 */
#ifndef MEMTOP_TEST_SAMPLER_TEST_H
#define MEMTOP_TEST_SAMPLER_TEST_H

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proc/sampler.h"

__attribute__((unused)) static struct sampler *sampler_for(const struct source_config *cfg)
{
	char err[256];
	struct sampler *s = sampler_new(cfg, err, sizeof err);

	if (!s)
		fail_msg("sampler_new: %s", err);
	return s;
}

/* True when this process has a descriptor open on target. */
__attribute__((unused)) static bool fd_open_on(const char *target)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	bool found = false;

	assert_non_null(d);
	while (!found && (de = readdir(d))) {
		char link[300], to[PATH_MAX];
		ssize_t n;

		snprintf(link, sizeof link, "/proc/self/fd/%s", de->d_name);
		n = readlink(link, to, sizeof to - 1);
		if (n > 0) {
			to[n] = '\0';
			found = strcmp(to, target) == 0;
		}
	}
	closedir(d);
	return found;
}

#endif
