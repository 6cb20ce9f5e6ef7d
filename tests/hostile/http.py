#!/usr/bin/env python3
"""The metrics endpoint under abuse (src/export/httpd.h): every client on
127.0.0.1 against the real binary, `memtop -b -f json -d 0.25 --listen
127.0.0.1:0 --export-top 1000`, one run per binary of MEMTOP_BINS (default:
the sanitizer build build/asan/memtop, the stricter of the two: it is slower
to keep its interval and sees what goes wrong in memory; the slowloris case
alone takes 12 s, so make check does not run all of it twice — MEMTOP_BINS=
"build/asan/memtop memtop" runs the release build too) through all the cases:

- many_connections: CONNS (1,000) connections at once, held open, half of
  them with half a request, then a second wave (RLIMIT_NOFILE raised here);
- slowloris: SLOW_CLIENTS clients (fewer than the limit, so none is
  evicted) trickling a header a byte a second, reconnecting when dropped:
  every first one is dropped at the request timeout (10 s) of its first
  byte, none later than a second after it;
- huge_request_line: clients sending a 1 MiB request line: 414, then closed;
- garbage: connections of random bytes: a 4xx or 505 answer, then closed;
- http09: "GET /metrics\\r\\n": 400, then closed;
- pipelined: PIPELINE requests in one write (GET and HEAD, both formats):
  every answer, in order, each page valid, the last closing;
- never_read: STUCK clients (fewer than the connection limit) each send
  STUCK_PIPELINE requests for the page and never read, so the server's
  answers fill both socket buffers and wait there.

During each case memtop must keep sampling on time (no gap above MAX_GAP_S
between the JSON lines' "time"), a well-behaved client (a new connection,
"Connection: close", alternately the text format and OpenMetrics) must get
a 200 and a valid page within SCRAPE_S every SCRAPE_EVERY_S (at least half
of them must have happened: a server that stalls holds them up), memtop's open
descriptors must stay within MAX_CONNS + FD_SLACK of what it had before the
case, and its VmRSS within RSS_SLACK_MIB of its start. After all of them
memtop must end with status 0 on SIGTERM and print nothing on stderr but its
"serving metrics" line (a sanitizer report fails it).

Every case is bounded in connections and seconds. Prints "ok NAME" or
"FAIL NAME" per case and binary, then "N passed, N failed"; exit status 1
when anything failed.
"""
import json
import os
import random
import re
import resource
import select
import signal
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from suite import finish, require, run_tests  # noqa: E402

DEFAULT_BINS = os.path.join(ROOT, "build/asan/memtop")
BINS = os.environ.get("MEMTOP_BINS", DEFAULT_BINS).split()
# ASan keeps freed memory in a quarantine of 256 MiB by default: every page
# memtop publishes goes through it, which would look like growth.
ASAN_OPTIONS = "quarantine_size_mb=8:detect_leaks=1:abort_on_error=0"

MAX_CONNS = 64               # HTTPD_DEFAULT_MAX_CONNS: memtop --listen's limit
REQUEST_TIMEOUT_S = 10.0     # the server's default request timeout
TICK_S = 0.25
MAX_GAP_S = 1.0              # the longest allowed between two samples
SOCKET_SLACK = 2             # the listener, and a connection accepted before its eviction
FD_SLACK = 16                # and the files the sampler opens for a moment
RSS_SLACK_MIB = 64
SCRAPE_S = 2.0               # a well-behaved scrape's bound (it takes milliseconds), below CASE_S
SCRAPE_EVERY_S = 0.5
START_S = 20.0               # memtop's start (the sanitizer build is slower)

CONNS = 1000
SLOW_CLIENTS = 48            # fewer than MAX_CONNS: not evicted, so the timeout must drop them
SLOW_S = 12.0
HUGE_CLIENTS = 8
GARBAGE_CLIENTS = 50
PIPELINE = 200
STUCK = 16
STUCK_PIPELINE = 400
CASE_S = 4.0                 # how long the held cases hold
MIN_WATCH_S = 2.0            # how long every case is watched at least


# --- memtop ---------------------------------------------------------------------------

