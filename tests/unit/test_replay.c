/* test_replay.c — memtop -r and --history: a scripted world played through
 * the monitor and recorded, then read back through the recorded source.
 * Stepping through the recording gives, tick by tick, the model the live
 * monitor had (rows, names, deltas, leak verdicts); a jump into the middle
 * gives it again from the recording alone (seeded detectors); history
 * seeds a live start; a file still being written is followed; version 1
 * files are read; bad files are refused with one line. */
#include "fixture.h"

#include <math.h>
#include <sqlite3.h>
#include <unistd.h>

#include "model/monitor.h"
#include "output/report.h"
#include "store/recorder.h"
#include "store/recording.h"
#include "store/replay.h"

#define WORLD_MAX 16

struct wproc {
	int pid;
	uint64_t start, anon, rss, swap;
	int oom;
	bool alive, detail;
	unsigned gen;              // which of its two name buffers is current
	uint16_t execs;            // the programs it has run since the first
	double born;               // when its program's memory started (0: t0)
	char comm[16], cmd[48];
	char *long_cmd;            // instead of cmd when set
	bool cut;                  // its command line was cut, as the sampler says
	double rate_kb_s;          // anonymous growth
	double noise_kb;           // a saw on top, period 7 s
	const char *cg;            // its memory cgroup
};

struct world {
	double t;                  // wall seconds
	size_t n;
	struct wproc w[WORLD_MAX];
	struct proc_sample s[WORLD_MAX];
	const struct proc_sample *p[WORLD_MAX];
	char names[WORLD_MAX][4][64];   // each tick's names, a new buffer when they change
	double t0;
	uint64_t avail_kb;
	unsigned ticks;            // ticks so far: every third reads the cgroups
	struct cgroup_reading cg[2];
	// The OOM kills the next tick hands up (kills_n of them), and the
	// kernel log's state.
	struct oom_kill *kills;
	size_t kills_n;
	int oom_err;
};

static const char *const world_cgroups[2] = { "/a.slice", "/b.slice/svc.service" };

static int world_tick(void *impl, struct snapshot *out)
{
	struct world *wd = impl;
	size_t k = 0;

	for (size_t i = 0; i < wd->n; i++) {
		struct wproc *w = &wd->w[i];
		double age = wd->t - (w->born > 0 ? w->born : wd->t0);
		uint64_t saw = w->noise_kb > 0 ? (uint64_t)(fmod(age, 7.0) / 7.0 * w->noise_kb) : 0;

		if (!w->alive)
			continue;
		w->anon = (uint64_t)(4096 + w->rate_kb_s * age) + saw;
		w->rss = w->anon + 2048;
		// A changed name gets another buffer, as the sampler gives it.
		if (strcmp(wd->names[i][w->gen % 2], w->comm) != 0)
			snprintf(wd->names[i][++w->gen % 2], 64, "%s", w->comm);
		wd->s[k] = (struct proc_sample){
			.pid = w->pid, .ppid = 1, .start_ticks = w->start, .rss_kb = w->rss, .anon_kb = w->anon,
			.shared_kb = 2048, .swap_kb = w->swap, .have_detail = w->detail, .oom_score = w->oom,
			.oom_score_adj = 0, .comm = wd->names[i][w->gen % 2],
			.cmdline = w->long_cmd ? w->long_cmd : w->cmd, .cmdline_cut = w->cut,
			.cgroup = (char *)w->cg,
			.exe = "/bin/x", .user = "root", .start_time_s = (double)w->start / 100,
			.exec_gen = w->execs,
		};
		wd->p[k] = &wd->s[k];
		k++;
	}
	// Sorted by pid, as a source hands them up (a reused pid is added last).
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && wd->p[j - 1]->pid > wd->p[j]->pid; j--) {
			const struct proc_sample *x = wd->p[j];

			wd->p[j] = wd->p[j - 1];
			wd->p[j - 1] = x;
		}
	*out = (struct snapshot){ .procs = wd->p, .nprocs = k };
	// Every third tick reads the two cgroups, as the sampler does every
	// cgroup_every_s: /a.slice's own anon grows 2 KiB/s on top of a
	// level, the service's has no memory.stat (its processes' sum).
	if (wd->ticks++ % 3 == 0) {
		uint64_t age = (uint64_t)(wd->t - wd->t0);

		wd->cg[0] = (struct cgroup_reading){ .path = world_cgroups[0], .have_usage = true,
						     .usage_kb = 100000 + age, .have_limit = true,
						     .limit_kb = 1u << 20, .have_anon = true,
						     .anon_kb = 50000 + 2 * age, .have_pressure = true };
		wd->cg[0].pressure.some = (struct psi_line){ .valid = true, .avg10 = (double)(age % 7) };
		wd->cg[0].pressure.full = (struct psi_line){ .valid = true, .avg10 = 0.5 };
		// Its own OOM kill counter moves now and then; the service has none.
		wd->cg[0].have_oom_kill = true;
		wd->cg[0].oom_kill = age / 100;
		wd->cg[1] = (struct cgroup_reading){ .path = world_cgroups[1], .have_usage = true,
						     .usage_kb = 7000, .have_limit = true, .unlimited = true };
		out->cgroups = wd->cg;
		out->ncgroups = 2;
		out->cgroups_read = true;
	}
	out->sys = (struct sys_sample){ .wall_time = wd->t, .mono_time = wd->t - 1.7e9 + 5000,
					.have_meminfo = true, .total_kb = 8u << 20,
					.available_kb = wd->avail_kb, .free_kb = 1u << 20,
					.have_oom_kill = true, .oom_kill = 2, .oom_log_err = wd->oom_err };
	if (wd->oom_err == 0) {
		out->oom_kills = wd->kills;
		out->noom_kills = wd->kills_n;
	}
	return 0;
}

static void world_close(void *impl)
{
	(void)impl;
}

static const struct source_ops world_ops = { .name = "world", .tick = world_tick, .close = world_close };

static struct wproc *world_add(struct world *wd, int pid, const char *comm, double rate, double noise)
{
	struct wproc *w = &wd->w[wd->n++];

	assert_true(wd->n <= WORLD_MAX);
	*w = (struct wproc){ .pid = pid, .start = (uint64_t)pid * 11, .alive = true, .detail = true,
			     .rate_kb_s = rate, .noise_kb = noise, .oom = pid % 50,
			     .cg = world_cgroups[pid >= 500] };
	snprintf(w->comm, sizeof w->comm, "%s", comm);
	snprintf(w->cmd, sizeof w->cmd, "/usr/bin/%s -x", comm);
	return w;
}

