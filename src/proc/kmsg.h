/* kmsg.h — pure parsers of the kernel log as /dev/kmsg hands it out: one
 * record, and the OOM reports its messages make up.
 *
 * A record is "prio,seq,usec,flags[,...];message\n" followed by continuation
 * lines (" KEY=value\n", ignored). The kernel escapes every byte of the
 * message below 0x20, from 0x7f up, and the backslash as "\xNN";
 * kmsg_parse_record undoes that, so the raw bytes (a comm with an escape
 * sequence) reach text_sanitize, which escapes them memtop's way.
 *
 * The assembler (struct kmsg_oom) is fed every message in order and
 * recognises the lines of an OOM report in the wordings of kernels 3.10 to
 * 6.x: the trigger ("X invoked oom-killer: gfp_mask=..."), the memory
 * cgroup's usage and limit, the task table (any of its column sets), the
 * constraint line ("oom-kill:constraint=..."), the older "Task in /x killed
 * as a result of limit of /y", and the kill line, which completes a report.
 * Anything else is ignored cheaply (a look at its first bytes). A new
 * trigger abandons an open report that had no kill; a gap in the sequence
 * numbers (records lost) abandons it too, and a kill line after a gap still
 * makes a kill, with what the lost records said left unknown.
 *
 * Contract: no I/O, no globals; buffers need no NUL; strings in a kill are
 * sanitised and cut to their fields. A struct kmsg_oom is plain data the
 * caller owns (no allocation).
 */
#ifndef MEMTOP_KMSG_H
#define MEMTOP_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proc/snapshot.h"

struct kmsg_record {
	int prio;                 // the level, 0 (emerg) to 7 (debug); facility stripped
	uint64_t seq;             // the record's sequence number
	uint64_t usec;            // microseconds after boot (the kernel's local clock)
	const char *msg;          // the message, unescaped (points into the caller's text)
	size_t len;               // its length (it may hold any byte but '\n')
};

/* Parses one record of len bytes into rec, the unescaped message written to
 * text (capacity cap; len bytes always suffice: unescaping only shrinks, and
 * a message longer than cap is cut). Returns 0, or -EINVAL when the prefix
 * is malformed (rec is then unchanged). */
int kmsg_parse_record(const char *buf, size_t len, char *text, size_t cap, struct kmsg_record *rec);

#define KMSG_TABLE_COLS 16        // the most task-table columns understood

struct kmsg_oom {
	unsigned page_kb;         // the task table counts pages of this size
	bool have_seq;            // last_seq holds the previous record's number
	uint64_t last_seq;
	bool open;                // some part of a report was seen since the last kill
	struct oom_kill cur;      // the report being assembled
	// The task table's header, as column kinds (kmsg.c's enum): 0 columns
	// while no header was seen in this report.
	unsigned ncols;
	unsigned char cols[KMSG_TABLE_COLS];
	bool kill_memcg;          // "Memory cgroup out of memory: Kill process" said so
};

/* Starts an assembler for a machine whose pages are page_kb KiB (4 when 0). */
void kmsg_oom_init(struct kmsg_oom *a, unsigned page_kb);
/* Feeds the next record. Returns true when it completed a kill, which is
 * then in *out (its seq and boot_s are the kill record's; mono_time,
 * wall_time and since_start are left for the caller). */
bool kmsg_oom_feed(struct kmsg_oom *a, const struct kmsg_record *rec, struct oom_kill *out);
/* Records were lost (the reader says so): the open report is abandoned. */
void kmsg_oom_lost(struct kmsg_oom *a);

#endif
