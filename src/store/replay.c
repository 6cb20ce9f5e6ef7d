/* replay.c — a recording read back as a source: the tick index, the
 * processes at a position (a full tick, then the changes after it), one
 * step at a time, and a process's past for the detectors. */
#include "store/replay.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/recording.h"
#include "util/strset.h"
#include "util/text.h"

#define REPLAY_BOOT_GAP_S 3600.0      // between two boots on the replay's clock
#define REPLAY_ALIGN_S 1800.0         // keeps every tier's buckets aligned across boots
#define HISTORY_READ_S (3 * 86400.0)  // what history reads of a recording: more than any tier holds
#define REPLAY_OOM_MAX 32             // OOM kills a tick hands up at most (the newest)

// One tick of the index.
struct rtick {
	int64_t id, t_ms, mono_ms;       // mono_ms: the replay's clock (boot offset applied)
	int32_t boot;                    // index into boots
	bool full;
	bool cg_read;                    // the cgroups were read at it
};

struct rboot {
	int64_t id;
	char boot_id[40];
	char host[256];
	int64_t offset_ms;               // added to the boot's monotonic times
	bool wall_clock;                 // no monotonic times recorded: wall time stands in
};

// A process at the position: what its last rows said.
struct rproc {
	int64_t id;                      // its proc row
	int64_t exit_ms;                 // INT64_MAX while running
	int32_t boot;
	bool seen;                       // in the snapshot being built
	bool have_names;
	struct proc_sample s;
	char *names;                     // comm, cmdline, cgroup, exe: one allocation
};

enum { Q_TICK_SYS, Q_SAMPLES_AT, Q_SAMPLES_RANGE, Q_PROC, Q_EXITS, Q_IDENTS_AT, Q_IDENT_OF,
       Q_ENV, Q_ENV_BEFORE, Q_FIND_PROC, Q_LAST_EXEC, Q_CG_READING, Q_CG_ID, Q_CG_BEFORE, Q_CG_ROWS,
       Q_OOM_KILLS, Q_OOM_TASKS, Q_COUNT };

static const char *const query_sql[Q_COUNT] = {
	[Q_TICK_SYS] = "SELECT mem_total_kb, mem_available_kb, mem_free_kb, buffers_kb, cached_kb,"
		" shmem_kb, swap_total_kb, swap_free_kb, psi_some_avg10, psi_some_avg60, psi_some_avg300,"
		" psi_some_total_us, psi_full_avg10, psi_full_avg60, psi_full_avg300, psi_full_total_us,"
		" oom_kill, %s FROM tick WHERE id = ?",
	[Q_SAMPLES_AT] = "SELECT proc, rss_kb, anon_kb, swap_kb, %s FROM sample WHERE tick = ?",
	[Q_SAMPLES_RANGE] = "SELECT proc, rss_kb, anon_kb, swap_kb, %s, tick, sig_min_kb, carry"
		" FROM sample WHERE tick >= ? AND tick <= ? ORDER BY tick",
	[Q_PROC] = "SELECT pid, start_ticks, exit_t FROM proc WHERE id = ?",
	[Q_EXITS] = "SELECT id FROM proc WHERE exit_t > ? AND exit_t <= ?",
	[Q_IDENTS_AT] = "SELECT proc, ppid, comm, cmdline, user, cgroup, exe, %s FROM ident WHERE t = ?"
		" ORDER BY id",
	[Q_IDENT_OF] = "SELECT proc, ppid, comm, cmdline, user, cgroup, exe, %s FROM ident"
		" WHERE proc = ? AND t <= ? ORDER BY t DESC, id DESC LIMIT 1",
	[Q_ENV] = "SELECT bucket, sig_min_kb FROM envelope WHERE proc = ? AND res = ? AND bucket >= ?"
		" AND bucket < ? ORDER BY bucket",
	[Q_ENV_BEFORE] = "SELECT sig_min_kb FROM envelope WHERE proc = ? AND res = ? AND bucket < ?"
		" ORDER BY bucket DESC LIMIT 1",
	[Q_FIND_PROC] = "SELECT id FROM proc WHERE boot = ? AND pid = ? AND start_ticks = ?",
	// The monotonic time of a process's last exec at or before a time.
	[Q_LAST_EXEC] = "SELECT max(k.mono_ms) FROM ident i JOIN tick k ON k.t = i.t AND k.boot = ?"
		" WHERE i.proc = ? AND i.exec = 1 AND k.mono_ms <= ?",
	// A cgroup's reading at a tick: its last row at or before it.
	[Q_CG_READING] = "SELECT s.usage_kb, s.limit_kb, s.anon_kb, s.psi_some, s.psi_full, %s FROM cgroup c"
		" JOIN cgroup_sample s ON s.cgroup = c.id WHERE c.path = ? AND s.tick <= ?"
		" ORDER BY s.tick DESC LIMIT 1",
	[Q_CG_ID] = "SELECT id FROM cgroup WHERE path = ?",
	// A cgroup's own anon rows: the one carried into a range, and the range's.
	// (Its leak signal: sig_kb when the model's was not its own anon.)
	[Q_CG_BEFORE] = "SELECT coalesce(sig_kb, anon_kb) FROM cgroup_sample WHERE cgroup = ? AND tick < ?"
		" ORDER BY tick DESC LIMIT 1",
	[Q_CG_ROWS] = "SELECT tick, coalesce(sig_kb, anon_kb) FROM cgroup_sample WHERE cgroup = ? AND tick >= ?"
		" AND tick < ? ORDER BY tick",
	// (v3) The OOM kills of a boot first recorded in (from, to], the
	// newest REPLAY_OOM_MAX of them, newest first.
	[Q_OOM_KILLS] = "SELECT id, seq, t, boot_s, mono_ms, since_start, pid, uid, comm, scope, constraint_name,"
		" oom_memcg, task_memcg, total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb,"
		" oom_score_adj, trigger_comm, gfp_mask, alloc_order, trigger_oom_score_adj, memcg_usage_kb,"
		" memcg_limit_kb, tasks_listed FROM oom_kill WHERE boot = ? AND seen_t > ? AND seen_t <= ?"
		" ORDER BY seen_t DESC, seq DESC LIMIT ?",
	[Q_OOM_TASKS] = "SELECT pid, uid, comm, total_vm_kb, rss_kb, rss_anon_kb, rss_file_kb, rss_shmem_kb,"
		" pgtables_kb, swap_kb, oom_score_adj FROM oom_task WHERE kill = ? ORDER BY rank LIMIT ?",
};

struct replay {
	sqlite3 *db;
	char path[4096];
	int version;                     // the file's schema version
	sqlite3_stmt *q[Q_COUNT];
	struct rtick *ticks;
	size_t nticks, tcap;
	struct rboot *boots;
	size_t nboots;
	char running_boot[40];
	size_t pos;                      // the sample the next tick gives
	bool follow;
	bool have_state;
	size_t state_pos;                // the tick the processes describe
	struct rproc *procs;             // sorted by proc id
	size_t nprocs, pcap;
	const struct proc_sample **list; // the snapshot's, sorted by pid
	const char **cg_paths;           // the snapshot's cgroups (a reading tick), and
	struct cgroup_reading *cg;       // their readings: one each per process at most
	struct strset_key *cg_keys;      // for finding the distinct ones
	size_t cg_cap;
	char **users;                    // interned user names
	size_t nusers;
	int64_t history_boot;            // history_open: the boot's row; else 0
	int64_t min_t_ms;                // history_open: older ticks are not read
	bool writing;                    // a writer holds the file (checked once a second)
	double writing_checked;
	FILE *progress;
	double progress_start, progress_last;   // monotonic seconds; 0: none yet
	// The OOM kills handed up at the last tick (REPLAY_OOM_MAX at most),
	// and the sample that tick gave (given_t_ms; given false: none yet).
	struct oom_kill *kills;
	bool given;
	bool moved;                      // moved since, other than by steps
	int64_t given_t_ms;
	int32_t given_boot;
};

/* ---- small helpers ---- */

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

