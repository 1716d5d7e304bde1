#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Neighbour discovery hidden behind an IPv6 extension header does not get
# past link protection.
#
#   a (attacker) fd41::1 --+                          +-- v (victim) fd41::3, accept_ra=2
#                          h1 ===== switch ===== h2
#   x            fd41::2 --+
#
# v talks to x, so its neighbour cache holds x's address at x's MAC. Then
# a's root, from a packet socket, sends v
#   - neighbour advertisements "fd41::2 is at a's MAC" (Override set)
#     behind a Destination Options header, and
#   - router advertisements "I am your default router" behind a Hop-by-Hop
#     header,
# both of which ovl refuses when they come bare. The receiver skips such
# headers (six Pad1 options) and takes the message.
#
# What it proves:
# 1. v's neighbour cache still has fd41::2 at x's MAC, and v has no default
#    route (it would accept one: accept_ra=2);
# 2. h1 counts the six frames as drop_spoof_nd;
# 3. other traffic behind extension headers goes on: a UDP datagram that a's
#    kernel sends with a Destination Options header (IPV6_DSTOPTS on an
#    ordinary UDP socket) crosses the underlay with that header and is
#    received by a socket in v.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools tcpdump tshark python3

MA=02:00:00:41:00:01
MX=02:00:00:41:00:02
MV=02:00:00:41:00:03
topo_switch
topo_host h1 1
topo_host h2 2
topo_hosts_json "$TOPO_DIR/hosts.json" "$MA 10.1.0.1 ndp=fd41::1" "$MX 10.1.0.1 ndp=fd41::2" \
	"$MV 10.1.0.2 ndp=fd41::3"
# Each container's interface is eth0 (VNIC names are unique per ovld
# instance: they are created as vNAME and renamed inside).
vnic() { # vnic HOST NAME MAC ADDR
	ns_add "$2"
	ovlctl_on "$1" vnic create "v$2" -l ov41 -m "$3" --netns "$(ns_name "$2")" >/dev/null
	in_ns "$2" ip link set "v$2" name eth0
	in_ns "$2" ip link set eth0 up
	in_ns "$2" ip addr add "$4/64" dev eth0 nodad
}
for h in h1 h2; do
	topo_ovld "$h"
	topo_files_overlay "$h" ov41 41 "$TOPO_DIR/hosts.json"
done
ns_add v
in_ns v sysctl -qw net.ipv6.conf.all.forwarding=0
ovlctl_on h2 vnic create eth0 -l ov41 -m "$MV" --netns "$(ns_name v)" >/dev/null
# set before the link comes up: the victim takes router advertisements
in_ns v sysctl -qw net.ipv6.conf.eth0.accept_ra=2
in_ns v ip link set eth0 up
in_ns v ip addr add fd41::3/64 dev eth0 nodad
vnic h1 a "$MA" fd41::1
vnic h1 x "$MX" fd41::2
ll_of() { # the link-local address of eth0 in container $1, once DAD is done
	in_ns "$1" ip -6 -o addr show dev eth0 scope link -tentative |
		awk '{sub("/.*", "", $4); print $4}'
}
has_ll() { [ -n "$(ll_of "$1")" ]; }
wait_for 5 has_ll a || fail "a has no link-local address"
wait_for 5 has_ll v || fail "v has no link-local address"
a_ll=$(ll_of a)
v_ll=$(ll_of v)

in_ns v ping -6 -c 1 -W 2 fd41::2 >/dev/null || fail "v cannot reach x"
in_ns v ip -6 neigh show fd41::2 dev eth0 | grep -q "$MX" ||
	fail "v does not have x's MAC for fd41::2: $(in_ns v ip -6 neigh show fd41::2 dev eth0)"
[ -z "$(in_ns v ip -6 route show default)" ] || fail "v has a default route before the test"

info "the attack: NA behind Destination Options, RA behind Hop-by-Hop"
before=$(stat_of h1 drop_spoof_nd)
frames() {
	in_ns a python3 "$OVL_TOP/tests/lib/frames.py" eth0 "$@" --count 3
}
frames na --ext dest --dst-mac "$MV" --src-mac "$MA" --src fd41::1 --dst fd41::3 \
	--target fd41::2 --tlla "$MA"
frames ra --ext hbh --dst-mac "$MV" --src-mac "$MA" --src "$a_ll" --dst "$v_ll"
sleep 1

info "1. v is not poisoned"
bad=
neigh=$(in_ns v ip -6 neigh show fd41::2 dev eth0)
case $neigh in
*"$MA"*) bad="its neighbour cache is poisoned: $neigh" ;;
esac
route=$(in_ns v ip -6 route show default)
[ -z "$route" ] || bad="$bad${bad:+; }it took a rogue default route: $route"
[ -z "$bad" ] || fail "v: $bad"
in_ns v ping -6 -c 1 -W 2 fd41::2 >/dev/null || fail "v cannot reach x after the attack"
in_ns v ip -6 neigh show fd41::2 dev eth0 | grep -q "$MX" ||
	fail "v does not have x's MAC for fd41::2: $(in_ns v ip -6 neigh show fd41::2 dev eth0)"

info "2. counted"
after=$(stat_of h1 drop_spoof_nd)
[ "$after" = $((before + 6)) ] || fail "drop_spoof_nd on h1 went $before -> $after, want +6"

info "3. UDP behind Destination Options still crosses"
# h1 knows v's MAC from here on: the datagram takes the data path
in_ns a ping -6 -c 1 -W 2 fd41::3 >/dev/null || fail "a cannot reach v"
cap_start wire sw ph1 udp port 4789
in_ns v python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("fd41::3", 7777))
s.settimeout(5)
print(s.recvfrom(100)[0].decode())
' >"$TOPO_DIR/recv.txt" 2>&1 &
rpid=$!
on_exit "kill $rpid"
wait_for 5 sh -c "ip netns exec $(ns_name v) ss -Hlun sport = :7777 | grep -q 7777" ||
	fail "the receiver in v did not start"
in_ns a python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
# a Destination Options header (RFC 8200 section 4.6): a PadN option of 4 bytes
opts = bytes([0, 0, 1, 4, 0, 0, 0, 0])
s.sendmsg([b"ovl-dstopts"], [(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS, opts)],
          0, ("fd41::3", 7777))
'
wait "$rpid" || fail "v received no datagram: $(cat "$TOPO_DIR/recv.txt")"
grep -qx ovl-dstopts "$TOPO_DIR/recv.txt" || fail "v received: $(cat "$TOPO_DIR/recv.txt")"
cap_stop wire
n=$(cap_count wire 'vxlan && ipv6.dstopts && udp.dstport == 7777')
[ "$n" -ge 1 ] || fail "no VXLAN packet with the Destination Options header of a's datagram on the wire"
info "all good: NA and RA behind extension headers refused, UDP behind one delivered"
