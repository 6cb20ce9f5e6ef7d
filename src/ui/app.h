/* app.h — the interactive program: the loop, which owns the monitor, the
 * screens' states and the terminal, and carries out what the screens' keys
 * return (ui/screen.h).
 *
 * Contract: app_run owns the terminal from start to end and always restores
 * it; it returns the exit status. Only the loop (app.c) and its settings
 * (app_config.c) see struct app (and the tests, through app_start, app_key,
 * app_timer and app_end); the screens see a struct screen_ctx. In a replay
 * (a monitor over a recording: monitor_timeline true) nothing ticks by
 * itself: keys move in the recording (ACTION_MOVE), and the timer runs only
 * while End follows the newest sample.
 */
#ifndef MEMTOP_APP_H
#define MEMTOP_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/cli.h"
#include "conf/config.h"
#include "model/leak.h"
#include "model/monitor.h"
#include "ui/screen.h"
#include "ui/ui.h"
#include "ui/view_list.h"

#define APP_SCREENS_MAX 16

struct app {
	struct ui ui;
	struct monitor mon;              // the source and the model: snapshot, processes,
	                                 // available-memory trend and OOM pick
	double interval_s;               // live: the refresh; a replay: End's poll
	bool replay;                     // the monitor replays a recording
	int (*after_tick)(void *ctx, struct monitor *m, char *msg, size_t msglen);   // run_sources'
	void *after_tick_ctx;
	bool paused, quit;               // paused: sampling (live), following (a replay)
	const struct screen *screen;     // the active screen
	const struct screen *entered[APP_SCREENS_MAX];   // every screen entered (freed at exit)
	size_t nentered;
	struct list_screen *list;        // the list screen's state (screen_list.state)
	char message[512];               // one-line notice in the status line
	int timer_fd;
	int trigger_fd;                  // PSI trigger (POLLPRI), or -1
	char trigger_desc[160];          // what was registered, or why not (help screen)
	unsigned trigger_stall_ms, trigger_window_ms;   // as registered
	bool readonly;                   // --readonly / readonly = yes: k sends nothing
	struct theme theme;              // the theme in use
	char theme_name[256];            // its name or path, as given
	char theme_saved[256];           // what W writes: theme_name, unless NO_COLOR
	                                 // or --no-color forced mono at start-up
	enum leak_sensitivity sensitivity;   // as set at start-up (W writes it)
	unsigned rc_problems;            // the rc file had bad lines: W asks first
	char rc_problem[320];            // the first, "PATH:LINE: reason"
	double write_confirm_until;      // a second W before this overwrites it
	double alert_until;              // monotonic time the pressure banner shows until
	char alert[160];
	struct alloc_options alloc_opts; // the allocation-sites screen's (a): how it attaches
	double alloc_limit_s;            // ... and its time limit (0: none)
};

/* rc_report: what loading the rc file found (for W's warning), or NULL.
 * src: a recording to replay (memtop -r), or for the live /proc the
 * recording its detectors start from (--history); each is taken over (and
 * zeroed in src) once the screen can start: the caller closes what is
 * left (output/sources.h). */
int app_run(const struct options *opts, const struct config_report *rc_report, struct run_sources *src);

/* The loop's parts, for app_run and the tests. app_start shows the list
 * screen over a monitor (a->mon) already ticked once, and arms the timer
 * (a->timer_fd) as the mode wants. app_key handles one key of the active
 * screen and carries out what it returns; app_draw draws the active screen.
 * app_timer is the timer's
 * expiry: live a tick; in a replay, the newest sample while End follows it;
 * it returns whether the model changed. app_end frees the screens' states
 * (not the monitor). */
void app_start(struct app *a);
void app_draw(struct app *a);
void app_key(struct app *a, int ch);
bool app_timer(struct app *a);
void app_end(struct app *a);

/* Themes and settings (app_config.c). Loads the start-up theme (problems go
 * to stderr and the status line); call before the screen starts. */
void app_theme_load(struct app *a, const struct options *opts);
/* Applies the loaded theme to the screen (mono on a terminal without
 * colours); after ui_start. */
void app_theme_show(struct app *a);
/* Switches to the next theme found (t). */
void app_theme_next(struct app *a);
/* Writes the current settings to the rc file (W). */
void app_settings_write(struct app *a);

#endif
