#!/usr/bin/env python3
"""Do two memtop builds print the same thing? Batch output and --smaps, byte for byte.

  samebatch.py OLD_BINARY NEW_BINARY
  samebatch.py --build-old COMMIT [NEW_BINARY]      (NEW_BINARY defaults to ./memtop)

For a refactor that must not change behaviour (issue 16). A frozen process set
is started -- the test workloads (build/workloads: hold, leaker, mapper,
manymaps), given time to reach a steady state and then SIGSTOPped, so their
memory cannot change; they stay stopped for the whole comparison and are ended
afterwards. Both binaries then run every case on them: -b -n 3 -d 0.2 -p PIDS
in each format (table, json, csv) and with a few sort keys, --fail-on-leak's
exit status, --smaps PID in each format with and without --group, and the
error messages of bad input. Stdout, stderr and the exit status are compared
byte for byte.

Some output cannot be the same twice even on frozen processes: the time stamp,
the machine's free memory, PSI, the measured time between samples. Which
fields those are is not assumed but measured: every case runs OLD, NEW, OLD,
NEW, and then OLD --learn-runs more times while the CPUs are kept busy (a
late wake-up is what makes a timing field differ, and on a quiet machine that
is rare: `elapsed` is 0.200 in ~97 of 100 samples). Any field that differs
between OLD's first run and any other run of OLD, of any case of the same
format, is volatile. Volatile fields are masked by name -- a JSON key path, a
CSV column, a word of a table header line ("Mem:", "PSI memory:") -- in both
pairs (OLD 1 vs NEW 1, OLD 2 vs NEW 2); everything else must match byte for
byte. A field of the stopped processes themselves (a JSON key under
"processes" or "mappings", a CSV column other than the time, a table row) is
never masked: if it varies between the two quiet runs of OLD the case is
reported as impossible to mask, and that counts as a failure (if it varies only
under the load, that is printed as a warning).

--smaps reads the workloads' PSS, which divides each shared page among the
processes mapping it at that moment -- memtop itself, and anything else
running, share libc with a dynamically linked workload. So the --smaps
targets are static builds of the same workload sources (build/samebatch/),
whose pages no other process maps.

--build-old COMMIT extracts COMMIT with `git archive` into build/old/SHORT/
(kept, so `make bench-peers PEERS_ARGS="--baseline build/old/SHORT/memtop"`
can use it) and runs `make memtop` there; an existing build of the same
commit is reused.

Prints one line per case (identical, or DIFFERENT with the unified diff
below) and exits 1 on any difference. Standard library only.
"""
import argparse
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import workload  # noqa: E402

WORKLOADS = os.path.join(ROOT, "build", "workloads")
STATIC_DIR = os.path.join(ROOT, "build", "samebatch")
OLD_DIR = os.path.join(ROOT, "build", "old")
MAX_DIFF_LINES = 200


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --- building ---------------------------------------------------------------

def git(*args):
    return subprocess.run(["git", "-C", ROOT] + list(args), check=True, capture_output=True,
                          text=True).stdout.strip()


