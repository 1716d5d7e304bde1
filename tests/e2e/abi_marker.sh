#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The pins carry the ABI of their layout, and ovld reads it before it
# adopts them.
#
#   c1 (ns) --+-- h1 --+-- switch        (c1 and c2 on one host: local switching)
#   c2 (ns) --+
#
# What it proves:
# 1. a first start pins the marker ovl_abi_vN, N this ovld's ABI (an empty
#    map of that name) beside the maps, and status says pins_abi N;
# 2. pins with a marker newer than this ovld's ABI (ovl_abi_vN+1, as a newer
#    ovld would leave them) make it exit 1 with a message that says so and
#    what to do; it attached and pinned nothing: c1 still reaches c2 through
#    the same programs;
# 3. a pinned map whose shape differs from this ovld's while the marker
#    says the same ABI (a build that changed a layout and not the version)
#    is refused, naming the map, instead of being taken or migrated;
# 4. with those put back, ovld starts again on the same maps;
# 5. pins of this ABI that lack a map this ovld has (ovl_rflows, which ABI
#    2 gained without a layout change: pins of an ovld before it) are
#    adopted, and the missing map is created and pinned beside them;
# 6. pins whose marker is missing (a migration interrupted after the maps
#    were switched) are taken as ABI 1: every map has the new shape, so
#    nothing is replaced, and the marker is pinned again.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 bpftool
# this ovld's ABI (bpf/ovl_abi.h) and the next
abi=$(sed -n 's/^#define OVL_ABI_VERSION \([0-9]*\)$/\1/p' "$OVL_TOP/bpf/ovl_abi.h")
[ -n "$abi" ] || fail "no OVL_ABI_VERSION in $OVL_TOP/bpf/ovl_abi.h"
next=$((abi + 1))

topo_switch
topo_host h1 1
topo_ovld h1
H=$TOPO_DIR/hosts.json
cat >"$H" <<'EOF'
{ "02:00:00:00:28:01": {"ip": "10.1.0.1", "port": 4789, "arp": "10.28.0.1"},
  "02:00:00:00:28:02": {"ip": "10.1.0.1", "port": 4789, "arp": "10.28.0.2"} }
EOF
ovlctl_on h1 overlay create overlay0 -v 28 -e vxlan -s files -p "files/config=$H" >/dev/null
for i in 1 2; do
	ns_add "c$i"
	ovlctl_on h1 vnic create "e$i" -l overlay0 -m "02:00:00:00:28:0$i" --netns "$(ns_name "c$i")" >/dev/null
	in_ns "c$i" ip addr add "10.28.0.$i/24" dev "e$i"
done
inst=$(inst_of h1)
pins=/run/ovl/bpf/$inst
in_ns c1 ping -c 2 -i 0.2 -W 2 10.28.0.2 >/dev/null || fail "c1 -> c2 lost"

info "1. the marker"
[ "$(bpftool -j map show pinned "$pins/ovl_abi_v$abi" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["name"], j["max_entries"])')" = "ovl_abi_v$abi 1" ] ||
	fail "no marker ovl_abi_v$abi in $pins: $(ls "$pins")"
[ "$(ovlctl_on h1 -j status | python3 -c 'import json,sys; print(json.load(sys.stdin)["pins_abi"])')" = "$abi" ] ||
	fail "status does not say pins_abi $abi"

veths=$(ovlctl_on h1 -j vnic list | python3 -c 'import json,sys; print(" ".join(v["host_ifname"] for v in json.load(sys.stdin)))')
# tc_progs: the program ids on the endpoints' host veths.
tc_progs() {
	local v
	for v in $veths; do
		in_ns h1 tc filter show dev "$v" ingress | sed -n 's/.* id \([0-9]*\) .*/\1/p'
	done
}
# refused CASE WANT: ovld exits 1 saying WANT; the data path is as it was.
refused() {
	local rc=0
	timeout 10 ip netns exec "$(ns_name h1)" "$OVLD" --instance "$inst" --underlay u0 \
		--state-dir "$TOPO_DIR/state-h1" >"$TOPO_DIR/$1.log" 2>&1 || rc=$?
	[ "$rc" = 1 ] || fail "$1: ovld exited $rc, want 1: $(cat "$TOPO_DIR/$1.log")"
	grep -qF -- "$2" "$TOPO_DIR/$1.log" || fail "$1: ovld does not say \"$2\": $(cat "$TOPO_DIR/$1.log")"
	[ "$(tc_progs)" = "$progs" ] || fail "$1: the endpoints' programs changed"
	in_ns c1 ping -c 2 -i 0.2 -W 2 10.28.0.2 >/dev/null || fail "$1: c1 -> c2 lost"
	info "$1: $(grep -m1 error: "$TOPO_DIR/$1.log")"
}
progs=$(tc_progs)
topo_kill_ovld h1 TERM

