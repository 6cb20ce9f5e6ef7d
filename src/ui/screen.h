/* screen.h — what a screen is: a const struct of functions (enter, draw,
 * key, tick, leave) over the screen's own state, with its key table; keys
 * return an action, which only the loop (ui/app.c) carries out.
 *
 * Contract: a screen draws what its state and the context hold into stdscr
 * (screen_draw erases before and refreshes after; below the minimum size it
 * shows a notice instead); it reads no file and never calls the loop. The
 * context is valid for one call. Anything that needs the loop — leaving,
 * another screen, the refresh interval, signals, themes, settings, the status
 * line — is an action.
 */
#ifndef MEMTOP_SCREEN_H
#define MEMTOP_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/listmodel.h"
#include "model/monitor.h"
#include "ui/ui.h"

#define SCREEN_MIN_COLS 40
#define SCREEN_MIN_LINES 10
#define KEY_ESC 27
#define KEY_CTRL(c) ((c) & 0x1f)
#define SCREEN_STRIDE_S 600.0     // a replay's { and }: ten minutes

enum action_kind {
	ACTION_NONE,
	ACTION_QUIT,
	ACTION_OPEN,              // make screen the active one (it gets the action in enter)
	ACTION_BACK,              // leave this screen for the process list (limited to
	                          // cgroup when that is set)
	ACTION_SET_INTERVAL,      // interval_s, already validated
	ACTION_PAUSE,             // pause or resume sampling
	ACTION_SEND_SIGNAL,       // sig to (pid, start_ticks); sig_name for the message
	ACTION_NEXT_THEME,
	ACTION_WRITE_SETTINGS,
	ACTION_MESSAGE,           // message on the status line
	ACTION_MOVE,              // a replay: move in the recording (move, move_arg), then
	                          // move_nudge samples on when a time move found no other sample
};

struct screen;

struct action {
	enum action_kind kind;
	const struct screen *screen;   // ACTION_OPEN: the screen to open
	const struct screen *from;     // ACTION_OPEN: set by the loop, the screen it came from
	int pid;                  // ACTION_OPEN of the detail view, ACTION_SEND_SIGNAL: the process
	uint64_t start_ticks;
	int sig;
	const char *sig_name;     // a static string ("TERM")
	double interval_s;
	enum source_move move;    // ACTION_MOVE: how (proc/source.h), and its argument
	double move_arg;
	int move_nudge;
	char message[192];
	// ACTION_BACK: the list shows only this cgroup's processes (the cgroup
	// view's Enter; an exact path); "" leaves the list's limit as it is.
	char cgroup[LISTMODEL_CGROUP_MAX];
};

/* What the loop gives a screen for one call. */
struct screen_ctx {
	const struct ui *ui;
	struct monitor *mon;      // the model; the detail view reads one process through it
	double interval_s;
	bool paused, readonly;    // paused: sampling (live), End's following (a replay)
	const char *message;      // the status line's notice, "" when none
	const char *alert;        // the memory-pressure banner, or NULL when it is not up
	const char *trigger_desc; // how pressure wakes the screen (help)
	// How the allocation-sites screen attaches (--alloc-every, --alloc-min-size;
	// NULL: every allocation) and its time limit (--alloc-limit; 0: none).
	const struct alloc_options *alloc_opts;
	double alloc_limit_s;
};

/* Which monitors a binding is for: a live one, a recording (replay), or both. */
enum binding_mode { BIND_BOTH, BIND_LIVE, BIND_REPLAY };

/* One key binding: up to four keys, how help and the footer name it, and
 * what it does to the screen's state. A key may have one binding live and
 * another in a replay: the help and the footer show those of the mode. */
struct binding {
	int keys[4];              // 0-terminated when shorter
	const char *label, *help; // NULL label: left out of help (a second key)
	struct action (*act)(void *state, const struct screen_ctx *c);
	const char *footer;       // short footer text, NULL when not in the footer
	enum binding_mode mode;
};

/* A screen keeps its state in its own file; state points at it. Adding a
 * screen is its file and header, and the key that opens it (ACTION_OPEN
 * with .screen) in the screen it is reached from. */
struct screen {
	const char *name;
	void *state;
	// Called when the screen becomes active; why is the action that opened it.
	void (*enter)(void *state, const struct screen_ctx *c, const struct action *why);
	void (*draw)(void *state, const struct screen_ctx *c);
	struct action (*key)(void *state, const struct screen_ctx *c, int ch);
	// After each refresh of the model, while active.
	void (*tick)(void *state, const struct screen_ctx *c);
	void (*leave)(void *state);
	// At exit, for every screen that was ever entered: frees what the state holds.
	void (*free)(void *state);
	const struct binding *bindings;   // its key table (help is drawn from it)
	size_t nbindings;
};

/* Draws s over state: erase, draw, refresh; a terminal below the minimum
 * size gets a notice instead. */
void screen_draw(const struct screen *s, void *state, const struct screen_ctx *c);
/* Whether the context's monitor replays a recording (it has a time line). */
bool screen_replay(const struct screen_ctx *c);
/* Whether b is for the mode (replay or live). */
bool binding_in_mode(const struct binding *b, bool replay);
/* Runs the binding of ch for the mode in s's table, if any; ACTION_NONE
 * otherwise. */
struct action screen_bound_key(const struct screen *s, void *state, const struct screen_ctx *c, int ch);
/* Draws s's footer on the last line from its key table: each binding with
 * a footer text for the mode, as its first key and that text. */
void screen_draw_footer(const struct screen *s, const struct screen_ctx *c);
/* Shorthands for a key's result. */
static inline struct action action_of(enum action_kind kind)
{
	return (struct action){ .kind = kind };
}
struct action action_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Moves in a replay (ACTION_MOVE): how with its argument; a time move that
 * finds no other sample goes nudge samples on. */
struct action action_move(enum source_move how, double arg, int nudge);
/* Bindings more than one screen has: quit, back (to the screen before),
 * and a replay's [ and ] (help: screen_act_help, ui/view_help.h). */
struct action screen_act_quit(void *state, const struct screen_ctx *c);
struct action screen_act_back(void *state, const struct screen_ctx *c);
struct action screen_act_sample_prev(void *state, const struct screen_ctx *c);
struct action screen_act_sample_next(void *state, const struct screen_ctx *c);
/* A move by time from the sample shown (the replay's { and }): kept within
 * the recording; on across a gap longer than by, the next sample. NONE live. */
struct action action_move_by_time(const struct screen_ctx *c, double by);

#endif
