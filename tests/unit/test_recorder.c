/* test_recorder.c — memtop -w's store: a world of processes played through
 * the monitor on an injected wall clock, recorded, and read back with SQL.
 * What a tick writes (changes only, names, exits, cgroups), opening again,
 * refusing what is not ours, the free-space floor, thinning (the envelope
 * and the leak verdict survive it), retention by age and by size. */
#include "fixture.h"

#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/shapes.h"
#include "model/leak.h"
#include "model/monitor.h"
#include "store/maintain.h"
#include "store/recorder.h"
#include "store/recording.h"

#define WORLD_MAX 32

// One process. Its comm lives in one of two buffers, switched on a rename,
// as the sampler gives changed names a new allocation (the recorder hashes
// names only when that pointer moves).
struct wproc {
	int pid, ppid;
	uint64_t start, rss, anon, swap;
	bool have_swap, alive;
	unsigned gen;
	char comm[2][16], cmd[64], cg[64], exe[64];
};

// The processes (sorted by pid) and the machine, at wall time t.
struct world {
	double t;
	size_t n;
	struct wproc w[WORLD_MAX];
	struct proc_sample s[WORLD_MAX];
	const struct proc_sample *p[WORLD_MAX];
	// The cgroups the next tick reads (cg_due), as a source hands them up.
	bool cg_due;
	struct cgroup_reading cg[3];
	size_t ncg;
	// The OOM kills the next tick hands up, and the kernel log's state.
	struct oom_kill kills[8];
	size_t nkills;
	int oom_err;
};

static int world_tick(void *impl, struct snapshot *out)
{
	struct world *wd = impl;
	size_t k = 0;

	for (size_t i = 0; i < wd->n; i++) {
		struct wproc *w = &wd->w[i];

		if (!w->alive)
			continue;
		wd->s[k] = (struct proc_sample){
			.pid = w->pid, .ppid = w->ppid, .start_ticks = w->start, .rss_kb = w->rss,
			.anon_kb = w->anon, .swap_kb = w->swap, .have_detail = w->have_swap,
			.comm = w->comm[w->gen % 2], .cmdline = w->cmd, .cgroup = w->cg, .exe = w->exe, .user = "u",
			.start_time_s = (double)w->start / 100,
		};
		wd->p[k] = &wd->s[k];
		k++;
	}
	*out = (struct snapshot){ .procs = wd->p, .nprocs = k, .cgroups_read = wd->cg_due,
				  .cgroups = wd->cg_due ? wd->cg : NULL, .ncgroups = wd->cg_due ? wd->ncg : 0 };
	wd->cg_due = false;
	out->sys = (struct sys_sample){ .wall_time = wd->t, .mono_time = wd->t - 1.7e9, .have_meminfo = true,
					.total_kb = 8u << 20, .free_kb = 4u << 20, .available_kb = 6u << 20,
					.have_oom_kill = true, .oom_kill = 3, .oom_log_err = wd->oom_err };
	out->oom_kills = wd->oom_err == 0 && wd->nkills ? wd->kills : NULL;
	out->noom_kills = wd->oom_err == 0 ? wd->nkills : 0;
	return 0;
}

static void world_close(void *impl)
{
	(void)impl;
}

static const struct source_ops world_ops = {
	.name = "world", .tick = world_tick, .close = world_close,
};

static void world_rename(struct wproc *w, const char *comm)
{
	w->gen++;
	snprintf(w->comm[w->gen % 2], sizeof w->comm[0], "%s", comm);
}

static struct wproc *world_add(struct world *wd, int pid, const char *comm, uint64_t rss)
{
	struct wproc *w = &wd->w[wd->n++];

	assert_true(wd->n <= WORLD_MAX);
	*w = (struct wproc){ .pid = pid, .ppid = 1, .start = (uint64_t)pid * 7, .rss = rss, .anon = rss / 2,
			     .alive = true };
	snprintf(w->comm[0], sizeof w->comm[0], "%s", comm);
	snprintf(w->cmd, sizeof w->cmd, "/usr/bin/%s --flag", comm);
	snprintf(w->cg, sizeof w->cg, "/system.slice/%s.service", comm);
	snprintf(w->exe, sizeof w->exe, "/usr/bin/%s", comm);
	return w;
}

// A test's recording: a fresh directory, the world, the monitor over it.
struct bench {
	char dir[64], path[96];
	struct world wd;
	struct monitor m;
	struct record_policy pol;
	struct record_host host;
	struct recorder *r;
	char *log;
	size_t loglen;
	sqlite3 *db;                  // a reader's connection
};

static struct bench *bench_new(void)
{
	struct bench *b = calloc(1, sizeof *b);

	assert_non_null(b);
	snprintf(b->dir, sizeof b->dir, "/tmp/memtop-rec-XXXXXX");
	assert_non_null(mkdtemp(b->dir));
	snprintf(b->path, sizeof b->path, "%s/rec.db", b->dir);
	b->wd.t = 1.7e9;
	monitor_open_source(&b->m, (struct source){ .ops = &world_ops, .impl = &b->wd }, LEAK_SENS_NORMAL);
	record_policy_defaults(&b->pol);
	b->pol.log = open_memstream(&b->log, &b->loglen);
	snprintf(b->host.boot_id, sizeof b->host.boot_id, "boot-1");
	snprintf(b->host.hostname, sizeof b->host.hostname, "testhost");
	b->host.boot_time = 1.6e9;
	return b;
}

static void bench_open(struct bench *b)
{
	char err[512];

	b->r = recorder_open(b->path, &b->pol, &b->host, err, sizeof err);
	if (!b->r)
		fail_msg("recorder_open: %s", err);
}

// One tick at the world's time, then the clock moves on by dt.
static int bench_tick(struct bench *b, double dt)
{
	int rc;

	assert_int_equal(monitor_tick(&b->m), 0);
	rc = recorder_write(b->r, &b->m);
	b->wd.t += dt;
	return rc;
}

