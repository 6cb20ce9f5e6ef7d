/* app.h — the interactive program: one struct app passed to every view.
 *
 * Contract: app_run owns the terminal from start to end and always restores
 * it; it returns the exit status. Views read the model from struct app and
 * change it only through the functions below or their own fields.
 */
#ifndef MEMTOP_APP_H
#define MEMTOP_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/cli.h"
#include "conf/config.h"
#include "model/leak.h"
#include "model/listmodel.h"
#include "model/maptable.h"
#include "model/monitor.h"
#include "model/proctable.h"
#include "proc/source.h"
#include "proc/snapshot.h"
#include "model/sysmodel.h"
#include "ui/ui.h"
#include "ui/view_table.h"

enum app_screen { SCREEN_LIST, SCREEN_HELP, SCREEN_SORT_PICK, SCREEN_DETAIL };
enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_DELAY, PROMPT_SIGNAL };

struct prompt {
	enum prompt_kind kind;
	char text[LISTMODEL_FILTER_MAX];
	size_t len;
	// PROMPT_SIGNAL: the process it names (pid and start time) and the
	// signal chosen (an index into app_signal_choices).
	int pid;
	uint64_t start_ticks;
	int signal;
};

/* The signals k offers, TERM first. */
struct app_signal {
	int sig;
	const char *name;
};
extern const struct app_signal app_signal_choices[];
extern const size_t app_nsignal_choices;

/* The detail view of one process: its last known sample (kept when it exits),
 * its smaps and the mapping table. */
struct detail {
	int pid;
	uint64_t start_ticks;
	uint16_t exec_gen;               // the process's exec count when its mappings' base was taken
	struct proc_sample last;         // strings point at the copies below
	char comm[SNAPSHOT_COMM_MAX], cgroup[512];   // the user name is the
	                                 // sampler's, kept for its lifetime
	// The whole command line (sampler_read_cmdline, up to
	// SOURCE_CMDLINE_FULL_MAX; cmdline_cut when even that was cut),
	// allocated while the view is open; c shows it all, scrolled by cmd_top.
	char *cmdline;
	bool cmdline_cut, cmd_expanded;
	size_t cmd_top;                  // its first screen line shown
	size_t *cmd_wrap, cmd_nwrap;     // the byte offset each screen line starts at
	int cmd_wrap_cols;               // the width it was wrapped at; 0: wrap again
	struct leak_verdict verdict;
	double eta_s;                    // its own time to exhaustion, < 0 when none
	struct history hist;             // the process's leak signal
	bool have_hist;
	struct history rss_hist;         // its RSS, recorded while the view is open
	uint64_t flat_sig_kb;
	bool exited;                     // gone: the last data stays on screen
	double exit_uptime;              // seconds after boot when it was seen gone
	bool have_maps;                  // smaps was read at least once
	struct proc_detail d;
	struct maptable mt;
	size_t sel, top;                 // selected mapping row, first row on screen
	double maps_started, maps_cost;  // the last smaps read: when (monotonic) and
	                                 // how long it took, for the pace (pace.h)
};

struct app {
	struct ui ui;
	struct monitor mon;              // the source and the model: snapshot, processes,
	                                 // available-memory trend and OOM pick
	struct listmodel list;
	double interval_s;
	bool paused, quit;
	enum app_screen screen;
	struct prompt prompt;
	char message[512];           // one-line notice in the status line
	int sort_pick;               // highlighted entry of the sort pick list
	int timer_fd;
	int *visible;                // pids on screen, handed to the sampler
	size_t nvisible, visible_cap;
	struct table_view table;         // the process table's columns and layout
	struct detail detail;
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
};

/* rc_report: what loading the rc file found (for W's warning), or NULL. */
int app_run(const struct options *opts, const struct config_report *rc_report);

/* Samples now (unless paused) and updates the model. */
void app_tick(struct app *a);
/* Re-applies filter and sort to the current model, e.g. after a key. */
void app_relist(struct app *a);
/* True while the memory-pressure banner should show. */
bool app_alert_active(const struct app *a);
/* Opens the detail view of a process (reads its smaps now). */
void app_open_detail(struct app *a, const struct proc *p);
/* Re-reads the detail view's process (each tick while it is open; its smaps
 * at the pace what a read costs allows, see pace.h). */
void app_refresh_detail(struct app *a);
/* Leaves the detail view for the list and gives its memory back (its
 * mapping table and command line). */
void app_close_detail(struct app *a);
/* Remembers the pids of count rows from first as the ones on screen (the
 * sampler keeps their details fresh). */
void app_remember_visible(struct app *a, size_t first, size_t count);
/* Sends the signal the prompt names to the process it names, after making
 * sure the pid still belongs to it; the outcome goes to the status line. */
void app_send_signal(struct app *a);
/* Changes the refresh interval (already validated) and re-arms the timer. */
void app_set_interval(struct app *a, double seconds);

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
