/* sampler_detail.c — what the sampler reads on demand for one process:
 * smaps (streamed into the caller's sink) and smaps_rollup, its state, its
 * memory cgroup's files (and any memory cgroup's usage and limit, by path),
 * the whole command line, and a signal sent through a pidfd. Costly reads,
 * for the detail view and --smaps only (and a caller's own on-demand cgroup
 * reads); the tick (sampler.c) never makes them, apart from the cgroup
 * files of suspected leaks. */
#include "proc/sampler_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc/procparse.h"
#include "proc/psi.h"
#include "proc/smaps.h"
#include "util/text.h"

// Reads one smaps-format file of pid into out whole (smaps_rollup: small); 0 or -errno.
static int read_smaps_file(struct sampler *s, int pid, const char *file, struct smaps *out)
{
	char path[48];
	ssize_t n;

	snprintf(path, sizeof path, "%d/%s", pid, file);
	n = procfs_read_all_at(s->proc_fd, path, &s->buf, SMAPS_MAX);
	if (n < 0)
		return (int)n;
	return smaps_parse(s->buf.data ? s->buf.data : "", (size_t)n, out);
}

// Makes room for the next piece of a streamed read after the have bytes kept
// (an unfinished line); 0 or -ENOMEM.
static int piece_reserve(char **buf, size_t *cap, size_t have)
{
	size_t want = *cap ? *cap : SAMPLER_SMAPS_PIECE;
	char *p;

	if (*buf && have < *cap)
		return 0;
	while (want <= have)
		want *= 2;           // a line longer than a piece: rare, but possible
	p = realloc(*buf, want);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = want;
	return 0;
}

// Feeds one piece read to the parser and hands its mappings on: to the sink
// (then d->maps is emptied for the next piece) or kept in d->maps. Returns 0
// or -errno, with *used the bytes parsed.
static int smaps_piece(struct proc_detail *d, struct smaps_stream *st, const char *buf,
		       size_t len, bool at_end, size_t *used)
{
	int rc = smaps_stream_feed(st, buf, len, at_end, &d->maps, used);

	if (d->maps_sink && d->maps.n) {
		int sunk = d->maps_sink(d->maps_ctx, &d->maps);

		smaps_stream_drain(st, &d->maps);
		if (sunk < 0)
			return sunk;
	}
	return rc;
}

