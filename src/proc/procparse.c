/* procparse.c — statm, maps and cgroup parsers; pure code. */
#include "proc/procparse.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "util/scan.h"

int procparse_statm(const char *buf, size_t len, struct statm *out)
{
	uint64_t *fields[] = { &out->size, &out->resident, &out->shared, &out->text,
			       &out->lib, &out->data, &out->dt };
	const char *p = buf, *end = buf + len;

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		p = scan_skip_spaces(p, end);
		p = scan_u64(p, end, fields[i]);
		if (!p)
			return -EINVAL;
	}
	if (p < end && *p != '\n' && *p != ' ')
		return -EINVAL;
	return 0;
}

// True when the maps line [p, eol) names the heap: its path field (the
// sixth) is exactly "[heap]".
static bool maps_line_is_heap(const char *p, const char *eol)
{
	static const char tag[] = "[heap]";
	size_t tlen = sizeof tag - 1;

	while (eol > p && (eol[-1] == ' ' || eol[-1] == '\r'))
		eol--;
	if (!((size_t)(eol - p) > tlen && memcmp(eol - tlen, tag, tlen) == 0 &&
	      (eol[-(long)tlen - 1] == ' ' || eol[-(long)tlen - 1] == '\t')))
		return false;
	// A file named "/tmp/x [heap]" also ends so: the path must start at the tag.
	for (int field = 0; field < 5; field++) {
		p = scan_skip_spaces(p, eol);
		while (p < eol && *p != ' ' && *p != '\t')
			p++;
	}
	return scan_skip_spaces(p, eol) == eol - tlen;
}

int procparse_heap_kb(const char *buf, size_t len, uint64_t *heap_kb)
{
	const char *p = buf, *end = buf + len;
	uint64_t total = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		uint64_t start, stop;
		const char *q;

		if (!nl)                     // a cut-off last line proves nothing
			break;
		if (maps_line_is_heap(p, nl)) {
			q = scan_hex_u64(p, nl, &start);
			if (!q || q >= nl || *q != '-')
				return -EINVAL;
			q = scan_hex_u64(q + 1, nl, &stop);
			if (!q || stop < start)
				return -EINVAL;
			total += (stop - start) / 1024;
		}
		p = nl + 1;
	}
	if (len > 0 && p == buf)             // text but not one whole line
		return -EINVAL;
	*heap_kb = total;
	return 0;
}

// Copies the path field (after the second ':') of one cgroup line.
static void cgroup_copy_path(const char *path, const char *eol, char *out, size_t cap)
{
	size_t n = (size_t)(eol - path);

	if (n >= cap)
		n = cap - 1;
	memcpy(out, path, n);
	out[n] = '\0';
}

// True when a v1 controller list (comma-separated) names "memory".
static bool controllers_have_memory(const char *p, const char *e)
{
	while (p < e) {
		const char *comma = memchr(p, ',', (size_t)(e - p));
		const char *ce = comma ? comma : e;

		if (ce - p == 6 && memcmp(p, "memory", 6) == 0)
			return true;
		p = ce + 1;
	}
	return false;
}

