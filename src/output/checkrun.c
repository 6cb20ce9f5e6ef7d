/* checkrun.c — memtop --check's run and its two formats. */
#include "output/checkrun.h"

#include <errno.h>
#include <string.h>

#include "output/output.h"
#include "util/text.h"

#define CHECK_TEXT_WIDTH 78

// Writes text word by word from column indent, wrapping at
// CHECK_TEXT_WIDTH to indent; ends the line.
static void write_wrapped(FILE *f, const char *text, int indent)
{
	int col = indent;

	while (*text) {
		size_t len = strcspn(text, " ");

		if (len > 0) {
			if (col > indent && col + 1 + (int)len > CHECK_TEXT_WIDTH) {
				fprintf(f, "\n%*s", indent, "");
				col = indent;
			} else if (col > indent) {
				fputc(' ', f);
				col++;
			}
			fprintf(f, "%.*s", (int)len, text);
			col += (int)len;
		}
		text += len + (text[len] == ' ');
	}
	fputc('\n', f);
}

static void write_text(FILE *f, const char *root, const struct checkup *c)
{
	size_t n[3] = { 0 }, nrules;

	checkup_rule_ids(&nrules);
	for (size_t i = 0; i < c->nfindings; i++)
		n[c->findings[i].severity]++;
	if (c->nfindings == 0)
		fprintf(f, "memtop --check: nothing found (%zu rules, %zu not checked)", nrules, c->nskipped);
	else
		fprintf(f, "memtop --check: %zu finding%s (%zu critical, %zu warn, %zu info)", c->nfindings,
			c->nfindings == 1 ? "" : "s", n[CHECKUP_CRITICAL], n[CHECKUP_WARN], n[CHECKUP_INFO]);
	if (strcmp(root, "/") != 0) {
		char safe[512];

		text_sanitize(root, strlen(root), safe, sizeof safe);
		fprintf(f, " under %s", safe);
	}
	fputs("\n", f);
	for (size_t i = 0; i < c->nfindings; i++) {
		const struct checkup_finding *x = &c->findings[i];

		fprintf(f, "\n%-8s %s: %s\n", x->severity == CHECKUP_CRITICAL ? "CRITICAL" :
			x->severity == CHECKUP_WARN ? "WARN" : "INFO", x->id, x->title);
		fputs("  Why:  ", f);
		write_wrapped(f, x->why, 8);
		fputs("  Fix:  ", f);
		write_wrapped(f, x->fix, 8);
		fputs("  Seen: ", f);
		write_wrapped(f, x->evidence, 8);
	}
	if (c->nskipped)
		fputs("\nNot checked:\n", f);
	for (size_t i = 0; i < c->nskipped; i++)
		fprintf(f, "  %s: %s\n", c->skipped[i].id, c->skipped[i].reason);
}

// JSON members; each writes ",\n" before itself unless first.
static void json_key(FILE *f, const char *name, bool *first)
{
	fprintf(f, "%s\"%s\":", *first ? "" : ",", name);
	*first = false;
}

static void json_int(FILE *f, const char *name, const struct sysfact_int *v, bool *first)
{
	json_key(f, name, first);
	if (v->known)
		fprintf(f, "%lld", v->v);
	else
		fputs("null", f);
}

static void json_u64(FILE *f, const char *name, bool known, unsigned long long v, bool *first)
{
	json_key(f, name, first);
	if (known)
		fprintf(f, "%llu", v);
	else
		fputs("null", f);
}

static void json_str(FILE *f, const char *name, const char *s, bool *first)
{
	json_key(f, name, first);
	if (s && *s)
		output_json_string(f, s);
	else
		fputs("null", f);
}

static void json_processes(FILE *f, const struct sysfacts *sf, bool *first)
{
	bool pk = sf->procs_known;

	json_u64(f, "processes", pk, sf->nprocs, first);
	json_u64(f, "processes_unreadable", pk, sf->procs_unreadable, first);
	json_key(f, "processes_hidden", first);
	fputs(!pk ? "null" : sf->procs_hidden ? "true" : "false", f);
	json_u64(f, "oom_handlers", pk, sf->nhandlers, first);
	json_str(f, "oom_handler", sf->handler, first);
	json_u64(f, "protected", pk, sf->nprotected, first);
	json_key(f, "protected_processes", first);
	fputc('[', f);
	for (size_t i = 0; i < sf->nprotected_kept; i++) {
		const struct sysfact_proc *p = &sf->protected_procs[i];
		bool pf = true;

		fputs(i ? ",{" : "{", f);
		json_u64(f, "pid", true, (unsigned long long)p->pid, &pf);
		json_str(f, "comm", p->comm, &pf);
		json_u64(f, "rss_kb", true, p->rss_kb, &pf);
		fputc('}', f);
	}
	fputc(']', f);
}

