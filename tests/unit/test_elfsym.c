/* test_elfsym.c — the pure ELF reader: the fixture files of
 * tests/fixtures/elf (built at test-build time) against nm's facts, libc's
 * .dynsym (malloc, not __libc_malloc), and hand-built files: aliases, size-0
 * symbols, hostile names, every truncation, section and program header
 * tables and sections past the end, absurd counts and entry sizes, names
 * without a NUL, bad notes and debug links; 100,000 symbols timed. */
#include "fixture.h"

#include <elf.h>
#include <inttypes.h>
#include <time.h>
#include <unistd.h>

#include "proc/elfsym.h"

#ifndef ELF_FIXTURES
#error "ELF_FIXTURES must name build/generated/elf"
#endif

// ---- a hand-built ELF file ----

struct bsym {
	const char *name;           // NULL: st_name points past the string table
	uint64_t addr, size;
	unsigned char bind, type;
};

// Where build_elf put things, for the tests that break them.
struct layout {
	size_t shoff, symtab_sh, strtab_sh, note_sh, link_sh, strtab_off, strtab_len;
	size_t note_off, link_off;
};

#define B_SECTIONS 7                 // null, .text, .symtab, .strtab, .shstrtab, note, link

static void put(char *buf, size_t *at, const void *p, size_t n)
{
	memcpy(buf + *at, p, n);
	*at += n;
}

// An ELF64 LE ET_DYN file: one PT_LOAD (file offset 0 at vaddr 0x400000,
// 16 MiB), a .symtab with syms, a build-id note and a debug link. Exact size.
static char *build_elf(const struct bsym *syms, size_t n, const char *debuglink, size_t *len,
		       struct layout *lay)
{
	static const char shstr[] = "\0.text\0.symtab\0.strtab\0.shstrtab\0.note.gnu.build-id\0.gnu_debuglink";
	size_t strlen_total = 1, cap, at = 0;
	char *buf;
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph = { 0 };
	Elf64_Shdr sh[B_SECTIONS];
	size_t sym_off, str_off, shstr_off, note_off, link_off, link_len;
	uint32_t note_hdr[3] = { 4, 20, NT_GNU_BUILD_ID }, crc = 0xdeadbeef;