// A "loading" line once reading has taken a second, at most four a
// second, overwritten in place and cleared at the end (frac 1).
static void progress(struct replay *rp, const char *what, double frac)
{
	double t;

	if (!rp->progress)
		return;
	t = now_mono();
	if (rp->progress_start <= 0)
		rp->progress_start = t;
	if (frac >= 1) {
		if (rp->progress_last > 0)
			fputs("\r\033[K", rp->progress);
		rp->progress_start = rp->progress_last = 0;
	} else if (t - rp->progress_start >= 1.0 && t - rp->progress_last >= 0.25) {
		rp->progress_last = t;
		fprintf(rp->progress, "\rmemtop: %s %s: %3.0f%%", what, rp->path, frac * 100);
	}
	fflush(rp->progress);
}

// Text read from the file, safe for a terminal: the recorder wrote it
// sanitised; anything else (a crafted file) is escaped now. Text that only
// differs from its escaped form by doubled backslashes was clean already.
// Nothing the recorder writes is longer than an escaped command line as the
// sampler keeps it; a crafted file's longer text is cut there.
static char *clean_text(const unsigned char *in)
{
	size_t len, n, cap, backslashes = 0;
	char *out;

	if (!in)
		return strdup("");
	len = strnlen((const char *)in, SNAPSHOT_CMDLINE_TEXT_MAX - 1);
	for (size_t i = 0; i < len; i++)
		backslashes += in[i] == '\\';
	cap = 4 * len + 1;             // text_sanitize writes at most 4 bytes a byte
	if (!(out = malloc(cap)))
		return NULL;
	n = text_sanitize((const char *)in, len, out, cap);
	if (n == len + backslashes) {
		memcpy(out, in, len);
		out[len] = '\0';
	}
	return out;
}

static int64_t col_int(sqlite3_stmt *st, int i, int64_t fallback)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? fallback : sqlite3_column_int64(st, i);
}

static void reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

// An interned user name (few distinct ones): shared by its processes.
static const char *intern_user(struct replay *rp, const unsigned char *name)
{
	char *u = clean_text(name);
	char **a;

	if (!u)
		return "?";
	for (size_t i = 0; i < rp->nusers; i++)
		if (strcmp(rp->users[i], u) == 0) {
			free(u);
			return rp->users[i];
		}
	if (!(a = realloc(rp->users, (rp->nusers + 1) * sizeof *a))) {
		free(u);
		return "?";
	}
	rp->users = a;
	rp->users[rp->nusers++] = u;
	return u;
}

/* ---- opening ---- */

// One line naming the file: "PATH: what".
static int fail(char *err, size_t errlen, int rc, const char *path, const char *what)
{
	snprintf(err, errlen, "%s: %s", path, what);
	return rc;
}

// Opens the file read-only and checks it is a recording this memtop reads.
static int open_db(struct replay *rp, const char *path, char *err, size_t errlen)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	int fd;
	int64_t app, version;

	snprintf(rp->path, sizeof rp->path, "%s", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot open %s: %s", path, strerror(e));
		return -e;
	}
	ssize_t n = pread(fd, head, sizeof head, 0);

	close(fd);
	if (n == 0)
		return fail(err, errlen, -ENODATA, path, "empty: no sample recorded yet");
	if (n < (ssize_t)sizeof head || memcmp(head, magic, sizeof magic) != 0)
		return fail(err, errlen, -EINVAL, path, "not a memtop recording (not an SQLite database)");
	if (sqlite3_open_v2(path, &rp->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return fail(err, errlen, -EIO, path, rp->db ? sqlite3_errmsg(rp->db) : "out of memory");
	sqlite3_busy_timeout(rp->db, 2000);
	app = recording_query_int(rp->db, "PRAGMA application_id", -1);
	version = recording_query_int(rp->db, "PRAGMA user_version", -1);
	if (app < 0 || version < 0)
		return fail(err, errlen, -EINVAL, path, sqlite3_errmsg(rp->db));
	if (app != RECORDING_APPLICATION_ID)
		return fail(err, errlen, -EINVAL, path,
			    "not a memtop recording (an SQLite database of another program)");
	if (!recording_readable(rp->db, version)) {
		snprintf(err, errlen, "%s has recording schema version %lld, newer than this memtop's (%d)",
			 path, (long long)version, RECORDING_SCHEMA_VERSION);
		return -EINVAL;
	}
	if (version < 1)
		return fail(err, errlen, -EINVAL, path, "not a memtop recording (no schema version)");
	rp->version = (int)version;
	return 0;
}

static int prepare_queries(struct replay *rp, char *err, size_t errlen)
{
	// Version 1 has no OOM columns, no exec marks and no rollup.
	const char *oom = rp->version >= 2 ? "oom_score, oom_adj" : "NULL, NULL";
	const char *exec = rp->version >= 2 ? "exec, cmdline_cut" : "0, 0";
	// Version 3 keeps the kernel log's OOM kills and its state per tick.
	const char *oomlog = rp->version >= 3 ? "oom_log, oom_log_lost" : "NULL, NULL";
	// and each cgroup's own kill counter.
	const char *cgkills = rp->version >= 3 ? "s.oom_kills" : "NULL";

	for (int i = 0; i < Q_COUNT; i++) {
		char sql[512];
		const char *hole = strstr(query_sql[i], "%s");
		const char *cols = i == Q_IDENTS_AT || i == Q_IDENT_OF ? exec : i == Q_TICK_SYS ? oomlog :
				   i == Q_CG_READING ? cgkills : oom;

		if (rp->version < 2 && (i == Q_ENV || i == Q_ENV_BEFORE || i == Q_LAST_EXEC || i == Q_CG_READING ||
					 i == Q_CG_ID || i == Q_CG_BEFORE || i == Q_CG_ROWS))
			continue;
		if (rp->version < 3 && (i == Q_OOM_KILLS || i == Q_OOM_TASKS))
			continue;
		if (hole)
			snprintf(sql, sizeof sql, "%.*s%s%s", (int)(hole - query_sql[i]), query_sql[i], cols, hole + 2);
		else
			snprintf(sql, sizeof sql, "%s", query_sql[i]);
		if (sqlite3_prepare_v3(rp->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &rp->q[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s cannot be read (%s): is it a complete recording?", rp->path,
				 sqlite3_errmsg(rp->db));
			return -EINVAL;
		}
	}
	return 0;
}

static int load_boots(struct replay *rp, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	if (sqlite3_prepare_v2(rp->db, "SELECT id, boot_id, hostname FROM boot ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s cannot be read (%s)", rp->path, sqlite3_errmsg(rp->db));
		return -EINVAL;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (rp->nboots == cap) {
			struct rboot *a = realloc(rp->boots, (cap = cap ? 2 * cap : 8) * sizeof *a);

			if (!a) {
				sqlite3_finalize(st);
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
			rp->boots = a;
		}
		struct rboot *b = &rp->boots[rp->nboots++];
		const unsigned char *id = sqlite3_column_text(st, 1), *host = sqlite3_column_text(st, 2);
		char *h = clean_text(host);

		*b = (struct rboot){ .id = sqlite3_column_int64(st, 0) };
		snprintf(b->boot_id, sizeof b->boot_id, "%s", id ? (const char *)id : "");
		snprintf(b->host, sizeof b->host, "%s", h && *h ? h : "?");
		free(h);
	}
	sqlite3_finalize(st);
	return 0;
}

static int boot_index(const struct replay *rp, int64_t id)
{
	for (size_t i = 0; i < rp->nboots; i++)
		if (rp->boots[i].id == id)
			return (int)i;
	return -1;
}

// Reads the ticks after the last one held (all, the first time), giving
// each boot's monotonic times an offset that keeps the replay's clock
// rising across reboots. Returns the number read, or -errno.
static long load_ticks(struct replay *rp, char *err, size_t errlen)
{
	int64_t after = rp->nticks ? rp->ticks[rp->nticks - 1].id : 0;
	int64_t total = recording_query_int(rp->db, "SELECT count(*) FROM tick", 0);
	sqlite3_stmt *st;
	long n = 0;
	int rc;

	if (sqlite3_prepare_v2(rp->db, rp->version >= 2
				? "SELECT id, t, boot, full, mono_ms, cg_read FROM tick WHERE id > ? AND t >= ?"
				  " ORDER BY id"
				: "SELECT id, t, boot, full, NULL, 0 FROM tick WHERE id > ? AND t >= ? ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s cannot be read (%s)", rp->path, sqlite3_errmsg(rp->db));
		return -EINVAL;
	}
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, rp->min_t_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t boot_row = sqlite3_column_int64(st, 2);
		int b = boot_index(rp, boot_row);

		if (b < 0 || (rp->history_boot && boot_row != rp->history_boot))
			continue;                      // a tick of no known boot, or another boot's history
		if (rp->nticks == rp->tcap) {
			size_t cap = rp->tcap ? 2 * rp->tcap : 1024;
			struct rtick *a = realloc(rp->ticks, cap * sizeof *a);

			if (!a) {
				sqlite3_finalize(st);
				snprintf(err, errlen, "out of memory reading %s", rp->path);
				return -ENOMEM;
			}
			rp->ticks = a;
			rp->tcap = cap;
		}
		struct rtick *k = &rp->ticks[rp->nticks];
		struct rboot *bt = &rp->boots[b];
		int64_t t_ms = sqlite3_column_int64(st, 1);
		bool new_boot = rp->nticks == 0 || rp->ticks[rp->nticks - 1].boot != b;

		if (sqlite3_column_type(st, 4) == SQLITE_NULL)
			bt->wall_clock = true;
		int64_t mono = bt->wall_clock ? t_ms : sqlite3_column_int64(st, 4);

		if (new_boot && rp->nticks > 0) {
			// This boot's clock starts after the previous one's end,
			// on a multiple of the slowest bucket.
			double prev = (double)rp->ticks[rp->nticks - 1].mono_ms / 1000.0;
			double want = prev + REPLAY_BOOT_GAP_S - (double)mono / 1000.0;

			bt->offset_ms = want > 0 ? (int64_t)(ceil(want / REPLAY_ALIGN_S) * REPLAY_ALIGN_S * 1000) : 0;
		}
		*k = (struct rtick){ .id = sqlite3_column_int64(st, 0), .t_ms = t_ms,
				     .mono_ms = mono + bt->offset_ms, .boot = b,
				     .full = sqlite3_column_int(st, 3) != 0,
				     .cg_read = sqlite3_column_int(st, 5) != 0 };
		rp->nticks++;
		n++;
		if (total > 0 && (n & 255) == 0)
			progress(rp, "reading", (double)rp->nticks / (double)total);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s cannot be read (%s): truncated or damaged?", rp->path,
			 sqlite3_errmsg(rp->db));
		return -EIO;
	}
	progress(rp, "reading", 1);
	return n;
}

/* ---- the processes at a position ---- */

static int cmp_rproc_id(const void *key, const void *elem)
{
	int64_t id = *(const int64_t *)key, other = ((const struct rproc *)elem)->id;

	return (id > other) - (id < other);
}

static struct rproc *find_proc(struct replay *rp, int64_t id)
{
	return rp->nprocs ? bsearch(&id, rp->procs, rp->nprocs, sizeof *rp->procs, cmp_rproc_id) : NULL;
}

static void proc_free(struct rproc *p)
{
	free(p->names);
	p->names = NULL;
}

static void clear_state(struct replay *rp)
{
	for (size_t i = 0; i < rp->nprocs; i++)
		proc_free(&rp->procs[i]);
	rp->nprocs = 0;
	rp->have_state = false;
}

// Adds the process of proc row id (ids only grow, so appending keeps the
// order, except after a jump back: then it is inserted in place).
static struct rproc *add_proc(struct replay *rp, int64_t id)
{
	sqlite3_stmt *st = rp->q[Q_PROC];
	struct rproc p = { .id = id, .exit_ms = INT64_MAX };
	size_t at = rp->nprocs;

	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		reset(st);
		return NULL;                           // a sample of no process: skip it
	}
	p.s.pid = sqlite3_column_int(st, 0);
	p.s.start_ticks = (uint64_t)sqlite3_column_int64(st, 1);
	p.exit_ms = col_int(st, 2, INT64_MAX);
	reset(st);
	p.s.start_time_s = (double)p.s.start_ticks / (double)sysconf(_SC_CLK_TCK);
	p.s.user = "?";
	p.s.comm = p.s.cmdline = p.s.cgroup = p.s.exe = "";
	p.s.oom_score = p.s.oom_score_adj = 0;
	p.s.priv.statm_fd = -1;
	p.s.recorded = true;
	if (rp->nprocs == rp->pcap) {
		size_t cap = rp->pcap ? 2 * rp->pcap : 256;
		struct rproc *a = realloc(rp->procs, cap * sizeof *a);
		const struct proc_sample **l = realloc(rp->list, cap * sizeof *l);

		if (l)
			rp->list = l;
		if (!a || !l) {
			if (a)
				rp->procs = a;
			return NULL;
		}
		rp->procs = a;
		rp->pcap = cap;
	}
	while (at > 0 && rp->procs[at - 1].id > id)
		at--;
	memmove(&rp->procs[at + 1], &rp->procs[at], (rp->nprocs - at) * sizeof *rp->procs);
	rp->procs[at] = p;
	rp->nprocs++;
	return &rp->procs[at];
}

