#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Every ovlctl verb against a real ovld, as a table and as JSON (-j).
#
#   c1 (ns) eth0 02:..:01 10.23.0.1 --+                 +-- c5 (ns) eth0 02:..:05 10.23.0.5
#   hv0 (a VNIC in h1 itself) ---------h1 == switch == h2     (not in hosts.json: reached
#   ovlctl --instance h1 -----> ovld   10.1.0.1     10.1.0.2   through `map add` and
#                                                              `neigh add` on h1)
#
# What it proves: for overlay create/list/delete, vnic create/list/delete
# (in the host and with --netns), endpoint list, map add/get/list/del,
# neigh add/list/del, stats (-a), status, monitor (-c) and reload:
# - success: exit 0, nothing on stderr; changes print nothing, -j prints
#   ovld's result; tables have their header and the rows asked for;
# - refusals by ovld (duplicate name, VNI, MAC; unknown overlay; delete of
#   an overlay in use; a missing entry; a broken hosts.json): exit 1,
#   stdout empty, stderr "ovlctl: VERB: message naming what failed", with
#   and without -j;
# - bad arguments (unknown backend, bad -p key, multicast MAC): exit 2,
#   stdout empty, the reason and a usage line on stderr, nothing sent;
# - the data path does what the verbs say: a static map and neigh entry
#   carry a ping to a MAC hosts.json does not know; status counts the TC
#   attachments that are really there; monitor decodes a miss and a drop.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 bpftool

topo_switch
T=$TOPO_DIR
H=$T/hosts.json
cat >"$H" <<'EOF'
{
	"02:00:00:00:23:01": { "ip": "10.1.0.1", "port": 4789, "arp": "10.23.0.1" },
	"02:00:00:00:23:02": { "ip": "10.1.0.2", "port": 4789, "arp": "10.23.0.2" }
}
EOF
topo_host h1 1
topo_host h2 2
topo_ovld h1 --decap xdp
topo_ovld h2
inst=$(inst_of h1)
for c in c1 c5; do
	ns_add "$c"
	# No IPv6: its router solicitations and MLD reports would be drop
	# events in the middle of the monitor's.
	in_ns "$c" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done

# ctl ARGS...: ovlctl against h1's ovld; $rc, $T/out and $T/err hold the outcome.
rc=0
ctl() {
	rc=0
	ovlctl_on h1 "$@" >"$T/out" 2>"$T/err" || rc=$?
}
# ok ARGS...: ovlctl succeeds, quietly on stderr.
ok() {
	ctl "$@"
	[ "$rc" = 0 ] || fail "ovlctl $*: exit $rc: $(cat "$T/err")"
	[ ! -s "$T/err" ] || fail "ovlctl $*: stderr: $(cat "$T/err")"
}
# quiet ARGS...: a change: succeeds and prints nothing at all.
quiet() {
	ok "$@"
	[ ! -s "$T/out" ] || fail "ovlctl $*: printed $(cat "$T/out")"
}
# refused RC MESSAGE ARGS...: exit RC, nothing on stdout, and the first line
# of stderr is "ovlctl: " followed by the command and MESSAGE; RC 2 also
# wants the usage line. With -j: the same exit status, nothing on stderr,
# and on stdout a JSON object whose "error" holds MESSAGE (and "usage"
# for RC 2).
refused() {
	local want=$1 msg=$2
	shift 2
	ctl "$@"
	[ "$rc" = "$want" ] || fail "ovlctl $*: exit $rc, want $want; stderr: $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "ovlctl $*: stdout on an error: $(cat "$T/out")"
	case $(head -n 1 "$T/err") in
	"ovlctl: "*"$msg"*) ;;
	*) fail "ovlctl $*: stderr \"$(cat "$T/err")\", want \"ovlctl: ...$msg...\"" ;;
	esac
	if [ "$want" = 2 ]; then
		grep -q '^usage: ovlctl' "$T/err" || fail "ovlctl $*: no usage line"
	fi
	ctl -j "$@"
	[ "$rc" = "$want" ] || fail "ovlctl -j $*: exit $rc, want $want; stdout: $(cat "$T/out")"
	[ ! -s "$T/err" ] || fail "ovlctl -j $*: stderr on an error: $(cat "$T/err")"
	MSG=$msg RC=$want python3 -c '
