#!/usr/bin/env python3
"""End-to-end tests of memtop's interactive screen, driven through tmux.

Each test starts the real ./memtop in its own tmux session (120x40) on a
private tmux server (socket "memtop-e2e-PID", never the user's), sends keys
with send-keys and reads the screen with capture-pane. Nothing waits a fixed
time to decide anything: every check polls the screen until it holds or
WAIT seconds pass, and a failure shows the last screen. The one check that
something does not happen (nothing is sampled while paused) watches the
screen for four refresh intervals.

memtop runs under a small sh wrapper that, once memtop has exited, prints
"memtop-e2e: exit N" and waits for Enter, so the terminal state memtop left
(alternate screen, cursor, keypad and mouse modes) can be read from a live
pane; after Enter the pane dies with memtop's status, read as
#{pane_dead_status}.

Prints "N passed, N failed" last; exit status 1 when anything failed.
"""
import json
import os
import pwd
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import tmuxserver  # noqa: E402
import workload  # noqa: E402
from workload import vm_rss_kb  # noqa: E402
from suite import bpf_expected, require, tmux_suite  # noqa: E402
MEMTOP = os.path.join(ROOT, "memtop")
HOLD = os.path.join(ROOT, "build", "workloads", "hold")
LEAKER = os.path.join(ROOT, "build", "workloads", "leaker")
MAPPER = os.path.join(ROOT, "build", "workloads", "mapper")
MANYMAPS = os.path.join(ROOT, "build", "workloads", "manymaps")
ALLOCLEAK = os.path.join(ROOT, "build", "workloads", "allocleak")
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
LEAK_WAIT = 90.0            # the detector's fast tier flags a steady leak in ~40 s
WAIT = 10.0                 # seconds any expected screen may take to appear
POLL = 0.05
WIDTH, HEIGHT = 120, 40
DELAY = "0.5"               # memtop's refresh interval in most tests
EXIT_MARK = "memtop-e2e: exit "
# Runs memtop ("$@"), reports its status on the terminal it leaves behind,
# waits for a line, then exits with memtop's status.
WRAPPER = '"$@"; s=$?; printf "\\n%s%d\\n" "' + EXIT_MARK + '" "$s"; read -r _; exit "$s"'
# The columns a full-width table has (it may have more).
TITLES = ("PID", "USER", "RSS", "ANON", "HEAP", "SWAP", "\u0394RSS", "OOM", "ADJ", "COMMAND")
PF_KTHREAD = 0x00200000
# Process names unique to this run, so concurrent runs do not see each other's.
CHILD_COMM = "e2echild%d" % (os.getpid() % 100000)
PAUSED_COMM = "e2epause%d" % (os.getpid() % 100000)


