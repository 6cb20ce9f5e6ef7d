/* allocprobe.c — uprobes on one process's allocator (see allocprobe.h and
 * docs/alloc-sites.md). The kernel side is src/proc/bpf/allocsites.bpf.c,
 * loaded through the skeleton the Makefile generates from it; built with
 * make NO_BPF=1 there is no skeleton and attaching says it is not built.
 *
 * The finding of the allocator in /proc/PID/maps text is pure
 * (alloc_probe_find_allocator) and built either way. */
#include "proc/allocprobe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/mapsline.h"
#include "util/text.h"

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Which allocator library a mapped file is, by its base name. */
static enum alloc_lib lib_kind(const char *base)
{
	if (starts(base, "libjemalloc.so"))
		return ALLOC_LIB_JEMALLOC;
	if (starts(base, "libtcmalloc") && strstr(base, ".so"))
		return ALLOC_LIB_TCMALLOC;
	if (strcmp(base, "libc.so.6") == 0 || (starts(base, "libc-") && strstr(base, ".so")) ||
	    strcmp(base, "libc.so") == 0)
		return ALLOC_LIB_GLIBC;
	return ALLOC_LIB_NONE;
}

static void keep_range(struct alloc_lib_map *m, const char *path, size_t plen, bool deleted, uint64_t lo,
		       uint64_t hi)
{
	if (!m->path[0]) {
		if (plen >= sizeof m->path)
			return;     // too long to name: not kept
		memcpy(m->path, path, plen);
		m->path[plen] = '\0';
		m->lo = m->first_lo = lo;
		m->hi = m->first_hi = hi;
		m->deleted = deleted;
		return;
	}
	if (strlen(m->path) != plen || memcmp(m->path, path, plen) != 0)
		return;         // another copy of it (a second libc): the first one counts
	if (lo < m->lo)
		m->lo = lo;
	if (hi > m->hi)
		m->hi = hi;
}

int alloc_probe_find_allocator(const char *maps, size_t len, struct alloc_maps *out)
{
	const char *p = maps, *end = maps + len;

	memset(out, 0, sizeof *out);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		struct mapsline ml;
		char path[sizeof out->exe.path];
		size_t plen;
		bool deleted;

		if (!mapsline_parse(p, eol, &ml) || !mapsline_is_file(&ml) || ml.end == ml.start ||
		    ml.path_len >= sizeof path) {
			p = nl ? nl + 1 : end;
			continue;       // anonymous, malformed, or too long to name: not kept
		}
		p = nl ? nl + 1 : end;
		// The path as the kernel spells it, " (deleted)" cut: a name with a
		// newline in it ("\\012") is not a library memtop looks for.
		deleted = mapsline_deleted(&ml, &plen);
		memcpy(path, ml.path, plen);
		path[plen] = '\0';
		{
			enum alloc_lib k = lib_kind(text_base_name(path));

			keep_range(&out->exe, path, plen, deleted, ml.start, ml.end);
			if (k != ALLOC_LIB_NONE)
				keep_range(&out->lib[k], path, plen, deleted, ml.start, ml.end);
		}
	}
	if (out->lib[ALLOC_LIB_JEMALLOC].path[0])
		out->use = ALLOC_LIB_JEMALLOC;
	else if (out->lib[ALLOC_LIB_TCMALLOC].path[0])
		out->use = ALLOC_LIB_TCMALLOC;
	else if (out->lib[ALLOC_LIB_GLIBC].path[0])
		out->use = ALLOC_LIB_GLIBC;
	else
		out->use = ALLOC_LIB_NONE;
	return out->exe.path[0] ? 0 : -ENOENT;
}

#ifndef MEMTOP_BPF

bool alloc_probe_built(void)
{
	return false;
}

int alloc_probe_attach(struct alloc_probe **out, int pid, uint64_t start_ticks,
		       const struct alloc_options *opt, char *why, size_t whylen)
{
	(void)pid; (void)start_ticks; (void)opt;
	*out = NULL;
	snprintf(why, whylen, "allocation sites are not built into this memtop (built with NO_BPF=1)");
	return -ENOTSUP;
}

const char *alloc_probe_allocator(const struct alloc_probe *p)
{
	(void)p;
	return "";
}

const char *alloc_probe_mechanism(const struct alloc_probe *p)
{
	(void)p;
	return "";
}

void alloc_probe_limits(const struct alloc_probe *p, struct alloc_options *out)
{
	(void)p;
	*out = (struct alloc_options){ 0 };
}

int alloc_probe_read(struct alloc_probe *p, struct alloc_probe_reading *r)
{
	(void)p; (void)r;
	return -ENOTSUP;
}

