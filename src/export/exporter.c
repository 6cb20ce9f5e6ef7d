/* exporter.c — the metrics endpoint fed by the monitor (exporter.h). */
#include "export/exporter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/httpd.h"

struct exporter {
	struct httpd *httpd;
	struct exporter_config cfg;
	char addr[64];
};

struct exporter *exporter_open(const struct exporter_config *cfg, char *err, size_t errlen)
{
	struct exporter *e = calloc(1, sizeof *e);
	struct httpd_config hc = { .addr = cfg->addr, .port = cfg->port, .allow_remote = cfg->allow_remote };

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->cfg = *cfg;
	snprintf(e->addr, sizeof e->addr, "%s", cfg->addr);
	e->cfg.addr = e->addr;
	if (!(e->httpd = httpd_start(&hc, err, errlen))) {
		free(e);
		return NULL;
	}
	return e;
}

// One page of the scrape in a format, in a buffer of its own (handed over).
static int render(const struct exporter *e, const struct monitor *m, enum metrics_format fmt, char **buf,
		  size_t *len)
{
	struct metrics_input in = { .snap = &m->snap, .table = &m->table, .sys = &m->sys,
				    .cgroups = &m->cgroups, .cgroups_read = e->cfg.cgroups };
	FILE *f = open_memstream(buf, len);
	int rc;

	*buf = NULL;
	if (!f)
		return -ENOMEM;
	rc = metrics_write(f, fmt, &in, &e->cfg.metrics);
	if (fclose(f) != 0 && !rc)
		rc = ENOMEM;
	if (rc) {
		free(*buf);
		*buf = NULL;
		return -rc;
	}
	return 0;
}

int exporter_publish(struct exporter *e, const struct monitor *m)
{
	char *text, *om;
	size_t text_len, om_len;

	if (render(e, m, METRICS_PROMETHEUS, &text, &text_len) < 0)
		return -ENOMEM;
	if (render(e, m, METRICS_OPENMETRICS, &om, &om_len) < 0) {
		free(text);
		return -ENOMEM;
	}
	httpd_publish(e->httpd, text, text_len, om, om_len);
	return 0;
}

void exporter_url(const struct exporter *e, char *out, size_t len)
{
	bool v6 = strchr(e->addr, ':') != NULL;

	snprintf(out, len, "http://%s%s%s:%d/metrics", v6 ? "[" : "", e->addr, v6 ? "]" : "", httpd_port(e->httpd));
}

void exporter_close(struct exporter *e)
{
	if (!e)
		return;
	httpd_stop(e->httpd);
	free(e);
}
