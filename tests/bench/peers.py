#!/usr/bin/env python3
"""memtop side by side with its peers: CPU per refresh, peak RSS, latency.

For each number N of extra idle processes (build/bench/idlers), each refresh
interval and each tool -- memtop in batch mode and on its screen, procps top in
batch mode, htop, btop and atop on their screens -- the tool runs alone for a
warm-up and then a measured window. Screens run in a private tmux server
(tests/common/tmuxserver.py) at 200x50; batch output goes to /dev/null.

  CPU      utime+stime of every thread of the tool across the window, read
           from /proc/PID/task/*/schedstat in nanoseconds (the clock-tick
           figure of /proc/PID/stat is recorded too; it is 10 ms coarse);
  refreshes measured: inotify watches the files /proc/PID/{stat,statm,status,io}
           of one idle process (the idlers' parent) for reads; every tool reads
           at least one of them for every process on every refresh, so each
           burst of reads is one refresh. The refresh count is the window over
           the measured period between bursts (elapsed/interval only when fewer
           than three bursts were seen, and then said so);
  per 1,000 processes: CPU per refresh over the number of /proc/PID entries
           (kernel threads included) during the window;
  peak RSS VmHWM of the tool at the end of the window;
  tmux     the tmux server's CPU per refresh for screen tools: the terminal's
           side of drawing, which a real terminal pays too.

Each figure is the median of --repeat runs (each a fresh start). Then, for
memtop at the largest N: keypress to updated screen (the invert key `I`,
memtop at a 60 s refresh, the pane polled in a tight loop through a tmux
control-mode client, with the same loop's floor measured with a no-op),
start to first full frame (median of --startups), and peak RSS once every
process has a history (idlers that move one page every 5 s), optionally
sampled every 10 s for --rss-minutes.

Peers missing are installed with apt-get when root; otherwise the apt-get line
is printed and those peers are skipped. Everything started is stopped by pid,
also on Ctrl-C or an error.
"""
import argparse
import collections
import contextlib
import ctypes
import json
import os
import platform
import re
import select
import shlex
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import tmuxserver  # noqa: E402

MEMTOP_BUILT = os.path.join(ROOT, "memtop")
# The binaries measured, by key: "memtop" is ./memtop; --baseline adds another
# memtop build under its label. Each is a copy taken at the start (see main), so
# a rebuild during the run cannot change what is measured halfway.
BINARY = {"memtop": MEMTOP_BUILT}
# Where each key's binary came from (the copies' originals), for the header.
BUILT_FROM = {"memtop": MEMTOP_BUILT}
IDLERS = os.path.join(ROOT, "build", "bench", "idlers")
CLK_TCK = os.sysconf("SC_CLK_TCK")
WIDTH, HEIGHT = 200, 50
BTOP_MIN_MS = 100          # btop rejects a smaller update_ms in its config
WIGGLE_SECONDS = 5         # idlers' page toggle period for the history run
TMUX_SESSIONS = ("bench", "lat", "hold", "hist")


def log(msg):
    """Progress, on stderr so stdout holds only the report."""
    print(msg, file=sys.stderr, flush=True)


# --- /proc -----------------------------------------------------------------

def read_text(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def process_count():
    """The number of processes on the machine (numeric /proc entries)."""
    return sum(1 for d in os.listdir("/proc") if d.isdigit())


def alive(pid):
    """True while pid exists and is not a zombie."""
    try:
        return read_text("/proc/%d/stat" % pid).rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def comm_of(pid):
    try:
        return read_text("/proc/%d/comm" % pid).strip()
    except (FileNotFoundError, ProcessLookupError):
        return None


def cpu_ticks_ms(pid):
    """utime + stime of the whole process from /proc/PID/stat, in ms."""
    fields = read_text("/proc/%d/stat" % pid).rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / CLK_TCK


def cpu_exact_ms(pid):
    """CPU time of every live thread (schedstat, nanoseconds), in ms."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            total += int(read_text("/proc/%d/task/%s/schedstat" % (pid, tid)).split()[0])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            pass
    return total / 1e6


def machine_busy_ms():
    """CPU time all cores have spent busy since boot (from /proc/stat), in ms."""
    fields = [int(x) for x in read_text("/proc/stat").splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)      # idle + iowait
    busy = sum(fields[:8]) - idle                                # guest is inside user
    return busy * 1000.0 / CLK_TCK


class MachineBusy:
    """A context manager measuring how busy the whole machine was meanwhile (% of one core)."""

    def __enter__(self):
        self.b0, self.t0, self.pct = machine_busy_ms(), time.monotonic(), None
        return self

    def __exit__(self, *exc):
        self.pct = (machine_busy_ms() - self.b0) / (time.monotonic() - self.t0) / 10.0


def status_kb(pid, key):
    """A "Key:   N kB" field of /proc/PID/status, in KiB."""
    for line in read_text("/proc/%d/status" % pid).splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return None


def wait_until(cond, timeout, step=0.01):
    """Polls cond until it is true or timeout seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def kill_pid(pid, comm=None):
    """SIGKILLs pid if it is alive (and still has the expected comm)."""
    if alive(pid) and (comm is None or comm_of(pid) == comm):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# --- the machine and the tools ---------------------------------------------

def cpu_model():
    for line in read_text("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def first_line(argv):
    """The first non-empty output line of a command, or why there is none."""
    try:
        p = subprocess.run(argv, capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "unavailable (%s)" % e
    for line in (p.stdout + p.stderr).decode("utf-8", "replace").splitlines():
        if line.strip():
            return line.strip()
    return "unknown"


def memtop_version(key="memtop"):
    version = first_line([BINARY[key], "-V"])
    built = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.stat(BUILT_FROM[key]).st_mtime))
    if key != "memtop":
        return "%s (%s, built %s)" % (version, BUILT_FROM[key], built)
    commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                            capture_output=True, text=True)
    tree = "git %s, " % commit.stdout.strip() if commit.returncode == 0 else ""
    return "%s (%sbinary built %s)" % (version, tree, built)


VERSION_COMMANDS = {
    "memtop": memtop_version,
    "top": lambda: first_line(["top", "-V"]),
    "htop": lambda: first_line(["htop", "--version"]),
    "btop": lambda: first_line(["btop", "--version"]),
    "atop": lambda: first_line(["atop", "-V"]),
    "tmux": lambda: first_line(["tmux", "-V"]),
}


