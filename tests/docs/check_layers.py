#!/usr/bin/env python3
"""check_layers.py - does src/ keep the layering memtop's design promises?

A source file's folder is its layer (src/proc/, src/model/, src/output/,
src/conf/, src/ui/, src/util/; main.c on top; proc/snapshot.h and
proc/source.h are "data": the plain structs and the source interface every
layer above reads); a file outside them fails the check, so a new module
must be placed. Includes name the layer
("proc/sampler.h"). Checked:
- only the proc layer names a /proc path (a string literal that starts
  with "/proc"; comments and messages are left out): everything else gets
  /proc's data through it;
- a layer includes only the layers it may (ALLOWED): the model never
  includes the screen, the ui never the proc layer, the proc layer nothing
  above it, pure code (util) nothing of memtop's but util;
- no two modules (a .c and its .h) include each other's headers, and no
  headers include each other through others (a cycle).

KNOWN and KNOWN_MUTUAL list crossings that exist and are to go (none now).
Each must still exist: one that is gone must be removed from the list, so
the lists only shrink.

Prints each problem, then "layers: N files, N includes checked"; exit
status 1 when anything is wrong.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(ROOT, "src")

# src/ is laid out by layer: a file's folder is its layer (src/proc/, src/model/,
# ...), with these exceptions: main.c at the top; snapshot.h, the plain
# structs the proc layer hands up, and source.h, the interface every source
# (live /proc, a recording) implements: every layer above may read them.
FOLDERS = ("proc", "model", "store", "export", "output", "conf", "ui", "util")
SPECIAL = {"main.c": "main", "proc/snapshot.h": "data", "proc/source.h": "data", "proc/allocsnap.h": "data"}
# Which layers each layer may include (itself always).
ALLOWED = {
    "util": set(),
    "proc": {"data", "util"},
    "data": {"proc", "util"},           # its structs hold the parsers' (psi, statm)
    "model": {"data", "proc", "util"},  # the monitor owns the source
    "conf": {"model", "data", "proc", "util"},   # sort keys, columns; procfs_self_exe
    "store": {"model", "data", "util"},  # recordings: what the monitor saw, in SQLite
    # The metrics endpoint: pages rendered from the model, served by a thread.
    "export": {"model", "data", "util"},
    "output": {"model", "data", "proc", "conf", "store", "export", "util"},
    "ui": {"model", "data", "conf", "util"},
    "main": {"ui", "output", "conf", "model", "store", "export", "util"},
}
# Crossings that exist and are to go (none: issue 16 removed the last).
KNOWN = set()
# Modules that include each other and are to go (none).
KNOWN_MUTUAL = set()

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
PROC_PATH = re.compile(r'^"/proc(/|")')    # a literal that is a /proc path, not a message


def module(path):
    return path.rsplit(".", 1)[0]


def layer_of(path):
    if path in SPECIAL:
        return SPECIAL[path]
    folder = path.split("/", 1)[0] if "/" in path else None
    return folder if folder in FOLDERS else None


def source_files():
    for dirpath, _dirs, names in os.walk(SRC):
        for name in names:
            # *.bpf.c (src/proc/bpf/) is the kernel side of a probe: BPF
            # code compiled by clang for the kernel, in no userspace layer.
            if name.endswith(".bpf.c"):
                continue
            if name.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(dirpath, name), SRC)


def main():
    problems = []
    files = sorted(source_files())
    includes = {}
    seen_known = set()
    for f in files:
        with open(os.path.join(SRC, f), encoding="utf-8") as fh:
            text = fh.read()
        layer = layer_of(f)
        if layer is None:
            problems.append("%s: in no layer: put it in one of src/{%s}/" % (f, ",".join(FOLDERS)))
            continue
        includes[f] = [h for h in INCLUDE.findall(text) if os.path.exists(os.path.join(SRC, h))]
        for h in INCLUDE.findall(text):
            if not os.path.exists(os.path.join(SRC, h)) and not h.startswith(("ncurses", "libproc2")) \
                    and "/" not in h and os.path.exists(os.path.join(SRC, os.path.dirname(f), h)):
                problems.append("%s includes \"%s\": name its layer (\"%s/%s\")" % (f, h, os.path.dirname(f), h))
        code = COMMENT.sub(" ", text)
        if layer != "proc" and any(PROC_PATH.match(s) for s in STRING.findall(code)):
            problems.append("%s: names a /proc path, which only the proc layer reads" % f)
        for h in includes[f]:
            to = layer_of(h)
            if to is None or to == layer or to in ALLOWED[layer]:
                continue
            if (f, h) in KNOWN:
                seen_known.add((f, h))
                continue
            problems.append("%s (%s) includes %s (%s): not allowed" % (f, layer, h, to))
    for gone in sorted(KNOWN - seen_known):
        problems.append("%s no longer includes %s: remove it from KNOWN" % gone)
    # Two modules (a .c with its .h) that include each other's header.
    uses = {}
    for f, hs in includes.items():
        # NAME_int.h is NAME's private half (proc/sampler_int.h), not another module.
        owner = module(f)[:-4] if module(f).endswith("_int") else module(f)
        uses.setdefault(owner, set()).update(module(h) for h in hs
                                             if module(h) not in (owner, owner + "_int"))
    seen_mutual = set()
    for a in sorted(uses):
        for b in sorted(uses[a]):
            if a < b and a in uses.get(b, set()):
                if (a, b) in KNOWN_MUTUAL:
                    seen_mutual.add((a, b))
                else:
                    problems.append("%s and %s include each other" % (a, b))
    for gone in sorted(KNOWN_MUTUAL - seen_mutual):
        problems.append("%s and %s no longer include each other: remove them from KNOWN_MUTUAL" % gone)
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
