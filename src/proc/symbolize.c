/* symbolize.c — addresses of one process to function+offset and file (see
 * symbolize.h): /proc/PID/maps, each mapped file read once (by device and
 * inode) through /proc/PID/map_files or /proc/PID/root, its debug file by
 * build id or .gnu_debuglink, the ELF reading in proc/elfsym.c. */
#include "proc/symbolize.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "proc/elfsym.h"
#include "proc/procfs.h"
#include "util/scan.h"
#include "util/text.h"

#define SYM_MAPS_MAX     (64u << 20)       // bytes of /proc/PID/maps read at most
#define SYM_FILE_MAX     (4ull << 30)      // larger files are not read
#define SYM_NAME_MAX     256               // a file's sanitised name, bytes
#define SYM_DEFAULT_ROOT "/usr/lib/debug"

static const char unknown_file[] = "[unknown]";

// One mapped file, read at most once, kept until symbolizer_close.
struct symfile {
	uint64_t dev, ino;
	char name[SYM_NAME_MAX];    // sanitised basename
	bool tried;                 // reading attempted
	bool ok;                    // elf parsed
	bool use_dbg;               // symbols from dbg
	struct elfsym elf;          // the file itself: segments, maybe symbols
	struct elfsym dbg;          // its debug file's symbols, when used
};

// One line of /proc/PID/maps.
struct symmap {
	uint64_t start, end, offset, dev, ino;
	size_t file;                // index in files; SIZE_MAX: not a file
	char *path;                 // unescaped, "(deleted)" cut; NULL when not a file
	bool deleted;
};

struct symbolizer {
	int pid;
	int procfd;                 // /proc/PID, -1 when it could not be opened
	char debug_root[PATH_MAX];
	struct symmap *maps;        // sorted by start (as the kernel lists them)
	size_t nmaps;
	struct symfile **files;     // each its own allocation: names stay put
	size_t nfiles, files_cap;
	struct procfs_buf text;     // the last maps text
	size_t exe_file;            // SIZE_MAX: unknown
};

// Frees the mappings (not the files).
static void maps_clear(struct symbolizer *s)
{
	for (size_t i = 0; i < s->nmaps; i++)
		free(s->maps[i].path);
	free(s->maps);
	s->maps = NULL;
	s->nmaps = 0;
}

// The file of (dev, ino), added (with its display name) when new. SIZE_MAX
// on -ENOMEM.
static size_t file_for(struct symbolizer *s, uint64_t dev, uint64_t ino, const char *path)
{
	const char *base = strrchr(path, '/');
	struct symfile *f;
	size_t len;

	// A file's mappings are listed together: its last one is the likely match.
	if (s->nmaps > 0 && s->maps[s->nmaps - 1].file != SIZE_MAX &&
	    s->maps[s->nmaps - 1].dev == dev && s->maps[s->nmaps - 1].ino == ino)
		return s->maps[s->nmaps - 1].file;
	for (size_t i = 0; i < s->nfiles; i++)
		if (s->files[i]->dev == dev && s->files[i]->ino == ino)
			return i;
	if (s->nfiles == s->files_cap) {
		size_t ncap = s->files_cap ? s->files_cap * 2 : 32;
		struct symfile **p = realloc(s->files, ncap * sizeof *p);

		if (!p)
			return SIZE_MAX;
		s->files = p, s->files_cap = ncap;
	}
	f = calloc(1, sizeof *f);
	if (!f)
		return SIZE_MAX;
	f->dev = dev, f->ino = ino;
	base = base ? base + 1 : path;
	len = strlen(base);
	text_sanitize(base, len, f->name, sizeof f->name);
	s->files[s->nfiles] = f;
	return s->nfiles++;
}

// Copies the path of a maps line: "\012" (how the kernel writes a newline)
// back to '\n', and a " (deleted)" suffix cut (*deleted set).
static char *path_copy(const char *p, size_t n, bool *deleted)
{
	static const char del[] = " (deleted)";
	char *out = malloc(n + 1);
	size_t k = 0;

	if (!out)
		return NULL;
	*deleted = n >= sizeof del - 1 && memcmp(p + n - (sizeof del - 1), del, sizeof del - 1) == 0;
	if (*deleted)
		n -= sizeof del - 1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\' && n - i >= 4 && memcmp(p + i, "\\012", 4) == 0) {
			out[k++] = '\n';
			i += 3;
		} else {
			out[k++] = p[i];
		}
	}
	out[k] = '\0';
	return out;
}

