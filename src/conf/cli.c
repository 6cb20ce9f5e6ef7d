/* cli.c — parses memtop's command line. */
#include "conf/cli.h"

#include "model/columns.h"
#include "model/proctable.h"
#include "util/timeexpr.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

// Codes of the options without a short form, out of the range of letters.
enum {
	OPT_NO_COLOR = 0x100, OPT_LIST_THEMES, OPT_READONLY, OPT_SENSITIVITY, OPT_FAIL_ON_LEAK,
	OPT_SMAPS, OPT_GROUP, OPT_PSI_TRIGGER, OPT_KEEP, OPT_MAX_SIZE, OPT_NO_CMDLINE, OPT_HISTORY,
	OPT_NO_HISTORY, OPT_SCREEN, OPT_REPORT, OPT_SINCE, OPT_UNTIL, OPT_CGROUPS, OPT_LISTEN,
	OPT_ALLOW_REMOTE, OPT_EXPORT_TOP, OPT_EXPORT_CMDLINE, OPT_CHECK, OPT_CHECK_ROOT, OPT_BREAKDOWN,
	OPT_ALLOC_SITES, OPT_DURATION, OPT_ALLOC_EVERY, OPT_ALLOC_MIN_SIZE, OPT_ALLOC_LIMIT,
};

