/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * rx.h - what arrives from the underlay: is it VXLAN for us, for which VNI
 * and which local endpoint. Shared by the two decapsulation paths, XDP
 * (ovl_xdp.bpf.c, for NICs) and TC (ovl_tcul.bpf.c, for veth underlays),
 * both over (data, data_end).
 *
 * A unicast frame whose inner source is the router MAC of its VNI and whose
 * destination is a local endpoint other than the router is a flow another
 * host's router started: rx_classify() says so (res->rflow, with the host
 * it came from in res->rflow_via), and the program, before it strips the
 * outer headers, has rflow_note() pin the flow so that the endpoint's
 * replies go back to that host (rflow.h). Any other frame costs one byte
 * comparison for it (the first of the inner source MAC, mostly).
 */
#ifndef OVL_BPF_RX_H
#define OVL_BPF_RX_H

/* What the outer headers told us. */
struct rx_outer {
	__u32 vni;
	__u32 hdr_len; /* bytes in front of the inner Ethernet header */
	struct ovl_addr_key peer;
};

#define RX_NOT_OURS 0
#define RX_OURS	    1
#define RX_FRAGMENT 2

/* Classify the outer headers: RX_NOT_OURS, RX_FRAGMENT, RX_OURS (out filled)
 * or -OVL_DROP_* for VXLAN to us that is malformed. */
static __always_inline int rx_outer_parse(void *data, void *data_end, __u32 pkt_len,
					  const struct ovl_cfg *cfg, struct rx_outer *out)
{
	struct cursor c = { .pos = data, .end = data_end };
	struct vxlan_hdr *vx;
	struct udphdr *udp;
	struct ethhdr *eth;

	eth = cur_pull_type(&c, struct ethhdr);
	if (!eth)
		return RX_NOT_OURS;

	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = cur_pull_type(&c, struct iphdr);
		__u32 opt_len;

		if (!ip || ip->version != 4 || ip->ihl < 5)
			return RX_NOT_OURS;
		if (ip->protocol != IPPROTO_UDP || !cfg->local4 || ip->daddr != cfg->local4)
			return RX_NOT_OURS;
		if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
			return RX_FRAGMENT;
		/* IPv4 options: skip them (ihl is 4 bits, at most 40 bytes). */
		opt_len = (ip->ihl - 5) * 4;
		if (opt_len) {
			if (opt_len > 40 || c.pos + opt_len > c.end)
				return RX_NOT_OURS;
			c.pos += opt_len;
		}
		out->peer.family = OVL_AF_INET4;
		__builtin_memcpy(out->peer.addr, &ip->saddr, 4);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = cur_pull_type(&c, struct ipv6hdr);

		/* Extension headers in front of UDP are not used by VTEPs. */
		if (!ip6 || ip6->version != 6 || ip6->nexthdr != IPPROTO_UDP)
			return RX_NOT_OURS;
		if (!in6_eq(&ip6->daddr, cfg->local6) || in6_is_zero(&ip6->daddr))
			return RX_NOT_OURS;
		out->peer.family = OVL_AF_INET6;
		__builtin_memcpy(out->peer.addr, &ip6->saddr, 16);
	} else {
		return RX_NOT_OURS;
	}

	udp = cur_pull_type(&c, struct udphdr);
	if (!udp || udp->dest != cfg->vxlan_port)
		return RX_NOT_OURS;

	/* From here on the frame is addressed to our VTEP. The UDP length
	 * must cover VXLAN and an inner Ethernet header and fit the packet
	 * (all of it: in TC only its head may be in [data, data_end)). */
	if (bpf_ntohs(udp->len) < sizeof(*udp) + sizeof(struct vxlan_hdr) + ETH_HLEN ||
	    (__u32)((void *)udp - data) + bpf_ntohs(udp->len) > pkt_len)
		return -OVL_DROP_TRUNCATED;
	vx = cur_pull_type(&c, struct vxlan_hdr);
	if (!vx)
		return -OVL_DROP_TRUNCATED;
	if (vx->flags != bpf_htonl(VXLAN_HF_VNI) || (vx->vni & bpf_htonl(0xff)))
		return -OVL_DROP_VXLAN_FLAGS;
	out->vni = bpf_ntohl(vx->vni) >> 8;
	out->peer.vni = out->vni;
	out->hdr_len = c.pos - data;
	if (c.pos + ETH_HLEN > c.end)
		return -OVL_DROP_TRUNCATED;
	return RX_OURS;
}

