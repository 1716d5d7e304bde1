// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vnic.c - VNICs: `ovlctl vnic create` makes a veth pair (the far end in
 * the host or in a named network namespace, with the VNIC's name and MAC)
 * and registers its host side as an endpoint, with the addresses it owns
 * (--ip: link protection and proxy ARP/NDP, as a CNI endpoint's IPAM
 * addresses); delete undoes both.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include "ovld.h"
#include "backend.h"
#include "hash.h"
#include "netns.h"
#include "veth.h"
#include "mark.h"
#include "log.h"
#include "ident.h"

/*
 * Host-side veth name: "ovl" and a hash (FNV-1a 32) of instance, namespace
 * and VNIC name, "<instance>/<netns>/<name>"; a VNIC in the host's own
 * namespace hashes "<instance>/<name>", the name every VNIC had before
 * namespaces told VNICs apart (state.json keeps each VNIC's host name, so
 * older VNICs keep theirs either way).
 */
static void vnic_host_name(struct ovld *d, const char *name, const char *netns, char *out,
			   size_t len)
{
	__u32 h = 2166136261u;

	for (const char *p = d->o.instance; *p; p++)
		h = (h ^ (__u8)*p) * 16777619u;
	h = (h ^ '/') * 16777619u;
	if (netns && *netns) {
		for (const char *p = netns; *p; p++)
			h = (h ^ (__u8)*p) * 16777619u;
		h = (h ^ '/') * 16777619u;
	}
	for (const char *p = name; *p; p++)
		h = (h ^ (__u8)*p) * 16777619u;
	snprintf(out, len, "ovl%08x", h);
}

/* "namespace NS" or "the host's namespace", for messages. */
static const char *where(const char *netns, char *buf, size_t len)
{
	if (netns && *netns)
		snprintf(buf, len, "namespace %s", netns);
	else
		snprintf(buf, len, "the host's namespace");
	return buf;
}

/*
 * The addresses a VNIC is created with (`--ip`): each one an endpoint can
 * own, at most OVL_CTL_EP_ADDRS, none another endpoint's; a repeated one
 * counts once. Into ep (its naddrs 0). Checked before the veth is made.
 */
static int vnic_addrs(struct ovld *d, struct ovl_overlay *ov, struct ovl_ep *ep,
		      const struct ovl_ip *addrs, int n, char *err, size_t errlen)
{
	char a[OVL_IP_STRLEN];
	const char *why;
	bool dup;

	if (n > OVL_CTL_EP_ADDRS) {
		snprintf(err, errlen, "%d addresses: a VNIC owns at most %d", n, OVL_CTL_EP_ADDRS);
		return -E2BIG;
	}
	for (int i = 0; i < n; i++) {
		if (addrs[i].family != OVL_AF_INET4 && addrs[i].family != OVL_AF_INET6) {
			snprintf(err, errlen, "address %d is not an IPv4 or IPv6 address", i);
			return -EINVAL;
		}
		why = ovl_ip_not_owned_why(&addrs[i]);
		if (why) {
			snprintf(err, errlen, "address %s is %s: a VNIC cannot own it",
				 ovl_ip_format(&addrs[i], a), why);
			return -EINVAL;
		}
		dup = false;
		for (int j = 0; j < ep->naddrs; j++)
			dup |= ovl_ip_eq(&ep->addrs[j], &addrs[i]);
		if (!dup)
			ep->addrs[ep->naddrs++] = addrs[i];
	}
	return ep_addrs_in_use(d, ov, ep->mac, ep->addrs, ep->naddrs, err, errlen);
}

int vnic_create(struct ovld *d, const char *name, const char *overlay, const __u8 mac[6],
		const char *netns, const struct ovl_ip *addrs, int n, char *err, size_t errlen)
{
	return vnic_create_capped(d, name, overlay, mac, netns, addrs, n, 0, err, errlen);
}

