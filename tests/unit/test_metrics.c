/* test_metrics.c — the Prometheus text format and OpenMetrics scrapes of a
 * hand-built model (export/metrics.c), written to an open_memstream. */
#include "fixture.h"

#include <stdbool.h>

#include "export/metrics.h"

#define NPROC 6

struct world {
	struct proc_sample s[NPROC];
	struct proc v[NPROC];
	struct snapshot snap;
	struct proctable table;
	struct sysmodel sys;
	struct cgroup_row rows[3];
	struct cgtable cg;
	char long_a[400], long_b[400];
};

// Six processes by pid: a suspected leaker (small), a big flat one, two
// middling ones, one without detail fields, and one with hostile names.
static void world_init(struct world *w)
{
	static const struct { int pid; uint64_t rss; const char *comm, *cg; } p[NPROC] = {
		{ 10, 1000, "leaker", "/svc.slice/leak.service" }, { 20, 900000, "big", "/big.slice" },
		{ 30, 5000, "mid1", "/a.slice" }, { 40, 4000, "mid2", "/a.slice" },
		{ 50, 3000, "nodetail", "" }, { 60, 2000, "a\"b\\\\c", "/x\"y" },
	};

	memset(w, 0, sizeof *w);
	w->snap.sys = (struct sys_sample){ .wall_time = 1700000000.5, .have_meminfo = true, .total_kb = 1000,
					   .available_kb = 500, .swap_total_kb = 200, .swap_free_kb = 150,
					   .have_psi = true, .have_oom_kill = true, .oom_kill = 7 };
	w->snap.sys.psi.some = (struct psi_line){ true, 12.5, 6.0, 1.0, 2500000 };
	w->snap.sys.psi.full = (struct psi_line){ true, 1.0, 0.5, 0.25, 1000000 };
	for (int i = 0; i < NPROC; i++) {
		w->s[i] = (struct proc_sample){ .pid = p[i].pid, .rss_kb = p[i].rss, .anon_kb = p[i].rss / 2,
						.have_detail = i != 4, .swap_kb = 3, .oom_score = 100 + i };
		w->s[i].comm = (char *)p[i].comm;
		w->s[i].cgroup = (char *)p[i].cg;
		w->s[i].cmdline = (char *)"/bin/x --password=hunter2";
		w->v[i] = (struct proc){ .s = &w->s[i], .pid = p[i].pid, .eta_s = -1 };
	}
	w->v[0].verdict = (struct leak_verdict){ .score = 0.8, .rate_kb_per_min = 60, .suspected = true,
						 .have_rate = true };
	w->v[0].eta_s = 3600;
	w->table = (struct proctable){ .v = w->v, .n = NPROC };
	w->sys.falling = false;
	w->sys.eta_s = 0;                 // not falling: no estimate, whatever the field holds
	memset(w->long_a, 'a', sizeof w->long_a - 2);
	memcpy(w->long_b, w->long_a, sizeof w->long_b);
	w->long_a[sizeof w->long_a - 2] = 'A';
	w->long_b[sizeof w->long_b - 2] = 'B';
	w->rows[0] = (struct cgroup_row){ .path = w->long_a, .nprocs = 1, .have_usage = true, .usage_kb = 10,
					  .have_limit = true, .unlimited = true, .eta_s = -1 };
	w->rows[1] = (struct cgroup_row){ .path = w->long_b, .nprocs = 2, .have_usage = true, .usage_kb = 20,
					  .have_limit = true, .limit_kb = 100, .eta_s = -1,
					  .have_oom_kill = true, .oom_kill = 3 };
	w->rows[2] = (struct cgroup_row){ .path = (char *)"", .nprocs = 1, .eta_s = -1 };
	w->cg = (struct cgtable){ .v = w->rows, .n = 3 };
}

