/* recorder.c — one transaction a tick: the machine, what changed of each
 * process, names, exits, cgroups; the free-space floor around it. */
#include "store/recorder.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "store/maintain.h"
#include "store/recording.h"

// The rollup of a process's leak signal at one resolution: the bucket being
// filled and the last value written (a row only when it differs).
struct rec_envelope {
	int64_t bucket;                // floor(mono / res) of the open bucket
	uint64_t min_kb, written_kb;
	bool open, written;
};

#define RECORD_ENVELOPE_RES 2
static const int envelope_res_s[RECORD_ENVELOPE_RES] = { 150, 1800 };

// What was last written of one process: the next tick writes a row only
// when something differs.
struct rec_entry {
	int pid;
	uint64_t start_ticks;
	int64_t id;                    // its proc row
	uint64_t rss_kb, anon_kb, swap_kb;
	int oom_score, oom_adj;        // with swap: the sampler's detail fields
	bool have_swap;
	struct rec_envelope env[RECORD_ENVELOPE_RES];
	uint64_t ident_hash;           // of its names as last written; 0 unknown
	uint16_t exec_gen;             // the sampler's exec count at the last tick
	const char *names;             // the sample's names (comm) when hashed, and
	int ppid;                      // its parent: unchanged, no need to hash again
};

// A memory cgroup seen holding processes, and what was last written of it.
struct rec_cgroup {
	char *path;
	int64_t id;
	bool seen;                     // in the reading being written
	// Its leak signal's rollup (the model's: own anon, else its
	// processes'), in the envelope table under minus its id.
	struct rec_envelope env[RECORD_ENVELOPE_RES];
	bool written, have_usage, have_limit, have_anon, have_psi, have_sig, have_oom_kill;
	uint64_t usage_kb, limit_kb, anon_kb, sig_kb, oom_kill;
	double psi_some, psi_full;
};

enum stmt_id {
	ST_TICK, ST_SAMPLE, ST_FIND_PROC, ST_INSERT_PROC, ST_LAST_IDENT, ST_IDENT, ST_EXIT,
	ST_FIND_CGROUP, ST_INSERT_CGROUP, ST_CGROUP_SAMPLE, ST_CLOSE_OUT, ST_ENVELOPE, ST_OOM_KILL, ST_OOM_TASK,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_TICK] = "INSERT INTO tick(t, boot, full, interval_ms, nprocs, mem_total_kb, mem_available_kb,"
		" mem_free_kb, buffers_kb, cached_kb, shmem_kb, swap_total_kb, swap_free_kb,"
		" psi_some_avg10, psi_some_avg60, psi_some_avg300, psi_some_total_us, psi_full_avg10,"
		" psi_full_avg60, psi_full_avg300, psi_full_total_us, oom_kill, mono_ms, cg_read, oom_log,"
		" oom_log_lost) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_SAMPLE] = "INSERT INTO sample(tick, proc, rss_kb, anon_kb, swap_kb, oom_score, oom_adj)"
		" VALUES(?,?,?,?,?,?,?)",
	[ST_FIND_PROC] = "SELECT id FROM proc WHERE boot = ? AND pid = ? AND start_ticks = ?",
	[ST_INSERT_PROC] = "INSERT INTO proc(boot, pid, start_ticks, start_t, first_t) VALUES(?,?,?,?,?)",
	[ST_LAST_IDENT] = "SELECT ppid, comm, cmdline, user, cgroup, exe, cmdline_cut FROM ident WHERE proc = ?"
		" ORDER BY t DESC, id DESC LIMIT 1",
	[ST_IDENT] = "INSERT INTO ident(proc, t, ppid, comm, cmdline, user, cgroup, exe, exec, cmdline_cut)"
		" VALUES(?,?,?,?,?,?,?,?,?,?)",
	[ST_EXIT] = "UPDATE proc SET last_t = ?, exit_t = ? WHERE id = ?",
	[ST_FIND_CGROUP] = "SELECT id FROM cgroup WHERE path = ?",
	[ST_INSERT_CGROUP] = "INSERT INTO cgroup(path) VALUES(?)",
	[ST_CGROUP_SAMPLE] = "INSERT INTO cgroup_sample(tick, cgroup, usage_kb, limit_kb, anon_kb, psi_some,"
		" psi_full, sig_kb, oom_kills) VALUES(?,?,?,?,?,?,?,?,?)",
	// After a full tick that follows an opening: the processes the file
	// still has as running but which this tick did not find.
	[ST_CLOSE_OUT] = "UPDATE proc SET last_t = coalesce(last_t, ?), exit_t = ? WHERE exit_t IS NULL"
		" AND NOT EXISTS (SELECT 1 FROM sample WHERE tick = ? AND proc = proc.id)",
	// A bucket of the rollup; a bucket written before (the file was
	// opened again within it) keeps the smaller value.
	[ST_ENVELOPE] = "INSERT INTO envelope(proc, res, bucket, sig_min_kb, t) VALUES(?,?,?,?,?)"
		" ON CONFLICT DO UPDATE SET sig_min_kb = min(sig_min_kb, excluded.sig_min_kb)",
	// An OOM kill, once: the backlog every run hands up again is ignored.
	[ST_OOM_KILL] = "INSERT INTO oom_kill(boot, seq, t, seen_t, boot_s, mono_ms, since_start, pid, uid,"
		" comm, scope, constraint_name, oom_memcg, task_memcg, total_vm_kb, anon_rss_kb, file_rss_kb,"
		" shmem_rss_kb, pgtables_kb, oom_score_adj, trigger_comm, gfp_mask, alloc_order,"
		" trigger_oom_score_adj, memcg_usage_kb, memcg_limit_kb, tasks_listed)"
		" VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(boot, seq) DO NOTHING",
	[ST_OOM_TASK] = "INSERT INTO oom_task(kill, rank, pid, uid, comm, total_vm_kb, rss_kb, rss_anon_kb,"
		" rss_file_kb, rss_shmem_kb, pgtables_kb, swap_kb, oom_score_adj) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
};

