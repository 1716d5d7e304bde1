#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Bandwidth caps (Crossbow's maxbw): a capped VNIC's TCP stream stays
# within 10% of its cap in both directions, over VXLAN and on the local
# switch path; an uncapped one beside it is not held back.
#
#   c1 (capped)   eth0 10.41.0.1 --+
#   c2 (uncapped) eth0 10.41.0.2 --+ h1 ==== switch ==== h2 -- c3 eth0 10.41.0.3
#   c4            eth0 10.41.0.4 --+
#   c5 (capped)   eth0 10.41.0.5 --+
#
# What it proves:
# 1. `vnic create --maxbw 100M`: c1 -> c3 and c3 -> c1 (remote: TC decap
#    with OVL_EP_F_SHAPED), c1 -> c4 and c4 -> c1 (local switch) each at
#    90-110 Mbit/s (iperf3 -J, the receiver's figure); c2 -> c3 more than
#    twice the cap;
# 2. `vnic set maxbw=50M` changes the cap (both directions within 10%),
#    `vnic set maxbw=none` removes it (well above 100M again, no qdisc left);
# 3. a cap survives an ovld restart (still 100M, state.json), its qdisc put
#    back if a tenant removed it; restarted with --decap xdp, XDP passes
#    c1's frames to the TC decap behind it (the qdisc is not skipped);
# 4. a CNI ADD with runtimeConfig.bandwidth (ingressRate 80M, egressRate
#    60M) caps its container likewise (local path, both ways); DEL leaves
#    no qdisc, ifb or veth behind;
# 5. two capped VNICs (c1, c5: 100M each) sending to c3 together: each near
#    its cap; the rates go to the log (fairness).
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
ns_init
need_tools python3 iperf3 tc
cni_init

CAP=100 # Mbit/s

topo_switch
H=$TOPO_DIR/hosts.json
topo_vni_json "$H" 41 1 2@1 3@2 4@1 5@1 6@1
for i in 1 2; do
	topo_host "h$i" "$i"
	topo_ovld "h$i"
	topo_files_overlay "h$i" overlay0 41 "$H"
done

# capped C RATE: container C on h1 with --maxbw RATE
capped() {
	ns_add "c$1"
	ovlctl_on h1 vnic create eth0 -l overlay0 -m "02:00:00:00:41:0$1" \
		--netns "$(ns_name "c$1")" --maxbw "$2" >/dev/null || fail "vnic create --maxbw $2 refused"
	in_ns "c$1" ip addr add "10.41.0.$1/24" dev eth0
	in_ns "c$1" ip link set eth0 up
}
capped 1 ${CAP}M
capped 5 ${CAP}M
topo_vnic h1 c2 overlay0 02:00:00:00:41:02 10.41.0.2/24
topo_vnic h1 c4 overlay0 02:00:00:00:41:04 10.41.0.4/24
topo_vnic h2 c3 overlay0 02:00:00:00:41:03 10.41.0.3/24

# iperf3 servers in c3 and c4, two ports each (the fairness run uses both)
for c in 3 4; do
	for p in 5201 5202; do
		in_ns "c$c" iperf3 -s -D -p "$p" --logfile "$TOPO_DIR/iperf-s-$c-$p.log" ||
			fail "iperf3 server in c$c"
	done
done
iperf_up() { in_ns c3 ss -ltn | grep -q ':5202 ' && in_ns c4 ss -ltn | grep -q ':5202 '; }
wait_for 10 iperf_up || fail "iperf3 servers did not start"
in_ns c1 ping -c 1 -W 2 10.41.0.3 >/dev/null || fail "c1 -> c3 lost"
in_ns c1 ping -c 1 -W 2 10.41.0.4 >/dev/null || fail "c1 -> c4 lost"

# rate FROM DST [PORT] [-R]: the receiver's Mbit/s of a 4 s TCP stream
rate() {
	local from=$1 dst=$2 port=${3:-5201} out
	shift 3 2>/dev/null || shift $#
	out=$TOPO_DIR/iperf-$from-$dst-$port$*.json
	in_ns "$from" iperf3 -J -c "$dst" -p "$port" -t 4 "$@" >"$out" 2>&1 ||
		fail "iperf3 $from -> $dst $*: $(tail -3 "$out")"
	python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' "$out"
}

# within WHAT GOT CAP: GOT Mbit/s is within 10% of CAP
within() {
	info "$1: $2 Mbit/s (cap $3)"
	python3 -c 'import sys; g, c = float(sys.argv[1]), float(sys.argv[2]); sys.exit(not (0.9 * c <= g <= 1.1 * c))' "$2" "$3" ||
		fail "$1: $2 Mbit/s, not within 10% of $3"
}

# above WHAT GOT MIN
above() {
	info "$1: $2 Mbit/s (want > $3)"
	python3 -c 'import sys; sys.exit(not float(sys.argv[1]) > float(sys.argv[2]))' "$2" "$3" ||
		fail "$1: $2 Mbit/s, not above $3"
}

host_if() {
	ovlctl_on h1 -j vnic list --netns "$(ns_name "$1")" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["host_ifname"])'
}

# shaped C: both of c's qdiscs are ovl's tbf (rc 0), or neither is (rc 1)
qdiscs() {
	local h
	h=$(host_if "$1")
	echo "$(tc -n "$(ns_name h1)" qdisc show dev "$h" root | grep -c 'tbf b1a:')$(in_ns "$1" tc qdisc show dev eth0 root | grep -c 'tbf b1a:')"
}