def foreign_monitors(own):
    """Other monitors running on the machine (they would skew the figures)."""
    names = {"memtop", "top", "htop", "btop", "atop", "atopacctd", "glances", "nmon"}
    found = []
    for d in os.listdir("/proc"):
        if d.isdigit() and int(d) not in own and comm_of(int(d)) in names:
            found.append("%s (%s)" % (comm_of(int(d)), d))
    return found


# --- tools under test --------------------------------------------------------

class Unsupported(Exception):
    """The tool cannot run at this interval; the message says why."""


def seconds_text(interval):
    return "%g" % interval


def memtop_batch_argv(interval, home, key="memtop"):
    return [BINARY[key], "-b", "-d", seconds_text(interval)]


def memtop_screen_argv(interval, home, key="memtop"):
    return [BINARY[key], "-d", seconds_text(interval)]


def top_argv(interval, home):
    return ["top", "-b", "-d", seconds_text(interval)]


def htop_argv(interval, home):
    tenths = round(interval * 10)
    if tenths < 1 or abs(tenths - interval * 10) > 1e-6:
        raise Unsupported("htop -d takes whole tenths of a second")
    return ["htop", "-d", str(tenths)]


def btop_argv(interval, home):
    ms = round(interval * 1000)
    if ms < BTOP_MIN_MS:
        raise Unsupported("btop's update_ms cannot go below %d ms" % BTOP_MIN_MS)
    conf_dir = os.path.join(home, ".config", "btop")
    os.makedirs(conf_dir, exist_ok=True)
    with open(os.path.join(conf_dir, "btop.conf"), "w") as f:
        f.write("update_ms = %d\n" % ms)
    return ["btop"]


def atop_argv(interval, home):
    if interval < 1 or interval != int(interval):
        raise Unsupported("atop takes whole seconds")
    return ["atop", str(int(interval))]


Tool = collections.namedtuple("Tool", "name kind comm package argv")

TOOLS = [
    Tool("memtop-b", "batch", "memtop", None, memtop_batch_argv),
    Tool("memtop-tui", "screen", "memtop", None, memtop_screen_argv),
    Tool("top", "batch", "top", "procps", top_argv),
    Tool("htop", "screen", "htop", "htop", htop_argv),
    Tool("btop", "screen", "btop", "btop", btop_argv),
    Tool("atop", "screen", "atop", "atop", atop_argv),
]


def baseline_tools(tools, label):
    """memtop-b and memtop-tui of the --baseline build (BINARY[label]), each placed right
    after its counterpart in tools, so every repetition runs them in the same turn as the
    peers. Their rows are named "memtop-b (LABEL)" and "memtop-tui (LABEL)"."""
    out = []
    for t in tools:
        out.append(t)
        if t.name in ("memtop-b", "memtop-tui"):
            argv = memtop_batch_argv if t.kind == "batch" else memtop_screen_argv
            out.append(t._replace(name="%s (%s)" % (t.name, label),
                                  argv=lambda i, h, argv=argv: argv(i, h, label)))
    return out


def ensure_peers(tools, install):
    """Installs missing peers when root; returns the tools that can run."""
    missing = [t for t in tools if t.package and shutil.which(t.comm) is None]
    packages = sorted({t.package for t in missing})
    if missing and install and os.geteuid() == 0:
        log("peers.py: installing missing peers: apt-get install -y %s" % " ".join(packages))
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-q"], env=env)
        subprocess.run(["apt-get", "install", "-y", "-q"] + packages, env=env)
    elif missing:
        print("peers.py: peers missing; to include them run:\n  sudo apt-get install -y %s"
              % " ".join(packages))
    usable = []
    for t in tools:
        if t.package and shutil.which(t.comm) is None:
            print("peers.py: SKIPPING %s: %s is not installed (Debian package %s)"
                  % (t.name, t.comm, t.package))
        else:
            usable.append(t)
    return usable


def tool_env(home):
    """The environment of every tool: a fresh HOME (default configs), no atop accounting."""
    return {"HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"), "ATOPACCT": "",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


# --- idle processes ----------------------------------------------------------

class Idlers:
    """build/bench/idlers with COUNT children; a context manager that ends them all."""

    def __init__(self, count, wiggle=None):
        args = [IDLERS] + (["-w", str(wiggle)] if wiggle else []) + [str(count)]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.pid = self.proc.pid
        self.children = []
        try:
            ready, _, _ = select.select([self.proc.stdout], [], [], 60)
            words = self.proc.stdout.readline().split() if ready else []
        except BaseException:
            self.stop()
            raise
        if words[:2] != [b"ready", str(self.pid).encode()]:
            self.stop()
            raise RuntimeError("idlers %d did not start" % count)
        self.children = [int(w) for w in words[2:]]

    def stop(self):
        """Ends the parent (it kills its children by pid), then checks every pid."""
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()     # the children get SIGKILL from PR_SET_PDEATHSIG
                self.proc.wait()
        self.proc.stdout.close()
        for pid in self.children:
            if alive(pid) and comm_of(pid) == "idlers":
                kill_pid(pid, "idlers")
        stray = [pid for pid in self.children if alive(pid) and comm_of(pid) == "idlers"]
        if stray:
            log("peers.py: idlers still alive after SIGKILL: %s" % stray[:10])
        self.children = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# --- counting refreshes ------------------------------------------------------

