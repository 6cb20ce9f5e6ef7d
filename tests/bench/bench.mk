# The side-by-side benchmark of memtop and its peers (top, htop, btop, atop):
# CPU per refresh, peak RSS, keypress and startup latency; and the cost of a
# huge detail view. Included from the
# main Makefile, which defines the build/bench directory, WARNINGS and WERROR.
# PEERS_ARGS passes options to the script, e.g. PEERS_ARGS="--repeat 1".

.PHONY: bench-peers bench-detail

build/bench/idlers: tests/bench/idlers.c | build/bench
	$(CC) $(WARNINGS) $(WERROR) -O2 -g -D_GNU_SOURCE -o $@ $<

bench-peers: memtop build/bench/idlers
	python3 tests/bench/peers.py $(PEERS_ARGS)

# The detail view of a process with 200,000 mappings (DETAIL_MAPPINGS), open
# for 30 s (DETAIL_SECONDS) at -d 1: CPU, RSS per mapping, RSS after leaving.
bench-detail: memtop build/workloads/manymaps
	python3 tests/bench/detailbench.py
