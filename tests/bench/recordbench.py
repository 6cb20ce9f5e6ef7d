#!/usr/bin/env python3
"""The cost of recording (memtop -w FILE, issue 17): CPU, bytes, RSS.

    recordbench.py [--memtop PATH] [--count N] [--wiggle S] [--seconds S] [--repeat N]
                   [--rss-minutes M | --hour]

Starts COUNT idle processes (build/bench/idlers -w WIGGLE, default 2,000 and 10 s:
each toggles one page every 10 s at its own phase, so ~10 % of them change each
second) and runs over them, in turn and REPEAT times (A/B/C, A/B/C, ...):

  A  the recorder at 1 s        memtop -w FILE -d 1
  B  batch JSON at 1 s          memtop -b -d 1 --format json > /dev/null
  C  the recorder at 5 s        memtop -w FILE (its default interval)

each for a warm-up (WARMUP, then to the middle of an interval) and a window of
SECONDS (whole intervals), then SIGTERM (it must exit 0). Measured:

  CPU    the memtop process's own CPU over the window (/proc/PID/task/*/schedstat,
         ns) per sample (window / interval: the window starts and ends mid-interval,
         so it holds exactly that many ticks); the recorder over batch, paired by
         repetition; and the share of one core;
  bytes  after the recorder exits, PRAGMA wal_checkpoint(TRUNCATE), then the
         file's pages minus its pages right after the first (full) tick, per
         process-sample (over tick.nprocs and the ticks after the first), per
         sample row, rows per tick; bytes a day at 2,000 processes extrapolated
         (the hourly full tick included);
  writes bytes the recorder passed to write(2) per sample (/proc/PID/io wchar:
         WAL frames and checkpoints), beside what the file grew;
  RSS    VmRSS every 2 s and VmHWM at the end of each run.

Then a long run of the recorder at 1 s for --rss-minutes (env RECORD_MINUTES,
default 5; --hour: 60) printing RSS at 1 min, at the end and the drift, and CPU
per sample in its second and its last minute. Last, a projection (SQL on the
longest 1-s recording, nothing of memtop's own thinning run): sample rows per
whole 15-s and 150-s bucket (distinct processes with a row in it) times the bytes
per row measured, for 30 days kept (1 day raw, 2 at 15 s, 27 at 150 s: the
recorder's tiers), and how many days fit in the default --max-size (1 GiB);
beside it the other extreme, a "hot set" (the same ~10 % change at every tick,
the rest never).

The report (markdown tables) goes to stdout, progress to stderr. Files live in
a temporary directory removed at the end; the idlers and memtop are stopped by
pid, also on Ctrl-C or an error. Measurements, not a pass/fail test: the targets
are printed beside the figures.
"""
import argparse
import collections
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import peers  # noqa: E402  (Idlers and the /proc readers)
from peers import alive, comm_of, cpu_exact_ms, cpu_ticks_ms, log, machine_busy_ms, status_kb  # noqa: E402

DAY = 86400
KEEP_DAYS = (1, 2, 27)              # raw, 15-s buckets, 150-s buckets (docs/recording.md)
BUCKETS_S = (15, 150)
MAX_SIZE = 1 << 30                  # the recorder's default --max-size
PER_DAY_PROCS = 2000                # the machine
RSS_EVERY = 2.0                     # seconds between VmRSS samples in a run
LONG_EVERY = 10.0                   # the same in the long run
TARGETS = {"ratio": 1.3, "core_pct": 1.0, "bytes_ps": 8.0, "rss_mib": 12.0}

Variant = collections.namedtuple("Variant", "key label interval record")
VARIANTS = (
    Variant("rec1", "memtop -w FILE -d 1", 1, True),
    Variant("batch1", "memtop -b -d 1 --format json > /dev/null", 1, False),
    Variant("rec5", "memtop -w FILE (default interval, 5 s)", 5, True),
)


# --- the machine ----------------------------------------------------------------

def cpu_by_pid():
    """utime+stime in ms of every process now, by pid (with its comm)."""
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                out[int(d)] = (cpu_ticks_ms(int(d)), comm_of(int(d)))
            except (OSError, IndexError, ValueError):
                pass
    return out


def busy_check(seconds=3.0):
    """How busy the machine is (% of one core) over a few seconds, and who is busy."""
    before, b0, t0 = cpu_by_pid(), machine_busy_ms(), time.monotonic()
    time.sleep(seconds)
    after, b1, t1 = cpu_by_pid(), machine_busy_ms(), time.monotonic()
    hogs = []
    for pid, (ms, comm) in after.items():
        pct = (ms - before.get(pid, (ms, None))[0]) / (t1 - t0) / 10.0
        if pct >= 5 and pid != os.getpid():
            hogs.append((pct, pid, comm))
    return (b1 - b0) / (t1 - t0) / 10.0, sorted(hogs, reverse=True)


