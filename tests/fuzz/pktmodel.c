// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pktmodel.c - the rules of ovl's data path, restated over bytes, as the
 * oracle of the packet fuzzer (pktmodel.h).
 *
 * Written from DESIGN.md, the theory statements of the programs, the drop
 * reasons of ovlctl(8) and the RFCs they cite; it shares no code with bpf/
 * and reads frames by offset (RFC 826 ARP, RFC 791 IPv4, RFC 8200 IPv6
 * and its extension headers, RFC 4861 neighbour discovery, RFC 2131
 * DHCP, RFC 8415 DHCPv6, RFC 7348 VXLAN). Where the answer depends on the
 * kernel under the programs rather than on ovl (the minimum length
 * bpf_skb_adjust_room() leaves, the routes of the harness's underlay), it
 * says so.
 *
 * The order of the checks is part of the contract (the drop reason a
 * frame gets is what ovlctl monitor and the counters tell an operator),
 * so the model checks in the documented order:
 *
 *   ovl_tc_ep_in: endpoint known, source MAC, VLAN tag, EtherType; then
 *   per protocol link protection (ARP sender, IPv4/IPv6 source, DHCP and
 *   DHCPv6 server replies, the IPv6 extension-header chain and what it
 *   must not hide, neighbour discovery), the ARP/NDP answers and misses,
 *   the DHCP rewrites; then forwarding: broadcast, router flows, local
 *   endpoints, remote MACs, the point-to-point destination, misses.
 *
 *   ovl_xdp_rx and ovl_tc_ul_in: is it VXLAN to this host (else pass), is
 *   it well formed, is the VNI ours (else pass), is the outer source a
 *   peer (strict overlays), which local endpoint gets it.
 */
#include <arpa/inet.h>
#include <string.h>
#include "pktmodel.h"

#define ETH_LEN	 14
#define IP6_LEN	 40
#define ARP_LEN	 28
#define ND_LEN	 24  /* ICMPv6 header, flags and target of NS/NA */
#define EVT_DROP 128 /* OVL_EVT_DROP_CAP */

static const uint8_t ul_mac[6] = { 0x02, 0, 0, 0, 0x01, 0x01 }; /* UL_MAC, ul0's */

struct t_vtep t_vteps[] = {
	{ VTEP4, OVL_AF_INET4, { 0 }, T_R_OK, { 0 } },
	{ VTEP6, OVL_AF_INET6, { 0 }, T_R_OK, { 0 } },
	{ VTEP4_B, OVL_AF_INET4, { 0 }, T_R_OK, { 0 } },
	{ VTEP6_B, OVL_AF_INET6, { 0 }, T_R_OK, { 0 } },
	{ VTEP4_NN, OVL_AF_INET4, { 0 }, T_R_NEIGH, { 0 } },
	{ VTEP6_NN, OVL_AF_INET6, { 0 }, T_R_NEIGH, { 0 } },
	{ VTEP4_GW, OVL_AF_INET4, { 0 }, T_R_OK, { 0 } },
	{ VTEP4_GWNN, OVL_AF_INET4, { 0 }, T_R_NEIGH, { 0 } },
	{ VTEP4_NOROUTE, OVL_AF_INET4, { 0 }, T_R_NOROUTE, { 0 } },
	{ "2001:db8::1", OVL_AF_INET6, { 0 }, T_R_NOROUTE, { 0 } },
	/* underlay hosts that are nobody's VTEP (outer sources of forged
	 * VXLAN; a flow pinned to one goes back there) */
	{ "10.99.0.77", OVL_AF_INET4, { 0 }, T_R_NEIGH, { 0 } },
	{ "fd99::77", OVL_AF_INET6, { 0 }, T_R_NEIGH, { 0 } },
	{ "192.0.2.99", OVL_AF_INET4, { 0 }, T_R_NOROUTE, { 0 } },
};
const int t_nvteps = (int)(sizeof(t_vteps) / sizeof(t_vteps[0]));

void m_init(void)
{
	for (int i = 0; i < t_nvteps; i++) {
		struct t_vtep *v = &t_vteps[i];

		if (v->family == OVL_AF_INET4)
			pkt_in4(v->ip, v->addr);
		else
			pkt_in6(v->ip, v->addr);
		/* harness.h: VTEP* and the 10.98.0.0/24 route through VTEP4
		 * have VTEP_MAC, *_B have VTEP_B_MAC */
		if (v->route == T_R_OK)
			pkt_mac(strstr(v->ip, "99.0.3") || strstr(v->ip, "::3") ? VTEP_B_MAC :
										  VTEP_MAC,
				v->dmac);
	}
}

/* ---- bytes ------------------------------------------------------------------ */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static bool mac_mc(const uint8_t *m)
{
	return m[0] & 1; /* the I/G bit: broadcast and multicast */
}

static bool zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

void m_router_mac(uint32_t vni, uint8_t mac[6])
{
	mac[0] = OVL_ROUTER_MAC_B0;
	mac[1] = OVL_ROUTER_MAC_B1;
	mac[2] = OVL_ROUTER_MAC_B2;
	mac[3] = (uint8_t)(vni >> 16);
	mac[4] = (uint8_t)(vni >> 8);
	mac[5] = (uint8_t)vni;
}

static bool is_router_mac(const uint8_t *mac, uint32_t vni)
{
	uint8_t r[6];

	m_router_mac(vni, r);
	return !memcmp(mac, r, 6);
}

/* ---- the topology ------------------------------------------------------------- */

int m_vni_idx(const struct topo *t, uint32_t vni)
{
	for (int i = 0; i < t->nvni; i++)
		if (t->vnis[i].vni == vni)
			return i;
	return -1;
}

static const struct t_neigh *neigh_find(const struct topo *t, uint32_t vni, uint8_t family,
					const uint8_t *addr)
{
	size_t n = family == OVL_AF_INET4 ? 4 : 16;

	for (int i = 0; i < t->nneigh; i++) {
		const struct t_neigh *e = &t->neighs[i];

		if (e->vni == vni && e->family == family && !memcmp(e->addr, addr, n))
			return e;
	}
	return NULL;
}

static bool neigh_owned(const struct topo *t, uint32_t vni, uint8_t family, const uint8_t *addr,
			const uint8_t *mac)
{
	const struct t_neigh *n = neigh_find(t, vni, family, addr);

	return n && !memcmp(n->mac, mac, 6);
}

/* Link protection's test of a source address (the program's src_owned()):
 * one of the endpoint's own addresses in its iface entry, or one ovl_neigh
 * maps to its MAC. */
static bool src_owned(const struct topo *t, const struct t_ep *e, uint8_t family,
		      const uint8_t *addr)
{
	if (family == OVL_AF_INET4 && !zero(e->own4, 4) && !memcmp(addr, e->own4, 4))
		return true;
	if (family == OVL_AF_INET6 && !zero(e->own6, 16) && !memcmp(addr, e->own6, 16))
		return true;
	return neigh_owned(t, e->vni, family, addr, e->mac);
}

/* The endpoint veth that ovl_endpoints has for {vni, mac}, or -1. */
static int ep_find(const struct topo *t, uint32_t vni, const uint8_t *mac)
{
	for (int i = 0; i < T_NEP; i++)
		if (t->eps[i].ep && t->eps[i].vni == vni && !memcmp(t->eps[i].mac, mac, 6))
			return i;
	return -1;
}

int m_fdb_local(const struct topo *t, uint32_t vni, const uint8_t *mac)
{
	for (int i = 0; i < T_NEP; i++)
		if (t->eps[i].fdb && t->eps[i].vni == vni && !memcmp(t->eps[i].mac, mac, 6))
			return i;
	return -1;
}

/* A remote MAC's ovl_fdb entry: none where a local entry has the key. */
static const struct t_rem *rem_find(const struct topo *t, uint32_t vni, const uint8_t *mac)
{
	if (m_fdb_local(t, vni, mac) >= 0)
		return NULL;
	for (int i = 0; i < t->nrem; i++)
		if (t->rems[i].vni == vni && !memcmp(t->rems[i].mac, mac, 6))
			return &t->rems[i];
	return NULL;
}

static bool peer_known(const struct topo *t, uint32_t vni, uint8_t family, const uint8_t *addr)
{
	for (int i = 0; i < t->npeer; i++)
		if (t->peers[i].vni == vni && t->peers[i].family == family &&
		    !memcmp(t->peers[i].addr, addr, 16))
			return true;
	return false;
}

static const struct t_rflow *rflow_find(const struct topo *t, const struct ovl_rflow_key *k)
{
	for (int i = 0; i < t->nrflow; i++)
		if (!memcmp(&t->rflows[i].key, k, sizeof(*k)))
			return &t->rflows[i];
	return NULL;
}

/* ---- counters and events --------------------------------------------------------- */

static void cnt(struct m_out *o, uint32_t id, uint64_t bytes)
{
	o->pkts[id]++;
	o->bytes[id] += bytes;
}

static void vcnt(struct m_out *o, const struct topo *t, uint32_t vni, uint32_t id, uint64_t bytes)
{
	int v = m_vni_idx(t, vni); /* ovld made an entry per overlay, nothing else */

	if (v >= 0) {
		o->vs[v].pkts[id]++;
		o->vs[v].bytes[id] += bytes;
	}
}

static void drop_count(struct m_out *o, uint32_t reason, uint64_t len)
{
	o->reason = reason;
	cnt(o, OVL_STAT_DROP(reason), len);
}

static void evt_set(struct m_out *o, uint16_t type, uint32_t vni, enum h_if ifc, uint32_t len)
{
	memset(&o->evt, 0, sizeof(o->evt));
	o->nevts = 1;
	o->evt.hdr.type = type;
	o->evt.vni = vni;
	o->evt.ifindex = h_ifindex(ifc);
	o->evt.pkt_len = len;
}

static void drop_event(const struct topo *t, struct m_out *o, uint32_t vni, enum h_if ifc,
		       uint32_t len)
{
	if (!(t->cfgflags & OVL_CFG_F_DROP_EVENTS))
		return;
	evt_set(o, OVL_EVT_DROP, vni, ifc, len);
	o->evt.reason = o->reason;
	o->evt.cap_len = len < EVT_DROP ? len : EVT_DROP;
}

static void m_start(struct m_out *o, const uint8_t *f, size_t len)
{
	memset(o, 0, offsetof(struct m_out, out));
	o->stat = OVL_STAT_MAX;
	o->out_same = true;
	memcpy(o->out, f, len);
	o->out_len = len;
	memset(o->mask, 0, len);
	o->udp6_off = 0;
	o->nevts = 0;
	o->rflow_write = false;
}

/* ---- IPv6 extension headers (RFC 8200 section 4) ------------------------------------ */

struct m_chain {
	size_t off, end;
	uint8_t proto;
	int nhdrs;
	bool later_frag;
};

static bool ip6_ext(uint8_t nh)
{
	/* Hop-by-Hop, Routing, Fragment, Destination Options, AH; ESP and
	 * No Next Header end a chain as any upper layer does */
	return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51;
}

/* Walk the chain of the IPv6 packet at l3 of a len-byte frame: at most 8
 * extension headers, each inside the packet (its payload length, when not
 * 0, bounds it; else the frame), Hop-by-Hop only first. 0 or -1. */
static int chain_walk(const uint8_t *f, size_t len, size_t l3, struct m_chain *ch)
{
	size_t off = l3 + IP6_LEN, plen = be16(f + l3 + 4);
	uint8_t nh = f[l3 + 6];

	ch->end = len;
	if (plen && off + plen < len)
		ch->end = off + plen;
	ch->nhdrs = 0;
	ch->later_frag = false;
	for (int i = 0;; i++) {
		size_t hl;

		if (!ip6_ext(nh)) {
			ch->proto = nh;
			ch->off = off;
			return 0;
		}
		if (i == 8 || (nh == 0 && i > 0))
			return -1;
		if (off + 8 > ch->end)
			return -1;
		if (nh == 44) {
			hl = 8;
			if (be16(f + off + 2) & 0xfff8) { /* not the first fragment */
				ch->later_frag = true;
				ch->nhdrs++;
				ch->proto = f[off];
				ch->off = off + 8;
				return 0;
			}
		} else if (nh == 51) {
			hl = ((size_t)f[off + 1] + 2) * 4; /* RFC 4302: 32-bit words */
		} else {
			hl = ((size_t)f[off + 1] + 1) * 8;
		}
		if (off + hl > ch->end)
			return -1;
		ch->nhdrs++;
		nh = f[off];
		off += hl;
	}
}

/* ---- flows another host's router started (ovl_rflows) --------------------------------- */

/* The key of the IP packet at l3 (EtherType proto) as the local endpoint
 * sees the flow; local_src: the endpoint sent it. TCP and UDP by ports,
 * ICMP/ICMPv6 echo by identifier, never a later fragment. */
static bool rflow_key(const uint8_t *f, size_t len, size_t l3, uint16_t proto, bool local_src,
		      uint32_t vni, struct ovl_rflow_key *k)
{
	const uint8_t *s, *d;
	size_t off, alen;
	uint8_t l4;

	memset(k, 0, sizeof(*k));
	k->vni = vni;
	if (proto == 0x0800) {
		if (l3 + 20 > len || f[l3] >> 4 != 4 || (f[l3] & 15) < 5)
			return false;
		if (be16(f + l3 + 6) & 0x1fff)
			return false;
		k->family = OVL_AF_INET4;
		s = f + l3 + 12;
		d = f + l3 + 16;
		alen = 4;
		l4 = f[l3 + 9];
		off = l3 + (size_t)(f[l3] & 15) * 4;
	} else if (proto == 0x86dd) {
		struct m_chain ch;

		if (l3 + IP6_LEN > len || f[l3] >> 4 != 6)
			return false;
		if (chain_walk(f, len, l3, &ch) || ch.later_frag)
			return false;
		k->family = OVL_AF_INET6;
		s = f + l3 + 8;
		d = f + l3 + 24;
		alen = 16;
		l4 = ch.proto;
		off = ch.off;
	} else {
		return false;
	}
	memcpy(k->laddr, local_src ? s : d, alen);
	memcpy(k->raddr, local_src ? d : s, alen);
	if (l4 == 6 || l4 == 17) {
		if (off + 4 > len)
			return false;
		memcpy(&k->lport, f + off + (local_src ? 0 : 2), 2);
		memcpy(&k->rport, f + off + (local_src ? 2 : 0), 2);
	} else if ((l4 == 1 && k->family == OVL_AF_INET4) ||
		   (l4 == 58 && k->family == OVL_AF_INET6)) {
		if (off + 6 > len)
			return false;
		if (l4 == 1 ? f[off] != 8 && f[off] != 0 : f[off] != 128 && f[off] != 129)
			return false;
		memcpy(&k->lport, f + off + 4, 2);
		k->rport = k->lport;
	} else {
		return false;
	}
	k->proto = l4;
	return true;
}

/* ---- ovl_tc_ep_in -------------------------------------------------------------------- */

struct tcm {
	const struct topo *t;
	enum h_if ifc;
	const struct t_ep *e;
	uint8_t *f; /* the frame as rewritten so far (o->out) */
	size_t len;
	struct m_out *o;
	uint16_t miss_type;
	uint8_t miss_family;
	uint8_t miss_addr[16];
	uint8_t miss_mac[6];
};

#define DONE 1 /* a verdict was chosen */
#define DROP(r, why)                                                                               \
	({                                                                                         \
		s->o->rule = (why);                                                                \
		-(int)(r);                                                                         \
	})

static int tc_self(struct tcm *s, uint32_t stat, const char *why)
{
	s->o->redir_if = s->ifc;
	s->o->redir_how = OVL_REDIR_EGRESS;
	s->o->stat = stat;
	s->o->rule = why;
	return DONE;
}

static bool vni_direct(const struct topo *t, uint32_t vni)
{
	int v = m_vni_idx(t, vni);

	return v >= 0 && (t->vnis[v].flags & OVL_VNI_F_DIRECT);
}

/* RFC 826 ARP from an endpoint. */
static int tc_arp(struct tcm *s)
{
	const struct t_ep *e = s->e;
	const struct t_neigh *n;
	uint8_t *a = s->f + ETH_LEN, tip[4];

	if (s->len < ETH_LEN + ARP_LEN || be16(a) != 1 || be16(a + 2) != 0x0800 || a[4] != 6 ||
	    a[5] != 4)
		return DROP(OVL_DROP_ARP_BAD, "ARP not Ethernet/IPv4 or short");
	if (memcmp(a + 8, e->mac, 6))
		return DROP(OVL_DROP_SPOOF_ARP, "ARP sender MAC not the endpoint's");
	if ((e->ifflags & OVL_IF_F_IP_NOSPOOF) && !zero(a + 14, 4) &&
	    !src_owned(s->t, e, OVL_AF_INET4, a + 14))
		return DROP(OVL_DROP_SPOOF_ARP, "ARP sender IP not the endpoint's");
	if (be16(a + 6) == 2)
		return 0; /* a reply is forwarded */
	if (be16(a + 6) != 1)
		return DROP(OVL_DROP_ARP_BAD, "ARP op neither request nor reply");
	if (!memcmp(a + 14, a + 24, 4))
		return DROP(OVL_DROP_DAD, "gratuitous ARP");
	n = neigh_find(s->t, e->vni, OVL_AF_INET4, a + 24);
	if (n) {
		if (!memcmp(n->mac, e->mac, 6))
			return DROP(OVL_DROP_DAD, "ARP probe for the endpoint's own address");
		/* RFC 826: the owner's reply, to the asker */
		memcpy(tip, a + 24, 4);
		memcpy(s->f, s->f + 6, 6);
		memcpy(s->f + 6, n->mac, 6);
		put16(a + 6, 2);
		memcpy(a + 18, a + 8, 6);
		memcpy(a + 24, a + 14, 4);
		memcpy(a + 8, n->mac, 6);
		memcpy(a + 14, tip, 4);
		s->o->out_same = false;
		return tc_self(s, OVL_STAT_ARP_REPLY, "ARP answered from ovl_neigh");
	}
	if (!mac_mc(s->f))
		return 0; /* unicast ARP for an address not known: forwarded */
	if (vni_direct(s->t, e->vni))
		return 0; /* a tunnel: the far end answers */
	s->miss_type = OVL_EVT_MISS_ARP;
	s->miss_family = OVL_AF_INET4;
	memset(s->miss_addr, 0, 16);
	memcpy(s->miss_addr, a + 24, 4);
	return DROP(OVL_DROP_MISS, "ARP for an unknown address: miss");
}

#define MAY_SERVE_DHCP (OVL_IF_F_DHCP_SERVER | OVL_IF_F_ROUTER)

/* IPv4 from an endpoint: source address, DHCP (RFC 2131). */
static int tc_ip4(struct tcm *s)
{
	const struct t_ep *e = s->e;
	const uint8_t *ip = s->f + ETH_LEN;
	bool client = false, to_client = false, server = false;
	size_t udp = 0, ihl;

	if (s->len < ETH_LEN + 20)
		return DROP(OVL_DROP_TRUNCATED, "IPv4 header truncated");
	ihl = ip[0] & 15;
	/* UDP of a whole datagram or a first fragment; the ports decide */
	if (ip[9] == 17 && ihl >= 5 && !(be16(ip + 6) & 0x1fff) &&
	    ETH_LEN + ihl * 4 + 8 <= s->len) {
		bool whole = !(be16(ip + 6) & 0x2000);

		udp = ETH_LEN + ihl * 4;
		client = whole && be16(s->f + udp) == 68 && be16(s->f + udp + 2) == 67;
		to_client = be16(s->f + udp + 2) == 68;
		server = to_client && whole && be16(s->f + udp) == 67;
	}
	if (e->ifflags & OVL_IF_F_IP_NOSPOOF) {
		if (zero(ip + 12, 4)) {
			if (!client)
				return DROP(OVL_DROP_SPOOF_IP, "IPv4 from 0.0.0.0, not DHCP");
		} else if (!src_owned(s->t, e, OVL_AF_INET4, ip + 12)) {
			return DROP(OVL_DROP_SPOOF_IP, "IPv4 source not the endpoint's");
		}
	}
	if (to_client && !(e->ifflags & MAY_SERVE_DHCP))
		return DROP(OVL_DROP_DHCP_SERVER, "to UDP 68 from a non-server endpoint");
	if (!mac_mc(s->f))
		return 0;
	if (client && (e->ifflags & OVL_IF_F_DHCP_PROXY)) {
		memcpy(s->f, e->dhcp_mac, 6); /* the seed's dhcp-proxy */
		s->o->out_same = false;
		cnt(s->o, OVL_STAT_DHCP_PROXY, s->len);
		return 0;
	}
	if (server && udp + 8 + 34 <= s->len) {
		const uint8_t *b = s->f + udp + 8; /* op htype hlen ... chaddr at 28 */

		if (b[0] == 2 && b[1] == 1 && b[2] == 6 && !mac_mc(b + 28) && !zero(b + 28, 6)) {
			memcpy(s->f, b + 28, 6);
			s->o->out_same = false;
			cnt(s->o, OVL_STAT_DHCP_REPLY, s->len);
		}
	}
	return 0;
}

static bool in6_bad_target(const uint8_t *a)
{
	static const uint8_t lo[16] = { [15] = 1 };
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	return a[0] == 0xff || !memcmp(a, lo, 16) || !memcmp(a, mapped, 12) || zero(a, 16);
}

/* Options of an NS/NA (RFC 4861 section 4.6) from off to the message's
 * end (IPv6 payload length plen, from 54): 1 with mac when an option of
 * type lla (8 bytes) is among the first eight, 0 when not, -1 malformed. */
static int nd_lla(const struct tcm *s, size_t off, size_t plen, uint8_t lla, uint8_t *mac)
{
	size_t end = ETH_LEN + IP6_LEN + plen;
	int found = 0;

	if (plen > 1500 || end > s->len)
		return -1;
	for (int i = 0; i < 8 && off < end; i++) {
		size_t olen;

		if (off + 2 > end)
			return -1;
		olen = (size_t)s->f[off + 1] * 8;
		if (!olen || off + olen > end)
			return -1;
		if (s->f[off] == lla && olen == 8 && !found) {
			memcpy(mac, s->f + off + 2, 6);
			found = 1;
		}
		off += olen;
	}
	return found;
}

/* The NA that answers NS for target (from src to dst) owned by n: 86
 * bytes, RFC 4861 section 7.2.4, checksum RFC 4443 section 2.3. */
static void na_build(struct tcm *s, const uint8_t *req_mac, const uint8_t *src,
		     const uint8_t *target, const struct t_neigh *n)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t all_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	bool dad = zero(src, 16);
	uint8_t dst[16], tgt[16], *f = s->f, *icmp = f + ETH_LEN + IP6_LEN;
	uint32_t flags = 0x20000000, sum = 0; /* O */

	memcpy(dst, dad ? all_nodes : src, 16);
	memcpy(tgt, target, 16);
	if (!dad)
		flags |= 0x40000000; /* S */
	if (n->flags & OVL_NEIGH_F_ROUTER)
		flags |= 0x80000000; /* R */
	memcpy(f, dad ? all_mac : req_mac, 6);
	memcpy(f + 6, n->mac, 6);
	put16(f + 12, 0x86dd);
	memset(f + ETH_LEN, 0, IP6_LEN + 32);
	f[ETH_LEN] = 0x60;
	put16(f + ETH_LEN + 4, 32);
	f[ETH_LEN + 6] = 58;
	f[ETH_LEN + 7] = 255;
	memcpy(f + ETH_LEN + 8, tgt, 16);
	memcpy(f + ETH_LEN + 24, dst, 16);
	icmp[0] = 136;
	put32(icmp + 4, flags);
	memcpy(icmp + 8, tgt, 16);
	icmp[24] = 2; /* target link-layer address */
	icmp[25] = 1;
	memcpy(icmp + 26, n->mac, 6);
	sum = pkt_csum_add(sum, tgt, 16);
	sum = pkt_csum_add(sum, dst, 16);
	sum += 32 + 58;
	sum = pkt_csum_add(sum, icmp, 32);
	put16(icmp + 2, pkt_csum_fold(sum));
	s->len = ETH_LEN + IP6_LEN + 32;
	s->o->out_len = s->len;
	memset(s->o->mask, 0, s->len);
	s->o->out_same = false;
}

