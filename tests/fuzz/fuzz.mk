# tests/fuzz/fuzz.mk — libFuzzer targets for memtop's pure parsers.
#
# Included from the Makefile (which defines WARNINGS, WERROR and DEFS):
#   make fuzz        runs every target for FUZZ_SECONDS (default 60) each
#   make fuzz-smoke  runs every target for FUZZ_SMOKE_SECONDS (default 2)
#                    each, FUZZ_JOBS (default: the cores) at a time, and
#                    fails when one crashes (part of make check)
# Both print one line per target: executions run and crashes found. A crash
# leaves its input in build/fuzz/artifacts/ and the report in
# build/fuzz/NAME.log; tests/fuzz/README.md says what to do with them.
# Seeds are copied to build/fuzz/corpus-NAME, which libFuzzer grows.
#
# To add a target NAME: write tests/fuzz/fuzz_NAME.c, put seeds in
# tests/fuzz/corpus/NAME/, add NAME to FUZZ_TARGETS and set FUZZ_SRCS_NAME
# to the src/*.c files it links (pure code only: no ncurses, no libproc2);
# FUZZ_OPTS_NAME may add libFuzzer options (-max_len=, -dict=) for it.

FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 2
FUZZ_FLAGS         := -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
                      -fno-sanitize-recover=undefined

FUZZ_TARGETS += psi smaps statm maps stat cgroup vmstat cgfiles mountinfo text scan theme rc timeexpr cgname http kmsg sysfacts
FUZZ_TARGETS += slabinfo sysvipc tmpfs
FUZZ_TARGETS += elfsym mapsline allocmaps

FUZZ_SRCS_psi       := src/proc/psi.c src/util/scan.c
FUZZ_SRCS_smaps     := src/proc/smaps.c src/proc/mapsline.c src/util/scan.c src/model/maptable.c src/util/text.c
FUZZ_SRCS_statm     := src/proc/procparse.c src/util/scan.c
FUZZ_SRCS_maps      := src/proc/procparse.c src/util/scan.c
FUZZ_SRCS_stat      := src/proc/procparse.c src/util/scan.c
FUZZ_SRCS_cgroup    := src/proc/procparse.c src/util/scan.c
FUZZ_SRCS_vmstat    := src/proc/procparse.c src/util/scan.c
FUZZ_SRCS_cgfiles   := src/proc/cgfiles.c src/util/scan.c
FUZZ_SRCS_mountinfo := src/proc/cgfiles.c src/util/scan.c
FUZZ_SRCS_slabinfo  := src/proc/memparts.c src/proc/cgfiles.c src/util/scan.c src/util/text.c
FUZZ_SRCS_sysvipc   := src/proc/memparts.c src/proc/cgfiles.c src/util/scan.c src/util/text.c
FUZZ_SRCS_tmpfs     := src/proc/memparts.c src/proc/cgfiles.c src/util/scan.c src/util/text.c
FUZZ_SRCS_text      := src/util/text.c
FUZZ_SRCS_elfsym    := src/proc/elfsym.c src/util/text.c
FUZZ_SRCS_mapsline  := src/proc/mapsline.c src/util/scan.c
FUZZ_SRCS_scan      := src/util/scan.c
# Built without MEMTOP_BPF: the maps parser and the not-built stubs.
FUZZ_SRCS_allocmaps := src/proc/allocprobe.c src/proc/mapsline.c src/util/scan.c src/util/text.c
FUZZ_SRCS_timeexpr  := src/util/timeexpr.c
FUZZ_SRCS_cgname    := src/util/cgname.c src/util/text.c
FUZZ_SRCS_http      := src/export/httpd_parse.c
FUZZ_SRCS_kmsg      := src/proc/kmsg.c src/util/scan.c src/util/text.c
FUZZ_SRCS_sysfacts  := src/proc/sysfacts.c src/proc/procfs.c src/proc/cgfiles.c src/util/scan.c src/util/text.c
FUZZ_SRCS_theme     := src/conf/theme.c src/conf/kvfile.c
FUZZ_SRCS_rc        := src/conf/rc.c src/conf/kvfile.c src/conf/cli.c src/model/columns.c src/model/proctable.c src/model/leak.c \
                       src/model/history.c src/model/sysmodel.c src/model/fields.c src/model/trend.c src/util/graph.c \
                       src/util/text.c

