# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# tests/bench/etcd.sh - make bench's etcd part, sourced by bench.sh (after
# netns.sh and topo.sh, topo_switch done): the etcd backend's control plane
# at scale. For N simulated hosts (10, then 50), in rounds of their own:
#
#        +------------- ns sw: br0 10.1.0.254 (ovl-etcd-load runs here) ---+
#        | petcd               | pe50h1 ...                  | pe50h50
#   ns etcd: 10.1.0.100     ns e50h1: 10.1.0.1, ovld    ... ns e50h50: 10.1.0.50
#   etcd (one member)       VNIC of container e50c1     ...
#
# Every host's ovld serves overlay "bench" (VNI 77, etcd backend) and has
# one VNIC (--ip 10.23.0.I); ovl-etcd-load publishes the rest of
# EB_TOTAL endpoints for 10 virtual hosts (10.9.0.1-10) through the same
# backend code, at EB_RATE per second. Every ovld and the load generator
# write the backend's trace (OVL_ETCD_TRACE): P per publish (revision R),
# W per watch reply (the revision of its last event). Measured:
#   publish -> forwarding-ready  from each P of the load generator to the
#                    first W at R or later in each ovld's trace: p50, p99,
#                    max over all (publish, ovld) pairs
#   etcd writes/s, watch events/s (summed over the ovlds)
#   ovld CPU and memory per 1,000 cached entries (utime+stime, VmRSS: after
#                    all are cached minus before the load, mean of the ovlds)
#   etcd outage      etcd stopped EB_OUTAGE s and started again; a VNIC made
#                    as soon as it answers: the time from the start until
#                    every other ovld's watch brought it (the traces), and
#                    until every ovld shows connected+synced+watching (polled)
#   ovld restart     SIGKILL of one ovld, started again on its state
#                    directory: the time until it is synced with every
#                    entry, and what it wrote (P lines, its "publishes"
#                    counter, the etcd revision): nothing, as it should
#
# etcd runs on the bench's temp directory with heartbeat 100 ms, election
# 1 s. The ovlds start in parallel; everything of a round goes at its end
# (and at exit, on failure too).

EB_VNI=77
EB_OV=bench
EB_URL=http://10.1.0.100:2379
EB_PY=$OVL_TOP/tests/bench/etcd_bench.py
EB_TOTAL=10000
EB_RATE=${EB_RATE:-250}
EB_OUTAGE=30
read -r -a EB_HOSTS <<<"${OVL_BENCH_ETCD_HOSTS:-10 50}"
EB_ETCD_PID=
EB_LOAD_PID=
EB_NAMES=()
declare -A EB_PID

# eb_etcd_start DIR: etcd on DIR/etcd.data, in the background.
eb_etcd_start() {
	ip netns exec "$(ns_name etcd)" etcd --name e0 --data-dir "$1/etcd.data" \
		--listen-client-urls "$EB_URL" --advertise-client-urls "$EB_URL" \
		--listen-peer-urls http://10.1.0.100:2380 --initial-advertise-peer-urls http://10.1.0.100:2380 \
		--initial-cluster e0=http://10.1.0.100:2380 --initial-cluster-token "ovlt-$RUN" \
		--heartbeat-interval 100 --election-timeout 1000 --logger zap --log-level warn \
		>>"$1/etcd.log" 2>&1 &
	EB_ETCD_PID=$!
}

eb_etcdctl() {
	ip netns exec "$(ns_name sw)" etcdctl --endpoints "$EB_URL" --dial-timeout 1s \
		--command-timeout 5s "$@"
}

# eb_etcd_up: it answers, or it exited (it never will).
eb_etcd_up() {
	eb_etcdctl endpoint health >/dev/null 2>&1 || ! kill -0 "$EB_ETCD_PID" 2>/dev/null
}

eb_etcd_wait() {
	wait_for 20 eb_etcd_up && kill -0 "$EB_ETCD_PID" 2>/dev/null ||
		fail "etcd does not answer: $(tail -5 "$1/etcd.log")"
}

# eb_etcd_stop [SIG]: and wait until it is gone.
eb_etcd_stop() {
	[ -n "$EB_ETCD_PID" ] || return 0
	kill -"${1:-TERM}" "$EB_ETCD_PID" 2>/dev/null || true
	wait "$EB_ETCD_PID" 2>/dev/null || true
	EB_ETCD_PID=
}

eb_revision() {
	eb_etcdctl endpoint status -w json | python3 -c \
		'import json, sys; print(json.load(sys.stdin)[0]["Status"]["header"]["revision"])'
}

