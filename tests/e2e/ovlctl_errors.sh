#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/e2e/ovlctl_errors.sh - the real ovlctl binary as operators and
# scripts see it: exit status, stdout and stderr.
#
#   ovlctl --socket $T/ovld.sock  ----- unix socket, JSON lines ----->  fake ovld (python3)
#     stdout: results only                                                answers from $T/canned.json
#     stderr: "ovlctl: ...: ..."                                          by "cmd"; logs each request
#     exit 0 / 1 runtime / 2 usage                                        to $T/requests; monitor
#                                                                         sends $T/canned.json's events
#
# 1. usage errors: exit 2, the message and a usage line on stderr, nothing
#    on stdout; --help at every level on stdout, exit 0
# 2. no ovld: exit 1 and the "is ovld running?" hint
# 3. against the fake ovld: the requests sent (canonical forms), tables,
#    -j, {"ok":false} -> exit 1 with ovld's message, monitor lines, -c,
#    SIGINT, and ovld closing the stream
#
# No privileges and no namespaces needed.

OVL_TOP=${OVL_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/netns.sh
. "$OVL_TOP/tests/lib/netns.sh"

OVLCTL=$OVL_BUILD/ovlctl
[ -x "$OVLCTL" ] || fail "no $OVLCTL: run make first"
command -v python3 >/dev/null || skip "no python3 for the fake ovld"

# ns_init's cleanup trap, without its root probe: nothing here needs root.
trap _ovl_cleanup EXIT
trap 'exit 130' INT TERM
RUN=$(printf '%04x%04x' $RANDOM $RANDOM)
T=$(mktemp -d /tmp/ovlt-ctl-XXXXXX)
on_exit "rm -rf '$T'"
export TZ=UTC
unset OVL_INSTANCE

# ovlctl ARGS...: run it; $rc, $T/out and $T/err hold the outcome.
rc=0
ovlctl() {
	rc=0
	"$OVLCTL" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

# expect RC WHAT: the last run exited RC.
expect() {
	[ "$rc" = "$1" ] || fail "$2: exit $rc, want $1; stdout: $(cat "$T/out"); stderr: $(cat "$T/err")"
}

# has FILE TEXT WHAT: FILE contains TEXT (a fixed string).
has() {
	grep -qF -- "$2" "$T/$1" || fail "$3: $1 lacks \"$2\": $(cat "$T/$1")"
}

empty() {
	[ ! -s "$T/$1" ] || fail "$2: $1 not empty: $(cat "$T/$1")"
}

# usage_error MESSAGE ARGS...: exit 2, MESSAGE and a usage line on stderr only.
usage_error() {
	local msg=$1
	shift
	ovlctl "$@"
	expect 2 "ovlctl $*"
	empty out "ovlctl $*"
	has err "$msg" "ovlctl $*"
	grep -q '^usage: ovlctl' "$T/err" || fail "ovlctl $*: no usage line: $(cat "$T/err")"
}

# ---- 1. usage errors and help -------------------------------------------
info "usage errors"
usage_error 'ovlctl: map add: bad MAC "de:ad:be:ef:00": expected six hex groups separated by '"':'" \
	map add overlay0 de:ad:be:ef:00 10.1.0.2
usage_error 'ovlctl: missing OBJECT'
usage_error 'ovlctl: unknown object "bogus"' bogus
usage_error 'ovlctl: map: unknown verb "frob"' map frob
usage_error 'ovlctl: map add: missing IP' map add overlay0 de:ad:be:ef:00:01
usage_error 'ovlctl: map add: unexpected argument "x"' map add overlay0 de:ad:be:ef:00:01 10.1.0.2 4789 x
usage_error 'ovlctl: map add: bad port "0"' map add overlay0 de:ad:be:ef:00:01 10.1.0.2 0
usage_error 'ovlctl: overlay create: bad VNI "16777216"' \
	overlay create overlay0 -v 16777216 -e vxlan -s files -p files/config=/x
usage_error 'ovlctl: overlay create: unknown property "files/nope"' \
	overlay create overlay0 -v 23 -e vxlan -s files -p files/nope=1
usage_error "ovlctl: vnic create: bad netns \"ovlt-$RUN-none\"" \
	vnic create foo0 -l overlay0 -m de:ad:be:ef:00:00 --netns "ovlt-$RUN-none"
usage_error 'ovlctl: bad instance name "../x"' --instance ../x status
usage_error 'ovlctl: stats: unexpected argument "extra"' stats extra
usage_error 'ovlctl: monitor: bad count "0"' monitor -c 0
OVL_INSTANCE='a b' usage_error 'bad instance name "a b" in OVL_INSTANCE' status

info "help"
for args in "--help" "-h" "help" "map --help" "map add --help" "help map add" "stats --help" \
	"overlay create --help"; do
	# shellcheck disable=SC2086 # split on purpose
	ovlctl $args
	expect 0 "ovlctl $args"
	empty err "ovlctl $args"
	grep -q '^usage: ovlctl' "$T/out" || fail "ovlctl $args: no usage on stdout"
done
# every command of the top-level help has its own --help with the same usage line
ovlctl --help
sed -n 's/^  \(ovlctl .*\)/\1/p' "$T/out" >"$T/usages"
[ "$(wc -l <"$T/usages")" -ge 18 ] || fail "top-level help lists $(wc -l <"$T/usages") commands"
while read -r usage; do
	read -r _ obj verb _ <<<"$usage"
	[[ $verb =~ ^[a-z]+$ ]] || verb=
	# shellcheck disable=SC2086 # no verb: no word
	ovlctl "$obj" $verb --help
	expect 0 "ovlctl $obj $verb --help"
	[ "$(head -n 1 "$T/out")" = "usage: $usage" ] ||
		fail "ovlctl $obj $verb --help: \"$(head -n 1 "$T/out")\", want \"usage: $usage\""
done <"$T/usages"

# ---- 2. no ovld -----------------------------------------------------------
info "no ovld"
ovlctl --instance "ovlt-$RUN-none" status
expect 1 "not running"
empty out "not running"
has err "ovlctl: cannot reach ovld instance \"ovlt-$RUN-none\" at /run/ovl/ovlt-$RUN-none.sock: " "not running"
has err "(is ovld running?)" "not running"
OVL_INSTANCE="ovlt-$RUN-env" ovlctl map list
expect 1 "OVL_INSTANCE"
has err "/run/ovl/ovlt-$RUN-env.sock" "OVL_INSTANCE names the socket"
ovlctl --socket "$T/none.sock" map list
expect 1 "--socket"
has err "ovlctl: cannot reach ovld at $T/none.sock: No such file or directory (is ovld running?)" "--socket"

# ---- 3. a fake ovld -------------------------------------------------------
cat >"$T/fake_ovld.py" <<'EOF'
# A stand-in for ovld's control socket: one JSON request a line, the canned
# response for its "cmd"; monitor then sends the canned events and keeps the
# connection open (or closes it when the file close-monitor exists).
import json, os, socketserver, sys

sock, canned_path, log_path = sys.argv[1:4]
with open(canned_path) as f:
    canned = json.load(f)
close_flag = os.path.join(os.path.dirname(sock), "close-monitor")


class Handler(socketserver.StreamRequestHandler):
    def send(self, obj):
        self.wfile.write((json.dumps(obj) + "\n").encode())
        self.wfile.flush()

    def handle(self):
        for line in self.rfile:
            req = json.loads(line)
            with open(log_path, "a") as log:
                log.write(json.dumps(req, sort_keys=True) + "\n")
            self.send(canned.get(req.get("cmd"),
                                 {"ok": False, "error": "fake ovld: no answer", "errno": "EOPNOTSUPP"}))
            if req.get("cmd") == "monitor":
                for ev in canned["_events"]:
                    self.send(ev)
                if os.path.exists(close_flag):
                    return
                self.rfile.read()  # until the client goes
                return


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


Server(sock, Handler).serve_forever()
EOF
cat >"$T/canned.json" <<'EOF'
{
 "overlay.create": {"ok": true, "result": {"name": "overlay0", "vni": 23, "encap": "vxlan",
    "search": "files", "props": {}, "entries": 0, "error": ""}},
 "overlay.list": {"ok": true, "result": [
    {"name": "overlay0", "vni": 23, "encap": "vxlan", "search": "files",
     "props": {"files/config": "/var/tmp/hosts.json"}, "entries": 3, "error": "",
     "drops": 12, "peer_unknown": 5},
    {"name": "broken1", "vni": 24, "encap": "vxlan", "search": "files",
     "props": {"files/config": "/var/tmp/b.json"}, "entries": 0,
     "error": "/var/tmp/b.json:3:5: bad MAC"}]},
 "vnic.create": {"ok": true, "result": {"name": "foo0", "overlay": "overlay0", "vni": 23,
    "mac": "de:ad:be:ef:00:00", "netns": "", "host_ifname": "ovlfoo0", "host_ifindex": 12,
    "warnings": ["MAC de:ad:be:ef:00:00 is not in the backend of overlay overlay0", "a second one"]}},
 "vnic.list": {"ok": true, "result": 42},
 "map.add": {"ok": true, "result": {"overlay": "overlay0", "vni": 23, "mac": "de:ad:be:ef:00:01",
    "ip": "10.1.0.2", "port": 4789, "static": true}},
 "map.list": {"ok": true, "result": [
    {"overlay": "overlay0", "vni": 23, "mac": "de:ad:be:ef:00:01", "ip": "10.1.0.2", "port": 4789, "static": true},
    {"overlay": "overlay0", "vni": 23, "mac": "de:ad:be:ef:00:02", "ip": "fd00::2", "port": 4790, "static": false}]},
 "map.del": {"ok": false, "error": "no entry for de:ad:be:ef:00:09 on overlay \"overlay0\"", "errno": "ENOENT"},
 "neigh.add": {"ok": false, "error": "overlay \"nosuch\" does not exist", "errno": "ENOENT"},
 "stats": {"ok": true, "result": {"counters": {
    "rx_pass": {"packets": 12345, "bytes": 1000000}, "rx_decap": {"packets": 0, "bytes": 0},
    "tx_encap4": {"packets": 5, "bytes": 700}, "drop_spoof_mac": {"packets": 1, "bytes": 60}}}},
 "status": {"ok": true, "result": {"instance": "fake", "pid": 1, "version": "0.1.0", "abi": 1,
    "underlay": {"ifname": "eth0", "ifindex": 2, "local4": "10.1.0.1", "local6": null,
                 "xdp_mode": "native", "xdp_prog_id": 7},
    "pin_dir": "/run/ovl/bpf/ovl/fake", "state_dir": "/var/lib/ovl/fake",
    "programs": [{"name": "ovl_xdp_rx", "id": 7, "attached": true}],
    "maps": {"ovl_fdb": {"entries": 3, "max": 262144}}, "overlays": [],
    "events": {"received": 10, "lost": 0, "misses_unresolved": 1}}},
 "reload": {"ok": true, "result": {"reloaded": ["overlay0"]}},
 "monitor": {"ok": true, "result": {"monitoring": true}},
 "_events": [
    {"event": "miss_l2", "time": 1700000000.25, "vni": 23, "mac": "de:ad:be:ef:00:02", "ifindex": 7},
    {"event": "drop", "time": 1700000001, "vni": 23, "mac": "de:ad:be:ef:00:01", "ifindex": 7, "reason": "spoof_mac"},
    {"event": "miss_arp", "time": 1700000002.5, "vni": 23, "ip": "10.23.0.9", "mac": "de:ad:be:ef:00:01", "ifindex": 7}]
}
EOF
S=$T/ovld.sock
python3 "$T/fake_ovld.py" "$S" "$T/canned.json" "$T/requests" &
fake=$!
on_exit "kill $fake"
wait_for 5 test -S "$S" || fail "the fake ovld did not start"

# sent REQUEST WHAT: the last request the fake got, as python's sorted JSON
sent() {
	[ "$(tail -n 1 "$T/requests")" = "$1" ] || fail "$2: sent $(tail -n 1 "$T/requests"), want $1"
}

info "requests in canonical form, quiet success"
ovlctl --socket "$S" map add overlay0 DE:AD:BE:EF:0:1 10.1.0.2
expect 0 "map add"
empty out "map add"
empty err "map add"
sent '{"cmd": "map.add", "ip": "10.1.0.2", "mac": "de:ad:be:ef:00:01", "overlay": "overlay0"}' "map add"
(cd "$T" && "$OVLCTL" --socket "$S" overlay create -v 23 -e vxlan -s files \
	-p vxlan/listen_ip=10.1.0.1 -p files/config=hosts.json overlay0) >"$T/out" 2>"$T/err" ||
	fail "overlay create: $(cat "$T/err")"
real_t=$(cd "$T" && pwd -P)
sent '{"cmd": "overlay.create", "encap": "vxlan", "name": "overlay0", "props": {"files/config": "'"$real_t"'/hosts.json", "vxlan/listen_ip": "10.1.0.1"}, "search": "files", "vni": 23}' \
	"overlay create, dladm's order, relative path made absolute"
ovlctl --socket "$S" vnic create foo0 -l overlay0 -m DE:AD:BE:EF:00:00
expect 0 "vnic create"
sent '{"cmd": "vnic.create", "mac": "de:ad:be:ef:00:00", "name": "foo0", "overlay": "overlay0"}' "vnic create"
# ovld's warnings: on stderr, one line each, and the command succeeded
empty out "vnic create with warnings"
printf 'ovlctl: warning: %s\n' "MAC de:ad:be:ef:00:00 is not in the backend of overlay overlay0" \
	"a second one" >"$T/want"
diff -u "$T/want" "$T/err" || fail "vnic create: the warnings on stderr"
ovlctl --socket "$S" -j vnic create foo0 -l overlay0 -m DE:AD:BE:EF:00:00
expect 0 "vnic create -j"
diff -u "$T/want" "$T/err" || fail "vnic create -j: the warnings on stderr"
has out '"warnings": [' "vnic create -j: the warnings in the JSON"
ovlctl map list --socket "$S" overlay0 -j
expect 0 "global options after the verb"
# lists are asked for in pages (this fake knows none: its one answer is all)
sent '{"cmd": "map.list", "limit": 1000, "overlay": "overlay0"}' "map list overlay0"

info "tables"
ovlctl --socket "$S" map list
expect 0 "map list"
empty err "map list"
cat >"$T/want" <<'EOF'
OVERLAY   VNI  MAC                UNDERLAY  PORT  STATIC
overlay0  23   de:ad:be:ef:00:01  10.1.0.2  4789  yes
overlay0  23   de:ad:be:ef:00:02  fd00::2   4790  no
EOF
diff -u "$T/want" "$T/out" || fail "map list table"
ovlctl --socket "$S" overlay list
expect 0 "overlay list"
has out "  error: /var/tmp/b.json:3:5: bad MAC" "overlay list shows a backend's error"
has out "overlay0  23   vxlan  files   3        12     5             -       files/config=/var/tmp/hosts.json" \
	"overlay row, with its drops"
has out "broken1   24   vxlan  files   0        -      -             -       files/config=/var/tmp/b.json" \
	"overlay row without counters"
ovlctl --socket "$S" stats
expect 0 "stats"
cat >"$T/want" <<'EOF'
COUNTER         PACKETS    BYTES
rx_pass           12345  1000000
tx_encap4             5      700
drop_spoof_mac        1       60
EOF
diff -u "$T/want" "$T/out" || fail "stats table hides zeros"
ovlctl --socket "$S" stats -a
has out "rx_decap              0        0" "stats -a"
ovlctl --socket "$S" status
expect 0 "status"
has out "instance   fake (pid 1, version 0.1.0, abi 1)" "status"
has out "ovl_fdb        3  262144  0.0%" "status map fill"
ovlctl --socket "$S" reload
has out "reloaded overlay0" "reload"

info "-j prints ovld's result as is"
ovlctl --socket "$S" -j map list
expect 0 "-j map list"
python3 - "$T/out" "$T/canned.json" <<'EOF' || fail "-j map list is not the result"
import json, sys
got = json.load(open(sys.argv[1]))
assert got == json.load(open(sys.argv[2]))["map.list"]["result"], got
EOF
ovlctl --socket "$S" --json stats
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["counters"]; assert c["rx_decap"]["packets"] == 0' \
	"$T/out" || fail "-j stats keeps the zero counters"

info "refusals and bad results"
ovlctl --socket "$S" map del overlay0 de:ad:be:ef:00:09
expect 1 "refused map del"
empty out "refused map del"
has err 'ovlctl: map del: no entry for de:ad:be:ef:00:09 on overlay "overlay0"' "ovld's message"
ovlctl --socket "$S" neigh add nosuch 10.23.0.1 de:ad:be:ef:00:00
expect 1 "refused neigh add"
has err 'ovlctl: neigh add: overlay "nosuch" does not exist' "ovld's message"
ovlctl --socket "$S" endpoint list
expect 1 "no canned answer"
has err "ovlctl: endpoint list: fake ovld: no answer" "unknown command refused"
ovlctl --socket "$S" vnic list
expect 1 "malformed result"
empty out "malformed result"
has err "ovlctl: vnic list: unexpected result from ovld" "malformed result"

info "-j: errors are JSON on stdout, with the same exit status"
# json_err WHAT PYEXPR: the last run printed one JSON object j on stdout,
# PYEXPR holds of it, and stderr is empty.
json_err() {
	empty err "$1"
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert eval(sys.argv[2]), j' \
		"$T/out" "$2" || fail "$1: stdout is not the JSON error: $(cat "$T/out")"
}
ovlctl --socket "$S" -j map del overlay0 de:ad:be:ef:00:09
expect 1 "-j refused map del"
json_err "-j refused map del" 'j == {"error": "map del: no entry for de:ad:be:ef:00:09 on overlay \"overlay0\"", "command": "map del", "errno": "ENOENT"}'
ovlctl --socket "$T/none.sock" -j map list
expect 1 "-j no ovld"
json_err "-j no ovld" 'j["errno"] == "ENOENT" and "is ovld running?" in j["error"]'
ovlctl -j map add overlay0 de:ad:be:ef:00:01
expect 2 "-j usage error"
json_err "-j usage error" 'j == {"error": "map add: missing IP", "command": "map add", "usage": "ovlctl map add OVERLAY MAC IP [PORT]"}'

info "monitor"
ovlctl --socket "$S" monitor -c 2
expect 0 "monitor -c 2"
cat >"$T/want" <<'EOF'
2023-11-14T22:13:20.250 miss_l2 vni=23 mac=de:ad:be:ef:00:02 ifindex=7
2023-11-14T22:13:21.000 drop vni=23 mac=de:ad:be:ef:00:01 ifindex=7 reason=spoof_mac
EOF
diff -u "$T/want" "$T/out" || fail "monitor lines"
sent '{"cmd": "monitor"}' "monitor"
ovlctl --socket "$S" -j monitor -c 3
expect 0 "monitor -j"
[ "$(wc -l <"$T/out")" = 3 ] || fail "monitor -j -c 3: $(cat "$T/out")"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out" ||
	fail "monitor -j lines are not JSON"
has out '"event":"miss_arp"' "monitor -j"

# SIGINT ends it cleanly, exit 0. The file is emptied first: the events of
# the run before must not count as this one's (its SIGINT would come before
# ovlctl takes the signal, and a background job starts with SIGINT ignored).
: >"$T/out"
"$OVLCTL" --socket "$S" monitor >"$T/out" 2>"$T/err" &
mon=$!
on_exit "kill $mon"
wait_for 5 grep -q miss_arp "$T/out" || fail "monitor printed nothing: $(cat "$T/err")"
kill -INT "$mon"
rc=0
wait "$mon" || rc=$?
expect 0 "monitor after SIGINT"
[ "$(wc -l <"$T/out")" = 3 ] || fail "monitor: $(cat "$T/out")"
empty err "monitor after SIGINT"

# ovld going away is a runtime error
touch "$T/close-monitor"
ovlctl --socket "$S" monitor
expect 1 "monitor, ovld closed"
has err "ovlctl: monitor: ovld closed the connection" "monitor, ovld closed"
# with -j, the event lines and then the error as one more JSON line
ovlctl --socket "$S" -j monitor
expect 1 "-j monitor, ovld closed"
empty err "-j monitor, ovld closed"
python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [l.get("event") for l in lines[:3]] == ["miss_l2", "drop", "miss_arp"], lines
assert lines[3] == {"error": "monitor: ovld closed the connection", "command": "monitor", "errno": "ECONNRESET"}, lines
assert len(lines) == 4, lines' "$T/out" || fail "-j monitor, ovld closed: $(cat "$T/out")"

info "all good"
