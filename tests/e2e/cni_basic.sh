#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/e2e/cni_basic.sh - the real `ovl` CNI plugin run as a runtime runs
# it (clean environment, CNI_* variables, configuration on stdin, stdout
# checked against the spec's shapes by tests/lib/cni_validate.py), with
# the real host-local IPAM plugin, on two simulated hosts each with its
# own ovld:
#
#   c1 (netns) --veth-- h1: ovld --+                  +-- h2: ovld --veth-- c2 (netns)
#   10.23.0.10-99, fd23::a:*       +-- switch (sw) ---+   10.23.0.100-199, fd23::b:*
#                                      underlay 10.1.0.0/24
#
# VERSION; ADD in 0.4.0, 1.0.0 and 1.1.0 (host-local stops at 1.0.0: ovl
# delegates 1.1.0 configurations at 1.0.0 after host-local refuses); the
# MAC derived from container ID and interface name, stable; MTU 1450 and
# GRO on in the container (1430 on an overlay with an IPv6 peer, or the
# configuration's mtu); `ovlctl endpoint list` shows the endpoint; with
# the containers' MACs in hosts.json the very first ping each way is
# answered, IPv4 and IPv6 (and link-local); CHECK passes, and reports
# each difference once the container changed; STATUS (0, 50, 1 for a 1.0.0 configuration, 51
# and 50 without ovld); GC removes exactly the attachments not listed
# (ovld's endpoints and orphaned host ends); DEL removes veth, endpoint and
# lease, and succeeds again, without the namespace, and without ovld.
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)"
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
cni_setup

# ---- VERSION ------------------------------------------------------------------
info "VERSION"
echo '{"cniVersion": "1.0.0"}' >"$CNI_T/v.json"
cni h1 VERSION "$CNI_T/v.json"
cni_expect_ok version 1.0.0 "VERSION"
: >"$CNI_T/empty.json"
cni h1 VERSION "$CNI_T/empty.json"
cni_expect_ok version 1.1.0 "VERSION without a configuration"

# ---- ADD -----------------------------------------------------------------------
info "ADD c1 (1.0.0) on h1, c2 (1.1.0) on h2"
ns_add c1
ns_add c2
C1=$(conf_for 1 1.0.0)
C2=$(conf_for 2 1.1.0)
cni h1 ADD "$C1" cid-c1 eth0 c1
cni_expect_ok result 1.0.0 "ADD c1"
cp "$CNI_OUT" "$CNI_T/r1.json"
cni h2 ADD "$C2" cid-c2 eth0 c2
cni_expect_ok result 1.1.0 "ADD c2"
cp "$CNI_OUT" "$CNI_T/r2.json"
grep -q 'delegating with 1.0.0' "$CNI_ERR" || fail "ADD c2: no word of the IPAM version fallback"

mac1=$(mac_for cid-c1 eth0)
mac2=$(mac_for cid-c2 eth0)
V4='[i["address"].split("/")[0] for i in j["ips"] if "." in i["address"]][0]'
V6='[i["address"].split("/")[0] for i in j["ips"] if ":" in i["address"]][0]'
eval "$(jvars "$CNI_T/r1.json" r1mac='j["interfaces"][1]["mac"]' r1sb='j["interfaces"][1]["sandbox"]' \
	r1hsb='j["interfaces"][0].get("sandbox", "")' ip1="$V4" ip61="$V6")"
eval "$(jvars "$CNI_T/r2.json" r2mtu='j["interfaces"][1]["mtu"]' ip2="$V4" ip62="$V6")"
[ "$r1mac" = "$mac1" ] || fail "c1's MAC is not the one derived from its container ID: $r1mac"
[ "$r1sb" = "/var/run/netns/$(ns_name c1)" ] || fail "c1's interface has the wrong sandbox"
[ -z "$r1hsb" ] || fail "the host interface has a sandbox"
[ "$r2mtu" = 1450 ] || fail "1.1.0 result: interface MTU is $r2mtu, not 1450"
info "c1 $mac1 $ip1 $ip61; c2 $mac2 $ip2 $ip62"
in_ns c1 ip -o addr show dev eth0 | grep -q "inet $ip1/24" || fail "c1 lacks $ip1"
in_ns c1 ip -o link show dev eth0 | grep -q "mtu 1450" || fail "c1's eth0 MTU is not 1450"
in_ns c1 ip link show dev eth0 | grep -q "link/ether $mac1" || fail "c1's eth0 lacks $mac1"
in_ns c1 ethtool -k eth0 | grep -q '^generic-receive-offload: on' || fail "GRO is off on c1's eth0"
in_ns c1 ip route show default | grep -q "via 10.23.0.1 dev eth0" || fail "c1 has no default route"
ovlctl_on h1 endpoint list | grep -q "^cid-c1/eth0 .*cni .*overlay0 .*$mac1 .*$ip1" ||
	fail "ovlctl endpoint list lacks cid-c1/eth0: $(ovlctl_on h1 endpoint list)"