class RefreshCounter:
    """Reads of one idle process's /proc files, grouped into refreshes.

    Every monitor reads each process's stat, statm, status or io once per
    refresh, so the reads of one idle process (the beacon) come in one burst
    per refresh. As root, fanotify reports each read with the reader's pid, so
    only the tool's own reads count; otherwise inotify reports reads by anyone
    (another monitor running on the machine would add bursts). This script
    itself never reads the beacon's files.
    """

    FILES = ("stat", "statm", "status", "io")
    IN_ACCESS = FAN_ACCESS = 0x1
    FAN_CLOEXEC, FAN_NONBLOCK, FAN_MARK_ADD = 0x1, 0x2, 0x1
    FAN_EVENT = struct.Struct("IBBHQii")       # struct fanotify_event_metadata

    def __init__(self, beacon_pid):
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.events = []                       # (time, reader pid or None)
        paths = [("/proc/%d/%s" % (beacon_pid, name)).encode() for name in self.FILES]
        self.per_pid = os.geteuid() == 0 and self._fanotify(paths)
        if not self.per_pid:
            self._inotify(paths)
        self.stopping = False
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _fanotify(self, paths):
        """Marks the beacon's files for FAN_ACCESS; False where fanotify is refused."""
        self.fd = self.libc.fanotify_init(self.FAN_CLOEXEC | self.FAN_NONBLOCK, os.O_RDONLY)
        if self.fd < 0:
            return False
        marked = sum(self.libc.fanotify_mark(self.fd, self.FAN_MARK_ADD,
                                             ctypes.c_uint64(self.FAN_ACCESS), -100, p) == 0
                     for p in paths)
        if not marked:
            os.close(self.fd)
        return marked > 0

    def _inotify(self, paths):
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0 or not sum(self.libc.inotify_add_watch(self.fd, p, self.IN_ACCESS) >= 0
                                  for p in paths):
            raise OSError(ctypes.get_errno(), "cannot watch %s" % paths[0].decode())

    def _drain(self):
        while not self.stopping:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if not ready:
                continue
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                continue
            now = time.monotonic()
            if not self.per_pid:
                self.events.append((now, None))
                continue
            off = 0
            while off + self.FAN_EVENT.size <= len(data):
                length, _, _, _, _, fd, pid = self.FAN_EVENT.unpack_from(data, off)
                if fd >= 0:
                    os.close(fd)
                self.events.append((now, pid))
                off += length or self.FAN_EVENT.size

    def close(self):
        self.stopping = True
        self.thread.join()
        os.close(self.fd)

    def reads_since(self, t0, pid=None):
        """Reads at or after t0 (by pid, when readers are known)."""
        return [t for t, who in list(self.events)
                if t >= t0 and (pid is None or who is None or who == pid)]

    def bursts(self, interval, pid=None):
        """Start times of the bursts: reads closer than 40 % of the interval belong together."""
        gap = 0.4 * interval
        starts, last = [], None
        for t in self.reads_since(0, pid):
            if last is None or t - last > gap:
                starts.append(t)
            last = t
        return starts

    def refreshes(self, t0, t1, interval, pid=None):
        """(refreshes in [t0, t1], measured period or None)."""
        starts = [t for t in self.bursts(interval, pid) if t0 <= t < t1]
        if len(starts) < 3:
            return (t1 - t0) / interval, None
        period = (starts[-1] - starts[0]) / (len(starts) - 1)
        return (t1 - t0) / period, period


# --- running one tool ---------------------------------------------------------

def shell_command(argv, env):
    """A /bin/sh command that execs argv with env (so the pane's pid is the tool's)."""
    assigns = " ".join(shlex.quote("%s=%s" % kv) for kv in sorted(env.items()))
    return "exec env %s %s" % (assigns, " ".join(shlex.quote(a) for a in argv))


class Running:
    """One started tool: its pid, and how to stop it."""

    def __init__(self, tool, argv, env, tmux, registry):
        self.tool, self.tmux, self.session, self.popen = tool, tmux, None, None
        if tool.kind == "batch":
            self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, cwd=ROOT,
                                          env=dict(os.environ, **env))
            self.pid = self.popen.pid
        else:
            self.session = "bench"
            tmux.new_session(self.session, WIDTH, HEIGHT, shell_command(argv, env), cwd=ROOT)
            self.pid = int(tmux.run("display-message", "-p", "-t", self.session,
                                    "#{pane_pid}").strip())
        registry.append((self.pid, tool.comm))
        if not wait_until(lambda: comm_of(self.pid) == tool.comm or not alive(self.pid), 10) \
                or not alive(self.pid):
            self.stop()
            raise RuntimeError("%s did not start" % tool.name)

    def stop(self):
        """q for screens, SIGTERM for batch; SIGKILL by pid if that does not end it."""
        if self.popen is not None:
            if self.popen.poll() is None:
                self.popen.terminate()
                try:
                    self.popen.wait(5)
                except subprocess.TimeoutExpired:
                    self.popen.kill()
                    self.popen.wait()
            return
        self.tmux.run("send-keys", "-t", self.session, "q", check=False)
        if not wait_until(lambda: not alive(self.pid), 5):
            self.tmux.run("kill-session", "-t", self.session, check=False)
            if not wait_until(lambda: not alive(self.pid), 3):
                kill_pid(self.pid, self.tool.comm)
        self.tmux.run("kill-session", "-t", self.session, check=False)


def measure_run(tool, interval, ctx):
    """Runs tool once; returns a dict of measurements, or raises."""
    home = tempfile.mkdtemp(prefix="home-", dir=ctx.tmpdir)
    argv = tool.argv(interval, home)
    run = Running(tool, argv, tool_env(home), ctx.tmux, ctx.registry)
    try:
        time.sleep(max(ctx.args.warmup, 2 * interval))
        tmux_pid = ctx.tmux_pid() if tool.kind == "screen" else None
        procs0 = process_count()
        c0, k0 = cpu_exact_ms(run.pid), cpu_ticks_ms(run.pid)
        m0 = cpu_exact_ms(tmux_pid) if tmux_pid else None
        b0 = machine_busy_ms()
        t0 = time.monotonic()
        time.sleep(ctx.args.seconds)
        t1 = time.monotonic()
        c1, k1 = cpu_exact_ms(run.pid), cpu_ticks_ms(run.pid)
        m1 = cpu_exact_ms(tmux_pid) if tmux_pid else None
        b1 = machine_busy_ms()
        hwm = status_kb(run.pid, "VmHWM")
        procs1 = process_count()
        if not alive(run.pid) or comm_of(run.pid) != tool.comm:
            raise RuntimeError("%s exited during the window" % tool.name)
    finally:
        run.stop()
    refreshes, period = ctx.counter.refreshes(t0, t1, interval, run.pid)
    exact, ticks = c1 - c0, k1 - k0
    # Threads that ended inside the window vanish from the per-thread sums;
    # then the coarser whole-process figure is the right one.
    cpu = ticks if ticks - exact > 2 * 1000.0 / CLK_TCK else exact
    per_refresh = cpu / refreshes
    # What the rest of the machine used meanwhile (this script and tmux included).
    others = max(0.0, (b1 - b0) - cpu) / (t1 - t0) / 10.0
    return {
        "others_cpu_pct": others,
        "window_s": t1 - t0, "cpu_ms": cpu, "cpu_schedstat_ms": exact, "cpu_stat_ms": ticks,
        "refreshes": refreshes, "measured_period_s": period, "processes": (procs0 + procs1) / 2,
        "processes_range": [min(procs0, procs1), max(procs0, procs1)],
        "cpu_ms_per_refresh": per_refresh,
        "ms_per_1000_procs": per_refresh * 2000.0 / (procs0 + procs1),
        "peak_rss_kb": hwm,
        "tmux_ms_per_refresh": (m1 - m0) / refreshes if tmux_pid else None,
    }


