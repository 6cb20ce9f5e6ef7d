/* cli.h — command-line parsing into struct options; pure apart from getopt's
 * own state, which cli_parse resets on each call.
 *
 * Contract: cli_parse never prints and never exits. On error it returns
 * CLI_ERROR with a one-line reason in err. The pid list is owned by opts and
 * freed by cli_free.
 */
#ifndef MEMTOP_CLI_H
#define MEMTOP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/allocsites.h"
#include "model/leak.h"

// FORMAT_HTML is --report's only (cli_parse refuses it elsewhere).
enum output_format { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV, FORMAT_HTML, FORMAT_PROMETHEUS,
		     FORMAT_OPENMETRICS };
enum sort_order { ORDER_NATURAL, ORDER_DESCENDING, ORDER_ASCENDING };

struct options {
	bool batch;
	double interval_s;        // -d, >= CLI_MIN_INTERVAL
	long count;               // -n, 0 = unlimited
	int *pids;                // -p, NULL when not given
	size_t npids;
	enum output_format format;
	int sort_key;             // -s, an enum sort_key (default SORT_RSS)
	bool no_color;            // --no-color
	bool fail_on_leak;        // --fail-on-leak: exit 3 if a leak is suspected at the end
	bool cgroups;             // --cgroups: batch output of the cgroup table (and -f: its leaks)
	bool breakdown;           // --breakdown: batch output of where the memory went
	int smaps_pid;            // --smaps PID: dump its mapping table and exit; 0 = not
	bool group;               // --group: with --smaps, one row per mapped name
	unsigned trigger_stall_ms;   // --psi-trigger STALL/WINDOW: wake at once on pressure;
	unsigned trigger_window_ms;  // 0/0 = off (default 100/1000)
	char theme[256];          // --theme NAME|PATH; "" = the default theme
	unsigned columns;         // visible columns, COLUMN_BITs (columns.h)
	enum sort_order order;    // with the sort key: its natural order, or forced
	enum leak_sensitivity sensitivity;   // --leak-sensitivity
	bool list_themes;         // --list-themes: print the themes found and exit
	bool readonly;            // --readonly: the screen sends no signals (k)
	const char *write_path;   // -w FILE: record to FILE (points into argv); NULL = not
	double keep_days;         // --keep DAYS with -w; 0 = the recorder's default
	unsigned long long max_size;   // --max-size with -w, bytes; 0 = the recorder's default
	bool no_cmdline;          // --no-cmdline with -w or --report: names without command lines
	const char *report_path;  // --report FILE: a report of a recording (points into argv); NULL = not
	const char *since;        // --since T, --until T with --report: the period, as typed
	const char *until;        // (points into argv; parsed against the recording); NULL = open
	const char *read_path;    // -r FILE: show a recording (points into argv); NULL = live
	const char *history_path; // --history FILE; NULL = the default recording, if any
	bool no_history;          // --no-history
	bool screen;              // --screen with -w or --listen: the screen as well
	bool listen;              // --listen [ADDR:]PORT: serve /metrics (src/export/)
	char listen_addr[64];     // numeric, as inet_pton takes it (no brackets)
	int listen_port;          // 0: any free port
	bool allow_remote;        // --allow-remote: --listen may name an address beyond loopback
	unsigned export_top;      // --export-top K: processes by RSS besides the suspects
	bool export_cmdline;      // --export-cmdline: label processes with their command lines
	const char *out_path;     // -o FILE: -f prometheus|openmetrics replaced in FILE each sample
	bool check;               // --check: judge the machine's OOM settings and exit
	const char *check_root;   // --check-root DIR: read DIR/proc and DIR/sys instead (tests)
	// Allocation sites (issue 22): --alloc-sites PID in batch (0 = not),
	// for --duration S; how a session attaches (--alloc-every N,
	// --alloc-min-size SIZE), the screen's and batch mode's alike; and the
	// time limit of a session on the screen (--alloc-limit S, 0 = none).
	int alloc_sites_pid;
	double alloc_duration_s;  // default CLI_DEFAULT_ALLOC_DURATION
	struct alloc_options alloc;
	double alloc_limit_s;     // default ALLOCSITES_DEFAULT_LIMIT_S
	unsigned given;           // OPT_GIVEN_* bits: what the command line set
};

