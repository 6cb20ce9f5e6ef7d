#!/usr/bin/env python3
"""Integration tests of memtop's metrics outside Prometheus itself
(tests/integration/prometheus.py scrapes with the real server):

- -b -f prometheus and -f openmetrics print a scrape per sample that
  promtool check metrics accepts (the text format; OpenMetrics ends each
  sample with "# EOF"), with a leaking workload suspected and a hostile
  name escaped;
- -o FILE is replaced whole at each sample: a reader polling it never sees
  half a sample; a file that cannot be written is said once, the run goes
  on, and the file is written again when it can be;
- --listen serves what -f prometheus prints, in either format by Accept;
  refuses a non-loopback address without --allow-remote, a port in use and
  a bad address with one line and status 2; --listen --screen serves while
  the screen runs (in tmux).

Each binary of MEMTOP_BINS (default: the sanitizer build and the release
build). Prints "N passed, N failed" last; exit status 1 when anything
failed.
"""
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from suite import run_for_binaries  # noqa: E402
from workload import Hold, Leaker  # noqa: E402

PROMTOOL = shutil.which("promtool")
SAMPLE_LINE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? '
                         r'[-+0-9.eEinfNa]+$')


def promtool_ok(text):
    """promtool check metrics on a text-format scrape: (ok, what it said)."""
    p = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    # It exits 1 for lint advice too (e.g. a counter without _total);
    # only a parse error is a failure here, and memtop has no lint either.
    return p.returncode == 0, p.stdout + p.stderr


