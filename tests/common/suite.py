"""The loop every Python test suite shares: run the tests named on the
command line (default: all), one line each ("ok   NAME (N s)" or "FAIL NAME"
with the traceback), and count."""
import json
import os
import sys
import time
import traceback

# The environment the sanitizer build runs in: a leak or an error ends it with
# status 99 (ASan) or at once (UBSan), with its report on stderr.
SAN_ENV = {"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:exitcode=99",
           "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"}


def run_tests(tests, call, only=None):
    """Runs call(test) for each test whose __name__ is in only (all when only
    is empty); an exception fails that test and the others still run, and a
    name in only that is no test fails too. Returns (passed, failed)."""
    passed = failed = 0
    for name in sorted(set(only or ()) - {t.__name__ for t in tests}):
        print("FAIL %s: no such test" % name)
        failed += 1
    for test in tests:
        if only and test.__name__ not in only:
            continue
        start = time.monotonic()
        try:
            call(test)
        except Exception:
            failed += 1
            print("FAIL %s (%.1f s)" % (test.__name__, time.monotonic() - start))
            traceback.print_exc()
        else:
            passed += 1
            print("ok   %s (%.1f s)" % (test.__name__, time.monotonic() - start))
        sys.stdout.flush()
    return passed, failed


def finish(label, start, passed, failed):
    """Prints the suite's closing lines; returns its exit status."""
    print("%s: %.1f s" % (label, time.monotonic() - start))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def require(paths, targets):
    """True when every path is an executable; otherwise says which is
    missing and the make targets that build them, and returns False."""
    for path in paths:
        if not os.access(path, os.X_OK):
            print("%s is missing; run make %s" % (path, targets))
            return False
    return True


def tmux_suite(label, tests, children, make_tmux):
    """Runs the tests named on the command line (default all) as test(tmux)
    with one private tmux server; afterwards stops every workload left in
    children and the server, whatever happened. Returns the exit status."""
    start = time.monotonic()
    tmux = make_tmux()
    try:
        passed, failed = run_tests(tests, lambda test: test(tmux), sys.argv[1:])
    finally:
        for child in list(children):
            child.stop()
        tmux.kill()
    return finish(label, start, passed, failed)


def run_for_binaries(label, tests, only, root):
    """Runs the tests once for each binary of MEMTOP_BINS (default: the
    sanitizer build, then the release build), each after a "-- NAME" line,
    and finishes the suite; returns its exit status."""
    default = " ".join(os.path.join(root, p) for p in ("build/asan/memtop", "memtop"))
    start, passed, failed = time.monotonic(), 0, 0
    for binary in os.environ.get("MEMTOP_BINS", default).split():
        print("-- %s" % os.path.relpath(binary, root))
        p, f = run_tests(tests, lambda test: test(binary), only)
        passed, failed = passed + p, failed + f
    return finish(label, start, passed, failed)


def bpf_expected():
    """Whether the allocation-sites probes must work here: yes, unless
    MEMTOP_SKIP_BPF=1 says otherwise (make NO_BPF=1 sets it; a user who is
    not root may). A suite that finds them not working where expected fails
    instead of skipping."""
    return os.environ.get("MEMTOP_SKIP_BPF") != "1"


def read_json_lines(path):
    """A file of JSON Lines that a batch run wrote: every line must parse,
    except a last one cut short by the SIGTERM that ended the run."""
    with open(path, "rb") as f:
        lines = f.read().decode("utf-8").splitlines()
    ticks = []
    for i, line in enumerate(lines):
        try:
            ticks.append(json.loads(line))
        except ValueError:
            if i < len(lines) - 1:
                raise AssertionError("%s:%d is not JSON: %r" % (path, i + 1, line[:200]))
    return ticks
