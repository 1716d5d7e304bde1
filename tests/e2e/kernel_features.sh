#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# What ovld does with the kernel's features (ovld(8), KERNELS), on any
# kernel (make test-kernels runs it on Debian 12's 6.1 as well):
# 1. OVL_FEATURES_OFF naming no feature is refused, in one line;
# 2. a required feature missing (turned off here) stops ovld with exit
#    status 1 and one line naming the minimum and what is missing, before
#    anything is made: no pin, no attachment;
# 3. with the two optional features off (as on 6.1: kern_ctx and
#    decap_flags), ovld says so once each at start, `ovlctl status` lists
#    them, and the other ways carry real traffic between two hosts over an
#    IPv6 underlay with TC decapsulation, where they matter: IPv4 in the
#    containers (the other IP version than the underlay's), a datagram
#    shorter than the outer IPv6 header (padded for the decap), a TCP
#    transfer whose inner checksums are left to the device (the outer UDP
#    checksum must be right on the wire: tshark checks every one), and
#    no checksum error in the containers.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 nstat tshark tcpdump
PROBE=$OVL_TOP/tests/lib/l4probe.py
PORT=7777
OPTIONAL=${KF_OPTIONAL-kern_ctx,decap_flags}

topo_switch
topo_host h1 1
topo_host h2 2

# 1. A name that is no feature.
out=$(OVL_FEATURES_OFF=kern_ctx,warp_drive ip netns exec "$(ns_name h1)" "$OVLD" \
	--instance "$(inst_of h1)" --underlay u0 --state-dir "$TOPO_DIR/state-h1" 2>&1) && rc=0 || rc=$?
[ "$rc" != 0 ] || fail "ovld started with OVL_FEATURES_OFF naming no feature"
echo "$out" | grep -q "OVL_FEATURES_OFF: no kernel feature 'warp_drive'" ||
	fail "no clear error for an unknown feature name: $out"

# 2. Below the minimum: one line, exit status 1, nothing made.
out=$(OVL_FEATURES_OFF=xdp_load_bytes ip netns exec "$(ns_name h1)" "$OVLD" \
	--instance "$(inst_of h1)" --underlay u0 --state-dir "$TOPO_DIR/state-h1" 2>&1) && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "ovld below the minimum exited $rc, not 1: $out"
[ "$(echo "$out" | grep -c .)" = 1 ] || fail "more than one line below the minimum: $out"
echo "$out" | grep -Eq "error: Linux [^ ]+ is below ovl's minimum, 6\.1: it lacks bpf_xdp_load_bytes\(\) \(5\.18, turned off by OVL_FEATURES_OFF\)$" ||
	fail "the refusal does not name the minimum and what is missing: $out"
[ ! -e "/run/ovl/bpf/$(inst_of h1)" ] || fail "ovld below the minimum left pins"
ip -n "$(ns_name h1)" link show u0 | grep -q "xdp" && fail "ovld below the minimum attached XDP"
tc -n "$(ns_name h1)" filter show dev u0 ingress 2>/dev/null | grep -q bpf &&
	fail "ovld below the minimum attached TC"

# 3. The other ways, over an IPv6 underlay with TC decapsulation.
mac() { printf '02:00:00:00:42:0%s' "$1"; }
{
	echo "{"
	echo "  \"$(mac 1)\": {\"ip\": \"fd00:1::1\", \"port\": 4789, \"arp\": \"10.42.0.1\", \"ndp\": \"fd42::1\"},"
	echo "  \"$(mac 2)\": {\"ip\": \"fd00:1::2\", \"port\": 4789, \"arp\": \"10.42.0.2\", \"ndp\": \"fd42::2\"}"
	echo "}"
} >"$TOPO_DIR/hosts.json"
for i in 1 2; do
	OVL_FEATURES_OFF=$OPTIONAL topo_ovld "h$i" --decap tc
	ovlctl_on "h$i" overlay create ov -v 42 -e vxlan -s files \
		-p "vxlan/listen_ip=fd00:1::$i" -p "files/config=$TOPO_DIR/hosts.json" >/dev/null
	ns_add "c$i"
	ovlctl_on "h$i" vnic create eth0 -l ov -m "$(mac "$i")" --netns "$(ns_name "c$i")" >/dev/null
	in_ns "c$i" ip addr add "10.42.0.$i/24" dev eth0
	in_ns "c$i" ip addr add "fd42::$i/64" dev eth0 nodad
done

