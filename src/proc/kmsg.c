/* kmsg.c — /dev/kmsg records and the OOM reports in them; pure code. */
#include "proc/kmsg.h"

#include <errno.h>
#include <string.h>

#include "util/scan.h"
#include "util/text.h"

#define TASK_COMM_RAW_MAX 15      // TASK_COMM_LEN - 1: a comm's raw bytes at most

// The task table's columns, as the headers of kernels 3.10 to 6.x name them.
enum tcol {
	TC_OTHER, TC_UID, TC_TGID, TC_TOTAL_VM, TC_RSS, TC_RSS_ANON, TC_RSS_FILE, TC_RSS_SHMEM,
	TC_NR_PTES, TC_PGTABLES_BYTES, TC_SWAPENTS, TC_OOM_SCORE_ADJ,
};

static const struct { const char *name; enum tcol kind; } tcol_names[] = {
	{ "uid", TC_UID }, { "tgid", TC_TGID }, { "total_vm", TC_TOTAL_VM }, { "rss", TC_RSS },
	{ "rss_anon", TC_RSS_ANON }, { "rss_file", TC_RSS_FILE }, { "rss_shmem", TC_RSS_SHMEM },
	{ "nr_ptes", TC_NR_PTES }, { "pgtables_bytes", TC_PGTABLES_BYTES },
	{ "swapents", TC_SWAPENTS }, { "oom_score_adj", TC_OOM_SCORE_ADJ },
};

// Whether [p, end) starts with the literal s.
static bool starts(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

// The first occurrence of s in [p, end), or NULL.
static const char *find(const char *p, const char *end, const char *s)
{
	return p < end ? memmem(p, (size_t)(end - p), s, strlen(s)) : NULL;
}

// The last occurrence of s in [p, end), or NULL.
static const char *find_last(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s), len = p < end ? (size_t)(end - p) : 0;

	for (size_t i = len >= n ? len - n + 1 : 0; i > 0; i--)
		if (memcmp(p + i - 1, s, n) == 0)
			return p + i - 1;
	return NULL;
}

// A decimal with an optional minus sign that fits an int; NULL otherwise.
static const char *scan_int(const char *p, const char *end, int *out)
{
	bool neg = p < end && *p == '-';
	uint64_t v;
	const char *q = scan_u64(p + neg, end, &v);

	if (!q || v > (neg ? 2147483648u : 2147483647u))
		return NULL;
	*out = neg ? (int)(-(int64_t)v) : (int)v;
	return q;
}

// The number after key (searched for in [p, end)), or false.
static bool key_u64(const char *p, const char *end, const char *key, uint64_t *out)
{
	const char *k = find(p, end, key);

	return k && scan_u64(k + strlen(key), end, out);
}

static bool key_int(const char *p, const char *end, const char *key, int *out)
{
	const char *k = find(p, end, key);

	return k && scan_int(k + strlen(key), end, out);
}

static void sanitize(const char *p, const char *end, char *out, size_t cap)
{
	text_sanitize(p, p < end ? (size_t)(end - p) : 0, out, cap);
}

int kmsg_parse_record(const char *buf, size_t len, char *text, size_t cap, struct kmsg_record *rec)
{
	const char *p = buf, *end = buf + len, *semi, *nl;
	uint64_t prio, seq, usec;
	size_t n = 0;

	semi = memchr(buf, ';', len);
	if (!semi || !(p = scan_u64(p, semi, &prio)) || p >= semi || *p++ != ',' ||
	    !(p = scan_u64(p, semi, &seq)) || p >= semi || *p++ != ',' ||
	    !(p = scan_u64(p, semi, &usec)) || (p < semi && *p != ','))
		return -EINVAL;
	nl = memchr(semi + 1, '\n', (size_t)(end - semi - 1));
	if (!nl)
		nl = end;                  // cut, or a test's record without its newline
	for (p = semi + 1; p < nl && n < cap; n++) {
		uint64_t byte;
		const char *q;

		// "\xNN" exactly: two hex digits (the kernel's escape of one byte).
		if (*p == '\\' && nl - p >= 4 && p[1] == 'x' && (q = scan_hex_u64(p + 2, p + 4, &byte)) &&
		    q == p + 4) {
			text[n] = (char)byte;
			p += 4;
		} else {
			text[n] = *p++;
		}
	}
	*rec = (struct kmsg_record){ .prio = (int)(prio & 7), .seq = seq, .usec = usec, .msg = text, .len = n };
	return 0;
}

