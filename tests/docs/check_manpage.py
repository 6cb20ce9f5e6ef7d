#!/usr/bin/env python3
"""check_manpage.py - do the man pages document what memtop has?

Checks man/memtop.1, man/memtoprc.5 and man/memtop-themes.5 against the
sources and the built binary:

  options   every option of `memtop --help` (and of the options table in
            src/conf/cli.c, which --help is made from) has an entry in
            memtop.1's OPTIONS section, the short and long spelling in one
            entry, and every option the OPTIONS section documents exists in
            --help;
  keys      every key label of the help screen's key table (bindings[] in
            src/ui/view_list.c) has an entry in the "Keys" subsection, and every
            key of the detail view (view_detail_key in src/ui/view_detail.c) one
            in the "Detail view" subsection;
  columns   every column of the process table (the field table's rows with a
            column, src/model/fields.c) has an entry in the "Process table"
            subsection;
  memtoprc  every key of src/conf/rc.c's keys[] has an entry in the KEYS
            section of memtoprc.5, and every column name (src/model/fields.c)
            is named there;
  themes    every theme role (src/conf/theme.c) has an entry in the ROLES
            section of memtop-themes.5;
  pages     each page has the sections a page of its kind needs, memtop.1
            refers to both file-format pages, and groff formats each page
            without a warning (groff -man -ww -z; groff-base, which
            make check installs).
  output    every JSON field that src/output/output.c emits has an entry in the
            "JSON Lines" subsection, every CSV column of src/output/output.c is named
            in the "CSV" subsection, and every field of --smaps's JSON and CSV
            (src/output/smapsdump.c) in the "--smaps" subsection, and of
            --alloc-sites's (src/output/allocrun.c) in its subsection;
  checkup   every JSON member of memtop --check (src/output/checkrun.c) and
            every rule id (rule_ids[] in src/model/checkup.c) is documented
            in the CHECKUP section;
  sort keys every sort key (src/model/proctable.c) is named under OPTIONS.

Usage: python3 tests/docs/check_manpage.py [-v] [--memtop PATH] [--man-dir DIR]
from anywhere (paths are relative to the repository), after `make`.
Exit status 0 with "manpage: N options, M keys checked", or 1 with one line
per mismatch on stderr. Python 3 standard library only.
"""
import glob
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAN_DIR = os.path.join(ROOT, "man")
PAGES = ("memtop.1", "memtoprc.5", "memtop-themes.5")
MAN, RC_MAN, THEMES_MAN = (os.path.join(MAN_DIR, p) for p in PAGES)

# The sections each page must have (memtop.1's own are checked by what they
# hold).
FORMAT_SECTIONS = ("NAME", "SYNOPSIS", "DESCRIPTION", "FORMAT", "EXAMPLES", "SEE ALSO")


def src(name):
    """src/LAYER/name: files are found in whichever layer they live."""
    found = [os.path.join(d, name) for d in sorted(glob.glob(os.path.join(ROOT, "src", "*", "")))
             if os.path.exists(os.path.join(d, name))]
    if len(found) != 1:
        raise Failure("expected one src/*/%s, found %d" % (name, len(found)))
    return os.path.normpath(found[0])


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def rel(path):
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


class Failure(Exception):
    """A source the checker cannot make sense of: fails the check."""


# ---- roff ---------------------------------------------------------------

SPECIAL = {
    "*D": "\u0394", "em": "\u2014", "en": "\u2013", "lq": '"', "rq": '"', "oq": "'",
    "cq": "'", "aq": "'", "dq": '"', "bu": "\u2022", "mu": "\u00d7", "<=": "\u2264",
    ">=": "\u2265", "~~": "\u2248", "->": "\u2192", "u25B2": "\u25b2", "u25BC": "\u25bc",
}

ALTERNATING = {"BR", "RB", "IR", "RI", "BI", "IB"}


