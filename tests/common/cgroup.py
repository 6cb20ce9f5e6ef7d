"""A cgroup with a low memory limit and a workload that stalls in it.

PressureCgroup(limit_mib) makes real memory pressure inside one cgroup, for
tests of memtop's per-cgroup pressure. The layout comes from
/proc/self/mountinfo (detect_layout), never from fixed paths:

- cgroup2 (fstype "cgroup2") keeps memory.pressure for every cgroup, with or
  without the memory controller, so the workload always gets a cgroup there:
  a child of the cgroup2 mount;
- the memory controller is on v2 when that mount's cgroup.controllers lists
  "memory" (pure v2): the limit is then the child's memory.max;
- otherwise it is on the v1 hierarchy whose super options hold "memory"
  (hybrid): a second cgroup there, a child of this process's own v1 memory
  cgroup, carries memory.limit_in_bytes. Nesting it there keeps the workload
  inside whatever memory cgroup the test runs in.

The workload (tests/workloads/thrash.c) reads random pages of a file four
times the limit through a shared mapping, so the cgroup keeps reclaiming and
refaulting its own page cache: memory stalls, but no OOM kill, since clean
file pages can always be reclaimed.

Where no cgroup can be made (not root, a read-only mount, no cgroup2, PSI
off), CgroupError says why: a test must fail on it, never pass.
"""
import collections
import errno
import os
import re
import sys
import time

import workload

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
THRASH = os.path.join(ROOT, "build", "workloads", "thrash")
PREFIX = "memtop-test-"
MIN_LIMIT_MIB = 8        # room for the workload's own few hundred KiB, and then some


class CgroupError(RuntimeError):
    """No cgroup with a memory limit can be made here; the message says why."""


Mount = collections.namedtuple("Mount", "root mountpoint fstype super_options")


def _unescape(field):
    """Decodes the kernel's \\ooo escapes (\\040 is a space) in a mountinfo field."""
    def byte(m):
        v = int(m.group(1), 8)
        return bytes([v]) if 0 < v < 256 else m.group(0)
    return os.fsdecode(re.sub(rb"\\([0-7]{3})", byte, field))


def parse_mountinfo(data):
    """The mounts in /proc/self/mountinfo bytes, as Mount tuples."""
    mounts = []
    for line in data.split(b"\n"):
        if not line:
            continue
        fields = line.split(b" ")
        try:
            sep = fields.index(b"-", 6)      # optional fields end at "-"
            fstype, _source, options = fields[sep + 1:sep + 4]
        except ValueError:
            raise CgroupError("malformed mountinfo line: %r" % line) from None
        mounts.append(Mount(_unescape(fields[3]), _unescape(fields[4]),
                            fstype.decode(), options.decode()))
    return mounts


def _pick(mounts, wanted):
    """The first mount that passes wanted, or a later one of the hierarchy's
    root when the first is of a sub-tree (src/proc/cgfiles.c picks the same)."""
    found = [m for m in mounts if wanted(m)]
    rooted = [m for m in found if m.root == "/"]
    return (rooted or found or [None])[0]


class Layout:
    """Where the cgroup hierarchies are mounted: v2 and v1_memory are Mount
    tuples or None; memory_on_v2 says which one has the memory controller."""

    def __init__(self, v2, v1_memory, memory_on_v2):
        self.v2, self.v1_memory, self.memory_on_v2 = v2, v1_memory, memory_on_v2

    def __str__(self):
        if self.v2 and self.memory_on_v2:
            return "pure v2: cgroup2 at %s with the memory controller" % self.v2.mountpoint
        if self.v2 and self.v1_memory:
            return "hybrid: cgroup2 at %s (memory pressure only), memory controller on v1 at %s" % (
                self.v2.mountpoint, self.v1_memory.mountpoint)
        if self.v2:
            return "cgroup2 at %s without a memory controller anywhere" % self.v2.mountpoint
        if self.v1_memory:
            return "v1 only: memory controller at %s, no cgroup2" % self.v1_memory.mountpoint
        return "no cgroup hierarchies mounted"


def detect_layout(mountinfo="/proc/self/mountinfo"):
    """Reads mountinfo (and the cgroup2 root's cgroup.controllers) into a Layout."""
    with open(mountinfo, "rb") as f:
        mounts = parse_mountinfo(f.read())
    v2 = _pick(mounts, lambda m: m.fstype == "cgroup2")
    v1 = _pick(mounts, lambda m: m.fstype == "cgroup" and "memory" in m.super_options.split(","))
    memory_on_v2 = False
    if v2:
        try:
            with open(os.path.join(v2.mountpoint, "cgroup.controllers")) as f:
                memory_on_v2 = "memory" in f.read().split()
        except OSError as e:
            raise CgroupError("cannot read %s/cgroup.controllers: %s" % (v2.mountpoint, e)) from None
    return Layout(v2, v1, memory_on_v2)


