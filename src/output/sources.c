/* sources.c — opening the recording a run shows (-r) or starts from
 * (--history). */
#include "output/sources.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc/procfs.h"
#include "store/recorder.h"
#include "store/replay.h"

// The running boot's id, or "" when the kernel does not say.
static void running_boot(char *id, size_t cap)
{
	if (procfs_boot_id(id, cap) <= 0)
		id[0] = '\0';
}

static int open_history(const struct options *opts, struct run_sources *out, const char *boot,
			char *note, size_t notelen)
{
	const char *path = opts->history_path ? opts->history_path : MEMTOP_DEFAULT_RECORDING;
	char err[512];
	int rc;

	// A recorder that shows nothing has no use for the past (the unit's
	// recorder would read back its own file at every start).
	if (opts->no_history || (opts->write_path && !opts->batch && !opts->screen))
		return 0;
	// The default file is looked for, not asked for: its absence (no
	// recorder on this machine) or a file this user may not read is no news.
	if (!opts->history_path && access(path, R_OK) < 0)
		return 0;
	rc = history_open(&out->history, path, boot, (double)time(NULL), err, sizeof err);
	if (rc < 0 && (opts->history_path || rc != -ENOENT))
		snprintf(note, notelen, "%s", err);
	return 0;
}

// The machine a recording is made on: its boot, name and boot time.
static void host_of_this_machine(struct record_host *h)
{
	struct timespec wall, boot;

	memset(h, 0, sizeof *h);
	if (procfs_boot_id(h->boot_id, sizeof h->boot_id) <= 0)
		snprintf(h->boot_id, sizeof h->boot_id, "unknown");
	if (gethostname(h->hostname, sizeof h->hostname - 1) < 0)
		h->hostname[0] = '\0';
	clock_gettime(CLOCK_REALTIME, &wall);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	h->boot_time = (double)(wall.tv_sec - boot.tv_sec) + (double)(wall.tv_nsec - boot.tv_nsec) / 1e9;
}

struct recorder *sources_open_recorder(const struct options *opts, FILE *log)
{
	struct record_policy pol;
	struct record_host host;
	struct recorder *r;
	char err[512];

	record_policy_defaults(&pol);
	if (opts->keep_days > 0)
		pol.keep_s = opts->keep_days * 86400.0;
	if (opts->max_size)
		pol.max_bytes = opts->max_size;
	pol.no_cmdline = opts->no_cmdline;
	pol.log = log;
	host_of_this_machine(&host);
	if (!(r = recorder_open(opts->write_path, &pol, &host, err, sizeof err)))
		fprintf(stderr, "memtop: %s\n", err);     // before the screen, if there is one
	return r;
}

// The screen's recorder (-w FILE --screen): its log lines go to the
// screen's message line, not to a terminal the screen owns.
struct screen_recorder {
	struct recorder *rec;
	FILE *log;
	char *logbuf;
	size_t loglen, shown;
};

// The last complete line the recorder logged since the last call, if any.
static void last_log_line(struct screen_recorder *sr, char *msg, size_t msglen)
{
	const char *end, *start;

	fflush(sr->log);
	if (!sr->logbuf || sr->loglen <= sr->shown)
		return;
	end = sr->logbuf + sr->loglen;
	while (end > sr->logbuf + sr->shown && end[-1] == '\n')
		end--;
	start = end;
	while (start > sr->logbuf + sr->shown && start[-1] != '\n')
		start--;
	snprintf(msg, msglen, "%.*s", (int)(end - start), start);
	// Written over from the start from now on: the buffer holds one
	// burst of messages, not every line of a run that lasts for days.
	rewind(sr->log);
	sr->shown = 0;
}

static int record_screen_tick(void *ctx, struct monitor *m, char *msg, size_t msglen)
{
	struct screen_recorder *sr = ctx;
	int rc = recorder_write(sr->rec, m);

	last_log_line(sr, msg, msglen);
	if (rc < 0 && !msg[0])
		snprintf(msg, msglen, "recording ended: cannot write to it");
	return rc < 0 ? -1 : 0;
}

int sources_record_screen(const struct options *opts, struct run_sources *out)
{
	struct screen_recorder *sr = calloc(1, sizeof *sr);

	if (!sr || !(sr->log = open_memstream(&sr->logbuf, &sr->loglen))) {
		free(sr);
		fprintf(stderr, "memtop: out of memory\n");
		return 1;
	}
	if (!(sr->rec = sources_open_recorder(opts, sr->log))) {
		fclose(sr->log);
		free(sr->logbuf);
		free(sr);
		return 2;
	}
	out->after_tick = record_screen_tick;
	out->after_tick_ctx = sr;
	return 0;
}

int sources_open(const struct options *opts, bool batch, struct run_sources *out, char *err, size_t errlen,
		 char *note, size_t notelen)
{
	char boot[64];
	int rc;

	memset(out, 0, sizeof *out);
	note[0] = '\0';
	running_boot(boot, sizeof boot);
	if (!opts->read_path)
		return open_history(opts, out, boot, note, notelen);
	struct replay_options ro = {
		.boot_id = boot,
		// The screen opens at the newest sample; batch prints them all.
		.start_t = batch ? 0 : -1,
		.progress = isatty(STDERR_FILENO) ? stderr : NULL,
	};

	if ((rc = replay_open(&out->recorded, opts->read_path, &ro, err, errlen)) < 0)
		return 2;
	return 0;
}

void sources_close(struct run_sources *s)
{
	struct screen_recorder *sr = s->after_tick == record_screen_tick ? s->after_tick_ctx : NULL;

	if (sr) {
		recorder_close(sr->rec);
		fclose(sr->log);
		free(sr->logbuf);
		free(sr);
	}
	if (s->recorded.ops)
		s->recorded.ops->close(s->recorded.impl);
	if (s->history.ops)
		s->history.ops->close(s->history.impl);
	memset(s, 0, sizeof *s);
}
