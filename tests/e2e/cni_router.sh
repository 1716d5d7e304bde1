#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/e2e/cni_router.sh - the CNI plugin on an overlay with a router
# (issue 13): the router is the container's gateway, "ipMasq" turns its
# masquerade on, runtimeConfig.portMappings publish the host's ports.
#
#   c1 (netns) --veth-- h1: ovld, overlay0 (VNI 23) with router   lan0 --veth-- lan0 out
#   10.23.0.10-99          10.23.0.1/24, fd23::1/64               192.168.77.1    192.168.77.100
#   fd23::a:*                                                     fd77::1         fd77::100
#
# ADD with ipMasq and portMappings (TCP 8080 -> 80 of both families, UDP
# 5353 -> 53 on 192.168.77.1 only): the result's gateways are the
# router's, c1's default routes go through it; ovlctl forward list has
# the forwards, owned by cni:ovlnet/cid-c1/eth0; router list says
# masquerade; a TCP connection from out to 192.168.77.1:8080 and to
# [fd77::1]:8080 reaches c1's server, a UDP datagram to 192.168.77.1:5353
# is answered by c1; CHECK passes, and names a forward that went; DEL
# removes the forwards (the port is closed again), and succeeds again;
# an ADD whose port is published already fails and leaves nothing; GC
# removes the forwards of attachments that are not valid (one with an
# endpoint, one without), not another network's.
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)"
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
ns_init
cni_init
command -v nft >/dev/null || skip "no nft for the router zone"
topo_switch
topo_host h1 1
echo '{}' >"$TOPO_DIR/hosts.json"
topo_ovld h1
ovlctl_on h1 overlay create overlay0 -v 23 -e vxlan -s files -p vxlan/listen_ip=10.1.0.1 \
	-p "files/config=$TOPO_DIR/hosts.json" -p router/gateway=10.23.0.1/24 \
	-p router/gateway=fd23::1/64 >/dev/null || fail "overlay0 with a router"
wait_for 10 sh -c "$OVLCTL --instance $(inst_of h1) -j router list | grep -q '\"up\": true'" ||
	fail "the router of overlay0 is not up: $(ovlctl_on h1 router list)"
ns_add out
ns_add c1
ns_link h1 lan0 out lan0
in_ns h1 ip addr add 192.168.77.1/24 dev lan0
in_ns h1 ip addr add fd77::1/64 dev lan0 nodad
in_ns out ip addr add 192.168.77.100/24 dev lan0
in_ns out ip addr add fd77::100/64 dev lan0 nodad

OWNER=cni:ovlnet/cid-c1/eth0
PM='[{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"},
     {"hostPort": 5353, "containerPort": 53, "protocol": "udp", "hostIP": "192.168.77.1"}]'
C1=$(conf_for 1 1.1.0)
cni_with "$C1" "c['ipMasq'] = True; c['capabilities'] = {'portMappings': True}; c['runtimeConfig'] = {'portMappings': $(echo "$PM" | tr -d '\n')}"

info "ADD c1 with ipMasq and portMappings"
cni h1 ADD "$C1" cid-c1 eth0 c1
cni_expect_ok result 1.1.0 "ADD c1"
cp "$CNI_OUT" "$CNI_T/r1.json"
eval "$(jvars "$CNI_T/r1.json" \
	ip1='[i["address"].split("/")[0] for i in j["ips"] if "." in i["address"]][0]' \
	ip61='[i["address"].split("/")[0] for i in j["ips"] if ":" in i["address"]][0]' \
	gws='",".join(sorted(i.get("gateway", "-") for i in j["ips"]))')"
[ "$gws" = "10.23.0.1,fd23::1" ] || fail "the result's gateways are not the router's: $gws"
in_ns c1 ip route show default | grep -q "via 10.23.0.1 dev eth0" || fail "c1: no IPv4 default route via the router"
in_ns c1 ip -6 route show default | grep -q "via fd23::1 dev eth0" || fail "c1: no IPv6 default route via the router"

# forwards: TCP 8080 of each family, UDP 5353 on 192.168.77.1
got=$(ovlctl_on h1 -j forward list overlay0 | python3 -c '
import json, sys
print(" ".join(sorted("%s/%s/%s/%s:%s/%s" % (f["proto"], f["host_ip"], f["port"], f["to"], f["to_port"], f["owner"])
                      for f in json.load(sys.stdin))))')
want="tcp/None/8080/$ip1:80/$OWNER tcp/None/8080/$ip61:80/$OWNER udp/192.168.77.1/5353/$ip1:53/$OWNER"
want=$(echo "$want" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "$want" ] || fail "forwards: got [$got], want [$want]"
ovlctl_on h1 forward list | grep -q "^overlay0 *tcp *- *8080 *$ip1:80 *$OWNER\$" ||
	fail "ovlctl forward list: $(ovlctl_on h1 forward list)"
[ "$(ovlctl_on h1 -j router list overlay0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["masquerade"])')" = True ] ||
	fail "ipMasq did not turn the router's masquerade on: $(ovlctl_on h1 router list)"

# c1 serves TCP port 80 (both families) and answers UDP port 53
cat >"$CNI_T/srv.py" <<'EOF'
import socket, sys, threading
def tcp():
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", 80)); s.listen(8)
    while True:
        c, a = s.accept(); c.sendall(b"c1 tcp\n"); c.close()
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 53))
    while True:
        d, a = s.recvfrom(512); s.sendto(b"c1 " + d, a)
