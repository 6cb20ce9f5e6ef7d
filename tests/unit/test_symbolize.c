/* test_symbolize.c — the symboliser on live processes: the fixture programs
 * of tests/fixtures/elf (built by build.sh at test-build time) print the
 * runtime addresses of their functions; those addresses, and the ends of
 * the functions as nm sizes them, resolve to the exact names and offsets in
 * a PIE, a non-PIE, a shared library, through a debug link (beside the
 * program and under the debug root) and a build-id debug root; stripped
 * files give offsets; addresses outside every mapping "[unknown]"; a
 * process that exits resolves nothing; a hostile, deleted file name comes
 * out sanitised; a library's mappings share one read; a library loaded
 * later is found after a refresh, and the strings handed out outlive it;
 * maps lines parsed. */
#include "fixture.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc/mapsline.h"
#include "proc/symbolize.h"
#include "util/text.h"

#ifndef ELF_FIXTURES
#error "ELF_FIXTURES must name build/generated/elf"
#endif

#define NO_ROOT ELF_FIXTURES "/no-debug-root"

struct child {
	pid_t pid;
	int in;                     // its standard input: closing it ends it
	FILE *out;
	struct {
		char name[64];
		uint64_t addr;
	} fn[16];
	int nfn;
};

// Starts path (argv[0] = path) and reads its "NAME 0xADDR" lines to "ready".
static void child_start(struct child *c, const char *path)
{
	int in[2], out[2];
	char line[256];

	memset(c, 0, sizeof *c);
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (c->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	c->in = in[1];
	c->out = fdopen(out[0], "r");
	assert_non_null(c->out);
	while (fgets(line, sizeof line, c->out)) {
		if (strcmp(line, "ready\n") == 0)
			return;
		assert_true(c->nfn < 16);
		assert_int_equal(sscanf(line, "%63s %" SCNx64, c->fn[c->nfn].name, &c->fn[c->nfn].addr), 2);
		c->nfn++;
	}
	fail_msg("%s did not start", path);
}

// Ends the child (its stdin closed) and reaps it.
static void child_stop(struct child *c)
{
	int st;

	close(c->in);
	fclose(c->out);
	assert_int_equal(waitpid(c->pid, &st, 0), c->pid);
}

// The runtime address the child printed for name.
static uint64_t child_addr(const struct child *c, const char *name)
{
	for (int i = 0; i < c->nfn; i++)
		if (strcmp(c->fn[i].name, name) == 0)
			return c->fn[i].addr;
	fail_msg("no address for %s", name);
	return 0;
}

// nm's address and size of a defined symbol (nm -S, generated beside the file).
static void nm_fact(const char *file, const char *name, uint64_t *addr, uint64_t *size)
{
	char path[512], line[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.nm", ELF_FIXTURES, file);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		char type, sym[256];
		uint64_t a, z;

		if (sscanf(line, "%" SCNx64 " %" SCNx64 " %c %255s", &a, &z, &type, sym) == 4 &&
		    strcmp(sym, name) == 0) {
			*addr = a, *size = z;
			fclose(f);
			return;
		}
	}
	fclose(f);
	fail_msg("nm has no size for %s in %s", name, file);
}

// The address nm gives the text symbol after addr (the end of a size-0 one).
static uint64_t nm_next(const char *file, uint64_t addr)
{
	char path[512], line[512];
	uint64_t best = UINT64_MAX;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.nm", ELF_FIXTURES, file);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		uint64_t a;
		char type;

		if ((sscanf(line, "%" SCNx64 " %*x %c", &a, &type) == 2 ||
		     sscanf(line, "%" SCNx64 " %c", &a, &type) == 2) &&
		    (type == 'T' || type == 't') && a > addr && a < best)
			best = a;
	}
	fclose(f);
	assert_true(best != UINT64_MAX);
	return best;
}

// Resolves ip and checks name, offset and file.
static void expect(struct symbolizer *s, uint64_t ip, const char *func, uint64_t offset,
		   const char *file)
{
	struct alloc_frame fr;
	bool found = symbolizer_resolve(s, ip, &fr);

	assert_int_equal(fr.ip, ip);
	if (func) {
		assert_true(found);
		assert_non_null(fr.func);
		assert_string_equal(fr.func, func);
	} else {
		assert_false(found);
		assert_null(fr.func);
	}
	assert_int_equal(fr.offset, offset);
	assert_string_equal(fr.file, file);
}

