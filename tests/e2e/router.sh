#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The router zone: containers reach their gateway, their host and the world
# (masqueraded), the host reaches them, published ports reach them from
# outside, on this host and across the overlay; IPv4 and IPv6.
#
#   out (ns) 10.1.0.100, fd00:1::100 on the underlay LAN: "the world"
#   h1: ovld, overlay tenant-a VNI 23, router 10.23.0.1/24 fd23::1/64,
#       masquerade on, host on;  c1 10.23.0.11 fd23::11
#   h2: ovld, overlay tenant-a from --config (a "router" section), router
#       (same gateway), masquerade on, host off;  c2 10.23.0.12 fd23::12
#
# What it proves (each with a real socket on both ends):
# 1. c1 pings its gateway (v4, v6) and reaches h1's own address;
# 2. c1 and c2 reach a server in out through masquerade, and the server
#    sees their host's address (v4 and v6): c1 as 10.1.0.1, c2 as 10.1.0.2;
# 3. h1 (router/host=on) reaches c1 and c2 (c2 is on h2: its replies go
#    back to h1's router, ovl_rflows); h2 (router/host off) reaches neither;
# 4. `ovlctl forward add` on h1: out connects to 10.1.0.1:8080 and gets c1,
#    to :8081 and gets c2 (on h2), to [fd00:1::1]:8082 and gets c2 over
#    IPv6, UDP :8083 gets c1; the containers see out's address; forward
#    list shows them; a clashing forward is refused naming the first;
# 5. router list shows the gateways, masquerade, host, forwards; overlay
#    list carries the router;
# 6. ovld on h1 restarted: the forwards and masquerade work again;
# 7. forward del: the port no longer answers; overlay delete removes the
#    router zone (no veth left on h1).
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 nft

W="python3 $OVL_TOP/tests/lib/whoami.py"
M1=02:00:00:00:23:11
M2=02:00:00:00:23:12
topo_switch
H=$TOPO_DIR/hosts.json
topo_hosts_json "$H" "$M1 10.1.0.1 arp=10.23.0.11 ndp=fd23::11" \
	"$M2 10.1.0.2 arp=10.23.0.12 ndp=fd23::12"

topo_outside

ask() { # ask NS ADDR PORT [udp]
	in_ns "$1" $W ask "$2" "$3" ${4:-tcp} 3
}
expect() { # expect WANT NS ADDR PORT [udp]
	local want=$1 got
	shift
	got=$(ask "$@" 2>&1) || fail "$1 -> $2:$3 ${4:-tcp}: no answer ($got), want \"$want\""
	[ "$got" = "$want" ] || fail "$1 -> $2:$3 ${4:-tcp}: \"$got\", want \"$want\""
}
refused() { # refused NS ADDR PORT
	ask "$@" >/dev/null 2>&1 && fail "$1 -> $2:$3 answered, want no answer"
	return 0
}

# h1's overlay by ovlctl, h2's by --config (its "router" section)
cat >"$TOPO_DIR/h2.json" <<JSON
{"overlays": [{"name": "tenant-a", "vni": 23, "search": "files", "files": {"config": "$H"},
  "router": {"gateway": ["10.23.0.1/24", "fd23::1/64"], "masquerade": true, "host": "off"}}]}
JSON
for i in 1 2; do
	topo_host "h$i" "$i"
	if [ "$i" = 1 ]; then
		topo_ovld h1
		topo_files_overlay h1 tenant-a 23 "$H" -p router/gateway=10.23.0.1/24 \
			-p router/gateway=fd23::1/64 -p router/masquerade=on -p router/host=on
	else
		topo_ovld h2 --config "$TOPO_DIR/h2.json"
	fi
	m=M$i
	topo_vnic "h$i" "c$i" tenant-a "${!m}" "10.23.0.1$i/24" "fd23::1$i/64"
	in_ns "c$i" ip route add default via 10.23.0.1
	in_ns "c$i" ip -6 route add default via fd23::1
	topo_whoami "c$i" "c$i" 80
done
topo_whoami out out 7000

info "1. the gateway and the host's own address"
in_ns c1 ping -c1 -W2 10.23.0.1 >/dev/null || fail "c1 cannot ping its gateway 10.23.0.1"
in_ns c1 ping -c1 -W2 fd23::1 >/dev/null || fail "c1 cannot ping its gateway fd23::1"
in_ns c1 ping -c1 -W2 10.1.0.1 >/dev/null || fail "c1 cannot reach its host's 10.1.0.1"

