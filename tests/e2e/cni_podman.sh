#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/e2e/cni_podman.sh - a real runtime: Debian's podman 4.3 with its CNI
# network backend runs a container on an ovl network in host h1; it and a
# container on host h2 reach each other over the overlay, the first ping
# each way answered.
#
#   podman container p1 (MAC 02:00:00:00:d0:01, 10.23.0.50) -- h1: ovld --+
#                                                                          +-- switch
#   c2 (netns, ADDed by the plugin directly) ------------------ h2: ovld --+
#
# podman gets its own containers.conf (CONTAINERS_CONF): runc (crun fails
# on this machine's hybrid cgroup layout), cgroupfs, ulimits of 4096, the
# CNI backend, the conflist directory and the plugin directory (the fresh
# build/ovl beside /usr/lib/cni) of this run; its storage and run
# directories are in the test's temp dir and the container runs from a
# busybox-static root directory (--rootfs), so no image store is touched.
# It is started with nsenter --net (not `ip netns exec`, whose fresh /sys
# hides the cgroup mounts runc needs), so the plugin runs in h1.
#
# --mac-address and --ip reach the plugin and host-local as runtimeConfig
# (capabilities "mac" and "ips"), so hosts.json can name the container
# before it exists. While it runs, `ovlctl endpoint list` shows it; after
# `podman rm` (CNI DEL) nothing of it remains: veth, endpoint, lease,
# network namespace, libcni's cached result in /var/lib/cni.
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)"
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
ns_init
podman_need
cni_init
cni_two_hosts
podman_init sh ping ip sleep cat

# The network: examples/cni/podman-ovl.conflist, for this run's ovld,
# overlay and host-local directory.
python3 - "$OVL_TOP/examples/cni/podman-ovl.conflist" "$(conf_for 1 1.0.0)" "$NET" \
	"$P/net/$NET.conflist" <<'EOF'
import json, sys
lst = json.load(open(sys.argv[1]))
ours = json.load(open(sys.argv[2]))
lst["name"] = sys.argv[3]
ovl = lst["plugins"][0]
assert ovl["type"] == "ovl"
for k in ("instance", "overlay", "ipam", "logLevel"):
    ovl[k] = ours[k]
# this run's overlay has no router, which "ipMasq" needs (cni_router.sh)
ovl.pop("ipMasq", None)
json.dump(lst, open(sys.argv[4], "w"), indent=2)
EOF
pod network ls --format '{{.Name}} {{.Driver}}' | grep -q "^$NET ovl" ||
	fail "podman does not list the ovl network: $(pod network ls 2>&1)"

info "c2 on h2, then the podman container on h1"
ns_add c2
cni h2 ADD "$(conf_for 2 1.0.0)" cid-c2 eth0 c2
cni_expect_ok result 1.0.0 "ADD c2"
eval "$(jvars "$CNI_OUT" m2='j["interfaces"][1]["mac"]' i2='j["ips"][0]["address"].split("/")[0]' \
	i62='j["ips"][1]["address"].split("/")[0]')"
hosts_json 02:00:00:00:d0:01 10.1.0.1 10.23.0.50 fd23::a:50 "$m2" 10.1.0.2 "$i2" "$i62"

pod run -d --name p1 --network "$NET" --mac-address 02:00:00:00:d0:01 --ip 10.23.0.50 \
	--rootfs "$P/rootfs" sleep 120 >"$P/run.out" 2>"$P/run.err" ||
	fail "podman run: $(cat "$P/run.err")"
cid=$(cat "$P/run.out")
sandbox=$(pod inspect p1 --format '{{.NetworkSettings.SandboxKey}}')
[ -e "$sandbox" ] || fail "p1's network namespace $sandbox does not exist"
pod exec p1 ip addr show eth0 >"$P/addr.txt"
grep -q "link/ether 02:00:00:00:d0:01" "$P/addr.txt" || fail "p1's MAC: $(cat "$P/addr.txt")"
grep -q "inet 10.23.0.50/24" "$P/addr.txt" || fail "p1's address: $(cat "$P/addr.txt")"
grep -q "mtu 1450" "$P/addr.txt" || fail "p1's MTU: $(cat "$P/addr.txt")"
ovlctl_on h1 endpoint list | grep -q "^$cid/eth0 .*cni .*02:00:00:00:d0:01 .*10.23.0.50" ||
	fail "ovld does not list p1: $(ovlctl_on h1 endpoint list)"
pod exec p1 ping -c 1 -W 2 "$i2" >/dev/null || fail "first ping p1 -> c2 lost"
in_ns c2 ping -c 1 -W 2 10.23.0.50 >/dev/null || fail "first ping c2 -> p1 lost"

info "podman rm: CNI DEL"
pod rm -f -t 0 p1 >/dev/null 2>"$P/rm.err" || fail "podman rm: $(cat "$P/rm.err")"
no_leftovers h1 "podman rm"
[ ! -e "$sandbox" ] || fail "p1's network namespace $sandbox remains"
[ -z "$(find /var/lib/cni/results -name "$NET-*" 2>/dev/null)" ] || fail "libcni's cache of $NET remains"
in_ns c2 ping -c 1 -W 1 10.23.0.50 >/dev/null && fail "p1's address still answers"
cni h2 DEL "$(conf_for 2 1.0.0)" cid-c2 eth0 c2
cni_expect_ok empty "" "DEL c2"
no_leftovers h2 "DEL c2"
