/* test_procparse.c — statm, maps ([heap]), cgroup, stat and vmstat
 * (oom_kill) parsers on captured, hand-written, truncated, empty and
 * malformed /proc text. */
#include "fixture.h"

#include "proc/procparse.h"

// Each helper parses a fixture (exact-size buffer) and returns the result.
static int statm_fixture(const char *rel, struct statm *m)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = procparse_statm(buf, len, m);

	free(buf);
	return rc;
}

static int statm_bytes(const char *s, size_t len, struct statm *m)
{
	char *buf = test_bytes(s, len);
	int rc = procparse_statm(buf, len, m);

	free(buf);
	return rc;
}

static int heap_fixture(const char *rel, uint64_t *kb)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = procparse_heap_kb(buf, len, kb);

	free(buf);
	return rc;
}

static int heap_bytes(const char *s, size_t len, uint64_t *kb)
{
	char *buf = test_bytes(s, len);
	int rc = procparse_heap_kb(buf, len, kb);

	free(buf);
	return rc;
}

// The cgroup output goes to a heap buffer of exactly cap bytes.
static int cgroup_bytes(const char *s, size_t len, size_t cap, char **out)
{
	char *buf = test_bytes(s, len);
	int rc;

	*out = malloc(cap);
	assert_true(*out != NULL || cap == 0);
	rc = procparse_cgroup(buf, len, *out, cap);
	free(buf);
	return rc;
}

static int cgroup_fixture(const char *rel, size_t cap, char **out)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = cgroup_bytes(buf, len, cap, out);

	free(buf);
	return rc;
}

static int stat_fixture(const char *rel, uint64_t *start)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = procparse_stat_start(buf, len, start);

	free(buf);
	return rc;
}

static int stat_bytes(const char *s, size_t len, uint64_t *start)
{
	char *buf = test_bytes(s, len);
	int rc = procparse_stat_start(buf, len, start);

	free(buf);
	return rc;
}

/* ---- statm ---- */

static void test_statm_real(void **state)
{
	struct statm m;

	(void)state;
	assert_int_equal(statm_fixture("statm/self_real.txt", &m), 0);
	assert_int_equal(m.size, 765);
	assert_int_equal(m.resident, 405);
	assert_int_equal(m.shared, 376);
	assert_int_equal(m.text, 5);
	assert_int_equal(m.lib, 0);
	assert_int_equal(m.data, 123);
	assert_int_equal(m.dt, 0);
}

static void test_statm_kernel_thread(void **state)
{
	struct statm m;

	(void)state;
	memset(&m, 0xff, sizeof m);
	assert_int_equal(statm_fixture("statm/kthread.txt", &m), 0);
	assert_int_equal(m.size, 0);
	assert_int_equal(m.resident, 0);
	assert_int_equal(m.dt, 0);
}

static void test_statm_malformed(void **state)
{
	struct statm m;

	(void)state;
	assert_int_equal(statm_fixture("statm/truncated.txt", &m), -EINVAL);
	assert_int_equal(statm_fixture("statm/empty.txt", &m), -EINVAL);
	assert_int_equal(statm_fixture("statm/garbage.txt", &m), -EINVAL);
	assert_int_equal(statm_fixture("statm/trailing_junk.txt", &m), -EINVAL);
	assert_int_equal(statm_fixture("statm/overflow.txt", &m), -EINVAL);
	assert_int_equal(statm_bytes("1 2 3 4 5 6\n", 12, &m), -EINVAL);   // six fields
	assert_int_equal(statm_bytes("1 2 3 -4 5 6 7\n", 15, &m), -EINVAL);
	assert_int_equal(statm_bytes("\n", 1, &m), -EINVAL);
}

static void test_statm_spacing(void **state)
{
	struct statm m;

	(void)state;
	assert_int_equal(statm_bytes("1 2 3 4 5 6 7", 13, &m), 0);          // no final newline
	assert_int_equal(m.dt, 7);
	assert_int_equal(statm_bytes("  1\t2 3 4 5 6 7 \n", 17, &m), 0);
	assert_int_equal(m.size, 1);
	assert_int_equal(m.resident, 2);
	assert_int_equal(m.dt, 7);
}