/* A neighbour solicitation (RFC 4861 section 7.1.1), then the answer. */
static int tc_ns(struct tcm *s)
{
	const struct t_ep *e = s->e;
	const uint8_t *ip = s->f + ETH_LEN, *nd = ip + IP6_LEN;
	uint8_t slla[6], src[16], target[16], req_mac[6];
	const struct t_neigh *n;
	size_t plen = be16(ip + 4);
	int has;

	if (ip[7] != 255)
		return DROP(OVL_DROP_NDP_BAD, "NS hop limit not 255");
	if (plen < ND_LEN)
		return DROP(OVL_DROP_NDP_BAD, "NS payload shorter than an NS");
	if (nd[1] != 0)
		return DROP(OVL_DROP_NDP_BAD, "NS code not 0");
	if (in6_bad_target(nd + 8))
		return DROP(OVL_DROP_NDP_BAD, "NS target multicast/loopback/mapped/unspecified");
	has = nd_lla(s, ETH_LEN + IP6_LEN + ND_LEN, plen, 1, slla);
	if (has < 0)
		return DROP(OVL_DROP_NDP_BAD, "NS options malformed");
	if (zero(ip + 8, 16)) {
		bool sol = ip[24] == 0xff && ip[25] == 0x02 && zero(ip + 26, 9) && ip[35] == 1 &&
			   ip[36] == 0xff && !memcmp(ip + 37, nd + 8 + 13, 3);

		if (!sol || has)
			return DROP(OVL_DROP_NDP_BAD,
				    "DAD NS not to the solicited-node group or SLLA");
	} else if (ip[24] == 0xff) {
		if ((ip[25] & 0x0f) != 2 || !has)
			return DROP(OVL_DROP_NDP_BAD, "multicast NS not link-local or no SLLA");
	}
	if (has && memcmp(slla, e->mac, 6))
		return DROP(OVL_DROP_SPOOF_ND, "NS SLLA not the endpoint's MAC");
	memcpy(src, ip + 8, 16);
	memcpy(target, nd + 8, 16);
	memcpy(req_mac, s->f + 6, 6);
	n = neigh_find(s->t, e->vni, OVL_AF_INET6, target);
	if (n) {
		if (!memcmp(n->mac, e->mac, 6))
			return DROP(OVL_DROP_DAD, "NS for the endpoint's own address");
		na_build(s, req_mac, src, target, n);
		return tc_self(s, OVL_STAT_NDP_REPLY, "NS answered from ovl_neigh");
	}
	if (vni_direct(s->t, e->vni))
		return 0;
	if (zero(src, 16))
		return DROP(OVL_DROP_DAD, "DAD for an address nobody has");
	if (!mac_mc(s->f))
		return 0;
	s->miss_type = OVL_EVT_MISS_NDP;
	s->miss_family = OVL_AF_INET6;
	memcpy(s->miss_addr, target, 16);
	return DROP(OVL_DROP_MISS, "NS for an unknown address: miss");
}

