/* test_kmsg.c — /dev/kmsg records and the OOM report assembler: every
 * fixture of tests/fixtures/kmsg field by field (a real 6.18 memcg kill and
 * the wordings of 6.x, 5.4, 4.19, 4.9 and 3.10), hostile names, interleaved
 * and lost records, unknown lines, and every prefix of every record. */
#include "fixture.h"

#include "proc/kmsg.h"

#define DIR "kmsg/"
#define MAX_KILLS 8

struct fed {
	struct oom_kill kills[MAX_KILLS];
	size_t n;
	size_t records, bad;
};

// Feeds one record (exact-size copy of len bytes) to a; a kill goes to f.
static void feed_record(struct kmsg_oom *a, const char *s, size_t len, struct fed *f)
{
	char *buf = test_bytes(s, len);
	char *text = malloc(len ? len : 1);
	struct kmsg_record rec;
	struct oom_kill k;

	assert_non_null(text);
	f->records++;
	if (kmsg_parse_record(buf, len, text, len, &rec) < 0) {
		f->bad++;
	} else if (kmsg_oom_feed(a, &rec, &k)) {
		assert_true(f->n < MAX_KILLS);
		f->kills[f->n++] = k;
	}
	free(text);
	free(buf);
}

// Splits text into records (a line and the continuation lines after it)
// and feeds them in order.
static void feed_text(struct kmsg_oom *a, const char *t, size_t len, struct fed *f)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++)
		if (t[i] == '\n' && (i + 1 == len || t[i + 1] != ' ')) {
			feed_record(a, t + start, i + 1 - start, f);
			start = i + 1;
		}
	if (start < len)
		feed_record(a, t + start, len - start, f);
}

static struct fed feed_fixture(const char *name)
{
	static struct kmsg_oom a;
	struct fed f = { 0 };
	char path[256];
	size_t len;
	char *t;

	snprintf(path, sizeof path, DIR "%s", name);
	t = fixture_read(path, &len);
	kmsg_oom_init(&a, 4);
	feed_text(&a, t, len, &f);
	free(t);
	assert_int_equal(f.bad, 0);
	return f;
}

static void test_record(void **state)
{
	static const char rec1[] = "4,343,254381487,-;hog invoked oom-killer: x\n SUBSYSTEM=cpu\n";
	static const char rec2[] = "30,7,12,c,caller=T1;a\\x5cb\\x1b\\xzz\\x0\n";
	char text[64];
	struct kmsg_record r;

	(void)state;
	assert_int_equal(kmsg_parse_record(rec1, sizeof rec1 - 1, text, sizeof text, &r), 0);
	assert_int_equal(r.prio, 4);
	assert_int_equal(r.seq, 343);
	assert_int_equal(r.usec, 254381487);
	assert_int_equal(r.len, strlen("hog invoked oom-killer: x"));
	assert_memory_equal(r.msg, "hog invoked oom-killer: x", r.len);   // continuation ignored
	// Facility 3 (daemon) * 8 + level 6; extra prefix fields; escapes undone,
	// malformed ones kept as text.
	assert_int_equal(kmsg_parse_record(rec2, sizeof rec2 - 1, text, sizeof text, &r), 0);
	assert_int_equal(r.prio, 6);
	assert_int_equal(r.seq, 7);
	assert_int_equal(r.len, 11);
	assert_memory_equal(r.msg, "a\\b\x1b\\xzz\\x0", 11);
	// A message longer than the text buffer is cut to it.
	assert_int_equal(kmsg_parse_record(rec1, sizeof rec1 - 1, text, 3, &r), 0);
	assert_int_equal(r.len, 3);
	assert_memory_equal(r.msg, "hog", 3);
	// An empty message is a record.
	assert_int_equal(kmsg_parse_record("6,1,2,-;", 8, text, sizeof text, &r), 0);
	assert_int_equal(r.len, 0);
}

static void test_record_malformed(void **state)
{
	static const char *const bad[] = {
		"", ";", "4,343,254381487,-", "4,343;x", "x,1,2,-;m", "4,,2,-;m", "4,1,2x,-;m",
		"4 1 2 - ;m", "99999999999999999999999,1,2,-;m", "4,1,;m",
	};
	char text[64];
	struct kmsg_record r = { .seq = 77 };

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *b = test_bytes(bad[i], strlen(bad[i]));

		assert_int_equal(kmsg_parse_record(b, strlen(bad[i]), text, sizeof text, &r), -EINVAL);
		assert_int_equal(r.seq, 77);          // untouched
		free(b);
	}
}

