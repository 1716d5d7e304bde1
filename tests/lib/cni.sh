# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# tests/lib/cni.sh - run the real ovl CNI plugin the way a runtime does:
# a clean environment with the CNI_* variables, the configuration on stdin,
# stdout and the exit status read back. Source after netns.sh and topo.sh.
#
#   cni_init                       CNI_T (a temp dir, removed at exit), checks
#                                  that build/ovl and host-local exist
#   cni HOST CMD CONF [CID IFNAME NETNS [CNI_ARGS]]
#                                  run build/ovl inside host HOST (so that it
#                                  reaches that host's ovld); CONF is a file;
#                                  NETNS is a name from ns_add ("" for none).
#                                  Sets CNI_RC; stdout in $CNI_OUT, stderr
#                                  in $CNI_ERR
#   cni_plugin PLUGIN HOST CMD CONF [...]   the same for another plugin
#   cni_expect_ok KIND VERSION WHAT  exit 0 and stdout of KIND (result,
#                                  version, empty) per the spec
#   cni_expect_error CODE VERSION WHAT [TEXT]  exit non-zero and the spec's
#                                  error object with CODE (whose msg and details
#                                  hold TEXT); CNI_MSG is "msg: details"
#   jget FILE PYEXPR               evaluate PYEXPR on the JSON in FILE (as j)
#   eval "$(jvars FILE VAR=PYEXPR...)"  several at once (python starts slowly)
#   cni_conf FILE VERSION NAME INSTANCE [EXTRA_JSON_MEMBERS]
#                                  write a configuration for overlay0 with
#                                  host-local IPAM (CNI_IPAM_JSON) to FILE
#
#   cni_two_hosts                  topo.sh's switch, hosts h1 and h2 (underlay
#                                  10.1.0.1, .2), an ovld on each with overlay0
#                                  (VNI 23, files backend $TOPO_DIR/hosts.json)
#   cni_setup                      the start of a test of the plugin on two
#                                  hosts: ns_init, cni_init, cni_two_hosts
#   conf_for HOST VERSION [NAME [EXTRA]]  a configuration for HOST (1 or 2):
#                                  network NAME (ovlnet), that host's ovld,
#                                  host-local in $CNI_T/ipam-hHOST handing out
#                                  10.23.0.10-99 + fd23::a:* on h1, .100-199 +
#                                  fd23::b:* on h2; prints the file's name
#   mac_for CID IFNAME             the MAC ovl derives for an attachment
#   hosts_json MAC UNDERLAY_IP IP4 IP6 ...  write hosts.json (4 words an entry)
#                                  and wait until both ovlds loaded it
#   no_leftovers HOST WHAT         fail if HOST has an ovl veth, a CNI endpoint
#                                  or a lease

CNI_BIN=$OVL_BUILD/ovl
CNI_PLUGINS=/usr/lib/cni
CNI_VALIDATE="python3 $OVL_TOP/tests/lib/cni_validate.py"

