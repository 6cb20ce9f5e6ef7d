/* allocprobe.c — uprobes on one process's allocator (see allocprobe.h).
 * This first cut is the build without BPF; the probes come next (issue 22). */
#include "proc/allocprobe.h"

#include <errno.h>
#include <stdio.h>

bool alloc_probe_built(void)
{
	return false;
}

int alloc_probe_attach(struct alloc_probe **out, int pid, uint64_t start_ticks,
		       const struct alloc_options *opt, char *why, size_t whylen)
{
	(void)pid; (void)start_ticks; (void)opt;
	*out = NULL;
	snprintf(why, whylen, "allocation sites are not built into this memtop (built with NO_BPF=1)");
	return -ENOTSUP;
}

const char *alloc_probe_allocator(const struct alloc_probe *p)
{
	(void)p;
	return "";
}

void alloc_probe_limits(const struct alloc_probe *p, struct alloc_options *out)
{
	(void)p;
	*out = (struct alloc_options){ 0 };
}

int alloc_probe_read(struct alloc_probe *p, struct alloc_probe_reading *r)
{
	(void)p; (void)r;
	return -ENOTSUP;
}

int alloc_probe_stack(struct alloc_probe *p, int32_t stack_id, uint64_t *ips, size_t max)
{
	(void)p; (void)stack_id; (void)ips; (void)max;
	return -ENOTSUP;
}

void alloc_probe_detach(struct alloc_probe *p)
{
	(void)p;
}
