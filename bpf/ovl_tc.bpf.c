// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovl_tc.bpf.c - TC ingress on an endpoint's host-side veth: every frame a
 * container sends passes here first.
 *
 * Theory of operation
 *
 *   The veth is looked up in ovl_ifaces; it tells the VNI, the endpoint's
 *   MAC, whether its IP addresses are enforced and its DHCP proxy. Then, in
 *   this order:
 *
 *   1. Link protection (Crossbow's mac-nospoof/ip-nospoof/restricted): the
 *      source MAC must be the endpoint's; only IPv4, IPv6 and ARP pass; with
 *      OVL_IF_F_IP_NOSPOOF the source address must be one that ovl_neigh
 *      maps to the endpoint's MAC (DHCP from 0.0.0.0 and DAD from :: are
 *      let through), and so must the sender fields of an ARP packet.
 *   2. ARP requests and neighbour solicitations for an address in
 *      ovl_neigh are answered here and the answer goes straight back out of
 *      the veth into the container. Not in the map: a miss event asks ovld,
 *      which injects the answer itself.
 *   3. DHCPv4 broadcasts of an endpoint with a DHCP proxy are rewritten to
 *      the proxy's MAC (the seed's dhcp-proxy) and forwarded as unicast.
 *   4. Unicast: a local endpoint of the same VNI gets the frame by
 *      redirect (into its netns directly with bpf_redirect_peer when it is
 *      in another one); a remote MAC in ovl_fdb (or the VNI's direct
 *      destination) is VXLAN-encapsulated and sent to the underlay through
 *      the kernel's FIB and neighbour tables. Unknown: a miss event carries
 *      the frame to ovld, which resolves it and delivers the frame itself.
 *   5. Other broadcast and multicast is dropped and counted: the backends
 *      have no broadcast domain (as in the seed's files backend). A
 *      point-to-point VNI (OVL_VNI_F_DIRECT) is the exception: its backend
 *      has no proxy data, so ARP requests, neighbour solicitations and all
 *      other broadcast and multicast not answered from ovl_neigh go through
 *      the tunnel, and the far end answers.
 *
 *   Helpers return 0 to continue, OVL_HANDLED when a verdict is set in
 *   struct tc_state, or -OVL_DROP_*; only ovl_tc_ep_in() counts drops.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "lib/compat.h"
#include "ovl_abi.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/csum.h"
#include "lib/verdict.h"
#include "lib/arp.h"
#include "lib/ndp.h"

#define AF_INET			     2
#define AF_INET6		     10

#define BPF_F_ADJ_ROOM_ENCAP_L2(len) (((__u64)(len)&0xff) << BPF_ADJ_ROOM_ENCAP_L2_SHIFT)

struct tc_state {
	const struct ovl_iface *ifc;
	__u32 ifindex;	 /* the veth we run on */
	__u32 stat;	 /* counter for a successful verdict */
	int verdict;	 /* TC_ACT_* once a helper returned OVL_HANDLED */
	__u16 miss_type; /* OVL_EVT_MISS_* when a miss event is wanted */
	__u8 miss_family;
	__u8 miss_addr[16];
	__u8 miss_mac[6];
};

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

static __always_inline bool neigh_owned_by(__u32 vni, __u8 family, const void *addr,
					   const __u8 *mac)
{
	struct ovl_addr_key key = { .vni = vni, .family = family };
	const struct ovl_neigh *n;

	__builtin_memcpy(key.addr, addr, family == OVL_AF_INET4 ? 4 : 16);
	n = bpf_map_lookup_elem(&ovl_neigh, &key);
	return n && mac_eq(n->mac, mac);
}

static __always_inline const struct ovl_neigh *neigh_lookup(__u32 vni, __u8 family,
							    const void *addr)
{
	struct ovl_addr_key key = { .vni = vni, .family = family };

	__builtin_memcpy(key.addr, addr, family == OVL_AF_INET4 ? 4 : 16);
	return bpf_map_lookup_elem(&ovl_neigh, &key);
}

/* The one destination of a point-to-point VNI (OVL_VNI_F_DIRECT), or NULL.
 * Looked up only where a frame would otherwise be a miss or a broadcast
 * drop, never on the fast path. */
static __always_inline const struct ovl_dest *vni_direct(__u32 vni)
{
	const struct ovl_vni *v = bpf_map_lookup_elem(&ovl_vnis, &vni);

	return v && (v->flags & OVL_VNI_F_DIRECT) ? &v->direct : NULL;
}

static __always_inline int redirect_self(struct tc_state *st, __u32 stat)
{
	test_note_redirect(st->ifindex, OVL_REDIR_EGRESS);
	st->verdict = bpf_redirect(st->ifindex, 0);
	st->stat = stat;
	return OVL_HANDLED;
}

/* ---- 2. ARP ------------------------------------------------------------ */

static __always_inline int tc_arp(struct __sk_buff *skb, struct tc_state *st)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	const struct ovl_iface *ifc = st->ifc;
	struct cursor c = { .pos = data, .end = data_end };
	const struct ovl_neigh *n;
	struct arp_eth *arp;
	struct ethhdr *eth;

	eth = cur_pull_type(&c, struct ethhdr);
	arp = cur_pull_type(&c, struct arp_eth);
	if (!eth || !arp || !arp_valid(arp))
		return -OVL_DROP_ARP_BAD;

	/* Link protection: the sender fields are the endpoint's own; an
	 * all-zero sender IP is an RFC 5227 probe. */
	if (!mac_eq(arp->ar_sha, ifc->mac))
		return -OVL_DROP_SPOOF_ARP;
	if ((ifc->flags & OVL_IF_F_IP_NOSPOOF) && *(__u32 *)arp->ar_sip != 0 &&
	    !neigh_owned_by(ifc->vni, OVL_AF_INET4, arp->ar_sip, ifc->mac))
		return -OVL_DROP_SPOOF_ARP;

	if (arp->ar_op == bpf_htons(ARPOP_REPLY))
		return 0; /* unicast replies are forwarded; broadcast ones dropped */
	if (arp->ar_op != bpf_htons(ARPOP_REQUEST))
		return -OVL_DROP_ARP_BAD;

	/* Gratuitous ARP (sender IP == target IP) announces, asks nothing. */
	if (*(__u32 *)arp->ar_sip == *(__u32 *)arp->ar_tip)
		return -OVL_DROP_DAD;

	n = neigh_lookup(ifc->vni, OVL_AF_INET4, arp->ar_tip);
	if (n) {
		/* A probe for the endpoint's own address must stay unanswered. */
		if (mac_eq(n->mac, ifc->mac))
			return -OVL_DROP_DAD;
		arp_reply_build(eth, arp, n->mac);
		return redirect_self(st, OVL_STAT_ARP_REPLY);
	}
	if (!mac_is_multicast(eth->h_dest))
		return 0; /* unicast refresh of an entry we do not know: forward */
	if (vni_direct(ifc->vni))
		return 0; /* a tunnel has no proxy data: the far end answers */
	st->miss_type = OVL_EVT_MISS_ARP;
	st->miss_family = OVL_AF_INET4;
	__builtin_memcpy(st->miss_addr, arp->ar_tip, 4);
	return -OVL_DROP_MISS;
}

