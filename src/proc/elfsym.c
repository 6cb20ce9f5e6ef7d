/* elfsym.c — function symbols, segments, build id and debug link of an ELF64
 * little-endian file in a buffer (see elfsym.h); pure code, every read
 * bounds-checked. */
#include "proc/elfsym.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "elfsym reads little-endian ELF files with host loads"
#endif

// A function symbol as found, before sorting and deduplication.
struct cand {
	uint64_t addr, size;
	uint32_t name;              // offset in the string table
	uint16_t namelen;           // bytes before its NUL, cut at 0xffff
	uint8_t local;              // 1: STB_LOCAL (a global or weak name wins)
	uint8_t unders;             // leading underscores
};

// What a parse reads from: the buffer and its length.
struct img {
	const unsigned char *p;
	size_t len;
};

// Whether [off, off + size) lies inside the image.
static bool in_bounds(const struct img *im, uint64_t off, uint64_t size)
{
	return off <= im->len && size <= im->len - off;
}

// Copies the section header idx (already known to be in bounds).
static void get_shdr(const struct img *im, const Elf64_Ehdr *eh, uint64_t idx, Elf64_Shdr *sh)
{
	memcpy(sh, im->p + eh->e_shoff + idx * eh->e_shentsize, sizeof *sh);
}

// The bytes of a section with contents: false when out of bounds.
static bool section_bytes(const struct img *im, const Elf64_Shdr *sh, const unsigned char **p,
			  size_t *n)
{
	if (sh->sh_type == SHT_NOBITS || !in_bounds(im, sh->sh_offset, sh->sh_size))
		return false;
	*p = im->p + sh->sh_offset;
	*n = (size_t)sh->sh_size;
	return true;
}

// Rounds n up to a multiple of align (a power of two); false on overflow.
static bool align_up(uint64_t n, uint64_t align, uint64_t *out)
{
	if (n > UINT64_MAX - (align - 1))
		return false;
	*out = (n + align - 1) & ~(align - 1);
	return true;
}

// Looks for NT_GNU_BUILD_ID in the notes [p, p + n) aligned to align (4 or 8).
static void scan_notes(struct elfsym *e, const unsigned char *p, size_t n, uint64_t align)
{
	size_t at = 0;

	while (e->build_id_len == 0 && n - at >= 12) {
		uint32_t hdr[3];
		uint64_t namesz, descsz, type;

		memcpy(hdr, p + at, sizeof hdr);
		namesz = hdr[0], descsz = hdr[1], type = hdr[2];
		at += 12;
		if (!align_up(namesz, align, &namesz) || namesz > n - at)
			return;
		if (type == NT_GNU_BUILD_ID && hdr[0] == 4 && memcmp(p + at, "GNU", 4) == 0 &&
		    descsz > 0 && descsz <= ELFSYM_BUILD_ID_MAX && descsz <= n - at - namesz) {
			memcpy(e->build_id, p + at + namesz, descsz);
			e->build_id_len = descsz;
			return;
		}
		at += namesz;
		if (!align_up(descsz, align, &descsz) || descsz > n - at)
			return;
		at += descsz;
	}
}

// Keeps a .gnu_debuglink: a plain file name (no '/', no control byte), its
// NUL, padding to 4 and the CRC-32. Anything else is ignored.
static void read_debuglink(struct elfsym *e, const unsigned char *p, size_t n)
{
	const unsigned char *nul = memchr(p, '\0', n < sizeof e->debuglink ? n : sizeof e->debuglink);
	size_t len, crc_at;

	if (!nul || nul == p)
		return;
	len = (size_t)(nul - p);
	crc_at = (len + 1 + 3) & ~(size_t)3;
	if (crc_at > n || n - crc_at < 4)
		return;
	for (size_t i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '/')
			return;
	if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
		return;
	memcpy(e->debuglink, p, len);
	e->debuglink[len] = '\0';
	memcpy(&e->debuglink_crc, p + crc_at, 4);
}