/* IPv6 from an endpoint. */
static int tc_ip6(struct tcm *s)
{
	const struct t_ep *e = s->e;
	const uint8_t *ip = s->f + ETH_LEN, *icmp = ip + IP6_LEN;
	bool is_ns, bare_icmp;
	struct m_chain ch;
	size_t plen;

	if (s->len < ETH_LEN + IP6_LEN)
		return DROP(OVL_DROP_TRUNCATED, "IPv6 header truncated");
	if (chain_walk(s->f, s->len, ETH_LEN, &ch))
		return DROP(OVL_DROP_IP6_EXTHDR, "extension-header chain malformed or too long");
	if (!ch.later_frag) {
		/* what the chain must not hide: ND (types 133-137) behind
		 * any extension header; a DHCPv6 reply (to 546) from one who
		 * may not serve */
		if (ch.proto == 58 && ch.nhdrs) {
			if (ch.off + 1 > ch.end)
				return DROP(OVL_DROP_IP6_EXTHDR,
					    "no room for ICMPv6 after the chain");
			if (s->f[ch.off] >= 133 && s->f[ch.off] <= 137)
				return DROP(OVL_DROP_SPOOF_ND, "ND behind an extension header");
		} else if (ch.proto == 17 && !(e->ifflags & MAY_SERVE_DHCP)) {
			if (ch.off + 4 > ch.end)
				return ch.nhdrs ? DROP(OVL_DROP_IP6_EXTHDR,
						       "no room for UDP after chain") :
						  DROP(OVL_DROP_TRUNCATED, "UDP header truncated");
			if (be16(s->f + ch.off + 2) == 546)
				return DROP(OVL_DROP_DHCP_SERVER,
					    "to UDP 546 from a non-server endpoint");
		}
	}
	bare_icmp = ip[6] == 58;
	is_ns = bare_icmp && s->len >= ETH_LEN + IP6_LEN + ND_LEN && icmp[0] == 135;
	if (e->ifflags & OVL_IF_F_IP_NOSPOOF) {
		if (zero(ip + 8, 16)) {
			if (!is_ns)
				return mac_mc(s->f) ?
					       DROP(OVL_DROP_BCAST, "multicast from ::") :
					       DROP(OVL_DROP_SPOOF_IP, "from :: and not DAD");
		} else if (!src_owned(s->t, e, OVL_AF_INET6, ip + 8)) {
			return DROP(OVL_DROP_SPOOF_IP, "IPv6 source not the endpoint's");
		}
	}
	if (is_ns)
		return tc_ns(s);
	if (!bare_icmp || s->len < ETH_LEN + IP6_LEN + 4)
		return 0;
	/* RA and redirect only from the router (RFC 4861 sections 6.2, 8.2) */
	if (icmp[0] == 134 || icmp[0] == 137)
		return (e->ifflags & OVL_IF_F_ROUTER) ?
			       0 :
			       DROP(OVL_DROP_SPOOF_ND,
				    "RA/redirect from an endpoint not the router");
	if (icmp[0] != 136 || s->len < ETH_LEN + IP6_LEN + ND_LEN)
		return 0;
	/* an NA speaks only for the endpoint: its address, its MAC */
	if ((e->ifflags & OVL_IF_F_IP_NOSPOOF) &&
	    !neigh_owned(s->t, e->vni, OVL_AF_INET6, icmp + 8, e->mac))
		return DROP(OVL_DROP_SPOOF_ND, "NA target not the endpoint's");
	plen = be16(ip + 4);
	if (plen < ND_LEN)
		return DROP(OVL_DROP_NDP_BAD, "NA payload shorter than an NA");
	{
		uint8_t tlla[6];
		int has = nd_lla(s, ETH_LEN + IP6_LEN + ND_LEN, plen, 2, tlla);

		if (has < 0)
			return DROP(OVL_DROP_NDP_BAD, "NA options malformed");
		if (has && memcmp(tlla, e->mac, 6))
			return DROP(OVL_DROP_SPOOF_ND, "NA TLLA not the endpoint's MAC");
	}
	return 0;
}

