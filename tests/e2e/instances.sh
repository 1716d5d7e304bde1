#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# One instance cannot take over another's data path. Instance A serves h1's
# underlay; instance B is started beside it, in the same namespace.
#
#   c1 (ns) -- h1 --+-- switch --+-- h2 -- c2 (ns)
#              u0: instance A (TC decap), c1's VNIC: A's TC program
#              u1: (a second underlay, for B in step 3)
#   ping c1 -> c2 every 5 ms from step 1 to step 4
#
# What it proves:
# 1. `ovld --instance B --underlay u0` exits 1 with a message naming A; it
#    pins nothing, and A's programs and traffic are untouched;
# 2. `ovld --instance B --underlay u0 --cleanup` exits 0 and leaves A's
#    decapsulation attached (same program id), saying so;
# 3. B serving another underlay (u1) cannot take A's endpoint: an
#    endpoint.add naming c1's host veth is refused, naming A, and the veth
#    keeps A's TC program;
# 4. a B whose state file lists A's veth as one of its VNICs (a stale state:
#    the name was reused) leaves that veth alone on --cleanup, and removes
#    its own pins, not A's;
# and through all of it, no ping from c1 to c2 is lost.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3

topo_switch
H=$TOPO_DIR/hosts.json
topo_vni_json "$H" 26 1 2
topo_vni_host 1 26 "$H"
topo_vni_host 2 26 "$H"
A=$(inst_of h1)
B=$A-b
BSTATE=$TOPO_DIR/state-b
ip -n "$(ns_name h1)" link add u1 type veth peer name u1p
ip -n "$(ns_name h1)" link set u1 up
ip -n "$(ns_name h1)" link set u1p up
on_exit "ip netns exec $(ns_name h1) $OVLD --instance $B --state-dir $BSTATE --cleanup"
in_ns c1 ping -c 3 -i 0.2 -W 2 10.26.0.2 >/dev/null || fail "c1 -> c2 lost"
veth=$(ovlctl_on h1 -j vnic list | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["host_ifname"])')

# progs: "name:id" of every program A has attached, as its status says.
progs() {
	ovlctl_on h1 -j status | python3 -c '
import json, sys
print(" ".join("%s:%d" % (p["name"], p["id"]) for p in json.load(sys.stdin)["programs"] if p["attached"]))'
}
# tc_prog IF: the id of the BPF program in IF's ingress filters, as tc shows it.
tc_prog() {
	in_ns h1 tc filter show dev "$1" ingress | sed -n 's/.* id \([0-9]*\) .*/\1/p' | head -n 1
}
ovld_b() {
	timeout 10 ip netns exec "$(ns_name h1)" "$OVLD" --instance "$B" --state-dir "$BSTATE" "$@"
}
before=$(progs)
ul_prog=$(tc_prog u0)
ep_prog=$(tc_prog "$veth")
[ -n "$ul_prog" ] && [ -n "$ep_prog" ] || fail "no TC programs on u0 / $veth: $(in_ns h1 tc filter show dev u0 ingress)"
# not through in_ns: $! must be ping itself, which prints its summary on SIGINT
ip netns exec "$(ns_name c1)" ping -q -i 0.005 -w 60 10.26.0.2 >"$TOPO_DIR/flood.txt" 2>&1 &
flood=$!
on_exit "kill $flood"
sleep 0.5

info "1. B on A's underlay"
rc=0
ovld_b --underlay u0 >"$TOPO_DIR/b1.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "ovld B on A's underlay exited $rc, want 1: $(cat "$TOPO_DIR/b1.log")"
grep -qF "underlay u0 is served by ovl instance \"$A\"" "$TOPO_DIR/b1.log" ||
	fail "the refusal does not name instance $A: $(cat "$TOPO_DIR/b1.log")"
[ ! -e "/run/ovl/bpf/$B" ] || fail "the refused B made pins: $(ls -la "/run/ovl/bpf/$B")"
[ "$(progs)" = "$before" ] || fail "A's programs changed: $before -> $(progs)"

