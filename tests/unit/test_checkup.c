/* test_checkup.c — memtop --check: the pure parsers of its facts (sysctls,
 * printk, consoles, swaps, meminfo keys, THP), the facts read from fixture
 * trees (tests/fixtures/checkup/, made by make.py: a clean machine and one
 * tree per finding), each rule firing on its tree and not on the clean one,
 * the boundaries of every threshold, missing and malformed files, the
 * bounded lists of shielded processes and unlimited cgroups at every fill
 * level, and the two output formats with a write error. */
#include "fixture.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/checkup.h"
#include "model/monitor.h"
#include "output/checkrun.h"
#include "proc/sysfacts.h"

#define CASE(name) FIXTURES "/checkup/" name

// ---- parsers -----------------------------------------------------------

static int parse_int(const char *s, long long *v)
{
	char *buf = test_bytes(s, strlen(s));
	int rc = sysfacts_parse_int(buf, strlen(s), v);

	free(buf);
	return rc;
}

static void test_parse_int(void **state)
{
	long long v = 77;

	(void)state;
	assert_int_equal(parse_int("0\n", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_int("-1000\n", &v), 0);
	assert_int_equal(v, -1000);
	assert_int_equal(parse_int("67584", &v), 0);      // no newline: the whole buffer
	assert_int_equal(v, 67584);
	v = 77;
	assert_int_equal(parse_int("", &v), -EINVAL);
	assert_int_equal(parse_int("\n", &v), -EINVAL);
	assert_int_equal(parse_int("abc\n", &v), -EINVAL);
	assert_int_equal(parse_int("1 2\n", &v), -EINVAL);
	assert_int_equal(parse_int("12\nx", &v), -EINVAL);
	assert_int_equal(parse_int("-\n", &v), -EINVAL);
	assert_int_equal(parse_int("99999999999999999999\n", &v), -EINVAL);
	assert_int_equal(v, 77);                          // unchanged on error
}

static int parse_printk(const char *s, int *lvl)
{
	char *buf = test_bytes(s, strlen(s));
	int rc = sysfacts_parse_printk(buf, strlen(s), lvl);

	free(buf);
	return rc;
}

static void test_parse_printk(void **state)
{
	int lvl = -1;

	(void)state;
	assert_int_equal(parse_printk("4\t4\t1\t7\n", &lvl), 0);
	assert_int_equal(lvl, 4);
	assert_int_equal(parse_printk("7\t4\t1\t7\n", &lvl), 0);
	assert_int_equal(lvl, 7);
	assert_int_equal(parse_printk("15 4 1 7\n", &lvl), 0);
	assert_int_equal(lvl, 15);
	lvl = -1;
	assert_int_equal(parse_printk("16 4 1 7\n", &lvl), -EINVAL);
	assert_int_equal(parse_printk("x 4 1 7\n", &lvl), -EINVAL);
	assert_int_equal(parse_printk("4x\n", &lvl), -EINVAL);
	assert_int_equal(parse_printk("", &lvl), -EINVAL);
	assert_int_equal(lvl, -1);
}

static int parse_consoles(const char *s, unsigned *nc, unsigned *ns, char *name)
{
	char *buf = test_bytes(s, strlen(s));
	int rc = sysfacts_parse_consoles(buf, strlen(s), nc, ns, name, SYSFACTS_NAME_MAX);

	free(buf);
	return rc;
}

static void test_parse_consoles(void **state)
{
	unsigned nc = 9, ns = 9;
	char name[SYSFACTS_NAME_MAX] = "x";

	(void)state;
	// This machine's.
	assert_int_equal(parse_consoles("ttyS0                -W- (EC  p a)    4:64\n", &nc, &ns, name), 0);
	assert_int_equal(nc, 1);
	assert_int_equal(ns, 1);
	assert_string_equal(name, "ttyS0");
	// A VGA console first, a disabled serial one, then an enabled hypervisor one.
	assert_int_equal(parse_consoles("tty0                 -WU (E  p  )    4:1\n"
					"ttyS1                -W- (   p a)    4:65\n"
					"hvc0                 -W- (E  p a)  229:0\n", &nc, &ns, name), 0);
	assert_int_equal(nc, 2);
	assert_int_equal(ns, 1);
	assert_string_equal(name, "hvc0");
	// Nothing enabled is a valid answer; an empty file too.
	assert_int_equal(parse_consoles("", &nc, &ns, name), 0);
	assert_int_equal(nc, 0);
	assert_int_equal(ns, 0);
	assert_string_equal(name, "");
	// A cut last line still has its flags or is refused.
	assert_int_equal(parse_consoles("ttyAMA0              -W- (EC p a)  204:64", &nc, &ns, name), 0);
	assert_int_equal(ns, 1);
	nc = 9;
	assert_int_equal(parse_consoles("garbage without flags\n", &nc, &ns, name), -EINVAL);
	assert_int_equal(parse_consoles("ttyS0 -W- (EC p a\n", &nc, &ns, name), -EINVAL);
	assert_int_equal(nc, 9);
	// A hostile name is sanitised.
	assert_int_equal(parse_consoles("ttyS9\x1b[2J -W- (E)  4:1\n", &nc, &ns, name), 0);
	assert_null(strchr(name, '\x1b'));
	assert_true(sysfacts_is_serial("ttyS0"));
	assert_true(sysfacts_is_serial("ttyAMA1"));
	assert_false(sysfacts_is_serial("tty0"));
	assert_false(sysfacts_is_serial("ttyS"));
	assert_false(sysfacts_is_serial("netcon0"));
}

static int parse_swaps(const char *s, unsigned *n, uint64_t *kb)
{
	char *buf = test_bytes(s, strlen(s));
	int rc = sysfacts_parse_swaps(buf, strlen(s), n, kb);

	free(buf);
	return rc;
}

static void test_parse_swaps(void **state)
{
	const char *head = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";
	char text[512];
	unsigned n = 9;
	uint64_t kb = 9;

	(void)state;
	assert_int_equal(parse_swaps(head, &n, &kb), 0);
	assert_int_equal(n, 0);
	assert_int_equal(kb, 0);
	snprintf(text, sizeof text, "%s/swapfile file\t\t1048572\t\t0\t\t-2\n"
		 "/dev/zram0                              partition\t4194300\t\t0\t\t100\n"
		 "/a\\040b file 10", head);               // a cut last line is not counted
	assert_int_equal(parse_swaps(text, &n, &kb), 0);
	assert_int_equal(n, 2);
	assert_int_equal(kb, 1048572 + 4194300);
	n = 9;
	assert_int_equal(parse_swaps("nonsense\n", &n, &kb), -EINVAL);
	assert_int_equal(parse_swaps("", &n, &kb), -EINVAL);
	snprintf(text, sizeof text, "%s/swapfile file lots 0 -2\n", head);
	assert_int_equal(parse_swaps(text, &n, &kb), -EINVAL);
	assert_int_equal(n, 9);
}

static void test_parse_kb_thp(void **state)
{
	const char *mi = "MemTotal:       24683772 kB\nSwapTotal:      0 kB\nCommitLimit:    12341886 kB\n"
			 "Committed_AS: lots kB\n";
	char *buf = test_bytes(mi, strlen(mi)), thp[16] = "x";
	uint64_t kb = 5;

	(void)state;
	assert_int_equal(sysfacts_parse_kb(buf, strlen(mi), "MemTotal:", &kb), 0);
	assert_int_equal(kb, 24683772);
	assert_int_equal(sysfacts_parse_kb(buf, strlen(mi), "SwapTotal:", &kb), 0);
	assert_int_equal(kb, 0);
	assert_int_equal(sysfacts_parse_kb(buf, strlen(mi), "Commit:", &kb), -ENOENT);
	assert_int_equal(sysfacts_parse_kb(buf, strlen(mi), "Committed_AS:", &kb), -EINVAL);
	// A key on a cut last line is not there.
	assert_int_equal(sysfacts_parse_kb(buf, strlen(mi) - 30, "CommitLimit:", &kb), -ENOENT);
	free(buf);
	buf = test_bytes("always [madvise] never\n", 23);
	assert_int_equal(sysfacts_parse_thp(buf, 23, thp, sizeof thp), 0);
	assert_string_equal(thp, "madvise");
	free(buf);
	buf = test_bytes("always madvise never\n", 21);
	assert_int_equal(sysfacts_parse_thp(buf, 21, thp, sizeof thp), -EINVAL);
	free(buf);
	buf = test_bytes("[]\n", 3);
	assert_int_equal(sysfacts_parse_thp(buf, 3, thp, sizeof thp), -EINVAL);
	free(buf);
	assert_true(sysfacts_is_oom_handler("earlyoom"));
	assert_true(sysfacts_is_oom_handler("systemd-oomd"));
	assert_false(sysfacts_is_oom_handler("earlyoo"));
	assert_false(sysfacts_is_oom_handler("oomd2"));
}

// ---- facts from fixture trees -------------------------------------------

static struct sysfacts facts;
static struct checkup result;

static void read_case(const char *root)
{
	assert_int_equal(sysfacts_read(root, &facts), 0);
}

static void test_facts_clean(void **state)
{
	(void)state;
	read_case(CASE("clean"));
	assert_true(facts.panic_on_oom.known);
	assert_int_equal(facts.panic_on_oom.v, 0);
	assert_int_equal(facts.oom_dump_tasks.v, 1);
	assert_int_equal(facts.min_free_kbytes.v, 67584);
	assert_int_equal(facts.console_loglevel.v, 4);
	assert_int_equal(facts.nconsoles, 1);
	assert_int_equal(facts.nserial, 1);
	assert_string_equal(facts.serial, "ttyS0");
	assert_int_equal(facts.nswaps, 1);
	assert_int_equal(facts.swaps_kb, 1048572);
	assert_int_equal(facts.mem_total_kb, 24683772);
	assert_int_equal(facts.swap_total_kb, 1048572);
	assert_int_equal(facts.psi_err, 0);
	assert_string_equal(facts.thp, "madvise");
	// pids 1, 100, 200, 300; 2 is a kernel thread (no VmRSS)
	assert_true(facts.procs_known);
	assert_int_equal(facts.nprocs, 4);
	assert_int_equal(facts.procs_unreadable, 0);
	assert_int_equal(facts.nhandlers, 1);
	assert_string_equal(facts.handler, "earlyoom");
	assert_int_equal(facts.nprotected, 1);
	assert_int_equal(facts.protected_procs[0].pid, 100);
	assert_string_equal(facts.protected_procs[0].comm, "sshd");
	assert_int_equal(facts.protected_procs[0].rss_kb, 8000);
	// nginx (its own limit), cron (memory.high), docker (its own), the
	// pod's container (the pod's limit); idle has no process, user.slice
	// is left out.
	assert_int_equal(facts.cg, SYSFACTS_CG_V2);
	assert_int_equal(facts.cg_checked, 4);
	assert_int_equal(facts.cg_unlimited, 0);
	checkup_evaluate(&facts, &result);
	assert_int_equal(result.nfindings, 0);
	assert_int_equal(result.nskipped, 0);
}

// Asserts that the result has exactly the one finding id, of severity sev.
static void expect_only(const char *id, enum checkup_severity sev)
{
	if (result.nfindings != 1)
		fail_msg("%s: %zu findings, the first %s", id, result.nfindings,
			 result.nfindings ? result.findings[0].id : "-");
	assert_string_equal(result.findings[0].id, id);
	assert_int_equal(result.findings[0].severity, sev);
	assert_non_null(result.findings[0].title);
	assert_true(strlen(result.findings[0].why) > 40);
	assert_true(strlen(result.findings[0].fix) > 10);
	assert_true(strlen(result.findings[0].evidence) > 5);
	assert_int_equal(result.nskipped, 0);
}

static void test_each_finding_on_its_tree(void **state)
{
	static const struct { const char *id; enum checkup_severity sev; } cases[] = {
		{ "no-swap-no-oom-handler", CHECKUP_WARN },
		{ "psi-unavailable", CHECKUP_WARN },
		{ "panic-on-oom", CHECKUP_CRITICAL },
		{ "oom-kill-allocating-task", CHECKUP_WARN },
		{ "overcommit-always", CHECKUP_INFO },
		{ "overcommit-strict-below-ram", CHECKUP_WARN },
		{ "overcommit-strict-near-limit", CHECKUP_CRITICAL },
		{ "min-free-kbytes-low", CHECKUP_WARN },
		{ "min-free-kbytes-high", CHECKUP_INFO },
		{ "watermark-scale-factor-off-default", CHECKUP_INFO },
		{ "protected-large-process", CHECKUP_WARN },
		{ "unlimited-containers", CHECKUP_WARN },
		{ "unlimited-services", CHECKUP_INFO },
	};
	size_t nids;
	const char *const *ids = checkup_rule_ids(&nids);
	size_t j;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char root[512];

		snprintf(root, sizeof root, "%s/checkup/%s", FIXTURES, cases[i].id);
		read_case(root);
		checkup_evaluate(&facts, &result);
		expect_only(cases[i].id, cases[i].sev);
		for (j = 0; j < nids && strcmp(ids[j], cases[i].id) != 0; j++)
			;
		assert_true(j < nids);
	}
	// Every rule but the serial console's has its tree (that one needs 100
	// processes: the boundaries below, and tests/integration/checkup.py).
	assert_int_equal(nids, sizeof cases / sizeof cases[0] + 1);
}