// Every function the child printed, at +1 and at its end (nm's size: a
// return address just past a call that ends the function resolves to it).
static void expect_functions(struct symbolizer *s, const struct child *c, const char *nmfile,
			     const char *file, const char *const *names)
{
	for (; *names; names++) {
		uint64_t addr = child_addr(c, *names), nm_addr, size;

		nm_fact(nmfile, *names, &nm_addr, &size);
		assert_true(size > 1);
		expect(s, addr + 1, *names, 1, file);
		expect(s, addr + size, *names, size, file);
		expect(s, addr + size / 2, *names, size / 2, file);
	}
}

static const char *const prog_funcs[] = { "fix_alpha", "fix_beta", "main", NULL };
static const char *const lib_funcs[] = { "libfix_gamma", "libfix_delta", NULL };

// The size-0 fix_nosize covers up to the next function; the aliased
// __fix_impl/_fix_under/fix_public is named fix_public.
static void expect_nosize_and_alias(struct symbolizer *s, const struct child *c, const char *nmfile,
				    const char *file)
{
	uint64_t nosize = child_addr(c, "fix_nosize"), nm_addr, size;

	nm_fact(nmfile, "fix_alpha", &nm_addr, &size);
	// fix_nosize's nm address: fix_alpha's minus the runtime distance.
	{
		uint64_t nm_nosize = nm_addr - (child_addr(c, "fix_alpha") - nosize);
		uint64_t len = nm_next(nmfile, nm_nosize) - nm_nosize;

		expect(s, nosize + 1, "fix_nosize", 1, file);
		expect(s, nosize + len, "fix_nosize", len, file);
	}
	nm_fact(nmfile, "fix_public", &nm_addr, &size);
	expect(s, child_addr(c, "fix_public") + 2, "fix_public", 2, file);
	expect(s, child_addr(c, "fix_public") + size, "fix_public", size, file);
}

// The start of the first mapping of a file named like name (its offset 0).
static uint64_t first_mapping(pid_t pid, const char *name)
{
	char path[64], line[1024];
	uint64_t start = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (!start && fgets(line, sizeof line, f)) {
		const char *base = strrchr(line, '/');

		if (base && strcmp(base + 1, name) == 0)
			assert_int_equal(sscanf(line, "%" SCNx64, &start), 1);
	}
	fclose(f);
	assert_true(start != 0);
	return start;
}

// libfix.so's four mappings share one read: an address in another of them
// reads nothing more and names the same string.
static void expect_one_read(struct symbolizer *s, const struct child *c)
{
	struct alloc_frame code, head;
	size_t before;

	assert_true(symbolizer_resolve(s, child_addr(c, "libfix_gamma") + 1, &code));
	before = symbolizer_memory(s);
	symbolizer_resolve(s, first_mapping(c->pid, "libfix.so\n") + 0x10, &head);
	assert_null(head.func);
	assert_int_equal(head.offset, 0x10);
	assert_ptr_equal(head.file, code.file);
	assert_int_equal(symbolizer_memory(s), before);
}

static void test_pie_and_library(void **state)
{
	struct child c;
	struct symbolizer *s;

	(void)state;
	child_start(&c, ELF_FIXTURES "/prog-pie");
	s = symbolizer_open_at(c.pid, NO_ROOT);
	assert_non_null(s);
	expect_functions(s, &c, "prog-pie", "prog-pie", prog_funcs);
	expect_functions(s, &c, "libfix.so", "libfix.so", lib_funcs);
	expect_nosize_and_alias(s, &c, "prog-pie", "prog-pie");
	assert_false(symbolizer_exe_stripped(s));
	expect_one_read(s, &c);
	symbolizer_close(s);
	child_stop(&c);
}

// A non-PIE executable: its code's virtual addresses are not its file
// offsets, so the segment arithmetic shows.
static void test_non_pie(void **state)
{
	struct child c;
	struct symbolizer *s;

	(void)state;
	child_start(&c, ELF_FIXTURES "/prog-nopie");
	s = symbolizer_open_at(c.pid, NO_ROOT);
	assert_non_null(s);
	expect_functions(s, &c, "prog-nopie", "prog-nopie", prog_funcs);
	expect_nosize_and_alias(s, &c, "prog-nopie", "prog-nopie");
	assert_false(symbolizer_exe_stripped(s));
	symbolizer_close(s);
	child_stop(&c);
}