def unescape(s):
    """Roff text to plain text: fonts dropped, the escapes memtop.1 uses
    turned into their characters."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c != "\\" or i + 1 >= len(s):
            out.append(c)
            i += 1
            continue
        n = s[i + 1]
        if n == "f":                                   # \fB \f(XX \f[...]
            if s[i + 2:i + 3] == "(":
                i += 5
            elif s[i + 2:i + 3] == "[":
                i = s.index("]", i) + 1
            else:
                i += 3
        elif n == "(":                                 # \(xx
            out.append(SPECIAL.get(s[i + 2:i + 4], ""))
            i += 4
        elif n == "[":                                 # \[name]
            end = s.index("]", i)
            out.append(SPECIAL.get(s[i + 2:end], ""))
            i = end + 1
        elif n == "*":                                 # \*x, \*(xx: strings
            i += 5 if s[i + 2:i + 3] == "(" else 3
        else:
            out.append({"-": "-", "e": "\\", " ": " ", "~": " ", "\\": "\\"}.get(n, ""))
            i += 2                                     # \& \| \^ \% \c: nothing
    return "".join(out)


def macro_args(rest):
    """The arguments of a macro line: blank-separated, "quoted" ones may hold
    blanks and "" stands for a quote."""
    args, i = [], 0
    while i < len(rest):
        while i < len(rest) and rest[i] in " \t":
            i += 1
        if i >= len(rest):
            break
        if rest[i] == '"':
            i += 1
            arg = []
            while i < len(rest):
                if rest[i] == '"':
                    if rest[i + 1:i + 2] == '"':
                        arg.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                arg.append(rest[i])
                i += 1
            args.append("".join(arg))
        else:
            j = i
            while j < len(rest) and rest[j] not in " \t":
                j += 1
            args.append(rest[i:j])
            i = j
    return args


def parse_line(line):
    """(macro or None, plain text) of one roff source line."""
    if line[:1] in (".", "'"):
        m = re.match(r"[.'][ \t]*(\S*)[ \t]*(.*)", line)
        name, rest = m.group(1), m.group(2)
        args = macro_args(rest)
        joined = "".join(args) if name in ALTERNATING else " ".join(args)
        return name, unescape(joined)
    return None, unescape(line)


class ManPage:
    def __init__(self, path):
        self.path = path
        # (line number, macro, text, .SH title, .SS title); comments dropped.
        self.lines = []
        sh = ss = None
        for no, raw in enumerate(read(path).split("\n"), 1):
            if re.match(r"[.'][ \t]*\\\"", raw) or raw.startswith('\\"'):
                continue
            name, text = parse_line(raw)
            if name == "SH":
                sh, ss = text.strip(), None
            elif name == "SS":
                ss = text.strip()
            self.lines.append((no, name, text, sh, ss))

    def section(self, title):
        """The lines of the .SH section of that title, subsections included."""
        got = [l for l in self.lines if l[3] == title and l[1] != "SH"]
        if not got:
            raise Failure("%s has no section .SH %s" % (rel(self.path), title))
        return got

    def subsection(self, match, what):
        """The lines of the first .SS whose title satisfies match."""
        for l in self.lines:
            if l[1] == "SS" and match(l[4]):
                title = l[4]
                return [x for x in self.lines if x[4] == title and x[3] == l[3] and x[1] != "SS"]
        raise Failure("%s has no subsection (.SS) for %s" % (rel(self.path), what))

    @staticmethod
    def tags(lines):
        """(line number, text) of every .TP entry's tag in lines."""
        out = []
        for i, (no, name, text, _, _) in enumerate(lines):
            if name == "TP" and i + 1 < len(lines):
                out.append((lines[i + 1][0], lines[i + 1][2]))
        return out

    @staticmethod
    def text(lines):
        return "\n".join(l[2] for l in lines)


def has_word(text, word):
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text) is not None


# ---- what the sources say -----------------------------------------------

def c_block(text, start, path):
    """The text of a C initialiser from the line holding start to its '};'."""
    i = text.find(start)
    if i < 0:
        raise Failure("%s: cannot find %r" % (rel(path), start))
    m = re.compile(r"\n[ \t]*\};").search(text, i)
    j = m.start() if m else -1
    if j < 0:
        raise Failure("%s: cannot find the end of %r" % (rel(path), start))
    return text[i:j]


