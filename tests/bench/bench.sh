#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/bench/bench.sh - `make bench`: ovl side by side with the kernel's
# vxlan + bridge path and with no overlay at all, in one run, on this machine.
# Not a test: it prints figures and ratios, it asserts nothing about speed.
#
#   tests/bench/bench.sh [-r REPS] [-t SECONDS] [-o DIR] [-q] [-p PARTS] [-w] [-h]
#     -r REPS     rounds of the interleaved measurements (default 3)
#     -t SECONDS  length of one TCP or request/response run (default 3)
#     -o DIR      where bench.json, bench.txt and bench.png go
#                 (default build/bench/results)
#     -q          quick: one round, 1 s runs, small samples (a smoke run)
#     -p PARTS    only these parts, comma-separated, of: tcp rr ping pps bpf
#                 miss cp cni nogso router etcd (default: all); miss: the
#                 first TCP connect and UDP datagram to a destination ovl
#                 does not know (cold, or its entry just deleted), timed
#                 until a socket in the far container has it (p50/p99,
#                 and how many needed a retransmission), and the miss
#                 events ovld absorbs; router: a container on an overlay with a router
#                 zone (masquerade on) against one on a Linux bridge with
#                 the host's masquerade (docker's and podman's bridge
#                 networks), TCP throughput and request/response to a
#                 server outside on the LAN and back through a published
#                 port (about 2 minutes; tests/bench/router.sh);
#                 etcd: the etcd backend's control plane with 10
#                 and 50 simulated hosts (an ovld each) and 10,000 endpoints
#                 published through the backend by ovl-etcd-load: publish
#                 -> forwarding-ready on every other host (p50/p99/max),
#                 etcd writes/s, watch events/s, ovld CPU and memory per
#                 1,000 cached entries, convergence after a 30 s etcd
#                 outage and after an ovld restart (which must republish
#                 nothing); about 6 minutes (-q: 10 hosts, 2,000
#                 endpoints, a 5 s outage)
#     -w          wait before tearing down (to look around: Enter ends it)
#     -h          this text
#
# Three paths between two containers on two simulated hosts joined by one
# veth (the underlay, MTU 1500); every container has MTU 1450:
#
#   routed   c1 -- h1 ==routing== h2 -- c2            no overlay (the ceiling)
#   kernel   c1 -- br0+vxlan0 h1 == h2 vxlan0+br0 -- c2   static bridge fdb
#                                                      (flannel's vxlan backend)
#   ovl      c1 -- h1 [ovld, files] == h2 [ovld] -- c2 our data path
#
# Each path has namespaces of its own, so no path's programs or devices
# touch another's packets. Measurements interleave the paths (routed,
# kernel, ovl, routed, ...) and repeat, so a noisy machine shows as spread:
# the report gives the median and min-max of each, and ovl's ratios to
# kernel and to routed.
OVL_TOP=${OVL_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
OVL_BUILD=${OVL_BUILD:-$OVL_TOP/build}
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
. "$OVL_TOP/tests/bench/etcd.sh"
. "$OVL_TOP/tests/bench/router.sh"

REPS=3
SECS=3
QUICK=0
OUT=$OVL_BUILD/bench/results
PARTS=tcp,rr,ping,pps,bpf,miss,cp,cni,nogso,router,etcd
WAIT=0
usage() {
	sed -n '8,37s/^# \{0,1\}//p' "$0"
}
while getopts "r:t:o:qp:wh" opt; do
	case $opt in
	h) usage; exit 0 ;;
	p) PARTS=$OPTARG ;;
	w) WAIT=1 ;;
	r) REPS=$OPTARG ;;
	t) SECS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	q) QUICK=1 REPS=1 SECS=1 ;;
	*)
		usage >&2
		exit 2
		;;
	esac
done
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "bench: -r wants a positive number, not '$REPS'" >&2; exit 2; }
[[ $SECS =~ ^[1-9][0-9]*$ ]] || { echo "bench: -t wants whole seconds, not '$SECS'" >&2; exit 2; }
for part in ${PARTS//,/ }; do
	case $part in
	tcp | rr | ping | pps | bpf | miss | cp | cni | nogso | router | etcd) ;;
	*) echo "bench: -p: no part '$part' (tcp rr ping pps bpf miss cp cni nogso router etcd)" >&2; exit 2 ;;
	esac
done

# want PART: whether PART is to be measured.
want() {
	[[ ",$PARTS," == *",$1,"* ]]
}

