#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovl against the kernel's own vxlan device, both directions, over an IPv4
# and an IPv6 underlay: the peer is set up as operators set up flannel-style
# networks by hand (vxlan with nolearning, a bridge, static fdb entries for
# the remote MACs, an all-zeros fdb entry toward the ovl host for
# broadcast), with no static neighbour entries on either side. Ping and TCP
# both ways, IPv4 and IPv6 inside; our outer headers accepted as they are
# (the kernel drops a zero IPv6 UDP checksum); tshark decodes our frames as
# VXLAN with the right VNI, the I flag, zero reserved bits, a valid outer
# IPv4 header checksum and no malformed packet; UDP source ports vary with
# the flow.
#
#   c1 -- [ovld, XDP/TC] h1 --+-- switch --+-- h2 [vx0 + br0] -- c2
#         ovl, files backend  |            |   kernel vxlan, bridge fdb
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
command -v tshark >/dev/null || skip "tshark not installed"

VNI=4242

run_family() {
	local fam=$1 u1 u2 mtu h2
	RUN=$(printf '%04x%04x' $RANDOM $RANDOM)
	info "underlay IPv$fam"
	topo_switch
	topo_host h1 1
	topo_host h2 2
	if [ "$fam" = 4 ]; then u1=10.1.0.1 u2=10.1.0.2 mtu=1450; else u1=fd00:1::1 u2=fd00:1::2 mtu=1430; fi
	cat >"$TOPO_DIR/hosts.json" <<-EOF
		{ "02:00:00:42:00:01": {"ip": "$u1", "port": 4789, "arp": "10.42.0.1", "ndp": "fd42::1"},
		  "02:00:00:42:00:02": {"ip": "$u2", "port": 4789, "arp": "10.42.0.2", "ndp": "fd42::2"} }
	EOF
	topo_ovld h1
	ovlctl_on h1 overlay create net42 -v $VNI -e vxlan -s files \
		-p "files/config=$TOPO_DIR/hosts.json" -p "vxlan/listen_ip=$u1" >/dev/null
	ns_add c1
	ovlctl_on h1 vnic create eth0 -l net42 -m 02:00:00:42:00:01 --netns "$(ns_name c1)" >/dev/null
	in_ns c1 ip addr add 10.42.0.1/24 dev eth0
	in_ns c1 ip addr add fd42::1/64 dev eth0 nodad
	[ "$(in_ns c1 cat /sys/class/net/eth0/mtu)" = "$mtu" ] || fail "c1 MTU is not $mtu"

	# The kernel side, by hand.
	h2=$(ns_name h2)
	ip -n "$h2" link add vx0 type vxlan id $VNI dstport 4789 local "$u2" nolearning
	ip -n "$h2" link add br0 type bridge
	ip -n "$h2" link set vx0 master br0
	ip -n "$h2" link set vx0 up
	ip -n "$h2" link set br0 up
	ns_add c2
	ip link add eth0 netns "$(ns_name c2)" address 02:00:00:42:00:02 mtu "$mtu" type veth \
		peer name vc2 netns "$h2"
	ip -n "$h2" link set vc2 master br0 up
	in_ns c2 ip link set eth0 up
	in_ns c2 ip addr add 10.42.0.2/24 dev eth0
	in_ns c2 ip addr add fd42::2/64 dev eth0 nodad
	in_ns h2 bridge fdb append 00:00:00:00:00:00 dev vx0 dst "$u1"
	in_ns h2 bridge fdb add 02:00:00:42:00:01 dev vx0 dst "$u1" static

	# The wire as the kernel host receives it (after the switch port, where
	# checksums are final), whole frames, the first 20000.
	CAP_SNAPLEN=0 cap_start "wire$fam" h2 u0 -c 20000 udp port 4789

	for pair in "c1 10.42.0.2" "c2 10.42.0.1" "c1 fd42::2" "c2 fd42::1"; do
		set -- $pair
		in_ns "$1" ping -c 3 -i 0.2 -W 2 "$2" >/dev/null || fail "IPv$fam: ping $1 -> $2 failed"
	done
	# No static neighbours anywhere: ARP/ND had to work both ways.
	in_ns c2 ip neigh show | grep -q "10.42.0.1 .*02:00:00:42:00:01" ||
		fail "c2 did not learn c1 by ARP"
	in_ns c2 ip -6 neigh show | grep -q "fd42::1 .*02:00:00:42:00:01" ||
		fail "c2 did not learn c1 by neighbour discovery"

	# TCP both ways, several flows (for the source-port check).
	in_ns c2 iperf3 -s -1 -D -p 5201 >/dev/null
	sleep 0.3
	in_ns c1 timeout 30 iperf3 -c 10.42.0.2 -p 5201 -t 2 -P 4 >"$TOPO_DIR/tcp12.txt" ||
		fail "IPv$fam: TCP c1 -> c2 failed"
	in_ns c1 iperf3 -s -1 -D -p 5202 >/dev/null
	sleep 0.3
	in_ns c2 timeout 30 iperf3 -6 -c fd42::1 -p 5202 -t 2 >"$TOPO_DIR/tcp21.txt" ||
		fail "IPv$fam: TCP c2 -> c1 failed"
	info "IPv$fam: ovl->kernel $(awk '/receiver/ {print $(NF-2), $(NF-1)}' "$TOPO_DIR/tcp12.txt" | tail -1)," \
		"kernel->ovl $(awk '/receiver/ {print $(NF-2), $(NF-1)}' "$TOPO_DIR/tcp21.txt" | tail -1)"
	# Whatever went out must have been accepted: the kernel counts what
	# its vxlan socket refused (bad checksum, bad VXLAN) as UDP errors.
	in_ns h2 nstat -az Udp6InCsumErrors UdpInCsumErrors 2>/dev/null | awk 'NR > 1 && $2 != 0 {exit 1}' ||
		fail "IPv$fam: the kernel saw UDP checksum errors from ovl"

	cap_stop "wire$fam"
	check_wire "$fam" "$u1"
}

