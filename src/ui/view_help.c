/* view_help.c — the help screen. */
#include "ui/view_help.h"

#include <string.h>

#include "ui/draw.h"

struct help_screen {
	const struct screen *of;   // whose keys it lists
};

static struct help_screen help;

static void help_enter(void *state, const struct screen_ctx *c, const struct action *why)
{
	struct help_screen *h = state;

	(void)c;
	h->of = why->from;
}

static void help_draw(void *state, const struct screen_ctx *c)
{
	const struct help_screen *h = state;
	bool replay = screen_replay(c);
	int y = 0;

	view_put(c->ui, y++, 0, COLS, replay ? "memtop " MEMTOP_VERSION " - keys (replaying a recording)" :
		 "memtop " MEMTOP_VERSION " - keys", ui_attr(c->ui, ROLE_LABEL));
	y++;
	for (size_t i = 0; h->of && i < h->of->nbindings && y < LINES - 2; i++) {
		const struct binding *b = &h->of->bindings[i];

		if (!b->label || !binding_in_mode(b, replay))
			continue;
		view_put(c->ui, y, 1, 10, b->label, ui_attr(c->ui, ROLE_FOOTER_KEY));
		view_put(c->ui, y++, 12, COLS - 12, b->help, A_NORMAL);
	}
	if (y < LINES - 2)
		view_put(c->ui, y++, 1, COLS - 1, "Mouse: click a row to select it, a column title to sort by it.", A_NORMAL);
	if (y < LINES - 2)
		view_put(c->ui, y++, 1, COLS - 1, "Detail view: M S D N sort mappings by RSS, size, growth, "
			 "address; g groups them by name; c shows the whole command line (Up, Down, PgUp, "
			 "PgDn, Home, End scroll it); Esc, q or Backspace return.", A_NORMAL);
	if (y < LINES - 2 && h->of && strcmp(h->of->name, "cgroups") == 0)
		view_put(c->ui, y++, 1, COLS - 1, "Cgroup view: USAGE and LIMIT are the cgroup's own (max: no "
			 "limit), ANON and PROCS its processes' sum, PSI its memory pressure (some, avg10); "
			 "GROWTH, TREND and LEAK judge its own anonymous memory + swap.", A_NORMAL);
	if (y < LINES - 2 && replay)
		view_put(c->ui, y++, 1, COLS - 1, "A recording moves only with [ ] { } b Home End, or while "
			 "End follows a file still being written; the detail view has no mappings.", A_NORMAL);
	if (y < LINES - 2)
		view_put(c->ui, y++, 1, COLS - 1, c->trigger_desc, ui_attr(c->ui, ROLE_DIM));
	view_put(c->ui, LINES - 1, 0, COLS, "Press any key to return.", ui_attr(c->ui, ROLE_PROMPT));
}

// Any key returns to the screen help was opened from: the list (ACTION_BACK
// goes there), or another screen with a key table (the cgroup view), which
// is opened again.
static struct action help_key(void *state, const struct screen_ctx *c, int ch)
{
	const struct help_screen *h = state;

	(void)c, (void)ch;
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