# paths: whether a part other than etcd and router (which make hosts of
# their own) is to be measured: those need the three paths.
paths() {
	[ -n "$(echo ",$PARTS," | sed 's/,etcd,/,/g; s/,router,/,/g; s/,//g')" ]
}

ns_init
need_tools python3
paths && need_tools iperf3 sockperf ping ethtool bpftool
want router && need_tools iperf3 sockperf ping ethtool nft nsenter
for t in ovl-pktgen ovl-misslat ovl-floor; do
	[ -x "$OVL_BUILD/bench/$t" ] || fail "no $OVL_BUILD/bench/$t: run make first"
done
mkdir -p "$OUT"
SAMPLES=$OUT/samples.jsonl
: >"$SAMPLES"
DEVICES=$OUT/devices.jsonl # the router part's devices, MTUs and offloads
: >"$DEVICES"
PATHS=(routed kernel ovl)
MTU=1450
T0=$(date +%s)

# sample PATH METRIC VALUE: one measurement, one JSON line (and one printed).
sample() {
	printf '{"path": "%s", "metric": "%s", "value": %s}\n' "$1" "$2" "$3" >>"$SAMPLES"
	printf '  %-11s %-22s %s\n' "$1" "$2" "$3"
}

# c1/c2/h1/h2 of a path: bench namespaces are named PATH-c1 and so on.
MAC_C1=02:00:00:be:00:01
MAC_C2=02:00:00:be:00:02
declare -A IP_C2 IP_C1 HOSTVETH_C1 DSTMAC

hosts_pair() {
	local p=$1
	ns_add "$p-h1"
	ns_add "$p-h2"
	ns_add "$p-c1"
	ns_add "$p-c2"
	ns_link "$p-h1" u0 "$p-h2" u0
	ip -n "$(ns_name "$p-h1")" addr add 10.1.0.1/24 dev u0
	ip -n "$(ns_name "$p-h2")" addr add 10.1.0.2/24 dev u0
}

# veth_to NS_C NS_H HOSTIF MAC: the container's eth0 and its host end.
veth_to() {
	ip link add eth0 netns "$(ns_name "$1")" address "$4" mtu $MTU type veth \
		peer name "$3" netns "$(ns_name "$2")" mtu $MTU
	ip -n "$(ns_name "$1")" link set eth0 up
	ip -n "$(ns_name "$2")" link set "$3" up
}

setup_routed() {
	local i
	hosts_pair routed
	for i in 1 2; do
		veth_to "routed-c$i" "routed-h$i" vc "02:00:00:be:0$i:01"
		in_ns "routed-c$i" ip addr add "10.10.$i.2/24" dev eth0
		in_ns "routed-c$i" ip route add default via "10.10.$i.1"
		in_ns "routed-h$i" ip addr add "10.10.$i.1/24" dev vc
		in_ns "routed-h$i" sysctl -qw net.ipv4.ip_forward=1
	done
	in_ns routed-h1 ip route add 10.10.2.0/24 via 10.1.0.2
	in_ns routed-h2 ip route add 10.10.1.0/24 via 10.1.0.1
	IP_C1[routed]=10.10.1.2
	IP_C2[routed]=10.10.2.2
	HOSTVETH_C1[routed]=vc
	DSTMAC[routed]=$(in_ns routed-h1 cat /sys/class/net/vc/address)
}

setup_kernel() {
	local i me peer mac
	hosts_pair kernel
	for i in 1 2; do
		me=10.1.0.$i peer=10.1.0.$((3 - i))
		in_ns "kernel-h$i" ip link add vx0 type vxlan id 100 dstport 4789 local "$me" \
			dev u0 nolearning
		in_ns "kernel-h$i" ip link add br0 type bridge
		in_ns "kernel-h$i" ip link set vx0 master br0 up
		in_ns "kernel-h$i" ip link set br0 up
		mac=$MAC_C1
		[ "$i" = 2 ] && mac=$MAC_C2
		veth_to "kernel-c$i" "kernel-h$i" vc "$mac"
		in_ns "kernel-h$i" ip link set vc master br0
		in_ns "kernel-c$i" ip addr add "10.20.0.$i/24" dev eth0
		# flannel's way: the remote MACs static, broadcast to the peer
		in_ns "kernel-h$i" bridge fdb append 00:00:00:00:00:00 dev vx0 dst "$peer"
		[ "$i" = 1 ] && mac=$MAC_C2 || mac=$MAC_C1
		in_ns "kernel-h$i" bridge fdb add "$mac" dev vx0 dst "$peer" static
	done
	IP_C1[kernel]=10.20.0.1
	IP_C2[kernel]=10.20.0.2
	HOSTVETH_C1[kernel]=vc
	DSTMAC[kernel]=$MAC_C2
}

