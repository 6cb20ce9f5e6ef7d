/* theme.c — theme files and colour matching; pure code. */
#include "conf/theme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_keys[ROLE_COUNT] = {
	[ROLE_NORMAL] = "text",
	[ROLE_LABEL] = "header.label",
	[ROLE_METER_USED] = "meter.used",
	[ROLE_METER_CACHE] = "meter.cache",
	[ROLE_METER_FREE] = "meter.free",
	[ROLE_METER_SWAP] = "meter.swap",
	[ROLE_METER_TEXT] = "meter.text",
	[ROLE_PSI_OK] = "psi.ok",
	[ROLE_PSI_WARN] = "psi.warn",
	[ROLE_PSI_CRIT] = "psi.critical",
	[ROLE_TABLE_HEADER] = "table.header",
	[ROLE_TABLE_SORTED] = "table.sorted",
	[ROLE_SELECTION] = "selection",
	[ROLE_STATUS] = "status",
	[ROLE_PAUSED] = "status.paused",
	[ROLE_FOOTER_KEY] = "footer.key",
	[ROLE_FOOTER_TEXT] = "footer.text",
	[ROLE_PROMPT] = "prompt",
	[ROLE_DIM] = "dim",
	[ROLE_GROWTH_UP] = "growth.up",
	[ROLE_GROWTH_DOWN] = "growth.down",
	[ROLE_MESSAGE] = "message",
	[ROLE_LEAK] = "leak",
	[ROLE_SPARK_LOW] = "sparkline.low",
	[ROLE_SPARK_HIGH] = "sparkline.high",
	[ROLE_ALERT] = "alert",
};

static const char *const color_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"bright-black", "bright-red", "bright-green", "bright-yellow",
	"bright-blue", "bright-magenta", "bright-cyan", "bright-white",
};

static const struct {
	const char *name;
	unsigned bit;
} attr_names[] = {
	{ "bold", THEME_BOLD }, { "dim", THEME_DIM }, { "underline", THEME_UNDERLINE },
	{ "reverse", THEME_REVERSE }, { "italic", THEME_ITALIC }, { "blink", THEME_BLINK },
	{ "standout", THEME_STANDOUT },
};

const char *theme_role_key(enum ui_role role)
{
	return role < ROLE_COUNT ? role_keys[role] : "?";
}

// Parses "#rrggbb".
static bool parse_hex(const char *s, uint32_t *out)
{
	char *end;

	if (s[0] != '#' || strlen(s) != 7 || strspn(s + 1, "0123456789abcdefABCDEF") != 6)
		return false;
	*out = (uint32_t)strtoul(s + 1, &end, 16);
	return true;
}

// Parses a palette index, 0 to 255, digits only.
static bool parse_index(const char *s, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 3)
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (v > 255)
		return false;
	*out = (uint32_t)v;
	return true;
}

// Parses one colour word; false when the word is not a colour.
static bool parse_color(const char *s, struct theme_color *out)
{
	if (strcmp(s, "default") == 0) {
		*out = (struct theme_color){ THEME_COLOR_DEFAULT, 0 };
		return true;
	}
	for (unsigned i = 0; i < 16; i++)
		if (strcmp(s, color_names[i]) == 0) {
			*out = (struct theme_color){ THEME_COLOR_INDEX, i };
			return true;
		}
	if (parse_index(s, &out->value)) {
		out->kind = THEME_COLOR_INDEX;
		return true;
	}
	if (parse_hex(s, &out->value)) {
		out->kind = THEME_COLOR_RGB;
		return true;
	}
	return false;
}

// The bit of an attribute word, or 0.
static unsigned parse_attr(const char *s)
{
	for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
		if (strcmp(s, attr_names[i].name) == 0)
			return attr_names[i].bit;
	return 0;
}

// Why a word that is neither a colour nor an attribute is bad.
static const char *bad_word(const char *w, char *why, size_t whylen)
{
	if (w[0] == '#' || strspn(w, "0123456789") == strlen(w))
		snprintf(why, whylen, "bad colour '%.40s': use #rrggbb or 0-255", w);
	else
		snprintf(why, whylen, "unknown colour or attribute '%.40s'", w);
	return why;
}

const char *theme_parse_style(const char *value, struct theme_style *out, char *why, size_t whylen)
{
	struct theme_style s = { { THEME_COLOR_DEFAULT, 0 }, { THEME_COLOR_DEFAULT, 0 }, 0 };
	char copy[KVFILE_LINE_MAX + 1], *save = NULL;
	bool have_fg = false, want_bg = false, have_bg = false;

	if (strlen(value) > KVFILE_LINE_MAX)
		return "value too long";
	strcpy(copy, value);
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		struct theme_color c;
		unsigned bit;

		if (strcmp(w, "on") == 0) {
			if (want_bg || have_bg)
				return "'on' given twice";
			want_bg = true;
		} else if (parse_color(w, &c)) {
			if (want_bg) {
				s.bg = c;
				want_bg = false;
				have_bg = true;
			} else if (!have_fg && !have_bg && !s.attrs) {
				s.fg = c;
				have_fg = true;
			} else {
				return "a colour must come first, or after 'on'";
			}
		} else if ((bit = parse_attr(w))) {
			if (want_bg)
				return "'on' must be followed by a colour";
			s.attrs |= bit;
		} else if (strcmp(w, "none") == 0 && !want_bg) {
			// "none": explicitly no colour and no attribute.
		} else {
			return want_bg ? "'on' must be followed by a colour" : bad_word(w, why, whylen);
		}
	}
	if (want_bg)
		return "'on' must be followed by a colour";
	*out = s;
	return NULL;
}

