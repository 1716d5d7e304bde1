# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Send hand-made Ethernet frames from a packet socket, as a container's
root (or an attacker in it) can: what the kernel's own stack would not send.

    frames.py IFACE udp4 --dst-mac M --src-mac M --src A --dst A
              [--vlan VID] [--qinq VID] [--sport N] [--dport N] --payload TEXT [--count N]
    frames.py IFACE na  --dst-mac M --src-mac M --src A --dst A --target A --tlla M
              [--ext dest|hbh|rt|frag] [--count N]
    frames.py IFACE ra  --dst-mac M --src-mac M --src A --dst A [--ext ...] [--count N]

udp4: an IPv4 UDP datagram (UDP checksum 0, RFC 768), with an 802.1Q tag
(--vlan) and an 802.1ad tag in front of that (--qinq) if asked.
na: an unsolicited neighbour advertisement (RFC 4861 section 4.4, Override
set) for --target at link-layer address --tlla.
ra: a router advertisement (section 4.2) with router lifetime 1800 s and a
source link-layer address option, i.e. "I am your default router".
--ext puts one extension header between the IPv6 header and the ICMPv6
message (RFC 8200 section 4): Destination Options or Hop-by-Hop (8 bytes of
Pad1), a Routing header with Segments Left 0, or a Fragment header of an
atomic fragment. ICMPv6 checksums are valid (RFC 4443 section 2.3, over
the pseudo-header of RFC 8200 section 8.1), hop limit 255.
"""
import argparse
import socket
import struct


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(text):
    b = bytes(int(x, 16) for x in text.split(":"))
    if len(b) != 6:
        raise SystemExit("bad MAC " + text)
    return b


EXT = {"dest": 60, "hbh": 0, "rt": 43, "frag": 44}


def ext_header(kind, nexthdr):
    if kind == "frag":  # offset 0, M clear: an atomic fragment
        return struct.pack("!BBHI", nexthdr, 0, 0, 0x0BAD)
    if kind == "rt":  # type 253 (RFC 4727, experiments), Segments Left 0: ignored
        return struct.pack("!BBBB4x", nexthdr, 0, 253, 0)
    return struct.pack("!BB6x", nexthdr, 0)  # options: six Pad1


def ipv6_icmp(a, msg):
    src = socket.inet_pton(socket.AF_INET6, a.src)
    dst = socket.inet_pton(socket.AF_INET6, a.dst)
    pseudo = src + dst + struct.pack("!I3xB", len(msg), 58)
    msg = msg[:2] + struct.pack("!H", csum(pseudo + msg)) + msg[4:]
    nh, ext = 58, b""
    if a.ext:
        ext = ext_header(a.ext, 58)
        nh = EXT[a.ext]
    hdr = struct.pack("!IHBB", 6 << 28, len(ext) + len(msg), nh, 255) + src + dst
    return mac(a.dst_mac) + mac(a.src_mac) + b"\x86\xdd" + hdr + ext + msg


def build_na(a):
    body = struct.pack("!BBHI", 136, 0, 0, 0x20000000)  # O: override the cache
    body += socket.inet_pton(socket.AF_INET6, a.target)
    body += b"\x02\x01" + mac(a.tlla)  # target link-layer address option
    return ipv6_icmp(a, body)


def build_ra(a):
    # hop limit 64, no M/O flags, router lifetime 1800, reachable 0, retrans 0
    body = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
    body += b"\x01\x01" + mac(a.src_mac)  # source link-layer address option
    return ipv6_icmp(a, body)


def build_udp4(a):
    payload = a.payload.encode()
    udp = struct.pack("!HHHH", a.sport, a.dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                     socket.inet_aton(a.src), socket.inet_aton(a.dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    l2 = b"\x08\x00"
    if a.vlan is not None:
        l2 = struct.pack("!HH", 0x8100, a.vlan) + l2
    if a.qinq is not None:
        l2 = struct.pack("!HH", 0x88A8, a.qinq) + l2
    return mac(a.dst_mac) + mac(a.src_mac) + l2 + ip + udp


def main():
    p = argparse.ArgumentParser()
    p.add_argument("iface")
    sub = p.add_subparsers(dest="kind", required=True)
    for kind in ("udp4", "na", "ra"):
        s = sub.add_parser(kind)
        s.add_argument("--dst-mac", required=True)
        s.add_argument("--src-mac", required=True)
        s.add_argument("--src", required=True)
        s.add_argument("--dst", required=True)
        s.add_argument("--count", type=int, default=1)
        if kind == "udp4":
            s.add_argument("--vlan", type=int)
            s.add_argument("--qinq", type=int)
            s.add_argument("--sport", type=int, default=40000)
            s.add_argument("--dport", type=int, default=5555)
            s.add_argument("--payload", required=True)
        else:
            s.add_argument("--ext", choices=sorted(EXT))
        if kind == "na":
            s.add_argument("--target", required=True)
            s.add_argument("--tlla", required=True)
    a = p.parse_args()
    frame = {"udp4": build_udp4, "na": build_na, "ra": build_ra}[a.kind](a)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    for _ in range(a.count):
        s.send(frame)


if __name__ == "__main__":
    main()