int alloc_probe_stack(struct alloc_probe *p, int32_t stack_id, uint64_t *ips, size_t max)
{
	(void)p; (void)stack_id; (void)ips; (void)max;
	return -ENOTSUP;
}

void alloc_probe_detach(struct alloc_probe *p)
{
	(void)p;
}

#else  /* MEMTOP_BPF */

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "allocsites.skel.h"
#include "proc/procfs.h"
#include "proc/procparse.h"

/* How the probes attach, the best first (each kernel takes what it has). */
enum mode {
	MODE_PERF,              // one perf-event uprobe a function and direction
	MODE_MULTI,             // uprobe_multi links, entry and return (6.6)
	MODE_SESSION,           // uprobe session links: no return probe for an untracked call (6.10)
};

static const char *const MODE_NAMES[] = { "perf-event uprobes", "uprobe_multi links", "uprobe sessions" };

/* The kernel side's values (allocsites.bpf.c). */
struct bpf_live {
	uint64_t size;
	uint64_t ktime;
	int32_t stack;
	uint32_t pad;
};

struct bpf_total {
	uint64_t bytes;
	uint64_t count;
};

struct bpf_counters {
	uint64_t allocs, frees, tracked, untracked_full, stacks_lost;
	uint64_t exited, execed;
};

// The outstanding allocations looked at per reading for the ages (64 Ki).
#define OLDEST_WINDOW (64u * 1024u)
#define BATCH 4096u

struct alloc_probe {
	struct allocsites_bpf *skel;
	struct bpf_link *links[40];       // perf-event uprobes and the tracepoints
	size_t nlinks;
	int mfds[4];                      // uprobe_multi or session links
	size_t nmfds;
	enum mode mode;
	int pid;
	uint64_t start_ticks;
	struct alloc_options opt;
	char allocator[96];
	int ncpus;
	struct bpf_counters *percpu;      // ncpus of them
	const struct bpf_total *totals;   // the mmap'd array, nslots
	size_t totals_len;
	uint32_t nslots;                  // max_stacks + 1 (slot 0: no stack)
	// The ages: the oldest ktime per slot seen in the sweep under way and
	// in the last whole sweep of the live table (0: none seen).
	uint64_t *oldest_cur, *oldest_prev;
	bool have_prev;
	bool mid_sweep;
	uint64_t token;                   // where the sweep under way goes on
	uint64_t *keys;
	struct bpf_live *vals;
};

/* libbpf's messages never reach the terminal (curses may be running): the
 * last warning is kept for the why line. */
static char libbpf_last[160];

static int keep_libbpf_warning(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char raw[512];
	int n;

	if (level > LIBBPF_WARN)
		return 0;
	n = vsnprintf(raw, sizeof raw, fmt, ap);
	if (n <= 0)
		return 0;
	if ((size_t)n >= sizeof raw)
		n = sizeof raw - 1;
	while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == ' '))
		n--;
	text_sanitize(raw, (size_t)n, libbpf_last, sizeof libbpf_last);
	return 0;
}

bool alloc_probe_built(void)
{
	return true;
}

/* The start time of pid from /proc/PID/stat: 0, -ESRCH gone, or -errno. */
static int read_start(int pid, uint64_t *start)
{
	char path[64], buf[1024];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	n = procfs_read_at(AT_FDCWD, path, buf, sizeof buf - 1);
	if (n < 0)
		return n == -ENOENT || n == -ESRCH ? -ESRCH : (int)n;
	if (procparse_stat_start(buf, (size_t)n, start) != 0)
		return -ESRCH;      // a half-gone process reads empty
	return 0;
}

