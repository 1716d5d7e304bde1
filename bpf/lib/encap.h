/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * encap.h - VXLAN encapsulation at TC (RFC 7348): the outer headers, the
 * UDP source port that spreads inner flows over the underlay's paths, the
 * route toward the remote VTEP and the checks of the result against its
 * MTU. ovl_tc.bpf.c decides where a frame goes; this is how it gets there.
 */
#ifndef OVL_BPF_ENCAP_H
#define OVL_BPF_ENCAP_H

/*
 * The headers written in front of the inner frame: outer Ethernet, IP, UDP,
 * VXLAN and the copy of the inner Ethernet header that
 * bpf_skb_adjust_room() makes room for. Two bytes of padding in front keep
 * every header naturally aligned on the stack (as NET_IP_ALIGN does); the
 * packet gets the bytes from .eth on.
 */
struct encap4_frame {
	__u16 align;
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;
	struct vxlan_hdr vx;
	struct ethhdr inner;
};

struct encap6_frame {
	__u16 align;
	struct ethhdr eth;
	struct ipv6hdr ip6;
	struct udphdr udp;
	struct vxlan_hdr vx;
	struct ethhdr inner;
};

#define ENCAP_OFF __builtin_offsetof(struct encap4_frame, eth)
_Static_assert(__builtin_offsetof(struct encap4_frame, inner) - ENCAP_OFF == OVL_ENCAP4_LEN,
	       "encap4");
_Static_assert(__builtin_offsetof(struct encap6_frame, inner) - ENCAP_OFF == OVL_ENCAP6_LEN,
	       "encap6");
_Static_assert(__builtin_offsetof(struct encap6_frame, eth) == ENCAP_OFF, "encap6 eth");

static __always_inline __u32 flow_mix(__u32 h, __u32 v)
{
	h ^= v;
	h *= 0x9e3779b1; /* the golden ratio: spreads every input bit */
	return h ^ (h >> 15);
}

/*
 * The outer UDP source port: entropy for ECMP and RSS on the underlay, the
 * same for every packet of an inner flow (RFC 7348 section 5). The
 * kernel's flow hash when the packet has one (every TCP segment a local
 * socket sends); otherwise a hash of the inner addresses, protocol and
 * ports made here. bpf_get_hash_recalc() would run the kernel's flow
 * dissector on every such packet instead, several times the cost of the
 * rest of this function (ovl-floor's flow_hash in make bench).
 */
static __always_inline __be16 flow_sport(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct cursor c = { .pos = data, .end = data_end };
	__u32 h = skb->hash, *ports = NULL;
	struct ethhdr *eth;
	__u8 proto = 0;

	if (h)
		goto out;
	eth = cur_pull_type(&c, struct ethhdr);
	if (!eth)
		goto out;
	h = flow_mix(0, eth->h_proto);
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = cur_pull_type(&c, struct iphdr);

		if (!ip)
			goto out;
		h = flow_mix(flow_mix(h, ip->saddr), ip->daddr);
		proto = ip->protocol;
		if (ip->ihl == 5 && !(ip->frag_off & bpf_htons(IP_MF | IP_OFFSET)))
			ports = cur_pull(&c, sizeof(*ports));
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = cur_pull_type(&c, struct ipv6hdr);

		if (!ip6)
			goto out;
		for (int i = 0; i < 4; i++)
			h = flow_mix(flow_mix(h, ip6->saddr.in6_u.u6_addr32[i]),
				     ip6->daddr.in6_u.u6_addr32[i]);
		proto = ip6->nexthdr;
		ports = cur_pull(&c, sizeof(*ports));
	} else {
		/* ARP and the like: the two MACs */
		h = flow_mix(flow_mix(h, *(__u32 *)eth->h_source), *(__u32 *)eth->h_dest);
	}
	if (ports && (proto == IPPROTO_TCP || proto == IPPROTO_UDP))
		h = flow_mix(h, *ports);
	h = flow_mix(h, proto);
