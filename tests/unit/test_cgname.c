/* test_cgname.c — cgname_describe: the labels of real cgroup path shapes
 * (systemd units, docker, containerd, podman, cri-o and Kubernetes pods
 * under both cgroup drivers), cutting a label at every capacity, hostile
 * paths, and /proc/PID/cgroup fixtures taken through the sampler's steps. */
#include "fixture.h"

#include "proc/procparse.h"
#include "util/cgname.h"
#include "util/text.h"

// A container id (64 hex digits) and a pod uid, as the runtimes write them.
#define ID    "3f2a9c1b7e2d4a5b8c6d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
#define ID2   "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"
#define UID_S "1a2b3c4d_5e6f_4a7b_8c9d_0e1f2a3b4c5d"   // in systemd slice names
#define UID_D "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"   // in cgroupfs directories
#define SHORT "3f2a9c1b7e2d"

// Describes path into a heap buffer of exactly cap bytes (so ASan sees any
// write past it); checks the return value against the output's length.
static char *describe(const char *path, size_t cap)
{
	char *src = test_bytes(path, strlen(path) + 1);
	char *out = malloc(cap);
	size_t n;

	assert_non_null(out);
	n = cgname_describe(src, out, cap);
	assert_int_equal(n, strlen(out));
	assert_true(n < cap);
	free(src);
	return out;
}

static void check(const char *path, const char *want)
{
	char *out = describe(path, 256);

	if (strcmp(out, want) != 0)
		fail_msg("path \"%s\": got \"%s\", want \"%s\"", path, out, want);
	free(out);
}