// What one tick of a monitor showed of one process.
struct row {
	int pid;
	uint64_t rss, anon, swap;
	int oom;
	int64_t delta_rss;
	bool have_delta, suspected, have_rate;
	double score, rate;
	char comm[16];
};

// What it showed of one cgroup.
struct cgrow {
	char path[32];
	size_t nprocs;
	uint64_t anon, usage, limit, own_anon;
	bool have_usage, unlimited, have_own, have_pressure, suspected, have_rate, have_delta, have_oom_kill;
	uint64_t oom_kill;
	double psi, score, rate;
	int64_t delta;
};

struct frame {
	double wall;
	size_t n;
	struct row r[WORLD_MAX];
	size_t ncg;
	struct cgrow cg[4];
	double eta;
	uint64_t avail;
};

static void capture(const struct monitor *m, struct frame *f)
{
	memset(f, 0, sizeof *f);
	f->wall = m->snap.sys.wall_time;
	f->avail = m->snap.sys.available_kb;
	f->eta = m->sys.eta_s;
	for (size_t i = 0; i < m->table.n && i < WORLD_MAX; i++) {
		const struct proc *p = &m->table.v[i];
		struct row *r = &f->r[f->n++];

		*r = (struct row){ .pid = p->pid, .rss = p->s->rss_kb, .anon = p->s->anon_kb,
				   .swap = p->s->swap_kb, .oom = p->s->oom_score, .delta_rss = p->delta_rss_kb,
				   .have_delta = p->have_delta, .suspected = p->verdict.suspected,
				   .have_rate = p->verdict.have_rate, .score = p->verdict.score,
				   .rate = p->verdict.rate_kb_per_min };
		snprintf(r->comm, sizeof r->comm, "%s", p->s->comm);
	}
	for (size_t i = 0; i < m->cgroups.n && i < 4; i++) {
		const struct cgroup_row *g = &m->cgroups.v[i];
		struct cgrow *c = &f->cg[f->ncg++];

		*c = (struct cgrow){ .nprocs = g->nprocs, .anon = g->anon_kb, .usage = g->usage_kb,
				     .limit = g->limit_kb, .own_anon = g->own_anon_kb, .have_usage = g->have_usage,
				     .unlimited = g->unlimited, .have_own = g->have_own_anon,
				     .have_pressure = g->have_pressure, .suspected = g->verdict.suspected,
				     .have_rate = g->verdict.have_rate, .have_delta = g->have_delta,
				     .psi = g->have_pressure ? g->pressure.some.avg10 : 0, .score = g->verdict.score,
				     .rate = g->verdict.rate_kb_per_min, .delta = g->delta_kb,
				     .have_oom_kill = g->have_oom_kill, .oom_kill = g->oom_kill };
		snprintf(c->path, sizeof c->path, "%s", g->path);
	}
}

// The cgroup rows of two frames: the same readings, sums and verdicts.
static void assert_cgroups_equal(const struct frame *a, const struct frame *b)
{
	assert_int_equal(a->ncg, b->ncg);
	for (size_t i = 0; i < a->ncg; i++) {
		const struct cgrow *x = &a->cg[i], *y = &b->cg[i];

		assert_string_equal(x->path, y->path);
		assert_int_equal(x->nprocs, y->nprocs);
		assert_int_equal(x->anon, y->anon);
		assert_int_equal(x->have_usage, y->have_usage);
		assert_int_equal(x->usage, y->usage);
		assert_int_equal(x->unlimited, y->unlimited);
		assert_int_equal(x->limit, y->limit);
		assert_int_equal(x->have_own, y->have_own);
		assert_int_equal(x->own_anon, y->own_anon);
		assert_int_equal(x->have_pressure, y->have_pressure);
		assert_true(fabs(x->psi - y->psi) < 1e-9);
		assert_int_equal(x->have_oom_kill, y->have_oom_kill);
		assert_int_equal(x->oom_kill, y->oom_kill);
		if (x->suspected != y->suspected)
			fail_msg("t=%.0f cgroup %s: live %s, replay %s", a->wall, x->path,
				 x->suspected ? "suspected" : "not", y->suspected ? "suspected" : "not");
		assert_int_equal(x->have_rate, y->have_rate);
		assert_true(fabs(x->score - y->score) < 1e-9);
		assert_true(fabs(x->rate - y->rate) < 1e-6);
		assert_int_equal(x->have_delta, y->have_delta);
		assert_int_equal(x->delta, y->delta);
	}
}

// Compares two frames; with verdicts_only, the rows' values and verdicts
// but not what only a step from the previous sample gives (the delta).
static void assert_frames_equal(const struct frame *a, const struct frame *b, bool with_delta)
{
	assert_true(fabs(a->wall - b->wall) < 0.0015);
	assert_int_equal(a->avail, b->avail);
	// The machine's model too: its trend of available memory.
	if (fabs(a->eta - b->eta) > 1e-6)
		fail_msg("t=%.0f: time to exhaustion live %.1f, replay %.1f", a->wall, a->eta, b->eta);
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct row *x = &a->r[i], *y = &b->r[i];

		assert_int_equal(x->pid, y->pid);
		assert_string_equal(x->comm, y->comm);
		assert_int_equal(x->rss, y->rss);
		assert_int_equal(x->anon, y->anon);
		assert_int_equal(x->swap, y->swap);
		assert_int_equal(x->oom, y->oom);
		if (x->suspected != y->suspected)
			fail_msg("t=%.0f pid %d: live %s, replay %s", a->wall, x->pid,
				 x->suspected ? "suspected" : "not", y->suspected ? "suspected" : "not");
		assert_int_equal(x->have_rate, y->have_rate);
		assert_true(fabs(x->score - y->score) < 1e-9);
		assert_true(fabs(x->rate - y->rate) < 1e-6);
		if (with_delta) {
			assert_int_equal(x->have_delta, y->have_delta);
			assert_int_equal(x->delta_rss, y->delta_rss);
		}
	}
}