import json, os, sys
j = json.load(open(sys.argv[1]))
assert os.environ["MSG"] in j["error"], j
assert (os.environ["RC"] == "2") == j.get("usage", "").startswith("ovlctl "), j' "$T/out" ||
		fail "ovlctl -j $*: stdout is not the JSON error: $(cat "$T/out")"
}
# has TEXT: the last stdout has a line containing TEXT.
has() {
	grep -qF -- "$1" "$T/out" || fail "no \"$1\" in: $(cat "$T/out")"
}
# row FIELD...: the last stdout has a table row of exactly these cells.
row() {
	local re="^" sep="" f
	for f in "$@"; do
		re="$re$sep$(printf '%s' "$f" | sed 's/[.[\*^$]/\\&/g')"
		sep="  *"
	done
	grep -q -- "$re *\$" "$T/out" || fail "no row \"$re\" in: $(cat "$T/out")"
}
# json PYEXPR: true when PYEXPR holds for the last stdout, parsed as j.
json() {
	python3 -c "import json,os,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$T/out" ||
		fail "not true of the JSON: $1: $(cat "$T/out")"
}

info "overlay create, list, delete"
quiet overlay create ov0 -v 23 -e vxlan -s files -p "files/config=$H"
ok -j overlay create ov1 -v 24 -e vxlan -s files -p "files/config=$H"
json 'j["name"] == "ov1" and j["vni"] == 24 and j["search"] == "files" and j["entries"] == 2'
refused 1 "overlay create: overlay ov0 exists" overlay create ov0 -v 25 -e vxlan -s files -p "files/config=$H"
refused 1 "overlay create: vni 23 is already overlay ov0" \
	overlay create ov9 -v 23 -e vxlan -s files -p "files/config=$H"
refused 1 "overlay create: $T/none.json: cannot open: No such file or directory" \
	overlay create ov9 -v 26 -e vxlan -s files -p "files/config=$T/none.json"
refused 2 'overlay create: bad search "svp": expected "files", "direct" or "etcd"' \
	overlay create ov9 -v 26 -e vxlan -s svp -p "files/config=$H"
refused 2 'overlay create: unknown property "files/nope"' \
	overlay create ov9 -v 26 -e vxlan -s files -p files/nope=1
refused 2 'overlay create: property "direct/dest_ip" needs -s direct, not -s files' \
	overlay create ov9 -v 26 -e vxlan -s files -p "files/config=$H" -p direct/dest_ip=10.1.0.2
refused 2 'overlay create: -s direct needs -p direct/dest_ip=ADDR' overlay create ov9 -v 26 -e vxlan -s direct
ok overlay list
head -n 1 "$T/out" | grep -q '^NAME *VNI *ENCAP *SEARCH *ENTRIES *DROPS *PEER_UNKNOWN *ROUTER *PROPS$' ||
	fail "overlay list header: $(cat "$T/out")"
row ov0 23 vxlan files 2 0 0 - "files/config=$H"
row ov1 24 vxlan files 2 0 0 - "files/config=$H"
ok -j overlay list
json 'sorted((o["name"], o["vni"]) for o in j) == [("ov0", 23), ("ov1", 24)]'
quiet overlay delete ov1
refused 1 "overlay delete: no overlay ov1" overlay delete ov1
ok -j overlay list
json '[o["name"] for o in j] == ["ov0"]'

info "vnic create, list, delete"
# a MAC hosts.json does not list: made, with a warning (nobody can find it)
ctl -j vnic create hv0 -l ov0 -m 02:00:00:00:23:07
[ "$rc" = 0 ] || fail "vnic create of an unknown MAC: exit $rc: $(cat "$T/err")"
grep -q "^ovlctl: warning: MAC 02:00:00:00:23:07 is not in the backend of overlay ov0 (files/config $H)" "$T/err" ||
	fail "vnic create of an unknown MAC: no warning: $(cat "$T/err")"