/* VXLAN toward d: the outer headers of RFC 7348 in front of the frame. */
static int tc_encap(struct tcm *s, const struct t_dest *d, uint32_t vni)
{
	const struct t_vtep *v = &t_vteps[d->vtep];
	const struct topo *t = s->t;
	bool v4 = v->family == OVL_AF_INET4;
	uint16_t et = be16(s->f + 12);
	bool is_ip = et == 0x0800 || et == 0x86dd;
	size_t room = v4 ? OVL_ENCAP4_LEN : OVL_ENCAP6_LEN, udp = ETH_LEN + (v4 ? 20 : IP6_LEN);
	struct m_out *o = s->o;
	uint8_t *f = o->out, inner[M_OUT_MAX];

	if (v4 ? !t->has4 : !t->has6)
		return DROP(OVL_DROP_NO_LOCAL_ADDR, "no underlay address of the VTEP's family");
	if (v->route == T_R_NOROUTE)
		return DROP(OVL_DROP_FIB, "no route to the VTEP");
	if (v->route == T_R_NEIGH && !is_ip)
		return DROP(OVL_DROP_FIB, "non-IP frame and the next hop unresolved");

	memcpy(inner, s->f, s->len);
	memset(f, 0, room);
	memcpy(f + room, inner, s->len);
	memset(o->mask, 0, room + s->len);
	if (v->route == T_R_OK) {
		memcpy(f, v->dmac, 6);
		memcpy(f + 6, ul_mac, 6);
	} else {
		/* bpf_redirect_neigh() writes the MACs once it knows them */
		memset(o->mask, 1, 12);
	}
	if (v4) {
		uint8_t *ip = f + ETH_LEN;

		put16(f + 12, 0x0800);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(20 + 16 + s->len));
		put16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = 17;
		memcpy(ip + 12, t->local4, 4);
		memcpy(ip + 16, v->addr, 4);
		put16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, 20)));
		/* UDP checksum 0: allowed over IPv4 (RFC 7348 section 5) */
	} else {
		uint8_t *ip = f + ETH_LEN;

		put16(f + 12, 0x86dd);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(16 + s->len));
		ip[6] = 17;
		ip[7] = 64;
		memcpy(ip + 8, t->local6, 16);
		memcpy(ip + 24, v->addr, 16);
		o->udp6_off = udp; /* mandatory over IPv6: finished by the caller */
	}
	/* the source port is flow entropy (RFC 7348 section 5): only its range
	 * 49152-65535 is checked, by the caller */
	o->mask[udp] = o->mask[udp + 1] = 1;
	put16(f + udp + 2, d->port);
	put16(f + udp + 4, (uint16_t)(16 + s->len));
	put32(f + udp + 8, 0x08000000); /* the I flag */
	put32(f + udp + 12, vni << 8);
	o->out_len = room + s->len;
	o->out_same = false;
	o->redir_if = H_IF_UL;
	o->stat = v4 ? OVL_STAT_TX_ENCAP4 : OVL_STAT_TX_ENCAP6;
	if (v->route == T_R_NEIGH) {
		o->redir_how = OVL_REDIR_NEIGH;
		cnt(o, OVL_STAT_NEIGH_RESOLVE, s->len);
	} else {
		o->redir_how = OVL_REDIR_EGRESS;
	}
	return DONE;
}

