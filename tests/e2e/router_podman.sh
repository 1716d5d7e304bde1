#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/e2e/router_podman.sh - podman with ovl alone: `podman run -p
# 8080:80 --network NET` on an overlay with a router. No portmap plugin,
# no DNS, nothing written by hand in the container.
#
#   out (ns) 10.1.0.100 fd00:1::100 on the LAN -- h1 (10.1.0.1): ovld, overlay
#   tenant-a VNI 23 with router/gateway=10.23.0.1/24,fd23::1/64; the network
#   (examples/cni/podman-ovl.conflist: ovl with the portMappings capability,
#   "ipMasq": true, host-local) -- podman container p1 (busybox httpd on 80)
#
# What it proves:
# 1. podman run -p 8080:80 (one mapping, IPv4 and IPv6 forwards): an
#    HTTP GET from out to 10.1.0.1:8080 and to
#    [fd00:1::1]:8080 gets p1's page;
# 2. p1's default routes are the router's gateways (the CNI result's
#    gateway), and with them alone it reaches a server in out by address,
#    which sees h1's address (ipMasq turned masquerade on);
# 3. `ovlctl forward list` shows the mappings owned by the container;
#    podman rm (CNI DEL) removes them: the port no longer answers, nothing
#    is left.
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)"
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
ns_init
podman_need
need_tools python3 nft
cni_init
topo_switch
topo_host h1 1
topo_ovld h1
echo '{}' >"$TOPO_DIR/hosts.json"
ovlctl_on h1 overlay create tenant-a -v 23 -e vxlan -s files -p "files/config=$TOPO_DIR/hosts.json" \
	-p router/gateway=10.23.0.1/24 -p router/gateway=fd23::1/64 >/dev/null ||
	fail "overlay create refused"

topo_outside
topo_whoami out out 7000

podman_init sh httpd nc ip sleep cat
mkdir -p "$P/rootfs/www"
echo "hello from p1" >"$P/rootfs/www/index.html"

# The network: examples/cni/podman-ovl.conflist as it is, for this run's
# ovld, overlay and host-local directory.
python3 - "$OVL_TOP/examples/cni/podman-ovl.conflist" "$NET" "$(inst_of h1)" "$CNI_T/ipam" \
	"$P/net/$NET.conflist" <<'PY'
import json, sys
lst = json.load(open(sys.argv[1]))
lst["name"] = sys.argv[2]
ovl = lst["plugins"][0]
assert ovl["type"] == "ovl" and len(lst["plugins"]) == 1, lst
assert ovl["capabilities"].get("portMappings") and ovl.get("ipMasq"), ovl
ovl["instance"] = sys.argv[3]
ovl["overlay"] = "tenant-a"
ovl["ipam"]["dataDir"] = sys.argv[4]
json.dump(lst, open(sys.argv[5], "w"), indent=2)
PY

info "1. podman run -p 8080:80"
pod run -d --name p1 --network "$NET" -p 8080:80 --rootfs "$P/rootfs" \
	httpd -f -p 80 -h /www >"$P/run.out" 2>"$P/run.err" || fail "podman run: $(cat "$P/run.err")"
get() { # get ADDR: the page at http://ADDR:8080/ from out
	in_ns out python3 -c 'import sys, urllib.request
print(urllib.request.urlopen("http://%s:8080/index.html" % sys.argv[1], timeout=3).read().decode().strip())' "$1"
}
wait_for 5 get 10.1.0.1 >/dev/null 2>&1 || true
[ "$(get 10.1.0.1)" = "hello from p1" ] || fail "GET 10.1.0.1:8080 from out: $(get 10.1.0.1 2>&1)"
[ "$(get '[fd00:1::1]')" = "hello from p1" ] || fail "GET [fd00:1::1]:8080 from out: $(get '[fd00:1::1]' 2>&1)"

info "2. p1's default routes and the world"
pod exec p1 ip route >"$P/routes.txt"
grep -q "^default via 10.23.0.1 dev eth0" "$P/routes.txt" || fail "p1's routes: $(cat "$P/routes.txt")"
pod exec p1 ip -6 route | grep -q "^default via fd23::1 dev eth0" ||
	fail "p1's IPv6 routes: $(pod exec p1 ip -6 route)"
got=$(pod exec p1 sh -c 'echo | nc 10.1.0.100 7000') || fail "p1 cannot reach out"
[ "$got" = "out 10.1.0.1" ] || fail "p1 -> out: \"$got\", want \"out 10.1.0.1\""
masq=$(ovlctl_on h1 -j router list tenant-a | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["masquerade"])')
[ "$masq" = True ] || fail "ipMasq did not turn masquerade on ($masq)"

info "3. the forwards are the container's, and go with it"
ovlctl_on h1 -j forward list >"$P/fwd.json"
python3 - "$P/fwd.json" <<'PY' || fail "forward list: $(cat "$P/fwd.json")"
import json, sys
f = json.load(open(sys.argv[1]))
assert {(x["proto"], x["port"], x["to_port"]) for x in f} == {("tcp", 8080, 80)}, f
assert all(x["owner"] and x["owner"].startswith("cni:") for x in f), f
assert {x["to"].count(":") > 0 for x in f} == {False, True}, f  # one v4, one v6
PY
pod rm -f -t 0 p1 >/dev/null 2>"$P/rm.err" || fail "podman rm: $(cat "$P/rm.err")"
get 10.1.0.1 >/dev/null 2>&1 && fail "8080 still answers after podman rm"
n=$(ovlctl_on h1 -j forward list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 0 ] || fail "$n forwards left after podman rm"
info "ok"
