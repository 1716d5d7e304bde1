#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""tests/bench/report.py - make bench's table, JSON and chart.

    report.py SAMPLES.jsonl OUTDIR SECONDS KERNEL CPUS [DEVICES.jsonl]

SAMPLES holds one {"path", "metric", "value"} object per line, as
bench.sh measured them. Writes OUTDIR/bench.json (every sample, the median
and min-max per path, ovl's ratios and the targets), OUTDIR/bench.txt (the
table, also printed) and OUTDIR/bench.png (ovl's ratios, with gnuplot).
The router part's metrics (router_*) compare ovl with bridge_masq, in a
table of their own, followed by the devices of each path (DEVICES: one
{"path", "ns", "dev", "mtu", "offloads"} object per line).
"""
import json
import os
import statistics
import subprocess
import sys
import time

# metric: (what, unit, higher is better, targets)
# A target is (reference, op, value): reference "kernel"/"routed" is a
# ratio of ovl to that path, None an absolute figure of ovl's. The
# throughput, request/response, 60-byte and per-packet targets are issue
# 16's (ovl as fast as no overlay: >= 0.97 and 1.0 of routed).
METRICS = {
    "tcp1_gbps": ("TCP, 1 stream", "Gbit/s", True,
                  [("routed", ">=", 0.97), ("kernel", ">=", 1.05)]),
    "tcp4_gbps": ("TCP, 4 streams", "Gbit/s", True, []),
    "tcp1_nogso_gbps": ("TCP, 1 stream, GSO/TSO/GRO off", "Gbit/s", True,
                        [("kernel", ">=", 1.15)]),
    "tcp4_nogso_gbps": ("TCP, 4 streams, GSO/TSO/GRO off", "Gbit/s", True,
                        [("kernel", ">=", 1.15)]),
    "tcp_rr_tps": ("TCP request/response, 64 B", "trans/s", True,
                   [("routed", ">=", 1.0), ("kernel", ">=", 1.10)]),
    "ping_rtt_us": ("ping round trip (median)", "us", False, []),
    "udp64_mpps": ("UDP 60-byte frames forwarded", "Mpps", True,
                   [("routed", ">=", 1.0), ("kernel", ">=", 1.5)]),
    "decap_ns": ("BPF decap (XDP), test_run", "ns/pkt", False, [(None, "<=", 40)]),
    "decap_tc_ns": ("BPF decap (TC), test_run", "ns/pkt", False, [(None, "<=", 60)]),
    "encap_ns": ("BPF encap, test_run", "ns/pkt", False, [(None, "<=", 120)]),
    "encap_fib_ns": ("BPF encap, FIB each frame (no next-hop cache)", "ns/pkt", False, []),
    "arp_ns": ("BPF ARP reply, test_run", "ns/pkt", False, [(None, "<=", 45)]),
    "local_ns": ("BPF local switch, test_run", "ns/pkt", False, []),
    "local_repeat_ns": ("BPF local switch, test_run repeat", "ns/pkt", False, []),
    "stats_overhead_ns": ("BPF stats: timer cost per run", "ns", False, []),
    "live_encap_ns": ("BPF TC endpoint program under load", "ns/pkt", False, []),
    "live_decap_ns": ("BPF TC underlay program under load", "ns/pkt", False, []),
    "live_decap_xdp_ns": ("BPF XDP program under load", "ns/pkt", False, []),
    "floor_run_xdp_ns": ("floor: an empty XDP program, a run", "ns", False, []),
    "floor_run_tc_ns": ("floor: an empty TC program, a run", "ns", False, []),
    "floor_hash_hit_ns": ("floor: hash map lookup, hit", "ns", False, []),
    "floor_hash_miss_ns": ("floor: hash map lookup, miss", "ns", False, []),
    "floor_percpu_counter_ns": ("floor: per-CPU counter", "ns", False, []),
    "floor_ktime_ns": ("floor: bpf_ktime_get_ns", "ns", False, []),
    "floor_ktime_coarse_ns": ("floor: bpf_ktime_get_coarse_ns", "ns", False, []),
    "floor_flow_hash_ns": ("floor: flow dissector hash", "ns", False, []),
    "floor_skb_load_bytes_ns": ("floor: bpf_skb_load_bytes, 14 B", "ns", False, []),
    "floor_adjust_room_grow_shrink_ns": ("floor: adjust_room +50 and -50", "ns", False, []),
    "floor_redirect_ns": ("floor: bpf_redirect", "ns", False, []),
    "floor_fib_lookup_ns": ("floor: bpf_fib_lookup to the VTEP", "ns", False, []),
    # the first frame after a miss, as a socket in the far container has it
    "first_tcp_cold_p50_us": ("first TCP connect, cold, p50", "us", False, []),
    "first_tcp_cold_p99_us": ("first TCP connect, cold, p99", "us", False,
                              [(None, "<=", 1000)]),
    "first_tcp_cold_retrans": ("  connects retransmitted", "count", False, [(None, "<=", 0)]),
    "first_tcp_deleted_p50_us": ("first TCP connect, deleted, p50", "us", False, []),
    "first_tcp_deleted_p99_us": ("first TCP connect, deleted, p99", "us", False,
                                 [(None, "<=", 1000)]),
    "first_tcp_deleted_retrans": ("  connects retransmitted", "count", False,
                                  [(None, "<=", 0)]),
    "first_tcp_known_p50_us": ("TCP connect, known, p50", "us", False, []),
    "first_tcp_known_p99_us": ("TCP connect, known, p99", "us", False, []),
    "first_tcp_known_retrans": ("  connects retransmitted", "count", False, []),
    "first_udp_cold_p50_us": ("first UDP datagram, cold, p50", "us", False, []),
    "first_udp_cold_p99_us": ("first UDP datagram, cold, p99", "us", False,
                              [(None, "<=", 1000)]),
    "first_udp_cold_lost": ("  datagrams lost", "count", False, [(None, "<=", 0)]),
    "first_udp_deleted_p50_us": ("first UDP datagram, deleted, p50", "us", False, []),
    "first_udp_deleted_p99_us": ("first UDP datagram, deleted, p99", "us", False,
                                 [(None, "<=", 1000)]),
    "first_udp_deleted_lost": ("  datagrams lost", "count", False, [(None, "<=", 0)]),
    "first_udp_known_p50_us": ("UDP datagram, known, p50", "us", False, []),
    "first_udp_known_p99_us": ("UDP datagram, known, p99", "us", False, []),
    "first_udp_known_lost": ("  datagrams lost", "count", False, []),
    "miss_events_absorbed_per_s": ("miss events/s absorbed, none lost", "events/s", True,
                                   [(None, ">=", 100000)]),
    "miss_events_read_per_s": ("miss events/s read beyond that", "events/s", True, []),
    "hosts_json_100000_load_ms": ("hosts.json, 100k entries: load", "ms", False,
                                  [(None, "<=", 1000)]),
    "hosts_json_10000_load_ms": ("hosts.json, 10k entries: load", "ms", False, []),
    "hosts_json_bytes_per_entry": ("ovld memory per hosts.json entry", "bytes", False, []),
    "cni_add_p50_ms": ("CNI ADD, p50", "ms", False, []),
    "cni_add_p99_ms": ("CNI ADD, p99", "ms", False, []),
    "cni_del_p50_ms": ("CNI DEL, p50", "ms", False, []),
    "cni_del_p99_ms": ("CNI DEL, p99", "ms", False, []),
    # the router part: ovl's router zone against a bridge with masquerade
    "router_tcp1_out_gbps": ("TCP, 1 stream, container -> out", "Gbit/s", True, []),
    "router_rr_out_tps": ("TCP req/resp, container -> out", "trans/s", True, []),
    "router_tcp1_in_gbps": ("TCP, 1 stream, out -> published", "Gbit/s", True, []),
    "router_rr_in_tps": ("TCP req/resp, out -> published", "trans/s", True, []),
}
# the etcd part, per number of simulated hosts (bench.sh -p etcd)
for _n in (10, 50):
    for _m, (_what, _unit, _high, _targets) in {
        "fwd_p50_ms": ("publish->fwd-ready p50", "ms", False, []),
        "fwd_p99_ms": ("publish->fwd-ready p99", "ms", False,
                       [(None, "<=", 1000)] if _n >= 50 else []),
        "fwd_max_ms": ("publish->fwd-ready max", "ms", False, []),
        "publish_s": ("load published in", "s", False, []),
        "writes_per_s": ("etcd writes", "/s", True, []),
        "watch_events_per_s": ("watch events, all ovlds", "/s", True, []),
        "ovld_rss_kb_per_1k": ("ovld RSS per 1k entries", "KiB", False, []),
        "ovld_bytes_per_entry": ("ovld bytes per entry", "bytes", False, [(None, "<=", 300)]),
        "ovld_bytes_per_entry_max": ("ovld bytes per entry, max", "bytes", False, []),
        "ovld_cpu_ms_per_1k": ("ovld CPU per 1k entries", "ms", False, []),
        "ovld_rss_mb_after": ("ovld RSS, all cached", "MiB", False, []),
        "ovlds_cpu_pct": ("CPU, all ovlds, in load", "%", False, []),
        "etcd_cpu_pct": ("CPU, etcd, in load", "%", False, []),
        "load_cpu_pct": ("CPU, ovl-etcd-load", "%", False, []),
        "outage_ready_ms": ("outage: all ready", "ms", False, []),
        "outage_published_ms": ("outage: new VNIC published", "ms", False, []),
        "outage_converged_ms": ("outage: VNIC everywhere", "ms", False, []),
        "restart_synced_ms": ("restart: synced", "ms", False, []),
        "restart_republished": ("restart: publishes", "count", False, [(None, "<=", 0)]),
        "restart_revision_moved": ("restart: revisions moved", "count", False,
                                   [(None, "<=", 0)]),
    }.items():
        METRICS["etcd%d_%s" % (_n, _m)] = ("etcd N=%d %s" % (_n, _what), _unit, _high, _targets)
PATHS = ("routed", "kernel", "ovl")
ROUTER_PATHS = ("bridge_masq", "ovl")


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return "%.0f" % v
    if abs(v) >= 100:
        return "%.1f" % v
    return "%.3g" % v


def ratio(better_high, ovl, ref):
    """How many times better ovl is than ref (> 1: ovl is better)."""
    if ovl is None or ref is None or ovl == 0 or ref == 0:
        return None
    return ovl / ref if better_high else ref / ovl


def check(op, have, want):
    if have is None:
        return None
    return have >= want if op == ">=" else have <= want


def main():
    src, outdir, secs, kernel, cpus = sys.argv[1:6]
    samples = {}
    for line in open(src):
        s = json.loads(line)
        samples.setdefault(s["metric"], {}).setdefault(s["path"], []).append(s["value"])
    devices = {}
    if len(sys.argv) > 6 and os.path.exists(sys.argv[6]):
        for line in open(sys.argv[6]):
            d = json.loads(line)
            devices.setdefault(d.pop("path"), []).append(d)

    report = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "kernel": kernel,
              "cpus": int(cpus), "seconds": int(secs), "metrics": {}}
    if devices:
        report["router_devices"] = devices
    order = [m for m in METRICS if m in samples] + sorted(set(samples) - set(METRICS))
    rows = []
    router_rows = []
    for m in order:
        what, unit, high, targets = METRICS.get(m, (m, "", True, []))
        e = {"what": what, "unit": unit, "better": "higher" if high else "lower", "paths": {}}
        router = m.startswith("router_")
        med = {}
        for p in ROUTER_PATHS if router else PATHS:
            v = samples[m].get(p)
            if not v:
                continue
            med[p] = statistics.median(v)
            e["paths"][p] = {"median": med[p], "min": min(v), "max": max(v), "samples": v}
        if router:
            e["ovl_vs_bridge_masq"] = ratio(high, med.get("ovl"), med.get("bridge_masq"))
            report["metrics"][m] = e
            router_rows.append((m, e, med))
            continue
        e["ovl_vs_kernel"] = ratio(high, med.get("ovl"), med.get("kernel"))
        e["ovl_vs_routed"] = ratio(high, med.get("ovl"), med.get("routed"))
        e["targets"] = []
        for ref, op, want in targets:
            have = med.get("ovl") if ref is None else e["ovl_vs_" + ref]
            e["targets"].append({"of": "ovl" if ref is None else "ovl/" + ref, "op": op,
                                 "value": want, "measured": have, "met": check(op, have, want)})
        report["metrics"][m] = e
        rows.append((m, e, med))

    lines = ["ovl bench: %s, kernel %s, %s CPUs, %s s; median [min-max] of each path;"
             % (report["date"], kernel, cpus, secs),
             "ratios: how many times better ovl is (>1: ovl better; for times, ref/ovl)", ""]
    if rows:
        hdr = "%-36s %-8s %-22s %-22s %-22s %-7s %-7s %s" % (
            "metric", "unit", "routed", "kernel", "ovl", "/kernel", "/routed", "target")
        lines += [hdr, "-" * len(hdr)]
    for m, e, med in rows:
        cells = [cell(e, p) for p in PATHS]
        tg = ", ".join("%s %s %s: %s" % (t["of"], t["op"], t["value"],
                                         {True: "met", False: "MISSED", None: "?"}[t["met"]])
                       for t in e["targets"])
        lines.append("%-36s %-8s %-22s %-22s %-22s %-7s %-7s %s" % (
            e["what"], e["unit"], cells[0], cells[1], cells[2],
            fmt(e["ovl_vs_kernel"]), fmt(e["ovl_vs_routed"]), tg))
    if router_rows:
        lines += router_table(router_rows, devices, bool(rows))
    text = "\n".join(lines) + "\n"
    print(text, end="")
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "bench.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(outdir, "bench.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    chart(rows, outdir)


def cell(e, p):
    """median [min-max] of path p, or the median alone, or -."""
    q = e["paths"].get(p)
    if not q:
        return "-"
    if q["max"] == q["min"]:
        return fmt(q["median"])
    return "%s [%s-%s]" % (fmt(q["median"]), fmt(q["min"]), fmt(q["max"]))


def router_table(rows, devices, after):
    """The router part's lines: ovl's router zone against a bridge with
    masquerade, then the devices of each path."""
    lines = [""] if after else []
    lines += ["router: a container and a server outside on the LAN; ovl = overlay with a "
              "router zone", "(masquerade twice, published ports DNATed twice), bridge+masq "
              "= Linux bridge, host masquerade and DNAT", ""]
    hdr = "%-36s %-8s %-22s %-22s %s" % ("metric", "unit", "bridge+masq", "ovl router",
                                         "/bridge+masq")
    lines += [hdr, "-" * len(hdr)]
    for _, e, _ in rows:
        lines.append("%-36s %-8s %-22s %-22s %s" % (
            e["what"], e["unit"], cell(e, "bridge_masq"), cell(e, "ovl"),
            fmt(e["ovl_vs_bridge_masq"])))
    for p in ROUTER_PATHS:
        if p in devices:
            lines.append("devices of %s, from the container to the LAN:"
                         % ("bridge+masq" if p == "bridge_masq" else "ovl router"))
            lines += ["  %-4s %-13s mtu %-5s %s" % (d["ns"], d["dev"], d["mtu"], d["offloads"])
                      for d in devices[p]]
    return lines


def chart(rows, outdir):
    data = [(e["what"], e["ovl_vs_kernel"], e["ovl_vs_routed"]) for _, e, _ in rows
            if e["ovl_vs_kernel"] is not None]
    if not data:
        return
    dat = os.path.join(outdir, "ratios.dat")
    with open(dat, "w") as f:
        for what, k, r in data:
            f.write('"%s" %.4f %.4f\n' % (what.replace('"', "'"), k, r if r else 0))
    png = os.path.join(outdir, "bench.png")
    script = """
set terminal pngcairo size 1100,%d font ",10"
set output "%s"
set title "ovl: times better than the kernel's vxlan+bridge and than plain routing (>1: ovl better)"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set yrange [0:*]
set xtics rotate by -30 left
set grid ytics
set key top right
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2 lc rgb "black"
plot "%s" using 2:xtic(1) title "ovl / kernel vxlan" lc rgb "#1f77b4", \
     "" using 3 title "ovl / routed" lc rgb "#ff7f0e"
""" % (520, png, dat)
    try:
        subprocess.run(["gnuplot"], input=script.encode(), check=True)
    except (OSError, subprocess.CalledProcessError) as err:
        print("bench: no chart: gnuplot: %s" % err, file=sys.stderr)


if __name__ == "__main__":
    main()
