#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/fuzz/mutants.sh [-k] [-n FRAMES] - the packet fuzzer can fail.
#
# For each rule below, a copy of the tree (in a temporary directory, never
# this one) loses that rule from bpf/, is built, and its pktfuzz runs on
# fixed seeds (FRAMES each, 30000 unless -n, --keep-going): it must FAIL,
# and its report must name the drop the rule makes (or the counter of
# what it should have done); the differences it counted are shown (what
# should have been dropped and what the mutant did with it). The rules are
# the fixes of issue 9 that the fuzzer guards (an IPv6 extension header
# hiding neighbour discovery, 802.1Q/802.1ad tags, a rogue DHCP server), a
# few more of link protection and decapsulation, ABI 3's local entries
# of ovl_fdb and ABI 4's own addresses of an iface entry.
# A rule whose text is no longer found is a FAIL too: the mutant would test
# nothing.
#
# Prints PASS/FAIL per mutant and "N passed, N failed"; exit 1 on any
# FAIL, 4 when it cannot run here (not root). -k keeps the temporary tree.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
frames=30000
keep=0
while getopts kn: opt; do
	case $opt in
	k) keep=1 ;;
	n) frames=$OPTARG ;;
	*)
		echo "usage: $0 [-k] [-n FRAMES]" >&2
		exit 2
		;;
	esac
done
if [ "$(id -u)" != 0 ]; then
	echo "SKIP mutants (needs root for BPF_PROG_TEST_RUN)"
	exit 4
fi

tmp=$(mktemp -d /tmp/ovl-mutants.XXXXXX)
cleanup() {
	if [ "$keep" = 1 ]; then
		echo "# kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

# The tree as it is (tracked and new files, no build output).
mkdir -p "$tmp/tree"
git -C "$top" ls-files -co --exclude-standard -z |
	tar -C "$top" --null -T - -cf - | tar -C "$tmp/tree" -xf -

# mutant NAME FILE WANT OLD NEW: FILE with the one OLD replaced by NEW;
# pktfuzz must fail and its report mention WANT.
passed=0
failed=0
mutant() {
	local name=$1 file=$2 want=$3 old=$4 new=$5 out="$tmp/$1.out" seed rc t0
	local f="$tmp/tree/$file"

	cp "$f" "$f.orig"
	if ! python3 - "$f" "$old" "$new" <<'EOF'; then
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
if text.count(old) != 1:
    sys.exit(1)
open(path, "w").write(text.replace(old, new))
EOF
		echo "FAIL mutant_$name (the rule's text is not in $file once: update $0)"
		failed=$((failed + 1))
		mv "$f.orig" "$f"
		touch "$f"
		return
	fi
	t0=$(date +%s)
	if ! make -s -C "$tmp/tree" OUTPUT=build build/tests/fuzz/pktfuzz >"$out.build" 2>&1; then
		echo "FAIL mutant_$name (the mutant does not build: $out.build)"
		failed=$((failed + 1))
		mv "$f.orig" "$f"
		touch "$f"
		return
	fi
	rc=0
	for seed in 1 2 3 4 5; do
		rc=0
		"$tmp/tree/build/tests/fuzz/pktfuzz" --seed "$seed" --frames "$frames" --keep-going \
			>"$out" 2>&1 || rc=$?
		[ "$rc" = 0 ] || break
	done
	mv "$f.orig" "$f"
	touch "$f" # newer than the mutant's objects: the next build redoes them
	if [ "$rc" = 1 ] && grep -q '^pktfuzz: FAIL' "$out" && grep -q -- "$want" "$out"; then
		echo "PASS mutant_$name ($(head -n 1 "$out" | sed 's/^pktfuzz: //'); $(grep -m 1 '^expected:' "$out"); $(grep -m 1 '^actual:' "$out" | tr -s ' '); $(($(date +%s) - t0)) s)"
		sed -n '/^pktfuzz: FAIL seed [0-9]*: /,$s/^/  # /p' "$out"
		passed=$((passed + 1))
	else
		echo "FAIL mutant_$name (pktfuzz exit $rc on a build without the rule; want a report naming $want)"
		sed -n '1,20p' "$out"
		failed=$((failed + 1))
	fi
}

# Issue 9 item 4 (f59fc5a): neighbour discovery behind an extension header.
mutant nd_exthdr bpf/ovl_tc.bpf.c drop_spoof_nd \
	'if (ch->proto == IPPROTO_ICMPV6 && ch->nhdrs) {' \
	'if (0 && ch->proto == IPPROTO_ICMPV6 && ch->nhdrs) {'
# Issue 9 item 3 (f3dd216): 802.1Q/802.1ad tags from an endpoint.
mutant vlan bpf/ovl_tc.bpf.c drop_vlan \
	'if (skb->vlan_present || eth->h_proto == bpf_htons(ETH_P_8021Q) ||' \
	'if (0 && skb->vlan_present && eth->h_proto == bpf_htons(ETH_P_8021Q) &&'
# Issue 9 item 5 (c7f8803): DHCP server replies from anyone.
mutant dhcp_server bpf/ovl_tc.bpf.c drop_dhcp_server \
	'if (dhcp.to_client && !(ifc->flags & IF_MAY_SERVE_DHCP))' \
	'if (0 && dhcp.to_client && !(ifc->flags & IF_MAY_SERVE_DHCP))'
# Router advertisements and redirects from an endpoint not the router.
mutant ra bpf/lib/ndp.h drop_spoof_nd \
	'if (nd->type == 134 || nd->type == 137)' \
	'if (0 && (nd->type == 134 || nd->type == 137))'
# A strict overlay takes VXLAN from any underlay host.
mutant strict_peers bpf/lib/rx.h drop_peer_unknown \
	'if ((v->flags & OVL_VNI_F_STRICT_SRC) && !p) {' \
	'if (0 && (v->flags & OVL_VNI_F_STRICT_SRC) && !p) {'
# ABI 3 (257c874): a local endpoint's ovl_fdb entry taken for a remote VTEP.
mutant fdb_local bpf/ovl_tc.bpf.c tx_local \
	'if (d && d->family == OVL_AF_LOCAL)' \
	'if (0 && d && d->family == OVL_AF_LOCAL)'
# ABI 4: the endpoint's own IPv4 address in its iface entry, not looked up.
mutant own_addr bpf/lib/verdict.h drop_spoof_ip \
	'if (a && a == ifc->ip4)' \
	'if (0 && a && a == ifc->ip4)'

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
