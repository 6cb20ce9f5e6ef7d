# memtop — build, run, test and install.
#
#   make run      install missing build packages (as root; otherwise print the
#                 apt-get line), build, start memtop
#   make check    the same with the test packages, then every test
#   make          build ./memtop (expects the packages to be there)
#   make install  PREFIX=/usr/local DESTDIR= (the binary, man pages, themes,
#                 bash and zsh completions and the systemd unit of the
#                 recorder, not enabled; make uninstall removes them)

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/memtop
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system

CC         ?= gcc
CFLAGS     ?= -O2 -g
WARNINGS   := -std=gnu11 -Wall -Wextra -Wshadow -Wformat=2
WERROR     ?=
PKGS       := ncursesw libproc2 sqlite3
# Allocation sites (issue 22, docs/alloc-sites.md) use eBPF: libbpf, and clang
# and bpftool at build time. make NO_BPF=1 builds without them (the probes then
# say they are not built in). Switching between the two: make clean first.
NO_BPF     ?=
ifeq ($(NO_BPF),)
PKGS       += libbpf libelf
else
# The suites then know the probes are not built in (tests/common/suite.py).
export MEMTOP_SKIP_BPF := 1
endif
PKG_CFLAGS  = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# -pthread: the metrics endpoint's server runs in a thread (src/export/httpd.h).
PKG_LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
# -fno-math-errno: sqrt is one instruction, not a libm call (src/util/mathutil.h).
DEFS       := -Isrc -pthread -fno-math-errno -D_GNU_SOURCE -DMEMTOP_VERSION='"$(VERSION)"' -DMEMTOP_DATADIR='"$(DATADIR)"'
SAN_FLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# src/ is laid out by layer (docs/architecture.md): proc, model, store, export,
# output, conf, ui, util, and main.c on top. Includes name the layer: "proc/sampler.h".
SRCS       := $(wildcard src/*.c src/*/*.c)
LIB_SRCS   := $(filter-out src/main.c,$(SRCS))
# The default and mono themes, compiled in as memtop's fallback.
BUILTIN    := build/generated/builtin_themes.c
OBJS       := $(SRCS:src/%.c=build/%.o) build/builtin_themes.o
SAN_OBJS   := $(SRCS:src/%.c=build/asan/%.o) build/asan/builtin_themes.o
SAN_LIB    := $(LIB_SRCS:src/%.c=build/asan/%.o) build/asan/builtin_themes.o
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)
WORKLOADS  := $(patsubst tests/workloads/%.c,build/workloads/%,$(wildcard tests/workloads/*.c)) \
              build/workloads/allocleak-stripped build/workloads/allocleak-static \
              build/workloads/allocleak-static-stripped build/workloads/allocleak-ownmalloc

# What each set-up step needs: kind:name:debian-package, where kind is "cmd"
# (a command on PATH), "pc" (a pkg-config module), "py" (a python3 module) or
# "file" (a path that must exist).
BUILD_NEEDS := cmd:cc:gcc cmd:pkg-config:pkg-config pc:ncursesw:libncurses-dev pc:libproc2:libproc2-dev \
               pc:sqlite3:libsqlite3-dev
# The BPF side: libbpf-dev brings libelf-dev and zlib1g-dev (its pkg-config
# file's private libraries); clang compiles the BPF program, bpftool makes
# vmlinux.h and the skeleton.
ifeq ($(NO_BPF),)
BUILD_NEEDS += pc:libbpf:libbpf-dev pc:libelf:libelf-dev cmd:bpftool:bpftool cmd:clang:clang
endif
# clang and its libFuzzer runtime (a package clang only recommends) for the
# fuzz smoke run; valgrind for the leak check of the release build; groff and
# zsh for the docs check (the man pages format cleanly, the zsh completion parses);
# systemd for systemd-analyze, which checks the recorder's unit (unit-check),
# procps for the /bin/kill its ExecReload= names (verify wants it there) and
# man-db for verify's check that Documentation=man:memtop(1) is installed;
# chromium renders the HTML report (tests/integration/report.py); prometheus
# (the server and promtool) checks the rules and scrapes memtop's metrics
# endpoint (tests/integration/prometheus.py).
FUZZ_RT     := /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
CHECK_NEEDS := $(BUILD_NEEDS) pc:cmocka:libcmocka-dev cmd:tmux:tmux cmd:python3:python3 \
               cmd:clang:clang file:$(FUZZ_RT):libclang-rt-14-dev cmd:valgrind:valgrind \
               cmd:unshare:util-linux cmd:groff:groff-base cmd:zsh:zsh cmd:sqlite3:sqlite3 \
               cmd:systemd-analyze:systemd file:/bin/kill:procps cmd:man:man-db cmd:chromium:chromium \
               cmd:prometheus:prometheus cmd:promtool:prometheus
# Debian's python3 (where python3-pil installs), even when another python3
# comes first on PATH.
SHOT_PY     := $(firstword $(wildcard /usr/bin/python3) python3)
SHOT_NEEDS  := cmd:tmux:tmux cmd:python3:python3 py:PIL:python3-pil file:/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf:fonts-dejavu-core \
               cmd:chromium:chromium

.PHONY: all run check bench install uninstall clean deps-build deps-check unit integration integration-serial integration-beside integration-prometheus e2e hostile hostile-names hostile-cgroups hostile-http stress docs screenshots \
	soak soak-check layers unit-check

all: memtop

# libm only if something still calls it: at -O2 nothing does (src/util/mathutil.h,
# sqrt inlined), so memtop does not load it; an -O0 build does call sqrt.
memtop: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS) -Wl,--push-state,--as-needed -lm -Wl,--pop-state

# Each object depends on the headers it includes, as the compiler lists them
# (-MMD -MP: build/NAME.d, read below), not on every header there is.
DEPFLAGS   := -MMD -MP

build/%.o: src/%.c | build
	@mkdir -p $(@D)
	$(CC) $(WARNINGS) $(WERROR) $(CFLAGS) $(DEPFLAGS) $(DEFS) $(PKG_CFLAGS) -c -o $@ $<

build/asan/%.o: src/%.c | build/asan
	@mkdir -p $(@D)
	$(CC) $(WARNINGS) $(WERROR) $(SAN_FLAGS) $(DEPFLAGS) -DXTRA_PROCPS_DEBUG $(DEFS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILTIN): themes/default.theme themes/mono.theme | build/generated
	{ echo '/* Generated from themes/default.theme and themes/mono.theme by the Makefile. */'; \
	  for t in default mono; do \
	    echo "const char builtin_theme_$$t[] ="; \
	    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$$/\\n"/' themes/$$t.theme; \
	    echo ';'; \
	  done; } > $@.tmp && mv $@.tmp $@

build/builtin_themes.o: $(BUILTIN) | build
	$(CC) $(WARNINGS) $(WERROR) $(CFLAGS) -c -o $@ $<

build/asan/builtin_themes.o: $(BUILTIN) | build/asan
	$(CC) $(WARNINGS) $(WERROR) $(SAN_FLAGS) -c -o $@ $<

build/asan/memtop: $(SAN_OBJS)
	$(CC) $(SAN_FLAGS) -o $@ $(SAN_OBJS) $(PKG_LIBS) -lm

# test_sampler_alloc brings its own fake probe and symboliser: linked
# without the real ones.
ALLOC_FAKED := build/asan/proc/allocprobe.o build/asan/proc/symbolize.o
build/asan/tests/test_sampler_alloc: tests/unit/test_sampler_alloc.c $(SAN_LIB) | build/asan/tests
	$(CC) $(WARNINGS) $(WERROR) $(SAN_FLAGS) $(DEPFLAGS) $(DEFS) -Isrc -DFIXTURES='"$(CURDIR)/tests/fixtures"' \
		$(PKG_CFLAGS) -o $@ $< $(filter-out $(ALLOC_FAKED),$(SAN_LIB)) $(PKG_LIBS) \
		$(shell pkg-config --libs cmocka 2>/dev/null) -lm

-include $(OBJS:.o=.d) $(SAN_OBJS:.o=.d) $(UNIT_BINS:=.d)

# Fixtures too large to keep in git are generated (deterministically).
LARGE_SMAPS := build/generated/smaps-large-10000.txt

$(LARGE_SMAPS): tests/fixtures/smaps/make-large.py | build/generated
	python3 $< $@

# The symboliser's ELF fixtures (tests/fixtures/elf/build.sh): programs, a
# library, stripped and split-debug variants and a build-id debug root,
# compiled from source at test-build time, with nm's facts beside them.
ELF_FIX    := build/generated/elf/.stamp

$(ELF_FIX): tests/fixtures/elf/build.sh tests/fixtures/elf/fixprog.c tests/fixtures/elf/libfix.c | build/generated
	tests/fixtures/elf/build.sh $(CURDIR)/build/generated/elf $(CC)

build/asan/tests/test_elfsym build/asan/tests/test_symbolize: $(ELF_FIX)

build/asan/tests/%: tests/unit/%.c $(SAN_LIB) $(LARGE_SMAPS) | build/asan/tests
	$(CC) $(WARNINGS) $(WERROR) $(SAN_FLAGS) $(DEPFLAGS) $(DEFS) -Isrc -DFIXTURES='"$(CURDIR)/tests/fixtures"' \
		-DLARGE_SMAPS='"$(CURDIR)/$(LARGE_SMAPS)"' -DTHEMES='"$(CURDIR)/themes"' \
		-DELF_FIXTURES='"$(CURDIR)/build/generated/elf"' \
		$(PKG_CFLAGS) -o $@ $< $(SAN_LIB) $(PKG_LIBS) $(shell pkg-config --libs cmocka 2>/dev/null) -lm

# Counts a program's heap calls (LD_PRELOAD): the allocation-free test.
MALLOCCOUNT := build/malloccount.so

$(MALLOCCOUNT): tests/common/malloccount.c | build
	$(CC) $(WARNINGS) $(WERROR) -O2 -fPIC -shared -D_GNU_SOURCE -o $@ $<

# Frame pointers: the allocation-sites probe walks user stacks by them.
build/workloads/%: tests/workloads/%.c | build/workloads
	$(CC) $(WARNINGS) $(WERROR) -O1 -g -fno-omit-frame-pointer -D_GNU_SOURCE -pthread -o $@ $< -lm

# allocleak without its symbol table (allocation sites of a stripped program),
# and statically linked (malloc in the executable), with and without it.
build/workloads/allocleak-stripped: build/workloads/allocleak
	strip -o $@ $<

build/workloads/allocleak-static: tests/workloads/allocleak.c | build/workloads
	$(CC) $(WARNINGS) $(WERROR) -O1 -g -fno-omit-frame-pointer -D_GNU_SOURCE -pthread -static -o $@ $< -lm

build/workloads/allocleak-static-stripped: build/workloads/allocleak-static
	strip -o $@ $<

# allocleak with an allocator of its own (exported malloc: libc's is not called).
build/workloads/allocleak-ownmalloc: tests/workloads/allocleak.c | build/workloads
	$(CC) $(WARNINGS) $(WERROR) -O1 -g -fno-omit-frame-pointer -D_GNU_SOURCE -DOWN_MALLOC -pthread -o $@ $< -lm

# The kernel side of allocation sites (src/proc/bpf/allocsites.bpf.c, outside
# SRCS): vmlinux.h from the running kernel's BTF, the BPF object, and the
# skeleton allocprobe.c includes. Nothing generated is in git.
BTF_VMLINUX ?= /sys/kernel/btf/vmlinux
BPF_SKEL    := build/generated/allocsites.skel.h
ifeq ($(NO_BPF),)
build/generated/vmlinux.h: | build/generated
	@test -r $(BTF_VMLINUX) || { echo "memtop: $(BTF_VMLINUX) is missing (a kernel without BTF): build with make NO_BPF=1 (no allocation sites)" >&2; exit 1; }
	bpftool btf dump file $(BTF_VMLINUX) format c > $@.tmp && mv $@.tmp $@

build/generated/allocsites.bpf.o: src/proc/bpf/allocsites.bpf.c build/generated/vmlinux.h
	clang -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86 -Ibuild/generated -c -o $@ $<

$(BPF_SKEL): build/generated/allocsites.bpf.o
	bpftool gen skeleton $< name allocsites_bpf > $@.tmp && mv $@.tmp $@

build/proc/allocprobe.o build/asan/proc/allocprobe.o: $(BPF_SKEL)
build/proc/allocprobe.o build/asan/proc/allocprobe.o: DEFS += -DMEMTOP_BPF -Ibuild/generated
endif

build build/asan build/asan/tests build/workloads build/bench build/stress build/generated:
	mkdir -p $@

# Installs what is missing when run as root; otherwise names the apt-get line
# (contrib/ensure-packages.sh).
ensure_packages = @PYTHON=$(SHOT_PY) sh contrib/ensure-packages.sh $(1)

deps-build:
	$(call ensure_packages,$(BUILD_NEEDS))

deps-check:
	$(call ensure_packages,$(CHECK_NEEDS))

# The sub-make reads pkg-config again, now that the packages are there.
run: deps-build
	@$(MAKE) --no-print-directory all
	./memtop $(ARGS)

# The build runs a compiler on every core (the tests run one suite at a time).
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 1)