def measure_steady(tool, interval, ctx, expected, tries=3):
    """measure_run, repeated (up to tries) when the machine's process count was not the
    expected one: something else started or ended many processes meanwhile."""
    for attempt in range(tries):
        r = measure_run(tool, interval, ctx)
        low, high = r["processes_range"]
        r["disturbed"] = max(abs(low - expected), abs(high - expected)) > max(50, 0.1 * expected)
        if not r["disturbed"]:
            break
        log("%s at %g s: %d-%d processes instead of about %d (something else ran); %s"
            % (tool.name, interval, low, high, expected,
               "repeating" if attempt + 1 < tries else "kept, marked disturbed"))
    return r


def median_of(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def summarise(tool, interval, n, runs):
    """The medians of a tool's runs at one interval and N."""
    keys = ("cpu_ms_per_refresh", "ms_per_1000_procs", "peak_rss_kb", "processes",
            "tmux_ms_per_refresh", "measured_period_s", "others_cpu_pct")
    summary = {"tool": tool, "interval": interval, "n": n, "runs": runs}
    # Runs that something else disturbed count only when there is nothing else.
    clean = [r for r in runs if not r["disturbed"]] or runs
    summary.update({k: median_of(clean, k) for k in keys})
    summary["runs_used"] = len(clean)
    summary["counted"] = "measured" if all(r["measured_period_s"] for r in runs) else "nominal"
    return summary


# --- tmux control mode -------------------------------------------------------

class ControlClient:
    """A tmux control-mode client (tmux -C) of the private server: commands go
    down one pipe, so polling the pane costs no process start per poll."""

    def __init__(self, tmux, session):
        self.proc = subprocess.Popen(["tmux", "-L", tmux.socket, "-f", tmux.conf.name, "-C",
                                      "attach-session", "-t", session],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=tmux.env)
        self.fd = self.proc.stdout.fileno()
        self.buf = b""
        while not self._readline().startswith("%session-changed"):
            pass
        self.command("refresh-client -f no-output")

    def _readline(self, timeout=10.0):
        while b"\n" not in self.buf:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            chunk = os.read(self.fd, 65536) if ready else b""
            if not chunk:
                raise tmuxserver.TmuxError("tmux control client: no answer")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def command(self, line):
        """Runs one tmux command; returns its output lines."""
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()
        while True:
            head = self._readline()
            if not head.startswith("%begin "):
                continue                       # a notification
            number, ours = head.split()[2], head.split()[3] == "1"
            out = []
            while True:
                body = self._readline()
                words = body.split()
                if words[:1] in (["%end"], ["%error"]) and len(words) == 4 and words[2] == number:
                    break
                out.append(body)
            if not ours:
                continue                       # the attach itself, not our command
            if words[0] == "%error":
                raise tmuxserver.TmuxError("tmux %s: %s" % (line, " ".join(out)))
            return out

    def screen(self, target):
        return self.command("capture-pane -p -t %s" % target)

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


def tmux_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


def has_frame(lines):
    """memtop's table header and at least one process row are on screen."""
    for i, line in enumerate(lines[:-1]):
        words = line.split()
        if words[:1] == ["PID"] and "COMMAND" in words:
            below = lines[i + 1].split()
            return bool(below) and below[0].isdigit()
    return False


def stable_screen(cc, target, settle=0.3, timeout=10.0):
    """The pane once it has not changed for settle seconds."""
    deadline = time.monotonic() + timeout
    last, since = cc.screen(target), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.02)
        now = cc.screen(target)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= settle:
            return now
    raise RuntimeError("the screen did not settle")


def press_and_wait(cc, target, key, was, want, timeout=2.0):
    """Sends key and polls until the pane turns from was into want:
    (seconds to the first change, seconds to want, polls), or None."""
    t0 = time.perf_counter()
    cc.command("send-keys -t %s %s" % (target, key))
    first, polls = None, 0
    while time.perf_counter() - t0 < timeout:
        now = cc.screen(target)
        polls += 1
        t = time.perf_counter() - t0
        if first is None and now != was:
            first = t
        if now == want:
            return first, t, polls
    return None


def keypress_latency(ctx, presses, key="memtop"):
    """memtop at a 60 s refresh: `I` flips the order; time until the pane shows it."""
    home = tempfile.mkdtemp(prefix="home-", dir=ctx.tmpdir)
    cmd = shell_command([BINARY[key], "-d", "60"], tool_env(home))
    ctx.tmux.new_session("lat", WIDTH, HEIGHT, cmd, cwd=ROOT)
    pid = int(ctx.tmux.run("display-message", "-p", "-t", "lat", "#{pane_pid}").strip())
    ctx.registry.append((pid, "memtop"))
    cc = ControlClient(ctx.tmux, "lat")
    try:
        wait_until(lambda: has_frame(cc.screen("lat")), 20, 0.05)
        time.sleep(1)
        with MachineBusy() as busy:
            result = time_presses(cc, presses)
    finally:
        cc.close()
        ctx.tmux.run("send-keys", "-t", "lat", "q", check=False)
        if not wait_until(lambda: not alive(pid), 5):
            kill_pid(pid, "memtop")
        ctx.tmux.run("kill-session", "-t", "lat", check=False)
    result["machine_busy_pct"], result["processes"] = busy.pct, process_count()
    return result