// Every option, in --help's order: the one list that --help, getopt_long's
// tables and (through --help) the man page check and the shell completions
// are made from. cli_apply's switch carries each one out by its code.
static const struct cli_option options[] = {
	{ 'b', "batch", NULL, "print samples to stdout instead of the interactive screen", NULL },
	{ 'd', "delay", "SECONDS", "refresh interval, fractions allowed (min 0.1, default 1)", NULL },
	{ 'n', "iterations", "COUNT", "stop after COUNT samples (batch default: unlimited)", NULL },
	{ 'p', "pid", "PID[,PID...]", "watch only these processes", NULL },
	{ 's', "sort", "KEY", "initial sort (default rss):", sort_key_list },
	{ 'f', "format", "FORMAT",
	  "batch output: table (default), json (one object per line), csv, prometheus (the text "
	  "format 0.0.4) or openmetrics (a scrape per sample); with --report also html", NULL },
	{ 'o', "output", "FILE",
	  "with -f prometheus or openmetrics: replace FILE with each sample (a new file renamed over "
	  "it, as node_exporter's textfile collector wants) instead of printing it", NULL },
	{ 't', "theme", "NAME|PATH",
	  "colour theme: a name from the theme folders or a file (default, light, mono, "
	  "high-contrast, dracula, solarized-dark; t cycles them on screen)", NULL },
	{ OPT_LIST_THEMES, "list-themes", NULL, "print the themes found, with their files, and exit", NULL },
	{ OPT_NO_COLOR, "no-color", NULL,
	  "monochrome screen: the mono theme (also when NO_COLOR is set)", NULL },
	{ OPT_READONLY, "readonly", NULL, "the screen sends no signals (k and F9 are off)", NULL },
	{ OPT_SENSITIVITY, "leak-sensitivity", "low|normal|high",
	  "how much evidence a leak verdict needs (default normal)", NULL },
	{ OPT_CGROUPS, "cgroups", NULL,
	  "batch: the memory cgroups that hold processes (services, containers, pods), with usage, "
	  "limit, growth and a leak verdict of their own: a \"cgroups\" array in json, one row per "
	  "cgroup instead of per process in table and csv", NULL },
	{ OPT_BREAKDOWN, "breakdown", NULL,
	  "batch: where the memory went, each tick: MemTotal split into its parts (anonymous, page "
	  "cache, shmem with its tmpfs mounts and SysV segments, slab with its largest caches, kernel "
	  "stacks, page tables, ...) with growth and a leak verdict each: a \"breakdown\" object in "
	  "json, one row per part instead of per process in table and csv", NULL },
	{ OPT_FAIL_ON_LEAK, "fail-on-leak", NULL,
	  "batch: exit 3 when a watched process (with --cgroups: or a cgroup) is a suspected leak at "
	  "the end of the run (and name it on stderr); --report: when the period has a suspected "
	  "leak; --alloc-sites: when a stack is a suspected leak at the end", NULL },
	{ OPT_SMAPS, "smaps", "PID", "print the process's mapping table (from smaps) and exit", NULL },
	{ OPT_GROUP, "group", NULL, "with --smaps: one row per mapped file or kind of region", NULL },
	{ OPT_PSI_TRIGGER, "psi-trigger", "S/W",
	  "wake the screen at once when tasks stall S ms within W ms of memory pressure "
	  "(default 100/1000; off to disable)", NULL },
	{ 'w', "write", "FILE",
	  "record to FILE, an SQLite recording (see memtop(1)), instead of showing the screen; "
	  "with -b also print (default interval 5 s)", NULL },
	{ OPT_KEEP, "keep", "DAYS", "with -w: drop recorded data older than DAYS (default 30)", NULL },
	{ OPT_MAX_SIZE, "max-size", "SIZE",
	  "with -w: keep the recording under SIZE bytes, K, M, G or T (default 1G)", NULL },
	{ OPT_NO_CMDLINE, "no-cmdline", NULL,
	  "with -w: record process names without their command lines; with --report: leave "
	  "them out of the report", NULL },
	{ OPT_SCREEN, "screen", NULL,
	  "with -w or --listen: show the interactive screen as well, recording or serving what it "
	  "samples (default interval 1 s)", NULL },
	{ OPT_LISTEN, "listen", "[ADDR:]PORT",
	  "serve the metrics for Prometheus at http://ADDR:PORT/metrics (default address 127.0.0.1; "
	  "memtop's port is 19377); alone without a screen until stopped, or beside -b, -w or "
	  "--screen", NULL },
	{ OPT_ALLOW_REMOTE, "allow-remote", NULL,
	  "with --listen: allow an address beyond loopback (anyone who reaches it sees the "
	  "metrics: see memtop(1) for TLS and authentication)", NULL },
	{ OPT_EXPORT_TOP, "export-top", "K",
	  "metrics of every suspected leak and the K largest processes and cgroups (default 10, "
	  "at most 1000)", NULL },
	{ OPT_EXPORT_CMDLINE, "export-cmdline", NULL,
	  "label the processes' metrics with their command lines too (they can hold secrets)", NULL },
	{ 'r', "read", "FILE",
	  "show a recording (made with -w) instead of this machine now: the screen at its newest "
	  "sample (keys step through it), or with -b every sample from the first", NULL },
	{ OPT_HISTORY, "history", "FILE",
	  "preload each process's past from a recording of this boot (default "
	  MEMTOP_DEFAULT_RECORDING " when it is there)", NULL },
	{ OPT_NO_HISTORY, "no-history", NULL, "start without a recording's past", NULL },
	{ OPT_REPORT, "report", "FILE",
	  "write a report of a recording (suspected leaks, top growers, pressure, OOM kills, "
	  "lowest available memory) to stdout in the --format given, html too, and exit", NULL },
	{ OPT_SINCE, "since", "TIME",
	  "with --report: the period starts at TIME: " TIMEEXPR_FORMS " (a clock time or a "
	  "relative one against the recording's newest sample; default its first)", NULL },
	{ OPT_UNTIL, "until", "TIME", "with --report: the period ends at TIME (default the newest sample)",
	  NULL },
	{ OPT_CHECK, "check", NULL,
	  "review this machine's settings against what turns a slow leak into an outage (swap and "
	  "OOM handlers, PSI, the OOM killer's sysctls, overcommit, watermarks, shielded processes, "
	  "services and containers without a memory limit), print each finding with why and the fix "
	  "(-f json for configuration management) and exit 1 when there is one, 0 when none", NULL },
	{ OPT_ALLOC_SITES, "alloc-sites", "PID",
	  "print where PID's outstanding heap memory was allocated, by user stack (uprobes on its "
	  "allocator, eBPF: needs root), after reading it every -d seconds for --duration, with "
	  "each stack's growth and a leak verdict, and exit; 1 when it cannot attach", NULL },
	{ OPT_DURATION, "duration", "SECONDS",
	  "with --alloc-sites: how long to watch (0.5 to 86400, default 10)", NULL },
	{ OPT_ALLOC_EVERY, "alloc-every", "N",
	  "allocation sites (--alloc-sites, and the screen's a key): track one allocation in N "
	  "(1 to 1000000, default 1: every one); sizes are then estimates", NULL },
	{ OPT_ALLOC_MIN_SIZE, "alloc-min-size", "SIZE",
	  "allocation sites: leave out allocations smaller than SIZE bytes, K, M or G (default 0)", NULL },
	{ OPT_ALLOC_LIMIT, "alloc-limit", "SECONDS",
	  "the screen's allocation sites detach by themselves after SECONDS (default 300; 0: never)", NULL },
	{ OPT_CHECK_ROOT, "check-root", "DIR",
	  "with --check: read DIR/proc and DIR/sys instead of /proc and /sys (for tests)", NULL },
	{ 'h', "help", NULL, "show this help", NULL },
	{ 'V', "version", NULL, "show the version", NULL },
};

#define OPTION_COUNT (sizeof options / sizeof options[0])

// --help's layout: the option column, where the descriptions start, and the
// width they wrap at.
#define HELP_INDENT 2
#define HELP_DESC_COL 26
#define HELP_WIDTH 88

static const char usage_head[] =
	"Usage: memtop [-b] [-d SECONDS] [-n COUNT] [-p PID[,PID...]] [-s KEY] [-t THEME]\n"
	"              [--format table|json|csv] [--leak-sensitivity low|normal|high]\n"
	"              [--cgroups] [--breakdown] [--fail-on-leak]\n"
	"              [--format prometheus|openmetrics [-o FILE]]\n"
	"       memtop --listen [ADDR:]PORT [-b | -w FILE | --screen] [--allow-remote]\n"
	"              [--export-top K] [--export-cmdline] [--cgroups]\n"
	"       memtop --smaps PID [--group] [--format table|json|csv]\n"
	"       memtop -w FILE [-b | --screen] [-d SECONDS] [--keep DAYS] [--max-size SIZE]\n"
	"              [--no-cmdline]\n"
	"       memtop -r FILE [-b] [-n COUNT] [--format table|json|csv]\n"
	"       memtop --report FILE [--since TIME] [--until TIME] [--format table|json|csv|html]\n"
	"              [--no-cmdline] [--fail-on-leak]\n"
	"       memtop --check [--format table|json]\n"
	"       memtop --alloc-sites PID [--duration SECONDS] [-d SECONDS] [--alloc-every N]\n"
	"              [--alloc-min-size SIZE] [--format table|json|csv] [--fail-on-leak]\n";

