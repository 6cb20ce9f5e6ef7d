#!/usr/bin/env python3
"""Leak-detection latency and false flags from a real run.

Starts one tests/workloads/leaker process per shape and rate, watches all of
them with `memtop -b -d 1 --format json` for BENCH_MINUTES (default 15), and
prints, per shape, the seconds from the process's start to memtop's first
flag, and for the non-leak shapes how many flag episodes there were and how
long a flag outlived the end of the growth.
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEAKER = os.path.join(ROOT, "build", "workloads", "leaker")
MEMTOP = os.path.join(ROOT, "memtop")

# (label, leaker arguments, target seconds to flag or None for non-leaks,
#  seconds after which a non-leak shape has stopped growing or None)
SHAPES = [
    ("steady 4 MiB/s (mmap)", ["linear", "--rate", "4096"], 60, None),
    ("steady 256 KiB/s (mmap)", ["linear", "--rate", "256"], 60, None),
    ("steady 256 KiB/s (heap)", ["linear", "--rate", "256", "--via", "heap"], 60, None),
    ("steady 64 KiB/s (mmap)", ["linear", "--rate", "64"], 300, None),
    ("steady 16 KiB/s (mmap)", ["linear", "--rate", "16"], 300, None),
    ("steady 16 KiB/s (heap)", ["linear", "--rate", "16", "--via", "heap"], 300, None),
    ("steady 0.2 MiB/min (mmap)", ["linear", "--rate", "3.4133"], 5400, None),
    ("bursty 2 MiB every 5 s", ["bursty", "--amp", "2048", "--period", "5"], 60, None),
    ("bursty 4 MiB every 20 s", ["bursty", "--amp", "4096", "--period", "20"], 120, None),
    ("sawtooth 20 MiB/30 s + 64 KiB/s", ["sawleak", "--rate", "64", "--amp", "20480", "--period", "30"],
     300, None),
    ("warm-up 4 MiB/s for 20 s", ["warmup", "--rate", "4096", "--period", "20"], None, 20),
    ("warm-up 1 MiB/s for 120 s", ["warmup", "--rate", "1024", "--period", "120"], None, 120),
    ("warm-up 200 MiB, tau 30 s", ["warmup_exp", "--amp", "204800", "--period", "30"], None, 138),
    ("flat sawtooth 80 MiB/30 s", ["sawtooth", "--amp", "81920", "--period", "30"], None, None),
    ("hold 300 MiB 10-40 min, free", ["hold_free", "--amp", "307200", "--period", "600"], None, None),
    ("5 s spike 800 MiB / 5 min", ["spike", "--amp", "819200", "--period", "300"], None, None),
    ("noisy flat (2 MiB)", ["noisy", "--noise", "2048"], None, None),
    ("file-backed growth 256 KiB/s", ["filegrow", "--rate", "256"], None, None),
]


def main():
    minutes = float(os.environ.get("BENCH_MINUTES", "15"))
    procs = []
    for label, args, target, stops in SHAPES:
        p = subprocess.Popen([LEAKER] + args + ["--duration", str(minutes * 60 + 30)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert p.stdout.readline().startswith(b"ready ")
        procs.append((label, p, target, stops, time.monotonic()))
    pids = ",".join(str(p.pid) for _, p, _, _, _ in procs)
    print("leak detection, real run: %d processes, memtop -b -d 1 for %.0f min" % (len(procs), minutes))
    m = subprocess.Popen([MEMTOP, "-b", "-d", "1", "-n", str(int(minutes * 60)), "--format", "json",
                          "-p", pids], stdout=subprocess.PIPE)
    first, episodes, was, last_end = {}, {}, {}, {}
    for line in m.stdout:
        tick = json.loads(line)
        now = time.monotonic()
        for p in tick["processes"]:
            pid, flagged = p["pid"], p["leak"]["suspected"]
            if flagged and not was.get(pid):
                episodes[pid] = episodes.get(pid, 0) + 1
                first.setdefault(pid, now)
            if not flagged and was.get(pid):
                last_end[pid] = now
            was[pid] = flagged
    m.wait()
    print("%-34s %8s %8s %10s %s" % ("shape", "target", "flagged", "episodes", "flag after growth stopped"))
    for label, p, target, stops, started in procs:
        pid = p.pid
        flag = "%.0f s" % (first[pid] - started) if pid in first else "never"
        outlived = "-"
        if target is None and stops is not None and pid in last_end:
            outlived = "%.0f s" % max(0.0, last_end[pid] - started - stops)
        if target is None and was.get(pid):
            outlived = "still flagged"
        print("%-34s %8s %8s %10d %s" % (label, "%d s" % target if target else "no flag", flag,
                                          episodes.get(pid, 0), outlived))
        p.stdin.close()
        p.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
