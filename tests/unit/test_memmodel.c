/* test_memmodel.c — where the memory went (model/memmodel.h) on scripted
 * breakdowns with an injected clock: the parts sum to MemTotal; a tmpfs
 * mount growing 256 KiB/s is flagged within two minutes while a flat one
 * and the processes are not; a SysV segment being filled likewise; a slab
 * cache growing steadily is named; a leak outside every counter shows as
 * unaccounted; the item tables empty, partly full, exactly full, over
 * full and wrapped over hours; segments coming and going. */
#include "fixture.h"

#include "model/memmodel.h"

#define MiB 1024u

// The machine of the script: 8 GiB, and what is not otherwise given is free.
struct rig {
	struct mem_breakdown b;
	struct snapshot snap;
	struct memmodel m;
	double t;
};

static void rig_init(struct rig *r)
{
	memset(r, 0, sizeof *r);
	r->m.sensitivity = LEAK_SENS_NORMAL;
	r->b.have_meminfo = true;
	r->b.mi = (struct meminfo_parts){
		.total_kb = 8192 * MiB, .buffers_kb = 100 * MiB, .cached_kb = 1000 * MiB,
		.anon_kb = 1500 * MiB, .shmem_kb = 300 * MiB, .sreclaimable_kb = 200 * MiB,
		.sunreclaim_kb = 50 * MiB, .kernel_stack_kb = 10 * MiB, .page_tables_kb = 20 * MiB,
		.vmalloc_used_kb = 30 * MiB, .percpu_kb = 5 * MiB, .hugetlb_kb = 0, .swap_cached_kb = 1 * MiB,
	};
	r->snap.breakdown = &r->b;
}

// Free is what the parts leave, less unaccounted_kb.
static void set_free(struct rig *r, uint64_t unaccounted_kb)
{
	struct meminfo_parts *mi = &r->b.mi;
	uint64_t used = mi->buffers_kb + mi->cached_kb + mi->swap_cached_kb + mi->anon_kb + mi->sreclaimable_kb +
			mi->sunreclaim_kb + mi->kernel_stack_kb + mi->page_tables_kb + mi->vmalloc_used_kb +
			mi->percpu_kb + mi->hugetlb_kb;

	mi->free_kb = mi->total_kb - used - unaccounted_kb;
}

// One tick at r->t, the lists read (parts_read) when lists is true.
static void tick(struct rig *r, bool lists)
{
	r->snap.sys.mono_time = r->t;
	r->b.parts_read = lists;
	r->b.parts_t = r->t;
	assert_int_equal(memmodel_update(&r->m, &r->snap, NULL), 0);
}

static const struct mem_item *find_item(const struct memmodel *m, enum mem_item_kind k, const char *name)
{
	for (size_t i = 0; i < m->nitem[k]; i++)
		if (strcmp(m->item[k][i].name, name) == 0)
			return &m->item[k][i];
	return NULL;
}

static void add_tmpfs(struct mem_breakdown *b, const char *mount, uint32_t minor, uint64_t used_kb)
{
	struct tmpfs_part p = { .minor = minor, .used_kb = used_kb, .size_kb = 65536 };

	snprintf(p.mount, sizeof p.mount, "%s", mount);
	b->tmpfs[b->ntmpfs++] = p;
	b->tmpfs_seen++;
	b->tmpfs_used_kb += used_kb;
}

static void test_no_breakdown_is_nothing(void **state)
{
	static struct rig r;
	struct mem_row rows[4];

	(void)state;
	rig_init(&r);
	r.snap.breakdown = NULL;
	tick(&r, false);
	assert_false(r.m.have);
	assert_int_equal(memmodel_rows(&r.m, rows, 4), 0);
	memmodel_free(&r.m);
}

