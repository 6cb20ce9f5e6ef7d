#!/usr/bin/env python3
"""replaybench.py - what reading a recording costs (issue 18), side by side
in one run:

1. History on start-up: 2,000 idle processes (build/bench/idlers) with a
   day of recorded past each (tests/tools/genrec --live-file --live-past, at
   5 s, a tenth of them growing slowly), then the time to memtop's first
   frame with --history and with --no-history, interleaved: batch (exec to
   exit of -b -n 1) and the screen in tmux (new-session to the first table
   on the pane). Target: the first frame within 250 ms with history.
2. A month: genrec's 30 days at 300 s with 2,000 processes (thinned by the
   recorder's policy); the time to the first frame of memtop -r (opened at
   the newest sample: the tick index, the processes there, the detectors
   seeded from two days of rollup), a jump to the first sample and back to
   the end (keypress to frame), and memtop --report over the whole month
   (wall time, peak RSS), with its progress line seen on a terminal.

Usage: replaybench.py [--repeat N] [--procs N]. Needs ./memtop,
build/bench/idlers and build/tools/genrec (make bench-replay builds them).
Everything is in a temporary directory, removed at the end; the idlers and
every memtop are stopped by pid.
"""
import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import tmuxserver  # noqa: E402

MEMTOP = os.path.join(ROOT, "memtop")
IDLERS = os.path.join(ROOT, "build", "bench", "idlers")
GENREC = os.path.join(ROOT, "build", "tools", "genrec")
TABLE_ROW = re.compile(r"^\s+\d+ \S+\s+\S+")


