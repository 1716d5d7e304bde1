// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pktfuzz.c - the packet fuzzer: ovl's three BPF programs on generated and
 * mutated frames, every result checked against an independent model.
 *
 *   pktfuzz [--seed S] [--frames N] [--seconds T] [--keep-going] [-v]
 *
 * What is fuzzed. The real programs (ovl_tc_ep_in on the endpoint veths,
 * ovl_xdp_rx and ovl_tc_ul_in on the underlay), loaded by the BPF tier's
 * harness (tests/bpf/harness.h: a private network namespace with an
 * underlay veth and seven endpoint veths, ovl_test_mode on) and run with
 * BPF_PROG_TEST_RUN, in turn, one frame each. The maps hold a small
 * random topology derived from the seed and replaced every
 * TOPO_FRAMES frames (pktmodel.h): one to three overlays, strict or not,
 * point-to-point or not; endpoints with MACs that other tenants reuse,
 * addresses, IP-nospoof, DHCP proxy, DHCP server, router; remote MACs
 * behind the harness's VTEPs (reachable, unresolved, routed, unroutable,
 * IPv4 and IPv6, two ports); ovl_neigh entries (some stale, some
 * missing); peers; flows pinned to other hosts' routers. Frames from an
 * endpoint: ARP (requests, replies, probes, gratuitous, malformed), IPv4
 * (options, fragments, DHCP client broadcasts, server replies forged or
 * not, to port 68), IPv6 (extension-header chains of Hop-by-Hop,
 * Destination Options, Routing, Fragment and AH in front of ND, RA,
 * redirects, DHCPv6 and the rest; NS in every form the proxy answers or
 * refuses; NA for others' addresses), 802.1Q and QinQ tags, other
 * EtherTypes, to local, remote, other tenants', router, unknown,
 * broadcast and multicast MACs. Frames from the underlay: VXLAN over IPv4
 * (options, fragments) and IPv6 (extension headers), to us or not, from
 * peers and strangers, every flag and VNI (known, unknown, another
 * tenant's), with inner frames for every kind of destination, from the
 * router MAC too. Then truncation at any length, flipped bytes, wrong
 * length fields, trailing bytes.
 *
 * How it is checked. pktmodel.c states the rules (who may send what, what
 * is answered, switched, encapsulated where, decapsulated from whom) over
 * the frame's bytes and the topology, without looking at what the
 * program did; the fuzzer compares the verdict, the drop reason, every
 * counter of ovl_stats and ovl_vni_stats, the redirect target and how, the
 * output frame byte for byte (the outer UDP source port, flow entropy, only
 * for its range, and with an unresolved next hop the outer MACs, which
 * bpf_redirect_neigh() writes, not at all), the ringbuf event (miss or
 * drop, field by field, with the captured bytes) and the ovl_rflows write.
 * The miss rate limit is cleared after every miss (it depends on time);
 * ovl_rflows is followed by the model as the programs write it, but for a
 * flow pinned to an underlay address that is none of the harness's hosts
 * (a flipped byte of an outer source), whose route the model does not
 * know: that one is checked, then deleted.
 *
 * Deterministic from the seed: a failure prints the seed, the frame's
 * index, the program, the topology, what was expected and what came, and
 * the frames in hex, and exits 1 (with --keep-going, after the run and a
 * count of every difference by what was expected and what came; the maps
 * are reloaded from the model after each). A pass ends with a summary line per
 * program and the verdict histogram, exit 0. Exit 4 when the harness
 * cannot run here (no root, no BPF).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "names.h"
#include "pktmodel.h"

#define TOPO_FRAMES 250 /* frames per topology */

/* ---- the generator's randomness ------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	/* splitmix64: every seed gives its own stream */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

/* true with probability pct percent */
static bool chance(uint32_t pct)
{
	return rnd(100) < pct;
}

/* ---- text forms for the harness's loaders and pkt.h --------------------------------- */

static char pool[512][48];
static int npool;

static const char *str_keep(const char *s)
{
	char *p = pool[npool++ % 512];

	snprintf(p, sizeof(pool[0]), "%s", s);
	return p;
}

static const char *mac_s(const uint8_t *m)
{
	char b[24];

	snprintf(b, sizeof(b), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return str_keep(b);
}

static const char *addr_s(uint8_t family, const uint8_t *a)
{
	char b[INET6_ADDRSTRLEN];

	inet_ntop(family == OVL_AF_INET4 ? AF_INET : AF_INET6, a, b, sizeof(b));
	return str_keep(b);
}

static void mac_set(uint8_t *m, uint8_t b0, uint8_t b4, uint8_t b5)
{
	m[0] = b0;
	m[1] = 0xa0;
	m[2] = 0;
	m[3] = 0;
	m[4] = b4;
	m[5] = b5;
}

/* ---- topology ---------------------------------------------------------------------- */

static const uint32_t vni_pool[] = { 100, 200, 300, 0x123456, 0xffffff, 1, 4097 };
#define NVNI_POOL (sizeof(vni_pool) / sizeof(vni_pool[0]))

static struct topo T;

static struct t_dest rand_dest(void)
{
	struct t_dest d = { .vtep = (int)rnd((uint32_t)t_nvteps), .port = 4789 };

	if (chance(20))
		d.port = 8472;
	return d;
}

static void neigh_add(uint32_t vni, uint8_t family, const char *ip, const uint8_t *mac,
		      uint16_t flags)
{
	struct t_neigh k = { .vni = vni, .family = family, .flags = flags }, *n = NULL;

	if (family == OVL_AF_INET4)
		pkt_in4(ip, k.addr);
	else
		pkt_in6(ip, k.addr);
	memcpy(k.mac, mac, 6);
	/* one entry per key, as in the map: a later one replaces */
	for (int i = 0; i < T.nneigh; i++)
		if (T.neighs[i].vni == vni && T.neighs[i].family == family &&
		    !memcmp(T.neighs[i].addr, k.addr, 16))
			n = &T.neighs[i];
	if (!n && T.nneigh < T_MAX_NEIGH)
		n = &T.neighs[T.nneigh++];
	if (n)
		*n = k;
}

static void topo_make(void)
{
	int nper[T_MAX_VNI] = { 0 };
	bool router[T_MAX_VNI] = { false };

	memset(&T, 0, sizeof(T));
	T.has4 = chance(95);
	T.has6 = chance(85);
	pkt_in4(LOCAL4, T.local4);
	if (T.has6)
		pkt_in6(LOCAL6, T.local6);
	if (!T.has4)
		memset(T.local4, 0, 4);
	T.port = chance(85) ? 4789 : 8472;
	T.cfgflags =
		(chance(50) ? OVL_CFG_F_DROP_EVENTS : 0) | (chance(30) ? OVL_CFG_F_XDP_DECAP : 0);
	/* mostly with the next-hop cache, as ovld runs it */
	T.nh_gen = chance(75) ? 1 + (uint32_t)rnd(1000) : 0;

	T.nvni = 1 + (int)rnd(T_MAX_VNI);
	for (int i = 0; i < T.nvni; i++) {
		struct t_vni *v = &T.vnis[i];
		bool dup;

		do {
			v->vni = vni_pool[rnd(NVNI_POOL)];
			dup = false;
			for (int j = 0; j < i; j++)
				dup |= T.vnis[j].vni == v->vni;
		} while (dup);
		v->flags = (chance(50) ? OVL_VNI_F_STRICT_SRC : 0) |
			   (chance(15) ? OVL_VNI_F_DIRECT : 0);
		v->direct = rand_dest();
	}
	/* the counters' slots (ABI 5): most networks have one, some not
	 * (migrated from ABI 4); counts go to either, read as their sum */
	for (int i = 0; i < T.nvni; i++)
		T.vnis[i].slot = chance(75) ? (uint32_t)i + 1 : 0;

	/* endpoints: MACs 02:a0:00:00:00:0k reused across tenants */
	for (int i = 0; i < T_NEP; i++) {
		struct t_ep *e = &T.eps[i];
		int v = (int)rnd((uint32_t)T.nvni), k;
		bool dup;

		e->vni = T.vnis[v].vni;
		e->slot = chance(85) ? T.vnis[v].slot : 0;
		e->iface = chance(88);
		e->ep = e->iface ? chance(92) : chance(25);
		/* ovld writes both; ovl_fdb alone, or without it (ABI 2
		 * pins, a full ovl_fdb), the TC program copes */
		e->fdb = e->ep ? chance(85) : chance(10);
		k = nper[v]++;
		if (!router[v] && e->iface && chance(25)) {
			router[v] = true;
			m_router_mac(e->vni, e->mac);
			e->ifflags = OVL_IF_F_ROUTER | (chance(50) ? OVL_IF_F_DHCP_SERVER : 0);
		} else {
			do {
				mac_set(e->mac, 0x02, 0, (uint8_t)(1 + rnd(9)));
				dup = false;
				for (int j = 0; j < i; j++)
					dup |= T.eps[j].vni == e->vni &&
					       !memcmp(T.eps[j].mac, e->mac, 6);
			} while (dup);
			e->ifflags = (chance(60) ? OVL_IF_F_IP_NOSPOOF : 0) |
				     (chance(15) ? OVL_IF_F_DHCP_SERVER : 0);
		}
		e->epflags =
			(chance(50) ? OVL_EP_F_PEER_NETNS : 0) | (chance(15) ? OVL_EP_F_SHAPED : 0);
		snprintf(e->ip4, sizeof(e->ip4), "10.23.0.%u", (unsigned int)(k + 1) & 0xff);
		snprintf(e->ip6, sizeof(e->ip6), "fd23::%x", k + 1);
		snprintf(e->ll6, sizeof(e->ll6), "fe80::a%x", k + 1);
	}
	/* the own addresses of the iface entries: ovld's (the endpoint's
	 * first ones), none (ABI-3 entries, migrated), or now and then
	 * another's, which the program takes for the endpoint's all the same */
	for (int i = 0; i < T_NEP; i++) {
		struct t_ep *e = &T.eps[i];
		const struct t_ep *o = &T.eps[rnd(T_NEP)];

		e->own4s[0] = e->own6s[0] = '\0';
		if (chance(60))
			snprintf(e->own4s, sizeof(e->own4s), "%s", chance(90) ? e->ip4 : o->ip4);
		if (chance(50))
			snprintf(e->own6s, sizeof(e->own6s), "%s",
				 chance(80) ? e->ip6 :
				 chance(50) ? e->ll6 :
					      o->ip6);
		memset(e->own4, 0, sizeof(e->own4));
		memset(e->own6, 0, sizeof(e->own6));
		if (e->own4s[0])
			pkt_in4(e->own4s, e->own4);
		if (e->own6s[0])
			pkt_in6(e->own6s, e->own6);
	}
	for (int i = 0; i < T_NEP; i++) {
		struct t_ep *e = &T.eps[i];

		if (chance(20)) {
			int j = (int)rnd(T_NEP);

			e->ifflags |= OVL_IF_F_DHCP_PROXY;
			if (chance(70))
				memcpy(e->dhcp_mac, T.eps[j].mac, 6);
			else
				mac_set(e->dhcp_mac, 0x02, 0xb0, (uint8_t)rnd(8));
		}
	}

	/* remote MACs 02:a0:00:00:b0:0k, and now and then another tenant's
	 * endpoint MAC */
	T.nrem = 0;
	for (int v = 0; v < T.nvni; v++) {
		int n = 1 + (int)rnd(4);

		for (int k = 0; k < n && T.nrem < T_MAX_REM; k++) {
			struct t_rem *r = &T.rems[T.nrem];
			bool dup;

			r->vni = T.vnis[v].vni;
			do {
				if (chance(10))
					memcpy(r->mac, T.eps[rnd(T_NEP)].mac, 6);
				else
					mac_set(r->mac, 0x02, 0xb0, (uint8_t)(1 + rnd(6)));
				dup = false;
				for (int j = 0; j < T.nrem; j++)
					dup |= T.rems[j].vni == r->vni &&
					       !memcmp(T.rems[j].mac, r->mac, 6);
			} while (dup);
			r->d = rand_dest();
			snprintf(r->ip4, sizeof(r->ip4), "10.23.0.%u",
				 (unsigned int)(20 + k) & 0xff);
			snprintf(r->ip6, sizeof(r->ip6), "fd23::%x", 0x20 + k);
			T.nrem++;
		}
	}

	/* ovl_neigh */
	for (int i = 0; i < T_NEP; i++) {
		struct t_ep *e = &T.eps[i];
		uint16_t fl = (e->ifflags & OVL_IF_F_ROUTER) ? OVL_NEIGH_F_ROUTER : 0;

		if (!e->iface && !e->ep)
			continue;
		if (chance(90))
			neigh_add(e->vni, OVL_AF_INET4, e->ip4, e->mac, fl);
		if (chance(85))
			neigh_add(e->vni, OVL_AF_INET6, e->ip6, e->mac, fl);
		if (chance(70))
			neigh_add(e->vni, OVL_AF_INET6, e->ll6, e->mac, fl);
	}
	for (int i = 0; i < T.nrem; i++) {
		if (chance(75))
			neigh_add(T.rems[i].vni, OVL_AF_INET4, T.rems[i].ip4, T.rems[i].mac, 0);
		if (chance(60))
			neigh_add(T.rems[i].vni, OVL_AF_INET6, T.rems[i].ip6, T.rems[i].mac, 0);
	}
	for (int i = 0; i < 2; i++) {
		uint8_t m[6];

		mac_set(m, 0x02, 0xee, (uint8_t)i);
		if (chance(40))
			neigh_add(T.vnis[rnd((uint32_t)T.nvni)].vni, OVL_AF_INET4, "10.23.0.99", m,
				  0);
		if (chance(40))
			neigh_add(T.vnis[rnd((uint32_t)T.nvni)].vni, OVL_AF_INET6, "fd23::99", m,
				  0);
	}

	/* peers, mostly of the strict overlays; most entries as ABI 6 writes
	 * them (OVL_PEER_F_VNI and the network's slot: ovl_vnis is not read),
	 * some as migrated from ABI 5 */
	for (int v = 0; v < T.nvni; v++) {
		bool strict = T.vnis[v].flags & OVL_VNI_F_STRICT_SRC;

		for (int i = 0; i < t_nvteps && T.npeer < T_MAX_PEER; i++) {
			if (!chance(strict ? 50 : 15))
				continue;
			T.peers[T.npeer].vni = T.vnis[v].vni;
			T.peers[T.npeer].family = t_vteps[i].family;
			memcpy(T.peers[T.npeer].addr, t_vteps[i].addr, 16);
			T.peers[T.npeer].abi5 = chance(25);
			T.peers[T.npeer].slot = T.peers[T.npeer].abi5 ? 0 : T.vnis[v].slot;
			T.npeer++;
		}
	}
	for (int v = 0; v < T.nvni; v++) {
		int ep = (int)rnd(T_NEP);

		T.vnis[v].flood = chance(60) && T.eps[ep].vni == T.vnis[v].vni ?
					  (enum h_if)(H_IF_EP0 + ep) :
					  H_IF_NONE;
	}

	/* flows pinned to other hosts' routers */
	for (int n = (int)rnd(5); n > 0; n--) {
		struct t_rflow *rf = &T.rflows[T.nrflow];
		struct t_ep *e = &T.eps[rnd(T_NEP)];
		bool v6 = chance(40);
		static const uint8_t protos[] = { 6, 17, 1 };
		uint8_t proto = protos[rnd(3)];
		uint8_t ra[16];

		memset(rf, 0, sizeof(*rf));
		rf->key.vni = e->vni;
		rf->key.family = v6 ? OVL_AF_INET6 : OVL_AF_INET4;
		rf->key.proto = proto == 1 && v6 ? 58 : proto;
		if (v6) {
			pkt_in6(e->ip6, rf->key.laddr);
			pkt_in6(chance(50) ? "fd00::5" : "2001:db8:5::1", ra);
			memcpy(rf->key.raddr, ra, 16);
		} else {
			pkt_in4(e->ip4, rf->key.laddr);
			pkt_in4(chance(50) ? "192.168.7.5" : "10.23.0.254", ra);
			memcpy(rf->key.raddr, ra, 4);
		}
		rf->key.lport = htons((uint16_t)(chance(50) ? 80 : 1024 + rnd(60000)));
		rf->key.rport = proto == 1 ? rf->key.lport : htons((uint16_t)(1024 + rnd(60000)));
		{
			const struct t_vtep *vt = &t_vteps[rnd((uint32_t)t_nvteps)];

			rf->via.family = vt->family;
			memcpy(rf->via.addr, vt->addr, 16);
			rf->via.port = htons(T.port);
		}
		for (int j = 0; j < T.nrflow; j++)
			if (!memcmp(&T.rflows[j].key, &rf->key, sizeof(rf->key)))
				goto next;
		T.nrflow++;
next:;
	}
}

/* The topology into the maps, through the harness's loaders. */
static int topo_load(void)
{
	static struct h_ent e[320];
	struct ovl *skel = h_skel();
	int n = 0, err;

	npool = 0;
	e[n++] = (struct h_ent){ .kind = H_E_CFG,
				 .a = T.has4 ? LOCAL4 : NULL,
				 .b = T.has6 ? LOCAL6 : NULL,
				 .flags = T.cfgflags,
				 .ifc = H_IF_UL,
				 .port = T.port };
	for (int i = 0; i < T.nvni; i++)
		e[n++] = (struct h_ent){ .kind = H_E_VNI,
					 .vni = T.vnis[i].vni,
					 .flags = T.vnis[i].flags,
					 .a = t_vteps[T.vnis[i].direct.vtep].ip,
					 .port = T.vnis[i].direct.port,
					 .slot = T.vnis[i].slot };
	for (int i = 0; i < T_NEP; i++) {
		const struct t_ep *p = &T.eps[i];

		if (p->iface)
			e[n++] = (struct h_ent){ .kind = H_E_IFACE,
						 .ifc = (enum h_if)(H_IF_EP0 + i),
						 .vni = p->vni,
						 .flags = p->ifflags,
						 .a = mac_s(p->mac),
						 .b = (p->ifflags & OVL_IF_F_DHCP_PROXY) ?
							      mac_s(p->dhcp_mac) :
							      NULL,
						 .own4 = p->own4s[0] ? p->own4s : NULL,
						 .own6 = p->own6s[0] ? p->own6s : NULL,
						 .slot = p->slot };
		if (p->ep || p->fdb)
			e[n++] = (struct h_ent){ .kind = !p->fdb ? H_E_EP_NOFDB :
							 !p->ep	 ? H_E_EP_FDBONLY :
								   H_E_EP,
						 .vni = p->vni,
						 .a = mac_s(p->mac),
						 .ifc = (enum h_if)(H_IF_EP0 + i),
						 .flags = p->epflags };
	}
	for (int i = 0; i < T.nrem; i++)
		/* a remote entry never replaces a local one (map_fdb_put()) */
		if (m_fdb_local(&T, T.rems[i].vni, T.rems[i].mac) < 0)
			e[n++] = (struct h_ent){ .kind = H_E_FDB,
						 .vni = T.rems[i].vni,
						 .a = mac_s(T.rems[i].mac),
						 .b = t_vteps[T.rems[i].d.vtep].ip,
						 .port = T.rems[i].d.port };
	for (int i = 0; i < T.nneigh; i++)
		e[n++] = (struct h_ent){ .kind = H_E_NEIGH,
					 .vni = T.neighs[i].vni,
					 .a = addr_s(T.neighs[i].family, T.neighs[i].addr),
					 .b = mac_s(T.neighs[i].mac),
					 .flags = T.neighs[i].flags };
	for (int i = 0; i < T.npeer; i++)
		e[n++] = (struct h_ent){ .kind = H_E_PEER,
					 .vni = T.peers[i].vni,
					 .a = addr_s(T.peers[i].family, T.peers[i].addr),
					 .flags = T.peers[i].abi5 ? OVL_PEER_F_STATIC : 0,
					 .slot = T.peers[i].slot };
	for (int i = 0; i < T.nrflow; i++) {
		const struct t_rflow *rf = &T.rflows[i];

		e[n++] = (struct h_ent){ .kind = H_E_RFLOW,
					 .vni = rf->key.vni,
					 .proto = rf->key.proto,
					 .a = addr_s(rf->key.family, rf->key.laddr),
					 .lport = ntohs(rf->key.lport),
					 .b = addr_s(rf->key.family, rf->key.raddr),
					 .rport = ntohs(rf->key.rport),
					 .c = addr_s(rf->via.family, rf->via.addr),
					 .port = ntohs(rf->via.port) };
	}
	e[n].kind = H_E_END;
	h_nh_gen = T.nh_gen;
	err = h_reset();
	if (!err)
		err = h_load(e);
	/* the flood endpoint of a point-to-point overlay: no h_ent field */
	for (int i = 0; !err && i < T.nvni; i++) {
		int fd = bpf_map__fd(skel->maps.ovl_vnis);
		struct ovl_vni v;

		if (bpf_map_lookup_elem(fd, &T.vnis[i].vni, &v))
			err = -errno;
		v.flood_ifindex = h_ifindex(T.vnis[i].flood);
		if (!err && bpf_map_update_elem(fd, &T.vnis[i].vni, &v, BPF_EXIST))
			err = -errno;
	}
	return err;
}

static int map_clear(struct bpf_map *m)
{
	int fd = bpf_map__fd(m);
	uint8_t k[64];

	while (!bpf_map_get_next_key(fd, NULL, k))
		if (bpf_map_delete_elem(fd, k))
			return -errno;
	return 0;
}

/* ---- frames ------------------------------------------------------------------------ */

/* Who a generated frame claims to be: its overlay, MAC and addresses. */
struct who {
	uint32_t vni;
	uint8_t mac[6];
	const char *ip4, *ip6, *ll6;
};

static void who_ep(struct who *w, const struct t_ep *e)
{
	w->vni = e->vni;
	memcpy(w->mac, e->mac, 6);
	w->ip4 = e->ip4;
	w->ip6 = e->ip6;
	w->ll6 = e->ll6;
}

static void rand_mac(uint8_t *m)
{
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)rnd(256);
	m[0] &= 0xfe;
}

/* A MAC anyone on overlay vni might send to (or claim). */
static void pick_mac(uint32_t vni, uint8_t *m, bool unicast_only)
{
	int k = (int)rnd(unicast_only ? 70 : 100);

	if (k < 30) {
		memcpy(m, T.eps[rnd(T_NEP)].mac, 6); /* local, maybe another tenant's */
	} else if (k < 48 && T.nrem) {
		memcpy(m, T.rems[rnd((uint32_t)T.nrem)].mac, 6);
	} else if (k < 58) {
		m_router_mac(chance(85) ? vni : T.vnis[rnd((uint32_t)T.nvni)].vni, m);
	} else if (k < 64) {
		mac_set(m, 0x02, 0xb0, (uint8_t)rnd(9)); /* near the remote pool */
	} else if (k < 70) {
		rand_mac(m);
	} else if (k < 82) {
		memset(m, 0xff, 6);
	} else if (k < 90) {
		static const uint8_t mc6[6] = { 0x33, 0x33, 0xff, 0, 0, 1 };

		memcpy(m, mc6, 6);
		m[5] = (uint8_t)rnd(256);
	} else if (k < 95) {
		static const uint8_t mc4[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };

		memcpy(m, mc4, 6);
	} else {
		rand_mac(m);
		m[0] |= 1;
	}
}

static const char *pick_ip4(const struct who *w, bool src)
{
	int k = (int)rnd(100);

	if (src && k < 65)
		return w->ip4;
	if (k < 75)
		return T.eps[rnd(T_NEP)].ip4;
	if (k < 83 && T.nrem)
		return T.rems[rnd((uint32_t)T.nrem)].ip4;
	if (k < 88)
		return "0.0.0.0";
	if (k < 92)
		return "10.23.0.99";
	if (k < 95)
		return "10.23.0.254";
	if (k < 98)
		return "192.168.7.5";
	return "255.255.255.255";
}

static const char *pick_ip6(const struct who *w, bool src)
{
	int k = (int)rnd(100);

	if (src && k < 45)
		return w->ip6;
	if (src && k < 60)
		return w->ll6;
	if (k < 68)
		return chance(50) ? T.eps[rnd(T_NEP)].ip6 : T.eps[rnd(T_NEP)].ll6;
	if (k < 76 && T.nrem)
		return T.rems[rnd((uint32_t)T.nrem)].ip6;
	if (k < 81)
		return "::";
	if (k < 85)
		return "fd23::99";
	if (k < 89)
		return "ff02::1";
	if (k < 92)
		return "::1";
	if (k < 95)
		return "::ffff:10.23.0.1";
	if (k < 98)
		return "fe80::1";
	return "fd00::5";
}

static void eth_put(struct pkt *p, const uint8_t *dst, const uint8_t *src, uint16_t proto)
{
	/* now and then a tag or two in front (802.1Q, QinQ) */
	if (chance(7)) {
		bool qinq = chance(35);

		pkt_eth(p, mac_s(dst), mac_s(src), qinq ? (chance(50) ? 0x88a8 : 0x8100) : 0x8100);
		if (qinq)
			pkt_vlan(p, (uint16_t)rnd(4096), 0x8100);
		pkt_vlan(p, (uint16_t)rnd(4096), proto);
		return;
	}
	pkt_eth(p, mac_s(dst), mac_s(src), proto);
}

static void gen_arp(struct pkt *p, const struct who *w, const uint8_t *src)
{
	uint8_t dst[6], sha[6];
	const char *sip, *tip;
	uint16_t op = chance(70) ? 1 : chance(85) ? 2 : (uint16_t)rnd(6);
	struct pkt_arp *a;

	if (op == 1 && chance(80))
		memset(dst, 0xff, 6);
	else
		pick_mac(w->vni, dst, chance(70));
	memcpy(sha, chance(88) ? w->mac : src, 6);
	if (chance(8))
		rand_mac(sha);
	sip = chance(10) ? "0.0.0.0" : pick_ip4(w, true);
	tip = chance(10) ? sip : pick_ip4(w, false);
	if (chance(15) && T.nneigh) {
		const struct t_neigh *n = &T.neighs[rnd((uint32_t)T.nneigh)];

		if (n->family == OVL_AF_INET4)
			tip = addr_s(OVL_AF_INET4, n->addr);
	}
	eth_put(p, dst, src, 0x0806);
	a = pkt_arp(p, op, mac_s(sha), sip, chance(50) ? NULL : mac_s(dst), tip);
	if (chance(6)) {
		switch (rnd(4)) {
		case 0:
			a->hrd = htons((uint16_t)rnd(8));
			break;
		case 1:
			a->pro = htons(chance(50) ? 0x86dd : (uint16_t)rnd(65536));
			break;
		case 2:
			a->hln = (uint8_t)rnd(10);
			break;
		default:
			a->pln = (uint8_t)rnd(20);
			break;
		}
	}
}

static void payload(struct pkt *p)
{
	if (chance(60))
		pkt_pattern(p, rnd(chance(90) ? 64 : 600), (unsigned int)rnd(1000));
}

/* A DHCP (BOOTP) body: a client's DISCOVER, or made into a server's reply. */
static void dhcp_body(struct pkt *p, const struct who *w, bool reply)
{
	uint8_t *b = pkt_dhcp_discover(p, (uint32_t)rnd64(), mac_s(w->mac));

	if (!reply)
		return;
	b[0] = chance(90) ? 2 : 1;
	if (chance(10))
		b[1] = (uint8_t)rnd(3);
	if (chance(10))
		b[2] = (uint8_t)rnd(8);
	switch (rnd(5)) {
	case 0:
		memset(b + 28, 0, 6);
		break;
	case 1:
		memset(b + 28, 0xff, 6);
		break;
	default: {
		uint8_t m[6];

		pick_mac(w->vni, m, true);
		memcpy(b + 28, m, 6);
		break;
	}
	}
}

static void gen_ip4(struct pkt *p, const struct who *w, const uint8_t *src)
{
	uint8_t dst[6], opts[40];
	size_t olen = chance(12) ? 4 * (1 + rnd(10)) : 0;
	const char *sip, *dip;
	int k = (int)rnd(100);
	uint8_t proto;
	struct iphdr *ip;

	for (size_t i = 0; i < olen; i++)
		opts[i] = chance(70) ? 1 : (uint8_t)rnd(256); /* NOPs, mostly */
	pick_mac(w->vni, dst, false);
	sip = pick_ip4(w, true);
	dip = pick_ip4(w, false);
	if (k < 12) { /* a DHCP client */
		if (chance(70))
			memset(dst, 0xff, 6);
		sip = chance(70) ? "0.0.0.0" : sip;
		dip = "255.255.255.255";
	}
	proto = k < 25 ? 17 : k < 55 ? 17 : k < 80 ? 6 : k < 93 ? 1 : (uint8_t)rnd(256);
	eth_put(p, dst, src, 0x0800);
	ip = pkt_ip4_opts(p, sip, dip, proto, olen ? opts : NULL, olen);
	if (chance(8))
		ip->frag_off =
			htons((uint16_t)((chance(50) ? 0x2000 : 0) | (chance(50) ? rnd(64) : 0)));
	if (chance(2))
		ip->ihl = (uint8_t)rnd(16);
	if (chance(2))
		ip->version = (uint8_t)rnd(16);
	if (proto == 17) {
		uint16_t sp = (uint16_t)rnd(65536), dp = (uint16_t)rnd(65536);

		if (k < 12) {
			sp = 68;
			dp = 67;
		} else if (k < 25) {
			sp = chance(80) ? 67 : sp;
			dp = 68;
		} else if (chance(20)) {
			dp = chance(50) ? 67 : 68;
		}
		pkt_udp(p, sp, dp, true);
		if (k < 25)
			dhcp_body(p, w, k >= 12);
		else
			payload(p);
	} else if (proto == 6) {
		pkt_tcp(p, (uint16_t)rnd(65536), chance(30) ? 80 : (uint16_t)rnd(65536));
		payload(p);
	} else if (proto == 1) {
		uint8_t *icmp = pkt_put(p, 8);

		icmp[0] = chance(70) ? (chance(50) ? 8 : 0) : (uint8_t)rnd(20);
		icmp[4] = (uint8_t)rnd(256);
		icmp[5] = (uint8_t)rnd(256);
		payload(p);
	} else {
		payload(p);
	}
}

/* ff02::1:ffXX:XXXX of target */
static const char *sol_node(const char *target)
{
	uint8_t t[16], s[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	pkt_in6(target, t);
	memcpy(s + 13, t + 13, 3);
	return addr_s(OVL_AF_INET6, s);
}

static const char *pick_target(const struct who *w)
{
	int k = (int)rnd(100);

	if (k < 35 && T.nneigh) {
		const struct t_neigh *n = &T.neighs[rnd((uint32_t)T.nneigh)];

		if (n->family == OVL_AF_INET6)
			return addr_s(OVL_AF_INET6, n->addr);
	}
	if (k < 50)
		return chance(50) ? w->ip6 : w->ll6;
	return pick_ip6(w, false);
}

static void nd_opts_more(struct pkt *p)
{
	int n = chance(85) ? 0 : 1 + (int)rnd(3);

	for (int i = 0; i < n; i++) {
		uint8_t units = chance(90) ? (uint8_t)(1 + rnd(2)) : 0;
		uint8_t *o = pkt_put(p, units ? units * 8u : 8u);

		o[0] = chance(50) ? (uint8_t)(1 + rnd(2)) : (uint8_t)rnd(40);
		o[1] = units;
		for (int j = 2; j < (units ? units * 8 : 8); j++)
			o[j] = (uint8_t)rnd(256);
	}
}

static void gen_ip6(struct pkt *p, const struct who *w, const uint8_t *src)
{
	static const uint8_t exts[] = { 0, 60, 43, 44, 51, 60 };
	uint8_t dst[6], chain[12], upper;
	int n = 0, k = (int)rnd(100);
	const char *sip, *dip, *target = NULL;
	struct ipv6hdr *ip6;

	pick_mac(w->vni, dst, false);
	sip = pick_ip6(w, true);
	dip = pick_ip6(w, false);
	if (chance(25))
		n = 1 + (int)rnd(3);
	else if (chance(3))
		n = 6 + (int)rnd(5);
	for (int i = 0; i < n; i++)
		chain[i] = exts[rnd(sizeof(exts))];
	if (n && chance(60))
		chain[0] = chance(50) ? 0 : 60;
	/* 0-23 NS, 24-35 NA, 36-41 RA, 42-44 RS, 45-47 redirect, 48-51 MLD,
	 * 52-61 echo, 62-83 UDP, 84-94 TCP, the rest no upper layer / ESP */
	upper = k < 62 ? 58 : k < 84 ? 17 : k < 95 ? 6 : (chance(50) ? 59 : 50);
	if (k < 24) {
		target = pick_target(w);
		if (chance(40))
			sip = "::";
		if (chance(60))
			dip = sol_node(target);
		if (chance(50))
			memset(dst, 0x33, 2);
	}
	eth_put(p, dst, src, 0x86dd);
	ip6 = pkt_ip6(p, sip, dip, n ? chain[0] : upper);
	if (k < 52 && chance(90))
		ip6->hop_limit = 255;
	for (int i = 0; i < n; i++) {
		uint8_t nx = i + 1 < n ? chain[i + 1] : upper;
		size_t len = chain[i] == 44 ? 8 :
			     chain[i] == 51 ? 4 * (3 + rnd(4)) :
					      8 * (1 + rnd(3));
		uint8_t *h = pkt_ip6_exthdr(p, chain[i], nx, len);

		if (chain[i] == 44 && chance(40))
			h[3] = (uint8_t)(8 * (1 + rnd(20))); /* a later fragment */
		if (chain[i] == 44 && chance(50))
			h[3] |= 1; /* M */
	}
	if (upper == 58) {
		struct pkt_nd *nd;

		if (k < 24) {
			nd = pkt_ns(p, target,
				    chance(70) ? mac_s(chance(85) ? w->mac : dst) : NULL);
			if (chance(4))
				nd->code = (uint8_t)(1 + rnd(3));
		} else if (k < 36) {
			nd = pkt_na(p, (uint32_t)rnd(8) << 29, pick_target(w),
				    chance(70) ? mac_s(chance(80) ? w->mac : dst) : NULL);
			if (chance(4))
				nd->code = 1; /* receivers drop it; ovl need not */
		} else {
			static const uint8_t types[] = { 134, 134, 134, 134, 134, 134, 133, 133,
							 133, 137, 137, 137, 130, 131, 132, 143 };

			nd = pkt_ns(p, pick_target(w), chance(50) ? mac_s(w->mac) : NULL);
			nd->type = k < 52 ? types[(k - 36)] : (chance(50) ? 128 : 129);
		}
		nd_opts_more(p);
	} else if (upper == 17) {
		uint16_t dp = chance(25) ? 546 : chance(15) ? 547 : (uint16_t)rnd(65536);

		pkt_udp(p, chance(30) ? 547 : (uint16_t)rnd(65536), dp, true);
		payload(p);
	} else if (upper == 6) {
		pkt_tcp(p, (uint16_t)rnd(65536), (uint16_t)rnd(65536));
		payload(p);
	} else {
		payload(p);
	}
}

/* A reply in a flow that another host's router started: to the router
 * MAC, matching an ovl_rflows entry (ports sometimes not). */
static bool gen_rflow_reply(struct pkt *p, const struct t_ep *e)
{
	const struct t_rflow *rf = NULL;
	uint8_t rmac[6];

	for (int i = 0; i < T.nrflow; i++)
		if (T.rflows[i].key.vni == e->vni && (!rf || chance(50)))
			rf = &T.rflows[i];
	if (!rf)
		return false;
	m_router_mac(e->vni, rmac);
	pkt_eth(p, mac_s(rmac), mac_s(e->mac), rf->key.family == OVL_AF_INET4 ? 0x0800 : 0x86dd);
	if (rf->key.family == OVL_AF_INET4)
		pkt_ip4(p, addr_s(4, rf->key.laddr), addr_s(4, rf->key.raddr), rf->key.proto);
	else
		pkt_ip6(p, addr_s(6, rf->key.laddr), addr_s(6, rf->key.raddr), rf->key.proto);
	if (rf->key.proto == 6 || rf->key.proto == 17) {
		uint16_t sp = ntohs(rf->key.lport), dp = ntohs(rf->key.rport);

		if (chance(15))
			dp++;
		if (rf->key.proto == 6)
			pkt_tcp(p, sp, dp);
		else
			pkt_udp(p, sp, dp, true);
	} else {
		uint8_t *icmp = pkt_put(p, 8);

		icmp[0] = rf->key.proto == 1 ? (chance(50) ? 0 : 8) : (chance(50) ? 129 : 128);
		memcpy(icmp + 4, &rf->key.lport, 2);
	}
	payload(p);
	return true;
}

/*
 * The shortest frame BPF_PROG_TEST_RUN takes as an skb (TC): the kernel
 * (6.18) refuses an IPv4 or IPv6 EtherType without the whole fixed network
 * header behind it (EINVAL), and the harness keeps clear of a bare
 * Ethernet header. On a real link the stack drops those before TC.
 */
static size_t skb_min_len(const struct pkt *p)
{
	uint16_t et = p->len >= 14 ? (uint16_t)(p->data[12] << 8 | p->data[13]) : 0;

	return et == 0x0800 ? 34 : et == 0x86dd ? 54 : 15;
}

/* Flip bytes, cut, pad, break a length: after pkt_finish(). min: 0 for
 * an skb (skb_min_len()), else the shortest frame to make. */
static void mutate(struct pkt *p, size_t min)
{
	if (chance(4)) {
		size_t n = 1 + rnd(20);
		uint8_t *t = pkt_put(p, n);

		for (size_t i = 0; i < n; i++)
			t[i] = (uint8_t)rnd(256);
	}
	if (chance(6)) {
		for (int i = (int)rnd(3); i >= 0; i--)
			p->data[rnd((uint32_t)p->len)] ^= (uint8_t)(1 + rnd(255));
	}
	if (!min)
		min = skb_min_len(p);
	if (chance(12) && p->len > min)
		pkt_truncate(p, min + rnd((uint32_t)(p->len - min + 1)));
}

/* A frame from the endpoint behind a random veth. */
static enum h_if gen_tc(struct pkt *p)
{
	int i = (int)rnd(T_NEP), k = (int)rnd(100);
	const struct t_ep *e = &T.eps[i];
	uint8_t src[6];
	struct who w;

	who_ep(&w, e);
	memcpy(src, e->mac, 6);
	if (chance(8))
		pick_mac(e->vni, src, false);
	pkt_init(p);
	if (k < 5 && gen_rflow_reply(p, e)) {
		/* done */
	} else if (k < 25) {
		gen_arp(p, &w, src);
	} else if (k < 55) {
		gen_ip4(p, &w, src);
	} else if (k < 97) {
		gen_ip6(p, &w, src);
	} else {
		uint8_t dst[6];

		pick_mac(e->vni, dst, false);
		eth_put(p, dst, src, chance(50) ? 0x88cc : (uint16_t)rnd(65536));
		payload(p);
	}
	pkt_finish(p);
	mutate(p, 0);
	return (enum h_if)(H_IF_EP0 + i);
}

/* An inner frame of overlay vni, as another host would send it. */
static void gen_inner(struct pkt *p, uint32_t vni)
{
	struct who w = { .vni = vni };
	int k = (int)rnd(100);
	size_t at = p->len;
	struct pkt q;

	if (T.nrem && chance(70)) {
		const struct t_rem *r = &T.rems[rnd((uint32_t)T.nrem)];

		memcpy(w.mac, r->mac, 6);
		w.ip4 = r->ip4;
		w.ip6 = r->ip6;
	} else {
		rand_mac(w.mac);
		w.ip4 = "10.23.0.77";
		w.ip6 = "fd23::77";
	}
	w.ll6 = "fe80::77";
	if (chance(15))
		m_router_mac(vni, w.mac); /* from another host's router */
	pkt_init(&q);
	if (k < 20)
		gen_arp(&q, &w, w.mac);
	else if (k < 60)
		gen_ip4(&q, &w, w.mac);
	else
		gen_ip6(&q, &w, w.mac);
	/* mostly to a local endpoint of the overlay, at its address */
	if (chance(55)) {
		const struct t_ep *e = &T.eps[rnd(T_NEP)];
		uint16_t et = (uint16_t)(q.data[12] << 8 | q.data[13]);

		for (int i = 0; i < 4 && e->vni != vni; i++)
			e = &T.eps[rnd(T_NEP)];
		if (!(q.data[0] & 1) || chance(30))
			memcpy(q.data, e->mac, 6);
		if (et == 0x0800 && q.len >= 34)
			pkt_in4(e->ip4, q.data + 14 + 16);
		else if (et == 0x86dd && q.len >= 54 && chance(80))
			pkt_in6(e->ip6, q.data + 14 + 24);
	}
	pkt_bytes(p, q.data, q.len);
	for (int l = 0; l < q.nlayers && p->nlayers < PKT_MAX_LAYER; l++) {
		p->layers[p->nlayers] = q.layers[l];
		p->layers[p->nlayers++].off = (uint16_t)(q.layers[l].off + at);
	}
}

/* A frame from the underlay: VXLAN to us, mostly. */
static void gen_rx(struct pkt *p, enum h_prog prog)
{
	const struct t_vtep *src = &t_vteps[rnd((uint32_t)t_nvteps)];
	bool v6 = src->family == OVL_AF_INET6;
	uint8_t dmac[6], smac[6];
	uint32_t vni, flags = 0x08000000, word;
	struct udphdr *udp;

	pkt_mac(UL_MAC, dmac);
	if (chance(5))
		rand_mac(dmac);
	pkt_mac(VTEP_MAC, smac);
	pkt_init(p);
	if (chance(3)) {
		eth_put(p, dmac, smac, chance(50) ? 0x0806 : (uint16_t)rnd(65536));
		payload(p);
		goto done;
	}
	if (chance(3)) { /* a tagged underlay frame: not ours */
		pkt_eth(p, mac_s(dmac), mac_s(smac), 0x8100);
		pkt_vlan(p, 1, v6 ? 0x86dd : 0x0800);
	} else {
		pkt_eth(p, mac_s(dmac), mac_s(smac), v6 ? 0x86dd : 0x0800);
	}
	if (v6) {
		const char *dst = chance(92) ? LOCAL6 : chance(50) ? "fd99::9" : "::";

		if (chance(5)) {
			pkt_ip6(p, src->ip, dst, 60);
			pkt_ip6_exthdr(p, 60, 17, 8);
		} else {
			pkt_ip6(p, src->ip, dst, chance(97) ? 17 : 6);
		}
	} else {
		uint8_t opts[40];
		size_t olen = chance(10) ? 4 * (1 + rnd(10)) : 0;
		struct iphdr *ip;

		memset(opts, 1, sizeof(opts));
		ip = pkt_ip4_opts(p, src->ip, chance(92) ? LOCAL4 : "10.99.0.9",
				  chance(97) ? 17 : 6, olen ? opts : NULL, olen);
		if (chance(5))
			ip->frag_off = htons((uint16_t)(chance(50) ? 0x2000 : rnd(0x2000)));
		if (chance(2))
			ip->ihl = (uint8_t)rnd(16);
	}
	udp = pkt_udp(p, (uint16_t)(49152 + rnd(16384)),
		      chance(92) ? T.port :
		      chance(50) ? 4789 :
				   8472,
		      v6);
	(void)udp;
	if (chance(8)) {
		static const uint32_t bad[] = { 0,	    0x08000001, 0x0c000000,
						0x08800000, 0x00000008, 0x48000000 };

		flags = bad[rnd(sizeof(bad) / sizeof(bad[0]))];
	}
	if (chance(80))
		vni = T.vnis[rnd((uint32_t)T.nvni)].vni;
	else
		vni = chance(50) ? vni_pool[rnd(NVNI_POOL)] : 999;
	word = vni << 8;
	if (chance(3))
		word |= 1 + rnd(255);
	pkt_vxlan_raw(p, flags, word);
	gen_inner(p, vni);
done:
	pkt_finish(p);
	if (chance(4) && p->nlayers) {
		/* a UDP length that lies */
		for (int l = 0; l < p->nlayers; l++)
			if (p->layers[l].kind == PKT_L_UDP) {
				struct udphdr *u = (struct udphdr *)(p->data + p->layers[l].off);

				u->len = htons((uint16_t)rnd(chance(50) ? 64 : 65536));
				break;
			}
	}
	mutate(p, prog == H_XDP ? 14 : 0);
}

/* ---- checking ----------------------------------------------------------------------- */

static const char *prog_name(enum h_prog prog)
{
	return prog == H_XDP ? "ovl_xdp_rx" : prog == H_TCUL ? "ovl_tc_ul_in" : "ovl_tc_ep_in";
}

static const char *if_name(enum h_if i)
{
	static const char *const n[H_IF_MAX] = { "none", "ul0",	 "ep0h", "ep1h", "ep2h",
						 "ep3h", "ep4h", "ep5h", "ep6h" };

	return i >= 0 && i < H_IF_MAX ? n[i] : "?";
}

static const char *verdict_name(enum h_prog prog, uint32_t v)
{
	static char b[16];

	if (prog == H_XDP) {
		switch (v) {
		case XDP_DROP:
			return "XDP_DROP";
		case XDP_PASS:
			return "XDP_PASS";
		case XDP_REDIRECT:
			return "XDP_REDIRECT";
		}
	} else {
		switch (v) {
		case TC_ACT_OK:
			return "TC_ACT_OK";
		case TC_ACT_SHOT:
			return "TC_ACT_SHOT";
		case TC_ACT_REDIRECT:
			return "TC_ACT_REDIRECT";
		}
	}
	snprintf(b, sizeof(b), "%u", v);
	return b;
}

static const char *how_name(uint32_t how)
{
	static const char *const n[] = { "-", "egress", "peer", "neigh", "xdp" };

	return how < 5 ? n[how] : "?";
}

static void hex(const char *tag, const uint8_t *p, size_t len)
{
	printf("%s (%zu bytes):\n", tag, len);
	for (size_t i = 0; i < len; i += 16) {
		printf("  %04zx:", i);
		for (size_t j = i; j < i + 16 && j < len; j++)
			printf(" %02x", p[j]);
		putchar('\n');
	}
}

static void topo_print(void)
{
	printf("topology: underlay %s%s%s, VXLAN port %u, config flags 0x%x, next-hop cache "
	       "generation %u\n",
	       T.has4 ? LOCAL4 : "no IPv4", T.has6 ? " " : ", no IPv6", T.has6 ? LOCAL6 : "",
	       T.port, T.cfgflags, T.nh_gen);
	for (int i = 0; i < T.nvni; i++)
		printf("  vni %u flags 0x%x (strict %d, direct %d -> %s:%u, flood %s) slot %u\n",
		       T.vnis[i].vni, T.vnis[i].flags, !!(T.vnis[i].flags & OVL_VNI_F_STRICT_SRC),
		       !!(T.vnis[i].flags & OVL_VNI_F_DIRECT), t_vteps[T.vnis[i].direct.vtep].ip,
		       T.vnis[i].direct.port, if_name(T.vnis[i].flood), T.vnis[i].slot);
	for (int i = 0; i < T_NEP; i++) {
		const struct t_ep *e = &T.eps[i];

		printf("  %s: iface %d endpoint %d fdb %d vni %u mac %s ifflags 0x%x epflags 0x%x "
		       "dhcp %s %s %s %s own %s %s slot %u\n",
		       if_name((enum h_if)(H_IF_EP0 + i)), e->iface, e->ep, e->fdb, e->vni,
		       mac_s(e->mac), e->ifflags, e->epflags, mac_s(e->dhcp_mac), e->ip4, e->ip6,
		       e->ll6, e->own4s[0] ? e->own4s : "-", e->own6s[0] ? e->own6s : "-", e->slot);
	}
	for (int i = 0; i < T.nrem; i++)
		printf("  fdb vni %u %s -> %s port %u\n", T.rems[i].vni, mac_s(T.rems[i].mac),
		       t_vteps[T.rems[i].d.vtep].ip, T.rems[i].d.port);
	for (int i = 0; i < T.nneigh; i++)
		printf("  neigh vni %u %s -> %s flags 0x%x\n", T.neighs[i].vni,
		       addr_s(T.neighs[i].family, T.neighs[i].addr), mac_s(T.neighs[i].mac),
		       T.neighs[i].flags);
	for (int i = 0; i < T.npeer; i++)
		printf("  peer vni %u %s%s\n", T.peers[i].vni,
		       addr_s(T.peers[i].family, T.peers[i].addr),
		       T.peers[i].abi5 ? " (ABI 5)" : "");
	for (int i = 0; i < T.nrflow; i++) {
		const struct t_rflow *r = &T.rflows[i];

		printf("  rflow vni %u proto %u %s:%u <- %s:%u via %s port %u\n", r->key.vni,
		       r->key.proto, addr_s(r->key.family, r->key.laddr), ntohs(r->key.lport),
		       addr_s(r->key.family, r->key.raddr), ntohs(r->key.rport),
		       addr_s(r->via.family, r->via.addr), ntohs(r->via.port));
	}
}

/* ovl_rflows as the programs left it (the model's copy is in the topology). */
static void rflows_print(void)
{
	int fd = bpf_map__fd(h_skel()->maps.ovl_rflows);
	struct ovl_rflow_key k, next;
	struct ovl_dest d;
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
		first = false;
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &d))
			continue;
		printf("  map ovl_rflows: vni %u proto %u %s:%u <- %s:%u via %s port %u\n", k.vni,
		       k.proto, addr_s(k.family, k.laddr), ntohs(k.lport),
		       addr_s(k.family, k.raddr), ntohs(k.rport), addr_s(d.family, d.addr),
		       ntohs(d.port));
	}
}

