# The side-by-side benchmark of memtop and its peers (top, htop, btop, atop):
# CPU per refresh, peak RSS, keypress and startup latency. Included from the
# main Makefile, which defines the build/bench directory, WARNINGS and WERROR.
# PEERS_ARGS passes options to the script, e.g. PEERS_ARGS="--repeat 1".

.PHONY: bench-peers

build/bench/idlers: tests/bench/idlers.c | build/bench
	$(CC) $(WARNINGS) $(WERROR) -O2 -g -D_GNU_SOURCE -o $@ $<

bench-peers: memtop build/bench/idlers
	python3 tests/bench/peers.py $(PEERS_ARGS)
