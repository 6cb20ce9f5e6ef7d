/* maintain.c — thinning, retention by age and by size. SQL does the work;
 * each step handles at most MAINTAIN_MAX_TICKS ticks (and MAINTAIN_MAX_BUCKETS
 * buckets) in one transaction, so that the WAL, the temporary tables and the
 * time the writer holds the file stay small. */
#include "store/maintain.h"

#include <stdbool.h>
#include <stdio.h>

// One integer from a query with up to three integer parameters; fallback
// when it has no row or a NULL.
static int query_int(sqlite3 *db, const char *sql, const int64_t *args, int nargs, int64_t fallback,
		     int64_t *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	*out = fallback;
	if (rc != SQLITE_OK)
		return rc;
	for (int i = 0; i < nargs; i++)
		sqlite3_bind_int64(st, i + 1, args[i]);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

// Runs SQL with named integer parameters :r, :w, :lo, :hi, :cut (those it
// uses), statement by statement.
static int exec_with(sqlite3 *db, const char *sql, int64_t r, int64_t w, int64_t lo, int64_t hi, int64_t cut)
{
	const char *tail = sql;

	while (tail && *tail) {
		sqlite3_stmt *st;
		int rc = sqlite3_prepare_v2(db, tail, -1, &st, &tail);

		if (rc != SQLITE_OK)
			return rc;
		if (!st)
			break;              // only blanks left
		const struct { const char *name; int64_t v; } params[] = {
			{ ":r", r }, { ":w", w }, { ":lo", lo }, { ":hi", hi }, { ":cut", cut },
		};

		for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
			int at = sqlite3_bind_parameter_index(st, params[i].name);

			if (at > 0)
				sqlite3_bind_int64(st, at, params[i].v);
		}
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return rc;
	}
	return SQLITE_OK;
}

/* Folds the ticks of tier < :r with :lo <= t < :hi into one per bucket of
 * :w ms (the bucket's last tick). tmap maps each folded tick to the one it
 * goes into. */
