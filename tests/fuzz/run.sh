#!/bin/sh
# run.sh NAME SECONDS [LIBFUZZER-OPTION...] — runs build/fuzz/fuzz_NAME for
# SECONDS on a working copy of its seed corpus, prints one summary line
# (executions, crashes) and exits 1 when it crashed. Called by tests/fuzz/fuzz.mk
# from the top of the tree.
#
# libFuzzer adds the inputs it finds to the first corpus directory, so the
# seeds in tests/fuzz/corpus/NAME are copied into build/fuzz/corpus-NAME
# first; the tracked corpus stays as committed. A crash, a sanitizer report,
# a failed invariant, an input slower than 10 s or more than 2 GB of memory
# all stop the run: the input is saved under build/fuzz/artifacts/ and the
# report is in build/fuzz/NAME.log.
set -u
name=$1 seconds=$2
shift 2
work=build/fuzz/corpus-$name
log=build/fuzz/$name.log

mkdir -p "$work" build/fuzz/artifacts
if [ -d "tests/fuzz/corpus/$name" ]; then
	cp -R "tests/fuzz/corpus/$name/." "$work/"
fi
if "build/fuzz/fuzz_$name" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
	-artifact_prefix="build/fuzz/artifacts/$name-" "$@" "$work" >"$log" 2>&1; then
	crashes=0
else
	crashes=1
fi
# libFuzzer prints its final statistics on a crash too.
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
printf 'fuzz_%-10s %10s executions in %ss, %s crash(es)\n' "$name" "${execs:-?}" "$seconds" \
	"$crashes"
if [ "$crashes" != 0 ]; then
	grep -m 1 -E 'ERROR: |runtime error: |invariant failed: ' "$log" | sed 's/^/    /'
	sed -n 's/^.*Test unit written to /    input: /p' "$log"
	exit 1
fi
