#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The first TCP and UDP frame to a destination the data path does not know
# is delivered, whole and with a valid checksum, by ovld.
#
#   a1 10.40.0.1 fd40::1 --+                          +-- a2 10.40.0.2 fd40::2
#     (overlay ov4, VNI 40: peers by IPv4)             |    l4probe server :7777
#                          h1 ===== switch ===== h2
#     (overlay ov6, VNI 41: peers by IPv6)             |
#   b1 10.41.0.1 fd41::1 --+ 10.1.0.1      10.1.0.2   +-- b2 10.41.0.2 fd41::2
#                            fd00:1::1     fd00:1::2        l4probe server :7777
#
# A frame the TC program cannot forward goes to ovld with the ringbuf; ovld
# resolves the destination and sends that frame itself. A container's TCP
# and UDP frames leave it with the checksum left to the device (veth
# offload: the field holds only the pseudo-header sum), so ovld has to
# finish it, or the far container drops the frame: a connect takes one SYN
# retransmission (1 s), a datagram is lost.
#
# What it proves, on an IPv4 and an IPv6 underlay, to IPv4 and IPv6
# addresses in the containers, first for a cold destination (never
# contacted: the client resolves it with ARP/ND first) and then 20 times in
# a row after `ovlctl map del` of the destination on the sender's host (and
# of the client on the receiver's host, so that the answer misses too):
# 1. a real TCP connect completes with no retransmission: the socket's
#    tcpi_total_retrans and the namespaces' Tcp RetransSegs stay put;
# 2. a real UDP datagram reaches a socket in the far container;
# 3. every *InCsumErrors counter of the containers (/proc/net/snmp and
#    snmp6: Tcp, Udp, Udp6, Icmp, Icmp6) stays 0;
# 4. each of those first frames did go through ovld (its "delivered"
#    counter grows on the sending host, and on the answering one for TCP),
#    so the test proves what it claims; for the cold destination it is the
#    ARP reply or neighbour advertisement ovld injects that comes first
#    ("injected" grows), and the connection that follows must not suffer.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 nstat
PROBE=$OVL_TOP/tests/lib/l4probe.py
PORT=7777
ROUNDS=${FIRST_FRAME_ROUNDS:-20}

topo_switch
topo_host h1 1
topo_host h2 2
mac() { # mac OVERLAY_TAG HOST_IDX
	printf '02:00:00:00:%s:0%s' "$1" "$2"
}
for i in 1 2; do
	json4+="\"$(mac 40 "$i")\": {\"ip\": \"10.1.0.$i\", \"port\": 4789, \"arp\": \"10.40.0.$i\", \"ndp\": \"fd40::$i\"}"
	json6+="\"$(mac 41 "$i")\": {\"ip\": \"fd00:1::$i\", \"port\": 4789, \"arp\": \"10.41.0.$i\", \"ndp\": \"fd41::$i\"}"
	[ "$i" = 1 ] && json4+=", " && json6+=", "
done
echo "{ $json4 }" >"$TOPO_DIR/hosts4.json"
echo "{ $json6 }" >"$TOPO_DIR/hosts6.json"
for i in 1 2; do
	topo_ovld "h$i"
	ovlctl_on "h$i" overlay create ov4 -v 40 -e vxlan -s files \
		-p "files/config=$TOPO_DIR/hosts4.json" >/dev/null
	ovlctl_on "h$i" overlay create ov6 -v 41 -e vxlan -s files \
		-p "vxlan/listen_ip=fd00:1::$i" -p "files/config=$TOPO_DIR/hosts6.json" >/dev/null
	for u in a b; do
		tag=40 ov=ov4
		[ "$u" = b ] && tag=41 ov=ov6
		ns_add "$u$i"
		ovlctl_on "h$i" vnic create "e$u" -l "$ov" -m "$(mac "$tag" "$i")" \
			--netns "$(ns_name "$u$i")" >/dev/null
		in_ns "$u$i" ip addr add "10.$tag.0.$i/24" dev "e$u"
		in_ns "$u$i" ip addr add "fd$tag::$i/64" dev "e$u" nodad
		in_ns "$u$i" ip link set "e$u" up
		# nothing of the previous round may linger in TCP's metrics
		in_ns "$u$i" sysctl -qw net.ipv4.tcp_no_metrics_save=1
	done
done
for u in a b; do
	in_ns "${u}2" python3 "$PROBE" serve "$PORT" "$TOPO_DIR/udp-$u.log" >"$TOPO_DIR/serve-$u.out" 2>&1 &
	on_exit "kill $!"
	wait_for 5 grep -q ready "$TOPO_DIR/serve-$u.out" ||
		fail "l4probe server in ${u}2 did not start: $(cat "$TOPO_DIR/serve-$u.out")"
done

# evt HOST NAME: one of ovld's event counters on HOST: "delivered" (first
# frames it sent on itself), "injected" (ARP/NDP answers).
evt() {
	ovlctl_on "$1" -j status | grep -o "\"$2\": *[0-9]*" | grep -o '[0-9]*$'
}

# csum_errors NS: every non-zero *InCsumErrors counter of a container, as
# "Name value" lines (nothing when all are 0).
csum_errors() {
	in_ns "$1" nstat -asz 2>/dev/null | awk '$1 ~ /InCsumErrors$/ && $2 != 0 {print $1, $2}'
}

