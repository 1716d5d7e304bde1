// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * endpoint.c - local endpoints (the veths behind VNICs and containers):
 * registering one (link checks, the TC program, its map entries from its
 * addresses and what the backend says about it), removing one.
 *
 * Entries ovld writes on its own are marked: ovl_neigh entries of local
 * endpoints carry the STATIC flag and are never aged or revalidated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ovld.h"
#include "backend.h"
#include "netns.h"
#include "veth.h"
#include "mark.h"
#include "log.h"
#include "router.h"

static bool ep_has_addr(const struct ovl_ep *ep, const struct ovl_ip *ip)
{
	for (int i = 0; i < ep->naddrs; i++)
		if (ovl_ip_eq(&ep->addrs[i], ip))
			return true;
	return false;
}

static void ep_add_addr(struct ovl_ep *ep, const struct ovl_ip *ip)
{
	if (ep->naddrs < OVL_EP_ADDRS && !ep_has_addr(ep, ip))
		ep->addrs[ep->naddrs++] = *ip;
}

/*
 * Link protection by IP address needs the addresses: it is enforced when
 * ovld knows one beyond the link-local it derives from the MAC (hosts.json
 * arp/ndp, the CNI plugin's IPAM result). A VNIC nobody gave an address
 * (any VNIC of a direct overlay) is held to its MAC only.
 */
static bool ep_knows_addrs(const struct ovl_ep *ep)
{
	struct ovl_ip ll;

	ovl_ip_eui64_ll(ep->mac, &ll);
	for (int i = 0; i < ep->naddrs; i++)
		if (!ovl_ip_eq(&ep->addrs[i], &ll))
			return true;
	return false;
}

/* What the backend says about a local endpoint: its DHCP proxy, whether it
 * is a DHCP server of the network (only those may answer DHCP clients) and,
 * for a VNIC, the addresses it owns (the seed's arp/ndp fields). Called
 * again on every reload, so all of it follows the backend. Return: 0, or
 * -errno with the map that refused in err. */
int ep_apply_backend(struct ovld *d, struct ovl_ep *ep, struct ovl_overlay *ov, char *err,
		     size_t errlen)
{
	struct ovl_ip addrs[4];
	__u8 server[6];
	int n, ret;

	ep->dhcp_proxy = !backend_lookup_dhcp(ov, ep->mac, server);
	if (ep->dhcp_proxy)
		memcpy(ep->dhcp_mac, server, 6);
	ep->dhcp_server = ep->kind == OVL_EP_ROUTER || !backend_dhcp_server(ov, ep->mac);
	if (ep->kind == OVL_EP_VNIC) {
		n = backend_lookup_addrs(ov, ep->mac, addrs, 4);
		for (int i = 0; i < n; i++)
			ep_add_addr(ep, &addrs[i]);
	}
	for (int i = 0; i < ep->naddrs; i++) {
		ret = map_neigh_put(d, ep->vni, &ep->addrs[i], ep->mac,
				    OVL_NEIGH_F_STATIC |
					    (ep->kind == OVL_EP_ROUTER ? OVL_NEIGH_F_ROUTER : 0));
		if (ret) {
			snprintf(err, errlen, "write %s: %s", OVL_MAP_NEIGH, map_strerror(ret));
			return ret;
		}
	}
	/* the router forwards others' addresses: held to its MAC */
	ep->ip_nospoof = ep->kind != OVL_EP_ROUTER && ep_knows_addrs(ep);
	ret = map_ep_put(d, ep);
	if (ret)
		snprintf(err, errlen, "write %s and %s: %s", OVL_MAP_IFACES, OVL_MAP_ENDPOINTS,
			 map_strerror(ret));
	return ret;
}

/* Take ep's entries out of ovl_ifaces, ovl_endpoints and ovl_neigh. */
static void ep_maps_del(struct ovld *d, const struct ovl_ep *ep)
{
	struct ovl_neigh n;

	map_ep_del(d, ep);
	for (int i = 0; i < ep->naddrs; i++)
		if (!map_neigh_get(d, ep->vni, &ep->addrs[i], &n) && !memcmp(n.mac, ep->mac, 6))
			map_neigh_del(d, ep->vni, &ep->addrs[i]);
}

struct tso_req {
	const char *ifname;
};

static int tso_off(void *arg)
{
	return ovl_link_set_tso(((struct tso_req *)arg)->ifname, false);
}

/*
 * Toward an IPv6 VTEP the outer UDP checksum is mandatory, and the kernel
 * cannot be told from BPF to fill it per segment of a GSO packet. So the
 * endpoint of a network with IPv6 peers segments before the veth (TSO off
 * on its interface; software GSO stays) and every packet is summed in BPF.
 */
