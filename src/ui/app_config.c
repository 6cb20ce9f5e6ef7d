/* app_config.c — the screen's themes and settings: the start-up theme, t to
 * switch themes live, W to write the settings to the rc file. */
#include "ui/app.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WRITE_CONFIRM_S 5.0        // how long a first W waits for the second

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// NO_COLOR (no-color.org) asks for no colour unless the command line names
// a theme; --no-color always does.
static bool want_mono(const struct options *opts)
{
	const char *nc = getenv("NO_COLOR");

	return opts->no_color || (nc && *nc && !(opts->given & OPT_GIVEN_THEME));
}

void app_theme_load(struct app *a, const struct options *opts)
{
	struct config_report rep = { .echo = stderr };
	char path[PATH_MAX];
	const char *name = want_mono(opts) ? "mono" : opts->theme[0] ? opts->theme : "default";

	config_load_theme(name, &a->theme, path, sizeof path, &rep);
	snprintf(a->theme_name, sizeof a->theme_name, "%s", name);
	snprintf(a->theme_saved, sizeof a->theme_saved, "%s", opts->theme[0] ? opts->theme : "default");
	if (rep.count)
		snprintf(a->message, sizeof a->message, "%s", rep.first);
}

void app_theme_show(struct app *a)
{
	struct theme mono;

	if (a->ui.color) {
		ui_apply_theme(&a->ui, &a->theme);
		return;
	}
	config_builtin_theme(&mono, true);
	ui_apply_theme(&a->ui, &mono);
}

void app_theme_next(struct app *a)
{
	static char names[CONFIG_THEMES_MAX][64];
	struct config_report rep = { 0 };
	char path[PATH_MAX];
	int n, cur = -1;

	if (!a->ui.color) {
		snprintf(a->message, sizeof a->message, "this terminal has no colours: themes need them");
		return;
	}
	// Listed again each time, so a theme added while memtop runs shows up.
	n = config_list_themes(names);
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], a->theme_name) == 0)
			cur = i;
	const char *next = names[(cur + 1) % n];

	config_load_theme(next, &a->theme, path, sizeof path, &rep);
	snprintf(a->theme_name, sizeof a->theme_name, "%.63s", next);
	snprintf(a->theme_saved, sizeof a->theme_saved, "%s", a->theme_name);
	ui_apply_theme(&a->ui, &a->theme);
	if (rep.count)
		snprintf(a->message, sizeof a->message, "%s", rep.first);
	else
		snprintf(a->message, sizeof a->message, "theme %s (%d of %d)", a->theme_name,
			 (cur + 1) % n + 1, n);
}

void app_settings_write(struct app *a)
{
	struct rc_settings s = {
		.interval_s = a->interval_s, .sort_key = a->list->list.key, .descending = a->list->list.descending,
		.columns = a->list->table.columns, .sensitivity = a->sensitivity, .readonly = a->readonly,
	};
	char path[PATH_MAX], err[PATH_MAX + 64];
	double now = now_s();

	// Never write into a file with problems without asking: its bad lines
	// may be the user's work in progress (they are kept as they are).
	if (a->rc_problems && now >= a->write_confirm_until) {
		a->write_confirm_until = now + WRITE_CONFIRM_S;
		snprintf(a->message, sizeof a->message, "press W again to write memtoprc anyway, "
			 "keeping its bad lines (%s)", a->rc_problem);
		return;
	}
	snprintf(s.theme, sizeof s.theme, "%s", a->theme_saved);
	if (config_write_rc(&s, path, sizeof path, err, sizeof err) < 0) {
		snprintf(a->message, sizeof a->message, "%.400s", err);
		return;
	}
	a->rc_problems = 0;
	a->write_confirm_until = 0;
	snprintf(a->message, sizeof a->message, "settings written to %.400s", path);
}