info "1. --maxbw ${CAP}M"
[ "$(qdiscs c1)" = 11 ] || fail "c1 has not both tbf qdiscs: $(qdiscs c1)"
within "c1 -> c3 (remote, egress)" "$(rate c1 10.41.0.3)" $CAP
within "c3 -> c1 (remote, ingress)" "$(rate c1 10.41.0.3 5201 -R)" $CAP
within "c1 -> c4 (local, egress)" "$(rate c1 10.41.0.4)" $CAP
within "c4 -> c1 (local, ingress)" "$(rate c1 10.41.0.4 5201 -R)" $CAP
above "c2 -> c3 (uncapped)" "$(rate c2 10.41.0.3)" $((2 * CAP))
above "c3 -> c2 (uncapped)" "$(rate c2 10.41.0.3 5201 -R)" $((2 * CAP))
mb=$(ovlctl_on h1 -j vnic list --netns "$(ns_name c1)" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["maxbw"])')
[ "$mb" = 100000000 ] || fail "vnic list: maxbw $mb, want 100000000"

info "2. vnic set maxbw=50M, then none"
ovlctl_on h1 vnic set eth0 maxbw=50M --netns "$(ns_name c1)" >/dev/null || fail "vnic set maxbw=50M refused"
within "c1 -> c3 at 50M" "$(rate c1 10.41.0.3)" 50
within "c3 -> c1 at 50M" "$(rate c1 10.41.0.3 5201 -R)" 50
ovlctl_on h1 vnic set eth0 maxbw=none --netns "$(ns_name c1)" >/dev/null || fail "vnic set maxbw=none refused"
[ "$(qdiscs c1)" = 00 ] || fail "c1 keeps a tbf after maxbw=none: $(qdiscs c1)"
above "c1 -> c3 uncapped again" "$(rate c1 10.41.0.3)" $((2 * CAP))
above "c3 -> c1 uncapped again" "$(rate c1 10.41.0.3 5201 -R)" $((2 * CAP))
ovlctl_on h1 vnic set eth0 maxbw=${CAP}M --netns "$(ns_name c1)" >/dev/null || fail "vnic set maxbw=${CAP}M refused"

info "3. an ovld restart keeps the cap (and now decapsulates with XDP)"
topo_kill_ovld h1
in_ns c1 tc qdisc del dev eth0 root # a tenant's root removed it meanwhile
topo_ovld h1 --decap xdp
[ "$(qdiscs c1)" = 11 ] || fail "c1's caps not back after the restart: $(qdiscs c1)"
within "c1 -> c3 after the restart" "$(rate c1 10.41.0.3)" $CAP
within "c3 -> c1 after the restart (XDP passes, TC decap)" "$(rate c1 10.41.0.3 5201 -R)" $CAP
above "c3 -> c2 (uncapped, XDP_REDIRECT)" "$(rate c2 10.41.0.3 5201 -R)" $((2 * CAP))

info "4. CNI runtimeConfig.bandwidth"
ns_add c6
CNI_IPAM_JSON='{"type": "host-local", "subnet": "10.41.0.0/24", "rangeStart": "10.41.0.6", "rangeEnd": "10.41.0.6", "dataDir": "'$TOPO_DIR/ipam'"}'
cni_conf "$TOPO_DIR/bw.conf" 1.0.0 bwnet "$(inst_of h1)" \
	'"runtimeConfig": {"mac": "02:00:00:00:41:06", "bandwidth": {"ingressRate": 80000000, "ingressBurst": 1000000, "egressRate": 60000000}}'
cni h1 ADD "$TOPO_DIR/bw.conf" bwc6 eth0 c6
cni_expect_ok result 1.0.0 "CNI ADD with bandwidth"
on_exit "CNI_PATH_DIRS=$CNI_PATH_DIRS; cni h1 DEL $TOPO_DIR/bw.conf bwc6 eth0 c6"
in_ns c6 ping -c 1 -W 2 10.41.0.4 >/dev/null || fail "c6 -> c4 lost"
within "c6 -> c4 (CNI egressRate 60M)" "$(rate c6 10.41.0.4)" 60
within "c4 -> c6 (CNI ingressRate 80M)" "$(rate c6 10.41.0.4 5201 -R)" 80
cni h1 DEL "$TOPO_DIR/bw.conf" bwc6 eth0 c6
cni_expect_ok empty "" "CNI DEL"
[ -z "$(host_veths h1)" ] || fail "CNI DEL left $(host_veths h1)"
ip -n "$(ns_name h1)" -o link show type ifb | grep -q . && fail "an ifb is left in h1"
in_ns c6 tc qdisc show | grep -q 'b1a:' && fail "a tbf is left in c6"
n=$(tc -n "$(ns_name h1)" qdisc show | grep -c 'tbf b1a:')
[ "$n" = 2 ] || fail "h1 has $n ovl tbf qdiscs after the DEL, want 2 (c1, c5)"

info "5. fairness: c1 and c5 (${CAP}M each) to c3 at once"
in_ns c1 iperf3 -J -c 10.41.0.3 -p 5201 -t 4 >"$TOPO_DIR/fair1.json" 2>&1 &
p1=$!
in_ns c5 iperf3 -J -c 10.41.0.3 -p 5202 -t 4 >"$TOPO_DIR/fair5.json" 2>&1 &
p5=$!
wait $p1 || fail "iperf3 c1 (fairness): $(tail -3 "$TOPO_DIR/fair1.json")"
wait $p5 || fail "iperf3 c5 (fairness): $(tail -3 "$TOPO_DIR/fair5.json")"
get() { python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' "$1"; }
r1=$(get "$TOPO_DIR/fair1.json")
r5=$(get "$TOPO_DIR/fair5.json")
info "fairness: c1 $r1, c5 $r5 Mbit/s (cap $CAP each)"
within "c1 beside c5" "$r1" $CAP
within "c5 beside c1" "$r5" $CAP
info "all good"