static void test_real_6x_memcg(void **state)
{
	struct fed f = feed_fixture("6x-memcg-real.txt");
	const struct oom_kill *k = &f.kills[0];

	(void)state;
	assert_int_equal(f.records, 78);
	assert_int_equal(f.n, 1);
	assert_int_equal(k->seq, 414);
	assert_true(k->boot_s > 58922.707808 && k->boot_s < 58922.707810);
	assert_true(k->have_trigger);
	assert_string_equal(k->trigger_comm, "python3");
	assert_string_equal(k->gfp_mask, "0xcc0(GFP_KERNEL)");
	assert_int_equal(k->order, 0);
	assert_int_equal(k->trigger_oom_score_adj, 0);
	assert_int_equal(k->scope, OOM_SCOPE_MEMCG);
	assert_string_equal(k->constraint, "CONSTRAINT_MEMCG");
	assert_string_equal(k->oom_memcg, "/memtop-oomcap");
	assert_string_equal(k->task_memcg, "/memtop-oomcap");
	assert_true(k->have_memcg_usage);
	assert_int_equal(k->memcg_usage_kb, 65536);   // not memory+swap's, not kmem's
	assert_int_equal(k->memcg_limit_kb, 65536);
	assert_int_equal(k->pid, 21091);
	assert_int_equal(k->uid, 0);
	assert_string_equal(k->comm, "python3");
	assert_int_equal(k->total_vm_kb, 75160);
	assert_int_equal(k->anon_rss_kb, 65280);
	assert_int_equal(k->file_rss_kb, 6588);
	assert_int_equal(k->shmem_rss_kb, 0);
	assert_true(k->have_pgtables);
	assert_int_equal(k->pgtables_kb, 188);
	assert_true(k->have_oom_score_adj);
	assert_int_equal(k->oom_score_adj, 0);
	assert_int_equal(k->tasks_listed, 1);
	assert_int_equal(k->ntasks, 1);
	assert_int_equal(k->tasks[0].pid, 21091);
	assert_int_equal(k->tasks[0].uid, 0);
	assert_int_equal(k->tasks[0].total_vm_kb, 18790 * 4);
	assert_int_equal(k->tasks[0].rss_kb, 17967 * 4);
	assert_true(k->tasks[0].have_split);
	assert_int_equal(k->tasks[0].rss_anon_kb, 16320 * 4);
	assert_int_equal(k->tasks[0].rss_file_kb, 1647 * 4);
	assert_int_equal(k->tasks[0].rss_shmem_kb, 0);
	assert_int_equal(k->tasks[0].pgtables_kb, 192512 / 1024);
	assert_int_equal(k->tasks[0].swap_kb, 0);
	assert_string_equal(k->tasks[0].comm, "python3");
	assert_false(k->since_start);                 // the caller's to set
}

static void test_6x_global(void **state)
{
	struct fed f = feed_fixture("6x-global.txt");
	const struct oom_kill *k = &f.kills[0];
	static const int order[OOM_TASKS_MAX] = { 8812, 8813, 1888, 412, 8810 };

	(void)state;
	assert_int_equal(f.n, 1);
	assert_int_equal(k->seq, 1220);
	assert_string_equal(k->trigger_comm, "stress-ng-vm");
	assert_string_equal(k->gfp_mask, "0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)");
	assert_int_equal(k->scope, OOM_SCOPE_GLOBAL);
	assert_string_equal(k->constraint, "CONSTRAINT_NONE");
	assert_string_equal(k->oom_memcg, "");
	assert_string_equal(k->task_memcg, "/user.slice/user-1000.slice/session-3.scope");
	assert_false(k->have_memcg_usage);
	assert_int_equal(k->pid, 8812);
	assert_int_equal(k->uid, 1000);
	assert_int_equal(k->anon_rss_kb, 4799200);
	assert_int_equal(k->pgtables_kb, 9780);
	assert_int_equal(k->oom_score_adj, 1000);
	// Seven rows listed, the five largest by rss kept, largest first.
	assert_int_equal(k->tasks_listed, 7);
	assert_int_equal(k->ntasks, OOM_TASKS_MAX);
	for (unsigned i = 0; i < OOM_TASKS_MAX; i++)
		assert_int_equal(k->tasks[i].pid, order[i]);
	assert_string_equal(k->tasks[2].comm, "Web Content");
	assert_int_equal(k->tasks[2].uid, 1000);
	assert_int_equal(k->tasks[0].swap_kb, 4096 * 4);
	assert_int_equal(k->tasks[0].oom_score_adj, 1000);
	assert_int_equal(k->tasks[3].oom_score_adj, -250);
	assert_int_equal(k->tasks[3].rss_shmem_kb, 400);
}

