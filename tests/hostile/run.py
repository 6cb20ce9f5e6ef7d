#!/usr/bin/env python3
"""Hostile text: strings from other processes never reach the terminal raw,
and every batch format stays valid (issue 9, item 5).

Set-up: for each hostile string H in CASES (escape sequences, C1 controls,
invalid UTF-8, a right-to-left override, wide characters, a newline and a
tab, quotes and backslashes, commas, DEL/CR/BS) two processes start:

- a Python child (CHILD_SCRIPT) run with argv[0] = H and H as an argument,
  which sets its comm to H with prctl(PR_SET_NAME), maps a file named
  "map-" + H from a private temporary folder and waits; the test moves it
  into a memory cgroup named H + "~mPID" (the bytes the kernel refuses in a
  cgroup name, a newline here, are left out, and the run says so);
- tests/workloads/hold exec'd through a symbolic link named H, so the kernel
  itself sets its comm from the exec name.

The set-up first checks that the kernel really holds the raw bytes (comm,
cmdline, the mapping's name in /proc/PID/maps, /proc/PID/cgroup), so a test
cannot pass because nothing hostile was there. What memtop must show is
computed from those raw bytes with sanitize() and sanitize_cmdline(), the
rules of text_sanitize() in src/util/text.c redone in Python.

Tests: batch JSON, CSV and table; a recording (-w); --smaps in JSON, CSV and table; on the
interactive screen the list (COMMAND and, with C, CGROUP), the k prompt
naming each process, the list in the C locale (ASCII only), and the detail
view of each Python child (name, cgroup, command line, the mapping's name).
The screen is read back through tmux (capture-pane -e) and checked on the
raw byte stream memtop wrote to the terminal (tmux pipe-pane), which no
capture can clean: valid UTF-8, no hostile string raw, no OSC, BEL, DEL, C1
or bidi control, no C0 but ncurses' own, and the pane's title unchanged.

HOSTILE_MEMTOP=path runs the tests against another build: against builds
with one sanitising step removed each test fails.

The CGROUP column is 24 columns wide, too narrow for the hostile name after
this machine's own cgroup path, so the list session runs memtop in a cgroup
namespace (unshare --cgroup) rooted at its own cgroup, where the children's
cgroups read "/NAME" — as for memtop inside a container.

Every process, file and cgroup made is removed at the end, also on failure.
Prints "N passed, N failed" last; exit status 1 when anything failed.
"""
import csv
import errno
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import run as e2e  # noqa: E402
import cgroup  # noqa: E402
import workload  # noqa: E402
from sanitize import dangerous, sanitize, sanitize_cmdline, unclean  # noqa: E402
from suite import finish, run_tests, require  # noqa: E402

# HOSTILE_MEMTOP runs the tests against another build (to see them fail on a
# memtop that does not sanitise, for instance).
MEMTOP = os.environ.get("HOSTILE_MEMTOP", e2e.MEMTOP)
HOLD = e2e.HOLD
WAIT = e2e.WAIT
WIDTH, HEIGHT = 200, 50
DELAY = "0.5"
MAP_MIB = 8                 # the mapped file: bigger than any of Python's own mappings
CG_TAG = b"~m%d" % os.getpid()   # ends every cgroup name this run makes

# (label, bytes): at most 15 bytes each where a comm can hold them all, and
# "cut-wide" one more, so the kernel cuts its comm inside the emoji.
CASES = [
    ("sgr", b"\x1b[31mRED"),
    ("osc-title", b"\x1b]0;pwned\x07"),
    ("clear", b"\x1b[2JCLR"),
    ("c1-utf8", b"c1\xc2\x9b31m"),          # U+009B, the 8-bit CSI, as UTF-8
    ("c1-raw", b"c1r\x9b31m"),              # the 8-bit CSI as a raw byte
    ("bad-utf8", b"bad\xff\xfe"),
    ("lone-cont", b"cont\x80x"),
    ("rlo", "rlo\u202etxt".encode()),
    ("wide", "\u6f22\u5b57\U0001f600w".encode()),
    ("cut-wide", "\u6f22\u5b57\u6f22\u5b57\U0001f600".encode()),
    ("nl-tab", b"nl\nx\ty"),
    ("quotes", b"q\"'\\e[1m"),
    ("comma", b"a,b c;d"),
    ("del-cr-bs", b"del\x7f\r\x08"),
]

# Cgroups made for the cgroup table only, each holding one hold process:
# "cut-bytes" is 26 bytes before its tag, with a three-byte character over
# byte 24, where a label cut by bytes rather than characters breaks in two.
CG_ONLY_CASES = [
    ("cut-bytes", ("cgcut" + "\u6f22" * 7).encode()),
]

# The Python child: argv[1] is its name; maps DIR/map-NAME and reads it in.
CHILD_SCRIPT = r'''
import ctypes, mmap, os, sys
name = os.fsencode(sys.argv[1])
ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name), 0, 0, 0)    # PR_SET_NAME
fd = os.open(os.path.join(os.fsencode(os.path.dirname(__file__)), b"map-" + name), os.O_RDONLY)
m = mmap.mmap(fd, 0, mmap.MAP_SHARED, mmap.PROT_READ)
sum(m[i] for i in range(0, len(m), 4096))
print("ready %d" % os.getpid(), flush=True)
sys.stdin.buffer.read()
'''


