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
# 1. 150 parallel ADDs all succeed with 150 distinct addresses, which are
#    exactly etcd's ipam keys, each naming its host and owner;
# 2. a sample of containers (10 pairs, across hosts) reach each other on
#    the first ping;
# 3. ovl-ipam's ADD again for an attachment gives its address again;
#    CHECK agrees; `ovlctl ipam list` shows them;
# 4. 150 parallel DELs leave no ipam key in etcd and no endpoint on any host.
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
for i in 1 2 3; do
	etcd_vni_host "$i"
done
N=150
IPAM='{"type": "ovl-ipam", "ranges": [[{"subnet": "10.23.0.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}'
for h in 1 2 3; do
	CNI_IPAM_JSON=$IPAM cni_conf "$CNI_T/h$h.json" 1.1.0 ipamnet "$(inst_of "h$h")"
done
host_of() {
	echo $(((($1 - 1) % 3) + 1))
}

# run_one VERB I: the ovl plugin for container cI on its host, output in
# $CNI_T/VERB-I.{out,err,rc}.
run_one() {
	local verb=$1 i=$2 h rc=0
	h=$(host_of "$i")
	ip netns exec "$(ns_name "h$h")" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		"CNI_COMMAND=$verb" "CNI_PATH=$CNI_PATH_DIRS" "CNI_CONTAINERID=cid-$i" \
		CNI_IFNAME=eth0 "CNI_NETNS=/var/run/netns/$(ns_name "c$i")" \
		"$CNI_PATH_DIRS/ovl" <"$CNI_T/h$h.json" >"$CNI_T/$verb-$i.out" \
		2>"$CNI_T/$verb-$i.err" || rc=$?
	echo "$rc" >"$CNI_T/$verb-$i.rc"
}

# all VERB: every container at once; fail naming the first that failed.
all() {
	local verb=$1 i
	local -a pids=()
	for ((i = 1; i <= N; i++)); do
		run_one "$verb" "$i" &
		pids+=($!)
	done
	wait "${pids[@]}"
	for ((i = 1; i <= N; i++)); do
		[ "$(cat "$CNI_T/$verb-$i.rc")" = 0 ] ||
			fail "$verb c$i: exit $(cat "$CNI_T/$verb-$i.rc"): $(cat "$CNI_T/$verb-$i.out" "$CNI_T/$verb-$i.err")"
	done
}

info "1. $N ADDs at once"
for ((i = 1; i <= N; i++)); do
	ns_add "c$i"
done
t0=$(date +%s%N)
all ADD
info "$N ADDs in $((($(date +%s%N) - t0) / 1000000)) ms"
for ((i = 1; i <= N; i++)); do
	$CNI_VALIDATE result 1.1.0 "$CNI_T/ADD-$i.out" || fail "ADD c$i: not a valid result"
	echo "$(jget "$CNI_T/ADD-$i.out" 'j["ips"][0]["address"].split("/")[0]') $(hostid "$(host_of "$i")") cni:ipamnet/cid-$i/eth0"
done | sort >"$CNI_T/results"
[ "$(cut -d' ' -f1 "$CNI_T/results" | sort -u | wc -l)" = "$N" ] ||
	fail "$N ADDs gave $(cut -d' ' -f1 "$CNI_T/results" | sort -u | wc -l) distinct addresses: $(cut -d' ' -f1 "$CNI_T/results" | sort | uniq -d | head)"
etcd_ipam_keys >"$CNI_T/keys"
diff -u "$CNI_T/results" "$CNI_T/keys" >&2 || fail "etcd's ipam keys are not the results"
info "$N distinct addresses, etcd has exactly them"
addr_of() {
	grep " cni:ipamnet/cid-$1/eth0\$" "$CNI_T/results" | cut -d' ' -f1
}

info "2. first pings, 10 pairs across hosts"
for i in 1 2 3 4 5 6 7 8 9 10; do
	a=$((i * 7 % N + 1))
	b=$((i * 13 % N + 2))
	[ "$(host_of "$a")" != "$(host_of "$b")" ] || b=$((b + 1))
	in_ns "c$a" ping -c 1 -W 1 "$(addr_of "$b")" >/dev/null ||
		fail "first ping c$a (h$(host_of "$a")) -> c$b (h$(host_of "$b"), $(addr_of "$b")) lost"
done

info "3. ADD again, CHECK, ipam list"
CNI_IPAM_JSON=$IPAM cni_conf "$CNI_T/again.json" 1.1.0 ipamnet "$(inst_of h1)"
cni_plugin ovl-ipam h1 ADD "$CNI_T/again.json" cid-1 eth0 c1
cni_expect_ok result 1.1.0 "ovl-ipam ADD of c1 again"
[ "$(jget "$CNI_OUT" 'j["ips"][0]["address"]')" = "$(addr_of 1)/24" ] ||
	fail "ADD again gave $(jget "$CNI_OUT" 'j["ips"][0]["address"]'), not $(addr_of 1)/24"
cni_prev "$CNI_T/h1.json" "$CNI_T/ADD-1.out" "$CNI_T/check1.json"
cni h1 CHECK "$CNI_T/check1.json" cid-1 eth0 c1
cni_expect_ok empty "" "CHECK of c1"
n=$(ovlctl_on h2 -j ipam list overlay0 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = "$N" ] || fail "ovlctl ipam list on h2 shows $n allocations"
ovlctl_on h2 ipam list | grep -q "^$(addr_of 2) .*$(hostid 2) .*cni:ipamnet/cid-2/eth0" ||
	fail "ovlctl ipam list: $(ovlctl_on h2 ipam list | head -3)"

info "4. $N DELs at once"
all DEL
[ -z "$(etcd_ipam_keys)" ] || fail "etcd still has ipam keys: $(etcd_ipam_keys | head -3)"
for h in h1 h2 h3; do
	[ -z "$(cni_endpoints "$h")" ] || fail "$h still has endpoints: $(cni_endpoints "$h" | head -3)"
	[ -z "$(host_veths "$h")" ] || fail "$h still has veths"
done
exit 0
