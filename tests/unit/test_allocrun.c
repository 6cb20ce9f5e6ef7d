/* test_allocrun.c — memtop --alloc-sites's formats (output/allocrun.h) from
 * a hand-made session: the table's header, counters, sampling line, rows
 * with the suspect marked and the top frames; one JSON object with the
 * session's counters and every row's whole stack (escaped names, null for a
 * frame without a symbol or an unknown age); CSV with the stack joined in
 * one quoted field. */
#include "fixture.h"

#include "model/allocsites.h"
#include "output/allocrun.h"

#define KIB 1024ull

static struct alloc_frame fr_a[5], fr_b[1];
static struct alloc_stack st_a, st_b;
static struct alloc_site sites[2];

// A session of pid 77 read twice and ended: stack 5 (5 frames, one of them
// without a symbol, a name with a quote and a comma) holds 3 MiB and grew
// 1 MiB, stack -1 (lost) holds 700 bytes; sampling 1 in 10.
static void make_session(struct allocsites *a, bool end)
{
	struct alloc_snapshot s = { .pid = 77, .attached_t = 10, .sample_every = 10, .min_size = 16,
				    .allocs = 5000, .frees = 4000, .tracked = 100, .untracked_full = 2,
				    .stacks_lost = 1, .max_live = 1000, .max_stacks = 64 };

	fr_a[0] = (struct alloc_frame){ .ip = 0x55aa10, .offset = 0x10, .func = "make_\"node\", v2",
					.file = "/usr/lib/libtree.so.1" };
	fr_a[1] = (struct alloc_frame){ .ip = 0x55aa20, .offset = 0x1f20, .func = NULL, .file = "/opt/app/bin/app" };
	for (int i = 2; i < 5; i++)
		fr_a[i] = (struct alloc_frame){ .ip = 0x400000u + (uint64_t)i, .offset = 4, .func = "main",
						.file = "/opt/app/bin/app" };
	st_a = (struct alloc_stack){ .id = 5, .depth = 5, .frames = fr_a };
	fr_b[0] = (struct alloc_frame){ .func = "[stack lost]", .file = "[unknown]" };
	st_b = (struct alloc_stack){ .id = -1, .depth = 1, .frames = fr_b };
	snprintf(s.allocator, sizeof s.allocator, "glibc malloc (libc.so.6)");
	allocsites_init(a);
	allocsites_start(a, 77, 1, 10, 0);
	s.t = 11;
	s.sites = sites;
	s.nsites = 2;
	sites[0] = (struct alloc_site){ .stack = &st_a, .bytes = 2048 * KIB, .count = 20, .oldest_age_s = 1 };
	sites[1] = (struct alloc_site){ .stack = &st_b, .bytes = 700, .count = 10, .oldest_age_s = -1 };
	allocsites_update(a, &s, LEAK_SENS_NORMAL);
	s.t = 12.5;
	sites[0].bytes = 3072 * KIB;
	sites[0].count = 30;
	sites[0].oldest_age_s = 2.5;
	allocsites_update(a, &s, LEAK_SENS_NORMAL);
	a->rows[0].suspect = true;          // as a detector would say, for the marker
	a->rows[0].score = 0.75;
	if (end)
		allocsites_end(a, "detached at the end of the run");
}

static char *capture(void (*fn)(FILE *, const struct allocsites *), const struct allocsites *a)
{
	struct capture c;

	capture_open(&c);
	fn(c.f, a);
	capture_close(&c);
	return c.text;
}

#define ASSERT_HAS(text, needle) do {                                                   \
		if (!strstr((text), (needle)))                                          \
			fail_msg("output does not hold \"%s\":\n%s", (needle), (text)); \
	} while (0)

static void test_table(void **st)
{
	struct allocsites a;
	char *t;

	(void)st;
	make_session(&a, true);
	memset(fr_a, 0, sizeof fr_a);       // the source's frames are gone: the copy is shown
	t = capture(allocrun_table, &a);
	ASSERT_HAS(t, "memtop --alloc-sites 77: 2 stacks, 3.0M in 40 allocations outstanding, after 2.5 s (ended)");
	ASSERT_HAS(t, "allocator: glibc malloc (libc.so.6); 1 allocation in 10 tracked: sizes and counts are "
		   "estimates, none under 16 bytes");
	ASSERT_HAS(t, "calls: 5000 allocations, 4000 frees; tracked 100, not tracked (table full) 2, stacks lost 1");
	ASSERT_HAS(t, "detached at the end of the run");
	ASSERT_HAS(t, "BYTES");
	ASSERT_HAS(t, "SUSPECT");
	// The suspect first, its top three frames, the rest elided.
	ASSERT_HAS(t, "    3.0M        30       2s    +1.0M");
	ASSERT_HAS(t, "LEAK?   make_\"node\", v2+0x10 (libtree.so.1) < app+0x1f20 < main+0x4 (app) < ...\n");
	ASSERT_HAS(t, "    3.0M        30       2s    +1.0M      +410K LEAK?   ");
	ASSERT_HAS(t, "    700B        10        -        0          0 no      ");
	ASSERT_HAS(t, "[stack lost]\n");
	assert_true(strstr(t, "LEAK?") < strstr(t, "700B"));
	free(t);
	allocsites_free(&a);
}

