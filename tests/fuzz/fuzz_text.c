/* fuzz_text.c — the sanitiser (text_sanitize, text_sanitize_cmdline), the
 * display-width truncation (text_fit, text_fit_span) and the size formatters
 * of text.c on arbitrary bytes, with their contracts as invariants.
 *
 * Input: byte 0 picks a small output capacity, byte 1 a width in columns,
 * the rest is the text (and its first 8 bytes a size for text_human_kb).
 */
#include <locale.h>
#include <wchar.h>

#include "fuzz.h"
#include "util/text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	// memtop runs in the user's locale; text_fit asks wcwidth, which
	// knows no widths in the "C" locale.
	if (!setlocale(LC_ALL, "C.UTF-8"))
		abort();
	return 0;
}

// Rejects any code point the sanitiser must escape: C1 controls, bidi
// controls, the BOM (text.c's is_dangerous_cp, restated).
static bool cp_is_safe(uint32_t cp, void *arg)
{
	(void)arg;
	return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f) &&
	       !(cp >= 0x202a && cp <= 0x202e) && !(cp >= 0x2066 && cp <= 0x2069) &&
	       cp != 0x200e && cp != 0x200f && cp != 0x061c && cp != 0xfeff;
}

// Sanitised text: length as returned, within cap, valid UTF-8, nothing a
// terminal would act on.
static void check_clean(const char *out, size_t n, size_t cap)
{
	FUZZ_CHECK(n < cap && strlen(out) == n);
	FUZZ_CHECK(fuzz_utf8_walk(out, n, cp_is_safe, NULL));
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

// Reads n upper-case hex digits at s.
static uint32_t hex_n(const char *s, size_t n)
{
	uint32_t v = 0;

	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(hex_digit(s[i]) >= 0);
		v = v << 4 | (uint32_t)hex_digit(s[i]);
	}
	return v;
}

// Appends the UTF-8 encoding of cp (below U+10000: \u escapes have 4 digits).
static size_t put_utf8(uint32_t cp, char *o)
{
	if (cp < 0x80)
		return o[0] = (char)cp, 1;
	if (cp < 0x800)
		return o[0] = (char)(0xc0 | cp >> 6), o[1] = (char)(0x80 | (cp & 0x3f)), 2;
	o[0] = (char)(0xe0 | cp >> 12);
	o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

// Undoes the sanitiser's escapes into out (as long as s at most); returns
// the length. Fails on an escape the sanitiser does not make.
static size_t unescape(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			out[o++] = s[i];
			continue;
		}
		FUZZ_CHECK(i + 1 < n);
		switch (s[++i]) {
		case '\\': out[o++] = '\\'; break;
		case 'n': out[o++] = '\n'; break;
		case 't': out[o++] = '\t'; break;
		case 'r': out[o++] = '\r'; break;
		case 'e': out[o++] = 0x1b; break;
		case 'x':
			FUZZ_CHECK(i + 2 < n);
			out[o++] = (char)hex_n(s + i + 1, 2);
			i += 2;
			break;
		case 'u':
			FUZZ_CHECK(i + 4 < n);
			o += put_utf8(hex_n(s + i + 1, 4), out + o);
			i += 4;
			break;
		default:
			FUZZ_CHECK(!"an escape text_sanitize does not make");
		}
	}
	return o;
}

// text_sanitize: clean output; with room enough (4 bytes a byte) it loses
// nothing, as the round trip shows; with less it is a prefix of that.
static char *fuzz_sanitize(const char *text, size_t len, size_t small)
{
	size_t big = 4 * len + 1, n, m;
	char *out = malloc(big), *back = malloc(big), *cut = malloc(small);

	FUZZ_CHECK(out && back && cut);
	n = text_sanitize(text, len, out, big);
	check_clean(out, n, big);
	FUZZ_CHECK(unescape(out, n, back) == len && memcmp(back, text, len) == 0);
	m = text_sanitize(text, len, cut, small);
	check_clean(cut, m, small);
	FUZZ_CHECK(m <= n && memcmp(cut, out, m) == 0);
	free(back);
	free(cut);
	return out;
}

