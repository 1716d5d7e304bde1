# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# tests/lib/cni_many.sh - many CNI attachments at once on the hosts of one
# etcd, their addresses from ovl-ipam: what a cluster does when pods start
# on every node together. How a container is ADDed (which plugin, which
# configuration, which runtime) is the test's: a function of VERB and I.
# Source after netns.sh, topo.sh, cni.sh and etcd.sh; cni_init first.
#
# Container I (1..N) is namespace cI on host hH, H = (I - 1) % HOSTS + 1,
# with container id cid-I and interface eth0: its endpoint is cid-I/eth0,
# its ovl-ipam owner cni:NETWORK/cid-I/eth0, its host's id hostid H.
#
#   many_init N HOSTS NETWORK VNI  the set; makes the namespaces c1..cN
#   many_host I                  container I's host (its number)
#   many_run VERB FN             FN VERB I for every container at once (FN's
#                                stdout in $MANY_T/VERB-I.out, stderr in
#                                .err), at nice 19; fails naming the first whose FN
#                                did not exit 0; says how long they took
#                                together
#   many_batch VERB FN           the same with one FN a host, all at once: FN
#                                VERB H FILE, FILE listing host H's containers,
#                                "cid-I NETNS $MANY_T/VERB-I" a line, as
#                                cni_runtime.py --batch reads it (FN writes
#                                each one's .out, .err and .rc)
#   many_added VERSION           after many_run ADD: every stdout a valid
#                                result of CNI VERSION; N distinct addresses,
#                                which are exactly etcd's allocations of VNI,
#                                each naming its host and owner; each host's
#                                CNI endpoints are its containers'
#   many_addr I                  container I's address (after many_added)
#   many_published               until etcd has the ip key of every container's
#                                address (ovld publishes after ADD returned)
#   many_ping PAIRS [SECONDS]    PAIRS containers (spread over the N) each
#                                reach one on another host on the first ping
#                                (one echo, SECONDS to answer, 2)
#   many_gone                    after many_run DEL: no DEL printed anything;
#                                etcd has no allocation of VNI and (in 5 s) no
#                                ip or mac key; no host has an endpoint (but
#                                an overlay's router) or an ovl veth
#
# etcd's allocations are etcd_ipam_keys' (etcd.sh).

# many_init N HOSTS NETWORK VNI
many_init() {
	local i
	MANY_N=$1
	MANY_HOSTS=$2
	MANY_NET=$3
	MANY_VNI=$4
	MANY_T=$CNI_T/many
	mkdir -p "$MANY_T"
	for ((i = 1; i <= MANY_N; i++)); do
		ns_add "c$i"
	done
}

many_host() {
	echo $((($1 - 1) % MANY_HOSTS + 1))
}

# many_run VERB FN: the runtimes (and the plugins they run) at nice 19
# yield the CPU to etcd and the ovlds, which a cluster runs on machines of
# their own: on 2 cores, bursts of 150 processes otherwise keep etcd from
# answering ovld within its 2 s (ovl-ipam's error 11, "try again later").
# 150 runtimes in python are such a burst even so: many_batch.
many_run() {
	local verb=$1 fn=$2 i t0
	local -a pids=()
	t0=$(now_ms)
	for ((i = 1; i <= MANY_N; i++)); do
		{
			renice -n 19 -p "$BASHPID" >/dev/null
			rc=0
			"$fn" "$verb" "$i" >"$MANY_T/$verb-$i.out" 2>"$MANY_T/$verb-$i.err" || rc=$?
			echo "$rc" >"$MANY_T/$verb-$i.rc"
		} &
		pids+=($!)
	done
	wait "${pids[@]}"
	info "$MANY_N ${verb}s at once in $(($(now_ms) - t0)) ms"
	_many_check "$verb"
}

