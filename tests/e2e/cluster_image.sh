#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/e2e/cluster_image.sh - the image of `make image`, run the way
# examples/kubernetes/ovl-daemonset.yaml runs it, on three simulated hosts
# that share one etcd; pods are then started through the plugin it installed
# and the conflist it wrote. There is no kubelet in Debian 12: podman runs
# the image, privileged, in each host's network namespace, with the
# DaemonSet's mounts (read from the YAML) and environment.
#
#        +------------------- ns sw: br0 10.1.0.254 -----------------------+
#        | ph1                 | ph2                 | ph3              | pe0
#   ns h1: u0 10.1.0.1    ns h2: u0 10.1.0.2    ns h3: u0 10.1.0.3   ns e0: etcd
#   podman ovl-h1         podman ovl-h2         podman ovl-h3        10.1.0.100
#     (OVL_UNDERLAY=u0)     (OVL_UNDERLAY_IP)     (default route)
#   c1 c4 ... c148        c2 c5 ... c149        c3 c6 ... c150
#   (CNI ADD, 50 a host, all 150 at once)
#
# Each host has its own /opt/cni/bin, /etc/cni/net.d and /var/lib/ovl
# (directories under $TOPO_DIR/hI) and ovld instance (OVL_INSTANCE);
# /run/ovl is this machine's, shared as on one node. The ConfigMap's
# ovld.json and conflist are the ones of examples/kubernetes, the same
# files for every host (one ConfigMap), with only this run's etcd endpoint
# put into ovld.json; the conflist is the ConfigMap's text as it is.
#
# The ConfigMap's IPAM serves the test as it is: ovl-ipam over 10.23.0.0/16
# (150 of 65533 addresses; 10.23.0.1, the default gateway, is never handed
# out), apart from the underlay (10.1.0.0/24); its route 0.0.0.0/0 has no
# gateway in its route: the ovl plugin gives the containers the overlay's
# router as their gateway, 10.23.0.1, the range's default gateway, which
# ovl-ipam never hands out.
#
# What it proves:
# 1. `make image` builds the image offline (its size is printed);
# 2. the plugins of the build are installed into each host's bin dir, and
#    while etcd is not there (ovld runs and answers, but its overlay is not
#    connected) no conflist is written and the readiness probe fails;
# 3. etcd starts: each host's conflist appears (with its ovld's instance),
#    the probe passes, and the image's ip and nft run;
# 4. 3 x 50 containers ADDed all at once, by one cni_runtime.py a host (as
#    one containerd a node; libcni's conflist handling) running its 50
#    attachments' plugins at once, with CNI_PATH the host's installed dir
#    alone and the conflist the host got: valid results, 150 distinct
#    addresses, exactly etcd's allocations (ovl-ipam's keys
#    PREFIX/v1/vni/23/ipam/ADDR, naming host and owner), each host's 50
#    endpoints; every container reaches one on another host on the first
#    ping (IPv4); 150 DELs at once leave no allocation, ip or mac key in
#    etcd and `ovlctl endpoint list` empty on every host (no veth either;
#    the overlay's router stays); the router zone of the example works: a
#    host reaches a container on it and one on another host (router/host),
#    a container reaches another host's underlay address (masquerade);
# 5. podman stop (SIGTERM): the conflist is gone, ovld exited with 0.
#
# tests/lib/cni_many.sh is shared with ipam_cluster.sh, which does the
# same with the build's plugins, without podman, in a /24 (and checks ADD
# again, CHECK and `ovlctl ipam list`).
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)", podman_init
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
. "$OVL_TOP/tests/lib/cni_many.sh"
ns_init
podman_need
python3 -c 'import yaml' 2>/dev/null || skip "no python3-yaml"
cni_init
topo_switch
etcd_init
K8S=$OVL_TOP/examples/kubernetes
HOSTS="1 2 3"
N=150 # containers, N / 3 a host
ETCD_URL=http://10.1.0.100:2379 # etcd_single's, started in 3.
[ -x "$OVL_BUILD/ovl-ipam" ] || fail "no $OVL_BUILD/ovl-ipam: run make first"

for i in $HOSTS; do
	topo_host "h$i" "$i"
	# after the containers are gone (on_exit runs in reverse): the pins
	on_exit "ip netns exec $(ns_name "h$i") $OVLD --instance $(inst_of "h$i") --underlay u0 \
		--state-dir $TOPO_DIR/h$i/var-lib-ovl/$(inst_of "h$i") --cleanup"
done
ip -n "$(ns_name h3)" route add default via 10.1.0.254
podman_init
IMG=localhost/ovlt-$RUN

info "1. make image"
PODMAN_OPTS="--root $P/root --runroot $P/run --storage-driver vfs" \
	CONTAINERS_CONF=$P/containers.conf make -s -C "$OVL_TOP" OUTPUT="$OVL_BUILD" \
	IMAGE="$IMG" IMAGE_VERSION=test IMAGE_DIR="$TOPO_DIR/image" image >"$TOPO_DIR/image.out" 2>&1 ||
	fail "make image: $(cat "$TOPO_DIR/image.out")"