/* ovl_fdb as the topology loaded it: remote and local entries. */
static void fdb_print(void)
{
	int fd = bpf_map__fd(h_skel()->maps.ovl_fdb);
	struct ovl_mac_key k, next;
	struct ovl_endpoint ep;
	struct ovl_dest d;
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
		first = false;
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &d))
			continue;
		memcpy(&ep, d.addr, sizeof(ep));
		if (d.family == OVL_AF_LOCAL)
			printf("  map ovl_fdb: vni %u %s -> local ifindex %u flags 0x%x\n", k.vni,
			       mac_s(k.mac), ep.ifindex, ep.flags);
		else
			printf("  map ovl_fdb: vni %u %s -> %s port %u\n", k.vni, mac_s(k.mac),
			       addr_s(d.family, d.addr), ntohs(d.port));
	}
}

/* What moved in the counters, as ovlctl names them. */
static void counters_print(const char *tag, const uint64_t *pkts)
{
	printf("%s:", tag);
	for (uint32_t id = 0; id < OVL_STAT_MAX; id++)
		if (pkts[id])
			printf(" %s=%llu", ovl_stat_name(id), (unsigned long long)pkts[id]);
	putchar('\n');
}

static char why[4096];
static size_t whylen;

static void __attribute__((format(printf, 1, 2))) mismatch(const char *fmt, ...)
{
	va_list ap;

	if (whylen >= sizeof(why) - 2)
		return;
	va_start(ap, fmt);
	whylen += (size_t)vsnprintf(why + whylen, sizeof(why) - whylen, fmt, ap);
	va_end(ap);
	if (whylen < sizeof(why) - 1)
		why[whylen++] = '\n';
	why[whylen < sizeof(why) ? whylen : sizeof(why) - 1] = 0;
}

