/* app.c — the interactive loop: wait on keys, the refresh timer and signals
 * together; tick = sample → model → draw. In a replay the recording moves
 * only with the keys, or on the timer while End follows the newest sample. */
#include "ui/app.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "ui/termsig.h"
#include "util/mathutil.h"
#include "util/timeexpr.h"

// Arms the timer to fire every interval, first after one interval; 0
// disarms it.
static void timer_arm(int fd, double seconds)
{
	struct itimerspec its;
	double whole = (double)floor_i64(seconds);

	its.it_interval.tv_sec = (time_t)whole;
	its.it_interval.tv_nsec = (long)((seconds - whole) * 1e9);
	its.it_value = its.it_interval;
	timerfd_settime(fd, 0, &its, NULL);
}

// Whether End's following is on and not paused (a replay).
static bool app_following(const struct app *a)
{
	struct source_timeline tl;

	return monitor_timeline(&a->mon, &tl) && tl.follow && !a->paused;
}

// The timer as the mode wants it: live, every interval; in a replay, only
// while it follows the newest sample (nothing else moves by itself).
static void app_timer_sync(struct app *a)
{
	timer_arm(a->timer_fd, !a->replay || app_following(a) ? a->interval_s : 0);
}

static void app_set_interval(struct app *a, double seconds)
{
	a->interval_s = seconds;
	app_timer_sync(a);
}

// Monotonic time in seconds.
static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool app_alert_active(const struct app *a)
{
	return a->alert[0] && mono_now() < a->alert_until;
}

// What the screens get for one call.
static struct screen_ctx app_ctx(struct app *a)
{
	return (struct screen_ctx){ .ui = &a->ui, .mon = &a->mon, .interval_s = a->interval_s,
				    .paused = a->paused, .readonly = a->readonly, .message = a->message,
				    .alert = app_alert_active(a) ? a->alert : NULL,
				    .trigger_desc = a->trigger_desc, .alloc_opts = &a->alloc_opts,
				    .alloc_limit_s = a->alloc_limit_s };
}

void app_draw(struct app *a)
{
	struct screen_ctx c = app_ctx(a);

	screen_draw(a->screen, a->screen->state, &c);
}

// Remembers that s was entered, so its state is freed at exit.
static void app_entered(struct app *a, const struct screen *s)
{
	for (size_t i = 0; i < a->nentered; i++)
		if (a->entered[i] == s)
			return;
	if (a->nentered < APP_SCREENS_MAX)
		a->entered[a->nentered++] = s;
}

// Makes s the active screen: the old one leaves, the new one enters with
// the action that opened it (the screen it came from filled in).
static void app_switch(struct app *a, const struct screen *s, const struct action *why)
{
	struct action act = why ? *why : action_of(ACTION_OPEN);
	struct screen_ctx c;

	act.from = a->screen;
	if (a->screen && a->screen->leave)
		a->screen->leave(a->screen->state);
	a->screen = s;
	app_entered(a, s);
	c = app_ctx(a);
	if (s->enter)
		s->enter(s->state, &c, &act);
}

// The first sample lists the processes from stat and statm alone (lazy
// start): read the names and details of the rows the first screen shows
// before drawing it; the others follow over the next ticks.
static void app_fill_first_page(struct app *a)
{
	size_t page = LINES > 7 ? (size_t)(LINES - 7) : 1;

	list_screen_relist(a->list, &a->mon);
	list_screen_remember(a->list, 0, a->list->list.nrows < page ? a->list->list.nrows : page);
	monitor_set_wanted(&a->mon, a->list->visible, a->list->nvisible);
	monitor_fill_pending(&a->mon);
	list_screen_relist(a->list, &a->mon);
}

// After the model changed (a tick, a move): says when the source could
// not list processes, and lets the active screen follow the model.
static void app_updated(struct app *a)
{
	struct screen_ctx c;

	if (a->mon.source_err < 0)
		snprintf(a->message, sizeof a->message, a->replay ? "cannot read the recording: %s" :
			 "cannot list /proc: %s", strerror(-a->mon.source_err));
	c = app_ctx(a);
	if (a->screen && a->screen->tick)
		a->screen->tick(a->screen->state, &c);
}

// Samples now (unless paused), updates the model, and lets the active
// screen follow it. Live only: a recording's tick gives the sample it
// stands at again.
// Hands a live tick to what the run does besides showing it (-w FILE
// --screen: the recorder), every tick, the first one included.
static void app_after_tick(struct app *a)
{
	char msg[sizeof a->message];

	if (!a->after_tick)
		return;
	msg[0] = '\0';
	if (a->after_tick(a->after_tick_ctx, &a->mon, msg, sizeof msg) < 0)
		a->after_tick = NULL;
	if (msg[0])
		snprintf(a->message, sizeof a->message, "%s", msg);
}

