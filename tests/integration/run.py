#!/usr/bin/env python3
"""Integration tests of memtop's batch mode against real processes.

Runs the tests named on the command line (default: all) with the binaries
named in MEMTOP_BINS (space-separated; default: the
AddressSanitizer build and the release build) with workload processes from
build/workloads, parses every output line with real parsers (json, csv) and
prints "N passed, N failed" last. Exit status 1 when anything failed.
"""
import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from suite import SAN_ENV  # noqa: E402
from workload import Hold, Leaker, Mapper  # noqa: E402
TIMEOUT = 30


def run_memtop(binary, args, env=None, timeout=TIMEOUT):
    """Runs memtop to completion; returns (exit code, stdout text, stderr text)."""
    full_env = dict(os.environ, **SAN_ENV)
    full_env.update(env or {})
    p = subprocess.run([binary] + args, capture_output=True, timeout=timeout, env=full_env)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def json_ticks(text):
    """Parses JSON Lines output; every line must be one JSON object."""
    lines = text.splitlines()
    assert lines, "no output"
    ticks = [json.loads(line) for line in lines]
    for t in ticks:
        assert isinstance(t, dict)
        for key in ("time", "interval", "memory", "psi", "processes"):
            assert key in t, "missing key %s" % key
    return ticks


def proc_by_pid(tick, pid):
    for p in tick["processes"]:
        if p["pid"] == pid:
            return p
    return None


def within(value, expected, tolerance=0.05):
    return abs(value - expected) <= expected * tolerance


# --- tests: each takes the memtop binary path --------------------------------

PROCESS_KEYS = ("pid", "ppid", "user", "comm", "cmdline", "start_time", "rss_kb", "anon_kb",
                "file_kb", "shmem_kb", "swap_kb", "data_kb", "heap_kb", "oom_score",
                "oom_score_adj", "cgroup", "delta_rss_kb", "delta_anon_kb")
MEMORY_KEYS = ("total_kb", "available_kb", "free_kb", "buffers_kb", "cached_kb", "shmem_kb",
               "swap_total_kb", "swap_free_kb")


def test_anon_64mib(memtop):
    with Hold(64) as h:
        rc, out, err = run_memtop(memtop, ["-b", "-n", "2", "-d", "0.2", "--format", "json",
                                           "-p", str(h.pid)])
    assert rc == 0, "exit %d: %s" % (rc, err)
    ticks = json_ticks(out)
    assert len(ticks) == 2
    for t in ticks:
        assert [p["pid"] for p in t["processes"]] == [h.pid]
        p = t["processes"][0]
        for key in PROCESS_KEYS:
            assert key in p, "missing %s" % key
        assert within(p["anon_kb"], 65536), "anon_kb %d not within 5%% of 65536" % p["anon_kb"]
        assert p["rss_kb"] >= p["anon_kb"]
        assert p["heap_kb"] is not None, "heap_kb must be filled for -p processes"
        assert p["comm"] == "hold"
    assert ticks[0]["processes"][0]["delta_anon_kb"] is None
    assert ticks[1]["processes"][0]["delta_anon_kb"] is not None
    for key in MEMORY_KEYS:
        assert isinstance(ticks[0]["memory"][key], int)
    for t in ticks:
        oom = t["oom"]
        assert set(oom) >= {"candidate_pid", "candidate_score", "exhaustion_eta_s"}
        assert oom["candidate_pid"] == h.pid, "the only process listed is the OOM pick: %r" % oom
        assert oom["exhaustion_eta_s"] is None     # a 0.2 s run has no trend
        assert t["processes"][0]["exhaustion_eta_s"] is None


def test_delta_growth(memtop):
    """A process grows by 32 MiB between ticks: the deltas add up to it."""
    env = dict(os.environ, **SAN_ENV)
    with Hold(16, 32) as h:
        m = subprocess.Popen([memtop, "-b", "-d", "1", "-n", "6", "--format", "json",
                              "-p", str(h.pid)], stdout=subprocess.PIPE, env=env)
        try:
            first = json.loads(m.stdout.readline())
            h.grow()                       # returns once the growth is complete
            grown_at = time.time()
            later = []                     # ticks up to the first one after the growth
            while not later or later[-1]["time"] < grown_at:
                later.append(json.loads(m.stdout.readline()))
        finally:
            m.kill()
            m.wait()
            m.stdout.close()
    p0 = proc_by_pid(first, h.pid)
    deltas = [proc_by_pid(t, h.pid)["delta_anon_kb"] for t in later]
    total = sum(deltas)
    assert within(total, 32768), "delta_anon_kb %r does not add up to 32768" % deltas
    assert within(proc_by_pid(later[-1], h.pid)["anon_kb"] - p0["anon_kb"], 32768)


def hostile_comm():
    return "ESC[31m\"q\\".replace("ESC", "\x1b").encode()


HOSTILE_ARGV0 = b"evil\x1b[31mred\nnl \"q\" \\ \xff\xfe tab\t end"


def check_clean_string(s):
    """A string from memtop must carry no raw control character."""
    for ch in s:
        assert ord(ch) >= 0x20 and ord(ch) != 0x7f and not (0x80 <= ord(ch) <= 0x9f), \
            "raw control character %r in %r" % (ch, s)


def test_json_whole_machine_hostile(memtop):
    with Hold(1, comm=hostile_comm(), argv0=HOSTILE_ARGV0) as h:
        rc, out, err = run_memtop(memtop, ["-b", "-n", "2", "-d", "0.2", "--format", "json"])
    assert rc == 0, "exit %d: %s" % (rc, err)
    ticks = json_ticks(out)
    assert len(ticks) == 2
    for t in ticks:
        assert len(t["processes"]) >= 2
        for p in t["processes"]:
            for key in PROCESS_KEYS:
                assert key in p, "missing %s in %r" % (key, p)
            for key in ("user", "comm", "cmdline"):
                check_clean_string(p[key])
            assert p["pid"] != 2, "kernel threads are skipped by default"
        p = proc_by_pid(t, h.pid)
        assert p is not None, "hostile process missing"
        assert p["comm"] == "\\e[31m\"q\\\\", "comm not escaped: %r" % p["comm"]
        assert p["cmdline"].startswith("evil\\e[31mred\\nnl \"q\" \\\\ \\xFF\\xFE tab\\t end"), \
            "cmdline not escaped: %r" % p["cmdline"]
        assert p["heap_kb"] is None or isinstance(p["heap_kb"], int)


