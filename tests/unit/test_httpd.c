/* test_httpd.c — the metrics endpoint's server (src/export/httpd.h).
 *
 * The parser on its own: methods, targets, versions, keep-alive, Accept
 * negotiation (Prometheus's real header among them), partial input, the
 * limits, bytes that cannot be, bodies, pipelining. Then the live server on
 * 127.0.0.1, port 0, in this process, talked to with plain sockets: both
 * formats, 503 before a page, errors, keep-alive, pipelining, eviction,
 * the three timeouts (short ones from the config; every wait is bounded and
 * polls for the event, none is an assertion), a page that outlives its
 * replacement, stop with connections open, refused addresses and ports.
 */
#include "fixture.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "export/httpd.h"

#define WAIT_S 5.0                   // the longest any event is waited for

static const char PROM_ACCEPT[] =
	"application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
	"text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

// --- the parser ---------------------------------------------------------------------

// Parses s (an exact-length copy, so a read past the end is ASan's to see).
static long parse_n(const char *s, size_t n, struct httpd_request *req)
{
	char *buf = test_bytes(s, n);
	long rc = httpd_parse_request(buf, n, req);

	free(buf);
	return rc;
}

static long parse(const char *s, struct httpd_request *req)
{
	return parse_n(s, strlen(s), req);
}

// Asserts s is refused with status.
static void assert_refused(const char *s, size_t n, int status)
{
	struct httpd_request req;

	if (parse_n(s, n, &req) != -1 || req.status != status)
		fail_msg("expected %d for \"%.*s\", got status %d", status, (int)(n > 80 ? 80 : n), s,
			 req.status);
}

static void test_parse_methods_and_paths(void **state)
{
	struct httpd_request req;
	const char *get = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";

	(void)state;
	assert_int_equal(parse(get, &req), (long)strlen(get));
	assert_int_equal(req.method, HTTPD_GET);
	assert_string_equal(req.path, "/metrics");
	assert_int_equal(req.minor, 1);
	assert_true(req.keep_alive);
	assert_false(req.openmetrics);
	assert_false(req.has_body);
	assert_true(parse("HEAD / HTTP/1.1\r\n\r\n", &req) > 0);
	assert_int_equal(req.method, HTTPD_HEAD);
	assert_string_equal(req.path, "/");
	assert_true(parse("POST /metrics HTTP/1.1\r\n\r\n", &req) > 0);
	assert_int_equal(req.method, HTTPD_OTHER);
	assert_true(parse("get /metrics HTTP/1.1\r\n\r\n", &req) > 0);   // methods are case-sensitive
	assert_int_equal(req.method, HTTPD_OTHER);
	assert_true(parse("GET /metrics?name[]=a&x=%20 HTTP/1.1\r\n\r\n", &req) > 0);
	assert_string_equal(req.path, "/metrics");
	assert_true(parse("GET /metrics#frag HTTP/1.1\r\n\r\n", &req) > 0);
	assert_string_equal(req.path, "/metrics");
	assert_true(parse("GET http://127.0.0.1:9100/metrics?x HTTP/1.1\r\n\r\n", &req) > 0);
	assert_string_equal(req.path, "/metrics");
	assert_true(parse("GET http://h HTTP/1.1\r\n\r\n", &req) > 0);
	assert_string_equal(req.path, "/");
	// Bare LF line ends are tolerated.
	assert_int_equal(parse("GET / HTTP/1.1\nHost: x\n\n", &req), 24);
	assert_refused("GET metrics HTTP/1.1\r\n\r\n", 24, 400);
}

static void test_parse_versions(void **state)
{
	struct httpd_request req;

	(void)state;
	assert_true(parse("GET / HTTP/1.0\r\n\r\n", &req) > 0);
	assert_int_equal(req.minor, 0);
	assert_false(req.keep_alive);
	assert_refused("GET /metrics\r\n", 14, 400);          // HTTP/0.9: no version
	assert_refused("GET /metrics\r\n\r\n", 16, 400);
	assert_refused("GET / HTTP/0.9\r\n\r\n", 18, 505);
	assert_refused("GET / HTTP/2.0\r\n\r\n", 18, 505);
	assert_refused("GET / HTTP/1.2\r\n\r\n", 18, 505);
	assert_refused("GET / HTTP/1\r\n\r\n", 16, 400);
	assert_refused("GET / http/1.1\r\n\r\n", 18, 400);
	assert_refused("GET / HTTP/1.10\r\n\r\n", 19, 400);
	assert_refused("GET / HTTP/1.1 x\r\n\r\n", 20, 400);
}