	for (size_t i = 0; i < n; i++)
		strlen_total += syms[i].name ? strlen(syms[i].name) + 1 : 0;
	link_len = ((strlen(debuglink) + 1 + 3) & ~(size_t)3) + 4;
	cap = sizeof eh + sizeof ph + (n + 1) * sizeof(Elf64_Sym) + strlen_total + sizeof shstr +
	      12 + 4 + 20 + link_len + B_SECTIONS * sizeof(Elf64_Shdr) + 16;
	buf = calloc(1, cap);
	assert_non_null(buf);
	at = sizeof eh;
	ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0,
			   .p_vaddr = 0x400000, .p_filesz = 16 << 20, .p_memsz = 16 << 20 };
	put(buf, &at, &ph, sizeof ph);
	// Strings first, so the symbols can point into them.
	str_off = at + (n + 1) * sizeof(Elf64_Sym);
	{
		size_t s_at = str_off + 1, y_at = at + sizeof(Elf64_Sym);

		for (size_t i = 0; i < n; i++) {
			Elf64_Sym y = { .st_info = ELF64_ST_INFO(syms[i].bind, syms[i].type),
					.st_shndx = 1, .st_value = syms[i].addr, .st_size = syms[i].size };

			if (syms[i].name) {
				y.st_name = (uint32_t)(s_at - str_off);
				memcpy(buf + s_at, syms[i].name, strlen(syms[i].name) + 1);
				s_at += strlen(syms[i].name) + 1;
			} else {
				y.st_name = (uint32_t)strlen_total + 100;
			}
			memcpy(buf + y_at, &y, sizeof y);
			y_at += sizeof y;
		}
	}
	sym_off = at;
	at = str_off + strlen_total;
	shstr_off = at;
	put(buf, &at, shstr, sizeof shstr);
	at = (at + 3) & ~(size_t)3;
	note_off = at;
	put(buf, &at, note_hdr, sizeof note_hdr);
	put(buf, &at, "GNU", 4);
	for (int i = 0; i < 20; i++)
		buf[at++] = (char)(0xa0 + i);
	link_off = at;
	memcpy(buf + at, debuglink, strlen(debuglink));
	memcpy(buf + at + link_len - 4, &crc, 4);
	at += link_len;
	at = (at + 7) & ~(size_t)7;
	memset(sh, 0, sizeof sh);
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_PROGBITS, .sh_offset = 0, .sh_size = 0 };
	sh[2] = (Elf64_Shdr){ .sh_name = 7, .sh_type = SHT_SYMTAB, .sh_offset = sym_off,
			      .sh_size = (n + 1) * sizeof(Elf64_Sym), .sh_link = 3,
			      .sh_entsize = sizeof(Elf64_Sym) };
	sh[3] = (Elf64_Shdr){ .sh_name = 15, .sh_type = SHT_STRTAB, .sh_offset = str_off,
			      .sh_size = strlen_total };
	sh[4] = (Elf64_Shdr){ .sh_name = 23, .sh_type = SHT_STRTAB, .sh_offset = shstr_off,
			      .sh_size = sizeof shstr };
	sh[5] = (Elf64_Shdr){ .sh_name = 33, .sh_type = SHT_NOTE, .sh_offset = note_off,
			      .sh_size = 36, .sh_addralign = 4 };
	sh[6] = (Elf64_Shdr){ .sh_name = 52, .sh_type = SHT_PROGBITS, .sh_offset = link_off,
			      .sh_size = link_len };
	*lay = (struct layout){ .shoff = at, .symtab_sh = at + 2 * sizeof(Elf64_Shdr),
		.strtab_sh = at + 3 * sizeof(Elf64_Shdr), .note_sh = at + 5 * sizeof(Elf64_Shdr),
		.link_sh = at + 6 * sizeof(Elf64_Shdr), .strtab_off = str_off,
		.strtab_len = strlen_total, .note_off = note_off, .link_off = link_off };
	put(buf, &at, sh, sizeof sh);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_DYN;
	eh.e_machine = EM_X86_64;
	eh.e_phoff = sizeof eh;
	eh.e_phentsize = sizeof ph;
	eh.e_phnum = 1;
	eh.e_shoff = lay->shoff;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = B_SECTIONS;
	eh.e_shstrndx = 4;
	memcpy(buf, &eh, sizeof eh);
	*len = at;
	{
		char *exact = test_bytes(buf, at);

		free(buf);
		return exact;
	}
}

static const struct bsym basic[] = {
	{ "__libc_malloc", 0x401000, 0x40, STB_GLOBAL, STT_FUNC },
	{ "malloc", 0x401000, 0x40, STB_GLOBAL, STT_FUNC },
	{ "malloc_local", 0x401000, 0x40, STB_LOCAL, STT_FUNC },
	{ "nosize", 0x401100, 0, STB_GLOBAL, STT_FUNC },
	{ "after", 0x401180, 0x20, STB_LOCAL, STT_FUNC },
	{ "ifunc", 0x401200, 0x10, STB_GLOBAL, STT_GNU_IFUNC },
	{ "data", 0x402000, 0x100, STB_GLOBAL, STT_OBJECT },
	{ "undefined_addr0", 0, 0x10, STB_GLOBAL, STT_FUNC },
	{ "evil\x1b[31m\n", 0x403000, 0x10, STB_GLOBAL, STT_FUNC },
	{ "last_nosize", 0x500000, 0, STB_WEAK, STT_FUNC },
};
#define NBASIC (sizeof basic / sizeof basic[0])

// Names the symbol covering vaddr, or NULL.
static const char *name_at(const struct elfsym *e, uint64_t vaddr)
{
	const struct elfsym_sym *s = elfsym_lookup(e, vaddr);

	return s ? elfsym_name(e, s) : NULL;
}