def width_of(ch):
    """Terminal columns of one character (wcwidth for what these tests use)."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def fit(text, cols):
    """The longest prefix of text within cols columns (text_fit)."""
    used, out = 0, []
    for ch in text:
        w = width_of(ch)
        if used + w > cols:
            break
        out.append(ch)
        used += w
    return "".join(out)


def wrap(text, cols):
    """text over lines of at most cols columns, as the detail view wraps the
    whole command line (text_wrap)."""
    lines = []
    while text:
        line = fit(text, cols)
        if not line:
            break
        lines.append(line)
        text = text[len(line):]
    return lines


def col_slice(line, start, end=None):
    """The characters of a captured line that sit in columns [start, end):
    a wide character takes two columns but one character of the capture."""
    out, col = [], 0
    for ch in line:
        if col >= start and (end is None or col < end):
            out.append(ch)
        col += width_of(ch)
    return "".join(out)


def col_of(line, index):
    """The column where character index of a captured line starts."""
    return sum(width_of(ch) for ch in line[:index])


# --- the hostile processes -----------------------------------------------------------

def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def own_memory_cgroup_dir(layout):
    """The folder of this process's own memory cgroup (v1 on hybrid layouts,
    else cgroup2), where the hostile cgroups are made (as tests/common/cgroup.py
    does, so they stay inside whatever memory cgroup the tests run in)."""
    if layout.memory_on_v2 or layout.v1_memory is None:
        if layout.v2 is None:
            raise AssertionError("no cgroup hierarchy with a memory controller: %s" % layout)
        mount, own = layout.v2, cgroup.proc_cgroups().get("v2", "/")
    else:
        mount, own = layout.v1_memory, cgroup.proc_cgroups().get("memory", "/")
    root = mount.root.rstrip("/")
    if own != root and not own.startswith(root + "/"):
        return os.fsencode(mount.mountpoint)
    return os.fsencode(os.path.join(mount.mountpoint, own[len(root):].lstrip("/")))


def remove_stale_folders():
    """Removes the temporary folders (and their mapped files) of earlier runs
    that were killed: mth-PID-* and mth-stream-PID-* whose PID is gone."""
    top = tempfile.gettempdir()
    for entry in os.listdir(top):
        m = re.fullmatch(r"mth-(?:stream-)?(\d+)-\w+", entry)
        if m and not e2e.alive(int(m.group(1))):
            shutil.rmtree(os.path.join(top, entry), ignore_errors=True)


class Child:
    """One hostile Python child and what the kernel says about it."""

    def __init__(self, label, name, proc):
        self.label, self.name, self.proc, self.pid = label, name, proc, proc.pid
        self.map_addr = self.map_raw_name = None
        self.cgroup_dir = None


class World:
    """Every hostile process, file and cgroup of the run."""

    def __init__(self):
        self.procs = []           # workload.Workload objects, stopped by close()
        self.cgroups = []         # (path, parent) in creation order
        remove_stale_folders()
        self.tmp = tempfile.mkdtemp(prefix="mth-%d-" % os.getpid())
        self.tmpb = os.fsencode(self.tmp)
        self.children = []        # Child: the Python children
        self.execs = []           # (label, name, Workload): hold exec'd by a hostile name
        self.refused = {}         # cgroup name bytes the kernel refused: label -> bytes
        self.cg_only = []         # Child: a hold in a hostile cgroup (CG_ONLY_CASES)

    # -- set-up --
    def start(self):
        layout = cgroup.detect_layout()
        self.cg_parent = own_memory_cgroup_dir(layout)
        self.remove_stale_cgroups()
        script = os.path.join(self.tmp, "c.py")
        with open(script, "w") as f:
            f.write(CHILD_SCRIPT)
        for label, name in CASES:
            with open(os.path.join(self.tmpb, b"map-" + name), "wb") as f:
                f.write(b"m" * (MAP_MIB << 20))
            w = workload.Workload([name, "-S", script, name], executable=sys.executable,
                                  registry=self.procs, timeout=WAIT)
            self.children.append(Child(label, name, w))
            link = os.path.join(self.tmpb, name)
            os.symlink(HOLD, link)
            self.execs.append((label, name, workload.Workload([link, "1"], registry=self.procs,
                                                              timeout=WAIT)))
        for label, name in CG_ONLY_CASES:
            self.cg_only.append(Child(label, name, workload.Workload([HOLD, "1"], registry=self.procs,
                                                                     timeout=WAIT)))
        for c in self.children + self.cg_only:
            self.make_cgroup(c)
        self.check_kernel_holds_the_bytes()
        print("set-up: %d hostile Python children, %d exec'd by hostile names; cgroups in %s (%s)"
              % (len(self.children), len(self.execs), os.fsdecode(self.cg_parent), layout))
        for label, refused in self.refused.items():
            print("set-up: the kernel refuses %s in a cgroup name: %s's cgroup is made without it"
                  % (", ".join("0x%02x" % b for b in refused), label))

    def make_cgroup(self, c):
        """Makes the cgroup named c.name + CG_TAG (without the bytes the kernel
        refuses) and moves c into it."""
        name, refused = c.name, b""
        while True:
            path = os.path.join(self.cg_parent, name + CG_TAG)
            try:
                os.mkdir(path)
                break
            except OSError as e:
                if e.errno != errno.EINVAL or refused:
                    raise AssertionError("cannot make cgroup %r: %s" % (path, e)) from None
            refused = bytes(b for b in sorted(set(c.name)) if not self.cgroup_accepts(bytes([b])))
            if not refused:
                raise AssertionError("the kernel refuses cgroup name %r, but each of its bytes alone"
                                     % (name + CG_TAG))
            self.refused[c.label] = refused
            name = bytes(b for b in c.name if b not in refused)
        self.cgroups.append((path, self.cg_parent))
        c.cgroup_dir = path
        with open(os.path.join(path, b"cgroup.procs"), "w") as f:
            f.write(str(c.pid))

    def cgroup_accepts(self, byte):
        path = os.path.join(self.cg_parent, b"probe" + byte + CG_TAG)
        try:
            os.mkdir(path)
        except OSError:
            return False
        os.rmdir(path)
        return True

    def remove_stale_cgroups(self):
        """Removes the empty cgroups of earlier runs that were killed."""
        for entry in os.listdir(self.cg_parent):
            m = re.search(rb"~m(\d+)$", entry)
            if m and not e2e.alive(int(m.group(1))) and os.path.isdir(
                    os.path.join(self.cg_parent, entry)):
                try:
                    procs = read_bytes(os.path.join(self.cg_parent, entry, b"cgroup.procs"))
                    if not procs.strip():
                        os.rmdir(os.path.join(self.cg_parent, entry))
                except OSError:
                    pass

    def check_kernel_holds_the_bytes(self):
        """The kernel must show the raw hostile bytes, or no test means anything."""
        for c in self.children:
            comm = read_bytes("/proc/%d/comm" % c.pid).rstrip(b"\n")
            assert comm == c.name[:15], "%s: comm is %r, not %r" % (c.label, comm, c.name[:15])
            cmd = read_bytes("/proc/%d/cmdline" % c.pid)
            assert cmd.split(b"\0")[0] == c.name and cmd.rstrip(b"\0").split(b"\0")[-1] == c.name, \
                "%s: cmdline %r" % (c.label, cmd)
            ino = os.stat(os.path.join(self.tmpb, b"map-" + c.name)).st_ino
            for line in read_bytes("/proc/%d/maps" % c.pid).split(b"\n"):
                fields = line.split(None, 5)
                if len(fields) == 6 and int(fields[4]) == ino:
                    c.map_addr = fields[0].split(b"-")[0].decode()
                    c.map_raw_name = fields[5]
            assert c.map_addr, "%s: the mapped file is not in /proc/%d/maps" % (c.label, c.pid)
            want = os.path.join(self.tmpb, b"map-" + c.name).replace(b"\n", b"\\012")
            assert c.map_raw_name == want, "%s: maps names %r" % (c.label, c.map_raw_name)
            assert os.path.basename(c.cgroup_dir) in read_bytes("/proc/%d/cgroup" % c.pid), \
                "%s: not in its cgroup: %r" % (c.label, read_bytes("/proc/%d/cgroup" % c.pid))
        for c in self.cg_only:
            assert os.path.basename(c.cgroup_dir) in read_bytes("/proc/%d/cgroup" % c.pid), \
                "%s: not in its cgroup: %r" % (c.label, read_bytes("/proc/%d/cgroup" % c.pid))
        for label, name, w in self.execs:
            comm = read_bytes("/proc/%d/comm" % w.pid).rstrip(b"\n")
            assert comm == name[:15], "%s: exec name gave comm %r, not %r" % (label, comm, name[:15])

    # -- what memtop must show --
    def pids(self):
        return [c.pid for c in self.children] + [w.pid for _, _, w in self.execs]

    def all_named(self):
        """(label, pid) of every hostile process."""
        return [(c.label, c.pid) for c in self.children] + \
            [("exec " + label, w.pid) for label, _, w in self.execs]

    def hostile_cgroups(self):
        """(label, pid, path, name) of every hostile cgroup made, each holding
        one process: the path and the label memtop must show, escaped."""
        out = []
        for c in self.children + self.cg_only:
            out.append((c.label, c.pid, expected(c.pid)[2], sanitize(os.path.basename(c.cgroup_dir))))
        return out

    # -- clean-up --
    def close(self):
        problems = []
        for w in list(self.procs):
            try:
                w.stop()
            except Exception as e:
                problems.append("stopping %d: %s" % (w.pid, e))
        while self.cgroups:
            problem = cgroup.remove_cgroup(*self.cgroups.pop())
            if problem:
                problems.append(problem)
        shutil.rmtree(self.tmp, ignore_errors=True)
        if os.path.exists(self.tmp):
            problems.append("cannot remove %s" % self.tmp)
        return problems


def expected(pid):
    """(comm, cmdline, cgroup, v2 path, v1 memory path) memtop must show for
    pid, from the raw bytes the kernel gives (as this process reads them)."""
    comm = read_bytes("/proc/%d/comm" % pid).rstrip(b"\n")
    cmd = read_bytes("/proc/%d/cmdline" % pid)
    v2 = v1 = None
    for line in read_bytes("/proc/%d/cgroup" % pid).rstrip(b"\n").split(b"\n"):
        ident, controllers, path = line.split(b":", 2)
        if ident == b"0" and controllers == b"":
            v2 = path
        if b"memory" in controllers.split(b","):
            v1 = path
    governing = v1 if v1 is not None else v2
    return (sanitize(comm), sanitize_cmdline(cmd), sanitize(governing),
            sanitize(v2 or b""), sanitize(v1 or b""))


def run_memtop(*args, timeout=30):
    p = subprocess.run([MEMTOP] + list(args), capture_output=True, timeout=timeout)
    assert p.returncode == 0, "memtop %s exited %d: %r" % (" ".join(args), p.returncode, p.stderr)
    return p.stdout


def strict_utf8(data, what):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssertionError("%s is not valid UTF-8: %s, near %r"
                             % (what, e, data[max(0, e.start - 40):e.end + 40])) from None


def compare(problems, what, got, want):
    if got != want:
        problems.append("%s: got %r, want %r" % (what, got, want))


def report(problems):
    if problems:
        raise AssertionError("%d problems:\n  %s" % (len(problems), "\n  ".join(problems[:40])))


# --- batch formats -----------------------------------------------------------------

def test_json_batch(world, tmux):
    """-b -n 2 --format json of the whole machine: valid UTF-8, every line an
    object, every string of every process clean, and the hostile processes'
    comm, cmdline and cgroup exactly as text_sanitize makes them."""
    out = run_memtop("-b", "-n", "2", "-d", DELAY, "--format", "json")
    text = strict_utf8(out, "the JSON output")
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) == 3, "not two lines ending in a newline: %r" % text[-200:]
    problems = []
    for n, line in enumerate(lines[:-1]):
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise AssertionError("line %d does not parse: %s, near %r"
                                 % (n + 1, e, line[max(0, e.pos - 60):e.pos + 60])) from None
        procs = {p["pid"]: p for p in obj["processes"]}
        for p in obj["processes"]:
            for key in ("user", "comm", "cmdline", "cgroup"):
                if isinstance(p[key], str) and unclean(p[key]):
                    problems.append("pid %d %s holds %r: %r" % (p["pid"], key, unclean(p[key]), p[key]))
        for label, pid in world.all_named():
            if pid not in procs:
                problems.append("%s (pid %d) missing from sample %d" % (label, pid, n + 1))
                continue
            comm, cmd, cg, _, _ = expected(pid)
            compare(problems, "%s comm" % label, procs[pid]["comm"], comm)
            compare(problems, "%s cmdline" % label, procs[pid]["cmdline"], cmd)
            compare(problems, "%s cgroup" % label, procs[pid]["cgroup"], cg)
    report(problems)


def test_recording(world, tmux):
    """-w FILE -n 2 of the whole machine: every string in the recording
    (names, command lines, users, cgroups, executables, cgroup paths) is
    clean UTF-8, and the hostile processes' comm, cmdline and cgroup are
    exactly what text_sanitize makes of them, as on every other output."""
    import sqlite3
    tmp = tempfile.mkdtemp(prefix="memtop-hostile-rec-")
    try:
        path = os.path.join(tmp, "rec.db")
        run_memtop("-w", path, "-n", "2", "-d", DELAY)
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        db.text_factory = bytes            # read what was stored, not what Python decodes
        problems = []
        for row in db.execute("SELECT p.pid, i.comm, i.cmdline, i.user, i.cgroup, i.exe"
                              " FROM ident i JOIN proc p ON p.id = i.proc"):
            pid = row[0]
            for key, value in zip(("comm", "cmdline", "user", "cgroup", "exe"), row[1:]):
                if value is None:
                    continue
                text = strict_utf8(value, "pid %d %s in the recording" % (pid, key))
                if unclean(text):
                    problems.append("pid %d %s holds %r: %r" % (pid, key, unclean(text), text))
        for (cgpath,) in db.execute("SELECT path FROM cgroup"):
            text = strict_utf8(cgpath, "a cgroup path in the recording")
            if unclean(text):
                problems.append("cgroup path holds %r: %r" % (unclean(text), text))
        names = {}
        for pid, comm, cmd, cg in db.execute("SELECT pid, comm, cmdline, cgroup FROM proc_name"):
            names[pid] = (comm.decode(), cmd.decode() if cmd is not None else None,
                          cg.decode() if cg is not None else "")
        db.close()
        for label, pid in world.all_named():
            if pid not in names:
                problems.append("%s (pid %d) missing from the recording" % (label, pid))
                continue
            comm, cmd, cg, _, _ = expected(pid)
            compare(problems, "%s comm" % label, names[pid][0], comm)
            compare(problems, "%s cmdline" % label, names[pid][1], cmd)
            compare(problems, "%s cgroup" % label, names[pid][2], cg)
        report(problems)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


CSV_COLUMNS = 24                # cmdline_truncated is the last


def test_csv_batch(world, tmux):
    """-b -n 2 --format csv of the whole machine: valid UTF-8, parses with the
    csv module, each row the header's column count, the hostile fields exact."""
    out = run_memtop("-b", "-n", "2", "-d", DELAY, "--format", "csv")
    text = strict_utf8(out, "the CSV output")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    assert len(header) == CSV_COLUMNS and header[1] == "pid", header
    col = {name: i for i, name in enumerate(header)}
    problems, seen = [], {}
    for n, row in enumerate(rows[1:], 2):
        if len(row) != len(header):
            problems.append("row %d has %d fields, the header %d: %r" % (n, len(row), len(header), row))
            continue
        for key in ("user", "comm", "cmdline", "cgroup"):
            if unclean(row[col[key]]):
                problems.append("row %d %s holds %r" % (n, key, unclean(row[col[key]])))
        seen.setdefault(int(row[col["pid"]]), []).append(row)
    for label, pid in world.all_named():
        got = seen.get(pid, [])
        if len(got) != 2:
            problems.append("%s (pid %d): %d rows, want one per sample" % (label, pid, len(got)))
        comm, cmd, cg, _, _ = expected(pid)
        for row in got:
            compare(problems, "%s comm" % label, row[col["comm"]], comm)
            compare(problems, "%s cmdline" % label, row[col["cmdline"]], cmd)
            compare(problems, "%s cgroup" % label, row[col["cgroup"]], cg)
    # The raw rows: a field with a comma, a quote or a space must be quoted
    # (a naive reader splitting on commas is not fooled by the comma case).
    c = [c for c in world.children if c.label == "comma"][0]
    raw = [line for line in text.split("\n") if line.split(",")[1:2] == [str(c.pid)]]
    if not raw or ',"a,b c;d -S ' not in raw[0]:
        problems.append("the comma child's row does not quote its command line: %r" % raw[:1])
    report(problems)


