// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovl_xdp.bpf.c - XDP on the underlay NIC: VXLAN decapsulation.
 *
 * Theory of operation
 *
 *   A frame is ours when it is UDP to ovl_config.vxlan_port on one of this
 *   host's underlay addresses (ovl_config.local4/local6), outer IPv4 or
 *   IPv6, not an IPv4 fragment. Everything else is XDP_PASS, untouched and
 *   counted once (OVL_STAT_RX_PASS): the host's own traffic must not notice
 *   the program.
 *
 *   Ours and well formed (RFC 7348 section 5: I flag set, reserved bits
 *   zero, as the Linux vxlan driver also demands) and for a VNI in
 *   ovl_vnis: the inner destination MAC is looked up in ovl_endpoints; a
 *   local endpoint gets the inner frame, outer headers stripped with
 *   bpf_xdp_adjust_head(), by XDP_REDIRECT to its host-side veth. Flooded
 *   ARP requests and neighbour solicitations (a kernel vxlan peer sends
 *   those to every VTEP) go to the endpoint that owns the target address
 *   according to ovl_neigh; on a point-to-point VNI (OVL_VNI_F_DIRECT),
 *   whose far end sends its ARP and NDP through the tunnel, broadcast and
 *   multicast nobody claims go to the VNI's flood_ifindex, the endpoint
 *   ovld picked for them. A VNI not configured here is passed (a kernel
 *   vxlan device may serve it) and counted; everything else of ours that
 *   cannot be delivered is dropped and counted by reason.
 *
 *   With OVL_VNI_F_STRICT_SRC, the outer source address must be in
 *   ovl_peers for that VNI: VXLAN has no authentication, and this is what
 *   keeps an arbitrary underlay host from injecting frames into a tenant.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "lib/compat.h"
#include "ovl_abi.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/verdict.h"

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
static __always_inline int rx_outer_parse(void *data, void *data_end, const struct ovl_cfg *cfg,
					  struct rx_outer *out)
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

	/* From here on the frame is addressed to our VTEP. */
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

/* Decapsulate and pick the endpoint. Returns OVL_HANDLED with *ifindex set,
 * 0 to pass, or -OVL_DROP_*. stat is the counter of a success or a pass. */
static __always_inline int xdp_rx(struct xdp_md *ctx, __u32 *ifindex, __u32 *stat, __u32 *vni)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const struct ovl_endpoint *ep;
	const struct ovl_cfg *cfg;
	struct rx_outer o = {};
	const struct ovl_vni *v;
	struct ethhdr *inner;
	int ret;

	*stat = OVL_STAT_RX_PASS;
	cfg = config_get();
	if (!cfg)
		return 0;
	ret = rx_outer_parse(data, data_end, cfg, &o);
	if (ret == RX_FRAGMENT)
		*stat = OVL_STAT_RX_FRAGMENT;
	if (ret <= 0 || ret == RX_FRAGMENT)
		return ret < 0 ? ret : 0;
	*vni = o.vni;

	v = bpf_map_lookup_elem(&ovl_vnis, &o.vni);
	if (!v) {
		*stat = OVL_STAT_RX_UNKNOWN_VNI;
		return 0;
	}
	if ((v->flags & OVL_VNI_F_STRICT_SRC) && !bpf_map_lookup_elem(&ovl_peers, &o.peer))
		return -OVL_DROP_PEER_UNKNOWN;

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
		*stat = OVL_STAT_RX_DECAP;
		*ifindex = ep->ifindex;
	} else {
		ep = rx_bcast_owner(inner, data_end, o.vni);
		if (ep)
			*ifindex = ep->ifindex;
		else if ((v->flags & OVL_VNI_F_DIRECT) && v->flood_ifindex)
			*ifindex = v->flood_ifindex;
		else
			return -OVL_DROP_BCAST;
		*stat = OVL_STAT_RX_DECAP_BCAST;
	}

	if (bpf_xdp_adjust_head(ctx, o.hdr_len))
		return -OVL_DROP_ADJUST;
	return OVL_HANDLED;
}

static __always_inline void xdp_drop_event(struct xdp_md *ctx, int reason, __u32 vni, __u32 pkt_len)
{
	const struct ovl_cfg *cfg = config_get();
	struct ovl_evt_buf *b;
	__u32 cap;

	if (!cfg || !(cfg->flags & OVL_CFG_F_DROP_EVENTS))
		return;
	b = evt_start(OVL_EVT_DROP, vni, ctx->ingress_ifindex, pkt_len);
	if (!b)
		return;
	b->evt.reason = reason;
	cap = evt_cap_len(pkt_len, OVL_EVT_DROP_CAP);
	if (cap < 1 || cap > OVL_EVT_DROP_CAP || bpf_xdp_load_bytes(ctx, 0, b->pkt, cap))
		cap = 0;
	if (evt_commit(b, cap))
		stat_add(OVL_STAT_DROP_EVT_LOST, 0);
}

SEC("xdp")
int ovl_xdp_rx(struct xdp_md *ctx)
{
	__u32 pkt_len = ctx->data_end - ctx->data;
	__u32 ifindex = 0, stat = OVL_STAT_RX_PASS, vni = 0;
	int ret;

	ret = xdp_rx(ctx, &ifindex, &stat, &vni);
	if (ret < 0) {
		stat_drop(-ret, pkt_len);
		xdp_drop_event(ctx, -ret, vni, pkt_len);
		return XDP_DROP;
	}
	stat_add(stat, pkt_len);
	if (ret == 0)
		return XDP_PASS;
	test_note_redirect(ifindex, OVL_REDIR_XDP);
	return bpf_redirect(ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
