/* sources.c — opening the recording a run shows (-r) or starts from
 * (--history). */
#include "output/sources.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export/exporter.h"
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

// What the screen does with each tick besides showing it: record it (-w
// FILE --screen; the recorder's log lines go to the screen's message line,
// not to a terminal the screen owns) and serve it (--listen --screen).
struct screen_hooks {
	struct recorder *rec;        // NULL: not recording (or no longer)
	FILE *log;
	char *logbuf;
	size_t loglen, shown;
	struct exporter *exp;        // NULL: not serving; not owned
};

// The last complete line the recorder logged since the last call, if any.
static void last_log_line(struct screen_hooks *sh, char *msg, size_t msglen)
{
	const char *end, *start;

	fflush(sh->log);
	if (!sh->logbuf || sh->loglen <= sh->shown)
		return;
	end = sh->logbuf + sh->loglen;
	while (end > sh->logbuf + sh->shown && end[-1] == '\n')
		end--;
	start = end;
	while (start > sh->logbuf + sh->shown && start[-1] != '\n')
		start--;
	snprintf(msg, msglen, "%.*s", (int)(end - start), start);
	// Written over from the start from now on: the buffer holds one
	// burst of messages, not every line of a run that lasts for days.
	rewind(sh->log);
	sh->shown = 0;
}

static int screen_tick(void *ctx, struct monitor *m, char *msg, size_t msglen)
{
	struct screen_hooks *sh = ctx;

	if (sh->exp && exporter_publish(sh->exp, m) < 0)
		snprintf(msg, msglen, "metrics: out of memory: the endpoint serves the last sample it had");
	if (sh->rec) {
		int rc = recorder_write(sh->rec, m);

		last_log_line(sh, msg, msglen);
		if (rc < 0) {
			if (!msg[0])
				snprintf(msg, msglen, "recording ended: cannot write to it");
			recorder_close(sh->rec);
			sh->rec = NULL;
		}
	}
	return sh->rec || sh->exp ? 0 : -1;
}

int sources_screen_hooks(const struct options *opts, struct run_sources *out, struct exporter *exp)
{
	struct screen_hooks *sh = calloc(1, sizeof *sh);

	if (!sh || !(sh->log = open_memstream(&sh->logbuf, &sh->loglen))) {
		free(sh);
		fprintf(stderr, "memtop: out of memory\n");
		return 1;
	}
	if (opts->write_path && !(sh->rec = sources_open_recorder(opts, sh->log))) {
		fclose(sh->log);
		free(sh->logbuf);
		free(sh);
		return 2;
	}
	sh->exp = exp;
	out->after_tick = screen_tick;
	out->after_tick_ctx = sh;
	return 0;
}

struct exporter *sources_open_exporter(const struct options *opts)
{
	struct exporter_config cfg = {
		.addr = opts->listen_addr, .port = opts->listen_port, .allow_remote = opts->allow_remote,
		.metrics = { .top = opts->export_top, .cmdline = opts->export_cmdline },
		.cgroups = true,             // --listen reads them (batch.c and app.c: every MONITOR_CGROUP_EVERY_S)
	};
	struct exporter *e;
	char err[512], url[128];

	if (!(e = exporter_open(&cfg, err, sizeof err))) {
		fprintf(stderr, "memtop: %s\n", err);
		return NULL;
	}
	exporter_url(e, url, sizeof url);
	fprintf(stderr, "memtop: serving metrics on %s\n", url);
	return e;
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
	struct screen_hooks *sh = s->after_tick == screen_tick ? s->after_tick_ctx : NULL;

	if (sh) {
		recorder_close(sh->rec);
		fclose(sh->log);
		free(sh->logbuf);
		free(sh);
	}
	if (s->recorded.ops)
		s->recorded.ops->close(s->recorded.impl);
	if (s->history.ops)
		s->history.ops->close(s->history.impl);
	memset(s, 0, sizeof *s);
}