out:
	h ^= h >> 16;
	return bpf_htons(OVL_SPORT_MIN | (h & OVL_SPORT_MASK));
}

/* The inputs of a FIB lookup toward d from the endpoint's veth. */
static __always_inline void fib_params(struct bpf_fib_lookup *fib, struct __sk_buff *skb,
				       const struct ovl_cfg *cfg, const struct ovl_dest *d,
				       __u32 outer_ip_len)
{
	fib->ifindex = skb->ifindex;
	fib->l4_protocol = IPPROTO_UDP;
	fib->dport = d->port;
	fib->tot_len = outer_ip_len; /* 0: no MTU check by length */
	if (d->family == OVL_AF_INET4) {
		fib->family = AF_INET;
		fib->ipv4_src = cfg->local4;
		__builtin_memcpy(&fib->ipv4_dst, d->addr, 4);
	} else {
		fib->family = AF_INET6;
		__builtin_memcpy(fib->ipv6_src, cfg->local6, 16);
		__builtin_memcpy(fib->ipv6_dst, d->addr, 16);
	}
}

/*
 * Keep the answer of a lookup that succeeded in ovl_nexthops, with the
 * route's MTU, which a successful lookup does not report on every kernel: a
 * second lookup asks with the longest length there is, and a route whose
 * MTU is shorter answers BPF_FIB_LKUP_RET_FRAG_NEEDED with it (before any
 * neighbour lookup). Once per VTEP, veth and nh_gen. fib keeps the first
 * answer, with the route's MTU in mtu_result (the hits' too, so that a GSO
 * packet is checked alike on the first and the later frames); on a failure
 * nothing is kept.
 */
static __always_inline void nh_remember(struct __sk_buff *skb, const struct ovl_cfg *cfg,
					const struct ovl_dest *d, struct bpf_fib_lookup *fib,
					const struct ovl_nh_key *k, __u32 gen)
{
	struct ovl_nexthop v = { .gen = gen, .ifindex = fib->ifindex };
	__u32 first_mtu = fib->mtu_result;
	int rc;

	mac_copy(v.smac, fib->smac);
	mac_copy(v.dmac, fib->dmac);
	fib_params(fib, skb, cfg, d, 0xffff);
	rc = bpf_fib_lookup(skb, fib, sizeof(*fib), 0);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		v.mtu = fib->mtu_result;
	else if (rc == BPF_FIB_LKUP_RET_SUCCESS)
		v.mtu = 0xffff;
	fib->ifindex = v.ifindex;
	mac_copy(fib->smac, v.smac);
	mac_copy(fib->dmac, v.dmac);
	fib->mtu_result = first_mtu;
	if (!v.mtu)
		return;
	fib->mtu_result = v.mtu;
	if (!bpf_map_update_elem(&ovl_nexthops, k, &v, BPF_ANY) && ovl_test_mode)
		ovl_test_nh_fills++;
}

/*
 * The route toward the VTEP, as if the frame were routed from the
 * endpoint's veth (ingress mode: the kernel requires forwarding to be
 * enabled on the device the lookup starts from, and ovld enables it on the
 * endpoint veths only, never on the underlay): from ovl_nexthops when it
 * has a current answer, else from bpf_fib_lookup(), whose successful answer
 * is then kept there (nh_remember()). On success the egress ifindex and the
 * outer Ethernet addresses are in fib. outer_ip_len is the outer packet
 * from its IP header on, which is compared with the route's MTU; 0 leaves
 * the check to the caller (what a GSO packet needs), with the MTU in
 * fib->mtu_result. Returns 0, 1 (the next hop has no neighbour entry yet:
 * bpf_redirect_neigh() must resolve it) or -OVL_DROP_*.
 */
