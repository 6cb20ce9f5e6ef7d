/* memmodel.c — where the memory went: the parts of MemTotal and the tmpfs
 * mounts, SysV segments and slab caches, each with a leak detector
 * (model/memmodel.h). */
#include "model/memmodel.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct part_desc {
	const char *key, *label;
	enum mem_part parent;         // MP_COUNT: top level
	bool in_total;
	bool detector;                // free memory growing is no leak: no detector
};

static const struct part_desc parts[MP_COUNT] = {
	[MP_FREE] = { "free", "Free", MP_COUNT, true, false },
	[MP_ANON] = { "anon", "Anonymous (AnonPages)", MP_COUNT, true, true },
	[MP_PROCS_ANON] = { "processes_anon", "processes' anon, summed", MP_ANON, false, true },
	[MP_PAGECACHE] = { "page_cache", "Page cache (Cached-Shmem)", MP_COUNT, true, true },
	[MP_BUFFERS] = { "buffers", "Buffers", MP_COUNT, true, true },
	[MP_SWAPCACHED] = { "swap_cached", "Swap cache", MP_COUNT, true, true },
	[MP_SHMEM] = { "shmem", "Shmem", MP_COUNT, true, true },
	[MP_TMPFS] = { "tmpfs", "tmpfs mounts", MP_SHMEM, false, true },
	[MP_SYSV] = { "sysv_shm", "SysV shm", MP_SHMEM, false, true },
	[MP_SHMEM_REST] = { "shmem_other", "other (memfd, shared anon)", MP_SHMEM, false, true },
	[MP_SLAB] = { "slab", "Slab", MP_COUNT, true, true },
	[MP_SLAB_RECL] = { "slab_reclaimable", "reclaimable", MP_SLAB, false, true },
	[MP_SLAB_UNRECL] = { "slab_unreclaimable", "unreclaimable", MP_SLAB, false, true },
	[MP_KSTACK] = { "kernel_stack", "KernelStack", MP_COUNT, true, true },
	[MP_PTABLES] = { "page_tables", "PageTables", MP_COUNT, true, true },
	[MP_VMALLOC] = { "vmalloc", "VmallocUsed", MP_COUNT, true, true },
	[MP_PERCPU] = { "percpu", "Percpu", MP_COUNT, true, true },
	[MP_HUGETLB] = { "hugetlb", "HugeTLB reserved", MP_COUNT, true, true },
	[MP_UNACCOUNTED] = { "unaccounted", "Unaccounted", MP_COUNT, true, true },
};

static const char *const item_keys[MI_KINDS] = { "tmpfs", "sysv_shm", "slab" };
static const enum mem_part item_parents[MI_KINDS] = { MP_TMPFS, MP_SYSV, MP_SLAB };

const char *memmodel_part_key(enum mem_part p) { return parts[p].key; }
enum mem_part memmodel_part_parent(enum mem_part p) { return parts[p].parent; }
const char *memmodel_item_kind_key(enum mem_item_kind k) { return item_keys[k]; }

// The leak signal of a value: KiB, at least 0, within the rings' 32 bits.
static uint32_t signal_of(int64_t kb)
{
	return kb <= 0 ? 0 : kb >= (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)kb;
}

// Feeds one value at time t into a detector (allocated at its first).
static int track_push(struct mem_track *k, enum leak_sensitivity sens, double t, int64_t kb)
{
	k->kb = kb;
	k->have = true;
	if (!k->leak) {
		if (!(k->leak = malloc(sizeof *k->leak)))
			return -ENOMEM;
		leak_init(k->leak, t, sens);
	}
	leak_push(k->leak, t, signal_of(kb));
	k->verdict = k->leak->verdict;
	return 0;
}

static void track_free(struct mem_track *k)
{
	free(k->leak);
	*k = (struct mem_track){ 0 };
}

static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* ---- items --------------------------------------------------------------- */

// An incoming item of a list reading, with its identity and size.
struct incoming {
	const void *part;
	char name[MEMMODEL_NAME_MAX];
	uint64_t kb;
};

static void incoming_of(enum mem_item_kind kind, const struct mem_breakdown *b, size_t i, struct incoming *in)
{
	switch (kind) {
	case MI_TMPFS:
		in->part = &b->tmpfs[i];
		snprintf(in->name, sizeof in->name, "%s", b->tmpfs[i].mount);
		in->kb = b->tmpfs[i].used_kb;
		break;
	case MI_SYSV:
		in->part = &b->shm[i];
		snprintf(in->name, sizeof in->name, "shmid %" PRId64 " key 0x%08" PRIx64, b->shm[i].shmid,
			 (uint64_t)b->shm[i].key & 0xffffffffu);
		in->kb = b->shm[i].have_rss ? b->shm[i].rss_kb : b->shm[i].size_kb;
		break;
	default:
		in->part = &b->slab[i];
		snprintf(in->name, sizeof in->name, "%s", b->slab[i].name);
		in->kb = b->slab[i].kb;
		break;
	}
}

