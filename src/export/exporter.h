/* exporter.h — memtop --listen: the metrics endpoint fed by the monitor.
 *
 * The mode that runs the monitor (batch, recorder, screen, or the endpoint
 * alone) calls exporter_publish after each tick: it renders the scrape in
 * both formats (metrics.h) and hands the pages to the server thread
 * (httpd.h), which answers every request from the last pages published.
 * So a scrape costs the monitor nothing, and a client can hold up nothing.
 *
 * Contract: exporter_open starts the server (bound and listening when it
 * returns) or returns NULL with one line in err. exporter_publish returns 0,
 * or -ENOMEM (the server keeps serving the previous pages). exporter_close
 * stops the server; NULL is a no-op.
 */
#ifndef MEMTOP_EXPORTER_H
#define MEMTOP_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>

#include "export/metrics.h"
#include "model/monitor.h"

struct exporter_config {
	const char *addr;            // numeric address
	int port;                    // 0: any free port
	bool allow_remote;
	struct metrics_options metrics;
	bool cgroups;                // the monitor reads the cgroups: export them
};

struct exporter;

struct exporter *exporter_open(const struct exporter_config *cfg, char *err, size_t errlen);
int exporter_publish(struct exporter *e, const struct monitor *m);
/* The endpoint's URL, "http://127.0.0.1:19377/metrics" ([ ] around IPv6). */
void exporter_url(const struct exporter *e, char *out, size_t len);
void exporter_close(struct exporter *e);

#endif
