#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# What a user does, on whatever kernel runs it: two hosts, ovld on each,
# a container on each with a VNIC. Short, so that it also runs in a guest
# booted by tests/kernels/run.sh (TCG: 5-10x slower than the host); its
# name starts with kernel_ for that runner's job.
#
#   c1 10.50.0.1 fd50::1 -- h1 ==== switch ==== h2 -- c2 10.50.0.2 fd50::2
#                           10.1.0.1            10.1.0.2
#                           decap in XDP        decap in TC
#
# One overlay (VNI 50) from one hosts.json; h1 decapsulates in XDP, h2 in
# TC, so each direction takes one of the two paths. What it proves:
# 1. the first ping c1 -> c2 is answered, IPv4 and IPv6 (nothing lost to
#    the miss that resolves it);
# 2. a real TCP connection carries data both ways: numbered messages
#    echoed in order (IPv4), and a bulk transfer each way at once (IPv6:
#    full-sized and GSO segments through the encapsulation);
# 3. after `ovlctl map del` of the peer on both hosts, the first UDP
#    datagram (IPv4 and IPv6), which ovld sends on itself, arrives, and
#    c2 counts no checksum error;
# 4. link protection: UDP from c1 with a forged source IP, with a forged
#    source MAC, and with an 802.1Q tag does not reach c2, and h1 counts
#    each (drop_spoof_ip, drop_spoof_mac, drop_vlan); the same datagram
#    untagged and from c1's own addresses, sent right after, does arrive.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 nstat iperf3
LIB=$OVL_TOP/tests/lib
M1=02:00:00:50:00:01
M2=02:00:00:50:00:02
info "kernel $(uname -r)"

topo_switch
topo_host h1 1
topo_host h2 2
topo_hosts_json "$TOPO_DIR/hosts.json" "$M1 10.1.0.1 arp=10.50.0.1 ndp=fd50::1" \
	"$M2 10.1.0.2 arp=10.50.0.2 ndp=fd50::2"
decap=([1]=xdp [2]=tc)
for i in 1 2; do
	topo_ovld "h$i" --decap "${decap[$i]}"
	topo_files_overlay "h$i" ov50 50 "$TOPO_DIR/hosts.json"
	topo_vnic "h$i" "c$i" ov50 "02:00:00:50:00:0$i" "10.50.0.$i/24" "fd50::$i/64"
done
ovlctl_on h1 -j status | grep -q '"decap": "xdp"' || fail "h1 does not decapsulate in XDP"
ovlctl_on h2 -j status | grep -q '"decap": "tc"' || fail "h2 does not decapsulate in TC"

# counters NAME COUNTER...: the packet counts of h's counters, one line
# (one ovlctl and one python3: both cost in an emulated guest).
counters() {
	local name=$1
	shift
	ovlctl_on "$name" -j stats | python3 -c 'import json, sys
c = json.load(sys.stdin)["counters"]
print(" ".join(str(c[n]["packets"]) for n in sys.argv[1:]))' "$@"
}
# delivered NAME: first frames ovld on host NAME sent on itself.
delivered() {
	ovlctl_on "$1" -j status | grep -o '"delivered": *[0-9]*' | grep -o '[0-9]*$'
}
# csum_errors NS: every non-zero *InCsumErrors counter of a container.
csum_errors() {
	in_ns "$1" nstat -asz 2>/dev/null | awk '$1 ~ /InCsumErrors$/ && $2 != 0 {print $1, $2}'
}

info "1. first ping, IPv4 and IPv6"
in_ns c1 ping -c 1 -W 5 10.50.0.2 >/dev/null || fail "first ping c1 -> 10.50.0.2 lost"
in_ns c1 ping -6 -c 1 -W 5 fd50::2 >/dev/null || fail "first ping c1 -> fd50::2 lost"
# From here on c1 and c2 know each other for good: what they send first in
# step 3 is the datagram, not a neighbour probe.
for i in 1 2; do
	j=$((3 - i))
	in_ns "c$i" ip neigh replace "10.50.0.$j" lladdr "02:00:00:50:00:0$j" dev eth0 nud permanent
	in_ns "c$i" ip -6 neigh replace "fd50::$j" lladdr "02:00:00:50:00:0$j" dev eth0 nud permanent
done

info "2. TCP through the overlay, both ways"
in_ns c2 python3 "$LIB/tcpflow.py" serve 5201 >"$TOPO_DIR/flow-serve.log" 2>&1 &
on_exit "kill $!"
in_ns c2 iperf3 -s -1 -p 5202 >"$TOPO_DIR/iperf-serve.log" 2>&1 &
on_exit "kill $!"
# listening PORT: a TCP socket in c2 listens on PORT
listening() {
	in_ns c2 ss -Hltn "sport = :$1" | grep -q .
}
wait_for 10 listening 5201 || fail "tcpflow server did not start: $(cat "$TOPO_DIR/flow-serve.log")"
wait_for 10 listening 5202 || fail "iperf3 server did not start: $(cat "$TOPO_DIR/iperf-serve.log")"
in_ns c1 python3 "$LIB/tcpflow.py" send 10.50.0.2 5201 1 10 >"$TOPO_DIR/flow.json" 2>&1 ||
	fail "TCP echo c1 <-> 10.50.0.2: $(cat "$TOPO_DIR/flow.json")"
