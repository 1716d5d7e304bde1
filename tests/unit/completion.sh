#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# completion/ovlctl, sourced in bash and called as bash calls it (COMP_WORDS,
# COMP_CWORD), against this build's ovlctl; no privileges, no ovld: a stub
# in front of ovlctl answers `overlay list -j` with two overlays.
#
# What it proves: every OBJECT and every OBJECT VERB of `ovlctl --help`
# completes (from "" and from its first letter), every option of every
# command's --help completes after it, overlay names complete where
# OVERLAY is asked for (map add, vnic create --link) and nowhere else
# (map add OVERLAY ""), and tcp|udp completes for forward add.
set -eu
OVL_TOP=${OVL_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
OVL_BUILD=${OVL_BUILD:-$OVL_TOP/build}
[ -x "$OVL_BUILD/ovlctl" ] || { echo "FAIL: no $OVL_BUILD/ovlctl" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/ovlctl" <<STUB
#!/bin/sh
case "\$*" in
*"-j overlay list") echo '[{"name": "tenant-a", "vni": 23}, {"name": "tenant-b", "vni": 24}]' ;;
*) exec "$OVL_BUILD/ovlctl" "\$@" ;;
esac
STUB
chmod +x "$dir/ovlctl"
PATH=$dir:$PATH
# shellcheck source=completion/ovlctl
. "$OVL_TOP/completion/ovlctl"
fails=0 checks=0

# has WANT WORDS...: completing the last of WORDS offers WANT.
has() {
	local want=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_ovlctl
	checks=$((checks + 1))
	if ! printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$want"; then
		echo "not completed: \"$want\" for [$*], got: ${COMPREPLY[*]}" >&2
		fails=$((fails + 1))
	fi
}
# lacks UNWANTED WORDS...
lacks() {
	local bad=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_ovlctl
	checks=$((checks + 1))
	if printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$bad"; then
		echo "completed, should not be: \"$bad\" for [$*]" >&2
		fails=$((fails + 1))
	fi
}

# The commands, read here independently of the script: "  ovlctl OBJ [VERB]".
ncmds=0
while read -r obj verb; do
	ncmds=$((ncmds + 1))
	has "$obj" ovlctl ""
	has "$obj" ovlctl "${obj:0:1}"
	has "$obj" ovlctl help ""
	if [ -n "$verb" ]; then
		has "$verb" ovlctl "$obj" ""
		has "$verb" ovlctl -j "$obj" "${verb:0:1}"
		has "$verb" ovlctl help "$obj" ""
	fi
	for o in $("$OVL_BUILD/ovlctl" $obj $verb --help | sed -n '/^Options/,/^$/p' |
		grep -o -- '--[a-z][a-z-]*'); do
		# shellcheck disable=SC2086 # no verb: no word
		has "$o" ovlctl $obj $verb --
	done
done < <("$OVL_BUILD/ovlctl" --help | sed -n '/^Commands:/,/^$/p' |
	sed -n 's/^  ovlctl \([a-z][a-z-]*\)\( \([a-z][a-z-]*\)\)\{0,1\}\( .*\)\{0,1\}$/\1 \3/p')
[ "$ncmds" -ge 20 ] || { echo "FAIL: only $ncmds commands in ovlctl --help" >&2; exit 1; }

has --instance ovlctl --ins
has --json ovlctl map list --
has tenant-a ovlctl map add ""
has tenant-b ovlctl --instance x map add t
has tenant-a ovlctl vnic create v0 --link ""
has tenant-b ovlctl vnic create v0 -m 02:00:00:00:00:01 -l ""
has tenant-a ovlctl overlay delete ""
has tenant-a ovlctl reload ""
lacks tenant-a ovlctl map add tenant-a ""
lacks tenant-a ovlctl vnic create ""
has tcp ovlctl forward add tenant-a ""
has udp ovlctl forward add tenant-a u
lacks tcp ovlctl forward add ""

echo "# $ncmds commands, $checks checks, $fails failed"
[ "$fails" = 0 ] || { echo "FAIL: $fails of $checks" >&2; exit 1; }