// Forgets the report being assembled.
static void report_reset(struct kmsg_oom *a)
{
	memset(&a->cur, 0, sizeof a->cur);
	a->cur.uid = -1;
	a->open = false;
	a->ncols = 0;
	a->kill_memcg = false;
}

void kmsg_oom_init(struct kmsg_oom *a, unsigned page_kb)
{
	memset(a, 0, sizeof *a);
	a->page_kb = page_kb ? page_kb : 4;
	report_reset(a);
}

void kmsg_oom_lost(struct kmsg_oom *a)
{
	report_reset(a);
}

// "COMM invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"
// (3.10: no flags; 4.14-4.19: ", nodemask=..." before the order). The comm
// is at most 15 raw bytes, so the phrase starts within the first 16.
static bool parse_trigger(struct kmsg_oom *a, const char *p, const char *end)
{
	static const char phrase[] = " invoked oom-killer: ";
	const char *at = find(p, p + TASK_COMM_RAW_MAX + sizeof phrase - 1 < end ? p + TASK_COMM_RAW_MAX + sizeof phrase - 1 : end, phrase);
	const char *rest, *gfp, *gend;
	struct oom_kill *k = &a->cur;

	if (!at)
		return false;
	report_reset(a);          // an open report without its kill is abandoned
	a->open = true;
	k->have_trigger = true;
	sanitize(p, at, k->trigger_comm, sizeof k->trigger_comm);
	rest = at + sizeof phrase - 1;
	if ((gfp = find(rest, end, "gfp_mask="))) {
		gfp += strlen("gfp_mask=");
		gend = find(gfp, end, ", ");
		sanitize(gfp, gend ? gend : end, k->gfp_mask, sizeof k->gfp_mask);
	}
	if (!key_int(rest, end, "order=", &k->order))
		k->order = 0;
	if (!key_int(rest, end, "oom_score_adj=", &k->trigger_oom_score_adj))
		k->trigger_oom_score_adj = 0;
	return true;
}

// "memory: usage 65536kB, limit 65536kB, failcnt 0" (the memory cgroup's)
static void parse_memcg_usage(struct kmsg_oom *a, const char *p, const char *end)
{
	uint64_t usage, limit;

	if (key_u64(p, end, "usage ", &usage) && key_u64(p, end, "limit ", &limit)) {
		a->cur.have_memcg_usage = true;
		a->cur.memcg_usage_kb = usage;
		a->cur.memcg_limit_kb = limit;
		a->open = true;
	}
}

// "[  pid  ]   uid  tgid total_vm      rss ... oom_score_adj name": the
// columns between the ']' and "name". Returns false when it is not one.
static bool parse_table_header(struct kmsg_oom *a, const char *p, const char *end)
{
	const char *close = memchr(p, ']', (size_t)(end - p));
	unsigned n = 0;

	if (!close || !find(p, close, "pid"))
		return false;
	for (p = close + 1;;) {
		const char *w = scan_skip_spaces(p, end), *we = w;
		size_t i;

		while (we < end && *we != ' ')
			we++;
		if (w == we)
			return false;                     // ended before "name"
		if (we - w == 4 && memcmp(w, "name", 4) == 0 && scan_skip_spaces(we, end) == end)
			break;
		if (n == KMSG_TABLE_COLS)
			return false;
		a->cols[n] = TC_OTHER;
		for (i = 0; i < sizeof tcol_names / sizeof tcol_names[0]; i++)
			if (strlen(tcol_names[i].name) == (size_t)(we - w) &&
			    memcmp(tcol_names[i].name, w, (size_t)(we - w)) == 0)
				a->cols[n] = (unsigned char)tcol_names[i].kind;
		n++;
		p = we;
	}
	a->ncols = n;
	a->open = true;
	return true;
}

