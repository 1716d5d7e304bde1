#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The files backend follows its hosts.json while everything runs:
#
#   c1 (ns) -- h1 --+            +-- h2 -- c2 (ns)   M2 lives here first...
#   10.23.0.1       +-- switch --+
#                   +-- h3 -- c3 (ns)                ...then here, then back
#
#   one hosts.json, shared by the three ovlds (overlay0, VNI 23)
#
# What it proves:
# (a) a VNIC that moves to another host is found there once hosts.json says
#     so: c1 pings M2 (10.23.0.2) at h2 and h1 learns 10.1.0.2; the VNIC is
#     deleted on h2 and made again, same MAC and address, on h3; hosts.json
#     is rewritten with M2 at 10.1.0.3 through a temporary file and a rename
#     (as editors do) and c1's pings reach h3 within seconds, nothing
#     restarted; `ovlctl map get` on h1 shows the new underlay address. Then
#     back to h2 with the file rewritten in place.
# (b) a broken hosts.json (a syntax error, then a bad MAC) is rejected:
#     ovld's log names file:line:column and the reason, `ovlctl overlay
#     list` shows the same error, the learned entry stays, traffic goes on;
#     the fixed file clears the error.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3

M1=02:00:00:00:23:01
M2=02:00:00:00:23:02
topo_switch
H=$TOPO_DIR/hosts.json

# hosts_json M2_HOST_INDEX: the file's text, M2 on host 10.1.0.INDEX.
hosts_json() {
	printf '{\n\t"%s": { "ip": "10.1.0.1", "port": 4789, "arp": "10.23.0.1" },\n' "$M1"
	printf '\t"%s": { "ip": "10.1.0.%s", "port": 4789, "arp": "10.23.0.2" }\n}\n' "$M2" "$1"
}
hosts_json 2 >"$H"

for i in 1 2 3; do
	topo_host "h$i" "$i"
	topo_ovld "h$i"
	topo_files_overlay "h$i" overlay0 23 "$H"
	ns_add "c$i"
done
topo_vnic h1 c1 overlay0 "$M1" 10.23.0.1/24
topo_vnic h2 c2 overlay0 "$M2" 10.23.0.2/24

# underlay_of HOST MAC: the underlay address HOST's ovld has for MAC.
underlay_of() {
	ovlctl_on "$1" -j map get overlay0 "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ip"])'
}
# error_of HOST: the backend error `overlay list -j` shows for overlay0, "" if none.
error_of() {
	ovlctl_on "$1" -j overlay list |
		python3 -c 'import json,sys; print([o for o in json.load(sys.stdin) if o["name"] == "overlay0"][0].get("error") or "")'
}
# follows TO_IDX HOW: after the edit, c1's pings reach M2 on h$TO_IDX.
follows() {
	local to=$1 how=$2 t0 t1 dec
	dec=$(stat_of "h$to" rx_decap)
	t0=$(date +%s%N)
	wait_for 5 in_ns c1 ping -c 1 -W 1 10.23.0.2 ||
		fail "$how: c1 does not reach 10.23.0.2 on h$to: $(ovld_log h1 | tail -n 5)"
	t1=$(date +%s%N)
	[ "$(underlay_of h1 "$M2")" = "10.1.0.$to" ] ||
		fail "$how: h1 has $M2 at $(underlay_of h1 "$M2"), want 10.1.0.$to"
	[ "$(stat_of "h$to" rx_decap)" -gt "$dec" ] || fail "$how: h$to decapsulated nothing"
	info "$how: c1 reached M2 on h$to $(((t1 - t0) / 1000000)) ms after the edit"
}

info "(a) M2 at h2, then moved to h3 (hosts.json replaced by rename)"
in_ns c1 ping -c 1 -W 2 10.23.0.2 >/dev/null || fail "c1 -> 10.23.0.2 at h2 lost"
[ "$(underlay_of h1 "$M2")" = 10.1.0.2 ] || fail "h1 did not learn $M2 at 10.1.0.2"
ovlctl_on h2 vnic delete eth0
topo_vnic h3 c3 overlay0 "$M2" 10.23.0.2/24
hosts_json 3 >"$H.tmp"
mv "$H.tmp" "$H"
follows 3 "rename"

info "(a) back to h2 (hosts.json rewritten in place)"
ovlctl_on h3 vnic delete eth0
topo_vnic h2 c2 overlay0 "$M2" 10.23.0.2/24
hosts_json 2 >"$H"
follows 2 "in place"

info "(b) a syntax error"
# Line 2 loses its comma: jansson stops at the next key and names the
# position where that token ends, line 3 column 20.
hosts_json 2 | sed '2s/},$/}/' >"$H"
want="$H:3:20: '}' expected near '\"$M2\"'"
wait_for 5 grep -qF "$want" "$TOPO_DIR/ovld-h1.log" ||
	fail "no \"$want...\" in h1's log: $(ovld_log h1 | tail -n 3)"
line=$(grep -F "$want" "$TOPO_DIR/ovld-h1.log" | tail -n 1)
case $line in
*"overlay overlay0: reload rejected, keeping the previous entries: $want") ;;
*) fail "h1's log line does not say what failed and why: $line" ;;
esac
err=$(error_of h1)
[ "$err" = "$want" ] || fail "overlay list -j shows error \"$err\", want \"$want\""
ovlctl_on h1 overlay list | grep -qF "error: $err" || fail "overlay list does not show the error"
[ "$(underlay_of h1 "$M2")" = 10.1.0.2 ] || fail "the learned entry for $M2 went with the broken file"
in_ns c1 ping -c 3 -i 0.2 -W 2 10.23.0.2 >/dev/null || fail "traffic stopped with a broken hosts.json"

info "(b) a bad MAC"
hosts_json 2 | sed '3s/23:02/23:0g/' >"$H"
want="$H:3:2: \"02:00:00:00:23:0g\": key is not a MAC address"
wait_for 5 grep -qF "$want" "$TOPO_DIR/ovld-h1.log" ||
	fail "no \"$want\" in h1's log: $(ovld_log h1 | tail -n 3)"
err=$(error_of h1)
case $err in
"$want"*) ;;
*) fail "overlay list -j shows error \"$err\", want \"$want...\"" ;;
esac
[ "$(underlay_of h1 "$M2")" = 10.1.0.2 ] || fail "the learned entry for $M2 went with the broken file"
in_ns c1 ping -c 3 -i 0.2 -W 2 10.23.0.2 >/dev/null || fail "traffic stopped with a broken hosts.json"

info "(b) fixed"
hosts_json 2 >"$H"
wait_for 5 test -z "$(error_of h1)" || fail "the fixed file did not clear the error: $(error_of h1)"
ovlctl_on h1 overlay list | grep -q "error:" && fail "overlay list still shows an error"
in_ns c1 ping -c 1 -W 2 10.23.0.2 >/dev/null || fail "c1 -> 10.23.0.2 lost after the fix"
for i in 2 3; do
	[ -z "$(error_of "h$i")" ] || fail "h$i still has an error: $(error_of "h$i")"
done
info "all good"
