#!/usr/bin/env python3
"""The cost of the cgroup table (issue 19): CPU per refresh of memtop -b over
2,000 processes in 200 memory cgroups, side by side with the build before it.

    cgroupcost.py [--baseline PATH | --build-old COMMIT] [--count N] [--cgroups N]
                  [--ticks N] [--slow-ticks N] [--repeat N] [--wiggle S] [--round-robin]

Needs root. Makes CGROUPS fresh memory cgroups (default 200) under one parent,
memtop-bench-PID, and starts COUNT idle processes (build/bench/idlers, default
2,000; with --wiggle S each dirties and frees a page every S seconds), moving
COUNT/CGROUPS of them into each cgroup through its cgroup.procs: neighbours in
pid order share a cgroup (as a service's processes often do), or with
--round-robin none do (idler i goes to cgroup i mod CGROUPS: the worst case for
the table's counting, which looks up a row only when a process's cgroup differs
from the previous process's). The memory
controller's hierarchy comes from /proc/self/mountinfo (tests/common/cgroup.py's
detect_layout): on cgroup v1 (hybrid layouts) the cgroups are children of this
process's own v1 memory cgroup, on a pure v2 layout children of the cgroup2 root
with the memory controller enabled for them. A first run of ./memtop --cgroups
checks that it sees every cgroup with its processes.

Then, REPEAT times and alternating (one run of each case per round), each run a
fresh `memtop -b ... -f json` to /dev/null, measures the median CPU (user +
system, from wait4) per refresh, the first refresh left out (a run of TICKS + 1
refreshes minus a run of 1: the first lists every process from scratch):

  1  baseline          -d 0.1 -n TICKS       the build before the cgroup table
  2  memtop            -d 0.1 -n TICKS       the table counting, no cgroup reads
  3  baseline          -d 1   -n SLOW_TICKS
     memtop            -d 1   -n SLOW_TICKS  (counting only, to split case 3)
     memtop --cgroups  -d 1   -n SLOW_TICKS  reads every cgroup every refresh:
                                             the worst refresh
  4  memtop --cgroups  -d 0.1 -n TICKS       reads every 10th refresh

and prints ms per refresh and % over the baseline at the same interval, and the
cost of one reading of every cgroup that holds a process: case 3 over its
baseline, and over memtop at -d 1 without --cgroups (the reading alone).

The baseline is --baseline PATH, or else --build-old COMMIT (default 5ecef6a,
memtop just before issue 19), extracted with `git archive` into build/old/SHORT/
and built there with its own `make memtop` (samebatch.py's build_old; an
existing build is reused). Both binaries are copied to a temporary directory
first, so a rebuild during the run changes nothing.

    sudo make bench-cgroups                     # or: sudo python3 tests/bench/cgroupcost.py
    make bench-cgroups CGROUPS_ARGS="--repeat 3 --ticks 50"

The idlers are stopped and checked by pid, the cgroups removed (once their
processes are gone) also on an error, Ctrl-C or SIGTERM; cgroups a killed run
left behind are removed by the next. Measurements, not a pass/fail test; the
exit status is 1 when a run of memtop fails, 2 when the set-up cannot be made.
"""
import argparse
import errno
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import cgroup  # noqa: E402  (detect_layout, proc_cgroups, remove_cgroup)
import peers  # noqa: E402  (Idlers: started and stopped by pid)
import samebatch  # noqa: E402  (build_old)

MEMTOP = os.path.join(ROOT, "memtop")
PREFIX = "memtop-bench-"
BASE_COMMIT = "5ecef6a"          # memtop before issue 19: "today's" in the target
TARGET_PCT = 10.0


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class RunFailed(RuntimeError):
    """A memtop run exited non-zero or by a signal."""


class SetupError(RuntimeError):
    """The cgroups or the processes could not be made as asked."""


# --- the cgroups --------------------------------------------------------------

def _write(path, value):
    try:
        with open(path, "w") as f:
            f.write(value)
    except OSError as e:
        raise SetupError("cannot write %r to %s: %s" % (value, path, e.strerror)) from None