// The name of section sh through the section name table, or NULL.
static const char *section_name(const unsigned char *shstr, size_t shstr_n, const Elf64_Shdr *sh)
{
	if (!shstr || sh->sh_name >= shstr_n)
		return NULL;
	if (!memchr(shstr + sh->sh_name, '\0', shstr_n - sh->sh_name))
		return NULL;
	return (const char *)shstr + sh->sh_name;
}

// Reads the PT_LOAD segments (and, when there are no section headers, the
// PT_NOTE ones for the build id). -EINVAL when the table is out of bounds.
static int read_segments(struct elfsym *e, const struct img *im, const Elf64_Ehdr *eh, bool notes)
{
	if (eh->e_phnum == 0)
		return 0;
	if (eh->e_phentsize < sizeof(Elf64_Phdr) ||
	    !in_bounds(im, eh->e_phoff, (uint64_t)eh->e_phnum * eh->e_phentsize))
		return -EINVAL;
	for (uint64_t i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, im->p + eh->e_phoff + i * eh->e_phentsize, sizeof ph);
		if (ph.p_type == PT_LOAD && e->nsegs < ELFSYM_MAX_SEGS &&
		    ph.p_filesz <= UINT64_MAX - ph.p_offset && ph.p_memsz <= UINT64_MAX - ph.p_vaddr)
			e->segs[e->nsegs++] = (struct elfsym_seg){ .vaddr = ph.p_vaddr,
				.offset = ph.p_offset, .filesz = ph.p_filesz, .memsz = ph.p_memsz,
				.flags = ph.p_flags };
		else if (ph.p_type == PT_NOTE && notes && in_bounds(im, ph.p_offset, ph.p_filesz))
			scan_notes(e, im->p + ph.p_offset, (size_t)ph.p_filesz,
				   ph.p_align == 8 ? 8 : 4);
	}
	return 0;
}

// Orders candidates by address, the preferred alias of an address first.
// Sorting is sort_by_addr's; this picks among the aliases of one address.
static int cand_cmp(const void *pa, const void *pb, void *arg)
{
	const struct cand *a = pa, *b = pb;
	const char *str = arg;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->local != b->local)
		return a->local - b->local;
	if (a->unders != b->unders)
		return a->unders - b->unders;
	if (a->namelen != b->namelen)
		return a->namelen < b->namelen ? -1 : 1;
	return strcmp(str + a->name, str + b->name);
}

// The function symbols of one symbol table section into *cands (grown with
// realloc; *n of them). -EINVAL when the table or its strings are out of
// bounds, -ENOMEM.
static int collect(struct elfsym *e, const struct img *im, const Elf64_Ehdr *eh, uint64_t shnum,
		   const Elf64_Shdr *symsh, size_t max, struct cand **cands, size_t *n,
		   const char **strtab)
{
	const unsigned char *syms, *str;
	size_t nsyms_b, str_n, cap = 0;
	Elf64_Shdr strsh;

	// An entry larger than a page is no symbol table.
	if (symsh->sh_entsize < sizeof(Elf64_Sym) || symsh->sh_entsize > 4096 || symsh->sh_link >= shnum)
		return -EINVAL;
	get_shdr(im, eh, symsh->sh_link, &strsh);
	if (strsh.sh_type != SHT_STRTAB || !section_bytes(im, symsh, &syms, &nsyms_b) ||
	    !section_bytes(im, &strsh, &str, &str_n))
		return -EINVAL;
	*n = 0;
	*strtab = (const char *)str;
	for (uint64_t i = 0, count = nsyms_b / symsh->sh_entsize; i < count; i++) {
		Elf64_Sym sym;
		const unsigned char *nul;
		unsigned type;
		size_t len, u = 0;

		memcpy(&sym, syms + i * symsh->sh_entsize, sizeof sym);
		type = ELF64_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF ||
		    sym.st_value == 0)
			continue;
		nul = sym.st_name < str_n ? memchr(str + sym.st_name, '\0', str_n - sym.st_name) : NULL;
		if (!nul || nul == str + sym.st_name || *n >= max) {
			e->dropped++;
			continue;
		}
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct cand *c = realloc(*cands, ncap * sizeof **cands);

			if (!c)
				return -ENOMEM;
			*cands = c, cap = ncap;
		}
		len = (size_t)(nul - (str + sym.st_name));
		while (u < len && u < 255 && str[sym.st_name + u] == '_')
			u++;
		(*cands)[(*n)++] = (struct cand){ .addr = sym.st_value, .size = sym.st_size,
			.name = sym.st_name, .namelen = len > 0xffff ? 0xffff : (uint16_t)len,
			.local = ELF64_ST_BIND(sym.st_info) == STB_LOCAL, .unders = (uint8_t)u };
	}
	return 0;
}