struct recorder {
	struct recording rec;
	struct record_policy pol;
	struct record_host host;
	sqlite3_stmt *st[ST_COUNT];
	int64_t boot;                  // this boot's row
	struct rec_entry *cur, *next;  // sorted by pid; next is being built
	size_t ncur, cap;
	struct rec_cgroup *cg;         // sorted by path
	size_t ncg, cgcap;
	bool cg_all_due;               // the next cgroup reading writes every cgroup's row
	bool resync;                   // the next tick is full and looks processes up
	int64_t last_t;                // the last tick written (ms), or the file's last before
	int64_t tick_t;                // the tick being written (ms)
	double last_full, last_maintain;   // wall seconds; < 0 never
	bool paused;                   // below the floor, or the disk was full
	bool maintain_failed;          // the last maintenance failed (said once)
	unsigned long paused_since;    // ticks not written in this pause
	// OOM kills handed up at ticks that were not written (a pause, a
	// failed write): the sampler hands each up once, so they wait here
	// for the next tick written. At most RECORD_OOM_PENDING; more are lost
	// (counted in stats).
	struct oom_kill *pending;
	int64_t *pending_t;            // the tick each was handed up at (ms)
	size_t npending;
	struct record_stats stats;
};

#define RECORD_OOM_PENDING 64

void record_policy_defaults(struct record_policy *p)
{
	*p = (struct record_policy){
		.keep_s = RECORD_DEFAULT_KEEP_DAYS * 86400.0,
		.max_bytes = RECORD_DEFAULT_MAX_BYTES,
		.full_every_s = 3600, .maintain_every_s = 60,
		.thin_after_s = { 86400, 3 * 86400 }, .thin_bucket_s = { 15, 150 },
		.log = stderr,
	};
}

const struct record_stats *recorder_stats(const struct recorder *r)
{
	return &r->stats;
}

struct record_policy *recorder_policy(struct recorder *r)
{
	return &r->pol;
}

// One line on the log stream, naming the file.
__attribute__((format(printf, 2, 3)))
static void say(struct recorder *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->pol.log)
		return;
	fprintf(r->pol.log, "memtop: %s: ", r->rec.path);
	va_start(ap, fmt);
	vfprintf(r->pol.log, fmt, ap);
	va_end(ap);
	fputc('\n', r->pol.log);
	fflush(r->pol.log);
}

static int64_t ms_of(double seconds)
{
	return (int64_t)llround(seconds * 1000.0);
}

// FNV-1a over a process's names and parent: a new ident row when it moves.
static uint64_t hash_bytes(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return (h ^ 0xff) * UINT64_C(0x100000001b3);   // a separator no string holds
}

static uint64_t ident_hash(const struct recorder *r, const struct proc_sample *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	char ppid[16];

	snprintf(ppid, sizeof ppid, "%d", s->ppid);
	h = hash_bytes(h, ppid);
	h = hash_bytes(h, s->comm);
	h = hash_bytes(h, r->pol.no_cmdline ? "" : s->cmdline);
	h = hash_bytes(h, !r->pol.no_cmdline && s->cmdline_cut ? "cut" : "");
	h = hash_bytes(h, s->user);
	h = hash_bytes(h, s->cgroup);
	h = hash_bytes(h, s->exe ? s->exe : "");
	return h | 1;                  // never 0, which means unknown
}

