# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Real TCP connects and UDP datagrams for the shell tests, with what the
kernel says about them.

    l4probe.py serve PORT LOG
        Listen on [::]:PORT (IPv4 and IPv6) for TCP, accept and close every
        connection; receive UDP datagrams on [::]:PORT and append each
        payload to LOG as one line. Runs until killed; prints "ready" on
        stdout once both sockets are bound.
    l4probe.py client
        Read commands from stdin, one a line, and answer each with one line
        on stdout (a test drives it as a coprocess, so that a round costs no
        interpreter start):
        "tcp ADDR PORT TIMEOUT": connect once; answers "ok MS TOTAL SEGS",
            the connect time in milliseconds, the socket's
            tcpi_total_retrans (a SYN sent again counts) and how much this
            namespace's Tcp RetransSegs (/proc/net/snmp) grew meanwhile,
            or "error MESSAGE".
        "udp ADDR PORT TOKEN": send one datagram whose payload is TOKEN;
            answers "ok".

It runs inside the namespace it is meant for (ip netns exec).
"""
import selectors
import socket
import struct
import sys
import time

TCPI_TOTAL_RETRANS = 100  # offset of tcpi_total_retrans in struct tcp_info


def snmp(name):
    """A counter of /proc/net/snmp, e.g. ("Tcp", "RetransSegs")."""
    group, field = name
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f]
    for keys, vals in zip(rows[::2], rows[1::2]):
        if keys[0] == group + ":":
            return int(vals[keys.index(field)])
    raise KeyError(name)


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(port, log):
    t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    t.bind(("::", port))
    t.listen(64)
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    u.bind(("::", port))
    print("ready", flush=True)
    sel = selectors.DefaultSelector()
    sel.register(t, selectors.EVENT_READ)
    sel.register(u, selectors.EVENT_READ)
    with open(log, "a") as out:
        while True:
            for key, _ in sel.select():
                if key.fileobj is t:
                    c, _ = t.accept()
                    c.close()
                else:
                    data, _ = u.recvfrom(65535)
                    out.write(data.decode(errors="replace") + "\n")
                    out.flush()


def tcp(addr, port, timeout):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.settimeout(timeout)
    before = snmp(("Tcp", "RetransSegs"))
    t0 = time.monotonic()
    try:
        s.connect((addr, port))
    except OSError as e:
        s.close()
        return "error %s after %.0f ms" % (e, (time.monotonic() - t0) * 1000)
    ms = (time.monotonic() - t0) * 1000
    info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    total = struct.unpack_from("I", info, TCPI_TOTAL_RETRANS)[0]
    s.close()
    after = snmp(("Tcp", "RetransSegs"))
    return "ok %.3f %d %d" % (ms, total, after - before)


def udp(addr, port, token):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.sendto(token.encode(), (addr, port))
    s.close()
    return "ok"


def client():
    for line in sys.stdin:
        w = line.split()
        if len(w) == 4 and w[0] == "tcp":
            out = tcp(w[1], int(w[2]), float(w[3]))
        elif len(w) == 4 and w[0] == "udp":
            out = udp(w[1], int(w[2]), w[3])
        else:
            out = "error bad command: %r" % line
        print(out, flush=True)
    return 0


def main(argv):
    if len(argv) == 3 and argv[0] == "serve":
        return serve(int(argv[1]), argv[2])
    if len(argv) == 1 and argv[0] == "client":
        return client()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