// Fills a process's values from a sample row (proc, rss, anon, swap, oom, adj).
static void apply_sample(struct rproc *p, sqlite3_stmt *st)
{
	p->s.rss_kb = (uint64_t)col_int(st, 1, 0);
	p->s.anon_kb = (uint64_t)col_int(st, 2, 0);
	p->s.shared_kb = p->s.rss_kb > p->s.anon_kb ? p->s.rss_kb - p->s.anon_kb : 0;
	p->s.have_detail = sqlite3_column_type(st, 3) != SQLITE_NULL;
	p->s.swap_kb = (uint64_t)col_int(st, 3, 0);
	p->s.oom_score = (int)col_int(st, 4, 0);
	p->s.oom_score_adj = (int)col_int(st, 5, 0);
}

// The detail fields' age: read with the sample they were recorded in.
static void stamp_detail(struct replay *rp, const struct rtick *k)
{
	for (size_t i = 0; i < rp->nprocs; i++)
		rp->procs[i].s.detail_time = (double)k->mono_ms / 1000.0;
}

// Takes a process's names from an ident row (proc, ppid, comm, cmdline,
// user, cgroup, exe, exec, cmdline_cut). A row an exec wrote, for a process already
// named, moves its exec count: the model starts a new record, as live.
static void apply_ident(struct replay *rp, struct rproc *p, sqlite3_stmt *st)
{
	char *part[4];
	size_t len[4], total = 0;

	if (p->have_names && sqlite3_column_int(st, 7))
		p->s.exec_gen++;
	p->s.ppid = sqlite3_column_int(st, 1);
	p->s.cmdline_cut = sqlite3_column_int(st, 8) != 0;
	for (int k = 0; k < 4; k++) {
		static const int col[4] = { 2, 3, 5, 6 };

		part[k] = clean_text(sqlite3_column_text(st, col[k]));
		len[k] = part[k] ? strlen(part[k]) : 0;
		total += len[k] + 1;
	}
	char *names = malloc(total);

	if (names) {
		char *w = names;

		for (int k = 0; k < 4; k++) {
			memcpy(w, part[k] ? part[k] : "", len[k] + 1);
			w += len[k] + 1;
		}
		free(p->names);
		p->names = names;
		p->s.comm = names;
		p->s.cmdline = p->s.comm + len[0] + 1;
		p->s.cgroup = p->s.cmdline + len[1] + 1;
		p->s.exe = p->s.cgroup + len[2] + 1;
		p->have_names = true;
	}
	for (int k = 0; k < 4; k++)
		free(part[k]);
	p->s.user = intern_user(rp, sqlite3_column_text(st, 4));
}