/* Step 4 and 5: where a frame that passed link protection goes. */
static int tc_forward(struct tcm *s)
{
	const struct topo *t = s->t;
	const struct t_ep *e = s->e;
	const uint8_t *dst = s->f;
	const struct t_rem *r;
	int v = m_vni_idx(t, e->vni), ep;

	if (mac_mc(dst)) {
		if (v >= 0 && (t->vnis[v].flags & OVL_VNI_F_DIRECT)) {
			s->o->rule = "broadcast/multicast into a point-to-point tunnel";
			return tc_encap(s, &t->vnis[v].direct, e->vni);
		}
		return DROP(OVL_DROP_BCAST, "broadcast/multicast nobody handles");
	}
	if (is_router_mac(dst, e->vni) && !(e->ifflags & OVL_IF_F_ROUTER)) {
		struct ovl_rflow_key k;
		const struct t_rflow *rf;

		if (rflow_key(s->f, s->len, ETH_LEN, be16(s->f + 12), true, e->vni, &k) &&
		    (rf = rflow_find(t, &k))) {
			struct t_dest d = { .vtep = -1, .port = ntohs(rf->via.port) };

			for (int i = 0; i < t_nvteps; i++)
				if (t_vteps[i].family == rf->via.family &&
				    !memcmp(t_vteps[i].addr, rf->via.addr,
					    rf->via.family == OVL_AF_INET4 ? 4 : 16))
					d.vtep = i;
			if (d.vtep >= 0) {
				s->o->rule = "reply in a flow another host's router started";
				return tc_encap(s, &d, e->vni);
			}
		}
	}
	/* ovl_fdb first, local or remote; ovl_endpoints when it has nothing */
	ep = m_fdb_local(t, e->vni, dst);
	r = rem_find(t, e->vni, dst);
	if (ep < 0 && !r)
		ep = ep_find(t, e->vni, dst);
	if (ep >= 0) {
		uint32_t fl = t->eps[ep].epflags;

		if (H_IF_EP0 + ep == (int)s->ifc)
			return DROP(OVL_DROP_HAIRPIN, "to the sender itself");
		s->o->redir_if = (enum h_if)(H_IF_EP0 + ep);
		s->o->redir_how =
			(fl & (OVL_EP_F_PEER_NETNS | OVL_EP_F_SHAPED)) == OVL_EP_F_PEER_NETNS ?
				OVL_REDIR_PEER :
				OVL_REDIR_EGRESS;
		s->o->stat = OVL_STAT_TX_LOCAL;
		s->o->rule = "switched to a local endpoint";
		return DONE;
	}
	if (r) {
		s->o->rule = "encapsulated to the remote MAC's VTEP";
		return tc_encap(s, &r->d, e->vni);
	}
	if (v >= 0 && (t->vnis[v].flags & OVL_VNI_F_DIRECT)) {
		s->o->rule = "unknown unicast into a point-to-point tunnel";
		return tc_encap(s, &t->vnis[v].direct, e->vni);
	}
	s->miss_type = OVL_EVT_MISS_L2;
	memcpy(s->miss_mac, dst, 6);
	return DROP(OVL_DROP_MISS, "unknown destination MAC: miss");
}

