/* cgname.c — a short label for a memory cgroup's path (cgname.h).
 *
 * The path is read from its innermost component outwards: the first
 * component that names a container or a Kubernetes pod decides the label,
 * and anything below it (a container's own units, crun's "container" leaf)
 * is added as the last component. A path that names neither is labelled by
 * its last component, which for systemd is the unit, slice or scope.
 *
 * The shapes recognised, for both cgroup v1 and v2 (the strings are alike):
 *   docker      /system.slice/docker-ID.scope        (systemd driver)
 *               /docker/ID                            (cgroupfs driver)
 *   containerd  /…/cri-containerd-ID.scope, /…/nerdctl-ID.scope
 *               /system.slice/containerd.service/NS/ID (no systemd cgroups)
 *   podman      /machine.slice/libpod-ID.scope[/container], /libpod_parent/libpod-ID
 *   cri-o       /…/crio-ID.scope, crio-ID (cgroupfs)
 *   conmon      crio-conmon-ID.scope, libpod-conmon-ID.scope
 *   pods        /kubepods.slice/kubepods-QOS.slice/kubepods-QOS-podUID.slice[/RUNTIME-ID.scope]
 *               /kubepods.slice/kubepods-podUID.slice (Guaranteed: no QOS level)
 *               /kubepods/QOS/podUID[/ID], /kubepods/podUID[/ID] (cgroupfs driver)
 *               /system.slice/containerd.service/kubepods-QOS-podUID.slice:cri-containerd:ID
 * ID is a hex container id (64 digits; at least 12 accepted), UID a pod's
 * uid whose first 8 characters are hex ('-' written '_' in slice names).
 */
#include "util/cgname.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#define CGNAME_ID_SHOWN  12   // hex digits of a container id in a label, as docker ps shows
#define CGNAME_UID_SHOWN 8    // characters of a pod uid: its first group of hex digits

/* A byte range of the path: one component, or part of one. */
struct span {
	const char *s;
	size_t n;
};

/* What the innermost recognised component names. */
struct cg_found {
	const char *word;      // the runtime ("docker"), or NULL
	bool word_in_pod;      // keep word inside a pod (conmon shares its container's id)
	struct span id;        // container id, n == 0 when none
	struct span uid;       // pod uid, n == 0 when none
	const char *qos;       // the pod's QoS class when the pod itself is named
};

/* Container unit prefixes ("PREFIX-ID[.scope]") and what the label calls them.
 * The conmon entries come before their runtime's: the first match wins. */
static const struct {
	const char *prefix;
	const char *word;
	bool word_in_pod;
} cg_runtimes[] = {
	{ "docker", "docker", false },
	{ "cri-containerd", "containerd", false },
	{ "nerdctl", "containerd", false },
	{ "crio-conmon", "conmon", true },
	{ "crio", "crio", false },
	{ "libpod-conmon", "conmon", true },
	{ "libpod-payload", "podman", false },
	{ "libpod", "podman", false },
};

static const char *const cg_qos_classes[] = { "burstable", "besteffort" };

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool span_is(struct span a, const char *word)
{
	return a.n == strlen(word) && memcmp(a.s, word, a.n) == 0;
}

/* Whether a starts with word; if so, drops it from a. */
static bool span_eat(struct span *a, const char *word)
{
	size_t n = strlen(word);

	if (a->n < n || memcmp(a->s, word, n) != 0)
		return false;
	a->s += n;
	a->n -= n;
	return true;
}

/* Whether a ends with word; if so, drops it from a. */
static bool span_eat_end(struct span *a, const char *word)
{
	size_t n = strlen(word);

	if (a->n < n || memcmp(a->s + a->n - n, word, n) != 0)
		return false;
	a->n -= n;
	return true;
}

/* The component before c in path (empty slashes skipped); n == 0 at the top. */
static struct span span_parent(const char *path, struct span c)
{
	const char *end = c.s, *start;

	while (end > path && end[-1] == '/')
		end--;
	start = end;
	while (start > path && start[-1] != '/')
		start--;
	return (struct span){ start, (size_t)(end - start) };
}

/* The last non-empty component of path (n == 0 when it has none). */
static struct span span_last(const char *path)
{
	return span_parent(path, (struct span){ path + strlen(path), 0 });
}

/* A container id: hex only, and long enough to show CGNAME_ID_SHOWN digits. */
static bool is_container_id(struct span id)
{
	if (id.n < CGNAME_ID_SHOWN)
		return false;
	for (size_t i = 0; i < id.n; i++)
		if (!is_hex(id.s[i]))
			return false;
	return true;
}