// Any cut of the real file before its last digit loses a field.
static void test_statm_every_truncation(void **state)
{
	size_t len;
	char *text = fixture_read("statm/self_real.txt", &len);

	(void)state;
	assert_true(len > 2 && text[len - 1] == '\n');
	for (size_t cut = 0; cut <= len; cut++) {
		struct statm m;

		assert_int_equal(statm_bytes(text, cut, &m), cut < len - 1 ? -EINVAL : 0);
	}
	free(text);
}

/* ---- maps / [heap] ---- */

static void test_heap_real(void **state)
{
	uint64_t kb = 1;

	(void)state;
	// 55eac7f2a000-55eac7f4b000 is 0x21000 bytes.
	assert_int_equal(heap_fixture("maps/self_real.txt", &kb), 0);
	assert_int_equal(kb, 132);
}

static void test_heap_missing_gives_zero(void **state)
{
	uint64_t kb = 1;

	(void)state;
	assert_int_equal(heap_fixture("maps/no_heap.txt", &kb), 0);
	assert_int_equal(kb, 0);
	kb = 1;
	assert_int_equal(heap_fixture("maps/empty.txt", &kb), 0);   // kernel threads
	assert_int_equal(kb, 0);
}

static void test_heap_two_mappings_are_summed(void **state)
{
	uint64_t kb = 0;

	(void)state;
	assert_int_equal(heap_fixture("maps/two_heaps.txt", &kb), 0);
	assert_int_equal(kb, 132 + 2180);
}

static void test_heap_cut_last_line_is_ignored(void **state)
{
	uint64_t kb = 0;

	(void)state;
	assert_int_equal(heap_fixture("maps/cut_last_line.txt", &kb), 0);
	assert_int_equal(kb, 132);
	// The [heap] line itself lacks its newline: it may be cut, so it does not count.
	kb = 1;
	assert_int_equal(heap_fixture("maps/cut_heap_line.txt", &kb), 0);
	assert_int_equal(kb, 0);
}

static void test_heap_name_inside_a_path_does_not_count(void **state)
{
	static const char spaced[] =
		"7f3e10400000-7f3e10800000 rw-s 00000000 00:1f 4243                       /tmp/x [heap]\n";
	static const char glued[] =
		"7f3e10000000-7f3e10400000 rw-s 00000000 00:1f 4242                       /tmp/x[heap]\n";
	uint64_t kb = 1;

	(void)state;
	assert_int_equal(heap_fixture("maps/fake_heap_names.txt", &kb), 0);
	assert_int_equal(kb, 0);
	kb = 1;
	assert_int_equal(heap_bytes(glued, sizeof glued - 1, &kb), 0);
	assert_int_equal(kb, 0);
	// A file name with a space before "[heap]" is still a file, not the heap.
	kb = 1;
	assert_int_equal(heap_bytes(spaced, sizeof spaced - 1, &kb), 0);
	assert_int_equal(kb, 0);
}

static void test_heap_trailing_spaces_and_cr(void **state)
{
	static const char text[] =
		"00e03000-00e24000 rw-p 00000000 00:00 0                                  [heap]  \r\n"
		"00e24000-00e25000 rw-p 00000000 00:00 0 [heap]\n";
	uint64_t kb = 0;

	(void)state;
	assert_int_equal(heap_bytes(text, sizeof text - 1, &kb), 0);
	assert_int_equal(kb, 132 + 4);
}

static void test_heap_malformed(void **state)
{
	static const char bad_stop[] = "00e03000-zz rw-p 00000000 00:00 0 [heap]\n";
	uint64_t kb;

	(void)state;
	assert_int_equal(heap_fixture("maps/heap_reversed.txt", &kb), -EINVAL);
	assert_int_equal(heap_fixture("maps/heap_bad_start.txt", &kb), -EINVAL);
	assert_int_equal(heap_fixture("maps/heap_no_dash.txt", &kb), -EINVAL);
	assert_int_equal(heap_bytes(bad_stop, sizeof bad_stop - 1, &kb), -EINVAL);
	// Not one whole line: nothing can be said.
	assert_int_equal(heap_fixture("maps/single_partial_line.txt", &kb), -EINVAL);
}