// Stripped (strip -s): only offsets for the executable; the library it
// loads still resolves.
static void test_stripped(void **state)
{
	struct child c;
	struct symbolizer *s;
	uint64_t nm_addr, size;

	(void)state;
	child_start(&c, ELF_FIXTURES "/prog-stripped");
	s = symbolizer_open_at(c.pid, NO_ROOT);
	assert_non_null(s);
	nm_fact("prog-pie", "fix_alpha", &nm_addr, &size);
	// GNU ld lays a PIE's text out at file offset == virtual address.
	expect(s, child_addr(&c, "fix_alpha") + 1, NULL, nm_addr + 1, "prog-stripped");
	expect_functions(s, &c, "libfix.so", "libfix.so", lib_funcs);
	assert_true(symbolizer_exe_stripped(s));
	symbolizer_close(s);
	child_stop(&c);
}

// Addresses in no mapping: "[unknown]", the address as the offset.
static void test_unknown(void **state)
{
	struct child c;
	struct symbolizer *s;

	(void)state;
	child_start(&c, ELF_FIXTURES "/prog-nopie");
	s = symbolizer_open_at(c.pid, NO_ROOT);
	assert_non_null(s);
	expect(s, 8, NULL, 8, "[unknown]");
	expect(s, 0xffffffffff600000ull - 1, NULL, 0xffffffffff600000ull - 1, "[unknown]");
	assert_false(symbolizer_covers(s, 8));
	assert_true(symbolizer_covers(s, child_addr(&c, "main")));
	symbolizer_close(s);
	child_stop(&c);
}

// A process gone before its files were read: its mappings are known, its
// files read from our root (same device and inode), and a refresh that
// fails keeps them. One gone before opening resolves nothing.
static void test_exited(void **state)
{
	struct child c;
	struct symbolizer *s;
	uint64_t main_ip;

	(void)state;
	child_start(&c, ELF_FIXTURES "/prog-nopie");
	main_ip = child_addr(&c, "main");
	s = symbolizer_open_at(c.pid, NO_ROOT);
	assert_non_null(s);
	child_stop(&c);
	assert_true(symbolizer_refresh(s) < 0);
	expect_functions(s, &c, "prog-nopie", "prog-nopie", prog_funcs);
	assert_false(symbolizer_exe_stripped(s));
	assert_true(symbolizer_covers(s, main_ip));
	symbolizer_close(s);

	s = symbolizer_open_at(c.pid, NO_ROOT);
	assert_non_null(s);
	expect(s, main_ip + 1, NULL, main_ip + 1, "[unknown]");
	assert_false(symbolizer_exe_stripped(s));
	symbolizer_close(s);
}