// Every counted part, unaccounted included, makes MemTotal; Shmem's and
// Slab's sub-rows are inside them and not counted again.
static void test_parts_sum_to_memtotal(void **state)
{
	static struct rig r;
	static struct mem_row rows[MEMMODEL_ROWS_MAX];
	int64_t sum = 0;
	size_t n;

	(void)state;
	rig_init(&r);
	set_free(&r, 123 * MiB);
	add_tmpfs(&r.b, "/dev/shm", 23, 100 * MiB);
	r.b.shm[0] = (struct shm_part){ .shmid = 7, .key = 42, .size_kb = 64 * MiB, .have_rss = true,
				       .rss_kb = 50 * MiB };
	r.b.nshm = r.b.shm_seen = 1;
	r.b.shm_rss_kb = 50 * MiB;
	tick(&r, true);
	assert_true(r.m.have && r.m.have_lists);
	assert_int_equal(r.m.part[MP_UNACCOUNTED].kb, 123 * MiB);
	assert_int_equal(r.m.part[MP_PAGECACHE].kb, 700 * MiB);       // Cached - Shmem
	assert_int_equal(r.m.part[MP_SHMEM_REST].kb, 150 * MiB);      // 300 - 100 - 50
	assert_int_equal(r.m.part[MP_SLAB].kb, 250 * MiB);
	assert_int_equal(memmodel_total_kb(&r.m), 8192 * MiB);
	n = memmodel_rows(&r.m, rows, MEMMODEL_ROWS_MAX);
	for (size_t i = 0; i < n; i++)
		if (rows[i].in_total)
			sum += rows[i].kb;
	assert_int_equal(sum, 8192 * MiB);
	// The order: Shmem, its tmpfs part and the mount under it, SysV and
	// the segment, the rest.
	for (size_t i = 0; i < n; i++)
		if (rows[i].part == MP_TMPFS && !rows[i].item) {
			assert_non_null(rows[i + 1].item);
			assert_string_equal(rows[i + 1].name, "/dev/shm");
			assert_int_equal(rows[i + 1].depth, 2);
			assert_int_equal(rows[i + 2].part, MP_SYSV);
			assert_string_equal(rows[i + 3].name, "shmid 7 key 0x0000002a");
			assert_int_equal(rows[i + 4].part, MP_SHMEM_REST);
		}
	// tmpfs and SysV beyond Shmem (swapped tmpfs pages count in statfs):
	// the rest is 0, never negative.
	r.b.tmpfs[0].used_kb = r.b.tmpfs_used_kb = 400 * MiB;
	r.t = 1;
	tick(&r, true);
	assert_int_equal(r.m.part[MP_SHMEM_REST].kb, 0);
	// Counters read at different instants can leave less than nothing.
	r.b.mi.free_kb += 200 * MiB;
	r.t = 2;
	tick(&r, false);
	assert_int_equal(r.m.part[MP_UNACCOUNTED].kb, -77 * (int64_t)MiB);
	assert_int_equal(memmodel_total_kb(&r.m), 8192 * MiB);
	memmodel_free(&r.m);
}

// Simulated time until an item is suspected, or -1 within limit_s. The
// script: ticks every dt, the lists read each tick, the item grown by fn.
typedef void grow_fn(struct rig *r, double t);

static double time_to_flag(struct rig *r, grow_fn *fn, double dt, double limit_s, enum mem_item_kind k,
			   const char *name)
{
	for (double t = 0; t <= limit_s; t += dt) {
		const struct mem_item *it;

		r->t = 1000 + t;
		fn(r, t);
		tick(r, true);
		it = find_item(&r->m, k, name);
		assert_non_null(it);
		if (it->track.verdict.suspected)
			return t;
	}
	return -1;
}

// The tmpfs of issue 21: a file growing 256 KiB/s in a 64 MiB tmpfs,
// beside a flat one; no process grows (no table at all).
static void grow_tmpfs(struct rig *r, double t)
{
	uint64_t used = 256 * (uint64_t)t;

	r->b.ntmpfs = r->b.tmpfs_seen = 0;
	r->b.tmpfs_used_kb = 0;
	add_tmpfs(&r->b, "/tmp/growing", 40, used);
	add_tmpfs(&r->b, "/dev/shm", 23, 2048);
	r->b.mi.shmem_kb = 10 * MiB + used + 2048;
	r->b.mi.cached_kb = 500 * MiB + r->b.mi.shmem_kb;
	set_free(r, 50 * MiB);
}

static void test_growing_tmpfs_is_flagged_within_two_minutes(void **state)
{
	static struct rig r;
	double flagged;
	const struct mem_item *flat;

	(void)state;
	rig_init(&r);
	flagged = time_to_flag(&r, grow_tmpfs, 0.5, 120, MI_TMPFS, "/tmp/growing");
	print_message("tmpfs at 256 KiB/s: flagged after %.1f s\n", flagged);
	assert_true(flagged > 0 && flagged <= 120);
	flat = find_item(&r.m, MI_TMPFS, "/dev/shm");
	assert_non_null(flat);
	assert_false(flat->track.verdict.suspected);
	assert_true(r.m.part[MP_TMPFS].verdict.suspected);          // the tmpfs part too
	assert_false(r.m.part[MP_ANON].verdict.suspected);
	assert_false(r.m.part[MP_PROCS_ANON].verdict.suspected);
	assert_false(r.m.part[MP_UNACCOUNTED].verdict.suspected);
	memmodel_free(&r.m);
}