/* A pod uid: its first CGNAME_UID_SHOWN characters hex, the rest hex or
 * separators (a UUID, '-' written '_' in systemd names; static pods have a
 * bare hex hash). */
static bool is_pod_uid(struct span uid)
{
	if (uid.n < CGNAME_UID_SHOWN)
		return false;
	for (size_t i = 0; i < uid.n; i++)
		if (!is_hex(uid.s[i]) && (i < CGNAME_UID_SHOWN || (uid.s[i] != '-' && uid.s[i] != '_')))
			return false;
	return true;
}

/* The QoS class named by a (a fixed word), or NULL. */
static const char *qos_class(struct span a)
{
	for (size_t i = 0; i < sizeof cg_qos_classes / sizeof cg_qos_classes[0]; i++)
		if (span_is(a, cg_qos_classes[i]))
			return cg_qos_classes[i];
	return NULL;
}

/* A systemd pod slice, "kubepods[-QOS]-podUID.slice". */
static bool parse_pod_slice(struct span c, struct cg_found *f)
{
	const char *qos = "guaranteed";   // Guaranteed pods sit right under kubepods.slice

	if (!span_eat(&c, "kubepods-") || !span_eat_end(&c, ".slice"))
		return false;
	for (size_t i = 0; i < sizeof cg_qos_classes / sizeof cg_qos_classes[0]; i++) {
		struct span rest = c;

		if (span_eat(&rest, cg_qos_classes[i]) && span_eat(&rest, "-")) {
			qos = cg_qos_classes[i];
			c = rest;
			break;
		}
	}
	if (!span_eat(&c, "pod") || !is_pod_uid(c))
		return false;
	f->uid = c;
	f->qos = qos;
	return true;
}

/* A cgroupfs pod directory, "podUID" under kubepods or kubepods/QOS. */
static bool parse_pod_dir(const char *path, struct span c, struct cg_found *f)
{
	struct span parent = span_parent(path, c);
	const char *qos = "guaranteed";

	if (!span_eat(&c, "pod") || !is_pod_uid(c))
		return false;
	if (!span_is(parent, "kubepods")) {
		qos = qos_class(parent);
		if (!qos || !span_is(span_parent(path, parent), "kubepods"))
			return false;
	}
	f->uid = c;
	f->qos = qos;
	return true;
}

static bool parse_pod(const char *path, struct span c, struct cg_found *f)
{
	return parse_pod_slice(c, f) || parse_pod_dir(path, c, f);
}

/* The runtime table's entry for prefix, or -1. */
static int runtime_index(struct span prefix)
{
	for (size_t i = 0; i < sizeof cg_runtimes / sizeof cg_runtimes[0]; i++)
		if (span_is(prefix, cg_runtimes[i].prefix))
			return (int)i;
	return -1;
}

/* Records a container of the runtime table's entry i. */
static void set_runtime(struct cg_found *f, int i, struct span id)
{
	f->word = cg_runtimes[i].word;
	f->word_in_pod = cg_runtimes[i].word_in_pod;
	f->id = id;
}

static void set_runtime_named(struct cg_found *f, const char *prefix, struct span id)
{
	set_runtime(f, runtime_index((struct span){ prefix, strlen(prefix) }), id);
}

/* A container unit or directory, "PREFIX-ID" with an optional ".scope". */
static bool parse_container_unit(struct span c, struct cg_found *f)
{
	span_eat_end(&c, ".scope");
	for (size_t i = 0; i < sizeof cg_runtimes / sizeof cg_runtimes[0]; i++) {
		struct span id = c;

		if (span_eat(&id, cg_runtimes[i].prefix) && span_eat(&id, "-") && is_container_id(id)) {
			set_runtime(f, (int)i, id);
			return true;
		}
	}
	return false;
}

/* runc's "SLICE:PREFIX:ID", which becomes a directory of that name when
 * containerd is told to use systemd names without systemd cgroups. */
static bool parse_colon_form(struct span c, struct cg_found *f)
{
	const char *end = c.s + c.n;
	const char *colon1 = memchr(c.s, ':', c.n);
	const char *colon2 = colon1 ? memchr(colon1 + 1, ':', (size_t)(end - colon1 - 1)) : NULL;
	struct span slice, prefix, id;
	int i;

	if (!colon2)
		return false;
	slice = (struct span){ c.s, (size_t)(colon1 - c.s) };
	prefix = (struct span){ colon1 + 1, (size_t)(colon2 - colon1 - 1) };
	id = (struct span){ colon2 + 1, (size_t)(end - colon2 - 1) };
	i = runtime_index(prefix);
	if (i < 0 || !is_container_id(id))
		return false;
	set_runtime(f, i, id);
	parse_pod_slice(slice, f);   // the container's pod, when the slice is one
	return true;
}