static void test_synthetic(void **state)
{
	struct layout lay;
	size_t len;
	char *buf = build_elf(basic, NBASIC, "prog.debug", &len, &lay);
	struct elfsym e = { 0 };
	uint64_t v;

	(void)state;
	assert_int_equal(elfsym_parse(buf, len, &e), 0);
	assert_int_equal(e.table, ELFSYM_SYMTAB);
	assert_int_equal(e.type, ET_DYN);
	// Aliases: the global name with the fewest underscores.
	assert_string_equal(name_at(&e, 0x401000), "malloc");
	assert_string_equal(name_at(&e, 0x40103f), "malloc");
	assert_null(name_at(&e, 0x401040));
	assert_null(name_at(&e, 0x400fff));
	// Size 0: up to the next symbol; the last one to its segment's end.
	assert_string_equal(name_at(&e, 0x401100), "nosize");
	assert_string_equal(name_at(&e, 0x40117f), "nosize");
	assert_string_equal(name_at(&e, 0x401180), "after");
	assert_string_equal(name_at(&e, 0x401200), "ifunc");
	assert_null(name_at(&e, 0x402000));          // an object, not a function
	assert_string_equal(name_at(&e, 0x403000), "evil\\e[31m\\n");
	assert_string_equal(name_at(&e, 0x13fffff), "last_nosize");
	assert_null(name_at(&e, 0x1400000));
	assert_int_equal(e.nsyms, 6);
	// Segments, build id, debug link.
	assert_true(elfsym_file_to_vaddr(&e, 0x1234, &v));
	assert_int_equal(v, 0x401234);
	assert_false(elfsym_file_to_vaddr(&e, 16 << 20, &v));
	assert_int_equal(e.build_id_len, 20);
	assert_int_equal(e.build_id[0], 0xa0);
	assert_int_equal(e.build_id[19], 0xb3);
	assert_string_equal(e.debuglink, "prog.debug");
	assert_int_equal(e.debuglink_crc, 0xdeadbeef);
	elfsym_free(&e);
	elfsym_free(&e);              // a freed struct is empty
	free(buf);
}

// The caps: none, partly, exactly and over full, for symbols and for name
// bytes.
static void test_limits(void **state)
{
	static const char *const kept[] = { "malloc", "nosize", "after", "ifunc", "evil\\e[31m\\n",
					     "last_nosize" };
	struct layout lay;
	size_t len, bytes = 0;
	char *buf = build_elf(basic, NBASIC, "prog.debug", &len, &lay);
	struct elfsym e = { 0 };
	struct elfsym_limits lim = { 0, ELFSYM_MAX_NAME_BYTES };

	(void)state;
	// Symbols, in table order: 8 candidates, 6 addresses.
	assert_int_equal(elfsym_parse_limited(buf, len, &lim, &e), 0);
	assert_int_equal(e.nsyms, 0);
	assert_int_equal(e.table, ELFSYM_NONE);
	assert_int_equal(e.dropped, 8);
	lim.max_syms = 4;             // __libc_malloc, malloc, malloc_local, nosize
	assert_int_equal(elfsym_parse_limited(buf, len, &lim, &e), 0);
	assert_int_equal(e.nsyms, 2);
	assert_string_equal(name_at(&e, 0x401000), "malloc");
	assert_string_equal(name_at(&e, 0x401180), "nosize");   // no next: to the segment's end
	lim.max_syms = 8;
	assert_int_equal(elfsym_parse_limited(buf, len, &lim, &e), 0);
	assert_int_equal(e.nsyms, 6);
	assert_int_equal(e.dropped, 2);
	lim.max_syms = 7;
	assert_int_equal(elfsym_parse_limited(buf, len, &lim, &e), 0);
	assert_int_equal(e.nsyms, 5);
	assert_int_equal(e.dropped, 3);
	assert_null(name_at(&e, 0x500000));
	// Name bytes, in address order.
	for (size_t i = 0; i < 6; i++)
		bytes += strlen(kept[i]) + 1;
	lim = (struct elfsym_limits){ ELFSYM_MAX_SYMS, bytes };
	assert_int_equal(elfsym_parse_limited(buf, len, &lim, &e), 0);
	assert_int_equal(e.nsyms, 6);
	assert_int_equal(e.names_len, bytes);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(elfsym_name(&e, &e.syms[i]), kept[i]);
	lim.max_name_bytes = bytes - 1;
	assert_int_equal(elfsym_parse_limited(buf, len, &lim, &e), 0);
	assert_int_equal(e.nsyms, 5);
	assert_int_equal(e.dropped, 2 + 1);
	assert_null(name_at(&e, 0x500000));
	assert_string_equal(name_at(&e, 0x403000), kept[4]);
	lim.max_name_bytes = 0;
	assert_int_equal(elfsym_parse_limited(buf, len, &lim, &e), 0);
	assert_int_equal(e.nsyms, 0);
	assert_null(name_at(&e, 0x401000));
	elfsym_free(&e);
	free(buf);
}