/* ---- 1./3. IPv4 -------------------------------------------------------- */

static __always_inline int tc_ip4(struct __sk_buff *skb, struct tc_state *st)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	const struct ovl_iface *ifc = st->ifc;
	struct cursor c = { .pos = data, .end = data_end };
	bool dhcp_client = false;
	struct udphdr *udp;
	struct ethhdr *eth;
	struct iphdr *ip;

	eth = cur_pull_type(&c, struct ethhdr);
	ip = cur_pull_type(&c, struct iphdr);
	if (!eth || !ip)
		return -OVL_DROP_TRUNCATED;

	if (ip->protocol == IPPROTO_UDP && ip->ihl == 5 &&
	    !(ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))) {
		udp = cur_pull_type(&c, struct udphdr);
		dhcp_client = udp && udp->source == bpf_htons(DHCP_CLIENT_PORT) &&
			      udp->dest == bpf_htons(DHCP_SERVER_PORT);
	}

	if (ifc->flags & OVL_IF_F_IP_NOSPOOF) {
		if (ip->saddr == 0) {
			if (!dhcp_client)
				return -OVL_DROP_SPOOF_IP;
		} else if (!neigh_owned_by(ifc->vni, OVL_AF_INET4, &ip->saddr, ifc->mac)) {
			return -OVL_DROP_SPOOF_IP;
		}
	}

	/* The seed's dhcp-proxy: a DHCP broadcast goes to one known server. */
	if (dhcp_client && (ifc->flags & OVL_IF_F_DHCP_PROXY) && mac_is_multicast(eth->h_dest)) {
		mac_copy(eth->h_dest, ifc->dhcp_mac);
		stat_add(OVL_STAT_DHCP_PROXY, skb->len);
	}
	return 0;
}

