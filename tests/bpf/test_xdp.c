// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_xdp.c - ovl_xdp_rx, VXLAN decapsulation on the underlay, frame by
 * frame through BPF_PROG_TEST_RUN. harness.h describes the network and the
 * world (h_world) every case starts from: this host is LOCAL4/LOCAL6 on
 * ul0, A1 (ep0h) and A2 (ep1h) are local endpoints of VNI_A, B1 (ep2h,
 * same MAC as A1) of VNI_B, which only accepts frames from VTEP4.
 */
#include <arpa/inet.h>
#include <string.h>
#include "harness.h"

/* ---- frames -------------------------------------------------------------- */

/* The inner frame R1 -> dst_mac: IPv4/UDP with a payload. */
static void inner_udp(struct pkt *p, const char *dst_mac)
{
	pkt_eth(p, dst_mac, R1_MAC, ETH_P_IP);
	pkt_ip4(p, R1_IP4, A1_IP4, IPPROTO_UDP);
	pkt_udp(p, 40000, 5001, true);
	pkt_pattern(p, 64, 1);
}

/* A flooded ARP request from R1 for tip. */
static void inner_arp(struct pkt *p, const char *tip)
{
	pkt_eth(p, "ff:ff:ff:ff:ff:ff", R1_MAC, ETH_P_ARP);
	pkt_arp(p, 1, R1_MAC, R1_IP4, NULL, tip);
}

/* A flooded neighbour solicitation from R1 for A1_IP6. */
static void inner_ns(struct pkt *p)
{
	struct ipv6hdr *ip6;

	pkt_eth(p, "33:33:ff:00:00:01", R1_MAC, ETH_P_IPV6);
	ip6 = pkt_ip6(p, R1_IP6, "ff02::1:ff00:1", 58);
	ip6->hop_limit = 255;
	pkt_ns(p, A1_IP6, R1_MAC);
}

/* Outer Ethernet + IPv4 src -> dst + UDP to port + VXLAN vni. */
static struct iphdr *outer4_to(struct pkt *p, const char *src, const char *dst, uint16_t port,
			       uint32_t vni)
{
	struct iphdr *ip;

	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IP);
	ip = pkt_ip4(p, src, dst, IPPROTO_UDP);
	pkt_udp(p, 51000, port, false); /* RFC 7348: zero is fine over IPv4 */
	pkt_vxlan(p, vni);
	return ip;
}

static struct iphdr *outer4(struct pkt *p, const char *src, uint16_t port, uint32_t vni)
{
	return outer4_to(p, src, LOCAL4, port, vni);
}

static void outer6(struct pkt *p, const char *src, uint16_t port, uint32_t vni)
{
	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IPV6);
	pkt_ip6(p, src, LOCAL6, IPPROTO_UDP);
	pkt_udp(p, 51000, port, true);
	pkt_vxlan(p, vni);
}

static void b_decap4(struct pkt *p)
{
	outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	inner_udp(p, A1_MAC);
	pkt_finish(p);
}

static void b_decap6(struct pkt *p)
{
	outer6(p, VTEP6, VXLAN_PORT, VNI_A);
	inner_udp(p, A1_MAC);
	pkt_finish(p);
}

/* A 2-byte datagram: 30 bytes of IPv4, shorter than the outer IPv6 header. */
static void inner_udp_short(struct pkt *p)
{
	pkt_eth(p, A1_MAC, R1_MAC, ETH_P_IP);
	pkt_ip4(p, R1_IP4, A1_IP4, IPPROTO_UDP);
	pkt_udp(p, 40000, 5001, true);
	pkt_pattern(p, 2, 1);
}

static void b_decap6_short(struct pkt *p)
{
	outer6(p, VTEP6, VXLAN_PORT, VNI_A);
	inner_udp_short(p);
	pkt_finish(p);
}

static void b_decap6_arp(struct pkt *p)
{
	outer6(p, VTEP6, VXLAN_PORT, VNI_A);
	inner_arp(p, A1_IP4);
	pkt_finish(p);
}

static void b_decap4_a2(struct pkt *p)
{
	outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	inner_udp(p, A2_MAC);
	pkt_finish(p);
}

static void b_decap4_ipopts(struct pkt *p)
{
	/* NOP, NOP, NOP, end of options (RFC 791): ihl 6 */
	static const uint8_t opts[] = { 1, 1, 1, 0, 1, 1, 1, 0 };

	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IP);
	pkt_ip4_opts(p, VTEP4, LOCAL4, IPPROTO_UDP, opts, sizeof(opts));
	pkt_udp(p, 51000, VXLAN_PORT, false);
	pkt_vxlan(p, VNI_A);
	inner_udp(p, A1_MAC);
	pkt_finish(p);
}

static void b_decap4_udpcsum(struct pkt *p)
{
	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IP);
	pkt_ip4(p, VTEP4, LOCAL4, IPPROTO_UDP);
	pkt_udp(p, 51000, VXLAN_PORT, true);
	pkt_vxlan(p, VNI_A);
	inner_udp(p, A1_MAC);
	pkt_finish(p);
}

static void b_vni_b_peer(struct pkt *p)
{
	outer4(p, VTEP4, VXLAN_PORT, VNI_B);
	inner_udp(p, B1_MAC);
	pkt_finish(p);
}

static void b_vni_b_stranger4(struct pkt *p)
{
	outer4(p, VTEP4_B, VXLAN_PORT, VNI_B);
	inner_udp(p, B1_MAC);
	pkt_finish(p);
}

static void b_vni_b_stranger6(struct pkt *p)
{
	outer6(p, VTEP6, VXLAN_PORT, VNI_B);
	inner_udp(p, B1_MAC);
	pkt_finish(p);
}

static void b_wrong_port(struct pkt *p)
{
	outer4(p, VTEP4, 4790, VNI_A);
	inner_udp(p, A1_MAC);
	pkt_finish(p);
}

static void b_wrong_port6(struct pkt *p)
{
	outer6(p, VTEP6, 8472, VNI_A);
	inner_udp(p, A1_MAC);
	pkt_finish(p);
}

static void b_not_our_addr4(struct pkt *p)
{
	outer4_to(p, VTEP4, "10.99.0.9", VXLAN_PORT, VNI_A);
	inner_udp(p, A1_MAC);
	pkt_finish(p);
}

static void b_not_our_addr6(struct pkt *p)
{
	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IPV6);
	pkt_ip6(p, VTEP6, "fd99::9", IPPROTO_UDP);
	pkt_udp(p, 51000, VXLAN_PORT, true);
	pkt_vxlan(p, VNI_A);
	inner_udp(p, A1_MAC);
	pkt_finish(p);
}

