/* view_prompt.h — the list screen's one-line prompts on the footer line:
 * the filter (applied as it is typed), the refresh interval, which signal
 * to send to a process (k), and in a replay the time to go to (b).
 *
 * Contract: the prompt edits its own text; what it decides comes back as an
 * action (the interval, the signal) or, for the filter, in the list's filter
 * with *relist set. Text from other processes (a comm) is drawn sanitised.
 */
#ifndef MEMTOP_VIEW_PROMPT_H
#define MEMTOP_VIEW_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/listmodel.h"
#include "ui/screen.h"

enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_DELAY, PROMPT_SIGNAL, PROMPT_TIME };

struct prompt {
	enum prompt_kind kind;
	char text[LISTMODEL_FILTER_MAX];
	size_t len;
	// PROMPT_SIGNAL: the process it names (pid and start time) and the
	// signal chosen (an index into prompt_signals).
	int pid;
	uint64_t start_ticks;
	int signal;
	// PROMPT_TIME: the wall time relative times count from (the sample
	// shown when it opened).
	double ref;
};

/* The signals k offers, TERM first. */
struct prompt_signal {
	int sig;
	const char *name;
};
extern const struct prompt_signal prompt_signals[];
extern const size_t prompt_nsignals;

/* Opens a prompt: the filter (editing list's), the interval (from seconds),
 * or the signal for a process (pid, start_ticks, its sanitised comm). */
void prompt_open_filter(struct prompt *p, const struct listmodel *list);
void prompt_open_delay(struct prompt *p, double seconds);
void prompt_open_signal(struct prompt *p, int pid, uint64_t start_ticks, const char *comm);
/* Opens the time prompt of a replay: Enter moves to the time typed
 * (util/timeexpr.h), relative to ref, or says what was wrong with it. */
void prompt_open_time(struct prompt *p, double ref);
/* Draws the open prompt on the last line. */
void prompt_draw(const struct prompt *p, const struct screen_ctx *c);
/* One key for the open prompt: line editing, Enter to apply, Esc to cancel
 * (which clears the filter). Sets *relist when the list's filter changed. */
struct action prompt_key(struct prompt *p, struct listmodel *list, int ch, bool *relist);

#endif
