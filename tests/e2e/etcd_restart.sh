#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovld of the etcd backend dies: restarted in time, nobody notices; not
# restarted, its lease runs out and its entries go everywhere.
#
#   h1, h2, h3 (ovld each, overlay0 of VNI 23, etcd, lease-ttl 3 s),
#   c1, c2, c3 on them; e0 (etcd)
#
# What it proves:
# 1. `kill -9` of h2's ovld, and starting it again 1 s later, while c1
#    floods c2 (echo requests 10 ms apart, 4 s): none is lost; and for
#    TTL + 2 s after the kill (past the dead ovld's lease), etcd always has
#    c2's keys and h1's and h3's maps always have c2; the restarted ovld
#    is connected, and c3 -> c2 and c2 -> c1 answer;
# 2. `kill -9` of h3's ovld, not restarted: its keys stay until its lease
#    runs out (at least 1 s: nothing withdrew them), then leave etcd, and
#    c3 leaves h1's and h2's maps, within TTL + 4 s of the kill.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
ns_init
ETCD_TTL=3
topo_switch
etcd_init
etcd_single
for i in 1 2 3; do
	etcd_vni_host "$i"
	etcd_vni_vnic "$i"
done
etcd_published 1 2 3
etcd_ping_pairs 1 2 3
M2=$(mac_of 2)
M3=$(mac_of 3)
for h in h1 h3; do
	map_has "$h" "$M2" || fail "$h's map lacks c2 after pinging it"
done
lease0=$(etcd_lease "$(key_mac 23 "$M2")")

info "1. kill -9 and restart h2's ovld during a flood c1 -> c2"
# c2's entries, everywhere
c2_everywhere() {
	etcd_has "$(key_mac 23 "$M2")" && etcd_has "$(key_ip 23 10.23.0.2)" &&
		etcd_has "$(key_host 23 "$(hostid 2)")" && map_has h1 "$M2" && map_has h3 "$M2" &&
		neigh_has h1 10.23.0.2
}
flood_start f1 c1 10.23.0.2 400
sleep 0.5
topo_kill_ovld h2 KILL
t_kill=$(now_ms)
sleep 1
topo_ovld h2
# until past the dead ovld's lease, c2 never goes missing anywhere
until_ms=$((t_kill + (ETCD_TTL + 2) * 1000))
while [ "$(now_ms)" -lt "$until_ms" ]; do
	c2_everywhere || fail "c2 went missing $(($(now_ms) - t_kill)) ms after the kill: keys [$(ectl get --prefix "$ETCD_PREFIX" --keys-only | grep .)] h1 map [$(ovlctl_on h1 map list)]"
	sleep 0.2
done
flood_end f1
wait_for 5 ov_connected h2 || fail "the restarted h2 is not connected: $(ovlctl_on h2 -j overlay list)"
info "c2's lease: $lease0 before, $(etcd_lease "$(key_mac 23 "$M2")") after"
in_ns c3 ping -c 1 -W 1 10.23.0.2 >/dev/null || fail "c3 -> c2 lost after the restart"
in_ns c2 ping -c 1 -W 1 10.23.0.1 >/dev/null || fail "c2 -> c1 lost after the restart"

info "2. kill -9 of h3's ovld for good"
map_has h2 "$M3" || fail "h2's map lacks c3 after pinging it"
c3_gone() {
	etcd_hasnt "$(key_mac 23 "$M3")" && etcd_hasnt "$(key_ip 23 10.23.0.3)" &&
		etcd_hasnt "$(key_ip 23 fd23::3)" && etcd_hasnt "$(key_host 23 "$(hostid 3)")" &&
		map_lacks h1 "$M3" && map_lacks h2 "$M3" && neigh_lacks h1 10.23.0.3
}
topo_kill_ovld h3 KILL
dt=$(time_until $((ETCD_TTL + 4)) c3_gone) ||
	fail "c3 still there $((ETCD_TTL + 4)) s after h3's ovld died: keys [$(ectl get --prefix "$ETCD_PREFIX" --keys-only | grep .)] h1 map [$(ovlctl_on h1 map list)]"
info "c3 gone everywhere $dt ms after the kill (lease-ttl $ETCD_TTL s)"
[ "$dt" -ge 1000 ] || fail "c3 went $dt ms after the kill: before its lease could run out"
in_ns c1 ping -c 1 -W 1 10.23.0.2 >/dev/null || fail "c1 -> c2 lost after h3 went"
exit 0
