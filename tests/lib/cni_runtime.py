#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""A minimal CNI runtime, doing what libcni does with a network
configuration list, so that the tests can chain plugins without a
container engine (Debian packages no cnitool).

    cni_runtime.py VERB CONFLIST [options]      VERB: add, check, del, gc, status

    --cid ID --netns PATH --ifname NAME      the attachment
    --runtime-config JSON                    capability arguments, e.g.
                                             {"portMappings": [...], "mac": "..."}
    --path DIRS                              CNI_PATH
    --cache DIR                              where the ADD result is kept for
                                             CHECK and DEL (as libcni caches it)
    --record DIR                             every plugin's stdin and stdout, as
                                             DIR/NN-TYPE-VERB.in / .out
    --valid JSON                             GC: cni.dev/valid-attachments
    --skip TYPE                              leave plugin TYPE out of this verb
                                             (repeatable; for a plugin's own bug)
    --batch FILE                             many attachments at once, as a
                                             runtime's goroutines: a line of FILE
                                             is "CID NETNS OUT"; each runs in a
                                             thread of its own, its stdout in
                                             OUT.out, stderr in OUT.err and exit
                                             status in OUT.rc (instead of --cid,
                                             --netns; not with --record)

As libcni: each plugin gets the list's name and cniVersion, the
runtimeConfig members its "capabilities" ask for, and, after the first,
the previous plugin's result as prevResult; DEL runs the plugins in
reverse order with the cached result; CHECK and DEL get the cached result
as prevResult. Prints the final ADD result; exits with the first failing
plugin's status after printing its error on stderr.
"""
import argparse
import json
import os
import subprocess
import sys
import threading


class Failed(Exception):
    """A plugin failed (its error is written): exit with rc."""

    def __init__(self, rc):
        super().__init__(rc)
        self.rc = rc


def plugin_conf(lst, plugin, runtime_config, prev):
    conf = dict(plugin)
    conf["name"] = lst["name"]
    conf["cniVersion"] = lst["cniVersion"]
    caps = plugin.get("capabilities", {})
    rc = {k: v for k, v in runtime_config.items() if caps.get(k)}
    if rc:
        conf["runtimeConfig"] = rc
    if prev is not None:
        conf["prevResult"] = prev
    return conf


def run(args, att, n, plugin, verb, conf):
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "CNI_COMMAND": verb.upper(),
        "CNI_PATH": args.path,
    }
    if verb not in ("gc", "status"):
        env.update(CNI_CONTAINERID=att["cid"], CNI_IFNAME=args.ifname)
        if att["netns"]:
            env["CNI_NETNS"] = att["netns"]
    exe = None
    for d in args.path.split(":"):
        if os.access(os.path.join(d, plugin["type"]), os.X_OK):
            exe = os.path.join(d, plugin["type"])
            break
    if not exe:
        att["err"].write(f"cni_runtime: no plugin {plugin['type']} in {args.path}\n")
        raise Failed(1)
    data = json.dumps(conf)
    p = subprocess.run([exe], input=data.encode(), env=env, capture_output=True)
    if args.record:
        base = os.path.join(args.record, f"{n:02d}-{plugin['type']}-{verb}")
        open(base + ".in", "w").write(data)
        open(base + ".out", "wb").write(p.stdout)
    att["err"].write(p.stderr.decode(errors="replace"))
    if p.returncode:
        att["err"].write(f"cni_runtime: {plugin['type']} {verb.upper()} failed "
                         f"(exit {p.returncode}): {p.stdout.decode(errors='replace')}\n")
        raise Failed(p.returncode)
    return p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("verb", choices=("add", "check", "del", "gc", "status"))
    ap.add_argument("conflist")
    ap.add_argument("--cid", default="")
    ap.add_argument("--netns", default="")
    ap.add_argument("--ifname", default="eth0")
    ap.add_argument("--runtime-config", default="{}")
    ap.add_argument("--path", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--record")
    ap.add_argument("--valid", default="[]")
    ap.add_argument("--skip", action="append", default=[])
    ap.add_argument("--batch")
    args = ap.parse_args()
    lst = json.load(open(args.conflist))
    os.makedirs(args.cache, exist_ok=True)
    if not args.batch:
        try:
            verb(args, lst, {"cid": args.cid, "netns": args.netns, "out": sys.stdout,
                             "err": sys.stderr})
        except Failed as e:
            sys.exit(e.rc)
        return
    if args.record:
        sys.exit("cni_runtime: --batch and --record: the records would mix")
    threads = []
    for line in open(args.batch):
        if line.strip():
            cid, netns, out = line.split()
            t = threading.Thread(target=batch_one, args=(args, lst, cid, netns, out))
            t.start()
            threads.append(t)
    for t in threads:
        t.join()


def batch_one(args, lst, cid, netns, out):
    rc = 0
    with open(out + ".out", "w") as o, open(out + ".err", "w") as e:
        try:
            verb(args, lst, {"cid": cid, "netns": netns, "out": o, "err": e})
        except Failed as f:
            rc = f.rc
        except Exception as x:  # a bug here: this attachment fails, not the others
            e.write(f"cni_runtime: {x!r}\n")
            rc = 1
    with open(out + ".rc", "w") as r:
        r.write(f"{rc}\n")


def verb(args, lst, att):
    """args.verb for one attachment (att: cid, netns, out and err files)."""
    rc = json.loads(args.runtime_config)
    cache = os.path.join(args.cache, f"{lst['name']}-{att['cid']}-{args.ifname}.json")
    plugins = lst["plugins"]

    if args.verb == "add":
        prev = None
        for n, p in enumerate(plugins):
            out = run(args, att, n, p, "add", plugin_conf(lst, p, rc, prev))
            prev = json.loads(out)
        json.dump(prev, open(cache, "w"))
        att["out"].write(json.dumps(prev) + "\n")
    elif args.verb in ("check", "del"):
        prev = json.load(open(cache)) if os.path.exists(cache) else None
        order = list(enumerate(plugins))
        if args.verb == "del":
            order.reverse()
        for n, p in order:
            if p["type"] not in args.skip:
                run(args, att, n, p, args.verb, plugin_conf(lst, p, rc, prev))
        if args.verb == "del" and os.path.exists(cache):
            os.unlink(cache)
    else:
        for n, p in enumerate(plugins):
            conf = plugin_conf(lst, p, rc, None)
            if args.verb == "gc":
                conf["cni.dev/valid-attachments"] = json.loads(args.valid)
            run(args, att, n, p, args.verb, conf)


if __name__ == "__main__":
    main()
