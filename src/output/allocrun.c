/* allocrun.c — memtop --alloc-sites: attach, read for a while, print, detach. */
#include "output/allocrun.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "model/monitor.h"
#include "output/batch.h"
#include "output/output.h"
#include "util/mathutil.h"
#include "util/text.h"

#define TABLE_FRAMES 3          // frames of a stack the table shows

static const char *state_name(enum allocsites_state s)
{
	switch (s) {
	case ALLOCSITES_ON: return "running";
	case ALLOCSITES_ENDED: return "ended";
	case ALLOCSITES_FAILED: return "failed";
	default: return "off";
	}
}

// The line of how the session tracked: "every allocation", or sampling.
static void tracking_text(const struct alloc_snapshot *l, char *out, size_t cap)
{
	int n;

	if (l->sample_every > 1)
		n = snprintf(out, cap, "1 allocation in %" PRIu32 " tracked: sizes and counts are estimates",
			     l->sample_every);
	else
		n = snprintf(out, cap, "every allocation tracked");
	if (l->min_size && n > 0 && (size_t)n < cap)
		snprintf(out + n, cap - (size_t)n, ", none under %" PRIu64 " bytes", l->min_size);
}

void allocrun_table(FILE *f, const struct allocsites *a)
{
	const struct alloc_snapshot *l = &a->last;
	char total[16], track[160];

	tracking_text(l, track, sizeof track);
	fprintf(f, "memtop --alloc-sites %d: %zu stacks, %s in %" PRIu64 " allocations outstanding, "
		"after %.1f s (%s)\n", a->pid, a->nsites, text_human_bytes(a->total_bytes, total, sizeof total),
		a->total_count, a->t - a->attached_t, state_name(a->state));
	fprintf(f, "allocator: %s; %s%s\n", l->allocator[0] ? l->allocator : "unknown", track,
		l->exe_stripped ? "; the executable is stripped: its frames are file offsets" : "");
	fprintf(f, "calls: %" PRIu64 " allocations, %" PRIu64 " frees; tracked %" PRIu64 ", not tracked "
		"(table full) %" PRIu64 ", stacks lost %" PRIu64 "\n", l->allocs, l->frees, l->tracked,
		l->untracked_full, l->stacks_lost);
	if (a->why[0])
		fprintf(f, "%s\n", a->why);
	fprintf(f, "%8s %9s %8s %8s %10s %-7s %s\n", "BYTES", "COUNT", "OLDEST", "GROWTH", "RATE/s",
		"SUSPECT", "WHERE (innermost first)");
	for (size_t i = 0; i < a->nrows; i++) {
		const struct allocsite_row *r = &a->rows[i];
		char bytes[16], growth[16], rate[16], age[16];
		const struct alloc_stack *st = r->stack;

		if (r->oldest_age_s >= 0)
			snprintf(age, sizeof age, "%.0fs", r->oldest_age_s);
		else
			snprintf(age, sizeof age, "-");
		text_human_delta_bytes((int64_t)r->rate_bytes_s, rate, sizeof rate);
		fprintf(f, "%8s %9" PRIu64 " %8s %8s %10s %-7s ", text_human_bytes(r->bytes, bytes, sizeof bytes),
			r->count, age, text_human_delta_bytes(r->growth_bytes, growth, sizeof growth),
			r->judged ? rate : "-", r->suspect ? "LEAK?" : r->judged ? "no" : "-");
		for (uint32_t k = 0; st && k < st->depth && k < TABLE_FRAMES; k++) {
			char fr[512];

			allocsites_frame_text(&st->frames[k], false, fr, sizeof fr);
			fprintf(f, "%s%s", k ? " < " : "", fr);
		}
		if (!st || !st->depth)
			fprintf(f, "[stack %" PRId32 ": no frames]", st ? st->id : -1);
		else if (st->depth > TABLE_FRAMES)
			fprintf(f, " < ...");
		fputc('\n', f);
	}
	if (a->nrows < a->nsites)
		fprintf(f, "(%zu smaller stacks not shown)\n", a->nsites - a->nrows);
	fflush(f);
}