static void test_trees_that_find_nothing(void **state)
{
	(void)state;
	// No swap, but earlyoom runs.
	read_case(CASE("noswap-with-handler"));
	assert_int_equal(facts.swap_total_kb, 0);
	checkup_evaluate(&facts, &result);
	assert_int_equal(result.nfindings, 0);
	// printk 7 on a serial console, but 4 processes print in no time.
	read_case(CASE("dump-few-tasks"));
	assert_int_equal(facts.console_loglevel.v, 7);
	checkup_evaluate(&facts, &result);
	assert_int_equal(result.nfindings, 0);
}

static void test_cgroup_v1(void **state)
{
	(void)state;
	read_case(CASE("cgroup-v1"));
	assert_int_equal(facts.cg, SYSFACTS_CG_V1);
	assert_int_equal(facts.cg_checked, 3);
	assert_int_equal(facts.cg_unlimited, 2);
	assert_int_equal(facts.nunlimited_kept, 2);
	// The larger first.
	assert_string_equal(facts.unlimited[0].path, "/system.slice/leaky.service");
	assert_false(facts.unlimited[0].container);
	assert_int_equal(facts.unlimited[0].usage_kb, 51200);
	assert_string_equal(facts.unlimited[1].path, "/docker/fedcba9876543210");
	assert_true(facts.unlimited[1].container);
	checkup_evaluate(&facts, &result);
	assert_int_equal(result.nfindings, 2);
	assert_string_equal(result.findings[0].id, "unlimited-containers");
	assert_non_null(strstr(result.findings[0].evidence, "/docker/fedcba9876543210"));
	assert_null(strstr(result.findings[0].evidence, "0123456789abcdef"));
	assert_string_equal(result.findings[1].id, "unlimited-services");
	assert_non_null(strstr(result.findings[1].evidence, "leaky.service"));
}