static const char thin_sql[] =
	"DROP TABLE IF EXISTS temp.tmap;"
	"CREATE TEMP TABLE tmap(tick INTEGER PRIMARY KEY, keep INTEGER NOT NULL, first INTEGER NOT NULL);"
	"INSERT INTO tmap SELECT id, max(id) OVER (PARTITION BY t / :w),"
	" min(id) OVER (PARTITION BY t / :w) FROM tick WHERE res < :r AND t >= :lo AND t < :hi;"
	// Each process's row in each bucket: the last values, the minimum of
	// its rows where it is lower, and whether the value carried in from
	// its previous row also held at the bucket's start: it did unless the
	// process has a row at the bucket's first tick that does not carry.
	"DROP TABLE IF EXISTS temp.tsamp;"
	"CREATE TEMP TABLE tsamp AS SELECT g.keep AS tick, g.proc AS proc, s.rss_kb, s.anon_kb,"
	" s.swap_kb, s.oom_score, s.oom_adj, g.rss_min, g.anon_min, g.sig_min, 1 - g.covered AS carry FROM"
	" (SELECT m.keep AS keep, s.proc AS proc, max(s.tick) AS last,"
	"  min(coalesce(s.rss_min_kb, s.rss_kb)) AS rss_min,"
	"  min(coalesce(s.anon_min_kb, s.anon_kb)) AS anon_min,"
	"  min(coalesce(s.sig_min_kb, s.anon_kb + coalesce(s.swap_kb, 0))) AS sig_min,"
	"  coalesce(max(CASE WHEN s.tick = m.first THEN 1 - coalesce(s.carry, 0) END), 0) AS covered"
	// (CROSS JOIN: tmap first. The planner knows nothing of a fresh temp
	// table and would walk every sample of the file, a step a minute.)
	"  FROM tmap m CROSS JOIN sample s ON s.tick = m.tick WHERE m.first != m.keep"
	"  GROUP BY m.keep, s.proc) g"
	" JOIN sample s ON s.tick = g.last AND s.proc = g.proc;"
	// A bucket of one tick folds into itself: its rows stay as they are.
	"DELETE FROM sample WHERE tick IN (SELECT tick FROM tmap WHERE first != keep);"
	"INSERT INTO sample(tick, proc, rss_kb, anon_kb, swap_kb, oom_score, oom_adj, rss_min_kb,"
	" anon_min_kb, sig_min_kb, carry)"
	" SELECT tick, proc, rss_kb, anon_kb, swap_kb, oom_score, oom_adj,"
	" CASE WHEN rss_min < rss_kb THEN rss_min END,"
	" CASE WHEN anon_min < anon_kb THEN anon_min END,"
	" CASE WHEN sig_min < anon_kb + coalesce(swap_kb, 0) THEN sig_min END, carry FROM tsamp;"
	"DROP TABLE temp.tsamp;"
	// The cgroups the same way.
	"DROP TABLE IF EXISTS temp.tcg;"
	"CREATE TEMP TABLE tcg AS SELECT g.keep AS tick, g.cg AS cgroup, c.usage_kb, c.limit_kb,"
	" c.anon_kb, c.psi_some, c.psi_full, c.sig_kb, c.oom_kills, g.usage_min FROM (SELECT m.keep AS keep, c.cgroup AS cg, max(c.tick) AS last,"
	"  min(coalesce(c.usage_min_kb, c.usage_kb)) AS usage_min"
	"  FROM tmap m CROSS JOIN cgroup_sample c ON c.tick = m.tick WHERE m.first != m.keep"
	"  GROUP BY m.keep, c.cgroup) g"
	" JOIN cgroup_sample c ON c.tick = g.last AND c.cgroup = g.cg;"
	"DELETE FROM cgroup_sample WHERE tick IN (SELECT tick FROM tmap WHERE first != keep);"
	"INSERT INTO cgroup_sample(tick, cgroup, usage_kb, limit_kb, anon_kb, psi_some, psi_full, sig_kb,"
	" oom_kills, usage_min_kb) SELECT tick, cgroup, usage_kb, limit_kb, anon_kb, psi_some, psi_full,"
	" sig_kb, oom_kills, CASE WHEN usage_min < usage_kb THEN usage_min END FROM tcg;"
	"DROP TABLE temp.tcg;"
	// The machine: the kept tick keeps its counters and last values, and
	// takes the bucket's lowest available memory and highest avg10s.
	"UPDATE tick SET res = :r,"
	" full = (SELECT max(k.full) FROM tmap m JOIN tick k ON k.id = m.tick WHERE m.keep = tick.id),"
	" cg_read = (SELECT max(k.cg_read) FROM tmap m JOIN tick k ON k.id = m.tick WHERE m.keep = tick.id),"
	" mem_available_min_kb = (SELECT min(coalesce(k.mem_available_min_kb, k.mem_available_kb))"
	"  FROM tmap m JOIN tick k ON k.id = m.tick WHERE m.keep = tick.id),"
	" psi_some_avg10_max = (SELECT max(coalesce(k.psi_some_avg10_max, k.psi_some_avg10))"
	"  FROM tmap m JOIN tick k ON k.id = m.tick WHERE m.keep = tick.id),"
	" psi_full_avg10_max = (SELECT max(coalesce(k.psi_full_avg10_max, k.psi_full_avg10))"
	"  FROM tmap m JOIN tick k ON k.id = m.tick WHERE m.keep = tick.id)"
	" WHERE id IN (SELECT keep FROM tmap);"
	"DELETE FROM tick WHERE id IN (SELECT tick FROM tmap WHERE tick != keep);";

