/* test_config.c — memtop's files on disk: the rc path, writing the rc file
 * atomically and reading it back, writing it through symbolic links with its
 * lines, mode and owner kept, "PATH:LINE: reason" reports, and finding,
 * loading, refusing and listing theme files. Each test runs with
 * XDG_CONFIG_HOME set to a fresh temporary directory, removed afterwards. */
#include "fixture.h"

#include <dirent.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/columns.h"
#include "conf/config.h"
#include "model/proctable.h"

// The temporary XDG_CONFIG_HOME and the environment to restore.
struct env {
	char dir[PATH_MAX];
	char *old_home, *old_xdg;
};

static char *dup_env(const char *name)
{
	const char *v = getenv(name);

	return v ? strdup(v) : NULL;
}

static void restore_env(const char *name, const char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	char tmpl[] = "/tmp/memtop-test-config-XXXXXX";

	if (!e || !mkdtemp(tmpl)) {
		free(e);
		return -1;
	}
	// The real path, so it compares equal to what config_theme_dirs resolves.
	if (!realpath(tmpl, e->dir)) {
		rmdir(tmpl);
		free(e);
		return -1;
	}
	e->old_home = dup_env("HOME");
	e->old_xdg = dup_env("XDG_CONFIG_HOME");
	setenv("XDG_CONFIG_HOME", e->dir, 1);
	*state = e;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct env *e = *state;
	int rc = nftw(e->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);

	restore_env("HOME", e->old_home);
	restore_env("XDG_CONFIG_HOME", e->old_xdg);
	free(e->old_home);
	free(e->old_xdg);
	free(e);
	return rc;
}

// Formats a path into out (PATH_MAX bytes).
__attribute__((format(printf, 2, 3))) static void path_fmt(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && n < PATH_MAX);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		fail_msg("cannot create %s: %s", path, strerror(errno));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0)
		fail_msg("mkdir %s: %s", path, strerror(errno));
}

// Reads a whole file into a NUL-terminated string.
static char *slurp(const char *path)
{
	size_t len;
	char *exact = fixture_read(path, &len);
	char *s = malloc(len + 1);

	assert_non_null(s);
	memcpy(s, exact, len);
	s[len] = '\0';
	free(exact);
	return s;
}

// The names in dir (without . and ..), sorted and joined by spaces.
static void list_dir(const char *dir, char *out, size_t cap)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	if (n < 0)
		fail_msg("scandir %s: %s", dir, strerror(errno));
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, ".."))
			snprintf(out + strlen(out), cap - strlen(out), "%s%s", out[0] ? " " : "",
				 names[i]->d_name);
		free(names[i]);
	}
	free(names);
}

static bool settings_equal(const struct rc_settings *a, const struct rc_settings *b)
{
	return a->have == b->have && a->interval_s == b->interval_s &&
	       a->sort_key == b->sort_key && a->descending == b->descending &&
	       strcmp(a->theme, b->theme) == 0 && a->columns == b->columns &&
	       a->sensitivity == b->sensitivity && a->readonly == b->readonly;
}

static bool style_equal(const struct theme_style *a, const struct theme_style *b)
{
	return a->fg.kind == b->fg.kind && a->fg.value == b->fg.value &&
	       a->bg.kind == b->bg.kind && a->bg.value == b->bg.value && a->attrs == b->attrs;
}

static void assert_themes_equal(const struct theme *a, const struct theme *b, const char *what)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if (!style_equal(&a->role[r], &b->role[r]))
			fail_msg("%s: role %s differs", what, theme_role_key((enum ui_role)r));
}

static const struct rc_settings sample = {
	.have = RC_HAVE_INTERVAL | RC_HAVE_SORT | RC_HAVE_ORDER | RC_HAVE_THEME |
		RC_HAVE_COLUMNS | RC_HAVE_SENSITIVITY | RC_HAVE_READONLY,
	.readonly = true,
	.interval_s = 2.5, .sort_key = SORT_SWAP, .descending = true,
	.theme = "/somewhere/my theme.theme",
	.columns = COLUMN_BIT(COL_PID) | COLUMN_BIT(COL_SWAP) | COLUMN_BIT(COL_COMMAND),
	.sensitivity = LEAK_SENS_HIGH,
};

/* ---- the rc file --------------------------------------------------------- */

// The rc lives in $XDG_CONFIG_HOME/memtop, else ~/.config/memtop; nowhere without either.
static void test_rc_path(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX], want[PATH_MAX];

	assert_int_equal(config_rc_path(path, sizeof path), 0);
	path_fmt(want, "%s/memtop/memtoprc", e->dir);
	assert_string_equal(path, want);
	// A relative XDG_CONFIG_HOME is ignored, as XDG says.
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	setenv("HOME", "/home/someone", 1);
	assert_int_equal(config_rc_path(path, sizeof path), 0);
	assert_string_equal(path, "/home/someone/.config/memtop/memtoprc");
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(config_rc_path(path, sizeof path), 0);
	assert_string_equal(path, "/home/someone/.config/memtop/memtoprc");
	setenv("HOME", "", 1);
	assert_int_equal(config_rc_path(path, sizeof path), -1);
	unsetenv("HOME");
	assert_int_equal(config_rc_path(path, sizeof path), -1);
	// Too small a buffer is an error, not a truncated path.
	setenv("XDG_CONFIG_HOME", e->dir, 1);
	assert_int_equal(config_rc_path(path, strlen(want)), -1);
}

// Written settings read back the same, with nothing reported.
static void test_write_then_load(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX], want[PATH_MAX], err[512] = "";
	struct rc_settings back;
	struct config_report rep = { 0 };

	assert_int_equal(config_write_rc(&sample, path, sizeof path, err, sizeof err), 0);
	path_fmt(want, "%s/memtop/memtoprc", e->dir);
	assert_string_equal(path, want);
	assert_int_equal(config_load_rc(&back, &rep), 1);
	assert_int_equal(rep.count, 0);
	assert_true(settings_equal(&sample, &back));
}

