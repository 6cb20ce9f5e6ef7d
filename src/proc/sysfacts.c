/* sysfacts.c — reads the settings memtop --check judges (proc/sysfacts.h):
 * sysctls, consoles, swap, meminfo, PSI, the processes and the memory
 * cgroups, under a root prefix; the pure parsers of their formats. */
#include "proc/sysfacts.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/cgfiles.h"
#include "proc/procfs.h"
#include "util/scan.h"
#include "util/text.h"

// ---- pure parsers ------------------------------------------------------

int sysfacts_parse_int(const char *buf, size_t len, long long *out)
{
	const char *p = buf, *end = buf + len, *q;
	bool neg = false;
	uint64_t v;

	p = scan_skip_spaces(p, end);
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	q = scan_u64(p, end, &v);
	if (!q || v > (uint64_t)INT64_MAX)
		return -EINVAL;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q < end && !(*q == '\n' && q + 1 == end))
		return -EINVAL;
	*out = neg ? -(long long)v : (long long)v;
	return 0;
}

int sysfacts_parse_printk(const char *buf, size_t len, int *console_loglevel)
{
	const char *end = buf + len, *p = scan_skip_spaces(buf, end), *q;
	uint64_t v;

	q = scan_u64(p, end, &v);
	// Four fields; the first is what reaches the consoles (1 to 15 in use).
	if (!q || v > 15 || (q < end && *q != ' ' && *q != '\t' && *q != '\n'))
		return -EINVAL;
	*console_loglevel = (int)v;
	return 0;
}

bool sysfacts_is_serial(const char *name)
{
	// Serial and hypervisor consoles: each character waits for the line.
	static const char *const prefixes[] = {
		"ttyS", "ttyAMA", "ttySAC", "ttyPS", "ttymxc", "ttyO", "ttyMSM", "ttyAML", "ttyLP",
		"ttyTHS", "ttyUSB", "ttyACM", "ttyMV", "ttySC", "ttyHSL", "ttysclp", "hvc", "hvsi",
	};

	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(name, prefixes[i], n) == 0 && isdigit((unsigned char)name[n]))
			return true;
	}
	return false;
}

// Parses one /proc/consoles line (no newline): its name into name, and
// whether it is enabled. 0 or -EINVAL.
static int console_line(const char *p, const char *end, char *name, size_t cap, bool *enabled)
{
	const char *open = memchr(p, '(', (size_t)(end - p)), *close;
	size_t n = 0;

	while (p + n < end && p[n] != ' ' && p[n] != '\t')
		n++;
	if (n == 0 || !open || !(close = memchr(open, ')', (size_t)(end - open))))
		return -EINVAL;
	*enabled = memchr(open, 'E', (size_t)(close - open)) != NULL;
	text_sanitize(p, n, name, cap);
	return 0;
}

int sysfacts_parse_consoles(const char *buf, size_t len, unsigned *nconsoles, unsigned *nserial,
			    char *serial, size_t serial_cap)
{
	const char *p = buf, *end = buf + len;
	unsigned nc = 0, ns = 0;
	char first[SYSFACTS_NAME_MAX] = "";

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		char name[SYSFACTS_NAME_MAX];
		bool enabled;

		if (le > p) {
			if (console_line(p, le, name, sizeof name, &enabled) < 0)
				return -EINVAL;
			if (enabled) {
				nc++;
				if (sysfacts_is_serial(name) && ns++ == 0)
					snprintf(first, sizeof first, "%s", name);
			}
		}
		p = eol ? eol + 1 : end;
	}
	*nconsoles = nc;
	*nserial = ns;
	if (serial_cap)
		snprintf(serial, serial_cap, "%s", first);
	return 0;
}

