#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The direct backend: a point-to-point tunnel, the seed's first plugin.
# Every frame of VNI 42 goes to the one underlay address the overlay names.
#
#   c1 (ns) -- h1 ============ VNI 42 ============ h2 -- c2 (ns)
#   10.42.0.1   direct/dest_ip=10.1.0.2           direct/dest_ip=10.1.0.1   10.42.0.2
#   fd42::1              \                          /                      fd42::2
#                         +-------- switch --------+
#                                     |
#               c3 (ns) -- h3   direct/dest_ip=10.1.0.2, but h2 does not name h3
#               10.42.0.3
#
# What it proves:
# 1. the containers of the tunnel ping each other both ways, IPv4 and IPv6,
#    and move TCP both ways (iperf3 and iperf3 -R);
# 2. ARP and neighbour discovery go through the tunnel (direct has no proxy
#    data): encapsulated ARP requests and neighbour solicitations of VNI 42
#    are on the wire, and they are answered by the far container;
# 3. the strict source check: h3, which is not h2's dest_ip, cannot get a
#    frame into VNI 42 on h2 (drop_peer_unknown counts them, c2 sees none).
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools tcpdump tshark iperf3

topo_switch
peer=(- 2 1 2) # h1 -> h2, h2 -> h1, h3 -> h2
for i in 1 2 3; do
	topo_host "h$i" "$i"
	topo_ovld "h$i"
	ovlctl_on "h$i" overlay create p2p -v 42 -e vxlan -s direct \
		-p "direct/dest_ip=10.1.0.${peer[$i]}" -p direct/dest_port=4789
	ns_add "c$i"
	ovlctl_on "h$i" vnic create eth0 -l p2p -m "02:00:00:00:42:0$i" --netns "$(ns_name "c$i")"
	in_ns "c$i" ip addr add "10.42.0.$i/24" dev eth0
	in_ns "c$i" ip addr add "fd42::$i/64" dev eth0 nodad
	in_ns "c$i" ip link set eth0 up
done

info "1. ping and TCP both ways"
cap_start wire sw br0 udp port 4789
in_ns c1 ping -c 2 -i 0.2 -W 2 10.42.0.2 >/dev/null || fail "c1 -> c2 (IPv4) lost"
in_ns c2 ping -c 2 -i 0.2 -W 2 10.42.0.1 >/dev/null || fail "c2 -> c1 (IPv4) lost"
in_ns c1 ping -6 -c 2 -i 0.2 -W 2 fd42::2 >/dev/null || fail "c1 -> c2 (IPv6) lost"
in_ns c2 ping -6 -c 2 -i 0.2 -W 2 fd42::1 >/dev/null || fail "c2 -> c1 (IPv6) lost"
cap_stop wire
ip netns exec "$(ns_name c2)" iperf3 -s -p 5201 >/dev/null 2>&1 &
srv=$!
on_exit "kill $srv"
wait_for 5 sh -c "ip netns exec $(ns_name c2) ss -Hltn sport = :5201 | grep -q LISTEN" ||
	fail "iperf3 server in c2 did not start"
in_ns c1 iperf3 -c 10.42.0.2 -p 5201 -t 2 >"$TOPO_DIR/up.txt" || fail "iperf3 c1 -> c2 failed"
in_ns c1 iperf3 -c 10.42.0.2 -p 5201 -t 2 -R >"$TOPO_DIR/down.txt" || fail "iperf3 c2 -> c1 failed"
info "TCP c1 -> c2 $(grep receiver "$TOPO_DIR/up.txt" | awk '{print $7, $8}')," \
	"c2 -> c1 $(grep receiver "$TOPO_DIR/down.txt" | awk '{print $7, $8}')"

info "2. ARP and NDP crossed the tunnel"
n=$(cap_count wire 'vxlan.vni == 42 && arp.opcode == 1')
[ "$n" -gt 0 ] || fail "no ARP request in VNI 42 on the wire"
n=$(cap_count wire 'vxlan.vni == 42 && arp.opcode == 2')
[ "$n" -gt 0 ] || fail "no ARP reply in VNI 42 on the wire"
n=$(cap_count wire 'vxlan.vni == 42 && icmpv6.type == 135')
[ "$n" -gt 0 ] || fail "no neighbour solicitation in VNI 42 on the wire"
n=$(cap_count wire 'vxlan.vni == 42 && icmpv6.type == 136')
[ "$n" -gt 0 ] || fail "no neighbour advertisement in VNI 42 on the wire"
# What h1 and h2 send goes to the other end and nowhere else.
n=$(cap_count wire 'vxlan && ((ip.src == 10.1.0.1 && ip.dst != 10.1.0.2) || (ip.src == 10.1.0.2 && ip.dst != 10.1.0.1))')
[ "$n" = 0 ] || fail "$n VXLAN frames of h1 or h2 not to the other end of the tunnel: $(tshark -r "$TOPO_DIR/wire.pcap" -Y 'vxlan && ip.dst == 10.1.0.3' 2>/dev/null)"
n=$(cap_count wire 'vxlan && ip.src == 10.1.0.3')
info "h3 sent $n frames of its own into its tunnel meanwhile (the kernel's IPv6 chatter)"

info "3. a third host's frames are not accepted"
before=$(stat_of h2 drop_peer_unknown)
# c3 knows c2's MAC, so its echo requests leave h3 at once (no ARP first).
in_ns c3 ip neigh replace 10.42.0.2 lladdr 02:00:00:00:42:02 dev eth0 nud permanent
cap_start c2in c2 eth0 -Q in ether src 02:00:00:00:42:03
in_ns c3 ping -c 5 -i 0.1 -W 1 10.42.0.2 >/dev/null && fail "c3 reached c2 through a tunnel that is not its"
cap_stop c2in
n=$(cap_count c2in)
[ "$n" = 0 ] || fail "$n frames of c3 reached c2"
after=$(stat_of h2 drop_peer_unknown)
[ "$after" -ge $((before + 5)) ] || fail "drop_peer_unknown on h2 went $before -> $after, want +5"
in_ns c1 ping -c 1 -W 2 10.42.0.2 >/dev/null || fail "c1 -> c2 lost after h3's attempt"
info "all good"
