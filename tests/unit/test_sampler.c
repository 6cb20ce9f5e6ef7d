/* test_sampler.c — the live sampler's readings behind source_config's
 * switches, on this machine's /proc and on fixture trees: the OOM-kill
 * counter (system_counters), each process's executable (read_exe), and
 * the memory cgroups' readings (proc/cgreader.h on
 * tests/fixtures/cgroup-usage/{v1,v2} and a changing tree, and the
 * process's own cgroup through the monitor). Uses real child processes; some tests need root (drop to
 * nobody) and the v1 or v2 memory controller, and skip without them.
 */
#include "fixture.h"

#include <math.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model/monitor.h"
#include "proc/cgfiles.h"
#include "proc/cgreader.h"
#include "proc/procfs.h"
#include "proc/procparse.h"
#include "proc/sampler.h"
#include "sampler_test.h"
#include "util/text.h"

#define CHILDREN 70                      // more than a lazy burst (64)

/* ---- helpers ---- */

// Starts path (argv) in a child and returns once it has exec'd: the pipe's
// write end is close-on-exec, so the read end sees EOF at the exec. stdin_fd
// (or -1) becomes the child's stdin.
static pid_t spawn_exec(const char *path, char *const argv[], int stdin_fd)
{
	int fds[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		// Dies with the test, even one that fails half-way.
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fds[0]);
		if (stdin_fd >= 0)
			dup2(stdin_fd, 0);
		execv(path, argv);
		_exit(127);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 0);
	close(fds[0]);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), 0);   // exec'd, not failed
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

// The sample of pid in a new tick, or NULL.
static const struct proc_sample *sample_of(struct sampler *s, int pid)
{
	struct snapshot snap;

	assert_int_equal(sampler_tick(s, &snap), 0);
	for (size_t i = 0; i < snap.nprocs; i++)
		if (snap.procs[i]->pid == pid)
			return snap.procs[i];
	return NULL;
}

// The oom_kill counter as /proc/vmstat says it now.
static uint64_t oom_kill_now(void)
{
	size_t len;
	char *text = fixture_read("/proc/vmstat", &len);
	uint64_t v = 0;

	assert_int_equal(procparse_vmstat_oom_kill(text, len, &v), 0);
	free(text);
	return v;
}

/* ---- procfs_pread_all ---- */

