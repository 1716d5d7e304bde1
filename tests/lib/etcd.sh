# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# tests/lib/etcd.sh - etcd for the tests of ovld's etcd backend: members
# in namespaces of their own on topo.sh's switch, their data under
# $TOPO_DIR, and the ovl side (overlays of the etcd backend, VNICs with
# their addresses, what etcd and the maps hold). Source after netns.sh and
# topo.sh; call topo_switch first.
#
#        +------------------- ns sw: br0 10.1.0.254 (etcdctl runs here) ----+
#        | pe0             | pe1 ...           | ph1 ...
#   ns e0: 10.1.0.100   ns e1..e3: 10.1.0.101-103   ns h1...: ovld
#   etcd (one member)   etcd (a cluster of three)
#
# Every member listens on its switch address (a namespace has its own
# loopback); etcdctl runs in the switch's namespace, from 10.1.0.254, so
# it reaches every member whichever is down. Short timings: heartbeat
# 100 ms, election 1 s.
#
#   etcd_init                    ETCD_DIR, the switch's address, cleanup of
#                                every member at exit
#   etcd_tls_init                CA, server certificate (IP SANs of every
#                                member), client certificate, and a client
#                                certificate of another CA, in $ETCD_TLS;
#                                members started afterwards serve https and
#                                want a client certificate (--client-cert-auth)
#   etcd_single                  member e0 (10.1.0.100); returns when it answers
#   etcd_single6                 member e0 on IPv6 alone: [fd00:1::100] (its
#                                IPv4 address removed; the switch gets
#                                fd00:1::254); returns when it answers
#   etcd_cluster                 members e1 e2 e3 (10.1.0.101-103); returns
#                                when all three answer
#   ETCD_ENDPOINTS               the members' client URLs, comma-separated
#   etcd_url NAME                one member's client URL
#   etcd_stop NAME               SIGTERM, and wait until it is gone
#   etcd_kill NAME               SIGKILL, and wait until it is gone
#   etcd_restart NAME            start it again on its data directory; returns
#                                when it answers
#   etcd_healthy NAME            does it answer (endpoint health)?
#   etcd_wait NAME [SECONDS]     until it answers (fail if not, or if it exited)
#   etcd_leader                  the name of the cluster's leader (status of
#                                the members that answer)
#   ectl ARGS...                 etcdctl against every member (with the client
#                                certificate under TLS, and as ETCD_CTL_USER,
#                                "USER:PASSWORD", if set: etcd's auth)
#   etcd_revision                the store's current revision
#   etcd_compact                 compact (physically) at the current revision;
#                                prints it
#   etcd_log NAME                its log
#
# The ovl side. ETCD_PREFIX (/ovl) and ETCD_TTL (5 s: etcd/lease-ttl) are
# the overlays' defaults here; hostid I is "10.1.0.I:4789".
#
#   etcd_overlay HOST OV VNI [ARGS...]  overlay create OV (VXLAN VNI) of the
#                                etcd backend on HOST, against ETCD_ENDPOINTS
#                                (and $ETCD_TLS's client certificate), more
#                                ovlctl ARGS
#   etcd_vnic HOST NS OV MAC ADDR/LEN...  vnic create eth0 --netns NS --ip
#                                ADDR... (NS ns_add'ed unless it exists), the
#                                prefixes on eth0, up
#   key_mac VNI MAC, key_ip VNI ADDR, key_host VNI HOSTID   the keys
#   etcd_has KEY, etcd_hasnt KEY   does etcd have KEY (not)?
#   etcd_json KEY PYEXPR         PYEXPR over KEY's value (as j)
#   etcd_wait_key SECONDS KEY    until etcd has it (fail after)
#   etcd_wait_nokey SECONDS KEY  until etcd does not (fail after)
#   etcd_lease KEY               the lease KEY is on (decimal; 0: none)
#   etcd_ipam_keys [VNI]         ovl-ipam's allocations of VNI (23), sorted:
#                                one line "ADDR HOSTID OWNER" a key
#   map_has HOST MAC, map_lacks HOST MAC   HOST's ovl_fdb has MAC (not):
#                                ovlctl map list (that ovlctl answers either way)
#   map_underlay HOST MAC        where it points: "IP:PORT"
#   neigh_has HOST ADDR, neigh_lacks HOST ADDR   the same of ovl_neigh
#   ov_json HOST OV PYEXPR       PYEXPR over overlay OV of `overlay list -j`
#                                (as o; its "backend" as b, {} without one)
#   ov_connected HOST [OV]       overlay0 (OV) of HOST: no error, connected
#   ov_disconnected HOST [OV]    connected false
#
# The usual numbering (topo.sh's): VNI 23, container I has MAC
# 02:00:00:00:23:0I and 10.23.0.I/24, fd23::I/64.
#
#   etcd_vni_host I [OVLD_ARGS]  host hI (10.1.0.I), its ovld, overlay0 of VNI 23
#   etcd_vni_vnic I [H]          container cI with its VNIC on host hH (hI)
#   mac_of I, hostid H           02:00:00:00:23:0I, "10.1.0.H:4789"
#   fast_neigh NS                NS asks ARP/NDP again every 100 ms (not 1 s):
#                                what a test times is ovl, not the guest's timer
#
#   now_ms                       milliseconds, for what a test times
#   time_until SECONDS CMD...    run CMD every 20 ms until it succeeds, print
#                                the milliseconds that took; fails after SECONDS
#   ping_until SECONDS NS ADDR   ping (one echo, 200 ms to answer) until one
#                                is answered; fails after SECONDS
#   flood_start ID NS ADDR COUNT  COUNT echo requests 10 ms apart, in the
#                                background ($TOPO_DIR/ID.ping)
#   flood_end ID [HOST...]       wait for it; fail unless every one was answered
#                                (saying which counters of each HOST's data path
#                                moved during the flood, and its ovld's last lines)

