/* recording.c — opening a recording: the checks before anything is written,
 * the writer's lock, and the schema (versions 1 to 3, docs/recording.md). */
#include "store/recording.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

/* The schema. Times are milliseconds since the epoch (UTC), sizes KiB. A
 * process sample is written only when one of its values changed since its
 * last row (and for every process in a "full" tick): a process's value at
 * a tick is its last row at or before it. Thinned ticks (res > 0) stand for
 * a bucket of 15 s or 150 s; their *_min columns hold the minimum of the
 * bucket's rows (NULL: the value itself), and carry = 1 says the value
 * carried in from the process's previous row was also there at the
 * bucket's start (see store/maintain.h). */
static const char schema_sql[] =
	"PRAGMA auto_vacuum = INCREMENTAL;"
	"BEGIN;"
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
	"CREATE TABLE boot(id INTEGER PRIMARY KEY, boot_id TEXT NOT NULL UNIQUE, hostname TEXT,"
	" first_t INTEGER NOT NULL);"
	"CREATE TABLE tick(id INTEGER PRIMARY KEY, t INTEGER NOT NULL, boot INTEGER NOT NULL,"
	" res INTEGER NOT NULL DEFAULT 0, full INTEGER NOT NULL DEFAULT 0, interval_ms INTEGER,"
	" nprocs INTEGER, mem_total_kb INTEGER, mem_available_kb INTEGER, mem_free_kb INTEGER,"
	" buffers_kb INTEGER, cached_kb INTEGER, shmem_kb INTEGER, swap_total_kb INTEGER,"
	" swap_free_kb INTEGER, psi_some_avg10 REAL, psi_some_avg60 REAL, psi_some_avg300 REAL,"
	" psi_some_total_us INTEGER, psi_full_avg10 REAL, psi_full_avg60 REAL, psi_full_avg300 REAL,"
	" psi_full_total_us INTEGER, oom_kill INTEGER,"
	" mem_available_min_kb INTEGER, psi_some_avg10_max REAL, psi_full_avg10_max REAL);"
	"CREATE INDEX tick_t ON tick(t);"
	"CREATE TABLE proc(id INTEGER PRIMARY KEY, boot INTEGER NOT NULL, pid INTEGER NOT NULL,"
	" start_ticks INTEGER NOT NULL, start_t INTEGER, first_t INTEGER NOT NULL,"
	" last_t INTEGER, exit_t INTEGER);"
	"CREATE UNIQUE INDEX proc_key ON proc(boot, pid, start_ticks);"
	"CREATE TABLE ident(id INTEGER PRIMARY KEY, proc INTEGER NOT NULL, t INTEGER NOT NULL,"
	" ppid INTEGER, comm TEXT NOT NULL, cmdline TEXT, user TEXT, cgroup TEXT, exe TEXT);"
	"CREATE INDEX ident_proc ON ident(proc, t);"
	"CREATE TABLE sample(tick INTEGER NOT NULL, proc INTEGER NOT NULL, rss_kb INTEGER,"
	" anon_kb INTEGER, swap_kb INTEGER, rss_min_kb INTEGER, anon_min_kb INTEGER,"
	" sig_min_kb INTEGER, carry INTEGER, PRIMARY KEY(tick, proc)) WITHOUT ROWID;"
	"CREATE TABLE cgroup(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);"
	"CREATE TABLE cgroup_sample(tick INTEGER NOT NULL, cgroup INTEGER NOT NULL,"
	" usage_kb INTEGER, limit_kb INTEGER, usage_min_kb INTEGER,"
	" PRIMARY KEY(tick, cgroup)) WITHOUT ROWID;"
	// Views for people with sqlite3: times in seconds, names joined in.
	"CREATE VIEW proc_name AS SELECT p.id AS proc, p.pid, i.comm, i.cmdline, i.user, i.cgroup,"
	" i.exe, p.first_t, p.exit_t FROM proc p JOIN ident i ON i.id ="
	" (SELECT id FROM ident WHERE proc = p.id ORDER BY t DESC, id DESC LIMIT 1);"
	"CREATE VIEW samples AS SELECT k.t / 1000.0 AS time, p.pid, s.rss_kb, s.anon_kb, s.swap_kb,"
	" s.proc, s.tick, k.res FROM sample s JOIN tick k ON k.id = s.tick"
	" JOIN proc p ON p.id = s.proc;"
	"PRAGMA application_id = 1296387412;"      // RECORDING_APPLICATION_ID
	"PRAGMA user_version = 1;"                 // then brought up to 2, below
	"COMMIT;";

_Static_assert(RECORDING_APPLICATION_ID == 1296387412, "schema_sql names the application id");

