#!/usr/bin/env python3
"""The cgroup table on real cgroups that change under it (issue 19: "cgroups
that appear and vanish between two reads, processes that move between
cgroups, a hierarchy 50 levels deep, deleted cgroups: no crash, names
escaped, no stale row").

Every cgroup is made below one folder, memtop-cgh-PID, in this process's own
memory cgroup (the v1 "memory" hierarchy on a hybrid host, cgroup2 where it
has the memory controller: tests/common/cgroup.py finds the layout), and
removed at the end, also on failure (processes killed, stragglers moved out,
folders removed deepest first); a killed run's folder is removed by the next.

Each test runs every binary of MEMTOP_BINS (default: the sanitizer build
build/asan/memtop and ./memtop) at once over the same events, in batch mode
(-b --cgroups -f json) or on the screen (tmux). A batch run must end with
status 0 and nothing on stderr (a sanitizer report fails it), and every
tick must be consistent (check_tick): each cgroup row holds processes, and
exactly those of the tick that name its path, and every cgroup a process
names has its row.

- test_churn: for CHURN_S seconds, cgroups with hostile names (an escape
  sequence, an invalid byte) are made, a sleep moved into each, killed and
  the cgroup removed, dozens a second over CHURN_NAMES names, under
  memtop -d 0.2: every tick consistent, churn rows escaped, none left
  once the churn has stopped.
- test_moves: one process moved between two cgroups every 0.5 s: at each
  tick it is counted in exactly one of them, the one its "cgroup" names.
- test_moved_away: a process moved from A to B, then A removed: within
  FOLLOW_S (two of --cgroups' readings) memtop counts it in B and A's row is
  gone: counted where it went within a reading and a tick (a removed
  cgroup's row is not kept).
- test_deep: a hierarchy DEPTH levels deep with a process in the deepest:
  its row has the full path and its last component as the name, no level
  above has a row; the screen's cgroup view (S) at 80x24 shows it, and
  Enter either limits the list to it or, for a path longer than the list's
  limit (LISTMODEL_CGROUP_MAX), says so.
- test_deleted: a cgroup whose only process is killed and which is then
  removed: its row is gone from the first tick sampled after the process
  was reaped, and never comes back.

Prints "N passed, N failed" last; exit status 1 when anything failed.
"""
import collections
import errno
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import run as e2e  # noqa: E402
import cgroup  # noqa: E402
import workload  # noqa: E402
from sanitize import sanitize, unclean  # noqa: E402
from suite import finish, require, run_tests  # noqa: E402

DEFAULT_BINS = " ".join(os.path.join(ROOT, p) for p in ("build/asan/memtop", "memtop"))
BINS = os.environ.get("MEMTOP_BINS", DEFAULT_BINS).split()
HOLD = workload.HOLD
WAIT = e2e.WAIT
AREA = "memtop-cgh-%d" % os.getpid()
CHURN_S = 20.0
CHURN_NAMES = 10
CHURN_LIVE = 6               # cgroups alive at once at most
CHURN_LIFE_S = 0.25          # a churn cgroup lives up to this long
MOVES_S = 6.0
FOLLOW_S = 2.5               # two --cgroups readings (1 s apart) and a tick
DEPTH = 50
LIST_CGROUP_MAX = 1024       # LISTMODEL_CGROUP_MAX: the list's limit to one cgroup


# --- the cgroups ----------------------------------------------------------------------

def own_memory_cgroup():
    """(folder, path as /proc/PID/cgroup shows it) of this process's memory
    cgroup: on the v1 memory hierarchy on hybrid layouts, else cgroup2."""
    layout = cgroup.detect_layout()
    if layout.memory_on_v2 or layout.v1_memory is None:
        if layout.v2 is None:
            raise AssertionError("no cgroup hierarchy with a memory controller: %s" % layout)
        mount, own = layout.v2, cgroup.proc_cgroups().get("v2", "/")
    else:
        mount, own = layout.v1_memory, cgroup.proc_cgroups().get("memory", "/")
    root = mount.root.rstrip("/")
    if own != root and not own.startswith(root + "/"):
        raise AssertionError("this process's memory cgroup %s is outside the mounted %s" % (own, mount))
    return os.path.join(mount.mountpoint, own[len(root):].lstrip("/")), own, layout


