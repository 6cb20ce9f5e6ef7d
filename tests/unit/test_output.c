/* test_output.c — JSON Lines, CSV and table output of a small hand-built
 * snapshot and proctable, written to an open_memstream FILE*. */
#include "fixture.h"

#include <inttypes.h>

#include <fcntl.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#include "output/output.h"


#include "judge.h"

/* ---- the model under test ---- */

struct world {
	struct proc_sample s[3];
	const struct proc_sample *p[3];
	struct snapshot snap;
	struct proctable table;
	struct output_tick tick;
};

// Two or three processes: a known one with every detail, one with nothing
// but statm and awkward names, and optionally a big one.
static void world_init(struct world *w, bool third)
{
	memset(w, 0, sizeof *w);
	w->snap.sys = (struct sys_sample){
		.wall_time = 1700000000.25, .mono_time = 100.0, .have_meminfo = true,
		.total_kb = 16000000, .available_kb = 8000000, .free_kb = 2000000,
		.buffers_kb = 100000, .cached_kb = 3000000, .shmem_kb = 50000,
		.swap_total_kb = 2000000, .swap_free_kb = 1999000, .have_psi = true,
	};
	w->snap.sys.psi.some = (struct psi_line){ true, 1.5, 0.75, 0.25, 123456 };
	w->s[0] = (struct proc_sample){
		.pid = 1, .ppid = 0, .start_ticks = 5, .start_time_s = 1.5,
		.cmdline = (char *)"/sbin/init splash", .cgroup = (char *)"/init.scope",
		.rss_kb = 12000, .anon_kb = 4000, .shared_kb = 8000, .have_detail = true,
		.file_kb = 7000, .shmem_kb = 1000, .swap_kb = 0, .data_kb = 3000,
		.oom_score = 5, .oom_score_adj = -1000, .detail_time = 95.0,
		.have_heap = true, .heap_kb = 2048,
	};
	w->s[0].user = "root";
	w->s[0].comm = (char *)"systemd";
	w->s[1] = (struct proc_sample){
		.pid = 4242, .ppid = 1, .start_ticks = 2000, .start_time_s = 20.0,
		.cmdline = (char *)"sh -c \"echo a,b\"", .cgroup = (char *)"",
		.rss_kb = 300, .anon_kb = 200,
	};
	w->s[1].user = "alice";
	w->s[1].comm = (char *)"we\"ird,name";
	w->s[2] = (struct proc_sample){
		.pid = 77, .ppid = 1, .start_ticks = 7, .start_time_s = 3.0,
		.cmdline = (char *)"", .cgroup = (char *)"/user.slice/a b",
		.rss_kb = 50000, .anon_kb = 45000,
	};
	w->s[2].user = "bob";
	w->s[2].comm = (char *)"big\\ecomm";   // what the sanitiser makes of "big\x1bcomm"
	// pid order: 1, 77, 4242
	w->p[0] = &w->s[0];
	w->snap.nprocs = 1;
	if (third)
		w->p[w->snap.nprocs++] = &w->s[2];
	w->p[w->snap.nprocs++] = &w->s[1];
	w->snap.procs = w->p;
	assert_int_equal(proctable_update(&w->table, &w->snap), 0);
	w->tick = (struct output_tick){ .snap = &w->snap, .table = &w->table, .interval_s = 1.0,
					.elapsed_s = -1.0, .index = 0, .sort_key = SORT_RSS };
}

// Moves the world one tick on: pid 1 grows by 1 MiB, pid 4242 shrinks.
static void world_next(struct world *w)
{
	w->s[0].rss_kb += 1024;
	w->s[0].anon_kb += 512;
	w->s[1].rss_kb -= 50;
	w->snap.sys.wall_time += 1.002;
	w->snap.sys.mono_time += 1.002;
	assert_int_equal(proctable_update(&w->table, &w->snap), 0);
	w->tick.elapsed_s = 1.002;
	w->tick.index = 1;
}

typedef void (*writer_fn)(FILE *, const struct output_tick *);

// Runs a writer into memory; the caller frees the result.
static char *render(writer_fn fn, const struct output_tick *t)
{
	struct capture c;

	capture_open(&c);
	fn(c.f, t);
	capture_close(&c);
	return c.text;
}

static char *render_string(void (*fn)(FILE *, const char *), const char *s)
{
	struct capture c;

	capture_open(&c);
	fn(c.f, s);
	capture_close(&c);
	return c.text;
}

/* ---- field writers ---- */

static void check_json_string(const char *in, const char *want)
{
	char *out = render_string(output_json_string, in);
	const char *p = out;

	assert_string_equal(out, want);
	assert_true(json_string(&p) && *p == '\0');
	free(out);
}

static void test_json_string_escapes(void **state)
{
	(void)state;
	check_json_string("", "\"\"");
	check_json_string("plain", "\"plain\"");
	check_json_string("a\"b", "\"a\\\"b\"");
	check_json_string("a\\b", "\"a\\\\b\"");
	check_json_string("l1\nl2\tx\ry", "\"l1\\nl2\\tx\\ry\"");
	check_json_string("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	check_json_string("caf\xc3\xa9 \xe4\xb8\xad", "\"caf\xc3\xa9 \xe4\xb8\xad\"");
	// A sanitised ESC ("\e", two characters) stays readable.
	check_json_string("x\\e[31m", "\"x\\\\e[31m\"");
}

static void check_csv_field(const char *in, const char *want)
{
	char *out = render_string(output_csv_field, in);

	assert_string_equal(out, want);
	free(out);
}

