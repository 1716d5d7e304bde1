/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ndp.h - neighbour solicitation validation and the neighbour advertisement
 * built in answer (RFC 4861), the IPv6 half of varpd's proxy.
 */
#ifndef OVL_BPF_NDP_H
#define OVL_BPF_NDP_H

#define NA_FLAG_ROUTER	  bpf_htonl(0x80000000) /* RFC 4861 section 4.4 */
#define NA_FLAG_SOLICITED bpf_htonl(0x40000000)
#define NA_FLAG_OVERRIDE  bpf_htonl(0x20000000)

#define NDP_MAX_OPTS	  8 /* options walked in an NS/NA; more is not a real one */

/* The ICMPv6 part of our NA: header, target, target link-layer address
 * option. 32 bytes, 4-byte aligned so that it can be summed in words. */
struct na_icmp {
	__u8 type;
	__u8 code;
	__sum16 cksum;
	__be32 flags;
	struct in6_addr target;
	__u8 opt_type;
	__u8 opt_len;
	__u8 opt_mac[6];
};
_Static_assert(sizeof(struct na_icmp) == 32, "na_icmp layout");

#define NA_FRAME_LEN (ETH_HLEN + 40 + 32)

/* What an NS told us. */
struct ns_info {
	struct in6_addr src;	/* IPv6 source, :: for DAD */
	struct in6_addr target; /* the address asked for */
	bool has_slla;		/* a source link-layer address option was present */
	__u8 slla[6];		/* and what it said */
};

/* ff02::1:ffXX:XXXX for target (RFC 4291 section 2.7.1). */
static __always_inline bool in6_is_solicited_node(const struct in6_addr *dst,
						  const struct in6_addr *target)
{
	const __u32 *d = (const __u32 *)dst->in6_u.u6_addr32;

	return d[0] == bpf_htonl(0xff020000) && d[1] == 0 && d[2] == bpf_htonl(1) &&
	       dst->in6_u.u6_addr8[12] == 0xff &&
	       (d[3] & bpf_htonl(0x00ffffff)) ==
		       (target->in6_u.u6_addr32[3] & bpf_htonl(0x00ffffff));
}

/* Link-local scope multicast, ff02::/16. */
static __always_inline bool in6_is_ll_multicast(const struct in6_addr *dst)
{
	return dst->in6_u.u6_addr8[0] == 0xff && (dst->in6_u.u6_addr8[1] & 0x0f) == 0x02;
}

/*
 * Walk the options of the NS or NA nd, whose message is plen bytes long
 * (the IPv6 payload length: it is sent bare), from c->pos to its end: the
 * message lies in the packet, is no longer than 1500 bytes, and each option
 * has a non-zero length (RFC 4861 section 7.1.1/7.1.2). Returns 1 with
 * *mac set when a link-layer address option of lla_type is there, 0 when
 * not (or past NDP_MAX_OPTS options), -OVL_DROP_NDP_BAD when the message
 * or its options are malformed.
 */
static __always_inline int nd_opts_lla(struct cursor *c, const struct nd_msg_hdr *nd, __u32 plen,
				       __u8 lla_type, __u8 *mac)
{
	void *opts_end;
	int found = 0;

	if (plen > 1500)
		return -OVL_DROP_NDP_BAD;
	opts_end = (void *)nd + plen;
	if (opts_end > c->end)
		return -OVL_DROP_NDP_BAD;

#pragma unroll
	for (int i = 0; i < NDP_MAX_OPTS; i++) {
		__u8 *opt;
		__u32 olen;

		if (c->pos >= opts_end)
			break;
		opt = cur_pull(c, 2);
		if (!opt || (void *)opt + 2 > opts_end)
			return -OVL_DROP_NDP_BAD;
		olen = (__u32)opt[1] * 8;
		if (olen == 0)
			return -OVL_DROP_NDP_BAD;
		if ((void *)opt + olen > opts_end)
			return -OVL_DROP_NDP_BAD;
		if (opt[0] == lla_type && olen == 8 && !found) {
			struct nd_opt_lla *lla = (void *)opt;

			if ((void *)(lla + 1) > c->end)
				return -OVL_DROP_NDP_BAD;
			mac_copy(mac, lla->mac);
			found = 1;
		}
		c->pos = (void *)opt + olen;
	}
	return found;
}