eb_ctl() {
	local name=$1
	shift
	"$OVLCTL" --instance "$(inst_of "$name")" "$@"
}

# eb_ovld NAME TRACE: start ovld for host NAME in the background (no wait).
eb_ovld() {
	local name=$1
	OVL_ETCD_TRACE=$2 ip netns exec "$(ns_name "$name")" "$OVLD" --instance "$(inst_of "$name")" \
		--underlay u0 --state-dir "$TOPO_DIR/state-$name" >>"$TOPO_DIR/ovld-$name.log" 2>&1 &
	EB_PID[$name]=$!
}

# eb_up NAME...: wait until every ovld answers (fail if one exited).
eb_up() {
	local n
	for n in "$@"; do
		wait_for 30 _topo_up "$n" "${EB_PID[$n]}" && kill -0 "${EB_PID[$n]}" 2>/dev/null ||
			fail "ovld for $n did not start: $(tail -5 "$TOPO_DIR/ovld-$n.log")"
	done
}

# eb_par CMD ARG...: CMD ARG for every ARG, two at a time per CPU.
eb_par() {
	local cmd=$1 a rc=0
	local -a pids=()
	shift
	for a in "$@"; do
		"$cmd" "$a" &
		pids+=($!)
		if [ ${#pids[@]} -ge $(($(nproc) * 2)) ]; then
			wait "${pids[0]}" || rc=1
			pids=("${pids[@]:1}")
		fi
	done
	for a in "${pids[@]}"; do
		wait "$a" || rc=1
	done
	return $rc
}

eb_overlay() {
	eb_ctl "$1" overlay create "$EB_OV" -v "$EB_VNI" -e vxlan -s etcd -p "etcd/endpoints=$EB_URL" \
		>/dev/null || { echo "bench: overlay create on $1 refused" >&2; return 1; }
}

# eb_vnic HOST CONTAINER MAC ADDR
eb_vnic() {
	ns_add "$2"
	eb_ctl "$1" vnic create eth0 -l "$EB_OV" -m "$3" --netns "$(ns_name "$2")" --ip "$4" \
		>/dev/null || fail "vnic create on $1 refused"
	ip -n "$(ns_name "$2")" addr add "$4/16" dev eth0
	ip -n "$(ns_name "$2")" link set eth0 up
}

eb_vnic_of() {
	local i=${1#*h}
	eb_vnic "$1" "${1%h*}c$i" "$(printf '02:00:00:00:%02x:%02x' $((i >> 8)) $((i & 255)))" \
		"10.23.$((i >> 8)).$((i & 255))"
}

# eb_kill NAME...: SIGTERM, in parallel, and ovld --cleanup of each.
eb_kill() {
	local n
	for n in "$@"; do
		[ -z "${EB_PID[$n]:-}" ] || kill "${EB_PID[$n]}" 2>/dev/null || true
	done
	for n in "$@"; do
		[ -z "${EB_PID[$n]:-}" ] || eb_stop "${EB_PID[$n]}"
		EB_PID[$n]=
	done
	eb_par eb_cleanup_one "$@"
}

# eb_stop PID: gone within 5 s of a SIGTERM, or SIGKILLed then.
eb_stop() {
	local i
	for ((i = 0; i < 50; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

eb_cleanup_one() {
	"$OVLD" --instance "$(inst_of "$1")" --state-dir "$TOPO_DIR/state-$1" --cleanup >/dev/null 2>&1
	return 0
}

# eb_teardown: whatever of a round is left (at the round's end, and at exit).
eb_teardown() {
	local n
	if [ -n "$EB_LOAD_PID" ]; then
		kill "$EB_LOAD_PID" 2>/dev/null || true
		wait "$EB_LOAD_PID" 2>/dev/null || true
	fi
	EB_LOAD_PID=
	[ ${#EB_NAMES[@]} = 0 ] || eb_kill "${EB_NAMES[@]}"
	eb_etcd_stop KILL
	for n in "${EB_NAMES[@]}"; do
		ip netns del "$(ns_name "$n")" 2>/dev/null || true
		ip netns del "$(ns_name "${n%h*}c${n#*h}")" 2>/dev/null || true
	done
	EB_NAMES=()
	return 0
}

rss_kb() {
	awk '/^VmRSS/ {print $2}' "/proc/$1/status"
}

# cpu_ticks PID: utime + stime (fields 14 and 15 of stat; comm has no spaces here).
cpu_ticks() {
	awk '{print $14 + $15}' "/proc/$1/stat"
}

# eb_sample N METRIC VALUE
eb_sample() {
	sample ovl "etcd${1}_$2" "$3"
}

# eb_mark WHAT MET: a target's verdict, printed (not a test failure).
eb_mark() {
	if [ "$2" = 1 ]; then
		printf '  target %-52s met\n' "$1"
	else
		printf '  target %-52s MISSED\n' "$1"
	fi
}

eb_round() {
	local n=$1 i name last rc t0 dt expect load=$((EB_TOTAL - $1))
	local d=$TOPO_DIR/etcd$n
	local -a names=() insts=() traces=()
	mkdir -p "$d"
	echo "bench: etcd, $n hosts ($(date +%T))"
	eb_etcd_start "$d"
	eb_etcd_wait "$d"
	for ((i = 1; i <= n; i++)); do
		name=e${n}h$i
		names+=("$name")
		insts+=("$(inst_of "$name")")
		traces+=("$d/$name.trace")
		EB_NAMES+=("$name")
		topo_host "$name" "$i"
	done
	for ((i = 1; i <= n; i++)); do
		eb_ovld "${names[i - 1]}" "$d/${names[i - 1]}.trace"
	done
	eb_up "${names[@]}"
	eb_par eb_overlay "${names[@]}" || fail "overlay create refused"
	for name in "${names[@]}"; do
		eb_vnic_of "$name"
	done
	dt=$(python3 "$EB_PY" wait 60 "$OVLCTL" "$EB_OV" "$n" "${insts[@]}") ||
		fail "the $n hosts do not see each other's VNICs: $dt"
	echo "  $n hosts up, each with its VNIC, all known everywhere ($(date +%T))"

	# the load: everything else, from 10 virtual hosts
	local -a r0=() c0=() r1=() c1=()
	for name in "${names[@]}"; do
		r0+=("$(rss_kb "${EB_PID[$name]}")")
		c0+=("$(cpu_ticks "${EB_PID[$name]}")")
	done
	local e0 e1 l1 tl0 tl1
	e0=$(cpu_ticks "$EB_ETCD_PID")
	tl0=$(date +%s%N)
	OVL_ETCD_TRACE=$d/load.trace ip netns exec "$(ns_name sw)" "$OVL_BUILD/bench/ovl-etcd-load" \
		-e "$EB_URL" -v "$EB_VNI" -n "$load" -r "$EB_RATE" -H 10 -s "$d" -t 300 -j \
		-d "$d/load.done" >"$d/load.out" 2>"$d/load.err" &
	EB_LOAD_PID=$!
	wait_for 300 test -e "$d/load.done" ||
		fail "ovl-etcd-load did not finish: $(tail -3 "$d/load.err")"
	e1=$(cpu_ticks "$EB_ETCD_PID")
	l1=$(cpu_ticks "$EB_LOAD_PID")
	tl1=$(date +%s%N)
	expect=$EB_TOTAL
	dt=$(python3 "$EB_PY" wait 120 "$OVLCTL" "$EB_OV" "$expect" "${insts[@]}") ||
		fail "not every ovld has the $expect entries: $dt"
	for name in "${names[@]}"; do
		r1+=("$(rss_kb "${EB_PID[$name]}")")
		c1+=("$(cpu_ticks "${EB_PID[$name]}")")
	done
	echo "  $load published by ovl-etcd-load, $expect entries in every ovld's cache ($(date +%T))"
	python3 "$EB_PY" lat "$d/load.trace" "${traces[@]}" >"$d/lat.txt"
	while read -r k v; do
		case $k in
		fwd_* | writes_per_s | watch_events_per_s | publish_s) eb_sample "$n" "$k" "$v" ;;
		pairs_missing) [ "$v" = 0 ] || echo "bench: $v (publish, ovld) pairs without a W line" >&2 ;;
		esac
	done <"$d/lat.txt"
	python3 - "$load" "$(getconf CLK_TCK)" "${r0[*]}" "${r1[*]}" "${c0[*]}" "${c1[*]}" "$((tl1 - tl0))" \
		<<-'EOF' >"$d/mem.txt"
			import statistics, sys
			load, hz = int(sys.argv[1]), int(sys.argv[2])
			r0, r1, c0, c1 = ([int(x) for x in a.split()] for a in sys.argv[3:7])
			rss = [(b - a) * 1024.0 for a, b in zip(r0, r1)]
			cpu = [(b - a) * 1000.0 / hz for a, b in zip(c0, c1)]
			print("ovld_rss_kb_per_1k %.0f" % (statistics.mean(rss) / 1024 / (load / 1000.0)))
			print("ovld_bytes_per_entry %.0f" % (statistics.mean(rss) / load))
			print("ovld_bytes_per_entry_max %.0f" % (max(rss) / load))
			print("ovld_cpu_ms_per_1k %.0f" % (statistics.mean(cpu) / (load / 1000.0)))
			print("ovld_rss_mb_after %.1f" % (statistics.mean(r1) / 1024))
			print("ovlds_cpu_pct %.0f" % (sum(cpu) / (int(sys.argv[7]) / 1e6) * 100))
		EOF
	while read -r k v; do eb_sample "$n" "$k" "$v"; done <"$d/mem.txt"
	# where the CPU went while the load was published: etcd, ovl-etcd-load
	# (its 10 virtual hosts each watch and cache the VNI too), the ovlds
	eb_sample "$n" etcd_cpu_pct "$(((e1 - e0) * 100 * 1000000000 / $(getconf CLK_TCK) / (tl1 - tl0)))"
	eb_sample "$n" load_cpu_pct "$((l1 * 100 * 1000000000 / $(getconf CLK_TCK) / (tl1 - tl0)))"

	# etcd away for EB_OUTAGE s; a VNIC made as soon as it is back
	echo "  etcd stopped for $EB_OUTAGE s ($(date +%T))"
	eb_etcd_stop TERM
	sleep "$EB_OUTAGE"
	t0=$(date +%s%6N)
	eb_etcd_start "$d"
	eb_etcd_wait "$d"
	eb_vnic "${names[0]}" "e${n}x" 02:00:00:00:ff:01 10.23.255.1
	expect=$((EB_TOTAL + 1))
	dt=$(python3 "$EB_PY" wait 120 "$OVLCTL" "$EB_OV" "$expect" "${insts[@]}") ||
		fail "after the outage, not every ovld is back with $expect entries: $dt"
	eb_sample "$n" outage_ready_ms $((($(date +%s%6N) - t0) / 1000))
	read -r rc dt < <(python3 "$EB_PY" after "$t0" "${traces[0]}" "${traces[@]:1}") || true
	eb_sample "$n" outage_published_ms "$rc"
	eb_sample "$n" outage_converged_ms "$dt"

	# one ovld killed and started again on its state directory
	last=${names[n - 1]}
	rc=$(eb_revision)
	kill -9 "${EB_PID[$last]}"
	wait "${EB_PID[$last]}" 2>/dev/null || true
	t0=$(date +%s%N)
	eb_ovld "$last" "$d/$last.restart.trace"
	eb_up "$last"
	dt=$(python3 "$EB_PY" wait 120 "$OVLCTL" "$EB_OV" "$expect" "$(inst_of "$last")") ||
		fail "the restarted ovld is not synced: $dt"
	eb_sample "$n" restart_synced_ms $((($(date +%s%N) - t0) / 1000000))
	sleep 1 # what it might still write
	local rev1 pubs plines
	rev1=$(eb_revision)
	pubs=$(python3 "$EB_PY" status "$OVLCTL" "$EB_OV" "$(inst_of "$last")" | awk '$1 == "publishes" {print $2}')
	plines=$(grep -c '^P' "$d/$last.restart.trace" 2>/dev/null || true)
	eb_sample "$n" restart_republished $((${pubs:-1} + ${plines:-0}))
	eb_sample "$n" restart_revision_moved $((rev1 - rc))

	echo "  targets ($n hosts):"
	if [ "$n" -ge 50 ]; then
		eb_mark "p99 publish -> forwarding-ready <= 1000 ms" \
			"$(awk '$1 == "fwd_p99_ms" {print ($2 <= 1000)}' "$d/lat.txt")"
	fi
	eb_mark "ovld memory per cached entry <= 300 B" \
		"$(awk '$1 == "ovld_bytes_per_entry" {print ($2 <= 300)}' "$d/mem.txt")"
	eb_mark "a restart republishes nothing" \
		"$([ "${pubs:-1}" = 0 ] && [ "${plines:-0}" = 0 ] && [ "$rev1" = "$rc" ] && echo 1)"
	eb_teardown
}

etcd_part() {
	need_tools etcd etcdctl
	[ -x "$OVL_BUILD/bench/ovl-etcd-load" ] || fail "no $OVL_BUILD/bench/ovl-etcd-load: run make first"
	if [ "$QUICK" = 1 ]; then
		EB_HOSTS=(10)
		EB_OUTAGE=5
		EB_TOTAL=2000
	fi
	topo_host etcd 100
	ip -n "$(ns_name sw)" addr add 10.1.0.254/24 dev br0
	on_exit eb_teardown
	for n in "${EB_HOSTS[@]}"; do
		eb_round "$n"
	done
}