# hosts.json for the ovl path: the two containers, and nothing for the
# 02:00:0N:* MACs the miss flood sends to (miss_absorb).
write_hosts_json() {
	python3 - "$1" <<-'EOF'
		import json, sys
		h = {"02:00:00:be:00:01": {"ip": "10.1.0.1", "port": 4789, "arp": "10.30.0.1"},
		     "02:00:00:be:00:02": {"ip": "10.1.0.2", "port": 4789, "arp": "10.30.0.2"}}
		json.dump(h, open(sys.argv[1], "w"), indent=1)
	EOF
}

setup_ovl() {
	local i mac
	hosts_pair ovl
	write_hosts_json "$TOPO_DIR/hosts.json"
	for i in 1 2; do
		mac=$MAC_C1
		[ "$i" = 2 ] && mac=$MAC_C2
		topo_ovld "ovl-h$i"
		ovlctl_on "ovl-h$i" overlay create bench -v 30 -e vxlan -s files \
			-p "files/config=$TOPO_DIR/hosts.json" >/dev/null
		ovlctl_on "ovl-h$i" vnic create eth0 -l bench -m "$mac" \
			--netns "$(ns_name "ovl-c$i")" >/dev/null
		in_ns "ovl-c$i" ip link set eth0 mtu $MTU
		in_ns "ovl-c$i" ip addr add "10.30.0.$i/24" dev eth0
	done
	IP_C1[ovl]=10.30.0.1
	IP_C2[ovl]=10.30.0.2
	HOSTVETH_C1[ovl]=$(host_end ovl)
	DSTMAC[ovl]=$MAC_C2
}

# host_end PATH: the name of c1's veth peer in h1.
host_end() {
	local idx
	idx=$(in_ns "$1-c1" cat /sys/class/net/eth0/iflink)
	in_ns "$1-h1" ip -o link show | awk -F': ' -v i="$idx" '$1 == i {sub(/@.*/, "", $2); print $2}'
}

# The devices of every namespace of a path (lo aside).
path_devs() {
	in_ns "$1" ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); if ($2 != "lo") print $2}'
}

# offloads on|off: GSO, TSO and GRO on every device of every path.
offloads() {
	local p n d
	for p in "${PATHS[@]}"; do
		for n in h1 h2 c1 c2; do
			for d in $(path_devs "$p-$n"); do
				in_ns "$p-$n" ethtool -K "$d" gso "$1" tso "$1" gro "$1" 2>/dev/null || true
			done
		done
	done
}

# ---- measurements -------------------------------------------------------

# Where the ends run. A virtual CPU that goes idle between two packets
# takes long and varying times to wake up (on this kind of VM a
# request/response run varied by 2x when client and server sat on different
# CPUs), so the request/response ends share one CPU: a transaction is then
# the path both ways and two context switches. A bulk transfer keeps both
# CPUs busy: the sender (with the path it drives) on one, the receiver on
# the other. The same for every path.
CPU_A=0
CPU_B=$(($(nproc) > 1 ? 1 : 0))

# iperf_gbps CLIENT SERVER LISTEN_ADDR ADDR PORT LISTEN_PORT STREAMS: iperf3
# from namespace CLIENT to ADDR:PORT, its server in SERVER on
# LISTEN_ADDR:LISTEN_PORT (the same unless a NAT is between them): Gbit/s
# received, or nothing (and why on stderr) when it failed.
iperf_gbps() {
	local c=$1 s=$2 port=$6 pid=$TOPO_DIR/iperf-server.pid
	# the last run's server on this port may still be on its way out
	wait_for 5 port_free "$s" "$port" || true
	rm -f "$pid"
	in_ns "$s" taskset -c "$CPU_B" iperf3 -s -1 -D -I "$pid" -p "$port" -B "$3" >/dev/null
	wait_for 5 port_listening "$s" "$port" || true
	sleep 0.2
	if ! in_ns "$c" timeout $((SECS + 20)) taskset -c "$CPU_A" iperf3 -c "$4" -p "$5" -t "$SECS" \
		-P "$7" -J >"$TOPO_DIR/iperf.json" 2>&1; then
		echo "iperf3 $c -> $4:$5: $(head -c 400 "$TOPO_DIR/iperf.json")" >&2
		# the server waits for a client that is not coming
		[ -s "$pid" ] && kill "$(cat "$pid")" 2>/dev/null
		return 0
	fi
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1]));
print("%.3f" % (j["end"]["sum_received"]["bits_per_second"] / 1e9))' "$TOPO_DIR/iperf.json"
}

