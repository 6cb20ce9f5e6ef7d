/* checkup.c — the rules of memtop --check: which settings turn a slow leak
 * into a hang, a panic or the wrong process killed (model/checkup.h). */
#include "model/checkup.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/text.h"

// Every rule's id, in the order the rules run.
static const char *const rule_ids[] = {
	"no-swap-no-oom-handler", "psi-unavailable", "panic-on-oom", "oom-kill-allocating-task",
	"oom-dump-tasks-serial-console", "overcommit-always", "overcommit-strict-below-ram",
	"overcommit-strict-near-limit", "min-free-kbytes-low", "min-free-kbytes-high",
	"watermark-scale-factor-off-default", "protected-large-process", "unlimited-containers",
	"unlimited-services",
};

const char *const *checkup_rule_ids(size_t *n)
{
	*n = sizeof rule_ids / sizeof rule_ids[0];
	return rule_ids;
}

const char *checkup_severity_name(enum checkup_severity s)
{
	return s == CHECKUP_CRITICAL ? "critical" : s == CHECKUP_WARN ? "warn" : "info";
}

// The integer square root, as the kernel's int_sqrt rounds it (down).
static uint64_t isqrt(uint64_t x)
{
	uint64_t r = 0, bit = UINT64_C(1) << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

uint64_t checkup_min_free_default_kb(uint64_t mem_total_kb)
{
	uint64_t v = isqrt(mem_total_kb > UINT64_MAX / 16 ? UINT64_MAX : mem_total_kb * 16);

	return v < 128 ? 128 : v > 262144 ? 262144 : v;
}

uint64_t checkup_min_free_thp_kb(uint64_t mem_total_kb, const char *thp)
{
	uint64_t v = 67584, cap = mem_total_kb / 20;

	if (strcmp(thp, "always") != 0 && strcmp(thp, "madvise") != 0)
		return 0;
	return v < cap ? v : cap;
}

// Adds a finding; the evidence is formatted. Returns it (NULL when full).
__attribute__((format(printf, 6, 7)))
static struct checkup_finding *add(struct checkup *c, const char *id, enum checkup_severity sev,
				   const char *title, const char *const why_fix[2], const char *fmt, ...)
{
	struct checkup_finding *f;
	va_list ap;

	if (c->nfindings == CHECKUP_FINDINGS_MAX)
		return NULL;
	f = &c->findings[c->nfindings++];
	*f = (struct checkup_finding){ .id = id, .severity = sev, .title = title, .why = why_fix[0],
				       .fix = why_fix[1] };
	va_start(ap, fmt);
	vsnprintf(f->evidence, sizeof f->evidence, fmt, ap);
	va_end(ap);
	return f;
}

// Notes that rule id could not run: what was not read and the error.
static void skip(struct checkup *c, const char *id, const char *what, int err)
{
	struct checkup_skip *s;

	if (c->nskipped == CHECKUP_SKIPPED_MAX)
		return;
	s = &c->skipped[c->nskipped++];
	s->id = id;
	snprintf(s->reason, sizeof s->reason, "%s: %s", what,
		 err == 0 ? "not found" : err == -EINVAL ? "not understood" : strerror(-err));
}

// Why and fix of each rule (why: what the setting does to a slow leak).
static const char *const T_NOSWAP[2] = {
	"Without swap nothing slows a leak down, and without a userspace OOM handler nothing acts "
	"before the kernel's OOM killer, which waits until reclaim fails: first the page cache, "
	"programs' own code included, is thrown out and read back again and again, and the machine "
	"stalls for minutes before anything is killed.",
	"Run a userspace OOM handler that acts on pressure (apt install earlyoom; or systemctl enable "
	"--now systemd-oomd with ManagedOOMMemoryPressure=kill on the slices), or add some swap "
	"(a swap file or zram) so that the leak's cold pages have somewhere to go.",
};
static const char *const T_PSI[2] = {
	"Pressure stall information is how systemd-oomd, oomd, nohang and memtop see that tasks wait "
	"for memory; without it a leak shows only as lower free memory until the machine thrashes.",
	"Use a kernel built with CONFIG_PSI=y; where it is built in but off "
	"(CONFIG_PSI_DEFAULT_DISABLED), boot with psi=1 on the kernel command line.",
};
static const char *const T_PANIC[2] = {
	"The kernel panics instead of killing a process when memory runs out: a leak in one process "
	"takes the whole machine down (and with 2, even a leak inside a container's memory limit "
	"does).",
	"sysctl -w vm.panic_on_oom=0 (and in /etc/sysctl.d/), unless a cluster fails over on "
	"purpose when a node panics.",
};
static const char *const T_ALLOC[2] = {
	"The OOM killer kills whichever process happened to ask for memory, not the one that holds "
	"the most: a leaker survives while innocent processes die one after another.",
	"sysctl -w vm.oom_kill_allocating_task=0 (and in /etc/sysctl.d/).",
};
static const char *const T_DUMP[2] = {
	"Each OOM kill prints one line per process (KERN_INFO), and this console prints that level: "
	"on a serial line the kernel writes the whole table at the line's speed while the OOM killer "
	"waits, so each kill of a leaker stalls the machine.",
	"sysctl -w vm.oom_dump_tasks=0, or keep KERN_INFO off the console: sysctl -w "
	"kernel.printk=\"4 4 1 7\" (dmesg -n 4), or loglevel=4 on the kernel command line.",
};
static const char *const T_OC_ALWAYS[2] = {
	"With overcommit_memory=1 no allocation is ever refused, however large: a leak or a runaway "
	"allocation goes on until the OOM killer, with no early ENOMEM for the program to handle.",
	"sysctl -w vm.overcommit_memory=0 (the heuristic default) unless a workload needs 1 "
	"(some databases and sparse-array programs do).",
};
static const char *const T_OC_BELOW[2] = {
	"Strict accounting (overcommit_memory=2) with a CommitLimit below the memory there is: "
	"allocations fail while memory is still free, so a slow leak makes random programs fail "
	"with ENOMEM long before memory runs out.",
	"Raise vm.overcommit_ratio (CommitLimit = swap + RAM x ratio / 100) or set "
	"vm.overcommit_kbytes, or go back to vm.overcommit_memory=0.",
};
static const char *const T_OC_NEAR[2] = {
	"Under strict accounting the memory already promised is close to CommitLimit: the next "
	"allocations of any process, not only the leaker's, will fail with ENOMEM.",
	"Find the process that grows (memtop: G sorts by growth), restart it, and give the limit "
	"room: vm.overcommit_ratio or vm.overcommit_kbytes.",
};
static const char *const T_MINFREE_LOW[2] = {
	"A min_free_kbytes far below the kernel's own value leaves almost no reserve: kswapd wakes "
	"late, allocations go to direct reclaim and stall, and atomic allocations (networking) fail "
	"when a leak has eaten the rest.",
	"Set it back to the kernel's value (shown) in /etc/sysctl.d/: sysctl -w "
	"vm.min_free_kbytes=VALUE, or remove the override and reboot.",
};
static const char *const T_MINFREE_HIGH[2] = {
	"A min_free_kbytes far above the kernel's own value keeps that much memory unused: reclaim "
	"runs all the time and the OOM killer fires while a large share of memory is still free.",
	"Set it back to the kernel's value (shown) in /etc/sysctl.d/, unless a driver or a network "
	"load needs the reserve.",
};
static const char *const T_WSF[2] = {
	"watermark_scale_factor sets how far ahead of need kswapd reclaims (default 10: 0.1 % of "
	"memory). Too low and allocations stall in direct reclaim as a leak fills memory; too high "
	"and kswapd keeps a large share of memory free for nothing.",
	"sysctl -w vm.watermark_scale_factor=10 (the default) unless measured otherwise.",
};
static const char *const T_PROTECTED[2] = {
	"oom_score_adj -1000 means the OOM killer never picks the process: if it is the one that "
	"leaks, every other process is killed first, and then the kernel panics with no killable "
	"process left.",
	"Give it a score the killer may still use (OOMScoreAdjust=-900 in its systemd unit, or echo "
	"-900 > /proc/PID/oom_score_adj), or a memory limit of its own (MemoryMax=).",
};
static const char *const T_UNLIMITED_CT[2] = {
	"A container without a memory limit shares the whole machine: a leak inside it grows until "
	"the machine's OOM killer acts, and stalls every other container on the way.",
	"Give each container a limit: docker run --memory=SIZE, podman --memory, or "
	"resources.limits.memory in the Kubernetes pod spec.",
};
static const char *const T_UNLIMITED_SVC[2] = {
	"A service without a memory limit (none on it or above it) can leak until the whole machine "
	"runs out; with a limit, the kernel kills inside that service alone.",
	"Set MemoryMax= (and MemoryHigh= a little below it, to throttle first) in the unit: "
	"systemctl set-property NAME.service MemoryMax=SIZE.",
};

// Appends ", " and a printf'd item to buf while it fits.
__attribute__((format(printf, 3, 4)))
static void append(char *buf, size_t cap, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= cap)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
}

