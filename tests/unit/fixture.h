/* fixture.h — shared helpers for the unit tests: reading fixture files and
 * capturing what a writer prints to a FILE*.
 *
 * Contract: fixture_read and test_bytes return malloc'd buffers of exactly
 * the data's length, with no NUL after it, so that AddressSanitizer reports a
 * parser that reads one byte too far; the caller frees them. Any error fails
 * the running test. This header includes cmocka and its prerequisites.
 */
#ifndef MEMTOP_TEST_FIXTURE_H
#define MEMTOP_TEST_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FIXTURES
#error "FIXTURES must name the tests/fixtures directory"
#endif

/* Copies n bytes of s into a new buffer of exactly n bytes. Not inlined, so
 * that GCC does not mistake the copy for uninitialised memory. */
__attribute__((noinline, unused)) static char *test_bytes(const char *s, size_t n)
{
	char *p = malloc(n);   // malloc(0) gives a pointer ASan guards too

	if (!p && n > 0)
		fail_msg("out of memory");
	if (n > 0)
		memcpy(p, s, n);
	return p;
}

/* Reads FIXTURES/rel (or rel itself when absolute) into a new buffer; *len gets its size. */
static inline char *fixture_read(const char *rel, size_t *len)
{
	char path[4096];
	char *buf = NULL, *exact;
	size_t cap = 0, n = 0;
	FILE *f;

	// An absolute path names a generated fixture (see LARGE_SMAPS in the Makefile).
	if ((size_t)snprintf(path, sizeof path, "%s%s%s", rel[0] == '/' ? "" : FIXTURES,
			     rel[0] == '/' ? "" : "/", rel) >= sizeof path)
		fail_msg("fixture path too long: %s", rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (n + 1 >= cap) {
			char *p;

			cap = cap ? cap * 2 : 4096;
			p = realloc(buf, cap);
			if (!p) {
				fclose(f);
				free(buf);
				fail_msg("out of memory reading %s", path);
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		fail_msg("cannot read fixture %s", path);
	}
	fclose(f);
	*len = n;
	exact = test_bytes(buf, n);
	free(buf);
	return exact;
}

/* The problems a parser reported through its error callback (kvfile's
 * shape: line and reason), for the theme and rc tests. */
#define TEST_ERRORS_MAX 8

struct errors {
	unsigned n;
	struct {
		unsigned line;
		char reason[256];
	} e[TEST_ERRORS_MAX];
};

/* The callback: records one problem (at most TEST_ERRORS_MAX). */
__attribute__((unused)) static void on_error(void *ctx, unsigned line, const char *reason)
{
	struct errors *errs = ctx;

	assert_true(errs->n < TEST_ERRORS_MAX);
	errs->e[errs->n].line = line;
	snprintf(errs->e[errs->n].reason, sizeof errs->e[0].reason, "%s", reason);
	errs->n++;
}

/* Fails unless problem i was reported at line with part in its reason. */
__attribute__((unused)) static void assert_error(const struct errors *errs, unsigned i, unsigned line,
						  const char *part)
{
	assert_true(i < errs->n);
	assert_int_equal(errs->e[i].line, line);
	if (!strstr(errs->e[i].reason, part))
		fail_msg("reason '%s' lacks '%s'", errs->e[i].reason, part);
}

/* An in-memory FILE* whose text the test can inspect after closing it. */
struct capture {
	FILE *f;
	char *text;
	size_t len;
};

static inline void capture_open(struct capture *c)
{
	c->text = NULL;
	c->len = 0;
	c->f = open_memstream(&c->text, &c->len);
	if (!c->f)
		fail_msg("open_memstream: %s", strerror(errno));
}

/* Closes the stream; c->text then holds everything written, NUL-terminated. */
static inline const char *capture_close(struct capture *c)
{
	if (fclose(c->f) != 0)
		fail_msg("closing the memstream failed");
	c->f = NULL;
	return c->text;
}

static inline void capture_free(struct capture *c)
{
	free(c->text);
	c->text = NULL;
}

#endif
