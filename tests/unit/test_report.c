/* test_report.c — memtop --report over a scripted recording: a world that
 * is a pure function of its sample index, with a time line and moves as a
 * recorded source has, played through the monitor by report_run. A leaker
 * with hostile names, a flat process, one that grows by a step and ends,
 * available memory that dips once, memory pressure for a stretch (and one
 * sample of "full"), the OOM-kill counter stepping and then going back
 * (a reboot). Checked: what the collector gathers, the period (--since,
 * --until, refused ones), --fail-on-leak, each format's content and
 * escaping, write errors, bounded series and memory under churn, cgroups.
 */
#include "fixture.h"

#include <math.h>
#include <time.h>

#include "judge.h"
#include "model/monitor.h"
#include "output/report.h"
#include "output/report_int.h"
#include "proc/psi.h"

#define T0 1.7e9
#define STEP_S 2.0
#define NSAMPLES 900                  // 30 minutes at 2 s
#define LEAKER 100
#define FLAT 200
#define STEPPER 300
#define KIB_G (1024u * 1024u)

#define TIME_OF(i) (T0 + STEP_S * (i))

static char leak_comm[] = "leak<script>";
static char leak_cmd[] = "/bin/leak --name=\"a&b\" 'q' <script>alert(1)</script>";
static char leak_user[] = "u&me";
static char leak_cg[] = "/x<y>.scope";
static char plain_cmd[] = "/usr/bin/flat --quiet";
static char empty[] = "";

struct world {
	size_t index, count;
	int closed;
	unsigned ticks;               // samples read: the progress test's clock
	struct proc_sample s[3];
	const struct proc_sample *p[3];
	// The OOM kills handed up as a recording hands them up (source.h):
	// those seen at this sample when one step on from the last one given,
	// none at the same again, all up to it after any other move.
	struct oom_kill kills[3];
	size_t given;
	bool have_given, moved;
	int log_err;                  // the kernel log's state at every sample
};

// The world's OOM kills: one from before the recording (the log's backlog
// at sample 0), one with hostile names seen at 610, one global at 611.
#define VICTIM_PID 4242
static char victim_comm[] = "hog<b>&\"x'";
static const size_t kill_seen[3] = { 0, 610, 611 };

static void world_kills(struct world *w, size_t i, struct snapshot *out)
{
	bool step = w->have_given && !w->moved && w->given + 1 == i;
	bool again = w->have_given && !w->moved && w->given == i;
	size_t first = 3, n = 0;

	for (size_t k = 0; k < 3; k++) {
		struct oom_kill *v = &w->kills[k];

		*v = (struct oom_kill){ .seq = k + 1, .since_start = k > 0, .pid = VICTIM_PID + (int)k,
					.uid = k == 2 ? -1 : 1000, .anon_rss_kb = 100000 * (k + 1), .file_rss_kb = 300,
					.shmem_rss_kb = 7, .total_vm_kb = 900000,
					.scope = k == 2 ? OOM_SCOPE_GLOBAL : OOM_SCOPE_MEMCG,
					.have_oom_score_adj = k == 1, .oom_score_adj = 300, .have_trigger = k == 1,
					.have_memcg_usage = k == 1, .memcg_usage_kb = 65536, .memcg_limit_kb = 65536 };
		v->wall_time = k == 0 ? T0 - 600 : TIME_OF(kill_seen[k]) - 0.5 * (double)k;
		v->boot_s = v->wall_time - 1.6e9;
		snprintf(v->comm, sizeof v->comm, "%s", k == 1 ? victim_comm : k == 0 ? "early" : "second");
		if (k == 1) {
			snprintf(v->task_memcg, sizeof v->task_memcg, "%s", leak_cg);
			snprintf(v->oom_memcg, sizeof v->oom_memcg, "/lim&it");
			snprintf(v->trigger_comm, sizeof v->trigger_comm, "trig<");
			snprintf(v->constraint, sizeof v->constraint, "CONSTRAINT_MEMCG");
		}
		if (kill_seen[k] > i || again || (step && kill_seen[k] != i))
			continue;
		if (first == 3)
			first = k;
		n++;
	}
	w->given = i;
	w->have_given = true;
	w->moved = false;
	out->sys.oom_log_err = w->log_err;
	if (w->log_err == 0 && n) {
		out->oom_kills = &w->kills[first];
		out->noom_kills = n;
	}
}

// Sample i of the world (snapshot strings are static: they never change).
static int world_tick(void *impl, struct snapshot *out)
{
	struct world *w = impl;
	size_t i = w->index, k = 0;
	uint64_t avail = (6u * KIB_G) - (uint64_t)(i % 50) * 1000;

	w->s[k++] = (struct proc_sample){ .pid = LEAKER, .start_ticks = 11, .anon_kb = 10000 + 512 * (uint64_t)i,
					  .rss_kb = 20000 + 512 * (uint64_t)i, .comm = leak_comm, .user = leak_user,
					  .cmdline = leak_cmd, .cgroup = leak_cg, .exe = empty };
	w->s[k++] = (struct proc_sample){ .pid = FLAT, .start_ticks = 12, .anon_kb = 9000, .rss_kb = 30000,
					  .comm = (char *)"flat", .user = "root", .cmdline = plain_cmd,
					  .cgroup = empty, .exe = empty };
	if (i < 300)
		w->s[k++] = (struct proc_sample){ .pid = STEPPER, .start_ticks = 13, .anon_kb = i < 100 ? 5000 : 50000,
						  .rss_kb = 60000, .comm = (char *)"stepper", .user = "root",
						  .cmdline = plain_cmd, .cgroup = empty, .exe = empty };
	for (size_t j = 0; j < k; j++)
		w->p[j] = &w->s[j];
	w->ticks++;
	*out = (struct snapshot){ .procs = w->p, .nprocs = k };
	out->sys = (struct sys_sample){ .wall_time = TIME_OF(i), .mono_time = 5000 + STEP_S * (double)i,
					.have_meminfo = true, .total_kb = 8u * KIB_G, .free_kb = 2u * KIB_G,
					.available_kb = i == 400 ? 1u * KIB_G : avail, .have_psi = true,
					.have_oom_kill = true, .oom_kill = i < 600 ? 3 : i < 800 ? 5 : 0 };
	out->sys.psi.some = (struct psi_line){ .valid = true, .avg10 = i >= 500 && i < 530 ? (i == 515 ? 45 : 25) : 1 };
	out->sys.psi.full = (struct psi_line){ .valid = true, .avg10 = i == 515 ? 3 : i == 700 ? 7 : 0 };
	world_kills(w, i, out);
	return 0;
}

