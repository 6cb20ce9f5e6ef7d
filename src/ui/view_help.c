/* view_help.c — the help screen. */
#include "ui/view_help.h"

#include <string.h>

#include "ui/draw.h"

struct help_screen {
	const struct screen *of;   // whose keys it lists
	size_t top;                // the first line shown: it scrolls when it does not fit
};

static struct help_screen help;

static void help_enter(void *state, const struct screen_ctx *c, const struct action *why)
{
	struct help_screen *h = state;

	(void)c;
	h->of = why->from;
	h->top = 0;
}

// One line of the help: a key and what it does, or a note across the width.
struct help_line {
	const char *key, *text;
	int role;                  // -1: plain
};

#define HELP_LINES_MAX 96

// Every line of the help for the screen it was opened from, in order.
static size_t help_lines(const struct help_screen *h, const struct screen_ctx *c, struct help_line *out)
{
	bool replay = screen_replay(c);
	size_t n = 0;

	for (size_t i = 0; h->of && i < h->of->nbindings && n < HELP_LINES_MAX - 5; i++) {
		const struct binding *b = &h->of->bindings[i];

		if (b->label && binding_in_mode(b, replay))
			out[n++] = (struct help_line){ b->label, b->help, -1 };
	}
	out[n++] = (struct help_line){ NULL, "Mouse: click a row to select it, a column title to sort by it.", -1 };
	out[n++] = (struct help_line){ NULL, "Detail view: M S D N sort mappings by RSS, size, growth, "
		"address; g groups them by name; c shows the whole command line (Up, Down, PgUp, "
		"PgDn, Home, End scroll it); a shows its allocation sites (live: attaches uprobes to its "
		"allocator until a, Esc or q); Esc, q or Backspace return.", -1 };
	if (h->of && strcmp(h->of->name, "cgroups") == 0)
		out[n++] = (struct help_line){ NULL, "Cgroup view: USAGE and LIMIT are the cgroup's own (max: no "
			"limit), ANON and PROCS its processes' sum, PSI its memory pressure (some, avg10); "
			"GROWTH, TREND and LEAK judge its own anonymous memory + swap.", -1 };
	if (replay)
		out[n++] = (struct help_line){ NULL, "A recording moves only with [ ] { } b Home End, or while "
			"End follows a file still being written; the detail view has no mappings.", -1 };
	out[n++] = (struct help_line){ NULL, c->trigger_desc, ROLE_DIM };
	return n;
}

// The lines the screen has room for, between the title and the prompt.
static size_t help_rows(void)
{
	return LINES > 4 ? (size_t)(LINES - 4) : 1;
}

static void help_draw(void *state, const struct screen_ctx *c)
{
	struct help_screen *h = state;
	struct help_line lines[HELP_LINES_MAX];
	size_t n = help_lines(h, c, lines), rows = help_rows();
	int y = 2;

	if (h->top + rows > n)
		h->top = n > rows ? n - rows : 0;
	view_put(c->ui, 0, 0, COLS, screen_replay(c) ? "memtop " MEMTOP_VERSION " - keys (replaying a recording)" :
		 "memtop " MEMTOP_VERSION " - keys", ui_attr(c->ui, ROLE_LABEL));
	for (size_t i = h->top; i < n && i < h->top + rows; i++, y++) {
		attr_t attr = lines[i].role < 0 ? A_NORMAL : ui_attr(c->ui, (enum ui_role)lines[i].role);

		if (lines[i].key) {
			view_put(c->ui, y, 1, 10, lines[i].key, ui_attr(c->ui, ROLE_FOOTER_KEY));
			view_put(c->ui, y, 12, COLS - 12, lines[i].text, attr);
		} else {
			view_put(c->ui, y, 1, COLS - 1, lines[i].text, attr);
		}
	}
	view_put(c->ui, LINES - 1, 0, COLS, n > rows ? "Up, Down, PgUp, PgDn scroll; any other key returns." :
		 "Press any key to return.", ui_attr(c->ui, ROLE_PROMPT));
}

// Up, Down, PgUp and PgDn scroll a help longer than the screen; any other
// key returns to the screen help was opened from: the list (ACTION_BACK
// goes there), or another screen with a key table (the cgroup view), which
// is opened again.
static struct action help_key(void *state, const struct screen_ctx *c, int ch)
{
	struct help_screen *h = state;
	size_t page = help_rows();

	(void)c;
	switch (ch) {
	case KEY_DOWN: h->top++; return action_of(ACTION_NONE);
	case KEY_NPAGE: h->top += page; return action_of(ACTION_NONE);
	case KEY_UP: h->top = h->top ? h->top - 1 : 0; return action_of(ACTION_NONE);
	case KEY_PPAGE: h->top = h->top > page ? h->top - page : 0; return action_of(ACTION_NONE);
	default: break;
	}
	if (h->of && strcmp(h->of->name, "list") != 0)
		return (struct action){ .kind = ACTION_OPEN, .screen = h->of };
	return action_of(ACTION_BACK);
}

const struct screen screen_help = {
	.name = "help",
	.state = &help,
	.enter = help_enter,
	.draw = help_draw,
	.key = help_key,
};

struct action screen_act_help(void *state, const struct screen_ctx *c)
{
	(void)state, (void)c;
	return (struct action){ .kind = ACTION_OPEN, .screen = &screen_help };
}
