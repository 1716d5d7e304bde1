/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * veth.h - the veth pairs that connect an endpoint to its overlay, made
 * with libnl (ovld for VNICs, the CNI plugin for containers).
 */
#ifndef OVL_VETH_H
#define OVL_VETH_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct ovl_veth_req {
	const char *name;	/* the endpoint's interface (VNIC name, CNI_IFNAME) */
	const __u8 *mac;	/* its MAC, or NULL for a random one */
	unsigned int mtu;	/* 0: kernel default */
	const char *host_name;	/* the host-side end, in the caller's netns */
	const char *host_alias; /* ifalias of the host end (who owns it), or NULL */
	int netns_fd;		/* where `name` goes; -1: the caller's netns */
	bool marked_only;	/* the host end shows up here marked, or not at all */
};

/**
 * ovl_veth_create() - create the pair, `name` directly in netns_fd, both
 * ends up, GRO on `name` (XDP_REDIRECT into a veth needs NAPI on the
 * receiving end) and the host end silent (no IPv6 link-local).
 *
 * The kernel ignores IFLA_IFALIAS when it creates a link, so the mark goes
 * on right after; a process killed in between leaves an unmarked host end.
 * With marked_only, the host end is created in a scratch namespace of its
 * own (ovl_netns_scratch()), marked there and only then moved here: killed
 * before the move, the scratch namespace and the pair go with the process.
 * @host_ifindex: set to the host end's ifindex.
 * Return: 0 or -errno; nothing is left behind on failure.
 */
int ovl_veth_create(const struct ovl_veth_req *req, int *host_ifindex);

/* A libnl error (-NLE_*) as -errno, for the callers' messages. */
int ovl_nl_errno(int nlerr);

/* Delete a link (and its veth peer) by name in the caller's netns; -ENODEV
 * when it does not exist. */
int ovl_link_delete(const char *name);

/* ifindex of name in the caller's netns, or -ENODEV. */
int ovl_link_ifindex(const char *name);

/* MTU of name in the caller's netns, or -errno. */
int ovl_link_mtu(const char *name);

/* MAC of name in the caller's netns: 0 or -errno. */
int ovl_link_mac(const char *name, __u8 mac[6]);

/* The driver of name (ethtool's "driver", e.g. "veth") into buf. */
int ovl_link_driver(const char *name, char *buf, size_t len);

/* Set TCP segmentation offload on or off on name in the caller's netns. */
int ovl_link_set_tso(const char *name, bool on);

/* What ovld checks before it serves an interface as an endpoint. */
struct ovl_link_info {
	int ifindex;
	char kind[16];	 /* rtnetlink's IFLA_INFO_KIND: "veth", "bridge"...; "" for none */
	char alias[256]; /* IFLA_IFALIAS, "" when unset */
	bool peer_netns; /* IFLA_LINK_NETNSID: a veth whose peer is in another netns */
};

/* Read name in the caller's netns: 0, -ENODEV, or another -errno. */
int ovl_link_info(const char *name, struct ovl_link_info *li);

/* Call fn for every interface of the caller's netns; a non-zero return of
 * fn stops the walk and is returned. Return: 0 or -errno. */
int ovl_link_foreach(int (*fn)(const char *name, const struct ovl_link_info *li, void *arg),
		     void *arg);

/* Set the ifalias of name in the caller's netns. Return: 0 or -errno. */
int ovl_link_set_alias(const char *name, const char *alias);

#endif /* OVL_VETH_H */