static void b_unknown_vni(struct pkt *p)
{
	outer4(p, VTEP4, VXLAN_PORT, VNI_X);
	inner_udp(p, A1_MAC);
	pkt_finish(p);
}

static void vx_raw(struct pkt *p, uint32_t flags, uint32_t vni_word)
{
	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IP);
	pkt_ip4(p, VTEP4, LOCAL4, IPPROTO_UDP);
	pkt_udp(p, 51000, VXLAN_PORT, false);
	pkt_vxlan_raw(p, flags, vni_word);
	inner_udp(p, A1_MAC);
	pkt_finish(p);
}

static void b_flags_no_i(struct pkt *p)
{
	vx_raw(p, 0, VNI_A << 8);
}

static void b_flags_reserved(struct pkt *p)
{
	vx_raw(p, PKT_VXLAN_I | 0x04000000u, VNI_A << 8); /* a reserved flag bit */
}

static void b_flags_gbp(struct pkt *p)
{
	vx_raw(p, PKT_VXLAN_I | 0x80000000u | 0x0042u, VNI_A << 8); /* VXLAN-GBP's G bit + policy */
}

static void b_vni_low_byte(struct pkt *p)
{
	vx_raw(p, PKT_VXLAN_I, VNI_A << 8 | 0x01); /* the reserved byte after the VNI */
}

/* Truncated frames: a whole decap frame cut at len bytes. */
static void b_cut(struct pkt *p, size_t len)
{
	b_decap4(p);
	pkt_truncate(p, len);
}

static void b_cut_in_vxlan(struct pkt *p)
{
	b_cut(p, 14 + 20 + 8 + 4);
}

static void b_cut_before_inner(struct pkt *p)
{
	b_cut(p, 14 + 20 + 8 + 8);
}

static void b_cut_in_inner(struct pkt *p)
{
	b_cut(p, 14 + 20 + 8 + 8 + 10);
}

static void b_cut_in_ip(struct pkt *p)
{
	b_cut(p, 14 + 12);
}

static void b_cut_in_udp(struct pkt *p)
{
	b_cut(p, 14 + 20 + 4);
}

static void b_cut_in_ip6(struct pkt *p)
{
	b_decap6(p);
	pkt_truncate(p, 14 + 30);
}

static void b_cut_in_vxlan6(struct pkt *p)
{
	b_decap6(p);
	pkt_truncate(p, 14 + 40 + 8 + 7);
}

/* An outer IPv4 header whose ihl says 60 bytes in a frame that ends first. */
static void b_ihl_past_end(struct pkt *p)
{
	struct iphdr *ip;

	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IP);
	ip = pkt_ip4(p, VTEP4, LOCAL4, IPPROTO_UDP);
	pkt_pattern(p, 20, 9);
	pkt_finish(p);
	ip->ihl = 15;
}

static void b_frag_mf(struct pkt *p)
{
	struct iphdr *ip = outer4(p, VTEP4, VXLAN_PORT, VNI_A);

	inner_udp(p, A1_MAC);
	pkt_finish(p);
	ip->frag_off = htons(0x2000); /* more fragments */
	pkt_finish(p);
}

static void b_frag_offset(struct pkt *p)
{
	struct iphdr *ip = outer4(p, VTEP4, VXLAN_PORT, VNI_A);

	inner_udp(p, A1_MAC);
	pkt_finish(p);
	ip->frag_off = htons(185); /* a later fragment: 1480 bytes in */
	pkt_finish(p);
}

static void b_frag_df(struct pkt *p)
{
	struct iphdr *ip = outer4(p, VTEP4, VXLAN_PORT, VNI_A);

	inner_udp(p, A1_MAC);
	ip->frag_off = htons(0x4000); /* DF is not a fragment */
	pkt_finish(p);
}

static void b_no_endpoint(struct pkt *p)
{
	outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	inner_udp(p, UNKNOWN_MAC);
	pkt_finish(p);
}

static void b_other_tenant_mac(struct pkt *p)
{
	/* B2 exists, but in VNI_B: not reachable from VNI_A */
	outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	inner_udp(p, B2_MAC);
	pkt_finish(p);
}

static void b_flood_arp(struct pkt *p)
{
	outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	inner_arp(p, A1_IP4);
	pkt_finish(p);
}

static void b_flood_arp_b(struct pkt *p)
{
	outer4(p, VTEP4, VXLAN_PORT, VNI_B);
	inner_arp(p, B1_IP4);
	pkt_finish(p);
}

static void b_flood_arp_remote(struct pkt *p)
{
	outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	inner_arp(p, R2_IP4); /* known, but not a local endpoint */
	pkt_finish(p);
}

static void b_flood_arp_unknown(struct pkt *p)
{
	outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	inner_arp(p, "10.23.0.99");
	pkt_finish(p);
}

static void b_flood_arp_reply(struct pkt *p)
{
	/* a broadcast ARP reply (gratuitous): asks nothing, nobody owns it */
	outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	pkt_eth(p, "ff:ff:ff:ff:ff:ff", R1_MAC, ETH_P_ARP);
	pkt_arp(p, 2, R1_MAC, R1_IP4, NULL, A1_IP4);
	pkt_finish(p);
}

static void b_flood_ns(struct pkt *p)
{
	outer6(p, VTEP6, VXLAN_PORT, VNI_A);
	inner_ns(p);
	pkt_finish(p);
}

static void b_inner_mcast(struct pkt *p)
{
	outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	pkt_eth(p, "01:00:5e:00:00:fb", R1_MAC, ETH_P_IP);
	pkt_ip4(p, R1_IP4, "224.0.0.251", IPPROTO_UDP);
	pkt_udp(p, 5353, 5353, true);
	pkt_pattern(p, 32, 2);
	pkt_finish(p);
}

/* ---- traffic that is not ours ----------------------------------------------- */

static void b_host_tcp(struct pkt *p)
{
	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IP);
	pkt_ip4(p, VTEP4, LOCAL4, IPPROTO_TCP);
	pkt_tcp(p, 33000, 22);
	pkt_pattern(p, 40, 5);
	pkt_finish(p);
}

static void b_host_udp_dns(struct pkt *p)
{
	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IP);
	pkt_ip4(p, VTEP4, LOCAL4, IPPROTO_UDP);
	pkt_udp(p, 53, 33000, true);
	pkt_pattern(p, 60, 6);
	pkt_finish(p);
}