/* Settings that the rc file may also set (the command line wins), and
 * --export-top, given or not (it goes with --listen or a metric format). */
enum {
	OPT_GIVEN_INTERVAL = 1, OPT_GIVEN_SORT = 2, OPT_GIVEN_THEME = 4,
	OPT_GIVEN_SENSITIVITY = 8, OPT_GIVEN_NO_COLOR = 16, OPT_GIVEN_READONLY = 32,
	OPT_GIVEN_EXPORT_TOP = 64, OPT_GIVEN_ALLOC_DURATION = 128, OPT_GIVEN_ALLOC = 256,
	OPT_GIVEN_ALLOC_LIMIT = 512,
};

enum cli_result { CLI_RUN, CLI_HELP, CLI_VERSION, CLI_ERROR };

#define CLI_MIN_INTERVAL 0.1
#define CLI_MAX_INTERVAL 86400.0
#define CLI_MAX_KEEP_DAYS 3650.0
#define CLI_MIN_MAX_SIZE (1ULL << 20)
// Where the recorder's systemd unit records (contrib/systemd): a live start
// looks there for its history.
#define MEMTOP_DEFAULT_RECORDING "/var/log/memtop/memtop.db"
// The metrics endpoint's default port and address. Prometheus's registry of
// exporter ports (9100-9999) is full; memtop takes one outside it and below
// Linux's ephemeral range (README.md, "Prometheus").
#define CLI_DEFAULT_LISTEN_PORT 19377
#define CLI_DEFAULT_LISTEN_ADDR "127.0.0.1"
#define CLI_DEFAULT_EXPORT_TOP 10
#define CLI_MAX_EXPORT_TOP 1000
#define CLI_DEFAULT_ALLOC_DURATION 10.0
#define CLI_MIN_ALLOC_DURATION 0.5
#define CLI_MAX_ALLOC_DURATION 86400.0
#define CLI_MAX_ALLOC_EVERY 1000000

/* Parses --listen's value: PORT, ADDR:PORT, [IPV6]:PORT or :PORT (the
 * default address); ADDR numeric or "localhost". 0, or -1 with the reason
 * in err. */
int cli_parse_listen(const char *s, char *addr, size_t addrlen, int *port, char *err, size_t errlen);

/* Parses a size as --max-size takes it: a whole number of bytes with an
 * optional K, M, G or T (powers of 1024), e.g. 500M. 0, or -1 with the
 * reason in err. */
int cli_parse_size(const char *s, unsigned long long *out, char *err, size_t errlen);

enum cli_result cli_parse(int argc, char **argv, struct options *opts, char *err, size_t errlen);
void cli_free(struct options *opts);
/* Parses a refresh interval as -d does (also for the interactive prompt):
 * 0, or -1 with the reason in err. */
int cli_parse_interval(const char *s, double *out, char *err, size_t errlen);

/* Parses a leak sensitivity name (low, normal, high); -1 when unknown. */
int cli_parse_sensitivity(const char *s);

/* Fills opts with the defaults (what cli_parse starts from). */
void cli_defaults(struct options *opts);

/* One command-line option: a row of cli.c's table, from which --help and
 * getopt_long's tables are made. */
struct cli_option {
	int code;                  // the short option's letter, or a code above any letter
	const char *name;          // the long name, without "--"
	const char *arg;           // the value's name in --help; NULL: takes no value
	const char *help;          // the description, one paragraph (--help wraps it)
	void (*values)(char *out, size_t cap);   // NULL, or writes the values it takes,
						 // listed after the description
};

/* The options table: count entries, static. */
const struct cli_option *cli_options(size_t *count);

/* Whether the option also has a one-letter form (-LETTER, the code). */
bool cli_option_has_short(const struct cli_option *o);

/* Writes the usage text (--help, and after an error), made from the table. */
void cli_usage_write(FILE *out);

#endif
