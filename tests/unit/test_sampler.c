/* test_sampler.c — the live sampler's readings behind source_config's
 * switches, on this machine's /proc: the OOM-kill counter
 * (system_counters).
 */
#include "fixture.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "proc/procfs.h"
#include "proc/procparse.h"
#include "proc/sampler.h"

/* ---- helpers ---- */

static struct sampler *sampler_for(const struct source_config *cfg)
{
	char err[256];
	struct sampler *s = sampler_new(cfg, err, sizeof err);

	if (!s)
		fail_msg("sampler_new: %s", err);
	return s;
}

// True when this process has a descriptor open on target.
static bool fd_open_on(const char *target)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	bool found = false;

	assert_non_null(d);
	while (!found && (de = readdir(d))) {
		char link[300], to[PATH_MAX];
		ssize_t n;

		snprintf(link, sizeof link, "/proc/self/fd/%s", de->d_name);
		n = readlink(link, to, sizeof to - 1);
		if (n > 0) {
			to[n] = '\0';
			found = strcmp(to, target) == 0;
		}
	}
	closedir(d);
	return found;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pread_all_reads_past_a_page),
		cmocka_unit_test(test_pread_all_stops_at_the_end),
		cmocka_unit_test(test_oom_kill_with_system_counters),
		cmocka_unit_test(test_oom_kill_off_costs_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