static void world_close(void *impl)
{
	((struct world *)impl)->closed++;
}

static bool world_timeline(const void *impl, struct source_timeline *out)
{
	const struct world *w = impl;

	*out = (struct source_timeline){ .first_t = T0, .last_t = TIME_OF(w->count - 1),
					 .at_t = TIME_OF(w->index), .count = w->count, .index = w->index,
					 .host = "host<1>" };
	return true;
}

static int world_move(void *impl, enum source_move how, double arg)
{
	struct world *w = impl;
	double target;

	w->moved |= how != SOURCE_MOVE_STEP;
	switch (how) {
	case SOURCE_MOVE_STEP:
		target = (double)w->index + arg;
		break;
	case SOURCE_MOVE_TIME:
		if (arg < T0)
			return -ERANGE;
		target = floor((arg - T0) / STEP_S);
		break;
	case SOURCE_MOVE_FIRST:
		target = 0;
		break;
	default:
		target = (double)w->count - 1;
		break;
	}
	target = fmin(fmax(target, 0), (double)w->count - 1);
	if ((size_t)target == w->index)
		return 1;
	w->index = (size_t)target;
	return 0;
}

static const struct source_ops world_ops = {
	.name = "world", .tick = world_tick, .close = world_close, .timeline = world_timeline,
	.move = world_move,
};

// The same world ticked by hand, as a live source would be (no time line).
static const struct source_ops world_live_ops = { .name = "world-live", .tick = world_tick, .close = world_close };

/* What a report run printed, and how it ended. */
struct run {
	int status;
	char *out, *msgs;
	size_t outlen, msgslen;
};

// report_run over a fresh world positioned at its newest sample (as a
// replay opens), with options: since, until, format, fail_on_leak.
static struct run run_report(struct world *w, const char *since, const char *until, enum output_format fmt,
			     bool fail_on_leak)
{
	struct options opts;
	struct run r = { 0 };
	FILE *out, *msgs;

	cli_defaults(&opts);
	opts.report_path = "rec<&>.db";
	opts.since = since;
	opts.until = until;
	opts.format = fmt;
	opts.fail_on_leak = fail_on_leak;
	*w = (struct world){ .count = NSAMPLES, .index = NSAMPLES - 1 };
	out = open_memstream(&r.out, &r.outlen);
	msgs = open_memstream(&r.msgs, &r.msgslen);
	assert_non_null(out);
	assert_non_null(msgs);
	r.status = report_run(&opts, (struct source){ .ops = &world_ops, .impl = w }, NULL, out, msgs);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(fclose(msgs), 0);
	assert_int_equal(w->closed, 1);          // the run closed the source
	return r;
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->msgs);
}

/* A report built by hand from the world, sample by sample, for looking
 * inside. */
struct built {
	struct world w;
	struct monitor m;
	struct report *r;
};

static struct built *build(double since, double until, size_t from, size_t to)
{
	struct built *b = calloc(1, sizeof *b);

	assert_non_null(b);
	b->w = (struct world){ .count = NSAMPLES, .index = from };
	monitor_open_source(&b->m, (struct source){ .ops = &world_live_ops, .impl = &b->w }, LEAK_SENS_NORMAL);
	b->r = report_new(&(struct report_config){ .since = since, .until = until, .source_name = "built" });
	assert_non_null(b->r);
	for (size_t i = from; i <= to; i++) {
		b->w.index = i;
		assert_int_equal(monitor_tick(&b->m), 0);
		assert_int_equal(report_tick(b->r, &b->m), 0);
	}
	return b;
}