retrans_segs() {
	in_ns "$1" nstat -asz TcpRetransSegs 2>/dev/null | awk '$1 == "TcpRetransSegs" {print $2}'
}

# forget U: the destination's entry on the sender's host goes (ovld put it
# back in the step before), and the client's on the receiver's host if it
# is there (a datagram has no answer that would have put it back); the
# overlay of underlay U: a is ov4, b is ov6.
forget() {
	local ov=ov4 tag=40
	[ "$1" = b ] && ov=ov6 tag=41
	ovlctl_on h1 map del "$ov" "$(mac $tag 2)" >/dev/null || fail "map del $ov on h1 failed"
	if ovlctl_on h2 map get "$ov" "$(mac $tag 1)" >/dev/null 2>&1; then
		ovlctl_on h2 map del "$ov" "$(mac $tag 1)" >/dev/null || fail "map del $ov on h2 failed"
	fi
}

# ask LINE: a command to the l4probe client in the sending container (a
# coprocess, started per underlay below); prints its answer.
ask() {
	local reply
	echo "$1" >&"${CL[1]}"
	read -r -t 10 reply <&"${CL[0]}" || fail "l4probe client: no answer to '$1'"
	echo "$reply"
}

TIMES=()
# step U KIND ADDR WHAT: one TCP connect or one UDP datagram from U1 to ADDR
# in U2, after forgetting (unless WHAT is "cold").
step() {
	local u=$1 kind=$2 addr=$3 what=$4 d1 d2 token r ev=delivered ok ms total segs
	[ "$what" = cold ] || forget "$u"
	[[ $what == *cold ]] && ev=injected
	d1=$(evt h1 $ev)
	d2=$(evt h2 $ev)
	if [ "$kind" = tcp ]; then
		r=$(retrans_segs "${u}2")
		read -r ok ms total segs < <(ask "tcp $addr $PORT 5")
		[ "$ok" = ok ] || fail "$what: TCP connect ${u}1 -> $addr failed: $ms $total $segs"
		TIMES+=("$ms")
		[ "$total" = 0 ] && [ "$segs" = 0 ] ||
			fail "$what: TCP connect ${u}1 -> $addr retransmitted (tcpi_total_retrans $total, RetransSegs +$segs, $ms ms); receiver: $(csum_errors "${u}2")"
		[ "$(retrans_segs "${u}2")" = "$r" ] ||
			fail "$what: ${u}2 retransmitted its SYN-ACK to ${u}1; ${u}1: $(csum_errors "${u}1")"
		[ "$(evt h2 $ev)" -gt "$d2" ] || fail "$what: the SYN-ACK to ${u}1 did not go through ovld on h2 ($ev)"
	else
		token=ff-$u-${what// /}-$addr-$RANDOM
		[ "$(ask "udp $addr $PORT $token")" = ok ] || fail "l4probe client: udp failed"
		wait_for 3 grep -qx -- "$token" "$TOPO_DIR/udp-$u.log" ||
			fail "$what: the UDP datagram ${u}1 -> $addr was lost; receiver: $(csum_errors "${u}2")"
	fi
	[ "$(evt h1 $ev)" -gt "$d1" ] || fail "$what: the first $kind frame to $addr did not go through ovld on h1 ($ev)"
}

# no_csum_errors WHAT: no container counted a checksum error.
no_csum_errors() {
	local n e
	for n in a1 a2 b1 b2; do
		e=$(csum_errors "$n")
		[ -z "$e" ] || fail "$1: $n counted checksum errors: $e"
	done
}

for u in a b; do
	tag=40
	[ "$u" = b ] && tag=41
	under=IPv4
	[ "$u" = b ] && under=IPv6
	coproc CL { in_ns "${u}1" python3 "$PROBE" client; }
	on_exit "kill $CL_PID"
	info "$under underlay: a cold destination"
	step "$u" tcp "10.$tag.0.2" cold
	step "$u" tcp "fd$tag::2" v6cold
	step "$u" udp "10.$tag.0.2" deleted
	step "$u" udp "fd$tag::2" deleted
	no_csum_errors "$under underlay, cold"
	# From here on no neighbour probe may be the first frame of a round.
	for i in 1 2; do
		in_ns "${u}$i" ip neigh replace "10.$tag.0.$((3 - i))" lladdr "$(mac $tag $((3 - i)))" \
			dev "e$u" nud permanent
		in_ns "${u}$i" ip -6 neigh replace "fd$tag::$((3 - i))" lladdr "$(mac $tag $((3 - i)))" \
			dev "e$u" nud permanent
	done
	info "$under underlay: $ROUNDS rounds after map del"
	for ((r = 1; r <= ROUNDS; r++)); do
		step "$u" tcp "10.$tag.0.2" "round $r"
		step "$u" tcp "fd$tag::2" "round $r"
		step "$u" udp "10.$tag.0.2" "round $r"
		step "$u" udp "fd$tag::2" "round $r"
		no_csum_errors "$under underlay, round $r"
	done
	eval "exec ${CL[1]}>&-" # EOF: the client ends
	wait "$CL_PID" || fail "l4probe client in ${u}1 failed"
done
info "connect times (ms): $(printf '%s\n' "${TIMES[@]}" | sort -n | awk '{v[NR] = $1} END {
	printf "min %s median %s max %s of %d", v[1], v[int((NR + 1) / 2)], v[NR], NR}')"
info "all good"
