/* view_detail.h — the detail view as a screen: one process in depth
 * (identity, memory breakdown, OOM, cgroup, leak verdict, history graphs)
 * and its mappings from smaps, to see which one grows. Its state is a
 * struct detail (ui/detail.h) of its own; it is opened with ACTION_OPEN
 * naming the process (pid, start_ticks). Esc, q, Backspace or Left go
 * back. */
#ifndef MEMTOP_VIEW_DETAIL_H
#define MEMTOP_VIEW_DETAIL_H

#include "ui/detail.h"
#include "ui/screen.h"

extern const struct screen screen_detail;

#endif
