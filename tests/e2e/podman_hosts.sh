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
# Each host has the installed conflist in its network_config_dir (one ovl
# plugin; the same file on both but for the ovld instance name, which on
# real hosts is "default"), its plugins in its cni_plugin_dirs, its own
# podman storage (tests/lib/runtime.sh).
#
# What it proves:
# 1. `podman run --network NET` on each host: the container has an overlay
#    address on eth0 and ovld lists it (ID "<podman's container ID>/eth0");
# 2. the first ping each way is answered (IPv4), and an HTTP GET each way
#    (a TCP connection) gets the other's page;
# 3. `podman rm` on both: no endpoint, veth or lease of either is left,
#    nor libcni's cache of the network.
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
	rt_conflist "$RT/h$i.conflist" "$NET" "$(inst_of "h$i")" "$(ipam_for "$i")"
	rt_install "h$i" "$RT/h$i.conflist"
	pod_host "h$i" sh ip ping sleep cat httpd wget timeout
	mkdir -p "$RT/h$i/podman/rootfs/www"
	echo "hello from p$i" >"$RT/h$i/podman/rootfs/www/index.html"
done

info "1. podman run on each host"
declare -A cid addr
for i in 1 2; do
	pod_on "h$i" run -d --name "p$i" --network "$NET" --rootfs "$RT/h$i/podman/rootfs" \
		httpd -f -p 80 -h /www >"$RT/p$i.out" 2>"$RT/p$i.err" ||
		fail "podman run p$i on h$i: $(cat "$RT/p$i.err")"
	cid[$i]=$(cat "$RT/p$i.out")
	pod_on "h$i" exec "p$i" ip -4 -o addr show eth0 >"$RT/p$i.addr" ||
		fail "p$i has no eth0"
	addr[$i]=$(awk '/inet 10\.23\./ { split($4, a, "/"); print a[1] }' "$RT/p$i.addr")
	[ -n "${addr[$i]}" ] || fail "p$i has no overlay address: $(cat "$RT/p$i.addr")"
	ovlctl_on "h$i" endpoint list | grep -q "^${cid[$i]}/eth0 .*cni .*${addr[$i]}" ||
		fail "ovld on h$i does not list p$i: $(ovlctl_on "h$i" endpoint list)"
	info "p$i on h$i: ${addr[$i]}"
done

info "2. first pings, HTTP each way"
pod_on h1 exec p1 ping -c 1 -W 2 "${addr[2]}" >/dev/null || fail "first ping p1 -> p2 (${addr[2]}) lost"
pod_on h2 exec p2 ping -c 1 -W 2 "${addr[1]}" >/dev/null || fail "first ping p2 -> p1 (${addr[1]}) lost"
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
	no_leftovers "h$i" "podman rm p$i"
done
[ -z "$(find /var/lib/cni/results -name "$NET-*" 2>/dev/null)" ] || fail "libcni's cache of $NET remains"
exit 0
