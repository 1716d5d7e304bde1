#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# An upgrade across a change of what a map holds, values that grew and a
# new map: ABI 3 put the local endpoints into ovl_fdb, ABI 4 their own
# addresses into ovl_ifaces, ABI 5 a counter slot into ovl_ifaces and
# ovl_vnis, for the new ovl_vni_cnt, ABI 6 the network's slot and a flag
# into ovl_peers (bpf/ovl_abi.h). The ovld of ABI 2 (commit da58fe8, built here
# from git history) serves a host with two containers that switch locally
# and one behind a second host; this ovld takes over, with no --cleanup,
# while traffic flows both ways.
#
#   c1, c3 (ns) -- h1 --+-- switch --+-- h2 -- c2 (ns)
#   ABI-2 ovld, then this one           this ovld throughout
#   continuous: ping c1 -> c3 (local) and c1 -> c2 (encapsulated), every 2 ms
#
# What it proves:
# 1. under ABI 2, h1's ovl_fdb holds no local entry (the pins' marker is
#    ovl_abi_v2);
# 2. stopping the ABI-2 ovld and starting this one on the same pins loses
#    no ping either way; status says migrated from ABI 2, ovl_ifaces,
#    ovl_vnis and ovl_peers copied (their values grew), ovl_vni_cnt new, and every other
#    map kept its shape (ovl_fdb is the same map: the same id); the
#    overlay's counters went on: its encap and local counts grew by at
#    least the 3000 requests each flood sent, on top of what ABI 2 had
#    counted (in ovl_vni_stats, which ovld now reads with the slot);
# 3. h1's ovl_fdb then holds c1's and c3's local entries (OVL_AF_LOCAL, the
#    veth's ifindex) beside c2's remote one, and ovlctl map list still shows
#    only the remote one; h1's ovl_ifaces entries hold c1's and c3's IPv4
#    addresses (ABI 4) and the slot ovl_vnis gives the overlay (ABI 5);
#    h1's ovl_peers entries of the overlay were rewritten with
#    OVL_PEER_F_VNI and that slot (ABI 6); the marker is ovl_abi_v6;
# 4. the ABI-2 ovld, started again on those pins, refuses them (its
#    programs would encapsulate toward a local entry) and leaves the
#    running data path alone: c1 still reaches c3 and c2; this ovld,
#    started again, keeps the overlay's counter slot and its counts.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 bpftool git make

OLD=da58fe8 # the last commit of ABI 2
abi=$(sed -n 's/^#define OVL_ABI_VERSION \([0-9]*\)$/\1/p' "$OVL_TOP/bpf/ovl_abi.h")
[ "$abi" = 6 ] || fail "this test is about the upgrade from ABI 2 to 6; this ovld is of ABI $abi"
NEW_OVLD=$OVLD
NEW_OVLCTL=$OVLCTL
topo_switch

topo_old_ovld "$OLD" 2

H=$TOPO_DIR/hosts.json
topo_vni_json "$H" 26 1 2 3@1
OVLD=$OLD_BUILD/ovld
OVLCTL=$OLD_BUILD/ovlctl
topo_vni_host 1 26 "$H"
topo_vnic h1 c3 overlay0 02:00:00:00:26:03 10.26.0.3/24
OVLD=$NEW_OVLD
OVLCTL=$NEW_OVLCTL
topo_vni_host 2 26 "$H"
inst=$(inst_of h1)
pins=/run/ovl/bpf/$inst

