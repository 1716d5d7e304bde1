#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# An upgrade across a change of the maps' layout: the ovld of ABI 1 (commit
# 15bbac9, built here from git history) serves two hosts; this ovld takes
# over each instance in turn, with no --cleanup, while traffic flows.
#
#   c1 (ns) -- h1 --+-- switch --+-- h2 -- c2 (ns)
#   ABI-1 ovld, then this one      ABI-1 ovld, then this one
#   (decapsulation at TC)          (decapsulation at XDP: --decap xdp)
#   continuous: ping c1 -> c2 (every 2 ms), a TCP flow c1 -> c2 (a message
#   every 5 ms, echoed back)
#
# What it proves:
# 1. while the ABI-1 ovld serves h1, this ovld refuses another instance on
#    h1's underlay, naming the ABI-1 program it will not touch;
# 2. stopping the ABI-1 ovld and starting this one (same instance, same
#    options) on h1 and then on h2 loses no ping and no TCP segment: every
#    segment c1 or c2 retransmitted (RetransSegs) was a spurious one, a
#    tail loss probe sent during a pause of a few ms on a loaded machine,
#    whose original the peer had and reported as a duplicate (TCPDSACKRecv
#    grew as much); the TCP flow's longest wait for an echo is printed),
#    though ovl_config, ovl_stats, ovl_vnis, ovl_ifaces, ovl_endpoints and
#    ovl_peers change shape: the pins were migrated;
# 3. the static fdb entry made with `ovlctl map add` under ABI 1 is there,
#    still static; the counters went on (tx_encap4 counts every echo request
#    sent across the upgrades on top of what ABI 1 had counted);
# 4. `ovlctl status` reports the migration (from ABI 1, the maps it
#    replaced), the pins carry the marker of this ovld's ABI (ovl_abi_vN)
#    and the maps their new shape; c1's MAC has its local ovl_fdb entry
#    (ABI 3), which the ABI-1 pins had not; a restart after that migrates
#    nothing.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 bpftool git make
abi=$(sed -n 's/^#define OVL_ABI_VERSION \([0-9]*\)$/\1/p' "$OVL_TOP/bpf/ovl_abi.h")

OLD=15bbac9 # the last commit of ABI 1
NEW_OVLD=$OVLD
NEW_OVLCTL=$OVLCTL
topo_switch

topo_old_ovld "$OLD" 1

H=$TOPO_DIR/hosts.json
topo_vni_json "$H" 25 1 2
OVLD=$OLD_BUILD/ovld
OVLCTL=$OLD_BUILD/ovlctl
declare -A args=([h1]="" [h2]="--decap xdp")
# shellcheck disable=SC2086 # the options are words
for i in 1 2; do
	topo_vni_host "$i" 25 "$H" ${args[h$i]}
done
inst=$(inst_of h1)
pins=/run/ovl/bpf/$inst
in_ns c1 ping -c 3 -i 0.2 -W 2 10.25.0.2 >/dev/null || fail "c1 -> c2 lost under ABI 1"
ovlctl_on h1 map add overlay0 02:00:00:00:25:99 10.1.0.2 >/dev/null
[ ! -e "$pins/ovl_abi_v2" ] && [ -e "$pins/ovl_fdb" ] || fail "the ABI-1 pins are not as expected: $(ls "$pins")"
[ "$(bpftool -j map show pinned "$pins/ovl_config" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_value"])')" = 32 ] ||
	fail "ovl_config of ABI 1 is not 32 bytes"

info "1. another instance on an underlay an ABI-1 ovld serves"
rc=0
timeout 10 ip netns exec "$(ns_name h1)" "$NEW_OVLD" --instance "$inst-other" --underlay u0 \
	--state-dir "$TOPO_DIR/state-other" >"$TOPO_DIR/other.log" 2>&1 || rc=$?
