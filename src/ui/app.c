/* app.c — the interactive loop: wait on keys, the refresh timer and signals
 * together; tick = sample → model → draw. */
#include "ui/app.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "ui/view.h"
#include "util/mathutil.h"
#include "model/pace.h"

static int signal_pipe[2] = { -1, -1 };

// Signals only write their number to a pipe; the loop reads it.
static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (write(signal_pipe[1], &b, 1) < 0) {
		// The pipe is full: the loop has plenty to wake up for already.
	}
	errno = saved;
}

static int signals_install(void)
{
	// SIGTSTP too: installed before the screen starts, so ncurses keeps
	// its own handler (endwin inside a signal handler) out; the loop stops
	// memtop itself (app_suspend).
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT };
	struct sigaction sa;

	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	return 0;
}

// Arms the timer to fire every interval, first after one interval.
static void timer_arm(int fd, double seconds)
{
	struct itimerspec its;
	double whole = (double)floor_i64(seconds);

	its.it_interval.tv_sec = (time_t)whole;
	its.it_interval.tv_nsec = (long)((seconds - whole) * 1e9);
	its.it_value = its.it_interval;
	timerfd_settime(fd, 0, &its, NULL);
}

void app_set_interval(struct app *a, double seconds)
{
	a->interval_s = seconds;
	timer_arm(a->timer_fd, seconds);
}

void app_relist(struct app *a)
{
	if (listmodel_rebuild(&a->list, &a->mon.table) < 0)
		ui_fatal("out of memory");
}

// Copies what the detail view shows of a process, so it outlives the process.
static void detail_copy(struct detail *dt, const struct proc *p)
{
	dt->last = *p->s;
	snprintf(dt->comm, sizeof dt->comm, "%s", p->s->comm);
	snprintf(dt->cgroup, sizeof dt->cgroup, "%s", p->s->cgroup);
	dt->last.comm = dt->comm;
	dt->last.cmdline = dt->cmdline ? dt->cmdline : "";
	dt->last.cmdline_cut = dt->cmdline_cut;
	dt->last.cgroup = dt->cgroup;
	if (!dt->last.cmdline[0])
		dt->cmd_wrap_cols = 0;       // the name shows instead: it may have changed
	dt->verdict = p->verdict;
	dt->eta_s = p->eta_s;
	dt->have_hist = p->leak != NULL;
	if (p->leak)
		dt->hist = p->leak->hist;
	dt->flat_sig_kb = p->flat_sig_kb;
}

// Makes text (which it takes over) the detail view's command line; an
// unchanged one is dropped instead, so its wrapping and scrolling stay.
static void detail_set_cmdline(struct detail *dt, char *text, bool cut)
{
	if (dt->cmdline && cut == dt->cmdline_cut && strcmp(text, dt->cmdline) == 0) {
		free(text);
		return;
	}
	free(dt->cmdline);
	dt->cmdline = text;
	dt->cmdline_cut = cut;
	dt->last.cmdline = text;
	dt->last.cmdline_cut = cut;
	dt->cmd_wrap_cols = 0;
}

// Frees the detail view's command line and its wrapping.
static void detail_release(struct detail *dt)
{
	free(dt->cmdline);
	free(dt->cmd_wrap);
	dt->cmdline = NULL;
	dt->cmd_wrap = NULL;
	dt->cmd_nwrap = 0;
	dt->cmd_wrap_cols = 0;
	dt->last.cmdline = "";
}

// Monotonic time in seconds.
static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Marks the detail view's process gone: its last data stays on screen.
static void detail_exited(struct detail *dt)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	dt->exited = true;
	dt->exit_uptime = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Hands a piece of a streamed smaps read to the mapping table.
static int detail_maps_sink(void *ctx, const struct smaps *piece)
{
	return maptable_add(ctx, piece);
}

