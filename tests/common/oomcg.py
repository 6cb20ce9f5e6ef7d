"""A memory cgroup in which the kernel will OOM-kill, and processes of known
sizes in it: tests/integration/oomkill.py and the screenshots' OOM scene.

OomCgroup() makes one with a LIMIT of 96 MiB on memory and memory + swap
(v1: memory.limit_in_bytes and memory.memsw.limit_in_bytes, under this
process's own memory cgroup; v2: memory.max and memory.swap.max, a child
of the root); remove() takes it away. HoldIn(cg, mib, grow_mib) runs
tests/workloads/hold inside it from its first instruction. Without root or
a memory controller, CgroupError says why: a test fails on it.
"""
import os
import select
import signal
import subprocess

from cgroup import CgroupError, detect_layout, proc_cgroups, remove_cgroup
from workload import HOLD, end_by_stdin

LIMIT = 96 << 20


class OomCgroup:
    """A memory cgroup with LIMIT on memory and memory + swap; rel is its
    path as /proc/PID/cgroup (and the kernel's oom_memcg) names it."""

    def __init__(self):
        if os.geteuid() != 0:
            raise CgroupError("the OOM test needs root (a memory cgroup, the kernel log)")
        layout = detect_layout()
        name = "memtop-oomtest-%d" % os.getpid()
        if layout.v2 and layout.memory_on_v2:
            # v2: a child of the root, which may have children with the
            # memory controller (our own cgroup holds processes: it may not).
            self.v2, mount, parent_rel = True, layout.v2.mountpoint, "/"
            with open(os.path.join(mount, "cgroup.subtree_control"), "w") as f:
                f.write("+memory")
        elif layout.v1_memory:
            # v1: under our own memory cgroup, so the test stays inside it.
            self.v2, mount, parent_rel = False, layout.v1_memory.mountpoint, proc_cgroups()["memory"]
        else:
            raise CgroupError("no memory cgroup controller: %s" % layout)
        self.parent = os.path.join(mount, parent_rel.lstrip("/"))
        self.path = os.path.join(self.parent, name)
        self.rel = os.path.join(parent_rel, name)
        remove_cgroup(self.path, self.parent, kill=True)     # a stale one of this pid
        os.mkdir(self.path)
        try:
            if self.v2:
                self._write("memory.max", LIMIT)
                self._write("memory.swap.max", 0)
            else:
                self._write("memory.limit_in_bytes", LIMIT)
                if os.path.exists(os.path.join(self.path, "memory.memsw.limit_in_bytes")):
                    self._write("memory.memsw.limit_in_bytes", LIMIT)
        except BaseException:
            remove_cgroup(self.path, self.parent, kill=True)
            raise

    def _write(self, name, value):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(str(value))

    def add(self, pid):
        """Moves process pid into the cgroup."""
        self._write("cgroup.procs", pid)

    def oom_kills(self):
        """The cgroup's own count of OOM kills."""
        name = "memory.events" if self.v2 else "memory.oom_control"
        with open(os.path.join(self.path, name)) as f:
            for line in f:
                k, _, v = line.partition(" ")
                if k == "oom_kill":
                    return int(v)
        return None

    def remove(self):
        problem = remove_cgroup(self.path, self.parent, kill=True)
        assert problem is None, problem


class HoldIn:
    """tests/workloads/hold in the cgroup from its first instruction (so its
    memory is charged there): anon_mib MiB, grow() adds grow_mib."""

    def __init__(self, cg, anon_mib, grow_mib=0):
        procs = os.path.join(cg.path, "cgroup.procs")

        def enter():
            fd = os.open(procs, os.O_WRONLY)
            os.write(fd, b"0")
            os.close(fd)
        self.proc = subprocess.Popen([HOLD, str(anon_mib), str(grow_mib)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, preexec_fn=enter)
        line = self.readline(10)
        assert line.startswith("ready "), "hold did not start: %r" % line
        self.pid = self.proc.pid

    def readline(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        return self.proc.stdout.readline().decode() if ready else ""

    def grow(self):
        """Asks for grow_mib more; the answer, or "" when it did not come (killed)."""
        os.kill(self.pid, signal.SIGUSR1)
        return self.readline(5)

    def stop(self):
        if self.proc.poll() is None:
            end_by_stdin(self.proc)
        self.proc.stdout.close()