// Binds text, or NULL for an empty string when empty_is_null.
static void bind_text(sqlite3_stmt *st, int i, const char *s, bool empty_is_null)
{
	if (!s || (empty_is_null && !*s))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

// Steps a statement that returns no row (or one we ignore) and resets it.
static int run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

// Steps a query of one integer; *out is set when it has a row.
static int run_int(sqlite3_stmt *st, int64_t *out, bool *found)
{
	int rc = sqlite3_step(st);

	*found = rc == SQLITE_ROW;
	if (*found)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static int write_tick_row(struct recorder *r, const struct snapshot *snap, bool full, double interval,
			  int64_t *tick_id)
{
	const struct sys_sample *y = &snap->sys;
	sqlite3_stmt *st = r->st[ST_TICK];
	int i = 1, rc;

	sqlite3_bind_int64(st, i++, ms_of(y->wall_time));
	sqlite3_bind_int64(st, i++, r->boot);
	sqlite3_bind_int(st, i++, full);
	if (interval > 0)
		sqlite3_bind_int64(st, i, ms_of(interval));
	i++;
	sqlite3_bind_int64(st, i++, (int64_t)snap->nprocs);
	if (y->have_meminfo) {
		const uint64_t v[] = { y->total_kb, y->available_kb, y->free_kb, y->buffers_kb,
				       y->cached_kb, y->shmem_kb, y->swap_total_kb, y->swap_free_kb };

		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
			sqlite3_bind_int64(st, i + (int)k, (int64_t)v[k]);
	}
	i += 8;
	const struct psi_line *lines[2] = { &y->psi.some, &y->psi.full };

	for (int k = 0; k < 2; k++, i += 4) {
		if (!y->have_psi || !lines[k]->valid)
			continue;
		sqlite3_bind_double(st, i, lines[k]->avg10);
		sqlite3_bind_double(st, i + 1, lines[k]->avg60);
		sqlite3_bind_double(st, i + 2, lines[k]->avg300);
		sqlite3_bind_int64(st, i + 3, (int64_t)lines[k]->total_us);
	}
	if (y->have_oom_kill)
		sqlite3_bind_int64(st, i, (int64_t)y->oom_kill);
	i++;
	sqlite3_bind_int64(st, i++, ms_of(y->mono_time));
	sqlite3_bind_int(st, i++, snap->cgroups_read);
	// The kernel log's state: NULL when it was not asked for (a reader
	// then knows the kills only from the counter).
	if (y->oom_log_err != -ENOTSUP) {
		sqlite3_bind_int(st, i, y->oom_log_err);
		sqlite3_bind_int64(st, i + 1, (int64_t)y->oom_log_lost);
	}
	if ((rc = run(st)) != SQLITE_OK)
		return rc;
	*tick_id = sqlite3_last_insert_rowid(r->rec.db);
	return SQLITE_OK;
}

// The proc row of a process: found (after an opening, the file may have it
// from before) or inserted. *known says it was found.
static int proc_row(struct recorder *r, const struct proc_sample *s, int64_t t, int64_t *id, bool *known)
{
	sqlite3_stmt *st;
	int rc;

	if (r->resync) {
		st = r->st[ST_FIND_PROC];
		sqlite3_bind_int64(st, 1, r->boot);
		sqlite3_bind_int(st, 2, s->pid);
		sqlite3_bind_int64(st, 3, (int64_t)s->start_ticks);
		if ((rc = run_int(st, id, known)) != SQLITE_OK || *known)
			return rc;
	}
	*known = false;
	st = r->st[ST_INSERT_PROC];
	sqlite3_bind_int64(st, 1, r->boot);
	sqlite3_bind_int(st, 2, s->pid);
	sqlite3_bind_int64(st, 3, (int64_t)s->start_ticks);
	if (r->host.boot_time > 0)
		sqlite3_bind_int64(st, 4, ms_of(r->host.boot_time + s->start_time_s));
	sqlite3_bind_int64(st, 5, t);
	if ((rc = run(st)) != SQLITE_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(r->rec.db);
	return SQLITE_OK;
}

// The hash of the names a known process last had in the file, so that an
// opening does not write them again; 0 when it has none.
static uint64_t last_ident_hash(struct recorder *r, int64_t id)
{
	sqlite3_stmt *st = r->st[ST_LAST_IDENT];
	uint64_t h = 0;

	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		struct proc_sample s = {
			.ppid = sqlite3_column_int(st, 0),
			.comm = (char *)sqlite3_column_text(st, 1),
			.cmdline = (char *)sqlite3_column_text(st, 2),
			.user = (const char *)sqlite3_column_text(st, 3),
			.cgroup = (char *)sqlite3_column_text(st, 4),
			.exe = (char *)sqlite3_column_text(st, 5),
			.cmdline_cut = sqlite3_column_int(st, 6) != 0,
		};

		if (!s.cmdline)
			s.cmdline = "";
		if (!s.user)
			s.user = "";
		if (!s.cgroup)
			s.cgroup = "";
		if (s.comm)
			h = ident_hash(r, &s);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return h;
}

// A row of the process's names at t; execd: it began a new program then.
static int write_ident(struct recorder *r, const struct rec_entry *e, const struct proc_sample *s, int64_t t,
		       bool execd)
{
	sqlite3_stmt *st = r->st[ST_IDENT];

	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_int64(st, 2, t);
	sqlite3_bind_int(st, 3, s->ppid);
	bind_text(st, 4, s->comm, false);
	bind_text(st, 5, r->pol.no_cmdline ? NULL : s->cmdline, false);
	bind_text(st, 6, s->user, false);
	bind_text(st, 7, s->cgroup, true);
	bind_text(st, 8, s->exe, true);
	sqlite3_bind_int(st, 9, execd);
	sqlite3_bind_int(st, 10, !r->pol.no_cmdline && s->cmdline_cut);
	return run(st);
}

static int write_sample(struct recorder *r, int64_t tick, const struct rec_entry *e)
{
	sqlite3_stmt *st = r->st[ST_SAMPLE];

	sqlite3_bind_int64(st, 1, tick);
	sqlite3_bind_int64(st, 2, e->id);
	sqlite3_bind_int64(st, 3, (int64_t)e->rss_kb);
	sqlite3_bind_int64(st, 4, (int64_t)e->anon_kb);
	if (e->have_swap) {
		sqlite3_bind_int64(st, 5, (int64_t)e->swap_kb);
		sqlite3_bind_int(st, 6, e->oom_score);
		sqlite3_bind_int(st, 7, e->oom_adj);
	}
	return run(st);
}

// Writes a closed bucket of a process's rollup when its value differs from
// the last one written at that resolution.
// Writes bucket k of a rollup (id: a proc row, or minus a cgroup row) when
// it differs from the last one written.
static int flush_envelope(struct recorder *r, int64_t id, struct rec_envelope *env, int k)
{
	struct rec_envelope *v = &env[k];
	sqlite3_stmt *st = r->st[ST_ENVELOPE];

	if (!v->open || (v->written && v->written_kb == v->min_kb))
		return SQLITE_OK;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, envelope_res_s[k]);
	sqlite3_bind_int64(st, 3, v->bucket);
	sqlite3_bind_int64(st, 4, (int64_t)v->min_kb);
	sqlite3_bind_int64(st, 5, r->tick_t);
	v->written = true;
	v->written_kb = v->min_kb;
	r->stats.envelope_rows++;
	return run(st);
}

static int flush_envelopes(struct recorder *r, int64_t id, struct rec_envelope *env)
{
	int rc;

	for (int k = 0; k < RECORD_ENVELOPE_RES; k++)
		if ((rc = flush_envelope(r, id, env, k)) != SQLITE_OK)
			return rc;
	return SQLITE_OK;
}

// Adds a leak signal (as the detector takes it) at monotonic time mono to
// a rollup, writing each bucket it closes.
static int track_envelope(struct recorder *r, int64_t id, struct rec_envelope *env, uint64_t sig, double mono)
{
	int rc;

	for (int k = 0; k < RECORD_ENVELOPE_RES; k++) {
		struct rec_envelope *v = &env[k];
		int64_t b = (int64_t)floor(mono / envelope_res_s[k]);

		if (v->open && b != v->bucket) {
			if ((rc = flush_envelope(r, id, env, k)) != SQLITE_OK)
				return rc;
			v->open = false;
		}
		if (!v->open) {
			v->open = true;
			v->bucket = b;
			v->min_kb = sig;
		} else if (sig < v->min_kb) {
			v->min_kb = sig;
		}
	}
	return SQLITE_OK;
}

// One process of the tick: its row, names and sample as needed. old is
// its entry from the last tick, or NULL for a process new to the recorder.
static int record_process(struct recorder *r, const struct proc_sample *s, const struct rec_entry *old,
			  int64_t tick, int64_t t, double mono, bool full, struct rec_entry *e)
{
	bool changed = true, known = false, execd;
	uint64_t h;
	int rc;

	if (old) {
		*e = *old;
	} else {
		*e = (struct rec_entry){ .pid = s->pid, .start_ticks = s->start_ticks, .exec_gen = s->exec_gen };
		if ((rc = proc_row(r, s, t, &e->id, &known)) != SQLITE_OK)
			return rc;
		if (known)
			e->ident_hash = last_ident_hash(r, e->id);
	}
	// The sampler gives a process's names a new allocation when any of
	// them changes (allocated before the old one is freed, so never at the
	// same address from one tick to the next): the same pointer and parent
	// are the same names, and only a change is hashed.
	h = old && s->comm == old->names && s->ppid == old->ppid ? old->ident_hash : ident_hash(r, s);
	e->names = s->comm;
	e->ppid = s->ppid;
	// An exec starts a new record in the live model (a new program's
	// memory is not the old one's growth): the row says so, for a replay.
	execd = s->exec_gen != e->exec_gen;
	e->exec_gen = s->exec_gen;
	if (h != e->ident_hash || execd) {
		if ((rc = write_ident(r, e, s, t, execd)) != SQLITE_OK)
			return rc;
		e->ident_hash = h;
		r->stats.ident_rows++;
	}
	if (old && !execd)
		changed = old->rss_kb != s->rss_kb || old->anon_kb != s->anon_kb ||
			  old->have_swap != s->have_detail ||
			  (s->have_detail && (old->swap_kb != s->swap_kb || old->oom_score != s->oom_score ||
					      old->oom_adj != s->oom_score_adj));
	e->rss_kb = s->rss_kb;
	e->anon_kb = s->anon_kb;
	e->have_swap = s->have_detail;
	e->swap_kb = s->have_detail ? s->swap_kb : 0;
	e->oom_score = s->have_detail ? s->oom_score : 0;
	e->oom_adj = s->have_detail ? s->oom_score_adj : 0;
	if ((rc = track_envelope(r, e->id, e->env, e->anon_kb + (e->have_swap ? e->swap_kb : 0), mono)) !=
	    SQLITE_OK)
		return rc;
	if (!changed && !full)
		return SQLITE_OK;
	r->stats.sample_rows++;
	return write_sample(r, tick, e);
}

static int record_exit(struct recorder *r, struct rec_entry *e, int64_t t)
{
	sqlite3_stmt *st = r->st[ST_EXIT];
	int rc;

	if ((rc = flush_envelopes(r, e->id, e->env)) != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, r->last_t);
	sqlite3_bind_int64(st, 2, t);
	sqlite3_bind_int64(st, 3, e->id);
	r->stats.exits++;
	return run(st);
}

static int grow_entries(struct recorder *r, size_t n)
{
	if (n <= r->cap)
		return 0;
	size_t cap = r->cap ? r->cap : 256;

	while (cap < n)
		cap *= 2;
	struct rec_entry *a = realloc(r->cur, cap * sizeof *a);

	if (!a)
		return -ENOMEM;
	r->cur = a;
	struct rec_entry *b = realloc(r->next, cap * sizeof *b);

	if (!b)
		return -ENOMEM;
	r->next = b;
	r->cap = cap;
	return 0;
}

// The processes: a merge of the snapshot (sorted by pid) with the entries
// of the last tick (sorted by pid), building the next entries.
static int record_processes(struct recorder *r, const struct snapshot *snap, int64_t tick, int64_t t,
			    bool full, size_t *nnext)
{
	size_t j = 0, k = 0;
	int rc;

	for (size_t i = 0; i < snap->nprocs; i++) {
		const struct proc_sample *s = snap->procs[i];
		const struct rec_entry *old = NULL;

		for (; j < r->ncur && r->cur[j].pid < s->pid; j++)
			if ((rc = record_exit(r, &r->cur[j], t)) != SQLITE_OK)
				return rc;
		if (j < r->ncur && r->cur[j].pid == s->pid) {
			if (r->cur[j].start_ticks == s->start_ticks)
				old = &r->cur[j];
			else if ((rc = record_exit(r, &r->cur[j], t)) != SQLITE_OK)   // the pid was reused
				return rc;
			j++;
		}
		if ((rc = record_process(r, s, old, tick, t, snap->sys.mono_time, full, &r->next[k++])) !=
		    SQLITE_OK)
			return rc;
	}
	for (; j < r->ncur; j++)
		if ((rc = record_exit(r, &r->cur[j], t)) != SQLITE_OK)
			return rc;
	*nnext = k;
	return SQLITE_OK;
}

static int cmp_cgroup_path(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const struct rec_cgroup *)elem)->path);
}

