#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/kernels/run.sh - boot another kernel in qemu (TCG) and run, in it,
# the BPF packet tier and the end-to-end tests named kernel_* against this
# tree's build (make all first).
#
#   tests/kernels/run.sh [-h] [-v] [-t SUBSTRING] [-- COMMAND...]
#
#   -t SUBSTRING   only the tests whose name contains it (BPF tests, and
#                  tests/e2e/kernel_*.sh); no boot when none does
#   -v             the output of passing tests too
#   -h             this help
#   COMMAND        run this in the guest instead, as root in the tree's top
#                  folder, print its output and exit with its status, e.g.
#                  -- tests/run.sh -t vlan e2e
#
#   KERNEL=PATH    the kernel to boot: a linux-image .deb, or a bzImage
#                  (then MODULES=DIR names its lib/modules/RELEASE folder,
#                  with modules.dep; without it the image must have 9p,
#                  virtio and the network drivers built in). Default: the
#                  newest linux-image-6.1.0-*-amd64-unsigned, Debian 12's
#                  own kernel, fetched with apt-get download.
#   KERNEL_TIMEOUT=S  power the guest off after S seconds (600): a FAIL
#   OUTPUT=DIR     the build folder (build); images, unpacked packages and
#                  logs go to DIR/kernels
#   CI=true        a skipped test is a failure, as in tests/run.sh
#
# The guest's root is the host's, read-only over 9p, with tmpfs on /run,
# /tmp and /root: every tool and binary is the host's own. It prints
# "== kernels: RELEASE (IMAGE)", the guest's PASS/FAIL/SKIP lines as
# RELEASE/NAME, then "N passed, N failed, N skipped". The serial console is
# kept in DIR/kernels/console-RELEASE.log, the guest's output in
# DIR/kernels/guest-RELEASE.log. Exits 0 when all passed, 1 on a failure
# (or a skip with CI=true), 4 when qemu or the kernel cannot be had (skip),
# 2 on a usage error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${OUTPUT:-$top/build}
case $out in /*) ;; *) out=$top/$out ;; esac
cache=$out/kernels
filter='' verbose=''

usage() {
	awk 'NR > 3 && !/^#/ { exit } NR > 3 { sub(/^# ?/, ""); print }' "$0"
}
while getopts "ht:v" opt; do
	case $opt in
	h) usage; exit 0 ;;
	t) filter=$OPTARG ;;
	v) verbose=-v ;;
	*) echo "usage: $0 [-h] [-v] [-t SUBSTRING] [-- COMMAND...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
timeout_s=${KERNEL_TIMEOUT:-600}
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || { echo "KERNEL_TIMEOUT=$timeout_s: not a number of seconds" >&2; exit 2; }

skip() { echo "SKIP kernels ($*)"; exit 4; }
die() { echo "FAIL kernels ($*)"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root"
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64: apt-get install qemu-system-x86"
busybox=$(command -v busybox) || skip "no busybox: apt-get install busybox-static"
file -L "$busybox" 2>/dev/null | grep -q "statically linked" ||
	skip "$busybox is not static: apt-get install busybox-static"
for t in cpio depmod dpkg-deb; do
	command -v $t >/dev/null || skip "no $t: apt-get install cpio kmod dpkg"
done
if [ ! -x "$out/ovld" ] || [ ! -x "$out/tests/test_bpf" ]; then
	die "no $out/ovld or $out/tests/test_bpf: run make first"
fi

# What to run: with -t, the BPF tests and kernel_ e2e tests it names.
e2e=()
for t in "$top"/tests/e2e/kernel_*.sh; do
	[ -e "$t" ] || continue
	t=e2e/$(basename "$t" .sh)
	[ -z "$filter" ] || [[ $t == *"$filter"* ]] && e2e+=("$t")
done
if [ $# = 0 ] && [ -n "$filter" ] && [ ${#e2e[@]} = 0 ] &&
	[ -z "$("$out/tests/test_bpf" -l -t "$filter" 2>/dev/null)" ]; then
	echo "== kernels: no test matches '$filter', nothing booted"
	echo "0 passed, 0 failed, 0 skipped"
	exit 0
fi

mkdir -p "$cache" || die "cannot make $cache"
# One fetch and unpack at a time (two runs of one tree share the cache).
exec 9>"$cache/.lock"
flock 9

# deb_unpack DEB: unpack a linux-image package once, into $cache/NAME;
# sets vmlinuz and moddir.
deb_unpack() {
	local deb=$1 dir
	dir=$cache/$(basename "$deb" .deb)
	if [ ! -e "$dir/.unpacked" ]; then
		# a package carries no modules.dep: depmod makes it at install
		rm -rf "$dir" && mkdir -p "$dir" && dpkg-deb -x "$deb" "$dir" &&
			depmod -b "$dir" "$(basename "$(ls -d "$dir"/lib/modules/*)")" &&
			touch "$dir/.unpacked" || die "cannot unpack $deb"
	fi
	vmlinuz=$(ls "$dir"/boot/vmlinuz-* 2>/dev/null | head -n 1)
	moddir=$(ls -d "$dir"/lib/modules/* 2>/dev/null | head -n 1)
	[ -n "$vmlinuz" ] || die "$deb has no boot/vmlinuz-*: not a linux-image package"
}

# fetch_default: the newest linux-image-6.1.0-*-amd64-unsigned that apt
# knows, downloaded once (older ones are removed), or else the newest in
# the cache; sets KERNEL.
fetch_default() {
	local pkg deb old err
	pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' 2>/dev/null |
		awk '{print $1}' | sort -V | tail -n 1)
	if [ -n "$pkg" ]; then
		deb=$(ls "$cache/${pkg}"_*.deb 2>/dev/null | sort -V | tail -n 1)
		if [ -z "$deb" ]; then
			echo "== kernels: fetching $pkg (apt-get download)"
			if err=$(cd "$cache" && apt-get download -q "$pkg" 2>&1); then
				deb=$(ls "$cache/${pkg}"_*.deb 2>/dev/null | sort -V | tail -n 1)
				for old in "$cache"/linux-image-6.1.0-*-amd64-unsigned_*.deb; do
					[ "$old" = "$deb" ] || rm -rf "$old" "${old%.deb}"
				done
			else
				echo "$err" | tail -n 3 | sed 's/^/  | /'
			fi
		fi
	fi
	if [ -z "${deb:-}" ]; then
		deb=$(ls "$cache"/linux-image-6.1.0-*-amd64-unsigned_*.deb 2>/dev/null | sort -V | tail -n 1)
		[ -n "$deb" ] || [ -z "$pkg" ] || skip "apt-get download $pkg failed"
		[ -n "$deb" ] ||
			skip "apt knows no linux-image-6.1.0-*-amd64-unsigned (apt-get update?) and $cache has none"
		echo "== kernels: apt cannot give a newer one; using $(basename "$deb")"
	fi
	KERNEL=$deb
}

moddir=''
[ -n "${KERNEL:-}" ] || fetch_default
case $KERNEL in
*.deb)
	[ -r "$KERNEL" ] || die "KERNEL=$KERNEL: no such file"
	deb_unpack "$KERNEL"
	;;
*)
	vmlinuz=$KERNEL
	moddir=${MODULES:-}
	[ -r "$vmlinuz" ] || die "KERNEL=$KERNEL: no such file"
	[ -z "$moddir" ] || [ -r "$moddir/modules.dep" ] ||
		die "MODULES=$moddir: no modules.dep there (depmod -b ROOT RELEASE makes it)"
	;;
esac
flock -u 9
release=$(file -bL "$vmlinuz" | sed -n 's/.*version \([^ ]*\).*/\1/p')
[ -n "$release" ] || release=$(basename "${moddir:-unknown}")
echo "== kernels: $release ($vmlinuz)"

