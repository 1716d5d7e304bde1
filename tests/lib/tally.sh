# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# tests/lib/tally.sh - the count of PASS/FAIL/SKIP lines that tests/run.sh
# and tests/kernels/run.sh end with.
#
#   count_line LINE     count a "PASS name", "FAIL name" or "SKIP name" line
#   tally_end [WHY]     print "N passed, N failed, N skipped" (and the
#                       failures) and exit: 1 if any failed, or if any was
#                       skipped with CI=true (WHY says why a skip is a
#                       failure there), else 0

passed=0 failed=0 skipped=0
failures=()

count_line() {
	case $1 in
	PASS\ *) passed=$((passed + 1)) ;;
	FAIL\ *) failed=$((failed + 1)); failures+=("${1#FAIL }") ;;
	SKIP\ *) skipped=$((skipped + 1)) ;;
	esac
}

tally_end() {
	echo "$passed passed, $failed failed, $skipped skipped"
	if [ "$failed" -gt 0 ]; then
		printf 'failed: %s\n' "${failures[@]}"
		exit 1
	fi
	if [ "$skipped" -gt 0 ] && [ "${CI:-}" = true ]; then
		echo "CI=true: a skipped test is a failure here${1:+ ($1)}"
		exit 1
	fi
	exit 0
}