int sysfacts_parse_swaps(const char *buf, size_t len, unsigned *n, uint64_t *total_kb)
{
	const char *p = buf, *end = buf + len, *eol = memchr(buf, '\n', len);
	unsigned count = 0;
	uint64_t sum = 0;

	if (!eol || len < 8 || memcmp(buf, "Filename", 8) != 0)
		return -EINVAL;
	for (p = eol + 1; p < end; p = eol + 1) {
		const char *q = p;
		uint64_t size;

		if (!(eol = memchr(p, '\n', (size_t)(end - p))))
			break;                       // a cut last line: not counted
		// Filename, Type, then Size in KiB (a filename's spaces are \040).
		for (int field = 0; field < 2; field++) {
			while (q < eol && *q != ' ' && *q != '\t')
				q++;
			q = scan_skip_spaces(q, eol);
		}
		if (!(q = scan_u64(q, eol, &size)))
			return -EINVAL;
		count++;
		sum += size;
	}
	*n = count;
	*total_kb = sum;
	return 0;
}

int sysfacts_parse_kb(const char *buf, size_t len, const char *key, uint64_t *kb)
{
	const char *p = buf, *end = buf + len;
	size_t klen = strlen(key);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *q;
		uint64_t v;

		if (!eol)
			return -ENOENT;
		if ((size_t)(eol - p) > klen && memcmp(p, key, klen) == 0) {
			q = scan_u64(scan_skip_spaces(p + klen, eol), eol, &v);
			if (!q)
				return -EINVAL;
			*kb = v;
			return 0;
		}
		p = eol + 1;
	}
	return -ENOENT;
}

int sysfacts_parse_thp(const char *buf, size_t len, char *out, size_t cap)
{
	const char *open = memchr(buf, '[', len), *close;
	size_t n;

	if (!open || !(close = memchr(open, ']', len - (size_t)(open - buf))))
		return -EINVAL;
	n = (size_t)(close - open - 1);
	if (n == 0 || n >= cap)
		return -EINVAL;
	text_sanitize(open + 1, n, out, cap);
	return 0;
}

bool sysfacts_is_oom_handler(const char *comm)
{
	static const char *const names[] = {
		"earlyoom", "systemd-oomd", "oomd", "nohang", "nohang-desktop", "low-memory-moni",
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(comm, names[i]) == 0)
			return true;
	return false;
}

// ---- reading -----------------------------------------------------------

// Reads dirfd/path whole (up to cap - 1 bytes): its length or -errno.
static ssize_t read_file(int dirfd, const char *path, char *buf, size_t cap)
{
	int fd = procfs_open_at(dirfd, path);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = procfs_pread_all(fd, buf, cap - 1);
	close(fd);
	return n;
}

// Reads one integer sysctl.
static void read_int(int rootfd, const char *path, struct sysfact_int *out)
{
	char buf[64];
	ssize_t n = read_file(rootfd, path, buf, sizeof buf);

	*out = (struct sysfact_int){ 0 };
	if (n < 0)
		out->err = (int)n;
	else if (sysfacts_parse_int(buf, (size_t)n, &out->v) < 0)
		out->err = -EINVAL;
	else
		out->known = true;
}

