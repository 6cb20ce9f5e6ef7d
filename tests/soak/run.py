#!/usr/bin/env python3
"""Soak test of the interactive screen (issue 15): the AddressSanitizer and
UndefinedBehaviorSanitizer build of memtop, driven in tmux for minutes over
processes that grow, shrink and come and go, visiting every view.

Two memtops run side by side for SOAK_SECONDS (default 125, `make check`;
`make soak` runs 1,800):
  real    the real clock, -d 0.2: the 2 s tier (96 s) fills and wraps in
          125 s — the screen used to crash at ~100 s;
  scaled  MEMTOP_CLOCK_SCALE=100, -d 0.2: 20 s of model time a refresh, so
          125 s reach 3.5 hours and every tier, the 150 s one (2 hours)
          included, fills and wraps, with gaps filled as after a pause.
Beside them, a recorder (memtop -w, the same sanitizer build) on a clock
1,200 times faster, -d 0.1, --keep 1.5 --max-size 8M: 125 s are 1.7 days of
recording, so thinning (after a day) and retention by age (after 1.5 days)
run again and again; it also serves its metrics (--listen: ~1,250 pages
published), scraped after each round, whole and of a newer sample each
time; at the end SIGTERM must leave it with status 0, no sanitizer report
and nothing on stderr but where it served, a file SQLite finds whole,
holding 1.5 days at most and thinned ticks.
A third memtop replays that recording as it is written (memtop -r, the
sanitizer build, following it while the recorder thins and trims under it),
and its rounds step, jump, sort and open views in the recorded time line.
Around them: a steady leaker (heap), a leaker through mmap with a sawtooth
(grows and shrinks), a process that warms up and stops, and a churn of
short-lived processes (a few dozen a second, each a new pid).

A round of keys goes to one memtop, then the other: every sort order (the
sort keys, < and >, the F6 pick list, I), selection moves and pages, the
CGROUP column, the theme, the leak filter and a typed filter, pause, the
detail view of the leaker (every mapping sort, grouping, moves, a few
refreshes in it) and its allocation-sites screen (a session as root: the
scaled memtop's time limit ends it), the help screen, the cgroup and memory views, the OOM
screen and the checkup panel, and a
terminal resize. After every step
both memtops must be alive (pane alive, process not a zombie or stopped)
and no sanitizer report may have been written (each memtop's stderr goes to
a file of the test's own, where the sanitizers write; anything there fails
the test, with its text). At the end q leaves each with status 0 and
the terminal restored. Nothing waits a fixed time to decide anything: the
pacing sleeps only spread the keys over the soak.

Prints "N passed, N failed" last; exit status 1 when anything failed.
"""
import glob
import http.client
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import run as e2e  # noqa: E402
import workload  # noqa: E402
from suite import require, tmux_suite  # noqa: E402
from run import WRAPPER, Tmux, check_restored, has_frame, is_detail_of, rows, show  # noqa: E402

ASAN_MEMTOP = os.path.join(ROOT, "build", "asan", "memtop")
SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "125"))
DELAY = "0.2"
SCALE = "100"
TAG = "soak%d" % (os.getpid() % 100000)
CHILDREN = []
# Every key that sorts the list, and the ones that walk the sort columns.
SORT_KEYS = ["M", "A", "O", "N", "G", "E", ">", ">", ">", "<", "I", "I"]
LIST_KEYS = ["Down", "Down", "NPage", "PPage", "Home", "End", "Up", "C", "C", "t"]
MEMORY_KEYS = ["Down", "Up", "NPage", "PPage", "End", "Home"]
DETAIL_KEYS = ["M", "S", "D", "N", "g", "g", "Down", "NPage", "End", "Home", "j", "k"]
CGROUP_KEYS = ["M", "A", "P", "G", "N", ">", "<", "I", "I", "Down", "End", "Home"]
TREE_KEYS = ["Down", "-", "+", "Down", "Down", "-", "*", "G", "M"]
SIZES = [(120, 40), (80, 24), (200, 50), (60, 15), (120, 40)]


