/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * icmp.h - the answer to a frame too big for the tunnel: ICMP
 * "fragmentation needed" (RFC 792, RFC 1191) or ICMPv6 "packet too big"
 * (RFC 4443 section 3.2, RFC 8201), written over the frame in place.
 */
#ifndef OVL_BPF_ICMP_H
#define OVL_BPF_ICMP_H

/* Headers of the answer, with two bytes in front to align them on the
 * stack (as the encap frames of encap.h do); the packet gets the bytes from
 * .eth on. */
struct icmp4_frame {
	__u16 align;
	struct ethhdr eth;
	struct iphdr ip;
	__u8 type;
	__u8 code;
	__sum16 cksum;
	__be16 unused;
	__be16 mtu;
};

struct icmp6_frame {
	__u16 align;
	struct ethhdr eth;
	struct ipv6hdr ip6;
	__u8 type;
	__u8 code;
	__sum16 cksum;
	__be32 mtu;
};

#define ICMP_OFF	__builtin_offsetof(struct icmp4_frame, eth)
#define ICMP4_QUOTE_MAX 548  /* 576 - 20 - 8: RFC 1812 section 4.3.2.3 */
#define ICMP6_QUOTE_MAX 1232 /* 1280 - 40 - 8: RFC 4443 section 3.2 */
#define ICMP6_MIN_MTU	1280

_Static_assert(sizeof(struct icmp4_frame) - ICMP_OFF == ETH_HLEN + 28, "icmp4 frame");
_Static_assert(sizeof(struct icmp6_frame) - ICMP_OFF == ETH_HLEN + 48, "icmp6 frame");
_Static_assert(__builtin_offsetof(struct icmp6_frame, eth) == ICMP_OFF, "icmp6 eth");

/* How much of the frame's IP packet the answer quotes: all of it, up to max. */
static __always_inline __u32 icmp_quote_len(const struct __sk_buff *skb, __u32 max)
{
	__u32 quote = skb->len - ETH_HLEN;

	return quote > max ? max : quote;
}

/*
 * Turn the frame into the answer: trim it to the quote (the first quote
 * bytes of its IP packet), make room in front of that for the new IP
 * header (ip_len bytes) and the 8 bytes of ICMP header, write hdrs there
 * and the ICMP checksum over header and quote, seeded with seed (the
 * pseudo-header sum for ICMPv6, 0 for ICMP). Returns 0 or
 * -OVL_DROP_ADJUST.
 */
static __always_inline int icmp_emit(struct __sk_buff *skb, const void *hdrs, __u32 hdrs_len,
				     __u32 ip_len, __u32 quote, __u32 seed)
{
	__sum16 cksum;
	__s64 sum;

	if (bpf_skb_change_tail(skb, ETH_HLEN + quote, 0) ||
	    bpf_skb_adjust_room(skb, ip_len + 8, BPF_ADJ_ROOM_MAC, 0) ||
	    bpf_skb_store_bytes(skb, 0, hdrs, hdrs_len, 0))
		return -OVL_DROP_ADJUST;
	sum = pkt_csum(skb, ETH_HLEN + ip_len, 8 + quote, seed);
	if (sum < 0)
		return -OVL_DROP_ADJUST;
	cksum = csum_fold((__u32)sum);
	if (bpf_skb_store_bytes(skb, ETH_HLEN + ip_len + 2, &cksum, sizeof(cksum), 0))
		return -OVL_DROP_ADJUST;
	return 0;
}