static void b_host_arp(struct pkt *p)
{
	pkt_eth(p, "ff:ff:ff:ff:ff:ff", VTEP_MAC, ETH_P_ARP);
	pkt_arp(p, 1, VTEP_MAC, VTEP4, NULL, LOCAL4);
	pkt_finish(p);
}

static void b_host_ns(struct pkt *p)
{
	struct ipv6hdr *ip6;

	pkt_eth(p, "33:33:ff:00:00:01", VTEP_MAC, ETH_P_IPV6);
	ip6 = pkt_ip6(p, VTEP6, "ff02::1:ff00:1", 58);
	ip6->hop_limit = 255;
	pkt_ns(p, LOCAL6, VTEP_MAC);
	pkt_finish(p);
}

static void b_host_vlan(struct pkt *p)
{
	/* VXLAN to us, but in an 802.1Q tag: the stack's business */
	pkt_eth(p, UL_MAC, VTEP_MAC, 0x8100);
	pkt_vlan(p, 10, ETH_P_IP);
	pkt_ip4(p, VTEP4, LOCAL4, IPPROTO_UDP);
	pkt_udp(p, 51000, VXLAN_PORT, false);
	pkt_vxlan(p, VNI_A);
	inner_udp(p, A1_MAC);
	pkt_finish(p);
}

static void b_host_ipv6_exthdr(struct pkt *p)
{
	/* a hop-by-hop header in front of UDP: VTEPs do not send those */
	uint8_t *hbh;

	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IPV6);
	pkt_ip6(p, VTEP6, LOCAL6, 0);
	hbh = pkt_put(p, 8);
	hbh[0] = IPPROTO_UDP;
	hbh[2] = 1, hbh[3] = 4; /* PadN covering the rest */
	pkt_udp(p, 51000, VXLAN_PORT, false);
	pkt_vxlan(p, VNI_A);
	inner_udp(p, A1_MAC);
	pkt_finish(p);
}

static void b_runt(struct pkt *p)
{
	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IP);
	pkt_finish(p);
}

static void b_ip_version_5(struct pkt *p)
{
	struct iphdr *ip = outer4(p, VTEP4, VXLAN_PORT, VNI_A);

	inner_udp(p, A1_MAC);
	pkt_finish(p);
	ip->version = 5;
}

/* ---- expected outputs ---------------------------------------------------------- */

static void e_inner_a1(struct pkt *w, const struct pkt *in, const struct h_result *r)
{
	(void)in, (void)r;
	inner_udp(w, A1_MAC);
	pkt_finish(w);
}

static void e_inner_short(struct pkt *w, const struct pkt *in, const struct h_result *r)
{
	(void)in, (void)r;
	inner_udp_short(w);
	pkt_finish(w);
}

static void e_inner_a2(struct pkt *w, const struct pkt *in, const struct h_result *r)
{
	(void)in, (void)r;
	inner_udp(w, A2_MAC);
	pkt_finish(w);
}

static void e_inner_arp_a1(struct pkt *w, const struct pkt *in, const struct h_result *r)
{
	(void)in, (void)r;
	inner_arp(w, A1_IP4);
	pkt_finish(w);
}

static void e_inner_arp_b1(struct pkt *w, const struct pkt *in, const struct h_result *r)
{
	(void)in, (void)r;
	inner_arp(w, B1_IP4);
	pkt_finish(w);
}

static void e_inner_ns(struct pkt *w, const struct pkt *in, const struct h_result *r)
{
	(void)in, (void)r;
	inner_ns(w);
	pkt_finish(w);
}

/* ---- drop events ------------------------------------------------------------------ */

static const struct h_ent drop_events_on[] = {
	E_CFG(LOCAL4, LOCAL6, OVL_CFG_F_DROP_EVENTS),
	E_END,
};

static bool ck_evt_flags(const struct h_case *c, const struct pkt *in, const struct h_result *r)
{
	/* the VNI is not trusted before the flags are: reported as 0 */
	return h_evt_check(c->name, r, 0, OVL_EVT_DROP, 0, H_IF_UL, OVL_DROP_VXLAN_FLAGS, NULL,
			   NULL, in, OVL_EVT_DROP_CAP);
}

/* The refused outer source travels in the event: what an operator asks
 * first about a peer_unknown drop. */
static bool ck_evt_peer(const struct h_case *c, const struct pkt *in, const struct h_result *r)
{
	return h_evt_check(c->name, r, 0, OVL_EVT_DROP, VNI_B, H_IF_UL, OVL_DROP_PEER_UNKNOWN, NULL,
			   VTEP4_B, in, OVL_EVT_DROP_CAP);
}

static bool ck_evt_peer6(const struct h_case *c, const struct pkt *in, const struct h_result *r)
{
	return h_evt_check(c->name, r, 0, OVL_EVT_DROP, VNI_B, H_IF_UL, OVL_DROP_PEER_UNKNOWN, NULL,
			   VTEP6, in, OVL_EVT_DROP_CAP);
}

static bool ck_evt_noep(const struct h_case *c, const struct pkt *in, const struct h_result *r)
{
	/* other drops name no address */
	return h_evt_check(c->name, r, 0, OVL_EVT_DROP, VNI_A, H_IF_UL, OVL_DROP_NO_ENDPOINT, NULL,
			   NULL, in, OVL_EVT_DROP_CAP);
}

static bool ck_evt_short(const struct h_case *c, const struct pkt *in, const struct h_result *r)
{
	/* shorter than OVL_EVT_DROP_CAP: the whole frame */
	return h_evt_check(c->name, r, 0, OVL_EVT_DROP, 0, H_IF_UL, OVL_DROP_TRUNCATED, NULL, NULL,
			   in, (uint32_t)in->len);
}

/* ---- the tables ---------------------------------------------------------------------- */

#define XDP_CASE .prog = H_XDP, .ifc = H_IF_UL, .world = h_world
#define DECAP_TO(i)                                                                                \
	.verdict = XDP_REDIRECT, .out = H_OUT_BYTES, .redir_if = (i), .redir_how = OVL_REDIR_XDP
#define PASSED(stat) .verdict = XDP_PASS, .out = H_OUT_UNCHANGED, .stats = { { (stat), 1 } }
#define DROPPED(why)                                                                               \
	.verdict = XDP_DROP, .out = H_OUT_UNCHANGED, .stats = { { OVL_STAT_DROP(why), 1 } }

