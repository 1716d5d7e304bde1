#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The ovl CNI plugin on an overlay of the etcd backend: containers on two
# hosts reach each other with no hosts.json anywhere, their addresses from
# the reference host-local IPAM plugin (10.23.0.10-99 + fd23::a:* on h1,
# .100-199 + fd23::b:* on h2: ranges that do not overlap).
#
#   c1 (netns) -- h1: ovld --+-- switch --+-- h2: ovld -- c2 (netns)
#                            e0 (etcd)
#
# What it proves:
# 1. ADD on each host (CNI 1.0.0 and 1.1.0) gives a valid result; each
#    container's MAC and both its addresses are in etcd under its host's
#    hostid; STATUS (1.1.0) succeeds on an overlay connected to etcd;
# 2. the first ping each way is answered, IPv4 and IPv6;
# 3. DEL of c2: its keys leave etcd and its MAC h1's map within 5 s, and
#    nothing of it stays on h2;
# 4. no hosts.json was ever written, and no overlay has a files property.
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)"
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
ns_init
cni_init
topo_switch
etcd_init
etcd_single
for i in 1 2; do
	etcd_vni_host "$i"
done

info "1. ADD"
ns_add c1
ns_add c2
C1=$(conf_for 1 1.0.0)
C2=$(conf_for 2 1.1.0)
cni h1 ADD "$C1" cid-c1 eth0 c1
cni_expect_ok result 1.0.0 "ADD c1"
cp "$CNI_OUT" "$CNI_T/r1.json"
cni h2 ADD "$C2" cid-c2 eth0 c2
cni_expect_ok result 1.1.0 "ADD c2"
cp "$CNI_OUT" "$CNI_T/r2.json"
V4='[i["address"].split("/")[0] for i in j["ips"] if "." in i["address"]][0]'
V6='[i["address"].split("/")[0] for i in j["ips"] if ":" in i["address"]][0]'
eval "$(jvars "$CNI_T/r1.json" ip1="$V4" ip61="$V6")"
eval "$(jvars "$CNI_T/r2.json" ip2="$V4" ip62="$V6")"
mac1=$(mac_for cid-c1 eth0)
mac2=$(mac_for cid-c2 eth0)
info "c1 $mac1 $ip1 $ip61; c2 $mac2 $ip2 $ip62"
for k in "1 $mac1 $ip1 $ip61" "2 $mac2 $ip2 $ip62"; do
	read -r h mac a4 a6 <<<"$k"
	etcd_wait_key 5 "$(key_mac 23 "$mac")"
	m=$(etcd_json "$(key_mac 23 "$mac")" '"%s %s" % (j["host"], ",".join(sorted(j["ips"])))') ||
		fail "the key of $mac"
	[ "$m" = "$(hostid "$h") $a4,$a6" ] || fail "the key of $mac says $m"
	for a in "$a4" "$a6"; do
		etcd_wait_key 5 "$(key_ip 23 "$a")"
		[ "$(etcd_json "$(key_ip 23 "$a")" 'j["mac"] + " " + j["host"]')" = "$mac $(hostid "$h")" ] ||
			fail "the key of $a does not name $mac on h$h"
	done
done
cni h2 STATUS "$C2"
cni_expect_ok empty "" "STATUS on an overlay connected to etcd"

info "2. first pings"
in_ns c1 ping -c 1 -W 1 "$ip2" >/dev/null || fail "first ping c1 -> c2 ($ip2) lost"
in_ns c2 ping -c 1 -W 1 "$ip1" >/dev/null || fail "first ping c2 -> c1 ($ip1) lost"
in_ns c1 ping -c 1 -W 1 "$ip62" >/dev/null || fail "first ping c1 -> c2 ($ip62) lost"
in_ns c2 ping -c 1 -W 1 "$ip61" >/dev/null || fail "first ping c2 -> c1 ($ip61) lost"
[ "$(map_underlay h1 "$mac2")" = "$(hostid 2)" ] || fail "h1 points c2 at $(map_underlay h1 "$mac2")"

info "3. DEL c2"
cni h2 DEL "$C2" cid-c2 eth0 c2
cni_expect_ok empty "" "DEL c2"
c2_gone() {
	etcd_hasnt "$(key_mac 23 "$mac2")" && etcd_hasnt "$(key_ip 23 "$ip2")" &&
		etcd_hasnt "$(key_ip 23 "$ip62")" && map_lacks h1 "$mac2" && neigh_lacks h1 "$ip2"
}
dt=$(time_until 5 c2_gone) || fail "c2 still in etcd or h1's maps 5 s after DEL"
info "c2 gone $dt ms after DEL"
no_leftovers h2 "DEL c2"
etcd_has "$(key_mac 23 "$mac1")" || fail "c1's key went with c2"

info "4. no hosts.json"
f=$(find "$TOPO_DIR" "$CNI_T" -name 'hosts*.json') || fail "find"
[ -z "$f" ] || fail "hosts.json written: $f"
for h in h1 h2; do
	[ "$(ovlctl_on "$h" -j overlay list | python3 -c 'import json,sys; print(sorted({o["search"] for o in json.load(sys.stdin)}))')" = "['etcd']" ] ||
		fail "$h has an overlay of another backend: $(ovlctl_on "$h" overlay list)"
done
exit 0
