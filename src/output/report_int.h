/* report_int.h — the report's state, shared by the collector (report.c)
 * and its writers (report_write.c: text, JSON, CSV; report_html.c: the
 * page and its charts). Nobody else reads it.
 *
 * Contract: everything here is owned by struct report and freed by
 * report_free; the writers only read.
 */
#ifndef MEMTOP_REPORT_INT_H
#define MEMTOP_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/leak.h"
#include "model/oomlog.h"
#include "output/report.h"

// The screen's pressure warning levels (proc/psi.c psi_level_some and
// psi_level_full), for labels and the charts' level lines only: episodes are
// found with those functions, and test_report.c checks that these agree.
#define REPORT_PSI_SOME_WARN 10.0
#define REPORT_PSI_FULL_WARN 5.0

/* A bucket of a downsampled series: the smallest and largest value of its
 * n samples, each with its time. */
struct rbucket {
	double t_min, t_max;
	double v_min, v_max;
	uint32_t n;
};

/* A series kept to at most cap buckets: when full, neighbours merge in
 * pairs and new buckets take twice as many samples, so the shape of any
 * length survives in cap buckets with its minima and maxima (spikes). */
struct rseries {
	struct rbucket *b;
	uint32_t n, cap;
	uint32_t width;              // samples a new bucket takes
};

/* A suspected leak's verdicts in the period. */
struct rflag {
	bool suspect;                // flagged at least once in the period
	double first_t, last_t;      // the first and last sample flagged
	size_t ticks;                // samples flagged
	struct leak_verdict verdict; // the last verdict while flagged
	double max_score;
};

/* One process (pid, start time, exec) seen in the period. */
struct rproc {
	int pid;
	uint64_t start_ticks;
	uint16_t exec_gen;
	const char *names_seen;      // the sample's comm pointer when the names were copied
	char *comm, *cmdline, *user, *cgroup;   // copies; cmdline NULL with no_cmdline
	bool cmdline_cut;
	bool ended;                  // gone before the period's last sample
	double first_t, last_t;      // its first and last sample in the period
	uint64_t first_anon, last_anon;   // KiB
	struct rseries anon;         // from its first change (b NULL: never changed)
	struct rflag flag;
};

/* One memory cgroup fed to report_cgroup_sample. */
struct rcgroup {
	char *path;
	struct leak_state leak;
	bool started;                // its detector has a sample
	double prev_t;               // the last value fed (before the period too)
	uint64_t prev_kb, prev_limit_kb;
	bool prev_have_limit;
	bool in_period;              // has a sample in the period
	double first_t, last_t;
	uint64_t first_kb, last_kb;
	bool have_limit;
	uint64_t limit_kb;
	struct rseries usage;
	struct rflag flag;
};

/* A stretch of memory pressure at or above the warning level. */
struct repisode {
	double start_t, end_t;       // end: the first sample below, or the last one
	double peak_some, peak_full; // avg10, percent
	double peak_t;               // when the higher of the two (over its level) peaked
	bool critical;               // reached the screen's critical level
	bool from_start;             // already on at the period's first sample
	bool ongoing;                // still on at its last sample
};

/* A step of the OOM-kill counter, or a reboot (the counter went back). */
struct revent {
	double t;
	uint64_t n;                  // kills in the step; 0 for a reboot
};

/* An OOM kill the kernel log reported (a recording's oom_kill rows, handed
 * up by the replay as snapshot.oom_kills), as the report keeps it. */
struct rvictim {
	double t;                    // when (wall seconds)
	uint64_t seq;                // with boot_s, which kill it is
	double boot_s;
	bool since_start;            // false: in the log's backlog when the recorder started
	int pid, uid;                // uid -1: not given
	enum oom_scope scope;
	bool have_adj, have_trigger, have_memcg_usage;
	int oom_score_adj;
	uint64_t total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb;
	uint64_t memcg_usage_kb, memcg_limit_kb;
	char comm[SNAPSHOT_COMM_MAX], trigger_comm[SNAPSHOT_COMM_MAX];
	char constraint[OOM_TEXT_MAX];
	char oom_memcg[OOM_CGROUP_MAX], task_memcg[OOM_CGROUP_MAX];
};

struct report {
	struct report_config cfg;
	char *source_name;
	char host[256];
	size_t samples;
	double first_t, last_t;

	bool have_mem;
	uint64_t total_kb, avail_min_kb, avail_first_kb, avail_last_kb;
	double avail_min_t;
	struct rseries avail;

	size_t psi_samples;
	struct rseries psi_some, psi_full;
	bool in_episode;
	struct repisode cur;
	struct repisode episodes[REPORT_EVENTS_MAX];
	size_t nepisodes, episodes_total;

