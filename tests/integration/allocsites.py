#!/usr/bin/env python3
"""Integration tests of memtop --alloc-sites PID, the real binary, on the
paths that need no BPF: a pid that does not exist, a build without the
probes (make NO_BPF=1, or the first cut) and a user without root each exit
1 with the one line on stderr and nothing on stdout; usage errors exit 2.

With the probes built (not NO_BPF=1), as root, and the allocleak workload
built (build/workloads/allocleak, a leak of 4 KiB blocks from leak_site()
among balanced churn), the live path too (else these say they skip):
- test_live_leak_flagged: 256 KiB/s read every 0.2 s for 8 s: -f json
  --fail-on-leak exits 3 naming the site on stderr; the top row is the
  leak, suspected, its innermost frame leak_site, its rate within 25 %,
  the session ended at the end of the run; no other row suspected (release
  build only: 8 s);
- test_live_interrupted: SIGINT 2 s into a 60 s run: the table is printed,
  the session says "interrupted: detached", exit 0 (release build only);
- test_live_target_exits: the workload exits 1.5 s into a 10 s run: the
  CSV is printed with the leak's row, one line on stderr says the process
  exited, exit 0 (both builds: the ended path under the sanitizers);
- test_live_write_error: stdout on /dev/full: one line, exit 1 (release).
Each session costs 2-3 s more of the kernel removing its uprobes: about
35 s in all with the probes, under a second without.

Each binary of MEMTOP_BINS (default: the sanitizer build and the release
build): a leak or a sanitizer error in any path fails it.
Prints "N passed, N failed" last.
"""
import json
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from suite import SAN_ENV, bpf_expected, run_for_binaries  # noqa: E402

NOT_BUILT = "allocation sites are not built into this memtop"
LEAK = os.path.join(ROOT, "build", "workloads", "allocleak")


def run(binary, *args, user=None):
    cmd = [binary] + list(args)
    if user is not None:
        cmd = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + cmd
    # No memtoprc of the user's (nor root's, unreadable to another user).
    env = dict(os.environ, HOME="/nonexistent", XDG_CONFIG_HOME="/nonexistent", **SAN_ENV)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60, text=True, env=env)
    assert "runtime error" not in p.stderr and "Sanitizer" not in p.stderr, p.stderr
    return p


def free_pid():
    """A pid no process has now (the highest below pid_max not in use)."""
    with open("/proc/sys/kernel/pid_max") as f:
        top = int(f.read())
    for pid in range(top - 1, 1, -1):
        if not os.path.exists("/proc/%d" % pid):
            return pid
    raise AssertionError("no free pid")


def one_line(p):
    lines = p.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("memtop: "), p.stderr
    return lines[0]


def test_no_such_process(binary):
    pid = free_pid()
    for fmt in ("table", "json", "csv"):
        p = run(binary, "--alloc-sites", str(pid), "--duration", "0.5", "-f", fmt)
        assert p.returncode == 1, (p.returncode, p.stderr)
        assert p.stdout == "", p.stdout
        assert one_line(p) == "memtop: allocation sites of %d: no such process" % pid, p.stderr


def test_cannot_attach(binary):
    """A live process: without the probes built, the line says so; as a
    user without root, the line says root is needed (or, not built, that)."""
    child = subprocess.Popen(["sleep", "60"])
    try:
        p = run(binary, "--alloc-sites", str(child.pid), "--duration", "0.5", "-d", "0.2")
        BUILT[binary] = NOT_BUILT not in p.stderr
        if p.returncode == 1 and NOT_BUILT in p.stderr:
            assert one_line(p) == "memtop: " + NOT_BUILT + " (built with NO_BPF=1)", p.stderr
            assert p.stdout == ""
        else:
            # Built with the probes, as root: it attaches (the live path's
            # own tests check what it prints).
            assert os.geteuid() == 0 and p.returncode in (0, 3), (p.returncode, p.stderr)
        if os.geteuid() == 0 and subprocess.run(["which", "setpriv"], capture_output=True).returncode == 0:
            p = run(binary, "--alloc-sites", str(child.pid), "--duration", "0.5", user=65534)
            assert p.returncode == 1 and p.stdout == "", (p.returncode, p.stdout, p.stderr)
            line = one_line(p)
            assert line in ("memtop: allocation sites of %d: needs root (CAP_BPF and CAP_PERFMON)" % child.pid,
                            "memtop: " + NOT_BUILT + " (built with NO_BPF=1)"), line
        assert child.poll() is None       # the target was left alone
    finally:
        child.kill()
        child.wait()


def test_usage_errors(binary):
    cases = [
        (["--alloc-sites", "0"], "invalid PID '0' for --alloc-sites"),
        (["--alloc-sites", "1", "--duration", "0.1"], "invalid --duration '0.1'"),
        (["--alloc-sites", "1", "-p", "1"], "--alloc-sites does not go with -p"),
        (["--alloc-sites", "1", "-b", "-f", "prometheus"], "--alloc-sites prints table, json or csv"),
        (["--duration", "3"], "--duration goes with --alloc-sites PID"),
        (["--alloc-every", "0"], "invalid --alloc-every '0'"),
    ]
    for args, want in cases:
        p = run(binary, *args)
        assert p.returncode == 2, (args, p.returncode)
        assert p.stderr.splitlines()[0] == "memtop: " + want or want in p.stderr.splitlines()[0], \
            (args, p.stderr.splitlines()[0])
        assert p.stdout == ""


