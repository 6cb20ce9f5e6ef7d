/* strset.c — the distinct strings of a list, sorted. */
#include "util/strset.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int cmp_key(const void *a, const void *b)
{
	uint64_t x = ((const struct strset_key *)a)->hash, y = ((const struct strset_key *)b)->hash;

	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// FNV-1a: paths that share long prefixes compare in one step by hash.
static uint64_t str_hash(const char *p)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
	return h;
}

size_t strset_distinct(const char *const *v, size_t n, struct strset_key *scratch, const char **out)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		scratch[i] = (struct strset_key){ str_hash(v[i]), v[i] };
	qsort(scratch, n, sizeof *scratch, cmp_key);
	for (size_t i = 0, run = 0; i < n; i++) {
		bool seen = false;

		if (i == 0 || scratch[i].hash != scratch[i - 1].hash)
			run = m;                     // the distinct strings of this hash start here
		for (size_t j = run; j < m && !seen; j++)
			seen = strcmp(out[j], scratch[i].s) == 0;
		if (!seen)
			out[m++] = scratch[i].s;
	}
	qsort(out, m, sizeof *out, cmp_str);
	return m;
}
