/* psi.h — pure parser for pressure stall information (/proc/pressure/memory).
 *
 * Contract: psi_parse reads a text buffer (not NUL-terminated necessarily) and
 * fills a struct psi. It returns 0 when at least the "some" line parsed, or
 * -EINVAL for text that is not PSI. A missing "full" line (the cpu file on old
 * kernels has none) leaves full.valid false.
 */
#ifndef MEMTOP_PSI_H
#define MEMTOP_PSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct psi_line {
	bool valid;
	double avg10, avg60, avg300;   // percent of wall time stalled
	uint64_t total_us;             // cumulative stall time, microseconds
};

struct psi {
	struct psi_line some, full;
};

int psi_parse(const char *buf, size_t len, struct psi *out);

/* How bad a pressure line is, from its avg10: "some" warns at 10 % (nohang's
 * warning level) and is critical at 40 % (its SIGTERM level); "full" warns at
 * 5 % and is critical at 10 %. */
enum psi_level { PSI_OK, PSI_WARN, PSI_CRIT };
enum psi_level psi_level_some(const struct psi_line *l);
enum psi_level psi_level_full(const struct psi_line *l);

#endif
