/* cgname.h — what a memory cgroup's path names, as a short label for the
 * cgroup view and batch output: a systemd unit, slice or scope
 * ("nginx.service", "user-1000.slice"), a container whose runtime the path
 * encodes (docker, containerd, podman/libpod, cri-o: "docker 3f2a9c1b7e2d",
 * the id cut to 12 hex digits), a Kubernetes pod ("pod 1a2b3c4d-…" with its
 * QoS class and the container's short id), or the last component of any
 * other path. "/" is "(root)"; "" is "(unknown)".
 *
 * Contract: pure. path is sanitised text (text.h); out gets at most cap
 * bytes, always terminated (cap >= 1), cut at a character boundary, and
 * holds only bytes of path and the fixed words above. Returns strlen(out).
 */
#ifndef MEMTOP_CGNAME_H
#define MEMTOP_CGNAME_H

#include <stddef.h>

size_t cgname_describe(const char *path, char *out, size_t cap);

#endif
