#!/usr/bin/env python3
"""Integration tests of memtop --alloc-sites PID, the real binary, on the
paths that need no BPF: a pid that does not exist, a build without the
probes (make NO_BPF=1, or the first cut) and a user without root each exit
1 with the one line on stderr and nothing on stdout; usage errors exit 2.
(With the real probes built and root, the attach path is tested after the
merge: allocsites_live in this file's TESTS then.)

Each binary of MEMTOP_BINS (default: the sanitizer build and the release
build): a leak or a sanitizer error in any path fails it. A few seconds.
Prints "N passed, N failed" last.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from suite import SAN_ENV, run_for_binaries  # noqa: E402

NOT_BUILT = "allocation sites are not built into this memtop"


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


TESTS = [test_no_such_process, test_cannot_attach, test_usage_errors]

if __name__ == "__main__":
    sys.exit(run_for_binaries("allocsites", TESTS, sys.argv[1:], ROOT))