static void test_5_4_memcg(void **state)
{
	struct fed f = feed_fixture("5.4-memcg.txt");
	const struct oom_kill *k = &f.kills[0];

	(void)state;
	assert_int_equal(f.n, 1);
	assert_int_equal(k->trigger_oom_score_adj, -998);
	assert_string_equal(k->gfp_mask, "0x6000c0(GFP_KERNEL)");
	assert_int_equal(k->scope, OOM_SCOPE_MEMCG);
	assert_string_equal(k->oom_memcg, "/kubepods/burstable/pod4b1c/0f3e9a");
	assert_int_equal(k->memcg_usage_kb, 524288);
	assert_int_equal(k->memcg_limit_kb, 524288);
	assert_int_equal(k->pid, 31337);
	assert_int_equal(k->uid, 1001);
	assert_string_equal(k->comm, "java");
	assert_int_equal(k->anon_rss_kb, 519580);
	assert_false(k->have_pgtables);
	assert_false(k->have_oom_score_adj);
	assert_int_equal(k->tasks_listed, 2);
	assert_int_equal(k->tasks[0].pid, 31337);
	assert_false(k->tasks[0].have_split);        // no rss_anon column
	assert_int_equal(k->tasks[0].rss_kb, 131700 * 4);
	assert_int_equal(k->tasks[0].pgtables_kb, 1409024 / 1024);
	assert_int_equal(k->tasks[0].oom_score_adj, -998);
	assert_int_equal(k->tasks[1].pid, 31290);
}

static void test_4_19_memcg(void **state)
{
	struct fed f = feed_fixture("4.19-memcg.txt");
	const struct oom_kill *k = &f.kills[0];

	(void)state;
	assert_int_equal(f.n, 1);
	assert_int_equal(k->seq, 5513);
	assert_string_equal(k->gfp_mask, "0x6000c0(GFP_KERNEL)");   // nodemask= after it
	assert_int_equal(k->order, 0);
	assert_int_equal(k->scope, OOM_SCOPE_MEMCG);
	assert_string_equal(k->oom_memcg, "/system.slice/nginx.service");
	assert_string_equal(k->task_memcg, "/system.slice/nginx.service");
	assert_int_equal(k->memcg_usage_kb, 102400);
	assert_int_equal(k->pid, 2210);
	assert_int_equal(k->uid, 33);                  // from the constraint line: no UID: in the kill
	assert_int_equal(k->anon_rss_kb, 99120);
	assert_int_equal(k->shmem_rss_kb, 0);
	assert_false(k->have_pgtables);
	assert_int_equal(k->tasks_listed, 2);
	assert_int_equal(k->tasks[0].pid, 2210);
	assert_int_equal(k->tasks[0].uid, 33);
}

static void test_4_9_global(void **state)
{
	struct fed f = feed_fixture("4.9-global.txt");
	const struct oom_kill *k = &f.kills[0];

	(void)state;
	assert_int_equal(f.n, 1);
	assert_int_equal(k->seq, 778);
	assert_string_equal(k->gfp_mask, "0x24201ca(GFP_HIGHUSER_MOVABLE|__GFP_COLD)");
	assert_int_equal(k->scope, OOM_SCOPE_UNKNOWN);  // "Out of memory" without a constraint line
	assert_string_equal(k->constraint, "");
	assert_int_equal(k->pid, 1444);
	assert_int_equal(k->uid, -1);
	assert_string_equal(k->comm, "mysqld");
	assert_int_equal(k->total_vm_kb, 1648004);
	assert_int_equal(k->anon_rss_kb, 1520084);
	assert_int_equal(k->tasks_listed, 3);
	assert_int_equal(k->tasks[0].pid, 1444);
	assert_int_equal(k->tasks[0].pgtables_kb, 780 * 4);   // nr_ptes, in pages
	assert_int_equal(k->tasks[0].swap_kb, 2000 * 4);      // after nr_pmds
	assert_int_equal(k->tasks[2].oom_score_adj, -1000);
	assert_string_equal(k->tasks[2].comm, "systemd-udevd");
}

