/* fuzz_kmsg.c — kmsg_parse_record and the OOM report assembler (kmsg.h) on
 * arbitrary bytes: the input's lines are records, fed in order to one
 * assembler, each in an exact-size buffer. */
#include <errno.h>

#include "fuzz.h"
#include "proc/kmsg.h"

// A fixed-size field: NUL-terminated within it, valid UTF-8 (sanitised),
// no control byte.
static bool field_ok(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n == cap || !fuzz_utf8_walk(s, n, NULL, NULL))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static void check_kill(const struct oom_kill *k, uint64_t seq)
{
	FUZZ_CHECK(k->seq == seq);
	FUZZ_CHECK(k->pid >= 0);
	FUZZ_CHECK(field_ok(k->comm, sizeof k->comm));
	FUZZ_CHECK(field_ok(k->trigger_comm, sizeof k->trigger_comm));
	FUZZ_CHECK(field_ok(k->gfp_mask, sizeof k->gfp_mask));
	FUZZ_CHECK(field_ok(k->constraint, sizeof k->constraint));
	FUZZ_CHECK(field_ok(k->oom_memcg, sizeof k->oom_memcg));
	FUZZ_CHECK(field_ok(k->task_memcg, sizeof k->task_memcg));
	FUZZ_CHECK(k->have_trigger || !k->trigger_comm[0]);
	FUZZ_CHECK(k->ntasks <= OOM_TASKS_MAX && k->ntasks <= k->tasks_listed);
	FUZZ_CHECK(k->tasks_listed <= OOM_TASKS_MAX || k->ntasks == OOM_TASKS_MAX);
	for (unsigned i = 0; i < k->ntasks; i++) {
		FUZZ_CHECK(field_ok(k->tasks[i].comm, sizeof k->tasks[i].comm));
		FUZZ_CHECK(k->tasks[i].pid >= 0);
		FUZZ_CHECK(i == 0 || k->tasks[i - 1].rss_kb >= k->tasks[i].rss_kb);   // largest first
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmsg_oom a;
	size_t start = 0;

	kmsg_oom_init(&a, 4);
	for (size_t i = 0; i <= size; i++) {
		struct kmsg_record rec = { .seq = 0x5eed };
		struct oom_kill k;
		char *buf, *text;
		int rc;

		if (i < size && data[i] != '\n')
			continue;
		buf = fuzz_copy(data + start, i - start, false);
		text = malloc(i - start + 1);
		if (!text)
			abort();
		rc = kmsg_parse_record(buf, i - start, text, i - start, &rec);
		FUZZ_CHECK(rc == 0 || rc == -EINVAL);
		FUZZ_CHECK(rc == 0 || rec.seq == 0x5eed);
		if (rc == 0) {
			FUZZ_CHECK(rec.prio >= 0 && rec.prio <= 7);
			FUZZ_CHECK(rec.len <= i - start && rec.msg == text);
			if (kmsg_oom_feed(&a, &rec, &k))
				check_kill(&k, rec.seq);
			FUZZ_CHECK(a.ncols <= KMSG_TABLE_COLS);
		}
		free(text);
		free(buf);
		start = i + 1;
	}
	return 0;
}