def time_presses(cc, presses):
    """Times presses of `I`, then the polling loop's floor with a no-op instead of the key."""
    states = learn_states(cc)
    samples, retries, cur = [], 0, 0
    while len(samples) < presses and retries < presses:
        got = press_and_wait(cc, "lat", "I", states[cur], states[1 - cur])
        if got is None:                  # a refresh changed the screen: learn again
            retries += 1
            states, cur = learn_states(cc), 0
            continue
        samples.append(got)
        cur = 1 - cur
        time.sleep(0.1 + 0.013 * (len(samples) % 7))
    if not samples:
        raise RuntimeError("no keypress was seen on the screen")
    floors, polls = [], []
    for _ in range(presses):
        t0 = time.perf_counter()
        cc.command("display-message -p -t lat ok")   # stands in for send-keys
        same = cc.screen("lat") == states[cur]
        floors.append((time.perf_counter() - t0) * 1000)
        if not same:
            break
    for _ in range(presses):
        t0 = time.perf_counter()
        cc.screen("lat")
        polls.append((time.perf_counter() - t0) * 1000)
    complete = [s[1] * 1000 for s in samples]
    first = [s[0] * 1000 for s in samples]
    return {"presses": len(samples), "relearned": retries,
            "complete_ms_median": statistics.median(complete), "complete_ms_max": max(complete),
            "first_change_ms_median": statistics.median(first), "first_change_ms_max": max(first),
            "floor_ms_median": statistics.median(floors),
            "poll_ms_median": statistics.median(polls),
            "polls_per_press_median": statistics.median(s[2] for s in samples),
            "complete_ms": complete}


def learn_states(cc):
    """The two screens `I` toggles between, starting from the current one."""
    a = stable_screen(cc, "lat")
    cc.command("send-keys -t lat I")
    b = stable_screen(cc, "lat")
    if a == b:
        raise RuntimeError("`I` did not change memtop's screen")
    cc.command("send-keys -t lat I")
    a = stable_screen(cc, "lat")
    return [a, b]


def startup_latency(ctx, runs, key="memtop"):
    """From asking tmux for a new pane running memtop to its first full frame."""
    hold = "exec sleep 100000"
    ctx.tmux.new_session("hold", 20, 5, hold, cwd=ROOT)
    ctx.registry.append((int(ctx.tmux.run("display-message", "-p", "-t", "hold",
                                          "#{pane_pid}").strip()), "sleep"))
    cc = ControlClient(ctx.tmux, "hold")
    home = tempfile.mkdtemp(prefix="home-", dir=ctx.tmpdir)
    memtop = shell_command([BINARY[key], "-d", "1"], tool_env(home))
    floor = "printf '  PID COMMAND\\n    1 init\\n'; exec sleep 100000"
    try:
        with MachineBusy() as busy:
            starts = [one_startup(ctx, cc, "st%d" % i, memtop, "memtop") for i in range(runs)]
            floors = [one_startup(ctx, cc, "fl%d" % i, floor, "sleep")[0] for i in range(runs)]
    finally:
        cc.close()
        ctx.tmux.run("kill-session", "-t", "hold", check=False)
    times = [t for t, _ in starts]
    return {"runs": runs, "ms_median": statistics.median(times), "ms_max": max(times), "ms": times,
            "cpu_ms_median": statistics.median(c for _, c in starts),
            "floor_ms_median": statistics.median(floors), "machine_busy_pct": busy.pct,
            "processes": process_count()}


def one_startup(ctx, cc, name, command, comm):
    """(ms from new-session to the first frame, ms of CPU the pane's process had used by then)."""
    t0 = time.perf_counter()
    cc.command("new-session -d -s %s -x %d -y %d -c %s %s"
               % (name, WIDTH, HEIGHT, tmux_quote(ROOT), tmux_quote(command)))
    deadline = t0 + 20
    while not has_frame(cc.screen(name)):
        if time.perf_counter() > deadline:
            raise RuntimeError("no first frame within 20 s")
    elapsed = (time.perf_counter() - t0) * 1000
    pid = int(cc.command("display-message -p -t %s '#{pane_pid}'" % name)[0])
    cpu = cpu_exact_ms(pid)
    ctx.registry.append((pid, comm))
    cc.command("kill-session -t %s" % name)
    if not wait_until(lambda: not alive(pid), 5):
        kill_pid(pid, comm)
    time.sleep(0.3)
    return elapsed, cpu


def rss_with_history(ctx, n, seconds, minutes, key="memtop"):
    """memtop (screen and batch, -d 1) while every idle process moves a page."""
    total = max(seconds, minutes * 60)
    with Idlers(n, WIGGLE_SECONDS):
        home = tempfile.mkdtemp(prefix="home-", dir=ctx.tmpdir)
        batch_tool, screen_tool = TOOLS[0], TOOLS[1]
        tui = Running(screen_tool, memtop_screen_argv(1, home, key), tool_env(home), ctx.tmux,
                      ctx.registry)
        batch = Running(batch_tool, memtop_batch_argv(1, home, key), tool_env(home), ctx.tmux,
                        ctx.registry)
        samples, cpu = [], []
        try:
            start = time.monotonic()
            while time.monotonic() - start < total:
                time.sleep(min(10, total - (time.monotonic() - start)))
                samples.append({"t_s": round(time.monotonic() - start),
                                "tui_rss_kb": status_kb(tui.pid, "VmRSS"),
                                "batch_rss_kb": status_kb(batch.pid, "VmRSS")})
                cpu.append((time.monotonic(), cpu_exact_ms(tui.pid), cpu_exact_ms(batch.pid)))
            # CPU per refresh (-d 1: one a second) once every process has a history.
            first, last = cpu[0], cpu[-1]
            span = last[0] - first[0]
            result = {"seconds": total, "processes": process_count(),
                      "tui_peak_rss_kb": status_kb(tui.pid, "VmHWM"),
                      "batch_peak_rss_kb": status_kb(batch.pid, "VmHWM"), "samples": samples,
                      "tui_cpu_ms_per_refresh": (last[1] - first[1]) / span if span else None,
                      "batch_cpu_ms_per_refresh": (last[2] - first[2]) / span if span else None}
        finally:
            tui.stop()
            batch.stop()
    return result


# --- the report ----------------------------------------------------------------