// The end of the segment holding addr (vaddr + memsz), or addr when none.
static uint64_t segment_end(const struct elfsym *e, uint64_t addr)
{
	for (size_t i = 0; i < e->nsegs; i++)
		if (addr >= e->segs[i].vaddr && addr - e->segs[i].vaddr < e->segs[i].memsz)
			return e->segs[i].vaddr + e->segs[i].memsz;
	return addr;
}

// Sorts the candidates by address, stable (a radix sort: a glibc qsort of
// 100,000 symbols took most of a parse). -ENOMEM.
static int sort_by_addr(struct cand *c, size_t n)
{
	struct cand *tmp = malloc((n ? n : 1) * sizeof *tmp), *src = c, *dst = tmp;

	if (!tmp)
		return -ENOMEM;
	for (unsigned shift = 0; shift < 64 && n > 1; shift += 8) {
		size_t count[256] = { 0 }, pos = 0;
		struct cand *t;

		for (size_t i = 0; i < n; i++)
			count[(src[i].addr >> shift) & 0xff]++;
		if (count[(src[0].addr >> shift) & 0xff] == n)
			continue;                       // every address has this byte
		for (size_t b = 0; b < 256; b++) {
			size_t k = count[b];

			count[b] = pos;
			pos += k;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].addr >> shift) & 0xff]++] = src[i];
		t = src, src = dst, dst = t;
	}
	if (src != c)
		memcpy(c, src, n * sizeof *c);
	free(tmp);
	return 0;
}

// A name as text_sanitize writes it, with a copy for the common plain one.
static size_t name_copy(const char *in, size_t len, char *out, size_t cap)
{
	size_t i = 0;

	while (i < len && i + 1 < cap && in[i] >= 0x20 && in[i] < 0x7f && in[i] != '\\')
		i++;
	if (i < len)
		return text_sanitize(in, len, out, cap);
	memcpy(out, in, len);
	out[len] = '\0';
	return len;
}

// Sorts, deduplicates and copies the candidates out, names sanitised.
static int keep_symbols(struct elfsym *e, struct cand *c, size_t n, const char *str,
			size_t max_name_bytes)
{
	size_t k = 0, names_cap = 0;
	char name[ELFSYM_NAME_MAX];

	if (sort_by_addr(c, n) != 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && c[k - 1].addr == c[i].addr) {
			uint64_t size = c[i].size > c[k - 1].size ? c[i].size : c[k - 1].size;

			if (cand_cmp(&c[i], &c[k - 1], (void *)str) < 0)
				c[k - 1] = c[i];        // the preferred alias
			c[k - 1].size = size;           // an alias may carry the size
			continue;
		}
		c[k++] = c[i];
	}
	e->dropped += n - k;
	e->syms = malloc((k ? k : 1) * sizeof *e->syms);
	if (!e->syms)
		return -ENOMEM;
	for (size_t i = 0; i < k; i++) {
		size_t len = name_copy(str + c[i].name, c[i].namelen, name, sizeof name);
		struct elfsym_sym *s;

		if (e->names_len + len + 1 > max_name_bytes) {
			e->dropped += k - i;
			break;
		}
		if (e->names_len + len + 1 > names_cap) {
			size_t ncap = names_cap ? names_cap * 2 : 4096;
			char *p;

			while (ncap < e->names_len + len + 1)
				ncap *= 2;
			p = realloc(e->names, ncap);
			if (!p)
				return -ENOMEM;
			e->names = p, names_cap = ncap;
		}
		s = &e->syms[e->nsyms++];
		s->addr = c[i].addr;
		s->size = c[i].size > UINT32_MAX ? UINT32_MAX : (uint32_t)c[i].size;
		s->name_off = (uint32_t)e->names_len;
		memcpy(e->names + e->names_len, name, len + 1);
		e->names_len += len + 1;
	}
	for (size_t i = 0; i < e->nsyms; i++) {
		struct elfsym_sym *s = &e->syms[i];
		uint64_t size;

		if (s->size != 0)
			continue;
		size = (i + 1 < e->nsyms ? e->syms[i + 1].addr : segment_end(e, s->addr)) - s->addr;
		s->size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	}
	return 0;
}

