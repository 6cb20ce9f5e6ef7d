/* fuzz.h — shared helpers for the libFuzzer targets in tests/fuzz/.
 *
 * Contract: fuzz_copy returns a malloc'd copy of exactly the input's bytes
 * (plus a NUL after them when asked), which the caller frees; FUZZ_CHECK
 * aborts with the failed condition, which libFuzzer reports as a crash and
 * saves the input for. Everything here is static: each target is one
 * translation unit.
 */
#ifndef MEMTOP_FUZZ_H
#define MEMTOP_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Unlike assert(), never compiled out: the invariants are the point.
#define FUZZ_CHECK(cond)                                                               \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,     \
				__LINE__, #cond);                                      \
			abort();                                                       \
		}                                                                      \
	} while (0)

/* Copies the input into a buffer of exactly size bytes, or size + 1 with a
 * NUL when nul is true. The sampler hands the parsers exact-length buffers
 * (procfs reads add no NUL), and so do the unit tests: a parser that reads
 * one byte past the end then meets ASan's redzone, not a friendly NUL. */
static inline char *fuzz_copy(const uint8_t *data, size_t size, bool nul)
{
	char *p = malloc(size + (nul ? 1 : 0));

	if (!p)
		abort();
	if (size > 0)
		memcpy(p, data, size);
	if (nul)
		p[size] = '\0';
	return p;
}

/* Whether [s, s + len) is valid UTF-8: shortest forms only, no surrogates,
 * nothing above U+10FFFF. Written apart from text.c's decoder on purpose, so
 * that a shared bug cannot hide. Stores each code point through cb when it is
 * not NULL, and stops with false when cb returns false. */
static inline bool fuzz_utf8_walk(const char *s, size_t len, bool (*cb)(uint32_t cp, void *arg),
				  void *arg)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		uint32_t cp;
		size_t n;

		if (p[0] < 0x80)
			cp = p[0], n = 1;
		else if (p[0] >= 0xc2 && p[0] <= 0xdf)
			cp = p[0] & 0x1fu, n = 2;
		else if (p[0] >= 0xe0 && p[0] <= 0xef)
			cp = p[0] & 0x0fu, n = 3;
		else if (p[0] >= 0xf0 && p[0] <= 0xf4)
			cp = p[0] & 0x07u, n = 4;
		else
			return false;
		if ((size_t)(end - p) < n)
			return false;
		for (size_t i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3fu);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		if (cb && !cb(cp, arg))
			return false;
		p += n;
	}
	return true;
}

/* Whether [s, s + len) holds the NUL-terminated string: true when some byte
 * range of the input equals it (a parser copied it out of the input). */
static inline bool fuzz_is_substring(const char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	return n == 0 || (n <= len && memmem(buf, len, s, n) != NULL);
}

#endif