// text_sanitize_cmdline: the arguments sanitised one by one and joined by
// spaces, trailing NULs dropped; cut short, a prefix of that.
static void fuzz_cmdline(const char *text, size_t len, size_t small)
{
	size_t big = 4 * len + 1, n, m, e = 0, end = len;
	char *out = malloc(big), *want = malloc(big), *cut = malloc(small);

	FUZZ_CHECK(out && want && cut);
	n = text_sanitize_cmdline(text, len, out, big);
	FUZZ_CHECK(n < big && strlen(out) == n);
	while (end > 0 && text[end - 1] == '\0')
		end--;
	for (size_t start = 0; end > 0 && start <= end;) {
		const char *nul = memchr(text + start, '\0', end - start);
		size_t stop = nul ? (size_t)(nul - text) : end;

		if (start > 0)
			want[e++] = ' ';
		e += text_sanitize(text + start, stop - start, want + e, big - e);
		start = stop + 1;
	}
	FUZZ_CHECK(n == e && memcmp(out, want, n) == 0);
	m = text_sanitize_cmdline(text, len, cut, small);
	FUZZ_CHECK(m < small && strlen(cut) == m);
	FUZZ_CHECK(m <= n && memcmp(cut, out, m) == 0);
	free(out);
	free(want);
	free(cut);
}

// Sums the display width of UTF-8 text as a terminal would (-1 per
// character without a width: text_fit must have replaced those).
static bool add_width(uint32_t cp, void *arg)
{
	int w = wcwidth((wchar_t)cp);

	*(int *)arg += w < 0 ? -1000 : w;
	return true;
}

// text_fit_span on s (NUL-terminated) at cols and cols + 1: never wider than
// asked, within cap, valid UTF-8, ASCII only without utf8, never longer than
// the bytes it consumed (replacements are one '?'); one more column only
// extends the result. clean says s came out of the sanitiser, so the width
// text_fit reports must be exactly what a terminal counts.
static void fuzz_fit(const char *s, int cols, bool utf8, size_t cap, bool clean)
{
	char *a = malloc(cap), *b = malloc(cap);
	size_t ca, la, lb;
	int ua, ub, width = 0;

	FUZZ_CHECK(a && b);
	ua = text_fit_span(s, cols, utf8, a, cap, &ca);
	ub = text_fit(s, cols + 1, utf8, b, cap);
	la = strlen(a);
	lb = strlen(b);
	FUZZ_CHECK(ua >= 0 && ua <= cols && ub <= cols + 1 && ua <= ub);
	FUZZ_CHECK(la < cap && ca <= strlen(s) && la <= ca);
	FUZZ_CHECK(la <= lb && memcmp(a, b, la) == 0);
	FUZZ_CHECK(fuzz_utf8_walk(a, la, add_width, &width));
	if (!utf8)
		for (size_t i = 0; i < la; i++)
			FUZZ_CHECK((unsigned char)a[i] < 0x80);
	if (clean)
		FUZZ_CHECK(width == ua);
	free(a);
	free(b);
}

// text_human_kb and text_human_delta_kb: at most 6 (7 signed) characters.
static void fuzz_human(const uint8_t *data, size_t size, size_t small)
{
	uint64_t kb = 0;
	char out[32], *cut = malloc(small);

	FUZZ_CHECK(cut);
	memcpy(&kb, data, size < sizeof kb ? size : sizeof kb);
	FUZZ_CHECK(strlen(text_human_kb(kb, out, sizeof out)) <= 6);
	FUZZ_CHECK(strlen(text_human_delta_kb((int64_t)kb, out, sizeof out)) <= 7);
	FUZZ_CHECK(strlen(text_human_kb(kb, cut, small)) < small);
	FUZZ_CHECK(strlen(text_human_delta_kb((int64_t)kb, cut, small)) < small);
	free(cut);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t small = size > 0 ? (size_t)data[0] + 1 : 1;
	int cols = size > 1 ? data[1] % 128 : 0;
	size_t skip = size < 2 ? size : 2, len = size - skip;
	char *text = fuzz_copy(data + skip, len, false);
	char *raw = fuzz_copy(data + skip, len, true);
	char *clean = fuzz_sanitize(text, len, small);

	fuzz_cmdline(text, len, small);
	for (int utf8 = 0; utf8 <= 1; utf8++) {
		fuzz_fit(clean, cols, utf8, small, true);
		fuzz_fit(raw, cols, utf8, small, false);   // unsanitised: no crash, still bounded
	}
	fuzz_human(data + skip, len, small);
	free(clean);
	free(raw);
	free(text);
	return 0;
}
