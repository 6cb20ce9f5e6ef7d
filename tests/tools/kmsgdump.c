/* kmsgdump.c — the OOM kills the live sampler reads from the kernel log
 * (source_config.oom_log), as JSON lines: what tests/integration/oomread.py
 * checks against a kill it caused. Ticks a sampler of its own process only
 * (the log is read whatever the pids) every 0.1 s for SECONDS (default 0:
 * one tick, the backlog), printing each kill the tick handed up, and after
 * each tick a line {"tick": N, "oom_log_err": E, "lost": L, "dropped": D}.
 * Root only (the log is); as another user every tick says the error.
 *
 *     build/tools/kmsgdump [SECONDS]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/oomlog.h"
#include "proc/sampler.h"

// A sanitised string as JSON: only its quotes and backslashes need escapes
// (text_sanitize leaves no control byte).
static void put_str(const char *key, const char *s)
{
	printf("\"%s\": \"", key);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	printf("\", ");
}

static void put_kill(const struct oom_kill *k)
{
	printf("{\"seq\": %llu, \"boot_s\": %.6f, \"mono_time\": %.3f, \"wall_time\": %.3f, \"since_start\": %s, ",
	       (unsigned long long)k->seq, k->boot_s, k->mono_time, k->wall_time, k->since_start ? "true" : "false");
	printf("\"have_trigger\": %s, ", k->have_trigger ? "true" : "false");
	put_str("trigger_comm", k->trigger_comm);
	put_str("gfp_mask", k->gfp_mask);
	printf("\"scope\": \"%s\", ", oomlog_scope_name(k->scope));
	put_str("constraint", k->constraint);
	put_str("oom_memcg", k->oom_memcg);
	put_str("task_memcg", k->task_memcg);
	printf("\"memcg_usage_kb\": %llu, \"memcg_limit_kb\": %llu, ", (unsigned long long)k->memcg_usage_kb,
	       (unsigned long long)k->memcg_limit_kb);
	printf("\"pid\": %d, \"uid\": %d, ", k->pid, k->uid);
	put_str("comm", k->comm);
	printf("\"total_vm_kb\": %llu, \"anon_rss_kb\": %llu, \"file_rss_kb\": %llu, \"shmem_rss_kb\": %llu, ",
	       (unsigned long long)k->total_vm_kb, (unsigned long long)k->anon_rss_kb,
	       (unsigned long long)k->file_rss_kb, (unsigned long long)k->shmem_rss_kb);
	printf("\"tasks_listed\": %u, \"tasks\": [", k->tasks_listed);
	for (unsigned i = 0; i < k->ntasks; i++) {
		printf("%s{\"pid\": %d, \"rss_kb\": %llu, ", i ? ", " : "", k->tasks[i].pid,
		       (unsigned long long)k->tasks[i].rss_kb);
		put_str("comm", k->tasks[i].comm);
		printf("\"uid\": %d}", k->tasks[i].uid);
	}
	printf("]}\n");
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 0;
	int self = getpid();
	struct source_config cfg = { .pids = &self, .npids = 1, .oom_log = true };
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	char err[256];
	struct sampler *s;
	struct snapshot snap;
	int ticks = seconds > 0 ? (int)(seconds * 10) + 1 : 1;

	if (argc > 2 || seconds < 0) {
		fprintf(stderr, "usage: kmsgdump [SECONDS]\n");
		return 2;
	}
	if (!(s = sampler_new(&cfg, err, sizeof err))) {
		fprintf(stderr, "kmsgdump: %s\n", err);
		return 1;
	}
	for (int t = 0; t < ticks; t++) {
		if (t)
			nanosleep(&pause, NULL);
		if (sampler_tick(s, &snap) < 0)
			fprintf(stderr, "kmsgdump: tick failed\n");
		for (size_t i = 0; i < snap.noom_kills; i++)
			put_kill(&snap.oom_kills[i]);
		printf("{\"tick\": %d, \"oom_log_err\": %d, \"lost\": %llu, \"dropped\": %llu}\n", t,
		       snap.sys.oom_log_err, (unsigned long long)snap.sys.oom_log_lost,
		       (unsigned long long)snap.sys.oom_log_dropped);
		if (fflush(stdout) != 0) {
			sampler_free(s);
			return 1;
		}
	}
	sampler_free(s);
	return ferror(stdout) || fclose(stdout) != 0 ? 1 : 0;
}