// No swap and no userspace OOM handler running.
static void rule_swap(const struct sysfacts *f, struct checkup *c)
{
	const char *id = rule_ids[0];
	uint64_t swap_kb;

	if (!f->meminfo_known && !f->swaps_known) {
		skip(c, id, "meminfo and swaps", f->meminfo_err);
		return;
	}
	if (!f->procs_known) {
		skip(c, id, "the process list", f->procs_err);
		return;
	}
	swap_kb = f->meminfo_known ? f->swap_total_kb : f->swaps_kb;
	if (swap_kb == 0 && f->nhandlers == 0 && f->procs_hidden) {
		skip(c, id, "other users' processes (hidepid)", -EACCES);
		return;
	}
	if (swap_kb == 0 && f->nhandlers == 0)
		add(c, id, CHECKUP_WARN, "No swap and no userspace OOM handler", T_NOSWAP,
		    "SwapTotal 0 kB; none of earlyoom, systemd-oomd, oomd, nohang among %u processes%s",
		    f->nprocs, f->procs_unreadable ? " (some could not be read)" : "");
}

static void rule_psi(const struct sysfacts *f, struct checkup *c)
{
	if (f->psi_err == -ENOENT || f->psi_err == -EOPNOTSUPP)
		add(c, rule_ids[1], CHECKUP_WARN, "Memory pressure (PSI) is not available", T_PSI,
		    "pressure/memory: %s", f->psi_err == -ENOENT ? "missing (no CONFIG_PSI)" :
		    "not supported (psi=0)");
	else if (f->psi_err)
		skip(c, rule_ids[1], "pressure/memory", f->psi_err);
}