static void built_free(struct built *b)
{
	report_free(b->r);
	monitor_close(&b->m);
	free(b);
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

// ---- the collector ---------------------------------------------------------------------

static void test_collector_gathers_the_period(void **state)
{
	struct built *b = build(-INFINITY, INFINITY, 0, NSAMPLES - 1);
	struct report *r = b->r;
	struct repisode ep[REPORT_EVENTS_MAX + 1];
	size_t n;
	int err;

	(void)state;
	assert_int_equal(report_samples(r), NSAMPLES);
	assert_true(r->first_t == T0 && r->last_t == TIME_OF(NSAMPLES - 1));
	// The leaker, and only it, is a suspect, with the detector's verdict.
	struct rproc **s = report_suspects(r, &n, &err);
	assert_int_equal(err, 0);
	assert_int_equal(n, 1);
	assert_int_equal(s[0]->pid, LEAKER);
	assert_string_equal(s[0]->comm, leak_comm);
	assert_string_equal(s[0]->cmdline, leak_cmd);
	assert_true(s[0]->flag.first_t > T0 && s[0]->flag.last_t == TIME_OF(NSAMPLES - 1));
	assert_true(s[0]->flag.verdict.rate_kb_per_min > 14000 && s[0]->flag.verdict.rate_kb_per_min < 16500);
	assert_true(s[0]->flag.verdict.score >= 0.5 && s[0]->flag.verdict.since_s > 0);
	assert_true(report_has_leak(r));
	free(s);
	// Top growers: the leaker, then the step (ended); the flat one did not grow.
	struct rproc **top = report_top(r, &n, &err);
	assert_int_equal(n, 2);
	assert_int_equal(top[0]->pid, LEAKER);
	assert_int_equal(rproc_growth(top[0]), 512 * (NSAMPLES - 1));
	assert_int_equal(top[1]->pid, STEPPER);
	assert_int_equal(rproc_growth(top[1]), 45000);
	assert_true(top[1]->ended && top[1]->last_t == TIME_OF(299));
	free(top);
	// Pressure: some 25-45 % over samples 500..529, ended by sample 530;
	// one sample of full at 7 % at 700.
	assert_int_equal(report_episodes(r, ep), 2);
	assert_true(ep[0].start_t == TIME_OF(500) && ep[0].end_t == TIME_OF(530));
	assert_true(ep[0].peak_some == 45 && ep[0].peak_t == TIME_OF(515) && ep[0].critical);
	assert_true(ep[0].peak_full == 3);
	assert_false(ep[0].ongoing || ep[0].from_start);
	assert_true(ep[1].start_t == TIME_OF(700) && ep[1].end_t == TIME_OF(701));
	assert_true(ep[1].peak_full == 7 && !ep[1].critical);
	// OOM: two kills at 600; the counter going back at 800 is a reboot.
	assert_int_equal(r->kills_total, 2);
	assert_int_equal(r->nkills, 1);
	assert_true(r->kills[0].t == TIME_OF(600) && r->kills[0].n == 2);
	assert_int_equal(r->nreboots, 1);
	assert_true(r->reboots[0].t == TIME_OF(800));
	// Available memory's lowest point, and the chart kept the dip.
	assert_int_equal(r->avail_min_kb, KIB_G);
	assert_true(r->avail_min_t == TIME_OF(400));
	assert_true(r->avail.n <= REPORT_SERIES_MAX);
	double t[2 * REPORT_SERIES_MAX], v[2 * REPORT_SERIES_MAX], lo = INFINITY;
	size_t np = rseries_points(&r->avail, t, v, 2 * REPORT_SERIES_MAX);
	for (size_t i = 0; i < np; i++) {
		lo = fmin(lo, v[i]);
		assert_true(i == 0 || t[i] >= t[i - 1]);
	}
	assert_true(lo == KIB_G);
	// Memory: the flat process has no series; the suspect's is fine-grained.
	for (size_t i = 0; i < r->nlive; i++)
		if (r->live[i]->pid == FLAT)
			assert_null(r->live[i]->anon.b);
	built_free(b);
}

// The suspect's chart starts before its flag: the pre-roll shows the
// growth from the process's first sample.
static void test_suspect_series_has_the_growth_before_the_flag(void **state)
{
	struct built *b = build(-INFINITY, INFINITY, 0, NSAMPLES - 1);
	size_t n;
	int err;
	struct rproc **s = report_suspects(b->r, &n, &err);
	double t[2 * REPORT_SERIES_MAX], v[2 * REPORT_SERIES_MAX];
	size_t np;

	(void)state;
	assert_int_equal(n, 1);
	np = rseries_points(&s[0]->anon, t, v, 2 * REPORT_SERIES_MAX);
	assert_true(np > 20);
	assert_true(t[0] == T0 && v[0] == 10000);                   // the first sample
	assert_true(t[0] < s[0]->flag.first_t);
	assert_true(t[np - 1] == TIME_OF(NSAMPLES - 1) && v[np - 1] == 10000 + 512 * (NSAMPLES - 1));
	free(s);
	built_free(b);
}

// A series of any length stays within its buckets, in time order, and keeps
// its extremes (a one-sample spike and a one-sample dip).
static void test_series_bounded_keeps_extremes(void **state)
{
	static const size_t lengths[] = { 0, 1, 255, 256, 257, 1000, 100000 };
	static double t[2 * REPORT_SERIES_MAX], v[2 * REPORT_SERIES_MAX];

	(void)state;
	for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
		struct rseries s = { 0 };
		size_t len = lengths[k], np;
		double lo = INFINITY, hi = -INFINITY;

		assert_int_equal(rseries_reserve(&s, REPORT_SERIES_MAX), 0);
		for (size_t i = 0; i < len; i++)
			rseries_push(&s, (double)i, i == len / 3 ? 1e9 : i == len / 2 + 1 ? -5 : (double)(i % 7));
		assert_true(s.n <= REPORT_SERIES_MAX);
		assert_true(s.n == (len < REPORT_SERIES_MAX ? len : s.n));
		np = rseries_points(&s, t, v, 2 * REPORT_SERIES_MAX);
		for (size_t i = 0; i < np; i++) {
			lo = fmin(lo, v[i]);
			hi = fmax(hi, v[i]);
			assert_true(i == 0 || t[i] >= t[i - 1]);
		}
		if (len > 3) {
			assert_true(hi == 1e9 && lo == -5);
			assert_true(t[0] == 0);
		}
		rseries_free(&s);
	}
}

/* A live-like source of churn: each process lives 3 samples and grows by
 * its pid, 20 alive at a time; none is ever a leak. */
struct churn {
	size_t i;
	struct proc_sample s[20];
	const struct proc_sample *p[20];
};

static int churn_tick(void *impl, struct snapshot *out)
{
	struct churn *c = impl;

	for (size_t k = 0; k < 20; k++) {
		int pid = (int)(1000 + (c->i / 3) * 20 + k);

		c->s[k] = (struct proc_sample){ .pid = pid, .start_ticks = (uint64_t)pid,
						.anon_kb = 1000 + (uint64_t)pid * (c->i % 3),
						.comm = (char *)"churn", .user = "u", .cmdline = plain_cmd,
						.cgroup = empty, .exe = empty };
		c->p[k] = &c->s[k];
	}
	*out = (struct snapshot){ .procs = c->p, .nprocs = 20 };
	out->sys = (struct sys_sample){ .wall_time = TIME_OF(c->i), .mono_time = (double)c->i };
	c->i++;
	return 0;
}

static const struct source_ops churn_ops = { .name = "churn", .tick = churn_tick, .close = world_close };

// 60,000 processes come and go: the report keeps the live ones and the top
// ten ended growers, nothing more.
static void test_memory_bounded_under_churn(void **state)
{
	static struct churn c;
	struct monitor m;
	struct report *r = report_new(&(struct report_config){ .since = -INFINITY, .until = INFINITY });
	size_t n;
	int err;

	(void)state;
	monitor_open_source(&m, (struct source){ .ops = &churn_ops, .impl = &c }, LEAK_SENS_NORMAL);
	for (size_t i = 0; i < 9000; i++) {
		assert_int_equal(monitor_tick(&m), 0);
		assert_int_equal(report_tick(r, &m), 0);
		assert_true(r->nlive == 20 && r->ntop <= REPORT_TOP_DEFAULT && r->nkept == 0);
	}
	struct rproc **top = report_top(r, &n, &err);
	assert_int_equal(n, REPORT_TOP_DEFAULT);
	// The largest growers are the newest: pid * 2 KiB over their life.
	assert_int_equal(rproc_growth(top[0]), 2 * top[0]->pid);
	assert_true(top[0]->pid >= 1000 + 2999 * 20 - 20);
	free(top);
	assert_false(report_has_leak(r));
	report_free(r);
	monitor_close(&m);
}

