#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovld --metrics, scraped by a real Prometheus server, and the per-overlay
# counters behind it. Two overlays on two hosts:
#
#   a1 (ns) 10.23.0.1 --+                             +-- a2 (ns) 10.23.0.2   ovA, VNI 23
#                        h1 ======= switch ======= h2
#   b1 (ns) 10.24.0.1 --+  10.1.0.1          10.1.0.2 +-- b2 (ns) 10.24.0.2   ovB, VNI 24
#   ovld --metrics 9100 (loopback of h1)   ovld, config "metrics": "10.1.0.2:9100"
#   prometheus on 127.0.0.1:9090 in h1, scraping 127.0.0.1:9100 every 1 s
#
# The containers have permanent neighbour entries and no IPv6, so the only
# unicast frames they send are the test's: the counters can be exact.
#
# What it proves:
# 1. /metrics is valid exposition (promtool check metrics), with build
#    info, per-overlay series and the map gauges; other paths are 404,
#    other methods 405; a silent client does not stall ovld (a scrape is
#    answered while it holds its connection); ADDR:PORT (here from the
#    configuration file) listens there and not on loopback.
# 2. N pings a1 -> a2 (after a first one that resolves the misses):
#    Prometheus's scraped ovl_encapsulated_packets_total and
#    ovl_decapsulated_packets_total of ovA on h1 moved by exactly N (and
#    the bytes by N inner frames), those of ovB not at all; M pings
#    b1 -> b2 move ovB's by M.
# 3. b1 sending with a forged MAC: K drops counted as
#    ovl_dropped_packets_total{reason="spoof_mac"} of ovB (ovlctl stats -o
#    says the same), none of ovA.
# 4. VXLAN of ovA from h2 to a MAC that is nobody's: 3 no_endpoint drops of
#    ovA (not ovB), and `ovlctl monitor` names u0 and the outer source
#    10.1.0.2; the misses of step 2 are in ovl_miss_resolution_seconds.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools prometheus promtool curl python3

N=7 M=3 K=4
topo_switch
topo_host h1 1
topo_host h2 2
topo_vni_json "$TOPO_DIR/a.json" 23 1 2
topo_vni_json "$TOPO_DIR/b.json" 24 1 2
topo_ovld h1 --metrics 9100
echo '{ "metrics": "10.1.0.2:9100" }' >"$TOPO_DIR/h2.json"
topo_ovld h2 --config "$TOPO_DIR/h2.json"
for i in 1 2; do
	topo_files_overlay "h$i" ovA 23 "$TOPO_DIR/a.json"
	topo_files_overlay "h$i" ovB 24 "$TOPO_DIR/b.json"
	for t in a b; do
		v=$([ "$t" = a ] && echo 23 || echo 24)
		ns_add "$t$i"
		in_ns "$t$i" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		topo_vnic "h$i" "$t$i" "ov${t^^}" "02:00:00:00:$v:0$i" "10.$v.0.$i/24"
		o=$((3 - i))
		in_ns "$t$i" ip neigh replace "10.$v.0.$o" lladdr "02:00:00:00:$v:0$o" dev eth0 nud permanent
	done
done

URL=http://127.0.0.1:9100/metrics
scrape() { in_ns h1 curl -sS --max-time 5 "$@"; }

info "1. the exposition"
scrape "$URL" >"$TOPO_DIR/metrics.txt" || fail "GET $URL failed: $(ovld_log h1)"
promtool check metrics <"$TOPO_DIR/metrics.txt" >"$TOPO_DIR/promtool.txt" 2>&1 ||
	fail "promtool check metrics: $(cat "$TOPO_DIR/promtool.txt")"
