// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pkt.c - the packet builder and checksum verifiers of pkt.h.
 *
 * Written from the RFCs, independently of bpf/: RFC 1071 (Internet
 * checksum), RFC 768 (UDP, its pseudo-header and "zero is sent as all
 * ones"), RFC 791 (IPv4 header), RFC 8200 section 8.1 (IPv6
 * pseudo-header), RFC 826 (ARP), RFC 4861 (NS/NA), RFC 7348 (VXLAN),
 * RFC 2131 (DHCP).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pkt.h"

#define IPPROTO_ICMPV6_NUM 58
#define ND_NS		   135
#define ND_NA		   136

static void __attribute__((noreturn)) pkt_bug(const char *what, const char *arg)
{
	fprintf(stderr, "pkt: %s: \"%s\"\n", what, arg ? arg : "(null)");
	abort();
}

void pkt_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (!s ||
	    sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
		pkt_bug("bad MAC", s);
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			pkt_bug("bad MAC", s);
		mac[i] = (uint8_t)b[i];
	}
}

void pkt_in4(const char *s, uint8_t addr[4])
{
	if (!s || inet_pton(AF_INET, s, addr) != 1)
		pkt_bug("bad IPv4 address", s);
}

void pkt_in6(const char *s, uint8_t addr[16])
{
	if (!s || inet_pton(AF_INET6, s, addr) != 1)
		pkt_bug("bad IPv6 address", s);
}

void pkt_init(struct pkt *p)
{
	memset(p, 0, sizeof(*p));
}

void *pkt_put(struct pkt *p, size_t len)
{
	void *at;

	if (len > PKT_MAX - p->len)
		pkt_bug("frame too long", NULL);
	at = p->data + p->len;
	memset(at, 0, len);
	p->len += len;
	return at;
}

void *pkt_bytes(struct pkt *p, const void *data, size_t len)
{
	void *at = pkt_put(p, len);

	memcpy(at, data, len);
	return at;
}

void *pkt_pattern(struct pkt *p, size_t len, unsigned int seed)
{
	uint8_t *at = pkt_put(p, len);
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		at[i] = (uint8_t)(x >> 16);
	}
	return at;
}

static void layer_add(struct pkt *p, enum pkt_layer_kind kind, size_t off, uint8_t flags)
{
	if (p->nlayers >= PKT_MAX_LAYER)
		pkt_bug("too many layers", NULL);
	p->layers[p->nlayers].kind = (uint8_t)kind;
	p->layers[p->nlayers].flags = flags;
	p->layers[p->nlayers].off = (uint16_t)off;
	p->nlayers++;
}

struct ethhdr *pkt_eth(struct pkt *p, const char *dst, const char *src, uint16_t proto)
{
	struct ethhdr *eth = pkt_put(p, sizeof(*eth));

	pkt_mac(dst, eth->h_dest);
	pkt_mac(src, eth->h_source);
	eth->h_proto = htons(proto);
	return eth;
}

void *pkt_vlan(struct pkt *p, uint16_t tci, uint16_t proto)
{
	uint16_t *tag = pkt_put(p, 4);

	tag[0] = htons(tci);
	tag[1] = htons(proto);
	return tag;
}

struct iphdr *pkt_ip4_opts(struct pkt *p, const char *src, const char *dst, uint8_t proto,
			   const void *opts, size_t opts_len)
{
	size_t off = p->len;
	struct iphdr *ip;

	if (opts_len % 4 || opts_len > 40)
		pkt_bug("bad IPv4 options length", NULL);
	ip = pkt_put(p, sizeof(*ip) + opts_len);
	ip->version = 4;
	ip->ihl = (uint8_t)((sizeof(*ip) + opts_len) / 4);
	ip->ttl = 64;
	ip->protocol = proto;
	pkt_in4(src, (uint8_t *)&ip->saddr);
	pkt_in4(dst, (uint8_t *)&ip->daddr);
	if (opts_len)
		memcpy(ip + 1, opts, opts_len);
	layer_add(p, PKT_L_IP4, off, 0);
	return ip;
}

struct iphdr *pkt_ip4(struct pkt *p, const char *src, const char *dst, uint8_t proto)
{
	return pkt_ip4_opts(p, src, dst, proto, NULL, 0);
}

struct ipv6hdr *pkt_ip6(struct pkt *p, const char *src, const char *dst, uint8_t nexthdr)
{
	size_t off = p->len;
	struct ipv6hdr *ip6 = pkt_put(p, sizeof(*ip6));
	uint32_t first = htonl(6u << 28);

