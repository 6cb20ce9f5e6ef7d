/* view_memory.h — where the memory went (m on the process list): one row
 * per part of MemTotal (anonymous, page cache, buffers, shmem, slab,
 * kernel stacks, page tables, vmalloc, percpu, HugeTLB, unaccounted) with
 * indented sub-rows (Shmem: its tmpfs mounts, SysV segments and the rest;
 * Slab: reclaimable, unreclaimable, the largest caches), each with SIZE,
 * GROWTH, TREND and LEAK from the processes' detector, and a total line
 * that sums to MemTotal (model/memmodel.h).
 *
 * Contract: the screen reads the monitor's memory model (mon->mem) and
 * only reads it; its rows are rebuilt on enter and after each refresh.
 * While shown it asks the source to read the breakdown's lists at every
 * tick, and back to every MONITOR_BREAKDOWN_EVERY_S when it leaves. Names
 * (mount points, cache names) arrive sanitised and are fitted to their
 * column by display width.
 */
#ifndef MEMTOP_VIEW_MEMORY_H
#define MEMTOP_VIEW_MEMORY_H

#include <stddef.h>

#include "model/memmodel.h"
#include "ui/screen.h"

struct memory_screen {
	struct monitor *mon;              // the one entered with (leave restores its reading pace)
	struct mem_row *rows;             // MEMMODEL_ROWS_MAX, allocated at the first enter
	size_t nrows;
	size_t sel, top;                  // selected row, first row on screen
	int rows_y;                       // screen line of the first row
};

/* Its state is screen_memory.state, a struct memory_screen. */
extern const struct screen screen_memory;

#endif