class Memtop:
    """One sanitizer-built memtop in its own tmux session."""

    def __init__(self, tmux, name, env, report_dir, args=("--readonly",), first=None):
        self.name = name
        # The sanitizers write their reports to stderr (UBSan ignores
        # log_path when linked with ASan), so stderr goes to a file.
        wrapper = WRAPPER.replace('"$@";', '"$@" 2>"$SOAK_STDERR";', 1)
        assert wrapper != WRAPPER
        env = dict(env, SOAK_STDERR=os.path.join(report_dir, name + ".stderr"))
        self.pane = tmux.start(command=["sh", "-c", wrapper, "memtop", ASAN_MEMTOP, "-d", DELAY] + list(args),
                               env=env)
        self.pid = e2e_pid(self.pane)
        tmux.memtops.add(self.pid)
        self.pane.wait("%s: the first frame" % name, first or (lambda s: has_frame(s) and rows(s)))


def replay_frame(lines):
    """A replay's frame: the recorded time on line 2, then the table."""
    return len(lines) > 3 and lines[2].startswith("Recorded") and e2e.header_index(lines) is not None


# The replay's keys: samples, ten minutes, the ends, a jump, follow, sorts.
REPLAY_KEYS = ["[", "]", "{", "}", "Home", "End", "[", "[", "Space", "Space", "M", "G", "I", "I", "Down"]