// A recorded world: a fast leaker, a slow leaker, a flat process with a
// saw, one that exits, a pid reused by another program, a rename, and a
// leaker that execs a flat program of the same name (a new record live).
struct bench {
	char dir[64], path[96];
	struct world wd;
	struct monitor m;
	struct recorder *r;
	struct record_policy pol;
	struct record_host host;
	struct frame *live;       // what the live monitor showed at each tick
	size_t nlive;
};

static struct bench *bench_new(size_t ticks)
{
	struct bench *b = calloc(1, sizeof *b);
	char err[512];

	assert_non_null(b);
	snprintf(b->dir, sizeof b->dir, "/tmp/memtop-replay-XXXXXX");
	assert_non_null(mkdtemp(b->dir));
	snprintf(b->path, sizeof b->path, "%s/rec.db", b->dir);
	b->wd.t = b->wd.t0 = 1.7e9;
	b->wd.avail_kb = 6u << 20;
	monitor_open_source(&b->m, (struct source){ .ops = &world_ops, .impl = &b->wd }, LEAK_SENS_NORMAL);
	record_policy_defaults(&b->pol);
	b->pol.log = NULL;
	snprintf(b->host.boot_id, sizeof b->host.boot_id, "boot-1");
	snprintf(b->host.hostname, sizeof b->host.hostname, "testhost");
	b->host.boot_time = 1.6e9;
	b->r = recorder_open(b->path, &b->pol, &b->host, err, sizeof err);
	if (!b->r)
		fail_msg("recorder_open: %s", err);
	b->live = calloc(ticks, sizeof *b->live);
	assert_non_null(b->live);
	return b;
}

// Plays the world for ticks samples dt apart, recording each and keeping
// what the live monitor showed.
static void bench_play(struct bench *b, size_t ticks, double dt)
{
	struct world *wd = &b->wd;

	world_add(wd, 100, "fastleak", 300, 0);
	world_add(wd, 200, "slowleak", 6, 200);
	world_add(wd, 300, "flat", 0, 900);
	struct wproc *quitter = world_add(wd, 400, "quitter", 0, 0);
	struct wproc *renamed = world_add(wd, 500, "before", 1, 0);
	struct wproc *execer = world_add(wd, 600, "execer", 250, 0);

	for (size_t i = 0; i < ticks; i++) {
		if (i == ticks / 3) {
			quitter->alive = false;
			// Its pid, reused by another program.
			struct wproc *w = world_add(wd, 400, "reuser", 50, 0);

			w->start = 999;
		}
		if (i == ticks / 2)
			snprintf(renamed->comm, sizeof renamed->comm, "after");
		if (i == ticks * 2 / 3) {
			execer->execs++;
			execer->born = wd->t;
			execer->rate_kb_s = 20;
		}
		if (i % 40 == 0)
			wd->avail_kb -= 1024;
		assert_int_equal(monitor_tick(&b->m), 0);
		assert_int_equal(recorder_write(b->r, &b->m), RECORD_WRITTEN);
		capture(&b->m, &b->live[b->nlive++]);
		wd->t += dt;
	}
}

static void bench_free(struct bench *b)
{
	char cmd[160];

	recorder_close(b->r);
	monitor_close(&b->m);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", b->dir);
	assert_int_equal(system(cmd), 0);
	free(b->live);
	free(b);
}

static void open_replay(struct monitor *m, const char *path, double start)
{
	struct replay_options o = { .boot_id = "boot-1", .start_t = start };
	struct source src;
	char err[512];

	if (replay_open(&src, path, &o, err, sizeof err) < 0)
		fail_msg("replay_open: %s", err);
	monitor_open_source(m, src, LEAK_SENS_NORMAL);
}

// The index of the live frame at wall time t.
static size_t live_at(const struct bench *b, double t)
{
	for (size_t i = 0; i < b->nlive; i++)
		if (fabs(b->live[i].wall - t) < 0.0015)
			return i;
	fail_msg("no live frame at %.3f", t);
	return 0;
}

static void test_stepping_equals_live(void **state)
{
	(void)state;
	struct bench *b = bench_new(900);
	struct monitor m;
	struct frame f;
	struct source_timeline tl;
	bool flagged = false, cg_flagged = false;

	bench_play(b, 900, 1.0);
	open_replay(&m, b->path, 0);
	assert_int_equal(monitor_tick(&m), 0);
	for (size_t i = 0;; i++) {
		capture(&m, &f);
		assert_frames_equal(&b->live[i], &f, true);
		assert_cgroups_equal(&b->live[i], &f);
		for (size_t k = 0; k < f.n; k++)
			flagged |= f.r[k].suspected;
		for (size_t k = 0; k < f.ncg; k++)
			cg_flagged |= f.cg[k].suspected;
		assert_true(monitor_timeline(&m, &tl));
		assert_int_equal(tl.index, i);
		assert_true(tl.this_boot);
		assert_string_equal(tl.host, "testhost");
		int rc = monitor_move(&m, SOURCE_MOVE_STEP, 1);

		if (rc == 1) {
			assert_int_equal(i, 899);      // the end: nothing moved, nothing ticked
			break;
		}
		assert_int_equal(rc, 0);
	}
	assert_true(flagged);                         // the verdicts compared include a leak
	assert_true(cg_flagged);                      // ... and a cgroup's (/a.slice's own growth)
	monitor_close(&m);
	bench_free(b);
}

