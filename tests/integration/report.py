#!/usr/bin/env python3
"""Integration tests of memtop --report against a real recording, and the
HTML report in a real browser.

A recording is made once per run: `memtop -b -w FILE`, a sample every 0.5 s
for 60 s on a clock four times faster than the real one (15 s of real time),
beside a leaker whose name is hostile (started through a symlink called
<i>&"'x, so its comm carries HTML's special characters) and a flat process.
Then, with each binary of MEMTOP_BINS (default: the sanitizer build and the
release build), memtop --report makes each format of it; the HTML page is
loaded by headless Chromium (Debian's chromium, in make check's packages)
with a temporary profile, which must exit 0 within a time limit, log no
console message (the page has no script and loads nothing), and give back a
DOM with the leaker's chart. Bad input (a period that ends before it starts,
a file that does not exist) is refused with one line and exit status 2.
Prints "N passed, N failed" last; exit status 1 when anything failed. Run
from make integration.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from suite import SAN_ENV, finish, run_tests  # noqa: E402
from browser import Browser, console_lines  # noqa: E402
from workload import LEAKER, Hold, Workload  # noqa: E402

TIMEOUT = 120
BROWSER_TIMEOUT = 90
# The recording's clock runs CLOCK_SCALE times faster than the real one
# (MEMTOP_CLOCK_SCALE): RECORD_SECONDS of recorded time, a sample every
# INTERVAL of it, in a quarter of the time; the leaker leaks 2 MiB a
# second of that clock (8 MiB a real one).
CLOCK_SCALE = 4
RECORD_SECONDS = 60
INTERVAL = 0.5
LEAK_KIB_S = 2048
HOSTILE = "<i>&\"'x"             # the leaker's comm: every character HTML escapes
VICTIM_PID = 4242
# An OOM kill as the recorder stores what the kernel log reports (schema 3),
# put into the real recording by SQL (a real one would need the machine to
# run out of memory): the victim named like the leaker, killed 0.1 s before
# the 61st sample, which first recorded it; every sample's log read. The
# kills the recorder found in this machine's kernel log (other suites' OOM
# kills, earlier ones since boot) are removed first: this one is the only one.
INJECT_KILL = """
DELETE FROM oom_task;
DELETE FROM oom_kill;
UPDATE tick SET oom_log = 0, oom_log_lost = 0;
INSERT INTO oom_kill(boot, seq, t, seen_t, boot_s, mono_ms, since_start, pid, uid, comm, scope,
                     constraint_name, oom_memcg, task_memcg, total_vm_kb, anon_rss_kb, file_rss_kb,
                     shmem_rss_kb, tasks_listed)
  SELECT boot, 7, t - 100, t, 1000.0, mono_ms - 100, 1, %d, 0, '%s', 2, 'CONSTRAINT_MEMCG',
         '/lim<it>.slice', '/lim<it>.slice/a.scope', 900000, 524288, 1024, 0, 1
  FROM tick ORDER BY id LIMIT 1 OFFSET 60;
INSERT INTO oom_task(kill, rank, pid, uid, comm, total_vm_kb, rss_kb, pgtables_kb, swap_kb, oom_score_adj)
  SELECT id, 0, pid, 0, comm, 900000, 525312, 1100, 0, 0 FROM oom_kill;
""" % (VICTIM_PID, HOSTILE.replace("'", "''"))


def env():
    return dict(os.environ, **SAN_ENV)


def run_memtop(binary, args, timeout=TIMEOUT):
    p = subprocess.run([binary] + args, capture_output=True, timeout=timeout, env=env())
    return p.returncode, p.stdout.decode(), p.stderr.decode()


class Recording:
    """The suite's one recording, made on first use: its path and the
    leaker's pid."""
    path = None
    leaker_pid = None
    kill_t = None
    dir = None
    failed = None               # why making it failed: not tried again

    @classmethod
    def get(cls):
        if cls.failed:
            raise AssertionError("no recording: %s" % cls.failed)
        if cls.path is None:
            try:
                cls.make()
            except Exception as e:
                cls.failed = repr(e)
                raise
        return cls

    @classmethod
    def make(cls):
        cls.dir = tempfile.mkdtemp(prefix="memtop-report-")
        path = os.path.join(cls.dir, "rec.db")
        link = os.path.join(cls.dir, HOSTILE)
        os.symlink(LEAKER, link)
        memtop = os.path.join(ROOT, "memtop")
        with Workload([link, "linear", "--rate", str(LEAK_KIB_S * CLOCK_SCALE), "--duration", "120"],
                      executable=link) as leaker, \
                Hold(16):
            with open(os.devnull, "w") as null:
                p = subprocess.run([memtop, "-b", "-w", path, "-d", str(INTERVAL / CLOCK_SCALE),
                                    "-n", str(int(RECORD_SECONDS / INTERVAL))],
                                   stdout=null, stderr=subprocess.PIPE, timeout=RECORD_SECONDS + 60,
                                   env=dict(os.environ, MEMTOP_CLOCK_SCALE=str(CLOCK_SCALE)))
            assert p.returncode == 0, "recording: exit %d: %s" % (p.returncode, p.stderr.decode())
            cls.leaker_pid = leaker.pid
        subprocess.run(["sqlite3", path], input=INJECT_KILL, text=True, check=True)
        cls.kill_t = int(subprocess.run(["sqlite3", path, "SELECT t FROM oom_kill"], capture_output=True,
                                        text=True, check=True).stdout) / 1000.0
        cls.path = path

    @classmethod
    def clean(cls):
        if cls.dir:
            shutil.rmtree(cls.dir, ignore_errors=True)


