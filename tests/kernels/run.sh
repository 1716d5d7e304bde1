#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/kernels/run.sh - boot another kernel in qemu (TCG) and run the BPF
# packet tier and a two-host end-to-end test in it, against this tree's
# build.
#
#   tests/kernels/run.sh [-t SUBSTRING] [-v] [-- COMMAND...]
#
#   KERNEL=PATH    the kernel to boot: a linux-image .deb, or a bzImage
#                  (MODULES=DIR then names its lib/modules/VERSION folder;
#                  without it the image must have what it needs built in).
#                  Default: the newest linux-image-6.1.0-*-amd64-unsigned,
#                  Debian 12's own kernel, fetched with apt-get download
#                  and kept under build/kernels/.
#   COMMAND        run this in the guest instead of the tests (a shell is
#                  not interactive: the console is the log).
#
# The guest's root is the host's, read-only over 9p, with tmpfs on /run and
# /tmp: every tool and binary is the host's own. Prints PASS/FAIL lines
# prefixed with the kernel's release, then "N passed, N failed, N skipped";
# exits 0 when all passed, 4 when the kernel cannot be had (skip), 1 else.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${OUTPUT:-$top/build}
cache=$out/kernels
filter= verbose=
while getopts "t:v" opt; do
	case $opt in
	t) filter=$OPTARG ;;
	v) verbose=-v ;;
	*) sed -n '3,25s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift

skip() { echo "SKIP kernels ($*)"; exit 4; }
die() { echo "FAIL kernels ($*)"; exit 1; }

command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64: apt-get install qemu-system-x86"
busybox=$(command -v busybox) || skip "no busybox: apt-get install busybox-static"
file -L "$busybox" 2>/dev/null | grep -q "statically linked" || skip "$busybox is not static: apt-get install busybox-static"
command -v cpio >/dev/null || skip "no cpio: apt-get install cpio"

