/* httpd.c — the metrics endpoint's server thread (httpd.h): a listening
 * socket, a fixed table of connections and poll(), nothing that blocks.
 *
 * A connection is reading a request (its buffer fills until the parser has
 * one), writing the answer (a header in its own buffer, then a body it does
 * not own: a static page or a published page it holds a reference to), or
 * lingering: answered with "Connection: close", its write side shut, its
 * input drained for a moment so that closing does not reset the answer away
 * before the client read it. Pipelined requests wait in the buffer (and in
 * the kernel: a writing connection is not read) and are answered one after
 * the other. The published pages are the only state shared with the main
 * thread, with the counters, under one mutex. */
#include "export/httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS 250                  // the longest poll: how late a timeout may fire
#define LINGER_S 2.0                 // how long a closing connection's input is drained
#define LINGER_BYTES (2u << 20)      // and how much of it, at most
#define ACCEPT_BURST 64              // connections taken per wake-up, so the others get a turn
#define ACCEPT_PAUSE_S 0.1           // out of descriptors: try again after this
#define HEAD_MAX 512
#define STALLED_S 1.0                // a writer whose client took nothing for this long may be evicted

static const char TYPE_TEXT[] = "text/plain; version=0.0.4; charset=utf-8";
static const char TYPE_OM[] = "application/openmetrics-text; version=1.0.0; charset=utf-8";
static const char TYPE_PLAIN[] = "text/plain; charset=utf-8";
static const char TYPE_HTML[] = "text/html; charset=utf-8";
static const char INDEX_HTML[] =
	"<!DOCTYPE html>\n<html><head><title>memtop</title></head>\n"
	"<body><h1>memtop</h1><p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

// A published pair of pages; refs: the server's current one, plus each connection sending it.
struct page {
	unsigned refs;
	char *body[2];                   // [0] the text format, [1] OpenMetrics
	size_t len[2];
};

enum conn_state { CONN_FREE, CONN_READING, CONN_WRITING, CONN_LINGERING };

struct conn {
	int fd;
	enum conn_state state;
	bool served;                     // has answered a request: waiting is idling now
	bool close_after;                // the answer being written is the last
	double since;                    // reading: waiting for a request since; lingering: since
	double request_start;            // reading: when the request's first byte came
	double last_progress;            // writing: when a byte last went out
	size_t in_len, consumed;         // bytes in in[]; of them, what the current answer is for
	size_t head_len, body_len, sent; // sent counts head then body
	size_t drained;                  // lingering: bytes thrown away
	const char *body;
	struct page *page;               // the reference held while body points into it
	char head[HEAD_MAX];
	char in[HTTPD_REQUEST_MAX];
};

