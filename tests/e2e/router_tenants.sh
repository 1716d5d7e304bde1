#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Two tenants with the same subnet, each with its router, on one host; and a
# third with another subnet whose router gives the host a route to it.
#
#   out (ns) 10.1.0.100 on the underlay LAN
#   h1: ovld; ta VNI 31 and tb VNI 32 both 10.31.0.0/24 (router 10.31.0.1,
#       masquerade on; ta with router/host=on), tc VNI 33 10.33.0.0/24
#       (router/host=on)
#       a1 (ta) 10.31.0.11    b1 (tb) 10.31.0.11 (the same address)
#       b2 (tb) 10.31.0.12    c1 (tc) 10.33.0.11
#
# What it proves:
# 1. a1 and b1, with the same address, both reach out at once, out sees the
#    host's address for both, and each gets its own answer;
# 2. neither reaches the other's containers through any router: a1 cannot
#    reach b2's 10.31.0.12 (not on its overlay), nor c1's 10.33.0.11 (the
#    host has a route to it, but does not route between router zones),
#    nor tb's router's transit address; the drops are counted;
# 3. router/host=on on tb (overlapping ta's, which has it) is refused naming
#    both overlays and the subnet, on overlay create and on router set, and
#    nothing changes;
# 4. an overlay without router properties has no router zone (router list
#    is empty for it, no namespace, no veth) and behaves as before.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 nft

W="python3 $OVL_TOP/tests/lib/whoami.py"
MA1=02:00:00:00:31:11
MB1=02:00:00:00:32:11
MB2=02:00:00:00:32:12
MC1=02:00:00:00:33:11
topo_switch
for v in 31 32 33; do
	: >"$TOPO_DIR/h$v.json"
done
topo_hosts_json "$TOPO_DIR/h31.json" "$MA1 10.1.0.1 arp=10.31.0.11"
topo_hosts_json "$TOPO_DIR/h32.json" "$MB1 10.1.0.1 arp=10.31.0.11" "$MB2 10.1.0.1 arp=10.31.0.12"
topo_hosts_json "$TOPO_DIR/h33.json" "$MC1 10.1.0.1 arp=10.33.0.11"
topo_hosts_json "$TOPO_DIR/h34.json" "02:00:00:00:34:11 10.1.0.1 arp=10.34.0.11"

topo_outside
topo_whoami out out 7000

topo_host h1 1
topo_ovld h1
topo_files_overlay h1 ta 31 "$TOPO_DIR/h31.json" -p router/gateway=10.31.0.1/24 \
	-p router/masquerade=on -p router/host=on
topo_files_overlay h1 tb 32 "$TOPO_DIR/h32.json" -p router/gateway=10.31.0.1/24 \
	-p router/masquerade=on
topo_files_overlay h1 tc 33 "$TOPO_DIR/h33.json" -p router/gateway=10.33.0.1/24 -p router/host=on
topo_vnic h1 a1 ta "$MA1" 10.31.0.11/24
topo_vnic h1 b1 tb "$MB1" 10.31.0.11/24
topo_vnic h1 b2 tb "$MB2" 10.31.0.12/24
topo_vnic h1 c1 tc "$MC1" 10.33.0.11/24
for c in a1 b1 b2; do
	in_ns $c ip route add default via 10.31.0.1
done
in_ns c1 ip route add default via 10.33.0.1
for c in b2 c1; do
	topo_whoami $c $c 80
done

