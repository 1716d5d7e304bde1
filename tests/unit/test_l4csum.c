// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_l4csum.c - lib/l4csum.c: the checksum ovld finishes on a first frame
 * before it sends it on, and the frames it injects itself (lib/frame.c).
 *
 * References computed elsewhere: the kernel frames below were captured with
 * tcpdump on the sending end of a veth (checksum offload on, so each holds
 * the pseudo-header sum the kernel leaves to the device), and their
 * finished checksums are what tshark 4.0 calculated for them
 * (-o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE, fields
 * tcp.checksum_calculated and udp.checksum_calculated). The frames built
 * here are checked with tests/lib/pkt.c, which shares no code with lib/.
 */
#include <stdlib.h>
#include <arpa/inet.h>
#include "frame.h"
#include "l4csum.h"
#include "pkt.h"
#include "test.h"

/* Captured on Linux 6.18 from python3 sockets: 10.9.0.1/fd09::1
 * (02:00:00:00:aa:01) to 10.9.0.2/fd09::2 (02:00:00:00:aa:02). */
static const __u8 tcp4_syn[74] = {
	0x02, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x02, 0x00, 0x00, 0x00, 0xaa, 0x01, 0x08, 0x00, 0x45,
	0x00, 0x00, 0x3c, 0xa1, 0xa6, 0x40, 0x00, 0x40, 0x06, 0x85, 0x01, 0x0a, 0x09, 0x00, 0x01,
	0x0a, 0x09, 0x00, 0x02, 0x9c, 0x42, 0x00, 0x07, 0x90, 0xe9, 0xf9, 0x2f, 0x00, 0x00, 0x00,
	0x00, 0xa0, 0x02, 0xfa, 0xf0, 0x14, 0x43, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
	0x08, 0x0a, 0xec, 0xcd, 0xf9, 0xf3, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};
static const __u8 tcp6_syn[94] = {
	0x02, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x02, 0x00, 0x00, 0x00, 0xaa, 0x01, 0x86, 0xdd,
	0x60, 0x03, 0x34, 0x41, 0x00, 0x28, 0x06, 0x40, 0xfd, 0x09, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xfd, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x9c, 0x4a,
	0x00, 0x07, 0x96, 0x35, 0x3e, 0x87, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfd, 0x20,
	0xfa, 0x44, 0x00, 0x00, 0x02, 0x04, 0x05, 0xa0, 0x04, 0x02, 0x08, 0x0a, 0x86, 0x96,
	0xb9, 0xed, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};