static void test_json(void **st)
{
	struct allocsites a;
	char *t;

	(void)st;
	make_session(&a, true);
	t = capture(allocrun_json, &a);
	ASSERT_HAS(t, "{\"pid\": 77, \"state\": \"ended\", \"why\": \"detached at the end of the run\", "
		   "\"allocator\": \"glibc malloc (libc.so.6)\", \"exe_stripped\": false, \"duration_s\": 2.500, "
		   "\"sample_every\": 10, \"min_size\": 16, \"max_live\": 1000, \"max_stacks\": 64, "
		   "\"allocs\": 5000, \"frees\": 4000, \"tracked\": 100, \"untracked_full\": 2, "
		   "\"stacks_lost\": 1, \"nsites\": 2, \"total_bytes\": 3146428, \"total_count\": 40, \"sites\": [");
	ASSERT_HAS(t, "{\"stack_id\": 5, \"bytes\": 3145728, \"count\": 30, \"oldest_age_s\": 2.500, "
		   "\"growth_bytes\": 1048576, ");
	ASSERT_HAS(t, "\"suspect\": true, \"score\": 0.75, \"stack\": [{\"func\": \"make_\\\"node\\\", v2\", "
		   "\"offset\": 16, \"file\": \"/usr/lib/libtree.so.1\", \"ip\": \"0x55aa10\"}, "
		   "{\"func\": null, \"offset\": 7968, \"file\": \"/opt/app/bin/app\", \"ip\": \"0x55aa20\"}, ");
	ASSERT_HAS(t, "\"ip\": \"0x400004\"}]}, {\"stack_id\": -1, \"bytes\": 700, \"count\": 10, "
		   "\"oldest_age_s\": null, \"growth_bytes\": 0, ");
	ASSERT_HAS(t, "\"stack\": [{\"func\": \"[stack lost]\", \"offset\": 0, \"file\": \"[unknown]\", "
		   "\"ip\": \"0x0\"}]}]}\n");
	assert_int_equal(t[strlen(t) - 1], '\n');
	assert_null(strchr(t, '\n') + 1 < t + strlen(t) ? strchr(strchr(t, '\n') + 1, '\n') : NULL);  // one line
	free(t);
	allocsites_free(&a);
}

static void test_csv(void **st)
{
	struct allocsites a;
	char *t;

	(void)st;
	make_session(&a, false);            // a running session prints too
	t = capture(allocrun_csv, &a);
	ASSERT_HAS(t, "stack_id,bytes,count,oldest_age_s,growth_bytes,rate_bytes_s,judged,suspect,score,stack\n");
	ASSERT_HAS(t, "\n5,3145728,30,2.500,1048576,");
	ASSERT_HAS(t, ",1,1,0.75,\"make_\"\"node\"\", v2+0x10 (/usr/lib/libtree.so.1) < /opt/app/bin/app+0x1f20 < "
		   "main+0x4 (/opt/app/bin/app) < main+0x4 (/opt/app/bin/app) < main+0x4 (/opt/app/bin/app)\"\n");
	ASSERT_HAS(t, "\n-1,700,10,,0,");
	ASSERT_HAS(t, "\"[stack lost]\"\n");
	free(t);
	allocsites_free(&a);
}

static void test_failed_and_empty(void **st)
{
	struct allocsites a;
	char *t;

	(void)st;
	allocsites_init(&a);
	allocsites_start(&a, 9, 1, 0, 0);
	t = capture(allocrun_json, &a);
	ASSERT_HAS(t, "\"state\": \"running\", \"why\": \"\"");
	ASSERT_HAS(t, "\"nsites\": 0, \"total_bytes\": 0, \"total_count\": 0, \"sites\": []}\n");
	free(t);
	t = capture(allocrun_table, &a);
	ASSERT_HAS(t, "memtop --alloc-sites 9: 0 stacks, 0B in 0 allocations outstanding");
	ASSERT_HAS(t, "allocator: unknown; every allocation tracked");
	free(t);
	allocsites_fail(&a, 9, "allocation sites of 9: needs root (CAP_BPF and CAP_PERFMON)");
	t = capture(allocrun_json, &a);
	ASSERT_HAS(t, "\"state\": \"failed\", \"why\": \"allocation sites of 9: needs root (CAP_BPF and CAP_PERFMON)\"");
	free(t);
	allocsites_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_failed_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