static void test_parse_keep_alive(void **state)
{
	struct httpd_request req;

	(void)state;
	assert_true(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", &req) > 0);
	assert_false(req.keep_alive);
	assert_true(parse("GET / HTTP/1.1\r\nconnection:  Upgrade, CLOSE \r\n\r\n", &req) > 0);
	assert_false(req.keep_alive);
	assert_true(parse("GET / HTTP/1.1\r\nConnection: closed\r\n\r\n", &req) > 0);
	assert_true(req.keep_alive);
	assert_true(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &req) > 0);
	assert_true(req.keep_alive);
	assert_true(parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", &req) > 0);
	assert_false(req.keep_alive);
}

// Whether the Accept value picks OpenMetrics.
static bool accept_picks_om(const char *value)
{
	char buf[1024];
	struct httpd_request req;

	snprintf(buf, sizeof buf, "GET /metrics HTTP/1.1\r\nAccept: %s\r\n\r\n", value);
	if (parse(buf, &req) <= 0)
		fail_msg("refused: %s", buf);
	return req.openmetrics;
}

static void test_parse_accept(void **state)
{
	struct httpd_request req;

	(void)state;
	assert_true(accept_picks_om(PROM_ACCEPT));
	assert_true(accept_picks_om("application/openmetrics-text"));
	assert_true(accept_picks_om("text/plain;q=0.9, APPLICATION/OpenMetrics-Text ; version=1.0.0 ; Q=0.5"));
	assert_true(accept_picks_om("application/openmetrics-text;q=0.001"));
	assert_true(accept_picks_om("application/openmetrics-text;q=1"));
	assert_false(accept_picks_om("application/openmetrics-text;q=0"));
	assert_false(accept_picks_om("application/openmetrics-text; q=0.000"));
	assert_false(accept_picks_om("application/openmetrics-text;q=bogus"));
	assert_false(accept_picks_om("text/plain;version=0.0.4"));
	assert_false(accept_picks_om("*/*"));
	assert_false(accept_picks_om("application/openmetrics-textual"));
	assert_false(accept_picks_om(""));
	assert_true(parse("GET /metrics HTTP/1.1\r\n\r\n", &req) > 0);
	assert_false(req.openmetrics);
	// A second Accept header counts too; its name in any case.
	assert_true(parse("GET /metrics HTTP/1.1\r\nAccept: text/plain\r\n"
			  "aCCEPT:application/openmetrics-text\r\n\r\n", &req) > 0);
	assert_true(req.openmetrics);
}

// Every proper prefix of a request needs more bytes; the whole is taken.
static void test_parse_partial(void **state)
{
	char whole[512];
	struct httpd_request req;
	size_t n;

	(void)state;
	n = (size_t)snprintf(whole, sizeof whole, "GET /metrics?a=b HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			     "Accept: %s\r\nConnection: keep-alive\r\n\r\n", PROM_ACCEPT);
	for (size_t i = 0; i < n; i++)
		if (parse_n(whole, i, &req) != 0)
			fail_msg("prefix of %zu bytes: not 0 (status %d)", i, req.status);
	assert_int_equal(parse_n(whole, n, &req), (long)n);
	assert_true(req.openmetrics);
}

// A request line of len bytes (the path filling it), then rest.
static char *long_request(size_t path_len, const char *rest, size_t *n)
{
	size_t rest_len = strlen(rest), total = 4 + path_len + 11 + rest_len;
	char *buf = malloc(total);

	assert_non_null(buf);
	memcpy(buf, "GET ", 4);
	memset(buf + 4, 'a', path_len);
	buf[4] = '/';
	memcpy(buf + 4 + path_len, " HTTP/1.1\r\n", 11);
	memcpy(buf + 4 + path_len + 11, rest, rest_len);
	*n = total;
	return buf;
}

static void test_parse_limits(void **state)
{
	struct httpd_request req;
	size_t n;
	char *buf;

	(void)state;
	buf = long_request(255, "\r\n", &n);                 // the longest path there is room for
	assert_int_equal(parse_n(buf, n, &req), (long)n);
	assert_int_equal(strlen(req.path), 255);
	free(buf);
	buf = long_request(256, "\r\n", &n);
	assert_refused(buf, n, 414);
	assert_refused(buf, 4 + 256, 414);                   // known before the line ends
	free(buf);
	// A query does not count in the path, only in the whole.
	buf = long_request(2000, "\r\n", &n);
	buf[100] = '?';
	assert_int_equal(parse_n(buf, n, &req), (long)n);
	free(buf);
	// A request line that fills the buffer without ending: 414; less: wait.
	buf = long_request(HTTPD_REQUEST_MAX, "", &n);
	buf[100] = '?';
	assert_refused(buf, HTTPD_REQUEST_MAX, 414);
	assert_int_equal(parse_n(buf, HTTPD_REQUEST_MAX - 1, &req), 0);
	free(buf);
	// Headers that fill it: 431. Exactly HTTPD_REQUEST_MAX bytes in all is a request.
	static char big[HTTPD_REQUEST_MAX + 64];
	int head = snprintf(big, sizeof big, "GET / HTTP/1.1\r\nX-Pad: ");
	size_t pad = HTTPD_REQUEST_MAX - (size_t)head - 4;

	memset(big + head, 'p', pad);
	memcpy(big + head + pad, "\r\n\r\n", 4);
	assert_int_equal(parse_n(big, HTTPD_REQUEST_MAX, &req), HTTPD_REQUEST_MAX);
	memcpy(big + head + pad, "p\r\n\r\n", 5);
	assert_refused(big, HTTPD_REQUEST_MAX + 1, 431);
	assert_refused(big, HTTPD_REQUEST_MAX, 431);
	assert_int_equal(parse_n(big, HTTPD_REQUEST_MAX - 1, &req), 0);
}

static void test_parse_bad_bytes(void **state)
{
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
		{ "GET /a\0b HTTP/1.1\r\n\r\n", 22 },           // NUL in the target
		{ "\0", 1 },                                   // known at once
		{ "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 27 },   // NUL in a value
		{ "GET / HTTP/1.1\rX: y\r\n\r\n", 23 },        // bare CR
		{ "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", 26 },
		{ "GET / HTTP/1.1\r\nX: a\r\r\n\r\n", 25 },
		{ "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 28 },  // obs-fold
		{ "GET / HTTP/1.1\r\n\tX: a\r\n\r\n", 25 },
		{ "GET / HTTP/1.1\r\nX : a\r\n\r\n", 25 },       // space before the colon
		{ "GET / HTTP/1.1\r\nNoColon\r\n\r\n", 27 },
		{ "GET / HTTP/1.1\r\n: a\r\n\r\n", 23 },
		{ "GET / HTTP/1.1\r\nX: \x7f\r\n\r\n", 23 },     // DEL
		{ "GET / HTTP/1.1\r\nX: \x01\r\n\r\n", 23 },
		{ "GET  / HTTP/1.1\r\n\r\n", 19 },               // two spaces
		{ " GET / HTTP/1.1\r\n\r\n", 19 },
		{ "GET /\x80 HTTP/1.1\r\n\r\n", 20 },
		{ "G\x01T / HTTP/1.1\r\n\r\n", 18 },
		{ "\r\n", 2 },
		{ "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11 },   // a TLS hello
	};
	struct httpd_request req;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_refused(bad[i].s, bad[i].n, 400);
	// Bytes above 0x7f are text in a header value (obs-text), a CR at the end may be a line's.
	assert_true(parse("GET / HTTP/1.1\r\nUser-Agent: caf\xc3\xa9\r\n\r\n", &req) > 0);
	assert_int_equal(parse("GET / HTTP/1.1\r", &req), 0);
}

static void test_parse_body(void **state)
{
	struct httpd_request req;

	(void)state;
	assert_true(parse("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &req) > 0);
	assert_false(req.has_body);
	assert_true(parse("POST / HTTP/1.1\r\ncontent-length: 00012\r\n\r\n", &req) > 0);
	assert_true(req.has_body);
	assert_true(parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &req) > 0);
	assert_true(req.has_body);
	assert_refused("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 38, 400);
	assert_refused("GET / HTTP/1.1\r\nContent-Length:\r\n\r\n", 35, 400);
	assert_refused("GET / HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\n", 40, 400);
}

static void test_parse_pipelined(void **state)
{
	static const char two[] = "GET / HTTP/1.1\r\n\r\nHEAD /metrics HTTP/1.1\r\nAccept: application/openmetrics-text\r\n\r\n";
	struct httpd_request req;
	long first = parse(two, &req);

	(void)state;
	assert_int_equal(first, 18);
	assert_int_equal(req.method, HTTPD_GET);
	assert_false(req.openmetrics);                       // the second request's header is not the first's
	assert_int_equal(parse(two + first, &req), (long)strlen(two) - first);
	assert_int_equal(req.method, HTTPD_HEAD);
	assert_true(req.openmetrics);
}

// --- the live server ----------------------------------------------------------------

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct httpd *server_start(struct httpd_config cfg)
{
	char err[256] = "";
	struct httpd *h;

	if (!cfg.addr)
		cfg.addr = "127.0.0.1";
	h = httpd_start(&cfg, err, sizeof err);
	if (!h)
		fail_msg("httpd_start: %s", err);
	assert_true(httpd_port(h) > 0);
	return h;
}

// A connected client socket; rcvbuf > 0 makes its receive buffer that small.
static int client_connect(struct httpd *h, int rcvbuf)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)httpd_port(h)) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	if (rcvbuf > 0)
		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf), 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		fail_msg("connect: %s", strerror(errno));
	return fd;
}

static void client_send(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w <= 0)
			fail_msg("send: %s", strerror(errno));
		s += w, n -= (size_t)w;
	}
}

