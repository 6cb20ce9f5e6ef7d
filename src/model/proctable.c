/* proctable.c — per-process model keyed by (pid, start time); pure code. */
#include "model/proctable.h"
#include "util/mathutil.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Grows the entry and order arrays to hold want entries.
static int proctable_reserve(struct proctable *t, size_t want)
{
	size_t cap = t->cap ? t->cap : 256;
	void *p;

	if (want <= t->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	if (!(p = realloc(t->v, cap * sizeof *t->v)))
		return -ENOMEM;
	t->v = p;
	if (!(p = realloc(t->order, cap * sizeof *t->order)))
		return -ENOMEM;
	t->order = p;
	t->cap = cap;
	return 0;
}

uint64_t proctable_signal_kb(const struct proc_sample *s)
{
	return s->anon_kb + (s->have_detail ? s->swap_kb : 0);
}

// Starts the record of a process seen for the first time.
static void proc_start(struct proc *p, const struct proc_sample *s, double now)
{
	*p = (struct proc){ .s = s, .pid = s->pid, .start_ticks = s->start_ticks, .ticks = 1,
			    .exec_gen = s->exec_gen };
	p->last_rss_kb = s->rss_kb;
	p->last_anon_kb = s->anon_kb;
	p->flat_sig_kb = proctable_signal_kb(s);
	p->first_seen = p->last_seen = now;
	p->verdict.have_rate = false;
}

// Feeds the leak detector. Flat processes take the fast path: no detector,
// no work. The first change creates one, replaying the flat stretch first.
// Returns -ENOMEM when a detector cannot be allocated.
static int proc_track(struct proc *p, const struct proc_sample *s, double now,
		      enum leak_sensitivity sens)
{
	uint64_t sig = proctable_signal_kb(s);

	if (!p->leak) {
		if (sig == p->flat_sig_kb) {
			// Known to be flat: a rate of 0 once there is a bucket's worth.
			p->verdict.have_rate = now - p->first_seen >= history_bucket_s[0] * 6;
			p->verdict.rate_kb_per_min = 0;
			p->last_seen = now;
			return 0;
		}
		p->leak = malloc(sizeof *p->leak);
		if (!p->leak)
			return -ENOMEM;
		leak_init(p->leak, p->first_seen, sens);
		leak_push(p->leak, p->first_seen, p->flat_sig_kb);
		leak_push(p->leak, p->last_seen, p->flat_sig_kb);
	}
	leak_push(p->leak, now, sig);
	p->verdict = p->leak->verdict;
	p->last_seen = now;
	return 0;
}

// Frees what a dropped process owned.
static void proc_drop(struct proc *p)
{
	free(p->leak);
	p->leak = NULL;
}

// Moves a known process on by one sample.
static void proc_advance(struct proc *p, const struct proc_sample *s)
{
	p->s = s;
	p->ticks++;
	p->have_delta = true;
	p->delta_rss_kb = (int64_t)s->rss_kb - (int64_t)p->last_rss_kb;
	p->delta_anon_kb = (int64_t)s->anon_kb - (int64_t)p->last_anon_kb;
	p->last_rss_kb = s->rss_kb;
	p->last_anon_kb = s->anon_kb;
}

// A suspected leak's time until it alone uses up what is left: MemAvailable,
// or its memory cgroup's headroom when that is smaller.
static double proc_eta(const struct proc *p, const struct sys_sample *sys)
{
	double room;

	if (!p->verdict.suspected || (!sys->have_meminfo && !p->s->have_cg_headroom))
		return -1;
	room = sys->have_meminfo ? (double)sys->available_kb : INFINITY;
	if (p->s->have_cg_headroom && (double)p->s->cg_headroom_kb < room)
		room = (double)p->s->cg_headroom_kb;
	return leak_time_to_fill(room, p->verdict.rate_kb_per_min);
}

void proctable_adopt(struct proctable *t, struct proc *p, struct leak_state *seeded, double first_t,
		     bool varied, const struct sys_sample *sys)
{
	uint64_t sig = proctable_signal_kb(p->s);
	double now = p->last_seen;

	(void)t;
	if (first_t < p->first_seen)
		p->first_seen = first_t;
	if (!varied && sig == p->flat_sig_kb && !p->leak) {
		free(seeded);
		p->verdict.have_rate = now - p->first_seen >= history_bucket_s[0] * 6;
		return;
	}
	free(p->leak);
	p->leak = seeded;
	leak_push(p->leak, now, sig);
	p->verdict = p->leak->verdict;
	p->eta_s = proc_eta(p, sys);
}

size_t proctable_suspect_pids(const struct proctable *t, int *pids, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n && n < max; i++)
		if (t->v[i].verdict.suspected)
			pids[n++] = t->v[i].pid;
	return n;
}