def memory_cgroup_of(pid):
    """pid's memory cgroup path, raw bytes, as memtop reads it."""
    with open("/proc/%d/cgroup" % pid, "rb") as f:
        lines = [line.rstrip(b"\n").split(b":", 2) for line in f]
    memory = [l[2] for l in lines if b"memory" in l[1].split(b",")]
    return memory[0] if memory else [l[2] for l in lines if l[0] == b"0"][0]


class Area:
    """The folder memtop-cgh-PID below this process's memory cgroup and every
    cgroup made in it; close() kills what is left in them and removes them."""

    def __init__(self):
        self.own_dir, self.own_rel, self.layout = own_memory_cgroup()
        self.remove_stale()
        self.dir = os.path.join(self.own_dir, AREA).encode()
        self.rel = (self.own_rel.rstrip("/") + "/" + AREA).encode()
        self.lock = threading.Lock()
        self.made = []            # folders, in creation order
        self.procs = []           # Popen or Workload of every process started
        self.mkdir(b"")

    def remove_stale(self):
        for entry in os.listdir(self.own_dir):
            m = re.fullmatch(r"memtop-cgh-(\d+)", entry)
            if m and not e2e.alive(int(m.group(1))):
                remove_tree(os.path.join(self.own_dir, entry).encode(), self.own_dir.encode())

    def path(self, rel):
        return os.path.join(self.dir, rel) if rel else self.dir

    def mkdir(self, rel):
        """Makes the cgroup AREA/rel (bytes); returns its folder."""
        path = self.path(rel)
        try:
            os.mkdir(path)
        except OSError as e:
            raise AssertionError("cannot make cgroup %r: %s" % (path, e)) from None
        with self.lock:
            self.made.append(path)
        return path

    def rmdir(self, path):
        os.rmdir(path)
        with self.lock:
            self.made.remove(path)

    def shown(self, rel):
        """The path memtop must show for AREA/rel: escaped."""
        return sanitize(self.rel + (b"/" + rel if rel else b""))

    def hold(self, rel):
        """A hold process (1 MiB) in AREA/rel; returns its Workload."""
        w = workload.Workload([HOLD, "1"], registry=self.procs, timeout=WAIT)
        move(w.pid, self.path(rel))
        return w

    def close(self):
        problems = []
        for p in list(self.procs):
            try:
                if isinstance(p, workload.Workload):
                    p.stop()
                elif p.poll() is None:
                    p.kill()
                    p.wait(5)
            except Exception as e:
                problems.append("stopping %d: %s" % (p.pid, e))
        problems += remove_tree(self.dir, self.own_dir.encode())
        return problems


def move(pid, folder):
    with open(os.path.join(folder, b"cgroup.procs"), "w") as f:
        f.write(str(pid))


def remove_tree(top, parent):
    """Removes the cgroup folder top and every cgroup below it, deepest first,
    moving any process still in one to parent (and killing it). Returns the
    problems met."""
    problems = []
    folders = []
    for dirpath, dirnames, _ in os.walk(top):
        folders += [os.path.join(dirpath, d) for d in dirnames]
    folders = sorted(folders, key=lambda p: p.count(b"/"), reverse=True) + [top]
    for path in folders:
        problem = cgroup.remove_cgroup(path, parent, kill=True)
        if problem:
            problems.append(problem)
    return problems


# --- memtop in batch mode -----------------------------------------------------------

