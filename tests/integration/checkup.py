#!/usr/bin/env python3
"""Integration tests of memtop --check, the real binary:

- on this machine: exit 0 or 1, the text and -f json agree (the same
  finding ids, valid JSON, every fact this kernel has known), and what the
  facts say decides the no-swap finding;
- on the fixture trees (tests/fixtures/checkup, --check-root): the clean
  tree finds nothing (exit 0), each finding's tree gives exit 1 and its id,
  and a tree with every fault at once (make.py --everything, 150 processes
  for the serial-console dump: 153 in all) gives every id it should;
- the committed trees are make.py's output;
- errors: an unreadable root, a format --check does not write and a write
  error each exit 2 with one line; a hostile process name and cgroup name
  come out escaped, and the JSON stays valid.

Each binary of MEMTOP_BINS (default: the sanitizer build and the release
build). A few seconds. Prints "N passed, N failed" last.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from suite import run_for_binaries  # noqa: E402

FIXTURES = os.path.join(ROOT, "tests", "fixtures", "checkup")
IDS = ["no-swap-no-oom-handler", "psi-unavailable", "panic-on-oom", "oom-kill-allocating-task",
       "oom-dump-tasks-serial-console", "overcommit-always", "overcommit-strict-below-ram",
       "overcommit-strict-near-limit", "min-free-kbytes-low", "min-free-kbytes-high",
       "watermark-scale-factor-off-default", "protected-large-process", "unlimited-containers",
       "unlimited-services"]
# make.py --everything leaves out the faults that exclude others (overcommit
# 1 and 2, min_free_kbytes too high and too low).
EVERYTHING = set(IDS) - {"overcommit-always", "overcommit-strict-below-ram", "min-free-kbytes-high"}


def run(binary, *args, stdout=subprocess.PIPE):
    p = subprocess.run([binary, "--check"] + list(args), stdout=stdout, stderr=subprocess.PIPE,
                       timeout=60, text=True)
    assert "runtime error" not in p.stderr and "ERROR" not in p.stderr, p.stderr
    return p


def check_json(binary, *args):
    p = run(binary, "-f", "json", *args)
    doc = json.loads(p.stdout)
    assert set(doc) == {"root", "findings", "not_checked", "facts"}, sorted(doc)
    for f in doc["findings"]:
        assert set(f) == {"id", "severity", "title", "why", "fix", "evidence"}, f
        assert f["id"] in IDS and f["severity"] in ("info", "warn", "critical"), f
        assert len(f["why"]) > 40 and f["fix"] and f["evidence"], f
    assert p.returncode == (1 if doc["findings"] else 0), (p.returncode, doc["findings"])
    return p.returncode, doc


def test_this_machine(binary):
    text = run(binary)
    rc, doc = check_json(binary)
    assert text.returncode == rc, (text.returncode, rc)
    ids = [f["id"] for f in doc["findings"]]
    for i in ids:
        assert i in text.stdout, (i, text.stdout)
    if not ids:
        assert "nothing found" in text.stdout, text.stdout
    facts = doc["facts"]
    for k in ("panic_on_oom", "overcommit_memory", "min_free_kbytes", "mem_total_kb", "processes"):
        assert isinstance(facts[k], int), (k, facts[k])
    assert facts["processes"] >= 1
    noswap = facts["swap_total_kb"] == 0 and facts["oom_handlers"] == 0
    assert noswap == ("no-swap-no-oom-handler" in ids), (facts, ids)


def test_fixture_trees(binary):
    rc, doc = check_json(binary, "--check-root", os.path.join(FIXTURES, "clean"))
    assert rc == 0 and doc["findings"] == [] and doc["not_checked"] == [], doc
    text = run(binary, "--check-root", os.path.join(FIXTURES, "clean"))
    assert text.returncode == 0 and "nothing found" in text.stdout, text.stdout
    for i in IDS:
        tree = os.path.join(FIXTURES, i)
        if not os.path.isdir(tree):
            continue
        rc, doc = check_json(binary, "--check-root", tree)
        assert [f["id"] for f in doc["findings"]] == [i], (i, doc["findings"])
        text = run(binary, "--check-root", tree)
        assert text.returncode == 1 and i in text.stdout, (i, text.stdout)


def test_every_fault_at_once(binary):
    d = tempfile.mkdtemp(prefix="memtop-checkup-")
    try:
        subprocess.run([sys.executable, os.path.join(FIXTURES, "make.py"), "--everything", d], check=True)
        rc, doc = check_json(binary, "--check-root", d)
        ids = {f["id"] for f in doc["findings"]}
        assert rc == 1 and ids == EVERYTHING, sorted(EVERYTHING ^ ids)
        dump = [f for f in doc["findings"] if f["id"] == "oom-dump-tasks-serial-console"][0]
        assert "ttyS0" in dump["evidence"] and "153 processes" in dump["evidence"], dump
        assert doc["facts"]["processes"] == 153 and doc["facts"]["console_loglevel"] == 7, doc["facts"]
    finally:
        shutil.rmtree(d)


def test_errors_and_hostile_names(binary):
    p = run(binary, "--check-root", "/nonexistent-memtop-root")
    assert p.returncode == 2 and p.stdout == "" and "cannot read" in p.stderr, (p.returncode, p.stderr)
    p = run(binary, "-f", "csv")
    assert p.returncode == 2 and "--check writes the table format or json" in p.stderr, p.stderr
    with open("/dev/full", "w") as full:
        p = run(binary, "-f", "json", stdout=full)
    assert p.returncode == 2 and p.stderr.count("write error") == 1, (p.returncode, p.stderr)
    d = tempfile.mkdtemp(prefix="memtop-checkup-")
    try:
        tree = os.path.join(d, "t")
        shutil.copytree(os.path.join(FIXTURES, "protected-large-process"), tree)
        with open(os.path.join(tree, "proc", "300", "comm"), "wb") as f:
            f.write(b"\x1b[31mev\"il\\\x07\n")
        cg = os.path.join(tree, "sys", "fs", "cgroup", "system.slice", "x\x1b]0;t\x07\"y.service")
        os.makedirs(cg)
        for name, text in (("cgroup.procs", "1\n"), ("memory.max", "max\n"), ("memory.high", "max\n")):
            with open(os.path.join(cg, name), "w") as f:
                f.write(text)
        for fmt in ("table", "json"):
            p = run(binary, "-f", fmt, "--check-root", tree)
            assert p.returncode == 1 and "\x1b" not in p.stdout and "\x07" not in p.stdout, repr(p.stdout)
        doc = json.loads(p.stdout)
        prot = doc["facts"]["protected_processes"][0]
        assert prot["comm"] == "\\e[31mev\"il\\\\\\x07", prot
        assert any("\\e]0;t" in c["path"] for c in doc["facts"]["unlimited_cgroups"]), doc["facts"]
    finally:
        shutil.rmtree(d)


def test_fixtures_are_make_py_output(binary):
    """The committed trees are what make.py writes (edit make.py, not them)."""
    del binary
    d = tempfile.mkdtemp(prefix="memtop-checkup-")
    try:
        subprocess.run([sys.executable, os.path.join(FIXTURES, "make.py"), d], check=True)
        p = subprocess.run(["diff", "-r", "-x", "make.py", "-x", "__pycache__", d, FIXTURES],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stdout[:2000]
    finally:
        shutil.rmtree(d)


TESTS = [test_fixtures_are_make_py_output, test_this_machine, test_fixture_trees, test_every_fault_at_once, test_errors_and_hostile_names]

if __name__ == "__main__":
    sys.exit(run_for_binaries("checkup", TESTS, sys.argv[1:], ROOT))