def print_header(args, memtop):
    """The machine, the binary and the settings; warnings about other load."""
    version = peers.first_line([memtop, "-V"])
    built = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.stat(args.memtop).st_mtime))
    git = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip()
    print("# recordbench: the cost of memtop -w\n")
    print("`python3 tests/bench/recordbench.py %s`\n" % " ".join(sys.argv[1:]))
    print("%s; %s, %d cores; Linux %s; this tree at git %s" % (
        time.strftime("%Y-%m-%d %H:%M"), peers.cpu_model(), os.cpu_count(), platform.release(),
        git or "?"))
    print("%s: %s (built %s)" % (args.memtop, version, built))
    print("%d idlers -w %g (each toggles a page every %g s: ~%.0f %% change a second); "
          "warm-up %g s, window %g s, %d repetitions of A/B/C"
          % (args.count, args.wiggle, args.wiggle, 100 / args.wiggle, args.warmup, args.seconds,
             args.repeat))
    others = peers.foreign_monitors({os.getpid()})
    if others:
        print("WARNING: other monitors are running and will skew the figures: %s" % ", ".join(others))
    idlers = sum(1 for d in os.listdir("/proc") if d.isdigit() and comm_of(int(d)) == "idlers")
    if idlers:
        print("WARNING: %d idlers of another benchmark are running: every memtop here will see "
              "them too" % idlers)
    pct, hogs = busy_check()
    load = peers.read_text("/proc/loadavg").split()[:3]
    print("machine before the run: %.0f %% of a core busy, load %s" % (pct, " ".join(load)))
    if pct > 10:
        print("WARNING: the machine is busy (%s); the figures will be noisy"
              % (", ".join("%s %d: %.0f %%" % (c, p, x) for x, p, c in hogs[:5])
                 or "short-lived processes"))
    print()
    sys.stdout.flush()


# --- one memtop run ---------------------------------------------------------------

class Memtop:
    """A started memtop (stdout to /dev/null, stderr kept); stop() sends SIGTERM."""

    def __init__(self, argv, errpath):
        with open(errpath, "wb") as err:
            self.started = time.monotonic()
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err)
        self.pid, self.errpath, self.status = self.proc.pid, errpath, None

    def check(self):
        if self.proc.poll() is not None:
            raise RuntimeError("memtop exited early (status %d): %s"
                               % (self.proc.returncode, self.stderr()))

    def stop(self):
        """SIGTERM, then (exit status, seconds it took to exit); SIGKILL after 30 s."""
        if self.status is None and self.proc.poll() is not None:
            self.status = (self.proc.returncode, 0.0)      # it had ended on its own
        if self.status is None:
            t0 = time.monotonic()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                log("recordbench: memtop %d ignored SIGTERM for 30 s; killed" % self.pid)
            self.status = (self.proc.returncode, time.monotonic() - t0)
        return self.status

    def stderr(self):
        with open(self.errpath, "rb") as f:
            return f.read().decode("utf-8", "replace").strip()


def connect(db):
    """A connection to an existing recording (never creates the file)."""
    return sqlite3.connect("file:%s?mode=rw" % db, uri=True, timeout=1, isolation_level=None)


GROUPS = (("sample", ("sample",)), ("tick", ("tick", "tick_t")),
          ("processes", ("proc", "proc_key", "ident", "ident_proc")),
          ("cgroups", ("cgroup", "cgroup_sample", "sqlite_autoindex_cgroup_1")))


def bytes_by_group(con, page_size):
    """The recording's pages by what they hold (GROUPS, the rest as "other"), in bytes."""
    out = collections.Counter()
    for name, pages in con.execute("SELECT name, count(*) FROM dbstat GROUP BY name"):
        group = next((g for g, names in GROUPS if name in names), "other")
        out[group] += pages * page_size
    return out


