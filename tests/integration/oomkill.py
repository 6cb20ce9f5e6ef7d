#!/usr/bin/env python3
"""A real OOM kill, and what memtop says about it (issue 21):

- test_memcg_kill_named_and_predicted: as root, a memory cgroup with a
  96 MiB limit (v1: memory.limit_in_bytes and memory.memsw.limit_in_bytes;
  v2: memory.max and memory.swap.max) holding three processes of known
  sizes (hold: 48, 12 and 4 MiB); the small one grows 8 MiB at a time until
  the cgroup is full and the kernel kills the largest. memtop -b -f json
  -d 0.2 runs beside it. The kill record memtop prints must name the pid
  the kernel killed (which died of SIGKILL), scope memcg, the cgroup, and
  memtop's prediction (the cgroup's pick at the tick before) must be that
  pid and marked right.
- test_not_root_says_why: memtop as nobody (setpriv) cannot read the kernel
  log: its records say "oom_log": "needs root", with the machine's counter,
  and no kills.

No skips: without root or a memory controller the suite fails and says why.
Each binary of MEMTOP_BINS (default: the sanitizer build and the release
build). A few seconds a binary.
"""
import json
import os
import select
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from cgroup import CgroupError  # noqa: E402
from oomcg import HoldIn, OomCgroup  # noqa: E402
from suite import run_for_binaries  # noqa: E402

NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


class Records:
    """memtop -b -f json's records as they come (args added), read with a deadline."""

    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buf = b""

    def next(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            assert left > 0, "no memtop record in time"
            ready, _, _ = select.select([self.p.stdout], [], [], left)
            if ready:
                chunk = os.read(self.p.stdout.fileno(), 1 << 20)
                assert chunk, "memtop ended: %s" % self.p.stderr.read().decode()
                self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return json.loads(line)

    def until(self, what, cond, timeout):
        """The first record for which cond holds; fails naming what."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                r = self.next(deadline)
            except AssertionError as e:
                raise AssertionError("%s: %s" % (what, e)) from None
            if cond(r):
                return r

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        err = self.p.stderr.read().decode()
        self.p.stdout.close()
        self.p.stderr.close()
        return err


def test_memcg_kill_named_and_predicted(memtop):
    cg = OomCgroup()
    holds, mt = [], None
    try:
        # --cgroups: the cgroups' own readings every second, the kill counter among them.
        mt = Records([memtop, "-b", "-f", "json", "--cgroups", "-d", "0.2"])
        first = mt.next(time.monotonic() + 10)
        assert first["oom_log"] == "read", "memtop cannot read the kernel log: %r" % first["oom_log"]
        big = HoldIn(cg, 48)
        holds.append(big)
        holds.append(HoldIn(cg, 12))
        grower = HoldIn(cg, 4, 8)
        holds.append(grower)
        pids = {h.pid for h in holds}
        # memtop sees all three in the cgroup, big at its size.
        mt.until("the three processes in the cgroup", lambda r: pids <= {
            p["pid"] for p in r["processes"] if p["cgroup"] == cg.rel and
            (p["pid"] != big.pid or p["rss_kb"] >= 48 << 10)}, 10)
        mt.until("one more tick", lambda r: True, 5)
        # 4 + 8k MiB: the cgroup is full before the grower passes big.
        for _ in range(12):
            if big.proc.poll() is not None or not grower.grow():
                break
            time.sleep(0.05)    # pacing only: the assertions wait on the kill itself
        try:
            big.proc.wait(10)
        except subprocess.TimeoutExpired:
            raise AssertionError("the kernel killed nothing (cgroup oom_kill %r)" % cg.oom_kills())
        assert big.proc.returncode == -signal.SIGKILL, "big ended with %r" % big.proc.returncode
        assert grower.proc.poll() is None, "the kernel killed the grower, not the largest"
        rec = mt.until("memtop's record of the kill",
                       lambda r: any(k["since_start"] for k in r["oom_kills"]), 10)
        kills = [k for k in rec["oom_kills"] if k["since_start"]]
        assert len(kills) == 1, kills
        k = kills[0]
        assert k["pid"] == big.pid, "memtop names pid %d, the kernel killed %d" % (k["pid"], big.pid)
        assert k["comm"] == "hold", k
        assert k["scope"] == "memcg" and k["oom_memcg"] == cg.rel, (k["scope"], k["oom_memcg"], cg.rel)
        assert k["anon_rss_kb"] >= 40 << 10, k
        assert k["predicted"] is not None, "memtop predicted nothing for the cgroup"
        assert k["predicted"]["pid"] == big.pid and k["predicted"]["right"] is True, k["predicted"]
        assert rec["oom_kill_count"]["since_start"] >= 1, rec["oom_kill_count"]
        # Said once: the next record has no kill again.
        nxt = mt.next(time.monotonic() + 5)
        assert not any(x["seq"] == k["seq"] for x in nxt["oom_kills"]), nxt["oom_kills"]
        assert cg.oom_kills() in (None, 1), cg.oom_kills()
        # The cgroup's own counter (v1 memory.oom_control, v2 memory.events), where the kernel
        # has one: 1 at a reading after the kill. The victim's siblings keep the cgroup listed.
        if cg.oom_kills() is not None:
            mt.until("the cgroup's kill counter at 1", lambda r: any(
                c["path"] == cg.rel and c["oom_kills"] == 1 for c in r["cgroups"]), 5)
    finally:
        for h in holds:
            h.stop()
        err = mt.stop() if mt else ""
        cg.remove()
    assert "ERROR" not in err and "runtime error" not in err, err


def test_not_root_says_why(memtop):
    if os.geteuid() != 0:
        raise CgroupError("the not-root test drops root: it needs root to start")
    p = subprocess.run(NOBODY + [memtop, "-b", "-f", "json", "-n", "2", "-d", "0.2"], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    recs = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(recs) == 2, p.stdout[:500]
    for r in recs:
        assert r["oom_log"] == "needs root", r["oom_log"]
        assert r["oom_kills"] == [], r["oom_kills"]
        assert isinstance(r["oom_kill_count"]["since_boot"], int), r["oom_kill_count"]
    # The table format says the counter and why, when there were kills.
    p = subprocess.run(NOBODY + [memtop, "-b", "-n", "1"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    if recs[0]["oom_kill_count"]["since_boot"] > 0:
        assert "since boot (details: kernel log needs root)" in p.stdout, p.stdout[:500]


TESTS = [test_memcg_kill_named_and_predicted, test_not_root_says_why]


def main():
    return run_for_binaries("oomkill", TESTS, sys.argv[1:], ROOT)


if __name__ == "__main__":
    sys.exit(main())
