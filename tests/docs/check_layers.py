#!/usr/bin/env python3
"""check_layers.py - does src/ keep the layering memtop's design promises?

Each source file belongs to one layer (LAYERS below; a file missing from the
table fails the check, so a new module must be placed). Checked:
- only the proc layer names a /proc path (a string literal that starts
  with "/proc"; comments and messages are left out): everything else gets
  /proc's data through it;
- a layer includes only the layers it may (ALLOWED): the model never
  includes the screen, the proc layer includes nothing above it, pure code
  (util) includes nothing of memtop's but util;
- no two headers include each other, directly or through others (a cycle).

KNOWN lists the crossings that exist today and are to go (issue 16: the
screens reach the sampler through app.h). Each must still exist: one that
is gone must be removed from the list, so the list only shrinks.

Prints each problem, then "layers: N files, N includes checked"; exit
status 1 when anything is wrong.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(ROOT, "src")

LAYERS = {
    "proc": "sampler sampler_int sampler_detail procfs procparse psi smaps cgfiles",
    "data": "snapshot",                 # what the proc layer hands up: plain structs
    "model": "monitor proctable history leak sysmodel maptable listmodel pace trend columns",
    "output": "output batch smapsdump",
    "conf": "cli rc kvfile theme config",
    "ui": "app app_config ui view view_list view_detail",
    "util": "text scan mathutil graph",
    "main": "main",
}
LAYER_OF = {name: layer for layer, names in LAYERS.items() for name in names.split()}
# Which layers each layer may include (itself always).
ALLOWED = {
    "util": set(),
    "proc": {"data", "util"},
    "data": {"proc", "util"},           # its structs hold the parsers' (psi, statm)
    "model": {"data", "proc", "util"},  # the monitor owns the source
    "conf": {"model", "data", "proc", "util"},   # sort keys, columns; procfs_self_exe
    "output": {"model", "data", "proc", "conf", "util"},
    "ui": {"model", "data", "conf", "util"},
    "main": {"ui", "output", "conf", "model", "util"},
}
# Crossings today's code still makes, each to be removed by issue 16.
KNOWN = {
    ("app.h", "sampler.h"),             # the screens call the sampler through app.h
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
PROC_PATH = re.compile(r'^"/proc(/|")')    # a literal that is a /proc path, not a message


def module(filename):
    return filename.rsplit(".", 1)[0]


def main():
    problems = []
    files = sorted(f for f in os.listdir(SRC) if f.endswith((".c", ".h")))
    includes = {}
    seen_known = set()
    for f in files:
        with open(os.path.join(SRC, f), encoding="utf-8") as fh:
            text = fh.read()
        layer = LAYER_OF.get(module(f))
        if layer is None:
            problems.append("%s: in no layer: add it to LAYERS in %s" % (f, os.path.basename(__file__)))
            continue
        includes[f] = [h for h in INCLUDE.findall(text) if os.path.exists(os.path.join(SRC, h))]
        code = COMMENT.sub(" ", text)
        if layer != "proc" and any(PROC_PATH.match(s) for s in STRING.findall(code)):
            problems.append("%s: names a /proc path, which only the proc layer reads" % f)
        for h in includes[f]:
            to = LAYER_OF.get(module(h))
            if to is None or to == layer or to in ALLOWED[layer]:
                continue
            if (f, h) in KNOWN:
                seen_known.add((f, h))
                continue
            problems.append("%s (%s) includes %s (%s): not allowed" % (f, layer, h, to))
    for gone in sorted(KNOWN - seen_known):
        problems.append("%s no longer includes %s: remove it from KNOWN" % gone)
    # Header cycles: a depth-first walk over header-to-header includes.
    state = {}

    def walk(h, path):
        state[h] = "open"
        for nxt in includes.get(h, []):
            if not nxt.endswith(".h"):
                continue
            if state.get(nxt) == "open":
                problems.append("include cycle: %s" % " -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                walk(nxt, path + [nxt])
        state[h] = "done"

    for h in sorted(f for f in includes if f.endswith(".h")):
        if h not in state:
            walk(h, [h])
    for p in problems:
        print("check_layers: " + p)
    print("layers: %d files, %d includes checked" % (len(includes), sum(map(len, includes.values()))))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
