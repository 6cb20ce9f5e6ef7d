/* fuzz_mapsline.c — mapsline_parse and mapsline_path (mapsline.c), the
 * /proc/PID/maps lines of smaps, the symboliser and the allocation probes,
 * on every line of arbitrary bytes. */
#include "fuzz.h"
#include "proc/mapsline.h"

// One line [p, end): parsed or refused; a parsed path lies in the line and
// copies out no longer than it, NUL-terminated, whatever the capacity.
static void check_line(const char *p, const char *end)
{
	struct mapsline m;
	char out[64], big[4096];
	bool deleted;
	size_t n;

	if (!mapsline_parse(p, end, &m))
		return;
	FUZZ_CHECK(m.start <= m.end);
	FUZZ_CHECK(strlen(m.perms) == 4 && m.exec == (m.perms[2] == 'x'));
	FUZZ_CHECK(m.path >= p && m.path <= end && m.path_len == (size_t)(end - m.path));
	FUZZ_CHECK(!mapsline_is_file(&m) || (m.inode != 0 && m.path[0] == '/'));
	n = mapsline_path(&m, out, sizeof out, &deleted);
	FUZZ_CHECK(n < sizeof out && out[n] == '\0' && n <= m.path_len);
	if (m.path_len < sizeof big) {
		n = mapsline_path(&m, big, sizeof big, &deleted);
		FUZZ_CHECK(big[n] == '\0' && n <= m.path_len);
		FUZZ_CHECK(!deleted || (m.path_len >= 10 &&
					memcmp(m.path + m.path_len - 10, " (deleted)", 10) == 0));
		// Nothing escaped is left: each "\012" became one byte.
		FUZZ_CHECK(strstr(big, "\\012") == NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	const char *p = buf, *end = buf + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line = fuzz_copy((const uint8_t *)p, (size_t)((nl ? nl : end) - p), false);

		check_line(line, line + ((nl ? nl : end) - p));
		free(line);
		p = nl ? nl + 1 : end;
	}
	free(buf);
	return 0;
}
