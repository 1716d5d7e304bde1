#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovld is not in the data path: it can die, be stopped and come back while
# traffic flows, and only one ovld serves an instance.
#
#   c1 (ns) -- h1 --+            +-- h2 -- c2 (ns)
#   ovld killed,    +-- switch --+
#   restarted       +-- h3 -- c3 (ns)   never contacted before the restart
#
# What it proves:
# 1. `kill -9` of h1's ovld during a ping flood (3000 echo requests, 2 ms
#    apart) from c1 to c2, a destination h1 knows, loses no packet, and
#    neither does starting it again (same command line) while the flood
#    still runs;
# 2. the restarted ovld says it reloaded onto the pinned maps (status ->
#    "adopted": true), the counters went on counting (tx_encap4 grew by all
#    3000 echo requests across the restart), the overlay and the VNIC came
#    back from the state directory, and a NEW miss is served: the first
#    ping from c1 to c3, never contacted before, is answered;
# 3. stopped with SIGTERM, ovld exits 0 and removes its socket, and
#    traffic to what the data path knows (c2, and c3 since step 2) flows
#    both ways while it is down;
# 4. a second ovld for the same instance refuses to start, exit status 1,
#    with a message naming the instance and the running ovld's pid, and so
#    does `ovld --cleanup`; the running one is untouched.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3

topo_switch
H=$TOPO_DIR/hosts.json
topo_vni_json "$H" 23 1 2 3
for i in 1 2 3; do
	topo_vni_host "$i" 23 "$H"
done
inst=$(inst_of h1)

# json_get HOST CMD PYEXPR: evaluate PYEXPR on `ovlctl -j CMD` (as j).
json_get() {
	local host=$1 cmd=$2
	# shellcheck disable=SC2086 # CMD is words
	ovlctl_on "$host" -j $cmd | python3 -c "import json,sys; j=json.load(sys.stdin); print($3)"
}

in_ns c1 ping -c 1 -W 2 10.23.0.2 >/dev/null || fail "c1 -> c2 lost"
[ "$(json_get h1 status 'j["adopted"]')" = False ] || fail "a first start says it adopted maps"
vnic_ifindex=$(json_get h1 "vnic list" 'j[0]["host_ifindex"]')
encap0=$(stat_of h1 tx_encap4)

info "1. kill -9 and restart during a ping flood"
in_ns c1 ping -q -i 0.002 -c 3000 -W 2 10.23.0.2 >"$TOPO_DIR/flood.txt" 2>&1 &
flood=$!
on_exit "kill $flood"
sleep 1
topo_kill_ovld h1 KILL
sleep 1
kill -0 "$flood" 2>/dev/null || fail "the flood ended before the restart: $(cat "$TOPO_DIR/flood.txt")"
topo_ovld h1
kill -0 "$flood" 2>/dev/null || fail "the flood ended before ovld was back: $(cat "$TOPO_DIR/flood.txt")"
wait "$flood" || fail "ping flood across kill -9 and restart: $(cat "$TOPO_DIR/flood.txt")"
grep -q '3000 packets transmitted, 3000 received' "$TOPO_DIR/flood.txt" ||
	fail "packets lost across kill -9 and restart: $(cat "$TOPO_DIR/flood.txt")"
info "flood: $(grep received "$TOPO_DIR/flood.txt")"

info "2. the restarted ovld"
[ "$(json_get h1 status 'j["adopted"]')" = True ] || fail "status does not say adopted: true"
grep -q "BPF data path reloaded on existing maps" "$TOPO_DIR/ovld-h1.log" ||
	fail "the log does not say the data path was reloaded on the pinned maps"
grep -q "restored 1 overlays and 1 endpoints" "$TOPO_DIR/ovld-h1.log" ||
	fail "the log does not say what was restored: $(ovld_log h1)"
encap1=$(stat_of h1 tx_encap4)
[ "$encap1" -ge $((encap0 + 3000)) ] ||
	fail "tx_encap4 went $encap0 -> $encap1 across the restart: counters were lost"
[ "$(json_get h1 "overlay list" '",".join(o["name"] + "/" + str(o["vni"]) for o in j)')" = overlay0/23 ] ||
	fail "overlay0 not restored: $(ovlctl_on h1 overlay list)"