static void app_tick(struct app *a)
{
	if (a->paused || a->replay)
		return;
	if (a->list->nvisible)
		monitor_set_wanted(&a->mon, a->list->visible, a->list->nvisible);
	if (monitor_tick(&a->mon) < 0)
		ui_fatal("out of memory");
	app_after_tick(a);
	app_updated(a);
}

// "no sample at that time: the recording spans A – B".
static void app_say_span(struct app *a, const char *what)
{
	struct source_timeline tl;
	char first[32], last[32];

	if (!monitor_timeline(&a->mon, &tl))
		return;
	snprintf(a->message, sizeof a->message, "%s: the recording spans %s %s %s", what,
		 timeexpr_format(tl.first_t, first, sizeof first), a->ui.utf8 ? "\u2013" : "-",
		 timeexpr_format(tl.last_t, last, sizeof last));
}

// Moves in the recording as a key asked (ACTION_MOVE), and says why when
// it could not. Any move ends a pause of the following.
static void app_move(struct app *a, const struct action *act)
{
	int rc = monitor_move(&a->mon, act->move, act->move_arg);

	if (rc == 1 && act->move_nudge)
		rc = monitor_move(&a->mon, SOURCE_MOVE_STEP, act->move_nudge);
	if (rc == -ENOMEM)
		ui_fatal("out of memory");
	a->paused = false;
	if (rc == 0)
		app_updated(a);
	else if (rc == -ERANGE)
		app_say_span(a, "no sample at that time");
	else if (rc == 1 && act->move == SOURCE_MOVE_STEP)
		snprintf(a->message, sizeof a->message, "already at the %s sample",
			 act->move_arg < 0 ? "first" : "newest");
	else if (rc < 0)
		snprintf(a->message, sizeof a->message, "cannot move in the recording: %s", strerror(-rc));
	app_timer_sync(a);
}

// End's following, at each interval: the newest sample, when there is a
// newer one. True when the model moved.
static bool app_follow(struct app *a)
{
	int rc;

	if (!app_following(a))
		return false;
	rc = monitor_move(&a->mon, SOURCE_MOVE_LAST, 0);
	if (rc == -ENOMEM)
		ui_fatal("out of memory");
	if (rc < 0)
		snprintf(a->message, sizeof a->message, "cannot read the recording: %s", strerror(-rc));
	if (rc != 0)
		return rc < 0;
	app_updated(a);
	return true;
}

bool app_timer(struct app *a)
{
	if (a->replay)
		return app_follow(a);
	app_tick(a);
	return true;
}

// Space: pauses or resumes sampling (live) or End's following (a replay,
// which catches up at once on resuming).
static void app_pause(struct app *a)
{
	a->paused = !a->paused;
	if (!a->replay)
		return;
	app_follow(a);
	app_timer_sync(a);
}

// Sends what a prompt chose, and says how it went on the status line.
static void app_send_signal(struct app *a, const struct action *act)
{
	int rc = monitor_send_signal(&a->mon, act->pid, act->start_ticks, act->sig);

	if (rc == 0)
		snprintf(a->message, sizeof a->message, "sent SIG%s to %d", act->sig_name, act->pid);
	else if (rc == -ESRCH)
		snprintf(a->message, sizeof a->message, "not sent: process %d has exited "
			 "(or its pid now names another process)", act->pid);
	else if (rc == -EPERM)
		snprintf(a->message, sizeof a->message, "not sent: permission denied for process %d "
			 "(run as root or as its owner)", act->pid);
	else
		snprintf(a->message, sizeof a->message, "not sent to %d: %s", act->pid, strerror(-rc));
}

// Carries out what a screen's key asked for.
static void app_act(struct app *a, const struct action *act)
{
	switch (act->kind) {
	case ACTION_NONE:
		break;
	case ACTION_QUIT:
		a->quit = true;
		break;
	case ACTION_OPEN:
		app_switch(a, act->screen, act);
		break;
	case ACTION_BACK:
		app_switch(a, &screen_list, act);
		break;
	case ACTION_SET_INTERVAL:
		app_set_interval(a, act->interval_s);
		break;
	case ACTION_PAUSE:
		app_pause(a);
		break;
	case ACTION_SEND_SIGNAL:
		app_send_signal(a, act);
		break;
	case ACTION_NEXT_THEME:
		app_theme_next(a);
		break;
	case ACTION_WRITE_SETTINGS:
		app_settings_write(a);
		break;
	case ACTION_MESSAGE:
		snprintf(a->message, sizeof a->message, "%s", act->message);
		break;
	case ACTION_MOVE:
		app_move(a, act);
		break;
	}
}

