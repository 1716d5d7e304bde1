#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/fuzz/cov.sh - line coverage of the files each libFuzzer harness
# targets (the "cov:" line of its header), over every input it has: its
# seeds and regression inputs in the tree, and what `make fuzz` and the
# short pass kept under $OUTPUT/fuzz.
#
#   tests/fuzz/cov.sh [-t SUBSTRING]
#
# The harnesses of $OUTPUT/fuzz-cov/bin (`make fuzz-cov` builds them with
# clang's -fprofile-instr-generate -fcoverage-mapping) replay the inputs
# (-runs=0); llvm-profdata-14 merges the profiles, llvm-cov-14 reports.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${OUTPUT:-$top/build}
profdata=${LLVM_PROFDATA:-llvm-profdata-14}
cov=${LLVM_COV:-llvm-cov-14}
filter=
case ${1:-} in
-t) filter=${2:?usage: $0 [-t SUBSTRING]} ;;
"") ;;
*) echo "usage: $0 [-t SUBSTRING]" >&2; exit 2 ;;
esac

printf '%-12s %-24s %8s %8s %7s\n' harness file lines missed cover
for src in "$here"/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	if [ -n "$filter" ] && [[ $name != *"$filter"* ]]; then
		continue
	fi
	bin=$out/fuzz-cov/bin/fuzz_$name
	dir=$out/fuzz-cov/$name
	read -r -a files <<<"$(sed -n 's/^ \* cov: //p' "$src")"
	rm -rf "$dir"
	mkdir -p "$dir"
	dirs=()
	for d in "$here/corpus/$name" "$here/regress/$name" "$out/fuzz/corpus/$name" \
		"$out/fuzz/short/$name"; do
		[ -d "$d" ] && dirs+=("$d")
	done
	LLVM_PROFILE_FILE=$dir/%p.profraw "$bin" -runs=0 "${dirs[@]}" >"$dir/replay.log" 2>&1 || {
		echo "$name: the replay failed ($dir/replay.log)" >&2
		exit 1
	}
	"$profdata" merge -sparse "$dir"/*.profraw -o "$dir/$name.profdata"
	# llvm-cov's columns: Filename Regions Missed Cover Functions Missed
	# Executed Lines Missed Cover Branches Missed Cover
	"$cov" report "$bin" -instr-profile="$dir/$name.profdata" "${files[@]/#/$top/}" |
		awk -v n="$name" -v top="$top/" '
			/^-/ || /^Filename/ || NF < 10 { next }
			{ f = $1; sub(top, "", f); printf "%-12s %-24s %8s %8s %7s\n", n, f, $8, $9, $10 }'
done
