#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Two tenants on the same two hosts, with the same overlay addresses and the
# same MACs, told apart by nothing but their VNI (23 for A, 24 for B; each
# its own overlay and its own hosts.json):
#
#   a1 (ns) 02:..:01 10.30.0.1 --+                      +-- a2 (ns) 02:..:02 10.30.0.2
#                                 h1 ==== switch ==== h2
#   b1 (ns) 02:..:01 10.30.0.1 --+   10.1.0.1  |  10.1.0.2  +-- b2 (ns) 02:..:02 10.30.0.2
#                                              |
#                                           rogue 10.1.0.9 (no ovld: forges VXLAN)
#
# What it proves:
# 1. each tenant's containers reach each other (ICMP both ways, TCP);
# 2. no frame of tenant A reaches a container of tenant B: tcpdump in b1
#    and b2 sees no ICMP and no TCP while only A pings and runs iperf3,
#    while the same capture in a2 sees A's pings (the method works);
# 3. on the wire both VNIs are there and A's payload only ever travels in
#    VNI 23 (tshark vxlan.vni);
# 4. a VXLAN packet forged with A's VNI from an underlay host that is not a
#    peer of VNI 23 is dropped by h2's XDP (drop_peer_unknown counts each
#    one) and a2 sees none of it; the same bytes sent from h1, a peer, do
#    reach a2 (so it is the source check that stopped them).
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools tcpdump tshark iperf3 python3

M1=02:00:00:00:00:01
M2=02:00:00:00:00:02
topo_switch
topo_host h1 1
topo_host h2 2
topo_host rogue 9
for t in a b; do
	cat >"$TOPO_DIR/hosts-$t.json" <<EOF
{
	"$M1": { "ip": "10.1.0.1", "port": 4789, "arp": "10.30.0.1", "ndp": "fd30::1" },
	"$M2": { "ip": "10.1.0.2", "port": 4789, "arp": "10.30.0.2", "ndp": "fd30::2" }
}
EOF
done
for i in 1 2; do
	topo_ovld "h$i"
	ovlctl_on "h$i" overlay create tenA -v 23 -e vxlan -s files \
		-p "files/config=$TOPO_DIR/hosts-a.json"
	ovlctl_on "h$i" overlay create tenB -v 24 -e vxlan -s files \
		-p "files/config=$TOPO_DIR/hosts-b.json"
	for t in a b; do
		ns_add "$t$i"
		ovlctl_on "h$i" vnic create "e$t" -l "ten${t^^}" -m "02:00:00:00:00:0$i" \
			--netns "$(ns_name "$t$i")"
		in_ns "$t$i" ip link set "e$t" up
		in_ns "$t$i" ip addr add "10.30.0.$i/24" dev "e$t"
		in_ns "$t$i" ip addr add "fd30::$i/64" dev "e$t" nodad
	done
