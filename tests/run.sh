#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/run.sh - run test tiers and print one summary.
#
#   tests/run.sh [-t SUBSTRING] [-v] TIER...   TIER: unit bpf e2e interop kernels fuzz
#
# C tiers are the binaries build/tests/test_TIER; shell tiers are the
# scripts tests/TIER/*.sh (the unit tier has both) (exit 0 pass, 4 skip, anything else fail); the
# kernels tier is tests/kernels/run.sh, which boots Debian 12's kernel in
# qemu and runs the bpf tier and the e2e tests named kernel_* in it (its
# lines are RELEASE/NAME). Every test prints one line, PASS/FAIL/SKIP
# name; the run ends with
# "N passed, N failed, N skipped". With CI=true a skip counts as a failure:
# CI runs as root with BPF, so every tier can run there.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=${OUTPUT:-$top/build}
filter=
verbose=
tiers=()
usage() {
	echo "usage: $0 [-t SUBSTRING] [-v] TIER..." >&2
	exit 2
}
# Options before or after the tiers: `run.sh e2e -t cni` is `run.sh -t cni e2e`.
while [ $# -gt 0 ]; do
	case $1 in
	-t) [ $# -ge 2 ] || usage; filter=$2; shift ;;
	-t*) filter=${1#-t} ;;
	-v) verbose=-v ;;
	--) shift; tiers+=("$@"); break ;;
	-*) usage ;;
	*) tiers+=("$1") ;;
	esac
	shift
done
for t in "${tiers[@]}"; do
	case $t in
	unit | bpf | e2e | interop | kernels | fuzz) ;;
	*) echo "$0: unknown tier \"$t\" (unit, bpf, e2e, interop, kernels, fuzz)" >&2; exit 2 ;;
	esac
done
if [ ${#tiers[@]} -gt 0 ]; then set -- "${tiers[@]}"; else set -- unit bpf e2e interop kernels fuzz; fi

# shellcheck source=tests/lib/tally.sh
. "$here/lib/tally.sh"

run_c_tier() {
	local tier=$1 bin=$out/tests/test_$1 line saw_summary=0 rc=
	if [ ! -x "$bin" ]; then
		echo "FAIL $tier (no $bin: run make first)"
		count_line "FAIL $tier"
		return
	fi
	echo "== $tier"
	while IFS= read -r line; do
		case $line in
		PASS\ * | FAIL\ * | SKIP\ *)
			echo "$line"
			count_line "$line"
			;;
		*\ passed,\ *\ failed,\ *\ skipped) saw_summary=1 ;;
		__rc=*) rc=${line#__rc=} ;;
		*) echo "$line" ;;
		esac
	done < <(OVL_BUILD=$out OVL_TOP=$top "$bin" $verbose ${filter:+-t "$filter"} 2>&1; echo "__rc=$?")
	if [ "$saw_summary" = 0 ] || { [ "$rc" != 0 ] && [ "$rc" != 1 ] && [ "$rc" != 4 ]; }; then
		echo "FAIL $tier (test binary died, status $rc)"
		count_line "FAIL $tier"
	fi
}

run_sh_tier() {
	local tier=$1 t name rc log
	local scripts=("$here/$tier"/*.sh)
	[ -e "${scripts[0]}" ] || return 0
	echo "== $tier"
	for t in "${scripts[@]}"; do
		name=$tier/$(basename "$t" .sh)
		if [ -n "$filter" ] && [[ $name != *"$filter"* ]]; then
			continue
		fi
		log=$(mktemp)
		OVL_BUILD=$out OVL_TOP=$top bash "$t" >"$log" 2>&1
		rc=$?
		case $rc in
		0) echo "PASS $name"; count_line "PASS $name"
		   [ -n "$verbose" ] && sed 's/^/  | /' "$log" ;;
		4) echo "SKIP $name ($(tail -n 1 "$log"))"; count_line "SKIP $name" ;;
		*) echo "FAIL $name (exit $rc)"; sed 's/^/  | /' "$log"; count_line "FAIL $name" ;;
		esac
		rm -f "$log"
	done
}

# A tier run by a runner of its own, whose lines are relayed and counted
# and whose summary is dropped: the kernels tier (tests/kernels/run.sh,
# lines RELEASE/NAME; "SKIP kernels (why)" when it cannot boot) and the
# fuzz tier (tests/fuzz/run.sh short, lines fuzz/NAME).
#   run_relay_tier NAME COMMAND...
run_relay_tier() {
	local name=$1 line saw_summary=0 saw_fail=0 saw_skip=0 rc=''
	shift
	while IFS= read -r line; do
		case $line in
		PASS\ * | FAIL\ * | SKIP\ *)
			echo "$line"
			count_line "$line"
			case $line in FAIL\ *) saw_fail=1 ;; SKIP\ *) saw_skip=1 ;; esac
			;;
		*\ passed,\ *\ failed,\ *\ skipped) saw_summary=1 ;;
		failed:\ * | CI=true:\ *) ;;
		__rc=*) rc=${line#__rc=} ;;
		*) echo "$line" ;;
		esac
	done < <(OUTPUT=$out "$@" 2>&1; echo "__rc=$?")
	# its status must agree with what it printed
	case $rc in
	0) [ "$saw_summary" = 1 ] && return ;;
	1) [ "$saw_summary" = 1 ] || [ "$saw_fail" = 1 ] && return ;;
	4) [ "$saw_skip" = 1 ] && return ;;
	esac
	echo "FAIL $name (${1#"$top"/} ended with status $rc)"
	count_line "FAIL $name"
}

for tier in "$@"; do
	case $tier in
	unit) run_c_tier unit; run_sh_tier unit ;;
	bpf) run_c_tier bpf ;;
	e2e | interop) run_sh_tier "$tier" ;;
	kernels) run_relay_tier kernels "$here/kernels/run.sh" $verbose ${filter:+-t "$filter"} ;;
	fuzz)
		echo "== fuzz"
		run_relay_tier fuzz "$here/fuzz/run.sh" $verbose ${filter:+-t "$filter"} short
		;;
	*) echo "unknown tier: $tier" >&2; exit 2 ;;
	esac
done

tally_end "root and BPF are available"
