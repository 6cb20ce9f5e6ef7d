/* httpd.h — the metrics endpoint's HTTP/1.x server: one thread of its own,
 * serving the pages the main loop publishes after each tick.
 *
 * Why a thread: the sampler, the screen and the recorder must never wait on
 * a client (a slow one, a hostile one, a thousand of them). The server
 * thread does non-blocking socket I/O with poll(); the main thread only
 * hands it finished pages (httpd_publish: a pointer swap under a mutex).
 *
 * What it serves: GET or HEAD of /metrics (a query string is ignored): the
 * last published page, in OpenMetrics when the Accept header asks for
 * application/openmetrics-text (with a q above 0), else in the Prometheus
 * text format 0.0.4; 503 until a page is published. GET or HEAD of /: a
 * short HTML page linking to /metrics. Any other path: 404; any other
 * method: 405 (with Allow: GET, HEAD). A request it cannot parse: 400; a
 * request line or headers longer than HTTPD_REQUEST_MAX: 431 (414 when the
 * request line alone is); HTTP/0.9 (no version) and versions other than
 * 1.0 and 1.1: 400 / 505. Then the connection is closed. HTTP/1.1 keeps
 * the connection open unless the client says "Connection: close"; 1.0 closes
 * unless it says keep-alive. Pipelined requests are answered in order. A
 * request body is not read (none of these methods has one): a request with
 * Content-Length above 0 or Transfer-Encoding is answered and the connection
 * closed.
 *
 * Bounds (what no client can exceed): at most cfg.max_conns connections
 * (when full, a new one evicts the connection that has waited longest for
 * its request to finish arriving; if none is waiting, the one writing to a
 * client that has taken nothing for longest, if for a second or more; else
 * the new one is closed at once); a request must arrive whole within cfg.request_timeout_s
 * of its first byte (slowloris), and a new connection's first byte within
 * as long; an idle keep-alive connection is closed after cfg.idle_timeout_s;
 * a response not taken within cfg.write_timeout_s (no byte sent for that
 * long: a client that never reads) is dropped. A connection answered with
 * "Connection: close" shuts its side and drains what the client still sends
 * for up to 2 s (2 MiB) before closing, so that the close does not reset
 * the answer away; such a connection is the first evicted. Memory: a fixed
 * buffer per connection (allocated at start), and the published pages they
 * still send (a reference each). No request reads a file, signals a process
 * or allocates.
 *
 * Contract: httpd_start binds and listens before returning (so a bad
 * address or a port in use is an error the caller reports at start-up);
 * it refuses an address that is not loopback (127.0.0.0/8, ::1) unless
 * cfg.allow_remote. Returns NULL with one line in err. httpd_publish takes
 * ownership of both buffers (malloc'd; either may be NULL: then 503 for that
 * format; with h NULL they are freed); pages already being sent stay valid
 * until sent, and the last reference frees them, in whichever thread. httpd_stop stops
 * the thread, closes every socket and frees everything; NULL is a no-op.
 * httpd_stats is for tests and benchmarks. SIGPIPE is never raised (sends
 * use MSG_NOSIGNAL); the thread blocks every signal, so signals reach the
 * main thread as before.
 */
#ifndef MEMTOP_HTTPD_H
#define MEMTOP_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTPD_REQUEST_MAX 8192     // request line + headers, bytes
#define HTTPD_DEFAULT_MAX_CONNS 64

struct httpd_config {
	const char *addr;          // numeric IPv4 or IPv6 address ("127.0.0.1", "::1", "0.0.0.0", "::")
	int port;                  // 1-65535; 0: any free port (tests: httpd_port tells which)
	bool allow_remote;         // serve on an address that is not loopback
	size_t max_conns;          // 0: HTTPD_DEFAULT_MAX_CONNS
	double request_timeout_s;  // 0: 10 s
	double idle_timeout_s;     // 0: 60 s
	double write_timeout_s;    // 0: 30 s
};

struct httpd_stats {
	uint64_t accepted, requests, evicted, timed_out, refused;   // since start
	size_t open_conns;                                          // now
};

struct httpd;

struct httpd *httpd_start(const struct httpd_config *cfg, char *err, size_t errlen);
void httpd_publish(struct httpd *h, char *text, size_t text_len, char *openmetrics, size_t om_len);
int httpd_port(const struct httpd *h);
void httpd_stats(struct httpd *h, struct httpd_stats *out);
void httpd_stop(struct httpd *h);

/* The request parser, pure (unit-tested and fuzzed on its own). Parses the
 * request at the start of buf[0..len): returns the bytes it takes (request
 * line and headers, through the blank line) and fills req; 0 when more
 * bytes are needed (and none of the limits is passed yet); -1 when the
 * request is malformed or too long, with req->status the status to answer
 * (400, 414, 431, 505). Header names are matched without regard to case;
 * obsolete line folding is malformed. */
enum httpd_method { HTTPD_GET, HTTPD_HEAD, HTTPD_OTHER };

struct httpd_request {
	enum httpd_method method;
	char path[256];            // the target up to '?' or '#'; cut targets are 414
	int minor;                 // HTTP/1.minor
	bool keep_alive;           // as the version and the Connection header say
	bool openmetrics;          // the Accept header asks for OpenMetrics
	bool has_body;             // Content-Length > 0 or Transfer-Encoding: close after
	int status;                // on -1: what to answer
};

long httpd_parse_request(const char *buf, size_t len, struct httpd_request *req);

#endif
