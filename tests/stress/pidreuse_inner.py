#!/usr/bin/env python3
"""The PID-reuse test's body; tests/stress/run.py runs it as pid 1 of a new
PID namespace with its own /proc:

    unshare --pid --fork --mount-proc --kill-child python3 pidreuse_inner.py

Writing N-1 to /proc/sys/kernel/ns_last_pid makes the next process pid N.
A leaker (4 MiB/s) gets pid N; two batch memtops watch it, one the whole
namespace and one with -p N, until both flag it. Then the leaker is killed
and reaped and, at once (within one of memtop's ticks), a flat process
(hold 8) is started at the same pid N. From memtop's following samples, for
REUSE_WATCH_S seconds: pid N is only ever the new process (its start time),
whose first sample has delta_rss_kb null and which never has the leaker's
flag, score, "since" or growth. Prints what happened; exit status 1 on any
failure (and when the namespace or ns_last_pid does not work: never a skip).
When this process ends, the kernel kills whatever is left in the namespace.
"""
import json
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEMTOP = os.environ.get("STRESS_MEMTOP") or os.path.join(ROOT, "memtop")
HOLD = os.path.join(ROOT, "build", "workloads", "hold")
LEAKER = os.path.join(ROOT, "build", "workloads", "leaker")
NS_LAST_PID = "/proc/sys/kernel/ns_last_pid"
PID = 300                   # the pid the leaker and then the flat process get
DELAY = "0.5"
RATE_KB = 4096              # the leaker's KiB a second
FLAG_WAIT_S = 75            # the detector flags a steady leak in ~40 s
REUSE_WATCH_S = 10
GROWTH_NOISE = 1024         # KiB/min: more than this on the new process is inherited


def log(msg):
    print("pid reuse: %s" % msg)
    sys.stdout.flush()


def next_pid_will_be(pid):
    """Makes pid the next one handed out in this namespace."""
    try:
        with open(NS_LAST_PID, "w") as f:
            f.write(str(pid - 1))
    except OSError as e:
        raise AssertionError("cannot write %s: %s" % (NS_LAST_PID, e))


def start_time(pid):
    """Seconds since boot at which pid started (field 22 of stat), as memtop gives it."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[19]) / os.sysconf("SC_CLK_TCK")


class Batch:
    """A batch memtop whose JSON lines a thread collects (with parse errors)."""

    def __init__(self, name, args):
        self.name, self.samples, self.errors = name, [], []
        self.proc = subprocess.Popen([MEMTOP, "-b", "-d", DELAY, "--format", "json"] + args,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self):
        for raw in self.proc.stdout:
            try:
                tick = json.loads(raw.decode("utf-8"))
            except ValueError as e:
                with self.lock:
                    self.errors.append("%s: not JSON (%s): %r" % (self.name, e, raw[:200]))
                continue
            with self.lock:
                self.samples.append(tick)

    def records(self, pid, after=None):
        """(sample time, record of pid or None) for every sample later than after."""
        with self.lock:
            ticks = list(self.samples)
        out = []
        for t in ticks:
            if after is not None and t["time"] <= after:
                continue
            rec = [p for p in t["processes"] if p["pid"] == pid]
            out.append((t["time"], rec[0] if rec else None))
        return out

    def stop(self):
        """Ends memtop (SIGTERM); returns (exit status, stderr)."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            rc = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "killed after 10 s"
        self.thread.join(5)
        return rc, self.proc.stderr.read().decode(errors="replace")


def spawn_at(pid, args):
    """Starts args as pid (waits for its "ready" line); fails if it got another pid."""
    next_pid_will_be(pid)
    p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    if p.pid != pid:
        p.kill()
        p.wait()
        raise AssertionError("%s got pid %d, not %d: ns_last_pid did not decide the pid"
                             % (os.path.basename(args[0]), p.pid, pid))
    line = p.stdout.readline().decode()
    assert line.startswith("ready "), "%s did not start: %r" % (args[0], line)
    return p