// Parses buf and expects rc (line: the caller's, for the message).
static void expect_rc_at(char *buf, size_t len, int rc, int line)
{
	struct elfsym e = { 0 };
	int got = elfsym_parse(buf, len, &e);

	if (got != rc)
		fail_msg("line %d: elfsym_parse gave %d, not %d", line, got, rc);
	if (rc != 0) {
		assert_int_equal(e.nsyms, 0);
		assert_null(e.syms);
	}
	elfsym_free(&e);
}

#define expect_rc(b, len, rc) expect_rc_at(b, len, rc, __LINE__)

static void set64(char *buf, size_t off, uint64_t v)
{
	memcpy(buf + off, &v, 8);
}

static void set32(char *buf, size_t off, uint32_t v)
{
	memcpy(buf + off, &v, 4);
}

static void set16(char *buf, size_t off, uint16_t v)
{
	memcpy(buf + off, &v, 2);
}

// Header fields and tables broken one at a time: -EINVAL, never a read out
// of bounds (ASan).
static void test_hostile_headers(void **state)
{
	struct layout lay;
	size_t len;
	char *orig = build_elf(basic, NBASIC, "prog.debug", &len, &lay), *b = malloc(len);
	const size_t sh_off = offsetof(Elf64_Shdr, sh_offset), sh_size = offsetof(Elf64_Shdr, sh_size);

	(void)state;
	assert_non_null(b);
#define FRESH() memcpy(b, orig, len)
	FRESH(); b[EI_CLASS] = ELFCLASS32; expect_rc(b, len, -EINVAL);
	FRESH(); b[EI_DATA] = ELFDATA2MSB; expect_rc(b, len, -EINVAL);
	FRESH(); b[1] = 'X'; expect_rc(b, len, -EINVAL);
	FRESH(); set64(b, offsetof(Elf64_Ehdr, e_shoff), len); expect_rc(b, len, -EINVAL);
	FRESH(); set64(b, offsetof(Elf64_Ehdr, e_shoff), UINT64_MAX - 8); expect_rc(b, len, -EINVAL);
	FRESH(); set16(b, offsetof(Elf64_Ehdr, e_shnum), 0xffff); expect_rc(b, len, -EINVAL);
	FRESH(); set16(b, offsetof(Elf64_Ehdr, e_shentsize), 8); expect_rc(b, len, -EINVAL);
	FRESH(); set16(b, offsetof(Elf64_Ehdr, e_phnum), 0xffff); expect_rc(b, len, -EINVAL);
	FRESH(); set64(b, offsetof(Elf64_Ehdr, e_phoff), UINT64_MAX); expect_rc(b, len, -EINVAL);
	FRESH(); set16(b, offsetof(Elf64_Ehdr, e_phentsize), 1); expect_rc(b, len, -EINVAL);
	// Extended numbering: e_shnum 0, the count in section 0's size.
	FRESH(); set16(b, offsetof(Elf64_Ehdr, e_shnum), 0);
	set64(b, lay.shoff + sh_size, UINT64_MAX / 2); expect_rc(b, len, -EINVAL);
	// A count whose table size wraps to 7 entries' worth.
	FRESH(); set16(b, offsetof(Elf64_Ehdr, e_shnum), 0);
	set64(b, lay.shoff + sh_size, (1ull << 58) + 7); expect_rc(b, len, -EINVAL);
	FRESH(); set16(b, offsetof(Elf64_Ehdr, e_shnum), 0);
	set64(b, lay.shoff + sh_size, B_SECTIONS); expect_rc(b, len, 0);
	// The symbol table or its strings past the end, absurd sizes.
	FRESH(); set64(b, lay.symtab_sh + sh_off, len); expect_rc(b, len, -EINVAL);
	FRESH(); set64(b, lay.symtab_sh + sh_size, UINT64_MAX); expect_rc(b, len, -EINVAL);
	FRESH(); set64(b, lay.symtab_sh + sh_off, UINT64_MAX - 4); expect_rc(b, len, -EINVAL);
	FRESH(); set64(b, lay.strtab_sh + sh_size, (uint64_t)len + 1); expect_rc(b, len, -EINVAL);
	FRESH(); set64(b, lay.symtab_sh + offsetof(Elf64_Shdr, sh_entsize), 0); expect_rc(b, len, -EINVAL);
	FRESH(); set64(b, lay.symtab_sh + offsetof(Elf64_Shdr, sh_entsize), UINT64_MAX); expect_rc(b, len, -EINVAL);
	FRESH(); set32(b, lay.symtab_sh + offsetof(Elf64_Shdr, sh_link), 0xffffffff); expect_rc(b, len, -EINVAL);
	FRESH(); set32(b, lay.symtab_sh + offsetof(Elf64_Shdr, sh_link), 4 - 4); expect_rc(b, len, -EINVAL);
	// A huge entry size that still fits: one entry read, no more.
	FRESH(); set64(b, lay.symtab_sh + offsetof(Elf64_Shdr, sh_entsize), 48); expect_rc(b, len, 0);
	// Notes and links that lie: ignored, not read past.
	FRESH(); set32(b, lay.note_off, 0xfffffff0); expect_rc(b, len, 0);
	FRESH(); set32(b, lay.note_off + 4, 0xfffffff0); expect_rc(b, len, 0);
	FRESH(); set64(b, lay.note_sh + sh_size, 13); expect_rc(b, len, 0);
	FRESH(); set64(b, lay.link_sh + sh_size, 3); expect_rc(b, len, 0);
	free(b);
	free(orig);
#undef FRESH
}

