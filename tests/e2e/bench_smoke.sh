#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# make bench still works: one quick round (bench.sh -q) must carry traffic
# on all three paths (routed, kernel vxlan, ovl) and on the router part's
# two (ovl's router zone, a bridge with masquerade) and give every figure,
# with no first TCP connect or UDP datagram after a miss needing a
# retransmission (ovl-misslat counts them at sockets in the far container),
# and write its JSON, table and chart. Speed is not judged here: only that each
# measurement ran and measured something.
. "$OVL_TOP/tests/lib/netns.sh"
ns_init
need() {
	command -v "$1" >/dev/null || skip "no $1"
}
for t in iperf3 sockperf gnuplot python3 bpftool nft nsenter; do need "$t"; done

out=$(mktemp -d /tmp/ovlt-bench.XXXX)
on_exit "rm -rf '$out'"
export OVL_TOP OVL_BUILD
if ! "$OVL_TOP/tests/bench/bench.sh" -q -o "$out" >"$out/stdout" 2>"$out/stderr"; then
	tail -20 "$out/stdout" "$out/stderr" >&2
	fail "bench.sh -q failed"
fi
# A measurement that could not be made says so on stderr as "bench: ...".
if grep '^bench:' "$out/stderr" >&2; then
	fail "bench.sh -q: a measurement failed"
fi
[ "$(head -c 4 "$out/bench.png" | od -An -c | tr -d ' ')" = '211PNG' ] ||
	fail "no PNG chart in $out/bench.png"
grep -q "ovl/kernel" "$out/bench.txt" || fail "bench.txt has no targets column"

python3 - "$out/bench.json" <<'EOF' || fail "bench.json is missing figures"
import json, sys

m = json.load(open(sys.argv[1]))["metrics"]
bad = []
for k in ("tcp1_gbps", "tcp4_gbps", "tcp1_nogso_gbps", "tcp4_nogso_gbps", "tcp_rr_tps",
          "ping_rtt_us", "udp64_mpps"):
    for p in ("routed", "kernel", "ovl"):
        v = m.get(k, {}).get("paths", {}).get(p, {}).get("median")
        if not v or v <= 0:
            bad.append("%s of %s: %r" % (k, p, v))
    if m.get(k, {}).get("ovl_vs_kernel") is None:
        bad.append("%s: no ratio" % k)
for k in ("decap_ns", "decap_tc_ns", "encap_ns", "arp_ns", "local_ns", "live_encap_ns",
          "live_decap_ns", "floor_hash_hit_ns", "floor_fib_lookup_ns",
          "first_tcp_cold_p99_us", "first_tcp_deleted_p99_us", "first_tcp_known_p99_us",
          "first_udp_cold_p99_us", "first_udp_deleted_p99_us", "first_udp_known_p99_us",
          "miss_events_absorbed_per_s", "hosts_json_10000_load_ms",
          "hosts_json_bytes_per_entry", "cni_add_p50_ms", "cni_del_p50_ms"):
    v = m.get(k, {}).get("paths", {}).get("ovl", {}).get("median")
    if not v or v <= 0:
        bad.append("%s: %r" % (k, v))
for k in ("router_tcp1_out_gbps", "router_rr_out_tps", "router_tcp1_in_gbps",
          "router_rr_in_tps"):
    for p in ("bridge_masq", "ovl"):
        v = m.get(k, {}).get("paths", {}).get(p, {}).get("median")
        if not v or v <= 0:
            bad.append("%s of %s: %r" % (k, p, v))
    if m.get(k, {}).get("ovl_vs_bridge_masq") is None:
        bad.append("%s: no ratio" % k)
for k in ("first_tcp_cold_retrans", "first_tcp_deleted_retrans", "first_tcp_known_retrans",
          "first_udp_cold_lost", "first_udp_deleted_lost", "first_udp_known_lost"):
    v = m.get(k, {}).get("paths", {}).get("ovl", {}).get("median")
    if v != 0:
        bad.append("%s: %r (connects retransmitted or datagrams lost)" % (k, v))
for b in bad:
    print("  " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
info "$(grep -E 'UDP 60-byte|TCP, 1 stream  ' "$out/bench.txt")"
