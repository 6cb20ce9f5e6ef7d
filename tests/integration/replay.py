#!/usr/bin/env python3
"""Integration tests of memtop -r (replay) and --history against a real
recording.

One recording is made first, with the release build (-b -f json -w: what
was printed live is kept beside it): a fast leaker, a flat process and
churn, for 40 s on a clock four times faster than the real one
(MEMTOP_CLOCK_SCALE; 10 s of real time), long enough for the leaker to be
flagged. Then each binary of MEMTOP_BINS (default: the sanitizer build and
the release build) replays it. (History on start-up needs the real clock:
tests/e2e/run.py starts a live screen from a real recording, and
test_replay.c a live monitor from two recorded hours.) Prints "N passed,
N failed" last; exit status 1 when anything failed. Run from make
integration.
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from recording import integrity, run_memtop  # noqa: E402
from suite import finish, run_tests  # noqa: E402
from workload import Hold, Leaker  # noqa: E402

# Fields a recording does not keep (docs/recording.md, "Limits"), and the
# ones that follow from the clock's milliseconds.
NOT_RECORDED = {"file_kb", "shmem_kb", "data_kb", "heap_kb", "detail_age_s"}


class Recorded:
    """The shared recording: its path, what memtop printed while making it,
    and the leaker's pid (still running, for the history tests)."""
    dir = path = None
    live = []
    leaker = flat = odd = nameless = None


def make_recording():
    Recorded.dir = tempfile.mkdtemp(prefix="memtop-replay-")
    Recorded.path = os.path.join(Recorded.dir, "rec.db")
    Recorded.leaker = Leaker("linear", "--rate", "2048").__enter__()
    Recorded.flat = Hold(16).__enter__()
    # What a busy machine has that a quiet one may not: a command line past
    # what the sampler keeps (cut, with escapes and backslashes in it), a
    # hostile name, a user with no name.
    Recorded.odd = Hold(4, comm=b"odd\\\x1b[31m", argv0="arg\\zero\x1b]0;x\x07" + "y" * 40000).__enter__()
    Recorded.nameless = subprocess.Popen(["sleep", "600"], user=54321, group=54321)
    churn = subprocess.Popen(["sh", "-c", "while :; do sleep 0.7 & sleep 0.3; done"], start_new_session=True)
    try:
        p = subprocess.run([os.path.join(ROOT, "memtop"), "-b", "-f", "json", "--cgroups", "-w", Recorded.path,
                            "-d", "0.125", "-n", "100"], capture_output=True, timeout=120,
                           env=dict(os.environ, MEMTOP_CLOCK_SCALE="4"))
    finally:
        os.killpg(churn.pid, signal.SIGKILL)
        churn.wait()
    assert p.returncode == 0 and p.stderr == b"", p.stderr
    Recorded.live = [json.loads(line) for line in p.stdout.decode().splitlines()]
    assert len(Recorded.live) == 100
    flagged = [t for t in Recorded.live for q in t["processes"]
               if q["pid"] == Recorded.leaker.pid and q["leak"]["suspected"]]
    assert flagged, "the leaker was never flagged live: nothing to compare"
    odd = [q for t in Recorded.live for q in t["processes"] if q["pid"] == Recorded.odd.pid]
    assert odd and all(q["cmdline_truncated"] and "\\e" in q["cmdline"] for q in odd), odd[:1]
    nameless = [q for q in Recorded.live[-1]["processes"] if q["pid"] == Recorded.nameless.pid]
    assert nameless and nameless[0]["user"] == "54321", nameless


def drop_recording():
    for w in (Recorded.leaker, Recorded.flat, Recorded.odd):
        if w:
            w.stop()
    if Recorded.nameless:
        Recorded.nameless.kill()
        Recorded.nameless.wait()
    if Recorded.dir:
        shutil.rmtree(Recorded.dir, ignore_errors=True)


def comparable(tick):
    """A printed tick without what a recording does not keep."""
    t = {k: v for k, v in tick.items() if k not in ("interval", "elapsed", "processes")}
    t["processes"] = [{k: v for k, v in q.items() if k not in NOT_RECORDED} for q in tick["processes"]]
    return t


