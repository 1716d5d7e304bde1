#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# etcd goes away: the data path does not care, and what happened meanwhile
# reaches etcd when it is back.
#
# Round 1, one member (e0), h1 h2 h3 with c1 c2 c3 (overlay0, VNI 23):
# 1. etcd stopped (SIGTERM) during floods c1 -> c2 and c2 -> c3 (10 ms
#    apart, 3 s): none is lost; h1's overlay says connected false;
# 2. meanwhile `vnic create` of c4 on h1 succeeds, and c1 <-> c4 (the same
#    host) answer on the first try;
# 3. etcd back (same data directory): c4's keys are in etcd, and c2 and c3
#    reach c4, within 2 s of etcd answering again; h1 is connected.
#
# Round 2, three members (e1 e2 e3), h1 h2 with c1 c2:
# 4. the leader killed (SIGKILL) during floods c1 <-> c2: none is lost;
# 5. c3, created on h2 right after the kill, answers c1 within 5 s, and
#    both hosts are connected again (another leader). (Not at once: until
#    the followers notice the leader is gone, about an election timeout,
#    a member takes the publishing transaction and never answers it; ovld
#    gives up on it after its request timeout, 2 s, and the next member,
#    by then under a new leader, takes it: about 2 s here.)
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
ns_init

info "round 1: one member"
topo_switch
etcd_init
etcd_single
for i in 1 2 3; do
	etcd_vni_host "$i"
	etcd_vni_vnic "$i"
done
etcd_published 1 2 3
etcd_ping_pairs 1 2 3

info "1. etcd stopped during floods"
flood_start f12 c1 10.23.0.2 300
flood_start f23 c2 10.23.0.3 300
sleep 0.3
etcd_stop e0
wait_for 5 ov_disconnected h1 ||
	fail "h1 does not notice etcd is gone: $(ovlctl_on h1 -j overlay list)"
info "h1 with etcd down: $(ov_json h1 overlay0 'json.dumps({"error": o.get("error"), "backend": b})')"

info "2. a VNIC created with etcd down"
etcd_vnic h1 c4 overlay0 "$(mac_of 4)" 10.23.0.4/24 fd23::4/64
in_ns c1 ping -c 1 -W 1 10.23.0.4 >/dev/null || fail "first ping c1 -> c4 (same host, etcd down) lost"
in_ns c4 ping -c 1 -W 1 10.23.0.1 >/dev/null || fail "first ping c4 -> c1 (same host, etcd down) lost"
in_ns c4 ping -c 1 -W 1 fd23::1 >/dev/null || fail "first ping c4 -> fd23::1 (same host, etcd down) lost"
flood_end f12
flood_end f23

info "3. etcd back"
fast_neigh c2
fast_neigh c3
c4_known() {
	etcd_has "$(key_mac 23 "$(mac_of 4)")" && etcd_has "$(key_ip 23 10.23.0.4)" &&
		_ping1 c2 10.23.0.4 && _ping1 c3 10.23.0.4
}
etcd_restart e0
dt=$(time_until 5 c4_known) ||
	fail "c4 unknown 5 s after etcd came back: keys [$(ectl get --prefix "$ETCD_PREFIX" --keys-only | grep .)] h1 [$(ovlctl_on h1 -j overlay list)]"
info "c4 in etcd and reached from h2 and h3 $dt ms after etcd answered again"
[ "$dt" -le 2000 ] || fail "c4 took $dt ms after etcd's return to reach the other hosts"
[ "$(etcd_json "$(key_mac 23 "$(mac_of 4)")" 'j["host"]')" = "$(hostid 1)" ] || fail "c4's key names the wrong host"
wait_for 5 ov_connected h1 || fail "h1 not connected again: $(ovlctl_on h1 -j overlay list)"

info "round 2: three members"
RUN=$(printf '%04x%04x' $RANDOM $RANDOM)
topo_switch
etcd_init
etcd_cluster
for i in 1 2; do
	etcd_vni_host "$i"
	etcd_vni_vnic "$i"
done
etcd_published 1 2
in_ns c1 ping -c 1 -W 1 10.23.0.2 >/dev/null || fail "c1 -> c2 lost"
in_ns c2 ping -c 1 -W 1 10.23.0.1 >/dev/null || fail "c2 -> c1 lost"
leader=$(etcd_leader) || fail "the cluster has no leader"

info "4. leader $leader killed during floods"
flood_start g12 c1 10.23.0.2 400
flood_start g21 c2 10.23.0.1 400
sleep 0.5
etcd_kill "$leader"

info "5. a VNIC created right after"
fast_neigh c1
etcd_vnic h2 c3 overlay0 "$(mac_of 3)" 10.23.0.3/24 fd23::3/64
dt=$(time_until 5 _ping1 c1 10.23.0.3) ||
	fail "c1 -> c3 (created after the leader was killed) unanswered for 5 s: keys [$(ectl get --prefix "$ETCD_PREFIX" --keys-only | grep .)] h1 [$(ov_json h1 overlay0 'json.dumps({"error": o.get("error"), "backend": b})')] h1 map [$(ovlctl_on h1 map list)] h1 log [$(tail -n 20 "$TOPO_DIR/ovld-h1.log")]"
info "c3 answered c1 $dt ms after it was created"
flood_end g12
flood_end g21
new=$(etcd_leader) || fail "no leader after $leader was killed"
[ "$new" != "$leader" ] || fail "the killed $leader is still the leader"
for h in h1 h2; do
	wait_for 5 ov_connected "$h" || fail "$h not connected after the leader changed: $(ovlctl_on "$h" -j overlay list)"
done
info "h1 after the leader changed: $(ov_json h1 overlay0 'json.dumps(b)')"
exit 0
