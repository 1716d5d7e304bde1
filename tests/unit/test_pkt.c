// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_pkt.c - the test packet builder and its checksum verifiers
 * (tests/lib/pkt.c), against published and externally decoded vectors:
 * the BPF tier trusts them to judge what the programs write.
 */
#include <arpa/inet.h>
#include "pkt.h"
#include "test.h"

/* RFC 1071 section 3, the worked example: bytes 00 01 f2 03 f4 f5 f6 f7
 * sum to ddf2 (one's complement, before the complement). */
void test_pkt_csum_rfc1071(void)
{
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	ASSERT_EQ(pkt_csum_add(0, b, sizeof(b)), 0xddf2, "sum");
	ASSERT_EQ(pkt_csum_fold(pkt_csum_add(0, b, sizeof(b))), 0x220d, "checksum");
	/* An odd length pads the last byte with zero on the right. */
	ASSERT_EQ(pkt_csum_add(0, b, 3), 0x0001 + 0xf200, "odd");
}

/* A real IPv4 header with its checksum b861 (the classic example). */
void test_pkt_ip4_vector(void)
{
	uint8_t h[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };

	ASSERT_TRUE(pkt_ip4_csum_ok(h, sizeof(h)), "good header");
	h[10] = 0xb8, h[11] = 0x62;
	ASSERT_FALSE(pkt_ip4_csum_ok(h, sizeof(h)), "bad checksum");
	ASSERT_FALSE(pkt_ip4_csum_ok(h, 19), "short buffer");
}

/*
 * Frames whose checksums tshark 4.0 (-o udp.check_checksum:TRUE and
 * friends) decoded as correct when the builder was written; the values
 * are kept here so that a change to the builder cannot go unnoticed.
 */
void test_pkt_golden_checksums(void)
{
	struct pkt p;
	struct ipv6hdr *ip6;
	uint16_t c;

	pkt_init(&p);
	pkt_eth(&p, "02:00:00:00:00:01", "02:00:00:00:00:02", ETH_P_IP);
	pkt_ip4(&p, "10.0.0.1", "10.0.0.2", IPPROTO_UDP);
	pkt_udp(&p, 1234, 4321, true);
	pkt_pattern(&p, 33, 3);
	pkt_finish(&p);
	memcpy(&c, p.data + 14 + 10, 2);
	ASSERT_EQ(ntohs(c), 0x66ae, "ip4 header checksum");
	memcpy(&c, p.data + 14 + 20 + 6, 2);
	ASSERT_EQ(ntohs(c), 0x01ea, "udp4 checksum");
	ASSERT_TRUE(pkt_ip4_csum_ok(p.data + 14, p.len - 14), "ip4 verifies");
	ASSERT_TRUE(pkt_udp4_csum_ok(p.data + 14, p.len - 14), "udp4 verifies");
	p.data[p.len - 1] ^= 1;
	ASSERT_FALSE(pkt_udp4_csum_ok(p.data + 14, p.len - 14), "udp4 payload changed");

	pkt_init(&p);
	pkt_eth(&p, "33:33:ff:00:00:11", "02:00:00:00:00:02", ETH_P_IPV6);
	ip6 = pkt_ip6(&p, "fd23::1", "ff02::1:ff00:11", 58);
	ip6->hop_limit = 255;
	pkt_ns(&p, "fd23::11", "02:00:00:00:00:02");
	pkt_finish(&p);
	memcpy(&c, p.data + 14 + 40 + 2, 2);
	ASSERT_EQ(ntohs(c), 0x7d32, "ns checksum");
	ASSERT_TRUE(pkt_icmp6_csum_ok(p.data + 14, p.len - 14), "ns verifies");
	p.data[14 + 40 + 8] ^= 0x80;
	ASSERT_FALSE(pkt_icmp6_csum_ok(p.data + 14, p.len - 14), "ns target changed");

	pkt_init(&p);
	pkt_eth(&p, "02:00:00:00:00:01", "02:00:00:00:00:02", ETH_P_IPV6);
	ip6 = pkt_ip6(&p, "fd23::11", "fd23::1", 58);
	ip6->hop_limit = 255;
	pkt_na(&p, PKT_NA_S | PKT_NA_O, "fd23::11", "02:00:00:00:00:02");
	pkt_finish(&p);
	memcpy(&c, p.data + 14 + 40 + 2, 2);
	ASSERT_EQ(ntohs(c), 0x1c13, "na checksum");

	pkt_build_dhcp_discover(&p, "02:00:00:00:00:05", 0x1234);
	ASSERT_EQ(p.len, 342, "dhcp discover length");
	memcpy(&c, p.data + 14 + 20 + 6, 2);
	ASSERT_EQ(ntohs(c), 0x73df, "dhcp udp checksum");
}

/* UDP over IPv6 inside VXLAN: the outer checksum covers the finished inner
 * frame; a zero checksum is never valid over IPv6. */
void test_pkt_udp6_nested(void)
{
	struct pkt p;
	struct udphdr *udp;

	pkt_init(&p);
	pkt_eth(&p, "02:00:00:00:00:01", "02:00:00:00:00:02", ETH_P_IPV6);
	pkt_ip6(&p, "fd00::1", "fd00::2", IPPROTO_UDP);
	udp = pkt_udp(&p, 1234, 4789, true);
	pkt_vxlan(&p, 100);
	pkt_eth(&p, "02:00:00:00:00:03", "02:00:00:00:00:04", ETH_P_IP);
	pkt_ip4(&p, "10.1.0.1", "10.1.0.2", IPPROTO_TCP);
	pkt_tcp(&p, 1, 2);
	pkt_pattern(&p, 101, 4);
	pkt_finish(&p);

	ASSERT_EQ(p.len, 225, "length");
	ASSERT_EQ(ntohs(udp->check), 0x8989, "outer udp6 checksum (tshark)");
	ASSERT_EQ(ntohs(udp->len), 225 - 14 - 40, "udp length");
	ASSERT_TRUE(pkt_udp6_csum_ok(p.data + 14, p.len - 14), "udp6 verifies");
	ASSERT_TRUE(pkt_ip4_csum_ok(p.data + 14 + 40 + 16 + 14, 20), "inner ip4 verifies");
	udp->check = 0;
	ASSERT_FALSE(pkt_udp6_csum_ok(p.data + 14, p.len - 14), "zero is not valid");
	udp->check = htons(0x8989);
	ASSERT_FALSE(pkt_udp6_csum_ok(p.data + 14, p.len - 15), "short buffer");
}
