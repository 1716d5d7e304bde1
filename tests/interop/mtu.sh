#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# MTU done right. Containers get an MTU that fits the underlay (1500 - 50
# for an IPv4 underlay, - 70 for IPv6). A container whose MTU is
# deliberately too large (1500, as if nobody had told it) gets ICMP
# "fragmentation needed" / ICMPv6 "packet too big" from ovl for what
# cannot be encapsulated, the kernel's own path MTU discovery takes the
# MTU from it (`ip route get` shows it), and a TCP transfer that starts
# with full-size segments recovers instead of stalling.
#
#   c1 (MTU 1500) -- h1 --+-- switch (MTU 1500) --+-- h2 -- c2 (MTU 1500)
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init

run_family() {
	local fam=$1 u1 u2 mtu host i
	RUN=$(printf '%04x%04x' $RANDOM $RANDOM)
	info "underlay IPv$fam"
	topo_switch
	topo_host h1 1
	topo_host h2 2
	if [ "$fam" = 4 ]; then
		u1=10.1.0.1 u2=10.1.0.2 mtu=1450
	else
		u1=fd00:1::1 u2=fd00:1::2 mtu=1430
	fi
	topo_hosts_json "$TOPO_DIR/hosts.json" "02:00:00:00:15:01 $u1 arp=10.15.0.1 ndp=fd15::1" \
		"02:00:00:00:15:02 $u2 arp=10.15.0.2 ndp=fd15::2"
	for i in 1 2; do
		topo_ovld "h$i"
		topo_files_overlay "h$i" overlay0 15 "$TOPO_DIR/hosts.json"
		topo_vnic "h$i" "c$i" overlay0 "02:00:00:00:15:0$i" "10.15.0.$i/24" "fd15::$i/64"
		[ "$(in_ns "c$i" cat /sys/class/net/eth0/mtu)" = "$mtu" ] ||
			fail "IPv$fam: c$i got MTU $(in_ns "c$i" cat /sys/class/net/eth0/mtu), want $mtu"
		# Now break it: both ends of the veth at 1500.
		host=$(ovlctl_on "h$i" -j vnic list | python3 -c \
			'import json,sys; print(json.load(sys.stdin)[0]["host_ifname"])')
		in_ns "h$i" ip link set "$host" mtu 1500
		in_ns "c$i" ip link set eth0 mtu 1500
	done

	# TCP first, with 1448-byte segments that cannot fit: it must recover.
	in_ns c2 iperf3 -s -1 -D -p 5201 >/dev/null
	sleep 0.3
	in_ns c1 timeout 30 iperf3 -c 10.15.0.2 -p 5201 -t 3 >"$TOPO_DIR/tcp.txt" ||
		fail "IPv$fam: TCP with a too-large MTU did not recover"
	[ "$(stat_of h1 icmp_too_big)" -gt 0 ] || fail "IPv$fam: ovl sent no ICMP too big"
	in_ns c1 ip route get 10.15.0.2 | grep -q "mtu $mtu" ||
		fail "IPv$fam: c1 did not learn the path MTU: $(in_ns c1 ip route get 10.15.0.2)"
	info "IPv$fam: TCP recovered: $(awk '/receiver/ {print $(NF-2), $(NF-1)}' "$TOPO_DIR/tcp.txt")"

	# IPv6 inside: packet too big, and the route learns it.
	out=$(in_ns c1 ping -6 -c 1 -W 2 -M "do" -s 1452 fd15::2 2>&1 || true)
	echo "$out" | grep -qi "too big.*mtu[=:] *$mtu" || fail "IPv$fam: no ICMPv6 packet too big: $out"
	in_ns c1 ip -6 route get fd15::2 | grep -q "mtu $mtu" ||
		fail "IPv$fam: c1 did not learn the IPv6 path MTU"
	in_ns c1 ping -6 -c 2 -i 0.2 -W 2 -s $((mtu - 48)) fd15::2 >/dev/null ||
		fail "IPv$fam: a packet of the learned MTU does not pass"
	# IPv4 ping with DF: fragmentation needed, from the destination.
	in_ns c2 ip route flush cache
	out=$(in_ns c2 ping -c 1 -W 2 -M "do" -s 1472 10.15.0.1 2>&1 || true)
	echo "$out" | grep -qi "frag needed.*mtu = $mtu" || fail "IPv$fam: no ICMP fragmentation needed: $out"
}

run_family 4
run_family 6