static const __u8 udp4[63] = {
	0x02, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x02, 0x00, 0x00, 0x00, 0xaa, 0x01, 0x08,
	0x00, 0x45, 0x00, 0x00, 0x31, 0x36, 0x80, 0x40, 0x00, 0x40, 0x11, 0xf0, 0x27,
	0x0a, 0x09, 0x00, 0x01, 0x0a, 0x09, 0x00, 0x02, 0xa0, 0x2a, 0x00, 0x09, 0x00,
	0x1d, 0x14, 0x43, 0x6f, 0x76, 0x6c, 0x20, 0x66, 0x69, 0x72, 0x73, 0x74, 0x20,
	0x66, 0x72, 0x61, 0x6d, 0x65, 0x2c, 0x20, 0x6f, 0x64, 0x64, 0x21,
};
static const __u8 udp6[83] = {
	0x02, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x02, 0x00, 0x00, 0x00, 0xaa, 0x01, 0x86, 0xdd,
	0x60, 0x0f, 0x1f, 0x50, 0x00, 0x1d, 0x11, 0x40, 0xfd, 0x09, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xfd, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xa0, 0x32,
	0x00, 0x09, 0x00, 0x1d, 0xfa, 0x44, 0x6f, 0x76, 0x6c, 0x20, 0x66, 0x69, 0x72, 0x73,
	0x74, 0x20, 0x66, 0x72, 0x61, 0x6d, 0x65, 0x2c, 0x20, 0x6f, 0x64, 0x64, 0x21,
};
static const __u8 udp4_opts[58] = {
	0x02, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x02, 0x00, 0x00, 0x00, 0xaa, 0x01, 0x08, 0x00, 0x46,
	0x00, 0x00, 0x2c, 0x36, 0x81, 0x40, 0x00, 0x40, 0x11, 0xed, 0x2a, 0x0a, 0x09, 0x00, 0x01,
	0x0a, 0x09, 0x00, 0x02, 0x01, 0x01, 0x01, 0x00, 0xa4, 0x10, 0x00, 0x09, 0x00, 0x14, 0x14,
	0x3a, 0x77, 0x69, 0x74, 0x68, 0x20, 0x6f, 0x70, 0x74, 0x69, 0x6f, 0x6e, 0x73,
};
static const __u8 udp6_dstopts_valid[84] = {
	0x02, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x02, 0x00, 0x00, 0x00, 0xaa, 0x01, 0x86, 0xdd,
	0x60, 0x08, 0x1c, 0xfd, 0x00, 0x1e, 0x3c, 0x40, 0xfd, 0x09, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xfd, 0x09, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x11, 0x00,
	0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0xa7, 0xf8, 0x00, 0x09, 0x00, 0x16, 0xac, 0xba,
	0x62, 0x65, 0x68, 0x69, 0x6e, 0x64, 0x20, 0x64, 0x73, 0x74, 0x6f, 0x70, 0x74, 0x73,
};
static const __u8 tcp6_hbh_syn[102] = {
	0x02, 0x00, 0x00, 0x00, 0xaa, 0x02, 0x02, 0x00, 0x00, 0x00, 0xaa, 0x01, 0x86, 0xdd, 0x60,
	0x09, 0x06, 0xb1, 0x00, 0x30, 0x00, 0x40, 0xfd, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xfd, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x06, 0x00, 0x01, 0x04, 0x00, 0x00,
	0x00, 0x00, 0xa7, 0xf9, 0x00, 0x07, 0x24, 0x89, 0x67, 0x98, 0x00, 0x00, 0x00, 0x00, 0xa0,
	0x02, 0xfd, 0x20, 0xfa, 0x44, 0x00, 0x00, 0x02, 0x04, 0x05, 0xa0, 0x04, 0x02, 0x08, 0x0a,
	0x4d, 0x33, 0x51, 0x58, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
};

struct kframe {
	const char *name;
	const __u8 *data;
	size_t len;
	size_t csum_off;	/* of the L4 checksum in the frame */
	enum ovl_l4csum result; /* what ovl_l4csum_finish() must say */
	__u16 want;		/* the checksum afterwards (tshark's) */
};

/* Ethernet 14, IPv4 20 (+4 options), IPv6 40 (+8 hop-by-hop or dstopts);
 * the checksum at 16 in TCP and 6 in UDP. */
static const struct kframe kframes[] = {
	{ "tcp4 syn", tcp4_syn, sizeof(tcp4_syn), 14 + 20 + 16, OVL_L4CSUM_FINISHED, 0x2bd3 },
	{ "tcp6 syn", tcp6_syn, sizeof(tcp6_syn), 14 + 40 + 16, OVL_L4CSUM_FINISHED, 0x9f47 },
	{ "udp4", udp4, sizeof(udp4), 14 + 20 + 6, OVL_L4CSUM_FINISHED, 0x4ff8 },
	{ "udp6", udp6, sizeof(udp6), 14 + 40 + 6, OVL_L4CSUM_FINISHED, 0x69ee },
	{ "udp4 ip options", udp4_opts, sizeof(udp4_opts), 14 + 24 + 6, OVL_L4CSUM_FINISHED,
	  0xf2ff },
	{ "tcp6 syn after hop-by-hop", tcp6_hbh_syn, sizeof(tcp6_hbh_syn), 14 + 48 + 16,
	  OVL_L4CSUM_FINISHED, 0x7e2c },
	/* the kernel summed this one itself: it goes out as it came */
	{ "udp6 after dstopts, valid", udp6_dstopts_valid, sizeof(udp6_dstopts_valid), 14 + 48 + 6,
	  OVL_L4CSUM_VALID, 0xacba },
};

static __u16 get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

/* Run ovl_l4csum_finish() on a copy of exactly len bytes (so that ASan sees
 * any read past the end) and give the copy back. */
static __u8 *finish_copy(const void *frame, size_t len, enum ovl_l4csum *r)
{
	__u8 *f = malloc(len ? len : 1);

	if (!f)
		abort();
	memcpy(f, frame, len);
	*r = ovl_l4csum_finish(f, len);
	return f;
}

