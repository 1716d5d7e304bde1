# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Send hand-made Ethernet frames from a packet socket, as a container's
root (or an attacker in it) can: what the kernel's own stack would not send.

    frames.py IFACE udp4 --dst-mac M --src-mac M --src A --dst A
              [--vlan VID] [--qinq VID] [--sport N] [--dport N] --payload TEXT [--count N]
    frames.py IFACE na  --dst-mac M --src-mac M --src A --dst A --target A --tlla M
              [--ext dest|hbh|rt|frag] [--count N]
    frames.py IFACE ra  --dst-mac M --src-mac M --src A --dst A [--ext ...] [--count N]
    frames.py IFACE dhcp4 --dst-mac M --src-mac M --src A --dst A --xid X --chaddr M
              --yiaddr A --type offer|ack [--sport N] [--ipopt] [--count N]
    frames.py IFACE xid [--timeout S]

udp4: an IPv4 UDP datagram (UDP checksum 0, RFC 768), with an 802.1Q tag
(--vlan) and an 802.1ad tag in front of that (--qinq) if asked.
na: an unsolicited neighbour advertisement (RFC 4861 section 4.4, Override
set) for --target at link-layer address --tlla.
ra: a router advertisement (section 4.2) with router lifetime 1800 s and a
source link-layer address option, i.e. "I am your default router".
dhcp4: a DHCPOFFER or DHCPACK (RFC 2131) for transaction --xid (hex) and
client --chaddr, leasing --yiaddr for an hour with --src as server, router
and DNS server; UDP from --sport (67) to 68, checksum valid; --ipopt adds an
IPv4 Router Alert option (RFC 2113), so that the IP header is 24 bytes.
xid: wait for a DHCPDISCOVER or DHCPREQUEST on IFACE and print its
transaction id (hex), as a rogue server on the same link would learn it.
--ext puts one extension header between the IPv6 header and the ICMPv6
message (RFC 8200 section 4): Destination Options or Hop-by-Hop (8 bytes of
Pad1), a Routing header with Segments Left 0, or a Fragment header of an
atomic fragment. ICMPv6 checksums are valid (RFC 4443 section 2.3, over
the pseudo-header of RFC 8200 section 8.1), hop limit 255.
"""
import argparse
import socket
import struct

from pktutil import csum, mac

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


def ipv4(src, dst, proto, payload, opts=b""):
    ihl = 5 + len(opts) // 4
    ip = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(payload), 0, 0x4000, 64,
                     proto, 0, socket.inet_aton(src), socket.inet_aton(dst)) + opts
    return ip[:10] + struct.pack("!H", csum(ip)) + ip[12:] + payload


def udp4(src, dst, sport, dport, payload):
    length = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!xBH", 17, length)
    udp = struct.pack("!HHHH", sport, dport, length, 0) + payload
    return udp[:6] + struct.pack("!H", csum(pseudo + udp) or 0xFFFF) + udp[8:]


def build_dhcp4(a):
    ip = socket.inet_aton
    bootp = struct.pack("!BBBBIHH4s4s4s4s", 2, 1, 6, 0, int(a.xid, 16), 0, 0, bytes(4),
                        ip(a.yiaddr), ip(a.src), bytes(4))
    bootp += mac(a.chaddr) + bytes(10) + bytes(64 + 128) + bytes([99, 130, 83, 99])
    bootp += bytes([53, 1, 2 if a.type == "offer" else 5]) + bytes([54, 4]) + ip(a.src)
    bootp += bytes([51, 4]) + struct.pack("!I", 3600) + bytes([1, 4]) + ip("255.255.255.0")
    bootp += bytes([3, 4]) + ip(a.src) + bytes([6, 4]) + ip(a.src) + bytes([255])
    opts = bytes([0x94, 0x04, 0, 0]) if a.ipopt else b""
    l3 = ipv4(a.src, a.dst, 17, udp4(a.src, a.dst, a.sport, 68, bootp), opts)
    return mac(a.dst_mac) + mac(a.src_mac) + b"\x08\x00" + l3


def sniff_xid(a):
    # ETH_P_ALL: a tap sees the frame before TC ingress, which redirects it
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((a.iface, 3))
    s.settimeout(a.timeout)
    while True:
        f = s.recv(2048)
        if len(f) < 14 + 20 + 8 + 8 or f[12:14] != b"\x08\x00":
            continue
        ihl = (f[14] & 15) * 4
        udp = 14 + ihl
        if f[23] != 17 or struct.unpack("!HH", f[udp:udp + 4]) != (68, 67):
            continue
        if f[udp + 8] == 1:  # BOOTREQUEST
            print("%08x" % struct.unpack("!I", f[udp + 12:udp + 16]))
            return


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
    x = sub.add_parser("xid")
    x.add_argument("--timeout", type=float, default=10)
    for kind in ("udp4", "na", "ra", "dhcp4"):
        s = sub.add_parser(kind)
        s.add_argument("--dst-mac", required=True)
        s.add_argument("--src-mac", required=True)
        s.add_argument("--src", required=True)
        s.add_argument("--dst", required=True)
        s.add_argument("--count", type=int, default=1)
        if kind == "dhcp4":
            s.add_argument("--xid", required=True)
            s.add_argument("--chaddr", required=True)
            s.add_argument("--yiaddr", required=True)
            s.add_argument("--type", choices=("offer", "ack"), required=True)
            s.add_argument("--sport", type=int, default=67)
            s.add_argument("--ipopt", action="store_true")
        elif kind == "udp4":
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
    if a.kind == "xid":
        sniff_xid(a)
        return
    frame = {"udp4": build_udp4, "na": build_na, "ra": build_ra, "dhcp4": build_dhcp4}[a.kind](a)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    for _ in range(a.count):
        s.send(frame)


if __name__ == "__main__":
    main()
