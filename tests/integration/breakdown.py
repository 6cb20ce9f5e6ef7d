#!/usr/bin/env python3
"""Integration tests of where the memory went (issue 21): memtop -b -f json
--breakdown on this machine, with memory growing where no process's RSS
does. One scene serves every test (about 60-100 s, as root):

- a tmpfs mounted in a temp dir (mount -t tmpfs -o size=64m), with a file
  growing 256 KiB/s written by a child (64 KiB at a time, up to 60 MiB);
- a SysV segment filled 256 KiB/s by tests/workloads/shmfill (it attaches,
  writes and detaches each step, so the pages are the segment's, not its
  RSS);
- a slab cache grown from user space: a child creating 1,000 empty files a
  second in a second tmpfs (each one an inode and a dentry: shmem's inode
  cache and the dentry cache grow, the mount's blocks do not);
- for each binary of MEMTOP_BINS (default: the sanitizer build and the
  release build), one memtop -b -f json --breakdown -d 0.5 beside them.

The scene ends once every run has flagged all three, but not before
RUN_MIN_S (a writer whose own memory grew as fast would be flagged by
then), and after RUN_MAX_S whatever happened; the target is two minutes. Ground truth is read here: /proc/slabinfo before
and after (which caches grew most) and /proc/sysvipc/shm. The mounts, the
files and the segment are removed and the children stopped by PID, also on
failure. Prints "N passed, N failed" last; exit status 1 when anything
failed; without root it says so and skips (exit 0).

    python3 tests/integration/breakdown.py [TEST_NAME...]     (as root)
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from suite import SAN_ENV, finish, read_json_lines, require, run_tests  # noqa: E402
from workload import Workload  # noqa: E402

SHMFILL = os.path.join(ROOT, "build", "workloads", "shmfill")
RATE_KIB = 256             # the tmpfs file and the segment, KiB/s
STEP_KIB = 64
FILES_PER_S = 1000         # the slab grower
FLAG_WITHIN_S = 120        # the target: flagged this soon after memtop's first tick
RUN_MAX_S = 130            # the scene ends by then whatever happened
RUN_MIN_S = 50             # and not before: a writer growing as fast would be flagged by then
STOP_S = 15

CREATOR = r"""
import os, sys, time
d, rate = sys.argv[1], int(sys.argv[2])
print("ready %d" % os.getpid(), flush=True)
i, t0 = 0, time.monotonic()
while True:
    want = int((time.monotonic() - t0) * rate)
    while i < want:
        open(os.path.join(d, "f%07d" % i), "w").close()
        i += 1
    time.sleep(0.05)
    if sys.stdin in __import__("select").select([sys.stdin], [], [], 0)[0] and not sys.stdin.read(1):
        break
"""

WRITER = r"""
import os, select, sys, time
path, rate, step, cap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
chunk = b"\xa5" * (step * 1024)
print("ready %d" % os.getpid(), flush=True)
n, t0 = 0, time.monotonic()
with open(path, "wb") as f:
    while True:
        while n * step < (time.monotonic() - t0) * rate and n * step < cap:
            f.write(chunk)
            f.flush()
            n += 1
        if select.select([sys.stdin], [], [], 0.05)[0] and not sys.stdin.read(1):
            break
