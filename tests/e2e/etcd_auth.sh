#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# etcd's own authentication (etcdctl auth enable): ovld logs in with
# etcd/user and etcd/password-file; with a wrong password, or a file that
# is not there, it says so.
#
#   h1 (c1), h2 (c2): overlay0 of VNI 23 on e0 (http://10.1.0.100:2379,
#   auth on), as user ovl (role ovl: readwrite on the prefix /ovl/ alone),
#   its password in a file of root's, mode 0600, ending in a newline
#
# What it proves:
# 1. with the right password: overlay list shows no error and connected,
#    both VNICs are published (mac and ip keys), and c1 <-> c2 answer on
#    the first try;
# 2. overlay wrongpw (VNI 24) on h1, the same user with a wrong password
#    in its file: `overlay create` takes it, but within 10 s overlay list
#    shows an error that says "authentication failed" and names the user,
#    connected is not true; a VNIC made on it is published nowhere (no
#    key under VNI 24); overlay0 goes on working;
# 3. overlay nouser (VNI 25) on h1, a user etcd does not know: the same;
# 4. overlay noperm (VNI 26) on h1, a user whose password is right but
#    who has no role: the error says "permission denied", nothing is
#    published;
# 5. etcd/password-file naming a file that is not there: `overlay create`
#    fails, its message names the property and the file, and no overlay
#    is left behind; etcd/user without etcd/password-file is refused too.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
ns_init
topo_switch
etcd_init
etcd_single

# pw: a fresh random password.
pw() {
	head -c 18 /dev/urandom | base64 | tr '+/' '-_'
}
# secret NAME PASSWORD: $TOPO_DIR/NAME.pw, root's, 0600, PASSWORD and a newline.
secret() {
	(
		umask 077
		printf '%s\n' "$2" >"$TOPO_DIR/$1.pw"
	)
	echo "$TOPO_DIR/$1.pw"
}
ROOTPW=$(pw)
OVLPW=$(pw)
ectl user add "root:$ROOTPW" --interactive=false >/dev/null || fail "etcdctl user add root"
ectl user add "ovl:$OVLPW" --interactive=false >/dev/null || fail "etcdctl user add ovl"
ectl user add "norole:$OVLPW" --interactive=false >/dev/null || fail "etcdctl user add norole"
ectl role add ovl >/dev/null || fail "etcdctl role add ovl"
ectl role grant-permission ovl --prefix=true readwrite "$ETCD_PREFIX/" >/dev/null ||
	fail "etcdctl role grant-permission ovl"
ectl user grant-role ovl ovl >/dev/null || fail "etcdctl user grant-role ovl ovl"
ectl role add root >/dev/null || fail "etcdctl role add root"
ectl user grant-role root root >/dev/null || fail "etcdctl user grant-role root root"
ectl auth enable >/dev/null || fail "etcdctl auth enable"
ETCD_CTL_USER=root:$ROOTPW
# auth is on: without a user etcd refuses
ETCD_CTL_USER='' ectl put "$ETCD_PREFIX/probe" x >/dev/null 2>&1 && fail "etcd takes a put without a user"
ectl put "$ETCD_PREFIX/probe" x >/dev/null || fail "etcd refuses root's put"
ectl del "$ETCD_PREFIX/probe" >/dev/null

GOOD=$(secret ovl "$OVLPW")
for i in 1 2; do
	topo_host "h$i" "$i"
	topo_ovld "h$i"
	etcd_overlay "h$i" overlay0 23 -p etcd/user=ovl -p "etcd/password-file=$GOOD"
	etcd_vni_vnic "$i"
done

info "1. the right password"
for i in 1 2; do
	etcd_wait_key 5 "$(key_mac 23 "$(mac_of "$i")")"
	etcd_wait_key 5 "$(key_ip 23 "10.23.0.$i")"
	etcd_wait_key 5 "$(key_host 23 "$(hostid "$i")")"
	wait_for 5 ov_connected "h$i" || fail "h$i: $(ovlctl_on "h$i" -j overlay list)"
