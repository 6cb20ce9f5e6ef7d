// SPDX-License-Identifier: GPL-2.0
/* allocsites.bpf.c — the kernel side of allocation sites (issue 22): uprobes
 * on one process's allocator count its outstanding allocations by user stack,
 * in the kernel, so that a reading never walks the table of outstanding ones
 * (src/proc/allocprobe.c loads it through a skeleton generated at build time;
 * docs/alloc-sites.md).
 *
 * Maps (sizes set by the loader before loading):
 * - live: address -> {size, stack, ktime} of each tracked outstanding allocation;
 * - stacks: the user stacks (BPF_MAP_TYPE_STACK_TRACE, by frame pointer);
 * - totals: per stack, bytes and count outstanding, an mmap-able array indexed
 *   by stack id + 1 (slot 0: allocations whose stack was lost), updated on
 *   every tracked allocation and on its free;
 * - pending: per thread, an allocator call's arguments until it returns;
 * - counters: per CPU, calls seen, tracked, lost, and the exit/exec flags.
 *
 * Two programs do the probing: on_enter at every probed function's entry and
 * on_return at its return, the attach cookie saying which function (enum fn);
 * allocprobe.c attaches them with uprobe_multi links, or one perf-event
 * uprobe a function on kernels without those. A call's pending entry keeps
 * the stack pointer, which tells a call nested in it (glibc's own mmap inside
 * malloc) or a stale entry (its return never seen) from it.
 *
 * Not part of the userspace layers (tests/docs/check_layers.py skips *.bpf.c).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader before loading (.rodata). */
const volatile __u32 target_tgid = 0;
const volatile __u32 sample_every = 1;
const volatile __u64 min_size = 0;
/* The allocator library's mapped range: an mmap called from inside it is the
 * allocator's own (glibc's malloc maps large chunks), not the program's. 0, 0:
 * none (a static executable: only the pending entry tells). */
const volatile __u64 alloc_lo = 0;
const volatile __u64 alloc_hi = 0;

/* Must match allocprobe.c (struct bpf_live, struct bpf_total, struct bpf_counters). */
struct live_val {
	__u64 size;
	__u64 ktime;
	__s32 stack;
	__u32 pad;
};

struct total {
	__u64 bytes;
	__u64 count;
};

enum kind { K_ALLOC = 0, K_REALLOC = 1, K_MEMALIGN = 2, K_MMAP = 3 };

struct pending {
	__u64 size;
	__u64 arg;          // realloc: the old pointer; posix_memalign: memptr
	__u64 sp;           // the stack pointer at the entry
	__u64 ktime;        // and when
	__u32 kind;
	__u32 track;        // 0: only realloc's free half matters
};

struct counters {
	__u64 allocs, frees, tracked, untracked_full, stacks_lost;
	__u64 exited, execed;
};

// Not preallocated: a million entries would hold ~96 MiB of kernel memory
// from the attach on, for a target that may keep a few thousand; entries
// are allocated as allocations are tracked, and max_entries still bounds them.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1 << 20);
	__type(key, __u64);
	__type(value, struct live_val);
} live SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 32 * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16384 + 1);
	__type(key, __u32);
	__type(value, struct total);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pending);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);     // 0: counters; 1: the sampling counter's slot
	__type(key, __u32);
	__type(value, struct counters);
} counters SEC(".maps");

static __always_inline struct counters *cnt(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&counters, &k);
}