// Parses one maps line [p, end) into *m. False for a malformed line.
static bool maps_line(const char *p, const char *end, struct symmap *m, const char **path,
		      size_t *path_len)
{
	uint64_t major, minor;

	*m = (struct symmap){ .file = SIZE_MAX };
	if (!(p = scan_hex_u64(p, end, &m->start)) || p == end || *p++ != '-' ||
	    !(p = scan_hex_u64(p, end, &m->end)) || end - p < 6 || *p != ' ')
		return false;
	p += 6;                                     // " rwxp"
	if (!(p = scan_skip_spaces(p, end)) || !(p = scan_hex_u64(p, end, &m->offset)) ||
	    !(p = scan_skip_spaces(p, end)) || !(p = scan_hex_u64(p, end, &major)) || p == end ||
	    *p++ != ':' || !(p = scan_hex_u64(p, end, &minor)) ||
	    !(p = scan_skip_spaces(p, end)) || !(p = scan_u64(p, end, &m->ino)))
		return false;
	if (major > UINT32_MAX || minor > UINT32_MAX || m->end <= m->start)
		return false;
	m->dev = makedev((unsigned)major, (unsigned)minor);
	p = scan_skip_spaces(p, end);
	*path = p;
	*path_len = p ? (size_t)(end - p) : 0;
	return true;
}

// Reads /proc/PID/maps into s->maps. 0 or -errno.
static int maps_read(struct symbolizer *s)
{
	ssize_t n;
	size_t cap = 0;
	const char *p, *end;

	maps_clear(s);
	if (s->procfd < 0)
		return -ESRCH;
	n = procfs_read_all_at(s->procfd, "maps", &s->text, SYM_MAPS_MAX);
	if (n < 0)
		return (int)n;
	for (p = s->text.data, end = p + n; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *path = NULL;
		size_t path_len = 0;
		struct symmap m;

		if (!nl)
			break;                      // a cut last line
		if (maps_line(p, nl, &m, &path, &path_len)) {
			if (m.ino != 0 && path_len > 0 && path[0] == '/') {
				m.path = path_copy(path, path_len, &m.deleted);
				if (!m.path)
					return -ENOMEM;
				m.file = file_for(s, m.dev, m.ino, m.path);
				if (m.file == SIZE_MAX) {
					free(m.path);
					return -ENOMEM;
				}
			}
			if (s->nmaps == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct symmap *q = realloc(s->maps, ncap * sizeof *q);

				if (!q) {
					free(m.path);
					return -ENOMEM;
				}
				s->maps = q, cap = ncap;
			}
			s->maps[s->nmaps++] = m;
		}
		p = nl + 1;
	}
	return 0;
}

// The mapping holding ip (binary search), or NULL.
static const struct symmap *map_find(const struct symbolizer *s, uint64_t ip)
{
	size_t lo = 0, hi = s->nmaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->maps[mid].start <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || ip >= s->maps[lo - 1].end)
		return NULL;
	return &s->maps[lo - 1];
}

// Maps a whole regular file and parses it into e. With crc, the file's CRC-32
// must equal *crc; with ino, its inode must be *ino. 0 or -errno.
static int parse_fd(int fd, struct elfsym *e, const uint32_t *crc, const uint64_t *ino)
{
	struct stat st;
	void *p;
	int rc;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size < 64 || (uint64_t)st.st_size > SYM_FILE_MAX ||
	    (ino && (uint64_t)st.st_ino != *ino))
		return -EINVAL;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (crc && elfsym_crc32(0, p, (size_t)st.st_size) != *crc)
		rc = -EINVAL;
	else
		rc = elfsym_parse(p, (size_t)st.st_size, e);
	munmap(p, (size_t)st.st_size);
	return rc;
}

// Opens and parses dirfd/path (dirfd AT_FDCWD for a path of ours). 0 or -errno.
static int parse_at(int dirfd, const char *path, struct elfsym *e, const uint32_t *crc)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int rc;

	if (fd < 0)
		return -errno;
	rc = parse_fd(fd, e, crc, NULL);
	close(fd);
	return rc;
}

