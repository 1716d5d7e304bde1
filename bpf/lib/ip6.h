/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ip6.h - the IPv6 extension-header chain of a frame at TC (RFC 8200
 * section 4): where the upper-layer header is, and what stands in front of
 * it.
 *
 * Link protection looks at the upper-layer header (is it neighbour
 * discovery? a DHCPv6 server's reply?), and an extension header must not
 * hide it: the chain is walked, at most IP6_EXTHDR_MAX headers, each one
 * checked to lie inside the packet. The bytes are read with
 * bpf_skb_load_bytes() (bpf_xdp_load_bytes() in XDP), so a chain that is
 * not all in the linear part of the skb is walked as well. The decap paths
 * walk the chain of an inner packet too, to pin a flow (rflow.h).
 */
#ifndef OVL_BPF_IP6_H
#define OVL_BPF_IP6_H

/* Next Header values, RFC 8200 section 4 and the IANA registry. */
#define NEXTHDR_HOP	 0  /* Hop-by-Hop Options */
#define NEXTHDR_ROUTING	 43 /* Routing */
#define NEXTHDR_FRAGMENT 44 /* Fragment */
#define NEXTHDR_ESP	 50 /* Encapsulating Security Payload, RFC 4303 */
#define NEXTHDR_AUTH	 51 /* Authentication Header, RFC 4302 */
#define NEXTHDR_NONE	 59 /* No Next Header */
#define NEXTHDR_DEST	 60 /* Destination Options */

/* More is no real packet's chain (RFC 8200 names six kinds, each once at
 * most but Destination Options twice); it only costs the walk. */
#define IP6_EXTHDR_MAX	8

#define IP6_FRAG_OFFSET 0xfff8 /* in the Fragment header's third and fourth bytes */

struct ip6_chain {
	__u32 off;	 /* offset of the upper-layer header from the frame start */
	__u32 end;	 /* end of the IPv6 packet (Ethernet padding excluded) */
	__u8 proto;	 /* its protocol: the last Next Header (ESP and 59 included) */
	__u8 nhdrs;	 /* extension headers in front of it */
	bool frag;	 /* a Fragment header is one of them */
	bool later_frag; /* a fragment other than the first: no upper-layer header here */
};

static __always_inline bool ip6_is_exthdr(__u8 nh)
{
	/* ESP hides what follows and 59 has nothing after it: both end the
	 * chain, as any upper-layer protocol does. */
	return nh == NEXTHDR_HOP || nh == NEXTHDR_ROUTING || nh == NEXTHDR_FRAGMENT ||
	       nh == NEXTHDR_DEST || nh == NEXTHDR_AUTH;
}

/*
 * Walk the chain of the IPv6 packet whose fixed header (ip6, a copy or in
 * the packet) is at offset l3 of ctx, a packet pkt_len bytes long, and fill
 * ch (its offsets are from the start of ctx's packet). xdp says which kind
 * of program ctx is (ctx_load_bytes()). Returns 0 or -OVL_DROP_IP6_EXTHDR:
 * more than IP6_EXTHDR_MAX extension headers, one that runs past the end of
 * the packet, or a Hop-by-Hop header that is not the first (RFC 8200
 * section 4.1 allows it only right after the IPv6 header).
 */
static __always_inline int ip6_chain_walk_at(void *ctx, bool xdp, __u32 l3, __u32 pkt_len,
					     const struct ipv6hdr *ip6, struct ip6_chain *ch)
{
	__u32 off = l3 + sizeof(struct ipv6hdr), plen = bpf_ntohs(ip6->payload_len);
	__u8 nh = ip6->nexthdr;

	ch->end = pkt_len;
	/* payload length 0 is a jumbogram's (RFC 2675) or a big GSO packet's:
	 * the skb's length is the packet's then */
	if (plen && off + plen < ch->end)
		ch->end = off + plen;
	ch->nhdrs = 0;
	ch->frag = false;
	ch->later_frag = false;
	/* unrolled: Linux 6.1 refuses a loop whose back edge is a fall-through */
#pragma unroll
	for (int i = 0; i <= IP6_EXTHDR_MAX; i++) {
		__u8 h[4];
		__u32 len;

		if (!ip6_is_exthdr(nh)) {
			ch->proto = nh;
			ch->off = off;
			return 0;
		}
		if (i == IP6_EXTHDR_MAX || (nh == NEXTHDR_HOP && i > 0))
			return -OVL_DROP_IP6_EXTHDR;
		/* every extension header is at least 8 bytes long */
		if (off + 8 > ch->end || ctx_load_bytes(ctx, xdp, off, h, sizeof(h)))
			return -OVL_DROP_IP6_EXTHDR;
		if (nh == NEXTHDR_FRAGMENT) {
			len = 8;
			ch->frag = true;
			if (((__u32)h[2] << 8 | h[3]) & IP6_FRAG_OFFSET) {
				/* a later fragment: its Next Header names the
				 * fragmented part, whose header is in the first */
				ch->later_frag = true;
				ch->nhdrs++;
				ch->proto = h[0];
				ch->off = off + len;
				return 0;
			}
		} else if (nh == NEXTHDR_AUTH) {
			len = ((__u32)h[1] + 2) * 4; /* RFC 4302 section 2.2: 32-bit words */
		} else {
			len = ((__u32)h[1] + 1) * 8; /* RFC 8200 section 4.3: 8-octet units */
		}
		if (off + len > ch->end)
			return -OVL_DROP_IP6_EXTHDR;
		ch->nhdrs++;
		nh = h[0];
		off += len;
	}
	return -OVL_DROP_IP6_EXTHDR;
}

/* The chain of the IPv6 packet right behind the Ethernet header of skb. */
static __always_inline int ip6_chain_walk(struct __sk_buff *skb, const struct ipv6hdr *ip6,
					  struct ip6_chain *ch)
{
	return ip6_chain_walk_at(skb, false, ETH_HLEN, skb->len, ip6, ch);
}

/*
 * Load len bytes of the upper-layer header into buf. Returns 0, or, when
 * the packet ends before them, -OVL_DROP_TRUNCATED for a packet without
 * extension headers and -OVL_DROP_IP6_EXTHDR for one with: the first
 * fragment must hold the whole chain and the upper-layer header
 * (RFC 7112), and a chain that leaves no room for it is malformed.
 */
static __always_inline int ip6_upper_load(struct __sk_buff *skb, const struct ip6_chain *ch,
					  void *buf, __u32 len)
{
	if (ch->off + len > ch->end || bpf_skb_load_bytes(skb, ch->off, buf, len))
		return ch->nhdrs ? -OVL_DROP_IP6_EXTHDR : -OVL_DROP_TRUNCATED;
	return 0;
}

#endif /* OVL_BPF_IP6_H */
