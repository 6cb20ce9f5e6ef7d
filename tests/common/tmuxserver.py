"""A private tmux server for driving memtop in tests and screenshots.

Never the user's server: a socket of its own ("-L NAME-PID"), a config file
of its own (no status bar, /bin/sh, a 256-colour terminal type), TMUX* and
locale variables set so memtop starts in a UTF-8 locale. kill() ends the
server and removes the socket file and config that tmux leaves behind.
"""
import os
import subprocess
import tempfile


def terminal_name():
    """tmux-256color when its terminfo entry exists, else screen."""
    for d in ("/usr/share/terminfo", "/lib/terminfo", "/etc/terminfo"):
        if os.path.exists(os.path.join(d, "t", "tmux-256color")):
            return "tmux-256color"
    return "screen"


class TmuxError(Exception):
    """A tmux command failed."""


class PrivateTmux:
    def __init__(self, name, extra_conf="", timeout=10.0):
        self.socket = "%s-%d" % (name, os.getpid())
        self.timeout = timeout
        self.conf = tempfile.NamedTemporaryFile("w", prefix=name + "-", suffix=".conf", delete=False)
        # Loaded before the first session exists, so every pane gets it; the
        # server stays up between sessions (exit-empty off).
        self.conf.write(extra_conf +
                        "set -g exit-empty off\n"
                        "set -g status off\n"
                        "set -g default-shell /bin/sh\n"
                        "set -g default-terminal %s\n" % terminal_name())
        self.conf.close()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
        self.env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8")
        self.socket_path = None

    def run(self, *args, check=True):
        """Runs one tmux command against the private server; returns its stdout."""
        p = subprocess.run(["tmux", "-L", self.socket, "-f", self.conf.name] + list(args),
                           capture_output=True, env=self.env, timeout=self.timeout)
        if check and p.returncode != 0:
            raise TmuxError("tmux %s: %s" % (" ".join(args), p.stderr.decode().strip()))
        return p.stdout.decode("utf-8", "replace")

    def new_session(self, name, width, height, command, cwd=None):
        """Starts a detached session running command (a shell string)."""
        self.run("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
                 *(["-c", cwd] if cwd else []), command)
        if self.socket_path is None:
            self.socket_path = self.run("display-message", "-p", "-t", name, "#{socket_path}").strip()

    def kill(self):
        """Ends the server (its panes get SIGHUP) and removes its files."""
        self.run("kill-server", check=False)
        os.unlink(self.conf.name)
        if self.socket_path and os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
