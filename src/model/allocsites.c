/* allocsites.c — one process's allocation sites over a session (see
 * allocsites.h): the readings' sites turned into sorted, bounded rows, each
 * stack's growth since the session attached, and a trend verdict for the
 * stacks with the most outstanding bytes. Pure: time comes from the
 * readings. */
#include "model/allocsites.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

// The fast test (see allocsites.h): a stack's own last FAST_LEN readings,
// judged from FAST_N_MIN of them, counting for FAST_SPAN_S after its
// detector started; the detector (model/leak.h) alone after that.
#define FAST_LEN 60
#define FAST_N_MIN 20
#define FAST_RISE_MIN_KB 512.0
#define FAST_Z_MIN 3.0
#define FAST_STEP_MAX 0.4          // largest single rise / whole rise
#define FAST_RECENT_MIN 0.5        // slope of the last third / whole
#define ORIGINS_MAX 65536          // stacks whose first size is remembered

// One stack's size when the session first saw it (open addressing by id).
struct origin {
	int32_t id;
	bool used;
	uint64_t bytes;
};

// A judged stack: its detector and its fast test's readings.
struct judged {
	int32_t id;
	bool used, seen;
	double since;                   // when it earned its place
	struct leak_state leak;
	double y[FAST_LEN], ty[FAST_LEN];   // KiB and time, a ring
	unsigned head, n;
	int passes, fails;
	bool fast_flag, fast_have;
	double fast_rate_kb_s, fast_score;
};

struct impl {
	struct origin *org;
	size_t org_cap, org_n;
	bool first_done;                // the first reading's sizes are the origins
	struct judged judged[ALLOCSITES_MAX_JUDGED];
	struct allocsite_row *scratch;  // every site of the reading
	size_t scratch_cap;
	void *kept;                     // an ended session's copied stacks (one block)
};

// The stack id of a site (-1: lost, or none given).
static int32_t site_id(const struct allocsite_row *r)
{
	return r->stack ? r->stack->id : -1;
}

static size_t origin_slot(const struct origin *org, size_t cap, int32_t id)
{
	size_t i = ((uint32_t)id * 2654435761u) & (cap - 1);

	while (org[i].used && org[i].id != id)
		i = (i + 1) & (cap - 1);
	return i;
}

// Doubles the origin table (rehashing). 0 or -ENOMEM.
static int origins_grow(struct impl *m)
{
	size_t cap = m->org_cap ? m->org_cap * 2 : 1024;
	struct origin *org = calloc(cap, sizeof *org);

	if (!org)
		return -ENOMEM;
	for (size_t i = 0; i < m->org_cap; i++)
		if (m->org[i].used)
			org[origin_slot(org, cap, m->org[i].id)] = m->org[i];
	free(m->org);
	m->org = org;
	m->org_cap = cap;
	return 0;
}

// The bytes stack id started from: its size in the session's first
// reading, 0 for a stack first seen later (all it holds came since). The
// table stops remembering new stacks past ORIGINS_MAX: they count from 0.
static uint64_t origin_of(struct impl *m, int32_t id, uint64_t bytes)
{
	size_t i;

	if (m->org_n * 2 >= m->org_cap && m->org_n < ORIGINS_MAX && origins_grow(m) < 0)
		return m->first_done ? 0 : bytes;
	if (!m->org_cap)
		return 0;
	i = origin_slot(m->org, m->org_cap, id);
	if (m->org[i].used)
		return m->org[i].bytes;
	if (m->org_n >= ORIGINS_MAX)
		return 0;
	m->org[i] = (struct origin){ .id = id, .used = true, .bytes = m->first_done ? 0 : bytes };
	m->org_n++;
	return m->org[i].bytes;
}

void allocsites_init(struct allocsites *a)
{
	memset(a, 0, sizeof *a);
}

void allocsites_start(struct allocsites *a, int pid, uint64_t start_ticks, double t, double limit_s)
{
	allocsites_free(a);
	a->state = ALLOCSITES_ON;
	a->pid = pid;
	a->start_ticks = start_ticks;
	a->attached_t = a->t = t;
	a->limit_s = limit_s;
}

void allocsites_fail(struct allocsites *a, int pid, const char *why)
{
	allocsites_free(a);
	a->state = ALLOCSITES_FAILED;
	a->pid = pid;
	snprintf(a->why, sizeof a->why, "%s", why);
}

