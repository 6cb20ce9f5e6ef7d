#!/usr/bin/env python3
"""Integration tests of the kernel log reader (issue 21): a real OOM kill,
read by the live sampler (build/tools/kmsgdump: a sampler with
source_config.oom_log, printing the kills of each tick as JSON lines).

- test_live_kill: kmsgdump runs; a process named "oom v,(1)" (a comm with a
  space, a comma and parentheses) in a fresh memory cgroup limited to
  96 MiB (memory and swap) touches memory until the kernel kills it; within
  seconds kmsgdump hands up that kill, read after it started (since_start),
  with the victim's pid and comm, the cgroup as oom_memcg and task_memcg,
  the limit, anon-rss, the victim in the task table, and times that match
  when the victim died on both clocks;
- test_backlog: a kmsgdump started afterwards finds the same kill in the
  backlog (since_start false, the same sequence number);
- test_not_root: as nobody the log is refused (-EPERM or -EACCES), said at
  every tick, and no kill is handed up.

Takes a few seconds. Needs root and a memory controller (v1 or v2); the
cgroup is removed afterwards, also on failure. Other OOM kills in the log
(other tests') are told apart by pid. Prints "N passed, N failed" last.

    python3 tests/integration/oomread.py [TEST_NAME...]     (as root)
"""
import json
import os
import pwd
import select
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from oomcg import LIMIT, OomCgroup  # noqa: E402
from suite import finish, require, run_tests  # noqa: E402

KMSGDUMP = os.path.join(ROOT, "build", "tools", "kmsgdump")
COMM = "oom v,(1)"
# Names itself (prctl PR_SET_NAME), says ready, waits for a line, then
# touches 1 MiB blocks until it is killed.
VICTIM = r"""
import ctypes, sys
ctypes.CDLL(None).prctl(15, %r, 0, 0, 0)
sys.stdout.write("ready\n"); sys.stdout.flush()
sys.stdin.readline()
blocks = []
while True:
    blocks.append(b"x" * (1 << 20))
""" % COMM.encode()

# What test_live_kill saw, for test_backlog.
seen = {}


def read_lines(proc, until, timeout):
    """JSON lines of proc's stdout until until(obj) is true or timeout
    seconds pass; returns the matching object or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            break
        line = proc.stdout.readline()
        if not line:
            break
        obj = json.loads(line)
        if until(obj):
            return obj
    return None


def test_live_kill():
    dump = subprocess.Popen([KMSGDUMP, "30"], stdout=subprocess.PIPE, text=True)
    victim = None
    try:
        first = read_lines(dump, lambda o: "tick" in o, 10)
        assert first and first["oom_log_err"] == 0, "kmsgdump's first tick: %r" % first
        cg = OomCgroup()
        try:
            victim = subprocess.Popen([sys.executable, "-c", VICTIM], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
            assert victim.stdout.readline() == "ready\n"
            cg.add(victim.pid)
            with open("/proc/%d/comm" % victim.pid) as f:
                assert f.read() == COMM + "\n"
            victim.stdin.write("go\n")
            victim.stdin.flush()
            status = victim.wait(30)
            died_mono, died_wall = time.monotonic(), time.time()
            assert status == -9, "the victim ended with %r, not SIGKILL" % status
            assert cg.oom_kills() in (None, 1), cg.oom_kills()
            kill = read_lines(dump, lambda o: o.get("pid") == victim.pid, 10)
            assert kill, "no kill of pid %d within 10 s" % victim.pid
            assert kill["since_start"] is True
            assert kill["comm"] == COMM and kill["trigger_comm"] == COMM, kill
            assert kill["scope"] == "memcg" and kill["constraint"] == "CONSTRAINT_MEMCG", kill
            assert kill["oom_memcg"] == cg.rel and kill["task_memcg"] == cg.rel, (kill, cg.rel)
            assert kill["memcg_limit_kb"] == LIMIT // 1024, kill
            # Most of it anonymous (the mm counters can run past the charge).
            assert 32 * 1024 < kill["anon_rss_kb"] <= 2 * LIMIT // 1024, kill
            assert kill["uid"] == 0
            assert victim.pid in [t["pid"] for t in kill["tasks"]], kill
            assert kill["tasks"][0]["comm"] == COMM, kill
            # The kill came shortly before wait() returned, on both clocks.
            assert died_mono - 5 < kill["mono_time"] <= died_mono + 0.01, (kill, died_mono)
            assert died_wall - 5 < kill["wall_time"] <= died_wall + 0.5, (kill, died_wall)
            seen.update(kill)
        finally:
            cg.remove()
    finally:
        if victim and victim.poll() is None:
            victim.kill()
            victim.wait()
        dump.kill()
        dump.wait()


def test_backlog():
    assert seen, "test_live_kill saw no kill"
    out = subprocess.run([KMSGDUMP], capture_output=True, text=True, timeout=30, check=True).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[-1]["tick"] == 0 and lines[-1]["oom_log_err"] == 0, lines[-1]
    mine = [k for k in lines if k.get("seq") == seen["seq"]]   # among the newest 64
    assert len(mine) == 1, mine
    assert mine[0]["since_start"] is False
    assert mine[0]["pid"] == seen["pid"] and mine[0]["comm"] == COMM
    assert abs(mine[0]["mono_time"] - seen["mono_time"]) < 0.01


def test_not_root():
    nobody = pwd.getpwnam("nobody")

    def drop():
        os.setgid(nobody.pw_gid)
        os.setgroups([])
        os.setuid(nobody.pw_uid)
    out = subprocess.run([KMSGDUMP, "0.3"], capture_output=True, text=True, timeout=30,
                         preexec_fn=drop, check=True).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 4, lines                      # ticks only: no kill
    assert all(o["oom_log_err"] in (-1, -13) for o in lines), lines   # -EPERM / -EACCES


def main():
    if os.geteuid() != 0:
        print("oomread.py needs root (the kernel log and a memory cgroup)")
        return 1
    if not require([KMSGDUMP], "build/tools/kmsgdump"):
        return 1
    start = time.monotonic()
    passed, failed = run_tests([test_live_kill, test_backlog, test_not_root], lambda t: t(), sys.argv[1:])
    return finish("oomread.py", start, passed, failed)


if __name__ == "__main__":
    sys.exit(main())