static const struct {
	const char *path, *label;
} shapes[] = {
	// systemd units, slices and scopes: the last component
	{ "/system.slice/nginx.service", "nginx.service" },
	{ "/user.slice/user-1000.slice", "user-1000.slice" },
	{ "/user.slice/user-1000.slice/session-3.scope", "session-3.scope" },
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/"
	  "vte-spawn-5a1c.scope", "vte-spawn-5a1c.scope" },
	{ "/user.slice/user-1000.slice/user@1000.service/init.scope", "init.scope" },
	{ "/init.scope", "init.scope" },
	{ "/system.slice/docker.service", "docker.service" },          // the daemon, not a container
	{ "/system.slice/containerd.service", "containerd.service" },
	{ "/system.slice/system-getty.slice/getty@tty1.service", "getty@tty1.service" },
	{ "/system.slice/system-systemd\\\\x2dfsck.slice", "system-systemd\\\\x2dfsck.slice" },
	{ "/process_api/33193eab4a3bd106abb738057295318a", "33193eab4a3bd106abb738057295318a" },
	// docker: systemd driver, cgroupfs driver, docker in docker, a unit inside
	{ "/system.slice/docker-" ID ".scope", "docker " SHORT },
	{ "/docker/" ID, "docker " SHORT },
	{ "/docker/" ID2 "/docker/" ID, "docker " SHORT },
	{ "/system.slice/docker-" ID ".scope/system.slice/nginx.service", "docker " SHORT " nginx.service" },
	{ "/docker/" ID "/init.scope", "docker " SHORT " init.scope" },
	// containerd: CRI outside a pod, nerdctl, a namespace under the daemon
	{ "/system.slice/cri-containerd-" ID ".scope", "containerd " SHORT },
	{ "/system.slice/nerdctl-" ID ".scope", "containerd " SHORT },
	{ "/system.slice/containerd.service/k8s.io/" ID, "containerd " SHORT },
	{ "/system.slice/containerd.service/" ID, "containerd " SHORT },
	// podman: systemd (crun's "container" leaf), rootless, cgroupfs, conmon, split
	{ "/machine.slice/libpod-" ID ".scope", "podman " SHORT },
	{ "/machine.slice/libpod-" ID ".scope/container", "podman " SHORT " container" },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope",
	  "podman " SHORT },
	{ "/libpod_parent/libpod-" ID, "podman " SHORT },
	{ "/machine.slice/libpod-conmon-" ID ".scope", "conmon " SHORT },
	{ "/system.slice/container-web.service/libpod-payload-" ID, "podman " SHORT },
	{ "/machine.slice/machine-libpod_pod_" ID2 ".slice/libpod-" ID ".scope", "podman " SHORT },
	// cri-o outside a pod
	{ "/system.slice/crio-" ID ".scope", "crio " SHORT },
	{ "/system.slice/crio-conmon-" ID ".scope", "conmon " SHORT },
	// Kubernetes, systemd driver: the pods, then their containers
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_S ".slice",
	  "pod 1a2b3c4d burstable" },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_S ".slice",
	  "pod 1a2b3c4d besteffort" },
	{ "/kubepods.slice/kubepods-pod" UID_S ".slice", "pod 1a2b3c4d guaranteed" },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8daa50c3a64c9ff60bb9eab7b44b56fd.slice",
	  "pod 8daa50c3 burstable" },                                   // a static pod: a hash for uid
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_S ".slice/"
	  "cri-containerd-" ID ".scope", "pod 1a2b3c4d " SHORT },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_S ".slice/"
	  "crio-" ID ".scope", "pod 1a2b3c4d " SHORT },
	{ "/kubepods.slice/kubepods-pod" UID_S ".slice/docker-" ID ".scope", "pod 1a2b3c4d " SHORT },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_S ".slice/"
	  "crio-conmon-" ID ".scope", "pod 1a2b3c4d conmon " SHORT },
	// Kubernetes, cgroupfs driver
	{ "/kubepods/burstable/pod" UID_D, "pod 1a2b3c4d burstable" },
	{ "/kubepods/besteffort/pod" UID_D, "pod 1a2b3c4d besteffort" },
	{ "/kubepods/pod" UID_D, "pod 1a2b3c4d guaranteed" },
	{ "/kubepods/burstable/pod" UID_D "/" ID, "pod 1a2b3c4d " SHORT },
	{ "/kubepods/pod" UID_D "/" ID, "pod 1a2b3c4d " SHORT },
	{ "/kubepods/besteffort/pod" UID_D "/crio-" ID, "pod 1a2b3c4d " SHORT },
	// containerd with systemd names but not systemd cgroups: runc's colon form
	{ "/system.slice/containerd.service/kubepods-burstable-pod" UID_S ".slice:cri-containerd:" ID,
	  "pod 1a2b3c4d " SHORT },
	{ "/system.slice/containerd.service/kubepods-pod" UID_S ".slice:cri-containerd:" ID,
	  "pod 1a2b3c4d " SHORT },
	{ "/system.slice/containerd.service/system.slice:cri-containerd:" ID, "containerd " SHORT },
	// nodes in containers (kind, minikube): the innermost decides
	{ "/docker/" ID2 "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_S
	  ".slice/crio-" ID ".scope", "pod 1a2b3c4d " SHORT },
	{ "/docker/" ID2 "/kubepods/burstable/pod" UID_D, "pod 1a2b3c4d burstable" },
	{ "/docker/" ID2 "/kubepods.slice", "docker 9e8d7c6b5a4f kubepods.slice" },
	// the root and nothing
	{ "/", "(root)" },
	{ "", "(unknown)" },
};

static void test_real_shapes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		check(shapes[i].path, shapes[i].label);
}

// Ids and uids that are not what they seem fall back to the last component.
static void test_not_quite_ids_fall_back(void **state)
{
	(void)state;
	check("/system.slice/docker-3f2a9c1b7e2.scope", "docker-3f2a9c1b7e2.scope");   // 11 digits
	check("/system.slice/docker-" SHORT ".scope", "docker " SHORT);                   // 12: enough
	check("/system.slice/docker-3f2a9c1b7e2g.scope", "docker-3f2a9c1b7e2g.scope");   // not hex
	check("/system.slice/docker-.scope", "docker-.scope");
	check("/system.slice/docker-" ID ".scope.scope", "docker-" ID ".scope.scope");
	check("/system.slice/docker" ID ".scope", "docker" ID ".scope");                  // no dash
	check("/system.slice/podman-" ID ".scope", "podman-" ID ".scope");                // not a prefix
	check("/system.slice/docker-\\\\x41" ID ".scope", "docker-\\\\x41" ID ".scope");  // an escape
	check("/docker/short", "short");
	check("/docker/" ID "x", ID "x");
	check("/dockers/" ID, ID);                         // a bare id needs a known parent
	check("/default/" ID, ID);
	check("/kubepods/burstable/pod1a2b3c4", "pod1a2b3c4");           // uid too short
	check("/kubepods/burstable/podxa2b3c4d-5e6f", "podxa2b3c4d-5e6f");
	check("/kubepods/burstable/pod1a2b3c4d-5e6f-4a7b!", "pod1a2b3c4d-5e6f-4a7b!");
	check("/kubepods/gold/pod" UID_D, "pod" UID_D);                 // no such QoS class
	check("/pods/burstable/pod" UID_D, "pod" UID_D);                // not under kubepods
	check("/burstable/pod" UID_D, "pod" UID_D);
	check("/kubepods.slice/kubepods-gold-pod" UID_S ".slice", "kubepods-gold-pod" UID_S ".slice");
	check("/kubepods.slice/kubepods-burstable-pod" UID_S, "kubepods-burstable-pod" UID_S);
	check("/kubepods.slice/kubepods-burstable.slice", "kubepods-burstable.slice");
	check("/kubepods.slice", "kubepods.slice");
	check("/x/pod" UID_D "/" ID, ID);                                  // a pod name elsewhere
	check("/a/b.slice:cri-containerd:" SHORT "z", "b.slice:cri-containerd:" SHORT "z");
	check("/a/b.slice:runsc:" ID, "b.slice:runsc:" ID);
	check("/a/b.slice:cri-containerd", "b.slice:cri-containerd");
	check("/a/::" ID, "::" ID);
}

