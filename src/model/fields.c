/* fields.c — the per-process field table (see fields.h); pure code. */
#include "model/fields.h"

#include <stdio.h>
#include <string.h>

#include "model/process.h"
#include "model/treemodel.h"
#include "model/trend.h"
#include "util/mathutil.h"
#include "util/text.h"

/* ---- screen cells ---------------------------------------------------------- */

// A size cell: human-formatted, or "-" when the sampler has not read it.
static enum cell_hint cell_kb(bool have, uint64_t kb, char *buf, size_t cap)
{
	if (have)
		text_human_kb(kb, buf, cap);
	else
		snprintf(buf, cap, "-");
	return CELL_PLAIN;
}

// A detail number (OOM score, adjustment), or "-" before the detail read.
static enum cell_hint cell_detail_int(bool have, int v, char *buf, size_t cap)
{
	snprintf(buf, cap, have ? "%d" : "-", v);
	return CELL_PLAIN;
}

static enum cell_hint cell_pid(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	snprintf(buf, cap, "%d", p->s->pid);
	return CELL_PLAIN;
}

static enum cell_hint cell_user(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	snprintf(buf, cap, "%s", p->s->user);
	return CELL_PLAIN;
}

static enum cell_hint cell_rss(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	return cell_kb(true, p->s->rss_kb, buf, cap);
}

static enum cell_hint cell_anon(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	return cell_kb(true, p->s->anon_kb, buf, cap);
}

static enum cell_hint cell_heap(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	return cell_kb(p->s->have_heap, p->s->heap_kb, buf, cap);
}

static enum cell_hint cell_swap(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	return cell_kb(p->s->have_detail, p->s->swap_kb, buf, cap);
}

static enum cell_hint cell_delta(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	if (!p->have_delta) {
		snprintf(buf, cap, "-");
		return CELL_PLAIN;
	}
	text_human_delta_kb(p->delta_rss_kb, buf, cap);
	return p->delta_rss_kb > 0 ? CELL_UP : p->delta_rss_kb < 0 ? CELL_DOWN : CELL_DIM;
}

static enum cell_hint cell_growth(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	if (!p->verdict.have_rate) {
		snprintf(buf, cap, "-");
		return CELL_PLAIN;
	}
	text_human_delta_kb((int64_t)round_l(p->verdict.rate_kb_per_min), buf, cap);
	return p->verdict.suspected ? CELL_UP : CELL_DIM;
}

// The recent leak signal (2 s buckets) as a sparkline as wide as the column.
static enum cell_hint cell_trend(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	trend_sparkline(p->leak ? &p->leak->hist : NULL, p->flat_sig_kb, ctx->width, ctx->utf8,
			buf, cap);
	return CELL_SPARK;
}

static enum cell_hint cell_leak(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	if (!p->verdict.suspected) {
		buf[0] = '\0';
		return CELL_PLAIN;
	}
	snprintf(buf, cap, "%s%.0f%%", ctx->utf8 ? "\u25b2" : "^", p->verdict.score * 100);
	return CELL_LEAK;
}

// The table format's LEAK: the confidence alone, "-" when not suspected.
static enum cell_hint table_leak(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	if (p->verdict.suspected)
		snprintf(buf, cap, "%.0f%%", p->verdict.score * 100);
	else
		snprintf(buf, cap, "-");
	return CELL_PLAIN;
}

static enum cell_hint cell_oom(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	return cell_detail_int(p->s->have_detail, p->s->oom_score, buf, cap);
}

static enum cell_hint cell_adj(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	return cell_detail_int(p->s->have_detail, p->s->oom_score_adj, buf, cap);
}

static enum cell_hint cell_cgroup(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)ctx;
	snprintf(buf, cap, "%s", p->s->cgroup[0] ? p->s->cgroup : "-");
	return CELL_PLAIN;
}

static const char *text_user(const struct proc *p)
{
	return p->s->user;
}