info "TCP echo (IPv4): $(cat "$TOPO_DIR/flow.json")"
in_ns c1 timeout 60 iperf3 -c fd50::2 -p 5202 --bidir -t 1 -J >"$TOPO_DIR/iperf.json" 2>"$TOPO_DIR/iperf.err" ||
	fail "iperf3 --bidir c1 <-> fd50::2 failed: $(cat "$TOPO_DIR/iperf.err"; grep '"error"' "$TOPO_DIR/iperf.json")"
read -r up down < <(python3 -c 'import json, sys
e = json.load(open(sys.argv[1]))["end"]
print(e["sum_received"]["bytes"], e["sum_received_bidir_reverse"]["bytes"])' "$TOPO_DIR/iperf.json") ||
	fail "iperf3 gave no summary: $(tail -n 5 "$TOPO_DIR/iperf.json")"
[ "$up" -gt 0 ] && [ "$down" -gt 0 ] || fail "TCP bulk (IPv6): $up bytes c1 -> c2, $down bytes c2 -> c1"
info "TCP bulk (IPv6), 1 s: $up bytes c1 -> c2, $down bytes c2 -> c1"

info "3. the first UDP datagram after map del"
in_ns c2 python3 "$LIB/l4probe.py" serve 7777 "$TOPO_DIR/udp.log" >"$TOPO_DIR/udp-serve.out" 2>&1 &
on_exit "kill $!"
wait_for 10 grep -q ready "$TOPO_DIR/udp-serve.out" ||
	fail "l4probe server did not start: $(cat "$TOPO_DIR/udp-serve.out")"
for dst in 10.50.0.2 fd50::2; do
	ovlctl_on h1 map del ov50 "$M2" >/dev/null || fail "map del $M2 on h1 failed"
	if ovlctl_on h2 map get ov50 "$M1" >/dev/null 2>&1; then
		ovlctl_on h2 map del ov50 "$M1" >/dev/null || fail "map del $M1 on h2 failed"
	fi
	d=$(delivered h1)
	token=first-$dst-$RANDOM
	echo "udp $dst 7777 $token" | in_ns c1 python3 "$LIB/l4probe.py" client | grep -qx ok ||
		fail "l4probe client could not send to $dst"
	wait_for 10 grep -qx -- "$token" "$TOPO_DIR/udp.log" ||
		fail "the first UDP datagram to $dst was lost; c2: $(csum_errors c2)"
	[ "$(delivered h1)" -gt "$d" ] || fail "the datagram to $dst did not go through ovld on h1"
done
e=$(csum_errors c2)
[ -z "$e" ] || fail "c2 counted checksum errors: $e"

info "4. link protection"
send() { # send PAYLOAD [ARGS...]: 3 datagrams c1 -> c2:7777 from a packet socket
	local payload=$1
	shift
	in_ns c1 python3 "$LIB/frames.py" eth0 udp4 --dst-mac "$M2" --src-mac "$M1" \
		--src 10.50.0.1 --dst 10.50.0.2 --dport 7777 --payload "$payload" --count 3 "$@" ||
		fail "frames.py could not send $payload"
}
read -r ip0 mac0 vlan0 < <(counters h1 drop_spoof_ip drop_spoof_mac drop_vlan)
send forged-ip --src 10.50.0.250
send forged-mac --src-mac 02:00:00:66:66:66
send tagged --vlan 5
send own-addresses
wait_for 10 grep -qx own-addresses "$TOPO_DIR/udp.log" ||
	fail "c1's datagram from its own addresses did not reach c2 either: the test proves nothing"
n=$(grep -cv -e '^first-' -e '^own-addresses$' "$TOPO_DIR/udp.log") || true
[ "$n" = 0 ] || fail "$n forged or tagged datagrams reached c2: $(grep -v '^first-' "$TOPO_DIR/udp.log" | sort | uniq -c)"
read -r ip1 mac1 vlan1 < <(counters h1 drop_spoof_ip drop_spoof_mac drop_vlan)
[ "$ip1" = $((ip0 + 3)) ] || fail "drop_spoof_ip on h1 went $ip0 -> $ip1, want +3"
[ "$mac1" = $((mac0 + 3)) ] || fail "drop_spoof_mac on h1 went $mac0 -> $mac1, want +3"
[ "$vlan1" = $((vlan0 + 3)) ] || fail "drop_vlan on h1 went $vlan0 -> $vlan1, want +3"
info "all good on $(uname -r)"
