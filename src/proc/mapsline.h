/* mapsline.h — pure parsing of one line of /proc/PID/maps (the header line
 * of each mapping in smaps too): the range, permissions, file offset,
 * device, inode and path of a mapping. smaps.c, the symboliser
 * (proc/symbolize.h) and the allocation probes (finding the allocator) all
 * read mappings through it.
 *
 * Contract: mapsline_parse reads only [p, end) (no NUL needed, no newline in
 * it). The path is left in the input (path, path_len: "" for an anonymous
 * mapping); mapsline_path copies it out as the file's name: the kernel's
 * "\012" (how it writes a newline in a path) back to '\n', and a
 * " (deleted)" suffix cut and reported. Nothing here sanitises: the caller
 * does before showing a path.
 */
#ifndef MEMTOP_MAPSLINE_H
#define MEMTOP_MAPSLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mapsline {
	uint64_t start, end, offset;   // end >= start
	uint32_t major, minor;
	uint64_t inode;
	char perms[5];              // "r-xp"
	bool exec;                  // 'x' in its permissions
	const char *path;           // in the input, not terminated
	size_t path_len;
};

/* Parses one line without its newline: "start-end perms offset
 * major:minor inode", blanks between them, then the path after the gap the
 * kernel pads (or none). False for a malformed line (*out then undefined). */
bool mapsline_parse(const char *p, const char *end, struct mapsline *out);

/* Whether the line names a file: an inode and an absolute path. */
bool mapsline_is_file(const struct mapsline *m);

/* Whether the path ends in " (deleted)" (the file was removed after it was
 * mapped); *len gets the path's length without it, as spelled. */
bool mapsline_deleted(const struct mapsline *m, size_t *len);

/* Copies the path into out (cap bytes, NUL-terminated, cut when longer),
 * unescaped, " (deleted)" cut (*deleted set). Returns the length written. */
size_t mapsline_path(const struct mapsline *m, char *out, size_t cap, bool *deleted);

#endif