info "$(grep '^image ' "$TOPO_DIR/image.out")"
PLUGINS=$(ls "$TOPO_DIR/image/rootfs/opt/ovl/cni")
grep -qx ovl-ipam <<<"$PLUGINS" || fail "the image lacks ovl-ipam: $PLUGINS"

# The DaemonSet, read: its mounts (SOURCE MOUNTPATH OPTIONS a line, hostPath
# or configMap as the source) and literal environment; the ConfigMap's
# files, rendered into $TOPO_DIR/config (every host's).
python3 - "$K8S/ovl-daemonset.yaml" >"$TOPO_DIR/ds.txt" <<'EOF'
import sys, yaml
ds = yaml.safe_load(open(sys.argv[1]))
assert ds["kind"] == "DaemonSet", ds["kind"]
pod = ds["spec"]["template"]["spec"]
assert pod["hostNetwork"] is True
assert pod["tolerations"] == [{"operator": "Exists"}], pod["tolerations"]
c, = pod["containers"]
assert c["securityContext"]["privileged"] is True
assert c["readinessProbe"]["exec"]["command"] == ["/usr/local/bin/ovl-entrypoint", "ready"]
vols = {v["name"]: v for v in pod["volumes"]}
for m in c["volumeMounts"]:
    v = vols[m["name"]]
    src = "configMap" if "configMap" in v else v["hostPath"]["path"]
    opts = ["ro"] if m.get("readOnly") else []
    if m.get("mountPropagation") == "Bidirectional":
        opts.append("rshared")
    print("mount", src, m["mountPath"], ",".join(opts) or "rw")
for e in c.get("env", []):
    print("env", e["name"], e.get("value", "") if "value" in e else "fieldRef:" + e["valueFrom"]["fieldRef"]["fieldPath"])
EOF

# render: prints the conflist's name.
render() {
	python3 - "$K8S/ovl-configmap.yaml" "$TOPO_DIR/config" "$ETCD_URL" <<'EOF'
import json, sys, yaml
cm, out, etcd = sys.argv[1:]
data = yaml.safe_load(open(cm))["data"]
conf = json.loads(data["ovld.json"])
ov, = conf["overlays"]
assert ov["vni"] == 23 and ov["search"] == "etcd", ov
assert ov["router"]["gateway"] == ["10.23.0.1/16"], ov["router"]
ov["etcd"]["endpoints"] = etcd
names = [k for k in data if k.endswith(".conflist")]
assert len(names) == 1, names
lst = json.loads(data[names[0]])
ovl, = lst["plugins"]
assert ovl["type"] == "ovl" and ovl["overlay"] == ov["name"], ovl
assert ovl["ipam"]["type"] == "ovl-ipam", ovl["ipam"]
json.dump(conf, open(out + "/ovld.json", "w"), indent=2)
open(out + "/" + names[0], "w").write(data[names[0]])
print(names[0])
EOF
}

# start_host I ENV...: the DaemonSet's pod on host hI, with ENV (NAME=VALUE)
# for the DaemonSet's fieldRef variables and OVL_INSTANCE.
start_host() {
	local i=$1 kind src dst opts src2 v
	local -a args=()
	shift
	while read -r kind src dst opts; do
		[ "$kind" = mount ] || continue
		case $src in
		configMap) src2=$TOPO_DIR/config ;; # one ConfigMap
		/run/ovl) src2=/run/ovl ;; # shared by the hosts, as on one node
		*) src2=$TOPO_DIR/h$i/host$src ;;
		esac
		mkdir -p "$src2"
		args+=(-v "$src2:$dst:$opts")
	done <"$TOPO_DIR/ds.txt"
	while read -r kind src dst; do
		[ "$kind" = env ] && [[ $dst != fieldRef:* ]] && args+=(-e "$src=$dst")
	done <"$TOPO_DIR/ds.txt"
	for v in "$@"; do
		args+=(-e "$v")
	done
	pod run -d --name "ovl-h$i" --privileged --network "ns:/run/netns/$(ns_name "h$i")" \
		"${args[@]}" -e "OVL_INSTANCE=$(inst_of "h$i")" "$IMG:test" >/dev/null \
		2>"$TOPO_DIR/run-h$i.err" || fail "podman run on h$i: $(cat "$TOPO_DIR/run-h$i.err")"
}

bindir() { echo "$TOPO_DIR/h$1/host/opt/cni/bin"; }
netdir() { echo "$TOPO_DIR/h$1/host/etc/cni/net.d"; }
plog() { pod logs "ovl-h$1" 2>&1 | tail -n 20; }
probe() { pod exec "ovl-h$1" /usr/local/bin/ovl-entrypoint ready >/dev/null 2>&1; }