static int fail(struct alloc_probe *p, int err, char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(struct alloc_probe *p, int err, char *why, size_t whylen, const char *fmt, ...)
{
	char raw[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	if (whylen)
		text_sanitize(raw, strlen(raw), why, whylen);
	alloc_probe_detach(p);
	return err;
}

/* A libbpf failure as a why line: root, or what libbpf said last. */
static int load_failure(struct alloc_probe *p, int err, const char *what, char *why, size_t whylen)
{
	if (err == -EPERM || err == -EACCES)
		return fail(p, -EPERM, why, whylen, "needs root (CAP_BPF and CAP_PERFMON)");
	return fail(p, err, why, whylen, "%s: %s%s%s", what, strerror(-err), libbpf_last[0] ? ": " : "",
		    libbpf_last);
}

/* Which function a probe sits on, its attach cookie: as allocsites.bpf.c's
 * enum fn. */
enum { FN_MALLOC = 1, FN_CALLOC, FN_REALLOC, FN_MEMALIGN, FN_POSIX_MEMALIGN, FN_FREE, FN_MMAP, FN_MUNMAP };

struct fn_spec {
	const char *name;
	uint64_t cookie;
	bool ret;               // a return probe too
	bool must;              // attaching fails without it
};

static const struct fn_spec ALLOC_FNS[] = {
	{ "malloc", FN_MALLOC, true, true }, { "free", FN_FREE, false, true },
	{ "calloc", FN_CALLOC, true, false }, { "realloc", FN_REALLOC, true, false },
	{ "posix_memalign", FN_POSIX_MEMALIGN, true, false }, { "aligned_alloc", FN_MEMALIGN, true, false },
	{ "memalign", FN_MEMALIGN, true, false }, { "valloc", FN_MALLOC, true, false },
	{ "pvalloc", FN_MALLOC, true, false },
	// jemalloc's own API (not defined elsewhere: skipped there)
	{ "mallocx", FN_MALLOC, true, false }, { "rallocx", FN_REALLOC, true, false },
	{ "dallocx", FN_FREE, false, false }, { "sdallocx", FN_FREE, false, false },
};
static const struct fn_spec MAP_FNS[] = {
	{ "mmap", FN_MMAP, true, false }, { "munmap", FN_MUNMAP, false, false },
};

#define MAX_SITES 16

/* The probe sites of one file: entry and return offsets with their cookies,
 * each offset once (glibc's aligned_alloc is memalign: one probe). */
struct sites {
	char path[4200];
	uint64_t off[2][MAX_SITES], cookie[2][MAX_SITES];
	size_t n[2];
};

static void add_site(struct sites *st, int ret, uint64_t off, uint64_t cookie)
{
	for (size_t i = 0; i < st->n[ret]; i++)
		if (st->off[ret][i] == off)
			return;
	if (st->n[ret] < MAX_SITES) {
		st->off[ret][st->n[ret]] = off;
		st->cookie[ret][st->n[ret]++] = cookie;
	}
}

/* The file offsets of the functions fns names in the ELF file path (its
 * .dynsym and, unless dynsym_only, .symtab; global and weak functions, "name"
 * or "name@VERSION"), 0 for one it does not define. 0 or -errno. */
static int elf_offsets(const char *path, const struct fn_spec *fns, size_t n, bool dynsym_only, uint64_t *off)
{
	Elf_Scn *scn = NULL;
	int fd, err = 0;
	Elf *e;

	memset(off, 0, n * sizeof *off);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		err = -ENOEXEC;
		goto out;
	}
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t count;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_DYNSYM && (dynsym_only || sh.sh_type != SHT_SYMTAB)) ||
		    !sh.sh_entsize || (d = elf_getdata(scn, NULL)) == NULL)
			continue;
		count = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < count; i++) {
			GElf_Sym sym;
			GElf_Shdr tsh;
			const char *name;
			size_t len;

			if (!gelf_getsym(d, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    GELF_ST_BIND(sym.st_info) == STB_LOCAL || sym.st_shndx == SHN_UNDEF ||
			    sym.st_shndx >= SHN_LORESERVE || !sym.st_value)
				continue;
			name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (!name)
				continue;
			len = strcspn(name, "@");
			for (size_t k = 0; k < n; k++) {
				Elf_Scn *ts;

				if (off[k] || strlen(fns[k].name) != len || strncmp(name, fns[k].name, len) != 0)
					continue;
				ts = elf_getscn(e, sym.st_shndx);
				if (ts && gelf_getshdr(ts, &tsh) && sym.st_value >= tsh.sh_addr)
					off[k] = sym.st_value - tsh.sh_addr + tsh.sh_offset;
			}
		}
	}
out:
	if (e)
		elf_end(e);
	close(fd);
	return err;
}

/* Adds the functions of fns that path defines to st; -ENOENT with *missing
 * set when one that must be there is not. */
static int collect_sites(struct sites *st, const struct fn_spec *fns, size_t n, const char **missing)
{
	uint64_t off[sizeof ALLOC_FNS / sizeof ALLOC_FNS[0]];
	int err = elf_offsets(st->path, fns, n, false, off);

	if (err)
		return err;
	for (size_t k = 0; k < n; k++) {
		if (!off[k]) {
			if (fns[k].must) {
				*missing = fns[k].name;
				return -ENOENT;
			}
			continue;
		}
		add_site(st, 0, off[k], fns[k].cookie);
		if (fns[k].ret)
			add_site(st, 1, off[k], fns[k].cookie);
	}
	return 0;
}