static bool skipped(const char *id)
{
	for (size_t i = 0; i < result.nskipped; i++)
		if (strcmp(result.skipped[i].id, id) == 0)
			return true;
	return false;
}

static void test_missing_and_garbage(void **state)
{
	(void)state;
	// Nothing but proc/sys/vm: every fact unknown, PSI missing.
	read_case(CASE("missing"));
	assert_false(facts.panic_on_oom.known);
	assert_int_equal(facts.panic_on_oom.err, -ENOENT);
	assert_false(facts.meminfo_known);
	assert_false(facts.consoles_known);
	assert_int_equal(facts.cg, SYSFACTS_CG_NONE);
	checkup_evaluate(&facts, &result);
	assert_int_equal(result.nfindings, 1);
	assert_string_equal(result.findings[0].id, "psi-unavailable");
	assert_true(skipped("panic-on-oom"));
	assert_true(skipped("no-swap-no-oom-handler"));
	assert_true(skipped("unlimited-containers"));
	assert_true(skipped("min-free-kbytes-low"));
	// Malformed files: not understood, never a finding on a guess.
	read_case(CASE("garbage"));
	assert_false(facts.panic_on_oom.known);
	assert_int_equal(facts.panic_on_oom.err, -EINVAL);
	assert_false(facts.consoles_known);
	assert_false(facts.swaps_known);
	assert_false(facts.meminfo_known);
	assert_string_equal(facts.thp, "");
	checkup_evaluate(&facts, &result);
	assert_int_equal(result.nfindings, 0);
	assert_true(skipped("panic-on-oom"));
	assert_true(skipped("overcommit-always"));
	assert_true(skipped("watermark-scale-factor-off-default"));
	assert_non_null(strstr(result.skipped[0].reason, "not understood"));
	// No root, and a root that is not a /proc tree.
	assert_int_equal(sysfacts_read(FIXTURES "/checkup/no-such-dir", &facts), -ENOENT);
	assert_int_equal(sysfacts_read(FIXTURES "/checkup/clean/sys", &facts), -ENOENT);
	assert_int_equal(facts.root_err, -ENOENT);
}