/* The local endpoint that owns the target of a flooded ARP request or NS,
 * or NULL. inner points at the inner Ethernet header. */
static __always_inline const struct ovl_endpoint *rx_bcast_owner(void *inner, void *data_end,
								 __u32 vni)
{
	struct cursor c = { .pos = inner, .end = data_end };
	struct ovl_addr_key key = { .vni = vni };
	struct ovl_mac_key mkey = { .vni = vni };
	const struct ovl_neigh *n;
	struct ethhdr *eth;

	eth = cur_pull_type(&c, struct ethhdr);
	if (!eth)
		return NULL;
	if (eth->h_proto == bpf_htons(ETH_P_ARP)) {
		struct arp_eth *arp = cur_pull_type(&c, struct arp_eth);

		if (!arp || arp->ar_op != bpf_htons(ARPOP_REQUEST) ||
		    arp->ar_pro != bpf_htons(ETH_P_IP) || arp->ar_hln != ETH_ALEN ||
		    arp->ar_pln != 4)
			return NULL;
		key.family = OVL_AF_INET4;
		__builtin_memcpy(key.addr, arp->ar_tip, 4);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = cur_pull_type(&c, struct ipv6hdr);
		struct nd_msg_hdr *nd;

		if (!ip6 || ip6->nexthdr != IPPROTO_ICMPV6)
			return NULL;
		nd = cur_pull_type(&c, struct nd_msg_hdr);
		if (!nd || nd->type != NDISC_NEIGHBOUR_SOLICITATION)
			return NULL;
		key.family = OVL_AF_INET6;
		__builtin_memcpy(key.addr, &nd->target, 16);
	} else {
		return NULL;
	}

	n = bpf_map_lookup_elem(&ovl_neigh, &key);
	if (!n)
		return NULL;
	mac_copy(mkey.mac, n->mac);
	return bpf_map_lookup_elem(&ovl_endpoints, &mkey);
}

/* The result of rx_classify(). */
struct rx_res {
	__u32 hdr_len; /* bytes in front of the inner Ethernet header */
	__u32 vni;
	__u32 stat;    /* counter of the success or the pass */
	__u32 ifindex; /* endpoint's host-side veth */
	__u32 ep_flags;
	__be16 inner_proto;	 /* inner ethertype */
	struct ethhdr inner_eth; /* the inner Ethernet header (TC moves it) */
	bool vni_known;		 /* vni is a network of ovl_vnis: its drops are its own */
	__u32 vstat_slot;	 /* its ovl_vni_cnt slot (0: none) */
	__u8 peer_family;	 /* with -OVL_DROP_PEER_UNKNOWN: the refused outer source */
	__u8 peer_addr[16];
	bool rflow;		   /* from the router MAC to an endpoint: pin the flow */
	struct ovl_dest rflow_via; /* with rflow: the outer source and our VXLAN port */
};

/*
 * Classify a frame of pkt_len bytes from the underlay, whose first bytes
 * are in [data, data_end); res starts zeroed. Returns OVL_HANDLED with res
 * filled (deliver res->ifindex the frame from res->hdr_len on; res->rflow:
 * pin its flow first), 0 to pass it to the stack (res->stat says why), or
 * -OVL_DROP_*.
 */
static __always_inline int rx_classify(void *data, void *data_end, __u32 pkt_len,
				       struct rx_res *res)
{
	const struct ovl_vni *v = NULL;
	const struct ovl_endpoint *ep;
	const struct ovl_peer *p;
	const struct ovl_cfg *cfg;
	struct rx_outer o = {};
	struct ethhdr *inner;
	int ret;

	res->stat = OVL_STAT_RX_PASS;
	cfg = config_get();
	if (!cfg)
		return 0;
	ret = rx_outer_parse(data, data_end, pkt_len, cfg, &o);
	if (ret == RX_FRAGMENT)
		res->stat = OVL_STAT_RX_FRAGMENT;
	if (ret <= 0 || ret == RX_FRAGMENT)
		return ret < 0 ? ret : 0;
	res->vni = o.vni;