#ifndef BPF_TRACE_UPROBE_MULTI
#define BPF_TRACE_UPROBE_MULTI 48
#endif
#ifndef BPF_TRACE_UPROBE_SESSION
#define BPF_TRACE_UPROBE_SESSION 57
#endif


/* bpf(BPF_LINK_CREATE) for a uprobe_multi link (Linux 6.6; libbpf 1.1 has
 * no call for it): union bpf_attr's link_create, as far as uprobe_multi. */
struct multi_attr {
	uint32_t prog_fd, target_fd, attach_type, flags;
	uint64_t path, offsets, ref_ctr_offsets, cookies;
	uint32_t cnt, multi_flags, pid, pad;
};

static int link_multi(int prog_fd, int pid, const struct sites *st, int ret, uint32_t attach_type)
{
	struct multi_attr a;
	long fd;

	memset(&a, 0, sizeof a);
	a.prog_fd = (uint32_t)prog_fd;
	a.attach_type = attach_type;
	a.path = (uint64_t)(uintptr_t)st->path;
	a.offsets = (uint64_t)(uintptr_t)st->off[ret];
	a.cookies = (uint64_t)(uintptr_t)st->cookie[ret];
	a.cnt = (uint32_t)st->n[ret];
	a.multi_flags = ret ? 1u /* BPF_F_UPROBE_MULTI_RETURN */ : 0;
	a.pid = (uint32_t)pid;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof a);
	return fd < 0 ? -errno : (int)fd;
}

/* Attaches every site: one session link per file; one uprobe_multi link per
 * file and direction; or one perf-event uprobe per site. 0 or -errno. */
static int attach_sites(struct alloc_probe *p, const struct sites *st, enum mode mode)
{
	struct bpf_program *progs[2] = { p->skel->progs.on_enter, p->skel->progs.on_return };

	if (mode == MODE_SESSION) {
		// Every function's entry (the program skips the return where it
		// does not matter).
		int fd = st->n[0] ? link_multi(bpf_program__fd(p->skel->progs.on_session), p->pid, st, 0,
					       BPF_TRACE_UPROBE_SESSION) : 0;

		if (fd < 0)
			return fd;
		if (st->n[0])
			p->mfds[p->nmfds++] = fd;
		return 0;
	}
	// The return probes first: a call that enters while the entry probes
	// go on finds its return probed.
	for (int ret = 1; ret >= 0; ret--) {
		if (!st->n[ret])
			continue;
		if (mode == MODE_MULTI) {
			int fd = link_multi(bpf_program__fd(progs[ret]), p->pid, st, ret, BPF_TRACE_UPROBE_MULTI);

			if (fd < 0)
				return fd;
			p->mfds[p->nmfds++] = fd;
			continue;
		}
		for (size_t i = 0; i < st->n[ret]; i++) {
			LIBBPF_OPTS(bpf_uprobe_opts, o, .retprobe = ret == 1, .bpf_cookie = st->cookie[ret][i]);
			struct bpf_link *l;

			if (p->nlinks >= sizeof p->links / sizeof p->links[0])
				return -E2BIG;
			libbpf_last[0] = '\0';
			l = bpf_program__attach_uprobe_opts(progs[ret], p->pid, st->path, (size_t)st->off[ret][i], &o);
			if (!l)
				return errno ? -errno : -EINVAL;
			p->links[p->nlinks++] = l;
		}
	}
	return 0;
}

/* Opens and loads the BPF programs for a way of attaching: on_session for
 * session links, else on_enter and on_return, made for uprobe_multi links or
 * not. 0 or -errno. */
static int load_skel(struct alloc_probe *p, const struct alloc_maps *maps, enum mode mode)
{
	int err;

	libbpf_last[0] = '\0';
	p->skel = allocsites_bpf__open();
	if (!p->skel)
		return errno ? -errno : -EINVAL;
	p->skel->rodata->target_tgid = (uint32_t)p->pid;
	p->skel->rodata->sample_every = p->opt.sample_every;
	p->skel->rodata->min_size = p->opt.min_size;
	// The allocator library's range; none for an executable's own malloc
	// (lib[ALLOC_LIB_NONE] is empty): its range is the program's code too.
	p->skel->rodata->alloc_lo = maps->lib[maps->use].lo;
	p->skel->rodata->alloc_hi = maps->lib[maps->use].hi;
	if (mode == MODE_SESSION ?
	    bpf_program__set_autoload(p->skel->progs.on_enter, false) ||
	    bpf_program__set_autoload(p->skel->progs.on_return, false) ||
	    bpf_program__set_expected_attach_type(p->skel->progs.on_session, BPF_TRACE_UPROBE_SESSION) :
	    bpf_program__set_autoload(p->skel->progs.on_session, false) ||
	    (mode == MODE_MULTI &&
	     (bpf_program__set_expected_attach_type(p->skel->progs.on_enter, BPF_TRACE_UPROBE_MULTI) ||
	      bpf_program__set_expected_attach_type(p->skel->progs.on_return, BPF_TRACE_UPROBE_MULTI))))
		return -EINVAL;
	if (bpf_map__set_max_entries(p->skel->maps.live, p->opt.max_live) ||
	    bpf_map__set_max_entries(p->skel->maps.stacks, p->opt.max_stacks) ||
	    bpf_map__set_value_size(p->skel->maps.stacks, ALLOC_STACK_MAX * sizeof(uint64_t)) ||
	    bpf_map__set_max_entries(p->skel->maps.totals, p->nslots))
		return -EINVAL;
	err = allocsites_bpf__load(p->skel);
	return err;
}