// The file holds exactly rc_format's text, mode 0644, in a new 0700 directory,
// with no temporary file left; writing again replaces it whole.
static void test_written_file_complete(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX], dir[PATH_MAX], err[512], text[2048], names[512];
	struct rc_settings other = sample;
	struct stat st;
	char *got;

	assert_true(rc_format(&sample, text, sizeof text) > 0);
	assert_int_equal(config_write_rc(&sample, path, sizeof path, err, sizeof err), 0);
	got = slurp(path);
	assert_string_equal(got, text);
	free(got);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	path_fmt(dir, "%s/memtop", e->dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	list_dir(dir, names, sizeof names);
	assert_string_equal(names, "memtoprc");

	other.interval_s = 10;
	other.sort_key = SORT_PID;
	other.have &= ~RC_HAVE_THEME;
	other.theme[0] = '\0';
	assert_true(rc_format(&other, text, sizeof text) > 0);
	assert_int_equal(config_write_rc(&other, path, sizeof path, err, sizeof err), 0);
	got = slurp(path);
	assert_string_equal(got, text);
	free(got);
	list_dir(dir, names, sizeof names);
	assert_string_equal(names, "memtoprc");
}

// A regular file where the config directory should be: an error, and nothing written.
static void test_write_fails_when_dir_is_a_file(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX], file[PATH_MAX], err[512] = "", names[512];
	char *got;

	path_fmt(file, "%s/memtop", e->dir);
	write_file(file, "not a directory\n", 16);
	assert_int_equal(config_write_rc(&sample, path, sizeof path, err, sizeof err), -1);
	if (!strstr(err, file) || !strstr(err, strerror(ENOTDIR)))
		fail_msg("unhelpful error: '%s'", err);
	list_dir(e->dir, names, sizeof names);
	assert_string_equal(names, "memtop");
	got = slurp(file);
	assert_string_equal(got, "not a directory\n");
	free(got);

	// XDG_CONFIG_HOME itself a file: the directory cannot be created.
	setenv("XDG_CONFIG_HOME", file, 1);
	err[0] = '\0';
	assert_int_equal(config_write_rc(&sample, path, sizeof path, err, sizeof err), -1);
	if (!strstr(err, "cannot create") || !strstr(err, file))
		fail_msg("unhelpful error: '%s'", err);
	list_dir(e->dir, names, sizeof names);
	assert_string_equal(names, "memtop");
}

// A directory in the rc's place: an error naming it, and no temporary file left.
static void test_write_fails_cleanly_on_rename(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX], dir[PATH_MAX], rcdir[PATH_MAX], err[512] = "", names[512];

	path_fmt(dir, "%s/memtop", e->dir);
	path_fmt(rcdir, "%s/memtop/memtoprc", e->dir);
	make_dir(dir);
	make_dir(rcdir);
	assert_int_equal(config_write_rc(&sample, path, sizeof path, err, sizeof err), -1);
	if (!strstr(err, "cannot write") || !strstr(err, rcdir))
		fail_msg("unhelpful error: '%s'", err);
	list_dir(dir, names, sizeof names);
	assert_string_equal(names, "memtoprc");
}

// Neither XDG_CONFIG_HOME nor HOME: nowhere to write, said so.
static void test_write_without_home(void **state)
{
	char path[PATH_MAX], err[512] = "";

	(void)state;
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_int_equal(config_write_rc(&sample, path, sizeof path, err, sizeof err), -1);
	assert_non_null(strstr(err, "no place for settings"));
}

// No rc file: 0, nothing reported, nothing set, the defaults in place.
static void test_load_rc_missing(void **state)
{
	struct rc_settings s;
	struct config_report rep = { 0 };

	(void)state;
	memset(&s, 0x5a, sizeof s);
	assert_int_equal(config_load_rc(&s, &rep), 0);
	assert_int_equal(rep.count, 0);
	assert_int_equal(s.have, 0);
	assert_int_equal(s.sort_key, SORT_RSS);
	assert_int_equal(s.columns, COLUMNS_DEFAULT);
}

// Writes text as the rc file; its path goes to path.
static void write_rc(const struct env *e, const char *text, size_t len, char *path)
{
	char dir[PATH_MAX];

	path_fmt(dir, "%s/memtop", e->dir);
	make_dir(dir);
	path_fmt(path, "%s/memtoprc", dir);
	write_file(path, text, len);
}

// Problems come out as "memtop: PATH:LINE: reason", once each; good lines still apply.
static void test_load_rc_reports_path_and_line(void **state)
{
	static const char text[] = "interval = 0\nsort = pid\nbogus\ntheme = light\n";
	struct env *e = *state;
	char path[PATH_MAX], want[3 * PATH_MAX], first[2 * PATH_MAX];
	struct rc_settings s;
	struct capture cap;
	struct config_report rep = { 0 };

	write_rc(e, text, sizeof text - 1, path);
	capture_open(&cap);
	rep.echo = cap.f;
	assert_int_equal(config_load_rc(&s, &rep), 1);
	capture_close(&cap);
	snprintf(want, sizeof want,
		 "memtop: %s:1: interval 0 out of range: 0.1 to 86400 seconds\n"
		 "memtop: %s:3: expected 'key = value'\n", path, path);
	assert_string_equal(cap.text, want);
	capture_free(&cap);
	assert_int_equal(rep.count, 2);
	snprintf(first, sizeof first, "%s:1: interval 0 out of range: 0.1 to 86400 seconds", path);
	assert_string_equal(rep.first, first);
	assert_int_equal(s.have, RC_HAVE_SORT | RC_HAVE_THEME);
	assert_int_equal(s.sort_key, SORT_PID);
	assert_string_equal(s.theme, "light");
}