static int tc_ep(struct tcm *s)
{
	uint16_t et;
	int ret;

	if (!s->e)
		return DROP(OVL_DROP_NO_IFACE, "veth without an endpoint");
	if (s->len < ETH_LEN)
		return DROP(OVL_DROP_TRUNCATED, "shorter than Ethernet");
	if (memcmp(s->f + 6, s->e->mac, 6))
		return DROP(OVL_DROP_SPOOF_MAC, "source MAC not the endpoint's");
	et = be16(s->f + 12);
	if (et == 0x8100 || et == 0x88a8)
		return DROP(OVL_DROP_VLAN, "802.1Q/802.1ad tag");
	if (et == 0x0806)
		ret = tc_arp(s);
	else if (et == 0x0800)
		ret = tc_ip4(s);
	else if (et == 0x86dd)
		ret = tc_ip6(s);
	else
		ret = DROP(OVL_DROP_ETHERTYPE, "EtherType not IPv4, IPv6 or ARP");
	if (ret)
		return ret;
	return tc_forward(s);
}

void m_tc(const struct topo *t, enum h_if ifc, const uint8_t *f, size_t len, struct m_out *o)
{
	struct tcm s = { .t = t, .ifc = ifc, .f = o->out, .len = len, .o = o };
	int idx = (int)ifc - H_IF_EP0, ret;

	m_start(o, f, len);
	if (idx >= 0 && idx < T_NEP && t->eps[idx].iface)
		s.e = &t->eps[idx];
	ret = tc_ep(&s);
	if (ret < 0) {
		uint32_t reason = (uint32_t)-ret;

		o->verdict = TC_ACT_SHOT;
		o->redir_if = H_IF_NONE;
		o->redir_how = 0;
		o->stat = OVL_STAT_MAX;
		if (o->out_len != s.len) /* an encap that failed leaves the frame */
			o->out_len = s.len;
		memset(o->mask, 0, o->out_len);
		o->udp6_off = 0;
		drop_count(o, reason, len);
		if (reason == OVL_DROP_MISS) {
			/* to ovld (the harness clears the rate limit): not a
			 * drop of the network, and no drop event */
			evt_set(o, s.miss_type, s.e->vni, ifc, (uint32_t)len);
			if (s.miss_type == OVL_EVT_MISS_L2) {
				memcpy(o->evt.mac, s.miss_mac, 6);
				cnt(o, OVL_STAT_MISS_L2, len);
			} else {
				memcpy(o->evt.mac, s.e->mac, 6);
				o->evt.family = s.miss_family;
				memcpy(o->evt.addr, s.miss_addr, 16);
				cnt(o,
				    s.miss_type == OVL_EVT_MISS_ARP ? OVL_STAT_MISS_ARP :
								      OVL_STAT_MISS_NDP,
				    len);
			}
			o->evt.cap_len = (uint32_t)(len < OVL_EVT_PKT_MAX ? len : OVL_EVT_PKT_MAX);
			return;
		}
		if (s.e)
			vcnt(o, t, s.e->vni, OVL_VSTAT_DROP, len);
		drop_event(t, o, s.e ? s.e->vni : 0, ifc, (uint32_t)len);
		return;
	}
	o->verdict = TC_ACT_REDIRECT;
	cnt(o, o->stat, len);
	if (o->stat == OVL_STAT_TX_ENCAP4 || o->stat == OVL_STAT_TX_ENCAP6)
		vcnt(o, t, s.e->vni, OVL_VSTAT_ENCAP, len);
	else if (o->stat == OVL_STAT_TX_LOCAL)
		vcnt(o, t, s.e->vni, OVL_VSTAT_LOCAL, len);
}

