#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Regenerate vmlinux-btf/ARCH/vmlinux.h from a kernel's BTF.
#   vmlinux-btf/gen.sh [ARCH]     (VMLINUX_BTF=path overrides /sys/kernel/btf/vmlinux)
set -eu
arch=${1:-x86}
btf=${VMLINUX_BTF:-/sys/kernel/btf/vmlinux}
dir=$(dirname "$0")/$arch
mkdir -p "$dir"
bpftool btf dump file "$btf" format c >"$dir/vmlinux.h.tmp"
mv "$dir/vmlinux.h.tmp" "$dir/vmlinux.h"
echo "wrote $dir/vmlinux.h from $btf ($(uname -r) if it is the running kernel)"