// Past ten problems the echo says "more problems not shown" once, but all are counted.
static void test_load_rc_echo_capped(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX], text[256] = "", want[16 * PATH_MAX] = "";
	struct rc_settings s;
	struct capture cap;
	struct config_report rep = { 0 };

	for (int i = 0; i < 12; i++)
		strcat(text, "bogus\n");
	write_rc(e, text, strlen(text), path);
	for (int i = 1; i <= 10; i++)
		snprintf(want + strlen(want), sizeof want - strlen(want),
			 "memtop: %s:%d: expected 'key = value'\n", path, i);
	snprintf(want + strlen(want), sizeof want - strlen(want),
		 "memtop: %s: more problems not shown\n", path);
	capture_open(&cap);
	rep.echo = cap.f;
	assert_int_equal(config_load_rc(&s, &rep), 1);
	capture_close(&cap);
	assert_string_equal(cap.text, want);
	capture_free(&cap);
	assert_int_equal(rep.count, 12);
}

// An rc that is a directory, or over 64 KiB, is refused with a message; the defaults stay.
static void test_load_rc_unreadable(void **state)
{
	struct env *e = *state;
	char dir[PATH_MAX], path[PATH_MAX], want[2 * PATH_MAX];
	struct rc_settings s;
	struct capture cap;
	struct config_report rep = { 0 };
	char *big;

	path_fmt(dir, "%s/memtop", e->dir);
	path_fmt(path, "%s/memtoprc", dir);
	make_dir(dir);
	make_dir(path);
	capture_open(&cap);
	rep.echo = cap.f;
	assert_int_equal(config_load_rc(&s, &rep), -1);
	capture_close(&cap);
	snprintf(want, sizeof want, "memtop: %s: %s\n", path, strerror(EISDIR));
	assert_string_equal(cap.text, want);
	capture_free(&cap);
	assert_int_equal(rep.count, 1);
	assert_int_equal(s.have, 0);
	assert_int_equal(s.sort_key, SORT_RSS);
	assert_int_equal(rmdir(path), 0);

	// Over 64 KiB: comment lines, then a setting that must not apply.
	big = malloc(CONFIG_FILE_MAX + 64);
	assert_non_null(big);
	memset(big, '\n', CONFIG_FILE_MAX + 64);
	for (size_t i = 0; i + 100 < CONFIG_FILE_MAX; i += 100)
		big[i] = '#';
	memcpy(big + CONFIG_FILE_MAX - 12, "sort = pid\n", 11);
	write_file(path, big, CONFIG_FILE_MAX + 1);
	memset(&rep, 0, sizeof rep);
	capture_open(&cap);
	rep.echo = cap.f;
	assert_int_equal(config_load_rc(&s, &rep), -1);
	capture_close(&cap);
	snprintf(want, sizeof want, "memtop: %s: file too large (over 64 KiB)\n", path);
	assert_string_equal(cap.text, want);
	capture_free(&cap);
	assert_int_equal(s.have, 0);

	// Exactly 64 KiB is still read.
	write_file(path, big, CONFIG_FILE_MAX);
	memset(&rep, 0, sizeof rep);
	assert_int_equal(config_load_rc(&s, &rep), 1);
	assert_int_equal(rep.count, 0);
	assert_int_equal(s.have, RC_HAVE_SORT);
	assert_int_equal(s.sort_key, SORT_PID);
	free(big);
}

/* ---- W through links, keeping the file's lines, mode and owner ------------ */

#define NOBODY 65534               // the uid and gid the root-only tests give files to

// The settings rc/hand_edited.written holds (test_rc.c tests the text itself).
static const struct rc_settings edited = {
	.have = RC_HAVE_INTERVAL | RC_HAVE_SORT | RC_HAVE_ORDER | RC_HAVE_THEME |
		RC_HAVE_COLUMNS | RC_HAVE_SENSITIVITY | RC_HAVE_READONLY,
	.interval_s = 2.5, .sort_key = SORT_GROWTH, .descending = true, .theme = "dracula",
	.columns = COLUMN_BIT(COL_PID) | COLUMN_BIT(COL_RSS) | COLUMN_BIT(COL_DELTA) |
		   COLUMN_BIT(COL_COMMAND),
	.sensitivity = LEAK_SENS_HIGH,
};

static void make_link(const char *target, const char *link)
{
	if (symlink(target, link) < 0)
		fail_msg("symlink %s -> %s: %s", link, target, strerror(errno));
}

// Copies fixture rel to path.
static void put_fixture(const char *rel, const char *path)
{
	size_t len;
	char *text = fixture_read(rel, &len);

	write_file(path, text, len);
	free(text);
}

// Fails unless the file at path holds exactly fixture rel.
static void assert_file_is_fixture(const char *path, const char *rel)
{
	size_t len, wantlen;
	char *got = fixture_read(path, &len), *want = fixture_read(rel, &wantlen);

	if (len != wantlen || memcmp(got, want, len) != 0)
		fail_msg("%s:\n%.*s\nwant %s:\n%.*s", path, (int)len, got, rel, (int)wantlen, want);
	free(got);
	free(want);
}

// Fails unless link is still a symbolic link holding target.
static void assert_link(const char *link, const char *target)
{
	char got[PATH_MAX];
	ssize_t n = readlink(link, got, sizeof got - 1);

	if (n < 0)
		fail_msg("%s is no longer a symbolic link: %s", link, strerror(errno));
	got[n] = '\0';
	assert_string_equal(got, target);
}

// Fails unless dir holds exactly names (sorted, space-separated).
static void assert_dir(const char *dir, const char *names)
{
	char got[1024];

	list_dir(dir, got, sizeof got);
	if (strcmp(got, names) != 0)
		fail_msg("%s holds '%s', want '%s'", dir, got, names);
}