	memcpy(ip6, &first, 4); /* version 6, traffic class 0, flow label 0 */
	ip6->nexthdr = nexthdr;
	ip6->hop_limit = 64;
	pkt_in6(src, ip6->saddr.s6_addr);
	pkt_in6(dst, ip6->daddr.s6_addr);
	layer_add(p, PKT_L_IP6, off, 0);
	return ip6;
}

uint8_t *pkt_ip6_exthdr(struct pkt *p, uint8_t type, uint8_t nexthdr, size_t len)
{
	uint8_t *h;

	if (type == 51 ? len < 12 || len % 4 || len > 1028 :
	    type == 44 ? len != 8 :
			 len < 8 || len % 8 || len > 2048)
		pkt_bug("bad IPv6 extension header length", NULL);
	h = pkt_put(p, len);
	h[0] = nexthdr;
	if (type == 51)
		h[1] = (uint8_t)(len / 4 - 2); /* RFC 4302 section 2.2 */
	else if (type != 44)
		h[1] = (uint8_t)(len / 8 - 1); /* RFC 8200 section 4.3 */
	return h;
}

struct udphdr *pkt_udp(struct pkt *p, uint16_t sport, uint16_t dport, bool csum)
{
	size_t off = p->len;
	struct udphdr *udp = pkt_put(p, sizeof(*udp));

	udp->source = htons(sport);
	udp->dest = htons(dport);
	layer_add(p, PKT_L_UDP, off, csum ? 0 : PKT_F_NOCSUM);
	return udp;
}

struct tcphdr *pkt_tcp(struct pkt *p, uint16_t sport, uint16_t dport)
{
	size_t off = p->len;
	struct tcphdr *tcp = pkt_put(p, sizeof(*tcp));

	tcp->source = htons(sport);
	tcp->dest = htons(dport);
	tcp->seq = htonl(1);
	tcp->doff = sizeof(*tcp) / 4;
	tcp->ack = 1;
	tcp->window = htons(65535);
	layer_add(p, PKT_L_TCP, off, 0);
	return tcp;
}

struct pkt_vxlan *pkt_vxlan_raw(struct pkt *p, uint32_t flags, uint32_t vni_word)
{
	struct pkt_vxlan *vx = pkt_put(p, sizeof(*vx));

	vx->flags = htonl(flags);
	vx->vni = htonl(vni_word);
	return vx;
}

struct pkt_vxlan *pkt_vxlan(struct pkt *p, uint32_t vni)
{
	return pkt_vxlan_raw(p, PKT_VXLAN_I, vni << 8);
}

struct pkt_arp *pkt_arp(struct pkt *p, uint16_t op, const char *sha, const char *sip,
			const char *tha, const char *tip)
{
	struct pkt_arp *arp = pkt_put(p, sizeof(*arp));

	arp->hrd = htons(1); /* ARPHRD_ETHER */
	arp->pro = htons(ETH_P_IP);
	arp->hln = 6;
	arp->pln = 4;
	arp->op = htons(op);
	pkt_mac(sha, arp->sha);
	pkt_in4(sip, arp->sip);
	if (tha)
		pkt_mac(tha, arp->tha);
	pkt_in4(tip, arp->tip);
	return arp;
}

static struct pkt_nd *nd_put(struct pkt *p, uint8_t type, uint32_t flags, const char *target,
			     uint8_t opt_type, const char *opt_mac)
{
	size_t off = p->len;
	struct pkt_nd *nd = pkt_put(p, sizeof(*nd));

	nd->type = type;
	nd->flags = htonl(flags);
	pkt_in6(target, nd->target.s6_addr);
	if (opt_mac) {
		uint8_t *opt = pkt_put(p, 8);

		opt[0] = opt_type;
		opt[1] = 1; /* in units of 8 bytes */
		pkt_mac(opt_mac, opt + 2);
	}
	layer_add(p, PKT_L_ICMP6, off, 0);
	return nd;
}

struct pkt_nd *pkt_ns(struct pkt *p, const char *target, const char *slla)
{
	return nd_put(p, ND_NS, 0, target, 1 /* source link-layer address */, slla);
}

struct pkt_nd *pkt_na(struct pkt *p, uint32_t flags, const char *target, const char *tlla)
{
	return nd_put(p, ND_NA, flags, target, 2 /* target link-layer address */, tlla);
}