// Names: one without its NUL (the string table cut before it), one pointing
// past the table; both dropped, the rest kept. A debug link with a '/' or
// without its CRC is ignored.
static void test_names_and_links(void **state)
{
	static const struct bsym syms[] = {
		{ "alpha", 0x401000, 0x10, STB_GLOBAL, STT_FUNC },
		{ NULL, 0x401010, 0x10, STB_GLOBAL, STT_FUNC },
		{ "omega_unterminated", 0x401020, 0x10, STB_GLOBAL, STT_FUNC },
	};
	struct layout lay;
	size_t len;
	char *b = build_elf(syms, 3, "../etc/x", &len, &lay);
	struct elfsym e = { 0 };

	(void)state;
	// The string table ends one byte early: the last name has no NUL.
	set64(b, lay.strtab_sh + offsetof(Elf64_Shdr, sh_size), lay.strtab_len - 1);
	assert_int_equal(elfsym_parse(b, len, &e), 0);
	assert_int_equal(e.nsyms, 1);
	assert_string_equal(name_at(&e, 0x401005), "alpha");
	assert_null(name_at(&e, 0x401015));
	assert_null(name_at(&e, 0x401025));
	assert_int_equal(e.dropped, 2);
	assert_string_equal(e.debuglink, "");
	elfsym_free(&e);
	free(b);

	b = build_elf(syms, 1, "ok.debug", &len, &lay);
	set64(b, lay.link_sh + offsetof(Elf64_Shdr, sh_size), 10);   // the CRC cut off
	assert_int_equal(elfsym_parse(b, len, &e), 0);
	assert_string_equal(e.debuglink, "");
	elfsym_free(&e);
	free(b);
}

// Every prefix of a file: an error or a parse, never a read past it.
static void every_prefix(const char *buf, size_t len)
{
	struct elfsym e = { 0 };

	for (size_t n = 0; n < len; n++) {
		char *p = test_bytes(buf, n);
		int rc = elfsym_parse(p, n, &e);

		assert_true(rc == 0 || rc == -EINVAL);
		free(p);
	}
	elfsym_free(&e);
}