// The cgroup entry for path, added (and given a row) when new.
static int cgroup_entry(struct recorder *r, const char *path, struct rec_cgroup **out)
{
	struct rec_cgroup *c = r->ncg ? bsearch(path, r->cg, r->ncg, sizeof *r->cg, cmp_cgroup_path) : NULL;
	bool found;
	int rc;

	if (c) {
		*out = c;
		return SQLITE_OK;
	}
	if (r->ncg == r->cgcap) {
		size_t cap = r->cgcap ? 2 * r->cgcap : 64;
		struct rec_cgroup *a = realloc(r->cg, cap * sizeof *a);

		if (!a)
			return SQLITE_NOMEM;
		r->cg = a;
		r->cgcap = cap;
	}
	size_t at = 0;

	while (at < r->ncg && strcmp(r->cg[at].path, path) < 0)
		at++;
	struct rec_cgroup e = { .path = strdup(path) };

	if (!e.path)
		return SQLITE_NOMEM;
	sqlite3_bind_text(r->st[ST_FIND_CGROUP], 1, path, -1, SQLITE_STATIC);
	if ((rc = run_int(r->st[ST_FIND_CGROUP], &e.id, &found)) == SQLITE_OK && !found) {
		sqlite3_bind_text(r->st[ST_INSERT_CGROUP], 1, path, -1, SQLITE_STATIC);
		rc = run(r->st[ST_INSERT_CGROUP]);
		e.id = sqlite3_last_insert_rowid(r->rec.db);
	}
	if (rc != SQLITE_OK) {
		free(e.path);
		return rc;
	}
	memmove(&r->cg[at + 1], &r->cg[at], (r->ncg - at) * sizeof *r->cg);
	r->cg[at] = e;
	r->ncg++;
	*out = &r->cg[at];
	return SQLITE_OK;
}