run=$(mktemp -d "$cache/run.XXXXXX") || die "cannot make a folder in $cache"
qpid=''
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null
	rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The initramfs: busybox, /init, and the modules with their dependencies,
# in load order.
want="virtio_pci 9pnet_virtio 9p veth sch_ingress cls_bpf act_bpf vxlan bridge 8021q
      ipv6 tun dummy"
ird=$run/initrd
mkdir -p "$ird"/{bin,proc,sys,dev,newroot,modules}
cp "$busybox" "$ird/bin/busybox"
cp "$here/init" "$ird/init"
chmod 0755 "$ird/init"
: >"$ird/modules.order"
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
if [ -n "$moddir" ]; then
	for m in $want; do add_mod "$m"; done
fi
(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) >"$run/initrd.gz" ||
	die "cannot pack the initramfs"

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
	printf 'cd %q\n' "$top"
	if [ $# -gt 0 ]; then
		printf '%q ' "$@"
		echo
	else
		printf 'OUTPUT=%q tests/run.sh %s %s bpf\n' "$out" "$verbose" "${filter:+-t $(printf %q "$filter")}"
		if [ -z "$filter" ]; then
			printf 'OUTPUT=%q tests/run.sh %s -t e2e/kernel_ e2e\n' "$out" "$verbose"
		else
			for t in "${e2e[@]}"; do
				printf 'OUTPUT=%q tests/run.sh %s -t %q e2e\n' "$out" "$verbose" "$t"
			done
		fi
	fi
	echo "echo \"__rc=\$?\""
	echo "sync; echo o >/proc/sysrq-trigger; sleep 10"
} >"$res/job.sh"