struct httpd {
	int listen_fd, wake_fd, port;
	pthread_t thread;
	double request_timeout, idle_timeout, write_timeout;
	int tick_ms;
	double accept_resume;            // accept() paused until then (0: not paused)
	size_t max_conns;
	struct conn *conns;
	struct pollfd *pfds;             // [0] wake, [1] listener, then one per connection in use
	struct conn **pfd_conn;          // pfds[i]'s connection
	pthread_mutex_t lock;            // guards page, every page's refs and stats
	struct page *page;
	struct httpd_stats stats;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Adds one to a counter of h->stats.
static void count(struct httpd *h, uint64_t *counter)
{
	pthread_mutex_lock(&h->lock);
	(*counter)++;
	pthread_mutex_unlock(&h->lock);
}

// Drops a reference to p (NULL: none); the last one frees it.
static void page_release(struct httpd *h, struct page *p)
{
	bool last;

	if (!p)
		return;
	pthread_mutex_lock(&h->lock);
	last = --p->refs == 0;
	pthread_mutex_unlock(&h->lock);
	if (last) {
		free(p->body[0]);
		free(p->body[1]);
		free(p);
	}
}

// --- connections --------------------------------------------------------------------

static void conn_open(struct httpd *h, struct conn *c, int fd, double now)
{
	c->fd = fd;
	c->state = CONN_READING;
	c->served = c->close_after = false;
	c->since = c->request_start = c->last_progress = now;
	c->in_len = c->consumed = c->head_len = c->body_len = c->sent = c->drained = 0;
	c->body = NULL;
	c->page = NULL;
	pthread_mutex_lock(&h->lock);
	h->stats.open_conns++;
	pthread_mutex_unlock(&h->lock);
}

static void conn_close(struct httpd *h, struct conn *c)
{
	page_release(h, c->page);
	c->page = NULL;
	close(c->fd);
	c->fd = -1;
	c->state = CONN_FREE;
	pthread_mutex_lock(&h->lock);
	h->stats.open_conns--;
	pthread_mutex_unlock(&h->lock);
}

// Each status answered: its reason phrase and, for errors, the body that says it.
static const struct status_text {
	int status;
	const char *reason, *body;
} STATUS_TEXT[] = {
	{ 200, "OK", "" },
	{ 400, "Bad Request", "400 Bad Request\n" },
	{ 404, "Not Found", "404 Not Found: memtop serves /metrics\n" },
	{ 405, "Method Not Allowed", "405 Method Not Allowed: GET or HEAD\n" },
	{ 414, "URI Too Long", "414 URI Too Long\n" },
	{ 431, "Request Header Fields Too Large", "431 Request Header Fields Too Large\n" },
	{ 503, "Service Unavailable", "503 Service Unavailable: no metrics published yet\n" },
	{ 505, "HTTP Version Not Supported", "505 HTTP Version Not Supported: HTTP/1.0 or 1.1\n" },
};

static const struct status_text *status_text(int status)
{
	for (size_t i = 1; i < sizeof STATUS_TEXT / sizeof STATUS_TEXT[0]; i++)
		if (STATUS_TEXT[i].status == status)
			return &STATUS_TEXT[i];
	return &STATUS_TEXT[1];              // the parser answers nothing else: 400 if it did
}

/* Sets up c's answer: the header into c->head, the body (not sent for
 * HEAD, but its length is said) and the page it lies in, if any; c then
 * writes. */
static void conn_answer(struct conn *c, int status, const char *type, const char *body,
			size_t len, bool head_only, struct page *page, bool http10)
{
	const char *allow = status == 405 ? "Allow: GET, HEAD\r\n" : "";
	const char *conn = c->close_after ? "Connection: close\r\n"
			   : http10       ? "Connection: keep-alive\r\n"
					  : "";
	int n = snprintf(c->head, sizeof c->head,
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s%s\r\n",
			 status, status == 200 ? "OK" : status_text(status)->reason, type, len, allow, conn);

	c->head_len = n > 0 && (size_t)n < sizeof c->head ? (size_t)n : 0;   // it always fits
	c->body = head_only ? NULL : body;
	c->body_len = head_only ? 0 : len;
	c->page = page;
	c->sent = 0;
	c->state = CONN_WRITING;
}

// An error's answer: a line of text saying what went wrong.
static void conn_answer_error(struct conn *c, int status, bool head_only, bool http10)
{
	const struct status_text *t = status_text(status);

	conn_answer(c, t->status, TYPE_PLAIN, t->body, strlen(t->body), head_only, NULL, http10);
}

// /metrics: the last published page in the format asked for, or 503.
static void conn_answer_metrics(struct httpd *h, struct conn *c, const struct httpd_request *req)
{
	bool head = req->method == HTTPD_HEAD, http10 = req->minor == 0;
	int fmt = req->openmetrics ? 1 : 0;
	struct page *p;

	pthread_mutex_lock(&h->lock);
	p = h->page && h->page->body[fmt] ? h->page : NULL;
	if (p)
		p->refs++;
	pthread_mutex_unlock(&h->lock);
	if (!p) {
		conn_answer_error(c, 503, head, http10);
		return;
	}
	conn_answer(c, 200, fmt ? TYPE_OM : TYPE_TEXT, p->body[fmt], p->len[fmt], head, p, http10);
}

// A parsed request's answer, by method and path.
static void conn_route(struct httpd *h, struct conn *c, const struct httpd_request *req)
{
	bool head = req->method == HTTPD_HEAD, http10 = req->minor == 0;

	c->close_after = !req->keep_alive || req->has_body;   // a body is never read
	if (req->method == HTTPD_OTHER)
		conn_answer_error(c, 405, false, http10);
	else if (strcmp(req->path, "/metrics") == 0)
		conn_answer_metrics(h, c, req);
	else if (strcmp(req->path, "/") == 0)
		conn_answer(c, 200, TYPE_HTML, INDEX_HTML, sizeof INDEX_HTML - 1, head, NULL, http10);
	else
		conn_answer_error(c, 404, head, http10);
}

/* Parses what c has buffered: true when it holds a request (or one that
 * cannot be) and c now writes its answer; false when more must come. */
static bool conn_take_request(struct httpd *h, struct conn *c)
{
	struct httpd_request req;
	long used = httpd_parse_request(c->in, c->in_len, &req);

	if (used == 0)
		return false;
	count(h, &h->stats.requests);
	if (used < 0) {
		c->close_after = true;
		c->consumed = c->in_len;
		conn_answer_error(c, req.status, false, false);
		return true;
	}
	c->consumed = (size_t)used;
	conn_route(h, c, &req);
	return true;
}

/* Shuts c's write side and drains its input for LINGER_S: closing with
 * unread input would reset the connection and could destroy the answer. */
static void conn_linger(struct httpd *h, struct conn *c, double now)
{
	if (shutdown(c->fd, SHUT_WR) < 0) {
		conn_close(h, c);
		return;
	}
	c->state = CONN_LINGERING;
	c->since = now;
	c->drained = 0;
}

// The answer is out: c lingers, or reads the next request (perhaps buffered already).
static void conn_finish(struct httpd *h, struct conn *c, double now)
{
	page_release(h, c->page);
	c->page = NULL;
	c->body = NULL;
	if (c->close_after) {
		conn_linger(h, c, now);
		return;
	}
	memmove(c->in, c->in + c->consumed, c->in_len - c->consumed);
	c->in_len -= c->consumed;
	c->consumed = 0;
	c->state = CONN_READING;
	c->served = true;
	c->since = c->request_start = now;
}

/* Sends what c's answer has left: true when all of it went (c has moved on),
 * false when the socket is full or c was closed. */
static bool conn_send(struct httpd *h, struct conn *c, double now)
{
	while (c->sent < c->head_len + c->body_len) {
		struct iovec iov[2];
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 0 };
		ssize_t n;

		if (c->sent < c->head_len)
			iov[msg.msg_iovlen++] = (struct iovec){ c->head + c->sent, c->head_len - c->sent };
		if (c->body_len > 0) {
			size_t off = c->sent > c->head_len ? c->sent - c->head_len : 0;

			iov[msg.msg_iovlen++] = (struct iovec){ (char *)c->body + off, c->body_len - off };
		}
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return false;
		if (n <= 0) {
			conn_close(h, c);
			return false;
		}
		c->sent += (size_t)n;
		c->last_progress = now;
	}
	conn_finish(h, c, now);
	return c->state == CONN_READING;
}