# many_batch VERB FN: one runtime a host (as one containerd a node), each
# running its containers' plugins at once; at nice 19, as many_run's.
many_batch() {
	local verb=$1 fn=$2 h i t0
	local -a pids=()
	for ((h = 1; h <= MANY_HOSTS; h++)); do
		for ((i = h; i <= MANY_N; i += MANY_HOSTS)); do
			rm -f "$MANY_T/$verb-$i.rc"
			echo "cid-$i /run/netns/$(ns_name "c$i") $MANY_T/$verb-$i"
		done >"$MANY_T/$verb-h$h.batch"
	done
	t0=$(now_ms)
	for ((h = 1; h <= MANY_HOSTS; h++)); do
		{
			renice -n 19 -p "$BASHPID" >/dev/null
			"$fn" "$verb" "$h" "$MANY_T/$verb-h$h.batch" >"$MANY_T/$verb-h$h.log" 2>&1 ||
				echo "exit $?" >>"$MANY_T/$verb-h$h.log"
		} &
		pids+=($!)
	done
	wait "${pids[@]}"
	info "$MANY_N ${verb}s at once ($MANY_HOSTS runtimes) in $(($(now_ms) - t0)) ms"
	for ((h = 1; h <= MANY_HOSTS; h++)); do
		[ ! -s "$MANY_T/$verb-h$h.log" ] || fail "$verb on h$h: $(cat "$MANY_T/$verb-h$h.log")"
	done
	_many_check "$verb"
}

# _many_check VERB: every container's VERB exited 0.
_many_check() {
	local verb=$1 i
	for ((i = 1; i <= MANY_N; i++)); do
		[ -e "$MANY_T/$verb-$i.rc" ] || fail "$verb c$i (h$(many_host "$i")): no exit status"
		[ "$(cat "$MANY_T/$verb-$i.rc")" = 0 ] ||
			fail "$verb c$i (h$(many_host "$i")): exit $(cat "$MANY_T/$verb-$i.rc"): $(cat "$MANY_T/$verb-$i.out" "$MANY_T/$verb-$i.err")"
	done
}

# many_added VERSION: $MANY_T/results holds "ADDR HOSTID OWNER" a line.
many_added() {
	local version=$1 h i n
	local -a ids=()
	for ((h = 1; h <= MANY_HOSTS; h++)); do
		ids+=("$(hostid "$h")")
	done
	# One python for all of them (cni_validate.py's checks, as a module).
	python3 - "$OVL_TOP/tests/lib" "$MANY_T" "$version" "$MANY_NET" "$MANY_N" "${ids[@]}" \
		>"$MANY_T/results.unsorted" 2>"$MANY_T/results.err" <<'EOF' || fail "$(cat "$MANY_T/results.err")"
import json, sys
lib, d, version, net, n = sys.argv[1:6]
ids = sys.argv[6:]
sys.path.insert(0, lib)
sys.dont_write_bytecode = True  # nothing written into the source tree
import cni_validate
for i in range(1, int(n) + 1):
    data = open("%s/ADD-%d.out" % (d, i)).read()
    try:
        doc = json.loads(data)
        cni_validate.check_result(doc, version)
    except (ValueError, cni_validate.Bad) as e:
        sys.exit("ADD c%d: not a valid result of CNI %s: %s: %r" % (i, version, e, data[:300]))
    print(doc["ips"][0]["address"].split("/")[0], ids[(i - 1) % len(ids)],
          "cni:%s/cid-%d/eth0" % (net, i))
EOF
	sort "$MANY_T/results.unsorted" >"$MANY_T/results"
	n=$(cut -d' ' -f1 "$MANY_T/results" | sort -u | wc -l)
	[ "$n" = "$MANY_N" ] ||
		fail "$MANY_N ADDs gave $n distinct addresses; twice: $(cut -d' ' -f1 "$MANY_T/results" | sort | uniq -d | head)"
	etcd_ipam_keys "$MANY_VNI" >"$MANY_T/keys"
	diff -u "$MANY_T/results" "$MANY_T/keys" >&2 || fail "etcd's ipam keys are not the results"
	for ((h = 1; h <= MANY_HOSTS; h++)); do
		for ((i = h; i <= MANY_N; i += MANY_HOSTS)); do
			echo "cid-$i/eth0"
		done | sort >"$MANY_T/ep-h$h"
		cni_endpoints "h$h" | sort | diff -u "$MANY_T/ep-h$h" - >&2 ||
			fail "h$h's CNI endpoints are not its containers'"
	done
	info "$MANY_N distinct addresses, etcd's allocations exactly, the endpoints on their hosts"
}