console=$cache/console-$release.log
guestlog=$cache/guest-$release.log
# The tree and the build folder are shared on their own as well, mounted
# over the tmpfs the guest puts on /tmp, /run, /var/tmp and /root (CI may
# clone the tree under /tmp). The kernel command line splits at spaces.
case "$top$out" in *[[:space:]]*) die "the tree's path ($top, $out) has a space: the guest cannot be told it" ;; esac
shares=(-virtfs "local,path=$top,mount_tag=top,security_model=none,readonly=on,multidevs=remap")
case $out/ in
"$top"/*) ;;
*) shares+=(-virtfs "local,path=$out,mount_tag=out,security_model=none,readonly=on,multidevs=remap") ;;
esac
start=$SECONDS
timeout -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 2048 \
	-nographic -no-reboot -monitor none -serial stdio -nic none \
	-kernel "$vmlinuz" -initrd "$run/initrd.gz" \
	-append "console=ttyS0 panic=-1 quiet ovl.results=$res ovl.top=$top ovl.out=$out" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	"${shares[@]}" \
	-virtfs "local,path=$res,mount_tag=results,security_model=none" \
	</dev/null >"$console" 2>&1 &
qpid=$!

# Relay the guest's output while it runs: its PASS/FAIL/SKIP lines as
# RELEASE/NAME, counted here; its tiers' own summaries are dropped.
rc=''
# shellcheck source=tests/lib/tally.sh
. "$top/tests/lib/tally.sh"
while IFS= read -r line; do
	if [ $# -gt 0 ]; then
		case $line in
		__rc=*) rc=${line#__rc=} ;;
		*) echo "$line" ;;
		esac
		continue
	fi
	case $line in
	PASS\ * | FAIL\ * | SKIP\ *)
		line="${line%% *} $release/${line#* }"
		echo "$line"
		count_line "$line"
		;;
	==\ *) echo "== $release: ${line#== }" ;;
	*\ passed,\ *\ failed,\ *\ skipped | failed:\ * | CI=true:\ *) ;;
	__rc=*) rc=${line#__rc=} ;;
	*) echo "$line" ;;
	esac
done < <(tail -s 0.2 -n +1 -F --pid="$qpid" "$res/out.log" 2>/dev/null)
wait "$qpid"
qrc=$?
qpid=''
elapsed=$((SECONDS - start))
cp "$res/out.log" "$guestlog" 2>/dev/null || : >"$guestlog"
grep -a '^ovl-guest:' "$console" | sed 's/^/# /'
if [ -z "$rc" ]; then
	# the console less its terminal escapes
	sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' "$console" | tail -n 20 | sed 's/^/  | /'
	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		why="no end after $timeout_s s (KERNEL_TIMEOUT): killed"
	else
		why="it stopped before the end of its job (qemu status $qrc)"
	fi
	line="FAIL $release/guest ($why; console in $console)"
	echo "$line"
	count_line "$line"
fi
if [ $# -gt 0 ]; then
	echo "== kernels: $release: exit ${rc:-none} after $elapsed s"
	[ -n "$rc" ] || exit 1
	exit "$rc"
fi
echo "== kernels: $release: guest ran $elapsed s; logs $console, $guestlog"
tally_end