// A key on the list clears its notice first.
void app_key(struct app *a, int ch)
{
	struct screen_ctx c;
	struct action act;

	if (a->screen == &screen_list)
		a->message[0] = '\0';
	c = app_ctx(a);
	act = a->screen->key(a->screen->state, &c, ch);
	app_act(a, &act);
}

// Registers the PSI trigger; where the kernel refuses the window (an
// unprivileged user needs a multiple of 2 s), retries with 2 s and the stall
// scaled. Says what happened in trigger_desc for the help screen.
static void trigger_setup(struct app *a, const struct options *opts)
{
	unsigned stall = opts->trigger_stall_ms, window = opts->trigger_window_ms;
	int fd;

	a->trigger_fd = -1;
	if (a->replay) {
		snprintf(a->trigger_desc, sizeof a->trigger_desc, "PSI trigger: none in a recording "
			 "(its pressure is what was recorded)");
		return;
	}
	if (!window) {
		snprintf(a->trigger_desc, sizeof a->trigger_desc, "PSI trigger off (--psi-trigger off): "
			 "pressure is polled at the refresh interval");
		return;
	}
	fd = monitor_psi_trigger(&a->mon, stall * 1000, window * 1000);
	if ((fd == -EPERM || fd == -EINVAL || fd == -EACCES) && window % 2000) {
		stall = stall * 2000 / window ? stall * 2000 / window : 1;
		window = 2000;
		fd = monitor_psi_trigger(&a->mon, stall * 1000, window * 1000);
	}
	if (fd < 0) {
		snprintf(a->trigger_desc, sizeof a->trigger_desc, "PSI trigger unavailable (%s): "
			 "pressure is polled at the refresh interval", strerror(-fd));
		return;
	}
	a->trigger_fd = fd;
	a->trigger_stall_ms = stall;
	a->trigger_window_ms = window;
	snprintf(a->trigger_desc, sizeof a->trigger_desc, "PSI trigger: any stall of %u ms within %u ms "
		 "wakes the screen at once", stall, window);
}

// A pressure event: the banner, and a sample now rather than at the tick.
static void trigger_fired(struct app *a)
{
	char clock[16] = "";
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm))
		strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	snprintf(a->alert, sizeof a->alert, "MEMORY PRESSURE at %s: tasks stalled on memory for over "
		 "%u ms within %u ms", clock, a->trigger_stall_ms, a->trigger_window_ms);
	a->alert_until = mono_now() + 10.0;
	app_tick(a);
}

// Handles every key ncurses has buffered.
static void app_keys(struct app *a)
{
	int ch;

	while (!a->quit && (ch = getch()) != ERR) {
		if (ch == KEY_RESIZE)
			continue;
		app_key(a, ch);
	}
}

// The loop: one poll on keys, timer and signals; draw after anything.
static void app_loop(struct app *a)
{
	struct pollfd fds[4] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = a->timer_fd, .events = POLLIN },
		{ .fd = termsig_fd(), .events = POLLIN },
		{ .fd = a->trigger_fd, .events = POLLPRI },    // fd -1 is ignored by poll
	};

	bool filling = monitor_idle_work(&a->mon);   // names of a burst to read

	app_draw(a);
	while (!a->quit) {
		uint64_t expirations;
		int ready = poll(fds, 4, filling ? 0 : -1);
		bool redraw = true;

		if (ready < 0) {
			if (errno == EINTR)
				continue;
			ui_fatal("poll: %s", strerror(errno));
		}
		if (ready == 0) {
			// Idle: read the next few processes' names (a few ms), then
			// look for input again; redraw once all are read.
			filling = monitor_fill_idle(&a->mon, SOURCE_FILL_IDLE_CHUNK);
			if (filling)
				continue;
			list_screen_relist(a->list, &a->mon);
		}
		if (fds[2].revents & POLLIN)
			termsig_handle(&a->quit);
		if (fds[0].revents & (POLLHUP | POLLERR))
			a->quit = true;             // the terminal went away
		if (fds[0].revents & POLLIN)
			app_keys(a);
		if ((fds[1].revents & POLLIN) &&
		    read(a->timer_fd, &expirations, sizeof expirations) == sizeof expirations) {
			// Following with no newer sample, and nothing else: nothing to draw.
			if (!app_timer(a) && ready == 1)
				redraw = false;
			filling = monitor_idle_work(&a->mon);
		}
		if (fds[3].revents & POLLPRI) {
			trigger_fired(a);
		} else if (fds[3].revents & (POLLERR | POLLNVAL)) {
			close(a->trigger_fd);             // the source went away: poll from now on
			a->trigger_fd = fds[3].fd = -1;
			snprintf(a->trigger_desc, sizeof a->trigger_desc, "PSI trigger lost: pressure is "
				 "polled at the refresh interval");
		}
		if (!a->quit && redraw)
			app_draw(a);
	}
}