for want in 'ovl_build_info{version="' 'ovl_encapsulated_packets_total{overlay="ovA",vni="23"} 0' \
	'ovl_dropped_packets_total{overlay="ovB",vni="24",reason="spoof_mac"} 0' \
	'ovl_map_capacity{map="ovl_fdb"}' 'ovl_backend_up{overlay="ovA",vni="23",backend="files"} 1' \
	'ovl_miss_resolution_seconds_bucket{le="+Inf"}' '# TYPE ovl_dropped_packets_total counter'; do
	grep -qF "$want" "$TOPO_DIR/metrics.txt" || fail "no $want in /metrics: $(head -40 "$TOPO_DIR/metrics.txt")"
done
scrape -D - -o /dev/null "$URL" | grep -qi '^Content-Type: text/plain; version=0.0.4' ||
	fail "/metrics is not text/plain; version=0.0.4"
[ "$(scrape -o /dev/null -w '%{http_code}' http://127.0.0.1:9100/)" = 404 ] || fail "/ is not 404"
[ "$(scrape -o /dev/null -w '%{http_code}' -X POST "$URL")" = 405 ] || fail "POST is not 405"
[ "$(scrape -0 -o /dev/null -w '%{http_code}' "$URL")" = 200 ] || fail "HTTP/1.0 GET is not 200"
# A client that connects and says nothing holds its connection; ovld keeps
# answering others meanwhile (and closes the silent one after 5 s).
in_ns h1 python3 -c '
import socket, sys, time, urllib.request
s = socket.create_connection(("127.0.0.1", 9100))
s.sendall(b"GET /met")  # half a request line, then silence
t = time.monotonic()
body = urllib.request.urlopen(sys.argv[1], timeout=3).read()
assert b"ovl_build_info" in body and time.monotonic() - t < 2, "stalled"
s.settimeout(8)
assert s.recv(1) == b"", "the silent client was not closed"
' "$URL" || fail "a silent client stalled or kept the metrics server"
in_ns h1 curl -sS --max-time 5 -o /dev/null http://10.1.0.2:9100/metrics ||
	fail "h2's metrics not on 10.1.0.2:9100"
! in_ns h2 curl -sS --max-time 2 -o /dev/null "$URL" 2>/dev/null ||
	fail "h2's metrics on its loopback too"

info "2. Prometheus scrapes the per-overlay counters"
PROM_DIR=$TOPO_DIR/prometheus
mkdir -p "$PROM_DIR/data"
cat >"$PROM_DIR/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: ovld
    static_configs:
      - targets: ['127.0.0.1:9100']
EOF
in_ns h1 prometheus --config.file="$PROM_DIR/prometheus.yml" --storage.tsdb.path="$PROM_DIR/data" \
	--web.listen-address=127.0.0.1:9090 >"$PROM_DIR/log" 2>&1 &
prom_pid=$!
on_exit "kill $prom_pid 2>/dev/null; wait $prom_pid 2>/dev/null"

# promq EXPR: the value of an instant query's only sample ("" if none).
promq() {
	in_ns h1 curl -sS --max-time 5 -G http://127.0.0.1:9090/api/v1/query --data-urlencode "query=$1" |
		python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if len(r) == 1 else "")'
}
# prom_is EXPR VALUE: Prometheus's latest scrape says EXPR is VALUE.
prom_is() { [ "$(promq "$1")" = "$2" ]; }

wait_for 30 prom_is 'up{job="ovld"}' 1 || fail "Prometheus never scraped ovld: $(tail -5 "$PROM_DIR/log")"
enc_a='ovl_encapsulated_packets_total{overlay="ovA"}'
dec_a='ovl_decapsulated_packets_total{overlay="ovA"}'
enc_b='ovl_encapsulated_packets_total{overlay="ovB"}'
dec_b='ovl_decapsulated_packets_total{overlay="ovB"}'
spoof_b='ovl_dropped_packets_total{overlay="ovB",reason="spoof_mac"}'
spoof_a='ovl_dropped_packets_total{overlay="ovA",reason="spoof_mac"}'
# ctl_val OVERLAY COUNTER: packets of an overlay's counter, from ovlctl.
ctl_val() {
	ovlctl_on h1 -j stats -o "$1" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]]["packets"])' "$2"
}
# settled EXPR OVERLAY COUNTER: Prometheus's latest scrape of EXPR agrees
# with ovlctl (nothing in flight), and prints it.
settled() {
	local v
	v=$(ctl_val "$2" "$3")
	wait_for 10 prom_is "$1" "$v" || fail "$1: Prometheus has $(promq "$1"), ovlctl $v"
	echo "$v"
}
for q in "$enc_a" "$dec_a" "$enc_b" "$dec_b" "$spoof_a" "$spoof_b"; do
	wait_for 10 prom_is "$q" 0 || fail "$q is $(promq "$q") before any traffic, not 0"