// Whether a reading (and the signal the model took from it, when that is
// not its own anon: have_sig) differs from what was last written.
static bool cgroup_changed(const struct rec_cgroup *c, const struct cgroup_reading *g, bool have_sig,
			   uint64_t sig)
{
	bool limit = g->have_limit && !g->unlimited;

	return !c->written || c->have_sig != have_sig || (have_sig && c->sig_kb != sig) || c->have_usage != g->have_usage || c->usage_kb != g->usage_kb ||
	       c->have_limit != limit || (limit && c->limit_kb != g->limit_kb) ||
	       c->have_anon != g->have_anon || c->anon_kb != g->anon_kb || c->have_psi != g->have_pressure ||
	       (g->have_pressure && (c->psi_some != g->pressure.some.avg10 ||
				     c->psi_full != (g->pressure.full.valid ? g->pressure.full.avg10 : 0))) ||
	       c->have_oom_kill != g->have_oom_kill || c->oom_kill != g->oom_kill;
}

// One cgroup's reading: a row when it changed, or when every row is due.
// row: the model's row of the cgroup, whose leak signal is kept (sig_kb)
// when it is not the reading's own anon (the processes' sum), so that a
// replay can seed the cgroup's detector with it.
static int record_one_cgroup(struct recorder *r, const struct cgroup_reading *g, const struct cgroup_row *row,
			     int64_t tick, bool all, double mono)
{
	struct rec_cgroup *c;
	sqlite3_stmt *st = r->st[ST_CGROUP_SAMPLE];
	bool pushed = row && row->leak && row->read_t == mono;   // the model took a signal now
	bool have_sig = pushed && !row->own_signal;
	uint64_t sig = have_sig ? row->sig_kb : 0;
	int rc;

	if (g->gone || (!g->have_usage && !g->have_limit && !g->have_anon && !have_sig && !g->have_oom_kill))
		return SQLITE_OK;           // gone, or nothing to read: no row
	if ((rc = cgroup_entry(r, g->path, &c)) != SQLITE_OK)
		return rc;
	c->seen = true;
	if (pushed && (rc = track_envelope(r, -c->id, c->env, row->sig_kb, mono)) != SQLITE_OK)
		return rc;
	if (!all && !cgroup_changed(c, g, have_sig, sig))
		return SQLITE_OK;
	c->written = true;
	c->have_sig = have_sig;
	c->sig_kb = sig;
	c->have_usage = g->have_usage;
	c->usage_kb = g->usage_kb;
	c->have_limit = g->have_limit && !g->unlimited;
	c->limit_kb = c->have_limit ? g->limit_kb : 0;
	c->have_anon = g->have_anon;
	c->anon_kb = g->anon_kb;
	c->have_psi = g->have_pressure;
	c->psi_some = g->have_pressure ? g->pressure.some.avg10 : 0;
	c->psi_full = g->have_pressure && g->pressure.full.valid ? g->pressure.full.avg10 : 0;
	c->have_oom_kill = g->have_oom_kill;
	c->oom_kill = g->have_oom_kill ? g->oom_kill : 0;
	sqlite3_bind_int64(st, 1, tick);
	sqlite3_bind_int64(st, 2, c->id);
	if (c->have_usage)
		sqlite3_bind_int64(st, 3, (int64_t)c->usage_kb);
	if (c->have_limit)
		sqlite3_bind_int64(st, 4, (int64_t)c->limit_kb);
	if (c->have_anon)
		sqlite3_bind_int64(st, 5, (int64_t)c->anon_kb);
	if (c->have_psi) {
		sqlite3_bind_double(st, 6, c->psi_some);
		sqlite3_bind_double(st, 7, c->psi_full);
	}
	if (c->have_sig)
		sqlite3_bind_int64(st, 8, (int64_t)c->sig_kb);
	if (c->have_oom_kill)
		sqlite3_bind_int64(st, 9, (int64_t)c->oom_kill);
	r->stats.cgroup_rows++;
	return run(st);
}

// Keeps only the cgroups of the reading just written: containers and
// sessions come and go for days, and their entries must go with them (a
// cgroup seen again is looked up in the file again).
static int forget_unseen_cgroups(struct recorder *r)
{
	size_t m = 0;
	int rc = SQLITE_OK;

	for (size_t i = 0; i < r->ncg; i++) {
		if (r->cg[i].seen) {
			r->cg[i].seen = false;
			r->cg[m++] = r->cg[i];
			continue;
		}
		if (rc == SQLITE_OK)
			rc = flush_envelopes(r, -r->cg[i].id, r->cg[i].env);   // its open buckets
		free(r->cg[i].path);
	}
	r->ncg = m;
	r->stats.cgroups_known = m;
	return rc;
}

// The cgroups the source read at this tick (snapshot.cgroups): a row for
// each that changed; after a full tick, for each at the next reading (so
// that the rule "a cgroup's value is its last row" survives retention).
static int record_cgroups(struct recorder *r, const struct monitor *m, int64_t tick, bool full)
{
	const struct snapshot *snap = &m->snap;
	int rc;

	if (full)
		r->cg_all_due = true;
	if (!snap->cgroups_read)
		return SQLITE_OK;
	for (size_t i = 0; i < snap->ncgroups; i++)
		if ((rc = record_one_cgroup(r, &snap->cgroups[i], cgtable_find(&m->cgroups, snap->cgroups[i].path),
					    tick, r->cg_all_due, snap->sys.mono_time)) != SQLITE_OK)
			return rc;
	r->cg_all_due = false;
	return forget_unseen_cgroups(r);
}

static void forget_cgroups(struct recorder *r)
{
	for (size_t i = 0; i < r->ncg; i++)
		free(r->cg[i].path);
	r->ncg = 0;
}