def e2e_pid(pane):
    """The pid of the sanitizer memtop below the pane's shell."""
    shell = int(pane.info("#{pane_pid}"))
    deadline = time.monotonic() + e2e.WAIT
    while time.monotonic() < deadline:
        parents = {}
        for entry in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open("/proc/%s/stat" % entry, "rb") as f:
                    parents[int(entry)] = int(f.read().rsplit(b") ", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
        for pid in parents:
            up = pid
            while up in parents and up != shell:
                up = parents[up]
            try:
                if up == shell and os.readlink("/proc/%d/exe" % pid) == os.path.realpath(ASAN_MEMTOP):
                    return pid
            except OSError:
                pass
        time.sleep(e2e.POLL)
    raise AssertionError("no memtop under pane %s:\n%s" % (pane.target, show(pane.screen())))


def state_of(pid):
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            return f.read().rsplit(b") ", 1)[1][:1].decode()
    except OSError:
        return None


class Soak:
    def __init__(self, tmux, report_dir):
        self.tmux, self.report_dir = tmux, report_dir
        self.steps = 0

    def check(self, memtops, where):
        """Both memtops alive, no sanitizer report; fails with the evidence."""
        self.steps += 1
        self.check_reports(where)
        for m in memtops:
            st = state_of(m.pid)
            if st is None or st in "ZTX" or m.pane.info("#{pane_dead}") != "0":
                screen = show(m.pane.screen())
                self.check_reports(where)       # a report written as it died
                raise AssertionError("%s memtop %d is %s after %s; screen:\n%s" % (
                    m.name, m.pid, {None: "gone"}.get(st, st), where, screen))

    def check_reports(self, where):
        # The recorder's stderr holds where it serves, first: not a report.
        text = "".join(line for r in sorted(glob.glob(os.path.join(self.report_dir, "*")))
                       for line in open(r, errors="replace") if not line.startswith(SERVING))
        if text:
            raise AssertionError("sanitizer report after %s:\n%s" % (where, text[:6000]))

    def settle(self, memtops, where, seconds):
        """Lets a few refreshes happen, checking all along."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.check(memtops, where)
            time.sleep(0.1)

    def replay_round(self, memtops, m, rng, n):
        """memtop -r following the recorder's file (thinned and trimmed
        under it): moves, a typed jump, sorts, the detail view, help."""
        p = m.pane
        where = "round %d on %s" % (n, m.name)
        for key in rng.sample(REPLAY_KEYS, 8):
            p.keys(key)
            self.settle(memtops, "%s, key %s" % (where, key), 0.15)
        p.keys("b")
        p.type("-6h")
        p.keys("Enter")
        self.settle(memtops, where + ", b -6h", 0.3)
        p.keys("Enter")
        self.settle(memtops, where + ", detail view", 0.5)
        p.keys("[", "]", "Escape")
        p.wait("%s: back to the list" % where, replay_frame)
        p.keys("h")
        self.settle(memtops, where + ", help", 0.3)
        p.keys("Escape", "End")
        p.wait("%s: following again" % where, lambda s: replay_frame(s) and "following" in s[2])

    def round(self, memtops, m, rng, leaker_pid, n):
        if m.name == "replay":
            return self.replay_round(memtops, m, rng, n)
        p = m.pane
        where = "round %d on %s" % (n, m.name)
        for key in rng.sample(SORT_KEYS, 4) + rng.sample(LIST_KEYS, 4):
            p.keys(key)
            self.settle(memtops, "%s, key %s" % (where, key), 0.15)
        # The sort pick list, one entry down.
        p.keys("F6")
        p.wait("%s: the sort pick list" % where, lambda s: any("Sort by" in line for line in s))
        p.keys("Down", "Enter")
        self.settle(memtops, where + ", F6", 0.3)
        # The leak filter, then a typed filter that finds the leaker.
        p.keys("L")
        self.settle(memtops, where + ", L", 0.3)
        p.keys("L", "/")
        p.type(TAG + "lin")
        p.keys("Enter")
        p.wait("%s: the filter finds the leaker" % where,
               lambda s: has_frame(s) and [r[0] for r in rows(s)] == [leaker_pid])
        # Its detail view: every mapping sort, grouping, moves; a few refreshes.
        p.keys("Home", "Enter")
        p.wait("%s: the leaker's detail view" % where, lambda s: is_detail_of(s, leaker_pid))
        for key in rng.sample(DETAIL_KEYS, 6):
            p.keys(key)
            self.settle(memtops, "%s, detail key %s" % (where, key), 0.2)
        self.settle(memtops, where + ", detail view", 1.0)
        # Its allocation sites (as root with the probes: a session, which
        # the scaled memtop's time limit ends within seconds; else the line
        # why not): moves, the stack pane, a few readings, a to detach.
        p.keys("a")
        p.wait("%s: the allocation-sites screen" % where,
               lambda s: bool(s) and s[0].startswith("Allocation sites of %d " % leaker_pid))
        for key in ("Down", "End", "Enter", "Home"):
            p.keys(key)
            self.settle(memtops, "%s, allocation sites key %s" % (where, key), 0.2)
        self.settle(memtops, where + ", allocation sites", 1.0)
        p.keys("a")
        p.wait("%s: back from the allocation sites" % where, lambda s: is_detail_of(s, leaker_pid))
        p.keys("Escape")
        p.wait("%s: back to the list" % where, has_frame)
        p.keys("Escape")           # clears the filter
        # The help screen.
        p.keys("h")
        p.wait("%s: the help screen" % where, lambda s: bool(s) and s[0].startswith("memtop ") and s[0].rstrip().endswith("- keys"))
        self.settle(memtops, where + ", help", 0.5)
        p.keys("Escape")
        p.wait("%s: back from help" % where, has_frame)
        # The cgroup view (read every second while shown): a few keys,
        # then Enter limits the list to a cgroup and Esc clears it.
        p.keys("S")
        p.wait("%s: the cgroup view" % where, lambda s: any("Cgroups:" in line for line in s))
        for key in rng.sample(CGROUP_KEYS, 5):
            p.keys(key)
            self.settle(memtops, "%s, cgroup key %s" % (where, key), 0.2)
        p.keys("L")                # suspects only, and back: Enter needs a row
        self.settle(memtops, where + ", cgroup suspects", 0.3)
        p.keys("L")
        self.settle(memtops, where + ", cgroup view", 1.0)
        p.keys("Enter")
        p.wait("%s: the list of a cgroup" % where, lambda s: any("Cgroup:" in line for line in s))
        p.keys("Escape")
        p.wait("%s: back to the whole list" % where, has_frame)
        # The memory view (its lists read every refresh while shown): moves,
        # a few refreshes, back.
        p.keys("m")
        p.wait("%s: the memory view" % where, lambda s: any(line.startswith("Memory") for line in s))
        for key in rng.sample(MEMORY_KEYS, 4):
            p.keys(key)
            self.settle(memtops, "%s, memory key %s" % (where, key), 0.2)
        self.settle(memtops, where + ", memory view", 1.0)
        p.keys("q")
        p.wait("%s: back from the memory view" % where, has_frame)
        # The OOM kill screen (the kills since boot, on this machine some
        # from the other suites) and the checkup panel (read on opening
        # and on R): moves, a refresh, back.
        p.keys("o")
        p.wait("%s: the OOM screen" % where, lambda s: bool(s) and s[0].startswith("memtop - OOM kills"))
        for key in rng.sample(MEMORY_KEYS, 3):
            p.keys(key)
            self.settle(memtops, "%s, OOM screen key %s" % (where, key), 0.15)
        p.keys("q")
        p.wait("%s: back from the OOM screen" % where, has_frame)
        p.keys("R")
        p.wait("%s: the checkup panel" % where, lambda s: bool(s) and s[0].startswith("memtop - checkup"))
        p.keys("End", "R", "Home")
        self.settle(memtops, where + ", checkup panel", 0.3)
        p.keys("q")
        p.wait("%s: back from the checkup panel" % where, has_frame)
        # The tree view: moves, collapses and expands, then off.
        p.keys("T")
        for key in rng.sample(TREE_KEYS, 5):
            p.keys(key)
            self.settle(memtops, "%s, tree key %s" % (where, key), 0.15)
        p.keys("T")
        self.settle(memtops, where + ", tree off", 0.3)
        # Pause and resume; a resize.
        p.keys("Space")
        self.settle(memtops, where + ", paused", 0.3)
        p.keys("Space")
        w, h = SIZES[n % len(SIZES)]
        self.tmux.run("resize-window", "-t", p.target, "-x", str(w), "-y", str(h))
        self.settle(memtops, "%s, resized to %dx%d" % (where, w, h), 0.5)


def leak(argv0, *shape_args):
    """A leaker named argv0 (its command line starts with it)."""
    return workload.Workload([argv0] + list(shape_args), executable=workload.LEAKER, registry=CHILDREN)


def churn(seconds):
    """Short-lived processes, a few dozen a second, for seconds."""
    script = "end=$(($(date +%%s) + %d)); while [ $(date +%%s) -lt $end ]; do " \
             "for i in 1 2 3 4 5 6 7 8; do /bin/true & done; wait; sleep 0.2; done" % int(seconds)
    return subprocess.Popen(["sh", "-c", script], stdin=subprocess.DEVNULL)


RECORD_SCALE = 1200
RECORD_KEEP_DAYS = 1.5


SERVING = "memtop: serving metrics on http://127.0.0.1:"


def start_recorder(env, report_dir):
    """The sanitizer build recording on a fast clock and serving its metrics
    (--listen: a page published every 0.1 s for the whole soak, scraped each
    round); its stderr to a file. (process, recording, stderr file, port)."""
    path = os.path.join(report_dir, "..", os.path.basename(report_dir) + ".db")
    err = open(os.path.join(report_dir, "recorder-stderr"), "w")
    p = subprocess.Popen([ASAN_MEMTOP, "-w", path, "-d", "0.1", "--keep", str(RECORD_KEEP_DAYS),
                          "--max-size", "8M", "--listen", "127.0.0.1:0"], stdout=subprocess.DEVNULL, stderr=err,
                         env=dict(os.environ, MEMTOP_CLOCK_SCALE=str(RECORD_SCALE), **env))
    deadline = time.monotonic() + e2e.WAIT
    while time.monotonic() < deadline:
        with open(err.name) as f:
            first = f.readline()
        if first.endswith("/metrics\n"):
            assert first.startswith(SERVING), first
            return p, os.path.abspath(path), err.name, int(first[len(SERVING):].split("/")[0])
        assert p.poll() is None, "the recorder ended: %s" % open(err.name).read()
        time.sleep(e2e.POLL)
    raise AssertionError("the recorder did not say where it serves: %r" % open(err.name).read())


def scrape(port, last_t):
    """One OpenMetrics scrape of the recorder: whole, and of a newer sample
    than the scrape before (the endpoint follows the recorder). Its time."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", "/metrics", headers={"Accept": "application/openmetrics-text"})
        r = c.getresponse()
        body = r.read().decode()
    finally:
        c.close()
    assert r.status == 200 and body.endswith("# EOF\n"), (r.status, body[-200:])
    t = float(body.split("\nmemtop_sample_timestamp_seconds ", 1)[1].split("\n", 1)[0])
    assert t > last_t, "the endpoint's sample did not move on: %.3f after %.3f" % (t, last_t)
    return t