METRIC_LINE = re.compile(r'^([a-z_]+)\{(.*)\} (\S+)$')
METRIC_LABEL = re.compile(r'([a-z_]+)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')
LABEL_MAX = 256          # METRICS_LABEL_MAX: a longer value is cut and tagged with a hash


def metric_labels(text):
    """The labels of a sample line's {...}, unescaped; None when the text is
    not a well-formed label set."""
    labels, pos = {}, 0
    while pos < len(text):
        m = METRIC_LABEL.match(text, pos)
        if not m:
            return None
        labels[m.group(1)] = re.sub(r"\\(.)", lambda e: "\n" if e.group(1) == "n" else e.group(1), m.group(2))
        pos = m.end()
    return labels


def label_value(value):
    """What memtop makes of a (sanitised) value as a label: itself, or when
    longer than LABEL_MAX bytes its start, "...", and 8 hex digits."""
    raw = value.encode()
    if len(raw) <= LABEL_MAX:
        return value, None
    keep = LABEL_MAX - 11
    while keep > 0 and (raw[keep] & 0xC0) == 0x80:
        keep -= 1
    return raw[:keep].decode(), len(raw)


def test_prometheus_batch(world, tmux):
    """-b -f prometheus of the hostile processes with their command lines as
    labels: valid UTF-8 with no raw control byte, every sample line a
    well-formed label set (escapes only \\\\, \\" and \\n), promtool
    accepts it, and each hostile comm, cgroup and cmdline label is the
    sanitised text (a long one cut and tagged)."""
    pids = [pid for _, pid in world.all_named()]
    out = run_memtop("-b", "-n", "1", "-f", "prometheus", "--export-cmdline", "--export-top", "1000",
                     "-p", ",".join(map(str, pids)))
    text = strict_utf8(out, "the Prometheus output")
    problems, seen = [], {}
    for n, line in enumerate(text.split("\n"), 1):
        if unclean(line):
            problems.append("line %d holds %r" % (n, unclean(line)))
        m = METRIC_LINE.match(line)
        if not m:
            continue
        labels = metric_labels(m.group(2))
        if labels is None:
            problems.append("line %d: a malformed label set: %r" % (n, line[:200]))
        elif m.group(1) == "memtop_process_resident_bytes":
            seen[int(labels["pid"])] = labels
    promtool = shutil.which("promtool")
    if promtool:
        p = subprocess.run([promtool, "check", "metrics"], input=out, capture_output=True)
        if p.returncode != 0:
            problems.append("promtool check metrics: %r" % (p.stdout + p.stderr)[:500])
    for label, pid in world.all_named():
        got = seen.get(pid)
        if not got:
            problems.append("%s (pid %d): no series" % (label, pid))
            continue
        comm, cmd, cg, _, _ = expected(pid)
        for key, want in (("comm", comm), ("cgroup", cg), ("cmdline", cmd)):
            start, cut = label_value(want)
            if cut is None:
                compare(problems, "%s %s" % (label, key), got[key], want)
            elif not re.fullmatch(re.escape(start) + r"\.\.\.[0-9a-f]{8}", got[key]):
                problems.append("%s %s: %r is not the cut of %r" % (label, key, got[key][:80], want[:80]))
    report(problems)