/* Partial in, finished out; the checksum is tshark's and no other byte
 * moved; finished again, the frame stays as it is. */
void test_l4csum_kernel_frames(void)
{
	for (size_t i = 0; i < sizeof(kframes) / sizeof(kframes[0]); i++) {
		const struct kframe *k = &kframes[i];
		enum ovl_l4csum r, r2;
		__u8 *f, *g;

		f = finish_copy(k->data, k->len, &r);
		ASSERT_EQ(r, k->result, k->name);
		ASSERT_EQ(get16(f + k->csum_off), k->want, k->name);
		ASSERT_MEMEQ(f, k->csum_off, k->data, k->csum_off, k->name);
		ASSERT_MEMEQ(f + k->csum_off + 2, k->len - k->csum_off - 2,
			     k->data + k->csum_off + 2, k->len - k->csum_off - 2, k->name);
		g = finish_copy(f, k->len, &r2);
		ASSERT_EQ(r2, OVL_L4CSUM_VALID, k->name);
		ASSERT_MEMEQ(g, k->len, f, k->len, k->name);
		free(g);
		free(f);
	}
	/* and the independent verifiers agree where they can read the frame */
	{
		enum ovl_l4csum r;
		__u8 *f = finish_copy(udp4, sizeof(udp4), &r);

		ASSERT_TRUE(pkt_udp4_csum_ok(f + 14, sizeof(udp4) - 14), "udp4 verifies");
		free(f);
		f = finish_copy(udp6, sizeof(udp6), &r);
		ASSERT_TRUE(pkt_udp6_csum_ok(f + 14, sizeof(udp6) - 14), "udp6 verifies");
		free(f);
	}
}

/* ---- frames built here ------------------------------------------------- */

#define SRC4 "10.9.0.1"
#define DST4 "10.9.0.2"
#define SRC6 "fd09::1"
#define DST6 "fd09::2"
#define MAC1 "02:00:00:00:aa:01"
#define MAC2 "02:00:00:00:aa:02"

/* Where a built frame's checksum is and what its pseudo-header holds. */
struct l4at {
	size_t l4;	    /* offset of the L4 header */
	size_t coff;	    /* of the checksum within it */
	uint8_t proto;	    /* IPPROTO_TCP/UDP */
	const uint8_t *src; /* pseudo-header addresses (in the frame) */
	const uint8_t *dst;
	size_t alen;
};

/*
 * What the kernel leaves to the device (CHECKSUM_PARTIAL): the folded
 * pseudo-header sum, not complemented, in the checksum field. Computed with
 * tests/lib/pkt.c's sum, from the addresses a, the protocol and the length
 * of what follows the L4 header's start (UDP: its length field).
 */
static void make_partial(struct pkt *p, const struct l4at *a)
{
	uint8_t *l4 = p->data + a->l4;
	size_t len = a->proto == IPPROTO_UDP ? get16(l4 + 4) : p->len - a->l4;
	uint8_t tail[4] = { 0, a->proto, (uint8_t)(len >> 8), (uint8_t)len };
	uint32_t sum;
	uint16_t v;

	sum = pkt_csum_add(0, a->src, a->alen);
	sum = pkt_csum_add(sum, a->dst, a->alen);
	sum = pkt_csum_add(sum, tail, sizeof(tail));
	v = (uint16_t)~pkt_csum_fold(sum);
	l4[a->coff] = (uint8_t)(v >> 8);
	l4[a->coff + 1] = (uint8_t)v;
}

/* The L4 checksum of a built frame, pseudo-header from a (pkt.c's sums). */
static uint16_t ref_csum(const struct pkt *p, const struct l4at *a)
{
	struct pkt q = *p;

	q.data[a->l4 + a->coff] = q.data[a->l4 + a->coff + 1] = 0;
	make_partial(&q, a);
	{
		size_t len = a->proto == IPPROTO_UDP ? get16(q.data + a->l4 + 4) : q.len - a->l4;
		uint16_t c = pkt_csum_fold(pkt_csum_add(0, q.data + a->l4, len));

		return a->proto == IPPROTO_UDP && !c ? 0xffff : c;
	}
}

