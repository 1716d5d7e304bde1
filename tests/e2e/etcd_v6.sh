#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# An IPv6 underlay, etcd included: no IPv4 address anywhere under the
# overlay.
#
#   h1, h2: u0 fd00:1::1, fd00:1::2 only (topo's 10.1.0.I removed before
#   ovld starts, so ovld's underlay is its first global IPv6 address);
#   overlay0 of VNI 23 on e0, http://[fd00:1::100]:2379 (IPv6 alone too;
#   etcdctl from the switch's fd00:1::254)
#   cI on hI: 02:00:00:00:23:0I, 10.23.0.I/24, fd23::I/64
#
# What it proves:
# 1. ovld's status has IPv6 fd00:1::I as its underlay and no IPv4 one;
#    overlay list shows no error, connected, host_id "[fd00:1::I]:4789";
# 2. the keys: host/[fd00:1::I]:4789 with underlay fd00:1::I, port 4789;
#    mac/MAC with host "[fd00:1::I]:4789", underlay "fd00:1::I", the
#    VNIC's addresses; ip/ADDR with that host;
# 3. c1 <-> c2 answer on the first try, IPv4 and IPv6 in the overlay;
# 4. each host knows the other as an IPv6 peer: its map points the other's
#    MAC at [fd00:1::J]:4789, its overlay's backend counts 2 hosts, no
#    VXLAN of the peer was dropped as from an unknown peer (peer_unknown),
#    and `map add` of a MAC at fd00:1::J gives no "not a peer" warning
#    (it does at fd00:1::9, an address no host has);
# 5. a dual-stack host (h3 keeps 10.1.0.3) whose overlay says
#    vxlan/listen_ip=fd00:1::3 publishes "[fd00:1::3]:4789", not its IPv4
#    address, and its c3 reaches c1 on the first try.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
ns_init
topo_switch
etcd_init
etcd_single6
[ "$ETCD_ENDPOINTS" = "http://[fd00:1::100]:2379" ] || fail "endpoints: $ETCD_ENDPOINTS"

hostid6() {
	echo "[fd00:1::$1]:4789"
}

for i in 1 2; do
	topo_host "h$i" "$i"
	ip -n "$(ns_name "h$i")" addr del "10.1.0.$i/24" dev u0
	topo_ovld "h$i"
	etcd_overlay "h$i" overlay0 23
	etcd_vni_vnic "$i"
done

