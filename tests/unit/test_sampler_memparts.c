/* test_sampler_memparts.c — the live sampler's memory breakdown
 * (source_config.breakdown_every_s, proc/sampler_memparts.c) on this
 * machine: none when not asked for; the meminfo parts every tick and the
 * lists at their pace, changed through set_breakdown_every; and, as root, a
 * tmpfs mounted on a hostile mount point and a SysV segment seen with their
 * sizes, the name sanitised. */
#include "fixture.h"

#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc/sampler.h"
#include "proc/source.h"

static void open_source(struct source *src, double every_s)
{
	static int self;
	struct source_config cfg = { .pids = &self, .npids = 1, .breakdown_every_s = every_s };
	char err[256];

	self = getpid();
	if (sampler_source_open(src, &cfg, err, sizeof err) < 0)
		fail_msg("%s", err);
}

static void test_off_is_null(void **state)
{
	struct source src;
	struct snapshot snap = { 0 };

	(void)state;
	open_source(&src, 0);
	assert_int_equal(src.ops->tick(src.impl, &snap), 0);
	assert_null(snap.breakdown);
	src.ops->close(src.impl);
}

// The meminfo parts at every tick, the lists at the first and then when
// due; the pace changes at once.
static void test_pace(void **state)
{
	struct source src;
	struct snapshot snap = { 0 };
	const struct mem_breakdown *b;
	double first_t;
	size_t slabs;

	(void)state;
	open_source(&src, 3600);
	assert_int_equal(src.ops->tick(src.impl, &snap), 0);
	b = snap.breakdown;
	assert_non_null(b);
	assert_true(b->have_meminfo);
	assert_int_equal(b->mi.total_kb, snap.sys.total_kb);
	assert_true(b->mi.anon_kb > 0 && b->mi.sreclaimable_kb + b->mi.sunreclaim_kb > 0);
	assert_true(b->parts_read);
	first_t = b->parts_t;
	assert_true(first_t > 0);
	assert_int_equal(b->shm_err, 0);
	assert_int_equal(b->tmpfs_err, 0);
	if (geteuid() == 0) {
		assert_int_equal(b->slab_err, 0);
		assert_true(b->nslab > 0 && b->slab_seen >= b->nslab);
	} else {
		assert_int_equal(b->slab_err, -EACCES);
		assert_int_equal(b->nslab, 0);
	}
	slabs = b->nslab;
	assert_int_equal(src.ops->tick(src.impl, &snap), 0);   // not due: the last lists
	assert_ptr_equal(snap.breakdown, b);
	assert_false(b->parts_read);
	assert_true(b->parts_t == first_t);
	assert_int_equal(b->nslab, slabs);
	src.ops->set_breakdown_every(src.impl, 0.001);
	assert_int_equal(src.ops->tick(src.impl, &snap), 0);
	assert_true(snap.breakdown->parts_read);
	assert_true(snap.breakdown->parts_t > first_t);
	src.ops->set_breakdown_every(src.impl, 0);
	assert_int_equal(src.ops->tick(src.impl, &snap), 0);
	assert_null(snap.breakdown);
	src.ops->close(src.impl);
}

// The tmpfs's row, or NULL.
static const struct tmpfs_part *find_mount(const struct mem_breakdown *b, const char *name)
{
	for (size_t i = 0; i < b->ntmpfs; i++)
		if (strcmp(b->tmpfs[i].mount, name) == 0)
			return &b->tmpfs[i];
	return NULL;
}

static const struct shm_part *find_segment(const struct mem_breakdown *b, int shmid)
{
	for (size_t i = 0; i < b->nshm; i++)
		if (b->shm[i].shmid == shmid)
			return &b->shm[i];
	return NULL;
}

// What the live test made, removed by its teardown even when it fails.
static struct {
	char dir[32], mnt[128], file[160];
	bool mounted;
	int shmid;
} made = { .shmid = -1 };

static int live_teardown(void **state)
{
	(void)state;
	if (made.shmid >= 0)
		shmctl(made.shmid, IPC_RMID, NULL);
	if (made.mounted)
		umount(made.mnt);
	if (made.file[0])
		unlink(made.file);
	if (made.mnt[0])
		rmdir(made.mnt);
	if (made.dir[0])
		rmdir(made.dir);
	return 0;
}

// As root: a 2 MiB file in a tmpfs mounted on "a b<newline>c" and a 1 MiB
// segment, touched and detached.
static void test_tmpfs_and_segment_live(void **state)
{
	char *dir = made.dir, *mnt = made.mnt, *file = made.file, want[256];
	static char chunk[1 << 20];
	struct source src;
	struct snapshot snap = { 0 };
	const struct tmpfs_part *t;
	const struct shm_part *s;
	FILE *f;
	char *p;
	int id;

	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(dir, sizeof made.dir, "/tmp/memtop-mp-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(mnt, sizeof made.mnt, "%s/a b\nc", dir);
	assert_int_equal(mkdir(mnt, 0700), 0);
	if (mount("memtop-test", mnt, "tmpfs", 0, "size=8m") != 0)
		skip();
	made.mounted = true;
	snprintf(file, sizeof made.file, "%s/f", mnt);
	f = fopen(file, "wb");
	assert_non_null(f);
	memset(chunk, 0x5a, sizeof chunk);
	assert_int_equal(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
	assert_int_equal(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
	assert_int_equal(fclose(f), 0);
	id = made.shmid = shmget(IPC_PRIVATE, 1 << 20, IPC_CREAT | 0600);
	assert_true(id >= 0);
	p = shmat(id, NULL, 0);
	assert_true(p != (void *)-1);
	memset(p, 1, 1 << 20);
	shmdt(p);

	open_source(&src, 0.001);
	assert_int_equal(src.ops->tick(src.impl, &snap), 0);
	snprintf(want, sizeof want, "%s/a b\\nc", dir);         // the newline escaped
	t = find_mount(snap.breakdown, want);
	assert_non_null(t);
	assert_true(t->used_kb >= 2048 && t->used_kb < 2048 + 64);
	assert_int_equal(t->size_kb, 8192);
	s = find_segment(snap.breakdown, id);
	assert_non_null(s);
	assert_int_equal(s->size_kb, 1024);
	assert_true(s->have_rss);
	assert_int_equal(s->rss_kb, 1024);
	assert_int_equal(s->nattch, 0);
	assert_int_equal(s->cpid, getpid());
	assert_true(snap.breakdown->shm_rss_kb >= 1024);
	assert_true(snap.breakdown->tmpfs_used_kb >= 2048);
	// Gone at the next reading.
	assert_int_equal(shmctl(id, IPC_RMID, NULL), 0);
	made.shmid = -1;
	assert_int_equal(unlink(file), 0);
	made.file[0] = '\0';
	assert_int_equal(umount(mnt), 0);
	made.mounted = false;
	assert_int_equal(src.ops->tick(src.impl, &snap), 0);
	assert_true(snap.breakdown->parts_read);
	assert_null(find_mount(snap.breakdown, want));
	assert_null(find_segment(snap.breakdown, id));
	src.ops->close(src.impl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_is_null),
		cmocka_unit_test(test_pace),
		cmocka_unit_test_teardown(test_tmpfs_and_segment_live, live_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