static void test_every_prefix(void **state)
{
	struct layout lay;
	size_t len;
	char *b = build_elf(basic, NBASIC, "prog.debug", &len, &lay);

	(void)state;
	every_prefix(b, len);
	free(b);
	b = fixture_read(ELF_FIXTURES "/libfix-stripped.so", &len);
	every_prefix(b, len);
	free(b);
}

// The functions nm lists for file (type T, t, W or i, with a size): each
// covered from its start to its last byte by a symbol starting there.
static void check_against_nm(const char *file, const char *nmfile, enum elfsym_table table)
{
	char path[512], line[512];
	size_t len, checked = 0;
	char *buf;
	struct elfsym e = { 0 };
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", ELF_FIXTURES, file);
	buf = fixture_read(path, &len);
	assert_int_equal(elfsym_parse(buf, len, &e), 0);
	assert_int_equal(e.table, table);
	snprintf(path, sizeof path, "%s/%s", ELF_FIXTURES, nmfile);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		uint64_t a, z;
		char type, name[256];
		const struct elfsym_sym *s;

		if (sscanf(line, "%" SCNx64 " %" SCNx64 " %c %255s", &a, &z, &type, name) != 4 ||
		    !strchr("TtWi", type) || z == 0)
			continue;
		s = elfsym_lookup(&e, a);
		assert_non_null(s);
		assert_int_equal(s->addr, a);
		assert_non_null(elfsym_lookup(&e, a + z - 1));
		assert_int_equal(elfsym_lookup(&e, a + z - 1)->addr, a);
		checked++;
	}
	fclose(f);
	assert_true(checked >= 2);
	elfsym_free(&e);
	free(buf);
}

static void test_fixtures_against_nm(void **state)
{
	(void)state;
	check_against_nm("prog-pie", "prog-pie.nm", ELFSYM_SYMTAB);
	check_against_nm("prog-nopie", "prog-nopie.nm", ELFSYM_SYMTAB);
	check_against_nm("libfix.so", "libfix.so.nm", ELFSYM_SYMTAB);
	check_against_nm("libfix-stripped.so", "libfix-stripped.so.nm", ELFSYM_DYNSYM);
}

// Build id and debug link as build.sh made them: the build-id path exists
// under debugroot; the link names .debug/prog-dl.debug and its CRC.
static void test_fixture_ids(void **state)
{
	struct elfsym e = { 0 };
	char path[512];
	size_t len, dlen;
	char *buf = fixture_read(ELF_FIXTURES "/prog-nopie", &len), *dbg;
	FILE *f;

	(void)state;
	assert_int_equal(elfsym_parse(buf, len, &e), 0);
	assert_int_equal(e.build_id_len, 20);
	snprintf(path, sizeof path, "%s/debugroot/.build-id/%02x/", ELF_FIXTURES, e.build_id[0]);
	for (size_t i = 1; i < e.build_id_len; i++)
		snprintf(path + strlen(path), sizeof path - strlen(path), "%02x", e.build_id[i]);
	strcat(path, ".debug");
	f = fopen(path, "rb");
	assert_non_null(f);
	fclose(f);
	assert_true(e.nsegs >= 2);
	free(buf);

	buf = fixture_read(ELF_FIXTURES "/prog-dl", &len);
	assert_int_equal(elfsym_parse(buf, len, &e), 0);
	assert_int_not_equal(e.table, ELFSYM_SYMTAB);
	assert_string_equal(e.debuglink, "prog-dl.debug");
	dbg = fixture_read(ELF_FIXTURES "/.debug/prog-dl.debug", &dlen);
	assert_int_equal(e.debuglink_crc, elfsym_crc32(0, dbg, dlen));
	free(dbg);
	free(buf);
	elfsym_free(&e);
	// The CRC's check value, and continuation.
	assert_int_equal(elfsym_crc32(0, "123456789", 9), 0xcbf43926);
	assert_int_equal(elfsym_crc32(elfsym_crc32(0, "1234", 4), "56789", 5), 0xcbf43926);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

// The real libc's .dynsym: malloc is named malloc (not __libc_malloc), as nm
// -D addresses it. Prints the time it took.
static void test_libc(void **state)
{
	static const char *const libcs[] = { "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", NULL };
	char cmd[256], line[256];
	uint64_t malloc_addr = 0;
	struct elfsym e = { 0 };
	size_t len;
	char *buf;
	double t0;
	FILE *p;
	const char *const *lib = libcs;

	(void)state;
	while (*lib && access(*lib, R_OK) != 0)
		lib++;
	if (!*lib)
		skip();
	snprintf(cmd, sizeof cmd, "nm -D --defined-only %s", *lib);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof line, p)) {
		uint64_t a;
		char type, name[128];

		if (sscanf(line, "%" SCNx64 " %c %127[^@\n]", &a, &type, name) == 3 && strcmp(name, "malloc") == 0)
			malloc_addr = a;
	}
	pclose(p);
	assert_true(malloc_addr != 0);
	buf = fixture_read(*lib, &len);
	t0 = now_s();
	assert_int_equal(elfsym_parse(buf, len, &e), 0);
	printf("# libc .dynsym: %zu functions in %.2f ms, %zu bytes of names\n", e.nsyms,
	       (now_s() - t0) * 1e3, e.names_len);
	assert_int_equal(e.table, ELFSYM_DYNSYM);
	assert_string_equal(name_at(&e, malloc_addr), "malloc");
	assert_string_equal(name_at(&e, malloc_addr + 1), "malloc");
	elfsym_free(&e);
	free(buf);
}

