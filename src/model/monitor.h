/* monitor.h — the pipeline every mode shares, in one place: a source's
 * snapshot, then the process table, the system model, and the suspected
 * leaks whose cgroup limit the source reads from the next moment on.
 *
 * The source is the live /proc sampler today; the screen, batch mode and
 * --smaps hold a monitor and read its model, never run the steps themselves.
 *
 * Contract: monitor_open returns -1 with a message in err when the source
 * cannot be set up. After monitor_tick, snap, table and sys describe one
 * moment, valid until the next tick; source_err says whether the source
 * could list /proc this time (0 or -errno: the snapshot then holds no
 * processes, and the model has been updated with that). monitor_close frees
 * everything; a closed or zeroed monitor may be closed again.
 */
#ifndef MEMTOP_MONITOR_H
#define MEMTOP_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#include "model/proctable.h"
#include "proc/sampler.h"
#include "proc/snapshot.h"
#include "model/sysmodel.h"

#define MONITOR_CG_WATCH_MAX 64   // suspected leaks whose cgroup headroom is read

struct monitor {
	struct sampler *source;
	struct snapshot snap;
	struct proctable table;
	struct sysmodel sys;
	bool have_snap;           // at least one tick done
	int source_err;           // the last tick's source status: 0 or -errno
};

/* sens: how readily the leak detectors flag (a setting, passed in). */
int monitor_open(struct monitor *m, const struct sampler_config *cfg, enum leak_sensitivity sens,
		 char *err, size_t errlen);
/* Samples one moment and updates the model. Returns 0, or -ENOMEM when the
 * model could not grow (it then goes on with what it has). */
int monitor_tick(struct monitor *m);
void monitor_close(struct monitor *m);

#endif