# port_listening NS PORT: something listens on TCP PORT in namespace NS;
# port_free NS PORT: nothing does.
port_listening() {
	in_ns "$1" ss -Htln "sport = :$2" | grep -q .
}
port_free() {
	! port_listening "$@"
}

# tcp PATH STREAMS METRIC: iperf3 from c1 to c2, Gbit/s received.
tcp() {
	local p=$1 port=$((5200 + RANDOM % 500)) g
	g=$(iperf_gbps "$p-c1" "$p-c2" "${IP_C2[$p]}" "${IP_C2[$p]}" "$port" "$port" "$2")
	[ -n "$g" ] || { echo "bench: iperf3 on $p failed" >&2; return 0; }
	sample "$p" "$3" "$g"
}

# sockperf_tps CLIENT ADDR PORT: TCP request/response from namespace CLIENT
# to a sockperf server at ADDR:PORT, 64-byte messages, one in flight
# (netperf's TCP_RR): transactions per second, or nothing.
sockperf_tps() {
	in_ns "$1" timeout $((SECS + 20)) taskset -c "$CPU_A" sockperf ping-pong --tcp -i "$2" -p "$3" \
		-t "$SECS" -m 64 --mps=max 2>&1 | python3 -c '
import re, sys
t = sys.stdin.read()
m = re.search(r"RunTime=([0-9.]+) sec; Warm up time=\d+ msec; SentMessages=\d+; ReceivedMessages=(\d+)", t)
print("%.0f" % (int(m.group(2)) / float(m.group(1))) if m else "")'
}

# rr PATH: TCP request/response between c1 and c2 (sockperf_tps).
rr() {
	local p=$1 r
	r=$(sockperf_tps "$p-c1" "${IP_C2[$p]}" 11111)
	[ -n "$r" ] || { echo "bench: sockperf on $p gave no result" >&2; return 0; }
	sample "$p" tcp_rr_tps "$r"
}