static void test_csv_field_quoting(void **state)
{
	(void)state;
	check_csv_field("plain", "plain");
	check_csv_field("", "");
	check_csv_field("/usr/bin/x", "/usr/bin/x");
	check_csv_field("a,b", "\"a,b\"");
	check_csv_field("say \"hi\"", "\"say \"\"hi\"\"\"");
	check_csv_field("\"", "\"\"\"\"");
	check_csv_field("a b", "\"a b\"");
	check_csv_field("a\tb", "\"a\tb\"");
	check_csv_field("a\nb", "\"a\nb\"");
	check_csv_field("a\rb", "\"a\rb\"");
	check_csv_field("caf\xc3\xa9", "caf\xc3\xa9");
}

/* ---- JSON ---- */

static const char json_tick0[] =
	"{\"time\": 1700000000.250, \"interval\": 1, \"elapsed\": null, "
	"\"memory\": {\"total_kb\": 16000000, \"available_kb\": 8000000, \"free_kb\": 2000000, "
	"\"buffers_kb\": 100000, \"cached_kb\": 3000000, \"shmem_kb\": 50000, "
	"\"swap_total_kb\": 2000000, \"swap_free_kb\": 1999000}, "
	"\"psi\": {\"some\": {\"avg10\": 1.50, \"avg60\": 0.75, \"avg300\": 0.25, \"total_us\": 123456}, "
	"\"full\": null}, "
	"\"processes\": ["
	"{\"pid\": 1, \"ppid\": 0, \"user\": \"root\", \"comm\": \"systemd\", "
	"\"cmdline\": \"/sbin/init splash\", \"cmdline_truncated\": false, \"start_time\": 1.50, \"rss_kb\": 12000, \"anon_kb\": 4000, "
	"\"file_kb\": 7000, \"shmem_kb\": 1000, \"swap_kb\": 0, \"data_kb\": 3000, \"heap_kb\": 2048, "
	"\"oom_score\": 5, \"oom_score_adj\": -1000, \"cgroup\": \"/init.scope\", "
	"\"delta_rss_kb\": null, \"delta_anon_kb\": null, \"detail_age_s\": 5.0, \"growth_kb_per_min\": null, \"leak\": {\"suspected\": false, \"score\": 0.00, \"since_s\": 0}, \"exhaustion_eta_s\": null}, "
	"{\"pid\": 4242, \"ppid\": 1, \"user\": \"alice\", \"comm\": \"we\\\"ird,name\", "
	"\"cmdline\": \"sh -c \\\"echo a,b\\\"\", \"cmdline_truncated\": false, \"start_time\": 20.00, \"rss_kb\": 300, \"anon_kb\": 200, "
	"\"file_kb\": null, \"shmem_kb\": null, \"swap_kb\": null, \"data_kb\": null, \"heap_kb\": null, "
	"\"oom_score\": null, \"oom_score_adj\": null, \"cgroup\": null, "
	"\"delta_rss_kb\": null, \"delta_anon_kb\": null, \"detail_age_s\": null, \"growth_kb_per_min\": null, \"leak\": {\"suspected\": false, \"score\": 0.00, \"since_s\": 0}, \"exhaustion_eta_s\": null}"
	"]}\n";

static void test_json_first_tick_exact(void **state)
{
	struct world w;
	char *out;

	(void)state;
	world_init(&w, false);
	out = render(output_json, &w.tick);
	assert_json_line(out);
	assert_string_equal(out, json_tick0);
	free(out);
	proctable_free(&w.table);
}

// The extremes of the hand-written number formatting: the widest unsigned
// size, the most negative score, zero, in JSON and CSV.
static void test_numbers_at_their_limits(void **state)
{
	struct world w;
	char *json, *csv, want[64];

	(void)state;
	world_init(&w, false);
	w.s[0].rss_kb = UINT64_MAX;
	w.s[0].anon_kb = 0;
	w.s[0].oom_score_adj = INT32_MIN;
	w.s[0].pid = INT32_MAX;
	assert_int_equal(proctable_update(&w.table, &w.snap), 0);
	json = render(output_json, &w.tick);
	csv = render(output_csv, &w.tick);
	snprintf(want, sizeof want, "\"rss_kb\": %" PRIu64 ", \"anon_kb\": 0, ", UINT64_MAX);
	assert_non_null(strstr(json, want));
	snprintf(want, sizeof want, "\"oom_score_adj\": %d, ", INT32_MIN);
	assert_non_null(strstr(json, want));
	snprintf(want, sizeof want, "{\"pid\": %d, ", INT32_MAX);
	assert_non_null(strstr(json, want));
	snprintf(want, sizeof want, ",%" PRIu64 ",0,", UINT64_MAX);
	assert_non_null(strstr(csv, want));
	snprintf(want, sizeof want, ",%d,", INT32_MIN);
	assert_non_null(strstr(csv, want));
	free(json);
	free(csv);
	proctable_free(&w.table);
}

static void test_json_second_tick_has_deltas(void **state)
{
	struct world w;
	char *out;

	(void)state;
	world_init(&w, false);
	world_next(&w);
	out = render(output_json, &w.tick);
	assert_json_line(out);
	assert_non_null(strstr(out, "\"time\": 1700000001.252, "));
	assert_non_null(strstr(out, "\"elapsed\": 1.002, "));
	assert_non_null(strstr(out, "\"rss_kb\": 13024, \"anon_kb\": 4512, "));
	assert_non_null(strstr(out, "\"delta_rss_kb\": 1024, \"delta_anon_kb\": 512, \"detail_age_s\": 6.0, "));
	assert_non_null(strstr(out, "\"delta_rss_kb\": -50, \"delta_anon_kb\": 0, \"detail_age_s\": null, "));
	assert_null(strstr(out, "\"delta_rss_kb\": null"));
	free(out);
	proctable_free(&w.table);
}