"""


def slabinfo():
    """{cache: KiB} from /proc/slabinfo (ground truth)."""
    page_kb = os.sysconf("SC_PAGESIZE") // 1024
    sizes = {}
    with open("/proc/slabinfo") as f:
        for line in f.readlines()[2:]:
            w = line.split()
            sizes[w[0]] = int(w[14]) * int(w[5]) * page_kb
    return sizes


def first_flag(ticks, pred):
    """Seconds from the first tick to the first whose breakdown has a
    suspected row matching pred, and that row; (None, None) if none."""
    for t in ticks:
        for r in (t.get("breakdown") or {}).get("rows", []):
            if pred(r) and r["leak"] and r["leak"]["suspected"]:
                return t["time"] - ticks[0]["time"], r
    return None, None


class Scene:
    """Everything run once: see the module comment."""

    _made = None

    @classmethod
    def get(cls, binaries):
        if cls._made is None:
            cls._made = Scene(binaries)
            cls._made.run()
        return cls._made

    def __init__(self, binaries):
        self.binaries = binaries
        self.tmp = tempfile.mkdtemp(prefix="memtop-breakdown-")
        self.mnt = os.path.join(self.tmp, "grow")
        self.slabmnt = os.path.join(self.tmp, "files")
        self.mounted, self.runs, self.children = [], {}, []
        self.shm = self.creator = self.writer = self.shmid = None
        self.error = None
        self.slab_before = self.slab_after = None

    def mount(self, path, opts):
        os.mkdir(path)
        subprocess.check_call(["mount", "-t", "tmpfs", "-o", opts, "memtop-test", path])
        self.mounted.append(path)

    def done(self):
        """Whether every run has flagged all three."""
        for b, (proc, out) in self.runs.items():
            try:
                ticks = read_json_lines(out)
            except (AssertionError, UnicodeDecodeError):
                return False
            if not ticks or not all(first_flag(ticks, p)[0] is not None for p in self.preds()):
                return False
        return True

    def preds(self):
        return [lambda r: r["kind"] == "tmpfs" and r["name"] == self.mnt,
                lambda r: r["kind"] == "sysv_shm" and r.get("shmid") == self.shmid,
                lambda r: r["kind"] == "slab"]

    def run(self):
        if not require([SHMFILL] + self.binaries, "build/workloads/shmfill memtop build/asan/memtop"):
            self.error = "missing binaries"
            return
        try:
            self.mount(self.mnt, "size=64m")
            self.mount(self.slabmnt, "size=1m")
            self.slab_before = slabinfo()
            env = dict(os.environ, **SAN_ENV)
            for b in self.binaries:
                out = os.path.join(self.tmp, os.path.basename(os.path.dirname(b)) + "-" +
                                   os.path.basename(b) + ".out")
                with open(out, "wb") as f, open(out + ".err", "wb") as e:
                    p = subprocess.Popen([b, "-b", "-f", "json", "--breakdown", "-d", "0.5", "--no-history"],
                                         stdout=f, stderr=e, env=env)
                self.runs[b] = (p, out)
            self.shm = Workload([SHMFILL, "--rate-kib", str(RATE_KIB), "--step-kib", str(STEP_KIB)],
                                registry=self.children)
            self.shmid = int(self.shm.ready[2])
            self.creator = Workload([sys.executable, "-c", CREATOR, self.slabmnt, str(FILES_PER_S)],
                                    registry=self.children)
            self.writer = Workload([sys.executable, "-c", WRITER, os.path.join(self.mnt, "growing"),
                                    str(RATE_KIB), str(STEP_KIB), str(60 * 1024)], registry=self.children)
            self.start = time.monotonic()
            while time.monotonic() - self.start < RUN_MAX_S and \
                    (time.monotonic() - self.start < RUN_MIN_S or not self.done()):
                time.sleep(2)
            self.elapsed = time.monotonic() - self.start
            self.slab_after = slabinfo()
        except Exception as e:
            self.error = "scene failed: %r" % (e,)
        finally:
            self.stop_runs()

    def stop_runs(self):
        self.rc = {}
        for b, (p, out) in self.runs.items():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
            try:
                p.wait(STOP_S)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            self.rc[b] = p.returncode

    def close(self):
        for w in list(self.children):
            w.stop()
        if getattr(self, "shmid", None) is not None:   # shmfill removes it; killed, it could not
            subprocess.call(["ipcrm", "-m", str(self.shmid)], stderr=subprocess.DEVNULL)
        for b, (p, out) in self.runs.items():
            if p.poll() is None:
                p.kill()
                p.wait()
        for path in reversed(self.mounted):
            subprocess.call(["umount", path])
        subprocess.call(["rm", "-rf", self.tmp])

    def ticks(self, binary):
        assert self.error is None, self.error
        ticks = read_json_lines(self.runs[binary][1])
        assert ticks, "%s printed nothing: %s" % (binary, open(self.runs[binary][1] + ".err").read()[:600])
        return ticks


def test_tmpfs_mount_flagged(scene, binary):
    t, row = first_flag(scene.ticks(binary), scene.preds()[0])
    print("  %s: tmpfs %s flagged after %s s" % (binary, scene.mnt, t))
    assert t is not None and t <= FLAG_WITHIN_S, "the growing tmpfs was not flagged within %d s" % FLAG_WITHIN_S
    assert row["parent"] == "tmpfs" and row["kb"] > 0


def test_sysv_segment_flagged(scene, binary):
    t, row = first_flag(scene.ticks(binary), scene.preds()[1])
    print("  %s: SysV segment %d flagged after %s s" % (binary, scene.shmid, t))
    assert t is not None and t <= FLAG_WITHIN_S, "the segment being filled was not flagged within %d s" % \
        FLAG_WITHIN_S
    assert row["rss_kb"] > 0 and row["nattch"] == 0


def test_growing_slab_cache_named(scene, binary):
    """A suspected cache is one of the three that grew most (ground truth)."""
    ticks = scene.ticks(binary)
    grew = sorted(scene.slab_after, key=lambda c: scene.slab_before.get(c, 0) - scene.slab_after[c])[:3]
    t, row = first_flag(ticks, lambda r: r["kind"] == "slab" and r["name"] in grew)
    named = {r["name"] for tk in ticks for r in tk["breakdown"]["rows"]
             if r["kind"] == "slab" and r["leak"] and r["leak"]["suspected"]}
    print("  %s: grew most %s; suspected %s; first after %s s" % (binary, grew, sorted(named), t))
    assert t is not None and t <= FLAG_WITHIN_S, "no growing cache named within %d s" % FLAG_WITHIN_S


def test_no_process_flagged(scene, binary):
    """The writers are not leaks: their RSS does not grow. (This script is
    left out: it parses memtop's growing output to see when to stop.)"""
    ours = {scene.shm.pid, scene.creator.pid, scene.writer.pid}
    for t in scene.ticks(binary):
        for p in t["processes"]:
            if p["pid"] in ours:
                assert not p["leak"]["suspected"], "process %d (%s) flagged" % (p["pid"], p["comm"])


def test_rows_sum_to_memtotal(scene, binary):
    """Every tick: the counted rows make MemTotal; Shmem holds its parts."""
    for t in scene.ticks(binary):
        b = t["breakdown"]
        rows = b["rows"]
        assert b["sum_kb"] == b["mem_total_kb"]
        assert sum(r["kb"] for r in rows if r["in_total"]) == b["mem_total_kb"]
        part = {r["part"]: r["kb"] for r in rows if r["kind"] == "part"}
        assert part["tmpfs"] + part["sysv_shm"] + part["shmem_other"] >= part["shmem"] - 1024 or \
            part["shmem_other"] == 0


def test_clean_exit(scene, binary):
    assert scene.error is None, scene.error
    err = open(scene.runs[binary][1] + ".err").read()
    assert scene.rc[binary] in (0, -signal.SIGTERM), "exit %s: %s" % (scene.rc[binary], err[:800])
    assert "ERROR" not in err and "runtime error" not in err, err[:800]


TESTS = [test_tmpfs_mount_flagged, test_sysv_segment_flagged, test_growing_slab_cache_named,
         test_no_process_flagged, test_rows_sum_to_memtotal, test_clean_exit]


def main():
    start = time.monotonic()
    if os.geteuid() != 0:
        print("breakdown.py: skipped (mounting a tmpfs and reading /proc/slabinfo need root)")
        return 0
    binaries = os.environ.get("MEMTOP_BINS", "build/asan/memtop memtop").split()
    binaries = [os.path.join(ROOT, b) for b in binaries]
    scene = Scene.get(binaries)
    try:
        tests = []
        for binary in binaries:
            for test in TESTS:
                def one(test=test, binary=binary):
                    test(scene, binary)
                one.__name__ = test.__name__
                tests.append(one)
        passed, failed = run_tests(tests, lambda t: t(), sys.argv[1:])
    finally:
        scene.close()
    print("scene: %.1f s" % getattr(scene, "elapsed", -1))
    return finish("breakdown.py", start, passed, failed)


if __name__ == "__main__":
    sys.exit(main())
