/* report_run.c — memtop --report: the period, the loop over the recorded
 * samples through the monitor, progress while it reads, the report out. */
#include "output/report_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output/batch.h"
#include "store/policy.h"
#include "store/replay.h"
#include "util/timeexpr.h"

// ---- the period ------------------------------------------------------------------

// One end of the period: s against ref, or dflt when not given.
static int period_end(const char *name, const char *s, double ref, double dflt, double *out, char *err,
		      size_t errlen)
{
	char why[200];

	if (!s) {
		*out = dflt;
		return 0;
	}
	if (timeexpr_parse(s, ref, out, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s %s: %s", name, s, why);
		return -1;
	}
	return 0;
}

// The period against ref; -1 (and why in err) when an end is invalid or
// --since is after --until.
static int period_resolve(const struct options *opts, double ref, double *since, double *until, char *err,
			  size_t errlen)
{
	if (period_end("--since", opts->since, ref, -INFINITY, since, err, errlen) < 0 ||
	    period_end("--until", opts->until, ref, INFINITY, until, err, errlen) < 0)
		return -1;
	if (*since > *until) {
		snprintf(err, errlen, "--since %s is after --until %s", opts->since, opts->until);
		return -1;
	}
	return 0;
}

// Checks the period before the recording is opened, as far as it can be:
// the syntax, and the order of two ends whose order does not depend on the
// recording (they lie as far apart against two different references:
// "@1700000000" and "@1600000000", "-1h" and "-2h").
static int period_precheck(const struct options *opts, char *err, size_t errlen)
{
	double ref = (double)time(NULL), s1, u1, s2, u2;

	if (period_end("--since", opts->since, ref, -INFINITY, &s1, err, errlen) < 0 ||
	    period_end("--until", opts->until, ref, INFINITY, &u1, err, errlen) < 0)
		return -1;
	ref -= 3.5 * 86400;
	period_end("--since", opts->since, ref, -INFINITY, &s2, err, errlen);
	period_end("--until", opts->until, ref, INFINITY, &u2, err, errlen);
	if (isfinite(s1) && isfinite(u1) && u1 - s1 == u2 - s2 && s1 > u1) {
		snprintf(err, errlen, "--since %s is after --until %s", opts->since, opts->until);
		return -1;
	}
	return 0;
}

// ---- progress ------------------------------------------------------------------------

static double mono_now(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// How far through the period a sample is: by samples when the period runs
// to the recording's end, by time when it stops before.
static double progress_fraction(const struct report_progress *p, const struct source_timeline *tl)
{
	if (p->end_t >= tl->last_t && tl->count > p->i0 + 1)
		return (double)(tl->index - p->i0) / (double)(tl->count - 1 - p->i0);
	return p->end_t > p->t0 ? (tl->at_t - p->t0) / (p->end_t - p->t0) : 1;
}

static void progress_update(struct report_progress *p, const struct monitor *m)
{
	struct source_timeline tl;
	double now;

	if (!p->f || !monitor_timeline(m, &tl))
		return;
	now = p->now(p->ctx);
	if (now - p->start < REPORT_PROGRESS_AFTER_S || now - p->last < REPORT_PROGRESS_EVERY_S)
		return;
	p->last = now;
	p->shown = true;
	fprintf(p->f, "\rmemtop: reading %s: %3.0f%%", p->name, 100 * fmin(1, fmax(0, progress_fraction(p, &tl))));
	fflush(p->f);
}

static void progress_end(struct report_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", p->f);
}

// ---- the run ---------------------------------------------------------------------------

// Puts the monitor on the period's first sample (at or before since; the
// collector skips one before). 0, or -errno.
static int report_seek(struct monitor *m, double since, const struct source_timeline *tl)
{
	int rc = since > tl->first_t ? monitor_move(m, SOURCE_MOVE_TIME, since)
				     : monitor_move(m, SOURCE_MOVE_FIRST, 0);

	if (rc == -ERANGE)
		rc = monitor_move(m, SOURCE_MOVE_FIRST, 0);
	if (rc == 1)                      // already there: nothing was ticked
		rc = monitor_tick(m);
	return rc < 0 ? rc : m->source_err;
}

int report_collect(struct report *r, struct monitor *m, double since, double until, struct report_progress *pg)
{
	struct source_timeline tl;
	int rc;

	pg->start = pg->f ? pg->now(pg->ctx) : 0;
	pg->shown = false;
	monitor_timeline(m, &tl);
	if ((rc = report_seek(m, since, &tl)) < 0)
		return rc;
	monitor_timeline(m, &tl);
	pg->i0 = tl.index;
	pg->t0 = tl.at_t;
	pg->last = -INFINITY;
	// A recording still being written grows while it is read: the period
	// ends at the newest sample there was when the report started.
	until = fmin(until, tl.last_t);
	pg->end_t = until;
	while (m->snap.sys.wall_time <= until) {
		if ((rc = report_tick(r, m)) < 0)
			break;
		progress_update(pg, m);
		rc = monitor_move(m, SOURCE_MOVE_STEP, 1);
		if (rc == 1 || rc == -ERANGE) {   // the recording's end
			rc = 0;
			break;
		}
		if (rc < 0 || (rc = m->source_err) < 0)
			break;
	}
	progress_end(pg);
	return rc;
}

// The exit status of a finished report: the write, then --fail-on-leak.
static int report_finish(const struct options *opts, const struct report *r, FILE *out, FILE *msgs)
{
	int rc = report_write(r, opts->format, out);

	if (rc < 0)
		return rc;
	if (opts->fail_on_leak && report_has_leak(r)) {
		fprintf(msgs, "memtop: the period has a suspected leak\n");
		return EXIT_LEAK_SUSPECTED;
	}
	return 0;
}

int report_run(const struct options *opts, struct source recorded, const struct report_cgroup_feed *feed,
	       FILE *out, FILE *msgs)
{
	static struct monitor m;            // a sysmodel's rings: not on the stack
	const char *name = opts->report_path ? opts->report_path : "the recording";
	struct report_progress pg = { .f = isatty(fileno(msgs)) ? msgs : NULL, .now = mono_now, .name = name };
	struct source_timeline tl = { .count = 0 };
	struct report *r = NULL;
	double since, until;
	char err[320];
	int status = 0, rc;

	monitor_open_source(&m, recorded, opts->sensitivity);
	bool recorded_source = monitor_timeline(&m, &tl);

	if (!recorded_source || tl.count == 0) {
		fprintf(msgs, "memtop: %s: %s\n", name, recorded_source ? "no samples recorded" : "not a recording");
		monitor_close(&m);
		return 2;
	}
	if (period_resolve(opts, tl.last_t, &since, &until, err, sizeof err) < 0) {
		fprintf(msgs, "memtop: %s\n", err);
		status = 2;
	} else if (since > tl.last_t || until < tl.first_t) {
		char a[24], b[24];

		fprintf(msgs, "memtop: no samples in the period: %s holds %s to %s\n", name,
			report_fmt_time(tl.first_t, a, sizeof a), report_fmt_time(tl.last_t, b, sizeof b));
		status = 2;
	} else if (!(r = report_new(&(struct report_config){ .since = since, .until = until,
							    .no_cmdline = opts->no_cmdline,
							    .sens = opts->sensitivity, .source_name = name,
							    .cgroup_step_s = RECORD_CGROUP_EVERY_S }))) {
		fprintf(msgs, "memtop: out of memory\n");
		status = 1;
	} else if ((rc = report_collect(r, &m, since, until, &pg)) < 0 ||
		   (feed && feed->feed &&
		    ((rc = feed->feed(feed->ctx, r, since - leak_tier_span_s(HISTORY_TIERS - 1), until)) < 0 ||
		     (rc = report_cgroups_end(r)) < 0))) {
		fprintf(msgs, "memtop: cannot read %s: %s\n", name, strerror(-rc));
		status = 1;
	} else {
		status = report_finish(opts, r, out, msgs);
	}
	report_free(r);
	monitor_close(&m);
	return status;
}

// ---- memtop --report FILE ------------------------------------------------------------------

/* One feed of the recording's cgroup rows into a report. */
struct cgroup_rows {
	struct report *r;
	int rc;                      // the first error of report_cgroup_sample
};

static void cgroup_row(void *ctx, const char *path, double t, uint64_t usage_kb, bool have_limit,
		       uint64_t limit_kb)
{
	struct cgroup_rows *cr = ctx;
	int rc = report_cgroup_sample(cr->r, path, t, usage_kb, have_limit, limit_kb);

	if (rc < 0 && cr->rc == 0)
		cr->rc = rc;
}

// The report's cgroup feed over a recorded source (ctx): its cgroup rows.
static int feed_cgroups(void *ctx, struct report *r, double from_t, double to_t)
{
	struct cgroup_rows cr = { .r = r };
	int rc = replay_cgroup_series(ctx, from_t, to_t, cgroup_row, &cr);

	return rc < 0 ? rc : cr.rc;
}

int report_main(const struct options *opts)
{
	struct replay_options ro = {
		.start_t = 0,                  // at the first sample, not following
		.progress = isatty(STDERR_FILENO) ? stderr : NULL,
	};
	struct source src;
	char err[512];

	if (period_precheck(opts, err, sizeof err) < 0 ||
	    replay_open(&src, opts->report_path, &ro, err, sizeof err) < 0) {
		fprintf(stderr, "memtop: %s\n", err);
		return 2;
	}
	// The source is the monitor's from here; the feed reads it before
	// report_run closes it.
	struct source feed_src = src;
	struct report_cgroup_feed feed = { .feed = feed_cgroups, .ctx = &feed_src };

	return report_run(opts, src, &feed, stdout, stderr);
}
