#!/usr/bin/python3
"""Screenshots of memtop's interactive screen: screenshots/main.png, help.png,
leak.png (sorted by growth, with a flagged leak), replay.png (memtop -r
on the leak scene's recording, following it), detail.png (the leaking
process's detail view, its growing heap mapping highlighted), pressure.png
(the memory-pressure banner), cgroups.png (the cgroup view, S, sorted by growth: two pre-fork
services in memory cgroups of their names, one whose parent grows, flagged), tree.png (the tree view of
a small family of workloads), oom.png (the OOM screen, o, after a real memcg
kill that memtop predicted; `shoot.py oom` takes only that one), memory.png
(the memory view, m, with a file filling a tmpfs and a SysV segment being
filled, both flagged; `shoot.py memory`), checkup.png (the checkup panel, R,
on this machine; `shoot.py checkup`), alloc.png (the allocation-sites
screen, a in the detail view, on allocleak's flagged leak; `shoot.py
alloc`, root and a memtop built with BPF) and
theme-NAME.png (the leak scene in each theme but the default, switched to
with t).

Runs the real ./memtop in a private tmux server (socket "memtop-shots-PID")
at 120x36 next to a workload holding 256 MiB that grows by 16 MiB once (so
the ΔRSS column has something to show), captures the screen with
`capture-pane -p -e -N` (text with SGR colour sequences) and renders it cell
by cell with PIL and DejaVu Sans Mono. Run by `make screenshots` with
Debian's python3 (python3-pil, fonts-dejavu-core).
"""
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata

from PIL import Image, ImageDraw, ImageFont

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
import cgroup  # noqa: E402
import tmuxserver  # noqa: E402
OUT_DIR = os.path.join(ROOT, "screenshots")
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_SIZE = 16
MARGIN = 12
COLS, LINES = 120, 36
DETAIL_LINES = 40           # the detail view's graphs are four rows tall from 40 lines
WAIT = 15.0

# --- colours --------------------------------------------------------------------

DEFAULT_FG = (0xd8, 0xdb, 0xe0)
DEFAULT_BG = (0x16, 0x18, 0x1d)
# The 16 ANSI colours on a dark background: black, red, green, yellow, blue,
# magenta, cyan, white, then their bright forms.
PALETTE16 = [
    (0x2e, 0x34, 0x36), (0xd2, 0x3c, 0x3c), (0x4e, 0xb3, 0x4e), (0xd7, 0xa4, 0x2a),
    (0x42, 0x7a, 0xd8), (0xa8, 0x5c, 0xc4), (0x2a, 0xad, 0xb8), (0xc8, 0xcc, 0xd0),
    (0x60, 0x66, 0x6c), (0xf0, 0x5a, 0x5a), (0x78, 0xdc, 0x6e), (0xf5, 0xd0, 0x5a),
    (0x6e, 0x9e, 0xf5), (0xcf, 0x86, 0xe8), (0x5a, 0xd8, 0xe0), (0xf4, 0xf6, 0xf8),
]


