/* test_kmsgread.c — the kernel log reader: records through a real
 * socketpair (one record a read, as /dev/kmsg), and through a scripted
 * read() for what a socket cannot do (EPIPE, EINTR, a hard error, a storm
 * of records): the backlog and since_start, the per-poll budget, the cap
 * on kills a poll hands up (empty, partly full, exactly full, overflowed
 * many times), lost records counted from the sequence numbers, a refused
 * open kept. */
#include "fixture.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc/kmsgread.h"

#define KILL_FMT "3,%llu,%llu,-;Memory cgroup out of memory: Killed process %d (victim%d) " \
		 "total-vm:4000kB, anon-rss:%dkB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0\n"

/* ---- the scripted read(2) ---------------------------------------------- */

// What the scripted read gives: records numbered from seq (each a kill of
// pid = its number when kill_every divides it, else an unrelated line),
// until remaining runs out (then EAGAIN), with an error injected at one
// read.
static struct {
	unsigned long long seq;
	long remaining;
	unsigned kill_every;
	long reads;
	long error_at;                   // the read that fails (1-based); 0: none
	int error;
	unsigned long long skip_after_error;   // records lost at that error
} script;

static void script_reset(long records, unsigned kill_every)
{
	memset(&script, 0, sizeof script);
	script.seq = 1000;
	script.remaining = records;
	script.kill_every = kill_every;
}

static ssize_t script_read(int fd, void *buf, size_t len)
{
	int n;

	(void)fd;
	assert_true(len >= 8192);        // /dev/kmsg says EINVAL below that
	script.reads++;
	if (script.error_at && script.reads == script.error_at) {
		script.seq += script.skip_after_error;
		errno = script.error;
		return -1;
	}
	if (script.remaining <= 0) {
		errno = EAGAIN;
		return -1;
	}
	script.remaining--;
	if (script.kill_every && script.seq % script.kill_every == 0)
		n = snprintf(buf, len, KILL_FMT, script.seq, script.seq * 10, (int)script.seq, (int)script.seq,
			     (int)(script.seq % 1000));
	else
		n = snprintf(buf, len, "6,%llu,%llu,-;eth0: link up\n", script.seq, script.seq * 10);
	script.seq++;
	return n;
}

static struct kmsgread *scripted(void)
{
	int fd = open("/dev/null", O_RDONLY);
	struct kmsgread *r;

	assert_true(fd >= 0);
	r = kmsgread_from_fd(fd, 4, script_read);
	assert_non_null(r);
	return r;
}

/* ---- tests -------------------------------------------------------------- */

// Writes one record to a socket end.
static void send_record(int fd, const char *rec)
{
	assert_int_equal(send(fd, rec, strlen(rec), 0), (ssize_t)strlen(rec));
}

// The real fixture's whole report through a socketpair, in two ticks.
static void test_socketpair(void **state)
{
	int sv[2];
	struct kmsgread *r;
	struct oom_kill *k;
	size_t n, len, start = 0;
	char *t = fixture_read("kmsg/6x-memcg-real.txt", &len);
	char rec[512];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), 0);
	r = kmsgread_from_fd(sv[0], 4, NULL);
	assert_non_null(r);
	// Nothing yet: the backlog is empty, and read to its end.
	k = kmsgread_poll(r, &n);
	assert_int_equal(n, 0);
	for (size_t i = 0; i < len; i++)
		if (t[i] == '\n') {
			assert_true(i + 1 - start < sizeof rec);
			memcpy(rec, t + start, i + 1 - start);
			rec[i + 1 - start] = '\0';
			send_record(sv[1], rec);
			start = i + 1;
		}
	free(t);
	k = kmsgread_poll(r, &n);
	assert_int_equal(n, 1);
	assert_int_equal(k[0].pid, 21091);
	assert_string_equal(k[0].oom_memcg, "/memtop-oomcap");
	assert_true(k[0].since_start);       // after the backlog's end
	assert_int_equal(kmsgread_lost(r), 0);
	// The next poll hands up nothing new.
	k = kmsgread_poll(r, &n);
	assert_int_equal(n, 0);
	// A gap in the sequence is counted as lost records.
	send_record(sv[1], "6,500,1,-;x\n");
	send_record(sv[1], "6,510,1,-;y\n");
	(void)kmsgread_poll(r, &n);
	assert_int_equal(kmsgread_lost(r), 500 - 415 + 9);
	assert_int_equal(kmsgread_err(r), 0);
	close(sv[1]);
	kmsgread_close(r);
}

