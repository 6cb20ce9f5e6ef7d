/* ui.c — ncurses start/stop, the theme's styles as colour pairs and attributes. */
#include "ui.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool ui_active;   // endwin() is owed; read by the atexit hook

static void ui_atexit(void)
{
	if (ui_active) {
		endwin();
		ui_active = false;
	}
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
