#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# examples/demo.sh - the seed's three-host scenario (illumos overlay
# development preview 2), run for real on one machine: hosts zlan, zlan2 and
# zlan3 are network namespaces on a simulated underlay switch, each runs
# ovld, all share one hosts.json for overlay0 (VNI 23), and the VNICs foo0,
# bar0 and baz0 carry the seed's MACs and IPv6 addresses. Every host pings
# every other over IPv4 and IPv6; the counters are printed; everything is
# removed again. Run as root after `make` (or use `make demo`).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
export OVL_TOP=${OVL_TOP:-$(dirname "$here")}
export OVL_BUILD=${OVL_BUILD:-$OVL_TOP/build}
# shellcheck source=../tests/lib/netns.sh
. "$OVL_TOP/tests/lib/netns.sh"
# shellcheck source=../tests/lib/topo.sh
. "$OVL_TOP/tests/lib/topo.sh"

[ -x "$OVLD" ] && [ -x "$OVLCTL" ] || fail "build first: make"
ns_init
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
run() {
	printf '  %s# %s\n' "$1" "${*:2}"
	in_ns "$1" "${@:2}"
}

say "Underlay: switch and three hosts (run $RUN)"
topo_switch
hosts=(zlan zlan2 zlan3)
vnics=(foo0 bar0 baz0)
for i in 0 1 2; do
	topo_host "${hosts[$i]}" $((i + 1))
	echo "  ${hosts[$i]}: underlay 10.1.0.$((i + 1))"
done

# The seed's hosts.json, with addresses filled in (the published copy had
# them elided): the MAC of each VNIC, where it lives, what it answers for.
cp "$OVL_TOP/examples/hosts.json" "$TOPO_DIR/hosts.json"
say "hosts.json (shared by the three hosts)"
sed 's/^/  /' "$TOPO_DIR/hosts.json"

say "On each host: ovld, then the seed's dladm commands as ovlctl"
for i in 0 1 2; do
	h=${hosts[$i]}
	topo_ovld "$h"
	echo "  $h# ovlctl overlay create overlay0 -v 23 -e vxlan -s files" \
		"-p vxlan/listen_ip=10.1.0.$((i + 1)) -p files/config=hosts.json"
	ovlctl_on "$h" overlay create overlay0 -v 23 -e vxlan -s files \
		-p "vxlan/listen_ip=10.1.0.$((i + 1))" -p "files/config=$TOPO_DIR/hosts.json" >/dev/null
	echo "  $h# ovlctl vnic create ${vnics[$i]} -m de:ad:be:ef:00:0$i -l overlay0"
	ovlctl_on "$h" vnic create "${vnics[$i]}" -m "de:ad:be:ef:00:0$i" -l overlay0 >/dev/null
	run "$h" ip addr add "10.23.0.$((i + 1))/24" dev "${vnics[$i]}"
	run "$h" ip addr add "fe80::$((i + 3))/64" dev "${vnics[$i]}" nodad
done

say "Every host pings every other (the first ping of each pair resolves through ovld)"
failed=0
for i in 0 1 2; do
	for j in 0 1 2; do
		[ "$i" = "$j" ] && continue
		for dst in "10.23.0.$((j + 1))" "fe80::$((j + 3))%${vnics[$i]}"; do
			if out=$(in_ns "${hosts[$i]}" ping -c 2 -i 0.2 -W 2 "$dst" 2>&1); then
				printf '  %-6s -> %-16s %s\n' "${hosts[$i]}" "$dst" \
					"$(echo "$out" | grep -o '[0-9]* received.*loss')"
			else
				printf '  %-6s -> %-16s FAILED\n' "${hosts[$i]}" "$dst"
				failed=1
			fi
		done
	done
done

say "Counters on zlan (ovlctl stats)"
ovlctl_on zlan stats | sed 's/^/  /'
say "Entries zlan learned on the way (ovlctl map list, ovlctl neigh list)"
ovlctl_on zlan map list | sed 's/^/  /'
ovlctl_on zlan neigh list | sed 's/^/  /'

say "Cleaning up"
[ "$failed" = 0 ] || fail "some pings failed"
echo "  demo done: all pings answered"
