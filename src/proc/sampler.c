/* sampler.c — reads /proc for one tick: libproc2 for what it does well
 * (meminfo, identity, status and OOM fields of new or due processes), kept
 * statm fds for the every-tick path. See sampler.h for the cost model. */
#include "proc/sampler.h"
#include "proc/sampler_int.h"
#include "util/mathutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libproc2/meminfo.h>
#include <libproc2/misc.h>
#include <libproc2/pids.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "proc/cgfiles.h"
#include "proc/procfs.h"
#include "proc/procparse.h"
#include "proc/sysfacts.h"
#include "util/text.h"

#define PF_KTHREAD_FLAG 0x00200000UL   // include/linux/sched.h
// libproc2 accepts up to 255 pids a select and keeps the last result until
// the next; 64 keeps that memory small (~50 KiB) at a few more calls.
#define SELECT_BATCH 64
#define FD_RESERVE 64                   // fds left for everything but statm
#define MAPS_MAX (64 * 1024 * 1024)

// The libproc2 items read for a new or due process, and their positions.
static enum pids_item detail_items[] = {
	PIDS_ID_PID, PIDS_ID_PPID, PIDS_ID_EUSER, PIDS_TICS_BEGAN, PIDS_FLAGS,
	PIDS_VM_RSS_FILE, PIDS_VM_RSS_SHARED, PIDS_VM_SWAP, PIDS_VM_DATA,
	PIDS_OOM_SCORE, PIDS_OOM_ADJ, PIDS_ADDR_CODE_START, PIDS_ADDR_STACK_START,
};
enum detail_rel {
	D_PID, D_PPID, D_EUSER, D_BEGAN, D_FLAGS, D_FILE, D_SHMEM, D_SWAP, D_DATA,
	D_OOM, D_ADJ, D_CODE, D_STACK, D_COUNT
};

static enum meminfo_item mem_items[] = {
	MEMINFO_MEM_TOTAL, MEMINFO_MEM_AVAILABLE, MEMINFO_MEM_FREE, MEMINFO_MEM_BUFFERS,
	MEMINFO_MEM_CACHED, MEMINFO_MEM_SHARED, MEMINFO_SWAP_TOTAL, MEMINFO_SWAP_FREE,
	// The memory breakdown's (proc/memparts.h): the same read of meminfo.
	MEMINFO_SWAP_CACHED, MEMINFO_MEM_ANON, MEMINFO_MEM_SLAB_RECLAIM, MEMINFO_MEM_SLAB_UNRECLAIM,
	MEMINFO_MEM_KERNEL_STACK, MEMINFO_MEM_PAGE_TABLES, MEMINFO_MEM_VM_ALLOC_USED, MEMINFO_MEM_PER_CPU,
	MEMINFO_MEM_HUGETBL, MEMINFO_MEM_HUGE_TOTAL, MEMINFO_MEM_HUGE_SIZE,
};
enum mem_rel {
	M_TOTAL, M_AVAIL, M_FREE, M_BUFFERS, M_CACHED, M_SHMEM, M_SWAP_TOTAL, M_SWAP_FREE,
	M_SWAP_CACHED, M_ANON, M_SRECL, M_SUNRECL, M_KSTACK, M_PTABLES, M_VMALLOC, M_PERCPU,
	M_HUGETLB, M_HUGE_TOTAL, M_HUGE_SIZE, M_COUNT
};