class Batch:
    """memtop -b --cgroups -f json -d DELAY (and args), its output in files."""

    def __init__(self, binary, delay, *args):
        self.binary = binary
        self.tmp = tempfile.mkdtemp(prefix="memtop-cgh-")
        self.out_path, self.err_path = os.path.join(self.tmp, "out"), os.path.join(self.tmp, "err")
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen([binary, "-b", "--cgroups", "-f", "json", "-d", str(delay)]
                                         + list(args), stdout=out, stderr=err, stdin=subprocess.DEVNULL)

    def name(self):
        return os.path.relpath(self.binary, ROOT)

    def lines(self):
        with open(self.out_path, "rb") as f:
            return f.read().split(b"\n")[:-1]      # a line being written is not yet whole

    def wait_ticks(self, n, what):
        """Waits until n ticks are out."""
        deadline = time.monotonic() + WAIT + 10
        while len(self.lines()) < n:
            if self.proc.poll() is not None:
                raise AssertionError("%s ended (status %d) waiting for %s: %r"
                                     % (self.name(), self.proc.returncode, what, self.stderr()[-2000:]))
            if time.monotonic() > deadline:
                raise AssertionError("%s: %s: %d ticks, want %d" % (self.name(), what, len(self.lines()), n))
            time.sleep(0.05)

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, problems):
        """Ends memtop with SIGINT; its ticks, parsed. Status 0 and nothing on
        stderr, or a problem."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            rc = self.proc.wait(WAIT + 20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            problems.append("%s did not end on SIGINT" % self.name())
        if rc != 0:
            problems.append("%s ended with status %d" % (self.name(), rc))
        err = self.stderr()
        if err:
            problems.append("%s wrote to stderr: %s" % (self.name(), err[:4000]))
        ticks = []
        with open(self.out_path, "rb") as f:
            data = f.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append("%s: invalid UTF-8 at %d: %r" % (self.name(), e.start, data[e.start - 60:e.end + 60]))
            text = data.decode("utf-8", "replace")
        if text and not text.endswith("\n"):
            problems.append("%s: the output does not end with a newline: %r" % (self.name(), text[-200:]))
        for n, line in enumerate(text.split("\n")[:-1], 1):
            try:
                ticks.append(json.loads(line))
            except ValueError as e:
                problems.append("%s: line %d does not parse: %s" % (self.name(), n, e))
        return ticks

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def run_all(delay, *args):
    """One Batch per binary of BINS, started together."""
    return [Batch(b, delay, *args) for b in BINS]


def check_tick(problems, what, tick):
    """A tick's cgroup table against its processes: each row holds at least
    one process and exactly the processes that name its path; each cgroup
    a process names has a row; paths and names are clean text."""
    named = collections.Counter(p["cgroup"] for p in tick["processes"] if p["cgroup"])
    rows = {}
    for r in tick["cgroups"]:
        if r["path"] in rows:
            problems.append("%s: two rows for %r" % (what, r["path"]))
        rows[r["path"]] = r
        for key in ("path", "name"):
            if unclean(r[key]):
                problems.append("%s: row %s %r holds %r" % (what, key, r[key], unclean(r[key])))
        if r["procs"] < 1:
            problems.append("%s: row %r with %d processes" % (what, r["path"], r["procs"]))
        if r["procs"] != named.get(r["path"], 0):
            problems.append("%s: row %r counts %d processes, %d name it (stale row?)"
                            % (what, r["path"], r["procs"], named.get(r["path"], 0)))
    for path in named:
        if path not in rows:
            problems.append("%s: %d processes in %r, no row" % (what, named[path], path))


def rows_under(tick, prefix):
    return {r["path"]: r for r in tick["cgroups"] if r["path"].startswith(prefix)}


def report(problems):
    if problems:
        raise AssertionError("%d problems:\n  %s" % (len(problems), "\n  ".join(problems[:40])))


# --- churn --------------------------------------------------------------------------------

class Churn(threading.Thread):
    """For seconds, makes cgroups named CHURN_NAMES ways (hostile bytes in
    them), moves a sleep into each, and kills it and removes the cgroup after
    up to CHURN_LIFE_S, with up to CHURN_LIVE alive at once."""

    def __init__(self, area, seconds):
        super().__init__(daemon=True)
        self.area, self.seconds = area, seconds
        self.names = [b"ch%d\x1b[7m\xff" % i for i in range(CHURN_NAMES)]
        self.cycles = 0
        self.error = None

    def run(self):
        try:
            self.churn()
        except BaseException as e:      # reported by the test
            self.error = e

    def churn(self):
        live = {}                       # name -> (deadline, Popen, folder)
        rng = random.Random(os.getpid())
        end = time.monotonic() + self.seconds
        while time.monotonic() < end or live:
            now = time.monotonic()
            for name, (deadline, p, folder) in list(live.items()):
                if now >= deadline or now >= end:
                    p.kill()
                    p.wait()
                    self.area.procs.remove(p)
                    self.rmdir(folder)
                    del live[name]
                    self.cycles += 1
            free = [n for n in self.names if n not in live]
            if now < end and free and len(live) < CHURN_LIVE:
                name = rng.choice(free)
                folder = self.area.mkdir(name)
                p = subprocess.Popen(["sleep", "30"], stdin=subprocess.DEVNULL)
                self.area.procs.append(p)
                move(p.pid, folder)
                live[name] = (now + rng.uniform(0, CHURN_LIFE_S), p, folder)
            time.sleep(0.002)

    def rmdir(self, folder):
        deadline = time.monotonic() + 5
        while True:
            try:
                self.area.rmdir(folder)
                return
            except OSError as e:
                if e.errno != errno.EBUSY or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)


def test_churn(area):
    """Cgroups that appear and vanish dozens of times a second, under memtop
    -d 0.2: every tick consistent (check_tick), the churn's rows escaped,
    and once the churn has stopped no row of it left."""
    runs = run_all(0.2)
    problems = []
    try:
        for b in runs:
            b.wait_ticks(2, "the first ticks")
        churn = Churn(area, CHURN_S)
        churn.start()
        churn.join(CHURN_S + 30)
        if churn.is_alive() or churn.error:
            raise AssertionError("the churn failed: %r" % (churn.error or "still running"))
        end = time.time()
        counts = [len(b.lines()) for b in runs]
        for b, n in zip(runs, counts):
            b.wait_ticks(n + 3, "three ticks after the churn")
        rate = churn.cycles / CHURN_S
        print("churn: %d cgroups made and removed (%.0f a second)" % (churn.cycles, rate))
        if rate < 20:
            problems.append("the churn made only %.1f cgroups a second" % rate)
        prefix = area.shown(b"")
        want = {area.shown(n) for n in churn.names}
        for b in runs:
            ticks = b.stop(problems)
            seen = set()
            for n, tick in enumerate(ticks, 1):
                what = "%s tick %d" % (b.name(), n)
                check_tick(problems, what, tick)
                mine = rows_under(tick, prefix + "/")
                for path, r in mine.items():
                    if path not in want:
                        problems.append("%s: a churn row %r, not one of %r" % (what, path, sorted(want)))
                    elif r["name"] != path.rsplit("/", 1)[1]:
                        problems.append("%s: row %r named %r" % (what, path, r["name"]))
                seen |= set(mine)
                if tick["time"] > end + 0.3 and mine:
                    problems.append("%s (%.2f s after the churn): stale rows %r"
                                    % (what, tick["time"] - end, sorted(mine)))
            print("%s: %d ticks, %d of the %d churn cgroups seen" % (b.name(), len(ticks), len(seen), len(want)))
            if len(ticks) < 20:
                problems.append("%s: only %d ticks in %.0f s" % (b.name(), len(ticks), CHURN_S))
            if len(seen) < 3:
                problems.append("%s saw %d churn cgroups: the churn was not seen" % (b.name(), len(seen)))
    finally:
        for b in runs:
            b.close()
    report(problems)


# --- moves --------------------------------------------------------------------------------

def test_moves(area):
    """One process moved between cgroups A and B every 0.5 s: at each tick it
    is counted in exactly one of their rows (procs 1), the one its "cgroup"
    names; every tick consistent."""
    a, b_ = area.mkdir(b"mvA"), area.mkdir(b"mvB")
    w = area.hold(b"mvA")
    runs = run_all(0.2)
    problems = []
    try:
        for b in runs:
            b.wait_ticks(1, "the first tick")
        end = time.monotonic() + MOVES_S
        where = a
        while time.monotonic() < end:
            time.sleep(0.5)
            where = b_ if where == a else a
            move(w.pid, where)
        paths = {area.shown(b"mvA"), area.shown(b"mvB")}
        for b in runs:
            ticks = b.stop(problems)
            for n, tick in enumerate(ticks, 1):
                what = "%s tick %d" % (b.name(), n)
                check_tick(problems, what, tick)
                mine = [p for p in tick["processes"] if p["pid"] == w.pid]
                rows = [r for r in tick["cgroups"] if r["path"] in paths]
                if len(mine) != 1:
                    problems.append("%s: process %d listed %d times" % (what, w.pid, len(mine)))
                    continue
                if len(rows) != 1 or rows[0]["path"] != mine[0]["cgroup"] or rows[0]["procs"] != 1:
                    problems.append("%s: process %d in %r, rows %r" % (what, w.pid, mine[0]["cgroup"],
                                                                        [(r["path"], r["procs"]) for r in rows]))
            if len(ticks) < MOVES_S / 0.2 / 2:
                problems.append("%s: only %d ticks" % (b.name(), len(ticks)))
    finally:
        for b in runs:
            b.close()
        w.stop()
    report(problems)


def test_moved_away(area):
    """A process moved from A to B, and A removed: within FOLLOW_S memtop
    counts it in B, and A's row (a cgroup that no longer exists) is gone."""
    a = area.mkdir(b"awayA")
    b_ = area.mkdir(b"awayB")
    w = area.hold(b"awayA")
    runs = run_all(0.2)
    problems = []
    try:
        for b in runs:
            b.wait_ticks(3, "three ticks")
        move(w.pid, b_)
        area.rmdir(a)
        moved = time.time()
        time.sleep(FOLLOW_S + 1)
        pa, pb = area.shown(b"awayA"), area.shown(b"awayB")
        for b in runs:
            ticks = b.stop(problems)
            before = [t for t in ticks if t["time"] < moved - 0.3]
            if not before or not any(r["path"] == pa for r in before[-1]["cgroups"]):
                problems.append("%s: A's row not there before the move" % b.name())
            for n, tick in enumerate(ticks, 1):
                what = "%s tick %d (%+.1f s after the move)" % (b.name(), n, tick["time"] - moved)
                check_tick(problems, what, tick)
                if tick["time"] < moved + FOLLOW_S:
                    continue
                rows = {r["path"]: r["procs"] for r in tick["cgroups"] if r["path"] in (pa, pb)}
                mine = [p["cgroup"] for p in tick["processes"] if p["pid"] == w.pid]
                if rows != {pb: 1} or mine != [pb]:
                    problems.append("%s: process %d shown in %r, rows %r; it is in %r, %r removed"
                                    % (what, w.pid, mine, rows, pb, pa))
    finally:
        for b in runs:
            b.close()
        w.stop()
    report(problems)