// 100,000 symbols (reversed, every tenth an alias, every seventh of size
// 0): all found, in milliseconds (the time printed; asserted under a
// generous bound for the sanitizer build).
static void test_many_symbols(void **state)
{
	enum { N = 100000 };
	struct bsym *syms = calloc(N, sizeof *syms);
	char (*names)[24] = calloc(N, sizeof *names);
	struct elfsym e = { 0 };
	struct layout lay;
	size_t len;
	char *buf;
	double t0, dt;

	(void)state;
	assert_non_null(syms);
	assert_non_null(names);
	for (size_t i = 0; i < N; i++) {
		size_t k = N - 1 - i, slot = k % 10 == 9 ? k - 1 : k;  // reversed; aliases

		snprintf(names[i], sizeof names[i], "%sf%zu", k % 10 == 9 ? "__" : "", k);
		syms[i] = (struct bsym){ names[i], 0x401000 + slot * 16, slot % 7 == 3 ? 0 : 12,
					 STB_GLOBAL, STT_FUNC };
	}
	buf = build_elf(syms, N, "x", &len, &lay);
	t0 = now_s();
	assert_int_equal(elfsym_parse(buf, len, &e), 0);
	dt = now_s() - t0;
	printf("# 100,000 symbols: %zu kept in %.1f ms, %zu bytes\n", e.nsyms, dt * 1e3,
	       e.nsyms * sizeof *e.syms + e.names_len);
	assert_int_equal(e.nsyms, N - N / 10);
	assert_int_equal(e.dropped, N / 10);
	for (size_t k = 0; k < N; k++) {
		char want[24];
		uint64_t a = 0x401000 + k * 16;

		if (k % 10 == 9)
			continue;
		snprintf(want, sizeof want, "f%zu", k);
		assert_string_equal(name_at(&e, a), want);
		assert_string_equal(name_at(&e, a + 11), want);
		if (k % 7 == 3)
			assert_string_equal(name_at(&e, a + 15), want);   // size 0: to the next
		else if (k % 10 != 8)
			assert_null(name_at(&e, a + 12));
	}
	assert_true(dt < 2.0);
	elfsym_free(&e);
	free(buf);
	free(names);
	free(syms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthetic),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_names_and_links),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_fixtures_against_nm),
		cmocka_unit_test(test_fixture_ids),
		cmocka_unit_test(test_libc),
		cmocka_unit_test(test_many_symbols),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
