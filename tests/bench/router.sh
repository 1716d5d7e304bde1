# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# tests/bench/router.sh - make bench's router part, sourced by bench.sh
# (after netns.sh and topo.sh, topo_switch done; it uses bench.sh's sample,
# SECS, REPS, CPU_A, CPU_B, MTU): a container reaching the world through
# ovl's router zone, against the same through a Linux bridge and the
# host's masquerade (what podman's and docker's bridge networks give).
#
#   ovl          c1 --veth-- h1 [ovld: overlay bench, VNI 23, router
#                10.23.0.11   10.23.0.1/24, masquerade on: the router zone
#                             SNATs to its transit address, the host
#                             masquerades that] u0 10.1.0.1 --veth-- u0 out
#   bridge_masq  c1 --veth-- h1 [br0 10.23.0.1/24, nft masquerade of
#                10.23.0.11   10.23.0.0/24] u0 10.1.0.1 --veth-- u0 out
#                                                            10.1.0.100
#
# The container has MTU 1450 on both paths (as ovl gives its VNICs), the
# LAN 1500; c1's default route is its gateway 10.23.0.1. Measured in
# rounds, the two paths interleaved:
#   out  c1 -> out (10.1.0.100): the container starts the connection and
#        is masqueraded;
#   in   out -> h1 10.1.0.1:8201 (8111) -> c1:5201 (11111): a published
#        port, DNAT (twice on ovl: the host to the router zone, the router
#        zone to the container; once on bridge_masq) as docker's -p does;
# each a TCP stream (iperf3, the sender on CPU_A, the receiver on CPU_B)
# and TCP request/response (sockperf ping-pong, 64 B, both ends on CPU_A),
# as bench.sh's tcp and rr parts. The devices of each path, with their
# MTU and offloads, go to bench.txt beside the figures.

RT_PATHS=(bridge_masq ovl)
declare -A RT_PRE=([bridge_masq]=masq [ovl]=rtr)
RT_C1=10.23.0.11
RT_GW=10.23.0.1
RT_H1=10.1.0.1
RT_OUT=10.1.0.100
RT_MAC=02:00:00:00:23:11
RT_VNI=23
# published ports: host port -> container port
RT_IPERF=5201 RT_IPERF_PUB=8201
RT_RR=11111 RT_RR_PUB=8111

# rt_lan PRE: namespaces PRE-h1, PRE-c1 and PRE-out, h1 and out on one
# veth (the LAN), the container's default route via the gateway.
rt_lan() {
	ns_add "$1-h1"
	ns_add "$1-c1"
	ns_add "$1-out"
	ns_link "$1-h1" u0 "$1-out" u0
	in_ns "$1-h1" ip addr add "$RT_H1/24" dev u0
	in_ns "$1-out" ip addr add "$RT_OUT/24" dev u0
}

rt_setup_masq() {
	local p=masq
	rt_lan $p
	in_ns $p-h1 ip link add br0 type bridge
	in_ns $p-h1 ip addr add "$RT_GW/24" dev br0
	in_ns $p-h1 ip link set br0 up
	veth_to $p-c1 $p-h1 vc "$RT_MAC"
	in_ns $p-h1 ip link set vc master br0
	in_ns $p-c1 ip addr add "$RT_C1/24" dev eth0
	in_ns $p-c1 ip route add default via "$RT_GW"
	in_ns $p-h1 sysctl -qw net.ipv4.ip_forward=1
	# docker's rules, in nft: masquerade what leaves the bridge's subnet
	# for elsewhere, DNAT a local address's published port to the
	# container (as ovld's host table does for its router zones)
	in_ns $p-h1 nft -f - <<-EOF
		table inet bench {
			chain prerouting {
				type nat hook prerouting priority dstnat; policy accept;
				fib daddr type local tcp dport $RT_IPERF_PUB dnat ip to $RT_C1:$RT_IPERF
				fib daddr type local tcp dport $RT_RR_PUB dnat ip to $RT_C1:$RT_RR
			}
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				ip saddr 10.23.0.0/24 oifname != "br0" masquerade
			}
		}
	EOF
}