// A jump: the recorded source starts a few minutes before the target,
// seeds each process's detector from the recording, and ticks on. What it
// shows at the target is what the live monitor showed.
static void test_jump_equals_live(void **state)
{
	(void)state;
	struct bench *b = bench_new(2000);
	struct monitor m;
	struct frame f;
	const double targets[] = { 1.7e9 + 1500, 1.7e9 + 700, 1.7e9 + 1999, 1.7e9 + 10, 1.7e9 + 1200 };

	bench_play(b, 2000, 1.0);
	open_replay(&m, b->path, -1);
	assert_int_equal(monitor_tick(&m), 0);     // opened at the newest sample
	capture(&m, &f);
	assert_frames_equal(&b->live[1999], &f, true);
		assert_cgroups_equal(&b->live[1999], &f);
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		assert_int_equal(monitor_move(&m, SOURCE_MOVE_TIME, targets[i]), 0);
		capture(&m, &f);
		assert_frames_equal(&b->live[live_at(b, targets[i])], &f, true);
		assert_cgroups_equal(&b->live[live_at(b, targets[i])], &f);
	}
	// Back by one sample, and on by one: a jump and a step.
	assert_int_equal(monitor_move(&m, SOURCE_MOVE_STEP, -1), 0);
	capture(&m, &f);
	assert_frames_equal(&b->live[1199], &f, true);
		assert_cgroups_equal(&b->live[1199], &f);
	assert_int_equal(monitor_move(&m, SOURCE_MOVE_STEP, 1), 0);
	capture(&m, &f);
	assert_frames_equal(&b->live[1200], &f, true);
		assert_cgroups_equal(&b->live[1200], &f);
	// Home and End.
	assert_int_equal(monitor_move(&m, SOURCE_MOVE_FIRST, 0), 0);
	capture(&m, &f);
	assert_frames_equal(&b->live[0], &f, true);
		assert_cgroups_equal(&b->live[0], &f);
	assert_int_equal(monitor_move(&m, SOURCE_MOVE_FIRST, 0), 1);
	assert_int_equal(monitor_move(&m, SOURCE_MOVE_LAST, 0), 0);
	capture(&m, &f);
	assert_frames_equal(&b->live[1999], &f, true);
		assert_cgroups_equal(&b->live[1999], &f);
	// Outside the recording: nothing moves.
	assert_int_equal(monitor_move(&m, SOURCE_MOVE_TIME, 1.7e9 - 3600), -ERANGE);
	assert_int_equal(monitor_move(&m, SOURCE_MOVE_TIME, 1.7e9 + 9000), -ERANGE);
	monitor_close(&m);
	bench_free(b);
}

