#!/usr/bin/env python3
"""End-to-end tests of memtop where its surroundings are hostile (issue 9,
items 6 and 7): restricted environments and terminal edge cases.

Restricted environments (they need root, to become nobody and to mount):
memtop as nobody, in batch mode and on the screen, lists root's processes
and leaves what it may not read (their [heap], from maps) empty; with /proc
mounted hidepid=2 in a private mount namespace, memtop as nobody sees and
shows only nobody's processes; the list keeps sampling after the detail
view of a root process said "permission denied".

Terminal edge cases, in tmux: 1x1 and 20x5 terminals; a storm of 100
resizes in a second; a paste of 10,000 keys; TERM=dumb, vt100 and a name
without terminfo; SIGTSTP and SIGCONT, under a job-control parent (memtop
stops and gives the terminal back) and without one (memtop keeps running);
a fatal signal (SEGV, BUS, FPE, ABRT) restores the terminal before memtop dies.

Covered elsewhere, not repeated here: PSI missing (tests/e2e/run.py
test_header_psi_missing on the screen, tests/integration/run.py
test_psi_missing in batch), --smaps of another user's process
(tests/integration/run.py test_smaps_permission_denied), the detail view's
"permission denied" (tests/e2e/run.py test_detail_permission_denied) and
stdout that is not a terminal (tests/e2e/run.py test_not_a_terminal).

The tmux server, sessions, screen readers and check_restored are
tests/e2e/run.py's, imported. As there, nothing waits a fixed time to decide
anything: every check polls until it holds or fails after a timeout with the
last screen; checks that something does not happen (memtop does not die)
watch for a few refresh intervals.

Prints "N passed, N failed" last; exit status 1 when anything failed.
"""
import csv
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import run as e2e  # noqa: E402
import workload  # noqa: E402
from suite import require, tmux_suite  # noqa: E402
from run import (DELAY, EXIT_MARK, HEIGHT, MEMTOP, NOBODY, POLL, WAIT, WIDTH,  # noqa: E402
                 WRAPPER, Session, Tmux, alive, cell, check_restored, check_sane,
                 has_frame, header_index, parse_human, plain, row_of, rows, show, status)

NOBODY_UID = 65534
TAG = "e2eedge%d" % (os.getpid() % 100000)     # process names unique to this run
ROOT_COMM, NOBODY_COMM = TAG + "r", TAG + "n"
MODES = "#{alternate_on} #{cursor_flag} #{keypad_flag} #{keypad_cursor_flag} " \
        "#{mouse_any_flag} #{mouse_standard_flag} #{mouse_button_flag} #{mouse_all_flag}"
NORMAL_MODES = "0 1 0 0 0 0 0 0"
# A status line with nothing to report: no error, no filter, no message.
QUIET_STATUS = re.compile(r"Processes: \d+  Refresh: %s  Sort: \S+ [\u25b2\u25bc]$"
                          % re.escape(DELAY + "s"))
# Runs "$@" with a fresh /proc mounted hidepid=2 in a private mount namespace.
HIDEPID = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
           'mount -t proc -o hidepid=2 proc /proc && exec "$@"', "sh"]
# A tiny job-control shell: runs argv[1:] in a process group of its own in
# the foreground of the terminal, as bash does with a job. When the job
# stops it takes the terminal back and says so (with the terminal's echo
# and canonical modes, which memtop must have restored), waits for a line
# (the "fg"), hands the terminal back and says "fg"; the test then sends
# SIGCONT. When memtop exits it reports like run.py's WRAPPER: the status
# on the terminal, a line, then exit with that status.
JOBSHELL = r'''
import os, signal, sys, termios
def say(text):
    os.write(1, ("\n%s%s\n" % (sys.argv[1], text)).encode())
signal.signal(signal.SIGTTOU, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    os.tcsetpgrp(0, os.getpid())
    for s in (signal.SIGTTOU, signal.SIGTTIN, signal.SIGTSTP, signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(s, signal.SIG_DFL)
    os.execv(sys.argv[2], sys.argv[2:])
try:
    os.setpgid(pid, pid)
except OSError:
    pass                      # the child did it first, or has exec'd
while True:
    _, st = os.waitpid(pid, os.WUNTRACED)
    if not os.WIFSTOPPED(st):
        break
    os.tcsetpgrp(0, os.getpgrp())
    lflag = termios.tcgetattr(0)[3]
    say("stopped echo=%d icanon=%d" % (bool(lflag & termios.ECHO), bool(lflag & termios.ICANON)))
    sys.stdin.readline()
    os.tcsetpgrp(0, pid)
    say("fg")
os.tcsetpgrp(0, os.getpgrp())
code = os.waitstatus_to_exitcode(st)
code = code if code >= 0 else 128 - code
say("exit %d" % code)
sys.stdin.readline()
sys.exit(code)
'''