json 'j["name"] == "hv0" and j["mac"] == "02:00:00:00:23:07" and j["netns"] == "" and j["vni"] == 23'
json 'len(j["warnings"]) == 1 and "02:00:00:00:23:07" in j["warnings"][0]'
in_ns h1 ip -br link show hv0 | grep -q "02:00:00:00:23:07" || fail "no hv0 in h1"
quiet vnic create eth0 -l ov0 -m 02:00:00:00:23:01 --netns "$(ns_name c1)"
in_ns c1 ip -br link show eth0 | grep -q "02:00:00:00:23:01" || fail "no eth0 in c1"
in_ns c1 ip addr add 10.23.0.1/24 dev eth0
refused 1 "vnic create: VNIC hv0 exists" vnic create hv0 -l ov0 -m 02:00:00:00:23:09
refused 1 "vnic create: MAC 02:00:00:00:23:07 is already VNIC hv0 on overlay ov0" \
	vnic create hv1 -l ov0 -m 02:00:00:00:23:07
refused 1 "vnic create: no overlay nosuch" vnic create hv1 -l nosuch -m 02:00:00:00:23:0a
refused 1 "vnic create: interface u0 exists" vnic create u0 -l ov0 -m 02:00:00:00:23:0a
refused 2 'vnic create: bad MAC "03:00:00:00:00:01": a multicast MAC' vnic create hv1 -l ov0 -m 03:00:00:00:00:01
refused 2 'vnic create: missing -m' vnic create hv1 -l ov0
ok vnic list
head -n 1 "$T/out" | grep -q '^NAME *OVERLAY *VNI *MAC *ADDRS *NETNS *HOST_IF *IFINDEX *MAXBW$' || fail "vnic list header: $(cat "$T/out")"
grep -q "^hv0 *ov0 *23 *02:00:00:00:23:07 *fe80::ff:fe00:2307 *- *ovl[0-9a-f]\{8\} *[0-9]" "$T/out" || fail "vnic list: hv0: $(cat "$T/out")"
grep -q "^eth0 *ov0 *23 *02:00:00:00:23:01 *fe80::ff:fe00:2301,10.23.0.1 *$(ns_name c1) *ovl[0-9a-f]\{8\} *[0-9]" "$T/out" ||
	fail "vnic list: eth0: $(cat "$T/out")"
ok -j vnic list
json 'sorted(v["name"] for v in j) == ["eth0", "hv0"]'
refused 1 "overlay delete: overlay ov0 has 2 endpoints: delete them first" overlay delete ov0
quiet vnic delete hv0
in_ns h1 ip link show hv0 >/dev/null 2>&1 && fail "hv0 still there after vnic delete"
refused 1 "vnic delete: no VNIC hv0" vnic delete hv0

info "endpoint list"
ok endpoint list
head -n 1 "$T/out" | grep -q '^ID *KIND *NETWORK *OVERLAY *VNI *MAC *ADDRS *HOST_IF *IFINDEX *NETNS$' ||
	fail "endpoint list header: $(cat "$T/out")"
has "fe80::ff:fe00:2301,10.23.0.1"
ok -j endpoint list
json 'len(j) == 1 and j[0]["id"] == "eth0" and j[0]["kind"] == "vnic" and "10.23.0.1" in j[0]["addrs"]'

info "map add, get, list, del"
quiet map add ov0 02:00:00:00:23:05 10.1.0.2
# toward an address that is no peer of ov0: made, with a warning
ctl -j map add ov0 02:00:00:00:23:06 fd00:1::2 4790
[ "$rc" = 0 ] || fail "map add toward a non-peer: exit $rc: $(cat "$T/err")"
grep -q "^ovlctl: warning: fd00:1::2 is not a peer of overlay ov0 .*peer_unknown" "$T/err" ||
	fail "map add toward a non-peer: no warning: $(cat "$T/err")"
