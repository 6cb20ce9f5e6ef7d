/* test_text.c — text_sanitize, text_sanitize_cmdline, the size formatters,
 * and fitting and wrapping text to columns. */
#include "fixture.h"

#include <inttypes.h>
#include <locale.h>
#include <stdbool.h>

#include "util/text.h"

#define S(lit) (lit), (sizeof(lit) - 1)   // a literal and its length, NULs included

// Sanitises len bytes (copied to an exact-size heap buffer) into a heap
// buffer of exactly cap bytes, so ASan sees any read or write out of bounds.
// Returns the output; *olen gets text_sanitize's return value.
static char *sanitize(const char *in, size_t len, size_t cap, size_t *olen)
{
	char *src = test_bytes(in, len);
	char *out = malloc(cap);

	assert_true(out != NULL || cap == 0);
	*olen = text_sanitize(src, len, out, cap);
	free(src);
	return out;
}

// Checks that in (len bytes) sanitises to want with a roomy output buffer.
static void check_sanitize(const char *in, size_t len, const char *want)
{
	size_t olen, cap = 4 * 12 * len + 1;
	char *out = sanitize(in, len, cap, &olen);

	assert_string_equal(out, want);
	assert_int_equal(olen, strlen(want));
	free(out);
}

// Same with a given capacity.
static void check_sanitize_cap(const char *in, size_t len, size_t cap, const char *want)
{
	size_t olen;
	char *out = sanitize(in, len, cap, &olen);

	assert_string_equal(out, want);
	assert_int_equal(olen, strlen(want));
	free(out);
}

static void test_plain_ascii_unchanged(void **state)
{
	(void)state;
	check_sanitize(S("hello world"), "hello world");
	check_sanitize(S("a=b;c:d/e~f!{}[]()<>|&*?'\"`$%^#@+-_.,"),
		       "a=b;c:d/e~f!{}[]()<>|&*?'\"`$%^#@+-_.,");
	check_sanitize(S(""), "");
}

static void test_named_escapes(void **state)
{
	(void)state;
	check_sanitize(S("a\x1b[31mred"), "a\\e[31mred");
	check_sanitize(S("line1\nline2"), "line1\\nline2");
	check_sanitize(S("col1\tcol2"), "col1\\tcol2");
	check_sanitize(S("cr\r"), "cr\\r");
}

static void test_c0_and_del_become_hex(void **state)
{
	(void)state;
	check_sanitize(S("\x01"), "\\x01");
	check_sanitize(S("a\x07" "b"), "a\\x07b");
	check_sanitize(S("\x1f"), "\\x1F");                   // upper-case hex
	check_sanitize(S("\x0b\x0c"), "\\x0B\\x0C");
	check_sanitize(S("x\x7f" "y"), "x\\x7Fy");
	check_sanitize(S("a\0b"), "a\\x00b");                 // a NUL inside the length
}

static void test_backslash_is_doubled_so_escapes_cannot_be_forged(void **state)
{
	(void)state;
	check_sanitize(S("a\\b"), "a\\\\b");
	// A literal backslash-e must not look like the escape of a real ESC.
	check_sanitize(S("\\e"), "\\\\e");
	check_sanitize(S("\\x41"), "\\\\x41");
	check_sanitize(S("\x1b"), "\\e");
}

static void test_invalid_utf8_bytes_become_hex(void **state)
{
	(void)state;
	check_sanitize(S("\xff"), "\\xFF");
	check_sanitize(S("\xfe\xfd"), "\\xFE\\xFD");
	check_sanitize(S("\x80"), "\\x80");                   // lone continuation byte
	check_sanitize(S("a\xbf" "b"), "a\\xBFb");
	check_sanitize(S("\xc3" "A"), "\\xC3A");              // lead byte then ASCII
	check_sanitize(S("\xe4\xb8"), "\\xE4\\xB8");          // truncated at the end
	check_sanitize(S("\xf0\x9f\x98"), "\\xF0\\x9F\\x98");
	check_sanitize(S("\xf8\x88\x80\x80\x80"), "\\xF8\\x88\\x80\\x80\\x80");   // 5-byte form
}