info "1. ovld's underlay"
for i in 1 2; do
	st=$(ovlctl_on "h$i" -j status | python3 -c '
import json, sys
u = json.load(sys.stdin)["underlay"]
print("%s %s" % (u.get("local4") or "-", u.get("local6") or "-"))') || fail "h$i: status"
	[ "$st" = "- fd00:1::$i" ] || fail "h$i: underlay addresses (IPv4 IPv6): $st: $(ovlctl_on "h$i" -j status)"
	wait_for 5 ov_connected "h$i" || fail "h$i: $(ovlctl_on "h$i" -j overlay list)"
	[ "$(ov_json "h$i" overlay0 'b.get("host_id")')" = "$(hostid6 "$i")" ] ||
		fail "h$i: host_id $(ov_json "h$i" overlay0 'b.get("host_id")')"
done
info "h1: $(ov_json h1 overlay0 'json.dumps(b)')"

info "2. the keys"
for i in 1 2; do
	etcd_wait_key 5 "$(key_host 23 "$(hostid6 "$i")")"
	etcd_wait_key 5 "$(key_mac 23 "$(mac_of "$i")")"
	etcd_wait_key 5 "$(key_ip 23 "10.23.0.$i")"
	etcd_wait_key 5 "$(key_ip 23 "fd23::$i")"
	h=$(etcd_json "$(key_host 23 "$(hostid6 "$i")")" 'j["underlay"] + " " + str(j["port"])') ||
		fail "host key of h$i"
	[ "$h" = "fd00:1::$i 4789" ] || fail "host key of h$i says $h"
	m=$(etcd_json "$(key_mac 23 "$(mac_of "$i")")" \
		'"%s %s %d %s" % (j["host"], j["underlay"], j["port"], ",".join(sorted(j["ips"])))') ||
		fail "mac key of c$i"
	[ "$m" = "$(hostid6 "$i") fd00:1::$i 4789 10.23.0.$i,fd23::$i" ] || fail "mac key of c$i says $m"
	for a in "10.23.0.$i" "fd23::$i"; do
		m=$(etcd_json "$(key_ip 23 "$a")" 'j["mac"] + " " + j["host"]') || fail "ip key of $a"
		[ "$m" = "$(mac_of "$i") $(hostid6 "$i")" ] || fail "ip key of $a says $m"
	done
done
n=$(ectl get --prefix "$ETCD_PREFIX/v1/vni/23/" --keys-only | grep -c .) || true
[ "$n" = 8 ] || fail "$n keys under $ETCD_PREFIX/v1/vni/23/, not 8: $(ectl get --prefix "$ETCD_PREFIX" --keys-only | grep .)"
# nothing of IPv4 in any HOSTID
ectl get --prefix "$ETCD_PREFIX/" | grep -q '10\.1\.0\.' && fail "etcd has an IPv4 underlay: $(ectl get --prefix "$ETCD_PREFIX/")"

info "3. first pings"
in_ns c1 ping -c 1 -W 1 10.23.0.2 >/dev/null || fail "first ping c1 -> 10.23.0.2 lost"
in_ns c2 ping -c 1 -W 1 10.23.0.1 >/dev/null || fail "first ping c2 -> 10.23.0.1 lost"
in_ns c1 ping -c 1 -W 1 fd23::2 >/dev/null || fail "first ping c1 -> fd23::2 lost"
in_ns c2 ping -c 1 -W 1 fd23::1 >/dev/null || fail "first ping c2 -> fd23::1 lost"

info "4. the IPv6 peers"
for i in 1 2; do
	j=$((3 - i))
	[ "$(map_underlay "h$i" "$(mac_of "$j")")" = "fd00:1::$j:4789" ] ||
		fail "h$i's map: $(mac_of "$j") -> $(map_underlay "h$i" "$(mac_of "$j")")"
	[ "$(ov_json "h$i" overlay0 'b.get("hosts")')" = 2 ] ||
		fail "h$i: backend hosts $(ov_json "h$i" overlay0 'b.get("hosts")')"
	[ "$(ov_json "h$i" overlay0 'o["peer_unknown"]')" = 0 ] ||
		fail "h$i: VXLAN from unknown peers: $(ov_json "h$i" overlay0 'o["peer_unknown"]')"
	info "h$i: $(ovlctl_on "h$i" map list overlay0 | tr '\n' ';')"
	out=$(ovlctl_on "h$i" map add overlay0 02:00:00:00:23:09 "fd00:1::$j" 2>&1) ||
		fail "h$i: map add ... fd00:1::$j: $out"
	case $out in
	*"not a peer"*) fail "h$i: fd00:1::$j is not a peer of overlay0: $out" ;;
	esac
	out=$(ovlctl_on "h$i" map add overlay0 02:00:00:00:23:09 fd00:1::9 2>&1) ||
		fail "h$i: map add ... fd00:1::9: $out"
	case $out in
	*"fd00:1::9 is not a peer of overlay overlay0"*) ;;
	*) fail "h$i: no warning for a MAC at fd00:1::9, no host: $out" ;;
	esac
	ovlctl_on "h$i" map del overlay0 02:00:00:00:23:09 >/dev/null || fail "h$i: map del"
done

info "5. a dual-stack host told its IPv6 address"
topo_host h3 3
topo_ovld h3
etcd_overlay h3 overlay0 23 -p vxlan/listen_ip=fd00:1::3
etcd_vni_vnic 3
wait_for 5 ov_connected h3 || fail "h3: $(ovlctl_on h3 -j overlay list)"
[ "$(ov_json h3 overlay0 'b.get("host_id")')" = "$(hostid6 3)" ] ||
	fail "h3: host_id $(ov_json h3 overlay0 'b.get("host_id")'), not $(hostid6 3)"
etcd_wait_key 5 "$(key_mac 23 "$(mac_of 3)")"
m=$(etcd_json "$(key_mac 23 "$(mac_of 3)")" 'j["host"] + " " + j["underlay"]') || fail "mac key of c3"
[ "$m" = "$(hostid6 3) fd00:1::3" ] || fail "mac key of c3 says $m"
in_ns c3 ping -c 1 -W 1 10.23.0.1 >/dev/null || fail "first ping c3 -> 10.23.0.1 lost"
in_ns c1 ping -c 1 -W 1 fd23::3 >/dev/null || fail "first ping c1 -> fd23::3 lost"
exit 0