# rt_forward HOST OVERLAY PORT ADDR TO_PORT: publish tcp PORT of HOST's
# addresses to ADDR:TO_PORT (`ovlctl forward add`, or forward.add on the
# control socket where ovlctl has no such verb yet).
rt_forward() {
	if "$OVLCTL" help forward >/dev/null 2>&1; then
		ovlctl_on "$1" forward add "$2" tcp "$3" "$4:$5" >/dev/null
		return
	fi
	python3 - "$OVL_RUN/$(inst_of "$1").sock" "$2" "$3" "$4" "$5" <<-'EOF'
		import json, socket, sys
		sock, ov, port, to, to_port = sys.argv[1:6]
		s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
		s.connect(sock)
		s.sendall(json.dumps({"cmd": "forward.add", "overlay": ov, "proto": "tcp",
		                      "port": int(port), "to": to, "to_port": int(to_port)}).encode() + b"\n")
		s.shutdown(socket.SHUT_WR)
		r = json.loads(s.makefile().readline())
		if not r.get("ok"):
		    sys.exit("forward.add %s -> %s:%s: %s" % (port, to, to_port, r.get("error")))
	EOF
}
OVL_RUN=${OVL_RUN:-/run/ovl}

rt_setup_ovl() {
	local p=rtr
	rt_lan $p
	topo_hosts_json "$TOPO_DIR/router-hosts.json" "$RT_MAC $RT_H1 arp=$RT_C1"
	topo_ovld $p-h1
	topo_files_overlay $p-h1 bench "$RT_VNI" "$TOPO_DIR/router-hosts.json" \
		-p "router/gateway=$RT_GW/24" -p router/masquerade=on
	topo_vnic $p-h1 $p-c1 bench "$RT_MAC" "$RT_C1/24"
	in_ns $p-c1 ip link set eth0 mtu "$MTU"
	in_ns $p-c1 ip route add default via "$RT_GW"
	rt_forward $p-h1 bench "$RT_IPERF_PUB" "$RT_C1" "$RT_IPERF" ||
		fail "router: forward.add of port $RT_IPERF_PUB refused"
	rt_forward $p-h1 bench "$RT_RR_PUB" "$RT_C1" "$RT_RR" ||
		fail "router: forward.add of port $RT_RR_PUB refused"
}

# rt_zone: the path of the router zone's namespace (router.c: bind-mounted
# at RUN_DIR/INSTANCE.router/VNI), as ovld sees it: `ip netns exec` gave it
# a mount namespace of its own, where that mount is.
# shellcheck disable=SC2154 # _topo_pid is topo.sh's
rt_zone() {
	echo "/proc/${_topo_pid[rtr-h1]}/root$OVL_RUN/$(inst_of rtr-h1).router/$RT_VNI"
}

# rt_devs PATH: the devices a packet crosses from c1 to out, their MTU and
# offloads: printed, and one JSON line each appended to $DEVICES.
rt_devs() {
	local pre=${RT_PRE[$1]} n
	{
		rt_devs_in c1 in_ns "$pre-c1"
		rt_devs_in h1 in_ns "$pre-h1"
		[ "$1" = ovl ] && rt_devs_in zone nsenter --net="$(rt_zone)"
		rt_devs_in out in_ns "$pre-out"
	} | while read -r n d mtu off; do
		printf '{"path": "%s", "ns": "%s", "dev": "%s", "mtu": %s, "offloads": "%s"}\n' \
			"$1" "$n" "$d" "$mtu" "$off" >>"$DEVICES"
		printf '  %-11s %-4s %-13s mtu %-5s %s\n' "$1" "$n" "$d" "$mtu" "$off"
	done
}

