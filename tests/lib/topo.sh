# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# tests/lib/topo.sh - simulated hosts on a simulated underlay switch, each
# with its own ovld. Source after netns.sh and call ns_init first.
#
#        +---------------- ns sw: bridge br0 ----------------+
#        | p1              | p2              | p3            |
#   ns h1: u0          ns h2: u0         ns h3: u0
#   10.1.0.1/24        10.1.0.2/24       10.1.0.3/24
#   fd00:1::1/64       fd00:1::2/64      fd00:1::3/64
#   ovld (XDP on u0)   ovld              ovld
#
# The switch ports hand frames to the hosts with finalized checksums, as a
# physical wire does (tx checksumming off on them): XDP sees a frame the way
# a NIC delivers it. (A veth can otherwise carry the sending host's
# CHECKSUM_PARTIAL state across namespaces, which XDP cannot see.)
#
#   topo_switch                  make the switch
#   topo_host NAME IDX           a host: namespace, underlay, addresses
#   topo_ovld NAME [ARGS]        start ovld for it (instance ovlt-$RUN-NAME), wait
#                                until it answers
#   ovlctl_on NAME ARGS...       run ovlctl against that host's ovld
#   topo_kill_ovld NAME [SIG]    stop it (the data path stays)
#   stat_of NAME COUNTER         packets of one counter (ovlctl stats -j)
#   topo_drop_events NAME        exit 0 iff that host's ovld has drop events on
#                                (OVL_CFG_F_DROP_EVENTS: a monitor is in)
#   cap_start ID NAME IF [FILTER]  tcpdump on IF of host/container NAME into
#                                  $TOPO_DIR/ID.pcap; returns once it listens
#   cap_stop ID                  stop it (the file is complete afterwards)
#   cap_count ID [DISPLAYFILTER] frames of the capture (matching a tshark filter)
#   topo_outside                 namespace out on the switch: 10.1.0.100, fd00:1::100
#   topo_whoami NS NAME PORT     tests/lib/whoami.py as NAME on PORT in NS, listening
#
# Overlays of the files backend and their containers:
#
#   topo_hosts_json FILE ENTRY...  write FILE (by rename) for the files backend;
#                                an ENTRY is "MAC UNDERLAY [KEY=VALUE...]",
#                                port 4789, as "$M1 10.1.0.1 arp=10.23.0.1"
#   topo_files_overlay NAME OVERLAY VNI FILE [ARGS...]
#                                overlay create OVERLAY (VXLAN VNI, files backend
#                                reading FILE, more ovlctl ARGS) on host NAME
#   topo_vnic NAME NS OVERLAY MAC [ADDR/LEN...]
#                                a VNIC eth0 of OVERLAY on host NAME in namespace
#                                NS (ns_add'ed unless it exists), with the
#                                addresses (IPv6 ones without DAD), up
#
# and the usual numbering of a test's network, for VNI V and container I:
# MAC 02:00:00:00:V:0I, address 10.V.0.I/24, on host hI (underlay 10.1.0.I):
#
#   topo_vni_json FILE V I[@H]...  FILE lists containers I (on host hH if
#                                given, else hI) with their ARP addresses
#   topo_vni_host I V FILE [OVLD_ARGS...]
#                                host hI (topo_host), its ovld (topo_ovld with
#                                OVLD_ARGS), overlay0 of V from FILE, and
#                                container cI with its VNIC
#
# An older ovld, for upgrade tests:
#
#   topo_old_ovld COMMIT ABI     build ovld and ovlctl of COMMIT from git
#                                history into $TOPO_DIR/abiABI/build (set as
#                                OLD_BUILD); fail unless that ovld is of ABI

OVLCTL=$OVL_BUILD/ovlctl
OVLD=$OVL_BUILD/ovld
declare -A _topo_pid

