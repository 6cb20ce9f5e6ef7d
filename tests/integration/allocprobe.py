#!/usr/bin/env python3
"""Integration tests of the allocation-sites probes (issue 22: proc/allocprobe.h,
src/proc/bpf/allocsites.bpf.c), through build/tools/allocdump (attach, read
every 0.2-0.5 s as JSON lines, detach) on build/workloads/allocleak (a known
leak from leak_site() among balanced churn from churn_site()).

- test_leak_top: the leak's stack (innermost frame in leak_site) is the top
  one, its bytes within 5 % of what the workload says it leaked (read while
  it is stopped, so both sides count the same blocks); the churn's stack
  holds no more than one batch (64 blocks) although it made thousands;
- test_detach_clean: while attached, bpftool lists links and programs of
  allocdump's pid; after the detach (allocdump still alive) none, and no new
  uprobe_events line; the target's bare malloc/free rate, slowed while
  probed, returns to within 4x of its baseline (probed it is ~2,500x slower);
- test_apis: leaks through malloc, calloc, realloc(NULL), memalign,
  aligned_alloc, valloc, posix_memalign, mmap and a growing realloc, each
  from its own function: each stack holds its share, each block once;
- test_thread: a leak from a second thread is seen (its stack goes through
  leak_loop, the thread's function), within 5 %;
- test_sampling: --every 4 tracks about a quarter of the calls; --min-size
  4096 tracks only the 4 KiB leak;
- test_tables_full: --max-live 100 holds exactly 100, the rest counted as
  untracked_full; --max-stacks 4: ids within the 4 buckets, the rest lost
  (stack -1, stacks_lost);
- test_oldest_sweeps_wrap: 72,000 outstanding (more than the 64 Ki swept
  a reading), the first a second older: ten readings, the sweep wrapping,
  the oldest age always the first one's;
- test_exit / test_exec: a process exiting or exec'ing while attached: a
  reading says gone (and execed), allocdump stops, detaches, exits 0;
- test_not_root: as nobody (target also nobody's): "needs root", -EPERM,
  exit 1, no link left; test_no_pid: a pid that does not exist: -ESRCH;
- test_stripped: a stripped executable is probed (its leak counted);
- test_static: a statically linked one (malloc and mmap in the executable)
  too; test_own_malloc: a dynamic one exporting its own malloc (libc's
  never called) too; test_static_stripped: the -ENOENT line;
- test_deleted_libc: a libc deleted after the program mapped it is probed
  (through /proc/PID/map_files: the process's own file, not a path's);
- test_asan: the sanitizer build of allocdump once, clean;
- test_multi_fallback: with MEMTOP_BPF_NO_SESSION=1, uprobe_multi links
  (6.6 to 6.9): calls tracked, detach clean;
- test_perf_fallback: with MEMTOP_BPF_NO_MULTI=1, the older kernels' way
  (one perf-event uprobe a function): calls tracked, detach clean.

Needs root (CAP_BPF, CAP_PERFMON): as another user every test fails,
unless MEMTOP_SKIP_BPF=1 (then it says so and passes). About 30 s.

    python3 tests/integration/allocprobe.py [TEST_NAME...]
"""
import json
import os
import pwd
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from suite import SAN_ENV, finish, require, run_tests  # noqa: E402

DUMP = os.path.join(ROOT, "build", "tools", "allocdump")
ASAN_DUMP = os.path.join(ROOT, "build", "asan", "tools", "allocdump")
LEAK = os.path.join(ROOT, "build", "workloads", "allocleak")
LEAK_STRIPPED = os.path.join(ROOT, "build", "workloads", "allocleak-stripped")
LEAK_STATIC = os.path.join(ROOT, "build", "workloads", "allocleak-static")
LEAK_OWN = os.path.join(ROOT, "build", "workloads", "allocleak-ownmalloc")
LEAK_STATIC_STRIPPED = os.path.join(ROOT, "build", "workloads", "allocleak-static-stripped")
BLOCK = 4096
CHURN_BATCH_MAX = 64 * 1016          # churn_site holds at most 64 blocks of <= 1015 B


