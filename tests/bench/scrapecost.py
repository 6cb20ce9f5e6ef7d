#!/usr/bin/env python3
"""The cost of the metrics endpoint (issue 20): CPU per scrape at 2,000
processes, side by side with a memtop that nobody scrapes.

    scrapecost.py [--count N] [--seconds S] [--rate R] [--top K] [--interval D]

Starts COUNT idle processes (build/bench/idlers, default 2,000), then three
memtops at once, each `memtop --listen 127.0.0.1:0 -d INTERVAL`:

  quiet     --export-top TOP (default 10), never scraped
  scraped   --export-top TOP, scraped RATE times a second (default 10) over
            one keep-alive connection, Prometheus's Accept header
  worst     --export-top 1000 (every process's series), scraped as often

for SECONDS (default 30), and reads each one's CPU per thread
(/proc/PID/task/TID/stat: the sampling thread and the server thread)
before and after. Prints, per memtop: CPU per refresh of the sampling
thread (sampling, the model, and rendering both formats of the page), CPU
of the server thread per scrape, the page's size, and the whole process's
CPU per scrape over the quiet one's (what a scrape costs in all). The
target: one scrape at 2,000 processes <= 5 ms CPU.
"""
import argparse
import http.client
import os
import re
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEMTOP = os.path.join(ROOT, "memtop")
IDLERS = os.path.join(ROOT, "build", "bench", "idlers")
TICK = os.sysconf("SC_CLK_TCK")
ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
          "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")


def thread_cpu(pid):
    """{tid: seconds of CPU (user + system)} of a process's threads."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        out[int(tid)] = (int(fields[11]) + int(fields[12])) / TICK
    return out


class Memtop:
    def __init__(self, name, args):
        self.name = name
        self.p = subprocess.Popen([MEMTOP, "--listen", "127.0.0.1:0"] + args, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        m = re.search(r":(\d+)/metrics", self.p.stderr.readline())
        assert m, "%s: no URL" % name
        self.port = int(m.group(1))
        self.scrapes, self.bytes = 0, 0
        self.conn = None

    def scrape(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        self.conn.request("GET", "/metrics", headers={"Accept": ACCEPT})
        r = self.conn.getresponse()
        body = r.read()
        if r.status == 200:
            self.scrapes += 1
            self.bytes = len(body)
        return r.status

    def stop(self):
        if self.conn:
            self.conn.close()
        self.p.send_signal(signal.SIGTERM)
        self.p.wait(10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--rate", type=float, default=10)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--interval", type=float, default=1.0)
    a = ap.parse_args()
    for path in (MEMTOP, IDLERS):
        if not os.access(path, os.X_OK):
            sys.exit("scrapecost: %s is missing (make memtop build/bench/idlers)" % path)
    idlers = subprocess.Popen([IDLERS, str(a.count)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert idlers.stdout.readline().startswith("ready ")
    runs = []
    try:
        common = ["-d", str(a.interval)]
        runs = [Memtop("quiet", common + ["--export-top", str(a.top)]),
                Memtop("scraped", common + ["--export-top", str(a.top)]),
                Memtop("worst", common + ["--export-top", "1000"])]
        # Until each has a page: the first sample lists every process.
        for m in runs[1:]:
            while m.scrape() != 200:
                time.sleep(0.05)
        time.sleep(2 * a.interval)
        before = {m.name: thread_cpu(m.p.pid) for m in runs}
        for m in runs:
            m.scrapes = 0
        start = time.monotonic()
        step = 1.0 / a.rate
        nxt = start
        while time.monotonic() - start < a.seconds:
            for m in runs[1:]:
                m.scrape()
            nxt += step
            time.sleep(max(0.0, nxt - time.monotonic()))
        elapsed = time.monotonic() - start
        after = {m.name: thread_cpu(m.p.pid) for m in runs}
    finally:
        for m in runs:
            m.stop()
        idlers.stdin.close()
        idlers.wait(30)
    ticks = elapsed / a.interval
    total = {}
    print("scrapecost: %d processes, %.0f s, -d %g, %g scrapes/s" % (a.count, elapsed, a.interval, a.rate))
    for m in runs:
        b, e = before[m.name], after[m.name]
        main_cpu = e[m.p.pid] - b.get(m.p.pid, 0)
        server = sum(e[t] - b.get(t, 0) for t in e if t != m.p.pid)
        total[m.name] = main_cpu + server
        line = "  %-8s sampling thread %6.2f ms/refresh" % (m.name, 1000 * main_cpu / ticks)
        if m.scrapes:
            line += ", server thread %5.3f ms/scrape (%d scrapes, page %d bytes)" % (
                1000 * server / m.scrapes, m.scrapes, m.bytes)
        else:
            line += ", server thread %5.3f ms in all (never scraped)" % (1000 * server)
        print(line)
    for name in ("scraped", "worst"):
        m = [r for r in runs if r.name == name][0]
        extra = (total[name] - total["quiet"]) / max(m.scrapes, 1)
        print("  %-8s whole process over quiet: %+.3f ms CPU per scrape (target <= 5 ms)" % (name, 1000 * extra))
    print("  (CPU from /proc/PID/task/TID/stat, in clock ticks of %.0f ms: short runs are coarse)" % (1000 / TICK))


if __name__ == "__main__":
    main()
