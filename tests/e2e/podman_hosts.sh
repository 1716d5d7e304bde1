#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/e2e/podman_hosts.sh - podman on two hosts: a container on each, and
# they reach each other with nothing written by hand anywhere: no hosts.json
# (the hosts learn each other's containers from etcd), no --ip or --mac,
# nothing in the containers but what podman and the plugin set up.
#
#   podman container p1 (httpd) -- h1: podman, ovld --+
#                                                     +-- switch -- e0 (etcd)
#   podman container p2 (httpd) -- h2: podman, ovld --+
#
# Each host has the installed conflist in its network_config_dir, its
# plugins in its cni_plugin_dirs, its own podman storage
# (tests/lib/runtime.sh). The conflist is one ovl plugin delegating to
# ovl-ipam (an IPv4 and an IPv6 range set), which allocates cluster-wide
# through ovld and etcd, so every host is given the same ranges: the two
# conflists differ only in "instance", because the simulated hosts share
# one kernel and their ovlds need distinct names; on real hosts it is
# "default" and the files are equal.
#
# What it proves:
# 1. `podman run --network NET` on each host: the container has an IPv4
#    and an IPv6 overlay address on eth0, ovld lists it (ID "<podman's
#    container ID>/eth0"), and they are the addresses etcd holds for it
#    (owner cni:NET/<container ID>/eth0, allocated by its host);
# 2. the first ping each way is answered, IPv4 and IPv6, and an HTTP GET
#    each way (a TCP connection) gets the other's page;
# 3. `podman rm` on both: no endpoint or veth of either is left, no ipam
#    key in etcd, `ovlctl ipam list` empty on both hosts, nor libcni's
#    cache of the network.
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)"
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
. "$OVL_TOP/tests/lib/runtime.sh"
ns_init
need_tools podman runc nsenter python3
[ -x /bin/busybox ] || skip "no /bin/busybox (Debian package busybox-static)"
cni_init
topo_switch
rt_init
etcd_init
etcd_single
for i in 1 2; do
	etcd_vni_host "$i"
	rt_conflist "$RT/h$i.conflist" "$NET" "$(inst_of "h$i")" "$(rt_ipam v6)"
	rt_install "h$i" "$RT/h$i.conflist"
	pod_host "h$i" sh ip ping sleep cat httpd wget timeout
	mkdir -p "$RT/h$i/podman/rootfs/www"
	echo "hello from p$i" >"$RT/h$i/podman/rootfs/www/index.html"
done
diff <(grep -v '"instance"' "$RT/h1.conflist") <(grep -v '"instance"' "$RT/h2.conflist") >&2 ||
	fail "the conflists differ beyond the instance"

info "1. podman run on each host"
declare -A cid addr addr6
for i in 1 2; do
	pod_on "h$i" run -d --name "p$i" --network "$NET" --rootfs "$RT/h$i/podman/rootfs" \
		httpd -f -p 80 -h /www >"$RT/p$i.out" 2>"$RT/p$i.err" ||
		fail "podman run p$i on h$i: $(cat "$RT/p$i.err")"
	cid[$i]=$(cat "$RT/p$i.out")
	pod_on "h$i" exec "p$i" ip -o addr show eth0 >"$RT/p$i.addr" ||
		fail "p$i has no eth0"
	addr[$i]=$(awk '/inet 10\.23\.0\./ { split($4, a, "/"); print a[1] }' "$RT/p$i.addr")
	addr6[$i]=$(awk '/inet6 fd23::/ { split($4, a, "/"); print a[1] }' "$RT/p$i.addr")
	if [ -z "${addr[$i]}" ] || [ -z "${addr6[$i]}" ]; then
		fail "p$i has no IPv4 and IPv6 overlay address: $(cat "$RT/p$i.addr")"
	fi
	ovlctl_on "h$i" endpoint list | grep -q "^${cid[$i]}/eth0 .*cni .*${addr[$i]}" ||
		fail "ovld on h$i does not list p$i: $(ovlctl_on "h$i" endpoint list)"
	rt_ipam_holds "h$i" "${cid[$i]}" "${addr[$i]}" "${addr6[$i]}"
	info "p$i on h$i: ${addr[$i]}, ${addr6[$i]}, as etcd holds for it"
done

info "2. first pings (IPv4, IPv6), HTTP each way"
for k in "1 2" "2 1"; do
	read -r i j <<<"$k"
	pod_on "h$i" exec "p$i" ping -c 1 -W 2 "${addr[$j]}" >/dev/null ||
		fail "first ping p$i -> p$j (${addr[$j]}) lost"
	pod_on "h$i" exec "p$i" ping -6 -c 1 -W 2 "${addr6[$j]}" >/dev/null ||
		fail "first ping -6 p$i -> p$j (${addr6[$j]}) lost"
done
for k in "1 2" "2 1"; do
	read -r i j <<<"$k"
	# (timeout, not wget -T: Debian's busybox 1.35 wget crashes on -T)
	rc=0
	got=$(pod_on "h$i" exec "p$i" timeout 5 wget -q -O - "http://${addr[$j]}/" 2>"$RT/wget.err") || rc=$?
	[ "$rc" = 0 ] || fail "p$i cannot GET p$j's page: exit $rc, stdout [$got], stderr [$(cat "$RT/wget.err")]"
	[ "$got" = "hello from p$j" ] || fail "p$i got \"$got\" from ${addr[$j]}"
done

info "3. podman rm on both"
for i in 1 2; do
	pod_on "h$i" rm -f -t 0 "p$i" >/dev/null 2>"$RT/rm.err" || fail "podman rm p$i: $(cat "$RT/rm.err")"
	rt_gone "h$i" "podman rm p$i" "${cid[$i]}"
done
[ -z "$(etcd_ipam_keys)" ] || fail "etcd still has ipam keys: $(etcd_ipam_keys)"
for h in h1 h2; do
	# (h1 learns of p2's release through its watch)
	wait_for 5 rt_ipam_empty "$h" || fail "ovlctl ipam list on $h is not empty: $(ovlctl_on "$h" ipam list)"
done
[ -z "$(find /var/lib/cni/results -name "$NET-*" 2>/dev/null)" ] || fail "libcni's cache of $NET remains"
exit 0