static const struct h_case decap_cases[] = {
	{ .name = "decap v4 underlay",
	  XDP_CASE,
	  .build = b_decap4,
	  DECAP_TO(H_IF_EP0),
	  .expect = e_inner_a1,
	  .stats = { { OVL_STAT_RX_DECAP, 1 } } },
	{ .name = "decap v6 underlay",
	  XDP_CASE,
	  .build = b_decap6,
	  DECAP_TO(H_IF_EP0),
	  .expect = e_inner_a1,
	  .stats = { { OVL_STAT_RX_DECAP, 1 } } },
	{ .name = "decap v6 underlay, 30 bytes of IPv4 inside",
	  XDP_CASE,
	  .build = b_decap6_short,
	  DECAP_TO(H_IF_EP0),
	  .expect = e_inner_short,
	  .stats = { { OVL_STAT_RX_DECAP, 1 } } },
	{ .name = "decap to the second endpoint",
	  XDP_CASE,
	  .build = b_decap4_a2,
	  DECAP_TO(H_IF_EP1),
	  .expect = e_inner_a2,
	  .stats = { { OVL_STAT_RX_DECAP, 1 } } },
	{ .name = "decap v4 outer with IP options",
	  XDP_CASE,
	  .build = b_decap4_ipopts,
	  DECAP_TO(H_IF_EP0),
	  .expect = e_inner_a1,
	  .stats = { { OVL_STAT_RX_DECAP, 1 } } },
	{ .name = "decap v4 outer with a UDP checksum",
	  XDP_CASE,
	  .build = b_decap4_udpcsum,
	  DECAP_TO(H_IF_EP0),
	  .expect = e_inner_a1,
	  .stats = { { OVL_STAT_RX_DECAP, 1 } } },
	{ .name = "decap v4 outer with DF",
	  XDP_CASE,
	  .build = b_frag_df,
	  DECAP_TO(H_IF_EP0),
	  .expect = e_inner_a1,
	  .stats = { { OVL_STAT_RX_DECAP, 1 } } },
	{ .name = "strict VNI, known peer: decap to B1 (same MAC as A1)",
	  XDP_CASE,
	  .build = b_vni_b_peer,
	  DECAP_TO(H_IF_EP2),
	  .expect = e_inner_a1,
	  .stats = { { OVL_STAT_RX_DECAP, 1 } } },
	{ .name = "flooded ARP request to the owner of the target",
	  XDP_CASE,
	  .build = b_flood_arp,
	  DECAP_TO(H_IF_EP0),
	  .expect = e_inner_arp_a1,
	  .stats = { { OVL_STAT_RX_DECAP_BCAST, 1 } } },
	{ .name = "flooded ARP request behind a v6 underlay",
	  XDP_CASE,
	  .build = b_decap6_arp,
	  DECAP_TO(H_IF_EP0),
	  .expect = e_inner_arp_a1,
	  .stats = { { OVL_STAT_RX_DECAP_BCAST, 1 } } },
	{ .name = "flooded ARP request in VNI_B to its owner",
	  XDP_CASE,
	  .build = b_flood_arp_b,
	  DECAP_TO(H_IF_EP2),
	  .expect = e_inner_arp_b1,
	  .stats = { { OVL_STAT_RX_DECAP_BCAST, 1 } } },
	{ .name = "flooded NS to the owner of the target",
	  XDP_CASE,
	  .build = b_flood_ns,
	  DECAP_TO(H_IF_EP0),
	  .expect = e_inner_ns,
	  .stats = { { OVL_STAT_RX_DECAP_BCAST, 1 } } },
};

static const struct h_case reject_cases[] = {
	{ .name = "wrong UDP port (4790)",
	  XDP_CASE,
	  .build = b_wrong_port,
	  PASSED(OVL_STAT_RX_PASS) },
	{ .name = "wrong UDP port over IPv6 (8472)",
	  XDP_CASE,
	  .build = b_wrong_port6,
	  PASSED(OVL_STAT_RX_PASS) },
	{ .name = "VXLAN to another IPv4 address",
	  XDP_CASE,
	  .build = b_not_our_addr4,
	  PASSED(OVL_STAT_RX_PASS) },
	{ .name = "VXLAN to another IPv6 address",
	  XDP_CASE,
	  .build = b_not_our_addr6,
	  PASSED(OVL_STAT_RX_PASS) },
	{ .name = "unknown VNI is passed",
	  XDP_CASE,
	  .build = b_unknown_vni,
	  PASSED(OVL_STAT_RX_UNKNOWN_VNI) },
	{ .name = "I flag clear: no network's drop (its VNI is not trusted)",
	  XDP_CASE,
	  .build = b_flags_no_i,
	  DROPPED(OVL_DROP_VXLAN_FLAGS),
	  .vcheck = true },
	{ .name = "reserved flag bit set",
	  XDP_CASE,
	  .build = b_flags_reserved,
	  DROPPED(OVL_DROP_VXLAN_FLAGS) },
	{ .name = "VXLAN-GBP flags",
	  XDP_CASE,
	  .build = b_flags_gbp,
	  DROPPED(OVL_DROP_VXLAN_FLAGS) },
	{ .name = "reserved byte after the VNI set",
	  XDP_CASE,
	  .build = b_vni_low_byte,
	  DROPPED(OVL_DROP_VXLAN_FLAGS) },
	{ .name = "strict VNI, IPv4 source not a peer",
	  XDP_CASE,
	  .build = b_vni_b_stranger4,
	  DROPPED(OVL_DROP_PEER_UNKNOWN),
	  .vstats = { { VNI_B, OVL_VSTAT_PEER_UNKNOWN, 1 }, { VNI_B, OVL_VSTAT_DROP, 1 } } },
	{ .name = "strict VNI, IPv6 source not a peer",
	  XDP_CASE,
	  .build = b_vni_b_stranger6,
	  DROPPED(OVL_DROP_PEER_UNKNOWN),
	  .vstats = { { VNI_B, OVL_VSTAT_PEER_UNKNOWN, 1 }, { VNI_B, OVL_VSTAT_DROP, 1 } } },
	{ .name = "inner destination not a local endpoint",
	  XDP_CASE,
	  .build = b_no_endpoint,
	  DROPPED(OVL_DROP_NO_ENDPOINT),
	  .vstats = { { VNI_A, OVL_VSTAT_DROP, 1 } } },
	{ .name = "inner destination local, but in another VNI",
	  XDP_CASE,
	  .build = b_other_tenant_mac,
	  DROPPED(OVL_DROP_NO_ENDPOINT) },
	{ .name = "flooded ARP for a remote address",
	  XDP_CASE,
	  .build = b_flood_arp_remote,
	  DROPPED(OVL_DROP_BCAST) },
	{ .name = "flooded ARP for an unknown address",
	  XDP_CASE,
	  .build = b_flood_arp_unknown,
	  DROPPED(OVL_DROP_BCAST) },
	{ .name = "flooded ARP reply",
	  XDP_CASE,
	  .build = b_flood_arp_reply,
	  DROPPED(OVL_DROP_BCAST) },
	{ .name = "inner multicast that is not ARP/NS",
	  XDP_CASE,
	  .build = b_inner_mcast,
	  DROPPED(OVL_DROP_BCAST) },
	{ .name = "outer IPv4 fragment (MF)",
	  XDP_CASE,
	  .build = b_frag_mf,
	  PASSED(OVL_STAT_RX_FRAGMENT) },
	{ .name = "outer IPv4 fragment (offset)",
	  XDP_CASE,
	  .build = b_frag_offset,
	  PASSED(OVL_STAT_RX_FRAGMENT) },
};

