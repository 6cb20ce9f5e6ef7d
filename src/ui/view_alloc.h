/* view_alloc.h — the allocation-sites screen (a in the detail view, issue
 * 22): one process's outstanding heap allocations grouped by the user stack
 * that made them (the monitor's m->alloc, model/allocsites.h), suspects
 * first, with the selected stack's frames below the table.
 *
 * Contract: entered with ACTION_OPEN naming the process (pid, start_ticks),
 * it attaches (monitor_alloc_start with the context's alloc options and
 * time limit); a failed attach leaves m->alloc FAILED and the screen shows
 * its line. Each tick reads the session once (monitor_alloc_poll). Leaving
 * detaches (monitor_alloc_stop), except for its help, which comes back to
 * the same session; a, Esc, q, Backspace or Left return to the screen it
 * was opened from (the detail view) for the process. It draws m->alloc and nothing else (the process's name
 * from the monitor's table): a test may fill m->alloc by hand. A selection
 * moved off the top row follows its stack across readings (by stack id);
 * on the top row it stays there, on the worst suspect.
 */
#ifndef MEMTOP_VIEW_ALLOC_H
#define MEMTOP_VIEW_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proc/snapshot.h"
#include "ui/screen.h"

struct alloc_screen {
	struct monitor *mon;            // the one entered with (leave detaches its session)
	const struct screen *back;      // the screen it was opened from (the detail view),
	                                // opened again for the process on leaving; NULL: the list
	int pid;
	uint64_t start_ticks;
	char comm[SNAPSHOT_COMM_MAX];   // the process's name when entered ("" unknown)
	size_t sel, top;                // the selected row, the first row on screen
	int32_t sel_id;                 // the selected row's stack id; -1 none
	const struct alloc_stack *sel_stack;   // ... and its stack (an id of -1 is matched by it)
	bool chosen;                    // the user moved the selection off the top row: it
	                                // follows its stack (else it stays on the top row)
	bool full_stack;                // Enter: the selected stack over the whole screen
	bool keep;                      // leaving for help: the session stays attached
};

/* Its state is screen_alloc.state, a struct alloc_screen. */
extern const struct screen screen_alloc;

/* The row's site: the first frame of its stack that is not an allocator's
 * wrapper (operator new, strdup, ... : the allocator libraries' own frames
 * and a few known wrappers), the innermost when all are; NULL without a
 * stack. For the tests. */
const struct alloc_frame *alloc_screen_site(const struct alloc_stack *st);

#endif