static void ep_fit_offloads(struct ovld *d, struct ovl_ep *ep, struct ovl_overlay *ov)
{
	struct tso_req r = { .ifname = ep->ifname };
	bool v6 = overlay_v6_underlay(d, ov);
	int fd, err;

	ep->tso_off = false;
	if (!v6 || !ep->ifname[0])
		return;
	if (!ep->netns[0]) {
		err = tso_off(&r);
	} else {
		fd = ovl_netns_open(ep->netns);
		if (fd < 0) {
			pr_warn("endpoint %s: netns %s: %s; TSO left on", ep->id, ep->netns,
				strerror(-fd));
			return;
		}
		err = ovl_netns_run(fd, tso_off, &r);
		close(fd);
	}
	if (err)
		pr_warn("endpoint %s: TSO off on %s failed (%s): large sends toward IPv6 VTEPs "
			"go out with a zero UDP checksum",
			ep->id, ep->ifname, strerror(-err));
	else
		ep->tso_off = true;
}

/* -EEXIST, and why, when mac is an endpoint of ov already. */
int ep_mac_in_use(struct ovld *d, const struct ovl_overlay *ov, const __u8 mac[6], char *err,
		  size_t errlen)
{
	struct ovl_ep *other = ep_by_mac(d, ov->vni, mac);
	char m[OVL_MAC_STRLEN], l[OVL_EP_LABEL_MAX];

	if (!other)
		return 0;
	snprintf(err, errlen, "MAC %s is already %s on overlay %s", ovl_mac_format(mac, m),
		 ep_label(other, l, sizeof(l)), ov->name);
	return -EEXIST;
}

/*
 * An address a static ovl_neigh entry gives to another MAC is taken: by a
 * local endpoint (a VNIC's --ip, a CNI endpoint's IPAM address, a VNIC's
 * hosts.json arp/ndp), or by `ovlctl neigh add`. The message names which.
 */
int ep_addrs_in_use(struct ovld *d, const struct ovl_overlay *ov, const __u8 mac[6],
		    const struct ovl_ip *addrs, int n, char *err, size_t errlen)
{
	char a[OVL_IP_STRLEN], m[OVL_MAC_STRLEN], l[OVL_EP_LABEL_MAX];
	struct ovl_neigh nb;
	struct ovl_ep *owner;

	for (int i = 0; i < n; i++) {
		if (map_neigh_get(d, ov->vni, &addrs[i], &nb) || !(nb.flags & OVL_NEIGH_F_STATIC) ||
		    !memcmp(nb.mac, mac, 6))
			continue;
		owner = ep_by_mac(d, ov->vni, nb.mac);
		snprintf(err, errlen, "address %s on overlay %s belongs to MAC %s (%s)",
			 ovl_ip_format(&addrs[i], a), ov->name, ovl_mac_format(nb.mac, m),
			 owner ? ep_label(owner, l, sizeof(l)) :
				 "a static entry: ovlctl neigh del frees it");
		return -EADDRINUSE;
	}
	return 0;
}

/*
 * Is ep->host_ifname a veth that ovl made for this endpoint of this
 * instance? Only such a veth may become an endpoint: TC on any other
 * interface (the underlay, lo, someone else's veth) would hold the host's
 * own traffic to an endpoint's rules and drop it. What tells is the mark in
 * its ifalias (mark.h), and for a container, that its peer is in another
 * namespace. Restoring what state.json lists, an unmarked veth is taken as
 * it is (plugins and ovlds before the marks made those), a VNIC's is
 * marked, and an endpoint saved without its network gets it from the mark.
 */