// The warning levels the report names are those the screen uses.
static void test_psi_levels_are_the_screens(void **state)
{
	struct psi_line at = { .valid = true, .avg10 = REPORT_PSI_SOME_WARN };
	struct psi_line below = { .valid = true, .avg10 = REPORT_PSI_SOME_WARN - 0.01 };

	(void)state;
	assert_int_equal(psi_level_some(&at), PSI_WARN);
	assert_int_equal(psi_level_some(&below), PSI_OK);
	at.avg10 = REPORT_PSI_FULL_WARN;
	below.avg10 = REPORT_PSI_FULL_WARN - 0.01;
	assert_int_equal(psi_level_full(&at), PSI_WARN);
	assert_int_equal(psi_level_full(&below), PSI_OK);
}

// Cgroups: a growing one is flagged by its own detector, a flat one not;
// samples before the period feed the detector only.
static void test_cgroups(void **state)
{
	struct built *b = build(T0 + 600, INFINITY, 0, NSAMPLES - 1);
	struct report *r = b->r;
	size_t n;
	int err;

	(void)state;
	for (int i = 0; i < 900; i++) {
		assert_int_equal(report_cgroup_sample(r, "/grow<&>.slice", TIME_OF(i), 100000 + 600 * (uint64_t)i,
						      true, 4u * KIB_G), 0);
		assert_int_equal(report_cgroup_sample(r, "/flat.slice", TIME_OF(i), 50000, false, 0), 0);
	}
	struct rcgroup **cg = report_cg_suspects(r, &n, &err);
	assert_int_equal(n, 1);
	assert_string_equal(cg[0]->path, "/grow<&>.slice");
	assert_true(cg[0]->first_t == TIME_OF(300) && cg[0]->first_kb == 100000 + 600 * 300);
	assert_true(cg[0]->flag.first_t >= TIME_OF(300));
	assert_true(cg[0]->have_limit && cg[0]->limit_kb == 4u * KIB_G);
	assert_true(report_has_leak(r));
	free(cg);

	char *html = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&html, &len);
	assert_int_equal(report_write(r, FORMAT_HTML, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(html, "id=\"suspect-cgroup-1\""));
	assert_non_null(strstr(html, "/grow&lt;&amp;&gt;.slice"));
	assert_null(strstr(html, "/grow<"));
	free(html);

	// In CSV a cgroup's row has its section's columns; in JSON its members.
	char *text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(report_write(r, FORMAT_CSV, f), 0);
	assert_int_equal(fclose(f), 0);
	const char *p = strstr(text, "\nsection,kind,");
	char *fields[CSV_MAX_FIELDS];
	assert_non_null(p);
	p++;
	int header = csv_record(&p, fields);
	csv_free(fields, header);
	int rows = 0;
	while (strncmp(p, "suspect,", 8) == 0) {
		int k = csv_record(&p, fields);

		assert_int_equal(k, header);
		if (strcmp(fields[1], "cgroup") == 0) {
			assert_string_equal(fields[2], "/grow<&>.slice");
			assert_string_equal(fields[5], "/grow<&>.slice");
			assert_string_equal(fields[14], "4194304");
			rows++;
		}
		csv_free(fields, k);
	}
	assert_int_equal(rows, 1);
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(report_write(r, FORMAT_JSON, f), 0);
	assert_int_equal(fclose(f), 0);
	p = text;
	assert_true(json_value(&p));
	assert_non_null(strstr(text, "\"cgroup_suspects\": [\n  {\"path\": \"/grow<&>.slice\", \"usage_first_kb\": 280000,"));
	assert_non_null(strstr(text, "\"limit_kb\": 4194304, \"score\": "));
	free(text);
	built_free(b);
}

// A cgroup's rows are its changes: one that levels off has none after, and
// its value is carried (every cgroup_step_s) so that its detector sees the
// plateau, up to the period's end.
static void test_cgroup_plateau_is_carried(void **state)
{
	double last_flag[2];

	(void)state;
	for (int carry = 0; carry < 2; carry++) {
		struct built *b = build(-INFINITY, INFINITY, 0, NSAMPLES - 1);
		size_t n;
		int err;

		b->r->cfg.cgroup_step_s = carry ? 10 : 0;
		// Growth every 10 s for 20 minutes, then flat (no rows).
		for (int i = 0; i < 600; i += 5)
			assert_int_equal(report_cgroup_sample(b->r, "/a.slice", TIME_OF(i), 100000 + 3000 * (uint64_t)i,
							      false, 0), 0);
		assert_int_equal(report_cgroups_end(b->r), 0);
		struct rcgroup **cg = report_cg_suspects(b->r, &n, &err);
		assert_int_equal(n, 1);
		last_flag[carry] = cg[0]->flag.last_t;
		if (carry) {
			// Carried to the end, where the detector no longer flags it.
			assert_true(cg[0]->last_t == TIME_OF(NSAMPLES - 1));
			assert_int_equal(cg[0]->last_kb, 100000 + 3000 * 595);
			assert_false(cg[0]->leak.verdict.suspected);
			assert_true(cg[0]->flag.last_t < TIME_OF(NSAMPLES - 1) - 300);
		} else {
			assert_true(cg[0]->last_t == TIME_OF(595));
		}
		free(cg);
		built_free(b);
	}
	// Without the carry the last row still flagged it and nothing after
	// could clear it; with it the flag lasts until the detector saw the
	// plateau.
	assert_true(last_flag[0] == TIME_OF(595));
	assert_true(last_flag[1] > TIME_OF(595));
}

// ---- the run and the period -----------------------------------------------------------------