done
info "h1: $(ov_json h1 overlay0 'json.dumps(b)')"
in_ns c1 ping -c 1 -W 1 10.23.0.2 >/dev/null || fail "first ping c1 -> c2 lost"
in_ns c2 ping -c 1 -W 1 10.23.0.1 >/dev/null || fail "first ping c2 -> c1 lost"

# refused OV VNI I REGEX USER PASSWORDFILE [CONNECTED]: overlay OV on h1,
# as USER, with container cI on it: within 10 s overlay list has an error
# that matches REGEX, and connected is not true (is CONNECTED, if given);
# nothing under VNI in etcd.
refused() {
	local ov=$1 vni=$2 i=$3 re=$4 user=$5 pwf=$6 conn=${7:-}
	etcd_overlay h1 "$ov" "$vni" -p "etcd/user=$user" -p "etcd/password-file=$pwf"
	etcd_vnic h1 "c$i" "$ov" "02:00:00:00:$vni:0$i" "10.$vni.0.$i/24"
	# shellcheck disable=SC2317 # called by wait_for
	err_is() {
		local e
		e=$(ov_json h1 "$ov" 'o.get("error") or ""') && [[ $e =~ $re ]] || return 1
		if [ -n "$conn" ]; then
			[ "$(ov_json h1 "$ov" 'b.get("connected")')" = "$conn" ]
		else
			[ "$(ov_json h1 "$ov" 'b.get("connected") is not True')" = True ]
		fi
	}
	wait_for 10 err_is || fail "$ov: no error /$re/ in overlay list: $(ovlctl_on h1 -j overlay list)"
	info "$ov: $(ov_json h1 "$ov" 'json.dumps({"error": o["error"], "connected": b.get("connected")})')"
	# what it would have published had a second to get there
	sleep 1
	[ -z "$(ectl get --prefix "$ETCD_PREFIX/v1/vni/$vni/" --keys-only)" ] ||
		fail "VNI $vni has keys in etcd: $(ectl get --prefix "$ETCD_PREFIX/v1/vni/$vni/" --keys-only)"
}

info "2. a wrong password"
refused wrongpw 24 3 'authentication failed.*\(authenticating as ovl\)' ovl "$(secret wrong "$(pw)")"
info "3. a user etcd does not know"
refused nouser 25 4 'authentication failed.*\(authenticating as nobody\)' nobody "$GOOD"
info "4. a user without a role"
refused noperm 26 5 'permission denied' norole "$GOOD" True
ov_connected h1 || fail "overlay0 of h1 no longer connected: $(ovlctl_on h1 -j overlay list)"
in_ns c1 ping -c 1 -W 1 10.23.0.2 >/dev/null || fail "c1 -> c2 lost"

info "5. no password file"
MISSING=$TOPO_DIR/missing.pw
if out=$(ovlctl_on h2 overlay create nofile -v 27 -e vxlan -s etcd -p "etcd/endpoints=$ETCD_ENDPOINTS" \
	-p etcd/user=ovl -p "etcd/password-file=$MISSING" 2>&1); then
	fail "overlay create with a password file that is not there succeeded: $out"
fi
info "nofile: $out"
case $out in
*"etcd/password-file $MISSING: No such file or directory"*) ;;
*) fail "overlay create nofile: the message does not name the file: $out" ;;
esac
[ "$(ovlctl_on h2 -j overlay list | python3 -c 'import json,sys; print(any(o["name"] == "nofile" for o in json.load(sys.stdin)))')" = False ] ||
	fail "overlay nofile exists after its create failed: $(ovlctl_on h2 -j overlay list)"
if out=$(ovlctl_on h2 overlay create nopwf -v 27 -e vxlan -s etcd -p "etcd/endpoints=$ETCD_ENDPOINTS" \
	-p etcd/user=ovl 2>&1); then
	fail "overlay create with etcd/user alone succeeded: $out"
fi
case $out in
*"etcd/user and etcd/password-file go together"*) ;;
*) fail "overlay create nopwf: $out" ;;
esac
ov_connected h2 || fail "overlay0 of h2 no longer connected: $(ovlctl_on h2 -j overlay list)"
exit 0
