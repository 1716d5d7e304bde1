/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pkt.h - a small packet builder and checksum verifiers for tests
 * (the BPF selftests' and katran's fixtures, in C).
 *
 * A frame is built outside in: pkt_eth(), then pkt_ip4()/pkt_ip6(), then
 * pkt_udp(), pkt_vxlan() and the inner frame, and so on. Every pkt_*()
 * appends zeroed bytes, fills what it was given and returns a pointer to
 * the header, so a test can still change any field. pkt_finish() then
 * fills every length and checksum, innermost layer first (so an outer UDP
 * checksum covers the finished inner frame): IPv4 total length and header
 * checksum, IPv6 payload length, UDP length and checksum, TCP and ICMPv6
 * checksums. pkt_truncate() after pkt_finish() makes truncated frames.
 *
 * The verifiers recompute checksums from RFC 1071 (the Internet checksum),
 * RFC 768 and RFC 8200 section 8.1 (the pseudo-headers) over a finished
 * frame. They share nothing with bpf/: a test may use them to judge what a
 * BPF program wrote.
 *
 * Addresses are given as text ("10.0.0.1", "fd00::1",
 * "02:00:00:00:00:01"); a string that does not parse aborts the test
 * binary, since it is a bug in the test itself.
 */
#ifndef OVL_TEST_PKT_H
#define OVL_TEST_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/tcp.h>

#define PKT_MAX	      4096 /* BPF_PROG_TEST_RUN takes at most about a page */
#define PKT_MAX_LAYER 16

#define PKT_VXLAN_I   0x08000000u /* the I flag in the first VXLAN word, RFC 7348 */

/* ARP for IPv4 over Ethernet, RFC 826. */
struct pkt_arp {
	uint16_t hrd;
	uint16_t pro;
	uint8_t hln;
	uint8_t pln;
	uint16_t op;
	uint8_t sha[6];
	uint8_t sip[4];
	uint8_t tha[6];
	uint8_t tip[4];
} __attribute__((packed));

struct pkt_vxlan {
	uint32_t flags; /* network order */
	uint32_t vni;	/* network order, VNI << 8 */
};

/* ICMPv6 neighbour solicitation/advertisement, RFC 4861 sections 4.3/4.4. */
struct pkt_nd {
	uint8_t type;
	uint8_t code;
	uint16_t cksum;
	uint32_t flags; /* NA: R S O; NS: reserved */
	struct in6_addr target;
};

#define PKT_NA_R 0x80000000u /* host order, as pkt_na() takes them */
#define PKT_NA_S 0x40000000u
#define PKT_NA_O 0x20000000u

enum pkt_layer_kind {
	PKT_L_IP4 = 1,
	PKT_L_IP6,
	PKT_L_UDP,
	PKT_L_TCP,
	PKT_L_ICMP6,
};

#define PKT_F_NOCSUM (1u << 0) /* leave the checksum as it is (zero) */
#define PKT_F_NOLEN  (1u << 1) /* leave the length fields as they are */

struct pkt_layer {
	uint8_t kind;  /* enum pkt_layer_kind */
	uint8_t flags; /* PKT_F_* */
	uint16_t off;  /* offset of the header in the frame */
};

struct pkt {
	uint8_t data[PKT_MAX];
	size_t len;
	int nlayers;
	struct pkt_layer layers[PKT_MAX_LAYER];
};

/* Parsers for the text forms; they abort on a malformed string. */
void pkt_mac(const char *s, uint8_t mac[6]);
void pkt_in4(const char *s, uint8_t addr[4]);
void pkt_in6(const char *s, uint8_t addr[16]);

void pkt_init(struct pkt *p);
/* Append len zero bytes; returns them. Aborts past PKT_MAX. */
void *pkt_put(struct pkt *p, size_t len);
void *pkt_bytes(struct pkt *p, const void *data, size_t len);
/* len bytes of a pattern that depends on seed (payloads that differ). */
void *pkt_pattern(struct pkt *p, size_t len, unsigned int seed);

struct ethhdr *pkt_eth(struct pkt *p, const char *dst, const char *src, uint16_t proto);
/* An 802.1Q tag; the Ethernet header before it carries ETH_P_8021Q. */
void *pkt_vlan(struct pkt *p, uint16_t tci, uint16_t proto);
/* IPv4 with TTL 64, no fragmentation bits, ID 0; opts (a multiple of 4
 * bytes, up to 40) may be NULL. */
