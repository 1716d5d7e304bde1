// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * model.c - the daemon's objects (ovld.h) and how they are found: overlays
 * by name and VNI, endpoints by id, MAC and interface. Lookups only; what
 * changes them is in overlay.c, endpoint.c and vnic.c.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include "ovld.h"

/* The running daemon; one per process. */
struct ovld *ovld;

bool ovl_ip_is_local(struct ovld *d, const struct ovl_ip *ip)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if ((d->local4.family && ovl_ip_eq(ip, &d->local4)) ||
	    (d->local6.family && ovl_ip_eq(ip, &d->local6)))
		return true;
	if (getifaddrs(&ifa))
		return false;
	for (i = ifa; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET && ip->family == OVL_AF_INET4)
			found = !memcmp(&((struct sockaddr_in *)i->ifa_addr)->sin_addr, ip->addr,
					4);
		else if (i->ifa_addr->sa_family == AF_INET6 && ip->family == OVL_AF_INET6)
			found = !memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, ip->addr,
					16);
	}
	freeifaddrs(ifa);
	return found;
}

struct ovl_overlay *overlay_find(struct ovld *d, const char *name)
{
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		if (!strcmp(ov->name, name))
			return ov;
	return NULL;
}

struct ovl_overlay *overlay_by_vni(struct ovld *d, __u32 vni)
{
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		if (ov->vni == vni)
			return ov;
	return NULL;
}

/* The namespace (VNIC) or network (CNI) that, with the id, names ep. */
const char *ep_scope(const struct ovl_ep *ep)
{
	return ep->kind == OVL_EP_VNIC ? ep->netns : ep->network;
}

struct ovl_ep *ep_find(struct ovld *d, enum ovl_ep_kind kind, const char *scope, const char *id)
{
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		if (ep->kind == kind && !strcmp(ep->id, id) && !strcmp(ep_scope(ep), scope ?: ""))
			return ep;
	return NULL;
}

const char *ep_label(const struct ovl_ep *ep, char *buf, size_t len)
{
	if (ep->kind == OVL_EP_ROUTER)
		snprintf(buf, len, "the router of overlay %s", ep->overlay);
	else if (ep->kind == OVL_EP_VNIC)
		snprintf(buf, len, "VNIC %s%s%s", ep->id, ep->netns[0] ? " in namespace " : "",
			 ep->netns);
	else
		snprintf(buf, len, "endpoint %s%s%s", ep->id, ep->network[0] ? " of network " : "",
			 ep->network);
	return buf;
}

struct ovl_ep *ep_by_ifindex(struct ovld *d, int ifindex)
{
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		if (ep->host_ifindex == ifindex)
			return ep;
	return NULL;
}

struct ovl_ep *ep_by_mac(struct ovld *d, __u32 vni, const __u8 mac[6])
{
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		if (ep->vni == vni && !memcmp(ep->mac, mac, 6))
			return ep;
	return NULL;
}

void map_mac_key(struct ovl_mac_key *k, __u32 vni, const __u8 mac[6])
{
	memset(k, 0, sizeof(*k));
	k->vni = vni;
	memcpy(k->mac, mac, 6);
}

void map_addr_key(struct ovl_addr_key *k, __u32 vni, const struct ovl_ip *ip)
{
	memset(k, 0, sizeof(*k));
	k->vni = vni;
	k->family = ip->family;
	memcpy(k->addr, ip->addr, ip->family == OVL_AF_INET4 ? 4 : 16);
}

void map_peer_value(struct ovl_peer *p, __u32 vstat_slot)
{
	memset(p, 0, sizeof(*p));
	p->flags = OVL_PEER_F_STATIC | OVL_PEER_F_VNI;
	p->vstat_slot = vstat_slot;
}

void ovl_dest_from_ip(struct ovl_dest *d, const struct ovl_ip *ip, __u16 port, __u32 flags)
{
	memset(d, 0, sizeof(*d));
	d->family = ip->family;
	memcpy(d->addr, ip->addr, ip->family == OVL_AF_INET4 ? 4 : 16);
	d->port = htons(port);
	d->flags = flags;
}

const char *map_strerror(int err)
{
	/* What the kernel says when a hash map has no free element left
	 * (htab_map_update_elem()); strerror()'s "Argument list too long"
	 * would only mislead. */
	return err == -E2BIG ? "the map is full" : strerror(-err);
}

/*
 * The addresses link protection finds in the iface entry without a lookup
 * (ovl_abi.h): the endpoint's first IPv4 address, and its first IPv6 one
 * that is not link-local (fe80::/10), or its link-local one if it has no
 * other. ovl_neigh maps all of them to the endpoint (ep_apply_backend()),
 * and an endpoint's addresses never shrink while it lives.
 */
static void ep_own_addrs(const struct ovl_ep *ep, struct ovl_iface *ifc)
{
	const struct ovl_ip *ll = NULL;
	bool have6 = false;

	for (int i = 0; i < ep->naddrs; i++) {
		const struct ovl_ip *a = &ep->addrs[i];

		if (a->family == OVL_AF_INET4 && !ifc->ip4) {
			memcpy(&ifc->ip4, a->addr, 4);
		} else if (a->family == OVL_AF_INET6 && !have6) {
			if (a->addr[0] == 0xfe && (a->addr[1] & 0xc0) == 0x80) {
				ll = ll ? ll : a;
				continue;
			}
			memcpy(ifc->ip6, a->addr, 16);
			have6 = true;
		}
	}
	if (!have6 && ll)
		memcpy(ifc->ip6, ll->addr, 16);
}

void ep_map_values(const struct ovl_ep *ep, struct ovl_iface *ifc, struct ovl_endpoint *e)
{
	memset(ifc, 0, sizeof(*ifc));
	memset(e, 0, sizeof(*e));
	e->ifindex = (__u32)ep->host_ifindex;
	ifc->vni = ep->vni;
	ifc->flags = ep->ip_nospoof ? OVL_IF_F_IP_NOSPOOF : 0;
	memcpy(ifc->mac, ep->mac, 6);
	if (ep->dhcp_proxy) {
		ifc->flags |= OVL_IF_F_DHCP_PROXY;
		memcpy(ifc->dhcp_mac, ep->dhcp_mac, 6);
	}
	if (ep->dhcp_server)
		ifc->flags |= OVL_IF_F_DHCP_SERVER;
	if (ep->peer_netns)
		e->flags |= OVL_EP_F_PEER_NETNS;
	if (ep->kind == OVL_EP_ROUTER)
		ifc->flags |= OVL_IF_F_ROUTER | OVL_IF_F_DHCP_SERVER;
	if (ep->bw_in.rate) /* through the qdisc on its host veth */
		e->flags |= OVL_EP_F_SHAPED;
	ep_own_addrs(ep, ifc);
}