TABLE_ROW = re.compile(r" *\d+ ")


def test_table_batch(world, tmux):
    """-b --format table: each process on exactly one line (nothing injects a
    newline), the command line escaped at the end of its line, and no control
    byte but the newlines between lines, for the whole machine and with -p."""
    problems = []
    for args in (("-b", "-n", "2", "-d", DELAY), ("-b", "-n", "1", "-p", ",".join(map(str, world.pids())))):
        out = run_memtop(*args)
        text = strict_utf8(out, "the table output")
        bad = unclean(text.replace("\n", ""))
        if bad:
            problems.append("%s: control characters %r in the table" % (" ".join(args), sorted(set(bad))))
        blocks = [b for b in text.split("\nmemtop - ") if b]
        samples = 0
        for block in blocks:
            lines = block.rstrip("\n").split("\n")
            count = int(re.search(r", (\d+) processes$", lines[0]).group(1))
            head = [i for i, line in enumerate(lines) if line.split()[:2] == ["PID", "USER"]]
            assert len(head) == 1, "no single column header in:\n%s" % block[:2000]
            body = lines[head[0] + 1:]
            if len(body) != count:
                problems.append("%s: %d processes, %d lines" % (" ".join(args), count, len(body)))
            for line in body:
                if not TABLE_ROW.match(line):
                    problems.append("%s: not a process row: %r" % (" ".join(args), line))
            by_pid = {}
            for line in body:
                if TABLE_ROW.match(line):
                    by_pid.setdefault(int(line.split()[0]), []).append(line)
            for label, pid in world.all_named():
                got = by_pid.get(pid, [])
                _, cmd, _, _, _ = expected(pid)
                if len(got) != 1:
                    problems.append("%s (pid %d): %d lines" % (label, pid, len(got)))
                elif not got[0].endswith(" " + cmd):
                    problems.append("%s: line %r does not end with %r" % (label, got[0], cmd))
            samples += 1
        if samples != int(args[2]):
            problems.append("%s: %d samples" % (" ".join(args), samples))
    report(problems)


def test_smaps_json(world, tmux):
    """--smaps PID --format json of each Python child: parses, comm, the
    mapping's name and both cgroup paths escaped."""
    problems = []
    for c in world.children:
        out = run_memtop("--smaps", str(c.pid), "--format", "json")
        text = strict_utf8(out, "--smaps %d json" % c.pid)
        try:
            obj = json.loads(text)
        except ValueError as e:
            problems.append("%s: does not parse: %s near %r"
                            % (c.label, e, text[max(0, e.pos - 60):e.pos + 60]))
            continue
        comm, _, _, v2, v1 = expected(c.pid)
        compare(problems, "%s comm" % c.label, obj["comm"], comm)
        maps = [m for m in obj["mappings"] if m["start"] == c.map_addr.lstrip("0")]
        if len(maps) != 1:
            problems.append("%s: no single mapping at %s" % (c.label, c.map_addr))
        else:
            compare(problems, "%s mapping name" % c.label, maps[0]["name"], sanitize(c.map_raw_name))
        for m in obj["mappings"]:
            if unclean(m["name"]):
                problems.append("%s: mapping name %r" % (c.label, m["name"]))
        compare(problems, "%s cgroup v2_path" % c.label, obj["cgroup"]["v2_path"], v2)
        compare(problems, "%s cgroup v1_memory_path" % c.label, obj["cgroup"]["v1_memory_path"], v1)
    report(problems)


SMAPS_CSV_COLUMNS = 11


def test_smaps_csv(world, tmux):
    """--smaps PID --format csv: parses, every row the header's column count,
    the mapping's name escaped."""
    problems = []
    for c in world.children:
        text = strict_utf8(run_memtop("--smaps", str(c.pid), "--format", "csv"), "--smaps csv")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        header = rows[0]
        if len(header) != SMAPS_CSV_COLUMNS or header[-1] != "name":
            problems.append("%s: header %r" % (c.label, header))
            continue
        for n, row in enumerate(rows[1:], 2):
            if len(row) != len(header):
                problems.append("%s: row %d has %d fields: %r" % (c.label, n, len(row), row))
        mine = [r for r in rows[1:] if r[:1] == [c.map_addr.lstrip("0")]]
        if len(mine) != 1:
            problems.append("%s: no single row at %s" % (c.label, c.map_addr))
        else:
            compare(problems, "%s mapping name" % c.label, mine[0][-1], sanitize(c.map_raw_name))
    report(problems)