// Applies the sample rows of one tick.
static int apply_tick_samples(struct replay *rp, const struct rtick *k)
{
	sqlite3_stmt *st = rp->q[Q_SAMPLES_AT];
	int rc;

	sqlite3_bind_int64(st, 1, k->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		struct rproc *p = find_proc(rp, id);

		if (!p && !(p = add_proc(rp, id)))
			continue;
		p->boot = k->boot;
		apply_sample(p, st);
	}
	reset(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

// The names that changed at a tick (and those of processes new in it).
static void apply_tick_idents(struct replay *rp, const struct rtick *k)
{
	sqlite3_stmt *st = rp->q[Q_IDENTS_AT];

	sqlite3_bind_int64(st, 1, k->t_ms);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct rproc *p = find_proc(rp, sqlite3_column_int64(st, 0));

		if (p)
			apply_ident(rp, p, st);
	}
	reset(st);
}

// Marks the processes that exited between two ticks.
static void apply_exits(struct replay *rp, int64_t after_ms, int64_t upto_ms)
{
	sqlite3_stmt *st = rp->q[Q_EXITS];

	sqlite3_bind_int64(st, 1, after_ms);
	sqlite3_bind_int64(st, 2, upto_ms);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct rproc *p = find_proc(rp, sqlite3_column_int64(st, 0));

		if (p && p->exit_ms > upto_ms)
			p->exit_ms = upto_ms;
	}
	reset(st);
}

// Drops the processes that are not running at tick k.
static void drop_gone(struct replay *rp, const struct rtick *k)
{
	size_t m = 0;

	for (size_t i = 0; i < rp->nprocs; i++) {
		struct rproc *p = &rp->procs[i];

		if (p->exit_ms <= k->t_ms || p->boot != k->boot)
			proc_free(p);
		else
			rp->procs[m++] = *p;
	}
	rp->nprocs = m;
}

// Names for the processes that have none yet (after a jump): each one's
// last ident row at or before the tick.
static void fill_names(struct replay *rp, const struct rtick *k)
{
	sqlite3_stmt *st = rp->q[Q_IDENT_OF];

	for (size_t i = 0; i < rp->nprocs; i++) {
		struct rproc *p = &rp->procs[i];

		if (p->have_names)
			continue;
		sqlite3_bind_int64(st, 1, p->id);
		sqlite3_bind_int64(st, 2, k->t_ms);
		if (sqlite3_step(st) == SQLITE_ROW)
			apply_ident(rp, p, st);
		reset(st);
	}
}

// The processes at tick index target, from the last full tick at or before
// it (every process has a row there) and the changes after it.
static int rebuild(struct replay *rp, size_t target)
{
	size_t from = target;
	sqlite3_stmt *st = rp->q[Q_SAMPLES_RANGE];
	int rc;

	while (from > 0 && !rp->ticks[from].full)
		from--;
	clear_state(rp);
	sqlite3_bind_int64(st, 1, rp->ticks[from].id);
	sqlite3_bind_int64(st, 2, rp->ticks[target].id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		struct rproc *p = find_proc(rp, id);

		if (!p && !(p = add_proc(rp, id)))
			continue;
		apply_sample(p, st);
	}
	reset(st);
	if (rc != SQLITE_DONE)
		return -EIO;
	for (size_t i = 0; i < rp->nprocs; i++)
		rp->procs[i].boot = rp->ticks[target].boot;
	drop_gone(rp, &rp->ticks[target]);
	fill_names(rp, &rp->ticks[target]);
	rp->have_state = true;
	rp->state_pos = target;
	return 0;
}

// Moves the processes one tick on.
static int step_state(struct replay *rp)
{
	const struct rtick *prev = &rp->ticks[rp->state_pos], *k = &rp->ticks[rp->state_pos + 1];
	int rc;

	if (k->boot != prev->boot)
		return rebuild(rp, rp->state_pos + 1);
	if ((rc = apply_tick_samples(rp, k)) < 0)
		return rc;
	apply_exits(rp, prev->t_ms, k->t_ms);
	drop_gone(rp, k);
	apply_tick_idents(rp, k);
	fill_names(rp, k);
	rp->state_pos++;
	return 0;
}

static int cmp_sample_pid(const void *a, const void *b)
{
	const struct proc_sample *x = *(const struct proc_sample *const *)a;
	const struct proc_sample *y = *(const struct proc_sample *const *)b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

// The machine at tick k.
static void fill_sys(struct replay *rp, const struct rtick *k, struct sys_sample *y)
{
	sqlite3_stmt *st = rp->q[Q_TICK_SYS];

	*y = (struct sys_sample){ .wall_time = (double)k->t_ms / 1000.0,
				  .mono_time = (double)k->mono_ms / 1000.0 };
	sqlite3_bind_int64(st, 1, k->id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		uint64_t *v[] = { &y->total_kb, &y->available_kb, &y->free_kb, &y->buffers_kb,
				  &y->cached_kb, &y->shmem_kb, &y->swap_total_kb, &y->swap_free_kb };
		struct psi_line *lines[2] = { &y->psi.some, &y->psi.full };

		y->have_meminfo = sqlite3_column_type(st, 0) != SQLITE_NULL;
		for (int i = 0; i < 8; i++)
			*v[i] = (uint64_t)col_int(st, i, 0);
		for (int l = 0; l < 2; l++) {
			int c = 8 + 4 * l;

			lines[l]->valid = sqlite3_column_type(st, c) != SQLITE_NULL;
			lines[l]->avg10 = sqlite3_column_double(st, c);
			lines[l]->avg60 = sqlite3_column_double(st, c + 1);
			lines[l]->avg300 = sqlite3_column_double(st, c + 2);
			lines[l]->total_us = (uint64_t)col_int(st, c + 3, 0);
		}
		y->have_psi = y->psi.some.valid;
		y->have_oom_kill = sqlite3_column_type(st, 16) != SQLITE_NULL;
		y->oom_kill = (uint64_t)col_int(st, 16, 0);
		// The kernel log's state as recorded; not asked for (NULL),
		// or a file from before version 3: -ENOTSUP.
		y->oom_log_err = sqlite3_column_type(st, 17) == SQLITE_NULL ? -ENOTSUP
				 : (int)col_int(st, 17, -ENOTSUP);
		y->oom_log_lost = (uint64_t)col_int(st, 18, 0);
		if (y->oom_log_err > 0)
			y->oom_log_err = -EINVAL;   // a crafted file: errors are negative
	}
	reset(st);
}

/* ---- the source ---- */

// Newer samples of a file still being written: 1 when there are some;
// REINDEXED when the writer thinned or trimmed what was read, so the index
// was read again and the processes' state is to be rebuilt at the next
// tick (-EIO when the index could not be read again).
#define REINDEXED 2

static int refresh(struct replay *rp)
{
	char err[256];
	int64_t count = recording_query_int(rp->db, "SELECT count(*) FROM tick", -1);
	int64_t first = recording_query_int(rp->db, "SELECT min(id) FROM tick", -1);

	// The writer thinned or trimmed what we hold: read the index again.
	if (count >= 0 && rp->nticks && (first != rp->ticks[0].id || (size_t)count < rp->nticks)) {
		double at = (double)rp->ticks[rp->pos].t_ms;

		rp->nticks = 0;
		// Rebuilt at the next tick; not freed now: the snapshot handed up
		// last points into it, and stays the monitor's until then.
		rp->have_state = false;
		if (load_ticks(rp, err, sizeof err) <= 0)
			return -EIO;
		rp->pos = 0;
		while (rp->pos + 1 < rp->nticks && (double)rp->ticks[rp->pos + 1].t_ms <= at)
			rp->pos++;
		return REINDEXED;
	}
	return load_ticks(rp, err, sizeof err) > 0;
}

// Whether another memtop writes the file (it holds an exclusive flock on
// it all along), looked at once a second at most.
static void check_writer(struct replay *rp)
{
	double t = now_mono();
	int fd;

	if (rp->writing_checked > 0 && t - rp->writing_checked < 1.0)
		return;
	rp->writing_checked = t;
	if ((fd = open(rp->path, O_RDONLY | O_CLOEXEC)) >= 0) {
		rp->writing = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
		close(fd);
	}
}

// One cgroup's recorded reading at tick k: its last row at or before it;
// none recorded: a reading with nothing read, as live when its files
// could not be read.
static void cgroup_reading_at(struct replay *rp, const struct rtick *k, const char *path,
			      struct cgroup_reading *g)
{
	sqlite3_stmt *st = rp->q[Q_CG_READING];

	*g = (struct cgroup_reading){ .path = path };
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, k->id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		g->have_usage = sqlite3_column_type(st, 0) != SQLITE_NULL;
		g->usage_kb = (uint64_t)col_int(st, 0, 0);
		// A NULL limit beside a usage is no limit; with nothing read
		// (a row of the model's signal only), no limit was read either.
		g->have_limit = g->have_usage || sqlite3_column_type(st, 1) != SQLITE_NULL;
		g->unlimited = g->have_limit && sqlite3_column_type(st, 1) == SQLITE_NULL;
		g->limit_kb = (uint64_t)col_int(st, 1, 0);
		g->have_anon = sqlite3_column_type(st, 2) != SQLITE_NULL;
		g->anon_kb = (uint64_t)col_int(st, 2, 0);
		if ((g->have_pressure = sqlite3_column_type(st, 3) != SQLITE_NULL)) {
			g->pressure.some = (struct psi_line){ .valid = true, .avg10 = sqlite3_column_double(st, 3) };
			g->pressure.full = (struct psi_line){ .valid = true, .avg10 = sqlite3_column_double(st, 4) };
		}
		g->have_oom_kill = sqlite3_column_type(st, 5) != SQLITE_NULL;
		g->oom_kill = (uint64_t)col_int(st, 5, 0);
	}
	reset(st);
}