// A stack's frames as a JSON array.
static void json_stack(FILE *f, const struct alloc_stack *st)
{
	fputc('[', f);
	for (uint32_t k = 0; st && k < st->depth; k++) {
		const struct alloc_frame *fr = &st->frames[k];

		fprintf(f, "%s{\"func\": ", k ? ", " : "");
		if (fr->func)
			output_json_string(f, fr->func);
		else
			fputs("null", f);
		fprintf(f, ", \"offset\": %" PRIu64 ", \"file\": ", fr->offset);
		output_json_string(f, fr->file ? fr->file : "");
		fprintf(f, ", \"ip\": \"0x%" PRIx64 "\"}", fr->ip);
	}
	fputc(']', f);
}

void allocrun_json(FILE *f, const struct allocsites *a)
{
	const struct alloc_snapshot *l = &a->last;

	fprintf(f, "{\"pid\": %d, \"state\": \"%s\", \"why\": ", a->pid, state_name(a->state));
	output_json_string(f, a->why);
	fputs(", \"allocator\": ", f);
	output_json_string(f, l->allocator);
	fprintf(f, ", \"exe_stripped\": %s, \"duration_s\": %.3f, \"sample_every\": %" PRIu32
		", \"min_size\": %" PRIu64 ", \"max_live\": %" PRIu32 ", \"max_stacks\": %" PRIu32
		", \"allocs\": %" PRIu64 ", \"frees\": %" PRIu64 ", \"tracked\": %" PRIu64
		", \"untracked_full\": %" PRIu64 ", \"stacks_lost\": %" PRIu64 ", \"nsites\": %zu"
		", \"total_bytes\": %" PRIu64 ", \"total_count\": %" PRIu64 ", \"sites\": [",
		l->exe_stripped ? "true" : "false", a->t - a->attached_t, l->sample_every, l->min_size,
		l->max_live, l->max_stacks, l->allocs, l->frees, l->tracked, l->untracked_full,
		l->stacks_lost, a->nsites, a->total_bytes, a->total_count);
	for (size_t i = 0; i < a->nrows; i++) {
		const struct allocsite_row *r = &a->rows[i];

		fprintf(f, "%s{\"stack_id\": %" PRId32 ", \"bytes\": %" PRIu64 ", \"count\": %" PRIu64
			", \"oldest_age_s\": ", i ? ", " : "", r->stack ? r->stack->id : -1, r->bytes, r->count);
		if (r->oldest_age_s >= 0)
			fprintf(f, "%.3f", r->oldest_age_s);
		else
			fputs("null", f);
		fprintf(f, ", \"growth_bytes\": %" PRId64 ", \"rate_bytes_s\": %.1f, \"judged\": %s"
			", \"suspect\": %s, \"score\": %.2f, \"stack\": ", r->growth_bytes, r->rate_bytes_s,
			r->judged ? "true" : "false", r->suspect ? "true" : "false", r->score);
		json_stack(f, r->stack);
		fputc('}', f);
	}
	fputs("]}\n", f);
	fflush(f);
}