# fdb_entries: h1's ovl_fdb, one line an entry: MAC, then "local IFINDEX"
# or the underlay address
fdb_entries() {
	bpftool -j map dump pinned "$pins/ovl_fdb" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    mac = ":".join("%02x" % int(b, 16) for b in e["key"][4:10])
    v = [int(b, 16) for b in e["value"]]
    if v[16] == 1:
        print(mac, "local", int.from_bytes(bytes(v[0:4]), "little"))
    else:
        print(mac, ".".join(str(b) for b in v[0:4]))'
}
# host_ifindex NS: the ifindex, on h1, of the host end of NS's eth0
host_ifindex() {
	in_ns "$1" ip -j link show eth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["link_index"])'
}
fdb_id() {
	bpftool -j map show pinned "$pins/ovl_fdb" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

# iface_of IFINDEX: the own IPv4 address (bytes 20-23, ABI 4) and the
# counter slot (bytes 40-43, ABI 5) of h1's ovl_ifaces entry of the veth
# IFINDEX, "none" without an entry
iface_of() {
	bpftool -j map dump pinned "$pins/ovl_ifaces" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little") == int(sys.argv[1]):
        v = [int(b, 16) for b in e["value"]]
        print(".".join(str(b) for b in v[20:24]), int.from_bytes(bytes(v[40:44]), "little"))
        break
else:
    print("none")' "$1"
}
# vni_slot: the counter slot in h1's ovl_vnis entry of VNI 26 (bytes 32-35)
vni_slot() {
	bpftool -j map lookup pinned "$pins/ovl_vnis" key 26 0 0 0 | python3 -c '
import json, sys
v = [int(b, 16) for b in json.load(sys.stdin)["value"]]
print(int.from_bytes(bytes(v[32:36]), "little"))'
}
# peers_of: "FLAGS SLOT" of each of h1's ovl_peers entries of VNI 26
peers_of() {
	bpftool -j map dump pinned "$pins/ovl_peers" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    k = bytes(int(b, 16) for b in e["key"])
    v = bytes(int(b, 16) for b in e["value"]) + bytes(8)
    if int.from_bytes(k[0:4], "little") == 26:
        print(int.from_bytes(v[0:4], "little"), int.from_bytes(v[4:8], "little"))'
}
# vni_count COUNTER: overlay0's counter on h1 (ovlctl stats -o), packets
vni_count() {
	ovlctl_on h1 -j stats -o overlay0 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]]["packets"])' "$1"
}

info "1. ABI 2"
in_ns c1 ping -c 2 -i 0.2 -W 2 10.26.0.3 >/dev/null || fail "c1 -> c3 lost under ABI 2"
in_ns c1 ping -c 2 -i 0.2 -W 2 10.26.0.2 >/dev/null || fail "c1 -> c2 lost under ABI 2"
[ -e "$pins/ovl_abi_v2" ] || fail "the ABI-2 pins have no marker ovl_abi_v2: $(ls "$pins")"
fdb_entries >"$TOPO_DIR/fdb-abi2.txt"
! grep -q " local " "$TOPO_DIR/fdb-abi2.txt" || fail "ovl_fdb of ABI 2 holds local entries: $(cat "$TOPO_DIR/fdb-abi2.txt")"
grep -q "^02:00:00:00:26:02 10.1.0.2$" "$TOPO_DIR/fdb-abi2.txt" ||
	fail "ovl_fdb of ABI 2 has no entry for c2: $(cat "$TOPO_DIR/fdb-abi2.txt")"
id0=$(fdb_id)
encap0=$(vni_count encap)
local0=$(vni_count local)
[ "$encap0" -ge 2 ] && [ "$local0" -ge 2 ] || fail "ABI 2 counted encap $encap0, local $local0 for overlay0"

info "2. the upgrade, while traffic flows"
in_ns c1 ping -q -i 0.002 -c 3000 -W 2 10.26.0.3 >"$TOPO_DIR/local.txt" 2>&1 &
local_ping=$!
on_exit "kill $local_ping"
in_ns c1 ping -q -i 0.002 -c 3000 -W 2 10.26.0.2 >"$TOPO_DIR/remote.txt" 2>&1 &
remote_ping=$!
on_exit "kill $remote_ping"
sleep 1
topo_kill_ovld h1 TERM
topo_ovld h1
kill -0 "$local_ping" 2>/dev/null && kill -0 "$remote_ping" 2>/dev/null ||
	fail "a ping flood ended before the upgrade was done"
wait "$local_ping" || true
wait "$remote_ping" || true
info "c1 -> c3: $(grep received "$TOPO_DIR/local.txt")"
info "c1 -> c2: $(grep received "$TOPO_DIR/remote.txt")"
grep -q '3000 packets transmitted, 3000 received' "$TOPO_DIR/local.txt" ||
	fail "pings to the local c3 lost across the upgrade: $(cat "$TOPO_DIR/local.txt")"
grep -q '3000 packets transmitted, 3000 received' "$TOPO_DIR/remote.txt" ||
	fail "pings to the remote c2 lost across the upgrade: $(cat "$TOPO_DIR/remote.txt")"
ovlctl_on h1 -j status | python3 -c '
import json, sys
m = json.load(sys.stdin)["migrated"]
assert m["from_abi"] == 2 and m["to_abi"] == int(sys.argv[1]), m
assert {x["name"]: x["how"] for x in m["maps"]} == {"ovl_vnis": "copied", "ovl_ifaces": "copied",
                                                    "ovl_peers": "copied"}, m