// ---- boundaries on the clean machine's facts ------------------------------

static size_t count(const char *id)
{
	size_t n = 0;

	checkup_evaluate(&facts, &result);
	for (size_t i = 0; i < result.nfindings; i++)
		n += strcmp(result.findings[i].id, id) == 0;
	return n;
}

static void test_dump_boundaries(void **state)
{
	const char *id = "oom-dump-tasks-serial-console";

	(void)state;
	read_case(CASE("clean"));
	facts.console_loglevel.v = 7;
	facts.nprocs = CHECKUP_DUMP_TASKS_MIN - 1;
	assert_int_equal(count(id), 0);
	facts.nprocs = CHECKUP_DUMP_TASKS_MIN;
	assert_int_equal(count(id), 1);
	assert_int_equal(result.findings[0].severity, CHECKUP_WARN);
	assert_non_null(strstr(result.findings[0].evidence, "ttyS0"));
	assert_non_null(strstr(result.findings[0].evidence, "about 1.1 s"));
	facts.nprocs = CHECKUP_DUMP_TASKS_CRIT;
	assert_int_equal(count(id), 1);
	assert_int_equal(result.findings[0].severity, CHECKUP_CRITICAL);
	assert_non_null(strstr(result.findings[0].evidence, "about 56.4 s"));
	// KERN_INFO (6) reaches a console whose level is above 6 only.
	facts.console_loglevel.v = CHECKUP_KERN_INFO;
	assert_int_equal(count(id), 0);
	facts.console_loglevel.v = 7;
	facts.nserial = 0;
	assert_int_equal(count(id), 0);
	facts.nserial = 1;
	facts.oom_dump_tasks.v = 0;
	assert_int_equal(count(id), 0);
	facts.oom_dump_tasks.v = 1;
	facts.consoles_known = false;
	assert_int_equal(count(id), 0);
	assert_true(skipped(id));
}