static void at4(const struct pkt *p, size_t l3, uint8_t proto, struct l4at *a)
{
	a->l4 = l3 + (p->data[l3] & 0xf) * 4u;
	a->coff = proto == IPPROTO_TCP ? 16 : 6;
	a->proto = proto;
	a->src = p->data + l3 + 12;
	a->dst = p->data + l3 + 16;
	a->alen = 4;
}

static void at6(const struct pkt *p, size_t l3, size_t exthdrs, uint8_t proto, struct l4at *a)
{
	a->l4 = l3 + 40 + exthdrs;
	a->coff = proto == IPPROTO_TCP ? 16 : 6;
	a->proto = proto;
	a->src = p->data + l3 + 8;
	a->dst = p->data + l3 + 24;
	a->alen = 16;
}

/* A finished frame must come back VALID and unchanged; made partial, it
 * must come back FINISHED and equal to the finished one. */
static void check_both(const char *name, const struct pkt *ref, const struct l4at *a)
{
	struct pkt part = *ref;
	enum ovl_l4csum r;
	__u8 *f;

	f = finish_copy(ref->data, ref->len, &r);
	ASSERT_EQ(r, OVL_L4CSUM_VALID, name);
	ASSERT_MEMEQ(f, ref->len, ref->data, ref->len, name);
	free(f);

	make_partial(&part, a);
	ASSERT_NEQ(memcmp(part.data, ref->data, ref->len), 0, name);
	f = finish_copy(part.data, part.len, &r);
	ASSERT_EQ(r, OVL_L4CSUM_FINISHED, name);
	ASSERT_MEMEQ(f, ref->len, ref->data, ref->len, name);
	free(f);
}

void test_l4csum_built_frames(void)
{
	static const uint8_t opts[8] = { 1, 1, 1, 1, 1, 1, 1, 0 };	/* NOPs, EOL */
	static const uint8_t dstopts[8] = { 60, 0, 1, 4, 0, 0, 0, 0 };	/* PadN, then dstopts */
	static const uint8_t dstopts2[8] = { 44, 0, 1, 4, 0, 0, 0, 0 }; /* then a fragment */
	static const uint8_t atomic[8] = { IPPROTO_TCP, 0, 0, 0, 0, 0, 0, 42 };
	struct l4at a;
	struct pkt p;

	pkt_init(&p);
	pkt_eth(&p, MAC2, MAC1, ETH_P_IP);
	pkt_ip4(&p, SRC4, DST4, IPPROTO_TCP);
	pkt_tcp(&p, 40000, 80);
	pkt_pattern(&p, 100, 1);
	pkt_finish(&p);
	at4(&p, 14, IPPROTO_TCP, &a);
	check_both("tcp4, 100 bytes", &p, &a);

	pkt_init(&p);
	pkt_eth(&p, MAC2, MAC1, ETH_P_IP);
	pkt_ip4_opts(&p, SRC4, DST4, IPPROTO_TCP, opts, sizeof(opts));
	pkt_tcp(&p, 40000, 80);
	pkt_pattern(&p, 33, 2);
	pkt_finish(&p);
	at4(&p, 14, IPPROTO_TCP, &a);
	check_both("tcp4, IP options, odd payload", &p, &a);

	pkt_init(&p);
	pkt_eth(&p, MAC2, MAC1, ETH_P_IP);
	pkt_ip4(&p, SRC4, DST4, IPPROTO_UDP);
	pkt_udp(&p, 4000, 53, true);
	pkt_pattern(&p, 7, 3);
	pkt_finish(&p);
	at4(&p, 14, IPPROTO_UDP, &a);
	check_both("udp4, odd payload", &p, &a);

	pkt_init(&p);
	pkt_eth(&p, MAC2, MAC1, ETH_P_8021AD);
	pkt_vlan(&p, 100, ETH_P_8021Q);
	pkt_vlan(&p, 200, ETH_P_IP);
	pkt_ip4(&p, SRC4, DST4, IPPROTO_UDP);
	pkt_udp(&p, 4000, 53, true);
	pkt_pattern(&p, 64, 4);
	pkt_finish(&p);
	at4(&p, 22, IPPROTO_UDP, &a);
	check_both("udp4 behind two VLAN tags", &p, &a);

	pkt_init(&p);
	pkt_eth(&p, MAC2, MAC1, ETH_P_IPV6);
	pkt_ip6(&p, SRC6, DST6, IPPROTO_TCP);
	pkt_tcp(&p, 40000, 80);
	pkt_pattern(&p, 77, 5);
	pkt_finish(&p);
	at6(&p, 14, 0, IPPROTO_TCP, &a);
	check_both("tcp6, odd payload", &p, &a);

	pkt_init(&p);
	pkt_eth(&p, MAC2, MAC1, ETH_P_IPV6);
	pkt_ip6(&p, SRC6, DST6, IPPROTO_UDP);
	pkt_udp(&p, 4000, 53, true);
	pkt_pattern(&p, 1200, 6);
	pkt_finish(&p);
	at6(&p, 14, 0, IPPROTO_UDP, &a);
	check_both("udp6, 1200 bytes", &p, &a);

	/* dstopts, dstopts, an atomic fragment (RFC 6946: a whole datagram) */
	pkt_init(&p);
	pkt_eth(&p, MAC2, MAC1, ETH_P_IPV6);
	pkt_ip6(&p, SRC6, DST6, 60);
	pkt_bytes(&p, dstopts, sizeof(dstopts));
	pkt_bytes(&p, dstopts2, sizeof(dstopts2));
	pkt_bytes(&p, atomic, sizeof(atomic));
	pkt_tcp(&p, 40000, 80);
	pkt_pattern(&p, 20, 7);
	pkt_finish(&p);
	at6(&p, 14, 24, IPPROTO_TCP, &a);
	check_both("tcp6 behind dstopts, dstopts, atomic fragment", &p, &a);
}