def _mount_of(path, mounts):
    """The mount that holds path: the longest mount point above it."""
    path = os.path.realpath(path)
    best = None
    for m in mounts:
        mp = m.mountpoint.rstrip("/")
        if (path == mp or path.startswith(mp + "/") or mp == "") and \
                (best is None or len(mp) >= len(best.mountpoint.rstrip("/"))):
            best = m
    return best


def read_pressure(path):
    """A memory.pressure (or /proc/pressure/memory) file as
    {"some": {"avg10": float, "avg60": ..., "avg300": ..., "total": int}, "full": {...}}."""
    with open(path) as f:
        text = f.read()
    out = {}
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        fields = dict(kv.split("=", 1) for kv in rest.split())
        out[kind] = {k: (int(v) if k == "total" else float(v)) for k, v in fields.items()}
    if "some" not in out:
        raise CgroupError("%s is not pressure text: %r" % (path, text))
    return out


def proc_cgroups(pid="self"):
    """/proc/PID/cgroup as {"v2": path of the 0:: line, controller: path, ...}."""
    out = {}
    with open("/proc/%s/cgroup" % pid) as f:
        for line in f:
            ident, controllers, path = line.rstrip("\n").split(":", 2)
            if ident == "0" and controllers == "":
                out["v2"] = path
            for c in controllers.split(","):
                if c:
                    out[c] = path
    return out


def _read(path):
    with open(path) as f:
        return f.read()


def _write(path, value):
    try:
        with open(path, "w") as f:
            f.write(value)
    except OSError as e:
        raise CgroupError("cannot write %r to %s: %s" % (value, path, e)) from None


def remove_cgroup(path, parent, timeout=5.0, kill=False):
    """Removes the (empty of children) cgroup folder path, waiting for its
    exiting processes to leave; one still in it is moved to parent (and
    killed when kill: a hostile test's own stray, never another's). path and
    parent are str or bytes alike. Returns None, or the problem as a line."""
    procs = os.path.join(path, b"cgroup.procs" if isinstance(path, bytes) else "cgroup.procs")
    target = os.path.join(parent, b"cgroup.procs" if isinstance(parent, bytes) else "cgroup.procs")
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.rmdir(path)
            return None
        except FileNotFoundError:
            return None
        except OSError as e:
            if e.errno != errno.EBUSY or time.monotonic() > deadline:
                return "cannot remove cgroup %r: %s" % (path, e.strerror)
        try:
            with open(procs, "rb") as f:
                pids = f.read().split()
            for pid in pids:
                with open(target, "wb") as f:
                    f.write(pid)
                if kill:
                    try:
                        os.kill(int(pid), 9)
                    except ProcessLookupError:
                        pass
        except OSError:
            pass                        # a task exiting; the next round sees
        time.sleep(0.05)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


class Thrash(workload.Workload):
    """The thrash workload: waits after "ready" until go() lets it start."""

    def __init__(self, directory, file_mib, **kw):
        super().__init__([THRASH, directory, str(file_mib)], **kw)

    def go(self):
        self.proc.stdin.write(b"go\n")
        self.proc.stdin.flush()