// Hours at 5 s: a jump's seeding reads the slow tier's past from the
// rollup (150 s buckets), and the verdict at the target is live's.
static void test_jump_uses_rollup(void **state)
{
	(void)state;
	const size_t ticks = 3 * 720;                 // three hours
	struct bench *b = bench_new(ticks);
	struct monitor m;
	struct frame f;
	sqlite3 *db;
	sqlite3_stmt *st;

	bench_play(b, ticks, 5.0);
	recorder_close(b->r);
	b->r = NULL;
	assert_int_equal(sqlite3_open_v2(b->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM envelope WHERE res = 150", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_true(sqlite3_column_int(st, 0) > 100);
	sqlite3_finalize(st);
	sqlite3_close(db);
	open_replay(&m, b->path, -1);
	for (double t = 1.7e9 + 3 * 3600 - 5; t > 1.7e9 + 1800; t -= 1333) {
		size_t i = live_at(b, floor((t - 1.7e9) / 5) * 5 + 1.7e9);

		assert_int_equal(monitor_move(&m, SOURCE_MOVE_TIME, t) < 0, false);
		capture(&m, &f);
		assert_frames_equal(&b->live[i], &f, true);
		assert_cgroups_equal(&b->live[i], &f);
	}
	monitor_close(&m);
	bench_free(b);
}

// History on start-up: a live monitor of the same boot, started with the
// recording's past, flags the slow leaker on its first tick; without it,
// it does not.
static void test_history_seeds_first_tick(void **state)
{
	(void)state;
	const size_t ticks = 1440;                    // two hours at 5 s
	struct bench *b = bench_new(ticks);
	struct monitor m;
	struct source hist;
	char err[512];
	struct frame f;

	bench_play(b, ticks, 5.0);
	assert_true(b->live[ticks - 1].r[1].suspected);        // the slow leaker, live
	// A new live monitor at the next moment, on the same clock.
	monitor_open_source(&m, (struct source){ .ops = &world_ops, .impl = &b->wd }, LEAK_SENS_NORMAL);
	assert_int_equal(history_open(&hist, b->path, "boot-1", b->wd.t, err, sizeof err), 0);
	monitor_set_history(&m, hist);
	assert_int_equal(monitor_tick(&m), 0);
	capture(&m, &f);
	assert_int_equal(f.r[1].pid, 200);
	assert_true(f.r[1].suspected);
	assert_true(f.r[0].suspected);
	assert_false(f.r[2].suspected);
	assert_true(fabs(f.r[1].rate - b->live[ticks - 1].r[1].rate) < 0.1 * b->live[ticks - 1].r[1].rate);
	// /a.slice's own growth too, from its recorded readings.
	assert_true(b->live[ticks - 1].cg[0].suspected);
	assert_string_equal(f.cg[0].path, "/a.slice");
	assert_true(f.cg[0].suspected);
	assert_true(fabs(f.cg[0].rate - b->live[ticks - 1].cg[0].rate) < 0.1 * b->live[ticks - 1].cg[0].rate);
	monitor_close(&m);
	// Without it: nothing on the first tick.
	monitor_open_source(&m, (struct source){ .ops = &world_ops, .impl = &b->wd }, LEAK_SENS_NORMAL);
	assert_int_equal(monitor_tick(&m), 0);
	capture(&m, &f);
	assert_false(f.r[1].suspected);
	assert_false(f.cg[0].suspected);
	monitor_close(&m);
	// Another boot's recording gives no history.
	assert_int_equal(history_open(&hist, b->path, "boot-2", b->wd.t, err, sizeof err), -ENOENT);
	assert_non_null(strstr(err, "no sample of this boot"));
	bench_free(b);
}

// A file still being written: End follows it; a replay of another boot
// says so.
static void test_follow_and_other_boot(void **state)
{
	(void)state;
	struct bench *b = bench_new(120);
	struct monitor m;
	struct source_timeline tl;
	struct replay_options o = { .boot_id = "another-boot", .start_t = -1 };
	struct source src;
	char err[512];

	bench_play(b, 60, 1.0);
	assert_int_equal(replay_open(&src, b->path, &o, err, sizeof err), 0);
	monitor_open_source(&m, src, LEAK_SENS_NORMAL);
	assert_int_equal(monitor_tick(&m), 0);
	assert_true(monitor_timeline(&m, &tl));
	assert_int_equal(tl.count, 60);
	assert_true(tl.follow);                       // the recorder holds the file
	assert_true(tl.writing);
	assert_false(tl.this_boot);
	// The writer goes on; End moves to its newest sample.
	for (int i = 0; i < 10; i++) {
		assert_int_equal(monitor_tick(&b->m), 0);
		assert_int_equal(recorder_write(b->r, &b->m), RECORD_WRITTEN);
		b->wd.t += 1;
	}
	assert_int_equal(monitor_move(&m, SOURCE_MOVE_LAST, 0), 0);
	assert_true(monitor_timeline(&m, &tl));
	assert_int_equal(tl.count, 70);
	assert_int_equal(tl.index, 69);
	assert_true(fabs(m.snap.sys.wall_time - (b->wd.t - 1)) < 0.002);
	assert_int_equal(monitor_move(&m, SOURCE_MOVE_LAST, 0), 1);      // nothing newer
	monitor_close(&m);
	bench_free(b);
}

// Following a file whose writer thins it under the reader (its oldest
// samples go): End reads the index again and ticks; the snapshot the
// monitor holds stays valid until then (the screen drew a suspect's name
// freed by the re-index: ASan saw it in the soak).
static void test_follow_while_thinned(void **state)
{
	(void)state;
	struct bench *b = bench_new(120);
	struct monitor m;
	struct source_timeline tl;
	sqlite3 *db;
	size_t names = 0;

	bench_play(b, 60, 1.0);
	open_replay(&m, b->path, -1);
	assert_int_equal(monitor_tick(&m), 0);
	assert_true(monitor_timeline(&m, &tl) && tl.follow && tl.index == 59);
	assert_int_equal(sqlite3_open(b->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM tick WHERE id IN (SELECT id FROM tick ORDER BY id LIMIT 5)",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	// The newest sample is the same: End still rebuilds from the new index.
	assert_int_equal(monitor_move(&m, SOURCE_MOVE_LAST, 0), 0);
	assert_true(monitor_timeline(&m, &tl));
	assert_int_equal(tl.count, 55);
	assert_int_equal(tl.index, 54);
	for (size_t i = 0; i < m.table.n; i++)
		names += strlen(m.table.v[i].s->comm) + strlen(m.table.v[i].s->cmdline);
	assert_true(names > 0);
	// And the same again, with a move that does step: the old snapshot is
	// read (the model diffs against it) after the re-index.
	assert_int_equal(sqlite3_open(b->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM tick WHERE id IN (SELECT id FROM tick ORDER BY id LIMIT 5)",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(monitor_tick(&b->m), 0);
		assert_int_equal(recorder_write(b->r, &b->m), RECORD_WRITTEN);
		b->wd.t += 1;
	}
	assert_int_equal(monitor_move(&m, SOURCE_MOVE_LAST, 0), 0);
	assert_true(monitor_timeline(&m, &tl));
	assert_int_equal(tl.index, tl.count - 1);
	for (size_t i = 0; i < m.table.n; i++)
		names += strlen(m.table.v[i].s->comm);
	monitor_close(&m);
	bench_free(b);
}

// A version 1 file (no monotonic times, OOM columns or rollup) is read:
// same rows, OOM scores unknown.
static void test_reads_version_1(void **state)
{
	(void)state;
	struct bench *b = bench_new(300);
	struct monitor m;
	struct frame f;
	sqlite3 *db;

	bench_play(b, 300, 1.0);
	recorder_close(b->r);
	b->r = NULL;
	assert_int_equal(sqlite3_open(b->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP INDEX proc_exit; DROP INDEX ident_t; DROP TABLE envelope;"
				      "ALTER TABLE tick DROP COLUMN mono_ms; ALTER TABLE sample DROP COLUMN oom_score;"
				      "ALTER TABLE sample DROP COLUMN oom_adj; PRAGMA user_version = 1;",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	open_replay(&m, b->path, 0);
	assert_int_equal(monitor_tick(&m), 0);
	for (size_t i = 0; i < 300; i++) {
		capture(&m, &f);
		assert_int_equal(f.n, b->live[i].n);
		for (size_t k = 0; k < f.n; k++) {
			assert_int_equal(f.r[k].pid, b->live[i].r[k].pid);
			assert_int_equal(f.r[k].anon, b->live[i].r[k].anon);
			assert_int_equal(f.r[k].oom, 0);
		}
		if (i < 299)
			assert_int_equal(monitor_move(&m, SOURCE_MOVE_STEP, 1), 0);
	}
	monitor_close(&m);
	bench_free(b);
}

// Runs SQL on a closed recording, as another program would.
static void sql_on(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static void refused(const char *path, int want, const char *msg)
{
	struct replay_options o = { .start_t = -1 };
	struct source src;
	char err[512] = "";

	assert_int_equal(replay_open(&src, path, &o, err, sizeof err), want);
	if (!strstr(err, msg))
		fail_msg("expected \"%s\" in \"%s\"", msg, err);
	assert_null(strchr(err, '\n'));
}

static void test_bad_files(void **state)
{
	(void)state;
	struct bench *b = bench_new(200);
	char path[128], cmd[800];
	FILE *f;

	bench_play(b, 200, 1.0);
	recorder_close(b->r);
	b->r = NULL;
	snprintf(path, sizeof path, "%s/missing.db", b->dir);
	refused(path, -ENOENT, "No such file");
	snprintf(path, sizeof path, "%s/empty.db", b->dir);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	refused(path, -ENODATA, "empty");
	snprintf(path, sizeof path, "%s/text.db", b->dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("hello, this is not a database at all\n", f);
	fclose(f);
	refused(path, -EINVAL, "not a memtop recording");
	// A recording cut in half (a copy lost its end).
	snprintf(path, sizeof path, "%s/cut.db", b->dir);
	snprintf(cmd, sizeof cmd, "head -c $(( $(stat -c %%s '%s') / 2 )) '%s' > '%s'", b->path, b->path, path);
	assert_int_equal(system(cmd), 0);
	{
		struct replay_options o = { .start_t = 0 };
		struct source src;
		struct monitor m;
		char err[512] = "";
		int rc = replay_open(&src, path, &o, err, sizeof err);

		if (rc == 0) {
			// Opened (its index survived): every sample reads or
			// fails cleanly, without a crash.
			monitor_open_source(&m, src, LEAK_SENS_NORMAL);
			monitor_tick(&m);
			while (monitor_move(&m, SOURCE_MOVE_STEP, 1) == 0)
				;
			monitor_close(&m);
		} else {
			assert_true(strlen(err) > 0);
			assert_null(strchr(err, '\n'));
		}
	}
	// A recording with its schema but no sample.
	snprintf(path, sizeof path, "%s/nosample.db", b->dir);
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' .schema | sqlite3 '%s' && sqlite3 '%s' 'PRAGMA application_id = "
		 "1296387412; PRAGMA user_version = 2;'", b->path, path, path);
	assert_int_equal(system(cmd), 0);
	refused(path, -ENODATA, "holds no sample yet");
	// Another program's database, and a newer schema.
	snprintf(path, sizeof path, "%s/other.db", b->dir);
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'CREATE TABLE t(x)'", path);
	assert_int_equal(system(cmd), 0);
	refused(path, -EINVAL, "another program");
	// A newer schema that says readers of version 3 still read it (it
	// only added to it) is read; one that does not say so is refused.
	sql_on(b->path, "PRAGMA user_version = 9; UPDATE meta SET value = 3 WHERE key = 'compat_version'");
	{
		struct replay_options o = { .start_t = -1 };
		struct source src;
		char err[512] = "";

		if (replay_open(&src, b->path, &o, err, sizeof err) != 0)
			fail_msg("a compatible newer file refused: %s", err);
		src.ops->close(src.impl);
	}
	sql_on(b->path, "UPDATE meta SET value = 9 WHERE key = 'compat_version'");
	refused(b->path, -EINVAL, "schema version 9, newer");
	sql_on(b->path, "DELETE FROM meta WHERE key = 'compat_version'");
	refused(b->path, -EINVAL, "schema version 9, newer");
	bench_free(b);
}

// Names read from a crafted file are escaped again before they reach a
// screen.
static void test_crafted_names_escaped(void **state)
{
	(void)state;
	struct bench *b = bench_new(20);
	struct monitor m;
	sqlite3 *db;

	bench_play(b, 20, 1.0);
	recorder_close(b->r);
	b->r = NULL;
	assert_int_equal(sqlite3_open(b->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE ident SET comm = 'ev' || char(27) || '[2Jil',"
				      " cmdline = 'a\\b' || char(10) || 'c'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	open_replay(&m, b->path, -1);
	assert_int_equal(monitor_tick(&m), 0);
	for (size_t i = 0; i < m.table.n; i++) {
		assert_string_equal(m.table.v[i].s->comm, "ev\\e[2Jil");
		assert_string_equal(m.table.v[i].s->cmdline, "a\\\\b\\nc");
	}
	monitor_close(&m);
	bench_free(b);
}

// Gives a process's names a new buffer at its next tick, as the sampler
// does when any of them changes.
static void world_renew_names(struct world *wd, struct wproc *w)
{
	wd->names[w - wd->w][w->gen % 2][0] = '\0';
}

// A command line the sampler cut comes back whole and marked cut, at the
// longest the sampler keeps it (escaped: 4 bytes for each raw byte), and
// the mark follows it when only the mark changes.
static void test_cut_command_lines(void **state)
{
	(void)state;
	enum { TICKS = 30 };
	struct bench *b = bench_new(TICKS);
	struct wproc *w = world_add(&b->wd, 700, "longargs", 0, 0);
	size_t len = SNAPSHOT_CMDLINE_TEXT_MAX - 1;
	char *longest = malloc(len + 1), *shorter = strdup("/bin/longargs x \\e[0m");
	bool cut_at[TICKS];
	struct monitor m;

	assert_non_null(longest);
	for (size_t i = 0; i < len; i += 4)
		memcpy(longest + i, "\\x07", 4);           // what the sampler makes of raw BELs
	longest[len] = '\0';
	w->long_cmd = longest;
	w->cut = true;
	for (size_t i = 0; i < TICKS; i++) {
		if (i == 10) {                                // the text only: a recorded row
			w->long_cmd = shorter;
			world_renew_names(&b->wd, w);
		}
		if (i == 20) {                                // the mark only: cut no more
			w->cut = false;
			world_renew_names(&b->wd, w);
		}
		cut_at[i] = w->cut;
		assert_int_equal(monitor_tick(&b->m), 0);
		assert_int_equal(recorder_write(b->r, &b->m), RECORD_WRITTEN);
		b->wd.t += 1.0;
	}
	recorder_close(b->r);
	b->r = NULL;
	open_replay(&m, b->path, 0);
	for (size_t i = 0; i < TICKS; i++) {
		const struct proc_sample *s = NULL;

		assert_int_equal(i ? monitor_move(&m, SOURCE_MOVE_STEP, 1) : monitor_tick(&m), 0);
		for (size_t k = 0; k < m.table.n; k++)
			if (m.table.v[k].pid == 700)
				s = m.table.v[k].s;
		assert_non_null(s);
		assert_string_equal(s->cmdline, i < 10 ? longest : shorter);
		if (s->cmdline_cut != cut_at[i])
			fail_msg("tick %zu: cut %d, recorded %d", i, s->cmdline_cut, cut_at[i]);
	}
	monitor_close(&m);
	bench_free(b);
	free(longest);
	free(shorter);
}

struct cg_rows {
	size_t n;
	double first_t, last_t;
	uint64_t first_kb, last_kb;
	bool bad;
};

static void count_cgroup(void *ctx, const char *path, double t, uint64_t usage_kb, bool have_limit,
			 uint64_t limit_kb)
{
	struct cg_rows *c = ctx;

	if (strcmp(path, "/a.slice") != 0)
		return;                                   // the service's rows: its signal moves
	if (!have_limit || limit_kb != 1u << 20 ||
	    (c->n && (t < c->last_t || usage_kb < c->last_kb)))
		c->bad = true;
	if (!c->n)
		c->first_t = t, c->first_kb = usage_kb;
	c->last_t = t;
	c->last_kb = usage_kb;
	c->n++;
}

// The report's cgroup feed: the recorded rows in a period, in order.
static void test_cgroup_series(void **state)
{
	(void)state;
	struct bench *b = bench_new(100);
	struct replay_options o = { .start_t = 0 };
	struct source src;
	struct cg_rows rows = { 0 };
	char err[512];

	bench_play(b, 100, 1.0);
	assert_int_equal(replay_open(&src, b->path, &o, err, sizeof err), 0);
	assert_int_equal(replay_cgroup_series(&src, 1.7e9 + 20, 1.7e9 + 80, count_cgroup, &rows), 0);
	assert_false(rows.bad);
	assert_int_equal(rows.n, 20);                // read every third second: 21 to 78
	assert_true(fabs(rows.first_t - (1.7e9 + 21)) < 0.002);
	assert_int_equal(rows.last_kb - rows.first_kb, 57);
	src.ops->close(src.impl);
	bench_free(b);
}

// An OOM kill of the replay tests: the victim pid, its name, one task row.
static struct oom_kill replay_kill(uint64_t seq, double wall, int pid, bool since_start)
{
	struct oom_kill k = { .seq = seq, .wall_time = wall, .boot_s = wall - 1.6e9, .mono_time = wall - 1.7e9 + 5000,
			      .since_start = since_start, .scope = OOM_SCOPE_MEMCG, .pid = pid, .uid = 1000,
			      .anon_rss_kb = 1000 * seq, .have_oom_score_adj = true, .oom_score_adj = -17,
			      .ntasks = 1, .tasks_listed = 3 };

	snprintf(k.comm, sizeof k.comm, "victim%d", pid);
	snprintf(k.task_memcg, sizeof k.task_memcg, "/kill.slice/%d", pid);
	k.tasks[0] = (struct oom_task_row){ .pid = pid, .uid = 1000, .rss_kb = 1000 * seq };
	snprintf(k.tasks[0].comm, sizeof k.tasks[0].comm, "victim%d", pid);
	return k;
}

// The sequence numbers a snapshot hands up, "1,2,3" (oldest first).
static const char *seqs_of(const struct snapshot *snap, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < snap->noom_kills && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%llu", i ? "," : "",
				      (unsigned long long)snap->oom_kills[i].seq);
	return buf;
}

static void tick_expect(struct source *src, struct snapshot *snap, const char *want)
{
	char buf[256];

	assert_int_equal(src->ops->tick(src->impl, snap), 0);
	if (strcmp(seqs_of(snap, buf, sizeof buf), want) != 0)
		fail_msg("at %.0f: kills [%s], expected [%s]", snap->sys.wall_time - 1.7e9, buf, want);
}

// A recording's OOM kills come back at the tick that first recorded them
// when stepping on, all of the boot up to the sample after any other move,
// none at the same sample again; every field, the task rows, the log's
// state as recorded; names escaped again; at most 32 a tick, the newest.
static void test_oom_kills_replayed(void **state)
{
	(void)state;
	struct bench *b = bench_new(100);
	struct oom_kill ks[40];
	struct snapshot snap;
	struct source src;
	struct replay_options o = { .boot_id = "boot-1", .start_t = 1.7e9 };
	char err[512], want[256];
	sqlite3 *db;

	b->wd.kills = ks;
	world_add(&b->wd, 100, "flat", 0, 0);
	for (int i = 0; i < 100; i++) {
		double t = b->wd.t;

		b->wd.kills_n = 0;
		b->wd.oom_err = i >= 70 && i < 75 ? -EPERM : 0;
		if (i == 0) {                 // the backlog: before the recording
			ks[0] = replay_kill(1, t - 3600, 11, false);
			ks[1] = replay_kill(2, t - 100, 12, false);
			b->wd.kills_n = 2;
		} else if (i == 10) {
			ks[0] = replay_kill(3, t - 0.4, 13, true);
			b->wd.kills_n = 1;
		} else if (i == 50) {
			ks[0] = replay_kill(4, t - 0.9, 14, true);
			ks[1] = replay_kill(5, t - 0.2, 15, true);
			b->wd.kills_n = 2;
		} else if (i == 80) {         // a storm: more than a tick hands up
			for (int k = 0; k < 40; k++)
				ks[k] = replay_kill(100 + (uint64_t)k, t - 0.5, 100 + k, true);
			b->wd.kills_n = 40;
		}
		assert_int_equal(monitor_tick(&b->m), 0);
		assert_int_equal(recorder_write(b->r, &b->m), RECORD_WRITTEN);
		b->wd.t += 1;
	}
	recorder_close(b->r);
	b->r = NULL;
	// A name crafted into the file is escaped again.
	assert_int_equal(sqlite3_open(b->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE oom_kill SET comm = 'ev' || char(27) || '[2Jil' WHERE seq = 4",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	if (replay_open(&src, b->path, &o, err, sizeof err) < 0)
		fail_msg("replay_open: %s", err);
	// The first tick (an opening): the backlog, since_start as recorded.
	tick_expect(&src, &snap, "1,2");
	assert_int_equal(snap.sys.oom_log_err, 0);
	assert_false(snap.oom_kills[0].since_start);
	assert_int_equal(snap.oom_kills[1].pid, 12);
	assert_string_equal(snap.oom_kills[1].comm, "victim12");
	assert_string_equal(snap.oom_kills[1].task_memcg, "/kill.slice/12");
	assert_true(fabs(snap.oom_kills[1].wall_time - (1.7e9 - 100)) < 0.002);
	assert_true(fabs(snap.oom_kills[1].mono_time - (1.7e9 - 100 - 1.7e9 + 5000)) < 0.002);
	assert_int_equal(snap.oom_kills[1].anon_rss_kb, 2000);
	assert_int_equal(snap.oom_kills[1].scope, OOM_SCOPE_MEMCG);
	assert_true(snap.oom_kills[1].have_oom_score_adj);
	assert_int_equal(snap.oom_kills[1].oom_score_adj, -17);
	assert_false(snap.oom_kills[1].have_pgtables);
	assert_false(snap.oom_kills[1].have_trigger);
	assert_int_equal(snap.oom_kills[1].ntasks, 1);
	assert_int_equal(snap.oom_kills[1].tasks_listed, 3);
	assert_int_equal(snap.oom_kills[1].tasks[0].rss_kb, 2000);
	assert_string_equal(snap.oom_kills[1].tasks[0].comm, "victim12");
	tick_expect(&src, &snap, "");           // the same sample again: none
	// Stepping on: each kill at the tick that recorded it, once.
	for (int i = 1; i < 100; i++) {
		assert_int_equal(src.ops->move(src.impl, SOURCE_MOVE_STEP, 1), 0);
		snprintf(want, sizeof want, "%s", i == 10 ? "3" : i == 50 ? "4,5" : "");
		if (i == 80) {                  // the newest 32 of the 40
			size_t n = 0;

			for (int k = 8; k < 40; k++)
				n += (size_t)snprintf(want + n, sizeof want - n, "%s%d", k > 8 ? "," : "", 100 + k);
		}
		tick_expect(&src, &snap, want);
		assert_int_equal(snap.sys.oom_log_err, i >= 70 && i < 75 ? -EPERM : 0);
		if (i == 10)
			assert_true(snap.oom_kills[0].since_start);
		if (i == 50)
			assert_string_equal(snap.oom_kills[0].comm, "ev\\e[2Jil");
	}
	// Any other move: every kill of the boot up to the sample.
	assert_int_equal(src.ops->move(src.impl, SOURCE_MOVE_TIME, 1.7e9 + 55), 0);
	tick_expect(&src, &snap, "1,2,3,4,5");
	assert_int_equal(src.ops->move(src.impl, SOURCE_MOVE_STEP, -1), 0);
	tick_expect(&src, &snap, "1,2,3,4,5");
	assert_int_equal(src.ops->move(src.impl, SOURCE_MOVE_STEP, 2), 0);
	tick_expect(&src, &snap, "1,2,3,4,5");
	assert_int_equal(src.ops->move(src.impl, SOURCE_MOVE_TIME, 1.7e9 + 9.5), 0);
	tick_expect(&src, &snap, "1,2");
	assert_int_equal(src.ops->move(src.impl, SOURCE_MOVE_STEP, 1), 0);
	tick_expect(&src, &snap, "3");
	assert_int_equal(src.ops->move(src.impl, SOURCE_MOVE_FIRST, 0), 0);
	tick_expect(&src, &snap, "1,2");
	// At a sample whose log could not be read: none, and the log's state.
	assert_int_equal(src.ops->move(src.impl, SOURCE_MOVE_TIME, 1.7e9 + 72), 0);
	tick_expect(&src, &snap, "");
	assert_int_equal(snap.sys.oom_log_err, -EPERM);
	src.ops->close(src.impl);
	// memtop --report over it: each kill once (the storm's newest 32).
	struct options opts;
	char *out = NULL, *msgs = NULL;
	size_t outlen = 0, msgslen = 0;
	FILE *fo = open_memstream(&out, &outlen), *fm = open_memstream(&msgs, &msgslen);

	cli_defaults(&opts);
	opts.format = FORMAT_JSON;
	o.start_t = -1;
	if (replay_open(&src, b->path, &o, err, sizeof err) < 0)
		fail_msg("replay_open: %s", err);
	assert_int_equal(report_run(&opts, src, NULL, fo, fm), 0);
	fclose(fo);
	fclose(fm);
	assert_non_null(strstr(out, "\"log\": \"read\", \"victims_total\": 37, \"victims\": [{"));
	assert_non_null(strstr(out, "\"comm\": \"ev\\\\e[2Jil\""));
	free(out);
	free(msgs);
	bench_free(b);
}

// A version 2 file (made by the memtop that wrote version 2: genrec of
// that version, tests/fixtures/recording/v2.db) is read as it is (no kill
// reports: -ENOTSUP), and grows to version 3 when recorded to: its old
// samples read as before, the new ones with their kills.
static void test_version_2_file_grows(void **state)
{
	(void)state;
	struct bench *b = bench_new(10);
	struct replay_options o = { .start_t = 0 };
	struct snapshot snap;
	struct source src;
	struct oom_kill k;
	char err[512], cmd[400];
	size_t old_ticks = 0, n = 0;

	recorder_close(b->r);
	snprintf(cmd, sizeof cmd, "cp '%s/recording/v2.db' '%s'", FIXTURES, b->path);
	assert_int_equal(system(cmd), 0);
	if (replay_open(&src, b->path, &o, err, sizeof err) < 0)
		fail_msg("replay_open: %s", err);
	do {
		assert_int_equal(src.ops->tick(src.impl, &snap), 0);
		assert_int_equal(snap.sys.oom_log_err, -ENOTSUP);
		assert_int_equal(snap.noom_kills, 0);
		assert_true(snap.nprocs >= 4);
		old_ticks++;
	} while (src.ops->move(src.impl, SOURCE_MOVE_STEP, 1) == 0);
	src.ops->close(src.impl);
	assert_int_equal(old_ticks, 58);
	// Recorded to: version 3, compat_version 2, the new table.
	b->r = recorder_open(b->path, &b->pol, &b->host, err, sizeof err);
	if (!b->r)
		fail_msg("recorder_open: %s", err);
	b->wd.t = 1733500100;
	b->wd.kills = &k;
	world_add(&b->wd, 100, "flat", 0, 0);
	for (int i = 0; i < 10; i++) {
		b->wd.kills_n = i == 4;
		k = replay_kill(77, b->wd.t - 0.5, 77, true);
		assert_int_equal(monitor_tick(&b->m), 0);
		assert_int_equal(recorder_write(b->r, &b->m), RECORD_WRITTEN);
		b->wd.t += 1;
	}
	recorder_close(b->r);
	b->r = NULL;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(b->path, &db), SQLITE_OK);
	assert_int_equal(recording_query_int(db, "PRAGMA user_version", -1), 3);
	assert_int_equal(recording_query_int(db, "SELECT value FROM meta WHERE key = 'compat_version'", -1), 2);
	assert_int_equal(recording_query_int(db, "SELECT count(*) FROM oom_kill", -1), 1);
	assert_int_equal(recording_query_int(db, "SELECT count(*) FROM tick WHERE oom_log IS NULL", -1), 58);
	sqlite3_close(db);
	if (replay_open(&src, b->path, &o, err, sizeof err) < 0)
		fail_msg("replay_open: %s", err);
	do {
		assert_int_equal(src.ops->tick(src.impl, &snap), 0);
		assert_int_equal(snap.sys.oom_log_err, n < 58 ? -ENOTSUP : 0);
		assert_int_equal(snap.noom_kills, n == 58 + 4);
		n++;
	} while (src.ops->move(src.impl, SOURCE_MOVE_STEP, 1) == 0);
	assert_int_equal(n, 68);
	src.ops->close(src.impl);
	bench_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stepping_equals_live),
		cmocka_unit_test(test_jump_equals_live),
		cmocka_unit_test(test_jump_uses_rollup),
		cmocka_unit_test(test_history_seeds_first_tick),
		cmocka_unit_test(test_follow_and_other_boot),
		cmocka_unit_test(test_follow_while_thinned),
		cmocka_unit_test(test_reads_version_1),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_crafted_names_escaped),
		cmocka_unit_test(test_cut_command_lines),
		cmocka_unit_test(test_cgroup_series),
		cmocka_unit_test(test_oom_kills_replayed),
		cmocka_unit_test(test_version_2_file_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
