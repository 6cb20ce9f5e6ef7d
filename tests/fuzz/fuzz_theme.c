/* fuzz_theme.c — theme_parse (and the kvfile line walker under it) on
 * arbitrary bytes, and the colour matching of whatever it accepted. */
#include "fuzz.h"
#include "conf/theme.h"

static unsigned problems;

static void count_problem(void *ctx, unsigned line, const char *reason)
{
	(void)ctx;
	FUZZ_CHECK(line >= 1 && reason && reason[0]);
	problems++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int ncolors[] = { 0, 8, 16, 88, 256 };
	char *buf = fuzz_copy(data, size, false);
	struct theme t = { 0 };
	unsigned reported;

	problems = 0;
	reported = theme_parse(buf, size, &t, count_problem, NULL);
	FUZZ_CHECK(reported == problems);
	for (int r = 0; r < ROLE_COUNT; r++)
		for (size_t k = 0; k < sizeof ncolors / sizeof ncolors[0]; k++) {
			int fg = theme_color_index(t.role[r].fg, ncolors[k]);
			int bg = theme_color_index(t.role[r].bg, ncolors[k]);

			// Always a colour the terminal has, or its default.
			FUZZ_CHECK(fg >= -1 && fg < (ncolors[k] > 256 ? 256 : ncolors[k]));
			FUZZ_CHECK(bg >= -1 && bg < (ncolors[k] > 256 ? 256 : ncolors[k]));
		}
	free(buf);
	return 0;
}
