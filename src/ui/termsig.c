/* termsig.c — the signals the interactive screen handles: they only write
 * their number to a pipe, and the loop, woken by it, acts on them here. */
#include "ui/termsig.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <ncurses.h>

static int signal_pipe[2] = { -1, -1 };

// Signals only write their number to a pipe; the loop reads it.
static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (write(signal_pipe[1], &b, 1) < 0) {
		// The pipe is full: the loop has plenty to wake up for already.
	}
	errno = saved;
}

int termsig_install(void)
{
	// SIGTSTP too: installed before the screen starts, so ncurses keeps
	// its own handler (endwin inside a signal handler) out; the loop stops
	// memtop itself (term_suspend).
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT };
	struct sigaction sa;

	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	return 0;
}

int termsig_fd(void)
{
	return signal_pipe[0];
}

// Takes the terminal's new size after SIGWINCH.
static void term_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

// After a stop (ours or anyone's SIGSTOP): the terminal may have been used
// meanwhile, so keypad mode goes back on (arrow keys) and the next refresh
// repaints every cell.
static void term_resume(void)
{
	keypad(stdscr, TRUE);
	clearok(curscr, TRUE);
}

// Ctrl-Z: gives the terminal back to the shell, stops, and takes it again
// on SIGCONT (the next draw's refresh restores the screen's modes).
static void term_suspend(void)
{
	struct sigaction dfl, ours;

	endwin();
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &ours);
	raise(SIGTSTP);              // stops here; returns at once in an orphaned group
	sigaction(SIGTSTP, &ours, NULL);
	term_resume();
}

bool termsig_handle(bool *quit)
{
	unsigned char buf[64];
	bool resized = false;
	ssize_t n;

	while ((n = read(signal_pipe[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == SIGWINCH || buf[i] == SIGCONT)
				resized = true;     // the size may have changed while stopped
			else if (buf[i] == SIGTSTP)
				term_suspend();
			else
				*quit = true;
			if (buf[i] == SIGCONT)
				term_resume();
		}
	}
	if (resized)
		term_resize();
	return resized;
}