static const struct h_case truncated_cases[] = {
	{ .name = "truncated in the outer IPv4 header",
	  XDP_CASE,
	  .build = b_cut_in_ip,
	  PASSED(OVL_STAT_RX_PASS) },
	{ .name = "truncated in the outer IPv6 header",
	  XDP_CASE,
	  .build = b_cut_in_ip6,
	  PASSED(OVL_STAT_RX_PASS) },
	{ .name = "truncated in the outer UDP header",
	  XDP_CASE,
	  .build = b_cut_in_udp,
	  PASSED(OVL_STAT_RX_PASS) },
	{ .name = "outer IPv4 options past the end",
	  XDP_CASE,
	  .build = b_ihl_past_end,
	  PASSED(OVL_STAT_RX_PASS) },
	{ .name = "truncated in the VXLAN header",
	  XDP_CASE,
	  .build = b_cut_in_vxlan,
	  DROPPED(OVL_DROP_TRUNCATED) },
	{ .name = "truncated in the VXLAN header (IPv6)",
	  XDP_CASE,
	  .build = b_cut_in_vxlan6,
	  DROPPED(OVL_DROP_TRUNCATED) },
	{ .name = "no inner frame",
	  XDP_CASE,
	  .build = b_cut_before_inner,
	  DROPPED(OVL_DROP_TRUNCATED) },
	{ .name = "truncated in the inner Ethernet header",
	  XDP_CASE,
	  .build = b_cut_in_inner,
	  DROPPED(OVL_DROP_TRUNCATED) },
};

static const struct h_case pass_cases[] = {
	{ .name = "host TCP", XDP_CASE, .build = b_host_tcp, PASSED(OVL_STAT_RX_PASS) },
	{ .name = "host UDP (DNS answer)",
	  XDP_CASE,
	  .build = b_host_udp_dns,
	  PASSED(OVL_STAT_RX_PASS) },
	{ .name = "host ARP", XDP_CASE, .build = b_host_arp, PASSED(OVL_STAT_RX_PASS) },
	{ .name = "host NDP", XDP_CASE, .build = b_host_ns, PASSED(OVL_STAT_RX_PASS) },
	{ .name = "802.1Q tagged", XDP_CASE, .build = b_host_vlan, PASSED(OVL_STAT_RX_PASS) },
	{ .name = "IPv6 extension header before UDP",
	  XDP_CASE,
	  .build = b_host_ipv6_exthdr,
	  PASSED(OVL_STAT_RX_PASS) },
	{ .name = "Ethernet header only", XDP_CASE, .build = b_runt, PASSED(OVL_STAT_RX_PASS) },
	{ .name = "outer IP version 5",
	  XDP_CASE,
	  .build = b_ip_version_5,
	  PASSED(OVL_STAT_RX_PASS) },
	{ .name = "no configuration yet",
	  .prog = H_XDP,
	  .ifc = H_IF_UL,
	  .world = NULL,
	  .build = b_decap4,
	  PASSED(OVL_STAT_RX_PASS) },
};

static const struct h_case event_cases[] = {
	{ .name = "drop event: bad flags",
	  XDP_CASE,
	  .extra = drop_events_on,
	  .build = b_flags_no_i,
	  DROPPED(OVL_DROP_VXLAN_FLAGS),
	  .nevents = 1,
	  .check = ck_evt_flags },
	{ .name = "drop event: unknown peer",
	  XDP_CASE,
	  .extra = drop_events_on,
	  .build = b_vni_b_stranger4,
	  DROPPED(OVL_DROP_PEER_UNKNOWN),
	  .vstats = { { VNI_B, OVL_VSTAT_PEER_UNKNOWN, 1 }, { VNI_B, OVL_VSTAT_DROP, 1 } },
	  .nevents = 1,
	  .check = ck_evt_peer },
	{ .name = "drop event: unknown IPv6 peer",
	  XDP_CASE,
	  .extra = drop_events_on,
	  .build = b_vni_b_stranger6,
	  DROPPED(OVL_DROP_PEER_UNKNOWN),
	  .vstats = { { VNI_B, OVL_VSTAT_PEER_UNKNOWN, 1 }, { VNI_B, OVL_VSTAT_DROP, 1 } },
	  .nevents = 1,
	  .check = ck_evt_peer6 },
	{ .name = "drop event: no endpoint, no address",
	  XDP_CASE,
	  .extra = drop_events_on,
	  .build = b_no_endpoint,
	  DROPPED(OVL_DROP_NO_ENDPOINT),
	  .vstats = { { VNI_A, OVL_VSTAT_DROP, 1 } },
	  .nevents = 1,
	  .check = ck_evt_noep },
	{ .name = "drop event: short frame captured whole",
	  XDP_CASE,
	  .extra = drop_events_on,
	  .build = b_cut_in_inner,
	  DROPPED(OVL_DROP_TRUNCATED),
	  .nevents = 1,
	  .check = ck_evt_short },
	{ .name = "no drop event without the flag",
	  XDP_CASE,
	  .build = b_flags_no_i,
	  DROPPED(OVL_DROP_VXLAN_FLAGS),
	  .nevents = 0 },
	{ .name = "no event for a pass, flag set",
	  XDP_CASE,
	  .extra = drop_events_on,
	  .build = b_unknown_vni,
	  PASSED(OVL_STAT_RX_UNKNOWN_VNI),
	  .nevents = 0 },
	{ .name = "no event for a decap, flag set",
	  XDP_CASE,
	  .extra = drop_events_on,
	  .build = b_decap4,
	  DECAP_TO(H_IF_EP0),
	  .expect = e_inner_a1,
	  .stats = { { OVL_STAT_RX_DECAP, 1 } },
	  .nevents = 0 },
};

void test_xdp_decap(void)
{
	if (h_ready())
		h_run_cases(decap_cases, ARRAY_SIZE(decap_cases));
}

