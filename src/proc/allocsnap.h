/* allocsnap.h — what a source hands up about one process's allocation sites
 * (issue 22): its outstanding heap allocations grouped by the user stack
 * that made them, as uprobes on its allocator count them (proc/allocprobe.h),
 * with the stacks symbolised (proc/symbolize.h). Plain structs ("data" in
 * docs/architecture.md): every layer above the proc layer reads them.
 *
 * Strings are sanitised by the source. The stacks (and their frames' strings)
 * belong to the source's session: valid until the session is detached, and
 * never changed while it lasts (a stack id names one stack for the session).
 */
#ifndef MEMTOP_ALLOCSNAP_H
#define MEMTOP_ALLOCSNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALLOC_STACK_MAX 32          // frames kept of a stack, innermost first

/* How a session attaches: what it tracks and how much it may hold. */
struct alloc_options {
	uint32_t sample_every;      // track one allocation in this many (1: every one)
	uint64_t min_size;          // allocations smaller than this are not tracked (0: all)
	uint32_t max_live;          // outstanding allocations tracked at most (0: default)
	uint32_t max_stacks;        // distinct stacks at most (0: default)
};

/* One frame of a user stack. func is NULL when no symbol covers ip (a
 * stripped file, JIT code); then offset is from the start of file's mapping
 * (file offset), else from the symbol's start. file is the mapped file's
 * name (sanitised; "[unknown]" outside any file mapping). */
struct alloc_frame {
	uint64_t ip;
	uint64_t offset;
	const char *func;
	const char *file;
};

/* A user stack (innermost frame first: the allocator's caller; the
 * allocator's own frames are not in it). */
struct alloc_stack {
	int32_t id;                 // the session's stack id; -1: no stack (lost)
	uint32_t depth;             // frames in frames[] (<= ALLOC_STACK_MAX)
	const struct alloc_frame *frames;
};

/* The outstanding allocations made from one stack, at the reading. When
 * sampling (alloc_snapshot.sample_every > 1), bytes and count are the
 * tracked ones multiplied by sample_every: estimates. */
struct alloc_site {
	const struct alloc_stack *stack;
	uint64_t bytes;
	uint64_t count;
	double oldest_age_s;        // age of its oldest outstanding allocation, real
	                            // seconds at the reading; < 0 unknown
};

/* Why a session stopped reading (alloc_snapshot.end). */
enum alloc_end {
	ALLOC_RUNNING = 0,
	ALLOC_END_EXITED,           // the process exited (its probes went with it)
	ALLOC_END_EXECED,           // it exec'd: another program, another address space
	ALLOC_END_FAILED,           // reading failed (end_why says how)
};

/* One reading of a session. Valid until the next reading or the detach. */
struct alloc_snapshot {
	int pid;
	uint64_t start_ticks;       // with pid, the process (source.h)
	double t;                   // when read, on the source's monotonic clock (as snapshot.t)
	double attached_t;          // when attached, same clock
	const struct alloc_site *sites;   // every stack with outstanding allocations
	size_t nsites;                    // in no particular order
	uint64_t allocs, frees;     // allocator calls seen since attaching (all, not just tracked)
	uint64_t tracked;           // allocations tracked (sampled, at least min_size)
	uint64_t untracked_full;    // sampled but not tracked: the table of outstanding ones was full
	uint64_t stacks_lost;       // tracked without a stack: the stack table was full or the walk failed
	uint32_t sample_every;      // as attached
	uint64_t min_size;
	uint32_t max_live, max_stacks;    // the limits in force
	char allocator[96];         // what the probes sit on, for the screen: "glibc malloc (libc.so.6)"
	bool exe_stripped;          // the executable has no symbol table: its frames are offsets
	enum alloc_end end;
	char end_why[160];          // a line for ALLOC_END_*, else ""
};

#endif