/* ---- 1./2. IPv6 and neighbour discovery -------------------------------- */

static __always_inline int ndp_answer(struct __sk_buff *skb, struct tc_state *st,
				      const struct ns_info *ni, const struct ovl_neigh *n,
				      const __u8 *req_mac)
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
	return redirect_self(st, OVL_STAT_NDP_REPLY);
}

static __always_inline int tc_ip6(struct __sk_buff *skb, struct tc_state *st)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	const struct ovl_iface *ifc = st->ifc;
	struct cursor c = { .pos = data, .end = data_end };
	const struct ovl_neigh *n;
	struct nd_msg_hdr *peek;
	struct ns_info ni = {};
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	__u8 req_mac[6];
	bool is_ns;
	int ret;

	eth = cur_pull_type(&c, struct ethhdr);
	ip6 = cur_pull_type(&c, struct ipv6hdr);
	if (!eth || !ip6)
		return -OVL_DROP_TRUNCATED;
	peek = c.pos;
	is_ns = ip6->nexthdr == IPPROTO_ICMPV6 && (void *)(peek + 1) <= data_end &&
		peek->type == NDISC_NEIGHBOUR_SOLICITATION;

	if (ifc->flags & OVL_IF_F_IP_NOSPOOF) {
		if (in6_is_zero(&ip6->saddr)) {
			if (!is_ns) /* only DAD may come from :: */
				return mac_is_multicast(eth->h_dest) ? -OVL_DROP_BCAST :
								       -OVL_DROP_SPOOF_IP;
		} else if (!neigh_owned_by(ifc->vni, OVL_AF_INET6, &ip6->saddr, ifc->mac)) {
			return -OVL_DROP_SPOOF_IP;
		}
	}
	if (!is_ns)
		return 0;

	ret = ns_parse(&c, ip6, &ni);
	if (ret)
		return ret;
	mac_copy(req_mac, eth->h_source);
	n = neigh_lookup(ifc->vni, OVL_AF_INET6, &ni.target);
	if (n) {
		/* DAD or NUD for the endpoint's own address: nobody answers. */
		if (mac_eq(n->mac, ifc->mac))
			return -OVL_DROP_DAD;
		return ndp_answer(skb, st, &ni, n, req_mac);
	}
	if (vni_direct(ifc->vni))
		return 0; /* a tunnel has no proxy data: the far end answers, DAD too */
	if (in6_is_zero(&ni.src))
		return -OVL_DROP_DAD; /* DAD for an address nobody has: it is free */
	if (!mac_is_multicast(eth->h_dest))
		return 0; /* unicast NUD probe of a neighbour we do not know */
	st->miss_type = OVL_EVT_MISS_NDP;
	st->miss_family = OVL_AF_INET6;
	__builtin_memcpy(st->miss_addr, &ni.target, 16);
	return -OVL_DROP_MISS;
}

