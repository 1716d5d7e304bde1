/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * addr.h - parsing and canonical printing of MACs, IP addresses, VNIs and
 * ports, in the forms ovl_abi.h stores them.
 */
#ifndef OVL_ADDR_H
#define OVL_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define OVL_MAC_STRLEN 18 /* "de:ad:be:ef:00:01" and NUL */
#define OVL_IP_STRLEN  46 /* INET6_ADDRSTRLEN */

/* An IP address as the maps store it: IPv4 in the first four bytes. */
struct ovl_ip {
	__u8 family; /* OVL_AF_INET4 or OVL_AF_INET6; 0 when unset */
	__u8 addr[16];
};

/**
 * ovl_mac_parse() - parse "xx:xx:xx:xx:xx:xx" (1 or 2 hex digits a group,
 * case-insensitive, as dladm prints them).
 * Return: 0 or -EINVAL.
 */
int ovl_mac_parse(const char *s, __u8 mac[6]);
/* Lower-case, two digits a group, into buf of OVL_MAC_STRLEN. Returns buf. */
char *ovl_mac_format(const __u8 mac[6], char *buf);
bool ovl_mac_is_zero(const __u8 mac[6]);
bool ovl_mac_is_multicast(const __u8 mac[6]);

/**
 * ovl_ip_parse() - parse a dotted-quad IPv4 or an RFC 5952 IPv6 address
 * (no zone, no prefix length).
 * Return: 0 or -EINVAL.
 */
int ovl_ip_parse(const char *s, struct ovl_ip *ip);
/* Canonical text into buf of OVL_IP_STRLEN. Returns buf. */
char *ovl_ip_format(const struct ovl_ip *ip, char *buf);
/* Same, from a (family, 16-byte addr) pair as the maps hold it. */
char *ovl_ip_format_raw(__u8 family, const __u8 addr[16], char *buf);
bool ovl_ip_eq(const struct ovl_ip *a, const struct ovl_ip *b);
/* Is ip inside net/plen (same family, the first plen bits equal)? */
bool ovl_ip_in_prefix(const struct ovl_ip *ip, const struct ovl_ip *net, unsigned int plen);

/*
 * Classifiers. Each says what the address is, not what a caller allows:
 * a caller that refuses "multicast or broadcast" calls both.
 */
/* 0.0.0.0 or :: (all sixteen bytes zero, whatever the family). */
bool ovl_ip_is_unspecified(const struct ovl_ip *ip);
/* 224.0.0.0/4 or ff00::/8. */
bool ovl_ip_is_multicast(const struct ovl_ip *ip);
/* 255.255.255.255, the limited broadcast (RFC 919); never IPv6. */
bool ovl_ip_is_broadcast(const struct ovl_ip *ip);
/* 127.0.0.0/8 or ::1. */
bool ovl_ip_is_loopback(const struct ovl_ip *ip);
/* ::ffff:0:0/96, an IPv4-mapped IPv6 address (RFC 4291 section 2.5.5.2). */
bool ovl_ip_is_v4mapped(const struct ovl_ip *ip);

/*
 * Why ip cannot be an address an endpoint owns (`vnic create --ip`,
 * endpoint.add): "the unspecified address", "a multicast address", "the
 * broadcast address" or "a loopback address"; NULL when it can.
 */
const char *ovl_ip_not_owned_why(const struct ovl_ip *ip);

/* A growing array of addresses; zero it to start, free(v) when done. */
struct ovl_ip_vec {
	struct ovl_ip *v;
	size_t n, cap;
};

/**
 * ovl_ip_vec_add() - append the address (family, addr) as a map key holds
 * it: the bytes of its family, the rest zero, so that equal addresses
 * compare equal with memcmp. Return: 0 or -ENOMEM.
 */
int ovl_ip_vec_add(struct ovl_ip_vec *vec, __u8 family, const __u8 *addr);

/*
 * Modified EUI-64 (RFC 4291 appendix A, the kernel's default): the
 * link-local address fe80::XXXX:XXff:feXX:XXXX of a MAC, and back.
 */
void ovl_ip_eui64_ll(const __u8 mac[6], struct ovl_ip *ip);
/* The unicast MAC an EUI-64 link-local address was made from. Return: 0,
 * or -ENOENT when ip is no such address. */
int ovl_ip_eui64_mac(const struct ovl_ip *ip, __u8 mac[6]);

/**
 * ovl_vni_parse() - parse a VNI, 0 to 16777215 (24 bits, RFC 7348).
 * Return: 0, -EINVAL (not a number) or -ERANGE.
 */
int ovl_vni_parse(const char *s, __u32 *vni);
/**
 * ovl_port_parse() - parse a UDP port, 1 to 65535.
 * Return: 0, -EINVAL or -ERANGE.
 */
int ovl_port_parse(const char *s, __u16 *port);
/**
 * ovl_u64_parse() - parse a decimal number within [min, max].
 * Return: 0, -EINVAL or -ERANGE.
 */
int ovl_u64_parse(const char *s, unsigned long long min, unsigned long long max,
		  unsigned long long *out);

#endif /* OVL_ADDR_H */