void test_xdp_reject(void)
{
	if (h_ready())
		h_run_cases(reject_cases, ARRAY_SIZE(reject_cases));
}

void test_xdp_truncated(void)
{
	if (h_ready())
		h_run_cases(truncated_cases, ARRAY_SIZE(truncated_cases));
}

void test_xdp_not_overlay(void)
{
	if (h_ready())
		h_run_cases(pass_cases, ARRAY_SIZE(pass_cases));
}

void test_xdp_drop_events(void)
{
	if (h_ready())
		h_run_cases(event_cases, ARRAY_SIZE(event_cases));
}

/*
 * The same tables through the TC decapsulation (ovl_tc_ul_in, which ovld
 * uses on veth underlays): it shares the classification and must agree
 * frame for frame.
 */
void test_tcul_decap(void)
{
	if (h_ready())
		h_run_cases_tcul(decap_cases, ARRAY_SIZE(decap_cases));
}

void test_tcul_reject(void)
{
	if (h_ready())
		h_run_cases_tcul(reject_cases, ARRAY_SIZE(reject_cases));
}

void test_tcul_not_overlay(void)
{
	if (h_ready())
		h_run_cases_tcul(pass_cases, ARRAY_SIZE(pass_cases));
}

void test_tcul_drop_events(void)
{
	if (h_ready())
		h_run_cases_tcul(event_cases, ARRAY_SIZE(event_cases));
}

/*
 * A capped endpoint (OVL_EP_F_SHAPED) has its qdisc on the host veth's
 * egress: XDP passes its frames, still encapsulated, to ovl_tc_ul_in
 * behind it, which counts them and redirects them to that egress, also
 * when the peer is in another netns (bpf_redirect_peer would skip the
 * qdisc). Behind XDP (OVL_CFG_F_XDP_DECAP) TC does not count a pass again.
 */
static const struct h_ent a1_shaped[] = {
	E_EP(VNI_A, A1_MAC, H_IF_EP0, OVL_EP_F_SHAPED | OVL_EP_F_PEER_NETNS),
	E_END,
};

static const struct h_ent a1_peer_netns[] = {
	E_EP(VNI_A, A1_MAC, H_IF_EP0, OVL_EP_F_PEER_NETNS),
	E_END,
};

static const struct h_ent behind_xdp[] = {
	E_CFG(LOCAL4, LOCAL6, OVL_CFG_F_XDP_DECAP),
	E_END,
};

static const struct h_case shaped_xdp_cases[] = {
	{ .name = "shaped endpoint: passed to TC, uncounted",
	  XDP_CASE,
	  .extra = a1_shaped,
	  .build = b_decap4,
	  .verdict = XDP_PASS,
	  .out = H_OUT_UNCHANGED },
	{ .name = "shaped endpoint, v6 underlay: passed to TC",
	  XDP_CASE,
	  .extra = a1_shaped,
	  .build = b_decap6,
	  .verdict = XDP_PASS,
	  .out = H_OUT_UNCHANGED },
	{ .name = "shaped owner of a flooded ARP target: passed to TC",
	  XDP_CASE,
	  .extra = a1_shaped,
	  .build = b_flood_arp,
	  .verdict = XDP_PASS,
	  .out = H_OUT_UNCHANGED },
};

static const struct h_case shaped_tcul_cases[] = {
	{ .name = "TC decap to a shaped endpoint in a netns: through its egress",
	  .prog = H_TCUL,
	  .ifc = H_IF_UL,
	  .world = h_world,
	  .extra = a1_shaped,
	  .build = b_decap4,
	  .verdict = TC_ACT_REDIRECT,
	  .out = H_OUT_BYTES,
	  .redir_if = H_IF_EP0,
	  .redir_how = OVL_REDIR_EGRESS,
	  .expect = e_inner_a1,
	  .stats = { { OVL_STAT_RX_DECAP, 1 } } },
	{ .name = "TC decap to the same, unshaped: into the netns",
	  .prog = H_TCUL,
	  .ifc = H_IF_UL,
	  .world = h_world,
	  .extra = a1_peer_netns,
	  .build = b_decap4,
	  .verdict = TC_ACT_REDIRECT,
	  .out = H_OUT_BYTES,
	  .redir_if = H_IF_EP0,
	  .redir_how = OVL_REDIR_PEER,
	  .expect = e_inner_a1,
	  .stats = { { OVL_STAT_RX_DECAP, 1 } } },
	{ .name = "TC behind XDP: host traffic passed, uncounted",
	  .prog = H_TCUL,
	  .ifc = H_IF_UL,
	  .world = h_world,
	  .extra = behind_xdp,
	  .build = b_host_tcp,
	  .verdict = TC_ACT_OK,
	  .out = H_OUT_UNCHANGED },
	{ .name = "TC behind XDP: shaped endpoint decapsulated and counted",
	  .prog = H_TCUL,
	  .ifc = H_IF_UL,
	  .world = h_world,
	  .extra = behind_xdp,
	  .build = b_decap4,
	  .verdict = TC_ACT_REDIRECT,
	  .out = H_OUT_BYTES,
	  .redir_if = H_IF_EP0,
	  .redir_how = OVL_REDIR_EGRESS,
	  .expect = e_inner_a1,
	  .stats = { { OVL_STAT_RX_DECAP, 1 } } },
};

void test_xdp_shaped(void)
{
	if (h_ready())
		h_run_cases(shaped_xdp_cases, ARRAY_SIZE(shaped_xdp_cases));
}

void test_tcul_shaped(void)
{
	if (h_ready())
		h_run_cases(shaped_tcul_cases, ARRAY_SIZE(shaped_tcul_cases));
}

/* ---- flows another host's router started (ovl_rflows) ------------------------------- */

/*
 * The router of VNI_A on another host (VTEP4/VTEP6) forwards a flow from
 * outside (OUT4/OUT6, a published port) to A1. Its frames carry the
 * router's anycast MAC as their source; decapsulation pins each flow, as
 * A1 sees it, to the host that sent it, so that A1's replies go back there
 * (test_tc.c has that half).
 */
#define OUT4	   "198.51.100.7"
#define OUT6	   "2001:db8::7"
#define ECHO_ID	   0x1234
#define RTR_OUTER4 50 /* outer Ethernet, IPv4, UDP, VXLAN */
#define RTR_OUTER6 70

enum rtr_l4 { RTR_TCP, RTR_UDP, RTR_ECHO, RTR_ICMP_UNREACH };

/* The inner IP packet src -> dst after an Ethernet header smac -> dmac;
 * ndests Destination Options headers in front of an IPv6 upper layer. */