# The service-leak suite (tests/integration/cgroups.py) waits on 150 s of
# real time with light workloads, the breakdown suite on 50 s, and the
# metrics suites mostly wait on loopback and on clocks of their own: check
# runs them (integration-beside) beside the unit tests, the other
# integration suites and the screen's e2e tests (which mostly wait on leak
# verdicts of their own), then prints their output; the hostile-names and
# hostile-cgroup suites follow them there (that lane ends earlier). The
# suites that load the machine or time it closely (hostile's HTTP abuse
# with its gap bound, stress, soak) run alone after.
check: deps-check
	@$(MAKE) --no-print-directory -j$(CHECK_JOBS) WERROR=-Werror all build/asan/memtop $(UNIT_BINS) $(WORKLOADS) \
		$(MALLOCCOUNT) build/stress/churn build/tools/genrec build/tools/kmsgdump build/tools/allocdump \
		build/asan/tools/allocdump fuzz-build
	@$(MAKE) --no-print-directory layers
	@$(MAKE) --no-print-directory integration-beside hostile-names hostile-cgroups > build/check-beside.log 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null' INT TERM; \
	$(MAKE) --no-print-directory unit integration-serial e2e; rc=$$?; \
	wait $$pid; crc=$$?; echo "make integration-beside hostile-names hostile-cgroups (beside them)"; \
	cat build/check-beside.log; [ $$rc -eq 0 ] && [ $$crc -eq 0 ]
	@$(MAKE) --no-print-directory hostile-http stress soak-check docs unit-check fuzz-smoke

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