static __always_inline int encap_route(struct __sk_buff *skb, const struct ovl_cfg *cfg,
				       const struct ovl_dest *d, struct bpf_fib_lookup *fib,
				       __u32 outer_ip_len)
{
	__u32 gen = cfg->nh_gen;
	struct ovl_nh_key k;
	int rc;

	fib_params(fib, skb, cfg, d, outer_ip_len);
	if (gen) {
		const struct ovl_nexthop *nh;

		k.ifindex = skb->ifindex;
		k.port = d->port;
		k.family = d->family;
		k.pad = 0;
		__builtin_memcpy(k.addr, d->addr, 16);
		nh = bpf_map_lookup_elem(&ovl_nexthops, &k);
		if (nh && nh->gen == gen) {
			fib->ifindex = nh->ifindex;
			mac_copy(fib->smac, nh->smac);
			mac_copy(fib->dmac, nh->dmac);
			fib->mtu_result = nh->mtu;
			return outer_ip_len > nh->mtu ? -OVL_DROP_MTU : 0;
		}
	}
	rc = bpf_fib_lookup(skb, fib, sizeof(*fib), 0);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
		if (gen)
			nh_remember(skb, cfg, d, fib, &k, gen);
		return 0;
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return 1;
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return -OVL_DROP_MTU;
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED)
		return -OVL_DROP_FWD_DISABLED;
	return -OVL_DROP_FIB;
}

/*
 * Length of a GSO packet's segments from the IP header on (headers plus
 * gso_size), or 0 when it cannot tell.
 */
static __always_inline __u32 gso_seg_len(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct cursor c = { .pos = data + ETH_HLEN, .end = data_end };
	__u32 l3, l4 = 0;
	__u8 proto;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = cur_pull_type(&c, struct iphdr);

		if (!ip)
			return 0;
		l3 = ip->ihl * 4;
		proto = ip->protocol;
		c.pos = data + ETH_HLEN + l3;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = cur_pull_type(&c, struct ipv6hdr);

		if (!ip6)
			return 0;
		l3 = sizeof(*ip6);
		proto = ip6->nexthdr;
	} else {
		return 0;
	}
	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = cur_pull_type(&c, struct tcphdr);

		if (!th)
			return 0;
		l4 = th->doff * 4;
	} else if (proto == IPPROTO_UDP) {
		l4 = sizeof(struct udphdr);
	} else {
		return 0;
	}
	return l3 + l4 + skb->gso_size;
}

/*
 * IPv6 UDP checksum over the packet from the outer UDP header to the end
 * (RFC 8200 section 8.1: mandatory, a Linux vxlan peer drops zero), summed
 * by pkt_csum(). Returns the checksum to write, or 0 when the packet cannot
 * be summed here (longer than the scratch buffer holds, say).
 *
 * An inner checksum still pending (CHECKSUM_PARTIAL) is filled in after
 * us, by the NIC or the stack, and changes bytes the outer checksum
 * covers. Its field holds the sum of the inner pseudo-header then, and
 * once filled in the inner segment sums to the complement of that value:
 * so sum the bytes up to the inner segment only and add that complement
 * (the kernel's local checksum offload, lco_csum()).
 */
static __always_inline __u16 encap6_udp_csum(struct __sk_buff *skb, const struct in6_addr *src,
					     const struct in6_addr *dst, __u32 udp_off,
					     __u32 udp_len)
{
	__u32 sum_len = udp_len, pending;
	__u16 field = 0;
	__u64 rest = 0;
	__s64 sum;

	pending = csum_pending(skb, &field);
	if (pending > udp_off && pending < udp_off + udp_len) {
		sum_len = pending - udp_off;
		rest = (__u16)~field;
	}
	if (sum_len < 16)
		return 0;
	sum = pkt_csum(skb, udp_off, sum_len,
		       csum_fold32(ip6_pseudo_sum(src, dst, udp_len, IPPROTO_UDP) + rest));
	if (sum < 0)
		return 0;
	return csum_fold((__u32)sum) ?: 0xffff; /* RFC 768: 0 is sent as all ones */
}