// At a tick that read the cgroups, the readings of those its processes
// are in, as the live source hands them up (sorted by path).
static void fill_cgroups(struct replay *rp, const struct rtick *k, struct snapshot *out)
{
	size_t n = 0, m = 0;

	out->cgroups = NULL;
	out->ncgroups = 0;
	out->cgroups_read = false;
	if (!k->cg_read || !rp->q[Q_CG_READING])
		return;
	if (out->nprocs > rp->cg_cap) {
		const char **p = realloc(rp->cg_paths, out->nprocs * sizeof *p);
		struct cgroup_reading *g;
		struct strset_key *keys;

		if (!p)
			return;
		rp->cg_paths = p;
		if (!(g = realloc(rp->cg, out->nprocs * sizeof *g)))
			return;
		rp->cg = g;
		if (!(keys = realloc(rp->cg_keys, out->nprocs * sizeof *keys)))
			return;
		rp->cg_keys = keys;
		rp->cg_cap = out->nprocs;
	}
	for (size_t i = 0; i < out->nprocs; i++)
		if (out->procs[i]->cgroup[0])
			rp->cg_paths[n++] = out->procs[i]->cgroup;
	m = strset_distinct(rp->cg_paths, n, rp->cg_keys, rp->cg_paths);
	for (size_t i = 0; i < m; i++)
		cgroup_reading_at(rp, k, rp->cg_paths[i], &rp->cg[i]);
	out->cgroups = rp->cg;
	out->ncgroups = m;
	out->cgroups_read = true;
}

/* ---- the OOM kills ---- */

// Copies a string read from the file into a fixed field, made safe for a
// terminal again (a file can be crafted).
static void copy_text(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
	char *clean = clean_text(sqlite3_column_text(st, col));

	snprintf(dst, cap, "%s", clean ? clean : "");
	free(clean);
}

// One kill's task rows.
static void read_oom_tasks(struct replay *rp, int64_t id, struct oom_kill *k)
{
	sqlite3_stmt *st = rp->q[Q_OOM_TASKS];

	k->ntasks = 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, OOM_TASKS_MAX);
	while (k->ntasks < OOM_TASKS_MAX && sqlite3_step(st) == SQLITE_ROW) {
		struct oom_task_row *w = &k->tasks[k->ntasks++];

		*w = (struct oom_task_row){
			.pid = (int)col_int(st, 0, 0), .uid = (int)col_int(st, 1, -1),
			.total_vm_kb = (uint64_t)col_int(st, 3, 0), .rss_kb = (uint64_t)col_int(st, 4, 0),
			.have_split = sqlite3_column_type(st, 5) != SQLITE_NULL,
			.rss_anon_kb = (uint64_t)col_int(st, 5, 0), .rss_file_kb = (uint64_t)col_int(st, 6, 0),
			.rss_shmem_kb = (uint64_t)col_int(st, 7, 0), .pgtables_kb = (uint64_t)col_int(st, 8, 0),
			.swap_kb = (uint64_t)col_int(st, 9, 0), .oom_score_adj = (int)col_int(st, 10, 0),
		};
		copy_text(w->comm, sizeof w->comm, st, 2);
	}
	reset(st);
}

// One kill from a Q_OOM_KILLS row; b: the boot it is of.
static void read_oom_kill(struct replay *rp, sqlite3_stmt *st, const struct rboot *b, struct oom_kill *k)
{
	int64_t t_ms = col_int(st, 2, 0);
	int scope = (int)col_int(st, 9, OOM_SCOPE_UNKNOWN);

	*k = (struct oom_kill){
		.seq = (uint64_t)col_int(st, 1, 0), .wall_time = (double)t_ms / 1000.0,
		.boot_s = sqlite3_column_double(st, 3),
		.mono_time = (double)(b->wall_clock || sqlite3_column_type(st, 4) == SQLITE_NULL
				      ? t_ms : col_int(st, 4, 0) + b->offset_ms) / 1000.0,
		.since_start = col_int(st, 5, 1) != 0,
		.pid = (int)col_int(st, 6, 0), .uid = (int)col_int(st, 7, -1),
		.scope = scope >= OOM_SCOPE_UNKNOWN && scope <= OOM_SCOPE_MEMPOLICY ? (enum oom_scope)scope
			 : OOM_SCOPE_UNKNOWN,
		.total_vm_kb = (uint64_t)col_int(st, 13, 0), .anon_rss_kb = (uint64_t)col_int(st, 14, 0),
		.file_rss_kb = (uint64_t)col_int(st, 15, 0), .shmem_rss_kb = (uint64_t)col_int(st, 16, 0),
		.have_pgtables = sqlite3_column_type(st, 17) != SQLITE_NULL,
		.pgtables_kb = (uint64_t)col_int(st, 17, 0),
		.have_oom_score_adj = sqlite3_column_type(st, 18) != SQLITE_NULL,
		.oom_score_adj = (int)col_int(st, 18, 0),
		.have_trigger = sqlite3_column_type(st, 19) != SQLITE_NULL,
		.order = (int)col_int(st, 21, 0), .trigger_oom_score_adj = (int)col_int(st, 22, 0),
		.have_memcg_usage = sqlite3_column_type(st, 23) != SQLITE_NULL,
		.memcg_usage_kb = (uint64_t)col_int(st, 23, 0), .memcg_limit_kb = (uint64_t)col_int(st, 24, 0),
		.tasks_listed = (unsigned)col_int(st, 25, 0),
	};
	copy_text(k->comm, sizeof k->comm, st, 8);
	copy_text(k->constraint, sizeof k->constraint, st, 10);
	copy_text(k->oom_memcg, sizeof k->oom_memcg, st, 11);
	copy_text(k->task_memcg, sizeof k->task_memcg, st, 12);
	copy_text(k->trigger_comm, sizeof k->trigger_comm, st, 19);
	copy_text(k->gfp_mask, sizeof k->gfp_mask, st, 20);
	read_oom_tasks(rp, col_int(st, 0, 0), k);
}