static void test_run_whole_recording(void **state)
{
	struct world w;
	struct run r = run_report(&w, NULL, NULL, FORMAT_TABLE, false);

	(void)state;
	assert_int_equal(r.status, 0);
	assert_string_equal(r.msgs, "");
	assert_non_null(strstr(r.out, "memtop report of rec<&>.db, recorded on host<1>"));
	assert_non_null(strstr(r.out, "900 samples"));
	assert_non_null(strstr(r.out, "Suspected leaks: 1 process, 0 cgroups"));
	assert_non_null(strstr(r.out, "pid 100 leak<script>, user u&me, cgroup /x<y>.scope"));
	assert_non_null(strstr(r.out, "command: /bin/leak"));
	assert_non_null(strstr(r.out, "OOM kills: 2\n"));
	assert_non_null(strstr(r.out, "reboot"));
	assert_non_null(strstr(r.out, "Available memory: lowest 1.0G at "));
	assert_non_null(strstr(r.out, " (of 8.0G; 6.0G at the start, 6.0G at the end)\n"));
	assert_non_null(strstr(r.out, "      +15M/min, confidence "));
	// The episode's start and its peak, 30 s later, each in its place.
	char start[24], peak[24], want[128];
	snprintf(want, sizeof want, "  %s  for 60 s, peak some 45.0%%, full 3.0%% at %s, critical\n",
		 report_fmt_time(TIME_OF(500), start, sizeof start), report_fmt_time(TIME_OF(515), peak, sizeof peak));
	assert_non_null(strstr(r.out, want));
	assert_non_null(strstr(r.out, "(PSI avg10: some >= 10% or full >= 5%): 2\n"));
	run_free(&r);
}

static void test_since_until_select_the_period(void **state)
{
	struct world w;
	char since[32], until[32];
	struct run r;

	(void)state;
	snprintf(since, sizeof since, "@%.0f", TIME_OF(450));
	snprintf(until, sizeof until, "@%.0f", TIME_OF(650));
	r = run_report(&w, since, until, FORMAT_JSON, false);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"samples\": 201}"));
	assert_non_null(strstr(r.out, "\"episodes_total\": 1,"));
	assert_non_null(strstr(r.out, "\"total\": 2,"));           // the kills at 600
	assert_null(strstr(r.out, "\"lowest_kb\": 1048576"));       // the dip at 400 is before
	run_free(&r);

	// Ten minutes before the newest sample: samples 599 to 899 (the forms
	// are timeexpr's: util/timeexpr.h).
	r = run_report(&w, "-10m", NULL, FORMAT_JSON, false);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"samples\": 301}"));
	run_free(&r);
	r = run_report(&w, "-600s", "-5m", FORMAT_JSON, false);
	assert_non_null(strstr(r.out, "\"samples\": 151}"));
	run_free(&r);
}

static void test_bad_periods_exit_2(void **state)
{
	static const struct { const char *since, *until, *msg; } cases[] = {
		{ "-1h", "-2h", "memtop: --since -1h is after --until -2h\n" },
		{ "@1800000000", NULL, "memtop: no samples in the period: rec<&>.db holds" },
		{ NULL, "@1600000000", "memtop: no samples in the period" },
		{ "soon", NULL, "memtop: --since soon: " },
		{ NULL, "-5x", "memtop: --until -5x: " },
		{ "@", NULL, "memtop: --since @: " },
	};
	struct world w;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct run r = run_report(&w, cases[i].since, cases[i].until, FORMAT_TABLE, true);

		assert_int_equal(r.status, 2);
		assert_string_equal(r.out, "");
		if (strncmp(r.msgs, cases[i].msg, strlen(cases[i].msg)) != 0 && !strstr(r.msgs, cases[i].msg))
			fail_msg("%s..%s: '%s', want '%s'", cases[i].since, cases[i].until, r.msgs, cases[i].msg);
		assert_int_equal(count_of(r.msgs, "\n"), 1);       // one line
		run_free(&r);
	}
}

static void test_fail_on_leak_exit_3(void **state)
{
	struct world w;
	struct run r = run_report(&w, NULL, NULL, FORMAT_JSON, true);

	(void)state;
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.msgs, "suspected leak"));
	assert_non_null(strstr(r.out, "\"suspects\": [\n  {\"pid\": 100,"));   // the report is written
	run_free(&r);
	// The first ten seconds: nothing flagged yet (the leaker is from 36 s).
	r = run_report(&w, NULL, "-1790s", FORMAT_JSON, true);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"suspects\": [],"));
	run_free(&r);
}

// A clock on which each sample read takes step seconds.
struct slow {
	const struct world *w;
	double step;
};

static double slow_now(void *ctx)
{
	const struct slow *c = ctx;

	return c->w->ticks * c->step;
}

// Reads the whole world with progress on a clock of step seconds a sample;
// returns what the progress line wrote.
static char *progress_of(double step)
{
	struct world w = { .count = NSAMPLES, .index = NSAMPLES - 1 };
	struct slow clock = { &w, step };
	struct monitor m;
	struct report *r = report_new(&(struct report_config){ .since = -INFINITY, .until = INFINITY });
	char *text = NULL;
	size_t len = 0;
	struct report_progress pg = { .f = open_memstream(&text, &len), .now = slow_now, .ctx = &clock,
				      .name = "rec.db" };

	monitor_open_source(&m, (struct source){ .ops = &world_ops, .impl = &w }, LEAK_SENS_NORMAL);
	assert_int_equal(report_collect(r, &m, -INFINITY, INFINITY, &pg), 0);
	assert_int_equal(report_samples(r), NSAMPLES);
	assert_int_equal(fclose(pg.f), 0);
	report_free(r);
	monitor_close(&m);
	return text;
}

// Progress: nothing for a read shorter than a second; a long one rewrites
// one line at most four times a second, its percentage rising to 100, and
// clears it at the end.
static void test_progress_line(void **state)
{
	char *text = progress_of(0.001);          // 900 samples in 0.9 s

	(void)state;
	assert_string_equal(text, "");
	free(text);
	text = progress_of(0.1);                  // 90 s
	assert_true(strncmp(text, "\rmemtop: reading rec.db: ", 25) == 0);
	assert_true(strlen(text) > 4 && strcmp(text + strlen(text) - 4, "\r\033[K") == 0);
	assert_null(strchr(text, '\n'));
	size_t lines = count_of(text, "\rmemtop: reading rec.db: ");
	// (90 - 1) s at most every 0.25 s, on a clock that moves 0.1 s a step.
	assert_true(lines >= 250 && lines <= 89 / 0.25 + 1);
	int last = -1, pct;
	for (const char *p = text; (p = strstr(p, "rec.db: ")); p++) {
		assert_int_equal(sscanf(p, "rec.db: %d%%", &pct), 1);
		assert_true(pct >= last && pct <= 100);
		last = pct;
	}
	assert_true(last >= 99);
	free(text);
}

// ---- the formats ------------------------------------------------------------------------------

