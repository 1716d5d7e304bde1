/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * frame.h - the frames ovld writes itself: the ARP reply and neighbour
 * advertisement that answer a miss (the seed's varpd injected them the
 * same way), and the VXLAN header of a first frame it delivers.
 */
#ifndef OVL_FRAME_H
#define OVL_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define OVL_ARP_FRAME_LEN 42
#define OVL_NA_FRAME_LEN  86
#define OVL_VXLAN_HLEN	  8

/**
 * ovl_arp_reply() - the reply to the ARP request req (a whole Ethernet
 * frame) on behalf of owner_mac (RFC 826).
 * Return: the length written to out (OVL_ARP_FRAME_LEN), or -EINVAL when
 * req is not an Ethernet/IPv4 ARP request.
 */
int ovl_arp_reply(const __u8 *req, size_t req_len, const __u8 owner_mac[6], __u8 *out,
		  size_t out_len);

/**
 * ovl_na_reply() - the neighbour advertisement answering the solicitation
 * req (a whole Ethernet frame) for target, owned by owner_mac (RFC 4861
 * section 7.2.4: solicited and override, or to all nodes for DAD), with its
 * ICMPv6 checksum.
 * Return: OVL_NA_FRAME_LEN or -EINVAL.
 */
int ovl_na_reply(const __u8 *req, size_t req_len, const __u8 target[16], const __u8 owner_mac[6],
		 bool router, __u8 *out, size_t out_len);

/* The 8-byte VXLAN header for vni (RFC 7348 section 5). */
void ovl_vxlan_hdr(__u8 out[OVL_VXLAN_HLEN], __u32 vni);

/* One's complement sum helpers (RFC 1071). */
__u32 ovl_csum_add(__u32 sum, const void *data, size_t len);
__u16 ovl_csum_fold(__u32 sum);

#endif /* OVL_FRAME_H */