threading.Thread(target=udp, daemon=True).start()
tcp()
EOF
cat >"$CNI_T/cli.py" <<'EOF'
import socket, sys
proto, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
if proto == "tcp":
    s = socket.create_connection((host, port), timeout=3)
    print(s.makefile().readline().strip())
else:
    s = socket.socket(fam, socket.SOCK_DGRAM); s.settimeout(3)
    s.sendto(b"udp", (host, port)); print(s.recvfrom(512)[0].decode())
EOF
in_ns c1 python3 "$CNI_T/srv.py" &
srv=$!
on_exit "kill $srv 2>/dev/null"
wait_for 5 in_ns c1 sh -c "ss -ltn | grep -q ':80 '" || fail "c1's server did not start"

info "from out to the published ports"
[ "$(in_ns out python3 "$CNI_T/cli.py" tcp 192.168.77.1 8080)" = "c1 tcp" ] ||
	fail "TCP 192.168.77.1:8080 does not reach c1"
[ "$(in_ns out python3 "$CNI_T/cli.py" tcp fd77::1 8080)" = "c1 tcp" ] ||
	fail "TCP [fd77::1]:8080 does not reach c1"
[ "$(in_ns out python3 "$CNI_T/cli.py" udp 192.168.77.1 5353)" = "c1 udp" ] ||
	fail "UDP 192.168.77.1:5353 does not reach c1"

info "CHECK"
cni_prev "$C1" "$CNI_T/r1.json" "$CNI_T/p1.json"
cni h1 CHECK "$CNI_T/p1.json" cid-c1 eth0 c1
cni_expect_ok empty "" "CHECK c1"
ovlctl_on h1 forward del overlay0 udp 5353 || fail "forward del udp 5353"
cni h1 CHECK "$CNI_T/p1.json" cid-c1 eth0 c1
cni_expect_error 105 1.1.0 "CHECK without the UDP forward" \
	"ovld has no forward of udp port 5353 to $ip1:53 ($OWNER)"

info "DEL"
cni h1 DEL "$CNI_T/p1.json" cid-c1 eth0 c1
cni_expect_ok empty "" "DEL c1"
[ -z "$(ovlctl_on h1 forward list)" ] || fail "DEL left forwards: $(ovlctl_on h1 forward list)"
! in_ns out python3 "$CNI_T/cli.py" tcp 192.168.77.1 8080 2>/dev/null ||
	fail "port 8080 still reaches c1 after DEL"
cni h1 DEL "$CNI_T/p1.json" cid-c1 eth0 c1
cni_expect_ok empty "" "DEL c1 again"
no_leftovers h1 "DEL c1"

info "an ADD whose port is published already: undone"
ovlctl_on h1 forward add overlay0 tcp 8080 10.23.0.250:80 || fail "forward add by hand"
cni h1 ADD "$C1" cid-c1 eth0 c1
cni_expect_error 101 1.1.0 "ADD with port 8080 taken" "is already forwarded to 10.23.0.250:80"
no_leftovers h1 "the failed ADD"
[ "$(ovlctl_on h1 -j forward list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] ||
	fail "the failed ADD left forwards: $(ovlctl_on h1 forward list)"
ovlctl_on h1 forward del overlay0 tcp 8080 || fail "forward del by hand"

info "GC"
ns_add c2
C2=$CNI_T/c2.json
cp "$(conf_for 1 1.1.0)" "$C2"
cni_with "$C2" "c['capabilities'] = {'portMappings': True}; c['runtimeConfig'] = {'portMappings': [{'hostPort': 9090, 'containerPort': 90}]}"
cni h1 ADD "$C2" cid-c2 eth0 c2
cni_expect_ok result 1.1.0 "ADD c2"
ovlctl_on h1 forward list | grep -q "cni:ovlnet/cid-c2/eth0" || fail "c2 has no forwards"
# forwards without an attachment (an ADD that died after them), of this
# network and of another: ovld takes an owner from any client
fwd_owned() { # fwd_owned PORT OWNER
	python3 - "/run/ovl/$(inst_of h1).sock" "$1" "$2" <<-'EOF'
		import json, socket, sys
		s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
		s.connect(sys.argv[1])
		s.sendall(json.dumps({"cmd": "forward.add", "overlay": "overlay0", "proto": "tcp",
		                      "port": int(sys.argv[2]), "to": "10.23.0.77", "to_port": 80,
		                      "owner": sys.argv[3]}).encode() + b"\n")
		s.shutdown(socket.SHUT_WR)
		r = json.loads(s.makefile().readline())
		sys.exit(0 if r.get("ok") else "forward.add: %s" % r.get("error"))
	EOF
}
fwd_owned 9191 cni:ovlnet/cid-ghost/eth0 || fail "a forward of a gone attachment"
fwd_owned 9292 cni:othernet/cid-ghost/eth0 || fail "a forward of another network"
cni_with "$C2" "c['cni.dev/valid-attachments'] = []"
cni h1 GC "$C2"
cni_expect_ok empty "" "GC"
left=$(ovlctl_on h1 -j forward list | python3 -c 'import json,sys; print(" ".join(f["owner"] for f in json.load(sys.stdin)))')
[ "$left" = cni:othernet/cid-ghost/eth0 ] || fail "GC left forwards [$left], want only othernet's"
no_leftovers h1 "GC"
