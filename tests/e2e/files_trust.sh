#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# hosts.json names the VTEPs the data path accepts, so ovld takes it only
# from root (OpenSSH's StrictModes; ovl-files(5) "TRUST"):
#
#   c1 (ns) -- h1 --+            +-- h2 -- c2 (ns)
#   10.23.0.1       +-- switch --+          10.23.0.2
#   M1              |                       M2
#                   (10.1.0.3: no host; the attacker's file sends M2 there)
#
#   h1: overlay0 from $TOPO_DIR/sticky/hosts.json (sticky, mode 1777, as
#       /var/tmp); h2: overlay0 from $TOPO_DIR/h2.json
#
# What it proves:
# (a) at `overlay create` a hosts.json that root alone did not write is
#     refused with a message naming the path, the component and why:
#     written by nobody into the sticky directory; root's but mode 0664;
#     root's in a world-writable (not sticky) directory; root's reached
#     through nobody's symbolic link in the sticky directory. No overlay is
#     made. root's own file in the sticky directory works (the seed's
#     /var/tmp/hosts.json).
# (b) while it runs, root's file removed and one written by nobody in its
#     place (M2 sent to 10.1.0.3) is refused on the inotify reload, on
#     `ovlctl reload` (exit 1, the reason) and on SIGHUP: the log says why,
#     `ovlctl overlay list` shows it, and the old entries stay in force:
#     after `ovlctl map del` of M2, c1's pings re-resolve M2 at h2 (the
#     attacker's entry would send them to 10.1.0.3). So is root's file of
#     mode 0666, and a group-writable directory on the path; root's good
#     file clears the error.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools python3 setpriv

M1=02:00:00:00:23:01
M2=02:00:00:00:23:02
NOBODY=65534
topo_switch
chmod 0755 "$TOPO_DIR" # nobody reaches the sticky directory
S=$TOPO_DIR/sticky
mkdir -m 1777 "$S"
H=$S/hosts.json

# hosts_json M2_HOST_INDEX: the file's text, M2 on host 10.1.0.INDEX.
hosts_json() {
	printf '{\n\t"%s": { "ip": "10.1.0.1", "port": 4789, "arp": "10.23.0.1" },\n' "$M1"
	printf '\t"%s": { "ip": "10.1.0.%s", "port": 4789, "arp": "10.23.0.2" }\n}\n' "$M2" "$1"
}
# as_nobody CMD...: run CMD as the unprivileged user nobody.
as_nobody() {
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups -- "$@"
}
# nobody_writes FILE M2_HOST_INDEX: nobody creates FILE with that text.
nobody_writes() {
	hosts_json "$2" | as_nobody sh -c 'cat >"$1"' sh "$1"
	[ "$(stat -c %u "$1")" = $NOBODY ] || fail "$1 is not nobody's"
}
# error_of HOST: the backend error `overlay list -j` shows for overlay0, "" if none.
error_of() {
	ovlctl_on "$1" -j overlay list |
		python3 -c 'import json,sys; print([o for o in json.load(sys.stdin) if o["name"] == "overlay0"][0].get("error") or "")'
}
underlay_of() {
	ovlctl_on "$1" -j map get overlay0 "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ip"])'
}
overlays_of() {
	ovlctl_on "$1" -j overlay list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}

topo_host h1 1
topo_host h2 2
topo_ovld h1
topo_ovld h2
hosts_json 2 >"$TOPO_DIR/h2.json"
ovlctl_on h2 overlay create overlay0 -v 23 -e vxlan -s files -p "files/config=$TOPO_DIR/h2.json"

info "(a) overlay create refuses what root alone did not write"
# create_refused FILE WANT: overlay create from FILE fails (1) saying WANT.
create_refused() {
	local rc=0
	ovlctl_on h1 overlay create overlay0 -v 23 -e vxlan -s files -p "files/config=$1" \
		>"$TOPO_DIR/out" 2>"$TOPO_DIR/err" || rc=$?
	[ "$rc" = 1 ] || fail "overlay create from $1: exit $rc, want 1: $(cat "$TOPO_DIR/err")"
	[ "$(cat "$TOPO_DIR/err")" = "ovlctl: overlay create: $2" ] ||
		fail "overlay create from $1 says \"$(cat "$TOPO_DIR/err")\", want \"ovlctl: overlay create: $2\""
	[ "$(overlays_of h1)" = 0 ] || fail "an overlay was made from $1"
	info "refused: $2"
}
nobody_writes "$H" 2
create_refused "$H" "$H: owned by uid $NOBODY, not root, in sticky directory $S"
rm "$H"

hosts_json 2 >"$TOPO_DIR/gw.json"
chmod 0664 "$TOPO_DIR/gw.json"
create_refused "$TOPO_DIR/gw.json" \
	"$TOPO_DIR/gw.json: writable by group (mode 0664); only root may write it"

mkdir -m 0777 "$TOPO_DIR/open"
chmod 0777 "$TOPO_DIR/open" # whatever the umask
hosts_json 2 >"$TOPO_DIR/open/hosts.json"
create_refused "$TOPO_DIR/open/hosts.json" \
	"$TOPO_DIR/open/hosts.json: directory $TOPO_DIR/open is writable by group and others (mode 0777) and not sticky"

