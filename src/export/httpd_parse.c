/* httpd_parse.c — the metrics endpoint's request parser (httpd.h): an
 * HTTP/1.x request line and headers from a buffer, no I/O, no allocation.
 *
 * One scan, left to right, line by line. Each line's bytes are checked as
 * they come (a partial line too), and what needs the whole line (the
 * version, a header's meaning) once its end is there. So a prefix of an
 * input never fails differently from the input itself: the first fault in
 * reading order decides, however the bytes were split across reads. */
#include "export/httpd.h"

#include <stdbool.h>
#include <string.h>

#define PATH_MAX_LEN (sizeof ((struct httpd_request *)0)->path - 1)

/* A line of the buffer: its content [start, end) without the terminator;
 * next is where the following line starts, whole whether its LF is there. */
struct line {
	size_t start, end, next;
	bool whole;
};

// What the header lines said, interpreted once the blank line is there.
struct head_flags {
	bool conn_close, conn_keep_alive;
};

// RFC 9110 tchar: what a method and a header name may hold.
static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

// What a header value may hold: visible ASCII, space, tab, and bytes above 0x7f (obs-text).
static bool is_value_byte(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Finds the line starting at start in buf[0..lim): whole when its LF is
 * there. A CR right before the LF (or at lim, where its LF may follow) is
 * the terminator's, not content; any other CR stays in and is refused. */
static struct line line_at(const char *buf, size_t start, size_t lim)
{
	const char *lf = memchr(buf + start, '\n', lim - start);
	struct line l = { start, lim, lim, false };

	if (lf) {
		l.whole = true;
		l.end = (size_t)(lf - buf);
		l.next = l.end + 1;
	}
	if (l.end > l.start && buf[l.end - 1] == '\r')
		l.end--;
	return l;
}

// Case-insensitive equality of s[0..n) and the lower-case word w.
static bool word_is(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n && w[i]; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != w[i])
			return false;
	}
	return i == n && w[i] == '\0';
}

// Trims optional whitespace from both ends of [*s, *s + *n).
static void trim_ows(const char **s, size_t *n)
{
	while (*n > 0 && is_ows(**s))
		(*s)++, (*n)--;
	while (*n > 0 && is_ows((*s)[*n - 1]))
		(*n)--;
}

/* The bytes of the request line seen so far, method SP target SP version:
 * -1 with req->status at the first that cannot be (a target's path longer
 * than req->path holds is 414), else 0. sp1 and sp2 get the spaces' offsets
 * (0 when not seen yet). */
static int scan_request_line(const char *s, size_t n, size_t *sp1, size_t *sp2,
			     struct httpd_request *req)
{
	size_t path_len = 0;
	bool in_query = false;

	*sp1 = *sp2 = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool in_method = *sp1 == 0, in_target = !in_method && *sp2 == 0;

		if (c == ' ' && i > 0 && (in_method || (in_target && i > *sp1 + 1))) {
			*(in_method ? sp1 : sp2) = i;
			continue;
		}
		if (in_method ? !is_tchar(c) : (c <= 0x20 || c >= 0x7f)) {
			req->status = 400;      // also an empty method or target, a third space
			return -1;
		}
		if (in_target && !in_query) {
			in_query = c == '?' || c == '#';
			if (!in_query && ++path_len > PATH_MAX_LEN) {
				req->status = 414;
				return -1;
			}
		}
	}
	return 0;
}

/* Where the path of target[0..n) starts: itself in origin form ("/x"), after
 * the authority in absolute form ("http://host/x"); NULL for any other form
 * but "*". */
static const char *target_path(const char *t, size_t n, size_t *len)
{
	const char *end = t + n, *p;

	*len = n;
	if (t[0] == '/' || (n == 1 && t[0] == '*'))
		return t;
	if (n > 7 && word_is(t, 7, "http://"))
		p = t + 7;
	else if (n > 8 && word_is(t, 8, "https://"))
		p = t + 8;
	else
		return NULL;
	while (p < end && *p != '/' && *p != '?' && *p != '#')
		p++;
	*len = (size_t)(end - p);
	return p;
}