ETCD_PREFIX=${ETCD_PREFIX:-/ovl}
ETCD_TTL=${ETCD_TTL:-5}
ETCD_TLS=
ETCD_ENDPOINTS=
ETCD_CTL_USER=
declare -A _etcd_pid _etcd_ip
_etcd_cluster=

_etcd_cleanup=

# etcd_init: again after another topo_switch (a test's next round) ends
# the members of the round before and starts afresh.
etcd_init() {
	need_tools etcd etcdctl python3
	etcd_stop_all
	ETCD_DIR=$TOPO_DIR/etcd
	ETCD_TLS=
	ETCD_ENDPOINTS=
	ETCD_CTL_USER=
	_etcd_ip=()
	_etcd_pid=()
	mkdir -p "$ETCD_DIR"
	ip -n "$(ns_name sw)" addr add 10.1.0.254/24 dev br0
	[ -n "$_etcd_cleanup" ] || on_exit "etcd_stop_all"
	_etcd_cleanup=1
}

# etcd_tls_init: $ETCD_TLS/{ca,server,client,wrong}.pem and their -key.pem.
etcd_tls_init() {
	local d=$ETCD_DIR/tls san="" i
	need_tools openssl
	mkdir -p "$d"
	for i in 100 101 102 103; do
		san+="${san:+,}IP:10.1.0.$i"
	done
	_etcd_ca "$d" ca ovlt-ca
	_etcd_ca "$d" other ovlt-other-ca
	_etcd_cert "$d" server ca etcd "subjectAltName=$san
extendedKeyUsage=serverAuth,clientAuth"
	_etcd_cert "$d" client ca ovl "extendedKeyUsage=clientAuth"
	_etcd_cert "$d" wrong other ovl "extendedKeyUsage=clientAuth"
	ETCD_TLS=$d
}

# _etcd_ca DIR NAME CN: a self-signed CA, DIR/NAME.pem and DIR/NAME-key.pem.
_etcd_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj "/CN=$3" -keyout "$1/$2-key.pem" -out "$1/$2.pem" 2>/dev/null ||
		fail "openssl: cannot make CA $2"
}