	size_t oom_samples;
	bool have_last_oom;
	uint64_t last_oom, kills_total;
	struct revent kills[REPORT_EVENTS_MAX], reboots[REPORT_EVENTS_MAX];
	size_t nkills, kill_steps, nreboots, reboots_total;

	// The kills the kernel log reported in the period (the first
	// REPORT_EVENTS_MAX, in time order; victims_total counts them all),
	// and the samples whose log was read, or not allowed to be.
	struct rvictim *victims;
	size_t nvictims, cap_victims, victims_total;
	size_t log_samples, log_denied;

	struct rproc **live, **next;   // alive at the last sample, by pid; next: scratch
	size_t nlive, cap_live;
	struct rproc **kept;           // ended suspects
	size_t nkept, cap_kept;
	struct rproc **top;            // ended top growers (not suspects), at most top_n
	size_t ntop;
	size_t nsuspects, suspects_dropped;

	struct rcgroup **cg;           // by path
	size_t ncg, cap_cg, cgroups_dropped, cg_suspects;
};

/* Gives s room for cap buckets (new ones take one sample each from then on:
 * a suspect's series gets fine when flagged); 0 or -ENOMEM. Then adds a
 * sample (times in order) to a series with room. */
int rseries_reserve(struct rseries *s, uint32_t cap);
void rseries_push(struct rseries *s, double t, double v);
void rseries_free(struct rseries *s);

/* The series' points in time order (each bucket's minimum and maximum), at
 * most 2 * cap; returns how many were written to t and v. */
size_t rseries_points(const struct rseries *s, double *t, double *v, size_t cap);

/* The processes of the report in one array (the caller frees it): the
 * suspects, most severe first (*nsusp of them), or the top growers, largest
 * first (at most top_n, growth > 0). NULL with *n 0 when there are none or
 * no memory (*err then -ENOMEM). */
struct rproc **report_suspects(const struct report *r, size_t *n, int *err);
struct rproc **report_top(const struct report *r, size_t *n, int *err);
/* The suspected cgroups, most severe first. */
struct rcgroup **report_cg_suspects(const struct report *r, size_t *n, int *err);

/* Growth of a process in the period, KiB (negative: shrank). */
int64_t rproc_growth(const struct rproc *p);

/* The episodes in time order, the one still open last (written to out, at
 * most REPORT_EVENTS_MAX + 1); returns how many. */
size_t report_episodes(const struct report *r, struct repisode *out);

/* Where report_collect says how far it has read: a line on f (NULL:
 * nowhere; report_run gives stderr when it is a terminal), rewritten once
 * reading has taken REPORT_PROGRESS_AFTER_S, at most every
 * REPORT_PROGRESS_EVERY_S, and cleared at the end; now(ctx) is its clock
 * (monotonic seconds). The rest is its state. */
#define REPORT_PROGRESS_AFTER_S 1.0
#define REPORT_PROGRESS_EVERY_S 0.25

struct report_progress {
	FILE *f;
	double (*now)(void *ctx);
	void *ctx;
	const char *name;            // the recording's, in the line
	double start, last;
	size_t i0;                   // the period's first sample
	double t0, end_t;            // its first time and its end
	bool shown;
};

/* Puts the monitor (over a recorded source) on the period's first sample
 * and feeds r every sample to until. 0, or -errno. */
int report_collect(struct report *r, struct monitor *m, double since, double until, struct report_progress *pg);

/* The lists every format shows, gathered once by report_write. */
struct report_lists {
	struct rproc **susp, **top;
	struct rcgroup **cg;
	size_t nsusp, ntop, ncg, nep;
	struct repisode ep[REPORT_EVENTS_MAX + 1];
};

/* The HTML page (report_html.c); report_write checks the writes. */
void report_write_html(const struct report *r, const struct report_lists *l, FILE *f);

/* The state of the kernel log over the period: "read" (at one sample at
 * least), "not_permitted" (the recorder was not root), "not_recorded". (A
 * kill's scope is named by oomlog_scope_name.) */
const char *report_oom_log(const struct report *r);

/* Local time of t as "2026-12-06 14:05:09" (cap >= 20), and a duration as
 * "45 s", "12 min", "3 h 05 min", "4 d 02 h". */
char *report_fmt_time(double t, char *out, size_t cap);
char *report_fmt_duration(double s, char *out, size_t cap);
/* A rate as a person reads it: "+15M/min", "-300K/min". */
char *report_fmt_rate(double kb_per_min, char *out, size_t cap);

#endif