// Every cut of the real file: ASan sees over-reads, and the heap counts
// exactly when its whole line (with newline) is inside the cut.
static void test_heap_every_truncation(void **state)
{
	size_t len;
	char *text = fixture_read("maps/self_real.txt", &len);
	char *copy = malloc(len + 1);
	size_t first_nl, heap_nl;

	(void)state;
	memcpy(copy, text, len);
	copy[len] = '\0';
	first_nl = (size_t)(strchr(copy, '\n') - copy);
	heap_nl = (size_t)(strchr(strstr(copy, "[heap]"), '\n') - copy);
	free(copy);
	for (size_t cut = 0; cut <= len; cut++) {
		uint64_t kb = 99;
		int rc = heap_bytes(text, cut, &kb);

		if (cut > 0 && cut <= first_nl) {
			assert_int_equal(rc, -EINVAL);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(kb, cut > heap_nl ? 132 : 0);
	}
	free(text);
}

/* ---- cgroup ---- */

static void test_cgroup_hybrid_prefers_v1_memory(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(cgroup_fixture("cgroup/hybrid_real.txt", 256, &out), 0);
	assert_string_equal(out, "/process_api/33193eab4a3bd106abb738057295318a");
	free(out);
}

static void test_cgroup_v2_only(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(cgroup_fixture("cgroup/v2_only.txt", 256, &out), 0);
	assert_string_equal(out, "/user.slice/user-1000.slice/user@1000.service/app.slice/"
			    "app-org.gnome.Terminal.slice/vte-spawn-5a1c.scope");
	free(out);
	assert_int_equal(cgroup_bytes("0::/\n", 5, 8, &out), 0);
	assert_string_equal(out, "/");
	free(out);
}

static void test_cgroup_v1_comounted_memory(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(cgroup_fixture("cgroup/v1_comounted.txt", 64, &out), 0);
	assert_string_equal(out, "/x");
	free(out);
}

static void test_cgroup_memory_line_wins_wherever_it_is(void **state)
{
	static const char text[] = "0::/v2path\n4:memory:/v1path\n";
	char *out;

	(void)state;
	assert_int_equal(cgroup_bytes(text, sizeof text - 1, 64, &out), 0);
	assert_string_equal(out, "/v1path");
	free(out);
}

static void test_cgroup_controller_names_match_exactly(void **state)
{
	static const char text[] = "6:memoryx:/a\n5:xmemory,cpu:/b\n4:name=memory:/c\n0::/v2\n";
	char *out;

	(void)state;
	assert_int_equal(cgroup_bytes(text, sizeof text - 1, 64, &out), 0);
	assert_string_equal(out, "/v2");
	free(out);
}

static void test_cgroup_path_may_hold_colons(void **state)
{
	static const char text[] = "0::/a:b:c\n";
	char *out;

	(void)state;
	assert_int_equal(cgroup_bytes(text, sizeof text - 1, 64, &out), 0);
	assert_string_equal(out, "/a:b:c");
	free(out);
}

static void test_cgroup_malformed(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(cgroup_fixture("cgroup/empty.txt", 64, &out), -EINVAL);
	free(out);
	assert_int_equal(cgroup_fixture("cgroup/garbage.txt", 64, &out), -EINVAL);
	free(out);
	assert_int_equal(cgroup_fixture("cgroup/v1_no_memory.txt", 64, &out), -EINVAL);
	free(out);
	assert_int_equal(cgroup_fixture("cgroup/truncated_mid_key.txt", 64, &out), -EINVAL);
	free(out);
	assert_int_equal(cgroup_fixture("cgroup/blank_line.txt", 64, &out), -EINVAL);
	free(out);
	assert_int_equal(cgroup_bytes("0:", 2, 64, &out), -EINVAL);
	free(out);
}

// A cut inside the last path cannot be told from a shorter path: cgroup
// paths end only at the newline. The parser returns what it has.
static void test_cgroup_cut_inside_last_path(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(cgroup_fixture("cgroup/truncated_mid_path.txt", 64, &out), 0);
	assert_string_equal(out, "/docker/3f");
	free(out);
}

static void test_cgroup_capacity(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(cgroup_bytes("0::/abc\n", 8, 0, &out), -EINVAL);
	free(out);
	assert_int_equal(cgroup_bytes("0::/abc\n", 8, 1, &out), 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(cgroup_bytes("0::/abc\n", 8, 3, &out), 0);
	assert_string_equal(out, "/a");
	free(out);
	assert_int_equal(cgroup_bytes("0::/abc\n", 8, 5, &out), 0);
	assert_string_equal(out, "/abc");
	free(out);
	assert_int_equal(cgroup_fixture("cgroup/hybrid_real.txt", 6, &out), 0);
	assert_string_equal(out, "/proc");
	free(out);
}

// Every cut of the real hybrid file: no over-read, and a success only
// ever gives a prefix of the true path.
static void test_cgroup_every_truncation(void **state)
{
	size_t len;
	char *text = fixture_read("cgroup/hybrid_real.txt", &len);

	(void)state;
	for (size_t cut = 0; cut <= len; cut++) {
		char *out;
		int rc = cgroup_bytes(text, cut, 128, &out);

		assert_true(rc == 0 || rc == -EINVAL);
		if (rc == 0)
			assert_true(strncmp(out, "/process_api/33193eab4a3bd106abb738057295318a",
					    strlen(out)) == 0);
		free(out);
	}
	free(text);
}

/* ---- stat ---- */

static void test_stat_real(void **state)
{
	uint64_t start = 0;

	(void)state;
	assert_int_equal(stat_fixture("stat/self_real.txt", &start), 0);
	assert_int_equal(start, 62275);
}

static void test_stat_comm_with_spaces_and_parens(void **state)
{
	uint64_t start = 0;

	(void)state;
	assert_int_equal(stat_fixture("stat/comm_parens.txt", &start), 0);   // comm "(a) b)"
	assert_int_equal(start, 987654);
	assert_int_equal(stat_fixture("stat/kthread.txt", &start), 0);       // comm "kworker/0:1 (x)"
	assert_int_equal(start, 1234);
}

// procparse_stat_ident: what a lazily listed process shows before its other
// files are read — comm (with its parentheses), state, ppid, flags, start.
static void test_stat_ident(void **state)
{
	struct stat_ident id;
	size_t len;
	char *buf = fixture_read("stat/kthread.txt", &len);

	(void)state;
	assert_int_equal(procparse_stat_ident(buf, len, &id), 0);
	assert_int_equal(id.comm_len, strlen("kworker/0:1 (x)"));
	assert_memory_equal(id.comm, "kworker/0:1 (x)", id.comm_len);
	assert_int_equal(id.state, 'I');
	assert_int_equal(id.ppid, 2);
	assert_int_equal(id.flags, 69238880);          // PF_KTHREAD (0x200000) is set
	assert_true(id.flags & 0x00200000);
	assert_int_equal(id.start_ticks, 1234);
	free(buf);
	buf = fixture_read("stat/comm_parens.txt", &len);
	assert_int_equal(procparse_stat_ident(buf, len, &id), 0);
	assert_memory_equal(id.comm, "(a) b)", id.comm_len);
	assert_int_equal(id.ppid, 1);
	assert_int_equal(id.flags, 4194560);
	assert_int_equal(id.start_ticks, 987654);
	free(buf);
	// Cut before the start time, or with no comm: rejected.
	buf = fixture_read("stat/truncated_before_start.txt", &len);
	assert_int_equal(procparse_stat_ident(buf, len, &id), -EINVAL);
	free(buf);
	buf = fixture_read("stat/no_paren.txt", &len);
	assert_int_equal(procparse_stat_ident(buf, len, &id), -EINVAL);
	free(buf);
}

// procparse_stat_exec: where the code and the stack start (fields 26, 28),
// the exec signal; 0 for a kernel thread; a comm with ") " does not shift
// them; text cut before field 28 (or inside it) is rejected.
static void test_stat_exec(void **state)
{
	struct stat_exec ex;
	size_t len;
	char *buf = fixture_read("stat/self_real.txt", &len);

	(void)state;
	assert_int_equal(procparse_stat_exec(buf, len, &ex), 0);
	assert_int_equal(ex.start_code, 94601664761856ULL);
	assert_int_equal(ex.start_stack, 140731383332816ULL);
	// Cut inside the stack field: not a number to trust.
	assert_int_equal(procparse_stat_exec(buf, (size_t)(strstr(buf, "140731383332816") - buf) + 6, &ex),
			 -EINVAL);
	free(buf);
	buf = fixture_read("stat/kthread.txt", &len);
	assert_int_equal(procparse_stat_exec(buf, len, &ex), 0);
	assert_int_equal(ex.start_code, 0);
	assert_int_equal(ex.start_stack, 0);
	free(buf);
	buf = fixture_read("stat/comm_parens.txt", &len);
	assert_int_equal(procparse_stat_exec(buf, len, &ex), 0);
	assert_int_equal(ex.start_code, 1);
	assert_int_equal(ex.start_stack, 0);
	free(buf);
	buf = fixture_read("stat/truncated_before_start.txt", &len);
	assert_int_equal(procparse_stat_exec(buf, len, &ex), -EINVAL);
	free(buf);
	buf = test_bytes("1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0 0 7", 55);
	assert_int_equal(procparse_stat_exec(buf, 55, &ex), -EINVAL);   // ends at field 26
	free(buf);
}

static void test_stat_comm_cannot_forge_fields(void **state)
{
	// The comm "x) S 1 1 1 0 -1" looks like the start of the fields; the last ')' wins.
	static const char text[] =
		"9 (x) S 1 1 1 0 -1) S 1 9 9 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 555 1 1\n";
	static const char newline_comm[] =
		"9 (a\nb) S 1 9 9 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 777 1 1\n";
	uint64_t start = 0;

	(void)state;
	assert_int_equal(stat_bytes(text, sizeof text - 1, &start), 0);
	assert_int_equal(start, 555);
	assert_int_equal(stat_bytes(newline_comm, sizeof newline_comm - 1, &start), 0);
	assert_int_equal(start, 777);
}

static void test_stat_malformed(void **state)
{
	uint64_t start;

	(void)state;
	assert_int_equal(stat_fixture("stat/empty.txt", &start), -EINVAL);
	assert_int_equal(stat_fixture("stat/no_paren.txt", &start), -EINVAL);
	assert_int_equal(stat_fixture("stat/truncated_before_start.txt", &start), -EINVAL);
	assert_int_equal(stat_fixture("stat/start_not_number.txt", &start), -EINVAL);
	assert_int_equal(stat_bytes("1 (x)", 5, &start), -EINVAL);
	assert_int_equal(stat_bytes("1 (x) ", 6, &start), -EINVAL);
}

// A cut inside the start time must not yield a smaller start time: the
// field is never the last one, so a whole field is followed by a space.
static void test_stat_cut_inside_start_time(void **state)
{
	uint64_t start = 0;

	(void)state;
	assert_int_equal(stat_fixture("stat/truncated_mid_start.txt", &start), -EINVAL);
}

static void test_stat_every_truncation(void **state)
{
	size_t len;
	char *text = fixture_read("stat/self_real.txt", &len);
	char *copy = malloc(len + 1);
	size_t after;   // offset just past the start time's digits

	(void)state;
	memcpy(copy, text, len);
	copy[len] = '\0';
	after = (size_t)(strstr(copy, " 62275 ") - copy) + 6;
	free(copy);
	for (size_t cut = 0; cut <= len; cut++) {
		uint64_t start = 0;
		int rc = stat_bytes(text, cut, &start);

		if (cut <= after) {
			assert_int_equal(rc, -EINVAL);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(start, 62275);
		}
	}
	free(text);
}

static void test_stat_state(void **state)
{
	static const struct { const char *file; char want; } cases[] = {
		{ "stat/self_real.txt", 'R' }, { "stat/comm_parens.txt", 0 }, { "stat/kthread.txt", 0 },
	};
	size_t len;
	char st = 0;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *buf = fixture_read(cases[i].file, &len);

		assert_int_equal(procparse_stat_state(buf, len, &st), 0);
		assert_true(strchr("RSDZTtXIPKWx", st) != NULL);
		if (cases[i].want)
			assert_int_equal(st, cases[i].want);
		free(buf);
	}
	// The state follows the last ')': a comm of "(a) S" must not fool it.
	{
		static const char text[] = "42 ((a) S) Z 1 2 3";
		char *buf = test_bytes(text, sizeof text - 1);

		assert_int_equal(procparse_stat_state(buf, sizeof text - 1, &st), 0);
		assert_int_equal(st, 'Z');
		free(buf);
	}
	for (size_t cut = 0; cut < 8; cut++) {      // cut before the state letter: -EINVAL
		static const char text[] = "42 (x) S 1";
		char *buf = test_bytes(text, cut);

		assert_int_equal(procparse_stat_state(buf, cut, &st), -EINVAL);
		free(buf);
	}
}

static void test_cgroup_both_paths(void **state)
{
	static const char hybrid[] = "9:name=systemd:/\n4:memory:/a/b\n1:cpu:/\n0::/c d\n";
	static const char v2only[] = "0::/user.slice/x.scope\n";
	static const char v1only[] = "5:cpu,memory:/m\n";
	char v2[64], v1[64], tiny[4], *buf;

	(void)state;
	buf = test_bytes(hybrid, sizeof hybrid - 1);
	assert_int_equal(procparse_cgroup_paths(buf, sizeof hybrid - 1, v2, sizeof v2, v1, sizeof v1), 0);
	assert_string_equal(v2, "/c d");
	assert_string_equal(v1, "/a/b");
	assert_int_equal(procparse_cgroup_paths(buf, sizeof hybrid - 1, tiny, sizeof tiny, v1, sizeof v1), 0);
	assert_string_equal(tiny, "/c ");                       // cut to the capacity
	free(buf);
	buf = test_bytes(v2only, sizeof v2only - 1);
	assert_int_equal(procparse_cgroup_paths(buf, sizeof v2only - 1, v2, sizeof v2, v1, sizeof v1), 0);
	assert_string_equal(v2, "/user.slice/x.scope");
	assert_string_equal(v1, "");
	free(buf);
	buf = test_bytes(v1only, sizeof v1only - 1);
	assert_int_equal(procparse_cgroup_paths(buf, sizeof v1only - 1, v2, sizeof v2, v1, sizeof v1), 0);
	assert_string_equal(v2, "");
	assert_string_equal(v1, "/m");
	free(buf);
	buf = test_bytes("garbage\n", 8);
	assert_int_equal(procparse_cgroup_paths(buf, 8, v2, sizeof v2, v1, sizeof v1), -EINVAL);
	free(buf);
	assert_int_equal(procparse_cgroup_paths("", 0, v2, sizeof v2, v1, sizeof v1), -EINVAL);
}

/* ---- vmstat (oom_kill) ---- */

static int vmstat_bytes(const char *s, size_t len, uint64_t *v)
{
	char *buf = test_bytes(s, len);
	int rc = procparse_vmstat_oom_kill(buf, len, v);

	free(buf);
	return rc;
}

static int vmstat_fixture(const char *rel, uint64_t *v)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	int rc = procparse_vmstat_oom_kill(buf, len, v);

	free(buf);
	return rc;
}