// Kills in the backlog have since_start false, those after it true.
static void test_backlog_then_new(void **state)
{
	struct kmsgread *r;
	struct oom_kill *k;
	size_t n;

	(void)state;
	script_reset(30, 10);                 // kills at 1000, 1010, 1020
	r = scripted();
	k = kmsgread_poll(r, &n);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_false(k[i].since_start);
		assert_int_equal(k[i].pid, 1000 + 10 * (int)i);
		assert_int_equal(k[i].seq, 1000 + 10 * i);
		assert_true(k[i].boot_s == (double)(1000 + 10 * i) * 10 / 1e6);
	}
	script.remaining = 11;                 // 1030..1040
	k = kmsgread_poll(r, &n);
	assert_int_equal(n, 2);
	assert_true(k[0].since_start && k[1].since_start);
	assert_int_equal(k[1].pid, 1040);
	assert_int_equal(kmsgread_dropped(r), 0);
	kmsgread_close(r);
}

// After the backlog a poll reads at most KMSGREAD_TICK_RECORDS records: a
// storm is read over several polls, none lost, in order.
static void test_budget(void **state)
{
	struct kmsgread *r;
	size_t n, polls = 0, kills = 0;
	long storm = 3 * KMSGREAD_TICK_RECORDS + 5;

	(void)state;
	script_reset(0, 1000);
	r = scripted();
	(void)kmsgread_poll(r, &n);            // an empty backlog
	script.remaining = storm;
	script.reads = 0;
	do {
		long before = script.reads;

		(void)kmsgread_poll(r, &n);
		kills += n;
		assert_true(script.reads - before <= KMSGREAD_TICK_RECORDS);
		polls++;
	} while (script.remaining > 0);
	assert_int_equal(polls, 4);
	assert_int_equal(kills, 13);           // seq 1000 to 13292: one in every thousand
	assert_int_equal(kmsgread_lost(r), 0);
	// The backlog has a far larger budget: read whole in one poll.
	script_reset(3 * KMSGREAD_TICK_RECORDS, 1000);
	kmsgread_close(r);
	r = scripted();
	(void)kmsgread_poll(r, &n);
	assert_int_equal(script.remaining, 0);
	kmsgread_close(r);
}

// The kills one poll hands up: none, some, exactly the cap, and the cap
// overflowed many times (the newest kept, in order, the rest counted).
static void test_kill_cap(void **state)
{
	static const long counts[] = { 0, 10, KMSGREAD_KILLS_MAX, KMSGREAD_KILLS_MAX + 1, 7 * KMSGREAD_KILLS_MAX + 3 };
	uint64_t dropped = 0;

	(void)state;
	for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
		struct kmsgread *r;
		struct oom_kill *k;
		size_t n, want = counts[c] < KMSGREAD_KILLS_MAX ? (size_t)counts[c] : KMSGREAD_KILLS_MAX;

		script_reset(counts[c], 1);        // every record a kill
		r = scripted();
		k = kmsgread_poll(r, &n);
		assert_int_equal(n, want);
		for (size_t i = 0; i < n; i++)     // the newest, oldest first
			assert_int_equal(k[i].seq, 1000 + (uint64_t)counts[c] - want + i);
		dropped = (uint64_t)counts[c] - want;
		assert_int_equal(kmsgread_dropped(r), dropped);
		// Live polls have the same cap, and the count goes on.
		script.remaining = KMSGREAD_KILLS_MAX + 2;
		k = kmsgread_poll(r, &n);
		assert_int_equal(n, KMSGREAD_KILLS_MAX);
		assert_int_equal(k[n - 1].seq, 1000 + (uint64_t)counts[c] + KMSGREAD_KILLS_MAX + 1);
		assert_int_equal(kmsgread_dropped(r), dropped + 2);
		kmsgread_close(r);
	}
}

