/* strset.h — the distinct strings of a list, sorted: the cgroups that a
 * snapshot's processes are in (thousands of processes, a few hundred
 * cgroups whose paths share long prefixes). Duplicates go first, by hash;
 * only the distinct strings are then sorted by strcmp.
 *
 * Contract: pure. strset_distinct reads v[0..n) and writes the distinct
 * ones, sorted, to out (room for n; it may be v itself); scratch has room
 * for n keys. Returns how many it wrote. No allocation.
 */
#ifndef MEMTOP_STRSET_H
#define MEMTOP_STRSET_H

#include <stddef.h>
#include <stdint.h>

struct strset_key {
	uint64_t hash;
	const char *s;
};

size_t strset_distinct(const char *const *v, size_t n, struct strset_key *scratch, const char **out);

#endif