class PressureCgroup:
    """A context manager: cgroups with a memory limit of limit_mib MiB and a
    thrash workload stalling in them. Inside the with block:

      pid        the workload's PID
      name       memtop-test-PID (this process's PID), or with -N when taken
      layout     the Layout found
      v2_path    the cgroup2 cgroup, absolute (holds memory.pressure)
      v2_rel     its path as /proc/PID/cgroup's "0::" line shows it
      v1_path    the v1 memory cgroup, absolute (None when memory is on v2)
      v1_rel     its path as the "memory" line shows it (None likewise)
      limit_path the file holding the limit

    On exit the workload is stopped and the cgroups removed, also when the
    block raised. scratch_dir holds the workload's file (unlinked at once);
    it must not be tmpfs."""

    def __init__(self, limit_mib, file_mib=None, scratch_dir=None, mountinfo="/proc/self/mountinfo"):
        if limit_mib < MIN_LIMIT_MIB:
            raise ValueError("limit_mib must be at least %d" % MIN_LIMIT_MIB)
        self.limit_mib = limit_mib
        self.file_mib = file_mib or 4 * limit_mib
        self.scratch_dir = scratch_dir or os.path.join(ROOT, "build")
        self.mountinfo = mountinfo
        self.layout = self.workload = self.pid = self.name = None
        self.v2_path = self.v2_rel = self.v1_path = self.v1_rel = self.limit_path = None
        self._made = []          # (cgroup dir, parent dir), in creation order

    def __enter__(self):
        try:
            self._setup()
        except BaseException:
            for problem in self._cleanup():
                print("cgroup.py: while cleaning up: %s" % problem, file=sys.stderr)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        problems = self._cleanup()
        if problems and exc_type is None:
            raise CgroupError("; ".join(problems))
        for problem in problems:
            print("cgroup.py: while cleaning up: %s" % problem, file=sys.stderr)
        return False

    def pressure(self):
        """The cgroup's memory.pressure, parsed (see read_pressure)."""
        return read_pressure(os.path.join(self.v2_path, "memory.pressure"))

    def usage_bytes(self):
        """What the limited cgroup uses now (memory.current or usage_in_bytes)."""
        if self.v1_path:
            return int(_read(os.path.join(self.v1_path, "memory.usage_in_bytes")))
        return int(_read(os.path.join(self.v2_path, "memory.current")))

    def oom_kills(self):
        """How many processes the OOM killer has killed in the limited cgroup."""
        path = os.path.join(self.v1_path, "memory.oom_control") if self.v1_path else \
            os.path.join(self.v2_path, "memory.events")
        for line in _read(path).splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0

    # -- set-up --------------------------------------------------------------

    def _setup(self):
        if not os.access(THRASH, os.X_OK):
            raise CgroupError("%s is missing: run make build/workloads/thrash" % THRASH)
        with open(self.mountinfo, "rb") as f:
            mounts = parse_mountinfo(f.read())
        self.layout = layout = detect_layout(self.mountinfo)
        if layout.v2 is None:
            raise CgroupError("no cgroup2 hierarchy in %s (%s): per-cgroup memory.pressure "
                              "needs cgroup v2" % (self.mountinfo, layout))
        if not layout.memory_on_v2 and layout.v1_memory is None:
            raise CgroupError("no memory controller: %s/cgroup.controllers lacks \"memory\" and no "
                              "v1 hierarchy has it (%s)" % (layout.v2.mountpoint, layout))
        self._check_scratch(mounts)

        v2_parent = layout.v2.mountpoint
        v1_parent = None if layout.memory_on_v2 else self._own_v1_memory_dir()
        if layout.memory_on_v2:
            subtree = _read(os.path.join(v2_parent, "cgroup.subtree_control")).split()
            if "memory" not in subtree:
                raise CgroupError("the memory controller is on cgroup2 but not enabled for children "
                                  "of %s (cgroup.subtree_control: %r)" % (v2_parent, " ".join(subtree)))
        for parent in filter(None, (v2_parent, v1_parent)):
            self._remove_stale(parent)
        self.name = self._unique_name(filter(None, (v2_parent, v1_parent)))
        limit = str(self.limit_mib << 20)

        self.v2_path = self._mkdir(v2_parent)
        if layout.memory_on_v2:
            self.limit_path = os.path.join(self.v2_path, "memory.max")
        else:
            self.v1_path = self._mkdir(v1_parent)
            self.limit_path = os.path.join(self.v1_path, "memory.limit_in_bytes")
        _write(self.limit_path, limit)
        if _read(self.limit_path).strip() != limit:
            raise CgroupError("%s reads %r after writing %s" % (self.limit_path, _read(self.limit_path), limit))
        try:
            self.pressure()
        except OSError as e:
            raise CgroupError("cannot read %s/memory.pressure (%s): PSI is off; boot with psi=1, "
                              "or cgroup.pressure is 0" % (self.v2_path, e)) from None

        self.workload = Thrash(self.scratch_dir, self.file_mib)
        self.pid = self.workload.pid
        for path in filter(None, (self.v2_path, self.v1_path)):
            _write(os.path.join(path, "cgroup.procs"), str(self.pid))
        seen = proc_cgroups(self.pid)
        self.v2_rel = seen.get("v2")
        if not self.v2_rel or os.path.basename(self.v2_rel) != self.name:
            raise CgroupError("workload %d is in %r on cgroup2, not in %s" % (self.pid, self.v2_rel, self.name))
        if self.v1_path:
            self.v1_rel = seen.get("memory")
            if not self.v1_rel or os.path.basename(self.v1_rel) != self.name:
                raise CgroupError("workload %d is in memory cgroup %r, not in %s" % (self.pid, self.v1_rel, self.name))
        self.workload.go()

    def _check_scratch(self, mounts):
        if not os.path.isdir(self.scratch_dir):
            raise CgroupError("scratch directory %s does not exist" % self.scratch_dir)
        m = _mount_of(self.scratch_dir, mounts)
        if m and m.fstype in ("tmpfs", "ramfs"):
            raise CgroupError("scratch directory %s is on %s, whose pages cannot be reclaimed "
                              "without swap: pass scratch_dir on a disk filesystem"
                              % (self.scratch_dir, m.fstype))

    def _own_v1_memory_dir(self):
        """This process's own v1 memory cgroup, as a directory."""
        mount = self.layout.v1_memory
        own = proc_cgroups().get("memory", "/")
        root = mount.root.rstrip("/")
        if own != root and not own.startswith(root + "/"):
            return mount.mountpoint     # outside the mounted sub-tree: use its top
        return os.path.join(mount.mountpoint, own[len(root):].lstrip("/"))

    def _remove_stale(self, parent):
        """Removes empty memtop-test-PID cgroups whose PID is gone (a killed run)."""
        for entry in os.listdir(parent):
            m = re.fullmatch(re.escape(PREFIX) + r"(\d+)(-\d+)?", entry)
            if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
                try:
                    os.rmdir(os.path.join(parent, entry))
                except OSError:
                    pass                # populated or racing: not ours to force

    def _unique_name(self, parents):
        parents = list(parents)
        for n in range(1, 100):
            name = PREFIX + str(os.getpid()) + ("" if n == 1 else "-%d" % n)
            if not any(os.path.exists(os.path.join(p, name)) for p in parents):
                return name
        raise CgroupError("no free memtop-test name under %s" % ", ".join(parents))

    def _mkdir(self, parent):
        path = os.path.join(parent, self.name)
        try:
            os.mkdir(path)
        except OSError as e:
            why = {errno.EACCES: "not permitted: run as root or in a delegated cgroup",
                   errno.EPERM: "not permitted: run as root or in a delegated cgroup",
                   errno.EROFS: "the cgroup file system is mounted read-only"}.get(e.errno, e.strerror)
            raise CgroupError("cannot create cgroup %s: %s" % (path, why)) from None
        self._made.append((path, parent))
        return path

    # -- clean-up ------------------------------------------------------------

    def _cleanup(self):
        """Stops the workload and removes the cgroups; returns what went wrong."""
        problems = []
        if self.workload is not None:
            try:
                self.workload.stop()
            except Exception as e:      # keep going: the cgroups must still go
                problems.append("stopping workload %s: %s" % (self.pid, e))
            self.workload = None
        while self._made:
            path, parent = self._made.pop()
            problem = remove_cgroup(path, parent)
            if problem:
                problems.append(problem)
        return problems