int ep_check_link(struct ovld *d, struct ovl_ep *ep, bool restoring, char *err, size_t errlen)
{
	char inst[OVL_INSTANCE_MAX + 1], net[sizeof(ep->network)], a[300], b[OVL_IFNAME_MAX];
	char id[sizeof(a) + sizeof(b) + 1], mark[OVL_ALIAS_MAX];
	const char *host = ep->host_ifname;
	struct ovl_link_info li;
	int ret;

	ret = ovl_link_info(host, &li);
	if (ret) {
		snprintf(err, errlen, "host interface %s: %s", host,
			 ret == -ENODEV ? "no such interface" : strerror(-ret));
		return ret;
	}
	if (li.ifindex == d->underlay_ifindex) {
		snprintf(err, errlen,
			 "%s is the underlay of instance %s: only a veth that ovl made for an "
			 "endpoint can be one",
			 host, d->o.instance);
		return -EPERM;
	}
	if (strcmp(li.kind, "veth")) {
		snprintf(err, errlen,
			 "%s is %s%s%snot a veth: only a veth that ovl made for an endpoint can "
			 "be one",
			 host, li.kind[0] ? "a " : "", li.kind, li.kind[0] ? ", " : "");
		return -EPERM;
	}
	if (ep->kind == OVL_EP_VNIC) {
		if (!li.alias[0] && restoring) {
			ovl_vnic_alias_format(d->o.instance, ep->id, ep->netns, mark, sizeof(mark));
			ovl_link_set_alias(host, mark);
			return 0;
		}
		if (ovl_vnic_alias_parse(li.alias, inst, sizeof(inst), b, sizeof(b), a,
					 sizeof(a)) ||
		    strcmp(inst, d->o.instance) || strcmp(b, ep->id)) {
			snprintf(err, errlen, "%s is not the veth of this VNIC (ifalias \"%s\")",
				 host, li.alias);
			return -EPERM;
		}
		return 0;
	}
	if (!li.alias[0] && restoring)
		return 0;
	if (ovl_cni_alias_parse(li.alias, inst, sizeof(inst), net, sizeof(net), a, sizeof(a), b,
				sizeof(b))) {
		if (!ovl_vnic_alias_parse(li.alias, inst, sizeof(inst), b, sizeof(b), a, sizeof(a)))
			snprintf(
				err, errlen,
				"%s is VNIC %s of ovl instance %s (ifalias \"%s\"), not a "
				"container's veth: only a veth that ovl made for an endpoint can be "
				"one",
				host, b, inst, li.alias);
		else
			snprintf(
				err, errlen,
				"%s carries no mark of the ovl CNI plugin (ifalias \"%s\"): only a "
				"veth that ovl made for an endpoint can be one",
				host, li.alias);
		return -EPERM;
	}
	if (strcmp(inst, d->o.instance)) {
		snprintf(err, errlen, "%s belongs to ovl instance %s (ifalias \"%s\"), not %s",
			 host, inst, li.alias, d->o.instance);
		return -EPERM;
	}
	snprintf(id, sizeof(id), "%s/%s", a, b);
	if (strcmp(id, ep->id) || (ep->network[0] && strcmp(net, ep->network))) {
		snprintf(err, errlen,
			 "%s belongs to attachment %s of network %s (ifalias \"%s\"), not to %s "
			 "of network %s",
			 host, id, net, li.alias, ep->id, ep->network[0] ? ep->network : "?");
		return -EPERM;
	}
	if (ep->peer_netns && !li.peer_netns) {
		snprintf(err, errlen,
			 "the peer of %s is in this network namespace, not in a container's", host);
		return -EPERM;
	}
	if (!ep->network[0])
		snprintf(ep->network, sizeof(ep->network), "%s", net);
	return 0;
}

/*
 * A backend that tells other hosts about local endpoints (etcd) is told
 * of ep: its MAC and the addresses it owns, not the EUI-64 link-local
 * (every host derives that from the MAC). It refuses a MAC or address
 * another host has, naming that host.
 */
static int ep_publish(struct ovl_overlay *ov, const struct ovl_ep *ep, char *err, size_t errlen)
{
	struct ovl_ip addrs[OVL_EP_ADDRS], ll;
	int n = 0;

	if (!ov->ops->publish || ep->kind == OVL_EP_ROUTER) /* every host has one */
		return 0;
	ovl_ip_eui64_ll(ep->mac, &ll);
	for (int i = 0; i < ep->naddrs; i++)
		if (!ovl_ip_eq(&ep->addrs[i], &ll))
			addrs[n++] = ep->addrs[i];
	return ov->ops->publish(ov->backend, ep->mac, addrs, n, err, errlen);
}

static void ep_withdraw(struct ovl_overlay *ov, const struct ovl_ep *ep)
{
	if (ov->ops->withdraw && ep->kind != OVL_EP_ROUTER)
		ov->ops->withdraw(ov->backend, ep->mac);
}

