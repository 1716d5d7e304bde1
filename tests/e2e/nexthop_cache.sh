#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The encapsulation path keeps the kernel's route toward each VTEP in
# ovl_nexthops, and follows the host's routing when it changes.
#
#   c1 10.50.0.1 -- h1 u0 10.1.0.1 ==== switch ==== 10.1.0.2 u0 h2 -- c2 10.50.0.2
#                      u1 (a veth whose peer, x1, h1 keeps: a second way out)
#
# What it proves:
# 1. c1's ping reaches c2, and h1's ovl_nexthops then holds the route from
#    c1's veth to 10.1.0.2, port 4789: out by u0, to h2's u0 MAC, MTU 1500,
#    stamped with the generation ovl_config holds;
# 2. a neighbour entry changed by hand (`ip neigh replace`): the next frame
#    goes to the new MAC; changed back, to h2 again, and c2 answers;
# 3. a route added (10.1.0.2/32 by u1): the next frame leaves by u1 and
#    none by u0; the route removed, by u0 again, and c2 answers;
# 4. a route's MTU (10.1.0.2/32 by u0, mtu lock 1400: forwarding heeds
#    only a locked one): a 1400-byte ping with DF
#    from c1 is answered "fragmentation needed, MTU 1350" (1400 less the 50
#    bytes of VXLAN), and one that fits once encapsulated is answered by c2;
# 5. forwarding turned off on c1's host veth (the lookup starts there, and
#    the kernel refuses it then): c2 does not answer and h1 counts
#    drop_fwd_disabled; turned back on, c2 answers;
# 6. the generation rises with the notices ovld reads (20 neighbour
#    changes 50 ms apart raise it at least 5 times; the clock alone would
#    twice) and, with none, once a second;
# 7. ovld stopped (SIGTERM: the data path goes on without it) turns the
#    cache off (nh_gen 0): a neighbour entry changed then is followed by
#    the very next frame, with nobody to raise the generation;
# 8. ovld started again empties ovl_nexthops and raises nh_gen from 0 to
#    1; the next frames fill it anew, stamped with a current generation.
# In 2-5 the ping follows the change once ovl_config's generation has
# moved past the one it had before it: that is what ovld promises (the
# notice read, the cache's answers are old).
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 tshark bpftool

topo_switch
topo_vni_json "$TOPO_DIR/hosts.json" 50 1@1 2@2
for i in 1 2; do
	topo_vni_host "$i" 50 "$TOPO_DIR/hosts.json"
done
pins=/run/ovl/bpf/$(inst_of h1)
h2mac=$(in_ns h2 cat /sys/class/net/u0/address)
in_ns h1 ip link add u1 type veth peer name x1
in_ns h1 ip link set u1 up
in_ns h1 ip link set x1 up
in_ns h1 ip neigh add 10.1.0.2 lladdr 02:00:00:0e:0e:01 dev u1 nud permanent

gen() {
	bpftool -j map lookup pinned "$pins/ovl_config" key 0 0 0 0 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["formatted"]["value"]["nh_gen"])'
}
# moved G: wait until the generation is past G (what the ping after a
# change waits for).
moved() {
	wait_for 3 _past "$1" || fail "nh_gen stayed at $1"
}
_past() {
	[ "$(gen)" != "$1" ]
}
ping1() {
	in_ns c1 ping -c 1 -W 2 "$@" 10.50.0.2
}
# dsts ID: the outer destination MACs of the VXLAN frames h1 sent,
# captured as ID.
dsts() {
	tshark -r "$TOPO_DIR/$1.pcap" -Y "udp.dstport == 4789 && ip.src == 10.1.0.1" -T fields \
		-E occurrence=f -e eth.dst 2>/dev/null |
		sort -u | tr '\n' ' '
}

