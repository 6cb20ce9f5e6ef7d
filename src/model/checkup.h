/* checkup.h — the machine's settings judged against what turns a slow
 * memory leak into an outage (memtop --check and the R panel): facts
 * (proc/sysfacts.h) in, findings out, each with a stable id, a severity,
 * why it matters to a leak, the fix and the values it was judged on.
 *
 * Contract: pure (no I/O). checkup_evaluate fills out whole; the titles,
 * why and fix texts are static strings; the evidence is built from the
 * facts, whose strings are already sanitised. A rule whose facts could not
 * be read fires nothing and is listed in skipped with the reason instead.
 * Findings come in the order of the rules, not by severity.
 */
#ifndef MEMTOP_CHECKUP_H
#define MEMTOP_CHECKUP_H

#include <stddef.h>
#include <stdint.h>

#include "proc/sysfacts.h"

enum checkup_severity { CHECKUP_INFO, CHECKUP_WARN, CHECKUP_CRITICAL };

// A process at oom_score_adj -1000 this large (VmRSS) is a finding.
#define CHECKUP_PROTECTED_MIN_KB (64ULL * 1024)
// The OOM task dump on a serial console: one line per process, about this
// many bytes, at 115200 baud (11,520 bytes a second), written while the
// OOM killer waits. From this many processes on (about a second) it is a
// finding, and critical from CHECKUP_DUMP_TASKS_CRIT (about a minute).
#define CHECKUP_DUMP_LINE_BYTES 130
#define CHECKUP_SERIAL_BYTES_S 11520
#define CHECKUP_DUMP_TASKS_MIN 100
#define CHECKUP_DUMP_TASKS_CRIT 5000
// KERN_INFO: the task dump's level; a console prints levels below its own.
#define CHECKUP_KERN_INFO 6
// Committed_AS at this share of CommitLimit (percent) under overcommit 2:
// allocations are about to fail.
#define CHECKUP_COMMIT_NEAR_PCT 90
// min_free_kbytes below half the kernel's own value, or above four times it.
#define CHECKUP_MIN_FREE_LOW_DIV 2
#define CHECKUP_MIN_FREE_HIGH_MUL 4
// watermark_scale_factor (default 10, in 1/10,000 of memory) outside this.
#define CHECKUP_WSF_DEFAULT 10
#define CHECKUP_WSF_LOW 5
#define CHECKUP_WSF_HIGH 500

#define CHECKUP_FINDINGS_MAX 16
#define CHECKUP_SKIPPED_MAX 16

struct checkup_finding {
	const char *id;               // stable: "no-swap-no-oom-handler"
	enum checkup_severity severity;
	const char *title, *why, *fix;
	char evidence[768];           // the values read, one line
};

struct checkup_skip {
	const char *id;               // the rule that could not run
	char reason[192];             // what could not be read, and why
};

struct checkup {
	struct checkup_finding findings[CHECKUP_FINDINGS_MAX];
	size_t nfindings;
	struct checkup_skip skipped[CHECKUP_SKIPPED_MAX];
	size_t nskipped;
};

/* Judges the facts. */
void checkup_evaluate(const struct sysfacts *f, struct checkup *out);

/* "info", "warn", "critical". */
const char *checkup_severity_name(enum checkup_severity s);

/* The kernel's own min_free_kbytes for this much memory:
 * int_sqrt(KiB * 16), within 128 and 262144 (mm/page_alloc.c). */
uint64_t checkup_min_free_default_kb(uint64_t mem_total_kb);
/* What khugepaged raises it to when transparent huge pages are on
 * (mm/khugepaged.c: 2 MiB pageblocks, three zones, 2 + 3 * 3 pageblocks
 * each: 67584 KiB on x86-64), at most 5 % of memory; 0 with thp "never"
 * or unknown. */
uint64_t checkup_min_free_thp_kb(uint64_t mem_total_kb, const char *thp);

/* Every rule's id, in order (count in *n): for the man page and tests. */
const char *const *checkup_rule_ids(size_t *n);

#endif