integration: integration-serial integration-beside

integration-beside: memtop build/asan/memtop $(WORKLOADS) build/tools/kmsgdump build/tools/allocdump \
		build/asan/tools/allocdump
	python3 tests/integration/oomread.py
	python3 tests/integration/cgroups.py
	python3 tests/integration/breakdown.py
	python3 tests/integration/prometheus.py
	python3 tests/integration/metrics.py
	python3 tests/integration/oomkill.py
	python3 tests/integration/checkup.py
	python3 tests/integration/allocprobe.py
	python3 tests/integration/allocsites.py

integration-serial: memtop build/asan/memtop $(WORKLOADS) $(MALLOCCOUNT) build/tools/genrec
	python3 tests/integration/run.py
	python3 tests/integration/recording.py
	python3 tests/integration/replay.py
	python3 tests/integration/report.py

# The Prometheus side: promtool checks and unit-tests contrib/prometheus's
# rules; a real prometheus (127.0.0.1, a free port) scrapes memtop --listen
# watching a leaker, loads the rules, fires the leak alert and runs every
# query of the Grafana dashboard (contrib/grafana/memtop.json). About 30 s.
integration-prometheus: memtop $(WORKLOADS)
	python3 tests/integration/prometheus.py

# End-to-end tests of the real interactive screen, driven through tmux.
e2e: memtop $(WORKLOADS)
	python3 tests/e2e/run.py
	python3 tests/e2e/edge.py