// Finds, in /proc/PID/cgroup text, the v2 ("0::") line's path and the path
// of the v1 line whose controllers include memory, as spans of buf.
// Returns 0, or -EINVAL for a line that is not "ID:CONTROLLERS:PATH".
static int cgroup_find(const char *buf, size_t len, const char **v2, const char **v2end,
		       const char **v1, const char **v1end)
{
	const char *p = buf, *end = buf + len;

	*v2 = *v2end = *v1 = *v1end = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *c1 = memchr(p, ':', (size_t)(eol - p));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;

		if (!c2)
			return -EINVAL;
		if (controllers_have_memory(c1 + 1, c2))
			*v1 = c2 + 1, *v1end = eol;
		else if (c1 - p == 1 && *p == '0' && c2 == c1 + 1)
			*v2 = c2 + 1, *v2end = eol;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int procparse_cgroup(const char *buf, size_t len, char *out, size_t cap)
{
	const char *v2, *v2end, *v1, *v1end;

	if (cap == 0)
		return -EINVAL;
	out[0] = '\0';
	if (cgroup_find(buf, len, &v2, &v2end, &v1, &v1end) < 0 || (!v1 && !v2))
		return -EINVAL;
	if (v1)                      // hybrid: the v1 memory controller governs memory
		cgroup_copy_path(v1, v1end, out, cap);
	else
		cgroup_copy_path(v2, v2end, out, cap);
	return 0;
}

// The parenthesis that closes the comm in /proc/PID/stat text: the last ')'
// (a comm may hold any bytes, ')' and spaces included), or NULL.
static const char *stat_comm_end(const char *buf, size_t len)
{
	const char *close = NULL;

	for (const char *q = buf; q < buf + len; q++)
		if (*q == ')')
			close = q;
	return close;
}

// The start of field n (n >= 3) after the comm's close, or NULL when the
// text has fewer fields.
static const char *stat_field_after(const char *close, const char *end, int n)
{
	const char *p = close + 1;

	for (int field = 3;; field++) {
		p = scan_skip_spaces(p, end);
		if (p >= end)
			return NULL;
		if (field == n)
			return p;
		while (p < end && *p != ' ')
			p++;
	}
}

// The start of field n (n >= 3) of /proc/PID/stat text, or NULL.
static const char *stat_field(const char *buf, size_t len, int n)
{
	const char *close = stat_comm_end(buf, len);

	return close ? stat_field_after(close, buf + len, n) : NULL;
}

// Reads the unsigned field at p, which more fields must follow (a number
// running into the end of the buffer may have been cut).
static int stat_u64_at(const char *p, const char *end, uint64_t *v)
{
	if (!p)
		return -EINVAL;
	p = scan_u64(p, end, v);
	return p && p < end && (*p == ' ' || *p == '\n') ? 0 : -EINVAL;
}

// The state letter right after the comm's close: ") S ".
static int stat_state_at(const char *close, const char *end, char *state)
{
	if (!close || end - close < 3 || close[1] != ' ' || close[2] < 'A' || close[2] > 'z' ||
	    (end - close > 3 && close[3] != ' '))
		return -EINVAL;
	*state = close[2];
	return 0;
}

int procparse_stat_start(const char *buf, size_t len, uint64_t *start_ticks)
{
	return stat_u64_at(stat_field(buf, len, 22), buf + len, start_ticks);
}

int procparse_stat_exec(const char *buf, size_t len, struct stat_exec *out)
{
	const char *end = buf + len, *close = stat_comm_end(buf, len);

	if (!close || stat_u64_at(stat_field_after(close, end, 26), end, &out->start_code) < 0 ||
	    stat_u64_at(stat_field_after(close, end, 28), end, &out->start_stack) < 0)
		return -EINVAL;
	return 0;
}

int procparse_stat_ident(const char *buf, size_t len, struct stat_ident *out)
{
	const char *end = buf + len, *open = memchr(buf, '(', len), *close = stat_comm_end(buf, len), *p;
	uint64_t v;

	if (!open || !close || close < open ||
	    stat_u64_at(stat_field_after(close, end, 22), end, &out->start_ticks) < 0 ||
	    stat_state_at(close, end, &out->state) < 0)
		return -EINVAL;
	out->comm_len = (size_t)(close - open - 1) < sizeof out->comm ? (size_t)(close - open - 1)
								    : sizeof out->comm;
	memcpy(out->comm, open + 1, out->comm_len);
	// Fields 4 (ppid) and 9 (flags), after the state letter.
	p = close + 3;
	for (int field = 4; field <= 9; field++) {
		p = scan_skip_spaces(p, end);
		if (field == 4 || field == 9) {
			if (!(p = scan_u64(p, end, &v)))
				return -EINVAL;
			if (field == 4)
				out->ppid = v <= INT32_MAX ? (int)v : 0;
			else
				out->flags = v;
			continue;
		}
		if (p < end && *p == '-')         // pgrp, session, tpgid may be -1
			p++;
		if (!(p = scan_u64(p, end, &v)))
			return -EINVAL;
	}
	return 0;
}

int procparse_stat_state(const char *buf, size_t len, char *state)
{
	return stat_state_at(stat_comm_end(buf, len), buf + len, state);
}

int procparse_cgroup_paths(const char *buf, size_t len, char *v2, size_t v2cap, char *v1mem,
			   size_t v1cap)
{
	const char *a, *aend, *b, *bend;

	if (v2cap == 0 || v1cap == 0)
		return -EINVAL;
	v2[0] = v1mem[0] = '\0';
	if (cgroup_find(buf, len, &a, &aend, &b, &bend) < 0 || (!a && !b))
		return -EINVAL;
	if (a)
		cgroup_copy_path(a, aend, v2, v2cap);
	if (b)
		cgroup_copy_path(b, bend, v1mem, v1cap);
	return 0;
}

// The value of a vmstat line after its key: one decimal, then the line's
// newline (has_nl false: the text was cut inside this line).
static int vmstat_value(const char *p, const char *eol, bool has_nl, uint64_t *out)
{
	uint64_t v;

	if (p >= eol || *p != ' ')
		return -EINVAL;
	p = scan_u64(p + 1, eol, &v);
	if (!p || p != eol || !has_nl)
		return -EINVAL;
	*out = v;
	return 0;
}

int procparse_vmstat_oom_kill(const char *buf, size_t len, uint64_t *out)
{
	static const char key[] = "oom_kill";
	const size_t klen = sizeof key - 1;
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);

		// The key is the whole first field: what follows it is a
		// separator or the end of the line, never more name.
		if (n >= klen && memcmp(p, key, klen) == 0 &&
		    (n == klen || p[klen] == ' ' || p[klen] == '\t'))
			return nl || n > klen ? vmstat_value(p + klen, eol, nl != NULL, out) : -ENOENT;
		p = nl ? nl + 1 : end;
	}
	return -ENOENT;
}