static __always_inline void vxlan_fill(struct udphdr *udp, struct vxlan_hdr *vx, __be16 sport,
				       __be16 dport, __u32 udp_len, __u32 vni)
{
	udp->source = sport;
	udp->dest = dport;
	udp->len = bpf_htons(udp_len);
	udp->check = 0; /* IPv4: zero is allowed (RFC 7348 section 5); IPv6: filled later */
	vx->flags = bpf_htonl(VXLAN_HF_VNI);
	vx->vni = bpf_htonl(vni << 8);
}

/*
 * Make room for the outer headers in front of the frame (room bytes) and
 * keep a copy of its Ethernet header in *inner. IP frames grow with
 * bpf_skb_adjust_room() and the ENCAP flags, so that GSO/TSO and checksum
 * offload of the inner packet survive; the room goes in behind the
 * Ethernet header, so the copy must be written again in front of the inner
 * packet. ARP, which that helper refuses, is pushed in front with
 * bpf_skb_change_head(). Returns 0 or -OVL_DROP_*.
 */
static __always_inline int encap_grow(struct __sk_buff *skb, bool v4, bool is_ip, __u32 room,
				      struct ethhdr *inner)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (data + sizeof(*inner) > data_end)
		return -OVL_DROP_TRUNCATED;
	__builtin_memcpy(inner, data, sizeof(*inner));

	if (is_ip) {
		__u64 flags = BPF_F_ADJ_ROOM_FIXED_GSO | BPF_F_ADJ_ROOM_ENCAP_L4_UDP |
			      BPF_F_ADJ_ROOM_ENCAP_L2_ETH | BPF_F_ADJ_ROOM_ENCAP_L2(ETH_HLEN) |
			      (v4 ? BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 : BPF_F_ADJ_ROOM_ENCAP_L3_IPV6);

		if (bpf_skb_adjust_room(skb, room, BPF_ADJ_ROOM_MAC, flags))
			return -OVL_DROP_ADJUST;
	} else if (bpf_skb_change_head(skb, room, 0)) {
		return -OVL_DROP_ADJUST;
	}
	return 0;
}

/*
 * The first n bytes of hdr (n + ETH_HLEN with inner: the inner Ethernet
 * header again) to the front of the packet. Straight into it when its head
 * holds them, as it does after encap_grow() (bpf_skb_adjust_room() and
 * bpf_skb_change_head() leave the head private and the new bytes in it):
 * bpf_skb_store_bytes() costs a helper call, a writability check and a
 * second copy, about 80 ns a packet in single runs of tests/bpf's
 * bpf_perf. Returns 0 or -OVL_DROP_ADJUST.
 */
static __always_inline int encap_store(struct __sk_buff *skb, const void *hdr, __u32 n, bool inner)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (n == OVL_ENCAP4_LEN && data + OVL_ENCAP4_LEN + ETH_HLEN <= data_end) {
		__builtin_memcpy(data, hdr, OVL_ENCAP4_LEN);
		if (inner)
			__builtin_memcpy(data + OVL_ENCAP4_LEN, hdr + OVL_ENCAP4_LEN, ETH_HLEN);
		return 0;
	}
	if (n == OVL_ENCAP6_LEN && data + OVL_ENCAP6_LEN + ETH_HLEN <= data_end) {
		__builtin_memcpy(data, hdr, OVL_ENCAP6_LEN);
		if (inner)
			__builtin_memcpy(data + OVL_ENCAP6_LEN, hdr + OVL_ENCAP6_LEN, ETH_HLEN);
		return 0;
	}
	if (bpf_skb_store_bytes(skb, 0, hdr, inner ? n + ETH_HLEN : n, 0))
		return -OVL_DROP_ADJUST;
	return 0;
}