void allocrun_csv(FILE *f, const struct allocsites *a)
{
	fputs("stack_id,bytes,count,oldest_age_s,growth_bytes,rate_bytes_s,judged,suspect,score,stack\n", f);
	for (size_t i = 0; i < a->nrows; i++) {
		const struct allocsite_row *r = &a->rows[i];
		const struct alloc_stack *st = r->stack;
		char stack[ALLOC_STACK_MAX * 160] = "";
		size_t len = 0;

		fprintf(f, "%" PRId32 ",%" PRIu64 ",%" PRIu64 ",", st ? st->id : -1, r->bytes, r->count);
		if (r->oldest_age_s >= 0)
			fprintf(f, "%.3f", r->oldest_age_s);
		fprintf(f, ",%" PRId64 ",%.1f,%d,%d,%.2f,", r->growth_bytes, r->rate_bytes_s, r->judged,
			r->suspect, r->score);
		for (uint32_t k = 0; st && k < st->depth && len < sizeof stack; k++) {
			char fr[512];

			allocsites_frame_text(&st->frames[k], true, fr, sizeof fr);
			len += (size_t)snprintf(stack + len, sizeof stack - len, "%s%s", k ? " < " : "", fr);
		}
		output_csv_field(f, stack);
		fputc('\n', f);
	}
	fflush(f);
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Sleeps until monotonic time t, or a stop request.
static void sleep_until(double t)
{
	struct timespec ts = { .tv_sec = (time_t)floor_i64(t) };

	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (!batch_stopping() && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

// Reads the session every interval until the duration is over, a signal,
// or the session ended. Returns 0, or the -errno of a failed reading.
static int watch(struct monitor *m, const struct options *opts)
{
	double start = mono_now(), end = start + opts->alloc_duration_s, next = start;

	while (!batch_stopping() && m->alloc.state == ALLOCSITES_ON) {
		int rc;

		next += opts->interval_s;
		sleep_until(next < end ? next : end);
		rc = monitor_alloc_poll(m);
		if (rc < 0 && rc != -ENOMEM)
			return rc;
		if (next >= end)
			break;
	}
	return 0;
}

// Names each suspected stack on stderr; returns how many there are.
static size_t report_suspects(const struct allocsites *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->nrows; i++) {
		const struct allocsite_row *r = &a->rows[i];
		char where[512] = "[no frames]";

		if (!r->suspect)
			continue;
		n++;
		if (r->stack && r->stack->depth)
			allocsites_frame_text(&r->stack->frames[0], false, where, sizeof where);
		fprintf(stderr, "memtop: leak suspected: allocation site %s (stack %" PRId32 ") of process %d "
			"growing %+.1f KiB/min, %" PRIu64 " bytes outstanding, confidence %.0f%%\n", where,
			r->stack ? r->stack->id : -1, a->pid, r->rate_bytes_s * 60 / 1024, r->bytes, r->score * 100);
	}
	return n;
}

int allocrun_main(const struct options *opts)
{
	int pid = opts->alloc_sites_pid;
	struct source_config cfg = { .pids = &pid, .npids = 1 };
	static struct monitor m;            // a sysmodel's rings: not on the stack
	char err[256];
	int status = 0, rc;

	if (monitor_open(&m, &cfg, opts->sensitivity, err, sizeof err) < 0) {
		fprintf(stderr, "memtop: %s\n", err);
		return 1;
	}
	batch_catch_signals(false);      // they end the run early, after the current reading
	if (monitor_alloc_start(&m, pid, 0, &opts->alloc, 0) < 0) {
		fprintf(stderr, "memtop: %s\n", m.alloc.why);
		monitor_close(&m);
		return 1;
	}
	rc = watch(&m, opts);
	if (rc < 0) {
		fprintf(stderr, "memtop: allocation sites of %d: reading the probes failed: %s\n", pid,
			strerror(-rc));
		status = 1;
	} else if (m.alloc.state == ALLOCSITES_ENDED) {
		fprintf(stderr, "memtop: allocation sites of %d: %s before the end of the run\n", pid, m.alloc.why);
	} else {
		monitor_alloc_stop(&m, batch_stopping() ? "interrupted: detached" : "detached at the end of the run");
	}
	errno = 0;              // a write error is named by the write's errno
	if (opts->format == FORMAT_JSON)
		allocrun_json(stdout, &m.alloc);
	else if (opts->format == FORMAT_CSV)
		allocrun_csv(stdout, &m.alloc);
	else
		allocrun_table(stdout, &m.alloc);
	rc = output_flush(stdout);
	if (rc)
		status = -rc;
	else if (status == 0 && opts->fail_on_leak && report_suspects(&m.alloc) > 0)
		status = EXIT_LEAK_SUSPECTED;
	monitor_close(&m);
	return status;
}