def report(binary, fmt, *extra):
    rc, out, err = run_memtop(binary, ["--report", Recording.get().path, "-f", fmt] + list(extra))
    return rc, out, err


def test_html_renders_in_chromium(memtop):
    """The HTML report loads in a real browser without a console message,
    and the rendered DOM has the charts, the leaker's with its pid, its
    hostile name as text (escaped in the file, unescaped in the DOM)."""
    rec = Recording.get()
    rc, html, err = report(memtop, "html")
    assert rc == 0, "exit %d: %s" % (rc, err)
    assert err == "", err
    assert html.startswith("<!DOCTYPE html>")
    # Self-contained: the only references are links within the page. (Not
    # "no 'http' anywhere": the machine's command lines are in the page,
    # and one of them may well name a URL.)
    refs = re.findall(r'(?:href|src|xlink:href)\s*=\s*"([^"]*)"', html) + re.findall(r"url\(|@import", html)
    assert all(r.startswith("#") for r in refs), refs
    assert "<script" not in html and "&lt;i&gt;&amp;&quot;&#39;x" in html
    page = os.path.join(os.path.dirname(rec.path), "report.html")
    with open(page, "w") as f:
        f.write(html)
    browser = Browser(BROWSER_TIMEOUT)
    try:
        rc, dom, log, took = browser.run("file://" + page, "--dump-dom")
        assert rc == 0, "chromium exit %d: %s" % (rc, log[-2000:])
        assert not console_lines(log), console_lines(log)
        assert len(dom) > 1000, dom
        assert took < BROWSER_TIMEOUT
        assert re.search(r'<svg[^>]* id="suspect-pid-%d-\d+"' % rec.leaker_pid, dom), "no chart of the leaker"
        assert 'id="chart-available"' in dom and 'id="chart-psi"' in dom
        title = "pid %d (&lt;i&gt;&amp;\"'x): anonymous memory" % rec.leaker_pid
        assert title in dom, "the leaker's chart title is not in the DOM"
        assert "<i>&" not in dom               # the name never became markup
        # The OOM kill marked on both machine charts, labelled with its victim.
        assert len(re.findall(r'<line class="victim"', dom)) == 2, "no OOM kill marker"
        assert dom.count('<text class="victim"') == 2 and "&lt;i&gt;&amp;\"'x</text>" in dom
        # And it paints: a screenshot of it is a real image.
        shot = os.path.join(browser.home, "shot.png")
        rc, _, log, _ = browser.run("file://" + page, "--screenshot=" + shot, "--window-size=1000,1400")
        assert rc == 0 and not console_lines(log), log[-2000:]
        with open(shot, "rb") as f:
            png = f.read()
        assert png.startswith(b"\x89PNG") and len(png) > 20000, len(png)
    finally:
        browser.close()


def test_json_names_the_leaker(memtop):
    """The JSON report is one object: the leaker a suspect with a rate near
    its 2 MiB/s, its name as recorded, and among the top growers; the flat
    process not a suspect; the period the recording's."""
    rec = Recording.get()
    rc, out, err = report(memtop, "json")
    assert rc == 0, "exit %d: %s" % (rc, err)
    r = json.loads(out)
    assert r["period"]["samples"] >= RECORD_SECONDS / INTERVAL - 2, r["period"]
    suspects = {s["pid"]: s for s in r["suspects"]}
    assert rec.leaker_pid in suspects, [s["pid"] for s in r["suspects"]]
    s = suspects[rec.leaker_pid]
    assert s["comm"] == HOSTILE, s["comm"]
    assert 60000 < s["rate_kb_per_min"] < 180000, s["rate_kb_per_min"]
    assert r["period"]["first_sample"] <= s["first_flagged"] <= s["last_flagged"] <= r["period"]["last_sample"]
    assert r["top_growers"]["processes"][0]["pid"] == rec.leaker_pid
    assert r["available"]["lowest_kb"] > 0
    # The OOM kill in the recording, once, with its victim's name as stored.
    k = r["oom_kills"]
    assert k["log"] == "read" and k["victims_total"] == 1, k
    v = k["victims"][0]
    assert v["pid"] == VICTIM_PID and v["comm"] == HOSTILE and v["scope"] == "memcg", v
    assert v["oom_memcg"] == "/lim<it>.slice" and v["anon_rss_kb"] == 524288 and v["since_start"], v
    assert abs(v["time"] - rec.kill_t) < 0.002, (v["time"], rec.kill_t)
    assert r["period"]["first_sample"] < v["time"] < r["period"]["last_sample"]


