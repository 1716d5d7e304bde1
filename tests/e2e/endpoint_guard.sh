#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# endpoint.add serves only a veth that ovl made for an endpoint of this
# instance; anything else would put the endpoint program on an interface
# that carries the host's own traffic.
#
#   h1: ovld A (underlay u0) ------ switch ------ h2: ovld (underlay u0)
#       ovld B (underlay u1, a second instance on the same host)
#       vx0 -- cx (ns)      a veth nobody marked
#       ovc... -- cb (ns)   the CNI plugin's attachment for instance B
#       vy0 -- vy1          a veth marked for A whose peer is on the host
#       ovc... -- ca (ns)   the CNI plugin's attachment for instance A
#
# What it proves (requests sent on A's control socket, as the plugin does):
# 1. endpoint.add of u0 (A's underlay), lo, vx0, B's attachment, and vy0
#    are each refused, with a message that says why (the underlay, not a
#    veth, no mark, instance B, peer in this namespace); A has no endpoint
#    afterwards, their TC filters are as they were, and the host's own
#    traffic (ping h1 -> h2 over u0, and over lo) keeps flowing;
# 2. the CNI plugin itself still attaches a container to A (ADD, the
#    endpoint is listed, the first ping to a container on h2 is
#    answered) and to B, and DEL removes both.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
cni_setup
h1=$(ns_name h1)
instA=$(inst_of h1)
instB=$instA-b

info "a second instance on h1, on its own underlay u1"
ip -n "$h1" link add u1 type veth peer name u1p
ip -n "$h1" addr add 10.9.0.1/24 dev u1
ip -n "$h1" link set u1 up
ip -n "$h1" link set u1p up
ip netns exec "$h1" "$OVLD" --instance "$instB" --underlay u1 \
	--state-dir "$TOPO_DIR/state-h1b" >>"$TOPO_DIR/ovld-h1b.log" 2>&1 &
pidB=$!
on_exit "_topo_stop $pidB; $OVLD --instance $instB --state-dir $TOPO_DIR/state-h1b --cleanup"
wait_for 10 ip netns exec "$h1" "$OVLCTL" --instance "$instB" status ||
	fail "ovld B did not start: $(cat "$TOPO_DIR/ovld-h1b.log")"
ip netns exec "$h1" "$OVLCTL" --instance "$instB" overlay create ovB -v 77 -e vxlan -s files \
	-p "files/config=$TOPO_DIR/hosts.json" >/dev/null

for c in ca cb cx c2; do
	ns_add "$c"
done
confB=$CNI_T/b.json
CNI_IPAM_JSON=$(ipam_for 1) cni_conf "$confB" 1.0.0 net-b "$instB"
cni_with "$confB" 'c["overlay"] = "ovB"'
cni h1 ADD "$confB" cid-b eth0 cb
cni_expect_ok result 1.0.0 "ADD to instance B"
hostB=$(jget "$CNI_OUT" 'j["interfaces"][0]["name"]')
ip -n "$h1" link add vx0 type veth peer name eth0 netns "$(ns_name cx)"
ip -n "$h1" link set vx0 up
ip -n "$h1" link add vy0 type veth peer name vy1
ip -n "$h1" link set vy0 alias "ovl-cni:$instA:ovlnet:cid-y:eth0"

# ep_add HOSTIF ID: endpoint.add on A's socket; prints ovld's answer.
ep_add() {
	python3 - "/run/ovl/$instA.sock" "$1" "$2" <<'EOF'
import json, socket, sys
path, host, ep = sys.argv[1:]
s = socket.socket(socket.AF_UNIX)
s.connect(path)
req = {"cmd": "endpoint.add", "id": ep, "overlay": "overlay0", "host_ifname": host,
       "mac": "02:00:00:00:77:01", "addrs": ["10.23.0.77"], "network": "ovlnet",
       "netns": "/var/run/netns/x", "ifname": "eth0"}
s.sendall((json.dumps(req) + "\n").encode())
print(s.makefile().readline().strip())
EOF
}

# host_traffic WHAT: the host's own traffic still flows.
host_traffic() {
	ip netns exec "$h1" ping -c 2 -i 0.2 -W 2 10.1.0.2 >/dev/null || fail "$1: h1 -> h2 over u0 lost"
	ip netns exec "$(ns_name h2)" ping -c 2 -i 0.2 -W 2 10.1.0.1 >/dev/null || fail "$1: h2 -> h1 over u0 lost"
	ip netns exec "$h1" ping -c 1 -W 2 127.0.0.1 >/dev/null || fail "$1: h1's loopback lost"
}

# refused HOSTIF ID TEXT: endpoint.add HOSTIF is refused, saying TEXT.
refused() {
	local out before
	before=$(tc -n "$h1" filter show dev "$1" ingress 2>&1)
	out=$(ep_add "$1" "$2")
	case $out in
	*'"ok": false'* | *'"ok":false'*) ;;
	*) fail "endpoint.add $1 was accepted: $out" ;;
	esac
	[[ $out == *"$3"* ]] || fail "endpoint.add $1: the refusal does not say \"$3\": $out"
	info "$1: $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["error"])' "$out")"
	[ -z "$(cni_endpoints h1)" ] || fail "A has endpoints after endpoint.add $1: $(cni_endpoints h1)"
	[ "$(tc -n "$h1" filter show dev "$1" ingress 2>&1)" = "$before" ] ||
		fail "the TC filters on $1 changed: $(tc -n "$h1" filter show dev "$1" ingress)"
	host_traffic "after endpoint.add $1"
}

info "1. what is not ovl's is refused"
host_traffic "before"
refused u0 cid-y/eth0 "underlay"
refused lo cid-y/eth0 "not a veth"
refused vx0 cid-y/eth0 "no mark"
refused "$hostB" cid-b/eth0 "instance $instB"
refused vy0 cid-y/eth0 "peer of vy0 is in this network namespace"

info "2. the CNI plugin still works"
hosts_json "$(mac_for cid-a eth0)" 10.1.0.1 10.23.0.10 fd23::a:1 "$(mac_for cid-2 eth0)" 10.1.0.2 10.23.0.100 fd23::b:1
cni h2 ADD "$(conf_for 2 1.0.0)" cid-2 eth0 c2
cni_expect_ok result 1.0.0 "ADD on h2"
cni h1 ADD "$(conf_for 1 1.0.0)" cid-a eth0 ca
cni_expect_ok result 1.0.0 "ADD to instance A"
[ "$(cni_endpoints h1)" = cid-a/eth0 ] || fail "A's endpoints: $(cni_endpoints h1)"
in_ns ca ping -c 1 -W 2 10.23.0.100 >/dev/null || fail "first ping from the CNI container on A lost"
host_traffic "with the CNI container"
cni h1 DEL "$(conf_for 1 1.0.0)" cid-a eth0 ca
cni_expect_ok empty "" "DEL from A"
cni h1 DEL "$confB" cid-b eth0 cb
cni_expect_ok empty "" "DEL from B"
[ -z "$(host_veths h1)" ] || fail "host ends left on h1: $(host_veths h1)"
info "all good"