static void test_overcommit_boundaries(void **state)
{
	(void)state;
	read_case(CASE("clean"));
	facts.overcommit_memory.v = 2;
	facts.commit_limit_kb = facts.mem_total_kb;
	facts.committed_as_kb = facts.commit_limit_kb / 100 * CHECKUP_COMMIT_NEAR_PCT - 1;
	assert_int_equal(count("overcommit-strict-below-ram"), 0);
	assert_int_equal(count("overcommit-strict-near-limit"), 0);
	facts.commit_limit_kb = facts.mem_total_kb - 1;
	assert_int_equal(count("overcommit-strict-below-ram"), 1);
	facts.commit_limit_kb = 1000;
	facts.committed_as_kb = 899;
	assert_int_equal(count("overcommit-strict-near-limit"), 0);
	facts.committed_as_kb = 900;
	assert_int_equal(count("overcommit-strict-near-limit"), 1);
	// Mode 0 judges none of it; mode 1 is its own finding.
	facts.overcommit_memory.v = 0;
	assert_int_equal(result.nfindings, 2);
	assert_int_equal(count("overcommit-strict-near-limit"), 0);
	facts.overcommit_memory.v = 1;
	assert_int_equal(count("overcommit-always"), 1);
	assert_int_equal(count("overcommit-strict-near-limit"), 0);
}

