#!/usr/bin/env python3
"""Integration tests of memtop -w (recording) against real processes.

Each test runs with the binaries of MEMTOP_BINS (default: the sanitizer
build and the release build), reads the recording back with Python's
sqlite3 module and the sqlite3 command (as a user would), and prints
"N passed, N failed" last. Exit status 1 when anything failed. Run from
make integration.
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
from suite import SAN_ENV, run_for_binaries  # noqa: E402
from workload import Hold, Leaker  # noqa: E402

TIMEOUT = 60


def env():
    return dict(os.environ, **SAN_ENV)


def run_memtop(binary, args, timeout=TIMEOUT):
    p = subprocess.run([binary] + args, capture_output=True, timeout=timeout, env=env())
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def start_memtop(binary, args, stderr=None, stdout=None):
    """memtop in the background; its output to files (a pipe nobody reads
    would fill and stop it)."""
    return subprocess.Popen([binary] + args, stdout=stdout or subprocess.DEVNULL,
                            stderr=stderr or subprocess.DEVNULL, env=env())


def wait_until(cond, timeout=30, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


def query(path, sql, args=()):
    """Rows of a read-only query (a reader beside the writer)."""
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def ticks_in(path):
    try:
        return query(path, "SELECT count(*) FROM tick")[0][0]
    except sqlite3.Error:
        return 0


def integrity(path):
    out = subprocess.run(["sqlite3", "-readonly", path, "PRAGMA integrity_check"],
                         capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="memtop-rec-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def state_at(db, tick_id):
    """Every process alive at a tick, by pid: its values (the last row at or
    before the tick) and its names (the last ident row at or before it)."""
    t = db.execute("SELECT t FROM tick WHERE id = ?", (tick_id,)).fetchone()[0]
    rows = db.execute(
        "SELECT p.pid, p.id,"
        " (SELECT rss_kb FROM sample WHERE proc = p.id AND tick <= ?1 ORDER BY tick DESC LIMIT 1),"
        " (SELECT anon_kb FROM sample WHERE proc = p.id AND tick <= ?1 ORDER BY tick DESC LIMIT 1),"
        " (SELECT swap_kb FROM sample WHERE proc = p.id AND tick <= ?1 ORDER BY tick DESC LIMIT 1)"
        " FROM proc p WHERE p.first_t <= ?2 AND (p.exit_t IS NULL OR p.exit_t > ?2)",
        (tick_id, t)).fetchall()
    out = {}
    for pid, proc, rss, anon, swap in rows:
        names = db.execute("SELECT comm, cmdline, user, cgroup, ppid FROM ident WHERE proc = ? AND t <= ?"
                           " ORDER BY t DESC, id DESC LIMIT 1", (proc, t)).fetchone()
        out[pid] = {"rss_kb": rss, "anon_kb": anon, "swap_kb": swap, "names": names}
    return out


def test_recording_equals_batch_json(memtop):
    """memtop -b -f json -w: every tick printed is a tick recorded, and every
    process's values and names in it are what the recording gives back by its
    reading rule (last row at or before the tick), field by field; with a
    leaker, a flat process and churn (processes coming and going)."""
    with TempDir() as d, Leaker("linear", "--rate", "2048") as leaker, Hold(32) as flat:
        path = os.path.join(d, "rec.db")
        # Churn: a short-lived sleep started every 0.1 s, each living 0.4 s.
        churn = subprocess.Popen(["sh", "-c", "while :; do sleep 0.4 & sleep 0.1; done"],
                                 start_new_session=True)
        try:
            rc, out, err = run_memtop(memtop, ["-b", "-f", "json", "-w", path, "-d", "0.3", "-n", "12"])
        finally:
            os.killpg(churn.pid, signal.SIGKILL)
            churn.wait()
        assert rc == 0, "exit %d: %s" % (rc, err)
        assert err == "", err
        ticks = [json.loads(line) for line in out.splitlines()]
        assert len(ticks) == 12
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        ids = [r[0] for r in db.execute("SELECT id FROM tick ORDER BY id")]
        assert len(ids) == 12, ids
        seen_exits = db.execute("SELECT count(*) FROM proc WHERE exit_t IS NOT NULL").fetchone()[0]
        for j, tick_id in zip(ticks, ids):
            row = db.execute("SELECT t, mem_total_kb, mem_available_kb, mem_free_kb, buffers_kb, cached_kb,"
                             " shmem_kb, swap_total_kb, swap_free_kb, psi_some_total_us, psi_full_total_us,"
                             " nprocs FROM tick WHERE id = ?", (tick_id,)).fetchone()
            assert abs(row[0] - round(j["time"] * 1000)) <= 1, (row[0], j["time"])
            mem = j["memory"]
            assert list(row[1:9]) == [mem[k] for k in ("total_kb", "available_kb", "free_kb", "buffers_kb",
                                                       "cached_kb", "shmem_kb", "swap_total_kb",
                                                       "swap_free_kb")]
            assert row[9] == j["psi"]["some"]["total_us"] and row[10] == j["psi"]["full"]["total_us"]
            assert row[11] == len(j["processes"])
            recorded = state_at(db, tick_id)
            printed = {p["pid"]: p for p in j["processes"]}
            assert set(recorded) == set(printed), (set(recorded) ^ set(printed))
            for pid, p in printed.items():
                r = recorded[pid]
                for key in ("rss_kb", "anon_kb", "swap_kb"):
                    assert r[key] == p[key], (pid, key, r[key], p[key])
                comm, cmdline, user, cgroup, ppid = r["names"]
                assert (comm, cmdline, user, cgroup or "", ppid) == \
                    (p["comm"], p["cmdline"], p["user"], p["cgroup"], p["ppid"]), (pid, r["names"])
        # The leaker grew in the recording as it did on stdout.
        anon = [r[0] for r in db.execute("SELECT anon_kb FROM samples WHERE pid = ? ORDER BY tick",
                                         (leaker.pid,))]
        assert len(anon) >= 8 and anon[-1] > anon[0], anon
        # The flat process wrote its first (full) row and few after.
        assert len(db.execute("SELECT 1 FROM samples WHERE pid = ?", (flat.pid,)).fetchall()) <= 4
        assert seen_exits > 0
        db.close()
        assert integrity(path) == "ok"


def test_sigkill_then_continue(memtop):
    """A recorder killed with SIGKILL mid-run: the file is valid, holds the
    samples up to the last interval or two, and the next memtop -w continues
    it (the same processes in the same rows, a new full tick)."""
    with TempDir() as d, Hold(16) as hold:
        path = os.path.join(d, "rec.db")
        p = start_memtop(memtop, ["-w", path, "-d", "0.2"])
        try:
            assert wait_until(lambda: ticks_in(path) >= 15), "no ticks recorded"
        finally:
            killed_at = time.time()
            p.kill()
            p.wait()
        assert integrity(path) == "ok"
        last_t = query(path, "SELECT max(t) FROM tick")[0][0] / 1000.0
        assert killed_at - last_t < 2 * 0.2 + 0.5, killed_at - last_t
        before = query(path, "SELECT count(*), sum(full) FROM tick")[0]
        procs = query(path, "SELECT count(*) FROM proc")[0][0]
        hold_rows = query(path, "SELECT count(*) FROM proc WHERE pid = ?", (hold.pid,))[0][0]
        assert hold_rows == 1
        rc, _, err = run_memtop(memtop, ["-w", path, "-d", "0.2", "-n", "3"])
        assert rc == 0, "exit %d: %s" % (rc, err)
        after = query(path, "SELECT count(*), sum(full) FROM tick")[0]
        assert after[0] == before[0] + 3 and after[1] == before[1] + 1, (before, after)
        assert query(path, "SELECT count(*) FROM proc WHERE pid = ?", (hold.pid,))[0][0] == 1
        # Processes of this boot are looked up, not added again (a few may
        # have started in between).
        assert query(path, "SELECT count(*) FROM proc")[0][0] <= procs + 10
        assert integrity(path) == "ok"


def test_sigterm_finishes_and_sighup_reopens(memtop):
    """SIGTERM: the tick being written is finished and memtop exits 0, each
    printed tick recorded. SIGHUP after the file was moved away: the old file
    is complete and valid, a new one starts at the path."""
    with TempDir() as d:
        path = os.path.join(d, "rec.db")
        out = open(os.path.join(d, "out"), "w+")
        err = open(os.path.join(d, "err"), "w+")
        p = start_memtop(memtop, ["-b", "-f", "json", "-w", path, "-d", "0.2"], stdout=out, stderr=err)
        assert wait_until(lambda: ticks_in(path) >= 5)
        os.rename(path, path + ".old")
        p.send_signal(signal.SIGHUP)
        assert wait_until(lambda: ticks_in(path) >= 3), "no new file after SIGHUP"
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
        assert p.returncode == 0, (p.returncode, open(err.name).read())
        assert open(err.name).read() == ""
        printed = len(open(out.name).read().splitlines())
        old, new = ticks_in(path + ".old"), ticks_in(path)
        assert old + new == printed, (old, new, printed)
        assert integrity(path + ".old") == "ok" and integrity(path) == "ok"
        assert query(path, "SELECT full FROM tick ORDER BY id LIMIT 1")[0][0] == 1
        mode = os.stat(path).st_mode & 0o777
        assert mode == 0o600, oct(mode)


def test_second_writer_refused(memtop):
    """A second memtop -w on a file being written: exit 2, one line naming the
    file and the writer's pid; the first goes on."""
    with TempDir() as d:
        path = os.path.join(d, "rec.db")
        p = start_memtop(memtop, ["-w", path, "-d", "0.2"])
        try:
            assert wait_until(lambda: ticks_in(path) >= 2)
            rc, out, err = run_memtop(memtop, ["-w", path, "-n", "1"])
            assert rc == 2, (rc, err)
            assert err == "memtop: %s is being written by another memtop (pid %d)\n" % (path, p.pid), err
            n = ticks_in(path)
            assert wait_until(lambda: ticks_in(path) > n)
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)
        assert p.returncode == 0


