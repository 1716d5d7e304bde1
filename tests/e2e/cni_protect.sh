#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/e2e/cni_protect.sh - link protection for containers the CNI plugin
# attached (Crossbow's mac-nospoof, ip-nospoof and ARP protection): ovld
# learns each container's MAC and IPAM addresses from the plugin's
# endpoint.add, and the data path lets nothing else out.
#
#   c1, c3 (netns) -- h1: ovld --+-- switch --+-- h2: ovld -- c2 (netns)
#
# A container that changes its MAC, that sends from an address IPAM did not
# give it (IPv4 or IPv6), or that sends ARP claiming another's address gets
# nothing through: its pings go unanswered, h2 decapsulates nothing, c3
# learns nothing, and drop_spoof_mac / drop_spoof_ip / drop_spoof_arp
# count it. Back to its own MAC and addresses, it is answered again.
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)"
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
cni_setup

V4='[i["address"].split("/")[0] for i in j["ips"] if "." in i["address"]][0]'
V6='[i["address"].split("/")[0] for i in j["ips"] if ":" in i["address"]][0]'
add() { # add HOST NAME: ADD container NAME on HOST, its MAC and addresses in NAME_*
	ns_add "$2"
	cni "$1" ADD "$(conf_for "${1#h}" 1.0.0)" "cid-$2" eth0 "$2"
	cni_expect_ok result 1.0.0 "ADD $2"
	eval "$(jvars "$CNI_OUT" "${2}_mac"='j["interfaces"][1]["mac"]' "${2}_ip"="$V4" "${2}_ip6"="$V6")"
}
add h1 c1
add h2 c2
add h1 c3
hosts_json "$c1_mac" 10.1.0.1 "$c1_ip" "$c1_ip6" "$c2_mac" 10.1.0.2 "$c2_ip" "$c2_ip6" \
	"$c3_mac" 10.1.0.1 "$c3_ip" "$c3_ip6"

reachable() { # reachable WHAT: c1 reaches c2 over both families
	in_ns c1 ping -c 1 -W 2 "$c2_ip" >/dev/null || fail "$1: c1 cannot reach c2 ($c2_ip)"
	in_ns c1 ping -6 -c 1 -W 2 "$c2_ip6" >/dev/null || fail "$1: c1 cannot reach c2 ($c2_ip6)"
}
# moved COUNTER BEFORE WHAT: h1's COUNTER grew since BEFORE
moved() {
	local now
	now=$(stat_of h1 "$1")
	[ "$now" -gt "$2" ] || fail "$3: $1 did not move ($2 -> $now)"
	info "$3: $1 $2 -> $now"
}
# nothing_crossed BEFORE WHAT: h2 decapsulated nothing since BEFORE
nothing_crossed() {
	local now
	now=$(stat_of h2 rx_decap)
	[ "$now" = "$1" ] || fail "$2: $((now - $1)) frames reached h2"
}
reachable "before"
# From here on c1 knows c2 (static entries: what c1 sends is decided here,
# not by neighbour discovery).
in_ns c1 ip neigh replace "$c2_ip" lladdr "$c2_mac" dev eth0 nud permanent
in_ns c1 ip neigh replace "$c2_ip6" lladdr "$c2_mac" dev eth0 nud permanent

info "a changed MAC"
mac_b=$(stat_of h1 drop_spoof_mac)
dec_b=$(stat_of h2 rx_decap)
in_ns c1 ip link set eth0 address 02:00:00:66:66:66
in_ns c1 ping -c 2 -W 1 "$c2_ip" >/dev/null && fail "c1 with another MAC reached c2"
in_ns c1 ping -6 -c 1 -W 1 "$c2_ip6" >/dev/null && fail "c1 with another MAC reached c2 (IPv6)"
nothing_crossed "$dec_b" "another MAC"
moved drop_spoof_mac "$mac_b" "another MAC"
in_ns c1 ip link set eth0 address "$c1_mac"
# the kernel flushes the address's routes with the MAC change: put back
in_ns c1 ip route replace default via 10.23.0.1 dev eth0
reachable "own MAC again"

info "an address IPAM did not give"
ip_b=$(stat_of h1 drop_spoof_ip)
dec_b=$(stat_of h2 rx_decap)
in_ns c1 ip addr add 10.23.0.250/24 dev eth0
in_ns c1 ip addr add fd23::66/64 dev eth0 nodad
in_ns c1 ping -I 10.23.0.250 -c 2 -W 1 "$c2_ip" >/dev/null && fail "c1 from 10.23.0.250 reached c2"
in_ns c1 ping -6 -I fd23::66 -c 2 -W 1 "$c2_ip6" >/dev/null && fail "c1 from fd23::66 reached c2"
nothing_crossed "$dec_b" "foreign source addresses"
moved drop_spoof_ip "$ip_b" "foreign source addresses"
in_ns c1 ip addr del 10.23.0.250/24 dev eth0
in_ns c1 ip addr del fd23::66/64 dev eth0
# ... and with the container's own address replaced
in_ns c1 ip addr del "$c1_ip/24" dev eth0
in_ns c1 ip addr add 10.23.0.251/24 dev eth0
in_ns c1 ip neigh replace "$c2_ip" lladdr "$c2_mac" dev eth0 nud permanent
in_ns c1 ping -c 2 -W 1 "$c2_ip" >/dev/null && fail "c1 renumbered to 10.23.0.251 reached c2"
nothing_crossed "$dec_b" "a renumbered container"
in_ns c1 ip addr del 10.23.0.251/24 dev eth0
in_ns c1 ip addr add "$c1_ip/24" dev eth0
in_ns c1 ip route replace default via 10.23.0.1 dev eth0
reachable "own addresses again"

info "ARP claiming another's address"
arp_b=$(stat_of h1 drop_spoof_arp)
dec_b=$(stat_of h2 rx_decap)
# Gratuitous ARP for c2's address (broadcast), and a unicast ARP reply to
# c3 saying c2's address is at c1's MAC: a raw socket, as an attacker would.
in_ns c1 python3 - "$c1_mac" "$c2_ip" "$c3_mac" "$c3_ip" <<'EOF'
import socket, sys
mac = lambda s: bytes(int(x, 16) for x in s.split(":"))
ip = socket.inet_aton
me, victim, c3mac, c3ip = sys.argv[1:5]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
def arp(dst, op, tha, tpa):
    return mac(dst) + mac(me) + b"\x08\x06" + bytes.fromhex("000108000604") + op + \
        mac(me) + ip(victim) + mac(tha) + ip(tpa)
for _ in range(3):
    s.send(arp("ff:ff:ff:ff:ff:ff", b"\x00\x01", "00:00:00:00:00:00", victim))  # gratuitous
    s.send(arp(c3mac, b"\x00\x02", c3mac, c3ip))                               # poison c3
EOF
moved drop_spoof_arp "$arp_b" "ARP claiming $c2_ip"
nothing_crossed "$dec_b" "ARP claiming $c2_ip"
if in_ns c3 ip neigh show "$c2_ip" | grep -q "$c1_mac"; then
	fail "c3 believes $c2_ip is at c1's MAC"
fi
reachable "after the ARP attempts"
in_ns c3 ping -c 1 -W 2 "$c2_ip" >/dev/null || fail "c3 cannot reach c2"
in_ns c3 ip neigh show "$c2_ip" | grep -q "$c2_mac" || fail "c3 has the wrong MAC for c2"

for c in c1 c3; do
	cni h1 DEL "$(conf_for 1 1.0.0)" "cid-$c" eth0 "$c"
	cni_expect_ok empty "" "DEL $c"
done
cni h2 DEL "$(conf_for 2 1.0.0)" cid-c2 eth0 c2
cni_expect_ok empty "" "DEL c2"
no_leftovers h1 "DEL"
no_leftovers h2 "DEL"
