// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * frame.c - see frame.h.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include "frame.h"

__u32 ovl_csum_add(__u32 sum, const void *data, size_t len)
{
	const __u8 *p = data;

	while (len > 1) {
		sum += (__u32)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (__u32)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

__u16 ovl_csum_fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

int ovl_arp_reply(const __u8 *req, size_t req_len, const __u8 owner_mac[6], __u8 *out,
		  size_t out_len)
{
	/* Ethernet 0..13, ARP: hrd 14, pro 16, hln 18, pln 19, op 20, sha 22,
	 * spa 28, tha 32, tpa 38. */
	if (req_len < OVL_ARP_FRAME_LEN || out_len < OVL_ARP_FRAME_LEN)
		return -EINVAL;
	if (req[12] != 0x08 || req[13] != 0x06 || req[14] != 0 || req[15] != 1 || req[16] != 0x08 ||
	    req[17] != 0 || req[18] != 6 || req[19] != 4 || req[20] != 0 || req[21] != 1)
		return -EINVAL;
	memcpy(out, req + 6, 6);	/* to the requester */
	memcpy(out + 6, owner_mac, 6);	/* from the owner */
	memcpy(out + 12, req + 12, 10); /* ethertype, hrd, pro, hln, pln, op */
	out[21] = 2;			/* ARPOP_REPLY */
	memcpy(out + 22, owner_mac, 6); /* sha */
	memcpy(out + 28, req + 38, 4);	/* spa = the address asked for */
	memcpy(out + 32, req + 22, 6);	/* tha = requester */
	memcpy(out + 38, req + 28, 4);	/* tpa = requester's address */
	return OVL_ARP_FRAME_LEN;
}

int ovl_na_reply(const __u8 *req, size_t req_len, const __u8 target[16], const __u8 owner_mac[6],
		 bool router, __u8 *out, size_t out_len)
{
	static const __u8 all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const __u8 zero[16];
	const __u8 *src;
	__u8 *ip6, *icmp;
	bool dad;
	__u32 sum;
	__u16 c;

	/* Ethernet 14 + IPv6 40 + NS at least 24. */
	if (req_len < 78 || out_len < OVL_NA_FRAME_LEN)
		return -EINVAL;
	if (req[12] != 0x86 || req[13] != 0xdd || req[20] != 58 || req[54] != 135)
		return -EINVAL;
	src = req + 22;
	dad = !memcmp(src, zero, 16);

	memset(out, 0, OVL_NA_FRAME_LEN);
	if (dad) {
		static const __u8 mc[6] = { 0x33, 0x33, 0, 0, 0, 1 };

		memcpy(out, mc, 6);
	} else {
		memcpy(out, req + 6, 6);
	}
	memcpy(out + 6, owner_mac, 6);
	out[12] = 0x86;
	out[13] = 0xdd;
	ip6 = out + 14;
	ip6[0] = 0x60;
	ip6[5] = 32; /* payload length */
	ip6[6] = 58; /* ICMPv6 */
	ip6[7] = 255;
	memcpy(ip6 + 8, target, 16);
	memcpy(ip6 + 24, dad ? all_nodes : src, 16);
	icmp = ip6 + 40;
	icmp[0] = 136; /* neighbour advertisement */
	icmp[4] = (__u8)((router ? 0x80 : 0) | (dad ? 0 : 0x40) | 0x20);
	memcpy(icmp + 8, target, 16);
	icmp[24] = 2; /* target link-layer address */
	icmp[25] = 1;
	memcpy(icmp + 26, owner_mac, 6);

	/* RFC 8200 section 8.1 pseudo header, then the message. */
	sum = ovl_csum_add(0, ip6 + 8, 32);
	sum = ovl_csum_add(sum, (const __u8[]){ 0, 0, 0, 32, 0, 0, 0, 58 }, 8);
	sum = ovl_csum_add(sum, icmp, 32);
	c = ovl_csum_fold(sum);
	icmp[2] = (__u8)(c >> 8);
	icmp[3] = (__u8)c;
	return OVL_NA_FRAME_LEN;
}

void ovl_vxlan_hdr(__u8 out[OVL_VXLAN_HLEN], __u32 vni)
{
	out[0] = 0x08; /* I flag */
	out[1] = out[2] = out[3] = 0;
	out[4] = (__u8)(vni >> 16);
	out[5] = (__u8)(vni >> 8);
	out[6] = (__u8)vni;
	out[7] = 0;
}