/* The expected output, finished with what the model leaves to the run:
 * the masked bytes (checked by range or not at all) and the IPv6 outer UDP
 * checksum over them. */
static void out_finish(struct m_out *o, const struct h_result *r)
{
	if (o->out_same || r->out_len != o->out_len)
		return;
	for (size_t i = 0; i < o->out_len; i++)
		if (o->mask[i])
			o->out[i] = r->out[i];
	if (o->stat == OVL_STAT_TX_ENCAP4 || o->stat == OVL_STAT_TX_ENCAP6) {
		size_t udp = o->stat == OVL_STAT_TX_ENCAP4 ? 34 : 54;
		uint16_t sport = (uint16_t)(o->out[udp] << 8 | o->out[udp + 1]);

		if (sport < OVL_SPORT_MIN)
			mismatch("outer UDP source port %u below %u", sport, OVL_SPORT_MIN);
	}
	if (o->udp6_off) {
		uint8_t *ip = o->out + 14, *u = o->out + o->udp6_off;
		size_t ulen = o->out_len - o->udp6_off;
		uint32_t sum = 0;
		uint16_t c;

		u[6] = u[7] = 0;
		sum = pkt_csum_add(sum, ip + 8, 32);
		sum += (uint32_t)ulen + 17;
		sum = pkt_csum_add(sum, u, ulen);
		c = pkt_csum_fold(sum);
		if (!c)
			c = 0xffff; /* RFC 768 */
		u[6] = (uint8_t)(c >> 8);
		u[7] = (uint8_t)c;
	}
}