// A seq_file hands out about a page a read: the whole of a larger one takes
// several, each from where the last stopped; a second call starts over.
static void test_pread_all_reads_past_a_page(void **state)
{
	static char whole[64 * 1024], again[64 * 1024];
	struct procfs_buf b = { 0 };
	int fd = open("/proc/kallsyms", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	(void)state;
	assert_true(fd >= 0);
	assert_true(pread(fd, whole, sizeof whole, 0) < (ssize_t)sizeof whole);   // one read: a page
	assert_int_equal(procfs_pread_all(fd, whole, sizeof whole), sizeof whole);
	assert_int_equal(procfs_pread_all(fd, again, sizeof again), sizeof again);
	close(fd);
	assert_memory_equal(whole, again, sizeof whole);
	n = procfs_read_all_at(AT_FDCWD, "/proc/kallsyms", &b, sizeof whole);
	assert_int_equal(n, sizeof whole);
	assert_memory_equal(whole, b.data, sizeof whole);
	procfs_buf_free(&b);
}

// A file shorter than the buffer: all of it, and no more.
static void test_pread_all_stops_at_the_end(void **state)
{
	char buf[8192];
	int fd = open(FIXTURES "/vmstat/real.txt", O_RDONLY | O_CLOEXEC);
	size_t len;
	char *text = fixture_read("vmstat/real.txt", &len);

	(void)state;
	assert_true(fd >= 0 && len < sizeof buf);
	assert_int_equal(procfs_pread_all(fd, buf, sizeof buf), len);
	assert_memory_equal(buf, text, len);
	assert_int_equal(procfs_pread_all(fd, buf, 10), 10);                // cut at cap
	close(fd);
	free(text);
}

/* ---- the OOM-kill counter ---- */

static void test_oom_kill_with_system_counters(void **state)
{
	int self = getpid();
	struct source_config cfg = { .pids = &self, .npids = 1, .system_counters = true };
	struct sampler *s = sampler_for(&cfg);
	struct snapshot snap;
	uint64_t before, after;

	(void)state;
	assert_true(fd_open_on("/proc/vmstat"));            // kept open, read with pread
	for (int i = 0; i < 3; i++) {                       // and read again each tick
		before = oom_kill_now();
		snap.sys.have_oom_kill = false;
		snap.sys.oom_kill = UINT64_MAX;
		assert_int_equal(sampler_tick(s, &snap), 0);
		after = oom_kill_now();
		assert_true(snap.sys.have_oom_kill);
		assert_true(snap.sys.oom_kill >= before && snap.sys.oom_kill <= after);
	}
	sampler_free(s);
	assert_false(fd_open_on("/proc/vmstat"));
}

// Without the switch the file is not even opened: the screen and batch mode
// cost what they did.
static void test_oom_kill_off_costs_nothing(void **state)
{
	int self = getpid();
	struct source_config cfg = { .pids = &self, .npids = 1 };
	struct sampler *s = sampler_for(&cfg);
	struct snapshot snap;

	(void)state;
	assert_int_equal(sampler_tick(s, &snap), 0);
	assert_false(snap.sys.have_oom_kill);
	assert_int_equal(snap.sys.oom_kill, 0);
	assert_false(fd_open_on("/proc/vmstat"));
	sampler_free(s);
}

/* ---- the executable ---- */

static void test_exe_of_a_process(void **state)
{
	char *argv[] = { (char *)"sleep", (char *)"1000", NULL };
	pid_t child = spawn_exec("/bin/sleep", argv, -1);
	struct source_config cfg = { .pids = &child, .npids = 1, .read_exe = true };
	struct sampler *s = sampler_for(&cfg);
	const struct proc_sample *e = sample_of(s, child);
	char *real = realpath("/bin/sleep", NULL);

	(void)state;
	assert_non_null(e);
	assert_non_null(real);
	assert_string_equal(e->exe, real);
	assert_string_equal(e->comm, "sleep");
	sampler_free(s);
	free(real);
	reap(child);
}

// Without read_exe: "" (never NULL) for every process, and no exe link read.
static void test_exe_off_is_empty(void **state)
{
	struct source_config cfg = { .kernel_threads = true };
	struct sampler *s = sampler_for(&cfg);
	struct snapshot snap;

	(void)state;
	assert_int_equal(sampler_tick(s, &snap), 0);
	assert_true(snap.nprocs > 2);
	for (size_t i = 0; i < snap.nprocs; i++) {
		assert_non_null(snap.procs[i]->exe);
		assert_string_equal(snap.procs[i]->exe, "");
	}
	sampler_free(s);
}

// Copies the file at from to to, executable.
static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *bytes = fixture_read(from, &len);
	int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	free(bytes);
}