// Makes $XDG_CONFIG_HOME/NAME for each name given (NULL-terminated).
static void make_dirs_in(const struct env *e, ...)
{
	char dir[PATH_MAX];
	const char *name;
	va_list ap;

	va_start(ap, e);
	while ((name = va_arg(ap, const char *))) {
		path_fmt(dir, "%s/%s", e->dir, name);
		make_dir(dir);
	}
	va_end(ap);
}

// W with the hand-edited settings; fails unless it succeeds.
static void write_edited(void)
{
	char path[PATH_MAX], err[2 * PATH_MAX] = "";

	if (config_write_rc(&edited, path, sizeof path, err, sizeof err) < 0)
		fail_msg("config_write_rc: %s", err);
}

// W rewrites a hand-edited rc in place: every comment, blank line, unknown
// key, bad line and repeat where it was, byte for byte, the values changed
// and the missing keys added; nothing else left in the folder.
static void test_write_keeps_hand_edits(void **state)
{
	struct env *e = *state;
	char dir[PATH_MAX], path[PATH_MAX];

	make_dirs_in(e, "memtop", NULL);
	path_fmt(dir, "%s/memtop", e->dir);
	path_fmt(path, "%s/memtoprc", dir);
	put_fixture("rc/hand_edited.memtoprc", path);
	write_edited();
	assert_file_is_fixture(path, "rc/hand_edited.written");
	assert_dir(dir, "memtoprc");
	write_edited();                  // again: the same bytes
	assert_file_is_fixture(path, "rc/hand_edited.written");
}

// Writes through the link at memtop/memtoprc to the file target (its text
// put there first); fails unless the link is kept, the target updated and
// neither folder left with a temporary file.
static void check_write_through(const struct env *e, const char *link_text, const char *target,
				const char *target_dir_names)
{
	char rc[PATH_MAX], dir[PATH_MAX], tdir[PATH_MAX], path[PATH_MAX], err[2 * PATH_MAX] = "";

	path_fmt(dir, "%s/memtop", e->dir);
	path_fmt(rc, "%s/memtoprc", dir);
	put_fixture("rc/hand_edited.memtoprc", target);
	if (config_write_rc(&edited, path, sizeof path, err, sizeof err) < 0)
		fail_msg("config_write_rc: %s", err);
	assert_string_equal(path, rc);
	assert_link(rc, link_text);
	assert_file_is_fixture(target, "rc/hand_edited.written");
	snprintf(tdir, sizeof tdir, "%s", target);
	*strrchr(tdir, '/') = '\0';
	assert_dir(tdir, target_dir_names);
	assert_int_equal(unlink(rc), 0);
}

// A memtoprc that is a symbolic link (a dotfiles manager's) is written
// through to its target and stays a link: relative and absolute targets, a
// target in another folder, a chain of two links across folders.
static void test_write_through_links(void **state)
{
	struct env *e = *state;
	char rc[PATH_MAX], target[PATH_MAX], middle[PATH_MAX];

	make_dirs_in(e, "memtop", "dotfiles", "links", NULL);
	path_fmt(rc, "%s/memtop/memtoprc", e->dir);

	path_fmt(target, "%s/dotfiles/relative", e->dir);
	make_link("../dotfiles/relative", rc);
	check_write_through(e, "../dotfiles/relative", target, "relative");

	path_fmt(target, "%s/dotfiles/absolute", e->dir);
	make_link(target, rc);
	check_write_through(e, target, target, "absolute relative");

	// In the same folder as the link.
	path_fmt(target, "%s/memtop/memtoprc.real", e->dir);
	make_link("memtoprc.real", rc);
	check_write_through(e, "memtoprc.real", target, "memtoprc memtoprc.real");

	// memtoprc -> ../links/middle -> ../dotfiles/chained: the second link is
	// relative to its own folder, not to memtoprc's.
	path_fmt(middle, "%s/links/middle", e->dir);
	path_fmt(target, "%s/dotfiles/chained", e->dir);
	make_link("../dotfiles/chained", middle);
	make_link("../links/middle", rc);
	check_write_through(e, "../links/middle", target, "absolute chained relative");
	assert_link(middle, "../dotfiles/chained");
}

// A dangling link: its target is created when its folder exists, and the
// link kept; when the folder does not, a clear error and nothing created.
static void test_write_dangling_link(void **state)
{
	struct env *e = *state;
	char rc[PATH_MAX], target[PATH_MAX], path[PATH_MAX], err[2 * PATH_MAX] = "", text[2048];
	struct stat st;
	mode_t old_mask = umask(022);
	char *got;

	make_dirs_in(e, "memtop", "dotfiles", NULL);
	path_fmt(rc, "%s/memtop/memtoprc", e->dir);
	path_fmt(target, "%s/dotfiles/new", e->dir);
	make_link("../dotfiles/new", rc);
	write_edited();
	assert_link(rc, "../dotfiles/new");
	assert_true(rc_format(&edited, text, sizeof text) > 0);
	got = slurp(target);
	assert_string_equal(got, text);
	free(got);
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(unlink(rc), 0);

	make_link("../nowhere/memtoprc", rc);
	assert_int_equal(config_write_rc(&edited, path, sizeof path, err, sizeof err), -1);
	if (!strstr(err, rc) || !strstr(err, "nowhere/memtoprc") || !strstr(err, "does not exist"))
		fail_msg("unhelpful error: '%s'", err);
	assert_link(rc, "../nowhere/memtoprc");
	assert_dir(e->dir, "dotfiles memtop");
	path_fmt(path, "%s/memtop", e->dir);
	assert_dir(path, "memtoprc");
	umask(old_mask);
}

