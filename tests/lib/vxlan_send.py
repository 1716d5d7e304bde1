# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Send hand-made VXLAN packets (RFC 7348) from an ordinary UDP socket.

    vxlan_send.py --src 10.1.0.9 --dst 10.1.0.2 --vni 23 \
        --inner-dst 02:00:00:00:00:02 --inner-src 02:00:00:00:00:01 \
        --ip-src 10.30.0.1 --ip-dst 10.30.0.2 [--icmp-id 0x0bad] [--count 5]

The kernel writes the outer IPv4/IPv6 and UDP headers (source --src, which
must be an address of the namespace it runs in); this program writes the
VXLAN header and the inner frame: Ethernet, IPv4, an ICMP echo request with
the given id and the payload "ovl-forged". Tests use it to play an underlay
host that is not a peer of a VNI, or a peer that sends exactly these bytes.
"""
import argparse
import socket
import struct
import sys

from pktutil import csum, mac


def inner_frame(args, seq):
    payload = b"ovl-forged" * 4
    icmp = struct.pack("!BBHHH", 8, 0, 0, args.icmp_id, seq) + payload
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), seq, 0, 64, 1, 0,
                     socket.inet_aton(args.ip_src), socket.inet_aton(args.ip_dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return mac(args.inner_dst) + mac(args.inner_src) + b"\x08\x00" + ip + icmp


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--port", type=int, default=4789)
    p.add_argument("--vni", type=int, required=True)
    p.add_argument("--inner-dst", required=True)
    p.add_argument("--inner-src", required=True)
    p.add_argument("--ip-src", required=True)
    p.add_argument("--ip-dst", required=True)
    p.add_argument("--icmp-id", type=lambda s: int(s, 0), default=0x0BAD)
    p.add_argument("--count", type=int, default=1)
    args = p.parse_args()

    fam = socket.AF_INET6 if ":" in args.dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((args.src, 0))
    vxlan = struct.pack("!II", 0x08000000, args.vni << 8)
    for seq in range(1, args.count + 1):
        s.sendto(vxlan + inner_frame(args, seq), (args.dst, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
