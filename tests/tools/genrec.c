/* genrec.c — writes a memtop recording of synthetic days through the
 * store's writer (recorder_open / recorder_write / recorder_close) over a
 * monitor on a scripted source: the day-scale leak shapes of issue 18 (a
 * 1 MiB/h leak, a daily cycle, a warm-up), a process with a given identity
 * for history preloading, and flat background processes. docs/testing.md
 * says how to use it; `genrec --help` lists the options.
 *
 * The clock is injected: tick i is at wall time end - (ticks - 1 - i) *
 * interval, and the monotonic clock is wall time less the boot's wall time,
 * as on a real machine. Every value is a pure function of time (the shapes
 * of tests/common/shapes.h with their deterministic noise), so two runs
 * with the same options write the same data.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model/leak.h"
#include "model/monitor.h"
#include "store/recorder.h"
#include "../common/shapes.h"

#define MIB 1024.0
#define TICKS_PER_S 100.0             // USER_HZ: start_ticks / 100 is seconds after boot
#define BG_PID0 2000                  // background processes' first pid

// One synthetic process: its identity, names and the shape of its anon.
struct gproc {
	int pid;
	uint64_t start_ticks;
	double start_wall;            // when it appears (wall seconds)
	double t0;                    // wall time of its shape's t = 0
	double end_kb, rate_kb_min;   // a --live process: anon at --end, and its rate
	bool live;
	struct shape sh;
	char comm[16], cmd[96], cg[64], exe[64];
};

// The scripted source: the processes and this tick's wall time.
struct gen {
	double wall, boot_wall, end;
	size_t n;
	struct gproc *g;
	struct proc_sample *s;
	const struct proc_sample **p;
};

struct opts {
	const char *out, *boot_id, *hostname;
	double days, interval, end, boot_time, keep_days;
	bool force, no_thin, leak, cycle, warmup;
	int procs;
	size_t nlive;
	struct gproc *live;           // --live and --live-file, grown as they come
	size_t live_cap;
	bool live_past;               // --live-past: recorded from the first tick on
};

static void usage(FILE *f)
{
	fputs("usage: genrec --out FILE [options]\n"
	      "Writes a memtop recording of synthetic days through memtop's recorder.\n"
	      "  --out FILE          the recording to write (refused if it exists)\n"
	      "  --force             overwrite FILE\n"
	      "  --days D            days of data (default 3; fractions allowed)\n"
	      "  --interval S        seconds between ticks (default 60)\n"
	      "  --end T             wall time of the last tick (default now)\n"
	      "  --boot-id ID        the recorded boot (default a fixed made-up id)\n"
	      "  --boot-time T       the boot's wall time (default /proc/stat btime with\n"
	      "                      --live, else an hour before the first tick)\n"
	      "  --hostname NAME     the recorded host name (default genrec-host)\n"
	      "  --procs N           N flat background processes, one in ten noisy (default 0)\n"
	      "  --leak              a process leaking 1 MiB/h from 64 MiB\n"
	      "  --cycle             a daily cycle: +16 MiB from 06:00 to 22:00 UTC on\n"
	      "                      128 MiB, freed at night\n"
	      "  --warmup            grows 40 MiB in its first hour from 100 MiB, then flat\n"
	      "  --live PID:START_TICKS:ANON_KB:RATE_KB_PER_MIN\n"
	      "                      a process with that identity whose anon is ANON_KB at\n"
	      "                      --end and grew at RATE before (repeatable)\n"
	      "  --live-file FILE    one PID:START_TICKS:ANON_KB:RATE a line\n"
	      "  --live-past         record the --live processes from the first tick, even\n"
	      "                      before they started (a benchmark's long past)\n"
	      "  --keep DAYS         the recording's retention (default the recorder's, 30)\n"
	      "  --no-thin           keep every tick at full resolution\n"
	      "  --help              this text\n",
	      f);
}

// Sets up a scenario process's names.
static void gproc_names(struct gproc *g, const char *comm)
{
	snprintf(g->comm, sizeof g->comm, "%s", comm);
	snprintf(g->cmd, sizeof g->cmd, "/usr/bin/%s --genrec", comm);
	snprintf(g->cg, sizeof g->cg, "/system.slice/%s.service", comm);
	snprintf(g->exe, sizeof g->exe, "/usr/bin/%s", comm);
}

// Parses --live PID:START_TICKS:ANON_KB:RATE into o->live; false when malformed.
static bool parse_live(const char *arg, struct opts *o)
{
	struct gproc *g;
	int pid, used = 0;
	unsigned long long start, anon;
	double rate;

	if (sscanf(arg, "%d:%llu:%llu:%lf%n", &pid, &start, &anon, &rate, &used) != 4 || arg[used] || pid <= 0)
		return false;
	if (o->nlive == o->live_cap) {
		size_t cap = o->live_cap ? 2 * o->live_cap : 16;
		struct gproc *a = realloc(o->live, cap * sizeof *a);

		if (!a)
			return false;
		o->live = a;
		o->live_cap = cap;
	}
	g = &o->live[o->nlive++];
	*g = (struct gproc){ .pid = pid, .start_ticks = start, .end_kb = (double)anon, .rate_kb_min = rate,
			     .live = true };
	gproc_names(g, "live");
	return true;
}

// --live-file FILE: one "PID:START_TICKS:ANON_KB:RATE" a line (many
// processes: a benchmark's).
static bool parse_live_file(const char *path, struct opts *o)
{
	FILE *f = fopen(path, "r");
	char line[128];
	bool ok = f != NULL;

	while (ok && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			ok = parse_live(line, o);
	}
	if (f)
		fclose(f);
	return ok;
}

static double number(const char *s, const char *name)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !isfinite(v)) {
		fprintf(stderr, "genrec: --%s: not a number: %s\n", name, s);
		exit(2);
	}
	return v;
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{ "out", required_argument, NULL, 'o' },      { "force", no_argument, NULL, 'f' },
		{ "days", required_argument, NULL, 'd' },     { "interval", required_argument, NULL, 'i' },
		{ "end", required_argument, NULL, 'e' },      { "boot-id", required_argument, NULL, 'b' },
		{ "boot-time", required_argument, NULL, 'B' }, { "hostname", required_argument, NULL, 'H' },
		{ "procs", required_argument, NULL, 'p' },    { "leak", no_argument, NULL, 'L' },
		{ "cycle", no_argument, NULL, 'C' },          { "warmup", no_argument, NULL, 'W' },
		{ "live", required_argument, NULL, 'l' },     { "keep", required_argument, NULL, 'k' },
		{ "no-thin", no_argument, NULL, 'n' },        { "help", no_argument, NULL, 'h' },
		{ "live-file", required_argument, NULL, 'F' }, { "live-past", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .boot_id = "0e6c2a57-9f1d-4c1e-8d7a-genrec000001", .hostname = "genrec-host",
			    .days = 3, .interval = 60, .end = (double)time(NULL), .boot_time = -1 };
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'o': o->out = optarg; break;
		case 'f': o->force = true; break;
		case 'd': o->days = number(optarg, "days"); break;
		case 'i': o->interval = number(optarg, "interval"); break;
		case 'e': o->end = number(optarg, "end"); break;
		case 'b': o->boot_id = optarg; break;
		case 'B': o->boot_time = number(optarg, "boot-time"); break;
		case 'H': o->hostname = optarg; break;
		case 'p': o->procs = (int)number(optarg, "procs"); break;
		case 'L': o->leak = true; break;
		case 'C': o->cycle = true; break;
		case 'W': o->warmup = true; break;
		case 'l':
			if (!parse_live(optarg, o)) {
				fprintf(stderr, "genrec: --live wants PID:START_TICKS:ANON_KB:RATE_KB_PER_MIN: %s\n",
					optarg);
				exit(2);
			}
			break;
		case 'F':
			if (!parse_live_file(optarg, o)) {
				fprintf(stderr, "genrec: --live-file %s: unreadable, or a line not "
					"PID:START_TICKS:ANON_KB:RATE_KB_PER_MIN\n", optarg);
				exit(2);
			}
			break;
		case 'P': o->live_past = true; break;
		case 'k': o->keep_days = number(optarg, "keep"); break;
		case 'n': o->no_thin = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc || !o->out || o->days <= 0 || o->interval <= 0 || o->procs < 0 || o->procs > 1000000) {
		usage(stderr);
		exit(2);
	}
}

// The machine's boot time (/proc/stat btime), or -1.
static double machine_boot_time(void)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[256];
	double bt = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "btime %lf", &bt) == 1)
			break;
	fclose(f);
	return bt;
}

// A scenario process that started with the recording (an hour of uptime in).
static struct gproc *add_scenario(struct gen *gn, const char *comm, struct shape sh, double first)
{
	struct gproc *g = &gn->g[gn->n++];

	*g = (struct gproc){ .pid = 1000 + (int)gn->n, .start_wall = first, .t0 = first, .sh = sh };
	g->start_ticks = (uint64_t)llround((first - gn->boot_wall) * TICKS_PER_S);
	gproc_names(g, comm);
	return g;
}

static int by_pid(const void *a, const void *b)
{
	const struct gproc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

// Builds the process table: scenarios, --live processes, background ones,
// sorted by pid as a snapshot is.
static void build_world(struct gen *gn, const struct opts *o, double first)
{
	size_t cap = 3 + o->nlive + (size_t)o->procs;

	gn->g = calloc(cap, sizeof *gn->g);
	gn->s = calloc(cap, sizeof *gn->s);
	gn->p = calloc(cap, sizeof *gn->p);
	if (!gn->g || !gn->s || !gn->p) {
		fprintf(stderr, "genrec: out of memory\n");
		exit(1);
	}
	if (o->leak)
		add_scenario(gn, "leaker", (struct shape){ SHAPE_LINEAR, 64 * MIB, MIB / 3600, 0, 0, 512, 1, "leak" },
			     first);
	if (o->cycle)   // t = 0 at 06:00 UTC: rises by day, freed at 22:00
		add_scenario(gn, "cycler", (struct shape){ SHAPE_DAILY, 128 * MIB, 0, 16 * MIB, 86400, 512, 2, "cycle" },
			     first)->t0 = 6 * 3600;
	if (o->warmup)
		add_scenario(gn, "warmer",
			     (struct shape){ SHAPE_WARMUP, 100 * MIB, 40 * MIB / 3600, 0, 3600, 512, 3, "warmup" }, first);
	for (size_t i = 0; i < o->nlive; i++) {
		struct gproc *g = &gn->g[gn->n++];

		*g = o->live[i];
		g->start_wall = gn->boot_wall + (double)g->start_ticks / TICKS_PER_S;
		if (o->live_past)
			g->start_wall = first;     // a past before its start: for measuring, not for truth
	}
	// Background: flat, one in ten with ±64 KiB of noise; the pids after
	// the scenarios', so the table is sorted by pid.
	for (int i = 0; i < o->procs; i++) {
		struct gproc *g = &gn->g[gn->n++];
		char comm[16];

		*g = (struct gproc){ .pid = BG_PID0 + i, .start_wall = first, .t0 = first,
				     .sh = { SHAPE_NOISY, 1024 + 97 * (i % 300), 0, 0, 0, i % 10 == 0 ? 64 : 0,
					     (uint64_t)i + 10, "bg" } };
		g->start_ticks = (uint64_t)llround((first - gn->boot_wall - 60) * TICKS_PER_S);
		snprintf(comm, sizeof comm, "bg%d", i);
		gproc_names(g, comm);
	}
	qsort(gn->g, gn->n, sizeof *gn->g, by_pid);
	for (size_t i = 1; i < gn->n; i++)
		if (gn->g[i].pid == gn->g[i - 1].pid) {
			fprintf(stderr, "genrec: two processes with pid %d (scenarios are 1001-1003,"
					" background %d on)\n", gn->g[i].pid, BG_PID0);
			exit(2);
		}
}

// A process's anon (KiB) at wall time t.
static uint64_t gproc_anon(const struct gproc *g, double t, double end)
{
	double v;

	if (g->live) {
		v = g->end_kb - g->rate_kb_min * (end - t) / 60.0;
		return v > 1024 ? (uint64_t)v : 1024;
	}
	return (uint64_t)shape_value(&g->sh, t - g->t0);
}

// The source's tick: every process alive at this wall time, and a machine
// with plausible meminfo, low PSI and no OOM kill.
static int gen_tick(void *impl, struct snapshot *out)
{
	struct gen *gn = impl;
	uint64_t used = 0;
	size_t k = 0;

	for (size_t i = 0; i < gn->n; i++) {
		struct gproc *g = &gn->g[i];
		uint64_t anon;

		if (g->start_wall > gn->wall)
			continue;
		anon = gproc_anon(g, gn->wall, gn->end);
		used += anon;
		gn->s[k] = (struct proc_sample){
			.pid = g->pid, .ppid = 1, .start_ticks = g->start_ticks,
			.start_time_s = (double)g->start_ticks / TICKS_PER_S, .have_detail = true,
			.user = "genrec", .comm = g->comm, .cmdline = g->cmd, .cgroup = g->cg, .exe = g->exe,
			.rss_kb = anon + 8192, .anon_kb = anon, .shared_kb = 8192, .file_kb = 8192,
			// The kernel's badness: roughly its share of RAM, in thousandths.
			.oom_score = (int)((anon + 8192) * 1000 / (16u << 20)),
		};
		gn->p[k] = &gn->s[k];
		k++;
	}
	*out = (struct snapshot){ .procs = gn->p, .nprocs = k };
	out->sys = (struct sys_sample){
		.wall_time = gn->wall, .mono_time = gn->wall - gn->boot_wall, .have_meminfo = true,
		.total_kb = 16u << 20, .cached_kb = 4u << 20, .buffers_kb = 200u << 10, .shmem_kb = 100u << 10,
		.swap_total_kb = 2u << 20, .swap_free_kb = 2u << 20, .have_psi = true, .have_oom_kill = true,
	};
	out->sys.available_kb = out->sys.total_kb - (used + (2u << 20) < out->sys.total_kb ? used + (2u << 20) : 0);
	out->sys.free_kb = out->sys.available_kb > out->sys.cached_kb ? out->sys.available_kb - out->sys.cached_kb : 0;
	out->sys.psi.some = (struct psi_line){ .valid = true, .avg10 = 0.1, .avg60 = 0.05, .avg300 = 0.02,
					       .total_us = (uint64_t)(out->sys.mono_time * 200) };
	out->sys.psi.full = (struct psi_line){ .valid = true, .total_us = (uint64_t)(out->sys.mono_time * 50) };
	return 0;
}

static void gen_close(void *impl)
{
	(void)impl;
}

static const struct source_ops gen_ops = { .name = "genrec", .tick = gen_tick, .close = gen_close };

// Refuses an existing file unless forced; a forced one goes with its WAL.
static void clear_out(const struct opts *o)
{
	static const char *const sides[] = { "", "-wal", "-shm" };
	char path[4096];

	if (access(o->out, F_OK) == 0 && !o->force) {
		fprintf(stderr, "genrec: %s exists (--force overwrites it)\n", o->out);
		exit(1);
	}
	for (size_t i = 0; o->force && i < 3; i++) {
		snprintf(path, sizeof path, "%s%s", o->out, sides[i]);
		if (unlink(path) < 0 && errno != ENOENT) {
			fprintf(stderr, "genrec: %s: %s\n", path, strerror(errno));
			exit(1);
		}
	}
}

// Runs thinning and retention as of now until they have nothing left to do.
static void finish_maintenance(struct recorder *r, double now)
{
	unsigned long before;

	do {
		before = recorder_stats(r)->thin_runs + recorder_stats(r)->trimmed_ticks;
		if (recorder_maintain(r, now) < 0)
			return;
	} while (recorder_stats(r)->thin_runs + recorder_stats(r)->trimmed_ticks != before);
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct gen gn = { 0 };
	struct monitor m;
	struct record_policy pol;
	struct record_host host = { 0 };
	struct recorder *r;
	struct stat st;
	char err[512];
	double started = now_mono(), first;
	long ticks, written = 0;

	parse_opts(argc, argv, &o);
	clear_out(&o);
	ticks = (long)floor(o.days * 86400 / o.interval) + 1;
	first = o.end - (double)(ticks - 1) * o.interval;
	gn.boot_wall = o.boot_time >= 0 ? o.boot_time : o.nlive ? machine_boot_time() : first - 3600;
	// (--live-past: a past longer than this boot, its monotonic times
	// negative: a benchmark's.)
	if (gn.boot_wall < 0 || (gn.boot_wall > first && !o.live_past)) {
		fprintf(stderr, "genrec: the boot (%.0f) must come before the first tick (%.0f): fewer --days, or --boot-time\n", gn.boot_wall, first);
		return 2;
	}
	gn.end = o.end;
	build_world(&gn, &o, first);
	record_policy_defaults(&pol);
	if (o.keep_days > 0)
		pol.keep_s = o.keep_days * 86400;
	if (o.no_thin)
		pol.thin_after_s[0] = pol.thin_after_s[1] = 1e18;
	// Thinning and retention once an hour of generated time rather than
	// each minute (every tick, here); a last run at the end finishes what
	// is due, so the file ends as the recorder would have left it.
	pol.maintain_every_s = 3600;
	snprintf(host.boot_id, sizeof host.boot_id, "%s", o.boot_id);
	snprintf(host.hostname, sizeof host.hostname, "%s", o.hostname);
	host.boot_time = gn.boot_wall;
	monitor_open_source(&m, (struct source){ .ops = &gen_ops, .impl = &gn }, LEAK_SENS_NORMAL);
	r = recorder_open(o.out, &pol, &host, err, sizeof err);
	if (!r) {
		fprintf(stderr, "genrec: %s\n", err);
		return 1;
	}
	for (long i = 0; i < ticks; i++) {
		int rc;

		gn.wall = first + (double)i * o.interval;
		if (monitor_tick(&m) < 0)
			fprintf(stderr, "genrec: the model could not grow at tick %ld\n", i);
		rc = recorder_write(r, &m);
		if (rc < 0) {
			fprintf(stderr, "genrec: writing tick %ld: %s\n", i, strerror(-rc));
			break;
		}
		written += rc == RECORD_WRITTEN;
	}
	finish_maintenance(r, o.end);
	recorder_close(r);
	monitor_close(&m);
	if (stat(o.out, &st) < 0)
		st.st_size = 0;
	fprintf(stderr,
		"genrec: %s: %ld ticks of %ld written (%.0f s apart, %.0f to %.0f), %zu processes"
		" (%zu scenario), %.1f MiB, %.1f s\n",
		o.out, written, ticks, o.interval, first, o.end, gn.n, gn.n - (size_t)o.procs,
		(double)st.st_size / (1 << 20), now_mono() - started);
	free(gn.g);
	free(gn.s);
	free(gn.p);
	return written == ticks ? 0 : 1;
}
