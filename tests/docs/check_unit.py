#!/usr/bin/env python3
"""check_unit.py - does systemd accept the recorder's unit, as confined as it says?

contrib/systemd/memtop-record.service.in is the template `make install`
turns into lib/systemd/system/memtop-record.service. This check installs it
the way a package would, `make install DESTDIR=TMP PREFIX=/usr`, and fails
unless:

  install   the installed unit is the template with @BINDIR@ replaced by
            /usr/bin and nothing else changed, no @WORD@ left;
  verify    `systemd-analyze verify` exits 0 and prints no line about the
            unit (it exits 0 after an unknown key, a bad value or an unknown
            section: only its output tells). No running systemd is needed.
            Verify checks that ExecStart= names an executable, so it reads
            a copy of the installed unit whose ExecStart= names the binary
            under TMP, the one line that differs (not --root=TMP: then
            /bin/kill of ExecReload= and the targets the unit depends on
            would have to be under TMP too). MANPATH=TMP/usr/share/man lets
            its check of Documentation=man:memtop(1) find the installed page;
            where man(1) cannot be run that check is skipped (--man=no, said
            on the summary line) and the page is only looked for under TMP;
  security  `systemd-analyze security --offline=true` (systemd 252 and later)
            rates the unit's exposure at most MAX_EXPOSURE, and what it finds
            exposed is only what the unit leaves open on purpose
            (EXPOSED_ON_PURPOSE); CapabilityBoundingSet=~CAP_SYS_PTRACE among
            them must be: memtop needs that capability, and systemd drops a
            misspelt capability name without a word.

Usage: python3 tests/docs/check_unit.py, after `make` (make unit-check).
Exit status 0 with one summary line, or 1 with one line per problem on
stderr. Python 3 standard library; needs make, sed and systemd-analyze.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATE = os.path.join(ROOT, "contrib", "systemd", "memtop-record.service.in")
UNIT = "memtop-record.service"
INSTALLED = os.path.join("usr", "lib", "systemd", "system", UNIT)
MANPAGE = os.path.join("usr", "share", "man", "man1", "memtop.1")

# systemd-analyze security's overall exposure, 0 (none) to 10, as measured on
# systemd 252 (Debian 12): 1.2, "OK". Any loosening of the unit raises it.
MAX_EXPOSURE = 1.2
# With the drop-in that adds --listen: the host's network namespace and
# AF_INET/AF_INET6 (loopback only, by IPAddressAllow=).
MAX_EXPOSURE_LISTEN = 2.0

# What the unit leaves exposed on purpose, as systemd-analyze security names
# it, and why (the unit's comments say more).
EXPOSED_ON_PURPOSE = {
    "User=/DynamicUser=": "root: memtop reads every user's processes",
    "CapabilityBoundingSet=~CAP_SYS_PTRACE": "readlink /proc/PID/exe of every process",
    "ProtectProc=": "memtop must see every process",
    "ProcSubset=": "memtop reads /proc/meminfo, /proc/vmstat, /proc/pressure",
    "PrivateUsers=": "CAP_SYS_PTRACE must reach the machine's processes",
    "RestrictAddressFamilies=~AF_UNIX": "NSS asks nscd or systemd-userdb for user names",
    "RootDirectory=/RootImage=": "memtop runs from the host's /usr",
    "DeviceAllow=": "ProtectClock= itself allows reading the RTC",
}
MUST_BE_EXPOSED = "CapabilityBoundingSet=~CAP_SYS_PTRACE"


class Failure(Exception):
    """Something that stops the check: fails it."""


def run(argv, env=None, stderr=subprocess.STDOUT):
    """(exit status, output) of argv: stdout, and stderr too unless told
    where else it goes."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=stderr,
                       universal_newlines=True, env=env, timeout=120)
    return p.returncode, p.stdout


def about_unit(output):
    """The lines of systemd-analyze's output that name the unit."""
    return [line for line in output.splitlines() if "memtop-record" in line]


