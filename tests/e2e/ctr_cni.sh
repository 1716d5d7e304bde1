#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/e2e/ctr_cni.sh - a second real runtime: Debian's containerd 1.6 and
# `ctr run --cni` on two hosts that find each other's containers through
# etcd, each with the installed conflist: one ovl plugin delegating to
# ovl-ipam, which allocates cluster-wide through ovld and etcd, so every
# host is given the same ranges. The two conflists differ only in
# "instance": the simulated hosts share one kernel, so their ovlds need
# distinct names; on real hosts it is "default" and the files are equal.
#
#   ctr container c2 (sleep) -- h2: containerd, ovld --+
#                                                      +-- switch -- e0 (etcd)
#   ctr --rm container c1 ----- h1: containerd, ovld --+
#
# How ctr 1.6 runs CNI (cmd/ctr/commands/run): libcni in the ctr process
# itself, the first conflist of /etc/cni/net.d, plugins from /opt/cni/bin,
# CNI_NETNS /proc/PID/ns/net of the task, CNI_CONTAINERID
# "<namespace>-<id>", no runtimeConfig, no CNI_ARGS; with --rm, DEL when
# the task has exited, with an empty CNI_NETNS (the namespace is gone).
# Both ctr's names may be 76 characters: c1's are, so its container ID is
# 153 (ovld once took endpoint IDs of at most 127).
#
# What it proves:
# 1. c2 (ctr run --cni, in the background) gets an address on h2, the one
#    etcd holds for it (owner cni:NET/<namespace>-c2/eth0, host h2);
# 2. c1 (ctr run --cni --rm) prints its eth0 with an address of the overlay
#    from inside and pings c2 on the first try; while it ran, ovld listed
#    it as "<namespace>-<id>/eth0" and etcd held that address for it, owner
#    in full (176 characters) in `ovlctl ipam list`;
# 3. c1's exit ran DEL: no endpoint or veth of it on h1, no ipam key of it
#    in etcd, no libcni cache of it; c2 stopped (its ctr's DEL) leaves
#    nothing on h2: no ipam key in etcd at all, `ovlctl ipam list` empty on
#    both hosts;
# 4. nothing was written to the real /etc/cni/net.d or /opt/cni.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
. "$OVL_TOP/tests/lib/runtime.sh"
ns_init
ctr_need
cni_init
topo_switch
rt_init
# ctr's names may be 76 characters, the most containerd takes
CTR_NS=$(printf '%s-%s' "$CTR_NS" "$(printf 'n%.0s' {1..76})" | cut -c1-76)
etcd_init
etcd_single
etc_before=$(ls -A /etc/cni/net.d)
opt_before=$(ls -A /opt/cni 2>/dev/null || echo none)
for i in 1 2; do
	etcd_vni_host "$i"
	rt_conflist "$RT/h$i.conflist" "$NET" "$(inst_of "h$i")" "$(rt_ipam)"
	rt_install "h$i" "$RT/h$i.conflist"
	ctrd_start "h$i"
	ctr_image "h$i"
done
diff <(grep -v '"instance"' "$RT/h1.conflist") <(grep -v '"instance"' "$RT/h2.conflist") >&2 ||
	fail "the conflists differ beyond the instance"

info "1. c2 on h2"
ctr_on h2 run --rm --cni "$CTR_IMAGE" c2 sleep 120 >"$RT/c2.out" 2>&1 &
c2_ctr=$!
on_exit "kill $c2_ctr"
c2_up() {
	ctr_on h2 tasks exec --exec-id a c2 ip -4 -o addr show eth0 >"$RT/c2.addr" 2>&1 &&
		grep -q 'inet 10\.23\.' "$RT/c2.addr"
}
wait_for 20 c2_up || fail "c2 has no address on h2: $(cat "$RT/c2.addr" "$RT/c2.out")"
ip2=$(awk '{ split($4, a, "/"); print a[1] }' "$RT/c2.addr")
rt_ipam_holds h2 "$CTR_NS-c2" "$ip2"
info "c2: $ip2, as etcd holds for it"

info "2. c1 on h1 (ctr run --rm)"
id1=$(printf 'c1-%s' "$(printf 'x%.0s' {1..76})" | cut -c1-76)
cid1=$CTR_NS-$id1
info "c1's CNI_CONTAINERID: ${#cid1} characters"
ctr_on h1 run --rm --cni "$CTR_IMAGE" "$id1" sh -c "
	ip addr show eth0
	ping -c 1 -W 2 $ip2 || exit 7
	sleep 3" >"$RT/c1.out" 2>&1 &
c1_ctr=$!
c1_listed() {
	ovlctl_on h1 endpoint list >"$RT/c1.eps" && grep -q "^$cid1/eth0 " "$RT/c1.eps" &&
		grep -q 'inet 10\.23\.0\.' "$RT/c1.out"
}
wait_for 10 c1_listed ||
	fail "ovld on h1 does not list c1 as $cid1/eth0: $(cat "$RT/c1.eps" "$RT/c1.out")"
ip1=$(awk '$1 == "inet" { split($2, a, "/"); print a[1] }' "$RT/c1.out")
info "c1: $ip1; owner cni:$NET/$cid1/eth0, $((${#NET} + ${#cid1} + 10)) characters"
rt_ipam_holds h1 "$cid1" "$ip1"
rc=0
wait "$c1_ctr" || rc=$?
sed 's/^/  c1| /' "$RT/c1.out"
[ "$rc" != 7 ] || fail "c1's first ping to c2 ($ip2) lost"
[ "$rc" = 0 ] || fail "ctr run c1: exit $rc"
grep -q "inet $ip1/24" "$RT/c1.out" || fail "c1 has no overlay address inside"
grep -q '1 packets received' "$RT/c1.out" || fail "c1's ping: no answer in its output"

info "3. after --rm"
rt_gone h1 "ctr run --rm of c1" "$cid1"
rt_ipam_holds h2 "$CTR_NS-c2" "$ip2"
ctr_on h1 containers ls -q | grep -q . && fail "a container remains in h1's containerd"
ctr_on h2 tasks kill -s KILL c2 >/dev/null || fail "ctr tasks kill c2"
wait "$c2_ctr" 2>/dev/null || true
rt_gone h2 "ctr run --rm of c2" "$CTR_NS-c2"
[ -z "$(etcd_ipam_keys)" ] || fail "etcd still has ipam keys: $(etcd_ipam_keys)"
for h in h1 h2; do
	# (h1 learns of c2's release through its watch)
	wait_for 5 rt_ipam_empty "$h" || fail "ovlctl ipam list on $h is not empty: $(ovlctl_on "$h" ipam list)"
done
[ -z "$(find /var/lib/cni/results -name "$NET-*" 2>/dev/null)" ] || fail "libcni's cache of $NET remains"

info "4. the real /etc/cni/net.d and /opt/cni"
[ "$(ls -A /etc/cni/net.d)" = "$etc_before" ] || fail "/etc/cni/net.d changed: $(ls -A /etc/cni/net.d)"
[ "$(ls -A /opt/cni 2>/dev/null || echo none)" = "$opt_before" ] || fail "/opt/cni changed"
exit 0
