#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovld killed at the worst point of `vnic create`, and a state.json that
# no longer parses.
#
#   c1 (ns) eth0 02:..:01 10.41.0.1 -- h1 ==== switch ==== h2 -- c2 (ns) eth0 02:..:02 10.41.0.2
#                                      ovld killed, restarted
#
# The worst point: the veth exists, the endpoint program is attached and
# the maps are written, but state.json does not list the VNIC yet. strace
# gets ovld there deterministically, with nothing built into ovld for it:
# it is attached to the running ovld and turns its next rename(2), the one
# that would put the new state.json in place, into a SIGKILL.
#
# What it proves:
# 1. killed there, ovld leaves the veth (marked ovl-vnic:<instance>:eth0:c1,
#    the mark that makes it this instance's) and ovl_ifaces / ovl_endpoints /
#    local ovl_fdb / static ovl_neigh entries of c1's MAC
#    (bpftool on the pins), and a state.json without the VNIC;
# 2. restarted, ovld says what it removed; the veth is gone (and c1's eth0
#    with it), the pinned maps hold no entry of c1 (bpftool), and the same
#    `vnic create` succeeds: c1 <-> c2, first ping answered;
# 3. the same, killed at each netlink request of vnic create, where the
#    veth pair is half made (the host end still in the scratch namespace it
#    is made and marked in, or not up yet): after a restart, the same vnic
#    create works each time;
# 4. a truncated state.json is kept aside as state.json.corrupt-<time>,
#    byte for byte, and the log names it; ovld starts, and removes nothing
#    while that file is there: c1's VNIC veth and entries stay, and
#    c1 <-> c2 keeps working;
# 5. `ovld --cleanup` then removes c1's VNIC veth all the same: every veth
#    marked as the instance's VNIC goes, not only those a state lists.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 strace bpftool

M1=02:00:00:00:41:01
M2=02:00:00:00:41:02
topo_switch
H=$TOPO_DIR/hosts.json
topo_vni_json "$H" 41 1 2
for i in 1 2; do
	topo_host "h$i" "$i"
	topo_ovld "h$i"
	topo_files_overlay "h$i" overlay0 41 "$H"
	ns_add "c$i"
done
inst=$(inst_of h1)
pins=/run/ovl/bpf/$inst
state=$TOPO_DIR/state-h1/state.json
topo_vnic h2 c2 overlay0 "$M2" 10.41.0.2/24

# vnic_c1: the VNIC of c1 on h1, addressed and up.
vnic_c1() {
	ovlctl_on h1 vnic create eth0 -l overlay0 -m "$M1" --netns "$(ns_name c1)" >/dev/null
}

# entries MAP: the entries of a pinned map of h1's instance, one a line:
# the value's bytes as hex, for ovl_neigh the MAC only.
entries() {
	bpftool -j map dump pinned "$pins/$1" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    print("".join(b[2:] for b in e["value"]))'
}

