/* main.c — memtop's entry point: locale, command line, then the chosen mode. */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>

#include "ui/app.h"
#include "output/allocrun.h"
#include "output/batch.h"
#include "output/checkrun.h"
#include "conf/cli.h"
#include "conf/config.h"
#include "output/output.h"
#include "output/report.h"
#include "conf/rc.h"
#include "output/smapsdump.h"
#include "output/sources.h"
#include "export/exporter.h"
#include "store/recorder.h"

#ifndef MEMTOP_VERSION
#define MEMTOP_VERSION "0.1.0"
#endif

// --list-themes: each theme found and the file it comes from.
static int list_themes(void)
{
	static char names[CONFIG_THEMES_MAX][64];
	int n = config_list_themes(names);

	for (int i = 0; i < n; i++) {
		struct config_report rep = { 0 };
		struct theme t;
		char path[PATH_MAX];

		config_load_theme(names[i], &t, path, sizeof path, &rep);
		printf("%-16s %s%s\n", names[i], path, rep.count ? " (has problems)" : "");
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options opts;
	char err[512];
	int status;

	setlocale(LC_ALL, "");
	// Numbers are parsed (-d 0.5) and printed (JSON, CSV) with a '.' whatever
	// the user's locale; only character handling follows it.
	setlocale(LC_NUMERIC, "C");
	switch (cli_parse(argc, argv, &opts, err, sizeof err)) {
	case CLI_HELP:
		cli_usage_write(stdout);
		cli_free(&opts);
		return output_close(stdout, 0, stderr);
	case CLI_VERSION:
		printf("memtop %s\n", MEMTOP_VERSION);
		cli_free(&opts);
		return output_close(stdout, 0, stderr);
	case CLI_ERROR:
		fprintf(stderr, "memtop: %s\n", err);
		cli_usage_write(stderr);
		cli_free(&opts);
		return 2;
	case CLI_RUN:
		break;
	}
	if (opts.list_themes) {
		status = list_themes();
		cli_free(&opts);
		return output_close(stdout, status, stderr);
	}
	if (opts.check) {
		// 1 means findings: a write error (reported once) exits 2.
		status = checkrun_main(&opts);
		cli_free(&opts);
		int rc = output_close(stdout, status, stderr);

		return status < 0 || rc != status ? 2 : rc;
	}
	// The rc file's settings, under the command line's.
	struct rc_settings rc;
	struct config_report rc_report = { .echo = stderr };

	bool interval_given = opts.given & OPT_GIVEN_INTERVAL;

	config_load_rc(&rc, &rc_report);
	rc_apply(&rc, &opts);
	// A recorder runs for days: its own default interval, not the screen's;
	// so does the metrics endpoint on its own.
	if ((opts.write_path || (opts.listen && !opts.batch)) && !opts.screen && !interval_given)
		opts.interval_s = RECORD_DEFAULT_INTERVAL_S;
	struct run_sources src = { 0 };
	struct exporter *exp = NULL;
	bool batch = opts.batch || ((opts.write_path || opts.listen) && !opts.screen);
	char note[512];

	if (opts.smaps_pid) {
		status = smapsdump_run(&opts);
	} else if (opts.alloc_sites_pid) {
		status = allocrun_main(&opts);
	} else if (opts.report_path) {
		status = report_main(&opts);
	} else if ((status = sources_open(&opts, batch, &src, err, sizeof err, note, sizeof note)) != 0) {
		fprintf(stderr, "memtop: %s\n", err);
	} else if (opts.listen && !(exp = sources_open_exporter(&opts))) {
		status = 2;
	} else {
		if (note[0])
			fprintf(stderr, "memtop: %s\n", note);
		if (batch)
			status = batch_run(&opts, &src, exp);
		else if (!opts.screen || (status = sources_screen_hooks(&opts, &src, exp)) == 0)
			status = app_run(&opts, &rc_report, &src);
	}
	sources_close(&src);
	exporter_close(exp);
	cli_free(&opts);
	// Every way out that wrote to stdout ends here: a write error, found now or
	// by a mode (status -errno), is reported once, as one line.
	return output_close(stdout, status, stderr);
}
