#!/usr/bin/env python3
"""The cost of the allocation-sites probes (issue 22), side by side in one run
(docs/alloc-sites.md keeps a copy of the table):

1. a malloc/free-bound loop (build/workloads/allocleak --bare: 64-byte
   malloc + free pairs), bare and with the probes attached by
   build/tools/allocdump: full tracking, every 64th call sampled, and
   --min-size 4096 (nothing of the loop tracked), with uprobe sessions
   and without (uprobe_multi links: every return probed); throughput (pairs/s, the
   median of the rounds while attached) and slowdown. Then the same with
   WORK_NS (default 2000) of computing per pair, a program that does real
   work around each allocation;
2. what alloc_probe_read costs at 0, 10 K and 1 M outstanding allocations
   (allocleak --hold N; the median of allocdump's read_us once held);
3. the kernel memory of the maps at the default sizes (bpftool map show:
   bytes_memlock of the maps allocdump's programs use).

Prints a table and the allocation rate under which a program at most
doubles its time when fully tracked. Root only. About a minute.

    python3 tests/bench/allocbench.py [--work-ns N]
"""
import json
import os
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from allocprobe import DUMP, Proc, attached, bpftool, workload  # noqa: E402


def rates(w, n):
    out = []
    while len(out) < n:
        line = w.line(60)
        assert line and line.startswith("pairs/s "), line
        out.append(float(line.split()[1]))
    return out


def loop_rate(work_ns, probe_args, env=None):
    """Median pairs/s of the bare loop, unprobed (probe_args None) or with
    allocdump attached with probe_args (in env: MEMTOP_BPF_NO_SESSION=1)."""
    w = workload("--bare", "5000000", "--rounds", "0", "--work", str(work_ns))
    try:
        rates(w, 2)
        if probe_args is None:
            return statistics.median(rates(w, 8))
        d = Proc([DUMP, str(w.p.pid), "3", "--interval", "1"] + probe_args,
                 env=dict(os.environ, **(env or {})))
        try:
            attached(d)
            w.drain()
            rates(w, 1)                     # the round the attach fell in
            got = statistics.median(rates(w, 6))
            return got
        finally:
            d.stop()
    finally:
        w.stop()


def read_cost(hold):
    """Median read_us of alloc_probe_read with `hold` outstanding allocations."""
    if hold == 0:
        target = subprocess.Popen(["sleep", "60"])
        w = None
        pid = target.pid
    else:
        w = workload("--hold", str(hold), "--wait-usr1", "--rate", "0")
        pid = w.p.pid
    try:
        d = Proc([DUMP, str(pid), "600", "--interval", "0.5", "--top", "1"])
        try:
            attached(d)
            if w:
                os.kill(pid, signal.SIGUSR1)
                line = w.line(120)
                assert line and line.startswith("held"), line
            got, nlive = [], 0
            while len(got) < 5:
                o = d.until(lambda x: isinstance(x, dict) and "rows" in x, 60, "a reading")
                nlive = sum(r["count"] for r in o["rows"])
                if nlive >= hold:
                    got.append(o["read_us"])
            return statistics.median(got), nlive
        finally:
            d.stop()
    finally:
        if w:
            w.stop()
        else:
            target.kill()
            target.wait()


def map_memory():
    """bytes_memlock of each map allocdump's programs use, at the defaults."""
    target = subprocess.Popen(["sleep", "60"])
    d = Proc([DUMP, str(target.pid), "600", "--interval", "5"])
    try:
        attached(d)
        # The maps allocdump holds open (its fdinfo names them).
        map_ids = set()
        fddir = "/proc/%d/fdinfo" % d.p.pid
        for fd in os.listdir(fddir):
            with open(os.path.join(fddir, fd)) as f:
                for line in f:
                    if line.startswith("map_id:"):
                        map_ids.add(int(line.split()[1]))
        return {m["name"]: m.get("bytes_memlock", 0) for m in bpftool("map", "list") if m["id"] in map_ids}
    finally:
        d.stop()
        target.kill()
        target.wait()


def main():
    if os.geteuid() != 0:
        print("allocbench: needs root (CAP_BPF and CAP_PERFMON)")
        return 1
    work_ns = 2000
    if "--work-ns" in sys.argv:
        work_ns = int(sys.argv[sys.argv.index("--work-ns") + 1])
    start = time.monotonic()
    with open("/proc/loadavg") as f:
        print("load average before the run: %s" % " ".join(f.read().split()[:3]))
    no_session = {"MEMTOP_BPF_NO_SESSION": "1"}
    configs = [("bare (no probes)", None, None), ("full tracking", [], None),
               ("sampled, every 64th", ["--every", "64"], None),
               ("min-size 4096 (none of it tracked)", ["--min-size", "4096"], None),
               ("full tracking, no sessions", [], no_session),
               ("sampled, every 64th, no sessions", ["--every", "64"], no_session),
               ("min-size 4096, no sessions", ["--min-size", "4096"], no_session)]
    print("== malloc/free loop, 64-byte pairs (pairs/s, slowdown); uprobe sessions unless said")
    print("%-36s %16s %10s   %16s %10s" % ("", "pure loop", "", "+%d ns work" % work_ns, ""))
    base = {}
    overhead = None
    for name, args, env in configs:
        row = []
        for wn in (0, work_ns):
            r = loop_rate(wn, args, env)
            if args is None:
                base[wn] = r
            row.append(r)
        print("%-36s %16.0f %9.1fx   %16.0f %9.1fx" % (name, row[0], base[0] / row[0], row[1], base[work_ns] / row[1]))
        if args == [] and env is None:
            overhead = 1 / row[0] - 1 / base[0]
        sys.stdout.flush()
    print("full tracking costs %.1f us a malloc/free pair: a thread doubles its time at %.0f pairs/s "
          "(it spends as long in the probes as in its own work); below ~%.0f pairs/s the slowdown stays under 2x, "
          "below ~%.0f pairs/s under 10 %%" % (overhead * 1e6, 1 / overhead, 1 / overhead, 0.1 / overhead))
    print("== alloc_probe_read (us; the live table swept for ages, at most 64 Ki entries a reading)")
    for hold in (0, 10000, 1000000):
        us, nlive = read_cost(hold)
        print("%8d outstanding (%d counted): %10.0f us" % (hold, nlive, us))
        sys.stdout.flush()
    print("== kernel memory of the maps at the defaults (max_live %d, max_stacks %d)" % (1 << 20, 16384))
    mem = map_memory()
    for name in sorted(mem):
        print("%-20s %12d bytes" % (name, mem[name]))
    print("%-20s %12d bytes (%.1f MiB)" % ("total", sum(mem.values()), sum(mem.values()) / 2**20))
    print("allocbench: %.0f s" % (time.monotonic() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