// The debug file of f by build id: ROOT/.build-id/xx/rest.debug, with the
// same build id. True when found with a .symtab.
static bool debug_by_build_id(const struct symbolizer *s, struct symfile *f)
{
	char path[PATH_MAX + 200];
	int n = snprintf(path, sizeof path, "%s/.build-id/%02x/", s->debug_root, f->elf.build_id[0]);

	if (f->elf.build_id_len < 2 || n < 0 || (size_t)n >= sizeof path - 2 * ELFSYM_BUILD_ID_MAX - 8)
		return false;
	for (size_t i = 1; i < f->elf.build_id_len; i++)
		n += snprintf(path + n, sizeof path - (size_t)n, "%02x", f->elf.build_id[i]);
	snprintf(path + n, sizeof path - (size_t)n, ".debug");
	if (parse_at(AT_FDCWD, path, &f->dbg, NULL) != 0)
		return false;
	if (f->dbg.table == ELFSYM_SYMTAB && f->dbg.build_id_len == f->elf.build_id_len &&
	    memcmp(f->dbg.build_id, f->elf.build_id, f->elf.build_id_len) == 0)
		return true;
	elfsym_free(&f->dbg);
	return false;
}

// The debug file of f by .gnu_debuglink: beside the file, in its .debug/
// and under ROOT/DIR/ (the first two as the process sees its files), with
// the CRC the link names. True when found with a .symtab.
static bool debug_by_link(const struct symbolizer *s, struct symfile *f, const char *file_path)
{
	const char *slash = strrchr(file_path, '/');
	int dirlen = slash ? (int)(slash - file_path) : 0;
	char path[3][PATH_MAX];

	if (!f->elf.debuglink[0] || !slash)
		return false;
	// The first two relative to /proc/PID ("root/DIR/NAME").
	if ((size_t)snprintf(path[0], PATH_MAX, "root%.*s/%s", dirlen, file_path, f->elf.debuglink) >= PATH_MAX ||
	    (size_t)snprintf(path[1], PATH_MAX, "root%.*s/.debug/%s", dirlen, file_path, f->elf.debuglink) >= PATH_MAX ||
	    (size_t)snprintf(path[2], PATH_MAX, "%s%.*s/%s", s->debug_root, dirlen, file_path, f->elf.debuglink) >= PATH_MAX)
		return false;
	for (int i = 0; i < 3; i++) {
		int dirfd = i < 2 ? s->procfd : AT_FDCWD;

		if (dirfd < 0 || parse_at(dirfd, path[i], &f->dbg, &f->elf.debuglink_crc) != 0)
			continue;
		if (f->dbg.table == ELFSYM_SYMTAB)
			return true;
		elfsym_free(&f->dbg);
	}
	return false;
}