// Monotonic clock in seconds.
static double clock_seconds(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// The sampler's monotonic clock. MEMTOP_CLOCK_SCALE, a variable for tests,
// makes it run that many times faster than real time (from its first
// reading), so that a soak test of a few minutes fills and wraps the
// slowest history tier (2 hours) under the real screen.
double sampler_clock(struct sampler *s)
{
	double t = clock_seconds(CLOCK_MONOTONIC);

	if (s->clock_scale == 1.0)
		return t;
	if (s->clock_origin == 0)
		s->clock_origin = t;
	return s->clock_origin + (t - s->clock_origin) * s->clock_scale;
}

// The wall clock, as fast as sampler_clock under MEMTOP_CLOCK_SCALE, so that
// a recording made in a soak test spans days (thinning, retention).
static double sampler_wall_clock(struct sampler *s)
{
	double t = clock_seconds(CLOCK_REALTIME);

	if (s->clock_scale == 1.0)
		return t;
	if (s->wall_origin == 0)
		s->wall_origin = t;
	return s->wall_origin + (t - s->wall_origin) * s->clock_scale;
}

// A time rounded to the millisecond, as a recording keeps it: the model
// then computes on the same numbers live and in a replay (a process known
// for exactly 12 s is known for 12 s in both).
static double whole_ms(double t)
{
	return (double)floor_i64(t * 1000.0 + 0.5) / 1000.0;
}

// MEMTOP_CLOCK_SCALE, when it is a number from 1 to 10,000; else 1.
static double clock_scale_from_env(void)
{
	const char *v = getenv("MEMTOP_CLOCK_SCALE");
	char *end;
	double scale = v && *v ? strtod(v, &end) : 1.0;

	return v && *v && !*end && scale >= 1.0 && scale <= 10000.0 ? scale : 1.0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_sample_pid(const void *a, const void *b)
{
	const struct proc_sample *x = *(struct proc_sample *const *)a, *y = *(struct proc_sample *const *)b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

// The pid of a process sample, for bsearch by pid over s->ents.
static int cmp_pid_sample(const void *key, const void *elem)
{
	int pid = *(const int *)key, other = (*(struct proc_sample *const *)elem)->pid;

	return (pid > other) - (pid < other);
}

// Grows every per-process array to hold at least want entries; 0 or -ENOMEM.
static int sampler_reserve(struct sampler *s, size_t want)
{
	size_t cap = s->cap ? s->cap : 256;
	void *p;

	if (want <= s->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	if (!(p = realloc(s->ents, cap * sizeof *s->ents)))
		return -ENOMEM;
	s->ents = p;
	if (!(p = realloc(s->next, cap * sizeof *s->next)))
		return -ENOMEM;
	s->next = p;
	if (!(p = realloc(s->todo, cap * sizeof *s->todo)))
		return -ENOMEM;
	s->todo = p;
	if (!(p = realloc(s->view, cap * sizeof *s->view)))
		return -ENOMEM;
	s->view = p;
	s->cap = cap;
	return 0;
}

// Raises the soft fd limit as far as allowed and returns how many statm fds
// may be kept open; beyond that, processes fall back to open/read/close.
static long fd_budget_init(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max == RLIM_INFINITY ? (rlim_t)1 << 20 : rl.rlim_max;

		if (want > (rlim_t)1 << 20)
			want = (rlim_t)1 << 20;
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return 1L << 20;
	return rl.rlim_cur > FD_RESERVE ? (long)(rl.rlim_cur - FD_RESERVE) : 0;
}

// Copies n pids into *set (grown as needed), sorted and without duplicates.
// Returns 0 or -ENOMEM.
static int pid_set_assign(int **set, size_t *count, size_t *cap, const int *pids, size_t n)
{
	size_t out = 0;

	if (n > *cap) {
		int *p = realloc(*set, n * sizeof *p);

		if (!p)
			return -ENOMEM;
		*set = p;
		*cap = n;
	}
	if (n)
		memcpy(*set, pids, n * sizeof *pids);
	if (n > 1)
		qsort(*set, n, sizeof **set, cmp_int);
	for (size_t i = 0; i < n; i++)
		if (out == 0 || (*set)[out - 1] != (*set)[i])
			(*set)[out++] = (*set)[i];
	*count = out;
	return 0;
}

static bool is_wanted(const struct sampler *s, int pid)
{
	return s->nwanted && bsearch(&pid, s->wanted, s->nwanted, sizeof pid, cmp_int);
}

int sampler_set_wanted(struct sampler *s, const int *pids, size_t n)
{
	return pid_set_assign(&s->wanted, &s->nwanted, &s->wanted_cap, pids, n);
}

int sampler_set_cgroup_watch(struct sampler *s, const int *pids, size_t n)
{
	return pid_set_assign(&s->cg_watch, &s->ncg_watch, &s->cg_watch_cap, pids, n);
}

// The PSI file; MEMTOP_PSI_PATH overrides it for tests that simulate a
// kernel without PSI.
static const char *psi_path(void)
{
	const char *path = getenv("MEMTOP_PSI_PATH");

	return path && *path ? path : "/proc/pressure/memory";
}

static int psi_open(void)
{
	int fd = procfs_open_at(AT_FDCWD, psi_path());

	return fd < 0 ? -1 : fd;
}

int sampler_psi_trigger(unsigned stall_us, unsigned window_us)
{
	char spec[64];
	int fd = open(psi_path(), O_RDWR | O_NONBLOCK | O_CLOEXEC), len;

	if (fd < 0)
		return -errno;
	len = snprintf(spec, sizeof spec, "some %u %u", stall_us, window_us);
	// The kernel takes the trigger with its terminating NUL.
	if (write(fd, spec, (size_t)len + 1) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

// Finds the cgroup mounts and whether memory is on cgroup2; without them the
// detail view's cgroup section says n/a.
static void cgroup_mounts_init(struct sampler *s)
{
	char path[300];
	ssize_t n = procfs_read_all_at(AT_FDCWD, "/proc/self/mountinfo", &s->buf, 1 << 20);

	memset(&s->cg_mounts, 0, sizeof s->cg_mounts);
	if (n <= 0 || cgfiles_parse_mountinfo(s->buf.data, (size_t)n, &s->cg_mounts) < 0)
		memset(&s->cg_mounts, 0, sizeof s->cg_mounts);
	if (!s->cg_mounts.v2[0])
		return;
	snprintf(path, sizeof path, "%s/cgroup.controllers", s->cg_mounts.v2);
	n = procfs_read_at(AT_FDCWD, path, s->scratch, 4096);
	s->memory_on_v2 = n > 0 && cgfiles_controllers_have(s->scratch, (size_t)n, "memory");
}

struct sampler *sampler_new(const struct source_config *cfg, char *err, size_t errlen)
{
	struct sampler *s = calloc(1, sizeof *s);
	size_t listed_cap = 0;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	sampler_breakdown_alloc(s);          // out of memory: no breakdown
	s->proc_fd = -1;
	s->psi_fd = -1;
	s->vmstat_fd = -1;
	if (pid_set_assign(&s->listed, &s->nlisted, &listed_cap, cfg->pids, cfg->npids) < 0 ||
	    (cfg->listed_detail && sampler_set_wanted(s, cfg->pids, cfg->npids) < 0) ||
	    !(s->scratch = malloc(2 * SCRATCH_HALF)) || sampler_reserve(s, 256) < 0 ||
	    (cfg->read_exe && (!(s->exe_raw = malloc(EXE_MAX)) || !(s->exe_text = malloc(EXE_TEXT_MAX))))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	s->proc_fd = procfs_open_at(AT_FDCWD, "/proc");
	if (s->proc_fd < 0 || !(s->proc_dir = opendir("/proc"))) {
		snprintf(err, errlen, "cannot open /proc: %s", strerror(s->proc_fd < 0 ? -s->proc_fd : errno));
		goto fail;
	}
	if (procps_pids_new(&s->pids_info, detail_items, D_COUNT) < 0 ||
	    procps_meminfo_new(&s->mem_info) < 0) {
		snprintf(err, errlen, "libproc2 could not be initialised (is /proc mounted?)");
		goto fail;
	}
	s->hertz = procps_hertz_get();
	if (s->hertz <= 0)
		s->hertz = 100;
	s->page_kb = sysconf(_SC_PAGESIZE) / 1024;
	s->psi_fd = psi_open();
	// Without the switch the file is not even opened: the screen and
	// batch mode cost what they did.
	if (cfg->system_counters)
		s->vmstat_fd = procfs_open_at(AT_FDCWD, "/proc/vmstat");
	// Opened once: a refusal (not root) is kept, never retried each tick.
	if (cfg->oom_log)
		s->kmsg = kmsgread_open(KMSGREAD_PATH, (unsigned)s->page_kb, &s->kmsg_err);
	s->clock_scale = clock_scale_from_env();
	s->fd_budget = fd_budget_init();
	cgroup_mounts_init(s);
	return s;
fail:
	sampler_free(s);
	return NULL;
}

// Closes a process's kept fd and frees its sample.
static void entry_destroy(struct sampler *s, struct proc_sample *e)
{
	if (e->priv.statm_fd >= 0) {
		close(e->priv.statm_fd);
		s->fds_kept--;
	}
	free(e->comm);               // and cmdline, cgroup and exe: one allocation
	free(e);
}

// The stored copy of a (sanitised) user name: users are few, so each name
// is kept once for the sampler's lifetime and shared by its processes.
static const char *intern_user(struct sampler *s, const char *name)
{
	for (size_t i = 0; i < s->nusers; i++)
		if (strcmp(s->users[i], name) == 0)
			return s->users[i];
	if (s->nusers == s->users_cap) {
		size_t cap = s->users_cap ? 2 * s->users_cap : 16;
		char **p = realloc(s->users, cap * sizeof *p);

		if (!p)
			return "?";
		s->users = p;
		s->users_cap = cap;
	}
	if (!(s->users[s->nusers] = strdup(name)))
		return "?";
	return s->users[s->nusers++];
}

// Turns a statm reading into the every-tick fields.
static void entry_apply_statm(const struct sampler *s, struct proc_sample *e, const struct statm *m)
{
	uint64_t shared = m->shared <= m->resident ? m->shared : m->resident;

	e->rss_kb = m->resident * (uint64_t)s->page_kb;
	e->shared_kb = shared * (uint64_t)s->page_kb;
	e->anon_kb = e->rss_kb - e->shared_kb;
	e->priv.vm_pages = m->size;
	e->priv.text_pages = m->text < UINT32_MAX ? (uint32_t)m->text : UINT32_MAX;
}

// stat's code and stack start folded into 32 bits, never 0 when known; 0
// when stat does not say (kernel threads, processes we may not ptrace).
static uint32_t exec_sig_of(uint64_t start_code, uint64_t start_stack)
{
	uint64_t x = (start_code * 0x9E3779B97F4A7C15ULL) ^ start_stack;
	uint32_t sig = (uint32_t)(x ^ (x >> 32));

	if (!start_code && !start_stack)
		return 0;
	return sig ? sig : 1;
}

// A new program runs in e's process: the model starts it a new history,
// and its names and details are read again this tick.
static void entry_execd(struct proc_sample *e)
{
	e->exec_gen++;
	e->priv.refresh_now = true;
	e->priv.exec_sig = 0;        // the new program's: learnt at that read
	e->have_heap = false;
}

// Records stat's exec signature; true when it shows an exec (a known
// signature changed).
static bool entry_note_exec_sig(struct proc_sample *e, uint32_t sig)
{
	bool execd = sig && e->priv.exec_sig && sig != e->priv.exec_sig;

	if (sig)
		e->priv.exec_sig = sig;
	return execd;
}

// Reads statm through the kept fd (or, without one, by path after checking
// that the pid still belongs to the same process). Returns 0, or -1 when the
// process is gone or is no longer the one we knew.
static int entry_read_statm(struct sampler *s, struct proc_sample *e, struct statm *m)
{
	char buf[160], path[48];
	ssize_t n;

	if (e->priv.statm_fd < 0) {
		uint64_t began;

		snprintf(path, sizeof path, "%d/stat", e->pid);
		n = procfs_read_at(s->proc_fd, path, s->scratch, 1024);
		if (n <= 0 || procparse_stat_start(s->scratch, (size_t)n, &began) < 0 ||
		    began != e->start_ticks)
			return -1;
		snprintf(path, sizeof path, "%d/statm", e->pid);
		n = procfs_read_at(s->proc_fd, path, buf, sizeof buf);
	} else {
		n = procfs_pread(e->priv.statm_fd, buf, sizeof buf);
	}
	if (n <= 0 || procparse_statm(buf, (size_t)n, m) < 0)
		return -1;
	return 0;
}

// True when e already holds exactly these names (so a re-read that finds
// nothing new costs no allocation).
static bool names_equal(const struct proc_sample *e, const char *comm, const char *cmd, size_t ncmd,
			const char *cgroup, const char *exe, bool cut)
{
	return e->comm && e->cmdline_cut == cut && strcmp(e->comm, comm) == 0 &&
	       strlen(e->cmdline) == ncmd && memcmp(e->cmdline, cmd, ncmd) == 0 &&
	       strcmp(e->cgroup, cgroup) == 0 && strcmp(e->exe, exe) == 0;
}

// The path of pid's executable, sanitised into s->exe_text; "" when it
// cannot be read (EACCES: another user's process, when not root; ENOENT: a
// kernel thread or a zombie). Only with cfg.read_exe.
static const char *read_exe(struct sampler *s, int pid, size_t *len)
{
	char path[48];
	ssize_t n;

	snprintf(path, sizeof path, "%d/exe", pid);
	n = procfs_readlink_at(s->proc_fd, path, s->exe_raw, EXE_MAX);
	*len = n > 0 ? text_sanitize(s->exe_raw, (size_t)n, s->exe_text, EXE_TEXT_MAX) : 0;
	s->exe_text[*len] = '\0';
	return s->exe_text;
}

// Reads the small raw text files of a process: comm, cmdline (at most
// CMDLINE_MAX bytes; cmdline_cut says there were more), cgroup and, with
// cfg.read_exe, the exe link, sanitised. When they differ from what e holds
// (or e holds none), they replace it in one new allocation (comm first:
// freeing comm frees all four) and the old one is freed. Returns 1 when the
// names changed, 0 when they did not, -ESRCH when the process has gone
// meanwhile (it is dropped, not listed without a name) or -ENOMEM (e keeps
// its names).
static int entry_read_names(struct sampler *s, struct proc_sample *e)
{
	char path[48], raw[256], comm[SNAPSHOT_COMM_MAX];
	size_t ncomm, ncmd, ncg = 0, nexe = 0;
	char *cmd = s->scratch, *cgroup = s->scratch + SCRATCH_HALF, *names;
	const char *exe = "";
	ssize_t n;
	bool cut;

	snprintf(path, sizeof path, "%d/comm", e->pid);
	n = procfs_read_at(s->proc_fd, path, raw, sizeof raw);
	if (n <= 0)
		return -ESRCH;     // comm is readable by anyone while the pid exists: gone
	if (raw[n - 1] == '\n')
		n--;
	ncomm = text_sanitize(raw, (size_t)n, comm, sizeof comm);
	if (s->cfg.read_exe)
		exe = read_exe(s, e->pid, &nexe);

	// The cgroup first: its raw path is parsed into the first half of the
	// scratch buffer, which the command line overwrites next.
	cgroup[0] = '\0';
	snprintf(path, sizeof path, "%d/cgroup", e->pid);
	n = procfs_read_all_at(s->proc_fd, path, &s->buf, 64 * 1024);
	if (n > 0 && procparse_cgroup(s->buf.data, (size_t)n, s->scratch, SCRATCH_HALF) == 0)
		ncg = text_sanitize(s->scratch, strlen(s->scratch), cgroup, SCRATCH_HALF);

	snprintf(path, sizeof path, "%d/cmdline", e->pid);
	// One byte more than is kept, to know whether there was more.
	n = procfs_read_all_at(s->proc_fd, path, &s->buf, CMDLINE_MAX + 1);
	cut = n > CMDLINE_MAX;
	ncmd = text_sanitize_cmdline(s->buf.data, n > 0 ? (size_t)(cut ? CMDLINE_MAX : n) : 0, cmd,
				     SCRATCH_HALF);

	if (names_equal(e, comm, cmd, ncmd, cgroup, exe, cut))
		return 0;
	if (!(names = malloc(ncomm + ncmd + ncg + nexe + 4)))
		return -ENOMEM;
	free(e->comm);
	e->comm = memcpy(names, comm, ncomm + 1);
	e->cmdline = memcpy(e->comm + ncomm + 1, cmd, ncmd + 1);
	e->cgroup = memcpy(e->cmdline + ncmd + 1, cgroup, ncg + 1);
	e->exe = memcpy(e->cgroup + ncg + 1, exe, nexe + 1);
	e->cmdline_cut = cut;
	return 1;
}

// When the next unforced detail read of a process is due: MAX_AGE plus a
// per-pid spread, so that processes seen at the same tick are not all due
// at the same later tick.
static double detail_next_due(double now, int pid)
{
	return now + SAMPLER_DETAIL_MAX_AGE + (double)(pid % 30);
}

// Copies the status/OOM fields of one libproc2 result into e.
static void entry_apply_detail(struct sampler *s, struct proc_sample *e, struct pids_stack *st)
{
	const char *user = PIDS_VAL(D_EUSER, str, st, s->pids_info);
	char name[SNAPSHOT_USER_MAX];

	e->ppid = PIDS_VAL(D_PPID, s_int, st, s->pids_info);
	text_sanitize(user ? user : "", user ? strlen(user) : 0, name, sizeof name);
	e->user = intern_user(s, name);
	e->file_kb = PIDS_VAL(D_FILE, ul_int, st, s->pids_info);
	e->shmem_kb = PIDS_VAL(D_SHMEM, ul_int, st, s->pids_info);
	e->swap_kb = PIDS_VAL(D_SWAP, ul_int, st, s->pids_info);
	e->data_kb = PIDS_VAL(D_DATA, ul_int, st, s->pids_info);
	e->oom_score = PIDS_VAL(D_OOM, s_int, st, s->pids_info);
	e->oom_score_adj = PIDS_VAL(D_ADJ, s_int, st, s->pids_info);
	if (entry_note_exec_sig(e, exec_sig_of(PIDS_VAL(D_CODE, ul_int, st, s->pids_info),
					       PIDS_VAL(D_STACK, ul_int, st, s->pids_info)))) {
		e->exec_gen++;
		e->have_heap = false;
	}
	e->priv.refresh_now = false;
	e->have_detail = true;
	e->detail_time = s->now;
	e->priv.detail_due = detail_next_due(s->now, e->pid);
}

// Opens the statm fd kept for a new process, while the budget lasts.
static void entry_open_statm(struct sampler *s, struct proc_sample *e)
{
	char path[48];

	if (s->fds_kept >= s->fd_budget)
		return;
	snprintf(path, sizeof path, "%d/statm", e->pid);
	e->priv.statm_fd = procfs_open_at(s->proc_fd, path);
	if (e->priv.statm_fd >= 0)
		s->fds_kept++;
	else
		e->priv.statm_fd = -1;
}

// Builds the entry of a new process from stat and statm alone (lazy_start):
// comm from stat; command line, cgroup, user and details pending.
static int entry_create_quick(struct sampler *s, struct proc_sample *e, int pid)
{
	char path[48], comm[SNAPSHOT_COMM_MAX];
	struct stat_ident id;
	struct stat_exec ex;
	struct statm m;
	size_t ncomm;
	ssize_t n;

	memset(e, 0, sizeof *e);
	e->priv.statm_fd = -1;
	e->user = "";
	e->pid = pid;
	snprintf(path, sizeof path, "%d/stat", pid);
	n = procfs_read_at(s->proc_fd, path, s->scratch, 1024);
	if (n <= 0 || procparse_stat_ident(s->scratch, (size_t)n, &id) < 0)
		return -1;
	e->ppid = id.ppid;
	e->start_ticks = id.start_ticks;
	e->start_time_s = (double)e->start_ticks / (double)s->hertz;
	e->kthread = (id.flags & PF_KTHREAD_FLAG) != 0;
	if (procparse_stat_exec(s->scratch, (size_t)n, &ex) == 0)
		e->priv.exec_sig = exec_sig_of(ex.start_code, ex.start_stack);
	entry_open_statm(s, e);
	if (entry_read_statm(s, e, &m) < 0)
		return -1;
	ncomm = text_sanitize(id.comm, id.comm_len, comm, sizeof comm);
	if (!(e->comm = calloc(1, ncomm + 4)))        // comm, then empty cmdline, cgroup, exe
		return -1;
	memcpy(e->comm, comm, ncomm);
	e->cmdline = e->comm + ncomm + 1;
	e->cgroup = e->cmdline + 1;
	e->exe = e->cgroup + 1;
	entry_apply_statm(s, e, &m);
	e->priv.detail_resident = m.resident;
	e->priv.detail_shared = m.shared;
	e->priv.pending = true;
	return 0;
}

// Reads the names of a pending entry (keeping the old ones if that fails).
static void entry_fill_names(struct sampler *s, struct proc_sample *e)
{
	if (entry_read_names(s, e) >= 0)
		e->priv.pending = false;
}

// Builds the entry of a process first seen this tick from its libproc2
// result. Returns 0, or -1 when it vanished meanwhile (the caller destroys e).
static int entry_create(struct sampler *s, struct proc_sample *e, struct pids_stack *st)
{
	struct statm m;

	memset(e, 0, sizeof *e);
	e->priv.statm_fd = -1;
	e->user = "";
	e->pid = PIDS_VAL(D_PID, s_int, st, s->pids_info);
	e->start_ticks = PIDS_VAL(D_BEGAN, ull_int, st, s->pids_info);
	e->start_time_s = (double)e->start_ticks / (double)s->hertz;
	e->kthread = (PIDS_VAL(D_FLAGS, ul_int, st, s->pids_info) & PF_KTHREAD_FLAG) != 0;
	entry_open_statm(s, e);
	if (entry_read_statm(s, e, &m) < 0 || entry_read_names(s, e) < 0)
		return -1;
	entry_apply_statm(s, e, &m);
	entry_apply_detail(s, e, st);
	e->priv.detail_resident = m.resident;
	e->priv.detail_shared = m.shared;
	return 0;
}

// Lists the pids to look at this tick, sorted: the requested ones, or every
// numeric entry of /proc.
static int list_pids(struct sampler *s)
{
	struct dirent *d;
	bool sorted = true;

	s->nlisting = 0;
	if (s->nlisted) {
		s->listing = s->listed;
		s->nlisting = s->nlisted;
		return 0;
	}
	rewinddir(s->proc_dir);
	errno = 0;
	while ((d = readdir(s->proc_dir))) {
		char *end;
		long pid = strtol(d->d_name, &end, 10);

		if (d->d_name[0] < '1' || d->d_name[0] > '9' || *end || pid > INT32_MAX)
			continue;
		if (s->nlisting == s->listing_cap) {
			size_t cap = s->listing_cap ? 2 * s->listing_cap : 1024;
			int *p = realloc(s->listing, cap * sizeof *p);

			if (!p)
				return -ENOMEM;
			s->listing = p;
			s->listing_cap = cap;
		}
		if (s->nlisting && s->listing[s->nlisting - 1] > (int)pid)
			sorted = false;
		s->listing[s->nlisting++] = (int)pid;
	}
	if (errno)
		return -errno;
	if (!sorted)
		qsort(s->listing, s->nlisting, sizeof *s->listing, cmp_int);
	return 0;
}

// Walks this tick's pid list against the known processes (both sorted):
// known and alive ones move to s->next with fresh statm, the dead are freed,
// and pids not known (or reused) are queued in s->todo. Returns the count moved.
static size_t merge_known(struct sampler *s)
{
	size_t i = 0, n = 0;

	s->ntodo = 0;
	for (size_t k = 0; k < s->nlisting; k++) {
		int pid = s->listing[k];
		struct statm m;

		while (i < s->nents && s->ents[i]->pid < pid)
			entry_destroy(s, s->ents[i++]);
		if (i < s->nents && s->ents[i]->pid == pid) {
			struct proc_sample *e = s->ents[i++];

			if (entry_read_statm(s, e, &m) == 0) {
				// Only exec sets a new text size: a new program. A
				// process with no address space (a zombie, or one
				// half-way through exec) shows 0: not a program.
				bool execd = m.text != e->priv.text_pages && m.text && !e->kthread;

				entry_apply_statm(s, e, &m);
				if (execd)
					entry_execd(e);
				s->next[n++] = e;
				continue;
			}
			entry_destroy(s, e);   // gone, or the pid now names another process
		}
		s->todo[s->ntodo++] = (unsigned)pid;
	}
	while (i < s->nents)
		entry_destroy(s, s->ents[i++]);
	s->nents = 0;
	return n;
}

// Creates entries for the queued new pids, appending them to s->next.
static size_t add_new(struct sampler *s, size_t n)
{
	// A burst (memtop's own start, above all): stat and statm only, so the
	// first screen comes at once; the rest follows (sampler_fill_pending).
	if (s->cfg.lazy_start && s->ntodo > SELECT_BATCH) {
		s->burst = s->idle_fill = true;
		s->idle_pos = 0;
		for (size_t i = 0; i < s->ntodo; i++) {
			struct proc_sample *e = malloc(sizeof *e);

			if (e && entry_create_quick(s, e, (int)s->todo[i]) == 0)
				s->next[n++] = e;
			else if (e)
				entry_destroy(s, e);
		}
		return n;
	}
	for (size_t off = 0; off < s->ntodo; off += SELECT_BATCH) {
		int batch = (int)(s->ntodo - off < SELECT_BATCH ? s->ntodo - off : SELECT_BATCH);
		struct pids_fetch *f = procps_pids_select(s->pids_info, s->todo + off, batch, PIDS_SELECT_PID);

		for (int j = 0; f && j < f->counts->total; j++) {
			struct proc_sample *e = malloc(sizeof *e);

			if (e && entry_create(s, e, f->stacks[j]) == 0)
				s->next[n++] = e;
			else if (e)
				entry_destroy(s, e);
		}
	}
	return n;
}

// True when a page count moved enough since the last detail read for the
// fields read with it (swap, file, shmem, OOM score) to have moved too: by
// SAMPLER_DETAIL_MOVE_PAGES or an eighth. A process that only breathes (a
// page or two up and down, as most do) is not re-read for it; a growing
// one is.
static bool moved_markedly(uint64_t now_pages, uint64_t then_pages)
{
	uint64_t delta = now_pages > then_pages ? now_pages - then_pages : then_pages - now_pages;

	return delta >= SAMPLER_DETAIL_MOVE_PAGES || delta * 8 >= then_pages + 8;
}

// True when a process's status/OOM fields should be read again this tick.
static bool detail_is_due(const struct sampler *s, const struct proc_sample *e, bool wanted)
{
	if (e->priv.refresh_now)       // exec'd or renamed
		return true;
	// On screen or named with -p: fresh, but no more than once a second even
	// at a 0.1 s interval (status and the OOM files cost ~40 us a process).
	if (wanted)
		return s->now - e->detail_time >= SAMPLER_WANTED_MAX_AGE;
	if (s->now >= e->priv.detail_due)
		return true;
	// Memory moved markedly: read again, but not more often than MIN_AGE.
	return s->now - e->detail_time >= SAMPLER_DETAIL_MIN_AGE &&
	       (moved_markedly(e->rss_kb / (uint64_t)s->page_kb, e->priv.detail_resident) ||
		moved_markedly(e->shared_kb / (uint64_t)s->page_kb, e->priv.detail_shared));
}

// For a process on screen (or named with -p), between its detail reads:
// true when stat shows a new program (its code or stack moved) or a new
// comm, so that its names follow within one refresh. One small read.
static bool entry_renamed(struct sampler *s, struct proc_sample *e)
{
	char path[48], comm[SNAPSHOT_COMM_MAX];
	struct stat_ident id;
	struct stat_exec ex;
	ssize_t n;

	if (e->kthread)
		return false;
	snprintf(path, sizeof path, "%d/stat", e->pid);
	n = procfs_read_at(s->proc_fd, path, s->scratch, 1024);
	if (n <= 0 || procparse_stat_ident(s->scratch, (size_t)n, &id) < 0 ||
	    id.start_ticks != e->start_ticks)
		return false;          // gone or reused: the next tick sees it
	if (procparse_stat_exec(s->scratch, (size_t)n, &ex) == 0 &&
	    entry_note_exec_sig(e, exec_sig_of(ex.start_code, ex.start_stack))) {
		entry_execd(e);
		return true;
	}
	text_sanitize(id.comm, id.comm_len, comm, sizeof comm);
	return strcmp(comm, e->comm) != 0;
}

// Reads status and OOM fields (and the names) of the pids queued in s->todo.
static void read_queued_details(struct sampler *s)
{
	for (size_t off = 0; off < s->ntodo; off += SELECT_BATCH) {
		int batch = (int)(s->ntodo - off < SELECT_BATCH ? s->ntodo - off : SELECT_BATCH);
		struct pids_fetch *f = procps_pids_select(s->pids_info, s->todo + off, batch, PIDS_SELECT_PID);

		for (int j = 0; f && j < f->counts->total; j++) {
			struct pids_stack *st = f->stacks[j];
			int pid = PIDS_VAL(D_PID, s_int, st, s->pids_info);
			struct proc_sample **found = bsearch(&pid, s->ents, s->nents, sizeof *s->ents,
							     cmp_pid_sample);
			struct proc_sample *e = found ? *found : NULL;

			if (!e || e->start_ticks != PIDS_VAL(D_BEGAN, ull_int, st, s->pids_info))
				continue;   // a reused pid: the next tick replaces the entry
			entry_apply_detail(s, e, st);
			// Names follow exec, renames and cgroup moves at every
			// detail read; unchanged ones cost no allocation.
			if (e->priv.pending)
				entry_fill_names(s, e);
			else
				entry_read_names(s, e);
			e->priv.detail_resident = e->rss_kb / (uint64_t)s->page_kb;
			e->priv.detail_shared = e->shared_kb / (uint64_t)s->page_kb;
		}
	}
}

// Re-reads status and OOM fields of the processes that are due, and reads
// those of pending entries (with their names): the wanted ones and up to
// pending_budget others.
static void refresh_details(struct sampler *s, size_t pending_budget)
{
	s->ntodo = 0;
	for (size_t i = 0; i < s->nents; i++) {
		struct proc_sample *e = s->ents[i];
		bool wanted = is_wanted(s, e->pid);

		if (e->priv.pending ? wanted || (pending_budget && pending_budget--)
				    : detail_is_due(s, e, wanted) || (wanted && entry_renamed(s, e)))
			s->todo[s->ntodo++] = (unsigned)e->pid;
	}
	read_queued_details(s);
}

// Keeps the [heap] size of the wanted processes current. The heap only moves
// with brk, which changes the virtual size in statm, so maps is read again
// only when that changed; for processes not wanted the value is dropped
// instead, rather than shown stale.
static void refresh_heaps(struct sampler *s)
{
	char path[48];

	for (size_t i = 0; i < s->nents; i++) {
		struct proc_sample *e = s->ents[i];
		ssize_t n;

		if (e->have_heap && e->priv.vm_pages == e->priv.heap_vm_pages)
			continue;
		e->have_heap = false;
		if (!is_wanted(s, e->pid))
			continue;
		snprintf(path, sizeof path, "%d/maps", e->pid);
		n = procfs_read_all_at(s->proc_fd, path, &s->buf, MAPS_MAX);
		e->have_heap = n >= 0 && procparse_heap_kb(s->buf.data, (size_t)n, &e->heap_kb) == 0;
		e->priv.heap_vm_pages = e->priv.vm_pages;
	}
}

// The breakdown's meminfo parts from this tick's read.
static void fill_meminfo_parts(struct sampler *s, struct meminfo_stack *m)
{
	struct meminfo_parts *mi = &s->breakdown->mi;

#define MV(rel) MEMINFO_VAL(rel, ul_int, m, s->mem_info)
	s->breakdown->have_meminfo = true;
	*mi = (struct meminfo_parts){
		.total_kb = MV(M_TOTAL), .free_kb = MV(M_FREE), .buffers_kb = MV(M_BUFFERS),
		.cached_kb = MV(M_CACHED), .swap_cached_kb = MV(M_SWAP_CACHED), .anon_kb = MV(M_ANON),
		.shmem_kb = MV(M_SHMEM), .sreclaimable_kb = MV(M_SRECL), .sunreclaim_kb = MV(M_SUNRECL),
		.kernel_stack_kb = MV(M_KSTACK), .page_tables_kb = MV(M_PTABLES),
		.vmalloc_used_kb = MV(M_VMALLOC), .percpu_kb = MV(M_PERCPU), .hugetlb_kb = MV(M_HUGETLB),
	};
	// Hugetlb (4.16+) counts every huge page size; before, the default pool.
	if (!mi->hugetlb_kb)
		mi->hugetlb_kb = MV(M_HUGE_TOTAL) * MV(M_HUGE_SIZE);
#undef MV
}

// Fills the system-wide part of the snapshot.
static void sample_system(struct sampler *s, struct sys_sample *sys)
{
	struct meminfo_stack *m = procps_meminfo_select(s->mem_info, mem_items, M_COUNT);
	char buf[512];
	ssize_t n;

	memset(sys, 0, sizeof *sys);
	sys->wall_time = whole_ms(sampler_wall_clock(s));
	sys->mono_time = whole_ms(s->now);
	sys->oom_log_err = -ENOTSUP;         // the kernel log is not read (sample_oom_log)
	if (s->breakdown)
		s->breakdown->have_meminfo = false;   // until this tick's read says
	if (m) {
		sys->have_meminfo = true;
		sys->total_kb = MEMINFO_VAL(M_TOTAL, ul_int, m, s->mem_info);
		sys->available_kb = MEMINFO_VAL(M_AVAIL, ul_int, m, s->mem_info);
		sys->free_kb = MEMINFO_VAL(M_FREE, ul_int, m, s->mem_info);
		sys->buffers_kb = MEMINFO_VAL(M_BUFFERS, ul_int, m, s->mem_info);
		sys->cached_kb = MEMINFO_VAL(M_CACHED, ul_int, m, s->mem_info);
		sys->shmem_kb = MEMINFO_VAL(M_SHMEM, ul_int, m, s->mem_info);
		sys->swap_total_kb = MEMINFO_VAL(M_SWAP_TOTAL, ul_int, m, s->mem_info);
		sys->swap_free_kb = MEMINFO_VAL(M_SWAP_FREE, ul_int, m, s->mem_info);
		if (s->breakdown)
			fill_meminfo_parts(s, m);
	}
	if (s->psi_fd >= 0) {
		n = procfs_pread(s->psi_fd, buf, sizeof buf - 1);
		sys->have_psi = n > 0 && psi_parse(buf, (size_t)n, &sys->psi) == 0;
	}
	if (s->vmstat_fd >= 0) {
		// The scratch buffer is free at the start of a tick.
		n = procfs_pread_all(s->vmstat_fd, s->scratch, VMSTAT_MAX);
		sys->have_oom_kill = n > 0 && procparse_vmstat_oom_kill(s->scratch, (size_t)n,
									  &sys->oom_kill) == 0;
	}
}

// The OOM kills the kernel log reported since the last tick, with their
// times on the sampler's clocks: the record's stamp is the kernel's clock
// since boot, which CLOCK_MONOTONIC follows.
static void sample_oom_log(struct sampler *s, struct snapshot *out)
{
	struct sys_sample *sys = &out->sys;
	struct oom_kill *kills;
	double mono_now;
	size_t n;

	out->oom_kills = NULL;
	out->noom_kills = 0;
	if (!s->cfg.oom_log)
		return;                      // -ENOTSUP, as sample_system left it
	if (!s->kmsg) {
		sys->oom_log_err = s->kmsg_err;
		return;
	}
	kills = kmsgread_poll(s->kmsg, &n);
	sys->oom_log_err = kmsgread_err(s->kmsg);
	sys->oom_log_lost = kmsgread_lost(s->kmsg);
	sys->oom_log_dropped = kmsgread_dropped(s->kmsg);
	mono_now = clock_seconds(CLOCK_MONOTONIC);
	for (size_t i = 0; i < n; i++) {
		kills[i].mono_time = s->now - (mono_now - kills[i].boot_s);
		kills[i].wall_time = sys->wall_time - (sys->mono_time - kills[i].mono_time);
	}
	out->oom_kills = n ? kills : NULL;
	out->noom_kills = n;
}

void sampler_set_kmsg_fd(struct sampler *s, int fd)
{
	kmsgread_close(s->kmsg);
	s->kmsg = kmsgread_from_fd(fd, (unsigned)s->page_kb, NULL);
	s->kmsg_err = s->kmsg ? 0 : -ENOMEM;
}

// What the memory cgroup of each watched process still allows (limit minus
// usage), where it has a limit: v2 memory.max/current or v1 limit/usage.
static void refresh_cg_headroom(struct sampler *s)
{
	struct cgroup_detail cg;

	for (size_t i = 0; i < s->nents; i++) {
		struct proc_sample *e = s->ents[i];

		e->have_cg_headroom = false;
		if (!s->ncg_watch || !bsearch(&e->pid, s->cg_watch, s->ncg_watch, sizeof e->pid, cmp_int))
			continue;
		sampler_read_cgroup(s, e->pid, false, &cg);
		if (cg.have_current && cg.have_max && !cg.max_unlimited) {
			e->have_cg_headroom = true;
			e->cg_headroom_kb = cg.max > cg.current ? (cg.max - cg.current) / 1024 : 0;
		} else if (cg.have_v1 && !cg.v1_unlimited) {
			e->have_cg_headroom = true;
			e->cg_headroom_kb = cg.v1_limit > cg.v1_usage ? (cg.v1_limit - cg.v1_usage) / 1024 : 0;
		}
	}
}

int sampler_tick(struct sampler *s, struct snapshot *out)
{
	struct proc_sample **swap;
	size_t n, nview = 0;
	int rc;

	s->now = sampler_clock(s);
	sample_system(s, &out->sys);
	sample_oom_log(s, out);
	rc = list_pids(s);
	if (rc == 0 && sampler_reserve(s, s->nents + s->nlisting) < 0)
		rc = -ENOMEM;
	if (rc < 0)
		s->nlisting = 0;        // keep going: every known process is released
	n = merge_known(s);
	if (s->ntodo) {
		size_t before = n;

		n = add_new(s, n);
		if (n > before)
			qsort(s->next, n, sizeof *s->next, cmp_sample_pid);
	}
	swap = s->ents;
	s->ents = s->next;
	s->next = swap;
	s->nents = n;
	// Pending entries wait for the next tick: this one is for the screen.
	refresh_details(s, s->burst ? 0 : SAMPLER_PENDING_PER_TICK);
	s->burst = false;
	refresh_heaps(s);
	refresh_cg_headroom(s);
	for (size_t i = 0; i < s->nents; i++)
		if (!s->ents[i]->kthread || s->cfg.kernel_threads)
			s->view[nview++] = s->ents[i];
	out->procs = s->view;
	out->nprocs = nview;
	sampler_read_cgroups(s, out);
	sampler_read_breakdown(s, out);
	return rc;
}

void sampler_fill_pending(struct sampler *s)
{
	refresh_details(s, 0);
	refresh_heaps(s);
}

bool sampler_idle_work(const struct sampler *s)
{
	return s->idle_fill;
}

bool sampler_fill_idle(struct sampler *s, size_t max)
{
	if (!s->idle_fill)
		return false;
	s->ntodo = 0;
	// Each entry is looked at once: one whose read fails stays pending for
	// the per-tick budget rather than being retried here in a busy loop.
	for (; s->idle_pos < s->nents && s->ntodo < max; s->idle_pos++)
		if (s->ents[s->idle_pos]->priv.pending)
			s->todo[s->ntodo++] = (unsigned)s->ents[s->idle_pos]->pid;
	read_queued_details(s);
	s->idle_fill = s->idle_pos < s->nents;
	return s->idle_fill;
}

void sampler_free(struct sampler *s)
{
	if (!s)
		return;
	sampler_alloc_detach(s);
	for (size_t i = 0; i < s->nents; i++)
		entry_destroy(s, s->ents[i]);
	for (size_t i = 0; i < s->nusers; i++)
		free(s->users[i]);
	free(s->users);
	if (s->listing != s->listed)
		free(s->listing);
	free(s->listed);
	free(s->wanted);
	free(s->cg_watch);
	free(s->ents);
	free(s->next);
	free(s->todo);
	free(s->view);
	free(s->scratch);
	free(s->exe_raw);
	free(s->exe_text);
	cgreader_free(s->cg_reader, &s->fds_kept);
	free(s->cg_paths);
	free(s->cg_readings);
	free(s->cg_keys);
	procfs_buf_free(&s->buf);
	free(s->breakdown);
	if (s->pids_info)
		procps_pids_unref(&s->pids_info);
	if (s->mem_info)
		procps_meminfo_unref(&s->mem_info);
	if (s->proc_dir)
		closedir(s->proc_dir);
	if (s->proc_fd >= 0)
		close(s->proc_fd);
	if (s->psi_fd >= 0)
		close(s->psi_fd);
	if (s->vmstat_fd >= 0)
		close(s->vmstat_fd);
	kmsgread_close(s->kmsg);
	free(s);
}

/* ---- the sampler as a source (proc/source.h) ---------------------------- */

static int live_tick(void *impl, struct snapshot *out) { return sampler_tick(impl, out); }
static void live_close(void *impl) { sampler_free(impl); }
static int live_set_wanted(void *impl, const int *pids, size_t n) { return sampler_set_wanted(impl, pids, n); }
static void live_fill_pending(void *impl) { sampler_fill_pending(impl); }
static bool live_fill_idle(void *impl, size_t max) { return sampler_fill_idle(impl, max); }
static bool live_idle_work(const void *impl) { return sampler_idle_work(impl); }

static int live_set_cgroup_watch(void *impl, const int *pids, size_t n)
{
	return sampler_set_cgroup_watch(impl, pids, n);
}

static int live_read_detail(void *impl, int pid, uint64_t start_ticks, struct proc_detail *d)
{
	return sampler_read_detail(impl, pid, start_ticks, d);
}

static int live_read_detail_state(void *impl, int pid, uint64_t start_ticks, struct proc_detail *d)
{
	return sampler_read_detail_state(impl, pid, start_ticks, d);
}

static int live_read_cmdline(void *impl, int pid, uint64_t start_ticks, char **out, bool *cut)
{
	return sampler_read_cmdline(impl, pid, start_ticks, out, cut);
}

static int live_send_signal(void *impl, int pid, uint64_t start_ticks, int sig)
{
	return sampler_send_signal(impl, pid, start_ticks, sig);
}

static int live_psi_trigger(void *impl, unsigned stall_us, unsigned window_us)
{
	(void)impl;                 // the pressure file is the machine's, not the sampler's
	return sampler_psi_trigger(stall_us, window_us);
}

static void live_set_cgroup_every(void *impl, double every_s)
{
	sampler_set_cgroup_every(impl, every_s);
}

// The checkup's facts, of this machine (the root of its file system).
static int live_read_sysfacts(void *impl, struct sysfacts *out)
{
	(void)impl;
	return sysfacts_read("/", out);
}

static void live_set_breakdown_every(void *impl, double every_s)
{
	sampler_set_breakdown_every(impl, every_s);
}

static int live_alloc_attach(void *impl, int pid, uint64_t start_ticks, const struct alloc_options *opt,
			     char *why, size_t whylen)
{
	return sampler_alloc_attach(impl, pid, start_ticks, opt, why, whylen);
}

static int live_alloc_read(void *impl, struct alloc_snapshot *out) { return sampler_alloc_read(impl, out); }
static void live_alloc_detach(void *impl) { sampler_alloc_detach(impl); }

static const struct source_ops live_ops = {
	.name = "live",
	.tick = live_tick,
	.close = live_close,
	.set_wanted = live_set_wanted,
	.fill_pending = live_fill_pending,
	.fill_idle = live_fill_idle,
	.idle_work = live_idle_work,
	.set_cgroup_watch = live_set_cgroup_watch,
	.read_detail = live_read_detail,
	.read_detail_state = live_read_detail_state,
	.read_cmdline = live_read_cmdline,
	.send_signal = live_send_signal,
	.psi_trigger = live_psi_trigger,
	.set_cgroup_every = live_set_cgroup_every,
	.read_sysfacts = live_read_sysfacts,
	.set_breakdown_every = live_set_breakdown_every,
	.alloc_attach = live_alloc_attach,
	.alloc_read = live_alloc_read,
	.alloc_detach = live_alloc_detach,
};

int sampler_source_open(struct source *src, const struct source_config *cfg, char *err, size_t errlen)
{
	struct sampler *s = sampler_new(cfg, err, errlen);

	if (!s)
		return -1;
	*src = (struct source){ .ops = &live_ops, .impl = s };
	return 0;
}
