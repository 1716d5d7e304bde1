#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A full map is an error the operator sees, and the old state stays.
#
#   c1 (ns) 10.42.0.1 -- h1 ==== switch ==== h2 -- c2 (ns) 10.42.0.2
#                        overlay0 (VNI 42): peers h1, h2
#                        fill     (VNI 99): 16380 peers of its own
#
# ovl_peers has 16384 slots shared by every VNI; the overlay "fill" takes
# all but two on h1.
#
# What it proves:
# 1. creating an overlay whose 3 peers do not fit is refused, saying which
#    map is full and how much room is left, and leaves ovl_peers as it was
#    (nothing half-written);
# 2. a hosts.json for overlay0 with 4 new hosts is rejected, when ovld
#    follows the file and on `ovlctl reload`: exit 1, the reason in the log,
#    in `ovlctl overlay list` and in `ovlctl status`; the previous peers
#    stay in force: c2 -> c1 is still decapsulated on h1 (ping, and
#    drop_peer_unknown does not move);
# 3. a hosts.json that fits (1 new host) is taken, and the error clears;
# 4. with ovl_fdb and ovl_neigh filled to the brim (bpf_fill.py), `map add`
#    and `neigh add` fail with "ovl_fdb is full" / "ovl_neigh is full";
#    the miss path cannot cache c2's entries: the log says so, overlay list
#    counts it (map_full) and shows it, and the first ping still gets
#    through (ovld resolves and delivers the frame itself).
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3

M1=02:00:00:00:42:01
M2=02:00:00:00:42:02
topo_switch
A=$TOPO_DIR/hosts-a.json
# hosts_a [N]: overlay0's hosts.json, with N more hosts first (new peers).
hosts_a() {
	local n=${1:-0} i
	local -a more=()
	for ((i = 1; i <= n; i++)); do
		more+=("$(printf '02:00:00:00:43:%02x' "$i") 10.1.0.$((10 + i))")
	done
	topo_hosts_json "$A" "${more[@]}" "$M1 10.1.0.1 arp=10.42.0.1" "$M2 10.1.0.2 arp=10.42.0.2"
}
hosts_a
python3 -c '
print("{")
n = 16380
for i in range(n):
    print("  \"02:f0:00:00:%02x:%02x\": {\"ip\": \"10.200.%d.%d\", \"port\": 4789}%s"
          % (i >> 8, i & 255, i >> 8, i & 255, "," if i < n - 1 else ""))
print("}")' >"$TOPO_DIR/hosts-fill.json"
topo_vni_host 1 42 "$A"
topo_vni_host 2 42 "$A"
ovlctl_on h1 overlay create fill -v 99 -e vxlan -s files -p "files/config=$TOPO_DIR/hosts-fill.json" >/dev/null
in_ns c2 ping -c 1 -W 2 10.42.0.1 >/dev/null || fail "c2 -> c1 lost before anything"

# json_get HOST CMD PYEXPR: evaluate PYEXPR on `ovlctl -j CMD` (as j).
json_get() {
	local host=$1 cmd=$2
	# shellcheck disable=SC2086 # CMD is words
	ovlctl_on "$host" -j $cmd | python3 -c "import json,sys; j=json.load(sys.stdin); print($3)"
}
peers() {
	json_get h1 status 'j["maps"]["ovl_peers"]["entries"]'
}
ov_error() {
	json_get h1 "overlay list" '[o.get("error") or "" for o in j if o["name"] == "'"$1"'"][0]'
}
[ "$(peers)" = 16382 ] || fail "ovl_peers holds $(peers) entries on h1, want 16382"

info "1. an overlay that does not fit is refused, and leaves nothing behind"
printf '{"02:00:00:00:50:01": {"ip": "10.210.0.1", "port": 4789}, "02:00:00:00:50:02": {"ip": "10.210.0.2", "port": 4789}, "02:00:00:00:50:03": {"ip": "10.210.0.3", "port": 4789}}\n' \
	>"$TOPO_DIR/hosts-more.json"
rc=0
ovlctl_on h1 overlay create more -v 50 -e vxlan -s files -p "files/config=$TOPO_DIR/hosts-more.json" \
	2>"$TOPO_DIR/more.err" || rc=$?
[ "$rc" = 1 ] || fail "overlay create of 3 peers into 2 slots: exit $rc, want 1"
grep -qF "ovl_peers is full: overlay more (vni 50) has 3 peers, 3 of them new, and the map has room for 2 more" \
	"$TOPO_DIR/more.err" || fail "the refusal does not say why: $(cat "$TOPO_DIR/more.err")"
[ "$(peers)" = 16382 ] || fail "the refused overlay left ovl_peers at $(peers) entries, want 16382"

info "2. a reload that does not fit is rejected; the previous peers stay"
drops=$(stat_of h1 drop_peer_unknown)
hosts_a 4
wait_for 5 sh -c "$OVLCTL --instance $(inst_of h1) -j overlay list | grep -q 'ovl_peers is full'" ||
	fail "overlay list shows no error after the rejected reload: $(ovlctl_on h1 overlay list)"
