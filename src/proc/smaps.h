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
 *
 * The same text can be fed in pieces as it is read (smaps_stream_*), so a
 * huge smaps needs neither the whole text nor every mapping in memory at
 * once: each feed parses the complete lines of what it is given, appends the
 * mappings they complete to out and says how much it used; the caller keeps
 * the rest (the start of a line), appends the next piece to it and feeds
 * again. smaps_stream_drain then empties out for the next piece, keeping the
 * mapping still open. Fed whole with at_end, it is smaps_parse; fed in any
 * pieces, it finds the same mappings.
 */
#ifndef MEMTOP_SMAPS_H
#define MEMTOP_SMAPS_H

#include <stdbool.h>
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

// Slots in the stream's key index: a power of two, at least twice the keys.
#define SMAPS_STREAM_SLOTS 32

/* Where a parse stands; the open mapping, if any, is out->maps[out->n]. */
struct smaps_stream {
	bool open;     // a header was read and its mapping is not yet counted
	bool fields;   // the open mapping has at least one field line
	bool last;     // the open mapping's Locked or VmFlags line was read
	// Open-addressed index of the keys stored: 1 + position, 0 for a free
	// slot. One line in two is a key the struct does not store
	// (KernelPageSize, Referenced, ...); a scan of the table for each would
	// cost more than the rest of the line.
	unsigned char slot[SMAPS_STREAM_SLOTS];
};

/* Starts a parse into out (emptied, its memory kept). */
void smaps_stream_begin(struct smaps_stream *st, struct smaps *out);
/* Parses the complete lines at the start of [buf, buf + len) into out;
 * *used gets the bytes parsed (the rest is an unfinished line, to be fed
 * again with what follows). at_end: the text ends with this piece, and the
 * rules of smaps_parse apply to its end. Returns 0, -EINVAL or -ENOMEM; after
 * anything but 0 without at_end, the parse is over (fed at its end). */
int smaps_stream_feed(struct smaps_stream *st, const char *buf, size_t len, bool at_end,
		      struct smaps *out, size_t *used);
/* Empties out of the mappings counted so far; the open one stays. */
void smaps_stream_drain(const struct smaps_stream *st, struct smaps *out);
void smaps_free(struct smaps *s);

/* The name of a mapping ("" when it has none). */
static inline const char *smaps_name(const struct smaps *s, const struct smaps_map *m)
{
	return s->names + m->name_off;
}

/* Sums every mapping's sizes into *total (start/end/perms/name left 0). */
void smaps_total(const struct smaps *s, struct smaps_map *total);

#endif