// Links in a loop: an error saying so (ELOOP), and the links left alone.
static void test_write_link_loop(void **state)
{
	struct env *e = *state;
	char dir[PATH_MAX], rc[PATH_MAX], other[PATH_MAX], path[PATH_MAX], err[2 * PATH_MAX] = "";

	make_dirs_in(e, "memtop", NULL);
	path_fmt(dir, "%s/memtop", e->dir);
	path_fmt(rc, "%s/memtoprc", dir);
	path_fmt(other, "%s/other", dir);
	make_link("other", rc);
	make_link("memtoprc", other);
	assert_int_equal(config_write_rc(&edited, path, sizeof path, err, sizeof err), -1);
	if (!strstr(err, rc) || !strstr(err, strerror(ELOOP)))
		fail_msg("unhelpful error: '%s'", err);
	assert_link(rc, "other");
	assert_link(other, "memtoprc");
	assert_dir(dir, "memtoprc other");

	// A link to itself.
	assert_int_equal(unlink(rc), 0);
	assert_int_equal(unlink(other), 0);
	make_link("memtoprc", rc);
	err[0] = '\0';
	assert_int_equal(config_write_rc(&edited, path, sizeof path, err, sizeof err), -1);
	if (!strstr(err, strerror(ELOOP)))
		fail_msg("unhelpful error: '%s'", err);
	assert_link(rc, "memtoprc");
	assert_dir(dir, "memtoprc");
}