/* ---- ovl_xdp_rx and ovl_tc_ul_in ------------------------------------------------------- */

struct rxm {
	uint32_t vni;
	bool vni_known;
	uint8_t peer_family;
	uint8_t peer[16];
	size_t hdr_len; /* the inner Ethernet header's offset */
	int ep;		/* the endpoint's index, or -1 for the flood veth */
	enum h_if to;
	uint32_t epflags;
	uint32_t stat;
};

#define RX_PASS 0
#define RX_OURS 1

/* Is it VXLAN to this host, and well formed (RFC 7348 section 5)? */
static int rx_outer(const struct topo *t, const uint8_t *f, size_t len, struct rxm *r,
		    const char **why)
{
	size_t l4;
	uint16_t et = len >= ETH_LEN ? be16(f + 12) : 0, ulen;

	*why = "not VXLAN to this host";
	if (et == 0x0800) {
		size_t ihl;

		if (len < ETH_LEN + 20 || f[14] >> 4 != 4 || (f[14] & 15) < 5)
			return RX_PASS;
		if (f[14 + 9] != 17 || !t->has4 || memcmp(f + 14 + 16, t->local4, 4))
			return RX_PASS;
		if (be16(f + 14 + 6) & 0x3fff) {
			r->stat = OVL_STAT_RX_FRAGMENT;
			*why = "outer IPv4 fragment";
			return RX_PASS;
		}
		ihl = (size_t)(f[14] & 15) * 4;
		if (ETH_LEN + ihl > len)
			return RX_PASS;
		r->peer_family = OVL_AF_INET4;
		memset(r->peer, 0, 16);
		memcpy(r->peer, f + 14 + 12, 4);
		l4 = ETH_LEN + ihl;
	} else if (et == 0x86dd) {
		/* no extension headers in front of a VTEP's UDP */
		if (len < ETH_LEN + IP6_LEN || f[14] >> 4 != 6 || f[14 + 6] != 17)
			return RX_PASS;
		if (!t->has6 || memcmp(f + 14 + 24, t->local6, 16))
			return RX_PASS;
		r->peer_family = OVL_AF_INET6;
		memcpy(r->peer, f + 14 + 8, 16);
		l4 = ETH_LEN + IP6_LEN;
	} else {
		return RX_PASS;
	}
	if (l4 + 8 > len || be16(f + l4 + 2) != t->port)
		return RX_PASS;
	ulen = be16(f + l4 + 4);
	if (ulen < 8 + 8 + ETH_LEN || l4 + ulen > len) {
		*why = "UDP length short of VXLAN and Ethernet, or past the frame";
		return -OVL_DROP_TRUNCATED;
	}
	if (be32(f + l4 + 8) != 0x08000000 || f[l4 + 15]) {
		*why = "VXLAN I flag clear or reserved bits set";
		return -OVL_DROP_VXLAN_FLAGS;
	}
	r->vni = be32(f + l4 + 12) >> 8;
	r->hdr_len = l4 + 16;
	return RX_OURS;
}

/* Which local endpoint gets it (a flooded ARP request or NS: the owner of
 * the target). */