def first_tick(db, memtop, timeout=30):
    """(tick id, bytes, bytes by group) of the recording as soon as its first tick is
    committed: the pages a reader's snapshot holds then, the WAL's included."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        memtop.check()
        if os.path.exists(db) and os.path.getsize(db) > 0:
            try:
                con = connect(db)
                try:
                    con.execute("BEGIN")
                    tick = con.execute("SELECT max(id) FROM tick").fetchone()[0]
                    pages = con.execute("PRAGMA page_count").fetchone()[0]
                    size = con.execute("PRAGMA page_size").fetchone()[0]
                    groups = bytes_by_group(con, size) if tick is not None else None
                    con.execute("COMMIT")
                finally:
                    con.close()
                if tick is not None:
                    return tick, pages * size, groups
            except sqlite3.Error:
                pass                      # not created yet, or locked for a moment
        time.sleep(0.05)
    raise RuntimeError("no tick in %s after %d s" % (db, timeout))


def watch_until(deadline, memtop, rss, every):
    """Samples VmRSS into rss every `every` seconds until deadline (monotonic)."""
    while True:
        memtop.check()
        now = time.monotonic()
        rss.append((now - memtop.started, status_kb(memtop.pid, "VmRSS")))
        if now >= deadline:
            return
        time.sleep(min(every, deadline - now))


def window(interval, warmup, seconds):
    """(start, length) of the measured window after memtop starts: from mid-interval
    after the warm-up, whole intervals long, so it holds a known number of ticks."""
    ticks = max(1, round(seconds / interval))
    start = (int(warmup / interval) + 1) * interval - interval / 2
    return start, ticks * interval


def written(pid):
    """Bytes pid has passed to write(2) and friends so far (/proc/PID/io wchar)."""
    for line in peers.read_text("/proc/%d/io" % pid).splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0


def cpu_ms(pid):
    """(schedstat ms of every thread, stat ms) of pid."""
    return cpu_exact_ms(pid), cpu_ticks_ms(pid)


def cpu_between(a, b):
    """CPU ms between two cpu_ms readings (the coarse figure if a thread ended)."""
    exact, ticks = b[0] - a[0], b[1] - a[1]
    return ticks if ticks - exact > 20 else exact


def variant_argv(variant, memtop, db):
    if variant.record:
        return [memtop, "-w", db] + ([] if variant.interval == 5 else ["-d", "%g" % variant.interval])
    return [memtop, "-b", "-d", "%g" % variant.interval, "--format", "json"]


def measure(variant, ctx, n):
    """One run of a variant: CPU over the window, RSS, and the recording's size."""
    db = os.path.join(ctx.tmpdir, "%s-%d.db" % (variant.key, n)) if variant.record else None
    memtop = Memtop(variant_argv(variant, ctx.memtop, db),
                    os.path.join(ctx.tmpdir, "%s-%d.err" % (variant.key, n)))
    ctx.running = memtop
    rss = []
    try:
        base = first_tick(db, memtop) if db else None
        start, length = window(variant.interval, ctx.args.warmup, ctx.args.seconds)
        watch_until(memtop.started + start, memtop, rss, RSS_EVERY)
        c0, b0, t0, w0 = cpu_ms(memtop.pid), machine_busy_ms(), time.monotonic(), written(memtop.pid)
        watch_until(t0 + length, memtop, rss, RSS_EVERY)
        c1, b1, t1, w1 = cpu_ms(memtop.pid), machine_busy_ms(), time.monotonic(), written(memtop.pid)
        hwm, end_rss = status_kb(memtop.pid, "VmHWM"), status_kb(memtop.pid, "VmRSS")
        procs = peers.process_count()
    finally:
        status, stop_s = memtop.stop()
        ctx.running = None
    cpu = cpu_between(c0, c1)
    samples = length / variant.interval
    r = {"cpu_ms": cpu, "window_s": t1 - t0, "ms_per_sample": cpu / samples,
         "core_pct": cpu / (t1 - t0) / 10.0, "others_pct": max(0.0, b1 - b0 - cpu) / (t1 - t0) / 10.0,
         "hwm_kb": hwm, "end_rss_kb": end_rss, "max_rss_kb": max(v for _, v in rss),
         "written_per_sample": (w1 - w0) / samples, "procs": procs,
         "status": status, "stop_s": stop_s, "stderr": memtop.stderr()}
    if db:
        r.update(recording_stats(db, base))
        r["db"] = db
    return r


# --- the recording ------------------------------------------------------------------