class Leaker:
    """build/workloads/allocleak with its arguments, ready (its pid known)."""

    def __init__(self, *args):
        self.p = subprocess.Popen([LEAK] + list(args), stdout=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        assert line.startswith("ready "), line
        self.pid = int(line.split()[1])

    def stop(self):
        self.p.kill()
        self.p.wait()
        self.p.stdout.close()


BUILT = {}      # binary: whether it has the probes (test_cannot_attach finds out)


def live_possible(binary):
    """Whether the live path can be tested: root, the workload, and a memtop
    built with the probes."""
    if os.geteuid() != 0 or not os.access(LEAK, os.X_OK):
        assert not bpf_expected(), ("the live tests need root and %s (MEMTOP_SKIP_BPF=1 skips them)"
                                          % os.path.relpath(LEAK, ROOT))
        print("  (skipped, MEMTOP_SKIP_BPF=1: needs root and %s)" % os.path.relpath(LEAK, ROOT))
        return False
    if binary not in BUILT:
        child = subprocess.Popen(["sleep", "60"])
        try:
            BUILT[binary] = NOT_BUILT not in run(binary, "--alloc-sites", str(child.pid), "--duration",
                                                 "0.5").stderr
        finally:
            child.kill()
            child.wait()
    if not BUILT[binary]:
        assert not bpf_expected(), "memtop is built without the probes (MEMTOP_SKIP_BPF=1 skips these tests)"
        print("  (skipped, MEMTOP_SKIP_BPF=1: built without the probes)")
    return BUILT[binary]


def test_live_leak_flagged(binary):
    if "asan" in binary or not live_possible(binary):
        return
    w = Leaker("--rate", "262144")
    try:
        p = run(binary, "--alloc-sites", str(w.pid), "--duration", "8", "-d", "0.2", "-f", "json",
                "--fail-on-leak")
        assert p.returncode == 3, (p.returncode, p.stderr)
        doc = json.loads(p.stdout)
        assert doc["pid"] == w.pid and doc["state"] == "ended", doc
        assert doc["why"] == "detached at the end of the run", doc["why"]
        top = doc["sites"][0]
        assert top["suspect"] and top["judged"], top
        assert top["stack"][0]["func"] == "leak_site", top["stack"][:2]
        assert 0.75 * 262144 < top["rate_bytes_s"] < 1.25 * 262144, top["rate_bytes_s"]
        assert not any(s["suspect"] for s in doc["sites"][1:]), doc["sites"][1:]
        assert doc["total_bytes"] >= top["bytes"] > 0
        lines = p.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("memtop: leak suspected: allocation site leak_site+"), lines
        assert w.p.poll() is None           # the target was left running
    finally:
        w.stop()


def test_live_interrupted(binary):
    if "asan" in binary or not live_possible(binary):
        return
    w = Leaker()
    try:
        env = dict(os.environ, HOME="/nonexistent", XDG_CONFIG_HOME="/nonexistent", **SAN_ENV)
        m = subprocess.Popen([binary, "--alloc-sites", str(w.pid), "--duration", "60", "-d", "0.5"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        time.sleep(2)
        m.send_signal(signal.SIGINT)
        out, err = m.communicate(timeout=30)
        assert m.returncode == 0, (m.returncode, err)
        assert err == "", err
        assert out.startswith("memtop --alloc-sites %d: " % w.pid), out
        assert "interrupted: detached" in out and "leak_site+" in out, out
    finally:
        w.stop()


def test_live_target_exits(binary):
    if not live_possible(binary):
        return
    w = Leaker("--exit-after", "1.5")
    try:
        p = run(binary, "--alloc-sites", str(w.pid), "--duration", "10", "-d", "0.2", "-f", "csv")
        assert p.returncode == 0, (p.returncode, p.stderr)
        assert one_line(p) == "memtop: allocation sites of %d: process %d exited before the end of the run" \
            % (w.pid, w.pid), p.stderr
        rows = p.stdout.splitlines()
        assert rows[0].startswith("stack_id,bytes,count,"), rows[0]
        assert any("leak_site+" in r for r in rows[1:]), rows
    finally:
        w.stop()


def test_live_write_error(binary):
    """A full disk: one line naming the write error, exit 1, detached."""
    if "asan" in binary or not live_possible(binary):
        return
    w = Leaker()
    try:
        env = dict(os.environ, HOME="/nonexistent", XDG_CONFIG_HOME="/nonexistent")
        with open("/dev/full", "w") as full:
            p = subprocess.run([binary, "--alloc-sites", str(w.pid), "--duration", "0.5", "-f", "json"],
                               stdout=full, stderr=subprocess.PIPE, text=True, timeout=60, env=env)
        assert p.returncode == 1, (p.returncode, p.stderr)
        assert p.stderr == "memtop: write error: No space left on device\n", p.stderr
        assert w.p.poll() is None
    finally:
        w.stop()


TESTS = [test_no_such_process, test_cannot_attach, test_usage_errors, test_live_leak_flagged,
         test_live_interrupted, test_live_target_exits, test_live_write_error]

if __name__ == "__main__":
    sys.exit(run_for_binaries("allocsites", TESTS, sys.argv[1:], ROOT))