// A program replaced at its path (a new inode) after it exited is not read
// in its stead.
static void test_exited_replaced(void **state)
{
	char dir[] = "/tmp/memtop-syms-XXXXXX", path[128], cmd[512];
	struct child c;
	struct symbolizer *s;
	struct alloc_frame fr;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/prog", dir);
	snprintf(cmd, sizeof cmd, "cp '%s/prog-nopie' '%s'", ELF_FIXTURES, path);
	assert_int_equal(system(cmd), 0);
	child_start(&c, path);
	s = symbolizer_open_at(c.pid, NO_ROOT);
	assert_non_null(s);
	child_stop(&c);
	// Another build at the same path: its main lies elsewhere.
	snprintf(cmd, sizeof cmd, "cp '%s/prog-pie' '%s.new' && mv '%s.new' '%s'", ELF_FIXTURES, path,
		 path, path);
	assert_int_equal(system(cmd), 0);
	assert_false(symbolizer_resolve(s, child_addr(&c, "fix_alpha") + 1, &fr));
	assert_null(fr.func);
	assert_string_equal(fr.file, "prog");
	symbolizer_close(s);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

// The debug file by .gnu_debuglink in .debug/ beside the program.
static void test_debuglink(void **state)
{
	struct child c;
	struct symbolizer *s;

	(void)state;
	child_start(&c, ELF_FIXTURES "/prog-dl");
	s = symbolizer_open_at(c.pid, NO_ROOT);
	assert_non_null(s);
	expect_functions(s, &c, "prog-pie", "prog-dl", prog_funcs);
	assert_false(symbolizer_exe_stripped(s));
	symbolizer_close(s);
	child_stop(&c);
}

// The debug file by .gnu_debuglink under the debug root, at the program's
// directory; not without that root.
static void test_debuglink_under_root(void **state)
{
	struct child c;
	struct symbolizer *s;

	(void)state;
	child_start(&c, ELF_FIXTURES "/prog-dlroot");
	s = symbolizer_open_at(c.pid, ELF_FIXTURES "/debugroot");
	assert_non_null(s);
	expect_functions(s, &c, "prog-pie", "prog-dlroot", prog_funcs);
	assert_false(symbolizer_exe_stripped(s));
	symbolizer_close(s);
	s = symbolizer_open_at(c.pid, NO_ROOT);
	assert_non_null(s);
	assert_true(symbolizer_exe_stripped(s));
	symbolizer_close(s);
	child_stop(&c);
}

// A debug link whose file has another CRC is not used.
static void test_debuglink_bad_crc(void **state)
{
	struct child c;
	struct symbolizer *s;
	uint64_t nm_addr, size;

	(void)state;
	child_start(&c, ELF_FIXTURES "/prog-badcrc");
	s = symbolizer_open_at(c.pid, NO_ROOT);
	assert_non_null(s);
	nm_fact("prog-pie", "fix_alpha", &nm_addr, &size);
	expect(s, child_addr(&c, "fix_alpha") + 1, NULL, nm_addr + 1, "prog-badcrc");
	assert_true(symbolizer_exe_stripped(s));
	symbolizer_close(s);
	child_stop(&c);
}

// The debug file by build id under the debug root; not without it.
static void test_build_id(void **state)
{
	struct child c;
	struct symbolizer *s;

	(void)state;
	child_start(&c, ELF_FIXTURES "/prog-bid");
	s = symbolizer_open_at(c.pid, ELF_FIXTURES "/debugroot");
	assert_non_null(s);
	expect_functions(s, &c, "prog-nopie", "prog-bid", prog_funcs);
	assert_false(symbolizer_exe_stripped(s));
	symbolizer_close(s);

	// No debug root, and one whose file there has another build id.
	for (int i = 0; i < 2; i++) {
		struct alloc_frame fr;

		s = symbolizer_open_at(c.pid, i == 0 ? NO_ROOT : ELF_FIXTURES "/wrongroot");
		assert_non_null(s);
		assert_true(symbolizer_exe_stripped(s));
		assert_false(symbolizer_resolve(s, child_addr(&c, "main") + 1, &fr));
		assert_null(fr.func);
		symbolizer_close(s);
	}
	child_stop(&c);
}

// A program under a name with a newline, an escape and a bidi override,
// deleted while it runs: named sanitised, still resolved (map_files).
static void test_hostile_deleted_name(void **state)
{
	static const char name[] = "pr\nog\x1b[31m\xe2\x80\xae x";
	char dir[] = "/tmp/memtop-syms-XXXXXX", path[256], want[256], cmd[600];
	struct child c;
	struct symbolizer *s;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(cmd, sizeof cmd, "cp '%s/prog-nopie' '%s'", ELF_FIXTURES, path);
	assert_int_equal(system(cmd), 0);
	child_start(&c, path);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	s = symbolizer_open_at(c.pid, NO_ROOT);
	assert_non_null(s);
	text_sanitize(name, strlen(name), want, sizeof want);
	assert_null(strchr(want, '\n'));
	assert_null(strchr(want, '\x1b'));
	// As root (map_files) the deleted file is still read.
	if (geteuid() == 0)
		expect_functions(s, &c, "prog-nopie", want, prog_funcs);
	else {
		struct alloc_frame fr;

		symbolizer_resolve(s, child_addr(&c, "main") + 1, &fr);
		assert_string_equal(fr.file, want);
	}
	symbolizer_close(s);
	child_stop(&c);
}

// This process loads libfix.so after the symboliser read its maps: the
// address is outside them until a refresh; a string handed out before the
// refresh is still valid after it (the files stay cached).
static void test_refresh_after_dlopen(void **state)
{
	struct symbolizer *s = symbolizer_open_at(getpid(), NO_ROOT);
	struct alloc_frame before, after;
	uint64_t gamma, nm_addr, size;
	void *h;

	(void)state;
	assert_non_null(s);
	assert_true(symbolizer_resolve(s, (uint64_t)(uintptr_t)expect + 1, &before));
	assert_string_equal(before.func, "expect");
	h = dlopen(ELF_FIXTURES "/libfix.so", RTLD_NOW | RTLD_LOCAL);
	assert_non_null(h);
	gamma = (uint64_t)(uintptr_t)dlsym(h, "libfix_gamma");
	assert_true(gamma != 0);
	nm_fact("libfix.so", "libfix_gamma", &nm_addr, &size);
	assert_false(symbolizer_covers(s, gamma));
	expect(s, gamma + 1, NULL, gamma + 1, "[unknown]");
	assert_int_equal(symbolizer_refresh(s), 0);
	assert_true(symbolizer_covers(s, gamma));
	expect(s, gamma + 3, "libfix_gamma", 3, "libfix.so");
	expect(s, gamma + size, "libfix_gamma", size, "libfix.so");
	assert_true(symbolizer_resolve(s, (uint64_t)(uintptr_t)expect + 1, &after));
	assert_ptr_equal(after.func, before.func);
	assert_ptr_equal(after.file, before.file);
	assert_true(symbolizer_memory(s) > 0);
	symbolizer_close(s);
	dlclose(h);
}

// Parses text (an exact-size copy) as one maps line.
static bool parse_line(const char *text, struct mapsline *m, char *copy)
{
	size_t n = strlen(text);
	char *b = test_bytes(text, n);
	bool ok = mapsline_parse(b, b + n, m);

	// The path points into the buffer: compare it before freeing.
	if (ok) {
		memcpy(copy, m->path, m->path_len);
		copy[m->path_len] = '\0';
		m->path = copy;
	}
	free(b);
	return ok;
}

static void test_maps_lines(void **state)
{
	struct mapsline m;
	char copy[512], path[512];
	bool deleted;

	(void)state;
	assert_true(parse_line("7f1c2a000000-7f1c2a028000 r-xp 00028000 fd:01 1311811                    "
			       "/usr/lib/x86_64-linux-gnu/libc.so.6", &m, copy));
	assert_int_equal(m.start, 0x7f1c2a000000ull);
	assert_int_equal(m.end, 0x7f1c2a028000ull);
	assert_int_equal(m.offset, 0x28000);
	assert_int_equal(m.major, 0xfd);
	assert_int_equal(m.minor, 1);
	assert_int_equal(m.inode, 1311811);
	assert_true(m.exec);
	assert_true(mapsline_is_file(&m));
	assert_int_equal(mapsline_path(&m, path, sizeof path, &deleted), 35);
	assert_string_equal(path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	assert_false(deleted);
	// A newline as the kernel writes it, deleted, a cut copy.
	assert_true(parse_line("1000-2000 r--p 00000000 08:01 12 /tmp/a\\012b\\x (deleted)", &m, copy));
	assert_false(m.exec);
	mapsline_path(&m, path, sizeof path, &deleted);
	assert_string_equal(path, "/tmp/a\nb\\x");
	assert_true(deleted);
	assert_int_equal(mapsline_path(&m, path, 4, &deleted), 3);
	assert_string_equal(path, "/tm");
	assert_int_equal(mapsline_path(&m, path, 0, &deleted), 0);
	// Not files.
	assert_true(parse_line("1000-2000 rw-p 00000000 00:00 0 [heap]", &m, copy));
	assert_false(mapsline_is_file(&m));
	assert_true(parse_line("1000-2000 rw-p 00000000 00:00 0", &m, copy));
	assert_int_equal(m.path_len, 0);
	assert_false(mapsline_is_file(&m));
	assert_true(parse_line("1000-2000 rw-s 00000000 00:05 77 /dev/zero", &m, copy));
	assert_true(mapsline_is_file(&m));
	// Malformed.
	assert_false(parse_line("", &m, copy));
	assert_false(parse_line("zz-2000 r-xp 0 08:01 1 /x", &m, copy));
	assert_false(parse_line("2000-1000 r-xp 0 08:01 1 /x", &m, copy));
	assert_false(parse_line("1000-2000 r-xp 0 100000000:01 1 /x", &m, copy));
	assert_false(parse_line("1000-2000 r-xp 0 08-01 1 /x", &m, copy));
	assert_false(parse_line("1000-2000 r-xp", &m, copy));
	assert_false(parse_line("1000-2000 r-xp 0 08:01", &m, copy));
	// Every prefix of a line: parsed or refused, never read past (ASan).
	{
		static const char line[] = "7f1c2a000000-7f1c2a028000 r-xp 00028000 fd:01 1311811 /lib/x.so (deleted)";

		for (size_t n = 0; n <= strlen(line); n++) {
			char *b = test_bytes(line, n);

			if (mapsline_parse(b, b + n, &m))
				mapsline_path(&m, path, sizeof path, &deleted);
			free(b);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_lines),
		cmocka_unit_test(test_pie_and_library),
		cmocka_unit_test(test_non_pie),
		cmocka_unit_test(test_stripped),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_exited),
		cmocka_unit_test(test_exited_replaced),
		cmocka_unit_test(test_debuglink),
		cmocka_unit_test(test_debuglink_under_root),
		cmocka_unit_test(test_debuglink_bad_crc),
		cmocka_unit_test(test_build_id),
		cmocka_unit_test(test_hostile_deleted_name),
		cmocka_unit_test(test_refresh_after_dlopen),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