done
# The first frame to a MAC not cached yet is a miss, which ovld resolves
# and sends itself (ovl_miss_delivered_total): not the data path's encap.
# One ping each way first, then count.
in_ns a1 ping -c 1 -W 2 10.23.0.2 >/dev/null || fail "a1 -> a2: first ping lost"
in_ns b1 ping -c 1 -W 2 10.24.0.2 >/dev/null || fail "b1 -> b2: first ping lost"
e0=$(settled "$enc_a" ovA encap) d0=$(settled "$dec_a" ovA decap)
f0=$(settled "$enc_b" ovB encap) g0=$(settled "$dec_b" ovB decap)
eb0=$(settled 'ovl_encapsulated_bytes_total{overlay="ovA"}' ovA encap >/dev/null; promq 'ovl_encapsulated_bytes_total{overlay="ovA"}')

in_ns a1 ping -c "$N" -i 0.2 -W 2 10.23.0.2 >/dev/null || fail "a1 -> a2: pings lost"
wait_for 10 prom_is "$enc_a" $((e0 + N)) || fail "$enc_a: Prometheus has $(promq "$enc_a"), want $e0 + $N"
wait_for 10 prom_is "$dec_a" $((d0 + N)) || fail "$dec_a: Prometheus has $(promq "$dec_a"), want $d0 + $N"
prom_is "$enc_b" "$f0" && prom_is "$dec_b" "$g0" ||
	fail "ovB moved with ovA's traffic: $(promq "$enc_b") $(promq "$dec_b"), was $f0 $g0"
# the bytes: inner frames, an echo request is 84 bytes of IPv4 in 14 of Ethernet
wait_for 5 prom_is 'ovl_encapsulated_bytes_total{overlay="ovA"}' $((eb0 + N * 98)) ||
	fail "ovA's bytes: $(promq 'ovl_encapsulated_bytes_total{overlay="ovA"}'), want $eb0 + $((N * 98))"
in_ns b1 ping -c "$M" -i 0.2 -W 2 10.24.0.2 >/dev/null || fail "b1 -> b2: pings lost"
wait_for 10 prom_is "$enc_b" $((f0 + M)) || fail "$enc_b: Prometheus has $(promq "$enc_b"), want $f0 + $M"
wait_for 10 prom_is "$dec_b" $((g0 + M)) || fail "$dec_b: Prometheus has $(promq "$dec_b"), want $g0 + $M"
prom_is "$enc_a" $((e0 + N)) || fail "ovA moved with ovB's traffic: $(promq "$enc_a")"
info "encapsulated ovA $e0 -> $((e0 + N)), ovB $f0 -> $((f0 + M)) (Prometheus)"

info "3. a drop by reason, in its overlay"
# (a new MAC flushes the neighbour table, permanent entries too)
in_ns b1 ip link set eth0 address 02:00:00:00:24:99
in_ns b1 ip neigh replace 10.24.0.2 lladdr 02:00:00:00:24:02 dev eth0 nud permanent
in_ns b1 ping -c "$K" -i 0.2 -W 1 10.24.0.2 >"$TOPO_DIR/ping-spoof.txt" && fail "pings with a forged MAC got through"
wait_for 10 prom_is "$spoof_b" "$K" ||
	fail "$spoof_b: Prometheus has $(promq "$spoof_b"), want $K; $(ovlctl_on h1 stats -o ovB; ovlctl_on h1 stats)"