static void rule_panic(const struct sysfacts *f, struct checkup *c)
{
	if (!f->panic_on_oom.known)
		skip(c, rule_ids[2], "vm.panic_on_oom", f->panic_on_oom.err);
	else if (f->panic_on_oom.v != 0)
		add(c, rule_ids[2], f->panic_on_oom.v >= 2 ? CHECKUP_CRITICAL : CHECKUP_WARN,
		    "The kernel panics when memory runs out", T_PANIC, "vm.panic_on_oom = %lld%s",
		    f->panic_on_oom.v, f->panic_on_oom.v >= 2 ? " (also for a cgroup's limit)" :
		    " (for the whole machine's OOM)");
	if (!f->oom_kill_allocating_task.known)
		skip(c, rule_ids[3], "vm.oom_kill_allocating_task", f->oom_kill_allocating_task.err);
	else if (f->oom_kill_allocating_task.v != 0)
		add(c, rule_ids[3], CHECKUP_WARN, "The OOM killer kills the allocating task, not the largest",
		    T_ALLOC, "vm.oom_kill_allocating_task = %lld", f->oom_kill_allocating_task.v);
}

// oom_dump_tasks on, a serial console enabled, at a level that prints
// KERN_INFO, with enough processes to take long.
static void rule_dump(const struct sysfacts *f, struct checkup *c)
{
	const char *id = rule_ids[4];
	double secs;

	if (!f->oom_dump_tasks.known) {
		skip(c, id, "vm.oom_dump_tasks", f->oom_dump_tasks.err);
		return;
	}
	if (f->oom_dump_tasks.v == 0)
		return;
	if (!f->consoles_known) {
		skip(c, id, "consoles", f->consoles_err);
		return;
	}
	if (!f->console_loglevel.known) {
		skip(c, id, "kernel.printk", f->console_loglevel.err);
		return;
	}
	if (!f->procs_known) {
		skip(c, id, "the process list", f->procs_err);
		return;
	}
	if (f->nserial == 0 || f->console_loglevel.v <= CHECKUP_KERN_INFO || f->nprocs < CHECKUP_DUMP_TASKS_MIN)
		return;
	secs = (double)f->nprocs * CHECKUP_DUMP_LINE_BYTES / CHECKUP_SERIAL_BYTES_S;
	add(c, id, f->nprocs >= CHECKUP_DUMP_TASKS_CRIT ? CHECKUP_CRITICAL : CHECKUP_WARN,
	    "Each OOM kill prints every process to a serial console", T_DUMP,
	    "vm.oom_dump_tasks = %lld; console %s; console log level %lld (prints KERN_INFO); %u "
	    "processes: about %.1f s a kill at 115200 baud", f->oom_dump_tasks.v, f->serial,
	    f->console_loglevel.v, f->nprocs, secs);
}

