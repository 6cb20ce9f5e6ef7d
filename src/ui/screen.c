/* screen.c — drawing the active screen (with the tiny-terminal guard) and
 * running its key table. */
#include "ui/screen.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui/draw.h"

// What a terminal below the minimum size shows instead of a broken layout.
static void too_small(const struct ui *u)
{
	const char *msg = "terminal too small";
	int len = (int)strlen(msg);

	view_put(u, LINES / 2, len < COLS ? (COLS - len) / 2 : 0, COLS, msg, ui_attr(u, ROLE_MESSAGE));
}

void screen_draw(const struct screen *s, void *state, const struct screen_ctx *c)
{
	erase();                   // erase, not clear: ncurses sends only the diff
	if (COLS < SCREEN_MIN_COLS || LINES < SCREEN_MIN_LINES)
		too_small(c->ui);
	else
		s->draw(state, c);
	refresh();
}

bool screen_replay(const struct screen_ctx *c)
{
	struct source_timeline tl;

	return c->mon && monitor_timeline(c->mon, &tl);
}

bool binding_in_mode(const struct binding *b, bool replay)
{
	return b->mode == BIND_BOTH || b->mode == (replay ? BIND_REPLAY : BIND_LIVE);
}

struct action screen_bound_key(const struct screen *s, void *state, const struct screen_ctx *c, int ch)
{
	bool replay = screen_replay(c);

	for (size_t i = 0; i < s->nbindings; i++) {
		if (!binding_in_mode(&s->bindings[i], replay))
			continue;
		for (size_t k = 0; k < 4 && s->bindings[i].keys[k]; k++)
			if (s->bindings[i].keys[k] == ch)
				return s->bindings[i].act(state, c);
	}
	return action_of(ACTION_NONE);
}

struct action action_message(const char *fmt, ...)
{
	struct action a = { .kind = ACTION_MESSAGE };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a.message, sizeof a.message, fmt, ap);
	va_end(ap);
	return a;
}

struct action action_move(enum source_move how, double arg, int nudge)
{
	return (struct action){ .kind = ACTION_MOVE, .move = how, .move_arg = arg, .move_nudge = nudge };
}

struct action action_move_by_time(const struct screen_ctx *c, double by)
{
	struct source_timeline tl;
	double t;

	if (!c->mon || !monitor_timeline(c->mon, &tl))
		return action_of(ACTION_NONE);
	t = tl.at_t + by;
	if (t <= tl.first_t)
		return action_move(SOURCE_MOVE_FIRST, 0, 0);
	return action_move(SOURCE_MOVE_TIME, t < tl.last_t ? t : tl.last_t, by > 0 ? 1 : 0);
}

struct action screen_act_quit(void *state, const struct screen_ctx *c)
{
	(void)state, (void)c;
	return action_of(ACTION_QUIT);
}

struct action screen_act_back(void *state, const struct screen_ctx *c)
{
	(void)state, (void)c;
	return action_of(ACTION_BACK);
}

void screen_draw_footer(const struct screen *s, const struct screen_ctx *c)
{
	bool replay = screen_replay(c);
	int x = 0, y = LINES - 1;

	for (size_t i = 0; i < s->nbindings && x < COLS; i++) {
		const struct binding *b = &s->bindings[i];
		char key[16];

		if (!b->footer || !binding_in_mode(b, replay))
			continue;
		snprintf(key, sizeof key, "%.*s", (int)strcspn(b->label, " "), b->label);
		x += view_put(c->ui, y, x, COLS - x, key, ui_attr(c->ui, ROLE_FOOTER_KEY));
		x += view_put(c->ui, y, x, COLS - x, b->footer, ui_attr(c->ui, ROLE_FOOTER_TEXT));
		x += view_put(c->ui, y, x, COLS - x, " ", A_NORMAL);
	}
}

struct action screen_act_sample_prev(void *state, const struct screen_ctx *c)
{
	(void)state, (void)c;
	return action_move(SOURCE_MOVE_STEP, -1, 0);
}

struct action screen_act_sample_next(void *state, const struct screen_ctx *c)
{
	(void)state, (void)c;
	return action_move(SOURCE_MOVE_STEP, 1, 0);
}