static void test_json_unknown_system_values_are_null(void **state)
{
	struct world w;
	char *out;

	(void)state;
	world_init(&w, false);
	w.snap.sys.have_meminfo = false;
	w.snap.sys.have_psi = false;
	w.tick.interval_s = 0.5;
	out = render(output_json, &w.tick);
	assert_json_line(out);
	assert_non_null(strstr(out, "\"interval\": 0.5, \"elapsed\": null, \"memory\": null, \"psi\": null, "));
	assert_null(strstr(out, "total_kb"));
	free(out);

	w.snap.sys.have_psi = true;            // both PSI lines known
	w.snap.sys.psi.full = (struct psi_line){ true, 0.1, 0.2, 0.3, 99 };
	out = render(output_json, &w.tick);
	assert_json_line(out);
	assert_non_null(strstr(out, "\"full\": {\"avg10\": 0.10, \"avg60\": 0.20, \"avg300\": 0.30, \"total_us\": 99}}"));
	free(out);
	proctable_free(&w.table);
}

static void test_json_empty_table_and_awkward_strings(void **state)
{
	struct world w;
	struct snapshot none = { 0 };
	char *out;

	(void)state;
	world_init(&w, true);
	w.s[2].cmdline = (char *)"tab\there \x01 \"q\" back\\slash";
	assert_int_equal(proctable_update(&w.table, &w.snap), 0);
	out = render(output_json, &w.tick);
	assert_json_line(out);
	assert_non_null(strstr(out, "\"cmdline\": \"tab\\there \\u0001 \\\"q\\\" back\\\\slash\""));
	assert_non_null(strstr(out, "\"comm\": \"big\\\\ecomm\""));
	assert_non_null(strstr(out, "\"cgroup\": \"/user.slice/a b\""));
	free(out);

	none.sys = w.snap.sys;
	assert_int_equal(proctable_update(&w.table, &none), 0);
	w.tick.snap = &none;
	out = render(output_json, &w.tick);
	assert_json_line(out);
	assert_non_null(strstr(out, "\"processes\": []}\n"));
	free(out);
	proctable_free(&w.table);
}

/* ---- CSV ---- */

static const char csv_header[] =
	"time,pid,ppid,user,comm,start_time,rss_kb,anon_kb,file_kb,shmem_kb,swap_kb,data_kb,"
	"heap_kb,oom_score,oom_score_adj,cgroup,delta_rss_kb,delta_anon_kb,"
	"growth_kb_per_min,leak_suspected,leak_score,leak_since_s,cmdline,cmdline_truncated\n";

static void assert_fields(char *got[], int n, const char *const want[], int wn)
{
	assert_int_equal(n, wn);
	for (int i = 0; i < n; i++)
		if (strcmp(got[i], want[i]) != 0)
			fail_msg("field %d: \"%s\", want \"%s\"", i, got[i], want[i]);
}

static void test_csv_first_tick(void **state)
{
	static const char *const row1[] = {
		"1700000000.250", "1", "0", "root", "systemd", "1.50", "12000", "4000", "7000", "1000",
		"0", "3000", "2048", "5", "-1000", "/init.scope", "", "", "", "0", "0.00", "0",
		"/sbin/init splash", "0",
	};
	static const char *const row2[] = {
		"1700000000.250", "4242", "1", "alice", "we\"ird,name", "20.00", "300", "200", "", "",
		"", "", "", "", "", "", "", "", "", "0", "0.00", "0", "sh -c \"echo a,b\"",
		"0",
	};
	struct world w;
	char *out, *fields[CSV_MAX_FIELDS];
	const char *p;
	int n;

	(void)state;
	world_init(&w, false);
	out = render(output_csv, &w.tick);
	assert_int_equal(strncmp(out, csv_header, strlen(csv_header)), 0);
	p = out + strlen(csv_header);
	// The raw text: RFC 4180 quoting of the comma, quotes and spaces.
	assert_non_null(strstr(p, ",root,systemd,1.50,"));
	assert_non_null(strstr(p, ",\"we\"\"ird,name\","));
	assert_non_null(strstr(p, ",\"/sbin/init splash\",0\n"));
	assert_non_null(strstr(p, ",\"sh -c \"\"echo a,b\"\"\",0\n"));
	n = csv_record(&p, fields);
	assert_fields(fields, n, row1, 24);
	csv_free(fields, n);
	n = csv_record(&p, fields);
	assert_fields(fields, n, row2, 24);
	csv_free(fields, n);
	assert_string_equal(p, "");
	free(out);
	proctable_free(&w.table);
}

static void test_csv_header_only_on_first_tick(void **state)
{
	struct world w;
	char *out, *fields[CSV_MAX_FIELDS];
	const char *p;
	int n;

	(void)state;
	world_init(&w, false);
	world_next(&w);
	out = render(output_csv, &w.tick);
	assert_null(strstr(out, "time,pid"));
	p = out;
	n = csv_record(&p, fields);
	assert_int_equal(n, 24);
	assert_string_equal(fields[0], "1700000001.252");
	assert_string_equal(fields[6], "13024");
	assert_string_equal(fields[16], "1024");    // delta_rss_kb
	assert_string_equal(fields[17], "512");
	csv_free(fields, n);
	n = csv_record(&p, fields);
	assert_string_equal(fields[1], "4242");
	assert_string_equal(fields[16], "-50");
	assert_string_equal(fields[17], "0");
	csv_free(fields, n);
	assert_string_equal(p, "");
	free(out);

	w.tick.index = 7;                      // any later tick: still no header
	out = render(output_csv, &w.tick);
	assert_int_equal(strncmp(out, "1700000001.252,1,", 17), 0);
	free(out);
	proctable_free(&w.table);
}