def help_options(memtop):
    """[(short or None, long or None)] from the option lines of --help."""
    if not os.access(memtop, os.X_OK):
        raise Failure("%s is missing: run make first" % memtop)
    run = subprocess.run([memtop, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, timeout=30)
    if run.returncode != 0:
        raise Failure("memtop --help exited %d: %s" % (run.returncode, run.stderr.strip()))
    entries = []
    for line in run.stdout.splitlines():
        m = re.match(r"\s+(-[A-Za-z0-9])?(?:,\s*)?(--[a-z0-9][a-z0-9-]*)?(?=\s|$)", line)
        if m and (m.group(1) or m.group(2)):
            entries.append((m.group(1), m.group(2)))
    if not entries:
        raise Failure("found no options in the output of memtop --help")
    return entries


def cli_options():
    """The short and long spellings of src/conf/cli.c's options table: rows
    { 'x', "long", ... } or { OPT_CODE, "long", ... }."""
    path = src("cli.c")
    rows = re.findall(r"\{\s*(?:'([A-Za-z0-9])'|OPT_[A-Z_]+)\s*,\s*\"([a-z0-9-]+)\"",
                      c_block(read(path), "struct cli_option options[] = {", path))
    if not rows:
        raise Failure("%s: found no rows in the options table" % rel(path))
    return ["-" + s for s, _ in rows if s], ["--" + l for _, l in rows]


def key_labels():
    """The key labels of bindings[] in src/ui/view_list.c, NULL ones left out."""
    path = src("view_list.c")
    block = c_block(read(path), "bindings[] = {", path)
    labels = [m.group(2) for m in re.finditer(
        r'\{\s*\{[^{}]*\}\s*,\s*(NULL|"((?:[^"\\]|\\.)*)")', block) if m.group(2) is not None]
    if not labels:
        raise Failure("%s: found no labels in bindings[]" % rel(path))
    return labels


KEY_NAMES = {
    "KEY_ESC": "Esc", "KEY_BACKSPACE": "Backspace", "KEY_LEFT": "Left", "KEY_RIGHT": "Right",
    "KEY_UP": "Up", "KEY_DOWN": "Down", "KEY_PPAGE": "PgUp", "KEY_NPAGE": "PgDn",
    "KEY_HOME": "Home", "KEY_END": "End", "KEY_ENTER": "Enter", "127": "Backspace",
    "8": "Backspace", "'\\r'": "Enter", "'\\n'": "Enter", "' '": "Space",
}


def detail_keys():
    """The keys view_detail_key in src/ui/view_detail.c handles, by name."""
    path = src("view_detail.c")
    text = read(path)
    i = text.find(" view_detail_key(void *state")
    j = text.find("\n}", i)
    if i < 0 or j < 0:
        raise Failure("%s: cannot find view_detail_key" % rel(path))
    names = []
    for case in re.findall(r"case\s+([^:]+?|':')\s*:", text[i:j]):
        if re.fullmatch(r"'[^\\']'", case):
            name = case[1]
        elif case in KEY_NAMES:
            name = KEY_NAMES[case]
        else:
            raise Failure("%s: the detail view handles %s: give it a name in KEY_NAMES of %s"
                          % (rel(path), case, rel(__file__)))
        if name not in names:
            names.append(name)
    if not names:
        raise Failure("%s: found no keys in view_detail_key" % rel(path))
    return names


def field_rows():
    """The rows of the field table (fields[] in src/model/fields.c), each a
    dict of its designated members: strings as str, others as their source."""
    path = src("fields.c")
    block = c_block(read(path), "fields[] = {", path)
    rows = []
    for body in re.findall(r"^\t\{(.*?)\},?\s*$", block, re.S | re.M):
        body = re.sub(r"^\s*//.*$", "", body, flags=re.M)
        row = {}
        for m in re.finditer(r'\.([a-z_]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,]+)', body):
            v = m.group(2).strip()
            row[m.group(1)] = v[1:-1] if v.startswith('"') else v
        rows.append(row)
    if not rows:
        raise Failure("%s: found no rows in fields[]" % rel(path))
    return rows


def table_columns():
    """The ASCII titles of the screen's columns: the field table's rows with
    a column (src/model/fields.c)."""
    cols = [r["title_ascii"] for r in field_rows() if r.get("column", "-1") != "-1"]
    if not cols:
        raise Failure("%s: found no columns in fields[]" % rel(src("fields.c")))
    return cols


def column_names():
    """The names of the columns (the rc file's columns =)."""
    return [r["name"] for r in field_rows() if r.get("column", "-1") != "-1"]


def sort_key_names():
    """The names of the sort keys: the field table's rows that sort."""
    return [r["name"] for r in field_rows() if r.get("sort", "-1") != "-1"]


def process_json_fields():
    """The per-process JSON members (and the objects that gather some)."""
    out = []
    for r in field_rows():
        for k in ("json_object", "json"):
            if k in r and r[k] not in out:
                out.append(r[k])
    return out


def process_csv_columns():
    """The CSV columns: time, then the field table's csv names, the
    FIELD_CSV_LAST ones last."""
    rows = [r for r in field_rows() if "csv" in r]
    last = [r["csv"] for r in rows if "FIELD_CSV_LAST" in r.get("flags", "")]
    return ["time"] + [r["csv"] for r in rows if r["csv"] not in last] + last


def designated_names(path, start, prefix):
    """The strings of a designated initialiser: [PREFIX_X] = "name"."""
    names = re.findall(r"\[%s[A-Z_]+\]\s*=\s*\{?\s*\"([^\"]+)\"" % prefix,
                       c_block(read(path), start, path))
    if not names:
        raise Failure("%s: found no names in %r" % (rel(path), start))
    return names


def rc_keys():
    path = src("rc.c")
    keys = re.findall(r'\{\s*"([a-z_]+)"\s*,\s*RC_HAVE_', c_block(read(path), "keys[] = {", path))
    if not keys:
        raise Failure("%s: found no keys in keys[]" % rel(path))
    return keys


def json_fields(path):
    """Every JSON member name a C file writes: \"name\": in a format string,
    or a name passed to one of its json_* helpers."""
    text = read(path)
    names = re.findall(r'\\"([A-Za-z_][A-Za-z0-9_]*)\\"\s*:', text)
    names += re.findall(r'\bjson_\w+\(\s*f\s*,\s*"([A-Za-z_][A-Za-z0-9_]*)"', text)
    out = []
    for n in names:
        if n not in out:
            out.append(n)
    if not out:
        raise Failure("%s: found no JSON fields" % rel(path))
    return out


def csv_columns(path, pattern):
    m = re.search(pattern, read(path), re.S)
    if not m:
        raise Failure("%s: cannot find the CSV header" % rel(path))
    header = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))).replace("\\n", "")
    return [c for c in header.split(",") if c]


