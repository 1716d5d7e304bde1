#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Four hosts on one etcd: each ovld publishes its VNIC and learns the
# others' from etcd alone (no hosts.json).
#
#   h1..h4 (10.1.0.1-4), ovld each, overlay0 (VNI 23, etcd backend,
#   lease-ttl 5) -- switch -- e0 (10.1.0.100, etcd)
#   cI on hI: 02:00:00:00:23:0I, 10.23.0.I/24, fd23::I/64 (vnic create --ip)
#
# What it proves:
# 1. the keys: P/v1/vni/23/host/10.1.0.I:4789 (underlay, port),
#    .../mac/MAC (host, underlay, port, ips), .../ip/ADDR (mac, host) for
#    both addresses, all on one lease per host, granted with etcd/lease-ttl;
#    `overlay list` shows no error and backend.connected;
# 2. every ordered pair pings on the first try (ping -c1 -W1), IPv4 and
#    IPv6, and the maps then point at the right underlay;
# 3. a VNIC created on h4 answers c1's ping less than 1 s after `vnic
#    create` returned (c1 asks ARP every 100 ms: ovl is timed, not c1);
# 4. deleted, its MAC and address leave h1's maps, and its keys etcd, in
#    less than 1 s.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
ns_init
topo_switch
etcd_init
etcd_single
for i in 1 2 3 4; do
	etcd_vni_host "$i"
done
for i in 1 2 3 4; do
	etcd_vni_vnic "$i"
done

info "1. the keys"
for i in 1 2 3 4; do
	etcd_wait_key 5 "$(key_mac 23 "$(mac_of "$i")")"
	etcd_wait_key 5 "$(key_ip 23 "10.23.0.$i")"
	etcd_wait_key 5 "$(key_ip 23 "fd23::$i")"
	etcd_wait_key 5 "$(key_host 23 "$(hostid "$i")")"
	h=$(etcd_json "$(key_host 23 "$(hostid "$i")")" 'j["underlay"] + ":" + str(j["port"])') ||
		fail "host key of h$i"
	[ "$h" = "$(hostid "$i")" ] || fail "host key of h$i says $h"
	m=$(etcd_json "$(key_mac 23 "$(mac_of "$i")")" \
		'"%s %s:%d %s" % (j["host"], j["underlay"], j["port"], ",".join(sorted(j["ips"])))') ||
		fail "mac key of c$i"
	[ "$m" = "$(hostid "$i") $(hostid "$i") 10.23.0.$i,fd23::$i" ] || fail "mac key of c$i says $m"
	for a in "10.23.0.$i" "fd23::$i"; do
		m=$(etcd_json "$(key_ip 23 "$a")" 'j["mac"] + " " + j["host"]') || fail "ip key of $a"
		[ "$m" = "$(mac_of "$i") $(hostid "$i")" ] || fail "ip key of $a says $m"
	done
	l=$(etcd_lease "$(key_host 23 "$(hostid "$i")")") || fail "no lease of h$i's host key"
	[ -n "$l" ] && [ "$l" != 0 ] || fail "h$i's host key is on no lease"
	for k in "$(key_mac 23 "$(mac_of "$i")")" "$(key_ip 23 "10.23.0.$i")" "$(key_ip 23 "fd23::$i")"; do
		[ "$(etcd_lease "$k")" = "$l" ] || fail "$k is not on h$i's lease $l"
	done
	ectl lease timetolive "$(printf '%x' "$l")" | grep -q "granted with TTL(${ETCD_TTL}s)" ||
		fail "h$i's lease: $(ectl lease timetolive "$(printf '%x' "$l")")"
	wait_for 5 ov_connected "h$i" || fail "h$i: $(ovlctl_on "h$i" -j overlay list)"
done
info "h1: $(ov_json h1 overlay0 'json.dumps(b)')"
n=$(ectl get --prefix "$ETCD_PREFIX/v1/vni/23/" --keys-only | grep -c .) || true
[ "$n" = 16 ] || fail "$n keys under $ETCD_PREFIX/v1/vni/23/, not 16: $(ectl get --prefix "$ETCD_PREFIX" --keys-only | grep .)"

info "2. first pings, every pair"
for i in 1 2 3 4; do
	for j in 1 2 3 4; do
		[ "$i" = "$j" ] && continue
		in_ns "c$i" ping -c 1 -W 1 "10.23.0.$j" >/dev/null || fail "first ping c$i -> 10.23.0.$j lost"
		in_ns "c$i" ping -c 1 -W 1 "fd23::$j" >/dev/null || fail "first ping c$i -> fd23::$j lost"
	done
done
for j in 2 3 4; do
	[ "$(map_underlay h1 "$(mac_of "$j")")" = "$(hostid "$j")" ] ||
		fail "h1's map: $(mac_of "$j") -> $(map_underlay h1 "$(mac_of "$j")")"
done

info "3. a new VNIC on h4, pinged from c1"
M5=$(mac_of 5)
ns_add c5
fast_neigh c1
etcd_vnic h4 c5 overlay0 "$M5" 10.23.0.5/24 fd23::5/64
dt=$(time_until 3 _ping1 c1 10.23.0.5) || fail "c1 -> 10.23.0.5: no answer 3 s after it was created"
info "c5 answered c1 $dt ms after vnic create returned"
[ "$dt" -lt 1000 ] || fail "c5 answered c1 only $dt ms after it was created"
map_has h1 "$M5" || fail "h1's map lacks c5 after pinging it"
neigh_has h1 10.23.0.5 || fail "h1's neigh map lacks 10.23.0.5 after pinging it"

info "4. deleted"
gone() {
	map_lacks h1 "$M5" && neigh_lacks h1 10.23.0.5
}
ovlctl_on h4 vnic delete eth0 --netns "$(ns_name c5)" >/dev/null || fail "vnic delete c5 refused"
dt=$(time_until 3 gone) || fail "c5 is still in h1's maps 3 s after it was deleted"
info "c5 left h1's maps $dt ms after vnic delete returned"
[ "$dt" -lt 1000 ] || fail "c5 left h1's maps only $dt ms after it was deleted"
for k in "$(key_mac 23 "$M5")" "$(key_ip 23 10.23.0.5)" "$(key_ip 23 fd23::5)"; do
	etcd_hasnt "$k" || fail "etcd still has $k"
done
in_ns c1 ping -c 1 -W 1 10.23.0.5 >/dev/null 2>&1 && fail "c1 still reaches the deleted c5"
in_ns c1 ping -c 1 -W 1 10.23.0.4 >/dev/null || fail "c1 -> c4 lost after c5 went"
exit 0