// Keeps row among the largest OOM_TASKS_MAX by rss (earlier rows win ties).
static void keep_row(struct oom_kill *k, const struct oom_task_row *row)
{
	unsigned i = k->ntasks < OOM_TASKS_MAX ? k->ntasks : OOM_TASKS_MAX;

	if (i == OOM_TASKS_MAX && row->rss_kb <= k->tasks[OOM_TASKS_MAX - 1].rss_kb)
		return;
	if (i == OOM_TASKS_MAX)
		i--;
	for (; i > 0 && k->tasks[i - 1].rss_kb < row->rss_kb; i--)
		k->tasks[i] = k->tasks[i - 1];
	k->tasks[i] = *row;
	if (k->ntasks < OOM_TASKS_MAX)
		k->ntasks++;
}

// Stores one column's value (pages, but pgtables_bytes) into row.
static void set_column(struct oom_task_row *row, enum tcol kind, int64_t v, uint64_t page_kb)
{
	uint64_t u = v < 0 ? 0 : (uint64_t)v;

	switch (kind) {
	case TC_UID: row->uid = (int)v; break;
	case TC_TOTAL_VM: row->total_vm_kb = u * page_kb; break;
	case TC_RSS: row->rss_kb = u * page_kb; break;
	case TC_RSS_ANON: row->rss_anon_kb = u * page_kb; row->have_split = true; break;
	case TC_RSS_FILE: row->rss_file_kb = u * page_kb; break;
	case TC_RSS_SHMEM: row->rss_shmem_kb = u * page_kb; break;
	case TC_NR_PTES: row->pgtables_kb = u * page_kb; break;
	case TC_PGTABLES_BYTES: row->pgtables_kb = u / 1024; break;
	case TC_SWAPENTS: row->swap_kb = u * page_kb; break;
	case TC_OOM_SCORE_ADJ: row->oom_score_adj = (int)v; break;
	case TC_TGID: case TC_OTHER: break;
	}
}

// "[  10100]     0 10100    17019    16664 ... 0 hog": a row of the table
// whose header was seen. Values the header promises, then one space and
// the comm (which may hold spaces). A malformed row is not counted.
static void parse_table_row(struct kmsg_oom *a, const char *p, const char *end)
{
	struct oom_task_row row = { .uid = -1 };
	uint64_t pid;
	const char *q = scan_skip_spaces(p + 1, end);

	if (!(q = scan_u64(q, end, &pid)) || q >= end || *q++ != ']' || pid > INT32_MAX)
		return;
	row.pid = (int)pid;
	for (unsigned i = 0; i < a->ncols; i++) {
		uint64_t u;
		int64_t v;
		const char *s = scan_skip_spaces(q, end);

		if (s == q)
			return;                   // the columns are space-separated
		if (s < end && *s == '-') {
			if (!(q = scan_u64(s + 1, end, &u)) || u > INT32_MAX)
				return;
			v = -(int64_t)u;
		} else {
			if (!(q = scan_u64(s, end, &u)) || u > INT64_MAX / 1024)
				return;
			v = (int64_t)u;
		}
		set_column(&row, (enum tcol)a->cols[i], v, a->page_kb);
	}
	if (q >= end || *q != ' ')
		return;
	sanitize(q + 1, end, row.comm, sizeof row.comm);
	a->cur.tasks_listed++;
	keep_row(&a->cur, &row);
}

// The scope a constraint's name gives.
static enum oom_scope scope_of(const char *name)
{
	if (strcmp(name, "CONSTRAINT_NONE") == 0)
		return OOM_SCOPE_GLOBAL;
	if (strcmp(name, "CONSTRAINT_MEMCG") == 0)
		return OOM_SCOPE_MEMCG;
	if (strcmp(name, "CONSTRAINT_CPUSET") == 0)
		return OOM_SCOPE_CPUSET;
	if (strcmp(name, "CONSTRAINT_MEMORY_POLICY") == 0)
		return OOM_SCOPE_MEMPOLICY;
	return OOM_SCOPE_UNKNOWN;
}

