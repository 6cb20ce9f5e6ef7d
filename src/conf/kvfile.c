/* kvfile.c — the "key = value" line format; pure code. */
#include "conf/kvfile.h"

#include <stdbool.h>
#include <string.h>

// Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when the
// bytes there are not one: overlong forms, surrogates and values past
// U+10FFFF included.
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned cp;
	size_t need;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (need > n)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

bool kvfile_is_text(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t step = u[i] ? utf8_seq_len(u + i, n - i) : 0;

		if (!step)
			return false;
		i += step;
	}
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

// Trims spaces, tabs and a CR from both ends of s[0..*n); returns the start.
static const char *trim(const char *s, size_t *n)
{
	while (*n && is_blank(*s))
		s++, (*n)--;
	while (*n && is_blank(s[*n - 1]))
		(*n)--;
	return s;
}

// A line's key and value, trimmed: NULL when the line is a setting or a
// comment or blank line (*kn == 0), else the reason it is neither.
static const char *split_line(const char *s, size_t n, const char **k, size_t *kn,
			      const char **v, size_t *vn)
{
	const char *eq;
	size_t content = n;

	*kn = *vn = 0;
	// Comments are whole lines: a value may hold '#' ("#rrggbb").
	s = trim(s, &content);
	if (!content || s[0] == '#')
		return NULL;
	eq = memchr(s, '=', content);
	if (!eq)
		return "expected 'key = value'";
	*kn = (size_t)(eq - s);
	*vn = content - *kn - 1;
	*k = trim(s, kn);
	*v = trim(eq + 1, vn);
	if (!*kn)
		return "missing key before '='";
	if (!*vn)
		return "missing value after '='";
	return NULL;
}

bool kvfile_value_span(const char *s, size_t n, size_t *off, size_t *vlen)
{
	const char *k, *v;
	size_t kn, vn;

	if (split_line(s, n, &k, &kn, &v, &vn) || !kn)
		return false;
	*off = (size_t)(v - s);
	*vlen = vn;
	return true;
}

// Handles one line (without its newline); returns the problems it reported.
static unsigned parse_line(const char *s, size_t n, unsigned line, kvfile_pair_fn on_pair,
			   void *pair_ctx, kvfile_error_fn on_error, void *err_ctx)
{
	char key[KVFILE_LINE_MAX + 1], value[KVFILE_LINE_MAX + 1], why[KVFILE_WHY_MAX];
	const char *k = NULL, *v = NULL;
	size_t kn, vn;
	const char *reason = split_line(s, n, &k, &kn, &v, &vn);

	if (reason) {
		on_error(err_ctx, line, reason);
		return 1;
	}
	if (!kn)
		return 0;
	memcpy(key, k, kn);
	key[kn] = '\0';
	memcpy(value, v, vn);
	value[vn] = '\0';
	reason = on_pair(pair_ctx, line, key, value, why, sizeof why);
	if (reason) {
		on_error(err_ctx, line, reason);
		return 1;
	}
	return 0;
}

unsigned kvfile_parse(const char *buf, size_t len, kvfile_pair_fn on_pair, void *pair_ctx,
		      kvfile_error_fn on_error, void *err_ctx)
{
	unsigned problems = 0, line = 0;

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		size_t content = n && buf[pos + n - 1] == '\r' ? n - 1 : n;   // CRLF files

		line++;
		if (!kvfile_is_text(buf + pos, n)) {
			on_error(err_ctx, line, "not a text file (binary data or invalid UTF-8); "
				 "ignoring the rest");
			return problems + 1;
		}
		if (content > KVFILE_LINE_MAX) {
			on_error(err_ctx, line, "line too long");
			problems++;
		} else {
			problems += parse_line(buf + pos, content, line, on_pair, pair_ctx, on_error,
					       err_ctx);
		}
		pos += n + 1;
	}
	return problems;
}
