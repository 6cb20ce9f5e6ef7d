/* monitor.c — source → snapshot → proctable → sysmodel → cgroup watch. */
#include "model/monitor.h"

#include <string.h>

int monitor_open(struct monitor *m, const struct sampler_config *cfg, enum leak_sensitivity sens,
		 char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	m->table.sensitivity = sens;
	m->source = sampler_new(cfg, err, errlen);
	return m->source ? 0 : -1;
}

int monitor_tick(struct monitor *m)
{
	int suspects[MONITOR_CG_WATCH_MAX], rc;

	m->source_err = sampler_tick(m->source, &m->snap);
	rc = proctable_update(&m->table, &m->snap);
	if (rc < 0)
		return rc;
	sysmodel_update(&m->sys, &m->snap, &m->table);
	// Their cgroup headroom is read from the next tick on.
	sampler_set_cgroup_watch(m->source, suspects,
				 proctable_suspect_pids(&m->table, suspects, MONITOR_CG_WATCH_MAX));
	m->have_snap = true;
	return 0;
}

void monitor_close(struct monitor *m)
{
	proctable_free(&m->table);
	sampler_free(m->source);
	m->source = NULL;
}