/* ---- 4. forwarding ------------------------------------------------------ */

static __always_inline __be16 flow_sport(struct __sk_buff *skb)
{
	__u32 h = bpf_get_hash_recalc(skb);

	h ^= h >> 16;
	return bpf_htons(OVL_SPORT_MIN | (h & OVL_SPORT_MASK));
}

/*
 * FIB lookup toward the VTEP, as if the frame were routed from the endpoint's
 * veth (ingress mode: the kernel requires forwarding to be enabled on the
 * device the lookup starts from, and ovld enables it on the endpoint veths
 * only, never on the underlay). On success the egress ifindex and the outer
 * Ethernet addresses are in fib. Returns 0, 1 (the next hop has no
 * neighbour entry yet: bpf_redirect_neigh() must resolve it) or
 * -OVL_DROP_*.
 */
static __always_inline int encap_route(struct __sk_buff *skb, const struct ovl_cfg *cfg,
				       const struct ovl_dest *d, struct bpf_fib_lookup *fib,
				       __u32 outer_ip_len)
{
	int rc;

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
	rc = bpf_fib_lookup(skb, fib, sizeof(*fib), 0);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS)
		return 0;
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return 1;
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return -OVL_DROP_MTU;
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED)
		return -OVL_DROP_FWD_DISABLED;
	return -OVL_DROP_FIB;
}

/*
 * IPv6 UDP checksum over the packet from the outer UDP header to the end
 * (RFC 8200 section 8.1: mandatory, a Linux vxlan peer drops zero). The
 * payload is copied into the per-CPU scratch buffer and summed in 512-byte
 * steps (bpf_csum_diff's limit).
 */