static const char usage_tail[] =
	"Settings (interval, sort, order, theme, columns, leak sensitivity, readonly) are read from\n"
	"$XDG_CONFIG_HOME/memtop/memtoprc (~/.config/memtop/memtoprc); options override\n"
	"them, and W on the screen writes them. See memtop(1) and memtoprc(5).\n";

const struct cli_option *cli_options(size_t *count)
{
	*count = OPTION_COUNT;
	return options;
}

bool cli_option_has_short(const struct cli_option *o)
{
	return o->code > 0 && o->code < OPT_NO_COLOR;
}

// Writes text word by word from column col, wrapping before HELP_WIDTH to
// HELP_DESC_COL; returns the column it ends at.
static int write_wrapped(FILE *out, const char *text, int col)
{
	while (*text) {
		size_t len = strcspn(text, " ");

		if (len > 0) {
			if (col > HELP_DESC_COL && col + 1 + (int)len > HELP_WIDTH)
				col = fprintf(out, "\n%*s", HELP_DESC_COL, "") - 1;
			else if (col > HELP_DESC_COL)
				col += fprintf(out, " ");
			col += fprintf(out, "%.*s", (int)len, text);
		}
		text += len + (text[len] == ' ');
	}
	return col;
}

// Writes one option's --help entry: its spellings and argument, then its
// description from HELP_DESC_COL (on the next line when they do not leave
// two blanks before it).
static void write_option(FILE *out, const struct cli_option *o)
{
	char left[64];
	int col;

	if (cli_option_has_short(o))
		snprintf(left, sizeof left, "-%c, --%s", o->code, o->name);
	else
		snprintf(left, sizeof left, "    --%s", o->name);
	if (o->arg)
		snprintf(left + strlen(left), sizeof left - strlen(left), " %s", o->arg);
	col = fprintf(out, "%*s%s", HELP_INDENT, "", left);
	if (col + 2 > HELP_DESC_COL)
		col = fprintf(out, "\n") - 1;
	col += fprintf(out, "%*s", HELP_DESC_COL - col, "");
	col = write_wrapped(out, o->help, col);
	if (o->values) {
		char values[256];

		o->values(values, sizeof values);
		write_wrapped(out, values, col);
	}
	fputc('\n', out);
}

void cli_usage_write(FILE *out)
{
	fputs(usage_head, out);
	for (size_t i = 0; i < OPTION_COUNT; i++)
		write_option(out, &options[i]);
	fputs(usage_tail, out);
}

// Parses the -d value: a finite decimal within the allowed range.
int cli_parse_interval(const char *s, double *out, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v)) {
		snprintf(err, errlen, "invalid interval '%s': expected seconds, e.g. 1 or 0.5", s);
		return -1;
	}
	if (v < CLI_MIN_INTERVAL || v > CLI_MAX_INTERVAL) {
		snprintf(err, errlen, "interval %s out of range: %.1f to %.0f seconds", s,
			 CLI_MIN_INTERVAL, CLI_MAX_INTERVAL);
		return -1;
	}
	*out = v;
	return 0;
}

// Splits --listen's value into an address and a port. The address is only
// checked for its form here (inet_pton, at start-up, says whether it is one).
int cli_parse_listen(const char *s, char *addr, size_t addrlen, int *port, char *err, size_t errlen)
{
	const char *colon = strrchr(s, ':'), *p = colon ? colon + 1 : s;
	size_t alen = colon ? (size_t)(colon - s) : 0;
	char *end;
	long v;

	errno = 0;
	v = strtol(p, &end, 10);
	if (!*p || *end || errno || v < 0 || v > 65535 || !isdigit((unsigned char)*p)) {
		snprintf(err, errlen, "invalid --listen '%s': expected [ADDR:]PORT, PORT 0 to 65535", s);
		return -1;
	}
	if (alen >= 2 && s[0] == '[' && s[alen - 1] == ']') {   // [IPv6]:PORT
		s++;
		alen -= 2;
	} else if (memchr(s, ':', alen)) {
		snprintf(err, errlen, "invalid --listen '%s': write an IPv6 address in brackets, [::1]:PORT", s);
		return -1;
	}
	if (alen == 0 || (alen == 9 && strncmp(s, "localhost", 9) == 0)) {
		s = CLI_DEFAULT_LISTEN_ADDR;
		alen = strlen(s);
	}
	if (alen >= addrlen) {
		snprintf(err, errlen, "invalid --listen: address too long");
		return -1;
	}
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	*port = (int)v;
	return 0;
}

