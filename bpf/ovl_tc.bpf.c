// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovl_tc.bpf.c - TC ingress on an endpoint's host-side veth: every frame a
 * container sends passes here first.
 *
 * Theory of operation
 *
 *   The veth is looked up in ovl_ifaces; it tells the VNI, the endpoint's
 *   MAC, whether its IP addresses are enforced, its DHCP proxy, and whether
 *   it is the network's DHCP server or its router. Then, in this order:
 *
 *   1. Link protection (Crossbow's mac-nospoof/ip-nospoof/restricted): the
 *      source MAC must be the endpoint's; a frame with a VLAN tag is
 *      refused; only IPv4, IPv6 and ARP pass; with OVL_IF_F_IP_NOSPOOF the
 *      source address must be one that ovl_neigh maps to the endpoint's MAC
 *      (DHCP from 0.0.0.0 and DAD from :: are let through), and so must the
 *      sender fields of an ARP packet (the endpoint's own first IPv4 and
 *      IPv6 address, which its ovl_ifaces entry holds, pass without that
 *      lookup). Neighbour discovery must be bare (the IPv6 extension-header
 *      chain is walked for it) and may not speak for others; only the
 *      network's DHCP server (OVL_IF_F_DHCP_SERVER) and its router
 *      (OVL_IF_F_ROUTER) may answer DHCP and DHCPv6 clients, and only the
 *      router may send router advertisements and redirects. The router
 *      forwards others' packets: ovld never gives it OVL_IF_F_IP_NOSPOOF,
 *      but its source MAC is checked as every endpoint's.
 *   2. ARP requests and neighbour solicitations for an address in
 *      ovl_neigh are answered here and the answer goes straight back out of
 *      the veth into the container. Not in the map: a miss event asks ovld,
 *      which injects the answer itself.
 *   3. DHCPv4 broadcasts of an endpoint with a DHCP proxy are rewritten to
 *      the proxy's MAC (the seed's dhcp-proxy) and forwarded as unicast.
 *   4. Unicast, found with one lookup in ovl_fdb whatever the destination
 *      (ovl_endpoints only when that has nothing): a local endpoint of the
 *      same VNI gets the frame by redirect (into its netns directly with
 *      bpf_redirect_peer when it is in another one); a remote MAC (or the
 *      VNI's direct destination) is VXLAN-encapsulated and sent to the
 *      underlay through the kernel's FIB and neighbour tables, whose answer
 *      per VTEP is kept in ovl_nexthops until the host's routing changes
 *      (encap.h). Unknown: a
 *      miss event carries the frame to ovld, which resolves it and
 *      delivers the frame itself.
 *      The overlay's router (the router zone, ovld's) is a local endpoint
 *      on every host with the same anycast MAC, 02:6f:76 and the VNI: a
 *      frame to it goes to this host's router and is never encapsulated,
 *      except a reply in a flow that another host's router started, which
 *      the decapsulation paths pinned in ovl_rflows: that one goes back
 *      through the tunnel to that host, still to the router MAC, so that
 *      the router whose connection tracking knows the flow gets it
 *      (lib/rflow.h). Only frames to the router MAC are looked up there.
 *   5. Other broadcast and multicast is dropped and counted: the backends
 *      have no broadcast domain (as in the seed's files backend). A
 *      point-to-point VNI (OVL_VNI_F_DIRECT) is the exception: its backend
 *      has no proxy data, so ARP requests, neighbour solicitations and all
 *      other broadcast and multicast not answered from ovl_neigh go through
 *      the tunnel, and the far end answers.
 *
 *   Helpers return 0 to continue, OVL_HANDLED when a verdict is set in
 *   struct tc_state, or -OVL_DROP_*; only ovl_tc_ep_in() counts drops.
 *
 *   This file is the order of those steps and what each one decides; how
 *   a frame is taken apart or rewritten is in lib/: arp.h and ndp.h (the
 *   answers), dhcp.h, ip6.h (the extension-header chain), encap.h (VXLAN,
 *   route, source port), rflow.h (flows pinned to another host's router),
 *   icmp.h (too big for the tunnel) and csum.h.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
#include "lib/compat.h"
#include "ovl_abi.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/csum.h"
#include "lib/verdict.h"
#include "lib/arp.h"
#include "lib/ndp.h"
#include "lib/ip6.h"
#include "lib/rflow.h"
#include "lib/dhcp.h"
#include "lib/encap.h"
#include "lib/icmp.h"

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

/* Who may answer DHCP and DHCPv6 clients: the network's DHCP server and its
 * router (the router zone runs the overlay's DHCP service). */
#define IF_MAY_SERVE_DHCP (OVL_IF_F_DHCP_SERVER | OVL_IF_F_ROUTER)

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
	    !src_owned(ifc, OVL_AF_INET4, arp->ar_sip))
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
	struct dhcp4_kind dhcp = {};
	const __u8 *chaddr;
	struct ethhdr *eth;
	struct iphdr *ip;

	eth = cur_pull_type(&c, struct ethhdr);
	ip = cur_pull_type(&c, struct iphdr);
	if (!eth || !ip)
		return -OVL_DROP_TRUNCATED;
	dhcp4_classify(&c, ip, &dhcp);

	if (ifc->flags & OVL_IF_F_IP_NOSPOOF) {
		if (ip->saddr == 0) {
			if (!dhcp.client)
				return -OVL_DROP_SPOOF_IP;
		} else if (!src_owned(ifc, OVL_AF_INET4, &ip->saddr)) {
			return -OVL_DROP_SPOOF_IP;
		}
	}
	/* Only the network's DHCP server (or router) answers clients: an OFFER or ACK
	 * from anyone else hands out its own addresses, gateway and DNS
	 * server. Clients listen on port 68 and take a reply from any source
	 * port (busybox udhcpc and ISC dhclient filter on the destination
	 * port only), so every datagram to 68 counts. */
	if (dhcp.to_client && !(ifc->flags & IF_MAY_SERVE_DHCP))
		return -OVL_DROP_DHCP_SERVER;
	if (!mac_is_multicast(eth->h_dest))
		return 0;

	/* The seed's dhcp-proxy: a DHCP broadcast goes to one known server. */
	if (dhcp.client && (ifc->flags & OVL_IF_F_DHCP_PROXY)) {
		mac_copy(eth->h_dest, ifc->dhcp_mac);
		stat_add(OVL_STAT_DHCP_PROXY, skb->len);
		return 0;
	}
	/* And the server's answer, when it broadcasts it (a client that asks
	 * for broadcast replies, RFC 2131 section 4.1), goes to the client
	 * whose hardware address it names: there is no broadcast domain. */
	if (dhcp.server) {
		chaddr = dhcp4_reply_chaddr(&c);
		if (chaddr) {
			mac_copy(eth->h_dest, chaddr);
			stat_add(OVL_STAT_DHCP_REPLY, skb->len);
		}
	}
	return 0;
}

