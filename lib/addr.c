// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * addr.c - see addr.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ovl_abi.h"
#include "addr.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int ovl_mac_parse(const char *s, __u8 mac[6])
{
	const char *p = s;

	if (!s)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = hexval((unsigned char)p[0]), lo;

		if (hi < 0)
			return -EINVAL;
		lo = hexval((unsigned char)p[1]);
		if (lo >= 0) {
			mac[i] = (__u8)(hi << 4 | lo);
			p += 2;
		} else {
			mac[i] = (__u8)hi;
			p += 1;
		}
		if (i < 5) {
			if (*p != ':')
				return -EINVAL;
			p++;
		}
	}
	return *p ? -EINVAL : 0;
}

char *ovl_mac_format(const __u8 mac[6], char *buf)
{
	snprintf(buf, OVL_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return buf;
}

bool ovl_mac_is_zero(const __u8 mac[6])
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

bool ovl_mac_is_multicast(const __u8 mac[6])
{
	return mac[0] & 1;
}

int ovl_ip_parse(const char *s, struct ovl_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (!s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, ip->addr) == 1) {
		ip->family = OVL_AF_INET4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, ip->addr) == 1) {
		ip->family = OVL_AF_INET6;
		return 0;
	}
	memset(ip, 0, sizeof(*ip));
	return -EINVAL;
}

char *ovl_ip_format_raw(__u8 family, const __u8 addr[16], char *buf)
{
	if (family == OVL_AF_INET4)
		inet_ntop(AF_INET, addr, buf, OVL_IP_STRLEN);
	else if (family == OVL_AF_INET6)
		inet_ntop(AF_INET6, addr, buf, OVL_IP_STRLEN);
	else
		snprintf(buf, OVL_IP_STRLEN, "-");
	return buf;
}

char *ovl_ip_format(const struct ovl_ip *ip, char *buf)
{
	return ovl_ip_format_raw(ip->family, ip->addr, buf);
}

bool ovl_ip_eq(const struct ovl_ip *a, const struct ovl_ip *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

bool ovl_ip_is_unspecified(const struct ovl_ip *ip)
{
	static const __u8 zero[16];

	return memcmp(ip->addr, zero, sizeof(zero)) == 0;
}

bool ovl_ip_is_multicast(const struct ovl_ip *ip)
{
	if (ip->family == OVL_AF_INET4)
		return (ip->addr[0] & 0xf0) == 0xe0;
	return ip->family == OVL_AF_INET6 && ip->addr[0] == 0xff;
}

bool ovl_ip_is_broadcast(const struct ovl_ip *ip)
{
	return ip->family == OVL_AF_INET4 &&
	       (ip->addr[0] & ip->addr[1] & ip->addr[2] & ip->addr[3]) == 0xff;
}

bool ovl_ip_is_loopback(const struct ovl_ip *ip)
{
	static const __u8 lo6[16] = { [15] = 1 };

	if (ip->family == OVL_AF_INET4)
		return ip->addr[0] == 127;
	return ip->family == OVL_AF_INET6 && memcmp(ip->addr, lo6, sizeof(lo6)) == 0;
}

bool ovl_ip_in_prefix(const struct ovl_ip *ip, const struct ovl_ip *net, unsigned int plen)
{
	unsigned int max = net->family == OVL_AF_INET4 ? 32 : 128;

	if (ip->family != net->family || plen > max)
		return false;
	if (memcmp(ip->addr, net->addr, plen / 8))
		return false;
	return plen % 8 == 0 ||
	       !((ip->addr[plen / 8] ^ net->addr[plen / 8]) & (__u8)(0xff00 >> (plen % 8)));
}

const char *ovl_ip_not_owned_why(const struct ovl_ip *ip)
{
	if (ovl_ip_is_unspecified(ip))
		return "the unspecified address";
	if (ovl_ip_is_multicast(ip))
		return "a multicast address";
	if (ovl_ip_is_broadcast(ip))
		return "the broadcast address";
	if (ovl_ip_is_loopback(ip))
		return "a loopback address";
	return NULL;
}

bool ovl_ip_is_v4mapped(const struct ovl_ip *ip)
{
	static const __u8 pfx[12] = { [10] = 0xff, [11] = 0xff };

	return ip->family == OVL_AF_INET6 && memcmp(ip->addr, pfx, sizeof(pfx)) == 0;
}

int ovl_u64_parse(const char *s, unsigned long long min, unsigned long long max,
		  unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int ovl_vni_parse(const char *s, __u32 *vni)
{
	unsigned long long v;
	int err = ovl_u64_parse(s, 0, OVL_VNI_MAX, &v);

	if (!err)
		*vni = (__u32)v;
	return err;
}

int ovl_port_parse(const char *s, __u16 *port)
{
	unsigned long long v;
	int err = ovl_u64_parse(s, 1, 65535, &v);

	if (!err)
		*port = (__u16)v;
	return err;
}

int ovl_ip_vec_add(struct ovl_ip_vec *vec, __u8 family, const __u8 *addr)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 64;
		struct ovl_ip *v = realloc(vec->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		vec->v = v;
		vec->cap = cap;
	}
	memset(&vec->v[vec->n], 0, sizeof(vec->v[0]));
	vec->v[vec->n].family = family;
	memcpy(vec->v[vec->n].addr, addr, family == OVL_AF_INET4 ? 4 : 16);
	vec->n++;
	return 0;
}

void ovl_ip_eui64_ll(const __u8 mac[6], struct ovl_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = OVL_AF_INET6;
	ip->addr[0] = 0xfe;
	ip->addr[1] = 0x80;
	ip->addr[8] = mac[0] ^ 0x02;
	ip->addr[9] = mac[1];
	ip->addr[10] = mac[2];
	ip->addr[11] = 0xff;
	ip->addr[12] = 0xfe;
	ip->addr[13] = mac[3];
	ip->addr[14] = mac[4];
	ip->addr[15] = mac[5];
}

int ovl_ip_eui64_mac(const struct ovl_ip *ip, __u8 mac[6])
{
	static const __u8 ll[8] = { 0xfe, 0x80 };

	if (ip->family != OVL_AF_INET6 || memcmp(ip->addr, ll, 8) || ip->addr[11] != 0xff ||
	    ip->addr[12] != 0xfe || ((ip->addr[8] ^ 0x02) & 1))
		return -ENOENT;
	mac[0] = ip->addr[8] ^ 0x02;
	mac[1] = ip->addr[9];
	mac[2] = ip->addr[10];
	mac[3] = ip->addr[13];
	mac[4] = ip->addr[14];
	mac[5] = ip->addr[15];
	return 0;
}