# deb_unpack DEB: unpack a linux-image package once into $cache; prints the dir.
deb_unpack() {
	local deb=$1 dir
	dir=$cache/$(basename "$deb" .deb)
	if [ ! -e "$dir/.unpacked" ]; then
		# a package carries no modules.dep: depmod makes it at install
		rm -rf "$dir" && mkdir -p "$dir" && dpkg-deb -x "$deb" "$dir" &&
			depmod -b "$dir" "$(basename "$(ls -d "$dir"/lib/modules/*)")" &&
			touch "$dir/.unpacked" || die "cannot unpack $deb"
	fi
	echo "$dir"
}

mkdir -p "$cache"
moddir=
if [ -z "${KERNEL:-}" ]; then
	pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' 2>/dev/null |
		awk '{print $1}' | sort -V | tail -n 1)
	[ -n "$pkg" ] || skip "apt knows no linux-image-6.1.0-*-amd64-unsigned (apt-get update?)"
	deb=$(ls "$cache/${pkg}"_*.deb 2>/dev/null | tail -n 1)
	if [ -z "$deb" ]; then
		(cd "$cache" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
			skip "apt-get download $pkg failed"
		deb=$(ls "$cache/${pkg}"_*.deb | tail -n 1)
	fi
	KERNEL=$deb
fi
case $KERNEL in
*.deb)
	dir=$(deb_unpack "$KERNEL") || exit 1
	vmlinuz=$(ls "$dir"/boot/vmlinuz-* | head -n 1)
	moddir=$(ls -d "$dir"/lib/modules/* | head -n 1)
	;;
*)
	vmlinuz=$KERNEL
	moddir=${MODULES:-}
	;;
esac
[ -r "$vmlinuz" ] || die "no kernel image at ${vmlinuz:-$KERNEL}"
release=$(file -bL "$vmlinuz" | sed -n 's/.*version \([^ ]*\).*/\1/p')
[ -n "$release" ] || release=$(basename "$moddir")
echo "== kernels: $release ($vmlinuz)"

# The initramfs: busybox, /init, and the modules with their dependencies,
# in load order.
want="virtio_pci 9pnet_virtio 9p veth sch_ingress cls_bpf act_bpf vxlan bridge 8021q
      ipv6 tun dummy"
run=$(mktemp -d "$cache/run.XXXXXX")
trap 'rm -rf "$run"' EXIT
ird=$run/initrd
mkdir -p "$ird"/{bin,proc,sys,dev,newroot,modules}
cp "$busybox" "$ird/bin/busybox"
cp "$here/init" "$ird/init"
chmod 0755 "$ird/init"
: >"$ird/modules.order"
if [ -n "$moddir" ]; then
	[ -r "$moddir/modules.dep" ] || die "no $moddir/modules.dep (depmod -b)"
	declare -A seen=()
	# add_mod NAME: its dependencies first (modules.dep), then itself
	add_mod() {
		local path deps d
		path=$(awk -v m="$1" -F: '{ n = $1; sub(/.*\//, "", n); sub(/\.ko.*$/, "", n);
			gsub(/-/, "_", n) } n == m { print; exit }' "$moddir/modules.dep")
		[ -n "$path" ] || return 0 # built in, or not in this kernel
		deps=${path#*:}
		path=${path%%:*}
		[ -n "${seen[$path]:-}" ] && return 0
		seen[$path]=1
		for d in $deps; do
			d=${d##*/}
			d=${d%%.ko*}
			add_mod "${d//-/_}"
		done
		[ -r "$moddir/$path" ] || die "no $moddir/$path"
		cp "$moddir/$path" "$ird/modules/"
		basename "$path" >>"$ird/modules.order"
	}
	for m in $want; do add_mod "$m"; done
fi
(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) >"$run/initrd.gz" || die "cannot pack the initramfs"

# The job: what the guest runs as its init, once the host's root is mounted.
res=$run/results
mkdir -p "$res"
{
	echo "#!/bin/bash"
	echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root CI=${CI:-}"
	printf 'exec >%q 2>&1\n' "$res/out.log"
	echo "ln -sf /proc/self/fd /dev/fd; ln -sf /proc/self/fd/0 /dev/stdin; ln -sf /proc/self/fd/1 /dev/stdout; ln -sf /proc/self/fd/2 /dev/stderr"
	echo "mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm"
	echo "mount -t bpf bpf /sys/fs/bpf; mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null"
	echo "ip link set lo up"
	echo "cd $(printf %q "$top")"
	echo "echo \"guest: \$(uname -r)\""
	if [ $# -gt 0 ]; then
		printf '%q ' "$@"
		echo
	else
		printf 'OUTPUT=%q tests/run.sh %s %s bpf\n' "$out" "$verbose" "${filter:+-t $(printf %q "$filter")}"
		printf 'OUTPUT=%q tests/run.sh %s -t %q e2e\n' "$out" "$verbose" "${filter:-kernel_}"
	fi
	echo "echo \"__rc=\$?\""
	echo "sync; echo o >/proc/sysrq-trigger; sleep 10"
} >"$res/job.sh"

timeout ${KERNEL_TIMEOUT:-1800} qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 2048 \
	-nographic -no-reboot -monitor none -serial stdio -nic none \
	-kernel "$vmlinuz" -initrd "$run/initrd.gz" \
	-append "console=ttyS0 panic=-1 quiet ovl.results=$res" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	-virtfs "local,path=$res,mount_tag=results,security_model=none" \
	</dev/null >"$run/console.log" 2>&1
qrc=$?
cat "$run/console.log" >"$cache/console-$release.log"
if ! grep -q '^__rc=' "$res/out.log" 2>/dev/null; then
	tail -n 40 "$run/console.log" "$res/out.log" 2>/dev/null | sed 's/^/  | /'
	die "the guest ($release) did not finish (qemu status $qrc); console in $cache/console-$release.log"
fi
grep -v '^__rc=' "$res/out.log"