static bool check(enum h_prog prog, const struct pkt *in, struct m_out *o, const struct h_result *r)
{
	const uint8_t *want = o->out_same ? in->data : o->out;
	size_t want_len = o->out_same ? in->len : o->out_len;

	whylen = 0;
	why[0] = 0;
	if (r->err) {
		mismatch("BPF_PROG_TEST_RUN: %s", strerror(-r->err));
		return false;
	}
	out_finish(o, r);
	if (r->retval != o->verdict)
		mismatch("verdict %s, want %s", verdict_name(prog, r->retval),
			 verdict_name(prog, o->verdict));
	if (r->out_len != want_len || memcmp(r->out, want, want_len))
		mismatch("output frame differs");
	if (r->redir_ifindex != h_ifindex(o->redir_if) || r->redir_how != o->redir_how)
		mismatch("redirect to ifindex %u (%s), want %u (%s %s)", r->redir_ifindex,
			 how_name(r->redir_how), h_ifindex(o->redir_if), if_name(o->redir_if),
			 how_name(o->redir_how));
	for (uint32_t id = 0; id < OVL_STAT_MAX; id++)
		if (r->pkts[id] != o->pkts[id] || r->bytes[id] != o->bytes[id])
			mismatch("counter %s: %llu packets %llu bytes, want %llu %llu",
				 ovl_stat_name(id), (unsigned long long)r->pkts[id],
				 (unsigned long long)r->bytes[id], (unsigned long long)o->pkts[id],
				 (unsigned long long)o->bytes[id]);
	for (int v = 0; v < T.nvni; v++) {
		const struct m_vstat *w = &o->vs[v];
		int k = -1;

		for (int j = 0; j < r->nvnis; j++)
			if (r->vstats[j].vni == T.vnis[v].vni)
				k = j;
		if (k < 0) {
			mismatch("ovl_vni_stats has no entry for vni %u", T.vnis[v].vni);
			continue;
		}
		for (int id = 0; id < OVL_VSTAT_MAX; id++)
			if (r->vstats[k].pkts[id] != w->pkts[id] ||
			    r->vstats[k].bytes[id] != w->bytes[id])
				mismatch(
					"vni %u counter %s: %llu packets %llu bytes, want %llu %llu",
					T.vnis[v].vni, ovl_vstat_name((uint32_t)id),
					(unsigned long long)r->vstats[k].pkts[id],
					(unsigned long long)r->vstats[k].bytes[id],
					(unsigned long long)w->pkts[id],
					(unsigned long long)w->bytes[id]);
	}
	if (r->nevts != o->nevts) {
		mismatch("%d ringbuf events, want %d", r->nevts, o->nevts);
	} else if (o->nevts) {
		const struct ovl_evt *g = &r->evts[0].evt, *e = &o->evt;
		const uint8_t *cap = r->evts[0].raw + sizeof(*g);
		/* the event captures the frame as it was then: the input
		 * with the rewrites made before the drop */
		const uint8_t *frame = o->out_same ? in->data : o->out;

		if (g->hdr.type != e->hdr.type || g->vni != e->vni || g->ifindex != e->ifindex ||
		    g->reason != e->reason || memcmp(g->mac, e->mac, 6) || g->family != e->family ||
		    memcmp(g->addr, e->addr, 16) || g->pkt_len != e->pkt_len ||
		    g->cap_len != e->cap_len || g->hdr.len != sizeof(*g) + e->cap_len ||
		    r->evts[0].size != sizeof(*g) + e->cap_len || g->pad)
			mismatch("event type %u vni %u ifindex %u reason %u mac %s family %u "
				 "pkt_len %u cap_len %u; want type %u vni %u ifindex %u reason %u "
				 "mac %s family %u pkt_len %u cap_len %u",
				 g->hdr.type, g->vni, g->ifindex, g->reason, mac_s(g->mac),
				 g->family, g->pkt_len, g->cap_len, e->hdr.type, e->vni, e->ifindex,
				 e->reason, mac_s(e->mac), e->family, e->pkt_len, e->cap_len);
		else if (g->ts_ns < r->t_before || g->ts_ns > r->t_after)
			mismatch("event timestamp outside the run");
		else if (memcmp(cap, frame, e->cap_len))
			mismatch("event's captured bytes differ from the frame");
	}
	if (r->rflow_writes != (o->rflow_write ? 1u : 0u)) {
		mismatch("%u ovl_rflows writes, want %d", r->rflow_writes, o->rflow_write);
	} else if (o->rflow_write) {
		struct ovl_dest got;

		if (bpf_map_lookup_elem(bpf_map__fd(h_skel()->maps.ovl_rflows), &o->rflow.key,
					&got))
			mismatch("ovl_rflows has no entry for the flow");
		else if (memcmp(&got, &o->rflow.via, sizeof(got)))
			mismatch("ovl_rflows entry points elsewhere");
	}
	return whylen == 0;
}