# shellcheck disable=SC2034 # OLD_BUILD is the caller's
topo_old_ovld() {
	local commit=$1 abi=$2 old=$TOPO_DIR/abi$2
	git -C "$OVL_TOP" cat-file -e "$commit^{commit}" 2>/dev/null ||
		fail "this test builds the ABI-$abi ovld from git history (commit $commit) and $OVL_TOP has no such commit: run it in a full clone (git fetch --unshallow)"
	mkdir "$old"
	git -C "$OVL_TOP" archive "$commit" | tar -x -C "$old"
	make -C "$old" -j2 OUTPUT=build build/ovld build/ovlctl >"$TOPO_DIR/abi$abi-build.log" 2>&1 ||
		fail "building the ABI-$abi ovld failed: $(tail -n 20 "$TOPO_DIR/abi$abi-build.log")"
	"$old/build/ovld" --version | grep -q "(ABI $abi)" || fail "$old/build/ovld is not of ABI $abi"
	OLD_BUILD=$old/build
}

topo_bpffs() {
	# A bpffs in the initial mount namespace, mounted before any
	# `ip netns exec`, is visible to all of them (ovld pins there). Root's
	# alone (a bpffs is 1777 without mode=), as ovld(8) says to mount it.
	mkdir -p /run/ovl/bpf
	mountpoint -q /run/ovl/bpf || mount -t bpf -o mode=0700 bpf /run/ovl/bpf
}

topo_switch() {
	topo_bpffs
	ns_add sw
	ip -n "$(ns_name sw)" link add br0 type bridge
	ip -n "$(ns_name sw)" link set br0 up
	TOPO_DIR=$(mktemp -d /tmp/ovlt-"$RUN".XXXX)
	on_exit "rm -rf '$TOPO_DIR'"
}

# topo_host NAME IDX: host NAME with underlay addresses 10.1.0.IDX and
# fd00:1::IDX on u0, connected to the switch.
topo_host() {
	local name=$1 idx=$2 ns sw
	ns_add "$name"
	ns=$(ns_name "$name")
	sw=$(ns_name sw)
	ip link add u0 netns "$ns" type veth peer name "p$name" netns "$sw"
	ip -n "$sw" link set "p$name" master br0 up
	ip netns exec "$sw" ethtool -K "p$name" tx off >/dev/null
	ip -n "$ns" addr add "10.1.0.$idx/24" dev u0
	ip -n "$ns" addr add "fd00:1::$idx/64" dev u0 nodad
	ip -n "$ns" link set u0 up
}

inst_of() {
	echo "ovlt-$RUN-$1"
}

# topo_ovld NAME [ARGS...]: start ovld in host NAME, wait until it answers.
topo_ovld() {
	local name=$1 inst ns
	shift
	inst=$(inst_of "$name")
	ns=$(ns_name "$name")
	ip netns exec "$ns" "$OVLD" --instance "$inst" --underlay u0 \
		--state-dir "$TOPO_DIR/state-$name" "$@" >>"$TOPO_DIR/ovld-$name.log" 2>&1 &
	_topo_pid[$name]=$!
	on_exit "_topo_stop ${_topo_pid[$name]}; $OVLD --instance $inst --state-dir $TOPO_DIR/state-$name --cleanup"
	# It answers, not just its socket is there: a killed ovld leaves its
	# socket file behind. One that exited will not answer: no more waiting.
	if ! wait_for 10 _topo_up "$name" "${_topo_pid[$name]}" ||
		! kill -0 "${_topo_pid[$name]}" 2>/dev/null; then
		cat "$TOPO_DIR/ovld-$name.log" >&2
		fail "ovld for $name did not start"
	fi
}

# _topo_up NAME PID: ovld answers, or PID is gone (it never will).
_topo_up() {
	ovlctl_on "$1" status || ! kill -0 "$2" 2>/dev/null
}

