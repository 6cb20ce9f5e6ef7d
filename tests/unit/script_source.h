/* script_source.h — a source (proc/source.h) that plays a script instead
 * of reading /proc, for the tests of the monitor and the screens: a leaker
 * growing 512 KiB every 2 s tick and a flat process, on a clock that starts
 * at 1000 s. It can only tick, watch cgroups and close, as a recording
 * could; the other calls are left out on purpose. SCRIPT_CGROUP names a
 * cgroup for the screens' tests.
 */
#ifndef MEMTOP_TEST_SCRIPT_SOURCE_H
#define MEMTOP_TEST_SCRIPT_SOURCE_H

#include <errno.h>
#include <string.h>

#include "model/monitor.h"

#define LEAKER 100
#define FLAT 200
#define SCRIPT_CGROUP "/leaker.scope"

struct script {
	int ticks, closed;
	struct proc_sample s[2];
	const struct proc_sample *p[2];
	int watched[MONITOR_CG_WATCH_MAX];
	size_t nwatched;
};

static char script_empty[] = "";

__attribute__((unused)) static int script_tick(void *impl, struct snapshot *out)
{
	struct script *sc = impl;
	double t = 1000.0 + 2.0 * sc->ticks;
	uint64_t grown = 512u * (uint64_t)sc->ticks;

	sc->s[0] = (struct proc_sample){ .pid = LEAKER, .start_ticks = 5, .rss_kb = 20000 + grown,
					 .anon_kb = 10000 + grown, .comm = "leaker", .user = "u",
					 .cmdline = script_empty, .cgroup = script_empty, .exe = script_empty };
	sc->s[1] = (struct proc_sample){ .pid = FLAT, .start_ticks = 6, .rss_kb = 30000, .anon_kb = 9000,
					 .comm = "flat", .user = "u", .cmdline = script_empty, .cgroup = script_empty,
					 .exe = script_empty };
	sc->p[0] = &sc->s[0];
	sc->p[1] = &sc->s[1];
	*out = (struct snapshot){ .procs = sc->p, .nprocs = 2 };
	out->sys = (struct sys_sample){ .wall_time = 1.7e9 + t, .mono_time = t, .have_meminfo = true,
					.total_kb = 8u << 20, .free_kb = 4u << 20,
					.available_kb = (6u << 20) - grown };
	sc->ticks++;
	return 0;
}

static void script_close(void *impl)
{
	((struct script *)impl)->closed++;
}

static int script_watch(void *impl, const int *pids, size_t n)
{
	struct script *sc = impl;

	sc->nwatched = n < MONITOR_CG_WATCH_MAX ? n : MONITOR_CG_WATCH_MAX;
	memcpy(sc->watched, pids, sc->nwatched * sizeof *pids);
	return 0;
}

// Only what a recording could do: ticks, the cgroup watch, closing.
__attribute__((unused)) static const struct source_ops script_ops = {
	.name = "script", .tick = script_tick, .close = script_close,
	.set_cgroup_watch = script_watch,
};

#endif