def file_print(path):
    st = os.stat(path)
    with open(path, "rb") as f:
        return f.read(), st.st_mtime_ns, st.st_mode


def refused(memtop, path, want):
    before = file_print(path)
    rc, out, err = run_memtop(memtop, ["-w", path, "-n", "1"])
    assert rc == 2, (rc, err)
    lines = err.splitlines()
    assert len(lines) == 1 and want in lines[0] and path in lines[0], err
    assert file_print(path) == before, "the file was touched"
    for side in ("-wal", "-shm", "-journal"):
        assert not os.path.exists(path + side), side


def test_bad_files_refused_untouched(memtop):
    """Not SQLite, another program's database, a newer schema, a directory
    that cannot be written: one line, exit 2, the file as it was."""
    with TempDir() as d:
        path = os.path.join(d, "notes.txt")
        with open(path, "w") as f:
            f.write("my notes\n" * 100)
        refused(memtop, path, "is not a memtop recording (not an SQLite database)")
        path = os.path.join(d, "other.db")
        subprocess.run(["sqlite3", path, "CREATE TABLE t(x); INSERT INTO t VALUES(1);"], check=True)
        refused(memtop, path, "an SQLite database of another program")
        path = os.path.join(d, "newer.db")
        rc, _, err = run_memtop(memtop, ["-w", path, "-n", "1", "-d", "0.1"])
        assert rc == 0, err
        subprocess.run(["sqlite3", path, "PRAGMA user_version = 4;"], check=True)
        refused(memtop, path, "schema version 4, newer than this memtop's (3)")
        # A read-only directory (a read-only bind mount: root writes anywhere else).
        ro = os.path.join(d, "ro")
        os.mkdir(ro)
        shutil.copy(path, os.path.join(ro, "rec.db"))
        subprocess.run(["sqlite3", os.path.join(ro, "rec.db"), "PRAGMA user_version = 3;"], check=True)
        subprocess.run(["mount", "--bind", ro, ro], check=True)
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", ro], check=True)
            refused(memtop, os.path.join(ro, "rec.db"), "is not writable")
            rc, _, err = run_memtop(memtop, ["-w", os.path.join(ro, "new.db"), "-n", "1"])
            assert rc == 2 and len(err.splitlines()) == 1 and "is not writable" in err, (rc, err)
            assert not os.path.exists(os.path.join(ro, "new.db"))
        finally:
            subprocess.run(["umount", ro])