/* A short datagram in a frame padded to Ethernet's 60 bytes: the lengths
 * come from the headers, not from the frame. */
void test_l4csum_padded(void)
{
	struct l4at a;
	struct pkt p, padded;
	enum ovl_l4csum r;
	__u8 *f;

	pkt_init(&p);
	pkt_eth(&p, MAC2, MAC1, ETH_P_IP);
	pkt_ip4(&p, SRC4, DST4, IPPROTO_UDP);
	pkt_udp(&p, 4000, 53, true);
	pkt_pattern(&p, 3, 8);
	pkt_finish(&p);
	at4(&p, 14, IPPROTO_UDP, &a);
	padded = p;
	make_partial(&padded, &a);
	memset(padded.data + padded.len, 0xa5, 60 - padded.len);
	f = finish_copy(padded.data, 60, &r);
	ASSERT_EQ(r, OVL_L4CSUM_FINISHED, "padded udp4");
	ASSERT_MEMEQ(f, p.len, p.data, p.len, "padded udp4");
	free(f);
}

/* UDP's checksum 0: over IPv4 none (RFC 768), over IPv6 a zero-checksum
 * tunnel's (RFC 6935) or a frame its receiver drops: never touched. A sum
 * that comes out 0 is sent as 0xffff. */
void test_l4csum_udp_zero(void)
{
	const char *fams[] = { "udp4", "udp6" };

	for (int v6 = 0; v6 < 2; v6++) {
		struct l4at a;
		struct pkt p;
		enum ovl_l4csum r;
		uint32_t sum;
		uint16_t x;
		__u8 *f;

		pkt_init(&p);
		pkt_eth(&p, MAC2, MAC1, v6 ? ETH_P_IPV6 : ETH_P_IP);
		if (v6)
			pkt_ip6(&p, SRC6, DST6, IPPROTO_UDP);
		else
			pkt_ip4(&p, SRC4, DST4, IPPROTO_UDP);
		pkt_udp(&p, 4000, 53, false); /* checksum left 0 */
		pkt_put(&p, 2);
		pkt_finish(&p);
		if (v6)
			at6(&p, 14, 0, IPPROTO_UDP, &a);
		else
			at4(&p, 14, IPPROTO_UDP, &a);
		f = finish_copy(p.data, p.len, &r);
		ASSERT_EQ(r, OVL_L4CSUM_NONE, fams[v6]);
		ASSERT_MEMEQ(f, p.len, p.data, p.len, fams[v6]);
		free(f);

		/* Two payload bytes that make the sum all ones: the checksum
		 * computes to 0, and goes out as 0xffff. */
		make_partial(&p, &a);
		sum = pkt_csum_add(0, p.data + a.l4, p.len - a.l4);
		x = (uint16_t)~pkt_csum_fold(sum); /* the folded sum so far */
		x = (uint16_t)~x;
		p.data[p.len - 2] = (uint8_t)(x >> 8);
		p.data[p.len - 1] = (uint8_t)x;
		ASSERT_EQ(pkt_csum_fold(pkt_csum_add(0, p.data + a.l4, p.len - a.l4)), 0,
			  "the sum is all ones");
		f = finish_copy(p.data, p.len, &r);
		ASSERT_EQ(r, OVL_L4CSUM_FINISHED, fams[v6]);
		ASSERT_EQ(get16(f + a.l4 + 6), 0xffff, fams[v6]);
		ASSERT_TRUE(v6 ? pkt_udp6_csum_ok(f + 14, p.len - 14) :
				 pkt_udp4_csum_ok(f + 14, p.len - 14),
			    fams[v6]);
		free(f);
	}
}