static void test_json_is_one_valid_object(void **state)
{
	struct world w;
	struct run r = run_report(&w, NULL, NULL, FORMAT_JSON, false);
	const char *p = r.out;
	char want[128];

	(void)state;
	assert_int_equal(r.status, 0);
	assert_true(r.out[0] == '{');
	if (!json_value(&p))
		fail_msg("invalid JSON at offset %td: %.200s", p - r.out, p);
	assert_string_equal(p, "\n");
	assert_non_null(strstr(r.out, "\"source\": \"rec<&>.db\", \"host\": \"host<1>\""));
	assert_non_null(strstr(r.out, "\"comm\": \"leak<script>\""));
	assert_non_null(strstr(r.out, "\"cmdline\": \"/bin/leak --name=\\\"a&b\\\" 'q' <script>alert(1)</script>\""));
	assert_non_null(strstr(r.out, "\"top_growers\": {\"limit\": 10, \"processes\": [\n  {\"pid\": 100,"));
	assert_non_null(strstr(r.out, "{\"pid\": 300, \"start_ticks\": 13,"));
	snprintf(want, sizeof want, "\"steps\": [{\"time\": %.3f, \"kills\": 2}], \"reboots\": [%.3f]", TIME_OF(600),
		 TIME_OF(800));
	assert_non_null(strstr(r.out, want));
	snprintf(want, sizeof want, "{\"start\": %.3f, \"end\": %.3f, \"duration_s\": 60.0, \"peak_some_avg10\": 45.00",
		 TIME_OF(500), TIME_OF(530));
	assert_non_null(strstr(r.out, want));
	snprintf(want, sizeof want, "\"lowest_kb\": 1048576, \"lowest_time\": %.3f", TIME_OF(400));
	assert_non_null(strstr(r.out, want));
	assert_non_null(strstr(r.out, "\"since\": null, \"until\": null"));
	run_free(&r);
}

// CSV: each section a header row and rows of as many fields, the first the
// section's name; hostile strings quoted.
static void test_csv_sections(void **state)
{
	struct world w;
	struct run r = run_report(&w, NULL, NULL, FORMAT_CSV, false);
	const char *p = r.out;
	int header_n = 0, sections = 0, rows = 0;
	char *fields[CSV_MAX_FIELDS];
	bool saw_hostile = false;

	(void)state;
	assert_int_equal(r.status, 0);
	while (*p) {
		if (*p == '\n') {                  // a blank line between sections
			p++;
			header_n = 0;
			continue;
		}
		int n = csv_record(&p, fields);

		if (strcmp(fields[0], "section") == 0) {
			header_n = n;
			sections++;
		} else {
			assert_int_equal(n, header_n);
			rows++;
			if (strcmp(fields[0], "suspect") == 0) {
				assert_string_equal(fields[2], "100");
				assert_string_equal(fields[3], "leak<script>");
				assert_string_equal(fields[n - 1], leak_cmd);
				saw_hostile = true;
			}
		}
		csv_free(fields, n);
	}
	assert_int_equal(sections, 6);
	assert_true(saw_hostile);
	// summary, suspect, growers, episodes, kill + reboot, the kills the log reported
	assert_int_equal(rows, 1 + 1 + 2 + 2 + 2 + 3);
	assert_non_null(strstr(r.out, "\nsuspect,process,100,leak<script>,u&me,/x<y>.scope,"));
	assert_non_null(strstr(r.out, ",\"/bin/leak --name=\"\"a&b\"\" 'q' <script>alert(1)</script>\"\n"));
	assert_non_null(strstr(r.out, "\noom_kill,"));
	run_free(&r);
}

// HTML: one page, no script, nothing from outside; the charts with their
// ids and titles; every hostile string escaped.
static void test_html_page(void **state)
{
	struct world w;
	struct run r = run_report(&w, NULL, NULL, FORMAT_HTML, false);
	const char *svg;

	(void)state;
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "<!DOCTYPE html>\n", 16) == 0);
	assert_non_null(strstr(r.out, "</html>\n"));
	assert_int_equal(count_of(r.out, "<svg"), 3);
	assert_int_equal(count_of(r.out, "</svg>"), 3);
	assert_non_null(strstr(r.out, "<svg class=\"chart\" id=\"chart-available\""));
	assert_non_null(strstr(r.out, "<svg class=\"chart\" id=\"chart-psi\""));
	svg = strstr(r.out, "<svg class=\"chart\" id=\"suspect-pid-100-11\"");
	assert_non_null(svg);
	assert_non_null(strstr(svg, "<title>pid 100 (leak&lt;script&gt;): anonymous memory</title>"));
	// Nothing hostile gets through, nothing is loaded.
	assert_null(strstr(r.out, "<script"));
	assert_null(strstr(r.out, "http"));
	assert_null(strstr(r.out, "src="));
	assert_null(strstr(r.out, "url("));
	assert_null(strstr(r.out, "@import"));
	assert_non_null(strstr(r.out, "/bin/leak --name=&quot;a&amp;b&quot; &#39;q&#39; &lt;script&gt;alert(1)"
				      "&lt;/script&gt;"));
	assert_non_null(strstr(r.out, "u&amp;me"));
	assert_non_null(strstr(r.out, "/x&lt;y&gt;.scope"));
	assert_non_null(strstr(r.out, "rec&lt;&amp;&gt;.db, recorded on host&lt;1&gt;"));
	// Both machine charts mark the kill and the two episodes.
	assert_int_equal(count_of(r.out, "<line class=\"oom\""), 2);
	assert_int_equal(count_of(r.out, "<rect class=\"episode\""), 4);
	assert_int_equal(count_of(r.out, "<line class=\"reboot\""), 2);
	// Each series is bounded.
	for (const char *p = r.out; (p = strstr(p, "points=\"")); p++) {
		const char *end = strchr(p + 8, '"');
		size_t pts = 1;

		for (const char *q = p + 8; q < end; q++)
			pts += *q == ' ';
		assert_true(pts <= 2 * REPORT_SERIES_MAX);
	}
	run_free(&r);
}

