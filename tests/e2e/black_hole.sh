#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Silent black holes are told: at the command that makes one, per overlay
# in its counters, and in `ovlctl monitor` by interface name and refused
# underlay address.
#
#   c1 (ns) 10.50.0.1 -- h1 =========== switch =========== h3 -- c3 (ns) 10.50.0.3
#                        10.1.0.1     |                     10.1.0.3
#                        ov50, ov51   h2 10.1.0.2 (c2)      ov50 (its own hosts.json,
#                        (hosts.json: c1, c2)               which lists h1)
#
# h1's backend for VNI 50 names h1 and h2, not h3. The operator adds a
# forwarding entry on h1 for c3's MAC toward h3 by hand. Traffic goes out,
# but c3's answers come from an underlay host that is no peer of the
# overlay on h1, and XDP/TC drop them there (peer_unknown): a black hole.
#
# What it proves:
# 1. `ovlctl map add` toward h3 succeeds and warns on stderr that 10.1.0.3
#    is no peer of ov50 (with -j: a "warnings" array), and ovld logs it; a
#    map add toward h2, a peer, warns nothing;
# 2. `ovlctl vnic create` with a MAC the backend does not know, or puts on
#    another host, succeeds with a warning;
# 3. c1's pings to c3 go unanswered, and the replies h3 sent are counted
#    for ov50 (`overlay list`, -j and `status`): peer_unknown and drops as
#    many as h1's global drop_peer_unknown moved, ov51 nothing;
# 4. `ovlctl monitor` on h1 names the interface (u0, not an ifindex) and
#    the refused outer address 10.1.0.3;
# 5. the counters go with the overlay: made again, ov50 starts from 0.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3

M1=02:00:00:50:00:01
M2=02:00:00:50:00:02
M3=02:00:00:50:00:03
topo_switch
for i in 1 2 3; do
	topo_host "h$i" "$i"
done
topo_hosts_json "$TOPO_DIR/hosts.json" "$M1 10.1.0.1 arp=10.50.0.1" "$M2 10.1.0.2 arp=10.50.0.2"
topo_hosts_json "$TOPO_DIR/hosts-h3.json" "$M1 10.1.0.1 arp=10.50.0.1" "$M3 10.1.0.3 arp=10.50.0.3"
topo_ovld h1
topo_ovld h3
topo_files_overlay h1 ov50 50 "$TOPO_DIR/hosts.json"
topo_files_overlay h1 ov51 51 "$TOPO_DIR/hosts.json"
topo_files_overlay h3 ov50 50 "$TOPO_DIR/hosts-h3.json"
for c in 1 3; do
	ns_add "c$c"
	# no IPv6: its router solicitations and MLD would be drops of ov50 too
	in_ns "c$c" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	topo_vnic "h$c" "c$c" ov50 "02:00:00:50:00:0$c" "10.50.0.$c/24"
done

# ctl HOST ARGS...: ovlctl; $rc, $TOPO_DIR/out and $TOPO_DIR/err hold the outcome
ctl() {
	rc=0
	ovlctl_on "$@" >"$TOPO_DIR/out" 2>"$TOPO_DIR/err" || rc=$?
}
warned() { # warned WHAT PATTERN: exit 0 and one warning matching PATTERN on stderr
	[ "$rc" = 0 ] || fail "$1: exit $rc: $(cat "$TOPO_DIR/err")"
	[ "$(wc -l <"$TOPO_DIR/err")" = 1 ] && grep -q "^ovlctl: warning: $2" "$TOPO_DIR/err" ||
		fail "$1: stderr \"$(cat "$TOPO_DIR/err")\", want one \"ovlctl: warning: $2\""
}

info "1. map add toward an underlay host that is no peer"
ctl h1 map add ov50 "$M3" 10.1.0.3
warned "map add toward h3" "10.1.0.3 is not a peer of overlay ov50 (files/config $TOPO_DIR/hosts.json): VXLAN from it is dropped (peer_unknown)"
[ ! -s "$TOPO_DIR/out" ] || fail "map add printed: $(cat "$TOPO_DIR/out")"
ctl h1 -j map add ov50 "$M3" 10.1.0.3
warned "map add -j toward h3" "10.1.0.3 is not a peer"
python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["ip"] == "10.1.0.3" and len(j["warnings"]) == 1 and "peer_unknown" in j["warnings"][0], j
' "$TOPO_DIR/out" || fail "map add -j: $(cat "$TOPO_DIR/out")"
grep -q "10.1.0.3 is not a peer of overlay ov50" "$TOPO_DIR/ovld-h1.log" ||
	fail "ovld did not log the warning: $(ovld_log h1)"
ctl h1 map add ov51 02:00:00:50:00:77 10.1.0.2
[ "$rc" = 0 ] && [ ! -s "$TOPO_DIR/err" ] || fail "map add toward a peer: exit $rc, $(cat "$TOPO_DIR/err")"

