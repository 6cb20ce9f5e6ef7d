/* judge.h — a tiny strict JSON checker and an RFC 4180 CSV reader, to judge
 * what the writers print (test_output.c, test_report.c).
 *
 * Contract: json_value moves *p past one JSON value and says whether it was
 * valid; csv_record reads one record into malloc'd fields (csv_free frees
 * them) and fails the running test on a malformed one. Include after
 * fixture.h.
 */
#ifndef MEMTOP_TEST_JUDGE_H
#define MEMTOP_TEST_JUDGE_H

#include <stdbool.h>
#include <string.h>

__attribute__((unused)) static bool json_value(const char **p);

static void json_ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static bool json_string(const char **p)
{
	if (**p != '"')
		return false;
	for ((*p)++; **p != '"'; (*p)++) {
		unsigned char c = (unsigned char)**p;

		if (c == '\0' || c < 0x20)
			return false;
		if (c == '\\') {
			(*p)++;
			if (**p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", (*p)[i]) || !(*p)[i])
						return false;
				*p += 4;
			} else if (!**p || !strchr("\"\\/bfnrt", **p)) {
				return false;
			}
		}
	}
	(*p)++;
	return true;
}

static bool json_number(const char **p)
{
	const char *s = *p;

	if (**p == '-')
		(*p)++;
	if (**p == '0')
		(*p)++;
	else if (**p >= '1' && **p <= '9')
		while (**p >= '0' && **p <= '9')
			(*p)++;
	else
		return false;
	if (**p == '.') {
		(*p)++;
		if (**p < '0' || **p > '9')
			return false;
		while (**p >= '0' && **p <= '9')
			(*p)++;
	}
	if (**p == 'e' || **p == 'E') {
		(*p)++;
		if (**p == '+' || **p == '-')
			(*p)++;
		if (**p < '0' || **p > '9')
			return false;
		while (**p >= '0' && **p <= '9')
			(*p)++;
	}
	return *p > s;
}

// Parses "[...]" or "{...}"; open is '[' or '{'.
static bool json_container(const char **p, char open)
{
	char close = open == '[' ? ']' : '}';

	(*p)++;
	json_ws(p);
	if (**p == close) {
		(*p)++;
		return true;
	}
	for (;;) {
		json_ws(p);
		if (open == '{') {
			if (!json_string(p))
				return false;
			json_ws(p);
			if (*(*p)++ != ':')
				return false;
		}
		if (!json_value(p))
			return false;
		json_ws(p);
		if (**p == close) {
			(*p)++;
			return true;
		}
		if (*(*p)++ != ',')
			return false;
	}
}

static bool json_value(const char **p)
{
	json_ws(p);
	switch (**p) {
	case '{': case '[': return json_container(p, **p);
	case '"': return json_string(p);
	case 't': return strncmp(*p, "true", 4) == 0 && (*p += 4);
	case 'f': return strncmp(*p, "false", 5) == 0 && (*p += 5);
	case 'n': return strncmp(*p, "null", 4) == 0 && (*p += 4);
	default: return json_number(p);
	}
}

// Asserts that text is exactly one JSON value followed by one newline.
__attribute__((unused)) static void assert_json_line(const char *text)
{
	const char *p = text;

	if (!json_value(&p))
		fail_msg("invalid JSON at offset %td: %s", p - text, text);
	if (strcmp(p, "\n") != 0)
		fail_msg("JSON line does not end in exactly one newline: %s", text);
}

#define CSV_MAX_FIELDS 32

// Reads one RFC 4180 record at *p into fields (each malloc'd); returns the
// field count and moves *p past the record's newline.
__attribute__((unused)) static int csv_record(const char **p, char *fields[CSV_MAX_FIELDS])
{
	int n = 0;

	for (;;) {
		char buf[1024];
		size_t o = 0;

		assert_true(n < CSV_MAX_FIELDS);
		if (**p == '"') {
			for ((*p)++;; (*p)++) {
				assert_true(**p != '\0');
				if (**p == '"' && (*p)[1] == '"')
					(*p)++;
				else if (**p == '"')
					break;
				assert_true(o < sizeof buf - 1);
				buf[o++] = **p;
			}
			(*p)++;
			assert_true(**p == ',' || **p == '\n');   // nothing after a closing quote
		} else {
			for (; **p != ',' && **p != '\n'; (*p)++) {
				assert_true(**p != '\0' && **p != '"');
				assert_true(o < sizeof buf - 1);
				buf[o++] = **p;
			}
		}
		buf[o] = '\0';
		fields[n++] = strdup(buf);
		if (*(*p)++ == '\n')
			return n;
	}
}

__attribute__((unused)) static void csv_free(char *fields[], int n)
{
	for (int i = 0; i < n; i++)
		free(fields[i]);
}

#endif