static void rule_overcommit(const struct sysfacts *f, struct checkup *c)
{
	long long mode;

	if (!f->overcommit_memory.known) {
		skip(c, rule_ids[5], "vm.overcommit_memory", f->overcommit_memory.err);
		return;
	}
	mode = f->overcommit_memory.v;
	if (mode == 1)
		add(c, rule_ids[5], CHECKUP_INFO, "Allocations are never refused (overcommit_memory=1)",
		    T_OC_ALWAYS, "vm.overcommit_memory = 1");
	if (mode != 2)
		return;
	if (!f->meminfo_known) {
		skip(c, rule_ids[6], "meminfo", f->meminfo_err);
		return;
	}
	if (f->commit_limit_kb < f->mem_total_kb)
		add(c, rule_ids[6], CHECKUP_WARN, "Strict overcommit refuses memory that is there", T_OC_BELOW,
		    "vm.overcommit_memory = 2, overcommit_ratio = %lld, overcommit_kbytes = %lld: "
		    "CommitLimit %llu kB < MemTotal %llu kB (SwapTotal %llu kB)", f->overcommit_ratio.v,
		    f->overcommit_kbytes.v, (unsigned long long)f->commit_limit_kb,
		    (unsigned long long)f->mem_total_kb, (unsigned long long)f->swap_total_kb);
	if (f->commit_limit_kb && f->committed_as_kb * 100 >= f->commit_limit_kb * CHECKUP_COMMIT_NEAR_PCT)
		add(c, rule_ids[7], CHECKUP_CRITICAL, "Committed memory is near the commit limit", T_OC_NEAR,
		    "Committed_AS %llu kB of CommitLimit %llu kB (%llu %%)",
		    (unsigned long long)f->committed_as_kb, (unsigned long long)f->commit_limit_kb,
		    (unsigned long long)(f->committed_as_kb * 100 / f->commit_limit_kb));
}

static void rule_watermarks(const struct sysfacts *f, struct checkup *c)
{
	if (!f->min_free_kbytes.known || !f->meminfo_known) {
		skip(c, rule_ids[8], f->min_free_kbytes.known ? "meminfo" : "vm.min_free_kbytes",
		     f->min_free_kbytes.known ? f->meminfo_err : f->min_free_kbytes.err);
	} else {
		uint64_t base = checkup_min_free_default_kb(f->mem_total_kb);
		uint64_t thp = checkup_min_free_thp_kb(f->mem_total_kb, f->thp);
		uint64_t expect = thp > base ? thp : base, v = (uint64_t)(f->min_free_kbytes.v < 0 ? 0 :
									 f->min_free_kbytes.v);

		if (v < base / CHECKUP_MIN_FREE_LOW_DIV)
			add(c, rule_ids[8], CHECKUP_WARN, "min_free_kbytes is far below the kernel's value",
			    T_MINFREE_LOW, "vm.min_free_kbytes = %llu; the kernel's for MemTotal %llu kB: %llu",
			    (unsigned long long)v, (unsigned long long)f->mem_total_kb, (unsigned long long)base);
		else if (v > expect * CHECKUP_MIN_FREE_HIGH_MUL)
			add(c, rule_ids[9], CHECKUP_INFO, "min_free_kbytes is far above the kernel's value",
			    T_MINFREE_HIGH, "vm.min_free_kbytes = %llu; the kernel's for MemTotal %llu kB: %llu%s",
			    (unsigned long long)v, (unsigned long long)f->mem_total_kb,
			    (unsigned long long)expect, thp > base ? " (with transparent huge pages)" : "");
	}
	if (!f->watermark_scale_factor.known)
		skip(c, rule_ids[10], "vm.watermark_scale_factor", f->watermark_scale_factor.err);
	else if (f->watermark_scale_factor.v < CHECKUP_WSF_LOW || f->watermark_scale_factor.v > CHECKUP_WSF_HIGH)
		add(c, rule_ids[10], CHECKUP_INFO, "watermark_scale_factor is far from its default", T_WSF,
		    "vm.watermark_scale_factor = %lld (default %d: %s)", f->watermark_scale_factor.v,
		    CHECKUP_WSF_DEFAULT, f->watermark_scale_factor.v < CHECKUP_WSF_LOW ?
		    "kswapd starts late" : "a large share of memory kept free");
}

