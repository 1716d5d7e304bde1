#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovld never blocks on a path a user names: a FIFO (or any file that is not
# what the path should be) is refused at once, with a message that names
# the path and what it is.
#
#   c1 (ns) -- h1 --+            +-- h2 -- c2 (ns)
#   10.23.0.1       +-- switch --+          10.23.0.2
#   M1                                      M2
#
#   one hosts.json ($TOPO_DIR/hosts.json) for overlay0 on both hosts
#
# What it proves (every command under `timeout`, so a hang fails the test
# instead of stopping the run):
# (a) `ovld --config FIFO` exits 2 saying the path is a FIFO.
# (b) `overlay create -p files/config=FIFO` fails at once, saying so; ovld
#     answers `ovlctl status` right after.
# (c) a FIFO renamed over hosts.json (inotify reload): ovld answers
#     `ovlctl status`, logs why, `overlay list` shows it, and the old
#     entries stay in force (M2 forgotten with `map del` is re-resolved at
#     h2 by c1's pings); a good file renamed over it clears the error.
# (d) `vnic create --netns X` where /run/netns/X is a FIFO, or a regular
#     file: an immediate error that says what it is; no interface is left
#     behind and ovld answers.
# (e) the CNI plugin with CNI_NETNS naming a FIFO: the spec's error 4
#     ("CNI_NETNS is not a network namespace") naming the path, nothing
#     left behind.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
ns_init
need_tools python3 timeout
cni_init

M1=02:00:00:00:23:01
M2=02:00:00:00:23:02
topo_switch
topo_host h1 1
topo_host h2 2
H=$TOPO_DIR/hosts.json
F=$TOPO_DIR/a.fifo
mkfifo "$F"
topo_hosts_json "$H" "$M1 10.1.0.1 arp=10.23.0.1" "$M2 10.1.0.2 arp=10.23.0.2"
cp "$H" "$TOPO_DIR/good.json"

# alive HOST WHAT: HOST's ovld answers at once.
alive() {
	timeout 10 "$OVLCTL" --instance "$(inst_of "$1")" status >/dev/null 2>&1 ||
		fail "$2: ovld on $1 does not answer: $(ovld_log "$1" | tail -n 3)"
}
# refused WANT_RC WANT CMD...: CMD (under timeout) exits WANT_RC and its
# stderr is WANT.
refused() {
	local want_rc=$1 want=$2 rc=0
	shift 2
	timeout 10 "$@" >"$TOPO_DIR/out" 2>"$TOPO_DIR/err" || rc=$?
	[ "$rc" != 124 ] || fail "$* hung (killed after 10 s)"
	[ "$rc" = "$want_rc" ] || fail "$*: exit $rc, want $want_rc: $(cat "$TOPO_DIR/err")"
	[ "$(cat "$TOPO_DIR/err")" = "$want" ] ||
		fail "$*: stderr \"$(cat "$TOPO_DIR/err")\", want \"$want\""
	info "refused: $want"
}
# ovlctl on h1, as a command timeout can run
CTL1=(ip netns exec "$(ns_name h1)" "$OVLCTL" --instance "$(inst_of h1)")

info "(a) ovld --config FIFO"
refused 2 "<3>ovld: error: --config $F: a FIFO, not a regular file" \
	ip netns exec "$(ns_name h1)" "$OVLD" --instance "$(inst_of h1)" --underlay u0 \
	--state-dir "$TOPO_DIR/state-h1" --config "$F"

for i in 1 2; do
	topo_ovld "h$i"
	topo_files_overlay "h$i" overlay0 23 "$H"
	topo_vnic "h$i" "c$i" overlay0 "$(eval echo "\$M$i")" "10.23.0.$i/24"
done
in_ns c1 ping -c 1 -W 2 10.23.0.2 >/dev/null || fail "c1 -> c2 lost"

