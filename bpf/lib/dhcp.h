/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * dhcp.h - recognising DHCPv4 (RFC 2131) in a frame from an endpoint: a
 * client's broadcast for the dhcp-proxy, a server's reply for link
 * protection, and the client a broadcast reply is meant for.
 */
#ifndef OVL_BPF_DHCP_H
#define OVL_BPF_DHCP_H

/* The fixed part of a BOOTP/DHCP message up to the client's hardware
 * address (RFC 2131 section 2): 34 bytes. Packed: aligned, the struct would
 * be 36, and pulling it would ask for two bytes past chaddr. */
struct bootp_head {
	__u8 op;
	__u8 htype;
	__u8 hlen;
	__u8 hops;
	__be32 xid;
	__be16 secs;
	__be16 flags;
	__be32 ciaddr, yiaddr, siaddr, giaddr;
	__u8 chaddr[6];
} __attribute__((packed));
_Static_assert(sizeof(struct bootp_head) == 34, "bootp_head: up to chaddr");

/* What the UDP ports of an IPv4 packet say about DHCP. */
struct dhcp4_kind {
	bool client;	/* a client's message, 68 -> 67, whole (no fragment) */
	bool to_client; /* anything to port 68 */
	bool server;	/* a server's message, 67 -> 68, whole */
};

/*
 * Classify the IPv4 packet ip by its UDP header, which is behind the
 * options, if any (ihl is 4 bits: at most 40 bytes of them), in the first
 * fragment. c is left behind the UDP header, where the DHCP message
 * starts.
 */
static __always_inline void dhcp4_classify(struct cursor *c, const struct iphdr *ip,
					   struct dhcp4_kind *k)
{
	struct udphdr *udp;
	bool whole;

	if (ip->protocol != IPPROTO_UDP || ip->ihl < 5 || (ip->frag_off & bpf_htons(IP_OFFSET)))
		return;
	c->pos = (void *)ip + ip->ihl * 4;
	udp = cur_pull_type(c, struct udphdr);
	whole = !(ip->frag_off & bpf_htons(IP_MF));
	k->client = udp && whole && udp->source == bpf_htons(DHCP_CLIENT_PORT) &&
		    udp->dest == bpf_htons(DHCP_SERVER_PORT);
	k->to_client = udp && udp->dest == bpf_htons(DHCP_CLIENT_PORT);
	k->server = k->to_client && whole && udp->source == bpf_htons(DHCP_SERVER_PORT);
}

/* The hardware address of the client a server's reply at c is for, or
 * NULL when the reply does not name a unicast Ethernet one. */
static __always_inline const __u8 *dhcp4_reply_chaddr(struct cursor *c)
{
	struct bootp_head *bp = cur_pull_type(c, struct bootp_head);

	if (bp && bp->op == 2 && bp->htype == ARPHRD_ETHER && bp->hlen == ETH_ALEN &&
	    !mac_is_multicast(bp->chaddr) && !mac_is_zero(bp->chaddr))
		return bp->chaddr;
	return NULL;
}

#endif /* OVL_BPF_DHCP_H */