def build_old(commit):
    """COMMIT's tree in build/old/SHORT, built with its own `make memtop`; returns the binary."""
    try:
        full = git("rev-parse", "--verify", commit + "^{commit}")
    except subprocess.CalledProcessError as e:
        raise SystemExit("samebatch.py: --build-old %s: not a commit here (%s)"
                         % (commit, e.stderr.strip()))
    short = git("rev-parse", "--short=7", full)
    tree = os.path.join(OLD_DIR, short)
    binary = os.path.join(tree, "memtop")
    stamp = os.path.join(tree, ".samebatch-commit")
    if os.path.exists(stamp) and open(stamp).read().strip() == full and os.access(binary, os.X_OK):
        log("samebatch.py: reusing %s (built from %s)" % (binary, full))
        return binary
    log("samebatch.py: extracting %s into %s and building it" % (full, tree))
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tree)
    archive = subprocess.Popen(["git", "-C", ROOT, "archive", full], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", tree], stdin=archive.stdout, check=True)
    archive.stdout.close()
    if archive.wait() != 0:
        raise SystemExit("samebatch.py: git archive %s failed" % full)
    # Its own make, its own defaults: only the environment's CC/CFLAGS, if any, pass on.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE") and k != "MFLAGS"}
    build = subprocess.run(["make", "-C", tree, "memtop"], env=env, capture_output=True, text=True)
    if build.returncode != 0 or not os.access(binary, os.X_OK):
        raise SystemExit("samebatch.py: `make memtop` of %s failed:\n%s%s"
                         % (full, build.stdout[-3000:], build.stderr[-3000:]))
    with open(stamp, "w") as f:
        f.write(full + "\n")
    return binary


def build_static(name):
    """A static build of tests/workloads/NAME.c (no page shared with other processes)."""
    src = os.path.join(ROOT, "tests", "workloads", name + ".c")
    out = os.path.join(STATIC_DIR, name)
    if os.path.exists(out) and os.stat(out).st_mtime >= os.stat(src).st_mtime:
        return out
    os.makedirs(STATIC_DIR, exist_ok=True)
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-O1", "-g", "-D_GNU_SOURCE", "-static", "-o", out, src, "-lm"],
                   check=True)
    return out


# --- the frozen process set -----------------------------------------------------