// The string s (a literal) through an exact-size buffer.
#define VMSTAT(s, v) vmstat_bytes(s, sizeof s - 1, v)

// This machine's file: no OOM kill yet, so the counter reads 0 (over a
// value that is not 0, so that "not written" cannot pass).
static void test_vmstat_real(void **state)
{
	uint64_t v = 12345;

	(void)state;
	assert_int_equal(vmstat_fixture("vmstat/real.txt", &v), 0);
	assert_int_equal(v, 0);
}

// A kernel before 4.13 has no oom_kill line.
static void test_vmstat_without_oom_kill(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(vmstat_fixture("vmstat/no_oom_kill.txt", &v), -ENOENT);
	assert_int_equal(VMSTAT("", &v), -ENOENT);
	assert_int_equal(VMSTAT("nr_free_pages 3\n", &v), -ENOENT);
}

// A read cut short: the complete oom_kill line still counts; one cut inside
// it does not.
static void test_vmstat_truncated(void **state)
{
	uint64_t v = 12345;

	(void)state;
	assert_int_equal(vmstat_fixture("vmstat/truncated_after.txt", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(vmstat_fixture("vmstat/truncated_inside.txt", &v), -EINVAL);
	assert_int_equal(VMSTAT("pgfault 9\noom_kill 12", &v), -EINVAL);   // 12 may be 123
	assert_int_equal(VMSTAT("pgfault 9\noom_kill", &v), -ENOENT);      // may be oom_kill_x
}

// Only the whole key counts: not a longer one, not one ending in it.
static void test_vmstat_key_matched_whole(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(VMSTAT("oom_kill_foo 5\noom_kill 7\n", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(VMSTAT("xoom_kill 5\npgoom_kill 6\noom_killer 8\n", &v), -ENOENT);
	assert_int_equal(VMSTAT("oom_kil 5\n oom_kill 6\n", &v), -ENOENT);
	assert_int_equal(VMSTAT("nr_oom_kill 5\noom_kill 18446744073709551615\n", &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(VMSTAT("oom_kill 3\noom_kill 4\n", &v), 0);         // the first
	assert_int_equal(v, 3);
}

// The oom_kill line with anything but one decimal and a newline.
static void test_vmstat_malformed(void **state)
{
	static const char *const bad[] = {
		"oom_kill\n", "oom_kill \n", "oom_kill x\n", "oom_kill 12a\n", "oom_kill -1\n",
		"oom_kill  5\n", "oom_kill\t5\n", "oom_kill 5 \n", "oom_kill 18446744073709551616\n",
		"a 1\noom_kill 5\r\n",
	};
	uint64_t v = 0;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (vmstat_bytes(bad[i], strlen(bad[i]), &v) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
}

// Every cut of the real file, each in an exact-size buffer (ASan sees a
// read past it): not found before the oom_kill line, malformed inside it,
// the value once its newline is in.
static void test_vmstat_every_truncation(void **state)
{
	size_t len, key, eol;
	char *text = fixture_read("vmstat/real.txt", &len);
	const char *at = memmem(text, len, "\noom_kill ", 10);

	(void)state;
	assert_non_null(at);
	key = (size_t)(at + 1 - text);
	eol = (size_t)((const char *)memchr(at + 1, '\n', len - key) - text);
	for (size_t cut = 0; cut <= len; cut++) {
		uint64_t v = 12345;
		int want = cut <= key + 8 ? -ENOENT : cut <= eol ? -EINVAL : 0;

		assert_int_equal(vmstat_bytes(text, cut, &v), want);
		if (want == 0)
			assert_int_equal(v, 0);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statm_real),
		cmocka_unit_test(test_statm_kernel_thread),
		cmocka_unit_test(test_statm_malformed),
		cmocka_unit_test(test_statm_spacing),
		cmocka_unit_test(test_statm_every_truncation),
		cmocka_unit_test(test_heap_real),
		cmocka_unit_test(test_heap_missing_gives_zero),
		cmocka_unit_test(test_heap_two_mappings_are_summed),
		cmocka_unit_test(test_heap_cut_last_line_is_ignored),
		cmocka_unit_test(test_heap_name_inside_a_path_does_not_count),
		cmocka_unit_test(test_heap_trailing_spaces_and_cr),
		cmocka_unit_test(test_heap_malformed),
		cmocka_unit_test(test_heap_every_truncation),
		cmocka_unit_test(test_cgroup_hybrid_prefers_v1_memory),
		cmocka_unit_test(test_cgroup_v2_only),
		cmocka_unit_test(test_cgroup_v1_comounted_memory),
		cmocka_unit_test(test_cgroup_memory_line_wins_wherever_it_is),
		cmocka_unit_test(test_cgroup_controller_names_match_exactly),
		cmocka_unit_test(test_cgroup_path_may_hold_colons),
		cmocka_unit_test(test_cgroup_malformed),
		cmocka_unit_test(test_cgroup_cut_inside_last_path),
		cmocka_unit_test(test_cgroup_capacity),
		cmocka_unit_test(test_cgroup_every_truncation),
		cmocka_unit_test(test_stat_real),
		cmocka_unit_test(test_stat_comm_with_spaces_and_parens),
		cmocka_unit_test(test_stat_ident),
		cmocka_unit_test(test_stat_exec),
		cmocka_unit_test(test_stat_comm_cannot_forge_fields),
		cmocka_unit_test(test_stat_malformed),
		cmocka_unit_test(test_stat_cut_inside_start_time),
		cmocka_unit_test(test_stat_every_truncation),
		cmocka_unit_test(test_stat_state),
		cmocka_unit_test(test_cgroup_both_paths),
		cmocka_unit_test(test_vmstat_real),
		cmocka_unit_test(test_vmstat_without_oom_kill),
		cmocka_unit_test(test_vmstat_truncated),
		cmocka_unit_test(test_vmstat_key_matched_whole),
		cmocka_unit_test(test_vmstat_malformed),
		cmocka_unit_test(test_vmstat_every_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