def test_formats_and_fail_on_leak(memtop):
    """table and csv name the leaker; --fail-on-leak exits 3 after writing
    the report; a period before the leak started has no suspect."""
    rec = Recording.get()
    rc, out, err = report(memtop, "table")
    assert rc == 0 and "pid %d %s" % (rec.leaker_pid, HOSTILE) in out, (rc, err, out[:2000])
    rc, out, err = report(memtop, "csv")
    assert rc == 0 and re.search(r"^suspect,process,%d," % rec.leaker_pid, out, re.M), (rc, err)
    rc, out, err = report(memtop, "json", "--fail-on-leak")
    assert rc == 3 and json.loads(out)["suspects"], (rc, err)
    rc, out, err = report(memtop, "json", "--fail-on-leak", "--until", "-%ds" % (RECORD_SECONDS - 3))
    assert rc == 0 and json.loads(out)["suspects"] == [], (rc, err)


def test_write_error_full_disk(memtop):
    """The report to /dev/full, in each format: exit 1 and one line naming
    ENOSPC (with --fail-on-leak too: the write error comes first)."""
    rec = Recording.get()
    e = dict(env(), LC_ALL="C.UTF-8")
    for fmt in ("table", "json", "csv", "html"):
        with open("/dev/full", "w") as full:
            p = subprocess.run([memtop, "--report", rec.path, "-f", fmt, "--fail-on-leak"], stdout=full,
                               stderr=subprocess.PIPE, timeout=TIMEOUT, env=e)
        err = p.stderr.decode().splitlines()
        assert p.returncode == 1 and err == ["memtop: write error: No space left on device"], \
            (fmt, p.returncode, err)


def test_bad_input(memtop):
    """Refused with one line on stderr and exit status 2, nothing on stdout:
    a period that ends before it starts, a file that does not exist, html
    without --report, --since without --report."""
    with tempfile.TemporaryDirectory(prefix="memtop-report-bad-") as d:
        missing = os.path.join(d, "missing.db")
        for args, want in ((["--report", missing, "--since", "@1800000000", "--until", "@1700000000"],
                            "--since @1800000000 is after --until @1700000000"),
                           (["--report", missing, "--since", "-1h", "--until", "-2h"], "is after --until"),
                           (["--report", missing], missing),
                           (["--report", missing, "-f", "html"], missing),
                           (["--report", missing, "--since", "soon"], "--since soon: expected a time")):
            rc, out, err = run_memtop(memtop, args)
            assert rc == 2 and out == "", (args, rc, out)
            assert err.startswith("memtop: ") and err.count("\n") == 1 and want in err, (args, err)
        assert "No such file" in run_memtop(memtop, ["--report", missing])[2]
        for args, want in ((["-b", "-n", "1", "-f", "html"], "--format html goes with --report FILE"),
                           (["--since", "-1h"], "--since goes with --report FILE")):
            rc, out, err = run_memtop(memtop, args)
            assert rc == 2 and err.splitlines()[0] == "memtop: " + want, (args, err)


TESTS = [test_bad_input, test_html_renders_in_chromium, test_json_names_the_leaker,
         test_formats_and_fail_on_leak, test_write_error_full_disk]


def main():
    config_home = tempfile.TemporaryDirectory(prefix="memtop-report-config-")
    os.environ["XDG_CONFIG_HOME"] = config_home.name
    default = " ".join(os.path.join(ROOT, p) for p in ("build/asan/memtop", "memtop"))
    start, passed, failed = time.monotonic(), 0, 0
    try:
        for binary in os.environ.get("MEMTOP_BINS", default).split():
            print("-- %s" % os.path.relpath(binary, ROOT))
            p, f = run_tests(TESTS, lambda test: test(binary), sys.argv[1:])
            passed, failed = passed + p, failed + f
    finally:
        Recording.clean()
    return finish("report", start, passed, failed)


if __name__ == "__main__":
    sys.exit(main())