def test_replay_prints_what_was_live(memtop):
    """memtop -r FILE -b -f json prints, sample by sample, what memtop printed
    while recording: the same processes, values, names, deltas, growth rates
    and leak verdicts (the detector fed the recorded series), the machine's
    memory, PSI and OOM line, and with --cgroups the same cgroups, readings
    and cgroup verdicts."""
    rc, out, err = run_memtop(memtop, ["-r", Recorded.path, "-b", "-f", "json", "--cgroups"])
    assert rc == 0 and err == "", (rc, err)
    replayed = [json.loads(line) for line in out.splitlines()]
    # The cgroups too: each read every second (the 8th sample) and recorded,
    # their verdicts computed again from the recorded readings.
    assert any(c["usage_kb"] is not None for t in replayed for c in t["cgroups"])
    assert len(replayed) == len(Recorded.live)
    for i, (live, again) in enumerate(zip(Recorded.live, replayed)):
        if i > 0:
            assert abs(live["elapsed"] - again["elapsed"]) <= 0.002, (i, live["elapsed"], again["elapsed"])
        a, b = comparable(live), comparable(again)
        if a != b:
            for k in a:
                if a[k] != b.get(k) and k != "processes":
                    raise AssertionError("tick %d: %s: live %r, replay %r" % (i, k, a[k], b.get(k)))
            la = {q["pid"]: q for q in a["processes"]}
            lb = {q["pid"]: q for q in b["processes"]}
            assert set(la) == set(lb), (i, set(la) ^ set(lb))
            for pid in la:
                for k in la[pid]:
                    assert la[pid][k] == lb[pid].get(k), (i, pid, k, la[pid][k], lb[pid].get(k))
    # -n stops early; --fail-on-leak judges the last sample printed.
    rc, out, err = run_memtop(memtop, ["-r", Recorded.path, "-b", "-f", "csv", "-n", "3"])
    assert rc == 0 and len([line for line in out.splitlines() if line and not line.startswith("time")]) > 0
    rc, out, err = run_memtop(memtop, ["-r", Recorded.path, "-b", "-f", "json", "--fail-on-leak"])
    assert rc == 3 and "leak suspected: pid %d" % Recorded.leaker.pid in err, (rc, err)


def first_tick(memtop, extra):
    rc, out, err = run_memtop(memtop, ["-b", "-n", "1", "-f", "json", "-p", str(Recorded.leaker.pid)] + extra)
    assert rc == 0, (rc, err)
    (tick,) = [json.loads(line) for line in out.splitlines()]
    (p,) = tick["processes"]
    return p, err