def test_csv_hostile(memtop):
    with Hold(1, comm=hostile_comm(), argv0=HOSTILE_ARGV0) as h:
        rc, out, err = run_memtop(memtop, ["-b", "-n", "2", "-d", "0.2", "--format", "csv"])
    assert rc == 0, "exit %d: %s" % (rc, err)
    rows = list(csv.reader(io.StringIO(out)))
    header = rows[0]
    assert header[:3] == ["time", "pid", "ppid"] and header[-2:] == ["cmdline", "cmdline_truncated"]
    assert rows.count(header) == 1, "header printed once"
    body = rows[1:]
    assert body
    for r in body:
        assert len(r) == len(header), "row with %d fields: %r" % (len(r), r)
    mine = [dict(zip(header, r)) for r in body if r[1] == str(h.pid)]
    assert len(mine) == 2
    assert mine[0]["comm"] == "\\e[31m\"q\\\\"
    assert mine[0]["delta_anon_kb"] == "" and mine[1]["delta_anon_kb"] != ""


class Waiter:
    """sh waiting on its stdin, with the given arguments (a long command line)."""

    def __init__(self, *args):
        self.argv = ["sh", "-c", "read -r _", "waiter"] + list(args)
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE)
        self.pid = self.proc.pid

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.stdin.close()
        self.proc.wait(5)


def test_long_command_line_flagged(memtop):
    """A command line beyond the 32 KiB memtop keeps is flagged: JSON
    cmdline_truncated true (false for a short one, and for one of exactly
    32 KiB), CSV's last column 1 (0), and the table's COMMAND ends in "..."."""
    long_arg = "x" * 40000 + "end"
    head = "sh -c read -r _ waiter "
    # 32 KiB with the NUL after each argument: the most that is kept whole.
    exact_arg = "z" * (32 * 1024 - len(head) - 1)
    with Waiter(long_arg) as long, Waiter("short") as short, Waiter(exact_arg) as exact:
        pids = "%d,%d,%d" % (long.pid, short.pid, exact.pid)
        runs = {fmt: run_memtop(memtop, ["-b", "-n", "1", "-s", "pid", "--format", fmt, "-p", pids])
                for fmt in ("json", "csv", "table")}
    for fmt, (rc, _, err) in runs.items():
        assert rc == 0, "%s: exit %d: %s" % (fmt, rc, err)
    tick = json_ticks(runs["json"][1])[0]
    p = proc_by_pid(tick, long.pid)
    assert p["cmdline_truncated"] is True, {k: v for k, v in p.items() if k != "cmdline"}
    assert p["cmdline"] == (head + long_arg)[:32 * 1024], "kept %d bytes: ...%r" % (
        len(p["cmdline"]), p["cmdline"][-20:])
    assert proc_by_pid(tick, short.pid)["cmdline_truncated"] is False
    p = proc_by_pid(tick, exact.pid)
    assert p["cmdline_truncated"] is False and p["cmdline"] == head + exact_arg, len(p["cmdline"])
    rows = list(csv.DictReader(io.StringIO(runs["csv"][1])))
    flags = {int(r["pid"]): r["cmdline_truncated"] for r in rows}
    assert flags == {long.pid: "1", short.pid: "0", exact.pid: "0"}, flags
    assert list(rows[0])[-1] == "cmdline_truncated", list(rows[0])
    table = {line.split()[0]: line for line in runs["table"][1].splitlines()
             if line.split() and line.split()[0].isdigit()}
    assert table[str(long.pid)].endswith((head + long_arg)[32 * 1024 - 20:32 * 1024] + "..."), \
        table[str(long.pid)][-40:]
    assert table[str(short.pid)].endswith(" waiter short"), table[str(short.pid)]
    assert table[str(exact.pid)].endswith("zzz"), table[str(exact.pid)][-20:]


# A process that execs on a line from stdin: python3 running EXEC_BEFORE
# (argv[1] names the program to exec, the rest its argv), which says "ready
# PID" before and the new program says "ready PID" after.
BEFORE_MARK = "memtop-exec-before"
EXEC_BEFORE = ("import os, sys  # " + BEFORE_MARK + "\n"
               "print('ready', os.getpid(), flush=True)\n"
               "sys.stdin.readline()\n"
               "os.execv(sys.argv[1], sys.argv[2:])\n")
# What the same binary (python3) runs after an exec of itself.
EXEC_AFTER = ("import os, sys\n"
              "print('ready', os.getpid(), flush=True)\n"
              "sys.stdin.readline()\n")


def end_processes(*procs):
    """Kills and reaps each Popen given (None is skipped) and closes its pipes."""
    for p in procs:
        if p is None:
            continue
        p.kill()
        p.wait()
        for pipe in (p.stdin, p.stdout):
            if pipe:
                pipe.close()