static void test_3_10_memcg(void **state)
{
	struct fed f = feed_fixture("3.10-memcg.txt");
	const struct oom_kill *k = &f.kills[0];

	(void)state;
	assert_int_equal(f.n, 1);
	assert_string_equal(k->gfp_mask, "0xd0");
	assert_int_equal(k->scope, OOM_SCOPE_MEMCG);   // "Task in" and "Memory cgroup out of memory"
	assert_string_equal(k->constraint, "");
	assert_string_equal(k->oom_memcg, "/lxc/web1");
	assert_string_equal(k->task_memcg, "/lxc/web1");
	assert_int_equal(k->memcg_limit_kb, 262144);
	assert_int_equal(k->pid, 7001);
	assert_int_equal(k->anon_rss_kb, 238996);
	assert_int_equal(k->file_rss_kb, 1012);
	assert_int_equal(k->shmem_rss_kb, 0);
	assert_int_equal(k->tasks_listed, 2);
	assert_int_equal(k->tasks[0].rss_kb, 60002 * 4);
	assert_int_equal(k->tasks[0].pgtables_kb, 130 * 4);
}

static void test_hostile(void **state)
{
	struct fed f = feed_fixture("hostile.txt");
	const struct oom_kill *k = &f.kills[0];

	(void)state;
	assert_int_equal(f.n, 2);
	assert_string_equal(k->trigger_comm, "x) total-vm:1,");
	assert_string_equal(k->comm, "x) total-vm:1,");
	assert_int_equal(k->pid, 4242);
	assert_int_equal(k->total_vm_kb, 75160);       // the real total-vm, not the comm's
	assert_int_equal(k->anon_rss_kb, 65280);
	assert_string_equal(k->oom_memcg, "/evil,task=/\\e]0;t\\x07");
	assert_string_equal(k->task_memcg, "/evil,task=/\\e]0;t\\x07");
	assert_int_equal(k->tasks_listed, 2);
	assert_string_equal(k->tasks[0].comm, "x) total-vm:1,");
	assert_string_equal(k->tasks[1].comm, " (a) b");
	k = &f.kills[1];
	assert_string_equal(k->trigger_comm, "\\e[2J\\\\\\xFF\\xFE(");
	assert_string_equal(k->comm, "\\e[2J\\\\\\xFF\\xFE(");
	assert_string_equal(k->tasks[0].comm, "\\e[2J\\\\\\xFF\\xFE(");
	assert_string_equal(k->oom_memcg, "/a\\nb,c");
	assert_string_equal(k->task_memcg, "/a\\nb,c/d\\u202E");
	assert_int_equal(k->pid, 5151);
	assert_int_equal(k->uid, 1000);
	assert_int_equal(k->pgtables_kb, 97);
}

static void test_interleaved(void **state)
{
	struct fed f = feed_fixture("interleaved.txt");

	(void)state;
	assert_int_equal(f.n, 2);
	// The first trigger ("a") never got its kill: the next one replaced it.
	assert_string_equal(f.kills[0].trigger_comm, "worker");
	assert_int_equal(f.kills[0].trigger_oom_score_adj, 100);
	assert_int_equal(f.kills[0].memcg_limit_kb, 32768);
	assert_int_equal(f.kills[0].tasks_listed, 2);
	assert_string_equal(f.kills[0].tasks[1].comm, "worker helper");
	assert_string_equal(f.kills[0].oom_memcg, "/app/a");
	assert_int_equal(f.kills[0].pid, 700);
	assert_int_equal(f.kills[0].seq, 3012);
	// The second report starts clean: none of the first's rows or usage.
	assert_string_equal(f.kills[1].trigger_comm, "cruncher");
	assert_int_equal(f.kills[1].memcg_limit_kb, 16384);
	assert_int_equal(f.kills[1].tasks_listed, 1);
	assert_string_equal(f.kills[1].oom_memcg, "/app/b");
	assert_string_equal(f.kills[1].task_memcg, "/app/b/inner");
	assert_int_equal(f.kills[1].pid, 801);
}

