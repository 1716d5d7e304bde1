#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# scripts/deps.sh - the Debian packages ovl builds and tests with.
#
#   scripts/deps.sh          install the missing ones (root); nothing if all are there
#   scripts/deps.sh --list   print the package names, one line
#   scripts/deps.sh --check  exit 1 and name the missing ones
set -eu

PKGS=(
	# build
	make gcc clang llvm pkg-config libbpf-dev bpftool libelf-dev zlib1g-dev
	libjansson-dev libnl-3-dev libnl-route-3-dev
	# lib/etcd.c speaks to etcd's gateway with libcurl; its test runs real
	# etcd members (TLS certificates made with openssl)
	libcurl4-openssl-dev etcd-server etcd-client openssl
	# the fuzz tier and make fuzz: libFuzzer and the sanitizers' runtimes
	# for clang 14; make fuzz-cov: llvm-profdata-14, llvm-cov-14
	libclang-rt-14-dev llvm-14
	# lint (python3-yaml: examples/kubernetes/*.yaml, also read by its test)
	clang-format clang-tidy cppcheck shellcheck python3-yaml
	# lint: systemd-analyze verify of systemd/ovld@.service.in
	systemd
	# tests: namespaces, traffic, captures, real peers
	iproute2 iputils-ping procps psmisc ethtool tcpdump tshark iperf3 ndisc6 arping
	dnsmasq-base udhcpc busybox-static python3
	# crash points for the reconcile test (strace kills ovld at a syscall)
	strace
	# tests of the CNI plugin: reference plugins (host-local, portmap,
	# bandwidth), portmap's iptables, and a real runtime
	containernetworking-plugins iptables podman runc
	# a second runtime: containerd 1.6 and its ctr (`ctr run --cni`)
	containerd
	# ovld's router zones: their NAT and published ports (nft)
	nftables
	# other kernels (make test-kernels): qemu boots Debian's own kernel
	# package; its modules get their modules.dep from depmod
	qemu-system-x86 cpio kmod
	# make deb (dpkg-buildpackage, dh) and its check; tests/e2e/deb_install.sh
	debhelper dpkg-dev lintian
	# make bench: request/response rate, the chart
	sockperf gnuplot-nox
	# ovld --metrics: its test scrapes it with a real Prometheus server and
	# checks the exposition with promtool
	prometheus
)

missing() {
	local p
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			echo "$p"
	done
}

case ${1:-} in
--list)
	echo "${PKGS[@]}"
	exit 0
	;;
--check)
	m=$(missing)
	[ -z "$m" ] && exit 0
	echo "missing Debian packages:" $m >&2
	exit 1
	;;
"") ;;
*)
	echo "usage: $0 [--list|--check]" >&2
	exit 2
	;;
esac

m=$(missing)
[ -z "$m" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "missing Debian packages:" $m >&2
	echo "install them as root: apt-get install -y" $m >&2
	exit 1
fi
echo "installing:" $m
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # word splitting of the package list is wanted
apt-get install -y -q $m || { apt-get update -q && apt-get install -y -q $m; }
