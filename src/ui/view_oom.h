/* view_oom.h — the OOM kill screen (o from the list): every kill the kernel
 * log reported since boot (the monitor's oomlog), newest first, those since
 * memtop started marked with *, each with memtop's prediction, and the
 * selected kill's parsed report below; without the log (not root), the
 * counters and why.
 *
 * Contract: draws the monitor's oomlog from the context; reads nothing
 * else. Its keys move the selection or return ACTION_BACK / help. The
 * selection stays on its kill as new ones arrive above it (tick).
 */
#ifndef MEMTOP_VIEW_OOM_H
#define MEMTOP_VIEW_OOM_H

#include <stddef.h>
#include <stdint.h>

#include "ui/screen.h"

struct oom_screen {
	size_t sel;                // the selected kill, 0 the newest (oomlog_get)
	size_t top;                // the first row shown
	uint64_t seen_serial;      // the log's newest serial when sel was last placed
};

/* Its state is screen_oom.state, a struct oom_screen. */
extern const struct screen screen_oom;

#endif
