/* fuzz_http.c — httpd_parse_request (the metrics endpoint's request parser)
 * on arbitrary bytes, whole and cut short, alone and after a request.
 *
 * Invariants: the result is -1 with one of the statuses the server answers,
 * 0 only while the buffer is not full, or the length of a request that ends
 * with its blank line's LF, within the buffer and HTTPD_REQUEST_MAX. That
 * request parses the same on its own. A prefix of the input never fails
 * differently: it needs more (0), fails the same way, or (once it holds the
 * whole request) takes the same request. */
#include "fuzz.h"
#include "export/httpd.h"

static long parse(const uint8_t *data, size_t size, struct httpd_request *req)
{
	char *buf = fuzz_copy(data, size, false);
	long rc;

	memset(req, 0xa5, sizeof *req);      // nothing may be left from before
	rc = httpd_parse_request(buf, size, req);
	free(buf);
	return rc;
}

// Whether two parses took the same request.
static bool same_request(const struct httpd_request *a, const struct httpd_request *b)
{
	return a->method == b->method && a->minor == b->minor && a->keep_alive == b->keep_alive &&
	       a->openmetrics == b->openmetrics && a->has_body == b->has_body &&
	       strcmp(a->path, b->path) == 0;
}

// What a taken request must hold; path is from the input (or "/" for "http://host").
static void check_request(const uint8_t *data, long rc, const struct httpd_request *req)
{
	size_t plen = strnlen(req->path, sizeof req->path);

	FUZZ_CHECK(rc <= HTTPD_REQUEST_MAX && data[rc - 1] == '\n');
	FUZZ_CHECK(req->method == HTTPD_GET || req->method == HTTPD_HEAD || req->method == HTTPD_OTHER);
	FUZZ_CHECK(req->minor == 0 || req->minor == 1);
	FUZZ_CHECK(plen > 0 && plen < sizeof req->path);
	FUZZ_CHECK(req->path[0] == '/' || strcmp(req->path, "*") == 0);
	FUZZ_CHECK(strcmp(req->path, "/") == 0 || fuzz_is_substring((const char *)data, (size_t)rc, req->path));
	FUZZ_CHECK(strpbrk(req->path, "?# \r\n") == NULL);
}

// A prefix of m bytes, against the whole input's result rc and req.
static void check_prefix(const uint8_t *data, size_t m, long rc, const struct httpd_request *req)
{
	struct httpd_request pre;
	long prc = parse(data, m, &pre);

	if (rc > 0) {
		FUZZ_CHECK(prc == ((long)m < rc ? 0 : rc));
		if (prc > 0)
			FUZZ_CHECK(same_request(&pre, req));
	} else if (rc == 0) {
		FUZZ_CHECK(prc == 0);
	} else {
		FUZZ_CHECK(prc == 0 || (prc == -1 && pre.status == req->status));
	}
}

// The input after a whole request: that request is taken and nothing of the input is read.
static void check_after_request(const uint8_t *data, size_t size)
{
	static const char first[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
	size_t n = sizeof first - 1 + size;
	uint8_t *both = malloc(n + 1);
	struct httpd_request req;

	FUZZ_CHECK(both != NULL);
	memcpy(both, first, sizeof first - 1);
	if (size > 0)
		memcpy(both + sizeof first - 1, data, size);
	FUZZ_CHECK(parse(both, n, &req) == (long)sizeof first - 1);
	FUZZ_CHECK(req.method == HTTPD_GET && strcmp(req.path, "/metrics") == 0 && req.keep_alive);
	free(both);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httpd_request req, again;
	long rc = parse(data, size, &req);

	FUZZ_CHECK(rc >= -1 && rc <= (long)size);
	if (rc == -1)
		FUZZ_CHECK(req.status == 400 || req.status == 414 || req.status == 431 || req.status == 505);
	if (rc == 0)
		FUZZ_CHECK(size < HTTPD_REQUEST_MAX);
	if (rc > 0) {
		check_request(data, rc, &req);
		FUZZ_CHECK(parse(data, (size_t)rc, &again) == rc);
		FUZZ_CHECK(same_request(&again, &req));
		check_prefix(data, (size_t)rc - 1, rc, &req);
	}
	if (size > 0) {
		check_prefix(data, size - 1, rc, &req);
		check_prefix(data, size / 2, rc, &req);
	}
	check_after_request(data, size);
	return 0;
}