static void client_send_str(int fd, const char *s)
{
	client_send(fd, s, strlen(s));
}

/* Reads what arrives within wait_s into buf (up to cap) until done(buf, len)
 * says it is all there, the server closes or the wait runs out; returns the
 * length. *eof says whether the server closed. */
static long client_read_until(int fd, char *buf, size_t cap, size_t have, double wait_s,
			      bool (*done)(const char *, size_t), bool *eof)
{
	double end = now_s() + wait_s;

	*eof = false;
	while (!done(buf, have)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left_ms = (int)((end - now_s()) * 1000);
		ssize_t n;

		if (left_ms <= 0 || poll(&p, 1, left_ms) <= 0)
			break;
		if (have == cap)
			fail_msg("a response bigger than %zu bytes", cap);
		n = recv(fd, buf + have, cap - have, 0);
		if (n <= 0) {
			*eof = true;
			break;
		}
		have += (size_t)n;
	}
	return (long)have;
}

// The length of the first whole response in buf (a HEAD's has no body), 0 when not whole yet.
static size_t response_len(const char *buf, size_t len, bool head)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4), *cl;
	size_t head_len, body;

	if (!end)
		return 0;
	head_len = (size_t)(end - buf) + 4;
	cl = memmem(buf, head_len, "Content-Length: ", 16);
	assert_non_null(cl);
	body = head ? 0 : strtoul(cl + 16, NULL, 10);
	return len >= head_len + body ? head_len + body : 0;
}