# _etcd_cert DIR NAME CA CN EXTENSIONS: DIR/NAME.pem signed by CA.
_etcd_cert() {
	local d=$1 name=$2 ca=$3
	printf '%s\n' "$5" >"$d/$name.ext"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$4" \
		-keyout "$d/$name-key.pem" -out "$d/$name.csr" 2>/dev/null &&
		openssl x509 -req -in "$d/$name.csr" -CA "$d/$ca.pem" -CAkey "$d/$ca-key.pem" \
			-CAcreateserial -days 2 -extfile "$d/$name.ext" -out "$d/$name.pem" 2>/dev/null ||
		fail "openssl: cannot make certificate $name"
}

_etcd_scheme() {
	if [ -n "$ETCD_TLS" ]; then echo https; else echo http; fi
}

etcd_url() {
	echo "$(_etcd_scheme)://${_etcd_ip[$1]}:2379"
}

# _etcd_add NAME IDX [6]: its namespace on the switch, 10.1.0.IDX (with 6:
# [fd00:1::IDX], and no IPv4 address).
_etcd_add() {
	topo_host "$1" "$2"
	if [ "${3:-}" = 6 ]; then
		ip -n "$(ns_name "$1")" addr del "10.1.0.$2/24" dev u0
		_etcd_ip[$1]="[fd00:1::$2]"
	else
		_etcd_ip[$1]=10.1.0.$2
	fi
	ETCD_ENDPOINTS+="${ETCD_ENDPOINTS:+,}$(etcd_url "$1")"
}

# _etcd_run NAME: start it (again), in the background.
_etcd_run() {
	local name=$1 ip=${_etcd_ip[$1]} scheme
	local -a tls=()
	scheme=$(_etcd_scheme)
	if [ -n "$ETCD_TLS" ]; then
		tls=(--client-cert-auth --trusted-ca-file "$ETCD_TLS/ca.pem"
			--cert-file "$ETCD_TLS/server.pem" --key-file "$ETCD_TLS/server-key.pem")
	fi
	ip netns exec "$(ns_name "$name")" etcd --name "$name" --data-dir "$ETCD_DIR/$name.data" \
		--listen-client-urls "$scheme://$ip:2379" --advertise-client-urls "$scheme://$ip:2379" \
		--listen-peer-urls "http://$ip:2380" --initial-advertise-peer-urls "http://$ip:2380" \
		--initial-cluster "$_etcd_cluster" --initial-cluster-state new \
		--initial-cluster-token "ovlt-$RUN" --heartbeat-interval 100 --election-timeout 1000 \
		--logger zap --log-outputs stderr "${tls[@]}" >>"$ETCD_DIR/$name.log" 2>&1 &
	_etcd_pid[$name]=$!
}

etcd_single() {
	_etcd_add e0 100
	_etcd_cluster=e0=http://10.1.0.100:2380
	_etcd_run e0
	etcd_wait e0
}

etcd_single6() {
	ip -n "$(ns_name sw)" addr add fd00:1::254/64 dev br0 nodad
	_etcd_add e0 100 6
	_etcd_cluster="e0=http://[fd00:1::100]:2380"
	_etcd_run e0
	etcd_wait e0
}

etcd_cluster() {
	local i
	for i in 1 2 3; do
		_etcd_add "e$i" "10$i"
	done
	_etcd_cluster=e1=http://10.1.0.101:2380,e2=http://10.1.0.102:2380,e3=http://10.1.0.103:2380
	for i in 1 2 3; do
		_etcd_run "e$i"
	done
	for i in 1 2 3; do
		etcd_wait "e$i"
	done
}

# _etcdctl ENDPOINTS ARGS...: etcdctl from the switch.
_etcdctl() {
	local ep=$1
	local -a more=()
	shift
	if [ -n "$ETCD_TLS" ]; then
		more=(--cacert "$ETCD_TLS/ca.pem" --cert "$ETCD_TLS/client.pem" --key "$ETCD_TLS/client-key.pem")
	fi
	[ -z "$ETCD_CTL_USER" ] || more+=(--user "$ETCD_CTL_USER")
	ip netns exec "$(ns_name sw)" etcdctl --endpoints "$ep" --dial-timeout 1s \
		--command-timeout 3s "${more[@]}" "$@"
}

ectl() {
	_etcdctl "$ETCD_ENDPOINTS" "$@"
}

etcd_healthy() {
	_etcdctl "$(etcd_url "$1")" endpoint health >/dev/null 2>&1
}

