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

printf '%-12s %-24s %6s %6s %7s\n' harness file lines missed cover
for src in "$here"/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	if [ -n "$filter" ] && [[ $name != *"$filter"* ]]; then
		continue
	fi
	bin=$out/fuzz-cov/bin/fuzz_$name
	dir=$out/fuzz-cov/$name
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
	# Each "cov:" line is FILE or FILE:FN,FN...: the lines of every
	# function of the file, or of those named (llvm-cov's -show-functions
	# columns: Name Regions Miss Cover Lines Miss Cover ...; a static
	# function is "file.c:name" there).
	sed -n 's/^ \* cov: //p' "$src" | awk -F: '{ f[$1] = f[$1] (f[$1] != "" && $2 != "" ? "," : "") $2 }
		END { for (k in f) print k, f[k] }' | sort |
		while read -r file fns; do
			"$cov" report -show-functions "$bin" -instr-profile="$dir/$name.profdata" \
				"$top/$file" | awk -v n="$name" -v file="$file" -v fns="$fns" '
				BEGIN { split(fns, a, ","); for (i in a) want[a[i]] = 1 }
				NF == 10 && $1 != "TOTAL" && $5 ~ /^[0-9]+$/ {
					fn = $1; sub(/^[^:]*:/, "", fn)
					if (fns != "" && !(fn in want)) next
					lines += $5; missed += $6
				}
				END {
					what = fns == "" ? file : file " (" split(fns, a, ",") " fns)"
					printf "%-12s %-24s %6d %6d %6.2f%%\n", n, what, lines, missed,
						lines ? 100 * (lines - missed) / lines : 0
				}'
		done
done
