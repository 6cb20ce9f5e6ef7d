/* cgname.h — what a memory cgroup's path names, as a short label for the
 * cgroup view and batch output: a systemd unit, slice or scope
 * ("nginx.service", "user-1000.slice"), a container whose runtime the path
 * encodes (docker, containerd, podman/libpod, cri-o, and their conmon
 * monitors: "docker 3f2a9c1b7e2d", "conmon 3f2a9c1b7e2d", the id cut to 12
 * hex digits), a Kubernetes pod by the first 8 characters of its uid
 * ("pod 1a2b3c4d burstable" for the pod's own cgroup, with its QoS class;
 * "pod 1a2b3c4d 3f2a9c1b7e2d" for one of its containers), or the last
 * component of any other path. The innermost container or pod decides; a
 * cgroup below it adds its last component ("docker 3f2a9c1b7e2d
 * nginx.service"). "/" is "(root)"; "" is "(unknown)". Ids that are not
 * hex, or shorter than 12 digits, are not recognised.
 *
 * Contract: pure. path is sanitised text (text.h), NUL-terminated; out gets
 * at most cap bytes, always terminated (cap >= 1), cut at a character
 * boundary and never inside an escape ("\\", "\xNN", "\uNNNN"), and holds
 * only bytes of path and the fixed words above. A cut label is a prefix of
 * the whole one. Returns strlen(out).
 */
#ifndef MEMTOP_CGNAME_H
#define MEMTOP_CGNAME_H

#include <stddef.h>

size_t cgname_describe(const char *path, char *out, size_t cap);

#endif