# --- deep ---------------------------------------------------------------------------------

def deep_rel():
    return b"/".join(b"l%02d" % i for i in range(DEPTH))


def check_depth_allowed(area, levels):
    """cgroup v2 limits the depth below each cgroup (cgroup.max.depth);
    v1 has no such limit. Fails with the limit when levels do not fit."""
    if not (area.layout.memory_on_v2 or area.layout.v1_memory is None):
        return
    path, depth = area.dir, levels
    while True:
        try:
            with open(os.path.join(path, b"cgroup.max.depth")) as f:
                limit = f.read().strip()
        except FileNotFoundError:
            return                      # the root has none
        if limit != "max" and int(limit) < depth:
            raise AssertionError("%r allows %s levels below it, %d needed" % (path, limit, depth))
        path, depth = os.path.dirname(path), depth + 1


def test_deep(area, tmux):
    """DEPTH levels, a process in the deepest: in batch its row has the full
    path (procs 1, named after the last level) and no level above has a row;
    on an 80x24 screen the cgroup view shows it (NAME, PATH cut at the edge),
    and Enter limits the list to it, or says the path is too long for that."""
    check_depth_allowed(area, DEPTH + 1)
    rel = deep_rel()
    folder = b""
    for part in rel.split(b"/"):
        folder = os.path.join(folder, part) if folder else part
        area.mkdir(folder)
    w = area.hold(rel)
    path = area.shown(rel)
    assert memory_cgroup_of(w.pid) == area.rel + b"/" + rel, memory_cgroup_of(w.pid)
    print("deep: %d levels, path of %d bytes" % (DEPTH, len(path)))
    problems = []
    runs = run_all(0.5, "-n", "2")
    try:
        for b in runs:
            b.proc.wait(WAIT + 20)
            for n, tick in enumerate(b.stop(problems), 1):
                what = "%s tick %d" % (b.name(), n)
                check_tick(problems, what, tick)
                mine = rows_under(tick, area.shown(b"l00"))
                if area.shown(b"") in (r["path"] for r in tick["cgroups"]):
                    problems.append("%s: a row for %r, which holds no process" % (what, area.shown(b"")))
                if list(mine) != [path] or mine[path]["procs"] != 1 or mine[path]["name"] != "l%02d" % (DEPTH - 1):
                    problems.append("%s: rows %r, want only %r (1 process, named l%02d)"
                                    % (what, {p: (r["name"], r["procs"]) for p, r in mine.items()}, path, DEPTH - 1))
    finally:
        for b in runs:
            b.close()
    try:
        for binary in BINS:
            try:
                deep_screen(tmux, binary, w.pid, path)
            except AssertionError as e:
                problems.append("%s on the screen: %s" % (os.path.relpath(binary, ROOT), e))
    finally:
        w.stop()
    report(problems)


