// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * l4csum.c - see l4csum.h.
 */
#include <netinet/in.h>
#include "frame.h"
#include "l4csum.h"

#define ETH_ALEN2	 12 /* the two MAC addresses */
#define ETH_P_8021Q_	 0x8100
#define ETH_P_8021AD_	 0x88a8
#define ETH_P_IP_	 0x0800
#define ETH_P_IPV6_	 0x86dd
#define VLAN_TAGS_MAX	 2
#define IP4_HLEN	 20
#define IP4_FRAG_MASK	 0x3fff /* MF and the fragment offset */
#define IP6_HLEN	 40
#define IP6_FRAG_MASK	 0xfff9 /* the fragment offset and M */
#define IP6_EXTHDRS_MAX	 8	/* more is not a frame worth finishing */
#define IP6_ADDR_LEN	 16
#define NEXTHDR_HOP	 0
#define NEXTHDR_ROUTING	 43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_AUTH	 51
#define NEXTHDR_DEST	 60
#define TCP_HLEN	 20
#define TCP_CSUM_OFF	 16
#define UDP_HLEN	 8
#define UDP_CSUM_OFF	 6
#define FOUND		 (-1) /* parsers: go on, the L4 header is found */

/* Where the checksum's data are and what its pseudo-header holds. */
struct l4 {
	const __u8 *src, *dst; /* pseudo-header addresses */
	size_t alen;	       /* 4 or 16 */
	__u8 proto;	       /* IPPROTO_TCP or IPPROTO_UDP, or another */
	size_t off;	       /* of the L4 header in the frame */
	size_t len;	       /* bytes from there that the checksum covers */
};

static __u16 get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

/* The ethertype behind up to VLAN_TAGS_MAX tags, and where L3 starts. */
static int l2_parse(const __u8 *f, size_t len, __u16 *proto, size_t *l3)
{
	size_t o = ETH_ALEN2;

	for (int tags = 0;; tags++) {
		if (len < o + 2)
			return OVL_L4CSUM_SHORT;
		*proto = get16(f + o);
		if ((*proto != ETH_P_8021Q_ && *proto != ETH_P_8021AD_) || tags == VLAN_TAGS_MAX)
			break;
		o += 4;
	}
	*l3 = o + 2;
	return FOUND;
}

static int ip4_parse(const __u8 *f, size_t len, size_t off, struct l4 *l)
{
	const __u8 *ip = f + off;
	size_t ihl, tot;

	if (len - off < IP4_HLEN)
		return OVL_L4CSUM_SHORT;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	tot = get16(ip + 2);
	if (ip[0] >> 4 != 4 || ihl < IP4_HLEN || tot < ihl)
		return OVL_L4CSUM_NONE; /* not an IPv4 header we could trust */
	if (len - off < tot)
		return OVL_L4CSUM_SHORT;
	if (get16(ip + 6) & IP4_FRAG_MASK)
		return OVL_L4CSUM_FRAGMENT;
	l->proto = ip[9];
	l->src = ip + 12;
	l->dst = ip + 16;
	l->alen = 4;
	l->off = off + ihl;
	l->len = tot - ihl;
	return FOUND;
}

/*
 * The final destination named by a Routing header h of hl bytes with
 * segments left (RFC 8200 section 8.1): the last address of type 0 and 2
 * (RFC 6275 section 6.4), Segment List[0] of a Segment Routing Header
 * (type 4, RFC 8754 section 2). NULL for a type we cannot read.
 */
static const __u8 *rh_final(const __u8 *h, size_t hl)
{
	size_t n = (hl - 8) / IP6_ADDR_LEN;

	if (!n)
		return NULL;
	if (h[2] == 0 || h[2] == 2)
		return h + 8 + (n - 1) * IP6_ADDR_LEN;
	if (h[2] == 4)
		return h + 8;
	return NULL;
}