// The command line, or the name when there is none (kernel threads, zombies).
static const char *command_text(const struct proc *p)
{
	return p->s->cmdline[0] ? p->s->cmdline : p->s->comm;
}

// The tree view's glyphs before a command: a line for each ancestor whose
// siblings continue below, then the row's own branch ("+" when collapsed).
// Returns the bytes written.
static size_t tree_prefix(const struct tree_row *tr, bool utf8, char *buf, size_t cap)
{
	const char *line = utf8 ? "\u2502  " : "|  ";
	const char *mid = utf8 ? (tr->collapsed ? "\u251c+ " : "\u251c\u2500 ") : (tr->collapsed ? "|+ " : "|- ");
	const char *end = utf8 ? (tr->collapsed ? "\u2514+ " : "\u2514\u2500 ") : (tr->collapsed ? "`+ " : "`- ");
	unsigned levels = tr->depth > 0 ? tr->depth - 1 : 0;
	size_t o = 0;

	if (tr->depth == 0) {
		// A root has no branch: only its collapsed mark.
		return tr->collapsed ? (size_t)snprintf(buf, cap, "+ ") : 0;
	}
	// Past TREE_BRANCH_LEVELS the indentation stops growing (it would fill the column).
	if (levels > TREE_BRANCH_LEVELS)
		levels = TREE_BRANCH_LEVELS;
	for (unsigned l = 0; l < levels && o < cap; l++)
		o += (size_t)snprintf(buf + o, cap - o, "%s", tr->branches & (UINT32_C(1) << l) ? line : "   ");
	if (o < cap)
		o += (size_t)snprintf(buf + o, cap - o, "%s", tr->last ? end : mid);
	return o < cap ? o : cap - 1;
}

static enum cell_hint cell_command(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	size_t o = ctx->tree ? tree_prefix(ctx->tree, ctx->utf8, buf, cap) : 0;

	snprintf(buf + o, cap - o, "%s", command_text(p));
	// Only a command line is cut by the sampler; a name is whole.
	return p->s->cmdline_cut && p->s->cmdline[0] ? CELL_CUT : CELL_PLAIN;
}

// The tree view's subtree totals; "-" outside it.
static enum cell_hint cell_tree_rss(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)p;
	return cell_kb(ctx->tree != NULL, ctx->tree ? ctx->tree->sub_rss_kb : 0, buf, cap);
}

static enum cell_hint cell_tree_anon(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	(void)p;
	return cell_kb(ctx->tree != NULL, ctx->tree ? ctx->tree->sub_anon_kb : 0, buf, cap);
}

// The sum of the subtree's growth rates (GROWTH's), coloured as growing
// when a suspected leak is among them.
static enum cell_hint cell_tree_growth(const struct proc *p, const struct cell_ctx *ctx, char *buf, size_t cap)
{
	const struct tree_row *tr = ctx->tree;

	(void)p;
	if (!tr || !tr->sub_have_rate) {
		snprintf(buf, cap, "-");
		return CELL_PLAIN;
	}
	text_human_delta_kb((int64_t)round_l(tr->sub_growth_kb_per_min), buf, cap);
	return tr->sub_suspected ? CELL_UP : CELL_DIM;
}

/* ---- sort values ----------------------------------------------------------- */

static int64_t sort_pid(const struct proc *p) { return p->pid; }
static int64_t sort_rss(const struct proc *p) { return (int64_t)p->s->rss_kb; }
static int64_t sort_anon(const struct proc *p) { return (int64_t)p->s->anon_kb; }

static int64_t sort_heap(const struct proc *p)
{
	return p->s->have_heap ? (int64_t)p->s->heap_kb : INT64_MIN;
}

static int64_t sort_swap(const struct proc *p)
{
	return p->s->have_detail ? (int64_t)p->s->swap_kb : INT64_MIN;
}

static int64_t sort_delta(const struct proc *p)
{
	return p->have_delta ? p->delta_rss_kb : INT64_MIN;
}

