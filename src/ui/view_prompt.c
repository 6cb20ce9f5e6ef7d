/* view_prompt.c — the filter, interval, signal and time prompts. */
#include "ui/view_prompt.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "conf/cli.h"
#include "ui/draw.h"
#include "util/text.h"
#include "util/timeexpr.h"

const struct prompt_signal prompt_signals[] = {
	{ SIGTERM, "TERM" }, { SIGKILL, "KILL" }, { SIGINT, "INT" }, { SIGHUP, "HUP" },
	{ SIGSTOP, "STOP" }, { SIGCONT, "CONT" }, { SIGUSR1, "USR1" }, { SIGUSR2, "USR2" },
};
const size_t prompt_nsignals = sizeof prompt_signals / sizeof prompt_signals[0];

static void prompt_set_text(struct prompt *p, const char *text)
{
	snprintf(p->text, sizeof p->text, "%s", text);
	p->len = strlen(p->text);
}

void prompt_open_filter(struct prompt *p, const struct listmodel *list)
{
	p->kind = PROMPT_FILTER;
	prompt_set_text(p, list->filter);
}

void prompt_open_delay(struct prompt *p, double seconds)
{
	char text[32];

	p->kind = PROMPT_DELAY;
	snprintf(text, sizeof text, "%g", seconds);
	prompt_set_text(p, text);
}

void prompt_open_signal(struct prompt *p, int pid, uint64_t start_ticks, const char *comm)
{
	p->kind = PROMPT_SIGNAL;
	p->pid = pid;
	p->start_ticks = start_ticks;
	p->signal = 0;               // TERM
	prompt_set_text(p, comm);
}

void prompt_open_time(struct prompt *p, double ref)
{
	p->kind = PROMPT_TIME;
	p->ref = ref;
	prompt_set_text(p, "");
}

// "Send SIGTERM to 1234 (bash)?  <- -> signal  Enter send  Esc cancel"
static void draw_signal_prompt(const struct prompt *p, const struct screen_ctx *c)
{
	char buf[256];
	int x;

	snprintf(buf, sizeof buf, "Send SIG%s to %d (", prompt_signals[p->signal].name, p->pid);
	x = view_put(c->ui, LINES - 1, 0, COLS, buf, ui_attr(c->ui, ROLE_PROMPT));
	x += view_put(c->ui, LINES - 1, x, COLS - x, p->text, A_NORMAL);   // sanitised comm
	view_put(c->ui, LINES - 1, x, COLS - x, ")?  Left/Right: signal  Enter: send  Esc: cancel",
		 ui_attr(c->ui, ROLE_PROMPT));
}

void prompt_draw(const struct prompt *p, const struct screen_ctx *c)
{
	const char *label = p->kind == PROMPT_FILTER ? "Filter: " : p->kind == PROMPT_TIME ?
			    "Go to (12:30, -1h, yesterday 18:00, 2026-12-05 18:00): " :
			    "Refresh interval (s): ";
	char shown[LISTMODEL_FILTER_MAX * 4 + 1];
	int x;

	if (p->kind == PROMPT_SIGNAL) {
		draw_signal_prompt(p, c);
		return;
	}
	x = view_put(c->ui, LINES - 1, 0, COLS, label, ui_attr(c->ui, ROLE_PROMPT));
	text_sanitize(p->text, p->len, shown, sizeof shown);
	x += view_put(c->ui, LINES - 1, x, COLS - x - 1, shown, A_NORMAL);
	view_put(c->ui, LINES - 1, x, 1, "_", A_BLINK);
}

static bool is_enter(int ch)
{
	return ch == KEY_ENTER || ch == '\r' || ch == '\n';
}

// Left/Right choose the signal, Enter sends it, Esc cancels.
static struct action signal_key(struct prompt *p, int ch)
{
	int n = (int)prompt_nsignals;
	struct action a = action_of(ACTION_NONE);

	if (ch == KEY_LEFT || ch == KEY_RIGHT)
		p->signal = (p->signal + (ch == KEY_LEFT ? n - 1 : 1)) % n;
	if (is_enter(ch))
		a = (struct action){ .kind = ACTION_SEND_SIGNAL, .pid = p->pid, .start_ticks = p->start_ticks,
				     .sig = prompt_signals[p->signal].sig,
				     .sig_name = prompt_signals[p->signal].name };
	if (ch == KEY_ESC || is_enter(ch))
		p->kind = PROMPT_NONE;
	return a;
}

// Ends the prompt, applying (enter) or cancelling it.
static struct action prompt_finish(struct prompt *p, struct listmodel *list, bool enter, bool *relist)
{
	struct action a = action_of(ACTION_NONE);

	if (p->kind == PROMPT_FILTER) {
		if (!enter)
			list->filter[0] = '\0';
		*relist = true;
	} else if (enter && p->kind == PROMPT_TIME) {
		double t;
		char err[160];

		if (timeexpr_parse(p->text, p->ref, &t, err, sizeof err) == 0)
			a = (struct action){ .kind = ACTION_MOVE, .move = SOURCE_MOVE_TIME, .move_arg = t };
		else
			a = action_message("%s", err);
	} else if (enter) {
		double v;
		char err[160];

		if (cli_parse_interval(p->text, &v, err, sizeof err) == 0)
			a = (struct action){ .kind = ACTION_SET_INTERVAL, .interval_s = v };
		else
			a = action_message("%s", err);
	}
	p->kind = PROMPT_NONE;
	return a;
}

// Line editing; the filter applies as it is typed.
struct action prompt_key(struct prompt *p, struct listmodel *list, int ch, bool *relist)
{
	*relist = false;
	if (p->kind == PROMPT_SIGNAL)
		return signal_key(p, ch);
	if (ch == KEY_ESC || is_enter(ch))
		return prompt_finish(p, list, ch != KEY_ESC, relist);
	if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && p->len > 0) {
		// Remove a whole UTF-8 character: its continuation bytes, then its lead.
		while (p->len > 1 && ((unsigned char)p->text[p->len - 1] & 0xc0) == 0x80)
			p->len--;
		p->text[--p->len] = '\0';
	} else if (((ch >= 0x20 && ch < 0x7f) || (ch >= 0x80 && ch <= 0xff)) &&
		   p->len + 1 < sizeof p->text) {
		// Bytes of a multibyte character arrive one getch() at a time.
		p->text[p->len++] = (char)ch;
		p->text[p->len] = '\0';
	}
	if (p->kind == PROMPT_FILTER) {
		snprintf(list->filter, sizeof list->filter, "%s", p->text);
		*relist = true;
	}
	return action_of(ACTION_NONE);
}