def recording_stats(db, base):
    """The recording's growth after its first tick, per process-sample and per row
    (after a TRUNCATE checkpoint; memtop has exited)."""
    base_tick, base_bytes, base_groups = base
    wal = db + "-wal"
    wal_bytes = os.path.getsize(wal) if os.path.exists(wal) else 0
    con = connect(db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        q = lambda sql, *a: con.execute(sql, a).fetchone()   # noqa: E731
        pages, page_size, free = (q("PRAGMA page_count")[0], q("PRAGMA page_size")[0],
                                  q("PRAGMA freelist_count")[0])
        ticks, nprocs = q("SELECT count(*), avg(nprocs) FROM tick WHERE id > ?", base_tick)
        rows = q("SELECT count(*) FROM sample WHERE tick > ?", base_tick)[0]
        intervals = [r[0] for r in con.execute(
            "SELECT DISTINCT interval_ms FROM tick WHERE id > ?", (base_tick,))]
        full = q("SELECT count(*) FROM tick WHERE id > ? AND full", base_tick)[0]
        groups = bytes_by_group(con, page_size)
    finally:
        con.close()
    growth = pages * page_size - base_bytes
    groups.subtract(base_groups)
    return {"file_bytes": os.path.getsize(db), "wal_bytes_at_exit": wal_bytes,
            "free_pages": free, "ticks": ticks, "nprocs": nprocs or 0, "rows": rows,
            "growth": growth, "rows_per_tick": rows / ticks if ticks else None,
            "bytes_ps": growth / (ticks * nprocs) if ticks else None,
            "changed_pct": 100.0 * rows / (ticks * nprocs) if ticks else None,
            "bytes_row": growth / rows if rows else None, "intervals_ms": intervals,
            "full_ticks": full, "base_tick": base_tick, "growth_by": dict(groups),
            "sample_bytes_ps": groups["sample"] / (ticks * nprocs) if ticks else None}


def bytes_per_day(r, interval, procs=PER_DAY_PROCS):
    """Bytes a day at `procs` processes, from a run's growth per process-sample;
    the hourly full tick (a row for every process) added."""
    scale = procs / r["nprocs"]
    per_tick = r["bytes_ps"] * procs
    extra_rows = 24 * max(0.0, procs - r["rows_per_tick"] * scale)
    return DAY / interval * per_tick + extra_rows * r["bytes_row"]


def bucket_rows(db, base_tick, width_s):
    """(mean distinct processes with a sample row per whole bucket of width_s, the
    number of whole buckets, the mean tick.nprocs) after the first tick; buckets are
    aligned as memtop's thinning aligns them (t / width)."""
    con = connect(db)
    try:
        lo, hi, iv, nprocs = con.execute(
            "SELECT min(t), max(t), max(interval_ms), avg(nprocs) FROM tick WHERE id > ?",
            (base_tick,)).fetchone()
        w = width_s * 1000
        first, last = lo // w + 1, (hi + iv) // w - 1     # a tick before it, one at its end
        if last < first:
            return None, 0, nprocs
        pairs = con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT k.t / ? AS b, s.proc FROM sample s"
            " JOIN tick k ON k.id = s.tick WHERE k.id > ? AND k.t >= ? AND k.t < ?)",
            (w, base_tick, first * w, (last + 1) * w)).fetchone()[0]
    finally:
        con.close()
    return pairs / (last - first + 1), last - first + 1, nprocs


# --- the long run ---------------------------------------------------------------------

# One reading of the long run: seconds since start, VmRSS and its parts (KiB),
# CPU ms so far, the recording's bytes (its -wal included).
Point = collections.namedtuple("Point", "t rss anon file shmem cpu size")


def read_point(memtop, db):
    size = sum(os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p))
    kb = [status_kb(memtop.pid, k) for k in ("VmRSS", "RssAnon", "RssFile", "RssShmem")]
    return Point(time.monotonic() - memtop.started, *kb, cpu_exact_ms(memtop.pid), size)


def long_run(ctx, minutes):
    """The recorder at 1 s for `minutes`: VmRSS, CPU and file size every 10 s."""
    db = os.path.join(ctx.tmpdir, "long.db")
    memtop = Memtop([ctx.memtop, "-w", db, "-d", "1"], os.path.join(ctx.tmpdir, "long.err"))
    ctx.running = memtop
    points = []
    try:
        base = first_tick(db, memtop)
        end = memtop.started + minutes * 60
        next_log = 60
        while True:
            memtop.check()
            now = time.monotonic()
            points.append(read_point(memtop, db))
            if points[-1].t >= next_log:
                log("long run: %.0f min, VmRSS %.2f MiB (anon %.2f), recording %s"
                    % (points[-1].t / 60, mib(points[-1].rss), mib(points[-1].anon),
                       human(points[-1].size)))
                next_log += 60
            if now >= end:
                break
            time.sleep(min(LONG_EVERY, end - now))
        hwm = status_kb(memtop.pid, "VmHWM")
    finally:
        status, _ = memtop.stop()
        ctx.running = None
    r = {"minutes": minutes, "points": points, "hwm_kb": hwm, "status": status,
         "stderr": memtop.stderr(), "db": db}
    r.update(recording_stats(db, base))
    return r