// Parses a positive decimal integer no larger than max; the whole string.
static int parse_positive(const char *s, long max, long *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

// Parses --psi-trigger: "STALL_MS/WINDOW_MS" (the kernel takes windows of
// 500 ms to 10 s) or "off".
static int parse_trigger(const char *s, struct options *opts, char *err, size_t errlen)
{
	char *slash = strchr(s, '/'), *end;
	long stall, window;

	if (strcmp(s, "off") == 0) {
		opts->trigger_stall_ms = opts->trigger_window_ms = 0;
		return 0;
	}
	errno = 0;
	stall = slash ? strtol(s, &end, 10) : -1;
	if (!slash || end != slash || errno || stall < 1) {
		snprintf(err, errlen, "invalid --psi-trigger '%s': expected STALL_MS/WINDOW_MS, e.g. 100/1000, or off", s);
		return -1;
	}
	window = strtol(slash + 1, &end, 10);
	if (*end || slash[1] < '0' || slash[1] > '9' || window < 500 || window > 10000 || stall > window) {
		snprintf(err, errlen, "invalid --psi-trigger '%s': the window is 500 to 10000 ms and the stall at most the window", s);
		return -1;
	}
	opts->trigger_stall_ms = (unsigned)stall;
	opts->trigger_window_ms = (unsigned)window;
	return 0;
}

// Parses a size: bytes, or K, M, G or T (alone, KB or KiB) times 1024^n.
static int parse_bytes(const char *s, unsigned long long *out, char *err, size_t errlen)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	char *end;

	errno = 0;
	v = *s >= '0' && *s <= '9' ? strtoull(s, &end, 10) : 0;
	if (*s < '0' || *s > '9' || errno == ERANGE) {
		snprintf(err, errlen, "invalid size '%s': expected bytes with K, M, G or T, e.g. 500M", s);
		return -1;
	}
	if (*end) {
		// A unit: K, M, G or T, alone or as KB or KiB.
		const char *u = strchr(units, toupper((unsigned char)*end));
		const char *rest = end + 1;
		unsigned shift = u ? 10u * (unsigned)(u - units + 1) : 0;

		if (!u || !(*rest == '\0' || strcasecmp(rest, "B") == 0 || strcmp(rest, "iB") == 0) ||
		    v > (~0ULL >> shift)) {
			snprintf(err, errlen, "invalid size '%s': expected bytes with K, M, G or T, e.g. 500M", s);
			return -1;
		}
		v <<= shift;
	}
	*out = v;
	return 0;
}

int cli_parse_size(const char *s, unsigned long long *out, char *err, size_t errlen)
{
	unsigned long long v;

	if (parse_bytes(s, &v, err, errlen) < 0)
		return -1;
	if (v < CLI_MIN_MAX_SIZE) {
		snprintf(err, errlen, "size %s too small: at least 1M", s);
		return -1;
	}
	*out = v;
	return 0;
}

// An option that names a file (-w, -r, --history): kept as given (it
// points into argv); an empty name is refused.
static enum cli_result file_arg(const char *arg, const char *name, const char **out, char *err, size_t errlen)
{
	if (!*arg) {
		snprintf(err, errlen, "%s needs a file name", name);
		return CLI_ERROR;
	}
	*out = arg;
	return CLI_RUN;
}

// Parses --keep: days, fractions allowed, within (0, CLI_MAX_KEEP_DAYS].
static int parse_keep(const char *s, double *out, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno == ERANGE || !isfinite(v) || v <= 0 || v > CLI_MAX_KEEP_DAYS) {
		snprintf(err, errlen, "invalid --keep '%s': expected days, more than 0 and at most %.0f",
			 s, CLI_MAX_KEEP_DAYS);
		return -1;
	}
	*out = v;
	return 0;
}