// Outstanding bytes first, then the stack id (a stable order for ties).
static int by_bytes(const void *x, const void *y)
{
	const struct allocsite_row *p = x, *q = y;

	if (p->bytes != q->bytes)
		return p->bytes < q->bytes ? 1 : -1;
	return (site_id(p) > site_id(q)) - (site_id(p) < site_id(q));
}

// Suspects by rate, fastest first.
static int by_rate(const void *x, const void *y)
{
	const struct allocsite_row *p = x, *q = y;

	if (p->rate_bytes_s != q->rate_bytes_s)
		return p->rate_bytes_s < q->rate_bytes_s ? 1 : -1;
	return by_bytes(x, y);
}

static double median3(const double *v)
{
	double a = v[0], b = v[1], c = v[2];

	if (a > b) { double s = a; a = b; b = s; }
	if (b > c) b = c;
	return a > b ? a : b;
}

static double clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

// The fast test on j's readings: the detector's trend test (leak_series_z:
// corrected Mann-Kendall, robust slope) with its gates: a rise of at least
// FAST_RISE_MIN_KB, no single jump making most of it, a recent slope that
// has not collapsed. Flags after two passes in a row, drops after two fails.
static void fast_judge(struct judged *j, enum leak_sensitivity sens)
{
	double y[FAST_LEN], ty[FAST_LEN], slope, recent, z, rise, step = 0, span;
	double zf = sens == LEAK_SENS_LOW ? 1.25 : sens == LEAK_SENS_HIGH ? 0.8 : 1.0;
	double rf = sens == LEAK_SENS_LOW ? 2.0 : sens == LEAK_SENS_HIGH ? 0.5 : 1.0;
	unsigned n = j->n, first = (j->head + FAST_LEN - n) % FAST_LEN;
	bool pass = false;

	for (unsigned i = 0; i < n; i++)
		y[i] = j->y[(first + i) % FAST_LEN], ty[i] = j->ty[(first + i) % FAST_LEN];
	j->fast_have = n >= 6;
	if (!j->fast_have)
		return;
	z = leak_series_z(y, n, &slope);
	span = ty[n - 1] - ty[0];
	j->fast_rate_kb_s = span > 0 ? slope * (n - 1) / span : 0;
	rise = median3(y + n - 3) - median3(y);
	if (n >= FAST_N_MIN && slope > 0 && rise >= FAST_RISE_MIN_KB * rf) {
		for (unsigned i = 1; i < n; i++)
			step = y[i] - y[i - 1] > step ? y[i] - y[i - 1] : step;
		leak_series_z(y + n - n / 3, n / 3, &recent);
		pass = z >= FAST_Z_MIN * zf && step <= FAST_STEP_MAX * rise && recent >= FAST_RECENT_MIN * slope;
	}
	j->fast_score = clamp01((z - 2) / 3);
	if (pass) {
		j->fails = 0;
		if (++j->passes >= 2)
			j->fast_flag = true;
	} else {
		j->passes = 0;
		if (++j->fails >= 2)
			j->fast_flag = false;
	}
	if (j->fast_flag && j->fast_score < 0.5)
		j->fast_score = 0.5;
	if (!j->fast_flag && j->fast_score >= 0.5)
		j->fast_score = 0.49;
}

static struct judged *judged_find(struct impl *m, int32_t id)
{
	for (int k = 0; k < ALLOCSITES_MAX_JUDGED; k++)
		if (m->judged[k].used && m->judged[k].id == id)
			return &m->judged[k];
	return NULL;
}

// Gives the top stacks (rows[0..n), sorted by bytes) their detectors: the
// ones that kept their place keep theirs, the ones that lost it lose it,
// newcomers start one at t.
static void judged_assign(struct impl *m, const struct allocsite_row *rows, size_t n, double t,
			  enum leak_sensitivity sens)
{
	struct judged *j;

	for (int k = 0; k < ALLOCSITES_MAX_JUDGED; k++)
		m->judged[k].seen = false;
	for (size_t i = 0; i < n; i++)
		if ((j = judged_find(m, site_id(&rows[i]))))
			j->seen = true;
	for (int k = 0; k < ALLOCSITES_MAX_JUDGED; k++)
		if (!m->judged[k].seen)
			m->judged[k].used = false;
	for (size_t i = 0; i < n; i++) {
		if (judged_find(m, site_id(&rows[i])))
			continue;
		for (int k = 0; k < ALLOCSITES_MAX_JUDGED; k++) {
			j = &m->judged[k];
			if (j->used)
				continue;
			memset(j, 0, sizeof *j);
			j->id = site_id(&rows[i]);
			j->used = j->seen = true;
			j->since = t;
			leak_init(&j->leak, t, sens);
			break;
		}
	}
}

