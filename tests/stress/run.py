#!/usr/bin/env python3
"""Stress tests of memtop: process churn with hostile names, and PID reuse.

test_churn: build/stress/churn (tests/stress/churn.c) creates and reaps
processes as fast as it can for CHURN_SECONDS; some rename themselves or exec
through symlinks named with hostile bytes (escape sequences, C1 controls,
invalid UTF-8, bidirectional overrides, wide characters, newlines). Meanwhile
memtop runs twice: in batch mode (JSON Lines, every line parsed) and on the
screen in tmux (120x40, filtered to the churn's processes), captured with
capture-pane -e all the time. Checked:
  - every stable screen: no control character, C1 or bidi control left
    after the SGR sequences; the frame intact (meters, status line without
    any message, rows contiguous, footer); the pane's title and alternate
    screen unchanged (an OSC or a mode switch from a name would change them);
  - every row: its COMMAND is exactly what memtop's text_sanitize makes of a
    name or command line the process had (cut at the screen's edge), so a
    raw escape that reached the terminal (and so vanished from the capture)
    fails it;
  - no stale row: a process that exited (reaped, per the churn's log, or
    seen gone from /proc) more than two ticks before a screen was captured
    is not on it, unless its pid was handed out again meanwhile;
  - batch: every line is JSON, no process record is of a process reaped two
    ticks before the sample, names are sanitised and match what the process
    was called, a (pid, start time) seen for the first time has
    delta_rss_kb null and no leak flag; nothing on stderr;
  - memtop's own VmRSS (both instances) flat within RSS_FLAT_KB from
    RSS_SETTLE_S into the churn to the end; both alive at the end, q (screen)
    and the end of -n (batch) exit 0.
Each check is also run once on a real screen with a fault planted in it (a
row left behind, a name drawn raw, a C1 control, a status message) and must
catch it.

test_pid_reuse: tests/stress/pidreuse_inner.py, run in a new PID namespace
with its own /proc (unshare), where ns_last_pid decides the next pid: a
leaker at pid N until memtop flags it, then a flat process at the same pid N,
which must get a fresh history. Fails (never skips) when unshare or
ns_last_pid is not available.

Run the tests named on the command line (default: all). Prints
"N passed, N failed" last; exit status 1 when anything failed. STRESS_MEMTOP
names another memtop binary to test; STRESS_CHURN_SECONDS shortens the churn
(when trying things out).
"""
import bisect
import functools
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "tests", "stress")
# STRESS_MEMTOP names another memtop binary to test (both tests use it).
MEMTOP = os.environ.get("STRESS_MEMTOP") or os.path.join(ROOT, "memtop")
HOLD = os.path.join(ROOT, "build", "workloads", "hold")
LEAKER = os.path.join(ROOT, "build", "workloads", "leaker")
CHURN = os.path.join(ROOT, "build", "stress", "churn")
INNER = os.path.join(HERE, "pidreuse_inner.py")
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from sanitize import sanitize  # noqa: E402
from suite import finish, run_tests, require  # noqa: E402
from workload import vm_rss_kb  # noqa: E402


