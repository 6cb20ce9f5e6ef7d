#!/usr/bin/env python3
"""memtop watching itself for a long run: its RSS stays flat and it never
flags itself as a leak.

Spawns N idle processes (build/bench/idlers, default 2,000) that each dirty
and release a page every few seconds, so memtop keeps a leak history for
every one of them (its worst case for memory), runs `memtop -b -d 1 --format
json` for SELFWATCH_MINUTES (default 60) and, beside it, the screen
(`memtop -d 1` in a private tmux pane of 200x50), samples both memtops' VmRSS
every 10 s from /proc, and reads the batch memtop's own entry in each JSON
sample. Prints, for each, the RSS at 1 minute, at the end and its peak, the
drift, and whether the batch memtop ever suspected itself. Exit status 1
when either RSS grew by more than 1 MiB after the first minute or memtop
flagged itself.
"""
import json
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import tmuxserver  # noqa: E402
MEMTOP = os.path.join(ROOT, "memtop")
IDLERS = os.path.join(ROOT, "build", "bench", "idlers")


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s for pid %d" % (key, pid))


def screen_pid(tmux):
    """The pid of the memtop running in the selfwatch pane."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        out = tmux.run("list-panes", "-t", "selfwatch", "-F", "#{pane_pid}", check=False).strip()
        if out:
            return int(out)
        time.sleep(0.1)
    raise SystemExit("selfwatch: the screen did not start")


def drift_report(name, rss):
    """Prints one memtop's RSS line; returns its drift after the first minute, KiB."""
    peak = max(v for _, v in rss)
    after_1min = [v for t, v in rss if t >= 60] or [rss[-1][1]]
    drift = after_1min[-1] - after_1min[0]
    print("  %-6s RSS at 1 min %.2f MiB, at the end %.2f MiB, peak %.2f MiB, drift %+d KiB"
          % (name, after_1min[0] / 1024, after_1min[-1] / 1024, peak / 1024, drift))
    return drift


def main():
    minutes = float(os.environ.get("SELFWATCH_MINUTES", "60"))
    count = int(os.environ.get("SELFWATCH_PROCS", "2000"))
    idlers = subprocess.Popen([IDLERS, "-w", "5", str(count)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE)
    memtop = None
    tmux = tmuxserver.PrivateTmux("selfwatch")
    try:
        if not idlers.stdout.readline().startswith(b"ready "):
            raise SystemExit("selfwatch: the idlers did not start")
        memtop = subprocess.Popen([MEMTOP, "-b", "-d", "1", "-n", str(int(minutes * 60)),
                                   "--format", "json"], stdout=subprocess.PIPE)
        # "exec": the pane's process is memtop itself.
        tmux.new_session("selfwatch", 200, 50, "exec %s -d 1" % MEMTOP)
        screen = screen_pid(tmux)
        rss, screen_rss = [], []     # (seconds since start, VmRSS KiB)
        flags, rates, start = 0, [], time.monotonic()

        def sample_rss():
            while memtop.poll() is None:
                try:
                    now = time.monotonic() - start
                    rss.append((now, status_kb(memtop.pid, "VmRSS")))
                    screen_rss.append((now, status_kb(screen, "VmRSS")))
                except (OSError, RuntimeError):
                    return
                time.sleep(10)

        sampler = threading.Thread(target=sample_rss, daemon=True)
        sampler.start()
        nprocs = 0
        for line in memtop.stdout:
            tick = json.loads(line)
            nprocs = len(tick["processes"])
            me = [p for p in tick["processes"] if p["pid"] == memtop.pid]
            if me:
                flags += bool(me[0]["leak"]["suspected"])
                if me[0].get("growth_kb_per_min") is not None:
                    rates.append(me[0]["growth_kb_per_min"])
        memtop.wait()
        sampler.join(15)
        print("selfwatch: %.1f min, %d processes (each dirtying a page every 5 s), "
              "memtop -b -d 1 and memtop -d 1 in a 200x50 tmux pane" % (minutes, nprocs))
        drift = drift_report("batch", rss)
        screen_drift = drift_report("screen", screen_rss) if screen_rss else None
        if screen_drift is None:
            print("  screen: no RSS samples (it exited early)")
        print("  memtop flagged itself in %d of its samples; its own growth rate: last %s KiB/min"
              % (flags, rates[-1] if rates else "-"))
        ok = drift <= 1024 and screen_drift is not None and screen_drift <= 1024 and flags == 0
        return 0 if ok else 1
    finally:
        if memtop and memtop.poll() is None:
            memtop.kill()
            memtop.wait()
        tmux.kill()
        idlers.stdin.close()
        idlers.wait(30)


if __name__ == "__main__":
    sys.exit(main())