void app_start(struct app *a)
{
	a->replay = monitor_timeline(&a->mon, &(struct source_timeline){ 0 });
	app_fill_first_page(a);
	app_switch(a, &screen_list, NULL);
	app_timer_sync(a);
}

void app_end(struct app *a)
{
	for (size_t i = 0; i < a->nentered; i++)
		if (a->entered[i]->free)
			a->entered[i]->free(a->entered[i]->state);
	a->nentered = 0;
}

// Opens the monitor over the recording given, or the live /proc with the
// recording's past given (each taken over).
static int app_open(struct app *a, const struct options *opts, struct run_sources *src)
{
	struct source_config cfg = { .pids = opts->pids, .npids = opts->npids, .lazy_start = true,
				     // The OOM kills: the counter (/proc/vmstat, any user)
				     // and the kernel log's reports (root).
				     .system_counters = true, .oom_log = true,
				     // Recording what the screen samples: what a recording keeps.
				     .read_exe = opts->write_path != NULL,
				     // The cgroups' own readings in the background, so that
				     // their verdicts have a past when the cgroup view opens
				     // (it reads them every second while shown).
				     .cgroup_every_s = MONITOR_CGROUP_EVERY_S,
				     // The memory breakdown likewise (m: every tick while shown).
				     .breakdown_every_s = MONITOR_BREAKDOWN_EVERY_S };
	char err[256];

	if (src->recorded.ops) {
		monitor_open_source(&a->mon, src->recorded, opts->sensitivity);
		src->recorded = (struct source){ 0 };
		return 0;
	}
	if (monitor_open(&a->mon, &cfg, opts->sensitivity, err, sizeof err) < 0) {
		fprintf(stderr, "memtop: %s\n", err);
		return -1;
	}
	if (src->history.ops) {
		monitor_set_history(&a->mon, src->history);
		src->history = (struct source){ 0 };
	}
	a->after_tick = src->after_tick;
	a->after_tick_ctx = src->after_tick_ctx;
	return 0;
}

int app_run(const struct options *opts, const struct config_report *rc_report, struct run_sources *src)
{
	static struct app a;      // large (the theme, the messages): not on the stack

	a = (struct app){ .interval_s = opts->interval_s, .timer_fd = -1, .trigger_fd = -1,
			  .sensitivity = opts->sensitivity, .readonly = opts->readonly,
			  .list = screen_list.state, .alloc_opts = opts->alloc,
			  .alloc_limit_s = opts->alloc_limit_s };
	char err[256];

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("memtop: the interactive screen needs a terminal; use -b for batch output\n", stderr);
		return 2;
	}
	if (app_open(&a, opts, src) < 0)
		return 1;
	a.replay = monitor_timeline(&a.mon, &(struct source_timeline){ 0 });
	a.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (a.timer_fd < 0 || termsig_install() < 0) {
		fprintf(stderr, "memtop: cannot set up the refresh timer: %s\n", strerror(errno));
		monitor_close(&a.mon);
		return 1;
	}
	list_screen_init(a.list, (enum sort_key)opts->sort_key, opts->order == ORDER_NATURAL ? 0 :
			 opts->order == ORDER_DESCENDING ? 1 : -1, opts->columns);
	if (rc_report && rc_report->count) {
		a.rc_problems = rc_report->count;
		snprintf(a.rc_problem, sizeof a.rc_problem, "%s", rc_report->first);
		snprintf(a.message, sizeof a.message, "%s", rc_report->first);
	}
	app_theme_load(&a, opts);
	// No screen yet: the model only (a recording's first sample, with its past).
	if (monitor_tick(&a.mon) < 0) {
		fputs("memtop: out of memory\n", stderr);
		monitor_close(&a.mon);
		return 1;
	}
	app_after_tick(&a);
	app_updated(&a);
	if (!a.replay && opts->npids && a.mon.table.n == 0) {
		fputs("memtop: none of the given processes exists\n", stderr);
		monitor_close(&a.mon);
		return 1;
	}
	if (ui_start(&a.ui, err, sizeof err) < 0) {
		fprintf(stderr, "memtop: %s\n", err);
		monitor_close(&a.mon);
		return 1;
	}
	app_theme_show(&a);
	app_start(&a);
	trigger_setup(&a, opts);
	app_loop(&a);
	if (a.trigger_fd >= 0)
		close(a.trigger_fd);
	ui_stop(&a.ui);
	app_end(&a);
	monitor_close(&a.mon);
	close(a.timer_fd);
	return 0;
}