def test_tiny_filesystem_pauses_and_resumes(memtop):
    """A 4 MiB tmpfs: filled to the recorder's floor (5 %), it says once that
    recording is paused, keeps sampling, never crashes, the file stays valid;
    with space freed it resumes and says how many ticks it missed."""
    with TempDir() as d:
        mnt = os.path.join(d, "fs")
        os.mkdir(mnt)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "memtop-test", mnt], check=True)
        p = None
        try:
            path = os.path.join(mnt, "rec.db")
            errlog = open(os.path.join(d, "stderr"), "w+")
            p = start_memtop(memtop, ["-w", path, "-d", "0.1"], stderr=errlog)
            assert wait_until(lambda: ticks_in(path) >= 5)
            # Ballast up to the last byte: the disk is full.
            ballast = os.path.join(mnt, "ballast")
            subprocess.run(["dd", "if=/dev/zero", "of=" + ballast, "bs=64k"], stderr=subprocess.DEVNULL)
            assert wait_until(lambda: "recording paused" in open(errlog.name).read(), 10), \
                open(errlog.name).read()
            n = ticks_in(path)
            time.sleep(1.0)                     # ~10 ticks while paused
            assert p.poll() is None, "the recorder ended"
            assert ticks_in(path) == n
            assert integrity(path) == "ok"
            os.unlink(ballast)
            assert wait_until(lambda: ticks_in(path) > n + 3, 10), "did not resume"
            text = open(errlog.name).read()
            assert text.count("recording paused") == 1, text
            assert "recording resumed (" in text and "ticks were not recorded)" in text, text
            lines = text.splitlines()
            assert len(lines) == 2 and all(l.startswith("memtop: %s: " % path) for l in lines), text
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)
            assert p.returncode == 0
            assert integrity(path) == "ok"
        finally:
            if p and p.poll() is None:
                p.kill()
                p.wait()
            subprocess.run(["umount", "-l", mnt])