class BenchCgroups:
    """COUNT empty memory cgroups, cg000 ..., under a parent memtop-bench-PID in
    the memory controller's hierarchy; a context manager that removes them all.

      layout   the cgroup.Layout found
      parent   the parent's directory; paths: the children's directories
      rel      the children's paths as /proc/PID/cgroup (and memtop) show them
    """

    def __init__(self, count):
        self.count = count
        self.layout = self.base = self.parent = None
        self.paths, self.rel = [], []
        self._made_parent = False

    def __enter__(self):
        try:
            self._setup()
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, *exc):
        problems = self.remove()
        for p in problems:
            log("cgroupcost.py: while removing the cgroups: %s" % p)
        return False

    def add(self, index, pid):
        """Moves pid into cgroup number index."""
        _write(os.path.join(self.paths[index], "cgroup.procs"), str(pid))

    def _setup(self):
        self.layout = layout = cgroup.detect_layout()
        if layout.v2 and layout.memory_on_v2:
            mount = layout.v2
            # v2: only leaves hold processes, and a parent passes the controller on
            # through subtree_control; the root has processes, so the root's child.
            self.base = mount.mountpoint
            if "memory" not in open(os.path.join(self.base, "cgroup.subtree_control")).read().split():
                raise SetupError("memory is not in %s/cgroup.subtree_control" % self.base)
        elif layout.v1_memory:
            mount = layout.v1_memory
            self.base = self._own_v1_dir(mount)
        else:
            raise SetupError("no memory controller here (%s)" % layout)
        self._remove_stale()
        self.parent = os.path.join(self.base, PREFIX + str(os.getpid()))
        self._mkdir(self.parent)
        if layout.memory_on_v2:
            _write(os.path.join(self.parent, "cgroup.subtree_control"), "+memory")
        root = mount.root.rstrip("/")
        for i in range(self.count):
            path = os.path.join(self.parent, "cg%03d" % i)
            self._mkdir(path)
            self.paths.append(path)
            self.rel.append(root + "/" + os.path.relpath(path, mount.mountpoint))

    @staticmethod
    def _own_v1_dir(mount):
        """This process's own v1 memory cgroup as a directory (as cgroup.py does):
        the bench's cgroups stay inside whatever memory cgroup it runs in."""
        own = cgroup.proc_cgroups().get("memory", "/")
        root = mount.root.rstrip("/")
        if own != root and not own.startswith(root + "/"):
            return mount.mountpoint
        return os.path.join(mount.mountpoint, own[len(root):].lstrip("/"))

    def _mkdir(self, path):
        try:
            os.mkdir(path)
        except OSError as e:
            raise SetupError("cannot create cgroup %s: %s%s" % (
                path, e.strerror, " (run as root)" if e.errno in (errno.EACCES, errno.EPERM) else ""))
        if path == self.parent:
            self._made_parent = True

    def _remove_stale(self):
        """Removes the cgroups of an earlier run whose process is gone."""
        for entry in os.listdir(self.base):
            if entry.startswith(PREFIX) and entry[len(PREFIX):].isdigit() \
                    and not peers.alive(int(entry[len(PREFIX):])):
                log("cgroupcost.py: removing %s, left by a killed run" % entry)
                path = os.path.join(self.base, entry)
                for problem in self._remove_tree(path, sorted(
                        os.path.join(path, d) for d in os.listdir(path)
                        if os.path.isdir(os.path.join(path, d)))):
                    log("cgroupcost.py: %s" % problem)

    def remove(self):
        """Removes the children, then the parent; returns what went wrong."""
        if not self._made_parent:
            return []
        problems = self._remove_tree(self.parent, self.paths)
        self.paths, self._made_parent = [], False
        return problems

    def _remove_tree(self, parent, children):
        problems = []
        for path in list(children) + [parent]:
            problem = self._rmdir(path)
            if problem:
                problems.append(problem)
        return problems

    def _rmdir(self, path, timeout=10.0):
        """Removes one cgroup, waiting for exiting processes to leave it; a process
        still in it (none of ours: the idlers are stopped before) is moved to the
        base cgroup, never killed."""
        return cgroup.remove_cgroup(path, self.base, timeout)


# --- the runs ----------------------------------------------------------------

def run_cpu(binary, interval, ticks, with_cgroups):
    """CPU seconds (user + system, wait4) of one `BINARY -b -d INTERVAL -n TICKS -f json`."""
    argv = [binary, "-b", "-d", str(interval), "-n", str(ticks), "-f", "json"]
    if with_cgroups:
        argv.append("--cgroups")
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if p.returncode is None:     # interrupted: end it by its pid
            p.kill()
            p.wait()
    err = p.stderr.read().decode(errors="replace").strip()
    p.stderr.close()
    if p.returncode != 0:
        raise RunFailed("%s exited %d: %s" % (" ".join(argv), p.returncode, err[-500:]))
    return usage.ru_utime + usage.ru_stime