def test_smaps_table(world, tmux):
    """--smaps PID (table): the comm escaped in the title, one line per
    mapping, the hostile mapping's line ending with its escaped name."""
    problems = []
    for c in world.children:
        text = strict_utf8(run_memtop("--smaps", str(c.pid)), "--smaps table")
        if unclean(text.replace("\n", "")):
            problems.append("%s: control characters %r" % (c.label, unclean(text.replace("\n", ""))))
        lines = text.rstrip("\n").split("\n")
        comm, _, _, _, _ = expected(c.pid)
        m = re.match(r"memtop --smaps %d \((.*)\): (\d+) mappings, sizes in KiB$" % c.pid, lines[0])
        if not m:
            problems.append("%s: title %r" % (c.label, lines[0]))
            continue
        compare(problems, "%s comm in the title" % c.label, m.group(1), comm)
        body = [line for line in lines[2:] if not line.startswith(("total ", "smaps_rollup "))]
        nmaps = len(read_bytes("/proc/%d/maps" % c.pid).rstrip(b"\n").split(b"\n"))
        if len(body) != int(m.group(2)) or len(body) != nmaps:
            problems.append("%s: %d mapping lines, title says %s, maps has %d"
                            % (c.label, len(body), m.group(2), nmaps))
        for line in body:
            if not re.match(r"[0-9a-f]{16}-[0-9a-f]{16} ", line):
                problems.append("%s: not a mapping line: %r" % (c.label, line))
        mine = [line for line in body if line.startswith(c.map_addr.rjust(16, "0") + "-")]
        if len(mine) != 1 or not mine[0].endswith(" " + sanitize(c.map_raw_name)):
            problems.append("%s: mapping line %r, want it to end with %r"
                            % (c.label, mine, sanitize(c.map_raw_name)))
    report(problems)


# --- the cgroup table (--cgroups, the S view) ----------------------------------------

def check_cgroup_row(problems, what, row, label, pid, path, name, procs_of):
    """A hostile cgroup's row: its path and name exactly the escaped ones,
    its one process counted (procs_of: the row's process count)."""
    compare(problems, "%s %s path" % (what, label), row["path"], path)
    compare(problems, "%s %s name" % (what, label), row["name"], name)
    if procs_of(row) < 1:
        problems.append("%s %s: procs %r, want at least its process %d" % (what, label, procs_of(row), pid))