// The HTML page of a report of two samples, index a and b of the world.
static char *html_of_two(size_t a, size_t b)
{
	struct world w = { .count = b + 1 };
	struct monitor m;
	struct report *r = report_new(&(struct report_config){ .since = -INFINITY, .until = INFINITY });
	char *html = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&html, &len);

	monitor_open_source(&m, (struct source){ .ops = &world_live_ops, .impl = &w }, LEAK_SENS_NORMAL);
	for (size_t i = a; i <= b; i += b - a) {
		w.index = i;
		assert_int_equal(monitor_tick(&m), 0);
		assert_int_equal(report_tick(r, &m), 0);
	}
	assert_int_equal(report_write(r, FORMAT_HTML, f), 0);
	assert_int_equal(fclose(f), 0);
	report_free(r);
	monitor_close(&m);
	return html;
}

// Time axes are labelled in local time, on local boundaries, with the date
// when the period spans days.
static void test_time_axis_local(void **state)
{
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL, *html;

	(void)state;
	// 2023-11-14 22:13:20 UTC to 22:43:18: labels every 5 minutes.
	setenv("TZ", "UTC0", 1);
	tzset();
	html = html_of_two(0, NSAMPLES - 1);
	assert_non_null(strstr(html, ">22:15</text>"));
	assert_non_null(strstr(html, ">22:40</text>"));
	assert_null(strstr(html, ">22:13</text>"));
	free(html);
	setenv("TZ", "IST-5:30", 1);               // UTC+5:30
	tzset();
	html = html_of_two(0, NSAMPLES - 1);
	assert_non_null(strstr(html, ">03:45</text>"));
	assert_null(strstr(html, ">22:15</text>"));
	free(html);
	// Three days: a label every 12 hours, from local midnight, with the date.
	setenv("TZ", "UTC0", 1);
	tzset();
	html = html_of_two(0, 130000);
	assert_non_null(strstr(html, ">Nov 15 00:00</text>"));
	assert_non_null(strstr(html, ">Nov 16 12:00</text>"));
	assert_null(strstr(html, ">Nov 15 06:00</text>"));
	free(html);
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
}

// With --no-cmdline the command lines stay out of every format.
static void test_no_cmdline(void **state)
{
	static const enum output_format fmts[] = { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV, FORMAT_HTML };
	struct built *b;

	(void)state;
	for (size_t k = 0; k < 4; k++) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		b = calloc(1, sizeof *b);
		b->w = (struct world){ .count = NSAMPLES };
		monitor_open_source(&b->m, (struct source){ .ops = &world_live_ops, .impl = &b->w }, LEAK_SENS_NORMAL);
		b->r = report_new(&(struct report_config){ .since = -INFINITY, .until = INFINITY, .no_cmdline = true });
		for (size_t i = 0; i < NSAMPLES; i++) {
			b->w.index = i;
			assert_int_equal(monitor_tick(&b->m), 0);
			assert_int_equal(report_tick(b->r, &b->m), 0);
		}
		assert_int_equal(report_write(b->r, fmts[k], f), 0);
		assert_int_equal(fclose(f), 0);
		assert_null(strstr(out, "/bin/leak"));
		assert_null(strstr(out, "--quiet"));
		assert_non_null(strstr(out, "leak"));
		free(out);
		built_free(b);
	}
}

// A failed write is returned as -errno, in every format.
static void test_write_errors(void **state)
{
	static const enum output_format fmts[] = { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV, FORMAT_HTML };
	struct built *b = build(-INFINITY, INFINITY, 0, 200);

	(void)state;
	for (size_t k = 0; k < 4; k++) {
		FILE *f = fopen("/dev/full", "w");

		assert_non_null(f);
		assert_int_equal(report_write(b->r, fmts[k], f), -ENOSPC);
		fclose(f);
	}
	built_free(b);
}

// An empty period (a report fed nothing) still writes each format whole.
static void test_empty_report(void **state)
{
	static const enum output_format fmts[] = { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV, FORMAT_HTML };
	struct report *r = report_new(&(struct report_config){ .since = -INFINITY, .until = INFINITY });

	(void)state;
	for (size_t k = 0; k < 4; k++) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		assert_int_equal(report_write(r, fmts[k], f), 0);
		assert_int_equal(fclose(f), 0);
		if (fmts[k] == FORMAT_JSON) {
			const char *p = out;

			assert_true(json_value(&p));
			assert_non_null(strstr(out, "\"first_sample\": null"));
		}
		assert_true(len > 0);
		free(out);
	}
	report_free(r);
}

// ---- the kills the kernel log reported ----------------------------------------------------

// The collector keeps each kill of the period once: from the first sample
// (a move: every kill up to it, the log's backlog before the period's start
// with it when the period is open), then each at the sample that recorded
// it; --since leaves out those before it, however they are handed up.
static void test_oom_victims_gathered(void **state)
{
	(void)state;
	struct built *b = build(-INFINITY, INFINITY, 0, NSAMPLES - 1);

	assert_int_equal(b->r->nvictims, 3);
	assert_int_equal(b->r->victims_total, 3);
	assert_int_equal(b->r->log_samples, NSAMPLES);
	assert_string_equal(b->r->victims[0].comm, "early");
	assert_false(b->r->victims[0].since_start);
	assert_string_equal(b->r->victims[1].comm, victim_comm);
	assert_true(b->r->victims[1].t == TIME_OF(610) - 0.5);
	assert_int_equal(b->r->victims[1].pid, VICTIM_PID + 1);
	assert_string_equal(b->r->victims[1].oom_memcg, "/lim&it");
	assert_int_equal(b->r->victims[2].scope, OOM_SCOPE_GLOBAL);
	built_free(b);
	// Started in the middle: all up to the first sample come at once.
	b = build(TIME_OF(300), INFINITY, 300, NSAMPLES - 1);
	assert_int_equal(b->r->nvictims, 2);
	assert_string_equal(b->r->victims[0].comm, victim_comm);
	built_free(b);
	b = build(TIME_OF(611) - 1, INFINITY, 600, NSAMPLES - 1);
	assert_int_equal(b->r->nvictims, 1);
	assert_string_equal(b->r->victims[0].comm, "second");
	built_free(b);
	// Ends before them.
	b = build(-INFINITY, TIME_OF(609), 0, 609);
	assert_int_equal(b->r->nvictims, 1);
	built_free(b);
	// Handed up again (after moves that are not steps): kept once.
	b = build(-INFINITY, INFINITY, 0, 699);
	for (size_t i = 700; i < NSAMPLES; i++) {
		b->w.index = i;
		b->w.moved = i % 50 == 0;
		assert_int_equal(monitor_tick(&b->m), 0);
		assert_int_equal(report_tick(b->r, &b->m), 0);
	}
	assert_int_equal(b->r->nvictims, 3);
	assert_int_equal(b->r->victims_total, 3);
	built_free(b);
}

