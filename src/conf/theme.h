/* theme.h — colour themes: the screen's visual roles, the theme file format
 * (kvfile: "role = [FG] [on BG] [ATTR...]") and the mapping of a colour to
 * the nearest one a terminal has. Pure: no I/O, no ncurses.
 *
 * Contract: theme_parse starts from whatever *t holds (normally the built-in
 * default), so roles a file does not name, or names badly, keep their old
 * style; it reports each problem once through on_error and returns how many
 * there were. theme_color_index never fails: any colour maps to an index
 * below ncolors, or to -1 (the terminal's default colour).
 */
#ifndef MEMTOP_THEME_H
#define MEMTOP_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/kvfile.h"

enum ui_role {
	ROLE_NORMAL, ROLE_LABEL, ROLE_METER_USED, ROLE_METER_CACHE, ROLE_METER_FREE,
	ROLE_METER_SWAP, ROLE_METER_TEXT, ROLE_PSI_OK, ROLE_PSI_WARN, ROLE_PSI_CRIT,
	ROLE_TABLE_HEADER, ROLE_TABLE_SORTED, ROLE_SELECTION, ROLE_STATUS, ROLE_PAUSED,
	ROLE_FOOTER_KEY, ROLE_FOOTER_TEXT, ROLE_PROMPT, ROLE_DIM, ROLE_GROWTH_UP,
	ROLE_GROWTH_DOWN, ROLE_MESSAGE, ROLE_LEAK, ROLE_SPARK_LOW, ROLE_SPARK_HIGH,
	ROLE_ALERT,
	ROLE_COUNT
};

enum theme_color_kind { THEME_COLOR_DEFAULT, THEME_COLOR_INDEX, THEME_COLOR_RGB };

struct theme_color {
	enum theme_color_kind kind;
	uint32_t value;            // a palette index 0-255, or 0xRRGGBB
};

enum theme_attr {
	THEME_BOLD = 1, THEME_DIM = 2, THEME_UNDERLINE = 4, THEME_REVERSE = 8,
	THEME_ITALIC = 16, THEME_BLINK = 32, THEME_STANDOUT = 64,
};

struct theme_style {
	struct theme_color fg, bg;
	unsigned attrs;            // enum theme_attr bits
};

struct theme {
	struct theme_style role[ROLE_COUNT];
};

/* The key of a role in a theme file ("meter.used"). */
const char *theme_role_key(enum ui_role role);

/* Parses theme text over *t. */
unsigned theme_parse(const char *buf, size_t len, struct theme *t, kvfile_error_fn on_error,
		     void *ctx);

/* Parses one style ("black on cyan bold"); NULL, or the reason it is bad. */
const char *theme_parse_style(const char *value, struct theme_style *out, char *why, size_t whylen);

/* True when the style uses a colour (fg or bg is not the default). */
bool theme_style_has_color(const struct theme_style *s);

/* The palette index to draw colour c with on a terminal of ncolors colours
 * (8, 16, 88, 256, ...): the colour itself when the terminal has it, else
 * the nearest one it has; -1 for the default colour. */
int theme_color_index(struct theme_color c, int ncolors);

/* The red, green and blue of a 256-colour palette index (xterm's values). */
uint32_t theme_palette_rgb(unsigned index);

#endif