// How much of target[0..n) is the path: up to a query or a fragment.
static size_t path_prefix_len(const char *t, size_t n)
{
	size_t i = 0;

	while (i < n && t[i] != '?' && t[i] != '#')
		i++;
	return i;
}

// The version after the request line's second space: 0 (req->minor set), else -1 with the status.
static int parse_version(const char *v, size_t n, struct httpd_request *req)
{
	bool shaped = n == 8 && memcmp(v, "HTTP/", 5) == 0 && v[5] >= '0' && v[5] <= '9' &&
		      v[6] == '.' && v[7] >= '0' && v[7] <= '9';

	if (!shaped) {
		req->status = 400;
		return -1;
	}
	if (v[5] != '1' || v[7] > '1') {
		req->status = 505;
		return -1;
	}
	req->minor = v[7] - '0';
	return 0;
}

// The whole request line s[0..n): method, path and version into req; 0, or -1 with the status.
static int parse_request_line(const char *s, size_t n, struct httpd_request *req)
{
	size_t sp1, sp2, path_len;
	const char *path;

	if (scan_request_line(s, n, &sp1, &sp2, req) < 0)
		return -1;
	if (sp2 == 0) {                      // HTTP/0.9's "GET /path", or less
		req->status = 400;
		return -1;
	}
	if (parse_version(s + sp2 + 1, n - sp2 - 1, req) < 0)
		return -1;
	path = target_path(s + sp1 + 1, sp2 - sp1 - 1, &path_len);
	if (!path) {
		req->status = 400;
		return -1;
	}
	path_len = path_prefix_len(path, path_len);
	if (path_len > PATH_MAX_LEN) {
		req->status = 414;
		return -1;
	}
	memcpy(req->path, path, path_len);
	req->path[path_len] = '\0';
	if (path_len == 0)
		strcpy(req->path, "/");      // "http://host" names the root
	req->method = sp1 == 3 && memcmp(s, "GET", 3) == 0    ? HTTPD_GET
		      : sp1 == 4 && memcmp(s, "HEAD", 4) == 0 ? HTTPD_HEAD
							      : HTTPD_OTHER;
	return 0;
}

/* The bytes of a header line seen so far: -1 (400) at the first that cannot
 * be (a fold, a byte outside a name, a control character), else 0; *colon
 * gets the colon's offset, 0 when not seen yet. */
static int scan_header_line(const char *s, size_t n, size_t *colon, struct httpd_request *req)
{
	*colon = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ok = *colon ? is_value_byte(c) : (is_tchar(c) || (c == ':' && i > 0));

		if (!ok) {
			req->status = 400;       // also obs-fold: a line starting with a space
			return -1;
		}
		if (c == ':' && *colon == 0)
			*colon = i;
	}
	return 0;
}

/* Whether the qvalue v[0..n) is above 0: "1", "0.5", ... A malformed one
 * counts as 0, so a confused Accept header falls back to the text format,
 * which every scraper reads. */
static bool qvalue_positive(const char *v, size_t n)
{
	bool any = false;

	if (n == 0 || v[0] < '0' || v[0] > '1')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (i == 1 ? v[i] != '.' : (v[i] < '0' || v[i] > '9'))
			return false;
		any |= v[i] >= '1' && v[i] <= '9';
	}
	return any;
}

/* Whether one media range of an Accept header, "type/sub; p=v; q=0.5", is
 * OpenMetrics with a q above 0. */
static bool accept_item_asks_om(const char *s, size_t n)
{
	const char *semi = memchr(s, ';', n), *end = s + n;
	const char *type = s;
	size_t type_len = semi ? (size_t)(semi - s) : n;

	trim_ows(&type, &type_len);
	if (!word_is(type, type_len, "application/openmetrics-text"))
		return false;
	while (semi) {
		const char *p = semi + 1, *eq;
		size_t len;

		semi = memchr(p, ';', (size_t)(end - p));
		len = (size_t)((semi ? semi : end) - p);
		trim_ows(&p, &len);
		eq = memchr(p, '=', len);
		if (eq) {
			const char *name = p, *val = eq + 1;
			size_t name_len = (size_t)(eq - p), val_len = len - name_len - 1;

			trim_ows(&name, &name_len);
			trim_ows(&val, &val_len);
			if (word_is(name, name_len, "q"))
				return qvalue_positive(val, val_len);
		}
	}
	return true;
}