info "2. B --cleanup on A's underlay"
rc=0
ovld_b --underlay u0 --cleanup >"$TOPO_DIR/b2.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "ovld B --cleanup exited $rc: $(cat "$TOPO_DIR/b2.log")"
[ "$(tc_prog u0)" = "$ul_prog" ] || fail "B's --cleanup touched A's decapsulation on u0: $(in_ns h1 tc filter show dev u0 ingress)"
grep -qF "of ovl instance \"$A\" attached" "$TOPO_DIR/b2.log" ||
	fail "B's --cleanup does not say it left A's program: $(cat "$TOPO_DIR/b2.log")"

info "3. B on its own underlay, asked to take A's endpoint"
ip netns exec "$(ns_name h1)" "$OVLD" --instance "$B" --state-dir "$BSTATE" --underlay u1 \
	>"$TOPO_DIR/b3.log" 2>&1 &
bpid=$!
on_exit "_topo_stop $bpid"
wait_for 10 ip netns exec "$(ns_name h1)" "$OVLCTL" --instance "$B" status ||
	fail "B on u1 did not start: $(cat "$TOPO_DIR/b3.log")"
ip netns exec "$(ns_name h1)" "$OVLCTL" --instance "$B" overlay create ov -v 26 -e vxlan -s files \
	-p "files/config=$H" >/dev/null
reply=$(python3 -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect("/run/ovl/%s.sock" % sys.argv[1])
s.sendall((json.dumps({"cmd": "endpoint.add", "id": "stolen", "overlay": "ov",
                       "host_ifname": sys.argv[2], "mac": "02:00:00:00:26:01",
                       "addrs": ["10.26.0.1"]}) + "\n").encode())
print(s.makefile().readline().strip())' "$B" "$veth")
case $reply in
*'"ok":false'*"of ovl instance"*"$A"*) ;;
*) fail "B took A's endpoint $veth, or did not say whose it is: $reply" ;;
esac
[ "$(tc_prog "$veth")" = "$ep_prog" ] || fail "$veth lost A's TC program"
kill "$bpid"
wait "$bpid" || true

info "4. B --cleanup with a stale state naming A's veth"
python3 - "$BSTATE/state.json" "$veth" <<'EOF'
import json, sys
p, veth = sys.argv[1], sys.argv[2]
st = json.load(open(p))
st["endpoints"].append({"kind": "vnic", "id": "eth0", "name": "eth0", "overlay": "ov",
                        "host_ifname": veth, "mac": "02:00:00:00:26:01", "addrs": []})
json.dump(st, open(p, "w"))
EOF
rc=0
ovld_b --underlay u1 --cleanup >"$TOPO_DIR/b4.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "ovld B --cleanup exited $rc: $(cat "$TOPO_DIR/b4.log")"
in_ns h1 ip link show "$veth" >/dev/null 2>&1 || fail "B's --cleanup deleted A's VNIC veth $veth"
[ ! -e "/run/ovl/bpf/$B" ] || fail "B's --cleanup left its pins: $(ls "/run/ovl/bpf/$B")"
[ -e "/run/ovl/bpf/$A/ovl_fdb" ] || fail "B's --cleanup removed A's pins"
grep -qF "$veth now carries another instance's program; left in place" "$TOPO_DIR/b4.log" ||
	fail "B's --cleanup does not say it left $veth: $(cat "$TOPO_DIR/b4.log")"

kill -INT "$flood"
wait "$flood" || true
info "ping: $(grep received "$TOPO_DIR/flood.txt")"
grep -q ' 0% packet loss' "$TOPO_DIR/flood.txt" || fail "c1 -> c2 lost pings: $(cat "$TOPO_DIR/flood.txt")"
[ "$(progs)" = "$before" ] || fail "A's programs changed: $before -> $(progs)"
in_ns c1 ping -c 3 -i 0.2 -W 2 10.26.0.2 >/dev/null || fail "c1 -> c2 lost at the end"
info "all good"
