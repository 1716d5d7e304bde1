#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A VNIC is its namespace and its name, as `ip -n NS link` has it: every
# container runtime calls its interface eth0.
#
#   c1 (ns) eth0 02:..:01 10.40.0.1 --+
#                                      h1 ==== switch ==== h2 --+-- c3 (ns) eth0 02:..:03 10.40.0.3
#   c2 (ns) eth0 02:..:02 10.40.0.2 --+
#   c4 (ns) eth0 02:..:04 10.40.0.4 --+ (h1, a VNIC an earlier ovld saved: its host
#                                       end named by the old hash, no mark)
#
# What it proves:
# 1. `vnic create eth0 --netns c2` is accepted while eth0 of c1 exists;
#    both reach c3 on the other host (ping), and `vnic list --netns`
#    shows each namespace's own;
# 2. a real clash, eth0 again in c1, is refused, and the error says where
#    the other one is (namespace c1, its host end);
# 3. `vnic delete eth0` without --netns is refused while two exist (the
#    error names both namespaces); `vnic delete eth0 --netns c1` removes
#    c1's and only c1's: c2 still reaches c3, c1 has no eth0;
# 4. both survive a restart of ovld (state.json), and a VNIC in a
#    state.json of an earlier ovld (host end named by the hash of instance
#    and name only, no ifalias) is restored under its old name, marked as
#    this instance's, and forwards.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3

topo_switch
H=$TOPO_DIR/hosts.json
topo_vni_json "$H" 40 1 2@1 3@2 4@1
for i in 1 2; do
	topo_host "h$i" "$i"
	topo_ovld "h$i"
	topo_files_overlay "h$i" overlay0 40 "$H"
done
for c in 1 2 3 4; do
	ns_add "c$c"
done

# vnic HOST C: eth0 of container C, addressed and up.
vnic() {
	topo_vnic "$1" "c$2" overlay0 "02:00:00:00:40:0$2" "10.40.0.$2/24"
}

info "1. eth0 in c1 and eth0 in c2, both on overlay0 of h1"
vnic h2 3
vnic h1 1
vnic h1 2
for c in 1 2; do
	in_ns "c$c" ping -c 2 -i 0.2 -W 2 10.40.0.3 >/dev/null || fail "c$c -> c3 lost"
	in_ns c3 ping -c 2 -i 0.2 -W 2 "10.40.0.$c" >/dev/null || fail "c3 -> c$c lost"
done
names=$(ovlctl_on h1 -j vnic list --netns "$(ns_name c2)" |
	python3 -c 'import json,sys; print(" ".join(v["name"] + "@" + v["netns"] for v in json.load(sys.stdin)))')
[ "$names" = "eth0@$(ns_name c2)" ] || fail "vnic list --netns c2: \"$names\""

info "2. a real clash is refused and named"
rc=0
ovlctl_on h1 vnic create eth0 -l overlay0 -m 02:00:00:00:40:09 --netns "$(ns_name c1)" \
	>"$TOPO_DIR/clash.out" 2>"$TOPO_DIR/clash.err" || rc=$?
[ "$rc" = 1 ] || fail "eth0 twice in c1: exit $rc, want 1"
host1=$(ovlctl_on h1 -j vnic list --netns "$(ns_name c1)" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["host_ifname"])')
grep -qF "VNIC eth0 exists in namespace $(ns_name c1)" "$TOPO_DIR/clash.err" ||
	fail "the clash does not say where: $(cat "$TOPO_DIR/clash.err")"
grep -qF "$host1" "$TOPO_DIR/clash.err" || fail "the clash does not name the host end $host1: $(cat "$TOPO_DIR/clash.err")"

info "3. delete by namespace"
rc=0
ovlctl_on h1 vnic delete eth0 >/dev/null 2>"$TOPO_DIR/ambig.err" || rc=$?
[ "$rc" = 1 ] || fail "vnic delete eth0 with two of them: exit $rc, want 1"
{ grep -qF "$(ns_name c1)" "$TOPO_DIR/ambig.err" && grep -qF "$(ns_name c2)" "$TOPO_DIR/ambig.err"; } ||
	fail "the refusal does not name both namespaces: $(cat "$TOPO_DIR/ambig.err")"
ovlctl_on h1 vnic delete eth0 --netns "$(ns_name c1)" || fail "vnic delete eth0 --netns c1 refused"
in_ns c1 ip link show eth0 >/dev/null 2>&1 && fail "c1 still has eth0"
in_ns c2 ping -c 3 -i 0.2 -W 2 10.40.0.3 >/dev/null || fail "c2 -> c3 lost after c1's eth0 went"
in_ns c3 ping -c 1 -W 2 10.40.0.2 >/dev/null || fail "c3 -> c2 lost after c1's eth0 went"
n=$(ovlctl_on h1 -j vnic list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 1 ] || fail "$n VNICs left on h1, want 1: $(ovlctl_on h1 vnic list)"
vnic h1 1 # and the name is free again in c1

info "4. a restart, and a VNIC an earlier ovld saved"
inst=$(inst_of h1)
old=$(python3 -c '
import sys
h = 2166136261
for b in (sys.argv[1] + "/eth0").encode():
    h = ((h ^ b) * 16777619) & 0xffffffff
print("ovl%08x" % h)' "$inst")
topo_kill_ovld h1
ip -n "$(ns_name h1)" link add "$old" type veth peer name eth0 netns "$(ns_name c4)" address 02:00:00:00:40:04
ip -n "$(ns_name h1)" link set "$old" up
in_ns c4 ip addr add 10.40.0.4/24 dev eth0
in_ns c4 ip link set eth0 up
python3 - "$TOPO_DIR/state-h1/state.json" "$old" "$(ns_name c4)" <<'EOF'
import json, sys
path, host, ns = sys.argv[1:]
st = json.load(open(path))
st["endpoints"].append({"id": "eth0", "kind": "vnic", "overlay": "overlay0", "vni": 40,
                        "mac": "02:00:00:00:40:04", "addrs": [], "host_ifname": host,
                        "host_ifindex": 0, "netns": ns, "peer_netns": True, "name": "eth0"})
json.dump(st, open(path, "w"))
EOF
topo_ovld h1
got=$(ovlctl_on h1 -j vnic list | python3 -c '
import json, sys
print(" ".join(sorted(v["netns"][-2:] + ":" + v["host_ifname"] for v in json.load(sys.stdin))))')
n=$(echo "$got" | wc -w)
[ "$n" = 3 ] || fail "after the restart h1 has VNICs \"$got\", want c1, c2 and c4"
[[ $got == *"c4:$old"* ]] || fail "the earlier ovld's VNIC was not restored under $old: $got"
alias=$(ip -n "$(ns_name h1)" -j link show dev "$old" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0].get("ifalias", ""))')
[ "$alias" = "ovl-vnic:$inst:eth0:$(ns_name c4)" ] || fail "$old not marked on restore: \"$alias\""
for c in 1 2 4; do
	in_ns "c$c" ping -c 2 -i 0.2 -W 2 10.40.0.3 >/dev/null || fail "c$c -> c3 lost after the restart"
done
info "all good"