static char *scrape(struct world *w, enum metrics_format fmt, size_t top, bool cmdline, bool cgroups)
{
	struct metrics_input in = { .snap = &w->snap, .table = &w->table, .sys = &w->sys, .cgroups = &w->cg,
				    .cgroups_read = cgroups };
	struct metrics_options o = { .top = top, .cmdline = cmdline };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(metrics_write(f, fmt, &in, &o), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p += n)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

// The machine's series: base units, counters named _total, ratios 0-1, no
// exhaustion estimate while memory does not fall.
static void test_machine_text(void **state)
{
	(void)state;
	struct world w;

	world_init(&w);
	char *t = scrape(&w, METRICS_PROMETHEUS, 10, false, false);

	assert_true(has_line(t, "# TYPE memtop_oom_kills_total counter"));
	assert_true(has_line(t, "memtop_oom_kills_total 7"));
	assert_true(has_line(t, "memtop_memory_total_bytes 1024000"));
	assert_true(has_line(t, "memtop_memory_available_bytes 512000"));
	assert_true(has_line(t, "memtop_swap_free_bytes 153600"));
	assert_true(has_line(t, "memtop_pressure_memory_some_seconds_total 2.500000"));
	assert_true(has_line(t, "memtop_pressure_memory_some_ratio{window=\"10s\"} 0.125"));
	assert_true(has_line(t, "memtop_pressure_memory_full_ratio{window=\"300s\"} 0.0025"));
	assert_true(has_line(t, "memtop_build_info{version=\"" MEMTOP_VERSION "\"} 1"));
	assert_true(has_line(t, "memtop_processes 6"));
	assert_null(strstr(t, "memtop_memory_exhaustion_seconds"));
	assert_null(strstr(t, "# EOF"));
	free(t);
	w.sys.falling = true;
	w.sys.eta_s = 5400;
	t = scrape(&w, METRICS_PROMETHEUS, 10, false, false);
	assert_true(has_line(t, "memtop_memory_exhaustion_seconds 5400"));
	free(t);
}

// OpenMetrics: TYPE before HELP, families named without _total and _info,
// "# EOF" last.
static void test_openmetrics_shape(void **state)
{
	(void)state;
	struct world w;

	world_init(&w);
	char *t = scrape(&w, METRICS_OPENMETRICS, 10, false, false);
	size_t len = strlen(t);

	assert_true(len > 6 && strcmp(t + len - 6, "# EOF\n") == 0);
	assert_int_equal(count(t, "# EOF"), 1);
	assert_true(has_line(t, "# TYPE memtop_oom_kills counter"));
	assert_true(has_line(t, "memtop_oom_kills_total 7"));
	assert_true(has_line(t, "# TYPE memtop_build info"));
	assert_true(has_line(t, "memtop_build_info{version=\"" MEMTOP_VERSION "\"} 1"));
	assert_true(strstr(t, "# TYPE memtop_leak_suspected gauge\n# HELP memtop_leak_suspected ") != NULL);
	free(t);
}

// Which processes get series: the suspect, however small, then the largest
// by RSS; with top 0 the suspect alone. Values in bytes, a missing detail
// left out, the growth in bytes per second.
static void test_process_selection(void **state)
{
	(void)state;
	struct world w;

	world_init(&w);
	char *t = scrape(&w, METRICS_PROMETHEUS, 2, false, false);

	assert_true(has_line(t, "memtop_leak_suspected{pid=\"10\",comm=\"leaker\",cgroup=\"/svc.slice/leak.service\"} 1"));
	assert_true(has_line(t, "memtop_leak_suspected{pid=\"20\",comm=\"big\",cgroup=\"/big.slice\"} 0"));
	assert_true(has_line(t, "memtop_leak_suspected{pid=\"30\",comm=\"mid1\",cgroup=\"/a.slice\"} 0"));
	assert_int_equal(count(t, "memtop_leak_suspected{"), 3);
	assert_true(has_line(t, "memtop_process_resident_bytes{pid=\"20\",comm=\"big\",cgroup=\"/big.slice\"} 921600000"));
	assert_true(has_line(t, "memtop_process_growth_bytes_per_second{pid=\"10\",comm=\"leaker\","
				"cgroup=\"/svc.slice/leak.service\"} 1024"));
	assert_int_equal(count(t, "memtop_process_growth_bytes_per_second{"), 1);
	assert_true(has_line(t, "memtop_process_exhaustion_seconds{pid=\"10\",comm=\"leaker\","
				"cgroup=\"/svc.slice/leak.service\"} 3600"));
	assert_true(has_line(t, "memtop_leak_score{pid=\"10\",comm=\"leaker\",cgroup=\"/svc.slice/leak.service\"} 0.8"));
	free(t);
	t = scrape(&w, METRICS_PROMETHEUS, 0, false, false);
	assert_int_equal(count(t, "memtop_leak_suspected{"), 1);
	free(t);
	// All of them: the one without detail fields has RSS but no swap, no
	// OOM score.
	t = scrape(&w, METRICS_PROMETHEUS, 100, false, false);
	assert_int_equal(count(t, "memtop_process_resident_bytes{"), NPROC);
	assert_int_equal(count(t, "memtop_process_swap_bytes{"), NPROC - 1);
	assert_int_equal(count(t, "memtop_process_oom_score{"), NPROC - 1);
	assert_null(strstr(t, "memtop_process_oom_score{pid=\"50\""));
	assert_true(has_line(t, "memtop_process_oom_score{pid=\"60\",comm=\"a\\\"b\\\\\\\\c\",cgroup=\"/x\\\"y\"} 105"));
	free(t);
}

// Command lines can hold secrets: never a label unless asked for.
static void test_cmdline_only_when_asked(void **state)
{
	(void)state;
	struct world w;

	world_init(&w);
	char *t = scrape(&w, METRICS_OPENMETRICS, 100, false, true);

	assert_null(strstr(t, "hunter2"));
	assert_null(strstr(t, "cmdline="));
	free(t);
	t = scrape(&w, METRICS_OPENMETRICS, 100, true, true);
	assert_true(strstr(t, "cmdline=\"/bin/x --password=hunter2\"") != NULL);
	free(t);
}

// Label values: escaped, capped, and two long values with one start stay
// two; a cut never splits a UTF-8 character.
static void test_label_values(void **state)
{
	(void)state;
	char *buf = NULL, *buf2 = NULL, *buf3 = NULL;
	size_t len = 0, len2 = 0, len3 = 0;
	char a[400], b[400], u[400];

	memset(a, 'x', sizeof a - 1);
	a[sizeof a - 1] = '\0';
	memcpy(b, a, sizeof b);
	b[sizeof b - 2] = 'y';
	FILE *f = open_memstream(&buf, &len), *g = open_memstream(&buf2, &len2);

	metrics_label_value(f, a);
	metrics_label_value(g, b);
	fclose(f);
	fclose(g);
	assert_int_equal(len, METRICS_LABEL_MAX);
	assert_int_equal(len2, METRICS_LABEL_MAX);
	assert_string_not_equal(buf, buf2);
	assert_memory_equal(buf, buf2, METRICS_LABEL_MAX - 8);
	// A 2-byte character across the cut: left out whole.
	memset(u, 'x', sizeof u - 1);
	u[sizeof u - 1] = '\0';
	for (size_t i = METRICS_LABEL_MAX - 14; i < METRICS_LABEL_MAX - 6; i += 2)
		memcpy(u + i, "\xc3\xa9", 2);
	u[METRICS_LABEL_MAX - 12] = 'x';   // shift by one: a sequence straddles the cut
	FILE *h = open_memstream(&buf3, &len3);

	metrics_label_value(h, u);
	fclose(h);
	char *dots = strstr(buf3, "...");

	assert_non_null(dots);
	assert_true(((unsigned char)dots[-1] & 0xC0) != 0xC0);        // no lead byte left alone
	for (const char *p = buf3; p < dots; p++)
		if (((unsigned char)*p & 0xE0) == 0xC0)
			assert_true(p + 1 < dots && ((unsigned char)p[1] & 0xC0) == 0x80);
	free(buf);
	free(buf2);
	free(buf3);
	// Escapes: a short value.
	buf = NULL;
	f = open_memstream(&buf, &len);
	metrics_label_value(f, "q\"b\\n\nl");
	fclose(f);
	assert_string_equal(buf, "q\\\"b\\\\n\\nl");
	free(buf);
}

// The cgroups: only when the monitor reads them; the one of no known
// cgroup never; an unlimited one has no limit series; long paths stay
// distinct.
static void test_cgroups(void **state)
{
	(void)state;
	struct world w;

	world_init(&w);
	char *t = scrape(&w, METRICS_PROMETHEUS, 10, false, false);

	assert_null(strstr(t, "memtop_cgroup_"));
	free(t);
	t = scrape(&w, METRICS_PROMETHEUS, 10, false, true);
	assert_int_equal(count(t, "memtop_cgroup_processes{"), 2);
	assert_int_equal(count(t, "memtop_cgroup_memory_limit_bytes{"), 1);
	assert_true(strstr(t, "} 102400\n") != NULL);                 // the limit, in bytes
	assert_null(strstr(t, "memtop_cgroup_processes{cgroup=\"\"}"));
	// The kill counter: a counter (_total), only where the cgroup's own was read.
	assert_non_null(strstr(t, "# TYPE memtop_cgroup_oom_kills_total counter\n"));
	assert_int_equal(count(t, "memtop_cgroup_oom_kills_total{"), 1);
	const char *kills = strstr(t, "memtop_cgroup_oom_kills_total{");

	assert_non_null(kills);
	assert_true(strncmp(strchr(kills, '}'), "} 3\n", 4) == 0);
	free(t);
	t = scrape(&w, METRICS_PROMETHEUS, 1, false, true);           // the larger one only
	assert_int_equal(count(t, "memtop_cgroup_processes{"), 1);
	assert_true(strstr(t, "memtop_cgroup_memory_usage_bytes{") != NULL && strstr(t, "} 20480\n") != NULL);
	free(t);
}

// A failed write is reported, not hidden.
static void test_write_error(void **state)
{
	(void)state;
	struct world w;
	struct metrics_input in;
	struct metrics_options o = { .top = 10 };
	FILE *f = fopen("/dev/full", "w");

	world_init(&w);
	in = (struct metrics_input){ .snap = &w.snap, .table = &w.table, .sys = &w.sys };
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(metrics_write(f, METRICS_PROMETHEUS, &in, &o), ENOSPC);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_machine_text),
		cmocka_unit_test(test_openmetrics_shape),
		cmocka_unit_test(test_process_selection),
		cmocka_unit_test(test_cmdline_only_when_asked),
		cmocka_unit_test(test_label_values),
		cmocka_unit_test(test_cgroups),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