def point_at(points, t):
    """The long run's reading nearest t seconds."""
    return min(points, key=lambda p: abs(p.t - t))


def minute_cpu(points, t_from, t_to):
    """ms of CPU per second (= per sample at 1 s) between the points nearest t_from and t_to."""
    a, b = point_at(points, t_from), point_at(points, t_to)
    return (b.cpu - a.cpu) / (b.t - a.t) if b.t > a.t else None


# --- the report ------------------------------------------------------------------------

def med(runs, key):
    return statistics.median(r[key] for r in runs)


def spread(values, fmt):
    return (fmt + "–" + fmt) % (min(values), max(values)) if len(values) > 1 else ""


def mib(kb):
    return kb / 1024.0


def human(n):
    """Bytes as MiB or GiB."""
    return "%.2f GiB" % (n / 2 ** 30) if n >= 2 ** 30 else "%.1f MiB" % (n / 2 ** 20)


def verdict(value, target):
    return "yes" if value <= target else "NO"


def row(cells):
    print("| " + " | ".join(cells) + " |")


def print_summary(runs, long):
    """The main table: CPU, ratio, share of a core, bytes, RSS, each with its target."""
    rec1, batch1, rec5 = (runs[v.key] for v in VARIANTS)
    ratios = [a["ms_per_sample"] / b["ms_per_sample"] for a, b in zip(rec1, batch1)]
    ratio = statistics.median(ratios)
    row(["measure", "median", "range", "target", "met"])
    row(["---"] * 5)

    def line(label, key, runs_, fmt, target=None, scale=1.0):
        values = [r[key] * scale for r in runs_]
        value = statistics.median(values)
        row([label, fmt % value, spread(values, fmt), "≤ %g" % target if target else "",
             verdict(value, target) if target else ""])

    line("CPU per sample, recorder -d 1 (ms)", "ms_per_sample", rec1, "%.2f")
    line("CPU per sample, batch JSON -d 1 (ms)", "ms_per_sample", batch1, "%.2f")
    row(["recorder / batch, paired by repetition", "%.2f" % ratio, spread(ratios, "%.2f"),
         "≤ %g" % TARGETS["ratio"], verdict(ratio, TARGETS["ratio"])])
    line("recorder's share of a core, -d 1 (%)", "core_pct", rec1, "%.2f", TARGETS["core_pct"])
    line("batch's share of a core, -d 1 (%)", "core_pct", batch1, "%.2f")
    line("CPU per sample, recorder at 5 s (ms)", "ms_per_sample", rec5, "%.2f")
    line("recorder's share of a core, 5 s (%)", "core_pct", rec5, "%.2f", TARGETS["core_pct"])
    line("bytes per process-sample, -d 1", "bytes_ps", rec1, "%.2f", TARGETS["bytes_ps"])
    line("… of which the sample table, -d 1", "sample_bytes_ps", rec1, "%.2f")
    line("bytes per process-sample, 5 s (more change a tick)", "bytes_ps", rec5, "%.2f")
    line("sample rows per tick, -d 1 (% of the processes)", "changed_pct", rec1, "%.1f")
    line("sample rows per tick, 5 s (% of the processes)", "changed_pct", rec5, "%.1f")
    line("sample rows per tick, -d 1", "rows_per_tick", rec1, "%.0f")
    line("sample rows per tick, 5 s", "rows_per_tick", rec5, "%.0f")
    line("KiB written per sample (write(2): WAL, checkpoints), -d 1", "written_per_sample", rec1, "%.1f",
         scale=1 / 1024)
    line("KiB written per sample (write(2): WAL, checkpoints), 5 s", "written_per_sample", rec5, "%.1f",
         scale=1 / 1024)
    line("bytes per sample row (all tables), -d 1", "bytes_row", rec1, "%.2f")
    line("bytes per sample row (all tables), 5 s", "bytes_row", rec5, "%.2f")
    per_day = {k: [bytes_per_day(r, iv) / 2 ** 20 for r in runs[k]] for k, iv in (("rec1", 1), ("rec5", 5))}
    for k, label in (("rec1", "-d 1"), ("rec5", "5 s")):
        v = per_day[k]
        row(["MiB a day at 2,000 processes, %s (extrapolated)" % label,
             "%.0f" % statistics.median(v), spread(v, "%.0f"), "", ""])
    line("recorder RSS peak (VmHWM), -d 1 (MiB)", "hwm_kb", rec1, "%.2f", TARGETS["rss_mib"], 1 / 1024)
    line("recorder RSS at the end, -d 1 (MiB)", "end_rss_kb", rec1, "%.2f", TARGETS["rss_mib"], 1 / 1024)
    line("recorder RSS peak (VmHWM), 5 s (MiB)", "hwm_kb", rec5, "%.2f", TARGETS["rss_mib"], 1 / 1024)
    line("batch RSS peak (VmHWM), -d 1 (MiB)", "hwm_kb", batch1, "%.2f", scale=1 / 1024)
    if long:
        at1, end = point_at(long["points"], 60), long["points"][-1]
        row(["long run %g min at -d 1: RSS at 1 min → end (MiB)" % long["minutes"],
             "%.2f → %.2f" % (mib(at1.rss), mib(end.rss)), "drift %+d KiB" % (end.rss - at1.rss),
             "≤ %g" % TARGETS["rss_mib"], verdict(mib(long["hwm_kb"]), TARGETS["rss_mib"])])
    print()


