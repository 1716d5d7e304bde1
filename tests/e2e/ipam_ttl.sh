#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovl-ipam's two leases (ovl-ipam(8)), with short timings: the session
# lease (etcd/lease-ttl 3 s: the endpoints) and the IPAM lease
# (etcd/ipam-ttl 15 s: the addresses), on a small range (10.23.0.0/28:
# .2-.14, 13 addresses).
#
#   c11.. (netns) -- h1: ovld --+-- switch -- e0 (etcd)
#   c21.. (netns) -- h2: ovld --+
#
# What it proves:
# a. h2's ovld killed longer than the session lease, its containers alive:
#    its endpoints leave etcd, its addresses do not; h1 allocating the
#    whole range gets none of them and then a clear "no free address"
#    (CNI error 106); h2's ovld back: its containers keep their addresses
#    and are reached from h1 on the first ping;
# b. h2's ovld killed again, one container's namespace deleted meanwhile,
#    ovld back: its address returns to the pool (h1 gets it), the other's
#    stays;
# d. etcd stopped: ADD fails with CNI error 11 saying etcd is unreachable,
#    and succeeds once etcd is back;
# e. CNI GC (ovl delegating to ovl-ipam) frees an allocation whose
#    attachment is not in cni.dev/valid-attachments, and only that one;
# c. h2's ovld killed for good: after the IPAM lease its addresses return
#    to the pool.
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)"
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
ns_init
cni_init
[ -x "$OVL_BUILD/ovl-ipam" ] || fail "no $OVL_BUILD/ovl-ipam: run make first"
topo_switch
etcd_init
etcd_single
ETCD_TTL=3
IPAM_TTL=15
for i in 1 2; do
	topo_host "h$i" "$i"
	topo_ovld "h$i"
	etcd_overlay "h$i" overlay0 23 -p "etcd/ipam-ttl=$IPAM_TTL"
done
IPAM='{"type": "ovl-ipam", "ranges": [[{"subnet": "10.23.0.0/28"}]], "routes": [{"dst": "0.0.0.0/0"}]}'
for h in 1 2; do
	CNI_IPAM_JSON=$IPAM cni_conf "$CNI_T/h$h.json" 1.1.0 ttlnet "$(inst_of "h$h")"
done

# add HOST I: the ovl plugin's ADD of container cI on hHOST; its address
# in A[I].
declare -A A
add() {
	local h=$1 i=$2
	[ -e "/run/netns/$(ns_name "c$i")" ] || ns_add "c$i"
	cni "h$h" ADD "$CNI_T/h$h.json" "cid-$i" eth0 "c$i"
	[ "$CNI_RC" = 0 ] || return 1
	A[$i]=$(jget "$CNI_OUT" 'j["ips"][0]["address"].split("/")[0]')
}
ipam_key() {
	echo "$ETCD_PREFIX/v1/vni/23/ipam/$1"
}
owner_of_key() {
	etcd_json "$(ipam_key "$1")" 'j["owner"] + " " + j["host"]'
}

info "a. h2's ovld away longer than the session lease"
add 2 21 || fail "ADD c21: $(cat "$CNI_OUT")"
add 2 22 || fail "ADD c22: $(cat "$CNI_OUT")"
mac21=$(mac_for cid-21 eth0)
etcd_wait_key 5 "$(key_mac 23 "$mac21")"
topo_kill_ovld h2 KILL
etcd_wait_nokey $((ETCD_TTL + 5)) "$(key_mac 23 "$mac21")"
for i in 21 22; do
	[ "$(owner_of_key "${A[$i]}")" = "cni:ttlnet/cid-$i/eth0 $(hostid 2)" ] ||
		fail "h2's address ${A[$i]} of c$i left etcd with its endpoints"
done
for i in 11 12 13 14 15 16 17 18 19 20 23; do
	add 1 "$i" || fail "ADD c$i on h1: $(cat "$CNI_OUT")"
	[ "${A[$i]}" != "${A[21]}" ] && [ "${A[$i]}" != "${A[22]}" ] ||
		fail "h1's c$i got ${A[$i]}, h2's c21/c22's address"
done
add 1 24 && fail "a 14th address out of 13: ${A[24]}"
cni_expect_error 106 1.1.0 "ADD in a full range" "no free address"
info "h1 got 11, then: $CNI_MSG"
topo_ovld h2
etcd_wait_key 10 "$(key_mac 23 "$mac21")"
in_ns c11 ping -c 1 -W 1 "${A[21]}" >/dev/null || fail "c11 -> c21 (${A[21]}) after h2's ovld came back"
[ "$(owner_of_key "${A[21]}")" = "cni:ttlnet/cid-21/eth0 $(hostid 2)" ] || fail "c21's address moved"

info "b. a container deleted while its host's ovld was down"
topo_kill_ovld h2 KILL
ip netns del "$(ns_name c22)"
topo_ovld h2
etcd_wait_nokey 10 "$(ipam_key "${A[22]}")"
add 1 24 || fail "ADD c24 after c22 went: $(cat "$CNI_OUT")"
[ "${A[24]}" = "${A[22]}" ] || fail "c24 got ${A[24]}, not c22's freed ${A[22]}"
[ "$(owner_of_key "${A[21]}")" = "cni:ttlnet/cid-21/eth0 $(hostid 2)" ] ||
	fail "c21's address went with c22's"

info "d. etcd stopped"
cni h1 DEL "$CNI_T/h1.json" cid-11 eth0 c11
cni_expect_ok empty "" "DEL c11"
etcd_stop e0
add 1 25 && fail "ADD with etcd stopped gave ${A[25]}"
cni_expect_error 11 1.1.0 "ADD with etcd stopped" "etcd is unreachable"
info "etcd stopped: $CNI_MSG"
etcd_restart e0
ok=
for ((t = 0; t < 50; t++)); do
	if add 1 25; then
		ok=1
		break
	fi
	sleep 0.2
done
[ -n "$ok" ] || fail "ADD still fails 10 s after etcd came back: $(cat "$CNI_OUT")"
info "ADD succeeded $((t / 5)).$((t % 5 * 2)) s after etcd came back"

info "e. GC"
# c25 took c11's address; an allocation without an attachment: ovl-ipam alone
cni h1 DEL "$CNI_T/h1.json" cid-12 eth0 c12
cni_plugin ovl-ipam h1 ADD "$CNI_T/h1.json" cid-orphan eth0
cni_expect_ok result 1.1.0 "ovl-ipam ADD of an attachment ovl never made"
orphan=$(jget "$CNI_OUT" 'j["ips"][0]["address"].split("/")[0]')
valid=$(for i in 13 14 15 16 17 18 19 20 23 24 25; do printf '{"containerID": "cid-%s", "ifname": "eth0"},' "$i"; done)
cni_with "$CNI_T/h1.json" "c['cni.dev/valid-attachments'] = [${valid%,}]"
cni h1 GC "$CNI_T/h1.json"
cni_expect_ok empty "" "GC"
etcd_hasnt "$(ipam_key "$orphan")" || fail "GC left the orphan's $orphan"
for i in 13 25; do
	etcd_has "$(ipam_key "${A[$i]}")" || fail "GC took c$i's ${A[$i]}"
done

info "c. a host that never comes back"
topo_kill_ovld h2 KILL
etcd_wait_nokey $((IPAM_TTL + 10)) "$(ipam_key "${A[21]}")"
add 1 26 || fail "ADD after h2's IPAM lease expired: $(cat "$CNI_OUT")"
info "c26 got ${A[26]} (c21 had ${A[21]})"
exit 0