class Proc:
    """A child whose stdout lines are queued by a thread (no blocking reads)."""

    def __init__(self, args, stdin=None, preexec_fn=None, env=None):
        self.p = subprocess.Popen(args, stdout=subprocess.PIPE, stdin=stdin, stderr=subprocess.PIPE,
                                  text=True, preexec_fn=preexec_fn, env=env)
        self.q = queue.Queue()
        self.lines = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.p.stdout:
            self.q.put(line)
        self.q.put(None)

    def line(self, timeout):
        try:
            line = self.q.get(timeout=timeout)
        except queue.Empty:
            return None
        if line is not None:
            self.lines.append(line)
        return line

    def until(self, pred, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.line(max(0.0, deadline - time.monotonic()))
            if line is None:
                break
            obj = json.loads(line) if line.startswith("{") else line
            if pred(obj):
                return obj
        raise AssertionError("%s: not within %.0f s (stderr %r; lines %r)" %
                             (what, timeout, self.stderr_now(), self.lines[-3:]))

    def stderr_now(self):
        if self.p.poll() is None:
            return "(running)"
        return self.p.stderr.read()

    def drain(self):
        """Drops the lines queued so far (printed before now)."""
        while True:
            try:
                self.q.get_nowait()
            except queue.Empty:
                return

    def rest(self, timeout=30):
        """Waits for the end of the output; every line read."""
        while self.line(timeout) is not None:
            pass
        return [json.loads(x) for x in self.lines if x.startswith("{")]

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()


def workload(*args, preexec_fn=None, exe=LEAK):
    w = Proc([exe] + list(args), preexec_fn=preexec_fn)
    line = w.line(10)
    assert line and line.startswith("ready "), line
    return w


def dump(pid, seconds, *args, exe=DUMP, preexec_fn=None, env=None, linger=False):
    extra = ["--linger", "1"] if linger else []
    return Proc([exe, str(pid), str(seconds)] + list(args) + extra, stdin=subprocess.PIPE if linger else None,
                preexec_fn=preexec_fn, env=env)


def attached(d):
    first = d.until(lambda o: isinstance(o, dict), 15, "allocdump's first line")
    assert first.get("attached") is True, first
    return first


def exe_symbols(path):
    """(address, name) of the functions in path's symbol table, by address."""
    out = subprocess.run(["nm", "-n", path], capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def symbolise(pid, ip, syms, exe):
    """The function of exe at return address ip in process pid, or None."""
    with open(exe, "rb") as f:
        position_dependent = f.read(18)[16] == 2     # ET_EXEC: addresses are the symbols'
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            fields = line.split()
            lo, hi = (int(x, 16) for x in fields[0].split("-"))
            if lo <= ip < hi and len(fields) >= 6 and os.path.realpath(fields[5]) == os.path.realpath(exe):
                # PIE: file offset = address
                vaddr = ip - 1 if position_dependent else ip - 1 - lo + int(fields[2], 16)
                name = None
                for addr, sym in syms:
                    if addr > vaddr:
                        break
                    name = sym
                return name
    return None


def stopped(pid):
    """Every thread of pid is stopped (SIGSTOP delivered)."""
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
            if f.read().rsplit(")", 1)[1].split()[0] not in "Tt":
                return False
    return True


def leaked_then_reading(w, d, stats):
    """Stops the workload, reads how many bytes it leaked, waits for a
    reading begun after the stop, resumes it: (leaked bytes, the reading)."""
    os.kill(w.p.pid, signal.SIGSTOP)
    deadline = time.monotonic() + 5
    while not stopped(w.p.pid):
        assert time.monotonic() < deadline, "the workload did not stop"
        time.sleep(0.01)
    t_stop = time.monotonic()
    with open(stats) as f:
        leaked = int(f.read().split()[0])
    try:
        reading = d.until(lambda o: isinstance(o, dict) and "rows" in o and o["t"] - o["read_us"] / 1e6 > t_stop,
                          5, "a reading after the stop")
    finally:
        os.kill(w.p.pid, signal.SIGCONT)
    return leaked, reading


def row_in(reading, pid, func, exe=LEAK):
    syms = exe_symbols(exe)
    for row in reading["rows"]:
        names = [symbolise(pid, int(ip, 16), syms, exe) for ip in row["ips"]]
        if names and names[0] == func:
            return row, names
    return None, None


def bpftool(*what):
    out = subprocess.run(["bpftool", "-j"] + list(what), capture_output=True, text=True, check=True).stdout
    return json.loads(out or "[]")


def held_ids(pid):
    """The BPF link and program ids process pid holds open (its fdinfo)."""
    links, progs = set(), set()
    fddir = "/proc/%d/fdinfo" % pid
    for fd in os.listdir(fddir):
        try:
            with open(os.path.join(fddir, fd)) as f:
                info = dict(line.split(":", 1) for line in f.read().splitlines() if ":" in line)
        except OSError:
            continue
        if "link_id" in info:
            links.add(int(info["link_id"]))
        if "prog_id" in info:
            progs.add(int(info["prog_id"]))
    return links, progs


def probes_of(pid, ids=(set(), set())):
    """What of process pid's probes is in the kernel: the links and programs
    it holds (its fdinfo) or that were named in ids (taken while attached),
    as bpftool lists them, and its perf-event uprobes (bpftool perf list)."""
    links, progs = held_ids(pid) if os.path.exists("/proc/%d" % pid) else (set(), set())
    links |= ids[0]
    progs |= ids[1]
    found = [("perf", e) for e in bpftool("perf", "list") if e.get("pid") == pid]
    progs |= {e["prog_id"] for _, e in found}
    found += [("link", e) for e in bpftool("link", "list") if e.get("id") in links or e.get("prog_id") in progs]
    found += [("prog", e) for e in bpftool("prog", "list") if e.get("id") in progs]
    return found


def uprobe_events():
    try:
        with open("/sys/kernel/tracing/uprobe_events") as f:
            return f.read()
    except OSError:
        return None     # no tracefs mounted: the probes are perf-PMU ones, never listed there


def check_leak(extra_args, top_func, thread_func=None, exe=LEAK, allocator="glibc malloc (libc.so.6)"):
    with tempfile.TemporaryDirectory() as tmp:
        stats = os.path.join(tmp, "stats")
        w = workload("--wait-usr1", "--stats", stats, "--rate", "131072", *extra_args, exe=exe)
        d = None
        try:
            d = dump(w.p.pid, 20, "--interval", "0.25")
            first = attached(d)
            assert first["allocator"] == allocator, first
            os.kill(w.p.pid, signal.SIGUSR1)
            time.sleep(1.5)
            leaked, reading = leaked_then_reading(w, d, stats)
            assert leaked >= 32 * BLOCK, "the workload leaked only %d bytes" % leaked
            assert reading["rows"], reading
            top = reading["rows"][0]
            assert abs(top["bytes"] - leaked) <= 0.05 * leaked, (top, leaked)
            assert top["count"] * BLOCK == top["bytes"], top
            assert reading["untracked_full"] == 0 and reading["stacks_lost"] == 0, reading
            if top_func:
                row, names = row_in(reading, w.p.pid, top_func, exe)
                assert row is top, ("the top stack is not %s's" % top_func, names, reading["rows"][:3])
                if thread_func:
                    assert thread_func in names, names
                churn, _ = row_in(reading, w.p.pid, "churn_site", exe)
                # Thousands of churn calls, at most one batch outstanding.
                assert reading["allocs"] > 5000, reading["allocs"]
                assert churn is None or churn["bytes"] <= CHURN_BATCH_MAX, churn
            return reading
        finally:
            if d:
                d.stop()
            w.stop()


def test_leak_top():
    check_leak([], "leak_site")


APIS = ["leak_malloc", "leak_calloc", "leak_realloc", "leak_memalign", "leak_aligned_alloc", "leak_valloc",
        "leak_posix_memalign", "leak_mmap", "leak_regrow"]


def test_apis():
    """Blocks leaked in turn through malloc, calloc, realloc(NULL) (glibc's
    calls malloc inside: counted once, at realloc's caller), memalign,
    aligned_alloc (the same function in glibc: one probe), valloc,
    posix_memalign (the pointer read from *memptr), an anonymous mmap, and a
    realloc growing a half block (that one freed): each API's stack holds its
    share, each block counted once."""
    with tempfile.TemporaryDirectory() as tmp:
        stats = os.path.join(tmp, "stats")
        w = workload("--wait-usr1", "--stats", stats, "--rate", "262144", "--api", "all")
        d = None
        try:
            d = dump(w.p.pid, 20, "--interval", "0.25", "--top", "30")
            attached(d)
            os.kill(w.p.pid, signal.SIGUSR1)
            time.sleep(1.5)
            leaked, reading = leaked_then_reading(w, d, stats)
            blocks = leaked // BLOCK
            syms = exe_symbols(LEAK)
            by_api = {}
            for row in reading["rows"]:
                first = symbolise(w.p.pid, int(row["ips"][0], 16), syms, LEAK) if row["ips"] else None
                if first in APIS:
                    assert first not in by_api, ("two stacks for %s" % first, row, by_api[first])
                    by_api[first] = row
            assert sorted(by_api) == sorted(APIS), ("APIs seen", sorted(by_api))
            for api, row in by_api.items():
                assert row["bytes"] == row["count"] * BLOCK, (api, row)
                assert abs(row["count"] - blocks / len(APIS)) <= 1, (api, row["count"], blocks)
            total = sum(r["bytes"] for r in by_api.values())
            assert abs(total - leaked) <= 0.05 * leaked, (total, leaked)
        finally:
            if d:
                d.stop()
            w.stop()


def test_thread():
    check_leak(["--leak-thread"], "leak_site", thread_func="leak_loop")


def test_stripped():
    check_leak([], None, exe=LEAK_STRIPPED)


def test_static():
    """A statically linked program: malloc and mmap in the executable itself
    are probed, the leak found."""
    reading = check_leak([], "leak_site", exe=LEAK_STATIC, allocator="malloc in the executable (statically linked)")
    assert reading["allocs"] > 1000, reading


def test_own_malloc():
    """A dynamically linked program exporting a malloc of its own (as one
    linking tcmalloc statically does): libc's is never called; the
    executable's is probed, the leak found."""
    check_leak([], "leak_site", exe=LEAK_OWN, allocator="malloc in the executable (allocleak-ownmalloc)")


def test_static_stripped():
    w = workload(exe=LEAK_STATIC_STRIPPED)
    try:
        d = dump(w.p.pid, 1)
        first = d.until(lambda o: isinstance(o, dict), 15, "allocdump's line")
        assert first == {"attached": False, "error": -2,
                         "why": "statically linked and stripped: no allocator symbol to probe"}, first
        assert d.p.wait(10) == 1
    finally:
        w.stop()


def test_deleted_libc():
    """A program whose libc was deleted after it mapped it (an upgrade under
    a running program; here a private copy): probed through its map_files
    entry, the leak counted."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy("/lib/x86_64-linux-gnu/libc.so.6", tmp)
        os.environ["LD_LIBRARY_PATH"] = tmp
        try:
            w = workload("--rate", "65536")
        finally:
            del os.environ["LD_LIBRARY_PATH"]
        try:
            os.unlink(os.path.join(tmp, "libc.so.6"))
            with open("/proc/%d/maps" % w.p.pid) as f:
                assert "libc.so.6 (deleted)" in f.read()
            d = dump(w.p.pid, 0.8, "--interval", "0.4")
            attached(d)
            last = [o for o in d.rest() if "rows" in o][-1]
            assert d.p.wait(10) == 0
            assert last["rows"] and last["rows"][0]["bytes"] >= 4 * BLOCK, last
        finally:
            w.stop()


def bare_rates(w, n):
    rates = []
    while len(rates) < n:
        line = w.line(30)
        assert line and line.startswith("pairs/s "), line
        rates.append(float(line.split()[1]))
    return rates


def test_killed_leaves_nothing():
    """A tool killed while attached (SIGKILL: no detach of its own) leaves no
    probe: its links and programs are file descriptors, which the kernel
    closes as it dies. The target runs on."""
    w = workload()
    d = dump(w.p.pid, 60, "--interval", "0.25")
    try:
        attached(d)
        d.until(lambda o: isinstance(o, dict) and "rows" in o, 10, "a reading")
        held = probes_of(d.p.pid)
        ids = ({e["id"] for k, e in held if k == "link"}, {e["id"] for k, e in held if k == "prog"})
        assert ids[0] and ids[1], "bpftool does not show allocdump's probes: %r" % held
        d.p.kill()
        d.p.wait()
        deadline = time.monotonic() + 3
        while True:
            left = probes_of(d.p.pid, ids)
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert not left, "left 3 s after the kill: %r" % left
        assert w.p.poll() is None, "the target died with the tool"
    finally:
        d.stop()
        w.stop()


def test_detach_clean():
    events_before = uprobe_events()
    w = workload("--bare", "5000000", "--rounds", "0")
    d = None
    try:
        bare_rates(w, 2)                            # warm up
        baseline = statistics.median(bare_rates(w, 5))
        d = dump(w.p.pid, 1.5, "--interval", "0.25", linger=True)
        first = attached(d)
        assert first["mechanism"] == mechanism(), first
        w.drain()
        w.line(30)                                  # the round the attach fell in
        held = probes_of(d.p.pid)
        kinds = {k for k, _ in held}
        assert {"link", "prog"} <= kinds, "bpftool does not show allocdump's probes: %r" % held
        # uprobe_multi links, or (the older kernels' way) a perf-event uprobe a function.
        perf_uprobes = [e for k, e in held if k == "perf" and e.get("fd_type") in ("uprobe", "uretprobe")]
        assert bool(perf_uprobes) == bool(os.environ.get("MEMTOP_BPF_NO_MULTI")), held
        ids = ({e["id"] for k, e in held if k == "link"}, {e["id"] for k, e in held if k == "prog"})
        probed = statistics.median(bare_rates(w, 2))
        last = d.until(lambda o: isinstance(o, dict) and "rows" in o and o["t"] > 0, 10, "a reading")
        # The loop's own calls are seen (not just printf's): thousands.
        assert last["allocs"] > 1000 and last["tracked"] > 1000, last
        d.until(lambda o: isinstance(o, dict) and o.get("detached"), 15, "the detach")
        assert d.p.poll() is None, "allocdump exited: the check would not be of the detach"
        # A uprobe_multi link's program is put after an RCU grace period
        # (the probes themselves are gone when the detach returns): poll.
        deadline = time.monotonic() + 3
        while True:
            left = probes_of(d.p.pid, ids)
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert not left, "left 3 s after the detach: %r" % left
        assert uprobe_events() == events_before, "uprobe_events changed"
        w.drain()
        w.line(30)                                  # the round the detach fell in
        after = statistics.median(bare_rates(w, 5))
        print("    bare malloc/free pairs/s: %.0f baseline, %.0f probed, %.0f after" % (baseline, probed, after))
        # Generous (the machine may be busy; probed, the loop runs ~2,500x slower).
        assert after >= baseline / 4, (baseline, probed, after)
    finally:
        if d:
            d.p.stdin.close()
            d.stop()
        w.stop()


def test_sampling():
    w = workload("--rate", "65536")
    try:
        d = dump(w.p.pid, 1.2, "--every", "4", "--interval", "0.3")
        first = attached(d)
        assert first["sample_every"] == 4, first
        last = [o for o in d.rest() if "rows" in o][-1]
        share = last["tracked"] / last["allocs"]
        assert 0.2 <= share <= 0.3, ("every 4th: tracked %d of %d" % (last["tracked"], last["allocs"]))
        d = dump(w.p.pid, 1.2, "--min-size", "4096", "--interval", "0.3")
        attached(d)
        last = [o for o in d.rest() if "rows" in o][-1]
        # Only the 4 KiB blocks: 16 a second.
        assert 0 < last["tracked"] <= 40 and last["allocs"] > 1000, last
        assert len(last["rows"]) == 1 and last["rows"][0]["bytes"] == last["rows"][0]["count"] * BLOCK, last
    finally:
        w.stop()


def test_tables_full():
    """Tables that fill: with --max-live 100 the live table holds exactly
    100 and the rest counts as untracked_full; with --max-stacks 4 the
    stacks beyond the table's buckets count as stacks_lost under stack -1."""
    with tempfile.TemporaryDirectory() as tmp:
        stats = os.path.join(tmp, "stats")
        w = workload("--rate", "1048576", "--api", "all", "--stats", stats)
        d = None
        try:
            d = dump(w.p.pid, 20, "--interval", "0.25", "--max-live", "100", "--max-stacks", "4", "--top", "50")
            first = attached(d)
            assert first["max_live"] == 100 and first["max_stacks"] == 4, first
            time.sleep(1.0)
            # Read while it is stopped: the counts at rest (running, a
            # reading's slots are read at slightly different moments).
            _, last = leaked_then_reading(w, d, stats)
        finally:
            if d:
                d.stop()
            w.stop()
        assert sum(r["count"] for r in last["rows"]) == 100, last
        assert last["untracked_full"] > 0, last
        # Every stack id in 0..3 (4 buckets), the rest under -1.
        assert all(-1 <= r["stack"] < 4 for r in last["rows"]), last["rows"]
        assert last["stacks_lost"] > 0 and any(r["stack"] == -1 for r in last["rows"]), last


def test_oldest_sweeps_wrap():
    """72,000 outstanding allocations, more than the 64 Ki a reading
    sweeps, the first of them a second older than the rest: over ten
    readings (the sweep wrapping five times) the held stack's oldest age is
    always the first one's, its count exact."""
    w = workload("--hold", "72000", "--wait-usr1", "--rate", "0")
    try:
        d = dump(w.p.pid, 60, "--interval", "0.2", "--top", "3")
        attached(d)
        t_start = time.monotonic()
        os.kill(w.p.pid, signal.SIGUSR1)
        line = w.line(60)
        assert line and line.startswith("held"), line
        t_held = time.monotonic()
        syms = exe_symbols(LEAK)
        seen = skipped = 0
        while seen < 10:
            o = d.until(lambda x: isinstance(x, dict) and "rows" in x, 10, "a reading")
            if o["t"] - o["read_us"] / 1e6 < t_held:
                continue
            if skipped < 4:             # two whole sweeps (of two readings) after the last one
                skipped += 1
                continue
            row = [r for r in o["rows"] if symbolise(w.p.pid, int(r["ips"][0], 16), syms, LEAK) == "hold_site"]
            assert len(row) == 1, o["rows"]
            assert row[0]["count"] == 72000 and row[0]["bytes"] == 72000 * 32, row
            age, now = row[0]["oldest_age_s"], o["t"]
            # The first block, a second older than the rest, wherever the sweep is.
            assert now - t_held + 0.9 <= age <= now - t_start + 0.05, (age, now - t_start, now - t_held)
            seen += 1
        d.stop()
    finally:
        w.stop()


def end_test(flag, expect_exec):
    w = workload(flag, "1.0")
    try:
        d = dump(w.p.pid, 15, "--interval", "0.2")
        attached(d)
        gone = d.until(lambda o: isinstance(o, dict) and o.get("gone"), 10, "a reading saying gone")
        assert gone["execed"] is expect_exec, gone
        d.until(lambda o: isinstance(o, dict) and o.get("detached"), 10, "the detach")
        assert d.p.wait(10) == 0, d.stderr_now()
        assert not probes_of(d.p.pid)
    finally:
        w.stop()


def test_exit():
    end_test("--exit-after", False)


def test_exec():
    end_test("--exec-after", True)


def test_not_root():
    nobody = pwd.getpwnam("nobody")

    def drop():
        os.setgid(nobody.pw_gid)
        os.setgroups([])
        os.setuid(nobody.pw_uid)
    w = workload(preexec_fn=drop)
    try:
        d = dump(w.p.pid, 1, preexec_fn=drop)
        first = d.until(lambda o: isinstance(o, dict), 15, "allocdump's line")
        assert first == {"attached": False, "error": -1, "why": "needs root (CAP_BPF and CAP_PERFMON)"}, first
        assert d.p.wait(10) == 1
        assert not probes_of(d.p.pid)
    finally:
        w.stop()


def test_no_pid():
    pid = 4194303                                   # beyond pid_max's default range in use
    while os.path.exists("/proc/%d" % pid):
        pid -= 1
    d = dump(pid, 1)
    first = d.until(lambda o: isinstance(o, dict), 15, "allocdump's line")
    assert first["attached"] is False and first["error"] == -3, first
    assert first["why"] == "process %d is gone" % pid, first
    assert d.p.wait(10) == 1


def test_asan():
    w = workload()
    try:
        env = dict(os.environ, **SAN_ENV)
        d = dump(w.p.pid, 0.6, "--interval", "0.2", exe=ASAN_DUMP, env=env)
        attached(d)
        assert any("rows" in o for o in d.rest())
        assert d.p.wait(30) == 0, d.stderr_now()
    finally:
        w.stop()


def mechanism():
    """How allocdump attaches under this environment (the kernel here, 6.18,
    has every way)."""
    if os.environ.get("MEMTOP_BPF_NO_MULTI"):
        return "perf-event uprobes"
    if os.environ.get("MEMTOP_BPF_NO_SESSION"):
        return "uprobe_multi links"
    return "uprobe sessions"


def test_multi_fallback():
    """Kernels 6.6 to 6.9 (uprobe_multi links, no sessions: every call's
    return probed): the loop's calls tracked, nothing left after the
    detach."""
    os.environ["MEMTOP_BPF_NO_SESSION"] = "1"
    try:
        test_detach_clean()
    finally:
        del os.environ["MEMTOP_BPF_NO_SESSION"]


def test_perf_fallback():
    """The older kernels' way (perf-event uprobes, one a function, before
    uprobe_multi links): the loop's calls tracked, nothing left after the
    detach (test_detach_clean in that mode; it takes ~2 s, a probe at a
    time, so only that one test)."""
    os.environ["MEMTOP_BPF_NO_MULTI"] = "1"
    try:
        test_detach_clean()
    finally:
        del os.environ["MEMTOP_BPF_NO_MULTI"]


TESTS = [test_leak_top, test_apis, test_thread, test_stripped, test_static, test_own_malloc, test_static_stripped, test_deleted_libc, test_detach_clean, test_killed_leaves_nothing, test_sampling, test_tables_full, test_oldest_sweeps_wrap, test_exit, test_exec,
         test_not_root, test_no_pid, test_asan, test_multi_fallback, test_perf_fallback]


def main():
    start = time.monotonic()
    if os.geteuid() != 0:
        if os.environ.get("MEMTOP_SKIP_BPF") == "1":
            print("allocprobe: not root and MEMTOP_SKIP_BPF=1: the probe tests are skipped")
            return 0
        print("FAIL allocprobe: the probe tests need root (CAP_BPF and CAP_PERFMON); "
              "MEMTOP_SKIP_BPF=1 skips them")
        return 1
    if not require([DUMP, ASAN_DUMP, LEAK, LEAK_STRIPPED, LEAK_STATIC, LEAK_STATIC_STRIPPED, LEAK_OWN],
                   "build/tools/allocdump build/asan/tools/allocdump build/workloads/allocleak-stripped "
                   "build/workloads/allocleak-static-stripped build/workloads/allocleak-ownmalloc"):
        return 1
    passed, failed = run_tests(TESTS, lambda t: t(), sys.argv[1:])
    return finish("allocprobe", start, passed, failed)


if __name__ == "__main__":
    sys.exit(main())
