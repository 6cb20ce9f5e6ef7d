/* config.c — reading and writing memtop's rc and theme files. */
#include "conf/config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc/procfs.h"

#ifndef MEMTOP_DATADIR
#define MEMTOP_DATADIR "/usr/local/share/memtop"
#endif

#define REPORT_ECHO_MAX 10         // lines echoed per file; the rest are counted
#define CONFIG_LINKS_MAX 40        // symbolic links W follows to the rc file, as Linux does

// Generated from themes/default.theme and themes/mono.theme by the Makefile.
extern const char builtin_theme_default[], builtin_theme_mono[];

static void report(void *ctx, unsigned line, const char *reason)
{
	struct config_report *rep = ctx;
	char msg[sizeof rep->first];

	if (line)
		snprintf(msg, sizeof msg, "%s:%u: %s", rep->path, line, reason);
	else
		snprintf(msg, sizeof msg, "%s: %s", rep->path, reason);
	if (!rep->count)
		snprintf(rep->first, sizeof rep->first, "%s", msg);
	if (rep->echo && rep->count < REPORT_ECHO_MAX)
		fprintf(rep->echo, "memtop: %s\n", msg);
	else if (rep->echo && rep->count == REPORT_ECHO_MAX)
		fprintf(rep->echo, "memtop: %s: more problems not shown\n", rep->path);
	rep->count++;
}

// Reads a whole file of at most CONFIG_FILE_MAX bytes into a new buffer.
// Returns 0, or -errno (-EFBIG when too large).
static int read_file(const char *path, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	size_t n = 0;
	char *b;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {       // a FIFO or device could block or never end
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	b = malloc(CONFIG_FILE_MAX + 1);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t got = read(fd, b + n, CONFIG_FILE_MAX + 1 - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			free(b);
			close(fd);
			return -e;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > CONFIG_FILE_MAX) {
			free(b);
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	*buf = b;
	*len = n;
	return 0;
}

// Reports why a file could not be read.
static void report_errno(struct config_report *rep, int err)
{
	report(rep, 0, err == -EFBIG ? "file too large (over 64 KiB)" : strerror(-err));
}

// $XDG_CONFIG_HOME/memtop, or ~/.config/memtop. XDG says a relative value
// is invalid and must be ignored.
static int config_dir(char *out, size_t cap)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(out, cap, "%s/memtop", xdg);
	else if (home && home[0])
		n = snprintf(out, cap, "%s/.config/memtop", home);
	else
		return -1;
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

int config_rc_path(char *out, size_t cap)
{
	char dir[PATH_MAX];
	int n;

	if (config_dir(dir, sizeof dir) < 0)
		return -1;
	n = snprintf(out, cap, "%s/memtoprc", dir);
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

int config_load_rc(struct rc_settings *s, struct config_report *rep)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int rc;

	*s = (struct rc_settings){ 0 };
	if (config_rc_path(path, sizeof path) < 0)
		return 0;
	rep->path = path;
	rc = read_file(path, &buf, &len);
	if (rc == -ENOENT || rc == -ENOTDIR) {
		rc_parse("", 0, s, report, rep);      // the defaults, nothing set
		rep->path = NULL;
		return 0;
	}
	if (rc < 0) {
		report_errno(rep, rc);
		rc_parse("", 0, s, report, rep);
		rep->path = NULL;
		return -1;
	}
	rc_parse(buf, len, s, report, rep);
	free(buf);
	rep->path = NULL;             // path is this function's own
	return 1;
}

// Creates dir and its parents (mode 0700 for new ones, as XDG asks).
static int make_dirs(const char *dir)
{
	char tmp[PATH_MAX];

	if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
		return -ENAMETOOLONG;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

// Writes all of buf to fd.
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

// The directory part of path (everything before its last '/'; "." for none).
static void dir_of(const char *path, char *out, size_t cap)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, cap, ".");
	else if (slash == path)
		snprintf(out, cap, "/");
	else
		snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

// Follows path through symbolic links (relative ones from their own
// directory) to the file to replace, into target (PATH_MAX bytes): 1 when
// it exists (its lstat in st), 0 when it does not but its directory does,
// -1 with the reason in err.
static int resolve_links(const char *path, char *target, struct stat *st, char *err, size_t errlen)
{
	char link[PATH_MAX], dir[PATH_MAX], next[2 * PATH_MAX];
	const char *base;

	snprintf(target, PATH_MAX, "%s", path);
	for (int hops = 0;; hops++) {
		ssize_t n;

		if (lstat(target, st) < 0) {
			if (errno != ENOENT)
				break;
			dir_of(target, dir, sizeof dir);
			if (hops && (stat(dir, st) < 0 || !S_ISDIR(st->st_mode))) {
				snprintf(err, errlen, "cannot write %s: it links to %s, in a directory "
					 "that does not exist", path, target);
				return -1;
			}
			return 0;
		}
		if (!S_ISLNK(st->st_mode))
			return 1;
		if (hops == CONFIG_LINKS_MAX) {
			snprintf(err, errlen, "cannot write %s: %s (over %d links)", path,
				 strerror(ELOOP), CONFIG_LINKS_MAX);
			return -1;
		}
		n = readlink(target, link, sizeof link - 1);
		if (n < 0)
			break;
		link[n] = '\0';
		dir_of(target, dir, sizeof dir);
		if (link[0] == '/')
			snprintf(next, sizeof next, "%s", link);
		else
			snprintf(next, sizeof next, "%s/%s", dir, link);
		// Messages name the real folder, not ".../memtop/../dotfiles".
		base = strrchr(next, '/') + 1;
		dir_of(next, dir, sizeof dir);
		if (realpath(dir, link) && snprintf(dir, sizeof dir, "%s/%s", strcmp(link, "/") ? link : "",
						    base) < (int)sizeof dir)
			memcpy(next, dir, strlen(dir) + 1);
		n = (ssize_t)strlen(next);
		if (n >= PATH_MAX) {
			errno = ENAMETOOLONG;
			break;
		}
		memcpy(target, next, (size_t)n + 1);
	}
	snprintf(err, errlen, "cannot write %s: %s", target, strerror(errno));
	return -1;
}

// Gives the temporary file fd the old file's owner and mode, or a new
// file's mode: 0644 under the umask. 0, or -errno with what failed in *what.
static int keep_owner_mode(int fd, const struct stat *old, const char **what)
{
	struct stat now;
	mode_t mask;

	*what = "set the mode of";
	if (!old) {
		mask = umask(0);          // reading the umask sets it; memtop has one thread
		umask(mask);
		return fchmod(fd, 0644 & ~mask) < 0 ? -errno : 0;
	}
	if (fstat(fd, &now) < 0)
		return -errno;
	*what = "keep the owner of";
	// Only root may give a file away; a user who is not in the old file's
	// group may still write the file that is theirs, in their own group.
	if ((now.st_uid != old->st_uid || now.st_gid != old->st_gid) &&
	    fchown(fd, old->st_uid, old->st_gid) < 0 &&
	    !(errno == EPERM && geteuid() != 0 && now.st_uid == old->st_uid))
		return -errno;
	*what = "set the mode of";
	return fchmod(fd, old->st_mode & 07777) < 0 ? -errno : 0;
}

// Replaces target with text whole or not at all: written to a temporary file
// in target's directory, given the old file's owner and mode (old NULL: a
// new file), flushed, renamed over it. 0, or -1 with the reason in err, the
// old file untouched and the temporary file removed.
static int replace_file(const char *target, const struct stat *old, const char *text, size_t len,
			char *err, size_t errlen)
{
	char tmp[PATH_MAX + 16], dir[PATH_MAX];
	const char *what = "write";
	int fd, rc;

	snprintf(tmp, sizeof tmp, "%s.XXXXXX", target);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		dir_of(target, dir, sizeof dir);
		snprintf(err, errlen, "cannot write in %s: %s", dir, strerror(errno));
		return -1;
	}
	rc = keep_owner_mode(fd, old, &what);
	if (rc == 0) {
		what = "write";
		rc = write_all(fd, text, len);
	}
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, target) < 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		snprintf(err, errlen, "cannot %s %s: %s", what, target, strerror(-rc));
		return -1;
	}
	return 0;
}