info "2. the world, masqueraded"
expect "out 10.1.0.1" c1 10.1.0.100 7000
expect "out 10.1.0.2" c2 10.1.0.100 7000
expect "out fd00:1::1" c1 fd00:1::100 7000
expect "out fd00:1::2" c2 fd00:1::100 7000
expect "out 10.1.0.1" c1 10.1.0.100 7000 udp

info "3. the host reaches the overlay (router/host)"
got=$(in_ns h1 $W ask 10.23.0.11 80) || fail "h1 cannot reach c1"
case $got in "c1 169.254."*) ;; *) fail "h1 -> c1: \"$got\"" ;; esac
got=$(in_ns h1 $W ask 10.23.0.12 80) || fail "h1 cannot reach c2 on h2"
case $got in "c2 169.254."*) ;; *) fail "h1 -> c2: \"$got\"" ;; esac
in_ns h1 $W ask fd23::12 80 >/dev/null || fail "h1 cannot reach c2 on h2 over IPv6"
refused h2 10.23.0.12 80

info "4. published ports"
ovlctl_on h1 forward add tenant-a tcp 8080 10.23.0.11:80 || fail "forward add 8080 refused"
ovlctl_on h1 forward add tenant-a tcp 8081 10.23.0.12:80 || fail "forward add 8081 refused"
ovlctl_on h1 forward add tenant-a tcp 8082 '[fd23::12]:80' || fail "forward add 8082 refused"
ovlctl_on h1 forward add tenant-a udp 8083 10.23.0.11:80 || fail "forward add udp 8083 refused"
expect "c1 10.1.0.100" out 10.1.0.1 8080
expect "c2 10.1.0.100" out 10.1.0.1 8081
expect "c2 fd00:1::100" out fd00:1::1 8082
expect "c1 10.1.0.100" out 10.1.0.1 8083 udp
rc=0
ovlctl_on h1 forward add tenant-a tcp 8080 10.23.0.12:80 2>"$TOPO_DIR/clash.err" || rc=$?
[ "$rc" = 1 ] || fail "a second forward of tcp 8080: exit $rc, want 1"
grep -q "tcp port 8080 is already forwarded to 10.23.0.11:80 on overlay tenant-a" "$TOPO_DIR/clash.err" ||
	fail "the clash is not explained: $(cat "$TOPO_DIR/clash.err")"
n=$(ovlctl_on h1 -j forward list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 4 ] || fail "forward list: $n forwards, want 4"

info "5. router list"
ovlctl_on h1 -j router list >"$TOPO_DIR/routers.json" || fail "router list failed"
python3 - "$TOPO_DIR/routers.json" <<'PY' || fail "router list: $(cat "$TOPO_DIR/routers.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r) == 1, r
r = r[0]
assert r["overlay"] == "tenant-a" and r["vni"] == 23, r
assert r["gateways"] == ["10.23.0.1/24", "fd23::1/64"], r["gateways"]
assert r["masquerade"] and r["host"] and r["forwards"] == 4 and r["up"], r
assert r["mac"] == "02:6f:76:00:00:17", r["mac"]
assert r["counters"]["to_host"]["packets"] > 0, r["counters"]
PY

info "6. h1's ovld restarted"
topo_kill_ovld h1
topo_ovld h1
expect "c1 10.1.0.100" out 10.1.0.1 8080
expect "c2 10.1.0.100" out 10.1.0.1 8081
expect "out 10.1.0.1" c1 10.1.0.100 7000

info "7. forward del, overlay delete"
ovlctl_on h1 forward del tenant-a tcp 8080 || fail "forward del refused"
refused out 10.1.0.1 8080
ovlctl_on h1 vnic delete eth0 >/dev/null || fail "vnic delete refused"
ovlctl_on h1 overlay delete tenant-a || fail "overlay delete refused"
in_ns h1 ip -br link | grep -q '^ovl[rt]' && fail "router veths left: $(in_ns h1 ip -br link)"
in_ns h1 nft list tables | grep -q "ovl_" && fail "host nft table left: $(in_ns h1 nft list tables)"
info "ok"
