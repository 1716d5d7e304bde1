#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""tcpflow.py - one steady TCP flow whose every message must come back.

  tcpflow.py serve PORT                 echo one connection back, then exit
  tcpflow.py send HOST PORT SECONDS MS  send a numbered 8-byte message every
                                        MS milliseconds for SECONDS, read the
                                        echoes; print a JSON summary and exit
                                        1 unless every message came back, in
                                        order

The summary's max_gap_ms is the longest time without an echo: a lost and
retransmitted segment shows there (TCP's first retransmission waits at least
200 ms), even though TCP delivers it in the end.
"""
import json
import select
import socket
import struct
import sys
import time


def serve(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1)
    print("listening", flush=True)
    c, _ = ls.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        b = c.recv(65536)
        if not b:
            break
        c.sendall(b)
    c.close()


def send(host, port, seconds, ms):
    s = socket.create_connection((host, port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setblocking(False)
    sent = echoed = 0
    bad = None
    buf = b""
    start = time.monotonic()
    last_echo = start
    max_gap = 0.0
    next_send = start
    end = start + seconds
    while True:
        now = time.monotonic()
        if now < end and now >= next_send:
            try:
                s.send(struct.pack("!Q", sent))
                sent += 1
            except BlockingIOError:
                pass
            next_send += ms / 1000.0
        if now >= end and echoed >= sent:
            break
        if now > end + 10:
            break
        wait = max(0.0, min(next_send, end) - now) if now < end else 0.1
        r, _, _ = select.select([s], [], [], wait)
        if r:
            b = s.recv(65536)
            if not b:
                break
            t = time.monotonic()
            max_gap = max(max_gap, t - last_echo)
            last_echo = t
            buf += b
            while len(buf) >= 8:
                (n,) = struct.unpack("!Q", buf[:8])
                buf = buf[8:]
                if n != echoed and bad is None:
                    bad = "echo %d where %d was due" % (n, echoed)
                echoed += 1
    s.close()
    ok = bad is None and echoed == sent
    print(json.dumps({"sent": sent, "echoed": echoed, "max_gap_ms": round(max_gap * 1000, 1),
                      "error": bad}))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    elif len(sys.argv) == 6 and sys.argv[1] == "send":
        sys.exit(send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])))
    else:
        sys.exit(__doc__)
