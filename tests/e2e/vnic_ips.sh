#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A VNIC owns the addresses it is created with (`vnic create --ip`,
# Crossbow's allowed-ips): link protection holds it to them, and ARP/NDP
# for them is answered, though the backend does not list them.
#
#   ca (ns) eth0 02:..:50:01  --ip 10.50.0.1 --ip fd00:50::1   (hosts.json: MAC only)
#                                   h1 (one ovld)
#   cb (ns) eth0 02:..:50:02  10.50.0.2, fd00:50::2            (hosts.json: arp, ndp)
#
# What it proves:
# 1. vnic create with an address that is not one (300.1.1.1), a prefix
#    length, a multicast or broadcast address is refused by ovlctl (exit 2)
#    naming the value; one that another endpoint owns is refused by ovld
#    (exit 1) naming the owner; nothing is made;
# 2. cb pings ca on 10.50.0.1 and fd00:50::1: ARP and NDP for them are
#    answered (hosts.json does not list them); `vnic list -j` shows the
#    addresses, the table has them too;
# 3. ca sending from an address it does not own (10.50.0.9, added inside
#    its namespace) gets no reply, and drop_spoof_ip counts it;
# 4. after ovld is killed (SIGKILL) and started again: state.json has the
#    addresses, `vnic list -j` shows them, a fresh ARP (cb's neighbour
#    cache flushed) is answered, the spoofed source is still dropped.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3

MA=02:00:00:00:50:01
MB=02:00:00:00:50:02
topo_switch
H=$TOPO_DIR/hosts.json
topo_hosts_json "$H" "$MA 10.1.0.1" "$MB 10.1.0.1 arp=10.50.0.2 ndp=fd00:50::2"
topo_host h1 1
topo_ovld h1
topo_files_overlay h1 overlay0 50 "$H"
ns_add ca
ns_add cb
nsa=$(ns_name ca)

# addrs_of: the addresses `vnic list -j` gives ca's eth0, sorted, one line.
addrs_of() {
	ovlctl_on h1 -j vnic list --netns "$nsa" |
		python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)[0]["addrs"])))'
}
want_addrs="10.50.0.1 fd00:50::1 fe80::ff:fe00:5001"

info "1. bad addresses are refused, and named"
for bad in 300.1.1.1 10.50.0.1/24 224.0.0.5 255.255.255.255 ff02::1; do
	rc=0
	ovlctl_on h1 vnic create eth0 -l overlay0 -m "$MA" --netns "$nsa" --ip "$bad" \
		>/dev/null 2>"$TOPO_DIR/bad.err" || rc=$?
	[ "$rc" = 2 ] || fail "--ip $bad: exit $rc, want 2"
	grep -qF "bad --ip \"$bad\"" "$TOPO_DIR/bad.err" ||
		fail "--ip $bad: the error does not name it: $(cat "$TOPO_DIR/bad.err")"
done
in_ns ca ip link show eth0 >/dev/null 2>&1 && fail "a refused vnic create left eth0 in ca"

ovlctl_on h1 vnic create eth0 -l overlay0 -m "$MA" --netns "$nsa" \
	--ip 10.50.0.1 --ip fd00:50::1 >/dev/null || fail "vnic create --ip refused"
topo_vnic h1 cb overlay0 "$MB" 10.50.0.2/24 fd00:50::2/64
for a in 10.50.0.1/24 fd00:50::1/64; do
	case $a in
	*:*) in_ns ca ip addr add "$a" dev eth0 nodad ;;
	*) in_ns ca ip addr add "$a" dev eth0 ;;
	esac
done
in_ns ca ip link set eth0 up

# Another VNIC may not claim ca's address (nor may cb's backend address).
rc=0
ovlctl_on h1 vnic create eth1 -l overlay0 -m 02:00:00:00:50:03 --netns "$nsa" --ip fd00:50::1 \
	>/dev/null 2>"$TOPO_DIR/taken.err" || rc=$?
[ "$rc" = 1 ] || fail "an address ca owns for another VNIC: exit $rc, want 1"
grep -qF "address fd00:50::1 on overlay overlay0 belongs to MAC $MA (VNIC eth0 in namespace $nsa)" \
	"$TOPO_DIR/taken.err" || fail "the refusal does not name the owner: $(cat "$TOPO_DIR/taken.err")"
in_ns ca ip link show eth1 >/dev/null 2>&1 && fail "the refused VNIC eth1 was made"
n=$(ovlctl_on h1 -j vnic list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 2 ] || fail "$n VNICs, want 2: $(ovlctl_on h1 vnic list)"

info "2. ARP and NDP for ca's addresses are answered"
in_ns cb ping -c 2 -i 0.2 -W 2 10.50.0.1 >/dev/null || fail "cb -> ca (10.50.0.1) lost"
in_ns cb ping -6 -c 2 -i 0.2 -W 2 fd00:50::1 >/dev/null || fail "cb -> ca (fd00:50::1) lost"
in_ns cb ip neigh show 10.50.0.1 | grep -qi "$MA" || fail "cb's ARP entry for 10.50.0.1 is not $MA"
got=$(addrs_of)
[ "$got" = "$want_addrs" ] || fail "vnic list -j addrs: \"$got\", want \"$want_addrs\""
ovlctl_on h1 vnic list --netns "$nsa" | grep -q "10.50.0.1,fd00:50::1" ||
	fail "the vnic list table has no addresses: $(ovlctl_on h1 vnic list --netns "$nsa")"

# spoofed: ca pings cb from 10.50.0.9 (its neighbour entry for cb is fresh,
# so the echo request itself carries the source); no reply, counted.
spoofed() {
	local before after
	in_ns ca ping -c 1 -W 2 10.50.0.2 >/dev/null || fail "$1: ca -> cb from its own address lost"
	before=$(stat_of h1 drop_spoof_ip)
	in_ns ca ping -c 2 -i 0.2 -W 1 -I 10.50.0.9 10.50.0.2 >/dev/null 2>&1 &&
		fail "$1: ca's spoofed source 10.50.0.9 was answered"
	after=$(stat_of h1 drop_spoof_ip)
	[ "$after" -ge $((before + 2)) ] || fail "$1: drop_spoof_ip $before -> $after, want +2"
}

info "3. a source ca does not own is dropped"
in_ns ca ip addr add 10.50.0.9/24 dev eth0
spoofed "before the restart"

info "4. SIGKILL, restart: the addresses are restored and still enforced"
topo_kill_ovld h1 KILL
topo_ovld h1
python3 - "$TOPO_DIR/state-h1/state.json" "$nsa" <<'EOF' || fail "state.json does not keep ca's addresses"
import json, sys
st = json.load(open(sys.argv[1]))
ep = [e for e in st["endpoints"] if e["kind"] == "vnic" and e["netns"] == sys.argv[2]][0]
assert {"10.50.0.1", "fd00:50::1"} <= set(ep["addrs"]), ep["addrs"]
EOF
got=$(addrs_of)
[ "$got" = "$want_addrs" ] || fail "after the restart, vnic list -j addrs: \"$got\""
in_ns cb ip neigh flush dev eth0
in_ns cb ping -c 2 -i 0.2 -W 2 10.50.0.1 >/dev/null || fail "cb -> ca (10.50.0.1) lost after the restart"
in_ns cb ping -6 -c 2 -i 0.2 -W 2 fd00:50::1 >/dev/null || fail "cb -> ca (fd00:50::1) lost after the restart"
spoofed "after the restart"
info "all good"
