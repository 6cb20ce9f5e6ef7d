"""Test workload processes (tests/workloads/*.c) for the Python test suites.

A Workload starts a program that prints "ready PID" once its memory is in
place and runs until its stdin closes; stop() closes stdin, waits, and kills
it if it does not go. The tests/e2e and tests/integration suites share it.
"""
import os
import select
import signal
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOLD = os.path.join(ROOT, "build", "workloads", "hold")
LEAKER = os.path.join(ROOT, "build", "workloads", "leaker")
MAPPER = os.path.join(ROOT, "build", "workloads", "mapper")


def vm_rss_kb(pid):
    """A process's resident memory (VmRSS) in KiB, from /proc/PID/status."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


def end_by_stdin(proc, wait_s=5):
    """Ends a child that runs until its stdin closes: closes it, waits
    wait_s, and kills the child if it has not gone."""
    proc.stdin.close()
    try:
        proc.wait(wait_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Workload:
    """One workload process; a context manager that stops it on exit."""

    def __init__(self, args, executable=None, registry=None, timeout=30.0):
        self.args, self.timeout = list(args), timeout
        self.proc = subprocess.Popen(self.args, executable=executable, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.registry = registry
        if registry is not None:
            registry.append(self)       # stopped by the suite even if a test fails
        try:
            line = self.readline()
        except AssertionError:
            self.stop()
            raise
        if not line.startswith("ready "):
            self.stop()
            raise AssertionError("workload %r did not start: %r" % (self.args, line))
        self.pid = self.proc.pid
        self.ready = line.split()      # "ready PID ...": what else the workload says

    def readline(self):
        ready, _, _ = select.select([self.proc.stdout], [], [], self.timeout)
        if not ready:
            raise AssertionError("workload %r did not answer within %.0f s" % (self.args, self.timeout))
        return self.proc.stdout.readline().decode()

    def stop(self):
        if self.proc.poll() is None:
            end_by_stdin(self.proc)
        self.proc.stdout.close()
        if self.registry is not None and self in self.registry:
            self.registry.remove(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Hold(Workload):
    """Holds anon_mib MiB of anonymous memory; grow() adds grow_mib more."""

    def __init__(self, anon_mib, grow_mib=0, comm=None, argv0=None, **kw):
        args = [HOLD] + (["--comm", comm.hex()] if comm else []) + [str(anon_mib), str(grow_mib)]
        if argv0 is not None:
            args[0] = argv0
        super().__init__(args, executable=HOLD, **kw)

    def grow(self):
        os.kill(self.pid, signal.SIGUSR1)
        line = self.readline()
        assert line.startswith("grown "), "workload did not grow: %r" % line


class Leaker(Workload):
    """Memory that follows a shape: Leaker("linear", "--rate", "1024")."""

    def __init__(self, *shape_args, **kw):
        super().__init__([LEAKER] + list(shape_args), **kw)


class Mapper(Workload):
    """A file of file_mib MiB mapped shared and read in (self.file_path at
    self.file_addr) and anon_mib MiB of anonymous memory (at self.anon_addr);
    grow() grows the anonymous mapping in place by grow_mib MiB. Addresses
    are hex strings as in /proc/PID/smaps."""

    def __init__(self, file_mib, anon_mib, grow_mib=0, **kw):
        super().__init__([MAPPER, str(file_mib), str(anon_mib), str(grow_mib)], **kw)
        self.file_mib, self.anon_mib, self.grow_mib = file_mib, anon_mib, grow_mib
        self.file_addr, self.anon_addr = self.ready[2], self.ready[3]
        self.file_path = self.mapping_name(self.file_addr)

    def mapping_name(self, addr):
        """The name /proc/PID/maps gives the mapping that starts at addr."""
        with open("/proc/%d/maps" % self.pid) as f:
            for line in f:
                fields = line.split(None, 5)
                if fields[0].split("-")[0] == addr:
                    return fields[5].strip() if len(fields) > 5 else ""
        raise AssertionError("no mapping at %s in /proc/%d/maps" % (addr, self.pid))

    def grow(self):
        """Sends SIGUSR1; returns the anonymous mapping's new size in MiB once grown."""
        os.kill(self.pid, signal.SIGUSR1)
        line = self.readline()
        assert line.startswith("grown "), "workload did not grow: %r" % line
        return int(line.split()[1])