class Memtop:
    """memtop serving metrics; its JSON lines' "time" and stderr collected by threads."""

    def __init__(self, binary):
        env = dict(os.environ, ASAN_OPTIONS=ASAN_OPTIONS)
        self.proc = subprocess.Popen(
            [binary, "-b", "-f", "json", "-d", str(TICK_S), "--listen", "127.0.0.1:0",
             "--export-top", "1000"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.pid = self.proc.pid
        self.times = []          # (the sample's "time", when its line arrived)
        self.stderr = []
        self.lock = threading.Lock()
        self.port_seen = threading.Event()
        self.port = None
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        if not self.port_seen.wait(START_S) or self.port is None:
            self.kill()
            raise AssertionError("no 'serving metrics' line within %.0f s: %r" % (START_S, self.stderr))

    def _read_stdout(self):
        for line in self.proc.stdout:
            tick = json.loads(line)
            with self.lock:
                self.times.append((tick["time"], time.monotonic()))

    def _read_stderr(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self.lock:
                self.stderr.append(line)
            m = re.fullmatch(r"memtop: serving metrics on http://127\.0\.0\.1:(\d+)/metrics", line)
            if m and self.port is None:
                self.port = int(m.group(1))
            self.port_seen.set()

    def fds(self):
        """(descriptors open, of them sockets)."""
        folder = "/proc/%d/fd" % self.pid
        total = sockets = 0
        for fd in os.listdir(folder):
            total += 1
            try:
                sockets += os.readlink(os.path.join(folder, fd)).startswith("socket:")
            except OSError:
                pass         # closed meanwhile
        return total, sockets

    def rss_kib(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS for memtop")

    def ticks_since(self, since):
        with self.lock:
            return [t for t, arrived in self.times if arrived >= since]

    def stop(self):
        """SIGTERM; returns (status, stderr lines)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("memtop did not end within 30 s of SIGTERM")
        time.sleep(0.1)  # lets the reader threads take the last lines (not an assertion)
        with self.lock:
            return status, list(self.stderr)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


# --- clients --------------------------------------------------------------------------

def connect(port, timeout=SCRAPE_S):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s


def read_until_eof(s, deadline):
    """Everything s receives until the server closes (or resets) or deadline; (data, closed)."""
    data = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return data, False
        s.settimeout(left)
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            return data, False
        except ConnectionResetError:
            return data, True
        if not chunk:
            return data, True
        data += chunk


def split_response(data, head_only=False):
    """(status, headers dict (lower-case names), body, rest) of the first response in data."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        raise AssertionError("no whole response head in %r" % data[:200])
    lines = data[:end].decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    if not lines[0].startswith("HTTP/1.1 "):
        raise AssertionError("bad status line %r" % lines[0])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = 0 if head_only else int(headers["content-length"])
    body = data[end + 4:end + 4 + length]
    if len(body) != length:
        raise AssertionError("a body of %d bytes, %d said" % (len(body), length))
    return status, headers, body, data[end + 4 + length:]


METRIC_LINE = re.compile(rb'[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [^ ]+( [^ ]+)?')


def check_page(headers, body, om):
    """A valid page of the format: its type, lines of metrics and comments, OpenMetrics' # EOF."""
    want = ("application/openmetrics-text; version=1.0.0; charset=utf-8" if om
            else "text/plain; version=0.0.4; charset=utf-8")
    if headers.get("content-type") != want:
        raise AssertionError("Content-Type %r, expected %r" % (headers.get("content-type"), want))
    if not body.endswith(b"\n") or b"memtop_build_info" not in body:
        raise AssertionError("not a memtop page: %r" % body[-200:])
    lines = body.rstrip(b"\n").split(b"\n")
    if om and lines[-1] != b"# EOF":
        raise AssertionError("OpenMetrics page without # EOF at its end")
    for line in lines:
        if not line.startswith(b"#") and not METRIC_LINE.fullmatch(line):
            raise AssertionError("not a metric line: %r" % line[:200])


def scrape(port, om):
    """A well-behaved scrape: a 200 and a valid page within SCRAPE_S, or an AssertionError."""
    deadline = time.monotonic() + SCRAPE_S
    accept = ("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
              if om else "text/plain;version=0.0.4")
    try:
        with connect(port) as s:
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: %s\r\n"
                      b"Connection: close\r\n\r\n" % accept.encode())
            data, closed = read_until_eof(s, deadline)
    except OSError as e:
        raise AssertionError("scrape: %s" % e) from None
    if not closed:
        raise AssertionError("scrape: no whole answer within %.0f s (%d bytes)" % (SCRAPE_S, len(data)))
    status, headers, body, rest = split_response(data)
    if status != 200 or rest:
        raise AssertionError("scrape: status %d, %d bytes after the page" % (status, len(rest)))
    check_page(headers, body, om)


def wait_first_page(memtop):
    """Waits (up to START_S) for the 503 before the first tick to become a page."""
    deadline = time.monotonic() + START_S
    while True:
        try:
            return scrape(memtop.port, False)
        except AssertionError as e:
            if "status 503" not in str(e) or time.monotonic() > deadline:
                raise
        time.sleep(0.05)     # a polling step: the page comes with the first tick


# --- watching memtop while a case runs ------------------------------------------------

class Watch:
    """Scrapes, counts descriptors and RSS while a case runs (a thread);
    check() says what went wrong."""

    def __init__(self, memtop, rss_start_kib):
        self.memtop = memtop
        self.rss_start = rss_start_kib
        self.fds_start = memtop.fds()[0]
        self.start = time.monotonic()
        self.stop_flag = threading.Event()
        self.problems = []
        self.scrapes = 0
        self.max_fds = self.fds_start
        self.max_sockets = 0
        self.max_rss = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        om = False
        while not self.stop_flag.is_set():
            began = time.monotonic()
            self._measure()
            try:
                scrape(self.memtop.port, om)
                self.scrapes += 1
            except AssertionError as e:
                self.problems.append(str(e))
            om = not om
            self._measure()
            self.stop_flag.wait(max(0.0, SCRAPE_EVERY_S - (time.monotonic() - began)))

    def _measure(self):
        try:
            fds, sockets = self.memtop.fds()
            self.max_fds = max(self.max_fds, fds)
            self.max_sockets = max(self.max_sockets, sockets)
            self.max_rss = max(self.max_rss, self.memtop.rss_kib())
        except FileNotFoundError:
            self.problems.append("memtop is gone")

    def check(self):
        self.stop_flag.set()
        self.thread.join()
        ticks = self.memtop.ticks_since(self.start)
        elapsed = time.monotonic() - self.start
        problems = list(self.problems)
        if self.scrapes < elapsed / SCRAPE_EVERY_S / 2:
            problems.append("%d scrapes in %.1f s, one every %.1f s asked" % (self.scrapes, elapsed, SCRAPE_EVERY_S))
        if len(ticks) < elapsed / TICK_S / 2:
            problems.append("%d samples in %.1f s at %.2f s" % (len(ticks), elapsed, TICK_S))
        gaps = [b - a for a, b in zip(ticks, ticks[1:])]
        if gaps and max(gaps) > MAX_GAP_S:
            problems.append("a gap of %.2f s between samples" % max(gaps))
        if self.max_sockets > MAX_CONNS + SOCKET_SLACK:
            problems.append("%d sockets open" % self.max_sockets)
        if self.max_fds > self.fds_start + MAX_CONNS + FD_SLACK:
            problems.append("%d descriptors open, %d before" % (self.max_fds, self.fds_start))
        if self.max_rss > self.rss_start + RSS_SLACK_MIB * 1024:
            problems.append("VmRSS %d KiB, %d KiB at the start" % (self.max_rss, self.rss_start))
        if problems:
            raise AssertionError("; ".join(problems[:5]))
        print("     %d scrapes, %d samples (longest gap %.2f s), at most %d fds (%d before, "
              "%d sockets), VmRSS at most %d MiB" % (self.scrapes, len(ticks), max(gaps) if gaps else 0,
                                                    self.max_fds, self.fds_start, self.max_sockets,
                                                    self.max_rss // 1024))


def watched(memtop, rss_start, case):
    """Runs case(port) under a Watch; both must pass."""
    watch = Watch(memtop, rss_start)
    try:
        case(memtop.port)
        # A quick case is watched for MIN_WATCH_S all the same: what it did may show later.
        time.sleep(max(0.0, watch.start + MIN_WATCH_S - time.monotonic()))
    finally:
        watch.check()


# --- the cases ------------------------------------------------------------------------

def open_many(port, n):
    """n connections, non-blocking connects all in flight at once; returns those that connected."""
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
    deadline = time.monotonic() + 10
    pending = {s.fileno(): s for s in socks}
    while pending and time.monotonic() < deadline:
        poller = select.poll()
        for fd in pending:
            poller.register(fd, select.POLLOUT)
        for fd, _ in poller.poll(1000):
            pending.pop(fd, None)
    return socks


def close_all(socks):
    for s in socks:
        s.close()


def case_many_connections(port):
    first = open_many(port, CONNS)
    try:
        for s in first[::2]:
            try:
                s.send(b"GET /metrics HTTP/1.1\r\nHost:")
            except OSError:
                pass         # evicted already
        time.sleep(CASE_S / 2)  # holds the connections (the watch asserts meanwhile)
        second = open_many(port, CONNS // 2)
        time.sleep(CASE_S / 2)
        close_all(second)
    finally:
        close_all(first)


def case_slowloris(port):
    """SLOW_CLIENTS trickle a request a byte a second for SLOW_S; each
    connection must end within the request timeout of its first byte."""
    request = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000
    conns = {}               # socket -> (first byte's time, bytes sent)
    lifetimes = []
    end = time.monotonic() + SLOW_S
    next_byte = time.monotonic()
    while time.monotonic() < end:
        while len(conns) < SLOW_CLIENTS:
            try:
                conns[connect(port, 1.0)] = [None, 0]
            except OSError:
                break
        if time.monotonic() >= next_byte:
            next_byte += 1.0
            for s, state in list(conns.items()):
                try:
                    s.send(request[state[1]:state[1] + 1])
                    if state[0] is None:
                        state[0] = time.monotonic()
                    state[1] += 1
                except OSError:
                    pass     # dropped: seen as readable below
        poller = select.poll()
        by_fd = {s.fileno(): s for s in conns}
        for fd in by_fd:
            poller.register(fd, select.POLLIN)
        for fd, _ in poller.poll(100):
            s = by_fd[fd]
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if data:
                raise AssertionError("a slow client got an answer: %r" % data[:100])
            if conns[s][0] is not None:
                lifetimes.append(time.monotonic() - conns[s][0])
            s.close()
            del conns[s]
    close_all(conns)
    timed_out = [t for t in lifetimes if t >= REQUEST_TIMEOUT_S - 1.0]
    if lifetimes and max(lifetimes) > REQUEST_TIMEOUT_S + 1.0:
        raise AssertionError("a slow request lived %.1f s" % max(lifetimes))
    if len(timed_out) < SLOW_CLIENTS:
        raise AssertionError("%d of the first %d slow requests dropped at the timeout (lifetimes %s)" %
                             (len(timed_out), SLOW_CLIENTS, sorted(lifetimes)[:10]))
    print("     %d slow connections dropped, the longest after %.1f s" %
          (len(lifetimes), max(lifetimes) if lifetimes else 0))


def expect_refusal(port, payload, statuses):
    """Sends payload on a connection; the answer must be one of statuses, then the connection closed."""
    with connect(port) as s:
        try:
            s.sendall(payload)
        except OSError:
            pass             # the server answered and closed before all of it went
        data, closed = read_until_eof(s, time.monotonic() + SCRAPE_S)
    if not closed:
        raise AssertionError("not closed after %r..." % payload[:40])
    status, headers, _, _ = split_response(data)
    if status not in statuses or headers.get("connection") != "close":
        raise AssertionError("status %d (%s) for %r..., expected %s" %
                             (status, headers.get("connection"), payload[:40], statuses))


def in_threads(n, fn):
    """Runs fn(i) in n threads; raises the first failure."""
    errors = []

    def run(i):
        try:
            fn(i)
        except Exception as e:  # noqa: BLE001 — reported below
            errors.append(e)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise AssertionError("%d of %d failed, first: %s" % (len(errors), n, errors[0]))


def case_huge_request_line(port):
    line = b"GET /" + b"a" * (1 << 20) + b" HTTP/1.1\r\n\r\n"
    in_threads(HUGE_CLIENTS, lambda i: expect_refusal(port, line, (414,)))


def case_garbage(port):
    rng = random.Random(1234)
    payloads = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096))) + b"\r\n\r\n"
                for _ in range(GARBAGE_CLIENTS)]
    in_threads(GARBAGE_CLIENTS, lambda i: expect_refusal(port, payloads[i], (400, 405, 414, 431, 505)))


def case_http09(port):
    in_threads(10, lambda i: expect_refusal(port, b"GET /metrics\r\n", (400,)))


def case_pipelined(port):
    kinds = [(b"GET", False), (b"HEAD", False), (b"GET", True)]
    reqs = []
    for i in range(PIPELINE):
        method, om = kinds[i % len(kinds)]
        accept = b"application/openmetrics-text" if om else b"text/plain"
        last = b"Connection: close\r\n" if i == PIPELINE - 1 else b""
        reqs.append(b"%s /metrics HTTP/1.1\r\nAccept: %s\r\n%s\r\n" % (method, accept, last))
    with connect(port) as s:
        s.sendall(b"".join(reqs))
        data, closed = read_until_eof(s, time.monotonic() + 30)
    if not closed:
        raise AssertionError("the pipeline's last request did not close")
    for i in range(PIPELINE):
        method, om = kinds[i % len(kinds)]
        status, headers, body, data = split_response(data, head_only=method == b"HEAD")
        if status != 200:
            raise AssertionError("answer %d: status %d" % (i, status))
        if method == b"GET":
            check_page(headers, body, om)
    if data:
        raise AssertionError("%d bytes after the last answer" % len(data))


def case_never_read(port):
    request = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * STUCK_PIPELINE
    stuck = []
    try:
        for _ in range(STUCK):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", port))
            s.sendall(request)
            stuck.append(s)
        time.sleep(CASE_S)   # the server's answers pile up against them (the watch asserts meanwhile)
    finally:
        close_all(stuck)


CASES = [case_many_connections, case_slowloris, case_huge_request_line, case_garbage, case_http09,
         case_pipelined, case_never_read]


# --- the run --------------------------------------------------------------------------

def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = CONNS * 2 + 256
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard) if hard != resource.RLIM_INFINITY
                                                    else want, hard))


