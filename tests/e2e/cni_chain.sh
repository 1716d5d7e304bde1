#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/e2e/cni_chain.sh - ovl first in a configuration list, followed by
# the reference portmap and bandwidth plugins, run by tests/lib/cni_runtime.py
# exactly as libcni runs a list (capabilities -> runtimeConfig, each result
# the next plugin's prevResult, DEL in reverse with the cached result).
#
#   c1 (netns) -- h1: ovld, portmap's DNAT, bandwidth's tbf --+-- switch --+-- h2: ovld -- c2
#
# ovl's result is exactly the prevResult portmap gets, and portmap's the
# one bandwidth gets; runtimeConfig.mac (capability "mac") sets c1's MAC;
# portmap's DNAT to c1 and bandwidth's qdisc on ovl's host end exist; the
# very first ping over the overlay is answered; CHECK and DEL of the list
# succeed (DEL twice), and nothing of any of the three plugins remains.
#
# Left out, for Debian 12's plugins 1.1.1: bandwidth's egress shaping (it
# adds an `ingress` qdisc to the host end, where ovl's clsact is), and
# portmap's CHECK (containernetworking/plugins#819: it looks for IPv6
# rules it never made).
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)"
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
ns_init
cni_init
for p in portmap bandwidth; do
	[ -x "$CNI_PLUGINS/$p" ] || skip "no $CNI_PLUGINS/$p"
done
command -v iptables >/dev/null || skip "no iptables for portmap"
cni_two_hosts
ns_add c1
ns_add c2

LIST=$CNI_T/ovlnet.conflist
python3 - "$(conf_for 1 1.0.0)" "$LIST" <<'EOF'
import json, sys
ovl = json.load(open(sys.argv[1]))
del ovl["cniVersion"], ovl["name"]
ovl["capabilities"] = {"mac": True}
json.dump({"cniVersion": "1.0.0", "name": "ovlnet", "plugins": [
    ovl,
    {"type": "portmap", "capabilities": {"portMappings": True}},
    {"type": "bandwidth", "capabilities": {"bandwidth": True}},
]}, open(sys.argv[2], "w"), indent=2)
EOF
RC='{"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}],
     "bandwidth": {"ingressRate": 100000000, "ingressBurst": 1000000},
     "mac": "02:00:00:00:c0:01"}'
mkdir -p "$CNI_T/rec"
runtime() { # runtime VERB [ARGS]: the list for c1, in h1
	local verb=$1
	shift
	in_ns h1 python3 "$OVL_TOP/tests/lib/cni_runtime.py" "$verb" "$LIST" --cid cid-c1 \
		--netns "/var/run/netns/$(ns_name c1)" --ifname eth0 --runtime-config "$RC" \
		--path "$CNI_PATH_DIRS" --cache "$CNI_T/cache" --record "$CNI_T/rec" "$@"
}

info "ADD ovl -> portmap -> bandwidth"
runtime add >"$CNI_T/final.json" 2>"$CNI_T/add.err" || fail "ADD of the list: $(cat "$CNI_T/add.err")"
$CNI_VALIDATE result 1.0.0 "$CNI_T/rec/00-ovl-add.out" || fail "ovl's result in the chain"
python3 - "$CNI_T/rec" "$CNI_T/final.json" <<'EOF' || fail "results do not flow through the chain"
import json, os, sys
rec = sys.argv[1]
load = lambda n: json.load(open(os.path.join(rec, n)))
ovl = load("00-ovl-add.out")
assert "prevResult" not in load("00-ovl-add.in"), "ovl, first, got a prevResult"
assert load("00-ovl-add.in").get("runtimeConfig") == {"mac": "02:00:00:00:c0:01"}, \
    "ovl's runtimeConfig: %s" % load("00-ovl-add.in").get("runtimeConfig")
assert load("01-portmap-add.in")["prevResult"] == ovl, "portmap's prevResult is not ovl's result"
assert load("02-bandwidth-add.in")["prevResult"] == load("01-portmap-add.out"), \
    "bandwidth's prevResult is not portmap's result"
# (the Go plugins write an empty "dns": {} that ovl leaves out)
norm = lambda r: {k: v for k, v in r.items() if not (k == "dns" and v == {})}
assert norm(json.load(open(sys.argv[2]))) == norm(ovl), "the list's result is not ovl's"
EOF
eval "$(jvars "$CNI_T/final.json" host='j["interfaces"][0]["name"]' m1='j["interfaces"][1]["mac"]' \
	i1='j["ips"][0]["address"].split("/")[0]' i61='j["ips"][1]["address"].split("/")[0]')"
[ "$m1" = 02:00:00:00:c0:01 ] || fail "runtimeConfig.mac was not applied: $m1"
in_ns c1 ip link show eth0 | grep -q "link/ether $m1" || fail "c1's eth0 does not have $m1"
in_ns h1 iptables -t nat -S | grep -q -- "--to-destination $i1:80" || fail "no portmap DNAT to $i1:80"
in_ns h1 tc qdisc show dev "$host" | grep -q '^qdisc tbf' || fail "no bandwidth qdisc on $host"

info "the overlay through the chain's host end"
cni h2 ADD "$(conf_for 2 1.0.0)" cid-c2 eth0 c2
cni_expect_ok result 1.0.0 "ADD c2"
eval "$(jvars "$CNI_OUT" m2='j["interfaces"][1]["mac"]' i2='j["ips"][0]["address"].split("/")[0]' \
	i62='j["ips"][1]["address"].split("/")[0]')"
hosts_json "$m1" 10.1.0.1 "$i1" "$i61" "$m2" 10.1.0.2 "$i2" "$i62"
in_ns c1 ping -c 1 -W 2 "$i2" >/dev/null || fail "first ping c1 -> c2 lost"
in_ns c2 ping -6 -c 1 -W 2 "$i61" >/dev/null || fail "first ping c2 -> c1 (IPv6) lost"

info "CHECK and DEL of the list"
runtime check --skip portmap 2>"$CNI_T/check.err" || fail "CHECK of the list: $(cat "$CNI_T/check.err")"
$CNI_VALIDATE empty "$CNI_T/rec/00-ovl-check.out" || fail "ovl's CHECK printed something"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert c["prevResult"] == json.load(open(sys.argv[2]))' \
	"$CNI_T/rec/00-ovl-check.in" "$CNI_T/final.json" || fail "ovl's CHECK did not get the cached result"
runtime del 2>"$CNI_T/del.err" || fail "DEL of the list: $(cat "$CNI_T/del.err")"
in_ns h1 iptables -t nat -S | grep -q -- "--to-destination $i1:80" && fail "portmap's DNAT remains"
cp "$CNI_T/final.json" "$CNI_T/cache/ovlnet-cid-c1-eth0.json"
runtime del 2>"$CNI_T/del.err" || fail "DEL of the list, again: $(cat "$CNI_T/del.err")"
no_leftovers h1 "DEL of the list"
cni h2 DEL "$(conf_for 2 1.0.0)" cid-c2 eth0 c2
cni_expect_ok empty "" "DEL c2"
no_leftovers h2 "DEL c2"