def colour_256(n):
    """RGB of xterm colour n: 16 ANSI, a 6x6x6 cube, then 24 greys."""
    if n < 16:
        return PALETTE16[n]
    if n < 232:
        n -= 16
        level = lambda v: 0 if v == 0 else 55 + 40 * v
        return (level(n // 36), level(n // 6 % 6), level(n % 6))
    grey = 8 + 10 * (n - 232)
    return (grey, grey, grey)


def blend(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


# --- parsing tmux's capture ---------------------------------------------------------

class Style:
    """The graphic rendition of one cell; colours are RGB tuples or None (default)."""
    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline", "reverse", "hidden", "strike")

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.dim = self.italic = self.underline = False
        self.reverse = self.hidden = self.strike = False

    def copy(self):
        s = Style()
        for k in self.__slots__:
            setattr(s, k, getattr(self, k))
        return s

    def apply(self, params):
        """Applies one SGR sequence's parameters (a list of lists: colon sub-parameters)."""
        if not params:
            params = [[0]]
        i = 0
        while i < len(params):
            p = params[i]
            n = p[0]
            if n == 0:
                self.reset()
            elif n == 1:
                self.bold = True
            elif n == 2:
                self.dim = True
            elif n == 3:
                self.italic = True
            elif n == 4:
                self.underline = len(p) < 2 or p[1] != 0       # 4:0 is "no underline"
            elif n == 7:
                self.reverse = True
            elif n == 8:
                self.hidden = True
            elif n == 9:
                self.strike = True
            elif n == 21:
                self.underline = True                            # double underline
            elif n == 22:
                self.bold = self.dim = False
            elif n == 23:
                self.italic = False
            elif n == 24:
                self.underline = False
            elif n == 27:
                self.reverse = False
            elif n == 28:
                self.hidden = False
            elif n == 29:
                self.strike = False
            elif 30 <= n <= 37:
                self.fg = PALETTE16[n - 30]
            elif 40 <= n <= 47:
                self.bg = PALETTE16[n - 40]
            elif 90 <= n <= 97:
                self.fg = PALETTE16[n - 90 + 8]
            elif 100 <= n <= 107:
                self.bg = PALETTE16[n - 100 + 8]
            elif n == 39:
                self.fg = None
            elif n == 49:
                self.bg = None
            elif n in (38, 48, 58):
                # Either 38;5;N / 38;2;R;G;B or the colon forms 38:5:N / 38:2::R:G:B.
                if len(p) > 1:
                    args = p[1:]
                else:
                    args = [q[0] for q in params[i + 1:i + 5]]
                colour, used = None, 0
                if args[:1] == [5] and len(args) >= 2:
                    colour, used = colour_256(args[1] & 255), 2
                elif args[:1] == [2] and len(args) >= 4:
                    rgb = args[-3:] if len(p) > 1 else args[1:4]
                    colour, used = tuple(v & 255 for v in rgb), 4
                if len(p) == 1:
                    i += used
                if n == 38:
                    self.fg = colour
                elif n == 48:
                    self.bg = colour
            i += 1


SGR = re.compile(r"\x1b\[([0-9;:]*)m")
OTHER_ESC = re.compile(r"\x1b(\[[0-9;:?]*[ -/]*[@-~]|[@-Z\\-_])")


def char_width(ch):
    """Columns ch takes, as wcwidth does in a UTF-8 locale."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def parse_capture(text, cols, lines):
    """The cells of a `capture-pane -p -e` text: lines x cols of (char, style) or
    None for the right half of a wide character. Attributes carry over from one
    line to the next, as tmux writes them."""
    grid = [[(" ", Style()) for _ in range(cols)] for _ in range(lines)]
    style = Style()
    for y, line in enumerate(text.split("\n")[:lines]):
        x, i = 0, 0
        while i < len(line):
            m = SGR.match(line, i)
            if m:
                params = [[int(v) if v else 0 for v in group.split(":")]
                          for group in m.group(1).split(";")] if m.group(1) else []
                style.apply(params)
                i = m.end()
                continue
            m = OTHER_ESC.match(line, i)
            if m:                  # tmux writes only SGR; anything else is skipped
                i = m.end()
                continue
            ch = line[i]
            i += 1
            w = char_width(ch)
            if w == 0:
                if x > 0:          # a combining mark joins the previous cell
                    prev = grid[y][x - 1]
                    if prev is not None:
                        grid[y][x - 1] = (prev[0] + ch, prev[1])
                continue
            if x + w > cols:
                break
            grid[y][x] = (ch, style.copy())
            if w == 2:
                grid[y][x + 1] = None
            x += w
    return grid


# --- rendering ---------------------------------------------------------------------

class Renderer:
    """Draws a cell grid with DejaVu Sans Mono; DejaVu Sans for missing glyphs."""

    def __init__(self, size=FONT_SIZE):
        path = lambda name: os.path.join(FONT_DIR, name)
        self.regular = ImageFont.truetype(path("DejaVuSansMono.ttf"), size)
        self.bold = ImageFont.truetype(path("DejaVuSansMono-Bold.ttf"), size)
        self.fallback = ImageFont.truetype(path("DejaVuSans.ttf"), size)
        self.fallback_bold = ImageFont.truetype(path("DejaVuSans-Bold.ttf"), size)
        ascent, descent = self.regular.getmetrics()
        self.ascent = ascent
        self.cw = round(self.regular.getlength("M"))
        self.ch = ascent + descent
        self.notdef = {id(f): self.glyph(f, "\U0010fffd") for f in (self.regular, self.bold)}
        self.choice = {}

    def glyph(self, font, ch):
        """The pixels of ch in font, to compare with the .notdef box."""
        img = Image.new("L", (self.cw * 2 + 4, self.ch + 4))
        ImageDraw.Draw(img).text((2, 2), ch, font=font, fill=255)
        return img.tobytes()

    def font_for(self, ch, bold):
        """The monospace font, unless it lacks ch (it then draws .notdef)."""
        font = self.bold if bold else self.regular
        if ord(ch[0]) < 0x80:
            return font
        key = (ch, bold)
        if key not in self.choice:
            missing = self.glyph(font, ch) == self.notdef[id(font)]
            self.choice[key] = (self.fallback_bold if bold else self.fallback) if missing else font
        return self.choice[key]

    def colours(self, st):
        fg = st.fg or DEFAULT_FG
        bg = st.bg or DEFAULT_BG
        if st.reverse:
            fg, bg = bg, fg
        if st.dim:
            fg = blend(fg, bg, 0.45)
        return fg, bg

    def block(self, draw, ch, x, y, w, colour):
        """Block elements as exact rectangles, so bars and graphs have no seams."""
        cp = ord(ch)
        h = self.ch
        if cp == 0x2588:                             # full block
            box = (x, y, x + w, y + h)
        elif 0x2581 <= cp <= 0x2587:                 # lower 1/8 .. 7/8
            box = (x, y + h - round(h * (cp - 0x2580) / 8), x + w, y + h)
        elif cp == 0x2580:                           # upper half
            box = (x, y, x + w, y + h // 2)
        elif 0x2589 <= cp <= 0x258f:                 # left 7/8 .. 1/8
            box = (x, y, x + round(w * (0x2590 - cp) / 8), y + h)
        elif cp == 0x2590:                           # right half
            box = (x + w // 2, y, x + w, y + h)
        else:
            return False
        draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=colour)
        return True

    def render(self, grid):
        rows, cols = len(grid), len(grid[0])
        img = Image.new("RGB", (cols * self.cw + 2 * MARGIN, rows * self.ch + 2 * MARGIN), DEFAULT_BG)
        draw = ImageDraw.Draw(img)
        for r, row in enumerate(grid):
            y = MARGIN + r * self.ch
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                ch, st = cell
                w = self.cw * (2 if c + 1 < cols and row[c + 1] is None else 1)
                x = MARGIN + c * self.cw
                fg, bg = self.colours(st)
                if bg != DEFAULT_BG:
                    draw.rectangle((x, y, x + w - 1, y + self.ch - 1), fill=bg)
                if st.hidden:
                    continue
                if ch != " " and not self.block(draw, ch, x, y, w, fg):
                    font = self.font_for(ch, st.bold)
                    # Centre the glyph in its cell(s); the baseline is shared.
                    dx = (w - font.getlength(ch)) / 2
                    draw.text((x + dx, y + self.ascent), ch, font=font, fill=fg, anchor="ls")
                if st.underline:
                    draw.line((x, y + self.ch - 2, x + w - 1, y + self.ch - 2), fill=fg)
                if st.strike:
                    draw.line((x, y + self.ch // 2, x + w - 1, y + self.ch // 2), fill=fg)
        return img


# --- tmux and the workload ------------------------------------------------------------

class Tmux(tmuxserver.PrivateTmux):
    """A private tmux server (never the user's) for the screenshot sessions."""

    def __init__(self, config_home):
        super().__init__("memtop-shots", timeout=WAIT)
        # An empty settings folder: the user's memtoprc must not change the shots.
        self.env["XDG_CONFIG_HOME"] = config_home

    def run(self, *args, check=True):
        try:
            return super().run(*args, check=check)
        except tmuxserver.TmuxError as e:
            raise SystemExit("shoot: %s" % e)


def grid_text(grid):
    """The characters of a parsed grid, one string per line, as capture-pane -p prints them."""
    return [("".join(c[0] for c in row if c is not None)).rstrip() for row in grid]


def wait_screen(tmux, what, cond, target="shot", timeout=WAIT, lines=LINES):
    """Polls until cond holds on a whole frame: two identical captures with
    escapes and, between them, one without that the parsed cells must match
    character for character. Returns the capture with escapes."""
    deadline = time.monotonic() + timeout
    while True:
        text = tmux.run("capture-pane", "-p", "-e", "-N", "-t", target)
        plain = [line.rstrip() for line in
                 tmux.run("capture-pane", "-p", "-t", target).split("\n")[:lines]]
        again = tmux.run("capture-pane", "-p", "-e", "-N", "-t", target)
        if text == again and cond(plain):
            parsed = grid_text(parse_capture(text, COLS, lines))
            if parsed != plain:
                bad = [i for i, (a, b) in enumerate(zip(parsed, plain)) if a != b]
                raise SystemExit("shoot: parsed capture differs on line %d:\n%r\n%r"
                                 % (bad[0], parsed[bad[0]], plain[bad[0]]))
            return text
        if time.monotonic() > deadline:
            raise SystemExit("shoot: %s not seen within %.0f s; screen:\n%s"
                             % (what, timeout, "\n".join(plain)))
        time.sleep(0.05)


def row_of(lines, pid):
    """The table line of pid, or None."""
    for line in lines:
        if line.split()[:1] == [str(pid)]:
            return line
    return None


def map_row(lines, name):
    """The detail view's mapping row named name (the last word), or None."""
    for line in lines:
        words = line.split()
        if re.fullmatch(r"[0-9a-f]{16}", words[0] if words else "") and words[-1] == name:
            return line
    return None


def delta_of(lines, pid):
    """The ΔRSS cell of pid's row: the word ending under the end of the title."""
    line = row_of(lines, pid)
    header = [h for h in lines if h.split()[:1] == ["PID"]]
    if not line or not header or "\u0394RSS" not in header[0]:
        return ""
    end = header[0].index("\u0394RSS") + len("\u0394RSS")
    return line[:end].split()[-1]


# The tree scene's family, every member named (comm or $0) TREE_NAME so the
# filter shows them alone: a shell with two holds and a shell with one.
TREE_NAME = "demo-family"
TREE_SCRIPT = ('exec 3<&0; '
               '"$HOLD" --comm "$COMM" 96 <&3 & '
               '"$HOLD" --comm "$COMM" 24 <&3 & '
               'sh -c \'"$HOLD" --comm "$COMM" 48 <&3 & "$HOLD" --comm "$COMM" 8 <&3 & wait\' "$0" <&3 & '
               'wait')


PREFORK = os.path.join(ROOT, "build/workloads/prefork")
# Two pre-fork services, as the cgroup view (S) shows them: each a parent
# keeping 8 workers that grow ~1 MiB over ~20 s and exit; php-fpm's parent
# also grows a cache of 256 KiB/s, the leak no single worker shows.
SERVICES = (("php-fpm.service", 256), ("gunicorn.service", 0))


def start_services():
    """The services, each in a memory cgroup of its name (a leftover of a
    killed run removed first); returns [(cgroup, process)]."""
    started = []
    for name, rate in SERVICES:
        cg = cgroup.MemoryCgroup("shot", name=name)
        try:
            cg.__enter__()
        except cgroup.CgroupError:
            raise SystemExit("shoot: cannot make the %s cgroup (a leftover? remove it)" % name)
        proc = subprocess.Popen([PREFORK, "--wait", "--parent-rate-kib", str(rate)], cwd=ROOT,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        started.append((cg, proc))
        ready, _, _ = select.select([proc.stdout], [], [], WAIT)
        if not ready or not proc.stdout.readline().startswith(b"ready "):
            raise SystemExit("shoot: the %s workload did not start" % name)
        cg.add(proc.pid)
        proc.stdin.write(b"go\n")
        proc.stdin.flush()
    return started


def stop_services(started):
    for cg, proc in started:
        proc.stdin.close()
        proc.wait(10)
        proc.stdout.close()
        cg.__exit__(None, None, None)


def services_scene(tmux):
    """The cgroup view sorted by growth once php-fpm's cgroup is flagged
    (about 80 s after the services started)."""
    tmux.new_session("svc", COLS, LINES, cwd=ROOT, command="./memtop")
    wait_screen(tmux, "the services scene's first frame", lambda s: s[0].startswith("Mem["), target="svc")
    tmux.run("send-keys", "-t", "svc", "S", "G")
    return wait_screen(tmux, "php-fpm.service flagged in the cgroup view",
                       lambda s: s[0].startswith("Cgroups: ")
                       and any(line.startswith("php-fpm.service") and "\u25b2" in line for line in s),
                       target="svc", timeout=150)


def tree_scene(tmux):
    """The tree view (T) filtered to a family of workloads, its inner shell's
    subtree collapsed then expanded again; returns the capture."""
    env = dict(os.environ, HOLD=os.path.join(ROOT, "build/workloads/hold"),
               COMM=TREE_NAME.encode().hex())
    family = subprocess.Popen(["sh", "-c", TREE_SCRIPT, TREE_NAME], env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        tmux.new_session("tree", COLS, LINES, cwd=ROOT, command="./memtop")
        wait_screen(tmux, "the tree scene's first frame", lambda s: s[0].startswith("Mem["),
                    target="tree")
        tmux.run("send-keys", "-t", "tree", "T", "/")
        tmux.run("send-keys", "-t", "tree", "-l", TREE_NAME)
        tmux.run("send-keys", "-t", "tree", "Enter", "Home")
        # Every hold resident (each prints "ready" once it is) before the shot.
        return wait_screen(tmux, "the family's tree",
                           lambda s: '"%s" (6 shown)' % TREE_NAME in s[2]
                           and s[-1].startswith("qQuit") and "96M" in "".join(s), target="tree")
    finally:
        family.stdin.close()
        family.wait(5)


def oom_scene(tmux):
    """The OOM screen (o) after a real kill: a 96 MiB memory cgroup holding
    processes of 48, 12 and 4 MiB; the small one grows until the kernel kills
    the largest, which memtop had predicted. Needs root (tests/common/oomcg.py)."""
    import oomcg
    cg = oomcg.OomCgroup()
    holds = []
    try:
        tmux.new_session("oom", COLS, LINES, cwd=ROOT, command="./memtop -d 0.5")
        big = oomcg.HoldIn(cg, 48)
        holds += [big, oomcg.HoldIn(cg, 12)]
        grower = oomcg.HoldIn(cg, 4, 8)
        holds.append(grower)
        wait_screen(tmux, "the OOM scene's largest process", lambda s: row_of(s, big.pid), target="oom")
        time.sleep(1.0)          # two refreshes: the cgroup's pick is memtop's
        for _ in range(12):
            if big.proc.poll() is not None or not grower.grow():
                break
        wait_screen(tmux, "the kill in the header", lambda s: any(line.startswith("OOM kill ") for line in s),
                    target="oom")
        tmux.run("send-keys", "-t", "oom", "o")
        return wait_screen(tmux, "the OOM screen with the kill predicted",
                           lambda s: s[0].startswith("memtop - OOM kills") and
                           any(line.startswith("*") and line.rstrip().endswith("right") for line in s),
                           target="oom")
    finally:
        for h in holds:
            h.stop()
        cg.remove()


# A file growing 256 KiB/s, 64 KiB at a time (the memory scene's tmpfs).
TMPFS_WRITER = r"""
import select, sys, time
chunk, t0, n = b"\xa5" * 65536, time.monotonic(), 0
with open(sys.argv[1], "wb") as f:
    print("ready", flush=True)
    while True:
        while n < (time.monotonic() - t0) * 4 and n < 900:
            f.write(chunk)
            f.flush()
            n += 1
        if select.select([sys.stdin], [], [], 0.05)[0] and not sys.stdin.read(1):
            break
"""


def memory_scene(tmux):
    """The memory view (m): a tmpfs mounted for the scene with a file growing
    256 KiB/s and a SysV segment filled as fast (build/workloads/shmfill),
    both flagged ▲ while no process grows (about 40 s at -d 0.5). Needs
    root (mount)."""
    mnt = tempfile.mkdtemp(prefix="memtop-shots-tmpfs-")
    subprocess.check_call(["mount", "-t", "tmpfs", "-o", "size=96m", "scratch", mnt])
    children = []
    try:
        writer = subprocess.Popen([sys.executable, "-c", TMPFS_WRITER, os.path.join(mnt, "spool.dat")],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        shm = subprocess.Popen([os.path.join(ROOT, "build/workloads/shmfill"), "--size-kib", "98304",
                                "--rate-kib", "256"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        children += [writer, shm]
        for child in children:
            ready, _, _ = select.select([child.stdout], [], [], WAIT)
            if not ready or not child.stdout.readline().startswith(b"ready"):
                raise SystemExit("shoot: a memory scene writer did not start")
        tmux.new_session("mem", COLS, LINES, cwd=ROOT, command="./memtop -d 0.5")
        wait_screen(tmux, "the memory scene's first frame", lambda s: s[0].startswith("Mem["), target="mem")
        tmux.run("send-keys", "-t", "mem", "m")
        return wait_screen(tmux, "the tmpfs and the segment flagged in the memory view",
                           lambda s: any(mnt in line and "\u25b2" in line for line in s)
                           and any("shmid" in line and "\u25b2" in line for line in s),
                           target="mem", timeout=150)
    finally:
        for child in children:
            child.stdin.close()
            child.wait(10)
            child.stdout.close()
        subprocess.call(["umount", mnt])
        os.rmdir(mnt)


def checkup_scene(tmux):
    """The checkup panel (R) on this machine: what memtop --check finds."""
    tmux.new_session("chk", COLS, LINES, cwd=ROOT, command="./memtop")
    wait_screen(tmux, "the checkup scene's first frame", lambda s: s[0].startswith("Mem["), target="chk")
    tmux.run("send-keys", "-t", "chk", "R")
    return wait_screen(tmux, "the checkup panel", lambda s: s[0].startswith("memtop - checkup"),
                       target="chk")


def alloc_scene(tmux):
    """The allocation-sites screen (a in the detail view) on allocleak
    (tests/workloads/allocleak.c): 64 KiB/s leaked from leak_site among
    balanced churn, until leak_site's stack is flagged. Needs root and a
    memtop built with BPF."""
    path = os.path.join(ROOT, "build", "workloads", "allocleak")
    if not os.access(path, os.X_OK):
        raise SystemExit("shoot: build/workloads/allocleak is missing; run make build/workloads/allocleak")
    leak = subprocess.Popen([path, "--rate", "65536"], cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE)
    try:
        ready, _, _ = select.select([leak.stdout], [], [], WAIT)
        if not ready or not leak.stdout.readline().startswith(b"ready "):
            raise SystemExit("shoot: allocleak did not start")
        tmux.new_session("alloc", COLS, LINES, cwd=ROOT, command="./memtop -d 1 -p %d" % leak.pid)
        wait_screen(tmux, "allocleak's row", lambda s: row_of(s, leak.pid), target="alloc")
        tmux.run("send-keys", "-t", "alloc", "Enter")
        wait_screen(tmux, "allocleak's detail view", lambda s: s[0].startswith("PID %d " % leak.pid),
                    target="alloc")
        tmux.run("send-keys", "-t", "alloc", "a")
        wait_screen(tmux, "the allocation-sites screen", lambda s: s[0].startswith("Allocation sites of"),
                    target="alloc")
        if any(line.startswith("Not attached: ") for line in
               tmux.run("capture-pane", "-p", "-t", "alloc").split("\n")):
            raise SystemExit("shoot: the alloc scene needs root and a memtop built with BPF:\n"
                             + tmux.run("capture-pane", "-p", "-t", "alloc"))
        # The model flags a steady 64 KiB/s stack after ~22 readings.
        return wait_screen(tmux, "leak_site flagged on top",
                           lambda s: len(s) > 5 and "\u25b2" in s[5] and "leak_site" in s[5],
                           target="alloc", timeout=90)
    finally:
        tmux.run("kill-session", "-t", "alloc")       # memtop detaches as it ends
        leak.kill()
        leak.wait()


ONLY = {"oom": oom_scene, "memory": memory_scene, "checkup": checkup_scene, "alloc": alloc_scene}


def only(renderer, name):
    """shoot.py NAME: only screenshots/NAME.png (all of them take minutes)."""
    config_home = tempfile.TemporaryDirectory(prefix="memtop-shots-config-")
    tmux = Tmux(config_home.name)
    try:
        text = ONLY[name](tmux)
    finally:
        tmux.kill()
        config_home.cleanup()
    img = renderer.render(parse_capture(text, COLS, LINES))
    img.save(os.path.join(OUT_DIR, name + ".png"), optimize=True)
    print("shoot: wrote screenshots/%s.png (%dx%d)" % (name, img.width, img.height))
    return 0


def main():
    for path in ("memtop", "build/workloads/hold", "build/workloads/leaker", "build/workloads/prefork",
                 "build/workloads/shmfill"):
        if not os.access(os.path.join(ROOT, path), os.X_OK):
            raise SystemExit("shoot: %s is missing; run make memtop build/workloads/hold "
                             "build/workloads/leaker build/workloads/prefork build/workloads/shmfill" % path)
    os.makedirs(OUT_DIR, exist_ok=True)
    renderer = Renderer()
    if len(sys.argv) == 2 and sys.argv[1] in ONLY:
        return only(renderer, sys.argv[1])
    hold = subprocess.Popen(["build/workloads/hold", "256", "16"], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    # The leak scene: a process leaking 1 MiB/s through small heap blocks,
    # watched from the start by a second memtop sorted by growth.
    leaker = subprocess.Popen(["build/workloads/leaker", "linear", "--rate", "1024", "--via", "heap",
                               "--duration", "300"], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    config_home = tempfile.TemporaryDirectory(prefix="memtop-shots-config-")
    tmux = Tmux(config_home.name)
    services = []
    try:
        # The services scene is taken last: php-fpm's cgroup needs ~80 s.
        services = start_services()
        ready, _, _ = select.select([leaker.stdout], [], [], WAIT)
        if not ready or not leaker.stdout.readline().startswith(b"ready "):
            raise SystemExit("shoot: the leaker did not start")
        # It records what it shows (-w --screen): the replay scene reads it.
        recording = os.path.join(config_home.name, "leak.db")
        tmux.new_session("leak", COLS, LINES, cwd=ROOT,
                         command="./memtop -s growth -w %s --screen" % recording)
        # The detail scene: a third memtop, watching only the leaker from its
        # start so the graphs hold its whole history, opens its detail view at
        # once; the heap's ΔRSS counts from then.
        tmux.new_session("detail", COLS, DETAIL_LINES, cwd=ROOT, command="./memtop -p %d" % leaker.pid)
        wait_screen(tmux, "the leaker's row", lambda s: row_of(s, leaker.pid), target="detail",
                    lines=DETAIL_LINES)
        tmux.run("send-keys", "-t", "detail", "Enter")
        wait_screen(tmux, "the leaker's detail view",
                    lambda s: s[0].startswith("PID %d " % leaker.pid) and map_row(s, "[heap]"),
                    target="detail", lines=DETAIL_LINES)
        tmux.run("send-keys", "-t", "detail", "j")      # the selection off the heap, first by RSS
        ready, _, _ = select.select([hold.stdout], [], [], WAIT)
        if not ready or not hold.stdout.readline().startswith(b"ready "):
            raise SystemExit("shoot: the workload did not start")
        tmux.new_session("shot", COLS, LINES, cwd=ROOT, command="./memtop")
        wait_screen(tmux, "the first frame",
                    lambda s: s[0].startswith("Mem[") and row_of(s, hold.pid))
        os.kill(hold.pid, signal.SIGUSR1)          # grows by 16 MiB: the next sample shows it
        ready, _, _ = select.select([hold.stdout], [], [], WAIT)
        if not ready or not hold.stdout.readline().startswith(b"grown "):
            raise SystemExit("shoot: the workload did not grow")
        text = wait_screen(tmux, "the growth in ΔRSS",
                           lambda s: delta_of(s, hold.pid).startswith("+"))
        shots = {"main.png": text}
        tmux.run("send-keys", "-t", "shot", "h")
        shots["help.png"] = wait_screen(tmux, "the help screen",
                                        lambda s: any("Press any key" in line or "any other key returns" in line for line in s))
        tmux.run("send-keys", "-t", "shot", "q")
        wait_screen(tmux, "the list again", lambda s: s[0].startswith("Mem["))
        shots["tree.png"] = tree_scene(tmux)
        # The fast tier flags a steady leak after ~40 s of growth.
        shots["leak.png"] = wait_screen(tmux, "the flagged leak at the top",
                                        lambda s: "\u25b2" in (row_of(s, leaker.pid) or "")
                                        and "suspected leak" in s[3], target="leak", timeout=90)
        # Every theme but the default on the same scene, one t at a time.
        themes = subprocess.run(["./memtop", "--list-themes"], cwd=ROOT, env=tmux.env, check=True,
                                capture_output=True, text=True).stdout.split("\n")
        themes = [line.split()[0] for line in themes if line.strip()]
        for i, name in enumerate(themes[1:], start=2):
            tmux.run("send-keys", "-t", "leak", "t")
            shots["theme-%s.png" % name] = wait_screen(
                tmux, "the %s theme" % name,
                lambda s, i=i, name=name: "theme %s (%d of" % (name, i) in s[2]
                and "\u25b2" in (row_of(s, leaker.pid) or ""), target="leak")
        # The replay scene: memtop -r on the leak scene's recording, still
        # being written, at its newest sample, following it.
        tmux.new_session("replay", COLS, LINES, cwd=ROOT, command="./memtop -r %s -s growth" % recording)
        shots["replay.png"] = wait_screen(tmux, "the replay, following, the leak flagged",
                                          lambda s: s[2].startswith("Recorded") and "following" in s[2]
                                          and "\u25b2" in (row_of(s, leaker.pid) or ""), target="replay")
        shots["detail.png"] = wait_screen(tmux, "the flagged leak's detail view, its heap grown",
                                          lambda s: any(line.startswith("LEAK SUSPECTED") for line in s)
                                          and (map_row(s, "[heap]") or "-").split()[-2].startswith("+")
                                          and "grew most" in s[-1],
                                          target="detail", lines=DETAIL_LINES)
        # The pressure scene: a process thrashing its page cache in a cgroup
        # limited to 32 MiB stalls; the PSI trigger brings the banner at once
        # although this memtop refreshes only every 10 s.
        import cgroup                     # tests/common/cgroup.py (needs root)
        tmux.new_session("pressure", COLS, LINES, cwd=ROOT, command="./memtop -d 10")
        wait_screen(tmux, "the pressure scene's first frame", lambda s: s[0].startswith("Mem["),
                    target="pressure")
        with cgroup.PressureCgroup(32):
            shots["pressure.png"] = wait_screen(tmux, "the pressure banner",
                                                lambda s: "MEMORY PRESSURE at" in s[3],
                                                target="pressure", timeout=30)
        shots["cgroups.png"] = services_scene(tmux)
        shots["oom.png"] = oom_scene(tmux)
        shots["memory.png"] = memory_scene(tmux)
        shots["checkup.png"] = checkup_scene(tmux)
        shots["alloc.png"] = alloc_scene(tmux)
        for name, text in shots.items():
            lines = DETAIL_LINES if name == "detail.png" else LINES
            img = renderer.render(parse_capture(text, COLS, lines))
            img.save(os.path.join(OUT_DIR, name), optimize=True)
            print("shoot: wrote screenshots/%s (%dx%d)" % (name, img.width, img.height))
    finally:
        tmux.kill()
        config_home.cleanup()
        stop_services(services)
        for proc in (hold, leaker):
            proc.stdin.close()
            proc.wait(5)
            proc.stdout.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
