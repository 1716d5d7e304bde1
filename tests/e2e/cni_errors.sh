#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/e2e/cni_errors.sh - every way an ADD can fail gives the spec's
# error object on stdout (and only that), with the right code and a message
# that says what is wrong, and leaves nothing behind: no host veth, no
# interface in the container, no ovld endpoint, no host-local lease.
#
#   c (netns) -- h1: ovld (overlay0, VNI 23) -- switch
#
#   bad configurations: missing overlay/vni, wrong types, unknown keys,
#     bad JSON, duplicate keys, unsupported or missing cniVersion,
#     an unknown IPAM plugin                                  (codes 1 2 6 7)
#   bad environment: missing variables, bad names, a missing or wrong
#     CNI_NETNS, unknown CNI_ARGS, unknown CNI_COMMAND        (codes 3 4)
#   ovld not running, an unknown overlay                       (100 102)
#   ipMasq or portMappings on an overlay without a router      (7)
#   failures after the veth and the lease exist, which ADD must undo:
#     a route the kernel refuses (103), a MAC ovld refuses (101), an IPAM
#     plugin that crashes or prints nothing (104), an exhausted range
#     (host-local's own error passed on), CNI_IFNAME taken, ADD twice
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/cni.sh"
cni_setup
ns_add c
IPAM_DIR=$CNI_T/ipam-h1

# baseline: what exists now (veths, endpoints, leases) is what clean expects.
state() {
	echo "veths [$(host_veths h1 | tr '\n' ' ')] endpoints [$(cni_endpoints h1 | tr '\n' ' ')]" \
		"leases [$(leases "$IPAM_DIR" | tr '\n' ' ')]"
}
baseline() {
	BASE=$(state)
}
# clean WHAT: nothing of a failed ADD is left.
clean() {
	local now
	now=$(state)
	[ "$now" = "$BASE" ] || fail "$1: left behind: $now; before: $BASE"
	[ "$(in_ns c ip -o link show | grep -vc ': lo:')" = 0 ] ||
		fail "$1: the container has interfaces: $(in_ns c ip -o link show)"
}
baseline

# bad CODE TEXT WHAT [CID]: ADD with $T/bad.json fails with CODE, the
# message (msg + details) holds TEXT, nothing is left behind.
bad() {
	local code=$1 text=$2 what=$3 cid=${4:-cid-bad}
	cni h1 ADD "$CNI_T/bad.json" "$cid" eth0 c
	cni_expect_error "$code" "${BAD_VERSION:-1.0.0}" "$what" "$text"
	clean "$what"
	info "$what: $code $CNI_MSG"
}

