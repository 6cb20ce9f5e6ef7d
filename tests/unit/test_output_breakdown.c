/* test_output_breakdown.c — --breakdown's batch output (output_breakdown.c):
 * the JSON object's members, its errors, names escaped; CSV's header and
 * one row per part and item, names quoted; the table's total line. */
#include "fixture.h"

#include "model/memmodel.h"
#include "output/output.h"

struct rig {
	struct mem_breakdown b;
	struct snapshot snap;
	struct memmodel m;
	struct output_tick tick;
};

static void rig_fill(struct rig *r)
{
	memset(r, 0, sizeof *r);
	r->b = (struct mem_breakdown){ .have_meminfo = true, .parts_read = true, .slab_err = -EACCES };
	r->b.mi = (struct meminfo_parts){ .total_kb = 8 << 20, .free_kb = 6 << 20, .anon_kb = 1 << 20,
					  .cached_kb = 512 << 10, .shmem_kb = 256 << 10 };
	r->b.tmpfs[0] = (struct tmpfs_part){ .minor = 40, .used_kb = 100 << 10, .size_kb = 200 << 10 };
	snprintf(r->b.tmpfs[0].mount, sizeof r->b.tmpfs[0].mount, "/mnt/a \"b\",c");
	r->b.ntmpfs = r->b.tmpfs_seen = 1;
	r->b.tmpfs_used_kb = 100 << 10;
	r->b.shm[0] = (struct shm_part){ .shmid = 3, .key = -5, .size_kb = 64, .have_rss = true, .rss_kb = 32,
					 .nattch = 2, .cpid = 10, .lpid = 11 };
	r->b.nshm = r->b.shm_seen = 1;
	r->b.shm_rss_kb = 32;
	r->snap.breakdown = &r->b;
	r->snap.sys.mono_time = 5;
	r->snap.sys.wall_time = 1700000000;
	r->m.sensitivity = LEAK_SENS_NORMAL;
	assert_int_equal(memmodel_update(&r->m, &r->snap, NULL), 0);
	r->tick = (struct output_tick){ .snap = &r->snap, .breakdown = &r->m, .elapsed_s = -1 };
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void test_json(void **state)
{
	static struct rig r;
	struct capture c;

	(void)state;
	rig_fill(&r);
	capture_open(&c);
	output_json_breakdown(c.f, &r.m);
	capture_close(&c);
	assert_non_null(strstr(c.text, ", \"breakdown\": {\"mem_total_kb\": 8388608, \"sum_kb\": 8388608, "
				"\"tmpfs_mounts\": 1, \"sysv_segments\": 1, \"slab_caches\": 0, \"tmpfs_error\": null, "
				"\"sysv_error\": null, \"slab_error\": \"Permission denied\", \"rows\": ["));
	// Every part once, and the two items.
	assert_int_equal(count(c.text, "\"kind\": \"part\""), MP_COUNT);
	assert_non_null(strstr(c.text, "{\"part\": \"tmpfs\", \"parent\": \"tmpfs\", \"kind\": \"tmpfs\", \"depth\": 2, "
				"\"name\": \"/mnt/a \\\"b\\\",c\", \"kb\": 102400, \"in_total\": false, \"dev\": \"0:40\", "
				"\"size_kb\": 204800, \"growth_kb_per_min\": null, \"leak\": {\"suspected\": false"));
	assert_non_null(strstr(c.text, "\"kind\": \"sysv_shm\", \"depth\": 2, \"name\": \"shmid 3 key 0xfffffffb\", "
				"\"kb\": 32, \"in_total\": false, \"shmid\": 3, \"key\": -5, \"size_kb\": 64, "
				"\"rss_kb\": 32, \"swap_kb\": 0, \"nattch\": 2, \"cpid\": 10, \"lpid\": 11"));
	assert_non_null(strstr(c.text, "{\"part\": \"free\", \"parent\": null, \"kind\": \"part\", \"depth\": 0, "
				"\"name\": \"Free\", \"kb\": 6291456, \"in_total\": true, \"growth_kb_per_min\": null, "
				"\"leak\": null}"));
	assert_true(c.text[strlen(c.text) - 1] == '}');
	capture_free(&c);
	// Before any breakdown: null.
	memmodel_free(&r.m);
	capture_open(&c);
	output_json_breakdown(c.f, &r.m);
	capture_close(&c);
	assert_string_equal(c.text, ", \"breakdown\": null");
	capture_free(&c);
}

static void test_csv_and_table(void **state)
{
	static struct rig r;
	struct capture c;

	(void)state;
	rig_fill(&r);
	capture_open(&c);
	output_csv_breakdown(c.f, &r.tick);
	capture_close(&c);
	static const char header[] = "time,part,kind,depth,name,kb,in_total,growth_kb_per_min,leak_suspected,"
				     "leak_score,leak_since_s\n";
	assert_int_equal(strncmp(c.text, header, sizeof header - 1), 0);
	assert_int_equal(count(c.text, "\n"), 1 + MP_COUNT + 2);
	assert_non_null(strstr(c.text, "1700000000.000,tmpfs,tmpfs,2,\"/mnt/a \"\"b\"\",c\",102400,0,,0,0.00,0\n"));
	assert_non_null(strstr(c.text, "1700000000.000,free,part,0,Free,6291456,1,,,,\n"));
	capture_free(&c);
	r.tick.index = 1;                                 // no header after the first tick
	capture_open(&c);
	output_csv_breakdown(c.f, &r.tick);
	capture_close(&c);
	assert_null(strstr(c.text, "time,part"));
	capture_free(&c);
	capture_open(&c);
	output_table_breakdown(c.f, &r.tick);
	capture_close(&c);
	assert_non_null(strstr(c.text, "Total (MemTotal)"));
	assert_non_null(strstr(c.text, "8.0G"));
	assert_non_null(strstr(c.text, "slab caches not shown: /proc/slabinfo: Permission denied (root only)"));
	capture_free(&c);
	memmodel_free(&r.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv_and_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
