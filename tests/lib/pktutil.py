# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""What the test programs that write packets by hand share (frames.py,
vxlan_send.py): the Internet checksum and MAC addresses from text."""
import struct


def csum(data):
    """The Internet checksum (RFC 1071) of data, padded to even length."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(text):
    """The 6 bytes of a MAC address written aa:bb:cc:dd:ee:ff."""
    b = bytes(int(x, 16) for x in text.split(":"))
    if len(b) != 6:
        raise SystemExit("bad MAC " + text)
    return b