// Reads the section headers: notes, the debug link, then the symbols of
// .symtab, else of .dynsym.
static int read_sections(struct elfsym *e, const struct img *im, const Elf64_Ehdr *eh,
			 const struct elfsym_limits *lim)
{
	uint64_t shnum = eh->e_shnum, shstrndx = eh->e_shstrndx, tables[2] = { 0, 0 };
	const unsigned char *shstr = NULL;
	size_t shstr_n = 0;
	Elf64_Shdr sh;
	int rc = 0;

	if (eh->e_shoff == 0)
		return 0;
	if (eh->e_shentsize < sizeof(Elf64_Shdr) || !in_bounds(im, eh->e_shoff, eh->e_shentsize))
		return -EINVAL;
	get_shdr(im, eh, 0, &sh);
	if (shnum == 0)
		shnum = sh.sh_size;           // extended numbering
	if (shstrndx == SHN_XINDEX)
		shstrndx = sh.sh_link;
	if (shnum > im->len / eh->e_shentsize ||
	    !in_bounds(im, eh->e_shoff, shnum * eh->e_shentsize))
		return -EINVAL;
	if (shstrndx != SHN_UNDEF && shstrndx < shnum) {
		get_shdr(im, eh, shstrndx, &sh);
		if (!section_bytes(im, &sh, &shstr, &shstr_n))
			shstr = NULL;
	}
	for (uint64_t i = 1; i < shnum; i++) {
		const unsigned char *p;
		const char *name;
		size_t n;

		get_shdr(im, eh, i, &sh);
		if (sh.sh_type == SHT_SYMTAB && !tables[0])
			tables[0] = i;
		else if (sh.sh_type == SHT_DYNSYM && !tables[1])
			tables[1] = i;
		else if (sh.sh_type == SHT_NOTE && e->build_id_len == 0 && section_bytes(im, &sh, &p, &n))
			scan_notes(e, p, n, sh.sh_addralign == 8 ? 8 : 4);
		else if (sh.sh_type == SHT_PROGBITS && (name = section_name(shstr, shstr_n, &sh)) &&
			 strcmp(name, ".gnu_debuglink") == 0 && section_bytes(im, &sh, &p, &n))
			read_debuglink(e, p, n);
	}
	for (int t = 0; t < 2 && e->table == ELFSYM_NONE && rc == 0; t++) {
		struct cand *c = NULL;
		const char *str = NULL;
		size_t n = 0;

		if (!tables[t])
			continue;
		get_shdr(im, eh, tables[t], &sh);
		rc = collect(e, im, eh, shnum, &sh, lim->max_syms, &c, &n, &str);
		if (rc == 0 && n > 0) {
			rc = keep_symbols(e, c, n, str, lim->max_name_bytes);
			e->table = t == 0 ? ELFSYM_SYMTAB : ELFSYM_DYNSYM;
		}
		free(c);
	}
	return rc;
}

int elfsym_parse(const void *buf, size_t len, struct elfsym *out)
{
	static const struct elfsym_limits lim = { ELFSYM_MAX_SYMS, ELFSYM_MAX_NAME_BYTES };

	return elfsym_parse_limited(buf, len, &lim, out);
}