def cpu_per_refresh(binary, interval, ticks, with_cgroups):
    """CPU seconds per refresh after the first: (a run of TICKS + 1) - (a run of 1), over TICKS."""
    many = run_cpu(binary, interval, ticks + 1, with_cgroups)
    one = run_cpu(binary, interval, 1, with_cgroups)
    return (many - one) / ticks


def check_seen(binary, cgs, per_cgroup):
    """One tick of BINARY --cgroups: every bench cgroup must be a row with its
    processes and a usage read. Returns how many cgroup rows memtop has."""
    out = subprocess.run([binary, "-b", "-n", "1", "-f", "json", "--cgroups"],
                         capture_output=True, check=False, timeout=60)
    if out.returncode != 0:
        raise RunFailed("%s --cgroups -n 1 exited %d: %s" % (binary, out.returncode,
                                                              out.stderr.decode(errors="replace")[-500:]))
    rows = {r["path"]: r for r in json.loads(out.stdout)["cgroups"]}
    wrong = [(rel, rows.get(rel, {}).get("procs"), rows.get(rel, {}).get("usage_kb"))
             for rel in cgs.rel
             if rows.get(rel, {}).get("procs") != per_cgroup or rows[rel].get("usage_kb") is None]
    if wrong:
        raise SetupError("memtop does not see the bench cgroups as made (path, procs, usage_kb): %s"
                         % wrong[:5])
    return len(rows)


# One entry per measured case: key, label, binary ("base" or "new"), interval, ticks
# ("fast" or "slow"), --cgroups, the key of the row its % is against.
CASES = (
    ("1", "baseline           -d 0.1", "base", 0.1, "fast", False, None),
    ("2", "memtop             -d 0.1", "new", 0.1, "fast", False, "1"),
    ("3b", "baseline           -d 1", "base", 1, "slow", False, None),
    ("3n", "memtop             -d 1", "new", 1, "slow", False, "3b"),
    ("3", "memtop --cgroups   -d 1", "new", 1, "slow", True, "3b"),
    ("4", "memtop --cgroups   -d 0.1", "new", 0.1, "fast", True, "1"),
)


def measure(binaries, args):
    """{case key: [seconds per refresh, one per round]}, the cases alternating."""
    results = {c[0]: [] for c in CASES}
    ticks = {"fast": args.ticks, "slow": args.slow_ticks}
    for r in range(args.repeat):
        log("cgroupcost.py: round %d of %d" % (r + 1, args.repeat))
        for key, _, which, interval, speed, with_cg, _ in CASES:
            results[key].append(cpu_per_refresh(binaries[which], interval, ticks[speed], with_cg))
    return results


def report(results, args, info):
    med = {k: statistics.median(v) * 1000 for k, v in results.items()}
    print("cgroupcost: %(nproc)d processes, %(ncg)d memory cgroups of %(per)d idlers each "
          "(memtop sees %(rows)d cgroups), median of %(repeat)d, first refresh left out" % info)
    print("  layout: %(layout)s; cgroups under %(parent)s; %(spread)s" % info)
    print("  baseline: %(base)s; memtop: %(new)s" % info)
    if args.wiggle:
        print("  each idler dirties and frees a page every %g s" % args.wiggle)
    print()
    print("| case | run | refreshes | ms per refresh | vs baseline | runs (ms) |")
    print("| --- | --- | --- | --- | --- | --- |")
    ticks = {"fast": args.ticks, "slow": args.slow_ticks}
    for key, label, _, _, speed, _, against in CASES:
        pct = "%+.1f %%" % ((med[key] / med[against] - 1) * 100) if against else "—"
        print("| %s | %s | %d | %.2f | %s | %s |" % (
            "" if key in ("3b", "3n") else key, label.rstrip(), ticks[speed], med[key], pct,
            " ".join("%.2f" % (v * 1000) for v in results[key])))
    per_read_base = med["3"] - med["3b"]
    per_read_own = med["3"] - med["3n"]
    print()
    print("one reading of all %d cgroups holding processes (%d of them the bench's):"
          % (info["rows"], info["ncg"]))
    print("  case 3 - baseline at -d 1:          %.2f ms (the table counting included)" % per_read_base)
    print("  case 3 - memtop at -d 1 (no reads): %.2f ms, %.1f µs per cgroup"
          % (per_read_own, per_read_own * 1000 / info["rows"]))
    print("  case 4 - case 2, times 10:           %.2f ms (cross-check at -d 0.1)"
          % ((med["4"] - med["2"]) * 10))
    over = [key for key in ("2", "3") if (med[key] / med[CASES_BY_KEY[key][6]] - 1) * 100 > TARGET_PCT]
    print()
    print("issue 19's target: cases 2 and 3 within %g %% of the baseline: %s" % (
        TARGET_PCT, "met" if not over else "NOT met by case %s" % " and ".join(over)))


