/* batch.c — the batch-mode loop over the shared pipeline:
 * sampler → snapshot → proctable → output. */
#include "output/batch.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "model/monitor.h"
#include "output/output.h"
#include "util/mathutil.h"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

// SIGINT/SIGTERM only set a flag; the sleep below is interrupted and the
// loop ends after a complete tick, so no half-written line is left behind.
static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

// Adds seconds to a timespec.
static struct timespec timespec_add(struct timespec t, double seconds)
{
	double whole = (double)floor_i64(seconds);

	t.tv_sec += (time_t)whole;
	t.tv_nsec += (long)((seconds - whole) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static int timespec_before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

// Sleeps until the deadline (absolute, monotonic) or a stop request. Ticks
// that were missed (the machine was suspended, or a tick overran) are skipped
// instead of being fired back to back.
static void wait_next_tick(struct timespec *deadline, double interval)
{
	struct timespec now;

	*deadline = timespec_add(*deadline, interval);
	clock_gettime(CLOCK_MONOTONIC, &now);
	while (timespec_before(*deadline, now))
		*deadline = timespec_add(*deadline, interval);
	while (!stop_requested &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL) == EINTR)
		;
}

// Names every suspected leak on stderr; returns how many there are.
static size_t report_leaks(const struct proctable *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct proc *p = &t->v[i];

		if (!p->verdict.suspected)
			continue;
		n++;
		fprintf(stderr, "memtop: leak suspected: pid %d (%s) growing %+.1f KiB/min for %.0f s, "
			"confidence %.0f%%: %s%s\n", p->pid, p->s->comm, p->verdict.rate_kb_per_min,
			p->verdict.since_s, p->verdict.score * 100, p->s->cmdline,
			p->s->cmdline_cut ? "..." : "");
	}
	return n;
}

int batch_run(const struct options *opts)
{
	struct source_config cfg = {
		.pids = opts->pids, .npids = opts->npids, .listed_detail = true,
	};
	static struct monitor m;            // a sysmodel's rings: not on the stack
	struct timespec deadline;
	double last_mono = -1;
	char err[256];
	int status = 0;

	if (monitor_open(&m, &cfg, opts->sensitivity, err, sizeof err) < 0) {
		fprintf(stderr, "memtop: %s\n", err);
		return 1;
	}
	install_signals();
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	for (unsigned long tick = 0; !stop_requested; tick++) {
		struct output_tick out = { .snap = &m.snap, .table = &m.table,
					   .interval_s = opts->interval_s, .index = tick,
					   .sort_key = (enum sort_key)opts->sort_key, .sys = &m.sys };
		int rc = monitor_tick(&m);

		if (m.source_err < 0)
			rc = m.source_err;
		if (rc < 0) {
			fprintf(stderr, "memtop: cannot sample /proc: %s\n", strerror(-rc));
			status = 1;
			break;
		}
		if (tick == 0 && opts->npids && m.table.n == 0) {
			fprintf(stderr, "memtop: none of the given processes exists\n");
			status = 1;
			break;
		}
		out.elapsed_s = last_mono < 0 ? -1 : m.snap.sys.mono_time - last_mono;
		last_mono = m.snap.sys.mono_time;
		// A tick that cannot be written ends the run at once: no more
		// sampling for output that is lost (EPIPE, ENOSPC, a closed stdout).
		int werr = output_write(stdout, opts->format, &out);

		if (werr) {
			status = -werr;
			break;
		}
		if (opts->count && tick + 1 >= (unsigned long)opts->count)
			break;
		wait_next_tick(&deadline, opts->interval_s);
	}
	if (status == 0 && opts->fail_on_leak && report_leaks(&m.table))
		status = 3;
	monitor_close(&m);
	return status;
}
