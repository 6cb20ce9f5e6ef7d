# The side-by-side benchmark of memtop and its peers (top, htop, btop, atop):
# CPU per refresh, peak RSS, keypress and startup latency; the cost of a
# huge detail view and of the cgroup table (bench-cgroups). Included from the
# main Makefile, which defines the build/bench directory, WARNINGS, WERROR and
# WORKLOADS. PEERS_ARGS passes options to the script, e.g. PEERS_ARGS="--repeat 1";
# PEERS_ARGS="--baseline build/old/22ec4bd/memtop" measures that build too, in
# the same run (docs/performance.md).

.PHONY: bench-peers bench-detail bench-same bench-record bench-replay bench-cgroups bench-metrics bench-alloc

build/bench/idlers: tests/bench/idlers.c | build/bench
	$(CC) $(WARNINGS) $(WERROR) -O2 -g -D_GNU_SOURCE -o $@ $<

bench-peers: memtop build/bench/idlers
	python3 tests/bench/peers.py $(PEERS_ARGS)

# The detail view of a process with 200,000 mappings (DETAIL_MAPPINGS), open
# for 30 s (DETAIL_SECONDS) at -d 1: CPU, RSS per mapping, RSS after leaving.
bench-detail: memtop build/workloads/manymaps
	python3 tests/bench/detailbench.py

# The recorder's cost (memtop -w, issue 17) over 2,000 idlers of which ~10 % change
# each second: CPU per sample against batch JSON at 1 s (interleaved runs), its share
# of a core at 1 s and at its default 5 s, bytes per process-sample, RSS, and a 30-day
# size projection. RECORD_MINUTES (default 5) is the length of the long RSS run;
# RECORD_ARGS passes options, e.g. RECORD_ARGS="--hour" (RSS over 60 minutes) or
# RECORD_ARGS="--repeat 1 --seconds 20" (docs/performance.md).
bench-record: memtop build/bench/idlers
	RECORD_MINUTES=$${RECORD_MINUTES:-5} python3 tests/bench/recordbench.py $(RECORD_ARGS)

# Reading recordings (issue 18): the first frame with a day of history at 2,000
# processes (with and without it), and a generated month: memtop -r's first
# frame and jumps, --report's time, memory and progress. REPLAY_ARGS passes
# options, e.g. REPLAY_ARGS="--repeat 3" (docs/performance.md).
bench-replay: memtop build/bench/idlers build/tools/genrec
	python3 tests/bench/replaybench.py $(REPLAY_ARGS)

# The cgroup table's cost (issue 19), as root: 2,000 idlers in 200 fresh memory
# cgroups, CPU per refresh of memtop -b (the table counting; with --cgroups at
# -d 1, every cgroup read every refresh; at -d 0.1, every 10th) side by side
# with the build before it, 5ecef6a (built by the script in build/old/5ecef6a/
# like bench-same, or CGROUPS_ARGS="--baseline PATH"). CGROUPS_ARGS passes
# options, e.g. CGROUPS_ARGS="--repeat 3" (docs/performance.md).
bench-cgroups: memtop build/bench/idlers
	python3 tests/bench/cgroupcost.py $(CGROUPS_ARGS)

# Two builds' batch output and --smaps on the same frozen processes, byte for
# byte, the fields that differ between two runs of one build masked: make
# bench-same OLD=22ec4bd. OLD is a commit (extracted and built in
# build/old/SHORT/ by the script) or the path of a memtop binary; NEW is ./memtop.
bench-same: memtop $(WORKLOADS)
	@test -n "$(OLD)" || { echo "usage: make bench-same OLD=COMMIT (or OLD=path/to/memtop)"; exit 2; }
	python3 tests/bench/samebatch.py $(if $(wildcard $(OLD)),$(OLD),--build-old $(OLD)) ./memtop

# The metrics endpoint (issue 20): rendering the page of a 2,000-process model
# in each format (build/bench/metricsbench), then CPU per scrape of memtop
# --listen over 2,000 idlers, side by side with one nobody scrapes and one
# exporting every process (SCRAPE_ARGS, e.g. SCRAPE_ARGS="--seconds 60").
build/bench/metricsbench: tests/bench/metricsbench.c src/export/metrics.c src/export/metrics.h | build/bench
	$(CC) $(WARNINGS) $(WERROR) -O2 -g -D_GNU_SOURCE -Isrc -o $@ tests/bench/metricsbench.c src/export/metrics.c

bench-metrics: memtop build/bench/idlers build/bench/metricsbench
	build/bench/metricsbench 2000 500
	python3 tests/bench/scrapecost.py $(SCRAPE_ARGS)

# The allocation-sites probes (issue 22), as root: a malloc/free loop bare,
# fully tracked, sampled every 64th and with --min-size 4096, pure and with
# ALLOC_WORK_NS (default 2000) of work per pair; alloc_probe_read at 0, 10 K
# and 1 M outstanding allocations; the maps' kernel memory (docs/alloc-sites.md).
bench-alloc: build/tools/allocdump build/workloads/allocleak
	python3 tests/bench/allocbench.py --work-ns $${ALLOC_WORK_NS:-2000}