def stat_state(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def statm(pid):
    with open("/proc/%d/statm" % pid) as f:
        return f.read()


def rollup(pid):
    """smaps_rollup without its Pss lines (a dynamically linked process shares libc's
    pages with whatever else runs): what must not move while the process is stopped."""
    with open("/proc/%d/smaps_rollup" % pid) as f:
        return [line for line in f if not line.startswith("Pss")][1:]


class Frozen:
    """The workloads, started, settled, then stopped; a context manager that ends them."""

    # (role, argv, settle): what each is for is in the comments.
    def __init__(self):
        hostile = b"mt\x1b[1m\xe2\x98\x83 x"          # an escape and a snowman in comm
        dynamic = [
            ("hold", [os.path.join(WORKLOADS, "hold"), "48"]),
            ("hold-named", [os.path.join(WORKLOADS, "hold"), "--comm", hostile.hex(), "8"]),
            ("leaker-heap", [os.path.join(WORKLOADS, "leaker"), "linear", "--rate", "8192",
                             "--via", "heap"]),
            ("leaker-saw", [os.path.join(WORKLOADS, "leaker"), "sawtooth", "--amp", "8192",
                            "--period", "3"]),
            ("mapper", [os.path.join(WORKLOADS, "mapper"), "8", "16", "4"]),
            ("manymaps", [os.path.join(WORKLOADS, "manymaps"), "3000"]),
        ]
        for _, argv in dynamic:
            if not os.access(argv[0], os.X_OK):
                raise SystemExit("samebatch.py: %s is missing; run `make %s`"
                                 % (argv[0], os.path.relpath(argv[0], ROOT)))
        static = [
            ("static-mapper", [build_static("mapper"), "4", "8", "0"]),
            ("static-leaker-heap", [build_static("leaker"), "linear", "--rate", "4096",
                                    "--via", "heap"]),
            ("static-manymaps", [build_static("manymaps"), "500"]),
        ]
        self.procs = {}
        try:
            for role, argv in dynamic + static:
                self.procs[role] = workload.Workload(argv)
            time.sleep(2.0)                    # the leakers grow a while: a heap, a sawtooth
            for w in self.procs.values():
                os.kill(w.pid, signal.SIGSTOP)
            # mapper's file is dirty page cache until written back (~30 s later, by the
            # kernel): its Private_Dirty in smaps would drop to 0 mid-comparison.
            os.sync()
            deadline = time.monotonic() + 10
            while any(stat_state(w.pid) != "T" for w in self.procs.values()):
                if time.monotonic() > deadline:
                    raise RuntimeError("the workloads did not stop")
                time.sleep(0.01)
            before = {r: statm(w.pid) for r, w in self.procs.items()}
            time.sleep(0.3)
            moved = [r for r, w in self.procs.items() if statm(w.pid) != before[r]]
            if moved:
                raise RuntimeError("stopped workloads still changed: %s" % moved)
            self.snapshot = before
            self.rollup = {r: rollup(w.pid) for r, w in self.procs.items()}
        except BaseException:
            self.stop()
            raise

    def pid(self, role):
        return self.procs[role].pid

    def still_frozen(self):
        """The roles whose memory (statm, smaps_rollup but Pss) moved, or that are no longer
        stopped, since they were stopped."""
        bad = []
        for role, w in self.procs.items():
            try:
                if stat_state(w.pid) != "T" or statm(w.pid) != self.snapshot[role] \
                        or rollup(w.pid) != self.rollup[role]:
                    bad.append(role)
            except OSError:
                bad.append(role)
        return bad

    def stop(self):
        """Continues each (so it can see its stdin close and clean up: mapper removes its
        file), then Workload.stop: close stdin, wait, SIGKILL by pid if need be."""
        for w in self.procs.values():
            try:
                os.kill(w.pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        for w in self.procs.values():
            w.stop()
        self.procs = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class CPUHogs:
    """Busy loops on every CPU, twice over (a context manager): memtop's wake-ups come late."""

    def __init__(self, count):
        self.procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                      for _ in range(count)]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
            p.wait()


def absent_pid():
    """A pid no process has (near pid_max, where pids are handed out last)."""
    with open("/proc/sys/kernel/pid_max") as f:
        pid = int(f.read()) - 11
    while os.path.exists("/proc/%d" % pid):
        pid -= 1
    return pid


# --- the cases ------------------------------------------------------------------

def cases(fz):
    """(name, format, argv after the binary)."""
    batch_roles = ("hold", "hold-named", "leaker-heap", "leaker-saw", "mapper", "manymaps")
    pids = ",".join(str(fz.pid(r)) for r in batch_roles)
    base = ["-b", "-n", "3", "-d", "0.2", "-p", pids]
    out = []
    for fmt in ("table", "json", "csv"):
        out.append(("batch %s" % fmt, fmt, base + ["-f", fmt]))
    for key in ("anon", "heap", "pid", "command", "oom"):
        out.append(("batch table -s %s" % key, "table", base + ["-s", key]))
    out.append(("batch json -s pid", "json", base + ["-f", "json", "-s", "pid"]))
    for fmt in ("table", "json", "csv"):
        out.append(("batch %s --fail-on-leak" % fmt, fmt, base + ["-f", fmt, "--fail-on-leak"]))
    out.append(("batch -p one (mapper)", "table", ["-b", "-n", "3", "-d", "0.2", "-p",
                                                   str(fz.pid("mapper"))]))
    gone = absent_pid()
    out.append(("batch -p live,absent", "json", ["-b", "-n", "2", "-d", "0.2", "-p",
                                                 "%d,%d" % (fz.pid("hold"), gone), "-f", "json"]))
    for role in ("static-mapper", "static-leaker-heap", "static-manymaps"):
        for fmt in ("table", "json", "csv"):
            for group in ([], ["--group"]):
                out.append(("--smaps %s %s%s" % (role, fmt, " --group" if group else ""), fmt,
                            ["--smaps", str(fz.pid(role)), "-f", fmt] + group))
    errors = [
        ("-s bogus", ["-b", "-n", "1", "-s", "bogus"]),
        ("-p abc", ["-b", "-n", "1", "-p", "abc"]),
        ("-p 0", ["-b", "-n", "1", "-p", "0"]),
        ("-p 1,,2", ["-b", "-n", "1", "-p", "1,,2"]),
        ("-p absent pid", ["-b", "-n", "1", "-p", str(gone)]),
        ("--smaps absent pid", ["--smaps", str(gone)]),
        ("--smaps abc", ["--smaps", "abc"]),
        ("--smaps without pid", ["--smaps"]),
        ("-b --group", ["-b", "-n", "1", "--group"]),
        ("-f xml", ["-b", "-n", "1", "-f", "xml"]),
        ("-d 0.01", ["-b", "-n", "1", "-d", "0.01"]),
        ("-d abc", ["-b", "-n", "1", "-d", "abc"]),
        ("-n 0", ["-b", "-n", "0"]),
        ("--leak-sensitivity extreme", ["-b", "-n", "1", "--leak-sensitivity", "extreme"]),
        ("unknown option", ["-b", "--no-such-option"]),
        ("stray argument", ["-b", "-n", "1", "stray"]),
    ]
    out += [("error: " + name, "text", argv) for name, argv in errors]
    return out


def run(binary, argv, home):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
           "XDG_CONFIG_HOME": os.path.join(home, ".config"), "LANG": "C.UTF-8",
           "LC_ALL": "C.UTF-8", "TZ": "UTC", "TERM": "dumb"}
    p = subprocess.run([binary] + argv, stdin=subprocess.DEVNULL, capture_output=True,
                       cwd=home, env=env, timeout=60)
    return {"stdout": p.stdout, "stderr": p.stderr, "status": p.returncode}


