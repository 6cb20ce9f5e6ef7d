/* test_strset.c — the distinct strings of a list, sorted: none, one,
 * thousands of duplicates of a few hundred paths with long shared
 * prefixes, in place. */
#include "fixture.h"

#include "util/strset.h"

static void test_empty_and_one(void **state)
{
	struct strset_key scratch[1];
	const char *v[1] = { "/a" }, *out[1];

	(void)state;
	assert_int_equal(strset_distinct(v, 0, scratch, out), 0);
	assert_int_equal(strset_distinct(v, 1, scratch, out), 1);
	assert_string_equal(out[0], "/a");
}

// 2,000 entries of 200 paths, shuffled, in place: each path once, sorted.
static void test_many_in_place(void **state)
{
	static char paths[200][80];
	static const char *v[2000];
	static struct strset_key scratch[2000];
	size_t m;

	(void)state;
	for (int i = 0; i < 200; i++)
		snprintf(paths[i], sizeof paths[i], "/process_api/b993e437ea57934226f2f6303ada454f/cg%03d", 199 - i);
	for (int i = 0; i < 2000; i++)
		v[i] = paths[(i * 7919) % 200];
	m = strset_distinct(v, 2000, scratch, v);
	assert_int_equal(m, 200);
	for (size_t i = 0; i < m; i++) {
		char want[80];

		snprintf(want, sizeof want, "/process_api/b993e437ea57934226f2f6303ada454f/cg%03zu", i);
		assert_string_equal(v[i], want);
	}
	// Equal strings at different addresses are one.
	char a[] = "/x.slice", b[] = "/x.slice";
	const char *two[2] = { a, b };

	assert_int_equal(strset_distinct(two, 2, scratch, two), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_one),
		cmocka_unit_test(test_many_in_place),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