// Says why the old rc file could not be read; W does not replace a file it
// could not keep the contents of.
static void read_error(const char *target, int rc, char *err, size_t errlen)
{
	if (rc == -EFBIG)
		snprintf(err, errlen, "cannot write %s: file too large (over 64 KiB)", target);
	else if (rc == -EISDIR)
		snprintf(err, errlen, "cannot write %s: %s", target, strerror(EISDIR));
	else if (rc == -EINVAL)
		snprintf(err, errlen, "cannot write %s: not a regular file", target);
	else
		snprintf(err, errlen, "cannot read %s: %s", target, strerror(-rc));
}

int config_write_rc(const struct rc_settings *s, char *path, size_t pathlen, char *err,
		    size_t errlen)
{
	char dir[PATH_MAX], target[PATH_MAX], *old = NULL, *text;
	size_t oldlen = 0, len = 0, cap;
	const char *why;
	struct stat st;
	int rc, exists;

	if (config_dir(dir, sizeof dir) < 0 || config_rc_path(path, pathlen) < 0) {
		snprintf(err, errlen, "no place for settings: set HOME or XDG_CONFIG_HOME");
		return -1;
	}
	rc = make_dirs(dir);
	if (rc < 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(-rc));
		return -1;
	}
	exists = resolve_links(path, target, &st, err, errlen);
	if (exists < 0)
		return -1;
	if (exists && (rc = read_file(target, &old, &oldlen)) < 0) {
		read_error(target, rc, err, errlen);
		return -1;
	}
	// Room for the old text, every key appended and every value grown.
	cap = oldlen + 4096;
	text = malloc(cap);
	why = !text ? strerror(ENOMEM) : rc_update(old ? old : "", oldlen, s, text, cap, &len);
	free(old);
	if (!why && len > CONFIG_FILE_MAX)
		why = "it would be over 64 KiB";
	rc = why ? -1 : replace_file(target, exists ? &st : NULL, text, len, err, errlen);
	if (why)
		snprintf(err, errlen, "cannot write %s: %s", target, why);
	free(text);
	return rc;
}