def check_install(dest, errors):
    """The installed unit's text, after checking it is the template with
    @BINDIR@ replaced and nothing else."""
    rc, out = run(["make", "--no-print-directory", "-C", ROOT, "install",
                   "DESTDIR=" + dest, "PREFIX=/usr"])
    if rc != 0:
        raise Failure("make install DESTDIR=%s PREFIX=/usr exited %d:\n%s" % (dest, rc, out))
    path = os.path.join(dest, INSTALLED)
    if not os.path.isfile(path):
        raise Failure("make install did not install /%s" % INSTALLED)
    with open(path, encoding="utf-8") as f:
        unit = f.read()
    with open(TEMPLATE, encoding="utf-8") as f:
        template = f.read()
    if "@BINDIR@" not in template:
        errors.append("%s has no @BINDIR@ to replace" % os.path.relpath(TEMPLATE, ROOT))
    left = sorted(set(re.findall(r"@[A-Z_]+@", unit)))
    if left:
        errors.append("the installed unit still has %s" % ", ".join(left))
    if unit != template.replace("@BINDIR@", "/usr/bin"):
        errors.append("the installed unit is not the template with @BINDIR@ replaced by /usr/bin")
    if not re.search(r"^ExecStart=/usr/bin/memtop ", unit, re.M):
        errors.append("the installed unit's ExecStart= does not run /usr/bin/memtop")
    return unit


def can_find_page(dest):
    """True when man(1) runs and finds the installed memtop(1) under dest."""
    if not shutil.which("man"):
        return False
    env = dict(os.environ, MANPATH=os.path.join(dest, "usr", "share", "man"))
    rc, out = run(["man", "-w", "1", "memtop"], env=env)
    return rc == 0 and out.strip() == os.path.join(dest, MANPAGE)


def check_verify(dest, unit, errors):
    """systemd-analyze verify on the installed unit, its ExecStart= moved
    under dest. Returns whether Documentation= was checked by man(1)."""
    where = os.path.join(dest, "verify")
    os.mkdir(where)
    copy = os.path.join(where, UNIT)
    moved, n = re.subn(r"^ExecStart=/usr/bin/", "ExecStart=%s/usr/bin/" % dest, unit, flags=re.M)
    if n != 1:
        raise Failure("the installed unit has %d ExecStart=/usr/bin/ lines, not 1" % n)
    with open(copy, "w", encoding="utf-8") as f:
        f.write(moved)
    man = can_find_page(dest)
    if not os.path.isfile(os.path.join(dest, MANPAGE)):
        errors.append("Documentation=man:memtop(1), but make install installed no /%s" % MANPAGE)
    env = dict(os.environ, MANPATH=os.path.join(dest, "usr", "share", "man"),
               SYSTEMD_LOG_COLOR="0")
    rc, out = run(["systemd-analyze", "verify", "--man=%s" % ("yes" if man else "no"), copy],
                  env=env)
    for line in about_unit(out):
        errors.append("systemd-analyze verify: %s" % line.replace(copy, "/" + INSTALLED))
    if rc != 0:
        errors.append("systemd-analyze verify exited %d%s" % (rc, "" if about_unit(out) else
                                                              ":\n" + out))
    else:
        for line in out.splitlines():
            if line.strip() and line not in about_unit(out):
                print("check_unit: note (not about the unit): %s" % line)
    return copy, man


def check_security(copy, errors):
    """systemd-analyze security --offline=true: the exposure, and what it
    finds exposed. Returns the exposure."""
    argv = ["systemd-analyze", "security", "--offline=true", "--no-pager"]
    rc, out = run(argv + [copy])
    m = re.search(r"Overall exposure level for %s: ([0-9]+\.[0-9]+)" % re.escape(UNIT), out)
    if rc != 0 or not m:
        raise Failure("systemd-analyze security --offline=true exited %d:\n%s" % (rc, out))
    exposure = float(m.group(1))
    if exposure > MAX_EXPOSURE:
        errors.append("systemd-analyze security: exposure %.1f, over %.1f" % (exposure, MAX_EXPOSURE))
    # Only stdout: what it says about the unit's lines went to verify's check.
    rc, out = run(argv + ["--json=short", copy], stderr=subprocess.DEVNULL)
    try:
        items = json.loads(out)
    except ValueError:
        raise Failure("systemd-analyze security --json=short exited %d:\n%s" % (rc, out))
    exposed = {i["name"]: i["description"] for i in items if i.get("set") is False}
    for name in sorted(set(exposed) - set(EXPOSED_ON_PURPOSE)):
        errors.append("systemd-analyze security: %s: %s" % (name, exposed[name]))
    if MUST_BE_EXPOSED not in exposed:
        errors.append("systemd-analyze security: the unit does not keep CAP_SYS_PTRACE "
                      "(a misspelt capability?), which memtop needs")
    return exposure