static void bind_u64_if(sqlite3_stmt *st, int i, bool have, uint64_t v)
{
	if (have)
		sqlite3_bind_int64(st, i, (int64_t)v);
}

// The rows of a kill's task table, under its oom_kill row.
static int write_oom_tasks(struct recorder *r, int64_t kill, const struct oom_kill *k)
{
	sqlite3_stmt *st = r->st[ST_OOM_TASK];
	int rc = SQLITE_OK;

	for (unsigned i = 0; i < k->ntasks && i < OOM_TASKS_MAX && rc == SQLITE_OK; i++) {
		const struct oom_task_row *w = &k->tasks[i];

		sqlite3_bind_int64(st, 1, kill);
		sqlite3_bind_int(st, 2, (int)i);
		sqlite3_bind_int(st, 3, w->pid);
		sqlite3_bind_int(st, 4, w->uid);
		sqlite3_bind_text(st, 5, w->comm, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, (int64_t)w->total_vm_kb);
		sqlite3_bind_int64(st, 7, (int64_t)w->rss_kb);
		bind_u64_if(st, 8, w->have_split, w->rss_anon_kb);
		bind_u64_if(st, 9, w->have_split, w->rss_file_kb);
		bind_u64_if(st, 10, w->have_split, w->rss_shmem_kb);
		sqlite3_bind_int64(st, 11, (int64_t)w->pgtables_kb);
		sqlite3_bind_int64(st, 12, (int64_t)w->swap_kb);
		sqlite3_bind_int(st, 13, w->oom_score_adj);
		rc = run(st);
	}
	return rc;
}

// One OOM kill, unless the file has it (same boot and sequence number).
static int write_oom_kill(struct recorder *r, const struct oom_kill *k, int64_t t)
{
	sqlite3_stmt *st = r->st[ST_OOM_KILL];
	int i = 1, rc;

	sqlite3_bind_int64(st, i++, r->boot);
	sqlite3_bind_int64(st, i++, (int64_t)k->seq);
	sqlite3_bind_int64(st, i++, ms_of(k->wall_time));
	sqlite3_bind_int64(st, i++, t);
	sqlite3_bind_double(st, i++, k->boot_s);
	sqlite3_bind_int64(st, i++, ms_of(k->mono_time));
	sqlite3_bind_int(st, i++, k->since_start);
	sqlite3_bind_int(st, i++, k->pid);
	if (k->uid >= 0)
		sqlite3_bind_int(st, i, k->uid);
	i++;
	sqlite3_bind_text(st, i++, k->comm, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, i++, (int)k->scope);
	bind_text(st, i++, k->constraint, true);
	bind_text(st, i++, k->oom_memcg, true);
	bind_text(st, i++, k->task_memcg, true);
	sqlite3_bind_int64(st, i++, (int64_t)k->total_vm_kb);
	sqlite3_bind_int64(st, i++, (int64_t)k->anon_rss_kb);
	sqlite3_bind_int64(st, i++, (int64_t)k->file_rss_kb);
	sqlite3_bind_int64(st, i++, (int64_t)k->shmem_rss_kb);
	bind_u64_if(st, i++, k->have_pgtables, k->pgtables_kb);
	if (k->have_oom_score_adj)
		sqlite3_bind_int(st, i, k->oom_score_adj);
	i++;
	if (k->have_trigger) {
		sqlite3_bind_text(st, i, k->trigger_comm, -1, SQLITE_STATIC);
		bind_text(st, i + 1, k->gfp_mask, true);
		sqlite3_bind_int(st, i + 2, k->order);
		sqlite3_bind_int(st, i + 3, k->trigger_oom_score_adj);
	}
	i += 4;
	bind_u64_if(st, i++, k->have_memcg_usage, k->memcg_usage_kb);
	bind_u64_if(st, i++, k->have_memcg_usage, k->memcg_limit_kb);
	sqlite3_bind_int(st, i, (int)k->tasks_listed);
	if ((rc = run(st)) != SQLITE_OK || sqlite3_changes(r->rec.db) == 0)
		return rc;                  // (no change: the file had it)
	r->stats.oom_kills++;
	return write_oom_tasks(r, sqlite3_last_insert_rowid(r->rec.db), k);
}

// The kills the kernel log reported since the last tick (the backlog at
// the first tick of a run: those stored before are skipped by the file's
// unique key, so a restarted recorder stores none twice).
static int record_oom_kills(struct recorder *r, const struct snapshot *snap, int64_t t)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; i < r->npending && rc == SQLITE_OK; i++)
		rc = write_oom_kill(r, &r->pending[i], r->pending_t[i]);
	if (snap->sys.oom_log_err != 0)
		return rc;
	for (size_t i = 0; i < snap->noom_kills && rc == SQLITE_OK; i++)
		rc = write_oom_kill(r, &snap->oom_kills[i], t);
	return rc;
}

// A tick that was not written: its kills wait for the next one (copied:
// the snapshot's go with the next tick).
static void keep_oom_kills(struct recorder *r, const struct snapshot *snap)
{
	if (snap->sys.oom_log_err != 0 || snap->noom_kills == 0)
		return;
	if (!r->pending) {
		r->pending = calloc(RECORD_OOM_PENDING, sizeof *r->pending);
		r->pending_t = calloc(RECORD_OOM_PENDING, sizeof *r->pending_t);
	}
	for (size_t i = 0; i < snap->noom_kills; i++) {
		if (!r->pending || !r->pending_t || r->npending == RECORD_OOM_PENDING) {
			r->stats.oom_kills_lost++;
			continue;
		}
		r->pending[r->npending] = snap->oom_kills[i];
		r->pending_t[r->npending++] = ms_of(snap->sys.wall_time);
	}
}

// Whether a periodic job is due at wall time now.
static bool due(double last, double every, double now)
{
	return last < 0 || now - last >= every || now < last;
}