static __always_inline __u16 encap6_udp_csum(struct __sk_buff *skb, const struct in6_addr *src,
					     const struct in6_addr *dst, __u32 udp_off,
					     __u32 udp_len)
{
	struct ovl_evt_buf *b;
	__u32 zero = 0;
	__s64 sum;

	b = bpf_map_lookup_elem(&ovl_evt_buf, &zero);
	if (!b)
		return 0;
	/* verifier: bound the very register that goes to the helper */
	barrier_var(udp_len);
	if (udp_len < 16 || udp_len > OVL_EVT_PKT_MAX - 4)
		return 0;
	if (bpf_skb_load_bytes(skb, udp_off, b->pkt, udp_len))
		return 0;
	/* pad to a multiple of 4 with zeros: they do not change the sum */
	b->pkt[udp_len & (OVL_EVT_PKT_MAX - 1)] = 0;
	b->pkt[(udp_len + 1) & (OVL_EVT_PKT_MAX - 1)] = 0;
	b->pkt[(udp_len + 2) & (OVL_EVT_PKT_MAX - 1)] = 0;

	sum = csum_fold32(ip6_pseudo_sum(src, dst, udp_len, IPPROTO_UDP));
	for (__u32 off = 0; off < OVL_EVT_PKT_MAX; off += 512) {
		__u32 n;

		if (off >= udp_len)
			break;
		n = (udp_len - off + 3) & ~3u;
		if (n > 512)
			n = 512;
		sum = bpf_csum_diff(NULL, 0, (__be32 *)(b->pkt + off), n, (__u32)sum);
		if (sum < 0)
			return 0;
	}
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
 * Encapsulate the frame toward d and redirect it to the underlay. IP frames
 * grow with bpf_skb_adjust_room() and the ENCAP flags, so that GSO/TSO and
 * checksum offload of the inner packet survive; ARP, which that helper
 * refuses, is pushed in front with bpf_skb_change_head(). The route and the
 * MTU are checked before the frame is touched.
 */
static __always_inline int tc_encap(struct __sk_buff *skb, struct tc_state *st,
				    const struct ovl_cfg *cfg, const struct ovl_dest *d, __u32 vni)
{
	bool v4 = d->family == OVL_AF_INET4;
	bool is_ip = skb->protocol == bpf_htons(ETH_P_IP) || skb->protocol == bpf_htons(ETH_P_IPV6);
	bool gso = skb->gso_segs > 1;
	__u32 inner_len = skb->len;
	struct bpf_fib_lookup fib = {};
	struct ethhdr inner_eth;
	__u32 room, udp_len;
	__be16 sport;
	int ret;

	if (v4 ? !cfg->local4 : in6_is_zero((const struct in6_addr *)cfg->local6))
		return -OVL_DROP_NO_LOCAL_ADDR;
	room = v4 ? OVL_ENCAP4_LEN : OVL_ENCAP6_LEN;
	udp_len = inner_len + sizeof(struct udphdr) + sizeof(struct vxlan_hdr);
	/* The MTU check of a GSO packet is the kernel's, on its segments: the
	 * container MTU leaves room for the outer headers. */
	ret = encap_route(skb, cfg, d, &fib,
			  gso ? 0 : (v4 ? udp_len + sizeof(struct iphdr) : udp_len));
	if (ret < 0)
		return ret;
	sport = flow_sport(skb);
	if (bpf_skb_load_bytes(skb, 0, &inner_eth, sizeof(inner_eth)))
		return -OVL_DROP_TRUNCATED;

	if (is_ip) {
		__u64 flags = BPF_F_ADJ_ROOM_FIXED_GSO | BPF_F_ADJ_ROOM_ENCAP_L4_UDP |
			      BPF_F_ADJ_ROOM_ENCAP_L2_ETH | BPF_F_ADJ_ROOM_ENCAP_L2(ETH_HLEN) |
			      (v4 ? BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 : BPF_F_ADJ_ROOM_ENCAP_L3_IPV6);

		if (bpf_skb_adjust_room(skb, room, BPF_ADJ_ROOM_MAC, flags))
			return -OVL_DROP_ADJUST;
	} else if (bpf_skb_change_head(skb, room, 0)) {
		return -OVL_DROP_ADJUST;
	}

	if (v4) {
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
		mac_copy(f.eth.h_dest, fib.dmac);
		mac_copy(f.eth.h_source, fib.smac);
		f.eth.h_proto = bpf_htons(ETH_P_IP);
		f.ip = ip;
		vxlan_fill(&f.udp, &f.vx, sport, d->port, udp_len, vni);
		f.inner = inner_eth;
		if (bpf_skb_store_bytes(skb, 0, (void *)&f + ENCAP_OFF,
					is_ip ? OVL_ENCAP4_LEN + ETH_HLEN : OVL_ENCAP4_LEN, 0))
			return -OVL_DROP_ADJUST;
		st->stat = OVL_STAT_TX_ENCAP4;
	} else {
		struct encap6_frame f;
		struct in6_addr src, dst;
		__u16 csum = 0;

		__builtin_memcpy(&src, cfg->local6, 16);
		__builtin_memcpy(&dst, d->addr, 16);
		mac_copy(f.eth.h_dest, fib.dmac);
		mac_copy(f.eth.h_source, fib.smac);
		f.eth.h_proto = bpf_htons(ETH_P_IPV6);
		__builtin_memset(&f.ip6, 0, sizeof(f.ip6));
		f.ip6.version = 6;
		f.ip6.payload_len = bpf_htons(udp_len);
		f.ip6.nexthdr = IPPROTO_UDP;
		f.ip6.hop_limit = 64;
		f.ip6.saddr = src;
		f.ip6.daddr = dst;
		vxlan_fill(&f.udp, &f.vx, sport, d->port, udp_len, vni);
		f.inner = inner_eth;
		if (bpf_skb_store_bytes(skb, 0, (void *)&f + ENCAP_OFF,
					is_ip ? OVL_ENCAP6_LEN + ETH_HLEN : OVL_ENCAP6_LEN, 0))
			return -OVL_DROP_ADJUST;
		/* A GSO packet is summed per segment by nobody: the kernel has no
		 * way to be told from BPF, so those go out with zero (RFC 6935
		 * allows it for tunnels; ovl accepts it) and are counted. */
		if (!gso)
			csum = encap6_udp_csum(skb, &src, &dst, ETH_HLEN + sizeof(struct ipv6hdr),
					       udp_len);
		if (csum) {
			if (bpf_skb_store_bytes(skb,
						ETH_HLEN + sizeof(struct ipv6hdr) +
							offsetof(struct udphdr, check),
						&csum, sizeof(csum), 0))
				return -OVL_DROP_ADJUST;
		} else {
			stat_add(OVL_STAT_ENCAP6_NOCSUM, inner_len);
		}
		st->stat = OVL_STAT_TX_ENCAP6;
	}
	if (gso)
		stat_add(OVL_STAT_ENCAP_GSO, inner_len);

	if (ret == 1) {
		/* The next hop has no neighbour entry yet: let the kernel
		 * resolve it (and queue the packet meanwhile). */
		struct bpf_redir_neigh nh = { .nh_family = fib.family };

		__builtin_memcpy(&nh.ipv6_nh, fib.ipv6_dst, 16);
		stat_add(OVL_STAT_NEIGH_RESOLVE, inner_len);
		test_note_redirect(fib.ifindex, OVL_REDIR_NEIGH);
		st->verdict = bpf_redirect_neigh(fib.ifindex, &nh, sizeof(nh), 0);
		return OVL_HANDLED;
	}
	test_note_redirect(fib.ifindex, OVL_REDIR_EGRESS);
	st->verdict = bpf_redirect(fib.ifindex, 0);
	return OVL_HANDLED;
}

static __always_inline int tc_forward(struct __sk_buff *skb, struct tc_state *st,
				      const struct ovl_cfg *cfg)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ovl_mac_key key = { .vni = st->ifc->vni };
	const struct ovl_endpoint *ep;
	const struct ovl_dest *d;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return -OVL_DROP_TRUNCATED;
	if (mac_is_multicast(eth->h_dest)) {
		/* Only a point-to-point VNI has somewhere to send it. */
		d = vni_direct(key.vni);
		if (!d)
			return -OVL_DROP_BCAST;
		goto encap; /* one tc_encap() in the program: it is big */
	}
	mac_copy(key.mac, eth->h_dest);

	ep = bpf_map_lookup_elem(&ovl_endpoints, &key);
	if (ep) {
		if (ep->ifindex == st->ifindex)
			return -OVL_DROP_HAIRPIN;
		st->stat = OVL_STAT_TX_LOCAL;
		if (ep->flags & OVL_EP_F_PEER_NETNS) {
			test_note_redirect(ep->ifindex, OVL_REDIR_PEER);
			st->verdict = bpf_redirect_peer(ep->ifindex, 0);
		} else {
			test_note_redirect(ep->ifindex, OVL_REDIR_EGRESS);
			st->verdict = bpf_redirect(ep->ifindex, 0);
		}
		return OVL_HANDLED;
	}

	d = bpf_map_lookup_elem(&ovl_fdb, &key);
	if (!d)
		d = vni_direct(key.vni);
	if (!d) {
		st->miss_type = OVL_EVT_MISS_L2;
		mac_copy(st->miss_mac, key.mac);
		return -OVL_DROP_MISS;
	}
encap:
	return tc_encap(skb, st, cfg, d, key.vni);
}