# c1_entries: how many ovl_ifaces, ovl_endpoints, local ovl_fdb (family
# OVL_AF_LOCAL, 1, after the 16 address bytes) and static ovl_neigh
# entries carry c1's MAC.
c1_entries() {
	local mac=${M1//:/}
	echo "$(entries ovl_ifaces | grep -c "^.\{16\}$mac")" \
		"$(entries ovl_endpoints | wc -l)" \
		"$(entries ovl_fdb | grep -c "^.\{32\}01")" \
		"$(entries ovl_neigh | grep -c "^${mac}0100")"
}

# c1_veth: the host end of c1's eth0 on h1 (name and ifalias), if any.
c1_veth() {
	local peer
	peer=$(in_ns c1 ip -j link show eth0 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["link_index"])') ||
		return 0
	ip -n "$(ns_name h1)" -j link show | python3 -c '
import json, sys
for l in json.load(sys.stdin):
    if l["ifindex"] == int(sys.argv[1]):
        print(l["ifname"], l.get("ifalias", "-"))' "$peer"
}

info "1. kill -9 between the VNIC's veth and maps and the state save"
pid=${_topo_pid[h1]}
strace -qq -o /dev/null -p "$pid" -e trace=rename,renameat,renameat2 \
	-e inject=rename,renameat,renameat2:signal=KILL &
tracer=$!
on_exit "kill $tracer"
wait_for 10 sh -c "grep -q '^TracerPid:[[:space:]]*[1-9]' /proc/$pid/status" || fail "strace did not attach"
rc=0
vnic_c1 2>"$TOPO_DIR/crash.err" || rc=$?
[ "$rc" != 0 ] || fail "vnic create succeeded: ovld was not stopped at the state save"
wait "$tracer" 2>/dev/null || true
wait_for 5 sh -c "! kill -0 $pid" || fail "ovld still runs"
read -r veth mark <<<"$(c1_veth)"
[ -n "$veth" ] || fail "the crash left no veth: the test missed its point"
read -r n_if n_ep n_fdb n_nb <<<"$(c1_entries)"
{ [ "$n_if" = 1 ] && [ "$n_ep" = 1 ] && [ "$n_fdb" = 1 ] && [ "$n_nb" -ge 1 ]; } ||
	fail "the crash left ifaces/endpoints/fdb/neigh entries $n_if/$n_ep/$n_fdb/$n_nb of c1: the test missed its point"
python3 -c 'import json,sys; sys.exit(any(e.get("name") == "eth0" for e in json.load(open(sys.argv[1]))["endpoints"]))' "$state" ||
	fail "state.json lists the VNIC: ovld was killed after the save"
info "left behind: veth $veth (ifalias $mark), entries $n_if/$n_ep/$n_fdb/$n_nb"

info "2. restart: orphans removed, the same vnic create works"
topo_ovld h1
ip -n "$(ns_name h1)" link show "$veth" >/dev/null 2>&1 && fail "the orphan veth $veth is still there"
in_ns c1 ip link show eth0 >/dev/null 2>&1 && fail "c1's end of the orphan is still there"
[ "$(c1_entries)" = "0 0 0 0" ] || fail "stale entries of c1 (ifaces/endpoints/fdb/neigh): $(c1_entries)"
grep -q "removed veth $veth of VNIC eth0 in namespace $(ns_name c1)" "$TOPO_DIR/ovld-h1.log" ||
	fail "the restarted ovld does not say it removed $veth: $(ovld_log h1 | tail -n 5)"
grep -q "reconciled with the state: removed 1 orphan veths, 1 ovl_ifaces, 1 ovl_endpoints, 1 local ovl_fdb" "$TOPO_DIR/ovld-h1.log" ||
	fail "the restarted ovld does not say which entries it removed: $(ovld_log h1 | tail -n 5)"
vnic_c1 || fail "vnic create eth0 --netns c1 after the restart refused"
in_ns c1 ip addr add 10.41.0.1/24 dev eth0
in_ns c1 ip link set eth0 up
in_ns c1 ping -c 1 -W 2 10.41.0.2 >/dev/null || fail "c1 -> c2 after the restart lost"
in_ns c2 ping -c 1 -W 2 10.41.0.1 >/dev/null || fail "c2 -> c1 after the restart lost"

info "3. killed anywhere in the making of the veth pair"
# Each netlink request (sendmsg(2)) of vnic create is a point where the
# pair may be half made: created but not marked yet, marked in the scratch
# namespace but not moved, not up. Killed at each, ovld leaves nothing a
# restart does not clean: the same vnic create then works.
ovlctl_on h1 vnic delete eth0 --netns "$(ns_name c1)"
made=
for k in $(seq 1 30); do
	pid=${_topo_pid[h1]}
	strace -qq -o /dev/null -p "$pid" -e trace=sendmsg -e "inject=sendmsg:signal=KILL:when=$k" &
	tracer=$!
	on_exit "kill $tracer"
	wait_for 10 sh -c "grep -q '^TracerPid:[[:space:]]*[1-9]' /proc/$pid/status" || fail "strace did not attach"
	if vnic_c1 2>/dev/null; then
		kill "$tracer" 2>/dev/null
		wait "$tracer" 2>/dev/null || true
		info "vnic create sent $((k - 1)) netlink requests"
		made=1
		break
	fi
	wait "$tracer" 2>/dev/null || true
	wait_for 5 sh -c "! kill -0 $pid" || fail "ovld still runs after sendmsg #$k"
	topo_ovld h1
	vnic_c1 || fail "killed at netlink request #$k of vnic create: after a restart the same vnic create is refused"
	ovlctl_on h1 vnic delete eth0 --netns "$(ns_name c1)"
done
[ -n "$made" ] || vnic_c1
in_ns c1 ip addr add 10.41.0.1/24 dev eth0
in_ns c1 ip link set eth0 up
in_ns c1 ping -c 1 -W 2 10.41.0.2 >/dev/null || fail "c1 -> c2 lost"

info "4. a truncated state.json is kept aside, and nothing is removed"
topo_kill_ovld h1
size=$(stat -c %s "$state")
head -c $((size / 2)) "$state" >"$state.half"
mv "$state.half" "$state"
cp "$state" "$TOPO_DIR/truncated"
topo_ovld h1
aside=$(find "$TOPO_DIR/state-h1" -name 'state.json.corrupt-*')
[ "$(echo "$aside" | wc -w)" = 1 ] || fail "want one state.json.corrupt-*, have: $aside"
cmp -s "$aside" "$TOPO_DIR/truncated" || fail "$aside is not the truncated state.json"
grep -q "error: $state: .*; kept as $aside" "$TOPO_DIR/ovld-h1.log" ||
	fail "the log does not name $aside: $(ovld_log h1 | tail -n 5)"
[ -n "$(c1_veth)" ] || fail "c1's VNIC veth was removed although the state was unreadable"
[ "$(c1_entries)" != "0 0 0 0" ] || fail "c1's entries were removed although the state was unreadable"
in_ns c1 ping -c 3 -i 0.2 -W 2 10.41.0.2 >/dev/null || fail "c1 -> c2 lost after the corrupt state"

info "5. --cleanup removes the VNIC veths no state lists"
read -r veth mark <<<"$(c1_veth)"
topo_kill_ovld h1
in_ns h1 "$OVLD" --instance "$inst" --state-dir "$TOPO_DIR/state-h1" --cleanup \
	>"$TOPO_DIR/cleanup.log" 2>&1 || fail "--cleanup failed: $(cat "$TOPO_DIR/cleanup.log")"
ip -n "$(ns_name h1)" link show "$veth" >/dev/null 2>&1 &&
	fail "--cleanup left $veth ($mark), a VNIC of the instance: $(cat "$TOPO_DIR/cleanup.log")"
grep -q "removed veth $veth of VNIC eth0" "$TOPO_DIR/cleanup.log" ||
	fail "--cleanup does not say it removed $veth: $(cat "$TOPO_DIR/cleanup.log")"
info "all good"