static bool whole_response(const char *buf, size_t len)
{
	return response_len(buf, len, false) > 0;
}

static bool whole_head_response(const char *buf, size_t len)
{
	return response_len(buf, len, true) > 0;
}

/* One response from a client: its status, head and body, copied out. A
 * struct per connection keeps what came after it (a pipelined answer). */
struct client {
	int fd;
	char buf[65536];
	size_t len;
	int status;
	char head[1024];
	const char *body;
	size_t body_len;
	char body_copy[4096];
};

// Reads the next response on c (HEAD: no body); fails the test when none comes within WAIT_S.
static void client_response(struct client *c, bool head)
{
	bool eof;
	size_t n, head_len;

	c->len = (size_t)client_read_until(c->fd, c->buf, sizeof c->buf, c->len, WAIT_S,
					   head ? whole_head_response : whole_response, &eof);
	n = response_len(c->buf, c->len, head);
	if (n == 0)
		fail_msg("no whole response within %.0f s (%zu bytes: %.*s)", WAIT_S, c->len, (int)c->len, c->buf);
	head_len = (size_t)((char *)memmem(c->buf, n, "\r\n\r\n", 4) - c->buf) + 4;
	assert_true(head_len < sizeof c->head && n - head_len < sizeof c->body_copy);
	memcpy(c->head, c->buf, head_len);
	c->head[head_len] = '\0';
	memcpy(c->body_copy, c->buf + head_len, n - head_len);
	c->body_copy[n - head_len] = '\0';
	c->body = c->body_copy;
	c->body_len = n - head_len;
	c->status = atoi(c->head + 9);
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

static void client_open(struct client *c, struct httpd *h)
{
	c->fd = client_connect(h, 0);
	c->len = 0;
}

// Sends req on c and reads the answer.
static void client_ask(struct client *c, const char *req)
{
	client_send(c->fd, req, strlen(req));
	client_response(c, strncmp(req, "HEAD", 4) == 0);
}

// Whether the server closes fd within wait_s (what it still sends is read and dropped).
static bool client_sees_eof(int fd, double wait_s)
{
	static char sink[65536];
	double end = now_s() + wait_s;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left_ms = (int)((end - now_s()) * 1000);

		if (left_ms <= 0 || poll(&p, 1, left_ms) <= 0)
			return false;
		if (recv(fd, sink, sizeof sink, 0) <= 0)
			return true;
	}
}

static void assert_header(const struct client *c, const char *line)
{
	if (!strstr(c->head, line))
		fail_msg("no \"%s\" in:\n%s", line, c->head);
}

// Waits up to WAIT_S for the server's counters to satisfy ok; fails when they do not.
static void wait_stats(struct httpd *h, bool (*ok)(const struct httpd_stats *, size_t), size_t arg)
{
	double end = now_s() + WAIT_S;
	struct httpd_stats st;

	for (;;) {
		httpd_stats(h, &st);
		if (ok(&st, arg))
			return;
		if (now_s() > end)
			fail_msg("counters not there within %.0f s: open %zu accepted %lu evicted %lu timed out %lu refused %lu",
				 WAIT_S, st.open_conns, (unsigned long)st.accepted, (unsigned long)st.evicted,
				 (unsigned long)st.timed_out, (unsigned long)st.refused);
		nanosleep(&(struct timespec){ 0, 5000000 }, NULL);   // a polling step, not an assertion
	}
}

static bool open_is(const struct httpd_stats *st, size_t n)
{
	return st->open_conns == n;
}

static char *dup_str(const char *s)
{
	char *p = strdup(s);

	assert_non_null(p);
	return p;
}

