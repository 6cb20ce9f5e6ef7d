/* rc.c — the memtoprc settings file; pure code. */
#include "conf/rc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/columns.h"
#include "model/proctable.h"

static const char *rc_interval(struct rc_settings *s, const char *v, char *why, size_t whylen)
{
	if (cli_parse_interval(v, &s->interval_s, why, whylen) < 0)
		return why;
	s->have |= RC_HAVE_INTERVAL;
	return NULL;
}

static const char *rc_sort(struct rc_settings *s, const char *v, char *why, size_t whylen)
{
	int key = sort_key_parse(v);

	if (key < 0) {
		char keys[160];

		sort_key_list(keys, sizeof keys);
		snprintf(why, whylen, "unknown sort key: expected %s", keys);
		return why;
	}
	s->sort_key = key;
	s->have |= RC_HAVE_SORT;
	return NULL;
}

static const char *rc_order(struct rc_settings *s, const char *v, char *why, size_t whylen)
{
	(void)why, (void)whylen;      // a fixed reason is enough
	if (strcmp(v, "descending") != 0 && strcmp(v, "ascending") != 0)
		return "order is descending or ascending";
	s->descending = v[0] == 'd';
	s->have |= RC_HAVE_ORDER;
	return NULL;
}

static const char *rc_theme(struct rc_settings *s, const char *v, char *why, size_t whylen)
{
	(void)why, (void)whylen;      // a fixed reason is enough
	if (!*v || strlen(v) >= sizeof s->theme)
		return "theme needs a name or a path";
	snprintf(s->theme, sizeof s->theme, "%s", v);
	s->have |= RC_HAVE_THEME;
	return NULL;
}

static const char *rc_columns(struct rc_settings *s, const char *v, char *why, size_t whylen)
{
	const char *bad = columns_parse(v, &s->columns, why, whylen);

	if (!bad)
		s->have |= RC_HAVE_COLUMNS;
	return bad;
}

static const char *rc_sensitivity(struct rc_settings *s, const char *v, char *why, size_t whylen)
{
	int sens = cli_parse_sensitivity(v);

	(void)why, (void)whylen;      // a fixed reason is enough
	if (sens < 0)
		return "leak_sensitivity is low, normal or high";
	s->sensitivity = (enum leak_sensitivity)sens;
	s->have |= RC_HAVE_SENSITIVITY;
	return NULL;
}

static const char *rc_readonly(struct rc_settings *s, const char *v, char *why, size_t whylen)
{
	(void)why, (void)whylen;      // a fixed reason is enough
	if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
		return "readonly is yes or no";
	s->readonly = v[0] == 'y';
	s->have |= RC_HAVE_READONLY;
	return NULL;
}

static const struct {
	const char *key;
	unsigned bit;
	const char *(*set)(struct rc_settings *s, const char *value, char *why, size_t whylen);
} keys[] = {
	{ "interval", RC_HAVE_INTERVAL, rc_interval },
	{ "sort", RC_HAVE_SORT, rc_sort },
	{ "order", RC_HAVE_ORDER, rc_order },
	{ "theme", RC_HAVE_THEME, rc_theme },
	{ "columns", RC_HAVE_COLUMNS, rc_columns },
	{ "leak_sensitivity", RC_HAVE_SENSITIVITY, rc_sensitivity },
	{ "readonly", RC_HAVE_READONLY, rc_readonly },
};

static const char *rc_pair(void *ctx, unsigned line, const char *key, const char *value, char *why,
			   size_t whylen)
{
	struct rc_settings *s = ctx;

	(void)line;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(key, keys[i].key) != 0)
			continue;
		if (s->have & keys[i].bit)
			return "setting given twice; the first one is kept";
		return keys[i].set(s, value, why, whylen);
	}
	snprintf(why, whylen, "unknown setting '%.40s'", key);
	return why;
}

unsigned rc_parse(const char *buf, size_t len, struct rc_settings *out, kvfile_error_fn on_error,
		  void *ctx)
{
	*out = (struct rc_settings){ .sort_key = SORT_RSS, .columns = COLUMNS_DEFAULT };
	return kvfile_parse(buf, len, rc_pair, out, on_error, ctx);
}

#define RC_KEYS (sizeof keys / sizeof keys[0])
#define RC_VALUE_MAX 256

// Where rc_update stands: the effective line of each key, as loading sees it.
struct rc_scan {
	struct rc_settings s;
	unsigned line[RC_KEYS];    // 0: no line sets keys[i]
};

// Takes a pair as rc_parse does and notes the line of each one taken.
static const char *rc_scan_pair(void *ctx, unsigned line, const char *key, const char *value,
				char *why, size_t whylen)
{
	struct rc_scan *sc = ctx;
	const char *bad = rc_pair(&sc->s, line, key, value, why, whylen);

	for (size_t i = 0; !bad && i < RC_KEYS; i++)
		if (strcmp(key, keys[i].key) == 0)
			sc->line[i] = line;
	return bad;
}

// Ignores a problem: loading reports them, rc_update keeps their lines.
static void rc_scan_ignore(void *ctx, unsigned line, const char *reason)
{
	(void)ctx, (void)line, (void)reason;
}

