#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The seed's DHCP proxy with real peers: dnsmasq serves DHCP on a VNIC of
# host h1; a VNIC on host h2 whose hosts.json entry has "dhcp-proxy" set to
# the server's MAC gets its lease with a real client (busybox udhcpc), its
# broadcasts rewritten to the server by ovl (there is no broadcast across
# the overlay), at the first DISCOVER (the first OFFER, which ovld delivers
# after a miss, has a checksum the client accepts), then pings the server
# at the address it got. As the seed
# says, the address must be the one the files entry gives for ARP.
#
#   cs (dnsmasq, 10.23.0.1) -- h1 --+-- switch --+-- h2 -- cc (udhcpc)
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
command -v dnsmasq >/dev/null || skip "dnsmasq not installed"
need_udhcpc

topo_switch
topo_host h1 1
topo_host h2 2
topo_hosts_json "$TOPO_DIR/hosts.json" "02:00:00:00:67:01 10.1.0.1 arp=10.23.0.1" \
	"02:00:00:00:67:02 10.1.0.2 arp=10.23.0.2 dhcp-proxy=02:00:00:00:67:01"
for h in h1 h2; do
	topo_ovld "$h"
	topo_files_overlay "$h" overlay0 67 "$TOPO_DIR/hosts.json"
done
topo_vnic h1 cs overlay0 02:00:00:00:67:01 10.23.0.1/24
topo_vnic h2 cc overlay0 02:00:00:00:67:02
ovlctl_on h2 -j vnic list | grep -q '"dhcp_proxy": "02:00:00:00:67:01"' ||
	fail "ovld did not take the dhcp-proxy of hosts.json"

# No DHCP client may touch the host's resolv.conf (ip netns exec binds
# /etc/netns/NS/* over /etc): give both namespaces their own.
ns_resolv cs cc

topo_dnsmasq cs --dhcp-host=02:00:00:00:67:02,10.23.0.2

# The client's script sets the address and nothing else.
cat >"$TOPO_DIR/udhcpc.sh" <<'EOF2'
#!/bin/sh
case "$1" in
bound | renew) ip addr add "$ip/${mask:-24}" dev "$interface" ;;
esac
exit 0
EOF2
chmod +x "$TOPO_DIR/udhcpc.sh"
in_ns cc "${UDHCPC[@]}" -i eth0 -n -q -f -t 5 -T 2 -s "$TOPO_DIR/udhcpc.sh" \
	>"$TOPO_DIR/udhcpc.log" 2>&1 || {
	cat "$TOPO_DIR/udhcpc.log" "$TOPO_DIR/dnsmasq.log" >&2
	fail "udhcpc got no lease"
}
in_ns cc ip -4 addr show dev eth0 | grep -q "inet 10.23.0.2/24" ||
	fail "the client did not get 10.23.0.2: $(in_ns cc ip -4 addr show dev eth0)"
grep -q "DHCPACK(eth0) 10.23.0.2 02:00:00:00:67:02" "$TOPO_DIR/dnsmasq.log" ||
	fail "dnsmasq did not acknowledge the lease"
[ "$(stat_of h2 dhcp_proxy)" -ge 2 ] || fail "h2 proxied $(stat_of h2 dhcp_proxy) DHCP broadcasts, want discover and request"
# The OFFER is the first frame toward the client's MAC on h1: ovld sends it
# on itself, its UDP checksum finished (dnsmasq's socket left it to the
# veth). A checksum the client refuses costs a second DISCOVER, 2 s later.
n=$(grep -c "DHCPOFFER(eth0) 10.23.0.2" "$TOPO_DIR/dnsmasq.log" || true)
d=$(grep -c "broadcasting discover" "$TOPO_DIR/udhcpc.log" || true)
[ "$d" = 1 ] && [ "$n" = 1 ] ||
	fail "the client sent $d DISCOVERs and the server $n OFFERs, want 1 and 1 (the first OFFER was refused): $(cat "$TOPO_DIR/udhcpc.log")"
ovlctl_on h1 -j status | grep -q '"delivered": [1-9]' ||
	fail "the OFFER did not go through ovld on h1: the test proves nothing"
in_ns cc ping -c 2 -i 0.2 -W 2 10.23.0.1 >/dev/null || fail "the client cannot ping the server"
info "lease: $(cat "$TOPO_DIR/leases")"
