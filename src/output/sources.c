/* sources.c — opening the recording a run shows (-r) or starts from
 * (--history). */
#include "output/sources.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc/procfs.h"
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

	if (opts->no_history)
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
	if (s->recorded.ops)
		s->recorded.ops->close(s->recorded.impl);
	if (s->history.ops)
		s->history.ops->close(s->history.impl);
	memset(s, 0, sizeof *s);
}
