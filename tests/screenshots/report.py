#!/usr/bin/python3
"""The gallery's screenshot of memtop --report's HTML page:
screenshots/report.png.

Records a real scene with ./memtop -w (1 s samples for about two minutes):
a process leaking 1 MiB/s from the start and, from the middle on for 25 s,
a process thrashing its page cache in a cgroup limited to 32 MiB (memory
pressure, tests/common/cgroup.py; needs root). Then reports the recording
as HTML and has headless Chromium (Debian's chromium) take the page's
picture. Run by `make screenshots`.
"""
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import cgroup  # noqa: E402
from browser import Browser, console_lines  # noqa: E402
from workload import Hold, Leaker  # noqa: E402

OUT = os.path.join(ROOT, "screenshots", "report.png")
MEMTOP = os.path.join(ROOT, "memtop")
SECONDS = 120
WIDTH, HEIGHT = 1000, 2000


def main():
    with tempfile.TemporaryDirectory(prefix="memtop-report-shot-") as d:
        path = os.path.join(d, "memtop.db")
        page = os.path.join(d, "report.html")
        with Leaker("linear", "--rate", "1024", "--duration", str(SECONDS + 60)), Hold(64):
            rec = subprocess.Popen([MEMTOP, "-w", path, "-d", "1", "-n", str(SECONDS)],
                                   stdout=subprocess.DEVNULL)
            time.sleep(SECONDS / 2)                 # the scene's first half: the leak alone
            with cgroup.PressureCgroup(32):
                time.sleep(25)
            if rec.wait(SECONDS) != 0:
                raise SystemExit("shoot: memtop -w failed")
        with open(page, "w") as f:
            # Named as the page shows it: memtop.db, not the temporary folder.
            p = subprocess.run([MEMTOP, "--report", "memtop.db", "-f", "html"], cwd=d, stdout=f,
                               stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise SystemExit("shoot: memtop --report failed: " + p.stderr)
        with Browser() as b:
            rc, _, log, _ = b.run("file://" + page, "--screenshot=" + OUT, "--window-size=%d,%d" % (WIDTH, HEIGHT))
        if rc != 0 or console_lines(log):
            raise SystemExit("shoot: chromium failed: %s" % log[-2000:])
    print("shoot: wrote screenshots/report.png (%dx%d)" % (WIDTH, HEIGHT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
