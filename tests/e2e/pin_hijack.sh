#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Nobody but root can choose the maps an instance adopts. This test's own
# bpffs is mounted without mode=, so it is 1777 like /tmp (the shared
# /run/ovl/bpf is left alone); instance A pins into it and serves h1;
# before instance B (on h3) starts, its pin directory is prepared by an
# attacker: the unprivileged user nobody, or a careless root.
#
#   c1 (ns) -- h1 --+-- switch --+-- h2 -- c2 (ns)
#   A: --bpffs T    |            |
#                   +-- h3: B: --bpffs T
#   T = /tmp/ovlt-bpffs.XXXX, a bpffs of mode 1777
#
# What it proves: B refuses to start (exit 1, a message that says what is
# wrong and what to do), and A's pins (the same maps), configuration and
# traffic are untouched, when
# a. nobody made T/B and linked A's pins into it (and B --cleanup refuses
#    to touch that directory too);
# b. nobody made T/B a symbolic link to A's pin directory;
# c. T/B is root's, mode 0700, but holds a symbolic link to A's ovl_fdb;
# d. T/B is root's but writable by others (nobody could fill it);
# e. T itself is writable by others and not sticky;
# f. T/B holds a hard link to A's ovl_fdb;
# and, with nothing prepared, B starts on the sticky 1777 bpffs (warning
# that it should be 0700), in a directory of its own, root's, mode 0700.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 bpftool setpriv

topo_switch
T=$(mktemp -d /tmp/ovlt-bpffs.XXXX)
mount -t bpf bpf "$T"
on_exit "umount '$T'; rmdir '$T'"
[ "$(stat -c %a "$T")" = 1777 ] || fail "a bpffs mounted without mode= is not 1777 here: $(stat -c %a "$T")"
H=$TOPO_DIR/hosts.json
topo_vni_json "$H" 27 1 2
topo_vni_host 1 27 "$H" --bpffs "$T"
topo_vni_host 2 27 "$H"
topo_host h3 3
A=$(inst_of h1)
B=$(inst_of h3)
on_exit "rm -rf '$T/$B' /run/ovl/$B.lock"
in_ns c1 ping -c 3 -i 0.2 -W 2 10.27.0.2 >/dev/null || fail "c1 -> c2 lost"
[ "$(stat -c '%a %U' "$T/$A")" = "700 root" ] || fail "A's pin directory is $(stat -c '%a %U' "$T/$A")"

# a_state: A's pinned map ids and its ovl_config, to compare; all of it
# but nh_gen, which A raises itself (every second, and whenever the host's
# routing changes: ovl_nexthops).
a_state() {
	local p
	for p in "$T/$A"/ovl_*; do
		printf '%s ' "$(basename "$p")" "$(bpftool -j map show pinned "$p" 2>/dev/null |
			python3 -c 'import json,sys; print(json.load(sys.stdin).get("id"))' 2>/dev/null)"
	done
	bpftool -j map lookup pinned "$T/$A/ovl_config" key 0 0 0 0 | python3 -c '
import json, sys
v = json.load(sys.stdin)["formatted"]["value"]
del v["nh_gen"]
print(json.dumps(v, sort_keys=True))'
}
a0=$(a_state)
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
}
# refused CASE WANT [ARGS]: B exits 1 saying WANT; A is as it was.
refused() {
	local case=$1 want=$2 rc=0
	shift 2
	timeout 10 ip netns exec "$(ns_name h3)" "$OVLD" --instance "$B" --underlay u0 --bpffs "$T" \
		--state-dir "$TOPO_DIR/state-b" "$@" >"$TOPO_DIR/b-$case.log" 2>&1 || rc=$?
	[ "$rc" = 1 ] || fail "$case: ovld B exited $rc, want 1: $(cat "$TOPO_DIR/b-$case.log")"
	grep -qF -- "$want" "$TOPO_DIR/b-$case.log" ||
		fail "$case: B does not say \"$want\": $(cat "$TOPO_DIR/b-$case.log")"
	[ "$(a_state)" = "$a0" ] || fail "$case: A's pins changed: $a0 -> $(a_state)"
	in_ns c1 ping -c 2 -i 0.2 -W 2 10.27.0.2 >/dev/null || fail "$case: A's traffic stopped"
	info "$case: $(grep -m1 error: "$TOPO_DIR/b-$case.log")"
}

info "a. nobody links A's pins into T/B"
as_nobody mkdir "$T/$B"
for p in "$T/$A"/*; do
	as_nobody ln -s "$p" "$T/$B/$(basename "$p")"
done
refused a "pin directory $T/$B is not owned by root (owner uid 65534"
refused a-cleanup "pin directory $T/$B is not owned by root" --cleanup
[ -L "$T/$B/ovl_fdb" ] || fail "B --cleanup removed what it refused to trust"
rm -rf "${T:?}/$B"

info "b. nobody makes T/B a symbolic link to A's pins"
as_nobody ln -s "$T/$A" "$T/$B"
refused b "pin directory $T/$B is a symbolic link"
rm -f "${T:?}/$B"

info "c. root's T/B with a symbolic link in it"
mkdir -m 0700 "$T/$B"
ln -s "$T/$A/ovl_fdb" "$T/$B/ovl_fdb"
refused c "pin $T/$B/ovl_fdb is a symbolic link"
rm -rf "${T:?}/$B"

info "d. root's T/B, writable by others"
mkdir -m 0777 "$T/$B"
refused d "pin directory $T/$B is writable by group or others"
rmdir "$T/$B"

info "e. T writable by others and not sticky"
chmod 0777 "$T"
refused e "$T: writable by group and others (mode 0777) and not sticky"
chmod 1777 "$T"

info "f. a hard link to A's ovl_fdb in T/B"
mkdir -m 0700 "$T/$B"
ln "$T/$A/ovl_fdb" "$T/$B/ovl_fdb"
refused f "pin $T/$B/ovl_fdb has another name (a hard link)"
rm -rf "${T:?}/$B"

info "g. nothing prepared: B starts"
ip netns exec "$(ns_name h3)" "$OVLD" --instance "$B" --underlay u0 --bpffs "$T" \
	--state-dir "$TOPO_DIR/state-b" >"$TOPO_DIR/b-g.log" 2>&1 &
bpid=$!
on_exit "_topo_stop $bpid; $OVLD --instance $B --bpffs '$T' --state-dir '$TOPO_DIR/state-b' --cleanup"
wait_for 10 ip netns exec "$(ns_name h3)" "$OVLCTL" --instance "$B" status ||
	fail "B did not start on a clean 1777 bpffs: $(cat "$TOPO_DIR/b-g.log")"
[ "$(stat -c '%a %U' "$T/$B")" = "700 root" ] || fail "B's pin directory is $(stat -c '%a %U' "$T/$B")"
grep -qF "bpffs $T is writable by others (mode 1777)" "$TOPO_DIR/b-g.log" ||
	fail "B does not warn about the 1777 bpffs: $(cat "$TOPO_DIR/b-g.log")"
[ "$(a_state)" = "$a0" ] || fail "A's pins changed when B started"
in_ns c1 ping -c 2 -i 0.2 -W 2 10.27.0.2 >/dev/null || fail "A's traffic stopped when B started"
info "all good"