static int ip6_parse(const __u8 *f, size_t len, size_t off, struct l4 *l)
{
	const __u8 *ip = f + off;
	size_t plen, o, end;
	__u8 nh;

	if (len - off < IP6_HLEN)
		return OVL_L4CSUM_SHORT;
	if (ip[0] >> 4 != 6)
		return OVL_L4CSUM_NONE;
	plen = get16(ip + 4);
	if (!plen)
		return OVL_L4CSUM_NONE; /* a jumbogram (RFC 2675) */
	if (len - off - IP6_HLEN < plen)
		return OVL_L4CSUM_SHORT;
	l->src = ip + 8;
	l->dst = ip + 24;
	l->alen = IP6_ADDR_LEN;
	nh = ip[6];
	o = off + IP6_HLEN;
	end = o + plen;
	for (int i = 0; i < IP6_EXTHDRS_MAX; i++) {
		const __u8 *h = f + o;
		size_t hl;

		if (nh != NEXTHDR_HOP && nh != NEXTHDR_ROUTING && nh != NEXTHDR_DEST &&
		    nh != NEXTHDR_FRAGMENT && nh != NEXTHDR_AUTH) {
			l->proto = nh;
			l->off = o;
			l->len = end - o;
			return FOUND;
		}
		if (end - o < 8)
			return OVL_L4CSUM_NONE; /* beyond the payload: malformed */
		if (nh == NEXTHDR_FRAGMENT) {
			if (get16(h + 2) & IP6_FRAG_MASK)
				return OVL_L4CSUM_FRAGMENT;
			hl = 8; /* an atomic fragment (RFC 6946) is whole */
		} else if (nh == NEXTHDR_AUTH) {
			hl = ((size_t)h[1] + 2) * 4; /* RFC 4302 section 2.2 */
		} else {
			hl = ((size_t)h[1] + 1) * 8;
		}
		if (end - o < hl)
			return OVL_L4CSUM_NONE;
		if (nh == NEXTHDR_ROUTING && h[3]) {
			l->dst = rh_final(h, hl);
			if (!l->dst)
				return OVL_L4CSUM_NONE;
		}
		nh = h[0];
		o += hl;
	}
	return OVL_L4CSUM_NONE;
}

/* Equal as one's complement numbers (0 and 0xffff both are zero). */
static bool csum_eq(__u16 a, __u16 b)
{
	return a % 0xffff == b % 0xffff;
}

enum ovl_l4csum ovl_l4csum_finish(__u8 *frame, size_t len)
{
	struct l4 l;
	size_t l3, coff;
	__u32 pseudo;
	__u16 proto, field, c;
	__u8 *l4;
	int r;

	r = l2_parse(frame, len, &proto, &l3);
	if (r == FOUND && proto == ETH_P_IP_)
		r = ip4_parse(frame, len, l3, &l);
	else if (r == FOUND && proto == ETH_P_IPV6_)
		r = ip6_parse(frame, len, l3, &l);
	else if (r == FOUND)
		r = OVL_L4CSUM_NONE;
	if (r != FOUND)
		return (enum ovl_l4csum)r;

	l4 = frame + l.off;
	if (l.proto == IPPROTO_TCP) {
		if (l.len < TCP_HLEN)
			return OVL_L4CSUM_NONE;
		coff = TCP_CSUM_OFF;
	} else if (l.proto == IPPROTO_UDP) {
		size_t ulen;

		if (l.len < UDP_HLEN)
			return OVL_L4CSUM_NONE;
		ulen = get16(l4 + 4);
		if (ulen < UDP_HLEN || ulen > l.len)
			return OVL_L4CSUM_NONE;
		l.len = ulen; /* the checksum covers the datagram */
		coff = UDP_CSUM_OFF;
		if (!get16(l4 + coff))
			return OVL_L4CSUM_NONE; /* no checksum */
	} else {
		return OVL_L4CSUM_NONE;
	}

	/* The pseudo-header: addresses, protocol, L4 length. The length is
	 * 32 bits in IPv6's and 16 in IPv4's, the same 16-bit words to the
	 * sum, as the protocol's zero padding is. */
	pseudo = ovl_csum_add(0, l.src, l.alen);
	pseudo = ovl_csum_add(pseudo, l.dst, l.alen);
	pseudo = ovl_csum_add(pseudo, (const __u8[]){ 0, l.proto }, 2);
	pseudo = ovl_csum_add(pseudo, (const __u8[]){ (__u8)(l.len >> 8), (__u8)l.len }, 2);

	if (!ovl_csum_fold(ovl_csum_add(pseudo, l4, l.len)))
		return OVL_L4CSUM_VALID;
	field = get16(l4 + coff);
	if (!csum_eq(field, (__u16)~ovl_csum_fold(pseudo)))
		return OVL_L4CSUM_INVALID;

	/* What the device would have done: sum from the L4 header on, the
	 * pseudo-header sum in the field included, and complement. */
	c = ovl_csum_fold(ovl_csum_add(0, l4, l.len));
	if (l.proto == IPPROTO_UDP && !c)
		c = 0xffff; /* RFC 768: a computed 0 is sent as all ones */
	l4[coff] = (__u8)(c >> 8);
	l4[coff + 1] = (__u8)c;
	return OVL_L4CSUM_FINISHED;
}

const char *ovl_l4csum_name(enum ovl_l4csum r)
{
	switch (r) {
	case OVL_L4CSUM_NONE:
		return "none";
	case OVL_L4CSUM_FRAGMENT:
		return "fragment";
	case OVL_L4CSUM_SHORT:
		return "short";
	case OVL_L4CSUM_VALID:
		return "valid";
	case OVL_L4CSUM_FINISHED:
		return "finished";
	case OVL_L4CSUM_INVALID:
		return "invalid";
	}
	return "?";
}
