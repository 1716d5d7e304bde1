# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""A TCP (and UDP) service that says who it is and who asked, and its client,
for the router tests: a real connection, and what the server saw.

    whoami.py serve NAME PORT
        Listen on [::]:PORT (IPv4 and IPv6), TCP and UDP. Each TCP connection
        gets one line "NAME PEER_ADDRESS" and is closed; each UDP datagram
        gets the same line back. Prints "ready" once bound; runs until killed.
    whoami.py ask ADDR PORT [udp] [TIMEOUT]
        Connect (or send one datagram), print the answer line; exit 1 with
        the error on stderr if there is none within TIMEOUT (default 3 s).
"""
import selectors
import socket
import sys


def peer(addr):
    a = addr[0]
    return a[7:] if a.startswith("::ffff:") else a


def serve(name, port):
    t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    t.bind(("::", port))
    t.listen(64)
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    u.bind(("::", port))
    sel = selectors.DefaultSelector()
    sel.register(t, selectors.EVENT_READ)
    sel.register(u, selectors.EVENT_READ)
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            if key.fileobj is t:
                c, a = t.accept()
                try:
                    c.sendall(("%s %s\n" % (name, peer(a))).encode())
                except OSError:
                    pass
                c.close()
            else:
                _, a = u.recvfrom(2048)
                u.sendto(("%s %s\n" % (name, peer(a))).encode(), a)


def ask(addr, port, udp, timeout):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        if udp:
            s.sendto(b"?", (addr, port))
            data = s.recv(2048)
        else:
            s.connect((addr, port))
            data = b""
            while not data.endswith(b"\n"):
                b = s.recv(2048)
                if not b:
                    break
                data += b
    except OSError as e:
        print("%s %s:%d: %s" % ("udp" if udp else "tcp", addr, port, e), file=sys.stderr)
        return 1
    print(data.decode().strip())
    return 0 if data else 1


def main():
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
        return 0
    udp = len(sys.argv) > 4 and sys.argv[4] == "udp"
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 3.0
    return ask(sys.argv[2], int(sys.argv[3]), udp, timeout)


if __name__ == "__main__":
    sys.exit(main())
