#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovld --config: the file ovld(8) describes.
#
#   h1: ovld --config ovld.json     u0 10.1.0.1/24, 10.1.0.11/24
#        |
#      switch
#
# What it proves:
# 1. the overlays of the file are made at start: a files overlay ("files"
#    {"config"}), a direct one ("direct" {"dest_ip", "dest_port"}) and one
#    with "props", as ovlctl's -p; "underlay", "listen_ip" and "port" are
#    used;
# 2. options on the command line win over the file (--listen-ip, --port),
#    and overlays the state directory restored are not made again;
# 3. a file ovld cannot use stops it at start, exit status 2, with a
#    message naming the file and what is wrong: a syntax error with
#    line:column, an unknown key, an overlay without a name, a bad type.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3

topo_switch
topo_host h1 1
in_ns h1 ip addr add 10.1.0.11/24 dev u0
C=$TOPO_DIR/ovld.json
H=$TOPO_DIR/hosts.json
echo '{ "02:00:00:00:23:01": { "ip": "10.1.0.1", "port": 4790 } }' >"$H"
cat >"$C" <<EOF
{
	"underlay": "u0",
	"listen_ip": ["10.1.0.1", "fd00:1::1"],
	"port": 4790,
	"overlays": [
		{ "name": "ov0", "vni": 23, "encap": "vxlan", "search": "files",
		  "files": { "config": "$H" } },
		{ "name": "p2p", "vni": 42, "search": "direct",
		  "direct": { "dest_ip": "10.1.0.2", "dest_port": 4790 } },
		{ "name": "ov1", "vni": 24, "search": "files",
		  "props": { "files/config": "$H", "vxlan/listen_port": 4790 } }
	]
}
EOF

# status_is PYEXPR: true of `ovlctl -j status` (as j) on h1.
status_is() {
	ovlctl_on h1 -j status | python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($1) else 1)" ||
		fail "status: not $1: $(ovlctl_on h1 -j status)"
}

info "1. the file's overlays and underlay settings"
topo_ovld h1 --config "$C"
status_is 'j["underlay"]["port"] == 4790 and j["underlay"]["local4"] == "10.1.0.1" and j["underlay"]["local6"] == "fd00:1::1"'
status_is 'sorted((o["name"], o["vni"], o["search"]) for o in j["overlays"]) == [("ov0", 23, "files"), ("ov1", 24, "files"), ("p2p", 42, "direct")]'
status_is '[o["props"] for o in j["overlays"] if o["name"] == "p2p"] == [{"direct/dest_ip": "10.1.0.2", "direct/dest_port": 4790}]'
status_is '[o["props"] for o in j["overlays"] if o["name"] == "ov0"] == [{"files/config": "'"$H"'"}]'
grep -q "error" "$TOPO_DIR/ovld-h1.log" && fail "errors at start: $(ovld_log h1)"

info "2. the command line wins; restored overlays stay as they are"
ovlctl_on h1 overlay delete ov1
topo_kill_ovld h1
topo_ovld h1 --config "$C" --listen-ip 10.1.0.11 --port 4791
status_is 'j["underlay"]["port"] == 4791 and j["underlay"]["local4"] == "10.1.0.11" and j["underlay"]["local6"] == "fd00:1::1"'
grep -q "restored 2 overlays and 0 endpoints" "$TOPO_DIR/ovld-h1.log" || fail "restore: $(ovld_log h1)"
# ov1's vxlan/listen_port no longer matches this ovld's port: it is not made.
grep -qF "$C: overlay ov1: vxlan/listen_port 4790: this instance listens on port 4791 (ovld --port)" \
	"$TOPO_DIR/ovld-h1.log" || fail "ov1 not refused with a reason: $(ovld_log h1)"
status_is 'sorted(o["name"] for o in j["overlays"]) == ["ov0", "p2p"]'
topo_kill_ovld h1

info "3. files ovld refuses"
# refuses MESSAGE: ovld with $C exits 2 and says MESSAGE.
refuses() {
	local rc=0
	timeout 10 ip netns exec "$(ns_name h1)" "$OVLD" --instance "$(inst_of h1)" \
		--state-dir "$TOPO_DIR/state-h1" --config "$C" >"$TOPO_DIR/out" 2>"$TOPO_DIR/err" || rc=$?
	[ "$rc" = 2 ] || fail "ovld with a bad config exited $rc, want 2: $(cat "$TOPO_DIR/err")"
	[ ! -s "$TOPO_DIR/out" ] || fail "ovld wrote to stdout: $(cat "$TOPO_DIR/out")"
	grep -qF -- "$1" "$TOPO_DIR/err" || fail "no \"$1\" in: $(cat "$TOPO_DIR/err")"
}
printf '{\n\t"underlay": "u0"\n\t"port": 4790\n}\n' >"$C"
refuses "$C:3:7: "
echo '{ "underlay": "u0", "prot": 4790 }' >"$C"
refuses "$C: unknown key \"prot\" (expected underlay, listen_ip, port, metrics, overlays)"
echo '{ "underlay": "u0", "overlays": [ { "vni": 23, "search": "files" } ] }' >"$C"
refuses "$C: overlays[0] needs \"name\" (a string), \"vni\" (a number) and \"search\" (a string)"
echo '{ "underlay": "u0", "overlays": [ { "name": "a", "vni": 23, "search": "files", "file": {} } ] }' >"$C"
refuses "$C: overlays[0]: unknown key \"file\" (expected name, vni, encap, search, props, router, files, direct, etcd)"
echo '{ "underlay": "u0", "overlays": [ { "name": "a", "vni": 42, "search": "direct", "direct": { "ip": "10.1.0.2" } } ] }' >"$C"
refuses "$C: overlays[0]: unknown key \"ip\" (expected dest_ip, dest_port)"
echo '{ "underlay": "u0", "port": "4790" }' >"$C"
refuses "$C: \"port\" must be 1-65535"
echo '{ "underlay": "u0", "listen_ip": "10.1.0.300" }' >"$C"
refuses "$C: listen_ip: \"10.1.0.300\" is not an IPv4 or IPv6 address"
echo '{ "underlay": "u0", "metrics": "localhost:9100" }' >"$C"
refuses "$C: \"metrics\": \"localhost:9100\" is not PORT, :PORT, ADDR:PORT or [ADDR6]:PORT"
info "all good"