def print_runs(runs):
    """Every run, for the record: the noise and the rest of the machine's load."""
    row(["run", "variant", "processes", "ms/sample", "% core", "B/proc-sample", "rows/tick",
         "growth KiB: " + " / ".join(g for g, _ in GROUPS) + " / other",
         "VmHWM MiB", "rest of machine % core", "exit, stop s"])
    row(["---"] * 11)
    for v in VARIANTS:
        for i, r in enumerate(runs[v.key]):
            row([str(i + 1), v.label, str(r["procs"]), "%.2f" % r["ms_per_sample"], "%.2f" % r["core_pct"],
                 "%.2f" % r["bytes_ps"] if v.record else "", "%.0f" % r["rows_per_tick"] if v.record else "",
                 growth_text(r) if v.record else "", "%.2f" % mib(r["hwm_kb"]), "%.0f" % r["others_pct"],
                 "%s, %.2f" % (r["status"], r["stop_s"])])
    print()


def growth_text(r):
    """The file's growth after the first tick by what it holds, KiB."""
    names = [g for g, _ in GROUPS] + ["other"]
    return " / ".join("%.0f" % (r["growth_by"].get(g, 0) / 1024) for g in names)


def print_long(long):
    """RSS at 1 min and at the end, the drift, and CPU early and late in the run."""
    pts = long["points"]
    at1, end = point_at(pts, 60), pts[-1]
    print("Long run: memtop -w FILE -d 1 for %g min over the same processes (VmRSS every %g s):"
          % (long["minutes"], LONG_EVERY))
    print("  RSS at 1 min %.2f MiB, at the end %.2f MiB, peak (VmHWM) %.2f MiB, drift %+d KiB"
          % (mib(at1.rss), mib(end.rss), mib(long["hwm_kb"]), end.rss - at1.rss))
    print("  of which anonymous %.2f → %.2f MiB, file %.2f → %.2f, shared memory %.2f → %.2f"
          % (mib(at1.anon), mib(end.anon), mib(at1.file), mib(end.file), mib(at1.shmem),
             mib(end.shmem)))
    if end.t >= 600:
        print("  RSS every 10 min: " + ", ".join(
            "%.2f" % mib(point_at(pts, m * 60).rss) for m in range(0, int(end.t / 60) + 1, 10)))
    early, late = minute_cpu(pts, 60, 120), minute_cpu(pts, end.t - 60, end.t)
    if early is not None and late is not None and end.t >= 180:
        print("  CPU per sample: %.2f ms in the second minute, %.2f ms in the last" % (early, late))
    print("  recording: %s after %d ticks (%.2f B per process-sample, %.2f of them the sample "
          "table; %.0f rows a tick); exit %s"
          % (human(long["file_bytes"]), long["ticks"] + 1, long["bytes_ps"], long["sample_bytes_ps"],
             long["rows_per_tick"], long["status"]))
    print("  growth after the first tick, KiB (%s / other): %s"
          % (" / ".join(g for g, _ in GROUPS), growth_text(long)))
    print()