// Answers what c has buffered, one request after another, until it must wait.
static void conn_run(struct httpd *h, struct conn *c, double now)
{
	while (c->state == CONN_READING && c->in_len > 0 && conn_take_request(h, c)) {
		if (!conn_send(h, c, now))
			return;
	}
}

// c's socket is readable: takes what came and answers what it can.
static void conn_read(struct httpd *h, struct conn *c, double now)
{
	ssize_t n = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {                        // the client left (or broke) before its request was whole
		conn_close(h, c);
		return;
	}
	if (c->in_len == 0)
		c->request_start = now;
	c->in_len += (size_t)n;
	conn_run(h, c, now);
}

// A lingering connection's input: thrown away until the client closes or enough came.
static void conn_drain(struct httpd *h, struct conn *c)
{
	ssize_t n = recv(c->fd, c->in, sizeof c->in, 0);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0 || (c->drained += (size_t)n) > LINGER_BYTES)
		conn_close(h, c);
}

// Closes c if it has overstayed what its state allows: true when it did (and it was a timeout).
static bool conn_expire(struct httpd *h, struct conn *c, double now)
{
	double waited, limit;

	switch (c->state) {
	case CONN_READING:
		if (c->in_len > 0)
			waited = now - c->request_start, limit = h->request_timeout;
		else   // a new connection's silence counts as a slow request, not idling
			waited = now - c->since, limit = c->served ? h->idle_timeout : h->request_timeout;
		break;
	case CONN_WRITING:
		waited = now - c->last_progress, limit = h->write_timeout;
		break;
	case CONN_LINGERING:
		if (now - c->since > LINGER_S)
			conn_close(h, c);
		return false;
	default:
		return false;
	}
	if (waited <= limit)
		return false;
	conn_close(h, c);
	return true;
}