# ping_rtt PATH: the median round trip of 1000 pings sent back to back
# (ping -A: each as soon as the last answer came, so the CPU hardly
# idles), microseconds.
ping_rtt() {
	local p=$1 r
	r=$(in_ns "$p-c1" taskset -c "$CPU_A" ping -A -c "$((QUICK ? 200 : 1000))" -W 1 "${IP_C2[$p]}" 2>&1 |
		python3 -c '
import re, statistics, sys
v = [float(x) for x in re.findall(r"time=([0-9.]+) ms", sys.stdin.read())]
print("%.1f" % (statistics.median(v) * 1000) if v else "")')
	[ -n "$r" ] || { echo "bench: ping on $p failed" >&2; return 0; }
	sample "$p" ping_rtt_us "$r"
}

rx_packets() {
	in_ns "$1-c2" cat /sys/class/net/eth0/statistics/rx_packets
}

# pps PATH [METRIC]: 60-byte UDP frames from ovl-pktgen in c1 as fast as it
# goes, counted where they arrive: c2's eth0 (dropped by a tc filter right
# there, so c2's own stack does not limit the count). The rate is the
# sample METRIC (udp64_mpps; none when METRIC is empty: a load, not a
# measurement).
pps() {
	local p=$1 metric=${2-udp64_mpps} a b
	in_ns "$p-h1" ethtool -K "${HOSTVETH_C1[$p]}" gro on >/dev/null
	in_ns "$p-c2" tc qdisc add dev eth0 clsact
	# classic BPF in direct-action mode, "return TC_ACT_SHOT": this kernel
	# has neither the matchall classifier nor the gact action
	in_ns "$p-c2" tc filter add dev eth0 ingress bpf da bytecode '1,6 0 0 2'
	a=$(rx_packets "$p")
	in_ns "$p-c1" "$OVL_BUILD/bench/ovl-pktgen" -i eth0 --src-mac "$(in_ns "$p-c1" cat /sys/class/net/eth0/address)" \
		--dst-mac "${DSTMAC[$p]}" --src-ip "${IP_C1[$p]}" --dst-ip "${IP_C2[$p]}" \
		--dport 9 --flows 16 -t "$SECS" --saturate -j >"$TOPO_DIR/pktgen.json" 2>"$TOPO_DIR/pktgen.err" ||
		echo "bench: ovl-pktgen on $p: $(cat "$TOPO_DIR/pktgen.err")" >&2
	# its warnings (live frames refused: the slower AF_PACKET generator)
	[ -s "$TOPO_DIR/pktgen.err" ] && sed "s/^/  note: ovl-pktgen on $p: /" "$TOPO_DIR/pktgen.err"
	sleep 0.2
	b=$(rx_packets "$p")
	in_ns "$p-c2" tc qdisc del dev eth0 clsact
	in_ns "$p-h1" ethtool -K "${HOSTVETH_C1[$p]}" gro off >/dev/null
	[ -n "$metric" ] || return 0
	sample "$p" "$metric" "$(python3 -c 'import sys; print("%.3f" % ((int(sys.argv[2]) - int(sys.argv[1])) / float(sys.argv[3]) / 1e6))' "$a" "$b" "$SECS")"
}

# ---- ovl alone: the BPF programs, misses, the control plane -------------

# What the blocks cost alone here (ovl-floor), the FIB lookup toward h2 as
# the encap does it: the yardstick for the per-program figures.
bpf_floor() {
	local m v
	while read -r m v; do
		sample ovl "floor_${m}_ns" "$v"
	done < <(in_ns ovl-h1 "$OVL_BUILD/bench/ovl-floor" -n $((QUICK ? 200000 : 1000000)) \
		--dev u0 --src 10.1.0.1 --dst 10.1.0.2 2>"$TOPO_DIR/floor.err" ||
		echo "bench: ovl-floor: $(cat "$TOPO_DIR/floor.err")" >&2)
}

# BPF_PROG_TEST_RUN with repeat on the real programs (tests/bpf's harness).
bpf_cost() {
	local line
	"$OVL_BUILD/tests/test_bpf" -v -t bpf_perf >"$TOPO_DIR/bpfperf.txt" 2>&1 ||
		{ echo "bench: test_bpf bpf_perf failed: $(tail -5 "$TOPO_DIR/bpfperf.txt")" >&2; return 0; }
	while read -r line; do
		sample ovl "${line%% *}" "${line#* }"
		[ "${line%% *}" = stats_overhead_ns ] && STATS_OVERHEAD=${line#* }
	done < <(sed -n 's/^  # bench: \([a-z0-9_]*\) \([0-9.]*\)$/\1 \2/p' "$TOPO_DIR/bpfperf.txt")
}
STATS_OVERHEAD=0

# The per-packet cost of ovl's programs under the pps load, from the
# kernel's own accounting (kernel.bpf_stats_enabled: run_time_ns/run_cnt).
bpf_stats_pps() {
	local old
	old=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	bpftool -j prog show >"$TOPO_DIR/progs0.json"
	pps ovl "" # the load only: timed with statistics on, not a pps figure
	bpftool -j prog show >"$TOPO_DIR/progs1.json"
	sysctl -qw kernel.bpf_stats_enabled="$old"
	python3 - "$TOPO_DIR/progs0.json" "$TOPO_DIR/progs1.json" "${STATS_OVERHEAD:-0}" <<-'EOF2' | while read -r m v; do sample ovl "$m" "$v"; done
		import json, sys
		a = {p["id"]: p for p in json.load(open(sys.argv[1]))}
		over = float(sys.argv[3])
		out = {}
		for p in json.load(open(sys.argv[2])):
		    n = p.get("name", "")
		    if n not in ("ovl_tc_ep_in", "ovl_tc_ul_in", "ovl_xdp_rx"):
		        continue
		    q = a.get(p["id"], {})
		    cnt = p.get("run_cnt", 0) - q.get("run_cnt", 0)
		    ns = p.get("run_time_ns", 0) - q.get("run_time_ns", 0)
		    if cnt > 1000:
		        k = {"ovl_tc_ep_in": "live_encap_ns", "ovl_tc_ul_in": "live_decap_ns",
		             "ovl_xdp_rx": "live_decap_xdp_ns"}[n]
		        c, t = out.get(k, (0, 0))
		        out[k] = (c + cnt, t + ns)
		for k, (c, t) in sorted(out.items()):
		    print(k, "%.1f" % (t / c - over))
	EOF2
}

# The first frame after a miss, delivered: ovl-misslat times a TCP connect
# from c1 until established (the SYN accepted by a socket in c2 and its
# SYN-ACK back) and a UDP datagram until a socket in c2 has it, after making
# c2 unknown again before each sample:
#   cold     nothing known on either side: both hosts' forwarding and proxy
#            ARP entries deleted and both containers' neighbour caches
#            flushed (ARP goes to ovld, which answers and resolves);
#   deleted  c2's forwarding entry deleted on h1 (`ovlctl map del`): the
#            frame itself goes to ovld, which sends it on;
#   known    nothing deleted, the baseline.
# Figures: p50/p99 and how many connects needed a retransmission (or
# failed), how many datagrams were lost.
miss_latency() {
	local n=$((QUICK ? 50 : 200)) kind proto i1 i2
	i1=$(inst_of ovl-h1) i2=$(inst_of ovl-h2)
	for proto in tcp udp; do
		for kind in cold deleted known; do
			local -a args=()
			[ "$proto" = udp ] && args+=(--udp)
			case $kind in
			cold)
				args+=(--map-del "$i1,bench,$MAC_C2" --map-del "$i2,bench,$MAC_C1"
					--neigh-del "$i1,bench,${IP_C2[ovl]}" --neigh-del "$i2,bench,${IP_C1[ovl]}"
					--flush-neigh) ;;
			deleted) args+=(--map-del "$i1,bench,$MAC_C2") ;;
			esac
			"$OVL_BUILD/bench/ovl-misslat" --client-netns "$(ns_name ovl-c1)" \
				--server-netns "$(ns_name ovl-c2)" --src "${IP_C1[ovl]}" --dst "${IP_C2[ovl]}" \
				"${args[@]}" -n "$n" -j >"$TOPO_DIR/misslat.json" 2>"$TOPO_DIR/misslat.err" ||
				{ echo "bench: ovl-misslat ($proto, $kind): $(cat "$TOPO_DIR/misslat.err")" >&2; continue; }
			python3 - "$TOPO_DIR/misslat.json" "$proto" "$kind" <<-'EOF2' | while read -r m v; do sample ovl "$m" "$v"; done
				import json, sys
				j, p, k = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
				for q in ("p50", "p99"):
				    if j[q + "_us"] is not None:  # none when nothing arrived
				        print("first_%s_%s_%s_us" % (p, k, q), j[q + "_us"])
				if p == "tcp":
				    print("first_tcp_%s_retrans" % k, j["retrans"] + j["lost"])
				else:
				    print("first_udp_%s_lost" % k, j["lost"])
			EOF2
		done
	done
}