int elfsym_parse_limited(const void *buf, size_t len, const struct elfsym_limits *lim,
			 struct elfsym *out)
{
	struct img im = { .p = buf, .len = len };
	Elf64_Ehdr eh;
	int rc;

	elfsym_free(out);
	if (len < sizeof eh)
		return -EINVAL;
	memcpy(&eh, buf, sizeof eh);
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return -EINVAL;
	out->type = eh.e_type;
	rc = read_segments(out, &im, &eh, eh.e_shoff == 0);
	if (rc == 0)
		rc = read_sections(out, &im, &eh, lim);
	if (rc != 0)
		elfsym_free(out);
	return rc;
}

void elfsym_free(struct elfsym *e)
{
	free(e->syms);
	free(e->names);
	memset(e, 0, sizeof *e);
}

bool elfsym_file_to_vaddr(const struct elfsym *e, uint64_t off, uint64_t *vaddr)
{
	for (size_t i = 0; i < e->nsegs; i++) {
		const struct elfsym_seg *s = &e->segs[i];

		if (off >= s->offset && off - s->offset < s->filesz) {
			*vaddr = off - s->offset + s->vaddr;
			return true;
		}
	}
	return false;
}

const struct elfsym_sym *elfsym_lookup(const struct elfsym *e, uint64_t vaddr)
{
	size_t lo = 0, hi = e->nsyms;

	// The last symbol starting at or before vaddr.
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	return vaddr - e->syms[lo - 1].addr < e->syms[lo - 1].size ? &e->syms[lo - 1] : NULL;
}