/* ---- themes ------------------------------------------------------------- */

// Ignores problems: the built-in themes are checked by the unit tests.
static void ignore(void *ctx, unsigned line, const char *reason)
{
	(void)ctx, (void)line, (void)reason;
}

void config_builtin_theme(struct theme *t, bool mono)
{
	*t = (struct theme){ 0 };
	theme_parse(builtin_theme_default, strlen(builtin_theme_default), t, ignore, NULL);
	if (mono)
		theme_parse(builtin_theme_mono, strlen(builtin_theme_mono), t, ignore, NULL);
}

// The directory of the running executable.
static int exe_dir(char *out, size_t cap)
{
	char exe[PATH_MAX];

	if (procfs_self_exe(exe, sizeof exe) <= 0)
		return -1;
	return snprintf(out, cap, "%s", dirname(exe)) < (int)cap ? 0 : -1;
}

// Adds dir to the list when it is a directory not already listed.
static void add_dir(char dirs[CONFIG_THEME_DIRS][PATH_MAX], int *n, const char *dir)
{
	char real[PATH_MAX];
	struct stat st;

	if (*n >= CONFIG_THEME_DIRS || !realpath(dir, real) || stat(real, &st) < 0 ||
	    !S_ISDIR(st.st_mode))
		return;
	for (int i = 0; i < *n; i++)
		if (strcmp(dirs[i], real) == 0)
			return;
	snprintf(dirs[(*n)++], PATH_MAX, "%s", real);
}

int config_theme_dirs(char dirs[CONFIG_THEME_DIRS][PATH_MAX])
{
	char base[PATH_MAX], dir[PATH_MAX + 32];
	int n = 0;

	if (config_dir(base, sizeof base) == 0) {
		snprintf(dir, sizeof dir, "%s/themes", base);
		add_dir(dirs, &n, dir);
	}
	if (exe_dir(base, sizeof base) == 0) {
		// PREFIX/bin/memtop → PREFIX/share/memtop/themes, wherever PREFIX
		// (and DESTDIR) put it.
		snprintf(dir, sizeof dir, "%s/../share/memtop/themes", base);
		add_dir(dirs, &n, dir);
	}
	add_dir(dirs, &n, MEMTOP_DATADIR "/themes");
	if (exe_dir(base, sizeof base) == 0) {
		snprintf(dir, sizeof dir, "%s/themes", base);
		add_dir(dirs, &n, dir);
	}
	return n;
}

// Finds a theme file: a name with a '/' is a path; a name is looked up as
// NAME.theme in the theme folders. 0, or -1 when not found.
static int find_theme(const char *name, char *path, size_t pathlen)
{
	char dirs[CONFIG_THEME_DIRS][PATH_MAX];
	int n = config_theme_dirs(dirs);

	if (strchr(name, '/')) {
		snprintf(path, pathlen, "%s", name);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, pathlen, "%s/%s.theme", dirs[i], name);
		if (access(path, F_OK) == 0)
			return 0;
	}
	return -1;
}

int config_load_theme(const char *name, struct theme *t, char *path, size_t pathlen,
		      struct config_report *rep)
{
	bool mono = strcmp(name, "mono") == 0;
	char *buf;
	size_t len;
	int rc;

	config_builtin_theme(t, mono);
	rep->path = name;
	if (find_theme(name, path, pathlen) < 0) {
		snprintf(path, pathlen, "(built-in)");
		if (mono || strcmp(name, "default") == 0)
			return 0;
		report(rep, 0, "no such theme (see memtop --list-themes); using the default");
		return -1;
	}
	rep->path = path;
	rc = read_file(path, &buf, &len);
	if (rc < 0) {
		report_errno(rep, rc);
		return -1;
	}
	theme_parse(buf, len, t, report, rep);
	free(buf);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

// Adds a name to the list unless it is there or the list is full.
static void add_name(char names[CONFIG_THEMES_MAX][64], int *n, const char *name, size_t len)
{
	if (*n >= CONFIG_THEMES_MAX || len == 0 || len >= 64)
		return;
	for (int i = 0; i < *n; i++)
		if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
			return;
	memcpy(names[*n], name, len);
	names[(*n)++][len] = '\0';
}

int config_list_themes(char names[CONFIG_THEMES_MAX][64])
{
	char dirs[CONFIG_THEME_DIRS][PATH_MAX];
	int ndirs = config_theme_dirs(dirs), n = 0;

	add_name(names, &n, "default", 7);
	add_name(names, &n, "mono", 4);
	for (int i = 0; i < ndirs; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d))) {
			size_t len = strlen(e->d_name);
			struct stat st;

			if (len <= 6 || strcmp(e->d_name + len - 6, ".theme") != 0 ||
			    fstatat(dirfd(d), e->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode))
				continue;
			add_name(names, &n, e->d_name, len - 6);
		}
		closedir(d);
	}
	qsort(names, (size_t)n, sizeof names[0], compare_names);
	return n;
}