# rt_devs_in WHERE CMD...: "WHERE DEVICE MTU OFFLOADS" of each device (but
# lo) where CMD runs its argument (in_ns NS, nsenter --net=PATH).
rt_devs_in() {
	local where=$1 d mtu
	shift
	"$@" ip -o link show | awk -F': ' '$2 != "lo" {sub(/@.*/, "", $2); m = $3; sub(/.* mtu /, "", m);
		sub(/ .*/, "", m); print $2, m}' | while read -r d mtu; do
		echo "$where $d $mtu $("$@" ethtool -k "$d" 2>/dev/null | rt_offloads)"
	done
}

# ethtool -k on stdin -> "tso on, gso on, gro off"
rt_offloads() {
	awk -F': ' '
		$1 == "tcp-segmentation-offload" { t = $2 }
		$1 == "generic-segmentation-offload" { s = $2 }
		$1 == "generic-receive-offload" { r = $2 }
		END { printf "tso %s, gso %s, gro %s", t, s, r }' | sed 's/ \[fixed\]//g'
}

# rt_tcp PATH out|in: one TCP stream, Gbit/s received.
rt_tcp() {
	local pre=${RT_PRE[$1]} g
	if [ "$2" = out ]; then
		g=$(iperf_gbps "$pre-c1" "$pre-out" "$RT_OUT" "$RT_OUT" "$RT_IPERF" "$RT_IPERF" 1)
	else
		g=$(iperf_gbps "$pre-out" "$pre-c1" "$RT_C1" "$RT_H1" "$RT_IPERF_PUB" "$RT_IPERF" 1)
	fi
	[ -n "$g" ] || { echo "bench: iperf3 ($2) on the $1 router path failed" >&2; return 0; }
	sample "$1" "router_tcp1_$2_gbps" "$g"
}

# rt_rr PATH out|in: TCP request/response, transactions/s.
rt_rr() {
	local pre=${RT_PRE[$1]} r
	if [ "$2" = out ]; then
		r=$(sockperf_tps "$pre-c1" "$RT_OUT" "$RT_RR")
	else
		r=$(sockperf_tps "$pre-out" "$RT_H1" "$RT_RR_PUB")
	fi
	[ -n "$r" ] || { echo "bench: sockperf ($2) on the $1 router path gave no result" >&2; return 0; }
	sample "$1" "router_rr_$2_tps" "$r"
}

router_part() {
	local p pre r d
	echo "bench: router part: setting up ovl's router zone and a bridge with masquerade ($(date +%T))"
	rt_setup_masq
	rt_setup_ovl
	for p in "${RT_PATHS[@]}"; do
		pre=${RT_PRE[$p]}
		# both ways once: ARP, conntrack and the router's paths warm
		in_ns "$pre-c1" ping -c 2 -i 0.2 -W 2 "$RT_OUT" >/dev/null ||
			fail "no traffic on the $p router path: c1 cannot ping $RT_OUT"
		in_ns "$pre-c1" taskset -c "$CPU_A" sockperf server --tcp -i "$RT_C1" -p "$RT_RR" >/dev/null 2>&1 &
		on_exit "kill $!"
		in_ns "$pre-out" taskset -c "$CPU_A" sockperf server --tcp -i "$RT_OUT" -p "$RT_RR" >/dev/null 2>&1 &
		on_exit "kill $!"
	done
	echo "bench: router part: the devices from the container to the outside"
	for p in "${RT_PATHS[@]}"; do rt_devs "$p"; done
	sleep 0.5
	echo "bench: router part: $REPS rounds ($(date +%T))"
	for ((r = 1; r <= REPS; r++)); do
		echo "round $r"
		for d in out in; do
			for p in "${RT_PATHS[@]}"; do rt_tcp "$p" "$d"; done
			for p in "${RT_PATHS[@]}"; do rt_rr "$p" "$d"; done
		done
	done
}