def fmt(value, pattern="%.2f"):
    return "-" if value is None else pattern % value


def ratio(a, b):
    return None if a is None or not b else a / b


COLUMNS = (("tool", -10), ("interval", 8), ("N", 5), ("procs", 6), ("refr/s", 6),
           ("CPU ms/refr", 11), ("ms/1k procs", 11), ("tmux ms/refr", 12), ("peak RSS MiB", 12),
           ("b/peer CPU", 10), ("b/peer RSS", 10), ("TUI/peer CPU", 12), ("TUI/peer RSS", 12))


# The tool column widens for --baseline's longer names ("memtop-tui (22ec4bd)").
TOOL_WIDTH = [-10]


def table_line(cells):
    widths = [TOOL_WIDTH[0]] + [width for _, width in COLUMNS[1:]]
    return "  ".join("%*s" % (width, cell) for cell, width in zip(cells, widths))


def table_row(s, memtops):
    """The cells of one summary; memtops are memtop's batch and screen summaries."""
    rss = s["peak_rss_kb"] / 1024 if s["peak_rss_kb"] else None
    period = s["measured_period_s"] or s["interval"]
    rate = "%.1f%s" % (1 / period, "" if s["counted"] == "measured" else "*")
    spoilt = all(r["disturbed"] for r in s["runs"])
    procs = fmt(s["processes"], "%.0f") + ("!" if spoilt else "")
    cells = [s["tool"], "%g s" % s["interval"], str(s["n"]), procs, rate,
             fmt(s["cpu_ms_per_refresh"]), fmt(s["ms_per_1000_procs"]),
             fmt(s["tmux_ms_per_refresh"]), fmt(rss, "%.1f")]
    for m in memtops:
        if m is None or m is s:
            cells += ["-", "-"]
        else:
            cells += [fmt(ratio(m["cpu_ms_per_refresh"], s["cpu_ms_per_refresh"])),
                      fmt(ratio(m["peak_rss_kb"], s["peak_rss_kb"]))]
    return cells


def print_table(summaries):
    """One block per (N, interval); memtop's ratios against every tool (a --baseline
    build's rows included: there the ratio is this build over the baseline)."""
    TOOL_WIDTH[0] = -max([10] + [len(s["tool"]) for s in summaries])
    head = table_line([name for name, _ in COLUMNS])
    print(head)
    print("-" * len(head))
    groups = collections.OrderedDict()
    for s in summaries:
        groups.setdefault((s["n"], s["interval"]), []).append(s)
    for rows in groups.values():
        by_tool = {s["tool"]: s for s in rows}
        memtops = (by_tool.get("memtop-b"), by_tool.get("memtop-tui"))
        for s in rows:
            print(table_line(table_row(s, memtops)))
        print()


def print_header(args, tools, versions):
    print("memtop and its peers, side by side (tests/bench/peers.py)")
    print("date:    %s" % time.strftime("%Y-%m-%d %H:%M:%S %z"))
    print("kernel:  %s %s" % (platform.system(), platform.release()))
    print("cpu:     %s, %d cores; %d processes now; load average %s"
          % (cpu_model(), os.cpu_count(), process_count(),
             " ".join(read_text("/proc/loadavg").split()[:3])))
    with MachineBusy() as busy:
        time.sleep(2)
    print("busy:    %.0f %% of one core in use before the runs%s"
          % (busy.pct, " -- WARNING: the machine is not idle" if busy.pct > 15 else ""))
    for name, v in versions.items():
        print("%-8s %s" % (name + ":", v))
    print("runs:    N = %s extra idle processes; intervals %s s; each run %g s warm-up + %g s "
          "measured; median of %d runs; screens at %dx%d in tmux"
          % (",".join(map(str, args.n)), ",".join("%g" % i for i in args.intervals),
             args.warmup, args.seconds, args.repeat, WIDTH, HEIGHT))
    print("tools:   %s" % ", ".join(t.name for t in tools))
    print()


def print_latency(n, key, start, hist, who="memtop"):
    if key:
        print(who + " keypress -> updated screen (N=%d, `I`, memtop -d 60, %d presses): "
              "median %.1f ms, max %.1f ms (first visible change: median %.1f ms); polling floor "
              "(no-op command + one capture) %.1f ms; one capture-pane round trip %.2f ms; "
              "machine %.0f %% busy" % (n, key["presses"], key["complete_ms_median"],
                                        key["complete_ms_max"], key["first_change_ms_median"],
                                        key["floor_ms_median"], key["poll_ms_median"],
                                        key["machine_busy_pct"]))
    if start:
        print(who + " start -> first full frame (N=%d, new tmux pane, %d runs): median %.0f ms, "
              "max %.0f ms, of which memtop's own CPU (median) %.0f ms; floor (a pane printing a "
              "fake frame) %.1f ms; machine %.0f %% busy"
              % (n, start["runs"], start["ms_median"], start["ms_max"], start["cpu_ms_median"],
                 start["floor_ms_median"], start["machine_busy_pct"]))
    if hist:
        rss = ["%ds %.1f/%.1f" % (s["t_s"], s["tui_rss_kb"] / 1024, s["batch_rss_kb"] / 1024)
               for s in hist["samples"] if s["tui_rss_kb"] and s["batch_rss_kb"]]
        print(who + " peak RSS with every process keeping a history (N=%d idlers moving a page "
              "every %d s, %d processes, -d 1, %.0f s): screen %.1f MiB, batch %.1f MiB"
              % (n, WIGGLE_SECONDS, hist["processes"], hist["seconds"],
                 hist["tui_peak_rss_kb"] / 1024, hist["batch_peak_rss_kb"] / 1024))
        print("  RSS samples (screen/batch MiB): " + ", ".join(rss))
        if hist["tui_cpu_ms_per_refresh"] is not None:
            print("  CPU meanwhile (from 10 s on): screen %.2f ms/refresh, batch %.2f ms/refresh"
                  % (hist["tui_cpu_ms_per_refresh"], hist["batch_cpu_ms_per_refresh"]))


# --- main ---------------------------------------------------------------------