cni_init() {
	[ -x "$CNI_BIN" ] || fail "no $CNI_BIN: run make first"
	[ -x "$CNI_PLUGINS/host-local" ] ||
		skip "no $CNI_PLUGINS/host-local (Debian package containernetworking-plugins)"
	command -v python3 >/dev/null || skip "no python3 for the result validator"
	CNI_T=$(mktemp -d /tmp/ovlt-cni-XXXXXX)
	on_exit "rm -rf '$CNI_T'"
	CNI_OUT=$CNI_T/stdout
	CNI_ERR=$CNI_T/stderr
	# The plugin directory a runtime would search: ovl and the reference
	# plugins side by side.
	mkdir -p "$CNI_T/bin"
	ln -s "$CNI_BIN" "$CNI_T/bin/ovl"
	[ ! -x "$OVL_BUILD/ovl-ipam" ] || ln -s "$OVL_BUILD/ovl-ipam" "$CNI_T/bin/ovl-ipam"
	for p in "$CNI_PLUGINS"/*; do
		ln -s "$p" "$CNI_T/bin/$(basename "$p")"
	done
	CNI_PATH_DIRS=$CNI_T/bin
}

# cni_plugin PLUGIN HOST CMD CONF [CID IFNAME NETNS [CNI_ARGS]]
cni_plugin() {
	local plugin=$1 host=$2 cmd=$3 conf=$4 cid=${5:-} ifn=${6:-} netns=${7:-} args=${8:-}
	local -a env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin "CNI_COMMAND=$cmd" "CNI_PATH=$CNI_PATH_DIRS")
	[ -n "$cid" ] && env+=("CNI_CONTAINERID=$cid")
	[ -n "$ifn" ] && env+=("CNI_IFNAME=$ifn")
	if [ -n "$netns" ]; then
		case $netns in
		/*) env+=("CNI_NETNS=$netns") ;;
		*) env+=("CNI_NETNS=/var/run/netns/$(ns_name "$netns")") ;;
		esac
	fi
	[ -n "$args" ] && env+=("CNI_ARGS=$args")
	CNI_RC=0
	ip netns exec "$(ns_name "$host")" env -i "${env[@]}" "$CNI_PATH_DIRS/$plugin" \
		<"$conf" >"$CNI_OUT" 2>"$CNI_ERR" || CNI_RC=$?
}

cni() {
	cni_plugin ovl "$@"
}

_cni_show() {
	echo "  exit $CNI_RC; stdout: $(cat "$CNI_OUT")" >&2
	echo "  stderr: $(cat "$CNI_ERR")" >&2
}

# cni_expect_ok KIND VERSION WHAT (KIND empty takes no VERSION: pass "")
cni_expect_ok() {
	local kind=$1 version=$2 what=$3
	if [ "$CNI_RC" != 0 ]; then
		_cni_show
		fail "$what: exit $CNI_RC"
	fi
	if [ "$kind" = empty ]; then
		$CNI_VALIDATE empty "$CNI_OUT" || { _cni_show; fail "$what: stdout not empty"; }
	else
		$CNI_VALIDATE "$kind" "$version" "$CNI_OUT" ||
			{ _cni_show; fail "$what: not a valid $kind of CNI $version"; }
	fi
}

# cni_expect_error CODE VERSION WHAT [TEXT]
cni_expect_error() {
	local code=$1 version=$2 what=$3 text=${4:-}
	if [ "$CNI_RC" = 0 ]; then
		_cni_show
		fail "$what: exit 0, want error $code"
	fi
	CNI_MSG=$($CNI_VALIDATE error "$version" "$CNI_OUT" "$code") ||
		{ _cni_show; fail "$what: not the CNI error $code"; }
	if [ -n "$text" ] && [[ $CNI_MSG != *"$text"* ]]; then
		_cni_show
		fail "$what: the error does not say \"$text\""
	fi
}

# jget FILE PYEXPR: print the value of a Python expression over the JSON `j`.
jget() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); print(v if not isinstance(v,(dict,list)) else json.dumps(v))' "$1" "$2"
}

# jvars FILE VAR=PYEXPR...: print shell assignments, one python run.
jvars() {
	python3 -c '
import json, shlex, sys
j = json.load(open(sys.argv[1]))
for a in sys.argv[2:]:
    k, e = a.split("=", 1)
    v = eval(e)
    print("%s=%s" % (k, shlex.quote(v if isinstance(v, str) else json.dumps(v))))' "$@"
}

# The ovl configuration's IPAM section (host-local by default).
CNI_IPAM_JSON=

# cni_conf FILE VERSION NAME INSTANCE [EXTRA]: EXTRA is more members, as
# '"mtu": 1400, "logLevel": "debug"'.
cni_conf() {
	local file=$1 version=$2 name=$3 inst=$4 extra=${5:-}
	{
		printf '{"cniVersion": "%s", "name": "%s", "type": "ovl", "overlay": "overlay0",\n' \
			"$version" "$name"
		printf ' "instance": "%s", "logLevel": "debug",\n' "$inst"
		[ -n "$extra" ] && printf ' %s,\n' "$extra"
		printf ' "ipam": %s}\n' "$CNI_IPAM_JSON"
	} >"$file"
}

# cni_with FILE PYCODE: edit the configuration in FILE with Python (c is it).
cni_with() {
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); exec(sys.argv[2]); json.dump(c, open(sys.argv[1],"w"))' "$1" "$2"
}

# cni_prev CONF RESULT OUT: CONF with prevResult = RESULT, into OUT.
cni_prev() {
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c["prevResult"]=json.load(open(sys.argv[2])); json.dump(c, open(sys.argv[3],"w"))' "$1" "$2" "$3"
}

# host_veths HOST: the ovl host ends ("ovc...") in host HOST.
host_veths() {
	ip -n "$(ns_name "$1")" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^ovc' || true
}

# cni_endpoints HOST: ids of ovld's CNI endpoints in host HOST.
cni_endpoints() {
	ovlctl_on "$1" endpoint list | awk 'NR > 1 && $2 == "cni" { print $1 }'
}

# leases DIR: host-local's lease files under DIR (not its lock and
# last_reserved_ip bookkeeping).
leases() {
	find "$1" -type f ! -name lock ! -name 'last_reserved_ip*' 2>/dev/null || true
}

cni_two_hosts() {
	local h
	topo_switch
	topo_host h1 1
	topo_host h2 2
	echo '{}' >"$TOPO_DIR/hosts.json"
	for h in 1 2; do
		topo_ovld "h$h"
		ovlctl_on "h$h" overlay create overlay0 -v 23 -e vxlan -s files \
			-p "vxlan/listen_ip=10.1.0.$h" -p "files/config=$TOPO_DIR/hosts.json" >/dev/null
	done
}

cni_setup() {
	ns_init
	cni_init
	cni_two_hosts
}

ipam_for() {
	local h=$1 lo=10 hi=99 v6=a
	[ "$h" = 1 ] || { lo=100 hi=199 v6=b; }
	printf '{"type": "host-local", "dataDir": "%s/ipam-h%s", "ranges": [[{"subnet": "10.23.0.0/24", "rangeStart": "10.23.0.%s", "rangeEnd": "10.23.0.%s"}], [{"subnet": "fd23::/64", "rangeStart": "fd23::%s:1", "rangeEnd": "fd23::%s:ffff"}]], "routes": [{"dst": "0.0.0.0/0"}]}' \
		"$CNI_T" "$h" "$lo" "$hi" "$v6" "$v6"
}

conf_for() {
	local f="$CNI_T/h$1-$2-${3:-ovlnet}.json"
	CNI_IPAM_JSON=$(ipam_for "$1") cni_conf "$f" "$2" "${3:-ovlnet}" "$(inst_of "h$1")" "${4:-}"
	echo "$f"
}

mac_for() {
	python3 -c '
import sys
h = 14695981039346656037
for b in (sys.argv[1] + "/" + sys.argv[2]).encode():
    h = ((h ^ b) * 1099511628211) & (2**64 - 1)
print(":".join("%02x" % x for x in [2] + [(h >> (8 * i)) & 0xff for i in range(5)]))' "$1" "$2"
}

hosts_json() {
	local n=0 h
	local -a entries=()
	while [ $# -ge 4 ]; do
		entries+=("$1 $2 arp=$3 ndp=$4")
		n=$((n + 1))
		shift 4
	done
	topo_hosts_json "$TOPO_DIR/hosts.json" "${entries[@]}"
	for h in h1 h2; do
		wait_for 5 sh -c "$OVLCTL --instance $(inst_of $h) -j overlay list | grep -q '\"entries\": $n'" ||
			fail "$h did not load the new hosts.json"
	done
}

no_leftovers() {
	local v e l
	v=$(host_veths "$1")
	e=$(cni_endpoints "$1")
	l=$(leases "$CNI_T/ipam-$1")
	[ -z "$v$e$l" ] || fail "$2: left behind on $1: veths [$v] endpoints [$e] leases [$l]"
}

# podman_need: skip unless podman, runc, busybox-static and nsenter are
# there (what podman_init and podman_dir use).
podman_need() {
	command -v podman >/dev/null || skip "no podman (Debian package podman)"
	command -v runc >/dev/null || skip "no runc (Debian package runc)"
	[ -x /bin/busybox ] || skip "no /bin/busybox (Debian package busybox-static)"
	command -v nsenter >/dev/null || skip "no nsenter"
}

# podman_init APPLET...: podman for this run, in host h1 (sets NET and P):
# its own containers.conf (CONTAINERS_CONF: runc, since crun fails on this
# machine's hybrid cgroup layout; cgroupfs, ulimits of 4096, the CNI
# backend, this run's conflist and plugin directories), storage and run
# directories under $P, and a busybox-static root directory $P/rootfs with
# the applets named. What podman and libcni make outside $P (runc's state
# directory, libcni's result cache) is removed at exit when this run made
# it. pod ARGS... runs podman in h1, with nsenter --net (not `ip netns
# exec`, whose fresh /sys hides the cgroup mounts runc needs).
podman_init() {
	local d
	NET=ovlt-$RUN
	P=$CNI_T/podman
	mkdir -p "$P/net"
	for d in /var/lib/cni /var/lib/cni/results /run/runc; do # (undone in reverse)
		[ -e "$d" ] || on_exit "rmdir '$d'"
	done
	on_exit "rm -f /var/lib/cni/results/$NET-*"
	podman_dir "$P" "$CNI_PATH_DIRS" "$P/net" "$@"
	on_exit "pod rm -a -f -t 0"
}

# podman_dir DIR BINDIR CONFDIR APPLET...: what one podman of a test has
# under DIR: containers.conf (as podman_init says, with the CNI plugins of
# BINDIR and the network configurations of CONFDIR), tmp, and rootfs, a
# busybox-static root directory with the applets named.
podman_dir() {
	local d=$1 bin=$2 conf=$3 a
	shift 3
	mkdir -p "$d/rootfs/bin" "$d/tmp"
	cp /bin/busybox "$d/rootfs/bin/"
	for a in "$@"; do
		ln -s busybox "$d/rootfs/bin/$a"
	done
	cat >"$d/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$d/events.log"
tmp_dir = "$d/tmp"

[network]
network_backend = "cni"
cni_plugin_dirs = ["$bin"]
network_config_dir = "$conf"
EOF
}

pod() {
	nsenter --net="/var/run/netns/$(ns_name h1)" env CONTAINERS_CONF="$P/containers.conf" \
		podman --root "$P/root" --runroot "$P/run" --storage-driver vfs \
		--runtime-flag "root=$P/runc" "$@"
}
