#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovl-ipam on three hosts of one etcd: 150 CNI ADDs at once (50 a host,
# the ovl plugin delegating to ovl-ipam, one /24 for all) never hand out
# one address twice, and the containers reach each other.
#
#   c1,c4...(netns) -- h1: ovld --+
#   c2,c5...(netns) -- h2: ovld --+-- switch -- e0 (etcd)
#   c3,c6...(netns) -- h3: ovld --+
#
# What it proves:
# 1. 150 parallel ADDs all succeed (valid CNI 1.1.0 results) with 150
#    distinct addresses, which are exactly etcd's ipam keys, each naming
#    its host and owner; each host lists its 50 endpoints;
# 2. a sample of containers (10 pairs, across hosts) reach each other on
#    the first ping;
# 3. ovl-ipam's ADD again for an attachment gives its address again;
#    CHECK agrees; `ovlctl ipam list` shows them; an ADD whose
#    configuration has a bad route fails (error 7, naming it) and
#    allocates nothing;
# 4. 150 parallel DELs leave no ipam key (nor ip, mac key) in etcd and no
#    endpoint or veth on any host.
#
# tests/e2e/cluster_image.sh does 1, 2 and 4 (tests/lib/cni_many.sh) with
# the image's installed plugins and the ConfigMap's /16; this test is the
# one without podman, with 150 of a /24's 253 addresses (a pool 60 % full,
# where two hosts pick the same candidate far more often than in a /16),
# and with 3.
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)"
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
. "$OVL_TOP/tests/lib/cni_many.sh"
ns_init
cni_init
[ -x "$OVL_BUILD/ovl-ipam" ] || fail "no $OVL_BUILD/ovl-ipam: run make first"
topo_switch
etcd_init
etcd_single
for i in 1 2 3; do
	etcd_vni_host "$i"
done
N=150
IPAM='{"type": "ovl-ipam", "ranges": [[{"subnet": "10.23.0.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}'
for h in 1 2 3; do
	CNI_IPAM_JSON=$IPAM cni_conf "$CNI_T/h$h.json" 1.1.0 ipamnet "$(inst_of "h$h")"
done
many_init "$N" 3 ipamnet 23

# run_one VERB I: the ovl plugin of the build for container cI on its host.
run_one() {
	local h
	h=$(many_host "$2")
	ip netns exec "$(ns_name "h$h")" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		"CNI_COMMAND=$1" "CNI_PATH=$CNI_PATH_DIRS" "CNI_CONTAINERID=cid-$2" \
		CNI_IFNAME=eth0 "CNI_NETNS=/var/run/netns/$(ns_name "c$2")" \
		"$CNI_PATH_DIRS/ovl" <"$CNI_T/h$h.json"
}

info "1. $N ADDs at once"
many_run ADD run_one
many_added 1.1.0

info "2. first pings, 10 pairs across hosts"
many_ping 10 1

info "3. ADD again, CHECK, ipam list"
CNI_IPAM_JSON=$IPAM cni_conf "$CNI_T/again.json" 1.1.0 ipamnet "$(inst_of h1)"
cni_plugin ovl-ipam h1 ADD "$CNI_T/again.json" cid-1 eth0 c1
cni_expect_ok result 1.1.0 "ovl-ipam ADD of c1 again"
[ "$(jget "$CNI_OUT" 'j["ips"][0]["address"]')" = "$(many_addr 1)/24" ] ||
	fail "ADD again gave $(jget "$CNI_OUT" 'j["ips"][0]["address"]'), not $(many_addr 1)/24"
cni_prev "$CNI_T/h1.json" "$MANY_T/ADD-1.out" "$CNI_T/check1.json"
cni h1 CHECK "$CNI_T/check1.json" cid-1 eth0 c1
cni_expect_ok empty "" "CHECK of c1"
n=$(ovlctl_on h2 -j ipam list overlay0 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = "$N" ] || fail "ovlctl ipam list on h2 shows $n allocations"
ovlctl_on h2 ipam list | grep -q "^$(many_addr 2) .*$(hostid 2) .*cni:ipamnet/cid-2/eth0" ||
	fail "ovlctl ipam list: $(ovlctl_on h2 ipam list | head -3)"

info "3b. a configuration ovl-ipam refuses allocates nothing"
# a route that is no CIDR: refused before ovld is asked for an address
CNI_IPAM_JSON='{"type": "ovl-ipam", "ranges": [[{"subnet": "10.23.0.0/24"}]], "routes": [{"dst": "0.0.0.0"}]}' \
	cni_conf "$CNI_T/badroute.json" 1.1.0 ipamnet "$(inst_of h1)"
cni_plugin ovl-ipam h1 ADD "$CNI_T/badroute.json" cid-bad eth0 c1
cni_expect_error 7 1.1.0 "ovl-ipam ADD with a bad route" 'ipam.routes[0].dst'
n=$(ovlctl_on h1 -j ipam list overlay0 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = "$N" ] || fail "ovl-ipam ADD with a bad route: $n allocations, not $N"

info "4. $N DELs at once"
many_run DEL run_one
many_gone
exit 0