// Keeps, at the front of t->v and in pid order, the processes the snapshot
// still has (same pid and start time); drops the others. Returns how many
// were kept. Writes never pass reads, so no second array is needed.
static size_t keep_survivors(struct proctable *t, const struct snapshot *snap)
{
	size_t m = 0, k = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct proc *p = &t->v[i];

		while (k < snap->nprocs && snap->procs[k]->pid < p->pid)
			k++;
		if (k < snap->nprocs && snap->procs[k]->pid == p->pid &&
		    snap->procs[k]->start_ticks == p->start_ticks &&
		    snap->procs[k]->exec_gen == p->exec_gen)
			t->v[m++] = *p;
		else
			proc_drop(p);          // exited, its pid now names a new process, or it
					       // exec'd: a new program starts a new record
	}
	return m;
}

int proctable_update(struct proctable *t, const struct snapshot *snap)
{
	double now = snap->sys.mono_time;
	size_t kept, j;
	int rc = 0;

	if (proctable_reserve(t, snap->nprocs) < 0)
		return -ENOMEM;
	kept = keep_survivors(t, snap);
	// Then fill in from the end: every sample is a survivor moved on or a
	// new process. The write index never falls below the read index, since
	// the snapshot has at least as many processes as survived.
	j = kept;
	for (size_t k = snap->nprocs; k-- > 0;) {
		const struct proc_sample *s = snap->procs[k];
		struct proc *p = &t->v[k];

		if (j > 0 && t->v[j - 1].pid == s->pid) {
			*p = t->v[--j];
			proc_advance(p, s);
		} else {
			proc_start(p, s, now);
		}
		if (proc_track(p, s, now, t->sensitivity) < 0)
			rc = -ENOMEM;                           // it goes on without a detector
		p->eta_s = proc_eta(p, &snap->sys);
	}
	t->n = snap->nprocs;
	for (size_t k = 0; k < t->n; k++)
		t->order[k] = &t->v[k];
	return rc;
}

// Every sort key's name, direction and value come from its row of the field
// table (fields.c); a key without a row would be a programming error.
static const struct field *sort_row(enum sort_key key)
{
	return key < SORT_KEY_COUNT ? field_of_sort(key) : NULL;
}

const char *sort_key_name(enum sort_key key)
{
	const struct field *f = sort_row(key);

	return f ? f->name : "?";
}

bool sort_key_descending(enum sort_key key)
{
	const struct field *f = sort_row(key);

	return f && f->descending;
}

// Appends the names of the keys whose identity flag is identity, in key
// order, each after the separator its place in the whole list asks for.
static size_t list_keys(char *out, size_t cap, size_t len, int *i, bool identity)
{
	for (int k = 0; k < SORT_KEY_COUNT && len < cap; k++) {
		const struct field *f = sort_row((enum sort_key)k);
		const char *sep;
		int n;

		if (!f || !(f->flags & FIELD_IDENTITY) != !identity)
			continue;
		sep = *i == 0 ? "" : *i == SORT_KEY_COUNT - 1 ? " or " : ", ";
		if ((n = snprintf(out + len, cap - len, "%s%s", sep, f->name)) < 0)
			break;
		len += (size_t)n;
		++*i;
	}
	return len;
}