// --- the server loop ----------------------------------------------------------------

/* A slot for a new connection: a free one, else the one a closing
 * connection lingers in, else the one that has waited longest for its
 * request (evicted), else the writer whose client has taken nothing for
 * longest, if that is STALLED_S or more (evicted: without it, max_conns
 * clients that never read would lock Prometheus out for the write
 * timeout); NULL when every connection is writing to a client that reads. */
static struct conn *conn_slot(struct httpd *h, double now)
{
	struct conn *victim = NULL, *stalled = NULL;

	for (size_t i = 0; i < h->max_conns; i++) {
		struct conn *c = &h->conns[i];

		if (c->state == CONN_FREE)
			return c;
		if (c->state == CONN_WRITING) {
			if (now - c->last_progress >= STALLED_S && (!stalled || c->last_progress < stalled->last_progress))
				stalled = c;
			continue;
		}
		if (!victim || (c->state == CONN_LINGERING) > (victim->state == CONN_LINGERING) ||
		    ((c->state == CONN_LINGERING) == (victim->state == CONN_LINGERING) && c->since < victim->since))
			victim = c;
	}
	if (!victim)
		victim = stalled;
	if (victim) {
		if (victim->state != CONN_LINGERING)
			count(h, &h->stats.evicted);
		conn_close(h, victim);
	}
	return victim;
}

// The listener is readable: takes up to ACCEPT_BURST connections, each read at once.
static void serve_accept(struct httpd *h, double now)
{
	for (int i = 0; i < ACCEPT_BURST; i++) {
		int fd = accept4(h->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				h->accept_resume = now + ACCEPT_PAUSE_S;   // else poll says readable at once, forever
			if (errno == ECONNABORTED || errno == EINTR)
				continue;
			return;
		}
		count(h, &h->stats.accepted);
		c = conn_slot(h, now);
		if (!c) {
			close(fd);
			count(h, &h->stats.refused);
			continue;
		}
		conn_open(h, c, fd, now);
		// The request usually came with the connection: answered now, it cannot be evicted.
		conn_read(h, c, now);
	}
}

// Fills h->pfds for the next poll; returns how many there are.
static nfds_t serve_pollset(struct httpd *h, double now)
{
	nfds_t n = 2;

	h->pfds[0] = (struct pollfd){ .fd = h->wake_fd, .events = POLLIN };
	if (h->accept_resume > 0 && now >= h->accept_resume)
		h->accept_resume = 0;
	h->pfds[1] = (struct pollfd){ .fd = h->accept_resume > 0 ? -1 : h->listen_fd, .events = POLLIN };
	for (size_t i = 0; i < h->max_conns; i++) {
		struct conn *c = &h->conns[i];

		if (c->state == CONN_FREE)
			continue;
		h->pfd_conn[n] = c;
		h->pfds[n++] = (struct pollfd){ .fd = c->fd,
						.events = c->state == CONN_WRITING ? POLLOUT : POLLIN };
	}
	return n;
}

