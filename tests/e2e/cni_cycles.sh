#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/e2e/cni_cycles.sh - 200 ADD/DEL cycles of the real plugin with the
# real host-local, as fast as a runtime would issue them, leave nothing
# behind: no host veth, no interface in the container, no ovld endpoint
# (listed or in its state.json), no lease, no file in host-local's
# directory beyond its own bookkeeping, no descriptor leaked by ovld.
# Prints the mean time of an ADD and of a DEL (each includes `ip netns
# exec` and host-local's run).
#
#   c (netns) -- h1: ovld -- switch
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
cni_setup
ns_add c
N=${CNI_CYCLES:-200}
CONF=$(conf_for 1 1.1.0)
cni_with "$CONF" 'c["logLevel"] = "warn"'
pid=$(pgrep -f -- "--instance $(inst_of h1) " | head -n 1)
[ -n "$pid" ] || fail "no ovld for h1"
fds_before=$(find "/proc/$pid/fd" -mindepth 1 | wc -l)

# One cycle checked against the spec, then the loop checks exit statuses only.
cni h1 ADD "$CONF" cid-first eth0 c
cni_expect_ok result 1.1.0 "ADD"
cni h1 DEL "$CONF" cid-first eth0 c
cni_expect_ok empty "" "DEL"

add_ns=0 del_ns=0
for ((i = 0; i < N; i++)); do
	t0=$(date +%s%N)
	cni h1 ADD "$CONF" "cid-$i" eth0 c
	t1=$(date +%s%N)
	[ "$CNI_RC" = 0 ] || { cat "$CNI_OUT" "$CNI_ERR" >&2; fail "cycle $i: ADD exit $CNI_RC"; }
	cni h1 DEL "$CONF" "cid-$i" eth0 c
	t2=$(date +%s%N)
	[ "$CNI_RC" = 0 ] && [ ! -s "$CNI_OUT" ] ||
		{ cat "$CNI_OUT" "$CNI_ERR" >&2; fail "cycle $i: DEL exit $CNI_RC"; }
	add_ns=$((add_ns + t1 - t0))
	del_ns=$((del_ns + t2 - t1))
done
info "$N cycles: ADD $((add_ns / N / 1000000)) ms, DEL $((del_ns / N / 1000000)) ms on average"

no_leftovers h1 "$N cycles"
[ "$(in_ns c ip -o link show | grep -vc ': lo:')" = 0 ] || fail "the container has interfaces left"
extra=$(find "$CNI_T/ipam-h1" -type f ! -name lock ! -name 'last_reserved_ip*')
[ -z "$extra" ] || fail "host-local's directory holds $extra"
grep -q cid- "$TOPO_DIR/state-h1/state.json" && fail "ovld's state.json still has endpoints"
fds_after=$(find "/proc/$pid/fd" -mindepth 1 | wc -l)
[ "$fds_after" -le "$fds_before" ] || fail "ovld holds $fds_after descriptors, $fds_before before"
