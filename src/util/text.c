/* text.c — sanitising untrusted text and formatting sizes; pure code. */
#include "util/text.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

// Decodes one UTF-8 sequence at s (n bytes available). Returns its length and
// stores the code point, or returns 0 for an invalid, overlong, surrogate or
// truncated sequence.
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t need;
	uint32_t min, c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		need = 2, min = 0x80, c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		need = 3, min = 0x800, c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		need = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return need;
}

// True for code points that must never reach a terminal raw: C1 controls and
// the bidirectional overrides/isolates that can reorder what follows them.
static bool is_dangerous_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f ||
	       cp == 0x061c || cp == 0xfeff;
}

// Appends the escape for one control byte or code point to a small buffer.
static int escape_unit(uint32_t c, bool is_byte, char esc[12])
{
	switch (c) {
	case '\n': return snprintf(esc, 12, "\\n");
	case '\t': return snprintf(esc, 12, "\\t");
	case '\r': return snprintf(esc, 12, "\\r");
	case 0x1b: return snprintf(esc, 12, "\\e");
	case '\\': return snprintf(esc, 12, "\\\\");
	default: break;
	}
	if (is_byte)
		return snprintf(esc, 12, "\\x%02X", (unsigned)c);
	return snprintf(esc, 12, "\\u%04" PRIX32, c);
}

// text_sanitize that also stores in *used how many input bytes it consumed,
// which is less than len when the output was cut.
static size_t sanitize_span(const char *in, size_t len, char *out, size_t cap, size_t *used)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0, i = 0;

	*used = 0;
	if (cap == 0)
		return 0;
	while (i < len) {
		char esc[12];
		const char *piece = esc;
		size_t plen;
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (n == 0) {               // invalid UTF-8: show the byte
			plen = (size_t)escape_unit(s[i], true, esc);
			n = 1;
		} else if (n == 1 && (cp < 0x20 || cp == 0x7f || cp == '\\')) {
			plen = (size_t)escape_unit(cp, true, esc);
		} else if (is_dangerous_cp(cp)) {
			plen = (size_t)escape_unit(cp, false, esc);
		} else {
			piece = (const char *)s + i;
			plen = n;
		}
		if (o + plen >= cap)        // never split an escape or a character
			break;
		memcpy(out + o, piece, plen);
		o += plen;
		i += n;
	}
	out[o] = '\0';
	*used = i;
	return o;
}

size_t text_sanitize(const char *in, size_t len, char *out, size_t cap)
{
	size_t used;

	return sanitize_span(in, len, out, cap, &used);
}

size_t text_sanitize_cmdline(const char *in, size_t len, char *out, size_t cap)
{
	size_t o = 0;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	while (len > 0 && in[len - 1] == '\0')
		len--;
	if (len == 0)               // also keeps a NULL buffer away from memchr
		return 0;
	for (size_t start = 0; start <= len && o + 1 < cap;) {
		const char *nul = memchr(in + start, '\0', len - start);
		size_t end = nul ? (size_t)(nul - in) : len, used;

		if (start > 0) {
			out[o++] = ' ';
			out[o] = '\0';
		}
		o += sanitize_span(in + start, end - start, out + o, cap - o, &used);
		if (!nul || used < end - start)   // a cut argument ends the output
			break;
		start = end + 1;
	}
	return o;
}

char *text_human_kb(uint64_t kb, char *out, size_t cap)
{
	static const char units[] = "KMGTPE";
	double v = (double)kb;
	int u = 0;

	while (v >= 999.5 && u < 5) {    // at most 3 integer digits, after rounding
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(out, cap, "%" PRIu64 "K", kb);
	else if (v < 9.95)
		snprintf(out, cap, "%.1f%c", v, units[u]);
	else
		snprintf(out, cap, "%.0f%c", v, units[u]);
	return out;
}

char *text_human_delta_kb(int64_t kb, char *out, size_t cap)
{
	char mag[16];
	uint64_t m = kb < 0 ? (uint64_t)0 - (uint64_t)kb : (uint64_t)kb;

	if (kb == 0) {
		snprintf(out, cap, "0");
		return out;
	}
	text_human_kb(m, mag, sizeof mag);
	snprintf(out, cap, "%c%s", kb < 0 ? '-' : '+', mag);
	return out;
}

char *text_human_bytes(uint64_t bytes, char *out, size_t cap)
{
	if (bytes < 1024) {
		snprintf(out, cap, "%" PRIu64 "B", bytes);
		return out;
	}
	return text_human_kb(bytes / 1024 + (bytes % 1024 >= 512), out, cap);
}

char *text_human_delta_bytes(int64_t bytes, char *out, size_t cap)
{
	uint64_t m = bytes < 0 ? (uint64_t)0 - (uint64_t)bytes : (uint64_t)bytes;
	char mag[16];

	if (bytes == 0) {
		snprintf(out, cap, "0");
		return out;
	}
	snprintf(out, cap, "%c%s", bytes < 0 ? '-' : '+', text_human_bytes(m, mag, sizeof mag));
	return out;
}

const char *text_base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path ? path : "";
}

int text_fit(const char *s, int cols, bool utf8, char *out, size_t cap)
{
	size_t consumed;

	return text_fit_span(s, cols, utf8, out, cap, &consumed);
}

// text_fit_span over the first len bytes of s; with out NULL it only
// measures (as if it had cap bytes to write into).
static int fit_span(const char *s, size_t len, int cols, bool utf8, char *out, size_t cap,
		    size_t *consumed)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;
	int used = 0;

	*consumed = 0;
	if (cap == 0)
		return 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);
		int w = 1;
		bool replace = n == 0 || (cp >= 0x80 && !utf8);

		if (n == 0)
			n = 1;
		if (!replace && cp >= 0x80) {
			w = wcwidth((wchar_t)cp);
			if (w < 0) {
				replace = true;
				w = 1;
			}
		}
		if (used + w > cols || o + (replace ? 1 : n) >= cap)
			break;
		if (out && replace)
			out[o] = '?';
		else if (out)
			memcpy(out + o, p + i, n);
		o += replace ? 1 : n;
		used += w;
		i += n;
	}
	if (out)
		out[o] = '\0';
	*consumed = i;
	return used;
}

int text_fit_span(const char *s, int cols, bool utf8, char *out, size_t cap, size_t *consumed)
{
	return fit_span(s, strlen(s), cols, utf8, out, cap, consumed);
}

size_t text_wrap(const char *s, size_t len, int cols, bool utf8, size_t line_cap, size_t *starts,
		 size_t max)
{
	size_t off = 0, n = 0;

	while (off < len) {
		size_t used;

		if (n < max)
			starts[n] = off;
		n++;
		fit_span(s + off, len - off, cols, utf8, NULL, line_cap, &used);
		if (used == 0)          // not even one character fits: the rest is left out
			break;
		off += used;
	}
	return n;
}