info "2. a marker newer than this ovld"
bpftool map create "$pins/ovl_abi_v$next" type array key 4 value 4 entries 1 name ovl_abi_v$next
refused newer "the pins in $pins are of ABI $next, newer than this ovld's (ABI $abi)"
grep -qF -- "--cleanup" "$TOPO_DIR/newer.log" || fail "the refusal does not say what to do"
[ -e "$pins/ovl_abi_v$abi" ] && [ -e "$pins/ovl_abi_v$next" ] || fail "the refused ovld changed the markers: $(ls "$pins")"
rm "$pins/ovl_abi_v$next"

info "3. a map of another shape under the same ABI"
mv "$pins/ovl_peers" "$pins/ovl_peers_keep"
bpftool map create "$pins/ovl_peers" type hash key 24 value 12 entries 16 name ovl_peers
refused shape "pinned map $pins/ovl_peers is hash key 24 value 12 entries 16 flags 0, but ABI $abi has it hash key 24 value 8"
mv "$pins/ovl_peers_keep" "$pins/ovl_peers"

info "4. back to normal"
topo_ovld h1
grep -q "BPF data path reloaded on existing maps" "$TOPO_DIR/ovld-h1.log" || fail "not reloaded on the pins: $(ovld_log h1)"
in_ns c1 ping -c 2 -i 0.2 -W 2 10.28.0.2 >/dev/null || fail "c1 -> c2 lost"

info "5. pins from before ovl_rflows"
topo_kill_ovld h1 TERM
cfg_id=$(bpftool -j map show pinned "$pins/ovl_config" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
rm "$pins/ovl_rflows"
topo_ovld h1
grep -q "BPF data path reloaded on existing maps" "$TOPO_DIR/ovld-h1.log" || fail "not reloaded on the pins: $(ovld_log h1)"
grep -q "pinned map ovl_rflows: none yet, created" "$TOPO_DIR/ovld-h1.log" || fail "ovl_rflows not created: $(ovld_log h1)"
[ "$(bpftool -j map show pinned "$pins/ovl_rflows" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["name"], j["type"], j["max_entries"])')" = "ovl_rflows lru_hash 65536" ] ||
	fail "ovl_rflows not pinned as it should be: $(ls "$pins")"
[ "$(bpftool -j map show pinned "$pins/ovl_config" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" = "$cfg_id" ] ||
	fail "the other maps were not adopted (ovl_config is another map)"
[ "$(ovlctl_on h1 -j status | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["pins_abi"], j["migrated"])')" = "$abi None" ] ||
	fail "status says a migration: $(ovlctl_on h1 -j status)"
in_ns c1 ping -c 2 -i 0.2 -W 2 10.28.0.2 >/dev/null || fail "c1 -> c2 lost with the new map"

info "6. the marker lost (a migration that stopped after the maps, before the marker)"
topo_kill_ovld h1 TERM
rm "$pins/ovl_abi_v$abi"
topo_ovld h1
ovlctl_on h1 status | grep -q "^migrated   from ABI 1 to $abi: every map kept its shape" ||
	fail "a start without the marker did not finish the migration: $(ovlctl_on h1 status)"
[ -e "$pins/ovl_abi_v$abi" ] || fail "the marker was not pinned again"
in_ns c1 ping -c 2 -i 0.2 -W 2 10.28.0.2 >/dev/null || fail "c1 -> c2 lost at the end"
info "all good"
