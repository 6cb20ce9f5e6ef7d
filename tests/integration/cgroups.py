#!/usr/bin/env python3
"""Integration tests of memtop's per-cgroup ("service") rows (issue 19):
memtop -b -f json --cgroups, and --fail-on-leak (with --cgroups).

A pre-fork server recycles workers that each grow a little and die: no
process looks like a leak while the service grows. One scene serves every
test, so the suite takes one slow run (about 150 s) however many tests and
binaries it checks:

- two fresh memory cgroups (tests/common/cgroup.py MemoryCgroup: the v1
  memory hierarchy on a hybrid host, cgroup2 where the controller is there),
  "leak" and "clean";
- in each a prefork workload (tests/workloads/prefork.c: a parent keeping 8
  workers that each grow 1 MiB over about 20 s and die), moved in before it
  forks; the parent of "leak" also grows a cache at 256 KiB/s;
- for each binary of MEMTOP_BINS (default: the sanitizer build and the
  release build), one memtop -b -f json --cgroups -d 1 over the whole run
  and one with -n and --fail-on-leak (with --cgroups) beside it;
- the cgroups' own memory.stat read every second, the ground truth that
  tells a workload that did not do its part from a memtop that missed it.

A cgroup that cannot be made fails every test with the reason. The
workloads are stopped by PID and the cgroups removed, also on failure.
Prints "N passed, N failed" last; exit status 1 when anything failed.

    python3 tests/integration/cgroups.py [TEST_NAME...]     (as root)
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import cgroup  # noqa: E402
from suite import SAN_ENV, finish, read_json_lines, require, run_tests  # noqa: E402
from workload import Workload  # noqa: E402

PREFORK = os.path.join(ROOT, "build", "workloads", "prefork")

WORKERS = 8
LIFE_S = 20
GROW_KIB = 1024
PARENT_RATE_KIB = 256      # the leak cgroup's parent, KiB/s
RUN_S = 150                # the streaming memtop's run
LEAK_WITHIN_S = 120        # the leak cgroup is suspected this soon after the start
FAIL_TICKS = 140           # the --fail-on-leak (with --cgroups) run, at -d 1
FAIL_ON_LEAK = ["--fail-on-leak"]   # with --cgroups: cgroups count too
STOP_S = 15                # a memtop given SIGTERM, or one past its -n, ends within this


def workload_args(parent_rate):
    return [PREFORK, "--wait", "--workers", str(WORKERS), "--life", str(LIFE_S),
            "--grow-kib", str(GROW_KIB), "--parent-rate-kib", str(parent_rate)]


def slope(points):
    """The least-squares slope of (t, y) points."""
    n = len(points)
    mt = sum(t for t, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (y - my) for t, y in points) / den if den else 0.0


class Run:
    """One memtop process, its output in files."""

    def __init__(self, binary, args, tmpdir, label):
        self.binary, self.args = binary, [binary] + args
        self.out_path = os.path.join(tmpdir, label + ".out")
        self.err_path = os.path.join(tmpdir, label + ".err")
        env = dict(os.environ, **SAN_ENV)
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(self.args, stdout=out, stderr=err, env=env)
        self.rc = self._ticks = None

    def stop(self, terminate):
        """Waits for the end (after SIGTERM when terminate), killing it if
        it does not come within STOP_S; returns the exit status."""
        if self.proc.poll() is None and terminate:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(STOP_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.rc = self.proc.returncode
        return self.rc

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def ticks(self):
        """Its tick lines (parsed once it has ended); fails with its stderr
        when it printed none."""
        if self._ticks is None or self.rc is None:
            self._ticks = read_json_lines(self.out_path)
        ticks = self._ticks
        assert ticks, "%s printed nothing (exit %s): %s" % (
            " ".join(self.args), self.rc, self.stderr()[:600])
        return ticks


class Scene:
    """Both services and every memtop, run once; see the module comment.

      start      wall time at which both workloads were let go
      leak, clean  the MemoryCgroups (their .rel is memtop's "path")
      parent     {"leak": PID, "clean": PID} of the prefork parents
      truth      {"leak": [(t, own anon KiB)], "clean": [...]}, t from start
      streams, gates  {binary: Run}: the -d 1 runs and the --fail-on-leak ones
      leftovers  {"leak": [PID], ...}: processes a stopped workload left behind
      died       what ended too early (a workload), if anything"""

    _made = None

    @classmethod
    def get(cls, binaries):
        """The scene, run at the first call; a scene that could not be set
        up raises its reason at every call."""
        if cls._made is None:
            scene = cls(binaries)
            try:
                scene.run()
                cls._made = scene
            except Exception as e:
                cls._made = e
            finally:
                scene.close()
        if isinstance(cls._made, Exception):
            raise AssertionError("the scene could not run: %s" % cls._made) from cls._made
        return cls._made

    def __init__(self, binaries):
        self.binaries = binaries
        self.tmp = tempfile.TemporaryDirectory(prefix="memtop-cgroups-")
        self.cgroups, self.workloads, self.parent = {}, {}, {}
        self.streams, self.gates = {}, {}
        self.truth = {"leak": [], "clean": []}
        self.leftovers, self.died, self.start = {}, [], None

    @property
    def leak(self):
        return self.cgroups["leak"]

    @property
    def clean(self):
        return self.cgroups["clean"]

    def run(self):
        if not require([PREFORK] + self.binaries, "build/workloads/prefork memtop build/asan/memtop"):
            raise AssertionError("a binary is missing")
        for tag, rate in (("leak", PARENT_RATE_KIB), ("clean", 0)):
            self.cgroups[tag] = cgroup.MemoryCgroup(tag).__enter__()
            self.workloads[tag] = w = Workload(workload_args(rate))
            self.parent[tag] = w.pid
            self.cgroups[tag].add(w.pid)
        for w in self.workloads.values():
            w.proc.stdin.write(b"go\n")
            w.proc.stdin.flush()
        self.start = time.time()
        t0 = time.monotonic()
        common = ["-b", "-f", "json", "--cgroups", "-d", "1"]
        for i, b in enumerate(self.binaries):
            self.streams[b] = Run(b, common, self.tmp.name, "stream%d" % i)
            self.gates[b] = Run(b, common + ["-n", str(FAIL_TICKS)] + FAIL_ON_LEAK,
                                self.tmp.name, "gate%d" % i)
        while time.monotonic() - t0 < RUN_S:
            t = time.monotonic() - t0
            for tag, cg in self.cgroups.items():
                self.truth[tag].append((t, cg.own_anon_kb()))
            for tag, w in self.workloads.items():
                if w.proc.poll() is not None:
                    raise AssertionError("the %s workload ended after %.0f s (exit %s)" % (
                        tag, t, w.proc.returncode))
            if all(r.proc.poll() is not None for r in list(self.streams.values()) + list(self.gates.values())):
                break               # every memtop gave up: nothing more to see
            time.sleep(1)
        for r in self.streams.values():
            r.stop(terminate=True)
        for r in self.gates.values():
            r.stop(terminate=False)

    def close(self):
        """Stops everything this scene started, whatever happened."""
        for r in list(self.streams.values()) + list(self.gates.values()):
            if r.rc is None:
                r.stop(terminate=True)
        for tag, w in self.workloads.items():
            w.stop()                # closes stdin: the parent kills its workers
            time.sleep(0.2)
            self.leftovers[tag] = self.cgroups[tag].leftovers()
        for tag, cg in self.cgroups.items():
            problem = cg.remove()
            if problem:
                print("cgroups.py: %s" % problem, file=sys.stderr)

    # -- what the tests read -------------------------------------------------

    def rows(self, binary, cg, run=None):
        """[(tick, row)] of the cgroup cg in a run's ticks (the stream by default)."""
        out = []
        for tick in (run or self.streams[binary]).ticks():
            assert "cgroups" in tick, "a tick line without \"cgroups\": keys %s" % sorted(tick)
            for row in tick["cgroups"]:
                if row["path"] == cg.rel:
                    out.append((tick, row))
        assert out, "no row with path %r in %s's output; paths seen: %s" % (
            cg.rel, binary, sorted({r["path"] for t in (run or self.streams[binary]).ticks()
                                    for r in t.get("cgroups", [])})[:20])
        return out


def members(tick, cg):
    """The process objects of a tick that are in cgroup cg."""
    return [p for p in tick["processes"] if p.get("cgroup") == cg.rel]


# --- tests: each takes (scene, binary) -----------------------------------------

def test_service_leak_flagged(scene, binary):
    """The leak service (parent cache at 256 KiB/s, recycled workers) is
    suspected within 120 s of its start and still at the end (a note names
    the ticks between at which it was not); none of its workers is ever
    suspected."""
    rows = scene.rows(binary, scene.leak)
    flagged = [tick["time"] - scene.start for tick, row in rows if row["leak"]["suspected"]]
    assert flagged, "never suspected in %.0f s; last row: %s" % (
        rows[-1][0]["time"] - scene.start, json.dumps(rows[-1][1]))
    assert flagged[0] <= LEAK_WITHIN_S, "first suspected %.0f s after the start (> %d s)" % (
        flagged[0], LEAK_WITHIN_S)
    assert rows[-1][1]["leak"]["suspected"], "suspected at %.0f s, no longer at the end: %s" % (
        flagged[0], json.dumps(rows[-1][1]))
    dropped = [round(tick["time"] - scene.start) for tick, row in rows
               if tick["time"] - scene.start > flagged[0] and not row["leak"]["suspected"]]
    if dropped:
        print("note: %s: the leak cgroup, suspected at %.0f s, was not at %s s" % (
            binary, flagged[0], dropped[:10]))
    workers, suspects = set(), []
    for tick, _ in rows:
        for p in members(tick, scene.leak):
            if p["pid"] != scene.parent["leak"]:
                workers.add(p["pid"])
                if p["leak"]["suspected"]:
                    suspects.append((round(tick["time"] - scene.start), p["pid"], p["leak"]))
    assert len(workers) > WORKERS, "only %d workers seen in the leak cgroup" % len(workers)
    assert not suspects, "workers suspected (s, pid, leak): %s" % suspects[:5]


def test_recycling_service_not_flagged(scene, binary):
    """The clean service (the same workers, no parent growth) is never
    suspected over the whole run, nor is any of its processes."""
    rows = scene.rows(binary, scene.clean)
    span = rows[-1][0]["time"] - scene.start
    assert span >= RUN_S - 10, "the run covered only %.0f s of %d" % (span, RUN_S)
    flagged = [(round(tick["time"] - scene.start), row["leak"]) for tick, row in rows
               if row["leak"]["suspected"]]
    assert not flagged, "suspected (s, leak) %s; own_anon_kb over the run: %s" % (
        flagged[:5], [row["own_anon_kb"] for _, row in rows[::10]])
    suspects = [(round(tick["time"] - scene.start), p["pid"]) for tick, _ in rows
                for p in members(tick, scene.clean) if p["leak"]["suspected"]]
    assert not suspects, "processes suspected (s, pid): %s" % suspects[:5]


def test_rows_add_up(scene, binary):
    """Each row counts the processes listed in its cgroup in the same tick
    line: procs is 9 (the parent and 8 workers) at some tick, anon_kb and
    rss_kb are their sums; usage_kb is never null; name is the path's last
    component."""
    problems = []
    for tag in ("leak", "clean"):
        cg = scene.cgroups[tag]
        rows = scene.rows(binary, cg)
        counts = [row["procs"] for _, row in rows]
        if WORKERS + 1 not in counts:
            problems.append("%s: procs never %d: %s" % (tag, WORKERS + 1, sorted(set(counts))))
        for tick, row in rows:
            at = "%s at %.0f s" % (tag, tick["time"] - scene.start)
            listed = members(tick, cg)
            if row["procs"] != len(listed):
                problems.append("%s: procs %d, %d processes listed" % (at, row["procs"], len(listed)))
            for key in ("anon_kb", "rss_kb"):
                total = sum(p[key] for p in listed)
                if row[key] != total:
                    problems.append("%s: %s %s, its processes' sum %d" % (at, key, row[key], total))
            if row["usage_kb"] is None:
                problems.append("%s: usage_kb null" % at)
            if row["name"] != os.path.basename(cg.rel):
                problems.append("%s: name %r" % (at, row["name"]))
    assert not problems, "%d problems, the first: %s" % (len(problems), "; ".join(problems[:8]))


def test_fail_on_leak_cgroups(scene, binary):
    """memtop -n 140 --fail-on-leak (with --cgroups) exits 3 and names the leak
    cgroup on stderr, not the clean one."""
    gate = scene.gates[binary]
    err = gate.stderr()
    rows = scene.rows(binary, scene.leak, run=gate)
    assert rows[-1][1]["leak"]["suspected"], \
        "the leak cgroup is not suspected at the run's last tick (exit %s): %s" % (
            gate.rc, json.dumps(rows[-1][1]))
    assert gate.rc == 3, "exit %s, stderr: %s" % (gate.rc, err[-2000:])
    # The parent is a process leak too: its line names the process, not
    # the cgroup; the cgroup's own line must be there.
    assert any(scene.leak.rel in line and "leak" in line for line in err.splitlines()), \
        "stderr does not name %s: %r" % (scene.leak.rel, err[-2000:])
    assert scene.clean.rel not in err, "stderr names the clean cgroup: %r" % err[-2000:]


def test_workload_ground_truth(scene, binary):
    """The workloads did their part, read from the cgroups' own memory.stat:
    the leak cgroup's own anon grew at about 256 KiB/s, the clean one's held
    level; stopping a prefork parent left no process in its cgroup."""
    if binary != scene.binaries[0]:
        return                      # about the workloads: once is enough
    # From 5 s on: the first reading may come before the first workers.
    points = {tag: [(t, kb) for t, kb in p if t >= 5] for tag, p in scene.truth.items()}
    span = max([t for t, _ in points["leak"]] or [0])
    assert span >= 60, "the scene ended after %.0f s (every memtop had exited): too short to tell" % span
    rate = {tag: slope(p) for tag, p in points.items()}
    assert abs(rate["leak"] - PARENT_RATE_KIB) <= 0.15 * PARENT_RATE_KIB, rate
    assert abs(rate["clean"]) <= 20, rate
    assert not any(scene.leftovers.values()), "left behind: %s" % scene.leftovers


TESTS = [test_service_leak_flagged, test_recycling_service_not_flagged, test_rows_add_up,
         test_fail_on_leak_cgroups, test_workload_ground_truth]


def main():
    start = time.monotonic()
    # An empty settings folder of the suite's own: a user's memtoprc must not
    # change what the tests see.
    config_home = tempfile.TemporaryDirectory(prefix="memtop-cgroups-config-")
    os.environ["XDG_CONFIG_HOME"] = config_home.name
    default = " ".join(os.path.join(ROOT, p) for p in ("build/asan/memtop", "memtop"))
    binaries = os.environ.get("MEMTOP_BINS", default).split()
    only = set(sys.argv[1:])
    unknown = only - {t.__name__ for t in TESTS}
    tests = []
    for test in TESTS:
        if only and test.__name__ not in only:
            continue
        for binary in binaries:
            def one(test=test, binary=binary):
                test(Scene.get(binaries), binary)
            one.__name__ = "%s [%s]" % (test.__name__, os.path.relpath(binary, ROOT))
            tests.append(one)
    passed, failed = run_tests(tests, lambda t: t())
    for name in sorted(unknown):
        print("FAIL %s: no such test" % name)
        failed += 1
    return finish("cgroups.py", start, passed, failed)


if __name__ == "__main__":
    sys.exit(main())