static sqlite3 *bench_db(struct bench *b)
{
	if (!b->db)
		assert_int_equal(sqlite3_open_v2(b->path, &b->db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	return b->db;
}

static int64_t q(struct bench *b, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(bench_db(b), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(b->db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static const char *bench_log(struct bench *b)
{
	fflush(b->pol.log);
	return b->log ? b->log : "";
}

static void bench_free(struct bench *b)
{
	char cmd[160];

	if (b->db)
		sqlite3_close(b->db);
	recorder_close(b->r);
	monitor_close(&b->m);
	fclose(b->pol.log);
	free(b->log);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", b->dir);
	assert_int_equal(system(cmd), 0);
	free(b);
}

static void test_first_tick_full_then_changes_only(void **state)
{
	struct bench *b = bench_new();
	struct wproc *a, *c;
	struct stat st;

	(void)state;
	a = world_add(&b->wd, 10, "alpha", 1000);
	world_add(&b->wd, 20, "beta", 2000);
	c = world_add(&b->wd, 30, "gamma", 3000);
	bench_open(b);
	assert_int_equal(stat(b->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);          // command lines: owner only
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE full = 1"), 1);
	assert_int_equal(q(b, "SELECT count(*) FROM sample"), 3);
	assert_int_equal(q(b, "SELECT count(*) FROM ident"), 3);
	assert_int_equal(q(b, "SELECT oom_kill FROM tick"), 3);
	assert_int_equal(q(b, "SELECT count(*) FROM ident WHERE exe = '/usr/bin/beta'"), 1);
	assert_int_equal(q(b, "SELECT start_t FROM proc WHERE pid = 10"), (int64_t)(1.6e12 + 700));
	// Nothing moved: a tick row, no sample.
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	assert_int_equal(q(b, "SELECT count(*) FROM tick"), 2);
	assert_int_equal(q(b, "SELECT count(*) FROM sample"), 3);
	assert_int_equal(q(b, "SELECT full FROM tick WHERE id = 2"), 0);
	// One process's statm moved: its row only, with its values.
	a->rss += 4;
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	assert_int_equal(q(b, "SELECT count(*) FROM sample"), 4);
	assert_int_equal(q(b, "SELECT rss_kb FROM samples WHERE pid = 10 ORDER BY tick DESC"), 1004);
	// Swap becoming known is a change too; NULL until then.
	assert_int_equal(q(b, "SELECT count(*) FROM sample WHERE swap_kb IS NULL"), 4);
	c->have_swap = true;
	c->swap = 77;
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	assert_int_equal(q(b, "SELECT swap_kb FROM samples WHERE pid = 30 ORDER BY tick DESC"), 77);
	assert_int_equal(q(b, "SELECT count(*) FROM sample"), 5);
	assert_int_equal(recorder_stats(b->r)->sample_rows, 5);
	bench_free(b);
}

static void test_names_exits_and_pid_reuse(void **state)
{
	struct bench *b = bench_new();
	struct wproc *a, *d;

	(void)state;
	a = world_add(&b->wd, 10, "alpha", 1000);
	d = world_add(&b->wd, 20, "doomed", 2000);
	b->pol.no_cmdline = true;
	bench_open(b);
	bench_tick(b, 1);
	assert_int_equal(q(b, "SELECT count(*) FROM ident WHERE cmdline IS NOT NULL"), 0);
	// exec: new names for the same process (pid, start time).
	world_rename(a, "alpha2");
	bench_tick(b, 1);
	assert_int_equal(q(b, "SELECT count(*) FROM proc WHERE pid = 10"), 1);
	assert_int_equal(q(b, "SELECT count(*) FROM ident WHERE proc = (SELECT id FROM proc WHERE pid = 10)"), 2);
	assert_int_equal(q(b, "SELECT count(*) FROM proc_name WHERE comm = 'alpha2'"), 1);
	// Reparenting is a new ident row too.
	a->ppid = 99;
	bench_tick(b, 1);
	assert_int_equal(q(b, "SELECT ppid FROM ident WHERE proc = 1 ORDER BY id DESC"), 99);
	// An exit: first seen gone at this tick, last seen at the one before.
	d->alive = false;
	double gone = b->wd.t;

	bench_tick(b, 1);
	assert_int_equal(q(b, "SELECT exit_t FROM proc WHERE pid = 20"), (int64_t)llround(gone * 1000));
	assert_int_equal(q(b, "SELECT last_t FROM proc WHERE pid = 20"), (int64_t)llround((gone - 1) * 1000));
	// The pid comes back as another process: a new proc row.
	d->alive = true;
	d->start += 500;
	bench_tick(b, 1);
	assert_int_equal(q(b, "SELECT count(*) FROM proc WHERE pid = 20"), 2);
	assert_int_equal(q(b, "SELECT count(*) FROM proc WHERE pid = 20 AND exit_t IS NULL"), 1);
	// And is replaced within one tick: the old one exits, a third appears.
	d->start += 500;
	bench_tick(b, 1);
	assert_int_equal(q(b, "SELECT count(*) FROM proc WHERE pid = 20"), 3);
	assert_int_equal(q(b, "SELECT count(*) FROM proc WHERE pid = 20 AND exit_t IS NULL"), 1);
	assert_int_equal(recorder_stats(b->r)->exits, 2);
	bench_free(b);
}

static void test_reopen_continues_the_file(void **state)
{
	struct bench *b = bench_new();
	struct wproc *d;

	(void)state;
	world_add(&b->wd, 10, "alpha", 1000);
	d = world_add(&b->wd, 20, "beta", 2000);
	world_add(&b->wd, 30, "gamma", 3000);
	bench_open(b);
	for (int i = 0; i < 3; i++)
		bench_tick(b, 1);
	double last = b->wd.t - 1;

	recorder_close(b->r);
	b->r = NULL;
	d->alive = false;                    // exits while nobody records
	b->wd.t += 60;
	bench_open(b);
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	// The same processes go on in the same rows, with their names once.
	assert_int_equal(q(b, "SELECT count(*) FROM proc"), 3);
	assert_int_equal(q(b, "SELECT count(*) FROM ident"), 3);
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE full = 1"), 2);
	assert_int_equal(q(b, "SELECT count(*) FROM boot"), 1);
	// The one that went is closed: last seen at the file's last tick.
	assert_int_equal(q(b, "SELECT last_t FROM proc WHERE pid = 20"), (int64_t)llround(last * 1000));
	assert_int_equal(q(b, "SELECT exit_t FROM proc WHERE pid = 20"), (int64_t)llround((b->wd.t - 1) * 1000));
	assert_int_equal(q(b, "SELECT count(*) FROM proc WHERE exit_t IS NULL"), 2);
	// SIGHUP's reopen: the same again, through the recorder.
	char err[256];

	assert_int_equal(recorder_reopen(b->r, err, sizeof err), 0);
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	assert_int_equal(q(b, "SELECT count(*) FROM proc"), 3);
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE full = 1"), 3);
	// Another boot: the processes are new ones, the old ones closed.
	recorder_close(b->r);
	snprintf(b->host.boot_id, sizeof b->host.boot_id, "boot-2");
	bench_open(b);
	bench_tick(b, 1);
	assert_int_equal(q(b, "SELECT count(*) FROM boot"), 2);
	assert_int_equal(q(b, "SELECT count(*) FROM proc"), 5);
	assert_int_equal(q(b, "SELECT count(*) FROM proc WHERE exit_t IS NULL"), 2);
	bench_free(b);
}

static void test_second_writer_refused(void **state)
{
	struct bench *b = bench_new();
	char err[512], want[64];

	(void)state;
	world_add(&b->wd, 10, "alpha", 1000);
	bench_open(b);
	bench_tick(b, 1);
	assert_null(recorder_open(b->path, &b->pol, &b->host, err, sizeof err));
	assert_non_null(strstr(err, b->path));
	snprintf(want, sizeof want, "another memtop (pid %d)", (int)getpid());
	assert_non_null(strstr(err, want));
	// A reader reads while it writes.
	assert_int_equal(q(b, "SELECT count(*) FROM tick"), 1);
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	bench_free(b);
}

// The bytes and modification time of a file, to show it was not touched.
struct file_print {
	char bytes[512];
	ssize_t n;
	struct timespec mtime;
};

static struct file_print print_of(const char *path)
{
	struct file_print f = { 0 };
	struct stat st;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	f.n = read(fd, f.bytes, sizeof f.bytes);
	close(fd);
	assert_int_equal(stat(path, &st), 0);
	f.mtime = st.st_mtim;
	return f;
}

static void assert_untouched(const char *path, const struct file_print *before)
{
	struct file_print now = print_of(path);
	char side[128];

	assert_int_equal(now.n, before->n);
	assert_memory_equal(now.bytes, before->bytes, (size_t)now.n);
	assert_int_equal(now.mtime.tv_sec, before->mtime.tv_sec);
	assert_int_equal(now.mtime.tv_nsec, before->mtime.tv_nsec);
	snprintf(side, sizeof side, "%s-wal", path);
	assert_int_equal(access(side, F_OK), -1);
}

static void refused(struct bench *b, const char *want)
{
	char err[512];
	struct file_print before = print_of(b->path);

	assert_null(recorder_open(b->path, &b->pol, &b->host, err, sizeof err));
	if (!strstr(err, want) || !strstr(err, b->path))
		fail_msg("message '%s' lacks '%s' or the file's name", err, want);
	assert_untouched(b->path, &before);
}

static void test_refuses_what_is_not_a_recording(void **state)
{
	struct bench *b = bench_new();
	sqlite3 *db;
	FILE *f;

	(void)state;
	f = fopen(b->path, "w");
	fputs("# my notes, not a database\nsome text\n", f);
	fclose(f);
	refused(b, "not a memtop recording (not an SQLite database)");
	// Another program's SQLite database.
	unlink(b->path);
	assert_int_equal(sqlite3_open(b->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	refused(b, "of another program");
	// A recording of a newer schema.
	unlink(b->path);
	bench_open(b);
	recorder_close(b->r);
	b->r = NULL;
	assert_int_equal(sqlite3_open(b->path, &db), SQLITE_OK);
	// (Even one a reader may read, compat_version 3: an older writer
	// would not fill its newer tables.)
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 4;"
				      "UPDATE meta SET value = 3 WHERE key = 'compat_version'", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	refused(b, "schema version 4, newer than this memtop's (3)");
	bench_free(b);
}

// The cgroups a tick's snapshot read: a row for each reading that changed
// (usage, limit, own anon, pressure), none for one gone or unread, every
// one again at the first reading after a full tick; the tick says it read.
static void maintain_all(struct bench *b, double now);

static void test_cgroup_readings_recorded_when_changed(void **state)
{
	struct bench *b = bench_new();
	struct world *wd = &b->wd;

	(void)state;
	world_add(wd, 10, "alpha", 1000);
	wd->cg[0] = (struct cgroup_reading){ .path = "/system.slice/a.service", .have_usage = true,
					     .usage_kb = 5000, .have_limit = true, .limit_kb = 1u << 20,
					     .have_anon = true, .anon_kb = 3000, .have_pressure = true,
					     .have_oom_kill = true, .oom_kill = 0 };
	wd->cg[0].pressure.some = (struct psi_line){ .valid = true, .avg10 = 1.25 };
	wd->cg[0].pressure.full = (struct psi_line){ .valid = true, .avg10 = 0.5 };
	wd->cg[1] = (struct cgroup_reading){ .path = "/system.slice/b.service", .have_usage = true,
					     .usage_kb = 700, .have_limit = true, .unlimited = true };
	wd->cg[2] = (struct cgroup_reading){ .path = "/gone.scope", .gone = true };
	wd->ncg = 3;
	bench_open(b);
	wd->cg_due = true;
	bench_tick(b, 1);
	assert_int_equal(q(b, "SELECT count(*) FROM cgroup"), 2);
	assert_int_equal(q(b, "SELECT count(*) FROM cgroup_sample"), 2);
	assert_int_equal(q(b, "SELECT cg_read FROM tick ORDER BY id DESC"), 1);
	assert_int_equal(q(b, "SELECT anon_kb FROM cgroup_sample WHERE usage_kb = 5000"), 3000);
	assert_int_equal(q(b, "SELECT limit_kb FROM cgroup_sample WHERE usage_kb = 5000"), 1 << 20);
	assert_int_equal(q(b, "SELECT psi_some * 100 FROM cgroup_sample WHERE usage_kb = 5000"), 125);
	assert_int_equal(q(b, "SELECT psi_full * 100 FROM cgroup_sample WHERE usage_kb = 5000"), 50);
	assert_int_equal(q(b, "SELECT count(*) FROM cgroup_sample WHERE usage_kb = 700 AND limit_kb IS NULL"
			   " AND anon_kb IS NULL AND psi_some IS NULL AND oom_kills IS NULL"), 1);   // unlimited: NULL
	assert_int_equal(q(b, "SELECT oom_kills FROM cgroup_sample WHERE usage_kb = 5000"), 0);
	bench_tick(b, 1);                     // no reading
	assert_int_equal(q(b, "SELECT cg_read FROM tick ORDER BY id DESC"), 0);
	wd->cg_due = true;
	bench_tick(b, 1);                     // read, unchanged: no row
	assert_int_equal(q(b, "SELECT count(*) FROM cgroup_sample"), 2);
	wd->cg[0].anon_kb = 3100;             // its own anon moved: a row
	wd->cg_due = true;
	bench_tick(b, 1);
	assert_int_equal(q(b, "SELECT count(*) FROM cgroup_sample"), 3);
	assert_int_equal(q(b, "SELECT anon_kb FROM cgroup_sample ORDER BY tick DESC"), 3100);
	wd->cg[0].pressure.some.avg10 = 2;    // and its pressure
	wd->cg_due = true;
	bench_tick(b, 1);
	assert_int_equal(q(b, "SELECT count(*) FROM cgroup_sample"), 4);
	wd->cg[0].oom_kill = 2;               // and its OOM kill counter
	wd->cg_due = true;
	bench_tick(b, 1);
	assert_int_equal(q(b, "SELECT count(*) FROM cgroup_sample"), 5);
	assert_int_equal(q(b, "SELECT oom_kills FROM cgroup_sample ORDER BY tick DESC"), 2);
	// Thinned into one bucket: the bucket keeps the last reading, counter included.
	recorder_policy(b->r)->thin_after_s[0] = 0;
	maintain_all(b, b->wd.t + 60);
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE res = 0"), 0);
	assert_int_equal(q(b, "SELECT count(*) FROM cgroup_sample WHERE usage_kb = 5000"), 1);
	assert_int_equal(q(b, "SELECT oom_kills FROM cgroup_sample WHERE usage_kb = 5000"), 2);
	bench_free(b);
}

static void test_floor_pauses_then_resumes(void **state)
{
	struct bench *b = bench_new();

	(void)state;
	world_add(&b->wd, 10, "alpha", 1000);
	bench_open(b);
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	recorder_policy(b->r)->min_free_bytes = UINT64_MAX / 2;      // more than any disk has
	for (int i = 0; i < 3; i++)
		assert_int_equal(bench_tick(b, 1), RECORD_PAUSED);
	assert_int_equal(q(b, "SELECT count(*) FROM tick"), 1);
	const char *log = bench_log(b);

	assert_non_null(strstr(log, "recording paused (sampling goes on)"));
	assert_null(strstr(strstr(log, "paused") + 1, "paused"));   // said once
	recorder_policy(b->r)->min_free_bytes = 1;
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	assert_non_null(strstr(bench_log(b), "recording resumed (3 ticks were not recorded)"));
	assert_int_equal(q(b, "SELECT count(*) FROM tick"), 2);
	assert_int_equal(recorder_stats(b->r)->paused_ticks, 3);
	bench_free(b);
}

// Another program holding the write lock (beyond the 2-s busy timeout): the
// tick is not written, the recorder says so once and writes again when the
// lock is gone, with a full tick.
static void test_lock_held_elsewhere_pauses(void **state)
{
	struct bench *b = bench_new();
	sqlite3 *other;

	(void)state;
	world_add(&b->wd, 10, "alpha", 1000);
	bench_open(b);
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	assert_int_equal(sqlite3_open(b->path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(bench_tick(b, 1), RECORD_PAUSED);
	assert_non_null(strstr(bench_log(b), "another program holds a lock on it; recording paused"));
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	assert_non_null(strstr(bench_log(b), "recording resumed (1 ticks were not recorded)"));
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE full = 1"), 2);
	bench_free(b);
}

// The recorded signal of a process thinned to buckets of w seconds, read as
// a reader must (store/maintain.h): without a row, the value carried in from
// the last row before; with one, its sig_min (or value), and with carry the
// smaller of that and the carried value. Fills out[] with one minimum per
// bucket from the first; returns how many.
static size_t thinned_series(struct bench *b, int pid, double w, double t0, uint64_t *out, size_t cap,
			     int res)
{
	sqlite3_stmt *st;
	uint64_t carry = 0;
	size_t n = 0;
	bool have = false;
	const char *sql = "SELECT k.t, s.anon_kb + coalesce(s.swap_kb, 0), coalesce(s.sig_min_kb,"
			  " s.anon_kb + coalesce(s.swap_kb, 0)), s.carry FROM tick k LEFT JOIN sample s ON s.tick = k.id"
			  " AND s.proc = (SELECT id FROM proc WHERE pid = ?) WHERE k.res = ? ORDER BY k.id";

	assert_int_equal(sqlite3_prepare_v2(bench_db(b), sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int(st, 1, pid);
	sqlite3_bind_int(st, 2, res);
	while (sqlite3_step(st) == SQLITE_ROW && n < cap) {
		double t = (double)sqlite3_column_int64(st, 0) / 1000.0;
		size_t bucket = (size_t)floor((t - t0) / w);
		uint64_t m = carry;

		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			uint64_t last = (uint64_t)sqlite3_column_int64(st, 1);
			uint64_t low = (uint64_t)sqlite3_column_int64(st, 2);

			m = have && sqlite3_column_int(st, 3) && carry < low ? carry : low;
			carry = last;
			have = true;
		}
		assert_int_equal(bucket, n);         // one tick per bucket, none missing
		out[n++] = m;
	}
	sqlite3_finalize(st);
	return n;
}

#define SHAPE_HOURS 3
#define SHAPE_SECONDS (SHAPE_HOURS * 3600)

static const struct shape test_shapes[] = {
	{ SHAPE_LINEAR, 50 * 1024, 64, 0, 0, 256, 1, "steady 64 KiB/s" },
	{ SHAPE_LINEAR, 20 * 1024, 0.2 * 1024 / 60, 0, 0, 32, 2, "steady 0.2 MiB/min" },
	{ SHAPE_BURSTY, 50 * 1024, 0, 2 * 1024, 20, 256, 3, "bursty" },
	{ SHAPE_SAWLEAK, 50 * 1024, 64, 20 * 1024, 30, 256, 4, "sawtooth + leak" },
	{ SHAPE_NOISY, 100 * 1024, 0, 0, 0, 2 * 1024, 5, "noisy flat" },
	{ SHAPE_SAWTOOTH, 100 * 1024, 0, 80 * 1024, 300, 256, 6, "flat sawtooth" },
	{ SHAPE_WARMUP, 30 * 1024, 1024, 0, 120, 256, 7, "warm-up" },
	{ SHAPE_HOLD_FREE, 100 * 1024, 0, 300 * 1024, 600, 256, 8, "hold and free" },
	{ SHAPE_SPIKE, 100 * 1024, 0, 800 * 1024, 1800, 256, 9, "spikes" },
};
#define NSHAPES (sizeof test_shapes / sizeof test_shapes[0])

// Three hours of the shapes, one process each, at 1 s: recorded, and each
// fed raw to a leak detector. Returns the raw verdicts in raw[].
static void record_shapes(struct bench *b, bool raw[NSHAPES], double *t0)
{
	static struct leak_state leak[NSHAPES];

	for (size_t i = 0; i < NSHAPES; i++)
		world_add(&b->wd, 100 + (int)i, "shape", 0);
	*t0 = b->wd.t;
	bench_open(b);
	for (int s = 0; s < SHAPE_SECONDS; s++) {
		for (size_t i = 0; i < NSHAPES; i++) {
			uint64_t v = (uint64_t)shape_value(&test_shapes[i], s);

			b->wd.w[i].anon = v;
			b->wd.w[i].rss = v + 1000;
			if (s == 0)
				leak_init(&leak[i], s, LEAK_SENS_NORMAL);
			leak_push(&leak[i], s, v);
		}
		assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	}
	for (size_t i = 0; i < NSHAPES; i++)
		raw[i] = leak[i].verdict.suspected;
}

// Runs maintenance as of now until it has nothing left to do.
static void maintain_all(struct bench *b, double now)
{
	unsigned long before;

	do {
		before = recorder_stats(b->r)->thin_runs + recorder_stats(b->r)->trimmed_ticks;
		assert_int_equal(recorder_maintain(b->r, now), 0);
	} while (recorder_stats(b->r)->thin_runs + recorder_stats(b->r)->trimmed_ticks != before);
}

// The envelope a reader gets back from each tier equals the bucket minima
// of the raw values, and the leak verdict on it equals the raw verdict.
static void check_tier(struct bench *b, double t0, double w, int res, const bool raw[NSHAPES])
{
	static uint64_t series[SHAPE_SECONDS];
	size_t buckets = (size_t)(SHAPE_SECONDS / w);

	for (size_t i = 0; i < NSHAPES; i++) {
		size_t n = thinned_series(b, 100 + (int)i, w, t0, series, SHAPE_SECONDS, res);
		struct leak_state leak;

		assert_true(n + 1 >= buckets);       // the last bucket may still be open
		for (size_t k = 0; k < n; k++) {
			uint64_t want = UINT64_MAX;

			for (size_t s = (size_t)(k * w); s < (size_t)((k + 1) * w); s++) {
				uint64_t v = (uint64_t)shape_value(&test_shapes[i], (double)s);

				want = v < want ? v : want;
			}
			if (series[k] != want)
				fail_msg("%s, %.0f-s bucket %zu: %llu, want %llu", test_shapes[i].name, w, k,
					 (unsigned long long)series[k], (unsigned long long)want);
		}
		leak_init(&leak, 0, LEAK_SENS_NORMAL);
		for (size_t k = 0; k < n; k++)
			leak_push(&leak, (double)k * w + w - 1, series[k]);
		if (leak.verdict.suspected != raw[i])
			fail_msg("%s: %.0f-s envelope says %d, raw %d", test_shapes[i].name, w,
				 leak.verdict.suspected, raw[i]);
	}
}

static void test_thinning_keeps_envelope_and_verdict(void **state)
{
	struct bench *b = bench_new();
	bool raw[NSHAPES];
	double t0;

	(void)state;
	// Thin everything older than 0 s into 15-s buckets; nothing to 150 s yet.
	b->pol.thin_after_s[0] = 0;
	b->pol.thin_after_s[1] = 1e9;
	b->pol.maintain_every_s = 1e9;
	b->pol.full_every_s = 600;
	b->wd.t = 1.7e9 - fmod(1.7e9, 150);   // buckets start with the recording
	record_shapes(b, raw, &t0);
	size_t leaks = 0;

	for (size_t i = 0; i < NSHAPES; i++)
		leaks += raw[i];
	assert_true(leaks >= 3);              // the raw verdicts are not all "no"
	int64_t rows_raw = q(b, "SELECT count(*) FROM sample");

	maintain_all(b, b->wd.t);
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE res = 0"), 0);
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE res = 1"), SHAPE_SECONDS / 15);
	assert_true(q(b, "SELECT count(*) FROM sample") < rows_raw / 10);
	// Full ticks stay full: a row for every process.
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE full = 1"), SHAPE_SECONDS / 600);
	assert_int_equal(q(b, "SELECT min(n) FROM (SELECT count(*) AS n FROM sample s JOIN tick k"
			      " ON k.id = s.tick WHERE k.full = 1 GROUP BY k.id)"), (int64_t)NSHAPES);
	check_tier(b, t0, 15, 1, raw);
	// Then the 150-s tier.
	recorder_policy(b->r)->thin_after_s[1] = 0;
	maintain_all(b, b->wd.t);
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE res = 1"), 0);
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE res = 2"), SHAPE_SECONDS / 150);
	check_tier(b, t0, 150, 2, raw);
	assert_int_equal(q(b, "SELECT count(*) FROM sample WHERE tick NOT IN (SELECT id FROM tick)"), 0);
	bench_free(b);
}

static void test_retention_by_age(void **state)
{
	struct bench *b = bench_new();
	struct wproc *d;

	(void)state;
	world_add(&b->wd, 10, "alpha", 1000);
	d = world_add(&b->wd, 20, "short", 2000);
	b->pol.keep_s = 600;
	b->pol.maintain_every_s = 60;
	bench_open(b);
	for (int s = 0; s < 1800; s++) {
		char cg[32];

		b->wd.w[0].rss += 1;                  // a row every tick
		b->wd.w[0].anon += 4;                 // and a rollup row every bucket
		if (s == 100)
			d->alive = false;
		// Every 10 s a reading of its cgroup, a new one each minute (a
		// container or session that comes and goes).
		snprintf(cg, sizeof cg, "/run-%d.scope", s / 60);
		b->wd.cg[0] = (struct cgroup_reading){ .path = cg, .have_usage = true,
						       .usage_kb = 1000 + (uint64_t)s };
		b->wd.ncg = 1;
		b->wd.cg_due = s % 10 == 0;
		assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
		assert_true(recorder_stats(b->r)->cgroups_known <= 1);   // only the last reading's
	}
	maintain_all(b, b->wd.t - 1);
	int64_t newest = q(b, "SELECT max(t) FROM tick");

	assert_true(q(b, "SELECT min(t) FROM tick") >= newest - 600 * 1000);
	assert_true(q(b, "SELECT count(*) FROM tick") >= 599);
	assert_int_equal(q(b, "SELECT count(*) FROM sample WHERE tick < (SELECT min(id) FROM tick)"), 0);
	// The process that exited long ago went, names and all; the other stays.
	assert_int_equal(q(b, "SELECT count(*) FROM proc"), 1);
	assert_int_equal(q(b, "SELECT count(*) FROM ident WHERE comm = 'short'"), 0);
	assert_int_equal(q(b, "SELECT count(*) FROM proc_name WHERE comm = 'alpha'"), 1);
	// The rollup and the cgroups too: nothing older than the oldest tick,
	// and the cgroups of the last ten minutes only (30 came and went).
	assert_true(q(b, "SELECT count(*) FROM envelope") > 0);
	assert_int_equal(q(b, "SELECT count(*) FROM envelope WHERE t < (SELECT min(t) FROM tick)"), 0);
	assert_true(q(b, "SELECT count(*) FROM cgroup") <= 12);
	assert_true(q(b, "SELECT count(*) FROM cgroup") >= 10);
	assert_int_equal(q(b, "SELECT count(*) FROM cgroup WHERE path = '/run-29.scope'"), 1);
	assert_int_equal(q(b, "SELECT count(*) FROM cgroup_sample s LEFT JOIN cgroup c ON c.id = s.cgroup"
			   " WHERE c.id IS NULL"), 0);
	bench_free(b);
}

static void test_retention_by_size(void **state)
{
	struct bench *b = bench_new();
	int64_t pages, page_size;

	(void)state;
	for (int i = 0; i < WORLD_MAX; i++)
		world_add(&b->wd, 10 + i, "busy", 1000);
	b->pol.max_bytes = 6u << 20;          // 2 MiB beside the WAL's allowance
	b->pol.maintain_every_s = 30;
	bench_open(b);
	for (int s = 0; s < 6000; s++) {
		for (int i = 0; i < WORLD_MAX; i++)
			b->wd.w[i].rss += 1 + (uint64_t)i;
		assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	}
	pages = q(b, "PRAGMA page_count");
	page_size = q(b, "PRAGMA page_size");
	assert_true(recorder_stats(b->r)->trimmed_ticks > 0);
	assert_true(pages * page_size <= (2 << 20) + 64 * 1024);
	// The newest data stays, the oldest went.
	assert_int_equal(q(b, "SELECT max(t) FROM tick"), (int64_t)llround((b->wd.t - 1) * 1000));
	assert_true(q(b, "SELECT min(id) FROM tick") > 1000);
	assert_true(q(b, "SELECT count(*) FROM tick") > 1000);
	bench_free(b);
}

// Every statement of a thinning or retention step reads the sample and
// envelope tables by key or index, never by a scan of the whole table: a
// step a minute on a month's file would walk every row (the join order
// SQLite picked for thinning did, until it was forced).
static void test_maintenance_never_scans_the_big_tables(void **state)
{
	(void)state;
	struct bench *b = bench_new();
	sqlite3 *db;

	bench_open(b);
	world_add(&b->wd, 10, "one", 4096);
	for (int i = 0; i < 5; i++)
		assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	recorder_close(b->r);
	b->r = NULL;
	assert_int_equal(sqlite3_open(b->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	for (int which = 0; which < 2; which++) {
		const char *sql = maintain_sql(which);

		while (sql && *sql) {
			char explain[4096];
			const char *tail = NULL;
			sqlite3_stmt *st = NULL, *plan = NULL;

			// Each statement's plan, then the statement itself (with no
			// parameters bound it touches nothing, but creates the temp
			// tables the next ones read).
			assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, &tail), SQLITE_OK);
			sql = tail;
			if (!st)
				continue;
			snprintf(explain, sizeof explain, "EXPLAIN QUERY PLAN %s", sqlite3_sql(st));
			if (strncmp(sqlite3_sql(st), "DROP", 4) != 0) {
				assert_int_equal(sqlite3_prepare_v2(db, explain, -1, &plan, NULL), SQLITE_OK);
				while (sqlite3_step(plan) == SQLITE_ROW) {
					const char *d = (const char *)sqlite3_column_text(plan, 3);

					if (strcmp(d, "SCAN sample") == 0 || strcmp(d, "SCAN s") == 0 ||
					    strcmp(d, "SCAN envelope") == 0 || strcmp(d, "SCAN cgroup_sample") == 0 ||
					    strcmp(d, "SCAN c") == 0)
						fail_msg("a scan of a big table: %s\nin: %s", d, sqlite3_sql(st));
				}
				sqlite3_finalize(plan);
			}
			assert_int_equal(sqlite3_step(st), SQLITE_DONE);
			sqlite3_finalize(st);
		}
	}
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	bench_free(b);
}

// An OOM kill as the kernel log reports it: seq, when (wall), the victim,
// with two rows of the task table; since_start false: the log's backlog.
static struct oom_kill make_kill(uint64_t seq, double wall, int pid, const char *comm, bool since_start)
{
	struct oom_kill k = {
		.seq = seq, .wall_time = wall, .boot_s = wall - 1.6e9, .mono_time = wall - 1.7e9,
		.since_start = since_start, .have_trigger = true, .order = 0, .trigger_oom_score_adj = 0,
		.scope = OOM_SCOPE_MEMCG, .pid = pid, .uid = 1000, .total_vm_kb = 900000,
		.anon_rss_kb = 500000, .file_rss_kb = 1200, .shmem_rss_kb = 4, .pgtables_kb = 1100,
		.have_pgtables = true, .have_oom_score_adj = true, .oom_score_adj = 200,
		.have_memcg_usage = true, .memcg_usage_kb = 524288, .memcg_limit_kb = 524288,
		.ntasks = 2, .tasks_listed = 17,
	};

	snprintf(k.comm, sizeof k.comm, "%s", comm);
	snprintf(k.trigger_comm, sizeof k.trigger_comm, "%s", comm);
	snprintf(k.gfp_mask, sizeof k.gfp_mask, "0xcc0(GFP_KERNEL)");
	snprintf(k.constraint, sizeof k.constraint, "CONSTRAINT_MEMCG");
	snprintf(k.oom_memcg, sizeof k.oom_memcg, "/system.slice/%s.service", comm);
	snprintf(k.task_memcg, sizeof k.task_memcg, "/system.slice/%s.service", comm);
	for (unsigned i = 0; i < k.ntasks; i++) {
		k.tasks[i] = (struct oom_task_row){ .pid = pid + (int)i, .uid = 1000, .total_vm_kb = 900000,
						    .rss_kb = 500000 - i, .have_split = i == 0,
						    .rss_anon_kb = 400000, .oom_score_adj = 200 };
		snprintf(k.tasks[i].comm, sizeof k.tasks[i].comm, "%s", comm);
	}
	return k;
}

// Hands up kills at the next tick (the world's log reported them).
static void world_kills(struct world *wd, const struct oom_kill *k, size_t n)
{
	assert_true(n <= sizeof wd->kills / sizeof wd->kills[0]);
	memcpy(wd->kills, k, n * sizeof *k);
	wd->nkills = n;
}

// OOM kills are stored once each: the backlog of the first tick, new ones
// later, and the same backlog again after a restart (with one new in it);
// every field, the task rows, the tick that saw them, the log's state.
static void test_oom_kills_stored_once(void **state)
{
	struct bench *b = bench_new();
	struct oom_kill k[4];

	(void)state;
	world_add(&b->wd, 10, "alpha", 1000);
	k[0] = make_kill(10, b->wd.t - 7200, 300, "old\x1b[31mjob", false);
	k[1] = make_kill(11, b->wd.t - 60, 301, "db", false);
	k[1].have_pgtables = k[1].have_oom_score_adj = k[1].have_trigger = k[1].have_memcg_usage = false;
	k[1].uid = -1;
	k[1].ntasks = 0;
	k[1].scope = OOM_SCOPE_GLOBAL;
	k[1].constraint[0] = k[1].oom_memcg[0] = '\0';
	bench_open(b);
	world_kills(&b->wd, k, 2);
	int64_t t1 = llround(b->wd.t * 1000);

	assert_int_equal(bench_tick(b, 5), RECORD_WRITTEN);
	b->wd.nkills = 0;
	assert_int_equal(bench_tick(b, 5), RECORD_WRITTEN);
	k[2] = make_kill(12, b->wd.t - 2, 302, "worker", true);
	world_kills(&b->wd, &k[2], 1);
	int64_t t3 = llround(b->wd.t * 1000);

	assert_int_equal(bench_tick(b, 5), RECORD_WRITTEN);
	b->wd.nkills = 0;
	assert_int_equal(recorder_stats(b->r)->oom_kills, 3);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_kill"), 3);
	// The backlog is seen at the first tick; the new kill at its own.
	char sql[256];

	snprintf(sql, sizeof sql, "SELECT count(*) FROM oom_kill WHERE seen_t = %lld AND since_start = 0"
		 " AND seq IN (10, 11)", (long long)t1);
	assert_int_equal(q(b, sql), 2);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM oom_kill WHERE seen_t = %lld AND since_start = 1"
		 " AND seq = 12 AND t = %lld", (long long)t3, (long long)(t3 - 2000));
	assert_int_equal(q(b, sql), 1);
	// Every field: given ones as given, missing ones NULL.
	assert_int_equal(q(b, "SELECT count(*) FROM oom_kill WHERE seq = 10 AND pid = 300 AND uid = 1000"
			   " AND comm = 'old\x1b[31mjob' AND scope = 2 AND constraint_name = 'CONSTRAINT_MEMCG'"
			   " AND task_memcg = '/system.slice/old\x1b[31mjob.service' AND total_vm_kb = 900000"
			   " AND anon_rss_kb = 500000 AND file_rss_kb = 1200 AND shmem_rss_kb = 4 AND pgtables_kb = 1100"
			   " AND oom_score_adj = 200 AND trigger_comm = comm AND gfp_mask = '0xcc0(GFP_KERNEL)'"
			   " AND alloc_order = 0 AND memcg_usage_kb = 524288 AND memcg_limit_kb = 524288"
			   " AND tasks_listed = 17 AND abs(boot_s - (t / 1000.0 - 1.6e9)) < 0.01"),
			 1);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_kill WHERE seq = 11 AND uid IS NULL AND pgtables_kb IS NULL"
			   " AND oom_score_adj IS NULL AND trigger_comm IS NULL AND memcg_usage_kb IS NULL"
			   " AND oom_memcg IS NULL AND scope = 1"), 1);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_task"), 4);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_task t JOIN oom_kill k ON k.id = t.kill WHERE k.seq = 12"
			   " AND t.rank = 0 AND t.pid = 302 AND t.rss_kb = 500000 AND t.rss_anon_kb = 400000"),
			 1);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_task WHERE rank = 1 AND rss_anon_kb IS NULL"), 2);
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE oom_log = 0 AND oom_log_lost = 0"), 3);
	// A restart: the whole backlog again, with a kill that came while
	// nobody recorded. Only that one is new.
	recorder_close(b->r);
	bench_open(b);
	k[3] = make_kill(13, b->wd.t - 30, 303, "batch", false);
	world_kills(&b->wd, k, 4);
	assert_int_equal(bench_tick(b, 5), RECORD_WRITTEN);
	b->wd.nkills = 0;
	assert_int_equal(recorder_stats(b->r)->oom_kills, 1);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_kill"), 4);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_task"), 6);
	assert_int_equal(q(b, "SELECT count(DISTINCT seq) FROM oom_kill"), 4);
	// Another boot: the same sequence numbers are other kills.
	recorder_close(b->r);
	snprintf(b->host.boot_id, sizeof b->host.boot_id, "boot-2");
	bench_open(b);
	world_kills(&b->wd, k, 1);
	assert_int_equal(bench_tick(b, 5), RECORD_WRITTEN);
	b->wd.nkills = 0;
	assert_int_equal(q(b, "SELECT count(*) FROM oom_kill WHERE seq = 10"), 2);
	// Not root: the ticks say so (-EPERM), and nothing is stored; a run
	// that does not read the log leaves the column NULL.
	b->wd.oom_err = -EPERM;
	world_kills(&b->wd, &k[2], 1);
	assert_int_equal(bench_tick(b, 5), RECORD_WRITTEN);
	b->wd.oom_err = -ENOTSUP;
	assert_int_equal(bench_tick(b, 5), RECORD_WRITTEN);
	b->wd.nkills = 0;
	b->wd.oom_err = 0;
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE oom_log = -1"), 1);
	assert_int_equal(q(b, "SELECT count(*) FROM tick WHERE oom_log IS NULL"), 1);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_kill"), 5);
	bench_free(b);
}

// A kill handed up at a tick that was not written (below the free-space
// floor) is stored at the next one written: the log hands it up once.
static void test_oom_kill_survives_a_pause(void **state)
{
	struct bench *b = bench_new();
	struct oom_kill k = make_kill(40, 0, 400, "victim", true);

	(void)state;
	world_add(&b->wd, 10, "alpha", 1000);
	bench_open(b);
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	recorder_policy(b->r)->min_free_bytes = UINT64_MAX / 2;
	k.wall_time = b->wd.t - 0.5;
	world_kills(&b->wd, &k, 1);
	assert_int_equal(bench_tick(b, 1), RECORD_PAUSED);
	b->wd.nkills = 0;
	assert_int_equal(bench_tick(b, 1), RECORD_PAUSED);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_kill"), 0);
	recorder_policy(b->r)->min_free_bytes = 1;
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_kill WHERE seq = 40 AND pid = 400"), 1);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_task"), 2);
	assert_int_equal(bench_tick(b, 1), RECORD_WRITTEN);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_kill"), 1);
	bench_free(b);
}

// Thinning keeps every kill (and its task rows); retention drops those
// recorded before the oldest tick it keeps, and only those.
static void test_oom_kills_thinning_and_retention(void **state)
{
	struct bench *b = bench_new();

	(void)state;
	b->pol.thin_after_s[0] = 120;
	b->pol.thin_after_s[1] = 240;
	b->pol.maintain_every_s = 1e9;
	b->pol.keep_s = 1e6;
	world_add(&b->wd, 10, "alpha", 1000);
	bench_open(b);
	for (int s = 0; s < 600; s += 2) {
		b->wd.w[0].rss += 1;
		if (s == 50 || s == 52 || s == 250 || s == 550) {
			struct oom_kill k = make_kill(1000 + (uint64_t)s, b->wd.t - 0.3, 500 + s, "hog", true);

			world_kills(&b->wd, &k, 1);
		}
		if (s == 500) {               // found late, in the log's backlog: old
			struct oom_kill k = make_kill(900, b->wd.t - 3000, 900, "ancient", false);

			world_kills(&b->wd, &k, 1);
		}
		assert_int_equal(bench_tick(b, 2), RECORD_WRITTEN);
		b->wd.nkills = 0;
	}
	maintain_all(b, b->wd.t - 2);
	assert_true(q(b, "SELECT count(*) FROM tick WHERE res > 0") > 0);
	assert_true(q(b, "SELECT count(*) FROM tick WHERE res = 2") > 0);
	assert_true(q(b, "SELECT count(*) FROM tick") < 150);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_kill"), 5);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_task"), 10);
	// Five minutes kept: the kills of s = 50, 52 and 250 go, tasks and all,
	// and the old one found late, though its tick stays.
	recorder_policy(b->r)->keep_s = 300;
	maintain_all(b, b->wd.t - 2);
	assert_true(q(b, "SELECT min(t) FROM tick") > llround((1.7e9 + 250) * 1000));
	assert_int_equal(q(b, "SELECT count(*) FROM oom_kill"), 1);
	assert_int_equal(q(b, "SELECT seq FROM oom_kill"), 1550);
	assert_int_equal(q(b, "SELECT count(*) FROM oom_task"), 2);
	bench_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_tick_full_then_changes_only),
		cmocka_unit_test(test_names_exits_and_pid_reuse),
		cmocka_unit_test(test_reopen_continues_the_file),
		cmocka_unit_test(test_second_writer_refused),
		cmocka_unit_test(test_refuses_what_is_not_a_recording),
		cmocka_unit_test(test_cgroup_readings_recorded_when_changed),
		cmocka_unit_test(test_floor_pauses_then_resumes),
		cmocka_unit_test(test_lock_held_elsewhere_pauses),
		cmocka_unit_test(test_thinning_keeps_envelope_and_verdict),
		cmocka_unit_test(test_retention_by_age),
		cmocka_unit_test(test_retention_by_size),
		cmocka_unit_test(test_maintenance_never_scans_the_big_tables),
		cmocka_unit_test(test_oom_kills_stored_once),
		cmocka_unit_test(test_oom_kill_survives_a_pause),
		cmocka_unit_test(test_oom_kills_thinning_and_retention),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