// One connection's poll result.
static void serve_event(struct httpd *h, struct conn *c, short revents, double now)
{
	if (!revents)
		return;
	if (c->state == CONN_READING)
		conn_read(h, c, now);
	else if (c->state == CONN_WRITING && conn_send(h, c, now))
		conn_run(h, c, now);
	else if (c->state == CONN_LINGERING)
		conn_drain(h, c);
}

static void *serve(void *arg)
{
	struct httpd *h = arg;

	for (;;) {
		double now = now_s();
		nfds_t n = serve_pollset(h, now);
		int ready = poll(h->pfds, n, h->tick_ms);

		if (ready < 0 && errno != EINTR && errno != ENOMEM)
			break;                   // EFAULT or EINVAL: a bug, and nothing to wait on
		if (ready > 0 && h->pfds[0].revents)
			break;                   // httpd_stop
		now = now_s();
		for (nfds_t i = 2; ready > 0 && i < n; i++)
			serve_event(h, h->pfd_conn[i], h->pfds[i].revents, now);
		if (ready > 0 && h->pfds[1].revents)
			serve_accept(h, now);
		for (size_t i = 0; i < h->max_conns; i++)
			if (conn_expire(h, &h->conns[i], now))
				count(h, &h->stats.timed_out);
	}
	return NULL;
}

// --- start and stop -----------------------------------------------------------------

// Whether the address is loopback: 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6.
static bool addr_is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;

		return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	}
	const struct in6_addr *a6 = &((const struct sockaddr_in6 *)ss)->sin6_addr;

	return IN6_IS_ADDR_LOOPBACK(a6) || (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
}

// Parses cfg's address and port into ss: its length, or 0 with err set.
static socklen_t addr_parse(const struct httpd_config *cfg, struct sockaddr_storage *ss, char *err,
			    size_t errlen)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (cfg->port < 0 || cfg->port > 65535) {
		snprintf(err, errlen, "port %d is out of range (1-65535)", cfg->port);
		return 0;
	}
	if (cfg->addr && inet_pton(AF_INET, cfg->addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)cfg->port);
		return sizeof *a4;
	}
	if (cfg->addr && inet_pton(AF_INET6, cfg->addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)cfg->port);
		return sizeof *a6;
	}
	snprintf(err, errlen, "%s is not a numeric IPv4 or IPv6 address", cfg->addr ? cfg->addr : "(none)");
	return 0;
}