def projection(runs, long):
    """30 days kept at 2,000 processes, from bucket row counts in the longest 1-s
    recording times the bytes per row measured: a projection, printed as one."""
    rec1, rec5 = runs["rec1"], runs["rec5"]
    src = long if long and long["ticks"] > rec1[-1]["ticks"] else rec1[-1]
    buckets = [bucket_rows(src["db"], src["base_tick"], w) for w in BUCKETS_S]
    print("## Projection (an estimate from SQL, not a measurement): 30 days kept, 2,000 processes\n")
    print("From %s (%d ticks at 1 s after the first): sample rows per whole bucket = distinct"
          % ("the long run" if src is long else "the last 1-s run", src["ticks"]))
    print("(bucket, process) pairs among its sample rows / whole buckets; memtop's thinning keeps one")
    print("row per such pair. Scaled from %.0f to 2,000 processes. Bytes per row: the growth per sample"
          % src["nprocs"])
    print("row measured above (all tables); a thinned row may hold up to three more small integers")
    print("(the bucket's minima), a few bytes more.\n")
    per_bucket = []
    for (rows, whole, nprocs), w in zip(buckets, BUCKETS_S):
        if rows is None:
            print("- %d-s buckets: no whole bucket in the recording; taken as every process "
                  "(an upper bound)" % w)
            per_bucket.append(PER_DAY_PROCS)
        else:
            print("- %d-s buckets: %.0f rows each (%d whole bucket(s); %.0f %% of the processes)"
                  % (w, rows, whole, 100 * rows / nprocs))
            per_bucket.append(rows * PER_DAY_PROCS / nprocs)
    print("- the 5-s projection uses the same bucket counts (a 5-s sampler sees at most the changes a "
          "1-s one sees: an upper bound)")
    hot = statistics.median(r["rows_per_tick"] * PER_DAY_PROCS / r["nprocs"] for r in rec1)
    print("- \"hot set\" rows: the other extreme, not measured: the same %.0f processes (the rows a "
          "1-s tick has) change at every tick and the others never, so a bucket has as many rows as "
          "a tick\n" % hot)
    b1, b5 = (statistics.median(r["bytes_row"] for r in rs) for rs in (rec1, rec5))
    raw1, raw5 = (statistics.median(bytes_per_day(r, iv) for r in rs) for rs, iv in ((rec1, 1), (rec5, 5)))
    raw5_hot = (DAY / 5 * hot + 24 * (PER_DAY_PROCS - hot)) * b1
    row(["interval, changes", "bytes/row", "%d day raw" % KEEP_DAYS[0], "%d days at 15 s" % KEEP_DAYS[1],
         "%d days at 150 s" % KEEP_DAYS[2], "30 days", "days that fit in --max-size 1 GiB"])
    row(["---"] * 7)
    for label, raw, buckets_, b_row in (
            ("1 s, each process every 10 s", raw1, per_bucket, b1),
            ("5 s (default), each process every 10 s", raw5, per_bucket, b5),
            ("1 s, hot set", raw1, [hot, hot], b1),
            ("5 s (default), hot set", raw5_hot, [hot, hot], b1)):
        tiers = thirty_days(raw, buckets_, b_row)
        row([label, "%.1f" % b_row] + [human(x) for x in tiers] + [human(sum(tiers)),
                                                                    "%.1f" % days_within(tiers, MAX_SIZE)])
    print()


def days_within(tiers, cap):
    """How many days (newest first: the raw day, then the 15-s, then the 150-s tier)
    fit in cap bytes; size retention drops the oldest ticks first."""
    days = 0.0
    for n, size in zip(KEEP_DAYS, tiers):
        fit = min(n, cap / (size / n))
        days += fit
        cap -= fit * size / n
        if fit < n:
            break
    return days


def thirty_days(raw_day, per_bucket, b_row):
    """Bytes in each tier of 30 days kept: a day of raw ticks at raw_day bytes, then
    per_bucket[i] rows of b_row bytes in each bucket of the later tiers."""
    return [raw_day * KEEP_DAYS[0]] + [KEEP_DAYS[i + 1] * DAY / w * per_bucket[i] * b_row
                                       for i, w in enumerate(BUCKETS_S)]


def print_odd(runs, long):
    """Anything a reader should know: non-zero exits, stderr, intervals, a busy machine."""
    notes = []
    every = [(v.label, r) for v in VARIANTS for r in runs[v.key]] + ([("long run", long)] if long else [])
    for label, r in every:
        if r["status"] != 0:
            notes.append("%s exited with status %s after SIGTERM" % (label, r["status"]))
        if r["stderr"]:
            notes.append("%s said on stderr: %s" % (label, r["stderr"].replace("\n", " / ")[:300]))
        if r.get("wal_bytes_at_exit"):
            notes.append("%s left a %d-byte -wal file after it exited"
                         % (label, r["wal_bytes_at_exit"]))
        if r.get("free_pages"):
            notes.append("%s: %d free pages in the file" % (label, r["free_pages"]))
        if r.get("procs", 0) > 1.1 * runs["rec1"][0]["procs"]:
            notes.append("%s: %d processes at the end (something else started many)" % (label, r["procs"]))
        if r.get("others_pct", 0) > 30:
            notes.append("%s: the rest of the machine used %.0f %% of a core meanwhile"
                         % (label, r["others_pct"]))
    for v in VARIANTS:
        for r in runs[v.key]:
            if v.record and any(abs(ms - v.interval * 1000) > 50 for ms in r["intervals_ms"]):
                notes.append("%s: tick intervals %s ms, not %d" % (v.label, r["intervals_ms"],
                                                                  v.interval * 1000))
    for n in notes:
        print("NOTE: " + n)
    if notes:
        print()