static void test_hostile_slashes(void **state)
{
	(void)state;
	check("//", "(root)");
	check("///////", "(root)");
	check("/system.slice/nginx.service/", "nginx.service");
	check("/system.slice/nginx.service//", "nginx.service");
	check("//system.slice//nginx.service", "nginx.service");
	check("nginx.service", "nginx.service");                            // no leading slash
	check("/docker//" ID "/", "docker " SHORT);
	check("//kubepods//burstable//pod" UID_D "//" ID "//", "pod 1a2b3c4d " SHORT);
	check("/.", ".");
	check("/..", "..");
	check("/ ", " ");
}

// A 4096-byte component: whole with room, cut to the capacity without it.
static void test_very_long_component(void **state)
{
	size_t n = 4096;
	char *path = malloc(9 + n + sizeof ".service"), *out;

	(void)state;
	assert_non_null(path);
	strcpy(path, "/a.slice/");
	memset(path + 9, 'x', n);
	strcpy(path + 9 + n, ".service");
	out = describe(path, n + 64);
	assert_string_equal(out, path + 9);
	free(out);
	out = describe(path, 96);
	assert_int_equal(strlen(out), 95);
	assert_memory_equal(out, path + 9, 95);
	free(out);
	free(path);
}

// 50 levels, with a container half way down and only slashes at the top.
static void test_deep_path(void **state)
{
	char path[1024] = "//////";
	char *out;

	(void)state;
	for (int level = 0; level < 50; level++)
		strcat(path, level == 25 ? "/docker-" ID ".scope" : "/a.slice");
	strcat(path, "/leaf.service");
	out = describe(path, 256);
	assert_string_equal(out, "docker " SHORT " leaf.service");
	free(out);
	path[0] = '\0';
	for (int level = 0; level < 50; level++)
		strcat(path, level == 49 ? "/s" : "/");   // 49 empty components, then one

	out = describe(path, 256);
	assert_string_equal(out, "s");
	free(out);
}

// Checks every capacity from 1 to 40 against a label given as its whole
// characters and escapes: the output must be the longest run of them that
// fits in cap - 1 bytes.
static void check_cuts(const char *path, const char *const *units, size_t nunits)
{
	for (size_t cap = 1; cap <= 40; cap++) {
		char want[64] = "";
		char *out = describe(path, cap);

		for (size_t i = 0; i < nunits && strlen(want) + strlen(units[i]) < cap; i++)
			strcat(want, units[i]);
		if (strcmp(out, want) != 0)
			fail_msg("cap %zu: got \"%s\", want \"%s\"", cap, out, want);
		free(out);
	}
}

static void test_cuts_keep_utf8_characters_whole(void **state)
{
	static const char *const units[] = {
		"c", "a", "f", "\xc3\xa9", "-", "\xe2\x98\x83", "-", "\xe6\x97\xa5", "\xe6\x9c\xac",
		"-", "\xf0\x9f\x90\xb3", ".", "s", "e", "r", "v", "i", "c", "e",
	};

	(void)state;
	check_cuts("/system.slice/caf\xc3\xa9-\xe2\x98\x83-\xe6\x97\xa5\xe6\x9c\xac-\xf0\x9f\x90\xb3.service",
		   units, sizeof units / sizeof units[0]);
}