static void publish_small(struct httpd *h)
{
	httpd_publish(h, dup_str("memtop_up 1\n"), 12, dup_str("memtop_up 1\n# EOF\n"), 18);
}

static void test_live_pages(void **state)
{
	struct httpd *h = server_start((struct httpd_config){ 0 });
	static struct client c;
	char req[512];

	(void)state;
	client_open(&c, h);
	client_ask(&c, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(c.status, 503);
	assert_header(&c, "Content-Type: text/plain; charset=utf-8\r\n");
	assert_true(c.body_len > 0);
	publish_small(h);
	client_ask(&c, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");   // the same connection: keep-alive
	assert_int_equal(c.status, 200);
	assert_header(&c, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n");
	assert_header(&c, "Content-Length: 12\r\n");
	assert_string_equal(c.body, "memtop_up 1\n");
	snprintf(req, sizeof req, "GET /metrics?x=1 HTTP/1.1\r\nAccept: %s\r\n\r\n", PROM_ACCEPT);
	client_ask(&c, req);
	assert_int_equal(c.status, 200);
	assert_header(&c, "Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\n");
	assert_string_equal(c.body, "memtop_up 1\n# EOF\n");
	client_ask(&c, "HEAD /metrics HTTP/1.1\r\n\r\n");
	assert_int_equal(c.status, 200);
	assert_header(&c, "Content-Length: 12\r\n");
	client_ask(&c, "GET / HTTP/1.1\r\n\r\n");       // nothing of the HEAD's body came before it
	assert_int_equal(c.status, 200);
	assert_header(&c, "Content-Type: text/html; charset=utf-8\r\n");
	assert_non_null(strstr(c.body, "href=\"/metrics\""));
	client_ask(&c, "GET /nope HTTP/1.1\r\n\r\n");
	assert_int_equal(c.status, 404);
	client_ask(&c, "DELETE /metrics HTTP/1.1\r\n\r\n");
	assert_int_equal(c.status, 405);
	assert_header(&c, "Allow: GET, HEAD\r\n");
	assert_header(&c, "Content-Type: text/plain; charset=utf-8\r\n");
	// HTTP/1.0 closes after the answer.
	client_ask(&c, "GET /metrics HTTP/1.0\r\n\r\n");
	assert_int_equal(c.status, 200);
	assert_header(&c, "Connection: close\r\n");
	assert_true(client_sees_eof(c.fd, WAIT_S));
	close(c.fd);
	httpd_stop(h);
}

// Only the text format published: OpenMetrics is 503, text is there.
static void test_live_one_format(void **state)
{
	struct httpd *h = server_start((struct httpd_config){ 0 });
	static struct client c;

	(void)state;
	httpd_publish(h, dup_str("a 1\n"), 4, NULL, 0);
	client_open(&c, h);
	client_ask(&c, "GET /metrics HTTP/1.1\r\nAccept: application/openmetrics-text\r\n\r\n");
	assert_int_equal(c.status, 503);
	client_ask(&c, "GET /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
	assert_int_equal(c.status, 200);
	assert_header(&c, "Connection: keep-alive\r\n");
	assert_string_equal(c.body, "a 1\n");
	close(c.fd);
	httpd_stop(h);
}

static void test_live_pipelined(void **state)
{
	static const char three[] = "GET / HTTP/1.1\r\n\r\nGET /metrics HTTP/1.1\r\n\r\nHEAD /x HTTP/1.1\r\n\r\n";
	struct httpd *h = server_start((struct httpd_config){ 0 });
	static struct client c;

	(void)state;
	publish_small(h);
	client_open(&c, h);
	client_send(c.fd, three, sizeof three - 1);
	client_response(&c, false);
	assert_int_equal(c.status, 200);
	assert_header(&c, "text/html");
	client_response(&c, false);
	assert_int_equal(c.status, 200);
	assert_string_equal(c.body, "memtop_up 1\n");
	client_response(&c, true);
	assert_int_equal(c.status, 404);
	close(c.fd);
	httpd_stop(h);
}

// Each refused request: its status, then "Connection: close" and the end.
static void test_live_errors_close(void **state)
{
	static const struct {
		const char *req;
		int status;
	} cases[] = {
		{ "GARBAGE\x01\r\n\r\n", 400 },
		{ "GET /metrics\r\n", 400 },
		{ "GET / HTTP/2.0\r\n\r\n", 505 },
		{ "POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 405 },
	};
	struct httpd *h = server_start((struct httpd_config){ 0 });
	static struct client c;
	static char line[1 << 20];
	int small = 16384;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		client_open(&c, h);
		client_ask(&c, cases[i].req);
		assert_int_equal(c.status, cases[i].status);
		assert_header(&c, "Connection: close\r\n");
		assert_true(client_sees_eof(c.fd, WAIT_S));
		close(c.fd);
	}
	/* A request line of 1 MiB: 414, and the rest of the line is drained
	 * (through a small send buffer, so it does not fit in the kernel's):
	 * closed at once, the send would fail and the answer be reset away. */
	memset(line, 'a', sizeof line);
	memcpy(line, "GET /", 5);
	client_open(&c, h);
	assert_int_equal(setsockopt(c.fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
	client_send(c.fd, line, sizeof line);
	client_response(&c, false);
	assert_int_equal(c.status, 414);
	assert_true(client_sees_eof(c.fd, WAIT_S));
	close(c.fd);
	httpd_stop(h);
}

static bool evicted_is(const struct httpd_stats *st, size_t n)
{
	return st->evicted == n;
}

// max_conns 4, all waiting: a fifth evicts the one that waited longest and is answered.
static void test_live_eviction(void **state)
{
	struct httpd *h = server_start((struct httpd_config){ .max_conns = 4 });
	static struct client c;
	int idle[4];

	(void)state;
	publish_small(h);
	for (int i = 0; i < 4; i++) {
		idle[i] = client_connect(h, 0);
		wait_stats(h, open_is, (size_t)i + 1);          // accepted in this order
	}
	client_send_str(idle[3], "GET / HTTP/1.1\r\n");  // a partial request waits too
	client_open(&c, h);
	client_ask(&c, "GET /metrics HTTP/1.1\r\n\r\n");
	assert_int_equal(c.status, 200);
	wait_stats(h, evicted_is, 1);
	assert_true(client_sees_eof(idle[0], WAIT_S));
	for (int i = 1; i < 4; i++)
		assert_false(client_sees_eof(idle[i], 0.05));
	for (int i = 0; i < 4; i++)
		close(idle[i]);
	close(c.fd);
	httpd_stop(h);
}

static bool timed_out_is(const struct httpd_stats *st, size_t n)
{
	return st->timed_out == n;
}

// A request that does not finish within request_timeout_s: closed after it, not before.
static void test_live_request_timeout(void **state)
{
	struct httpd *h = server_start((struct httpd_config){ .request_timeout_s = 0.3 });
	int slow = client_connect(h, 0), silent = client_connect(h, 0);
	double start = now_s(), took;

	(void)state;
	client_send_str(slow, "GET /metrics HTTP/1.1\r\nHost:");
	assert_true(client_sees_eof(slow, WAIT_S));
	took = now_s() - start;
	assert_true(took >= 0.25);
	assert_true(client_sees_eof(silent, WAIT_S));   // a connection that never says anything
	wait_stats(h, timed_out_is, 2);
	close(slow);
	close(silent);
	httpd_stop(h);
}

// After an answer, an idle keep-alive connection is closed after idle_timeout_s.
static void test_live_idle_timeout(void **state)
{
	struct httpd *h = server_start((struct httpd_config){ .idle_timeout_s = 0.3, .request_timeout_s = 30 });
	static struct client c;
	double start;

	(void)state;
	client_open(&c, h);
	client_ask(&c, "GET / HTTP/1.1\r\n\r\n");
	assert_int_equal(c.status, 200);
	start = now_s();
	assert_true(client_sees_eof(c.fd, WAIT_S));
	assert_true(now_s() - start >= 0.25);
	wait_stats(h, timed_out_is, 1);
	close(c.fd);
	httpd_stop(h);
}

// A page bigger than any socket buffer, of a known pattern.
static char *big_page(size_t n)
{
	char *p = malloc(n);

	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (char)('a' + i % 26);
	return p;
}

#define BIG (24u << 20)

static bool refused_is(const struct httpd_stats *st, size_t n)
{
	return st->refused == n;
}

static bool requests_is(const struct httpd_stats *st, size_t n)
{
	return st->requests == n;
}

/* Two clients ask for a big page and never read: every slot is writing, so a
 * third is refused at once; write_timeout_s later both are dropped. */
static void test_live_write_timeout(void **state)
{
	struct httpd *h = server_start((struct httpd_config){ .max_conns = 2, .write_timeout_s = 0.4 });
	int stuck[2], third;

	(void)state;
	httpd_publish(h, big_page(BIG), BIG, NULL, 0);
	for (int i = 0; i < 2; i++) {
		stuck[i] = client_connect(h, 4096);
		client_send_str(stuck[i], "GET /metrics HTTP/1.1\r\n\r\n");
	}
	wait_stats(h, requests_is, 2);                  // both writing: neither can be evicted
	third = client_connect(h, 0);
	wait_stats(h, refused_is, 1);
	assert_true(client_sees_eof(third, WAIT_S));
	wait_stats(h, timed_out_is, 2);
	wait_stats(h, open_is, 0);
	close(stuck[0]);
	close(stuck[1]);
	close(third);
	httpd_stop(h);
}

static bool refused_at_least(const struct httpd_stats *st, size_t n)
{
	return st->refused >= n;
}

/* max_conns clients that never read: a newcomer is refused while they are
 * fresh, and once one has taken nothing for a second, it takes that one's
 * place and is answered (else Prometheus would be locked out for the
 * write timeout, 30 s by default). */
static void test_live_stalled_writer_evicted(void **state)
{
	struct httpd *h = server_start((struct httpd_config){ .max_conns = 2, .write_timeout_s = 60 });
	static struct client c;
	struct httpd_stats st;
	int stuck[2], early;
	double start, end;

	(void)state;
	httpd_publish(h, big_page(BIG), BIG, dup_str("memtop_up 1\n# EOF\n"), 18);
	for (int i = 0; i < 2; i++) {
		stuck[i] = client_connect(h, 4096);
		client_send_str(stuck[i], "GET /metrics HTTP/1.1\r\n\r\n");
	}
	wait_stats(h, requests_is, 2);
	start = now_s();
	early = client_connect(h, 0);
	wait_stats(h, refused_at_least, 1);
	httpd_stats(h, &st);
	if (now_s() - start < 0.9)                      // still fresh when it came: refused
		assert_int_equal(st.evicted, 0);
	close(early);
	end = now_s() + WAIT_S;
	for (;;) {                                      // newcomers until one is let in
		client_open(&c, h);
		client_send_str(c.fd, "GET /metrics HTTP/1.1\r\nAccept: application/openmetrics-text\r\n\r\n");
		struct pollfd pf = { .fd = c.fd, .events = POLLIN };
		char peek;

		// Refused: the server closes it at once; let in: the answer comes.
		assert_int_equal(poll(&pf, 1, (int)(WAIT_S * 1000)), 1);
		if (recv(c.fd, &peek, 1, MSG_PEEK) == 1 || now_s() > end)
			break;
		close(c.fd);
	}
	client_response(&c, false);
	assert_int_equal(c.status, 200);
	if (now_s() - start < 0.9)                      // not before a writer stalled a second
		fail_msg("let in %.3f s after the writers stalled", now_s() - start);
	wait_stats(h, evicted_is, 1);
	assert_true(client_sees_eof(stuck[0], WAIT_S) || client_sees_eof(stuck[1], WAIT_S));
	close(stuck[0]);
	close(stuck[1]);
	close(c.fd);
	httpd_stop(h);
}

/* A page being sent stays whole when a new one is published under it (and
 * is freed after: ASan sees a leak or a use after free). */
static void test_live_page_outlives_publish(void **state)
{
	struct httpd *h = server_start((struct httpd_config){ 0 });
	int fd = client_connect(h, 4096);
	static char head[1024];
	char *want = big_page(BIG), *got = malloc(BIG);
	size_t have = 0, head_len = 0;
	double end = now_s() + 30;

	(void)state;
	assert_non_null(got);
	httpd_publish(h, big_page(BIG), BIG, NULL, 0);
	client_send_str(fd, "GET /metrics HTTP/1.0\r\n\r\n");
	while (head_len < 4 || memcmp(head + head_len - 4, "\r\n\r\n", 4) != 0) {
		assert_true(head_len < sizeof head && recv(fd, head + head_len, 1, 0) == 1);
		head_len++;
	}
	publish_small(h);                               // the big page is now only this connection's
	while (have < BIG && now_s() < end) {
		ssize_t n = recv(fd, got + have, BIG - have, 0);

		assert_true(n > 0);
		have += (size_t)n;
	}
	assert_int_equal(have, BIG);
	assert_memory_equal(got, want, BIG);
	assert_true(client_sees_eof(fd, WAIT_S));
	free(want);
	free(got);
	close(fd);
	httpd_stop(h);
}

// Stopped with connections reading, writing and idle: every socket closed, nothing leaked.
static void test_live_stop_with_connections(void **state)
{
	struct httpd *h = server_start((struct httpd_config){ 0 });
	int fds[3];

	(void)state;
	httpd_publish(h, big_page(BIG), BIG, dup_str("x\n# EOF\n"), 8);
	fds[0] = client_connect(h, 4096);
	client_send_str(fds[0], "GET /metrics HTTP/1.1\r\n\r\n");
	fds[1] = client_connect(h, 0);
	client_send_str(fds[1], "GET /metr");
	fds[2] = client_connect(h, 0);
	wait_stats(h, open_is, 3);
	httpd_stop(h);
	for (int i = 0; i < 3; i++) {
		assert_true(client_sees_eof(fds[i], WAIT_S));
		close(fds[i]);
	}
}

// Whether some thread of this process other than the caller blocks every signal it can.
static bool other_thread_blocks_all(void)
{
	// All but SIGKILL and SIGSTOP and the two signals glibc keeps for itself
	// (a thread that is starting blocks those two as well, so it must be running).
	const unsigned long long want = 0xfffffffe7ffbfeffull;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	bool found = false;

	assert_non_null(d);
	while (!found && (e = readdir(d)) != NULL) {
		char path[300], line[256];
		FILE *f;

		if (e->d_name[0] == '.' || atoi(e->d_name) == gettid())
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/status", e->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof line, f))
			if (strncmp(line, "SigBlk:", 7) == 0)
				found = strtoull(line + 7, NULL, 16) == want;
		if (f)
			fclose(f);
	}
	closedir(d);
	return found;
}

// The thread blocks every signal; the caller's mask is as it was.
static void test_live_signals(void **state)
{
	sigset_t before, after;
	static struct client c;
	struct httpd *h;

	(void)state;
	pthread_sigmask(SIG_SETMASK, NULL, &before);
	h = server_start((struct httpd_config){ 0 });
	pthread_sigmask(SIG_SETMASK, NULL, &after);
	client_open(&c, h);
	client_ask(&c, "GET / HTTP/1.1\r\n\r\n");    // an answer: the thread is in its loop
	close(c.fd);
	assert_int_equal(sigismember(&after, SIGTERM), sigismember(&before, SIGTERM));
	assert_int_equal(sigismember(&after, SIGINT), sigismember(&before, SIGINT));
	assert_true(other_thread_blocks_all());
	httpd_stop(h);
}

// httpd_start's refusal for cfg: NULL, and err holds want.
static void assert_start_refused(struct httpd_config cfg, const char *want)
{
	char err[256] = "";
	struct httpd *h = httpd_start(&cfg, err, sizeof err);

	if (h) {
		httpd_stop(h);
		fail_msg("started on %s", cfg.addr);
	}
	if (strcmp(err, want) != 0)
		fail_msg("err \"%s\", expected \"%s\"", err, want);
}

static void test_start_addresses(void **state)
{
	char err[256];
	struct httpd *h;
	int fd6 = socket(AF_INET6, SOCK_STREAM, 0);

	(void)state;
	assert_start_refused((struct httpd_config){ .addr = "0.0.0.0" },
			     "0.0.0.0 is not a loopback address: add --allow-remote to serve beyond this machine");
	assert_start_refused((struct httpd_config){ .addr = "::" },
			     ":: is not a loopback address: add --allow-remote to serve beyond this machine");
	assert_start_refused((struct httpd_config){ .addr = "192.168.1.1" },
			     "192.168.1.1 is not a loopback address: add --allow-remote to serve beyond this machine");
	assert_start_refused((struct httpd_config){ .addr = "localhost" },
			     "localhost is not a numeric IPv4 or IPv6 address");
	assert_start_refused((struct httpd_config){ .addr = "127.0.0.1", .port = 70000 },
			     "port 70000 is out of range (1-65535)");
	h = server_start((struct httpd_config){ .addr = "127.0.0.2" });
	httpd_stop(h);
	h = server_start((struct httpd_config){ .addr = "0.0.0.0", .allow_remote = true });
	httpd_stop(h);
	if (fd6 >= 0) {                                // IPv6 may be off in a container
		struct httpd_config cfg = { .addr = "::1" };

		close(fd6);
		h = httpd_start(&cfg, err, sizeof err);
		if (h)
			httpd_stop(h);
		else
			assert_non_null(strstr(err, "Cannot assign requested address"));
	}
}

static void test_start_port_in_use(void **state)
{
	struct httpd *h = server_start((struct httpd_config){ 0 });
	char want[128];

	(void)state;
	snprintf(want, sizeof want, "cannot listen on 127.0.0.1:%d: Address already in use", httpd_port(h));
	assert_start_refused((struct httpd_config){ .addr = "127.0.0.1", .port = httpd_port(h) }, want);
	httpd_stop(h);
	httpd_stop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_methods_and_paths),
		cmocka_unit_test(test_parse_versions),
		cmocka_unit_test(test_parse_keep_alive),
		cmocka_unit_test(test_parse_accept),
		cmocka_unit_test(test_parse_partial),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_parse_bad_bytes),
		cmocka_unit_test(test_parse_body),
		cmocka_unit_test(test_parse_pipelined),
		cmocka_unit_test(test_live_pages),
		cmocka_unit_test(test_live_one_format),
		cmocka_unit_test(test_live_pipelined),
		cmocka_unit_test(test_live_errors_close),
		cmocka_unit_test(test_live_eviction),
		cmocka_unit_test(test_live_request_timeout),
		cmocka_unit_test(test_live_idle_timeout),
		cmocka_unit_test(test_live_write_timeout),
		cmocka_unit_test(test_live_stalled_writer_evicted),
		cmocka_unit_test(test_live_page_outlives_publish),
		cmocka_unit_test(test_live_stop_with_connections),
		cmocka_unit_test(test_live_signals),
		cmocka_unit_test(test_start_addresses),
		cmocka_unit_test(test_start_port_in_use),
	};

	signal(SIGPIPE, SIG_IGN);   // a test's own send to a closed socket fails, not kills
	return cmocka_run_group_tests(tests, NULL, NULL);
}
