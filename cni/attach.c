// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * attach.c - the names ovl derives from an attachment (network, container
 * ID, ifname): the host veth's name, the default MAC, and which MAC an ADD
 * gives the interface. They are stable: DEL and CHECK find what ADD made
 * by deriving them again.
 */
#include <stdio.h>
#include <string.h>
#include "cni.h"

/* FNV-1a, 64 bits, over the parts joined by '/'. */
static __u64 fnv1a_joined(const char *const *parts, size_t n)
{
	__u64 h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++) {
		if (i)
			h = (h ^ '/') * 1099511628211ull;
		for (const char *p = parts[i]; *p; p++)
			h = (h ^ (__u8)*p) * 1099511628211ull;
	}
	return h;
}

/* "<container id>/<ifname>": the attachment within its network. */
static __u64 attachment_hash(const char *container_id, const char *ifname)
{
	const char *const parts[] = { container_id, ifname };

	return fnv1a_joined(parts, 2);
}

/* "ovc" and 32 bits of h. */
static void host_name(__u64 h, char out[OVL_CNI_IFNAME_MAX])
{
	snprintf(out, OVL_CNI_IFNAME_MAX, "%s%08x", OVL_CNI_HOST_PREFIX, (__u32)(h ^ (h >> 32)));
}

void ovl_cni_host_ifname(const char *instance, const char *network, const char *container_id,
			 const char *ifname, char out[OVL_CNI_IFNAME_MAX])
{
	const char *const parts[] = { instance, network, container_id, ifname };

	host_name(fnv1a_joined(parts, 4), out);
}

void ovl_cni_host_ifname_v1(const char *container_id, const char *ifname,
			    char out[OVL_CNI_IFNAME_MAX])
{
	host_name(attachment_hash(container_id, ifname), out);
}

void ovl_cni_default_mac(const char *container_id, const char *ifname, __u8 mac[6])
{
	__u64 h = attachment_hash(container_id, ifname);

	mac[0] = 0x02; /* locally administered, unicast */
	for (int i = 1; i < 6; i++)
		mac[i] = (__u8)(h >> (8 * (i - 1)));
}

const char *ovl_cni_choose_mac(const struct ovl_netconf *nc, const struct ovl_cni_args *args,
			       const char *container_id, const char *ifname, __u8 mac[6])
{
	/* runtimeConfig and args.cni are per container, CNI_ARGS too; the
	 * configuration's own "mac" is per network. */
	if (nc->has_mac && strcmp(nc->mac_from, "mac")) {
		memcpy(mac, nc->mac, 6);
		return nc->mac_from;
	}
	if (args && args->has_mac) {
		memcpy(mac, args->mac, 6);
		return "CNI_ARGS MAC";
	}
	if (nc->has_mac) {
		memcpy(mac, nc->mac, 6);
		return nc->mac_from;
	}
	ovl_cni_default_mac(container_id, ifname, mac);
	return "derived from the container ID and interface name";
}