def check_recorder(p, path, errfile, port):
    """The recorder ends at SIGTERM with status 0 and nothing on stderr but
    where it served; its file is whole, within --keep, and thinned where a
    day old."""
    assert p.poll() is None, "the recorder ended early: %s" % open(errfile).read()
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=60) == 0, open(errfile).read()
    text = open(errfile).read()
    assert text == "%s%d/metrics\n" % (SERVING, port), text
    os.unlink(errfile)
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        first, last, n, thinned = db.execute(
            "SELECT min(t), max(t), count(*), sum(res > 0) FROM tick").fetchone()
        # Maintenance runs once a recorded minute: the oldest tick may be up
        # to that much older than --keep.
        assert (last - first) / 86400e3 <= RECORD_KEEP_DAYS + 120 / 86400, (first, last)
        assert thinned > 0, "nothing thinned"
        print("     recorder: %d ticks over %.2f days, %d thinned" % (n, (last - first) / 86400e3, thinned))
    finally:
        db.close()
    for side in ("", "-wal", "-shm"):
        if os.path.exists(path + side):
            os.unlink(path + side)


def recorded_ticks(path):
    try:
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=5)
        try:
            return db.execute("SELECT count(*) FROM tick").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def test_screen_soak(tmux):
    """Both memtops live through SOAK_SECONDS of keys over growing, shrinking
    and churning processes with no sanitizer report, then quit cleanly."""
    report_dir = tempfile.mkdtemp(prefix="memtop-soak-reports-")
    log = "log_path=%s/report:" % report_dir
    env = {"ASAN_OPTIONS": log + "detect_leaks=1:abort_on_error=0",
           "UBSAN_OPTIONS": log + "print_stacktrace=1:halt_on_error=1"}
    leaker = leak(TAG + "lin", "linear", "--rate", "64", "--via", "heap")
    leak(TAG + "saw", "sawleak", "--rate", "48", "--amp", "4096", "--period", "20")
    leak(TAG + "warm", "warmup", "--rate", "256")
    churner = churn(SOAK_SECONDS + 60)
    recorder = start_recorder(env, report_dir)
    try:
        memtops = [Memtop(tmux, "real", env, report_dir),
                   Memtop(tmux, "scaled", dict(env, MEMTOP_CLOCK_SCALE=SCALE), report_dir)]
        # A third, memtop -r, following the recording as it is written,
        # thinned and trimmed.
        deadline = time.monotonic() + e2e.WAIT
        while not recorded_ticks(recorder[1]) and time.monotonic() < deadline:
            time.sleep(e2e.POLL)
        memtops.append(Memtop(tmux, "replay", env, report_dir, args=("-r", recorder[1]), first=replay_frame))
        soak = Soak(tmux, report_dir)
        rng = random.Random(15)
        start, n = time.monotonic(), 0
        scraped_t = 0.0
        while time.monotonic() - start < SOAK_SECONDS:
            soak.round(memtops, memtops[n % 3], rng, leaker.pid, n)
            scraped_t = scrape(recorder[3], scraped_t)
            n += 1
        print("     %d rounds (a scrape of the recorder's endpoint after each), %d checks in %.0f s; "
              "the scaled memtop saw %.1f hours"
              % (n, soak.steps, time.monotonic() - start,
                 (time.monotonic() - start) * float(SCALE) / 3600))
        for m in memtops:
            m.pane.keys("Escape", "q")
            check_restored(m.pane, 0)
        soak.check([], "quitting")
        check_recorder(*recorder)
    finally:
        churner.kill()
        churner.wait()
        if recorder[0].poll() is None:
            recorder[0].kill()
            recorder[0].wait()
    for r in glob.glob(os.path.join(report_dir, "*")):
        os.unlink(r)
    os.rmdir(report_dir)


TESTS = [test_screen_soak]


def main():
    if not require((ASAN_MEMTOP, workload.LEAKER), "build/asan/memtop build/workloads/leaker"):
        return 1
    return tmux_suite("soak", TESTS, CHILDREN, Tmux)


if __name__ == "__main__":
    sys.exit(main())
