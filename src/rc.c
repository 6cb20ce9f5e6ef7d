/* rc.c — the memtoprc settings file; pure code. */
#include "rc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "proctable.h"

static const char *rc_interval(struct rc_settings *s, const char *v)
{
	static _Thread_local char why[160];

	if (cli_parse_interval(v, &s->interval_s, why, sizeof why) < 0)
		return why;
	s->have |= RC_HAVE_INTERVAL;
	return NULL;
}

static const char *rc_sort(struct rc_settings *s, const char *v)
{
	int key = sort_key_parse(v);

	if (key < 0)
		return "unknown sort key: expected rss, anon, heap, swap, delta, growth, leak, eta, "
		       "oom, adj, pid, user or command";
	s->sort_key = key;
	s->have |= RC_HAVE_SORT;
	return NULL;
}

static const char *rc_order(struct rc_settings *s, const char *v)
{
	if (strcmp(v, "descending") != 0 && strcmp(v, "ascending") != 0)
		return "order is descending or ascending";
	s->descending = v[0] == 'd';
	s->have |= RC_HAVE_ORDER;
	return NULL;
}

static const char *rc_theme(struct rc_settings *s, const char *v)
{
	if (!*v || strlen(v) >= sizeof s->theme)
		return "theme needs a name or a path";
	snprintf(s->theme, sizeof s->theme, "%s", v);
	s->have |= RC_HAVE_THEME;
	return NULL;
}

static const char *rc_columns(struct rc_settings *s, const char *v)
{
	const char *why = columns_parse(v, &s->columns);

	if (!why)
		s->have |= RC_HAVE_COLUMNS;
	return why;
}

static const char *rc_sensitivity(struct rc_settings *s, const char *v)
{
	int sens = cli_parse_sensitivity(v);

	if (sens < 0)
		return "leak_sensitivity is low, normal or high";
	s->sensitivity = (enum leak_sensitivity)sens;
	s->have |= RC_HAVE_SENSITIVITY;
	return NULL;
}

static const char *rc_readonly(struct rc_settings *s, const char *v)
{
	if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
		return "readonly is yes or no";
	s->readonly = v[0] == 'y';
	s->have |= RC_HAVE_READONLY;
	return NULL;
}

static const struct {
	const char *key;
	unsigned bit;
	const char *(*set)(struct rc_settings *s, const char *value);
} keys[] = {
	{ "interval", RC_HAVE_INTERVAL, rc_interval },
	{ "sort", RC_HAVE_SORT, rc_sort },
	{ "order", RC_HAVE_ORDER, rc_order },
	{ "theme", RC_HAVE_THEME, rc_theme },
	{ "columns", RC_HAVE_COLUMNS, rc_columns },
	{ "leak_sensitivity", RC_HAVE_SENSITIVITY, rc_sensitivity },
	{ "readonly", RC_HAVE_READONLY, rc_readonly },
};

static const char *rc_pair(void *ctx, unsigned line, const char *key, const char *value)
{
	static _Thread_local char why[96];
	struct rc_settings *s = ctx;

	(void)line;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(key, keys[i].key) != 0)
			continue;
		if (s->have & keys[i].bit)
			return "setting given twice; the first one is kept";
		return keys[i].set(s, value);
	}
	snprintf(why, sizeof why, "unknown setting '%.40s'", key);
	return why;
}

unsigned rc_parse(const char *buf, size_t len, struct rc_settings *out, kvfile_error_fn on_error,
		  void *ctx)
{
	*out = (struct rc_settings){ .sort_key = SORT_RSS, .columns = COLUMNS_DEFAULT };
	return kvfile_parse(buf, len, rc_pair, out, on_error, ctx);
}

size_t rc_format(const struct rc_settings *s, char *out, size_t cap)
{
	char cols[256], interval[32];
	int n;

	if (!columns_format(s->columns, cols, sizeof cols))
		return 0;
	// The shortest text that reads back as the same double: %.15g unless
	// that rounds it.
	snprintf(interval, sizeof interval, "%.15g", s->interval_s);
	if (strtod(interval, NULL) != s->interval_s)
		snprintf(interval, sizeof interval, "%.17g", s->interval_s);
	n = snprintf(out, cap,
		     "# memtop settings, written by memtop (W on its screen); see memtop(1).\n"
		     "# Command-line options override them.\n"
		     "interval = %s\n"
		     "sort = %s\n"
		     "order = %s\n"
		     "theme = %s\n"
		     "columns = %s\n"
		     "leak_sensitivity = %s\n"
		     "readonly = %s\n",
		     interval, sort_key_name((enum sort_key)s->sort_key),
		     s->descending ? "descending" : "ascending", s->theme[0] ? s->theme : "default",
		     cols, leak_sensitivity_name(s->sensitivity), s->readonly ? "yes" : "no");
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

void rc_apply(const struct rc_settings *s, struct options *opts)
{
	if ((s->have & RC_HAVE_INTERVAL) && !(opts->given & OPT_GIVEN_INTERVAL))
		opts->interval_s = s->interval_s;
	if (!(opts->given & OPT_GIVEN_SORT)) {
		if (s->have & RC_HAVE_SORT)
			opts->sort_key = s->sort_key;
		// An order belongs to its key: a key from the command line keeps
		// its natural order.
		if (s->have & RC_HAVE_ORDER)
			opts->order = s->descending ? ORDER_DESCENDING : ORDER_ASCENDING;
	}
	if ((s->have & RC_HAVE_THEME) && !(opts->given & OPT_GIVEN_THEME))
		snprintf(opts->theme, sizeof opts->theme, "%s", s->theme);
	if (s->have & RC_HAVE_COLUMNS)
		opts->columns = s->columns;
	if ((s->have & RC_HAVE_SENSITIVITY) && !(opts->given & OPT_GIVEN_SENSITIVITY))
		opts->sensitivity = s->sensitivity;
	// --readonly can only add safety: the file cannot turn it off.
	if ((s->have & RC_HAVE_READONLY) && !(opts->given & OPT_GIVEN_READONLY))
		opts->readonly = s->readonly;
}
