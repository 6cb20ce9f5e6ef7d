/* symbolize.c — addresses of one process to function+offset and file (see
 * symbolize.h): /proc/PID/maps, each mapped file read once (by device and
 * inode) through /proc/PID/map_files or /proc/PID/root, its debug file by
 * build id or .gnu_debuglink; the ELF reading in proc/elfsym.c, the maps lines
 * in proc/mapsline.c. */
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
#include "proc/mapsline.h"
#include "proc/procfs.h"
#include "util/text.h"

#define SYM_MAPS_MAX     (64u << 20)       // bytes of /proc/PID/maps read at most
#define SYM_FILE_MAX     (4ull << 30)      // larger files are not read
#define SYM_NAME_MAX     256               // a file's sanitised name, bytes
#define SYM_DEFAULT_ROOT "/usr/lib/debug"

static const char unknown_file[] = "[unknown]";

// What reading a file gave.
struct symload {
	struct elfsym elf;          // the file itself: segments, maybe symbols
	struct elfsym dbg;          // its debug file's symbols, when used
};

// One mapped file, read at most once, kept until symbolizer_close.
struct symfile {
	uint64_t dev, ino;
	char name[SYM_NAME_MAX];    // sanitised basename
	bool tried;                 // reading attempted
	bool ok;                    // elf parsed
	bool use_dbg;               // symbols from ld->dbg
	struct symload *ld;         // NULL until read (most mapped files never are)
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

// Frees n mappings (not their files).
static void maps_free(struct symmap *maps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(maps[i].path);
	free(maps);
}

// The file of (dev, ino), added (with its display name) when new. SIZE_MAX
// on -ENOMEM.
static size_t file_for(struct symbolizer *s, const struct symmap *prev, uint64_t dev, uint64_t ino,
		       const char *path)
{
	const char *base = strrchr(path, '/');
	struct symfile *f;
	size_t len;

	// A file's mappings are listed together: its last one is the likely match.
	if (prev && prev->file != SIZE_MAX && prev->dev == dev && prev->ino == ino)
		return prev->file;
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

// Parses the maps text [p, end) into *out (*n mappings). 0 or -ENOMEM.
static int maps_parse(struct symbolizer *s, const char *p, const char *end, struct symmap **out,
		      size_t *n)
{
	size_t cap = 0;

	*out = NULL, *n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct symmap m, *prev = *n ? &(*out)[*n - 1] : NULL;
		struct mapsline ml;

		if (!nl)
			break;                      // a cut last line
		// The kernel lists mappings in order; map_find relies on it.
		if (mapsline_parse(p, nl, &ml) && (!prev || ml.start >= prev->end)) {
			m = (struct symmap){ .start = ml.start, .end = ml.end, .offset = ml.offset,
					     .dev = makedev(ml.major, ml.minor), .ino = ml.inode,
					     .file = SIZE_MAX };
			if (mapsline_is_file(&ml)) {
				m.path = malloc(ml.path_len + 1);
				if (!m.path)
					return -ENOMEM;
				mapsline_path(&ml, m.path, ml.path_len + 1, &m.deleted);
				m.file = file_for(s, prev, m.dev, m.ino, m.path);
				if (m.file == SIZE_MAX) {
					free(m.path);
					return -ENOMEM;
				}
			}
			if (*n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct symmap *q = realloc(*out, ncap * sizeof *q);

				if (!q) {
					free(m.path);
					return -ENOMEM;
				}
				*out = q, cap = ncap;
			}
			(*out)[(*n)++] = m;
		}
		p = nl + 1;
	}
	return 0;
}

// Reads /proc/PID/maps into s->maps; on failure the mappings read before
// stay (a process that exited keeps its last ones). 0 or -errno.
static int maps_read(struct symbolizer *s)
{
	struct symmap *maps;
	size_t n;
	ssize_t len;
	int rc;

	if (s->procfd < 0)
		return -ESRCH;
	len = procfs_read_all_at(s->procfd, "maps", &s->text, SYM_MAPS_MAX);
	if (len < 0)
		return (int)len;
	// An exited process's maps read empty.
	if (len == 0 && s->nmaps > 0)
		return -ESRCH;
	rc = maps_parse(s, s->text.data, s->text.data + len, &maps, &n);
	if (rc != 0) {
		maps_free(maps, n);
		return rc;
	}
	maps_free(s->maps, s->nmaps);
	s->maps = maps;
	s->nmaps = n;
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
// must equal *crc; with same, its inode (and, with dev_too, its device) must
// be that file's. 0 or -errno.
static int parse_fd(int fd, struct elfsym *e, const uint32_t *crc, const struct symfile *same,
		    bool dev_too)
{
	struct stat st;
	void *p;
	int rc;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size < 64 || (uint64_t)st.st_size > SYM_FILE_MAX ||
	    (same && ((uint64_t)st.st_ino != same->ino || (dev_too && (uint64_t)st.st_dev != same->dev))))
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

// Opens dirfd/path (dirfd AT_FDCWD for a path of ours) and parses it as
// parse_fd does. 0, or -errno (of the open: -ENOENT when it is not there).
static int parse_path(int dirfd, const char *path, struct elfsym *e, const uint32_t *crc,
		      const struct symfile *same, bool dev_too)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int rc;

	if (fd < 0)
		return -errno;
	rc = parse_fd(fd, e, crc, same, dev_too);
	close(fd);
	return rc;
}

// The debug file of f by build id: ROOT/.build-id/xx/rest.debug, with the
// same build id. True when found with a .symtab.
static bool debug_by_build_id(const struct symbolizer *s, struct symfile *f)
{
	char path[PATH_MAX + 200];
	const struct elfsym *e = &f->ld->elf;
	int n = snprintf(path, sizeof path, "%s/.build-id/%02x/", s->debug_root, e->build_id[0]);

	if (e->build_id_len < 2 || n < 0 || (size_t)n >= sizeof path - 2 * ELFSYM_BUILD_ID_MAX - 8)
		return false;
	for (size_t i = 1; i < e->build_id_len; i++)
		n += snprintf(path + n, sizeof path - (size_t)n, "%02x", e->build_id[i]);
	snprintf(path + n, sizeof path - (size_t)n, ".debug");
	if (parse_path(AT_FDCWD, path, &f->ld->dbg, NULL, NULL, false) != 0)
		return false;
	if (f->ld->dbg.table == ELFSYM_SYMTAB && f->ld->dbg.build_id_len == e->build_id_len &&
	    memcmp(f->ld->dbg.build_id, e->build_id, e->build_id_len) == 0)
		return true;
	elfsym_free(&f->ld->dbg);
	return false;
}

// The debug file of f by .gnu_debuglink: beside the file, in its .debug/
// (as the process sees its files, then as we do: it may have exited) and
// under ROOT/DIR/, with the CRC the link names. True when found with a
// .symtab.
static bool debug_by_link(const struct symbolizer *s, struct symfile *f, const char *file_path)
{
	const char *slash = strrchr(file_path, '/');
	int dirlen = slash ? (int)(slash - file_path) : 0;
	const char *link = f->ld->elf.debuglink;
	static const char *const sub[5] = { "", ".debug/", "", ".debug/", "" };
	bool found[2] = { false, false };
	char path[PATH_MAX];

	if (!link[0] || !slash)
		return false;
	for (int i = 0; i < 5; i++) {
		// The first two relative to /proc/PID ("root/DIR/NAME"); the next two
		// the same paths in our root, unless the process showed them.
		int dirfd = i < 2 ? s->procfd : AT_FDCWD, rc;

		if ((i < 2 && dirfd < 0) || (i >= 2 && i < 4 && found[i - 2]) ||
		    (size_t)snprintf(path, sizeof path, "%s%.*s/%s%s",
				     i < 2 ? "root" : i == 4 ? s->debug_root : "", dirlen, file_path,
				     sub[i], link) >= sizeof path)
			continue;
		rc = parse_path(dirfd, path, &f->ld->dbg, &f->ld->elf.debuglink_crc, NULL, false);
		if (i < 2)
			found[i] = rc != -ENOENT;
		if (rc != 0)
			continue;
		if (f->ld->dbg.table == ELFSYM_SYMTAB)
			return true;
		elfsym_free(&f->ld->dbg);
	}
	return false;
}


// Reads f (first seen in mapping m): through map_files (any mount
// namespace, deleted files; root only), else the process's root, else (it
// exited: /proc/PID is gone) our own root. The last two only when the inode
// is still the mapped one (a file replaced since is another), our own root
// only when the device is too. Then its debug file when it has no .symtab.
static void file_load(struct symbolizer *s, struct symfile *f, const struct symmap *m)
{
	char rel[PATH_MAX + 8];
	int rc = -ENOENT;

	f->tried = true;
	if (!(f->ld = calloc(1, sizeof *f->ld)))
		return;
	if (s->procfd >= 0) {
		snprintf(rel, sizeof rel, "map_files/%" PRIx64 "-%" PRIx64, m->start, m->end);
		rc = parse_path(s->procfd, rel, &f->ld->elf, NULL, NULL, false);
		if (rc != 0 && !m->deleted && (size_t)snprintf(rel, sizeof rel, "root%s", m->path) < sizeof rel)
			rc = parse_path(s->procfd, rel, &f->ld->elf, NULL, f, false);
	}
	if (rc != 0 && !m->deleted)
		rc = parse_path(AT_FDCWD, m->path, &f->ld->elf, NULL, f, true);
	if (rc != 0) {
		free(f->ld);            // elfsym_parse left it empty
		f->ld = NULL;
		return;
	}
	f->ok = true;
	if (f->ld->elf.table != ELFSYM_SYMTAB)
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
	if (!f->ok || !elfsym_file_to_vaddr(&f->ld->elf, look - m->start + m->offset, &vaddr))
		return false;
	table = f->use_dbg ? &f->ld->dbg : &f->ld->elf;
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
	return f->ok && f->ld->elf.table != ELFSYM_SYMTAB && !f->use_dbg;
}

size_t symbolizer_memory(const struct symbolizer *s)
{
	size_t n = sizeof *s + s->text.cap + s->nmaps * sizeof *s->maps + s->files_cap * sizeof *s->files;

	for (size_t i = 0; i < s->nmaps; i++)
		n += s->maps[i].path ? strlen(s->maps[i].path) + 1 : 0;
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct symfile *f = s->files[i];

		n += sizeof *f;
		if (f->ld)
			n += sizeof *f->ld + f->ld->elf.nsyms * sizeof *f->ld->elf.syms +
			     f->ld->elf.names_len + f->ld->dbg.nsyms * sizeof *f->ld->dbg.syms +
			     f->ld->dbg.names_len;
	}
	return n;
}

void symbolizer_close(struct symbolizer *s)
{
	if (!s)
		return;
	maps_free(s->maps, s->nmaps);
	for (size_t i = 0; i < s->nfiles; i++) {
		struct symload *ld = s->files[i]->ld;

		if (ld) {
			elfsym_free(&ld->elf);
			elfsym_free(&ld->dbg);
			free(ld);
		}
		free(s->files[i]);
	}
	free(s->files);
	procfs_buf_free(&s->text);
	if (s->procfd >= 0)
		close(s->procfd);
	free(s);
}
