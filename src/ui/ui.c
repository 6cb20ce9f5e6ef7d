/* ui.c — ncurses start/stop, the theme's styles as colour pairs and attributes. */
#include "ui/ui.h"

#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static bool ui_active;   // endwin() is owed; read by the atexit hook

// What a fatal signal's handler needs, prepared while the program is sane:
// the bytes that take the terminal out of the screen's modes, and its modes
// from before the screen started. A handler may only use write(2) and
// tcsetattr(3) (async-signal-safe), never ncurses.
static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL };
static struct {
	volatile sig_atomic_t armed;        // the screen is up: restore it on a crash
	char reset[256];
	size_t reset_len;
	bool have_termios;
	struct termios termios;
	struct sigaction previous[sizeof fatal_signals / sizeof fatal_signals[0]];
} crash;

static void ui_atexit(void)
{
	if (ui_active) {
		crash.armed = 0;
		endwin();
		ui_active = false;
	}
}

// Appends a terminfo string capability to the reset bytes, if the terminal has it.
static void reset_append(const char *cap)
{
	const char *s = tigetstr(cap);
	size_t n;

	if (!s || s == (char *)-1)
		return;
	n = strlen(s);
	if (crash.reset_len + n < sizeof crash.reset) {
		memcpy(crash.reset + crash.reset_len, s, n);
		crash.reset_len += n;
	}
}

// The bytes a crash writes: cancel any escape sequence cut short by the
// crash (CAN), mouse reporting off (the xterm modes ncurses turns on),
// attributes off, cursor shown, keypad off, the normal screen back.
static void crash_prepare(void)
{
	static const char cancel[] = "\030", mouse_off[] = "\033[?1006l\033[?1003l\033[?1002l\033[?1000l";

	crash.reset_len = 0;
	memcpy(crash.reset, cancel, sizeof cancel - 1);
	crash.reset_len = sizeof cancel - 1;
	if (tigetstr("kmous") && tigetstr("kmous") != (char *)-1) {
		memcpy(crash.reset + crash.reset_len, mouse_off, sizeof mouse_off - 1);
		crash.reset_len += sizeof mouse_off - 1;
	}
	reset_append("sgr0");
	reset_append("cnorm");
	reset_append("rmkx");
	reset_append("rmcup");
}

// The name of a fatal signal, for the one-line message.
static const char *crash_signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV (invalid memory access)";
	case SIGBUS: return "SIGBUS (bus error)";
	case SIGFPE: return "SIGFPE (arithmetic error)";
	case SIGABRT: return "SIGABRT (aborted)";
	case SIGILL: return "SIGILL (illegal instruction)";
	}
	return "a fatal signal";
}

// Writes all of a buffer with write(2) alone (async-signal-safe).
static void crash_write(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

// A fatal signal: restores the terminal, says so in one line, then lets the
// signal do what it would have done (the handler installed before ours, such
// as AddressSanitizer's report, or the default: die, maybe with a core).
static void crash_handler(int sig, siginfo_t *info, void *ctx)
{
	static const char pre[] = "\r\nmemtop: fatal signal ", post[] = "; the terminal was restored\n";
	const char *name = crash_signal_name(sig);
	int saved = errno;

	if (crash.armed) {
		crash.armed = 0;
		crash_write(STDOUT_FILENO, crash.reset, crash.reset_len);
		if (crash.have_termios)
			tcsetattr(STDIN_FILENO, TCSANOW, &crash.termios);
		crash_write(STDERR_FILENO, pre, sizeof pre - 1);
		crash_write(STDERR_FILENO, name, strlen(name));
		crash_write(STDERR_FILENO, post, sizeof post - 1);
	}
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
		const struct sigaction *old = &crash.previous[i];

		if (fatal_signals[i] != sig)
			continue;
		sigaction(sig, old, NULL);
		if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
			old->sa_sigaction(sig, info, ctx);
		} else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
			old->sa_handler(sig);
		} else {
			// The default action, once this handler returns: a fault
			// repeats on return; a sent signal is raised again.
			signal(sig, SIG_DFL);
			if (!info || info->si_code <= 0)
				raise(sig);
		}
	}
	errno = saved;
}