# ---- the checks ---------------------------------------------------------

def tag_words(page, lines):
    words = set()
    for _, t in page.tags(lines):
        words |= tokens(t, r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
    return words


def check_file_formats(errors, counts):
    """memtoprc's keys and column names in memtoprc(5), the theme roles in
    memtop-themes(5), and the sections of both."""
    rc_page, themes_page = ManPage(RC_MAN), ManPage(THEMES_MAN)
    for page in (rc_page, themes_page):
        titles = {l[3] for l in page.lines}
        for title in FORMAT_SECTIONS:
            if title not in titles:
                errors.append("%s has no section .SH %s" % (rel(page.path), title))
    key_section = rc_page.section("KEYS")
    key_tags = tag_words(rc_page, key_section)
    keys = rc_keys()
    for k in keys:
        if k not in key_tags:
            errors.append("memtoprc key %s (keys[] in %s) has no entry in the KEYS section of %s"
                          % (k, rel(src("rc.c")), rel(RC_MAN)))
    counts["memtoprc keys"] = len(keys)
    colnames = column_names()
    for c in colnames:
        if not has_word(rc_page.text(key_section), c):
            errors.append("column name %s (%s) is not named in the KEYS section (columns =) of %s"
                          % (c, rel(src("fields.c")), rel(RC_MAN)))
    role_tags = tag_words(themes_page, themes_page.section("ROLES"))
    roles = designated_names(src("theme.c"), "role_keys[ROLE_COUNT] = {", "ROLE_")
    for r in roles:
        if r not in role_tags:
            errors.append("theme role %s (%s) has no entry in the ROLES section of %s"
                          % (r, rel(src("theme.c")), rel(THEMES_MAN)))
    counts["column names"], counts["theme roles"] = len(colnames), len(roles)


def check_pages_refer(errors, page):
    """memtop.1 points at the file-format pages from FILES and SEE ALSO."""
    for title in ("FILES", "SEE ALSO"):
        text = page.text(page.section(title))
        for other in (RC_MAN, THEMES_MAN):
            name, sect = os.path.basename(other).rsplit(".", 1)
            if not re.search(re.escape(name) + r"\s*\(" + sect + r"\)", text):
                errors.append("the %s section of %s does not refer to %s(%s)"
                              % (title, rel(page.path), name, sect))


def check_groff(errors):
    """Each page through groff -man -ww -z: any warning is a mismatch."""
    if not shutil.which("groff"):
        errors.append("groff is missing (Debian: groff-base; make check installs it): "
                      "the pages cannot be checked for formatting warnings")
        return
    for path in (MAN, RC_MAN, THEMES_MAN):
        p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=60)
        problems = p.stderr.strip().splitlines()
        if p.returncode and not problems:
            problems = ["exit status %d" % p.returncode]
        for line in problems:
            errors.append("groff -man -ww: %s: %s" % (rel(path), line))

