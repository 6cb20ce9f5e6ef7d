/* cli.c — parses memtop's command line. */
#include "conf/cli.h"

#include "model/columns.h"
#include "model/proctable.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cli_usage[] =
	"Usage: memtop [-b] [-d SECONDS] [-n COUNT] [-p PID[,PID...]] [-s KEY] [-t THEME]\n"
	"              [--format table|json|csv] [--leak-sensitivity low|normal|high]\n"
	"       memtop --smaps PID [--group] [--format table|json|csv]\n"
	"  -b, --batch            print samples to stdout instead of the interactive screen\n"
	"  -d, --delay SECONDS    refresh interval, fractions allowed (min 0.1, default 1)\n"
	"  -n, --iterations COUNT stop after COUNT samples (batch default: unlimited)\n"
	"  -p, --pid PID[,PID...] watch only these processes\n"
	"  -s, --sort KEY         initial sort: rss (default), anon, heap, swap, delta, growth,\n"
	"                         leak, eta, oom, adj, pid, user, command\n"
	"  -f, --format FORMAT    batch output: table (default), json (one object per line), csv\n"
	"  -t, --theme NAME|PATH  colour theme: a name from the theme folders or a file\n"
	"                         (default, light, mono, high-contrast, dracula,\n"
	"                         solarized-dark; t cycles them on screen)\n"
	"      --list-themes      print the themes found, with their files, and exit\n"
	"      --no-color         monochrome screen: the mono theme (also when NO_COLOR is set)\n"
	"      --readonly         the screen sends no signals (k and F9 are off)\n"
	"      --leak-sensitivity low|normal|high\n"
	"                         how much evidence a leak verdict needs (default normal)\n"
	"      --fail-on-leak     batch: exit 3 when a watched process is a suspected leak\n"
	"                         at the end of the run (and name it on stderr)\n"
	"      --smaps PID        print the process's mapping table (from smaps) and exit\n"
	"      --group            with --smaps: one row per mapped file or kind of region\n"
	"      --psi-trigger S/W  wake the screen at once when tasks stall S ms within W ms\n"
	"                         of memory pressure (default 100/1000; off to disable)\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"Settings (interval, sort, order, theme, columns, leak sensitivity, readonly) are read from\n"
	"$XDG_CONFIG_HOME/memtop/memtoprc (~/.config/memtop/memtoprc); options override\n"
	"them, and W on the screen writes them. See memtop(1).\n";

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
	};

	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (strcmp(s, formats[i].name) == 0) {
			*out = formats[i].fmt;
			return 0;
		}
	}
	snprintf(err, errlen, "unknown format '%s': expected table, json or csv", s);
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
	case 'C':
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
	case 'l':
		opts->list_themes = true;
		return CLI_RUN;
	case 'R':
		opts->readonly = true;
		opts->given |= OPT_GIVEN_READONLY;
		return CLI_RUN;
	case 'L': {
		int sens = cli_parse_sensitivity(arg);

		if (sens < 0) {
			snprintf(err, errlen, "unknown leak sensitivity '%s': expected low, normal or high", arg);
			return CLI_ERROR;
		}
		opts->sensitivity = (enum leak_sensitivity)sens;
		opts->given |= OPT_GIVEN_SENSITIVITY;
		return CLI_RUN;
	}
	case 'F':
		opts->fail_on_leak = true;
		return CLI_RUN;
	case 'S': {
		long pid;

		if (parse_positive(arg, INT_MAX, &pid) < 0) {
			snprintf(err, errlen, "invalid PID '%s' for --smaps", arg);
			return CLI_ERROR;
		}
		opts->smaps_pid = (int)pid;
		return CLI_RUN;
	}
	case 'g':
		opts->group = true;
		return CLI_RUN;
	case 'T':
		return parse_trigger(arg, opts, err, errlen) < 0 ? CLI_ERROR : CLI_RUN;
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
				  .columns = COLUMNS_DEFAULT };
}

enum cli_result cli_parse(int argc, char **argv, struct options *opts, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "pid", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "sort", required_argument, NULL, 's' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "theme", required_argument, NULL, 't' },
		{ "list-themes", no_argument, NULL, 'l' },
		{ "readonly", no_argument, NULL, 'R' },
		{ "leak-sensitivity", required_argument, NULL, 'L' },
		{ "fail-on-leak", no_argument, NULL, 'F' },
		{ "smaps", required_argument, NULL, 'S' },
		{ "group", no_argument, NULL, 'g' },
		{ "psi-trigger", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	cli_defaults(opts);
	err[0] = '\0';
	opterr = 0;
	optind = 0;                 // glibc: 0 re-initialises getopt for each call
	while ((c = getopt_long(argc, argv, ":bd:n:p:f:s:t:hV", longopts, NULL)) != -1) {
		char short_opt[3] = { '-', (char)optopt, '\0' };
		const char *opt_text = (c == '?' || c == ':') && optopt ? short_opt
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
	if (opts->fail_on_leak && !opts->batch) {
		snprintf(err, errlen, "--fail-on-leak works in batch mode: add -b");
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