# --- fields of each format --------------------------------------------------------
#
# Each output becomes a list of records (lines, or CSV records); a record is a
# list of pieces, each (text, field path or None for literal text). Two records
# have the same shape when their field paths and literal text agree; then a field
# that differs between two runs of OLD is volatile.

class JSONScan:
    """Every scalar value of one JSON line with its key path ("memory.available_kb",
    "processes[].rss_kb"), the raw text kept. Raises ValueError on bad JSON."""

    WS = " \t\r\n"

    def __init__(self, text):
        self.s, self.i, self.pieces, self.last = text, 0, [], 0

    def run(self):
        self.value("")
        self.skip()
        if self.i != len(self.s):
            raise ValueError("trailing text")
        if self.last < len(self.s):
            self.pieces.append((self.s[self.last:], None))
        return self.pieces

    def skip(self):
        while self.i < len(self.s) and self.s[self.i] in self.WS:
            self.i += 1

    def scalar(self, path, end):
        if self.last < self.i:
            self.pieces.append((self.s[self.last:self.i], None))
        self.pieces.append((self.s[self.i:end], path or "."))
        self.i = self.last = end

    def string_end(self, i):
        i += 1
        while i < len(self.s):
            c = self.s[i]
            if c == "\\":
                i += 2
                continue
            if c == '"':
                return i + 1
            i += 1
        raise ValueError("unterminated string")

    def value(self, path):
        self.skip()
        if self.i >= len(self.s):
            raise ValueError("unexpected end")
        c = self.s[self.i]
        if c == "{":
            self.i += 1
            self.skip()
            if self.s[self.i:self.i + 1] == "}":
                self.i += 1
                return
            while True:
                self.skip()
                if self.s[self.i:self.i + 1] != '"':
                    raise ValueError("key expected")
                end = self.string_end(self.i)
                key = self.s[self.i + 1:end - 1]
                self.i = end
                self.skip()
                if self.s[self.i:self.i + 1] != ":":
                    raise ValueError(": expected")
                self.i += 1
                self.value(path + "." + key if path else key)
                self.skip()
                c = self.s[self.i:self.i + 1]
                self.i += 1
                if c == "}":
                    return
                if c != ",":
                    raise ValueError(", or } expected")
        elif c == "[":
            self.i += 1
            self.skip()
            if self.s[self.i:self.i + 1] == "]":
                self.i += 1
                return
            while True:
                self.value(path + "[]")
                self.skip()
                c = self.s[self.i:self.i + 1]
                self.i += 1
                if c == "]":
                    return
                if c != ",":
                    raise ValueError(", or ] expected")
        elif c == '"':
            self.scalar(path, self.string_end(self.i))
        else:
            m = re.compile(r"-?[0-9][0-9.eE+-]*|true|false|null").match(self.s, self.i)
            if not m:
                raise ValueError("value expected at %d" % self.i)
            self.scalar(path, m.end())


def json_records(text):
    out = []
    for line in text.splitlines(keepends=True):
        try:
            out.append(JSONScan(line).run())
        except (ValueError, IndexError):
            out.append([(line, None)])
    return out