// W keeps the rc's mode (0600, 0640), through a link too; a new rc gets
// 0644 under the umask.
static void test_write_keeps_mode(void **state)
{
	static const mode_t modes[] = { 0600, 0640, 0604 };
	struct env *e = *state;
	char dir[PATH_MAX], rc[PATH_MAX], target[PATH_MAX];
	mode_t old_mask = umask(022);
	struct stat st;

	make_dirs_in(e, "memtop", "dotfiles", NULL);
	path_fmt(dir, "%s/memtop", e->dir);
	path_fmt(rc, "%s/memtoprc", dir);
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		put_fixture("rc/hand_edited.memtoprc", rc);
		assert_int_equal(chmod(rc, modes[i]), 0);
		write_edited();
		assert_int_equal(stat(rc, &st), 0);
		if ((st.st_mode & 07777) != modes[i])
			fail_msg("mode %04o became %04o", (unsigned)modes[i], (unsigned)(st.st_mode & 07777));
		assert_file_is_fixture(rc, "rc/hand_edited.written");
	}
	assert_int_equal(unlink(rc), 0);

	path_fmt(target, "%s/dotfiles/memtoprc", e->dir);
	put_fixture("rc/hand_edited.memtoprc", target);
	assert_int_equal(chmod(target, 0600), 0);
	make_link("../dotfiles/memtoprc", rc);
	write_edited();
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(unlink(rc), 0);

	// A new file: 0644 under the umask.
	umask(077);
	write_edited();
	assert_int_equal(stat(rc, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(unlink(rc), 0);
	umask(022);
	write_edited();
	assert_int_equal(stat(rc, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	umask(old_mask);
}

// Runs W (the hand-edited settings) as uid and gid NOBODY in a child when
// root, else as the caller: 0 or -1, the reason in err.
static int write_as_nobody(char *err, size_t errlen)
{
	char path[PATH_MAX];
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	err[0] = '\0';
	if (geteuid() != 0)
		return config_write_rc(&edited, path, sizeof path, err, errlen);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int rc;

		close(fds[0]);
		if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
			_exit(2);
		rc = config_write_rc(&edited, path, sizeof path, err, errlen);
		if (write(fds[1], err, strlen(err)) < 0)
			_exit(3);
		_exit(rc == 0 ? 0 : 1);
	}
	close(fds[1]);
	n = read(fds[0], err, errlen - 1);
	err[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
		fail_msg("the child as uid %d failed (status %#x)", NOBODY, (unsigned)status);
	return WEXITSTATUS(status) ? -1 : 0;
}

// Gives path to uid and gid, failing the test when it cannot.
static void give(const char *path, uid_t uid, gid_t gid)
{
	if (lchown(path, uid, gid) < 0)
		fail_msg("chown %s: %s", path, strerror(errno));
}

// W keeps the rc's owner and group: as root, a file given to another user
// stays theirs; that user's own W keeps a group they are not in only as far
// as they may (the file stays theirs); a file owned by someone else is
// refused rather than taken over.
static void test_write_keeps_owner(void **state)
{
	struct env *e = *state;
	char dir[PATH_MAX], rc[PATH_MAX], err[2 * PATH_MAX];
	struct stat st;

	if (geteuid() != 0)
		skip();          // only root can give a file away
	make_dirs_in(e, "memtop", NULL);
	path_fmt(dir, "%s/memtop", e->dir);
	path_fmt(rc, "%s/memtoprc", dir);
	put_fixture("rc/hand_edited.memtoprc", rc);
	give(rc, NOBODY, NOBODY);
	assert_int_equal(chmod(rc, 0640), 0);
	write_edited();
	assert_int_equal(stat(rc, &st), 0);
	assert_int_equal(st.st_uid, NOBODY);
	assert_int_equal(st.st_gid, NOBODY);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_file_is_fixture(rc, "rc/hand_edited.written");

	// The user's own W: the folder and file are theirs, the group is not.
	assert_int_equal(chmod(e->dir, 0755), 0);
	give(dir, NOBODY, NOBODY);
	put_fixture("rc/hand_edited.memtoprc", rc);
	assert_int_equal(chmod(rc, 0644), 0);
	give(rc, NOBODY, 0);
	if (write_as_nobody(err, sizeof err) < 0)
		fail_msg("W as the file's owner: %s", err);
	assert_int_equal(stat(rc, &st), 0);
	assert_int_equal(st.st_uid, NOBODY);
	assert_file_is_fixture(rc, "rc/hand_edited.written");

	// A file of root's in the user's folder: not taken over.
	put_fixture("rc/hand_edited.memtoprc", rc);
	give(rc, 0, 0);
	assert_int_equal(write_as_nobody(err, sizeof err), -1);
	if (!strstr(err, "owner") || !strstr(err, rc) || !strstr(err, strerror(EPERM)))
		fail_msg("unhelpful error: '%s'", err);
	assert_int_equal(stat(rc, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_file_is_fixture(rc, "rc/hand_edited.memtoprc");
	assert_dir(dir, "memtoprc");
}

// A folder W cannot write in (the rc's own, or a link's target's): an
// error, the old file as it was, no temporary file; the temporary file goes
// beside the target, never beside the link.
static void test_write_read_only_dir(void **state)
{
	struct env *e = *state;
	char dir[PATH_MAX], dots[PATH_MAX], rc[PATH_MAX], target[PATH_MAX], err[2 * PATH_MAX];

	make_dirs_in(e, "memtop", "dotfiles", NULL);
	path_fmt(dir, "%s/memtop", e->dir);
	path_fmt(dots, "%s/dotfiles", e->dir);
	path_fmt(rc, "%s/memtoprc", dir);
	path_fmt(target, "%s/memtoprc", dots);
	put_fixture("rc/hand_edited.memtoprc", rc);
	put_fixture("rc/hand_edited.memtoprc", target);
	if (geteuid() == 0) {              // the write runs as NOBODY
		assert_int_equal(chmod(e->dir, 0755), 0);
		give(dir, NOBODY, NOBODY);
		give(dots, NOBODY, NOBODY);
		give(rc, NOBODY, NOBODY);
		give(target, NOBODY, NOBODY);
	}
	assert_int_equal(chmod(dir, 0555), 0);
	assert_int_equal(write_as_nobody(err, sizeof err), -1);
	if (!strstr(err, "cannot write in") || !strstr(err, dir) || !strstr(err, strerror(EACCES)))
		fail_msg("unhelpful error: '%s'", err);
	assert_file_is_fixture(rc, "rc/hand_edited.memtoprc");
	assert_dir(dir, "memtoprc");

	// Through a link from a writable folder into a read-only one.
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(unlink(rc), 0);
	make_link("../dotfiles/memtoprc", rc);
	if (geteuid() == 0)
		give(rc, NOBODY, NOBODY);
	assert_int_equal(chmod(dots, 0555), 0);
	assert_int_equal(write_as_nobody(err, sizeof err), -1);
	if (!strstr(err, "cannot write in") || !strstr(err, dots))
		fail_msg("unhelpful error: '%s'", err);
	assert_link(rc, "../dotfiles/memtoprc");
	assert_file_is_fixture(target, "rc/hand_edited.memtoprc");
	assert_dir(dir, "memtoprc");
	assert_dir(dots, "memtoprc");
	assert_int_equal(chmod(dots, 0755), 0);
}

// A write that fails half-way (a full disk; here a file size limit, EFBIG):
// the error said, the old file whole, the temporary file gone.
static void test_write_fails_cleanly_when_full(void **state)
{
	struct env *e = *state;
	char dir[PATH_MAX], rc[PATH_MAX], path[PATH_MAX], err[2 * PATH_MAX] = "", *big, *got;
	struct rlimit old_limit, limit;
	void (*old_handler)(int);
	size_t len, gotlen;
	int rc_write;

	make_dirs_in(e, "memtop", NULL);
	path_fmt(dir, "%s/memtop", e->dir);
	path_fmt(rc, "%s/memtoprc", dir);
	// The hand-edited file after 4 KiB of comments: more than the limit lets through.
	big = fixture_read("rc/hand_edited.memtoprc", &len);
	big = realloc(big, len + 4096);
	assert_non_null(big);
	memmove(big + 4096, big, len);
	memset(big, '#', 4096);
	for (size_t i = 63; i < 4096; i += 64)
		big[i] = '\n';
	write_file(rc, big, len + 4096);

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
	limit = old_limit;
	limit.rlim_cur = 1024;
	old_handler = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &limit), 0);
	rc_write = config_write_rc(&edited, path, sizeof path, err, sizeof err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old_limit), 0);
	signal(SIGXFSZ, old_handler);

	assert_int_equal(rc_write, -1);
	if (!strstr(err, "cannot write") || !strstr(err, rc) || !strstr(err, strerror(EFBIG)))
		fail_msg("unhelpful error: '%s'", err);
	got = fixture_read(rc, &gotlen);
	if (gotlen != len + 4096 || memcmp(got, big, gotlen) != 0)
		fail_msg("the old file changed:\n%.*s", (int)gotlen, got);
	free(got);
	assert_dir(dir, "memtoprc");
	free(big);
}

/* ---- theme files ----------------------------------------------------------- */

// A theme by path: each bad line reported once as PATH:LINE, its role left at the default.
static void test_load_theme_bad_lines(void **state)
{
	static const char text[] = "text = white\n"
				   "selection = purple\n"
				   "meter.used =\n"
				   "leak = red bold\n"
				   "bogus = red\n"
				   "text = black\n";
	struct env *e = *state;
	char path[PATH_MAX], used[PATH_MAX], want[5 * PATH_MAX];
	struct theme t, base;
	struct capture cap;
	struct config_report rep = { 0 };

	path_fmt(path, "%s/bad.theme", e->dir);
	write_file(path, text, sizeof text - 1);
	capture_open(&cap);
	rep.echo = cap.f;
	assert_int_equal(config_load_theme(path, &t, used, sizeof used, &rep), 0);
	capture_close(&cap);
	assert_string_equal(used, path);
	snprintf(want, sizeof want,
		 "memtop: %s:2: unknown colour or attribute 'purple'\n"
		 "memtop: %s:3: missing value after '='\n"
		 "memtop: %s:5: unknown key 'bogus'\n"
		 "memtop: %s:6: role given twice; the first one is kept\n", path, path, path, path);
	assert_string_equal(cap.text, want);
	capture_free(&cap);
	assert_int_equal(rep.count, 4);

	config_builtin_theme(&base, false);
	assert_int_equal(t.role[ROLE_NORMAL].fg.kind, THEME_COLOR_INDEX);
	assert_int_equal(t.role[ROLE_NORMAL].fg.value, 7);
	assert_int_equal(t.role[ROLE_LEAK].fg.value, 1);
	assert_int_equal(t.role[ROLE_LEAK].bg.kind, THEME_COLOR_DEFAULT);
	assert_int_equal(t.role[ROLE_LEAK].attrs, THEME_BOLD);
	assert_true(style_equal(&t.role[ROLE_SELECTION], &base.role[ROLE_SELECTION]));
	assert_true(style_equal(&t.role[ROLE_METER_USED], &base.role[ROLE_METER_USED]));
	assert_true(style_equal(&t.role[ROLE_ALERT], &base.role[ROLE_ALERT]));
}

// A binary theme file is reported once, at the line of its first NUL.
static void test_load_theme_binary(void **state)
{
	static const char text[] = "text = white\nleak = \0\0\0\n\0\0\nalert = red\n";
	struct env *e = *state;
	char path[PATH_MAX], used[PATH_MAX], want[2 * PATH_MAX];
	struct theme t, base;
	struct capture cap;
	struct config_report rep = { 0 };

	path_fmt(path, "%s/binary.theme", e->dir);
	write_file(path, text, sizeof text - 1);
	capture_open(&cap);
	rep.echo = cap.f;
	assert_int_equal(config_load_theme(path, &t, used, sizeof used, &rep), 0);
	capture_close(&cap);
	snprintf(want, sizeof want,
		 "memtop: %s:2: not a text file (binary data or invalid UTF-8); ignoring the rest\n",
		 path);
	assert_string_equal(cap.text, want);
	capture_free(&cap);
	assert_int_equal(rep.count, 1);
	config_builtin_theme(&base, false);
	assert_true(style_equal(&t.role[ROLE_ALERT], &base.role[ROLE_ALERT]));
}

// A theme name found nowhere: -1, "no such theme", and the built-in default.
static void test_load_theme_unknown_name(void **state)
{
	struct env *e = *state;
	char used[PATH_MAX], path[PATH_MAX], want[2 * PATH_MAX];
	struct theme t, base;
	struct capture cap;
	struct config_report rep = { 0 };

	config_builtin_theme(&base, false);
	capture_open(&cap);
	rep.echo = cap.f;
	assert_int_equal(config_load_theme("no-such-theme", &t, used, sizeof used, &rep), -1);
	capture_close(&cap);
	assert_string_equal(cap.text,
			    "memtop: no-such-theme: no such theme (see memtop --list-themes); "
			    "using the default\n");
	capture_free(&cap);
	assert_int_equal(rep.count, 1);
	assert_non_null(strstr(rep.first, "no such theme"));
	assert_string_equal(used, "(built-in)");
	assert_themes_equal(&t, &base, "unknown name");

	// A path that does not exist: the system's reason.
	path_fmt(path, "%s/missing.theme", e->dir);
	memset(&rep, 0, sizeof rep);
	capture_open(&cap);
	rep.echo = cap.f;
	assert_int_equal(config_load_theme(path, &t, used, sizeof used, &rep), -1);
	capture_close(&cap);
	snprintf(want, sizeof want, "memtop: %s: %s\n", path, strerror(ENOENT));
	assert_string_equal(cap.text, want);
	capture_free(&cap);
	assert_themes_equal(&t, &base, "missing path");
}

// default and mono are always there, built in, without a word.
static void test_load_theme_builtins(void **state)
{
	char used[PATH_MAX];
	struct theme t, base;
	struct config_report rep = { 0 };

	(void)state;
	config_builtin_theme(&base, false);
	assert_int_equal(config_load_theme("default", &t, used, sizeof used, &rep), 0);
	assert_int_equal(rep.count, 0);
	assert_themes_equal(&t, &base, "default");
	config_builtin_theme(&base, true);
	assert_int_equal(config_load_theme("mono", &t, used, sizeof used, &rep), 0);
	assert_int_equal(rep.count, 0);
	assert_themes_equal(&t, &base, "mono");
}

// A theme file over 64 KiB is refused with a message; exactly 64 KiB is read.
static void test_load_theme_too_large(void **state)
{
	struct env *e = *state;
	char path[PATH_MAX], used[PATH_MAX], want[2 * PATH_MAX];
	struct theme t, base;
	struct capture cap;
	struct config_report rep = { 0 };
	char *big = malloc(CONFIG_FILE_MAX + 1);

	assert_non_null(big);
	memset(big, '\n', CONFIG_FILE_MAX + 1);
	for (size_t i = 0; i + 80 < CONFIG_FILE_MAX; i += 80)
		big[i] = '#';
	memcpy(big + CONFIG_FILE_MAX - 12, "text = red\n", 11);
	path_fmt(path, "%s/big.theme", e->dir);
	write_file(path, big, CONFIG_FILE_MAX + 1);
	config_builtin_theme(&base, false);
	capture_open(&cap);
	rep.echo = cap.f;
	assert_int_equal(config_load_theme(path, &t, used, sizeof used, &rep), -1);
	capture_close(&cap);
	snprintf(want, sizeof want, "memtop: %s: file too large (over 64 KiB)\n", path);
	assert_string_equal(cap.text, want);
	capture_free(&cap);
	assert_themes_equal(&t, &base, "too large");

	write_file(path, big, CONFIG_FILE_MAX);
	memset(&rep, 0, sizeof rep);
	assert_int_equal(config_load_theme(path, &t, used, sizeof used, &rep), 0);
	assert_int_equal(rep.count, 0);
	assert_int_equal(t.role[ROLE_NORMAL].fg.value, 1);
	free(big);
}

// A directory or a FIFO given as a theme is refused (and a FIFO does not block).
static void test_load_theme_not_a_file(void **state)
{
	struct env *e = *state;
	char used[PATH_MAX], fifo[PATH_MAX], want[2 * PATH_MAX];
	struct theme t, base;
	struct capture cap;
	struct config_report rep = { 0 };

	config_builtin_theme(&base, false);
	capture_open(&cap);
	rep.echo = cap.f;
	assert_int_equal(config_load_theme(e->dir, &t, used, sizeof used, &rep), -1);
	capture_close(&cap);
	snprintf(want, sizeof want, "memtop: %s: %s\n", e->dir, strerror(EISDIR));
	assert_string_equal(cap.text, want);
	capture_free(&cap);
	assert_themes_equal(&t, &base, "directory");

	path_fmt(fifo, "%s/fifo.theme", e->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	memset(&rep, 0, sizeof rep);
	assert_int_equal(config_load_theme(fifo, &t, used, sizeof used, &rep), -1);
	assert_int_equal(rep.count, 1);
	assert_non_null(strstr(rep.first, fifo));
	assert_themes_equal(&t, &base, "fifo");
}

// Creates $XDG_CONFIG_HOME/memtop/themes; its path goes to dir.
static void make_user_themes(const struct env *e, char *dir)
{
	char memtop[PATH_MAX];

	path_fmt(memtop, "%s/memtop", e->dir);
	make_dir(memtop);
	path_fmt(dir, "%s/themes", memtop);
	make_dir(dir);
}

// A theme in the user's folder is found first, over the built-ins too.
static void test_user_theme_found_first(void **state)
{
	struct env *e = *state;
	char dir[PATH_MAX], path[PATH_MAX], used[PATH_MAX];
	char dirs[CONFIG_THEME_DIRS][PATH_MAX];
	struct theme t, base;
	struct config_report rep = { 0 };

	make_user_themes(e, dir);
	assert_true(config_theme_dirs(dirs) >= 1);
	assert_string_equal(dirs[0], dir);

	path_fmt(path, "%s/default.theme", dir);
	write_file(path, "text = red\n", 11);
	assert_int_equal(config_load_theme("default", &t, used, sizeof used, &rep), 0);
	assert_int_equal(rep.count, 0);
	assert_string_equal(used, path);
	assert_int_equal(t.role[ROLE_NORMAL].fg.value, 1);
	config_builtin_theme(&base, false);
	assert_true(style_equal(&t.role[ROLE_SELECTION], &base.role[ROLE_SELECTION]));

	path_fmt(path, "%s/mono.theme", dir);
	write_file(path, "selection = underline\n", 22);
	assert_int_equal(config_load_theme("mono", &t, used, sizeof used, &rep), 0);
	assert_string_equal(used, path);
	assert_int_equal(t.role[ROLE_SELECTION].attrs, THEME_UNDERLINE);
	config_builtin_theme(&base, true);
	assert_true(style_equal(&t.role[ROLE_LEAK], &base.role[ROLE_LEAK]));   // over mono

	path_fmt(path, "%s/mine.theme", dir);
	write_file(path, "leak = blue\n", 12);
	assert_int_equal(config_load_theme("mine", &t, used, sizeof used, &rep), 0);
	assert_string_equal(used, path);
	assert_int_equal(t.role[ROLE_LEAK].fg.value, 4);
	assert_int_equal(rep.count, 0);
}

// The list: default and mono always, the user's themes, sorted, each once, nothing else.
static void test_list_themes(void **state)
{
	static const char *const files[] = {
		"zeta.theme", "alpha.theme", "default.theme", "notes.txt", ".theme",
		"old.theme.bak", "mono.theme",
	};
	struct env *e = *state;
	char names[CONFIG_THEMES_MAX][64], dir[PATH_MAX], path[PATH_MAX];
	int n;
	bool alpha = false, zeta = false, dflt = false, mono = false;

	n = config_list_themes(names);
	assert_true(n >= 2);
	for (int i = 0; i < n; i++) {
		dflt |= strcmp(names[i], "default") == 0;
		mono |= strcmp(names[i], "mono") == 0;
	}
	assert_true(dflt && mono);

	make_user_themes(e, dir);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		path_fmt(path, "%s/%s", dir, files[i]);
		write_file(path, "text = red\n", 11);
	}
	n = config_list_themes(names);
	dflt = mono = false;
	for (int i = 0; i < n; i++) {
		if (i > 0 && strcmp(names[i - 1], names[i]) >= 0)
			fail_msg("not sorted or repeated: '%s' then '%s'", names[i - 1], names[i]);
		alpha |= strcmp(names[i], "alpha") == 0;
		zeta |= strcmp(names[i], "zeta") == 0;
		dflt |= strcmp(names[i], "default") == 0;
		mono |= strcmp(names[i], "mono") == 0;
		if (strstr(names[i], "notes") || strstr(names[i], "old") || !names[i][0] ||
		    strstr(names[i], ".theme"))
			fail_msg("listed '%s'", names[i]);
	}
	assert_true(alpha && zeta && dflt && mono);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rc_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_then_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_written_file_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_fails_when_dir_is_a_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_fails_cleanly_on_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_without_home, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_keeps_hand_edits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_through_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_dangling_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_link_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_keeps_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_keeps_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read_only_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_fails_cleanly_when_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_rc_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_rc_reports_path_and_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_rc_echo_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_rc_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_theme_bad_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_theme_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_theme_unknown_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_theme_builtins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_theme_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_theme_not_a_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_theme_found_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_themes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
