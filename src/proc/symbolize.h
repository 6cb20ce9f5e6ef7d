/* symbolize.h — user-space addresses of one process to function+offset and
 * file: the process's file mappings (/proc/PID/maps, files opened through
 * /proc/PID/root or /proc/PID/map_files), each file's ELF symbols (.symtab,
 * else .dynsym), and its debug file when installed (/usr/lib/debug/.build-id/
 * xx/rest.debug by build id, else .gnu_debuglink under /usr/lib/debug and
 * beside the file). PIE executables and shared libraries alike: an address
 * maps to its ELF virtual address through its mapping's start and file offset
 * and the segment that holds it. Every name is sanitised (util/text.h).
 *
 * The pure ELF reading is proc/elfsym.h (a buffer in, a symbol table out),
 * unit-tested and fuzzed; this file does the I/O and caching.
 */
#ifndef MEMTOP_SYMBOLIZE_H
#define MEMTOP_SYMBOLIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "proc/allocsnap.h"

struct symbolizer;

/* For process pid as it is now (its mappings are read once here; call
 * symbolizer_refresh when an address falls outside them). NULL on -ENOMEM
 * (errno set); a process that cannot be read gives a symbolizer that
 * resolves nothing (every frame "[unknown]"). */
struct symbolizer *symbolizer_open(int pid);

/* Reads the mappings again (a library loaded since). 0 or -errno. */
int symbolizer_refresh(struct symbolizer *s);

/* Fills out for ip. The strings belong to s and live until symbolizer_close.
 * Returns true when a symbol covers ip. */
bool symbolizer_resolve(struct symbolizer *s, uint64_t ip, struct alloc_frame *out);

/* Whether the process's executable has no symbol table at all (stripped,
 * and no debug file found). */
bool symbolizer_exe_stripped(struct symbolizer *s);

void symbolizer_close(struct symbolizer *s);

#endif