// "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,
// oom_memcg=/x,task_memcg=/x,task=NAME,pid=N,uid=N". Paths and the comm
// may hold commas: pid= and uid= are found from the right, the comm is the
// shortest ",task=" tail a comm can be, the cgroups are what lies between.
static void parse_constraint(struct kmsg_oom *a, const char *p, const char *end)
{
	struct oom_kill *k = &a->cur;
	const char *c, *cend, *uid, *pid, *task = NULL, *tm, *om;
	int v;

	if (!starts(p, end, "oom-kill:constraint="))
		return;
	c = p + strlen("oom-kill:constraint=");
	cend = memchr(c, ',', (size_t)(end - c));
	uid = find_last(p, end, ",uid=");
	a->open = true;
	sanitize(c, cend ? cend : end, k->constraint, sizeof k->constraint);
	k->scope = scope_of(k->constraint);
	if (!uid || !(pid = find_last(p, uid, ",pid=")))
		return;
	if (scan_int(uid + 5, end, &v) && k->uid < 0)
		k->uid = v;
	// ",task=" then at most a comm's bytes before ",pid=": the leftmost.
	for (size_t back = 6; back <= 6 + TASK_COMM_RAW_MAX && back <= (size_t)(pid - p); back++)
		if (memcmp(pid - back, ",task=", 6) == 0)
			task = pid - back;
	if (!task)
		return;
	if (!k->comm[0])
		sanitize(task + 6, pid, k->comm, sizeof k->comm);
	if (!k->pid && scan_int(pid + 5, uid, &v))
		k->pid = v;
	if ((tm = find_last(p, task, ",task_memcg=")))
		sanitize(tm + 12, task, k->task_memcg, sizeof k->task_memcg);
	if ((om = find(p, tm ? tm : task, ",oom_memcg=")))
		sanitize(om + 11, tm ? tm : task, k->oom_memcg, sizeof k->oom_memcg);
}

// "Task in /x killed as a result of limit of /y" (memory cgroups, up to 4.19).
static void parse_task_in(struct kmsg_oom *a, const char *p, const char *end)
{
	static const char mid[] = " killed as a result of limit of ";
	const char *m = find(p, end, mid);

	if (!m)
		return;
	a->open = true;
	a->kill_memcg = true;
	sanitize(p + strlen("Task in "), m, a->cur.task_memcg, sizeof a->cur.task_memcg);
	sanitize(m + sizeof mid - 1, end, a->cur.oom_memcg, sizeof a->cur.oom_memcg);
}

// "Killed process N (comm) total-vm:NkB, anon-rss:NkB, file-rss:NkB,
// shmem-rss:NkB, UID:N pgtables:NkB oom_score_adj:N" from p at "process ";
// the fields after the comm are as far as the kernel's version gives them.
// The comm runs to the last ") " before "total-vm:" (it may hold both).
static bool parse_killed(struct kmsg_oom *a, const char *p, const char *end)
{
	struct oom_kill *k = &a->cur;
	const char *q, *cend, *t;
	uint64_t pid;
	int v;

	q = scan_u64(p + strlen("process "), end, &pid);
	if (!q || pid > INT32_MAX || !starts(q, end, " ("))
		return false;
	q += 2;
	if ((cend = find_last(q, end, ") total-vm:")))
		t = cend + 2;
	else if ((cend = find_last(q, end, ")")))
		t = cend + 1;
	else
		return false;
	k->pid = (int)pid;
	sanitize(q, cend, k->comm, sizeof k->comm);
	(void)key_u64(t, end, "total-vm:", &k->total_vm_kb);
	(void)key_u64(t, end, "anon-rss:", &k->anon_rss_kb);
	(void)key_u64(t, end, "file-rss:", &k->file_rss_kb);
	(void)key_u64(t, end, "shmem-rss:", &k->shmem_rss_kb);
	if (key_int(t, end, "UID:", &v))
		k->uid = v;
	k->have_pgtables = key_u64(t, end, "pgtables:", &k->pgtables_kb);
	k->have_oom_score_adj = key_int(t, end, "oom_score_adj:", &k->oom_score_adj);
	return true;
}