# Hostile names, command lines, mapping paths and cgroup names: escaped on the
# screen and in every format; then real cgroups that churn, move, nest 50
# deep and vanish under the cgroup table (the release and sanitizer builds).
hostile: hostile-names hostile-cgroups hostile-http

hostile-names: memtop build/asan/memtop $(WORKLOADS)
	python3 tests/hostile/run.py

hostile-cgroups: memtop build/asan/memtop $(WORKLOADS)
	python3 tests/hostile/cgroups.py

hostile-http: memtop build/asan/memtop $(WORKLOADS)
	python3 tests/hostile/http.py

# A minute of process churn (hostile names among them) under the screen and
# batch mode, and a PID reused in a PID namespace.
stress: memtop $(WORKLOADS) build/stress/churn
	python3 tests/stress/run.py

# The sanitizer build of the screen for minutes (SOAK_SECONDS, 125 in make
# check, 1,800 in make soak) over growing, shrinking and churning processes,
# one memtop on the real clock and one on a clock 100 times faster, so that
# every history tier fills and wraps; keys visit every view and sort order.
soak-check: build/asan/memtop $(WORKLOADS)
	SOAK_SECONDS=$${SOAK_SECONDS:-125} python3 tests/soak/run.py

soak: build/asan/memtop $(WORKLOADS)
	SOAK_SECONDS=$${SOAK_SECONDS:-1800} python3 tests/soak/run.py