// Whether a tracked item is the incoming one: the same name, and for a
// tmpfs mount the same device (a mount point remounted is another tmpfs).
static bool item_is(const struct mem_item *it, enum mem_item_kind kind, const struct incoming *in)
{
	if (strcmp(it->name, in->name) != 0)
		return false;
	if (kind == MI_TMPFS) {
		const struct tmpfs_part *p = in->part;

		return it->u.tmpfs.major == p->major && it->u.tmpfs.minor == p->minor;
	}
	return true;
}

static void item_set(struct mem_item *it, enum mem_item_kind kind, const struct incoming *in)
{
	it->kind = kind;
	memcpy(it->name, in->name, sizeof it->name);
	if (kind == MI_TMPFS)
		it->u.tmpfs = *(const struct tmpfs_part *)in->part;
	else if (kind == MI_SYSV)
		it->u.shm = *(const struct shm_part *)in->part;
	else
		it->u.slab = *(const struct slab_part *)in->part;
}

// Finds the tracked item that is in, and takes it out of old (moved to next).
static bool take_old(struct mem_item *old, size_t nold, bool *taken, enum mem_item_kind kind,
		     const struct incoming *in, struct mem_item *into)
{
	for (size_t j = 0; j < nold; j++)
		if (!taken[j] && item_is(&old[j], kind, in)) {
			*into = old[j];
			taken[j] = true;
			return true;
		}
	return false;
}

// One reading of a kind's list: the largest MEMMODEL_TRACK_MAX and the
// suspected ones beyond them carry on (or start) their detectors; the rest
// lose theirs.
static int update_items(struct memmodel *m, enum mem_item_kind kind, const struct mem_breakdown *b, size_t n,
			double t)
{
	struct mem_item *old = m->item[kind], *next;
	size_t nold = m->nitem[kind], nnext = 0;
	bool taken[MEMMODEL_KEEP_MAX] = { false };
	int rc = 0;

	if (!(next = calloc(MEMMODEL_KEEP_MAX, sizeof *next)))
		return -ENOMEM;             // the old ones stay as they were
	for (size_t i = 0; i < n && nnext < MEMMODEL_KEEP_MAX; i++) {
		struct incoming in;
		struct mem_item *it = &next[nnext];
		bool had;

		incoming_of(kind, b, i, &in);
		had = take_old(old, nold, taken, kind, &in, it);
		// Beyond the largest: only a suspected leak keeps its detector.
		if (i >= MEMMODEL_TRACK_MAX && !(had && it->track.verdict.suspected)) {
			if (had)
				track_free(&it->track);
			continue;
		}
		if (!had) {
			memset(it, 0, sizeof *it);
			it->first_t = t;
		}
		item_set(it, kind, &in);
		if (track_push(&it->track, m->sensitivity, t, (int64_t)in.kb) < 0)
			rc = -ENOMEM;
		nnext++;
	}
	for (size_t j = 0; j < nold; j++)
		if (!taken[j])
			track_free(&old[j].track);   // gone, or out of the lists: its history ends
	free(old);
	m->item[kind] = next;
	m->nitem[kind] = nnext;
	return rc;
}

/* ---- parts --------------------------------------------------------------- */

// The processes' anonymous memory, summed over the table.
static uint64_t procs_anon(const struct proctable *pt)
{
	uint64_t sum = 0;

	for (size_t i = 0; pt && i < pt->n; i++)
		sum += pt->v[i].s->anon_kb;
	return sum;
}

// The parts' values now; the lists' parts from their last reading.
static void part_values(const struct memmodel *m, uint64_t procs_kb, uint64_t tmpfs_kb, uint64_t sysv_kb,
			int64_t v[MP_COUNT])
{
	const struct meminfo_parts *mi = &m->mi;
	int64_t counted = 0;

	v[MP_FREE] = (int64_t)mi->free_kb;
	v[MP_ANON] = (int64_t)mi->anon_kb;
	v[MP_PROCS_ANON] = (int64_t)procs_kb;
	v[MP_PAGECACHE] = (int64_t)sub0(mi->cached_kb, mi->shmem_kb);
	v[MP_BUFFERS] = (int64_t)mi->buffers_kb;
	v[MP_SWAPCACHED] = (int64_t)mi->swap_cached_kb;
	v[MP_SHMEM] = (int64_t)mi->shmem_kb;
	v[MP_TMPFS] = (int64_t)tmpfs_kb;
	v[MP_SYSV] = (int64_t)sysv_kb;
	v[MP_SHMEM_REST] = (int64_t)sub0(mi->shmem_kb, tmpfs_kb + sysv_kb);
	v[MP_SLAB] = (int64_t)(mi->sreclaimable_kb + mi->sunreclaim_kb);
	v[MP_SLAB_RECL] = (int64_t)mi->sreclaimable_kb;
	v[MP_SLAB_UNRECL] = (int64_t)mi->sunreclaim_kb;
	v[MP_KSTACK] = (int64_t)mi->kernel_stack_kb;
	v[MP_PTABLES] = (int64_t)mi->page_tables_kb;
	v[MP_VMALLOC] = (int64_t)mi->vmalloc_used_kb;
	v[MP_PERCPU] = (int64_t)mi->percpu_kb;
	v[MP_HUGETLB] = (int64_t)mi->hugetlb_kb;
	for (int p = 0; p < MP_COUNT; p++)
		if (parts[p].in_total && p != MP_UNACCOUNTED)
			counted += v[p];
	v[MP_UNACCOUNTED] = (int64_t)mi->total_kb - counted;
}