static const uint32_t crc_table[256] = {
	0x00000000, 0x77073096, 0xee0e612c, 0x990951ba, 0x076dc419, 0x706af48f,
	0xe963a535, 0x9e6495a3, 0x0edb8832, 0x79dcb8a4, 0xe0d5e91e, 0x97d2d988,
	0x09b64c2b, 0x7eb17cbd, 0xe7b82d07, 0x90bf1d91, 0x1db71064, 0x6ab020f2,
	0xf3b97148, 0x84be41de, 0x1adad47d, 0x6ddde4eb, 0xf4d4b551, 0x83d385c7,
	0x136c9856, 0x646ba8c0, 0xfd62f97a, 0x8a65c9ec, 0x14015c4f, 0x63066cd9,
	0xfa0f3d63, 0x8d080df5, 0x3b6e20c8, 0x4c69105e, 0xd56041e4, 0xa2677172,
	0x3c03e4d1, 0x4b04d447, 0xd20d85fd, 0xa50ab56b, 0x35b5a8fa, 0x42b2986c,
	0xdbbbc9d6, 0xacbcf940, 0x32d86ce3, 0x45df5c75, 0xdcd60dcf, 0xabd13d59,
	0x26d930ac, 0x51de003a, 0xc8d75180, 0xbfd06116, 0x21b4f4b5, 0x56b3c423,
	0xcfba9599, 0xb8bda50f, 0x2802b89e, 0x5f058808, 0xc60cd9b2, 0xb10be924,
	0x2f6f7c87, 0x58684c11, 0xc1611dab, 0xb6662d3d, 0x76dc4190, 0x01db7106,
	0x98d220bc, 0xefd5102a, 0x71b18589, 0x06b6b51f, 0x9fbfe4a5, 0xe8b8d433,
	0x7807c9a2, 0x0f00f934, 0x9609a88e, 0xe10e9818, 0x7f6a0dbb, 0x086d3d2d,
	0x91646c97, 0xe6635c01, 0x6b6b51f4, 0x1c6c6162, 0x856530d8, 0xf262004e,
	0x6c0695ed, 0x1b01a57b, 0x8208f4c1, 0xf50fc457, 0x65b0d9c6, 0x12b7e950,
	0x8bbeb8ea, 0xfcb9887c, 0x62dd1ddf, 0x15da2d49, 0x8cd37cf3, 0xfbd44c65,
	0x4db26158, 0x3ab551ce, 0xa3bc0074, 0xd4bb30e2, 0x4adfa541, 0x3dd895d7,
	0xa4d1c46d, 0xd3d6f4fb, 0x4369e96a, 0x346ed9fc, 0xad678846, 0xda60b8d0,
	0x44042d73, 0x33031de5, 0xaa0a4c5f, 0xdd0d7cc9, 0x5005713c, 0x270241aa,
	0xbe0b1010, 0xc90c2086, 0x5768b525, 0x206f85b3, 0xb966d409, 0xce61e49f,
	0x5edef90e, 0x29d9c998, 0xb0d09822, 0xc7d7a8b4, 0x59b33d17, 0x2eb40d81,
	0xb7bd5c3b, 0xc0ba6cad, 0xedb88320, 0x9abfb3b6, 0x03b6e20c, 0x74b1d29a,
	0xead54739, 0x9dd277af, 0x04db2615, 0x73dc1683, 0xe3630b12, 0x94643b84,
	0x0d6d6a3e, 0x7a6a5aa8, 0xe40ecf0b, 0x9309ff9d, 0x0a00ae27, 0x7d079eb1,
	0xf00f9344, 0x8708a3d2, 0x1e01f268, 0x6906c2fe, 0xf762575d, 0x806567cb,
	0x196c3671, 0x6e6b06e7, 0xfed41b76, 0x89d32be0, 0x10da7a5a, 0x67dd4acc,
	0xf9b9df6f, 0x8ebeeff9, 0x17b7be43, 0x60b08ed5, 0xd6d6a3e8, 0xa1d1937e,
	0x38d8c2c4, 0x4fdff252, 0xd1bb67f1, 0xa6bc5767, 0x3fb506dd, 0x48b2364b,
	0xd80d2bda, 0xaf0a1b4c, 0x36034af6, 0x41047a60, 0xdf60efc3, 0xa867df55,
	0x316e8eef, 0x4669be79, 0xcb61b38c, 0xbc66831a, 0x256fd2a0, 0x5268e236,
	0xcc0c7795, 0xbb0b4703, 0x220216b9, 0x5505262f, 0xc5ba3bbe, 0xb2bd0b28,
	0x2bb45a92, 0x5cb36a04, 0xc2d7ffa7, 0xb5d0cf31, 0x2cd99e8b, 0x5bdeae1d,
	0x9b64c2b0, 0xec63f226, 0x756aa39c, 0x026d930a, 0x9c0906a9, 0xeb0e363f,
	0x72076785, 0x05005713, 0x95bf4a82, 0xe2b87a14, 0x7bb12bae, 0x0cb61b38,
	0x92d28e9b, 0xe5d5be0d, 0x7cdcefb7, 0x0bdbdf21, 0x86d3d2d4, 0xf1d4e242,
	0x68ddb3f8, 0x1fda836e, 0x81be16cd, 0xf6b9265b, 0x6fb077e1, 0x18b74777,
	0x88085ae6, 0xff0f6a70, 0x66063bca, 0x11010b5c, 0x8f659eff, 0xf862ae69,
	0x616bffd3, 0x166ccf45, 0xa00ae278, 0xd70dd2ee, 0x4e048354, 0x3903b3c2,
	0xa7672661, 0xd06016f7, 0x4969474d, 0x3e6e77db, 0xaed16a4a, 0xd9d65adc,
	0x40df0b66, 0x37d83bf0, 0xa9bcae53, 0xdebb9ec5, 0x47b2cf7f, 0x30b5ffe9,
	0xbdbdf21c, 0xcabac28a, 0x53b39330, 0x24b4a3a6, 0xbad03605, 0xcdd70693,
	0x54de5729, 0x23d967bf, 0xb3667a2e, 0xc4614ab8, 0x5d681b02, 0x2a6f2b94,
	0xb40bbe37, 0xc30c8ea1, 0x5a05df1b, 0x2d02ef8d,
};

uint32_t elfsym_crc32(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	crc = ~crc;
	for (size_t i = 0; i < len; i++)
		crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}
