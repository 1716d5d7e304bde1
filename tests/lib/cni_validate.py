#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Check what a CNI plugin printed on stdout against the shapes of the CNI
specification (0.4.0, 1.0.0, 1.1.0).

    cni_validate.py result VERSION FILE      an ADD result
    cni_validate.py error VERSION FILE [CODE] an error object (and its code);
                                             prints "msg: details"
    cni_validate.py version VERSION FILE     a VERSION answer
    cni_validate.py empty FILE               nothing at all (DEL, CHECK, GC, STATUS)

The whole file must be exactly one JSON document: a plugin's stdout carries
nothing else. Exit 0 when it conforms; otherwise print why and exit 1.
"""
import ipaddress
import json
import re
import sys

VERSIONS = ("0.4.0", "1.0.0", "1.1.0")
MAC = re.compile(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")


class Bad(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise Bad(msg)


def keys_within(obj, allowed, where):
    extra = set(obj) - set(allowed)
    need(not extra, f"{where}: members not in the spec: {sorted(extra)}")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def cidr(s, where):
    need(isinstance(s, str) and "/" in s, f"{where}: {s!r} is not address/prefix")
    try:
        return ipaddress.ip_interface(s)
    except ValueError as e:
        raise Bad(f"{where}: {s!r}: {e}")


def ip(s, where):
    need(isinstance(s, str), f"{where}: {s!r} is not a string")
    try:
        return ipaddress.ip_address(s)
    except ValueError as e:
        raise Bad(f"{where}: {s!r}: {e}")


def str_list(v, where):
    need(isinstance(v, list) and all(isinstance(x, str) for x in v),
         f"{where}: must be a list of strings")


def check_dns(d, where):
    need(isinstance(d, dict), f"{where}: must be an object")
    keys_within(d, ("nameservers", "domain", "search", "options"), where)
    for k in ("nameservers", "search", "options"):
        if k in d:
            str_list(d[k], f"{where}.{k}")
    if "nameservers" in d:
        for i, n in enumerate(d["nameservers"]):
            ip(n, f"{where}.nameservers[{i}]")
    if "domain" in d:
        need(isinstance(d["domain"], str), f"{where}.domain: must be a string")


def check_result(r, version):
    need(isinstance(r, dict), "a result must be an object")
    keys_within(r, ("cniVersion", "interfaces", "ips", "routes", "dns"), "result")
    need(r.get("cniVersion") == version,
         f"cniVersion {r.get('cniVersion')!r}, the configuration asked for {version}")
    v11 = version == "1.1.0"
    ifaces = r.get("interfaces", [])
    need(isinstance(ifaces, list), "interfaces: must be a list")
    for i, f in enumerate(ifaces):
        w = f"interfaces[{i}]"
        need(isinstance(f, dict), f"{w}: must be an object")
        keys_within(f, ("name", "mac", "sandbox") + (("mtu", "socketPath", "pciID") if v11 else ()), w)
        need(isinstance(f.get("name"), str) and f["name"], f"{w}.name: required string")
        if "mac" in f:
            need(isinstance(f["mac"], str) and MAC.match(f["mac"]), f"{w}.mac: {f['mac']!r}")
        if "sandbox" in f:
            need(isinstance(f["sandbox"], str), f"{w}.sandbox: must be a string")
        if "mtu" in f:
            need(is_int(f["mtu"]) and f["mtu"] > 0, f"{w}.mtu: must be a positive integer")
        for k in ("socketPath", "pciID"):
            if k in f:
                need(isinstance(f[k], str), f"{w}.{k}: must be a string")
    ips = r.get("ips", [])
    need(isinstance(ips, list), "ips: must be a list")
    for i, p in enumerate(ips):
        w = f"ips[{i}]"
        need(isinstance(p, dict), f"{w}: must be an object")
        keys_within(p, ("address", "gateway", "interface") + (("version",) if version == "0.4.0" else ()), w)
        a = cidr(p.get("address"), f"{w}.address")
        if version == "0.4.0":
            need(p.get("version") == str(a.version), f"{w}.version: must be \"{a.version}\"")
        if "gateway" in p:
            need(ip(p["gateway"], f"{w}.gateway").version == a.version,
                 f"{w}.gateway: another family than the address")
        if "interface" in p:
            need(is_int(p["interface"]) and 0 <= p["interface"] < len(ifaces),
                 f"{w}.interface: {p['interface']!r} indexes no interface")
    routes = r.get("routes", [])
    need(isinstance(routes, list), "routes: must be a list")
    for i, rt in enumerate(routes):
        w = f"routes[{i}]"
        need(isinstance(rt, dict), f"{w}: must be an object")
        keys_within(rt, ("dst", "gw") + (("mtu", "advmss", "priority", "table", "scope") if v11 else ()), w)
        d = ipaddress.ip_network(cidr(rt.get("dst"), f"{w}.dst").network)
        if "gw" in rt:
            need(ip(rt["gw"], f"{w}.gw").version == d.version, f"{w}.gw: another family than dst")
        for k in ("mtu", "advmss", "priority", "table", "scope"):
            if k in rt:
                need(is_int(rt[k]) and rt[k] >= 0, f"{w}.{k}: must be a non-negative integer")
    if "dns" in r:
        check_dns(r["dns"], "dns")


def check_error(r, version, code):
    need(isinstance(r, dict), "an error must be an object")
    keys_within(r, ("cniVersion", "code", "msg", "details"), "error")
    need(r.get("cniVersion") == version, f"cniVersion {r.get('cniVersion')!r}, want {version}")
    need(is_int(r.get("code")) and r["code"] > 0, "code: must be a positive integer")
    need(isinstance(r.get("msg"), str) and r["msg"], "msg: required string")
    if "details" in r:
        need(isinstance(r["details"], str), "details: must be a string")
    if code is not None:
        need(r["code"] == code, f"code {r['code']}, want {code} (msg: {r['msg']}; details: {r.get('details')})")


def check_version(r, version):
    need(isinstance(r, dict), "a version answer must be an object")
    keys_within(r, ("cniVersion", "supportedVersions"), "version")
    need(r.get("cniVersion") == version, f"cniVersion {r.get('cniVersion')!r}, want {version}")
    str_list(r.get("supportedVersions"), "supportedVersions")
    for v in VERSIONS:
        need(v in r["supportedVersions"], f"supportedVersions lacks {v}")


def main(argv):
    if len(argv) >= 3 and argv[1] == "empty":
        data = open(argv[2]).read()
        need(data == "", f"stdout must be empty, it holds: {data[:300]!r}")
        return
    if len(argv) < 4 or argv[1] not in ("result", "error", "version"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    kind, version, path = argv[1:4]
    need(version in VERSIONS, f"unknown version {version}")
    data = open(path).read()
    try:
        doc = json.loads(data)
    except ValueError as e:
        raise Bad(f"stdout is not one JSON document ({e}): {data[:300]!r}")
    if kind == "result":
        check_result(doc, version)
    elif kind == "error":
        check_error(doc, version, int(argv[4]) if len(argv) > 4 else None)
        print(doc["msg"] + (": " + doc["details"] if doc.get("details") else ""))
    else:
        check_version(doc, version)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except Bad as e:
        print(f"cni_validate: {e}", file=sys.stderr)
        sys.exit(1)