static int write_tick(struct recorder *r, struct monitor *m, double interval, bool *full_out,
		      size_t *nnext)
{
	const struct snapshot *snap = &m->snap;
	double now = snap->sys.wall_time;
	int64_t t = ms_of(now), tick;
	bool full = r->resync || due(r->last_full, r->pol.full_every_s, now);
	int rc;

	if (grow_entries(r, snap->nprocs) < 0)
		return SQLITE_NOMEM;
	r->tick_t = t;
	if (r->resync)
		r->ncur = 0;               // every process is looked up in the file
	if ((rc = write_tick_row(r, snap, full, interval, &tick)) != SQLITE_OK ||
	    (rc = record_processes(r, snap, tick, t, full, nnext)) != SQLITE_OK)
		return rc;
	if (r->resync) {
		sqlite3_stmt *st = r->st[ST_CLOSE_OUT];

		sqlite3_bind_int64(st, 1, r->last_t > 0 ? r->last_t : t);
		sqlite3_bind_int64(st, 2, t);
		sqlite3_bind_int64(st, 3, tick);
		if ((rc = run(st)) != SQLITE_OK)
			return rc;
	}
	if ((rc = record_cgroups(r, m, tick, full)) != SQLITE_OK ||
	    (rc = record_oom_kills(r, snap, t)) != SQLITE_OK)
		return rc;
	*full_out = full;
	return SQLITE_OK;
}

// Free bytes on the recording's file system, or UINT64_MAX when unknown;
// *size its size.
static uint64_t free_space(const struct recorder *r, uint64_t *size)
{
	char copy[sizeof r->rec.path];
	struct statvfs v;

	snprintf(copy, sizeof copy, "%s", r->rec.path);
	*size = 0;
	if (statvfs(dirname(copy), &v) < 0)
		return UINT64_MAX;
	*size = (uint64_t)v.f_blocks * v.f_frsize;
	return (uint64_t)v.f_bavail * v.f_frsize;
}

static uint64_t floor_bytes(const struct recorder *r, uint64_t fs_size)
{
	uint64_t f = fs_size / 20;

	if (r->pol.min_free_bytes)
		return r->pol.min_free_bytes;
	return f < (UINT64_C(256) << 20) ? f : UINT64_C(256) << 20;
}

// Not writing: the next tick written is a full one, which looks each
// process up again (names may have changed more than once meanwhile).
static void pause_writing(struct recorder *r, const char *why)
{
	if (!r->paused)
		say(r, "%s; recording paused (sampling goes on)", why);
	r->paused = true;
	r->resync = true;
	r->paused_since++;
	r->stats.paused_ticks++;
}

static void resume_writing(struct recorder *r)
{
	if (!r->paused)
		return;
	say(r, "recording resumed (%lu ticks were not recorded)", r->paused_since);
	r->paused = false;
	r->paused_since = 0;
}

// Takes a failed transaction back. Anything that was half-written goes, and
// the next tick starts over with a full tick (the entries no longer say
// what the file holds).
static void roll_back(struct recorder *r)
{
	sqlite3_exec(r->rec.db, "ROLLBACK", NULL, NULL, NULL);
	r->resync = true;
	forget_cgroups(r);            // their new rows may have gone with it
}

// A failed write: a full disk, a failed write, no memory or another
// program's lock (a reader's forced checkpoint) pause it, to be tried again
// at the next tick; anything else (a read-only or corrupt file) ends the
// recording.
static int write_failed(struct recorder *r, int rc)
{
	roll_back(r);
	rc &= 0xff;
	if (rc == SQLITE_FULL || rc == SQLITE_IOERR || rc == SQLITE_NOMEM || rc == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED) {
		const char *why = rc == SQLITE_FULL ? "the file system is full"
				  : rc == SQLITE_NOMEM ? "out of memory"
				  : rc == SQLITE_IOERR ? "a write failed" : "another program holds a lock on it";

		pause_writing(r, why);
		return RECORD_PAUSED;
	}
	say(r, "cannot write: %s", sqlite3_errmsg(r->rec.db));
	return -EIO;
}