// Reads the detail view's process with its smaps, streamed into the mapping
// table, and times the read (with the table's sorting) for the pace.
static void detail_read_maps(struct app *a)
{
	struct detail *dt = &a->detail;
	double start = mono_now();

	dt->d.maps_sink = detail_maps_sink;
	dt->d.maps_ctx = &dt->mt;
	maptable_begin(&dt->mt);
	monitor_read_detail(&a->mon, dt->pid, dt->start_ticks, &dt->d);
	// A process that exited but is not reaped yet is a zombie with no
	// memory: keep what it had rather than showing zeros.
	if (dt->d.exited || (dt->d.state == 'Z' && dt->have_maps))
		return;
	// A read that failed part way shows what it read, as one cut short would.
	if (dt->d.err == 0 || dt->mt.adding) {
		if (maptable_end(&dt->mt) < 0 || (!dt->have_maps && dt->d.err == 0 &&
						  maptable_take_base(&dt->mt) < 0))
			ui_fatal("out of memory");
		dt->have_maps = dt->have_maps || dt->d.err == 0;
	}
	dt->maps_started = start;
	dt->maps_cost = mono_now() - start;
}

void app_refresh_detail(struct app *a)
{
	struct detail *dt = &a->detail;
	const struct proc *p = proctable_find(&a->mon.table, dt->pid);

	if (dt->exited)
		return;
	if (!p || p->start_ticks != dt->start_ticks) {
		detail_exited(dt);
		return;
	}
	if (p->exec_gen != dt->exec_gen) {
		// A new program, a new address space: its mappings' changes and
		// its RSS graph start again rather than comparing with the old one.
		dt->exec_gen = p->exec_gen;
		dt->have_maps = false;
		dt->mt.nbase = 0;            // maptable_take_base appends
		dt->sel = dt->top = 0;
		history_init(&dt->rss_hist);
	}
	if (!dt->have_maps || pace_due(mono_now(), pace_next_due(dt->maps_started, dt->maps_cost,
								   a->interval_s), a->interval_s))
		detail_read_maps(a);
	else
		monitor_read_detail_state(&a->mon, dt->pid, dt->start_ticks, &dt->d);
	if (dt->d.exited || (dt->d.state == 'Z' && dt->have_maps)) {
		detail_exited(dt);
		return;
	}
	// The whole command line, not the list's copy cut at 32 KiB: read at
	// each refresh, as it changes with an exec.
	{
		char *text;
		bool cut;

		if (monitor_read_cmdline(&a->mon, dt->pid, dt->start_ticks, &text, &cut) == 0)
			detail_set_cmdline(dt, text, cut);
	}
	detail_copy(dt, p);
	history_push(&dt->rss_hist, a->mon.snap.sys.mono_time, (uint32_t)(p->s->rss_kb < UINT32_MAX ?
									p->s->rss_kb : UINT32_MAX - 1));
}

void app_close_detail(struct app *a)
{
	struct detail *dt = &a->detail;
	bool grouped = dt->mt.grouped;
	enum map_sort sort = dt->mt.sort;

	a->screen = SCREEN_LIST;
	detail_release(dt);
	maptable_free(&dt->mt);
	proc_detail_free(&dt->d);
	dt->mt.grouped = grouped;     // kept for the next detail view
	dt->mt.sort = sort;
	dt->have_maps = false;
#ifdef __GLIBC__
	// The table's arrays were freed, but a process with many mappings
	// leaves much of the heap free in small chunks, which glibc keeps
	// unless asked: hand it back to the system.
	malloc_trim(0);
#endif
	app_relist(a);          // the list may have moved on meanwhile
}

const struct app_signal app_signal_choices[] = {
	{ SIGTERM, "TERM" }, { SIGKILL, "KILL" }, { SIGINT, "INT" }, { SIGHUP, "HUP" },
	{ SIGSTOP, "STOP" }, { SIGCONT, "CONT" }, { SIGUSR1, "USR1" }, { SIGUSR2, "USR2" },
};
const size_t app_nsignal_choices = sizeof app_signal_choices / sizeof app_signal_choices[0];