void *pkt_dhcp_discover(struct pkt *p, uint32_t xid, const char *chaddr)
{
	/* RFC 2131 section 2: op, htype, hlen, hops, xid, secs, flags,
	 * ciaddr, yiaddr, siaddr, giaddr, chaddr[16], sname[64], file[128],
	 * then the magic cookie and options; padded to BOOTP's 300 bytes. */
	uint8_t *b = pkt_put(p, 300);
	uint32_t xid_be = htonl(xid);
	static const uint8_t tail[] = { 99, 130, 83, 99, 53, 1, 1, 255 };

	b[0] = 1; /* BOOTREQUEST */
	b[1] = 1; /* Ethernet */
	b[2] = 6;
	memcpy(b + 4, &xid_be, 4);
	b[10] = 0x80; /* the broadcast flag */
	pkt_mac(chaddr, b + 28);
	memcpy(b + 236, tail, sizeof(tail));
	return b;
}

void pkt_build_dhcp_discover(struct pkt *p, const char *mac, uint32_t xid)
{
	pkt_init(p);
	pkt_eth(p, "ff:ff:ff:ff:ff:ff", mac, ETH_P_IP);
	pkt_ip4(p, "0.0.0.0", "255.255.255.255", IPPROTO_UDP);
	pkt_udp(p, 68, 67, true);
	pkt_dhcp_discover(p, xid, mac);
	pkt_finish(p);
}

/* ---- checksums ---------------------------------------------------------- */

uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *b = data;
	uint64_t s = sum;

	for (; len > 1; len -= 2, b += 2)
		s += (uint32_t)b[0] << 8 | b[1];
	if (len)
		s += (uint32_t)b[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

uint16_t pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t pseudo4(const struct iphdr *ip, uint8_t proto, uint32_t len)
{
	uint8_t tail[4] = { 0, proto, (uint8_t)(len >> 8), (uint8_t)len };
	uint32_t sum;

	sum = pkt_csum_add(0, &ip->saddr, 4);
	sum = pkt_csum_add(sum, &ip->daddr, 4);
	return pkt_csum_add(sum, tail, sizeof(tail));
}

static uint32_t pseudo6(const struct ipv6hdr *ip6, uint8_t nh, uint32_t len)
{
	uint32_t len_be = htonl(len);
	uint8_t tail[4] = { 0, 0, 0, nh };
	uint32_t sum;

	sum = pkt_csum_add(0, &ip6->saddr, 16);
	sum = pkt_csum_add(sum, &ip6->daddr, 16);
	sum = pkt_csum_add(sum, &len_be, 4);
	return pkt_csum_add(sum, tail, sizeof(tail));
}

/* The IP layer that carries layer i, or -1. */
static int enclosing_ip(const struct pkt *p, int i)
{
	while (--i >= 0)
		if (p->layers[i].kind == PKT_L_IP4 || p->layers[i].kind == PKT_L_IP6)
			return i;
	return -1;
}

/* Checksum of a transport segment at off (to the end of the frame), whose
 * checksum field is at off + csum_off, over the pseudo-header of IP layer ipl. */
static void l4_csum(struct pkt *p, int ipl, size_t off, size_t csum_off, uint8_t proto,
		    bool zero_is_ffff)
{
	uint32_t len = (uint32_t)(p->len - off), sum;
	const uint8_t *ip = p->data + p->layers[ipl].off;
	uint16_t c;

	memset(p->data + off + csum_off, 0, 2);
	if (p->layers[ipl].kind == PKT_L_IP4)
		sum = pseudo4((const struct iphdr *)ip, proto, len);
	else
		sum = pseudo6((const struct ipv6hdr *)ip, proto, len);
	c = pkt_csum_fold(pkt_csum_add(sum, p->data + off, len));
	if (c == 0 && zero_is_ffff)
		c = 0xffff; /* RFC 768: a computed zero is sent as all ones */
	c = htons(c);
	memcpy(p->data + off + csum_off, &c, 2);
}

void pkt_finish(struct pkt *p)
{
	for (int i = p->nlayers - 1; i >= 0; i--) {
		const struct pkt_layer *l = &p->layers[i];
		uint8_t *h = p->data + l->off;
		size_t len = p->len - l->off;
		int ipl = enclosing_ip(p, i);

		switch (l->kind) {
		case PKT_L_IP4: {
			struct iphdr *ip = (struct iphdr *)h;

			if (!(l->flags & PKT_F_NOLEN))
				ip->tot_len = htons((uint16_t)len);
			ip->check = 0;
			ip->check = htons(pkt_csum_fold(pkt_csum_add(0, ip, ip->ihl * 4u)));
			break;
		}
		case PKT_L_IP6:
			if (!(l->flags & PKT_F_NOLEN))
				((struct ipv6hdr *)h)->payload_len =
					htons((uint16_t)(len - sizeof(struct ipv6hdr)));
			break;
		case PKT_L_UDP:
			if (!(l->flags & PKT_F_NOLEN))
				((struct udphdr *)h)->len = htons((uint16_t)len);
			if (!(l->flags & PKT_F_NOCSUM) && ipl >= 0)
				l4_csum(p, ipl, l->off, offsetof(struct udphdr, check), IPPROTO_UDP,
					true);
			break;
		case PKT_L_TCP:
			if (ipl >= 0)
				l4_csum(p, ipl, l->off, offsetof(struct tcphdr, check), IPPROTO_TCP,
					false);
			break;
		case PKT_L_ICMP6:
			if (ipl >= 0)
				l4_csum(p, ipl, l->off, offsetof(struct pkt_nd, cksum),
					IPPROTO_ICMPV6_NUM, false);
			break;
		}
	}
}

void pkt_truncate(struct pkt *p, size_t len)
{
	if (len < p->len)
		p->len = len;
}

/* ---- verifiers ---------------------------------------------------------- */

static const struct iphdr *ip4_hdr(const void *l3, size_t len)
{
	const struct iphdr *ip = l3;

	if (len < sizeof(*ip) || ip->version != 4 || ip->ihl < 5 || ip->ihl * 4u > len)
		return NULL;
	return ip;
}

bool pkt_ip4_csum_ok(const void *l3, size_t len)
{
	const struct iphdr *ip = ip4_hdr(l3, len);

	return ip && pkt_csum_fold(pkt_csum_add(0, ip, ip->ihl * 4u)) == 0;
}

bool pkt_udp4_csum_ok(const void *l3, size_t len)
{
	const struct iphdr *ip = ip4_hdr(l3, len);
	const struct udphdr *udp;
	size_t hl, ulen;

	if (!ip || ip->protocol != IPPROTO_UDP)
		return false;
	hl = ip->ihl * 4u;
	if (len < hl + sizeof(*udp))
		return false;
	udp = (const struct udphdr *)((const uint8_t *)l3 + hl);
	ulen = ntohs(udp->len);
	if (ulen < sizeof(*udp) || hl + ulen > len || udp->check == 0)
		return false;
	return pkt_csum_fold(pkt_csum_add(pseudo4(ip, IPPROTO_UDP, (uint32_t)ulen), udp, ulen)) ==
	       0;
}

static const struct ipv6hdr *ip6_hdr(const void *l3, size_t len, uint8_t nh, size_t *plen)
{
	const struct ipv6hdr *ip6 = l3;

	if (len < sizeof(*ip6) || (((const uint8_t *)l3)[0] >> 4) != 6 || ip6->nexthdr != nh)
		return NULL;
	*plen = ntohs(ip6->payload_len);
	if (sizeof(*ip6) + *plen > len)
		return NULL;
	return ip6;
}

bool pkt_udp6_csum_ok(const void *l3, size_t len)
{
	size_t plen, ulen;
	const struct ipv6hdr *ip6 = ip6_hdr(l3, len, IPPROTO_UDP, &plen);
	const struct udphdr *udp;

	if (!ip6 || plen < sizeof(*udp))
		return false;
	udp = (const struct udphdr *)(ip6 + 1);
	ulen = ntohs(udp->len);
	if (ulen < sizeof(*udp) || ulen > plen || udp->check == 0)
		return false;
	return pkt_csum_fold(pkt_csum_add(pseudo6(ip6, IPPROTO_UDP, (uint32_t)ulen), udp, ulen)) ==
	       0;
}

bool pkt_icmp6_csum_ok(const void *l3, size_t len)
{
	size_t plen;
	const struct ipv6hdr *ip6 = ip6_hdr(l3, len, IPPROTO_ICMPV6_NUM, &plen);

	if (!ip6 || plen < 4)
		return false;
	return pkt_csum_fold(pkt_csum_add(pseudo6(ip6, IPPROTO_ICMPV6_NUM, (uint32_t)plen), ip6 + 1,
					  plen)) == 0;
}