on_exit "$NEW_OVLD --instance $inst-other --state-dir $TOPO_DIR/state-other --cleanup"
[ "$rc" = 1 ] || fail "another instance on h1's underlay exited $rc, want 1: $(cat "$TOPO_DIR/other.log")"
grep -q "underlay u0 is served by an ovl instance of ABI 1" "$TOPO_DIR/other.log" ||
	fail "the refusal does not say whose the underlay is: $(cat "$TOPO_DIR/other.log")"
[ ! -e "/run/ovl/bpf/$inst-other/ovl_fdb" ] || fail "the refused instance pinned maps"

info "2. the upgrade, while traffic flows"
# A counter of /proc/net/snmp or /proc/net/netstat: tcpc NS FILE FIELD
tcpc() {
	in_ns "$1" awk -v f="$3" '$1 == "Tcp:" || $1 == "TcpExt:" { if (!h) { for (i = 1; i <= NF; i++) if ($i == f) c = i; h = 1 } else if (c) print $c }' "/proc/net/$2"
}
# RetransSegs, TCPDSACKRecv, TCPLossProbes of a namespace, one line
retrans() {
	echo "$(tcpc "$1" snmp RetransSegs) $(tcpc "$1" netstat TCPDSACKRecv) $(tcpc "$1" netstat TCPLossProbes)"
}
encap0=$(stat_of h1 tx_encap4)
r1=$(retrans c1)
r2=$(retrans c2)
in_ns c2 python3 "$OVL_TOP/tests/lib/tcpflow.py" serve 5201 >"$TOPO_DIR/tcpserve.log" 2>&1 &
on_exit "kill $!"
wait_for 5 grep -q listening "$TOPO_DIR/tcpserve.log" || fail "TCP server did not start"
in_ns c1 python3 "$OVL_TOP/tests/lib/tcpflow.py" send 10.25.0.2 5201 9 5 >"$TOPO_DIR/tcp.json" 2>&1 &
tcp=$!
on_exit "kill $tcp"
in_ns c1 ping -q -i 0.002 -c 4000 -W 2 10.25.0.2 >"$TOPO_DIR/flood.txt" 2>&1 &
flood=$!
on_exit "kill $flood"
sleep 1
OVLD=$NEW_OVLD
OVLCTL=$NEW_OVLCTL
for h in h1 h2; do
	topo_kill_ovld "$h" TERM
	# shellcheck disable=SC2086
	topo_ovld "$h" ${args[$h]}
	grep -q "pins of instance $(inst_of "$h") migrated from ABI 1 to $abi" "$TOPO_DIR/ovld-$h.log" ||
		fail "$h: no migration in the log: $(ovld_log "$h")"
done
kill -0 "$flood" 2>/dev/null || fail "the ping flood ended before both upgrades were done: $(cat "$TOPO_DIR/flood.txt")"
kill -0 "$tcp" 2>/dev/null || fail "the TCP flow ended before both upgrades were done: $(cat "$TOPO_DIR/tcp.json")"
wait "$flood" || true
wait "$tcp" || fail "TCP flow across the upgrades: $(cat "$TOPO_DIR/tcp.json")"
info "ping: $(grep received "$TOPO_DIR/flood.txt")"
info "tcp: $(cat "$TOPO_DIR/tcp.json")"
grep -q '4000 packets transmitted, 4000 received' "$TOPO_DIR/flood.txt" ||
	fail "pings lost across the upgrades: $(cat "$TOPO_DIR/flood.txt")"
for c in c1 c2; do
	if [ $c = c1 ]; then was=$r1; else was=$r2; fi
	read -r rt0 ds0 tlp0 <<<"$was"
	read -r rt1 ds1 tlp1 <<<"$(retrans $c)"
	info "$c: retransmitted $((rt1 - rt0)), duplicates reported by the peer (DSACK) $((ds1 - ds0)), loss probes $((tlp1 - tlp0))"
	[ $((rt1 - rt0)) -le $((ds1 - ds0)) ] ||
		fail "TCP lost segments across the upgrades: $c retransmitted $((rt1 - rt0)) segments, of which the peer had only $((ds1 - ds0)) already"