def exec_case(memtop, args, tag, target, clock_scale=None):
    """Starts memtop -b (JSON, endless) with args, and the exec-er; once
    memtop lists it under its old name, makes it exec target (an argv) and
    returns (last record before, records after, wall time of the exec's
    "ready") from memtop's ticks over the next few seconds."""
    child = subprocess.Popen([sys.executable, "-c", EXEC_BEFORE] + target[:1] + target,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    env = dict(os.environ, **SAN_ENV)
    if clock_scale:
        env["MEMTOP_CLOCK_SCALE"] = clock_scale
    mt = None
    try:
        assert child.stdout.readline().split()[0] == b"ready"
        args = [a.replace("CHILD", str(child.pid)) for a in args]
        mt = subprocess.Popen([memtop, "-b", "-d", "0.2", "--format", "json"] + args,
                              stdout=subprocess.PIPE, env=env)
        before = None
        deadline = time.monotonic() + TIMEOUT
        while before is None or BEFORE_MARK not in before["cmdline"]:
            assert time.monotonic() < deadline, "memtop never listed the exec-er"
            before = proc_by_pid(json.loads(mt.stdout.readline()), child.pid) or before
        child.stdin.write(b"go\n")
        child.stdin.flush()
        assert child.stdout.readline().split()[0] == b"ready", "the exec failed"
        execd_at = time.time()
        after = []
        while len(after) < 15:
            tick = json.loads(mt.stdout.readline())
            rec = proc_by_pid(tick, child.pid)
            # A tick that began before the exec was known here counts only
            # if it already saw it.
            if rec and (tick["time"] > execd_at or BEFORE_MARK not in rec["cmdline"]):
                rec["tick_time"] = tick["time"]
                after.append(rec)
        return before, after, execd_at
    finally:
        end_processes(mt, child)


def test_exec_names_follow(memtop):
    """After exec a process's names follow (issue 15): at the next refresh for
    one named with -p (same binary: stat's code and stack addresses moved;
    another binary of the same code size) and for any process when the new
    program's code size differs (statm); and the new program starts with no
    delta (its memory is not growth of the old one's)."""
    tag = "exectest%d" % os.getpid()
    cases = (
        ("-p, python3 execs python3", ["-p", "CHILD"],
         [sys.executable, "-c", EXEC_AFTER, tag + "after"], "python3"),
        # dash's code is 19 pages, python3's (libpython is shared) 1: statm
        # shows the new program at once, with no extra read.
        ("all processes, python3 execs sh", [],
         ["/bin/sh", "-c", "echo ready $$; read x"], "sh"),
        ("-p, python3 execs hold", ["-p", "CHILD"],
         [os.path.join(ROOT, "build", "workloads", "hold"), "1", "0"], "hold"),
    )
    for what, args, target, comm in cases:
        before, after, execd_at = exec_case(memtop, args, tag, target)
        assert BEFORE_MARK in before["cmdline"], before["cmdline"]
        # The first tick that began after the exec shows the new program.
        first = [r for r in after if r["tick_time"] > execd_at][0]
        assert first["comm"] == comm and BEFORE_MARK not in first["cmdline"] and \
            first["cmdline"].startswith(target[0]) and first["cmdline"].endswith(target[-1]), \
            "%s: the first record after exec still says %r / %r" % (what, first["comm"], first["cmdline"][:80])
        # The first record with the new names (a tick may have begun before
        # the exec was known here and read the process after it) has no delta.
        changed = [r for r in after if BEFORE_MARK not in r["cmdline"]][0]
        assert changed["delta_rss_kb"] is None, \
            "%s: exec was taken for a change of %s KiB" % (what, changed["delta_rss_kb"])
        assert all(BEFORE_MARK not in r["cmdline"] for r in after), what


def test_exec_names_follow_within_the_bound(memtop):
    """A process that execs its own binary, not named with -p and not on any
    screen, has its names read again at its next detail read: within 90 s
    (the man page's bound) of sampler time. The sampler's clock runs 100
    times faster here (MEMTOP_CLOCK_SCALE), so 90 s is 0.9 s."""
    tag = "execbound%d" % os.getpid()
    before, after, _ = exec_case(memtop, [], tag, [sys.executable, "-c", EXEC_AFTER, tag + "after"],
                                 clock_scale="100")
    assert BEFORE_MARK in before["cmdline"]
    # 15 records at 0.2 s: 3 s real, 300 s of sampler time.
    late = [r for r in after if BEFORE_MARK in r["cmdline"]]
    assert len(late) < len(after), "names never followed the exec: %r" % after[-1]["cmdline"][:80]
    assert len(late) <= 5, "names followed only after %d refreshes (> 90 s of sampler time)" % len(late)
    assert after[-1]["cmdline"].endswith(tag + "after")


def memory_cgroup_dir(pid):
    """The directory of pid's memory cgroup, in the hierarchy memtop shows
    (v1 memory on a hybrid machine, else cgroup2), and its path there."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
    import cgroup
    layout = cgroup.detect_layout()
    with open("/proc/%d/cgroup" % pid) as f:
        lines = [line.rstrip("\n").split(":", 2) for line in f]
    v1 = [path for _, ctrl, path in lines if "memory" in ctrl.split(",")]
    if v1 and layout.v1_memory:
        mount, path = layout.v1_memory.mountpoint, v1[0]
    else:
        mount, path = layout.v2.mountpoint, [p for h, c, p in lines if h == "0"][0]
    return mount, path


def test_cgroup_and_user_follow(memtop):
    """A -p process moved to another memory cgroup, then switching to the
    user nobody, is shown with its new cgroup and user within a second (its
    detail read, which now reads the names again too)."""
    script = ("import os, sys\nprint('ready', os.getpid(), flush=True)\nsys.stdin.readline()\n"
              "os.setgid(65534); os.setuid(65534)\nprint('ready', flush=True)\nsys.stdin.readline()\n")
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
    mount, path = memory_cgroup_dir(child.pid)
    moved = "%s/memtop-test-follow-%d" % (path.rstrip("/"), os.getpid())
    os.mkdir(mount + moved)
    mt = None
    try:
        assert child.stdout.readline().startswith(b"ready")
        mt = subprocess.Popen([memtop, "-b", "-d", "0.2", "--format", "json", "-p", str(child.pid)],
                              stdout=subprocess.PIPE, env=dict(os.environ, **SAN_ENV))

        def follow(what, check):
            for n in range(8):             # 1.6 s at 0.2 s: the detail read is once a second
                rec = proc_by_pid(json.loads(mt.stdout.readline()), child.pid)
                if rec and check(rec):
                    return n
            raise AssertionError("%s not followed within 8 refreshes: %r" % (what, rec))

        follow("start", lambda r: r["cgroup"] == path and r["user"] == "root")
        with open(mount + moved + "/cgroup.procs", "w") as f:
            f.write(str(child.pid))
        follow("the cgroup move", lambda r: r["cgroup"] == moved)
        child.stdin.write(b"go\n")
        child.stdin.flush()
        assert child.stdout.readline().startswith(b"ready")
        follow("the user change", lambda r: r["user"] == "nobody")
    finally:
        end_processes(mt, child)
        for _ in range(50):
            try:
                os.rmdir(mount + moved)
                break
            except OSError:
                time.sleep(0.1)


def test_table(memtop):
    with Hold(8) as h:
        rc, out, err = run_memtop(memtop, ["-b", "-n", "1", "-p", str(h.pid)])
    assert rc == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("memtop - ")
    assert any(line.startswith("Mem: ") for line in lines)
    head = [line for line in lines if line.split()[:2] == ["PID", "USER"]]
    assert len(head) == 1
    rows = [line for line in lines if line.split() and line.split()[0] == str(h.pid)]
    assert len(rows) == 1 and "hold" in rows[0]


def test_listed_pid_exits(memtop):
    """A listed process that exits disappears from later ticks; memtop goes on."""
    env = dict(os.environ, **SAN_ENV)
    a, b = Hold(1), Hold(1)
    try:
        m = subprocess.Popen([memtop, "-b", "-d", "0.2", "-n", "4", "--format", "json",
                              "-p", "%d,%d" % (a.pid, b.pid)], stdout=subprocess.PIPE, env=env)
        first = json.loads(m.stdout.readline())
        a.stop()                                  # waits until it has exited
        rest = [json.loads(line) for line in m.stdout]
        rc = m.wait(TIMEOUT)
        m.stdout.close()
    finally:
        a.stop()
        b.stop()
    assert rc == 0
    assert sorted(p["pid"] for p in first["processes"]) == sorted([a.pid, b.pid])
    assert len(rest) == 3
    assert [p["pid"] for p in rest[-1]["processes"]] == [b.pid]


def test_no_such_pid(memtop):
    rc, out, err = run_memtop(memtop, ["-b", "-n", "1", "-p", "2147483646"])
    assert rc == 1, "exit %d" % rc
    assert "none of the given processes exists" in err
    assert out == ""


def test_psi_missing(memtop):
    rc, out, err = run_memtop(memtop, ["-b", "-n", "1", "--format", "json", "-p", "1"],
                              env={"MEMTOP_PSI_PATH": "/nonexistent/pressure"})
    assert rc == 0, err
    assert json_ticks(out)[0]["psi"] is None
    rc, out, err = run_memtop(memtop, ["-b", "-n", "1", "-p", "1"],
                              env={"MEMTOP_PSI_PATH": "/nonexistent/pressure"})
    assert "PSI n/a" in out


def test_psi_present(memtop):
    if not os.path.exists("/proc/pressure/memory"):
        raise AssertionError("this machine has no /proc/pressure/memory; the test needs PSI")
    rc, out, err = run_memtop(memtop, ["-b", "-n", "1", "--format", "json", "-p", "1"])
    psi = json_ticks(out)[0]["psi"]
    for line in ("some", "full"):
        for key in ("avg10", "avg60", "avg300"):
            assert isinstance(psi[line][key], float)
        assert isinstance(psi[line]["total_us"], int)


def test_sigterm_ends_cleanly(memtop):
    env = dict(os.environ, **SAN_ENV)
    m = subprocess.Popen([memtop, "-b", "-d", "0.2", "--format", "json"],
                         stdout=subprocess.PIPE, env=env)
    json.loads(m.stdout.readline())
    m.send_signal(signal.SIGTERM)
    rest = m.stdout.read().decode()
    rc = m.wait(TIMEOUT)
    m.stdout.close()
    assert rc == 0, "exit %d after SIGTERM" % rc
    for line in rest.splitlines():
        json.loads(line)


def test_interval_fraction(memtop):
    rc, out, err = run_memtop(memtop, ["-b", "-n", "3", "-d", "0.1", "--format", "json", "-p", "1"])
    ticks = json_ticks(out)
    assert len(ticks) == 3
    assert ticks[0]["elapsed"] is None
    for t in ticks[1:]:
        assert 0.05 < t["elapsed"] < 1.0, t["elapsed"]
        assert t["interval"] == 0.1


BAD_ARGS = [
    (["-d", "abc"], "invalid interval 'abc'"),
    (["-d", "0"], "interval 0 out of range"),
    (["-d", "0.05"], "out of range"),
    (["-d", "nan"], "invalid interval"),
    (["-n", "-1"], "invalid count '-1'"),
    (["-n", "0"], "invalid count '0'"),
    (["-p", "x"], "invalid PID 'x'"),
    (["-p", "1,,2"], "invalid PID ''"),
    (["--format", "xml"], "unknown format 'xml'"),
    (["-x"], "unknown option '-x'"),
    (["--bogus"], "unknown option '--bogus'"),
    (["-d"], "needs a value"),
    (["stray"], "unexpected argument 'stray'"),
    (["-s", "bogus"], "unknown sort key 'bogus'"),
]


def test_bad_arguments(memtop):
    for args, message in BAD_ARGS:
        rc, out, err = run_memtop(memtop, ["-b"] + args)
        assert rc == 2, "%r: exit %d, want 2" % (args, rc)
        lines = err.splitlines()
        assert lines[0].startswith("memtop: ") and message in lines[0], \
            "%r: first stderr line %r lacks %r" % (args, lines[0], message)
        assert any(line.startswith("Usage: memtop") for line in lines), "%r: no usage" % (args,)
        assert out == ""


def test_help_and_version(memtop):
    for flag in ("-h", "--help"):
        rc, out, err = run_memtop(memtop, [flag])
        assert rc == 0 and out.startswith("Usage: memtop") and err == ""
    for flag in ("-V", "--version"):
        rc, out, err = run_memtop(memtop, [flag])
        assert rc == 0 and out.startswith("memtop ") and err == ""


def test_no_batch_flag(memtop):
    rc, out, err = run_memtop(memtop, [])
    assert rc == 2 and "use -b" in err


# --- write errors on stdout -------------------------------------------------

FORMATS = ("table", "json", "csv")
ENOSPC_LINE = "memtop: write error: No space left on device"
EBADF_LINE = "memtop: write error: Bad file descriptor"
ENDLESS = 10      # seconds: only detects a run that never ends, not a speed check


def run_memtop_into(binary, args, stdout):
    """Runs memtop with stdout going to `stdout` (a file, or None for a closed
    descriptor: `exec memtop ... >&-`); returns (exit code, stderr lines).
    A run that is still going after ENDLESS seconds fails the test."""
    env = dict(os.environ, LC_ALL="C.UTF-8", **SAN_ENV)     # strerror in English
    if stdout is None:
        cmd, out = ["sh", "-c", 'exec "$0" "$@" >&-', binary] + args, subprocess.DEVNULL
    else:
        cmd, out = [binary] + args, stdout
    try:
        p = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, timeout=ENDLESS, env=env)
    except subprocess.TimeoutExpired:
        raise AssertionError("%r: still running after %d s" % (args, ENDLESS))
    return p.returncode, p.stderr.decode("utf-8", "replace").splitlines()


def check_write_error(binary, args, stdout, line):
    rc, err = run_memtop_into(binary, args, stdout)
    assert rc == 1, "%r: exit %d, want 1; stderr %r" % (args, rc, err)
    assert err == [line], "%r: stderr %r, want exactly %r" % (args, err, line)


def test_write_error_full_disk(memtop):
    """Batch output to /dev/full: one line naming ENOSPC and exit 1. With -p
    a sample fits in stdio's buffer (it fails at the flush); the whole
    machine's does not (it fails while being written). An endless run at
    -d 30 ends at its first sample, not at the second or never."""
    with open("/dev/full", "w") as full:
        for fmt in FORMATS:
            for pids in ([], ["-p", str(os.getpid())]):
                check_write_error(memtop, ["-b", "-n", "2", "-d", "0.1", "--format", fmt] + pids,
                                  full, ENOSPC_LINE)
        check_write_error(memtop, ["-b", "-d", "30", "--format", "json"], full, ENOSPC_LINE)


def test_write_error_stdout_closed(memtop):
    """Batch output with stdout closed (>&-): one line naming EBADF, exit 1;
    nothing written and nothing to say is still quiet."""
    for fmt in FORMATS:
        check_write_error(memtop, ["-b", "-n", "2", "-d", "0.1", "--format", fmt], None, EBADF_LINE)
    check_write_error(memtop, ["-b", "-d", "30"], None, EBADF_LINE)
    check_write_error(memtop, ["--help"], None, EBADF_LINE)
    rc, err = run_memtop_into(memtop, ["-b", "-n", "1", "-p", "2147483646"], None)
    assert rc == 1 and err == ["memtop: none of the given processes exists"], (rc, err)


def test_write_error_smaps_help_version_themes(memtop):
    """--smaps in each format, --help, --version and --list-themes to
    /dev/full: one line naming ENOSPC, exit 1."""
    with open("/dev/full", "w") as full:
        for fmt in FORMATS:
            check_write_error(memtop, ["--smaps", str(os.getpid()), "--format", fmt], full,
                              ENOSPC_LINE)
        for args in (["--help"], ["--version"], ["--list-themes"]):
            check_write_error(memtop, args, full, ENOSPC_LINE)


def test_write_error_reader_gone(memtop):
    """`memtop -b | head -1`, endless: the reader takes one line and leaves.
    With SIGPIPE ignored (trap '' PIPE, as under many supervisors) memtop ends
    with status 1 and no message (EXIT STATUS in memtop.1) instead of writing
    into the broken pipe forever; with SIGPIPE at its default, SIGPIPE kills it."""
    env = dict(os.environ, LC_ALL="C.UTF-8", **SAN_ENV)
    for trap, fmt in [("trap '' PIPE; ", f) for f in FORMATS] + [("", "json")]:
        m = subprocess.Popen(["sh", "-c", trap + 'exec "$0" -b -d 0.1 --format ' + fmt, memtop],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        m.stdout.readline()
        m.stdout.close()
        try:
            rc = m.wait(ENDLESS)
        except subprocess.TimeoutExpired:
            m.kill()
            m.wait()
            raise AssertionError("%r: still running %d s after its reader left" % (trap + fmt, ENDLESS))
        finally:
            err = m.stderr.read().decode("utf-8", "replace")
            m.stderr.close()
        want = 1 if trap else -signal.SIGPIPE
        assert rc == want, "%r: exit %d, want %d; stderr %r" % (trap + fmt, rc, want, err)
        assert err == "", "%r: stderr %r" % (trap + fmt, err)


# --- memtop --smaps PID ------------------------------------------------------

SMAPS_SIZES = ("size_kb", "rss_kb", "pss_kb", "private_dirty_kb", "anonymous_kb", "swap_kb")
SMAPS_CSV_HEADER = ["start", "end", "perms", "count"] + list(SMAPS_SIZES) + ["name"]
MAPPER_FILE_MIB, MAPPER_ANON_MIB = 16, 32
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def smaps_json(memtop, pid, *extra):
    """memtop --smaps PID --format json [extra]: the one object it prints."""
    rc, out, err = run_memtop(memtop, ["--smaps", str(pid), "--format", "json"] + list(extra))
    assert rc == 0, "--smaps %d: exit %d: %s" % (pid, rc, err)
    lines = out.splitlines()
    assert len(lines) == 1, "want one JSON object on one line, got %d lines" % len(lines)
    dump = json.loads(lines[0])
    for key in ("pid", "comm", "mappings", "totals", "rollup"):
        assert key in dump, "missing %s" % key
    assert dump["pid"] == pid
    return dump


def maps_starts(pid):
    """Start addresses of pid's mappings, from the kernel's /proc/PID/maps."""
    with open("/proc/%d/maps" % pid) as f:
        return [line.split("-", 1)[0] for line in f]


def test_smaps_json_mapper(memtop):
    """A mapped file and an anonymous region of known sizes, by address; totals
    are the sum of the rows and agree with smaps_rollup."""
    with Mapper(MAPPER_FILE_MIB, MAPPER_ANON_MIB) as m:
        dump = smaps_json(memtop, m.pid)
        kernel = maps_starts(m.pid)
    assert dump["comm"] == "mapper" and dump["grouped"] is False
    maps = dump["mappings"]
    assert [x["start"] for x in maps] == kernel, "mappings differ from /proc/PID/maps"
    for x in maps:
        for key in SMAPS_SIZES:
            assert isinstance(x[key], int) and x[key] >= 0, "%s: %r" % (key, x)
        assert x["count"] == 1
        assert x["size_kb"] * 1024 == int(x["end"], 16) - int(x["start"], 16), x
        assert re.fullmatch(r"[r-][w-][x-][ps]", x["perms"]), x
    by_start = {x["start"]: x for x in maps}
    f = by_start.get(m.file_addr)
    assert f is not None, "no mapping at the file's address %s" % m.file_addr
    assert re.fullmatch(r"/tmp/memtop-mapper-\w{6}", m.file_path), m.file_path
    assert f["name"] == m.file_path and f["perms"] == "r--s", f
    assert f["size_kb"] == MAPPER_FILE_MIB * 1024, f
    assert within(f["rss_kb"], MAPPER_FILE_MIB * 1024), "file rss_kb: %r" % f
    assert f["anonymous_kb"] == 0, f
    a = by_start.get(m.anon_addr)
    assert a is not None, "no mapping at the anonymous region's address %s" % m.anon_addr
    assert a["name"] == "[anon]" and a["perms"] == "rw-p", a
    assert a["size_kb"] == MAPPER_ANON_MIB * 1024, a
    for key in ("rss_kb", "anonymous_kb", "private_dirty_kb"):
        assert within(a[key], MAPPER_ANON_MIB * 1024), "anonymous region %s: %r" % (key, a)
    totals, rollup = dump["totals"], dump["rollup"]
    for key in SMAPS_SIZES:
        assert totals[key] == sum(x[key] for x in maps), "totals %s is not the sum" % key
    assert rollup is not None, "no smaps_rollup for a live process"
    for key in ("rss_kb", "private_dirty_kb", "anonymous_kb", "swap_kb"):
        assert totals[key] == rollup[key], "totals %s %d != rollup %d" % (key, totals[key], rollup[key])
    # The rollup sums exact PSS, the rows rounded ones: under 1 KiB a mapping.
    assert abs(totals["pss_kb"] - rollup["pss_kb"]) <= len(maps), (totals, rollup)
    assert totals["rss_kb"] >= (MAPPER_FILE_MIB + MAPPER_ANON_MIB) * 1024 * 0.95


def test_smaps_group(memtop):
    """--group: one row per name, whose counts and sizes add up to the rows merged."""
    with Mapper(4, 8) as m:
        flat = smaps_json(memtop, m.pid)
        grouped = smaps_json(memtop, m.pid, "--group")
    assert grouped["grouped"] is True
    names = [g["name"] for g in grouped["mappings"]]
    assert len(names) == len(set(names)), "a name twice: %r" % names
    want = {}
    for x in flat["mappings"]:
        want.setdefault(x["name"], []).append(x)
    assert sorted(names) == sorted(want), "grouped names %r, want %r" % (names, sorted(want))
    assert len(names) < len(flat["mappings"]), "nothing was grouped"
    for g in grouped["mappings"]:
        members = want[g["name"]]
        assert g["count"] == len(members), "%s: count %d, want %d" % (g["name"], g["count"], len(members))
        assert g["start"] == min(members, key=lambda x: int(x["start"], 16))["start"], g
        # PSS of shared libraries moves as other processes come and go.
        for key in ("size_kb", "rss_kb", "private_dirty_kb", "anonymous_kb", "swap_kb"):
            assert g[key] == sum(x[key] for x in members), "%s %s: %d" % (g["name"], key, g[key])
    assert sum(g["count"] for g in grouped["mappings"]) == len(flat["mappings"])
    anon = [g for g in grouped["mappings"] if g["name"] == "[anon]"][0]
    assert anon["count"] >= 2 and within(anon["anonymous_kb"], 8 * 1024, 0.1), anon
    files = [g for g in grouped["mappings"] if g["name"] == m.file_path]
    assert len(files) == 1 and files[0]["count"] == 1, files
    for key in ("size_kb", "rss_kb", "private_dirty_kb", "anonymous_kb", "swap_kb"):
        assert grouped["totals"][key] == flat["totals"][key], key


def test_smaps_csv(memtop):
    with Mapper(4, 8) as m:
        rc, out, err = run_memtop(memtop, ["--smaps", str(m.pid), "--format", "csv"])
        kernel = maps_starts(m.pid)
    assert rc == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == SMAPS_CSV_HEADER, "header %r" % rows[0]
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    for r, raw in zip(body, rows[1:]):
        assert len(raw) == len(SMAPS_CSV_HEADER), "row with %d fields: %r" % (len(raw), raw)
        for key in SMAPS_SIZES + ("count",):
            assert r[key].isdigit(), "%s: %r" % (key, r)
    assert [r["start"] for r in body] == kernel
    anon = [r for r in body if r["start"] == m.anon_addr]
    assert len(anon) == 1 and anon[0]["name"] == "[anon]" and within(int(anon[0]["rss_kb"]), 8192)
    assert [r["name"] for r in body if r["start"] == m.file_addr] == [m.file_path]


def test_smaps_table(memtop):
    """The table: a title with the count, one row per mapping, a total line
    that sums the rows and the kernel's rollup below it."""
    with Mapper(4, 8) as m:
        rc, out, err = run_memtop(memtop, ["--smaps", str(m.pid)])
        kernel = maps_starts(m.pid)
    assert rc == 0, err
    lines = out.splitlines()
    assert lines[0] == "memtop --smaps %d (mapper): %d mappings, sizes in KiB" % (
        m.pid, len(kernel)), lines[0]
    assert lines[1].split() == ["ADDRESS", "PERM", "SIZE", "RSS", "PSS", "DIRTY", "ANON", "SWAP",
                                "NAME"], lines[1]
    rows = [line.split(None, 8) for line in lines[2:2 + len(kernel)]]
    assert [r[0].split("-")[0] for r in rows] == ["%016x" % int(k, 16) for k in kernel], out
    anon = [r for r in rows if int(r[0].split("-")[0], 16) == int(m.anon_addr, 16)]
    assert len(anon) == 1 and anon[0][1] == "rw-p" and anon[0][8] == "[anon]", anon
    assert within(int(anon[0][3]), 8192), anon
    total = [line.split() for line in lines if line.split()[:1] == ["total"]]
    assert len(total) == 1, "want one total line:\n%s" % out
    assert [int(v) for v in total[0][1:]] == [sum(int(r[i]) for r in rows) for i in range(2, 8)], \
        "the total line is not the sum of the rows:\n%s" % out
    rollup = [line.split() for line in lines if line.split()[:1] == ["smaps_rollup"]]
    assert len(rollup) == 1 and rollup[0][1] == "-", out
    assert rollup[0][2] == total[0][2], "RSS: total %s, rollup %s" % (total[0][2], rollup[0][2])
    assert len(lines) == len(kernel) + 4, "extra lines:\n%s" % out


def test_smaps_errors(memtop):
    rc, out, err = run_memtop(memtop, ["--smaps", "2147483646"])
    assert rc == 1 and out == "", "exit %d" % rc
    assert err.splitlines() == ["memtop: --smaps 2147483646: no such process"], err
    for args, message in ((["--smaps", "x"], "invalid PID 'x' for --smaps"),
                          (["--smaps", "0"], "invalid PID '0' for --smaps"),
                          (["--smaps"], "needs a value"),
                          (["--group"], "--group goes with --smaps"),
                          (["--group", "--format", "json"], "--group goes with --smaps")):
        rc, out, err = run_memtop(memtop, args)
        assert rc == 2 and out == "", "%r: exit %d" % (args, rc)
        assert err.splitlines()[0].startswith("memtop: ") and message in err.splitlines()[0], \
            "%r: %r" % (args, err)
        assert "Usage: memtop" in err


def test_smaps_permission_denied(memtop):
    """Another user's process: exit 1 and say why. As root: memtop as nobody
    against a root-owned mapper; otherwise pid 1, which is root's."""
    if os.geteuid() == 0:
        with Mapper(1, 1) as m:
            p = subprocess.run(NOBODY + [memtop, "--smaps", str(m.pid), "--format", "json"],
                               capture_output=True, timeout=TIMEOUT,
                               env=dict(os.environ, **SAN_ENV))
            pid = m.pid
        rc, out, err = p.returncode, p.stdout.decode(), p.stderr.decode()
    else:
        pid = 1
        rc, out, err = run_memtop(memtop, ["--smaps", "1", "--format", "json"])
    assert rc == 1 and out == "", "exit %d, stdout %r" % (rc, out)
    assert err.splitlines() == [
        "memtop: --smaps %d: permission denied: run as root or as the process owner" % pid], err


def test_smaps_kernel_thread_and_zombie(memtop):
    """No address space: exit 0, no mappings, zero totals and no rollup."""
    targets = []
    with open("/proc/2/comm") as f:
        if f.read().strip() == "kthreadd":
            targets.append((2, "kthreadd"))
    zombie = subprocess.Popen(["true"])
    try:
        deadline = time.monotonic() + TIMEOUT
        while open("/proc/%d/stat" % zombie.pid).read().rsplit(") ", 1)[1][0] != "Z":
            assert time.monotonic() < deadline, "the child never became a zombie"
            time.sleep(0.01)
        targets.append((zombie.pid, "true"))
        for pid, comm in targets:
            for extra in ((), ("--group",)):
                dump = smaps_json(memtop, pid, *extra)
                assert dump["comm"] == comm, dump
                assert dump["mappings"] == [] and dump["rollup"] is None, dump
                assert all(v == 0 for v in dump["totals"].values()), dump
            rc, out, err = run_memtop(memtop, ["--smaps", str(pid)])
            assert rc == 0 and out.startswith("memtop --smaps %d (%s): 0 mappings" % (pid, comm)), out
    finally:
        zombie.wait()


# Short, fast shapes so the run takes about a minute: the detector's fast
# tier flags a steady leak in ~36 s; a sawtooth of 4 s sits inside its 6 s
# envelope. The long shapes and rates are measured by `make bench`.
LEAK_SHAPES = [
    ("linear", "--rate", "1024"),
    ("linear", "--rate", "512", "--via", "heap"),
    ("bursty", "--amp", "2048", "--period", "4"),
    ("sawleak", "--rate", "512", "--amp", "16384", "--period", "4"),
]
CLEAN_SHAPES = [
    ("warmup", "--rate", "4096", "--period", "10"),
    ("sawtooth", "--amp", "30720", "--period", "4"),
    ("hold_free", "--amp", "51200", "--period", "10"),
    ("spike", "--amp", "102400", "--period", "30"),
    ("filegrow", "--rate", "1024"),
    ("flat",),
]


def test_leak_shapes_live(memtop):
    """Real processes beside memtop: every leak shape flagged, no other at the end."""
    if memtop != BINARIES[0]:
        return                            # a minute of real time: one binary is enough
    env = dict(os.environ, **SAN_ENV)
    leaks = [Leaker(*a) for a in LEAK_SHAPES]
    clean = [Leaker(*a) for a in CLEAN_SHAPES]
    try:
        everyone = ",".join(str(w.pid) for w in leaks + clean)
        ticks = 140                       # 70 s at 0.5 s
        json_run = subprocess.Popen([memtop, "-b", "-d", "0.5", "-n", str(ticks), "--format", "json",
                                     "-p", everyone], stdout=subprocess.PIPE, env=env)
        gate_leak = subprocess.Popen([memtop, "-b", "-d", "0.5", "-n", str(ticks), "--format", "csv",
                                      "--fail-on-leak", "-p", str(leaks[0].pid)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        gate_clean = subprocess.Popen([memtop, "-b", "-d", "0.5", "-n", str(ticks), "--format", "csv",
                                       "--fail-on-leak", "-p", str(clean[0].pid)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        out, _ = json_run.communicate(timeout=ticks)
        _, leak_err = gate_leak.communicate(timeout=TIMEOUT)
        _, clean_err = gate_clean.communicate(timeout=TIMEOUT)
    finally:
        for w in leaks + clean:
            w.stop()
    assert json_run.returncode == 0
    last = json_ticks(out.decode())[-1]
    for w in leaks:
        p = proc_by_pid(last, w.pid)
        assert p is not None, "%r vanished" % (w.args,)
        assert p["leak"]["suspected"], "leak %r not flagged: %r" % (w.args, p["leak"])
        assert p["leak"]["score"] >= 0.5 and p["leak"]["since_s"] > 0
        assert p["growth_kb_per_min"] > 0
        # Time until it alone fills MemAvailable: available / rate.
        eta = p["exhaustion_eta_s"]
        want = last["memory"]["available_kb"] / (p["growth_kb_per_min"] / 60.0)
        assert eta is not None and abs(eta - want) <= 0.02 * want + 1, (eta, want)
    for w in clean:
        p = proc_by_pid(last, w.pid)
        assert p is not None, "%r vanished" % (w.args,)
        assert not p["leak"]["suspected"], "non-leak %r flagged: %r" % (w.args, p["leak"])
        assert p["exhaustion_eta_s"] is None
    assert gate_leak.returncode == 3, "--fail-on-leak on a leak: exit %d" % gate_leak.returncode
    assert ("pid %d " % leaks[0].pid) in leak_err.decode(), leak_err
    assert "leak suspected" in leak_err.decode()
    assert gate_clean.returncode == 0, "--fail-on-leak on a warm-up: exit %d: %s" % (
        gate_clean.returncode, clean_err.decode())


def test_cgroup_pressure(memtop):
    """A process thrashing in a cgroup with a 32 MiB limit: memtop --smaps
    reports that cgroup's own memory pressure (non-zero) and its limit."""
    if memtop != BINARIES[0]:
        return                            # needs root and cgroups: one binary is enough
    import cgroup                         # tests/common/cgroup.py; raises CgroupError here
    with cgroup.PressureCgroup(32) as cg:
        deadline = time.monotonic() + TIMEOUT
        while cg.pressure()["some"]["total"] == 0:
            assert time.monotonic() < deadline, "no pressure in the test cgroup"
            time.sleep(0.1)
        rc, out, err = run_memtop(memtop, ["--smaps", str(cg.pid), "--format", "json"])
        assert rc == 0, err
        got = json.loads(out)["cgroup"]
    assert got["v2_path"] == cg.v2_rel, (got["v2_path"], cg.v2_rel)
    assert got["pressure"]["some"]["total_us"] > 0, got["pressure"]
    assert got["pressure"]["full"]["total_us"] <= got["pressure"]["some"]["total_us"]
    # The usage may pass the limit by a little: charges the kernel must
    # not fail (kernel memory, page tables) are forced past it (seen here:
    # 128 KiB over, on v1, once in a check).
    slack_kb = 512
    if cg.layout.memory_on_v2:
        assert got["max_kb"] == 32 * 1024, got
        assert 0 < got["current_kb"] <= 32 * 1024 + slack_kb, got
    else:
        assert got["v1_memory_path"] == cg.v1_rel, (got["v1_memory_path"], cg.v1_rel)
        assert got["v1_limit_kb"] == 32 * 1024, got
        assert 0 < got["v1_usage_kb"] <= 32 * 1024 + slack_kb, got


def write_rc(text):
    """Writes memtoprc under the suite's XDG_CONFIG_HOME; returns its path."""
    path = os.path.join(os.environ["XDG_CONFIG_HOME"], "memtop", "memtoprc")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def test_rc_file_under_the_command_line(memtop):
    """memtoprc sets batch mode's interval; -d wins over it; a bad line is
    reported once as FILE:LINE and the rest still applies."""
    path = write_rc("interval = 0.2\nbogus = 1\nleak_sensitivity = extreme\n")
    try:
        for args, want in (([], 0.2), (["-d", "0.3"], 0.3)):
            code, out, err = run_memtop(memtop, ["-b", "-n", "2", "--format", "json"] + args)
            assert code == 0, err
            assert [t["interval"] for t in json_ticks(out)] == [want, want], out[:200]
            for msg in ("memtop: %s:2: unknown setting 'bogus'" % path,
                        "memtop: %s:3: leak_sensitivity is low, normal or high" % path):
                assert err.count(msg) == 1, "want %r once on stderr, got %r" % (msg, err)
    finally:
        os.unlink(path)


# What make install puts under PREFIX besides the themes: the source file of each.
INSTALLED = {
    "bin/memtop": "memtop",
    "share/man/man1/memtop.1": "man/memtop.1",
    "share/man/man5/memtoprc.5": "man/memtoprc.5",
    "share/man/man5/memtop-themes.5": "man/memtop-themes.5",
    "share/bash-completion/completions/memtop": "contrib/completions/memtop.bash",
    "share/zsh/site-functions/_memtop": "contrib/completions/_memtop",
}


# The recorder's systemd unit: generated from its template at install time.
UNIT = "lib/systemd/system/memtop-record.service"
UNIT_TEMPLATE = "contrib/systemd/memtop-record.service.in"


def test_install_finds_its_themes(memtop):
    """make install DESTDIR=... PREFIX=/usr installs the binary, the man pages,
    the themes, the bash and zsh completions and the recorder's systemd unit
    (its template with @BINDIR@ replaced: ExecStart= runs /usr/bin/memtop),
    enabling nothing; the installed binary finds its themes there (from its
    own location, not the source tree); make uninstall then removes every
    file it installed."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix="memtop-install-") as dest:
        p = subprocess.run(["make", "--no-print-directory", "-C", ROOT, "install",
                            "DESTDIR=" + dest, "PREFIX=/usr"], capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
        binary = os.path.join(dest, "usr/bin/memtop")
        themes = os.path.join(dest, "usr/share/memtop/themes")
        assert os.access(binary, os.X_OK), "no installed binary"
        for path, source in INSTALLED.items():
            where = os.path.join(dest, "usr", path)
            assert os.path.isfile(where), "make install did not install %s" % path
            with open(where, "rb") as a, open(os.path.join(ROOT, source), "rb") as b:
                assert a.read() == b.read(), "%s is not a copy of %s" % (path, source)
        with open(os.path.join(dest, "usr", UNIT)) as a, open(os.path.join(ROOT, UNIT_TEMPLATE)) as b:
            unit, template = a.read(), b.read()
        assert "@BINDIR@" in template and "@BINDIR@" not in unit, "@BINDIR@ not substituted"
        assert unit == template.replace("@BINDIR@", "/usr/bin"), \
            "%s is not %s with @BINDIR@ replaced" % (UNIT, UNIT_TEMPLATE)
        assert re.search(r"^ExecStart=/usr/bin/memtop -w /var/log/memtop/", unit, re.M), unit
        assert sorted(os.listdir(dest)) == ["usr"], \
            "make install wrote outside PREFIX (enabled the unit?): %s" % os.listdir(dest)
        shipped = sorted(f for f in os.listdir(os.path.join(ROOT, "themes")) if f.endswith(".theme"))
        assert sorted(f for f in os.listdir(themes) if f.endswith(".theme")) == shipped
        out = subprocess.run([binary, "--list-themes"], capture_output=True, text=True, cwd="/",
                             check=True).stdout
        found = dict(line.split(None, 1) for line in out.splitlines())
        assert sorted(found) == sorted(f[:-6] for f in shipped), out
        for name, where in found.items():
            assert where.strip() == os.path.join(themes, name + ".theme"), \
                "%s found at %r, not in the installed tree" % (name, where)
        p = subprocess.run(["make", "--no-print-directory", "-C", ROOT, "uninstall",
                            "DESTDIR=" + dest, "PREFIX=/usr"], capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
        left = [os.path.relpath(os.path.join(d, f), dest)
                for d, _, files in os.walk(dest) for f in files]
        assert not left, "make uninstall left %s" % left


def count_allocations(samples):
    """(heap calls, processes) of the release build run for `samples` samples
    at -d 0.1 under build/malloccount.so (tests/common/malloccount.c)."""
    import tempfile
    with tempfile.NamedTemporaryFile("r", prefix="malloccount-") as out:
        env = dict(os.environ, LD_PRELOAD=os.path.join(ROOT, "build/malloccount.so"),
                   MALLOCCOUNT_OUT=out.name)
        p = subprocess.run([os.path.join(ROOT, "memtop"), "-b", "-d", "0.1", "-n", str(samples),
                            "--format", "json"], capture_output=True, env=env, timeout=TIMEOUT)
        assert p.returncode == 0, p.stderr
        m = re.match(r"malloccount: allocs (\d+) frees (\d+)", out.read())
        assert m, "no malloccount report"
        return int(m.group(1)), len(json_ticks(p.stdout.decode())[-1]["processes"])


def release_build_only(test):
    """Marks a test that measures the release build whatever binary it is
    given: it runs once, not once per binary."""
    test.release_only = True
    return test


@release_build_only
def test_steady_state_allocates_nothing_per_process(memtop):
    """Once its tables have grown, a sample allocates nothing per process:
    30 more samples cost at most a few heap calls a sample (new processes
    on the machine, libproc2's results for the few due ones), far below one
    per process. Measured on the release build whatever the memtop argument:
    the sanitizer build has its own allocator, which LD_PRELOAD cannot
    replace."""
    few, nprocs = count_allocations(5)
    many, _ = count_allocations(35)
    per_sample = (many - few) / 30
    assert per_sample <= 10 + 0.05 * nprocs, \
        "%.1f heap calls a sample with %d processes" % (per_sample, nprocs)


@release_build_only
def test_valgrind_no_leaks_no_errors(memtop):
    """valgrind --leak-check=full on 20 samples of the whole machine (the
    release build whatever the memtop argument: the sanitizer build cannot
    run under valgrind): no leak, no invalid access, exit 0."""
    p = subprocess.run(["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite,possible",
                        "--error-exitcode=1", os.path.join(ROOT, "memtop"), "-b", "-n", "20",
                        "-d", "0.1", "--format", "json"], capture_output=True, timeout=600)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 0, "valgrind exit %d:\n%s" % (p.returncode, err[-3000:])
    assert "ERROR SUMMARY: 0 errors" in err, err[-3000:]
    assert len(json_ticks(p.stdout.decode())) == 20


TESTS = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
BINARIES = []


def main():
    import tempfile
    # An empty settings folder of the suite's own: a user's memtoprc must not
    # change what the tests see.
    config_home = tempfile.TemporaryDirectory(prefix="memtop-integration-config-")
    os.chmod(config_home.name, 0o755)     # tests that run memtop as nobody read it too
    os.environ["XDG_CONFIG_HOME"] = config_home.name
    default = " ".join(os.path.join(ROOT, p) for p in ("build/asan/memtop", "memtop"))
    binaries = os.environ.get("MEMTOP_BINS", default).split()
    BINARIES.extend(binaries)
    passed = failed = 0
    only = sys.argv[1:]                   # test names to run; default all
    for binary in binaries:
        for test in TESTS:
            if only and test.__name__ not in only:
                continue
            if getattr(test, "release_only", False) and binary != binaries[-1]:
                continue
            name = "%s [%s]" % (test.__name__, os.path.relpath(binary, ROOT))
            start = time.monotonic()
            try:
                test(binary)
            except Exception:
                failed += 1
                print("FAIL %s" % name)
                traceback.print_exc()
            else:
                passed += 1
                print("ok   %s (%.1f s)" % (name, time.monotonic() - start))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