static void test_csv_cgroup_with_space_and_empty_table(void **state)
{
	struct world w;
	struct snapshot none = { 0 };
	char *out;

	(void)state;
	world_init(&w, true);
	out = render(output_csv, &w.tick);
	assert_non_null(strstr(out, ",\"/user.slice/a b\",,,,0,0.00,0,,0\n"));   // empty cmdline stays empty
	assert_non_null(strstr(out, ",bob,big\\ecomm,"));
	free(out);
	assert_int_equal(proctable_update(&w.table, &none), 0);
	w.tick.snap = &none;
	out = render(output_csv, &w.tick);
	assert_string_equal(out, csv_header);  // header even with no rows
	free(out);
	proctable_free(&w.table);
}

/* ---- a command line the sampler cut ---- */

// A command line cut at the sampler's limit is flagged in JSON
// (cmdline_truncated), in CSV (the last column) and marked in the table
// ("..." after it); the others are not.
static void test_cut_command_line_is_flagged(void **state)
{
	struct world w;
	char *out, *fields[CSV_MAX_FIELDS];
	const char *p;
	int n;

	(void)state;
	world_init(&w, false);
	w.s[1].cmdline_cut = true;
	out = render(output_json, &w.tick);
	assert_json_line(out);
	assert_non_null(strstr(out, "\"cmdline\": \"/sbin/init splash\", \"cmdline_truncated\": false, "));
	assert_non_null(strstr(out, "\"cmdline\": \"sh -c \\\"echo a,b\\\"\", \"cmdline_truncated\": true, "));
	free(out);

	out = render(output_csv, &w.tick);
	p = out + strlen(csv_header);
	n = csv_record(&p, fields);
	assert_int_equal(n, 24);
	assert_string_equal(fields[22], "/sbin/init splash");
	assert_string_equal(fields[23], "0");
	csv_free(fields, n);
	n = csv_record(&p, fields);
	assert_int_equal(n, 24);
	assert_string_equal(fields[22], "sh -c \"echo a,b\"");
	assert_string_equal(fields[23], "1");
	csv_free(fields, n);
	free(out);

	out = render(output_table, &w.tick);
	assert_non_null(strstr(out, " /sbin/init splash\n"));
	assert_non_null(strstr(out, " sh -c \"echo a,b\"...\n"));
	free(out);
	proctable_free(&w.table);
}

/* ---- table ---- */

// Where needle is in out; fails the test, showing out, when it is not.
static const char *line_with(const char *out, const char *needle)
{
	const char *hit = strstr(out, needle);

	if (!hit)
		fail_msg("no \"%s\" in:\n%s", needle, out);
	return hit;
}

static void test_table_first_tick(void **state)
{
	static const char want[] =
		"memtop - 22:13:20, 2 processes\n"
		"Mem: 15G total, 7.6G available, 1.9G free   Swap: 1.9G total, 1.9G free\n"
		"PSI memory: some 1.50 0.75 0.25\n"
		"\n"
		"    PID USER          RSS   ANON   HEAP   SWAP   dRSS GROWTH/m  LEAK   OOM   ADJ COMMAND\n"
		"      1 root          12M   3.9M   2.0M     0K      -        -     -     5 -1000 /sbin/init splash\n"
		"   4242 alice        300K   200K      -      -      -        -     -     -     - sh -c \"echo a,b\"\n";
	struct world w;
	char *out;

	(void)state;
	world_init(&w, false);
	out = render(output_table, &w.tick);
	assert_string_equal(out, want);
	free(out);
	proctable_free(&w.table);
}

static void test_table_later_tick_and_sort_key(void **state)
{
	struct world w;
	char *out;
	const char *a, *b, *c;

	(void)state;
	world_init(&w, true);
	world_next(&w);
	out = render(output_table, &w.tick);
	assert_int_equal(out[0], '\n');            // ticks are separated by a blank line
	assert_non_null(strstr(out, "memtop - 22:13:21, 3 processes\n"));
	line_with(out, "      1 root          13M   4.4M   2.0M     0K  +1.0M        -     -     5 -1000 /sbin/init splash\n");
	line_with(out, "   4242 alice        250K   200K      -      -   -50K        -     -     -     - sh -c");
	line_with(out, "     77 bob           49M    44M      -      -      0        -     -     -     - big\\ecomm\n");
	// Sorted by RSS, largest first.
	a = strstr(out, "     77 bob"), b = strstr(out, "      1 root"), c = strstr(out, "   4242 alice");
	assert_true(a < b && b < c);
	free(out);

	w.tick.sort_key = SORT_PID;
	out = render(output_table, &w.tick);
	a = strstr(out, "     77 bob"), b = strstr(out, "      1 root"), c = strstr(out, "   4242 alice");
	assert_true(a && b && c && b < a && a < c);
	free(out);
	proctable_free(&w.table);
}