[ "$(ovlctl_on h1 -j endpoint list | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["network"])')" = ovlnet ] ||
	fail "ovld does not know the endpoint's network"

info "MTU: an overlay with an IPv6 peer, and the configuration's own"
echo '{ "02:00:00:00:46:01": {"ip": "fd00:1::2", "port": 4789} }' >"$TOPO_DIR/hosts6.json"
ovlctl_on h1 overlay create overlay6 -v 46 -e vxlan -s files \
	-p "vxlan/listen_ip=fd00:1::1" -p "files/config=$TOPO_DIR/hosts6.json" >/dev/null
ns_add c6
M6=$(conf_for 1 1.1.0 net6)
cni_with "$M6" 'c["overlay"] = "overlay6"'
cni h1 ADD "$M6" cid-c6 eth0 c6
cni_expect_ok result 1.1.0 "ADD c6 (IPv6 peer)"
[ "$(jget "$CNI_OUT" 'j["interfaces"][1]["mtu"]')" = 1430 ] || fail "MTU over IPv6 is not 1500 - 70"
in_ns c6 ip -o link show dev eth0 | grep -q "mtu 1430" || fail "c6's eth0 MTU is not 1430"
cni h1 DEL "$M6" cid-c6 eth0 c6
cni_expect_ok empty "" "DEL c6"
cni_with "$M6" 'c["mtu"] = 1300'
cni h1 ADD "$M6" cid-c6 eth0 c6
cni_expect_ok result 1.1.0 "ADD c6 (mtu 1300)"
in_ns c6 ip -o link show dev eth0 | grep -q "mtu 1300" || fail "the configuration's mtu was not used"
cni h1 DEL "$M6" cid-c6 eth0 c6
cni_expect_ok empty "" "DEL c6"

# ---- the overlay ------------------------------------------------------------------
info "first pings over the overlay"
hosts_json "$mac1" 10.1.0.1 "$ip1" "$ip61" "$mac2" 10.1.0.2 "$ip2" "$ip62"
in_ns c1 ping -c 1 -W 2 "$ip2" >/dev/null || fail "first ping c1 -> c2 ($ip2) lost"
in_ns c2 ping -c 1 -W 2 "$ip1" >/dev/null || fail "first ping c2 -> c1 ($ip1) lost"
in_ns c1 ping -6 -c 1 -W 2 "$ip62" >/dev/null || fail "first ping c1 -> c2 ($ip62) lost"
in_ns c2 ping -6 -c 1 -W 2 "$ip61" >/dev/null || fail "first ping c2 -> c1 ($ip61) lost"
# The kernel's EUI-64 link-local address, which ovld derives and protects.
wait_for 5 sh -c "! ip netns exec $(ns_name c2) ip -6 addr show dev eth0 | grep -q tentative" ||
	fail "c2's link-local address is still tentative"
ll2=$(in_ns c2 ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1)
in_ns c1 ping -6 -c 1 -W 2 "$ll2%eth0" >/dev/null || fail "link-local ping c1 -> c2 ($ll2) lost"

# ---- CHECK ----------------------------------------------------------------------
info "CHECK"
cni_prev "$C1" "$CNI_T/r1.json" "$CNI_T/p1.json"
cni_prev "$C2" "$CNI_T/r2.json" "$CNI_T/p2.json"
cni h1 CHECK "$CNI_T/p1.json" cid-c1 eth0 c1
cni_expect_ok empty "" "CHECK c1"
cni h2 CHECK "$CNI_T/p2.json" cid-c2 eth0 c2
cni_expect_ok empty "" "CHECK c2"
cni h1 CHECK "$C1" cid-c1 eth0 c1
cni_expect_error 7 1.0.0 "CHECK without prevResult"

info "0.4.0: ADD, CHECK, a changed container, DEL"
ns_add c3
C3=$(conf_for 1 0.4.0)
cni h1 ADD "$C3" cid-c3 eth0 c3
cni_expect_ok result 0.4.0 "ADD c3 (0.4.0)"
cni_prev "$C3" "$CNI_OUT" "$CNI_T/p3.json"
cni h1 CHECK "$CNI_T/p3.json" cid-c3 eth0 c3
cni_expect_ok empty "" "CHECK c3 (0.4.0)"
ip63=$(jget "$CNI_T/p3.json" '[i["address"] for i in j["prevResult"]["ips"] if ":" in i["address"]][0]')
in_ns c3 ip link set eth0 mtu 1400
in_ns c3 ip addr del "$ip63" dev eth0
in_ns c3 ip route del default
cni h1 CHECK "$CNI_T/p3.json" cid-c3 eth0 c3
cni_expect_error 105 0.4.0 "CHECK of a changed c3"
for want in "MTU 1400, not 1450" "lacks address $ip63" "no route to 0.0.0.0/0"; do
	grep -qF "$want" "$CNI_OUT" || fail "CHECK does not report \"$want\": $(cat "$CNI_OUT")"
done
cni h1 DEL "$CNI_T/p3.json" cid-c3 eth0 c3
cni_expect_ok empty "" "DEL c3"