// Parses a number of seconds within [min, max]; what names the option in the error.
static int parse_seconds(const char *s, double min, double max, const char *what, double *out, char *err,
			 size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno == ERANGE || !isfinite(v) || v < min || v > max) {
		snprintf(err, errlen, "invalid %s '%s': expected seconds, %g to %g", what, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

// Handles the allocation-sites options (--alloc-sites and its settings).
static enum cli_result apply_alloc(int c, const char *arg, struct options *opts, char *err, size_t errlen)
{
	unsigned long long size;
	long v;

	switch (c) {
	case OPT_ALLOC_SITES:
		if (parse_positive(arg, INT_MAX, &v) < 0) {
			snprintf(err, errlen, "invalid PID '%s' for --alloc-sites", arg);
			return CLI_ERROR;
		}
		opts->alloc_sites_pid = (int)v;
		return CLI_RUN;
	case OPT_DURATION:
		opts->given |= OPT_GIVEN_ALLOC_DURATION;
		return parse_seconds(arg, CLI_MIN_ALLOC_DURATION, CLI_MAX_ALLOC_DURATION, "--duration",
				     &opts->alloc_duration_s, err, errlen) < 0 ? CLI_ERROR : CLI_RUN;
	case OPT_ALLOC_EVERY:
		if (parse_positive(arg, CLI_MAX_ALLOC_EVERY, &v) < 0) {
			snprintf(err, errlen, "invalid --alloc-every '%s': expected a whole number, 1 to %d",
				 arg, CLI_MAX_ALLOC_EVERY);
			return CLI_ERROR;
		}
		opts->alloc.sample_every = (uint32_t)v;
		opts->given |= OPT_GIVEN_ALLOC;
		return CLI_RUN;
	case OPT_ALLOC_MIN_SIZE:
		if (parse_bytes(arg, &size, err, errlen) < 0)
			return CLI_ERROR;
		opts->alloc.min_size = size;
		opts->given |= OPT_GIVEN_ALLOC;
		return CLI_RUN;
	default:        // OPT_ALLOC_LIMIT
		opts->given |= OPT_GIVEN_ALLOC_LIMIT;
		return parse_seconds(arg, 0, CLI_MAX_ALLOC_DURATION, "--alloc-limit", &opts->alloc_limit_s,
				     err, errlen) < 0 ? CLI_ERROR : CLI_RUN;
	}
}

// Parses "PID[,PID...]" into a newly allocated array appended to opts.
static int parse_pid_list(const char *s, struct options *opts, char *err, size_t errlen)
{
	char *copy = strdup(s);
	size_t n = 1;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (const char *c = s; *c; c++)
		n += *c == ',';
	int *pids = realloc(opts->pids, (opts->npids + n) * sizeof *pids);
	if (!pids) {
		free(copy);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	opts->pids = pids;
	// strtok_r would silently skip empty items such as "1,,2": walk by hand.
	for (char *item = copy, *next; item; item = next) {
		long pid;

		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		if (parse_positive(item, INT_MAX, &pid) < 0) {
			snprintf(err, errlen, "invalid PID '%s' in '%s'", item, s);
			free(copy);
			return -1;
		}
		opts->pids[opts->npids++] = (int)pid;
	}
	free(copy);
	return 0;
}

// Maps a --format name to its enum.
static int parse_format(const char *s, enum output_format *out, char *err, size_t errlen)
{
	static const struct { const char *name; enum output_format fmt; } formats[] = {
		{ "table", FORMAT_TABLE }, { "json", FORMAT_JSON }, { "csv", FORMAT_CSV },
		{ "html", FORMAT_HTML }, { "prometheus", FORMAT_PROMETHEUS },
		{ "openmetrics", FORMAT_OPENMETRICS },
	};

	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (strcmp(s, formats[i].name) == 0) {
			*out = formats[i].fmt;
			return 0;
		}
	}
	snprintf(err, errlen, "unknown format '%s': expected table, json, csv, prometheus, openmetrics "
		 "or html", s);
	return -1;
}

int cli_parse_sensitivity(const char *s)
{
	static const char *const names[] = {
		[LEAK_SENS_NORMAL] = "normal", [LEAK_SENS_LOW] = "low", [LEAK_SENS_HIGH] = "high",
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

// Handles one parsed option. Returns CLI_RUN to go on.
static enum cli_result cli_apply(int c, const char *arg, const char *opt_text,
				 struct options *opts, char *err, size_t errlen)
{
	switch (c) {
	case 'b':
		opts->batch = true;
		return CLI_RUN;
	case 'd':
		opts->given |= OPT_GIVEN_INTERVAL;
		return cli_parse_interval(arg, &opts->interval_s, err, errlen) < 0 ? CLI_ERROR : CLI_RUN;
	case 'n':
		if (parse_positive(arg, LONG_MAX, &opts->count) < 0) {
			snprintf(err, errlen, "invalid count '%s': expected a whole number >= 1", arg);
			return CLI_ERROR;
		}
		return CLI_RUN;
	case 'p':
		return parse_pid_list(arg, opts, err, errlen) < 0 ? CLI_ERROR : CLI_RUN;
	case 'f':
		return parse_format(arg, &opts->format, err, errlen) < 0 ? CLI_ERROR : CLI_RUN;
	case 's':
		opts->given |= OPT_GIVEN_SORT;
		if ((opts->sort_key = sort_key_parse(arg)) < 0) {
			char keys[160];

			sort_key_list(keys, sizeof keys);
			snprintf(err, errlen, "unknown sort key '%s': expected %s", arg, keys);
			return CLI_ERROR;
		}
		return CLI_RUN;
	case OPT_NO_COLOR:
		opts->no_color = true;
		opts->given |= OPT_GIVEN_NO_COLOR;
		return CLI_RUN;
	case 't':
		// A control character could not be written back to memtoprc.
		if (!*arg || strlen(arg) >= sizeof opts->theme || strpbrk(arg, "\n\r\t\x1b")) {
			snprintf(err, errlen, "invalid theme '%.60s': expected a name or a path", arg);
			return CLI_ERROR;
		}
		snprintf(opts->theme, sizeof opts->theme, "%s", arg);
		opts->given |= OPT_GIVEN_THEME;
		return CLI_RUN;
	case OPT_LIST_THEMES:
		opts->list_themes = true;
		return CLI_RUN;
	case OPT_READONLY:
		opts->readonly = true;
		opts->given |= OPT_GIVEN_READONLY;
		return CLI_RUN;
	case OPT_SENSITIVITY: {
		int sens = cli_parse_sensitivity(arg);

		if (sens < 0) {
			snprintf(err, errlen, "unknown leak sensitivity '%s': expected low, normal or high", arg);
			return CLI_ERROR;
		}
		opts->sensitivity = (enum leak_sensitivity)sens;
		opts->given |= OPT_GIVEN_SENSITIVITY;
		return CLI_RUN;
	}
	case OPT_FAIL_ON_LEAK:
		opts->fail_on_leak = true;
		return CLI_RUN;
	case OPT_CGROUPS:
		opts->cgroups = true;
		return CLI_RUN;
	case OPT_BREAKDOWN:
		opts->breakdown = true;
		return CLI_RUN;
	case OPT_SMAPS: {
		long pid;

		if (parse_positive(arg, INT_MAX, &pid) < 0) {
			snprintf(err, errlen, "invalid PID '%s' for --smaps", arg);
			return CLI_ERROR;
		}
		opts->smaps_pid = (int)pid;
		return CLI_RUN;
	}
	case OPT_GROUP:
		opts->group = true;
		return CLI_RUN;
	case OPT_PSI_TRIGGER:
		return parse_trigger(arg, opts, err, errlen) < 0 ? CLI_ERROR : CLI_RUN;
	case 'w':
		return file_arg(arg, "-w", &opts->write_path, err, errlen);
	case 'r':
		return file_arg(arg, "-r", &opts->read_path, err, errlen);
	case OPT_HISTORY:
		return file_arg(arg, "--history", &opts->history_path, err, errlen);
	case OPT_NO_HISTORY:
		opts->no_history = true;
		return CLI_RUN;
	case OPT_SCREEN:
		opts->screen = true;
		return CLI_RUN;
	case OPT_LISTEN:
		opts->listen = true;
		return cli_parse_listen(arg, opts->listen_addr, sizeof opts->listen_addr, &opts->listen_port,
					err, errlen) < 0 ? CLI_ERROR : CLI_RUN;
	case OPT_ALLOW_REMOTE:
		opts->allow_remote = true;
		return CLI_RUN;
	case OPT_EXPORT_TOP: {
		long k;

		if (parse_positive(arg, CLI_MAX_EXPORT_TOP, &k) < 0 && strcmp(arg, "0") != 0) {
			snprintf(err, errlen, "invalid count '%s' for --export-top: 0 to %d", arg, CLI_MAX_EXPORT_TOP);
			return CLI_ERROR;
		}
		opts->export_top = strcmp(arg, "0") == 0 ? 0 : (unsigned)k;
		opts->given |= OPT_GIVEN_EXPORT_TOP;
		return CLI_RUN;
	}
	case OPT_EXPORT_CMDLINE:
		opts->export_cmdline = true;
		return CLI_RUN;
	case 'o':
		return file_arg(arg, "-o", &opts->out_path, err, errlen);
	case OPT_KEEP:
		return parse_keep(arg, &opts->keep_days, err, errlen) < 0 ? CLI_ERROR : CLI_RUN;
	case OPT_MAX_SIZE:
		return cli_parse_size(arg, &opts->max_size, err, errlen) < 0 ? CLI_ERROR : CLI_RUN;
	case OPT_NO_CMDLINE:
		opts->no_cmdline = true;
		return CLI_RUN;
	case OPT_REPORT:
	case OPT_SINCE:
	case OPT_UNTIL:
		if (!*arg) {
			snprintf(err, errlen, "--%s needs a value",
				 c == OPT_REPORT ? "report" : c == OPT_SINCE ? "since" : "until");
			return CLI_ERROR;
		}
		*(c == OPT_REPORT ? &opts->report_path : c == OPT_SINCE ? &opts->since : &opts->until) = arg;
		return CLI_RUN;
	case OPT_CHECK:
		opts->check = true;
		return CLI_RUN;
	case OPT_CHECK_ROOT:
		return file_arg(arg, "--check-root", &opts->check_root, err, errlen);
	case OPT_ALLOC_SITES:
	case OPT_DURATION:
	case OPT_ALLOC_EVERY:
	case OPT_ALLOC_MIN_SIZE:
	case OPT_ALLOC_LIMIT:
		return apply_alloc(c, arg, opts, err, errlen);
	case 'h':
		return CLI_HELP;
	case 'V':
		return CLI_VERSION;
	case ':':
		snprintf(err, errlen, "option '%s' needs a value", opt_text);
		return CLI_ERROR;
	default:
		snprintf(err, errlen, "unknown option '%s'", opt_text);
		return CLI_ERROR;
	}
}

void cli_defaults(struct options *opts)
{
	*opts = (struct options){ .interval_s = 1.0, .format = FORMAT_TABLE, .sort_key = SORT_RSS,
				  .trigger_stall_ms = 100, .trigger_window_ms = 1000,
				  .columns = COLUMNS_DEFAULT, .export_top = CLI_DEFAULT_EXPORT_TOP,
				  .alloc_duration_s = CLI_DEFAULT_ALLOC_DURATION,
				  .alloc = { .sample_every = 1 },
				  .alloc_limit_s = ALLOCSITES_DEFAULT_LIMIT_S };
}

// Fills getopt_long's tables from options[]: longopts (NULL-terminated,
// OPTION_COUNT + 1 entries) and shortopts (at least 2 * OPTION_COUNT + 2
// bytes; ':' first, so that a missing value is told from an unknown option).
static void build_getopt_tables(struct option *longopts, char *shortopts)
{
	char *s = shortopts;

	*s++ = ':';
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		const struct cli_option *o = &options[i];

		longopts[i] = (struct option){ o->name, o->arg ? required_argument : no_argument,
					       NULL, o->code };
		if (cli_option_has_short(o)) {
			*s++ = (char)o->code;
			if (o->arg)
				*s++ = ':';
		}
	}
	*s = '\0';
	longopts[OPTION_COUNT] = (struct option){ NULL, 0, NULL, 0 };
}

// The metrics' rules: --listen serves a live run, the metric formats are
// batch output, and their options go with one of them.
static int cli_check_metrics(const struct options *opts, char *err, size_t errlen)
{
	bool metric_format = opts->format == FORMAT_PROMETHEUS || opts->format == FORMAT_OPENMETRICS;

	if (opts->listen && (opts->read_path || opts->smaps_pid || opts->report_path)) {
		snprintf(err, errlen, "--listen serves this machine now: it does not go with %s",
			 opts->read_path ? "-r" : opts->smaps_pid ? "--smaps" : "--report");
		return -1;
	}
	if (metric_format && (!opts->batch || opts->smaps_pid || opts->report_path)) {
		snprintf(err, errlen, "--format %s is batch output: %s", opts->format == FORMAT_PROMETHEUS ?
			 "prometheus" : "openmetrics", opts->batch ? "not with --smaps or --report" : "add -b");
		return -1;
	}
	if (opts->out_path && !metric_format) {
		snprintf(err, errlen, "-o FILE goes with -b -f prometheus or -f openmetrics");
		return -1;
	}
	if (!opts->listen && opts->allow_remote) {
		snprintf(err, errlen, "--allow-remote goes with --listen");
		return -1;
	}
	if (!opts->listen && !metric_format && ((opts->given & OPT_GIVEN_EXPORT_TOP) || opts->export_cmdline)) {
		snprintf(err, errlen, "%s goes with --listen or -f prometheus|openmetrics",
			 opts->export_cmdline ? "--export-cmdline" : "--export-top");
		return -1;
	}
	return 0;
}

// --report's rules: a mode of its own, and the options only it takes.
static int cli_check_report(const struct options *opts, char *err, size_t errlen)
{
	if (!opts->report_path) {
		if (opts->since || opts->until || opts->format == FORMAT_HTML) {
			snprintf(err, errlen, "%s goes with --report FILE", opts->since ? "--since" :
				 opts->until ? "--until" : "--format html");
			return -1;
		}
		return 0;
	}
	if (opts->write_path || opts->smaps_pid || opts->npids || opts->read_path || opts->history_path ||
	    opts->no_history) {
		snprintf(err, errlen, "--report does not go with %s", opts->write_path ? "-w" :
			 opts->smaps_pid ? "--smaps" : opts->npids ? "-p" : opts->read_path ? "-r" :
			 opts->history_path ? "--history" : "--no-history");
		return -1;
	}
	return 0;
}

// --check's rules: a mode of its own (what it reads is not a sample), in
// the table format or json.
static int cli_check_checkup(const struct options *opts, char *err, size_t errlen)
{
	const char *other;

	if (!opts->check) {
		if (opts->check_root) {
			snprintf(err, errlen, "--check-root goes with --check");
			return -1;
		}
		return 0;
	}
	other = opts->batch ? "-b" : opts->write_path ? "-w" : opts->read_path ? "-r" :
		opts->report_path ? "--report" : opts->smaps_pid ? "--smaps" : opts->listen ? "--listen" :
		opts->npids ? "-p" : opts->cgroups ? "--cgroups" : opts->fail_on_leak ? "--fail-on-leak" :
		opts->count ? "-n" : opts->screen ? "--screen" : opts->history_path ? "--history" : NULL;
	if (other) {
		snprintf(err, errlen, "--check does not go with %s", other);
		return -1;
	}
	if (opts->format != FORMAT_TABLE && opts->format != FORMAT_JSON) {
		snprintf(err, errlen, "--check writes the table format or json");
		return -1;
	}
	return 0;
}

// --breakdown: batch mode of this machine, in table, json or csv; with
// --cgroups only in json (both replace the rows of table and csv).
static int cli_check_breakdown(const struct options *opts, char *err, size_t errlen)
{
	if (!opts->breakdown)
		return 0;
	if (!opts->batch || opts->read_path || opts->smaps_pid || opts->report_path) {
		snprintf(err, errlen, "--breakdown works in batch mode (add -b) of this machine");
		return -1;
	}
	if (opts->format == FORMAT_PROMETHEUS || opts->format == FORMAT_OPENMETRICS) {
		snprintf(err, errlen, "--breakdown prints table, json or csv");
		return -1;
	}
	if (opts->cgroups && opts->format != FORMAT_JSON) {
		snprintf(err, errlen, "--breakdown and --cgroups together need --format json");
		return -1;
	}
	return 0;
}

// --alloc-sites PID: a batch mode of its own, of this machine now, in
// table, json or csv; --duration goes with it, and --alloc-limit (the
// screen's) does not. The sessions' settings go with a live run.
static int cli_check_alloc(const struct options *opts, char *err, size_t errlen)
{
	const char *other;

	if (!opts->alloc_sites_pid) {
		if (opts->given & OPT_GIVEN_ALLOC_DURATION) {
			snprintf(err, errlen, "--duration goes with --alloc-sites PID");
			return -1;
		}
		if ((opts->given & (OPT_GIVEN_ALLOC | OPT_GIVEN_ALLOC_LIMIT)) &&
		    (opts->read_path || opts->report_path || opts->check || opts->smaps_pid)) {
			snprintf(err, errlen, "--%s is for allocation sites of a live process: not with %s",
				 opts->given & OPT_GIVEN_ALLOC_LIMIT ? "alloc-limit" : "alloc-every/--alloc-min-size",
				 opts->read_path ? "-r" : opts->report_path ? "--report" : opts->check ? "--check" :
				 "--smaps");
			return -1;
		}
		return 0;
	}
	other = opts->npids ? "-p" : opts->write_path ? "-w" : opts->read_path ? "-r" :
		opts->listen ? "--listen" : opts->smaps_pid ? "--smaps" : opts->report_path ? "--report" :
		opts->check ? "--check" : opts->cgroups ? "--cgroups" : opts->breakdown ? "--breakdown" :
		opts->count ? "-n (use --duration)" : opts->screen ? "--screen" :
		opts->history_path ? "--history" : opts->out_path ? "-o" :
		(opts->given & OPT_GIVEN_ALLOC_LIMIT) ? "--alloc-limit (use --duration)" : NULL;
	if (other) {
		snprintf(err, errlen, "--alloc-sites does not go with %s", other);
		return -1;
	}
	if (opts->format != FORMAT_TABLE && opts->format != FORMAT_JSON && opts->format != FORMAT_CSV) {
		snprintf(err, errlen, "--alloc-sites prints table, json or csv");
		return -1;
	}
	return 0;
}

enum cli_result cli_parse(int argc, char **argv, struct options *opts, char *err, size_t errlen)
{
	struct option longopts[OPTION_COUNT + 1];
	char shortopts[2 * OPTION_COUNT + 2];
	int c;

	build_getopt_tables(longopts, shortopts);
	cli_defaults(opts);
	err[0] = '\0';
	opterr = 0;
	optind = 0;                 // glibc: 0 re-initialises getopt for each call
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		char short_opt[3] = { '-', (char)optopt, '\0' };
		// A short option is named by its letter (it may be glued to others,
		// as in -bn); a long one, or one getopt has no letter for, as typed.
		bool by_letter = (c == '?' || c == ':') && optopt > 0 && optopt < OPT_NO_COLOR;
		const char *opt_text = by_letter ? short_opt
				       : optind > 0 && optind <= argc ? argv[optind - 1] : "?";
		enum cli_result r = cli_apply(c, optarg, opt_text, opts, err, errlen);

		if (r != CLI_RUN)
			return r;
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return CLI_ERROR;
	}
	if (opts->group && !opts->smaps_pid) {
		snprintf(err, errlen, "--group goes with --smaps PID");
		return CLI_ERROR;
	}
	if (!opts->write_path && (opts->keep_days > 0 || opts->max_size)) {
		snprintf(err, errlen, "%s goes with -w FILE", opts->keep_days > 0 ? "--keep" : "--max-size");
		return CLI_ERROR;
	}
	if (opts->screen && !opts->write_path && !opts->listen) {
		snprintf(err, errlen, "--screen goes with -w FILE or --listen");
		return CLI_ERROR;
	}
	if (cli_check_alloc(opts, err, errlen) < 0 || cli_check_checkup(opts, err, errlen) < 0 ||
	    cli_check_metrics(opts, err, errlen) < 0)
		return CLI_ERROR;
	if (opts->screen && opts->batch) {
		snprintf(err, errlen, "--screen shows the screen: it does not go with -b");
		return CLI_ERROR;
	}
	if (!opts->write_path && !opts->report_path && opts->no_cmdline) {
		snprintf(err, errlen, "--no-cmdline goes with -w FILE or --report FILE");
		return CLI_ERROR;
	}
	if (cli_check_report(opts, err, errlen) < 0)
		return CLI_ERROR;
	if (opts->write_path && opts->smaps_pid) {
		snprintf(err, errlen, "-w does not go with --smaps");
		return CLI_ERROR;
	}
	if (opts->read_path && (opts->write_path || opts->smaps_pid || opts->npids || opts->history_path)) {
		snprintf(err, errlen, "-r FILE does not go with %s", opts->write_path ? "-w" :
			 opts->smaps_pid ? "--smaps" : opts->npids ? "-p" : "--history");
		return CLI_ERROR;
	}
	if (opts->history_path && opts->no_history) {
		snprintf(err, errlen, "--history and --no-history contradict each other");
		return CLI_ERROR;
	}
	if (opts->cgroups && ((!opts->batch && !opts->listen) || opts->smaps_pid)) {
		snprintf(err, errlen, "--cgroups works in batch mode (add -b) and with --listen");
		return CLI_ERROR;
	}
	if (cli_check_breakdown(opts, err, errlen) < 0)
		return CLI_ERROR;
	if (opts->fail_on_leak && !opts->batch && !opts->report_path && !opts->alloc_sites_pid) {
		snprintf(err, errlen, "--fail-on-leak works in batch mode (add -b), with --report and with "
			 "--alloc-sites");
		return CLI_ERROR;
	}
	return CLI_RUN;
}

void cli_free(struct options *opts)
{
	free(opts->pids);
	opts->pids = NULL;
	opts->npids = 0;
}