static void test_table_without_meminfo_or_psi(void **state)
{
	struct world w;
	char *out;

	(void)state;
	world_init(&w, false);
	w.snap.sys.have_meminfo = false;
	w.snap.sys.have_psi = false;
	out = render(output_table, &w.tick);
	assert_null(strstr(out, "Mem:"));
	assert_non_null(strstr(out, "processes\nPSI n/a\n\n    PID"));
	free(out);
	w.snap.sys.have_psi = true;
	w.snap.sys.psi.full = (struct psi_line){ true, 0.1, 0.2, 0.3, 99 };
	out = render(output_table, &w.tick);
	assert_non_null(strstr(out, "PSI memory: some 1.50 0.75 0.25   full 0.10 0.20 0.30\n"));
	free(out);
	proctable_free(&w.table);
}

static void test_table_empty(void **state)
{
	struct proctable t = { 0 };
	struct snapshot none = { 0 };
	struct output_tick tick = { .snap = &none, .table = &t, .interval_s = 1, .elapsed_s = -1,
				    .sort_key = SORT_RSS };
	char *out;

	(void)state;
	none.sys.wall_time = 1700000000.25;
	// A table that never held a process: nothing allocated yet.
	out = render(output_table, &tick);
	assert_non_null(strstr(out, "memtop - 22:13:20, 0 processes\nPSI n/a\n"));
	assert_true(out[strlen(out) - 1] == '\n');
	assert_non_null(strstr(out, "COMMAND\n"));
	free(out);
	out = render(output_json, &tick);
	assert_json_line(out);
	free(out);
	proctable_free(&t);
}

static void test_write_dispatches(void **state)
{
	static const struct { enum output_format fmt; writer_fn fn; } cases[] = {
		{ FORMAT_JSON, output_json }, { FORMAT_CSV, output_csv }, { FORMAT_TABLE, output_table },
	};
	struct world w;

	(void)state;
	world_init(&w, true);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct capture c;
		char *direct = render(cases[i].fn, &w.tick);

		capture_open(&c);
		output_write(c.f, cases[i].fmt, &w.tick);
		capture_close(&c);
		assert_string_equal(c.text, direct);
		capture_free(&c);
		free(direct);
	}
	proctable_free(&w.table);
}

/* ---- write errors ---- */

// Opens /dev/full for writing: every write to it fails with ENOSPC.
static FILE *open_full(void)
{
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		fail_msg("cannot open /dev/full: %s", strerror(errno));
	return f;
}

// A stream whose descriptor is closed beneath it, as stdout is after >&-.
static FILE *open_closed(void)
{
	int fd = open("/dev/null", O_WRONLY);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (!f)
		fail_msg("cannot open /dev/null: %s", strerror(errno));
	close(fd);
	return f;
}

// Runs output_close on f and returns its exit status; *msgs gets what it printed.
static int close_into(FILE *f, int status, struct capture *msgs)
{
	int rc;

	capture_open(msgs);
	rc = output_close(f, status, msgs->f);
	capture_close(msgs);
	return rc;
}

static void test_write_returns_the_write_error(void **state)
{
	static const enum output_format fmts[] = { FORMAT_JSON, FORMAT_CSV, FORMAT_TABLE };
	struct world w;

	(void)state;
	world_init(&w, true);
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		FILE *full = open_full();
		struct capture c;

		errno = ENOENT;         // left over from sampling: must not be the answer
		assert_int_equal(output_write(full, fmts[i], &w.tick), ENOSPC);
		assert_true(ferror(full));
		fclose(full);
		capture_open(&c);
		assert_int_equal(output_write(c.f, fmts[i], &w.tick), 0);
		capture_close(&c);
		capture_free(&c);
	}
	proctable_free(&w.table);
}

static void test_flush(void **state)
{
	FILE *full = open_full();
	struct capture c;

	(void)state;
	capture_open(&c);
	fputs("fine", c.f);
	assert_int_equal(output_flush(c.f), 0);
	capture_close(&c);
	assert_string_equal(c.text, "fine");
	capture_free(&c);
	errno = 0;
	fputs("lost", full);
	assert_int_equal(output_flush(full), ENOSPC);
	fclose(full);
}

static void test_close_reports_one_line(void **state)
{
	struct capture msgs;
	FILE *f = open_full();

	(void)state;
	// Pending output that cannot be written, found at the end.
	fputs("memtop 0.1.0\n", f);
	assert_int_equal(close_into(f, 0, &msgs), 1);
	assert_string_equal(msgs.text, "memtop: write error: No space left on device\n");
	capture_free(&msgs);
	// A mode that stopped on a write error already: reported, not looked for again.
	f = open_full();
	fputs("more", f);
	assert_int_equal(close_into(f, -ENOSPC, &msgs), 1);
	assert_string_equal(msgs.text, "memtop: write error: No space left on device\n");
	capture_free(&msgs);
	// stdout closed (>&-) and written to.
	f = open_closed();
	fputs("Usage: memtop\n", f);
	assert_int_equal(close_into(f, 0, &msgs), 1);
	assert_string_equal(msgs.text, "memtop: write error: Bad file descriptor\n");
	capture_free(&msgs);
}