// Feeds row r's reading at t to its detector and fills its verdict.
static void judge_row(struct judged *j, struct allocsite_row *r, double t, double elapsed,
		      enum leak_sensitivity sens)
{
	uint64_t kib = r->bytes / 1024;
	bool fast_counts;

	if (t >= j->leak.now)
		leak_push(&j->leak, t, kib);
	j->y[j->head] = (double)kib;
	j->ty[j->head] = t;
	j->head = (j->head + 1) % FAST_LEN;
	if (j->n < FAST_LEN)
		j->n++;
	fast_judge(j, sens);
	fast_counts = t - j->since < ALLOCSITES_FAST_SPAN_S;
	r->judged = true;
	r->suspect = j->leak.verdict.suspected || (fast_counts && j->fast_flag);
	r->score = j->leak.verdict.score;
	if (fast_counts && j->fast_score > r->score)
		r->score = j->fast_score;
	if (j->leak.verdict.have_rate)
		r->rate_bytes_s = j->leak.verdict.rate_kb_per_min * 1024.0 / 60.0;
	else if (j->fast_have)
		r->rate_bytes_s = j->fast_rate_kb_s * 1024.0;
	else
		r->rate_bytes_s = elapsed > 0 ? (double)r->growth_bytes / elapsed : 0;
}

// Makes room for n sites in the scratch rows and the kept rows. 0 or -ENOMEM.
static int reserve(struct allocsites *a, struct impl *m, size_t n)
{
	if (!a->rows && !(a->rows = calloc(ALLOCSITES_MAX_ROWS, sizeof *a->rows)))
		return -ENOMEM;
	if (n > m->scratch_cap) {
		size_t cap = m->scratch_cap ? m->scratch_cap : 64;
		struct allocsite_row *s;

		while (cap < n)
			cap *= 2;
		if (!(s = realloc(m->scratch, cap * sizeof *s)))
			return -ENOMEM;
		m->scratch = s;
		m->scratch_cap = cap;
	}
	return 0;
}

// Fills the scratch rows from the reading: sizes, ages, growth, totals.
static void fill_sites(struct allocsites *a, struct impl *m, const struct alloc_snapshot *snap, double elapsed)
{
	a->total_bytes = a->total_count = 0;
	for (size_t i = 0; i < snap->nsites; i++) {
		struct allocsite_row *r = &m->scratch[i];
		const struct alloc_site *s = &snap->sites[i];

		*r = (struct allocsite_row){ .stack = s->stack, .bytes = s->bytes, .count = s->count,
					     .oldest_age_s = s->oldest_age_s };
		r->growth_bytes = (int64_t)s->bytes - (int64_t)origin_of(m, site_id(r), s->bytes);
		r->rate_bytes_s = elapsed > 0 ? (double)r->growth_bytes / elapsed : 0;
		a->total_bytes += s->bytes;
		a->total_count += s->count;
	}
	m->first_done = true;
}

int allocsites_update(struct allocsites *a, const struct alloc_snapshot *snap, enum leak_sensitivity sens)
{
	struct impl *m;
	size_t njudged, nsus = 0, k = 0;
	double elapsed = snap->t - a->attached_t;

	if (a->state != ALLOCSITES_ON)
		return 0;
	if (!a->impl && !(a->impl = calloc(1, sizeof(struct impl))))
		return -ENOMEM;
	m = a->impl;
	if (reserve(a, m, snap->nsites) < 0)
		return -ENOMEM;
	fill_sites(a, m, snap, elapsed);
	if (snap->nsites)
		qsort(m->scratch, snap->nsites, sizeof *m->scratch, by_bytes);
	njudged = snap->nsites < ALLOCSITES_MAX_JUDGED ? snap->nsites : ALLOCSITES_MAX_JUDGED;
	judged_assign(m, m->scratch, njudged, snap->t, sens);
	for (size_t i = 0; i < njudged; i++)
		judge_row(judged_find(m, site_id(&m->scratch[i])), &m->scratch[i], snap->t, elapsed, sens);
	// Suspects first, by rate; then the rest in bytes order.
	for (size_t i = 0; i < njudged; i++)
		if (m->scratch[i].suspect)
			a->rows[nsus++] = m->scratch[i];
	qsort(a->rows, nsus, sizeof *a->rows, by_rate);
	k = nsus;
	for (size_t i = 0; i < snap->nsites && k < ALLOCSITES_MAX_ROWS; i++)
		if (!m->scratch[i].suspect)
			a->rows[k++] = m->scratch[i];
	a->nrows = k;
	a->nsites = snap->nsites;
	a->t = snap->t;
	a->last = *snap;
	a->last.sites = NULL;
	a->last.nsites = 0;
	if (snap->end != ALLOC_RUNNING)
		allocsites_end(a, snap->end_why[0] ? snap->end_why : "the process ended");
	return 0;
}