/* Removes what attach_sites attached and unloads the program. */
static void unload(struct alloc_probe *p)
{
	for (size_t i = p->nlinks; i > 0; i--)
		bpf_link__destroy(p->links[i - 1]);
	p->nlinks = 0;
	for (size_t i = 0; i < p->nmfds; i++)
		close(p->mfds[i]);
	p->nmfds = 0;
	allocsites_bpf__destroy(p->skel);
	p->skel = NULL;
}

/* The file to probe for a mapped library: through /proc/PID/root (the
 * process's own root, a container's), or, when it was deleted after being
 * mapped (upgraded under the program), its /proc/PID/map_files entry, which
 * still names the mapped inode. */
static void lib_file(char *out, size_t cap, int pid, const struct alloc_lib_map *m)
{
	if (m->deleted)
		snprintf(out, cap, "/proc/%d/map_files/%llx-%llx", pid, (unsigned long long)m->first_lo,
			 (unsigned long long)m->first_hi);
	else
		snprintf(out, cap, "/proc/%d/root%s", pid, m->path);
}

static uint32_t round_pow2(uint32_t v)
{
	uint32_t r = 1;

	while (r < v && r < (1u << 30))
		r <<= 1;
	return r;
}

int alloc_probe_attach(struct alloc_probe **out, int pid, uint64_t start_ticks,
		       const struct alloc_options *opt, char *why, size_t whylen)
{
	struct alloc_probe *p;
	struct alloc_maps maps;
	struct procfs_buf mb = { 0 };
	char path[64], lib_path[4200], exe_path[4200];
	struct sites *sites;
	const char *libname = "";
	bool own = false;
	uint64_t now_start = 0;
	ssize_t n;
	int err;

	*out = NULL;
	if (whylen)
		why[0] = '\0';
	p = calloc(1, sizeof *p);
	if (!p)
		return fail(NULL, -ENOMEM, why, whylen, "out of memory");
	p->pid = pid;
	p->start_ticks = start_ticks;
	p->opt = *opt;
	if (p->opt.sample_every == 0)
		p->opt.sample_every = 1;
	if (p->opt.max_live == 0)
		p->opt.max_live = ALLOC_DEFAULT_MAX_LIVE;
	if (p->opt.max_stacks == 0)
		p->opt.max_stacks = ALLOC_DEFAULT_MAX_STACKS;
	// Stack ids are the stack table's buckets: a power of two of them.
	p->opt.max_stacks = round_pow2(p->opt.max_stacks);
	p->nslots = p->opt.max_stacks + 1;

	if (pid <= 0)
		return fail(p, -ESRCH, why, whylen, "no process %d", pid);
	err = read_start(pid, &now_start);
	if (err == -ESRCH)
		return fail(p, -ESRCH, why, whylen, "process %d is gone", pid);
	if (err)
		return fail(p, err, why, whylen, "reading /proc/%d/stat: %s", pid, strerror(-err));
	if (start_ticks && now_start != start_ticks)
		return fail(p, -ESRCH, why, whylen, "process %d is gone (its pid is another process's now)", pid);
	p->start_ticks = now_start;
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return fail(p, -ENOTSUP, why, whylen, "the kernel has no BTF (/sys/kernel/btf/vmlinux): no eBPF probes");
	if (access("/sys/bus/event_source/devices/uprobe/type", R_OK) != 0)
		return fail(p, -ENOTSUP, why, whylen, "the kernel has no uprobes (CONFIG_UPROBE_EVENTS)");

	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	n = procfs_read_all_at(AT_FDCWD, path, &mb, 64u << 20);
	if (n < 0) {
		procfs_buf_free(&mb);
		if (n == -ENOENT || n == -ESRCH)
			return fail(p, -ESRCH, why, whylen, "process %d is gone", pid);
		if (n == -EACCES || n == -EPERM)
			return fail(p, -EPERM, why, whylen, "needs root (CAP_BPF and CAP_PERFMON)");
		return fail(p, (int)n, why, whylen, "reading %s: %s", path, strerror((int)-n));
	}
	err = alloc_probe_find_allocator(mb.data, (size_t)n, &maps);
	procfs_buf_free(&mb);
	if (err || (maps.use == ALLOC_LIB_NONE && !maps.exe.path[0]))
		return fail(p, -ESRCH, why, whylen, "process %d maps no file (a kernel thread, or gone)", pid);

	// An executable that exports malloc and free of its own (tcmalloc or
	// jemalloc linked in statically) comes first in symbol lookup: every
	// call goes there, none to the libraries'.
	if (maps.use != ALLOC_LIB_NONE) {
		uint64_t off[2];

		snprintf(lib_path, sizeof lib_path, "/proc/%d/exe", pid);
		if (elf_offsets(lib_path, ALLOC_FNS, 2, true, off) == 0 && off[0] && off[1]) {
			maps.use = ALLOC_LIB_NONE;
			own = true;
		}
	}
	// Through /proc/PID/root: the process's own files (a container's libc).
	if (maps.use != ALLOC_LIB_NONE) {
		lib_file(lib_path, sizeof lib_path, pid, &maps.lib[maps.use]);
		libname = text_base_name(maps.lib[maps.use].path);
	} else {
		snprintf(lib_path, sizeof lib_path, "/proc/%d/exe", pid);
	}
	if (maps.lib[ALLOC_LIB_GLIBC].path[0])
		lib_file(exe_path, sizeof exe_path, pid, &maps.lib[ALLOC_LIB_GLIBC]);
	else
		snprintf(exe_path, sizeof exe_path, "/proc/%d/exe", pid);
	{
		static const char *const NAMES[] = { "", "glibc malloc", "jemalloc", "tcmalloc" };
		char raw[300];

		if (maps.use != ALLOC_LIB_NONE)
			snprintf(raw, sizeof raw, "%s (%s)", NAMES[maps.use], libname);
		else if (own)
			snprintf(raw, sizeof raw, "malloc in the executable (%.200s)", text_base_name(maps.exe.path));
		else
			snprintf(raw, sizeof raw, "malloc in the executable (statically linked)");
		text_sanitize(raw, strlen(raw), p->allocator, sizeof p->allocator);
	}

	// The sites: the allocator's functions, mmap and munmap in libc (or in
	// the static executable); one list when they are the same file.
	sites = calloc(2, sizeof *sites);
	if (!sites)
		return fail(p, -ENOMEM, why, whylen, "out of memory");
	snprintf(sites[0].path, sizeof sites[0].path, "%s", lib_path);
	snprintf(sites[1].path, sizeof sites[1].path, "%s", exe_path);
	{
		const char *missing = NULL;
		struct sites *map_st = strcmp(lib_path, exe_path) == 0 ? &sites[0] : &sites[1];

		err = collect_sites(&sites[0], ALLOC_FNS, sizeof ALLOC_FNS / sizeof ALLOC_FNS[0], &missing);
		if (!err)
			err = collect_sites(map_st, MAP_FNS, sizeof MAP_FNS / sizeof MAP_FNS[0], &missing);
		if (err == -ENOENT && missing && maps.use == ALLOC_LIB_NONE && !own) {
			free(sites);
			return fail(p, -ENOENT, why, whylen, "statically linked and stripped: no allocator symbol to probe");
		}
		if (err == -ENOENT && missing) {
			free(sites);
			return fail(p, -ENOENT, why, whylen, "no %s in %s: no allocator to probe", missing,
				    own ? maps.exe.path : maps.lib[maps.use].path);
		}
		if (err) {
			free(sites);
			return fail(p, err == -EACCES ? -EPERM : err, why, whylen, "reading %s: %s", sites[0].path,
				    err == -EACCES ? "needs root (CAP_BPF and CAP_PERFMON)" : strerror(-err));
		}
	}

	// Everything or nothing. Session links where the kernel has them
	// (6.10: an untracked call costs no return probe), else uprobe_multi
	// links (6.6: one per file and direction; the kernel removes them in
	// ~0.1 s, not ~0.1 s a probe), else one perf-event uprobe a site.
	// MEMTOP_BPF_NO_SESSION=1 and MEMTOP_BPF_NO_MULTI=1 start lower (the
	// tests take every way).
	libbpf_set_print(keep_libbpf_warning);
	for (int mode = getenv("MEMTOP_BPF_NO_MULTI") ? MODE_PERF : getenv("MEMTOP_BPF_NO_SESSION") ? MODE_MULTI :
			MODE_SESSION; mode >= MODE_PERF; mode--) {
		err = load_skel(p, &maps, (enum mode)mode);
		if (!err) {
			err = attach_sites(p, &sites[0], (enum mode)mode);
			if (!err)
				err = attach_sites(p, &sites[1], (enum mode)mode);
		}
		if (!err) {
			p->mode = (enum mode)mode;
			break;
		}
		unload(p);
		if (err == -EPERM || err == -EACCES || err == -ESRCH || err == -ENOMEM)
			break;      // the other way fails the same
	}
	free(sites);
	if (err == -ESRCH)
		return fail(p, -ESRCH, why, whylen, "process %d is gone", pid);
	if (err)
		return load_failure(p, err, "attaching the probes", why, whylen);
	{
		struct bpf_program *tps[2] = { p->skel->progs.on_exit, p->skel->progs.on_exec };

		for (int i = 0; i < 2; i++) {
			struct bpf_link *l = bpf_program__attach(tps[i]);

			if (!l)
				return load_failure(p, errno ? -errno : -EINVAL, "the exit and exec tracepoints", why,
						    whylen);
			p->links[p->nlinks++] = l;
		}
	}

	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0)
		return fail(p, -EINVAL, why, whylen, "counting the CPUs: %s", strerror(-p->ncpus));
	p->percpu = calloc((size_t)p->ncpus, sizeof *p->percpu);
	p->oldest_cur = calloc(p->nslots, sizeof *p->oldest_cur);
	p->oldest_prev = calloc(p->nslots, sizeof *p->oldest_prev);
	p->keys = calloc(BATCH, sizeof *p->keys);
	p->vals = calloc(BATCH, sizeof *p->vals);
	if (!p->percpu || !p->oldest_cur || !p->oldest_prev || !p->keys || !p->vals)
		return fail(p, -ENOMEM, why, whylen, "out of memory");
	{
		long page = sysconf(_SC_PAGESIZE);
		size_t len = (size_t)p->nslots * sizeof(struct bpf_total);
		void *m;

		len = (len + (size_t)page - 1) / (size_t)page * (size_t)page;
		m = mmap(NULL, len, PROT_READ, MAP_SHARED, bpf_map__fd(p->skel->maps.totals), 0);
		if (m == MAP_FAILED)
			return fail(p, -errno, why, whylen, "mapping the totals: %s", strerror(errno));
		p->totals = m;
		p->totals_len = len;
	}
	// The pid may have been reused while attaching.
	err = read_start(pid, &now_start);
	if (err || now_start != p->start_ticks)
		return fail(p, -ESRCH, why, whylen, "process %d is gone", pid);
	*out = p;
	return 0;
}

