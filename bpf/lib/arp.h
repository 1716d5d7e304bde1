/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * arp.h - validation of ARP requests from an endpoint and the in-place reply
 * (RFC 826), as varpd's proxy ARP did it in userland.
 */
#ifndef OVL_BPF_ARP_H
#define OVL_BPF_ARP_H

/* Validate the fixed part: Ethernet hardware, IPv4 protocol, 6/4 lengths
 * (RFC 826 "Packet format"). Anything else is not an ARP we speak. */
static __always_inline bool arp_valid(const struct arp_eth *arp)
{
	return arp->ar_hrd == bpf_htons(ARPHRD_ETHER) && arp->ar_pro == bpf_htons(ETH_P_IP) &&
	       arp->ar_hln == ETH_ALEN && arp->ar_pln == 4;
}

/*
 * Turn the request in place into the reply that the owner of the target
 * address (mac) would have sent: RFC 826 "swap the sender and target
 * fields, put the local hardware and protocol addresses in the sender
 * fields, set the opcode to reply", addressed to the requester.
 */
static __always_inline void arp_reply_build(struct ethhdr *eth, struct arp_eth *arp,
					    const __u8 *mac)
{
	__u8 tip[4];

	__builtin_memcpy(tip, arp->ar_tip, 4);
	mac_copy(eth->h_dest, eth->h_source);
	mac_copy(eth->h_source, mac);
	arp->ar_op = bpf_htons(ARPOP_REPLY);
	mac_copy(arp->ar_tha, arp->ar_sha);
	__builtin_memcpy(arp->ar_tip, arp->ar_sip, 4);
	mac_copy(arp->ar_sha, mac);
	__builtin_memcpy(arp->ar_sip, tip, 4);
}

#endif /* OVL_BPF_ARP_H */