void app_send_signal(struct app *a)
{
	const struct app_signal *sg = &app_signal_choices[a->prompt.signal];
	int rc = monitor_send_signal(&a->mon, a->prompt.pid, a->prompt.start_ticks, sg->sig);

	if (rc == 0)
		snprintf(a->message, sizeof a->message, "sent SIG%s to %d", sg->name, a->prompt.pid);
	else if (rc == -ESRCH)
		snprintf(a->message, sizeof a->message, "not sent: process %d has exited "
			 "(or its pid now names another process)", a->prompt.pid);
	else if (rc == -EPERM)
		snprintf(a->message, sizeof a->message, "not sent: permission denied for process %d "
			 "(run as root or as its owner)", a->prompt.pid);
	else
		snprintf(a->message, sizeof a->message, "not sent to %d: %s", a->prompt.pid, strerror(-rc));
}

void app_remember_visible(struct app *a, size_t first, size_t count)
{
	if (count > a->visible_cap) {
		int *p = realloc(a->visible, count * sizeof *p);

		if (!p)
			return;
		a->visible = p;
		a->visible_cap = count;
	}
	for (size_t i = 0; i < count; i++)
		a->visible[i] = a->list.rows[first + i]->pid;
	a->nvisible = count;
}

// The first sample lists the processes from stat and statm alone (lazy
// start): read the names and details of the rows the first screen shows
// before drawing it; the others follow over the next ticks.
static void app_fill_first_page(struct app *a)
{
	size_t page = LINES > 7 ? (size_t)(LINES - 7) : 1;

	app_remember_visible(a, 0, a->list.nrows < page ? a->list.nrows : page);
	monitor_set_wanted(&a->mon, a->visible, a->nvisible);
	monitor_fill_pending(&a->mon);
	app_relist(a);
}

void app_open_detail(struct app *a, const struct proc *p)
{
	struct detail *dt = &a->detail;
	char *copy = strdup(p->s->cmdline);   // until the whole one is read

	if (!copy)
		ui_fatal("out of memory");
	detail_release(dt);
	detail_set_cmdline(dt, copy, p->s->cmdline_cut);
	dt->cmd_expanded = false;
	dt->cmd_top = 0;
	dt->pid = p->pid;
	dt->start_ticks = p->start_ticks;
	dt->exec_gen = p->exec_gen;
	dt->exited = dt->have_maps = false;
	history_init(&dt->rss_hist);
	detail_copy(dt, p);         // shown even if the first read finds it gone
	dt->sel = dt->top = 0;
	dt->mt.nbase = 0;
	dt->maps_started = dt->maps_cost = 0;
	a->screen = SCREEN_DETAIL;
	app_refresh_detail(a);
}


void app_tick(struct app *a)
{
	if (a->paused)
		return;
	if (a->nvisible)
		monitor_set_wanted(&a->mon, a->visible, a->nvisible);
	if (monitor_tick(&a->mon) < 0)
		ui_fatal("out of memory");
	if (a->mon.source_err < 0)
		snprintf(a->message, sizeof a->message, "cannot list /proc: %s", strerror(-a->mon.source_err));
	app_relist(a);
	if (a->screen == SCREEN_DETAIL)
		app_refresh_detail(a);
}

// Takes the terminal's new size after SIGWINCH.
static void app_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

// Drains the signal pipe; returns true when the screen must be re-laid out.
// After a stop (ours or anyone's SIGSTOP): the terminal may have been used
// meanwhile, so keypad mode goes back on (arrow keys) and the next refresh
// repaints every cell.
static void app_resume(void)
{
	keypad(stdscr, TRUE);
	clearok(curscr, TRUE);
}

// Ctrl-Z: gives the terminal back to the shell, stops, and takes it again
// on SIGCONT (the next draw's refresh restores the screen's modes).
static void app_suspend(void)
{
	struct sigaction dfl, ours;

	endwin();
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &ours);
	raise(SIGTSTP);              // stops here; returns at once in an orphaned group
	sigaction(SIGTSTP, &ours, NULL);
	app_resume();
}