json 'j.pop("warnings") and j == {"overlay": "ov0", "vni": 23, "mac": "02:00:00:00:23:06", "ip": "fd00:1::2", "port": 4790, "static": True}'
ok map get ov0 02:00:00:00:23:05
[ "$(cat "$T/out")" = "OVERLAY  VNI  MAC                UNDERLAY  PORT  STATIC
ov0      23   02:00:00:00:23:05  10.1.0.2  4789  yes" ] || fail "map get: $(cat "$T/out")"
ok -j map get ov0 02:00:00:00:23:05
json 'j["ip"] == "10.1.0.2" and j["port"] == 4789 and j["static"]'
refused 1 "map get: no forwarding entry for 02:00:00:00:23:99 on overlay ov0" map get ov0 02:00:00:00:23:99
refused 1 "map get: no overlay nosuch" map get nosuch 02:00:00:00:23:05
refused 1 "map add: that MAC is a local endpoint of overlay ov0" map add ov0 02:00:00:00:23:01 10.1.0.2
refused 2 'map add: bad IP address "10.1.0"' map add ov0 02:00:00:00:23:05 10.1.0
for args in "" ov0; do
	# shellcheck disable=SC2086 # no overlay: no word
	ok map list $args
	row ov0 23 02:00:00:00:23:05 10.1.0.2 4789 yes
	row ov0 23 02:00:00:00:23:06 fd00:1::2 4790 yes
	# shellcheck disable=SC2086
	ok -j map list $args
	json 'sorted(e["mac"] for e in j if e["static"]) == ["02:00:00:00:23:05", "02:00:00:00:23:06"]'
done
refused 1 "map list: no overlay nosuch" map list nosuch
quiet map del ov0 02:00:00:00:23:06
refused 1 "map del: no forwarding entry for 02:00:00:00:23:06 on overlay ov0" map del ov0 02:00:00:00:23:06

info "neigh add, list, del"
quiet neigh add ov0 10.23.0.5 02:00:00:00:23:05
ok -j neigh add ov0 10.23.0.6 02:00:00:00:23:06
json 'j == {"overlay": "ov0", "vni": 23, "ip": "10.23.0.6", "mac": "02:00:00:00:23:06", "static": True}'
refused 2 'neigh add: bad MAC "01:00:5e:00:00:01": a multicast MAC' neigh add ov0 10.23.0.7 01:00:5e:00:00:01
refused 1 "neigh add: no overlay nosuch" neigh add nosuch 10.23.0.7 02:00:00:00:23:07
ok neigh list ov0
head -n 1 "$T/out" | grep -q '^OVERLAY *VNI *IP *MAC *STATIC$' || fail "neigh list header: $(cat "$T/out")"
row ov0 23 10.23.0.5 02:00:00:00:23:05 yes
row ov0 23 10.23.0.1 02:00:00:00:23:01 yes
ok -j neigh list
json '{(e["ip"], e["mac"]) for e in j} >= {("10.23.0.5", "02:00:00:00:23:05"), ("10.23.0.6", "02:00:00:00:23:06"), ("10.23.0.1", "02:00:00:00:23:01")}'
quiet neigh del ov0 10.23.0.6
refused 1 "neigh del: no neighbour entry for 10.23.0.6 on overlay ov0" neigh del ov0 10.23.0.6
refused 1 "neigh del: 10.23.0.1 is an address of VNIC eth0" neigh del ov0 10.23.0.1

info "the static entries carry traffic"
# c5 is on h2 under a MAC hosts.json does not list: h1 finds it only
# through `map add` and `neigh add` (its ARP answered in BPF).
ovlctl_on h2 overlay create ov0 -v 23 -e vxlan -s files -p "files/config=$H"
ovlctl_on h2 vnic create eth0 -l ov0 -m 02:00:00:00:23:05 --netns "$(ns_name c5)"
in_ns c5 ip addr add 10.23.0.5/24 dev eth0
arp0=$(stat_of h1 arp_reply)
in_ns c1 ping -c 2 -i 0.2 -W 2 10.23.0.5 >/dev/null || fail "c1 -> c5 through the static entries lost"
[ "$(stat_of h1 arp_reply)" -gt "$arp0" ] || fail "the ARP request for 10.23.0.5 was not answered in BPF"

info "stats"
ok -j stats
json 'all(set(c) == {"packets", "bytes"} for c in j["counters"].values())'
names="rx_pass rx_decap rx_decap_bcast rx_unknown_vni rx_fragment tx_encap4 tx_encap6 tx_local arp_reply
ndp_reply dhcp_proxy miss_l2 miss_arp miss_ndp encap_gso encap6_nocsum neigh_resolve drop_evt_lost
icmp_too_big dhcp_reply drop_truncated drop_vxlan_flags drop_peer_unknown drop_no_endpoint drop_bcast drop_no_iface
drop_spoof_mac drop_spoof_ip drop_spoof_arp drop_ethertype drop_arp_bad drop_ndp_bad drop_miss
drop_miss_ratelimit drop_miss_ringbuf_full drop_no_local_addr drop_fib drop_mtu drop_adjust
drop_hairpin drop_dad drop_fwd_disabled drop_spoof_nd drop_vlan drop_dhcp_server drop_ip6_exthdr"
NAMES=$names json 'sorted(j["counters"]) == sorted(os.environ["NAMES"].split())'
ok stats
head -n 1 "$T/out" | grep -q '^COUNTER *PACKETS *BYTES$' || fail "stats header: $(cat "$T/out")"
grep -q '^tx_encap4 *[1-9][0-9]* *[1-9][0-9]*$' "$T/out" || fail "stats: no tx_encap4: $(cat "$T/out")"
grep -q ' 0 *0$' "$T/out" && fail "stats without -a lists a counter at zero: $(cat "$T/out")"
ok stats -a
n=$(echo "$names" | wc -w)
[ "$(wc -l <"$T/out")" = $((n + 1)) ] || fail "stats -a: $(wc -l <"$T/out") lines, want a header and $n counters"
grep -q '^drop_vxlan_flags *0 *0$' "$T/out" || fail "stats -a: no zero counter: $(cat "$T/out")"

info "status"
ok status
abi=$(sed -n 's/^#define OVL_ABI_VERSION \([0-9]*\)$/\1/p' "$OVL_TOP/bpf/ovl_abi.h")
has "instance   $inst (pid ${_topo_pid[h1]}, version 0.1.0, abi $abi)"
grep -q "^underlay   u0 (ifindex [0-9]*, local4 10.1.0.1, local6 fd00:1::1, port 4789, decap xdp, xdp \(native\|generic\), prog [0-9]*)$" "$T/out" ||
	fail "status: underlay line: $(cat "$T/out")"
has "pin dir    /run/ovl/bpf/$inst"
has "state dir  $T/state-h1"
grep -q '^events     received [0-9]*, lost 0, unresolved [0-9]*, first frames delivered [0-9]*, their checksums finished [0-9]*, their checksums invalid 0, answers injected [0-9]*$' "$T/out" || fail "status: events line: $(cat "$T/out")"
grep -q '^ovl_xdp_rx *[0-9]* *1$' "$T/out" || fail "status: XDP not attached: $(cat "$T/out")"
grep -q '^ovl_tc_ep_in *[0-9]* *1$' "$T/out" || fail "status: TC not attached once: $(cat "$T/out")"
grep -q '^ovl_endpoints *1 *16384 *0.0%$' "$T/out" || fail "status: map fill: $(cat "$T/out")"
ok -j status
json 'j["instance"] == "'"$inst"'" and j["adopted"] is False and j["underlay"]["ifname"] == "u0"'
json '{p["name"]: p["attached"] for p in j["programs"]} == {"ovl_xdp_rx": 1, "ovl_tc_ep_in": 1, "ovl_tc_ul_in": 0}'
json 'j["maps"]["ovl_endpoints"] == {"entries": 1, "max": 16384} and j["maps"]["ovl_fdb"]["entries"] >= 1'
# status looks at the attachments, not at its own list: take the TC
# program off the VNIC's veth behind ovld's back.
host_if=$(ovlctl_on h1 -j vnic list | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["host_ifname"])')
in_ns h1 tc qdisc del dev "$host_if" clsact
ok -j status
json '{p["name"]: p["attached"] for p in j["programs"]}["ovl_tc_ep_in"] == 0'

info "monitor"
topo_drop_events h1 && fail "drop events on with no monitor"
# The TC program back: a restart of ovld re-attaches what its state lists.
topo_kill_ovld h1
topo_ovld h1 --decap xdp
ok -j status
json '{p["name"]: p["attached"] for p in j["programs"]}["ovl_tc_ep_in"] == 1'
# A MAC nobody knows: one echo request, one miss, one unresolved.
in_ns c1 ip neigh replace 10.23.0.98 lladdr 02:00:00:00:23:98 dev eth0 nud permanent
ovlctl_on h1 monitor -c 3 >"$T/mon.out" 2>"$T/mon.err" &
mon=$!
on_exit "kill $mon"
wait_for 5 topo_drop_events h1 || fail "the monitor did not get in"
in_ns c1 ping -c 1 -W 1 10.23.0.98 >/dev/null && fail "a ping to a MAC nobody knows was answered"
in_ns c1 ping -b -c 1 -W 1 10.23.0.255 >/dev/null 2>&1 || true # dropped: no answer
wait_for 5 sh -c "! kill -0 $mon" || fail "monitor -c 3 still running: $(cat "$T/mon.out")"
rc=0
wait "$mon" || rc=$?
[ "$rc" = 0 ] || fail "monitor -c 3 exited $rc: $(cat "$T/mon.err")"
[ ! -s "$T/mon.err" ] || fail "monitor: stderr: $(cat "$T/mon.err")"
ifx=$(in_ns h1 cat "/sys/class/net/$host_if/ifindex")
ts='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]\{8\}\.[0-9]\{3\}'
# the interface by name (and the endpoint behind it), not by ifindex
at="ifname=$host_if endpoint=eth0"
sed -n 1p "$T/mon.out" | grep -q "^$ts miss_l2 vni=23 mac=02:00:00:00:23:98 $at len=98$" ||
	fail "monitor line 1: $(cat "$T/mon.out")"
sed -n 2p "$T/mon.out" | grep -q "^$ts unresolved vni=23 mac=02:00:00:00:23:98 $at len=98 what=mac$" ||
	fail "monitor line 2: $(cat "$T/mon.out")"
sed -n 3p "$T/mon.out" | grep -q "^$ts drop vni=23 $at reason=bcast len=98 .*src=02:00:00:00:23:01 .*dst=ff:ff:ff:ff:ff:ff" ||
	fail "monitor line 3: $(cat "$T/mon.out")"
grep -q "proto=ipv4" "$T/mon.out" || fail "monitor: the drop has no proto: $(cat "$T/mon.out")"
drop_events_off() { ! topo_drop_events h1; }
wait_for 5 drop_events_off || fail "drop events still on after the monitor left"
ovlctl_on h1 -j monitor -c 2 >"$T/mon.out" 2>"$T/mon.err" &
mon=$!
on_exit "kill $mon"
wait_for 5 topo_drop_events h1 || fail "the monitor -j did not get in"
in_ns c1 ping -c 1 -W 1 10.23.0.98 >/dev/null && fail "a ping to a MAC nobody knows was answered"
wait_for 5 sh -c "! kill -0 $mon" || fail "monitor -j -c 2 still running: $(cat "$T/mon.out")"
python3 - "$T/mon.out" "$ifx" "$host_if" <<'EOF' || fail "monitor -j: $(cat "$T/mon.out")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert [e["event"] for e in ev] == ["miss_l2", "unresolved"], ev
assert all(e["vni"] == 23 and e["mac"] == "02:00:00:00:23:98" and e["time"] > 1e9 for e in ev), ev
# -j has the interface both ways
assert all(e["ifindex"] == int(sys.argv[2]) and e["ifname"] == sys.argv[3] for e in ev), ev
EOF

info "reload"
ok reload
[ "$(cat "$T/out")" = "reloaded ov0" ] || fail "reload: $(cat "$T/out")"
ok -j reload ov0
json 'j == {"reloaded": ["ov0"]}'
refused 1 "reload: no overlay nosuch" reload nosuch
cp "$H" "$T/good.json"
printf '{ "02:00:00:00:23:01": { "ip": "10.1.0.1" } }\n' >"$T/broken.json"
mv "$T/broken.json" "$H"
refused 1 "reload: $H:1:3: \"02:00:00:00:23:01\": missing \"port\" (the VXLAN UDP port)" reload
mv "$T/good.json" "$H"
ok reload
[ "$(cat "$T/out")" = "reloaded ov0" ] || fail "reload after the fix: $(cat "$T/out")"

info "overlay delete, once nothing uses it"
refused 1 "overlay delete: overlay ov0 has 1 endpoint: delete them first" overlay delete ov0
quiet vnic delete eth0
quiet overlay delete ov0
ok overlay list
[ ! -s "$T/out" ] || fail "overlay list after the last delete: $(cat "$T/out")"
ok -j map list
json 'j == []'
info "all good"
