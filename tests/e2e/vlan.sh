#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# VLAN tags from a container never reach the underlay.
#
#   c1 (ns) eth0 10.40.0.1 -- h1 ==== switch (capture on h1's port) ==== h2 -- c2 (ns) 10.40.0.2
#
# c1's root sends UDP datagrams to c2 from a packet socket: some with an
# 802.1Q tag (VID 5), some with an 802.1ad tag in front of an 802.1Q one
# (QinQ), some untagged. The host's receive path moves the outer tag of a
# frame from the veth into skb metadata before ovl's TC program runs
# (skb_vlan_untag()); forwarded as it was, the encapsulated frame would
# leave h1 with that tag, and c1 would pick the underlay VLAN of its VXLAN
# packets.
#
# What it proves:
# 1. no tagged frame leaves h1: its switch port sees no 802.1Q/802.1ad
#    frame, and no VXLAN packet that carries a tagged datagram's payload;
# 2. h1 counts every one of them as drop_vlan;
# 3. the untagged datagrams from the same container, sent the same way
#    right after, do cross (VXLAN on the wire, received in c2).
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools tcpdump tshark python3

M1=02:00:00:40:00:01
M2=02:00:00:40:00:02
topo_switch
topo_host h1 1
topo_host h2 2
topo_hosts_json "$TOPO_DIR/hosts.json" "$M1 10.1.0.1 arp=10.40.0.1" "$M2 10.1.0.2 arp=10.40.0.2"
for i in 1 2; do
	topo_ovld "h$i"
	topo_files_overlay "h$i" ov40 40 "$TOPO_DIR/hosts.json"
	topo_vnic "h$i" "c$i" ov40 "02:00:00:40:00:0$i" "10.40.0.$i/24"
done
# c1 reaches c2, and h1 has c2's forwarding entry from here on: the frames
# below take the data path, not the first-frame path through ovld.
in_ns c1 ping -c 2 -W 2 10.40.0.2 >/dev/null || fail "c1 cannot reach c2"

send() { # send PAYLOAD [ARGS...]: 5 datagrams c1 -> c2 from a packet socket
	local payload=$1
	shift
	in_ns c1 python3 "$OVL_TOP/tests/lib/frames.py" eth0 udp4 --dst-mac "$M2" --src-mac "$M1" \
		--src 10.40.0.1 --dst 10.40.0.2 --payload "$payload" --count 5 "$@"
}

cap_start wire sw ph1
cap_start c2 c2 eth0 udp port 5555
before=$(stat_of h1 drop_vlan)
send ovl-tagged-8021q --vlan 5
send ovl-tagged-qinq --qinq 7 --vlan 5
send ovl-untagged
wait_for 5 test "$(cap_count c2 'frame contains "ovl-untagged"')" -ge 5 ||
	fail "the untagged datagrams did not reach c2 either: the test proves nothing"
cap_stop c2
cap_stop wire

info "1. no tag on the underlay"
n=$(cap_count wire 'vlan')
[ "$n" = 0 ] || fail "$n tagged frames left h1: $(tshark -r "$TOPO_DIR/wire.pcap" -Y vlan 2>/dev/null | head -3)"
n=$(cap_count wire 'frame contains "ovl-tagged"')
[ "$n" = 0 ] || fail "$n frames with the tagged datagrams' payload left h1"
n=$(cap_count wire 'vxlan && frame contains "ovl-untagged"')
[ "$n" -ge 5 ] || fail "$n untagged datagrams in VXLAN on the wire, want 5"

info "2. counted"
after=$(stat_of h1 drop_vlan)
[ "$after" = $((before + 10)) ] || fail "drop_vlan on h1 went $before -> $after, want +10"
n=$(cap_count c2 'frame contains "ovl-tagged"')
[ "$n" = 0 ] || fail "$n tagged datagrams reached c2"

info "3. c1 still reaches c2"
in_ns c1 ping -c 1 -W 2 10.40.0.2 >/dev/null || fail "c1 cannot reach c2 after the tagged frames"
info "all good: 10 tagged frames dropped (drop_vlan), 5 untagged delivered"