// Reads f (first seen in mapping m): through map_files, else through the
// process's root; then its debug file when it has no .symtab.
static void file_load(struct symbolizer *s, struct symfile *f, const struct symmap *m)
{
	char rel[PATH_MAX + 8];
	int rc = -ENOENT;

	f->tried = true;
	if (s->procfd < 0)
		return;
	snprintf(rel, sizeof rel, "map_files/%" PRIx64 "-%" PRIx64, m->start, m->end);
	{
		int fd = openat(s->procfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

		if (fd >= 0) {
			rc = parse_fd(fd, &f->elf, NULL, NULL);
			close(fd);
		}
	}
	// A file replaced since it was mapped has another inode: not this one.
	if (rc != 0 && !m->deleted && (size_t)snprintf(rel, sizeof rel, "root%s", m->path) < sizeof rel) {
		int fd = openat(s->procfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

		if (fd >= 0) {
			rc = parse_fd(fd, &f->elf, NULL, &f->ino);
			close(fd);
		}
	}
	if (rc != 0)
		return;
	f->ok = true;
	if (f->elf.table != ELFSYM_SYMTAB)
		f->use_dbg = debug_by_build_id(s, f) || debug_by_link(s, f, m->path);
}

// Which file is the executable: /proc/PID/exe's device and inode, else its path.
static void exe_find(struct symbolizer *s)
{
	char link[PATH_MAX];
	struct stat st;
	ssize_t n;

	s->exe_file = SIZE_MAX;
	if (s->procfd < 0)
		return;
	if (fstatat(s->procfd, "exe", &st, 0) == 0)
		for (size_t i = 0; i < s->nmaps && s->exe_file == SIZE_MAX; i++)
			if (s->maps[i].file != SIZE_MAX && s->maps[i].ino == (uint64_t)st.st_ino &&
			    s->maps[i].dev == (uint64_t)st.st_dev)
				s->exe_file = s->maps[i].file;
	n = procfs_readlink_at(s->procfd, "exe", link, sizeof link - 1);
	if (s->exe_file != SIZE_MAX || n <= 0)
		return;
	link[n] = '\0';
	// Overlay file systems show another device in maps than stat does.
	for (size_t i = 0; i < s->nmaps && s->exe_file == SIZE_MAX; i++)
		if (s->maps[i].path && strcmp(s->maps[i].path, link) == 0)
			s->exe_file = s->maps[i].file;
}

struct symbolizer *symbolizer_open_at(int pid, const char *debug_root)
{
	struct symbolizer *s = calloc(1, sizeof *s);
	char dir[32];

	if (!s)
		return NULL;
	s->pid = pid;
	s->exe_file = SIZE_MAX;
	snprintf(s->debug_root, sizeof s->debug_root, "%s", debug_root ? debug_root : SYM_DEFAULT_ROOT);
	snprintf(dir, sizeof dir, "/proc/%d", pid);
	s->procfd = pid > 0 ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (maps_read(s) == -ENOMEM) {
		symbolizer_close(s);
		errno = ENOMEM;
		return NULL;
	}
	exe_find(s);
	return s;
}

struct symbolizer *symbolizer_open(int pid)
{
	return symbolizer_open_at(pid, NULL);
}

int symbolizer_refresh(struct symbolizer *s)
{
	int rc = maps_read(s);

	if (s->exe_file == SIZE_MAX)
		exe_find(s);
	return rc;
}

bool symbolizer_covers(const struct symbolizer *s, uint64_t ip)
{
	return map_find(s, ip) != NULL;
}

bool symbolizer_resolve(struct symbolizer *s, uint64_t ip, struct alloc_frame *out)
{
	const struct symmap *m = map_find(s, ip);
	const struct elfsym_sym *sym;
	const struct elfsym *table;
	struct symfile *f;
	uint64_t look, vaddr;

	*out = (struct alloc_frame){ .ip = ip, .offset = ip, .func = NULL, .file = unknown_file };
	if (!m || m->file == SIZE_MAX)
		return false;
	f = s->files[m->file];
	out->file = f->name;
	out->offset = ip - m->start + m->offset;
	if (!f->tried)
		file_load(s, f, m);
	// A return address: the call is the byte before it.
	look = ip > m->start ? ip - 1 : ip;
	if (!f->ok || !elfsym_file_to_vaddr(&f->elf, look - m->start + m->offset, &vaddr))
		return false;
	table = f->use_dbg ? &f->dbg : &f->elf;
	sym = elfsym_lookup(table, vaddr);
	if (!sym)
		return false;
	out->func = elfsym_name(table, sym);
	out->offset = vaddr + (ip - look) - sym->addr;
	return true;
}

bool symbolizer_exe_stripped(struct symbolizer *s)
{
	struct symfile *f;

	if (s->exe_file == SIZE_MAX)
		return false;
	f = s->files[s->exe_file];
	if (!f->tried) {
		for (size_t i = 0; i < s->nmaps; i++)
			if (s->maps[i].file == s->exe_file) {
				file_load(s, f, &s->maps[i]);
				break;
			}
	}
	return f->ok && f->elf.table != ELFSYM_SYMTAB && !f->use_dbg;
}

size_t symbolizer_memory(const struct symbolizer *s)
{
	size_t n = sizeof *s + s->text.cap + s->nmaps * sizeof *s->maps + s->files_cap * sizeof *s->files;

	for (size_t i = 0; i < s->nmaps; i++)
		n += s->maps[i].path ? strlen(s->maps[i].path) + 1 : 0;
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct symfile *f = s->files[i];

		n += sizeof *f + f->elf.nsyms * sizeof *f->elf.syms + f->elf.names_len +
		     f->dbg.nsyms * sizeof *f->dbg.syms + f->dbg.names_len;
	}
	return n;
}

void symbolizer_close(struct symbolizer *s)
{
	if (!s)
		return;
	maps_clear(s);
	for (size_t i = 0; i < s->nfiles; i++) {
		elfsym_free(&s->files[i]->elf);
		elfsym_free(&s->files[i]->dbg);
		free(s->files[i]);
	}
	free(s->files);
	procfs_buf_free(&s->text);
	if (s->procfd >= 0)
		close(s->procfd);
	free(s);
}