int maintain_thin(sqlite3 *db, int k, int64_t bucket_ms, int64_t cutoff_ms, struct maintain_result *res,
		  int *done)
{
	const int64_t r = k + 1;
	int64_t lo, last_t, nbuckets, nticks, args[3] = { r, cutoff_ms, MAINTAIN_MAX_TICKS - 1 };
	int rc;

	*done = 1;
	// The window: from the oldest tick not yet in this tier, whole buckets
	// only, all older than the cutoff, at most MAINTAIN_MAX_TICKS ticks.
	if ((rc = query_int(db, "SELECT min(t) FROM tick WHERE res < ? AND t < ?", args, 2, -1, &lo)) != SQLITE_OK ||
	    lo < 0)
		return rc;
	if ((rc = query_int(db, "SELECT t FROM tick WHERE res < ?1 AND t < ?2 ORDER BY id LIMIT 1 OFFSET ?3",
			    args, 3, -1, &last_t)) != SQLITE_OK)
		return rc;
	lo = lo / bucket_ms * bucket_ms;
	int64_t hi = cutoff_ms / bucket_ms * bucket_ms;

	if (last_t >= 0 && last_t / bucket_ms * bucket_ms < hi)
		hi = last_t / bucket_ms * bucket_ms;   // more than a step's worth: stop before its bucket
	if (hi > lo + MAINTAIN_MAX_BUCKETS * bucket_ms)
		hi = lo + MAINTAIN_MAX_BUCKETS * bucket_ms;
	if (hi <= lo)
		hi = lo + bucket_ms;                   // one (crowded) bucket at least
	if (hi > cutoff_ms / bucket_ms * bucket_ms)
		return SQLITE_OK;                      // no whole bucket is old enough yet
	int64_t win[2] = { lo, hi };

	if ((rc = query_int(db, "SELECT count(*) FROM tick WHERE t >= ? AND t < ?", win, 2, 0, &nticks)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = exec_with(db, thin_sql, r, bucket_ms, lo, hi, 0)) != SQLITE_OK)
		return rc;
	if ((rc = query_int(db, "SELECT count(DISTINCT keep) FROM temp.tmap", NULL, 0, 0, &nbuckets)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_exec(db, "DROP TABLE temp.tmap; COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
		return rc;
	res->thinned_buckets += (unsigned long)nbuckets;
	res->thinned_ticks += (unsigned long)nticks;
	*done = 0;
	return SQLITE_OK;
}

/* Drops the ticks with ids below :cut, their samples, the processes (with
 * their names) that had exited before the oldest tick left, the OOM kills
 * recorded before it, and the cgroups no sample names any more. */
static const char drop_sql[] =
	"DELETE FROM sample WHERE tick < :cut;"
	"DELETE FROM cgroup_sample WHERE tick < :cut;"
	"DELETE FROM tick WHERE id < :cut;"
	"DELETE FROM envelope WHERE t < (SELECT coalesce(min(t), 0) FROM tick);"
	// An OOM kill goes with the tick that recorded it (thinning keeps
	// them all: they are few, and what a reader looks for).
	"DELETE FROM oom_task WHERE kill IN (SELECT id FROM oom_kill WHERE seen_t <"
	" (SELECT coalesce(min(t), 0) FROM tick));"
	"DELETE FROM oom_kill WHERE seen_t < (SELECT coalesce(min(t), 0) FROM tick);"
	"DELETE FROM ident WHERE proc IN (SELECT id FROM proc WHERE exit_t <"
	" (SELECT coalesce(min(t), 0) FROM tick));"
	"DELETE FROM proc WHERE exit_t < (SELECT coalesce(min(t), 0) FROM tick);"
	// A cgroup with no sample left (none seen since the oldest tick kept:
	// a cgroup read is written at least hourly) goes with its path.
	"DELETE FROM cgroup WHERE NOT EXISTS (SELECT 1 FROM cgroup_sample s WHERE s.cgroup = cgroup.id);";

/* The OOM kills older than the retention age (:cut, ms) however recent the
 * tick that recorded them: a recorder started late finds days-old kills
 * in the kernel log's backlog. */
static const char drop_kills_sql[] =
	"DELETE FROM oom_task WHERE kill IN (SELECT id FROM oom_kill WHERE t < :cut);"
	"DELETE FROM oom_kill WHERE t < :cut;";

static int drop_old_kills(sqlite3 *db, int64_t cut_ms)
{
	int64_t n, args[1] = { cut_ms };
	int rc;

	if ((rc = query_int(db, "SELECT count(*) FROM oom_kill WHERE t < ?", args, 1, 0, &n)) != SQLITE_OK ||
	    n == 0)
		return rc;
	if ((rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK ||
	    (rc = exec_with(db, drop_kills_sql, 0, 0, 0, 0, cut_ms)) != SQLITE_OK)
		return rc;
	return sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

// Drops up to MAINTAIN_MAX_TICKS of the oldest ticks, those below id cut.
// *done says none below cut are left.
static int drop_step(sqlite3 *db, int64_t cut, struct maintain_result *res, int *done)
{
	int64_t first, n, args[1] = { 0 };
	int rc;

	*done = 1;
	if ((rc = query_int(db, "SELECT min(id) FROM tick", NULL, 0, -1, &first)) != SQLITE_OK || first < 0)
		return rc;
	if (cut > first + MAINTAIN_MAX_TICKS) {
		cut = first + MAINTAIN_MAX_TICKS;
		*done = 0;
	}
	args[0] = cut;
	if ((rc = query_int(db, "SELECT count(*) FROM tick WHERE id < ?", args, 1, 0, &n)) != SQLITE_OK || n == 0)
		return rc;
	if ((rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK ||
	    (rc = exec_with(db, drop_sql, 0, 0, 0, 0, cut)) != SQLITE_OK ||
	    (rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
		return rc;
	res->dropped_ticks += (unsigned long)n;
	return SQLITE_OK;
}

// Drops the ticks below id cut, a step at a time, MAINTAIN_MAX_STEPS at most.
static int drop_below(sqlite3 *db, int64_t cut, struct maintain_result *res)
{
	int rc = SQLITE_OK, done = 0;

	for (int step = 0; step < MAINTAIN_MAX_STEPS && !done && rc == SQLITE_OK; step++)
		rc = drop_step(db, cut, res, &done);
	return rc;
}

// Pages in use (not free) and the file's pages, and the page size.
static int page_counts(sqlite3 *db, int64_t *used, int64_t *pages, int64_t *page_size)
{
	int64_t freelist;
	int rc;

	if ((rc = query_int(db, "PRAGMA page_count", NULL, 0, 0, pages)) != SQLITE_OK ||
	    (rc = query_int(db, "PRAGMA freelist_count", NULL, 0, 0, &freelist)) != SQLITE_OK ||
	    (rc = query_int(db, "PRAGMA page_size", NULL, 0, 4096, page_size)) != SQLITE_OK)
		return rc;
	*used = *pages - freelist;
	return SQLITE_OK;
}

// The WAL may hold up to journal_size_limit (recording.c) beside the file.
#define WAL_ALLOWANCE (INT64_C(4) << 20)

// Keeps the file under max_bytes: drops the oldest ticks while the pages
// in use pass 90 % of what the file may hold, then gives free pages back
// to the file system when the file itself is over.
static int trim_to_size(sqlite3 *db, uint64_t max_bytes, struct maintain_result *res)
{
	int64_t used, pages, page_size, first, last, budget = (int64_t)max_bytes - WAL_ALLOWANCE;
	int rc;

	if (budget < 64 * 1024)
		budget = 64 * 1024;
	for (int round = 0; round < 4; round++) {
		if ((rc = page_counts(db, &used, &pages, &page_size)) != SQLITE_OK)
			return rc;
		if (used * page_size <= budget * 9 / 10)
			break;
		if ((rc = query_int(db, "SELECT min(id) FROM tick", NULL, 0, -1, &first)) != SQLITE_OK ||
		    (rc = query_int(db, "SELECT max(id) FROM tick", NULL, 0, -1, &last)) != SQLITE_OK)
			return rc;
		if (first < 0 || last <= first)
			break;              // one tick left: nothing more to drop
		// Drop the share of the ticks that the excess is of the pages in
		// use (at least one tick, at most a step), the oldest first.
		double excess = (double)(used * page_size - budget * 8 / 10) / (double)(used * page_size);
		int64_t n = (int64_t)((double)(last - first) * excess) + 1;

		if ((rc = drop_below(db, first + n, res)) != SQLITE_OK)
			return rc;
	}
	if ((rc = page_counts(db, &used, &pages, &page_size)) != SQLITE_OK)
		return rc;
	if (pages * page_size > budget && pages > used)
		rc = sqlite3_exec(db, "PRAGMA incremental_vacuum", NULL, NULL, NULL);
	return rc;
}

const char *maintain_sql(int which)
{
	return which == 0 ? thin_sql : drop_sql;
}

int maintain_run(sqlite3 *db, const struct record_policy *p, int64_t now_ms, struct maintain_result *res)
{
	int64_t cut_id, args[1] = { now_ms - (int64_t)(p->keep_s * 1000) };
	int rc, done;

	// Past the retention age (the newest tick always stays).
	if ((rc = query_int(db, "SELECT coalesce(min(id), (SELECT max(id) FROM tick)) FROM tick WHERE t >= ?",
			    args, 1, -1, &cut_id)) != SQLITE_OK)
		return rc;
	if ((cut_id > 0 && (rc = drop_below(db, cut_id, res)) != SQLITE_OK) ||
	    (rc = drop_old_kills(db, args[0])) != SQLITE_OK)
		return rc;
	for (int k = 0; k < RECORD_TIERS; k++) {
		int64_t bucket_ms = (int64_t)(p->thin_bucket_s[k] * 1000);
		int64_t cutoff = now_ms - (int64_t)(p->thin_after_s[k] * 1000);

		if (bucket_ms <= 0)
			continue;
		done = 0;
		for (int step = 0; step < MAINTAIN_MAX_STEPS && !done; step++)
			if ((rc = maintain_thin(db, k, bucket_ms, cutoff, res, &done)) != SQLITE_OK)
				return rc;
	}
	return trim_to_size(db, p->max_bytes, res);
}