static __always_inline int icmp4_too_big(struct __sk_buff *skb, __u32 mtu)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct cursor c = { .pos = data, .end = data_end };
	struct icmp4_frame f;
	struct ethhdr *eth;
	struct iphdr *ip;
	__u32 quote;

	eth = cur_pull_type(&c, struct ethhdr);
	ip = cur_pull_type(&c, struct iphdr);
	if (!eth || !ip || !(ip->frag_off & bpf_htons(IP_DF)))
		return -OVL_DROP_MTU;
	if (ip->protocol == IPPROTO_ICMP) {
		__u32 hlen = ip->ihl * 4;
		__u8 *type;

		if (hlen < sizeof(*ip))
			return -OVL_DROP_MTU;
		type = data + ETH_HLEN + hlen;

		if ((void *)(type + 1) > data_end || *type == 3 || *type == 4 || *type == 5 ||
		    *type == 11 || *type == 12)
			return -OVL_DROP_MTU;
	}
	__builtin_memset(&f, 0, sizeof(f));
	mac_copy(f.eth.h_dest, eth->h_source);
	mac_copy(f.eth.h_source, eth->h_dest);
	f.eth.h_proto = bpf_htons(ETH_P_IP);
	f.ip.version = 4;
	f.ip.ihl = 5;
	f.ip.ttl = 64;
	f.ip.protocol = IPPROTO_ICMP;
	f.ip.saddr = ip->daddr;
	f.ip.daddr = ip->saddr;
	f.type = 3; /* destination unreachable */
	f.code = 4; /* fragmentation needed and DF set */
	f.mtu = bpf_htons(mtu);

	quote = icmp_quote_len(skb, ICMP4_QUOTE_MAX);
	f.ip.tot_len = bpf_htons(sizeof(f.ip) + 8 + quote);
	f.ip.check = ip4_hdr_csum(&f.ip);
	return icmp_emit(skb, (void *)&f + ICMP_OFF, sizeof(f) - ICMP_OFF, sizeof(f.ip), quote, 0);
}

static __always_inline int icmp6_too_big(struct __sk_buff *skb, __u32 mtu)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct cursor c = { .pos = data, .end = data_end };
	struct icmp6_frame f;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;
	__u32 quote;

	eth = cur_pull_type(&c, struct ethhdr);
	ip6 = cur_pull_type(&c, struct ipv6hdr);
	if (!eth || !ip6)
		return -OVL_DROP_MTU;
	if (ip6->nexthdr == IPPROTO_ICMPV6) {
		__u8 *type = c.pos;

		if ((void *)(type + 1) > data_end || *type < 128) /* an error */
			return -OVL_DROP_MTU;
	}
	__builtin_memset(&f, 0, sizeof(f));
	mac_copy(f.eth.h_dest, eth->h_source);
	mac_copy(f.eth.h_source, eth->h_dest);
	f.eth.h_proto = bpf_htons(ETH_P_IPV6);
	f.ip6.version = 6;
	f.ip6.nexthdr = IPPROTO_ICMPV6;
	f.ip6.hop_limit = 64;
	f.ip6.saddr = ip6->daddr;
	f.ip6.daddr = ip6->saddr;
	f.type = 2; /* packet too big */
	f.mtu = bpf_htonl(mtu < ICMP6_MIN_MTU ? ICMP6_MIN_MTU : mtu);

	quote = icmp_quote_len(skb, ICMP6_QUOTE_MAX);
	f.ip6.payload_len = bpf_htons(8 + quote);
	return icmp_emit(
		skb, (void *)&f + ICMP_OFF, sizeof(f) - ICMP_OFF, sizeof(f.ip6), quote,
		csum_fold32(ip6_pseudo_sum(&f.ip6.saddr, &f.ip6.daddr, 8 + quote, IPPROTO_ICMPV6)));
}

/*
 * The frame cannot be encapsulated within the underlay's MTU: answer the
 * sender the way a router on the path would, with the largest inner packet
 * that fits (mtu, RFC 1191 / RFC 8201), so that path MTU discovery works.
 * The answer comes from the destination's address (the overlay has no
 * router address) and is written over the frame, for the caller to send
 * straight back into the container. Nothing answers a packet without DF or
 * an ICMP error (RFC 1122 section 3.2.2). Returns 0 or -OVL_DROP_*.
 */
static __always_inline int icmp_too_big(struct __sk_buff *skb, __u32 mtu)
{
	if (skb->protocol == bpf_htons(ETH_P_IP))
		return icmp4_too_big(skb, mtu);
	if (skb->protocol == bpf_htons(ETH_P_IPV6))
		return icmp6_too_big(skb, mtu);
	return -OVL_DROP_MTU;
}

#endif /* OVL_BPF_ICMP_H */
