/* detail.c — the detail view's state: one process's last sample (kept when
 * it exits), its whole command line, its RSS history, and its mappings,
 * read through the monitor at the pace what a read costs allows. */
#include "ui/detail.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/pace.h"
#include "ui/ui.h"

// Copies what the detail view shows of a process, so it outlives the process.
static void detail_copy(struct detail *dt, const struct proc *p)
{
	dt->last = *p->s;
	snprintf(dt->comm, sizeof dt->comm, "%s", p->s->comm);
	snprintf(dt->cgroup, sizeof dt->cgroup, "%s", p->s->cgroup);
	dt->last.comm = dt->comm;
	dt->last.cmdline = dt->cmdline ? dt->cmdline : "";
	dt->last.cmdline_cut = dt->cmdline_cut;
	dt->last.cgroup = dt->cgroup;
	if (!dt->last.cmdline[0])
		dt->cmd_wrap_cols = 0;       // the name shows instead: it may have changed
	dt->verdict = p->verdict;
	dt->eta_s = p->eta_s;
	dt->have_hist = p->leak != NULL;
	if (p->leak)
		dt->hist = p->leak->hist;
	dt->flat_sig_kb = p->flat_sig_kb;
}

// Makes text (which it takes over) the detail view's command line; an
// unchanged one is dropped instead, so its wrapping and scrolling stay.
static void detail_set_cmdline(struct detail *dt, char *text, bool cut)
{
	if (dt->cmdline && cut == dt->cmdline_cut && strcmp(text, dt->cmdline) == 0) {
		free(text);
		return;
	}
	free(dt->cmdline);
	dt->cmdline = text;
	dt->cmdline_cut = cut;
	dt->last.cmdline = text;
	dt->last.cmdline_cut = cut;
	dt->cmd_wrap_cols = 0;
}

// Frees the detail view's command line and its wrapping.
static void detail_release(struct detail *dt)
{
	free(dt->cmdline);
	free(dt->cmd_wrap);
	dt->cmdline = NULL;
	dt->cmd_wrap = NULL;
	dt->cmd_nwrap = 0;
	dt->cmd_wrap_cols = 0;
	dt->last.cmdline = "";
}

// Monotonic time in seconds.
static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Marks the detail view's process gone: its last data stays on screen.
static void detail_exited(struct detail *dt)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	dt->exited = true;
	dt->exit_uptime = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Hands a piece of a streamed smaps read to the mapping table.
static int detail_maps_sink(void *ctx, const struct smaps *piece)
{
	return maptable_add(ctx, piece);
}

// Reads the detail view's process with its smaps, streamed into the mapping
// table, and times the read (with the table's sorting) for the pace.
static void detail_read_maps(struct detail *dt, struct monitor *mon)
{
	double start = mono_now();

	dt->d.maps_sink = detail_maps_sink;
	dt->d.maps_ctx = &dt->mt;
	maptable_begin(&dt->mt);
	// A source without mappings (a recording) says so in d.err, for the view.
	if (monitor_read_detail(mon, dt->pid, dt->start_ticks, &dt->d) == -ENOTSUP)
		dt->d.err = -ENOTSUP;
	// A process that exited but is not reaped yet is a zombie with no
	// memory: keep what it had rather than showing zeros.
	if (dt->d.exited || (dt->d.state == 'Z' && dt->have_maps))
		return;
	// A read that failed part way shows what it read, as one cut short would.
	if (dt->d.err == 0 || dt->mt.adding) {
		if (maptable_end(&dt->mt) < 0 || (!dt->have_maps && dt->d.err == 0 &&
						  maptable_take_base(&dt->mt) < 0))
			ui_fatal("out of memory");
		dt->have_maps = dt->have_maps || dt->d.err == 0;
	}
	dt->maps_started = start;
	dt->maps_cost = mono_now() - start;
}

