/* test_psi.c — psi_parse on captured, hand-written, truncated and malformed
 * /proc/pressure text. */
#include "fixture.h"

#include "proc/psi.h"

// Parses a fixture file into *out; returns psi_parse's result.
static int parse_fixture(const char *rel, struct psi *out)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = psi_parse(buf, len, out);

	free(buf);
	return rc;
}

// Parses the first len bytes of s from an exact-size heap copy.
static int parse_bytes(const char *s, size_t len, struct psi *out)
{
	char *buf = test_bytes(s, len);
	int rc = psi_parse(buf, len, out);

	free(buf);
	return rc;
}

static void assert_line(const struct psi_line *l, double a10, double a60, double a300, uint64_t total)
{
	assert_true(l->valid);
	assert_float_equal(l->avg10, a10, 1e-9);
	assert_float_equal(l->avg60, a60, 1e-9);
	assert_float_equal(l->avg300, a300, 1e-9);
	assert_int_equal(l->total_us, total);
}

static void test_real_memory_file(void **state)
{
	struct psi p;

	(void)state;
	assert_int_equal(parse_fixture("psi/memory_real.txt", &p), 0);
	assert_line(&p.some, 0, 0, 0, 0);
	assert_line(&p.full, 0, 0, 0, 0);
}

static void test_real_cpu_file(void **state)
{
	struct psi p;

	(void)state;
	assert_int_equal(parse_fixture("psi/cpu_real.txt", &p), 0);
	assert_line(&p.some, 0.08, 0.41, 0.29, 5506018);
	assert_line(&p.full, 0, 0, 0, 0);
}

static void test_loaded_values(void **state)
{
	struct psi p;

	(void)state;
	assert_int_equal(parse_fixture("psi/memory_loaded.txt", &p), 0);
	assert_line(&p.some, 12.34, 5.67, 1.08, 987654321);
	assert_line(&p.full, 3.50, 1.25, 0.40, 123456789);
}

static void test_some_only_leaves_full_invalid(void **state)
{
	struct psi p;

	(void)state;
	memset(&p, 0xff, sizeof p);   // parse must reset what it does not fill
	assert_int_equal(parse_fixture("psi/some_only.txt", &p), 0);
	assert_line(&p.some, 0.52, 0.31, 0.12, 4518312);
	assert_false(p.full.valid);
}

static void test_full_only_is_invalid(void **state)
{
	struct psi p;

	(void)state;
	assert_int_equal(parse_fixture("psi/full_only.txt", &p), -EINVAL);
	assert_false(p.some.valid);
}

static void test_garbage_and_empty(void **state)
{
	struct psi p;

	(void)state;
	assert_int_equal(parse_fixture("psi/garbage.txt", &p), -EINVAL);
	assert_false(p.some.valid);
	assert_false(p.full.valid);
	assert_int_equal(parse_fixture("psi/empty.txt", &p), -EINVAL);
	assert_int_equal(parse_bytes("\n\n", 2, &p), -EINVAL);
	assert_int_equal(parse_bytes("some\n", 5, &p), -EINVAL);
	assert_int_equal(parse_bytes("some ", 5, &p), -EINVAL);
	assert_int_equal(parse_bytes("somebody avg10=1.00 avg60=1.00 avg300=1.00 total=1\n", 51, &p),
			 -EINVAL);
}

static void test_bad_number(void **state)
{
	struct psi p;

	(void)state;
	assert_int_equal(parse_fixture("psi/bad_number.txt", &p), -EINVAL);
	assert_false(p.some.valid);
	assert_true(p.full.valid);     // the good full line still parsed
	assert_int_equal(parse_fixture("psi/total_overflow.txt", &p), -EINVAL);
}

static void test_truncated_files(void **state)
{
	struct psi p;

	(void)state;
	assert_int_equal(parse_fixture("psi/truncated_mid_number.txt", &p), -EINVAL);
	assert_false(p.some.valid);
	assert_int_equal(parse_fixture("psi/truncated_mid_key.txt", &p), -EINVAL);
	assert_false(p.some.valid);
	// The some line is whole; only the full line was cut.
	assert_int_equal(parse_fixture("psi/truncated_full_line.txt", &p), 0);
	assert_line(&p.some, 12.34, 5.67, 1.08, 987654321);
	assert_false(p.full.valid);
}

