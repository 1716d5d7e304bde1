#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The control socket under load: one client floods it, lists are long, a
# client half-closes.
#
#   ns h1: u0 10.1.0.1 ---- sw ----   (no peer needed: nothing is forwarded)
#     ovld, overlay ov0 (VNI 23, files backend: peers 10.1.0.2 and 10.1.0.3)
#       ^ flooder (python3): 100,000 map.add on one connection, all written
#       |   before ovld reads the first (its send buffer holds them)
#       ^ ovlctl status, started once the flood is being answered
#       ^ ovlctl map list, -j map list, a half-closing python3 client
#
# What it proves:
# 1. `ovlctl status` is answered while the flood is still going: the
#    ovl_fdb count it reports is below 100,000 (the flooder reads no reply
#    before: its unread replies hold its next requests back, ovlctl's get
#    through), and every one of the flood's 100,000 requests is answered
#    after, in order, none lost;
# 2. `ovlctl map list` and `ovlctl -j map list` (and `map list ov0`) give all
#    100,000 entries, each with the MAC, underlay address and port it was
#    added with (ovlctl pages through them);
# 3. a client that sends {"cmd": "map.list"} (no cursor: the old request),
#    shuts its sending side down and reads to the end gets the complete
#    list in one reply line; one that sends three small requests and
#    half-closes gets three replies;
# 4. paging by hand: "limit" and "cursor" give pages of at most the limit
#    that add up to the whole list, and a bad cursor is an error;
# 5. turns, without timing: with ovld stopped (SIGSTOP), a client sends
#    100,000 map.del and another a status request; once ovld runs again,
#    the status it answers still counts entries to delete, and every
#    map.del is answered.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3

N=100000
topo_switch
topo_host h1 1
cat >"$TOPO_DIR/hosts.json" <<'EOF'
{
	"02:00:00:00:00:02": { "ip": "10.1.0.2", "port": 4789 },
	"02:00:00:00:00:03": { "ip": "10.1.0.3", "port": 4789 }
}
EOF
topo_ovld h1
ovlctl_on h1 overlay create ov0 -v 23 -e vxlan -s files -p "files/config=$TOPO_DIR/hosts.json"
SOCK=/run/ovl/$(inst_of h1).sock

# The entries: MAC 02:10:HH:HH:HH:HH from i, underlay .2 or .3, port from i.
cat >"$TOPO_DIR/entries.py" <<'EOF'
def entry(i):
    return ("02:10:%02x:%02x:%02x:%02x" % (i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255),
            "10.1.0.%d" % (2 + i % 2), 10000 + i % 50000)


def expected(n):
    return {entry(i) for i in range(n)}
EOF

info "1. a flood of $N map.add, and ovlctl status in the middle of it"
cat >"$TOPO_DIR/flood.py" <<'EOF'
import json, socket, subprocess, sys
sys.path.insert(0, sys.argv[4])
from entries import entry

sock_path, n, ovlctl = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
# Room for the whole flood in the kernel before ovld reads any of it (as
# root: past wmem_max), so that ovld always has more of it to read.
s.setsockopt(socket.SOL_SOCKET, 32, 64 << 20)  # SO_SNDBUFFORCE
s.connect(sock_path)
reqs = []
for i in range(n):
    mac, ip, port = entry(i)
    reqs.append(json.dumps({"cmd": "map.add", "overlay": "ov0", "mac": mac, "ip": ip,
                            "port": port}))
s.sendall(("\n".join(reqs) + "\n").encode())
# No reply is read until status has answered: ovld reads no more of a
# client whose replies wait unread, so however slowly ovlctl starts, the
# flood cannot be over by then (unless ovld handled it all at once).
st = subprocess.run(ovlctl + ["-j", "status"], capture_output=True, timeout=300)
assert st.returncode == 0, st
print(json.loads(st.stdout)["maps"]["ovl_fdb"]["entries"], flush=True)
# Every request answered, in order (a lost reply would leave us waiting:
# the timeout only turns that into a failure).
s.settimeout(120)
f = s.makefile("rb")
got = 0
while got < n:
    r = json.loads(f.readline())
    assert r.get("ok") and r["result"]["mac"] == entry(got)[0], (got, r)
    got += 1
