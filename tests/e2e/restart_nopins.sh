#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A restart without pins: when no bpffs was mounted before `ip netns exec`,
# ovld mounts one in the private mount namespace of that call, and its pins
# vanish with it. A restarted ovld must still find its state: it adopts the
# maps of the program still attached to the underlay (by their ids), so
# forwarding entries and counters survive and new misses are served.
#
#   c1 (ns) -- h1 --+-- switch --+-- h2 -- c2 (ns)
#   ovld --bpffs <a directory nothing is mounted on>, killed, restarted
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3

topo_switch
H=$TOPO_DIR/hosts.json
topo_vni_json "$H" 24 1 2
nopins=$TOPO_DIR/not-a-bpffs
mkdir -p "$nopins"
topo_vni_host 1 24 "$H" --bpffs "$nopins"
topo_vni_host 2 24 "$H"
mountpoint -q "$nopins" && fail "the bpffs of ovld under ip netns exec leaked into this namespace"

in_ns c1 ping -c 3 -i 0.2 -W 2 10.24.0.2 >/dev/null || fail "c1 -> c2 lost"
enc0=$(stat_of h1 tx_encap4)
[ "$(ovlctl_on h1 -j map list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] ||
	fail "h1 did not learn c2's MAC"

topo_kill_ovld h1 KILL
# Nothing pinned survives: the bpffs was private to the dead ovld.
[ -z "$(ls -A "$nopins")" ] || fail "pins visible outside ovld's mount namespace: $(ls "$nopins")"
in_ns c1 ping -c 3 -i 0.2 -W 2 10.24.0.2 >/dev/null || fail "traffic stopped with ovld"
topo_ovld h1 --bpffs "$nopins"
grep -q "adopted [0-9]* maps from the ovl programs still attached" "$TOPO_DIR/ovld-h1.log" ||
	fail "ovld did not adopt the attached program's maps: $(cat "$TOPO_DIR/ovld-h1.log")"
ovlctl_on h1 -j status | grep -q '"adopted": true' || fail "status does not say adopted"
[ "$(stat_of h1 tx_encap4)" -ge $((enc0 + 3)) ] || fail "counters lost across the restart"
[ "$(ovlctl_on h1 -j map list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] ||
	fail "the learned forwarding entry was lost"
# A new miss after the restart: forget c2 and ask again.
ovlctl_on h1 map del overlay0 02:00:00:00:24:02
in_ns c1 ping -c 1 -W 2 10.24.0.2 >/dev/null || fail "the restarted ovld does not serve misses"
