/* kmsgread.h — reading the kernel log (/dev/kmsg) for OOM kills, a tick at a
 * time: the proc layer's I/O around the pure parsers of proc/kmsg.h.
 *
 * /dev/kmsg is read non-blocking, one record per read() (the buffer must
 * hold 8 KiB or the kernel says EINVAL): EAGAIN means nothing new; EPIPE
 * means records were overwritten before they were read, which the sequence
 * numbers count (kmsgread_lost). Each record costs a read and a look at its
 * first bytes; only OOM report lines go further.
 *
 * The first polls read the backlog, every record still in the log since
 * boot, up to KMSGREAD_BACKLOG_RECORDS a poll; once the log has been read
 * to its end, a poll reads at most KMSGREAD_TICK_RECORDS (the rest at the
 * next), so a log storm cannot stall a tick. A kill read before the end of
 * the backlog was reached has since_start false, one after it true. A poll
 * hands up at most KMSGREAD_KILLS_MAX kills, the newest; the older ones are
 * counted (kmsgread_dropped).
 *
 * Contract: kmsgread_open never retries a refused open (the caller keeps
 * the error). The kills kmsgread_poll hands up belong to the reader and
 * stay valid until its next poll or close; their times after boot are set
 * (boot_s), mono_time and wall_time are the caller's to set. A read error
 * other than EAGAIN, EINTR and EPIPE ends the reading for good:
 * kmsgread_err then says it, and polls hand up nothing.
 */
#ifndef MEMTOP_KMSGREAD_H
#define MEMTOP_KMSGREAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc/snapshot.h"

#define KMSGREAD_PATH "/dev/kmsg"
#define KMSGREAD_BUF (16 * 1024)            // a record at most (the kernel's is 8 KiB)
#define KMSGREAD_BACKLOG_RECORDS 100000     // per poll while the backlog is read
#define KMSGREAD_TICK_RECORDS 4096          // per poll after it
#define KMSGREAD_KILLS_MAX 64               // kills handed up by one poll

/* How the reader reads: read(2), or a test's stand-in with its errors. */
typedef ssize_t kmsgread_fn(int fd, void *buf, size_t len);

struct kmsgread;

/* Opens path (KMSGREAD_PATH) O_RDONLY|O_NONBLOCK for a machine whose pages
 * are page_kb KiB. Returns the reader, or NULL with *err set to -errno
 * (-EPERM or -EACCES: not root, or dmesg_restrict; -ENOENT: no such device,
 * a container; -ENOMEM). */
struct kmsgread *kmsgread_open(const char *path, unsigned page_kb, int *err);
/* A reader of fd, which it takes over (closes): a socketpair's end for a
 * test (SOCK_SEQPACKET, non-blocking: one record a read, like /dev/kmsg).
 * readfn NULL is read(2). Returns NULL (fd closed) when out of memory. */
struct kmsgread *kmsgread_from_fd(int fd, unsigned page_kb, kmsgread_fn *readfn);
/* Reads what is new (see above). Returns the kills it completed, oldest
 * first, and their number in *n (0 after an error). */
struct oom_kill *kmsgread_poll(struct kmsgread *r, size_t *n);
int kmsgread_err(const struct kmsgread *r);           // 0, or -errno: reading ended
uint64_t kmsgread_lost(const struct kmsgread *r);     // records overwritten unread, so far
uint64_t kmsgread_dropped(const struct kmsgread *r);  // kills not handed up (over the cap), so far
void kmsgread_close(struct kmsgread *r);

#endif