/*
 * Write the outer headers into the room encap_grow() made: Ethernet from
 * the FIB lookup's addresses, IPv4 from cfg's address to d's, UDP from
 * sport and VXLAN with vni, then the inner Ethernet header again (IP
 * frames; an ARP frame still has its own). udp_len covers the UDP header
 * and everything behind it. Returns 0 or -OVL_DROP_ADJUST.
 */
static __always_inline int encap4_write(struct __sk_buff *skb, const struct ovl_cfg *cfg,
					const struct ovl_dest *d, const struct bpf_fib_lookup *fib,
					const struct ethhdr *inner, __be16 sport, __u32 udp_len,
					__u32 vni, bool is_ip)
{
	struct encap4_frame f;
	struct iphdr ip = {
		.version = 4,
		.ihl = 5,
		.tot_len = bpf_htons(udp_len + sizeof(struct iphdr)),
		/* DF: path MTU discovery instead of fragments */
		.frag_off = bpf_htons(IP_DF),
		.ttl = 64,
		.protocol = IPPROTO_UDP,
		.saddr = cfg->local4,
	};

	__builtin_memcpy(&ip.daddr, d->addr, 4);
	ip.check = ip4_hdr_csum(&ip);
	mac_copy(f.eth.h_dest, fib->dmac);
	mac_copy(f.eth.h_source, fib->smac);
	f.eth.h_proto = bpf_htons(ETH_P_IP);
	f.ip = ip;
	vxlan_fill(&f.udp, &f.vx, sport, d->port, udp_len, vni);
	f.inner = *inner;
	return encap_store(skb, (void *)&f + ENCAP_OFF, OVL_ENCAP4_LEN, is_ip);
}

/*
 * The same over IPv6, and the outer UDP checksum, which IPv6 requires. A
 * GSO packet is summed per segment by nobody: the kernel has no way to be
 * told from BPF, so those go out with zero (RFC 6935 allows it for
 * tunnels; ovl accepts it) and are counted, as is a packet
 * encap6_udp_csum() cannot sum.
 */
static __always_inline int encap6_write(struct __sk_buff *skb, const struct ovl_cfg *cfg,
					const struct ovl_dest *d, const struct bpf_fib_lookup *fib,
					const struct ethhdr *inner, __be16 sport, __u32 udp_len,
					__u32 vni, bool is_ip, bool gso)
{
	struct encap6_frame f;
	struct in6_addr src, dst;
	__u16 csum = 0;

	__builtin_memcpy(&src, cfg->local6, 16);
	__builtin_memcpy(&dst, d->addr, 16);
	mac_copy(f.eth.h_dest, fib->dmac);
	mac_copy(f.eth.h_source, fib->smac);
	f.eth.h_proto = bpf_htons(ETH_P_IPV6);
	__builtin_memset(&f.ip6, 0, sizeof(f.ip6));
	f.ip6.version = 6;
	f.ip6.payload_len = bpf_htons(udp_len);
	f.ip6.nexthdr = IPPROTO_UDP;
	f.ip6.hop_limit = 64;
	f.ip6.saddr = src;
	f.ip6.daddr = dst;
	vxlan_fill(&f.udp, &f.vx, sport, d->port, udp_len, vni);
	f.inner = *inner;
	if (encap_store(skb, (void *)&f + ENCAP_OFF, OVL_ENCAP6_LEN, is_ip))
		return -OVL_DROP_ADJUST;
	if (!gso)
		csum = encap6_udp_csum(skb, &src, &dst, ETH_HLEN + sizeof(struct ipv6hdr), udp_len);
	if (!csum) {
		stat_add(OVL_STAT_ENCAP6_NOCSUM,
			 udp_len - sizeof(struct udphdr) - sizeof(struct vxlan_hdr));
		return 0;
	}
	if (bpf_skb_store_bytes(skb,
				ETH_HLEN + sizeof(struct ipv6hdr) + offsetof(struct udphdr, check),
				&csum, sizeof(csum), 0))
		return -OVL_DROP_ADJUST;
	return 0;
}

#endif /* OVL_BPF_ENCAP_H */