info "1. the route c1's frames take is kept"
in_ns c1 ping -c 3 -i 0.2 -W 2 10.50.0.2 >/dev/null || fail "c1 cannot reach c2" # the first: a miss, sent by ovld
c1if=$(in_ns h1 ip -j link show | python3 -c '
import json, sys
for l in json.load(sys.stdin):
    if l.get("link_netnsid") is not None and l["ifname"] not in ("u0", "u1", "x1"):
        print(l["ifindex"])' | head -n 1)
u0if=$(in_ns h1 cat /sys/class/net/u0/ifindex)
g=$(gen)
bpftool -j map dump pinned "$pins/ovl_nexthops" | python3 -c '
import json, sys
c1if, u0if, g, h2mac = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
es = [e["formatted"] for e in json.load(sys.stdin)]
mine = [e for e in es if e["key"]["ifindex"] == c1if]
assert len(mine) == 1, es
k, v = mine[0]["key"], mine[0]["value"]
assert k["family"] == 4 and k["addr"][:4] == [10, 1, 0, 2] and k["port"] == 0xb512, k
mac = ":".join("%02x" % b for b in v["dmac"])
assert v["ifindex"] == u0if and v["mtu"] == 1500 and mac == h2mac, (v, h2mac)
assert v["gen"] <= g, (v, g)
' "$c1if" "$u0if" "$g" "$h2mac" || fail "ovl_nexthops: $(bpftool -j map dump pinned "$pins/ovl_nexthops")"

info "2. a neighbour entry changed"
g=$(gen)
in_ns h1 ip neigh replace 10.1.0.2 lladdr 02:00:00:0e:0e:02 dev u0 nud permanent
moved "$g"
cap_start n1 h1 u0 udp
ping1 >/dev/null
cap_stop n1
[ "$(dsts n1)" = "02:00:00:0e:0e:02 " ] || fail "after the change, frames went to: $(dsts n1)"
g=$(gen)
in_ns h1 ip neigh replace 10.1.0.2 lladdr "$h2mac" dev u0 nud reachable
moved "$g"
cap_start n2 h1 u0 udp
ping1 >/dev/null || fail "c2 does not answer with h2's MAC back"
cap_stop n2
[ "$(dsts n2)" = "$h2mac " ] || fail "changed back, frames went to: $(dsts n2)"

info "3. a route added and removed"
g=$(gen)
in_ns h1 ip route add 10.1.0.2/32 dev u1
moved "$g"
cap_start r1 h1 u1 udp
cap_start r0 h1 u0 udp
ping1 >/dev/null && fail "c2 answered through u1, a veth to nowhere"
cap_stop r1
cap_stop r0
[ "$(cap_count r1 "udp.dstport == 4789")" -ge 1 ] || fail "nothing left by u1"
[ "$(cap_count r0 "udp.dstport == 4789")" = 0 ] || fail "frames still left by u0"
g=$(gen)
in_ns h1 ip route del 10.1.0.2/32 dev u1
moved "$g"
ping1 >/dev/null || fail "c2 does not answer once the route is gone"

info "4. a route's MTU"
g=$(gen)
in_ns h1 ip route add 10.1.0.2/32 dev u0 mtu lock 1400
moved "$g"
out=$(ping1 -M "do" -s 1372 2>&1) && fail "1400 bytes over a 1400-byte route answered: $out"
grep -q "mtu = 1350" <<<"$out" || fail "1400 bytes over a 1400-byte route: $out"
ping1 -M "do" -s 1322 >/dev/null || fail "1350 bytes (1400 encapsulated) not answered"
in_ns h1 ip route del 10.1.0.2/32 dev u0

info "5. forwarding off on c1's veth"
c1veth=$(in_ns h1 ip -j link show | python3 -c '
import json, sys
print([l["ifname"] for l in json.load(sys.stdin) if l["ifindex"] == int(sys.argv[1])][0])' "$c1if")
refused=$(stat_of h1 drop_fwd_disabled)
g=$(gen)
in_ns h1 sysctl -qw "net.ipv4.conf.$c1veth.forwarding=0"
moved "$g"
ping1 >/dev/null && fail "c2 answered with forwarding off on $c1veth"
[ "$(stat_of h1 drop_fwd_disabled)" -gt "$refused" ] || fail "h1 counted no drop_fwd_disabled"
g=$(gen)
in_ns h1 sysctl -qw "net.ipv4.conf.$c1veth.forwarding=1"
moved "$g"
ping1 >/dev/null || fail "c2 does not answer with forwarding back on"

info "6. the generation: notices and the clock"
g=$(gen)
for i in $(seq 1 20); do
	in_ns h1 ip neigh replace 10.1.0.9 lladdr "02:00:00:0e:0f:$(printf %02x "$i")" dev u0 nud permanent
	sleep 0.05
done
n=$(($(gen) - g))
[ "$n" -ge 5 ] || fail "20 neighbour changes raised nh_gen $n times"
g=$(gen)
sleep 2.5
n=$(($(gen) - g))
[ "$n" -ge 1 ] || fail "2.5 s without a notice raised nh_gen $n times"

info "7. without ovld, no cache"
in_ns c1 ping -c 2 -i 0.2 -W 2 10.50.0.2 >/dev/null || fail "c2 does not answer before the stop"
topo_kill_ovld h1
[ "$(gen)" = 0 ] || fail "ovld ended, nh_gen is $(gen)"
in_ns c1 ping -c 2 -i 0.2 -W 2 10.50.0.2 >/dev/null || fail "c2 does not answer with ovld gone"
in_ns h1 ip neigh replace 10.1.0.2 lladdr 02:00:00:0e:0e:03 dev u0 nud permanent
cap_start t1 h1 u0 udp
ping1 >/dev/null || true
cap_stop t1
[ "$(dsts t1)" = "02:00:00:0e:0e:03 " ] || fail "with ovld gone, frames went to: $(dsts t1)"

info "8. ovld again"
in_ns h1 ip neigh replace 10.1.0.2 lladdr "$h2mac" dev u0 nud reachable
n=$(bpftool -j map dump pinned "$pins/ovl_nexthops" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" -ge 1 ] || fail "nothing in ovl_nexthops before the restart"
topo_ovld h1
n=$(bpftool -j map dump pinned "$pins/ovl_nexthops" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 0 ] || fail "ovl_nexthops kept $n entries over the restart"
g=$(gen)
[ "$g" -ge 1 ] || fail "nh_gen is $g after the restart"
in_ns c1 ping -c 3 -i 0.2 -W 2 10.50.0.2 >/dev/null || fail "c2 does not answer after the restart"
bpftool -j map dump pinned "$pins/ovl_nexthops" | python3 -c '
import json, sys
es = [e["formatted"]["value"] for e in json.load(sys.stdin)]
assert es and all(v["gen"] >= 1 for v in es), es' || fail "ovl_nexthops after the restart: $(bpftool -j map dump pinned "$pins/ovl_nexthops")"
info "all good"
