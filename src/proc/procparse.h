/* procparse.h — pure parsers for the small /proc files memtop reads itself:
 * per process statm, maps (for the [heap] mapping), cgroup and stat; for the
 * system, the oom_kill counter of vmstat.
 *
 * Contract: each parser takes a buffer and its length (no NUL needed), fills
 * its output and returns 0, or -EINVAL for malformed or truncated text, in
 * which case the output is unspecified. The vmstat parser also returns
 * -ENOENT when the text has no such line.
 */
#ifndef MEMTOP_PROCPARSE_H
#define MEMTOP_PROCPARSE_H

#include <stddef.h>
#include <stdint.h>

/* /proc/PID/statm, in pages. Since Linux 4.5 shared = RssFile + RssShmem, so
 * resident - shared is exactly RssAnon. */
struct statm {
	uint64_t size, resident, shared, text, lib, data, dt;
};

int procparse_statm(const char *buf, size_t len, struct statm *out);

/* Sums the sizes (end - start) of the [heap] mappings in /proc/PID/maps text,
 * in KiB. A process without a [heap] mapping gets 0. A final line cut short
 * (the reader's buffer was full) is ignored. */
int procparse_heap_kb(const char *buf, size_t len, uint64_t *heap_kb);

/* Picks the cgroup that governs memory from /proc/PID/cgroup text: the v1
 * "memory" controller's path when there is one (hybrid layouts), else the v2
 * "0::" path. Copies the raw path (not sanitised) into out, NUL-terminated,
 * cut to cap - 1 bytes. */
int procparse_cgroup(const char *buf, size_t len, char *out, size_t cap);

/* Both paths from /proc/PID/cgroup text: the v2 ("0::") path and the v1
 * "memory" controller's path; "" for one that is absent. Raw, not sanitised. */
int procparse_cgroup_paths(const char *buf, size_t len, char *v2, size_t v2cap, char *v1mem,
			   size_t v1cap);

/* Reads the start time (field 22, clock ticks after boot) from
 * /proc/PID/stat text; the comm field may hold spaces and parentheses. */
int procparse_stat_start(const char *buf, size_t len, uint64_t *start_ticks);

/* What /proc/PID/stat alone says of a process, enough to list it before
 * its other files are read: comm (raw, not sanitised), state, ppid, flags
 * and start time. */
struct stat_ident {
	char comm[64];
	size_t comm_len;
	char state;
	int ppid;
	uint64_t flags;
	uint64_t start_ticks;
};

int procparse_stat_ident(const char *buf, size_t len, struct stat_ident *out);

/* Where /proc/PID/stat says the program's code and stack start (fields 26
 * and 28). exec() maps a new program, at new addresses under ASLR, so a
 * change means the process exec'd. Both are 0 for kernel threads and for
 * processes the reader may not ptrace (another user's, when not root). */
struct stat_exec {
	uint64_t start_code, start_stack;
};

int procparse_stat_exec(const char *buf, size_t len, struct stat_exec *out);

/* Reads the state letter (field 3: R, S, D, Z, T, t, X, I...) from
 * /proc/PID/stat text. */
int procparse_stat_state(const char *buf, size_t len, char *state);

/* The system's OOM-kill counter (Linux 4.13+): the "oom_kill N" line of
 * /proc/vmstat text, the key matched whole (not "oom_kill_x", not a key that
 * ends in it). Returns 0, -ENOENT when no complete line has that key (an old
 * kernel, or text cut before it), or -EINVAL when the line is there but its
 * value is not one decimal ending in a newline (cut short, overflowing). A
 * cut last line is never read as a value: a cut number would be wrong. */
int procparse_vmstat_oom_kill(const char *buf, size_t len, uint64_t *out);

#endif