# --- main ---------------------------------------------------------------------------------

class Context:
    """The options, the scratch dir, the binary copy, and the memtop running now."""

    def __init__(self, args, tmpdir, memtop):
        self.args, self.tmpdir, self.memtop, self.running = args, tmpdir, memtop, None


def run_all(ctx):
    """The interleaved runs, then the long run; returns (runs by variant, long or None)."""
    runs = {v.key: [] for v in VARIANTS}
    for rep in range(ctx.args.repeat):
        for v in VARIANTS:
            r = measure(v, ctx, rep)
            runs[v.key].append(r)
            log("run %d/%d %-42s %6.2f ms/sample, %5.2f %% of a core, VmHWM %.2f MiB%s; "
                "rest of the machine %.0f %%"
                % (rep + 1, ctx.args.repeat, v.label, r["ms_per_sample"], r["core_pct"],
                   mib(r["hwm_kb"]), ", %.2f B/process-sample, %.0f rows/tick"
                   % (r["bytes_ps"], r["rows_per_tick"]) if v.record else "", r["others_pct"]))
            if v.record and rep + 1 < ctx.args.repeat:
                remove_recording(r["db"])        # the last of each is kept for the projection
    long = None
    if ctx.args.rss_minutes > 0:
        log("long run: %g min" % ctx.args.rss_minutes)
        long = long_run(ctx, ctx.args.rss_minutes)
    return runs, long


def remove_recording(db):
    for p in (db, db + "-wal", db + "-shm"):
        if os.path.exists(p):
            os.unlink(p)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--memtop", default=os.path.join(ROOT, "memtop"),
                   help="the memtop binary (with -w) to measure (default ROOT/memtop)")
    p.add_argument("--count", type=int, default=2000, help="idle processes (default 2000)")
    p.add_argument("--wiggle", type=float, default=10,
                   help="each idler toggles a page every WIGGLE s (default 10: ~10 %% a second)")
    p.add_argument("--seconds", type=float, default=60, help="measured window per run (default 60)")
    p.add_argument("--warmup", type=float, default=5, help="seconds before the window (default 5)")
    p.add_argument("--repeat", type=int, default=3, help="repetitions of A/B/C (default 3)")
    p.add_argument("--rss-minutes", type=float, default=float(os.environ.get("RECORD_MINUTES", "5")),
                   help="length of the long RSS run, 0 to skip (default $RECORD_MINUTES or 5)")
    p.add_argument("--hour", action="store_const", const=60, dest="rss_minutes",
                   help="the long run lasts 60 minutes")
    args = p.parse_args(argv)
    if args.repeat < 1 or args.seconds < 5 or args.count < 1 or args.wiggle <= 0:
        p.error("--repeat and --count must be positive, --seconds at least 5")
    return args


def main(argv):
    args = parse_args(argv)
    for path in (args.memtop, peers.IDLERS):
        if not os.access(path, os.X_OK):
            raise SystemExit("recordbench: %s is missing; run `make memtop build/bench/idlers`" % path)
    if "--write" not in subprocess.run([args.memtop, "--help"], capture_output=True, text=True).stdout:
        raise SystemExit("recordbench: %s has no recorder (-w); give one with --memtop" % args.memtop)
    with tempfile.TemporaryDirectory(prefix="memtop-recordbench-") as tmpdir:
        os.mkdir(os.path.join(tmpdir, "bin"))
        # A copy: a rebuild during the run cannot change what is measured.
        memtop = shutil.copy2(args.memtop, os.path.join(tmpdir, "bin", "memtop"))
        print_header(args, memtop)
        ctx = Context(args, tmpdir, memtop)
        signal.signal(signal.SIGTERM, peers.on_signal)
        signal.signal(signal.SIGHUP, peers.on_signal)
        try:
            with peers.Idlers(args.count, args.wiggle):
                time.sleep(2)                     # the fork storm's aftermath
                runs, long = run_all(ctx)
                print_summary(runs, long)
                print_runs(runs)
                if long:
                    print_long(long)
                projection(runs, long)
                print_odd(runs, long)
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_IGN)      # let the clean-up finish
            if ctx.running and alive(ctx.running.pid):
                ctx.running.proc.kill()
                ctx.running.proc.wait()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        log("recordbench: interrupted; everything started was stopped")
        sys.exit(130)