# _etcd_up NAME: it answers, or it exited (it never will).
_etcd_up() {
	etcd_healthy "$1" || ! kill -0 "${_etcd_pid[$1]}" 2>/dev/null
}

etcd_wait() {
	if ! wait_for "${2:-20}" _etcd_up "$1" || ! kill -0 "${_etcd_pid[$1]}" 2>/dev/null; then
		tail -n 30 "$ETCD_DIR/$1.log" >&2
		fail "etcd member $1 does not answer"
	fi
}

# _etcd_signal NAME SIG: send it, wait up to 10 s, then SIGKILL.
# (bash's "Killed" notice, printed when it reaps the job, goes nowhere)
_etcd_signal() {
	local pid=${_etcd_pid[$1]:-} i
	[ -n "$pid" ] || return 0
	{
		kill -"$2" "$pid" || true
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" || break
			sleep 0.1
		done
		kill -9 "$pid" || true
		wait "$pid" || true
	} 2>/dev/null
	_etcd_pid[$1]=
}

etcd_stop() {
	_etcd_signal "$1" TERM
}

etcd_kill() {
	_etcd_signal "$1" KILL
}

etcd_restart() {
	[ -z "${_etcd_pid[$1]:-}" ] || fail "etcd member $1 still runs"
	_etcd_run "$1"
	etcd_wait "$1"
}

etcd_stop_all() {
	local n
	for n in "${!_etcd_pid[@]}"; do
		_etcd_signal "$n" KILL
	done
}

etcd_log() {
	cat "$ETCD_DIR/$1.log"
}

# etcd_leader: the running member whose id is the leader all the running
# members name (one at a time: etcdctl waits its whole timeout for a
# member that is down). Fails while they do not agree.
etcd_leader() {
	local n st
	local -a all=()
	for n in "${!_etcd_pid[@]}"; do
		[ -n "${_etcd_pid[$n]}" ] || continue
		st=$(_etcdctl "$(etcd_url "$n")" endpoint status -w json 2>/dev/null) || continue
		all+=("$n" "$st")
	done
	[ ${#all[@]} -gt 0 ] || return 1
	python3 -c '
import json, sys
a = sys.argv[1:]
ids, leaders = {}, set()
for name, st in zip(a[0::2], a[1::2]):
    s = json.loads(st)[0]["Status"]
    ids[s["header"]["member_id"]] = name
    leaders.add(s["leader"])
if len(leaders) != 1 or next(iter(leaders)) not in ids:
    sys.exit(1)
print(ids[leaders.pop()])' "${all[@]}"
}

etcd_revision() {
	ectl get / -w json --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["header"]["revision"])'
}

etcd_compact() {
	local rev
	rev=$(etcd_revision) || fail "etcd: no revision"
	ectl compact --physical "$rev" >/dev/null || fail "etcd: compact $rev failed"
	echo "$rev"
}

# ---- ovl's side ---------------------------------------------------------------

etcd_overlay() {
	local host=$1 ov=$2 vni=$3
	local -a p=(-p "etcd/endpoints=$ETCD_ENDPOINTS" -p "etcd/lease-ttl=$ETCD_TTL")
	shift 3
	[ "$ETCD_PREFIX" = /ovl ] || p+=(-p "etcd/prefix=$ETCD_PREFIX")
	if [ -n "$ETCD_TLS" ]; then
		p+=(-p "etcd/cacert=$ETCD_TLS/ca.pem" -p "etcd/cert=$ETCD_TLS/client.pem"
			-p "etcd/key=$ETCD_TLS/client-key.pem")
	fi
	ovlctl_on "$host" overlay create "$ov" -v "$vni" -e vxlan -s etcd "${p[@]}" "$@" >/dev/null ||
		fail "overlay create $ov (etcd) on $host refused"
}

# etcd_vnic HOST NS OV MAC ADDR/LEN...: ovld is told the addresses
# (--ip, what it publishes); the prefixes are set here where ovld did not.
etcd_vnic() {
	local host=$1 ns=$2 ov=$3 mac=$4 a
	local -a ips=()
	shift 4
	for a in "$@"; do
		ips+=(--ip "${a%/*}")
	done
	[ -e "/run/netns/$(ns_name "$ns")" ] || ns_add "$ns"
	ovlctl_on "$host" vnic create eth0 -l "$ov" -m "$mac" --netns "$(ns_name "$ns")" "${ips[@]}" \
		>/dev/null || fail "vnic create eth0 --netns $ns -m $mac $* on $host refused"
	for a in "$@"; do
		in_ns "$ns" ip -o addr show dev eth0 | grep -q " $a " && continue
		case $a in
		*:*) in_ns "$ns" ip addr add "$a" dev eth0 nodad ;;
		*) in_ns "$ns" ip addr add "$a" dev eth0 ;;
		esac
	done
	in_ns "$ns" ip link set eth0 up
}