class Context:
    """What every measurement needs: the args, tmux, a scratch dir, the counter, started pids."""

    def __init__(self, args, tmux, tmpdir):
        self.args, self.tmux, self.tmpdir = args, tmux, tmpdir
        self.counter = None
        self.registry = []
        self._tmux_pid = None

    def tmux_pid(self):
        if self._tmux_pid is None:
            self._tmux_pid = int(self.tmux.run("display-message", "-p", "#{pid}").strip())
        return self._tmux_pid


def number_list(text, kind):
    return [kind(x) for x in text.split(",") if x.strip()]


def parse_args(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=lambda s: number_list(s, int), default=env("PEERS_N", "0,500,2000"),
                   help="extra idle processes, comma-separated (default 0,500,2000)")
    p.add_argument("--intervals", type=lambda s: number_list(s, float),
                   default=env("PEERS_INTERVALS", "1,0.1"),
                   help="refresh intervals in seconds (default 1,0.1)")
    p.add_argument("--seconds", type=float, default=float(env("PEERS_SECONDS", "5")),
                   help="measured window per run (default 5)")
    p.add_argument("--warmup", type=float, default=1.5,
                   help="seconds before the window (at least two intervals; default 1.5)")
    p.add_argument("--repeat", type=int, default=int(env("PEERS_REPEAT", "3")),
                   help="runs per figure, median taken (default 3)")
    p.add_argument("--tools", default=",".join(t.name for t in TOOLS),
                   help="comma-separated subset of: " + ", ".join(t.name for t in TOOLS))
    p.add_argument("--json", help="also write the results as JSON to this path")
    p.add_argument("--presses", type=int, default=20, help="keypresses timed (default 20)")
    p.add_argument("--startups", type=int, default=5, help="starts timed (default 5)")
    p.add_argument("--history-seconds", type=float, default=60,
                   help="length of the RSS-with-history run (default 60)")
    p.add_argument("--rss-minutes", type=float, default=0,
                   help="make the RSS-with-history run this many minutes, sampled every 10 s")
    p.add_argument("--no-latency", action="store_true",
                   help="skip the latency, startup and history measurements")
    p.add_argument("--no-install", action="store_true", help="never run apt-get")
    p.add_argument("--baseline", metavar="PATH",
                   help="another memtop binary (e.g. an older build) measured in the same run, "
                        "in turn with ./memtop and the peers: rows \"memtop-b (LABEL)\" and "
                        "\"memtop-tui (LABEL)\", and its own latency lines")
    p.add_argument("--baseline-label", metavar="LABEL",
                   help="the baseline's name in the table (default: the name of the folder "
                        "holding PATH, e.g. 22ec4bd for build/old/22ec4bd/memtop)")
    args = p.parse_args(argv)
    for name in ("n", "intervals"):
        if isinstance(getattr(args, name), str):
            setattr(args, name, number_list(getattr(args, name), int if name == "n" else float))
    if args.repeat < 1 or args.seconds <= 0 or not args.n or not args.intervals:
        p.error("--repeat, --seconds, --n and --intervals must be positive and non-empty")
    known = {t.name for t in TOOLS}
    chosen = [x for x in args.tools.split(",") if x]
    if set(chosen) - known:
        p.error("unknown tool(s): %s" % ", ".join(sorted(set(chosen) - known)))
    args.tools = [t for t in TOOLS if t.name in chosen]
    if args.baseline:
        if not os.access(args.baseline, os.X_OK) or os.path.isdir(args.baseline):
            p.error("--baseline %s: not an executable file" % args.baseline)
        label = args.baseline_label or os.path.basename(
            os.path.dirname(os.path.abspath(args.baseline)))
        if not label or label == "memtop" or not re.fullmatch(r"[\w.@+-]+", label):
            p.error("--baseline-label: give a short name of letters, digits and ._@+- "
                    "(not \"memtop\")")
        args.baseline_label = label
    return args


