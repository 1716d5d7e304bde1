// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * mark.c - see mark.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "mark.h"

int ovl_cni_alias_format(const char *instance, const char *network, const char *container_id,
			 const char *ifname, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s%s:%s:%s:%s", OVL_CNI_ALIAS_PREFIX, instance, network,
			 container_id, ifname);

	return n < 0 || (size_t)n >= len || n >= OVL_ALIAS_MAX ? -ENAMETOOLONG : 0;
}

/* Next ':'-separated field of *p into buf; the last takes the rest. An
 * empty field is an error unless may_be_empty. */
static int field(const char **p, char *buf, size_t len, bool last, bool may_be_empty)
{
	const char *end = last ? *p + strlen(*p) : strchr(*p, ':');
	size_t n;

	if (!end)
		return -EINVAL;
	n = (size_t)(end - *p);
	if ((!n && !may_be_empty) || n >= len)
		return -EINVAL;
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p = last ? end : end + 1;
	return 0;
}

int ovl_cni_alias_parse(const char *alias, char *instance, size_t ilen, char *network, size_t nlen,
			char *container_id, size_t clen, char *ifname, size_t flen)
{
	size_t plen = strlen(OVL_CNI_ALIAS_PREFIX);
	const char *p = alias;

	if (!alias || strncmp(alias, OVL_CNI_ALIAS_PREFIX, plen))
		return -EINVAL;
	p += plen;
	/* None of the four may contain ':' (instance, network and container
	 * names by their character sets, interface names by the spec). */
	if (field(&p, instance, ilen, false, false) || field(&p, network, nlen, false, false) ||
	    field(&p, container_id, clen, false, false) || field(&p, ifname, flen, true, false))
		return -EINVAL;
	return 0;
}

int ovl_vnic_alias_format(const char *instance, const char *name, const char *netns, char *buf,
			  size_t len)
{
	size_t cap = len < OVL_ALIAS_MAX ? len : OVL_ALIAS_MAX;
	int n = snprintf(buf, cap, "%s%s:%s:", OVL_VNIC_ALIAS_PREFIX, instance, name);

	if (n < 0 || (size_t)n >= cap)
		return -ENAMETOOLONG;
	snprintf(buf + n, cap - (size_t)n, "%s", netns ? netns : "");
	return 0;
}

int ovl_vnic_alias_parse(const char *alias, char *instance, size_t ilen, char *name, size_t nlen,
			 char *netns, size_t slen)
{
	size_t plen = strlen(OVL_VNIC_ALIAS_PREFIX);
	const char *p = alias;

	if (!alias || strncmp(alias, OVL_VNIC_ALIAS_PREFIX, plen))
		return -EINVAL;
	p += plen;
	if (field(&p, instance, ilen, false, false) || field(&p, name, nlen, false, false) ||
	    field(&p, netns, slen, true, true))
		return -EINVAL;
	return 0;
}