key_mac() {
	echo "$ETCD_PREFIX/v1/vni/$1/mac/$2"
}

key_ip() {
	echo "$ETCD_PREFIX/v1/vni/$1/ip/$2"
}

key_host() {
	echo "$ETCD_PREFIX/v1/vni/$1/host/$2"
}

# (etcd must answer either way: a query that fails is neither.)
etcd_has() {
	local k
	k=$(ectl get "$1" --keys-only 2>/dev/null) && [ -n "$k" ]
}

etcd_json() {
	ectl get "$1" --print-value-only | python3 -c "
import json, sys
v = sys.stdin.read()
try:
    j = json.loads(v)
    print($2)
except Exception as e:
    sys.exit('%s: %r in %r' % (sys.argv[1], e, v))" "$1"
}

etcd_wait_key() {
	wait_for "$1" etcd_has "$2" || fail "etcd has no $2 after $1 s: $(ectl get --prefix "$ETCD_PREFIX" --keys-only | grep .)"
}

etcd_hasnt() {
	local k
	k=$(ectl get "$1" --keys-only 2>/dev/null) && [ -z "$k" ]
}

etcd_wait_nokey() {
	wait_for "$1" etcd_hasnt "$2" || fail "etcd still has $2 after $1 s"
}

etcd_lease() {
	ectl get "$1" -w json | python3 -c '
import json, sys
kvs = json.load(sys.stdin).get("kvs", [])
print(kvs[0].get("lease", 0) if kvs else "")'
}

etcd_ipam_keys() {
	ectl get --prefix "$ETCD_PREFIX/v1/vni/${1:-23}/ipam/" -w json | python3 -c '
import base64, json, sys
for kv in json.load(sys.stdin).get("kvs", []):
    v = json.loads(base64.b64decode(kv["value"]))
    print(base64.b64decode(kv["key"]).decode().rsplit("/", 1)[1], v["host"], v["owner"])' | sort
}

# _ovl_list HOST WHAT PYEXPR: exit 0 iff `ovlctl -j WHAT list` of HOST parses
# and PYEXPR (over its entries, l) holds.
_ovl_list() {
	ovlctl_on "$1" -j "$2" list | python3 -c "
import json, sys
l = json.load(sys.stdin)
sys.exit(0 if $3 else 1)" "${@:4}"
}

map_has() {
	_ovl_list "$1" map 'any(e["mac"] == sys.argv[1] for e in l)' "$2"
}

map_lacks() {
	_ovl_list "$1" map 'all(e["mac"] != sys.argv[1] for e in l)' "$2"
}

neigh_has() {
	_ovl_list "$1" neigh 'any(e["ip"] == sys.argv[1] for e in l)' "$2"
}

neigh_lacks() {
	_ovl_list "$1" neigh 'all(e["ip"] != sys.argv[1] for e in l)' "$2"
}

map_underlay() {
	ovlctl_on "$1" -j map list | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["mac"] == sys.argv[1]:
        print("%s:%d" % (e["ip"], e["port"]))
        break
else:
    sys.exit(1)' "$2"
}

ov_json() {
	ovlctl_on "$1" -j overlay list | python3 -c "
import json, re, sys
o = [o for o in json.load(sys.stdin) if o['name'] == sys.argv[1]][0]
b = o.get('backend') or {}
print($3)" "$2"
}