// The whole command line, not the list's copy cut at 32 KiB: read at each
// refresh, as it changes with an exec. A source that cannot (a recording)
// has the list's.
static void detail_read_cmdline(struct detail *dt, struct monitor *mon, const struct proc *p)
{
	char *text;
	bool cut;
	int rc = monitor_read_cmdline(mon, dt->pid, dt->start_ticks, &text, &cut);

	if (rc == -ENOTSUP) {
		if (!(text = strdup(p->s->cmdline)))
			ui_fatal("out of memory");
		cut = p->s->cmdline_cut;
	} else if (rc != 0) {
		return;
	}
	detail_set_cmdline(dt, text, cut);
}

// Adds the process's RSS now to its graph; a clock that went back (a
// replay moved back in time) starts the graph again.
static void detail_push_rss(struct detail *dt, double t, uint64_t rss_kb)
{
	if (t < dt->rss_last_t)
		history_init(&dt->rss_hist);
	dt->rss_last_t = t;
	history_push(&dt->rss_hist, t, (uint32_t)(rss_kb < UINT32_MAX ? rss_kb : UINT32_MAX - 1));
}

void detail_refresh(struct detail *dt, struct monitor *mon, double interval_s)
{
	const struct proc *p = proctable_find(&mon->table, dt->pid);

	// A recording moves both ways: a process gone at one sample is there
	// at an earlier one.
	if (dt->exited && !dt->replay)
		return;
	if (!p || p->start_ticks != dt->start_ticks) {
		detail_exited(dt);
		return;
	}
	dt->exited = false;
	if (p->exec_gen != dt->exec_gen) {
		// A new program, a new address space: its mappings' changes and
		// its RSS graph start again rather than comparing with the old one.
		dt->exec_gen = p->exec_gen;
		dt->have_maps = false;
		dt->mt.nbase = 0;            // maptable_take_base appends
		dt->sel = dt->top = 0;
		history_init(&dt->rss_hist);
	}
	if (!dt->have_maps || pace_due(mono_now(), pace_next_due(dt->maps_started, dt->maps_cost,
								   interval_s), interval_s))
		detail_read_maps(dt, mon);
	else
		monitor_read_detail_state(mon, dt->pid, dt->start_ticks, &dt->d);
	if (dt->d.exited || (dt->d.state == 'Z' && dt->have_maps)) {
		detail_exited(dt);
		return;
	}
	detail_read_cmdline(dt, mon, p);
	detail_copy(dt, p);
	detail_push_rss(dt, mon->snap.sys.mono_time, p->s->rss_kb);
}

void detail_close(struct detail *dt)
{
	bool grouped = dt->mt.grouped;
	enum map_sort sort = dt->mt.sort;

	detail_release(dt);
	maptable_free(&dt->mt);
	proc_detail_free(&dt->d);
	dt->mt.grouped = grouped;     // kept for the next detail view
	dt->mt.sort = sort;
	dt->have_maps = false;
#ifdef __GLIBC__
	// The table's arrays were freed, but a process with many mappings
	// leaves much of the heap free in small chunks, which glibc keeps
	// unless asked: hand it back to the system.
	malloc_trim(0);
#endif
}

void detail_free(struct detail *dt)
{
	maptable_free(&dt->mt);
	detail_release(dt);
	proc_detail_free(&dt->d);
}

void detail_open(struct detail *dt, struct monitor *mon, const struct proc *p, double interval_s)
{
	char *copy = strdup(p->s->cmdline);   // until the whole one is read

	if (!copy)
		ui_fatal("out of memory");
	detail_release(dt);
	detail_set_cmdline(dt, copy, p->s->cmdline_cut);
	dt->cmd_expanded = false;
	dt->cmd_top = 0;
	dt->pid = p->pid;
	dt->start_ticks = p->start_ticks;
	dt->exec_gen = p->exec_gen;
	dt->exited = dt->have_maps = false;
	dt->replay = monitor_timeline(mon, &(struct source_timeline){ 0 });
	history_init(&dt->rss_hist);
	dt->rss_last_t = 0;
	detail_copy(dt, p);         // shown even if the first read finds it gone
	dt->sel = dt->top = 0;
	dt->mt.nbase = 0;
	dt->maps_started = dt->maps_cost = 0;
	detail_refresh(dt, mon, interval_s);
}

