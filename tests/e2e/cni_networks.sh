#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# An attachment is (instance, network, container ID, ifname): the same
# container ID and ifname on two ovl networks of one instance are two
# attachments, and the DEL of one never touches the other. (A runtime
# gives one container distinct ifnames; two runtimes, or a runtime that
# retries a DEL for every network it knows, do send the same pair.)
#
#   a1 (ns) eth0 --+ net-a (overlay0, VNI 23)        net-a --+-- a2 (ns) eth0
#     cid X        h1 ========== switch ========== h2           cid Y1
#   b1 (ns) eth0 --+ net-b (overlay1, VNI 24)        net-b --+-- b2 (ns) eth0
#     cid X                                                     cid Y2
#
# The real plugin, run as a runtime runs it (tests/lib/cni.sh), with
# host-local IPAM: X gets 10.23.0.10 on both networks, Y1 and Y2
# 10.23.0.100, each on its own overlay.
#
# What it proves:
# 1. DEL of net-b for X/eth0, which net-b never had (a runtime cleaning
#    up), leaves X's attachment to net-a alone: its host end, its ovld
#    endpoint, and a1 <-> a2 traffic;
# 2. ADD of net-b for X/eth0 succeeds next to net-a's, with a host end of
#    its own; a1 <-> a2 and b1 <-> b2 both work; CHECK passes for both;
# 3. DEL of net-a removes net-a's attachment only: b1 <-> b2 still works,
#    ovld still has net-b's endpoint; and the other way round after net-a
#    is added again;
# 4. an endpoint in a state.json without its network (as an earlier ovld
#    may have saved it) comes back with the network its veth's ifalias
#    names, and DEL of the other network still leaves it alone;
# 5. the last DEL leaves nothing behind (veths, endpoints, leases).
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)"
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
cni_setup
for c in a1 b1 a2 b2; do
	ns_add "$c"
done
macX=$(mac_for X eth0)
macY1=$(mac_for Y1 eth0)
macY2=$(mac_for Y2 eth0)
hosts_json "$macX" 10.1.0.1 10.23.0.10 fd23::a:1 "$macY1" 10.1.0.2 10.23.0.100 fd23::b:1
# Both overlays know the same MAC of X (derived from X/eth0) at h1.
printf '{\n  "%s": {"ip": "10.1.0.1", "port": 4789, "arp": "10.23.0.10", "ndp": "fd23::a:1"},\n  "%s": {"ip": "10.1.0.2", "port": 4789, "arp": "10.23.0.100", "ndp": "fd23::b:1"}\n}\n' \
	"$macX" "$macY2" >"$TOPO_DIR/hosts-b.json"
for h in 1 2; do
	ovlctl_on "h$h" overlay create overlay1 -v 24 -e vxlan -s files \
		-p "vxlan/listen_ip=10.1.0.$h" -p "files/config=$TOPO_DIR/hosts-b.json" >/dev/null
done

A1=$(conf_for 1 1.0.0 net-a)
A2=$(conf_for 2 1.0.0 net-a)
B1=$(conf_for 1 1.0.0 net-b)
B2=$(conf_for 2 1.0.0 net-b)
for f in "$B1" "$B2"; do
	cni_with "$f" 'c["overlay"] = "overlay1"'
done

# reach FROM TO WHAT: two pings from container FROM to 10.23.0.x of TO's side.
reach() {
	local to=10.23.0.100
	[ "${2: -1}" = 1 ] && to=10.23.0.10
	in_ns "$1" ping -c 2 -i 0.2 -W 2 "$to" >/dev/null || fail "$3: $1 -> $2 ($to) lost"
}

# eps: h1's CNI endpoints as "network:id", sorted.
eps() {
	ovlctl_on h1 -j endpoint list | python3 -c '
import json, sys
print(" ".join(sorted(e.get("network", "?") + ":" + e["id"] for e in json.load(sys.stdin) if e["kind"] == "cni")))'
}

cni h2 ADD "$A2" Y1 eth0 a2
cni_expect_ok result 1.0.0 "ADD Y1 on net-a"
cni h2 ADD "$B2" Y2 eth0 b2
cni_expect_ok result 1.0.0 "ADD Y2 on net-b"

