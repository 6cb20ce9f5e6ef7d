/* main.c — memtop's entry point: locale, command line, then the chosen mode. */
#include <locale.h>
#include <stdio.h>

#include "app.h"
#include "batch.h"
#include "cli.h"
#include "smapsdump.h"

#ifndef MEMTOP_VERSION
#define MEMTOP_VERSION "0.1.0"
#endif

int main(int argc, char **argv)
{
	struct options opts;
	char err[256];
	int status;

	setlocale(LC_ALL, "");
	// Numbers are parsed (-d 0.5) and printed (JSON, CSV) with a '.' whatever
	// the user's locale; only character handling follows it.
	setlocale(LC_NUMERIC, "C");
	switch (cli_parse(argc, argv, &opts, err, sizeof err)) {
	case CLI_HELP:
		fputs(cli_usage, stdout);
		cli_free(&opts);
		return 0;
	case CLI_VERSION:
		printf("memtop %s\n", MEMTOP_VERSION);
		cli_free(&opts);
		return 0;
	case CLI_ERROR:
		fprintf(stderr, "memtop: %s\n%s", err, cli_usage);
		cli_free(&opts);
		return 2;
	case CLI_RUN:
		break;
	}
	if (opts.smaps_pid)
		status = smapsdump_run(&opts);
	else
		status = opts.batch ? batch_run(&opts) : app_run(&opts);
	cli_free(&opts);
	return status;
}