for f in ${OPTIONAL//,/ }; do
	case $f in
	kern_ctx) what='kfunc bpf_cast_to_kern_ctx() turned off by OVL_FEATURES_OFF (Linux 6.2)' ;;
	decap_flags) what='BPF_F_ADJ_ROOM_DECAP_L3_\* turned off by OVL_FEATURES_OFF (Linux 6.3)' ;;
	esac
	n=$(grep -c "kernel [^ ]*: .*$what: " "$TOPO_DIR/ovld-h1.log" || true)
	[ "$n" = 1 ] || fail "ovld said $n times that $f is off (once expected): $(cat "$TOPO_DIR/ovld-h1.log")"
	ovlctl_on h1 status | grep -Eq "^ +$f off \(OVL_FEATURES_OFF; Linux 6\.[23]\): " ||
		fail "ovlctl status does not list $f as off: $(ovlctl_on h1 status)"
	ovlctl_on h1 -j status | python3 -c '
import json, sys
k = json.load(sys.stdin)["kernel"]
f = {x["name"]: x for x in k["features"]}[sys.argv[1]]
assert k["minimum"] == "6.1", k
assert f["on"] is False and f["off_because"] == "OVL_FEATURES_OFF" and f["instead"], f
assert all(x["on"] for x in k["features"] if x["name"] not in sys.argv[2].split(",")), k
' "$f" "$OPTIONAL" || fail "ovlctl -j status: kernel features wrong"
done

in_ns c2 python3 "$PROBE" serve "$PORT" "$TOPO_DIR/udp.log" >"$TOPO_DIR/serve.out" 2>&1 &
on_exit "kill $!"
wait_for 10 grep -q ready "$TOPO_DIR/serve.out" || fail "l4probe server did not start"
in_ns c2 iperf3 -s -1 -p 5201 >"$TOPO_DIR/iperf-s.out" 2>&1 &
on_exit "kill $! 2>/dev/null"

# Whole frames as h1 and h2 receive them (the switch ports finish what
# checksums the sending veth left to the device).
for i in 1 2; do
	CAP_SNAPLEN=0 cap_start "ul$i" "h$i" u0 -Q in udp port 4789
done
for a in 10.42.0.2 fd42::2; do
	in_ns c1 ping -c 1 -W 5 "$a" >/dev/null || fail "first ping c1 -> $a lost"
done
# A datagram of 2 bytes: 30 bytes of IPv4 behind a 40-byte IPv6 header.
for a in 10.42.0.2 fd42::2; do
	tok=k$((RANDOM % 10))
	echo "udp $a $PORT $tok" | in_ns c1 python3 "$PROBE" client >/dev/null
	wait_for 5 grep -qx -- "$tok" "$TOPO_DIR/udp.log" ||
		fail "a short UDP datagram to $a was lost; h2: $(ovlctl_on h2 stats | grep -v ' 0$' | tr '\n' ' ')"
	: >"$TOPO_DIR/udp.log"
done
r=$(echo "tcp 10.42.0.2 $PORT 10" | in_ns c1 python3 "$PROBE" client)
[ "${r%% *}" = ok ] || fail "TCP connect c1 -> 10.42.0.2 failed: $r"
iperf_listens() { in_ns c2 ss -Hltn "sport = :5201" | grep -q .; }
wait_for 10 iperf_listens || fail "iperf3 server did not start"
in_ns c1 iperf3 -c 10.42.0.2 -p 5201 -n 1M >"$TOPO_DIR/iperf-c.out" 2>&1 ||
	fail "TCP transfer c1 -> c2 failed: $(tail -3 "$TOPO_DIR/iperf-c.out")"
cap_stop ul1
cap_stop ul2

for c in c1 c2; do
	e=$(in_ns "$c" nstat -asz 2>/dev/null | awk '$1 ~ /InCsumErrors$/ && $2 != 0 {print $1, $2}')
	[ -z "$e" ] || fail "$c counted checksum errors: $e"
done
total=0 bad=0
for i in 1 2; do
	total=$((total + $(cap_count "ul$i" "udp.port == 4789 && ipv6")))
	bad=$((bad + $(tshark -r "$TOPO_DIR/ul$i.pcap" -o udp.check_checksum:TRUE \
		-Y "udp.port == 4789 && ipv6 && udp.checksum.status != 1" 2>/dev/null | wc -l)))
done
[ "$total" -gt 100 ] || fail "only $total encapsulated frames on the underlay"
[ "$bad" = 0 ] || fail "$bad of $total encapsulated frames carry a wrong outer UDP checksum"
info "kern_ctx and decap_flags off: $total frames over the IPv6 underlay, every outer checksum right"
exit 0