def test_cgroups_json(world, tmux):
    """-b --cgroups -f json -n 3 -d 1 of the whole machine: valid UTF-8, every
    line an object, every cgroup's path and name clean; each hostile cgroup
    in every tick's "cgroups" with its path and name escaped exactly as
    text_sanitize makes them, holding its process (whose "cgroup" names it)."""
    out = run_memtop("-b", "--cgroups", "-f", "json", "-n", "3", "-d", "1")
    text = strict_utf8(out, "the --cgroups JSON output")
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) == 4, "not three lines ending in a newline: %r" % text[-200:]
    problems = []
    for n, line in enumerate(lines[:-1], 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            raise AssertionError("line %d does not parse: %s, near %r"
                                 % (n, e, line[max(0, e.pos - 60):e.pos + 60])) from None
        rows = {}
        for r in obj["cgroups"]:
            for key in ("path", "name"):
                if not isinstance(r[key], str) or unclean(r[key]):
                    problems.append("tick %d: cgroup %s %r holds %r" % (n, key, r[key], unclean(str(r[key]))))
            if r["path"] in rows:
                problems.append("tick %d: two rows for %r" % (n, r["path"]))
            rows[r["path"]] = r
        procs = {p["pid"]: p for p in obj["processes"]}
        for label, pid, path, name in world.hostile_cgroups():
            if path not in rows:
                problems.append("tick %d: %s's cgroup %r missing; rows of the run: %r"
                                % (n, label, path, [p for p in rows if CG_TAG.decode() in p]))
                continue
            check_cgroup_row(problems, "tick %d" % n, rows[path], label, pid, path, name, lambda r: r["procs"])
            if pid not in procs:
                problems.append("tick %d: %s's process %d missing" % (n, label, pid))
            else:
                compare(problems, "tick %d %s process cgroup" % (n, label), procs[pid]["cgroup"], path)
    report(problems)


CGROUP_CSV_HEADER = ("time,path,name,procs,rss_kb,anon_kb,swap_kb,usage_kb,limit_kb,own_anon_kb,"
                     "psi_some_avg10,psi_full_avg10,delta_kb,growth_kb_per_min,leak_suspected,leak_score,"
                     "leak_since_s,exhaustion_eta_s,oom_kills").split(",")


def test_cgroups_csv(world, tmux):
    """-b --cgroups -f csv -n 2: valid UTF-8, parses with the csv module into
    rows of the header's columns (one header), no control character in any
    field, and each hostile cgroup once a tick with its path and name escaped."""
    text = strict_utf8(run_memtop("-b", "--cgroups", "-f", "csv", "-n", "2", "-d", DELAY),
                       "the --cgroups CSV output")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows and rows[0] == CGROUP_CSV_HEADER, "header %r" % rows[:1]
    col = {name: i for i, name in enumerate(rows[0])}
    problems, seen = [], {}
    for n, row in enumerate(rows[1:], 2):
        if len(row) != len(CGROUP_CSV_HEADER):
            problems.append("row %d has %d fields, the header %d: %r" % (n, len(row), len(CGROUP_CSV_HEADER), row))
            continue
        if row == CGROUP_CSV_HEADER:
            problems.append("row %d repeats the header" % n)
        for i, field in enumerate(row):
            if unclean(field):
                problems.append("row %d %s holds %r" % (n, CGROUP_CSV_HEADER[i], unclean(field)))
        seen.setdefault(row[col["path"]], []).append(row)
    ticks = len({row[0] for row in rows[1:]})
    if ticks != 2:
        problems.append("%d distinct times, want 2 ticks" % ticks)
    for label, pid, path, name in world.hostile_cgroups():
        got = seen.get(path, [])
        if len(got) != 2:
            problems.append("%s's cgroup %r: %d rows, want one a tick" % (label, path, len(got)))
        for row in got:
            check_cgroup_row(problems, "csv", {"path": row[col["path"]], "name": row[col["name"]]},
                             label, pid, path, name, lambda r: int(row[col["procs"]]))
    report(problems)


CGROUP_TABLE_TAIL = re.compile(r"^(.*?) +(\d+)(?: +\S+){7}$")


def test_cgroups_table(world, tmux):
    """-b --cgroups (table) -n 2: valid UTF-8, no control character but the
    newlines, one line per cgroup (as many as the title counts); each hostile
    cgroup on one line a tick, ending with its escaped path, its NAME cell
    a prefix of its escaped label (cut, never split inside a character)."""
    text = strict_utf8(run_memtop("-b", "--cgroups", "-n", "2", "-d", DELAY), "the --cgroups table")
    problems = []
    bad = unclean(text.replace("\n", ""))
    if bad:
        problems.append("control characters %r in the table" % sorted(set(bad)))
    blocks = [b for b in text.split("\nmemtop - ") if b]
    if len(blocks) != 2:
        problems.append("%d samples, want 2" % len(blocks))
    for block in blocks:
        lines = block.rstrip("\n").split("\n")
        m = re.search(r", (\d+) cgroups, \d+ processes$", lines[0])
        assert m, "no title in:\n%s" % block[:2000]
        head = [i for i, line in enumerate(lines) if line.split()[:2] == ["NAME", "PROCS"]]
        assert len(head) == 1, "no single column header in:\n%s" % block[:2000]
        body = lines[head[0] + 1:]
        if len(body) != int(m.group(1)):
            problems.append("%s cgroups, %d lines" % (m.group(1), len(body)))
        for label, pid, path, name in world.hostile_cgroups():
            mine = [line for line in body if line.endswith("  " + path)]
            if len(mine) != 1:
                problems.append("%s's cgroup %r: %d lines" % (label, path, len(mine)))
                continue
            cells = CGROUP_TABLE_TAIL.match(mine[0][:-len(path) - 2])
            if not cells:
                problems.append("%s: not a cgroup row: %r" % (label, mine[0]))
                continue
            cell = cells.group(1)
            if not cell or not name.startswith(cell) or len(cell) < min(len(name), 8):
                problems.append("%s: NAME cell %r is no prefix of the label %r" % (label, cell, name))
            if int(cells.group(2)) < 1:
                problems.append("%s: PROCS %s" % (label, cells.group(2)))
    report(problems)


# --- the interactive screen -----------------------------------------------------------

SGR = re.compile(r"\x1b\[[0-9;:]*m")
# What ncurses itself sends besides escape sequences: cursor moves and charsets.
TERMINAL_C0 = set("\x1b\r\n\b\t\x0e\x0f")


def find_memtop(tmux, pane):
    """The pid of memtop below the pane's shell. (e2e's Pane.memtop_pid reads
    /proc/*/stat as UTF-8 text, which the hostile names here are not.)"""
    shell = int(pane.info("#{pane_pid}"))
    deadline = time.monotonic() + WAIT
    while True:
        parent = {}
        for entry in os.listdir("/proc"):
            try:
                stat = read_bytes("/proc/%s/stat" % entry) if entry.isdigit() else None
            except OSError:
                continue
            if stat:
                parent[int(entry)] = int(stat[stat.rindex(b")") + 2:].split()[1])
        found, todo = [], [shell]
        while todo:
            ppid = todo.pop()
            kids = [k for k, v in parent.items() if v == ppid]
            found += kids
            todo += kids
        for pid in found:
            try:
                if os.readlink("/proc/%d/exe" % pid) == os.path.realpath(MEMTOP):
                    tmux.memtops.add(pid)
                    return pid
            except OSError:
                pass
        if time.monotonic() > deadline:
            raise AssertionError("no memtop below pane %d; screen:\n%s" % (shell, e2e.show(pane.screen())))
        time.sleep(0.05)


class Watched:
    """memtop in a tmux session whose output stream is copied to a file
    (pipe-pane) from its first byte: the pane's shell waits for Enter before
    starting memtop, and pipe-pane is on before that."""

    def __init__(self, tmux, args, unshare=False, env=None):
        self.tmux, self.pane = tmux, None
        self.stream = os.path.join(tempfile.mkdtemp(prefix="mth-stream-%d-" % os.getpid()), "out")
        prog = (["unshare", "--cgroup"] if unshare else []) + [MEMTOP]
        try:
            self.pane = tmux.start(command=["sh", "-c", 'read -r _; "$@"', "sh"] + prog + list(args),
                                   width=WIDTH, height=HEIGHT, env=env)
            tmux.run("pipe-pane", "-O", "-t", self.pane.target, "cat > '%s'" % self.stream)
            self.pane.keys("Enter")
            self.pid = find_memtop(tmux, self.pane)
        except BaseException:
            self.close()
            raise

    def capture(self):
        """capture-pane -p -e, as bytes, decoded strictly."""
        p = subprocess.run(["tmux", "-L", self.tmux.socket, "-f", self.tmux.conf.name, "capture-pane",
                            "-p", "-e", "-t", self.pane.target], capture_output=True, env=self.tmux.env,
                           timeout=WAIT)
        return strict_utf8(p.stdout, "capture-pane -e").split("\n")[:-1]

    def raw(self):
        """Everything memtop wrote, once the session is closed and the copy
        has stopped growing."""
        self.pane.close()
        size, deadline = -1, time.monotonic() + WAIT
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = os.path.getsize(self.stream) if os.path.exists(self.stream) else 0
            if now == size:
                break
            size = now
        with open(self.stream, "rb") as f:
            return f.read()

    def close(self):
        if self.pane is not None:
            self.pane.close()
        shutil.rmtree(os.path.dirname(self.stream), ignore_errors=True)


def check_capture(capture, problems, what):
    """No escape, C1 or C0 character from outside memtop's SGR sequences."""
    for n, line in enumerate(capture):
        bad = unclean(SGR.sub("", line))
        if bad:
            problems.append("%s: line %d holds %r outside SGR: %r" % (what, n, bad, line))


def check_stream(w, problems, what):
    """The bytes memtop wrote to its terminal: valid UTF-8; no hostile string
    raw; no OSC, BEL, DEL, C1 or bidi control; no C0 but ncurses' own."""
    raw = w.raw()
    if b"\x1b[?1049h" not in raw[:200]:      # smcup: the copy starts with memtop's first bytes
        problems.append("%s: the copy of the terminal's input does not start with memtop's "
                        "set-up: %r" % (what, raw[:200]))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append("%s: the terminal got invalid UTF-8 at %d: %r"
                        % (what, e.start, raw[max(0, e.start - 40):e.end + 40]))
        text = raw.decode("utf-8", "replace")
    for label, name in CASES + CG_ONLY_CASES:
        # A string that is valid UTF-8 and needs an escape must not be there
        # as it is (invalid UTF-8 would already have failed the decoding).
        for piece in {name, name[:15]}:
            try:
                if sanitize(piece) == piece.decode("utf-8"):
                    continue        # nothing to escape: wide characters, commas
            except UnicodeDecodeError:
                continue
            at = raw.find(piece)
            if at >= 0:
                problems.append("%s: %s reached the terminal raw: %r"
                                % (what, label, raw[max(0, at - 40):at + 40]))
    for seq, why in ((b"\x1b]", "an OSC sequence"), (b"\x1bP", "a DCS sequence"), (b"\x07", "BEL"),
                     (b"\x7f", "DEL")):
        at = raw.find(seq)
        if at >= 0:
            problems.append("%s: %s on the terminal: %r" % (what, why, raw[max(0, at - 40):at + 40]))
    bad = sorted({ch for ch in text if (ord(ch) < 0x20 and ch not in TERMINAL_C0) or dangerous(ord(ch))})
    if bad:
        problems.append("%s: control characters %r on the terminal" % (what, bad))


def check_screen(w, problems, what):
    """The screen as tmux shows it, the pane's title, then (closing the
    session) the raw stream."""
    check_capture(w.capture(), problems, what)
    title = w.pane.info("#{pane_title}")
    if "pwned" in title:
        problems.append("%s: the pane title was set to %r" % (what, title))
    check_stream(w, problems, what)


def test_tui_list(world, tmux):
    """The list: each hostile process's COMMAND is its command line escaped
    (cut at the screen's edge), and with C the CGROUP column shows its
    cgroup's name escaped. memtop runs in a cgroup namespace rooted at its
    own cgroup, so the hostile name is within the column's 24 columns."""
    pids = world.pids()
    w = Watched(tmux, ["-d", DELAY, "-s", "pid", "-p", ",".join(map(str, pids))], unshare=True)
    problems = []
    try:
        p = w.pane
        s = p.wait("every hostile process", lambda s: e2e.has_frame(s)
               and sorted(r[0] for r in e2e.rows(s)) == sorted(pids))
        p.keys("C")
        s = p.wait("C: the CGROUP column", lambda s: e2e.has_frame(s) and "CGROUP" in
                   s[e2e.header_index(s)].split() and len(e2e.rows(s)) == len(pids))
        head = s[e2e.header_index(s)]
        cg_col, cmd_col = head.index("CGROUP"), head.index("COMMAND")   # the header is ASCII
        own = read_bytes("/proc/%d/cgroup" % w.pid)
        own_paths = {}
        for line in own.rstrip(b"\n").split(b"\n"):
            ident, controllers, path = line.split(b":", 2)
            own_paths["v2" if ident == b"0" and controllers == b"" else controllers] = path
        for label, pid in world.all_named():
            line = e2e.row_of(s, pid)[2]
            _, cmd, _, _, _ = expected(pid)
            compare(problems, "%s COMMAND" % label, col_slice(line, cmd_col).rstrip(),
                    fit(cmd, WIDTH - cmd_col).rstrip())
            c = [c for c in world.children if c.pid == pid]
            if not c:
                continue
            # The cgroup as memtop's namespace shows it: below memtop's own.
            full = [x for x in read_bytes("/proc/%d/cgroup" % pid).rstrip(b"\n").split(b"\n")]
            mine = {}
            for x in full:
                ident, controllers, path = x.split(b":", 2)
                mine["v2" if ident == b"0" and controllers == b"" else controllers] = path
            key = [k for k in mine if k != "v2" and b"memory" in k.split(b",")] or ["v2"]
            base, path = own_paths.get(key[0], b"/").rstrip(b"/"), mine[key[0]]
            assert path.startswith(base + b"/"), "%r is not below memtop's cgroup %r" % (path, base)
            want = sanitize(path[len(base):])
            compare(problems, "%s CGROUP" % label, col_slice(line, cg_col, cg_col + 24).rstrip(),
                    fit(want, 24).rstrip())
    except AssertionError as e:
        problems.append(str(e))
    finally:
        try:            # whatever happened above, look at what reached the terminal
            check_screen(w, problems, "list")
        finally:
            w.close()
    report(problems)


def test_tui_signal_prompt(world, tmux):
    """k names the selected process in its prompt: each hostile process's
    name escaped; Esc cancels (nothing is sent) and Down moves on."""
    named = {pid: label for label, pid in world.all_named()}
    w = Watched(tmux, ["-d", DELAY, "-s", "pid", "-p", ",".join(map(str, named))])
    problems, seen = [], []
    prompt = re.compile(r"Send SIGTERM to (\d+) \(")
    try:
        p = w.pane
        p.wait("every hostile process", lambda s: e2e.has_frame(s) and len(e2e.rows(s)) == len(named))
        for step in range(len(named)):
            p.keys("k")
            s = p.wait("k: the prompt (step %d)" % step, lambda s: prompt.match(s[-1]))
            pid = int(prompt.match(s[-1]).group(1))
            seen.append(pid)
            comm = expected(pid)[0]
            want = "Send SIGTERM to %d (%s)?  Left/Right" % (pid, comm)
            if not s[-1].startswith(want):
                problems.append("%s: prompt %r, want %r" % (named.get(pid, pid), s[-1], want))
            p.keys("Escape")
            p.wait("Esc: the footer again", lambda s: s[-1].startswith("qQuit"))
            p.keys("Down")
        if sorted(seen) != sorted(named):
            problems.append("prompted for %s, want every hostile process %s" % (seen, sorted(named)))
        gone = [w.pid for w in world.procs if w.proc.poll() is not None]
        if gone:
            problems.append("processes %s died: Esc sent a signal?" % gone)
    except AssertionError as e:
        problems.append(str(e))
    finally:
        try:
            check_screen(w, problems, "signal prompt")
        finally:
            w.close()
    report(problems)


def test_tui_ascii_locale(world, tmux):
    """In the C locale the screen is ASCII: every byte memtop writes is
    below 0x80, and each COMMAND is the escaped command line with every
    other non-ASCII character shown as '?'."""
    pids = world.pids()
    w = Watched(tmux, ["-d", DELAY, "-s", "pid", "-p", ",".join(map(str, pids))],
                env={"LANG": "C", "LC_ALL": "C"})
    problems = []
    try:
        p = w.pane
        s = p.wait("every hostile process", lambda s: e2e.has_frame(s) and len(e2e.rows(s)) == len(pids))
        head = s[e2e.header_index(s)]
        cmd_col = head.index("COMMAND")
        for label, pid in world.all_named():
            line = e2e.row_of(s, pid)[2]
            _, cmd, _, _, _ = expected(pid)
            ascii_cmd = "".join(ch if ord(ch) < 0x80 else "?" for ch in cmd)
            compare(problems, "%s COMMAND" % label, line[cmd_col:].rstrip(),
                    ascii_cmd[:WIDTH - cmd_col].rstrip())
    except AssertionError as e:
        problems.append(str(e))
    finally:
        try:
            check_capture(w.capture(), problems, "C locale")
            raw = w.raw()
            high = [i for i, b in enumerate(raw) if b >= 0x80]
            if high:
                problems.append("C locale: %d bytes above 0x7f reached the terminal, the first: %r"
                                % (len(high), raw[max(0, high[0] - 40):high[0] + 40]))
            check_stream(w, problems, "C locale")
        finally:
            w.close()
    report(problems)


def detail_lines(s):
    """The detail view's lines: identity, cgroup, and the command (one line here)."""
    cmd = [line for line in s if line.startswith("command ")]
    return s[0], s[1], cmd[0] if cmd else ""


def test_tui_detail(world, tmux):
    """Enter on each Python child: the detail view shows its name, cgroup and
    command line escaped, and its mapped file's name escaped (as the kernel
    gives it: a newline in a path is \\012 in smaps, then the backslash is
    escaped); c shows the whole command line, wrapped, escaped; Esc returns
    and Down moves to the next child."""
    kids = {c.pid: c for c in world.children}
    w = Watched(tmux, ["-d", DELAY, "-s", "pid", "-p", ",".join(map(str, kids))])
    problems, seen = [], []
    try:
        p = w.pane
        p.wait("every child", lambda s: e2e.has_frame(s) and len(e2e.rows(s)) == len(kids))
        for step in range(len(kids)):
            p.keys("Enter")
            s = p.wait("a detail view (step %d)" % step, lambda s: s and re.match(r"PID (\d+)  ", s[0])
                       and int(re.match(r"PID (\d+)  ", s[0]).group(1)) in kids)
            pid = int(re.match(r"PID (\d+)  ", s[0]).group(1))
            c = kids[pid]
            seen.append(pid)
            s = p.wait("%s: its mapping" % c.label, lambda s: e2e.is_detail_of(s, pid) and
                       e2e.map_header_index(s) is not None and e2e.map_row(s, c.map_addr) is not None)
            comm, cmd, cg, _, _ = expected(pid)
            ident, cgline, cmdline = detail_lines(s)
            if not ident.startswith("PID %d  %s  state " % (pid, comm)):
                problems.append("%s: identity line %r, want the name %r" % (c.label, ident, comm))
            compare(problems, "%s cgroup line" % c.label, cgline, ("cgroup " + fit(cg, WIDTH - 7)).rstrip())
            compare(problems, "%s command line" % c.label, cmdline,
                    ("command " + fit(cmd, WIDTH - 8)).rstrip())
            row = e2e.map_row(s, c.map_addr)
            name_col = col_of(s[e2e.map_header_index(s)], s[e2e.map_header_index(s)].index("NAME"))
            compare(problems, "%s mapping name" % c.label, col_slice(row, name_col).rstrip(),
                    fit(sanitize(c.map_raw_name), WIDTH - name_col).rstrip())
            check_capture(w.capture(), problems, "detail of %s" % c.label)
            # c: the whole command line, wrapped over the view (its own drawing).
            p.keys("c")
            s = p.wait("%s: c, the whole command line" % c.label, lambda s: e2e.is_detail_of(s, pid)
                       and re.search(r"lines 1-\d+ of \d+$", s[-1]))
            want = wrap(cmd, WIDTH - 8)
            got = [col_slice(line, 8).rstrip() for line in s[2:2 + len(want)]]
            compare(problems, "%s whole command line" % c.label, got, [x.rstrip() for x in want])
            if not s[2].startswith("command "):
                problems.append("%s: c shows %r first" % (c.label, s[2]))
            check_capture(w.capture(), problems, "whole command line of %s" % c.label)
            p.keys("Escape")
            p.wait("Esc: the list", lambda s: e2e.has_frame(s) and len(e2e.rows(s)) == len(kids))
            p.keys("Down")
        if sorted(seen) != sorted(kids):
            problems.append("visited %s, want every child %s" % (seen, sorted(kids)))
    except AssertionError as e:
        problems.append(str(e))
    finally:
        try:
            check_screen(w, problems, "detail")
        finally:
            w.close()
    report(problems)


def cgroup_view_rows(s):
    """The cgroup view's rows: (NAME cell, PROCS, the rest of the line from
    PATH on, the line), by display column (wide characters take two)."""
    head = s[1]
    procs_end, path_col = head.index("PROCS") + len("PROCS"), head.index("PATH")
    out = []
    for line in s[2:-1]:
        if not line.strip():
            break
        out.append((col_slice(line, 0, 24).rstrip(), col_slice(line, 0, procs_end).split()[-1],
                    col_slice(line, path_col).rstrip(), line))
    return out


def test_tui_cgroup_view(world, tmux):
    """S, the cgroup view, of the hostile processes (-p): one row per hostile
    cgroup, its NAME the escaped label cut to 24 columns, its PATH (the last
    column, which may be cut) the escaped path; then for each hostile row,
    Enter limits the process list to that cgroup ("Cgroup: PATH" on the
    status line, only its process listed), Esc shows all again. The screen
    and the raw stream hold no hostile byte (check_screen)."""
    cgs = world.hostile_cgroups()
    pids = [pid for _, pid, _, _ in cgs]
    w = Watched(tmux, ["-d", DELAY, "-s", "pid", "-p", ",".join(map(str, pids))])
    problems = []

    def is_view(s):
        return len(s) > 3 and s[0].startswith("Cgroups: ") and s[1].split()[:1] == ["NAME"]

    try:
        p = w.pane
        p.wait("every hostile process", lambda s: e2e.has_frame(s)
               and sorted(r[0] for r in e2e.rows(s)) == sorted(pids))
        p.keys("S")
        s = p.wait("S: the cgroup view, by name", lambda s: is_view(s) and len(cgroup_view_rows(s)) == len(cgs))
        p.keys("N")
        s = p.wait("N: by name", lambda s: is_view(s) and "Sort: name" in s[0]
                   and len(cgroup_view_rows(s)) == len(cgs))
        path_cols = WIDTH - s[1].index("PATH")
        shown = cgroup_view_rows(s)
        for label, pid, path, name in cgs:
            mine = [r for r in shown if r[0] == fit(name, 24).rstrip()]
            if len(mine) != 1:
                problems.append("%s: %d rows named %r; rows: %r" % (label, len(mine), fit(name, 24), shown))
                continue
            compare(problems, "%s PROCS" % label, mine[0][1], "1")
            compare(problems, "%s PATH" % label, mine[0][2], fit(path, path_cols).rstrip())
        check_capture(w.capture(), problems, "cgroup view")
        # Enter on each hostile row, in the order shown.
        for label, pid, path, name in cgs:
            s = p.wait("the cgroup view again", lambda s: is_view(s) and len(cgroup_view_rows(s)) == len(cgs))
            at = [i for i, r in enumerate(cgroup_view_rows(s)) if r[0] == fit(name, 24).rstrip()]
            if len(at) != 1:
                continue                    # said above
            p.keys("Home", *["Down"] * at[0])
            p.wait("%s selected" % label, lambda s: any(
                "\x1b[46m" in line and fit(name, 24).rstrip() in SGR.sub("", line) for line in s), escapes=True)
            p.keys("Enter")
            s = p.wait("Enter: the list limited to %s's cgroup" % label,
                       lambda s: e2e.has_frame(s) and "Cgroup: " in e2e.status(s))
            want = "Cgroup: %s (1 shown)" % path
            if want not in e2e.status(s):
                problems.append("%s: status %r, want it to hold %r" % (label, e2e.status(s), want))
            listed = [r[0] for r in e2e.rows(s)]
            if listed != [pid]:
                problems.append("%s: the limited list holds %r, want its process %d" % (label, listed, pid))
            check_capture(w.capture(), problems, "the list limited to %s" % label)
            p.keys("Escape")
            p.wait("Esc: every hostile process", lambda s: e2e.has_frame(s) and "Cgroup:" not in e2e.status(s)
                   and len(e2e.rows(s)) == len(pids))
            p.keys("S")
        p.wait("the cgroup view", is_view)
        p.keys("q")
        p.wait("q: the list", e2e.has_frame)
        p.keys("q")
        p.wait_info("q: memtop ends", "#{pane_dead}", "1")
    except AssertionError as e:
        problems.append(str(e))
    finally:
        try:
            check_screen(w, problems, "cgroup view")
        finally:
            w.close()
    report(problems)


TESTS = [test_json_batch, test_csv_batch, test_table_batch, test_prometheus_batch, test_recording, test_smaps_json, test_smaps_csv,
         test_smaps_table, test_cgroups_json, test_cgroups_csv, test_cgroups_table, test_tui_list,
         test_tui_signal_prompt, test_tui_ascii_locale, test_tui_detail, test_tui_cgroup_view]


def main():
    if not require((MEMTOP, HOLD), "memtop build/workloads/hold"):
        return 1
    # SIGTERM (a make check stopped) unwinds like Ctrl-C, so the clean-up runs.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    only = sys.argv[1:]
    passed = failed = 0
    start_all = time.monotonic()
    world, tmux = None, None
    try:
        world = World()
        try:
            world.start()
        except Exception:
            traceback.print_exc()
            print("FAIL set-up: no test can run")
            failed += 1
        else:
            tmux = e2e.Tmux()
            passed, failed = run_tests(TESTS, lambda test: test(world, tmux), only)
    except KeyboardInterrupt:
        failed += 1
        print("FAIL interrupted")
    finally:
        if tmux is not None:
            tmux.kill()
        for problem in world.close() if world else []:
            print("FAIL clean-up: %s" % problem)
            failed += 1
    return finish("hostile", start_all, passed, failed)


if __name__ == "__main__":
    sys.exit(main())
