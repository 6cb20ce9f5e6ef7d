/* view_check.h — the checkup panel (R on the process list): what memtop
 * --check finds on this machine, each finding with its severity, why it
 * matters to a slow leak, the fix and the values it was judged on, and the
 * rules that could not be checked; scrollable.
 *
 * Contract: the findings are read through the monitor (monitor_checkup)
 * when the panel is entered and when R is pressed in it, never on a tick.
 * A recording has no machine to ask: the panel says so. Lines are wrapped
 * at word boundaries to the terminal's width on each draw.
 */
#ifndef MEMTOP_VIEW_CHECK_H
#define MEMTOP_VIEW_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "model/checkup.h"
#include "ui/screen.h"

/* One line of the panel: a slice of a finding's text. */
struct check_line {
	const char *s;             // into the checkup result or a static string
	size_t len;
	int indent;                // columns before it
	int role;                  // enum ui_role, or -1: plain
	bool same_row;             // drawn on the row of the line before (a label's text)
};

struct check_screen {
	struct checkup *result;    // owned; NULL before the first read
	int err;                   // the last read's: 0 or -errno
	char errmsg[128];          // what the panel says of err
	unsigned reads;            // how many times the facts were read
	struct check_line *lines;  // wrapped for cols (owned)
	size_t nlines, cap;
	int cols;                  // the width lines were wrapped for; 0: wrap again
	size_t top;                // the first line shown
};

/* Its state is screen_check.state, a struct check_screen. */
extern const struct screen screen_check;

/* Wraps the result to cols columns into v->lines (for the tests too). */
void check_screen_layout(struct check_screen *v, int cols, bool utf8);

#endif