bool allocsites_over_limit(const struct allocsites *a, double t)
{
	return a->state == ALLOCSITES_ON && a->limit_s > 0 && t - a->attached_t >= a->limit_s;
}

// The bytes a copy of string s takes in the kept block (NULL: none).
static size_t str_size(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

// Copies s to *pool, returning the copy (NULL stays NULL).
static const char *str_copy(char **pool, const char *s)
{
	size_t n = str_size(s);
	char *c = *pool;

	if (!s)
		return NULL;
	memcpy(c, s, n);
	*pool += n;
	return c;
}

// Copies the rows' stacks (their frames and strings) into one block the
// model owns, so an ended session still shows where its bytes came from
// after the source's stacks went with the detach. On -ENOMEM the rows lose
// their stacks (NULL).
static void keep_stacks(struct allocsites *a)
{
	struct impl *m = a->impl;
	size_t nframes = 0, nstr = 0;
	struct alloc_stack *st;
	struct alloc_frame *fr;
	char *pool;

	for (size_t i = 0; i < a->nrows; i++) {
		const struct alloc_stack *s = a->rows[i].stack;

		if (!s)
			continue;
		nframes += s->depth;
		for (uint32_t f = 0; f < s->depth; f++)
			nstr += str_size(s->frames[f].func) + str_size(s->frames[f].file);
	}
	free(m->kept);
	m->kept = malloc(a->nrows * sizeof *st + nframes * sizeof *fr + nstr + 1);
	if (!m->kept) {
		for (size_t i = 0; i < a->nrows; i++)
			a->rows[i].stack = NULL;
		return;
	}
	st = m->kept;
	fr = (struct alloc_frame *)(st + a->nrows);
	pool = (char *)(fr + nframes);
	for (size_t i = 0; i < a->nrows; i++) {
		const struct alloc_stack *s = a->rows[i].stack;

		if (!s)
			continue;
		st[i] = (struct alloc_stack){ .id = s->id, .depth = s->depth, .frames = fr };
		for (uint32_t f = 0; f < s->depth; f++, fr++) {
			*fr = s->frames[f];
			fr->func = str_copy(&pool, s->frames[f].func);
			fr->file = str_copy(&pool, s->frames[f].file);
		}
		a->rows[i].stack = &st[i];
	}
}

void allocsites_end(struct allocsites *a, const char *why)
{
	if (a->state != ALLOCSITES_ON)
		return;
	a->state = ALLOCSITES_ENDED;
	snprintf(a->why, sizeof a->why, "%s", why);
	if (a->impl)
		keep_stacks(a);
	else
		for (size_t i = 0; i < a->nrows; i++)
			a->rows[i].stack = NULL;
}

void allocsites_free(struct allocsites *a)
{
	struct impl *m = a->impl;

	if (m) {
		free(m->org);
		free(m->scratch);
		free(m->kept);
		free(m);
	}
	free(a->rows);
	memset(a, 0, sizeof *a);
}

void allocsites_frame_text(const struct alloc_frame *f, bool full_path, char *out, size_t cap)
{
	const char *file = f->file ? f->file : "[unknown]";

	if (!full_path)
		file = text_base_name(file);
	if (f->func && !f->ip)
		snprintf(out, cap, "%s", f->func);
	else if (f->func)
		snprintf(out, cap, "%s+0x%" PRIx64 " (%s)", f->func, f->offset, file);
	else
		snprintf(out, cap, "%s+0x%" PRIx64, file, f->offset);
}