// A listening socket on cfg's address (loopback unless allowed): its fd, or -1 with err set.
static int listen_open(const struct httpd_config *cfg, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen = addr_parse(cfg, &ss, err, errlen);
	bool v6 = ss.ss_family == AF_INET6;
	int fd, one = 1;

	if (sslen == 0)
		return -1;
	if (!cfg->allow_remote && !addr_is_loopback(&ss)) {
		snprintf(err, errlen, "%s is not a loopback address: add --allow-remote to serve beyond this machine",
			 cfg->addr);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
	    bind(fd, (struct sockaddr *)&ss, sslen) == 0 && listen(fd, SOMAXCONN) == 0)
		return fd;
	snprintf(err, errlen, "cannot listen on %s%s%s:%d: %s", v6 ? "[" : "", cfg->addr, v6 ? "]" : "",
		 cfg->port, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

// The port the listener got (the one asked for, or the kernel's pick for 0).
static int listen_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static double or_default(double v, double dflt)
{
	return v > 0 ? v : dflt;
}

// Frees what httpd_start made (the thread is not running).
static void httpd_free(struct httpd *h)
{
	for (size_t i = 0; h->conns && i < h->max_conns; i++)
		if (h->conns[i].state != CONN_FREE)
			conn_close(h, &h->conns[i]);
	page_release(h, h->page);
	if (h->listen_fd >= 0)
		close(h->listen_fd);
	if (h->wake_fd >= 0)
		close(h->wake_fd);
	pthread_mutex_destroy(&h->lock);
	free(h->conns);
	free(h->pfds);
	free(h->pfd_conn);
	free(h);
}

// h's settings from cfg, its defaults filled in.
static void httpd_configure(struct httpd *h, const struct httpd_config *cfg)
{
	double shortest;

	h->max_conns = cfg->max_conns ? cfg->max_conns : HTTPD_DEFAULT_MAX_CONNS;
	h->request_timeout = or_default(cfg->request_timeout_s, 10);
	h->idle_timeout = or_default(cfg->idle_timeout_s, 60);
	h->write_timeout = or_default(cfg->write_timeout_s, 30);
	shortest = h->request_timeout < h->idle_timeout ? h->request_timeout : h->idle_timeout;
	shortest = shortest < h->write_timeout ? shortest : h->write_timeout;
	// Timeouts fire within a quarter of the shortest one late (tests use short ones).
	h->tick_ms = shortest * 250 < TICK_MS ? (int)(shortest * 250) : TICK_MS;
	if (h->tick_ms < 10)
		h->tick_ms = 10;
}

// Starts the thread with every signal blocked (it inherits the mask); 0 or an errno.
static int httpd_spawn(struct httpd *h)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&h->thread, NULL, serve, h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

struct httpd *httpd_start(const struct httpd_config *cfg, char *err, size_t errlen)
{
	struct httpd *h = calloc(1, sizeof *h);
	int rc;

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->listen_fd = h->wake_fd = -1;
	pthread_mutex_init(&h->lock, NULL);
	httpd_configure(h, cfg);
	h->conns = calloc(h->max_conns, sizeof *h->conns);
	h->pfds = calloc(h->max_conns + 2, sizeof *h->pfds);
	h->pfd_conn = calloc(h->max_conns + 2, sizeof *h->pfd_conn);
	if (!h->conns || !h->pfds || !h->pfd_conn) {
		snprintf(err, errlen, "out of memory for %zu connections", h->max_conns);
		httpd_free(h);
		return NULL;
	}
	h->listen_fd = listen_open(cfg, err, errlen);
	if (h->listen_fd < 0) {
		httpd_free(h);
		return NULL;
	}
	h->port = listen_port(h->listen_fd);
	h->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	rc = h->wake_fd < 0 ? errno : httpd_spawn(h);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the metrics server: %s", strerror(rc));
		httpd_free(h);
		return NULL;
	}
	return h;
}

void httpd_publish(struct httpd *h, char *text, size_t text_len, char *openmetrics, size_t om_len)
{
	struct page *p = h ? malloc(sizeof *p) : NULL, *old;

	if (!p) {                            // the last page stays; these are ours to free
		free(text);
		free(openmetrics);
		return;
	}
	*p = (struct page){ 1, { text, openmetrics }, { text ? text_len : 0, openmetrics ? om_len : 0 } };
	pthread_mutex_lock(&h->lock);
	old = h->page;
	h->page = p;
	pthread_mutex_unlock(&h->lock);
	page_release(h, old);
}

int httpd_port(const struct httpd *h)
{
	return h ? h->port : -1;
}

void httpd_stats(struct httpd *h, struct httpd_stats *out)
{
	pthread_mutex_lock(&h->lock);
	*out = h->stats;
	pthread_mutex_unlock(&h->lock);
}

void httpd_stop(struct httpd *h)
{
	uint64_t one = 1;

	if (!h)
		return;
	// The eventfd counter cannot overflow from one write; the thread reads it as readable.
	if (write(h->wake_fd, &one, sizeof one) != (ssize_t)sizeof one)
		abort();                     // cannot happen with a fresh eventfd; a hang would be worse
	pthread_join(h->thread, NULL);
	httpd_free(h);
}