// The kills tick k hands up (source.h): one step on from the sample given
// last (or on to the newest while following), those first recorded after
// it; the same sample again, none; after any other move (a move that is
// not a step, steps back or by more than one, another boot), every one of
// k's boot up to k, as the live source's first tick does. At most
// REPLAY_OOM_MAX, the newest; oldest first.
static void fill_oom_kills(struct replay *rp, const struct rtick *k, bool followed, struct snapshot *out)
{
	sqlite3_stmt *st = rp->q[Q_OOM_KILLS];
	const struct rtick *prev = rp->pos > 0 ? &rp->ticks[rp->pos - 1] : NULL;
	bool other = rp->moved || !rp->given || rp->given_boot != k->boot;
	bool on = !other && rp->given_t_ms < k->t_ms && (followed || (prev && prev->t_ms == rp->given_t_ms));
	bool again = !other && rp->given_t_ms == k->t_ms;
	size_t n = 0;

	out->oom_kills = NULL;
	out->noom_kills = 0;
	int64_t from = on ? rp->given_t_ms : INT64_MIN;

	rp->given = true;
	rp->moved = false;
	rp->given_t_ms = k->t_ms;
	rp->given_boot = k->boot;
	if (!st || again || out->sys.oom_log_err != 0)
		return;
	if (!rp->kills && !(rp->kills = calloc(REPLAY_OOM_MAX, sizeof *rp->kills)))
		return;
	sqlite3_bind_int64(st, 1, rp->boots[k->boot].id);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, k->t_ms);
	sqlite3_bind_int(st, 4, REPLAY_OOM_MAX);
	// Newest first from the file: filled from the end, so oldest first.
	while (n < REPLAY_OOM_MAX && sqlite3_step(st) == SQLITE_ROW)
		read_oom_kill(rp, st, &rp->boots[k->boot], &rp->kills[REPLAY_OOM_MAX - 1 - n++]);
	reset(st);
	out->oom_kills = rp->kills + (REPLAY_OOM_MAX - n);
	out->noom_kills = n;
}

static int replay_tick(void *impl, struct snapshot *out)
{
	struct replay *rp = impl;
	const struct rtick *k;
	size_t n = 0;
	int rc = 0;
	bool followed = rp->follow;

	check_writer(rp);
	if (rp->follow && refresh(rp) >= 0 && rp->nticks)
		rp->pos = rp->nticks - 1;
	if (rp->nticks == 0) {
		*out = (struct snapshot){ 0 };
		return -ENODATA;
	}
	if (rp->pos >= rp->nticks)
		rp->pos = rp->nticks - 1;
	if (!rp->have_state || rp->pos < rp->state_pos || rp->pos - rp->state_pos > 64)
		rc = rebuild(rp, rp->pos);
	while (rc == 0 && rp->state_pos < rp->pos)
		rc = step_state(rp);
	k = &rp->ticks[rp->pos];
	fill_sys(rp, k, &out->sys);
	stamp_detail(rp, k);
	for (size_t i = 0; i < rp->nprocs; i++)
		rp->list[n++] = &rp->procs[i].s;
	qsort(rp->list, n, sizeof *rp->list, cmp_sample_pid);
	out->procs = rp->list;
	out->nprocs = n;
	fill_cgroups(rp, k, out);
	fill_oom_kills(rp, k, followed, out);
	return rc;
}

static bool replay_timeline(const void *impl, struct source_timeline *out)
{
	const struct replay *rp = impl;
	const struct rboot *b;

	if (!rp->nticks)
		return false;
	b = &rp->boots[rp->ticks[rp->pos].boot];
	*out = (struct source_timeline){
		.first_t = (double)rp->ticks[0].t_ms / 1000.0,
		.last_t = (double)rp->ticks[rp->nticks - 1].t_ms / 1000.0,
		.at_t = (double)rp->ticks[rp->pos].t_ms / 1000.0,
		.count = rp->nticks, .index = rp->pos, .follow = rp->follow,
		.this_boot = rp->running_boot[0] && strcmp(b->boot_id, rp->running_boot) == 0,
		.host = b->host, .writing = rp->writing,
	};
	return true;
}

// The last sample at or before wall time t (ms); -1 before the first.
static long index_at(const struct replay *rp, int64_t t_ms)
{
	size_t lo = 0, hi = rp->nticks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rp->ticks[mid].t_ms <= t_ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

static int replay_move(void *impl, enum source_move how, double arg)
{
	struct replay *rp = impl;
	size_t to = rp->pos;
	long at;

	if (!rp->nticks)
		return -ERANGE;
	// Any move but a step: the next tick hands up every OOM kill up to
	// it (the monitor starts its model again after such a move).
	if (how != SOURCE_MOVE_STEP)
		rp->moved = true;
	switch (how) {
	case SOURCE_MOVE_STEP:
		if (arg < 0)
			to = (double)rp->pos + arg <= 0 ? 0 : rp->pos - (size_t)(-arg);
		else
			to = (double)rp->pos + arg >= (double)(rp->nticks - 1) ? rp->nticks - 1
										 : rp->pos + (size_t)arg;
		break;
	case SOURCE_MOVE_TIME:
		// Before the first sample, or after the newest (a minute's slack).
		if (!isfinite(arg) || arg * 1000 > (double)rp->ticks[rp->nticks - 1].t_ms + 60000 ||
		    (at = index_at(rp, llround(arg * 1000))) < 0)
			return -ERANGE;
		to = (size_t)at;
		break;
	case SOURCE_MOVE_FIRST:
		to = 0;
		break;
	case SOURCE_MOVE_LAST: {
		int r = refresh(rp);

		if (r < 0)
			return r;
		rp->follow = true;
		// At the newest sample already, nothing moved: unless the index
		// was read again, when the caller ticks to rebuild from it.
		if (rp->pos == rp->nticks - 1 && r != REINDEXED)
			return 1;
		rp->pos = rp->nticks - 1;
		return 0;
	}
	}
	rp->follow = false;
	if (to == rp->pos)
		return 1;
	rp->pos = to;
	return 0;
}

/* ---- a process's past ---- */

struct series_target {
	int64_t id;                       // its proc row, 0 when not recorded
	size_t req_index;
	double since;                     // its last exec's time: nothing older is its
					  // program's (-inf: none recorded)
	double last_t;                    // the newest point pushed
	uint64_t last_sig;
	bool pushed;
};

static int cmp_target_id(const void *a, const void *b)
{
	int64_t x = ((const struct series_target *)a)->id, y = ((const struct series_target *)b)->id;

	return (x > y) - (x < y);
}

static void push_point(struct series_target *tg, source_series_fn *push, void *ctx, double t, uint64_t sig)
{
	if ((tg->pushed && t < tg->last_t) || t < tg->since)
		return;                        // never backwards (a rollup and raw rows overlap),
					       // nor the program an exec replaced
	push(ctx, tg->req_index, t, sig);
	tg->pushed = true;
	tg->last_t = t;
	tg->last_sig = sig;
}

// The rollup at resolution res over [from, to) (monotonic seconds, the
// replay's clock; offset_ms is the boot's), with the bucket before from
// carried in. After an exec, from the first bucket that began after it
// (the one it fell in holds the old program's memory too).
static void series_rollup(struct replay *rp, struct series_target *tg, int res, double from, double to,
			  int64_t offset_ms, source_series_fn *push, void *ctx)
{
	double off = (double)offset_ms / 1000.0;
	int64_t b0 = (int64_t)floor((from - off) / res), b1 = (int64_t)floor((to - off) / res);
	sqlite3_stmt *st = rp->q[Q_ENV_BEFORE];

	if (tg->since > from && (b0 = (int64_t)ceil((tg->since - off) / res)) > b1)
		return;

	if (!tg->pushed) {
		sqlite3_bind_int64(st, 1, tg->id);
		sqlite3_bind_int(st, 2, res);
		sqlite3_bind_int64(st, 3, b0);
		if (sqlite3_step(st) == SQLITE_ROW)
			push_point(tg, push, ctx, (double)b0 * res + off, (uint64_t)sqlite3_column_int64(st, 0));
		reset(st);
	}
	st = rp->q[Q_ENV];
	sqlite3_bind_int64(st, 1, tg->id);
	sqlite3_bind_int(st, 2, res);
	sqlite3_bind_int64(st, 3, b0);
	sqlite3_bind_int64(st, 4, b1);
	while (sqlite3_step(st) == SQLITE_ROW)
		push_point(tg, push, ctx, (double)sqlite3_column_int64(st, 0) * res + off,
			   (uint64_t)sqlite3_column_int64(st, 1));
	reset(st);
}

// The first tick index at or after monotonic time t (the replay's clock)
// among ticks of boot b.
static size_t tick_at_mono(const struct replay *rp, double t, int b, size_t lo, size_t hi)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct rtick *k = &rp->ticks[mid];

		if (k->boot < b || (k->boot == b && (double)k->mono_ms / 1000.0 < t))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

// Every sample row of ticks [i0, i1) for the targets (sorted by id): one
// pass over the range in tick order.
static int series_raw(struct replay *rp, struct series_target *tg, size_t n, size_t i0, size_t i1,
		      source_series_fn *push, void *ctx)
{
	sqlite3_stmt *st = rp->q[Q_SAMPLES_RANGE];
	size_t k = i0;
	int rc;

	if (i0 >= i1)
		return 0;
	sqlite3_bind_int64(st, 1, rp->ticks[i0].id);
	sqlite3_bind_int64(st, 2, rp->ticks[i1 - 1].id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct series_target key = { .id = sqlite3_column_int64(st, 0) }, *t;
		int64_t tick = sqlite3_column_int64(st, 6);

		if (!(t = bsearch(&key, tg, n, sizeof *tg, cmp_target_id)))
			continue;
		while (k < i1 && rp->ticks[k].id < tick)
			k++;
		if (k >= i1)
			break;
		// A thinned row stands for a bucket: its lowest value (and the
		// value carried in, when it held at the bucket's start).
		uint64_t sig = (uint64_t)col_int(st, 2, 0) + (uint64_t)col_int(st, 3, 0);

		if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			sig = (uint64_t)sqlite3_column_int64(st, 7);
		if (col_int(st, 8, 0) && t->pushed && t->last_sig < sig)
			sig = t->last_sig;
		push_point(t, push, ctx, (double)rp->ticks[k].mono_ms / 1000.0, sig);
	}
	reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -EIO;
}

// The monotonic time (the replay's clock) of proc row id's last exec at
// or before to_t, in boot b; -inf when none is recorded.
static double last_exec(struct replay *rp, int b, int64_t id, double to_t)
{
	sqlite3_stmt *st = rp->q[Q_LAST_EXEC];
	double since = -INFINITY;

	if (!st)
		return since;                  // version 1: execs were not marked
	sqlite3_bind_int64(st, 1, rp->boots[b].id);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, llround(to_t * 1000) - rp->boots[b].offset_ms);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		since = (double)(sqlite3_column_int64(st, 0) + rp->boots[b].offset_ms) / 1000.0;
	reset(st);
	return since;
}

