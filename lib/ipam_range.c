// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ipam_range.c - see ipam_range.h. Addresses are done as 128-bit numbers
 * (an IPv4 address in the low 32 bits).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "ovl_abi.h"
#include "json.h"
#include "ipam_range.h"

typedef unsigned __int128 u128;

static unsigned int bits_of(__u8 family)
{
	return family == OVL_AF_INET4 ? 32 : 128;
}

static u128 ip_num(const struct ovl_ip *ip)
{
	unsigned int n = bits_of(ip->family) / 8;
	u128 v = 0;

	for (unsigned int i = 0; i < n; i++)
		v = (v << 8) | ip->addr[i];
	return v;
}

static void num_ip(__u8 family, u128 v, struct ovl_ip *ip)
{
	unsigned int n = bits_of(family) / 8;

	memset(ip, 0, sizeof(*ip));
	ip->family = family;
	for (unsigned int i = n; i-- > 0;) {
		ip->addr[i] = (__u8)(v & 0xff);
		v >>= 8;
	}
}

/* The last address of the subnet. */
static u128 last_of(const struct ovl_ipam_range *r)
{
	unsigned int host = bits_of(r->net.family) - r->plen;
	u128 mask = host >= 128 ? ~(u128)0 : (((u128)1 << host) - 1);

	return ip_num(&r->net) | mask;
}

bool ovl_ipam_range_usable(const struct ovl_ipam_range *r, const struct ovl_ip *ip)
{
	u128 v = ip_num(ip);

	if (ip->family != r->net.family || v < ip_num(&r->start) || v > ip_num(&r->end))
		return false;
	if (ovl_ip_eq(ip, &r->gw))
		return false;
	/* RFC 3021 aside, an IPv4 subnet's first and last are no host's */
	if (r->net.family == OVL_AF_INET4 && r->plen < 31 &&
	    (v == ip_num(&r->net) || v == last_of(r)))
		return false;
	return true;
}

#define RERR(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -EINVAL;                                                                    \
	} while (0)

/* An address member of a range: a string, an address of the subnet. */
static int range_addr(json_t *o, const char *key, const char *where, const struct ovl_ipam_range *r,
		      struct ovl_ip *ip, bool *given, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);

	*given = false;
	if (!v)
		return 0;
	if (!json_is_string(v))
		RERR("%s.%s must be a string, not %s", where, key, ovl_json_type_name(v));
	if (ovl_ip_parse(json_string_value(v), ip))
		RERR("%s.%s: \"%s\" is not an IP address", where, key, json_string_value(v));
	if (!ovl_ip_in_prefix(ip, &r->net, r->plen))
		RERR("%s.%s: %s is not in the subnet", where, key, json_string_value(v));
	*given = true;
	return 0;
}

static int range_parse(json_t *o, const char *where, struct ovl_ipam_range *r, char *err,
		       size_t errlen)
{
	const char *unknown = ovl_json_unknown_key(o, "subnet, rangeStart, rangeEnd, gateway");
	json_t *sn = json_object_get(o, "subnet");
	char buf[OVL_IP_STRLEN + 8], *slash, *end;
	unsigned long plen;
	bool given;
	u128 first, last;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(o))
		RERR("%s must be an object {subnet, rangeStart, rangeEnd, gateway}", where);
	if (unknown)
		RERR("%s: unknown key \"%s\" (a range has subnet, rangeStart, rangeEnd, gateway)",
		     where, unknown);
	if (!sn)
		RERR("%s.subnet is missing", where);
	if (!json_is_string(sn) || strlen(json_string_value(sn)) >= sizeof(buf))
		RERR("%s.subnet must be a string ADDRESS/PREFIXLEN", where);
	snprintf(buf, sizeof(buf), "%s", json_string_value(sn));
	slash = strchr(buf, '/');
	if (!slash)
		RERR("%s.subnet: \"%s\" has no prefix length", where, json_string_value(sn));
	*slash = '\0';
	plen = strtoul(slash + 1, &end, 10);
	if (ovl_ip_parse(buf, &r->net) || !slash[1] || *end || plen > bits_of(r->net.family))
		RERR("%s.subnet: \"%s\" is not ADDRESS/PREFIXLEN", where, json_string_value(sn));
	r->plen = (unsigned int)plen;
	if (bits_of(r->net.family) - r->plen < 2 && r->net.family == OVL_AF_INET4)
		RERR("%s.subnet: %s is too small (a /%u leaves no address to hand out)", where,
		     json_string_value(sn), r->plen);
	if (r->plen == bits_of(r->net.family))
		RERR("%s.subnet: %s is a single address", where, json_string_value(sn));
	/* host bits zero */
	{
		unsigned int host = bits_of(r->net.family) - r->plen;
		u128 mask = host >= 128 ? ~(u128)0 : (((u128)1 << host) - 1);

		num_ip(r->net.family, ip_num(&r->net) & ~mask, &r->net);
	}
	first = ip_num(&r->net);
	last = last_of(r);
	num_ip(r->net.family, first + 1, &r->start);
	num_ip(r->net.family, r->net.family == OVL_AF_INET4 ? last - 1 : last, &r->end);
	num_ip(r->net.family, first + 1, &r->gw);
	if (range_addr(o, "rangeStart", where, r, &r->start, &given, err, errlen) ||
	    range_addr(o, "rangeEnd", where, r, &r->end, &given, err, errlen) ||
	    range_addr(o, "gateway", where, r, &r->gw, &given, err, errlen))
		return -EINVAL;
	if (ip_num(&r->start) > ip_num(&r->end))
		RERR("%s: rangeStart is after rangeEnd", where);
	{
		bool any = false;
		u128 s = ip_num(&r->start), e = ip_num(&r->end);

		/* at most 4 unusable addresses: look at 5 */
		for (u128 v = s; v <= e && v - s < 5 && !any; v++) {
			struct ovl_ip ip;

			num_ip(r->net.family, v, &ip);
			any = ovl_ipam_range_usable(r, &ip);
		}
		if (!any)
			RERR("%s: no address to hand out between rangeStart and rangeEnd "
			     "(the gateway and an IPv4 subnet's network and broadcast addresses "
			     "are never handed out)",
			     where);
	}
	return 0;
}

