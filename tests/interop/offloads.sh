#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Offloads through the encapsulation. A large TCP transfer keeps GSO: ovl
# encapsulates super-packets (counter encap_gso, and their average size is
# well above the MTU) and the kernel segments them after the outer headers
# are on. Then GSO and TSO are switched off on every interface of every
# namespace and the same transfers still work, now packet by packet.
#
#   c1 -- h1 --+-- switch --+-- h2 -- c2      (IPv4 underlay)
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init

topo_switch
topo_host h1 1
topo_host h2 2
topo_hosts_json "$TOPO_DIR/hosts.json" "02:00:00:00:64:01 10.1.0.1 arp=10.64.0.1 ndp=fd64::1" \
	"02:00:00:00:64:02 10.1.0.2 arp=10.64.0.2 ndp=fd64::2"
for i in 1 2; do
	topo_ovld "h$i"
	topo_files_overlay "h$i" overlay0 64 "$TOPO_DIR/hosts.json"
	topo_vnic "h$i" "c$i" overlay0 "02:00:00:00:64:0$i" "10.64.0.$i/24" "fd64::$i/64"
done

# transfer NAME: TCP both ways, IPv4 and IPv6 inside; prints Gbit/s.
transfer() {
	local what=$1 port=5301 dir rate
	for dir in "c1 c2 10.64.0.2" "c2 c1 10.64.0.1" "c1 c2 fd64::2"; do
		set -- $dir
		in_ns "$2" iperf3 -s -1 -D -p $port >/dev/null
		sleep 0.3
		in_ns "$1" timeout 30 iperf3 -c "$3" -p $port -t 2 >"$TOPO_DIR/t.txt" ||
			fail "$what: TCP $1 -> $3 failed"
		rate=$(awk '/receiver/ {print $(NF-2), $(NF-1)}' "$TOPO_DIR/t.txt")
		info "$what: $1 -> $3: $rate"
		port=$((port + 1))
	done
}

pk0=$(stat_of h1 encap_gso)
transfer "offloads on"
pk=$(($(stat_of h1 encap_gso) - pk0))
by=$(ovlctl_on h1 -j stats | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["counters"]["encap_gso"]["bytes"])')
[ "$pk" -gt 100 ] || fail "only $pk GSO packets encapsulated: GSO was lost"
avg=$((by / $(stat_of h1 encap_gso)))
[ "$avg" -gt 3000 ] || fail "encapsulated GSO packets average $avg bytes: not super-packets"
info "offloads on: $pk GSO packets encapsulated, $avg bytes on average"

# Every interface of every namespace of the test: no GSO, no TSO.
for n in sw h1 h2 c1 c2; do
	for dev in $(ip -n "$(ns_name $n)" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
		[ "$dev" = lo ] && continue
		in_ns "$n" ethtool -K "$dev" gso off tso off 2>/dev/null || true
		in_ns "$n" ethtool -k "$dev" | grep -qE '^(generic|tcp)-segmentation-offload: on$' &&
			fail "$n/$dev still segments: $(in_ns "$n" ethtool -k "$dev" | grep segmentation-offload)"
	done
done
before=$(stat_of h1 encap_gso)
transfer "offloads off"
[ "$(stat_of h1 encap_gso)" = "$before" ] || fail "GSO packets with GSO off everywhere"
