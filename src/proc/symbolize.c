/* symbolize.c — addresses to function+offset and file (see symbolize.h).
 * This first cut resolves nothing; the ELF reading comes next (issue 22). */
#include "proc/symbolize.h"

#include <stdlib.h>

struct symbolizer {
	int pid;
};

struct symbolizer *symbolizer_open(int pid)
{
	struct symbolizer *s = calloc(1, sizeof *s);

	if (s)
		s->pid = pid;
	return s;
}

int symbolizer_refresh(struct symbolizer *s)
{
	(void)s;
	return 0;
}

bool symbolizer_resolve(struct symbolizer *s, uint64_t ip, struct alloc_frame *out)
{
	(void)s;
	*out = (struct alloc_frame){ .ip = ip, .offset = ip, .func = NULL, .file = "[unknown]" };
	return false;
}

bool symbolizer_exe_stripped(struct symbolizer *s)
{
	(void)s;
	return true;
}

void symbolizer_close(struct symbolizer *s)
{
	free(s);
}