info "2. the pods start; etcd is not there yet"
mkdir -p /run/ovl "$TOPO_DIR/config"
CONFLIST=$(render)
start_host 1 OVL_UNDERLAY=u0
start_host 2 OVL_UNDERLAY_IP=10.1.0.2 # what status.hostIP gives
start_host 3                          # the default route's interface
for i in $HOSTS; do
	wait_for 15 ovlctl_on "h$i" status || fail "ovld on h$i does not answer: $(plog "$i")"
	for p in $PLUGINS; do
		cmp -s "$(bindir "$i")/$p" "$TOPO_DIR/image/rootfs/opt/ovl/cni/$p" ||
			fail "h$i: $p not installed in $(bindir "$i")"
	done
done
pod logs ovl-h2 2>&1 | grep -q 'underlay u0 (holds OVL_UNDERLAY_IP 10.1.0.2)' || fail "h2's underlay: $(plog 2)"
pod logs ovl-h3 2>&1 | grep -q 'underlay u0 (default route)' || fail "h3's underlay: $(plog 3)"
sleep 2
for i in $HOSTS; do
	[ ! -e "$(netdir "$i")/$CONFLIST" ] || fail "h$i: conflist written while etcd is unreachable"
	! probe "$i" || fail "h$i: ready while etcd is unreachable"
	ov_disconnected "h$i" pods || fail "h$i: overlay pods not disconnected"
done

info "3. etcd starts: the conflists appear"
etcd_single
[ "$(etcd_url e0)" = "$ETCD_URL" ] || fail "etcd is at $(etcd_url e0), not $ETCD_URL"
for i in $HOSTS; do
	ms=$(time_until 30 test -f "$(netdir "$i")/$CONFLIST") ||
		fail "h$i: no conflist 30 s after etcd started: $(plog "$i")"
	info "h$i: conflist after ${ms} ms"
	# the ConfigMap's, with this host's ovld's instance
	python3 - "$TOPO_DIR/config/$CONFLIST" "$(netdir "$i")/$CONFLIST" "$(inst_of "h$i")" <<'EOF' ||
import json, sys
cm, host, inst = sys.argv[1:]
want = json.load(open(cm))
want["plugins"][0]["instance"] = inst
sys.exit(json.load(open(host)) != want)
EOF
		fail "h$i: the conflist is not the ConfigMap's with instance $(inst_of "h$i"): $(cat "$(netdir "$i")/$CONFLIST")"
	ov_connected "h$i" pods || fail "h$i: conflist written, overlay not connected"
	probe "$i" || fail "h$i: readiness probe fails"
done
pod exec ovl-h1 /usr/sbin/nft list tables >/dev/null 2>&1 || fail "nft does not run in the image"
pod exec ovl-h1 /sbin/ip -V 2>&1 | grep -q iproute2 || fail "ip in the image is not iproute2's"

info "4. 3 x 50 containers at once, through each host's installed plugins"
# cni_rt VERB H FILE: host hH's containers, by one runtime in the host
# (its plugins all at once), with the host's conflist and its bin dir
# alone as CNI_PATH.
cni_rt() {
	ip netns exec "$(ns_name "h$2")" python3 "$OVL_TOP/tests/lib/cni_runtime.py" "${1,,}" \
		"$(netdir "$2")/$CONFLIST" --batch "$3" --ifname eth0 --path "$(bindir "$2")" \
		--cache "$TOPO_DIR/h$2/cache"
}
many_init "$N" 3 "$(jget "$(netdir 1)/$CONFLIST" 'j["name"]')" 23
many_batch ADD cni_rt
many_added "$(jget "$(netdir 1)/$CONFLIST" 'j["cniVersion"]')"
many_published
many_ping "$N"
# The router zone (router/host, masquerade): h1 reaches c1 (on h1) and c2
# (on h2); c3 (on h3) reaches h1's underlay address, outside the overlay.
for c in 1 2; do
	in_ns h1 ping -c 1 -W 2 "$(many_addr $c)" >/dev/null ||
		fail "h1 -> c$c ($(many_addr $c), on h$(many_host $c)) through the router lost"
done
in_ns c3 ping -c 1 -W 2 10.1.0.1 >/dev/null || fail "c3 (on h3) -> 10.1.0.1 (h1's underlay) through the router lost"
info "the router: h1 reaches c1 and c2, c3 reaches 10.1.0.1"
many_batch DEL cni_rt
many_gone

info "5. podman stop: the conflist goes, ovld exits cleanly"
pod stop -t 20 ovl-h1 >/dev/null || fail "podman stop ovl-h1"
[ ! -e "$(netdir 1)/$CONFLIST" ] || fail "h1: conflist left after stop"
rc=$(pod inspect ovl-h1 --format '{{.State.ExitCode}}')
[ "$rc" = 0 ] || fail "h1: exit status $rc: $(plog 1)"
pod logs ovl-h1 2>&1 | grep -q 'SIGTERM: removed' || fail "h1: no SIGTERM handling: $(plog 1)"
! ovlctl_on h1 status >/dev/null 2>&1 || fail "h1: ovld still answers"
[ -e "$(netdir 2)/$CONFLIST" ] || fail "h2 lost its conflist when h1 stopped"