// An executable named with an escape sequence, a newline and invalid UTF-8,
// then removed: the path comes sanitised, as cmdline and cgroup do, with the
// kernel's " (deleted)" kept.
static void test_exe_hostile_and_deleted(void **state)
{
	char dir[] = "/tmp/memtop-exe-XXXXXX", path[256], raw[PATH_MAX], want[4 * PATH_MAX];
	char *argv[] = { (char *)"sleep", (char *)"1000", NULL };
	struct source_config cfg = { .npids = 1, .read_exe = true };
	const struct proc_sample *e;
	struct sampler *s;
	pid_t child;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/sl\x1b[31m\nep\xff\\", dir);
	copy_file("/bin/sleep", path);
	child = spawn_exec(path, argv, -1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	cfg.pids = &child;
	s = sampler_for(&cfg);
	e = sample_of(s, child);
	assert_non_null(e);
	snprintf(raw, sizeof raw, "%s (deleted)", path);
	text_sanitize(raw, strlen(raw), want, sizeof want);
	assert_string_equal(e->exe, want);
	assert_non_null(strstr(e->exe, "sl\\e[31m\\nep\\xFF\\\\ (deleted)"));
	for (const char *p = e->exe; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	sampler_free(s);
	reap(child);
}

// A kernel thread has no executable, nor has a zombie: "" for both.
static void test_exe_kernel_thread_and_zombie(void **state)
{
	int pids[2] = { 2, 0 };                  // kthreadd, and the zombie
	struct source_config cfg = { .pids = pids, .npids = 2, .kernel_threads = true, .read_exe = true };
	const struct proc_sample *e;
	struct sampler *s;
	char path[64], st[512];
	size_t len;
	char *text;

	(void)state;
	pids[1] = fork();
	assert_true(pids[1] >= 0);
	if (pids[1] == 0)
		_exit(0);
	snprintf(path, sizeof path, "/proc/%d/stat", pids[1]);
	for (int i = 0; i < 1000; i++) {         // until it is a zombie
		text = fixture_read(path, &len);
		snprintf(st, sizeof st, "%.*s", (int)len, text);
		free(text);
		if (strstr(st, ") Z "))
			break;
		usleep(1000);
	}
	assert_non_null(strstr(st, ") Z "));
	s = sampler_for(&cfg);
	e = sample_of(s, 2);
	if (!e || !e->kthread) {
		sampler_free(s);
		waitpid(pids[1], NULL, 0);
		skip();                              // no kthreadd in this pid namespace
	}
	assert_string_equal(e->exe, "");
	e = sample_of(s, pids[1]);
	assert_non_null(e);
	assert_true(e->comm[0] != '\0');
	assert_string_equal(e->exe, "");
	sampler_free(s);
	waitpid(pids[1], NULL, 0);
}

// Another user's process, when not root: EACCES, so "" (and the process is
// listed all the same). The test drops to nobody, as root; a root sampler
// reads the same process's exe.
static void test_exe_not_allowed(void **state)
{
	char *argv[] = { (char *)"sleep", (char *)"1000", NULL };
	pid_t child = spawn_exec("/bin/sleep", argv, -1), tester;
	int status;

	(void)state;
	if (getuid() != 0) {
		reap(child);
		skip();
	}
	tester = fork();
	assert_true(tester >= 0);
	if (tester == 0) {
		struct source_config cfg = { .pids = &child, .npids = 1, .read_exe = true };
		char err[256];
		struct sampler *s;
		const struct proc_sample *e;
		struct snapshot snap;

		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(10);
		s = sampler_new(&cfg, err, sizeof err);
		if (!s || sampler_tick(s, &snap) < 0 || snap.nprocs != 1)
			_exit(11);
		e = snap.procs[0];
		_exit(!e->exe ? 12 : e->exe[0] ? 13 : strcmp(e->comm, "sleep") ? 14 : 0);
	}
	assert_int_equal(waitpid(tester, &status, 0), tester);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	{
		struct source_config cfg = { .pids = &child, .npids = 1, .read_exe = true };
		struct sampler *s = sampler_for(&cfg);
		const struct proc_sample *e = sample_of(s, child);

		assert_non_null(e);
		assert_true(e->exe[0] == '/');
		sampler_free(s);
	}
	reap(child);
}

// A burst listed lazily: the pending entries have exe "" (not NULL) until
// their names are read; then their executable.
static void test_exe_pending_then_read(void **state)
{
	pid_t kids[CHILDREN];
	struct source_config cfg = { .pids = kids, .npids = CHILDREN, .lazy_start = true, .read_exe = true };
	char self[PATH_MAX];
	struct snapshot snap;
	struct sampler *s;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	(void)state;
	assert_true(n > 0);
	self[n] = '\0';
	for (int i = 0; i < CHILDREN; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
	}
	s = sampler_for(&cfg);
	assert_int_equal(sampler_tick(s, &snap), 0);
	assert_int_equal(snap.nprocs, CHILDREN);
	for (size_t i = 0; i < snap.nprocs; i++) {
		assert_true(snap.procs[i]->priv.pending);
		assert_non_null(snap.procs[i]->exe);
		assert_string_equal(snap.procs[i]->exe, "");
	}
	while (sampler_fill_idle(s, SOURCE_FILL_IDLE_CHUNK))
		;
	assert_int_equal(sampler_tick(s, &snap), 0);
	assert_int_equal(snap.nprocs, CHILDREN);
	for (size_t i = 0; i < snap.nprocs; i++) {
		assert_false(snap.procs[i]->priv.pending);
		assert_string_equal(snap.procs[i]->exe, self);
	}
	sampler_free(s);
	for (int i = 0; i < CHILDREN; i++)
		reap(kids[i]);
}

// The exec hop (see main): waits for a byte on stdin, then execs $HOP_NEXT
// with the same arguments, so that the process keeps its comm, command line
// and cgroup and changes only its executable; the second program waits for
// stdin's end.
static int exe_hop(void)
{
	char c;
	const char *next = getenv("HOP_NEXT");
	char *argv[] = { (char *)"hop", (char *)"--exe-hop", NULL };

	if (read(0, &c, 1) == 1 && next) {
		unsetenv("HOP_NEXT");
		execv(next, argv);
		return 127;
	}
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

// Copies of this test program at dir/a/NAME and dir/b/NAME (one name: one comm).
static void hop_copies(const char *dir, char *a, char *b, size_t cap)
{
	char sub[PATH_MAX];

	snprintf(sub, sizeof sub, "%s/a", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(sub, sizeof sub, "%s/b", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(a, cap, "%s/a/hopper", dir);
	snprintf(b, cap, "%s/b/hopper", dir);
	copy_file("/proc/self/exe", a);
	copy_file("/proc/self/exe", b);
}

// The names are compared with the exe: an exec to another file with the
// same name and arguments (comm, command line and cgroup the same) is seen.
static void test_exe_follows_an_exec(void **state)
{
	char dir[] = "/tmp/memtop-hop-XXXXXX", a[PATH_MAX], b[PATH_MAX], link[64], to[PATH_MAX];
	char *argv[] = { (char *)"hop", (char *)"--exe-hop", NULL };
	struct source_config cfg = { .npids = 1, .read_exe = true };
	const struct proc_sample *e;
	struct sampler *s;
	char comm[SNAPSHOT_COMM_MAX], cmdline[64];
	int in[2];
	pid_t child;
	ssize_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	hop_copies(dir, a, b, sizeof a);
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	setenv("HOP_NEXT", b, 1);
	child = spawn_exec(a, argv, in[0]);
	unsetenv("HOP_NEXT");
	close(in[0]);
	cfg.pids = &child;
	s = sampler_for(&cfg);
	assert_int_equal(sampler_set_wanted(s, &child, 1), 0);
	e = sample_of(s, child);
	assert_non_null(e);
	assert_string_equal(e->exe, a);
	snprintf(comm, sizeof comm, "%s", e->comm);
	snprintf(cmdline, sizeof cmdline, "%s", e->cmdline);
	assert_string_equal(cmdline, "hop --exe-hop");

	assert_int_equal(write(in[1], "x", 1), 1);        // hop to b
	snprintf(link, sizeof link, "/proc/%d/exe", child);
	for (int i = 0; i < 5000; i++) {
		n = readlink(link, to, sizeof to - 1);
		to[n > 0 ? n : 0] = '\0';
		if (strcmp(to, b) == 0)
			break;
		usleep(1000);
	}
	assert_string_equal(to, b);
	// Wanted processes have their names read again within a second.
	for (int i = 0; i < 30 && strcmp((e = sample_of(s, child))->exe, b) != 0; i++)
		usleep(100000);
	assert_string_equal(e->exe, b);
	assert_string_equal(e->comm, comm);
	assert_string_equal(e->cmdline, cmdline);
	sampler_free(s);
	close(in[1]);                                      // the second program ends
	assert_int_equal(waitpid(child, NULL, 0), child);
	unlink(a);
	unlink(b);
	snprintf(to, sizeof to, "%s/a", dir);
	rmdir(to);
	snprintf(to, sizeof to, "%s/b", dir);
	rmdir(to);
	rmdir(dir);
}

/* ---- a memory cgroup's usage and limit ---- */

#define TREE_V1 FIXTURES "/cgroup-usage/v1"
#define TREE_V2 FIXTURES "/cgroup-usage/v2"

// One path through a fresh reader of the fixture tree.
static struct cgroup_reading read_one(const char *mount, bool v2, const char *path)
{
	struct cgreader *r = cgreader_new(mount, v2);
	struct cgroup_reading g;
	long kept = 0;

	assert_non_null(r);
	assert_int_equal(cgreader_read(r, &path, 1, &g, &kept, 100), 0);
	cgreader_free(r, &kept);
	assert_int_equal(kept, 0);                          // every kept file closed
	return g;
}

// A reading over a fixture tree (proc/cgreader.h); fails unless gone is as wanted.
static struct cgroup_reading usage_at(const char *mount, bool v2, const char *path, bool gone)
{
	struct cgroup_reading g = read_one(mount, v2, path);

	assert_int_equal(g.gone, gone);
	return g;
}

static void test_cgroup_usage_v2(void **state)
{
	struct cgroup_reading u;

	(void)state;
	u = usage_at(TREE_V2, true, "/system.slice/limited.service", false);
	assert_true(u.have_usage && u.have_limit && !u.unlimited);
	assert_int_equal(u.usage_kb, 120563);               // 123456789 bytes, rounded down
	assert_int_equal(u.limit_kb, 524288);               // 512 MiB
	u = usage_at(TREE_V2, true, "/user.slice/a b.scope", false);
	assert_true(u.have_usage && u.have_limit && u.unlimited);
	assert_int_equal(u.usage_kb, 4000);
	assert_int_equal(u.limit_kb, 0);                    // "max"
	// The root has neither file.
	u = usage_at(TREE_V2, true, "/", false);
	assert_false(u.have_usage || u.have_limit || u.unlimited);
	assert_int_equal(u.usage_kb + u.limit_kb, 0);
	// A cgroup without the controller's files is there all the same.
	u = usage_at(TREE_V2, true, "/nomem", false);
	assert_false(u.have_usage || u.have_limit);
}

static void test_cgroup_usage_v1(void **state)
{
	struct cgroup_reading u;

	(void)state;
	u = usage_at(TREE_V1, false, "/limited", false);
	assert_true(u.have_usage && u.have_limit && !u.unlimited);
	assert_int_equal(u.usage_kb, 32636);                // 33419264 bytes
	assert_int_equal(u.limit_kb, 32768);                // 32 MiB
	u = usage_at(TREE_V1, false, "/unlimited", false);      // 9223372036854771712
	assert_true(u.have_usage && u.have_limit && u.unlimited);
	assert_int_equal(u.usage_kb, 976);                  // 1000001 bytes
	assert_int_equal(u.limit_kb, 0);
	// The v1 root has both files.
	u = usage_at(TREE_V1, false, "/", false);
	assert_true(u.have_usage && u.have_limit && u.unlimited);
	assert_int_equal(u.usage_kb, 363184);               // 371900416 bytes
	// The same tree read as v2 has none of its files.
	u = usage_at(TREE_V1, true, "/limited", false);
	assert_false(u.have_usage || u.have_limit);
}

// A cgroup view's reading: usage and limit, its own anon + swap from
// memory.stat (v2: anon + memory.swap.current; v1: rss + swap), v2
// pressure; the root's memory.stat (the machine's) is not its own; a gone
// cgroup is marked gone; an escaped name is not opened.
static void test_cgroup_reading(void **state)
{
	struct cgroup_reading g;

	(void)state;
	g = read_one(TREE_V2, true, "/system.slice/limited.service");
	assert_string_equal(g.path, "/system.slice/limited.service");
	assert_false(g.gone);
	assert_true(g.have_usage && g.have_limit && !g.unlimited);
	assert_int_equal(g.usage_kb, 120563);
	assert_int_equal(g.limit_kb, 524288);
	assert_true(g.have_anon);
	assert_int_equal(g.anon_kb, (52445184 + 1048576) / 1024);
	assert_true(g.have_pressure);
	assert_true(fabs(g.pressure.some.avg10 - 5.66) < 1e-9);
	assert_true(fabs(g.pressure.full.avg10 - 5.66) < 1e-9);
	assert_true(g.have_oom_kill);                           // memory.events
	assert_int_equal(g.oom_kill, 3);
	g = read_one(TREE_V2, true, "/user.slice/a b.scope");
	assert_true(g.have_usage && g.unlimited);
	assert_false(g.have_anon || g.have_pressure);          // no memory.stat, no pressure file
	assert_false(g.have_oom_kill);                          // no memory.events
	g = read_one(TREE_V2, true, "/");
	assert_false(g.gone || g.have_anon);                    // the machine's, not the root's own
	g = read_one(TREE_V1, false, "/limited");
	assert_true(g.have_usage && g.have_limit && !g.unlimited);
	assert_true(g.have_anon);
	assert_int_equal(g.anon_kb, 85786624 / 1024);           // rss + swap 0
	assert_false(g.have_pressure);                          // v1 has none
	assert_true(g.have_oom_kill);                           // memory.oom_control
	assert_int_equal(g.oom_kill, 1);
	g = read_one(TREE_V1, false, "/unlimited");
	assert_true(g.have_anon);
	assert_int_equal(g.anon_kb, (2097152 + 4096) / 1024);
	assert_false(g.have_oom_kill);                          // an old kernel's: no oom_kill line
	g = read_one(TREE_V1, false, "/");
	assert_true(g.have_oom_kill);
	assert_int_equal(g.oom_kill, 0);
	g = read_one(TREE_V1, false, "/gone");
	assert_true(g.gone);
	assert_false(g.have_usage || g.have_anon);
	g = read_one(TREE_V1, false, "/a\\x1b");                  // an escaped name
	assert_false(g.gone || g.have_usage || g.have_anon);
	g = read_one("", true, "/system.slice/limited.service");  // no controller
	assert_false(g.gone || g.have_usage || g.have_anon);
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

// Readings over time: files kept open (within the budget) and read again;
// memory.stat read again only when the usage moved; cgroups no longer
// asked for forgotten and their files closed; a cgroup removed is gone.
static void test_cgroup_reader_over_time(void **state)
{
	char root[] = "/tmp/memtop-cgreader-XXXXXX", dir[64], cmd[128];
	const char *a = "/a.service", *both[2] = { "/a.service", "/b.service" };
	struct cgroup_reading g[2];
	struct cgreader *r;
	long kept = 0;

	(void)state;
	assert_non_null(mkdtemp(root));
	for (int i = 0; i < 2; i++) {
		snprintf(dir, sizeof dir, "%s%s", root, both[i]);
		assert_int_equal(mkdir(dir, 0700), 0);
		put_file(dir, "memory.current", "1048576\n");
		put_file(dir, "memory.max", "max\n");
		put_file(dir, "memory.stat", "anon 524288\nfile 0\n");
	}
	snprintf(dir, sizeof dir, "%s%s", root, a);
	assert_non_null(r = cgreader_new(root, true));
	assert_int_equal(cgreader_read(r, &a, 1, g, &kept, 100), 0);
	assert_int_equal(g[0].anon_kb, 512);
	assert_int_equal(kept, 3);                           // current, max, stat (no swap, no pressure)
	// Its anon moves while its usage does not: the cached value stands.
	put_file(dir, "memory.stat", "anon 1048576\nfile 0\n");
	assert_int_equal(cgreader_read(r, &a, 1, g, &kept, 100), 0);
	assert_int_equal(g[0].anon_kb, 512);
	assert_int_equal(kept, 3);
	// The usage moves: memory.stat is read again.
	put_file(dir, "memory.current", "2097152\n");
	assert_int_equal(cgreader_read(r, &a, 1, g, &kept, 100), 0);
	assert_int_equal(g[0].usage_kb, 2048);
	assert_int_equal(g[0].anon_kb, 1024);
	// A new limit shows at the tenth reading since the first.
	put_file(dir, "memory.max", "4194304\n");
	for (int i = 3; i < 10; i++) {
		assert_int_equal(cgreader_read(r, &a, 1, g, &kept, 100), 0);
		assert_true(g[0].have_limit && g[0].unlimited);
	}
	assert_int_equal(cgreader_read(r, &a, 1, g, &kept, 100), 0);
	assert_true(g[0].have_limit && !g[0].unlimited);
	assert_int_equal(g[0].limit_kb, 4096);
	// Two cgroups within a budget of four kept files: the rest are read
	// by opening them each time, with the same values.
	assert_int_equal(cgreader_read(r, both, 2, g, &kept, 4), 0);
	assert_true(kept <= 4);
	assert_int_equal(g[1].usage_kb, 1024);
	assert_int_equal(g[1].anon_kb, 512);
	assert_int_equal(g[0].anon_kb, 1024);
	// b alone: a is forgotten, its files closed.
	assert_int_equal(cgreader_read(r, &both[1], 1, g, &kept, 100), 0);
	assert_true(kept <= 3);
	// b removed: gone.
	snprintf(cmd, sizeof cmd, "rm -rf '%s%s'", root, both[1]);
	assert_int_equal(system(cmd), 0);
	cgreader_free(r, &kept);
	assert_int_equal(kept, 0);
	assert_non_null(r = cgreader_new(root, true));
	assert_int_equal(cgreader_read(r, &both[1], 1, g, &kept, 100), 0);
	assert_true(g[0].gone);
	cgreader_free(r, &kept);
	assert_int_equal(kept, 0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

// A cgroup that is gone: gone, and nothing else set.
static void test_cgroup_usage_gone(void **state)
{
	struct cgroup_reading u;

	(void)state;
	u = usage_at(TREE_V2, true, "/system.slice/gone.service", true);
	assert_false(u.have_usage || u.have_limit || u.unlimited);
	u = usage_at(TREE_V1, false, "/gone", true);
	assert_false(u.have_usage || u.have_limit || u.unlimited);
	usage_at(TREE_V1, false, "/limited/memory.usage_in_bytes", true);   // a file, not a cgroup
}

// Paths that are not a plain absolute cgroup path are refused before any
// file is opened: "/limited/../limited" exists, and is refused all the same.
static void test_cgroup_usage_rejected_paths(void **state)
{
	static const char *const bad[] = {
		"", "limited", "./limited", "/..", "/../v1/limited", "/limited/..", "/limited/../limited",
		"/.", "/./limited", "/limited/.", "//limited", "/limited/", "/limited\\x1b[31m",
		"/a\\\\b", "/lim\nited", "/lim\x7fited",
	};
	struct cgroup_reading u;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		u = read_one(TREE_V1, false, bad[i]);
		if (u.gone || u.have_usage || u.have_limit || u.have_anon)
			fail_msg("accepted '%s'", bad[i]);
	}
	// Dots inside a name are a name.
	usage_at(TREE_V1, false, "/...", true);
	usage_at(TREE_V1, false, "/.limited", true);
	// No mount: no memory controller.
	usage_at("", true, "/limited", false);
	usage_at("", false, "/", false);
}

// Whether this machine has the memory controller mounted, found apart from
// the sampler: a v1 memory hierarchy, or cgroup2 listing memory.
static bool have_memory_controller(void)
{
	struct cg_mounts mounts;
	char path[300];
	size_t len;
	char *text = fixture_read("/proc/self/mountinfo", &len);
	bool have;

	assert_int_equal(cgfiles_parse_mountinfo(text, len, &mounts), 0);
	free(text);
	if (mounts.v1_memory[0])
		return true;
	if (!mounts.v2[0])
		return false;
	snprintf(path, sizeof path, "%s/cgroup.controllers", mounts.v2);
	text = fixture_read(path, &len);
	have = cgfiles_controllers_have(text, len, "memory");
	free(text);
	return have;
}

// The snapshot's cgroup readings on this machine: the first tick reads
// the test's own memory cgroup, the next only once the interval passed
// (set again through the monitor), never with 0; the cgroup table has its
// row with the process and a detector from the first reading.
static void test_cgroup_readings_live(void **state)
{
	static struct monitor m;
	int self = getpid();
	struct source_config cfg = { .pids = &self, .npids = 1, .cgroup_every_s = 3600 };
	const struct cgroup_row *r;
	char err[256];

	(void)state;
	if (!have_memory_controller())
		skip();
	assert_int_equal(monitor_open(&m, &cfg, LEAK_SENS_NORMAL, err, sizeof err), 0);
	assert_int_equal(monitor_tick(&m), 0);
	assert_true(m.snap.cgroups_read);
	assert_int_equal(m.snap.ncgroups, 1);
	assert_string_equal(m.snap.cgroups[0].path, m.snap.procs[0]->cgroup);
	assert_true(m.snap.cgroups[0].have_usage && m.snap.cgroups[0].usage_kb > 0);
	r = cgtable_find(&m.cgroups, m.snap.procs[0]->cgroup);
	assert_non_null(r);
	assert_int_equal(r->nprocs, 1);
	assert_non_null(r->leak);
	assert_int_equal(monitor_tick(&m), 0);            // within the hour: no reading
	assert_false(m.snap.cgroups_read);
	assert_int_equal(m.snap.ncgroups, 0);
	assert_true(cgtable_find(&m.cgroups, m.snap.procs[0]->cgroup)->have_usage);
	monitor_set_cgroup_every(&m, 1e-6);
	assert_int_equal(monitor_tick(&m), 0);
	assert_true(m.snap.cgroups_read);
	monitor_set_cgroup_every(&m, 0);
	assert_int_equal(monitor_tick(&m), 0);
	assert_false(m.snap.cgroups_read);
	monitor_close(&m);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pread_all_reads_past_a_page),
		cmocka_unit_test(test_pread_all_stops_at_the_end),
		cmocka_unit_test(test_oom_kill_with_system_counters),
		cmocka_unit_test(test_oom_kill_off_costs_nothing),
		cmocka_unit_test(test_exe_of_a_process),
		cmocka_unit_test(test_exe_off_is_empty),
		cmocka_unit_test(test_exe_hostile_and_deleted),
		cmocka_unit_test(test_exe_kernel_thread_and_zombie),
		cmocka_unit_test(test_exe_not_allowed),
		cmocka_unit_test(test_exe_pending_then_read),
		cmocka_unit_test(test_exe_follows_an_exec),
		cmocka_unit_test(test_cgroup_usage_v2),
		cmocka_unit_test(test_cgroup_usage_v1),
		cmocka_unit_test(test_cgroup_usage_gone),
		cmocka_unit_test(test_cgroup_reading),
		cmocka_unit_test(test_cgroup_reader_over_time),
		cmocka_unit_test(test_cgroup_readings_live),
		cmocka_unit_test(test_cgroup_usage_rejected_paths),
	};

	if (argc == 2 && strcmp(argv[1], "--exe-hop") == 0)
		return exe_hop();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
