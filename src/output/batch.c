/* batch.c — the batch-mode loop over the shared pipeline:
 * sampler → snapshot → proctable → output, and/or → recording (-w). */
#include "output/batch.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export/exporter.h"
#include "model/monitor.h"
#include "output/output.h"
#include "store/recorder.h"
#include "util/mathutil.h"

static volatile sig_atomic_t stop_requested, reopen_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_hangup(int sig)
{
	(void)sig;
	reopen_requested = 1;
}

// SIGINT/SIGTERM only set a flag; the sleep below is interrupted and the
// loop ends after a complete tick, so no half-written line (or recording
// transaction) is left behind. A recorder also takes SIGHUP: reopen the file
// (it was rotated) before the next tick.
void batch_catch_signals(bool recording)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (recording) {
		sa.sa_handler = on_hangup;
		sigaction(SIGHUP, &sa, NULL);
	}
}

bool batch_stopping(void)
{
	return stop_requested;
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

// Names every suspected cgroup on stderr; returns how many there are.
static size_t report_cgroup_leaks(const struct cgtable *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct cgroup_row *r = &t->v[i];

		if (!r->verdict.suspected)
			continue;
		n++;
		fprintf(stderr, "memtop: leak suspected: cgroup %s (%s, %zu processes) growing %+.1f KiB/min "
			"for %.0f s, confidence %.0f%%\n", r->path, r->label, r->nprocs, r->verdict.rate_kb_per_min,
			r->verdict.since_s, r->verdict.score * 100);
	}
	return n;
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

// -o FILE: replaces the file with the tick. A failure is said once (and
// the recovery), and the run goes on: 0.
static int replace_out_file(const struct options *opts, const struct output_tick *out, bool *failing)
{
	int rc = output_replace_file(opts->out_path, opts->format, out);

	if (rc && !*failing)
		fprintf(stderr, "memtop: cannot write %s: %s (it keeps the last sample written; trying "
			"again at each sample)\n", opts->out_path, strerror(rc));
	else if (!rc && *failing)
		fprintf(stderr, "memtop: %s written again\n", opts->out_path);
	*failing = rc != 0;
	return 0;
}

// --listen: hands the tick to the endpoint. Out of memory, it serves the
// sample before: said once, and again when it serves new ones.
static void publish_tick(struct exporter *exp, const struct monitor *m, bool *failing)
{
	bool failed = exporter_publish(exp, m) < 0;

	if (failed && !*failing)
		fputs("memtop: metrics: out of memory: the endpoint serves the last sample it had\n", stderr);
	else if (!failed && *failing)
		fputs("memtop: metrics: the endpoint serves new samples again\n", stderr);
	*failing = failed;
}

// Hands the tick to the recorder (reopening the file first after a SIGHUP).
// Returns 0, or 1 when the recording cannot go on (said on stderr).
static int record_tick(struct recorder *rec, struct monitor *m)
{
	char err[512];

	if (reopen_requested) {
		reopen_requested = 0;
		if (recorder_reopen(rec, err, sizeof err) < 0) {
			fprintf(stderr, "memtop: %s\n", err);
			return 1;
		}
	}
	return recorder_write(rec, m) < 0 ? 1 : 0;
}

// Whether the records printed name the OOM kills (and their counters):
// JSON Lines and the table do; CSV's rows are processes, and --cgroups
// prints the cgroup table instead.
static bool prints_oom(const struct options *opts)
{
	return opts->batch && (opts->format == FORMAT_JSON || (opts->format == FORMAT_TABLE && !opts->cgroups));
}

// Opens the monitor over what the run reads: a recording, or this machine
// (with a recording's past, when there is one). 0, or -1 (said on stderr).
static int open_monitor(struct monitor *m, const struct options *opts, struct run_sources *src)
{
	struct source_config cfg = {
		.pids = opts->pids, .npids = opts->npids, .listed_detail = true,
		// The OOM kills: the counter (/proc/vmstat, which any user may
		// read) and the kernel log's reports (root). A recording keeps
		// each executable too.
		.system_counters = true, .oom_log = true, .read_exe = opts->write_path != NULL,
		// --cgroups: the cgroups once a second (each interval when
		// longer); a recording and the endpoint every MONITOR_CGROUP_EVERY_S.
		.cgroup_every_s = opts->cgroups ? MONITOR_CGROUP_VIEW_S :
				  opts->write_path || opts->listen ? MONITOR_CGROUP_EVERY_S : 0,
		// --breakdown: its lists at every tick.
		.breakdown_every_s = opts->breakdown ? MONITOR_BREAKDOWN_VIEW_S : 0,
	};
	char err[256];

	if (src->recorded.ops) {
		monitor_open_source(m, src->recorded, opts->sensitivity);
		src->recorded = (struct source){ 0 };
		return 0;
	}
	if (monitor_open(m, &cfg, opts->sensitivity, err, sizeof err) < 0) {
		fprintf(stderr, "memtop: %s\n", err);
		return -1;
	}
	if (src->history.ops) {
		monitor_set_history(m, src->history);
		src->history = (struct source){ 0 };
	}
	return 0;
}

// Samples the next moment: live, a tick; a recording, its next sample
// (the first tick starts where it was opened). 1 when a recording has no
// more.
static int next_moment(struct monitor *m, unsigned long tick, bool recorded)
{
	int rc;

	if (!recorded || tick == 0)
		return monitor_tick(m);
	rc = monitor_move(m, SOURCE_MOVE_STEP, 1);
	return rc == 1 ? 1 : rc;
}

int batch_run(const struct options *opts, struct run_sources *src, struct exporter *exp)
{
	static struct monitor m;            // a sysmodel's rings: not on the stack
	struct recorder *rec = NULL;
	struct timespec deadline;
	bool recorded = src->recorded.ops != NULL;
	double last_mono = -1;
	bool out_failing = false, publish_failing = false;
	char errbuf[PATH_MAX + 128];
	int status = 0;

	if (opts->out_path && output_check_replaceable(opts->out_path, errbuf, sizeof errbuf) < 0) {
		fprintf(stderr, "memtop: %s\n", errbuf);
		sources_close(src);
		return 2;
	}
	if (opts->write_path && !(rec = sources_open_recorder(opts, stderr))) {
		sources_close(src);
		return 2;
	}
	if (open_monitor(&m, opts, src) < 0) {
		sources_close(src);
		recorder_close(rec);
		return 1;
	}
	batch_catch_signals(rec != NULL);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	for (unsigned long tick = 0; !stop_requested; tick++) {
		struct output_tick out = { .snap = &m.snap, .table = &m.table,
					   .interval_s = opts->interval_s, .index = tick,
					   .sort_key = (enum sort_key)opts->sort_key, .sys = &m.sys,
					   .cgroups = opts->cgroups ? &m.cgroups : NULL,
					   .oom = prints_oom(opts) ? &m.oom : NULL,
					   .metrics = { .top = opts->export_top, .cmdline = opts->export_cmdline },
					   .breakdown = opts->breakdown ? &m.mem : NULL };
		int rc = next_moment(&m, tick, recorded);

		if (rc == 1)
			break;                      // the recording's last sample was printed
		if (m.source_err < 0)
			rc = m.source_err;
		if (rc < 0) {
			fprintf(stderr, "memtop: cannot %s: %s\n", recorded ? "read the recording" : "sample /proc",
				strerror(-rc));
			status = 1;
			break;
		}
		if (tick == 0 && opts->npids && m.table.n == 0) {
			fprintf(stderr, "memtop: none of the given processes exists\n");
			status = 1;
			break;
		}
		out.elapsed_s = last_mono < 0 ? -1 : m.snap.sys.mono_time - last_mono;
		// A recording's interval is what it was recorded at, not -d.
		if (recorded)
			out.interval_s = out.elapsed_s > 0 ? out.elapsed_s : 0;
		last_mono = m.snap.sys.mono_time;
		// A tick that cannot be written ends the run at once: no more
		// sampling for output that is lost (EPIPE, ENOSPC, a closed stdout).
		// A file replaced at each tick (-o) is another matter: it keeps
		// the last sample written, and the next tick tries again.
		int werr = !opts->batch ? 0 : opts->out_path ? replace_out_file(opts, &out, &out_failing) :
			   output_write(stdout, opts->format, &out);

		if (werr) {
			status = -werr;
			break;
		}
		if (rec && record_tick(rec, &m) != 0) {
			status = 1;
			break;
		}
		if (exp)
			publish_tick(exp, &m, &publish_failing);
		if (opts->count && tick + 1 >= (unsigned long)opts->count)
			break;
		if (!recorded)
			wait_next_tick(&deadline, opts->interval_s);
	}
	// Both lists are named, then the status given once.
	if (status == 0 && opts->fail_on_leak &&
	    (report_leaks(&m.table) + (opts->cgroups ? report_cgroup_leaks(&m.cgroups) : 0)) > 0)
		status = EXIT_LEAK_SUSPECTED;
	recorder_close(rec);
	monitor_close(&m);
	sources_close(src);
	return status;
}