def test_options_need_write(memtop):
    """--keep, --max-size and --no-cmdline go with -w; bad values are named."""
    for args, want in ((["--keep", "3", "-b", "-n", "1"], "--keep goes with -w FILE"),
                       (["--max-size", "10M", "-b", "-n", "1"], "--max-size goes with -w FILE"),
                       (["--no-cmdline", "-b", "-n", "1"], "--no-cmdline goes with -w FILE"),
                       (["-w", "x.db", "--keep", "0"], "invalid --keep '0'"),
                       (["-w", "x.db", "--max-size", "12Q"], "invalid size '12Q'"),
                       (["-w", "x.db", "--max-size", "100K"], "too small")):
        rc, out, err = run_memtop(memtop, args)
        assert rc == 2 and err.startswith("memtop: ") and want in err.splitlines()[0], (args, rc, err)


def test_no_cmdline_records_names_only(memtop):
    """--no-cmdline: no command line in the file, comm still there."""
    with TempDir() as d, Hold(8, comm=b"secretholder") as h:
        path = os.path.join(d, "rec.db")
        rc, _, err = run_memtop(memtop, ["-w", path, "--no-cmdline", "-n", "2", "-d", "0.1"])
        assert rc == 0, err
        assert query(path, "SELECT count(*) FROM ident WHERE cmdline IS NOT NULL")[0][0] == 0
        assert query(path, "SELECT comm FROM proc_name WHERE pid = ?", (h.pid,))[0][0] == "secretholder"
        # Its command line holds the name in hex (hold --comm HEX): nowhere in the file.
        with open(path, "rb") as f:
            assert b"secretholder".hex().encode() not in f.read()

TESTS = [test_recording_equals_batch_json, test_sigkill_then_continue,
         test_sigterm_finishes_and_sighup_reopens, test_second_writer_refused,
         test_bad_files_refused_untouched, test_tiny_filesystem_pauses_and_resumes,
         test_options_need_write, test_no_cmdline_records_names_only]


def main():
    config_home = tempfile.TemporaryDirectory(prefix="memtop-recording-config-")
    os.environ["XDG_CONFIG_HOME"] = config_home.name
    return run_for_binaries("recording", TESTS, sys.argv[1:], ROOT)


if __name__ == "__main__":
    sys.exit(main())
