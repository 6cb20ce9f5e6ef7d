/* fuzz_cgfiles.c — the small cgroup interface file parsers of cgfiles.h
 * (cgfiles_parse_u64, cgfiles_parse_limit, cgfiles_controllers_have,
 * cgfiles_parse_stat, cgfiles_parse_oom_kill) on
 * arbitrary bytes; each is cheap, so every input goes to all of them. */
#include <errno.h>
#include <string.h>

#include "proc/cgfiles.h"
#include "fuzz.h"

// Outputs are left unchanged on failure: start them at a value no parse gives.
#define SENTINEL UINT64_C(0x5eed5eed5eed5eed)

static void fuzz_u64(const char *buf, size_t len)
{
	uint64_t v = SENTINEL;
	int rc = cgfiles_parse_u64(buf, len, &v);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	FUZZ_CHECK(rc == 0 || v == SENTINEL);
	FUZZ_CHECK(rc != 0 || (len >= 2 && buf[len - 1] == '\n'));
}

static void fuzz_limit(const char *buf, size_t len)
{
	bool unlimited = false;
	uint64_t bytes = SENTINEL;
	int rc = cgfiles_parse_limit(buf, len, &unlimited, &bytes);

	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	if (rc != 0) {
		FUZZ_CHECK(!unlimited && bytes == SENTINEL);
		return;
	}
	FUZZ_CHECK(unlimited ? bytes == UINT64_MAX : bytes < CGFILES_UNLIMITED_MIN);
}

// A controller is found only when its name is in the text.
static void fuzz_controllers(const char *buf, size_t len)
{
	static const char *const names[] = { "memory", "io", "cpu", "" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		bool have = cgfiles_controllers_have(buf, len, names[i]);

		FUZZ_CHECK(!have || (names[i][0] != '\0' && fuzz_is_substring(buf, len, names[i])));
	}
}

// memory.stat: a key is found only on a whole line that starts with it.
static void fuzz_stat(const char *buf, size_t len)
{
	static const char *const keys[] = { "anon", "total_rss", "total_swap", "a" };

	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		uint64_t v = SENTINEL;
		int rc = cgfiles_parse_stat(buf, len, keys[k], &v);

		FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL);
		FUZZ_CHECK(rc == 0 || v == SENTINEL);
		FUZZ_CHECK(rc != 0 || memmem(buf, len, keys[k], strlen(keys[k])) != NULL);
	}
}

// memory.events / memory.oom_control: a count only from an "oom_kill " line.
static void fuzz_oom_kill(const char *buf, size_t len)
{
	uint64_t v = SENTINEL;
	int rc = cgfiles_parse_oom_kill(buf, len, &v);

	FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL);
	FUZZ_CHECK(rc == 0 || v == SENTINEL);
	FUZZ_CHECK(rc != 0 || fuzz_is_substring(buf, len, "oom_kill "));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);

	fuzz_u64(buf, size);
	fuzz_limit(buf, size);
	fuzz_controllers(buf, size);
	fuzz_stat(buf, size);
	fuzz_oom_kill(buf, size);
	free(buf);
	return 0;
}