done

info "3. what ABI 1 knew and counted"
[ "$(ovlctl_on h1 -j map get overlay0 02:00:00:00:25:99 | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["ip"], j["static"])')" = "10.1.0.2 True" ] ||
	fail "the static entry did not survive: $(ovlctl_on h1 map list)"
encap1=$(stat_of h1 tx_encap4)
[ "$encap1" -ge $((encap0 + 4000)) ] ||
	fail "tx_encap4 went $encap0 -> $encap1 across the upgrade of 4000 echo requests and a TCP flow"
info "tx_encap4 $encap0 -> $encap1"

info "4. the migration as status and the pins tell it"
for h in h1 h2; do
	ovlctl_on "$h" -j status | python3 -c '
import json, sys
j = json.load(sys.stdin)
m = j["migrated"]
assert j["pins_abi"] == int(sys.argv[1]), j["pins_abi"]
assert m and m["from_abi"] == 1 and m["to_abi"] == int(sys.argv[1]), m
how = {x["name"]: x["how"] for x in m["maps"]}
assert how == {"ovl_config": "rewritten", "ovl_vnis": "copied", "ovl_ifaces": "copied",
               "ovl_endpoints": "copied", "ovl_stats": "copied", "ovl_peers": "copied"}, how
assert sorted(m["created"]) == ["ovl_nexthops", "ovl_rflows", "ovl_vni_cnt", "ovl_vni_drops", "ovl_vni_stats"], m["created"]
assert j["adopted"]
' "$abi" || fail "$h: status does not report the migration: $(ovlctl_on "$h" -j status)"
done
[ "$(ovlctl_on h2 -j status | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["underlay"]["decap"], j["underlay"]["xdp_prog_id"] > 0)')" = "xdp True" ] ||
	fail "h2 does not decapsulate at XDP: $(ovlctl_on h2 status)"
grep -q "replaced XDP program on u0" "$TOPO_DIR/ovld-h2.log" || fail "h2 did not replace its ABI-1 XDP program"
ovlctl_on h1 status | grep -q "^migrated   from ABI 1 to $abi: " ||
	fail "ovlctl status (text) does not say migrated: $(ovlctl_on h1 status)"
[ "$(bpftool -j map show pinned "$pins/ovl_abi_v$abi" | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')" = "ovl_abi_v$abi" ] ||
	fail "no ABI marker pinned: $(ls "$pins")"
# c1's local entry (family OVL_AF_LOCAL, 1, after the 16 address bytes)
bpftool -j map dump pinned "$pins/ovl_fdb" | python3 -c '
import json, sys
mac = [int(b, 16) for b in sys.argv[1].split(":")]
sys.exit(not any([int(b, 16) for b in e["key"][4:10]] == mac and int(e["value"][16], 16) == 1
                 for e in json.load(sys.stdin)))' 02:00:00:00:25:01 ||
	fail "h1's ovl_fdb has no local entry for c1 (02:00:00:00:25:01) after the upgrade"
for m in "ovl_config bytes_value 72" "ovl_stats max_entries 128" "ovl_ifaces max_entries 16384"; do
	read -r name key want <<<"$m"
	[ "$(bpftool -j map show pinned "$pins/$name" | python3 -c "import json,sys; print(json.load(sys.stdin)['$key'])")" = "$want" ] ||
		fail "$pins/$name has not $key $want after the migration"
done
topo_kill_ovld h1 TERM
topo_ovld h1
[ "$(ovlctl_on h1 -j status | python3 -c 'import json,sys; print(json.load(sys.stdin)["migrated"])')" = None ] ||
	fail "a restart after the migration migrated again"
in_ns c1 ping -c 3 -i 0.2 -W 2 10.25.0.2 >/dev/null || fail "c1 -> c2 lost after it all"
info "all good"
