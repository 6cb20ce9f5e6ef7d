#!/usr/bin/env python3
"""The detail view of a process with a huge number of mappings: what it costs.

Starts build/workloads/manymaps with MAPPINGS mappings (default 200000),
memtop's screen in a private tmux server at -d 1 on it alone (-p), opens
its detail view (Enter) for SECONDS seconds (default 30), then leaves it
(Escape). Prints memtop's CPU while the view is open (% of one core), its
RSS before opening, while open and after leaving, and the bytes per mapping
the open view costs. Targets: <= 10 % of a core, <= 300 B a mapping, back
within 1 MiB after leaving.

vm.max_map_count (65530 by default) is raised to fit the workload for the
run when memtop runs as root, and restored afterwards; otherwise the run
stops and says so.

  detailbench.py [--mappings N] [--seconds S] [--memtop PATH]
"""
import argparse
import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import tmuxserver  # noqa: E402
from workload import Workload, vm_rss_kb  # noqa: E402

MANYMAPS = os.path.join(ROOT, "build", "workloads", "manymaps")
MAP_COUNT = "/proc/sys/vm/max_map_count"


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid, "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memtop_pid(tmux, session, memtop):
    """memtop's pid below the pane's shell (tmux runs the command through sh)."""
    shell = int(tmux.run("display-message", "-p", "-t", session, "#{pane_pid}").strip())
    for _ in range(200):
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % name, "rb") as f:     # any comm, even not UTF-8
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
                if (int(name) == shell or ppid == shell) and \
                        os.readlink("/proc/%s/exe" % name) == os.path.realpath(memtop):
                    return int(name)
            except OSError:
                continue
        time.sleep(0.05)
    raise RuntimeError("memtop did not start")


def wait_screen(tmux, session, pattern, timeout):
    """Waits until the screen matches the regular expression pattern."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = tmux.run("capture-pane", "-p", "-t", session)
        if re.search(pattern, screen):
            return screen
        time.sleep(0.1)
    raise RuntimeError("%r not on screen within %.0f s:\n%s" % (pattern, timeout, screen))


def settle_rss(pid, seconds):
    """memtop's RSS after seconds more (a couple of refreshes)."""
    time.sleep(seconds)
    return vm_rss_kb(pid)


def measure(memtop, mappings, seconds):
    with Workload([MANYMAPS, str(mappings)], timeout=120) as w:
        tmux = tmuxserver.PrivateTmux("memtop-detailbench")
        try:
            tmux.new_session("b", 160, 40, "%s -d 1 -p %d" % (memtop, w.pid))
            pid = memtop_pid(tmux, "b", memtop)
            wait_screen(tmux, "b", "manymaps", 10)
            before = settle_rss(pid, 3)
            tmux.run("send-keys", "-t", "b", "Enter")
            opened_at = time.monotonic()
            # The workload's own few (program, libc, stack) come on top.
            wait_screen(tmux, "b", r"Total of %d\d\d mappings" % (mappings // 100), 120)
            first = time.monotonic() - opened_at
            cpu0, t0 = cpu_seconds(pid), time.monotonic()
            peak = 0
            while time.monotonic() - t0 < seconds:
                time.sleep(0.5)
                peak = max(peak, vm_rss_kb(pid))
            cpu = (cpu_seconds(pid) - cpu0) / (time.monotonic() - t0)
            screen = tmux.run("capture-pane", "-p", "-t", "b")
            pace = [line.strip() for line in screen.splitlines() if "re-read every" in line]
            tmux.run("send-keys", "-t", "b", "Escape")
            wait_screen(tmux, "b", "COMMAND", 30)
            after = settle_rss(pid, 3)
        finally:
            tmux.kill()
    print("detail view of %d mappings at -d 1 for %.0f s (%s)" % (mappings, seconds, memtop))
    print("  first frame of the view after %.2f s" % first)
    print("  CPU while open: %.1f %% of a core (target <= 10 %%)" % (100 * cpu))
    print("  RSS before %d KiB, open %d KiB (peak), after leaving %d KiB" % (before, peak, after))
    print("  %.0f B a mapping while open (target <= 300); after leaving %+d KiB (target within 1024)"
          % ((peak - before) * 1024.0 / mappings, after - before))
    if pace:
        print("  the view says: %s" % pace[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mappings", type=int, default=int(os.environ.get("DETAIL_MAPPINGS", 200000)))
    ap.add_argument("--seconds", type=float, default=float(os.environ.get("DETAIL_SECONDS", 30)))
    ap.add_argument("--memtop", default=os.path.join(ROOT, "memtop"))
    args = ap.parse_args()
    with open(MAP_COUNT) as f:
        old = int(f.read())
    need = args.mappings + 1000
    if old < need:
        if os.geteuid() != 0:
            print("detailbench: vm.max_map_count is %d, under the %d mappings wanted; run as root "
                  "(it is raised for the run) or use --mappings" % (old, args.mappings))
            return 1
        print("detailbench: raising vm.max_map_count from %d to %d for the run" % (old, need))
        with open(MAP_COUNT, "w") as f:
            f.write(str(need))
    try:
        measure(os.path.abspath(args.memtop), args.mappings, args.seconds)
    finally:
        if old < need:
            with open(MAP_COUNT, "w") as f:
                f.write(str(old))
            print("detailbench: vm.max_map_count restored to %d" % old)
    return 0


if __name__ == "__main__":
    sys.exit(main())