/* Version 2, for the replay: each tick's monotonic time (the clock the leak
 * detector runs on), each sample's OOM score and adjustment (with swap: the
 * sampler's detail fields), a rollup of every process's leak signal (the
 * smallest anonymous + swap in each bucket of 150 s and 1800 s of the
 * monotonic clock, a row when it differs from the process's previous
 * bucket at that resolution), which seeds a detector with days of a
 * process's past in a few rows (t: when the bucket was written, for
 * retention), which ident rows an exec wrote (the live model starts a
 * new record there) and which command lines the sampler cut, the cgroup readings of the cgroup view (the ticks
 * that read them; each cgroup's own anonymous memory and pressure), and
 * the indexes a reader steps with. A
 * version 1 file is brought up to it when opened for writing. */
static const char schema_v2_sql[] =
	"BEGIN;"
	"ALTER TABLE tick ADD COLUMN mono_ms INTEGER;"
	"ALTER TABLE sample ADD COLUMN oom_score INTEGER;"
	"ALTER TABLE sample ADD COLUMN oom_adj INTEGER;"
	"CREATE TABLE envelope(proc INTEGER NOT NULL, res INTEGER NOT NULL, bucket INTEGER NOT NULL,"
	" sig_min_kb INTEGER NOT NULL, t INTEGER NOT NULL, PRIMARY KEY(proc, res, bucket)) WITHOUT ROWID;"
	"CREATE INDEX envelope_t ON envelope(t);"
	"CREATE INDEX proc_exit ON proc(exit_t);"
	"CREATE INDEX ident_t ON ident(t);"
	"ALTER TABLE ident ADD COLUMN exec INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE ident ADD COLUMN cmdline_cut INTEGER NOT NULL DEFAULT 0;"
	// The cgroup view's readings: which ticks read the cgroups, and each
	// cgroup's own anonymous memory + swap and pressure.
	"ALTER TABLE tick ADD COLUMN cg_read INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE cgroup_sample ADD COLUMN anon_kb INTEGER;"
	"ALTER TABLE cgroup_sample ADD COLUMN psi_some REAL;"
	"ALTER TABLE cgroup_sample ADD COLUMN psi_full REAL;"
	"ALTER TABLE cgroup_sample ADD COLUMN sig_kb INTEGER;"
	"CREATE INDEX cgroup_sample_cg ON cgroup_sample(cgroup, tick);"
	// Thinning finds the ticks still to fold without walking those it
	// folded already (all of a month's, otherwise, every minute).
	"CREATE INDEX tick_res_t ON tick(res, t);"
	"PRAGMA user_version = 2;"
	"COMMIT;";

/* Version 3: the OOM kills the kernel log reported (snapshot.oom_kills),
 * one row per kill, unique by (boot, seq): each run hands up the log's
 * backlog again at its first tick, and a kill stored once is not stored
 * again. t is the kill's own time, seen_t the tick that first recorded it
 * (the first at or after the kill: a replay hands it up there, as live);
 * the largest rows of the kernel's task table go in a child table (typed
 * columns a sqlite3 user can query, and no encoding of our own to parse
 * back from a file that may be crafted). Each tick says whether the log
 * was read (oom_log: 0 read, -errno not allowed, NULL not asked for), so
 * that a reader tells "no kill" from "unknown"; each cgroup reading keeps
 * the cgroup's own kill counter (oom_kills, NULL where the kernel has none). Everything is an addition:
 * a reader of version 2 reads a version 3 file unchanged, which meta
 * compat_version says (see check_version). */
