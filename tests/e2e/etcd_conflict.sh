#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A MAC or an address another host published is not published again: the
# VNIC is refused, and the refusal names the host that has it.
#
#   h1 (c1: 02:00:00:00:23:01, 10.23.0.1, fd23::1), h2 (x2), h3 (c3); e0
#
# What it proves, for each of: c1's MAC (with a free address), a free MAC
# with 10.23.0.1, a free MAC with fd23::1:
# 1. `vnic create` on h2 fails, its message names h1, "10.1.0.1:4789";
# 2. nothing of it stays: no eth0 in x2, no VNIC or endpoint on h2, no key
#    for its free MAC or address; c1's keys still name h1 (and c1's MAC);
# and then
# 3. c1 still works: c3 -> c1 answers and h3's map points c1 at h1;
# 4. a VNIC on h2 with its own MAC and address is made, and c3 reaches it.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
ns_init
topo_switch
etcd_init
etcd_single
for i in 1 2 3; do
	etcd_vni_host "$i"
done
etcd_vni_vnic 1
etcd_vni_vnic 3
M1=$(mac_of 1)
M2=$(mac_of 2)
etcd_published 1 3
in_ns c3 ping -c 1 -W 1 10.23.0.1 >/dev/null || fail "c3 -> c1 lost"
ns_add x2

# refused WHAT MAC ADDR FREE_KEY...: vnic create on h2 fails naming h1;
# nothing of it stays.
refused() {
	local what=$1 mac=$2 addr=$3 out k
	shift 3
	out=$(ovlctl_on h2 vnic create eth0 -l overlay0 -m "$mac" --netns "$(ns_name x2)" --ip "$addr" 2>&1) &&
		fail "$what: h2 made the VNIC: $out"
	info "$what: $out"
	[[ $out == *"$(hostid 1)"* ]] || fail "$what: the refusal does not name h1 ($(hostid 1)): $out"
	in_ns x2 ip link show eth0 >/dev/null 2>&1 && fail "$what: x2 has an eth0"
	[ "$(ovlctl_on h2 -j vnic list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0 ] ||
		fail "$what: h2 lists a VNIC: $(ovlctl_on h2 vnic list)"
	[ "$(ovlctl_on h2 -j endpoint list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0 ] ||
		fail "$what: h2 lists an endpoint: $(ovlctl_on h2 endpoint list)"
	for k in "$@"; do
		etcd_hasnt "$k" || fail "$what: etcd has $k: $(ectl get "$k")"
	done
	[ "$(etcd_json "$(key_mac 23 "$M1")" 'j["host"]')" = "$(hostid 1)" ] || fail "$what: c1's MAC key changed"
	for a in 10.23.0.1 fd23::1; do
		[ "$(etcd_json "$(key_ip 23 "$a")" 'j["mac"] + " " + j["host"]')" = "$M1 $(hostid 1)" ] ||
			fail "$what: the key of $a changed"
	done
}

info "1-2. refused"
refused "c1's MAC" "$M1" 10.23.0.2 "$(key_ip 23 10.23.0.2)"
refused "c1's IPv4 address" "$M2" 10.23.0.1 "$(key_mac 23 "$M2")"
refused "c1's IPv6 address" "$M2" fd23::1 "$(key_mac 23 "$M2")"

info "3. c1 still works"
in_ns c3 ping -c 1 -W 1 10.23.0.1 >/dev/null || fail "c3 -> c1 lost after the refusals"
in_ns c3 ping -c 1 -W 1 fd23::1 >/dev/null || fail "c3 -> fd23::1 lost after the refusals"
[ "$(map_underlay h3 "$M1")" = "$(hostid 1)" ] || fail "h3 points c1 at $(map_underlay h3 "$M1")"

info "4. h2 with its own MAC and address"
fast_neigh c3
etcd_vnic h2 x2 overlay0 "$M2" 10.23.0.2/24
ping_until 2 c3 10.23.0.2 || fail "c3 -> x2 (10.23.0.2) unanswered for 2 s"
in_ns x2 ping -c 1 -W 1 10.23.0.1 >/dev/null || fail "x2 -> c1 lost"
[ "$(etcd_json "$(key_mac 23 "$M2")" 'j["host"]')" = "$(hostid 2)" ] || fail "x2's MAC key does not name h2"
exit 0