/* Is via one of the underlay hosts whose routes the model knows? */
static bool via_known(const struct ovl_dest *via)
{
	for (int i = 0; i < t_nvteps; i++)
		if (t_vteps[i].family == via->family && !memcmp(t_vteps[i].addr, via->addr, 16))
			return true;
	return false;
}

/* Remember an ovl_rflows write the model predicted and the run made. */
static void rflow_apply(const struct m_out *o)
{
	for (int i = 0; i < T.nrflow; i++)
		if (!memcmp(&T.rflows[i].key, &o->rflow.key, sizeof(o->rflow.key))) {
			T.rflows[i].via = o->rflow.via;
			return;
		}
	if (T.nrflow < T_MAX_RFLOW)
		T.rflows[T.nrflow++] = o->rflow;
	else
		T.rflows[T_MAX_RFLOW - 1] = o->rflow; /* never: the harness deletes first */
}

/* Keep the model's table bounded: when it is full, both start over. */
static int rflow_bound(void)
{
	if (T.nrflow < T_MAX_RFLOW - 1)
		return 0;
	T.nrflow = 0;
	return map_clear(h_skel()->maps.ovl_rflows);
}

/* ---- the run ------------------------------------------------------------------------- */

struct hist {
	enum h_prog prog;
	char label[64];
	uint64_t n;
};