// Completes the report with the kill line's record: out gets it.
static void report_emit(struct kmsg_oom *a, const struct kmsg_record *rec, bool memcg, struct oom_kill *out)
{
	struct oom_kill *k = &a->cur;

	if (k->scope == OOM_SCOPE_UNKNOWN && !k->constraint[0] && (memcg || a->kill_memcg))
		k->scope = OOM_SCOPE_MEMCG;
	k->seq = rec->seq;
	k->boot_s = (double)rec->usec / 1e6;
	*out = *k;
	report_reset(a);
}

// The kill lines and the older "Kill process N (comm) score S or sacrifice
// child" before them: true when p (an "...out of memory..." or "Killed
// process" line) completed a kill.
static bool parse_kill(struct kmsg_oom *a, const struct kmsg_record *rec, const char *p, const char *end,
		       struct oom_kill *out)
{
	bool memcg = starts(p, end, "Memory cgroup out of memory: ");
	const char *q = p;

	if (!starts(p, end, "Killed process ")) {
		// "Out of memory: ", "Out of memory (oom_kill_allocating_task): ",
		// "Memory cgroup out of memory: ": the verb is within 50 bytes.
		const char *colon = find(p, end - p > 50 ? p + 50 : end, ": ");

		if (!colon)
			return false;
		q = colon + 2;
		if (starts(q, end, "Kill process ")) {
			a->open = true;
			a->kill_memcg |= memcg;
			return false;
		}
		if (!starts(q, end, "Killed process "))
			return false;
	}
	if (!parse_killed(a, q + strlen("Killed "), end))
		return false;
	report_emit(a, rec, memcg, out);
	return true;
}

// Whether [p, end) is a row of the task table: "[", spaces, digits, "]".
static bool is_table_row(const char *p, const char *end)
{
	const char *q = scan_skip_spaces(p + 1, end);

	return q < end && *q >= '0' && *q <= '9';
}

bool kmsg_oom_feed(struct kmsg_oom *a, const struct kmsg_record *rec, struct oom_kill *out)
{
	const char *p = rec->msg, *end = rec->msg + rec->len;

	if (a->have_seq && rec->seq != a->last_seq + 1)
		report_reset(a);          // records lost between: what was open is incomplete
	a->have_seq = true;
	a->last_seq = rec->seq;
	if (p == end)
		return false;
	// The trigger first: a comm (its first 15 bytes) may begin like any
	// line below ("memory: usage" invoked the killer).
	if (parse_trigger(a, p, end))
		return false;
	// Cheap looks at the first bytes; most messages are none of these.
	switch (*p) {
	case '[':
		if (is_table_row(p, end)) {
			if (a->ncols)
				parse_table_row(a, p, end);
			return false;
		}
		if (parse_table_header(a, p, end))
			return false;
		break;
	case 'm':
		if (starts(p, end, "memory: usage ")) {
			parse_memcg_usage(a, p, end);
			return false;
		}
		break;
	case 'o':
		if (starts(p, end, "oom-kill:constraint=")) {
			parse_constraint(a, p, end);
			return false;
		}
		break;
	case 'T':
		if (starts(p, end, "Task in ") && find(p, end, " killed as a result of limit of ")) {
			parse_task_in(a, p, end);
			return false;
		}
		break;
	case 'M':
	case 'O':
	case 'K':
		if (starts(p, end, "Memory cgroup out of memory") || starts(p, end, "Out of memory") ||
		    starts(p, end, "Killed process "))
			if (parse_kill(a, rec, p, end, out))
				return true;
		break;
	}
	return false;
}
