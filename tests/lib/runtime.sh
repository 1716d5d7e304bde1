# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# tests/lib/runtime.sh - real container runtimes inside topo.sh's simulated
# hosts, each host set up as a real one is: a conflist installed in its
# /etc/cni/net.d, the plugins in its /opt/cni/bin, a runtime of its own.
# Source after netns.sh, topo.sh, cni.sh and etcd.sh; cni_init and
# topo_switch first.
#
#   $RT/HOST/net.d, $RT/HOST/bin     what HOST has in /etc/cni/net.d and
#                                    /opt/cni/bin
#
#   rt_init                      RT (under $TOPO_DIR), checks
#   ctr_need                     skip unless containerd, ctr, runc, unshare and
#                                /etc/cni/net.d are there
#   rt_conflist FILE NAME INSTANCE IPAM_JSON
#                                a conflist of one ovl plugin on overlay0 of
#                                ovld INSTANCE; nothing in it depends on the
#                                host but INSTANCE (a real host's is "default";
#                                the simulated hosts share one kernel, so
#                                their ovlds need distinct names)
#   rt_ipam [v6]                 the ipam section every host is given, the
#                                same on all: ovl-ipam over 10.23.0.0/24 (and
#                                a second range set, fd23::/64, with v6)
#   rt_install HOST CONFLIST     HOST's net.d holds CONFLIST (as 10-ovl.conflist),
#                                its bin ovl, ovl-ipam and the reference
#                                plugins of /usr/lib/cni
#
# What ovl-ipam holds of an attachment (owner cni:$NET/CID/eth0; with
# etcd.sh's etcd_ipam_keys):
#
#   rt_ipam_holds HOST CID ADDR...  etcd has exactly ADDR... for it, allocated
#                                by HOST, and HOST's `ovlctl ipam list` shows
#                                each with the owner in full
#   rt_gone HOST WHAT CID        after its DEL: no_leftovers HOST, no ipam key
#                                of it in etcd nor row in HOST's `ovlctl ipam
#                                list`, no libcni cache of it
#   rt_ipam_empty HOST           HOST's `ovlctl ipam list` answers, empty
#
# containerd (Debian's 1.6) and its ctr. ctr 1.6 hard-codes /etc/cni/net.d
# and /opt/cni/bin for `run --cni`, so ctr_on runs it in a private mount
# namespace (unshare -m, private propagation) where HOST's directories are
# bound over those paths (and a tmpfs over /opt holds the mount point when
# /opt/cni does not exist): nothing of it reaches the real /etc/cni or /opt.
# The daemon (and its shims, whose runc needs the cgroup mounts that `ip
# netns exec` hides) is started with nsenter --net, with its own
# configuration, root, state and socket under $RT/HOST/containerd; its CRI
# plugin, which would watch the real /etc/cni/net.d, is disabled.
#
#   ctrd_start HOST              start containerd for HOST; returns when it
#                                answers; at exit every task and container of
#                                its namespace goes, then the daemon
#   ctr_on HOST ARGS...          ctr against it (namespace $CTR_NS), in HOST's
#                                network namespace and the private mount one
#   ctr_image HOST               import $RT/image.tar (busybox-static, made
#                                once by tests/lib/oci_image.py with the
#                                applets of $RT_APPLETS) as $CTR_IMAGE
#
# libcni in ctr and podman keeps its results under /var/lib/cni, and
# containerd its shims' sockets, ctr's fifos and runc's state under
# /run/containerd; what this run adds there (the directories it made, the
# results of its network $NET, runc's state of its namespace) is removed at
# exit.
#
# podman, one per host: its own containers.conf naming HOST's net.d and
# bin as network_config_dir and cni_plugin_dirs (runc, cgroupfs, ulimits of
# 4096, as podman_init in cni.sh), storage, run and runc directories under
# $RT/HOST/podman, and a busybox-static root directory for --rootfs.
#
#   pod_host HOST APPLET...      set it up; at exit its containers go
#   pod_on HOST ARGS...          podman of HOST (nsenter --net, as pod)

RT_APPLETS="sh ip ping sleep cat nc"
CTR_IMAGE=docker.io/library/ovlt-busybox:1

rt_init() {
	local d
	need_tools nsenter python3
	[ -x /bin/busybox ] || skip "no /bin/busybox (Debian package busybox-static)"
	RT=$TOPO_DIR/rt
	NET=ovlt-$RUN
	# short: ctr's namespace goes into every container ID
	CTR_NS=ovlt-$RUN
	mkdir -p "$RT"
	for d in /var/lib/cni /var/lib/cni/results /run/runc; do
		[ -e "$d" ] || on_exit "rmdir '$d'" # (undone in reverse)
	done
	# shims' sockets (s), ctr's fifos and runc's state: containerd 1.6
	# puts them under /run/containerd whatever its --state
	if [ -e /run/containerd ]; then
		for d in s fifo runc; do
			[ -e "/run/containerd/$d" ] || on_exit "rm -rf '/run/containerd/$d'"
		done
		on_exit 'rm -rf "/run/containerd/runc/$CTR_NS"'
	else
		on_exit "rm -rf /run/containerd"
	fi
	on_exit "rm -f /var/lib/cni/results/$NET-*"
}

rt_conflist() {
	python3 - "$@" <<'EOF'
import json, sys
f, name, inst, ipam = sys.argv[1:5]
json.dump({"cniVersion": "1.0.0", "name": name,
           "plugins": [{"type": "ovl", "overlay": "overlay0", "instance": inst,
                        "logLevel": "debug", "ipam": json.loads(ipam)}]},
          open(f, "w"), indent=2)
EOF
}