CASES_BY_KEY = {c[0]: c for c in CASES}


def copy_binaries(tmp, base, new):
    """Copies of both binaries in tmp, so that a rebuild halfway changes nothing."""
    out = {}
    for which, path in (("base", base), ("new", new)):
        if not os.access(path, os.X_OK) or os.path.isdir(path):
            raise SetupError("%s is not an executable file" % path)
        out[which] = os.path.join(tmp, "memtop-" + which)
        shutil.copy2(path, out[which])
    return out


def on_sigterm(signum, frame):
    raise KeyboardInterrupt     # the with blocks clean up as for Ctrl-C


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", metavar="PATH", help="the baseline binary (default: --build-old)")
    ap.add_argument("--build-old", metavar="COMMIT", default=BASE_COMMIT,
                    help="build the baseline from COMMIT in build/old/SHORT (default %s)" % BASE_COMMIT)
    ap.add_argument("--count", type=int, default=2000, help="idle processes (default 2000)")
    ap.add_argument("--cgroups", type=int, default=200, help="memory cgroups (default 200)")
    ap.add_argument("--ticks", type=int, default=100, help="refreshes of the -d 0.1 runs (default 100)")
    ap.add_argument("--slow-ticks", type=int, default=20, help="refreshes of the -d 1 runs (default 20)")
    ap.add_argument("--repeat", type=int, default=5, help="rounds (default 5)")
    ap.add_argument("--wiggle", type=float, default=0, help="idlers move a page every S seconds")
    ap.add_argument("--round-robin", action="store_true",
                    help="idler i in cgroup i mod CGROUPS (default: blocks of neighbours)")
    args = ap.parse_args()
    if args.cgroups < 1 or args.count < args.cgroups or args.count % args.cgroups:
        ap.error("--count must be a positive multiple of --cgroups")
    if min(args.ticks, args.slow_ticks, args.repeat) < 1:
        ap.error("--ticks, --slow-ticks and --repeat must be at least 1")
    if os.geteuid() != 0:
        log("cgroupcost.py: needs root (it makes memory cgroups and moves processes into them)")
        return 2
    signal.signal(signal.SIGTERM, on_sigterm)
    base = args.baseline or samebatch.build_old(args.build_old)
    per = args.count // args.cgroups
    try:
        with tempfile.TemporaryDirectory(prefix="cgroupcost-") as tmp:
            binaries = copy_binaries(tmp, base, MEMTOP)
            with BenchCgroups(args.cgroups) as cgs, peers.Idlers(args.count, args.wiggle or None) as idl:
                log("cgroupcost.py: %s; moving %d idlers into %d cgroups under %s"
                    % (cgs.layout, args.count, args.cgroups, cgs.parent))
                where = [i % args.cgroups if args.round_robin else i // per
                         for i in range(args.count)]
                for pid, index in zip(idl.children, where):
                    cgs.add(index, pid)
                seen = cgroup.proc_cgroups(idl.children[-1])
                key = "v2" if cgs.layout.memory_on_v2 else "memory"
                if seen.get(key) != cgs.rel[where[-1]]:
                    raise SetupError("idler %d is in %r, not in %s" % (
                        idl.children[-1], seen.get(key), cgs.rel[where[-1]]))
                rows = check_seen(binaries["new"], cgs, per)
                nproc = len([d for d in os.listdir("/proc") if d.isdigit()])
                results = measure(binaries, args)
            info = {"nproc": nproc, "ncg": args.cgroups, "per": per, "rows": rows,
                    "repeat": args.repeat, "layout": cgs.layout, "parent": cgs.parent,
                    "base": base, "new": MEMTOP,
                    "spread": "round robin" if args.round_robin else "neighbours in pid order together"}
            report(results, args, info)
    except RunFailed as e:
        log("cgroupcost.py: %s" % e)
        return 1
    except (SetupError, cgroup.CgroupError) as e:
        log("cgroupcost.py: %s" % e)
        return 2
    except KeyboardInterrupt:
        log("cgroupcost.py: interrupted; idlers stopped, cgroups removed")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