// The same mount read every 10 s (the screen's background pace) is
// flagged too, later.
static void test_background_pace_still_flags(void **state)
{
	static struct rig r;
	bool suspected = false;

	(void)state;
	rig_init(&r);
	for (double t = 0; t <= 600 && !suspected; t += 0.5) {
		r.t = 1000 + t;
		grow_tmpfs(&r, t);
		tick(&r, (int)(t * 2) % 20 == 0);
		suspected = find_item(&r.m, MI_TMPFS, "/tmp/growing")->track.verdict.suspected;
		if (suspected)
			print_message("tmpfs read every 10 s: flagged after %.0f s\n", t);
	}
	assert_true(suspected);
	memmodel_free(&r.m);
}

// A SysV segment filled step by step (64 KiB every half second, 128 KiB/s),
// beside an idle one.
static void fill_segment(struct rig *r, double t)
{
	uint64_t rss = 64 * (uint64_t)(t * 2);

	r->b.shm[0] = (struct shm_part){ .shmid = 5, .key = 0x1234, .size_kb = 64 * MiB, .have_rss = true,
					 .rss_kb = rss, .nattch = 0 };
	r->b.shm[1] = (struct shm_part){ .shmid = 6, .key = 0, .size_kb = 4096, .have_rss = true, .rss_kb = 1024 };
	r->b.nshm = r->b.shm_seen = 2;
	r->b.shm_rss_kb = rss + 1024;
	r->b.mi.shmem_kb = 10 * MiB + rss + 1024;
	set_free(r, 50 * MiB);
}

static void test_filled_segment_is_flagged(void **state)
{
	static struct rig r;
	double flagged;

	(void)state;
	rig_init(&r);
	flagged = time_to_flag(&r, fill_segment, 0.5, 120, MI_SYSV, "shmid 5 key 0x00001234");
	print_message("SysV segment at 128 KiB/s: flagged after %.1f s\n", flagged);
	assert_true(flagged > 0 && flagged <= 120);
	assert_false(find_item(&r.m, MI_SYSV, "shmid 6 key 0x00000000")->track.verdict.suspected);
	assert_true(r.m.part[MP_SYSV].verdict.suspected);
	memmodel_free(&r.m);
}

// 40 caches, one growing 40 objects of 192 bytes a tick (dentries): it is
// the one named.
static void grow_cache(struct rig *r, double t)
{
	r->b.nslab = r->b.slab_seen = 0;
	for (int i = 0; i < 40; i++) {
		struct slab_part *s = &r->b.slab[r->b.nslab++];

		*s = (struct slab_part){ .objsize = 192, .pages_per_slab = 1 };
		snprintf(s->name, sizeof s->name, "cache-%02d", i);
		s->kb = (uint64_t)(40 - i) * 1024;
		if (i == 20)
			s->kb += (uint64_t)(t * 2) * 40 * 192 / 1024;
		r->b.slab_seen++;
	}
	// Kept largest first, as the parser keeps them.
	for (size_t i = 1; i < r->b.nslab; i++)
		for (size_t j = i; j > 0 && r->b.slab[j - 1].kb < r->b.slab[j].kb; j--) {
			struct slab_part x = r->b.slab[j];

			r->b.slab[j] = r->b.slab[j - 1];
			r->b.slab[j - 1] = x;
		}
	set_free(r, 50 * MiB);
}

static void test_growing_cache_is_named(void **state)
{
	static struct rig r;
	double flagged;
	size_t suspects = 0;

	(void)state;
	rig_init(&r);
	flagged = time_to_flag(&r, grow_cache, 0.5, 300, MI_SLAB, "cache-20");
	print_message("slab cache at 15 KiB/s: flagged after %.1f s\n", flagged);
	assert_true(flagged > 0);
	for (size_t i = 0; i < r.m.nitem[MI_SLAB]; i++)
		suspects += r.m.item[MI_SLAB][i].track.verdict.suspected;
	assert_int_equal(suspects, 1);
	assert_int_equal(r.m.nitem[MI_SLAB], MEMMODEL_TRACK_MAX);   // 40 seen, the largest 32 tracked
	memmodel_free(&r.m);
}

