/* fuzz_cgname.c — cgname_describe on arbitrary paths, raw and as the
 * sampler hands them over (sanitised), with its contract as invariants.
 *
 * Input: byte 0 picks a small output capacity (1 to 256), the rest is the
 * path (up to its first NUL, as a C string).
 */
#include "fuzz.h"
#include "util/cgname.h"
#include "util/text.h"

// Every fixed word a label may hold besides the path's own bytes.
static const char fixed_words[] = "(root) (unknown) docker containerd podman crio conmon pod "
				  "burstable besteffort guaranteed";

// The length of the sanitiser escape or UTF-8 character at s (at most n),
// restated from the sanitiser's output format rather than from cgname.c.
static size_t unit_at(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = 1;

	if (c == '\\' && n >= 2)
		len = s[1] == 'x' ? 4 : s[1] == 'u' ? 6 : 2;
	else if ((c & 0xe0) == 0xc0)
		len = 2;
	else if ((c & 0xf0) == 0xe0)
		len = 3;
	else if ((c & 0xf8) == 0xf0)
		len = 4;
	return len < n ? len : n;
}

// Whether cut (of whole, n bytes) is a character or escape boundary, and the
// unit that starts there would not have fitted in cap.
static bool cut_is_longest(const char *whole, size_t n, size_t cut, size_t cap)
{
	size_t at = 0;

	while (at < cut)
		at += unit_at(whole + at, n - at);
	return at == cut && (cut == n || cut + unit_at(whole + cut, n - cut) >= cap);
}

// The label of path at capacity cap, with the checks that hold for any input.
static char *describe(const char *path, size_t cap)
{
	char *out = malloc(cap);
	size_t n;

	FUZZ_CHECK(out);
	memset(out, 'Z', cap);
	n = cgname_describe(path, out, cap);
	FUZZ_CHECK(n < cap && memchr(out, '\0', cap) == out + n);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(strchr(path, out[i]) || strchr(fixed_words, out[i]));
	return out;
}

// One path, at a capacity with room for every label and at small: the small
// one is a prefix of the whole; for sanitised text it is cut at the last
// boundary that fits and is valid UTF-8.
static void check_path(const char *path, size_t small, bool sanitised)
{
	size_t big = strlen(path) + 64;
	char *whole = describe(path, big), *cut = describe(path, small);
	size_t n = strlen(whole), m = strlen(cut);

	FUZZ_CHECK(m <= n && memcmp(cut, whole, m) == 0);
	FUZZ_CHECK(n > 0);   // every path has some label, "" too
	if (sanitised) {
		FUZZ_CHECK(cut_is_longest(whole, n, m, small));
		FUZZ_CHECK(fuzz_utf8_walk(whole, n, NULL, NULL));
		FUZZ_CHECK(fuzz_utf8_walk(cut, m, NULL, NULL));
	}
	free(whole);
	free(cut);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t small = size > 0 ? (size_t)data[0] + 1 : 1;
	size_t skip = size > 0 ? 1 : 0, len = size - skip;
	char *raw = fuzz_copy(data + skip, len, true);
	size_t clean_cap = 4 * 6 * len + 1;   // the widest escape is 6 bytes a byte
	char *clean = malloc(clean_cap);

	FUZZ_CHECK(clean);
	text_sanitize(raw, strlen(raw), clean, clean_cap);
	check_path(raw, small, false);   // unsanitised: bounded and no crash
	check_path(clean, small, true);
	free(clean);
	free(raw);
	return 0;
}