/*
 * Validate a neighbour solicitation whose ICMPv6 header starts at c->pos
 * (RFC 4861 section 7.1.1) and fill ni. Returns 0 or -OVL_DROP_NDP_BAD.
 */
static __always_inline int ns_parse(struct cursor *c, const struct ipv6hdr *ip6, struct ns_info *ni)
{
	struct nd_msg_hdr *nd;
	__u32 plen;
	int ret;

	/* Hop limit 255: the NS was not forwarded by a router. */
	if (ip6->hop_limit != 255)
		return -OVL_DROP_NDP_BAD;
	plen = ntohs_len(ip6->payload_len);
	if (plen < sizeof(struct nd_msg_hdr))
		return -OVL_DROP_NDP_BAD;
	nd = cur_pull_type(c, struct nd_msg_hdr);
	if (!nd || nd->code != 0)
		return -OVL_DROP_NDP_BAD;
	__builtin_memcpy(&ni->target, &nd->target, 16);
	__builtin_memcpy(&ni->src, &ip6->saddr, 16);
	/* The target is never multicast, loopback, v4-mapped or unspecified. */
	if (in6_bad_target(&ni->target))
		return -OVL_DROP_NDP_BAD;

	/* Options: we need to know whether a source link-layer address
	 * option is there, and what it says (link protection). */
	ret = nd_opts_lla(c, nd, plen, ND_OPT_SOURCE_LL_ADDR, ni->slla);
	if (ret < 0)
		return ret;
	ni->has_slla = ret;

	if (in6_is_zero(&ni->src)) {
		/* DAD: to the target's solicited-node group, and no SLLA. */
		if (!in6_is_solicited_node(&ip6->daddr, &ni->target) || ni->has_slla)
			return -OVL_DROP_NDP_BAD;
	} else if (ip6->daddr.in6_u.u6_addr8[0] == 0xff) {
		/* Multicast NS: link-local scope only, and it must tell us who
		 * asks (varpd insists on the option as well). */
		if (!in6_is_ll_multicast(&ip6->daddr) || !ni->has_slla)
			return -OVL_DROP_NDP_BAD;
	}
	return 0;
}

/* Fill the ICMPv6 part of the advertisement for target, owned by mac, to
 * dst, with its checksum (RFC 4443 section 2.3 over the RFC 8200 pseudo
 * header). */
static __always_inline void na_icmp_build(struct na_icmp *na, const struct ns_info *ni,
					  const struct in6_addr *dst, const __u8 *mac, __be32 flags)
{
	const __u32 *w = (const __u32 *)na;
	__u64 sum;

	__builtin_memset(na, 0, sizeof(*na));
	na->type = NDISC_NEIGHBOUR_ADVERTISEMENT;
	na->flags = flags;
	__builtin_memcpy(&na->target, &ni->target, 16);
	na->opt_type = ND_OPT_TARGET_LL_ADDR;
	na->opt_len = 1;
	mac_copy(na->opt_mac, mac);

	sum = ip6_pseudo_sum(&ni->target, dst, sizeof(*na), IPPROTO_ICMPV6);
#pragma unroll
	for (int i = 0; i < (int)(sizeof(*na) / 4); i++)
		sum += w[i];
	na->cksum = csum_fold(sum);
}

/*
 * Turn the frame into the advertisement that answers the solicitation ni
 * for n's address (RFC 4861 section 7.2.4): to the asker (req_mac, ni's
 * source), solicited, or, for DAD, to all nodes; with the override flag,
 * and the router flag for a router's address. Returns 0 or
 * -OVL_DROP_ADJUST.
 */