def tokens(text, pattern):
    return set(re.findall(pattern, text))


def check(memtop, verbose):
    man = ManPage(MAN)
    errors = []
    counts = {}

    # Options: --help and cli.c against the OPTIONS section.
    opts = man.section("OPTIONS")
    opt_tags = [(no, tokens(t, r"(?<![\w-])--?[A-Za-z0-9][A-Za-z0-9-]*")) for no, t in man.tags(opts)]
    entries = help_options(memtop)
    spellings = {s for e in entries for s in e if s}
    for no, toks in opt_tags:
        if not toks:
            errors.append("%s:%d: an OPTIONS entry that names no option" % (rel(MAN), no))
        for t in sorted(toks - spellings):
            errors.append("%s:%d: OPTIONS documents %s, which memtop --help does not list"
                          % (rel(MAN), no, t))
    for short, long in entries:
        want = {s for s in (short, long) if s}
        if not any(want <= toks for _, toks in opt_tags):
            errors.append("option %s of memtop --help has no entry in the OPTIONS section of %s%s"
                          % (", ".join(s for s in (short, long) if s), rel(MAN),
                             " (with both spellings in one entry)" if len(want) > 1 else ""))
    shorts, longs = cli_options()
    for s in shorts + longs:
        if s not in spellings:
            errors.append("%s accepts %s, but memtop --help does not list it" % (rel(src("cli.c")), s))
    counts["options"] = len(entries)

    # Keys: the help screen's table and the detail view.
    key_tags = [set(re.split(r"[\s,()]+", t)) - {""}
                for _, t in man.tags(man.subsection(lambda t: t == "Keys", "the keys (.SS Keys)"))]
    labels = key_labels()
    for label in labels:
        if not any(set(label.split()) <= toks for toks in key_tags):
            errors.append('key "%s" of the help screen (bindings[] in %s) has no entry in the '
                          "Keys subsection of %s" % (label, rel(src("view_list.c")), rel(MAN)))
    counts["keys"] = len(labels)
    detail = man.subsection(lambda t: t == "Detail view", 'the detail view (.SS "Detail view")')
    detail_tags = set()
    for _, t in man.tags(detail):
        detail_tags |= set(re.split(r"[\s,()]+", t)) - {""}
    dkeys = detail_keys()
    for k in dkeys:
        if k not in detail_tags:
            errors.append("key %s of the detail view (view_detail_key in %s) has no entry in the "
                          '"Detail view" subsection of %s' % (k, rel(src("view_detail.c")), rel(MAN)))
    counts["detail keys"] = len(dkeys)

    # The process table's columns.
    table = man.subsection(lambda t: t == "Process table", 'the columns (.SS "Process table")')
    col_tags = set()
    for _, t in man.tags(table):
        col_tags |= tokens(t, r"[A-Za-z][A-Za-z0-9/]*")
    cols = table_columns()
    for c in cols:
        if c not in col_tags:
            errors.append("column %s (fields[] in %s) has no entry in the \"Process table\" "
                          "subsection of %s" % (c, rel(src("fields.c")), rel(MAN)))
    counts["columns"] = len(cols)

    # memtoprc(5) and memtop-themes(5).
    check_file_formats(errors, counts)

    # Batch output: JSON Lines, CSV, --smaps.
    jl = man.subsection(lambda t: t == "JSON Lines", 'JSON Lines (.SS "JSON Lines")')
    jl_tags = set()
    for _, t in man.tags(jl):
        jl_tags |= tokens(t, r"[A-Za-z_][A-Za-z0-9_]*")
    fields = json_fields(src("output.c")) + process_json_fields()
    for f in fields:
        if f not in jl_tags:
            errors.append("JSON field %s (written by %s) has no entry in the \"JSON Lines\" "
                          "subsection of %s" % (f, rel(src("output.c")), rel(MAN)))
    counts["JSON fields"] = len(fields)
    csv_text = man.text(man.subsection(lambda t: t == "CSV", "CSV (.SS CSV)"))
    csvcols = process_csv_columns()
    for c in csvcols:
        if not has_word(csv_text, c):
            errors.append("CSV column %s (csv_header in %s) is not named in the CSV subsection of %s"
                          % (c, rel(src("output.c")), rel(MAN)))
    counts["CSV columns"] = len(csvcols)
    # The cgroup table's (--cgroups): JSON members and CSV columns.
    cfields = json_fields(src("output_cgroups.c"))
    for f in cfields:
        if f not in jl_tags:
            errors.append("JSON field %s (written by %s) has no entry in the \"JSON Lines\" "
                          "subsection of %s" % (f, rel(src("output_cgroups.c")), rel(MAN)))
    ccols = csv_columns(src("output_cgroups.c"), r'output_csv_cgroups\(.*?fputs\(((?:"[^"]*"\s*)+)')
    for c in ccols:
        if not has_word(csv_text, c):
            errors.append("CSV column %s (%s) is not named in the CSV subsection of %s"
                          % (c, rel(src("output_cgroups.c")), rel(MAN)))
    counts["cgroup fields"] = len(set(cfields) | set(ccols))
    # The memory breakdown's (--breakdown): JSON members and CSV columns.
    bfields = json_fields(src("output_breakdown.c"))
    for f in bfields:
        if f not in jl_tags:
            errors.append("JSON field %s (written by %s) has no entry in the \"JSON Lines\" "
                          "subsection of %s" % (f, rel(src("output_breakdown.c")), rel(MAN)))
    bcols = csv_columns(src("output_breakdown.c"), r'output_csv_breakdown\(.*?fputs\(((?:"[^"]*"\s*)+)')
    for c in bcols:
        if not has_word(csv_text, c):
            errors.append("CSV column %s (%s) is not named in the CSV subsection of %s"
                          % (c, rel(src("output_breakdown.c")), rel(MAN)))
    counts["breakdown fields"] = len(set(bfields) | set(bcols))
    smaps = man.subsection(lambda t: "--smaps" in t, "--smaps (a .SS with --smaps in its title)")
    smaps_tags = set()
    for _, t in man.tags(smaps):
        smaps_tags |= tokens(t, r"[A-Za-z_][A-Za-z0-9_]*")
    smaps_text = man.text(smaps)
    sfields = json_fields(src("smapsdump.c"))
    for f in sfields:
        if f not in smaps_tags and not has_word(smaps_text, f):
            errors.append("--smaps JSON field %s (%s) is not documented in the --smaps subsection of %s"
                          % (f, rel(src("smapsdump.c")), rel(MAN)))
    scols = csv_columns(src("smapsdump.c"), r'smapsdump_csv\(.*?fputs\(("[^"]*")')
    for c in scols:
        if not has_word(smaps_text, c):
            errors.append("--smaps CSV column %s (%s) is not named in the --smaps subsection of %s"
                          % (c, rel(src("smapsdump.c")), rel(MAN)))
    counts["--smaps fields"] = len(set(sfields) | set(scols))

    # memtop --alloc-sites: its JSON members and CSV columns, in its subsection.
    alloc = man.subsection(lambda t: "--alloc-sites" in t, "--alloc-sites (a .SS with --alloc-sites in its title)")
    alloc_tags = set()
    for _, t in man.tags(alloc):
        alloc_tags |= tokens(t, r"[A-Za-z_][A-Za-z0-9_]*")
    alloc_text = man.text(alloc)
    afields = json_fields(src("allocrun.c"))
    for f in afields:
        if f not in alloc_tags and not has_word(alloc_text, f):
            errors.append("--alloc-sites JSON field %s (%s) is not documented in the --alloc-sites subsection "
                          "of %s" % (f, rel(src("allocrun.c")), rel(MAN)))
    acols = csv_columns(src("allocrun.c"), r'allocrun_csv\(.*?fputs\(("[^"]*")')
    for c in acols:
        if not has_word(alloc_text, c):
            errors.append("--alloc-sites CSV column %s (%s) is not named in the --alloc-sites subsection of %s"
                          % (c, rel(src("allocrun.c")), rel(MAN)))
    counts["--alloc-sites fields"] = len(set(afields) | set(acols))

    # memtop --check: its JSON members and its rules' ids, in CHECKUP.
    ck = man.section("CHECKUP")
    ck_words = set()
    for _, t in man.tags(ck):
        ck_words |= tokens(t, r"[A-Za-z_][A-Za-z0-9_-]*")
    ck_text = man.text(ck)
    kfields = json_fields(src("checkrun.c"))
    for f in kfields:
        if f not in ck_words and not has_word(ck_text, f):
            errors.append("--check JSON field %s (%s) is not documented in the CHECKUP section of %s"
                          % (f, rel(src("checkrun.c")), rel(MAN)))
    m = re.search(r"rule_ids\[\]\s*=\s*\{(.*?)\};", read(src("checkup.c")), re.S)
    if not m:
        raise Failure("%s: cannot find rule_ids[]" % rel(src("checkup.c")))
    rules = re.findall(r'"([a-z0-9-]+)"', m.group(1))
    for r in rules:
        if r not in ck_words:
            errors.append("--check rule %s (%s) has no entry in the CHECKUP section of %s"
                          % (r, rel(src("checkup.c")), rel(MAN)))
    counts["--check fields"] = len(kfields) + len(rules)

    # Sort keys, under OPTIONS (-s).
    opts_text = man.text(opts)
    sorts = sort_key_names()
    for k in sorts:
        if not has_word(opts_text, k):
            errors.append("sort key %s (%s) is not named in the OPTIONS section of %s"
                          % (k, rel(src("proctable.c")), rel(MAN)))
    counts["sort keys"] = len(sorts)

    check_pages_refer(errors, man)
    check_groff(errors)

    if verbose:
        for what, n in counts.items():
            print("  %-15s %d" % (what, n))
    return errors, counts