rc=0
ovlctl_on h1 reload overlay0 2>"$TOPO_DIR/reload.err" || rc=$?
[ "$rc" = 1 ] || fail "ovlctl reload overlay0: exit $rc, want 1"
grep -qF "ovl_peers is full: overlay overlay0 (vni 42) has 6 peers, 4 of them new, and the map has room for 2 more" \
	"$TOPO_DIR/reload.err" || fail "ovlctl reload does not say why: $(cat "$TOPO_DIR/reload.err")"
ovlctl_on h1 overlay list | grep -q "^  error: ovl_peers is full" ||
	fail "ovlctl overlay list does not show the error: $(ovlctl_on h1 overlay list)"
ovlctl_on h1 status | grep -q "^  error: ovl_peers is full" ||
	fail "ovlctl status does not show the error: $(ovlctl_on h1 status)"
grep -q "error: overlay overlay0: reload rejected, keeping the previous entries: ovl_peers is full" \
	"$TOPO_DIR/ovld-h1.log" || fail "the log does not say the reload was rejected: $(ovld_log h1 | tail -n 3)"
[ "$(peers)" = 16382 ] || fail "ovl_peers went to $(peers) entries on a rejected reload"
[ "$(json_get h1 "overlay list" '[o["entries"] for o in j if o["name"] == "overlay0"][0]')" = 2 ] ||
	fail "overlay0's backend took the rejected file"
in_ns c2 ping -c 3 -i 0.2 -W 2 10.42.0.1 >/dev/null || fail "c2 -> c1 lost after the rejected reload"
[ "$(stat_of h1 drop_peer_unknown)" = "$drops" ] ||
	fail "h1 dropped frames of an old peer: drop_peer_unknown $drops -> $(stat_of h1 drop_peer_unknown)"

info "3. a reload that fits is taken"
hosts_a 1
wait_for 5 test -z "$(ov_error overlay0)" || fail "the error stays after a good reload: $(ov_error overlay0)"
[ "$(peers)" = 16383 ] || fail "ovl_peers holds $(peers) entries after the good reload, want 16383"
in_ns c2 ping -c 1 -W 2 10.42.0.1 >/dev/null || fail "c2 -> c1 lost after the good reload"

info "4. ovl_fdb and ovl_neigh full"
pins=/run/ovl/bpf/$(inst_of h1)
ovlctl_on h1 map del overlay0 "$M2" >/dev/null 2>&1 || true
ovlctl_on h1 neigh del overlay0 10.42.0.2 >/dev/null 2>&1 || true
n=$(python3 "$OVL_TOP/tests/lib/bpf_fill.py" "$pins/ovl_fdb" fdb) || fail "filling ovl_fdb failed"
m=$(python3 "$OVL_TOP/tests/lib/bpf_fill.py" "$pins/ovl_neigh" neigh) || fail "filling ovl_neigh failed"
info "filled ovl_fdb with $n entries, ovl_neigh with $m"
rc=0
ovlctl_on h1 map add overlay0 02:00:00:00:42:09 10.1.0.2 2>"$TOPO_DIR/map.err" || rc=$?
[ "$rc" = 1 ] || fail "map add into a full ovl_fdb: exit $rc, want 1"
grep -qF "ovl_fdb is full (262144 entries, shared by every overlay)" "$TOPO_DIR/map.err" ||
	fail "map add does not say why: $(cat "$TOPO_DIR/map.err")"
rc=0
ovlctl_on h1 neigh add overlay0 10.42.0.9 02:00:00:00:42:09 2>"$TOPO_DIR/neigh.err" || rc=$?
[ "$rc" = 1 ] || fail "neigh add into a full ovl_neigh: exit $rc, want 1"
grep -qF "ovl_neigh is full (262144 entries, shared by every overlay)" "$TOPO_DIR/neigh.err" ||
	fail "neigh add does not say why: $(cat "$TOPO_DIR/neigh.err")"
in_ns c1 ip neigh flush dev eth0
in_ns c1 ping -c 1 -W 2 10.42.0.2 >/dev/null || fail "c1 -> c2 lost with full maps (ovld delivers it)"
full=$(json_get h1 "overlay list" '[o.get("map_full", 0) for o in j if o["name"] == "overlay0"][0]')
[ "$full" -ge 2 ] || fail "overlay0 counted $full entries it could not cache, want 2 or more"
[[ $(ov_error overlay0) == *" is full ("*"entries not cached"* ]] ||
	fail "overlay list does not show the full map: \"$(ov_error overlay0)\""
grep -q "error: overlay overlay0: ovl_neigh is full (262144 entries): 10.42.0.2 and what follows are not cached" \
	"$TOPO_DIR/ovld-h1.log" || fail "the log does not say ovl_neigh is full: $(ovld_log h1 | tail -n 3)"
grep -q "error: overlay overlay0: ovl_fdb is full (262144 entries): $M2 and what follows are not cached" \
	"$TOPO_DIR/ovld-h1.log" || fail "the log does not say ovl_fdb is full: $(ovld_log h1 | tail -n 3)"
info "all good"
