#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 5,000 container endpoints on one host: listing them, and the CNI plugin's
# GC over them.
#
#   ns c0 .. c4: "containers", 1,000 veth ends each (e0 .. e4999)
#        | veth pairs (ip -batch), host ends ovct0 .. ovct4999 with the
#        | CNI plugin's ifalias (ovl-cni:INSTANCE:net0:cidN:eN)
#   ns h1: u0 10.1.0.1 ---- sw
#     ovld, overlay overlay0 (VNI 23, files backend)
#       ^ endpoint.add x 5,000 on one connection (what the plugin sends on ADD)
#       ^ ovlctl endpoint list, -j endpoint list
#       ^ the ovl CNI plugin: GC of network net0
#
# What it proves:
# 1. ovld takes 5,000 endpoints (ovl_ifaces/ovl_endpoints hold 16,384);
# 2. `ovlctl endpoint list` and `ovlctl -j endpoint list` show all 5,000,
#    each with its id, MAC, address, host interface and network (ovlctl
#    pages through them);
# 3. the plugin's GC, which lists ovld's endpoints, works at this size: told
#    that every attachment but cid7/e7 is valid, it removes that one
#    endpoint and its host interface, and nothing else.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
ns_init
need_tools python3
cni_init

N=5000
PER=1000
topo_switch
topo_host h1 1
echo '{"02:00:00:00:00:02": {"ip": "10.1.0.2", "port": 4789}}' >"$TOPO_DIR/hosts.json"
topo_ovld h1
ovlctl_on h1 overlay create overlay0 -v 23 -e vxlan -s files -p "files/config=$TOPO_DIR/hosts.json"
INST=$(inst_of h1)

info "1. $N veth pairs, $N endpoint.add"
for ((c = 0; c < N / PER; c++)); do
	ns_add "c$c"
done
for ((i = 0; i < N; i++)); do
	c=$((i / PER))
	echo "link add ovct$i type veth peer name e$i netns $(ns_name "c$c")"
	echo "link set ovct$i alias ovl-cni:$INST:net0:cid$i:e$i"
done >"$TOPO_DIR/links.batch"
ip -n "$(ns_name h1)" -batch "$TOPO_DIR/links.batch" || fail "ip -batch"
cat >"$TOPO_DIR/entries.py" <<'EOF'
def ep(i, nsdir, run, per):
    return {"id": "cid%d/e%d" % (i, i), "mac": "02:20:00:00:%02x:%02x" % (i >> 8, i & 255),
            "addrs": ["10.50.%d.%d" % (i >> 8, i & 255)], "host_ifname": "ovct%d" % i,
            "ifname": "e%d" % i, "netns": "%s/ovlt-%s-c%d" % (nsdir, run, i // per),
            "network": "net0"}
EOF
cat >"$TOPO_DIR/add.py" <<'EOF'
import json, socket, sys
sys.path.insert(0, sys.argv[5])
from entries import ep

sock_path, n, run, per = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock_path)
s.settimeout(300)  # not a speed limit: a lost reply would hang us
f = s.makefile("rb")
window = 64  # requests in flight, as many CNI ADDs at once would be
sent = got = 0
while got < n:
    while sent < n and sent - got < window:
        r = dict(ep(sent, "/run/netns", run, per), cmd="endpoint.add", overlay="overlay0",
                 peer_netns=True)
        s.sendall((json.dumps(r) + "\n").encode())
        sent += 1
    r = json.loads(f.readline())
    assert r.get("ok"), (got, r)
    got += 1
EOF
in_ns h1 python3 "$TOPO_DIR/add.py" "/run/ovl/$INST.sock" "$N" "$RUN" "$PER" "$TOPO_DIR" ||
	fail "endpoint.add"

info "2. ovlctl endpoint list: all $N"
cat >"$TOPO_DIR/check.py" <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[3])
from entries import ep

kind, path, _, run, per, n, missing = sys.argv[1:8]
n, per = int(n), int(per)
want = {i: ep(i, "/run/netns", run, per) for i in range(n) if "cid%d/e%d" % (i, i) != missing}
if kind == "json":
    got = {e["id"]: e for e in json.load(open(path))}
    assert len(got) == len(want), "%d endpoints, want %d" % (len(got), len(want))
    for w in want.values():
        e = got[w["id"]]
        for k in ("mac", "host_ifname", "ifname", "netns", "network"):
            assert e[k] == w[k], (w["id"], k, e[k], w[k])
        assert w["addrs"][0] in e["addrs"], (w["id"], e["addrs"])  # and its link-local
        assert e["kind"] == "cni" and e["overlay"] == "overlay0" and e["vni"] == 23, e
else:
    lines = open(path).read().splitlines()
    head = lines[0].split()
    rows = {r[head.index("ID")]: r for r in (l.split() for l in lines[1:])}
    assert len(rows) == len(lines) - 1 == len(want), "%d rows, want %d" % (len(rows), len(want))
    for w in want.values():
        r = rows[w["id"]]
        assert r[head.index("MAC")] == w["mac"], (r, w)
        assert w["host_ifname"] in r, (r, w)
EOF
check() {
	local what=$1 missing=${2:-}
	ovlctl_on h1 endpoint list >"$TOPO_DIR/eps.txt" 2>"$TOPO_DIR/eps.err" ||
		fail "$what: ovlctl endpoint list: $(cat "$TOPO_DIR/eps.err")"
	python3 "$TOPO_DIR/check.py" table "$TOPO_DIR/eps.txt" "$TOPO_DIR" "$RUN" "$PER" "$N" \
		"$missing" || fail "$what: ovlctl endpoint list"
	ovlctl_on h1 -j endpoint list >"$TOPO_DIR/eps.json" 2>"$TOPO_DIR/eps.err" ||
		fail "$what: ovlctl -j endpoint list: $(cat "$TOPO_DIR/eps.err")"
	python3 "$TOPO_DIR/check.py" json "$TOPO_DIR/eps.json" "$TOPO_DIR" "$RUN" "$PER" "$N" \
		"$missing" || fail "$what: ovlctl -j endpoint list"
}
check "after $N endpoint.add"

info "3. CNI GC of net0: all valid but cid7/e7"
G=$CNI_T/gc.json
CNI_IPAM_JSON="{\"type\": \"host-local\", \"dataDir\": \"$CNI_T/ipam\", \"ranges\": [[{\"subnet\": \"10.50.0.0/16\"}]]}" \
	cni_conf "$G" 1.1.0 net0 "$INST"
cni_with "$G" "c['cni.dev/valid-attachments'] = [{'containerID': 'cid%d' % i, 'ifname': 'e%d' % i} for i in range($N) if i != 7]"
cni h1 GC "$G"
cni_expect_ok empty "" "GC over $N endpoints"
check "after GC" cid7/e7
ip -n "$(ns_name h1)" link show ovct7 >/dev/null 2>&1 && fail "GC left ovct7"
n=$(ip -n "$(ns_name h1)" -o link show | grep -c ': ovct[0-9]*@') || true
[ "$n" = $((N - 1)) ] || fail "$n host interfaces after GC, want $((N - 1))"
info "all good"