// Kernel memory no counter shows (a driver's alloc_pages): Free falls,
// nothing else rises, and unaccounted is the part that grows.
static void test_hidden_kernel_leak_is_unaccounted(void **state)
{
	static struct rig r;
	bool suspected = false;

	(void)state;
	rig_init(&r);
	for (double t = 0; t <= 180 && !suspected; t += 0.5) {
		r.t = 1000 + t;
		set_free(&r, 50 * MiB + (uint64_t)(t * 256));
		tick(&r, false);
		suspected = r.m.part[MP_UNACCOUNTED].verdict.suspected;
	}
	assert_true(suspected);
	for (int p = 0; p < MP_COUNT; p++)
		if (p != MP_UNACCOUNTED)
			assert_false(r.m.part[p].verdict.suspected);
	memmodel_free(&r.m);
}

// A segment that comes, goes and comes back: dropped with its history,
// then a new one.
static void test_segment_coming_and_going(void **state)
{
	static struct rig r;
	const struct mem_item *it;
	double first;

	(void)state;
	rig_init(&r);
	set_free(&r, 0);
	r.b.shm[0] = (struct shm_part){ .shmid = 9, .key = 1, .size_kb = 1024, .have_rss = true, .rss_kb = 512 };
	r.b.nshm = r.b.shm_seen = 1;
	r.t = 10;
	tick(&r, true);
	it = find_item(&r.m, MI_SYSV, "shmid 9 key 0x00000001");
	assert_non_null(it);
	first = it->first_t;
	assert_true(first == 10);
	r.t = 11;
	tick(&r, false);                                   // no reading: still there
	assert_int_equal(r.m.nitem[MI_SYSV], 1);
	r.b.nshm = r.b.shm_seen = 0;
	r.t = 12;
	tick(&r, true);
	assert_int_equal(r.m.nitem[MI_SYSV], 0);
	assert_null(find_item(&r.m, MI_SYSV, "shmid 9 key 0x00000001"));
	r.b.nshm = r.b.shm_seen = 1;
	r.t = 13;
	tick(&r, true);
	it = find_item(&r.m, MI_SYSV, "shmid 9 key 0x00000001");
	assert_non_null(it);
	assert_true(it->first_t == 13);                    // a new history
	// Another segment with the same id but another key is another one.
	r.b.shm[0].key = 2;
	r.t = 14;
	tick(&r, true);
	assert_null(find_item(&r.m, MI_SYSV, "shmid 9 key 0x00000001"));
	assert_true(find_item(&r.m, MI_SYSV, "shmid 9 key 0x00000002")->first_t == 14);
	memmodel_free(&r.m);
}

// Same mount point, another device (unmounted and mounted again): another
// tmpfs, a new history.
static void test_remounted_tmpfs_is_new(void **state)
{
	static struct rig r;

	(void)state;
	rig_init(&r);
	set_free(&r, 0);
	add_tmpfs(&r.b, "/mnt/t", 40, 10);
	r.t = 1;
	tick(&r, true);
	r.b.tmpfs[0].minor = 41;
	r.t = 2;
	tick(&r, true);
	assert_true(find_item(&r.m, MI_TMPFS, "/mnt/t")->first_t == 2);
	assert_int_equal(r.m.nitem[MI_TMPFS], 1);
	memmodel_free(&r.m);
}

// The item table: empty, partly full, exactly full, over full.
static void set_caches(struct rig *r, size_t n, uint64_t base)
{
	r->b.nslab = r->b.slab_seen = n;
	for (size_t i = 0; i < n; i++) {
		r->b.slab[i] = (struct slab_part){ .kb = base + (uint64_t)(n - i) };
		snprintf(r->b.slab[i].name, sizeof r->b.slab[i].name, "c%03zu", i);
	}
}