struct iphdr *pkt_ip4(struct pkt *p, const char *src, const char *dst, uint8_t proto);
struct iphdr *pkt_ip4_opts(struct pkt *p, const char *src, const char *dst, uint8_t proto,
			   const void *opts, size_t opts_len);
/* IPv6 with hop limit 64, no extension headers. */
struct ipv6hdr *pkt_ip6(struct pkt *p, const char *src, const char *dst, uint8_t nexthdr);
/* An IPv6 extension header (RFC 8200 section 4) of kind type (0
 * Hop-by-Hop, 43 Routing, 44 Fragment, 51 AH, 60 Destination Options)
 * followed by nexthdr, len bytes long (a multiple of 8, of 4 for AH; 8 for
 * a Fragment header), its length field set for the kind and the rest zero
 * (Pad1 options; a Routing header with Segments Left 0; a Fragment header
 * of offset 0, M clear, identification 0: change them through the
 * returned pointer). The header in front must name type as its next. */
uint8_t *pkt_ip6_exthdr(struct pkt *p, uint8_t type, uint8_t nexthdr, size_t len);
/* UDP; the checksum is computed unless csum is false (then it stays 0). */
struct udphdr *pkt_udp(struct pkt *p, uint16_t sport, uint16_t dport, bool csum);
struct tcphdr *pkt_tcp(struct pkt *p, uint16_t sport, uint16_t dport);
/* VXLAN with the I flag; pkt_vxlan_raw() takes both words (host order). */
struct pkt_vxlan *pkt_vxlan(struct pkt *p, uint32_t vni);
struct pkt_vxlan *pkt_vxlan_raw(struct pkt *p, uint32_t flags, uint32_t vni_word);
/* ARP for IPv4 over Ethernet; NULL tha means all zeros. */
struct pkt_arp *pkt_arp(struct pkt *p, uint16_t op, const char *sha, const char *sip,
			const char *tha, const char *tip);
/* Neighbour solicitation for target, with a source link-layer address
 * option when slla is not NULL. */
struct pkt_nd *pkt_ns(struct pkt *p, const char *target, const char *slla);
/* Neighbour advertisement (flags PKT_NA_*) with a target link-layer address
 * option when tlla is not NULL. */
struct pkt_nd *pkt_na(struct pkt *p, uint32_t flags, const char *target, const char *tlla);
/* A BOOTP/DHCPDISCOVER body (RFC 2131) for client MAC chaddr; goes after
 * pkt_udp(p, 68, 67, ...). */
void *pkt_dhcp_discover(struct pkt *p, uint32_t xid, const char *chaddr);

/* Fill lengths and checksums of every layer, innermost first. */
void pkt_finish(struct pkt *p);
void pkt_truncate(struct pkt *p, size_t len);

/* Whole frames for the common cases, finished. */
void pkt_build_dhcp_discover(struct pkt *p, const char *mac, uint32_t xid);

/*
 * Verifiers over a frame buffer. l3 points at the IP header and len is the
 * number of bytes from there to the end of the buffer; every length field
 * is checked against it before any byte is read.
 */
/* RFC 1071 one's complement sum of len bytes (big-endian 16-bit words, an
 * odd last byte padded with zero), added to sum, not folded. */
uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t len);
/* Fold and complement: the value that goes into a checksum field. */
uint16_t pkt_csum_fold(uint32_t sum);
/* IPv4 header checksum (options included) is valid. */
bool pkt_ip4_csum_ok(const void *l3, size_t len);
/* UDP over IPv4: true if the checksum is non-zero and valid. A zero
 * checksum ("none", RFC 768) returns false: test for it explicitly. */
bool pkt_udp4_csum_ok(const void *l3, size_t len);
/* UDP over IPv6 (no extension headers): true if valid; zero is never valid
 * (RFC 8200 section 8.1). */
bool pkt_udp6_csum_ok(const void *l3, size_t len);
/* ICMPv6 (no extension headers): true if valid. */
bool pkt_icmp6_csum_ok(const void *l3, size_t len);

#endif /* OVL_TEST_PKT_H */