def deep_screen(tmux, binary, pid, path):
    """The cgroup view at 80x24 with the deep cgroup; Enter; q, q: memtop ends
    with status 0 and nothing on stderr."""
    err = tempfile.NamedTemporaryFile(prefix="memtop-cgh-err-", delete=False)
    err.close()
    script = '"$@" 2>"$ERRFILE"; printf "\\nEXIT %d\\n" "$?"; read -r _'
    p = tmux.start(command=["env", "ERRFILE=" + err.name, "sh", "-c", script, "memtop", binary,
                            "-d", "0.5", "-p", str(pid)], width=80, height=24)
    try:
        p.wait("the list", lambda s: e2e.has_frame(s) and e2e.row_of(s, pid) is not None)
        p.keys("S")
        name = "l%02d" % (DEPTH - 1)

        def view_row(s):
            if not (len(s) > 3 and s[0].startswith("Cgroups: 1 ") and s[1].split()[:1] == ["NAME"]):
                return None
            row = s[2]
            return row if row.split()[:2] == [name, "1"] else None
        s = p.wait("S: the cgroup view with %s" % name, view_row)
        head, row = s[1], view_row(s)
        cell = row[head.index("PATH"):].rstrip()
        assert len(cell) >= 10 and path.startswith(cell), "PATH cell %r, want a start of %r" % (cell, path)
        assert all(len(line) <= 80 for line in s), e2e.show(s)
        p.keys("Enter")
        if len(path) >= LIST_CGROUP_MAX:
            p.wait("Enter: the path is too long to list", lambda s: "cannot list that cgroup" in s[0])
            p.keys("q")
        else:
            p.wait("Enter: the list limited to it", lambda s: e2e.has_frame(s) and "Cgroup: " in e2e.status(s)
                   and [r[0] for r in e2e.rows(s)] == [pid])
        p.wait("the list", e2e.has_frame)
        p.keys("q")
        s = p.wait("memtop's end", lambda s: any(line.startswith("EXIT ") for line in s))
        status = [line for line in s if line.startswith("EXIT ")][0]
        with open(err.name, "rb") as f:
            stderr = f.read().decode("utf-8", "replace")
        assert status == "EXIT 0" and not stderr, "%s, stderr %r" % (status, stderr[:4000])
    finally:
        p.close()
        os.unlink(err.name)