def main():
    if os.getpid() != 1:
        raise AssertionError("not pid 1 of a new PID namespace (pid %d): run me under "
                             "unshare --pid --fork --mount-proc" % os.getpid())
    if not os.access(NS_LAST_PID, os.W_OK):
        raise AssertionError("%s is not writable here" % NS_LAST_PID)
    procs, batches = [], []
    try:
        leaker = spawn_at(PID, [LEAKER, "linear", "--rate", str(RATE_KB), "--duration", "300"])
        procs.append(leaker)
        leaker_start = start_time(PID)
        log("leaker (%d KiB/s) is pid %d, started %.2f s after boot" % (RATE_KB, PID, leaker_start))
        batches += [Batch("whole namespace", []), Batch("-p %d" % PID, ["-p", str(PID)])]

        t0 = time.monotonic()
        last = {}
        while True:
            for b in batches:
                recs = [r for _, r in b.records(PID) if r is not None]
                if recs:
                    last[b.name] = recs[-1]
            if len(last) == len(batches) and all(r["leak"]["suspected"] for r in last.values()):
                break
            if time.monotonic() - t0 > FLAG_WAIT_S:
                raise AssertionError("memtop did not flag the leaker within %d s; last records: %s"
                                     % (FLAG_WAIT_S, json.dumps(last)))
            for b in batches:
                if b.proc.poll() is not None:
                    raise AssertionError("memtop (%s) exited %s while watching the leaker: %s"
                                         % (b.name, b.proc.returncode, b.proc.stderr.read()))
            time.sleep(0.2)
        for name, r in sorted(last.items()):
            log("memtop (%s) flags pid %d after %.0f s: rss %d KiB, growth %s KiB/min, leak %s"
                % (name, PID, time.monotonic() - t0, r["rss_kb"], r["growth_kb_per_min"],
                   json.dumps(r["leak"])))
            assert abs(r["start_time"] - leaker_start) < 0.015, \
                "memtop gives the leaker start time %r, /proc %.2f" % (r["start_time"], leaker_start)

        # Reuse: the leaker dies and is reaped; the flat process takes its pid at once.
        leaker.kill()
        leaker.wait()
        t_dead = time.time()
        hold = spawn_at(PID, [HOLD, "8"])
        procs.append(hold)
        hold_start = start_time(PID)
        log("leaker killed; hold (8 MiB, flat) is now pid %d, started %.2f s after boot "
            "(%.0f ms after the leaker was reaped)" % (PID, hold_start, (time.time() - t_dead) * 1000))
        assert abs(hold_start - leaker_start) > 0.015, "the two processes have the same start time"
        time.sleep(REUSE_WATCH_S)

        problems = []
        for b in batches:
            seq = b.records(PID, after=t_dead)
            recs = [(t, r) for t, r in seq if r is not None]
            gaps = len(seq) - len(recs)
            new = [(t, r) for t, r in recs if abs(r["start_time"] - hold_start) < 0.015]
            other = [(t, r) for t, r in recs if abs(r["start_time"] - hold_start) >= 0.015]
            log("memtop (%s): %d samples after the reuse, %d of them without pid %d, %d of the new "
                "process, %d of another" % (b.name, len(seq), gaps, PID, len(new), len(other)))
            for t, r in other:
                problems.append("%s: pid %d at %.2f s after the reuse has start time %r (the "
                                "leaker's is %.2f, the new one's %.2f), rss %d KiB, leak %s"
                                % (b.name, PID, t - t_dead, r["start_time"], leaker_start,
                                   hold_start, r["rss_kb"], json.dumps(r["leak"])))
            if len(new) < int(REUSE_WATCH_S / float(DELAY)) - 4:
                problems.append("%s: only %d samples of the new process in %d s"
                                % (b.name, len(new), REUSE_WATCH_S))
                continue
            first = new[0][1]
            log("memtop (%s): first sample of the new pid %d: delta_rss_kb %r, growth %r, leak %s, "
                "rss %d KiB" % (b.name, PID, first["delta_rss_kb"], first["growth_kb_per_min"],
                                json.dumps(first["leak"]), first["rss_kb"]))
            if first["delta_rss_kb"] is not None:
                problems.append("%s: the new process's first sample has delta_rss_kb %r, not null"
                                % (b.name, first["delta_rss_kb"]))
            growths = []
            for t, r in new:
                g = r["growth_kb_per_min"]
                growths.append(g)
                leak = r["leak"]
                if leak["suspected"] or leak["since_s"] != 0 or leak["score"] >= 0.5:
                    problems.append("%s: the new process at %.1f s has the leak verdict %s"
                                    % (b.name, t - t_dead, json.dumps(leak)))
                if g is not None and abs(g) > GROWTH_NOISE:
                    problems.append("%s: the new process at %.1f s grows %.0f KiB/min (inherited?)"
                                    % (b.name, t - t_dead, g))
                if r["rss_kb"] > 64 * 1024:
                    problems.append("%s: the new process at %.1f s has rss %d KiB (the leaker's?)"
                                    % (b.name, t - t_dead, r["rss_kb"]))
            log("memtop (%s): growth of the new process over %d samples: %s"
                % (b.name, len(new), sorted(set("null" if g is None else "%.0f" % g for g in growths))))
        for b in batches:
            rc, err = b.stop()
            if rc != 0 or err or b.errors:
                problems.append("memtop (%s): exit %r, stderr %r, %s" % (b.name, rc, err[:300], b.errors[:3]))
        if problems:
            raise AssertionError("%d problems:\n  %s" % (len(problems), "\n  ".join(problems[:12])))
        log("ok: pid %d got a fresh history in both memtops" % PID)
    finally:
        for b in batches:
            b.stop()
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        log("FAIL: %s" % e)
        sys.exit(1)