static __always_inline bool ours(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

/* The thread's pending call that a call entering at stack pointer sp runs
 * inside (the allocator calling mmap or malloc itself), or NULL. A pending
 * entry whose return was never seen (a longjmp out of the allocator) is
 * stale: the new call is not below it, or it is more than a second old. */
static __always_inline struct pending *outer_call(__u32 tid, __u64 sp, __u64 now)
{
	struct pending *pp = bpf_map_lookup_elem(&pending, &tid);

	return pp && sp < pp->sp && now - pp->ktime < 1000000000ULL ? pp : NULL;
}

/* One allocation call starts: count it; store its arguments when it is to be
 * tracked (at least min_size, and the sampled one in sample_every). 1 when
 * they were stored (its return matters), else 0. */
static __always_inline int enter(struct pt_regs *ctx, __u64 size, __u64 arg, __u32 kind)
{
	struct counters *c = cnt();
	struct pending p = { .size = size, .arg = arg, .kind = kind, .track = 1 };
	__u32 tid, one = 1;

	// Inside another allocator call of this thread: the outer call is the
	// one counted.
	tid = (__u32)bpf_get_current_pid_tgid();
	p.ktime = bpf_ktime_get_ns();
	if (outer_call(tid, PT_REGS_SP(ctx), p.ktime))
		return 0;
	if (c)
		c->allocs++;
	p.sp = PT_REGS_SP(ctx);
	if (size < min_size || size == 0) {
		p.track = 0;
	} else if (sample_every > 1) {
		struct counters *s = bpf_map_lookup_elem(&counters, &one);

		// Per CPU, so no atomics: one in sample_every calls on each CPU.
		if (s && (s->allocs++ % sample_every) != 0)
			p.track = 0;
	}
	if (!p.track && (kind != K_REALLOC || !arg))
		return 0;           // nothing stored: the return probe exits at once
	return bpf_map_update_elem(&pending, &tid, &p, BPF_ANY) == 0;
}

static __always_inline struct total *total_of(__s32 stack)
{
	__u32 slot = stack < 0 ? 0 : (__u32)stack + 1;

	return bpf_map_lookup_elem(&totals, &slot);
}

/* An outstanding allocation at addr is gone (free, munmap, realloc). */
static __always_inline void forget(__u64 addr)
{
	struct live_val *v = bpf_map_lookup_elem(&live, &addr);
	struct total *t;

	if (!v)
		return;
	t = total_of(v->stack);
	if (t) {
		__sync_fetch_and_add(&t->bytes, -v->size);
		__sync_fetch_and_add(&t->count, -1);
	}
	bpf_map_delete_elem(&live, &addr);
}

static __always_inline void track(void *ctx, __u64 addr, __u64 size, struct counters *c)
{
	struct live_val v = { .size = size };
	struct total *t;

	// An address still in the table was freed where no probe saw it (a
	// failed realloc's or a partial munmap's): the new allocation replaces it.
	forget(addr);
	v.ktime = bpf_ktime_get_ns();
	v.stack = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);
	if (v.stack < 0)
		v.stack = -1;
	if (bpf_map_update_elem(&live, &addr, &v, BPF_NOEXIST) != 0) {
		if (c)
			c->untracked_full++;
		return;
	}
	if (c) {
		c->tracked++;
		if (v.stack < 0)
			c->stacks_lost++;
	}
	t = total_of(v.stack);
	if (t) {
		__sync_fetch_and_add(&t->bytes, size);
		__sync_fetch_and_add(&t->count, 1);
	}
}

/* An allocation call returns ret (a pointer; posix_memalign: 0 on success). */
static __always_inline int leave(struct pt_regs *ctx, __u64 ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *pp = bpf_map_lookup_elem(&pending, &tid);
	struct counters *c;
	struct pending p;

	// At the return the stack pointer is above the entry's (the return
	// address popped): a call nested in the pending one returns below it.
	if (!pp || PT_REGS_SP(ctx) <= pp->sp)
		return 0;
	p = *pp;
	bpf_map_delete_elem(&pending, &tid);
	c = cnt();
	if (p.kind == K_REALLOC) {
		// The old block is freed when realloc succeeds, or when size is 0.
		if (p.arg && (ret || p.size == 0)) {
			if (c)
				c->frees++;
			forget(p.arg);
		}
	} else if (p.kind == K_MEMALIGN) {
		__u64 addr = 0;

		// posix_memalign returns an int: 0 on success.
		if ((int)ret != 0 || !p.arg || bpf_probe_read_user(&addr, sizeof(addr), (void *)p.arg) != 0)
			return 0;
		ret = addr;
	} else if (p.kind == K_MMAP) {
		if (ret == (__u64)-1)
			return 0;
	}
	if (!p.track || !ret)
		return 0;
	track(ctx, ret, p.size, c);
	return 0;
}

/* Which function a probe sits on: its attach cookie (allocprobe.c's table). */
enum fn {
	FN_MALLOC = 1,      // malloc, valloc, pvalloc, mallocx (size)
	FN_CALLOC,          // calloc (n, size)
	FN_REALLOC,         // realloc, rallocx (ptr, size)
	FN_MEMALIGN,        // aligned_alloc, memalign (align, size)
	FN_POSIX_MEMALIGN,  // posix_memalign (memptr, align, size)
	FN_FREE,            // free, dallocx, sdallocx (ptr)
	FN_MMAP,            // mmap (addr, len, prot, flags, fd, off)
	FN_MUNMAP,          // munmap (addr, len)
};