static void test_watermark_boundaries(void **state)
{
	uint64_t base;

	(void)state;
	// The kernel's formula: int_sqrt(KiB * 16) within 128 and 262144.
	assert_int_equal(checkup_min_free_default_kb(24683772), 19873);
	assert_int_equal(checkup_min_free_default_kb(0), 128);
	assert_int_equal(checkup_min_free_default_kb(1024), 128);
	assert_int_equal(checkup_min_free_default_kb(4194304), 8192);
	assert_int_equal(checkup_min_free_default_kb(UINT64_C(1) << 40), 262144);
	assert_int_equal(checkup_min_free_thp_kb(24683772, "madvise"), 67584);
	assert_int_equal(checkup_min_free_thp_kb(24683772, "always"), 67584);
	assert_int_equal(checkup_min_free_thp_kb(1000000, "always"), 50000);   // 5 % of memory
	assert_int_equal(checkup_min_free_thp_kb(24683772, "never"), 0);
	assert_int_equal(checkup_min_free_thp_kb(24683772, ""), 0);
	read_case(CASE("clean"));
	base = checkup_min_free_default_kb(facts.mem_total_kb);
	facts.min_free_kbytes.v = (long long)(base / 2);
	assert_int_equal(count("min-free-kbytes-low"), 0);
	facts.min_free_kbytes.v = (long long)(base / 2) - 1;
	assert_int_equal(count("min-free-kbytes-low"), 1);
	facts.min_free_kbytes.v = 4 * 67584;
	assert_int_equal(count("min-free-kbytes-high"), 0);
	facts.min_free_kbytes.v = 4 * 67584 + 1;
	assert_int_equal(count("min-free-kbytes-high"), 1);
	// Without THP the kernel's own value is the formula's.
	snprintf(facts.thp, sizeof facts.thp, "never");
	facts.min_free_kbytes.v = (long long)(4 * base);
	assert_int_equal(count("min-free-kbytes-high"), 0);
	facts.min_free_kbytes.v = (long long)(4 * base + 1);
	assert_int_equal(count("min-free-kbytes-high"), 1);
	facts.min_free_kbytes.v = 67584;
	for (long long v = 1; v <= 1000; v++) {
		facts.watermark_scale_factor.v = v;
		assert_int_equal(count("watermark-scale-factor-off-default"),
				 v < CHECKUP_WSF_LOW || v > CHECKUP_WSF_HIGH);
	}
}

static void test_other_boundaries(void **state)
{
	(void)state;
	read_case(CASE("clean"));
	facts.panic_on_oom.v = 1;
	assert_int_equal(count("panic-on-oom"), 1);
	assert_int_equal(result.findings[0].severity, CHECKUP_WARN);
	facts.panic_on_oom.v = 2;
	assert_int_equal(count("panic-on-oom"), 1);
	assert_int_equal(result.findings[0].severity, CHECKUP_CRITICAL);
	facts.panic_on_oom.v = 0;
	facts.protected_procs[0].rss_kb = CHECKUP_PROTECTED_MIN_KB - 1;
	assert_int_equal(count("protected-large-process"), 0);
	facts.protected_procs[0].rss_kb = CHECKUP_PROTECTED_MIN_KB;
	assert_int_equal(count("protected-large-process"), 1);
	assert_non_null(strstr(result.findings[0].evidence, "sshd (pid 100"));
	// Swap from /proc/swaps when meminfo is not there.
	read_case(CASE("no-swap-no-oom-handler"));
	assert_false(facts.procs_hidden);
	// Others' processes hidden (hidepid): the handler may be among them.
	facts.procs_hidden = true;
	assert_int_equal(count("no-swap-no-oom-handler"), 0);
	assert_true(skipped("no-swap-no-oom-handler"));
	facts.procs_hidden = false;
	facts.meminfo_known = false;
	assert_int_equal(count("no-swap-no-oom-handler"), 1);
	facts.swaps_kb = 1;
	assert_int_equal(count("no-swap-no-oom-handler"), 0);
	// PSI: missing or switched off is a finding; not allowed is not known.
	facts.psi_err = -EOPNOTSUPP;
	assert_int_equal(count("psi-unavailable"), 1);
	facts.psi_err = -EACCES;
	assert_int_equal(count("psi-unavailable"), 0);
	assert_true(skipped("psi-unavailable"));
}

// ---- the bounded lists, at every fill level --------------------------------