/* A bare container id as a directory: under docker (cgroupfs driver), under
 * a pod directory, or in a namespace under containerd.service. */
static bool parse_bare_id(const char *path, struct span c, struct cg_found *f)
{
	struct span parent = span_parent(path, c);

	if (!is_container_id(c))
		return false;
	if (span_is(parent, "docker"))
		set_runtime_named(f, "docker", c);
	else if (span_is(parent, "containerd.service") ||
		 span_is(span_parent(path, parent), "containerd.service"))
		set_runtime_named(f, "cri-containerd", c);
	else if (parse_pod_dir(path, parent, f))
		f->id = c;
	else
		return false;
	return true;
}

/* Whether c names a container or a pod; fills f. A container's pod, when it
 * has one, is its parent. */
static bool recognise(const char *path, struct span c, struct cg_found *f)
{
	*f = (struct cg_found){ 0 };
	if (parse_colon_form(c, f) || parse_bare_id(path, c, f))
		return true;
	if (parse_container_unit(c, f)) {
		struct cg_found pod = { 0 };

		if (parse_pod(path, span_parent(path, c), &pod))
			f->uid = pod.uid;
		return true;
	}
	return parse_pod(path, c, f);
}

/* The label being written: it stops for good at the first piece that does
 * not fit whole, so that what it holds is always a prefix of the full label. */
struct label {
	char *out;
	size_t cap, len;
	bool full;
};

/* The length of the character or sanitiser escape that starts at s (at
 * most n): "\\", "\e", "\xNN", "\uNNNN", or one UTF-8 sequence. */
static size_t unit_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = 1;

	if (c == '\\' && n > 1)
		len = s[1] == 'x' ? 4 : s[1] == 'u' ? 6 : 2;
	else if (c >= 0xf0)
		len = 4;
	else if (c >= 0xe0)
		len = 3;
	else if (c >= 0xc0)
		len = 2;
	return len < n ? len : n;
}

/* Appends n bytes of s, or the longest run of whole characters and escapes
 * of it that fits (the label is then full). */
static void label_put(struct label *l, const char *s, size_t n)
{
	size_t used = 0;

	while (!l->full && used < n) {
		size_t u = unit_len(s + used, n - used);

		if (l->len + u >= l->cap) {
			l->full = true;
			break;
		}
		memcpy(l->out + l->len, s + used, u);
		l->len += u;
		used += u;
	}
	l->out[l->len] = '\0';
}

static void label_word(struct label *l, const char *word)
{
	label_put(l, word, strlen(word));
}

static void label_span(struct label *l, struct span a, size_t max)
{
	label_put(l, a.s, a.n < max ? a.n : max);
}

/* Writes the label of a recognised component. */
static void label_found(struct label *l, const struct cg_found *f)
{
	if (f->uid.n > 0) {
		label_word(l, "pod ");
		label_span(l, f->uid, CGNAME_UID_SHOWN);
		label_word(l, " ");
		if (f->id.n == 0) {
			label_word(l, f->qos);
			return;
		}
		if (!f->word_in_pod) {
			label_span(l, f->id, CGNAME_ID_SHOWN);
			return;
		}
	}
	assert(f->word != NULL);   // a container outside a pod came from the runtime table
	label_word(l, f->word);
	label_word(l, " ");
	label_span(l, f->id, CGNAME_ID_SHOWN);
}

size_t cgname_describe(const char *path, char *out, size_t cap)
{
	struct label l = { out, cap, 0, false };
	struct span last;
	struct cg_found f;

	assert(path != NULL && out != NULL);
	if (cap == 0)
		return 0;
	out[0] = '\0';
	last = span_last(path);
	if (path[0] == '\0') {
		label_word(&l, "(unknown)");
		return l.len;
	}
	if (last.n == 0) {   // nothing but slashes
		label_word(&l, "(root)");
		return l.len;
	}
	for (struct span c = last; c.n > 0; c = span_parent(path, c)) {
		if (!recognise(path, c, &f))
			continue;
		label_found(&l, &f);
		if (c.s != last.s) {   // a container's own sub-cgroup: say which
			label_word(&l, " ");
			label_span(&l, last, last.n);
		}
		return l.len;
	}
	label_span(&l, last, last.n);
	return l.len;
}
