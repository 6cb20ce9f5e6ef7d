"""Headless Chromium for the tests and the screenshots of memtop's HTML
report (Debian's chromium package).

Browser() makes a temporary directory that serves as Chromium's profile
(--user-data-dir) and as its HOME (it writes caches and crash dumps beside
the profile); close() removes it. run(url, *args) runs one headless
Chromium on url with its log on stderr and returns (exit status, stdout,
stderr, seconds taken); it raises subprocess.TimeoutExpired after timeout
seconds. console_lines(log) picks out what a page said on the console or
failed to load.
"""
import os
import shutil
import subprocess
import tempfile
import time


class Browser:
    def __init__(self, timeout=90):
        self.timeout = timeout
        self.home = tempfile.mkdtemp(prefix="memtop-chromium-")

    def run(self, url, *args):
        argv = ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=" + os.path.join(self.home, "profile"),
                "--enable-logging=stderr", "--v=0"] + list(args) + [url]
        start = time.monotonic()
        p = subprocess.run(argv, capture_output=True, timeout=self.timeout, env=dict(os.environ, HOME=self.home))
        return (p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"),
                time.monotonic() - start)

    def close(self):
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def console_lines(log):
    """The page's console messages and failed loads in Chromium's log: none
    for a page with no script that loads nothing."""
    return [line for line in log.splitlines()
            if "CONSOLE" in line or "Uncaught" in line or "Failed to load resource" in line
            or "net::ERR_" in line]
