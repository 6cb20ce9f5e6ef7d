#!/usr/bin/env python3
"""check_completions.py - are the shell completions in step with memtop?

contrib/completions/memtop.bash and contrib/completions/_memtop are written
by hand; this check fails when they fall out of step with memtop:

  options   the options each file completes are exactly those of
            `memtop --help` (made from the options table in src/conf/cli.c),
            and the options each file completes a value for are exactly
            those --help shows with a value;
  values    the values offered for --sort are the sort keys --help lists,
            those for --format the names of parse_format in src/conf/cli.c,
            those for --leak-sensitivity those of cli_parse_sensitivity;
  bash      the bash function really completes: sourced into `bash -c` with
            COMP_WORDS and COMP_CWORD set, `memtop --so` gives --sort,
            `memtop -s ` the sort keys, `memtop --sort=gr` growth, -t the
            themes of `memtop --list-themes`, -p and --smaps process IDs
            (after a comma too), -d nothing;
  zsh       `zsh -n` accepts _memtop (zsh is one of make check's packages;
            without it the check fails).

Usage: python3 tests/docs/check_completions.py [--memtop PATH] [--bash FILE]
       [--zsh FILE], after `make`. Exit status 0 with one summary line, or 1
with one line per mismatch on stderr. Python 3 standard library only.
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASH = os.path.join(ROOT, "contrib", "completions", "memtop.bash")
ZSH = os.path.join(ROOT, "contrib", "completions", "_memtop")
CLI = os.path.join(ROOT, "src", "conf", "cli.c")


class Failure(Exception):
    """Something the checker cannot make sense of: fails the check."""


def rel(path):
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def run(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=30)
    if p.returncode != 0:
        raise Failure("%s exited %d: %s" % (" ".join(argv), p.returncode, p.stderr.strip()))
    return p.stdout


# ---- what memtop says ---------------------------------------------------

# An option line of --help: "  -d, --delay SECONDS  text" or
# "      --smaps PID  text"; the spellings end at two blanks or the line's end.
OPTION_LINE = re.compile(r"^(?:  (-[A-Za-z0-9]), |      )(--[a-z0-9][a-z0-9-]*)(?: (\S+))?(?:  |$)")


def help_options(help_text):
    """{spelling: takes a value} of every option line of --help."""
    opts = {}
    for line in help_text.splitlines():
        m = OPTION_LINE.match(line)
        if m:
            for s in (m.group(1), m.group(2)):
                if s:
                    opts[s] = m.group(3) is not None
    if not opts:
        raise Failure("found no options in the output of memtop --help")
    return opts


def help_sort_keys(help_text):
    """The sort keys the --sort entry of --help lists after its colon."""
    lines = help_text.splitlines()
    for i, line in enumerate(lines):
        m = OPTION_LINE.match(line)
        if m and m.group(2) == "--sort":
            entry = [line]
            for more in lines[i + 1:]:
                if OPTION_LINE.match(more) or not more.startswith(" "):
                    break
                entry.append(more)
            text = " ".join(entry)
            if ":" not in text:
                raise Failure("the --sort entry of --help lists no keys after a colon")
            return [w for w in re.split(r"[\s,]+", text.split(":", 1)[1]) if w and w != "or"]
    raise Failure("memtop --help has no --sort entry")


def cli_values():
    """{option: [values]} from the value tables of src/conf/cli.c."""
    text = read(CLI)
    formats = re.findall(r'\{\s*"([a-z]+)"\s*,\s*FORMAT_[A-Z]+\s*\}', text)
    sens = re.findall(r'\[LEAK_SENS_[A-Z]+\]\s*=\s*"([a-z]+)"', text)
    if not formats or not sens:
        raise Failure("%s: cannot find the format names (formats[]) or the leak sensitivities"
                      " (names[] of cli_parse_sensitivity)" % rel(CLI))
    return {"--format": formats, "--leak-sensitivity": sens}


# ---- what the completion files say --------------------------------------

def bash_lists(path):
    """(options completed, options with a value, {option: fixed values})."""
    text = read(path)
    m = re.search(r"if \[\[ \$cur == -\* \]\]; then\s+COMPREPLY=\(\$\(compgen -W '([^']*)'", text)
    if not m:
        raise Failure("%s: cannot find the option list (compgen -W '...' after "
                      "if [[ $cur == -* ]])" % rel(path))
    offered = m.group(1).split()
    m = re.search(r"\n\tcase \$prev in\n(.*?)\n\tesac", text, re.S)
    if not m:
        raise Failure("%s: cannot find the case $prev in ... esac of the values" % rel(path))
    with_value, values = set(), {}
    for arm in re.finditer(r"^\t((?:-[-\w]+\|)*-[-\w]+)\)\n(.*?);;", m.group(1), re.S | re.M):
        names = arm.group(1).split("|")
        with_value |= set(names)
        fixed = re.search(r"compgen -W '([^']*)'", arm.group(2))
        for n in names:
            if fixed:
                values[n] = fixed.group(1).split()
    return offered, with_value, values


# One spec of _arguments: an optional '(exclusions)' and '*', then
# {-x+,--long=}'[description]action' or '--long=[description]action'.
ZSH_SPEC = re.compile(r"^\s+(?:'\([^)]*\)')?(?:'\*')?"
                      r"(?:\{([^}]*)\}'|'(-[-\w]+[=+]?))\[[^]]*\]([^']*)'\s*\\?$")


def zsh_lists(path):
    """(options completed, options with a value, {option: fixed values})
    from the specs of _arguments, one a line."""
    text = read(path)
    i = text.find("_arguments")
    if i < 0:
        raise Failure("%s: cannot find _arguments" % rel(path))
    offered, with_value, values = [], set(), {}
    for line in text[i:].splitlines()[1:]:
        if not line.strip():
            break
        m = ZSH_SPEC.match(line)
        if not m:
            raise Failure("%s: cannot read the spec %r" % (rel(path), line.strip()))
        names = m.group(1).split(",") if m.group(1) else [m.group(2)]
        action = m.group(3)
        fixed = re.search(r":\(([^)]*)\)$", action)
        for raw in names:
            name = raw.rstrip("=+")
            offered.append(name)
            if action.startswith(":") or raw != name:
                with_value.add(name)
            if fixed:
                values[name] = fixed.group(1).split()
    return offered, with_value, values


# ---- the checks ---------------------------------------------------------

def compare_lists(errors, path, offered, with_value, values, opts, shorts, want_values):
    """Appends a line to errors for each difference between one file's lists
    and memtop's: opts {spelling: takes a value}, shorts {long: [short]},
    want_values {long option: [values]}."""
    where = rel(path)
    for o in sorted(set(opts) - set(offered)):
        errors.append("%s does not complete %s, which memtop --help lists" % (where, o))
    for o in sorted(set(offered) - set(opts)):
        errors.append("%s completes %s, which memtop --help does not list" % (where, o))
    for o in sorted(o for o in offered if offered.count(o) > 1):
        errors.append("%s lists %s twice" % (where, o))
    takes = {o for o, v in opts.items() if v}
    for o in sorted(takes - with_value):
        errors.append("%s does not take a value after %s, as memtop --help shows" % (where, o))
    for o in sorted(with_value - takes):
        errors.append("%s takes a value after %s, which memtop --help shows without one"
                      % (where, o))
    for opt, want in want_values.items():
        for o in [opt] + shorts.get(opt, []):
            got = values.get(o)
            if got is None:
                errors.append("%s offers no fixed values after %s (want %s)"
                              % (where, o, " ".join(want)))
            elif sorted(got) != sorted(want):
                errors.append("%s offers %s after %s; memtop has %s"
                              % (where, " ".join(got), o, " ".join(want)))


def short_spellings(help_text):
    """{long: [its short spelling]} from --help."""
    out = {}
    for line in help_text.splitlines():
        m = OPTION_LINE.match(line)
        if m and m.group(1):
            out[m.group(2)] = [m.group(1)]
    return out


def complete(path, memtop, words):
    """What the bash function offers for words, the last being completed,
    with the command word replaced by memtop's path."""
    script = ('f=$1 cw=$2; shift 2; COMP_WORDS=("$@"); COMP_CWORD=$cw; . "$f" || exit 9; '
              'complete -p memtop >/dev/null || exit 8; '
              '_memtop "${COMP_WORDS[0]}" "${COMP_WORDS[cw]}" "${COMP_WORDS[cw-1]}"; '
              'printf "%s\\n" "${COMPREPLY[@]}"')
    argv = ["bash", "--norc", "--noprofile", "-c", script, "bash", path,
            str(len(words) - 1), memtop] + list(words[1:])
    return [l for l in run(argv).splitlines() if l]


