/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * rflow.h - the way back of a flow that another host's router started
 * toward a local endpoint (ovl_rflows, the router zone of issue 13).
 *
 * Every host that serves an overlay has a router of its own, all with one
 * anycast MAC (OVL_ROUTER_MAC_B*: 02:6f:76 and the VNI). An endpoint's
 * default gateway is that MAC, so its frames to the gateway reach the
 * router of its own host. That is right for the flows the endpoint starts,
 * but not for the replies of a flow that the router of another host started
 * (a port published on host A and forwarded to a container on host B, or
 * host A itself reaching the container): B's router has never seen the flow
 * and its connection tracking drops or mangles the replies.
 *
 * So the decapsulation paths note such a flow when its frames arrive from
 * the tunnel with the router MAC as their source, for a local endpoint
 * (rflow_note(): key as the local endpoint sees the flow, value the host
 * that sent it), and ovl_tc_ep_in looks every frame an endpoint sends to
 * the router MAC up in it (rflow_lookup()): a hit goes back through the
 * tunnel to that host, still addressed to the router MAC, so the far host
 * delivers it to its own router; a miss goes to the local router as
 * before. Pinned are TCP and UDP (by ports) and ICMP/ICMPv6 echo (both
 * ports are the identifier), IPv4 with or without options and IPv6 behind
 * extension headers, never a fragment other than the first (it has no
 * ports). What cannot be parsed is not pinned, and never dropped for it.
 *
 * The value's port is this host's own VXLAN port (ovl_config.vxlan_port),
 * not the outer source port of the frame, which is flow entropy (RFC 7348
 * section 5): the replies go to the sending host on the port this host
 * listens on, as every host of an overlay shares it.
 */
#ifndef OVL_BPF_RFLOW_H
#define OVL_BPF_RFLOW_H

/* The overlay vni's router MAC, 02:6f:76 and the VNI's 24 bits, big-endian.
 * The first byte tells most other MACs apart. */
static __always_inline bool mac_is_router(const __u8 *mac, __u32 vni)
{
	return mac[0] == OVL_ROUTER_MAC_B0 && mac[1] == OVL_ROUTER_MAC_B1 &&
	       mac[2] == OVL_ROUTER_MAC_B2 && mac[3] == (__u8)(vni >> 16) &&
	       mac[4] == (__u8)(vni >> 8) && mac[5] == (__u8)vni;
}

/*
 * Fill key (all but vni) from the IP packet at offset l3 of ctx (a packet
 * pkt_len bytes long) whose ethertype is proto. local_src: the local
 * endpoint sent it (laddr/lport are the source); otherwise it is for the
 * endpoint (laddr/lport are the destination). xdp: ctx is XDP's
 * (ctx_load_bytes()). Returns 0, or -1 for a packet no flow is pinned for
 * or that cannot be parsed.
 */
static __always_inline int rflow_key_fill(void *ctx, bool xdp, __u32 l3, __u32 pkt_len,
					  __be16 proto, bool local_src, struct ovl_rflow_key *key)
{
	__u32 off;
	__u8 l4;

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;

		if (ctx_load_bytes(ctx, xdp, l3, &ip, sizeof(ip)) || ip.version != 4 || ip.ihl < 5)
			return -1;
		/* a later fragment has no ports; the first one has them */
		if (ip.frag_off & bpf_htons(IP_OFFSET))
			return -1;
		key->family = OVL_AF_INET4;
		__builtin_memcpy(key->laddr, local_src ? &ip.saddr : &ip.daddr, 4);
		__builtin_memcpy(key->raddr, local_src ? &ip.daddr : &ip.saddr, 4);
		l4 = ip.protocol;
		off = l3 + ip.ihl * 4; /* options included */
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;
		struct ip6_chain ch;

		if (ctx_load_bytes(ctx, xdp, l3, &ip6, sizeof(ip6)) || ip6.version != 6)
			return -1;
		if (ip6_chain_walk_at(ctx, xdp, l3, pkt_len, &ip6, &ch) || ch.later_frag)
			return -1;
		key->family = OVL_AF_INET6;
		__builtin_memcpy(key->laddr, local_src ? &ip6.saddr : &ip6.daddr, 16);
		__builtin_memcpy(key->raddr, local_src ? &ip6.daddr : &ip6.saddr, 16);
		l4 = ch.proto;
		off = ch.off;
	} else {
		return -1;
	}

	if (l4 == IPPROTO_TCP || l4 == IPPROTO_UDP) {
		__be16 ports[2]; /* source, destination */

		if (ctx_load_bytes(ctx, xdp, off, ports, sizeof(ports)))
			return -1;
		key->lport = local_src ? ports[0] : ports[1];
		key->rport = local_src ? ports[1] : ports[0];
	} else if ((l4 == IPPROTO_ICMP && key->family == OVL_AF_INET4) ||
		   (l4 == IPPROTO_ICMPV6 && key->family == OVL_AF_INET6)) {
		/* type, code, checksum, identifier (RFC 792, RFC 4443 4.1) */
		__u8 h[6];

		if (ctx_load_bytes(ctx, xdp, off, h, sizeof(h)))
			return -1;
		if (l4 == IPPROTO_ICMP ? h[0] != ICMP_ECHO && h[0] != ICMP_ECHOREPLY :
					 h[0] != ICMPV6_ECHO_REQUEST && h[0] != ICMPV6_ECHO_REPLY)
			return -1;
		__builtin_memcpy(&key->lport, &h[4], 2);
		key->rport = key->lport;
	} else {
		return -1;
	}
	key->proto = l4;
	return 0;
}

static __always_inline bool dest_eq(const struct ovl_dest *a, const struct ovl_dest *b)
{
	const __u32 *x = (const __u32 *)a, *y = (const __u32 *)b;

	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4]) |
		(x[5] ^ y[5])) == 0;
}
_Static_assert(sizeof(struct ovl_dest) == 24, "dest_eq() compares six words");

/*
 * Decapsulation: note the flow of the inner IP packet at offset l3 of ctx
 * (ethertype proto, network vni), which came from the router MAC through
 * the tunnel from via. Looked up first: the map is written only for a new
 * flow or one that another host's router now sends, not per packet.
 */
static __always_inline void rflow_note(void *ctx, bool xdp, __u32 pkt_len, __u32 l3, __be16 proto,
				       __u32 vni, const struct ovl_dest *via)
{
	struct ovl_rflow_key key = { .vni = vni };
	const struct ovl_dest *cur;

	if (rflow_key_fill(ctx, xdp, l3, pkt_len, proto, false, &key))
		return;
	cur = bpf_map_lookup_elem(&ovl_rflows, &key);
	if (cur && dest_eq(cur, via))
		return;
	/* a full map (LRU) evicts; a failed write only means no pin */
	bpf_map_update_elem(&ovl_rflows, &key, via, BPF_ANY);
	if (ovl_test_mode)
		ovl_test_rflow_writes++;
}

/*
 * An endpoint's frame to the router MAC (network vni, ethertype proto):
 * where the flow it belongs to was pinned, or NULL.
 */
static __always_inline const struct ovl_dest *rflow_lookup(struct __sk_buff *skb, __be16 proto,
							   __u32 vni)
{
	struct ovl_rflow_key key = { .vni = vni };

	if (rflow_key_fill(skb, false, ETH_HLEN, skb->len, proto, true, &key))
		return NULL;
	return bpf_map_lookup_elem(&ovl_rflows, &key);
}

#endif /* OVL_BPF_RFLOW_H */