# What may be masked: the sample's own fields and the machine's (batch), the
# memory cgroup's usage and pressure, which every process in it moves (--smaps).
# Never a process's or a mapping's field, nor --smaps's totals and rollup.
JSON_SAMPLE_FIELDS = {"time", "interval", "elapsed", "oom.exhaustion_eta_s"}
JSON_SAMPLE_PREFIXES = ("memory.", "psi.", "cgroup.")
JSON_IDENTITY = {"cgroup.v2_path", "cgroup.v1_memory_path"}


def json_maskable(path):
    return path not in JSON_IDENTITY and (path in JSON_SAMPLE_FIELDS
                                          or path.startswith(JSON_SAMPLE_PREFIXES))


def csv_records(text):
    """CSV records with their raw field text; each field's path is its column's name."""
    records, fields, i, n = [], [], 0, len(text)
    header = None
    while i < n:
        start = i
        if text[i] == '"':
            i += 1
            while i < n:
                if text[i] == '"':
                    if text[i + 1:i + 2] == '"':
                        i += 2
                        continue
                    i += 1
                    break
                i += 1
        while i < n and text[i] not in ",\n":
            i += 1
        fields.append(text[start:i])
        sep = text[i:i + 1]
        i += 1
        if sep != ",":
            if header is None:
                header = [f.strip('"') for f in fields]
                names = [None] * len(fields)
            else:
                names = [header[k] if k < len(header) else "#%d" % k for k in range(len(fields))]
            pieces = []
            for k, (f, name) in enumerate(zip(fields, names)):
                if k:
                    pieces.append((",", None))
                pieces.append((f, name))
            pieces.append((sep, None))
            records.append(pieces)
            fields = []
    return records


CSV_SAMPLE_COLUMNS = {"time"}        # every other column describes the row's process


def csv_maskable(path):
    return path in CSV_SAMPLE_COLUMNS


# The machine-wide header lines of a batch table tick, by their first words.
TABLE_HEADER_LABELS = ("memtop -", "Mem:", "PSI memory:")


def table_records(text):
    """The header lines of a tick (the title with the clock, Mem: with Swap:, PSI
    memory:) are split into words named by the line's label and the word's place;
    every other line -- process rows, column heads, --smaps's title, mappings,
    total and smaps_rollup -- is one literal piece."""
    out = []
    for line in text.splitlines(keepends=True):
        words = line.split()
        label = " ".join(words[:2]) if words[:1] in (["memtop"], ["PSI"]) else " ".join(words[:1])
        if label not in TABLE_HEADER_LABELS:
            out.append([(line, None)])
            continue
        pieces, k = [], 0
        for part in re.split(r"(\s+)", line):
            if not part:
                continue
            if part.isspace():
                pieces.append((part, None))
            else:
                pieces.append((part, "%s word %d" % (label, k)))
                k += 1
        out.append(pieces)
    return out


def text_records(text):
    return [[(line, None)] for line in text.splitlines(keepends=True)]


FORMATS = {
    "json": (json_records, json_maskable),
    "csv": (csv_records, csv_maskable),
    "table": (table_records, lambda path: True),   # only header lines have fields
    "text": (text_records, lambda path: False),
}


def shape(record):
    return [(None, t) if p is None else (p, None) for t, p in record]


def learn(fmt, a, b):
    """(volatile field paths, reasons it cannot be masked) from two runs of one binary."""
    records, maskable = FORMATS[fmt]
    ra, rb = records(a.decode("utf-8", "surrogateescape")), records(b.decode("utf-8", "surrogateescape"))
    volatile, problems = set(), []
    if len(ra) != len(rb):
        problems.append("the two OLD runs have %d and %d records" % (len(ra), len(rb)))
    for n, (x, y) in enumerate(zip(ra, rb)):
        if shape(x) != shape(y):
            if x != y:
                problems.append("record %d differs outside any named field:\n  %r\n  %r"
                                % (n + 1, "".join(t for t, _ in x), "".join(t for t, _ in y)))
            continue
        for (tx, px), (ty, _) in zip(x, y):
            if px is not None and tx != ty:
                if maskable(px):
                    volatile.add(px)
                else:
                    problems.append("field %s of a stopped process differs: %r vs %r"
                                    % (px, tx, ty))
    return volatile, problems


