/* monitor.c — source → snapshot → proctable → sysmodel → cgroup watch. */
#include "model/monitor.h"

#include <errno.h>
#include <string.h>

#include "proc/sampler.h"

int monitor_open(struct monitor *m, const struct source_config *cfg, enum leak_sensitivity sens,
		 char *err, size_t errlen)
{
	struct source src;

	memset(m, 0, sizeof *m);
	if (sampler_source_open(&src, cfg, err, errlen) < 0)
		return -1;
	monitor_open_source(m, src, sens);
	return 0;
}

void monitor_open_source(struct monitor *m, struct source src, enum leak_sensitivity sens)
{
	memset(m, 0, sizeof *m);
	m->table.sensitivity = sens;
	m->source = src;
}

int monitor_tick(struct monitor *m)
{
	int suspects[MONITOR_CG_WATCH_MAX], rc;

	m->source_err = m->source.ops->tick(m->source.impl, &m->snap);
	rc = proctable_update(&m->table, &m->snap);
	if (rc < 0)
		return rc;
	sysmodel_update(&m->sys, &m->snap, &m->table);
	// Their cgroup headroom is read from the next tick on.
	if (m->source.ops->set_cgroup_watch)
		m->source.ops->set_cgroup_watch(m->source.impl, suspects,
						proctable_suspect_pids(&m->table, suspects,
								       MONITOR_CG_WATCH_MAX));
	m->have_snap = true;
	return 0;
}

void monitor_close(struct monitor *m)
{
	proctable_free(&m->table);
	if (m->source.ops)
		m->source.ops->close(m->source.impl);
	m->source = (struct source){ 0 };
}

int monitor_set_wanted(struct monitor *m, const int *pids, size_t n)
{
	return m->source.ops->set_wanted ? m->source.ops->set_wanted(m->source.impl, pids, n) : 0;
}

void monitor_fill_pending(struct monitor *m)
{
	if (m->source.ops->fill_pending)
		m->source.ops->fill_pending(m->source.impl);
}

bool monitor_fill_idle(struct monitor *m, size_t max)
{
	return m->source.ops->fill_idle && m->source.ops->fill_idle(m->source.impl, max);
}

bool monitor_idle_work(const struct monitor *m)
{
	return m->source.ops->idle_work && m->source.ops->idle_work(m->source.impl);
}

int monitor_read_detail(struct monitor *m, int pid, uint64_t start_ticks, struct proc_detail *d)
{
	if (!m->source.ops->read_detail)
		return d->err = -ENOTSUP;      // the detail view says why it has no mappings
	return m->source.ops->read_detail(m->source.impl, pid, start_ticks, d);
}

int monitor_read_detail_state(struct monitor *m, int pid, uint64_t start_ticks, struct proc_detail *d)
{
	if (!m->source.ops->read_detail_state)
		return d->err = -ENOTSUP;
	return m->source.ops->read_detail_state(m->source.impl, pid, start_ticks, d);
}

int monitor_read_cmdline(struct monitor *m, int pid, uint64_t start_ticks, char **out, bool *cut)
{
	*out = NULL;
	if (!m->source.ops->read_cmdline)
		return -ENOTSUP;
	return m->source.ops->read_cmdline(m->source.impl, pid, start_ticks, out, cut);
}

int monitor_send_signal(struct monitor *m, int pid, uint64_t start_ticks, int sig)
{
	if (!m->source.ops->send_signal)
		return -ENOTSUP;
	return m->source.ops->send_signal(m->source.impl, pid, start_ticks, sig);
}

int monitor_psi_trigger(struct monitor *m, unsigned stall_us, unsigned window_us)
{
	if (!m->source.ops->psi_trigger)
		return -ENOTSUP;
	return m->source.ops->psi_trigger(m->source.impl, stall_us, window_us);
}

int monitor_read_cgroup_usage(struct monitor *m, const char *path, struct cgroup_usage *out)
{
	if (!m->source.ops->read_cgroup_usage) {
		*out = (struct cgroup_usage){ 0 };
		return -ENOTSUP;
	}
	return m->source.ops->read_cgroup_usage(m->source.impl, path, out);
}
