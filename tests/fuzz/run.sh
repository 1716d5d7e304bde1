#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/fuzz/run.sh - run the libFuzzer harnesses, the packet fuzzer and
# its mutants, and print one summary.
#
#   tests/fuzz/run.sh [-t SUBSTRING] [-v] [-h] short|long
#
# short (the fuzz tier of tests/run.sh, `make test`): each harness about
#   FUZZ_SHORT_SECONDS (10) from its seeds (tests/fuzz/corpus/NAME) and
#   the inputs that once crashed it (tests/fuzz/regress/NAME), new inputs
#   into a scratch folder, $OUTPUT/fuzz/short/NAME, emptied first.
# long (`make fuzz`): each harness FUZZ_SECONDS (20), its new inputs kept
#   in $OUTPUT/fuzz/corpus/NAME from one run to the next; with FUZZ_JOBS=N
#   (1) in N processes at once (libFuzzer's -fork=N), the inputs counted
#   over all of them.
#
# Either way crashes, leaks and sanitizer reports go to
# $OUTPUT/fuzz/crashes/NAME-*: the harness fails, the report is printed;
# make it a file of tests/fuzz/regress/NAME once fixed. Lines read
# "PASS fuzz/NAME (N inputs, M s)". The packet fuzzer,
# $OUTPUT/tests/fuzz/pktfuzz (tests/fuzz/pkt.mk), runs with
# --seed ${PKT_SEED:-1} --frames ${PKT_FRAMES:-100000} and passes when it
# exits 0; tests/fuzz/mutants.sh then shows it fails on builds that lack a
# rule. Ends with "N passed, N failed, N skipped" (tests/lib/tally.sh).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${OUTPUT:-$top/build}
filter=
verbose=
mode=
usage() {
	echo "usage: $0 [-t SUBSTRING] [-v] short|long" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	-t) [ $# -ge 2 ] || usage; filter=$2; shift ;;
	-t*) filter=${1#-t} ;;
	-v) verbose=1 ;;
	-h) sed -n '/^# tests\/fuzz\/run.sh/,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	short | long) mode=$1 ;;
	*) usage ;;
	esac
	shift
done
[ -n "$mode" ] || usage

# shellcheck source=tests/lib/tally.sh
. "$top/tests/lib/tally.sh"

case ${FUZZ_JOBS:-1} in
'' | *[!0-9]* | 0)
	echo "$0: FUZZ_JOBS=${FUZZ_JOBS}: a number of processes, 1 or more" >&2
	exit 2
	;;
esac
# AddressSanitizer keeps 5 frames of each allocation's and free's stack
# (of 30) and leaves new memory unfilled: a third more inputs a second in
# the ctl harness, whose requests allocate most. A report still has the
# whole stack of the bad access; ASAN_OPTIONS of the caller come last and
# win.
export ASAN_OPTIONS="malloc_context_size=5:max_malloc_fill_size=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

if [ "$mode" = short ]; then
	seconds=${FUZZ_SHORT_SECONDS:-10}
else
	seconds=${FUZZ_SECONDS:-20}
fi
crashes=$out/fuzz/crashes
mkdir -p "$crashes"

