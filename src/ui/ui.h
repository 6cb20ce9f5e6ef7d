/* ui.h — the ncurses lifecycle and the screen's visual roles.
 *
 * Contract: drawing code asks for a role's attributes (ui_attr) and never
 * names a colour; the roles' styles come from a theme (theme.h). ui_start returns -1 with a message in err when there is no
 * usable terminal. After ui_start, ui_stop (or ui_fatal, or exit: an atexit
 * hook calls endwin) always restores the terminal.
 */
#ifndef MEMTOP_UI_H
#define MEMTOP_UI_H

#include <stdbool.h>
#include <stddef.h>

#include <ncurses.h>

#include "conf/theme.h"

struct ui {
	bool color;        // the terminal has colours (start_color done)
	bool default_colors;   // ... and its own default colours (-1) work
	bool utf8;         // the locale is UTF-8: Unicode glyphs allowed
	attr_t attrs[ROLE_COUNT];
};

int ui_start(struct ui *u, char *err, size_t errlen);
/* Turns a theme into the attributes of each role (colour pairs matched to
 * the terminal's colours; attributes only without colours) and repaints the
 * whole screen with them at the next refresh. */
void ui_apply_theme(struct ui *u, const struct theme *t);
void ui_stop(struct ui *u);
attr_t ui_attr(const struct ui *u, enum ui_role role);
/* Restores the terminal, prints "memtop: message" and exits with status 1. */
_Noreturn void ui_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