static void json_cgroups(FILE *f, const struct sysfacts *sf, bool *first)
{
	bool ck = sf->cg != SYSFACTS_CG_NONE;

	json_str(f, "cgroup_version", sf->cg == SYSFACTS_CG_V2 ? "v2" : sf->cg == SYSFACTS_CG_V1 ? "v1" : NULL,
		 first);
	json_u64(f, "cgroups_checked", ck, sf->cg_checked, first);
	json_u64(f, "cgroups_unlimited", ck, sf->cg_unlimited, first);
	json_key(f, "unlimited_cgroups", first);
	fputc('[', f);
	for (size_t i = 0; i < sf->nunlimited_kept; i++) {
		const struct sysfact_cgroup *g = &sf->unlimited[i];
		bool gf = true;

		fputs(i ? ",{" : "{", f);
		json_str(f, "path", g->path, &gf);
		json_str(f, "kind", g->container ? "container" : "service", &gf);
		json_u64(f, "usage_kb", g->have_usage, g->usage_kb, &gf);
		fputc('}', f);
	}
	fputc(']', f);
}

// The facts read, null where one could not be.
static void json_facts(FILE *f, const struct sysfacts *sf)
{
	bool first = true, mk = sf->meminfo_known;

	fputc('{', f);
	json_int(f, "panic_on_oom", &sf->panic_on_oom, &first);
	json_int(f, "oom_kill_allocating_task", &sf->oom_kill_allocating_task, &first);
	json_int(f, "oom_dump_tasks", &sf->oom_dump_tasks, &first);
	json_int(f, "overcommit_memory", &sf->overcommit_memory, &first);
	json_int(f, "overcommit_ratio", &sf->overcommit_ratio, &first);
	json_int(f, "overcommit_kbytes", &sf->overcommit_kbytes, &first);
	json_int(f, "min_free_kbytes", &sf->min_free_kbytes, &first);
	json_int(f, "watermark_scale_factor", &sf->watermark_scale_factor, &first);
	json_int(f, "console_loglevel", &sf->console_loglevel, &first);
	json_u64(f, "consoles", sf->consoles_known, sf->nconsoles, &first);
	json_u64(f, "serial_consoles", sf->consoles_known, sf->nserial, &first);
	json_str(f, "serial_console", sf->serial, &first);
	json_u64(f, "swaps", sf->swaps_known, sf->nswaps, &first);
	json_u64(f, "mem_total_kb", mk, sf->mem_total_kb, &first);
	json_u64(f, "swap_total_kb", mk, sf->swap_total_kb, &first);
	json_u64(f, "commit_limit_kb", mk, sf->commit_limit_kb, &first);
	json_u64(f, "committed_as_kb", mk, sf->committed_as_kb, &first);
	json_key(f, "psi", &first);
	fputs(sf->psi_err == 0 ? "true" : sf->psi_err == -ENOENT || sf->psi_err == -EOPNOTSUPP ? "false" : "null", f);
	json_str(f, "thp", sf->thp, &first);
	json_processes(f, sf, &first);
	json_cgroups(f, sf, &first);
	fputc('}', f);
}

static void write_json(FILE *f, const char *root, const struct sysfacts *sf, const struct checkup *c)
{
	bool first = true;

	fputc('{', f);
	json_str(f, "root", root, &first);
	json_key(f, "findings", &first);
	fputc('[', f);
	for (size_t i = 0; i < c->nfindings; i++) {
		const struct checkup_finding *x = &c->findings[i];
		bool xf = true;

		fputs(i ? ",{" : "{", f);
		json_str(f, "id", x->id, &xf);
		json_str(f, "severity", checkup_severity_name(x->severity), &xf);
		json_str(f, "title", x->title, &xf);
		json_str(f, "why", x->why, &xf);
		json_str(f, "fix", x->fix, &xf);
		json_str(f, "evidence", x->evidence, &xf);
		fputc('}', f);
	}
	fputc(']', f);
	json_key(f, "not_checked", &first);
	fputc('[', f);
	for (size_t i = 0; i < c->nskipped; i++) {
		bool sf2 = true;

		fputs(i ? ",{" : "{", f);
		json_str(f, "id", c->skipped[i].id, &sf2);
		json_str(f, "reason", c->skipped[i].reason, &sf2);
		fputc('}', f);
	}
	fputc(']', f);
	json_key(f, "facts", &first);
	json_facts(f, sf);
	fputs("}\n", f);
}

int checkrun_write(FILE *f, enum output_format fmt, const char *root, const struct sysfacts *sf,
		   const struct checkup *c)
{
	errno = 0;                  // a write error is named by the write's errno
	if (fmt == FORMAT_JSON)
		write_json(f, root, sf, c);
	else
		write_text(f, root, c);
	return output_flush(f);
}

int checkrun_main(const struct options *opts)
{
	const char *root = opts->check_root ? opts->check_root : "/";
	static struct sysfacts sf;      // large: not on the stack
	static struct checkup c;
	int err;

	if (sysfacts_read(root, &sf) < 0) {
		fprintf(stderr, "memtop: --check: cannot read %s%sproc/sys/vm: %s\n", root,
			root[strlen(root) - 1] == '/' ? "" : "/", strerror(-sf.root_err));
		return 2;
	}
	checkup_evaluate(&sf, &c);
	if ((err = checkrun_write(stdout, opts->format, root, &sf, &c)) != 0)
		return -err;
	return c.nfindings ? 1 : 0;
}