assert sorted(m["created"]) == ["ovl_nexthops", "ovl_vni_cnt"], m
' "$abi" || fail "status does not say the migration: $(ovlctl_on h1 status)"
encap1=$(vni_count encap)
local1=$(vni_count local)
info "overlay0 encap $encap0 -> $encap1, local $local0 -> $local1"
[ "$encap1" -ge $((encap0 + 3000)) ] && [ "$local1" -ge $((local0 + 3000)) ] ||
	fail "the overlay's counters did not go on across the upgrade: encap $encap0 -> $encap1, local $local0 -> $local1 (3000 requests each)"
[ "$(fdb_id)" = "$id0" ] || fail "ovl_fdb is another map after the upgrade (id $id0, now $(fdb_id))"

info "3. the local entries"
fdb_entries >"$TOPO_DIR/fdb-abi3.txt"
for c in c1 c3; do
	mac=02:00:00:00:26:0${c#c}
	want=$(host_ifindex "$c")
	grep -q "^$mac local $want$" "$TOPO_DIR/fdb-abi3.txt" ||
		fail "no local entry $mac -> ifindex $want in h1's ovl_fdb: $(cat "$TOPO_DIR/fdb-abi3.txt")"
done
grep -q "^02:00:00:00:26:02 10.1.0.2$" "$TOPO_DIR/fdb-abi3.txt" ||
	fail "c2's remote entry is gone: $(cat "$TOPO_DIR/fdb-abi3.txt")"
[ "$(ovlctl_on h1 -j map list | python3 -c 'import json,sys; print(" ".join(sorted(e["mac"] for e in json.load(sys.stdin))))')" = 02:00:00:00:26:02 ] ||
	fail "ovlctl map list shows more than the remote c2: $(ovlctl_on h1 map list)"
slot=$(vni_slot)
[ "$slot" -ge 1 ] || fail "overlay0's ovl_vnis entry names no counter slot: $(bpftool -j map dump pinned "$pins/ovl_vnis")"
for c in c1 c3; do
	[ "$(iface_of "$(host_ifindex "$c")")" = "10.26.0.${c#c} $slot" ] ||
		fail "h1's ovl_ifaces entry of $c does not hold its address and slot $slot: $(bpftool -j map dump pinned "$pins/ovl_ifaces")"
done
peers_of >"$TOPO_DIR/peers.txt"
[ -s "$TOPO_DIR/peers.txt" ] && ! grep -qv "^3 $slot$" "$TOPO_DIR/peers.txt" ||
	fail "h1's ovl_peers entries of overlay0 are not 'flags 3 (static, vni), slot $slot': $(cat "$TOPO_DIR/peers.txt")"
[ -e "$pins/ovl_abi_v$abi" ] && [ ! -e "$pins/ovl_abi_v2" ] || fail "the markers are not as they should be: $(ls "$pins")"

info "4. the ABI-2 ovld on the upgraded pins"
topo_kill_ovld h1 TERM
rc=0
timeout 10 ip netns exec "$(ns_name h1)" "$OLD_BUILD/ovld" --instance "$inst" --underlay u0 \
	--state-dir "$TOPO_DIR/state-h1" >"$TOPO_DIR/old-again.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "the ABI-2 ovld on ABI-$abi pins exited $rc, want 1: $(cat "$TOPO_DIR/old-again.log")"
grep -qF "the pins in $pins are of ABI $abi, newer than this ovld's (ABI 2)" "$TOPO_DIR/old-again.log" ||
	fail "the ABI-2 ovld does not say why: $(cat "$TOPO_DIR/old-again.log")"
in_ns c1 ping -c 2 -i 0.2 -W 2 10.26.0.3 >/dev/null || fail "c1 -> c3 lost after the refused start"
in_ns c1 ping -c 2 -i 0.2 -W 2 10.26.0.2 >/dev/null || fail "c1 -> c2 lost after the refused start"
topo_ovld h1
in_ns c1 ping -c 2 -i 0.2 -W 2 10.26.0.3 >/dev/null || fail "c1 -> c3 lost at the end"
# a restart keeps the overlay's counter slot, and so its counts
[ "$(vni_slot)" = "$slot" ] || fail "the restart moved overlay0's counter slot $slot to $(vni_slot)"
[ "$(vni_count local)" -ge $((local1 + 4)) ] ||
	fail "overlay0's local count went $local1 -> $(vni_count local) across a restart and 2 pings"
info "all good"
