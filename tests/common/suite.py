"""The loop every Python test suite shares: run the tests named on the
command line (default: all), one line each ("ok   NAME (N s)" or "FAIL NAME"
with the traceback), and count."""
import sys
import time
import traceback


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