	/* A frame from one of the network's peers: since ABI 6 the peer's
	 * entry says all that unicast needs of the network (ovl_abi.h), one
	 * lookup. Anything else (a migrated entry, a network without strict
	 * sources, a refusal) reads ovl_vnis first, as before. */
	p = bpf_map_lookup_elem(&ovl_peers, &o.peer);
	if (p && (p->flags & OVL_PEER_F_VNI)) {
		res->vstat_slot = p->vstat_slot;
	} else {
		v = bpf_map_lookup_elem(&ovl_vnis, &o.vni);
		if (!v) {
			res->stat = OVL_STAT_RX_UNKNOWN_VNI;
			return 0;
		}
		res->vstat_slot = v->vstat_slot;
		if ((v->flags & OVL_VNI_F_STRICT_SRC) && !p) {
			/* who was refused: the operator's first question (ovlctl monitor) */
			res->vni_known = true;
			res->peer_family = o.peer.family;
			__builtin_memcpy(res->peer_addr, o.peer.addr, sizeof(res->peer_addr));
			return -OVL_DROP_PEER_UNKNOWN;
		}
	}
	res->vni_known = true;

	/* verifier: o.hdr_len was bounds-checked against data_end in the parser,
	 * but as a scalar it must be re-checked against this pointer. */
	if (o.hdr_len > 128)
		return -OVL_DROP_TRUNCATED;
	inner = data + o.hdr_len;
	if ((void *)(inner + 1) > data_end)
		return -OVL_DROP_TRUNCATED;

	if (!mac_is_multicast(inner->h_dest)) {
		struct ovl_mac_key key = { .vni = o.vni };

		mac_copy(key.mac, inner->h_dest);
		ep = bpf_map_lookup_elem(&ovl_endpoints, &key);
		if (!ep)
			return -OVL_DROP_NO_ENDPOINT;
		res->stat = OVL_STAT_RX_DECAP;
		/* Another host's router talks to a local endpoint (not to our
		 * router): the replies must go back there (rflow.h). Per
		 * overlay flags do not matter: a host without a router of its
		 * own sends them back too. */
		if (mac_is_router(inner->h_source, o.vni) && !mac_is_router(inner->h_dest, o.vni)) {
			res->rflow = true;
			res->rflow_via.family = o.peer.family;
			__builtin_memcpy(res->rflow_via.addr, o.peer.addr, sizeof(o.peer.addr));
			res->rflow_via.port = cfg->vxlan_port;
		}
	} else {
		ep = rx_bcast_owner(inner, data_end, o.vni);
		res->stat = OVL_STAT_RX_DECAP_BCAST;
		/* A point-to-point overlay has no proxy data: its broadcasts
		 * go to the one endpoint ovld names for it. */
		if (!ep && !v)
			v = bpf_map_lookup_elem(&ovl_vnis, &o.vni);
		if (!ep && v && (v->flags & OVL_VNI_F_DIRECT) && v->flood_ifindex) {
			res->ifindex = v->flood_ifindex;
			res->ep_flags = 0;
			goto found;
		}
		if (!ep)
			return -OVL_DROP_BCAST;
	}
	res->ifindex = ep->ifindex;
	res->ep_flags = ep->flags;
found:
	res->hdr_len = o.hdr_len;
	res->inner_proto = inner->h_proto;
	__builtin_memcpy(&res->inner_eth, inner, sizeof(*inner));
	return OVL_HANDLED;
}

/*
 * Count a drop of decapsulation against its network (ovl_vni_stats), once
 * its VNI is one of ours: a frame dropped before that, or for a VNI not
 * configured here, belongs to nobody. Drop paths only.
 */
static __always_inline void rx_vstat_drop(const struct rx_res *res, int reason, __u32 len)
{
	if (!res->vni_known)
		return;
	vstat_drop(res->vni, reason, len);
	if (reason == OVL_DROP_PEER_UNKNOWN)
		vstat_add(res->vni, OVL_VSTAT_PEER_UNKNOWN, len);
}

/* Count a delivered frame of len bytes (outer headers included) against
 * its network, by its inner frame's bytes. */
static __always_inline void rx_vstat_fwd(const struct rx_res *res, __u32 len)
{
	__u32 id = vstat_of(res->stat);

	if (id < OVL_VSTAT_MAX && len > res->hdr_len)
		vstat_fwd(res->vstat_slot, res->vni, id, len - res->hdr_len);
}

#endif /* OVL_BPF_RX_H */