def load_e2e():
    """tests/e2e/run.py as a module (its Tmux, Pane and screen readers)."""
    spec = importlib.util.spec_from_file_location("e2e_run", os.path.join(ROOT, "tests", "e2e", "run.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


e2e = load_e2e()
e2e.MEMTOP = MEMTOP         # what its Tmux.start runs

CHURN_SECONDS = float(os.environ.get("STRESS_CHURN_SECONDS", 60))
DELAY = 0.2                 # memtop's refresh interval, both instances
LAG = 2 * DELAY             # how long an exited process may stay on screen
RSS_EVERY = 2.0             # seconds between samples of memtop's VmRSS
RSS_SETTLE_S = 10.0         # RSS must be flat from this far into the churn
RSS_FLAT_KB = 1024
MIN_RATE = 300              # processes a second the churn must reach
REUSE_TIMEOUT_S = 240
# In every churn process's command line (the screen's filter); unique to this run.
MARK = "zqchurn%d" % (os.getpid() % 100000)
WIDTH, HEIGHT = 120, 40
STATUS_RE = re.compile(r'Processes: \d+  Refresh: %gs  Sort: \S+ [\u25b2\u25bc]  '
                       r'Filter: "%s" \(\d+ shown\)$' % (DELAY, MARK))
MAX_REPORTED = 12           # problems listed in a failure
# Names for the churn's children (no '/' or NUL: they are also file names).
HOSTILE = [
    b"\x1b[31mred\x1b[0m",
    b"\x1b]0;pwned-title\x07",
    b"\x1b]52;c;aGk=\x07clip",
    b"\x1b[6n\x1b[cquery",
    b"\x1b[2J\x1b[Hclear",
    b"\x1b[?1049lalt",
    b"\x1bP1$r\x1b\\dcs",
    b"\xc2\x9b31mC1csi",
    b"\x9b31mraw8bit",
    b"bad\xff\xfe\xc3(utf8",
    "\u202eevil\u202ctxt.exe".encode(),
    "\u2066iso\u2069\u200fRLM\u061c".encode(),
    "\u6f22\u5b57\u6f22\u5b57\u6f22\u5b57\u6f22\u5b57".encode(),
    "x\u6f22\u5b57\u6f22\u5b57\u6f22\u5b57".encode(),      # comm cut inside a character
    "emoji\U0001f600wide\ufeff".encode(),
    b"new\nline\rcr",
    b"tab\tbs\x08del\x7fbel\x07",
    b"x) R 1 1 (y",                                        # a trap for stat parsers
    b"back\\slash\\e[31m",
]


def now():
    """CLOCK_BOOTTIME seconds: the churn's log and /proc start times use it."""
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def sanitize_cmdline(b):
    """text_sanitize_cmdline: arguments sanitised and joined with spaces."""
    b = b.rstrip(b"\0")
    return " ".join(sanitize(arg) for arg in b.split(b"\0")) if b else ""


# C0 controls, DEL, C1 controls and the bidirectional controls.
BAD_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff]")


def bad_chars(text):
    """The characters of text that must never reach a terminal raw."""
    return sorted(set(BAD_RE.findall(text)))


@functools.lru_cache(maxsize=None)
def fit(text, cols):
    """text cut to cols display columns, as memtop's text_fit does."""
    used, out = 0, []
    for ch in text:
        w = e2e.display_width(ch)
        if used + w > cols:
            break
        out.append(ch)
        used += w
    return "".join(out)


# --- the churn ----------------------------------------------------------------------

class Life:
    """One process the churn made: pid, kind (s short, r rename, e exec), the
    index of its name, its planned life in ms, fork and reap times."""
    __slots__ = ("pid", "kind", "idx", "life_ms", "fork_t", "reap_t", "status")

    def __init__(self, pid, kind, idx, life_ms, fork_t):
        self.pid, self.kind, self.idx, self.life_ms, self.fork_t = pid, kind, idx, life_ms, fork_t
        self.reap_t = self.status = None


class ChurnLog:
    """The churn's log: every life by pid, forks in time order, the rate."""

    def __init__(self, path):
        self.by_pid, self.forks, self.unreaped = {}, [], []
        self.count, self.seconds = 0, None
        pending = {}
        with open(path) as f:
            for line in f:
                w = line.split()
                if w[0] == "F":
                    life = Life(int(w[1]), w[2], int(w[3]), int(w[4]), int(w[5]) / 1e9)
                    self.by_pid.setdefault(life.pid, []).append(life)
                    self.forks.append((life.fork_t, life.pid))
                    pending[life.pid] = life
                elif w[0] == "R":
                    life = pending.pop(int(w[1]), None)
                    if life is not None:
                        life.status, life.reap_t = int(w[2]), int(w[3]) / 1e9
                elif w[0] == "E":
                    self.count, self.seconds = int(w[1]), float(w[2])
        self.unreaped = list(pending.values())
        self.fork_times = [t for t, _ in self.forks]

    def lives(self, pid, t_from, t_to):
        """The lives of pid that overlap [t_from, t_to]."""
        return [life for life in self.by_pid.get(pid, ())
                if life.fork_t - 0.01 <= t_to and (life.reap_t is None or life.reap_t >= t_from)]

    def last_reap(self, pid, before):
        """When the last life of pid forked before `before` was reaped, or None."""
        lives = [life for life in self.by_pid.get(pid, ()) if life.fork_t <= before]
        return lives[-1].reap_t if lives else None

    def handed_out(self, pid, t_from, t_to, pid_max):
        """Whether the kernel may have given pid to a new process within
        [t_from, t_to]: pids are handed out in increasing order (wrapping at
        pid_max), and the churn's forks show where that order was."""
        lo = bisect.bisect_left(self.fork_times, t_from - 0.05)
        hi = bisect.bisect_right(self.fork_times, t_to + 0.05)
        if hi - lo >= pid_max // 2:
            return True
        if lo >= hi:
            return False
        first, last = self.forks[lo][1] - 64, self.forks[hi - 1][1] + 64
        span = (last - first) % pid_max
        return (pid - first) % pid_max <= span


class ChurnSetup:
    """The temporary folder (its path holds MARK), the names file and the
    symlinks the exec children run through; the spawner's argv."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix=MARK + "-")
        self.names = os.path.join(self.dir, "names")
        self.links = os.path.join(self.dir, "links")
        self.log = os.path.join(self.dir, "log")
        os.mkdir(self.links)
        with open(self.names, "w") as f:
            for name in HOSTILE:
                f.write(name.hex() + "\n")
        for name in HOSTILE:
            os.symlink(CHURN, os.path.join(os.fsencode(self.links), name))
        # argv[0] is what the rename children overwrite: long, and not MARK.
        self.argv = [b"churn-spawner-" + b"P" * 50, b"spawn", str(CHURN_SECONDS).encode(),
                     os.fsencode(self.names), os.fsencode(self.links), os.fsencode(self.log), b"24",
                     MARK.encode()]
        self.comm = sanitize(os.path.basename(os.fsencode(CHURN))[:15])
        self.cmdline = sanitize_cmdline(b"\0".join(self.argv))
        self._cands = {}

    def start(self):
        # A process group of its own (its pid), so that cleanup reaches its children.
        return subprocess.Popen(self.argv, executable=CHURN, stdin=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=True)

    def comms(self, life):
        """The comm values a churn process can have had."""
        return {self.comm, sanitize(HOSTILE[life.idx][:15])}

    def cmdlines(self, life):
        """The command lines a churn process can have had (sanitised): the
        spawner's, argv[0] overwritten up to any byte (rename), or the exec's."""
        key = (life.kind, life.idx, life.life_ms if life.kind == "e" else 0)
        if key not in self._cands:
            out = {self.cmdline}
            name = HOSTILE[life.idx]
            if life.kind == "r":
                old = self.argv[0]
                new = (name + b"_" * len(old))[:len(old)]
                for k in range(len(old) + 1):
                    out.add(sanitize_cmdline(b"\0".join([new[:k] + old[k:]] + self.argv[1:])))
            elif life.kind == "e":
                out.add(sanitize_cmdline(b"\0".join([name, MARK.encode(), b"child",
                                                     str(life.life_ms).encode()])))
            self._cands[key] = out
        return self._cands[key]

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


# --- reading the screen ----------------------------------------------------------

class Capture:
    """A screen seen the same in two captures in a row: t0 (before the first
    capture), t1 (after the second), its plain lines, and which row pids had
    no /proc entry right after."""

    def __init__(self, t0, t1, lines, absent):
        self.t0, self.t1, self.lines, self.absent = t0, t1, lines, absent


def screen_problems(escaped):
    """What is wrong with one stable capture -e of the filtered main screen."""
    problems = []
    plain = e2e.plain(escaped)
    raw = bad_chars("".join(plain))
    if raw:
        problems.append("raw control characters on screen: %r" % raw)
    if len(escaped) != HEIGHT:
        problems.append("%d lines on screen, not %d" % (len(escaped), HEIGHT))
    if not e2e.has_frame(plain):
        problems.append("the frame is broken (meters, status line, header)")
        return problems
    status = plain[2].rstrip()
    if not STATUS_RE.match(status):
        problems.append("status line has something else: %r" % status)
    h = e2e.header_index(plain)
    body = plain[h + 1:-1]
    nrows = len(e2e.rows(plain))
    rest = [line for line in body[nrows:] if line.strip()
            and "no process matches the filter" not in line]
    if rest:
        problems.append("lines below the rows: %r" % rest[:3])
    if not plain[-1].startswith("qQuit"):
        problems.append("no footer on the last line: %r" % plain[-1])
    return problems


def row_problems(cap, setup, log, spawner_pid):
    """Rows of a capture whose COMMAND is not what memtop makes of a name
    the process had."""
    problems = []
    head = cap.lines[e2e.header_index(cap.lines)]
    avail = WIDTH - head.index("COMMAND")
    for pid, _, line in e2e.rows(cap.lines):
        shown = e2e.command(cap.lines, line)
        if pid == spawner_pid:
            cands = {setup.cmdline, setup.comm}
        else:
            lives = log.lives(pid, cap.t0 - 10.0, cap.t1)
            if not lives:
                problems.append("row %d is no process the churn made: %r" % (pid, line))
                continue
            cands = set()
            for life in lives:
                cands |= setup.comms(life) | setup.cmdlines(life)
        if not any(fit(c, avail).rstrip() == shown for c in cands):
            best = max(cands, key=lambda c: len(os.path.commonprefix([c, shown])))
            problems.append("row %d shows %r, not what memtop makes of any name it had "
                            "(closest %r)" % (pid, shown, fit(best, avail)))
    return problems


def stale_rows(cap, log, seen_gone, pid_max):
    """Rows of processes that exited more than LAG before the capture: the
    pid had no /proc entry right after the capture, it was gone (reaped per
    the churn's log, or seen absent from /proc) by t0 - LAG, and no process
    can have got the pid since. seen_gone maps pid -> when first seen absent
    (since last seen present); it is updated."""
    stale = []
    for pid, _, line in e2e.rows(cap.lines):
        if pid not in cap.absent:
            seen_gone.pop(pid, None)
            continue
        gone = [t for t in (seen_gone.get(pid), log.last_reap(pid, cap.t1)) if t is not None]
        seen_gone.setdefault(pid, cap.t1)
        if not gone:
            continue
        since = min(gone)
        if since + LAG < cap.t0 and not log.handed_out(pid, since, cap.t1, pid_max):
            stale.append("row %d: its process was gone %.2f s before the capture: %r"
                         % (pid, cap.t0 - since, line.rstrip()))
    return stale


def memtop_under(pane):
    """The pid of the memtop running in pane: the process below the pane's
    shell whose executable is MEMTOP. (/proc/PID/stat is read as bytes: the
    churn's names are not UTF-8.)"""
    shell = int(pane.info("#{pane_pid}"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        parent = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open("/proc/%s/stat" % name, "rb") as f:
                        parent[int(name)] = int(f.read().rsplit(b")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    pass
        todo = [shell]
        while todo:
            p = todo.pop()
            for kid in [k for k, v in parent.items() if v == p]:
                try:
                    if os.readlink("/proc/%d/exe" % kid) == os.path.realpath(MEMTOP):
                        pane.tmux.memtops.add(kid)      # Tmux.kill makes sure it is gone
                        return kid
                except OSError:
                    pass
                todo.append(kid)
        time.sleep(0.05)
    raise AssertionError("no memtop below the pane's shell %d" % shell)


class BatchCheck:
    """Reads a batch memtop's JSON Lines as they come (a thread) and checks
    each line; the records of processes started after `since` (boot-time
    seconds) are kept for check_churn, once the churn's log is there."""

    def __init__(self, stream, wall_to_boot, since):
        self.stream, self.wall_to_boot, self.since = stream, wall_to_boot, since
        self.problems, self.late, self.samples = [], [], 0
        self.seen, self.starts = set(), {}
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        for n, raw in enumerate(self.stream, 1):
            try:
                tick = json.loads(raw.decode("utf-8"))
            except ValueError as e:
                self.problems.append("line %d is not JSON (%s): %r" % (n, e, raw[:200]))
                continue
            if not isinstance(tick, dict) or not isinstance(tick.get("processes"), list):
                self.problems.append("line %d: no processes list" % n)
                continue
            self.samples += 1
            try:
                t = tick["time"] + self.wall_to_boot
                for p in tick["processes"]:
                    self.check(n, t, p)
            except (KeyError, TypeError) as e:        # and go on reading: memtop must not block
                self.problems.append("line %d: %s: %s" % (n, type(e).__name__, e))

    def check(self, n, t, p):
        """One process record of line n (sampled at boot-time t)."""
        ident = (p["pid"], p["start_time"])
        for key in ("comm", "cmdline", "user", "cgroup"):
            if BAD_RE.search(p[key] or ""):
                self.problems.append("line %d pid %d: raw characters %r in %s %r"
                                     % (n, p["pid"], bad_chars(p[key]), key, p[key]))
        if ident not in self.seen:
            self.seen.add(ident)
            self.starts.setdefault(p["pid"], set()).add(p["start_time"])
            if p["delta_rss_kb"] is not None or p["leak"]["suspected"]:
                self.problems.append("line %d: the first sample of pid %d (start %.2f) has "
                                     "delta_rss_kb %r, leak %r" % (n, p["pid"], p["start_time"],
                                                                   p["delta_rss_kb"], p["leak"]))
        if p["start_time"] >= self.since:
            self.late.append((n, t, p["pid"], p["start_time"], p["comm"], p["cmdline"]))

    def finish(self, setup, log):
        """Waits for the end of the output; checks the churn's processes in
        it against the log: no record of one reaped LAG before the sample,
        names it had. Returns (problems, summary numbers)."""
        self.thread.join(30)
        problems, churn_records = list(self.problems), 0
        if self.thread.is_alive():
            problems.append("the batch output did not end")
        for n, t, pid, start, comm, cmdline in self.late:
            life = [x for x in log.by_pid.get(pid, ()) if -0.05 <= x.fork_t - start <= 0.2]
            if not life:
                continue
            life = life[0]
            churn_records += 1
            if life.reap_t is not None and life.reap_t + LAG < t:
                problems.append("line %d: pid %d, reaped %.2f s before the sample, is in it"
                                % (n, pid, t - life.reap_t))
            if comm not in setup.comms(life):
                problems.append("line %d pid %d: comm %r is no name it had" % (n, pid, comm))
            if cmdline and cmdline not in setup.cmdlines(life):
                problems.append("line %d pid %d: cmdline %r is no command line it had"
                                % (n, pid, cmdline))
        reused = sum(1 for v in self.starts.values() if len(v) > 1)
        return problems, (self.samples, len(self.seen), churn_records, reused)


def report(what, problems):
    if problems:
        raise AssertionError("%s: %d problems, the first ones:\n  %s"
                             % (what, len(problems), "\n  ".join(problems[:MAX_REPORTED])))


def test_churn():
    pid_max = int(open("/proc/sys/kernel/pid_max").read())
    setup = ChurnSetup()
    tmux = e2e.Tmux()
    batch = spawner = None
    err_path = os.path.join(setup.dir, "batch.err")
    try:
        # The screen first: filtered to the churn's processes before it starts.
        pane = tmux.start(("-d", "%g" % DELAY), width=WIDTH, height=HEIGHT)
        tui_pid = memtop_under(pane)
        pane.wait("the main screen", lambda s: e2e.has_frame(s) and e2e.rows(s))
        pane.keys("/")
        pane.type(MARK)
        pane.keys("Enter")
        pane.wait("the filter", lambda s: 'Filter: "%s"' % MARK in e2e.status(s) and s[-1].startswith("qQuit"))
        modes = pane.info("#{alternate_on}|#{pane_title}")
        assert modes.startswith("1|"), "memtop is not on the alternate screen: %r" % modes
        # Batch: -n long enough to outlast the churn (at one sample per DELAY).
        count = int((CHURN_SECONDS + 4) / DELAY)
        wall_to_boot = now() - time.time()
        with open(err_path, "wb") as err:
            batch = subprocess.Popen([MEMTOP, "-b", "-d", "%g" % DELAY, "--format", "json",
                                      "-n", str(count)], stdout=subprocess.PIPE, stderr=err)
        batch_check = BatchCheck(batch.stdout, wall_to_boot, now() - 1.0)
        time.sleep(1.0)
        spawner = setup.start()
        t_start = now()
        print("churn: spawner %d, memtop TUI %d, batch %d, pid_max %d"
              % (spawner.pid, tui_pid, batch.pid, pid_max))

        captures, problems, rss = [], [], []
        prev, prev_t0, next_rss, next_info, deaths = None, None, t_start, t_start, []
        while spawner.poll() is None:
            t0 = now()
            escaped = pane.screen(escapes=True)
            if escaped == prev:
                t1 = now()
                lines = e2e.plain(escaped)
                absent = {pid for pid, _, _ in e2e.rows(lines) if not os.path.exists("/proc/%d" % pid)}
                for p in screen_problems(escaped):
                    problems.append("%.1f s: %s\n%s" % (t0 - t_start, p, e2e.show(lines)))
                captures.append(Capture(prev_t0, t1, lines, absent))
                prev = None
            else:
                prev, prev_t0 = escaped, t0
            if t0 >= next_info:
                got = pane.info("#{alternate_on}|#{pane_title}")
                if got != modes:
                    problems.append("%.1f s: alternate screen|pane title changed from %r to %r"
                                    % (t0 - t_start, modes, got))
                    modes = got
                next_info = t0 + 1.0
            if t0 >= next_rss:
                try:
                    rss.append((t0 - t_start, vm_rss_kb(tui_pid), vm_rss_kb(batch.pid)))
                except (OSError, AssertionError):
                    pass
                next_rss = t0 + RSS_EVERY
            for name, pid in (("TUI", tui_pid), ("batch", batch.pid)):
                if not e2e.alive(pid) and name not in deaths:
                    deaths.append(name)
                    problems.append("%.1f s: memtop (%s, pid %d) died" % (t0 - t_start, name, pid))
            if deaths or t0 - t_start > CHURN_SECONDS + 30:
                break
            time.sleep(0.02)
        churn_err = spawner.communicate(timeout=30)[1].decode(errors="replace")
        t_end = now()
        rss.append((t_end - t_start, vm_rss_kb(tui_pid) if e2e.alive(tui_pid) else 0,
                    vm_rss_kb(batch.pid) if e2e.alive(batch.pid) else 0))
        alive_at_end = e2e.alive(tui_pid), batch.poll() is None

        log = ChurnLog(setup.log)
        rate = log.count / log.seconds if log.seconds else 0.0
        kinds = {}
        for lives in log.by_pid.values():
            for life in lives:
                kinds[life.kind] = kinds.get(life.kind, 0) + 1
        print("churn: %d processes in %.1f s: %.0f a second (%d short, %d renamed, %d exec'd); "
              "%d stable screens captured" % (log.count, log.seconds or 0, rate, kinds.get("s", 0),
                                             kinds.get("r", 0), kinds.get("e", 0), len(captures)))
        assert spawner.returncode == 0, "the churn failed (exit %d): %s" % (spawner.returncode, churn_err)
        assert not log.unreaped, "the churn left %d children unreaped" % len(log.unreaped)
        assert rate >= MIN_RATE, "the churn made only %.0f processes a second (want %d)" % (rate, MIN_RATE)

        # Memtop's own memory.
        for col, name in ((1, "TUI"), (2, "batch")):
            late = [r[col] for r in rss if r[0] >= RSS_SETTLE_S]
            print("churn: memtop %s VmRSS (KiB) at %s" % (name, ", ".join(
                "%.0fs %d" % (r[0], r[col]) for r in rss)))
            if late:
                print("churn: memtop %s VmRSS drift from %.0f s on: %d KiB (max %d, min %d)"
                      % (name, RSS_SETTLE_S, max(late) - min(late), max(late), min(late)))
                if max(late) - min(late) > RSS_FLAT_KB:
                    problems.append("memtop %s's VmRSS moved %d KiB from %.0f s on (limit %d): %s"
                                    % (name, max(late) - min(late), RSS_SETTLE_S, RSS_FLAT_KB, late))

        # The rows: names as memtop escapes them, and nothing stale.
        seen_gone, stale, rows_seen, churn_rows = {}, [], 0, 0
        for cap in captures:
            if e2e.header_index(cap.lines) is None:
                continue
            rows_seen += len(e2e.rows(cap.lines))
            churn_rows += sum(1 for pid, _, _ in e2e.rows(cap.lines) if pid != spawner.pid)
            for p in row_problems(cap, setup, log, spawner.pid):
                problems.append("%.1f s: %s" % (cap.t0 - t_start, p))
            stale += stale_rows(cap, log, seen_gone, pid_max)
        print("churn: %d rows checked on screen, %d of them churn children; %d stale"
              % (rows_seen, churn_rows, len(stale)))
        problems += stale
        if churn_rows < 100:
            problems.append("only %d rows of churn children were on screen: the test saw too little"
                            % churn_rows)

        # Each check must be able to fail: faults planted in a real screen.
        check_checkers(captures, log, setup, spawner.pid, pid_max)
        show_hostile(captures, spawner.pid)

        # Ending: both alive, q and -n exit 0, nothing on stderr.
        if not all(alive_at_end):
            problems.append("memtop not alive at the end of the churn (TUI, batch): %r" % (alive_at_end,))
        else:
            pane.keys("q")
            e2e.check_restored(pane)
        try:
            rc = batch.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rc = "still running 30 s after the churn"
        with open(err_path, "rb") as f:
            err = f.read()
        if rc != 0 or err:
            problems.append("batch memtop: exit %r, stderr %r" % (rc, err[:500]))
        jp, (samples, idents, churn_records, reused) = batch_check.finish(setup, log)
        print("churn: batch: %d samples, %d processes (pid, start time), %d records of churn "
              "children, %d pids seen reused" % (samples, idents, churn_records, reused))
        problems += jp
        if churn_records < 100:
            problems.append("batch saw only %d records of churn children" % churn_records)
        report("churn", problems)
    finally:
        if spawner is not None:
            try:
                os.killpg(spawner.pid, signal.SIGKILL)      # the spawner and its children
            except ProcessLookupError:
                pass
            spawner.wait()
        if batch is not None and batch.poll() is None:
            batch.kill()
            batch.wait()
        tmux.kill()
        setup.cleanup()


def check_checkers(captures, log, setup, spawner_pid, pid_max):
    """Fails unless each check catches a fault planted in a real screen: a
    row left behind (its pid replaced by that of a process reaped 1-3 s
    before), a name drawn raw (the terminal ate its escape), a raw C1
    control, a message on the status line."""
    for cap in reversed(captures):
        rows = e2e.rows(cap.lines) if e2e.header_index(cap.lines) is not None else []
        kids = [r for r in rows if r[0] != spawner_pid]
        if not kids:
            continue
        dead = [life for lives in log.by_pid.values() for life in lives
                if life.reap_t is not None and cap.t0 - 3.0 < life.reap_t < cap.t0 - 1.0
                and not log.handed_out(life.pid, life.reap_t, cap.t1, pid_max)
                and log.last_reap(life.pid, cap.t1) == life.reap_t]
        if not dead:
            continue
        pid, _, line = kids[0]
        at = cap.lines.index(line)
        col = cap.lines[e2e.header_index(cap.lines)].index("COMMAND")

        def planted(new_line, absent=frozenset()):
            lines = list(cap.lines)
            lines[at] = new_line
            return Capture(cap.t0, cap.t1, lines, set(absent))

        stale = planted(line.replace(str(pid), str(dead[0].pid).rjust(len(str(pid))), 1), {dead[0].pid})
        found = stale_rows(stale, log, {}, pid_max)
        assert found, "the stale-row check missed a row of pid %d, reaped %.2f s before the " \
                      "capture" % (dead[0].pid, cap.t0 - dead[0].reap_t)
        raw = planted(line[:col] + "red" + " " * (len(line) - col - 3))    # "\e[31mred" drawn raw
        found_raw = row_problems(raw, setup, log, spawner_pid)
        assert found_raw, "the COMMAND check missed a name drawn raw: %r" % raw.lines[at]
        c1 = list(cap.lines)
        c1[at] = line[:col] + "\u009b31m" + line[col + 4:]
        assert screen_problems(c1), "the screen check missed a raw C1 control"
        msg = list(cap.lines)
        msg[2] = msg[2].rstrip() + "  cannot read /proc/1234/statm: No such process"
        assert screen_problems(msg), "the screen check missed a message on the status line"
        print("churn: each check catches a planted fault, e.g. %s" % found[0])
        return
    raise AssertionError("no screen to plant faults in")


def show_hostile(captures, spawner_pid):
    """Prints the rows of the screen that showed the most hostile names."""
    best, most = None, 0
    for cap in captures:
        if e2e.header_index(cap.lines) is None:
            continue
        n = sum(1 for pid, _, line in e2e.rows(cap.lines)
                if pid != spawner_pid and "\\" in e2e.command(cap.lines, line))
        if n > most:
            best, most = cap, n
    if best is not None:
        h = e2e.header_index(best.lines)
        print("churn: the screen with the most escaped names (%d):" % most)
        for line in best.lines[h:h + 1 + len(e2e.rows(best.lines))][:16]:
            print("  |%s" % line.rstrip())


# --- PID reuse -------------------------------------------------------------------

def test_pid_reuse():
    unshare = shutil.which("unshare")
    if unshare is None:
        raise AssertionError("unshare (util-linux) is not installed: no PID namespace for the test")
    if not os.path.exists("/proc/sys/kernel/ns_last_pid"):
        raise AssertionError("/proc/sys/kernel/ns_last_pid does not exist (kernel without "
                             "CONFIG_CHECKPOINT_RESTORE?): cannot choose the next pid")
    # --kill-child: the inner script (pid 1 of the namespace) dies with
    # unshare, and everything in the namespace with it.
    p = subprocess.Popen([unshare, "--pid", "--fork", "--mount-proc", "--kill-child",
                          sys.executable, INNER], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timer = threading.Timer(REUSE_TIMEOUT_S, p.kill)
    timer.start()
    try:
        for line in p.stdout:
            sys.stdout.write(line.decode(errors="replace"))
            sys.stdout.flush()
        rc = p.wait()
    finally:
        timer.cancel()
        if p.poll() is None:
            p.kill()
            p.wait()
    assert rc == 0, "pid reuse: exit %d%s (see above)" % (
        rc, " (killed after %d s)" % REUSE_TIMEOUT_S if rc == -signal.SIGKILL else "")


TESTS = [test_churn, test_pid_reuse]


def main():
    if not require((MEMTOP, HOLD, LEAKER, CHURN),
                   "memtop build/workloads/hold build/workloads/leaker build/stress/churn"):
        return 1
    start_all = time.monotonic()
    passed, failed = run_tests(TESTS, lambda test: test(), sys.argv[1:])
    return finish("stress", start_all, passed, failed)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))     # cleanup runs on SIGTERM too
    sys.exit(main())