print(got)
EOF
in_ns h1 python3 "$TOPO_DIR/flood.py" "$SOCK" "$N" "$OVLCTL --instance $(inst_of h1)" \
	"$TOPO_DIR" >"$TOPO_DIR/flood.out" 2>"$TOPO_DIR/flood.err" || true
{ read -r fdb_at_status && read -r answered; } <"$TOPO_DIR/flood.out" || true
[ -n "${fdb_at_status:-}" ] || fail "flood client: $(cat "$TOPO_DIR/flood.err")"
info "status answered with $fdb_at_status of $N entries in ovl_fdb"
[ "$fdb_at_status" -lt "$N" ] ||
	fail "ovlctl status was answered only after the whole flood ($fdb_at_status entries)"
[ "${answered:-}" = "$N" ] ||
	fail "the flood was not answered in full: $(tail -n 3 "$TOPO_DIR/flood.err")"

info "2. ovlctl map list: all $N entries"
cat >"$TOPO_DIR/check.py" <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[3])
from entries import expected

kind, path, _, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if kind == "json":
    rows = json.load(open(path))
    got = [(e["mac"], e["ip"], e["port"]) for e in rows if e["overlay"] == "ov0" and e["vni"] == 23]
else:
    lines = open(path).read().splitlines()
    assert lines[0].split() == ["OVERLAY", "VNI", "MAC", "UNDERLAY", "PORT", "STATIC"], lines[0]
    rows = [l.split() for l in lines[1:]]
    got = [(r[2], r[3], int(r[4])) for r in rows if r[0] == "ov0" and r[1] == "23" and r[5] == "yes"]
assert len(rows) == n, "%d entries, want %d" % (len(rows), n)
assert len(got) == n and set(got) == expected(n), "content differs"
EOF
ovlctl_on h1 map list >"$TOPO_DIR/list.txt" 2>"$TOPO_DIR/list.err" ||
	fail "ovlctl map list: $(cat "$TOPO_DIR/list.err")"
python3 "$TOPO_DIR/check.py" table "$TOPO_DIR/list.txt" "$TOPO_DIR" "$N" || fail "ovlctl map list"
ovlctl_on h1 -j map list >"$TOPO_DIR/list.json" 2>"$TOPO_DIR/list.err" ||
	fail "ovlctl -j map list: $(cat "$TOPO_DIR/list.err")"
python3 "$TOPO_DIR/check.py" json "$TOPO_DIR/list.json" "$TOPO_DIR" "$N" || fail "ovlctl -j map list"
ovlctl_on h1 -j map list ov0 >"$TOPO_DIR/list.json" 2>"$TOPO_DIR/list.err" ||
	fail "ovlctl -j map list ov0: $(cat "$TOPO_DIR/list.err")"
python3 "$TOPO_DIR/check.py" json "$TOPO_DIR/list.json" "$TOPO_DIR" "$N" || fail "ovlctl -j map list ov0"

info "3. half-closing clients"
cat >"$TOPO_DIR/halfclose.py" <<'EOF'
import json, socket, sys
sys.path.insert(0, sys.argv[2])
from entries import expected

sock_path, n = sys.argv[1], int(sys.argv[3])


def ask(reqs):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    s.sendall("".join(json.dumps(r) + "\n" for r in reqs).encode())
    s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        data += b
    s.close()
    assert data.endswith(b"\n"), "the reply ends without a newline after %d bytes" % len(data)
    return [json.loads(l) for l in data.decode().splitlines()]


# The old request: no cursor, the whole list in one line.
r = ask([{"cmd": "map.list"}])
assert len(r) == 1 and r[0]["ok"] and "next" not in r[0], [list(x) for x in r]
got = [(e["mac"], e["ip"], e["port"]) for e in r[0]["result"]]
assert len(got) == n and set(got) == expected(n), "map.list: %d entries" % len(got)
r = ask([{"cmd": "status"}, {"cmd": "map.get", "overlay": "ov0", "mac": "02:10:00:00:00:07"},
         {"cmd": "overlay.list"}])
assert [x["ok"] for x in r] == [True, True, True], r
assert r[1]["result"]["ip"] == "10.1.0.3" and r[1]["result"]["port"] == 10007, r[1]
assert r[2]["result"][0]["name"] == "ov0", r[2]
EOF
in_ns h1 python3 "$TOPO_DIR/halfclose.py" "$SOCK" "$TOPO_DIR" "$N" || fail "half-closing clients"

