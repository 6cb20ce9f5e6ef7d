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

/* As symbolizer_open, with debug files looked up under debug_root instead
 * of /usr/lib/debug (the tests' fake debug root). */
struct symbolizer *symbolizer_open_at(int pid, const char *debug_root);

/* Reads the mappings again (a library loaded since). 0 or -errno; on
 * failure (the process exited) the mappings read before stay, and their
 * files can still be read from memtop's own root when they are the same
 * device and inode there. */
int symbolizer_refresh(struct symbolizer *s);

/* Fills out for ip, a return address: the symbol is looked up for ip - 1 (a
 * call's return address can fall just past its function's end, after a call
 * to a function that does not return), but out->offset is ip - the symbol's
 * start. Without a symbol, func is NULL and offset is ip's file offset; out
 * of every file mapping, file is "[unknown]" and offset is ip. A file is read
 * the first time one of its addresses is resolved, and its symbols kept
 * (once per device and inode, however many mappings) until
 * symbolizer_close. The strings belong to s and live until symbolizer_close,
 * across refreshes. Returns true when a symbol covers ip. */
bool symbolizer_resolve(struct symbolizer *s, uint64_t ip, struct alloc_frame *out);

/* Whether ip falls in one of the mappings read (a file's or not): when it
 * does not, a library may have been loaded since, and symbolizer_refresh is
 * worth its cost (one read of /proc/PID/maps; the files read stay cached). */
bool symbolizer_covers(const struct symbolizer *s, uint64_t ip);

/* Bytes held: mappings, symbol tables and names. */
size_t symbolizer_memory(const struct symbolizer *s);

/* Whether the process's executable has no symbol table at all (no .symtab,
 * and no debug file with one found; its .dynsym alone does not count). False
 * when it could not be read (unknown). */
bool symbolizer_exe_stripped(struct symbolizer *s);

void symbolizer_close(struct symbolizer *s);

#endif