static bool ranges_overlap(const struct ovl_ipam_range *a, const struct ovl_ipam_range *b)
{
	return a->net.family == b->net.family && ip_num(&a->start) <= ip_num(&b->end) &&
	       ip_num(&b->start) <= ip_num(&a->end);
}

int ovl_ipam_ranges_parse(json_t *ranges, const char *what, struct ovl_ipam_set *sets, int max,
			  char *err, size_t errlen)
{
	json_t *set, *r;
	size_t i, j;
	char where[96];

	if (!ranges)
		RERR("%s is missing (e.g. [[{\"subnet\": \"10.23.0.0/16\"}]])", what);
	if (!json_is_array(ranges) || !json_array_size(ranges))
		RERR("%s must be a non-empty array of range sets (arrays of ranges)", what);
	if (json_array_size(ranges) > (size_t)max)
		RERR("%s: %zu range sets; at most %d (one address of each)", what,
		     json_array_size(ranges), max);
	json_array_foreach(ranges, i, set) {
		struct ovl_ipam_set *s = &sets[i];

		memset(s, 0, sizeof(*s));
		if (!json_is_array(set) || !json_array_size(set))
			RERR("%s[%zu] must be a non-empty array of ranges", what, i);
		if (json_array_size(set) > OVL_IPAM_RANGES)
			RERR("%s[%zu]: %zu ranges; at most %d", what, i, json_array_size(set),
			     OVL_IPAM_RANGES);
		json_array_foreach(set, j, r) {
			snprintf(where, sizeof(where), "%s[%zu][%zu]", what, i, j);
			if (range_parse(r, where, &s->r[j], err, errlen))
				return -EINVAL;
			if (j && s->r[j].net.family != s->r[0].net.family)
				RERR("%s: a range set has one address family; %s[%zu][0] is of "
				     "the other",
				     where, what, i);
			s->n++;
		}
	}
	/* no address in two ranges */
	for (size_t a = 0; a < i * OVL_IPAM_RANGES; a++) {
		const struct ovl_ipam_set *sa = &sets[a / OVL_IPAM_RANGES];

		if ((int)(a % OVL_IPAM_RANGES) >= sa->n)
			continue;
		for (size_t b = a + 1; b < i * OVL_IPAM_RANGES; b++) {
			const struct ovl_ipam_set *sb = &sets[b / OVL_IPAM_RANGES];

			if ((int)(b % OVL_IPAM_RANGES) >= sb->n)
				continue;
			if (ranges_overlap(&sa->r[a % OVL_IPAM_RANGES],
					   &sb->r[b % OVL_IPAM_RANGES]))
				RERR("%s[%zu][%zu] and %s[%zu][%zu] overlap", what,
				     a / OVL_IPAM_RANGES, a % OVL_IPAM_RANGES, what,
				     b / OVL_IPAM_RANGES, b % OVL_IPAM_RANGES);
		}
	}
	return (int)i;
}

static __u64 range_size(const struct ovl_ipam_range *r)
{
	u128 n = ip_num(&r->end) - ip_num(&r->start);

	return n >= UINT64_MAX ? UINT64_MAX : (__u64)n + 1;
}

__u64 ovl_ipam_set_size(const struct ovl_ipam_set *s)
{
	__u64 n = 0;

	for (int i = 0; i < s->n; i++) {
		__u64 k = range_size(&s->r[i]);

		n = UINT64_MAX - n < k ? UINT64_MAX : n + k;
	}
	return n;
}

void ovl_ipam_set_nth(const struct ovl_ipam_set *s, __u64 i, struct ovl_ip *ip, int *range)
{
	for (int k = 0; k < s->n; k++) {
		__u64 n = range_size(&s->r[k]);

		if (i < n || k == s->n - 1) {
			num_ip(s->r[k].net.family, ip_num(&s->r[k].start) + i, ip);
			if (range)
				*range = k;
			return;
		}
		i -= n;
	}
}

int ovl_ipam_set_find(const struct ovl_ipam_set *s, const struct ovl_ip *ip)
{
	for (int k = 0; k < s->n; k++)
		if (ovl_ipam_range_usable(&s->r[k], ip))
			return k;
	return -1;
}
