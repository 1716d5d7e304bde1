#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The service manager's end of sd_notify(3), for tests/e2e/systemd_notify.sh.

  notify_listen.py ADDR OUT CTL_SOCKET OVLCTL

Binds a datagram socket at ADDR (a path, or @NAME in the abstract namespace
of the caller's network namespace), writes "listening" to OUT.ready, then
for every datagram appends one line to OUT: the message's lines joined by
'|', then " ctl=RC", the exit status of `OVLCTL --socket CTL_SOCKET status`
run the moment the datagram arrived (0: the control socket answered). Ends
after a STOPPING=1, or after 30 s.
"""
import os
import socket
import subprocess
import sys
import time

addr, out, ctl, ovlctl = sys.argv[1:5]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
with open(out + ".ready", "w") as f:
    f.write("listening\n")
end = time.monotonic() + 30
while time.monotonic() < end:
    s.settimeout(max(0.1, end - time.monotonic()))
    try:
        msg = s.recv(4096).decode()
    except socket.timeout:
        break
    rc = subprocess.run([ovlctl, "--socket", ctl, "status"], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL).returncode
    with open(out, "a") as f:
        f.write("%s ctl=%d\n" % ("|".join(msg.splitlines()), rc))
    if "STOPPING=1" in msg.splitlines():
        break
if not addr.startswith("@"):
    os.unlink(addr)