# Real smaps seeds are 20 KB or more, and every executed input is parsed
# three times and tabled eight times: 8 KB inputs (a dozen mappings, each
# truncated differently) run several times faster and reach the same code.
# The dictionary's 2^63 and 2^64 - 1 found the mapping table's overflows in
# seconds; without it 60 s were not enough.
FUZZ_OPTS_smaps     := -max_len=8192 -dict=tests/fuzz/smaps.dict
# fuzz_scan scans from every position of its input: keep inputs short.
FUZZ_OPTS_scan      := -max_len=512
# What a user types in a prompt or after --since: a line, not a file.
FUZZ_OPTS_timeexpr  := -max_len=128
# A cgroup path; long enough for a 4 KB component and a deep kubepods path.
FUZZ_OPTS_cgname    := -max_len=4200
# A few OOM reports' worth of records, with the words that open their lines.
FUZZ_OPTS_kmsg      := -max_len=16384 -dict=tests/fuzz/kmsg.dict
# A request up to the server's buffer and past it (the 414 and 431 limits).
FUZZ_OPTS_http      := -max_len=9000 -dict=tests/fuzz/http.dict

# An ELF file: the seeds are 0.7 to 5 KB (tests/fuzz/corpus/elfsym).
FUZZ_OPTS_elfsym    := -max_len=16384
# A process's maps: a few dozen lines, long paths among them.
FUZZ_OPTS_allocmaps := -max_len=16384

# Small /proc and /sys files: a sysctl, consoles, swaps, meminfo.
FUZZ_OPTS_sysfacts  := -max_len=4096

# Rules defined here must not become the Makefile's default goal.
fuzz_default_goal := $(.DEFAULT_GOAL)

.PHONY: fuzz fuzz-smoke fuzz-build

fuzz-build: $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)

# Every source and header is a prerequisite, so that targets added to
# FUZZ_TARGETS later need no rule of their own; the link takes only
# FUZZ_SRCS_NAME (expanded when the recipe runs).
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(wildcard src/*.c src/*/*.c src/*/*.h) | build/fuzz
	$(FUZZ_CC) $(WARNINGS) $(WERROR) $(FUZZ_FLAGS) $(DEFS) -Isrc -o $@ $< $(FUZZ_SRCS_$*)

build/fuzz:
	mkdir -p $@

# Runs every target for $(1) seconds (tests/fuzz/run.sh says how),
# FUZZ_JOBS at a time (each a process of its own: a core each), even after
# one crashed; prints their lines in FUZZ_TARGETS order and fails when any
# crashed.
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || echo 1)

define fuzz_run
	@rm -f build/fuzz/*.summary build/fuzz/*.status; \
	printf '%s\n' $(foreach t,$(FUZZ_TARGETS),"$(strip $(t) $(FUZZ_OPTS_$(t)))") > build/fuzz/run.list; \
	xargs -P $(FUZZ_JOBS) -L 1 sh -c 'tests/fuzz/run.sh "$$0" $(1) "$$@" > build/fuzz/$$0.summary; \
		echo $$? > build/fuzz/$$0.status' < build/fuzz/run.list; \
	failed=""; \
	for t in $(FUZZ_TARGETS); do \
	  cat build/fuzz/$$t.summary; \
	  [ "$$(cat build/fuzz/$$t.status 2>/dev/null)" = 0 ] || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then \
	  echo "fuzz: crashed:$$failed (reports in build/fuzz/NAME.log)" >&2; exit 1; \
	fi
endef

fuzz: fuzz-build
	$(call fuzz_run,$(FUZZ_SECONDS))

fuzz-smoke: fuzz-build
	$(call fuzz_run,$(FUZZ_SMOKE_SECONDS))

.DEFAULT_GOAL := $(fuzz_default_goal)