int recorder_write(struct recorder *r, struct monitor *m)
{
	uint64_t fs_size, avail = free_space(r, &fs_size);
	double now = m->snap.sys.wall_time;
	double interval = r->last_t > 0 ? now - (double)r->last_t / 1000.0 : -1;
	bool full = false;
	size_t nnext = 0;
	int rc;

	if (avail != UINT64_MAX && avail < floor_bytes(r, fs_size)) {
		char msg[96];

		// The WAL may hold megabytes the file would need less of:
		// checkpoint it and cut it back, once, on the way into a pause.
		if (!r->paused)
			sqlite3_wal_checkpoint_v2(r->rec.db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		snprintf(msg, sizeof msg, "less than %llu KiB free on its file system",
			 (unsigned long long)(floor_bytes(r, fs_size) >> 10));
		pause_writing(r, msg);
		keep_oom_kills(r, &m->snap);
		return RECORD_PAUSED;
	}
	if (r->resync)
		interval = -1;
	if ((rc = sqlite3_exec(r->rec.db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK ||
	    (rc = write_tick(r, m, interval, &full, &nnext)) != SQLITE_OK ||
	    (rc = sqlite3_exec(r->rec.db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK) {
		keep_oom_kills(r, &m->snap);
		return write_failed(r, rc);
	}
	r->npending = 0;
	struct rec_entry *swap = r->cur;

	r->cur = r->next;
	r->next = swap;
	r->ncur = nnext;
	r->resync = false;
	r->last_t = ms_of(now);
	if (full)
		r->last_full = now;
	r->stats.ticks++;
	resume_writing(r);
	// Thinning that fails (a full disk) leaves the file as it was and is
	// tried again next time: the tick itself is written.
	if (due(r->last_maintain, r->pol.maintain_every_s, now))
		recorder_maintain(r, now);
	return RECORD_WRITTEN;
}

// The open rollup buckets of the cgroups remembered, in a transaction of
// their own (best effort, as at the end).
static void flush_cgroup_envelopes(struct recorder *r)
{
	bool ok = true;

	if (r->ncg == 0 || sqlite3_exec(r->rec.db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return;
	for (size_t i = 0; i < r->ncg && ok; i++)
		ok = flush_envelopes(r, -r->cg[i].id, r->cg[i].env) == SQLITE_OK;
	sqlite3_exec(r->rec.db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
}

int recorder_maintain(struct recorder *r, double now)
{
	struct maintain_result res = { 0 };
	int rc = maintain_run(r->rec.db, &r->pol, ms_of(now), &res);

	r->last_maintain = now;
	r->stats.thin_runs += res.thinned_buckets > 0;
	r->stats.trimmed_ticks += res.dropped_ticks;
	// Retention may have taken a remembered cgroup's last sample, and its
	// row with it: each is looked up again at its next reading (its open
	// rollup buckets written first).
	if (res.dropped_ticks) {
		flush_cgroup_envelopes(r);
		forget_cgroups(r);
	}
	if (rc != SQLITE_OK) {
		sqlite3_exec(r->rec.db, "ROLLBACK", NULL, NULL, NULL);
		if (!r->maintain_failed)
			say(r, "thinning and retention failed (%s); they will be tried again",
			    sqlite3_errstr(rc));
		r->maintain_failed = true;
		return -EIO;
	}
	if (r->maintain_failed)
		say(r, "thinning and retention work again");
	r->maintain_failed = false;
	return 0;
}

static void finalize_all(struct recorder *r)
{
	for (int i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(r->st[i]);
		r->st[i] = NULL;
	}
}

// This boot's row, added when new.
static int boot_row(struct recorder *r, double now, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	bool found = false;
	int rc = sqlite3_prepare_v2(r->rec.db, "SELECT id FROM boot WHERE boot_id = ?", -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, r->host.boot_id, -1, SQLITE_STATIC);
		rc = run_int(st, &r->boot, &found);
		sqlite3_finalize(st);
	}
	if (rc == SQLITE_OK && !found &&
	    (rc = sqlite3_prepare_v2(r->rec.db, "INSERT INTO boot(boot_id, hostname, first_t) VALUES(?,?,?)",
				     -1, &st, NULL)) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, r->host.boot_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->host.hostname, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, ms_of(now));
		rc = run(st);
		sqlite3_finalize(st);
		r->boot = sqlite3_last_insert_rowid(r->rec.db);
	}
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "%s: %s", r->rec.path, sqlite3_errstr(rc));
	return rc;
}

// Opens the file and gets ready to write: statements, this boot, where
// the file left off.
static int attach(struct recorder *r, const char *path, char *err, size_t errlen)
{
	struct timespec ts;
	int rc;

	if ((rc = recording_open_write(&r->rec, path, err, errlen)) < 0)
		return rc;
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(r->rec.db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &r->st[i],
				       NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(r->rec.db));
			finalize_all(r);
			recording_close(&r->rec);
			return -EIO;
		}
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if (boot_row(r, (double)ts.tv_sec, err, errlen) != SQLITE_OK) {
		finalize_all(r);
		recording_close(&r->rec);
		return -EIO;
	}
	sqlite3_stmt *st;
	bool found = false;

	r->last_t = 0;
	if (sqlite3_prepare_v2(r->rec.db, "SELECT max(t) FROM tick", -1, &st, NULL) == SQLITE_OK) {
		run_int(st, &r->last_t, &found);
		sqlite3_finalize(st);
	}
	r->resync = true;
	r->ncur = 0;
	r->last_full = -1;
	r->last_maintain = -1;
	forget_cgroups(r);
	return 0;
}

struct recorder *recorder_open(const char *path, const struct record_policy *p,
			       const struct record_host *host, char *err, size_t errlen)
{
	struct recorder *r = calloc(1, sizeof *r);

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->pol = *p;
	r->host = *host;
	r->rec.lock_fd = -1;
	if (attach(r, path, err, errlen) < 0) {
		free(r);
		return NULL;
	}
	return r;
}

// Writes the buckets the processes' rollups have open (on closing: a later
// opening of the same boot continues them, keeping the smaller value).
static void flush_open_envelopes(struct recorder *r)
{
	bool ok = true;

	if (!r->rec.db || (r->ncur == 0 && r->ncg == 0) || r->resync ||
	    sqlite3_exec(r->rec.db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return;
	r->tick_t = r->last_t;
	for (size_t i = 0; i < r->ncur && ok; i++)
		ok = flush_envelopes(r, r->cur[i].id, r->cur[i].env) == SQLITE_OK;
	for (size_t i = 0; i < r->ncg && ok; i++)
		ok = flush_envelopes(r, -r->cg[i].id, r->cg[i].env) == SQLITE_OK;
	// Best effort: a failure (a full disk) loses the open buckets' partial
	// minima only; the samples themselves are all in the file.
	sqlite3_exec(r->rec.db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
}

// After a rotation (mv FILE OLD; kill -HUP): SQLite finishes a moved file
// only when told to. The checkpoint copies the WAL into the open file (now
// OLD) and empties it; closing then leaves FILE-wal and FILE-shm behind by
// the old name (SQLite does not delete them for a moved file), which would
// pass for the new file's: they go, when nothing is at FILE any more.
int recorder_reopen(struct recorder *r, char *err, size_t errlen)
{
	char path[sizeof r->rec.path], side[sizeof r->rec.path + 8];
	struct stat st;

	snprintf(path, sizeof path, "%s", r->rec.path);
	flush_open_envelopes(r);
	// Only a log emptied into OLD may be cleared: if the checkpoint failed
	// (a full disk), FILE-wal still holds OLD's last ticks and stays.
	int ck = sqlite3_wal_checkpoint_v2(r->rec.db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

	finalize_all(r);
	recording_close(&r->rec);
	if (ck == SQLITE_OK && stat(path, &st) < 0 && errno == ENOENT) {
		snprintf(side, sizeof side, "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", path);
		unlink(side);
	}
	return attach(r, path, err, errlen);
}

void recorder_close(struct recorder *r)
{
	if (!r)
		return;
	flush_open_envelopes(r);
	finalize_all(r);
	recording_close(&r->rec);
	for (size_t i = 0; i < r->ncg; i++)
		free(r->cg[i].path);
	free(r->cg);
	free(r->pending);
	free(r->pending_t);
	free(r->cur);
	free(r->next);
	free(r);
}