def main(argv):
    verbose = "-v" in argv
    global MAN, RC_MAN, THEMES_MAN
    memtop = os.path.join(ROOT, "memtop")
    if "--memtop" in argv:
        memtop = os.path.abspath(argv[argv.index("--memtop") + 1])
    if "--man" in argv:                     # another copy of the page, to test the checker
        MAN = os.path.abspath(argv[argv.index("--man") + 1])
    if "--man-dir" in argv:                 # copies of all three pages
        d = os.path.abspath(argv[argv.index("--man-dir") + 1])
        MAN, RC_MAN, THEMES_MAN = (os.path.join(d, p) for p in PAGES)
    try:
        errors, counts = check(memtop, verbose)
    except (Failure, OSError, subprocess.SubprocessError) as e:
        print("check_manpage: %s" % e, file=sys.stderr)
        return 1
    if errors:
        for e in errors:
            print("check_manpage: %s" % e, file=sys.stderr)
        print("check_manpage: %d mismatch%s between %s and memtop"
              % (len(errors), "" if len(errors) == 1 else "es", "the man pages"), file=sys.stderr)
        return 1
    print("manpage: %d options, %d keys, %d memtoprc keys, %d theme roles checked; "
          "groff -ww quiet on %d pages" % (counts["options"], counts["keys"],
                                            counts["memtoprc keys"], counts["theme roles"],
                                            len(PAGES)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
