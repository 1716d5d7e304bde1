#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A second ovld for an instance that is running, and --cleanup under it, as
# journald sees them: stderr is not a terminal, so every line must start
# with its syslog priority ("<3>" for an error), or journald files it as
# info.
#
#   ns h1: u0 10.1.0.1 ---- sw
#     ovld (instance ovlt-RUN-h1), running
#     ovld --instance ovlt-RUN-h1 ...            (refused)
#     ovld --instance ovlt-RUN-h1 --cleanup      (refused)
#
# What it proves: each refusal is exactly one line on stderr, an error
# ("<3>ovld: error: ") that names the instance and the pid serving it (and,
# for --cleanup, what to do); nothing on stdout; exit 1; the first ovld
# still answers.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init

topo_switch
topo_host h1 1
topo_ovld h1
inst=$(inst_of h1)
pid=${_topo_pid[h1]}

# refused WHAT WANT ARGS...: ovld ARGS exits 1 with the one line WANT.
refused() {
	local what=$1 want=$2 rc=0
	shift 2
	timeout 10 ip netns exec "$(ns_name h1)" "$OVLD" --instance "$inst" \
		--state-dir "$TOPO_DIR/state-h1" "$@" >"$TOPO_DIR/out" 2>"$TOPO_DIR/err" || rc=$?
	[ "$rc" = 1 ] || fail "$what: exit $rc, want 1: $(cat "$TOPO_DIR/err")"
	[ ! -s "$TOPO_DIR/out" ] || fail "$what: wrote to stdout: $(cat "$TOPO_DIR/out")"
	[ "$(wc -l <"$TOPO_DIR/err")" = 1 ] ||
		fail "$what: $(wc -l <"$TOPO_DIR/err") lines on stderr, want 1: $(cat -A "$TOPO_DIR/err")"
	[ "$(cat "$TOPO_DIR/err")" = "$want" ] ||
		fail "$what: stderr \"$(cat "$TOPO_DIR/err")\", want \"$want\""
}

lock="/run/ovl/$inst.lock"
refused "a second ovld" \
	"<3>ovld: error: instance $inst is already served by ovld pid $pid ($lock is locked)" \
	--underlay u0
refused "--cleanup under a running ovld" \
	"<3>ovld: error: instance $inst is already served by ovld pid $pid ($lock is locked): stop it before --cleanup" \
	--cleanup
[ "$(ovlctl_on h1 -j status | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')" = "$pid" ] ||
	fail "the first ovld no longer answers"
info "all good"