// Tenths of KiB/min keep small rates apart.
static int64_t sort_growth(const struct proc *p)
{
	return p->verdict.have_rate ? round_l(p->verdict.rate_kb_per_min * 10) : INT64_MIN;
}

// Suspects first, then by confidence.
static int64_t sort_leak(const struct proc *p)
{
	return (p->verdict.suspected ? 1000 : 0) + round_l(p->verdict.score * 100);
}

// Soonest first; processes that exhaust nothing last.
static int64_t sort_eta(const struct proc *p)
{
	return p->eta_s >= 0 ? round_l(p->eta_s) : INT64_MAX;
}

static int64_t sort_oom(const struct proc *p)
{
	return p->s->have_detail ? p->s->oom_score : INT64_MIN;
}

static int64_t sort_adj(const struct proc *p)
{
	return p->s->have_detail ? p->s->oom_score_adj : INT64_MIN;
}


/* ---- batch values ---------------------------------------------------------- */

#define VALUE(kind_, member, x) ((struct field_value){ .kind = (kind_), .member = (x) })
#define MAYBE(have, kind_, member, x) \
	((have) ? VALUE(kind_, member, x) : (struct field_value){ .kind = VALUE_NULL })

// One value function per batch field; now is the tick's monotonic time.
#define VALUE_FN(fn, expr) \
	static void fn(const struct proc *p, double now, struct field_value *v) \
	{ (void)now; *v = (expr); }

VALUE_FN(val_pid, VALUE(VALUE_INT, i, p->s->pid))
VALUE_FN(val_ppid, VALUE(VALUE_INT, i, p->s->ppid))
VALUE_FN(val_user, VALUE(VALUE_TEXT, text, p->s->user))
VALUE_FN(val_comm, VALUE(VALUE_TEXT, text, p->s->comm))
VALUE_FN(val_cmdline, VALUE(VALUE_TEXT, text, p->s->cmdline))
VALUE_FN(val_cmdline_cut, VALUE(VALUE_BOOL, b, p->s->cmdline_cut))
VALUE_FN(val_start_time, VALUE(VALUE_REAL, real, p->s->start_time_s))
VALUE_FN(val_rss, VALUE(VALUE_UINT, u, p->s->rss_kb))
VALUE_FN(val_anon, VALUE(VALUE_UINT, u, p->s->anon_kb))
VALUE_FN(val_file, MAYBE(p->s->have_detail && !p->s->recorded, VALUE_UINT, u, p->s->file_kb))
VALUE_FN(val_shmem, MAYBE(p->s->have_detail && !p->s->recorded, VALUE_UINT, u, p->s->shmem_kb))
VALUE_FN(val_swap, MAYBE(p->s->have_detail, VALUE_UINT, u, p->s->swap_kb))
VALUE_FN(val_data, MAYBE(p->s->have_detail && !p->s->recorded, VALUE_UINT, u, p->s->data_kb))
VALUE_FN(val_heap, MAYBE(p->s->have_heap, VALUE_UINT, u, p->s->heap_kb))
VALUE_FN(val_oom, MAYBE(p->s->have_detail, VALUE_INT, i, p->s->oom_score))
VALUE_FN(val_adj, MAYBE(p->s->have_detail, VALUE_INT, i, p->s->oom_score_adj))
VALUE_FN(val_cgroup, MAYBE(p->s->cgroup[0], VALUE_TEXT, text, p->s->cgroup))  // "": unknown
VALUE_FN(val_delta_rss, MAYBE(p->have_delta, VALUE_INT, i, p->delta_rss_kb))
VALUE_FN(val_delta_anon, MAYBE(p->have_delta, VALUE_INT, i, p->delta_anon_kb))
VALUE_FN(val_detail_age, MAYBE(p->s->have_detail, VALUE_REAL, real, now - p->s->detail_time))
VALUE_FN(val_growth, MAYBE(p->verdict.have_rate, VALUE_REAL, real, p->verdict.rate_kb_per_min))
VALUE_FN(val_suspected, VALUE(VALUE_BOOL, b, p->verdict.suspected))
VALUE_FN(val_score, VALUE(VALUE_REAL, real, p->verdict.score))
VALUE_FN(val_since, VALUE(VALUE_REAL, real, p->verdict.since_s))
VALUE_FN(val_eta, MAYBE(p->eta_s >= 0, VALUE_REAL, real, p->eta_s))