static void rule_protected(const struct sysfacts *f, struct checkup *c)
{
	char ev[768] = "";
	unsigned large = 0;

	if (!f->procs_known) {
		skip(c, rule_ids[11], "the process list", f->procs_err);
		return;
	}
	for (size_t i = 0; i < f->nprotected_kept; i++) {
		const struct sysfact_proc *p = &f->protected_procs[i];
		char size[16];

		if (p->rss_kb < CHECKUP_PROTECTED_MIN_KB)
			continue;
		if (large++ < 5)
			append(ev, sizeof ev, "%s%s (pid %d, RSS %s)", large > 1 ? ", " : "", p->comm, p->pid,
			       text_human_kb(p->rss_kb, size, sizeof size));
	}
	if (large)
		add(c, rule_ids[11], CHECKUP_WARN, "Large processes the OOM killer may never kill",
		    T_PROTECTED, "oom_score_adj -1000 and RSS >= 64M: %s%s (%u at -1000 in all)", ev,
		    large > 5 ? ", ..." : "", f->nprotected);
}

static void rule_cgroups(const struct sysfacts *f, struct checkup *c)
{
	char ct[640] = "", svc[640] = "";
	unsigned nct = 0, nsvc = 0;

	if (f->cg == SYSFACTS_CG_NONE) {
		skip(c, rule_ids[12], "the memory cgroup hierarchy", -ENOENT);
		return;
	}
	for (size_t i = 0; i < f->nunlimited_kept; i++) {
		const struct sysfact_cgroup *g = &f->unlimited[i];
		unsigned *n = g->container ? &nct : &nsvc;
		char *buf = g->container ? ct : svc, size[16];

		if ((*n)++ < 5)
			append(buf, sizeof ct, "%s%s (%s)", *n > 1 ? ", " : "", g->path,
			       g->have_usage ? text_human_kb(g->usage_kb, size, sizeof size) : "usage unknown");
	}
	if (nct)
		add(c, rule_ids[12], CHECKUP_WARN, "Containers without a memory limit", T_UNLIMITED_CT,
		    "%s%s (%s cgroups)", ct, nct > 5 ? ", ..." : "", f->cg == SYSFACTS_CG_V2 ? "v2" : "v1");
	if (nsvc)
		add(c, rule_ids[13], CHECKUP_INFO, "Services without a memory limit", T_UNLIMITED_SVC,
		    "%u of %u service and container cgroups have no limit; the largest services: %s%s "
		    "(%s cgroups)",
		    f->cg_unlimited, f->cg_checked, svc, nsvc > 5 ? ", ..." : "",
		    f->cg == SYSFACTS_CG_V2 ? "v2" : "v1");
}

void checkup_evaluate(const struct sysfacts *f, struct checkup *out)
{
	memset(out, 0, sizeof *out);
	rule_swap(f, out);
	rule_psi(f, out);
	rule_panic(f, out);
	rule_dump(f, out);
	rule_overcommit(f, out);
	rule_watermarks(f, out);
	rule_protected(f, out);
	rule_cgroups(f, out);
}