int memmodel_update(struct memmodel *m, const struct snapshot *snap, const struct proctable *pt)
{
	const struct mem_breakdown *b = snap->breakdown;
	double t = snap->sys.mono_time;
	int64_t v[MP_COUNT];
	int rc = 0;

	if (!b || !b->have_meminfo)
		return 0;
	m->have = true;
	m->t = t;
	m->mi = b->mi;
	if (b->parts_read) {
		const size_t counts[MI_KINDS] = { b->ntmpfs, b->nshm, b->nslab };
		const size_t seen[MI_KINDS] = { b->tmpfs_seen, b->shm_seen, b->slab_seen };
		const int errs[MI_KINDS] = { b->tmpfs_err, b->shm_err, b->slab_err };

		m->have_lists = true;
		m->lists_t = t;
		for (int k = 0; k < MI_KINDS; k++) {
			m->seen[k] = seen[k];
			m->err[k] = errs[k];
			if (update_items(m, (enum mem_item_kind)k, b, errs[k] == 0 ? counts[k] : 0, t) < 0)
				rc = -ENOMEM;
		}
		m->part[MP_TMPFS].kb = b->tmpfs_err == 0 ? (int64_t)b->tmpfs_used_kb : 0;
		m->part[MP_SYSV].kb = b->shm_err == 0 ? (int64_t)b->shm_rss_kb : 0;
	}
	part_values(m, procs_anon(pt), (uint64_t)m->part[MP_TMPFS].kb, (uint64_t)m->part[MP_SYSV].kb, v);
	for (int p = 0; p < MP_COUNT; p++) {
		bool list_part = p == MP_TMPFS || p == MP_SYSV;

		if (list_part && !b->parts_read)
			continue;           // pushed at the lists' readings only
		if (!parts[p].detector) {
			m->part[p].kb = v[p];
			m->part[p].have = true;
		} else if (track_push(&m->part[p], m->sensitivity, t, v[p]) < 0) {
			rc = -ENOMEM;
		}
	}
	return rc;
}

int64_t memmodel_total_kb(const struct memmodel *m)
{
	int64_t sum = 0;

	for (int p = 0; p < MP_COUNT; p++)
		if (parts[p].in_total)
			sum += m->part[p].kb;
	return sum;
}

// Adds a kind's items after its part.
static size_t add_items(const struct memmodel *m, enum mem_item_kind k, int depth, struct mem_row *out, size_t n,
			size_t cap)
{
	for (size_t i = 0; i < m->nitem[k] && n < cap; i++) {
		const struct mem_item *it = &m->item[k][i];

		out[n++] = (struct mem_row){ .depth = depth, .part = item_parents[k], .item = it, .name = it->name,
					     .kb = it->track.kb, .track = &it->track };
	}
	return n;
}

size_t memmodel_rows(const struct memmodel *m, struct mem_row *out, size_t cap)
{
	size_t n = 0;

	if (!m->have)
		return 0;
	for (int p = 0; p < MP_COUNT && n < cap; p++) {
		out[n++] = (struct mem_row){ .depth = parts[p].parent == MP_COUNT ? 0 : 1, .part = (enum mem_part)p,
					     .name = parts[p].label, .kb = m->part[p].kb,
					     .in_total = parts[p].in_total, .track = &m->part[p] };
		if (p == MP_TMPFS)
			n = add_items(m, MI_TMPFS, 2, out, n, cap);
		else if (p == MP_SYSV)
			n = add_items(m, MI_SYSV, 2, out, n, cap);
		else if (p == MP_SLAB_UNRECL)
			n = add_items(m, MI_SLAB, 1, out, n, cap);
	}
	return n;
}

void memmodel_free(struct memmodel *m)
{
	enum leak_sensitivity sens = m->sensitivity;

	for (int p = 0; p < MP_COUNT; p++)
		track_free(&m->part[p]);
	for (int k = 0; k < MI_KINDS; k++) {
		for (size_t i = 0; i < m->nitem[k]; i++)
			track_free(&m->item[k][i].track);
		free(m->item[k]);
	}
	*m = (struct memmodel){ .sensitivity = sens };
}
