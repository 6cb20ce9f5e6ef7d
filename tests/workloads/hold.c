/* hold — a test process with a known memory shape.
 *
 *   hold [--comm HEX] ANON_MIB [GROW_MIB]
 *
 * Maps ANON_MIB MiB of private anonymous memory and writes to every page, so
 * exactly that much is resident and anonymous; prints "ready PID" and waits
 * until stdin reaches end of file. Each SIGUSR1 maps and touches GROW_MIB MiB
 * more and prints "grown TOTAL_MIB". --comm sets the process name (comm) to
 * the bytes given in hex, for tests of hostile names.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

static volatile sig_atomic_t grow_requests;

static void on_usr1(int sig)
{
	(void)sig;
	grow_requests++;
}

// Maps and dirties mib MiB of anonymous memory; exits on failure.
static void touch_anon(size_t mib)
{
	size_t len = mib << 20;
	long page = sysconf(_SC_PAGESIZE);
	char *p;

	if (len == 0)
		return;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("hold: mmap");
		exit(1);
	}
	for (size_t off = 0; off < len; off += (size_t)page)
		p[off] = 1;
}

// Decodes a hex string into at most 15 bytes for prctl(PR_SET_NAME).
static void set_comm_hex(const char *hex)
{
	char name[16] = { 0 };
	size_t n = 0;

	for (; hex[0] && hex[1] && n < sizeof name - 1; hex += 2) {
		unsigned v;

		if (sscanf(hex, "%2x", &v) != 1)
			break;
		name[n++] = (char)v;
	}
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	size_t total, grow;
	int argi = 1;

	if (argc > 2 && strcmp(argv[1], "--comm") == 0) {
		set_comm_hex(argv[2]);
		argi = 3;
	}
	if (argc - argi < 1) {
		fprintf(stderr, "usage: hold [--comm HEX] ANON_MIB [GROW_MIB]\n");
		return 2;
	}
	total = strtoul(argv[argi], NULL, 10);
	grow = argc - argi > 1 ? strtoul(argv[argi + 1], NULL, 10) : 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	// SIGUSR1 stays blocked except inside ppoll, so a request that arrives
	// between the check and the wait is not lost.
	sigset_t block, during_wait;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &during_wait);
	sigdelset(&during_wait, SIGUSR1);
	touch_anon(total);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		char buf[64];

		while (grow_requests > 0) {
			grow_requests--;
			touch_anon(grow);
			total += grow;
			printf("grown %zu\n", total);
			fflush(stdout);
		}
		if (ppoll(&pfd, 1, NULL, &during_wait) > 0 && read(0, buf, sizeof buf) <= 0)
			return 0;
	}
}