static void test_fields_out_of_order_or_missing(void **state)
{
	static const char swapped[] = "some avg60=1.00 avg10=2.00 avg300=3.00 total=4\n";
	static const char missing[] = "some avg10=1.00 avg300=3.00 total=4\n";
	static const char no_total[] = "some avg10=1.00 avg60=2.00 avg300=3.00\n";
	static const char negative[] = "some avg10=-1.00 avg60=2.00 avg300=3.00 total=4\n";
	struct psi p;

	(void)state;
	assert_int_equal(parse_bytes(swapped, sizeof swapped - 1, &p), -EINVAL);
	assert_int_equal(parse_bytes(missing, sizeof missing - 1, &p), -EINVAL);
	assert_int_equal(parse_bytes(no_total, sizeof no_total - 1, &p), -EINVAL);
	assert_int_equal(parse_bytes(negative, sizeof negative - 1, &p), -EINVAL);
}

static void test_extra_spacing_and_crlf(void **state)
{
	static const char spaced[] = "some  avg10=1.50\tavg60=2.00  avg300=3.25 total=4\r\n"
				     "full avg10=0.10 avg60=0.20 avg300=0.30 total=5";   // no final newline
	struct psi p;

	(void)state;
	assert_int_equal(parse_bytes(spaced, sizeof spaced - 1, &p), 0);
	assert_line(&p.some, 1.5, 2.0, 3.25, 4);
	assert_line(&p.full, 0.1, 0.2, 0.3, 5);
}

// Every cut of a real-looking file: never reads past the cut (ASan), and
// the result depends only on which lines are complete. A cut inside the
// digits of the some line's total is not checked: "total=98" is valid PSI
// on its own, so the parser cannot tell it from a cut "total=987654321".
static void test_every_truncation(void **state)
{
	static const char full[] =
		"some avg10=12.34 avg60=5.67 avg300=1.08 total=987654321\n"
		"full avg10=3.50 avg60=1.25 avg300=0.40 total=123456789\n";
	size_t some_digit = (size_t)(strstr(full, "total=") - full) + 6;
	size_t some_end = (size_t)(strchr(full, '\n') - full) + 1;
	size_t full_digit = (size_t)(strstr(full + some_end, "total=") - full) + 6;

	(void)state;
	for (size_t cut = 0; cut <= sizeof full - 1; cut++) {
		struct psi p;
		int rc = parse_bytes(full, cut, &p);

		if (cut <= some_digit) {
			assert_int_equal(rc, -EINVAL);
			assert_false(p.some.valid);
		} else if (cut >= some_end) {
			assert_int_equal(rc, 0);
			assert_line(&p.some, 12.34, 5.67, 1.08, 987654321);
			assert_int_equal(p.full.valid, cut > full_digit);
		}
	}
}

static void test_levels(void **state)
{
	struct psi_line l = { .valid = true };

	(void)state;
	l.avg10 = 9.99;
	assert_int_equal(psi_level_some(&l), PSI_OK);
	l.avg10 = 10.0;
	assert_int_equal(psi_level_some(&l), PSI_WARN);
	l.avg10 = 40.0;
	assert_int_equal(psi_level_some(&l), PSI_CRIT);
	l.avg10 = 4.99;
	assert_int_equal(psi_level_full(&l), PSI_OK);
	l.avg10 = 5.0;
	assert_int_equal(psi_level_full(&l), PSI_WARN);
	l.avg10 = 10.0;
	assert_int_equal(psi_level_full(&l), PSI_CRIT);
	l.valid = false;                 // a missing line is never alarming
	assert_int_equal(psi_level_full(&l), PSI_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_memory_file),
		cmocka_unit_test(test_real_cpu_file),
		cmocka_unit_test(test_loaded_values),
		cmocka_unit_test(test_some_only_leaves_full_invalid),
		cmocka_unit_test(test_full_only_is_invalid),
		cmocka_unit_test(test_garbage_and_empty),
		cmocka_unit_test(test_bad_number),
		cmocka_unit_test(test_truncated_files),
		cmocka_unit_test(test_fields_out_of_order_or_missing),
		cmocka_unit_test(test_extra_spacing_and_crlf),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