static struct hist hist[512];
static int nhist;

static void hist_add(enum h_prog prog, const struct m_out *o)
{
	char label[64];

	if (o->reason)
		snprintf(label, sizeof(label), "%s", ovl_stat_name(OVL_STAT_DROP(o->reason)));
	else if (o->redir_how)
		snprintf(label, sizeof(label), "%s/%s", ovl_stat_name(o->stat),
			 how_name(o->redir_how));
	else
		snprintf(label, sizeof(label), "pass%s",
			 o->pkts[OVL_STAT_RX_UNKNOWN_VNI] ? " unknown_vni" :
			 o->pkts[OVL_STAT_RX_FRAGMENT]	  ? " fragment" :
							    "");
	for (int i = 0; i < nhist; i++)
		if (hist[i].prog == prog && !strcmp(hist[i].label, label)) {
			hist[i].n++;
			return;
		}
	if (nhist < (int)(sizeof(hist) / sizeof(hist[0]))) {
		hist[nhist].prog = prog;
		snprintf(hist[nhist].label, sizeof(hist[nhist].label), "%s", label);
		hist[nhist++].n = 1;
	}
}

static int hist_cmp(const void *a, const void *b)
{
	const struct hist *x = a, *y = b;

	if (x->prog != y->prog)
		return (int)x->prog - (int)y->prog;
	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->label, y->label);
}