// True when v can stand on a line and read back the same: not empty, text,
// one line, no blanks at its ends (kvfile trims them).
static bool rc_value_ok(const char *v)
{
	size_t n = strlen(v);

	return n > 0 && n < RC_VALUE_MAX && kvfile_is_text(v, n) && !strpbrk(v, "\n\r") &&
	       v[0] != ' ' && v[0] != '\t' && v[n - 1] != ' ' && v[n - 1] != '\t';
}

// The text of each setting, in keys[] order; NULL, or why one cannot be written.
static const char *rc_values(const struct rc_settings *s, char vals[RC_KEYS][RC_VALUE_MAX])
{
	char *interval = vals[0];

	// The shortest text that reads back as the same double: %.15g unless
	// that rounds it.
	snprintf(interval, RC_VALUE_MAX, "%.15g", s->interval_s);
	if (strtod(interval, NULL) != s->interval_s)
		snprintf(interval, RC_VALUE_MAX, "%.17g", s->interval_s);
	snprintf(vals[1], RC_VALUE_MAX, "%s", sort_key_name((enum sort_key)s->sort_key));
	snprintf(vals[2], RC_VALUE_MAX, "%s", s->descending ? "descending" : "ascending");
	snprintf(vals[3], RC_VALUE_MAX, "%s", s->theme[0] ? s->theme : "default");
	if (!columns_format(s->columns, vals[4], RC_VALUE_MAX))
		return "settings too long to write";
	snprintf(vals[5], RC_VALUE_MAX, "%s", leak_sensitivity_name(s->sensitivity));
	snprintf(vals[6], RC_VALUE_MAX, "%s", s->readonly ? "yes" : "no");
	for (size_t i = 0; i < RC_KEYS; i++)
		if (!rc_value_ok(vals[i]))
			return i == 3 ? "the theme's name cannot be written in memtoprc"
				      : "settings cannot be written";
	return NULL;
}

// An output buffer that notes when it ran out of room.
struct rc_out {
	char *p;
	size_t cap, len;
	bool full;
};

// Appends n bytes of s, keeping room for the NUL.
static void rc_out_add(struct rc_out *o, const char *s, size_t n)
{
	if (o->full || n >= o->cap - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void rc_out_str(struct rc_out *o, const char *s)
{
	rc_out_add(o, s, strlen(s));
}

// Copies one line (n bytes, without its newline) with its value replaced by
// val: the key, the blanks and a CR stay. A line that would grow too long
// is written plainly instead.
static void rc_out_line(struct rc_out *o, const char *line, size_t n, const char *key,
			const char *val)
{
	size_t off, vn, content = n && line[n - 1] == '\r' ? n - 1 : n;

	if (kvfile_value_span(line, content, &off, &vn) &&
	    content - vn + strlen(val) <= KVFILE_LINE_MAX) {
		rc_out_add(o, line, off);
		rc_out_str(o, val);
		rc_out_add(o, line + off + vn, n - off - vn);
		return;
	}
	rc_out_str(o, key);
	rc_out_str(o, " = ");
	rc_out_str(o, val);
	rc_out_add(o, line + content, n - content);
}

const char *rc_update(const char *old, size_t len, const struct rc_settings *s, char *out,
		      size_t cap, size_t *outlen)
{
	char vals[RC_KEYS][RC_VALUE_MAX];
	struct rc_scan sc = { .s.have = 0 };
	struct rc_out o = { .p = out, .cap = cap };
	const char *eol = NULL, *why = rc_values(s, vals);
	unsigned line = 0;

	if (why)
		return why;
	// kvfile stops at the first line that is not text: keys added after it
	// would never be read.
	if (!kvfile_is_text(old, len))
		return "not a text file (binary data or invalid UTF-8)";
	kvfile_parse(old, len, rc_scan_pair, &sc, rc_scan_ignore, NULL);
	if (!len)
		rc_out_str(&o, "# memtop settings, written by memtop (W on its screen); see memtop(1).\n"
			       "# Command-line options override them.\n");
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(old + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (old + pos)) : len - pos, i = 0;

		line++;
		while (i < RC_KEYS && sc.line[i] != line)
			i++;
		if (i < RC_KEYS)
			rc_out_line(&o, old + pos, n, keys[i].key, vals[i]);
		else
			rc_out_add(&o, old + pos, n);
		if (nl)
			rc_out_str(&o, "\n");
		if (nl && !eol)                       // added lines end as the first one does
			eol = n && old[pos + n - 1] == '\r' ? "\r\n" : "\n";
		pos += n + 1;
	}
	for (size_t i = 0; i < RC_KEYS; i++) {
		if (sc.line[i])
			continue;
		if (o.len && o.p[o.len - 1] != '\n')       // a last line without one
			rc_out_str(&o, eol ? eol : "\n");
		rc_out_str(&o, keys[i].key);
		rc_out_str(&o, " = ");
		rc_out_str(&o, vals[i]);
		rc_out_str(&o, eol ? eol : "\n");
	}
	if (o.full || !cap)
		return "settings too long to write";
	*outlen = o.len;
	return NULL;
}

size_t rc_format(const struct rc_settings *s, char *out, size_t cap)
{
	size_t len;

	return rc_update("", 0, s, out, cap, &len) ? 0 : len;
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