JOB_MARK = "memtop-e2e: "     # JOBSHELL's lines: "memtop-e2e: stopped ...", "... fg", "... exit N"
assert EXIT_MARK == JOB_MARK + "exit "

CHILDREN = []               # every workload still running, stopped at the end whatever happens


def need_root(what):
    if os.geteuid() != 0:
        raise AssertionError("this test needs root (%s)" % what)


def hold(anon_mib, comm, as_nobody=False):
    """tests/workloads/hold holding anon_mib MiB, named comm; run as nobody
    when as_nobody (setpriv execs it, so the pid is hold's)."""
    args = [workload.HOLD, "--comm", comm.encode().hex(), str(anon_mib), "0"]
    return workload.Workload((NOBODY if as_nobody else []) + args, registry=CHILDREN, timeout=WAIT)


def uid_of(pid):
    """The real uid of pid, or None when it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def state_of(pid):
    """The state letter of pid (R, S, T, Z...), or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(") ", 1)[1][0]
    except (OSError, IndexError):
        return None


def children_of(pid):
    """PIDs below pid in the process tree. /proc/PID/stat is read as bytes:
    a process name need not be UTF-8 (run.py's descendants_of reads text
    and fails while such a process exists)."""
    parent = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name, "rb") as f:
                    parent[int(name)] = int(f.read().rsplit(b") ", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [pid]
    while todo:
        pid = todo.pop()
        kids = [k for k, v in parent.items() if v == pid]
        found += kids
        todo += kids
    return found


def memtop_pid(p):
    """The pid of memtop below p's pane, registered so the suite makes sure it is gone."""
    shell = int(p.info("#{pane_pid}"))
    deadline = time.monotonic() + WAIT
    while True:
        for pid in children_of(shell):
            try:
                if os.readlink("/proc/%d/exe" % pid) == os.path.realpath(MEMTOP):
                    p.tmux.memtops.add(pid)
                    return pid
            except OSError:
                pass
        if time.monotonic() > deadline:
            raise AssertionError("no memtop process under pane %d; screen:\n%s" % (shell, show(p.screen())))
        time.sleep(POLL)


def wait_table(p):
    """Waits for memtop and a whole first frame of its main screen; returns it."""
    memtop_pid(p)
    return p.wait("the main screen", lambda s: has_frame(s) and len(rows(s)) > 0)


def wait_for(what, cond, timeout=WAIT):
    """Polls cond() until it is true; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("%s: not within %.0f s" % (what, timeout))
        time.sleep(POLL)


def stays_alive(p, pid, seconds):
    """memtop (pid) stays alive and running, and its pane alive, for seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        st = state_of(pid)
        if st is None or st in "ZT" or p.info("#{pane_dead}") != "0":
            raise AssertionError("memtop %d is %s (pane dead: %s); screen:\n%s" % (
                pid, {None: "gone", "Z": "dead", "T": "stopped"}.get(st, st),
                p.info("#{pane_dead}:#{pane_dead_status}"), show(p.screen())))
        time.sleep(POLL)


def exit_status(lines):
    """memtop's status from the wrapper's "memtop-e2e: exit N", or None."""
    for line in lines:
        m = re.search(re.escape(EXIT_MARK) + r"(\d+)", line)
        if m:
            return int(m.group(1))
    return None


def check_echo(p):
    """After memtop exited, while the wrapper waits for a line: what is typed
    is echoed, so the terminal is back in a mode a shell can use."""
    probe = "echo-probe-%d" % os.getpid()
    p.wait("memtop exited", lambda s: exit_status(s) is not None)   # never type into memtop
    p.type(probe)
    p.wait("the terminal echoes what is typed after memtop", lambda s: any(probe in line for line in s))


def batch(prefix, args, config_home, timeout=2 * WAIT):
    """Runs prefix + memtop -b args; returns (status, stdout, stderr)."""
    env = dict(os.environ, XDG_CONFIG_HOME=config_home, LANG="C.UTF-8", LC_ALL="C.UTF-8")
    p = subprocess.run(prefix + [MEMTOP, "-b"] + list(args), capture_output=True, timeout=timeout,
                       env=env)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def json_ticks(out):
    ticks = [json.loads(line) for line in out.splitlines()]
    assert ticks, "no JSON output"
    return ticks


def by_pid(tick, pid):
    found = [p for p in tick["processes"] if p["pid"] == pid]
    return found[0] if found else None


def wait_started(p, what):
    """Waits for memtop's main screen with rows; fails at once, with the
    screen, when the command in the pane exited instead (a failed mount)."""
    s = p.wait(what, lambda s: (has_frame(s) and len(rows(s)) > 0) or exit_status(s) is not None)
    assert exit_status(s) is None, "%s: the command exited %d:\n%s" % (what, exit_status(s), show(s))
    return s


# --- item 6: restricted environments ------------------------------------------------

def test_nobody_batch_lists_roots_processes(tmux):
    """memtop -b as nobody: every JSON line parses, root's processes are
    listed with what anyone may read (user, sizes, OOM score) and a null
    heap_kb (maps is root's), which root's own memtop does read; the table
    shows "-" and CSV an empty field; nothing on stderr, exit 0."""
    need_root("memtop runs as nobody against root's processes")
    with hold(16, ROOT_COMM) as mine, hold(8, NOBODY_COMM, as_nobody=True) as theirs:
        assert uid_of(theirs.pid) == NOBODY_UID, "the nobody workload runs as uid %r" % uid_of(theirs.pid)
        rc, out, err = batch(NOBODY, ["-n", "2", "-d", "0.3", "--format", "json"], tmux.config_home)
        assert rc == 0 and err == "", "exit %d, stderr %r" % (rc, err)
        ticks = json_ticks(out)
        assert len(ticks) == 2, "%d samples, want 2" % len(ticks)
        for tick in ticks:
            assert tick["memory"]["total_kb"] > 0, tick["memory"]
            users = {q["user"] for q in tick["processes"]}
            assert "root" in users and "nobody" in users, "users listed: %s" % sorted(users)
            for q in tick["processes"]:
                assert isinstance(q["pid"], int) and isinstance(q["rss_kb"], int), q
            r = by_pid(tick, mine.pid)
            assert r is not None, "root's workload %d is not listed" % mine.pid
            assert r["user"] == "root" and r["comm"] == ROOT_COMM, r
            assert r["anon_kb"] >= 0.95 * 16 * 1024 and isinstance(r["oom_score"], int), r
            assert by_pid(tick, theirs.pid) is not None, "nobody's workload is not listed"
        # -p makes the heap wanted: read from maps, which only the owner (or root) may.
        pids = "%d,%d" % (mine.pid, theirs.pid)
        rc, out, err = batch([], ["-n", "1", "-p", pids, "--format", "json"], tmux.config_home)
        assert rc == 0, err
        assert isinstance(by_pid(json_ticks(out)[0], mine.pid)["heap_kb"], int), \
            "root's memtop reads no heap of its own workload either: the check below means nothing"
        rc, out, err = batch(NOBODY, ["-n", "1", "-p", pids, "--format", "json"], tmux.config_home)
        assert rc == 0 and err == "", "exit %d, stderr %r" % (rc, err)
        tick = json_ticks(out)[0]
        r, n = by_pid(tick, mine.pid), by_pid(tick, theirs.pid)
        assert r["heap_kb"] is None, "root's heap as nobody: %r" % r["heap_kb"]
        assert isinstance(n["heap_kb"], int) and n["heap_kb"] > 0, "nobody's own heap: %r" % n["heap_kb"]
        assert r["rss_kb"] >= 16 * 1024 * 0.95 and r["user"] == "root", r
        rc, out, err = batch(NOBODY, ["-n", "1", "-p", pids, "--format", "table"], tmux.config_home)
        assert rc == 0 and err == "", "exit %d, stderr %r" % (rc, err)
        lines = out.splitlines()
        head = [i for i, line in enumerate(lines) if line.split()[:1] == ["PID"]]
        assert head, "no table header:\n" + out
        heap = lambda pid: [cell(lines, line, "HEAP") for line in lines
                            if line.split()[:1] == [str(pid)]]
        assert heap(mine.pid) == ["-"], "root's HEAP as nobody: %r\n%s" % (heap(mine.pid), out)
        assert len(heap(theirs.pid)) == 1 and parse_human(heap(theirs.pid)[0]) > 0, out
        rc, out, err = batch(NOBODY, ["-n", "1", "-p", pids, "--format", "csv"], tmux.config_home)
        assert rc == 0 and err == "", "exit %d, stderr %r" % (rc, err)
        recs = {int(rec["pid"]): rec for rec in csv.DictReader(out.splitlines())}
        assert recs[mine.pid]["heap_kb"] == "" and int(recs[theirs.pid]["heap_kb"]) > 0, recs


def test_nobody_screen_lists_roots_processes(tmux):
    """The screen as nobody: a whole frame with root's processes in it and
    nothing on the status line; root's workload shows HEAP "-", nobody's a size."""
    need_root("memtop runs as nobody against root's processes")
    command = ["sh", "-c", WRAPPER, "memtop"] + NOBODY + [MEMTOP, "-d", DELAY]
    with hold(16, ROOT_COMM) as mine, hold(8, NOBODY_COMM, as_nobody=True) as theirs, \
            Session(tmux, command=command) as p:
        s = wait_started(p, "memtop as nobody")
        assert uid_of(memtop_pid(p)) == NOBODY_UID, "memtop runs as uid %r" % uid_of(memtop_pid(p))
        s = p.wait("root's processes listed, a quiet status line",
                   lambda s: has_frame(s) and any(r[1][1:2] == ["root"] for r in rows(s))
                   and QUIET_STATUS.match(status(s).rstrip()))
        p.keys("/")
        p.type(TAG)
        p.keys("Enter")

        def both(s):
            r, n = row_of(s, mine.pid), row_of(s, theirs.pid)
            if not (r and n and s[-1].startswith("qQuit")):
                return False
            assert r[1][1] == "root" and n[1][1] == "nobody", "USER cells: %r %r" % (r[2], n[2])
            # The heap is read once a row is on screen: wait for nobody's.
            return cell(s, r[2], "HEAP") == "-" and parse_human(cell(s, n[2], "HEAP")) > 0
        s = p.wait("both workloads, root's HEAP '-', nobody's a size", both)
        line = row_of(s, mine.pid)[2]
        assert parse_human(cell(s, line, "RSS")) >= 16 * 1024 * 0.95, line
        assert "n/a" not in status(s) and "denied" not in "\n".join(s), show(s)


def hidepid_preflight():
    """Fails with the reason unless a hidepid=2 /proc can be mounted in a
    private mount namespace and hides root's processes from nobody there."""
    need_root("unshare --mount and mount need it")
    p = subprocess.run(HIDEPID + NOBODY + ["sh", "-c", 'if [ -e /proc/1 ]; then echo "pid 1 visible"; '
                                           'else echo hidden; fi'],
                       capture_output=True, timeout=WAIT)
    assert p.returncode == 0, "cannot mount /proc hidepid=2 in a private mount namespace (exit %d): %s" % (
        p.returncode, p.stderr.decode().strip())
    assert p.stdout.decode().strip() == "hidden", \
        "this kernel does not honour hidepid=2 on a new proc mount: nobody sees %r" % p.stdout.decode()


def proc_mounts():
    with open("/proc/self/mountinfo") as f:
        return sorted(line.split(" - ")[0].split(None, 3)[3] + " " + line.split(" - ")[1]
                      for line in f if " /proc " in line)


def test_hidepid_batch_sees_only_its_own(tmux):
    """/proc mounted hidepid=2, memtop -b as nobody: only nobody's processes
    (its own and a nobody workload), never root's; memory and PSI still read."""
    hidepid_preflight()
    before = proc_mounts()
    with hold(16, ROOT_COMM) as mine, hold(8, NOBODY_COMM, as_nobody=True) as theirs:
        rc, out, err = batch(HIDEPID + NOBODY, ["-n", "2", "-d", "0.3", "--format", "json"],
                             tmux.config_home)
        assert rc == 0 and err == "", "exit %d, stderr %r" % (rc, err)
        for tick in json_ticks(out):
            pids = [q["pid"] for q in tick["processes"]]
            assert theirs.pid in pids, "nobody's workload %d is not listed: %s" % (theirs.pid, pids)
            assert mine.pid not in pids and 1 not in pids, "root's processes listed: %s" % pids
            for q in tick["processes"]:
                assert q["user"] == "nobody", "a process of %r under hidepid: %r" % (q["user"], q)
                assert uid_of(q["pid"]) in (NOBODY_UID, None), "pid %d is uid %r's" % (q["pid"],
                                                                                       uid_of(q["pid"]))
            assert tick["memory"]["total_kb"] > 0, tick["memory"]
            if os.path.exists("/proc/pressure/memory"):
                assert tick["psi"] is not None, "PSI lost under hidepid"
        # -p of a hidden process: it does not exist for memtop.
        rc, out, err = batch(HIDEPID + NOBODY, ["-n", "1", "-p", str(mine.pid), "--format", "json"],
                             tmux.config_home)
        assert rc == 1 and err == "memtop: none of the given processes exists\n" and out == "", \
            "-p of a hidden process: exit %d, stdout %r, stderr %r" % (rc, out, err)
    assert proc_mounts() == before, "the host's /proc mounts changed:\n%s\n%s" % (before, proc_mounts())


def test_hidepid_screen_sees_only_its_own(tmux):
    """/proc mounted hidepid=2, memtop as nobody on the screen: a whole frame,
    every row one of nobody's processes (none of root's), a quiet status line."""
    hidepid_preflight()
    command = ["sh", "-c", WRAPPER, "memtop"] + HIDEPID + NOBODY + [MEMTOP, "-d", DELAY]
    with hold(16, ROOT_COMM) as mine, hold(8, NOBODY_COMM, as_nobody=True) as theirs, \
            Session(tmux, command=command) as p:
        wait_started(p, "memtop as nobody under hidepid=2")
        memtop = memtop_pid(p)

        def only_nobody(s):
            if not (has_frame(s) and row_of(s, theirs.pid) and row_of(s, memtop)):
                return False
            pids = [r[0] for r in rows(s)]
            assert mine.pid not in pids and 1 not in pids, "root's processes shown: %s" % pids
            for pid, words, line in rows(s):
                assert words[1] == "nobody" and uid_of(pid) in (NOBODY_UID, None), "not nobody's: %r" % line
            assert e2e.process_count(s) == len(pids), "count %d, rows %d" % (e2e.process_count(s), len(pids))
            return bool(QUIET_STATUS.match(status(s).rstrip()))
        p.wait("only nobody's processes, a quiet status line", only_nobody)
        p.keys("q")
        check_restored(p)


def test_list_keeps_sampling_after_permission_denied(tmux):
    """As nobody, the detail view of a root process says "permission denied"
    (run.py checks that view); back on the list, sampling goes on: the
    process grows by 16 MiB and its ANON follows."""
    need_root("memtop runs as nobody against a root process")
    with workload.Mapper(1, 16, 16, registry=CHILDREN, timeout=WAIT) as m:
        command = ["sh", "-c", WRAPPER, "memtop"] + NOBODY + [MEMTOP, "-d", DELAY, "-p", str(m.pid)]
        with Session(tmux, command=command) as p:
            wait_started(p, "memtop as nobody")
            p.keys("Enter")
            p.wait("permission denied", lambda s: e2e.is_detail_of(s, m.pid) and any(
                "permission denied" in line for line in s))
            p.keys("Escape")
            s = p.wait("back on the list, quietly", lambda s: has_frame(s) and row_of(s, m.pid)
                       and QUIET_STATUS.match(status(s).rstrip()))
            anon = lambda s: cell(s, row_of(s, m.pid)[2], "ANON")
            assert e2e.near_mib(anon(s), 16), "ANON %r, want ~16M" % anon(s)
            m.grow()
            p.wait("ANON follows the growth to ~32M", lambda s: row_of(s, m.pid)
                   and e2e.near_mib(anon(s), 32))


# --- item 7: terminal edge cases ------------------------------------------------------

def check_tiny(tmux, width, height):
    with Session(tmux, width=width, height=height) as p:
        pid = memtop_pid(p)
        p.wait_info("memtop has taken the screen", "#{alternate_on} #{pane_width}x#{pane_height}",
                    "1 %dx%d" % (width, height))
        if width * height > 1:
            s = p.wait("'terminal too small' or a frame",
                       lambda s: "terminal too small" in "\n".join(s) or has_frame(s))
            assert "\x1b" not in "".join(s), "raw escapes on screen:\n" + show(s)
        stays_alive(p, pid, 4 * float(DELAY))
        p.keys("q")
        wait_for("memtop exits after q", lambda: not alive(pid))
        p.resize(WIDTH, HEIGHT)   # room for the wrapper's "exit N" line
        check_echo(p)
        check_restored(p)


def test_terminal_1x1(tmux):
    """A 1x1 terminal: memtop starts, does not crash, q exits 0, terminal restored."""
    check_tiny(tmux, 1, 1)


def test_terminal_20x5(tmux):
    """A 20x5 terminal: "terminal too small", no crash, q exits 0, terminal restored."""
    check_tiny(tmux, 20, 5)


def test_resize_storm(tmux):
    """100 resizes in about a second between random sizes from 1x1 to
    200x60, then 120x40: memtop is alive and draws a sane whole frame."""
    seed = int(os.environ.get("MEMTOP_EDGE_SEED", time.time_ns() % 1000000))
    rng = random.Random(seed)
    sizes = [(1, 1), (200, 60)] + [(rng.randint(1, 200), rng.randint(1, 60)) for _ in range(98)]
    rng.shuffle(sizes)
    with Session(tmux) as p:
        pid = memtop_pid(p)
        wait_table(p)
        start = time.monotonic()
        for i, (w, h) in enumerate(sizes):
            p.resize(w, h)
            pace = start + (i + 1) / 100.0 - time.monotonic()
            if pace > 0:
                time.sleep(pace)
        assert alive(pid), "memtop died in the storm (MEMTOP_EDGE_SEED=%d)" % seed
        p.resize(WIDTH, HEIGHT)
        s = check_sane(p, WIDTH, HEIGHT)
        assert "terminal too small" not in "\n".join(s), show(s)
        stays_alive(p, pid, 2 * float(DELAY))
        check_sane(p, WIDTH, HEIGHT)
        p.keys("q")
        check_restored(p)


def test_paste_10000_keys(tmux):
    """10,000 keys pasted at once (j unbound, I inverts, < > step the sort
    column; none quits, prompts or writes): memtop stays alive, a key sent
    after them takes effect within WAIT, and every one was handled (an even
    number of I and balanced < > leave the sort where it was)."""
    keys = ("jjjjIIII<><>" * 834)[:10000]
    assert keys.count("I") % 2 == 0 and keys.count("<") == keys.count(">")
    with Session(tmux) as p:
        pid = memtop_pid(p)
        s = wait_table(p)
        before = status(s).split("Sort: ")[1].split()[:2]
        p.type(keys)
        start = time.monotonic()
        p.keys("h")
        p.wait("h after the paste shows help", lambda s: any("invert the sort order" in line for line in s))
        took = time.monotonic() - start
        assert alive(pid), "memtop died"
        p.keys("x")
        s = p.wait("back on the list", lambda s: has_frame(s) and rows(s))
        after = status(s).split("Sort: ")[1].split()[:2]
        assert after == before, "sort %r after the paste, %r before: keys lost? (%.1f s)" % (after, before, took)
        p.keys("q")
        check_restored(p)


def check_term(tmux, term, must_exit=False):
    """TERM=term: memtop either runs (a sane monochrome frame, keys work, q
    exits 0) or exits non-zero at once with one clear line naming the
    terminal; either way the terminal is left as it was."""
    with Session(tmux, env={"TERM": term}) as p:
        s = p.wait("TERM=%s: a whole frame, or an exit with a message" % term,
                   lambda s: (has_frame(s) and len(rows(s)) > 0) or exit_status(s) is not None)
        code = exit_status(s)
        if code is not None:
            said = [line.strip() for line in s if line.strip() and EXIT_MARK not in line]
            assert code != 0, "TERM=%s: exit 0 without running:\n%s" % (term, show(s))
            assert len(said) == 1 and said[0].startswith("memtop: ") and "'%s'" % term in said[0], \
                "TERM=%s: want one line 'memtop: ...' naming the terminal:\n%s" % (term, show(s))
            check_echo(p)
            check_restored(p, code)
            return
        assert not must_exit, "TERM=%s has no terminfo entry, yet memtop runs" % term
        check_sane(p, WIDTH, HEIGHT)
        c = p.screen(escapes=True)
        assert not e2e.colour_codes(c), "TERM=%s: colours %s" % (term, sorted(e2e.colour_codes(c)))
        assert "\x1b" not in "".join(plain(c)), "TERM=%s: raw escapes on screen" % term
        p.keys("N")
        p.wait("N sorts by PID", lambda s: "Sort: pid" in status(s))
        p.keys("q")
        s = p.wait("memtop exited", lambda s: exit_status(s) is not None)
        assert exit_status(s) == 0, "exit %d:\n%s" % (exit_status(s), show(s))
        got = p.info(MODES)
        assert got == NORMAL_MODES, "TERM=%s: terminal not restored: %s = %s" % (term, MODES, got)
        check_echo(p)
        p.keys("Enter")
        p.wait_dead_status(0)


def test_term_dumb(tmux):
    check_term(tmux, "dumb")


def test_term_vt100(tmux):
    check_term(tmux, "vt100")


def test_term_without_terminfo(tmux):
    check_term(tmux, "no-such-terminal-e2e", must_exit=True)


def selected_row(p):
    """The index (from 0) of the selected row in the table, or None."""
    c = p.screen(escapes=True)
    sel, h = e2e.selected_lines(c), header_index(plain(c))
    return sel[0] - h - 1 if len(sel) == 1 and h is not None else None


def test_sigtstp_sigcont_job_control(tmux):
    """Under a job-control parent (JOBSHELL, like bash): SIGTSTP (kill, then
    Ctrl-Z) stops memtop with the terminal restored (normal screen, cursor
    shown, keypad and mouse off, echo and canonical mode on); after "fg" and
    SIGCONT the whole screen is back and keys work, arrows included; q exits 0."""
    command = [sys.executable, "-c", JOBSHELL, JOB_MARK, MEMTOP, "-d", DELAY]
    with Session(tmux, command=command) as p:
        pid = memtop_pid(p)
        wait_table(p)
        for n, how in enumerate(("kill -TSTP", "Ctrl-Z")):
            if how == "Ctrl-Z":
                p.keys("C-z")
            else:
                os.kill(pid, signal.SIGTSTP)
            stopped = JOB_MARK + "stopped"
            s = p.wait("%s: memtop stops" % how, lambda s: sum(stopped in line for line in s) == n + 1)
            wait_for("%s: memtop in state T" % how, lambda: state_of(pid) == "T")
            assert sum("%s echo=1 icanon=1" % stopped in line for line in s) == n + 1, \
                "%s: the terminal is not in echo and canonical mode:\n%s" % (how, show(s))
            assert header_index(s) is None and not s[0].startswith("Mem["), show(s)
            p.wait_info("%s: the terminal restored while stopped" % how, MODES, NORMAL_MODES)
            p.type("fg")
            p.keys("Enter")
            p.wait("the terminal handed back", lambda s: sum(JOB_MARK + "fg" in line for line in s) == n + 1)
            os.kill(pid, signal.SIGCONT)
            s = check_sane(p, WIDTH, HEIGHT)
            assert JOB_MARK not in "\n".join(s), "%s: not all redrawn:\n%s" % (how, show(s))
            p.wait_info("back on the alternate screen", "#{alternate_on}", "1")
            resumed = p.info(MODES)
            if how == "kill -TSTP":
                p.keys("N", "g")
                p.wait("N then g after SIGCONT", lambda s: "Sort: pid \u25b2" in status(s))
                wait_for("the first row selected", lambda: selected_row(p) == 0)
            else:
                # An arrow first: the terminal must be back in keypad mode,
                # or Down arrives as Esc [ B (Esc clears the filter).
                p.keys("Down")
                try:
                    wait_for("Down after SIGCONT selects the second row", lambda: selected_row(p) == 1)
                except AssertionError as e:
                    raise AssertionError("%s; selected row %r, status %r; terminal modes %s: %s "
                                         "once redrawn after SIGCONT, %s after Down"
                                         % (e, selected_row(p), status(p.screen()), MODES, resumed,
                                            p.info(MODES)))
        p.keys("q")
        check_echo(p)
        check_restored(p)


def test_sigtstp_without_job_control(tmux):
    """memtop whose process group has no job-control parent (run.py's
    wrapper, or tmux new-session memtop): the kernel does not stop it on
    SIGTSTP; it must keep running with its whole screen, and q exits 0."""
    with Session(tmux) as p:
        pid = memtop_pid(p)
        wait_table(p)
        os.kill(pid, signal.SIGTSTP)
        stays_alive(p, pid, 4 * float(DELAY))
        check_sane(p, WIDTH, HEIGHT)
        p.wait_info("on the alternate screen", "#{alternate_on}", "1")
        p.keys("N")
        p.wait("N after SIGTSTP", lambda s: "Sort: pid \u25b2" in status(s))
        p.keys("q")
        check_restored(p)


def test_fatal_signal_restores_terminal(tmux):
    """A fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGABRT) while the screen is
    up: memtop restores the terminal (normal screen, cursor shown, keypad and
    mouse reporting off, echo back), says so in one line naming the signal,
    and dies of that signal (status 128 + N), not exit 0."""
    for sig in (signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGABRT):
        with Session(tmux) as p:
            pid = memtop_pid(p)
            wait_table(p)
            # Mouse reporting on, as the screen has it: the crash must turn it off.
            assert p.info("#{mouse_any_flag}") == "1", "mouse reporting was not on"
            os.kill(pid, sig)
            check_echo(p)
            s = check_restored(p, 128 + sig)
            said = [line for line in s if line.startswith("memtop: fatal signal %s " % sig.name)]
            assert len(said) == 1 and said[0].endswith("the terminal was restored"), \
                "%s: no one-line message:\n%s" % (sig.name, show(s))


TESTS = [test_nobody_batch_lists_roots_processes, test_nobody_screen_lists_roots_processes,
         test_hidepid_batch_sees_only_its_own, test_hidepid_screen_sees_only_its_own,
         test_list_keeps_sampling_after_permission_denied,
         test_terminal_1x1, test_terminal_20x5, test_resize_storm, test_paste_10000_keys,
         test_term_dumb, test_term_vt100, test_term_without_terminfo,
         test_sigtstp_sigcont_job_control, test_sigtstp_without_job_control,
         test_fatal_signal_restores_terminal]


def main():
    if not require((MEMTOP, workload.HOLD, workload.MAPPER), "memtop build/workloads/hold build/workloads/mapper"):
        return 1
    return tmux_suite("edge", TESTS, CHILDREN, Tmux)


if __name__ == "__main__":
    sys.exit(main())
