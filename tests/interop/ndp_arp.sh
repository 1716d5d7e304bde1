#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Real neighbour tools against ovl's responder: arping and ndisc6 from a
# container get their answers from ovl (the BPF responder once the address
# is in ovl_neigh, ovld for the very first miss) and no ARP or neighbour
# solicitation crosses the underlay (tshark on the switch); IPv6 traffic,
# global and link-local, then flows across hosts.
#
#   c1 -- h1 --+-- switch (capture) --+-- h2 -- c2
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
for t in arping ndisc6 tshark; do
	command -v $t >/dev/null || skip "$t not installed"
done

topo_switch
topo_host h1 1
topo_host h2 2
topo_hosts_json "$TOPO_DIR/hosts.json" "02:00:00:00:66:01 10.1.0.1 arp=10.66.0.1 ndp=fd66::1" \
	"02:00:00:00:66:02 10.1.0.2 arp=10.66.0.2 ndp=fd66::2"
for i in 1 2; do
	topo_ovld "h$i"
	topo_files_overlay "h$i" overlay0 66 "$TOPO_DIR/hosts.json"
	topo_vnic "h$i" "c$i" overlay0 "02:00:00:00:66:0$i" "10.66.0.$i/24" "fd66::$i/64"
done
for i in 1 2; do
	wait_for 5 sh -c "! ip netns exec $(ns_name "c$i") ip -6 addr show dev eth0 | grep -q tentative" ||
		fail "c$i: link-local address still tentative"
done

cap_start ul sw any udp port 4789

# arping: the first request resolves through ovld, the rest in BPF.
out=$(in_ns c1 arping -c 3 -w 2 -i eth0 10.66.0.2 2>&1) || fail "arping got no answer: $out"
echo "$out" | grep -qi "02:00:00:00:66:02" || fail "arping answer is not c2's MAC: $out"
[ "$(stat_of h1 arp_reply)" -ge 2 ] || fail "BPF answered $(stat_of h1 arp_reply) ARP requests, want >= 2"

# ndisc6: a neighbour solicitation for c2's address, twice.
for n in 1 2; do
	out=$(in_ns c1 ndisc6 -1 -r 2 -w 1000 fd66::2 eth0 2>&1) || fail "ndisc6 got no answer: $out"
	echo "$out" | grep -qi "02:00:00:00:66:02" || fail "ndisc6 answer is not c2's MAC: $out"
done
[ "$(stat_of h1 ndp_reply)" -ge 1 ] || fail "BPF answered no neighbour solicitation"
# the kernel's own link-local, which no hosts.json lists
ll=$(in_ns c2 ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1)
out=$(in_ns c1 ndisc6 -1 -r 2 -w 1000 "$ll" eth0 2>&1) || fail "ndisc6 for $ll got no answer: $out"

# IPv6 traffic across, global and link-local.
in_ns c1 ping -6 -c 2 -i 0.2 -W 2 fd66::2 >/dev/null || fail "ping fd66::2 failed"
in_ns c1 ping -6 -c 2 -i 0.2 -W 2 "$ll%eth0" >/dev/null || fail "ping $ll failed"
in_ns c2 ping -6 -c 2 -i 0.2 -W 2 fd66::1 >/dev/null || fail "ping fd66::1 failed"

cap_stop ul
n=$(tshark -r "$TOPO_DIR/ul.pcap" -Y vxlan 2>/dev/null | wc -l)
[ "$n" -gt 0 ] || fail "no VXLAN seen on the underlay: the capture saw nothing"
bad=$(tshark -r "$TOPO_DIR/ul.pcap" -Y 'vxlan && (arp || icmpv6.type == 135 || icmpv6.type == 136)' 2>/dev/null | wc -l)
[ "$bad" = 0 ] || fail "$bad ARP/NDP frames crossed the underlay"
info "arp_reply $(stat_of h1 arp_reply), ndp_reply $(stat_of h1 ndp_reply), miss_arp $(stat_of h1 miss_arp), miss_ndp $(stat_of h1 miss_ndp); $n VXLAN frames on the wire, none ARP/NDP"