static void read_settings(int rootfd, struct sysfacts *f)
{
	static const struct { const char *path; size_t off; } ints[] = {
		{ "proc/sys/vm/panic_on_oom", offsetof(struct sysfacts, panic_on_oom) },
		{ "proc/sys/vm/oom_kill_allocating_task", offsetof(struct sysfacts, oom_kill_allocating_task) },
		{ "proc/sys/vm/oom_dump_tasks", offsetof(struct sysfacts, oom_dump_tasks) },
		{ "proc/sys/vm/overcommit_memory", offsetof(struct sysfacts, overcommit_memory) },
		{ "proc/sys/vm/overcommit_ratio", offsetof(struct sysfacts, overcommit_ratio) },
		{ "proc/sys/vm/overcommit_kbytes", offsetof(struct sysfacts, overcommit_kbytes) },
		{ "proc/sys/vm/min_free_kbytes", offsetof(struct sysfacts, min_free_kbytes) },
		{ "proc/sys/vm/watermark_scale_factor", offsetof(struct sysfacts, watermark_scale_factor) },
	};
	char buf[4096];
	ssize_t n;
	int level;

	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
		read_int(rootfd, ints[i].path, (struct sysfact_int *)((char *)f + ints[i].off));
	n = read_file(rootfd, "proc/sys/kernel/printk", buf, sizeof buf);
	f->console_loglevel.err = n < 0 ? (int)n : sysfacts_parse_printk(buf, (size_t)n, &level);
	if ((f->console_loglevel.known = f->console_loglevel.err == 0))
		f->console_loglevel.v = level;
	n = read_file(rootfd, "proc/consoles", buf, sizeof buf);
	f->consoles_err = n < 0 ? (int)n : sysfacts_parse_consoles(buf, (size_t)n, &f->nconsoles, &f->nserial,
								   f->serial, sizeof f->serial);
	f->consoles_known = f->consoles_err == 0;
	n = read_file(rootfd, "proc/swaps", buf, sizeof buf);
	f->swaps_err = n < 0 ? (int)n : sysfacts_parse_swaps(buf, (size_t)n, &f->nswaps, &f->swaps_kb);
	f->swaps_known = f->swaps_err == 0;
	n = read_file(rootfd, "proc/meminfo", buf, sizeof buf);
	f->meminfo_err = (int)(n < 0 ? n : 0);
	if (n >= 0 && (sysfacts_parse_kb(buf, (size_t)n, "MemTotal:", &f->mem_total_kb) < 0 ||
		       sysfacts_parse_kb(buf, (size_t)n, "SwapTotal:", &f->swap_total_kb) < 0 ||
		       sysfacts_parse_kb(buf, (size_t)n, "CommitLimit:", &f->commit_limit_kb) < 0 ||
		       sysfacts_parse_kb(buf, (size_t)n, "Committed_AS:", &f->committed_as_kb) < 0))
		f->meminfo_err = -EINVAL;
	f->meminfo_known = f->meminfo_err == 0;
	n = read_file(rootfd, "proc/pressure/memory", buf, sizeof buf);
	f->psi_err = (int)(n < 0 ? n : 0);
	n = read_file(rootfd, "sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf);
	if (n < 0 || sysfacts_parse_thp(buf, (size_t)n, f->thp, sizeof f->thp) < 0)
		f->thp[0] = '\0';
}

// Keeps p among the largest SYSFACTS_PROTECTED_MAX shielded processes.
static void keep_protected(struct sysfacts *f, const struct sysfact_proc *p)
{
	size_t i = f->nprotected_kept;

	if (i == SYSFACTS_PROTECTED_MAX) {
		if (f->protected_procs[i - 1].rss_kb >= p->rss_kb)
			return;
		i--;
	} else {
		f->nprotected_kept++;
	}
	for (; i > 0 && f->protected_procs[i - 1].rss_kb < p->rss_kb; i--)
		f->protected_procs[i] = f->protected_procs[i - 1];
	f->protected_procs[i] = *p;
}

// Looks at one process (its folder open as pidfd): counted, its name
// checked against the OOM handlers, kept when shielded. Vanished: nothing.
static void read_process(int pidfd, int pid, struct sysfacts *f)
{
	char buf[4096], raw[32];
	struct sysfact_proc p = { .pid = pid };
	ssize_t n = read_file(pidfd, "status", buf, sizeof buf);
	long long adj;

	if (n < 0) {
		f->procs_unreadable += n != -ENOENT && n != -ESRCH;
		return;
	}
	if (sysfacts_parse_kb(buf, (size_t)n, "VmRSS:", &p.rss_kb) < 0)
		return;                              // a kernel thread (or a zombie)
	n = read_file(pidfd, "comm", raw, sizeof raw);
	if (n < 0) {
		f->procs_unreadable += n != -ENOENT && n != -ESRCH;
		return;
	}
	while (n > 0 && raw[n - 1] == '\n')
		n--;
	text_sanitize(raw, (size_t)n, p.comm, sizeof p.comm);
	f->nprocs++;
	if (sysfacts_is_oom_handler(p.comm) && f->nhandlers++ == 0)
		snprintf(f->handler, sizeof f->handler, "%s", p.comm);
	n = read_file(pidfd, "oom_score_adj", raw, sizeof raw);
	if (n < 0 || sysfacts_parse_int(raw, (size_t)n, &adj) < 0) {
		f->procs_unreadable += n != -ENOENT && n != -ESRCH;
		return;
	}
	if (adj == -1000) {
		f->nprotected++;
		keep_protected(f, &p);
	}
}

static void read_processes(int rootfd, struct sysfacts *f)
{
	int fd = openat(rootfd, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	bool seen_init = false;

	if (!d) {
		f->procs_err = -errno;
		if (fd >= 0)
			close(fd);
		return;
	}
	f->procs_known = true;
	while ((e = readdir(d)) && f->nprocs < SYSFACTS_PROCS_MAX) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		int pidfd;

		if (!isdigit((unsigned char)e->d_name[0]) || *end || pid <= 0 || pid > 0x7fffffff)
			continue;
		pidfd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pidfd < 0) {
			f->procs_unreadable += errno != ENOENT && errno != ESRCH;
			continue;
		}
		read_process(pidfd, (int)pid, f);
		close(pidfd);
		seen_init = seen_init || pid == 1;
	}
	closedir(d);
	f->procs_hidden = f->nprocs > 0 && !seen_init;
}