const char *alloc_probe_allocator(const struct alloc_probe *p)
{
	return p ? p->allocator : "";
}

const char *alloc_probe_mechanism(const struct alloc_probe *p)
{
	return p ? MODE_NAMES[p->mode] : "";
}

void alloc_probe_limits(const struct alloc_probe *p, struct alloc_options *out)
{
	*out = p ? p->opt : (struct alloc_options){ 0 };
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void see_oldest(struct alloc_probe *p, const struct bpf_live *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t slot = v[i].stack < 0 ? 0 : (uint32_t)v[i].stack + 1;

		if (slot >= p->nslots)
			continue;
		if (!p->oldest_cur[slot] || v[i].ktime < p->oldest_cur[slot])
			p->oldest_cur[slot] = v[i].ktime;
	}
}

/* Looks at up to OLDEST_WINDOW outstanding allocations, going on from where
 * the last reading stopped; a sweep that reaches the end of the table
 * becomes the "last whole sweep". A table of at most OLDEST_WINDOW is swept
 * whole at every reading (exact ages). */
static int sweep_live(struct alloc_probe *p)
{
	int fd = bpf_map__fd(p->skel->maps.live);
	uint32_t seen = 0;

	if (!p->mid_sweep)
		memset(p->oldest_cur, 0, p->nslots * sizeof *p->oldest_cur);
	while (seen < OLDEST_WINDOW) {
		LIBBPF_OPTS(bpf_map_batch_opts, o);
		uint64_t next = 0;
		uint32_t count = BATCH;
		int err = bpf_map_lookup_batch(fd, p->mid_sweep ? &p->token : NULL, &next, p->keys, p->vals, &count, &o);

		if (err && errno != ENOENT)
			return -errno;
		see_oldest(p, p->vals, count);
		seen += count;
		if (err) {          // ENOENT: the end of the table
			uint64_t *t = p->oldest_prev;

			p->oldest_prev = p->oldest_cur;
			p->oldest_cur = t;
			memset(p->oldest_cur, 0, p->nslots * sizeof *p->oldest_cur);
			p->have_prev = true;
			p->mid_sweep = false;
			return 0;
		}
		p->token = next;
		p->mid_sweep = true;
	}
	return 0;
}