done
n=$(ovlctl_on h1 -j endpoint list | python3 -c '
import json, sys
eps = json.load(sys.stdin)
print(len({(e["vni"], e["mac"]) for e in eps if e["mac"] == sys.argv[1]}))' "$M1")
[ "$n" = 2 ] || fail "h1 should have $M1 twice, on VNI 23 and 24: $(ovlctl_on h1 endpoint list)"

info "1. each tenant reaches itself"
for t in a b; do
	in_ns "${t}1" ping -c 1 -W 2 10.30.0.2 >/dev/null || fail "tenant $t: ${t}1 -> 10.30.0.2 lost"
	in_ns "${t}2" ping -c 1 -W 2 10.30.0.1 >/dev/null || fail "tenant $t: ${t}2 -> 10.30.0.1 lost"
	in_ns "${t}1" ping -6 -c 1 -W 2 fd30::2 >/dev/null || fail "tenant $t: ${t}1 -> fd30::2 lost"
done

info "2. tenant A's traffic never reaches tenant B"
# Incoming only: what B's own kernel sends (MLD, router solicitations) is
# not A's.
cap_start b1 b1 eb -Q in icmp or icmp6 or tcp
cap_start b2 b2 eb -Q in icmp or icmp6 or tcp
cap_start a2 a2 ea icmp
cap_start wire sw br0 udp port 4789
# A's echo requests carry a pattern of their own, so they can be told apart
# on the wire.
in_ns a1 ping -c 20 -i 0.05 -W 2 -p a5a5a5a5 10.30.0.2 >/dev/null || fail "tenant A: pings lost"
in_ns a2 ping -c 20 -i 0.05 -W 2 -p a5a5a5a5 10.30.0.1 >/dev/null || fail "tenant A: pings lost"
in_ns a1 ping -6 -c 5 -i 0.05 -W 2 -p a5a5a5a5 fd30::2 >/dev/null || fail "tenant A: v6 pings lost"
in_ns a2 iperf3 -s -1 -D -p 5201 >/dev/null
wait_for 5 sh -c "ip netns exec $(ns_name a2) ss -Hltn sport = :5201 | grep -q LISTEN" ||
	fail "iperf3 server in a2 did not start"
in_ns a1 iperf3 -c 10.30.0.2 -p 5201 -t 2 -b 100M >"$TOPO_DIR/iperf.txt" || fail "tenant A: iperf3 failed"
cap_stop b1
cap_stop b2
cap_stop a2
for c in b1 b2; do
	n=$(cap_count "$c")
	[ "$n" = 0 ] || fail "$n frames of tenant A reached $c: $(tshark -r "$TOPO_DIR/$c.pcap" 2>/dev/null | head)"
done
n=$(cap_count a2 'icmp.type == 8')
[ "$n" -ge 20 ] || fail "a2 saw $n echo requests of tenant A, want 20"
info "tenant A: $(grep receiver "$TOPO_DIR/iperf.txt" | awk '{print $7, $8}'), B saw nothing"

info "3. two VNIs on the wire"
in_ns b1 ping -c 10 -i 0.05 -W 2 -p 5b5b5b5b 10.30.0.2 >/dev/null || fail "tenant B: pings lost"
cap_stop wire
vnis=$(tshark -r "$TOPO_DIR/wire.pcap" -T fields -e vxlan.vni 2>/dev/null | sort -un | paste -sd' ')
[ "$vnis" = "23 24" ] || fail "VNIs on the wire: \"$vnis\", want \"23 24\""
a_pat='icmp && frame contains a5:a5:a5:a5:a5:a5:a5:a5'
b_pat='icmp && frame contains 5b:5b:5b:5b:5b:5b:5b:5b'
n=$(cap_count wire "vxlan.vni == 23 && $a_pat")
[ "$n" -ge 80 ] || fail "$n of tenant A's echo frames in VNI 23 on the wire, want 80"
n=$(cap_count wire "vxlan.vni == 24 && $b_pat")
[ "$n" -ge 20 ] || fail "$n of tenant B's echo frames in VNI 24 on the wire, want 20"
n=$(cap_count wire "vxlan.vni != 23 && $a_pat")
[ "$n" = 0 ] || fail "$n of tenant A's frames outside VNI 23"
n=$(cap_count wire "vxlan.vni != 24 && $b_pat")
[ "$n" = 0 ] || fail "$n of tenant B's frames outside VNI 24"
n=$(cap_count wire "vxlan.vni == 23 && tcp.dstport == 5201")
[ "$n" -gt 0 ] || fail "tenant A's TCP not seen in VNI 23 on the wire"

info "4. a forged frame of VNI 23 from a host that is not its peer"
forge() {
	local from=$1 src=$2
	in_ns "$from" python3 "$OVL_TOP/tests/lib/vxlan_send.py" --src "$src" --dst 10.1.0.2 \
		--vni 23 --inner-dst "$M2" --inner-src "$M1" --ip-src 10.30.0.1 --ip-dst 10.30.0.2 \
		--icmp-id 0x0bad --count 5
}
before=$(stat_of h2 drop_peer_unknown)
cap_start forged a2 ea icmp
forge rogue 10.1.0.9
wait_for 5 test "$(stat_of h2 drop_peer_unknown)" -ge $((before + 5)) ||
	fail "drop_peer_unknown on h2 did not count the 5 forged frames ($before -> $(stat_of h2 drop_peer_unknown))"
sleep 0.5
after=$(stat_of h2 drop_peer_unknown)
[ "$after" = $((before + 5)) ] || fail "drop_peer_unknown went $before -> $after, want +5"
cap_stop forged
n=$(cap_count forged)
[ "$n" = 0 ] || fail "$n forged frames reached a2"
# The control: the same bytes from h1, a peer of VNI 23, are delivered.
cap_start control a2 ea icmp
forge h1 10.1.0.1
wait_for 5 test "$(cap_count control 'icmp.ident == 0x0bad && icmp.type == 8')" -ge 5 ||
	fail "the forged frames sent from a peer did not reach a2 either: the test proves nothing"
cap_stop control
[ "$(stat_of h2 drop_peer_unknown)" = "$after" ] || fail "frames from a peer counted as drop_peer_unknown"
info "all good"