info "(b) overlay create -p files/config=FIFO"
refused 1 "ovlctl: overlay create: $F: a FIFO, not a regular file" \
	"${CTL1[@]}" overlay create ov1 -v 24 -e vxlan -s files -p "files/config=$F"
alive h1 "overlay create from a FIFO"

info "(c) a FIFO renamed over hosts.json"
mkfifo "$TOPO_DIR/new.fifo"
mv "$TOPO_DIR/new.fifo" "$H"
want="overlay overlay0: reload rejected, keeping the previous entries: $H: a FIFO, not a regular file"
wait_for 5 grep -qF -- "$want" "$TOPO_DIR/ovld-h1.log" ||
	fail "no \"$want\" in h1's log: $(ovld_log h1 | tail -n 3)"
alive h1 "hosts.json a FIFO"
alive h2 "hosts.json a FIFO"
ovlctl_on h1 overlay list | grep -qF "error: $H: a FIFO, not a regular file" ||
	fail "overlay list does not show why: $(ovlctl_on h1 overlay list)"
ovlctl_on h1 map del overlay0 "$M2"
in_ns c1 ping -c 2 -i 0.2 -W 2 10.23.0.2 >/dev/null || fail "c1 -> c2 lost with hosts.json a FIFO"
ovlctl_on h1 -j map get overlay0 "$M2" | grep -qF '"10.1.0.2"' || fail "h1 lost $M2 at 10.1.0.2"
cp "$TOPO_DIR/good.json" "$TOPO_DIR/new.json"
mv "$TOPO_DIR/new.json" "$H"
wait_for 5 sh -c "! '$OVLCTL' --instance '$(inst_of h1)' overlay list | grep -q error:" ||
	fail "a good hosts.json did not clear the error: $(ovlctl_on h1 overlay list)"

info "(d) vnic create --netns where /run/netns/NAME is a FIFO or a regular file"
links_before=$(ip -n "$(ns_name h1)" -o link show | wc -l)
for kind in fifo file; do
	n=ovlt-$RUN-$kind
	on_exit "rm -f '/run/netns/$n'"
	if [ $kind = fifo ]; then
		mkfifo "/run/netns/$n"
		what="a FIFO"
	else
		: >"/run/netns/$n"
		what="a regular file"
	fi
	refused 1 "ovlctl: vnic create: /var/run/netns/$n: $what, not a network namespace" \
		"${CTL1[@]}" vnic create eth9 -l overlay0 -m 02:00:00:00:23:09 --netns "$n"
	alive h1 "vnic create in $what"
	rm -f "/run/netns/$n"
done
[ "$(ip -n "$(ns_name h1)" -o link show | wc -l)" = "$links_before" ] ||
	fail "vnic create left an interface behind: $(ip -n "$(ns_name h1)" -o link show)"
ovlctl_on h1 vnic list | grep -q eth9 && fail "vnic list shows eth9"

info "(e) the CNI plugin with CNI_NETNS a FIFO"
conf=$(conf_for 1 1.0.0)
CNI_RC=0
timeout 10 ip netns exec "$(ns_name h1)" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	CNI_COMMAND=ADD CNI_PATH="$CNI_PATH_DIRS" CNI_CONTAINERID=cid-fifo CNI_IFNAME=eth0 \
	CNI_NETNS="$F" "$CNI_BIN" <"$conf" >"$CNI_OUT" 2>"$CNI_ERR" || CNI_RC=$?
[ "$CNI_RC" != 124 ] || fail "the CNI plugin hung on CNI_NETNS=$F (killed after 10 s)"
cni_expect_error 4 1.0.0 "CNI_NETNS a FIFO" "CNI_NETNS is not a network namespace: CNI_NETNS=$F: a FIFO, not a network namespace"
info "refused: $CNI_MSG"
no_leftovers h1 "CNI_NETNS a FIFO"
alive h1 "CNI_NETNS a FIFO"
info "all good"
