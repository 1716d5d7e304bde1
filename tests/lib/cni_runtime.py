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


def run(args, n, plugin, verb, conf):
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "CNI_COMMAND": verb.upper(),
        "CNI_PATH": args.path,
    }
    if verb not in ("gc", "status"):
        env.update(CNI_CONTAINERID=args.cid, CNI_IFNAME=args.ifname)
        if args.netns:
            env["CNI_NETNS"] = args.netns
    exe = None
    for d in args.path.split(":"):
        if os.access(os.path.join(d, plugin["type"]), os.X_OK):
            exe = os.path.join(d, plugin["type"])
            break
    if not exe:
        sys.exit(f"cni_runtime: no plugin {plugin['type']} in {args.path}")
    data = json.dumps(conf)
    p = subprocess.run([exe], input=data.encode(), env=env, capture_output=True)
    if args.record:
        base = os.path.join(args.record, f"{n:02d}-{plugin['type']}-{verb}")
        open(base + ".in", "w").write(data)
        open(base + ".out", "wb").write(p.stdout)
    sys.stderr.write(p.stderr.decode(errors="replace"))
    if p.returncode:
        sys.stderr.write(f"cni_runtime: {plugin['type']} {verb.upper()} failed "
                         f"(exit {p.returncode}): {p.stdout.decode(errors='replace')}\n")
        sys.exit(p.returncode)
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
    args = ap.parse_args()
    lst = json.load(open(args.conflist))
    rc = json.loads(args.runtime_config)
    os.makedirs(args.cache, exist_ok=True)
    cache = os.path.join(args.cache, f"{lst['name']}-{args.cid}-{args.ifname}.json")
    plugins = lst["plugins"]

    if args.verb == "add":
        prev = None
        for n, p in enumerate(plugins):
            out = run(args, n, p, "add", plugin_conf(lst, p, rc, prev))
            prev = json.loads(out)
        json.dump(prev, open(cache, "w"))
        print(json.dumps(prev))
    elif args.verb in ("check", "del"):
        prev = json.load(open(cache)) if os.path.exists(cache) else None
        order = list(enumerate(plugins))
        if args.verb == "del":
            order.reverse()
        for n, p in order:
            if p["type"] not in args.skip:
                run(args, n, p, args.verb, plugin_conf(lst, p, rc, prev))
        if args.verb == "del" and os.path.exists(cache):
            os.unlink(cache)
    else:
        for n, p in enumerate(plugins):
            conf = plugin_conf(lst, p, rc, None)
            if args.verb == "gc":
                conf["cni.dev/valid-attachments"] = json.loads(args.valid)
            run(args, n, p, args.verb, conf)


if __name__ == "__main__":
    main()
