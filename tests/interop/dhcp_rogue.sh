#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A rogue DHCP server in the tenant gets nothing to the client: only the
# network's configured server (the "dhcp-proxy" of hosts.json) may answer.
#
#   cs (dnsmasq, 10.23.0.1) --+                              +-- cc (udhcpc)
#                              h1 ====== switch ====== h2
#   rs (rogue,   10.23.0.9) --+
#
# The client's broadcasts go to cs only (the seed's dhcp-proxy), so rs
# learns the transaction id the way a rogue on a shared segment would: here
# the test reads it off the client's veth on h2 and hands it to rs. cs
# answers a second late (dnsmasq --dhcp-reply-delay), rs at once: OFFERs and
# ACKs for 10.23.0.66 with itself as router and DNS server, broadcast as
# servers do and unicast to the client, from port 67, with an IP option in
# front of UDP, and from another source port (clients take any).
#
# What it proves:
# 1. the client's real DHCP client (busybox udhcpc) gets its lease from cs:
#    10.23.0.2, the address hosts.json gives it, acknowledged in dnsmasq's
#    log, and neither the address nor the router rs offered;
# 2. h1 counts every one of rs's replies as drop_dhcp_server, and none of
#    cs's (cs is the dhcp-proxy of the client's MAC: ovld marks its
#    endpoint a DHCP server, endpoint list says so);
# 3. the client reaches cs at the leased address;
# 4. the mark follows hosts.json: made the client's dhcp-proxy, rs gets a
#    reply through and cs no longer does (counted), and so it stays after
#    h1's ovld restarts.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools dnsmasq python3 tcpdump tshark
need_udhcpc

MS=02:00:00:00:68:01
MC=02:00:00:00:68:02
MR=02:00:00:00:68:09
topo_switch
topo_host h1 1
topo_host h2 2
topo_hosts_json "$TOPO_DIR/hosts.json" "$MS 10.1.0.1 arp=10.23.0.1" \
	"$MC 10.1.0.2 arp=10.23.0.2 dhcp-proxy=$MS" "$MR 10.1.0.1 arp=10.23.0.9"
for h in h1 h2; do
	topo_ovld "$h"
	topo_files_overlay "$h" overlay0 68 "$TOPO_DIR/hosts.json"
done
for n in cs cc rs; do
	ns_add $n
done
# no DHCP client may touch the host's resolv.conf (DESIGN.md)
ns_resolv cs cc rs
ovlctl_on h1 vnic create cs0 -l overlay0 -m "$MS" --netns "$(ns_name cs)" >/dev/null
ovlctl_on h1 vnic create rs0 -l overlay0 -m "$MR" --netns "$(ns_name rs)" >/dev/null
ovlctl_on h2 vnic create cc0 -l overlay0 -m "$MC" --netns "$(ns_name cc)" >/dev/null
for n in cs rs cc; do
	in_ns $n ip link set "${n}0" name eth0
	in_ns $n ip link set eth0 up
done
in_ns cs ip addr add 10.23.0.1/24 dev eth0
in_ns rs ip addr add 10.23.0.9/24 dev eth0

server_of() { # server_of HOST VNIC: the endpoint's dhcp_server flag
	ovlctl_on "$1" -j endpoint list | python3 -c '
import json, sys
print([e.get("dhcp_server") for e in json.load(sys.stdin) if e["id"] == sys.argv[1]][0])' "$2"
}
[ "$(server_of h1 cs0)" = True ] || fail "cs0 is not marked the network's DHCP server"
[ "$(server_of h1 rs0)" = False ] || fail "rs0 is marked a DHCP server"
[ "$(server_of h2 cc0)" = False ] || fail "cc0 is marked a DHCP server"

topo_dnsmasq cs --dhcp-host="$MC,10.23.0.2" --dhcp-reply-delay=1

# The client's script records what it was given and sets the address.
cat >"$TOPO_DIR/udhcpc.sh" <<EOF
#!/bin/sh
case "\$1" in
bound | renew)
	echo "ip=\$ip router=\$router serverid=\$serverid" >>"$TOPO_DIR/lease.txt"
	ip addr add "\$ip/\${mask:-24}" dev "\$interface" ;;
esac
exit 0
EOF
chmod +x "$TOPO_DIR/udhcpc.sh"

