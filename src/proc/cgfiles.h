/* cgfiles.h — pure parsers for cgroup interface files (v2 and v1 memory) and
 * for the cgroup mounts in /proc/self/mountinfo, and the check of a cgroup
 * path before it is joined to a mount point.
 *
 * Contract: no function reads a file. Every parser takes a buffer and its
 * length (no NUL needed); cgfiles_check_path takes a C string. The parsers
 * return 0, or -EINVAL for empty, malformed or truncated text, in which case
 * their outputs are left unchanged (the mountinfo parser's output is then
 * unspecified). Kernel interface files end in a newline, so a value without
 * one counts as cut short. memory.pressure has the /proc/pressure format:
 * parse it with psi_parse (psi.h).
 */
#ifndef MEMTOP_CGFILES_H
#define MEMTOP_CGFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* v1 reports "no limit" as PAGE_COUNTER_MAX pages in bytes: LONG_MAX rounded
 * down to the page size (9223372036854771712 with 4 KiB pages,
 * 9223372036854710272 with 64 KiB ones), and the exact value depends on the
 * page size. No real limit comes near 2^62 bytes (4 EiB, far beyond what any
 * CPU can address), so anything at or above it means unlimited. On 32-bit
 * kernels the v1 value is 2^31 pages (8 TiB) and stays a number. */
#define CGFILES_UNLIMITED_MIN (UINT64_C(1) << 62)

/* Reads a limit: v2 memory.max, memory.high, memory.swap.max ("max\n" or a
 * byte count) or v1 memory.limit_in_bytes, memory.memsw.limit_in_bytes.
 * *unlimited is true for "max" and for values >= CGFILES_UNLIMITED_MIN (then
 * *bytes is UINT64_MAX); otherwise *bytes is the limit. */
int cgfiles_parse_limit(const char *buf, size_t len, bool *unlimited, uint64_t *bytes);

/* Reads one decimal and a newline: v2 memory.current, memory.swap.current,
 * v1 memory.usage_in_bytes, memory.memsw.usage_in_bytes. */
int cgfiles_parse_u64(const char *buf, size_t len, uint64_t *v);

/* Reads one "key value" line of a memory.stat text (v2 "anon", v1 "rss",
 * "swap": bytes). 0 and *v set when the key has a whole
 * line with a decimal value; -ENOENT when no complete line has the key
 * (other keys that start with it do not count); -EINVAL when its value is
 * not a decimal. *v is unchanged unless 0 is returned. */
int cgfiles_parse_stat(const char *buf, size_t len, const char *key, uint64_t *v);

/* Reads the OOM kills of a memory cgroup: the "oom_kill N" line of v2
 * memory.events (kills in the cgroup and below) or of v1
 * memory.oom_control (Linux 4.13 on). 0 and *v set; -ENOENT when there is
 * no such line (an older kernel's memory.oom_control: the count is not
 * known, which is not 0); -EINVAL when its value is not a decimal. */
int cgfiles_parse_oom_kill(const char *buf, size_t len, uint64_t *v);

/* Where the cgroup hierarchies memtop needs are mounted; "" when absent. */
struct cg_mounts {
	char v2[256];          // the cgroup2 hierarchy (fstype "cgroup2")
	char v1_memory[256];   // the v1 hierarchy with the "memory" controller
};

/* Finds the cgroup mounts in /proc/self/mountinfo text, decoding the
 * kernel's octal escapes (\040 for a space). When a hierarchy is mounted more
 * than once, a mount of its root ("/" in field 4) wins, since /proc/PID/cgroup
 * paths are relative to that root; otherwise the first mount does. A mount
 * point longer than 255 bytes is skipped, and so is a last line without a
 * newline (the reader's buffer was full). Returns -EINVAL for text that is
 * not mountinfo (a complete line without the " - " separator or fields). */
int cgfiles_parse_mountinfo(const char *buf, size_t len, struct cg_mounts *out);

/* One line of /proc/self/mountinfo: the mount point decoded (\040 and the
 * like), the device and the filesystem type. */
struct cgfiles_mount {
	char path[1024];       // "" with path_fits false when longer
	bool path_fits;
	uint32_t major, minor;
	char fstype[32];       // "" when longer, or when it holds a NUL
};

/* Reads the mountinfo line at *p (before end) into m and moves *p past it:
 * 1 for a line, 0 at the end (a last line without a newline is ignored),
 * -EINVAL for a line that is not mountinfo. */
int cgfiles_mountinfo_next(const char **p, const char *end, struct cgfiles_mount *m);

/* Whether a cgroup.controllers (or cgroup.subtree_control) text lists the
 * controller name as a whole word. The memory controller is on v2 exactly
 * when the cgroup2 root's cgroup.controllers lists "memory": in a hybrid
 * layout a controller bound to a v1 hierarchy is missing from that file. */
bool cgfiles_controllers_have(const char *buf, size_t len, const char *name);

/* Whether path can name a cgroup below a hierarchy's mount point: 0 when it
 * is absolute ("/" for the root) and plain, -EINVAL when it is empty or
 * relative, has an empty, "." or ".." segment (it could leave the
 * hierarchy), a backslash (text_sanitize's escapes: a sanitised hostile
 * name is not the real one, and must not be opened as if it were) or a
 * control byte. A pure check of the string: whether it exists is not asked. */
int cgfiles_check_path(const char *path);

#endif