int vnic_create_capped(struct ovld *d, const char *name, const char *overlay, const __u8 mac[6],
		       const char *netns, const struct ovl_ip *addrs, int n,
		       unsigned long long maxbw, char *err, size_t errlen)
{
	struct ovl_overlay *ov = overlay_find(d, overlay);
	struct ovl_veth_req req = { .name = name, .mac = mac, .netns_fd = -1 };
	char host[OVL_IFNAME_MAX], alias[OVL_ALIAS_MAX], w[300];
	struct ovl_link_info li;
	struct ovl_ep *ep;
	int ret, ifindex;

	if (!netns)
		netns = "";
	if (!ovl_name_valid(name, OVL_IFNAME_MAX - 1, 0)) {
		snprintf(err, errlen,
			 "bad interface name \"%s\": 1-15 characters of A-Z a-z 0-9 _ . -",
			 name ? name : "");
		return -EINVAL;
	}
	if (strlen(netns) >= sizeof(ep->netns)) {
		snprintf(err, errlen, "network namespace name longer than %zu",
			 sizeof(ep->netns) - 1);
		return -ENAMETOOLONG;
	}
	if (!ov) {
		snprintf(err, errlen, "no overlay %s", overlay);
		return -ENOENT;
	}
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		snprintf(err, errlen, "a VNIC needs a unicast MAC");
		return -EINVAL;
	}
	/* A VNIC is its namespace and name, as `ip -n NS link` knows it. */
	ep = ep_find(d, OVL_EP_VNIC, netns, name);
	if (ep) {
		snprintf(err, errlen, "VNIC %s exists in %s (overlay %s, host end %s)", name,
			 where(netns, w, sizeof(w)), ep->overlay, ep->host_ifname);
		return -EEXIST;
	}
	ret = ep_mac_in_use(d, ov, mac, err, errlen);
	if (ret)
		return ret;
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	memcpy(ep->mac, mac, 6);
	ret = vnic_addrs(d, ov, ep, addrs, n, err, errlen);
	if (ret)
		goto out;
	if (*netns) {
		req.netns_fd = ovl_netns_open_err(netns, err, errlen);
		if (req.netns_fd < 0) {
			ret = req.netns_fd;
			goto out;
		}
	} else if (ovl_link_ifindex(name) > 0) {
		snprintf(err, errlen, "interface %s exists in the host's namespace", name);
		ret = -EEXIST;
		goto out;
	}
	vnic_host_name(d, name, netns, host, sizeof(host));
	if (!ovl_link_info(host, &li)) {
		snprintf(err, errlen, "host interface %s exists already (%s)", host,
			 li.alias[0] ? li.alias : "no owner recorded in its ifalias");
		ret = -EEXIST;
		goto out;
	}
	/* The mark that makes the veth ours (mark.h). */
	ret = ovl_vnic_alias_format(d->o.instance, name, netns, alias, sizeof(alias));
	if (ret) {
		snprintf(err, errlen, "instance and VNIC name too long for an ifalias");
		goto out;
	}
	req.host_name = host;
	req.host_alias = alias;
	req.marked_only = true; /* a crash never leaves an unmarked one (veth.h) */
	req.mtu = endpoint_mtu(d, ov);

	ret = ovl_veth_create(&req, &ifindex);
	if (ret == -EEXIST) {
		snprintf(err, errlen, "interface %s exists in %s", name,
			 where(netns, w, sizeof(w)));
		goto out;
	}
	if (ret) {
		snprintf(err, errlen, "create veth %s/%s: %s", name, host, strerror(-ret));
		goto out;
	}
	snprintf(ep->id, sizeof(ep->id), "%s", name);
	ep->kind = OVL_EP_VNIC;
	snprintf(ep->overlay, sizeof(ep->overlay), "%s", ov->name);
	snprintf(ep->host_ifname, sizeof(ep->host_ifname), "%s", host);
	ep->host_ifindex = ifindex;
	snprintf(ep->ifname, sizeof(ep->ifname), "%s", name);
	snprintf(ep->netns, sizeof(ep->netns), "%s", netns);
	ep->peer_netns = *netns;
	ep->bw_in.rate = ep->bw_out.rate = maxbw; /* maxbw: both directions */
	ret = ep_register(d, ep, err, errlen);
	if (ret)
		ovl_link_delete(host);
out:
	if (ret)
		free(ep);
	if (req.netns_fd >= 0)
		close(req.netns_fd);
	return ret;
}

struct ovl_ep *vnic_lookup(struct ovld *d, const char *name, const char *netns, char *err,
			   size_t errlen)
{
	struct ovl_ep *ep, *found = NULL;
	char w[300];
	int n = 0;

	if (netns) {
		ep = ep_find(d, OVL_EP_VNIC, netns, name);
		if (!ep)
			snprintf(err, errlen, "no VNIC %s in %s", name, where(netns, w, sizeof(w)));
		return ep;
	}
	/* No namespace given: the host's VNIC of that name, as `ip link`
	 * would take it, else the one VNIC of that name wherever it is. */
	ep = ep_find(d, OVL_EP_VNIC, "", name);
	if (ep)
		return ep;
	for (ep = d->eps; ep; ep = ep->next)
		if (ep->kind == OVL_EP_VNIC && !strcmp(ep->id, name) && n++ == 0)
			found = ep;
	if (n == 1)
		return found;
	if (!n) {
		snprintf(err, errlen, "no VNIC %s", name);
		return NULL;
	}
	snprintf(err, errlen, "VNIC %s exists in %d namespaces (", name, n);
	for (ep = d->eps; ep; ep = ep->next)
		if (ep->kind == OVL_EP_VNIC && !strcmp(ep->id, name))
			snprintf(err + strlen(err), errlen - strlen(err), "%s%s",
				 ep == found ? "" : ", ", ep->netns);
	snprintf(err + strlen(err), errlen - strlen(err), "): say which with --netns");
	errno = EEXIST;
	return NULL;
}

int vnic_set_maxbw(struct ovld *d, const char *name, const char *netns, unsigned long long maxbw,
		   char *err, size_t errlen)
{
	struct ovl_shape bw = { .rate = maxbw };
	struct ovl_ep *ep;

	errno = ENOENT;
	ep = vnic_lookup(d, name, netns, err, errlen);
	if (!ep)
		return errno == EEXIST ? -EINVAL : -ENOENT;
	return ep_bw_set(d, ep, &bw, &bw, err, errlen);
}

int vnic_delete(struct ovld *d, const char *name, const char *netns, char *err, size_t errlen)
{
	struct ovl_ep *ep;
	int ret;

	errno = ENOENT;
	ep = vnic_lookup(d, name, netns, err, errlen);
	if (!ep)
		return errno == EEXIST ? -EINVAL : -ENOENT;
	ep_unregister(d, ep);
	ret = ovl_link_delete(ep->host_ifname);
	if (ret && ret != -ENODEV)
		pr_warn("delete %s: %s", ep->host_ifname, strerror(-ret));
	free(ep);
	return 0;
}
