/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ipam_range.h - the address ranges of ovl-ipam(8), in host-local's shape:
 * "ranges" is a list of range sets, each a list of ranges {subnet,
 * rangeStart, rangeEnd, gateway}; an attachment gets one address of each
 * set. Shared by the plugin (which checks the configuration and writes the
 * result) and ovld (which picks the candidates).
 *
 * As host-local: rangeStart defaults to the subnet's first address + 1,
 * rangeEnd to its last (IPv4: the broadcast address - 1), the gateway to
 * the subnet's first address + 1; the gateway, an IPv4 subnet's network
 * and broadcast addresses are never handed out. The ranges of all the sets
 * must not overlap; the ranges of one set have one family.
 */
#ifndef OVL_IPAM_RANGE_H
#define OVL_IPAM_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <linux/types.h>
#include "addr.h"

#define OVL_IPAM_SETS	4 /* range sets of a configuration: addresses per attachment */
#define OVL_IPAM_RANGES 8 /* ranges of one set */

struct ovl_ipam_range {
	struct ovl_ip net; /* the subnet, host bits zero */
	unsigned int plen;
	struct ovl_ip start, end; /* inclusive */
	struct ovl_ip gw;	  /* always set (the default when not given) */
};

struct ovl_ipam_set {
	struct ovl_ipam_range r[OVL_IPAM_RANGES];
	int n;
};

/**
 * ovl_ipam_ranges_parse() - "ranges" (the ipam section's) into sets.
 * @what: how messages name it ("ipam.ranges").
 * Return: the number of sets (1 or more), or -EINVAL with err naming the
 * field ("ipam.ranges[0][1].rangeStart: ...").
 */
int ovl_ipam_ranges_parse(json_t *ranges, const char *what, struct ovl_ipam_set *sets, int max,
			  char *err, size_t errlen);

/* How many addresses a set hands out (its ranges' sizes added, saturated
 * at UINT64_MAX; the gateway counted). */
__u64 ovl_ipam_set_size(const struct ovl_ipam_set *s);
/* The i-th address of the set (0 <= i < size), its ranges one after the
 * other; *range: which range it is in (may be NULL). */
void ovl_ipam_set_nth(const struct ovl_ipam_set *s, __u64 i, struct ovl_ip *ip, int *range);
/* The range of the set that hands ip out, or -1 (gateways and IPv4
 * network/broadcast addresses included in none). */
int ovl_ipam_set_find(const struct ovl_ipam_set *s, const struct ovl_ip *ip);
/* May ip of range r be handed out (not its gateway, nor an IPv4 subnet's
 * network or broadcast address)? */
bool ovl_ipam_range_usable(const struct ovl_ipam_range *r, const struct ovl_ip *ip);

#endif /* OVL_IPAM_RANGE_H */