# tcount PCAP FILTER [OPTS...]: frames matching a display filter; a filter
# tshark does not understand is a failure, never a count of zero.
tcount() {
	local pcap=$1 filter=$2 out
	shift 2
	out=$(tshark "$@" -r "$pcap" -Y "$filter" 2>&1 >/dev/null) || fail "tshark -Y '$filter': $out"
	tshark "$@" -r "$pcap" -Y "$filter" 2>/dev/null | wc -l
}

# Decode what ovl sent with tshark: every VXLAN frame from ovl must be
# well-formed, and the checks are written as "all good" so that a field
# name tshark does not know cannot pass them.
check_wire() {
	local fam=$1 u1=$2 pcap="$TOPO_DIR/wire$1.pcap" src n good ports
	if [ "$fam" = 4 ]; then src="ip.src == $u1"; else src="ipv6.src == $u1"; fi
	n=$(tcount "$pcap" "$src && vxlan")
	[ "$n" -gt 100 ] || fail "IPv$fam: only $n VXLAN frames from ovl decoded"
	good=$(tcount "$pcap" "$src && vxlan.vni == $VNI && vxlan.flag_i == 1 && vxlan.flags_reserved == 0 && vxlan.flag_g == 0 && vxlan.flag_d == 0 && vxlan.flag_a == 0 && vxlan.gbp == 0 && vxlan.reserved8 == 0")
	[ "$good" = "$n" ] || fail "IPv$fam: $((n - good)) of $n frames from ovl with a wrong VNI, I flag or reserved bits"
	[ "$(tcount "$pcap" "$src && _ws.malformed")" = 0 ] ||
		fail "IPv$fam: tshark finds malformed frames from ovl"
	if [ "$fam" = 4 ]; then
		good=$(tcount "$pcap" "$src && vxlan && ip.checksum.status == 1" -o ip.check_checksum:TRUE)
		[ "$good" = "$n" ] || fail "IPv4: $((n - good)) of $n frames from ovl with a bad outer IP header checksum"
		good=$(tcount "$pcap" "$src && vxlan && udp.checksum == 0")
		[ "$good" = "$n" ] || fail "IPv4: outer UDP checksums should be zero (RFC 7348)"
	else
		good=$(tcount "$pcap" "$src && vxlan && udp.checksum.status == 1" -o udp.check_checksum:TRUE)
		[ "$good" = "$n" ] || fail "IPv6: $((n - good)) of $n frames from ovl with a bad outer UDP checksum"
	fi
	ports=$(tshark -r "$pcap" -Y "$src && vxlan" -T fields -e udp.srcport 2>/dev/null | sort -u)
	[ "$(echo "$ports" | wc -l)" -ge 4 ] || fail "IPv$fam: UDP source ports do not vary: $ports"
	for p in $ports; do
		[ "$p" -ge 49152 ] || fail "IPv$fam: UDP source port $p below 49152"
	done
	info "IPv$fam: $n frames from ovl checked by tshark, $(echo "$ports" | wc -l) source ports"
}

run_family 4
run_family 6