static void test_overlong_encodings_are_invalid(void **state)
{
	(void)state;
	check_sanitize(S("\xc0\xaf"), "\\xC0\\xAF");          // '/' in two bytes
	check_sanitize(S("\xc1\xbf"), "\\xC1\\xBF");
	check_sanitize(S("\xc0\x80"), "\\xC0\\x80");          // modified-UTF-8 NUL
	check_sanitize(S("\xe0\x80\xaf"), "\\xE0\\x80\\xAF");
	check_sanitize(S("\xe0\x9f\xbf"), "\\xE0\\x9F\\xBF");  // U+07FF in three bytes
	check_sanitize(S("\xf0\x82\x82\xac"), "\\xF0\\x82\\x82\\xAC");
	check_sanitize(S("\xf0\x8f\xbf\xbf"), "\\xF0\\x8F\\xBF\\xBF");
}

static void test_surrogates_and_beyond_unicode_are_invalid(void **state)
{
	(void)state;
	check_sanitize(S("\xed\xa0\x80"), "\\xED\\xA0\\x80");   // U+D800
	check_sanitize(S("\xed\xbf\xbf"), "\\xED\\xBF\\xBF");   // U+DFFF
	check_sanitize(S("\xed\x9f\xbf"), "\xed\x9f\xbf");      // U+D7FF is fine
	check_sanitize(S("\xf4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");   // U+110000
	check_sanitize(S("\xf5\x80\x80\x80"), "\\xF5\\x80\\x80\\x80");
	check_sanitize(S("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");      // U+10FFFF is fine
}

static void test_c1_controls_become_u_escapes(void **state)
{
	(void)state;
	check_sanitize(S("\xc2\x80"), "\\u0080");
	check_sanitize(S("\xc2\x85"), "\\u0085");             // NEL
	check_sanitize(S("\xc2\x9b" "31m"), "\\u009B31m");    // CSI
	check_sanitize(S("\xc2\x9f"), "\\u009F");
	check_sanitize(S("\xc2\xa0"), "\xc2\xa0");            // U+00A0 is printable
}

static void test_bidi_controls_become_u_escapes(void **state)
{
	(void)state;
	check_sanitize(S("evil\xe2\x80\xae" "txt.exe"), "evil\\u202Etxt.exe");
	check_sanitize(S("\xe2\x80\xaa"), "\\u202A");
	check_sanitize(S("\xe2\x81\xa6\xe2\x81\xa9"), "\\u2066\\u2069");
	check_sanitize(S("\xe2\x80\x8e\xe2\x80\x8f"), "\\u200E\\u200F");
	check_sanitize(S("\xd8\x9c"), "\\u061C");
	check_sanitize(S("\xef\xbb\xbf"), "\\uFEFF");
	check_sanitize(S("\xe2\x80\xaf"), "\xe2\x80\xaf");    // U+202F is not bidi
	check_sanitize(S("\xe2\x80\x8d"), "\xe2\x80\x8d");    // U+200D (ZWJ) is allowed
}

static void test_valid_multibyte_passes_through(void **state)
{
	(void)state;
	check_sanitize(S("caf\xc3\xa9"), "caf\xc3\xa9");                  // é
	check_sanitize(S("\xe4\xb8\xad\xe6\x96\x87"), "\xe4\xb8\xad\xe6\x96\x87");   // 中文
	check_sanitize(S("\xf0\x9f\x98\x80!"), "\xf0\x9f\x98\x80!");       // 😀
	check_sanitize(S("\xef\xbf\xbd"), "\xef\xbf\xbd");                // U+FFFD
}

static void test_cap_zero_writes_nothing(void **state)
{
	size_t olen;
	char *out;

	(void)state;
	out = sanitize(S("hello"), 0, &olen);   // a 0-byte buffer: any write is an ASan error
	assert_int_equal(olen, 0);
	free(out);
	assert_int_equal(text_sanitize("hello", 5, NULL, 0), 0);
}

static void test_cap_one_gives_empty_string(void **state)
{
	(void)state;
	check_sanitize_cap(S("hello"), 1, "");
	check_sanitize_cap(S("\x1b"), 1, "");
	check_sanitize_cap(S("\xc3\xa9"), 1, "");
}

static void test_cap_cuts_plain_text(void **state)
{
	(void)state;
	check_sanitize_cap(S("hello"), 6, "hello");
	check_sanitize_cap(S("hello"), 5, "hell");
	check_sanitize_cap(S("hello"), 2, "h");
}

static void test_cap_never_splits_an_escape(void **state)
{
	(void)state;
	check_sanitize_cap(S("a\x1b"), 3, "a");                 // "\e" needs 2 + NUL
	check_sanitize_cap(S("a\x1b"), 4, "a\\e");
	check_sanitize_cap(S("\x01"), 4, "");                   // "\x01" needs 4 + NUL
	check_sanitize_cap(S("\x01"), 5, "\\x01");
	check_sanitize_cap(S("\xe2\x80\xae"), 6, "");           // "\u202E" needs 6 + NUL
	check_sanitize_cap(S("\xe2\x80\xae"), 7, "\\u202E");
	check_sanitize_cap(S("x\\"), 3, "x");
	check_sanitize_cap(S("x\\"), 4, "x\\\\");
}

static void test_cap_never_splits_a_character(void **state)
{
	(void)state;
	check_sanitize_cap(S("a\xe4\xb8\xad"), 4, "a");
	check_sanitize_cap(S("a\xe4\xb8\xad"), 5, "a\xe4\xb8\xad");
	check_sanitize_cap(S("\xf0\x9f\x98\x80"), 4, "");
	check_sanitize_cap(S("\xf0\x9f\x98\x80"), 5, "\xf0\x9f\x98\x80");
	check_sanitize_cap(S("\xc3\xa9\xc3\xa9"), 4, "\xc3\xa9");
}

// For every capacity, the output must be the longest whole-unit prefix of
// the full output that fits in cap - 1 bytes. Unit boundaries come from
// sanitising each prefix of the input.
static void test_cap_sweep_gives_longest_whole_prefix(void **state)
{
	static const char in[] = "a\x1b" "b\xc3\xa9\\\xe2\x80\xae\xff\xe4\xb8\xad\x01\xf0\x9f\x98\x80z";
	size_t len = sizeof in - 1, full_len, bounds[64], nb = 0;
	char *full = sanitize(in, len, 512, &full_len);

	(void)state;
	for (size_t i = 0; i <= len; i++) {
		size_t plen;
		char *pre = sanitize(in, i, 512, &plen);

		if (plen <= full_len && memcmp(pre, full, plen) == 0 &&
		    (nb == 0 || bounds[nb - 1] != plen)) {
			assert_true(nb < sizeof bounds / sizeof bounds[0]);
			bounds[nb++] = plen;
		}
		free(pre);
	}
	assert_int_equal(bounds[nb - 1], full_len);
	for (size_t cap = 1; cap <= full_len + 2; cap++) {
		size_t olen, want = 0;
		char *out = sanitize(in, len, cap, &olen);

		for (size_t b = 0; b < nb; b++)
			if (bounds[b] < cap)
				want = bounds[b];
		assert_int_equal(olen, want);
		assert_int_equal(strlen(out), olen);
		assert_memory_equal(out, full, olen);
		free(out);
	}
	free(full);
}

// Strictly decodes one UTF-8 character for the output checks below; returns
// its length or 0.
static size_t oracle_utf8(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf && (s[1] & 0xc0) == 0x80) {
		*cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		*cp = (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return *cp >= 0x800 && (*cp < 0xd800 || *cp > 0xdfff) ? 3 : 0;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
	    (s[3] & 0xc0) == 0x80) {
		*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
		      (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
		return *cp >= 0x10000 && *cp <= 0x10ffff ? 4 : 0;
	}
	return 0;
}

// Random bytes (fixed seed) must always come out as valid UTF-8 with no
// control characters, within the capacity.
static void test_random_input_gives_safe_output(void **state)
{
	uint32_t seed = 12345;
	char in[64];

	(void)state;
	for (int round = 0; round < 3000; round++) {
		size_t len = (size_t)round % sizeof in, cap = 1 + (size_t)round % 97, olen;
		const unsigned char *o;
		char *out;

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			// Bias towards the interesting bytes: controls, leads, continuations.
			in[i] = (char)((seed >> 16) % 3 == 0 ? (seed >> 8) & 0x1f : (seed >> 8) & 0xff);
		}
		out = sanitize(in, len, cap, &olen);
		assert_true(olen < cap);
		assert_int_equal(strlen(out), olen);
		for (o = (const unsigned char *)out; *o;) {
			uint32_t cp;
			size_t n = oracle_utf8(o, &cp);

			if (n == 0)
				fail_msg("invalid UTF-8 in output of round %d", round);
			if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
			    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
				fail_msg("control U+%04" PRIX32 " in output of round %d", cp, round);
			o += n;
		}
		free(out);
	}
}

// Runs text_sanitize_cmdline on exact-size heap copies.
static char *cmdline(const char *in, size_t len, size_t cap, size_t *olen)
{
	char *src = test_bytes(in, len);
	char *out = malloc(cap);

	assert_true(out != NULL || cap == 0);
	*olen = text_sanitize_cmdline(src, len, out, cap);
	free(src);
	return out;
}

static void check_cmdline(const char *in, size_t len, size_t cap, const char *want)
{
	size_t olen;
	char *out = cmdline(in, len, cap, &olen);

	assert_string_equal(out, want);
	assert_int_equal(olen, strlen(want));
	free(out);
}

static void test_cmdline_nuls_become_spaces(void **state)
{
	(void)state;
	check_cmdline(S("ls\0-l\0/tmp\0"), 64, "ls -l /tmp");
	check_cmdline(S("ls\0-l\0/tmp"), 64, "ls -l /tmp");     // no final NUL
	check_cmdline(S("sleep"), 64, "sleep");
}

static void test_cmdline_trailing_nuls_dropped(void **state)
{
	(void)state;
	check_cmdline(S("a\0\0\0"), 64, "a");
	check_cmdline(S("a\0b\0\0\0\0"), 64, "a b");
}

static void test_cmdline_empty_and_all_nul(void **state)
{
	size_t olen;
	char out[8] = "xxxxxxx";

	(void)state;
	check_cmdline(S(""), 8, "");
	check_cmdline(S("\0"), 8, "");
	check_cmdline(S("\0\0\0"), 8, "");
	// The sampler passes a NULL buffer with length 0 when the read failed.
	olen = text_sanitize_cmdline(NULL, 0, out, sizeof out);
	assert_int_equal(olen, 0);
	assert_string_equal(out, "");
}

static void test_cmdline_keeps_empty_arguments(void **state)
{
	(void)state;
	check_cmdline(S("a\0\0b\0"), 64, "a  b");
	check_cmdline(S("\0a\0"), 64, " a");
}

static void test_cmdline_sanitises_each_argument(void **state)
{
	(void)state;
	check_cmdline(S("sh\0-c\0echo\x1b[2J\nhi\0"), 64, "sh -c echo\\e[2J\\nhi");
	check_cmdline(S("x\0\xe2\x80\xae\0\xff\0"), 64, "x \\u202E \\xFF");
	check_cmdline(S("caf\xc3\xa9\0\\\0"), 64, "caf\xc3\xa9 \\\\");
}

static void test_cmdline_cap(void **state)
{
	size_t olen;
	char *out;

	(void)state;
	out = cmdline(S("ls\0-l\0"), 0, &olen);
	assert_int_equal(olen, 0);
	free(out);
	check_cmdline(S("ls\0-l\0"), 1, "");
	check_cmdline(S("ls\0-l\0"), 3, "ls");
	check_cmdline(S("ls\0-l\0"), 6, "ls -l");
	check_cmdline(S("ls\0-l\0"), 5, "ls -");
	check_cmdline(S("a\0\x1b\0"), 5, "a \\e");
	// An argument cut short ends the output: later, shorter arguments must
	// not appear after a gap.
	check_cmdline(S("ab\0\xe4\xb8\xad\0x\0"), 6, "ab ");
	check_cmdline(S("ab\0\x1b\0x\0"), 5, "ab ");
	// Every capacity: within bounds, and a prefix of the uncut result.
	for (size_t cap = 1; cap < 40; cap++) {
		static const char in[] = "prog\0--name=\xe4\xb8\xad\0\x01\0last";
		char *o = cmdline(in, sizeof in - 1, cap, &olen);
		const char *full = "prog --name=\xe4\xb8\xad \\x01 last";

		assert_true(olen < cap);
		assert_int_equal(strlen(o), olen);
		assert_memory_equal(o, full, olen);
		free(o);
	}
}

struct kb_case {
	uint64_t kb;
	const char *want;
};

static void test_human_kb(void **state)
{
	static const struct kb_case cases[] = {
		{ 0, "0K" },
		{ 1, "1K" },
		{ 812, "812K" },
		{ 999, "999K" },
		{ 1000, "1.0M" },             // 0.98M: never four integer digits
		{ 1024, "1.0M" },
		{ 1536, "1.5M" },
		{ 10188, "9.9M" },
		{ 10240, "10M" },
		{ 102400, "100M" },
		{ 1048576, "1.0G" },
		{ 23ull * 1024 * 1024, "23G" },
		{ 1536ull * 1024 * 1024, "1.5T" },
		{ 1ull << 40, "1.0P" },
		{ 1ull << 50, "1.0E" },
		{ UINT64_MAX, "16384E" },     // the largest value still fits 6 characters
	};
	char out[16];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_ptr_equal(text_human_kb(cases[i].kb, out, sizeof out), out);
		assert_string_equal(out, cases[i].want);
	}
}

// Checks the "at most 6 characters" promise near every power of two and ten.
static void test_human_kb_width_sweep(void **state)
{
	char out[16];
	uint64_t ten = 1;

	(void)state;
	for (int shift = 0; shift < 64; shift++) {
		for (int d = -1; d <= 1; d++) {
			text_human_kb(((uint64_t)1 << shift) + (uint64_t)(int64_t)d, out, sizeof out);
			assert_in_range(strlen(out), 2, 6);
		}
	}
	for (int e = 0; e <= 19; e++, ten *= 10) {
		for (uint64_t kb = ten - 1; kb <= ten + 1; kb++) {
			text_human_kb(kb, out, sizeof out);
			assert_in_range(strlen(out), 2, 6);
		}
	}
}

static void test_human_kb_respects_cap(void **state)
{
	char *out = malloc(3);

	(void)state;
	text_human_kb(1536, out, 3);            // "1.5M" cut to fit
	assert_string_equal(out, "1.");
	text_human_delta_kb(-1536, out, 3);
	assert_string_equal(out, "-1");
	free(out);
}

struct delta_case {
	int64_t kb;
	const char *want;
};

static void test_human_delta_kb(void **state)
{
	static const struct delta_case cases[] = {
		{ 0, "0" },
		{ 1, "+1K" },
		{ -3, "-3K" },
		{ 12 * 1024, "+12M" },
		{ -1536, "-1.5M" },
		{ INT64_MAX, "+8192E" },
		{ INT64_MIN, "-8192E" },
	};
	char out[16];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_ptr_equal(text_human_delta_kb(cases[i].kb, out, sizeof out), out);
		assert_string_equal(out, cases[i].want);
	}
}