/* ---- entry ------------------------------------------------------------- */

static __always_inline int tc_ep(struct __sk_buff *skb, struct tc_state *st)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	const struct ovl_cfg *cfg;
	struct ethhdr *eth = data;
	int ret;

	cfg = config_get();
	st->ifc = bpf_map_lookup_elem(&ovl_ifaces, &st->ifindex);
	if (!cfg || !st->ifc)
		return -OVL_DROP_NO_IFACE;
	if ((void *)(eth + 1) > data_end)
		return -OVL_DROP_TRUNCATED;
	if (!mac_eq(eth->h_source, st->ifc->mac))
		return -OVL_DROP_SPOOF_MAC;

	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		ret = tc_arp(skb, st);
	else if (eth->h_proto == bpf_htons(ETH_P_IP))
		ret = tc_ip4(skb, st);
	else if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		ret = tc_ip6(skb, st);
	else
		ret = -OVL_DROP_ETHERTYPE;
	if (ret)
		return ret;
	return tc_forward(skb, st, cfg);
}

/* Hand an unresolved frame to ovld, rate-limited per key. Returns the drop
 * reason that describes what became of it. */
static __always_inline int tc_miss(struct __sk_buff *skb, struct tc_state *st)
{
	struct ovl_miss_key key = { .vni = st->ifc->vni, .type = st->miss_type };
	struct ovl_evt_buf *b;
	__u32 cap;

	if (st->miss_type == OVL_EVT_MISS_L2)
		mac_copy(key.addr, st->miss_mac);
	else
		__builtin_memcpy(key.addr, st->miss_addr, 16);
	if (!miss_allowed(&key, bpf_ktime_get_ns()))
		return OVL_DROP_MISS_RL;

	b = evt_start(st->miss_type, st->ifc->vni, st->ifindex, skb->len);
	if (!b)
		return OVL_DROP_MISS_RB_FULL;
	if (st->miss_type == OVL_EVT_MISS_L2) {
		mac_copy(b->evt.mac, st->miss_mac);
	} else {
		mac_copy(b->evt.mac, st->ifc->mac);
		b->evt.family = st->miss_family;
		__builtin_memcpy(b->evt.addr, st->miss_addr, 16);
	}
	cap = evt_cap_len(skb->len, OVL_EVT_PKT_MAX);
	if (cap < 1 || cap > OVL_EVT_PKT_MAX || bpf_skb_load_bytes(skb, 0, b->pkt, cap))
		cap = 0;
	if (evt_commit(b, cap))
		return OVL_DROP_MISS_RB_FULL;
	stat_add(st->miss_type == OVL_EVT_MISS_L2  ? OVL_STAT_MISS_L2 :
		 st->miss_type == OVL_EVT_MISS_ARP ? OVL_STAT_MISS_ARP :
						     OVL_STAT_MISS_NDP,
		 skb->len);
	return OVL_DROP_MISS;
}