build/stress/churn: tests/stress/churn.c | build/stress
	$(CC) $(WARNINGS) $(WERROR) -O1 -g -D_GNU_SOURCE -o $@ $<

# src/ keeps its layers: only the proc layer names /proc, no include crosses
# a boundary it may not, no header cycle (tests/docs/check_layers.py).
layers:
	python3 tests/docs/check_layers.py

# The man pages document every option, key, setting, theme role and JSON
# field there is, and groff formats them without a warning; the shell
# completions offer every option of --help and the values memtop takes.
docs: memtop
	python3 tests/docs/check_manpage.py
	python3 tests/docs/check_completions.py

# The recorder's systemd unit, as make install installs it: systemd-analyze
# verify finds nothing to say about it, and systemd-analyze security rates its
# exposure (tests/docs/check_unit.py; no running systemd needed).
unit-check: memtop
	python3 tests/docs/check_unit.py

# Regenerates screenshots/*.png from real runs in tmux, and report.png: the
# HTML report of a recorded scene in headless Chromium.
screenshots: memtop $(WORKLOADS)
	$(call ensure_packages,$(SHOT_NEEDS))
	$(SHOT_PY) tests/screenshots/shoot.py
	$(SHOT_PY) tests/screenshots/report.py

# Benchmarks: measurements, not pass/fail tests. BENCH_MINUTES sets the
# length of the real leak-detection run (default 15), SELFWATCH_MINUTES that
# of memtop watching itself (default 10; docs/performance.md's figure is from 60),
# PEERS_ARGS the options of the side-by-side run with top, htop, btop, atop,
# TICKCOST_ARGS those of tickcost.py (e.g. --baseline OLD_MEMTOP: CPU per
# refresh at 2,000 processes, side by side with an older build).
bench: memtop build/tools/genrec build/bench/readcost build/bench/leakreplay build/bench/smapsbench build/bench/idlers $(LARGE_SMAPS) $(WORKLOADS)
	build/bench/readcost 20
	build/bench/smapsbench $(LARGE_SMAPS)
	build/bench/leakreplay 24 5
	python3 tests/bench/triggerbench.py
	python3 tests/bench/leakbench.py
	SELFWATCH_MINUTES=$${SELFWATCH_MINUTES:-10} python3 tests/bench/selfwatch.py
	python3 tests/bench/tickcost.py $(TICKCOST_ARGS)
	@$(MAKE) --no-print-directory bench-peers
	@$(MAKE) --no-print-directory bench-detail
	@$(MAKE) --no-print-directory bench-record
	@$(MAKE) --no-print-directory bench-replay
	@$(MAKE) --no-print-directory bench-cgroups
	@$(MAKE) --no-print-directory bench-metrics
	@$(MAKE) --no-print-directory bench-alloc

include tests/bench/bench.mk
include tests/fuzz/fuzz.mk

# The recording generator (docs/testing.md): synthetic days written through
# the recorder, linked against the release build's library objects.
LIB_OBJS   := $(LIB_SRCS:src/%.c=build/%.o) build/builtin_themes.o

build/tools/genrec: tests/tools/genrec.c tests/common/shapes.h $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(WARNINGS) $(WERROR) $(CFLAGS) $(DEFS) $(PKG_CFLAGS) -o $@ $< $(LIB_OBJS) $(PKG_LIBS) -lm