def samples(text):
    """The sample lines of one scrape, each checked against the grammar."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        assert SAMPLE_LINE.match(line), line
        name_labels, value = line.rsplit(" ", 1)
        out[name_labels] = float(value)
    return out


def run(memtop, args, timeout=60, env=None):
    p = subprocess.run([memtop] + args, capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, **(env or {})))
    return p.returncode, p.stdout, p.stderr


def test_batch_formats(memtop):
    """A leaker is suspected in the scrape; both formats parse; a hostile
    comm is escaped as the screen escapes it."""
    with Leaker("linear", "--rate", "2048") as leaker, Hold(4, comm=b'ev"il\\n\x1b') as odd:
        rc, out, err = run(memtop, ["-b", "-f", "prometheus", "-d", "0.1", "-n", "60", "-p",
                                    "%d,%d" % (leaker.pid, odd.pid)], env={"MEMTOP_CLOCK_SCALE": "8"})
        assert rc == 0 and err == "", (rc, err)
        scrapes = out.split("# HELP memtop_build_info ")[1:]
        assert len(scrapes) == 60, len(scrapes)
        last = "# HELP memtop_build_info " + scrapes[-1]
        ok, said = promtool_ok(last)
        assert ok, said
        s = samples(last)
        key = 'memtop_leak_suspected{pid="%d",comm="leaker",cgroup=' % leaker.pid
        suspected = [v for k, v in s.items() if k.startswith(key)]
        assert suspected == [1.0], (suspected, [k for k in s if "leak_suspected" in k])
        # The sanitiser makes ev"il\n<ESC> into ev"il\\n\e; the format
        # escapes the quote and both backslashes.
        assert any('comm="ev\\"il\\\\\\\\n\\\\e"' in k for k in s), [k for k in s if str(odd.pid) in k]
        rate = [v for k, v in s.items() if k.startswith('memtop_process_growth_bytes_per_second{pid="%d"'
                                                        % leaker.pid)]
        # 2 MiB a second of real time; memtop's clock runs 8 times faster.
        assert rate and 0.8 * 2048 * 1024 / 8 < rate[0] < 1.25 * 2048 * 1024 / 8, rate
        rc, out, err = run(memtop, ["-b", "-f", "openmetrics", "-n", "3", "-d", "0.1"])
        assert rc == 0 and err == "", (rc, err)
        assert out.count("# EOF\n") == 3 and out.endswith("# EOF\n")
        assert "# TYPE memtop_leak_suspected gauge" in out and "# TYPE memtop_build info" in out


def test_output_file_replaced_whole(memtop):
    """-o: a reader polling the file sees one whole sample each time; an
    unwritable file is said once, the run goes on, and recovers."""
    d = tempfile.mkdtemp(prefix="memtop-metrics-")
    try:
        path = os.path.join(d, "memtop.prom")
        p = subprocess.Popen([memtop, "-b", "-f", "openmetrics", "-o", path, "-d", "0.1", "-n", "30"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        reads = 0
        while p.poll() is None:
            try:
                with open(path) as f:
                    text = f.read()
            except FileNotFoundError:
                continue
            reads += 1
            assert text.endswith("# EOF\n") and text.count("# EOF") == 1, text[-200:]
        out, err = p.communicate()
        assert p.returncode == 0 and out == "" and err == "", (p.returncode, out, err)
        assert reads > 20, reads
        assert not os.path.exists(path + ".tmp")
        # A folder that is not there yet: each write fails, said once; then
        # it is made, and the file is written again.
        folder = os.path.join(d, "later")
        bad = os.path.join(folder, "m.prom")
        p = subprocess.Popen([memtop, "-b", "-f", "prometheus", "-o", bad, "-d", "0.1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)                         # a few failed samples; then the folder
        os.mkdir(folder)
        deadline = time.monotonic() + 10
        while not os.path.isfile(bad) and time.monotonic() < deadline:
            time.sleep(0.05)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=10)
        assert p.returncode == 0, (p.returncode, err)
        lines = err.splitlines()
        assert len(lines) == 2 and "cannot write %s: No such file or directory" % bad in lines[0] \
            and lines[1] == "memtop: %s written again" % bad, err
        assert os.path.isfile(bad)
        # Never replaced: a device, a link. A link left at FILE.tmp is not
        # followed: its target stays as it was.
        for target in ("/dev/null", os.path.join(d, "link.prom")):
            if target != "/dev/null":
                os.symlink(path, target)
            rc, out, err = run(memtop, ["-b", "-f", "prometheus", "-o", target, "-n", "1"])
            assert rc == 2 and "not a regular file" in err and err.count("\n") == 1, (rc, err)
        assert os.path.realpath("/dev/null") == "/dev/null" and not os.path.isfile("/dev/null")
        victim = os.path.join(d, "victim")
        with open(victim, "w") as f:
            f.write("keep\n")
        os.symlink(victim, path + ".tmp")
        rc, out, err = run(memtop, ["-b", "-f", "prometheus", "-o", path, "-n", "1"])
        assert rc == 0 and err == "", (rc, err)
        with open(victim) as f:
            assert f.read() == "keep\n"
        assert not os.path.lexists(path + ".tmp")
    finally:
        shutil.rmtree(d, ignore_errors=True)


class Server:
    """memtop --listen on a free loopback port; stopped by pid."""

    def __init__(self, memtop, args):
        self.p = subprocess.Popen([memtop, "--listen", "127.0.0.1:0"] + args, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        line = self.p.stderr.readline()
        m = re.match(r"memtop: serving metrics on http://127\.0\.0\.1:(\d+)/metrics$", line.strip())
        if not m:
            self.stop()
            raise AssertionError("no URL on stderr: %r" % line)
        self.port = int(m.group(1))

    def get(self, path="/metrics", accept=None, method="GET"):
        deadline = time.monotonic() + 20
        while True:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            c.request(method, path, headers={"Accept": accept} if accept else {})
            r = c.getresponse()
            body = r.read().decode()
            c.close()
            if r.status != 503 or time.monotonic() > deadline:
                return r.status, r.getheader("Content-Type"), body
            time.sleep(0.1)                     # no sample yet

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        err = self.p.stderr.read()
        self.p.stdout.close()
        self.p.stderr.close()
        return self.p.returncode, err


def test_listen_serves_both_formats(memtop):
    s = Server(memtop, ["-d", "0.2", "--export-top", "3"])
    try:
        status, ctype, text = s.get()
        assert status == 200 and ctype == "text/plain; version=0.0.4; charset=utf-8", (status, ctype)
        ok, said = promtool_ok(text)
        assert ok, said
        assert len([k for k in samples(text) if k.startswith("memtop_process_resident_bytes{")]) >= 3
        assert "memtop_oom_kills_total " in text              # the endpoint reads the counter
        status, ctype, om = s.get(accept="application/openmetrics-text;version=1.0.0,text/plain;"
                                  "version=0.0.4;q=0.5,*/*;q=0.1")
        assert status == 200 and ctype.startswith("application/openmetrics-text; version=1.0.0"), ctype
        assert om.endswith("# EOF\n")
        status, _, _ = s.get("/nope")
        assert status == 404
        status, _, page = s.get("/")
        assert status == 200 and 'href="/metrics"' in page
        status, _, _ = s.get(method="POST")
        assert status == 405
    finally:
        rc, err = s.stop()
    assert rc == 0 and "ERROR" not in err and "runtime error" not in err, (rc, err)


def test_listen_refusals(memtop):
    """Beyond loopback without --allow-remote, a port in use, an address
    that is not this machine's: one line, status 2, before any sampling."""
    rc, out, err = run(memtop, ["--listen", "0.0.0.0:0"])
    assert rc == 2 and "--allow-remote" in err and err.count("\n") == 1, (rc, err)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        rc, out, err = run(memtop, ["--listen", "127.0.0.1:%d" % busy.getsockname()[1]])
        assert rc == 2 and "Address already in use" in err and err.count("\n") == 1, (rc, err)
    finally:
        busy.close()
    rc, out, err = run(memtop, ["--listen", "192.0.2.1:0", "--allow-remote"])
    assert rc == 2 and err.count("\n") == 1 and "192.0.2.1" in err, (rc, err)
    rc, out, err = run(memtop, ["--listen", "not-an-address:1"])
    assert rc == 2 and err.count("\n") == 1, (rc, err)