static void test_lost(void **state)
{
	struct fed f = feed_fixture("lost.txt");

	(void)state;
	assert_int_equal(f.n, 2);
	// The log began with the kill line: a kill, nothing else known.
	assert_false(f.kills[0].have_trigger);
	assert_int_equal(f.kills[0].pid, 900);
	assert_int_equal(f.kills[0].scope, OOM_SCOPE_MEMCG);
	assert_int_equal(f.kills[0].anon_rss_kb, 800);
	assert_int_equal(f.kills[0].tasks_listed, 0);
	// Records 7005-7089 were lost: the trigger, usage, header and first
	// row went with the report they opened; what came after still counts.
	assert_false(f.kills[1].have_trigger);
	assert_false(f.kills[1].have_memcg_usage);
	assert_int_equal(f.kills[1].tasks_listed, 0);  // no header since the gap
	assert_int_equal(f.kills[1].pid, 901);
	assert_string_equal(f.kills[1].oom_memcg, "/c");
	assert_int_equal(f.kills[1].anon_rss_kb, 7960);
}

// kmsg_oom_lost abandons an open report as a gap does.
static void test_lost_call(void **state)
{
	static const char trig[] = "4,1,10,-;t invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n";
	static const char kill[] = "3,2,20,-;Out of memory: Killed process 5 (t) total-vm:8kB, anon-rss:4kB, file-rss:0kB\n";
	struct kmsg_oom a;
	struct fed f = { 0 };

	(void)state;
	kmsg_oom_init(&a, 0);
	assert_int_equal(a.page_kb, 4);
	feed_record(&a, trig, sizeof trig - 1, &f);
	kmsg_oom_lost(&a);
	feed_record(&a, kill, sizeof kill - 1, &f);
	assert_int_equal(f.n, 1);
	assert_false(f.kills[0].have_trigger);
	assert_int_equal(f.kills[0].scope, OOM_SCOPE_UNKNOWN);
	// Without the call, the same records make a whole report.
	f.n = 0;
	kmsg_oom_init(&a, 0);
	feed_record(&a, trig, sizeof trig - 1, &f);
	feed_record(&a, kill, sizeof kill - 1, &f);
	assert_int_equal(f.n, 1);
	assert_true(f.kills[0].have_trigger);
}

// Lines that look like parts of a report but are not, and parts outside one.
static void test_unknown_lines(void **state)
{
	static const char text[] =
		"6,1,1,-;[  pid  ] not a header\n"
		"6,2,2,-;[  12]     0    12 a row before any header\n"
		"6,3,3,-;memory: usage lots\n"
		"6,4,4,-;oom-kill:constraint\n"
		"6,5,5,-;Task in /x was fine\n"
		"6,6,6,-;Out of memory\n"
		"6,7,7,-;Out of memory: Killed process\n"
		"6,8,8,-;Killed process x (y)\n"
		"6,9,9,-;Killed process 12 no comm\n"
		"6,10,10,-;a very long comm, more than fifteen invoked oom-killer: gfp_mask=0x0\n"
		"6,11,11,-;oom_reaper: reaped process 8812 (x), now anon-rss:0kB\n"
		"6,12,12,-;\n"
		"6,13,13,-;Killed process 77 (memory: usage ) total-vm:4kB, anon-rss:4kB, file-rss:0kB\n";
	struct kmsg_oom a;
	struct fed f = { 0 };

	(void)state;
	kmsg_oom_init(&a, 4);
	feed_text(&a, text, sizeof text - 1, &f);
	assert_int_equal(f.bad, 0);
	assert_int_equal(f.n, 1);      // only the last line is a kill
	assert_int_equal(f.kills[0].pid, 77);
	assert_string_equal(f.kills[0].comm, "memory: usage ");
	assert_false(f.kills[0].have_trigger);
	assert_int_equal(f.kills[0].tasks_listed, 0);
}

