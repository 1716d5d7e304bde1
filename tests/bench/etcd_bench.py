#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""tests/bench/etcd_bench.py - what make bench's etcd part reads and waits for.

    etcd_bench.py wait SECONDS OVLCTL OVERLAY MACS INSTANCE...
        poll `ovlctl -j overlay list` of every instance (ovld's control
        socket is a file: no namespace needed) every 50 ms until each shows
        OVERLAY's backend connected, synced and watching with at least MACS
        MACs in its cache (MACS -1: any); print the milliseconds that took.
        Exit 1 after SECONDS, printing the instances that were not there.
    etcd_bench.py status OVLCTL OVERLAY INSTANCE
        OVERLAY's backend object of one instance, as "key value" lines.
    etcd_bench.py lat LOAD_TRACE TRACE...
        publish -> forwarding-ready: for each P line of LOAD_TRACE (the load
        generator's publishes, revision R), in each ovld's TRACE the first W
        line (a watch reply) whose revision, or an earlier line's, is >= R;
        p50/p99/max over every (publish, ovld) pair, in ms; etcd writes/s
        (publishes over the time from the first to the last); watch events/s
        (the events of every ovld's W lines in that window, summed, over
        the time from the first publish to the last W line).
    etcd_bench.py after T0_US PUB_TRACE TRACE...
        the last P line of PUB_TRACE at or after T0_US (revision R): the ms
        from T0_US until it, and until the last of the other TRACEs had a
        W line at R or later (-1: one never did).

Trace lines are the etcd backend's OVL_ETCD_TRACE: "P|W US REV EVENTS HOSTID"
(CLOCK_REALTIME microseconds).
"""
import bisect
import json
import subprocess
import sys
import time


def read_trace(path):
    p, w = [], []
    try:
        f = open(path)
    except OSError:
        return p, w
    with f:
        for line in f:
            x = line.split()
            if len(x) < 4 or x[0] not in ("P", "W"):
                continue
            (p if x[0] == "P" else w).append((int(x[1]), int(x[2]), int(x[3])))
    return p, w


def backend(ovlctl, inst, overlay):
    try:
        out = subprocess.run([ovlctl, "--instance", inst, "-j", "overlay", "list"],
                             capture_output=True, timeout=5, check=True).stdout
        for o in json.loads(out):
            if o.get("name") == overlay:
                return o.get("backend") or {}
    except (subprocess.SubprocessError, ValueError, OSError):
        pass
    return None


def ready(b, macs):
    return (b is not None and b.get("connected") is True and b.get("synced") is True
            and b.get("watching") is True and (macs < 0 or b.get("macs", 0) >= macs))


def cmd_wait(args):
    secs, ovlctl, overlay, macs = float(args[0]), args[1], args[2], int(args[3])
    left = list(args[4:])
    t0 = time.monotonic()
    while True:
        left = [i for i in left if not ready(backend(ovlctl, i, overlay), macs)]
        if not left:
            print(int((time.monotonic() - t0) * 1000))
            return 0
        if time.monotonic() - t0 > secs:
            for i in left[:5]:
                print("%s: %s" % (i, json.dumps(backend(ovlctl, i, overlay))))
            return 1
        time.sleep(0.05)


def cmd_status(args):
    b = backend(args[0], args[2], args[1])
    if b is None:
        return 1
    for k, v in sorted(b.items()):
        print(k, json.dumps(v) if isinstance(v, (bool, str)) else v)
    return 0


def pct(v, q):
    return v[min(len(v) - 1, int(len(v) * q))]


def cmd_lat(args):
    pubs, _ = read_trace(args[0])
    lat, ends, events, missing = [], [], 0, 0
    if not pubs:
        print("publishes 0")
        return 1
    t_first, t_last = min(p[0] for p in pubs), max(p[0] for p in pubs)
    for path in args[1:]:
        _, ws = read_trace(path)
        ws.sort()
        times, revs, top = [], [], 0
        for t, rev, n in ws:
            top = max(top, rev)
            times.append(t)
            revs.append(top)
            if t >= t_first:
                events += n
        if ws:
            ends.append(ws[-1][0])
        for t, rev, _ in pubs:
            i = bisect.bisect_left(revs, rev)
            if i == len(revs):
                missing += 1
            else:
                lat.append((times[i] - t) / 1000.0)
    lat.sort()
    print("publishes", len(pubs))
    print("pairs", len(lat))
    print("pairs_missing", missing)
    if lat:
        print("fwd_p50_ms %.1f" % pct(lat, 0.50))
        print("fwd_p99_ms %.1f" % pct(lat, 0.99))
        print("fwd_max_ms %.1f" % lat[-1])
    dur = (t_last - t_first) / 1e6
    print("publish_s %.2f" % dur)
    if dur > 0:
        print("writes_per_s %.0f" % (len(pubs) / dur))
    if ends and max(ends) > t_first:
        print("watch_events_per_s %.0f" % (events / ((max(ends) - t_first) / 1e6)))
    return 0


def cmd_after(args):
    t0 = int(args[0])
    pubs = [p for p in read_trace(args[1])[0] if p[0] >= t0]
    if not pubs:
        print("-1 -1")
        return 1
    tp, rev, _ = pubs[-1]
    last = 0
    for path in args[2:]:
        ws = [w for w in read_trace(path)[1] if w[1] >= rev and w[0] >= t0]
        if not ws:
            print((tp - t0) // 1000, -1)
            return 1
        last = max(last, min(w[0] for w in ws))
    print((tp - t0) // 1000, (last - t0) // 1000)
    return 0


def main():
    cmds = {"wait": cmd_wait, "status": cmd_status, "lat": cmd_lat, "after": cmd_after}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    return cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
