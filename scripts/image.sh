#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# scripts/image.sh - build ovl's container image offline (`make image`):
# no registry, no network, no base image to pull.
#
#   scripts/image.sh -C DIR -d OVLD -c OVLCTL [-p PLUGIN]... [-t TAG]... [-n]
#
#   -C DIR     the build context, made afresh: DIR/rootfs and DIR/Containerfile
#   -d, -c     the ovld and ovlctl binaries
#   -p PLUGIN  a CNI plugin (statically linked: it runs on the node, not in
#              the image), put in /opt/ovl/cni for the entrypoint to install
#   -t TAG     a tag (repeatable); the first is the one whose size is printed
#   -n         assemble the context only, no podman build
#
# PODMAN_OPTS (environment) are podman's global options, e.g. --root and
# --runroot of a test's own storage; CONTAINERS_CONF is honoured as podman
# does.
#
# The image is FROM scratch: busybox-static (Debian's /bin/busybox) with the
# applets the entrypoint uses, ovld and ovlctl, iproute2's ip and nftables'
# nft (ovld runs `ip -batch` and `nft -f` for router zones), every shared
# library these link as ldd lists them (the dynamic loader included), at
# the paths ldd gives, and examples/kubernetes/entrypoint.sh as
# /usr/local/bin/ovl-entrypoint. busybox gets no `ip` applet link: its sh
# would prefer it, so the entrypoint calls /sbin/ip.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ctx='' ovld='' ovlctl='' build=1
plugins=() tags=()
usage() {
	echo "usage: $0 -C DIR -d OVLD -c OVLCTL [-p PLUGIN]... [-t TAG]... [-n]" >&2
	exit 2
}
while getopts C:d:c:p:t:n o; do
	case $o in
	C) ctx=$OPTARG ;;
	d) ovld=$OPTARG ;;
	c) ovlctl=$OPTARG ;;
	p) plugins+=("$OPTARG") ;;
	t) tags+=("$OPTARG") ;;
	n) build= ;;
	*) usage ;;
	esac
done
[ -n "$ctx" ] && [ -n "$ovld" ] && [ -n "$ovlctl" ] || usage
[ -n "$build" ] && [ ${#tags[@]} -eq 0 ] && usage

APPLETS=(sh cat cp mv rm mkdir chmod ln ls sleep grep sed awk kill printf echo test
	'[' env id head tail tr cut wc date mount mountpoint true false ps)
IP_BIN=$(command -v ip || echo /sbin/ip)
NFT_BIN=$(command -v nft || echo /usr/sbin/nft)
for f in /bin/busybox "$ovld" "$ovlctl" "$IP_BIN" "$NFT_BIN" "${plugins[@]}"; do
	[ -x "$f" ] || { echo "$0: no $f" >&2; exit 1; }
done

rm -rf "$ctx"
root=$ctx/rootfs
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,tmp,run,var/lib/ovl,opt/ovl/cni,host}
chmod 1777 "$root/tmp"

install -m 0755 /bin/busybox "$root/bin/busybox"
for a in "${APPLETS[@]}"; do
	ln -s busybox "$root/bin/$a"
done
install -m 0755 "$ovld" "$root/usr/sbin/ovld"
install -m 0755 "$ovlctl" "$root/usr/bin/ovlctl"
install -m 0755 "$(readlink -f "$IP_BIN")" "$root/sbin/ip"
install -m 0755 "$(readlink -f "$NFT_BIN")" "$root/usr/sbin/nft"
install -m 0755 "$top/examples/kubernetes/entrypoint.sh" "$root/usr/local/bin/ovl-entrypoint"
for p in "${plugins[@]}"; do
	if ldd "$p" >/dev/null 2>&1; then
		echo "$0: $p is dynamically linked: a plugin runs on the node, whose libraries are not the image's" >&2
		exit 1
	fi
	install -m 0755 "$p" "$root/opt/ovl/cni/$(basename "$p")"
done

# The shared libraries, at the paths the binaries look them up.
for f in "$ovld" "$ovlctl" "$IP_BIN" "$NFT_BIN"; do
	ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done | sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

# What ip, nft and libc read: names of protocols and services, the
# resolver's order (etcd endpoints may be host names), root.
for f in protocols services; do
	[ -f "/etc/$f" ] && cp "/etc/$f" "$root/etc/$f"
done
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"

cat >"$ctx/Containerfile" <<'EOF'
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.opencontainers.image.title="ovl" \
      org.opencontainers.image.description="ovld, ovlctl and the ovl CNI plugins, run as a DaemonSet"
ENTRYPOINT ["/usr/local/bin/ovl-entrypoint"]
EOF
[ -n "$build" ] || exit 0

# shellcheck disable=SC2086 # PODMAN_OPTS is a list of options
podman ${PODMAN_OPTS:-} build --pull=never --network=none -q -f "$ctx/Containerfile" \
	"${tags[@]/#/--tag=}" "$ctx" >/dev/null
# shellcheck disable=SC2086
size=$(podman ${PODMAN_OPTS:-} image inspect --format '{{.Size}}' "${tags[0]}")
echo "image ${tags[*]}: $((size / 1024 / 1024)) MiB ($size bytes), plugins: $(ls "$root/opt/ovl/cni" | tr '\n' ' ')"
