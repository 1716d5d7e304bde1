#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The seed's scenario over an IPv4 and then an IPv6 underlay, with each of
# the two decapsulation paths (XDP, TC): three hosts,
# one overlay (VNI 23) from one shared hosts.json, a container on each host
# with a VNIC made by `ovlctl vnic create --netns`. Every first ping to a
# never-contacted VNIC must be answered (nothing lost to the miss), IPv4
# and IPv6 (global and link-local) alike, and ARP/NDP are answered by ovl
# (no ARP request crosses the underlay).
#
#   c1 (ns) -- h1 --+            +-- h2 -- c2 (ns)
#                   +-- switch --+
#                   +-- h3 -- c3 (ns)
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools tshark tcpdump iperf3

run_family() {
	local fam=$1 decap=$2 i j ul
	info "underlay IPv$fam, decapsulation in $decap"
	RUN=$(printf '%04x%04x' $RANDOM $RANDOM)
	topo_switch
	for i in 1 2 3; do
		topo_host "h$i" "$i"
	done
	ul=(10.1.0.{1,2,3})
	[ "$fam" = 4 ] || ul=(fd00:1::{1,2,3})
	topo_hosts_json "$TOPO_DIR/hosts.json" "02:00:00:00:23:01 ${ul[0]} arp=10.23.0.1 ndp=fd23::1" \
		"02:00:00:00:23:02 ${ul[1]} arp=10.23.0.2 ndp=fd23::2" "02:00:00:00:23:03 ${ul[2]} arp=10.23.0.3 ndp=fd23::3"
	for i in 1 2 3; do
		topo_ovld "h$i" --decap "$decap"
		ovlctl_on "h$i" -j status | grep -q "\"decap\": \"$decap\"" ||
			fail "h$i does not decapsulate in $decap"
		topo_files_overlay "h$i" overlay0 23 "$TOPO_DIR/hosts.json" -p "vxlan/listen_ip=${ul[i - 1]}"
		topo_vnic "h$i" "c$i" overlay0 "02:00:00:00:23:0$i" "10.23.0.$i/24" "fd23::$i/64"
	done
	# Capture the overlay on the underlay: ovl answers ARP and NDP itself,
	# so no encapsulated ARP or neighbour solicitation may cross it.
	cap_start "ul$fam" sw any udp port 4789
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			in_ns "c$i" ping -c 1 -W 2 "10.23.0.$j" >/dev/null ||
				fail "IPv$fam underlay: first ping c$i -> 10.23.0.$j lost"
			in_ns "c$i" ping -6 -c 1 -W 2 "fd23::$j" >/dev/null ||
				fail "IPv$fam underlay: first ping c$i -> fd23::$j lost"
		done
	done
	# Link-local too: the kernel's EUI-64 address, which no hosts.json
	# lists; ovld derives the MAC from it. Wait for DAD to finish first.
	for i in 1 2; do
		wait_for 5 sh -c "! ip netns exec $(ns_name "c$i") ip -6 addr show dev eth0 | grep -q tentative" ||
			fail "c$i: link-local address still tentative"
	done
	ll=$(in_ns c2 ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1)
	in_ns c1 ping -6 -c 1 -W 2 "$ll%eth0" >/dev/null || fail "link-local ping c1 -> c2 ($ll) lost"
	# And a TCP transfer.
	in_ns c2 iperf3 -s -1 -D -p 5201 >/dev/null
	sleep 0.3
	in_ns c1 timeout 30 iperf3 -c 10.23.0.2 -t 2 -p 5201 >"$TOPO_DIR/iperf$fam.txt" ||
		fail "iperf3 over the IPv$fam underlay failed"
	cap_stop "ul$fam"
	[ "$(tshark -r "$TOPO_DIR/ul$fam.pcap" -Y vxlan 2>/dev/null | wc -l)" -gt 0 ] ||
		fail "no VXLAN captured on the underlay"
	n=$(tshark -r "$TOPO_DIR/ul$fam.pcap" -Y 'vxlan && (arp || icmpv6.type == 135)' 2>/dev/null | wc -l)
	[ "$n" = 0 ] || fail "$n encapsulated ARP/NS frames on the underlay: ovl answers them itself"
	for i in 1 2 3; do
		[ "$(stat_of "h$i" arp_reply)" -gt 0 ] || [ "$(stat_of "h$i" miss_arp)" -gt 0 ] ||
			fail "h$i answered no ARP"
		[ "$(stat_of "h$i" rx_decap)" -gt 0 ] || fail "h$i decapsulated nothing"
	done
	enc=tx_encap$fam
	[ "$(stat_of h1 "$enc")" -gt 0 ] || fail "h1 sent nothing through $enc"
	info "IPv$fam underlay, $decap: $(grep -E 'receiver' "$TOPO_DIR/iperf$fam.txt" | awk '{print $7, $8}')"
}

# Both decapsulation paths: XDP (what a NIC gets; the switch hands over
# finalized frames) and TC (what ovld picks on a veth underlay).
for decap in tc xdp; do
	run_family 4 $decap
	run_family 6 $decap
done