DROPIN = os.path.join("usr", "share", "memtop", "systemd", "memtop-record-listen.conf")


def check_dropin(dest, copy, errors):
    """The --listen drop-in as make install installs it: no @WORD@ left,
    ExecStart= reset and set to the recorder's command with --listen on
    loopback, and the unit with it (its [Service] lines after the unit's,
    as systemd reads a drop-in) still draws nothing from verify. Returns
    the merged unit's path."""
    path = os.path.join(dest, DROPIN)
    if not os.path.isfile(path):
        raise Failure("make install did not install /%s" % DROPIN)
    with open(path, encoding="utf-8") as f:
        dropin = f.read()
    left = sorted(set(re.findall(r"@[A-Z_]+@", dropin)))
    if left:
        errors.append("the installed drop-in still has %s" % ", ".join(left))
    if not re.search(r"^ExecStart=\n^ExecStart=/usr/bin/memtop -w \S+ --listen 127\.0\.0\.1:19377$", dropin, re.M):
        errors.append("the drop-in does not reset ExecStart= to the recorder with --listen 127.0.0.1:19377")
    with open(copy, encoding="utf-8") as f:
        unit = f.read()
    merged = os.path.join(os.path.dirname(copy), "listen", UNIT)
    os.mkdir(os.path.dirname(merged))
    with open(merged, "w", encoding="utf-8") as f:
        f.write(unit + "\n" + dropin.replace("ExecStart=/usr/bin/", "ExecStart=%s/usr/bin/" % dest))
    env = dict(os.environ, MANPATH=os.path.join(dest, "usr", "share", "man"), SYSTEMD_LOG_COLOR="0")
    rc, out = run(["systemd-analyze", "verify", "--man=no", merged], env=env)
    for line in about_unit(out):
        errors.append("systemd-analyze verify, with the drop-in: %s" % line.replace(merged, "/" + INSTALLED))
    if rc != 0:
        errors.append("systemd-analyze verify with the drop-in exited %d" % rc)
    return merged


def check(dest, errors):
    """Appends each problem to errors; returns the summary line."""
    unit = check_install(dest, errors)
    copy, man = check_verify(dest, unit, errors)
    merged = check_dropin(dest, copy, errors)
    exposure = check_security(copy, errors)
    rc, out = run(["systemd-analyze", "security", "--offline=true", "--no-pager", merged])
    m = re.search(r"Overall exposure level for %s: ([0-9]+\.[0-9]+)" % re.escape(UNIT), out)
    if not m or float(m.group(1)) > MAX_EXPOSURE_LISTEN:
        errors.append("systemd-analyze security with the --listen drop-in: %s, over %.1f"
                      % (m.group(1) if m else "no rating", MAX_EXPOSURE_LISTEN))
    summary = ("check_unit: /%s installed from its template; systemd-analyze verify: nothing "
               "to say%s; security: exposure %.1f (at most %.1f), %s with the --listen drop-in"
               % (INSTALLED, "" if man else " (man(1) not run: Documentation= checked as a file)",
                  exposure, MAX_EXPOSURE, m.group(1) if m else "?"))
    return summary


def main():
    if not shutil.which("systemd-analyze"):
        print("check_unit: no systemd-analyze (Debian package systemd)", file=sys.stderr)
        return 1
    errors = []
    with tempfile.TemporaryDirectory(prefix="memtop-unit-") as dest:
        try:
            summary = check(dest, errors)
        except (Failure, OSError, subprocess.SubprocessError) as e:
            errors.append(str(e))     # after what was found before it
    for e in errors:
        print("check_unit: %s" % e, file=sys.stderr)
    if errors:
        print("check_unit: %d problem%s: fix contrib/systemd/memtop-record.service.in or the install target"
              % (len(errors), "" if len(errors) == 1 else "s"), file=sys.stderr)
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