// ---- the memory cgroups --------------------------------------------------

// What a cgroup is for the check: 0 neither, 1 a service, 2 a container
// (docker, podman, cri-o, containerd, kubepods, lxc, systemd-nspawn/VMs).
static int cgroup_kind(const char *path, const char *name)
{
	static const char *const scopes[] = { "docker-", "libpod-", "crio-", "cri-containerd-", "machine-" };
	size_t nlen = strlen(name);
	const char *slash = strrchr(path, '/');
	size_t plen = slash ? (size_t)(slash - path) : 0;

	if (strstr(path, "kubepods"))
		return 2;
	for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++)
		if (strncmp(name, scopes[i], strlen(scopes[i])) == 0 && !strstr(name, "conmon"))
			return 2;
	// cgroupfs drivers: /docker/ID, /lxc/NAME, /lxc.payload.NAME
	if ((plen == 7 && strncmp(path, "/docker", 7) == 0) ||
	    (plen == 4 && strncmp(path, "/lxc", 4) == 0) || strncmp(name, "lxc.payload.", 12) == 0)
		return 2;
	if (nlen > 8 && strcmp(name + nlen - 8, ".service") == 0)
		return 1;
	return 0;
}

struct cg_walk {
	struct sysfacts *f;
	bool v2;
	unsigned visited;
};

// Whether the cgroup open as dirfd has its own limit (v2 memory.max or
// memory.high; v1 memory.limit_in_bytes).
static bool cgroup_limited(int dirfd, bool v2)
{
	static const char *const v2files[] = { "memory.max", "memory.high" };
	char buf[64];
	bool unlimited;
	uint64_t bytes;

	for (size_t i = 0; i < (v2 ? 2u : 1u); i++) {
		ssize_t n = read_file(dirfd, v2 ? v2files[i] : "memory.limit_in_bytes", buf, sizeof buf);

		// A limit that cannot be read as one is not judged: as if set.
		if (n > 0 && (cgfiles_parse_limit(buf, (size_t)n, &unlimited, &bytes) < 0 || !unlimited))
			return true;
	}
	return false;
}

// Keeps an unlimited cgroup among the largest SYSFACTS_CGROUPS_MAX.
static void keep_unlimited(struct sysfacts *f, const struct sysfact_cgroup *c)
{
	size_t i = f->nunlimited_kept;

	if (i == SYSFACTS_CGROUPS_MAX) {
		if (f->unlimited[i - 1].usage_kb >= c->usage_kb)
			return;
		i--;
	} else {
		f->nunlimited_kept++;
	}
	for (; i > 0 && f->unlimited[i - 1].usage_kb < c->usage_kb; i--)
		f->unlimited[i] = f->unlimited[i - 1];
	f->unlimited[i] = *c;
}