struct parse_ctx {
	struct theme *t;
	bool seen[ROLE_COUNT];
};

static const char *theme_pair(void *ctx, unsigned line, const char *key, const char *value,
			      char *why, size_t whylen)
{
	struct parse_ctx *pc = ctx;

	(void)line;
	for (int r = 0; r < ROLE_COUNT; r++) {
		if (strcmp(key, role_keys[r]) != 0)
			continue;
		const char *bad;

		if (pc->seen[r])
			return "role given twice; the first one is kept";
		bad = theme_parse_style(value, &pc->t->role[r], why, whylen);
		pc->seen[r] = !bad;          // the first good line counts
		return bad;
	}
	snprintf(why, whylen, "unknown key '%.40s'", key);
	return why;
}

unsigned theme_parse(const char *buf, size_t len, struct theme *t, kvfile_error_fn on_error,
		     void *ctx)
{
	struct parse_ctx pc = { .t = t };

	return kvfile_parse(buf, len, theme_pair, &pc, on_error, ctx);
}

bool theme_style_has_color(const struct theme_style *s)
{
	return s->fg.kind != THEME_COLOR_DEFAULT || s->bg.kind != THEME_COLOR_DEFAULT;
}

/* ---- colours ------------------------------------------------------------ */

// xterm's default values of the 16 basic colours.
static const uint32_t basic_rgb[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

uint32_t theme_palette_rgb(unsigned index)
{
	static const uint8_t cube[6] = { 0, 95, 135, 175, 215, 255 };

	if (index < 16)
		return basic_rgb[index];
	if (index < 232) {
		unsigned i = index - 16;

		return (uint32_t)cube[i / 36] << 16 | (uint32_t)cube[i / 6 % 6] << 8 | cube[i % 6];
	}
	if (index < 256) {
		uint32_t g = 8 + 10 * (index - 232);

		return g << 16 | g << 8 | g;
	}
	return 0;
}

// Perceptual distance between two colours ("redmean": Euclidean with the
// channel weights shifted by how red the pair is); squared, scaled.
static long color_distance(uint32_t a, uint32_t b)
{
	long r1 = a >> 16 & 0xff, g1 = a >> 8 & 0xff, b1 = a & 0xff;
	long r2 = b >> 16 & 0xff, g2 = b >> 8 & 0xff, b2 = b & 0xff;
	long rm = (r1 + r2) / 2, dr = r1 - r2, dg = g1 - g2, db = b1 - b2;

	return ((512 + rm) * dr * dr >> 8) + 4 * dg * dg + ((767 - rm) * db * db >> 8);
}

// The entry of set[0..n) whose colour is nearest to rgb.
static int nearest(uint32_t rgb, const unsigned *set, size_t n)
{
	unsigned best = set[0];
	long best_d = -1;

	for (size_t i = 0; i < n; i++) {
		long d = color_distance(rgb, theme_palette_rgb(set[i]));

		if (best_d < 0 || d < best_d)
			best = set[i], best_d = d;
	}
	return (int)best;
}

// The nearest entry of a palette range [first, last].
static int nearest_range(uint32_t rgb, unsigned first, unsigned last)
{
	unsigned set[256];
	size_t n = 0;

	for (unsigned i = first; i <= last; i++)
		set[n++] = i;
	return nearest(rgb, set, n);
}

// True for a colour without a hue: channels within a few steps of each other.
static bool is_grey(uint32_t rgb)
{
	int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
	int hi = r > g ? (r > b ? r : b) : (g > b ? g : b);
	int lo = r < g ? (r < b ? r : b) : (g < b ? g : b);

	return hi - lo <= 16;
}

int theme_color_index(struct theme_color c, int ncolors)
{
	uint32_t rgb;

	if (c.kind == THEME_COLOR_DEFAULT || ncolors < 8)
		return -1;
	if (c.kind == THEME_COLOR_INDEX) {
		if (c.value < (uint32_t)ncolors && c.value < 256)
			return (int)c.value;
		rgb = theme_palette_rgb(c.value);
	} else {
		rgb = c.value & 0xffffff;
	}
	// A 256-colour terminal: an exact colour is matched in the cube and the
	// grey ramp, whose values are fixed (0-15 are often redefined by the
	// user's terminal scheme). Fewer colours: the basic 16, or 8.
	if (ncolors >= 256)
		return c.kind == THEME_COLOR_RGB ? nearest_range(rgb, 16, 255) : nearest_range(rgb, 0, 255);
	// Among the basic colours a grey must stay grey: by distance alone a
	// mid grey is nearer to cyan than to black or white.
	if (is_grey(rgb)) {
		static const unsigned greys[] = { 0, 7, 8, 15 };

		return nearest(rgb, greys, ncolors >= 16 ? 4 : 2);
	}
	return nearest_range(rgb, 0, ncolors >= 16 ? 15 : 7);
}