# ovl_counters NAME: the BPF counters and ovld's event counters of host NAME,
# as "key value" lines.
ovl_counters() {
	{
		ovlctl_on "$1" -j stats
		echo
		ovlctl_on "$1" -j status
	} | python3 -c '
import json, sys
t = sys.stdin.read()
s, end = json.JSONDecoder().raw_decode(t)
st = json.JSONDecoder().raw_decode(t[end:].lstrip())[0]
c = s["counters"]
for k in ("miss_l2", "drop_miss_rl", "drop_miss_rb_full"):
    print(k, c.get(k, {}).get("packets", 0))
for k, v in st["events"].items():
    print("evt_" + k, v)'
}

# Miss events ovld absorbs: frames to distinct MACs nobody knows (each one a
# miss event and a backend lookup) at rising rates, 1 s each, until the
# ringbuf or ovld's queue loses one. The highest rate without a loss, and
# what ovld processed per second at the first rate it could not keep up with.
miss_absorb() {
	local rate step=0 best=0 dur=2
	local -A a b
	[ "$QUICK" = 1 ] && dur=1
	# ovl-pktgen's frames enter h1 through the host end's XDP ring
	in_ns ovl-h1 ethtool -K "${HOSTVETH_C1[ovl]}" gro on >/dev/null
	for rate in 25000 50000 100000 200000 400000 800000; do
		step=$((step + 1))
		while read -r k v; do a[$k]=$v; done < <(ovl_counters ovl-h1)
		in_ns ovl-c1 "$OVL_BUILD/bench/ovl-pktgen" -i eth0 --src-mac "$MAC_C1" \
			--dst-mac "02:00:0$step:00:00:00" --macs $((rate * dur)) --src-ip 10.30.0.1 \
			--dst-ip 10.30.0.99 -r "$rate" -t "$dur" -j >"$TOPO_DIR/flood.json" 2>"$TOPO_DIR/flood.err" ||
			{ echo "bench: miss flood: $(cat "$TOPO_DIR/flood.err")" >&2; break; }
		# until ovld has read everything the ringbuf holds
		local last=-1 now
		while :; do
			now=$(ovl_counters ovl-h1 | awk '$1 == "evt_received" {print $2}')
			[ "$now" = "$last" ] && break
			last=$now
			sleep 0.5
		done
		while read -r k v; do b[$k]=$v; done < <(ovl_counters ovl-h1)
		local emitted=$((b[miss_l2] - a[miss_l2])) full=$((b[drop_miss_rb_full] - a[drop_miss_rb_full]))
		local got=$((b[evt_received] - a[evt_received])) lost=$((b[evt_lost] - a[evt_lost]))
		local sent pps
		read -r sent pps < <(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["sent"], int(j["pps"]))' "$TOPO_DIR/flood.json")
		printf '  ovl     miss flood %7d/s asked, %7d/s made: %d sent, %d events, %d ringbuf full, %d read by ovld, %d lost in ovld\n' \
			"$rate" "$pps" "$sent" "$emitted" "$full" "$got" "$lost"
		if [ "$full" = 0 ] && [ "$lost" = 0 ] && [ "$got" -ge "$emitted" ] && [ "$emitted" -ge $((sent * 95 / 100)) ]; then
			[ "$pps" -gt "$best" ] && best=$pps
			# the generator and the data path share this CPU: when it
			# cannot make more, neither can this test ask for more
			[ "$pps" -lt $((rate * 9 / 10)) ] && break
		else
			sample ovl miss_events_read_per_s "$((got / dur))"
			break
		fi
	done
	in_ns ovl-h1 ethtool -K "${HOSTVETH_C1[ovl]}" gro off >/dev/null
	sample ovl miss_events_absorbed_per_s "$best"
}