static const char schema_v3_sql[] =
	"BEGIN;"
	"CREATE TABLE IF NOT EXISTS oom_kill(id INTEGER PRIMARY KEY, boot INTEGER NOT NULL,"
	" seq INTEGER NOT NULL, t INTEGER NOT NULL, seen_t INTEGER NOT NULL, boot_s REAL, mono_ms INTEGER,"
	" since_start INTEGER NOT NULL DEFAULT 1, pid INTEGER, uid INTEGER, comm TEXT NOT NULL,"
	" scope INTEGER NOT NULL DEFAULT 0, constraint_name TEXT, oom_memcg TEXT, task_memcg TEXT,"
	" total_vm_kb INTEGER, anon_rss_kb INTEGER, file_rss_kb INTEGER, shmem_rss_kb INTEGER,"
	" pgtables_kb INTEGER, oom_score_adj INTEGER, trigger_comm TEXT, gfp_mask TEXT,"
	" alloc_order INTEGER, trigger_oom_score_adj INTEGER, memcg_usage_kb INTEGER,"
	" memcg_limit_kb INTEGER, tasks_listed INTEGER NOT NULL DEFAULT 0, UNIQUE(boot, seq));"
	"CREATE INDEX IF NOT EXISTS oom_kill_seen ON oom_kill(boot, seen_t);"
	"CREATE INDEX IF NOT EXISTS oom_kill_seen_t ON oom_kill(seen_t);"
	"CREATE INDEX IF NOT EXISTS oom_kill_t ON oom_kill(t);"
	"CREATE TABLE IF NOT EXISTS oom_task(kill INTEGER NOT NULL, rank INTEGER NOT NULL,"
	" pid INTEGER, uid INTEGER, comm TEXT NOT NULL, total_vm_kb INTEGER, rss_kb INTEGER,"
	" rss_anon_kb INTEGER, rss_file_kb INTEGER, rss_shmem_kb INTEGER, pgtables_kb INTEGER,"
	" swap_kb INTEGER, oom_score_adj INTEGER, PRIMARY KEY(kill, rank)) WITHOUT ROWID;"
	"ALTER TABLE tick ADD COLUMN oom_log INTEGER;"
	"ALTER TABLE tick ADD COLUMN oom_log_lost INTEGER;"
	// Each cgroup's own kill counter (memory.events, v1 memory.oom_control).
	"ALTER TABLE cgroup_sample ADD COLUMN oom_kills INTEGER;"
	"INSERT OR REPLACE INTO meta VALUES('compat_version', 2);"
	"PRAGMA user_version = 3;"
	"COMMIT;";

_Static_assert(RECORDING_SCHEMA_VERSION == 3, "schema_v3_sql names the schema version");
_Static_assert(RECORDING_COMPAT_VERSION == 2, "schema_v3_sql names the compatible version");

// Settings of the writer's connection. WAL: readers read while it writes,
// and a crash loses at most the last transactions; synchronous=NORMAL: no
// fsync per tick (the WAL is synced at checkpoints), which is what makes a
// tick cost well under a millisecond. The WAL is cut back to 4 MiB after a
// checkpoint so that it never holds on to space; temporary tables stay in
// memory (no files outside the recording's directory).
static const char writer_pragmas[] =
	"PRAGMA journal_mode = WAL;"
	"PRAGMA synchronous = NORMAL;"
	"PRAGMA journal_size_limit = 4194304;"
	"PRAGMA temp_store = MEMORY;"
	"PRAGMA cache_size = -1024;"      // KiB: appends need little; RSS is a target
	"PRAGMA foreign_keys = OFF;";

