/* config.h — memtop's files: the rc file and theme files, where they live,
 * reading them (bounded) and writing the rc file atomically. The I/O half of
 * rc.c and theme.c.
 *
 * Contract: problems in a file are reported as "PATH:LINE: reason" through a
 * struct config_report, each once; loading never fails hard: a missing or
 * broken file leaves the defaults (or the built-in default theme) in place.
 * Theme lookup order: $XDG_CONFIG_HOME/memtop/themes (~/.config/...), the
 * installed share/memtop/themes (found from the executable's own path, then
 * the compiled-in MEMTOP_DATADIR), then a themes/ folder beside the
 * executable (the source tree).
 */
#ifndef MEMTOP_CONFIG_H
#define MEMTOP_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "conf/rc.h"
#include "conf/theme.h"

#define CONFIG_FILE_MAX (64 * 1024)     // larger rc or theme files are refused
#define CONFIG_THEME_DIRS 4
#define CONFIG_THEMES_MAX 64

/* Collects problems: the first for the screen, all (up to a cap) echoed to
 * echo when it is set (stderr before the screen starts). */
struct config_report {
	FILE *echo;
	unsigned count;
	char first[320];
	const char *path;          // the file being read, for the messages
};

/* Reads the rc file into s (zeroed first; s->have says what it set).
 * Returns 1 when a file was read, 0 when there is none, -1 when it could
 * not be read (reported). */
int config_load_rc(struct rc_settings *s, struct config_report *rep);
/* Writes s into the rc file (rc_update: its comments, unknown keys and bad
 * lines stay), creating the directory. A symbolic link is followed (up to 40
 * of them, a dangling one too) and its target replaced, the link kept: the
 * text goes to a temporary file in the target's directory with the old
 * file's mode and owner (new: 0644 under the umask), flushed, then
 * rename(2)d over it. 0, or -1 with the reason in err and the old file as
 * it was. The rc path (the link's, not the target's) goes to path. */
int config_write_rc(const struct rc_settings *s, char *path, size_t pathlen, char *err,
		    size_t errlen);
/* The rc file's path; -1 when neither XDG_CONFIG_HOME nor HOME is set. */
int config_rc_path(char *out, size_t cap);

/* The built-in copies of the default and mono themes (themes/default.theme
 * and themes/mono.theme, compiled in), so memtop has colours even without its theme folder. */
void config_builtin_theme(struct theme *t, bool mono);
/* Loads a theme by name or path over the built-in default (mono over the
 * built-in mono). Returns 0, or -1 when the file was not found or not
 * readable (reported; t keeps the built-in). The file used goes to path
 * ("(built-in)" for the built-ins). */
int config_load_theme(const char *name, struct theme *t, char *path, size_t pathlen,
		      struct config_report *rep);
/* The theme folders that exist, in lookup order; returns how many. */
int config_theme_dirs(char dirs[CONFIG_THEME_DIRS][PATH_MAX]);
/* The names of the themes found (default and mono always), sorted, each
 * once; returns how many. */
int config_list_themes(char names[CONFIG_THEMES_MAX][64]);

#endif
