/* cgreader.h — reads the memory cgroups that hold processes for the
 * snapshot (struct cgroup_reading), cheaply enough to do every second at
 * hundreds of cgroups: opening a cgroup file by path is most of the cost
 * (the kernel walks the path), so each cgroup's files are kept open while
 * it holds processes (within the sampler's fd budget) and read again with
 * pread; memory.stat, whose ~40 counters the kernel formats at every read,
 * is read again only when the cgroup's usage moved (its anonymous memory
 * cannot have moved without it), as is v2's swap; the limit, a setting,
 * every tenth reading.
 *
 * Files read (under the memory controller's hierarchy at mount): v2
 * memory.current, memory.max, memory.stat (anon), memory.swap.current,
 * memory.pressure, memory.events (oom_kill); v1 memory.usage_in_bytes,
 * memory.limit_in_bytes, memory.stat (rss + swap: the cgroup's own, not its
 * children's), memory.oom_control (oom_kill). The root's memory.stat is the
 * whole machine's: not read for it.
 *
 * Contract: cgreader_read takes the paths sorted (strcmp) and distinct, as
 * proc_sample.cgroup gives them, and fills out[i] for paths[i] (out[i].path
 * = paths[i]); a cgroup that was removed is gone (out[i].gone), one whose
 * files cannot be read has nothing set. Cgroups not in paths are forgotten
 * and their files closed. *kept counts the fds kept open, shared with the
 * sampler's statm fds; none is opened to keep beyond budget. A path
 * cgfiles_check_path refuses is never opened.
 */
#ifndef MEMTOP_CGREADER_H
#define MEMTOP_CGREADER_H

#include <stdbool.h>
#include <stddef.h>

#include "proc/snapshot.h"

struct cgreader;

/* A reader of the hierarchy at mount ("": none, every reading is empty);
 * v2 says which files it has. NULL when out of memory. */
struct cgreader *cgreader_new(const char *mount, bool v2);
/* Reads paths[0..n) into out (n entries). 0, or -ENOMEM (out then holds
 * readings with nothing set for the cgroups it could not keep). */
int cgreader_read(struct cgreader *r, const char *const *paths, size_t n, struct cgroup_reading *out,
		  long *kept, long budget);
/* Closes every kept file; *kept goes down by their number. */
void cgreader_free(struct cgreader *r, long *kept);

#endif