int ep_register(struct ovld *d, struct ovl_ep *ep, char *err, size_t errlen)
{
	struct ovl_overlay *ov = overlay_find(d, ep->overlay);
	char l[OVL_EP_LABEL_MAX];
	struct ovl_ip ll;
	int ret;

	if (!ov) {
		snprintf(err, errlen, "no overlay %s", ep->overlay);
		return -ENOENT;
	}
	ep->vni = ov->vni;
	if (ep_find(d, ep->kind, ep_scope(ep), ep->id)) {
		snprintf(err, errlen, "%s exists", ep_label(ep, l, sizeof(l)));
		return -EEXIST;
	}
	ret = ep_mac_in_use(d, ov, ep->mac, err, errlen);
	if (ret)
		return ret;
	if (ep->kind != OVL_EP_ROUTER) {
		__u8 rm[6];

		router_mac(ov->vni, rm);
		if (!memcmp(rm, ep->mac, 6)) {
			char m[OVL_MAC_STRLEN];

			snprintf(err, errlen, "MAC %s is the router's of overlay %s (VNI %u)",
				 ovl_mac_format(rm, m), ov->name, ov->vni);
			return -EADDRINUSE;
		}
	}
	ovl_ip_eui64_ll(ep->mac, &ll);
	ep_add_addr(ep, &ll);
	ret = ep_addrs_in_use(d, ov, ep->mac, ep->addrs, ep->naddrs, err, errlen);
	if (ret)
		return ret;
	ret = dp_tc_check(d, ep->host_ifindex, ep->host_ifname, err, errlen);
	if (ret)
		return ret;
	ret = ep_publish(ov, ep, err, errlen);
	if (ret)
		return ret;
	ret = dp_prepare_veth(ep->host_ifname);
	if (!ret)
		ret = dp_attach_tc(d, ep->host_ifindex, ep->host_ifname);
	if (ret) {
		snprintf(err, errlen, "set up %s: %s", ep->host_ifname, strerror(-ret));
		ep_withdraw(ov, ep);
		return ret;
	}
	/* caps before OVL_EP_F_SHAPED (ep_apply_backend) sends frames to them */
	ret = ep_shaped(ep) ? dp_shape(d, ep, err, errlen) : 0;
	if (ret) {
		ep_withdraw(ov, ep);
		return ret;
	}
	ret = ep_apply_backend(d, ep, ov, err, errlen);
	if (ret) {
		ep_maps_del(d, ep);
		ep_withdraw(ov, ep);
		return ret;
	}
	ep_fit_offloads(d, ep, ov);
	map_fdb_del(d, ep->vni, ep->mac); /* a cached remote entry is now wrong */
	ep->next = d->eps;
	d->eps = ep;
	overlay_write_vni(d, ov);
	state_changed(d);
	pr_info("%s: %s on overlay %s (vni %u)", ep_label(ep, l, sizeof(l)), ep->host_ifname,
		ov->name, ov->vni);
	return 0;
}

int ep_unregister(struct ovld *d, struct ovl_ep *ep)
{
	char l[OVL_EP_LABEL_MAX];
	struct ovl_overlay *ov;
	struct ovl_ep **pp;

	ep_maps_del(d, ep);
	for (pp = &d->eps; *pp && *pp != ep; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = ep->next;
	ov = overlay_find(d, ep->overlay);
	if (ov) {
		ep_withdraw(ov, ep);
		overlay_write_vni(d, ov);
	}
	state_changed(d);
	pr_info("%s removed", ep_label(ep, l, sizeof(l)));
	return 0;
}

json_t *ep_json(const struct ovl_ep *ep)
{
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN];
	json_t *addrs = json_array(), *o;

	for (int i = 0; i < ep->naddrs; i++)
		json_array_append_new(addrs, json_string(ovl_ip_format(&ep->addrs[i], a)));
	o = json_pack("{s:s, s:s, s:s, s:i, s:s, s:o, s:s, s:i, s:s, s:b}", "id", ep->id, "kind",
		      ep->kind == OVL_EP_VNIC	? "vnic" :
		      ep->kind == OVL_EP_ROUTER ? "router" :
						  "cni",
		      "overlay", ep->overlay, "vni", (json_int_t)ep->vni, "mac",
		      ovl_mac_format(ep->mac, m), "addrs", addrs, "host_ifname", ep->host_ifname,
		      "host_ifindex", (json_int_t)ep->host_ifindex, "netns", ep->netns,
		      "peer_netns", ep->peer_netns);
	if (o && ep->ifname[0])
		json_object_set_new(o, ep->kind == OVL_EP_VNIC ? "name" : "ifname",
				    json_string(ep->ifname));
	if (o)
		json_object_set_new(o, "tso", json_boolean(!ep->tso_off));
	if (o && ep->network[0])
		json_object_set_new(o, "network", json_string(ep->network));
	if (o && ep->dhcp_proxy)
		json_object_set_new(o, "dhcp_proxy", json_string(ovl_mac_format(ep->dhcp_mac, m)));
	if (o)
		json_object_set_new(o, "dhcp_server", json_boolean(ep->dhcp_server));
	ep_bw_json(ep, o);
	return o;
}