static void test_cuts_keep_escapes_whole(void **state)
{
	// As the sanitiser writes them: "\xFF" (an invalid byte), "\\" (a
	// backslash, here systemd's own "\x2d"), "\u202E", "\e".
	static const char *const units[] = {
		"b", "\\xFF", "d", "\\x01", "\\\\", "x", "2", "d", "\\u202E", "\\e", "\\n",
		".", "s", "c", "o", "p", "e",
	};

	(void)state;
	check_cuts("/user.slice/b\\xFFd\\x01\\\\x2d\\u202E\\e\\n.scope", units,
		   sizeof units / sizeof units[0]);
}

// Fixed words and path bytes cut alike: a composed label is cut as one.
static void test_cuts_of_a_composed_label(void **state)
{
	static const char *const units[] = {
		"d", "o", "c", "k", "e", "r", " ", "3", "f", "2", "a", "9", "c", "1", "b", "7", "e", "2",
		"d", " ", "\xc3\xa9", "\\x7F", "\xe2\x98\x83", ".", "s", "e", "r", "v", "i", "c", "e",
	};

	(void)state;
	check_cuts("/docker/" ID "/system.slice/\xc3\xa9\\x7F\xe2\x98\x83.service", units,
		   sizeof units / sizeof units[0]);
	check_cuts("/kubepods/pod" UID_D, (const char *const[]){ "p", "o", "d", " ", "1", "a", "2",
		   "b", "3", "c", "4", "d", " ", "g", "u", "a", "r", "a", "n", "t", "e", "e", "d" }, 23);
}

static void test_cap_one_and_zero(void **state)
{
	static const char *const paths[] = { "", "/", "/system.slice/nginx.service",
					     "/docker/" ID, "/kubepods/pod" UID_D, "/\xc3\xa9" };
	char out[2] = { 'Z', 'Z' };

	(void)state;
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		char *one = describe(paths[i], 1);

		assert_string_equal(one, "");
		free(one);
		assert_int_equal(cgname_describe(paths[i], out, 0), 0);
		assert_int_equal(out[0], 'Z');   // cap 0: nothing written
	}
}

// /proc/PID/cgroup text as the sampler takes it: the memory path picked,
// sanitised, then described.
static void check_fixture(const char *rel, const char *want)
{
	size_t len;
	char *buf = fixture_read(rel, &len);
	char raw[512], clean[512], label[96];

	assert_int_equal(procparse_cgroup(buf, len, raw, sizeof raw), 0);
	text_sanitize(raw, strlen(raw), clean, sizeof clean);
	assert_int_equal(cgname_describe(clean, label, sizeof label), strlen(want));
	assert_string_equal(label, want);
	free(buf);
}

static void test_fixtures(void **state)
{
	(void)state;
	check_fixture("cgroup/docker_systemd_v1.txt", "docker " SHORT);
	check_fixture("cgroup/docker_cgroupfs_v1.txt", "docker " SHORT);
	check_fixture("cgroup/kubepods_systemd_v2.txt", "pod 1a2b3c4d " SHORT);
	check_fixture("cgroup/kubepods_cgroupfs_v1.txt", "pod 1a2b3c4d " SHORT);
	check_fixture("cgroup/podman_crun_v2.txt", "podman " SHORT " container");
	check_fixture("cgroup/v2_only.txt", "vte-spawn-5a1c.scope");
	check_fixture("cgroup/hybrid_real.txt", "33193eab4a3bd106abb738057295318a");
	// systemd's own escape arrives with its backslash doubled by the sanitiser
	check_fixture("cgroup/systemd_escaped_v2.txt", "systemd-fsck@dev-disk-by\\\\x2duuid-0a1b.service");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_shapes),
		cmocka_unit_test(test_not_quite_ids_fall_back),
		cmocka_unit_test(test_hostile_slashes),
		cmocka_unit_test(test_very_long_component),
		cmocka_unit_test(test_deep_path),
		cmocka_unit_test(test_cuts_keep_utf8_characters_whole),
		cmocka_unit_test(test_cuts_keep_escapes_whole),
		cmocka_unit_test(test_cuts_of_a_composed_label),
		cmocka_unit_test(test_cap_one_and_zero),
		cmocka_unit_test(test_fixtures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
