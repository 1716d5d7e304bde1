#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Fill a pinned ovl map until the kernel refuses an entry, so that a test
can see what ovld does with a full map without a quarter million requests.

    bpf_fill.py PIN fdb|neigh [VNI]

Entries go to VNI (default 16777215, a VNI the tests do not use), with
distinct MACs (fdb) or IPv6 addresses (neigh), in batches
(BPF_MAP_UPDATE_BATCH). Prints how many were added; exits 0 once the map
is full (E2BIG), 1 on any other error. Key and value layouts are those of
bpf/ovl_abi.h (struct ovl_mac_key -> struct ovl_dest, struct ovl_addr_key
-> struct ovl_neigh).
"""
import ctypes
import errno
import os
import platform
import struct
import sys

NR_BPF = {"x86_64": 321, "aarch64": 280}[platform.machine()]
BPF_OBJ_GET = 7
BPF_MAP_UPDATE_BATCH = 26
BATCH = 4096

libc = ctypes.CDLL(None, use_errno=True)


def bpf(cmd, attr):
    ret = libc.syscall(NR_BPF, cmd, attr, len(attr))
    if ret < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return ret


def obj_get(path):
    name = ctypes.create_string_buffer(path.encode())
    attr = ctypes.create_string_buffer(128)
    struct.pack_into("=QII", attr, 0, ctypes.addressof(name), 0, 0)
    return bpf(BPF_OBJ_GET, attr)


def entry(kind, vni, i):
    if kind == "fdb":
        mac = b"\x02\xfe" + struct.pack(">I", i)
        key = struct.pack("=I6s2x", vni, mac)
        val = struct.pack("=16sBxHI", b"\x0a\x63\x00\x01", 4, 4789, 0)
    else:
        addr = b"\xfd\x63" + b"\x00" * 10 + struct.pack(">I", i)
        key = struct.pack("=IB3x16s", vni, 6, addr)
        val = struct.pack("=6sH", b"\x02\xfe\x00\x00\x00\x01", 0)
    return key, val


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[2] not in ("fdb", "neigh"):
        sys.exit(__doc__)
    kind = sys.argv[2]
    vni = int(sys.argv[3]) if len(sys.argv) == 4 else 0xFFFFFF
    fd = obj_get(sys.argv[1])
    added = i = 0
    while True:
        pairs = [entry(kind, vni, i + n) for n in range(BATCH)]
        keys = ctypes.create_string_buffer(b"".join(k for k, _ in pairs))
        vals = ctypes.create_string_buffer(b"".join(v for _, v in pairs))
        attr = ctypes.create_string_buffer(128)
        struct.pack_into("=QQQQIIQQ", attr, 0, 0, 0, ctypes.addressof(keys),
                         ctypes.addressof(vals), BATCH, fd, 0, 0)
        try:
            bpf(BPF_MAP_UPDATE_BATCH, attr)
        except OSError as e:
            added += struct.unpack_from("=I", attr, 32)[0]
            if e.errno != errno.E2BIG:
                print(f"bpf_fill: {sys.argv[1]}: {e}", file=sys.stderr)
                sys.exit(1)
            print(added)
            return
        added += BATCH
        i += BATCH


if __name__ == "__main__":
    main()