# ---- STATUS -----------------------------------------------------------------------
info "STATUS"
S1=$(conf_for 1 1.1.0)
cni h1 STATUS "$S1"
cni_expect_ok empty "" "STATUS"
cni_with "$S1" 'c["overlay"] = "nosuch"'
cni h1 STATUS "$S1"
cni_expect_error 50 1.1.0 "STATUS of a missing overlay"
grep -q 'no overlay \\"nosuch\\"' "$CNI_OUT" || fail "STATUS does not name the overlay"
cni h1 STATUS "$C1"
cni_expect_error 1 1.0.0 "STATUS with a 1.0.0 configuration"

# ---- GC ------------------------------------------------------------------------------
info "GC"
G1=$(conf_for 1 1.1.0)
ns_add ca
ns_add cb
cni h1 ADD "$G1" cid-ca eth0 ca
cni_expect_ok result 1.1.0 "ADD ca"
cni h1 ADD "$G1" cid-cb eth0 cb
cni_expect_ok result 1.1.0 "ADD cb"
eval "$(jvars "$CNI_OUT" hostb='j["interfaces"][0]["name"]' ipb='j["ips"][0]["address"].split("/")[0]')"
# An orphan: a host end whose ADD died before ovld heard of it.
ip -n "$(ns_name h1)" link add ovc0rphan0 type veth peer name ovctmp0
ip -n "$(ns_name h1)" link set ovc0rphan0 alias "ovl-cni:$(inst_of h1):ovlnet:ghost:eth0"
# Another network's GC touches none of ovlnet's.
cni_with "$G1" 'c["name"] = "othernet"; c["cni.dev/valid-attachments"] = []'
cni h1 GC "$G1"
cni_expect_ok empty "" "GC of another network"
[ "$(cni_endpoints h1 | wc -l)" = 3 ] || fail "GC of othernet removed ovlnet's endpoints"
G1=$(conf_for 1 1.1.0)
cni_with "$G1" 'c["cni.dev/valid-attachments"] = [{"containerID": "cid-c1", "ifname": "eth0"}, {"containerID": "cid-ca", "ifname": "eth0"}]'
cni h1 GC "$G1"
cni_expect_ok empty "" "GC"
[ "$(cni_endpoints h1 | sort | tr '\n' ' ')" = "cid-c1/eth0 cid-ca/eth0 " ] ||
	fail "after GC, ovld has $(cni_endpoints h1 | tr '\n' ' ')"
host_veths h1 | grep -q "$hostb" && fail "GC left $hostb"
host_veths h1 | grep -q ovc0rphan0 && fail "GC left the orphan ovc0rphan0"
leases "$CNI_T/ipam-h1" | grep -q "/$ipb\$" && fail "GC left cb's lease $ipb"
in_ns c1 ping -c 1 -W 2 "$ip2" >/dev/null || fail "c1 lost connectivity through GC"
cni h1 DEL "$G1" cid-ca eth0 ca
cni_expect_ok empty "" "DEL ca"

# ---- DEL ------------------------------------------------------------------------------
info "DEL, twice"
cni h1 DEL "$CNI_T/p1.json" cid-c1 eth0 c1
cni_expect_ok empty "" "DEL c1"
cni h1 DEL "$CNI_T/p1.json" cid-c1 eth0 c1
cni_expect_ok empty "" "DEL c1 again"
cni h1 DEL "$C1" cid-c1 eth0
cni_expect_ok empty "" "DEL c1 without prevResult or CNI_NETNS"
no_leftovers h1 "DEL c1"
in_ns c1 ip link show eth0 >/dev/null 2>&1 && fail "c1 still has eth0"

info "DEL without the namespace"
ip netns del "$(ns_name c2)"
cni h2 DEL "$CNI_T/p2.json" cid-c2 eth0 c2
cni_expect_ok empty "" "DEL c2 after its namespace went"
no_leftovers h2 "DEL c2"

info "STATUS and DEL without ovld"
ns_add cd
cni h1 ADD "$C1" cid-cd eth0 cd
cni_expect_ok result 1.0.0 "ADD cd"
topo_kill_ovld h1
cni h1 STATUS "$S1"
cni_expect_error 51 1.1.0 "STATUS without ovld, with a container"
cni h1 DEL "$C1" cid-cd eth0 cd
cni_expect_ok empty "" "DEL cd without ovld"
[ -z "$(host_veths h1)$(leases "$CNI_T/ipam-h1")" ] || fail "DEL without ovld left something"
cni h1 STATUS "$(conf_for 1 1.1.0)"
cni_expect_error 50 1.1.0 "STATUS without ovld"
cni h1 ADD "$C1" cid-ce eth0 cd
cni_expect_error 100 1.0.0 "ADD without ovld"
grep -q 'is ovld running' "$CNI_OUT" || fail "ADD without ovld: no hint"
[ -z "$(host_veths h1)$(leases "$CNI_T/ipam-h1")" ] || fail "a failed ADD left something"