# conf [PYCODE]: a good configuration into $T/bad.json, then edited.
conf() {
	cp "$(conf_for 1 1.0.0)" "$CNI_T/bad.json"
	[ $# = 0 ] || cni_with "$CNI_T/bad.json" "$1"
}

info "configurations"
conf 'del c["overlay"]'
bad 7 'neither "overlay"' "no overlay and no vni"
conf 'c["mtu"] = "1400"'
bad 7 '"mtu" must be an integer from 68 to 65535, not "1400"' "mtu as a string"
conf 'c["mtu"] = 40'
bad 7 '"mtu" must be an integer from 68 to 65535, not 40' "mtu too small"
conf 'del c["overlay"]; c["vni"] = "23"'
bad 7 '"vni" must be an integer from 0 to 16777215' "vni as a string"
conf 'del c["overlay"]; c["vni"] = 1 << 24'
bad 7 '"vni" must be an integer from 0 to 16777215, not 16777216' "vni too large"
conf 'c["overlay"] = 23'
bad 7 '"overlay" must be a string, not an integer' "overlay as a number"
conf 'c["ipam"] = ["host-local"]'
bad 7 '"ipam" must be an object, not an array' "ipam as an array"
conf 'del c["ipam"]'
bad 7 '"ipam" is missing' "no ipam"
conf 'c["mac"] = "de:ad:be:ef"'
bad 7 '"mac": "de:ad:be:ef" is not a MAC address' "a bad mac"
conf 'c["runtimeConfig"] = {"mac": "01:00:5e:00:00:01"}'
bad 7 'runtimeConfig.mac": 01:00:5e:00:00:01 is not a unicast MAC' "a multicast runtimeConfig.mac"
conf 'c["instance"] = "../etc"'
bad 7 '"instance": "../etc" is not an ovld instance name' "a bad instance"
conf 'c["name"] = "my net"'
bad 7 '"name": "my net" must start with a letter or digit' "a bad network name"
conf 'c["frob"] = {"x": 1}'
bad 2 'unknown key "frob" (value {"x":1})' "an unknown key"
conf 'c["cniVersion"] = "0.3.1"'
BAD_VERSION=1.1.0 bad 1 'the configuration is "0.3.1"' "cniVersion 0.3.1"
conf 'del c["cniVersion"]'
BAD_VERSION=1.1.0 bad 7 '"cniVersion" is missing' "no cniVersion"
printf '{"cniVersion": "1.0.0", "name": "x",' >"$CNI_T/bad.json"
BAD_VERSION=1.1.0 bad 6 'stdin:1:' "truncated JSON"
printf '{"cniVersion": "1.0.0", "name": "x", "name": "y"}' >"$CNI_T/bad.json"
bad 6 "duplicate object key" "a duplicate key"
conf 'c["ipam"]["type"] = "nosuch-ipam"'
bad 7 'no executable "nosuch-ipam" in CNI_PATH' "an unknown IPAM plugin"
conf 'c["ipam"]["type"] = "../host-local"'
bad 7 '"ipam.type": "../host-local" is not a plugin name' "an IPAM path"

info "ovld and its overlays"
conf "c[\"instance\"] = \"ovlt-$RUN-none\""
bad 100 "is ovld running" "ovld not running"
conf 'c["overlay"] = "nosuch"'
bad 102 'has no overlay "nosuch"' "an unknown overlay"
conf 'del c["overlay"]; c["vni"] = 99'
bad 102 'has no overlay with VNI 99' "an unknown vni"
conf 'c["ipMasq"] = True'
bad 7 '"ipMasq": true needs a router, and overlay overlay0 has none: create it with one (ovlctl overlay create overlay0 ... -p router/gateway=ADDR/PLEN)' \
	"ipMasq on an overlay without a router"
conf 'c["capabilities"] = {"portMappings": True}; c["runtimeConfig"] = {"portMappings": [{"hostPort": 8080, "containerPort": 80}]}'
bad 7 'runtimeConfig.portMappings needs a router, and overlay overlay0 has none' \
	"portMappings on an overlay without a router"
conf 'c["vni"] = 24'
bad 102 'has VNI 23, the configuration says 24' "overlay and vni disagree"

info "the environment"
conf
# run_env CODE TEXT WHAT VAR=VALUE...: ADD with a changed environment;
# VAR=@unset leaves VAR out.
run_env() {
	local code=$1 text=$2 what=$3 kv k
	local -A vars=([CNI_COMMAND]=ADD [CNI_CONTAINERID]=cid-env [CNI_IFNAME]=eth0
		[CNI_NETNS]="/var/run/netns/$(ns_name c)" [CNI_PATH]="$CNI_PATH_DIRS")
	local -a env=(PATH=/usr/bin:/bin)
	shift 3
	for kv in "$@"; do
		vars[${kv%%=*}]=${kv#*=}
	done
	for k in "${!vars[@]}"; do
		[ "${vars[$k]}" = @unset ] || env+=("$k=${vars[$k]}")
	done
	CNI_RC=0
	ip netns exec "$(ns_name h1)" env -i "${env[@]}" "$CNI_BIN" <"$CNI_T/bad.json" \
		>"$CNI_OUT" 2>"$CNI_ERR" || CNI_RC=$?
	cni_expect_error "$code" 1.0.0 "$what" "$text"
	clean "$what"
	info "$what: $code $CNI_MSG"
}
run_env 4 "CNI_CONTAINERID is not set" "no CNI_CONTAINERID" CNI_CONTAINERID=@unset
run_env 4 "CNI_CONTAINERID is not a valid container ID" "a bad container ID" CNI_CONTAINERID=-x
run_env 4 "CNI_IFNAME is not a valid interface name" "a bad CNI_IFNAME" CNI_IFNAME=eth0/1
run_env 4 "CNI_IFNAME is not a valid interface name" "a long CNI_IFNAME" CNI_IFNAME=abcdefghijklmnop
run_env 4 "CNI_NETNS is not set" "no CNI_NETNS" CNI_NETNS=@unset
run_env 4 "CNI_PATH is not set" "no CNI_PATH" CNI_PATH=@unset
run_env 3 "does not exist" "a missing netns" CNI_NETNS=/var/run/netns/ovlt-$RUN-nosuch
run_env 4 "not a network namespace" "a netns path that is a file" CNI_NETNS=/etc/hostname
run_env 4 "not an absolute path" "a relative netns path" CNI_NETNS=netns/x
run_env 4 'CNI_ARGS has a key ovl does not know' "an unknown CNI_ARGS key" CNI_ARGS=FOO=bar
run_env 4 'CNI_ARGS: bad MAC' "a bad CNI_ARGS MAC" CNI_ARGS=MAC=xx
run_env 4 'unknown CNI_COMMAND' "an unknown command" CNI_COMMAND=FROB
run_env 4 'CNI_COMMAND is not set' "no CNI_COMMAND" CNI_COMMAND=@unset

info "failures that ADD must undo"
# A route the kernel refuses: its gateway is on no connected network.
conf 'c["ipam"]["routes"] = [{"dst": "192.168.0.0/16", "gw": "172.31.0.1"}]'
bad 103 'cannot add a route' "an unreachable gateway"
# A MAC another endpoint has: ovld refuses it.
conf 'c["runtimeConfig"] = {"mac": "02:00:00:00:00:aa"}'
cp "$CNI_T/bad.json" "$CNI_T/good.json"
ns_add c0
cni h1 ADD "$CNI_T/good.json" cid-c0 eth0 c0
cni_expect_ok result 1.0.0 "ADD c0"
baseline
bad 101 'already endpoint cid-c0/eth0' "a MAC in use"
# ADD twice (no DEL between): refused, the first one intact.
cni h1 ADD "$CNI_T/good.json" cid-c0 eth0 c0
cni_expect_error 103 1.0.0 "ADD twice"
grep -q 'an ADD without its DEL' "$CNI_OUT" || fail "ADD twice: $(cat "$CNI_OUT")"
[ "$(cni_endpoints h1)" = cid-c0/eth0 ] || fail "ADD twice broke the first"
cni h1 DEL "$CNI_T/good.json" cid-c0 eth0 c0
cni_expect_ok empty "" "DEL c0"
baseline
[ "$BASE" = "veths [] endpoints [] leases []" ] || fail "DEL c0 left $BASE"
# CNI_IFNAME taken in the container: refused before IPAM, the existing
# interface untouched.
in_ns c ip link add eth0 type veth peer name eth0p
conf
cni h1 ADD "$CNI_T/bad.json" cid-bad eth0 c
cni_expect_error 103 1.0.0 "CNI_IFNAME taken"
grep -q 'eth0 exists in' "$CNI_OUT" || fail "CNI_IFNAME taken: $(cat "$CNI_OUT")"
in_ns c ip link show eth0 >/dev/null || fail "the container's own eth0 is gone"
in_ns c ip link del eth0
clean "CNI_IFNAME taken"
# IPAM plugins that fail without a CNI error.
printf '#!/bin/sh\necho "segfault (core dumped)"\nexit 139\n' >"$CNI_T/bin/crash-ipam"
printf '#!/bin/sh\ncat >/dev/null\nexit 0\n' >"$CNI_T/bin/mute-ipam"
chmod +x "$CNI_T/bin/crash-ipam" "$CNI_T/bin/mute-ipam"
conf 'c["ipam"] = {"type": "crash-ipam"}'
bad 104 "output is not JSON" "a crashing IPAM plugin"
conf 'c["ipam"] = {"type": "mute-ipam"}'
bad 104 "printed no result" "a mute IPAM plugin"
# host-local's own error, passed on: a range of one address, taken.
conf 'c["ipam"]["ranges"] = [[{"subnet": "10.23.0.0/24", "rangeStart": "10.23.0.10", "rangeEnd": "10.23.0.10"}]]'
cp "$CNI_T/bad.json" "$CNI_T/one.json"
cni h1 ADD "$CNI_T/one.json" cid-c0 eth0 c0
cni_expect_ok result 1.0.0 "ADD c0 (range of one)"
baseline
bad 999 'IPAM plugin host-local: failed to allocate' "an exhausted range"
cni h1 DEL "$CNI_T/one.json" cid-c0 eth0 c0
cni_expect_ok empty "" "DEL c0 (range of one)"
baseline
[ "$BASE" = "veths [] endpoints [] leases []" ] || fail "the end: $BASE"