def start_idlers(n):
    p = subprocess.Popen([IDLERS, str(n)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    words = p.stdout.readline().split()
    assert words[:1] == ["ready"], words
    return p, [int(w) for w in words[2:]]


def identity(pid):
    with open("/proc/%d/stat" % pid) as f:
        start = f.read().rsplit(") ", 1)[1].split()[19]
    with open("/proc/%d/status" % pid) as f:
        anon = [int(line.split()[1]) for line in f if line.startswith("RssAnon:")][0]
    return start, anon


def genrec(args):
    t0 = time.monotonic()
    p = subprocess.run([GENREC] + args, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("genrec failed: %s" % p.stderr)
    return time.monotonic() - t0, p.stderr.strip()


def batch_first(args):
    t0 = time.monotonic()
    p = subprocess.run([MEMTOP, "-b", "-n", "1", "-f", "json"] + args, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    assert p.returncode == 0, p.stderr
    return time.monotonic() - t0


class Screens:
    """memtop screens in a private tmux server: the time to the first table."""

    def __init__(self):
        self.tmux = tmuxserver.PrivateTmux("memtop-replaybench", timeout=30)
        self.count = 0

    def first_frame(self, args, settle=None):
        """Seconds from new-session to a pane with the table's first row (and
        settle(lines) true); the session is left running and returned."""
        self.count += 1
        name = "b%d" % self.count
        t0 = time.monotonic()
        self.tmux.new_session(name, 120, 40, " ".join([MEMTOP] + args))
        while True:
            lines = self.tmux.run("capture-pane", "-p", "-t", name).split("\n")
            if any(TABLE_ROW.match(line) for line in lines) and (settle is None or settle(lines)):
                return time.monotonic() - t0, name
            if time.monotonic() - t0 > 120:
                raise SystemExit("no frame in 120 s:\n" + "\n".join(lines))
            time.sleep(0.002)

    def key_to(self, name, key, cond):
        t0 = time.monotonic()
        self.tmux.run("send-keys", "-t", name, key)
        while True:
            lines = self.tmux.run("capture-pane", "-p", "-t", name).split("\n")
            if cond(lines):
                return time.monotonic() - t0
            if time.monotonic() - t0 > 120:
                raise SystemExit("%s: no frame in 120 s:\n%s" % (key, "\n".join(lines)))
            time.sleep(0.002)

    def close(self, name):
        self.tmux.run("kill-session", "-t", name, check=False)

    def kill(self):
        self.tmux.kill()


def ms(values):
    return "%.0f ms (median of %d; %.0f-%.0f)" % (statistics.median(values) * 1000, len(values),
                                                 min(values) * 1000, max(values) * 1000)


def history_part(d, screens, procs, repeat):
    idlers, children = start_idlers(procs)
    try:
        live = os.path.join(d, "live.txt")
        with open(live, "w") as f:
            for i, pid in enumerate(children):
                start, anon = identity(pid)
                # A tenth grew slowly over the day (then sit still live).
                f.write("%d:%s:%d:%d\n" % (pid, start, anon + (1440 if i % 10 == 0 else 0),
                                          1 if i % 10 == 0 else 0))
        with open("/proc/sys/kernel/random/boot_id") as f:
            boot = f.read().strip()
        path = os.path.join(d, "day.db")
        took, said = genrec(["--out", path, "--days", "1", "--interval", "5", "--boot-id", boot,
                             "--live-file", live, "--live-past"])
        print("a day of history for %d processes at 5 s: %s (%.0f s)" % (len(children), said, took))
        print("  file %.1f MiB" % (os.path.getsize(path) / 2 ** 20))
        with_h, without, s_with, s_without = [], [], [], []
        for _ in range(repeat):
            with_h.append(batch_first(["--history", path]))
            without.append(batch_first(["--no-history"]))
            for args, out in ((["--history", path], s_with), (["--no-history"], s_without)):
                t, name = screens.first_frame(args)
                out.append(t)
                screens.close(name)
        print("first frame, batch (exec to exit of -b -n 1): with history %s; without %s"
              % (ms(with_h), ms(without)))
        print("first frame, screen (tmux, to the first row): with history %s; without %s"
              % (ms(s_with), ms(s_without)))
        verdict = "met" if statistics.median(s_with) <= 0.25 else "NOT met"
        print("  target: the first frame within 250 ms with a day of history at %d processes: %s"
              % (len(children), verdict))
    finally:
        idlers.stdin.close()
        idlers.wait(30)


def month_part(d, screens, procs, repeat):
    path = os.path.join(d, "month.db")
    took, said = genrec(["--out", path, "--days", "30", "--interval", "300", "--procs", str(procs),
                         "--leak", "--cycle", "--warmup"])
    print("a month: %s (%.0f s), file %.1f MiB" % (said, took, os.path.getsize(path) / 2 ** 20))
    opened, homes, ends = [], [], []
    for _ in range(repeat):
        t, name = screens.first_frame(["-r", path], settle=lambda s: any("Recorded" in x for x in s))
        opened.append(t)
        first = lambda s: any(re.search(r"sample 1/", x) for x in s)
        homes.append(screens.key_to(name, "Home", first))
        ends.append(screens.key_to(name, "End", lambda s: not first(s) and any(
            re.search(r"sample (\d+)/\1\b", x) for x in s)))
        screens.close(name)
    print("memtop -r over the month: first frame %s; Home (first sample) %s; End %s"
          % (ms(opened), ms(homes), ms(ends)))
    walls, peaks = [], []
    for _ in range(repeat):
        t0 = time.monotonic()
        p = subprocess.Popen([MEMTOP, "--report", path, "-f", "json"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        walls.append(time.monotonic() - t0)
        peaks.append(usage.ru_maxrss / 1024)
        assert os.waitstatus_to_exitcode(status) == 0
    print("memtop --report over the month (%d processes): %s, peak RSS %.1f MiB"
          % (procs, ms(walls), max(peaks)))
    # The progress line, on a terminal.
    name = "progress"
    screens.tmux.new_session(name, 120, 10, "sh -c '%s --report %s -f json > /dev/null; sleep 60'" % (MEMTOP, path))
    seen = set()
    t0 = time.monotonic()
    while time.monotonic() - t0 < 120:
        text = screens.tmux.run("capture-pane", "-p", "-t", name)
        seen.update(re.findall(r"(\d+)%", text))
        if time.monotonic() - t0 > max(walls) + 2:
            break
        time.sleep(0.05)
    screens.close(name)
    print("  progress on a terminal: %s" % (", ".join(sorted(seen, key=int)) + " %" if seen else "none seen"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--procs", type=int, default=2000)
    a = ap.parse_args()
    for path in (MEMTOP, IDLERS, GENREC):
        if not os.path.exists(path):
            raise SystemExit("replaybench: %s is missing; run make bench-replay" % path)
    d = tempfile.mkdtemp(prefix="memtop-replaybench-")
    screens = Screens()
    try:
        history_part(d, screens, a.procs, a.repeat)
        month_part(d, screens, a.procs, max(1, a.repeat // 2))
    finally:
        screens.kill()
        shutil.rmtree(d, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