/* ---- sizes in bytes, base names ---- */

static void test_human_bytes(void **state)
{
	static const struct { uint64_t b; const char *want; } sizes[] = {
		{ 0, "0B" }, { 812, "812B" }, { 1023, "1023B" }, { 1024, "1K" },
		{ 1535, "1K" }, { 1536, "2K" }, { 512 * 1024 - 1, "512K" },
		{ 3 * 1024 * 1024, "3.0M" }, { UINT64_MAX, "16E" },
	};
	static const struct { int64_t b; const char *want; } deltas[] = {
		{ 0, "0" }, { 1, "+1B" }, { -1023, "-1023B" }, { 1024 * 410 - 300, "+410K" },
		{ -1536, "-2K" }, { INT64_MIN, "-8.0E" },
	};
	char out[16];

	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		assert_ptr_equal(text_human_bytes(sizes[i].b, out, sizeof out), out);
		assert_string_equal(out, sizes[i].want);
	}
	for (size_t i = 0; i < sizeof deltas / sizeof deltas[0]; i++) {
		assert_ptr_equal(text_human_delta_bytes(deltas[i].b, out, sizeof out), out);
		assert_string_equal(out, deltas[i].want);
	}
	assert_string_equal(text_base_name("/usr/lib/x86_64-linux-gnu/libc.so.6"), "libc.so.6");
	assert_string_equal(text_base_name("app"), "app");
	assert_string_equal(text_base_name("/dir/"), "");
	assert_string_equal(text_base_name(NULL), "");
}

