/* scan.h — bounded number scanning over text that need not be NUL-terminated.
 *
 * Contract: each function reads only within [p, end). The number scanners
 * return the position after the number, or NULL when there is no number or it
 * overflows; they accept no sign unless stated.
 */
#ifndef MEMTOP_SCAN_H
#define MEMTOP_SCAN_H

#include <stdint.h>

const char *scan_skip_spaces(const char *p, const char *end);
const char *scan_u64(const char *p, const char *end, uint64_t *out);
const char *scan_hex_u64(const char *p, const char *end, uint64_t *out);
/* A non-negative decimal with an optional fraction ("12", "0.25"). */
const char *scan_double(const char *p, const char *end, double *out);

#endif
