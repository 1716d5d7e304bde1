#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# scripts/tidy.sh OUTPUT_DIR FILES... -- CFLAGS...
# clang-tidy over FILES; diagnostics located in generated code under
# OUTPUT_DIR (bpftool's skeletons, which clang-analyzer misreads as leaking
# the skeleton it hands over) are dropped. Fails if any other remains.
set -u
out=$1
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
clang-tidy --quiet "$@" >"$log" 2>&1
awk -v out="$out/" '
	/^[^ ].*:[0-9]+:[0-9]+: (error|warning):/ { skip = index($0, out) > 0 }
	/warnings? generated\.$/ { next }
	!skip { print }
' "$log" | tee "$log.kept"
if grep -qE ':[0-9]+:[0-9]+: (error|warning):' "$log.kept"; then
	rm -f "$log.kept"
	echo "clang-tidy found problems" >&2
	exit 1
fi
rm -f "$log.kept"