// Reads and parses /proc/PID/smaps a piece at a time into d (see
// proc_detail.maps_sink); the first SMAPS_MAX bytes, the rest is cut.
// Returns 0 or -errno.
static int read_smaps_stream(struct sampler *s, int pid, struct proc_detail *d)
{
	struct smaps_stream st;
	char path[48], *buf = NULL;
	size_t cap = 0, have = 0, total = 0, used;
	int fd, rc;

	snprintf(path, sizeof path, "%d/smaps", pid);
	fd = procfs_open_at(s->proc_fd, path);
	if (fd < 0)
		return fd;
	smaps_stream_begin(&st, &d->maps);
	for (;;) {
		ssize_t n;
		size_t room;

		if ((rc = piece_reserve(&buf, &cap, have)) < 0)
			break;
		room = cap - have < SMAPS_MAX - total ? cap - have : SMAPS_MAX - total;
		n = room ? procfs_read_fd(fd, buf + have, room) : 0;
		if (n < 0) {
			rc = (int)n;
			break;
		}
		have += (size_t)n;
		total += (size_t)n;
		rc = smaps_piece(d, &st, buf, have, n == 0, &used);
		if (rc < 0 || n == 0)
			break;
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	close(fd);
	free(buf);
	return rc;
}

// Reads one cgroup file (mount + rel + "/" + name; rel "" for the root)
// into buf; the length read or -errno.
static ssize_t cg_read(const char *mount, const char *rel, const char *name, char *buf, size_t cap)
{
	char path[PATH_MAX];

	if (!mount[0] || snprintf(path, sizeof path, "%s%s/%s", mount, rel, name) >= (int)sizeof path)
		return -ENAMETOOLONG;
	return procfs_read_at(AT_FDCWD, path, buf, cap);
}

// Reads one cgroup file into the scratch buffer.
static ssize_t read_cg_file(struct sampler *s, const char *mount, const char *rel, const char *name)
{
	return cg_read(mount, rel, name, s->scratch, 4096);
}

void sampler_read_cgroup(struct sampler *s, int pid, bool with_pressure, struct cgroup_detail *cg)
{
	char path[48];
	ssize_t n;

	memset(cg, 0, sizeof *cg);
	snprintf(path, sizeof path, "%d/cgroup", pid);
	n = procfs_read_at(s->proc_fd, path, s->scratch, 4096);
	if (n <= 0 || procparse_cgroup_paths(s->scratch, (size_t)n, cg->v2_path, sizeof cg->v2_path,
					     cg->v1_path, sizeof cg->v1_path) < 0)
		return;
	if (cg->v2_path[0]) {
		const char *m = s->cg_mounts.v2, *r = strcmp(cg->v2_path, "/") ? cg->v2_path : "";

		if (with_pressure) {
			n = read_cg_file(s, m, r, "memory.pressure");
			cg->have_pressure = n > 0 && psi_parse(s->scratch, (size_t)n, &cg->pressure) == 0;
		}
		if (s->memory_on_v2) {
			n = read_cg_file(s, m, r, "memory.current");
			cg->have_current = n > 0 && cgfiles_parse_u64(s->scratch, (size_t)n, &cg->current) == 0;
			n = read_cg_file(s, m, r, "memory.max");
			cg->have_max = n > 0 && cgfiles_parse_limit(s->scratch, (size_t)n, &cg->max_unlimited,
								    &cg->max) == 0;
			n = read_cg_file(s, m, r, "memory.high");
			cg->have_high = n > 0 && cgfiles_parse_limit(s->scratch, (size_t)n, &cg->high_unlimited,
								     &cg->high) == 0;
			n = read_cg_file(s, m, r, "memory.swap.current");
			cg->have_swap = n > 0 && cgfiles_parse_u64(s->scratch, (size_t)n, &cg->swap_current) == 0;
		}
	}
	if (!s->memory_on_v2 && cg->v1_path[0]) {
		const char *m = s->cg_mounts.v1_memory, *r = strcmp(cg->v1_path, "/") ? cg->v1_path : "";

		n = read_cg_file(s, m, r, "memory.usage_in_bytes");
		cg->have_v1 = n > 0 && cgfiles_parse_u64(s->scratch, (size_t)n, &cg->v1_usage) == 0;
		n = read_cg_file(s, m, r, "memory.limit_in_bytes");
		cg->have_v1 = cg->have_v1 && n > 0 &&
			      cgfiles_parse_limit(s->scratch, (size_t)n, &cg->v1_unlimited, &cg->v1_limit) == 0;
	}
}

int sampler_read_detail_state(struct sampler *s, int pid, uint64_t start_ticks, struct proc_detail *d)
{
	char path[48];
	uint64_t began;
	ssize_t n;

	d->pid = pid;
	d->state = '?';
	d->exited = false;
	snprintf(path, sizeof path, "%d/stat", pid);
	n = procfs_read_at(s->proc_fd, path, s->scratch, 1024);
	if (n <= 0 || (start_ticks && (procparse_stat_start(s->scratch, (size_t)n, &began) < 0 ||
				      began != start_ticks))) {
		d->exited = true;
		return n < 0 ? (int)n : -ESRCH;
	}
	procparse_stat_state(s->scratch, (size_t)n, &d->state);
	sampler_read_cgroup(s, pid, true, &d->cg);
	return 0;
}

int sampler_read_detail(struct sampler *s, int pid, uint64_t start_ticks, struct proc_detail *d)
{
	d->have_rollup = false;
	d->err = sampler_read_detail_state(s, pid, start_ticks, d);
	if (d->err < 0)
		return d->err;
	d->err = read_smaps_stream(s, pid, d);
	if (d->err == -ENOENT || d->err == -ESRCH) {
		d->exited = true;
		return d->err;
	}
	if (d->err == 0)
		d->have_rollup = read_smaps_file(s, pid, "smaps_rollup", &d->rollup) == 0 &&
				 d->rollup.n == 1;
	return d->err;
}

void proc_detail_free(struct proc_detail *d)
{
	smaps_free(&d->maps);
	smaps_free(&d->rollup);
}

// The start time of pid now (sampler_int.h).
int sampler_start_ticks(struct sampler *s, int pid, uint64_t *start)
{
	char path[48], buf[1024];
	ssize_t n;

	snprintf(path, sizeof path, "%d/stat", pid);
	n = procfs_read_at(s->proc_fd, path, buf, sizeof buf);
	if (n < 0)
		return (int)n == -ENOENT ? -ESRCH : (int)n;
	return procparse_stat_start(buf, (size_t)n, start) == 0 ? 0 : -ESRCH;
}

int sampler_read_cmdline(struct sampler *s, int pid, uint64_t start_ticks, char **out, bool *cut)
{
	char path[48], *text, *fitted;
	uint64_t began;
	size_t len, cap;
	ssize_t n;
	int rc;

	*out = NULL;
	*cut = false;
	snprintf(path, sizeof path, "%d/cmdline", pid);
	n = procfs_read_all_at(s->proc_fd, path, &s->buf, SOURCE_CMDLINE_FULL_MAX + 1);
	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	// The start time is checked after the read: if it still matches, the
	// pid named our process throughout (a process never comes back).
	rc = sampler_start_ticks(s, pid, &began);
	if (rc == 0 && began != start_ticks)
		rc = -ESRCH;
	if (rc < 0)
		return rc;
	*cut = n > SOURCE_CMDLINE_FULL_MAX;
	len = *cut ? SOURCE_CMDLINE_FULL_MAX : (size_t)n;
	cap = 4 * len + 1;            // an escape is at most 4 bytes for each byte in
	if (!(text = malloc(cap)))
		return -ENOMEM;
	len = text_sanitize_cmdline(s->buf.data, len, text, cap);
	fitted = realloc(text, len + 1);
	*out = fitted ? fitted : text;
	return 0;
}

int sampler_send_signal(struct sampler *s, int pid, uint64_t start_ticks, int sig)
{
	uint64_t now_start;
	int pidfd, rc;

	if (pid <= 0)
		return -ESRCH;
	// The pidfd pins whichever process has the pid now; if the start time
	// read after opening it matches, that process is ours, and the signal
	// can only reach it.
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 && errno != ENOSYS)
		return errno == ESRCH ? -ESRCH : -errno;
	rc = sampler_start_ticks(s, pid, &now_start);
	if (rc == 0 && now_start != start_ticks)
		rc = -ESRCH;
	if (rc == 0) {
		long r = pidfd >= 0 ? syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) : kill(pid, sig);

		rc = r < 0 ? -errno : 0;
	}
	if (pidfd >= 0)
		close(pidfd);
	return rc;
}