info "2. vnic create with a MAC nobody can find"
ns_add c9
in_ns c9 sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ctl h1 vnic create e9 -l ov51 -m 02:00:00:50:00:99 --netns "$(ns_name c9)"
warned "vnic create of an unknown MAC" "MAC 02:00:00:50:00:99 is not in the backend of overlay ov51"
ctl h1 -j vnic create e2 -l ov51 -m "$M2" --netns "$(ns_name c9)"
warned "vnic create of a MAC that lives on h2" "the backend of overlay ov51 (files/config $TOPO_DIR/hosts.json) puts MAC $M2 on 10.1.0.2, not on this host"
python3 -c 'import json, sys; assert len(json.load(open(sys.argv[1]))["warnings"]) == 1' \
	"$TOPO_DIR/out" || fail "vnic create -j: $(cat "$TOPO_DIR/out")"
ctl h1 vnic create e1 -l ov51 -m "$M1" --netns "$(ns_name c9)"
[ "$rc" = 0 ] && [ ! -s "$TOPO_DIR/err" ] || fail "vnic create of a known MAC: exit $rc, $(cat "$TOPO_DIR/err")"

info "3. the black hole, counted for its overlay"
# monitor on h1 from here on (drop events only flow while one listens)
ovlctl_on h1 monitor >"$TOPO_DIR/mon.out" 2>&1 &
mon=$!
on_exit "kill $mon"
wait_for 5 topo_drop_events h1 || fail "the monitor did not get in"
ov_counts() { # ov_counts NAME: "drops peer_unknown" of overlay NAME (overlay list -j)
	ovlctl_on h1 -j overlay list | python3 -c '
import json, sys
o = [o for o in json.load(sys.stdin) if o["name"] == sys.argv[1]][0]
print(o["drops"], o["peer_unknown"])' "$1"
}
read -r drops0 pu0 <<<"$(ov_counts ov50)"
before=$(stat_of h1 drop_peer_unknown)
in_ns c1 ip neigh replace 10.50.0.3 lladdr "$M3" dev eth0 nud permanent
in_ns c1 ping -c 3 -i 0.2 -W 1 10.50.0.3 >/dev/null && fail "c3 answered through a host that is no peer"
wait_for 5 test "$(stat_of h1 drop_peer_unknown)" -ge $((before + 3)) ||
	fail "h1 did not drop c3's 3 replies as peer_unknown ($before -> $(stat_of h1 drop_peer_unknown))"
sleep 0.5
moved=$(($(stat_of h1 drop_peer_unknown) - before))
read -r drops pu <<<"$(ov_counts ov50)"
[ "$((drops - drops0)) $((pu - pu0))" = "$moved $moved" ] ||
	fail "ov50 counts went \"$drops0 $pu0\" -> \"$drops $pu\" (drops, peer_unknown), want +$moved each"
[ "$(ov_counts ov51)" = "0 0" ] || fail "ov51 counts \"$(ov_counts ov51)\", want \"0 0\""""
ovlctl_on h1 overlay list >"$TOPO_DIR/list.out"
head -n 1 "$TOPO_DIR/list.out" | grep -q '^NAME *VNI *ENCAP *SEARCH *ENTRIES *DROPS *PEER_UNKNOWN *ROUTER *PROPS$' ||
	fail "overlay list header: $(cat "$TOPO_DIR/list.out")"
grep -q "^ov50 *50 *vxlan *files *2 *$drops *$pu " "$TOPO_DIR/list.out" ||
	fail "overlay list: no ov50 row with $drops drops, $pu peer_unknown: $(cat "$TOPO_DIR/list.out")"
ovlctl_on h1 status | grep -q "^ov50 *50 *vxlan *files *2 *$drops *$pu " ||
	fail "status: no ov50 row with $drops drops, $pu peer_unknown: $(ovlctl_on h1 status)"

info "4. monitor names the interface and the refused VTEP"
kill "$mon"
wait "$mon" 2>/dev/null || true
grep -q " drop vni=50 ifname=u0 reason=peer_unknown outer_ip=10.1.0.3 " "$TOPO_DIR/mon.out" ||
	fail "monitor: no peer_unknown drop naming u0 and 10.1.0.3: $(cat "$TOPO_DIR/mon.out")"
grep -q "ifindex=" "$TOPO_DIR/mon.out" && fail "monitor printed an ifindex: $(cat "$TOPO_DIR/mon.out")"
info "5. a deleted overlay takes its counters along"
ovlctl_on h1 vnic delete eth0
ovlctl_on h1 overlay delete ov50
ovlctl_on h1 overlay create ov50 -v 50 -e vxlan -s files -p "files/config=$TOPO_DIR/hosts.json"
[ "$(ov_counts ov50)" = "0 0" ] || fail "ov50 made again counts \"$(ov_counts ov50)\", want \"0 0\""
info "all good: $moved replies from 10.1.0.3 dropped, counted for ov50, warned at map add"