// Each format lists them; the HTML page marks those in its span on every
// chart's time axis with the victim's name, escaped.
static void test_oom_victims_written(void **state)
{
	(void)state;
	struct world w;
	struct run r = run_report(&w, NULL, NULL, FORMAT_TABLE, false);
	char want[400];

	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\nOOM kills the kernel log reported: 3\n"));
	assert_non_null(strstr(r.out, "hog<b>&\"x' (pid 4243, uid 1000): anon 195M, file 300K, shmem 7K; memcg, in "
			       "/x<y>.scope (limit of /lim&it); asked for by trig<\n"));
	assert_non_null(strstr(r.out, "early (pid 4242, uid 1000)"));
	assert_non_null(strstr(r.out, "(before the recording started)\n"));
	assert_non_null(strstr(r.out, "second (pid 4244): anon 293M"));
	run_free(&r);

	r = run_report(&w, NULL, NULL, FORMAT_JSON, false);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"log\": \"read\", \"victims_total\": 3, \"victims\": [{"));
	snprintf(want, sizeof want, "{\"time\": %.3f, \"pid\": 4243, \"uid\": 1000, \"comm\": \"hog<b>&\\\"x'\","
		 " \"scope\": \"memcg\", \"constraint\": \"CONSTRAINT_MEMCG\", \"oom_memcg\": \"/lim&it\","
		 " \"task_memcg\": \"/x<y>.scope\", \"total_vm_kb\": 900000, \"anon_rss_kb\": 200000,"
		 " \"file_rss_kb\": 300, \"shmem_rss_kb\": 7, \"oom_score_adj\": 300, \"trigger_comm\": \"trig<\","
		 " \"memcg_usage_kb\": 65536, \"memcg_limit_kb\": 65536, \"since_start\": true}", TIME_OF(610) - 0.5);
	assert_non_null(strstr(r.out, want));
	assert_non_null(strstr(r.out, "\"uid\": null, \"comm\": \"second\", \"scope\": \"global\", \"constraint\": null"));
	run_free(&r);

	r = run_report(&w, NULL, NULL, FORMAT_CSV, false);
	assert_int_equal(count_of(r.out, "\noom_victim,"), 3);
	assert_non_null(strstr(r.out, ",4243,1000,\"hog<b>&\"\"x'\",memcg,CONSTRAINT_MEMCG,/lim&it,/x<y>.scope,"
			       "900000,200000,300,7,300,trig<,1\n"));
	run_free(&r);

	r = run_report(&w, NULL, NULL, FORMAT_HTML, false);
	// Two charts of the machine, two kills in their span (the backlog's
	// is before it: in the table only).
	assert_int_equal(count_of(r.out, "<line class=\"victim\""), 4);
	assert_int_equal(count_of(r.out, "<text class=\"victim\""), 4);
	assert_int_equal(count_of(r.out, ">hog&lt;b&gt;&amp;&quot;x&#39;</text>"), 2);
	assert_non_null(strstr(r.out, "<title>OOM kill of hog&lt;b&gt;&amp;&quot;x&#39; (pid 4243)"));
	assert_null(strstr(r.out, "hog<b>"));
	assert_null(strstr(r.out, "trig<"));
	assert_non_null(strstr(r.out, "early (before the recording)</td>"));
	run_free(&r);
}

// A recorder that could not read the kernel log (not root): the report
// says the kills are unknown, not that there were none.
static void test_oom_victims_log_not_read(void **state)
{
	(void)state;
	struct built *b = calloc(1, sizeof *b);
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	assert_non_null(b);
	b->w = (struct world){ .count = NSAMPLES, .log_err = -EPERM };
	monitor_open_source(&b->m, (struct source){ .ops = &world_live_ops, .impl = &b->w }, LEAK_SENS_NORMAL);
	b->r = report_new(&(struct report_config){ .since = -INFINITY, .until = INFINITY, .source_name = "x" });
	for (size_t i = 0; i < 700; i++) {
		b->w.index = i;
		assert_int_equal(monitor_tick(&b->m), 0);
		assert_int_equal(report_tick(b->r, &b->m), 0);
	}
	assert_int_equal(b->r->nvictims, 0);
	assert_int_equal(b->r->log_denied, 700);
	assert_non_null(f = open_memstream(&out, &len));
	assert_int_equal(report_write(b->r, FORMAT_TABLE, f), 0);
	fclose(f);
	assert_non_null(strstr(out, "OOM kills the kernel log reported: unknown (the recorder was not allowed"));
	free(out);
	assert_non_null(f = open_memstream(&out, &len));
	assert_int_equal(report_write(b->r, FORMAT_JSON, f), 0);
	fclose(f);
	assert_non_null(strstr(out, "\"log\": \"not_permitted\", \"victims_total\": 0, \"victims\": []"));
	free(out);
	built_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collector_gathers_the_period),
		cmocka_unit_test(test_suspect_series_has_the_growth_before_the_flag),
		cmocka_unit_test(test_series_bounded_keeps_extremes),
		cmocka_unit_test(test_memory_bounded_under_churn),
		cmocka_unit_test(test_psi_levels_are_the_screens),
		cmocka_unit_test(test_cgroups),
		cmocka_unit_test(test_cgroup_plateau_is_carried),
		cmocka_unit_test(test_run_whole_recording),
		cmocka_unit_test(test_since_until_select_the_period),
		cmocka_unit_test(test_bad_periods_exit_2),
		cmocka_unit_test(test_fail_on_leak_exit_3),
		cmocka_unit_test(test_progress_line),
		cmocka_unit_test(test_json_is_one_valid_object),
		cmocka_unit_test(test_csv_sections),
		cmocka_unit_test(test_html_page),
		cmocka_unit_test(test_time_axis_local),
		cmocka_unit_test(test_no_cmdline),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_empty_report),
		cmocka_unit_test(test_oom_victims_gathered),
		cmocka_unit_test(test_oom_victims_written),
		cmocka_unit_test(test_oom_victims_log_not_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