def test_other_boot_and_bad_files(memtop):
    """A recording of another boot gives no history (one note, the run goes
    on) and is still replayed; bad files are refused with one line."""
    d = tempfile.mkdtemp(prefix="memtop-replay-bad-")
    try:
        other = os.path.join(d, "other.db")
        shutil.copy(Recorded.path, other)
        db = sqlite3.connect(other)
        db.execute("UPDATE boot SET boot_id = 'not-this-boot', hostname = 'elsewhere'")
        db.commit()
        db.close()
        p, err = first_tick(memtop, ["--history", other])
        assert "holds no sample of this boot" in err and err.count("\n") == 1, err
        assert not p["leak"]["suspected"]
        rc, out, err = run_memtop(memtop, ["-r", other, "-b", "-f", "json", "-n", "2"])
        assert rc == 0 and len(out.splitlines()) == 2, (rc, err)

        def refused(path, want, status=2):
            rc, out, err = run_memtop(memtop, ["-r", path, "-b"])
            assert rc == status and out == "", (path, rc, out)
            assert want in err and err.count("\n") == 1, (path, err)

        refused(os.path.join(d, "missing.db"), "No such file or directory")
        open(os.path.join(d, "empty.db"), "w").close()
        refused(os.path.join(d, "empty.db"), "empty")
        with open(os.path.join(d, "text.db"), "w") as f:
            f.write("not a recording\n" * 100)
        refused(os.path.join(d, "text.db"), "not a memtop recording")
        schema = subprocess.run(["sqlite3", Recorded.path, ".schema"], capture_output=True, text=True).stdout
        subprocess.run(["sqlite3", os.path.join(d, "nosample.db")], input=schema + "PRAGMA application_id ="
                       " 1296387412; PRAGMA user_version = 2;", text=True, check=True)
        refused(os.path.join(d, "nosample.db"), "holds no sample yet")
        # A copy that lost its second half: refused, or read as far as it
        # goes; never a crash (the sanitizer build's exit would be 99).
        cut = os.path.join(d, "cut.db")
        with open(Recorded.path, "rb") as f, open(cut, "wb") as g:
            data = f.read()
            g.write(data[:len(data) // 2])
        rc, out, err = run_memtop(memtop, ["-r", cut, "-b", "-f", "json"])
        assert rc in (0, 1, 2), (rc, err)
        assert rc == 0 or err.count("\n") == 1, err
        # Options that do not go with -r.
        for args in (["-w", os.path.join(d, "x.db")], ["-p", "1"], ["--history", other]):
            rc, out, err = run_memtop(memtop, ["-r", Recorded.path, "-b"] + args)
            assert rc == 2 and "does not go with" in err, (args, rc, err)
        assert integrity(Recorded.path) == "ok"
    finally:
        shutil.rmtree(d, ignore_errors=True)


GENREC = os.path.join(ROOT, "build", "tools", "genrec")
HOUR = 3600.0


class Days:
    """Three synthetic days (tests/tools/genrec, through memtop's own
    writer): a 1 MiB/h leak, a daily cycle (+16 MiB from 06:00 to 22:00 UTC,
    freed at 22:00) and a 40 MiB one-hour warm-up; made once."""
    path = None


def days_recording():
    if Days.path is None:
        Days.path = os.path.join(Recorded.dir, "days.db")
        p = subprocess.run([GENREC, "--out", Days.path, "--days", "3", "--interval", "60", "--leak", "--cycle",
                            "--warmup"], capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
    return Days.path


def test_day_scale_leaks_in_replay(memtop):
    """Replayed sample by sample, the recorded days give the day tier's
    targets: the 1 MiB/h leak is suspected within 6 h of its start and from
    then on; the daily cycle is never suspected once a night has freed it
    (its first rise is a ramp like any leak's: see docs/leak-detection.md);
    the warm-up is never suspected from 3 h after it started."""
    rc, out, err = run_memtop(memtop, ["-r", days_recording(), "-b", "-f", "json"], timeout=300)
    assert rc == 0 and err == "", (rc, err)
    ticks = [json.loads(line) for line in out.splitlines()]
    assert len(ticks) > 4000, len(ticks)
    start = ticks[0]["time"]
    first_night = (int(start // 86400) * 86400 + 22 * HOUR) + (86400 if start % 86400 >= 22 * HOUR else 0)
    leak_since, leak_after = None, []
    for t in ticks:
        procs = {q["pid"]: q for q in t["processes"]}
        leaker, cycler, warmer = procs[1001], procs[1002], procs[1003]
        if leaker["leak"]["suspected"] and leak_since is None:
            leak_since = t["time"]
        if leak_since is not None:
            leak_after.append(leaker["leak"]["suspected"])
        if t["time"] >= first_night + HOUR:
            assert not cycler["leak"]["suspected"], "the cycle suspected at %.1f h" % ((t["time"] - start) / HOUR)
        if t["time"] >= start + 3 * HOUR:
            assert not warmer["leak"]["suspected"], "the warm-up suspected at %.1f h" % ((t["time"] - start) / HOUR)
    assert leak_since is not None and leak_since - start <= 6 * HOUR, leak_since and (leak_since - start) / HOUR
    assert all(leak_after), "the leak's flag dropped after %.1f h" % ((leak_since - start) / HOUR)
    rate = [q for q in ticks[-1]["processes"] if q["pid"] == 1001][0]["growth_kb_per_min"]
    assert abs(rate - 1024 / 60) < 0.2 * 1024 / 60, rate


TESTS = [test_replay_prints_what_was_live, test_other_boot_and_bad_files,
         test_day_scale_leaks_in_replay]


def main():
    config_home = tempfile.TemporaryDirectory(prefix="memtop-replay-config-")
    os.environ["XDG_CONFIG_HOME"] = config_home.name
    default = " ".join(os.path.join(ROOT, p) for p in ("build/asan/memtop", "memtop"))
    start, passed, failed = time.monotonic(), 0, 0
    try:
        make_recording()
        for binary in os.environ.get("MEMTOP_BINS", default).split():
            print("-- %s" % os.path.relpath(binary, ROOT))
            p, f = run_tests(TESTS, lambda test: test(binary), sys.argv[1:])
            passed, failed = passed + p, failed + f
    finally:
        drop_recording()
    return finish("replay", start, passed, failed)


if __name__ == "__main__":
    sys.exit(main())