static void test_item_table_fill_levels(void **state)
{
	static struct rig r;
	static const size_t sizes[] = { 0, 5, MEMMODEL_TRACK_MAX, MEMMODEL_TRACK_MAX + 1, MEMPARTS_SLAB_MAX, 0 };

	(void)state;
	rig_init(&r);
	set_free(&r, 0);
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		size_t want = sizes[s] < MEMMODEL_TRACK_MAX ? sizes[s] : MEMMODEL_TRACK_MAX;

		set_caches(&r, sizes[s], 1000);
		r.t = (double)s;
		tick(&r, true);
		assert_int_equal(r.m.nitem[MI_SLAB], want);
		assert_int_equal(r.m.seen[MI_SLAB], sizes[s]);
		for (size_t i = 0; i < want; i++) {
			assert_non_null(r.m.item[MI_SLAB][i].track.leak);
			assert_int_equal(r.m.item[MI_SLAB][i].track.kb, 1000 + sizes[s] - i);
		}
	}
	memmodel_free(&r.m);
}

// Hours of simulated time with items churning: the rings wrap many times,
// the tables stay bounded, a suspect beyond the largest keeps its history,
// and the end frees everything (ASan).
static void test_wrapped_many_times_and_bounded(void **state)
{
	static struct rig r;
	const struct mem_item *x;
	double x_first = -1;

	(void)state;
	rig_init(&r);
	set_free(&r, 0);
	// Four hours at 2 s: the 150-s tier (2 h) wraps twice, the fast ones
	// hundreds of times. Cache "grower" grows 20 KiB a tick from the
	// start, among 100 flat ones smaller than it; segments come and go.
	for (int i = 0; i < 7200; i++) {
		size_t n = 100;

		r.t = 2.0 * i;
		// The others jump above it every other 20 minutes.
		set_caches(&r, n, (i / 600) % 2 ? 4000 + 20 * (uint64_t)i + 1000 : 10);
		r.b.slab[0] = (struct slab_part){ .kb = 4000 + 20 * (uint64_t)i };
		snprintf(r.b.slab[0].name, sizeof r.b.slab[0].name, "grower");
		for (size_t j = 1; j < n; j++)                  // largest first
			for (size_t k = j; k > 0 && r.b.slab[k - 1].kb < r.b.slab[k].kb; k--) {
				struct slab_part t = r.b.slab[k];

				r.b.slab[k] = r.b.slab[k - 1];
				r.b.slab[k - 1] = t;
			}
		r.b.nshm = r.b.shm_seen = (size_t)(i % 7);
		for (size_t j = 0; j < r.b.nshm; j++)
			r.b.shm[j] = (struct shm_part){ .shmid = (int64_t)(i / 7 * 7 + (int)j), .have_rss = true,
							.rss_kb = 10 };
		tick(&r, true);
		assert_true(r.m.nitem[MI_SLAB] <= MEMMODEL_KEEP_MAX);
		assert_true(r.m.nitem[MI_SYSV] <= 7);
		x = find_item(&r.m, MI_SLAB, "grower");
		if (x && x->track.verdict.suspected && x_first < 0)
			x_first = x->first_t;
		if (i >= 600 && (i / 600) % 2)                 // ranked 101st: kept as a suspect
			assert_true(x && x->track.verdict.suspected && r.m.nitem[MI_SLAB] == MEMMODEL_TRACK_MAX + 1);
	}
	// Suspected early, and kept through the 20-minute stretches in which
	// a hundred caches were larger than it (ranked past the largest 32).
	assert_true(x_first == 0);
	x = find_item(&r.m, MI_SLAB, "grower");
	assert_non_null(x);
	assert_true(x->first_t == 0);
	assert_true(x->track.verdict.suspected);
	assert_int_equal(x->track.leak->hist.tier[0].count, HISTORY_LEN);
	memmodel_free(&r.m);
	assert_int_equal(r.m.nitem[MI_SLAB], 0);
	assert_null(r.m.item[MI_SLAB]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_breakdown_is_nothing),
		cmocka_unit_test(test_parts_sum_to_memtotal),
		cmocka_unit_test(test_growing_tmpfs_is_flagged_within_two_minutes),
		cmocka_unit_test(test_background_pace_still_flags),
		cmocka_unit_test(test_filled_segment_is_flagged),
		cmocka_unit_test(test_growing_cache_is_named),
		cmocka_unit_test(test_hidden_kernel_leak_is_unaccounted),
		cmocka_unit_test(test_segment_coming_and_going),
		cmocka_unit_test(test_remounted_tmpfs_is_new),
		cmocka_unit_test(test_item_table_fill_levels),
		cmocka_unit_test(test_wrapped_many_times_and_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