// Judges the cgroup open as dirfd (path: raw, relative to the hierarchy;
// limited: a cgroup above it has a limit) and walks its children.
static void cgroup_walk(struct cg_walk *w, int dirfd, char *path, size_t plen, size_t cap, int depth,
			bool limited)
{
	const char *name = strrchr(path, '/') + 1;
	int kind = plen > 1 ? cgroup_kind(path, name) : 0;
	char buf[64];
	DIR *d;
	struct dirent *e;
	int fd;

	if (++w->visited > SYSFACTS_CGROUP_WALK_MAX) {
		w->f->cg_cut = true;
		return;
	}
	if (strcmp(path, "/user.slice") == 0)
		return;                     // people's sessions, not services
	limited = limited || (plen > 1 && cgroup_limited(dirfd, w->v2));
	if (kind && read_file(dirfd, "cgroup.procs", buf, sizeof buf) > 0) {
		struct sysfact_cgroup c = { .container = kind == 2 };
		ssize_t n = read_file(dirfd, w->v2 ? "memory.current" : "memory.usage_in_bytes", buf, sizeof buf);
		uint64_t bytes;

		w->f->cg_checked++;
		if (limited)
			return;
		w->f->cg_unlimited++;
		text_sanitize(path, plen, c.path, sizeof c.path);
		if (n > 0 && cgfiles_parse_u64(buf, (size_t)n, &bytes) == 0) {
			c.have_usage = true;
			c.usage_kb = bytes / 1024;
		}
		keep_unlimited(w->f, &c);
		return;                     // what runs inside it is its own business
	}
	if (depth >= SYSFACTS_CGROUP_DEPTH_MAX || (fd = dup(dirfd)) < 0)
		return;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return;
	}
	while ((e = readdir(d))) {
		size_t nlen = strlen(e->d_name);
		int child;

		if ((e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) || e->d_name[0] == '.' || plen + (plen > 1) + nlen + 1 > cap)
			continue;
		if ((child = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			continue;               // gone, or not ours to read
		snprintf(path + plen, cap - plen, "%s%s", plen > 1 ? "/" : "", e->d_name);
		cgroup_walk(w, child, path, strlen(path), cap, depth + 1, limited);
		path[plen] = '\0';
		close(child);
		if (w->f->cg_cut)
			break;
	}
	closedir(d);
}

// Finds the hierarchy with the memory controller (v2 at sys/fs/cgroup or,
// hybrid, sys/fs/cgroup/unified; v1 at sys/fs/cgroup/memory) and walks it.
static void read_cgroups(int rootfd, struct sysfacts *f)
{
	static const char *const v2roots[] = { "sys/fs/cgroup", "sys/fs/cgroup/unified" };
	char buf[512], path[1024] = "/";
	const char *base = NULL;
	struct cg_walk w = { .f = f };
	int fd;

	for (size_t i = 0; i < 2 && !base; i++) {
		char file[64];
		ssize_t n;

		snprintf(file, sizeof file, "%s/cgroup.controllers", v2roots[i]);
		n = read_file(rootfd, file, buf, sizeof buf);
		if (n > 0 && cgfiles_controllers_have(buf, (size_t)n, "memory")) {
			base = v2roots[i];
			w.v2 = true;
		}
	}
	if (!base && faccessat(rootfd, "sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK, 0) == 0)
		base = "sys/fs/cgroup/memory";
	if (!base || (fd = openat(rootfd, base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	f->cg = w.v2 ? SYSFACTS_CG_V2 : SYSFACTS_CG_V1;
	cgroup_walk(&w, fd, path, 1, sizeof path, 0, false);
	close(fd);
}

int sysfacts_read(const char *root, struct sysfacts *out)
{
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	*out = (struct sysfacts){ 0 };
	if (rootfd < 0)
		return out->root_err = -errno;
	if (faccessat(rootfd, "proc/sys/vm", F_OK, 0) < 0) {
		out->root_err = -errno;
		close(rootfd);
		return out->root_err;
	}
	read_settings(rootfd, out);
	read_processes(rootfd, out);
	read_cgroups(rootfd, out);
	close(rootfd);
	return 0;
}