def masked(fmt, data, volatile):
    records, _ = FORMATS[fmt]
    text = data.decode("utf-8", "surrogateescape")
    return "".join("*" if p in volatile else t
                   for record in records(text) for t, p in record)


# --- comparing ---------------------------------------------------------------------

def diff(a, b, name_a, name_b):
    lines = list(difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True),
                                      name_a, name_b))
    if len(lines) > MAX_DIFF_LINES:
        lines = lines[:MAX_DIFF_LINES] + ["... (%d more diff lines)\n" % (len(lines) - MAX_DIFF_LINES)]
    return "".join(l if l.endswith("\n") else l + "\n\\ No newline at end of file\n" for l in lines)


def compare_case(fmt, runs, volatile):
    """runs: OLD, NEW, OLD, NEW; volatile: the paths of fmt learned volatile in any case.
    Returns (verdict, details)."""
    o1, n1, o2, n2 = runs
    details, problems = [], []
    problems += ["stdout: " + x for x in learn(fmt, o1["stdout"], o2["stdout"])[1]]
    if o1["stderr"] != o2["stderr"]:
        problems.append("stderr differs between the two OLD runs")
    if o1["status"] != o2["status"]:
        problems.append("exit status differs between the two OLD runs (%d, %d)"
                        % (o1["status"], o2["status"]))
    same = True
    for k, (o, n) in enumerate(((o1, n1), (o2, n2)), 1):
        if o["status"] != n["status"]:
            same = False
            details.append("pair %d: exit status OLD %d, NEW %d" % (k, o["status"], n["status"]))
        for stream in ("stdout", "stderr"):
            mo = masked(fmt if stream == "stdout" else "text", o[stream], volatile)
            mn = masked(fmt if stream == "stdout" else "text", n[stream], volatile)
            if mo != mn:
                same = False
                details.append(diff(mo, mn, "OLD %s (run %d%s)" % (stream, k, ", masked" if volatile else ""),
                                    "NEW %s (run %d%s)" % (stream, k, ", masked" if volatile else "")))
    if problems:
        return "CANNOT MASK", problems + details
    return ("identical" if same else "DIFFERENT"), details


def templates(fmt, data, volatile):
    """Lines of OLD's output showing where the masked fields are (for the summary)."""
    out, seen = [], set()
    if fmt == "csv" or fmt == "json":
        return sorted(volatile)
    for record in table_records(data.decode("utf-8", "surrogateescape")):
        paths = {p for _, p in record if p in volatile}
        if paths:
            line = "".join("*" if p in volatile else t for t, p in record).rstrip("\n")
            label = sorted(paths)[0].rsplit(" word ", 1)[0]
            if label not in seen:
                seen.add(label)
                out.append(line)
    return out


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build-old", metavar="COMMIT",
                   help="build OLD from COMMIT (git archive into build/old/SHORT, make memtop)")
    p.add_argument("binaries", nargs="*", metavar="BINARY",
                   help="OLD_BINARY NEW_BINARY, or with --build-old only NEW_BINARY "
                        "(default ./memtop)")
    p.add_argument("--learn-runs", type=int, default=3, metavar="N",
                   help="runs of OLD per case with the CPUs kept busy, to learn the fields "
                        "that depend on timing (default 3; 0: only the two quiet runs)")
    args = p.parse_args(argv)
    if args.learn_runs < 0:
        p.error("--learn-runs must be 0 or more")
    if args.build_old:
        if len(args.binaries) > 1:
            p.error("with --build-old give at most NEW_BINARY")
        args.new = args.binaries[0] if args.binaries else os.path.join(ROOT, "memtop")
        args.old = None
    else:
        if len(args.binaries) != 2:
            p.error("give OLD_BINARY NEW_BINARY (or --build-old COMMIT [NEW_BINARY])")
        args.old, args.new = args.binaries
    return args