/* Calls fn on each comma-separated item of v[0..n), whitespace trimmed;
 * returns true when any call did. */
static bool list_any(const char *v, size_t n, bool (*fn)(const char *, size_t))
{
	const char *end = v + n;

	while (v <= end) {
		const char *comma = memchr(v, ',', (size_t)(end - v)), *item = v;
		size_t len = (size_t)((comma ? comma : end) - v);

		trim_ows(&item, &len);
		if (len > 0 && fn(item, len))
			return true;
		if (!comma)
			break;
		v = comma + 1;
	}
	return false;
}

static bool is_close(const char *s, size_t n)
{
	return word_is(s, n, "close");
}

static bool is_keep_alive(const char *s, size_t n)
{
	return word_is(s, n, "keep-alive");
}

// Content-Length: digits only; 0 with has_body set when any is not 0, -1 (400) when malformed.
static int parse_content_length(const char *v, size_t n, struct httpd_request *req)
{
	if (n == 0) {
		req->status = 400;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9') {
			req->status = 400;
			return -1;
		}
		req->has_body |= v[i] != '0';
	}
	return 0;
}

// A whole header line s[0..n) (colon at its offset): what it says, into req and flags.
static int parse_header(const char *s, size_t n, size_t colon, struct httpd_request *req,
			struct head_flags *flags)
{
	const char *v = s + colon + 1;
	size_t vlen = n - colon - 1;

	trim_ows(&v, &vlen);
	if (word_is(s, colon, "connection")) {
		flags->conn_close |= list_any(v, vlen, is_close);
		flags->conn_keep_alive |= list_any(v, vlen, is_keep_alive);
	} else if (word_is(s, colon, "accept")) {
		req->openmetrics |= list_any(v, vlen, accept_item_asks_om);
	} else if (word_is(s, colon, "content-length")) {
		return parse_content_length(v, vlen, req);
	} else if (word_is(s, colon, "transfer-encoding")) {
		req->has_body = true;
	}
	return 0;
}

/* One line of the request at l, the first (request line) or a header:
 * 1 when it is the blank line that ends the request, 0 when the scan goes
 * on (or waits for the rest of the line), -1 with req->status. */
static int take_line(const char *buf, struct line l, bool first, struct httpd_request *req,
		     struct head_flags *flags)
{
	const char *s = buf + l.start;
	size_t n = l.end - l.start, a, b;

	if (first) {
		if (!l.whole)
			return scan_request_line(s, n, &a, &b, req);
		return parse_request_line(s, n, req);
	}
	if (l.whole && n == 0)
		return 1;
	if (scan_header_line(s, n, &a, req) < 0)
		return -1;
	if (!l.whole)
		return 0;
	if (a == 0) {                        // no colon
		req->status = 400;
		return -1;
	}
	return parse_header(s, n, a, req, flags);
}

long httpd_parse_request(const char *buf, size_t len, struct httpd_request *req)
{
	size_t lim = len < HTTPD_REQUEST_MAX ? len : HTTPD_REQUEST_MAX, pos = 0;
	struct head_flags flags = { false, false };
	bool first = true;

	*req = (struct httpd_request){ .method = HTTPD_OTHER, .path = "" };
	while (pos < lim) {
		struct line l = line_at(buf, pos, lim);
		int rc = take_line(buf, l, first, req, &flags);

		if (rc < 0)
			return -1;
		if (rc == 1) {
			req->keep_alive = !flags.conn_close && (req->minor >= 1 || flags.conn_keep_alive);
			return (long)l.next;
		}
		if (!l.whole)
			break;
		first = false;
		pos = l.next;
	}
	if (len >= HTTPD_REQUEST_MAX) {      // the buffer is full and the request is not there
		req->status = first ? 414 : 431;
		return -1;
	}
	return 0;
}