def test_listen_beside_the_screen(memtop):
    """--listen --screen: the screen in tmux, the endpoint answering."""
    session = "memtop-metrics-%d" % os.getpid()
    log = tempfile.NamedTemporaryFile(prefix="memtop-listen-", delete=False)
    log.close()
    try:
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "30",
                        "%s --listen 127.0.0.1:0 --screen -d 0.3 2>%s" % (memtop, log.name)], check=True)
        deadline = time.monotonic() + 20
        port = None
        while port is None and time.monotonic() < deadline:
            with open(log.name) as f:
                m = re.search(r"http://127\.0\.0\.1:(\d+)/metrics", f.read())
            port = m and int(m.group(1))
            time.sleep(0.1)
        assert port, "no URL"
        screen = ""
        while "PID" not in screen and time.monotonic() < deadline:
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True,
                                    text=True).stdout
            time.sleep(0.1)
        assert "PID" in screen, screen
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/metrics")
        r = c.getresponse()
        body = r.read().decode()
        assert r.status == 200 and "memtop_processes " in body, r.status
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
        while subprocess.run(["tmux", "has-session", "-t", session], capture_output=True).returncode == 0 \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        with open(log.name) as f:
            err = f.read()
        assert "ERROR" not in err and "runtime error" not in err, err
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        os.unlink(log.name)


TESTS = [test_batch_formats, test_output_file_replaced_whole, test_listen_serves_both_formats,
         test_listen_refusals, test_listen_beside_the_screen]


def main():
    assert PROMTOOL, "promtool is missing: make check installs the prometheus package"
    return run_for_binaries("metrics", TESTS, sys.argv[1:], ROOT)


if __name__ == "__main__":
    sys.exit(main())
