#!/usr/bin/env python3
"""Shows PressureCgroup at work: makes a cgroup with a low memory limit, runs
the thrash workload in it for a while and prints the cgroup's memory.pressure
before and after.

    python3 tests/common/cgroup_demo.py [LIMIT_MIB [SECONDS]]    (as root)

Exits 0 only if the "some" total grew, the workload is still running and the
OOM killer left it alone; 1 otherwise; 2 when no cgroup could be made.
Needs build/workloads/thrash (make build/workloads/thrash).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgroup  # noqa: E402


def show(label, p):
    for kind in ("some", "full"):
        if kind in p:
            v = p[kind]
            print("  %-6s %-4s avg10=%6.2f avg60=%6.2f avg300=%6.2f total=%d us" % (
                label, kind, v["avg10"], v["avg60"], v["avg300"], v["total"]))


def main():
    limit_mib = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    try:
        with cgroup.PressureCgroup(limit_mib) as cg:
            print("layout:   %s" % cg.layout)
            print("workload: pid %d, a %d MiB file under a %d MiB limit (%s)" % (
                cg.pid, cg.file_mib, cg.limit_mib, cg.limit_path))
            print("v2:       %s  (0::%s)" % (cg.v2_path, cg.v2_rel))
            if cg.v1_path:
                print("v1:       %s  (memory:%s)" % (cg.v1_path, cg.v1_rel))
            before = cg.pressure()
            start = time.monotonic()
            show("before", before)
            time.sleep(seconds)
            after = cg.pressure()
            elapsed = time.monotonic() - start
            show("after", after)
            running = cg.workload.proc.poll() is None
            usage, ooms = cg.usage_bytes(), cg.oom_kills()
    except cgroup.CgroupError as e:
        print("cgroup_demo: no cgroup: %s" % e, file=sys.stderr)
        return 2
    grew = after["some"]["total"] - before["some"]["total"]
    print("some total grew by %d us in %.1f s (%.1f %% of the time); usage %.1f MiB of %d MiB; "
          "OOM kills %d; workload %s" % (grew, elapsed, grew / elapsed / 1e4, usage / 2**20, limit_mib,
                                         ooms, "running" if running else "GONE"))
    ok = grew > 0 and running and ooms == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