# The kills the live sampler reads from the kernel log, as JSON lines
# (tests/integration/oomread.py).
build/tools/kmsgdump: tests/tools/kmsgdump.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(WARNINGS) $(WERROR) $(CFLAGS) $(DEFS) $(PKG_CFLAGS) -o $@ $< $(LIB_OBJS) $(PKG_LIBS) -lm

# One process's allocation sites through the probes, as JSON lines
# (tests/integration/allocprobe.py; the sanitizer build once there).
build/tools/allocdump: tests/tools/allocdump.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(WARNINGS) $(WERROR) $(CFLAGS) $(DEFS) $(PKG_CFLAGS) -o $@ $< $(LIB_OBJS) $(PKG_LIBS) -lm

build/asan/tools/allocdump: tests/tools/allocdump.c $(SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(WARNINGS) $(WERROR) $(SAN_FLAGS) $(DEFS) $(PKG_CFLAGS) -o $@ $< $(SAN_LIB) $(PKG_LIBS) -lm

build/bench/readcost: tests/bench/readcost.c | build/bench
	$(CC) $(WARNINGS) $(WERROR) -O2 -g -D_GNU_SOURCE -o $@ $<

build/bench/leakreplay: tests/bench/leakreplay.c src/model/leak.c src/model/history.c src/model/leak.h src/model/history.h tests/common/shapes.h | build/bench
	$(CC) $(WARNINGS) $(WERROR) -O2 -g -D_GNU_SOURCE -Isrc -o $@ tests/bench/leakreplay.c src/model/leak.c src/model/history.c -lm

build/bench/smapsbench: tests/bench/smapsbench.c src/proc/smaps.c src/proc/smaps.h src/proc/mapsline.c src/proc/mapsline.h src/util/scan.c src/util/scan.h | build/bench
	$(CC) $(WARNINGS) $(WERROR) -O2 -g -D_GNU_SOURCE -Isrc -o $@ tests/bench/smapsbench.c src/proc/smaps.c src/proc/mapsline.c src/util/scan.c

# The recorder's unit names the installed binary: it is made from its
# template, @BINDIR@ replaced, and installed but not enabled.
install: memtop
	install -D -m 0755 memtop $(DESTDIR)$(BINDIR)/memtop
	install -D -m 0644 man/memtop.1 $(DESTDIR)$(MANDIR)/man1/memtop.1
	install -D -m 0644 man/memtoprc.5 $(DESTDIR)$(MANDIR)/man5/memtoprc.5
	install -D -m 0644 man/memtop-themes.5 $(DESTDIR)$(MANDIR)/man5/memtop-themes.5
	install -d $(DESTDIR)$(DATADIR)/themes
	install -m 0644 themes/*.theme themes/README.md $(DESTDIR)$(DATADIR)/themes/
	install -D -m 0644 contrib/completions/memtop.bash $(DESTDIR)$(BASHCOMPDIR)/memtop
	install -D -m 0644 contrib/completions/_memtop $(DESTDIR)$(ZSHCOMPDIR)/_memtop
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/systemd/memtop-record.service.in \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/memtop-record.service.tmp
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/memtop-record.service.tmp
	mv $(DESTDIR)$(SYSTEMDUNITDIR)/memtop-record.service.tmp $(DESTDIR)$(SYSTEMDUNITDIR)/memtop-record.service
	install -d $(DESTDIR)$(DATADIR)/systemd
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' contrib/systemd/memtop-record-listen.conf.in \
		> $(DESTDIR)$(DATADIR)/systemd/memtop-record-listen.conf.tmp
	chmod 0644 $(DESTDIR)$(DATADIR)/systemd/memtop-record-listen.conf.tmp
	mv $(DESTDIR)$(DATADIR)/systemd/memtop-record-listen.conf.tmp $(DESTDIR)$(DATADIR)/systemd/memtop-record-listen.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/memtop $(DESTDIR)$(MANDIR)/man1/memtop.1
	rm -f $(DESTDIR)$(MANDIR)/man5/memtoprc.5 $(DESTDIR)$(MANDIR)/man5/memtop-themes.5
	rm -f $(DESTDIR)$(BASHCOMPDIR)/memtop $(DESTDIR)$(ZSHCOMPDIR)/_memtop
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/memtop-record.service
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build memtop