cc_veth=$(ovlctl_on h2 -j vnic list | python3 -c '
import json, sys
print([v["host_ifname"] for v in json.load(sys.stdin) if v["name"] == "cc0"][0])')
in_ns h2 python3 "$OVL_TOP/tests/lib/frames.py" "$cc_veth" xid --timeout 10 >"$TOPO_DIR/xid" &
xpid=$!
on_exit "kill $xpid"
sleep 0.5 # the sniffer listens
before=$(stat_of h1 drop_dhcp_server)
in_ns cc "${UDHCPC[@]}" -i eth0 -n -q -f -t 5 -T 3 -s "$TOPO_DIR/udhcpc.sh" \
	>"$TOPO_DIR/udhcpc.log" 2>&1 &
cpid=$!
on_exit "kill $cpid"
wait "$xpid" || fail "no DHCP request from the client seen on $cc_veth"
xid=$(cat "$TOPO_DIR/xid")
info "the client's transaction: $xid"

# rs answers at once, for a second and a half, in every form.
sent=0
rogue() {
	in_ns rs python3 "$OVL_TOP/tests/lib/frames.py" eth0 dhcp4 --src-mac "$MR" --src 10.23.0.9 \
		--xid "$xid" --chaddr "$MC" --yiaddr 10.23.0.66 "$@"
	sent=$((sent + 1))
}
for _ in $(seq 5); do
	for t in offer ack; do
		rogue --type $t --dst-mac ff:ff:ff:ff:ff:ff --dst 255.255.255.255
		rogue --type $t --dst-mac "$MC" --dst 10.23.0.66
		rogue --type $t --dst-mac "$MC" --dst 10.23.0.66 --ipopt
		rogue --type $t --dst-mac "$MC" --dst 10.23.0.66 --sport 1067
	done
	sleep 0.3
done
wait "$cpid" || {
	cat "$TOPO_DIR/udhcpc.log" "$TOPO_DIR/dnsmasq.log" >&2
	fail "udhcpc got no lease"
}

info "1. the lease comes from the configured server"
lease=$(cat "$TOPO_DIR/lease.txt")
case $lease in
"ip=10.23.0.2 router=10.23.0.1 serverid=10.23.0.1") ;;
*) fail "the client took: $lease (udhcpc: $(tr '\n' ' ' <"$TOPO_DIR/udhcpc.log"))" ;;
esac
in_ns cc ip -4 addr show dev eth0 | grep -q "inet 10.23.0.2/24" ||
	fail "the client has: $(in_ns cc ip -4 addr show dev eth0)"
grep -q "DHCPACK(eth0) 10.23.0.2 $MC" "$TOPO_DIR/dnsmasq.log" ||
	fail "dnsmasq did not acknowledge the lease"

info "2. every rogue reply counted, none of the server's"
wait_for 2 test "$(stat_of h1 drop_dhcp_server)" -ge $((before + sent)) || true
after=$(stat_of h1 drop_dhcp_server)
[ "$after" = $((before + sent)) ] || fail "drop_dhcp_server on h1 went $before -> $after, want +$sent"

info "3. the client reaches the server"
in_ns cc ping -c 2 -i 0.2 -W 2 10.23.0.1 >/dev/null || fail "the client cannot ping the server"

info "4. the mark follows the backend, across a reload and a restart"
sed -i "s/\"dhcp-proxy\": \"$MS\"/\"dhcp-proxy\": \"$MR\"/" "$TOPO_DIR/hosts.json"
ovlctl_on h1 reload >/dev/null
ovlctl_on h2 reload >/dev/null
# one reply from each, told apart by the address it offers
reply_from() { # reply_from NS MAC IP YIADDR
	in_ns "$1" python3 "$OVL_TOP/tests/lib/frames.py" eth0 dhcp4 --src-mac "$2" --src "$3" \
		--xid "$xid" --chaddr "$MC" --yiaddr "$4" --type ack --dst-mac "$MC" --dst 10.23.0.2
}
check_marks() { # check_marks WHAT
	local before after
	[ "$(server_of h1 rs0)" = True ] || fail "$1: rs0 is not marked a DHCP server"
	[ "$(server_of h1 cs0)" = False ] || fail "$1: cs0 is still marked a DHCP server"
	cap_start "cc-$1" cc eth0 udp port 68
	before=$(stat_of h1 drop_dhcp_server)
	reply_from rs "$MR" 10.23.0.9 10.23.0.77
	reply_from cs "$MS" 10.23.0.1 10.23.0.88
	wait_for 5 test "$(cap_count "cc-$1" 'dhcp.ip.your == 10.23.0.77')" = 1 ||
		fail "$1: the reply of rs, now the configured server, did not reach the client"
	cap_stop "cc-$1"
	[ "$(cap_count "cc-$1" 'dhcp.ip.your == 10.23.0.88')" = 0 ] ||
		fail "$1: the reply of cs, no longer a server, reached the client"
	after=$(stat_of h1 drop_dhcp_server)
	[ "$after" = $((before + 1)) ] || fail "$1: drop_dhcp_server went $before -> $after, want +1"
}
check_marks reload
topo_kill_ovld h1
topo_ovld h1
check_marks restart
info "all good: $sent rogue replies dropped; lease $(cat "$TOPO_DIR/leases")"