static __always_inline void tc_drop_event(struct __sk_buff *skb, struct tc_state *st, int reason)
{
	const struct ovl_cfg *cfg = config_get();
	struct ovl_evt_buf *b;
	__u32 cap;

	if (!cfg || !(cfg->flags & OVL_CFG_F_DROP_EVENTS))
		return;
	b = evt_start(OVL_EVT_DROP, st->ifc ? st->ifc->vni : 0, st->ifindex, skb->len);
	if (!b)
		return;
	b->evt.reason = reason;
	cap = evt_cap_len(skb->len, OVL_EVT_DROP_CAP);
	if (cap < 1 || cap > OVL_EVT_DROP_CAP || bpf_skb_load_bytes(skb, 0, b->pkt, cap))
		cap = 0;
	if (evt_commit(b, cap))
		stat_add(OVL_STAT_DROP_EVT_LOST, 0);
}

SEC("tc")
int ovl_tc_ep_in(struct __sk_buff *skb)
{
	struct tc_state st = { .ifindex = skb->ifindex, .verdict = TC_ACT_SHOT };
	__u32 len = skb->len;
	int ret;

	ret = tc_ep(skb, &st);
	if (ret == -OVL_DROP_MISS && st.ifc)
		ret = -tc_miss(skb, &st);
	if (ret < 0) {
		stat_drop(-ret, len);
		if (ret != -OVL_DROP_MISS)
			tc_drop_event(skb, &st, -ret);
		return TC_ACT_SHOT;
	}
	if (ret == 0) /* verified and nothing else to do: cannot happen */
		return TC_ACT_SHOT;
	stat_add(st.stat, len);
	return st.verdict;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