static void rtr_inner(struct pkt *p, const char *dmac, const char *smac, const char *src,
		      const char *dst, enum rtr_l4 l4, int ndests)
{
	bool v6 = strchr(src, ':');
	uint8_t proto = l4 == RTR_TCP ? IPPROTO_TCP :
			l4 == RTR_UDP ? IPPROTO_UDP :
			v6	      ? IPPROTO_ICMPV6 :
					IPPROTO_ICMP;
	uint8_t *icmp;

	pkt_eth(p, dmac, smac, v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (v6) {
		pkt_ip6(p, src, dst, ndests ? 60 : proto);
		for (int i = 0; i < ndests; i++)
			pkt_ip6_exthdr(p, 60, i + 1 < ndests ? 60 : proto, 8);
	} else {
		pkt_ip4(p, src, dst, proto);
	}
	switch (l4) {
	case RTR_TCP:
		pkt_tcp(p, 40000, 80);
		break;
	case RTR_UDP:
		pkt_udp(p, 40001, 53, true);
		break;
	case RTR_ECHO:
	case RTR_ICMP_UNREACH:
		icmp = pkt_put(p, 8);
		icmp[0] = l4 == RTR_ICMP_UNREACH ? (v6 ? 1 : 3) : v6 ? 128 : 8;
		icmp[4] = ECHO_ID >> 8;
		icmp[5] = ECHO_ID & 0xff;
		icmp[7] = 1; /* sequence */
		break;
	}
	pkt_pattern(p, 40, 3);
}

/* From the router of the host at VTEP4 (IPv4 underlay) or VTEP6. */
static void rtr_frame(struct pkt *p, bool ul6, const char *dmac, const char *smac, const char *src,
		      const char *dst, enum rtr_l4 l4, int ndests)
{
	if (ul6)
		outer6(p, VTEP6, VXLAN_PORT, VNI_A);
	else
		outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	rtr_inner(p, dmac, smac, src, dst, l4, ndests);
	pkt_finish(p);
}

static void b_rtr_tcp4(struct pkt *p)
{
	rtr_frame(p, false, A1_MAC, RTR_A_MAC, OUT4, A1_IP4, RTR_TCP, 0);
}

static void b_rtr_udp4(struct pkt *p)
{
	rtr_frame(p, false, A1_MAC, RTR_A_MAC, OUT4, A1_IP4, RTR_UDP, 0);
}

static void b_rtr_echo4(struct pkt *p)
{
	rtr_frame(p, false, A1_MAC, RTR_A_MAC, OUT4, A1_IP4, RTR_ECHO, 0);
}

static void b_rtr_tcp6(struct pkt *p)
{
	rtr_frame(p, true, A1_MAC, RTR_A_MAC, OUT6, A1_IP6, RTR_TCP, 0);
}

static void b_rtr_udp6_dest(struct pkt *p)
{
	rtr_frame(p, true, A1_MAC, RTR_A_MAC, OUT6, A1_IP6, RTR_UDP, 1);
}

static void b_rtr_echo6(struct pkt *p)
{
	rtr_frame(p, false, A1_MAC, RTR_A_MAC, OUT6, A1_IP6, RTR_ECHO, 0);
}

static void b_rtr_tcp4_ipopts(struct pkt *p)
{
	static const uint8_t opts[] = { 1, 1, 1, 0, 1, 1, 1, 0 }; /* ihl 7 */

	outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	pkt_eth(p, A1_MAC, RTR_A_MAC, ETH_P_IP);
	pkt_ip4_opts(p, OUT4, A1_IP4, IPPROTO_TCP, opts, sizeof(opts));
	pkt_tcp(p, 40000, 80);
	pkt_pattern(p, 40, 3);
	pkt_finish(p);
}

/* The first fragment of a UDP datagram has its ports; a later one not. */
static void b_rtr_udp4_frag(struct pkt *p, uint16_t frag_off)
{
	struct iphdr *ip;

	outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	pkt_eth(p, A1_MAC, RTR_A_MAC, ETH_P_IP);
	ip = pkt_ip4(p, OUT4, A1_IP4, IPPROTO_UDP);
	pkt_udp(p, 40001, 53, false);
	pkt_pattern(p, 40, 3);
	pkt_finish(p);
	ip->frag_off = htons(frag_off);
	ip->check = 0;
	ip->check = htons(pkt_csum_fold(pkt_csum_add(0, ip, sizeof(*ip))));
}

static void b_rtr_udp4_first_frag(struct pkt *p)
{
	b_rtr_udp4_frag(p, 0x2000); /* MF, offset 0 */
}

static void b_rtr_udp4_later_frag(struct pkt *p)
{
	b_rtr_udp4_frag(p, 0x0005); /* offset 40 */
}

static void b_rtr_udp6_later_frag(struct pkt *p)
{
	uint8_t *fh;

	outer6(p, VTEP6, VXLAN_PORT, VNI_A);
	pkt_eth(p, A1_MAC, RTR_A_MAC, ETH_P_IPV6);
	pkt_ip6(p, OUT6, A1_IP6, 44);
	fh = pkt_ip6_exthdr(p, 44, IPPROTO_UDP, 8);
	fh[3] = 0x28; /* offset 5 (40 bytes) */
	pkt_pattern(p, 40, 3);
	pkt_finish(p);
}

static void b_rtr_unreach4(struct pkt *p)
{
	rtr_frame(p, false, A1_MAC, RTR_A_MAC, OUT4, A1_IP4, RTR_ICMP_UNREACH, 0);
}

/* The TCP header cut after two bytes: no ports to pin, delivered all the same. */
static void b_rtr_tcp4_short(struct pkt *p)
{
	outer4(p, VTEP4, VXLAN_PORT, VNI_A);
	pkt_eth(p, A1_MAC, RTR_A_MAC, ETH_P_IP);
	pkt_ip4(p, OUT4, A1_IP4, IPPROTO_TCP);
	pkt_put(p, 2);
	pkt_finish(p);
}

/* Router to router: for the local router, not a flow to pin. */
static void b_rtr_to_rtr(struct pkt *p)
{
	rtr_frame(p, false, RTR_A_MAC, RTR_A_MAC, OUT4, A1_IP4, RTR_TCP, 0);
}

/* Not from the router: R1 itself, or VNI_B's router MAC inside VNI_A. */
static void b_r1_tcp4(struct pkt *p)
{
	rtr_frame(p, false, A1_MAC, R1_MAC, R1_IP4, A1_IP4, RTR_TCP, 0);
}

static void b_rtr_b_mac_tcp4(struct pkt *p)
{
	rtr_frame(p, false, A1_MAC, RTR_B_MAC, OUT4, A1_IP4, RTR_TCP, 0);
}

/* The inner frame: what follows the outer headers. */
static void e_inner_any(struct pkt *w, const struct pkt *in, const struct h_result *r)
{
	size_t outer = in->data[12] == 0x86 ? RTR_OUTER6 : RTR_OUTER4;

	(void)r;
	pkt_bytes(w, in->data + outer, in->len - outer);
}

/* What decapsulation pins: the flow as A1 sees it, to the sending host's
 * underlay address and this host's VXLAN port (the value's flags 0). */
static const struct h_ent pin_tcp4[] = {
	E_RFLOW(VNI_A, IPPROTO_TCP, A1_IP4, 80, OUT4, 40000, VTEP4, VXLAN_PORT),
	E_END,
};
static const struct h_ent pin_tcp4_other_host[] = {
	E_RFLOW(VNI_A, IPPROTO_TCP, A1_IP4, 80, OUT4, 40000, VTEP4_B, VXLAN_PORT),
	E_END,
};
static const struct h_ent pin_tcp4_other_flags[] = {
	{ .kind = H_E_RFLOW,
	  .vni = VNI_A,
	  .proto = IPPROTO_TCP,
	  .a = A1_IP4,
	  .lport = 80,
	  .b = OUT4,
	  .rport = 40000,
	  .c = VTEP4,
	  .port = VXLAN_PORT,
	  .flags = OVL_DEST_F_STATIC },
	E_END,
};
static const struct h_ent pin_udp4[] = {
	E_RFLOW(VNI_A, IPPROTO_UDP, A1_IP4, 53, OUT4, 40001, VTEP4, VXLAN_PORT),
	E_END,
};
static const struct h_ent pin_echo4[] = {
	E_RFLOW(VNI_A, IPPROTO_ICMP, A1_IP4, ECHO_ID, OUT4, ECHO_ID, VTEP4, VXLAN_PORT),
	E_END,
};
static const struct h_ent pin_tcp6[] = {
	E_RFLOW(VNI_A, IPPROTO_TCP, A1_IP6, 80, OUT6, 40000, VTEP6, VXLAN_PORT),
	E_END,
};
static const struct h_ent pin_udp6[] = {
	E_RFLOW(VNI_A, IPPROTO_UDP, A1_IP6, 53, OUT6, 40001, VTEP6, VXLAN_PORT),
	E_END,
};
static const struct h_ent pin_echo6_v4vtep[] = {
	E_RFLOW(VNI_A, 58, A1_IP6, ECHO_ID, OUT6, ECHO_ID, VTEP4, VXLAN_PORT),
	E_END,
};
static const struct h_ent no_pins[] = { E_END };

#define RTR_DECAP(i)                                                                               \
	XDP_CASE, DECAP_TO(i), .expect = e_inner_any, .stats = { { OVL_STAT_RX_DECAP, 1 } }

static const struct h_case rflow_cases[] = {
	{ .name = "router TCP/IPv4 to A1: pinned to VTEP4",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_tcp4,
	  .rflows = pin_tcp4,
	  .rflow_writes = 1 },
	{ .name = "router UDP/IPv4 to A1: pinned",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_udp4,
	  .rflows = pin_udp4,
	  .rflow_writes = 1 },
	{ .name = "router ICMP echo to A1: pinned by its identifier",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_echo4,
	  .rflows = pin_echo4,
	  .rflow_writes = 1 },
	{ .name = "router TCP/IPv6 over an IPv6 underlay: pinned to VTEP6",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_tcp6,
	  .rflows = pin_tcp6,
	  .rflow_writes = 1 },
	{ .name = "router UDP/IPv6 behind Destination Options: pinned",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_udp6_dest,
	  .rflows = pin_udp6,
	  .rflow_writes = 1 },
	{ .name = "router ICMPv6 echo over an IPv4 underlay: pinned",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_echo6,
	  .rflows = pin_echo6_v4vtep,
	  .rflow_writes = 1 },
	{ .name = "router TCP/IPv4 with IP options: pinned",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_tcp4_ipopts,
	  .rflows = pin_tcp4,
	  .rflow_writes = 1 },
	{ .name = "router UDP/IPv4, first fragment: pinned",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_udp4_first_frag,
	  .rflows = pin_udp4,
	  .rflow_writes = 1 },
	{ .name = "the same flow again: no write",
	  RTR_DECAP(H_IF_EP0),
	  .extra = pin_tcp4,
	  .build = b_rtr_tcp4,
	  .rflows = pin_tcp4,
	  .rflow_writes = 0 },
	{ .name = "the flow now from another host: rewritten",
	  RTR_DECAP(H_IF_EP0),
	  .extra = pin_tcp4_other_host,
	  .build = b_rtr_tcp4,
	  .rflows = pin_tcp4,
	  .rflow_writes = 1 },
	{ .name = "an entry with other flags: rewritten",
	  RTR_DECAP(H_IF_EP0),
	  .extra = pin_tcp4_other_flags,
	  .build = b_rtr_tcp4,
	  .rflows = pin_tcp4,
	  .rflow_writes = 1 },
	{ .name = "router to the local router: not pinned",
	  RTR_DECAP(H_IF_EP6),
	  .extra = h_router_a,
	  .build = b_rtr_to_rtr,
	  .rflows = no_pins },
	{ .name = "TCP from R1, not the router: not pinned",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_r1_tcp4,
	  .rflows = no_pins },
	{ .name = "another VNI's router MAC: not pinned",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_b_mac_tcp4,
	  .rflows = no_pins },
	{ .name = "router UDP/IPv4, a later fragment: delivered, not pinned",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_udp4_later_frag,
	  .rflows = no_pins },
	{ .name = "router UDP/IPv6, a later fragment: delivered, not pinned",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_udp6_later_frag,
	  .rflows = no_pins },
	{ .name = "router ICMP unreachable: delivered, not pinned",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_unreach4,
	  .rflows = no_pins },
	{ .name = "router TCP header cut short: delivered, not pinned",
	  RTR_DECAP(H_IF_EP0),
	  .build = b_rtr_tcp4_short,
	  .rflows = no_pins },
};

void test_xdp_rflow(void)
{
	if (h_ready())
		h_run_cases(rflow_cases, ARRAY_SIZE(rflow_cases));
}

/* The TC decapsulation pins as XDP does (it reads the inner headers with
 * bpf_skb_load_bytes(), XDP with bpf_xdp_load_bytes()). */
void test_tcul_rflow(void)
{
	if (h_ready())
		h_run_cases_tcul(rflow_cases, ARRAY_SIZE(rflow_cases));
}