[ "$(json_get h1 "vnic list" '",".join(v["name"] + "/" + v["mac"] + "/" + str(v["host_ifindex"]) for v in j)')" = \
	"eth0/02:00:00:00:23:01/$vnic_ifindex" ] || fail "VNIC not restored: $(ovlctl_on h1 vnic list)"
# the endpoint's TC program and one decapsulation (TC on this veth underlay)
[ "$(json_get h1 status '[p["name"] for p in j["programs"] if p["attached"]]')" = \
	"['ovl_tc_ep_in', 'ovl_tc_ul_in']" ] ||
	fail "programs not attached: $(ovlctl_on h1 status)"
ovlctl_on h1 map get overlay0 02:00:00:00:23:03 >/dev/null 2>&1 && fail "h1 knew c3 before it was asked"
in_ns c1 ping -c 1 -W 2 10.23.0.3 >/dev/null || fail "first ping c1 -> c3 after the restart lost (a new miss)"
[ "$(json_get h1 "map get overlay0 02:00:00:00:23:03" 'j["ip"]')" = 10.1.0.3 ] ||
	fail "h1 did not learn c3 after the restart"

info "3. SIGTERM: ovld stops, the data path stays"
kill -TERM "${_topo_pid[h1]}"
rc=0
wait "${_topo_pid[h1]}" || rc=$?
[ "$rc" = 0 ] || fail "ovld exited $rc on SIGTERM: $(ovld_log h1 | tail -n 3)"
grep -q "signal 15: exiting; the data path keeps forwarding" "$TOPO_DIR/ovld-h1.log" ||
	fail "no exit message: $(ovld_log h1 | tail -n 3)"
[ ! -e "/run/ovl/$inst.sock" ] || fail "the socket of a stopped ovld is still there"
for j in 2 3; do
	in_ns c1 ping -c 20 -i 0.01 -W 2 "10.23.0.$j" >/dev/null || fail "c1 -> 10.23.0.$j lost while ovld is down"
	in_ns "c$j" ping -c 20 -i 0.01 -W 2 10.23.0.1 >/dev/null || fail "c$j -> c1 lost while ovld is down"
done

info "4. one ovld per instance"
topo_ovld h1
pid=${_topo_pid[h1]}
rc=0
timeout 10 ip netns exec "$(ns_name h1)" "$OVLD" --instance "$inst" --underlay u0 \
	--state-dir "$TOPO_DIR/state-h1" >"$TOPO_DIR/second.out" 2>"$TOPO_DIR/second.err" || rc=$?
[ "$rc" = 1 ] || fail "a second ovld for $inst exited $rc, want 1: $(cat "$TOPO_DIR/second.err")"
grep -qF "instance $inst is already served by ovld pid $pid" "$TOPO_DIR/second.err" ||
	fail "the second ovld does not say why: $(cat "$TOPO_DIR/second.err")"
[ ! -s "$TOPO_DIR/second.out" ] || fail "the second ovld wrote to stdout: $(cat "$TOPO_DIR/second.out")"
rc=0
ip netns exec "$(ns_name h1)" "$OVLD" --instance "$inst" --state-dir "$TOPO_DIR/state-h1" \
	--cleanup >"$TOPO_DIR/second.out" 2>"$TOPO_DIR/second.err" || rc=$?
[ "$rc" = 1 ] || fail "--cleanup under a running ovld exited $rc, want 1: $(cat "$TOPO_DIR/second.err")"
grep -qF "instance $inst is already served by ovld pid $pid" "$TOPO_DIR/second.err" ||
	fail "--cleanup does not say why: $(cat "$TOPO_DIR/second.err")"
[ -e "/run/ovl/bpf/$inst/ovl_fdb" ] || fail "--cleanup under a running ovld removed its pins"
[ "$(json_get h1 status 'j["pid"]')" = "$pid" ] || fail "the first ovld no longer answers"
in_ns c1 ping -c 1 -W 2 10.23.0.2 >/dev/null || fail "c1 -> c2 lost after the refused start"
info "all good"