ov_connected() {
	[ "$(ov_json "$1" "${2:-overlay0}" 'not o.get("error") and b.get("connected") is True')" = True ]
}

ov_disconnected() {
	[ "$(ov_json "$1" "${2:-overlay0}" 'b.get("connected") is False')" = True ]
}

etcd_vni_host() {
	local i=$1
	shift
	topo_host "h$i" "$i"
	topo_ovld "h$i" "$@"
	etcd_overlay "h$i" overlay0 23
}

etcd_vni_vnic() {
	etcd_vnic "h${2:-$1}" "c$1" overlay0 "$(mac_of "$1")" "10.23.0.$1/24" "fd23::$1/64"
}

# etcd_published I...: etcd has the MAC key of each cI of VNI 23 (5 s at most).
etcd_published() {
	local i
	for i in "$@"; do
		etcd_wait_key 5 "$(key_mac 23 "$(mac_of "$i")")"
	done
}

# etcd_ping_pairs I...: every cI reaches every other one's 10.23.0.J on
# the first ping.
etcd_ping_pairs() {
	local i j
	for i in "$@"; do
		for j in "$@"; do
			[ "$i" = "$j" ] || in_ns "c$i" ping -c 1 -W 1 "10.23.0.$j" >/dev/null ||
				fail "c$i -> 10.23.0.$j lost"
		done
	done
}

mac_of() {
	echo "02:00:00:00:23:0$1"
}

hostid() {
	echo "10.1.0.$1:4789"
}

fast_neigh() {
	local ns
	ns=$(ns_name "$1")
	ip netns exec "$ns" sysctl -qw net.ipv4.neigh.eth0.retrans_time_ms=100 \
		net.ipv6.neigh.eth0.retrans_time_ms=100
}

now_ms() {
	date +%s%3N
}

time_until() {
	local t=$1 t0 dt
	shift
	t0=$(now_ms)
	while :; do
		if "$@" >/dev/null 2>&1; then
			echo $(($(now_ms) - t0))
			return 0
		fi
		dt=$(($(now_ms) - t0))
		[ "$dt" -lt $((t * 1000)) ] || return 1
		sleep 0.02
	done
}

ping_until() {
	local t=$1
	shift
	time_until "$t" _ping1 "$@" >/dev/null
}

_ping1() {
	in_ns "$1" ping -c 1 -W 0.2 "$2"
}

declare -A _flood_pid

flood_start() {
	local id=$1 ns=$2 addr=$3 n=$4 h
	# shellcheck disable=SC2154 # topo.sh's hosts
	for h in "${!_topo_pid[@]}"; do
		ovlctl_on "$h" -j stats >"$TOPO_DIR/$id.$h.stats" 2>/dev/null || true
	done
	ip netns exec "$(ns_name "$ns")" ping -q -i 0.01 -c "$n" -W 1 "$addr" >"$TOPO_DIR/$id.ping" 2>&1 &
	_flood_pid[$id]=$!
	on_exit "kill ${_flood_pid[$id]}"
}

flood_end() {
	local id=$1 h
	wait "${_flood_pid[$id]}" || true
	if ! grep -q ' 0% packet loss' "$TOPO_DIR/$id.ping"; then
		for h in "${!_topo_pid[@]}"; do
			echo "$h: counters that moved: $(_stats_moved "$h" "$TOPO_DIR/$id.$h.stats")" >&2
			echo "$h: $(tail -n 8 "$TOPO_DIR/ovld-$h.log")" >&2
		done
		fail "flood $id lost packets: $(cat "$TOPO_DIR/$id.ping")"
	fi
	info "flood $id: $(grep 'packets transmitted' "$TOPO_DIR/$id.ping")"
}

# _stats_moved HOST FILE: the counters of HOST that differ from FILE's.
_stats_moved() {
	ovlctl_on "$1" -j stats | python3 -c '
import json, sys
now = json.load(sys.stdin)["counters"]
try:
    old = json.load(open(sys.argv[1]))["counters"]
except Exception:
    old = {}
print(" ".join("%s+%d" % (k, v["packets"] - old.get(k, {}).get("packets", 0))
               for k, v in now.items() if v["packets"] != old.get(k, {}).get("packets", 0)))' "$2"
}
