/* allocdump.c — one process's allocation sites through the probes
 * (proc/allocprobe.h), as JSON lines: what tests/integration/allocprobe.py
 * and tests/bench/allocbench.py check and measure.
 *
 *     build/tools/allocdump PID SECONDS [--every N] [--min-size B]
 *         [--max-live N] [--max-stacks N] [--interval S] [--top N]
 *         [--linger 1]
 *
 * Attaches to PID (as it is now: its start time), prints
 *   {"attached": true, "pid": P, "allocator": "...", "mechanism": "...", "sample_every": N,
 *    "min_size": B, "max_live": N, "max_stacks": N, "t": MONO}
 * or {"attached": false, "error": -ERRNO, "why": "..."} and exits 1; then
 * reads every --interval seconds (default 0.5) for SECONDS, each reading a
 * line
 *   {"t": MONO, "read_us": U, "allocs": A, "frees": F, "tracked": T,
 *    "untracked_full": U, "stacks_lost": L, "gone": B, "execed": B,
 *    "nrows": N, "rows": [{"stack": ID, "bytes": B, "count": C,
 *    "oldest_age_s": S, "ips": ["0x..", ...]}, ...]}
 * (rows by bytes, the first --top of them, default 10; MONO is
 * CLOCK_MONOTONIC seconds), stops early after a reading that says the
 * process is gone, detaches and prints {"detached": true, "t": MONO}.
 * SIGINT or SIGTERM end it as SECONDS does. With --linger 1 it then waits
 * for its standard input to end before exiting (the test looks for probes
 * left after the detach while the process still lives).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proc/allocprobe.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int by_bytes(const void *a, const void *b)
{
	const struct alloc_probe_row *x = a, *y = b;

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : x->stack_id - y->stack_id;
}

/* The why line is sanitised (no control byte): only quotes and backslashes
 * need escapes. */
static void put_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (!stop && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	struct alloc_options opt = { .sample_every = 1 };
	struct alloc_probe_reading r = { 0 };
	struct alloc_probe *p = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	double seconds, interval = 0.5, end;
	size_t top = 10;
	int linger = 0;
	char why[200];
	int pid, err, rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: allocdump PID SECONDS [--every N] [--min-size B] [--max-live N] "
				"[--max-stacks N] [--interval S] [--top N]\n");
		return 2;
	}
	pid = atoi(argv[1]);
	seconds = atof(argv[2]);
	for (int i = 3; i + 1 < argc; i += 2) {
		const char *a = argv[i], *v = argv[i + 1];

		if (!strcmp(a, "--every"))
			opt.sample_every = (uint32_t)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--min-size"))
			opt.min_size = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--max-live"))
			opt.max_live = (uint32_t)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--max-stacks"))
			opt.max_stacks = (uint32_t)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--interval"))
			interval = atof(v);
		else if (!strcmp(a, "--top"))
			top = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--linger"))
			linger = atoi(v);
		else {
			fprintf(stderr, "allocdump: unknown option %s\n", a);
			return 2;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = alloc_probe_attach(&p, pid, 0, &opt, why, sizeof why);
	if (err) {
		printf("{\"attached\": false, \"error\": %d, \"why\": ", err);
		put_json_str(why);
		printf("}\n");
		fflush(stdout);
		return 1;
	}
	alloc_probe_limits(p, &opt);
	printf("{\"attached\": true, \"pid\": %d, \"allocator\": ", pid);
	put_json_str(alloc_probe_allocator(p));
	printf(", \"mechanism\": ");
	put_json_str(alloc_probe_mechanism(p));
	printf(", \"sample_every\": %u, \"min_size\": %llu, \"max_live\": %u, \"max_stacks\": %u, \"t\": %.6f}\n",
	       opt.sample_every, (unsigned long long)opt.min_size, opt.max_live, opt.max_stacks, mono());
	fflush(stdout);
	end = mono() + seconds;
	while (!stop) {
		double t0;

		sleep_s(interval);
		t0 = mono();
		err = alloc_probe_read(p, &r);
		if (err) {
			printf("{\"t\": %.6f, \"read_error\": %d}\n", t0, err);
			rc = 1;
			break;
		}
		double read_us = (mono() - t0) * 1e6;

		qsort(r.rows, r.nrows, sizeof *r.rows, by_bytes);
		printf("{\"t\": %.6f, \"read_us\": %.1f, \"allocs\": %llu, \"frees\": %llu, \"tracked\": %llu, "
		       "\"untracked_full\": %llu, \"stacks_lost\": %llu, \"gone\": %s, \"execed\": %s, \"nrows\": %zu, "
		       "\"rows\": [",
		       r.now_ns / 1e9, read_us, (unsigned long long)r.allocs, (unsigned long long)r.frees,
		       (unsigned long long)r.tracked, (unsigned long long)r.untracked_full,
		       (unsigned long long)r.stacks_lost, r.target_gone ? "true" : "false",
		       r.target_execed ? "true" : "false", r.nrows);
		for (size_t i = 0; i < r.nrows && i < top; i++) {
			const struct alloc_probe_row *row = &r.rows[i];
			uint64_t ips[ALLOC_STACK_MAX];
			int depth = alloc_probe_stack(p, row->stack_id, ips, ALLOC_STACK_MAX);

			printf("%s{\"stack\": %d, \"bytes\": %llu, \"count\": %llu, \"oldest_age_s\": %.3f, \"ips\": [",
			       i ? ", " : "", row->stack_id, (unsigned long long)row->bytes,
			       (unsigned long long)row->count,
			       row->oldest_ns ? (double)(r.now_ns - row->oldest_ns) / 1e9 : -1.0);
			for (int k = 0; k < depth; k++)
				printf("%s\"0x%llx\"", k ? ", " : "", (unsigned long long)ips[k]);
			printf("]}");
		}
		printf("]}\n");
		fflush(stdout);
		if (r.target_gone || mono() >= end)
			break;
	}
	free(r.rows);
	alloc_probe_detach(p);
	printf("{\"detached\": true, \"t\": %.6f}\n", mono());
	if (fflush(stdout) != 0 || ferror(stdout))
		return 1;
	if (linger)
		while (getchar() != EOF)
			;
	return rc;
}