int recording_exec(struct recording *r, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(r->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		snprintf(err, errlen, "%s: %s", r->path, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return rc;
}

int64_t recording_query_int(sqlite3 *db, const char *sql, int64_t fallback)
{
	sqlite3_stmt *st;
	int64_t v = fallback;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fallback;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int64_t recording_meta_int(struct recording *r, const char *key, int64_t fallback)
{
	sqlite3_stmt *st;
	int64_t v = fallback;

	if (!r->db || sqlite3_prepare_v2(r->db, "SELECT value FROM meta WHERE key = ?", -1, &st,
					 NULL) != SQLITE_OK)
		return fallback;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

bool recording_readable(sqlite3 *db, int64_t version)
{
	if (version <= RECORDING_SCHEMA_VERSION)
		return true;
	// A newer file whose changes are additions says which reader still
	// reads it (version 3 on; a version-2 memtop refuses every newer file).
	int64_t compat = recording_query_int(db, "SELECT value FROM meta WHERE key = 'compat_version'"
					     " AND typeof(value) = 'integer'", INT64_MAX);

	return compat <= RECORDING_SCHEMA_VERSION;
}

void recording_close(struct recording *r)
{
	if (r->db)
		sqlite3_close_v2(r->db);
	r->db = NULL;
	// The lock goes last: closing another descriptor of the file before
	// SQLite is done would drop SQLite's own (POSIX) locks.
	if (r->lock_fd > 0)
		close(r->lock_fd);
	r->lock_fd = -1;
}

// Whether the file starts like an SQLite database (an empty one is new).
static int check_header(int fd, const char *path, char *err, size_t errlen)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	ssize_t n = pread(fd, head, sizeof head, 0);

	if (n < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -errno;
	}
	if (n == 0)
		return 0;
	if (n < (ssize_t)sizeof head || memcmp(head, magic, sizeof magic) != 0) {
		snprintf(err, errlen, "%s is not a memtop recording (not an SQLite database); "
			 "record to another file", path);
		return -EINVAL;
	}
	return 0;
}

// The pid a writer of the file left in its meta table, or 0.
static long writer_pid(const char *path)
{
	struct recording peek = { .lock_fd = -1 };
	long pid = 0;

	snprintf(peek.path, sizeof peek.path, "%s", path);
	if (sqlite3_open_v2(path, &peek.db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
		pid = (long)recording_meta_int(&peek, "writer_pid", 0);
	recording_close(&peek);
	return pid;
}

// Takes the writer's lock: flock on a descriptor of the file, kept open for
// the recording's life (flock and SQLite's fcntl locks do not interfere).
static int take_lock(struct recording *r, char *err, size_t errlen)
{
	if (flock(r->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK) {
		long pid = writer_pid(r->path);

		if (pid > 0)
			snprintf(err, errlen, "%s is being written by another memtop (pid %ld)", r->path, pid);
		else
			snprintf(err, errlen, "%s is being written by another memtop", r->path);
		return -EBUSY;
	}
	snprintf(err, errlen, "cannot lock %s: %s", r->path, strerror(errno));
	return -errno;
}

// Checks the file's directory can take the WAL and shared-memory files
// SQLite creates next to it: otherwise it would fail later, half-opened.
static int check_directory(const char *path, char *err, size_t errlen)
{
	char copy[4096];

	snprintf(copy, sizeof copy, "%s", path);
	const char *dir = dirname(copy);

	if (access(dir, W_OK | X_OK) < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot record to %s: its directory %s is not writable (%s)", path,
			 dir, strerror(e));
		return -e;
	}
	return 0;
}

// Whether an open database is a memtop recording this memtop can write:
// 1 when it is empty (new), 0 when it is one, -EINVAL otherwise.
static int check_identity(struct recording *r, char *err, size_t errlen)
{
	int64_t app = recording_query_int(r->db, "PRAGMA application_id", -1);
	int64_t version = recording_query_int(r->db, "PRAGMA user_version", -1);
	int64_t tables = recording_query_int(r->db, "SELECT count(*) FROM sqlite_master", -1);

	if (app < 0 || version < 0 || tables < 0) {
		snprintf(err, errlen, "%s is not a memtop recording (%s)", r->path, sqlite3_errmsg(r->db));
		return -EINVAL;
	}
	if (app == 0 && version == 0 && tables == 0)
		return 1;
	if (app != RECORDING_APPLICATION_ID) {
		snprintf(err, errlen, "%s is an SQLite database of another program, not a memtop "
			 "recording; record to another file", r->path);
		return -EINVAL;
	}
	if (version > RECORDING_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s has recording schema version %lld, newer than this memtop's "
			 "(%d): use a newer memtop or another file", r->path, (long long)version,
			 RECORDING_SCHEMA_VERSION);
		return -EINVAL;
	}
	if (version < 1) {
		snprintf(err, errlen, "%s is a memtop recording without a schema version", r->path);
		return -EINVAL;
	}
	return 0;
}

static int open_fail(struct recording *r, int rc)
{
	recording_close(r);
	return rc;
}

int recording_open_write(struct recording *r, const char *path, char *err, size_t errlen)
{
	int rc;

	memset(r, 0, sizeof *r);
	r->lock_fd = -1;
	if (strlen(path) >= sizeof r->path) {
		snprintf(err, errlen, "recording path too long");
		return -ENAMETOOLONG;
	}
	snprintf(r->path, sizeof r->path, "%s", path);
	if ((rc = check_directory(path, err, errlen)) < 0)
		return rc;
	r->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (r->lock_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return rc;
	}
	if ((rc = take_lock(r, err, errlen)) < 0 || (rc = check_header(r->lock_fd, path, err, errlen)) < 0)
		return open_fail(r, rc);
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path, r->db ? sqlite3_errmsg(r->db) : "out of memory");
		return open_fail(r, -EIO);
	}
	sqlite3_busy_timeout(r->db, 2000);
	if ((rc = check_identity(r, err, errlen)) < 0)
		return open_fail(r, rc);
	if (rc == 1 && recording_exec(r, schema_sql, err, errlen) != SQLITE_OK)
		return open_fail(r, -EIO);
	// An older file grows in place, a version at a time (additions only).
	if ((recording_query_int(r->db, "PRAGMA user_version", -1) == 1 &&
	     recording_exec(r, schema_v2_sql, err, errlen) != SQLITE_OK) ||
	    (recording_query_int(r->db, "PRAGMA user_version", -1) == 2 &&
	     recording_exec(r, schema_v3_sql, err, errlen) != SQLITE_OK)) {
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		return open_fail(r, -EIO);
	}
	if (recording_exec(r, writer_pragmas, err, errlen) != SQLITE_OK)
		return open_fail(r, -EIO);
	char sql[160];

	snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO meta VALUES('writer_pid', %ld);"
		 "INSERT OR IGNORE INTO meta VALUES('created', %lld);", (long)getpid(),
		 (long long)time(NULL) * 1000);
	if (recording_exec(r, sql, err, errlen) != SQLITE_OK)
		return open_fail(r, -EIO);
	return 0;
}
