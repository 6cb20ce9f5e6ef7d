/* kmsgread.c — the kernel log read a tick at a time for its OOM kills. */
#include "proc/kmsgread.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/kmsg.h"

struct kmsgread {
	int fd;                      // -1 once reading ended (err says why)
	int err;
	kmsgread_fn *readfn;
	bool backlog_done;           // the log was read to its end once
	bool have_next;              // next_seq is the sequence number expected
	uint64_t next_seq;
	uint64_t lost, dropped;
	struct kmsg_oom asm_;        // the report being assembled
	struct oom_kill kills[KMSGREAD_KILLS_MAX];
	size_t nkills;
	char buf[KMSGREAD_BUF];
	char text[KMSGREAD_BUF];     // a record's message, unescaped
};

static ssize_t read_plain(int fd, void *buf, size_t len)
{
	return read(fd, buf, len);
}

struct kmsgread *kmsgread_from_fd(int fd, unsigned page_kb, kmsgread_fn *readfn)
{
	struct kmsgread *r = calloc(1, sizeof *r);

	if (!r) {
		close(fd);
		return NULL;
	}
	r->fd = fd;
	r->readfn = readfn ? readfn : read_plain;
	kmsg_oom_init(&r->asm_, page_kb);
	return r;
}

struct kmsgread *kmsgread_open(const char *path, unsigned page_kb, int *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct kmsgread *r;

	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	r = kmsgread_from_fd(fd, page_kb, NULL);
	if (!r)
		*err = -ENOMEM;
	return r;
}

// Keeps a completed kill, the oldest making room when the poll has its fill.
static void keep_kill(struct kmsgread *r, const struct oom_kill *k)
{
	if (r->nkills == KMSGREAD_KILLS_MAX) {
		memmove(&r->kills[0], &r->kills[1], (KMSGREAD_KILLS_MAX - 1) * sizeof r->kills[0]);
		r->nkills--;
		r->dropped++;
	}
	r->kills[r->nkills] = *k;
	r->kills[r->nkills].since_start = r->backlog_done;
	r->nkills++;
}

// Takes one record of n bytes: counts a gap before it, feeds the assembler.
static void take_record(struct kmsgread *r, size_t n)
{
	struct kmsg_record rec;
	struct oom_kill k;

	if (kmsg_parse_record(r->buf, n, r->text, sizeof r->text, &rec) < 0)
		return;                          // not a record: nothing to count
	if (r->have_next && rec.seq > r->next_seq)
		r->lost += rec.seq - r->next_seq;
	r->have_next = true;
	r->next_seq = rec.seq + 1;
	if (kmsg_oom_feed(&r->asm_, &rec, &k))
		keep_kill(r, &k);
}

// Ends the reading for good with -errno err.
static void stop(struct kmsgread *r, int err)
{
	r->err = err;
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->nkills = 0;
}

struct oom_kill *kmsgread_poll(struct kmsgread *r, size_t *n)
{
	size_t budget = r->backlog_done ? KMSGREAD_TICK_RECORDS : KMSGREAD_BACKLOG_RECORDS;

	r->nkills = 0;
	while (r->fd >= 0 && budget > 0) {
		ssize_t got = r->readfn(r->fd, r->buf, sizeof r->buf);

		budget--;
		if (got > 0) {
			take_record(r, (size_t)got);
		} else if (got == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
			r->backlog_done = true;      // read to the end (0: a closed test pipe)
			break;
		} else if (errno == EPIPE) {
			// Overwritten before we got to them: the next read gives the
			// oldest record left, and its number says how many went.
			kmsg_oom_lost(&r->asm_);
		} else if (errno != EINTR) {
			stop(r, -errno);
		}
	}
	*n = r->nkills;
	return r->kills;
}

int kmsgread_err(const struct kmsgread *r) { return r->err; }
uint64_t kmsgread_lost(const struct kmsgread *r) { return r->lost; }
uint64_t kmsgread_dropped(const struct kmsgread *r) { return r->dropped; }

void kmsgread_close(struct kmsgread *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}