static int add_row(struct alloc_probe_reading *r, const struct alloc_probe_row *row)
{
	if (r->nrows == r->caprows) {
		size_t cap = r->caprows ? r->caprows * 2 : 64;
		struct alloc_probe_row *rows = realloc(r->rows, cap * sizeof *rows);

		if (!rows)
			return -ENOMEM;
		r->rows = rows;
		r->caprows = cap;
	}
	r->rows[r->nrows++] = *row;
	return 0;
}

int alloc_probe_read(struct alloc_probe *p, struct alloc_probe_reading *r)
{
	struct bpf_counters sum = { 0 };
	uint32_t zero = 0;
	uint64_t start = 0;
	int err;

	r->nrows = 0;
	r->target_gone = r->target_execed = false;
	r->now_ns = mono_ns();
	if (!p)
		return -EINVAL;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.counters), &zero, p->percpu) != 0)
		return -errno;
	for (int c = 0; c < p->ncpus; c++) {
		sum.allocs += p->percpu[c].allocs;
		sum.frees += p->percpu[c].frees;
		sum.tracked += p->percpu[c].tracked;
		sum.untracked_full += p->percpu[c].untracked_full;
		sum.stacks_lost += p->percpu[c].stacks_lost;
		sum.exited |= p->percpu[c].exited;
		sum.execed |= p->percpu[c].execed;
	}
	r->allocs = sum.allocs;
	r->frees = sum.frees;
	r->tracked = sum.tracked;
	r->untracked_full = sum.untracked_full;
	r->stacks_lost = sum.stacks_lost;
	r->target_execed = sum.execed != 0;
	r->target_gone = sum.exited != 0 || r->target_execed;
	if (!r->target_gone && kill(p->pid, 0) != 0 && errno == ESRCH)
		r->target_gone = true;
	if (!r->target_gone && (read_start(p->pid, &start) != 0 || start != p->start_ticks))
		r->target_gone = true;

	err = sweep_live(p);
	if (err)
		return err;
	// After the sweep: no allocation it saw is younger than now.
	r->now_ns = mono_ns();
	for (uint32_t s = 0; s < p->nslots; s++) {
		struct alloc_probe_row row;
		uint64_t count = __atomic_load_n(&p->totals[s].count, __ATOMIC_RELAXED);
		uint64_t bytes = __atomic_load_n(&p->totals[s].bytes, __ATOMIC_RELAXED);
		uint64_t a = p->oldest_cur[s], b = p->have_prev ? p->oldest_prev[s] : 0;

		// A free counted before its allocation (two threads) shows for an
		// instant as a count below zero: nothing outstanding.
		if (count == 0 || count > (UINT64_C(1) << 62) || bytes > (UINT64_C(1) << 62))
			continue;
		row.stack_id = (int32_t)s - 1;
		row.bytes = bytes;
		row.count = count;
		row.oldest_ns = !a ? b : !b ? a : a < b ? a : b;
		if (row.oldest_ns > r->now_ns)
			row.oldest_ns = r->now_ns;
		if (add_row(r, &row))
			return -ENOMEM;
	}
	return 0;
}

int alloc_probe_stack(struct alloc_probe *p, int32_t stack_id, uint64_t *ips, size_t max)
{
	uint64_t frames[ALLOC_STACK_MAX] = { 0 };
	size_t depth = 0;
	uint32_t id;

	if (!p || stack_id < 0)
		return -ENOENT;
	id = (uint32_t)stack_id;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.stacks), &id, frames) != 0)
		return errno == ENOENT ? -ENOENT : -errno;
	while (depth < ALLOC_STACK_MAX && depth < max && frames[depth]) {
		ips[depth] = frames[depth];
		depth++;
	}
	return (int)depth;
}

void alloc_probe_detach(struct alloc_probe *p)
{
	if (!p)
		return;
	if (p->totals)
		munmap((void *)p->totals, p->totals_len);
	unload(p);
	free(p->percpu);
	free(p->oldest_cur);
	free(p->oldest_prev);
	free(p->keys);
	free(p->vals);
	free(p);
}

#endif /* MEMTOP_BPF */