static __always_inline int na_reply_write(struct __sk_buff *skb, const struct ns_info *ni,
					  const struct ovl_neigh *n, const __u8 *req_mac)
{
	struct in6_addr dst = ni->src;
	__u8 eth_dst[6];
	__be32 flags = NA_FLAG_OVERRIDE;
	struct na_icmp na;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;
	void *data, *data_end;

	if (n->flags & OVL_NEIGH_F_ROUTER)
		flags |= NA_FLAG_ROUTER;
	if (in6_is_zero(&ni->src)) {
		/* DAD: tell all nodes, not solicited (RFC 4861 section 7.2.4). */
		__builtin_memset(&dst, 0, sizeof(dst));
		dst.in6_u.u6_addr8[0] = 0xff;
		dst.in6_u.u6_addr8[1] = 0x02;
		dst.in6_u.u6_addr8[15] = 0x01;
		eth_dst[0] = 0x33;
		eth_dst[1] = 0x33;
		eth_dst[2] = 0;
		eth_dst[3] = 0;
		eth_dst[4] = 0;
		eth_dst[5] = 1;
	} else {
		flags |= NA_FLAG_SOLICITED;
		mac_copy(eth_dst, req_mac);
	}
	na_icmp_build(&na, ni, &dst, n->mac, flags);

	if (skb->len != NA_FRAME_LEN && bpf_skb_change_tail(skb, NA_FRAME_LEN, 0))
		return -OVL_DROP_ADJUST;
	/* verifier: pointers invalidated by bpf_skb_change_tail() */
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	if (data + NA_FRAME_LEN > data_end)
		return -OVL_DROP_ADJUST;
	eth = data;
	ip6 = data + ETH_HLEN;
	mac_copy(eth->h_dest, eth_dst);
	mac_copy(eth->h_source, n->mac);
	eth->h_proto = bpf_htons(ETH_P_IPV6);
	*(__be32 *)ip6 = bpf_htonl(0x60000000);
	ip6->payload_len = bpf_htons(sizeof(na));
	ip6->nexthdr = IPPROTO_ICMPV6;
	ip6->hop_limit = 255;
	__builtin_memcpy(&ip6->saddr, &ni->target, 16);
	__builtin_memcpy(&ip6->daddr, &dst, 16);
	__builtin_memcpy(data + ETH_HLEN + sizeof(*ip6), &na, sizeof(na));
	return 0;
}

/*
 * Link protection for the neighbour discovery an endpoint sends itself: an
 * advertisement may only be for an address of its own and name its own MAC
 * (or the neighbour caches of others could be poisoned, as a forged ARP
 * reply would), and only the overlay's router (router: OVL_IF_F_ROUTER, the
 * router zone's endpoint) may send router advertisements and redirects
 * (RFC 4861 sections 6.2 and 8.2): from any other endpoint they would make
 * it the gateway of the network. c->pos is at the ICMPv6 header.
 */
static __always_inline int nd_protect(struct cursor *c, const struct ipv6hdr *ip6, __u32 vni,
				      const __u8 *own_mac, bool check_ip, bool router)
{
	struct nd_msg_hdr *nd;
	__u8 tlla[6];
	__u32 plen;
	int ret;

	/* The type first: an RA without options is 16 bytes, shorter than
	 * the NA header below, and just as able to make a host take its
	 * sender for the default router (RFC 4861 section 4.2). */
	nd = c->pos;
	if ((void *)nd + 4 > c->end)
		return 0;			/* no ICMPv6 header to judge */
	if (nd->type == 134 || nd->type == 137) /* router advertisement, redirect */
		return router ? 0 : -OVL_DROP_SPOOF_ND;
	if (nd->type != NDISC_NEIGHBOUR_ADVERTISEMENT)
		return 0;
	nd = cur_pull_type(c, struct nd_msg_hdr);
	if (!nd)
		return 0; /* shorter than an NA: invalid, receivers drop it (RFC 4861 7.1.2) */
	if (check_ip && !neigh_owned_by(vni, OVL_AF_INET6, &nd->target, own_mac))
		return -OVL_DROP_SPOOF_ND;
	plen = ntohs_len(ip6->payload_len);
	if (plen < sizeof(*nd))
		return -OVL_DROP_NDP_BAD;
	ret = nd_opts_lla(c, nd, plen, ND_OPT_TARGET_LL_ADDR, tlla);
	if (ret < 0)
		return ret;
	if (ret && !mac_eq(tlla, own_mac))
		return -OVL_DROP_SPOOF_ND;
	return 0;
}

#endif /* OVL_BPF_NDP_H */