// A comm that begins like a report line still invokes the killer.
static void test_trigger_lookalike_comm(void **state)
{
	static const char text[] = "4,1,1,-;memory: usage x invoked oom-killer: gfp_mask=0x0, order=1, oom_score_adj=-5\n"
				   "3,2,2,-;Out of memory: Killed process 3 (memory: usage x) total-vm:4kB, anon-rss:4kB, file-rss:0kB\n";
	struct kmsg_oom a;
	struct fed f = { 0 };

	(void)state;
	kmsg_oom_init(&a, 4);
	feed_text(&a, text, sizeof text - 1, &f);
	assert_int_equal(f.n, 1);
	assert_true(f.kills[0].have_trigger);
	assert_string_equal(f.kills[0].trigger_comm, "memory: usage x");
	assert_int_equal(f.kills[0].order, 1);
	assert_int_equal(f.kills[0].trigger_oom_score_adj, -5);
	assert_false(f.kills[0].have_memcg_usage);
}

// Every prefix of every record of every fixture: no crash, no read past the
// end (exact-size buffers under ASan), a record's prefix never parses as a
// different sequence number.
static void test_every_prefix(void **state)
{
	static const char *const names[] = {
		"6x-memcg-real.txt", "6x-global.txt", "5.4-memcg.txt", "4.19-memcg.txt",
		"4.9-global.txt", "3.10-memcg.txt", "hostile.txt", "interleaved.txt", "lost.txt",
	};

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[256];
		size_t len, start = 0;
		char *t;

		snprintf(path, sizeof path, DIR "%s", names[i]);
		t = fixture_read(path, &len);
		for (size_t e = 0; e < len; e++) {
			if (t[e] != '\n')
				continue;
			for (size_t cut = start; cut <= e + 1; cut++) {
				struct kmsg_oom a;
				struct fed f = { 0 };

				kmsg_oom_init(&a, 4);
				feed_text(&a, t + start, cut - start, &f);
			}
			start = e + 1;
		}
		free(t);
	}
}

// The table keeps the largest rows whatever order they come in.
static void test_table_keeps_largest(void **state)
{
	struct kmsg_oom a;
	struct fed f = { 0 };
	char rec[256];
	static const int rss[] = { 5, 50, 1, 70, 70, 9, 100, 2, 60, 3 };

	(void)state;
	kmsg_oom_init(&a, 4);
	snprintf(rec, sizeof rec, "6,1,1,-;[  pid  ]   uid  tgid total_vm      rss swapents oom_score_adj name\n");
	feed_record(&a, rec, strlen(rec), &f);
	for (int i = 0; i < 10; i++) {
		snprintf(rec, sizeof rec, "6,%d,1,-;[%7d] %5d %5d %8d %8d %8d %5d p%d\n", i + 2, 100 + i, 0, 100 + i, 1000,
			 rss[i], 0, 0, i);
		feed_record(&a, rec, strlen(rec), &f);
	}
	snprintf(rec, sizeof rec, "3,12,1,-;Out of memory: Killed process 106 (p6) total-vm:4000kB, anon-rss:400kB, file-rss:0kB\n");
	feed_record(&a, rec, strlen(rec), &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.kills[0].tasks_listed, 10);
	assert_int_equal(f.kills[0].ntasks, 5);
	assert_int_equal(f.kills[0].tasks[0].pid, 106);
	assert_int_equal(f.kills[0].tasks[1].pid, 103);   // the earlier of the two 70s first
	assert_int_equal(f.kills[0].tasks[2].pid, 104);
	assert_int_equal(f.kills[0].tasks[3].pid, 108);
	assert_int_equal(f.kills[0].tasks[4].pid, 101);
	assert_int_equal(f.kills[0].tasks[4].rss_kb, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_record_malformed),
		cmocka_unit_test(test_real_6x_memcg),
		cmocka_unit_test(test_6x_global),
		cmocka_unit_test(test_5_4_memcg),
		cmocka_unit_test(test_4_19_memcg),
		cmocka_unit_test(test_4_9_global),
		cmocka_unit_test(test_3_10_memcg),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_lost),
		cmocka_unit_test(test_lost_call),
		cmocka_unit_test(test_unknown_lines),
		cmocka_unit_test(test_trigger_lookalike_comm),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_table_keeps_largest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
