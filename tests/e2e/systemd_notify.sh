#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovld under a service manager: sd_notify(3)'s readiness protocol, as
# systemd/ovld@.service.in (Type=notify) relies on it, with a python3
# listener playing systemd.
#
#   ns h1: u0 10.1.0.1 ---- sw
#     notify_listen.py  <-- NOTIFY_SOCKET (a path, then an @abstract name)
#     ovld (instance ovlt-RUN-h1), under setpriv with the unit's
#       CapabilityBoundingSet and NoNewPrivileges
#
# What it proves:
# 1. READY=1 (with a STATUS= line naming the instance) is ovld's first
#    message, and when it arrives the control socket answers (ovlctl status
#    run by the listener at that moment exits 0);
# 2. ovld starts and gets ready with only the capabilities the unit's
#    CapabilityBoundingSet gives it, and no_new_privs set, and then holds
#    CAP_NET_ADMIN and CAP_SYS_ADMIN only (CapEff 0000000000201000);
# 3. SIGTERM: STOPPING=1 arrives, ovld exits 0, and the data path stays
#    (ovl_tc_ul_in still on u0's TC ingress: what Restart=on-failure
#    relies on; restart.sh proves traffic flows meanwhile);
# 4. the same again, restarted, with an abstract socket ("@name", in the
#    network namespace ovld runs in, where abstract names live);
# 5. an ovld that cannot start (no such underlay) exits 1 and sends nothing.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 setpriv

topo_switch
topo_host h1 1
inst=$(inst_of h1)
ns=$(ns_name h1)
ctl=/run/ovl/$inst.sock
on_exit "$OVLD --instance $inst --state-dir $TOPO_DIR/state-h1 --cleanup"

# The unit's bounding set, as setpriv takes it: CAP_BPF -> +bpf.
unit=$OVL_TOP/systemd/ovld@.service.in
bset=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr 'A-Z ' 'a-z\n' | sed 's/^cap_/+/' | paste -sd,)
[ -n "$bset" ] || fail "no CapabilityBoundingSet in $unit"
info "bounding set -all,$bset"

# listen NAME ADDR [NETNS]: start the listener, wait until it is bound.
listen() {
	local name=$1 addr=$2
	rm -f "$TOPO_DIR/$name" "$TOPO_DIR/$name.ready"
	${3:+ip netns exec "$3"} python3 "$OVL_TOP/tests/lib/notify_listen.py" "$addr" \
		"$TOPO_DIR/$name" "$ctl" "$OVLCTL" &
	lpid=$!
	on_exit "kill $lpid"
	wait_for 10 test -e "$TOPO_DIR/$name.ready" || fail "listener $name did not start"
}

# run NAME ADDR: ovld with NOTIFY_SOCKET=ADDR; checks 1-3.
run() {
	local name=$1 addr=$2 pid rc=0 first
	NOTIFY_SOCKET=$addr ip netns exec "$ns" setpriv --bounding-set "-all,$bset" \
		--no-new-privs "$OVLD" --instance "$inst" --underlay u0 \
		--state-dir "$TOPO_DIR/state-h1" >>"$TOPO_DIR/ovld-$name.log" 2>&1 &
	pid=$!
	on_exit "_topo_stop $pid"
	wait_for 15 grep -q READY=1 "$TOPO_DIR/$name" || {
		cat "$TOPO_DIR/ovld-$name.log" >&2
		fail "$name: no READY=1 from ovld"
	}
	first=$(head -n 1 "$TOPO_DIR/$name")
	info "$name: first message: $first"
	[ "$first" = "READY=1|STATUS=instance $inst ready: underlay u0 ctl=0" ] ||
		fail "$name: first message \"$first\", want READY=1 with the socket answering"
	grep -q "ready: underlay u0" "$TOPO_DIR/ovld-$name.log" || fail "$name: no ready line logged"
	grep -q '^CapEff:[[:space:]]*0000000000201000$' "/proc/$pid/status" ||
		fail "$name: $(grep -E '^(CapEff|CapBnd)' "/proc/$pid/status" | tr '\n' ' ')"
	grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$pid/status" || fail "$name: no_new_privs not set"
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || fail "$name: ovld exited $rc on SIGTERM, want 0"
	wait_for 5 grep -q STOPPING=1 "$TOPO_DIR/$name" || fail "$name: no STOPPING=1 on SIGTERM"
	info "$name: $(tail -n 1 "$TOPO_DIR/$name")"
	[ "$(grep -c . "$TOPO_DIR/$name")" = 2 ] ||
		fail "$name: want READY then STOPPING, got: $(cat "$TOPO_DIR/$name")"
	tc -n "$ns" filter show dev u0 ingress | grep -q ovl_tc_ul_in ||
		fail "$name: the data path left u0 when ovld stopped"
}

listen path "$TOPO_DIR/notify.sock"
run path "$TOPO_DIR/notify.sock"
listen abstract "@ovlt-$RUN-notify" "$ns"
run abstract "@ovlt-$RUN-notify"

# 5: not ready, never says so.
listen fail "$TOPO_DIR/notify-fail.sock"
rc=0
NOTIFY_SOCKET=$TOPO_DIR/notify-fail.sock ip netns exec "$ns" "$OVLD" --instance "$inst" \
	--underlay nosuch0 --state-dir "$TOPO_DIR/state-h1" >"$TOPO_DIR/ovld-fail.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "no underlay: exit $rc, want 1"
sleep 0.3
[ ! -s "$TOPO_DIR/fail" ] || fail "an ovld that did not start notified: $(cat "$TOPO_DIR/fail")"
info "all good"