prom_is "$spoof_a" 0 || fail "$spoof_a moved: $(promq "$spoof_a")"
prom_is 'ovl_dropped_bytes_total{overlay="ovB",reason="spoof_mac"}' $((K * 98)) ||
	fail "ovB's spoof_mac bytes: $(promq 'ovl_dropped_bytes_total{overlay="ovB",reason="spoof_mac"}'), want $((K * 98))"
ovlctl_on h1 -j stats -o ovB | python3 -c '
import json, sys
j = json.load(sys.stdin)
c = j["counters"]
assert j["overlay"] == "ovB" and j["vni"] == 24, j
assert c["drop_spoof_mac"]["packets"] == int(sys.argv[1]), c["drop_spoof_mac"]
assert c["drops"]["packets"] >= int(sys.argv[1]), c["drops"]
assert c["encap"]["packets"] == int(sys.argv[2]), c["encap"]
' "$K" $((f0 + M)) || fail "ovlctl stats -o ovB: $(ovlctl_on h1 -a stats -o ovB)"
ovlctl_on h1 stats -o ovB | grep -Eq '^drop_spoof_mac +'"$K"' ' ||
	fail "ovlctl stats -o ovB has no drop_spoof_mac $K: $(ovlctl_on h1 stats -o ovB)"

info "4. an underlay drop: monitor names the interface and the outer source"
# VXLAN of ovA from h2 (a peer) to a MAC no endpoint of h1 has: no_endpoint,
# dropped by h1's decapsulation on u0; the event carries no address, the
# monitor takes it from the captured outer header.
ovlctl_on h1 monitor >"$TOPO_DIR/mon.out" 2>&1 &
mon=$!
on_exit "kill $mon 2>/dev/null"
wait_for 5 topo_drop_events h1 || fail "the monitor did not get in"
ne0=$(settled 'ovl_dropped_packets_total{overlay="ovA",reason="no_endpoint"}' ovA drop_no_endpoint)
in_ns h2 python3 "$OVL_TOP/tests/lib/vxlan_send.py" --src 10.1.0.2 --dst 10.1.0.1 --vni 23 \
	--inner-dst 02:00:00:00:23:77 --inner-src 02:00:00:00:23:02 --ip-src 10.23.0.2 \
	--ip-dst 10.23.0.77 --count 3 || fail "vxlan_send.py failed"
wait_for 10 prom_is 'ovl_dropped_packets_total{overlay="ovA",reason="no_endpoint"}' $((ne0 + 3)) ||
	fail "ovA no_endpoint: $(promq 'ovl_dropped_packets_total{overlay="ovA",reason="no_endpoint"}'), want $ne0 + 3"
prom_is 'ovl_dropped_packets_total{overlay="ovB",reason="no_endpoint"}' 0 ||
	fail "ovB counted ovA's no_endpoint drops"
wait_for 5 grep -q " drop vni=23 ifname=u0 reason=no_endpoint outer_ip=10.1.0.2 " "$TOPO_DIR/mon.out" ||
	fail "monitor: no no_endpoint drop naming u0 and 10.1.0.2: $(cat "$TOPO_DIR/mon.out")"
grep -q "ifindex=" "$TOPO_DIR/mon.out" && fail "monitor printed an ifindex: $(cat "$TOPO_DIR/mon.out")"
kill "$mon"
# the misses of the first pings were resolved, and timed
n=$(promq 'sum(ovl_backend_resolved_total)')
[ "${n:-0}" -ge 1 ] && prom_is ovl_miss_resolution_seconds_count "$n" ||
	fail "ovl_miss_resolution_seconds_count $(promq ovl_miss_resolution_seconds_count), resolved $n"
info "ok: N=$N M=$M K=$K counted per overlay, scraped by Prometheus; $n misses timed"