def check_bash_behaviour(errors, path, memtop, sort_keys, formats):
    pid1 = os.path.isdir("/proc/1")
    cases = [
        (["memtop", "--so"], ["--sort"], "exactly"),
        (["memtop", "-s", ""], sort_keys, "exactly"),
        (["memtop", "--sort", "gr"], ["growth"], "exactly"),
        (["memtop", "--sort", "=", "gr"], ["growth"], "exactly"),   # --sort=gr, split at '='
        (["memtop", "--format", "="], formats, "exactly"),
        (["memtop", "-b", "-f", ""], formats, "exactly"),
        (["memtop", "--leak-sens"], ["--leak-sensitivity"], "exactly"),
        (["memtop", "-d", ""], [], "exactly"),
        (["memtop", "-V"], ["-V"], "exactly"),
    ]
    themes = [l.split()[0] for l in run([memtop, "--list-themes"]).splitlines() if l.strip()]
    cases.append((["memtop", "-t", ""], themes, "exactly"))
    cases.append((["memtop", "--theme", themes[0][:2]],
                  [t for t in themes if t.startswith(themes[0][:2])], "exactly"))
    if pid1:
        cases.append((["memtop", "--smaps", ""], ["1"], "among"))
        cases.append((["memtop", "-p", "1,"], ["1,1"], "among"))
    for words, want, how in cases:
        try:
            got = complete(path, memtop, words)
        except Failure as e:
            errors.append("bash completion of %r: %s" % (" ".join(words), e))
            continue
        ok = sorted(got) == sorted(want) if how == "exactly" else set(want) <= set(got)
        if not ok:
            errors.append("bash completion of %r offers %s; want %s%s"
                          % (" ".join(words) + "<TAB>", got or "nothing",
                             "" if how == "exactly" else "among them ", want or "nothing"))
    if pid1 and not errors:
        got = complete(path, memtop, ["memtop", "-p", "1,"])
        if any(not re.fullmatch(r"1,\d+", g) for g in got):
            errors.append("bash completion of -p 1, offers something not 1,PID: %s" % got[:5])
    return len(cases)