/* ---- text_fit: display columns, not bytes ---- */

// text_fit's UTF-8 widths come from the locale; C.UTF-8 ships with glibc.
static void use_utf8_locale(void)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		fail_msg("the C.UTF-8 locale is missing; text_fit's width tests need it");
}

static void test_fit_ascii_cuts_at_columns(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(text_fit("hello world", 5, true, out, sizeof out), 5);
	assert_string_equal(out, "hello");
	assert_int_equal(text_fit("hi", 10, false, out, sizeof out), 2);
	assert_string_equal(out, "hi");
	assert_int_equal(text_fit("abc", 0, true, out, sizeof out), 0);
	assert_string_equal(out, "");
}

static void test_fit_wide_characters_count_two(void **state)
{
	char out[64];

	(void)state;
	use_utf8_locale();
	// "中文ab": two wide characters (2 columns each), then two narrow ones.
	assert_int_equal(text_fit("\xe4\xb8\xad\xe6\x96\x87" "ab", 5, true, out, sizeof out), 5);
	assert_string_equal(out, "\xe4\xb8\xad\xe6\x96\x87" "a");
	// A wide character that would straddle the edge is left out whole.
	assert_int_equal(text_fit("a\xe4\xb8\xad", 2, true, out, sizeof out), 1);
	assert_string_equal(out, "a");
	// "é▼" are narrow.
	assert_int_equal(text_fit("\xc3\xa9\xe2\x96\xbc", 2, true, out, sizeof out), 2);
	assert_string_equal(out, "\xc3\xa9\xe2\x96\xbc");
}

