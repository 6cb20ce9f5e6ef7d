/* fuzz_elfsym.c — elfsym_parse (elfsym.c), the symboliser's ELF reader, on
 * arbitrary bytes, then every lookup it offers. */
#include <errno.h>

#include "fuzz.h"
#include "proc/elfsym.h"

// A kept name: NUL-terminated inside names, valid UTF-8, no control byte.
static void check_name(const struct elfsym *e, const struct elfsym_sym *s)
{
	const char *name, *nul;

	FUZZ_CHECK(s->name_off < e->names_len);
	name = e->names + s->name_off;
	nul = memchr(name, '\0', e->names_len - s->name_off);
	FUZZ_CHECK(nul != NULL && nul != name);
	FUZZ_CHECK((size_t)(nul - name) < ELFSYM_NAME_MAX);
	FUZZ_CHECK(fuzz_utf8_walk(name, (size_t)(nul - name), NULL, NULL));
	for (const char *p = name; p < nul; p++)
		FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, false);
	struct elfsym e = { 0 };
	int rc = elfsym_parse(buf, size, &e);
	size_t first_n = e.nsyms;

	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	if (rc != 0) {
		FUZZ_CHECK(e.nsyms == 0 && e.syms == NULL && e.names == NULL);
	} else {
		FUZZ_CHECK(e.nsyms <= ELFSYM_MAX_SYMS && e.names_len <= ELFSYM_MAX_NAME_BYTES);
		FUZZ_CHECK(e.nsegs <= ELFSYM_MAX_SEGS && e.build_id_len <= ELFSYM_BUILD_ID_MAX);
		FUZZ_CHECK((e.nsyms == 0) == (e.table == ELFSYM_NONE));
		for (size_t i = 0; i < e.nsyms; i++) {
			const struct elfsym_sym *s = &e.syms[i];

			// Sorted, one per address, each found at its own address.
			FUZZ_CHECK(i == 0 || e.syms[i - 1].addr < s->addr);
			check_name(&e, s);
			if (s->size > 0)
				FUZZ_CHECK(elfsym_lookup(&e, s->addr) == s);
		}
		for (const char *p = e.debuglink; *p; p++)
			FUZZ_CHECK(*p != '/' && (unsigned char)*p >= 0x20 && *p != 0x7f);
		for (size_t i = 0; i < e.nsegs; i++) {
			uint64_t v;

			if (e.segs[i].filesz > 0) {
				FUZZ_CHECK(elfsym_file_to_vaddr(&e, e.segs[i].offset, &v));
			}
		}
		// Parsing again into the used struct gives the same.
		FUZZ_CHECK(elfsym_parse(buf, size, &e) == 0 && e.nsyms == first_n);
	}
	elfsym_free(&e);
	free(buf);
	return 0;
}