def tests_for(binary, state):
    """The cases on one memtop run of binary (started by the first, stopped by the last)."""
    label = "asan" if "/asan/" in binary else os.path.basename(binary)

    def start():
        state["memtop"] = Memtop(binary)
        wait_first_page(state["memtop"])
        state["rss"] = state["memtop"].rss_kib()
    start.__name__ = "%s_start" % label

    def make(case):
        def test():
            if "memtop" not in state:
                raise AssertionError("memtop did not start")
            watched(state["memtop"], state["rss"], case)
        test.__name__ = "%s_%s" % (label, case.__name__[5:])
        return test

    def stop():
        memtop = state.pop("memtop", None)
        if memtop is None:
            raise AssertionError("memtop did not start")
        status, stderr = memtop.stop()
        others = [line for line in stderr if not line.startswith("memtop: serving metrics on ")]
        if status != 0 or others:
            raise AssertionError("status %d, stderr:\n%s" % (status, "\n".join(others[:40])))
    stop.__name__ = "%s_sigterm" % label
    return [start] + [make(c) for c in CASES] + [stop]


def main():
    if not require(BINS, "memtop build/asan/memtop"):
        return 1
    raise_fd_limit()
    start = time.monotonic()
    passed = failed = 0
    for binary in BINS:
        state = {}
        try:
            p, f = run_tests(tests_for(binary, state), lambda test: test(), sys.argv[1:])
        finally:
            if "memtop" in state:
                state["memtop"].kill()
        passed += p
        failed += f
    return finish("hostile http", start, passed, failed)


if __name__ == "__main__":
    sys.exit(main())