# hosts.json of 100k entries: the time `ovlctl overlay create` takes to
# load it, and ovld's memory per entry (RSS before and after).
control_plane() {
	local n=$((QUICK ? 10000 : 100000)) pid r0 r1 t0 t1 d=$TOPO_DIR/big
	mkdir -p "$d"
	python3 - "$d/hosts.json" "$n" <<-'EOF2'
		import json, sys
		n = int(sys.argv[2])
		with open(sys.argv[1], "w") as f:
		    f.write("{\n")
		    for k in range(n):
		        a, b, c = k >> 16, (k >> 8) & 255, k & 255
		        h = "10.%d.%d.%d" % (64 + k // 65024, (k // 254) % 256, k % 254 + 1)
		        f.write('%s "0a:%02x:%02x:%02x:00:01": {"ip": "10.1.%d.%d", "port": 4789, '
		                '"arp": "%s", "ndp": "fd00::%x:%x"}\n'
		                % ("," if k else " ", a, b, c, 100 + k % 100, 1 + k % 250, h, a, k & 0xffff))
		    f.write("}\n")
	EOF2
	pid=${_topo_pid[ovl-h1]}
	r0=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
	t0=$(date +%s%N)
	ovlctl_on ovl-h1 overlay create big -v 31 -e vxlan -s files -p "files/config=$d/hosts.json" \
		>/dev/null || { echo "bench: overlay create with $n entries failed" >&2; return 0; }
	t1=$(date +%s%N)
	r1=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
	sample ovl "hosts_json_${n}_load_ms" "$(((t1 - t0) / 1000000))"
	sample ovl hosts_json_bytes_per_entry "$(((r1 - r0) * 1024 / n))"
	ovlctl_on ovl-h1 overlay delete big >/dev/null
}

# CNI ADD and DEL, each timed as a runtime sees it (the plugin and the
# IPAM plugin it delegates to), in one `ip netns exec` for all of them.
cni_times() {
	local n=$((QUICK ? 10 : 50)) i
	cni_init
	CNI_IPAM_JSON=$(printf '{"type": "host-local", "dataDir": "%s/ipam", "ranges": [[{"subnet": "10.30.0.0/24", "rangeStart": "10.30.0.10", "rangeEnd": "10.30.0.250"}]]}' "$CNI_T")
	cni_conf "$CNI_T/conf.json" 1.0.0 benchnet "$(inst_of ovl-h1)"
	sed -i 's/"overlay0"/"bench"/; s/"debug"/"error"/' "$CNI_T/conf.json"
	for ((i = 0; i < n; i++)); do ns_add "cni$i"; done
	in_ns ovl-h1 bash -c '
		conf=$1 n=$2 path=$3 pre=$4
		for op in ADD DEL; do
			for ((i = 0; i < n; i++)); do
				t0=$EPOCHREALTIME
				env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CNI_COMMAND=$op CNI_PATH="$path" \
					CNI_CONTAINERID=bench$i CNI_IFNAME=eth0 CNI_NETNS=/var/run/netns/$pre$i \
					"$path/ovl" <"$conf" >/dev/null 2>&1 || { echo "error $op $i"; continue; }
				t1=$EPOCHREALTIME
				echo "$op ${t0/./} ${t1/./}"
			done
		done' _ "$CNI_T/conf.json" "$n" "$CNI_PATH_DIRS" "$(ns_name cni)" >"$TOPO_DIR/cni.txt"
	grep '^error' "$TOPO_DIR/cni.txt" >&2 || true
	python3 - "$TOPO_DIR/cni.txt" <<-'EOF2' | while read -r m v; do sample ovl "$m" "$v"; done
		import sys
		d = {}
		for l in open(sys.argv[1]):
		    w = l.split()
		    if len(w) == 3 and w[0] in ("ADD", "DEL"):
		        d.setdefault(w[0], []).append((int(w[2]) - int(w[1])) / 1000.0)
		for op, v in sorted(d.items()):
		    v.sort()
		    print("cni_%s_p50_ms" % op.lower(), "%.1f" % v[len(v) // 2])
		    print("cni_%s_p99_ms" % op.lower(), "%.1f" % v[min(len(v) - 1, int(len(v) * 0.99))])
	EOF2
}

# ---- the run ------------------------------------------------------------

topo_switch # the bpffs under /run and TOPO_DIR (the switch: the etcd part's)
paths || PATHS=()
[ ${#PATHS[@]} = 0 ] || echo "bench: setting up the three paths"
paths && setup_routed
paths && setup_kernel
paths && setup_ovl
for p in "${PATHS[@]}"; do
	# the first ping also fills ARP caches and ovl's maps
	in_ns "$p-c1" ping -c 3 -i 0.2 -W 2 "${IP_C2[$p]}" >/dev/null ||
		fail "no traffic on the $p path: c1 cannot ping ${IP_C2[$p]}"
	in_ns "$p-c2" taskset -c "$CPU_A" sockperf server --tcp -i "${IP_C2[$p]}" -p 11111 >/dev/null 2>&1 &
	on_exit "kill $!"
done
paths && sleep 0.5
paths && echo "bench: $REPS rounds, offloads on ($(date +%T))"
for ((r = 1; r <= (${#PATHS[@]} ? REPS : 0); r++)); do
	echo "round $r"
	for p in "${PATHS[@]}"; do want tcp && tcp "$p" 1 tcp1_gbps; done
	for p in "${PATHS[@]}"; do want tcp && tcp "$p" 4 tcp4_gbps; done
	for p in "${PATHS[@]}"; do want rr && rr "$p"; done
	for p in "${PATHS[@]}"; do want ping && ping_rtt "$p"; done
	for p in "${PATHS[@]}"; do want pps && pps "$p"; done
done

if want bpf; then
	echo "bench: BPF programs ($(date +%T))"
	bpf_floor
	bpf_cost
	bpf_stats_pps
fi
if want miss; then
	echo "bench: misses ($(date +%T))"
	miss_latency
	miss_absorb
fi
if want cp; then
	echo "bench: control plane ($(date +%T))"
	control_plane
fi
want cni && cni_times
want router && router_part

if want etcd; then
	etcd_part
fi

if want nogso; then
	echo "bench: $REPS rounds, GSO, TSO and GRO off everywhere ($(date +%T))"
	offloads off
	for ((r = 1; r <= REPS; r++)); do
		echo "round $r"
		for p in "${PATHS[@]}"; do tcp "$p" 1 tcp1_nogso_gbps; done
		for p in "${PATHS[@]}"; do tcp "$p" 4 tcp4_nogso_gbps; done
	done
fi

if [ "$WAIT" = 1 ]; then
	echo "bench: waiting (namespaces ovlt-$RUN-*); Enter ends it"
	read -r _ || true
fi
python3 "$OVL_TOP/tests/bench/report.py" "$SAMPLES" "$OUT" "$(($(date +%s) - T0))" \
	"$(uname -r)" "$(nproc)" "$DEVICES"