static void put(const char *dir, const char *rel, const char *text)
{
	char path[1024], *slash;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

// A tree with n shielded processes (RSS 1000 + 7 * i mod 50 MiB-ish, all
// different) and n unlimited services.
static void make_tree(const char *dir, unsigned n)
{
	char rel[256], text[256];

	put(dir, "proc/sys/vm/panic_on_oom", "0\n");
	put(dir, "sys/fs/cgroup/cgroup.controllers", "memory\n");
	for (unsigned i = 0; i < n; i++) {
		unsigned rss = 1000 + (i * 37) % 101 * 10 + i;

		snprintf(rel, sizeof rel, "proc/%u/status", 1000 + i);
		snprintf(text, sizeof text, "Name:\tp%u\nVmRSS:\t%u kB\n", i, rss);
		put(dir, rel, text);
		snprintf(rel, sizeof rel, "proc/%u/comm", 1000 + i);
		snprintf(text, sizeof text, "p%u\n", i);
		put(dir, rel, text);
		snprintf(rel, sizeof rel, "proc/%u/oom_score_adj", 1000 + i);
		put(dir, rel, "-1000\n");
		snprintf(rel, sizeof rel, "sys/fs/cgroup/system.slice/s%u.service/cgroup.procs", i);
		put(dir, rel, "1\n");
		snprintf(rel, sizeof rel, "sys/fs/cgroup/system.slice/s%u.service/memory.current", i);
		snprintf(text, sizeof text, "%u\n", rss * 1024);
		put(dir, rel, text);
	}
}

static void rm_tree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_bounded_lists(void **state)
{
	static const unsigned fills[] = { 0, 1, 5, SYSFACTS_PROTECTED_MAX, SYSFACTS_PROTECTED_MAX + 1,
					  SYSFACTS_CGROUPS_MAX, SYSFACTS_CGROUPS_MAX + 1, 200 };

	(void)state;
	for (size_t k = 0; k < sizeof fills / sizeof fills[0]; k++) {
		char dir[] = "/tmp/memtop-checkup-XXXXXX";
		unsigned n = fills[k];
		size_t want_p = n < SYSFACTS_PROTECTED_MAX ? n : SYSFACTS_PROTECTED_MAX;
		size_t want_c = n < SYSFACTS_CGROUPS_MAX ? n : SYSFACTS_CGROUPS_MAX;
		unsigned max_rss = 0;

		assert_non_null(mkdtemp(dir));
		make_tree(dir, n);
		assert_int_equal(sysfacts_read(dir, &facts), 0);
		assert_int_equal(facts.nprocs, n);
		assert_int_equal(facts.procs_hidden, n > 0);        // no PID 1 in these trees
		assert_int_equal(facts.nprotected, n);
		assert_int_equal(facts.nprotected_kept, want_p);
		assert_int_equal(facts.cg_checked, n);
		assert_int_equal(facts.cg_unlimited, n);
		assert_int_equal(facts.nunlimited_kept, want_c);
		for (unsigned i = 0; i < n; i++) {
			unsigned rss = 1000 + (i * 37) % 101 * 10 + i;

			max_rss = rss > max_rss ? rss : max_rss;
		}
		// Largest first, and the largest of all is kept.
		for (size_t i = 1; i < want_p; i++)
			assert_true(facts.protected_procs[i - 1].rss_kb >= facts.protected_procs[i].rss_kb);
		for (size_t i = 1; i < want_c; i++)
			assert_true(facts.unlimited[i - 1].usage_kb >= facts.unlimited[i].usage_kb);
		if (n) {
			assert_int_equal(facts.protected_procs[0].rss_kb, max_rss);
			assert_int_equal(facts.unlimited[0].usage_kb, max_rss);
		}
		// The smallest kept is at least as large as any left out: count
		// the processes larger than it.
		if (n > want_p) {
			unsigned larger = 0;

			for (unsigned i = 0; i < n; i++)
				larger += 1000 + (i * 37) % 101 * 10 + i > facts.protected_procs[want_p - 1].rss_kb;
			assert_true(larger <= want_p - 1);
		}
		rm_tree(dir);
	}
}

// ---- output --------------------------------------------------------------

static char *written(enum output_format fmt, const char *root)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(checkrun_write(f, fmt, root, &facts, &result), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_output(void **state)
{
	char *text;
	FILE *full;

	(void)state;
	read_case(CASE("clean"));
	checkup_evaluate(&facts, &result);
	text = written(FORMAT_TABLE, "/");
	assert_non_null(strstr(text, "nothing found"));
	free(text);
	text = written(FORMAT_JSON, CASE("clean"));
	assert_non_null(strstr(text, "\"findings\":[]"));
	assert_non_null(strstr(text, "\"min_free_kbytes\":67584"));
	assert_non_null(strstr(text, "\"protected_processes\":[{\"pid\":100,\"comm\":\"sshd\",\"rss_kb\":8000}]"));
	free(text);
	read_case(CASE("cgroup-v1"));
	checkup_evaluate(&facts, &result);
	text = written(FORMAT_TABLE, "/x");
	assert_non_null(strstr(text, "2 findings (0 critical, 1 warn, 1 info) under /x"));
	assert_non_null(strstr(text, "WARN     unlimited-containers: Containers without a memory limit\n  Why:  "));
	assert_non_null(strstr(text, "  Fix:  Give each container a limit"));
	assert_non_null(strstr(text, "  Seen: /docker/fedcba9876543210"));
	free(text);
	text = written(FORMAT_JSON, "/");
	assert_non_null(strstr(text, "{\"id\":\"unlimited-services\",\"severity\":\"info\""));
	assert_non_null(strstr(text, "\"cgroup_version\":\"v1\""));
	assert_non_null(strstr(text, "\"kind\":\"container\",\"usage_kb\":10240"));
	free(text);
	// Unknown facts are null, the rules not checked listed.
	read_case(CASE("missing"));
	checkup_evaluate(&facts, &result);
	text = written(FORMAT_JSON, "/");
	assert_non_null(strstr(text, "\"panic_on_oom\":null"));
	assert_non_null(strstr(text, "\"psi\":false"));
	assert_non_null(strstr(text, "{\"id\":\"panic-on-oom\",\"reason\":\"vm.panic_on_oom: No such file or directory\"}"));
	free(text);
	text = written(FORMAT_TABLE, "/");
	assert_non_null(strstr(text, "Not checked:\n  no-swap-no-oom-handler: "));
	free(text);
	// A write error is returned.
	assert_non_null(full = fopen("/dev/full", "w"));
	assert_int_equal(checkrun_write(full, FORMAT_JSON, "/", &facts, &result), ENOSPC);
	fclose(full);
}

// This machine: whatever it has, the facts read without an error, and the
// ones every Linux has are known.
static void test_this_machine(void **state)
{
	(void)state;
	assert_int_equal(sysfacts_read("/", &facts), 0);
	assert_true(facts.panic_on_oom.known);
	assert_true(facts.overcommit_memory.known);
	assert_true(facts.meminfo_known);
	assert_true(facts.mem_total_kb > 0);
	assert_true(facts.procs_known);
	assert_true(facts.nprocs >= 1);             // this test, at least
	checkup_evaluate(&facts, &result);
	assert_true(result.nfindings <= CHECKUP_FINDINGS_MAX);
}

// The live source reads / for the panel: through the monitor, the same
// findings as reading and judging directly; a source without the call
// (a recording) gives -ENOTSUP.
static void test_through_the_monitor(void **state)
{
	static struct checkup direct;
	struct source_config cfg = { 0 };
	struct monitor m = { 0 };
	struct source_ops none = { .name = "none" };
	char err[256];

	(void)state;
	assert_int_equal(monitor_open(&m, &cfg, LEAK_SENS_NORMAL, err, sizeof err), 0);
	assert_int_equal(sysfacts_read("/", &facts), 0);
	checkup_evaluate(&facts, &direct);
	assert_int_equal(monitor_checkup(&m, &result), 0);
	assert_int_equal(result.nfindings, direct.nfindings);
	for (size_t i = 0; i < result.nfindings; i++)
		assert_string_equal(result.findings[i].id, direct.findings[i].id);
	monitor_close(&m);
	m = (struct monitor){ .source = { .ops = &none } };
	assert_int_equal(monitor_checkup(&m, &result), -ENOTSUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_parse_printk),
		cmocka_unit_test(test_parse_consoles),
		cmocka_unit_test(test_parse_swaps),
		cmocka_unit_test(test_parse_kb_thp),
		cmocka_unit_test(test_facts_clean),
		cmocka_unit_test(test_each_finding_on_its_tree),
		cmocka_unit_test(test_trees_that_find_nothing),
		cmocka_unit_test(test_cgroup_v1),
		cmocka_unit_test(test_missing_and_garbage),
		cmocka_unit_test(test_dump_boundaries),
		cmocka_unit_test(test_overcommit_boundaries),
		cmocka_unit_test(test_watermark_boundaries),
		cmocka_unit_test(test_other_boundaries),
		cmocka_unit_test(test_bounded_lists),
		cmocka_unit_test(test_output),
		cmocka_unit_test(test_this_machine),
		cmocka_unit_test(test_through_the_monitor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
