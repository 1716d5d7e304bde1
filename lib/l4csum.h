/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * l4csum.h - finish the TCP or UDP checksum of a frame a container sent
 * with its checksum left to the device.
 *
 * A frame ovld sends on itself (the first frame after a miss, captured by
 * the TC program) left its container as the kernel hands it to a device
 * that offloads checksums, as a veth does: CHECKSUM_PARTIAL, the TCP or
 * UDP checksum field holding only the sum of the pseudo-header, not
 * complemented, and the device expected to sum the rest. The ringbuf
 * carries the bytes, not the skb's ip_summed (reading that needs
 * bpf_cast_to_kern_ctx(), newer than the 6.1 kernels ovl supports), so the
 * state is told from the bytes themselves:
 *
 *   - the checksum verifies: the frame is left as it is;
 *   - the field equals the folded pseudo-header sum (RFC 793 section 3.1,
 *     RFC 768, RFC 8200 section 8.1): the frame is CHECKSUM_PARTIAL, and
 *     the checksum is finished the way the device would have (RFC 1071),
 *     UDP's 0 sent as 0xffff (RFC 768);
 *   - neither: the frame is left as it is, and the receiver judges it as
 *     it would any other frame of that container (the data path forwards
 *     frames without looking at their checksums, and ovld does not make a
 *     corrupt frame look good).
 *
 * The two cannot be confused: a CHECKSUM_PARTIAL frame whose field happens
 * to verify already carries the right checksum.
 *
 * Left alone as well: frames that are not IPv4/IPv6 with TCP or UDP;
 * fragments (only the first one has the L4 header, and its checksum covers
 * the whole datagram; the kernel finishes checksums before it fragments);
 * UDP with a zero checksum (IPv4: none, RFC 768; IPv6: the zero-checksum
 * tunnels of RFC 6935, or a frame the receiver drops); IPv6 jumbograms;
 * and frames shorter than their headers say (not captured whole).
 * IPv4 options, up to two VLAN tags and the IPv6 extension headers
 * Hop-by-Hop, Routing, Destination Options, Fragment (offset 0, last) and
 * AH are walked; with a Routing header the pseudo-header takes the final
 * destination (RFC 8200 section 8.1).
 */
#ifndef OVL_L4CSUM_H
#define OVL_L4CSUM_H

#include <stddef.h>
#include <linux/types.h>

enum ovl_l4csum {
	OVL_L4CSUM_NONE,     /* no TCP/UDP checksum to look at (see above) */
	OVL_L4CSUM_FRAGMENT, /* an IPv4 or IPv6 fragment: left alone */
	OVL_L4CSUM_SHORT,    /* shorter than its headers say: left alone */
	OVL_L4CSUM_VALID,    /* the checksum verifies: unchanged */
	OVL_L4CSUM_FINISHED, /* it held the pseudo-header sum: finished */
	OVL_L4CSUM_INVALID,  /* neither valid nor partial: unchanged */
};

/**
 * ovl_l4csum_finish() - finish the TCP or UDP checksum of an Ethernet frame
 * that left its sender as CHECKSUM_PARTIAL; leave every other frame as it
 * is (see above).
 * @frame: the frame, Ethernet header first; written only on
 *         OVL_L4CSUM_FINISHED, and then only the two checksum bytes.
 * @len: its length in bytes (what was captured).
 * Return: what it found and did, an enum ovl_l4csum.
 */
enum ovl_l4csum ovl_l4csum_finish(__u8 *frame, size_t len);

/* A short name of an enum ovl_l4csum value, for logs and events. */
const char *ovl_l4csum_name(enum ovl_l4csum r);

#endif /* OVL_L4CSUM_H */
