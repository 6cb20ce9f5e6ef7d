#!/usr/bin/env python3
"""CPU per refresh of memtop -b at 2,000 processes, side by side with a
baseline binary in the same run (issue 15: following exec may cost at most
10 % more than before).

    tickcost.py [--baseline PATH] [--count N] [--ticks N] [--repeat N] [--wiggle S]

Starts COUNT idle processes (build/bench/idlers; with --wiggle S each dirties
and frees a page every S seconds, so every one keeps a history and is
re-read now and then), then runs each binary `memtop -b -d 0.1 -n TICKS`
(JSON to /dev/null) REPEAT times, alternating, and reports the median CPU
(user + system, from wait4) per refresh. Without --baseline it measures
./memtop alone. Measurements, not a pass/fail test.
"""
import argparse
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import workload  # noqa: E402

IDLERS = os.path.join(ROOT, "build", "bench", "idlers")


def cpu_per_tick(binary, ticks):
    """CPU seconds per refresh of one batch run, the first tick left out
    (it lists every process from scratch)."""
    def run(n):
        p = subprocess.Popen([binary, "-b", "-d", "0.1", "-n", str(n), "--format", "json"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, "%s failed" % binary
        return usage.ru_utime + usage.ru_stime
    return (run(ticks + 1) - run(1)) / ticks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--ticks", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--wiggle", type=float, default=0)
    args = ap.parse_args()
    binaries = [("memtop", os.path.join(ROOT, "memtop"))]
    if args.baseline:
        binaries.append(("baseline", args.baseline))
    cmd = [IDLERS] + (["-w", str(args.wiggle)] if args.wiggle else []) + [str(args.count)]
    results = {name: [] for name, _ in binaries}
    with workload.Workload(cmd, timeout=120):
        nproc = len([d for d in os.listdir("/proc") if d.isdigit()])
        for _ in range(args.repeat):
            for name, path in binaries:
                results[name].append(cpu_per_tick(path, args.ticks))
    print("tickcost: %d processes, %d refreshes at 0.1 s, median of %d%s"
          % (nproc, args.ticks, args.repeat, ", each dirtying a page every %g s" % args.wiggle
             if args.wiggle else ""))
    for name, _ in binaries:
        med = statistics.median(results[name])
        print("  %-9s %.2f ms per refresh (runs: %s)" % (name, med * 1000,
              " ".join("%.2f" % (v * 1000) for v in results[name])))
    if args.baseline:
        new, old = (statistics.median(results[n]) for n in ("memtop", "baseline"))
        print("  memtop / baseline: %+.1f %%" % ((new / old - 1) * 100))
    return 0


if __name__ == "__main__":
    sys.exit(main())
