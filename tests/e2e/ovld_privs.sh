#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovld after start-up: only the capabilities ovld(8) lists, and everything
# it does from then on still works.
#
#   c1 (netns) --veth-- h1: ovld --+                 +-- h2: ovld --veth-- v2 (netns)
#   CNI ADD (host-local)           +-- switch (sw) --+   ovlctl vnic create --netns
#   10.23.0.10-99, fd23::a:*          10.1.0.1, .2       10.23.0.200, fd23::c8
#   (hosts.json also names an IPv6 VTEP, fd00:1::9, that no host has)
#
# What it proves:
# 1. a ready ovld has exactly the capabilities of ovld(8)'s PRIVILEGES
#    section in CapEff, CapPrm and CapBnd, none inheritable or ambient, and
#    NoNewPrivs 1 (/proc/PID/status; the set is read from the man page);
# 2. with them, the CNI plugin's ADD works (endpoint.add; ovld enters c1's
#    namespace to switch TSO off, as the network has an IPv6 VTEP), `ovlctl
#    vnic create --netns` works, a hosts.json rewrite is picked up, the very
#    first pings each way (IPv4 and IPv6) are answered (ovld resolves the
#    miss and sends the frame on), `ovlctl reload`, `map add` and `map del`
#    work;
# 3. a restarted ovld restores the endpoint, drops its capabilities again,
#    and c1 still reaches v2; CNI DEL then removes the endpoint.
# shellcheck disable=SC2154 # variables set by eval "$(jvars ...)"
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
ns_init
cni_init
need_tools python3 ethtool

# The mask of the capabilities ovld(8) keeps: the .B CAP_* items of its
# PRIVILEGES section, numbered by <linux/capability.h>.
want=$(python3 - "$OVL_TOP/man/ovld.8" /usr/include/linux/capability.h <<'EOF'
import re, sys
man = open(sys.argv[1]).read()
sec = man.split("\n.SH PRIVILEGES\n")[1].split("\n.SH ")[0]
names = re.findall(r"^\.TP\n\.B (CAP_[A-Z_]+)$", sec, re.M)
nums = dict(re.findall(r"^#define (CAP_[A-Z_]+)\s+(\d+)\s*$", open(sys.argv[2]).read(), re.M))
assert names, "no capability listed in ovld(8)"
print("%016x" % sum(1 << int(nums[n]) for n in names))
EOF
) || fail "cannot read the capabilities of ovld(8)"
info "ovld(8) keeps $want"

# caps_of HOST: check /proc/PID/status of HOST's ovld.
caps_of() {
	local pid=${_topo_pid[$1]} f k v
	f=$TOPO_DIR/status-$1
	cp "/proc/$pid/status" "$f" || fail "$1: no ovld pid $pid"
	for k in CapEff CapPrm CapBnd; do
		v=$(awk -v k="$k:" '$1 == k { print $2 }' "$f")
		[ "$v" = "$want" ] || fail "$1: ovld pid $pid has $k $v, ovld(8) says $want"
	done
	for k in CapInh CapAmb; do
		v=$(awk -v k="$k:" '$1 == k { print $2 }' "$f")
		[ "$v" = 0000000000000000 ] || fail "$1: ovld pid $pid has $k $v, want none"
	done
	v=$(awk '$1 == "NoNewPrivs:" { print $2 }' "$f")
	[ "$v" = 1 ] || fail "$1: ovld pid $pid has NoNewPrivs $v, want 1"
}

cni_two_hosts
info "1. the capabilities of a ready ovld"
caps_of h1
caps_of h2

info "2. what ovld does after start-up"
M2=02:00:00:00:77:02
M9=02:00:00:00:77:09
hosts_json "$M9" fd00:1::9 10.23.0.209 fd23::d1
ns_add c1
C1=$(conf_for 1 1.0.0)
cni h1 ADD "$C1" cid-c1 eth0 c1
cni_expect_ok result 1.0.0 "ADD c1"
cp "$CNI_OUT" "$CNI_T/r1.json"
mac1=$(mac_for cid-c1 eth0)
eval "$(jvars "$CNI_T/r1.json" ip1='[i["address"].split("/")[0] for i in j["ips"] if "." in i["address"]][0]' \
	ip61='[i["address"].split("/")[0] for i in j["ips"] if ":" in i["address"]][0]')"
[ "$(ovlctl_on h1 -j endpoint list | python3 -c 'import json,sys; print([e["tso"] for e in json.load(sys.stdin) if e["id"] == "cid-c1/eth0"])')" = "[False]" ] ||
	fail "ovld did not switch TSO off in c1: $(ovld_log h1 | tail -n 3)"
in_ns c1 ethtool -k eth0 >"$TOPO_DIR/c1.features"
grep -q 'tx-tcp-segmentation: off' "$TOPO_DIR/c1.features" &&
	grep -q 'tx-tcp6-segmentation: off' "$TOPO_DIR/c1.features" || fail "c1's eth0 has TSO on"
ns_add v2
ovlctl_on h2 vnic create v2 -l overlay0 -m "$M2" --netns "$(ns_name v2)"
in_ns v2 ip link set v2 up
in_ns v2 ip addr add 10.23.0.200/24 dev v2
in_ns v2 ip addr add fd23::c8/64 dev v2 nodad
hosts_json "$M9" fd00:1::9 10.23.0.209 fd23::d1 "$M2" 10.1.0.2 10.23.0.200 fd23::c8 \
	"$mac1" 10.1.0.1 "$ip1" "$ip61"
in_ns c1 ping -c 1 -W 2 10.23.0.200 >/dev/null || fail "c1 -> v2: the first ping lost"
in_ns v2 ping -c 1 -W 2 "$ip1" >/dev/null || fail "v2 -> c1: the first ping lost"
in_ns c1 ping -6 -c 1 -W 2 fd23::c8 >/dev/null || fail "c1 -> v2 over IPv6 lost"
ovlctl_on h1 reload >/dev/null || fail "ovlctl reload"
ovlctl_on h1 map add overlay0 02:00:00:00:77:0a 10.1.0.2 || fail "map add"
ovlctl_on h1 map del overlay0 02:00:00:00:77:0a || fail "map del"
caps_of h1

info "3. a restart"
topo_kill_ovld h1
topo_ovld h1
caps_of h1
ovlctl_on h1 endpoint list | grep -q '^cid-c1/eth0 ' || fail "the restarted ovld lost cid-c1/eth0"
in_ns c1 ping -c 1 -W 2 10.23.0.200 >/dev/null || fail "c1 -> v2 lost after the restart"
cni h1 DEL "$C1" cid-c1 eth0 c1
cni_expect_ok empty "" "DEL c1"
[ -z "$(cni_endpoints h1)" ] || fail "DEL left $(cni_endpoints h1)"
info "all good"