// The proc row of (pid, start_ticks) in boot row boot; 0 when none.
static int64_t find_proc_row(struct replay *rp, int64_t boot, int pid, uint64_t start_ticks)
{
	sqlite3_stmt *st = rp->q[Q_FIND_PROC];
	int64_t id = 0;

	sqlite3_bind_int64(st, 1, boot);
	sqlite3_bind_int(st, 2, pid);
	sqlite3_bind_int64(st, 3, (int64_t)start_ticks);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	reset(st);
	return id;
}

static int replay_series(void *impl, const struct source_series_req *req, source_series_fn *push, void *ctx)
{
	struct replay *rp = impl;
	struct series_target *tg;
	size_t n = 0, i0, i1;
	int b, rc = 0;

	if (!rp->nticks || req->nlevels == 0)
		return 0;
	// The boot the request is about: the position's (a replay), or the
	// running one's (history).
	b = rp->history_boot ? boot_index(rp, rp->history_boot) : rp->ticks[rp->pos].boot;
	if (b < 0 || !(tg = calloc(req->n ? req->n : 1, sizeof *tg)))
		return b < 0 ? 0 : -ENOMEM;
	for (size_t i = 0; i < req->n; i++) {
		int64_t id = find_proc_row(rp, rp->boots[b].id, req->pids[i], req->start_ticks[i]);

		if (id)
			tg[n++] = (struct series_target){ .id = id, .req_index = i,
							  .since = last_exec(rp, b, id, req->to_t) };
	}
	qsort(tg, n, sizeof *tg, cmp_target_id);
	// The levels the rollup covers, oldest first; the rest from the samples.
	double raw_t = req->level[0].from_t;

	for (size_t l = 0; l < req->nlevels && rp->version >= 2; l++) {
		double bs = req->level[l].bucket_s, to = l + 1 < req->nlevels ? req->level[l + 1].from_t
									: req->to_t;
		int res = bs >= 1800 ? 1800 : bs >= 150 ? 150 : 0;

		if (res == 0)
			break;
		for (size_t i = 0; i < n; i++)
			series_rollup(rp, &tg[i], res, req->level[l].from_t, to, rp->boots[b].offset_ms, push,
				      ctx);
		raw_t = to;
	}
	i0 = tick_at_mono(rp, raw_t, b, 0, rp->nticks);
	i1 = tick_at_mono(rp, req->to_t, b, i0, rp->nticks);
	rc = series_raw(rp, tg, n, i0, i1, push, ctx);
	free(tg);
	return rc;
}

/* ---- a cgroup's past ---- */

// The level a time falls in (the last whose from_t it reached); -1 before all.
static int level_of(const struct source_series_req *req, double t)
{
	int l = -1;

	for (size_t k = 0; k < req->nlevels; k++)
		if (t >= req->level[k].from_t)
			l = (int)k;
	return l;
}

// One cgroup's readings over ticks [i0, i1), as the detector had them
// live: at each tick that read the cgroups, its last row's value (rows are
// written only when it changed); in a slow level one point per bucket,
// the smallest of the bucket's readings at the bucket's start. A reading
// whose own anon was not recorded (NULL) is skipped.
struct cg_walk {
	source_series_fn *push;
	void *ctx;
	size_t index;                     // the request's
	int level;                        // of the bucket being gathered; -1 none
	double bucket;                    // its number
	uint64_t min;
};

static void walk_flush(const struct source_series_req *req, struct cg_walk *w)
{
	if (w->level >= 0)
		w->push(w->ctx, w->index, w->bucket * req->level[w->level].bucket_s, w->min);
	w->level = -1;
}

static void walk_reading(const struct source_series_req *req, struct cg_walk *w, double t, uint64_t v)
{
	int l = level_of(req, t);
	double bs, b;

	if (l < 0)
		return;
	bs = req->level[l].bucket_s;
	if (bs <= 0) {
		walk_flush(req, w);
		w->push(w->ctx, w->index, t, v);
		return;
	}
	b = floor(t / bs);
	if (w->level == l && w->bucket == b) {
		if (v < w->min)
			w->min = v;
		return;
	}
	walk_flush(req, w);
	*w = (struct cg_walk){ .push = w->push, .ctx = w->ctx, .index = w->index, .level = l, .bucket = b,
			       .min = v };
}

static int cgroup_walk(struct replay *rp, const struct source_series_req *req, int64_t cg, size_t i0,
		       size_t i1, struct cg_walk *w)
{
	sqlite3_stmt *st = rp->q[Q_CG_BEFORE];
	bool have = false;
	uint64_t value = 0;
	int rc;

	sqlite3_bind_int64(st, 1, cg);
	sqlite3_bind_int64(st, 2, rp->ticks[i0].id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		value = (uint64_t)sqlite3_column_int64(st, 0);
		have = true;
	}
	reset(st);
	st = rp->q[Q_CG_ROWS];
	sqlite3_bind_int64(st, 1, cg);
	sqlite3_bind_int64(st, 2, rp->ticks[i0].id);
	sqlite3_bind_int64(st, 3, i1 < rp->nticks ? rp->ticks[i1].id : INT64_MAX);
	rc = sqlite3_step(st);
	for (size_t k = i0; k < i1; k++) {
		const struct rtick *tk = &rp->ticks[k];

		// The rows up to this tick: the last one is its value.
		while (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) <= tk->id) {
			have = sqlite3_column_type(st, 1) != SQLITE_NULL;
			value = (uint64_t)col_int(st, 1, 0);
			rc = sqlite3_step(st);
		}
		if (tk->cg_read && have)
			walk_reading(req, w, (double)tk->mono_ms / 1000.0, value);
	}
	walk_flush(req, w);
	reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -EIO;
}