static int rx_classify(const struct topo *t, const uint8_t *f, size_t len, struct rxm *r,
		       const char **why)
{
	const uint8_t *in;
	int ret, v;

	r->stat = OVL_STAT_RX_PASS;
	r->ep = -1;
	ret = rx_outer(t, f, len, r, why);
	if (ret != RX_OURS)
		return ret;
	v = m_vni_idx(t, r->vni);
	if (v < 0) {
		r->stat = OVL_STAT_RX_UNKNOWN_VNI;
		*why = "VNI not configured here";
		return RX_PASS;
	}
	r->vni_known = true;
	if ((t->vnis[v].flags & OVL_VNI_F_STRICT_SRC) &&
	    !peer_known(t, r->vni, r->peer_family, r->peer)) {
		*why = "strict overlay, outer source not a peer";
		return -OVL_DROP_PEER_UNKNOWN;
	}
	in = f + r->hdr_len;
	if (!mac_mc(in)) {
		r->ep = ep_find(t, r->vni, in);
		if (r->ep < 0) {
			*why = "inner destination not a local endpoint of the VNI";
			return -OVL_DROP_NO_ENDPOINT;
		}
		r->stat = OVL_STAT_RX_DECAP;
		*why = "decapsulated to the local endpoint";
	} else {
		const uint8_t *p = in + ETH_LEN, *key = NULL;
		size_t rest = len - r->hdr_len - ETH_LEN;
		uint8_t family = 0;
		uint16_t et = be16(in + 12);

		if (et == 0x0806 && rest >= ARP_LEN && be16(p + 6) == 1 && be16(p + 2) == 0x0800 &&
		    p[4] == 6 && p[5] == 4) {
			key = p + 24;
			family = OVL_AF_INET4;
		} else if (et == 0x86dd && rest >= IP6_LEN + ND_LEN && p[6] == 58 &&
			   p[IP6_LEN] == 135) {
			key = p + IP6_LEN + 8;
			family = OVL_AF_INET6;
		}
		if (key) {
			const struct t_neigh *n = neigh_find(t, r->vni, family, key);

			if (n)
				r->ep = ep_find(t, r->vni, n->mac);
		}
		r->stat = OVL_STAT_RX_DECAP_BCAST;
		*why = "flooded ARP/NS to the owner of its target";
		if (r->ep < 0 && (t->vnis[v].flags & OVL_VNI_F_DIRECT) && t->vnis[v].flood) {
			r->to = t->vnis[v].flood;
			r->epflags = 0;
			*why = "broadcast of a point-to-point overlay to its flood endpoint";
			return RX_OURS;
		}
		if (r->ep < 0) {
			*why = "broadcast/multicast nobody claims";
			return -OVL_DROP_BCAST;
		}
	}
	r->to = (enum h_if)(H_IF_EP0 + r->ep);
	r->epflags = t->eps[r->ep].epflags;
	return RX_OURS;
}

static void rx_rflow(const struct topo *t, const uint8_t *f, size_t len, const struct rxm *r,
		     struct m_out *o)
{
	const uint8_t *in = f + r->hdr_len;
	struct ovl_rflow_key k;
	struct ovl_dest via;
	const struct t_rflow *cur;

	/* from another host's router (its anycast MAC as the source) to a
	 * local endpoint that is not the router */
	if (mac_mc(in) || !is_router_mac(in + 6, r->vni) || is_router_mac(in, r->vni))
		return;
	if (!rflow_key(f, len, r->hdr_len + ETH_LEN, be16(in + 12), false, r->vni, &k))
		return;
	memset(&via, 0, sizeof(via));
	via.family = r->peer_family;
	memcpy(via.addr, r->peer, 16);
	via.port = htons(t->port); /* our own port, not the entropy */
	cur = rflow_find(t, &k);
	if (cur && !memcmp(&cur->via, &via, sizeof(via)))
		return;
	o->rflow_write = true;
	o->rflow.key = k;
	o->rflow.via = via;
}

void m_rx(const struct topo *t, enum h_prog prog, const uint8_t *f, size_t len, struct m_out *o)
{
	bool xdp = prog == H_XDP;
	struct rxm r = { 0 };
	const char *why = "";
	int ret;

	m_start(o, f, len);
	ret = rx_classify(t, f, len, &r, &why);
	o->rule = why;
	if (ret == RX_OURS && xdp && (r.epflags & OVL_EP_F_SHAPED)) {
		/* to ovl_tc_ul_in, through the endpoint's qdisc: counted there */
		o->verdict = XDP_PASS;
		o->rule = "shaped endpoint: passed to TC";
		return;
	}
	if (ret == RX_OURS) {
		size_t inner = len - r.hdr_len;
		uint16_t et = be16(f + r.hdr_len + 12);

		rx_rflow(t, f, len, &r, o);
		/* bpf_skb_adjust_room() (Linux 6.3+, DECAP flags) keeps at
		 * least an IPv6 header behind the Ethernet header of an
		 * IPv6 frame and an IPv4 header's 20 bytes of any other:
		 * the kernel's limit, not ovl's */
		if (!xdp && inner - ETH_LEN < (et == 0x86dd ? 40u : 20u)) {
			ret = -OVL_DROP_ADJUST;
			o->rule = "inner frame shorter than bpf_skb_adjust_room() allows";
		}
	}
	if (ret < 0) {
		o->verdict = xdp ? XDP_DROP : TC_ACT_SHOT;
		drop_count(o, (uint32_t)-ret, len);
		if (r.vni_known) {
			vcnt(o, t, r.vni, OVL_VSTAT_DROP, len);
			if (-ret == OVL_DROP_PEER_UNKNOWN)
				vcnt(o, t, r.vni, OVL_VSTAT_PEER_UNKNOWN, len);
		}
		drop_event(t, o,
			   ret == -OVL_DROP_TRUNCATED || ret == -OVL_DROP_VXLAN_FLAGS ? 0 : r.vni,
			   H_IF_UL, (uint32_t)len);
		if (o->nevts && -ret == OVL_DROP_PEER_UNKNOWN) {
			o->evt.family = r.peer_family;
			memcpy(o->evt.addr, r.peer, 16);
		}
		return;
	}
	if (ret == RX_PASS) {
		o->verdict = xdp ? XDP_PASS : TC_ACT_OK;
		/* behind XDP, TC does not count what XDP counted */
		if (xdp || !(t->cfgflags & OVL_CFG_F_XDP_DECAP))
			cnt(o, r.stat, len);
		return;
	}
	o->stat = r.stat;
	cnt(o, r.stat, len);
	vcnt(o, t, r.vni, OVL_VSTAT_DECAP, len - r.hdr_len);
	o->redir_if = r.to;
	memmove(o->out, o->out + r.hdr_len, len - r.hdr_len);
	o->out_len = len - r.hdr_len;
	o->out_same = false;
	if (xdp) {
		o->verdict = XDP_REDIRECT;
		o->redir_how = OVL_REDIR_XDP;
	} else {
		uint16_t et = be16(o->out + 12);

		o->verdict = TC_ACT_REDIRECT;
		/* into the container's netns directly only for IP (the veth
		 * sets an ARP frame's protocol) and never past a shaper */
		o->redir_how = (r.epflags & (OVL_EP_F_PEER_NETNS | OVL_EP_F_SHAPED)) ==
						       OVL_EP_F_PEER_NETNS &&
					       (et == 0x0800 || et == 0x86dd) ?
				       OVL_REDIR_PEER :
				       OVL_REDIR_EGRESS;
	}
}