info "1. DEL of net-b, which X never joined, leaves net-a alone"
cni h1 ADD "$A1" X eth0 a1
cni_expect_ok result 1.0.0 "ADD X on net-a"
cp "$CNI_OUT" "$CNI_T/ra.json"
reach a1 a2 "net-a"
veths=$(host_veths h1)
cni h1 DEL "$B1" X eth0 b1
cni_expect_ok empty "" "DEL X from net-b (never added)"
[ "$(eps)" = "net-a:X/eth0" ] || fail "after DEL of net-b, h1's endpoints are \"$(eps)\", want net-a:X/eth0"
[ "$(host_veths h1)" = "$veths" ] || fail "DEL of net-b took host end(s): [$veths] -> [$(host_veths h1)]"
reach a1 a2 "net-a after DEL of net-b"
reach a2 a1 "net-a after DEL of net-b"

info "2. X/eth0 on both networks"
cni h1 ADD "$B1" X eth0 b1
cni_expect_ok result 1.0.0 "ADD X on net-b next to net-a"
cp "$CNI_OUT" "$CNI_T/rb.json"
[ "$(eps)" = "net-a:X/eth0 net-b:X/eth0" ] || fail "h1's endpoints: \"$(eps)\""
[ "$(host_veths h1 | wc -l)" = 2 ] || fail "want two host ends on h1: [$(host_veths h1)]"
for n in a b; do
	reach "${n}1" "${n}2" "net-$n"
	reach "${n}2" "${n}1" "net-$n"
done
cni_prev "$A1" "$CNI_T/ra.json" "$CNI_T/ca.json"
cni h1 CHECK "$CNI_T/ca.json" X eth0 a1
cni_expect_ok empty "" "CHECK net-a"
cni_prev "$B1" "$CNI_T/rb.json" "$CNI_T/cb.json"
cni h1 CHECK "$CNI_T/cb.json" X eth0 b1
cni_expect_ok empty "" "CHECK net-b"

info "3. DEL of one network leaves the other working"
cni h1 DEL "$A1" X eth0 a1
cni_expect_ok empty "" "DEL X from net-a"
[ "$(eps)" = "net-b:X/eth0" ] || fail "after DEL of net-a, h1's endpoints are \"$(eps)\""
in_ns a1 ip link show eth0 >/dev/null 2>&1 && fail "a1 still has eth0 after DEL"
reach b1 b2 "net-b after DEL of net-a"
reach b2 b1 "net-b after DEL of net-a"
# (host-local would hand out the next address; hosts.json has this one)
cni h1 ADD "$A1" X eth0 a1 "IP=10.23.0.10"
cni_expect_ok result 1.0.0 "ADD X on net-a again"
cni h1 DEL "$B1" X eth0 b1
cni_expect_ok empty "" "DEL X from net-b"
[ "$(eps)" = "net-a:X/eth0" ] || fail "after DEL of net-b, h1's endpoints are \"$(eps)\""
in_ns b1 ip link show eth0 >/dev/null 2>&1 && fail "b1 still has eth0 after DEL"
reach a1 a2 "net-a after DEL of net-b"
reach a2 a1 "net-a after DEL of net-b"

info "4. an endpoint an earlier ovld saved without its network"
topo_kill_ovld h1
python3 -c '
import json, sys
st = json.load(open(sys.argv[1]))
for e in st["endpoints"]:
    e.pop("network", None)
json.dump(st, open(sys.argv[1], "w"))' "$TOPO_DIR/state-h1/state.json"
topo_ovld h1
[ "$(eps)" = "net-a:X/eth0" ] || fail "restored without a network, h1's endpoints are \"$(eps)\""
cni h1 DEL "$B1" X eth0 b1
cni_expect_ok empty "" "DEL X from net-b after the restore"
[ "$(eps)" = "net-a:X/eth0" ] || fail "DEL of net-b took the restored net-a endpoint: \"$(eps)\""
reach a1 a2 "net-a after the restore"

info "5. nothing left"
cni h1 DEL "$A1" X eth0 a1
cni_expect_ok empty "" "DEL X from net-a"
cni h1 DEL "$A1" X eth0 a1
cni_expect_ok empty "" "DEL X from net-a again"
no_leftovers h1 "the last DEL"
info "all good"