# _topo_stop PID: SIGTERM, and SIGKILL if it is not gone in 5 s (--cleanup
# refuses while an ovld holds the instance).
_topo_stop() {
	local i
	kill "$1" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

topo_kill_ovld() {
	local name=$1 sig=${2:-TERM}
	kill -"$sig" "${_topo_pid[$name]}" 2>/dev/null || true
	wait "${_topo_pid[$name]}" 2>/dev/null || true
}

ovld_log() {
	cat "$TOPO_DIR/ovld-$1.log"
}

ovlctl_on() {
	local name=$1
	shift
	ip netns exec "$(ns_name "$name")" "$OVLCTL" --instance "$(inst_of "$name")" "$@"
}

# stat_of NAME COUNTER: the packet count of one counter.
stat_of() {
	ovlctl_on "$1" -j stats | python3 -c \
		'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]]["packets"])' "$2"
}

# in_ns NAME CMD...: run a command inside host (or container) NAME.
in_ns() {
	local name=$1
	shift
	ip netns exec "$(ns_name "$name")" "$@"
}

declare -A _cap_pid

cap_start() {
	local id=$1 name=$2 ifc=$3
	shift 3
	# Not through in_ns: $! must be tcpdump itself. -Z root: the file is
	# in a directory only root may write; -s: headers are what we look at
	# (CAP_SNAPLEN=0 for whole frames, to verify checksums);
	# --immediate-mode: a frame is written when it is seen, not when the
	# kernel's buffer block fills up (what is in that block when tcpdump
	# is stopped would be lost).
	ip netns exec "$(ns_name "$name")" tcpdump -nU --immediate-mode -Z root -s "${CAP_SNAPLEN:-256}" -i "$ifc" \
		-w "$TOPO_DIR/$id.pcap" "$@" 2>"$TOPO_DIR/$id.err" &
	_cap_pid[$id]=$!
	on_exit "kill ${_cap_pid[$id]}"
	wait_for 10 grep -q "listening on" "$TOPO_DIR/$id.err" ||
		fail "tcpdump $id on $name/$ifc did not start: $(cat "$TOPO_DIR/$id.err")"
}

cap_stop() {
	sleep 0.2 # frames still on their way
	kill -INT "${_cap_pid[$1]}" 2>/dev/null || true
	wait "${_cap_pid[$1]}" 2>/dev/null || true
}

cap_count() {
	if [ $# -gt 1 ]; then
		tshark -r "$TOPO_DIR/$1.pcap" -Y "$2" 2>/dev/null | wc -l
	else
		tshark -r "$TOPO_DIR/$1.pcap" 2>/dev/null | wc -l
	fi
}

topo_hosts_json() {
	local file=$1 e kv sep=""
	local -a w
	shift
	{
		echo "{"
		for e in "$@"; do
			read -r -a w <<<"$e"
			printf '%s  "%s": {"ip": "%s", "port": 4789' "$sep" "${w[0]}" "${w[1]}"
			for kv in "${w[@]:2}"; do
				printf ', "%s": "%s"' "${kv%%=*}" "${kv#*=}"
			done
			printf '}'
			sep=$',\n'
		done
		printf '\n}\n'
	} >"$file.new"
	mv "$file.new" "$file"
}

topo_files_overlay() {
	local name=$1 ov=$2 vni=$3 file=$4
	shift 4
	ovlctl_on "$name" overlay create "$ov" -v "$vni" -e vxlan -s files -p "files/config=$file" "$@" >/dev/null ||
		fail "overlay create $ov on $name refused"
}

topo_vnic() {
	local name=$1 ns=$2 ov=$3 mac=$4 a
	shift 4
	[ -e "/run/netns/$(ns_name "$ns")" ] || ns_add "$ns"
	ovlctl_on "$name" vnic create eth0 -l "$ov" -m "$mac" --netns "$(ns_name "$ns")" >/dev/null ||
		fail "vnic create eth0 --netns $ns on $name refused"
	for a in "$@"; do
		case $a in
		*:*) in_ns "$ns" ip addr add "$a" dev eth0 nodad ;;
		*) in_ns "$ns" ip addr add "$a" dev eth0 ;;
		esac
	done
	in_ns "$ns" ip link set eth0 up
}