static void test_close_quiet_cases(void **state)
{
	struct capture msgs;
	FILE *f;

	(void)state;
	// The reader of the pipe has gone: status 1, nothing said.
	f = open_full();
	assert_int_equal(close_into(f, -EPIPE, &msgs), 1);
	assert_string_equal(msgs.text, "");
	capture_free(&msgs);
	// Everything written: the mode's status, whatever it is.
	for (int status = 0; status <= 3; status++) {
		f = fopen("/dev/null", "w");
		assert_non_null(f);
		fputs("sample\n", f);
		assert_int_equal(close_into(f, status, &msgs), status);
		assert_string_equal(msgs.text, "");
		capture_free(&msgs);
	}
	// stdout closed but never written to (an error went to stderr instead).
	f = open_closed();
	assert_int_equal(close_into(f, 1, &msgs), 1);
	assert_string_equal(msgs.text, "");
	capture_free(&msgs);
	f = open_closed();
	assert_int_equal(close_into(f, 0, &msgs), 0);
	assert_string_equal(msgs.text, "");
	capture_free(&msgs);
}

/* ---- OOM kills ---- */

// A memcg kill with every part the report can give: a comm that needs
// escaping (sanitised already: "\\e"), a trigger, two task rows (one from
// an older kernel without the rss split), the prediction wrong.
static void oom_world(struct oomlog *l, bool with_kill)
{
	static struct oom_kill k;
	struct snapshot snap = { .sys = { .have_oom_kill = true, .oom_kill = 4 } };

	k = (struct oom_kill){ .seq = 422, .wall_time = 1700000001.5, .since_start = false,
			       .have_trigger = true, .order = 0, .trigger_oom_score_adj = -5,
			       .scope = OOM_SCOPE_MEMCG, .have_memcg_usage = true,
			       .memcg_usage_kb = 65536, .memcg_limit_kb = 65536, .pid = 10100, .uid = 0,
			       .total_vm_kb = 68076, .anon_rss_kb = 65280, .file_rss_kb = 1376,
			       .have_pgtables = true, .pgtables_kb = 168, .ntasks = 2, .tasks_listed = 9 };
	strcpy(k.trigger_comm, "hog");
	strcpy(k.gfp_mask, "0xcc0(GFP_KERNEL)");
	strcpy(k.constraint, "CONSTRAINT_MEMCG");
	strcpy(k.oom_memcg, "/memtop_oomtest");
	strcpy(k.task_memcg, "/memtop_oomtest/a\"b");
	strcpy(k.comm, "h\\eg");
	k.tasks[0] = (struct oom_task_row){ .pid = 10100, .uid = 0, .total_vm_kb = 68076, .rss_kb = 66656,
					    .rss_anon_kb = 65280, .rss_file_kb = 1376, .pgtables_kb = 168,
					    .have_split = true };
	strcpy(k.tasks[0].comm, "h\\eg");
	k.tasks[1] = (struct oom_task_row){ .pid = 9, .uid = 1000, .rss_kb = 4, .oom_score_adj = 200 };
	strcpy(k.tasks[1].comm, "sh");
	snap.oom_kills = &k;
	snap.noom_kills = with_kill;
	oomlog_update(l, &snap, NULL, NULL);
}

static void test_json_oom_kills(void **state)
{
	static const char want[] =
		", \"oom_log\": \"read\", \"oom_log_lost\": 0, \"oom_log_dropped\": 0, \"oom_kill_count\": {\"since_boot\": 4, "
		"\"since_start\": 0}, \"oom_kills\": [{\"seq\": 422, \"time\": 1700000001.500, "
		"\"since_start\": false, \"scope\": \"memcg\", \"scope_label\": \"memtop_oomtest\", "
		"\"constraint\": \"CONSTRAINT_MEMCG\", \"oom_memcg\": \"/memtop_oomtest\", "
		"\"task_memcg\": \"/memtop_oomtest/a\\\"b\", \"memcg_usage_kb\": 65536, "
		"\"memcg_limit_kb\": 65536, \"pid\": 10100, \"comm\": \"h\\\\eg\", \"uid\": 0, "
		"\"total_vm_kb\": 68076, \"anon_rss_kb\": 65280, \"file_rss_kb\": 1376, \"shmem_rss_kb\": 0, "
		"\"pgtables_kb\": 168, \"oom_score_adj\": null, \"trigger\": {\"comm\": \"hog\", "
		"\"gfp_mask\": \"0xcc0(GFP_KERNEL)\", \"order\": 0, \"oom_score_adj\": -5}, \"tasks\": "
		"[{\"pid\": 10100, \"uid\": 0, \"comm\": \"h\\\\eg\", \"total_vm_kb\": 68076, \"rss_kb\": 66656, "
		"\"rss_anon_kb\": 65280, \"rss_file_kb\": 1376, \"rss_shmem_kb\": 0, \"pgtables_kb\": 168, "
		"\"swap_kb\": 0, \"oom_score_adj\": 0}, {\"pid\": 9, \"uid\": 1000, \"comm\": \"sh\", "
		"\"total_vm_kb\": 0, \"rss_kb\": 4, \"rss_anon_kb\": null, \"rss_file_kb\": null, "
		"\"rss_shmem_kb\": null, \"pgtables_kb\": 0, \"swap_kb\": 0, \"oom_score_adj\": 200}], "
		"\"tasks_listed\": 9, \"predicted\": null}]}\n";
	struct oomlog l = { 0 };
	struct world w;
	char *out;

	(void)state;
	world_init(&w, false);
	w.tick.oom = &l;
	oom_world(&l, true);
	out = render(output_json, &w.tick);
	assert_string_equal(line_with(out, ", \"oom_log\""), want);
	free(out);
	// The next record: no new kill, none printed again.
	oom_world(&l, false);
	out = render(output_json, &w.tick);
	assert_string_equal(line_with(out, ", \"oom_log\""),
			    ", \"oom_log\": \"read\", \"oom_log_lost\": 0, \"oom_log_dropped\": 0, \"oom_kill_count\": "
			    "{\"since_boot\": 4, \"since_start\": 0}, \"oom_kills\": []}\n");
	free(out);
	// Not root: the counter, and why there is nothing else.
	struct snapshot snap = { .sys = { .have_oom_kill = true, .oom_kill = 6, .oom_log_err = -EPERM } };

	oomlog_update(&l, &snap, NULL, NULL);
	out = render(output_json, &w.tick);
	assert_string_equal(line_with(out, ", \"oom_log\""),
			    ", \"oom_log\": \"needs root\", \"oom_log_lost\": 0, \"oom_log_dropped\": 0, \"oom_kill_count\": "
			    "{\"since_boot\": 6, \"since_start\": 2}, \"oom_kills\": []}\n");
	free(out);
	oomlog_free(&l);
	proctable_free(&w.table);
}

