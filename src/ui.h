/* ui.h — the ncurses lifecycle and the screen's visual roles.
 *
 * Contract: drawing code asks for a role's attributes (ui_attr) and never
 * names a colour. ui_start returns -1 with a message in err when there is no
 * usable terminal. After ui_start, ui_stop (or ui_fatal, or exit: an atexit
 * hook calls endwin) always restores the terminal.
 */
#ifndef MEMTOP_UI_H
#define MEMTOP_UI_H

#include <stdbool.h>
#include <stddef.h>

#include <ncurses.h>

enum ui_role {
	ROLE_NORMAL, ROLE_LABEL, ROLE_METER_USED, ROLE_METER_SWAP, ROLE_METER_TEXT,
	ROLE_PSI_OK, ROLE_PSI_WARN, ROLE_PSI_CRIT, ROLE_TABLE_HEADER, ROLE_TABLE_SORTED,
	ROLE_SELECTION, ROLE_STATUS, ROLE_PAUSED, ROLE_FOOTER_KEY, ROLE_FOOTER_TEXT,
	ROLE_PROMPT, ROLE_DIM, ROLE_GROWTH_UP, ROLE_GROWTH_DOWN, ROLE_MESSAGE, ROLE_LEAK,
	ROLE_SPARK,
	ROLE_COUNT
};

struct ui {
	bool color;        // colours in use (terminal has them, no --no-color/NO_COLOR)
	bool utf8;         // the locale is UTF-8: Unicode glyphs allowed
	attr_t attrs[ROLE_COUNT];
};

int ui_start(struct ui *u, bool no_color, char *err, size_t errlen);
void ui_stop(struct ui *u);
attr_t ui_attr(const struct ui *u, enum ui_role role);
/* Restores the terminal, prints "memtop: message" and exits with status 1. */
_Noreturn void ui_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