static void test_fit_ascii_mode_replaces_non_ascii(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(text_fit("a\xe4\xb8\xad\xc3\xa9" "b", 10, false, out, sizeof out), 4);
	assert_string_equal(out, "a??b");
	// Invalid UTF-8 (not possible after text_sanitize, but never passed raw).
	assert_int_equal(text_fit("\xff\x9b" "x", 10, true, out, sizeof out), 3);
	assert_string_equal(out, "??x");
}

static void test_fit_span_reports_bytes_consumed(void **state)
{
	char out[64];
	size_t used;

	(void)state;
	// ASCII mode: two 2-byte characters become "??" but consume 4 bytes.
	assert_int_equal(text_fit_span("\xc3\xa9\xc3\xa9" "ab", 3, false, out, sizeof out, &used), 3);
	assert_string_equal(out, "??a");
	assert_int_equal(used, 5);
	assert_int_equal(text_fit_span("", 3, true, out, sizeof out, &used), 0);
	assert_int_equal(used, 0);
}

static void test_fit_respects_capacity(void **state)
{
	char out[4];

	(void)state;
	use_utf8_locale();
	// Room for 3 bytes: the 2-byte é after "a" fits, the next one does not.
	assert_int_equal(text_fit("a\xc3\xa9\xc3\xa9", 80, true, out, sizeof out), 2);
	assert_string_equal(out, "a\xc3\xa9");
	assert_int_equal(text_fit("abc", 80, true, out, 0), 0);
}