static void test_table_oom_lines(void **state)
{
	struct oomlog l = { 0 };
	struct world w;
	char *out;

	(void)state;
	world_init(&w, false);
	w.tick.oom = &l;
	oom_world(&l, true);
	out = render(output_table, &w.tick);
	// The clock is local time: only what follows it is pinned. The
	// backlog is one line.
	const char *line = line_with(out, "OOM kills before start: 1 in the kernel log, the last ");

	assert_non_null(strstr(line, " h\\eg (10100), memtop_oomtest\n"));
	free(out);
	// A kill since start, new at this tick: its own line, with the prediction.
	struct oom_kill k = { .seq = 500, .wall_time = 1700000002.5, .since_start = true, .pid = 77,
			      .scope = OOM_SCOPE_GLOBAL, .anon_rss_kb = 2048 };
	struct snapshot snap1 = { .sys = { .have_oom_kill = true, .oom_kill = 5 }, .oom_kills = &k,
				  .noom_kills = 1 };

	strcpy(k.comm, "grow");
	oomlog_update(&l, &snap1, NULL, NULL);
	out = render(output_table, &w.tick);
	line = line_with(out, "OOM kill: ");
	assert_non_null(strstr(line, " grow (77), anon 2.0M, global\n"));
	assert_null(strstr(out, "before start"));
	free(out);
	oom_world(&l, false);
	out = render(output_table, &w.tick);
	assert_null(strstr(out, "OOM kill"));
	free(out);
	struct snapshot snap = { .sys = { .have_oom_kill = true, .oom_kill = 6, .oom_log_err = -EACCES } };

	oomlog_update(&l, &snap, NULL, NULL);
	out = render(output_table, &w.tick);
	line_with(out, "OOM kills: 6 since boot (details: kernel log needs root)\n");
	free(out);
	oomlog_free(&l);
	proctable_free(&w.table);
}

/* ---- every format, every value kind, pinned before the column table ---- */

// The three-process world a tick on, with the values the first ticks never
// have: a suspected leak with an exhaustion estimate, a shrinking rate, a
// command line cut at the sampler's limit.
static void world_busy(struct world *w)
{
	struct proc *p;

	world_init(w, true);
	w->s[1].cmdline_cut = true;
	world_next(w);
	p = proctable_find(&w->table, 1);
	p->verdict = (struct leak_verdict){ .have_rate = true, .rate_kb_per_min = 1536.4,
					    .suspected = true, .score = 0.874, .since_s = 42.4 };
	p->eta_s = 3600.5;
	p = proctable_find(&w->table, 77);
	p->verdict = (struct leak_verdict){ .have_rate = true, .rate_kb_per_min = -12.3, .score = 0.1 };
}

// What each format wrote for world_busy() before the column table (issue 16)
// took over the per-process fields: the table must not change a byte.
static const char golden_json[] =
	"{\"time\": 1700000001.252, \"interval\": 1, \"elapsed\": 1.002, "
	"\"memory\": {\"total_kb\": 16000000, \"available_kb\": 8000000, \"free_kb\": 2000000, "
	"\"buffers_kb\": 100000, \"cached_kb\": 3000000, \"shmem_kb\": 50000, \"swap_total_kb\": 2000000, "
	"\"swap_free_kb\": 1999000}, \"psi\": {\"some\": {\"avg10\": 1.50, \"avg60\": 0.75, "
	"\"avg300\": 0.25, \"total_us\": 123456}, \"full\": null}, \"processes\": [{\"pid\": 1, \"ppid\": 0, "
	"\"user\": \"root\", \"comm\": \"systemd\", \"cmdline\": \"/sbin/init splash\", "
	"\"cmdline_truncated\": false, \"start_time\": 1.50, \"rss_kb\": 13024, \"anon_kb\": 4512, "
	"\"file_kb\": 7000, \"shmem_kb\": 1000, \"swap_kb\": 0, \"data_kb\": 3000, \"heap_kb\": 2048, "
	"\"oom_score\": 5, \"oom_score_adj\": -1000, \"cgroup\": \"/init.scope\", \"delta_rss_kb\": 1024, "
	"\"delta_anon_kb\": 512, \"detail_age_s\": 6.0, \"growth_kb_per_min\": 1536.4, "
	"\"leak\": {\"suspected\": true, \"score\": 0.87, \"since_s\": 42}, \"exhaustion_eta_s\": 3600}, "
	"{\"pid\": 77, \"ppid\": 1, \"user\": \"bob\", \"comm\": \"big\\\\ecomm\", \"cmdline\": \"\", "
	"\"cmdline_truncated\": false, \"start_time\": 3.00, \"rss_kb\": 50000, \"anon_kb\": 45000, "
	"\"file_kb\": null, \"shmem_kb\": null, \"swap_kb\": null, \"data_kb\": null, \"heap_kb\": null, "
	"\"oom_score\": null, \"oom_score_adj\": null, \"cgroup\": \"/user.slice/a b\", \"delta_rss_kb\": 0, "
	"\"delta_anon_kb\": 0, \"detail_age_s\": null, \"growth_kb_per_min\": -12.3, "
	"\"leak\": {\"suspected\": false, \"score\": 0.10, \"since_s\": 0}, \"exhaustion_eta_s\": null}, "
	"{\"pid\": 4242, \"ppid\": 1, \"user\": \"alice\", \"comm\": \"we\\\"ird,name\", "
	"\"cmdline\": \"sh -c \\\"echo a,b\\\"\", \"cmdline_truncated\": true, \"start_time\": 20.00, "
	"\"rss_kb\": 250, \"anon_kb\": 200, \"file_kb\": null, \"shmem_kb\": null, \"swap_kb\": null, "
	"\"data_kb\": null, \"heap_kb\": null, \"oom_score\": null, \"oom_score_adj\": null, "
	"\"cgroup\": null, \"delta_rss_kb\": -50, \"delta_anon_kb\": 0, \"detail_age_s\": null, "
	"\"growth_kb_per_min\": null, \"leak\": {\"suspected\": false, \"score\": 0.00, \"since_s\": 0}, "
	"\"exhaustion_eta_s\": null}]}\n";