info "4. pages by hand"
cat >"$TOPO_DIR/pages.py" <<'EOF'
import json, socket, sys
sys.path.insert(0, sys.argv[2])
from entries import expected

sock_path, n = sys.argv[1], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock_path)
f = s.makefile("rb")


def call(req):
    s.sendall((json.dumps(req) + "\n").encode())
    return json.loads(f.readline())


got, cursor, pages = [], None, 0
while True:
    req = {"cmd": "map.list", "overlay": "ov0", "limit": 777}
    if cursor is not None:
        req["cursor"] = cursor
    r = call(req)
    assert r["ok"], r
    assert len(r["result"]) <= 777, len(r["result"])
    got += [(e["mac"], e["ip"], e["port"]) for e in r["result"]]
    pages += 1
    cursor = r.get("next")
    if cursor is None:
        break
assert len(got) == n and set(got) == expected(n), "%d entries in %d pages" % (len(got), pages)
assert pages >= n // 777, pages
r = call({"cmd": "map.list", "cursor": "x1"})
assert not r["ok"] and r["errno"] == "EINVAL" and "cursor" in r["error"], r
r = call({"cmd": "endpoint.list", "limit": 0})
assert not r["ok"] and r["errno"] == "EINVAL" and "limit" in r["error"], r
print(pages)
EOF
pages=$(in_ns h1 python3 "$TOPO_DIR/pages.py" "$SOCK" "$TOPO_DIR" "$N") || fail "pages by hand"
info "$N entries in $pages pages"

info "5. turns: a flood of $N map.del and a status request, both waiting when ovld wakes"
# ovld is stopped while the flood and then the status request are sent on
# two connections, so that both wait when it runs again (in that order):
# a status answered before the flood's last request shows that ovld took
# turns, whatever the timing; the flood's replies are read all along, so
# that it is not its unread replies that stop ovld reading it.
cat >"$TOPO_DIR/turns.py" <<'EOF'
import json, os, signal, socket, sys, threading
sys.path.insert(0, sys.argv[4])
from entries import entry

sock_path, n, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
a, b = (socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) for _ in range(2))
a.setsockopt(socket.SOL_SOCKET, 32, 64 << 20)  # SO_SNDBUFFORCE: the whole flood
for c in (a, b):
    c.connect(sock_path)
    c.settimeout(120)  # not a speed limit: a lost reply would hang us
fa, fb = a.makefile("rb"), b.makefile("rb")
for c, f in ((a, fa), (b, fb)):  # both accepted and answered once
    c.sendall(b'{"cmd": "overlay.list"}\n')
    assert json.loads(f.readline())["ok"]
flood = "".join(json.dumps({"cmd": "map.del", "overlay": "ov0", "mac": entry(i)[0]}) + "\n"
                for i in range(n)).encode()
answered, bad = [0], []


def read_flood():
    for _ in range(n):
        r = json.loads(fa.readline())
        if not r.get("ok"):
            bad.append(r)
        answered[0] += 1


os.kill(pid, signal.SIGSTOP)
try:
    a.sendall(flood)
    b.sendall(b'{"cmd": "status"}\n')
finally:
    os.kill(pid, signal.SIGCONT)
t = threading.Thread(target=read_flood)
t.start()
st = json.loads(fb.readline())
t.join()
assert not bad, bad[:3]
print(st["result"]["maps"]["ovl_fdb"]["entries"], answered[0])
EOF
read -r left answered < <(in_ns h1 python3 "$TOPO_DIR/turns.py" "$SOCK" "$N" "${_topo_pid[h1]}" \
	"$TOPO_DIR" 2>"$TOPO_DIR/turns.err") || fail "turns: $(cat "$TOPO_DIR/turns.err")"
info "status answered with $left of $N entries left to delete"
[ "$left" -gt 0 ] || fail "status was answered only after the whole flood of map.del"
[ "$answered" = "$N" ] || fail "the map.del flood got $answered answers, want $N"
n=$(ovlctl_on h1 -j map list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 0 ] || fail "$n entries left after the map.del flood"
info "all good"
