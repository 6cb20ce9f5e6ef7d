/* ui.c — ncurses start/stop, colours for the screen's roles. */
#include "ui.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool ui_active;   // endwin() is owed; read by the atexit hook

// The built-in (dark) palette: foreground, background and attributes per
// role, and the attributes alone for monochrome screens.
static const struct {
	short fg, bg;
	attr_t attr, mono;
} palette[ROLE_COUNT] = {
	[ROLE_NORMAL] = { -1, -1, 0, 0 },
	[ROLE_LABEL] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[ROLE_METER_USED] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[ROLE_METER_SWAP] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[ROLE_METER_TEXT] = { COLOR_WHITE, -1, 0, A_DIM },
	[ROLE_PSI_OK] = { COLOR_GREEN, -1, 0, 0 },
	[ROLE_PSI_WARN] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[ROLE_PSI_CRIT] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
	[ROLE_TABLE_HEADER] = { COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE },
	[ROLE_TABLE_SORTED] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD | A_UNDERLINE },
	[ROLE_SELECTION] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[ROLE_STATUS] = { -1, -1, 0, 0 },
	[ROLE_PAUSED] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD },
	[ROLE_FOOTER_KEY] = { COLOR_WHITE, -1, A_BOLD, A_BOLD },
	[ROLE_FOOTER_TEXT] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[ROLE_PROMPT] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[ROLE_DIM] = { -1, -1, A_DIM, A_DIM },
	[ROLE_GROWTH_UP] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[ROLE_GROWTH_DOWN] = { COLOR_GREEN, -1, 0, 0 },
	[ROLE_MESSAGE] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[ROLE_LEAK] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
	[ROLE_SPARK] = { COLOR_MAGENTA, -1, 0, 0 },
};

static void ui_atexit(void)
{
	if (ui_active) {
		endwin();
		ui_active = false;
	}
}

// Colour pairs for every role, or attributes only.
static void ui_init_roles(struct ui *u)
{
	for (int r = 0; r < ROLE_COUNT; r++) {
		if (!u->color) {
			u->attrs[r] = palette[r].mono;
			continue;
		}
		init_pair((short)(r + 1), palette[r].fg, palette[r].bg);
		u->attrs[r] = COLOR_PAIR(r + 1) | palette[r].attr;
	}
}

int ui_start(struct ui *u, bool no_color, char *err, size_t errlen)
{
	static bool hooked;
	const char *nc = getenv("NO_COLOR");

	memset(u, 0, sizeof *u);
	u->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (!newterm(NULL, stdout, stdin)) {
		snprintf(err, errlen, "cannot use the terminal '%s'", getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	ui_active = true;
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
	u->color = !no_color && !(nc && *nc) && has_colors();
	if (u->color) {
		start_color();
		use_default_colors();
	}
	ui_init_roles(u);
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
