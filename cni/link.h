/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * link.h - the container's interface seen through netlink (libnl): its
 * addresses and routes set inside the container's namespace, the live
 * state CHECK compares, and the host ends GC looks for. Every excursion
 * into a namespace goes through ovl_netns_run(), which always comes back.
 */
#ifndef OVL_CNI_LINK_H
#define OVL_CNI_LINK_H

#include "cni.h"

/* Give ifname (in ns_fd) the addresses of r that belong to interface
 * iface, and r's routes. IPv6 addresses skip DAD: the addresses come from
 * IPAM, and ovl, not the other containers, answers neighbour solicitations
 * on the overlay. Code 103 on failure (what was added stays: the caller
 * deletes the interface). */
int ovl_cni_link_configure(int ns_fd, const char *ifname, const struct ovl_cni_result *r, int iface,
			   struct ovl_cni_err *e);

#define OVL_CNI_LIVE_MAX 64

struct ovl_cni_live_addr {
	struct ovl_ip ip;
	unsigned int plen;
};

struct ovl_cni_live_route {
	struct ovl_ip dst;
	unsigned int plen;
	bool has_gw;
	struct ovl_ip gw;
	unsigned int table;
	int oif;
};

/* What an interface in a namespace looks like now. */
struct ovl_cni_live {
	bool exists;
	int ifindex;
	__u8 mac[6];
	unsigned int mtu;
	bool up;
	struct ovl_cni_live_addr addrs[OVL_CNI_LIVE_MAX];
	int n_addrs;
	struct ovl_cni_live_route routes[OVL_CNI_LIVE_MAX]; /* every table's */
	int n_routes;
};

/* Read ifname in ns_fd (-1: the caller's netns). Code 103 when netlink
 * fails; a missing interface is live->exists == false, not an error. */
int ovl_cni_link_inspect(int ns_fd, const char *ifname, struct ovl_cni_live *live,
			 struct ovl_cni_err *e);

/* ifalias of a host interface into buf ("" when unset). Return: 0, -ENODEV
 * when the interface does not exist, or another -errno. */
int ovl_cni_link_alias(const char *name, char *buf, size_t len);

/**
 * ovl_cni_host_v1_find() - the host end of the attachment (instance and
 * network of nc, container_id, ifname) under the name earlier plugins gave
 * (ovl_cni_host_ifname_v1()), when it is there and its ifalias names
 * exactly that attachment (that name is shared by every network).
 * Return: true and its name in out, or false.
 */
bool ovl_cni_host_v1_find(const struct ovl_netconf *nc, const char *container_id,
			  const char *ifname, char out[OVL_CNI_IFNAME_MAX]);

/* Call fn for every interface of the caller's netns whose ifalias starts
 * with OVL_CNI_ALIAS_PREFIX. Return: 0 or -errno. */
int ovl_cni_host_links(int (*fn)(const char *name, const char *alias, void *arg), void *arg);

#endif /* OVL_CNI_LINK_H */