def main(argv):
    args = parse_args(argv)
    if args.build_old:
        args.old = build_old(args.build_old)
    for b in (args.old, args.new):
        if not os.access(b, os.X_OK) or os.path.isdir(b):
            raise SystemExit("samebatch.py: %s is not an executable file" % b)
    old, new = os.path.abspath(args.old), os.path.abspath(args.new)
    print("samebatch: OLD %s (%s)" % (old, version(old)))
    print("           NEW %s (%s)" % (new, version(new)))
    # Every case first (OLD, NEW, OLD, NEW), then what varied between the OLD runs of
    # any case of a format is masked in every case of that format: a field that
    # happened to come out the same twice in one case is still masked there.
    ran, volatile_by_fmt, example, warnings = [], {}, {}, []
    with tempfile.TemporaryDirectory(prefix="memtop-samebatch-") as home, Frozen() as fz:
        print("frozen:    %s" % ", ".join("%s %d" % (r, w.pid) for r, w in fz.procs.items()))
        for name, fmt, argv in cases(fz):
            runs = [run(b, argv, home) for b in (old, new, old, new)]
            ran.append((name, fmt, argv, runs))
        log("samebatch.py: %d cases run; now OLD %d more times each under load"
            % (len(ran), args.learn_runs))
        with CPUHogs(2 * (os.cpu_count() or 1) if args.learn_runs else 0):
            loaded = [[run(old, argv, home) for _ in range(args.learn_runs)]
                      for _, _, argv, _ in ran]
        moved = fz.still_frozen()
    for (name, fmt, argv, runs), more in zip(ran, loaded):
        for k, other in enumerate([runs[2]] + more):
            volatile, problems = learn(fmt, runs[0]["stdout"], other["stdout"])
            if volatile:
                volatile_by_fmt.setdefault(fmt, set()).update(volatile)
                example.setdefault(fmt, runs[0]["stdout"])
            if k:
                warnings += ["%s, OLD under load: %s" % (name, p) for p in problems]
                if other["stderr"] != runs[0]["stderr"] or other["status"] != runs[0]["status"]:
                    warnings.append("%s, OLD under load: stderr or exit status differs" % name)
    results = []
    for name, fmt, argv, runs in ran:
        volatile = volatile_by_fmt.get(fmt, set())
        verdict, details = compare_case(fmt, runs, volatile)
        # The masked fields this case's output has.
        present = {p for r in runs for rec in FORMATS[fmt][0](r["stdout"].decode(
            "utf-8", "surrogateescape")) for _, p in rec if p in volatile}
        results.append((name, fmt, argv, verdict, details, present))
    print()
    width = max(len(r[0]) for r in results)
    for name, fmt, argv, verdict, details, volatile in results:
        print("%-*s  %s%s" % (width, name, verdict,
                              " (masked: %s)" % "; ".join(sorted(volatile)) if volatile else ""))
    print()
    print("Volatile fields (differed between two runs of OLD on the frozen processes), masked:")
    if not volatile_by_fmt:
        print("  none")
    for fmt in sorted(volatile_by_fmt):
        print("  %s:" % fmt)
        for line in templates(fmt, example[fmt], volatile_by_fmt[fmt]):
            print("    " + line)
    failed = [r for r in results if r[3] != "identical"]
    for name, fmt, argv, verdict, details, volatile in failed:
        print()
        print("=== %s: %s   (memtop %s)" % (name, verdict, " ".join(argv)))
        for d in details:
            print(d.rstrip("\n"))
    if warnings:
        print("\nWARNING: varied only between OLD's quiet run and a run under load (not masked):")
        for w in warnings:
            print("  " + w)
    if moved:
        print("\nWARNING: these workloads were no longer frozen at the end: %s" % ", ".join(moved))
    print()
    print("%d cases: %d identical, %d different, %d impossible to mask"
          % (len(results), len(results) - len(failed),
             sum(r[3] == "DIFFERENT" for r in results), sum(r[3] == "CANNOT MASK" for r in results)))
    return 1 if failed or moved else 0


def version(binary):
    p = subprocess.run([binary, "-V"], capture_output=True, text=True)
    return (p.stdout or p.stderr).strip() or "no version"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