static int replay_cgroup_series_of(void *impl, const struct source_series_req *req, source_series_fn *push,
				   void *ctx)
{
	struct replay *rp = impl;
	size_t i0, i1;
	int b, rc = 0;

	if (!rp->nticks || req->nlevels == 0 || !req->paths || !rp->q[Q_CG_ID])
		return 0;
	b = rp->history_boot ? boot_index(rp, rp->history_boot) : rp->ticks[rp->pos].boot;
	if (b < 0)
		return 0;
	// The slow levels from the rollup (kept under minus the cgroup's row),
	// the rest from the readings: a few minutes' worth, not two days'.
	double raw_t = req->level[0].from_t;
	size_t nroll = 0;

	while (nroll < req->nlevels && req->level[nroll].bucket_s >= 150)
		nroll++;
	if (nroll) {
		// From the start of the rollup's bucket that holds the first
		// reading left to walk: that bucket's minimum is the walk's.
		double off = (double)rp->boots[b].offset_ms / 1000.0, res = req->level[nroll - 1].bucket_s;

		raw_t = nroll < req->nlevels ? req->level[nroll].from_t : req->to_t;
		raw_t = floor((raw_t - off) / res) * res + off;
	}
	i0 = tick_at_mono(rp, raw_t, b, 0, rp->nticks);
	i1 = tick_at_mono(rp, req->to_t, b, i0, rp->nticks);
	for (size_t i = 0; i < req->n && rc == 0; i++) {
		sqlite3_stmt *st = rp->q[Q_CG_ID];
		struct cg_walk w = { .push = push, .ctx = ctx, .index = i, .level = -1 };
		struct series_target tg = { .req_index = i, .since = -INFINITY };
		int64_t cg = 0;

		sqlite3_bind_text(st, 1, req->paths[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			cg = sqlite3_column_int64(st, 0);
		reset(st);
		if (!cg)
			continue;
		tg.id = -cg;
		for (size_t l = 0; l < nroll; l++)
			series_rollup(rp, &tg, req->level[l].bucket_s >= 1800 ? 1800 : 150, req->level[l].from_t,
				      l + 1 < nroll ? req->level[l + 1].from_t : raw_t, rp->boots[b].offset_ms, push,
				      ctx);
		if (i0 < i1)
			rc = cgroup_walk(rp, req, cg, i0, i1, &w);
	}
	return rc;
}

static void replay_close(void *impl)
{
	struct replay *rp = impl;

	if (!rp)
		return;
	clear_state(rp);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(rp->q[i]);
	if (rp->db)
		sqlite3_close_v2(rp->db);
	for (size_t i = 0; i < rp->nusers; i++)
		free(rp->users[i]);
	free(rp->users);
	free(rp->procs);
	free(rp->list);
	free(rp->cg_paths);
	free(rp->cg);
	free(rp->cg_keys);
	free(rp->kills);
	free(rp->ticks);
	free(rp->boots);
	free(rp);
}

static const struct source_ops replay_ops = {
	.name = "recording",
	.tick = replay_tick,
	.close = replay_close,
	.timeline = replay_timeline,
	.move = replay_move,
	.series = replay_series,
	.cgroup_series = replay_cgroup_series_of,
};

static const struct source_ops history_ops = {
	.name = "history",
	.tick = replay_tick,
	.close = replay_close,
	.series = replay_series,
	.cgroup_series = replay_cgroup_series_of,
};

// Opens the file and reads its index. On failure, frees it and returns -errno.
static int replay_new(struct replay **out, const char *path, FILE *progress_to, const char *history_boot,
		      double min_t, char *err, size_t errlen)
{
	struct replay *rp = calloc(1, sizeof *rp);
	long rc;

	*out = NULL;
	if (!rp) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rp->progress = progress_to;
	rp->min_t_ms = min_t > 0 ? llround(min_t * 1000) : INT64_MIN;
	if ((rc = open_db(rp, path, err, errlen)) < 0 || (rc = prepare_queries(rp, err, errlen)) < 0 ||
	    (rc = load_boots(rp, err, errlen)) < 0) {
		replay_close(rp);
		return (int)rc;
	}
	for (size_t i = 0; history_boot && i < rp->nboots; i++)
		if (strcmp(rp->boots[i].boot_id, history_boot) == 0)
			rp->history_boot = rp->boots[i].id;
	if (history_boot && !rp->history_boot) {
		snprintf(err, errlen, "%s holds no sample of this boot: no history to preload", path);
		replay_close(rp);
		return -ENOENT;
	}
	if ((rc = load_ticks(rp, err, errlen)) < 0) {
		replay_close(rp);
		return (int)rc;
	}
	if (rp->nticks == 0) {
		if (history_boot)
			snprintf(err, errlen, "%s holds no recent sample of this boot: no history to preload",
				 path);
		else
			snprintf(err, errlen, "%s holds no sample yet", path);
		replay_close(rp);
		return history_boot ? -ENOENT : -ENODATA;
	}
	*out = rp;
	return 0;
}

int replay_open(struct source *out, const char *path, const struct replay_options *o, char *err,
		size_t errlen)
{
	struct replay *rp;
	int rc = replay_new(&rp, path, o->progress, NULL, -1, err, errlen);

	if (rc < 0)
		return rc;
	if (o->boot_id)
		snprintf(rp->running_boot, sizeof rp->running_boot, "%s", o->boot_id);
	if (o->start_t < 0) {
		rp->pos = rp->nticks - 1;
		check_writer(rp);
		rp->follow = rp->writing;
	} else {
		long at = index_at(rp, llround(o->start_t * 1000));

		rp->pos = at < 0 ? 0 : (size_t)at;
	}
	*out = (struct source){ .ops = &replay_ops, .impl = rp };
	return 0;
}

int history_open(struct source *out, const char *path, const char *boot_id, double now, char *err,
		 size_t errlen)
{
	struct replay *rp;
	int rc;

	if (!boot_id || !*boot_id) {
		snprintf(err, errlen, "this boot's id is unknown: no history to preload");
		return -ENOENT;
	}
	rc = replay_new(&rp, path, NULL, boot_id, now - HISTORY_READ_S, err, errlen);
	if (rc < 0)
		return rc;
	snprintf(rp->running_boot, sizeof rp->running_boot, "%s", boot_id);
	*out = (struct source){ .ops = &history_ops, .impl = rp };
	return 0;
}

bool replay_span(const struct source *src, double *first_t, double *last_t)
{
	const struct replay *rp = src->impl;

	if (src->ops != &replay_ops || !rp->nticks)
		return false;
	*first_t = (double)rp->ticks[0].t_ms / 1000.0;
	*last_t = (double)rp->ticks[rp->nticks - 1].t_ms / 1000.0;
	return true;
}

int replay_cgroup_series(const struct source *src, double from_t, double to_t, replay_cgroup_fn *push,
			 void *ctx)
{
	struct replay *rp = src->impl;
	sqlite3_stmt *st;
	int rc;

	if (src->ops != &replay_ops)
		return -EINVAL;
	if (sqlite3_prepare_v2(rp->db, "SELECT c.path, k.t, s.usage_kb, s.limit_kb FROM cgroup_sample s"
			       " JOIN tick k ON k.id = s.tick JOIN cgroup c ON c.id = s.cgroup"
			       " WHERE k.t >= ? AND k.t <= ? AND s.usage_kb IS NOT NULL ORDER BY s.tick",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(st, 1, llround(from_t * 1000));
	sqlite3_bind_int64(st, 2, llround(to_t * 1000));
	// The same path comes back every row: escape it once per change of path.
	char *last_raw = NULL, *clean = NULL;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *raw = (const char *)sqlite3_column_text(st, 0);

		if (!raw)
			continue;
		if (!last_raw || strcmp(raw, last_raw) != 0) {
			free(last_raw);
			free(clean);
			last_raw = strdup(raw);
			clean = clean_text((const unsigned char *)raw);
			if (!last_raw || !clean) {
				rc = SQLITE_NOMEM;
				break;
			}
		}
		push(ctx, clean, (double)sqlite3_column_int64(st, 1) / 1000.0,
		     (uint64_t)sqlite3_column_int64(st, 2), sqlite3_column_type(st, 3) != SQLITE_NULL,
		     (uint64_t)col_int(st, 3, 0));
	}
	free(last_raw);
	free(clean);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : rc == SQLITE_NOMEM ? -ENOMEM : -EIO;
}
