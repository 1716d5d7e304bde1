#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A host whose watch broke while etcd compacted past where it was must
# list again, not resume: what was deleted meanwhile goes from its maps.
#
#   h1 (c1, c5), h2 (c2): overlay0 of VNI 23, etcd lease-ttl 10 s; e0
#
# What it proves:
# 1. with h2 cut from etcd (nftables drops 10.1.0.100 both ways in h2,
#    and `ss -K` kills h2's connections to it: the watch breaks), h2's
#    overlay says connected false within 5 s;
# 2. meanwhile c5 is deleted on h1 (its keys go), 20 other keys are
#    written and overwritten, and etcd is compacted at its latest
#    revision; h2 still has c5 in its maps (it could not have heard);
# 3. the cut restored, within 15 s c5 leaves h2's maps (ovl_fdb and
#    ovl_neigh), h2 is connected at a revision at least the compacted
#    one, its own keys are (still, or again) in etcd, and c2 <-> c1
#    answer.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
ns_init
need_tools nft ss
ETCD_TTL=10
topo_switch
etcd_init
etcd_single
for i in 1 2; do
	etcd_vni_host "$i"
	etcd_vni_vnic "$i"
done
etcd_vni_vnic 5 1
M5=$(mac_of 5)
etcd_published 1 2 5
for a in 10.23.0.1 10.23.0.5; do
	in_ns c2 ping -c 1 -W 1 "$a" >/dev/null || fail "c2 -> $a lost"
done
map_has h2 "$M5" || fail "h2's map lacks c5 after pinging it"
neigh_has h2 10.23.0.5 || fail "h2's neigh map lacks 10.23.0.5 after pinging it"
info "h2 before: $(ov_json h2 overlay0 'json.dumps(b)')"

info "1. h2 cut from etcd"
in_ns h2 nft -f - <<'EOF'
table inet ovlt_cut {
	chain out { type filter hook output priority 0; ip daddr 10.1.0.100 drop; }
	chain in { type filter hook input priority 0; ip saddr 10.1.0.100 drop; }
}
EOF
on_exit "ip netns exec $(ns_name h2) nft delete table inet ovlt_cut"
in_ns h2 ss -K -t dst 10.1.0.100 >/dev/null
[ -z "$(in_ns h2 ss -Htn state established dst 10.1.0.100)" ] ||
	fail "h2 still has connections to etcd: $(in_ns h2 ss -tn dst 10.1.0.100)"
wait_for 5 ov_disconnected h2 || fail "h2 does not notice it lost etcd: $(ovlctl_on h2 -j overlay list)"

info "2. c5 deleted, keys written, etcd compacted"
ovlctl_on h1 vnic delete eth0 --netns "$(ns_name c5)" >/dev/null || fail "vnic delete c5 refused"
etcd_wait_nokey 3 "$(key_mac 23 "$M5")"
etcd_wait_nokey 3 "$(key_ip 23 10.23.0.5)"
for i in $(seq 1 20); do
	ectl put "/ovlt-other/k$((i % 5))" "v$i" >/dev/null || fail "put $i"
done
rev=$(etcd_compact)
info "compacted at revision $rev"
map_has h2 "$M5" || fail "h2 lost c5 while cut from etcd: the cut did not cut"

info "3. the cut restored"
in_ns h2 nft delete table inet ovlt_cut
gone() {
	map_lacks h2 "$M5" && neigh_lacks h2 10.23.0.5
}
dt=$(time_until 15 gone) ||
	fail "c5 still in h2's maps 15 s after the cut was restored: $(ovlctl_on h2 map list) $(ovlctl_on h2 -j overlay list)"
info "c5 left h2's maps $dt ms after the cut was restored"
wait_for 5 ov_connected h2 || fail "h2 not connected again: $(ovlctl_on h2 -j overlay list)"
r=$(ov_json h2 overlay0 'b.get("revision")') || fail "overlay list of h2"
info "h2 after: $(ov_json h2 overlay0 'json.dumps(b)')"
[ "$r" -ge "$rev" ] 2>/dev/null || fail "h2 is at revision $r, before the compaction at $rev"
etcd_wait_key 10 "$(key_mac 23 "$(mac_of 2)")"
etcd_wait_key 10 "$(key_host 23 "$(hostid 2)")"
in_ns c2 ping -c 1 -W 1 10.23.0.1 >/dev/null || fail "c2 -> c1 lost after the cut"
in_ns c1 ping -c 1 -W 1 10.23.0.2 >/dev/null || fail "c1 -> c2 lost after the cut"
grep -i compact "$TOPO_DIR/ovld-h2.log" | sed 's/^/# h2: /' || true
exit 0