/* ---- text_wrap: the detail view's whole command line ---- */

static void test_wrap_empty_and_short(void **state)
{
	size_t starts[4] = { 99, 99, 99, 99 };

	(void)state;
	assert_int_equal(text_wrap("", 0, 10, true, 1024, starts, 4), 0);
	assert_int_equal(starts[0], 99);
	assert_int_equal(text_wrap("abcd", 4, 4, true, 1024, starts, 4), 1);   // exactly full
	assert_int_equal(starts[0], 0);
}

static void test_wrap_cuts_at_columns(void **state)
{
	size_t starts[4];

	(void)state;
	assert_int_equal(text_wrap("abcdefghij", 10, 4, true, 1024, starts, 4), 3);
	assert_int_equal(starts[0], 0);
	assert_int_equal(starts[1], 4);
	assert_int_equal(starts[2], 8);
	// Only the first len bytes count, NUL or not after them.
	assert_int_equal(text_wrap("abcdef", 3, 2, true, 1024, starts, 4), 2);
	assert_int_equal(starts[1], 2);
}

static void test_wrap_keeps_wide_characters_whole(void **state)
{
	// "a中中": a wide character never straddles two lines.
	static const char s[] = "a\xe4\xb8\xad\xe4\xb8\xad";
	size_t starts[4];

	(void)state;
	use_utf8_locale();
	assert_int_equal(text_wrap(s, strlen(s), 4, true, 1024, starts, 4), 2);
	assert_int_equal(starts[1], 4);
	// In ASCII mode each becomes one '?' column.
	assert_int_equal(text_wrap(s, strlen(s), 2, false, 1024, starts, 4), 2);
	assert_int_equal(starts[1], 4);
}