as_nobody ln -s "$TOPO_DIR/h2.json" "$S/link.json"
create_refused "$S/link.json" "$S/link.json: owned by uid $NOBODY, not root, in sticky directory $S"
rm "$S/link.json"

info "root's own file in the sticky directory works"
hosts_json 2 >"$H"
ovlctl_on h1 overlay create overlay0 -v 23 -e vxlan -s files -p "files/config=$H"
for i in 1 2; do
	topo_vnic "h$i" "c$i" overlay0 "$(eval echo "\$M$i")" "10.23.0.$i/24"
done
in_ns c1 ping -c 1 -W 2 10.23.0.2 >/dev/null || fail "c1 -> c2 lost"
[ "$(underlay_of h1 "$M2")" = 10.1.0.2 ] || fail "h1 did not learn $M2 at 10.1.0.2"
[ -z "$(error_of h1)" ] || fail "overlay0 has an error: $(error_of h1)"

# still_in_force HOW: the old entries stand: M2 forgotten and re-resolved
# by a ping is at h2 again (the refused file says 10.1.0.3).
still_in_force() {
	ovlctl_on h1 map del overlay0 "$M2"
	in_ns c1 ping -c 2 -i 0.2 -W 2 10.23.0.2 >/dev/null ||
		fail "$1: c1 -> c2 lost: $(ovld_log h1 | tail -n 3)"
	[ "$(underlay_of h1 "$M2")" = 10.1.0.2 ] ||
		fail "$1: h1 has $M2 at $(underlay_of h1 "$M2"): the refused file was used"
}
# mark; ...; rejected HOW WANT: since mark, h1 logged a rejected reload and
# the last one says WANT; overlay list shows WANT.
REJ="overlay overlay0: reload rejected, keeping the previous entries: "
mark() {
	N_REJ=$(grep -cF -- "$REJ" "$TOPO_DIR/ovld-h1.log" || true)
}
rejected_since_mark() {
	[ "$(grep -cF -- "$REJ" "$TOPO_DIR/ovld-h1.log" || true)" -gt "$N_REJ" ] || return 1
	case $(grep -F -- "$REJ" "$TOPO_DIR/ovld-h1.log" | tail -n 1) in
	*"$REJ$1") return 0 ;;
	*) return 1 ;;
	esac
}
rejected() {
	wait_for 5 rejected_since_mark "$2" ||
		fail "$1: no \"$REJ$2\" in h1's log: $(ovld_log h1 | tail -n 3)"
	[ "$(error_of h1)" = "$2" ] || fail "$1: overlay list shows \"$(error_of h1)\", want \"$2\""
	ovlctl_on h1 overlay list | grep -qF "error: $2" || fail "$1: overlay list shows no error"
	info "$1: refused: $2"
}

info "(b) root's file removed, nobody's in its place (M2 at 10.1.0.3)"
mark
rm "$H"
nobody_writes "$H" 3
want="$H: owned by uid $NOBODY, not root, in sticky directory $S"
rejected "inotify" "$want"
still_in_force "inotify"

mark
rc=0
ovlctl_on h1 reload overlay0 >"$TOPO_DIR/out" 2>"$TOPO_DIR/err" || rc=$?
[ "$rc" = 1 ] || fail "ovlctl reload: exit $rc, want 1: $(cat "$TOPO_DIR/err")"
grep -qF -- "$want" "$TOPO_DIR/err" || fail "ovlctl reload does not say why: $(cat "$TOPO_DIR/err")"
rejected "ovlctl reload" "$want"
still_in_force "ovlctl reload"

mark
kill -HUP "${_topo_pid[h1]}"
rejected "SIGHUP" "$want"
still_in_force "SIGHUP"

info "(b) root's file, but writable by everyone"
mark
(
	umask 000
	hosts_json 3 >"$S/new.json"
)
mv "$S/new.json" "$H"
rejected "mode 0666" "$H: writable by group and others (mode 0666); only root may write it"
still_in_force "mode 0666"

info "(b) a group-writable directory on the path"
hosts_json 2 >"$S/new.json"
mv "$S/new.json" "$H"
wait_for 5 test -z "$(error_of h1)" || fail "root's good file did not clear the error: $(error_of h1)"
chmod 0775 "$TOPO_DIR"
mark
hosts_json 3 >"$S/new.json"
mv "$S/new.json" "$H"
rejected "group-writable directory" \
	"$H: directory $TOPO_DIR is writable by group (mode 0775) and not sticky"
still_in_force "group-writable directory"
chmod 0755 "$TOPO_DIR"

info "(b) root's good file clears the error"
hosts_json 2 >"$S/new.json"
mv "$S/new.json" "$H"
wait_for 5 test -z "$(error_of h1)" || fail "root's good file did not clear the error: $(error_of h1)"
ovlctl_on h1 reload overlay0 >/dev/null || fail "ovlctl reload of root's good file failed"
still_in_force "fixed"
info "all good"