/* ---- the table ------------------------------------------------------------- */

// Screen-only and sort-only rows leave the batch members unset; batch-only
// rows have no name, column or sort. Keep this in batch record order.
#define BATCH_ONLY .name = NULL, .column = -1, .sort = -1

static const struct field fields[] = {
	{ .name = "pid", .column = COL_PID, .sort = SORT_PID, .reads = READ_STAT,
	  .flags = FIELD_IDENTITY,
	  .title = "PID", .title_ascii = "PID", .width = 7, .drop = 0, .cell = cell_pid,
	  .sort_value = sort_pid,
	  .table_title = "PID", .table_width = 7,
	  .json = "pid", .csv = "pid", .value = val_pid },
	{ BATCH_ONLY, .reads = READ_STAT, .json = "ppid", .csv = "ppid", .value = val_ppid },
	{ .name = "user", .column = COL_USER, .sort = SORT_USER, .reads = READ_NAMES,
	  .flags = FIELD_IDENTITY,
	  .title = "USER", .title_ascii = "USER", .width = 8, .left = true, .drop = 7,
	  .cell = cell_user, .text = text_user,
	  .table_title = "USER", .table_width = 10, .table_left = true,
	  .json = "user", .csv = "user", .value = val_user },
	{ BATCH_ONLY, .reads = READ_NAMES, .json = "comm", .csv = "comm", .value = val_comm },
	{ BATCH_ONLY, .reads = READ_NAMES, .flags = FIELD_CSV_LAST,
	  .json = "cmdline", .csv = "cmdline", .value = val_cmdline },
	{ BATCH_ONLY, .reads = READ_NAMES, .flags = FIELD_CSV_LAST,
	  .json = "cmdline_truncated", .csv = "cmdline_truncated", .value = val_cmdline_cut },
	{ BATCH_ONLY, .reads = READ_STAT, .json = "start_time", .csv = "start_time", .decimals = 2,
	  .value = val_start_time },
	{ .name = "rss", .column = COL_RSS, .sort = SORT_RSS, .reads = READ_STATM,
	  .title = "RSS", .title_ascii = "RSS", .width = 6, .drop = 0, .cell = cell_rss,
	  .descending = true, .sort_value = sort_rss,
	  .table_title = "RSS", .table_width = 6,
	  .json = "rss_kb", .csv = "rss_kb", .value = val_rss },
	{ .name = "anon", .column = COL_ANON, .sort = SORT_ANON, .reads = READ_STATM,
	  .title = "ANON", .title_ascii = "ANON", .width = 6, .drop = 3, .cell = cell_anon,
	  .descending = true, .sort_value = sort_anon,
	  .table_title = "ANON", .table_width = 6,
	  .json = "anon_kb", .csv = "anon_kb", .value = val_anon },
	{ BATCH_ONLY, .reads = READ_DETAIL, .json = "file_kb", .csv = "file_kb", .value = val_file },
	{ BATCH_ONLY, .reads = READ_DETAIL, .json = "shmem_kb", .csv = "shmem_kb", .value = val_shmem },
	{ .name = "swap", .column = COL_SWAP, .sort = SORT_SWAP, .reads = READ_DETAIL,
	  .title = "SWAP", .title_ascii = "SWAP", .width = 6, .drop = 8, .cell = cell_swap,
	  .descending = true, .sort_value = sort_swap,
	  .table_title = "SWAP", .table_width = 6,
	  .json = "swap_kb", .csv = "swap_kb", .value = val_swap },
	{ BATCH_ONLY, .reads = READ_DETAIL, .json = "data_kb", .csv = "data_kb", .value = val_data },
	{ .name = "heap", .column = COL_HEAP, .sort = SORT_HEAP, .reads = READ_HEAP,
	  .title = "HEAP", .title_ascii = "HEAP", .width = 6, .drop = 9, .cell = cell_heap,
	  .descending = true, .sort_value = sort_heap,
	  .table_title = "HEAP", .table_width = 6,
	  .json = "heap_kb", .csv = "heap_kb", .value = val_heap },
	{ .name = "oom", .column = COL_OOM, .sort = SORT_OOM, .reads = READ_DETAIL,
	  .title = "OOM", .title_ascii = "OOM", .width = 5, .drop = 6, .cell = cell_oom,
	  .descending = true, .sort_value = sort_oom,
	  .table_title = "OOM", .table_width = 5,
	  .json = "oom_score", .csv = "oom_score", .value = val_oom },
	{ .name = "adj", .column = COL_ADJ, .sort = SORT_ADJ, .reads = READ_DETAIL,
	  .title = "ADJ", .title_ascii = "ADJ", .width = 5, .drop = 10, .cell = cell_adj,
	  .descending = true, .sort_value = sort_adj,
	  .table_title = "ADJ", .table_width = 5,
	  .json = "oom_score_adj", .csv = "oom_score_adj", .value = val_adj },
	// The tree view's subtree totals (own + every descendant): screen only.
	{ .name = "tree_rss", .column = COL_TREE_RSS, .sort = -1, .reads = READ_STATM,
	  .flags = FIELD_TREE,
	  .title = "\u03a3RSS", .title_ascii = "TRSS", .width = 6, .drop = 1, .cell = cell_tree_rss },
	{ .name = "tree_anon", .column = COL_TREE_ANON, .sort = -1, .reads = READ_STATM,
	  .flags = FIELD_TREE,
	  .title = "\u03a3ANON", .title_ascii = "TANON", .width = 6, .drop = 3, .cell = cell_tree_anon },
	{ .name = "tree_growth", .column = COL_TREE_GROWTH, .sort = -1,
	  .reads = READ_STATM | READ_DETAIL | READ_HISTORY, .flags = FIELD_TREE,
	  .title = "\u03a3GROWTH", .title_ascii = "TGROWTH", .width = 7, .drop = 2,
	  .cell = cell_tree_growth },
	// Only with C; dropped last but for the never-dropped ones.
	{ .name = "cgroup", .column = COL_CGROUP, .sort = -1, .reads = READ_NAMES,
	  .title = "CGROUP", .title_ascii = "CGROUP", .width = 24, .left = true, .drop = 1,
	  .cell = cell_cgroup,
	  .json = "cgroup", .csv = "cgroup", .value = val_cgroup },
	{ .name = "delta", .column = COL_DELTA, .sort = SORT_DELTA, .reads = READ_STATM | READ_HISTORY,
	  .title = "\u0394RSS", .title_ascii = "dRSS", .width = 7, .drop = 5, .cell = cell_delta,
	  .descending = true, .sort_value = sort_delta,
	  .table_title = "dRSS", .table_width = 6,
	  .json = "delta_rss_kb", .csv = "delta_rss_kb", .value = val_delta_rss },
	{ BATCH_ONLY, .reads = READ_STATM | READ_HISTORY,
	  .json = "delta_anon_kb", .csv = "delta_anon_kb", .value = val_delta_anon },
	{ BATCH_ONLY, .reads = READ_DETAIL, .json = "detail_age_s", .decimals = 1,
	  .value = val_detail_age },
	// The leak signal is anonymous memory plus swap (proctable_signal_kb).
	{ .name = "growth", .column = COL_GROWTH, .sort = SORT_GROWTH,
	  .reads = READ_STATM | READ_DETAIL | READ_HISTORY,
	  .title = "GROWTH", .title_ascii = "GROWTH", .width = 7, .drop = 2, .cell = cell_growth,
	  .descending = true, .sort_value = sort_growth,
	  .table_title = "GROWTH/m", .table_width = 8,
	  .json = "growth_kb_per_min", .csv = "growth_kb_per_min", .decimals = 1,
	  .value = val_growth },
	{ .name = "trend", .column = COL_TREND, .sort = -1,
	  .reads = READ_STATM | READ_DETAIL | READ_HISTORY,
	  .title = "TREND", .title_ascii = "TREND", .width = 10, .left = true, .drop = 4,
	  .cell = cell_trend },
	{ .name = "leak", .column = COL_LEAK, .sort = SORT_LEAK,
	  .reads = READ_STATM | READ_DETAIL | READ_HISTORY,
	  .title = "LEAK", .title_ascii = "LEAK", .width = 5, .left = true, .drop = 1,
	  .cell = cell_leak, .descending = true, .sort_value = sort_leak,
	  .table_title = "LEAK", .table_width = 5, .table_cell = table_leak },
	{ BATCH_ONLY, .reads = READ_STATM | READ_DETAIL | READ_HISTORY,
	  .json = "suspected", .json_object = "leak", .csv = "leak_suspected", .value = val_suspected },
	{ BATCH_ONLY, .reads = READ_STATM | READ_DETAIL | READ_HISTORY,
	  .json = "score", .json_object = "leak", .csv = "leak_score", .decimals = 2,
	  .value = val_score },
	{ BATCH_ONLY, .reads = READ_STATM | READ_DETAIL | READ_HISTORY,
	  .json = "since_s", .json_object = "leak", .csv = "leak_since_s", .decimals = 0,
	  .value = val_since },
	// Sorts and is in JSON, but has no column of its own. Besides the
	// cgroup's headroom it needs MemAvailable, from the system's sample.
	{ .name = "eta", .column = -1, .sort = SORT_ETA,
	  .reads = READ_STATM | READ_DETAIL | READ_HISTORY | READ_CG_LIMIT,
	  .sort_value = sort_eta,
	  .json = "exhaustion_eta_s", .decimals = 0, .value = val_eta },
	{ .name = "command", .column = COL_COMMAND, .sort = SORT_COMMAND, .reads = READ_NAMES,
	  .flags = FIELD_IDENTITY,
	  .title = "COMMAND", .title_ascii = "COMMAND", .width = 0, .left = true, .drop = 0,
	  .cell = cell_command, .text = command_text,
	  .table_title = "COMMAND", .table_width = 0, .table_left = true },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

const struct field *fields_all(size_t *n)
{
	*n = NFIELDS;
	return fields;
}

// The screen asks for a column's row several times a cell: an index built
// on first use, not a scan of the table each time.
const struct field *field_of_column(enum column_id id)
{
	static const struct field *by_column[COL_COUNT];
	static bool indexed;

	if (!indexed) {
		for (size_t i = 0; i < NFIELDS; i++)
			if (fields[i].column >= 0 && fields[i].column < COL_COUNT)
				by_column[fields[i].column] = &fields[i];
		indexed = true;
	}
	return (unsigned)id < COL_COUNT ? by_column[id] : NULL;
}

const struct field *field_of_sort(int key)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (key >= 0 && fields[i].sort == key)
			return &fields[i];
	return NULL;
}

const char *field_table_text(const struct field *f, const struct proc *p, char *buf, size_t cap,
			     enum cell_hint *hint)
{
	struct cell_ctx ctx = { .utf8 = false, .width = f->table_width };

	*hint = (f->table_cell ? f->table_cell : f->cell)(p, &ctx, buf, cap);
	// A command line can be far longer than buf: print the sample's own.
	return f->text && !f->table_cell ? f->text(p) : buf;
}