# --- deleted ------------------------------------------------------------------------------

def test_deleted(area):
    """A cgroup whose only process is killed, then the cgroup removed: its row
    is gone from every tick sampled after the process was reaped but the
    first (which may have read /proc just before)."""
    folder = area.mkdir(b"gone\x1b[2J")
    w = area.hold(b"gone\x1b[2J")
    path = area.shown(b"gone\x1b[2J")
    runs = run_all(0.25)
    problems = []
    try:
        for b in runs:
            b.wait_ticks(3, "three ticks")
        w.proc.kill()
        w.proc.wait()
        gone = time.time()
        area.rmdir(folder)
        counts = [len(b.lines()) for b in runs]
        for b, n in zip(runs, counts):
            b.wait_ticks(n + 4, "four ticks after")
        for b in runs:
            ticks = b.stop(problems)
            if not any(r["path"] == path for r in ticks[0]["cgroups"]):
                problems.append("%s: the row %r not there at first" % (b.name(), path))
            after = 0
            for n, tick in enumerate(ticks, 1):
                what = "%s tick %d (%+.2f s after the kill)" % (b.name(), n, tick["time"] - gone)
                check_tick(problems, what, tick)
                if tick["time"] <= gone:
                    continue
                after += 1
                if after > 1 and any(r["path"] == path for r in tick["cgroups"]):
                    problems.append("%s: the removed cgroup's row is still there" % what)
            if after < 3:
                problems.append("%s: %d ticks after the kill" % (b.name(), after))
    finally:
        for b in runs:
            b.close()
    report(problems)


TESTS = [test_churn, test_moves, test_moved_away, test_deep, test_deleted]


def main():
    if not require(BINS + [HOLD], "memtop build/asan/memtop build/workloads/hold"):
        return 1
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    start = time.monotonic()
    passed = failed = 0
    area = tmux = None
    try:
        area = Area()
        print("cgroups in %s (%s)" % (area.dir.decode(), area.layout))
        tmux = e2e.Tmux()
        passed, failed = run_tests(TESTS, lambda test: test(area, tmux) if test is test_deep else test(area),
                                   sys.argv[1:])
    except KeyboardInterrupt:
        failed += 1
        print("FAIL interrupted")
    except Exception as e:
        failed += 1
        print("FAIL set-up: %s" % e)
    finally:
        if tmux is not None:
            tmux.kill()
        for problem in area.close() if area else []:
            print("FAIL clean-up: %s" % problem)
            failed += 1
    return finish("hostile cgroups", start, passed, failed)


if __name__ == "__main__":
    sys.exit(main())