// Installs the crash handler for every fatal signal, once, on its own stack
// (a stack overflow is a SIGSEGV too).
static void crash_install(void)
{
	static char altstack[64 * 1024];
	static bool installed;
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
	struct sigaction sa;

	if (installed)
		return;
	installed = true;
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = crash_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		sigaction(fatal_signals[i], &sa, &crash.previous[i]);
}

// ncurses attributes of a theme's attribute bits.
static attr_t curses_attrs(unsigned bits)
{
	static const struct { unsigned bit; attr_t attr; } map[] = {
		{ THEME_BOLD, A_BOLD }, { THEME_DIM, A_DIM }, { THEME_UNDERLINE, A_UNDERLINE },
		{ THEME_REVERSE, A_REVERSE }, { THEME_ITALIC, A_ITALIC }, { THEME_BLINK, A_BLINK },
		{ THEME_STANDOUT, A_STANDOUT },
	};
	attr_t a = 0;

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (bits & map[i].bit)
			a |= map[i].attr;
	return a;
}

// A colour as the terminal can draw it: nearest palette entry, or -1 (its
// default) where that works; else white on black.
static short pair_color(const struct ui *u, struct theme_color c, bool fg)
{
	int idx = theme_color_index(c, COLORS);

	if (idx < 0 && !u->default_colors)
		idx = fg ? COLOR_WHITE : COLOR_BLACK;
	return (short)idx;
}

void ui_apply_theme(struct ui *u, const struct theme *t)
{
	const struct theme_style *text = &t->role[ROLE_NORMAL];

	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct theme_style *s = &t->role[r];
		struct theme_color fg = s->fg, bg = s->bg;

		u->attrs[r] = curses_attrs(s->attrs);
		if (!u->color || (!theme_style_has_color(s) && !theme_style_has_color(text)))
			continue;
		// A role's default colours are the text role's: the screen's own.
		if (fg.kind == THEME_COLOR_DEFAULT)
			fg = text->fg;
		if (bg.kind == THEME_COLOR_DEFAULT)
			bg = text->bg;
		init_pair((short)(r + 1), pair_color(u, fg, true), pair_color(u, bg, false));
		u->attrs[r] |= COLOR_PAIR(r + 1);
	}
	// The background of every blank cell, and of text drawn without a role.
	bkgd((chtype)' ' | (u->attrs[ROLE_NORMAL] & A_COLOR));
	clearok(curscr, TRUE);
}

int ui_start(struct ui *u, char *err, size_t errlen)
{
	static bool hooked;

	memset(u, 0, sizeof *u);
	u->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	crash.have_termios = tcgetattr(STDIN_FILENO, &crash.termios) == 0;
	if (!newterm(NULL, stdout, stdin)) {
		snprintf(err, errlen, "cannot use the terminal '%s'", getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	ui_active = true;
	// A terminal that cannot move the cursor (TERM=dumb) would show garbage.
	const char *cup = tigetstr("cup");

	if (!cup || cup == (char *)-1) {
		ui_atexit();
		snprintf(err, errlen, "the terminal '%s' cannot move the cursor; use -b for batch output",
			 getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	if (!hooked) {
		atexit(ui_atexit);
		hooked = true;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	mouseinterval(0);
	u->color = has_colors() && start_color() == OK && COLORS >= 8;
	u->default_colors = u->color && use_default_colors() == OK;
	crash_prepare();
	crash_install();
	crash.armed = 1;
	return 0;
}

void ui_stop(struct ui *u)
{
	(void)u;
	ui_atexit();
}

attr_t ui_attr(const struct ui *u, enum ui_role role)
{
	return u->attrs[role];
}

void ui_fatal(const char *fmt, ...)
{
	va_list ap;

	ui_atexit();
	fputs("memtop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}