def display_width(s):
    """Terminal columns of s: East Asian wide and fullwidth characters take two."""
    return sum(0 if unicodedata.combining(ch) else
               2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def human_kb(kb):
    """memtop's text_human_kb (src/util/text.c), to predict the meters' text."""
    v, u = float(kb), 0
    while v >= 1000.0 and u < 5:
        v /= 1024.0
        u += 1
    if u == 0:
        return "%dK" % kb
    return ("%.1f%s" if v < 9.95 else "%.0f%s") % (v, "KMGTPE"[u])


def parse_human(text):
    """KiB from memtop's size text ("512M", "4.6M", "12K")."""
    m = re.fullmatch(r"([0-9.]+)([KMGTPE])", text)
    assert m, "not a size: %r" % text
    return float(m.group(1)) * 1024 ** "KMGTPE".index(m.group(2))


def meminfo_kb(key):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s in /proc/meminfo" % key)


def proc_stats():
    """(pid, fields after the comm) of every process in /proc/*/stat; fields[0]
    is the state, fields[1] the ppid, fields[6] the flags."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            # Bytes: a comm need not be UTF-8 (another suite makes such names).
            with open("/proc/%s/stat" % name, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        yield int(name), stat[stat.rindex(b")") + 2:].decode("ascii").split()


def descendants_of(pid):
    """PIDs below pid in the process tree."""
    parent = {p: int(fields[1]) for p, fields in proc_stats()}
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [k for k, v in parent.items() if v == p]
        found += kids
        todo += kids
    return found


def smallest_user_pid():
    """The smallest PID that is not a kernel thread (memtop skips those)."""
    return min(p for p, fields in proc_stats() if not int(fields[6]) & PF_KTHREAD)


# --- workload processes --------------------------------------------------------

CHILDREN = []               # every Hold still running, stopped at the end whatever happens


def Hold(anon_mib, comm=None, argv0=None):
    """A workload holding anon_mib MiB (tests/workloads/hold.c), stopped at the
    end of the run whatever happens."""
    return workload.Hold(anon_mib, comm=comm, argv0=argv0, registry=CHILDREN, timeout=WAIT)


def Mapper(file_mib, anon_mib, grow_mib=0):
    """A workload with a mapped file and an anonymous mapping that grows in
    place (tests/workloads/mapper.c), stopped at the end of the run whatever
    happens."""
    return workload.Mapper(file_mib, anon_mib, grow_mib, registry=CHILDREN, timeout=WAIT)


def Leaker(rate_kb):
    """A process leaking rate_kb KiB/s of anonymous memory."""
    return workload.Leaker("linear", "--rate", str(rate_kb), "--duration", "300",
                           registry=CHILDREN, timeout=WAIT)


class Waiter:
    """sh waiting on its stdin with the given arguments after its script
    (for long command lines); a context manager that ends it. Popen returns
    once the exec is done, so /proc/PID/cmdline is already the full one."""

    START = ["sh", "-c", "read -r _", "waiter"]

    def __init__(self, *args):
        self.argv = self.START + list(args)
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE)
        self.pid = self.proc.pid

    def cmdline(self):
        """What memtop shows of its whole command line (plain ASCII here)."""
        return " ".join(self.argv)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        workload.end_by_stdin(self.proc)


# --- tmux ----------------------------------------------------------------------

class Tmux(tmuxserver.PrivateTmux):
    """The suite's private tmux server; one session per memtop run."""

    def __init__(self):
        super().__init__("memtop-e2e", extra_conf="set -g remain-on-exit on\n", timeout=WAIT)
        self.count = 0
        self.memtops = set()     # every memtop pid seen, checked gone at the end
        self.config_dir = tempfile.TemporaryDirectory(prefix="memtop-e2e-config-")
        os.chmod(self.config_dir.name, 0o755)   # tests that run memtop as nobody read it too
        self.config_home = self.config_dir.name

    def run(self, *args, check=True):
        try:
            return super().run(*args, check=check)
        except tmuxserver.TmuxError as e:
            raise AssertionError(str(e))

    def start(self, memtop_args=("-d", DELAY), env=None, command=None, width=WIDTH, height=HEIGHT):
        """Starts memtop (under WRAPPER) or command in a new session; returns its Pane.
        memtop's settings folder is an empty one of the suite's unless env names
        another (XDG_CONFIG_HOME), so the user's memtoprc never counts."""
        self.count += 1
        name = "t%d" % self.count
        if command is None:
            command = ["sh", "-c", WRAPPER, "memtop", MEMTOP] + list(memtop_args)
        base = dict(LANG="C.UTF-8", LC_ALL="C.UTF-8", XDG_CONFIG_HOME=self.config_home)
        base.update(env or {})
        assigns = ["%s=%s" % kv for kv in sorted(base.items())]
        self.new_session(name, width, height, shlex.join(["env"] + assigns + command))
        return Pane(self, name)

    def kill(self):
        """Ends the server, then makes sure every memtop is gone."""
        super().kill()
        self.config_dir.cleanup()
        deadline = time.monotonic() + 5
        for pid in self.memtops:
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(POLL)
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[-1][0] != "Z"
    except OSError:
        return False


class Pane:
    """The single pane of one session."""

    def __init__(self, tmux, name):
        self.tmux, self.target = tmux, name

    def info(self, fmt):
        return self.tmux.run("display-message", "-p", "-t", self.target, fmt).rstrip("\n")

    def screen(self, escapes=False):
        """The visible screen as a list of lines (with SGR sequences when escapes)."""
        args = ["capture-pane", "-p", "-t", self.target] + (["-e"] if escapes else [])
        return self.tmux.run(*args).split("\n")[:-1]

    def keys(self, *keys):
        """Sends tmux key names (M, Escape, Enter, Space, BSpace...)."""
        self.tmux.run("send-keys", "-t", self.target, *keys)

    def type(self, text):
        self.tmux.run("send-keys", "-t", self.target, "-l", "--", text)   # text may start with -

    def resize(self, width, height):
        self.tmux.run("resize-window", "-t", self.target, "-x", str(width), "-y", str(height))

    def wait(self, what, cond, escapes=False, timeout=WAIT):
        """Polls the screen until cond(lines) is true; returns those lines.
        Fails with the last screen after timeout seconds.

        Only a screen captured twice in a row is judged: a capture can fall
        between two chunks of one ncurses refresh, half old frame, half new."""
        deadline = time.monotonic() + timeout
        prev, problem = None, ""
        while True:
            lines = self.screen(escapes)
            if lines == prev:
                try:
                    if cond(lines):
                        return lines
                    problem = ""
                except (AssertionError, ValueError, IndexError) as e:
                    problem = " (%s)" % e
            prev = lines
            if time.monotonic() > deadline:
                raise AssertionError("%s: not seen within %.0f s%s; last screen (%s):\n%s"
                                     % (what, timeout, problem, self.info("#{pane_width}x#{pane_height}"),
                                        show(lines)))
            time.sleep(POLL)

    def hold(self, what, cond, seconds):
        """Polls for the given seconds and fails as soon as cond(lines) is false
        (on a screen captured twice in a row, as in wait)."""
        deadline = time.monotonic() + seconds
        prev = None
        while time.monotonic() < deadline:
            lines = self.screen()
            if lines == prev and not cond(lines):
                raise AssertionError("%s: no longer true; screen:\n%s" % (what, show(lines)))
            prev = lines
            time.sleep(POLL)

    def wait_info(self, what, fmt, want, timeout=WAIT):
        """Polls a tmux format until it expands to want."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.info(fmt)
            if got == want:
                return
            if time.monotonic() > deadline:
                raise AssertionError("%s: %s is %r, want %r; screen:\n%s"
                                     % (what, fmt, got, want, show(self.screen())))
            time.sleep(POLL)

    def wait_dead_status(self, want):
        """Waits until the pane is dead with exit status want (#{pane_dead_status})."""
        deadline = time.monotonic() + WAIT
        dead_since = None
        while True:
            got = self.info("#{pane_dead}:#{pane_dead_status}")
            if got == "1:%d" % want:
                return
            if got == "1:" and dead_since is None:
                dead_since = time.monotonic()
            # tmux 3.3a now and then marks the pane dead (pty closed) but
            # leaves its process unreaped, so the status never arrives; any
            # other child of the server exiting makes it reap them all.
            if dead_since is not None and time.monotonic() - dead_since > 0.5:
                self.tmux.run("run-shell", "true")
                dead_since = time.monotonic()
            if time.monotonic() > deadline:
                raise AssertionError("pane dead:status is %r, want '1:%d'; screen:\n%s"
                                     % (got, want, show(self.screen())))
            time.sleep(POLL)

    def memtop_pid(self):
        """The pid of memtop, below the pane's shell."""
        shell = int(self.info("#{pane_pid}"))
        deadline = time.monotonic() + WAIT
        while True:
            for pid in descendants_of(shell):
                try:
                    if os.readlink("/proc/%d/exe" % pid) == os.path.realpath(MEMTOP):
                        self.tmux.memtops.add(pid)
                        return pid
                except OSError:
                    pass
            if time.monotonic() > deadline:
                tree = []
                for pid in [shell] + descendants_of(shell):
                    try:
                        with open("/proc/%d/cmdline" % pid, "rb") as f:
                            tree.append("%d %r" % (pid, f.read()))
                    except OSError:
                        tree.append("%d gone" % pid)
                raise AssertionError("no memtop process under pane %d: %s; screen:\n%s"
                                     % (shell, tree, show(self.screen())))
            time.sleep(POLL)

    def wait_table(self):
        """Waits for a complete first frame of the main screen; returns it."""
        self.memtop_pid()
        return self.wait("the main screen", lambda s: has_frame(s) and len(rows(s)) > 0)

    def close(self):
        self.tmux.run("kill-session", "-t", self.target, check=False)


def show(lines):
    """A screen for a failure message, with line numbers and the right margin."""
    return "\n".join("%2d|%s|" % (i, line) for i, line in enumerate(lines))


# --- reading the main screen -----------------------------------------------------
#
# Lines 0-2 are the meters and the status line; the table header is found by
# its titles (lines may come between), rows run from below it to the footer
# on the last line, and a cell is found under its column's title.

def header_index(lines):
    """The line of the table header, or None."""
    for i, line in enumerate(lines):
        words = line.split()
        if words[:1] == ["PID"] and "COMMAND" in words:
            return i
    return None


def rows(lines):
    """The table rows under the header as (pid, words, line)."""
    h = header_index(lines)
    out = []
    if h is None:
        return out
    for line in lines[h + 1:]:
        words = line.split()
        if not words or not words[0].isdigit():
            break
        out.append((int(words[0]), words, line))
    return out


def has_frame(lines):
    return (len(lines) > 3 and lines[0].startswith("Mem[") and lines[1].startswith("Swp[")
            and re.search(r"Processes: \d+|^\d+ procs ", lines[2]) is not None
            and header_index(lines) is not None)


def page_rows(lines):
    """How many rows the table has room for: from below the header to the footer."""
    return len(lines) - 1 - (header_index(lines) + 1)


def cell(lines, line, title):
    """The text of a right-aligned column (PID, RSS, ANON, OOM...) in a row line:
    the last word that ends at or before the end of the title in the header."""
    m = re.search(r"(?<!\S)%s(?!\S)" % re.escape(title), lines[header_index(lines)])
    assert m, "no column %s" % title
    return line[:m.end()].split()[-1]


def left_cell(lines, line, title):
    """The text of a left-aligned column (TREND, LEAK): from its title to the
    next title."""
    head = lines[header_index(lines)]
    m = re.search(r"(?<!\S)%s(?!\S)" % re.escape(title), head)
    assert m, "no column %s" % title
    nxt = re.search(r"\S", head[m.end():])
    end = m.end() + nxt.start() if nxt else len(line)
    return line[m.start():end].strip()


SPARK = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"


def command(lines, line):
    """The COMMAND text of a row line (left-aligned, the last column)."""
    return line[lines[header_index(lines)].index("COMMAND"):].rstrip()


def first_pid(lines):
    r = rows(lines)
    return r[0][0] if r else None


def row_of(lines, pid):
    for r in rows(lines):
        if r[0] == pid:
            return r
    return None


def status(lines):
    return lines[2] if len(lines) > 2 else ""


def process_count(lines):
    # "Processes: N", or "N procs" on a screen under 60 columns.
    m = re.search(r"Processes: (\d+)", status(lines)) or re.match(r"(\d+) procs ", status(lines))
    assert m, "no process count in the status line"
    return int(m.group(1))


class Session:
    """One memtop in tmux; closes its session on exit."""

    def __init__(self, tmux, *args, **kw):
        self.pane = tmux.start(*args, **kw)

    def __enter__(self):
        return self.pane

    def __exit__(self, *exc):
        self.pane.close()


# --- tests: each takes the Tmux server -------------------------------------------------

def test_header_meters_and_psi(tmux):
    if not os.path.exists("/proc/pressure/memory"):
        raise AssertionError("this machine has no /proc/pressure/memory; the test needs PSI")
    mem_total = human_kb(meminfo_kb("MemTotal"))
    swap_total = human_kb(meminfo_kb("SwapTotal"))
    psi = r"PSI %s +\d+\.\d\d +\d+\.\d\d +\d+\.\d\d"
    with Session(tmux) as p:
        s = p.wait_table()
        m = re.match(r"Mem\[(\|*)(:*) *\S+/%s\] +%s" % (re.escape(mem_total), psi % "some"), s[0])
        assert m, "line 0 lacks the Mem meter ending in %s and PSI some: %r" % (mem_total, s[0])
        # Bars for used (not available), colons for reclaimable cache
        # (available but not free), within a cell or two of /proc/meminfo now.
        inner = s[0].index("]") - len("Mem[")
        total, avail, free = (meminfo_kb(k) for k in ("MemTotal", "MemAvailable", "MemFree"))
        for got, want, what in ((len(m.group(1)), (total - avail) / total * inner, "used"),
                                (len(m.group(2)), (avail - free) / total * inner, "cache")):
            assert abs(got - want) <= 2, "%s: %d cells, want ~%.1f: %r" % (what, got, want, s[0])
        assert re.match(r"Swp\[\|* *\S+/%s\] +%s" % (re.escape(swap_total), psi % "full"), s[1]), \
            "line 1 lacks the Swp meter ending in %s and PSI full: %r" % (swap_total, s[1])
        assert "PSI n/a" not in "\n".join(s)


def test_header_psi_missing(tmux):
    with Session(tmux, env={"MEMTOP_PSI_PATH": "/nonexistent"}) as p:
        s = p.wait_table()
        assert s[0].startswith("Mem[") and s[1].startswith("Swp[")
        assert re.search(r"\] +PSI n/a *$", s[0]), "no 'PSI n/a' after the meter: %r" % s[0]
        text = "\n".join(s)
        assert "PSI some" not in text and "PSI full" not in text, show(s)


def test_sort_keys(tmux):
    with Hold(512) as big, Session(tmux) as p:
        p.wait_table()
        p.keys("N")
        s = p.wait("N: sorted by PID ascending",
                   lambda s: "Sort: pid \u25b2" in status(s) and first_pid(s) != big.pid)
        p.keys("M")
        # First, unless something else on the machine is bigger still.
        rss = lambda s, line: parse_human(cell(s, line, "RSS"))
        s = p.wait("M: the 512 MiB child first",
                   lambda s: "Sort: rss \u25bc" in status(s) and row_of(s, big.pid) and
                   all(rss(s, r[2]) >= rss(s, row_of(s, big.pid)[2])
                       for r in rows(s)[:rows(s).index(row_of(s, big.pid))]))
        line = row_of(s, big.pid)[2]
        anon = parse_human(cell(s, line, "ANON"))
        assert 0.95 * 512 * 1024 <= anon <= 1.05 * 512 * 1024, "ANON of hold 512: %r" % line
        shown = command(s, line)        # cut at the screen's edge
        assert len(shown) > 8 and (HOLD + " 512").startswith(shown), "COMMAND: %r" % line
        assert rss(s, line) >= anon, line
        sizes = [rss(s, r[2]) for r in rows(s)]
        assert sizes == sorted(sizes, reverse=True), "RSS not descending:\n" + show(s)
        p.keys("N", "Home")  # select the first row, so none is scrolled away
        s = p.wait("N: sorted by PID again", lambda s: "Sort: pid \u25b2" in status(s)
                   and first_pid(s) is not None and first_pid(s) < big.pid)
        pids = [r[0] for r in rows(s)]
        assert pids == sorted(pids) and len(set(pids)) == len(pids), "PIDs not ascending:\n" + show(s)
        assert pids[0] == smallest_user_pid(), "first PID %d is not the smallest" % pids[0]


def test_invert(tmux):
    with Hold(16) as child, Session(tmux) as p:
        memtop = p.memtop_pid()
        p.wait_table()
        p.keys("N", "I", "Home")
        s = p.wait("N I: sorted by PID descending", lambda s: "Sort: pid \u25bc" in status(s))
        pids = [r[0] for r in rows(s)]
        assert pids == sorted(pids, reverse=True), "PIDs not descending:\n" + show(s)
        # memtop started after the child, so both are below the first row.
        assert pids[0] >= memtop > child.pid, "first PID %d is not the largest:\n%s" % (pids[0], show(s))
        p.keys("I", "Home")
        p.wait("I again: ascending", lambda s: "Sort: pid \u25b2" in status(s)
               and first_pid(s) == smallest_user_pid())


def test_names_follow_exec_on_screen(tmux):
    """A row on screen whose process execs (a wrapper that execs the real
    program: same pid, same start time) shows the new command line at the
    next refresh, not the wrapper's for as long as memtop runs (issue 15)."""
    tag = "e2eexec%d" % (os.getpid() % 100000)
    # Each program's argv[0] is the tag, so the COMMAND column starts with it.
    script = ("import os, sys\nprint('ready', flush=True)\nsys.stdin.readline()\n"
              "os.execv('/bin/sh', ['%s-after', '-c', 'echo ready; read x'])\n" % tag)
    child = subprocess.Popen([tag + "-before", "-c", script], executable=sys.executable,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline().startswith(b"ready")
        with Session(tmux) as p:
            p.wait_table()
            p.keys("/")
            p.type(tag)
            p.keys("Enter")
            p.wait("the wrapper's row", lambda s: [r[0] for r in rows(s)] == [child.pid] and
                   tag + "-before" in row_of(s, child.pid)[2])
            child.stdin.write(b"go\n")
            child.stdin.flush()
            assert child.stdout.readline().startswith(b"ready"), "the exec failed"
            s = p.wait("the row shows the exec'd program",
                       lambda s: row_of(s, child.pid) is not None and
                       tag + "-after" in row_of(s, child.pid)[2])
            assert tag + "-before" not in row_of(s, child.pid)[2]
            p.keys("q")
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
        child.stdin.close()


def test_filter(tmux):
    # Unfiltered: every process, as many as fit (others may come and go meanwhile).
    unfiltered = lambda s: "Filter" not in status(s) and \
        len(rows(s)) == min(process_count(s), page_rows(s)) > 1
    with Hold(1, comm=CHILD_COMM.encode()) as child, Session(tmux) as p:
        p.wait_table()
        p.wait("the whole table", unfiltered)
        p.keys("/")
        p.type(CHILD_COMM)
        s = p.wait("typing the filter narrows the table to the child",
                   lambda s: [r[0] for r in rows(s)] == [child.pid])
        assert s[-1].startswith("Filter: %s_" % CHILD_COMM), "no prompt in the last line: %r" % s[-1]
        assert 'Filter: "%s" (1 shown)' % CHILD_COMM in status(s), status(s)
        p.keys("Enter")
        s = p.wait("Enter keeps the filter and closes the prompt",
                   lambda s: [r[0] for r in rows(s)] == [child.pid] and s[-1].startswith("qQuit"))
        p.keys("Escape")
        p.wait("Esc clears the filter", unfiltered)
        p.keys("/")
        p.type(CHILD_COMM)
        p.wait("the filter again", lambda s: [r[0] for r in rows(s)] == [child.pid])
        p.keys("Escape")
        p.wait("Esc in the prompt clears the filter",
               lambda s: unfiltered(s) and s[-1].startswith("qQuit"))
        p.keys("/")
        p.type("no-such-process-e2e")
        p.wait("a filter matching nothing", lambda s: not rows(s)
               and any("no process matches the filter" in line for line in s))


def test_help(tmux):
    with Session(tmux) as p:
        p.wait_table()
        p.keys("h")
        s = p.wait("h: the help screen", lambda s: any("sort by PID" in line for line in s))
        # Longer than the screen, it scrolls (and says so): its pages until
        # the last, which ends with the PSI trigger's line.
        pages = [s]
        while not any("PSI trigger" in line for line in s):
            assert "PgDn scroll; any other key returns." in s[-1], "help neither ends nor scrolls:\n" + show(s)
            assert len(pages) < 10, "help never reaches its end:\n" + show(s)
            p.keys("NPage")
            s = p.wait("the help's next page", lambda t, prev=s: t != prev)
            pages.append(s)
        text = "\n".join("\n".join(page) for page in pages)
        for want in ("keys", "quit", "sort by resident memory (RSS)", "sort by PID",
                     "filter by command or user", "set the refresh interval",
                     "pause / resume sampling", "invert the sort order", "OOM kills",
                     "where the memory went", "checkup"):
            assert want in text, "help lacks %r:\n%s" % (want, "\n".join(show(page) for page in pages))
        assert header_index(s) is None, "the table is still shown:\n" + show(s)
        p.keys("q")          # any key returns, even the one that quits the table
        p.wait("any key returns to the table", lambda s: has_frame(s) and rows(s))
        assert p.info("#{pane_dead}") == "0" and EXIT_MARK not in "\n".join(p.screen())
        p.keys("?")
        p.wait("? shows help too", lambda s: any("sort by PID" in line for line in s))
        p.keys("x")
        p.wait("x returns", lambda s: has_frame(s))


def test_checkup_panel(tmux):
    """R: the checkup panel on the real screen, with what memtop --check finds
    here (the same ids), Esc back to the table."""
    doc = json.loads(subprocess.run([MEMTOP, "--check", "-f", "json"], capture_output=True, text=True,
                                    timeout=30).stdout)
    with Session(tmux) as p:
        p.wait_table()
        p.keys("R")
        s = p.wait("R: the checkup panel", lambda s: s and "memtop - checkup:" in s[0])
        text = "\n".join(s)
        assert "%d finding" % len(doc["findings"]) in s[0], show(s)
        for f in doc["findings"][:1]:
            assert f["id"] in text and f["title"][:40] in text, "panel lacks %s:\n%s" % (f["id"], show(s))
        if not doc["findings"]:
            assert "Nothing found" in text, show(s)
        p.keys("Escape")
        p.wait("Esc returns to the table", lambda s: has_frame(s) and rows(s))


def selected_lines(capture):
    """Lines of a capture -e that are table rows in the selection colours
    (black on cyan)."""
    return [i for i, line in enumerate(capture)
            if "\x1b[46m" in line and strip_sgr(line).split()[:1]
            and strip_sgr(line).split()[0].isdigit()]


def click(p, x, y):
    """A left click at column x, line y, as the terminal reports it (X10 mouse
    protocol, which memtop turns on through ncurses: ESC [ M button x+33 y+33)."""
    assert x < 95 and y < 95, "X10 coordinates are one byte"
    for button in (0, 3):    # press, release
        p.type("\x1b[M%c%c%c" % (32 + button, 33 + x, 33 + y))


def test_mouse(tmux):
    with Session(tmux) as p:
        s = p.wait_table()
        h = header_index(s)
        click(p, s[h].index("PID"), h)
        p.wait("a click on PID sorts by it", lambda s: "Sort: pid \u25b2" in status(s))
        click(p, s[h].index("PID"), h)
        s = p.wait("a second click inverts", lambda s: "Sort: pid \u25bc" in status(s))
        click(p, s[h].index("OOM"), h)
        p.wait("a click on OOM sorts by it", lambda s: "Sort: oom \u25bc" in status(s))
        p.keys("N")
        s = p.wait("N", lambda s: "Sort: pid \u25b2" in status(s) and len(rows(s)) >= 3)
        y = header_index(s) + 3
        third = rows(s)[2][0]
        click(p, 10, y)
        c = p.wait("a click on the third row selects it",
                   lambda c: selected_lines(c) == [y], escapes=True)
        assert strip_sgr(c[y]).split()[0] == str(third), "row %d is not pid %d: %r" % (y, third, c[y])


def check_sane(p, width, height):
    """Waits for a whole main screen that fits width x height."""
    def ok(s):
        assert len(s) == height, "%d lines" % len(s)
        long = [line for line in s if display_width(line) > width]
        assert not long, "lines wider than %d: %r" % (width, long)
        if not (has_frame(s) and s[-1].startswith("qQuit")):
            return False
        return len(rows(s)) == min(process_count(s), page_rows(s))
    p.wait_info("pane size", "#{pane_width}x#{pane_height}", "%dx%d" % (width, height))
    return p.wait("a sane %dx%d screen" % (width, height), ok)


def test_resize(tmux):
    with Session(tmux) as p:
        p.wait_table()
        p.resize(50, 15)
        check_sane(p, 50, 15)
        p.keys("End")        # the last process: scrolled into view above the footer
        plain = lambda c: [strip_sgr(line) for line in c]
        last = lambda s: header_index(s) + min(process_count(s), page_rows(s))
        p.wait("End at 50x15 shows the last process on the last table line",
               lambda c: selected_lines(c) == [last(plain(c))] and plain(c)[14].startswith("qQuit"),
               escapes=True)
        p.keys("Home")
        p.wait("Home at 50x15 shows the first process on the first table line",
               lambda c: selected_lines(c) == [header_index(plain(c)) + 1], escapes=True)
        p.resize(30, 8)
        p.wait_info("pane size", "#{pane_width}x#{pane_height}", "30x8")
        s = p.wait("30x8: terminal too small", lambda s: "terminal too small" in "\n".join(s))
        assert header_index(s) is None and not s[0].startswith("Mem["), show(s)
        p.resize(WIDTH, HEIGHT)
        s = check_sane(p, WIDTH, HEIGHT)
        titles = s[header_index(s)].split()
        assert set(TITLES) <= set(titles), "not every column is back: %r" % titles
        assert "terminal too small" not in "\n".join(s)


def check_restored(p, status_want=0):
    """After memtop exited: its status, and the terminal back in normal mode."""
    # Anywhere on a line: a terminal left in raw mode does not return the carriage.
    mark = re.compile(re.escape(EXIT_MARK) + r"(\d+)")
    s = p.wait("memtop exited", lambda s: any(mark.search(line) for line in s))
    got = [int(mark.search(line).group(1)) for line in s if mark.search(line)][0]
    assert got == status_want, "memtop exited %d, want %d" % (got, status_want)
    modes = p.info("#{alternate_on} #{cursor_flag} #{keypad_flag} #{keypad_cursor_flag} "
                   "#{mouse_any_flag} #{mouse_standard_flag} #{mouse_button_flag} #{mouse_all_flag}")
    assert modes == "0 1 0 0 0 0 0 0", \
        "terminal not restored: alternate_on cursor_flag keypad_flag keypad_cursor_flag " \
        "mouse_any/standard/button/all = %s; screen:\n%s" % (modes, show(s))
    assert header_index(s) is None and not s[0].startswith("Mem["), \
        "the table is still on screen:\n" + show(s)
    p.keys("Enter")          # lets the wrapper exit with memtop's status
    p.wait_dead_status(status_want)
    return s


def test_quit(tmux):
    with Session(tmux) as p:
        p.wait_table()
        p.keys("q")
        check_restored(p)


def check_signal(tmux, sig):
    with Session(tmux) as p:
        p.wait_table()
        os.kill(p.memtop_pid(), sig)
        check_restored(p)


def test_sigterm(tmux):
    check_signal(tmux, signal.SIGTERM)


def test_sigint(tmux):
    check_signal(tmux, signal.SIGINT)


def test_sighup(tmux):
    check_signal(tmux, signal.SIGHUP)


def strip_sgr(line):
    return re.sub(r"\x1b\[[0-9;:]*m", "", line)


def test_hostile_name(tmux):
    red = (31, 91, (38, 5, 1), (38, 5, 9))
    with Hold(128, comm=b"\x1b[31mevil", argv0=b"\x1b[31mevil") as child, Session(tmux) as p:
        s = p.wait("the hostile child", lambda s: row_of(s, child.pid) is not None)
        line = row_of(s, child.pid)[2]
        want = "\\e[31mevil --comm %s 128" % b"\x1b[31mevil".hex()
        shown = command(s, line)        # cut at the screen's edge
        assert shown.startswith("\\e[31mevil ") and want.startswith(shown), \
            "COMMAND not escaped as %r: %r" % (want, line)
        colour = p.screen(escapes=True)
        assert "\x1b[31mevil" not in "\n".join(colour), "raw escape from the name reached the screen"
        mine = [c for c in colour if strip_sgr(c).split()[:1] == [str(child.pid)]]
        assert len(mine) == 1, "no row for %d in the capture -e" % child.pid
        at = strip_sgr(mine[0]).index("\\e[31mevil")
        for k in range(at, at + len("\\e[31mevil")):
            assert sgr_state_at(mine[0], k)["fg"] not in red, "the name is drawn red: %r" % mine[0]
        assert "\x1b" not in "".join(strip_sgr(c) for c in colour), \
            "an escape that is not SGR is on screen"


def test_delay(tmux):
    with Session(tmux, ("-d", "1")) as p:
        s = p.wait_table()
        assert "Refresh: 1s" in status(s), status(s)
        p.keys("d")
        p.wait("the prompt holds the current interval",
               lambda s: s[-1].startswith("Refresh interval (s): 1_"))
        p.keys("BSpace")
        p.type("0.5")
        p.keys("Enter")
        p.wait("d 0.5 Enter", lambda s: "Refresh: 0.5s" in status(s) and s[-1].startswith("qQuit"))
        for bad, message in (("abc", "invalid interval 'abc'"), ("0.01", "out of range")):
            p.keys("d")
            p.wait("the prompt", lambda s: s[-1].startswith("Refresh interval (s): 0.5_"))
            p.keys("BSpace", "BSpace", "BSpace")
            p.type(bad)
            p.keys("Enter")
            s = p.wait("an error for %r" % bad, lambda s: message in status(s))
            assert "Refresh: 0.5s" in status(s), "interval changed by %r: %r" % (bad, status(s))
        p.keys("d", "Escape")
        s = p.wait("Esc cancels the prompt", lambda s: s[-1].startswith("qQuit"))
        assert "Refresh: 0.5s" in status(s), status(s)


def test_pause(tmux):
    interval = float(DELAY)
    with Session(tmux) as p:
        p.wait_table()
        p.keys("Space")
        p.wait("Space: PAUSED", lambda s: "PAUSED" in status(s))
        with Hold(1, comm=PAUSED_COMM.encode()) as child:
            # Started after the pause: sampling must not see it until resumed.
            p.keys("/")
            p.type(PAUSED_COMM)
            p.keys("Enter")
            nothing = lambda s: "PAUSED" in status(s) and not rows(s) and \
                any("no process matches the filter" in line for line in s)
            p.wait("paused: the new process is not sampled", nothing)
            p.hold("paused for four intervals: still not sampled", nothing, 4 * interval)
            p.keys("Space")
            p.wait("Space again: resumed and sampling",
                   lambda s: "PAUSED" not in status(s) and [r[0] for r in rows(s)] == [child.pid])


def test_leak_marker_growth_sort_and_suspects_only(tmux):
    """A leaking child is flagged (LEAK marker, rising sparkline), rises to the
    top after G, and L hides every process that is not suspected."""
    with Leaker(2048) as leaker, Session(tmux) as p:
        p.wait_table()
        flagged = lambda s: row_of(s, leaker.pid) is not None and \
            left_cell(s, row_of(s, leaker.pid)[2], "LEAK").startswith("\u25b2")
        # G; once the leaker is flagged, Home. The selection follows its
        # process, so the list stays scrolled to keep whatever was selected in
        # sight: pressed before the leaker rose, Home could leave a row that
        # later fell below it selected, and the leaker scrolled off the top
        # (seen on a loaded machine).
        p.keys("G")
        p.wait("G: sorted by growth, the leaker suspected (line 3)",
               lambda s: "Sort: growth \u25bc" in status(s) and len(s) > 3
               and "suspected leak" in s[3] and " %d " % leaker.pid in s[3], timeout=LEAK_WAIT)
        p.keys("Home")
        s = p.wait("Home: the leaker first", lambda s: first_pid(s) == leaker.pid and flagged(s))
        line = row_of(s, leaker.pid)[2]
        marker = left_cell(s, line, "LEAK")
        assert re.fullmatch("\u25b2(\\d+)%", marker) and int(marker[1:-1]) >= 50, marker
        assert "suspected leak" in s[3] and str(leaker.pid) in s[3], "line 3: %r" % s[3]
        growth = cell(s, line, "GROWTH")
        assert growth.startswith("+") and parse_human(growth[1:]) > 60 * 1024, "GROWTH %r" % growth
        trend = left_cell(s, line, "TREND")
        levels = [SPARK.index(c) for c in trend if c in SPARK]
        assert len(levels) >= 8 and levels == sorted(levels) and levels[-1] > levels[0], \
            "sparkline not rising: %r" % trend
        everyone = process_count(s)
        p.keys("L")
        s = p.wait("L: suspects only", lambda s: "Leaks only" in status(s) and rows(s)
                   and len(rows(s)) < everyone and all(left_cell(s, r[2], "LEAK").startswith("\u25b2")
                                                       for r in rows(s))
                   and row_of(s, leaker.pid) is not None)
        p.keys("L")
        p.wait("L again: everything", lambda s: "Leaks only" not in status(s)
               and len(rows(s)) == min(process_count(s), page_rows(s)))


def replay_rows(lines):
    """The table's rows as the columns a recording keeps (every one but HEAP,
    which is not recorded), for comparing a live frame with its replay."""
    out = []
    for pid, words, line in rows(lines):
        out.append((pid, cell(lines, line, "RSS"), cell(lines, line, "ANON"), cell(lines, line, "SWAP"),
                    cell(lines, line, "\u0394RSS"), cell(lines, line, "GROWTH"), left_cell(lines, line, "TREND"),
                    left_cell(lines, line, "LEAK"), cell(lines, line, "OOM"), cell(lines, line, "ADJ"),
                    command(lines, line)))
    return out


def test_replay_shows_what_was_live(tmux):
    """memtop -w FILE --screen records what its screen samples; once the
    leaker is flagged the screen is paused (no more samples) and its rows
    kept. memtop -r FILE opens at that newest sample and shows the same rows,
    values, TREND and LEAK markers; stepping back a sample ([) changes the
    recorded time, End comes back to the same frame, and k sends nothing.
    Then a live start with the recording as --history shows the leaker
    suspected on its very first frame."""
    d = tempfile.mkdtemp(prefix="memtop-e2e-replay-")
    path = os.path.join(d, "rec.db")
    try:
        with Leaker(2048) as leaker, Hold(24) as flat:
            pids = "%d,%d" % (leaker.pid, flat.pid)
            with Session(tmux, ("-w", path, "--screen", "-d", DELAY, "-p", pids)) as p:
                p.wait("the leaker flagged live", lambda s: row_of(s, leaker.pid) is not None and
                       left_cell(s, row_of(s, leaker.pid)[2], "LEAK").startswith("\u25b2"), timeout=LEAK_WAIT)
                p.keys("Space")
                live = p.wait("paused", lambda s: "Paused" in s[-1] or "PAUSED" in "\n".join(s))
                time.sleep(float(DELAY) * 2)           # no tick may come: the frame is the last
                live = p.wait("still paused", lambda s: s == p.screen())
                p.keys("q")
                p.wait("quit", lambda s: any(EXIT_MARK + "0" in line for line in s))
            want = replay_rows(live)
            assert len(want) == 2 and any(r[7].startswith("\u25b2") for r in want), want
            with Session(tmux, ("-r", path)) as p:
                s = p.wait("the replay at the newest sample", lambda s: len(s) > 3 and s[2].startswith("Recorded")
                           and header_index(s) is not None and len(rows(s)) == 2)
                assert replay_rows(s) == want, "live:\n%s\nreplay:\n%s" % (show(live), show(s))
                recorded = s[2]
                m = re.search(r"sample (\d+)/(\d+)", recorded)
                assert m and m.group(1) == m.group(2), recorded
                p.keys("[")
                s = p.wait("a sample back", lambda s: "sample %d/" % (int(m.group(1)) - 1) in s[2])
                p.keys("End")
                s = p.wait("End: the newest again", lambda s: "sample %s/" % m.group(1) in s[2])
                assert replay_rows(s) == want
                p.keys("k")
                p.wait("no signals in a recording", lambda s: "no signals in a recording" in "\n".join(s))
            # History on start-up: the leaker, still running, recorded since
            # it started, is a suspected leak on a live screen's very first
            # frame (-d 60: the first frame stays up); not without it.
            assert leaker.proc.poll() is None and flat.proc.poll() is None
            for history, flagged in ((["--history", path], True), (["--no-history"], False)):
                with Session(tmux, ["-d", "60", "-p", pids] + history) as p:
                    s = p.wait("the first screen", lambda s: has_frame(s) and len(rows(s)) == 2)
                    line = row_of(s, leaker.pid)[2]
                    assert left_cell(s, line, "LEAK").startswith("\u25b2") == flagged, show(s)
                    if flagged:
                        assert "suspected leak" in s[3] and str(leaker.pid) in s[3], show(s)
                        growth = cell(s, line, "GROWTH")
                        assert growth.startswith("+") and parse_human(growth[1:]) > 60 * 1024, growth
                    assert not left_cell(s, row_of(s, flat.pid)[2], "LEAK").startswith("\u25b2")
    finally:
        subprocess.run(["rm", "-rf", d])


def test_not_a_terminal(tmux):
    with tempfile.NamedTemporaryFile(prefix="memtop-e2e-") as out:
        p = subprocess.run([MEMTOP], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE,
                           timeout=WAIT)
        err = p.stderr.decode()
        assert p.returncode == 2, "exit %d, want 2" % p.returncode
        assert "-b" in err and "terminal" in err, "stderr: %r" % err
        assert os.path.getsize(out.name) == 0, "memtop wrote to a stdout that is not a tty"
        # A terminal on stdin but not on stdout: the same, and the terminal is untouched.
        command = ["sh", "-c", WRAPPER, "memtop", "sh", "-c", 'exec "$0" -d 0.5 > "$1"',
                   MEMTOP, out.name]
        with Session(tmux, command=command) as pane:
            s = check_restored(pane, 2)
            assert any("use -b" in line for line in s), show(s)
            assert os.path.getsize(out.name) == 0, "memtop wrote to a stdout that is not a tty"


# --- the detail view (Enter) -------------------------------------------------------
#
# Line 0 is "PID N  comm  state ...", a memory line "RSS ...  PSS ...  USS ...",
# then graphs, the mapping table's header (ADDRESS PERM ... NAME, or FIRST AT
# N ... NAME when grouped), one row per mapping starting with its address in
# 16 hex digits, the "Total of N mappings" line and the footer.

RED = (31, 91, (38, 5, 1), (38, 5, 9))


def map_header_index(lines):
    """The line of the mapping table's header, or None."""
    for i, line in enumerate(lines):
        words = line.split()
        if (words[:2] == ["ADDRESS", "PERM"] or words[:3] == ["FIRST", "AT", "N"]) \
                and words[-1] == "NAME":
            return i
    return None


def map_rows(lines):
    """The mapping rows as (start address, line)."""
    h = map_header_index(lines)
    out = []
    for line in lines[h + 1:] if h is not None else []:
        words = line.split()
        if not words or not re.fullmatch(r"[0-9a-f]{16}", words[0]):
            break
        out.append((int(words[0], 16), line))
    return out


def map_row(lines, addr):
    """The row of the mapping that starts at addr (hex text), or None."""
    for start, line in map_rows(lines):
        if start == int(addr, 16):
            return line
    return None


def map_cell(lines, line, title):
    """A right-aligned cell of a mapping row, found under its title."""
    m = re.search(r"(?<!\S)%s(?!\S)" % re.escape(title), lines[map_header_index(lines)])
    assert m, "no column %s" % title
    return line[:m.end()].split()[-1]


def map_name(lines, line):
    return line[lines[map_header_index(lines)].index("NAME"):].rstrip()


def totals_line(lines):
    found = [line for line in lines if line.startswith("Total of ")]
    return found[0] if found else ""


def is_detail_of(lines, pid):
    return bool(lines) and lines[0].startswith("PID %d  " % pid)


def memory_line(lines):
    """RSS, PSS, USS and anonymous from the detail view's memory line."""
    found = [re.match(r"RSS (\S+)  PSS (\S+)  USS (\S+)  anonymous (\S+)", line) for line in lines]
    found = [m for m in found if m]
    assert len(found) == 1, "no single memory line"
    return found[0].groups()


def plain(capture):
    """A capture -e without its SGR sequences."""
    return [strip_sgr(line) for line in capture]


def sgr_state_at(line, index):
    """The SGR state (fg, bg, bold, reverse) in effect at visible character
    index of a capture -e line. fg and bg: None (default), a basic colour
    code (30-37/90-97, 40-47/100-107), or the 38/48 parameters as a tuple."""
    st = {"fg": None, "bg": None, "bold": False, "reverse": False}
    visible, i = 0, 0
    while i < len(line):
        m = re.match(r"\x1b\[([0-9;:]*)m", line[i:])
        if m:
            params = [int(x) if x else 0 for x in re.split("[;:]", m.group(1))]
            j = 0
            while j < len(params):
                n = params[j]
                if n == 0:
                    st = {"fg": None, "bg": None, "bold": False, "reverse": False}
                elif n == 1:
                    st["bold"] = True
                elif n == 22:
                    st["bold"] = False
                elif n == 7:
                    st["reverse"] = True
                elif n == 27:
                    st["reverse"] = False
                elif n == 39:
                    st["fg"] = None
                elif n == 49:
                    st["bg"] = None
                elif 30 <= n <= 37 or 90 <= n <= 97:
                    st["fg"] = n
                elif 40 <= n <= 47 or 100 <= n <= 107:
                    st["bg"] = n
                elif n in (38, 48) and j + 1 < len(params):
                    span = 3 if params[j + 1] == 5 else 5 if params[j + 1] == 2 else 2
                    st["fg" if n == 38 else "bg"] = tuple(params[j:j + span])
                    j += span - 1
                j += 1
            i += m.end()
            continue
        if visible == index:
            return st
        visible += 1
        i += 1
    return st


def map_row_looks(capture, addr):
    """How the mapping row at addr is drawn: "selected" (black on cyan),
    "grew most" (reverse video in the growth colour, red), or "plain"; None
    when there is no such row."""
    text = plain(capture)
    line = map_row(text, addr)
    if line is None:
        return None
    st = sgr_state_at(capture[text.index(line)], 0)
    if st["bg"] == 46 and not st["reverse"]:
        return "selected"
    if st["reverse"] and st["fg"] in RED and st["bg"] is None:
        return "grew most"
    return "plain"


def near_mib(text, mib, tolerance=0.05):
    """Whether memtop's size text (optionally signed) is within tolerance of mib MiB."""
    return abs(parse_human(text.lstrip("+")) - mib * 1024) <= mib * 1024 * tolerance


def test_detail_view(tmux):
    """Enter opens the selected process's detail view with its mappings; the
    anonymous mapping that grows shows its ΔRSS and is highlighted; g groups;
    Esc returns to the list with the same process selected."""
    with Hold(128) as big, Mapper(8, 32, 16) as m, \
            Session(tmux, ("-d", DELAY, "-p", "%d,%d" % (big.pid, m.pid))) as p:
        p.wait("both children, the bigger first",
               lambda s: has_frame(s) and [r[0] for r in rows(s)] == [big.pid, m.pid])
        p.keys("Down")
        p.wait("Down selects the mapper",
               lambda c: selected_lines(c) == [header_index(plain(c)) + 2], escapes=True)
        p.keys("Enter")
        opened = lambda s: is_detail_of(s, m.pid) and map_row(s, m.anon_addr) is not None \
            and map_row(s, m.file_addr) is not None and "= smaps_rollup" in totals_line(s)
        s = p.wait("Enter: the mapper's detail view", opened)
        me = pwd.getpwuid(os.geteuid()).pw_name
        assert re.match(r"PID %d  mapper  state S \(sleeping\)  user %s  ppid %d  age \d+s"
                        % (m.pid, re.escape(me), os.getpid()), s[0]), s[0]
        rss, pss, uss, anon = memory_line(s)
        assert near_mib(anon, 32) and parse_human(rss) >= 40 * 1024 * 0.95, show(s)
        assert parse_human(pss) <= parse_human(rss) and parse_human(uss) <= parse_human(rss), show(s)
        assert any(line.startswith("anonymous + swap, last ") for line in s), show(s)
        head = s[map_header_index(s)].split()
        assert head == ["ADDRESS", "PERM", "SIZE", "RSS", "PSS", "DIRTY", "ANON", "SWAP",
                        "\u0394RSS", "NAME"], head
        a, f = map_row(s, m.anon_addr), map_row(s, m.file_addr)
        assert map_name(s, a) == "[anon]" and a.split()[1] == "rw-p", a
        for title in ("SIZE", "RSS", "ANON", "DIRTY"):
            assert near_mib(map_cell(s, a, title), 32), "%s of the anonymous mapping: %r" % (title, a)
        assert map_name(s, f) == m.file_path and f.split()[1] == "r--s", f
        assert near_mib(map_cell(s, f, "RSS"), 8) and map_cell(s, f, "ANON") == "0K", f
        total = re.match(r"Total of (\d+) mappings: RSS (\S+) ", totals_line(s))
        with open("/proc/%d/maps" % m.pid) as maps:
            assert total and int(total.group(1)) == len(maps.readlines()), totals_line(s)
        # Sorted by RSS: the anonymous mapping is first and selected; move the
        # selection off it so its highlight shows.
        assert map_rows(s)[0][0] == int(m.anon_addr, 16), show(s)
        p.keys("j")
        p.wait("j moves the selection off the anonymous mapping", lambda c: map_row_looks(
            c, m.anon_addr) == "plain" and map_row_looks(c, m.file_addr) == "selected", escapes=True)
        assert "grew most" not in p.screen()[-1], "highlighted before anything grew"
        m.grow()
        grown = lambda s: near_mib(map_cell(s, map_row(s, m.anon_addr), "\u0394RSS"), 16) \
            and near_mib(map_cell(s, map_row(s, m.anon_addr), "SIZE"), 48)
        s = p.wait("the anonymous mapping grew by 16M", grown)
        assert map_cell(s, map_row(s, m.anon_addr), "\u0394RSS").startswith("+"), show(s)
        assert map_cell(s, map_row(s, m.file_addr), "\u0394RSS") == "0", show(s)
        assert "(highlighted: grew most since opened)" in s[-1], s[-1]
        c = p.wait("the grown mapping is highlighted", lambda c: map_row_looks(
            c, m.anon_addr) == "grew most", escapes=True)
        looks = [map_row_looks(c, "%x" % start) for start, _ in map_rows(plain(c))]
        assert looks.count("grew most") == 1 and looks.count("selected") == 1, looks
        p.keys("g")
        s = p.wait("g: grouped by name", lambda s: s[map_header_index(s)].split()[:3]
                   == ["FIRST", "AT", "N"] and "g ungroup" in s[-1])
        groups = {map_name(s, line): line for _, line in map_rows(s)}
        assert len(groups) == len(map_rows(s)), "a name twice:\n" + show(s)
        assert map_cell(s, groups[m.file_path], "N") == "1", groups[m.file_path]
        # The guard page, the mapping and the room to grow at least.
        anon_group = groups["[anon]"]
        assert int(map_cell(s, anon_group, "N")) >= 3, anon_group
        assert near_mib(map_cell(s, anon_group, "\u0394RSS"), 16), anon_group
        assert re.match(r"Total of %s mappings" % total.group(1), totals_line(s)), totals_line(s)
        p.keys("Escape")
        p.wait("Esc: back on the list, the mapper still selected", lambda c: has_frame(plain(c))
               and [r[0] for r in rows(plain(c))] == [big.pid, m.pid]
               and selected_lines(c) == [header_index(plain(c)) + 2], escapes=True)


def test_detail_exited(tmux):
    """The viewed process exits: EXITED, and its last data stays on screen."""
    with Mapper(4, 8) as m, Session(tmux, ("-d", DELAY, "-p", str(m.pid))) as p:
        p.wait("the mapper", lambda s: has_frame(s) and [r[0] for r in rows(s)] == [m.pid])
        p.keys("Enter")
        s = p.wait("its detail view", lambda s: is_detail_of(s, m.pid)
                   and map_row(s, m.anon_addr) is not None and "= smaps_rollup" in totals_line(s))
        assert "EXITED" not in s[0], s[0]
        # Its own RSS and anonymous memory; PSS moves as others map libc.
        rss, _, _, anon = memory_line(s)
        m.stop()                          # closes its stdin and reaps it
        still = lambda s: is_detail_of(s, m.pid) and "EXITED" in s[0] \
            and memory_line(s)[::3] == (rss, anon) \
            and map_row(s, m.anon_addr) is not None and map_row(s, m.file_addr) is not None \
            and near_mib(map_cell(s, map_row(s, m.anon_addr), "RSS"), 8) \
            and totals_line(s).startswith("Total of ")
        p.wait("EXITED, with its last data", still)
        p.hold("the last data stays for three intervals", still, 3 * float(DELAY))
        p.keys("Escape")
        p.wait("Esc: back on the list, without it", lambda s: has_frame(s) and not rows(s))


def test_alloc_sites_screen(tmux):
    """a in the detail view opens the process's allocation-sites screen: a
    session, or one line saying why there is none (a memtop built without
    BPF: not built; not root...), never a crash; its help comes back to it;
    a returns to the detail view; q q quits with the terminal restored."""
    with Hold(8) as h, Session(tmux, ("-d", "0.2", "-p", str(h.pid))) as p:
        p.wait("the holder", lambda s: has_frame(s) and [r[0] for r in rows(s)] == [h.pid])
        p.keys("Enter")
        p.wait("its detail view, a in the footer", lambda s: is_detail_of(s, h.pid) and "a alloc sites" in s[-1])
        p.keys("a")
        title = "Allocation sites of %d " % h.pid
        opened = lambda s: s[0].startswith(title) and (s[3].startswith("Not attached: ") or "racking" in s[1])
        s = p.wait("a: the allocation-sites screen", opened)
        if s[3].startswith("Not attached: "):
            reason = s[3][len("Not attached: "):].strip()
            assert not bpf_expected(), "the probes did not attach: " + reason
            assert reason, show(s)
            assert not any("BYTES" in line for line in s), "a table without a session:\n" + show(s)
            print("  (not attached: %s)" % reason)
        else:
            assert any(line.startswith("  BYTES  COUNT OLDEST  GROWTH") for line in s), show(s)
        assert "back (detaches)" in s[-1], s[-1]
        p.hold("it stays up over the ticks", lambda s: s[0].startswith(title), 5 * 0.2)
        p.keys("h")
        p.wait("h: its keys", lambda s: any("detach and go back to the detail view" in line for line in s))
        p.keys("x")
        p.wait("any key: back on the screen", lambda s: s[0].startswith(title))
        p.keys("a")
        p.wait("a again: back in the detail view", lambda s: is_detail_of(s, h.pid) and "a alloc sites" in s[-1])
        p.keys("a")
        p.wait("a: the screen again", opened)
        p.keys("Escape")
        p.wait("Esc: back in the detail view", lambda s: is_detail_of(s, h.pid))
        p.keys("q")
        p.wait("q: the list", lambda s: has_frame(s) and rows(s))
        p.keys("q")
        check_restored(p)


def test_alloc_sites_options_and_limit(tmux):
    """--alloc-every, --alloc-min-size and --alloc-limit reach the screen's
    session: its mode line states the sampling, and the time limit ends it
    ("Ended: time limit reached"), its rows kept. Where memtop cannot attach
    (not root, built without BPF) only the one line is checked."""
    with Hold(8) as h, Session(tmux, ("-d", "0.2", "-p", str(h.pid), "--alloc-every", "8",
                                      "--alloc-min-size", "1K", "--alloc-limit", "2")) as p:
        p.wait("the holder", lambda s: has_frame(s) and [r[0] for r in rows(s)] == [h.pid])
        p.keys("Enter")
        p.wait("its detail view", lambda s: is_detail_of(s, h.pid))
        p.keys("a")
        title = "Allocation sites of %d " % h.pid
        s = p.wait("a: the allocation-sites screen", lambda s: s[0].startswith(title)
                   and (s[3].startswith("Not attached: ") or "racking" in s[1]))
        if s[3].startswith("Not attached: "):
            assert not bpf_expected(), "the probes did not attach: " + s[3]
            print("  (not attached: %s)" % s[3][len("Not attached: "):].strip())
        else:
            assert re.search(r"racking 1 in 8 allocations (>=|\u2265) 1K: estimates", s[1]), show(s)
            assert re.search(r"detaches in [0-2]s", s[0]), s[0]
            s = p.wait("the time limit ends it", lambda s: s[3].startswith("Ended: time limit reached"))
            assert "detached" in s[0] and "detaches in" not in s[0], s[0]
            assert any(line.startswith("  BYTES  COUNT OLDEST  GROWTH") for line in s), show(s)
        p.keys("q")
        p.wait("q: the detail view", lambda s: is_detail_of(s, h.pid))
        p.keys("a")
        p.wait("a: the screen again, attached again", lambda s: s[0].startswith(title)
               and not s[3].startswith("Ended"))
        p.keys("F10")                     # quits from the screen: detaches on the way out
        check_restored(p)


def bpf_links_held(pid):
    """The BPF link ids process pid holds open (its fdinfo)."""
    links = set()
    fddir = "/proc/%d/fdinfo" % pid
    for fd in os.listdir(fddir):
        try:
            with open(os.path.join(fddir, fd)) as f:
                for line in f:
                    if line.startswith("link_id:"):
                        links.add(int(line.split(":", 1)[1]))
        except OSError:
            continue
    return links


def kernel_links():
    out = subprocess.run(["bpftool", "-j", "link", "list"], capture_output=True, text=True, check=True).stdout
    return {e["id"] for e in json.loads(out or "[]")}


def test_alloc_sites_live_leak(tmux):
    """As root, with the probes built: a on a process leaking 64 KiB/s from
    leak_site() among malloc/free churn shows leak_site's stack on top,
    flagged (the process list's leak mark), its bytes growing, its stack
    below; memtop holds BPF links while attached and none after a, and the
    kernel lists none of them a moment later; the target runs on."""
    if not bpf_expected():
        print("  (skipped, MEMTOP_SKIP_BPF=1)")
        return
    with workload.Workload([ALLOCLEAK], registry=CHILDREN, timeout=WAIT) as w, \
            Session(tmux, ("-d", "0.2", "-p", str(w.pid))) as p:
        p.wait("the leaker", lambda s: has_frame(s) and [r[0] for r in rows(s)] == [w.pid])
        p.keys("Enter")
        p.wait("its detail view", lambda s: is_detail_of(s, w.pid))
        p.keys("a")
        title = "Allocation sites of %d " % w.pid
        p.wait("a: attached", lambda s: s[0].startswith(title) and "racking every allocation" in s[1])
        links = bpf_links_held(p.memtop_pid())
        assert links, "memtop holds no BPF link while attached"
        assert links <= kernel_links(), (links, kernel_links())

        def leak_on_top(s):
            table = [i for i, line in enumerate(s) if line.startswith("  BYTES  COUNT OLDEST  GROWTH")]
            return table and len(s) > table[0] + 1 and "leak_site+0x" in s[table[0] + 1] \
                and "\u25b2" in s[table[0] + 1]
        s = p.wait("leak_site on top, flagged", leak_on_top, timeout=LEAK_WAIT)
        assert any(re.match(r"^> +0 leak_site\+0x[0-9a-f]+ +allocleak$", line) for line in s), show(s)
        p.keys("a")
        p.wait("a: back in the detail view", lambda s: is_detail_of(s, w.pid))
        assert not bpf_links_held(p.memtop_pid()), "memtop still holds BPF links after the detach"
        deadline = time.monotonic() + 3
        while links & kernel_links() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not links & kernel_links(), "the kernel still lists links %r" % (links & kernel_links())
        assert w.proc.poll() is None, "the target died"
        p.keys("q")
        p.wait("q: the list", lambda s: has_frame(s) and rows(s))
        p.keys("q")
        check_restored(p)


def test_detail_many_mappings_memory(tmux):
    """The detail view of a process with 20,000 mappings costs memtop at most
    300 bytes a mapping while open, and leaving it gives the memory back:
    RSS within 1 MiB of what it was before opening."""
    count = 20000
    with workload.Workload([MANYMAPS, str(count)], registry=CHILDREN, timeout=WAIT) as w, \
            Session(tmux, ("-d", DELAY, "-p", str(w.pid))) as p:
        p.wait("the workload", lambda s: has_frame(s) and [r[0] for r in rows(s)] == [w.pid])
        pid = p.memtop_pid()
        time.sleep(4 * float(DELAY))
        before = vm_rss_kb(pid)
        p.keys("Enter")
        p.wait("its detail view with every mapping", lambda s: is_detail_of(s, w.pid) and re.match(
            r"Total of (\d+) mappings", totals_line(s)) and int(re.match(
                r"Total of (\d+) mappings", totals_line(s)).group(1)) >= count)
        time.sleep(4 * float(DELAY))           # a few re-reads
        opened = vm_rss_kb(pid)
        p.keys("Escape")
        p.wait("back on the list", lambda s: has_frame(s) and [r[0] for r in rows(s)] == [w.pid])
        time.sleep(4 * float(DELAY))
        after = vm_rss_kb(pid)
    per_mapping = (opened - before) * 1024.0 / count
    problems = []
    if per_mapping > 300:
        problems.append("%.0f bytes a mapping while open" % per_mapping)
    if after - before > 1024:
        problems.append("%d KiB more after leaving the view than before opening it" % (after - before))
    assert not problems, "%s (RSS %d KiB before, %d KiB open, %d KiB after)" % (
        "; ".join(problems), before, opened, after)


def test_cgroup_column(tmux):
    """C shows the CGROUP column (the cgroup that governs memory) and hides it again."""
    with Hold(1, comm=CHILD_COMM.encode()) as child, Session(tmux, ("-d", DELAY, "-p", "%d" % child.pid)) as p:
        p.wait("the child", lambda s: has_frame(s) and [r[0] for r in rows(s)] == [child.pid])
        with open("/proc/%d/cgroup" % child.pid) as f:
            lines = [line.rstrip("\n").split(":", 2) for line in f]
        memory = [l[2] for l in lines if "memory" in l[1].split(",")]
        want = memory[0] if memory else [l[2] for l in lines if l[0] == "0"][0]
        p.keys("C")
        p.wait("C: the CGROUP column with the child's cgroup",
               lambda s: "CGROUP" in s[header_index(s)].split()
               and left_cell(s, row_of(s, child.pid)[2], "CGROUP") == want[:24].strip())
        p.keys("C")
        p.wait("C again: no CGROUP column", lambda s: has_frame(s) and "CGROUP" not in s[header_index(s)])


def test_pressure_trigger_wakes_before_the_tick(tmux):
    """With a 20 s refresh interval, memory pressure (a process thrashing in a
    32 MiB cgroup) must bring the MEMORY PRESSURE banner well before the next
    tick: the PSI trigger wakes the loop."""
    import cgroup                         # tests/common/cgroup.py; CgroupError fails the test
    with Session(tmux, ("-d", "20")) as p:
        p.wait_table()
        p.keys("h")
        p.wait("the help screen", lambda s: any("invert the sort order" in line for line in s))
        p.keys("NPage")                   # the trigger's line ends the help, which may scroll
        help_screen = p.wait("the help screen's end", lambda s: any("PSI trigger" in line for line in s))
        line = [l for l in help_screen if "PSI trigger" in l][0]
        assert "wakes the screen at once" in line, "no trigger registered: %r" % line
        p.keys("q")
        p.wait("back on the list", has_frame)
        start = time.monotonic()
        with cgroup.PressureCgroup(32):
            p.wait("the pressure banner", lambda s: "MEMORY PRESSURE at" in s[3], timeout=15)
        woke = time.monotonic() - start
        assert woke < 15, "banner after %.1f s" % woke


def test_detail_zombie(tmux):
    """The viewed process exits but is not reaped yet (a zombie, with no
    memory left): EXITED, with its last data rather than zeros."""
    with Mapper(4, 8) as m, Session(tmux, ("-d", DELAY, "-p", str(m.pid))) as p:
        p.wait("the mapper", lambda s: has_frame(s) and [r[0] for r in rows(s)] == [m.pid])
        p.keys("Enter")
        s = p.wait("its detail view", lambda s: is_detail_of(s, m.pid)
                   and map_row(s, m.anon_addr) is not None and "= smaps_rollup" in totals_line(s))
        rss, _, _, anon = memory_line(s)
        m.proc.stdin.close()              # it exits; nobody waits for it yet
        deadline = time.monotonic() + WAIT
        while open("/proc/%d/stat" % m.pid).read().rsplit(")", 1)[1].split()[0] != "Z":
            assert time.monotonic() < deadline, "the mapper did not exit"
            time.sleep(POLL)
        still = lambda s: is_detail_of(s, m.pid) and "EXITED" in s[0] \
            and memory_line(s)[::3] == (rss, anon) and map_row(s, m.anon_addr) is not None
        p.wait("EXITED while a zombie, with its last data", still)
        p.hold("the last data stays", still, 3 * float(DELAY))


def test_detail_permission_denied(tmux):
    """smaps of another user's process: the view says why and still shows the
    memory line. As root: memtop as nobody against a root-owned mapper;
    otherwise memtop against pid 1, which is root's."""
    if os.geteuid() == 0:
        m = Mapper(1, 16)
        pid, command = m.pid, ["sh", "-c", WRAPPER, "memtop"] + NOBODY + [MEMTOP, "-d", DELAY,
                                                                           "-p", str(m.pid)]
    else:
        m, pid, command = None, 1, None
    try:
        with Session(tmux, ("-d", DELAY, "-p", str(pid)), command=command) as p:
            p.wait_table()
            if m is not None:
                with open("/proc/%d/status" % p.memtop_pid()) as f:
                    uid = [line.split()[1] for line in f if line.startswith("Uid:")]
                assert uid == [str(pwd.getpwnam("nobody").pw_uid)], "memtop runs as uid %r" % uid
            p.keys("Enter")
            s = p.wait("the permission message", lambda s: is_detail_of(s, pid) and any(
                "permission denied: run as root or as the process owner" in line for line in s))
            rss, pss, uss, anon = memory_line(s)
            assert parse_human(rss) > 0 and pss == uss == "n/a", show(s)
            if m is not None:
                assert near_mib(anon, 16), show(s)
            assert not map_rows(s) and "EXITED" not in s[0], show(s)
    finally:
        if m is not None:
            m.stop()


# --- themes and settings --------------------------------------------------------

def colour_codes(capture):
    """The SGR parameters in a capture -e that set a colour (30-38, 40-48,
    90-97, 100-107 with their 38/48 arguments), as a set of strings."""
    found = set()
    for line in capture:
        for m in re.finditer(r"\x1b\[([0-9;:]*)m", line):
            params = [x for x in re.split("[;:]", m.group(1))]
            j = 0
            while j < len(params):
                n = int(params[j] or 0)
                if n in (38, 48) and j + 1 < len(params):
                    span = 3 if params[j + 1] == "5" else 5 if params[j + 1] == "2" else 2
                    found.add(";".join(params[j:j + span]))
                    j += span
                    continue
                if 30 <= n <= 37 or 40 <= n <= 47 or 90 <= n <= 97 or 100 <= n <= 107:
                    found.add(str(n))
                j += 1
    return found


def attribute_codes(capture):
    """The SGR attribute parameters (1 bold, 2 dim, 4 underline, 7 reverse) in a capture -e."""
    found = set()
    for line in capture:
        for m in re.finditer(r"\x1b\[([0-9;:]*)m", line):
            found |= {x for x in re.split("[;:]", m.group(1)) if x in ("1", "2", "4", "7")}
    return found


def theme_names():
    """The themes memtop lists (memtop --list-themes), in its order."""
    out = subprocess.run([MEMTOP, "--list-themes"], capture_output=True, text=True, check=True,
                         env=dict(os.environ, XDG_CONFIG_HOME=tempfile.gettempdir() + "/memtop-none"))
    return [line.split()[0] for line in out.stdout.splitlines()]


def test_theme_key_cycles_colours(tmux):
    """t switches to the next theme at once: the status line names it and the
    colour codes on screen change; cycling reaches mono, which has none."""
    names = theme_names()
    assert names[0] == "default" and "mono" in names and len(names) >= 6, names
    with Session(tmux) as p:
        p.wait_table()
        before = colour_codes(p.screen(escapes=True))
        assert before, "the default theme drew no colours"
        p.keys("t")
        after = p.wait("the next theme", lambda c: "theme %s (2 of %d)" % (names[1], len(names))
                       in plain(c)[2] and colour_codes(c) != before, escapes=True)
        assert colour_codes(after) - before, "no new colour after t: %s" % sorted(colour_codes(after))
        for i in range(2, names.index("mono") + 1):
            p.keys("t")
            p.wait("theme %s" % names[i], lambda c, i=i: "theme %s (%d of %d)" % (names[i], i + 1, len(names))
                   in plain(c)[2], escapes=True)
        s = p.wait("mono's screen", lambda c: not colour_codes(c) and has_frame(plain(c)), escapes=True)
        assert "7" in attribute_codes(s), "mono lost its reverse-video table header"


def check_monochrome(tmux, args, env, what):
    """memtop started with args and env draws attributes but no colour."""
    with Session(tmux, args, env=env) as p:
        p.wait_table()
        # Three refreshes, so anything drawn later (sparklines, growth) counts too.
        deadline = time.monotonic() + 3 * float(DELAY)
        s = p.screen(escapes=True)
        while time.monotonic() < deadline:
            s = p.screen(escapes=True)
            assert not colour_codes(s), "%s: colour codes %s on screen:\n%s" % (
                what, sorted(colour_codes(s)), show(s))
            time.sleep(POLL)
        assert {"1", "7"} <= attribute_codes(s), "%s: no bold/reverse either" % what


def test_theme_mono_has_no_colour(tmux):
    check_monochrome(tmux, ("-d", DELAY, "--theme", "mono"), None, "--theme mono")


def test_no_color_env_has_no_colour(tmux):
    """NO_COLOR=1 means mono; a theme named on the command line still wins."""
    check_monochrome(tmux, ("-d", DELAY), {"NO_COLOR": "1"}, "NO_COLOR=1")
    with Session(tmux, ("-d", DELAY, "--theme", "dracula"), env={"NO_COLOR": "1"}) as p:
        p.wait("dracula's colours", lambda c: any(code.startswith("38;5;") for code in colour_codes(c)),
               escapes=True)


def test_broken_theme_reports_once_and_falls_back(tmux):
    """A theme with a bad line: "memtop: FILE:LINE: reason" once on stderr and
    on the status line; the other roles apply, the bad one keeps the default."""
    with tempfile.NamedTemporaryFile("w", suffix=".theme", delete=False) as f:
        f.write("# a test theme\nselection = black on yellow\nno.such.role = red\n"
                "table.header = purple-ish\n")
    try:
        with Session(tmux, ("-d", DELAY, "--theme", f.name)) as p:
            s = p.wait("the problem on the status line",
                       lambda c: "%s:3: unknown key 'no.such.role'" % os.path.basename(f.name)
                       in plain(c)[2] and has_frame(plain(c)), escapes=True)
            sel = [line for line in s if "\x1b[43m" in line]      # yellow background: the selection
            assert sel, "the good role (selection on yellow) did not apply:\n" + show(s)
            hdr = header_index(plain(s))
            assert sgr_state_at(s[hdr], 1)["bg"] == 42, "table.header lost the default's green"
            p.keys("q")
            out = check_restored(p)
        text = "\n".join(out)
        for line_no, reason in ((3, "unknown key 'no.such.role'"),
                                (4, "unknown colour or attribute 'purple-ish'")):
            msg = "memtop: %s:%d: %s" % (f.name, line_no, reason)
            assert text.count(msg) == 1, "want %r once on stderr:\n%s" % (msg, show(out))
    finally:
        os.unlink(f.name)


def test_write_settings_then_restart_keeps_them(tmux):
    """W writes memtoprc (sort key, order, theme); a new memtop starts with
    them; a command-line -s still wins over the file."""
    with tempfile.TemporaryDirectory(prefix="memtop-e2e-w-") as home:
        env = {"XDG_CONFIG_HOME": home}
        rc = os.path.join(home, "memtop", "memtoprc")
        with Session(tmux, ("-d", DELAY), env=env) as p:
            p.wait_table()
            p.keys("G")
            p.wait("sorted by growth", lambda s: "Sort: growth" in status(s))
            p.keys("t")
            p.wait("theme 2", lambda s: "(2 of" in status(s))
            p.keys("W")
            p.wait("written", lambda s: "settings written to %s" % rc in status(s))
            p.keys("q")
            check_restored(p)
        with open(rc) as f:
            text = f.read()
        assert "sort = growth\n" in text and "order = descending\n" in text, text
        assert [n for n in os.listdir(os.path.dirname(rc)) if n != "memtoprc"] == [], \
            "temporary files left: %s" % os.listdir(os.path.dirname(rc))
        theme = re.search(r"^theme = (\S+)$", text, re.M).group(1)
        assert theme == theme_names()[1], text
        with Session(tmux, ("-d", DELAY), env=env) as p:
            p.wait("growth sort after restart", lambda s: has_frame(s) and "Sort: growth" in status(s))
            p.keys("t")
            p.wait("the saved theme is current", lambda s: "(3 of" in status(s))
        with Session(tmux, ("-d", DELAY, "-s", "pid"), env=env) as p:
            p.wait("-s wins over memtoprc", lambda s: has_frame(s) and "Sort: pid" in status(s))


def test_write_settings_asks_before_overwriting_a_broken_file(tmux):
    """A memtoprc with a bad line is reported (file:line) and W writes it
    only when pressed a second time, keeping the bad line as it was."""
    with tempfile.TemporaryDirectory(prefix="memtop-e2e-w-") as home:
        os.makedirs(os.path.join(home, "memtop"))
        rc = os.path.join(home, "memtop", "memtoprc")
        with open(rc, "w") as f:
            f.write("sort = pid\ncolour = yes\n")
        with Session(tmux, ("-d", DELAY), env={"XDG_CONFIG_HOME": home}) as p:
            p.wait("the good line applies, the bad one is reported",
                   lambda s: has_frame(s) and "Sort: pid" in status(s)
                   and "%s:2: unknown setting 'colour'" % rc in status(s))
            p.keys("W")
            p.wait("W asks first", lambda s: "press W again to write memtoprc anyway, keeping its bad "
                   "lines (" in status(s))
            with open(rc) as f:
                assert f.read() == "sort = pid\ncolour = yes\n", "overwritten without asking"
            p.keys("W")
            p.wait("then writes", lambda s: "settings written to" in status(s))
        with open(rc) as f:
            text = f.read()
        assert text.startswith("sort = pid\ncolour = yes\n") and "\ninterval = " in text, text


def test_write_settings_through_a_symlink(tmux):
    """W on a memtoprc that is a symbolic link (a dotfiles manager's) writes
    its target, keeps the link, the target's comment and its mode."""
    with tempfile.TemporaryDirectory(prefix="memtop-e2e-w-") as home:
        os.makedirs(os.path.join(home, "memtop"))
        os.makedirs(os.path.join(home, "dotfiles"))
        rc = os.path.join(home, "memtop", "memtoprc")
        target = os.path.join(home, "dotfiles", "memtoprc")
        with open(target, "w") as f:
            f.write("# mine\nsort = pid\n")
        os.chmod(target, 0o600)
        os.symlink("../dotfiles/memtoprc", rc)
        with Session(tmux, ("-d", DELAY), env={"XDG_CONFIG_HOME": home}) as p:
            p.wait("the linked file applies", lambda s: has_frame(s) and "Sort: pid" in status(s))
            p.keys("G")
            p.wait("sorted by growth", lambda s: "Sort: growth" in status(s))
            p.keys("W")
            p.wait("written", lambda s: "settings written to %s" % rc in status(s))
        assert os.readlink(rc) == "../dotfiles/memtoprc", "the link was replaced"
        with open(target) as f:
            text = f.read()
        assert text.startswith("# mine\nsort = growth\n"), text
        assert os.stat(target).st_mode & 0o7777 == 0o600, oct(os.stat(target).st_mode)
        assert sorted(os.listdir(os.path.dirname(target))) == ["memtoprc"], \
            "temporary files left: %s" % os.listdir(os.path.dirname(target))


# --- signals -------------------------------------------------------------------------

KILL_COMM = "e2ekill%d" % (os.getpid() % 100000)


def filter_to(p, comm, pid):
    """Filters the table down to the one process named comm (pid), selected."""
    p.keys("/")
    p.type(comm)
    p.keys("Enter")
    p.wait("only %s" % comm, lambda s: [r[0] for r in rows(s)] == [pid] and s[-1].startswith("qQuit"))


def test_signal_key_names_the_process_and_sends(tmux):
    """k asks for confirmation naming the selected process, Left/Right pick
    the signal, Esc sends nothing, Enter sends the one shown."""
    with Hold(1, comm=KILL_COMM.encode()) as child, Session(tmux) as p:
        p.wait_table()
        filter_to(p, KILL_COMM, child.pid)
        p.keys("k")
        ask = "Send SIG%%s to %d (%s)?" % (child.pid, KILL_COMM)
        p.wait("the prompt names it, TERM first", lambda s: s[-1].startswith(ask % "TERM"))
        p.keys("Right")
        p.wait("Right: KILL", lambda s: s[-1].startswith(ask % "KILL"))
        p.keys("Left")
        p.wait("Left: TERM again", lambda s: s[-1].startswith(ask % "TERM"))
        p.keys("Escape")
        p.wait("Esc: no prompt", lambda s: s[-1].startswith("qQuit"))
        assert child.proc.poll() is None, "Esc sent a signal"
        p.keys("k")
        p.wait("asked again", lambda s: s[-1].startswith(ask % "TERM"))
        p.keys("Enter")
        p.wait("sent", lambda s: "sent SIGTERM to %d" % child.pid in status(s))
        assert child.proc.wait(WAIT) == -signal.SIGTERM, "the child did not die of SIGTERM"


def test_readonly_sends_nothing(tmux):
    """--readonly: k and F9 only say that signals are off."""
    with Hold(1, comm=KILL_COMM.encode()) as child, \
            Session(tmux, ("-d", DELAY, "--readonly")) as p:
        p.wait_table()
        filter_to(p, KILL_COMM, child.pid)
        for key in ("k", "F9"):
            p.keys(key)
            p.wait("%s: read-only" % key, lambda s: "read-only: sending signals is off" in status(s)
                   and s[-1].startswith("qQuit"))
        assert child.proc.poll() is None, "--readonly sent a signal"


def test_burst_names_follow_without_waiting_for_a_tick(tmux):
    """A burst of new processes at start is listed from stat and statm first;
    their command lines are read in the idle time right after the first frame,
    not a page per tick: with a 60 s interval, all are found by command line
    well before the next tick."""
    marker, count = "e2e-burst-marker", 300
    procs = []
    try:
        for _ in range(count):
            procs.append(subprocess.Popen([marker, "3600"], executable="/bin/sleep",
                                          stdin=subprocess.DEVNULL))
        with Session(tmux, ("-d", "60")) as p:
            p.wait_table()
            p.keys("/")
            p.type(marker)
            p.wait("every one found by its command line before the next tick",
                   lambda s: 'Filter: "%s" (%d shown)' % (marker, count) in status(s))
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait()


LONG_END = "e2e-long-end-%d" % (os.getpid() % 100000)
CUT_MARK = "\u2026"                      # a command line memtop cut (UTF-8 locale)


def test_long_command_line_marked_in_list(tmux):
    """A command line longer than the 32 KiB the list keeps ends in the cut
    mark in COMMAND; one only wider than the column is cut without it; and
    when what was kept fits the column (32 KiB of empty arguments, which
    show as nothing), the mark sits right after it, where the cut is."""
    with Waiter("x" * 40000 + LONG_END) as long, Waiter("short", "x" * 300) as wide, \
            Waiter(*([""] * 33000 + [LONG_END])) as padded, \
            Session(tmux, ("-d", DELAY, "-s", "pid", "-p", "%d,%d,%d" % (long.pid, wide.pid, padded.pid))) as p:
        s = p.wait("the three processes", lambda s: has_frame(s) and len(rows(s)) == 3
                   and all(command(s, r[2]).startswith("sh -c read") for r in rows(s)))
        cmd = {pid: command(s, line) for pid, _, line in rows(s)}
        width = WIDTH - s[header_index(s)].index("COMMAND")
        assert cmd[long.pid].endswith("x" + CUT_MARK) and display_width(cmd[long.pid]) == width, \
            "the long one: %r\n%s" % (cmd[long.pid], show(s))
        assert CUT_MARK not in cmd[wide.pid] and display_width(cmd[wide.pid]) == width, \
            "the wide one: %r\n%s" % (cmd[wide.pid], show(s))
        want = " ".join(Waiter.START) + CUT_MARK
        assert cmd[padded.pid] == want, "the padded one: %r, want %r\n%s" % (cmd[padded.pid], want, show(s))


def command_page(lines):
    """(first, last, count) of the detail view's whole command line (c), from
    its footer "lines A-B of N", or None."""
    m = re.search(r"lines (\d+)-(\d+) of (\d+)$", lines[-1]) if lines else None
    return tuple(int(x) for x in m.groups()) if m else None


def read_command_pages(p, pid):
    """Pages through the detail view's whole command line with PgDn and
    returns its screen lines (from column 8, padded to the full width but
    the last) and the screen at the end."""
    text, width = [], WIDTH - 8
    s = p.wait("c: the whole command line", lambda s: is_detail_of(s, pid) and command_page(s)
               and command_page(s)[0] == 1)
    while True:
        first, last, count = command_page(s)
        assert len(text) >= first - 1, "a page skipped lines: %s after %d\n%s" % (
            command_page(s), len(text), show(s))
        for k in range(len(text) + 1, last + 1):
            text.append(s[2 + k - first][8:].ljust(width))
        if last == count:
            return text, s
        p.keys("PgDn")
        s = p.wait("PgDn: the next page", lambda s: command_page(s) and command_page(s)[1] > last)


def test_detail_whole_command_line(tmux):
    """The detail view shows the whole command line, not the 32 KiB the list
    keeps: c fills the view with it, PgDn pages through it to the end of a
    40 KiB argument, Home and End jump; one beyond the 256 KiB memtop reads
    ends in the cut mark; c again returns to the mappings."""
    with Waiter("x" * 40000 + LONG_END) as long, Waiter(*(["y" * 100000] * 3)) as huge, \
            Session(tmux, ("-d", DELAY, "-s", "pid", "-p", "%d,%d" % (long.pid, huge.pid))) as p:
        p.wait("both", lambda s: has_frame(s) and [r[0] for r in rows(s)] == [long.pid, huge.pid])
        p.keys("Enter")
        s = p.wait("its detail view", lambda s: is_detail_of(s, long.pid) and totals_line(s))
        assert "c command" in s[-1], s[-1]
        p.keys("c")
        lines, s = read_command_pages(p, long.pid)
        got = "".join(lines).rstrip()
        assert got == long.cmdline(), "the command line read back has %d characters, want %d; " \
            "the end: %r" % (len(got), len(long.cmdline()), got[-80:])
        assert s[2 + command_page(s)[1] - command_page(s)[0]][8:].endswith("x" + LONG_END), show(s)
        p.keys("Home")
        p.wait("Home: the first line", lambda s: command_page(s) and command_page(s)[0] == 1
               and s[2].startswith("command sh -c read"))
        p.keys("End")
        p.wait("End: the last line", lambda s: command_page(s) and command_page(s)[1] == command_page(s)[2]
               and any(line.endswith(LONG_END) for line in s))
        p.keys("c")
        p.wait("c again: the mappings", lambda s: is_detail_of(s, long.pid) and totals_line(s))
        p.keys("Escape")
        p.wait("Esc: the list", lambda s: has_frame(s) and len(rows(s)) == 2)
        p.keys("Down")
        p.keys("Enter")
        p.wait("the huge one's detail view", lambda s: is_detail_of(s, huge.pid))
        p.keys("c")
        p.wait("c: its command line", lambda s: command_page(s))
        p.keys("End")
        s = p.wait("End: the cut mark after the 256 KiB memtop reads", lambda s: command_page(s)
                   and command_page(s)[1] == command_page(s)[2]
                   and s[2 + command_page(s)[1] - command_page(s)[0]][8:]
                   == CUT_MARK + " cut: memtop reads at most 256 KiB of a command line")
        shown = s[2 + command_page(s)[1] - command_page(s)[0] - 1][8:]
        assert shown.strip(" y") == "", "the line before the mark: %r" % shown
        # 256 KiB of its 300,000 bytes, 112 columns a line, and the mark.
        want = -(-(256 * 1024) // (WIDTH - 8)) + 1
        assert command_page(s)[2] == want, "%s lines, want %d" % (command_page(s), want)


# --- the cgroup view (S) ------------------------------------------------------------
#
# Line 0 is its status line ("Cgroups: N  Sort: usage ▼"), line 1 the column
# titles (NAME first), rows below down to the footer; PATH is the last column.

def memory_cgroup_of(pid):
    """The cgroup memtop shows for pid: the memory controller's path on cgroup
    v1 (its "memory" line), else the unified hierarchy's ("0::")."""
    with open("/proc/%d/cgroup" % pid) as f:
        lines = [line.rstrip("\n").split(":", 2) for line in f]
    memory = [l[2] for l in lines if "memory" in l[1].split(",")]
    return memory[0] if memory else [l[2] for l in lines if l[0] == "0"][0]


def is_cgroup_view(lines):
    return (len(lines) > 3 and lines[0].startswith("Cgroups: ") and lines[1].split()[:1] == ["NAME"]
            and "PATH" in lines[1])


def cgroup_rows(lines):
    """The cgroup view's rows as dicts: name, procs, path and line."""
    head = lines[1]
    out = []
    for line in lines[2:-1]:
        if not line.strip():
            break
        out.append({"name": line[:head.index("PROCS")].strip(),
                    "procs": int(line[:head.index("PROCS") + len("PROCS")].split()[-1]),
                    "path": line[head.index("PATH"):].strip(), "line": line})
    return out


def cgroup_row(lines, path):
    found = [r for r in cgroup_rows(lines) if r["path"] == path]
    return found[0] if found else None


def test_cgroup_view(tmux):
    """S lists the memory cgroups: memtop's own is there with its processes;
    sort keys order the rows; Enter on it shows the process list limited to
    that cgroup's processes (each one's CGROUP is that path); Esc shows all
    again."""
    with Session(tmux, width=200) as p:
        memtop = p.memtop_pid()
        own = memory_cgroup_of(memtop)
        p.wait_table()
        p.keys("S")
        s = p.wait("S: the cgroup view with memtop's own cgroup",
                   lambda s: is_cgroup_view(s) and cgroup_row(s, own) is not None
                   and cgroup_row(s, own)["procs"] >= 1)
        assert "Sort: usage \u25bc" in s[0], s[0]
        p.keys("P")
        s = p.wait("P: sorted by processes", lambda s: "Sort: procs \u25bc" in s[0])
        procs = [r["procs"] for r in cgroup_rows(s)]
        assert procs == sorted(procs, reverse=True), "PROCS not descending:\n" + show(s)
        p.keys("N")
        s = p.wait("N: sorted by name", lambda s: "Sort: name \u25b2" in s[0])
        names = [r["name"] for r in cgroup_rows(s)]
        assert names == sorted(names) and len(names) >= 1, "NAME not ascending:\n" + show(s)
        p.keys("I")
        s = p.wait("I: by name, Z to A", lambda s: "Sort: name \u25bc" in s[0])
        names = [r["name"] for r in cgroup_rows(s)]
        assert names == sorted(names, reverse=True), "NAME not descending:\n" + show(s)
        # Select memtop's cgroup: filter by its path, then go down to its row.
        p.keys("/")
        p.type(own)
        p.keys("Enter")
        s = p.wait("the filter on memtop's cgroup",
                   lambda s: "Filter:" in s[0] and cgroup_row(s, own) is not None)
        p.keys("Home", *["Down"] * cgroup_rows(s).index(cgroup_row(s, own)))
        p.wait("memtop's cgroup selected", lambda s: any(
            "\x1b[46m" in line and strip_sgr(line).rstrip().endswith(own) for line in s), escapes=True)
        p.keys("Enter")
        s = p.wait("Enter: the list limited to memtop's cgroup",
                   lambda s: has_frame(s) and ("Cgroup: %s (" % own) in status(s) and row_of(s, memtop))
        p.keys("C")
        s = p.wait("C: the CGROUP column", lambda s: "CGROUP" in s[header_index(s)].split()
                   and ("Cgroup: %s (" % own) in status(s))
        shown = int(re.search(r"Cgroup: .* \((\d+) shown\)", status(s)).group(1))
        listed = rows(s)
        assert listed and len(listed) == min(shown, page_rows(s)), show(s)
        for pid, _, line in listed:
            assert left_cell(s, line, "CGROUP") == own[:24].strip(), \
                "process %d is not in %s:\n%s" % (pid, own, show(s))
            try:
                actual = memory_cgroup_of(pid)
            except OSError:
                continue                    # exited since the capture
            assert actual == own, "process %d is in %s, not %s" % (pid, actual, own)
        p.keys("Escape")
        s = p.wait("Esc: every process again", lambda s: has_frame(s) and "Cgroup:" not in status(s)
                   and process_count(s) > shown)
        # And back to the cgroup view and out of it with q: the list, not quitting.
        p.keys("S")
        p.wait("S again: the cgroup view", is_cgroup_view)
        p.keys("q")
        p.wait("q: back on the list", has_frame)


# --- the tree view ---------------------------------------------------------------

TREE_MARK = "e2etree%d" % (os.getpid() % 100000)
# A shell with three children, one of them a shell with a child of its own:
#   sh (TREE_MARK) -> hold 8, hold 16, sh (TREE_MARK) -> hold 4
# Every hold reads the test's pipe (fd 3: an asynchronous list's stdin is
# /dev/null unless redirected), so closing it ends them all.
TREE_SCRIPT = ('exec 3<&0; '
               '"$HOLD" --comm "$COMM" 8 <&3 & '
               '"$HOLD" --comm "$COMM" 16 <&3 & '
               'sh -c \'"$HOLD" --comm "$COMM" 4 <&3 & wait\' "$0" <&3 & '
               'wait')


class ProcessTree:
    """The tree above, ready (every hold resident); a context manager that ends it.
    kids: the outer shell's children by what they are (hold8, hold16, inner);
    grandchild: the inner shell's hold."""

    def __init__(self):
        env = dict(os.environ, HOLD=HOLD, COMM=TREE_MARK.encode().hex())
        self.proc = subprocess.Popen(["sh", "-c", TREE_SCRIPT, TREE_MARK], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        self.pid = self.proc.pid
        deadline = time.monotonic() + WAIT
        while not self.ready():
            assert time.monotonic() < deadline, "the process tree did not start"
            time.sleep(POLL)

    def ready(self):
        parent = {p: int(f[1]) for p, f in proc_stats()}
        kids = sorted(k for k, v in parent.items() if v == self.pid)
        if len(kids) != 3:
            return False
        holds, shells = [], []
        for k in kids:
            try:
                exe = os.readlink("/proc/%d/exe" % k)
            except OSError:
                return False
            (holds if exe == os.path.realpath(HOLD) else shells).append(k)
        grand = [k for k, v in parent.items() if shells and v == shells[0]]
        if len(holds) != 2 or len(shells) != 1 or len(grand) != 1:
            return False
        try:
            sizes = {k: vm_rss_kb(k) for k in holds + grand}
        except (OSError, AssertionError):
            return False
        holds.sort(key=lambda k: sizes[k])
        self.hold8, self.hold16, self.inner, self.grandchild = holds[0], holds[1], shells[0], grand[0]
        return sizes[self.hold8] >= 8 * 1024 and sizes[self.hold16] >= 16 * 1024 \
            and sizes[self.grandchild] >= 4 * 1024

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        workload.end_by_stdin(self.proc)


def size_slack(text):
    """How far a size memtop shows may be from the true one: half its last digit."""
    kb = parse_human(text)
    unit = 1024 ** "KMGTPE".index(text[-1])
    return 0.5 * unit if unit == 1 or kb / unit >= 9.95 else 0.05 * unit


def tree_title(lines, title):
    """ΣRSS's title as shown (TRSS in ASCII), checked to be on the header."""
    head = lines[header_index(lines)]
    want = "\u03a3" + title
    assert want in head.split(), "no %s column in the tree view: %r" % (want, head)
    return want


def check_subtree_sum(lines, parent, children, column, own_column):
    """The parent's subtree total equals its own value plus its children's
    totals, as far as the shown digits tell."""
    total_col = tree_title(lines, column)
    total = cell(lines, row_of(lines, parent)[2], total_col)
    own = cell(lines, row_of(lines, parent)[2], own_column)
    kids = [cell(lines, row_of(lines, k)[2], total_col) for k in children]
    want = parse_human(own) + sum(parse_human(k) for k in kids)
    slack = size_slack(total) + size_slack(own) + sum(size_slack(k) for k in kids)
    assert abs(parse_human(total) - want) <= slack, \
        "%s of %d is %s, its own %s %s + its children's %s = %.0fK\n%s" % (
            total_col, parent, total, own_column, own, kids, want, show(lines))


def open_tree_of(p, tree):
    """Shows the tree view filtered to the test's tree; returns the screen."""
    p.wait_table()
    p.keys("T")
    p.wait("T: the tree view's columns", lambda s: "\u03a3RSS" in s[header_index(s)])
    p.keys("/")
    p.type(TREE_MARK)
    p.keys("Enter")
    everyone = {tree.pid, tree.hold8, tree.hold16, tree.inner, tree.grandchild}
    return p.wait("the filtered tree", lambda s: {r[0] for r in rows(s)} == everyone
                  and s[-1].startswith("qQuit"))


def test_tree_view_sums_and_order(tmux):
    with ProcessTree() as tree, Session(tmux) as p:
        s = open_tree_of(p, tree)
        pids = [r[0] for r in rows(s)]
        # Sorted by RSS: the root, then its children largest first, the inner
        # shell's child right under it.
        assert pids == [tree.pid, tree.hold16, tree.hold8, tree.inner, tree.grandchild], \
            "not in tree order:\n" + show(s)
        cmds = [command(s, r[2]) for r in rows(s)]
        assert not cmds[0].startswith(("\u251c", "\u2514", "+")), cmds[0]
        assert cmds[1].startswith("\u251c\u2500 ") and cmds[2].startswith("\u251c\u2500 "), cmds
        assert cmds[3].startswith("\u2514\u2500 sh -c"), cmds[3]
        assert cmds[4].startswith("   \u2514\u2500 "), cmds[4]
        for column, own in (("RSS", "RSS"), ("ANON", "ANON")):
            check_subtree_sum(s, tree.pid, [tree.hold16, tree.hold8, tree.inner], column, own)
            check_subtree_sum(s, tree.inner, [tree.grandchild], column, own)
            for leaf in (tree.hold8, tree.hold16, tree.grandchild):
                check_subtree_sum(s, leaf, [], column, own)
        # Whole: the root's total holds every hold's memory (28 MiB).
        assert parse_human(cell(s, row_of(s, tree.pid)[2], "\u03a3ANON")) >= 28 * 1024 * 0.97, show(s)
        # F5 is the same toggle: back to the list, exactly as before.
        p.keys("F5")
        s = p.wait("F5: the list again", lambda s: header_index(s) is not None
                   and "\u03a3RSS" not in s[header_index(s)]
                   and all(not command(s, r[2]).startswith(("\u251c", "\u2514")) for r in rows(s)))
        assert [r[0] for r in rows(s)][:2] == [tree.hold16, tree.hold8], show(s)


def test_tree_view_collapse_expand(tmux):
    with ProcessTree() as tree, Session(tmux) as p:
        s = open_tree_of(p, tree)
        total = cell(s, row_of(s, tree.pid)[2], "\u03a3RSS")
        p.keys("Home")
        p.type("-")
        s = p.wait("- collapses the root: its children are gone",
                   lambda s: [r[0] for r in rows(s)] == [tree.pid])
        assert command(s, rows(s)[0][2]).startswith("+ "), "no collapsed mark:\n" + show(s)
        # The collapsed row keeps its subtree's total.
        got = cell(s, rows(s)[0][2], "\u03a3RSS")
        assert abs(parse_human(got) - parse_human(total)) <= size_slack(got) + size_slack(total) + 1024, \
            "total %s collapsed, %s expanded" % (got, total)
        p.type("+")
        p.wait("+ expands it again", lambda s: [r[0] for r in rows(s)] ==
               [tree.pid, tree.hold16, tree.hold8, tree.inner, tree.grandchild])
        # Collapse the inner shell (the fourth row), then * expands everything.
        p.keys("Down", "Down", "Down")
        p.type("-")
        s = p.wait("- on the inner shell hides its child",
                   lambda s: [r[0] for r in rows(s)] == [tree.pid, tree.hold16, tree.hold8, tree.inner])
        assert command(s, row_of(s, tree.inner)[2]).startswith("\u2514+ sh -c"), show(s)
        p.keys("Home")
        p.type("-")
        p.wait("the root collapsed too", lambda s: [r[0] for r in rows(s)] == [tree.pid])
        p.type("*")
        p.wait("* expands every subtree", lambda s: [r[0] for r in rows(s)] ==
               [tree.pid, tree.hold16, tree.hold8, tree.inner, tree.grandchild])


def selected_pid(capture):
    """The PID of the selected row of a capture -e, or None."""
    sel = selected_lines(capture)
    return int(strip_sgr(capture[sel[0]]).split()[0]) if len(sel) == 1 else None


def tree_order(tree, children):
    """The filtered tree's rows for the root's children in this order (the
    inner shell's child right under it)."""
    out = [tree.pid]
    for k in children:
        out += [k, tree.grandchild] if k == tree.inner else [k]
    return out


def test_tree_view_selection_follows_its_process(tmux):
    with ProcessTree() as tree, Session(tmux) as p:
        s = open_tree_of(p, tree)
        h = header_index(s)
        p.keys("Home", "Down", "Down")           # hold 8, the third row by RSS
        p.wait("hold 8 selected", lambda c: selected_pid(c) == tree.hold8
               and selected_lines(c) == [h + 3], escapes=True)
        plain_rows = lambda c: [r[0] for r in rows([strip_sgr(x) for x in c])]
        # By PID (ascending, then inverted) the siblings move; the selection
        # moves with hold 8.
        for keys, descending in (("N", False), ("I", True)):
            want = tree_order(tree, sorted([tree.hold8, tree.hold16, tree.inner], reverse=descending))
            p.keys(keys)
            c = p.wait("%s: the rows in PID order" % keys,
                       lambda c: "Sort: pid" in strip_sgr(c[2]) and plain_rows(c) == want, escapes=True)
            assert selected_pid(c) == tree.hold8, show(c)
            assert selected_lines(c) == [h + 1 + want.index(tree.hold8)], show(c)
        # Refreshes keep it there (three intervals, every stable screen checked).
        deadline, prev = time.monotonic() + 1.5, None
        while time.monotonic() < deadline:
            c = p.screen(escapes=True)
            if c == prev:
                assert selected_pid(c) == tree.hold8, "the selection moved:\n" + show(c)
            prev = c
            time.sleep(POLL)


TESTS = [test_header_meters_and_psi, test_header_psi_missing, test_sort_keys, test_invert,
         test_filter, test_names_follow_exec_on_screen, test_help, test_checkup_panel, test_mouse, test_resize, test_quit, test_sigterm, test_sigint, test_sighup,
         test_hostile_name, test_delay, test_pause, test_leak_marker_growth_sort_and_suspects_only,
         test_not_a_terminal, test_detail_view, test_detail_exited, test_detail_zombie,
         test_detail_many_mappings_memory, test_alloc_sites_screen,
         test_alloc_sites_options_and_limit, test_alloc_sites_live_leak, test_cgroup_column,
         test_pressure_trigger_wakes_before_the_tick,
         test_detail_permission_denied, test_theme_key_cycles_colours, test_theme_mono_has_no_colour,
         test_no_color_env_has_no_colour, test_broken_theme_reports_once_and_falls_back,
         test_write_settings_then_restart_keeps_them,
         test_write_settings_asks_before_overwriting_a_broken_file,
         test_write_settings_through_a_symlink,
         test_signal_key_names_the_process_and_sends, test_readonly_sends_nothing,
         test_burst_names_follow_without_waiting_for_a_tick,
         test_long_command_line_marked_in_list, test_detail_whole_command_line,
         test_replay_shows_what_was_live, test_tree_view_sums_and_order,
         test_tree_view_collapse_expand, test_tree_view_selection_follows_its_process,
         test_cgroup_view]


def main():
    if not require((MEMTOP, HOLD, LEAKER, MAPPER, MANYMAPS, ALLOCLEAK), "memtop build/workloads/hold build/workloads/leaker build/workloads/mapper build/workloads/manymaps build/workloads/allocleak"):
        return 1
    return tmux_suite("e2e", TESTS, CHILDREN, Tmux)


if __name__ == "__main__":
    sys.exit(main())
