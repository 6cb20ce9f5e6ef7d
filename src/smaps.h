/* smaps.h — pure parser for /proc/PID/smaps and /proc/PID/smaps_rollup, and
 * the mapping table the detail view and `memtop --smaps` show.
 *
 * Contract: smaps_parse reads a text buffer (no NUL needed) and replaces the
 * contents of a struct smaps, reusing its memory (allocation only when it
 * must grow). It returns 0, -EINVAL for text that is not smaps (the struct
 * then holds the mappings parsed before the bad line), or -ENOMEM. A final
 * mapping cut short by the end of the buffer is dropped. Names are raw bytes
 * from the kernel (NOT sanitised): callers sanitise before display. Sizes are
 * KiB. smaps_rollup text parses the same way into one mapping named
 * "[rollup]". smaps_free releases everything; a zeroed struct is empty.
 */
#ifndef MEMTOP_SMAPS_H
#define MEMTOP_SMAPS_H

#include <stddef.h>
#include <stdint.h>

struct smaps_map {
	uint64_t start, end;         // addresses
	char perms[5];               // "rw-p"
	uint64_t offset;
	uint64_t inode;
	size_t name_off;             // offset of the NUL-terminated name in smaps.names
	size_t name_len;             // "" for an unnamed anonymous mapping
	uint64_t size_kb, rss_kb, pss_kb;
	uint64_t shared_clean_kb, shared_dirty_kb, private_clean_kb, private_dirty_kb;
	uint64_t anonymous_kb, swap_kb, swap_pss_kb;
};

struct smaps {
	struct smaps_map *maps;
	size_t n, cap;
	char *names;                 // every name, NUL-terminated, back to back
	size_t names_len, names_cap;
};

int smaps_parse(const char *buf, size_t len, struct smaps *out);
void smaps_free(struct smaps *s);

/* The name of a mapping ("" when it has none). */
static inline const char *smaps_name(const struct smaps *s, const struct smaps_map *m)
{
	return s->names + m->name_off;
}

/* Sums every mapping's sizes into *total (start/end/perms/name left 0). */
void smaps_total(const struct smaps *s, struct smaps_map *total);

#endif