void sort_key_list(char *out, size_t cap)
{
	int i = 0;

	if (cap == 0)
		return;
	out[0] = '\0';
	// Sizes and scores first, then what names a process (pid, user, command).
	list_keys(out, cap, list_keys(out, cap, 0, &i, false), &i, true);
}

int sort_key_parse(const char *name)
{
	for (int k = 0; k < SORT_KEY_COUNT; k++)
		if (strcmp(name, sort_key_name((enum sort_key)k)) == 0)
			return k;
	return -1;
}

// Orders two processes by the row's value alone: -1, 0 or 1.
static int compare_value(const struct proc *a, const struct proc *b, const struct field *f)
{
	int c = 0;

	if (!f) {
		c = 0;
	} else if (f->text) {
		c = strcmp(f->text(a), f->text(b));
	} else {
		int64_t va = f->sort_value(a), vb = f->sort_value(b);

		c = (va > vb) - (va < vb);
	}
	return (c > 0) - (c < 0);
}

struct text_sort {
	const struct field *row;
	int sign;                  // -1 for descending
};

// Orders by the text key in the requested direction, ties by pid ascending.
static int cmp_text(const void *a, const void *b, void *ctx)
{
	const struct text_sort *spec = ctx;
	const struct proc *x = *(struct proc *const *)a, *y = *(struct proc *const *)b;
	int c = compare_value(x, y, spec->row);

	return c ? c * spec->sign : (x->pid > y->pid) - (x->pid < y->pid);
}

// Orders by the numeric key each row holds already (ascending; descending
// keys are stored negated), ties by pid ascending: a sort of 2,000 rows
// calls the key's function 2,000 times, not twice a comparison.
static int cmp_number(const void *a, const void *b)
{
	const struct proc *x = *(struct proc *const *)a, *y = *(struct proc *const *)b;

	if (x->sort_value != y->sort_value)
		return x->sort_value > y->sort_value ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

// A value's place in descending order as an ascending key: the order of
// ~v (= -v - 1) is v's reversed, for every int64_t (no overflow at INT64_MIN).
static int64_t descending_key(int64_t v)
{
	return ~v;
}

void proctable_sort_rows(struct proc **rows, size_t n, enum sort_key key, bool descending)
{
	const struct field *row = sort_row(key);

	if (n < 2)                 // rows may be NULL (an empty table never grew)
		return;
	if (!row) {
		for (size_t i = 0; i < n; i++)
			rows[i]->sort_value = 0;       // unknown key: by pid
		qsort(rows, n, sizeof *rows, cmp_number);
	} else if (row->text) {
		struct text_sort spec = { row, descending ? -1 : 1 };

		qsort_r(rows, n, sizeof *rows, cmp_text, &spec);
	} else {
		for (size_t i = 0; i < n; i++) {
			int64_t v = row->sort_value(rows[i]);

			rows[i]->sort_value = descending ? descending_key(v) : v;
		}
		qsort(rows, n, sizeof *rows, cmp_number);
	}
}

void proctable_sort(struct proctable *t, enum sort_key key, bool descending)
{
	proctable_sort_rows(t->order, t->n, key, descending);
}

static int cmp_find(const void *key, const void *elem)
{
	int pid = *(const int *)key, other = ((const struct proc *)elem)->pid;

	return (pid > other) - (pid < other);
}

struct proc *proctable_find(const struct proctable *t, int pid)
{
	return t->n ? bsearch(&pid, t->v, t->n, sizeof *t->v, cmp_find) : NULL;
}

void proctable_free(struct proctable *t)
{
	for (size_t i = 0; i < t->n; i++)
		proc_drop(&t->v[i]);
	free(t->v);
	free(t->order);
	*t = (struct proctable){ 0 };
}