static __always_inline int on_calloc(struct pt_regs *ctx, __u64 n, __u64 size)
{
	__u64 bytes = 0, lim;

	if (n && size) {
		lim = ~0ULL / size;
		// Keeps clang from turning the test into a 128-bit multiply (no such call in BPF).
		asm volatile("" : "+r"(lim));
		if (n <= lim)
			bytes = n * size;       // else it overflows: calloc fails (0: not tracked)
	}
	return enter(ctx, bytes, 0, K_ALLOC);
}

/* mmap: anonymous mappings only, and only the program's own: not one the
 * allocator makes inside a call of the same thread (a pending entry, or the
 * return address inside the allocator). */
static __always_inline int on_mmap(struct pt_regs *ctx, __u64 len, __u64 flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ra = 0;

	if (outer_call(tid, PT_REGS_SP(ctx), bpf_ktime_get_ns()))
		return 0;           // the allocator's own mmap
	if (!(flags & 0x20 /* MAP_ANONYMOUS */))
		return 0;
	if (alloc_hi && bpf_probe_read_user(&ra, sizeof(ra), (void *)PT_REGS_SP(ctx)) == 0 &&
	    ra >= alloc_lo && ra < alloc_hi)
		return 0;
	return enter(ctx, len, 0, K_MMAP);
}

/* free: one lookup, one delete. */
static __always_inline int on_free(__u64 ptr)
{
	struct counters *c;

	if (!ptr)
		return 0;
	c = cnt();
	if (c)
		c->frees++;
	forget(ptr);
	return 0;
}

/* An entry: the cookie says which function. 1 when its return matters. */
static __always_inline int dispatch(struct pt_regs *ctx)
{
	__u64 fn = bpf_get_attach_cookie(ctx);

	if (!ours())
		return 0;
	switch (fn) {
	case FN_MALLOC:
		return enter(ctx, PT_REGS_PARM1(ctx), 0, K_ALLOC);
	case FN_CALLOC:
		return on_calloc(ctx, PT_REGS_PARM1(ctx), PT_REGS_PARM2(ctx));
	case FN_REALLOC:
		return enter(ctx, PT_REGS_PARM2(ctx), PT_REGS_PARM1(ctx), K_REALLOC);
	case FN_MEMALIGN:
		return enter(ctx, PT_REGS_PARM2(ctx), 0, K_ALLOC);
	case FN_POSIX_MEMALIGN:
		return enter(ctx, PT_REGS_PARM3(ctx), PT_REGS_PARM1(ctx), K_MEMALIGN);
	case FN_FREE:
		return on_free(PT_REGS_PARM1(ctx));
	case FN_MMAP:
		return on_mmap(ctx, PT_REGS_PARM2(ctx), PT_REGS_PARM4(ctx));
	case FN_MUNMAP:
		if (PT_REGS_PARM1(ctx))
			forget(PT_REGS_PARM1(ctx));
		return 0;
	}
	return 0;
}

/* Every entry probe (perf-event uprobes and uprobe_multi links). A program
 * of these returns 0: a perf-event one's non-zero return would write a
 * sample nobody reads. */
SEC("uprobe")
int on_enter(struct pt_regs *ctx)
{
	dispatch(ctx);
	return 0;
}

/* Every return probe: the pending entry says what the call was. */
SEC("uretprobe")
int on_return(struct pt_regs *ctx)
{
	return leave(ctx, PT_REGS_RC(ctx));
}

/* Kernel 6.18's uprobe sessions: one program at the entry and, when the
 * entry returned 0, at the return; a call left untracked returns 1 and
 * costs no return probe at all. Loaded only for a session link (weak: a
 * kernel without the kfunc loads the others). */
extern bool bpf_session_is_return(void) __ksym __weak;

SEC("uprobe")
int on_session(struct pt_regs *ctx)
{
	if (bpf_session_is_return()) {
		leave(ctx, PT_REGS_RC(ctx));
		return 0;
	}
	return dispatch(ctx) ? 0 : 1;
}

/* The process exited (its group leader) or exec'd: the reading says so. */
SEC("raw_tp/sched_process_exit")
int on_exit(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct counters *c;

	if ((id >> 32) != target_tgid || (__u32)id != target_tgid)
		return 0;
	c = cnt();
	if (c)
		c->exited = 1;
	return 0;
}

SEC("raw_tp/sched_process_exec")
int on_exec(void *ctx)
{
	struct counters *c;

	if (!ours())
		return 0;
	c = cnt();
	if (c)
		c->execed = 1;
	return 0;
}