info "1. the same address in two tenants, both out at once"
in_ns a1 $W ask 10.1.0.100 7000 >"$TOPO_DIR/a1.out" 2>&1 &
pa=$!
in_ns b1 $W ask 10.1.0.100 7000 >"$TOPO_DIR/b1.out" 2>&1 &
pb=$!
wait $pa || fail "a1 did not reach out: $(cat "$TOPO_DIR/a1.out")"
wait $pb || fail "b1 did not reach out: $(cat "$TOPO_DIR/b1.out")"
[ "$(cat "$TOPO_DIR/a1.out")" = "out 10.1.0.1" ] || fail "a1 got \"$(cat "$TOPO_DIR/a1.out")\""
[ "$(cat "$TOPO_DIR/b1.out")" = "out 10.1.0.1" ] || fail "b1 got \"$(cat "$TOPO_DIR/b1.out")\""
for i in 1 2 3; do
	[ "$(in_ns a1 $W ask 10.1.0.100 7000 udp)" = "out 10.1.0.1" ] || fail "a1 UDP round $i"
	[ "$(in_ns b1 $W ask 10.1.0.100 7000 udp)" = "out 10.1.0.1" ] || fail "b1 UDP round $i"
done

info "2. no way from one tenant to another"
in_ns b1 $W ask 10.31.0.12 80 >/dev/null || fail "b1 cannot reach b2 in its own tenant"
in_ns a1 $W ask 10.31.0.12 80 1 >/dev/null 2>&1 && fail "a1 reached b2 of the other tenant"
in_ns h1 $W ask 10.33.0.11 80 >/dev/null || fail "h1 cannot reach c1 (router/host=on)"
in_ns a1 $W ask 10.33.0.11 80 1 >/dev/null 2>&1 && fail "a1 reached c1 of tc through the host"
tb_router=$(ovlctl_on h1 -j router list tb | python3 -c \
	'import json,sys; print(json.load(sys.stdin)[0]["transit"]["router"].split("/")[0])')
in_ns a1 ping -c1 -W1 "$tb_router" >/dev/null 2>&1 && fail "a1 reached tb's router ($tb_router)"
in_ns h1 nft list chain inet "ovl_$(inst_of h1 | tr -c 'a-zA-Z0-9\n' _)" forward |
	grep -q 'counter packets [1-9]' || fail "the host's forward drop counted nothing"

info "3. overlapping router/host refused"
rc=0
ovlctl_on h1 router set tb host=on 2>"$TOPO_DIR/set.err" || rc=$?
[ "$rc" = 1 ] || fail "router set tb host=on: exit $rc, want 1"
grep -q "10.31.0.0/24 of overlay tb overlaps 10.31.0.0/24 of overlay ta" "$TOPO_DIR/set.err" ||
	fail "router set: not explained: $(cat "$TOPO_DIR/set.err")"
rc=0
ovlctl_on h1 overlay create td -v 35 -e vxlan -s files -p "files/config=$TOPO_DIR/h32.json" \
	-p router/gateway=10.31.0.254/16 -p router/host=on 2>"$TOPO_DIR/create.err" || rc=$?
[ "$rc" = 1 ] || fail "overlay create td: exit $rc, want 1"
grep -q "overlaps 10.31.0.0/24 of overlay ta" "$TOPO_DIR/create.err" ||
	fail "overlay create: not explained: $(cat "$TOPO_DIR/create.err")"
ovlctl_on h1 overlay list | grep -qw td && fail "the refused overlay td exists"
host=$(ovlctl_on h1 -j router list tb | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["host"])')
[ "$host" = False ] || fail "tb's router/host changed to $host"
in_ns b1 $W ask 10.1.0.100 7000 >/dev/null || fail "tb's router broke after the refusal"

info "4. an overlay without a router"
topo_files_overlay h1 te 34 "$TOPO_DIR/h34.json"
n=$(ovlctl_on h1 -j router list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 3 ] || fail "router list: $n routers, want 3 (ta tb tc)"
ovlctl_on h1 -j router list te >"$TOPO_DIR/te.json" && [ "$(cat "$TOPO_DIR/te.json")" = "[]" ] ||
	fail "router list te: $(cat "$TOPO_DIR/te.json")"
in_ns h1 ip -br link | grep -c '^ovlr' | grep -qx 3 || fail "router veths: $(in_ns h1 ip -br link)"
info "ok"