/* --keep-going: the differences, by what was expected and what came. */
static struct hist fails[256];
static int nfails;

static void outcome(char *b, size_t n, const struct m_out *o)
{
	if (o->reason)
		snprintf(b, n, "%s", ovl_stat_name(OVL_STAT_DROP(o->reason)));
	else if (o->redir_how)
		snprintf(b, n, "%s/%s", ovl_stat_name(o->stat), how_name(o->redir_how));
	else
		snprintf(b, n, "pass");
}

static void fail_add(enum h_prog prog, const struct m_out *o, const struct h_result *r)
{
	char want[48], got[48] = "", label[64];

	outcome(want, sizeof(want), o);
	for (uint32_t id = OVL_STAT_DROP_FIRST; id < OVL_STAT_MAX && !got[0]; id++)
		if (r->pkts[id])
			snprintf(got, sizeof(got), "%s", ovl_stat_name(id));
	for (uint32_t id = 0; id < OVL_STAT_DROP_FIRST && !got[0]; id++)
		if (r->pkts[id] && id != OVL_STAT_NEIGH_RESOLVE && id != OVL_STAT_DHCP_PROXY &&
		    id != OVL_STAT_DHCP_REPLY)
			snprintf(got, sizeof(got), "%s%s%s", ovl_stat_name(id),
				 r->redir_how ? "/" : "",
				 r->redir_how ? how_name(r->redir_how) : "");
	if (!got[0])
		snprintf(got, sizeof(got), "%s", verdict_name(prog, r->retval));
	if (!strcmp(want, got))
		snprintf(got, sizeof(got), "same verdict, other bytes/counters/event");
	snprintf(label, sizeof(label), "%s -> %s", want, got);
	for (int i = 0; i < nfails; i++)
		if (fails[i].prog == prog && !strcmp(fails[i].label, label)) {
			fails[i].n++;
			return;
		}
	if (nfails < (int)(sizeof(fails) / sizeof(fails[0]))) {
		fails[nfails].prog = prog;
		snprintf(fails[nfails].label, sizeof(fails[nfails].label), "%s", label);
		fails[nfails++].n = 1;
	}
}