class MemoryCgroup:
    """A context manager: a fresh memory cgroup without a limit, in the
    hierarchy that has the memory controller (the v1 memory hierarchy on a
    hybrid host, as a child of this process's own v1 memory cgroup; cgroup2
    where the controller is on v2, as a child of its root). For tests of
    memtop's per-cgroup rows. tag (letters, digits, "-") tells two of one
    test apart: the name is memtop-test-PID-TAG.

      name      memtop-test-PID-TAG
      layout    the Layout found
      path      the cgroup, absolute
      rel       its path as /proc/PID/cgroup shows it in that hierarchy (the
                "memory" line on v1, the "0::" line on v2): memtop's "path"
      on_v2     whether it is a cgroup2 cgroup

    add(pid) moves a process in (and checks it arrived); the cgroup's own
    files are read with own_anon_kb(), usage_kb() and pids(). On exit every
    process still in the cgroup is killed by PID (the test started them all:
    the cgroup was made empty) and the cgroup is removed, also when the block
    raised; leftovers() says, before that, which processes a workload failed
    to take with it."""

    def __init__(self, tag, mountinfo="/proc/self/mountinfo", name=None):
        if not re.fullmatch(r"[A-Za-z0-9-]+", tag):
            raise ValueError("tag must be letters, digits and '-': %r" % tag)
        if name is not None and not re.fullmatch(r"[A-Za-z0-9@._-]+", name):
            raise ValueError("name must be letters, digits and '@._-': %r" % name)
        self.tag, self.mountinfo = tag, mountinfo
        # A name of the caller's (a screenshot's "php-fpm.service"), or ours.
        self.name = name or PREFIX + "%d-%s" % (os.getpid(), tag)
        self.layout = self.path = self.rel = self.parent = None
        self.on_v2 = False

    def __enter__(self):
        self.layout = layout = detect_layout(self.mountinfo)
        if layout.v2 is not None and layout.memory_on_v2:
            self.on_v2, self.parent = True, layout.v2.mountpoint
            subtree = _read(os.path.join(self.parent, "cgroup.subtree_control")).split()
            if "memory" not in subtree:
                raise CgroupError("the memory controller is on cgroup2 but not enabled for children "
                                  "of %s (cgroup.subtree_control: %r)" % (self.parent, " ".join(subtree)))
        elif layout.v1_memory is not None:
            self.parent = self._own_v1_dir(layout.v1_memory)
        else:
            raise CgroupError("no memory controller: %s" % layout)
        self._remove_stale()
        self.path = os.path.join(self.parent, self.name)
        try:
            os.mkdir(self.path)
        except OSError as e:
            why = {errno.EACCES: "not permitted: run as root or in a delegated cgroup",
                   errno.EPERM: "not permitted: run as root or in a delegated cgroup",
                   errno.EEXIST: "it exists already",
                   errno.EROFS: "the cgroup file system is mounted read-only"}.get(e.errno, e.strerror)
            self.path = None
            raise CgroupError("cannot create cgroup %s: %s (%s)" % (
                os.path.join(self.parent, self.name), why, layout)) from None
        return self

    def __exit__(self, exc_type, exc, tb):
        problem = self.remove()
        if problem and exc_type is None:
            raise CgroupError(problem)
        if problem:
            print("cgroup.py: while cleaning up: %s" % problem, file=sys.stderr)
        return False

    def add(self, pid):
        """Moves process pid into the cgroup; raises CgroupError when it is
        not there afterwards. Sets self.rel."""
        _write(os.path.join(self.path, "cgroup.procs"), str(pid))
        seen = proc_cgroups(pid).get("v2" if self.on_v2 else "memory")
        if not seen or os.path.basename(seen) != self.name:
            raise CgroupError("process %d is in %s cgroup %r, not in %s" % (
                pid, "the v2" if self.on_v2 else "the v1 memory", seen, self.name))
        self.rel = seen

    def pids(self):
        """The processes in the cgroup now."""
        return [int(p) for p in _read(os.path.join(self.path, "cgroup.procs")).split()]

    def stat(self):
        """memory.stat as {key: int}."""
        out = {}
        for line in _read(os.path.join(self.path, "memory.stat")).splitlines():
            key, _, value = line.partition(" ")
            if value.strip().isdigit():
                out[key] = int(value)
        return out

    def own_anon_kb(self):
        """The cgroup's own anonymous memory + swap, KiB: memory.stat's anon
        + swap on v2, total_rss + total_swap on v1 (what memtop's own_anon_kb
        reads)."""
        s = self.stat()
        if self.on_v2:
            return (s.get("anon", 0) + s.get("swap", 0)) // 1024
        return (s.get("total_rss", 0) + s.get("total_swap", 0)) // 1024

    def usage_kb(self):
        """memory.current (v2) or memory.usage_in_bytes (v1), KiB."""
        name = "memory.current" if self.on_v2 else "memory.usage_in_bytes"
        return int(_read(os.path.join(self.path, name))) // 1024

    def leftovers(self):
        """The processes still in the cgroup ([] once removed)."""
        try:
            return self.pids()
        except (OSError, TypeError):
            return []

    def remove(self, timeout=5.0):
        """Kills (by PID) whatever is left in the cgroup and removes it;
        returns what went wrong, or None."""
        if self.path is None:
            return None
        deadline = time.monotonic() + timeout
        while True:
            for pid in self.leftovers():
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
            try:
                os.rmdir(self.path)
                self.path = None
                return None
            except FileNotFoundError:
                self.path = None
                return None
            except OSError as e:
                if e.errno != errno.EBUSY or time.monotonic() > deadline:
                    return "cannot remove cgroup %s: %s" % (self.path, e.strerror)
            time.sleep(0.05)

    def _own_v1_dir(self, mount):
        """This process's own v1 memory cgroup, as a directory."""
        own = proc_cgroups().get("memory", "/")
        root = mount.root.rstrip("/")
        if own != root and not own.startswith(root + "/"):
            return mount.mountpoint
        return os.path.join(mount.mountpoint, own[len(root):].lstrip("/"))

    def _remove_stale(self):
        """Removes empty memtop-test-PID-TAG cgroups whose PID is gone."""
        for entry in os.listdir(self.parent):
            m = re.fullmatch(re.escape(PREFIX) + r"(\d+)-[A-Za-z0-9-]+", entry)
            if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
                try:
                    os.rmdir(os.path.join(self.parent, entry))
                except OSError:
                    pass