rt_install() {
	local h=$1 p
	mkdir -p "$RT/$h/net.d" "$RT/$h/bin"
	cp "$2" "$RT/$h/net.d/10-ovl.conflist"
	for p in "$CNI_PATH_DIRS"/*; do
		ln -sf "$(readlink -f "$p")" "$RT/$h/bin/$(basename "$p")"
	done
	[ -x "$OVL_BUILD/ovl-ipam" ] || fail "no $OVL_BUILD/ovl-ipam: run make first"
	ln -sf "$OVL_BUILD/ovl-ipam" "$RT/$h/bin/ovl-ipam"
}

rt_ipam() {
	local r='[{"subnet": "10.23.0.0/24"}]' d='{"dst": "0.0.0.0/0"}'
	[ "${1:-}" != v6 ] || { r+=', [{"subnet": "fd23::/64"}]'; d+=', {"dst": "::/0"}'; }
	printf '{"type": "ovl-ipam", "ranges": [%s], "routes": [%s]}' "$r" "$d"
}

rt_ipam_holds() {
	local h=$1 o="cni:$NET/$2/eth0" got want a
	shift 2
	got=$(etcd_ipam_keys | awk -v o="$o" -v hid="$(hostid "${h#h}")" '$3 == o && $2 == hid { print $1 }' | sort)
	want=$(printf '%s\n' "$@" | sort)
	[ "$got" = "$want" ] ||
		fail "etcd holds [${got//$'\n'/ }] for $o from $h, not [$*]: $(etcd_ipam_keys)"
	ovlctl_on "$h" ipam list >"$RT/ipam.list" || fail "ovlctl ipam list on $h"
	for a in "$@"; do
		awk -v a="$a" -v o="$o" '$1 == a && $3 == o' "$RT/ipam.list" | grep -q . ||
			fail "ovlctl ipam list on $h has no row $a with owner $o in full: $(cat "$RT/ipam.list")"
	done
}

rt_ipam_empty() {
	local l
	l=$(ovlctl_on "$1" ipam list) && [ -z "$l" ]
}

rt_gone() {
	local o="cni:$NET/$3/eth0" k
	no_leftovers "$1" "$2"
	k=$(etcd_ipam_keys | awk -v o="$o" '$3 == o')
	[ -z "$k" ] || fail "$2: etcd still has the allocation of $o: $k"
	ovlctl_on "$1" ipam list >"$RT/ipam.list" || fail "ovlctl ipam list on $1"
	! awk -v o="$o" '$3 == o' "$RT/ipam.list" | grep -q . ||
		fail "$2: ovlctl ipam list on $1 still shows $o: $(cat "$RT/ipam.list")"
	[ -z "$(find /var/lib/cni/results -name "$NET-$3-*" 2>/dev/null)" ] ||
		fail "$2: libcni's cache of $3 remains"
}

ctr_need() {
	need_tools containerd ctr runc unshare
	[ -d /etc/cni/net.d ] || skip "no /etc/cni/net.d to bind a host's configuration over"
}

ctrd_start() {
	local h=$1 d=$RT/$1/containerd
	mkdir -p "$d"
	cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$d/sock"
[ttrpc]
  address = "$d/sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
EOF
	nsenter --net="/run/netns/$(ns_name "$h")" containerd --config "$d/config.toml" \
		>"$d/log" 2>&1 &
	on_exit "_ctrd_stop $h $!"
	wait_for 10 ctr -a "$d/sock" version || { cat "$d/log" >&2; fail "containerd of $h did not start"; }
}

# _ctrd_stop HOST PID: its tasks killed, containers removed, the daemon
# stopped, and any mount left under its directory (a rootfs) undone.
_ctrd_stop() {
	local a=$RT/$1/containerd/sock c m
	for c in $(ctr -a "$a" -n "$CTR_NS" containers ls -q 2>/dev/null); do
		ctr -a "$a" -n "$CTR_NS" tasks kill -s KILL "$c" 2>/dev/null
		sleep 0.2
		ctr -a "$a" -n "$CTR_NS" tasks delete -f "$c" 2>/dev/null
		ctr -a "$a" -n "$CTR_NS" containers rm "$c" 2>/dev/null
	done
	_topo_stop "$2"
	for m in $(findmnt -rn -o TARGET | grep "^$RT/$1/" | sort -r); do
		umount -l "$m"
	done
}

ctr_on() {
	local h=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	nsenter --net="/run/netns/$(ns_name "$h")" unshare -m --propagation private sh -c '
		d=$1
		shift
		if [ ! -d /opt/cni/bin ]; then
			mount -t tmpfs -o mode=0755 ovlt-opt /opt && mkdir -p /opt/cni/bin || exit 125
		fi
		mount --bind "$d/bin" /opt/cni/bin && mount --bind "$d/net.d" /etc/cni/net.d || exit 125
		exec ctr "$@"' sh "$RT/$h" -a "$RT/$h/containerd/sock" -n "$CTR_NS" "$@"
}

ctr_image() {
	[ -e "$RT/image.tar" ] ||
		python3 "$OVL_TOP/tests/lib/oci_image.py" "$RT/image.tar" "$CTR_IMAGE" $RT_APPLETS
	ctr_on "$1" images import "$RT/image.tar" >/dev/null 2>"$RT/import.err" ||
		fail "ctr images import on $1: $(cat "$RT/import.err")"
}

pod_host() {
	podman_dir "$RT/$1/podman" "$RT/$1/bin" "$RT/$1/net.d" "${@:2}"
	on_exit "pod_on $1 rm -a -f -t 0"
}

pod_on() {
	local h=$1 p=$RT/$1/podman
	shift
	nsenter --net="/run/netns/$(ns_name "$h")" env CONTAINERS_CONF="$p/containers.conf" \
		podman --root "$p/root" --runroot "$p/run" --storage-driver vfs \
		--runtime-flag "root=$p/runc" "$@"
}