static void report(uint64_t seed, uint64_t frame, enum h_prog prog, enum h_if ifc,
		   const struct pkt *in, const struct m_out *o, const struct h_result *r)
{
	printf("pktfuzz: FAIL seed %llu frame %llu: %s on %s\n", (unsigned long long)seed,
	       (unsigned long long)frame, prog_name(prog), if_name(ifc));
	printf("model's rule: %s\n", o->rule ? o->rule : "-");
	printf("%s", why);
	printf("expected: %s", verdict_name(prog, o->verdict));
	if (o->reason)
		printf(" (%s)", ovl_stat_name(OVL_STAT_DROP(o->reason)));
	if (o->redir_how)
		printf(" to %s by %s", if_name(o->redir_if), how_name(o->redir_how));
	putchar('\n');
	counters_print("  counters", o->pkts);
	printf("actual:   %s", verdict_name(prog, r->retval));
	if (r->redir_how)
		printf(" to ifindex %u by %s", r->redir_ifindex, how_name(r->redir_how));
	putchar('\n');
	counters_print("  counters", r->pkts);
	hex("input frame", in->data, in->len);
	if (o->out_same)
		printf("expected output: the input, unchanged\n");
	else
		hex("expected output", o->out, o->out_len);
	hex("actual output", r->out, r->out_len);
	topo_print();
	rflows_print();
	fdb_print();
	printf("reproduce: pktfuzz --seed %llu --frames %llu\n", (unsigned long long)seed,
	       (unsigned long long)frame + 1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: pktfuzz [--seed S] [--frames N] [--seconds T] [--keep-going] [-v]\n"
		   "  ovl's BPF programs on generated frames, checked against a model;\n"
		   "  stops after N frames (default 100000) or T seconds, whichever is first,\n"
		   "  or at the first difference (--keep-going: reports the first, counts all)\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "frames", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct h_result r;
	static struct m_out o;
	static struct pkt in;
	uint64_t seed = 1, frames = 100000, done = 0, per[3] = { 0 }, unrunnable = 0, nfail = 0;
	bool keep_going = false;
	double seconds = 0, t0, dt;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "s:n:t:vkh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keep_going = true;
			continue;
		case 's':
			seed = strtoull(optarg, &end, 0);
			break;
		case 'n':
			frames = strtoull(optarg, &end, 0);
			break;
		case 't':
			seconds = strtod(optarg, &end);
			break;
		case 'v':
			ovl_test_verbose = 1;
			continue;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (*end) {
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	m_init();
	if (!h_ready()) {
		if (ovl_test_cur.skipped) {
			printf("pktfuzz: SKIP (%s)\n", ovl_test_cur.skip_reason);
			return 4;
		}
		printf("pktfuzz: the harness failed to start\n");
		return 1;
	}
	rng_state = seed;
	t0 = now_s();
	for (uint64_t i = 0; i < frames; i++) {
		enum h_prog prog = i % 3 == 0 ? H_TC : i % 3 == 1 ? H_XDP : H_TCUL;
		enum h_if ifc = H_IF_UL;
		int err;

		if (i % TOPO_FRAMES == 0) {
			topo_make();
			err = topo_load();
			if (err) {
				printf("pktfuzz: load the topology: %s\n", strerror(-err));
				return 1;
			}
		}
		if (prog == H_TC)
			ifc = gen_tc(&in);
		else
			gen_rx(&in, prog);
		if (prog != H_XDP && in.len < skb_min_len(&in)) {
			unrunnable++; /* a flipped byte made it IP: no skb */
			continue;
		}
		if (prog == H_TC) {
			m_tc(&T, ifc, in.data, in.len, &o);
		} else {
			m_rx(&T, prog, in.data, in.len, &o);
		}
		h_run(prog, ifc, &in, NULL, &r);
		if (!check(prog, &in, &o, &r)) {
			if (!nfail++)
				report(seed, i, prog, ifc, &in, &o, &r);
			if (!keep_going)
				return 1;
			fail_add(prog, &o, &r);
			/* the maps again as the model has them (a wrong write
			 * of the program's must not spread) */
			err = topo_load();
			if (err) {
				printf("pktfuzz: load the topology: %s\n", strerror(-err));
				return 1;
			}
			per[i % 3]++;
			done++;
			continue;
		}
		if (o.reason == OVL_DROP_MISS && map_clear(h_skel()->maps.ovl_miss_rl)) {
			printf("pktfuzz: clear ovl_miss_rl: %s\n", strerror(errno));
			return 1;
		}
		if (o.rflow_write && !via_known(&o.rflow.via)) {
			/* pinned to an underlay host the model has no route
			 * for (a flipped byte in the outer source): checked,
			 * then forgotten by both */
			if (bpf_map_delete_elem(bpf_map__fd(h_skel()->maps.ovl_rflows),
						&o.rflow.key)) {
				printf("pktfuzz: ovl_rflows: %s\n", strerror(errno));
				return 1;
			}
		} else if (o.rflow_write) {
			rflow_apply(&o);
			if (rflow_bound()) {
				printf("pktfuzz: clear ovl_rflows: %s\n", strerror(errno));
				return 1;
			}
		}
		hist_add(prog, &o);
		per[i % 3]++;
		done++;
		if (seconds > 0 && (i & 255) == 255 && now_s() - t0 >= seconds)
			break;
	}
	dt = now_s() - t0;
	if (nfail) {
		qsort(fails, (size_t)nfails, sizeof(fails[0]), hist_cmp);
		printf("pktfuzz: FAIL seed %llu: %llu of %llu frames differ from the model "
		       "(expected -> what the program did):\n",
		       (unsigned long long)seed, (unsigned long long)nfail,
		       (unsigned long long)done);
		for (int i = 0; i < nfails; i++)
			printf("  %-13s %-60s %llu\n", prog_name(fails[i].prog), fails[i].label,
			       (unsigned long long)fails[i].n);
		return 1;
	}
	qsort(hist, (size_t)nhist, sizeof(hist[0]), hist_cmp);
	for (int i = 0; i < nhist; i++)
		printf("  %-13s %-34s %llu\n", prog_name(hist[i].prog), hist[i].label,
		       (unsigned long long)hist[i].n);
	printf("pktfuzz: PASS seed %llu: %llu frames in %.1f s (%.0f/s): ovl_tc_ep_in %llu, "
	       "ovl_xdp_rx %llu, ovl_tc_ul_in %llu (%llu not expressible as an skb)\n",
	       (unsigned long long)seed, (unsigned long long)done, dt, dt > 0 ? done / dt : 0.0,
	       (unsigned long long)per[0], (unsigned long long)per[1], (unsigned long long)per[2],
	       (unsigned long long)unrunnable);
	return 0;
}