topo_vni_json() {
	local file=$1 vni=$2 c h
	local -a entries=()
	shift 2
	for c in "$@"; do
		h=${c#*@}
		c=${c%@*}
		entries+=("02:00:00:00:$vni:0$c 10.1.0.$h arp=10.$vni.0.$c")
	done
	topo_hosts_json "$file" "${entries[@]}"
}

topo_vni_host() {
	local i=$1 vni=$2 file=$3
	shift 3
	topo_host "h$i" "$i"
	topo_ovld "h$i" "$@"
	topo_files_overlay "h$i" overlay0 "$vni" "$file"
	topo_vnic "h$i" "c$i" overlay0 "02:00:00:00:$vni:0$i" "10.$vni.0.$i/24"
}

# need_udhcpc: UDHCPC, a DHCP client's command (udhcpc, or busybox's); skip
# (a missing capability) without one.
# shellcheck disable=SC2034 # UDHCPC is the caller's
need_udhcpc() {
	if command -v udhcpc >/dev/null; then
		UDHCPC=(udhcpc)
	elif command -v busybox >/dev/null; then
		UDHCPC=(busybox udhcpc)
	else
		skip "no udhcpc"
	fi
}

# topo_dnsmasq NAME [ARGS...]: a DHCP server on eth0 of container NAME,
# leasing 10.23.0.100-200 for an hour (more dnsmasq ARGS), leases in
# $TOPO_DIR/leases, its log in $TOPO_DIR/dnsmasq.log; returns once it runs.
topo_dnsmasq() {
	local name=$1
	shift
	in_ns "$name" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --user=root --group=root \
		--interface=eth0 --bind-interfaces --dhcp-range=10.23.0.100,10.23.0.200,255.255.255.0,1h \
		--dhcp-leasefile="$TOPO_DIR/leases" --pid-file="$TOPO_DIR/dnsmasq.pid" \
		--log-dhcp --log-facility="$TOPO_DIR/dnsmasq.log" "$@" &
	on_exit "kill $! 2>/dev/null"
	wait_for 5 test -s "$TOPO_DIR/dnsmasq.pid" || fail "dnsmasq did not start"
}

# need_tools TOOL...: skip (a missing capability) unless every TOOL is installed.
need_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || skip "no $t"
	done
}

# topo_drop_events NAME: does host NAME's ovld have drop events on (bit 0
# of ovl_config's flags, set while a monitor listens)?
topo_drop_events() {
	bpftool -j map lookup pinned "/run/ovl/bpf/$(inst_of "$1")/ovl_config" key 0 0 0 0 |
		python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["formatted"]["value"]["flags"] & 1 else 1)'
}

# topo_outside: namespace "out" on the switch, the world beyond the hosts
# (a server on the LAN): 10.1.0.100/24 and fd00:1::100/64 on u0.
topo_outside() {
	local sw
	ns_add out
	sw=$(ns_name sw)
	ip link add u0 netns "$(ns_name out)" type veth peer name pout netns "$sw"
	ip -n "$sw" link set pout master br0 up
	in_ns out ip addr add 10.1.0.100/24 dev u0
	in_ns out ip addr add fd00:1::100/64 dev u0 nodad
	in_ns out ip link set u0 up
}

# topo_whoami NS NAME PORT: tests/lib/whoami.py serving as NAME on PORT
# (TCP and UDP) in namespace NS until the test ends; returns once it listens.
topo_whoami() {
	local log="$TOPO_DIR/whoami-$1-$3.log"
	in_ns "$1" python3 "$OVL_TOP/tests/lib/whoami.py" serve "$2" "$3" >"$log" 2>&1 &
	on_exit "kill $!"
	wait_for 5 grep -q ready "$log" || fail "whoami $2 in $1 (port $3) did not start"
}