static void test_wrap_counts_beyond_max_and_writes_no_more(void **state)
{
	size_t *starts = malloc(2 * sizeof *starts);   // exact size: ASan sees a third write

	(void)state;
	assert_non_null(starts);
	assert_int_equal(text_wrap("aaaaaaaaaa", 10, 3, true, 1024, starts, 2), 4);
	assert_int_equal(starts[0], 0);
	assert_int_equal(starts[1], 3);
	assert_int_equal(text_wrap("aaaaaaaaaa", 10, 3, true, 1024, NULL, 0), 4);
	free(starts);
}

static void test_wrap_respects_the_line_capacity(void **state)
{
	size_t starts[8];

	(void)state;
	// 4 bytes of room (3 and the NUL) a line, however wide the screen.
	assert_int_equal(text_wrap("aaaaaaaaaa", 10, 80, true, 4, starts, 8), 4);
	assert_int_equal(starts[1], 3);
	assert_int_equal(starts[3], 9);
}

// Each wrapped line is what text_fit_span fits from its start: drawing the
// lines one by one shows the text whole, in order, with nothing twice.
static void test_wrap_agrees_with_fit_span(void **state)
{
	static const char *const pieces[] = { "ab ", "\xc3\xa9", "\xe4\xb8\xad", "\\x1B", "w" };
	char text[5000], out[1024];
	size_t len = 0, n, *starts;
	unsigned seed = 7;

	(void)state;
	use_utf8_locale();
	while (len + 8 < sizeof text) {
		const char *p = pieces[((seed = seed * 1103515245 + 12345) >> 16) % 5];

		memcpy(text + len, p, strlen(p));
		len += strlen(p);
	}
	text[len] = '\0';
	for (int cols = 2; cols <= 42; cols += 8) {
		n = text_wrap(text, len, cols, true, sizeof out, NULL, 0);
		starts = malloc((n + 1) * sizeof *starts);
		assert_non_null(starts);
		assert_int_equal(text_wrap(text, len, cols, true, sizeof out, starts, n), n);
		starts[n] = len;
		assert_int_equal(starts[0], 0);
		for (size_t k = 0; k < n; k++) {
			size_t used;

			text_fit_span(text + starts[k], cols, true, out, sizeof out, &used);
			assert_true(used > 0);
			assert_int_equal(starts[k] + used, starts[k + 1]);
		}
		free(starts);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_ascii_unchanged),
		cmocka_unit_test(test_named_escapes),
		cmocka_unit_test(test_c0_and_del_become_hex),
		cmocka_unit_test(test_backslash_is_doubled_so_escapes_cannot_be_forged),
		cmocka_unit_test(test_invalid_utf8_bytes_become_hex),
		cmocka_unit_test(test_overlong_encodings_are_invalid),
		cmocka_unit_test(test_surrogates_and_beyond_unicode_are_invalid),
		cmocka_unit_test(test_c1_controls_become_u_escapes),
		cmocka_unit_test(test_bidi_controls_become_u_escapes),
		cmocka_unit_test(test_valid_multibyte_passes_through),
		cmocka_unit_test(test_cap_zero_writes_nothing),
		cmocka_unit_test(test_cap_one_gives_empty_string),
		cmocka_unit_test(test_cap_cuts_plain_text),
		cmocka_unit_test(test_cap_never_splits_an_escape),
		cmocka_unit_test(test_cap_never_splits_a_character),
		cmocka_unit_test(test_cap_sweep_gives_longest_whole_prefix),
		cmocka_unit_test(test_random_input_gives_safe_output),
		cmocka_unit_test(test_cmdline_nuls_become_spaces),
		cmocka_unit_test(test_cmdline_trailing_nuls_dropped),
		cmocka_unit_test(test_cmdline_empty_and_all_nul),
		cmocka_unit_test(test_cmdline_keeps_empty_arguments),
		cmocka_unit_test(test_cmdline_sanitises_each_argument),
		cmocka_unit_test(test_cmdline_cap),
		cmocka_unit_test(test_human_kb),
		cmocka_unit_test(test_human_kb_width_sweep),
		cmocka_unit_test(test_human_kb_respects_cap),
		cmocka_unit_test(test_human_delta_kb),
		cmocka_unit_test(test_human_bytes),
		cmocka_unit_test(test_fit_ascii_cuts_at_columns),
		cmocka_unit_test(test_fit_wide_characters_count_two),
		cmocka_unit_test(test_fit_ascii_mode_replaces_non_ascii),
		cmocka_unit_test(test_fit_respects_capacity),
		cmocka_unit_test(test_fit_span_reports_bytes_consumed),
		cmocka_unit_test(test_wrap_empty_and_short),
		cmocka_unit_test(test_wrap_cuts_at_columns),
		cmocka_unit_test(test_wrap_keeps_wide_characters_whole),
		cmocka_unit_test(test_wrap_counts_beyond_max_and_writes_no_more),
		cmocka_unit_test(test_wrap_respects_the_line_capacity),
		cmocka_unit_test(test_wrap_agrees_with_fit_span),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