// EPIPE: records overwritten; counted from the next record's number, the
// open report abandoned, reading goes on. EINTR is retried.
static void test_epipe_eintr(void **state)
{
	struct kmsgread *r;
	size_t n;

	(void)state;
	script_reset(20, 0);
	script.error_at = 5;
	script.error = EPIPE;
	script.skip_after_error = 40;
	r = scripted();
	(void)kmsgread_poll(r, &n);
	assert_int_equal(kmsgread_lost(r), 40);
	assert_int_equal(kmsgread_err(r), 0);
	assert_int_equal(script.remaining, 0);  // read on after it
	script.remaining = 3;
	script.reads = 0;
	script.error_at = 2;
	script.error = EINTR;
	script.skip_after_error = 0;
	(void)kmsgread_poll(r, &n);
	assert_int_equal(script.remaining, 0);
	assert_int_equal(kmsgread_lost(r), 40);
	kmsgread_close(r);
}

// Any other error ends the reading for good: said, nothing handed up.
static void test_hard_error(void **state)
{
	struct kmsgread *r;
	size_t n;

	(void)state;
	script_reset(20, 1);
	script.error_at = 3;
	script.error = EIO;
	r = scripted();
	(void)kmsgread_poll(r, &n);
	assert_int_equal(n, 0);
	assert_int_equal(kmsgread_err(r), -EIO);
	script.remaining = 5;
	script.reads = 0;
	(void)kmsgread_poll(r, &n);
	assert_int_equal(n, 0);
	assert_int_equal(script.reads, 0);      // never read again
	kmsgread_close(r);
}

// Opens that fail say why: a missing device, and (as nobody, in a child)
// the real /dev/kmsg refused with dmesg_restrict or without CAP_SYSLOG.
static void test_open_refused(void **state)
{
	int err = 0, status;
	pid_t pid;

	(void)state;
	assert_null(kmsgread_open("/nonexistent/kmsg", 4, &err));
	assert_int_equal(err, -ENOENT);
	if (geteuid() != 0 || access(KMSGREAD_PATH, F_OK) != 0) {
		skip();
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct passwd *pw = getpwnam("nobody");
		struct kmsgread *r;

		if (!pw || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
			_exit(10);
		r = kmsgread_open(KMSGREAD_PATH, 4, &err);
		_exit(r ? 11 : err == -EPERM || err == -EACCES ? 0 : 12);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

// The real log as root: opens, reads its backlog to the end in one poll.
static void test_real_device(void **state)
{
	int err = 0;
	struct kmsgread *r;
	struct oom_kill *k;
	size_t n;

	(void)state;
	if (geteuid() != 0 || access(KMSGREAD_PATH, R_OK) != 0) {
		skip();
		return;
	}
	r = kmsgread_open(KMSGREAD_PATH, 4, &err);
	assert_non_null(r);
	k = kmsgread_poll(r, &n);
	assert_int_equal(kmsgread_err(r), 0);
	for (size_t i = 0; i < n; i++)
		assert_false(k[i].since_start);       // all from the backlog
	kmsgread_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socketpair),
		cmocka_unit_test(test_backlog_then_new),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_kill_cap),
		cmocka_unit_test(test_epipe_eintr),
		cmocka_unit_test(test_hard_error),
		cmocka_unit_test(test_open_refused),
		cmocka_unit_test(test_real_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