# One harness: PASS with libFuzzer's count of inputs, or FAIL with its report.
run_harness() {
	local name=$1 bin=$out/tests/fuzz/fuzz_$1 corpus log start secs rc n
	local dirs=() opts=()

	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz/$name (no $bin: run make fuzz-bins first)"
		count_line "FAIL fuzz/$name"
		return
	fi
	if [ "$mode" = short ]; then
		corpus=$out/fuzz/short/$name
		rm -rf "$corpus"
	else
		corpus=$out/fuzz/corpus/$name
	fi
	mkdir -p "$corpus"
	# new inputs go into the first folder only: never the tree's
	dirs=("$corpus" "$here/corpus/$name")
	[ -d "$here/regress/$name" ] && dirs+=("$here/regress/$name")
	[ -f "$here/$name.dict" ] && opts+=("-dict=$here/$name.dict")
	[ "$mode" = long ] && [ "${FUZZ_JOBS:-1}" -gt 1 ] && opts+=("-fork=$FUZZ_JOBS")
	log=$out/fuzz/$name.log
	start=$(date +%s)
	"$bin" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-30}" -print_final_stats=1 \
		-artifact_prefix="$crashes/$name-" "${opts[@]}" "${dirs[@]}" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	# one process: its final stats; -fork=N: the last "#N: cov: ..." line
	n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p; s/^#\([0-9]*\): cov:.*/\1/p' \
		"$log" | tail -n 1)
	if [ "$rc" = 0 ] && [ -n "$n" ]; then
		echo "PASS fuzz/$name ($n inputs, $secs s)"
		count_line "PASS fuzz/$name"
		[ -n "$verbose" ] && grep -a '^Done\|^stat::' "$log" | sed 's/^/  | /'
		return
	fi
	echo "FAIL fuzz/$name (status $rc after $secs s; $log)"
	# the report, and where the input went
	{
		grep -a -m 1 -B 2 -A 40 'ERROR:\|runtime error\|check failed\|deadly signal' "$log"
		grep -a 'Test unit written to' "$log"
	} | awk '!seen[$0]++ { print "  | " $0 }'
	count_line "FAIL fuzz/$name"
}

# The packet fuzzer (tests/fuzz/pkt.mk, built by make all): exit 0 pass,
# 1 a difference from its model, 4 it cannot run here (not root).
run_pktfuzz() {
	local bin=$out/tests/fuzz/pktfuzz log rc start secs

	if [ -n "$filter" ] && [[ pktfuzz != *"$filter"* ]]; then
		return 0
	fi
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz/pktfuzz (no $bin: run make first)"
		count_line "FAIL fuzz/pktfuzz"
		return
	fi
	log=$out/fuzz/pktfuzz.log
	start=$(date +%s)
	"$bin" --seed "${PKT_SEED:-1}" --frames "${PKT_FRAMES:-100000}" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	if [ "$rc" = 0 ]; then
		echo "PASS fuzz/pktfuzz ($(tail -n 1 "$log"), $secs s)"
		count_line "PASS fuzz/pktfuzz"
	elif [ "$rc" = 4 ]; then
		echo "SKIP fuzz/pktfuzz ($(tail -n 1 "$log"))"
		count_line "SKIP fuzz/pktfuzz"
	else
		echo "FAIL fuzz/pktfuzz (status $rc after $secs s; $log)"
		tail -n 40 "$log" | sed 's/^/  | /'
		count_line "FAIL fuzz/pktfuzz"
	fi
}

# That the packet fuzzer can fail: tests/fuzz/mutants.sh builds copies of
# the tree that each lack one rule of bpf/ and wants pktfuzz to report it
# (about 2 minutes). A line per mutant, "PASS fuzz/mutant_NAME ...".
run_mutants() {
	local line log=$out/fuzz/mutants.log rc

	if [ -n "$filter" ] && [[ mutant != *"$filter"* ]]; then
		return 0
	fi
	"$here/mutants.sh" >"$log" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		PASS\ * | FAIL\ * | SKIP\ *)
			echo "${line%% *} fuzz/${line#* }"
			count_line "${line%% *} fuzz/${line#* }"
			;;
		*) [ -n "$verbose" ] && echo "  | $line" ;;
		esac
	done <"$log"
	if [ "$rc" != 0 ] && [ "$rc" != 4 ] && ! grep -q '^FAIL ' "$log"; then
		echo "FAIL fuzz/mutants (status $rc; $log)"
		count_line "FAIL fuzz/mutants"
	fi
}

for src in "$here"/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	if [ -n "$filter" ] && [[ $name != *"$filter"* ]]; then
		continue
	fi
	run_harness "$name"
done
run_pktfuzz
run_mutants

tally_end
