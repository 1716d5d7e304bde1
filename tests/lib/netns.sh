# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# tests/lib/netns.sh - sourced by the shell tests: unique names, cleanup on
# every exit, probe-then-skip.
#
#   . "$OVL_TOP/tests/lib/netns.sh"
#   ns_init               # sets RUN (a random suffix), traps EXIT
#   ns_add h1              # a namespace named ovlt-$RUN-h1, lo up
#   ns_name h1             # prints that name
#   ns_link h1 eth0 h2 eth0  # a veth pair between two namespaces
#   on_exit "kill $pid"   # more cleanup, run in reverse order
#   ns_resolv h1 ...       # an empty resolv.conf of their own (no DHCP client
#                          # in them may touch the host's)
#   skip "reason"          # exit 4: a missing capability, not a failure
#   fail "reason"          # exit 1
#
# Every namespace switch happens in `ip -n` or `ip netns exec` of one
# command; the test's own shell never leaves its namespace.

set -eu

OVL_TOP=${OVL_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
OVL_BUILD=${OVL_BUILD:-$OVL_TOP/build}
SKIP_RC=4
_ovl_cleanups=()
_ovl_namespaces=()

skip() {
	echo "SKIP: $*"
	exit $SKIP_RC
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

info() {
	echo "# $*"
}

on_exit() {
	_ovl_cleanups+=("$1")
}

_ovl_cleanup() {
	local rc=$? i ns
	set +e
	for ((i = ${#_ovl_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_ovl_cleanups[$i]}" >/dev/null 2>&1
	done
	for ns in "${_ovl_namespaces[@]}"; do
		# processes still inside the namespace go with it
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
	done
	exit $rc
}

ns_init() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	ip netns add "ovlt-probe-$$" 2>/dev/null || skip "cannot create network namespaces"
	ip netns del "ovlt-probe-$$"
	RUN=$(printf '%04x%04x' $RANDOM $RANDOM)
	trap _ovl_cleanup EXIT
	trap 'exit 130' INT TERM
}

# ns_add NAME: create ovlt-$RUN-NAME with lo up (ns_name NAME prints it).
# Not in a subshell: the name must be registered for cleanup.
ns_add() {
	local ns="ovlt-$RUN-$1"
	_ovl_namespaces+=("$ns")
	ip netns add "$ns"
	ip -n "$ns" link set lo up
}

# ns_name NAME: the full name of a namespace made by ns_add.
ns_name() {
	echo "ovlt-$RUN-$1"
}

# ns_link NS1 IF1 NS2 IF2: a veth pair, IF1 in NS1 and IF2 in NS2, both up.
ns_link() {
	local ns1 ns2 tmp="v$RANDOM$RANDOM"
	ns1=$(ns_name "$1")
	ns2=$(ns_name "$3")
	ip link add "${tmp}a" type veth peer name "${tmp}b"
	ip link set "${tmp}a" netns "$ns1"
	ip link set "${tmp}b" netns "$ns2"
	ip -n "$ns1" link set "${tmp}a" name "$2" up
	ip -n "$ns2" link set "${tmp}b" name "$4" up
}

# ns_resolv NAME...: /etc/netns/NS/resolv.conf, empty, for each namespace
# (`ip netns exec` binds it over /etc/resolv.conf; cleanup removes it).
ns_resolv() {
	local n
	for n in "$@"; do
		mkdir -p "/etc/netns/$(ns_name "$n")"
		: >"/etc/netns/$(ns_name "$n")/resolv.conf"
	done
}

# wait_for TIMEOUT_S CMD...: retry CMD every 0.1 s until it succeeds.
wait_for() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