def on_signal(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


def check_background(counter):
    """Reads of the beacon by others would spoil refresh counts that cannot tell readers apart."""
    if counter.per_pid:
        return
    t0 = time.monotonic()
    time.sleep(2.0)
    stray = counter.reads_since(t0)
    if stray:
        log("peers.py: WARNING: something else read the beacon's /proc files %d times in 2 s; "
            "refresh counts may be too high (run as root to count each tool's own reads)"
            % len(stray))


def latency_slot(report, key):
    """Where the latency figures of a build go: the report itself for ./memtop (as
    before), report["baseline"] for the --baseline build."""
    return report if key == "memtop" else report["baseline"]


def run_all(ctx, tools, report):
    """The CPU/RSS table for every N; the latency measurements at the largest N."""
    summaries = report["results"]
    largest = max(ctx.args.n)
    base = process_count()
    name_width = max(len(t.name) for t in tools)
    for n in ctx.args.n:
        runs = collections.defaultdict(list)
        skipped = {}
        now = process_count()
        if abs(now - base) > max(50, 0.1 * base):
            log("peers.py: WARNING: %d processes before the idlers of N=%d, %d at the start: "
                "something else is running; the procs column has the real counts" % (now, n, base))
        report["base_processes"][str(n)] = now
        with Idlers(n) as idlers:
            ctx.counter = RefreshCounter(idlers.pid)
            try:
                check_background(ctx.counter)
                time.sleep(1)                  # the fork storm's aftermath
                expected = process_count()
                for rep in range(ctx.args.repeat):
                    for interval in ctx.args.intervals:
                        for tool in tools:
                            key = (tool.name, interval)
                            if key in skipped:
                                continue
                            try:
                                r = measure_steady(tool, interval, ctx, expected)
                            except Unsupported as e:
                                skipped[key] = str(e)
                                log("N=%d: %s at %g s skipped: %s" % (n, tool.name, interval, e))
                                continue
                            except RuntimeError as e:
                                log("N=%d: %s at %g s FAILED: %s" % (n, tool.name, interval, e))
                                continue
                            runs[key].append(r)
                            log("N=%d run %d/%d %-*s %4g s: %7.2f ms/refresh, %5.1f refreshes/s, "
                                "%.1f MiB; rest of the machine %.0f %% of a core"
                                % (n, rep + 1, ctx.args.repeat, name_width, tool.name, interval,
                                   r["cpu_ms_per_refresh"], r["refreshes"] / r["window_s"],
                                   (r["peak_rss_kb"] or 0) / 1024, r["others_cpu_pct"]))
            finally:
                ctx.counter.close()
                ctx.counter = None
            for interval in ctx.args.intervals:
                for tool in tools:
                    got = runs[(tool.name, interval)]
                    if got:
                        summaries.append(summarise(tool.name, interval, n, got))
            report["skipped"].extend({"tool": t, "interval": i, "n": n, "why": why}
                                     for (t, i), why in skipped.items())
            # With --baseline, each latency is measured for this build and then the
            # baseline, one right after the other.
            builds = ["memtop"] + ([ctx.args.baseline_label] if ctx.args.baseline else [])
            if n == largest and not ctx.args.no_latency:
                for key in builds:
                    log("N=%d: keypress latency (%s)" % (n, key))
                    latency_slot(report, key)["keypress"] = keypress_latency(
                        ctx, ctx.args.presses, key)
                for key in builds:
                    log("N=%d: startup latency (%s)" % (n, key))
                    latency_slot(report, key)["startup"] = startup_latency(
                        ctx, ctx.args.startups, key)
        if n == largest and not ctx.args.no_latency:
            for key in builds:
                log("N=%d: RSS with a history for every process (%.0f s, %s)"
                    % (n, max(ctx.args.history_seconds, ctx.args.rss_minutes * 60), key))
                latency_slot(report, key)["rss_history"] = rss_with_history(
                    ctx, n, ctx.args.history_seconds, ctx.args.rss_minutes, key)
    report["latency_n"] = largest


def start_report(args, tools):
    """Prints the header (machine, versions, settings); returns the report skeleton."""
    names = ["memtop"] + [t.comm for t in tools if t.package] + ["tmux"]
    versions = collections.OrderedDict((k, VERSION_COMMANDS[k]()) for k in names)
    if args.baseline:
        versions["memtop (%s)" % args.baseline_label] = memtop_version(args.baseline_label)
        versions.move_to_end("memtop (%s)" % args.baseline_label, last=False)
        versions.move_to_end("memtop", last=False)
    print_header(args, tools, versions)
    others = foreign_monitors({os.getpid()})
    if others:
        print("WARNING: other monitors are running and will skew the figures: %s\n"
              % ", ".join(others))
    sys.stdout.flush()
    return {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "kernel": platform.release(),
            "cpu": cpu_model(), "cores": os.cpu_count(), "versions": versions,
            "settings": {"n": args.n, "intervals": args.intervals, "seconds": args.seconds,
                         "warmup": args.warmup, "repeat": args.repeat, "size": [WIDTH, HEIGHT]},
            "results": [], "skipped": [], "base_processes": {}, "keypress": None, "startup": None, "rss_history": None,
            "baseline": ({"label": args.baseline_label, "path": os.path.abspath(args.baseline),
                          "keypress": None, "startup": None, "rss_history": None}
                         if args.baseline else None)}


def main(argv):
    args = parse_args(argv)
    for path in (MEMTOP_BUILT, IDLERS):
        if not os.access(path, os.X_OK):
            raise SystemExit("peers.py: %s is missing; run `make memtop build/bench/idlers`" % path)
    if shutil.which("tmux") is None:
        raise SystemExit("peers.py: tmux is needed (apt-get install tmux)")
    tools = ensure_peers(args.tools, not args.no_install)
    if args.baseline:
        tools = baseline_tools(tools, args.baseline_label)
    with tempfile.TemporaryDirectory(prefix="memtop-peers-") as tmpdir:
        os.mkdir(os.path.join(tmpdir, "bin"))
        BINARY["memtop"] = shutil.copy2(MEMTOP_BUILT, os.path.join(tmpdir, "bin", "memtop"))
        if args.baseline:
            # Its own folder, so it too runs under the name memtop (comm "memtop").
            key = args.baseline_label
            os.mkdir(os.path.join(tmpdir, "bin-" + key))
            BUILT_FROM[key] = os.path.abspath(args.baseline)
            BINARY[key] = shutil.copy2(args.baseline, os.path.join(tmpdir, "bin-" + key, "memtop"))
        report = start_report(args, tools)
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGHUP, on_signal)
        tmux = tmuxserver.PrivateTmux("memtop-peers")
        ctx = Context(args, tmux, tmpdir)
        try:
            run_all(ctx, tools, report)
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_IGN)     # let the clean-up finish
            with contextlib.suppress(Exception):
                tmux.kill()
            for pid, comm in ctx.registry:
                if alive(pid) and comm_of(pid) == comm:
                    wait_until(lambda: not alive(pid), 2)
                    kill_pid(pid, comm)
    print_table(report["results"])
    for s in report["skipped"]:
        if s["n"] == max(args.n):
            print("not run: %s at %g s (%s)" % (s["tool"], s["interval"], s["why"]))
    disturbed = [r for s in report["results"] for r in s["runs"] if r["disturbed"]]
    if disturbed:
        print("WARNING: %d runs saw the process count move by more than 10 %% even after "
              "repeating (disturbed in the JSON); medians leave them out where possible, "
              "! marks figures with nothing else to go on" % len(disturbed))
    noisy = [r for s in report["results"] for r in s["runs"] if r["others_cpu_pct"] > 30]
    if noisy:
        total = sum(len(s["runs"]) for s in report["results"])
        print("WARNING: in %d of %d runs the rest of the machine used more than 30 %% of a core "
              "(others_cpu_pct in the JSON)" % (len(noisy), total))
    print("refr/s: refreshes per second measured from the tools' reads of /proc (* = too few "
          "seen, elapsed/interval used).\nb/peer, TUI/peer: memtop batch and memtop screen divided "
          "by that tool (below 1: memtop uses less).")
    if args.baseline:
        print("On the (%s) rows these are this build over the baseline: below 1, this build "
              "uses less than %s." % (args.baseline_label, report["baseline"]["path"]))
    print()
    print_latency(report["latency_n"], report["keypress"], report["startup"], report["rss_history"])
    if args.baseline:
        b = report["baseline"]
        print_latency(report["latency_n"], b["keypress"], b["startup"], b["rss_history"],
                      "memtop (%s)" % args.baseline_label)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
        print("\nJSON: %s" % args.json)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        log("peers.py: interrupted; everything started was stopped")
        sys.exit(130)