/* ---- 1./2. IPv6 and neighbour discovery -------------------------------- */

/*
 * What an extension header must not hide, and what only the network's DHCP
 * server and router may send. ch describes the packet's header chain, which ends in
 * an upper-layer header that is in this packet (no later fragment).
 *
 * Neighbour discovery (RFC 4861 types 133-137) is sent bare: the proxy
 * below answers and checks only that form, and an NA or RA behind a
 * Destination Options, Hop-by-Hop, Routing or Fragment header would reach
 * the other endpoints unchecked, with the same effect on their neighbour
 * caches and routes (the receiver skips the options it does not know).
 * Behind any extension header it is refused as spoofed; in a fragment a
 * receiver must ignore it anyway (RFC 6980 section 5). MLD (130-132, 143),
 * which does carry a Hop-by-Hop header, is not neighbour discovery.
 *
 * A DHCPv6 reply goes to the client port, 546 (RFC 8415 section 7.2);
 * clients take it whatever its source port, so every datagram to 546 from
 * an endpoint that is neither the network's DHCP server nor its router is
 * refused. Neighbour discovery behind extension headers is refused from
 * the router too: it sends its advertisements bare, as everyone does.
 */
static __always_inline int tc_ip6_upper(struct __sk_buff *skb, const struct ovl_iface *ifc,
					const struct ip6_chain *ch)
{
	int ret;

	if (ch->proto == IPPROTO_ICMPV6 && ch->nhdrs) {
		__u8 type;

		ret = ip6_upper_load(skb, ch, &type, sizeof(type));
		if (ret)
			return ret;
		if (type >= ND_ROUTER_SOLICIT && type <= ND_REDIRECT)
			return -OVL_DROP_SPOOF_ND;
	} else if (ch->proto == IPPROTO_UDP && !(ifc->flags & IF_MAY_SERVE_DHCP)) {
		__be16 ports[2];

		ret = ip6_upper_load(skb, ch, ports, sizeof(ports));
		if (ret)
			return ret;
		if (ports[1] == bpf_htons(DHCP6_CLIENT_PORT))
			return -OVL_DROP_DHCP_SERVER;
	}
	return 0;
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
	struct ip6_chain ch;
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	__u8 req_mac[6];
	bool is_ns;
	int ret;

	eth = cur_pull_type(&c, struct ethhdr);
	ip6 = cur_pull_type(&c, struct ipv6hdr);
	if (!eth || !ip6)
		return -OVL_DROP_TRUNCATED;
	ret = ip6_chain_walk(skb, ip6, &ch);
	if (!ret && !ch.later_frag)
		ret = tc_ip6_upper(skb, ifc, &ch);
	if (ret)
		return ret;
	peek = c.pos;
	is_ns = ip6->nexthdr == IPPROTO_ICMPV6 && (void *)(peek + 1) <= data_end &&
		peek->type == NDISC_NEIGHBOUR_SOLICITATION;

	if (ifc->flags & OVL_IF_F_IP_NOSPOOF) {
		if (in6_is_zero(&ip6->saddr)) {
			if (!is_ns) /* only DAD may come from :: */
				return mac_is_multicast(eth->h_dest) ? -OVL_DROP_BCAST :
								       -OVL_DROP_SPOOF_IP;
		} else if (!src_owned(ifc, OVL_AF_INET6, &ip6->saddr)) {
			return -OVL_DROP_SPOOF_IP;
		}
	}
	if (!is_ns && ip6->nexthdr != IPPROTO_ICMPV6)
		return 0;
	if (!is_ns)
		return nd_protect(&c, ip6, ifc->vni, ifc->mac, ifc->flags & OVL_IF_F_IP_NOSPOOF,
				  ifc->flags & OVL_IF_F_ROUTER);

	ret = ns_parse(&c, ip6, &ni);
	if (ret)
		return ret;
	/* The SLLA becomes the asker's entry in the answerer's cache. */
	if (ni.has_slla && !mac_eq(ni.slla, ifc->mac))
		return -OVL_DROP_SPOOF_ND;
	mac_copy(req_mac, eth->h_source);
	n = neigh_lookup(ifc->vni, OVL_AF_INET6, &ni.target);
	if (n) {
		/* DAD or NUD for the endpoint's own address: nobody answers. */
		if (mac_eq(n->mac, ifc->mac))
			return -OVL_DROP_DAD;
		ret = na_reply_write(skb, &ni, n, req_mac);
		return ret ?: redirect_self(st, OVL_STAT_NDP_REPLY);
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

/* The frame is too big for the tunnel: answer the sender as a router on
 * the path would (icmp.h), straight back into the container. */
static __always_inline int tc_too_big(struct __sk_buff *skb, struct tc_state *st, __u32 mtu)
{
	int ret = icmp_too_big(skb, mtu);

	return ret ?: redirect_self(st, OVL_STAT_ICMP_TOO_BIG);
}

/*
 * Encapsulate the frame toward d and redirect it to the underlay (encap.h).
 * The route and the MTU are checked before the frame is touched.
 */
static __always_inline int tc_encap(struct __sk_buff *skb, struct tc_state *st,
				    const struct ovl_cfg *cfg, const struct ovl_dest *d, __u32 vni)
{
	bool v4 = d->family == OVL_AF_INET4;
	bool is_ip = skb->protocol == bpf_htons(ETH_P_IP) || skb->protocol == bpf_htons(ETH_P_IPV6);
	/* skb_is_gso(): gso_segs may still be 0 (SKB_GSO_DODGY, from a tap
	 * or a packet socket) or 1 on a GSO packet */
	bool gso = skb->gso_size != 0;
	__u32 inner_len = skb->len;
	struct bpf_fib_lookup fib = {};
	struct ethhdr inner_eth;
	__u32 room, udp_len, ip_len;
	__be16 sport;
	int ret, err;

	if (v4 ? !cfg->local4 : in6_is_zero((const struct in6_addr *)cfg->local6))
		return -OVL_DROP_NO_LOCAL_ADDR;
	room = v4 ? OVL_ENCAP4_LEN : OVL_ENCAP6_LEN;
	udp_len = inner_len + sizeof(struct udphdr) + sizeof(struct vxlan_hdr);
	ip_len = udp_len + (v4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr));
	/* A GSO packet is as long as all its segments together: the length
	 * that must fit is a segment's, which the endpoint's MTU bounds (ovld
	 * and the CNI plugin leave room for the outer headers there). */
	ret = encap_route(skb, cfg, d, &fib, gso ? 0 : ip_len);
	if (ret == -OVL_DROP_MTU)
		return tc_too_big(skb, st, fib.mtu_result - room);
	if (ret < 0)
		return ret;
	/* The kernel checked a GSO packet's segments without our headers. */
	if (gso && ret == 0) {
		__u32 seg = gso_seg_len(skb);

		if (seg && seg + room > fib.mtu_result)
			return tc_too_big(skb, st, fib.mtu_result - room);
	}
	/* bpf_redirect_neigh() takes the outer family from skb->protocol,
	 * which bpf_skb_change_head() leaves at ETH_P_ARP for a non-IP frame:
	 * the kernel would free it without resolving anything. Until the next
	 * hop is known such a frame cannot leave; drop it here, counted,
	 * rather than count it as sent. */
	if (ret == 1 && !is_ip)
		return -OVL_DROP_FIB;

	sport = flow_sport(skb);
	err = encap_grow(skb, v4, is_ip, room, &inner_eth);
	if (err)
		return err;
	if (v4) {
		err = encap4_write(skb, cfg, d, &fib, &inner_eth, sport, udp_len, vni, is_ip);
		st->stat = OVL_STAT_TX_ENCAP4;
	} else {
		err = encap6_write(skb, cfg, d, &fib, &inner_eth, sport, udp_len, vni, is_ip, gso);
		st->stat = OVL_STAT_TX_ENCAP6;
	}
	if (err)
		return err;
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

/* To a local endpoint of the same VNI: straight into its veth. */
static __always_inline int tc_local(struct tc_state *st, const struct ovl_endpoint *ep)
{
	if (ep->ifindex == st->ifindex)
		return -OVL_DROP_HAIRPIN;
	st->stat = OVL_STAT_TX_LOCAL;
	/* not past a shaped endpoint's qdisc (OVL_EP_F_SHAPED) */
	if ((ep->flags & (OVL_EP_F_PEER_NETNS | OVL_EP_F_SHAPED)) == OVL_EP_F_PEER_NETNS) {
		test_note_redirect(ep->ifindex, OVL_REDIR_PEER);
		st->verdict = bpf_redirect_peer(ep->ifindex, 0);
	} else {
		test_note_redirect(ep->ifindex, OVL_REDIR_EGRESS);
		st->verdict = bpf_redirect(ep->ifindex, 0);
	}
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

	/* To the router MAC: a reply in a flow another host's router started
	 * goes back to that host (rflow.h); the rest to the local router
	 * below. The router itself never sends to its own MAC. */
	if (mac_is_router(key.mac, key.vni) && !(st->ifc->flags & OVL_IF_F_ROUTER)) {
		d = rflow_lookup(skb, eth->h_proto, key.vni);
		if (d)
			goto encap;
	}

	/* One lookup for a local or a remote MAC (ovl_abi.h, ovl_fdb); the
	 * endpoints map only when ovl_fdb lacks a local entry. */
	d = bpf_map_lookup_elem(&ovl_fdb, &key);
	if (d && d->family == OVL_AF_LOCAL)
		return tc_local(st, (const struct ovl_endpoint *)d->addr);
	if (d)
		goto encap;
	ep = bpf_map_lookup_elem(&ovl_endpoints, &key);
	if (ep)
		return tc_local(st, ep);
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
	/* An 802.1Q/802.1ad tag would leave on the underlay with the VXLAN
	 * packet and choose its VLAN there. The kernel has usually moved the
	 * outer tag into the skb before we run (skb_vlan_untag() in
	 * __netif_receive_skb_core()); a second tag (QinQ), or one it left in
	 * the frame, shows as the EtherType. */
	if (skb->vlan_present || eth->h_proto == bpf_htons(ETH_P_8021Q) ||
	    eth->h_proto == bpf_htons(ETH_P_8021AD))
		return -OVL_DROP_VLAN;

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
	if (!cap || bpf_skb_load_bytes(skb, 0, b->pkt, cap))
		cap = 0;
	if (evt_commit(b, cap))
		return OVL_DROP_MISS_RB_FULL;
	stat_add(st->miss_type == OVL_EVT_MISS_L2  ? OVL_STAT_MISS_L2 :
		 st->miss_type == OVL_EVT_MISS_ARP ? OVL_STAT_MISS_ARP :
						     OVL_STAT_MISS_NDP,
		 skb->len);
	return OVL_DROP_MISS;
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
		/* a miss went to ovld, which delivers the frame: not a drop of
		 * the network */
		if (st.ifc && ret != -OVL_DROP_MISS)
			vstat_drop(st.ifc->vni, -ret, len);
		/* a miss already went to ovld; rate-limited ones must not come
		 * back as a drop event each */
		if (ret != -OVL_DROP_MISS && ret != -OVL_DROP_MISS_RL)
			skb_drop_event(skb, -ret, st.ifc ? st.ifc->vni : 0, st.ifindex, 0, NULL);
		return TC_ACT_SHOT;
	}
	if (ret == 0) /* verified and nothing else to do: cannot happen */
		return TC_ACT_SHOT;
	stat_add(st.stat, len);
	if (st.ifc && vstat_of(st.stat) < OVL_VSTAT_MAX)
		vstat_fwd(st.ifc->vstat_slot, st.ifc->vni, vstat_of(st.stat), len);
	return st.verdict;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