static bool app_signals(struct app *a)
{
	unsigned char buf[64];
	bool resized = false;
	ssize_t n;

	while ((n = read(signal_pipe[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == SIGWINCH || buf[i] == SIGCONT)
				resized = true;     // the size may have changed while stopped
			else if (buf[i] == SIGTSTP)
				app_suspend();
			else
				a->quit = true;
			if (buf[i] == SIGCONT)
				app_resume();
		}
	}
	if (resized)
		app_resize();
	return resized;
}

// Registers the PSI trigger; where the kernel refuses the window (an
// unprivileged user needs a multiple of 2 s), retries with 2 s and the stall
// scaled. Says what happened in trigger_desc for the help screen.
static void trigger_setup(struct app *a, const struct options *opts)
{
	unsigned stall = opts->trigger_stall_ms, window = opts->trigger_window_ms;
	int fd;

	a->trigger_fd = -1;
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

bool app_alert_active(const struct app *a)
{
	return a->alert[0] && mono_now() < a->alert_until;
}

// Handles every key ncurses has buffered.
static void app_keys(struct app *a)
{
	int ch;

	while (!a->quit && (ch = getch()) != ERR) {
		if (ch == KEY_RESIZE)
			continue;
		view_key(a, ch);
	}
}

// The loop: one poll on keys, timer and signals; draw after anything.
static void app_loop(struct app *a)
{
	struct pollfd fds[4] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = a->timer_fd, .events = POLLIN },
		{ .fd = signal_pipe[0], .events = POLLIN },
		{ .fd = a->trigger_fd, .events = POLLPRI },    // fd -1 is ignored by poll
	};

	bool filling = monitor_idle_work(&a->mon);   // names of a burst to read

	view_draw(a);
	while (!a->quit) {
		uint64_t expirations;
		int ready = poll(fds, 4, filling ? 0 : -1);

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
			app_relist(a);
		}
		if (fds[2].revents & POLLIN)
			app_signals(a);
		if (fds[0].revents & (POLLHUP | POLLERR))
			a->quit = true;             // the terminal went away
		if (fds[0].revents & POLLIN)
			app_keys(a);
		if ((fds[1].revents & POLLIN) &&
		    read(a->timer_fd, &expirations, sizeof expirations) == sizeof expirations) {
			app_tick(a);
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
		if (!a->quit)
			view_draw(a);
	}
}

int app_run(const struct options *opts, const struct config_report *rc_report)
{
	struct source_config cfg = { .pids = opts->pids, .npids = opts->npids, .lazy_start = true };
	static struct app a;      // large (the detail view's copies): not on the stack

	a = (struct app){ .interval_s = opts->interval_s, .timer_fd = -1, .trigger_fd = -1,
			  .table.columns = opts->columns, .sensitivity = opts->sensitivity,
			  .readonly = opts->readonly };
	char err[256];

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("memtop: the interactive screen needs a terminal; use -b for batch output\n", stderr);
		return 2;
	}
	if (monitor_open(&a.mon, &cfg, opts->sensitivity, err, sizeof err) < 0) {
		fprintf(stderr, "memtop: %s\n", err);
		return 1;
	}
	a.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (a.timer_fd < 0 || signals_install() < 0) {
		fprintf(stderr, "memtop: cannot set up the refresh timer: %s\n", strerror(errno));
		monitor_close(&a.mon);
		return 1;
	}
	listmodel_set_sort(&a.list, (enum sort_key)opts->sort_key);
	if (opts->order != ORDER_NATURAL)
		a.list.descending = opts->order == ORDER_DESCENDING;
	if (rc_report && rc_report->count) {
		a.rc_problems = rc_report->count;
		snprintf(a.rc_problem, sizeof a.rc_problem, "%s", rc_report->first);
		snprintf(a.message, sizeof a.message, "%s", rc_report->first);
	}
	app_theme_load(&a, opts);
	app_tick(&a);
	if (opts->npids && a.mon.table.n == 0) {
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
	app_fill_first_page(&a);
	timer_arm(a.timer_fd, a.interval_s);
	trigger_setup(&a, opts);
	app_loop(&a);
	if (a.trigger_fd >= 0)
		close(a.trigger_fd);
	ui_stop(&a.ui);
	listmodel_free(&a.list);
	maptable_free(&a.detail.mt);
	detail_release(&a.detail);
	proc_detail_free(&a.detail.d);
	monitor_close(&a.mon);
	free(a.visible);
	close(a.timer_fd);
	return 0;
}
