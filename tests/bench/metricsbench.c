/* metricsbench — what rendering the metrics page costs (export/metrics.c):
 * CPU per page of a synthetic 2,000-process model (a few suspects, 200
 * cgroups), in each format, with --export-top 10 and 1000.
 *
 *   metricsbench [PROCESSES] [PAGES]
 *
 * Prints, per case, microseconds of CPU per page (CLOCK_PROCESS_CPUTIME_ID
 * over PAGES renders to an open_memstream, rewound between pages, so the
 * buffer's growth is paid once) and the page's size. memtop --listen renders
 * both formats once per refresh; a scrape only sends the last page
 * (tests/bench/scrapecost.py measures that on the real binary).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export/metrics.h"

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000;
	int pages = argc > 2 ? atoi(argv[2]) : 500;
	struct proc_sample *s = calloc(n, sizeof *s);
	struct proc *v = calloc(n, sizeof *v);
	struct cgroup_row rows[200];
	char names[200][64], comms[64][16];
	struct snapshot snap = { 0 };
	struct sysmodel sys = { .eta_s = -1 };

	if (!s || !v || n == 0 || pages <= 0)
		return 1;
	snap.sys = (struct sys_sample){ .wall_time = 1.7e9, .have_meminfo = true, .total_kb = 1u << 24,
					.available_kb = 1u << 23, .have_psi = true, .have_oom_kill = true };
	snap.sys.psi.some = (struct psi_line){ true, 1.0, 1.0, 1.0, 12345678 };
	snap.sys.psi.full = (struct psi_line){ true, 0.5, 0.5, 0.5, 1234567 };
	for (int i = 0; i < 64; i++)
		snprintf(comms[i], sizeof comms[i], "worker-%d", i);
	for (int i = 0; i < 200; i++) {
		snprintf(names[i], sizeof names[i], "/system.slice/service-%03d.service", i);
		rows[i] = (struct cgroup_row){ .path = names[i], .nprocs = n / 200, .have_usage = true,
					       .usage_kb = 1000u * (unsigned)i, .have_limit = true, .unlimited = true,
					       .have_own_anon = true, .own_anon_kb = 500, .eta_s = -1 };
	}
	for (size_t i = 0; i < n; i++) {
		s[i] = (struct proc_sample){ .pid = (int)(100 + i), .rss_kb = 1000 + (i * 7919) % 100000,
					     .anon_kb = 500 + (i * 104729) % 50000, .have_detail = true,
					     .oom_score = (int)(i % 1000) };
		s[i].comm = comms[i % 64];
		s[i].cgroup = names[i % 200];
		s[i].cmdline = (char *)"/usr/sbin/worker --config /etc/worker.conf";
		v[i] = (struct proc){ .s = &s[i], .pid = s[i].pid, .eta_s = -1 };
		if (i % 500 == 7)
			v[i].verdict = (struct leak_verdict){ .score = 0.9, .rate_kb_per_min = 100, .suspected = true,
							      .have_rate = true };
	}
	struct proctable table = { .v = v, .n = n };
	struct cgtable cg = { .v = rows, .n = 200 };
	struct metrics_input in = { .snap = &snap, .table = &table, .sys = &sys, .cgroups = &cg, .cgroups_read = true };
	static const size_t tops[] = { 10, 1000 };

	printf("metricsbench: %zu processes, 200 cgroups, %d pages per case\n", n, pages);
	for (size_t t = 0; t < 2; t++) {
		for (int fmt = 0; fmt < 2; fmt++) {
			struct metrics_options o = { .top = tops[t] };
			char *buf = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&buf, &len);
			double start;
			long size = 0;

			if (!f)
				return 1;
			start = cpu_now();
			for (int p = 0; p < pages; p++) {
				rewind(f);
				if (metrics_write(f, fmt ? METRICS_OPENMETRICS : METRICS_PROMETHEUS, &in, &o) != 0)
					return 1;
				size = ftell(f);
			}
			double us = (cpu_now() - start) / pages * 1e6;

			fclose(f);
			free(buf);
			printf("  --export-top %-4zu %-11s %8.1f us/page  %8ld bytes\n", tops[t],
			       fmt ? "openmetrics" : "prometheus", us, size);
		}
	}
	free(s);
	free(v);
	return 0;
}