/* Fragments go as they are, even when their field looks partial: only the
 * first has the L4 header, and its checksum covers the whole datagram. */
void test_l4csum_fragments(void)
{
	static const struct {
		const char *name;
		bool v6;
		uint16_t frag; /* IPv4 frag_off, or the IPv6 fragment header's word */
	} cases[] = {
		{ "ip4 first fragment (MF)", false, 0x2000 },
		{ "ip4 later fragment", false, 185 },
		{ "ip4 last fragment", false, 0x00b9 },
		{ "ip6 first fragment (M)", true, 0x0001 },
		{ "ip6 later fragment", true, 185 << 3 },
		{ "ip6 later fragment, M", true, 185 << 3 | 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct l4at a;
		struct pkt p;
		enum ovl_l4csum r;
		__u8 *f;

		pkt_init(&p);
		pkt_eth(&p, MAC2, MAC1, cases[i].v6 ? ETH_P_IPV6 : ETH_P_IP);
		if (cases[i].v6) {
			uint8_t fh[8] = { IPPROTO_UDP,
					  0,
					  (uint8_t)(cases[i].frag >> 8),
					  (uint8_t)cases[i].frag,
					  0,
					  0,
					  0,
					  1 };

			pkt_ip6(&p, SRC6, DST6, 44);
			pkt_bytes(&p, fh, sizeof(fh));
		} else {
			struct iphdr *ip = pkt_ip4(&p, SRC4, DST4, IPPROTO_UDP);

			ip->frag_off = htons(cases[i].frag);
		}
		pkt_udp(&p, 4000, 53, true);
		pkt_pattern(&p, 40, 9);
		pkt_finish(&p);
		if (cases[i].v6)
			at6(&p, 14, 8, IPPROTO_UDP, &a);
		else
			at4(&p, 14, IPPROTO_UDP, &a);
		make_partial(&p, &a);
		f = finish_copy(p.data, p.len, &r);
		ASSERT_EQ(r, OVL_L4CSUM_FRAGMENT, cases[i].name);
		ASSERT_MEMEQ(f, p.len, p.data, p.len, cases[i].name);
		free(f);
	}
}

/* Behind a Routing header with segments left, the pseudo-header holds the
 * final destination (RFC 8200 section 8.1): the last address of type 0 and
 * 2, Segment List[0] of an SRH. */
void test_l4csum_routing_header(void)
{
	static const struct {
		const char *name;
		uint8_t type, segleft, naddr;
		int final; /* index of the final destination, -1: the header's */
		enum ovl_l4csum result;
	} cases[] = {
		{ "type 2 (mobile IPv6)", 2, 1, 1, 0, OVL_L4CSUM_FINISHED },
		{ "type 0, two addresses", 0, 2, 2, 1, OVL_L4CSUM_FINISHED },
		{ "type 4 (SRH), two segments", 4, 1, 2, 0, OVL_L4CSUM_FINISHED },
		{ "type 4, no segments left", 4, 0, 2, -1, OVL_L4CSUM_FINISHED },
		{ "type 3 (RPL), not readable", 3, 1, 1, -1, OVL_L4CSUM_NONE },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t rh[8 + 2 * 16] = { IPPROTO_UDP, (uint8_t)(cases[i].naddr * 2),
					   cases[i].type, cases[i].segleft };
		struct l4at a;
		struct pkt p, ref;
		enum ovl_l4csum r;
		uint16_t want;
		size_t rhlen = 8 + cases[i].naddr * 16u;
		__u8 *f;

		pkt_in6("fd09::a", rh + 8);
		pkt_in6("fd09::b", rh + 24);
		pkt_init(&p);
		pkt_eth(&p, MAC2, MAC1, ETH_P_IPV6);
		pkt_ip6(&p, SRC6, DST6, 43);
		pkt_bytes(&p, rh, rhlen);
		pkt_udp(&p, 4000, 53, true);
		pkt_pattern(&p, 21, 10);
		pkt_finish(&p); /* lengths; its UDP checksum uses DST6 */
		at6(&p, 14, rhlen, IPPROTO_UDP, &a);
		if (cases[i].final >= 0)
			a.dst = p.data + 14 + 40 + 8 + 16 * (size_t)cases[i].final;
		want = ref_csum(&p, &a);
		ref = p;
		ref.data[a.l4 + 6] = (uint8_t)(want >> 8);
		ref.data[a.l4 + 7] = (uint8_t)want;
		make_partial(&p, &a);
		f = finish_copy(p.data, p.len, &r);
		ASSERT_EQ(r, cases[i].result, cases[i].name);
		if (r == OVL_L4CSUM_FINISHED)
			ASSERT_MEMEQ(f, ref.len, ref.data, ref.len, cases[i].name);
		else
			ASSERT_MEMEQ(f, p.len, p.data, p.len, cases[i].name);
		free(f);
	}
}

/* Neither valid nor partial: sent as it is (see l4csum.h for why). */
void test_l4csum_invalid(void)
{
	struct l4at a;
	struct pkt p;
	enum ovl_l4csum r;
	__u8 *f;

	pkt_init(&p);
	pkt_eth(&p, MAC2, MAC1, ETH_P_IP);
	pkt_ip4(&p, SRC4, DST4, IPPROTO_TCP);
	pkt_tcp(&p, 40000, 80);
	pkt_pattern(&p, 50, 11);
	pkt_finish(&p);
	at4(&p, 14, IPPROTO_TCP, &a);
	p.data[p.len - 1] ^= 0x10; /* corrupted after it was summed */
	f = finish_copy(p.data, p.len, &r);
	ASSERT_EQ(r, OVL_L4CSUM_INVALID, "corrupted tcp4");
	ASSERT_MEMEQ(f, p.len, p.data, p.len, "corrupted tcp4");
	free(f);

	/* a pseudo-header sum over the wrong length is no partial checksum */
	make_partial(&p, &a);
	p.data[a.l4 + a.coff + 1] ^= 0x01;
	f = finish_copy(p.data, p.len, &r);
	ASSERT_EQ(r, OVL_L4CSUM_INVALID, "tcp4, pseudo-header off by one");
	ASSERT_MEMEQ(f, p.len, p.data, p.len, "tcp4, pseudo-header off by one");
	free(f);
}

/* Every prefix of a partial frame: nothing read beyond it (ASan), nothing
 * written, and it says the frame is short. */
void test_l4csum_truncated(void)
{
	for (size_t i = 0; i < sizeof(kframes) / sizeof(kframes[0]); i++) {
		for (size_t len = 0; len < kframes[i].len; len++) {
			enum ovl_l4csum r;
			__u8 *f = finish_copy(kframes[i].data, len, &r);

			if (!ASSERT_EQ(r, OVL_L4CSUM_SHORT, kframes[i].name) ||
			    !ASSERT_MEMEQ(f, len, kframes[i].data, len, kframes[i].name)) {
				test_info("%s cut to %zu bytes", kframes[i].name, len);
				free(f);
				break;
			}
			free(f);
		}
	}
}

/* Frames without a TCP/UDP checksum go as they are. */
void test_l4csum_not_l4(void)
{
	struct pkt p[6];
	const char *names[6] = { "arp", "icmp6 ns", "ip6 esp", "lldp", "ip6 jumbo", "ip4 ihl 4" };
	struct iphdr *ip;

	for (int i = 0; i < 6; i++)
		pkt_init(&p[i]);
	pkt_eth(&p[0], "ff:ff:ff:ff:ff:ff", MAC1, ETH_P_ARP);
	pkt_arp(&p[0], 1, MAC1, SRC4, NULL, DST4);
	pkt_eth(&p[1], "33:33:ff:00:00:02", MAC1, ETH_P_IPV6);
	pkt_ip6(&p[1], SRC6, "ff02::1:ff00:2", 58);
	pkt_ns(&p[1], DST6, MAC1);
	pkt_eth(&p[2], MAC2, MAC1, ETH_P_IPV6);
	pkt_ip6(&p[2], SRC6, DST6, 50);
	pkt_pattern(&p[2], 40, 12);
	pkt_eth(&p[3], "01:80:c2:00:00:0e", MAC1, 0x88cc);
	pkt_pattern(&p[3], 40, 13);
	pkt_eth(&p[4], MAC2, MAC1, ETH_P_IPV6);
	pkt_ip6(&p[4], SRC6, DST6, IPPROTO_UDP);
	pkt_udp(&p[4], 4000, 53, true);
	pkt_pattern(&p[4], 40, 14);
	pkt_eth(&p[5], MAC2, MAC1, ETH_P_IP);
	ip = pkt_ip4(&p[5], SRC4, DST4, IPPROTO_UDP);
	pkt_udp(&p[5], 4000, 53, true);
	for (int i = 0; i < 6; i++)
		pkt_finish(&p[i]);
	p[4].data[14 + 4] = p[4].data[14 + 5] = 0; /* payload length 0: a jumbogram */
	ip = (struct iphdr *)(p[5].data + 14);
	ip->ihl = 4;
	for (int i = 0; i < 6; i++) {
		enum ovl_l4csum r;
		__u8 *f = finish_copy(p[i].data, p[i].len, &r);

		ASSERT_EQ(r, OVL_L4CSUM_NONE, names[i]);
		ASSERT_MEMEQ(f, p[i].len, p[i].data, p[i].len, names[i]);
		free(f);
	}
}

/* ---- the frames ovld injects (lib/frame.c) ------------------------------ */

/* The neighbour advertisement answering a solicitation carries a valid
 * ICMPv6 checksum (RFC 4861 section 7.2.4), unicast and for DAD. */
void test_frame_na_reply_checksum(void)
{
	static const char *srcs[] = { SRC6, "::" };

	for (int dad = 0; dad < 2; dad++) {
		uint8_t target[16], out[OVL_NA_FRAME_LEN], owner[6];
		struct pkt ns;
		int len;

		pkt_init(&ns);
		pkt_eth(&ns, "33:33:ff:00:00:02", MAC1, ETH_P_IPV6);
		pkt_ip6(&ns, srcs[dad], "ff02::1:ff00:2", 58)->hop_limit = 255;
		pkt_ns(&ns, DST6, dad ? NULL : MAC1);
		pkt_finish(&ns);
		pkt_in6(DST6, target);
		pkt_mac(MAC2, owner);
		len = ovl_na_reply(ns.data, ns.len, target, owner, false, out, sizeof(out));
		if (!ASSERT_EQ(len, OVL_NA_FRAME_LEN, "na length"))
			continue;
		ASSERT_TRUE(pkt_icmp6_csum_ok(out + 14, (size_t)len - 14),
			    dad ? "na for dad: checksum" : "na: checksum");
		ASSERT_EQ(ovl_l4csum_finish(out, (size_t)len), OVL_L4CSUM_NONE, "na: no TCP/UDP");
	}
}

/* The ARP reply: every field where RFC 826 puts it. */
void test_frame_arp_reply(void)
{
	struct pkt req, want;
	uint8_t out[OVL_ARP_FRAME_LEN], owner[6];
	int len;

	pkt_init(&req);
	pkt_eth(&req, "ff:ff:ff:ff:ff:ff", MAC1, ETH_P_ARP);
	pkt_arp(&req, 1, MAC1, SRC4, NULL, DST4);
	pkt_finish(&req);
	pkt_init(&want);
	pkt_eth(&want, MAC1, MAC2, ETH_P_ARP);
	pkt_arp(&want, 2, MAC2, DST4, MAC1, SRC4);
	pkt_finish(&want);
	pkt_mac(MAC2, owner);
	len = ovl_arp_reply(req.data, req.len, owner, out, sizeof(out));
	ASSERT_EQ(len, OVL_ARP_FRAME_LEN, "arp length");
	ASSERT_MEMEQ(out, (size_t)len, want.data, want.len, "arp reply");
}