static const char golden_csv[] =
	"time,pid,ppid,user,comm,start_time,rss_kb,anon_kb,file_kb,shmem_kb,swap_kb,data_kb,heap_kb,oom_score,oom_score_adj,cgroup,delta_rss_kb,delta_anon_kb,growth_kb_per_min,leak_suspected,leak_score,leak_since_s,cmdline,cmdline_truncated\n"
	"1700000001.252,1,0,root,systemd,1.50,13024,4512,7000,1000,0,3000,2048,5,-1000,/init.scope,1024,512,1536.4,1,0.87,42,\"/sbin/init splash\",0\n"
	"1700000001.252,77,1,bob,big\\ecomm,3.00,50000,45000,,,,,,,,\"/user.slice/a b\",0,0,-12.3,0,0.10,0,,0\n"
	"1700000001.252,4242,1,alice,\"we\"\"ird,name\",20.00,250,200,,,,,,,,,-50,0,,0,0.00,0,\"sh -c \"\"echo a,b\"\"\",1\n";

static const char golden_table[] =
	"memtop - 22:13:21, 3 processes\n"
	"Mem: 15G total, 7.6G available, 1.9G free   Swap: 1.9G total, 1.9G free\n"
	"PSI memory: some 1.50 0.75 0.25\n"
	"\n"
	"    PID USER          RSS   ANON   HEAP   SWAP   dRSS GROWTH/m  LEAK   OOM   ADJ COMMAND\n"
	"     77 bob           49M    44M      -      -      0     -12K     -     -     - big\\ecomm\n"
	"      1 root          13M   4.4M   2.0M     0K  +1.0M    +1.5M   87%     5 -1000 /sbin/init splash\n"
	"   4242 alice        250K   200K      -      -   -50K        -     -     -     - sh -c \"echo a,b\"...\n";

static void check_golden(writer_fn fn, const char *want)
{
	struct world w;
	char *out;

	world_busy(&w);
	w.tick.index = 0;                 // the CSV header too
	out = render(fn, &w.tick);
	if (getenv("MEMTOP_PRINT_GOLDEN"))
		fprintf(stderr, "@@@%s@@@", out);
	assert_string_equal(out, want);
	free(out);
	proctable_free(&w.table);
}

static void test_golden_json(void **state)
{
	(void)state;
	check_golden(output_json, golden_json);
}

static void test_golden_csv(void **state)
{
	(void)state;
	check_golden(output_csv, golden_csv);
}

static void test_golden_table(void **state)
{
	(void)state;
	check_golden(output_table, golden_table);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_string_escapes),
		cmocka_unit_test(test_csv_field_quoting),
		cmocka_unit_test(test_json_first_tick_exact),
		cmocka_unit_test(test_numbers_at_their_limits),
		cmocka_unit_test(test_json_second_tick_has_deltas),
		cmocka_unit_test(test_json_unknown_system_values_are_null),
		cmocka_unit_test(test_json_empty_table_and_awkward_strings),
		cmocka_unit_test(test_csv_first_tick),
		cmocka_unit_test(test_csv_header_only_on_first_tick),
		cmocka_unit_test(test_csv_cgroup_with_space_and_empty_table),
		cmocka_unit_test(test_cut_command_line_is_flagged),
		cmocka_unit_test(test_table_first_tick),
		cmocka_unit_test(test_json_oom_kills),
		cmocka_unit_test(test_table_oom_lines),
		cmocka_unit_test(test_table_later_tick_and_sort_key),
		cmocka_unit_test(test_table_without_meminfo_or_psi),
		cmocka_unit_test(test_table_empty),
		cmocka_unit_test(test_write_dispatches),
		cmocka_unit_test(test_write_returns_the_write_error),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_close_reports_one_line),
		cmocka_unit_test(test_close_quiet_cases),
		cmocka_unit_test(test_golden_json),
		cmocka_unit_test(test_golden_csv),
		cmocka_unit_test(test_golden_table),
	};

	// The table prints local time; pin it so the expected text is fixed.
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