many_addr() {
	awk -v o="cni:$MANY_NET/cid-$1/eth0" '$3 == o { print $1 }' "$MANY_T/results"
}

# _many_unpublished: how many of the addresses etcd has no ip key of.
_many_unpublished() {
	ectl get --prefix "$ETCD_PREFIX/v1/vni/$MANY_VNI/ip/" --keys-only |
		awk -F/ 'NF { print $NF }' | sort | comm -23 <(cut -d' ' -f1 "$MANY_T/results" | sort) - |
		wc -l
}

_many_all_published() {
	[ "$(_many_unpublished)" = 0 ]
}

many_published() {
	wait_for 10 _many_all_published ||
		fail "10 s after the ADDs, etcd lacks the ip key of $(_many_unpublished) addresses"
}

# many_ping PAIRS [SECONDS]: pair k (1..PAIRS) is container a = k * N / PAIRS
# and one of another host, 13 containers on (and on).
many_ping() {
	local pairs=$1 w=${2:-2} k a b t0
	t0=$(now_ms)
	for ((k = 1; k <= pairs; k++)); do
		a=$(((k * MANY_N + pairs - 1) / pairs))
		b=$(((a + 12) % MANY_N + 1))
		[ "$(many_host "$a")" != "$(many_host "$b")" ] || b=$((b % MANY_N + 1))
		in_ns "c$a" ping -c 1 -W "$w" "$(many_addr "$b")" >/dev/null ||
			fail "first ping c$a (h$(many_host "$a")) -> c$b (h$(many_host "$b"), $(many_addr "$b")) lost"
	done
	info "$pairs first pings across hosts answered, in $(($(now_ms) - t0)) ms"
}

# _many_vni_keys: etcd's ip and mac keys of VNI (the endpoints').
_many_vni_keys() {
	ectl get --prefix "$ETCD_PREFIX/v1/vni/$MANY_VNI/" --keys-only | grep -E "/(ip|mac)/" || true
}

_many_no_vni_keys() {
	[ -z "$(_many_vni_keys)" ]
}

# _many_eps HOST: how many endpoints HOST lists (every kind but the
# overlay's router, which is the overlay's, not a container's).
_many_eps() {
	ovlctl_on "$1" -j endpoint list |
		python3 -c 'import json, sys; print(sum(e["kind"] != "router" for e in json.load(sys.stdin)))'
}

many_gone() {
	local h i
	for ((i = 1; i <= MANY_N; i++)); do
		[ ! -s "$MANY_T/DEL-$i.out" ] || fail "DEL c$i printed: $(cat "$MANY_T/DEL-$i.out")"
	done
	[ -z "$(etcd_ipam_keys "$MANY_VNI")" ] ||
		fail "etcd still has allocations: $(etcd_ipam_keys "$MANY_VNI" | head -3)"
	wait_for 5 _many_no_vni_keys ||
		fail "5 s after the DELs, etcd still has endpoint keys: $(_many_vni_keys | head -3)"
	for ((h = 1; h <= MANY_HOSTS; h++)); do
		[ "$(_many_eps "h$h")" = 0 ] ||
			fail "h$h still has endpoints: $(ovlctl_on "h$h" endpoint list | head -4)"
		[ -z "$(host_veths "h$h")" ] || fail "h$h still has veths: $(host_veths "h$h" | head -3)"
	done
	info "no allocation, no endpoint key in etcd; no endpoint, no veth on any host"
}