def check(memtop, bash, zsh):
    if not os.access(memtop, os.X_OK):
        raise Failure("%s is missing: run make first" % memtop)
    help_text = run([memtop, "--help"])
    opts = help_options(help_text)
    shorts = short_spellings(help_text)
    sort_keys = help_sort_keys(help_text)
    want_values = dict(cli_values(), **{"--sort": sort_keys})
    errors = []
    for path, lists in ((bash, bash_lists), (zsh, zsh_lists)):
        compare_lists(errors, path, *lists(path), opts, shorts, want_values)
    notes = []
    if shutil.which("bash"):
        n = check_bash_behaviour(errors, bash, memtop, sort_keys, want_values["--format"])
        notes.append("%d bash completions run" % n)
    else:
        print("check_completions: bash is not installed: %s is not run" % rel(bash))
    if shutil.which("zsh"):
        p = subprocess.run(["zsh", "-n", zsh], stderr=subprocess.PIPE, universal_newlines=True)
        if p.returncode != 0:
            errors.append("zsh -n %s: %s" % (rel(zsh), p.stderr.strip()))
        notes.append("zsh -n passed")
    else:
        # make check installs zsh (the Makefile's CHECK_NEEDS): a missing one is a broken set-up.
        errors.append("zsh is not installed: %s cannot be syntax-checked (apt-get install zsh)" % rel(zsh))
    return errors, "completions: %d options in step%s" % (
        len(opts), "".join(", " + n for n in notes))


def main(argv):
    memtop, bash, zsh = os.path.join(ROOT, "memtop"), BASH, ZSH
    for flag in ("--memtop", "--bash", "--zsh"):
        if flag in argv:
            value = os.path.abspath(argv[argv.index(flag) + 1])
            memtop, bash, zsh = {"--memtop": (value, bash, zsh), "--bash": (memtop, value, zsh),
                                 "--zsh": (memtop, bash, value)}[flag]
    try:
        errors, summary = check(memtop, bash, zsh)
    except (Failure, OSError, subprocess.SubprocessError) as e:
        print("check_completions: %s" % e, file=sys.stderr)
        return 1
    for e in errors:
        print("check_completions: %s" % e, file=sys.stderr)
    if errors:
        print("check_completions: %d mismatch%s: fix contrib/completions/"
              % (len(errors), "" if len(errors) == 1 else "es"), file=sys.stderr)
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
