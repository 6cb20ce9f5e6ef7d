/* elfsym.h — pure reading of an ELF64 little-endian file held in a buffer:
 * its function symbols, its loadable segments, its build id and its
 * .gnu_debuglink, for the symboliser (proc/symbolize.h).
 *
 * Contract: elfsym_parse reads len bytes at buf (no NUL needed, any
 * alignment) and fills a struct elfsym it owns; the buffer may be unmapped
 * afterwards (every name is copied out). Every offset, size, count and string
 * is checked against len: a truncated, hostile or garbage buffer gives
 * -EINVAL (or -ENOMEM), never a read outside it. Memory is bounded: at most
 * ELFSYM_MAX_SYMS symbols and ELFSYM_MAX_NAME_BYTES bytes of names are kept
 * (the rest dropped, counted in dropped; elfsym_parse_limited sets others). Names are sanitised
 * (util/text.h) and cut to ELFSYM_NAME_MAX bytes; C++ names stay mangled (no
 * demangler: memtop depends on no C++ runtime).
 *
 * Symbols: STT_FUNC and STT_GNU_IFUNC with an address, from .symtab, else
 * .dynsym; sorted by address, one per address (aliases: a global or weak
 * name before a local one, then the fewest leading underscores, then the
 * shortest, then the first in byte order: malloc over __libc_malloc). A
 * symbol of size 0 covers up to the next symbol's address (the last one, up
 * to the end of the segment holding it). elfsym_free releases everything; a
 * zeroed struct is empty and may be freed.
 */
#ifndef MEMTOP_ELFSYM_H
#define MEMTOP_ELFSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELFSYM_MAX_SYMS       (4u << 20)     // function symbols kept per file
#define ELFSYM_MAX_NAME_BYTES (64u << 20)    // bytes of names kept per file
#define ELFSYM_NAME_MAX       512            // one sanitised name, bytes with its NUL
#define ELFSYM_MAX_SEGS       64             // PT_LOAD segments kept
#define ELFSYM_BUILD_ID_MAX   64             // bytes of build id kept

/* Where a symbol table came from. */
enum elfsym_table {
	ELFSYM_NONE = 0,            // no function symbol at all
	ELFSYM_DYNSYM,              // .dynsym only (a stripped file still has it)
	ELFSYM_SYMTAB,              // the full .symtab
};

struct elfsym_seg {
	uint64_t vaddr, offset, filesz, memsz;
	uint32_t flags;             // PF_X, PF_W, PF_R
};

struct elfsym_sym {
	uint64_t addr;              // ELF virtual address
	uint32_t size;              // after extension of a size-0 symbol; cut at 4 GiB
	uint32_t name_off;          // in elfsym.names (16 bytes a symbol)
};

struct elfsym {
	uint16_t type;              // ET_EXEC, ET_DYN, ...
	struct elfsym_sym *syms;    // sorted by addr, one per addr
	size_t nsyms;
	char *names;                // NUL-terminated, back to back
	size_t names_len;
	enum elfsym_table table;
	uint64_t dropped;           // symbols over the caps, or with a bad name
	struct elfsym_seg segs[ELFSYM_MAX_SEGS];
	size_t nsegs;
	uint8_t build_id[ELFSYM_BUILD_ID_MAX];
	size_t build_id_len;        // 0: none
	char debuglink[256];        // raw file name ("" none); only names with
	                            // no '/' and no control byte are kept
	uint32_t debuglink_crc;
};

/* Parses buf into out (replacing what it held). 0, -EINVAL (not an ELF64 LE
 * file, or a header, table or note out of bounds) or -ENOMEM. On error out
 * is empty. */
int elfsym_parse(const void *buf, size_t len, struct elfsym *out);

/* Caps on what one file may hold (elfsym_parse: ELFSYM_MAX_SYMS and
 * ELFSYM_MAX_NAME_BYTES). Symbols past max_syms in table order, and those
 * whose names would pass max_name_bytes in address order, are dropped. */
struct elfsym_limits {
	size_t max_syms;
	size_t max_name_bytes;
};

/* elfsym_parse under other caps (the tests fill them). */
int elfsym_parse_limited(const void *buf, size_t len, const struct elfsym_limits *lim,
			 struct elfsym *out);

void elfsym_free(struct elfsym *e);

/* The ELF virtual address of file offset off, through the PT_LOAD segment
 * whose file bytes hold it: off - seg.offset + seg.vaddr. False when no
 * segment holds it. */
bool elfsym_file_to_vaddr(const struct elfsym *e, uint64_t off, uint64_t *vaddr);

/* The symbol covering vaddr (addr <= vaddr < addr + size), or NULL. A binary
 * search. */
const struct elfsym_sym *elfsym_lookup(const struct elfsym *e, uint64_t vaddr);

static inline const char *elfsym_name(const struct elfsym *e, const struct elfsym_sym *s)
{
	return e->names + s->name_off;
}

/* The CRC-32 of .gnu_debuglink (zlib's, polynomial 0xEDB88320), continued
 * from crc (0 to start). */
uint32_t elfsym_crc32(uint32_t crc, const void *buf, size_t len);

#endif
